//! The `settings` of a kafka-connect platform, resolved against the model: the containers they
//! name, the credential store's kind, and every default (docs/targets/kafka-connect.md).
//!
//! [`resolve`] is shared by the lint rule DS136 (which reports every problem) and by rendering
//! (which only runs on a model that lints clean, so it never sees a problem).

use crate::diag::Diagnostic;
use crate::lint::rules::kafka_connect_settings::DS136;
use crate::model::index::ModelIndex;
use crate::model::{
    Container, ContainerKind, ContainerSpec, CredentialStoreKind, DbEngine, Platform, SettingValue,
};
use crate::render::names;

pub const DEFAULT_NAMESPACE: &str = "kafka";
pub const DEFAULT_DEBEZIUM_VERSION: &str = "3.2.0.Final";
/// Resources of a batch pod (`dsgen batch`): enough for one node's merge in PostgreSQL, where
/// the work happens; dsgen itself holds one batch's bookkeeping.
pub const DEFAULT_BATCH_CPU_REQUEST: &str = "100m";
pub const DEFAULT_BATCH_CPU_LIMIT: &str = "1";
pub const DEFAULT_BATCH_MEMORY_REQUEST: &str = "256Mi";
pub const DEFAULT_BATCH_MEMORY_LIMIT: &str = "512Mi";
/// How long one batch Job may run, in seconds, before Kubernetes stops it (`activeDeadlineSeconds`).
pub const DEFAULT_BATCH_DEADLINE_SECONDS: u32 = 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deployment {
    Strimzi,
    Plain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Converter {
    Json,
    Avro,
}

/// Where connectors find credentials: the platform's credential store kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secrets {
    /// Strimzi's `KubernetesSecretConfigProvider`: `${secrets:NAMESPACE/SECRET:KEY}`.
    Kubernetes,
    /// Kafka's `EnvVarConfigProvider`: `${env:NAME}`.
    Env,
    /// Kafka's `FileConfigProvider`: `${file:PATH:KEY}`.
    File,
}

/// A kafka-connect platform's settings with their defaults applied.
#[derive(Debug, Clone)]
pub struct Settings<'m> {
    pub bootstrap_servers: Vec<String>,
    pub landing: &'m Container,
    pub landing_bucket: String,
    pub landing_prefix: Option<String>,
    pub landing_endpoint: Option<String>,
    pub landing_credential: Option<String>,
    pub merge: &'m Container,
    pub merge_host: String,
    pub merge_port: u16,
    pub merge_database: String,
    pub merge_credential: String,
    pub namespace: String,
    pub connect_cluster: String,
    pub deployment: Deployment,
    pub build_image: Option<String>,
    pub converter: Converter,
    pub schema_registry_url: Option<String>,
    pub debezium_version: String,
    pub replicas: u32,
    pub secrets: Secrets,
    /// The image of the batch CronJobs (dsgen and the model); required with strimzi only when
    /// the platform has batch work, which needs the graph (`batch::image_problems`).
    pub batch_image: Option<String>,
    pub batch_cpu_request: String,
    pub batch_cpu_limit: String,
    pub batch_memory_request: String,
    pub batch_memory_limit: String,
    pub batch_deadline_seconds: u32,
}

