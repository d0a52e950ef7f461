//! What a render deploys, as data: the inventory `dsgen plan` compares between two revisions.
//!
//! Files say how a thing is deployed; resources say *what* is deployed. A target lists one
//! [`Resource`] per deployable object it renders (a connector, a table, a CronJob), with the
//! object's defining content as data ([`Resource::spec`]) and the model element it comes from,
//! so a plan can tell "connector config changed" (it restarts) from "connector removed" (its
//! offsets and replication slot are lost) without parsing the target's file formats, and can
//! name the workspaces behind each change through the model's dependencies.

use serde::Serialize;
use serde_json::Value;

/// The kind of a deployed object. Each target uses the kinds it deploys; a plan classifies
/// changes by kind (`dsgen plan`, docs/plan.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// A Kafka Connect cluster (Strimzi `KafkaConnect`, or plain Connect's worker settings).
    ConnectCluster,
    /// A connector reading a source database (Debezium): owns offsets and a replication slot.
    SourceConnector,
    /// A connector writing to a destination (object storage, a database).
    SinkConnector,
    /// Access control: a Kubernetes Role/RoleBinding, an IAM role, a grant.
    AccessControl,
    /// Network access: a Kubernetes NetworkPolicy, a security group.
    NetworkPolicy,
    /// Values of a Helm chart (an operator's deployment).
    HelmRelease,
    /// A database table (staging, CDC landing, merge, batch bookkeeping): dropping it loses data.
    Table,
    /// A database view a consumer reads.
    View,
    /// A scheduled job (a Kubernetes CronJob running the batch job).
    ScheduledJob,
}

impl ResourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::ConnectCluster => "connect_cluster",
            ResourceKind::SourceConnector => "source_connector",
            ResourceKind::SinkConnector => "sink_connector",
            ResourceKind::AccessControl => "access_control",
            ResourceKind::NetworkPolicy => "network_policy",
            ResourceKind::HelmRelease => "helm_release",
            ResourceKind::Table => "table",
            ResourceKind::View => "view",
            ResourceKind::ScheduledJob => "scheduled_job",
        }
    }
}

/// The model element a resource is derived from, written like `dsgen graph --focus`
/// (`store:S`, `dataset:S/D`, `workspace:W`) or `platform:P` for platform-wide resources.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Element {
    Platform(String),
    Store(String),
    Dataset(String, String),
    Workspace(String),
}

impl std::fmt::Display for Element {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Element::Platform(p) => write!(f, "platform:{p}"),
            Element::Store(s) => write!(f, "store:{s}"),
            Element::Dataset(s, d) => write!(f, "dataset:{s}/{d}"),
            Element::Workspace(w) => write!(f, "workspace:{w}"),
        }
    }
}

impl Serialize for Element {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A resource's spec, held as compact JSON text: a render of 100k datasets lists hundreds of
/// thousands of resources, and as `Value` trees two revisions' inventories took gigabytes.
/// Equal text is an equal spec (targets build specs deterministically); [`Spec::value`] parses
/// it where a plan looks inside.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spec(Box<str>);

impl Spec {
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.0).expect("a spec is JSON text")
    }

    /// The spec of a serializable value, written directly as compact JSON (no `Value` tree in
    /// between; map keys in field order, as `json!` with `preserve_order` writes them).
    pub fn of<T: Serialize + ?Sized>(v: &T) -> Spec {
        Spec(
            serde_json::to_string(v)
                .expect("a spec serializes to JSON")
                .into_boxed_str(),
        )
    }

    pub fn as_json(&self) -> &str {
        &self.0
    }
}

impl From<Value> for Spec {
    fn from(v: Value) -> Spec {
        Spec(v.to_string().into_boxed_str())
    }
}

impl Serialize for Spec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw = serde_json::value::RawValue::from_string(self.0.to_string())
            .map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

/// One deployed object of a render.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resource {
    pub kind: ResourceKind,
    /// The deployed name, unique per platform and kind (a connector's name, a table's name).
    pub name: String,
    /// The rendered file that defines it, relative to the platform's directory while a target
    /// builds it and to the render's root (`<platform>/...`) once [`super::render`] returns.
    pub file: String,
    /// The object's defining content as data (a connector's config, a table's columns): two
    /// renders deploy the same object exactly when kind, name and spec are equal.
    pub spec: Spec,
    pub element: Element,
}

/// A resource of one platform of a render.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlacedResource {
    pub platform: String,
    pub target: String,
    #[serde(flatten)]
    pub resource: Resource,
}
