//! The model language's shape as data: every block, its labels, attributes and child blocks.
//!
//! One table drives the structural validation of every file (unknown blocks and attributes,
//! value types, enums, required attributes), the reading of the JSON form (which keys are blocks)
//! and `dsgen schema`. It knows nothing of meaning: references and rules live in `lint`.

pub mod json_schema;

/// What an attribute's value must be.
#[derive(Debug, Clone, Copy)]
pub enum AttrType {
    String,
    Bool,
    /// A whole number in `0..=max`.
    Integer {
        max: u64,
    },
    StringList,
    /// `{ key = "value" }`.
    StringMap,
    /// One of the listed words.
    Enum(&'static [&'static str]),
    /// An object with exactly these attributes (`classification_policy = { ... }`).
    Object(&'static [AttrDef]),
}

#[derive(Debug)]
pub struct AttrDef {
    pub name: &'static str,
    pub ty: AttrType,
    pub required: bool,
    pub doc: &'static str,
}

#[derive(Debug)]
pub struct BlockDef {
    pub ident: &'static str,
    /// Names of the labels, for messages and docs (`["KIND", "NAME"]`).
    pub labels: &'static [&'static str],
    pub doc: &'static str,
    pub attrs: &'static [AttrDef],
    pub blocks: &'static [&'static BlockDef],
    /// At most one such block in its parent.
    pub single: bool,
    /// Required in its parent.
    pub required: bool,
    /// Keys are not known to the language (a platform's `settings`): the decoder checks them.
    pub open: bool,
}

impl BlockDef {
    pub fn attr(&self, name: &str) -> Option<&'static AttrDef> {
        self.attrs.iter().find(|a| a.name == name)
    }

    pub fn block(&self, ident: &str) -> Option<&'static BlockDef> {
        self.blocks.iter().find(|b| b.ident == ident).copied()
    }
}

const fn attr(name: &'static str, ty: AttrType, doc: &'static str) -> AttrDef {
    AttrDef {
        name,
        ty,
        required: false,
        doc,
    }
}

const fn req(name: &'static str, ty: AttrType, doc: &'static str) -> AttrDef {
    AttrDef {
        name,
        ty,
        required: true,
        doc,
    }
}

const fn block(
    ident: &'static str,
    labels: &'static [&'static str],
    doc: &'static str,
    attrs: &'static [AttrDef],
    blocks: &'static [&'static BlockDef],
) -> BlockDef {
    BlockDef {
        ident,
        labels,
        doc,
        attrs,
        blocks,
        single: false,
        required: false,
        open: false,
    }
}

const DOC: AttrDef = attr("doc", AttrType::String, "Documentation (Markdown).");
const TAGS: AttrDef = attr("tags", AttrType::StringMap, "Free key/value tags.");
const LOCATIONS: AttrDef = attr(
    "locations",
    AttrType::StringList,
    "Where it runs: `VENDOR:path/to/location` entries.",
);

pub const CLOUDS: &[&str] = &[
    "aws",
    "azure",
    "gcp",
    "ibm",
    "oracle",
    "alibaba",
    "aws_china",
    "tencent",
    "huawei",
    "azure_china",
    "private",
];
pub const CONTAINER_KINDS: &[&str] = &[
    "postgres",
    "mysql",
    "sqlserver",
    "oracle",
    "db2",
    "snowflake",
    "object_storage",
    "kafka",
    "azure_sql",
    "platform_managed",
];
pub const POLICY_KINDS: &[&str] = &["vendor", "cloud", "location", "classification", "platform"];
pub const CAPTURE_KINDS: &[&str] = &["cdc", "snapshot", "watermark", "kafka"];
pub const CONSISTENCIES: &[&str] = &["multi_dataset", "single_dataset"];
pub const PRIORITIES: &[&str] = &["critical", "high", "medium", "low", "unknown"];
pub const MILESTONINGS: &[&str] = &["live_only", "forensic", "live_with_history"];
pub const PLATFORM_MILESTONINGS: &[&str] = &["live_only", "forensic"];
pub const LATENCIES: &[&str] = &["seconds", "minutes", "hours", "days"];
pub const DEPRECATIONS: &[&str] = &["never", "allowed"];
pub const TARGETS: &[&str] = &[
    "kafka-connect",
    "aws",
    "azure",
    "confluent",
    "snowflake",
    "legacy",
];
pub const CREDENTIAL_STORE_KINDS: &[&str] = &[
    "kubernetes_secrets",
    "aws_secrets_manager",
    "azure_key_vault",
    "env",
    "file",
];
pub const ASSIGN_STATUSES: &[&str] = &[
    "provisioning",
    "provisioned",
    "decommissioning",
    "decommissioned",
];
pub const MANDATORY: &[&str] = &["zone", "individual"];

