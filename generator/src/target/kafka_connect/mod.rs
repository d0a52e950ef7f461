//! The private platform: Kafka Connect with Debezium, landing in MinIO/S3, merging in Postgres.
//!
//! Per platform (`<out>/<platform>/`):
//!
//! - `connect/<connector>.json`: every connector as Connect REST JSON (`{"name", "config"}`),
//!   for both deployments;
//! - deployment `strimzi` (default): `strimzi/kafka-connect.yaml` (the `KafkaConnect` with the
//!   Kubernetes secret config provider and a `build` of exactly the plugins used),
//!   `strimzi/connectors/<node>.yaml` (one `KafkaConnector` per connector, a file per ingest
//!   node), `strimzi/rbac.yaml`
//!   (Role and RoleBinding reading exactly the referenced Secrets),
//!   `strimzi/network-policy.yaml` (egress to the ports Connect needs) and
//!   `helm/strimzi-kafka-operator-values.yaml` (values for the official operator chart), and
//!   for the merge job `batch/<node>.yaml` (a CronJob per ingest node with merge work running
//!   `dsgen batch`), `batch/service-account.yaml` and `batch/network-policy.yaml` ([`batch`]);
//! - deployment `plain`: `worker/config-providers.properties`, the worker settings that make the
//!   connectors' `${env:...}` or `${file:...}` placeholders resolve;
//! - `sql/`: the merge database's objects and batch statements (`sql.rs`, docs/milestoning.md).
//!
//! A platform whose graph needs no connector and no merge job renders no files. What each ingest node renders is
//! in docs/targets/kafka-connect.md.

pub mod batch;
mod connectors;
pub mod settings;
mod sql;
mod strimzi;

use super::resource::{Element, Resource, ResourceKind, Spec};
use super::{RenderContext, Rendered, Target};
use crate::diag::Diagnostic;
use crate::model;
use crate::render::tree::FileTree;
use rayon::prelude::*;
use serde_json::{Map, Value};
use settings::{Deployment, Secrets};

pub use connectors::{regex_escape, source_table, Connector, Plan, Plugin};

/// The kafka-connect target.
pub struct KafkaConnect;

impl Target for KafkaConnect {
    fn target(&self) -> model::Target {
        model::Target::KafkaConnect
    }

    fn render(&self, cx: &RenderContext) -> Result<Rendered, Vec<Diagnostic>> {
        let settings = settings::resolve(cx.platform, cx.index)?;
        let plan = connectors::plan(cx, &settings)?;
        // The batch CronJobs are Kubernetes objects: only the strimzi deployment renders them
        // (plain Connect leaves scheduling `dsgen batch` to its operators; docs).
        let jobs = match settings.deployment {
            Deployment::Strimzi => batch::jobs(cx, &settings)?,
            Deployment::Plain => Vec::new(),
        };
        if let Some(d) = batch::image_problem(cx, &settings, &jobs) {
            return Err(vec![d]);
        }
        let (sql, tables) = sql::files(cx)?;
        let mut tree = FileTree::new();
        // Nothing flows through this platform (e.g. it reads everything from a primary's merge
        // tables): nothing to deploy.
        if plan.connectors.is_empty() && jobs.is_empty() && sql.is_empty() {
            return Ok(Rendered::default());
        }
        let internal = |e: crate::render::tree::TreeError| {
            vec![Diagnostic::new(
                &crate::render::codes::DS501,
                format!("platform `{}`: {e}", cx.platform.name.value),
            )
            .at(cx.platform.name.span)]
        };
        // The merge database's objects, also for platforms whose data never passes through
        // Connect (snapshot and watermark captures).
        for (path, text) in sql {
            tree.text(&path, text).map_err(internal)?;
        }
        // Each connector's config, for the inventory (in the order of `plan.connectors`).
        let mut configs = Vec::new();
        if !plan.connectors.is_empty() {
            // Serialized in parallel (large platforms have tens of thousands of connectors),
            // then inserted in order; the inventory's spec comes from the same JSON.
            let rest: Vec<(String, String, Option<Spec>)> = plan
                .connectors
                .par_iter()
                .map(|c| {
                    let json = c.rest_json();
                    let text = serde_json::to_string_pretty(&json).unwrap_or_default();
                    let spec = cx.inventory.then(|| Spec::of(&json["config"]));
                    (format!("connect/{}.json", c.name), text, spec)
                })
                .collect();
            for (path, text, spec) in rest {
                tree.text(&path, text).map_err(internal)?;
                configs.extend(spec);
            }
            match settings.deployment {
                Deployment::Strimzi => {
                    for (path, text) in strimzi::files(&settings, &plan) {
                        tree.text(&path, text).map_err(internal)?;
                    }
                }
                Deployment::Plain => {
                    tree.text(
                        "worker/config-providers.properties",
                        properties(&worker_providers(settings.secrets)),
                    )
                    .map_err(internal)?;
                }
            }
        }
        if !jobs.is_empty() {
            let platform = cx.platform.name.value.as_str();
            let files: Vec<(String, String)> = jobs
                .par_iter()
                .map(|j| {
                    (
                        batch::cron_job_path(j),
                        strimzi::yaml(&[batch::cron_job(&settings, platform, j)]),
                    )
                })
                .collect();
            for (path, text) in files {
                tree.text(&path, text).map_err(internal)?;
            }
            tree.text(
                batch::SERVICE_ACCOUNT_PATH,
                strimzi::yaml(&[batch::service_account(&settings)]),
            )
            .map_err(internal)?;
            tree.text(
                batch::NETWORK_POLICY_PATH,
                strimzi::yaml(&[batch::network_policy(&settings, &jobs)]),
            )
            .map_err(internal)?;
        }
        let resources = if cx.inventory {
            let mut r = resources(cx, &settings, &plan, configs, &jobs);
            r.extend(tables);
            r
        } else {
            Vec::new()
        };
        Ok(Rendered {
            files: tree,
            resources,
        })
    }
}

