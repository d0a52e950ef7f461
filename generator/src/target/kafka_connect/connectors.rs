//! The connectors of one kafka-connect platform, built from its graph's ingest nodes.
//!
//! Per ingest node whose source is the store's own capture:
//! - `cdc` from a database: one Debezium source connector for the node's datasets;
//! - `kafka`: no source connector; the sinks read the capture's declared topics;
//! - `snapshot` and `watermark`: nothing here: the merge job (`dsgen batch`) pulls those from
//!   the source itself, so they have no topics to sink.
//!
//! Then per dataset of the node: an S3 sink landing its topic under one prefix per
//! store/dataset, and a Debezium JDBC sink appending its change events (deletes included) to
//! the dataset's CDC landing table in the merge database, which `dsgen batch` merges. Ingest nodes fed by a primary platform or a transformer have no connectors (the
//! merge job reads the primary's merge tables; the transformer writes its output itself).

use super::settings::{Converter, Settings};
use super::RenderContext;
use crate::diag::Diagnostic;
use crate::graph::{captured_ingests, node_datasets, CapturedIngest, Node};
use crate::model::{CaptureKind, Container, ContainerKind, ContainerSpec, Dataset, DbEngine};
use crate::render::codes;
use crate::render::names::{self, Collision, Namespace};
use crate::source::Span;
use crate::target::resource::Element;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A connector plugin the Connect image must contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Plugin {
    Postgres,
    Mysql,
    Sqlserver,
    Oracle,
    Db2,
    Jdbc,
    S3,
}

impl Plugin {
    fn of(engine: DbEngine) -> Plugin {
        match engine {
            DbEngine::Postgres => Plugin::Postgres,
            DbEngine::Mysql => Plugin::Mysql,
            DbEngine::Sqlserver => Plugin::Sqlserver,
            DbEngine::Oracle => Plugin::Oracle,
            DbEngine::Db2 => Plugin::Db2,
        }
    }
}

/// One connector: its name (a Kubernetes name, also its Connect name), class and config.
#[derive(Debug, Clone)]
pub struct Connector {
    pub name: String,
    /// The Kubernetes name of the ingest node it belongs to (`<platform>-<store>[-<dataset>]`):
    /// its KafkaConnector shares a file with the node's other connectors.
    pub group: String,
    pub class: &'static str,
    pub tasks_max: u32,
    pub plugin: Plugin,
    /// Config without `connector.class` and `tasks.max`, sorted by key.
    pub config: BTreeMap<String, String>,
    /// What it moves: the ingest node's store or dataset (a source), one dataset (a sink).
    pub element: Element,
}

impl Connector {
    /// Connect REST JSON: `{"name": ..., "config": {...}}`.
    pub fn rest_json(&self) -> Value {
        let mut config = serde_json::Map::new();
        config.insert("connector.class".into(), self.class.into());
        config.insert("tasks.max".into(), self.tasks_max.to_string().into());
        for (k, v) in &self.config {
            config.insert(k.clone(), v.clone().into());
        }
        super::object([
            ("name", Value::from(self.name.clone())),
            ("config", Value::Object(config)),
        ])
    }
}

/// Everything one platform's connectors need.
#[derive(Debug, Default)]
pub struct Plan {
    /// Sorted by name.
    pub connectors: Vec<Connector>,
    /// Credentials the connectors read, sorted.
    pub credentials: BTreeSet<String>,
    /// Ports of the captured databases, sorted.
    pub source_ports: BTreeSet<u16>,
}

impl Plan {
    pub fn plugins(&self) -> BTreeSet<Plugin> {
        self.connectors.iter().map(|c| c.plugin).collect()
    }
}

