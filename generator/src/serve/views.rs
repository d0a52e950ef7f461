//! The REST API's JSON shapes: built from the typed model per request (O(size of the answer)),
//! documented in the OpenAPI document through their `ToSchema` derives. Names are as written
//! in the model; maps (tags, settings) are objects sorted by key; lists of child names are in
//! model order unless said otherwise.

use crate::model::*;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::ToSchema;

fn opt(v: &Option<Name>) -> Option<String> {
    v.as_ref().map(|n| n.value.clone())
}

fn names(list: &[Name]) -> Vec<String> {
    list.iter().map(|n| n.value.clone()).collect()
}

fn tags(list: &[(Name, Name)]) -> BTreeMap<String, String> {
    list.iter()
        .map(|(k, v)| (k.value.clone(), v.value.clone()))
        .collect()
}

fn classification(
    c: &Option<crate::source::Spanned<Vec<crate::source::Spanned<values::Classification>>>>,
) -> Option<Vec<String>> {
    c.as_ref()
        .map(|list| list.value.iter().map(|c| c.value.to_string()).collect())
}

/// A team declared in a governance zone (`team "T" { repo = ... }`).
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamDeclView {
    pub name: String,
    /// The repository allowed to change the team's definition.
    pub repo: String,
    pub doc: Option<String>,
}

