//! Strimzi custom resources, the RBAC and NetworkPolicy around them, and the operator chart's
//! Helm values, all built as data and serialized as YAML.

use super::connectors::{Plan, Plugin};
use super::object;
use super::settings::{Converter, Settings};
use crate::target::resource::ResourceKind;
use rayon::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;

pub const API_VERSION: &str = "kafka.strimzi.io/v1";
/// Release of the Aiven S3 sink plugin in the Connect image.
pub const S3_SINK_VERSION: &str = "3.1.0";
/// Confluent's Avro converter (with `converter = "avro"`), from Confluent's Maven repository.
pub const AVRO_CONVERTER_VERSION: &str = "7.9.0";
/// Oracle's JDBC driver, which the Debezium Oracle plugin does not bundle.
pub const OJDBC_VERSION: &str = "23.5.0.24.07";

pub(super) fn yaml(docs: &[Value]) -> String {
    docs.iter()
        .map(|d| serde_norway::to_string(d).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("---\n")
}

fn labels(s: &Settings) -> Value {
    json!({
        "app.kubernetes.io/managed-by": "dsgen",
        "app.kubernetes.io/part-of": s.connect_cluster,
    })
}

/// Every file of the strimzi deployment: (path, YAML text).
pub fn files(s: &Settings, plan: &Plan) -> Vec<(String, String)> {
    let mut out = vec![
        (
            "strimzi/kafka-connect.yaml".to_string(),
            yaml(&[kafka_connect(s, plan)]),
        ),
        (
            "strimzi/rbac.yaml".to_string(),
            yaml(&rbac(s, &plan.credentials)),
        ),
        (
            "strimzi/network-policy.yaml".to_string(),
            yaml(&[network_policy(s, plan)]),
        ),
        (
            "helm/strimzi-kafka-operator-values.yaml".to_string(),
            yaml(&[helm_values(s)]),
        ),
    ];
    // One file per ingest node (its source connector and its sinks), one KafkaConnector each.
    // Grouped first, then built and serialized in parallel: at scale these are most of the
    // render's YAML.
    let mut groups: std::collections::BTreeMap<&str, Vec<&super::Connector>> = Default::default();
    for c in &plan.connectors {
        groups.entry(c.group.as_str()).or_default().push(c);
    }
    let groups: Vec<(&str, Vec<&super::Connector>)> = groups.into_iter().collect();
    out.par_extend(groups.into_par_iter().map(|(group, connectors)| {
        let docs: Vec<Value> = connectors.iter().map(|c| kafka_connector(s, c)).collect();
        (format!("strimzi/connectors/{group}.yaml"), yaml(&docs))
    }));
    out
}

/// The platform-wide objects of the strimzi deployment as (kind, name, file, spec), for the
/// render's inventory (connectors are listed by the caller).
pub fn resources(s: &Settings, plan: &Plan) -> Vec<(ResourceKind, String, &'static str, Value)> {
    vec![
        (
            ResourceKind::ConnectCluster,
            s.connect_cluster.clone(),
            "strimzi/kafka-connect.yaml",
            kafka_connect(s, plan),
        ),
        (
            ResourceKind::AccessControl,
            format!("{}-connect-secrets", s.connect_cluster),
            "strimzi/rbac.yaml",
            Value::Array(rbac(s, &plan.credentials)),
        ),
        (
            ResourceKind::NetworkPolicy,
            format!("{}-connect-egress", s.connect_cluster),
            "strimzi/network-policy.yaml",
            network_policy(s, plan),
        ),
        (
            ResourceKind::HelmRelease,
            "strimzi-kafka-operator".to_string(),
            "helm/strimzi-kafka-operator-values.yaml",
            helm_values(s),
        ),
    ]
}

fn kafka_connector(s: &Settings, c: &super::Connector) -> Value {
    let config: serde_json::Map<String, Value> = c
        .config
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(v.clone())))
        .collect();
    let mut meta_labels = labels(s);
    meta_labels["strimzi.io/cluster"] = Value::from(s.connect_cluster.clone());
    object([
        ("apiVersion", Value::from(API_VERSION)),
        ("kind", "KafkaConnector".into()),
        (
            "metadata",
            object([
                ("name", Value::from(c.name.clone())),
                ("namespace", s.namespace.clone().into()),
                ("labels", meta_labels),
            ]),
        ),
        (
            "spec",
            object([
                ("class", Value::from(c.class)),
                ("tasksMax", c.tasks_max.into()),
                ("config", Value::Object(config)),
            ]),
        ),
    ])
}