static ZONE_DECL: BlockDef = block(
    "zone",
    &["ZONE"],
    "Declares a governance zone and the repository that owns it.",
    &[
        req("repo", AttrType::String, "The zone's owning repository."),
        DOC,
    ],
    &[],
);

pub static ECOSYSTEM: BlockDef = BlockDef {
    required: true,
    single: true,
    ..block(
        "ecosystem",
        &["NAME"],
        "The ecosystem: its owning repository and its zone declarations.",
        &[
            req(
                "owning_repo",
                AttrType::String,
                "Repository that may change ecosystem-level blocks.",
            ),
            attr(
                "live_repo",
                AttrType::String,
                "The branch platforms run from; must differ from owning_repo.",
            ),
            DOC,
            TAGS,
        ],
        &[&ZONE_DECL],
    )
};

static LOCATION: BlockDef = block(
    "location",
    &["NAME"],
    "A location of a vendor; locations nest.",
    &[DOC],
    &[&LOCATION],
);

pub static VENDOR: BlockDef = block(
    "vendor",
    &["NAME"],
    "An infrastructure vendor and its locations.",
    &[
        req("cloud", AttrType::Enum(CLOUDS), "The vendor's cloud."),
        DOC,
    ],
    &[&LOCATION],
);

static TEAM_DECL: BlockDef = block(
    "team",
    &["TEAM"],
    "Declares a team of this zone and the repository that owns it.",
    &[
        req("repo", AttrType::String, "The team's owning repository."),
        DOC,
    ],
    &[],
);

static POLICY: BlockDef = block(
    "policy",
    &["KIND", "NAME"],
    "A zone policy of kind vendor, cloud, location, classification or platform.",
    &[
        attr(
            "allowed",
            AttrType::StringList,
            "Only these are allowed (empty: no restriction).",
        ),
        attr(
            "not_allowed",
            AttrType::StringList,
            "These are never allowed.",
        ),
        DOC,
    ],
    &[],
);

static STORAGE_POLICY: BlockDef = block(
    "storage_policy",
    &["NAME"],
    "A storage requirement for the zone's datasets.",
    &[
        attr(
            "mandatory",
            AttrType::Enum(MANDATORY),
            "`zone`: applies to every dataset of the zone; `individual` (default): to datasets listing it.",
        ),
        DOC,
    ],
    &[],
);

pub static GOVERNANCE_ZONE: BlockDef = block(
    "governance_zone",
    &["ZONE"],
    "A governance zone: its policies and team declarations.",
    &[DOC, TAGS],
    &[&TEAM_DECL, &POLICY, &STORAGE_POLICY],
);

pub static CONTAINER: BlockDef = block(
    "container",
    &["KIND", "NAME"],
    "Where data lives: a database, object storage, a Kafka cluster or platform-managed storage.",
    &[
        attr(
            "host",
            AttrType::String,
            "Database host (postgres, mysql, sqlserver, oracle, db2).",
        ),
        attr("port", AttrType::Integer { max: 65535 }, "Database port."),
        attr("database", AttrType::String, "Database name."),
        attr("account", AttrType::String, "Snowflake account."),
        attr("warehouse", AttrType::String, "Snowflake warehouse."),
        attr("schema", AttrType::String, "Snowflake schema."),
        attr("role", AttrType::String, "Snowflake role."),
        attr("bucket", AttrType::String, "Object storage bucket."),
        attr("prefix", AttrType::String, "Object storage key prefix."),
        attr(
            "endpoint",
            AttrType::String,
            "Object storage endpoint (MinIO, S3-compatible).",
        ),
        attr(
            "bootstrap_servers",
            AttrType::StringList,
            "Kafka bootstrap servers, `host:port`.",
        ),
        attr("server", AttrType::String, "Azure SQL server."),
        LOCATIONS,
        DOC,
        TAGS,
    ],
    &[],
);

