//! The typed model: every block and attribute of MODEL.md as Rust values with their spans.
//!
//! Built only by `load`; every later stage reads it and never re-reads files. Names are kept
//! as written; references between elements stay names (resolved through [`index::ModelIndex`]).
//! No serde derives: output shapes live at the edges (`canonical`, REST, JSON diagnostics).

pub mod canonical;
pub mod datatype;
pub mod deps;
pub mod index;
pub mod policy;
pub mod values;

use crate::source::{SourceMap, Span, Spanned};
use datatype::DataType;

pub type Name = Spanned<String>;

/// A whole loaded model.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub sources: SourceMap,
    pub ecosystem: Option<Ecosystem>,
    pub vendors: Vec<Vendor>,
    pub zones: Vec<GovernanceZone>,
    pub teams: Vec<Team>,
    /// Ecosystem-level containers (team containers live in their team).
    pub containers: Vec<Container>,
    pub credential_stores: Vec<CredentialStore>,
    pub platforms: Vec<Platform>,
    pub assignments: Vec<Assignment>,
    pub primary_ingestions: Vec<PrimaryIngestion>,
}

#[derive(Debug, Clone)]
pub struct Ecosystem {
    pub name: Name,
    pub owning_repo: Name,
    pub live_repo: Option<Name>,
    pub doc: Option<Name>,
    pub tags: Vec<(Name, Name)>,
    pub zones: Vec<ZoneDecl>,
    pub span: Span,
}