fn maven_central(artifact: &str, version: &str) -> String {
    format!(
        "https://repo1.maven.org/maven2/io/debezium/{artifact}/{version}/{artifact}-{version}-plugin.tar.gz"
    )
}

fn plugin(s: &Settings, p: Plugin) -> Value {
    let debezium = |artifact: &str| {
        json!({
            "name": artifact,
            "artifacts": [{"type": "tgz", "url": maven_central(artifact, &s.debezium_version)}],
        })
    };
    match p {
        Plugin::Postgres => debezium("debezium-connector-postgres"),
        Plugin::Mysql => debezium("debezium-connector-mysql"),
        Plugin::Sqlserver => debezium("debezium-connector-sqlserver"),
        Plugin::Db2 => debezium("debezium-connector-db2"),
        Plugin::Jdbc => debezium("debezium-connector-jdbc"),
        Plugin::Oracle => json!({
            "name": "debezium-connector-oracle",
            "artifacts": [
                {"type": "tgz", "url": maven_central("debezium-connector-oracle", &s.debezium_version)},
                {"type": "maven", "group": "com.oracle.database.jdbc", "artifact": "ojdbc11", "version": OJDBC_VERSION},
            ],
        }),
        Plugin::S3 => json!({
            "name": "aiven-s3-sink-connector",
            "artifacts": [{
                "type": "zip",
                "url": format!(
                    "https://github.com/Aiven-Open/cloud-storage-connectors-for-apache-kafka/releases/download/v{S3_SINK_VERSION}/s3-sink-connector-for-apache-kafka-{S3_SINK_VERSION}.zip"
                ),
            }],
        }),
    }
}

fn kafka_connect(s: &Settings, plan: &Plan) -> Value {
    let mut plugins: Vec<Value> = plan.plugins().into_iter().map(|p| plugin(s, p)).collect();
    if s.converter == Converter::Avro {
        plugins.push(json!({
            "name": "confluent-avro-converter",
            "artifacts": [{
                "type": "maven",
                "repository": "https://packages.confluent.io/maven/",
                "group": "io.confluent",
                "artifact": "kafka-connect-avro-converter",
                "version": AVRO_CONVERTER_VERSION,
            }],
        }));
    }
    let cluster = s.connect_cluster.clone();
    object([
        ("apiVersion", Value::from(API_VERSION)),
        ("kind", "KafkaConnect".into()),
        (
            "metadata",
            object([
                ("name", Value::from(cluster.clone())),
                ("namespace", s.namespace.clone().into()),
                ("labels", labels(s)),
                (
                    "annotations",
                    json!({"strimzi.io/use-connector-resources": "true"}),
                ),
            ]),
        ),
        (
            "spec",
            object([
                ("replicas", Value::from(s.replicas)),
                ("bootstrapServers", s.bootstrap_servers.join(",").into()),
                ("groupId", cluster.clone().into()),
                ("configStorageTopic", format!("{cluster}-configs").into()),
                ("offsetStorageTopic", format!("{cluster}-offsets").into()),
                ("statusStorageTopic", format!("{cluster}-status").into()),
                (
                    "config",
                    json!({
                        "config.providers": "secrets",
                        "config.providers.secrets.class": "io.strimzi.kafka.KubernetesSecretConfigProvider",
                        "config.storage.replication.factor": -1,
                        "offset.storage.replication.factor": -1,
                        "status.storage.replication.factor": -1,
                    }),
                ),
                (
                    "build",
                    object([
                        (
                            "output",
                            json!({"type": "docker", "image": s.build_image.clone().unwrap_or_default()}),
                        ),
                        ("plugins", Value::Array(plugins)),
                    ]),
                ),
            ]),
        ),
    ])
}