static CAPTURE: BlockDef = BlockDef {
    single: true,
    ..block(
        "capture",
        &[],
        "How the datastore's data is captured from its container.",
        &[
            req(
                "kind",
                AttrType::Enum(CAPTURE_KINDS),
                "cdc, snapshot, watermark or kafka.",
            ),
            req(
                "container",
                AttrType::String,
                "The source container's name.",
            ),
            attr(
                "credential",
                AttrType::String,
                "Credential name, resolved by the platform's credential store.",
            ),
            attr(
                "consistency",
                AttrType::Enum(CONSISTENCIES),
                "multi_dataset (default) or single_dataset.",
            ),
            req(
                "trigger",
                AttrType::String,
                "5-field cron schedule, or \"external\".",
            ),
            attr(
                "watermark_column",
                AttrType::String,
                "watermark only: an integer or timestamp column.",
            ),
            attr("tables", AttrType::StringMap, "Source table per dataset."),
            attr(
                "topics",
                AttrType::StringMap,
                "kafka only: topic per dataset.",
            ),
            DOC,
        ],
        &[],
    )
};

static APPROVAL: BlockDef = block(
    "approval",
    &[],
    "Approves one (workspace, dsg, dataset) to consume this datastore.",
    &[
        req("workspace", AttrType::String, "Workspace name."),
        req("dsg", AttrType::String, "Dataset group name."),
        req("dataset", AttrType::String, "Dataset name."),
        DOC,
    ],
    &[],
);

static COLUMN: BlockDef = block(
    "column",
    &["NAME"],
    "A column and its type.",
    &[
        req(
            "type",
            AttrType::String,
            "The column type (MODEL.md \"Types\").",
        ),
        attr(
            "key",
            AttrType::Bool,
            "Part of the primary key, in column order.",
        ),
        attr(
            "nullable",
            AttrType::Bool,
            "Default true; key columns must be false.",
        ),
        attr(
            "classification",
            AttrType::StringList,
            "Column-level classification.",
        ),
        DOC,
        TAGS,
    ],
    &[],
);

static DATASET: BlockDef = block(
    "dataset",
    &["NAME"],
    "A dataset (table) of a datastore.",
    &[
        attr(
            "classification",
            AttrType::StringList,
            "Dataset-level classification.",
        ),
        attr(
            "storage_policies",
            AttrType::StringList,
            "Storage policies of the zone this dataset follows.",
        ),
        attr(
            "deprecated",
            AttrType::String,
            "A reason marks the dataset deprecated.",
        ),
        attr(
            "primary_key",
            AttrType::StringList,
            "Primary key columns; wins over column `key` flags.",
        ),
        attr(
            "partition_key",
            AttrType::StringList,
            "Partition columns; must exist and be NOT NULL.",
        ),
        DOC,
        TAGS,
    ],
    &[&COLUMN],
);

pub static DATASTORE: BlockDef = block(
    "datastore",
    &["NAME"],
    "A producer's datastore: datasets and how they are captured.",
    &[
        attr(
            "production",
            AttrType::Bool,
            "Production data (default false).",
        ),
        attr(
            "deprecated",
            AttrType::String,
            "A reason marks the datastore deprecated.",
        ),
        attr(
            "require_approval",
            AttrType::Bool,
            "Consumers need an approval (default false).",
        ),
        DOC,
        TAGS,
    ],
    &[&CAPTURE, &APPROVAL, &DATASET],
);

static REQUIREMENTS: BlockDef = BlockDef {
    single: true,
    ..block(
        "requirements",
        &[],
        "What the dataset group needs from a platform.",
        &[
            attr(
                "milestoning",
                AttrType::Enum(MILESTONINGS),
                "live_only (default), forensic or live_with_history.",
            ),
            attr(
                "latency",
                AttrType::Enum(LATENCIES),
                "seconds, minutes, hours or days (default minutes).",
            ),
            attr(
                "retention",
                AttrType::String,
                "ISO-8601 duration of history to keep.",
            ),
            attr(
                "regulator",
                AttrType::String,
                "Regulator the data is kept for.",
            ),
            DOC,
        ],
        &[],
    )
};

static SINK: BlockDef = block(
    "sink",
    &["STORE", "DATASET"],
    "A dataset this group consumes.",
    &[
        attr(
            "deprecations",
            AttrType::Enum(DEPRECATIONS),
            "never (default): a deprecated dataset is an error; allowed: a warning.",
        ),
        DOC,
    ],
    &[],
);

static DSG: BlockDef = block(
    "dsg",
    &["NAME"],
    "A dataset group: sinks with one set of requirements.",
    &[
        attr(
            "platform",
            AttrType::String,
            "Pin a platform instead of the operators' assignment.",
        ),
        DOC,
        TAGS,
    ],
    &[&REQUIREMENTS, &SINK],
);