/// Escape every regex metacharacter, so a table name matches only itself
/// (`public.orders` → `public\.orders`). Debezium matches include lists against the whole
/// identifier, so the escaped name is an anchored match.
pub fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if "\\.^$|?*+()[]{}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Generated names of one platform, each namespace remembering the model element (and its
/// span) it came from, so a collision is a DS501 naming both.
struct Names<'p> {
    platform: &'p str,
    spans: HashMap<String, Span>,
    connectors: Namespace,
    topics: Namespace,
    slots: Namespace,
    landing: Namespace,
    server_ids: Namespace,
    diags: Vec<Diagnostic>,
}

impl Names<'_> {
    fn claim(&mut self, which: Which, source: &str, span: Span, generated: String) -> String {
        self.spans.entry(source.to_string()).or_insert(span);
        let ns = match which {
            Which::Connector => &mut self.connectors,
            Which::Topic => &mut self.topics,
            Which::Slot => &mut self.slots,
            Which::Landing => &mut self.landing,
            Which::ServerId => &mut self.server_ids,
        };
        match ns.claim(source, generated.clone()) {
            Ok(n) => n,
            Err(c) => {
                self.report(&c, span);
                generated
            }
        }
    }

    fn report(&mut self, c: &Collision, span: Span) {
        let first = self.spans.get(&c.first).copied();
        self.diags
            .push(codes::collision(c, self.platform, first, span));
    }
}

#[derive(Clone, Copy)]
enum Which {
    Connector,
    Topic,
    Slot,
    Landing,
    ServerId,
}

/// The connectors of the platform in `cx`, or DS501 for every collision of generated names.
pub fn plan(cx: &RenderContext, s: &Settings) -> Result<Plan, Vec<Diagnostic>> {
    let platform = cx.platform.name.value.as_str();
    let mut names = Names {
        platform,
        spans: HashMap::new(),
        connectors: Namespace::new("connector name"),
        topics: Namespace::new("topic prefix"),
        slots: Namespace::new("replication slot"),
        landing: Namespace::new("CDC landing table"),
        server_ids: Namespace::new("MySQL server id"),
        diags: Vec::new(),
    };
    let mut plan = Plan::default();
    plan.credentials.insert(s.merge_credential.clone());
    if let Some(c) = &s.landing_credential {
        plan.credentials.insert(c.clone());
    }
    for CapturedIngest {
        node,
        store_name,
        store,
        capture,
    } in captured_ingests(cx.index, cx.graph)
    {
        let Some((_, container)) = cx.index.containers.get(capture.container.value.as_str()) else {
            continue;
        };
        let datasets = datasets_of(cx, node);
        if datasets.is_empty() {
            continue;
        }
        let base = match node.dataset.as_deref() {
            Some(d) => format!("{platform}.{store_name}.{d}"),
            None => format!("{platform}.{store_name}"),
        };
        let element = match node.dataset.as_deref() {
            Some(d) => format!("{store_name}.{d}"),
            None => store_name.to_string(),
        };
        let span = store.name.span;
        let group = names::kubernetes(&base);
        let first = plan.connectors.len();
        // Each dataset's topic.
        let topics: Vec<(&Dataset, String)> = match (capture.kind.value, container.kind.value) {
            (CaptureKind::Cdc, ContainerKind::Database(engine)) => {
                let prefix = names.claim(Which::Topic, &element, span, names::kafka(&base));
                let node_element = match node.dataset.as_deref() {
                    Some(d) => Element::Dataset(store_name.to_string(), d.to_string()),
                    None => Element::Store(store_name.to_string()),
                };
                let source = source_connector(
                    cx,
                    s,
                    &mut names,
                    node_element,
                    &element,
                    span,
                    &base,
                    &prefix,
                    engine,
                    container,
                    capture.credential.as_ref().map(|c| c.value.as_str()),
                    &capture.tables,
                    &datasets,
                );
                if let Some(c) = &capture.credential {
                    plan.credentials.insert(c.value.clone());
                }
                if let ContainerSpec::Database { port, .. } = &container.spec {
                    plan.source_ports.insert(port.value);
                }
                let topics = datasets
                    .iter()
                    .map(|d| {
                        let table = source_table(engine, container, &capture.tables, d);
                        let topic = match (engine, &container.spec) {
                            (DbEngine::Sqlserver, ContainerSpec::Database { database, .. }) => {
                                format!("{prefix}.{}.{table}", database.value)
                            }
                            _ => format!("{prefix}.{table}"),
                        };
                        (*d, names::kafka(&topic))
                    })
                    .collect();
                plan.connectors.push(source);
                topics
            }
            (CaptureKind::Kafka, _) => {
                let declared: HashMap<&str, &str> = capture
                    .topics
                    .iter()
                    .map(|(d, t)| (d.value.as_str(), t.value.as_str()))
                    .collect();
                datasets
                    .iter()
                    .filter_map(|d| Some((*d, declared.get(d.name.value.as_str())?.to_string())))
                    .collect()
            }
            // snapshot and watermark: the merge job pulls them (module docs).
            _ => continue,
        };
        for (dataset, topic) in topics {
            let d = dataset.name.value.as_str();
            let element = format!("{store_name}.{d}");
            let span = dataset.name.span;
            plan.connectors.push(landing_sink(
                s, &mut names, platform, store_name, d, &element, span, &topic,
            ));
            plan.connectors.push(landing_table_sink(
                s, &mut names, platform, store_name, dataset, &element, span, &topic,
            ));
        }
        for c in &mut plan.connectors[first..] {
            c.group = group.clone();
        }
    }
    if !names.diags.is_empty() {
        return Err(names.diags);
    }
    plan.connectors.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(plan)
}