/// `zone "Z" { repo = ... }` inside the ecosystem.
#[derive(Debug, Clone)]
pub struct ZoneDecl {
    pub name: Name,
    pub repo: Name,
    pub doc: Option<Name>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Vendor {
    pub name: Name,
    pub cloud: Spanned<Cloud>,
    pub doc: Option<Name>,
    pub locations: Vec<Location>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Location {
    pub name: Name,
    pub doc: Option<Name>,
    pub locations: Vec<Location>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cloud {
    Aws,
    Azure,
    Gcp,
    Ibm,
    Oracle,
    Alibaba,
    AwsChina,
    Tencent,
    Huawei,
    AzureChina,
    Private,
}

#[derive(Debug, Clone)]
pub struct GovernanceZone {
    pub name: Name,
    pub doc: Option<Name>,
    pub tags: Vec<(Name, Name)>,
    pub teams: Vec<TeamDecl>,
    pub policies: Vec<Policy>,
    pub storage_policies: Vec<StoragePolicy>,
    pub span: Span,
}

/// `team "T" { repo = ... }` inside a governance zone.
#[derive(Debug, Clone)]
pub struct TeamDecl {
    pub name: Name,
    pub repo: Name,
    pub doc: Option<Name>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyKind {
    Vendor,
    Cloud,
    Location,
    Classification,
    Platform,
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub kind: Spanned<PolicyKind>,
    pub name: Name,
    pub allowed: Vec<Name>,
    pub not_allowed: Vec<Name>,
    pub doc: Option<Name>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mandatory {
    Zone,
    Individual,
}

#[derive(Debug, Clone)]
pub struct StoragePolicy {
    pub name: Name,
    pub mandatory: Spanned<Mandatory>,
    pub doc: Option<Name>,
    pub span: Span,
}

/// `team "ZONE" "TEAM" { ... }`: a team's definition.
#[derive(Debug, Clone)]
pub struct Team {
    pub zone: Name,
    pub name: Name,
    pub doc: Option<Name>,
    pub tags: Vec<(Name, Name)>,
    pub containers: Vec<Container>,
    pub datastores: Vec<Datastore>,
    pub workspaces: Vec<Workspace>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DbEngine {
    Postgres,
    Mysql,
    Sqlserver,
    Oracle,
    Db2,
}

impl DbEngine {
    /// Longest identifier the engine accepts (MODEL.md "Containers").
    pub fn identifier_limit(self) -> usize {
        match self {
            DbEngine::Postgres => 63,
            DbEngine::Mysql => 64,
            DbEngine::Sqlserver | DbEngine::Oracle | DbEngine::Db2 => 128,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ContainerKind {
    Database(DbEngine),
    Snowflake,
    ObjectStorage,
    Kafka,
    AzureSql,
    PlatformManaged,
}

#[derive(Debug, Clone)]
pub enum ContainerSpec {
    Database {
        host: Name,
        port: Spanned<u16>,
        database: Name,
    },
    Snowflake {
        account: Name,
        database: Name,
        warehouse: Option<Name>,
        schema: Option<Name>,
        role: Option<Name>,
    },
    ObjectStorage {
        bucket: Name,
        prefix: Option<Name>,
        endpoint: Option<Name>,
    },
    Kafka {
        bootstrap_servers: Vec<Name>,
    },
    AzureSql {
        server: Name,
        database: Name,
    },
    PlatformManaged,
}

#[derive(Debug, Clone)]
pub struct Container {
    pub kind: Spanned<ContainerKind>,
    pub name: Name,
    pub spec: ContainerSpec,
    pub locations: Vec<Name>,
    pub doc: Option<Name>,
    pub tags: Vec<(Name, Name)>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Datastore {
    pub name: Name,
    pub doc: Option<Name>,
    pub tags: Vec<(Name, Name)>,
    pub production: Spanned<bool>,
    pub deprecated: Option<Name>,
    pub capture: Option<Capture>,
    pub require_approval: Spanned<bool>,
    pub approvals: Vec<Approval>,
    pub datasets: Vec<Dataset>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CaptureKind {
    Cdc,
    Snapshot,
    Watermark,
    Kafka,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Consistency {
    MultiDataset,
    SingleDataset,
}

#[derive(Debug, Clone)]
pub struct Capture {
    pub kind: Spanned<CaptureKind>,
    pub container: Name,
    pub credential: Option<Name>,
    pub consistency: Spanned<Consistency>,
    /// A 5-field cron or `external`; checked by lint.
    pub trigger: Name,
    pub watermark_column: Option<Name>,
    /// (dataset, source table)
    pub tables: Vec<(Name, Name)>,
    /// (dataset, topic)
    pub topics: Vec<(Name, Name)>,
    pub doc: Option<Name>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Approval {
    pub workspace: Name,
    pub dsg: Name,
    pub dataset: Name,
    pub doc: Option<Name>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Dataset {
    pub name: Name,
    pub doc: Option<Name>,
    pub tags: Vec<(Name, Name)>,
    pub classification: Option<Spanned<Vec<Spanned<values::Classification>>>>,
    pub storage_policies: Vec<Name>,
    pub deprecated: Option<Name>,
    pub primary_key: Option<Spanned<Vec<Name>>>,
    pub partition_key: Option<Spanned<Vec<Name>>>,
    pub columns: Vec<Column>,
    pub span: Span,
}

impl Dataset {
    /// The primary key: `primary_key` when given, else the columns flagged `key`, in order.
    pub fn key_columns(&self) -> Vec<&str> {
        match &self.primary_key {
            Some(pk) => pk.value.iter().map(|n| n.value.as_str()).collect(),
            None => self
                .columns
                .iter()
                .filter(|c| c.key.value)
                .map(|c| c.name.value.as_str())
                .collect(),
        }
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name.value == name)
    }
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: Name,
    /// `None` when the type string did not parse (already reported at load).
    pub ty: Spanned<Option<DataType>>,
    pub key: Spanned<bool>,
    /// Explicit or default (`true`, spanned at the column).
    pub nullable: Spanned<bool>,
    pub classification: Option<Spanned<Vec<Spanned<values::Classification>>>>,
    pub doc: Option<Name>,
    pub tags: Vec<(Name, Name)>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    Unknown,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone)]
pub struct ClassificationPolicy {
    pub allowed: Vec<Name>,
    pub not_allowed: Vec<Name>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Workspace {
    pub name: Name,
    pub doc: Option<Name>,
    pub tags: Vec<(Name, Name)>,
    pub container: Name,
    pub priority: Spanned<Priority>,
    pub production: Spanned<bool>,
    pub classification_policy: Option<ClassificationPolicy>,
    pub dsgs: Vec<DatasetGroup>,
    pub transformer: Option<Transformer>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Milestoning {
    LiveOnly,
    Forensic,
    LiveWithHistory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Latency {
    Seconds,
    Minutes,
    Hours,
    Days,
}

#[derive(Debug, Clone)]
pub struct Requirements {
    pub milestoning: Spanned<Milestoning>,
    pub latency: Spanned<Latency>,
    pub retention: Option<Spanned<values::IsoDuration>>,
    pub regulator: Option<Name>,
    pub doc: Option<Name>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct DatasetGroup {
    pub name: Name,
    pub doc: Option<Name>,
    pub tags: Vec<(Name, Name)>,
    pub platform: Option<Name>,
    pub requirements: Option<Requirements>,
    pub sinks: Vec<Sink>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Deprecations {
    Never,
    Allowed,
}

#[derive(Debug, Clone)]
pub struct Sink {
    pub store: Name,
    pub dataset: Name,
    pub deprecations: Spanned<Deprecations>,
    pub doc: Option<Name>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum CodeSource {
    Repo(Name),
    Image(Name),
}

#[derive(Debug, Clone)]
pub struct Transformer {
    pub name: Name,
    pub output: Name,
    pub code: Option<CodeSource>,
    pub trigger: Option<Name>,
    pub doc: Option<Name>,
    pub tags: Vec<(Name, Name)>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    KafkaConnect,
    Aws,
    Azure,
    Confluent,
    Snowflake,
    Legacy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PlatformMilestoning {
    LiveOnly,
    Forensic,
}

#[derive(Debug, Clone)]
pub struct Platform {
    pub name: Name,
    pub target: Spanned<Target>,
    pub milestoning: Spanned<PlatformMilestoning>,
    pub locations: Vec<Name>,
    pub credential_store: Option<Name>,
    pub doc: Option<Name>,
    pub tags: Vec<(Name, Name)>,
    /// Target-specific keys, checked against the target's settings at load.
    pub settings: Vec<(Name, Spanned<SettingValue>)>,
    pub span: Span,
}

/// A literal settings value.
#[derive(Debug, Clone, PartialEq)]
pub enum SettingValue {
    String(String),
    Bool(bool),
    Number(String),
    List(Vec<SettingValue>),
    Map(Vec<(String, SettingValue)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CredentialStoreKind {
    KubernetesSecrets,
    AwsSecretsManager,
    AzureKeyVault,
    Env,
    File,
}

#[derive(Debug, Clone)]
pub struct CredentialStore {
    pub name: Name,
    pub kind: Spanned<CredentialStoreKind>,
    pub doc: Option<Name>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AssignStatus {
    Provisioning,
    Provisioned,
    Decommissioning,
    Decommissioned,
}

#[derive(Debug, Clone)]
pub struct Assignment {
    pub workspace: Name,
    pub dsg: Name,
    pub platform: Name,
    pub status: Spanned<AssignStatus>,
    pub doc: Option<Name>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct PrimaryIngestion {
    pub store: Name,
    pub platforms: Vec<Name>,
    pub doc: Option<Name>,
    pub span: Span,
}

/// Enum words as written in the model, both ways, in one place.
macro_rules! words {
    ($ty:ty { $($variant:path => $word:literal),+ $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($variant => $word),+ }
            }
            pub fn parse(word: &str) -> Option<Self> {
                match word { $($word => Some($variant),)+ _ => None }
            }
        }
    };
}

words!(Cloud {
    Cloud::Aws => "aws", Cloud::Azure => "azure", Cloud::Gcp => "gcp", Cloud::Ibm => "ibm",
    Cloud::Oracle => "oracle", Cloud::Alibaba => "alibaba", Cloud::AwsChina => "aws_china",
    Cloud::Tencent => "tencent", Cloud::Huawei => "huawei", Cloud::AzureChina => "azure_china",
    Cloud::Private => "private",
});
words!(PolicyKind {
    PolicyKind::Vendor => "vendor", PolicyKind::Cloud => "cloud",
    PolicyKind::Location => "location", PolicyKind::Classification => "classification",
    PolicyKind::Platform => "platform",
});
words!(Mandatory { Mandatory::Zone => "zone", Mandatory::Individual => "individual" });
impl ContainerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerKind::Database(DbEngine::Postgres) => "postgres",
            ContainerKind::Database(DbEngine::Mysql) => "mysql",
            ContainerKind::Database(DbEngine::Sqlserver) => "sqlserver",
            ContainerKind::Database(DbEngine::Oracle) => "oracle",
            ContainerKind::Database(DbEngine::Db2) => "db2",
            ContainerKind::Snowflake => "snowflake",
            ContainerKind::ObjectStorage => "object_storage",
            ContainerKind::Kafka => "kafka",
            ContainerKind::AzureSql => "azure_sql",
            ContainerKind::PlatformManaged => "platform_managed",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        Some(match word {
            "postgres" => ContainerKind::Database(DbEngine::Postgres),
            "mysql" => ContainerKind::Database(DbEngine::Mysql),
            "sqlserver" => ContainerKind::Database(DbEngine::Sqlserver),
            "oracle" => ContainerKind::Database(DbEngine::Oracle),
            "db2" => ContainerKind::Database(DbEngine::Db2),
            "snowflake" => ContainerKind::Snowflake,
            "object_storage" => ContainerKind::ObjectStorage,
            "kafka" => ContainerKind::Kafka,
            "azure_sql" => ContainerKind::AzureSql,
            "platform_managed" => ContainerKind::PlatformManaged,
            _ => return None,
        })
    }
}
words!(CaptureKind {
    CaptureKind::Cdc => "cdc", CaptureKind::Snapshot => "snapshot",
    CaptureKind::Watermark => "watermark", CaptureKind::Kafka => "kafka",
});
words!(Consistency {
    Consistency::MultiDataset => "multi_dataset", Consistency::SingleDataset => "single_dataset",
});
words!(Priority {
    Priority::Critical => "critical", Priority::High => "high", Priority::Medium => "medium",
    Priority::Low => "low", Priority::Unknown => "unknown",
});
words!(Milestoning {
    Milestoning::LiveOnly => "live_only", Milestoning::Forensic => "forensic",
    Milestoning::LiveWithHistory => "live_with_history",
});
words!(Latency {
    Latency::Seconds => "seconds", Latency::Minutes => "minutes", Latency::Hours => "hours",
    Latency::Days => "days",
});
words!(Deprecations { Deprecations::Never => "never", Deprecations::Allowed => "allowed" });
words!(Target {
    Target::KafkaConnect => "kafka-connect", Target::Aws => "aws", Target::Azure => "azure",
    Target::Confluent => "confluent", Target::Snowflake => "snowflake", Target::Legacy => "legacy",
});
words!(PlatformMilestoning {
    PlatformMilestoning::LiveOnly => "live_only", PlatformMilestoning::Forensic => "forensic",
});
words!(CredentialStoreKind {
    CredentialStoreKind::KubernetesSecrets => "kubernetes_secrets",
    CredentialStoreKind::AwsSecretsManager => "aws_secrets_manager",
    CredentialStoreKind::AzureKeyVault => "azure_key_vault",
    CredentialStoreKind::Env => "env", CredentialStoreKind::File => "file",
});
words!(AssignStatus {
    AssignStatus::Provisioning => "provisioning", AssignStatus::Provisioned => "provisioned",
    AssignStatus::Decommissioning => "decommissioning",
    AssignStatus::Decommissioned => "decommissioned",
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    /// The schema's enum lists and the model's enums must never drift apart.
    #[test]
    fn enum_words_match_the_schema() {
        fn check(words: &[&str], parse: impl Fn(&str) -> Option<&'static str>) {
            for w in words {
                assert_eq!(parse(w), Some(*w), "{w}");
            }
        }
        check(schema::CLOUDS, |w| Cloud::parse(w).map(Cloud::as_str));
        check(schema::POLICY_KINDS, |w| {
            PolicyKind::parse(w).map(PolicyKind::as_str)
        });
        check(schema::MANDATORY, |w| {
            Mandatory::parse(w).map(Mandatory::as_str)
        });
        check(schema::CONTAINER_KINDS, |w| {
            ContainerKind::parse(w).map(ContainerKind::as_str)
        });
        check(schema::CAPTURE_KINDS, |w| {
            CaptureKind::parse(w).map(CaptureKind::as_str)
        });
        check(schema::CONSISTENCIES, |w| {
            Consistency::parse(w).map(Consistency::as_str)
        });
        check(schema::PRIORITIES, |w| {
            Priority::parse(w).map(Priority::as_str)
        });
        check(schema::MILESTONINGS, |w| {
            Milestoning::parse(w).map(Milestoning::as_str)
        });
        check(schema::LATENCIES, |w| {
            Latency::parse(w).map(Latency::as_str)
        });
        check(schema::DEPRECATIONS, |w| {
            Deprecations::parse(w).map(Deprecations::as_str)
        });
        check(schema::TARGETS, |w| Target::parse(w).map(Target::as_str));
        check(schema::PLATFORM_MILESTONINGS, |w| {
            PlatformMilestoning::parse(w).map(PlatformMilestoning::as_str)
        });
        check(schema::CREDENTIAL_STORE_KINDS, |w| {
            CredentialStoreKind::parse(w).map(CredentialStoreKind::as_str)
        });
        check(schema::ASSIGN_STATUSES, |w| {
            AssignStatus::parse(w).map(AssignStatus::as_str)
        });
    }
}