/// A Role reading exactly the referenced Secrets, bound to Connect's service account
/// (`<cluster>-connect`, named by Strimzi).
fn rbac(s: &Settings, credentials: &BTreeSet<String>) -> Vec<Value> {
    let secrets: BTreeSet<String> = credentials
        .iter()
        .map(|c| super::settings::secret_name(c))
        .collect();
    let role = format!("{}-connect-secrets", s.connect_cluster);
    vec![
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": role, "namespace": s.namespace, "labels": labels(s)},
            "rules": [{
                "apiGroups": [""],
                "resources": ["secrets"],
                "resourceNames": secrets,
                "verbs": ["get"],
            }],
        }),
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": role, "namespace": s.namespace, "labels": labels(s)},
            "subjects": [{
                "kind": "ServiceAccount",
                "name": format!("{}-connect", s.connect_cluster),
                "namespace": s.namespace,
            }],
            "roleRef": {"kind": "Role", "name": role, "apiGroup": "rbac.authorization.k8s.io"},
        }),
    ]
}

/// The port of `host:port`, if any.
/// A NetworkPolicy egress port list: the TCP ports, and DNS (53 over TCP and UDP).
pub fn egress_ports(mut tcp: BTreeSet<u16>) -> Vec<Value> {
    tcp.insert(53);
    let mut ports: Vec<Value> = tcp
        .into_iter()
        .map(|p| json!({"protocol": "TCP", "port": p}))
        .collect();
    ports.push(json!({"protocol": "UDP", "port": 53}));
    ports
}

fn host_port(s: &str) -> Option<u16> {
    s.rsplit_once(':').and_then(|(_, p)| p.parse().ok())
}

/// The port of an endpoint URL (`http://minio:9000`), defaulting by scheme.
fn url_port(url: &str) -> u16 {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let authority = rest.split('/').next().unwrap_or("");
    host_port(authority).unwrap_or(if scheme == "http" { 80 } else { 443 })
}

/// Egress of the Connect pods: the captured databases, the merge database, the Kafka brokers,
/// the landing storage, DNS, and the Kubernetes API (the secret config provider).
fn network_policy(s: &Settings, plan: &Plan) -> Value {
    let mut tcp: BTreeSet<u16> = plan.source_ports.clone();
    tcp.insert(s.merge_port);
    tcp.extend(s.bootstrap_servers.iter().filter_map(|b| host_port(b)));
    tcp.insert(s.landing_endpoint.as_deref().map(url_port).unwrap_or(443));
    tcp.insert(443);
    tcp.insert(6443);
    let ports = egress_ports(tcp);
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {
            "name": format!("{}-connect-egress", s.connect_cluster),
            "namespace": s.namespace,
            "labels": labels(s),
        },
        "spec": {
            "podSelector": {"matchLabels": {
                "strimzi.io/cluster": s.connect_cluster,
                "strimzi.io/kind": "KafkaConnect",
            }},
            "policyTypes": ["Egress"],
            "egress": [{"ports": ports}],
        },
    })
}

/// Values for the official `strimzi-kafka-operator` chart: the watched namespace, replicas and
/// resources (every key exists in the chart's own values with the same shape; tested).
fn helm_values(s: &Settings) -> Value {
    json!({
        "replicas": 1,
        "watchNamespaces": [s.namespace],
        "resources": {
            "limits": {"memory": "384Mi", "cpu": "1000m"},
            "requests": {"memory": "384Mi", "cpu": "200m"},
        },
    })
}