static CODE: BlockDef = BlockDef {
    single: true,
    required: true,
    ..block(
        "code",
        &[],
        "Where the transformer's code comes from: exactly one of repo or image.",
        &[
            attr("repo", AttrType::String, "Code repository."),
            attr("image", AttrType::String, "Container image."),
            DOC,
        ],
        &[],
    )
};

static TRANSFORMER: BlockDef = BlockDef {
    single: true,
    ..block(
        "transformer",
        &["NAME"],
        "Produces a datastore from this workspace's inputs.",
        &[
            req(
                "output",
                AttrType::String,
                "Datastore of this team, without capture, that it writes.",
            ),
            attr(
                "trigger",
                AttrType::String,
                "5-field cron; default: runs when its inputs change.",
            ),
            DOC,
            TAGS,
        ],
        &[&CODE],
    )
};

const POLICY_LISTS: &[AttrDef] = &[
    attr(
        "allowed",
        AttrType::StringList,
        "Only these classifications.",
    ),
    attr(
        "not_allowed",
        AttrType::StringList,
        "Never these classifications.",
    ),
];

pub static WORKSPACE: BlockDef = block(
    "workspace",
    &["NAME"],
    "A consumer: dataset groups and at most one transformer.",
    &[
        req(
            "container",
            AttrType::String,
            "Container name, or \"platform_managed\".",
        ),
        attr(
            "priority",
            AttrType::Enum(PRIORITIES),
            "critical, high, medium, low or unknown (default).",
        ),
        attr(
            "production",
            AttrType::Bool,
            "Production consumer (default false).",
        ),
        attr(
            "classification_policy",
            AttrType::Object(POLICY_LISTS),
            "The workspace's own classification verifier.",
        ),
        DOC,
        TAGS,
    ],
    &[&DSG, &TRANSFORMER],
);

pub static TEAM: BlockDef = block(
    "team",
    &["ZONE", "TEAM"],
    "A team's definition: its containers, datastores and workspaces.",
    &[DOC, TAGS],
    &[&CONTAINER, &DATASTORE, &WORKSPACE],
);

static SETTINGS: BlockDef = BlockDef {
    single: true,
    open: true,
    ..block(
        "settings",
        &[],
        "Target-specific keys (documented per target under docs/).",
        &[],
        &[],
    )
};

pub static PLATFORM: BlockDef = block(
    "platform",
    &["NAME"],
    "A data platform that dataset groups are placed on.",
    &[
        req("target", AttrType::Enum(TARGETS), "What renders it."),
        attr(
            "milestoning",
            AttrType::Enum(PLATFORM_MILESTONINGS),
            "live_only (default) or forensic.",
        ),
        LOCATIONS,
        attr(
            "credential_store",
            AttrType::String,
            "Credential store resolving credential names.",
        ),
        DOC,
        TAGS,
    ],
    &[&SETTINGS],
);

pub static CREDENTIAL_STORE: BlockDef = block(
    "credential_store",
    &["NAME"],
    "Resolves credential names at run time.",
    &[
        req(
            "kind",
            AttrType::Enum(CREDENTIAL_STORE_KINDS),
            "The store's kind.",
        ),
        DOC,
    ],
    &[],
);

pub static ASSIGN: BlockDef = block(
    "assign",
    &["WORKSPACE", "DSG"],
    "Operators' assignment of a dataset group to a platform.",
    &[
        req("platform", AttrType::String, "Platform name."),
        attr(
            "status",
            AttrType::Enum(ASSIGN_STATUSES),
            "Lifecycle status (default provisioned).",
        ),
        DOC,
    ],
    &[],
);

pub static PRIMARY_INGESTION: BlockDef = block(
    "primary_ingestion",
    &["STORE"],
    "Platforms that ingest a datastore from its source; others read their merge tables.",
    &[
        req("platforms", AttrType::StringList, "Primary platforms."),
        DOC,
    ],
    &[],
);

/// The top level of a model file.
pub static ROOT: BlockDef = block(
    "",
    &[],
    "A model file.",
    &[],
    &[
        &ECOSYSTEM,
        &VENDOR,
        &GOVERNANCE_ZONE,
        &TEAM,
        &CONTAINER,
        &CREDENTIAL_STORE,
        &PLATFORM,
        &ASSIGN,
        &PRIMARY_INGESTION,
    ],
);