/// What the platform's files deploy: every connector (in its KafkaConnector file with strimzi,
/// its REST JSON with plain Connect) and the platform-wide objects.
fn resources(
    cx: &RenderContext,
    s: &settings::Settings,
    plan: &Plan,
    configs: Vec<Spec>,
    jobs: &[batch::BatchJob],
) -> Vec<Resource> {
    assert_eq!(
        configs.len(),
        plan.connectors.len(),
        "one config per connector"
    );
    let mut out: Vec<Resource> = plan
        .connectors
        .iter()
        .zip(configs)
        .map(|(c, spec)| Resource {
            kind: match c.plugin {
                Plugin::Jdbc | Plugin::S3 => ResourceKind::SinkConnector,
                _ => ResourceKind::SourceConnector,
            },
            name: c.name.clone(),
            file: match s.deployment {
                Deployment::Strimzi => format!("strimzi/connectors/{}.yaml", c.group),
                Deployment::Plain => format!("connect/{}.json", c.name),
            },
            spec,
            element: c.element.clone(),
        })
        .collect();
    let platform = Element::Platform(cx.platform.name.value.clone());
    if !jobs.is_empty() {
        out.extend(
            batch::resources(s, &cx.platform.name.value, jobs)
                .into_iter()
                .map(|(kind, name, file, spec, element)| Resource {
                    kind,
                    name,
                    file,
                    spec: spec.into(),
                    element: element.unwrap_or_else(|| platform.clone()),
                }),
        );
    }
    if plan.connectors.is_empty() {
        return out;
    }
    match s.deployment {
        Deployment::Strimzi => out.extend(strimzi::resources(s, plan).into_iter().map(
            |(kind, name, file, spec)| Resource {
                kind,
                name,
                file: file.to_string(),
                spec: spec.into(),
                element: platform.clone(),
            },
        )),
        Deployment::Plain => out.push(Resource {
            kind: ResourceKind::ConnectCluster,
            name: s.connect_cluster.clone(),
            file: "worker/config-providers.properties".to_string(),
            spec: object(
                worker_providers(s.secrets)
                    .into_iter()
                    .map(|(k, v)| (k, Value::from(v))),
            )
            .into(),
            element: platform,
        }),
    }
    out
}

/// Worker settings of plain Connect that resolve the connectors' placeholders.
fn worker_providers(secrets: Secrets) -> Vec<(&'static str, &'static str)> {
    match secrets {
        Secrets::Env => vec![
            ("config.providers", "env"),
            (
                "config.providers.env.class",
                "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
            ),
        ],
        Secrets::File => vec![
            ("config.providers", "file"),
            (
                "config.providers.file.class",
                "org.apache.kafka.common.config.provider.FileConfigProvider",
            ),
        ],
        Secrets::Kubernetes => vec![
            ("config.providers", "secrets"),
            (
                "config.providers.secrets.class",
                "io.strimzi.kafka.KubernetesSecretConfigProvider",
            ),
        ],
    }
}

/// A Java properties file of plain `key=value` lines (keys and values here need no escaping).
fn properties(pairs: &[(&str, &str)]) -> String {
    let mut out = String::from("# Generated by dsgen; do not edit.\n");
    for (k, v) in pairs {
        out.push_str(k);
        out.push('=');
        out.push_str(v);
        out.push('\n');
    }
    out
}

/// A JSON object from pairs, in their order.
pub(crate) fn object<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v))
            .collect::<Map<String, Value>>(),
    )
}
