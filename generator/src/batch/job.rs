//! The job description: everything one ingest node's batch needs (its datasets' tables, where
//! their rows come from, the merge database), resolved from a model that lints clean.
//!
//! Owns: naming the node, platform and containers in usage errors. Does not: connect to
//! anything (`connect`), or run a batch.

use super::BatchError;
use crate::broker::Placement;
use crate::graph::{Graphs, NodeKind, Source};
use crate::milestone::{self, BatchTables, DatasetTables, Feed, Mode};
use crate::model::index::ModelIndex;
use crate::model::{CaptureKind, ContainerKind, ContainerSpec, DbEngine, Model};
use crate::target::kafka_connect::settings;

/// A PostgreSQL database named by a model container, with the credential to log in with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `merge database` or `source database of store S`: for messages.
    pub role: String,
    pub container: String,
    pub host: String,
    pub port: u16,
    pub database: String,
    pub credential: Option<String>,
}

/// Where a node's rows come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `snapshot` or `watermark` pulled from a PostgreSQL source; the source table of each
    /// dataset, in the order of [`Job::datasets`].
    Pull {
        endpoint: Endpoint,
        tables: Vec<String>,
    },
    /// `cdc` or `kafka` events the JDBC sink landed in the merge database.
    Events,
}

/// Everything one node's batch needs, resolved from the model.
#[derive(Debug, Clone)]
pub struct Job {
    pub platform: String,
    pub node: String,
    pub mode: Mode,
    pub batch_tables: BatchTables,
    pub datasets: Vec<DatasetTables>,
    pub input: Input,
    pub merge: Endpoint,
}

fn endpoint(
    ix: &ModelIndex,
    role: String,
    container: &str,
    credential: Option<String>,
) -> Result<Endpoint, BatchError> {
    match ix.containers.get(container).map(|(_, c)| *c) {
        Some(c) => match (&c.kind.value, &c.spec) {
            (
                ContainerKind::Database(DbEngine::Postgres),
                ContainerSpec::Database {
                    host,
                    port,
                    database,
                },
            ) => Ok(Endpoint {
                role,
                container: container.to_string(),
                host: host.value.clone(),
                port: port.value,
                database: database.value.clone(),
                credential,
            }),
            (kind, _) => Err(BatchError::Usage(format!(
                "the {role} is container `{container}`, a `{}` container; dsgen batch pulls only \
                 from postgres",
                kind.as_str()
            ))),
        },
        None => Err(BatchError::Usage(format!(
            "the {role} names container `{container}`, which does not exist"
        ))),
    }
}

impl Job {
    /// Resolve `node` of `platform` in a model that lints clean.
    pub fn new(model: &Model, platform: &str, node: &str) -> Result<Job, BatchError> {
        let ix = ModelIndex::new(model);
        let placement = crate::broker::place(model, &ix).placement;
        let graphs = crate::graph::build(&ix, &placement);
        Job::resolve(&ix, &placement, &graphs, platform, node)
    }