/// The datasets an ingest node carries on the platform being rendered ([`node_datasets`]).
pub(super) fn datasets_of<'m>(cx: &RenderContext<'_, 'm>, node: &Node) -> Vec<&'m Dataset> {
    node_datasets(cx.index, cx.placement, cx.graph, &node.key)
}

/// A dataset's qualified source table: its `tables` entry, else the dataset's name in the
/// container's default schema (`public`, `dbo`, the mysql database; oracle and db2 have none,
/// DS134 requires an entry, and the database name stands in).
pub fn source_table(
    engine: DbEngine,
    container: &Container,
    tables: &[(crate::model::Name, crate::model::Name)],
    dataset: &Dataset,
) -> String {
    let d = dataset.name.value.as_str();
    if let Some((_, t)) = tables.iter().find(|(k, _)| k.value == d) {
        return t.value.clone();
    }
    let database = match &container.spec {
        ContainerSpec::Database { database, .. } => database.value.as_str(),
        _ => "",
    };
    match engine {
        DbEngine::Postgres => format!("public.{d}"),
        DbEngine::Sqlserver => format!("dbo.{d}"),
        DbEngine::Mysql | DbEngine::Oracle | DbEngine::Db2 => format!("{database}.{d}"),
    }
}

fn converters(s: &Settings, config: &mut BTreeMap<String, String>) {
    match s.converter {
        Converter::Json => {
            for side in ["key", "value"] {
                config.insert(
                    format!("{side}.converter"),
                    "org.apache.kafka.connect.json.JsonConverter".into(),
                );
                config.insert(format!("{side}.converter.schemas.enable"), "true".into());
            }
        }
        Converter::Avro => {
            for side in ["key", "value"] {
                config.insert(
                    format!("{side}.converter"),
                    "io.confluent.connect.avro.AvroConverter".into(),
                );
                config.insert(
                    format!("{side}.converter.schema.registry.url"),
                    s.schema_registry_url.clone().unwrap_or_default(),
                );
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn source_connector(
    cx: &RenderContext,
    s: &Settings,
    names: &mut Names,
    node: Element,
    element: &str,
    span: Span,
    base: &str,
    prefix: &str,
    engine: DbEngine,
    container: &Container,
    credential: Option<&str>,
    tables: &[(crate::model::Name, crate::model::Name)],
    datasets: &[&Dataset],
) -> Connector {
    let name = names.claim(
        Which::Connector,
        element,
        span,
        names::kubernetes(&format!("{base}-source")),
    );
    let mut config = BTreeMap::new();
    let (host, port, database) = match &container.spec {
        ContainerSpec::Database {
            host,
            port,
            database,
        } => (host.value.as_str(), port.value, database.value.as_str()),
        _ => ("", 0, ""),
    };
    config.insert("database.hostname".into(), host.to_string());
    config.insert("database.port".into(), port.to_string());
    if let Some(c) = credential {
        config.insert("database.user".into(), s.secret(c, "username"));
        config.insert("database.password".into(), s.secret(c, "password"));
    }
    config.insert("topic.prefix".into(), prefix.to_string());
    config.insert("snapshot.mode".into(), "initial".into());
    let include: Vec<String> = datasets
        .iter()
        .map(|d| regex_escape(&source_table(engine, container, tables, d)))
        .collect();
    config.insert("table.include.list".into(), include.join(","));
    let history = |config: &mut BTreeMap<String, String>| {
        config.insert(
            "schema.history.internal.kafka.bootstrap.servers".into(),
            s.bootstrap_servers.join(","),
        );
        config.insert(
            "schema.history.internal.kafka.topic".into(),
            names::kafka(&format!("{prefix}.schema-history")),
        );
    };
    let class = match engine {
        DbEngine::Postgres => {
            let slot = names.claim(Which::Slot, element, span, names::pg_slot(base));
            config.insert("database.dbname".into(), database.to_string());
            config.insert("plugin.name".into(), "pgoutput".into());
            config.insert("slot.name".into(), slot.clone());
            config.insert("publication.name".into(), slot);
            config.insert("publication.autocreate.mode".into(), "filtered".into());
            "io.debezium.connector.postgresql.PostgresConnector"
        }
        DbEngine::Mysql => {
            let digest = Sha256::digest(name.as_bytes());
            let raw = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]);
            // 1..=2^32-1; 0 is not a valid server id.
            let id = 1 + u64::from(raw) % u64::from(u32::MAX);
            let id = names.claim(Which::ServerId, element, span, id.to_string());
            config.insert("database.server.id".into(), id);
            config.insert("database.include.list".into(), regex_escape(database));
            history(&mut config);
            "io.debezium.connector.mysql.MySqlConnector"
        }
        DbEngine::Sqlserver => {
            config.insert("database.names".into(), database.to_string());
            history(&mut config);
            "io.debezium.connector.sqlserver.SqlServerConnector"
        }
        DbEngine::Oracle => {
            config.insert("database.dbname".into(), database.to_string());
            history(&mut config);
            "io.debezium.connector.oracle.OracleConnector"
        }
        DbEngine::Db2 => {
            config.insert("database.dbname".into(), database.to_string());
            history(&mut config);
            "io.debezium.connector.db2.Db2Connector"
        }
    };
    converters(s, &mut config);
    let _ = cx;
    Connector {
        name,
        group: String::new(),
        class,
        tasks_max: 1,
        plugin: Plugin::of(engine),
        config,
        element: node,
    }
}

#[allow(clippy::too_many_arguments)]
fn landing_sink(
    s: &Settings,
    names: &mut Names,
    platform: &str,
    store: &str,
    dataset: &str,
    element: &str,
    span: Span,
    topic: &str,
) -> Connector {
    let name = names.claim(
        Which::Connector,
        &format!("{element} landing"),
        span,
        names::kubernetes(&format!("{platform}-{store}-{dataset}-landing")),
    );
    let mut config = BTreeMap::new();
    config.insert("topics".into(), topic.to_string());
    config.insert("aws.s3.bucket.name".into(), s.landing_bucket.clone());
    if let Some(e) = &s.landing_endpoint {
        config.insert("aws.s3.endpoint".into(), e.clone());
    }
    if let Some(c) = &s.landing_credential {
        config.insert("aws.access.key.id".into(), s.secret(c, "username"));
        config.insert("aws.secret.access.key".into(), s.secret(c, "password"));
    }
    let mut prefix = String::new();
    if let Some(p) = &s.landing_prefix {
        let p = p.trim_matches('/');
        if !p.is_empty() {
            prefix.push_str(p);
            prefix.push('/');
        }
    }
    prefix.push_str(&format!(
        "{}/{}/{}/",
        names::kubernetes(platform),
        names::kubernetes(store),
        names::kubernetes(dataset)
    ));
    config.insert("file.name.prefix".into(), prefix);
    config.insert("format.output.type".into(), "jsonl".into());
    config.insert(
        "format.output.fields".into(),
        "key,value,offset,timestamp".into(),
    );
    converters(s, &mut config);
    Connector {
        name,
        group: String::new(),
        class: "io.aiven.kafka.connect.s3.AivenKafkaConnectS3SinkConnector",
        tasks_max: 1,
        plugin: Plugin::S3,
        config,
        element: Element::Dataset(store.to_string(), dataset.to_string()),
    }
}

#[allow(clippy::too_many_arguments)]
fn landing_table_sink(
    s: &Settings,
    names: &mut Names,
    platform: &str,
    store: &str,
    dataset: &Dataset,
    element: &str,
    span: Span,
    topic: &str,
) -> Connector {
    let d = dataset.name.value.as_str();
    let name = names.claim(
        Which::Connector,
        &format!("{element} cdc"),
        span,
        names::kubernetes(&format!("{platform}-{store}-{d}-cdc")),
    );
    // The batch job merges from this table (docs/milestoning.md): every change event is a
    // row, deletes included, in order of arrival.
    let table = names.claim(
        Which::Landing,
        element,
        span,
        crate::milestone::pg_name(&format!("{platform}_{store}_{d}_cdc")),
    );
    let mut config = BTreeMap::new();
    config.insert("topics".into(), topic.to_string());
    config.insert(
        "connection.url".into(),
        format!(
            "jdbc:postgresql://{}:{}/{}",
            s.merge_host, s.merge_port, s.merge_database
        ),
    );
    config.insert(
        "connection.username".into(),
        s.secret(&s.merge_credential, "username"),
    );
    config.insert(
        "connection.password".into(),
        s.secret(&s.merge_credential, "password"),
    );
    config.insert("collection.name.format".into(), table);
    config.insert("schema.evolution".into(), "none".into());
    // Append only: an upsert would lose deletes and the order of changes.
    config.insert("insert.mode".into(), "insert".into());
    config.insert("primary.key.mode".into(), "none".into());
    config.insert("delete.enabled".into(), "false".into());
    // The landing table's columns are the model's names, quoted as written.
    config.insert("quote.identifiers".into(), "true".into());
    // Flatten the envelope, keep the operation and the source timestamp (`__op`,
    // `__source_ts_ms`), and turn a delete into a row with `__deleted = true` (its tombstone
    // is dropped).
    config.insert("transforms".into(), "unwrap".into());
    config.insert(
        "transforms.unwrap.type".into(),
        "io.debezium.transforms.ExtractNewRecordState".into(),
    );
    config.insert(
        "transforms.unwrap.add.fields".into(),
        "op,source.ts_ms".into(),
    );
    config.insert(
        "transforms.unwrap.delete.tombstone.handling.mode".into(),
        "rewrite".into(),
    );
    converters(s, &mut config);
    Connector {
        name,
        group: String::new(),
        class: "io.debezium.connector.jdbc.JdbcSinkConnector",
        tasks_max: 1,
        plugin: Plugin::Jdbc,
        config,
        element: Element::Dataset(store.to_string(), d.to_string()),
    }
}