/// The kafka-connect settings of `platform`, or every problem with them (DS136).
pub fn resolve<'m>(
    platform: &'m Platform,
    ix: &ModelIndex<'m>,
) -> Result<Settings<'m>, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let get = |key: &str| {
        platform
            .settings
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(_, v)| v)
    };
    let string = |key: &str| match get(key).map(|v| &v.value) {
        Some(SettingValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    let missing = |key: &str, why: &str| {
        Diagnostic::new(
            &DS136,
            format!(
                "platform `{}` (kafka-connect) has no `{key}` setting",
                platform.name.value
            ),
        )
        .at(platform.name.span)
        .help(format!(
            "add `{key} = ...` to the platform's `settings` block: {why} (docs/targets/kafka-connect.md)"
        ))
    };
    // A container named by a setting, of the expected kind.
    let mut container = |key: &str, want: &str, ok: &dyn Fn(ContainerKind) -> bool| {
        let Some(name) = string(key) else {
            problems.push(missing(key, &format!("the name of a `{want}` container")));
            return None;
        };
        let span = get(key).map(|v| v.span).unwrap_or(platform.name.span);
        match ix.containers.get(name.as_str()) {
            Some((_, c)) if ok(c.kind.value) => Some(*c),
            Some((_, c)) => {
                problems.push(
                    Diagnostic::new(
                        &DS136,
                        format!(
                            "setting `{key}` of platform `{}` names container `{name}`, which is \
                             `{}`, not `{want}`",
                            platform.name.value,
                            c.kind.value.as_str()
                        ),
                    )
                    .at(span)
                    .label(c.name.span, "declared here")
                    .help(format!("`{key}` must name a `{want}` container")),
                );
                None
            }
            None => {
                problems.push(
                    Diagnostic::new(
                        &DS136,
                        format!(
                            "setting `{key}` of platform `{}` names container `{name}`, which \
                             does not exist",
                            platform.name.value
                        ),
                    )
                    .at(span)
                    .help(format!(
                        "declare `container \"{want}\" \"{name}\"` or fix the name"
                    )),
                );
                None
            }
        }
    };
    let kafka = container("kafka_container", "kafka", &|k| k == ContainerKind::Kafka);
    let landing = container("landing_container", "object_storage", &|k| {
        k == ContainerKind::ObjectStorage
    });
    let merge = container("merge_container", "postgres", &|k| {
        k == ContainerKind::Database(DbEngine::Postgres)
    });
    let merge_credential = string("merge_credential");
    if merge_credential.is_none() {
        problems.push(missing(
            "merge_credential",
            "the credential the JDBC sinks use for the merge database",
        ));
    }
    let deployment = match string("deployment").as_deref() {
        Some("plain") => Deployment::Plain,
        _ => Deployment::Strimzi,
    };
    let build_image = string("build_image");
    if deployment == Deployment::Strimzi && build_image.is_none() {
        problems.push(missing(
            "build_image",
            "with `deployment = \"strimzi\"` (the default) Strimzi builds a Connect image with the \
             connector plugins and pushes it there, e.g. `registry.example.com/kafka/connect:1`",
        ));
    }
    let converter = match string("converter").as_deref() {
        Some("avro") => Converter::Avro,
        _ => Converter::Json,
    };
    let schema_registry_url = string("schema_registry_url");
    if converter == Converter::Avro && schema_registry_url.is_none() {
        problems.push(missing(
            "schema_registry_url",
            "`converter = \"avro\"` needs the schema registry's URL",
        ));
    }
    let store = platform
        .credential_store
        .as_ref()
        .and_then(|n| ix.credential_stores.get(n.value.as_str()).map(|s| (n, *s)));
    let secrets = match (deployment, store.map(|(_, s)| s.kind.value)) {
        (Deployment::Strimzi, Some(CredentialStoreKind::KubernetesSecrets)) => {
            Some(Secrets::Kubernetes)
        }
        (Deployment::Plain, Some(CredentialStoreKind::Env)) => Some(Secrets::Env),
        (Deployment::Plain, Some(CredentialStoreKind::File)) => Some(Secrets::File),
        (_, kind) => {
            let want = match deployment {
                Deployment::Strimzi => "`kubernetes_secrets`",
                Deployment::Plain => "`env` or `file`",
            };
            let mut d = Diagnostic::new(
                &DS136,
                format!(
                    "platform `{}` (kafka-connect, {} deployment) needs a credential store of \
                     kind {want}{}",
                    platform.name.value,
                    match deployment {
                        Deployment::Strimzi => "strimzi",
                        Deployment::Plain => "plain",
                    },
                    match kind {
                        Some(k) => format!(", not `{}`", k.as_str()),
                        None => String::new(),
                    }
                ),
            )
            .at(platform.name.span)
            .help(format!(
                "set `credential_store` to a credential store of kind {want}: connectors read \
                 credentials only through Kafka config providers"
            ));
            if let Some((n, _)) = store {
                d = d.label(n.span, "this credential store");
            }
            problems.push(d);
            None
        }
    };
    let replicas = match get("replicas").map(|v| &v.value) {
        Some(SettingValue::Number(n)) => n.parse::<u32>().unwrap_or(1),
        _ => 1,
    };
    let batch_deadline_seconds = match get("batch_deadline_seconds") {
        Some(v) => match &v.value {
            SettingValue::Number(n) => match n.parse::<u32>() {
                Ok(n) if n > 0 => n,
                _ => {
                    problems.push(
                        Diagnostic::new(
                            &DS136,
                            format!(
                                "setting `batch_deadline_seconds` of platform `{}` must be at \
                                 least 1",
                                platform.name.value
                            ),
                        )
                        .at(v.span)
                        .help("a Job with no time to run never completes a batch"),
                    );
                    DEFAULT_BATCH_DEADLINE_SECONDS
                }
            },
            _ => DEFAULT_BATCH_DEADLINE_SECONDS,
        },
        None => DEFAULT_BATCH_DEADLINE_SECONDS,
    };
    // Resource quantities: checked here, since a malformed one (or a limit below its request)
    // would render a CronJob the API server rejects.
    let mut quantity = |key: &str, default: &str| -> (String, Option<f64>) {
        let value = string(key).unwrap_or_else(|| default.to_string());
        let parsed = parse_quantity(&value);
        if parsed.is_none() {
            problems.push(
                Diagnostic::new(
                    &DS136,
                    format!(
                        "setting `{key}` of platform `{}` is `{value}`, not a Kubernetes resource \
                         quantity",
                        platform.name.value
                    ),
                )
                .at(get(key).map(|v| v.span).unwrap_or(platform.name.span))
                .help("write a number with an optional suffix: `250m`, `1`, `512Mi`, `2Gi`"),
            );
        }
        (value, parsed)
    };
    let (batch_cpu_request, cpu_req) = quantity("batch_cpu_request", DEFAULT_BATCH_CPU_REQUEST);
    let (batch_cpu_limit, cpu_lim) = quantity("batch_cpu_limit", DEFAULT_BATCH_CPU_LIMIT);
    let (batch_memory_request, mem_req) =
        quantity("batch_memory_request", DEFAULT_BATCH_MEMORY_REQUEST);
    let (batch_memory_limit, mem_lim) = quantity("batch_memory_limit", DEFAULT_BATCH_MEMORY_LIMIT);
    for (what, request, limit) in [("cpu", cpu_req, cpu_lim), ("memory", mem_req, mem_lim)] {
        if let (Some(r), Some(l)) = (request, limit) {
            if l < r {
                problems.push(
                    Diagnostic::new(
                        &DS136,
                        format!(
                            "platform `{}`: `batch_{what}_limit` is below `batch_{what}_request`",
                            platform.name.value
                        ),
                    )
                    .at(get(&format!("batch_{what}_limit"))
                        .map(|v| v.span)
                        .unwrap_or(platform.name.span))
                    .help("Kubernetes rejects a container whose limit is below its request"),
                );
            }
        }
    }
    let (Some(kafka), Some(landing), Some(merge), Some(merge_credential), Some(secrets)) =
        (kafka, landing, merge, merge_credential, secrets)
    else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let bootstrap_servers = match &kafka.spec {
        ContainerSpec::Kafka { bootstrap_servers } => {
            bootstrap_servers.iter().map(|s| s.value.clone()).collect()
        }
        _ => Vec::new(),
    };
    let (landing_bucket, landing_prefix, landing_endpoint) = match &landing.spec {
        ContainerSpec::ObjectStorage {
            bucket,
            prefix,
            endpoint,
        } => (
            bucket.value.clone(),
            prefix.as_ref().map(|p| p.value.clone()),
            endpoint.as_ref().map(|e| e.value.clone()),
        ),
        _ => (String::new(), None, None),
    };
    let (merge_host, merge_port, merge_database) = match &merge.spec {
        ContainerSpec::Database {
            host,
            port,
            database,
        } => (host.value.clone(), port.value, database.value.clone()),
        _ => (String::new(), 0, String::new()),
    };
    Ok(Settings {
        bootstrap_servers,
        landing,
        landing_bucket,
        landing_prefix,
        landing_endpoint,
        landing_credential: string("landing_credential"),
        merge,
        merge_host,
        merge_port,
        merge_database,
        merge_credential,
        namespace: names::kubernetes(
            &string("namespace").unwrap_or_else(|| DEFAULT_NAMESPACE.to_string()),
        ),
        connect_cluster: names::kubernetes(
            &string("connect_cluster").unwrap_or_else(|| platform.name.value.clone()),
        ),
        deployment,
        build_image,
        converter,
        schema_registry_url,
        debezium_version: string("debezium_version")
            .unwrap_or_else(|| DEFAULT_DEBEZIUM_VERSION.to_string()),
        replicas,
        secrets,
        batch_image: string("batch_image"),
        batch_cpu_request,
        batch_cpu_limit,
        batch_memory_request,
        batch_memory_limit,
        batch_deadline_seconds,
    })
}

/// The value of a Kubernetes resource quantity (`250m`, `1.5`, `512Mi`, `2G`), or `None` when
/// it is not one (signs and exponents are not accepted: nobody writes them for a pod).
pub fn parse_quantity(s: &str) -> Option<f64> {
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(split);
    let valid_number = !number.is_empty()
        && !number.starts_with('.')
        && !number.ends_with('.')
        && number.matches('.').count() <= 1;
    if !valid_number {
        return None;
    }
    let factor = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => return None,
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

impl Settings<'_> {
    /// The config-provider placeholder of one key (`username`, `password`) of a credential.
    pub fn secret(&self, credential: &str, key: &str) -> String {
        match self.secrets {
            Secrets::Kubernetes => format!(
                "${{secrets:{}/{}:{key}}}",
                self.namespace,
                secret_name(credential)
            ),
            Secrets::Env => format!(
                "${{env:{}_{}}}",
                env_name(credential),
                key.to_ascii_uppercase()
            ),
            Secrets::File => format!(
                "${{file:/opt/kafka/external-configuration/{}/credentials.properties:{key}}}",
                secret_name(credential)
            ),
        }
    }
}

/// The Kubernetes Secret (or mounted directory) of a credential: lower-cased, `_` → `-`.
pub fn secret_name(credential: &str) -> String {
    names::kubernetes(credential)
}

/// The environment variable prefix of a credential: upper-cased, other characters → `_`.
pub fn env_name(credential: &str) -> String {
    names::sql_identifier(credential, 200).to_ascii_uppercase()
}