/// Container attributes per kind; other attributes are errors for that kind.
pub fn container_attrs(kind: &str) -> (&'static [&'static str], &'static [&'static str]) {
    // (required, optional) besides doc, tags and locations
    match kind {
        "postgres" | "mysql" | "sqlserver" | "oracle" | "db2" => {
            (&["host", "port", "database"], &[])
        }
        "snowflake" => (&["account", "database"], &["warehouse", "schema", "role"]),
        "object_storage" => (&["bucket"], &["prefix", "endpoint"]),
        "kafka" => (&["bootstrap_servers"], &[]),
        "azure_sql" => (&["server", "database"], &[]),
        _ => (&[], &[]),
    }
}

/// Settings keys a target accepts. Each target's keys are documented under `docs/targets/`;
/// a target without keys here accepts none. `required` is only the structural mark: whether a
/// key must be present (possibly depending on another key) is the target's lint rule (DS136 for
/// kafka-connect), and defaults are applied where the target reads its settings.
pub fn settings_keys(target: &str) -> &'static [AttrDef] {
    match target {
        "kafka-connect" => KAFKA_CONNECT_SETTINGS,
        _ => &[],
    }
}

/// `target = "kafka-connect"` settings (docs/targets/kafka-connect.md).
pub const KAFKA_CONNECT_SETTINGS: &[AttrDef] = &[
    req(
        "kafka_container",
        AttrType::String,
        "The `kafka` container whose bootstrap servers Kafka Connect uses.",
    ),
    req(
        "landing_container",
        AttrType::String,
        "The `object_storage` container (MinIO or S3: endpoint, bucket, prefix) the S3 sinks land change events in.",
    ),
    req(
        "merge_container",
        AttrType::String,
        "The `postgres` container of the merge database; the JDBC sinks write its staging tables.",
    ),
    req(
        "merge_credential",
        AttrType::String,
        "The credential the JDBC sinks log in to the merge database with.",
    ),
    attr(
        "landing_credential",
        AttrType::String,
        "The credential (access key id as `username`, secret key as `password`) of the landing object storage; default: none, the S3 sink uses the default AWS credential chain.",
    ),
    attr(
        "namespace",
        AttrType::String,
        "Kubernetes namespace of Kafka Connect and its secrets (default `kafka`).",
    ),
    attr(
        "connect_cluster",
        AttrType::String,
        "Name of the Kafka Connect cluster (default: the platform name as a Kubernetes name).",
    ),
    attr(
        "deployment",
        AttrType::Enum(&["strimzi", "plain"]),
        "`strimzi` (default): Strimzi custom resources and Helm values; `plain`: Connect REST JSON only.",
    ),
    attr(
        "build_image",
        AttrType::String,
        "Image (registry/repository:tag) Strimzi pushes the Connect image with the connector plugins to; required when deployment is `strimzi`.",
    ),
    attr(
        "converter",
        AttrType::Enum(&["json", "avro"]),
        "Key and value converter of every connector: `json` (default, with schemas) or `avro`.",
    ),
    attr(
        "schema_registry_url",
        AttrType::String,
        "Schema registry URL; required when converter is `avro`.",
    ),
    attr(
        "debezium_version",
        AttrType::String,
        "Debezium release of the connector plugins (default `3.2.0.Final`).",
    ),
    attr(
        "replicas",
        AttrType::Integer { max: 100 },
        "Kafka Connect worker replicas (default 1).",
    ),
    attr(
        "batch_image",
        AttrType::String,
        "Image of the batch CronJobs: `dsgen` on the PATH and the model at `/model`; required with `strimzi` when the platform has merge work.",
    ),
    attr(
        "batch_cpu_request",
        AttrType::String,
        "CPU request of a batch pod, a Kubernetes quantity (default `100m`).",
    ),
    attr(
        "batch_cpu_limit",
        AttrType::String,
        "CPU limit of a batch pod (default `1`).",
    ),
    attr(
        "batch_memory_request",
        AttrType::String,
        "Memory request of a batch pod (default `256Mi`).",
    ),
    attr(
        "batch_memory_limit",
        AttrType::String,
        "Memory limit of a batch pod (default `512Mi`).",
    ),
    attr(
        "batch_deadline_seconds",
        AttrType::Integer { max: 86400 },
        "Seconds one batch Job may run before Kubernetes stops it (`activeDeadlineSeconds`, default 3600).",
    ),
];