/// A zone policy (vendor, cloud, location, classification or platform allow/deny lists).
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyView {
    pub name: String,
    /// `vendor`, `cloud`, `location`, `classification` or `platform`.
    pub kind: String,
    pub allowed: Vec<String>,
    pub not_allowed: Vec<String>,
    pub doc: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoragePolicyView {
    pub name: String,
    /// `zone` or `individual`.
    pub mandatory: String,
    pub doc: Option<String>,
}

/// A governance zone: its declaration in the ecosystem and its definition, when present.
#[derive(Debug, Serialize, ToSchema)]
pub struct ZoneView {
    pub name: String,
    /// The zone's repository from the ecosystem's `zone` declaration (null when undeclared).
    pub repo: Option<String>,
    /// Whether a `governance_zone` block defines the zone.
    pub defined: bool,
    pub doc: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub teams: Vec<TeamDeclView>,
    pub policies: Vec<PolicyView>,
    pub storage_policies: Vec<StoragePolicyView>,
}

pub fn zone(decl: Option<&ZoneDecl>, def: Option<&GovernanceZone>) -> ZoneView {
    let name = def
        .map(|z| z.name.value.clone())
        .or_else(|| decl.map(|d| d.name.value.clone()))
        .unwrap_or_default();
    ZoneView {
        name,
        repo: decl.map(|d| d.repo.value.clone()),
        defined: def.is_some(),
        doc: def
            .and_then(|z| opt(&z.doc))
            .or_else(|| decl.and_then(|d| opt(&d.doc))),
        tags: def.map(|z| tags(&z.tags)).unwrap_or_default(),
        teams: def
            .map(|z| {
                z.teams
                    .iter()
                    .map(|t| TeamDeclView {
                        name: t.name.value.clone(),
                        repo: t.repo.value.clone(),
                        doc: opt(&t.doc),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        policies: def
            .map(|z| {
                z.policies
                    .iter()
                    .map(|p| PolicyView {
                        name: p.name.value.clone(),
                        kind: p.kind.value.as_str().to_string(),
                        allowed: names(&p.allowed),
                        not_allowed: names(&p.not_allowed),
                        doc: opt(&p.doc),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        storage_policies: def
            .map(|z| {
                z.storage_policies
                    .iter()
                    .map(|p| StoragePolicyView {
                        name: p.name.value.clone(),
                        mandatory: p.mandatory.value.as_str().to_string(),
                        doc: opt(&p.doc),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// A container a team or the ecosystem declares (connection details are not exposed).
#[derive(Debug, Serialize, ToSchema)]
pub struct ContainerView {
    pub name: String,
    /// `postgres`, `mysql`, `sqlserver`, `oracle`, `db2`, `snowflake`, `object_storage`,
    /// `kafka`, `azure_sql` or `platform_managed`.
    pub kind: String,
    pub locations: Vec<String>,
    pub doc: Option<String>,
}

/// A team's definition.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamView {
    pub zone: String,
    pub name: String,
    /// The team's repository from its zone's declaration (null when undeclared).
    pub repo: Option<String>,
    pub doc: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub containers: Vec<ContainerView>,
    /// Names of the team's datastores.
    pub datastores: Vec<String>,
    /// Names of the team's workspaces.
    pub workspaces: Vec<String>,
}

pub fn team(t: &Team, repo: Option<String>) -> TeamView {
    TeamView {
        zone: t.zone.value.clone(),
        name: t.name.value.clone(),
        repo,
        doc: opt(&t.doc),
        tags: tags(&t.tags),
        containers: t
            .containers
            .iter()
            .map(|c| ContainerView {
                name: c.name.value.clone(),
                kind: c.kind.value.as_str().to_string(),
                locations: names(&c.locations),
                doc: opt(&c.doc),
            })
            .collect(),
        datastores: t.datastores.iter().map(|s| s.name.value.clone()).collect(),
        workspaces: t.workspaces.iter().map(|w| w.name.value.clone()).collect(),
    }
}

/// (dataset, source table or topic)
#[derive(Debug, Serialize, ToSchema)]
pub struct CaptureEntry {
    pub dataset: String,
    pub source: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaptureView {
    /// `cdc`, `snapshot`, `watermark` or `kafka`.
    pub kind: String,
    pub container: String,
    /// The credential's name (never a secret value).
    pub credential: Option<String>,
    /// `multi_dataset` or `single_dataset`.
    pub consistency: String,
    pub trigger: String,
    pub watermark_column: Option<String>,
    pub tables: Vec<CaptureEntry>,
    pub topics: Vec<CaptureEntry>,
    pub doc: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovalView {
    pub workspace: String,
    pub dsg: String,
    pub dataset: String,
    pub doc: Option<String>,
}

/// A datastore; its datasets are listed by name (`/api/v1/datasets/{store}/{dataset}` has each).
#[derive(Debug, Serialize, ToSchema)]
pub struct DatastoreView {
    pub name: String,
    pub zone: String,
    pub team: String,
    pub doc: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub production: bool,
    /// The deprecation note, when the store is deprecated.
    pub deprecated: Option<String>,
    pub require_approval: bool,
    pub capture: Option<CaptureView>,
    pub approvals: Vec<ApprovalView>,
    pub datasets: Vec<String>,
}

pub fn datastore(t: &Team, s: &Datastore) -> DatastoreView {
    let entries = |list: &[(Name, Name)]| {
        list.iter()
            .map(|(d, src)| CaptureEntry {
                dataset: d.value.clone(),
                source: src.value.clone(),
            })
            .collect()
    };
    DatastoreView {
        name: s.name.value.clone(),
        zone: t.zone.value.clone(),
        team: t.name.value.clone(),
        doc: opt(&s.doc),
        tags: tags(&s.tags),
        production: s.production.value,
        deprecated: opt(&s.deprecated),
        require_approval: s.require_approval.value,
        capture: s.capture.as_ref().map(|c| CaptureView {
            kind: c.kind.value.as_str().to_string(),
            container: c.container.value.clone(),
            credential: opt(&c.credential),
            consistency: c.consistency.value.as_str().to_string(),
            trigger: c.trigger.value.clone(),
            watermark_column: opt(&c.watermark_column),
            tables: entries(&c.tables),
            topics: entries(&c.topics),
            doc: opt(&c.doc),
        }),
        approvals: s
            .approvals
            .iter()
            .map(|a| ApprovalView {
                workspace: a.workspace.value.clone(),
                dsg: a.dsg.value.clone(),
                dataset: a.dataset.value.clone(),
                doc: opt(&a.doc),
            })
            .collect(),
        datasets: s.datasets.iter().map(|d| d.name.value.clone()).collect(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ColumnView {
    pub name: String,
    /// The column type as written in MODEL.md (e.g. `varchar(20)`); null when it did not parse.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    pub key: bool,
    pub nullable: bool,
    pub classification: Option<Vec<String>>,
    pub doc: Option<String>,
    pub tags: BTreeMap<String, String>,
}

/// A dataset with its schema (columns in schema order).
#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetView {
    pub store: String,
    pub name: String,
    pub zone: String,
    pub team: String,
    pub doc: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// Dataset-level classification (null when classified per column or not at all).
    pub classification: Option<Vec<String>>,
    pub storage_policies: Vec<String>,
    pub deprecated: Option<String>,
    /// The effective primary key: `primary_key`, else the columns flagged `key`.
    pub primary_key: Vec<String>,
    pub partition_key: Option<Vec<String>>,
    pub columns: Vec<ColumnView>,
}

pub fn dataset(t: &Team, s: &Datastore, d: &Dataset) -> DatasetView {
    DatasetView {
        store: s.name.value.clone(),
        name: d.name.value.clone(),
        zone: t.zone.value.clone(),
        team: t.name.value.clone(),
        doc: opt(&d.doc),
        tags: tags(&d.tags),
        classification: classification(&d.classification),
        storage_policies: names(&d.storage_policies),
        deprecated: opt(&d.deprecated),
        primary_key: d.key_columns().into_iter().map(str::to_string).collect(),
        partition_key: d.partition_key.as_ref().map(|k| names(&k.value)),
        columns: d
            .columns
            .iter()
            .map(|c| ColumnView {
                name: c.name.value.clone(),
                ty: c.ty.value.as_ref().map(|t| t.to_string()),
                key: c.key.value,
                nullable: c.nullable.value,
                classification: classification(&c.classification),
                doc: opt(&c.doc),
                tags: tags(&c.tags),
            })
            .collect(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SinkView {
    pub store: String,
    pub dataset: String,
    /// `never` or `allowed`.
    pub deprecations: String,
    pub doc: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementsView {
    /// `live_only`, `forensic` or `live_with_history`.
    pub milestoning: String,
    /// `seconds`, `minutes`, `hours` or `days`.
    pub latency: String,
    /// ISO 8601 duration.
    pub retention: Option<String>,
    pub regulator: Option<String>,
    pub doc: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DsgView {
    pub name: String,
    pub doc: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// The platform the group is pinned to, if any.
    pub platform: Option<String>,
    pub requirements: Option<RequirementsView>,
    pub sinks: Vec<SinkView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClassificationPolicyView {
    pub allowed: Vec<String>,
    pub not_allowed: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransformerView {
    pub name: String,
    /// The datastore the transformer writes.
    pub output: String,
    /// `{"repo": ...}` or `{"image": ...}`, null when absent.
    #[schema(value_type = Option<Object>)]
    pub code: Option<Value>,
    pub trigger: Option<String>,
    pub doc: Option<String>,
    pub tags: BTreeMap<String, String>,
}

/// A workspace: its dataset groups with their sinks, and its transformer.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceView {
    pub name: String,
    pub zone: String,
    pub team: String,
    pub doc: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub container: String,
    /// `unknown`, `low`, `medium`, `high` or `critical`.
    pub priority: String,
    pub production: bool,
    pub classification_policy: Option<ClassificationPolicyView>,
    pub dsgs: Vec<DsgView>,
    pub transformer: Option<TransformerView>,
}

pub fn workspace(t: &Team, w: &Workspace) -> WorkspaceView {
    WorkspaceView {
        name: w.name.value.clone(),
        zone: t.zone.value.clone(),
        team: t.name.value.clone(),
        doc: opt(&w.doc),
        tags: tags(&w.tags),
        container: w.container.value.clone(),
        priority: w.priority.value.as_str().to_string(),
        production: w.production.value,
        classification_policy: w
            .classification_policy
            .as_ref()
            .map(|p| ClassificationPolicyView {
                allowed: names(&p.allowed),
                not_allowed: names(&p.not_allowed),
            }),
        dsgs: w
            .dsgs
            .iter()
            .map(|g| DsgView {
                name: g.name.value.clone(),
                doc: opt(&g.doc),
                tags: tags(&g.tags),
                platform: opt(&g.platform),
                requirements: g.requirements.as_ref().map(|r| RequirementsView {
                    milestoning: r.milestoning.value.as_str().to_string(),
                    latency: r.latency.value.as_str().to_string(),
                    retention: r.retention.as_ref().map(|d| d.value.to_string()),
                    regulator: opt(&r.regulator),
                    doc: opt(&r.doc),
                }),
                sinks: g
                    .sinks
                    .iter()
                    .map(|s| SinkView {
                        store: s.store.value.clone(),
                        dataset: s.dataset.value.clone(),
                        deprecations: s.deprecations.value.as_str().to_string(),
                        doc: opt(&s.doc),
                    })
                    .collect(),
            })
            .collect(),
        transformer: w.transformer.as_ref().map(|t| TransformerView {
            name: t.name.value.clone(),
            output: t.output.value.clone(),
            code: match &t.code {
                Some(CodeSource::Repo(r)) => Some(serde_json::json!({ "repo": r.value })),
                Some(CodeSource::Image(i)) => Some(serde_json::json!({ "image": i.value })),
                None => None,
            },
            trigger: opt(&t.trigger),
            doc: opt(&t.doc),
            tags: tags(&t.tags),
        }),
    }
}

/// A data platform.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformView {
    pub name: String,
    /// `kafka-connect`, `aws`, `azure`, `confluent`, `snowflake` or `legacy`.
    pub target: String,
    /// `live_only` or `forensic`.
    pub milestoning: String,
    pub locations: Vec<String>,
    /// The credential store's name.
    pub credential_store: Option<String>,
    pub doc: Option<String>,
    pub tags: BTreeMap<String, String>,
    /// Target-specific settings, as written.
    #[schema(value_type = Object)]
    pub settings: Value,
}

fn setting(v: &SettingValue) -> Value {
    match v {
        SettingValue::String(s) => Value::String(s.clone()),
        SettingValue::Bool(b) => Value::Bool(*b),
        SettingValue::Number(n) => Value::String(n.clone()),
        SettingValue::List(items) => Value::Array(items.iter().map(setting).collect()),
        SettingValue::Map(entries) => {
            let sorted: BTreeMap<&str, Value> = entries
                .iter()
                .map(|(k, v)| (k.as_str(), setting(v)))
                .collect();
            Value::Object(
                sorted
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            )
        }
    }
}

pub fn platform(p: &Platform) -> PlatformView {
    let settings: BTreeMap<&str, Value> = p
        .settings
        .iter()
        .map(|(k, v)| (k.value.as_str(), setting(&v.value)))
        .collect();
    PlatformView {
        name: p.name.value.clone(),
        target: p.target.value.as_str().to_string(),
        milestoning: p.milestoning.value.as_str().to_string(),
        locations: names(&p.locations),
        credential_store: opt(&p.credential_store),
        doc: opt(&p.doc),
        tags: tags(&p.tags),
        settings: Value::Object(
            settings
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        ),
    }
}

/// One sink through which a dependent workspace reads.
#[derive(Debug, Serialize, ToSchema)]
pub struct DependentSink {
    pub dsg: String,
    pub store: String,
    pub dataset: String,
}

/// A workspace that depends on a datastore, directly or through transformers.
#[derive(Debug, Serialize, ToSchema)]
pub struct DependentView {
    pub workspace: String,
    pub zone: String,
    pub team: String,
    /// True for a workspace that reads the store itself.
    pub direct: bool,
    /// Transformer workspaces between the store and this workspace, nearest first.
    pub via: Vec<String>,
    pub sinks: Vec<DependentSink>,
}

pub fn dependent(d: &crate::model::deps::Dependent) -> DependentView {
    DependentView {
        workspace: d.workspace.name.value.clone(),
        zone: d.team.zone.value.clone(),
        team: d.team.name.value.clone(),
        direct: d.is_direct(),
        via: d.via.iter().map(|s| s.to_string()).collect(),
        sinks: d
            .sinks
            .iter()
            .map(|(g, s)| DependentSink {
                dsg: g.name.value.clone(),
                store: s.store.value.clone(),
                dataset: s.dataset.value.clone(),
            })
            .collect(),
    }
}

/// A diagnostic (warning or info) of the served revision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DiagnosticView {
    pub code: String,
    /// `warning` or `info` (a served revision has no errors).
    pub severity: String,
    pub message: String,
    /// Model file, relative to the model directory.
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub help: Option<String>,
}

pub fn diagnostic(
    d: &crate::diag::Diagnostic,
    sources: &crate::source::SourceMap,
) -> DiagnosticView {
    let (file, line, column) = match d.span {
        Some(span) if sources.get(span.file).is_some() => {
            let (l, c) = sources.line_col(span);
            (Some(sources.path(span.file).to_string()), Some(l), Some(c))
        }
        _ => (None, None, None),
    };
    DiagnosticView {
        code: d.code.to_string(),
        severity: d.severity.as_str().to_string(),
        message: d.message.clone(),
        file,
        line,
        column,
        help: d.help.clone(),
    }
}