    fn resolve(
        ix: &ModelIndex,
        placement: &Placement,
        graphs: &Graphs,
        platform: &str,
        node: &str,
    ) -> Result<Job, BatchError> {
        let Some(p) = ix.platforms.get(platform) else {
            let mut msg = format!("unknown platform `{platform}`");
            let mut names: Vec<&str> = ix.platforms.keys().copied().collect();
            names.sort_unstable();
            if let Some(s) = crate::diag::did_you_mean(platform, names.iter().copied()) {
                msg.push_str(&format!("; did you mean `{s}`?"));
            }
            return Err(BatchError::Usage(msg));
        };
        if p.target.value != crate::model::Target::KafkaConnect {
            return Err(BatchError::Usage(format!(
                "platform `{platform}` has target `{}`; dsgen batch runs the merge job of \
                 kafka-connect platforms (their `merge_container`)",
                p.target.value.as_str()
            )));
        }
        let s = settings::resolve(p, ix).map_err(|d| {
            BatchError::Usage(format!(
                "platform `{platform}` has invalid settings ({}); run `dsgen lint`",
                d.iter()
                    .map(|d| d.message.clone())
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
        })?;
        let merge = endpoint(
            ix,
            format!("merge database of platform `{platform}`"),
            &s.merge.name.value,
            Some(s.merge_credential.clone()),
        )?;
        let graph = graphs
            .platform(platform)
            .ok_or_else(|| BatchError::Usage(format!("platform `{platform}` has no graph")))?;
        let ingest_keys = || {
            graph
                .nodes()
                .filter(|n| n.kind == NodeKind::Ingest)
                .map(|n| n.key.as_str())
        };
        let Some(n) = graph.node(node).filter(|n| n.kind == NodeKind::Ingest) else {
            let mut msg =
                format!("platform `{platform}` has no ingest node `{node}` (`ingest/STORE` or `ingest/STORE/DATASET`)");
            if let Some(s) = crate::diag::did_you_mean(node, ingest_keys()) {
                msg.push_str(&format!("; did you mean `{s}`?"));
            } else {
                let all: Vec<&str> = ingest_keys().collect();
                if !all.is_empty() {
                    msg.push_str(&format!("; its ingest nodes: {}", all.join(", ")));
                }
            }
            return Err(BatchError::Usage(msg));
        };
        let store_name = n.store.clone().unwrap_or_default();
        match &n.source {
            Some(Source::Capture { .. }) => {}
            Some(Source::Primary { platform: primary }) => {
                return Err(BatchError::Usage(format!(
                    "node `{node}` of platform `{platform}` reads store `{store_name}` from the \
                     merge tables of its primary platform `{primary}`; the primary's batch \
                     merges it, and this version of dsgen batch does not copy it across"
                )))
            }
            Some(Source::Transformer { workspace }) => {
                return Err(BatchError::Usage(format!(
                    "node `{node}` of platform `{platform}` is the output of the transformer of \
                     workspace `{workspace}`, which writes it itself; there is no batch to run"
                )))
            }
            Some(Source::None) | None => {
                return Err(BatchError::Usage(format!(
                    "node `{node}` of platform `{platform}`: store `{store_name}` has no capture; \
                     there is nothing to ingest"
                )))
            }
        }
        let store = ix
            .datastores
            .get(store_name.as_str())
            .ok_or_else(|| BatchError::Usage(format!("unknown store `{store_name}`")))?;
        let capture = store
            .item
            .capture
            .as_ref()
            .ok_or_else(|| BatchError::Usage(format!("store `{store_name}` has no capture")))?;
        let mode = Mode::of(p.milestoning.value);
        let feed = Feed::of(capture.kind.value);
        let watermark = capture.watermark_column.as_ref().map(|w| w.value.as_str());
        let model_datasets = crate::graph::node_datasets(ix, placement, graph, node);
        if model_datasets.is_empty() {
            return Err(BatchError::Usage(format!(
                "node `{node}` of platform `{platform}` carries no dataset (no sink on the \
                 platform reads store `{store_name}`)"
            )));
        }
        let sinks = milestone::sinks_by_dataset(placement, platform);
        let mut datasets = Vec::new();
        for d in &model_datasets {
            let of = sinks
                .get(&(store_name.clone(), d.name.value.clone()))
                .map(Vec::as_slice)
                .unwrap_or_default();
            datasets.push(
                milestone::dataset_tables(platform, mode, feed, &store_name, d, watermark, of)
                    .map_err(|e| BatchError::Usage(format!("platform `{platform}`: {e}")))?,
            );
        }
        let input = match capture.kind.value {
            CaptureKind::Snapshot | CaptureKind::Watermark => {
                let container = capture.container.value.as_str();
                let endpoint = endpoint(
                    ix,
                    format!("source database of store `{store_name}`"),
                    container,
                    capture.credential.as_ref().map(|c| c.value.clone()),
                )?;
                let c = ix.containers.get(container).map(|(_, c)| *c);
                let tables = model_datasets
                    .iter()
                    .map(|d| match c {
                        Some(c) => crate::target::kafka_connect::source_table(
                            DbEngine::Postgres,
                            c,
                            &capture.tables,
                            d,
                        ),
                        None => format!("public.{}", d.name.value),
                    })
                    .collect();
                Input::Pull { endpoint, tables }
            }
            CaptureKind::Cdc | CaptureKind::Kafka => Input::Events,
        };
        Ok(Job {
            platform: platform.to_string(),
            node: node.to_string(),
            mode,
            batch_tables: BatchTables::of(platform),
            datasets,
            input,
            merge,
        })
    }

    pub(super) fn what(&self) -> String {
        format!("node `{}` of platform `{}`", self.node, self.platform)
    }
}
