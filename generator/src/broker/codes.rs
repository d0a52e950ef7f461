//! The placement codes (DS4xx): what the broker reports about where dataset groups run.
//!
//! Each code's bad and good examples are its fixtures under `tests/fixtures/rules/CODE/`, checked
//! by the rule meta-harness like the lint rules' (`tests/rules.rs`).

use crate::diag::codes::{declare_code, Code};

declare_code!(
    DS401,
    "assigned-and-pinned",
    Placement,
    Error,
    "A dataset group is both assigned to a platform and pins one",
    "A dataset group is placed either by the operators (an `assign` block, which the ecosystem \
     repo owns) or by its own team (`platform = ...` inside the `dsg`), never both: with both, \
     two owners disagree about where the data runs and nobody can tell which one is meant. \
     Assignments that are `decommissioned` do not count. Remove the pin, or remove (or \
     decommission) the assignments.",
);

declare_code!(
    DS402,
    "unplaced-dataset-group",
    Placement,
    Warning,
    "A dataset group runs on no platform",
    "A dataset group lands on the platforms of its `assign` blocks that are not \
     `decommissioned`, on the platform it pins, or (for a transformer's workspace) on every \
     platform where the transformer's output is consumed. One with none of these is in the \
     model but no platform serves it: nothing is rendered for it and its workspace receives no \
     data. Add an `assign` block (or, for a team-chosen platform, a `platform` pin).",
);

declare_code!(
    DS403,
    "unsupported-workspace-container",
    Placement,
    Error,
    "The platform's target cannot write to the workspace's container kind",
    "Each target writes consumers' copies into a fixed set of container kinds (DESIGN.md, \
     \"Placement and the intention graph\"): kafka-connect and confluent into postgres or their \
     own merge database (`platform_managed`), aws into platform_managed, postgres or mysql, \
     azure into platform_managed or azure_sql, snowflake into snowflake or platform_managed; \
     legacy accepts anything. Place the dataset group on a platform whose target supports the \
     workspace's container, or move the workspace to a container that this target supports.",
);

declare_code!(
    DS404,
    "unsupported-milestoning",
    Placement,
    Error,
    "A live_only platform cannot serve a dataset group that asks for history",
    "A platform with `milestoning = \"live_only\"` keeps only the current rows, so it serves \
     dataset groups that ask for `live_only`; a `forensic` platform keeps the full history and \
     serves `live_only`, `forensic` and `live_with_history`. A `legacy` platform accepts \
     anything. Place the dataset group on a forensic platform or relax its requirement.",
);

declare_code!(
    DS405,
    "unsupported-latency",
    Placement,
    Error,
    "The platform's target cannot deliver the latency the dataset group requires",
    "Every rendering target batches its merges, so the fastest latency it delivers is \
     `minutes`; only a `legacy` platform (which dsgen governs but does not render) accepts \
     `seconds`. Place the dataset group on a platform that delivers its latency, or relax the \
     requirement to what the platform delivers.",
);

declare_code!(
    DS406,
    "unsupported-source-container",
    Placement,
    Error,
    "The platform's target cannot ingest from the datastore's capture container kind",
    "A platform ingests each datastore its dataset groups read from the store's capture \
     container, and each target reads only some kinds: kafka-connect and confluent read \
     postgres, mysql, sqlserver, oracle, db2 and kafka; aws reads the databases but not kafka; \
     azure reads azure_sql, sqlserver, postgres and mysql; snowflake reads object_storage and \
     kafka; legacy reads anything. Place the dataset group on a platform that can read the \
     source, or let the platform ingest from a primary platform's merge tables with a \
     `primary_ingestion` block.",
);

declare_code!(
    DS407,
    "platform-policy-violation",
    Placement,
    Error,
    "A dataset group is placed on a platform that a zone's platform policy forbids",
    "A zone's `policy \"platform\"` lists the platforms that may carry its data. It applies to \
     every dataset group that reads a datastore of the zone (the producing zone) and to every \
     dataset group of the zone's own workspaces (the consuming zone), wherever the placement \
     comes from: an assignment, a pin, or a transformer pulled onto its consumers' platform. \
     Place the dataset group on an allowed platform or, with that zone's approval, change its \
     policy.",
);

declare_code!(
    DS408,
    "platform-location-policy-violation",
    Placement,
    Error,
    "A dataset group is placed on a platform whose location a zone's policy forbids",
    "The vendor, cloud and location policies of a zone say where its data may be kept, and a \
     platform keeps the data it ingests and merges in its own locations. Every location of the \
     platform a dataset group is placed on must be allowed by those policies of the producing \
     zones (of every datastore the group reads) and of the consuming zone (of its workspace); a \
     location entry covers the locations under it. Place the dataset group on a platform in \
     allowed locations or, with the zone's approval, change its policy.",
);

/// Every placement code, in code order.
pub static ALL: &[&Code] = &[
    &DS401, &DS402, &DS403, &DS404, &DS405, &DS406, &DS407, &DS408,
];
