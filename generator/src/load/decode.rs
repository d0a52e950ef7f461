//! Decoding a validated syntax tree into typed model elements.
//!
//! Structural problems were reported by `validate`; here a value of the wrong shape is simply
//! skipped (or defaulted) so one run still reports everything. Value grammars (types,
//! classifications, durations) are parsed here and reported with DS007/DS012.

use super::codes::*;
use crate::diag::{did_you_mean, Diagnostic};
use crate::model::datatype::{parse_type, DataType};
use crate::model::values::{Classification, IsoDuration};
use crate::model::*;
use crate::source::{Span, Spanned};
use crate::syntax::{Attribute, Block, Body, Value, ValueKind};
use std::collections::HashMap;

/// The elements one file defines.
pub struct Decoder<'d> {
    pub diags: &'d mut Vec<Diagnostic>,
    types: HashMap<String, Result<DataType, String>>,
}

struct Attrs<'a> {
    list: &'a [Attribute],
    header: Span,
}

impl<'a> Attrs<'a> {
    fn new(block: &'a Block) -> Attrs<'a> {
        Attrs {
            list: &block.body.attributes,
            header: block.header_span(),
        }
    }

    fn get(&self, name: &str) -> Option<&'a Attribute> {
        self.list.iter().find(|a| a.key.value == name)
    }

    fn string(&self, name: &str) -> Option<Name> {
        let attr = self.get(name)?;
        match &attr.value.kind {
            ValueKind::String(s) => Some(Spanned::new(s.clone(), attr.value.span)),
            _ => None,
        }
    }

    /// A required string: missing ones were reported by `validate`; an empty name stands in.
    fn req_string(&self, name: &str) -> Name {
        self.string(name)
            .unwrap_or_else(|| Spanned::new(String::new(), self.header))
    }

    fn bool(&self, name: &str, default: bool) -> Spanned<bool> {
        match self.get(name) {
            Some(Attribute {
                value:
                    Value {
                        kind: ValueKind::Bool(b),
                        span,
                    },
                ..
            }) => Spanned::new(*b, *span),
            _ => Spanned::new(default, self.header),
        }
    }

    fn list(&self, name: &str) -> Option<Spanned<Vec<Name>>> {
        let attr = self.get(name)?;
        match &attr.value.kind {
            ValueKind::Array(items) => Some(Spanned::new(
                items.iter().filter_map(string_of).collect(),
                attr.value.span,
            )),
            _ => None,
        }
    }

    fn names(&self, name: &str) -> Vec<Name> {
        self.list(name).map(|l| l.value).unwrap_or_default()
    }

    fn map(&self, name: &str) -> Vec<(Name, Name)> {
        match self.get(name).map(|a| &a.value.kind) {
            Some(ValueKind::Object(entries)) => entries
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), string_of(v)?)))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn word<T>(&self, name: &str, parse: fn(&str) -> Option<T>, default: T) -> Spanned<T> {
        match self.string(name) {
            Some(s) => match parse(&s.value) {
                Some(v) => Spanned::new(v, s.span),
                None => Spanned::new(default, s.span),
            },
            None => Spanned::new(default, self.header),
        }
    }
}

fn string_of(value: &Value) -> Option<Name> {
    match &value.kind {
        ValueKind::String(s) => Some(Spanned::new(s.clone(), value.span)),
        _ => None,
    }
}

fn label(block: &Block, i: usize) -> Name {
    block
        .labels
        .get(i)
        .cloned()
        .unwrap_or_else(|| Spanned::new(String::new(), block.header_span()))
}

fn children<'a>(body: &'a Body, ident: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
    body.blocks.iter().filter(move |b| b.ident.value == ident)
}

/// Blocks whose label count is wrong were reported and are skipped.
fn well_formed(block: &Block, labels: usize) -> bool {
    block.labels.len() == labels
}

impl<'d> Decoder<'d> {
    pub fn new(diags: &'d mut Vec<Diagnostic>) -> Decoder<'d> {
        Decoder {
            diags,
            types: HashMap::new(),
        }
    }

    /// Decode one file's top level into `model`'s element lists.
    pub fn file(&mut self, body: &Body, model: &mut Model) {
        for block in &body.blocks {
            match block.ident.value.as_str() {
                "ecosystem" if well_formed(block, 1) => {
                    let eco = self.ecosystem(block);
                    match &model.ecosystem {
                        // Duplicates across files are found when files are merged; within one
                        // file the first wins here and the second is reported the same way.
                        Some(first) => {
                            self.diags
                                .push(duplicate("ecosystem", &eco.name, first.name.span))
                        }
                        None => model.ecosystem = Some(eco),
                    }
                }
                "vendor" if well_formed(block, 1) => model.vendors.push(self.vendor(block)),
                "governance_zone" if well_formed(block, 1) => model.zones.push(self.zone(block)),
                "team" if well_formed(block, 2) => model.teams.push(self.team(block)),
                "container" if well_formed(block, 2) => {
                    if let Some(c) = self.container(block) {
                        model.containers.push(c)
                    }
                }
                "credential_store" if well_formed(block, 1) => {
                    let a = Attrs::new(block);
                    model.credential_stores.push(CredentialStore {
                        name: label(block, 0),
                        kind: a.word("kind", CredentialStoreKind::parse, CredentialStoreKind::Env),
                        doc: a.string("doc"),
                        span: block.span,
                    })
                }
                "platform" if well_formed(block, 1) => model.platforms.push(self.platform(block)),
                "assign" if well_formed(block, 2) => {
                    let a = Attrs::new(block);
                    model.assignments.push(Assignment {
                        workspace: label(block, 0),
                        dsg: label(block, 1),
                        platform: a.req_string("platform"),
                        status: a.word("status", AssignStatus::parse, AssignStatus::Provisioned),
                        doc: a.string("doc"),
                        span: block.span,
                    })
                }
                "primary_ingestion" if well_formed(block, 1) => {
                    let a = Attrs::new(block);
                    model.primary_ingestions.push(PrimaryIngestion {
                        store: label(block, 0),
                        platforms: a.names("platforms"),
                        doc: a.string("doc"),
                        span: block.span,
                    })
                }
                _ => {}
            }
        }
    }

    fn ecosystem(&mut self, block: &Block) -> Ecosystem {
        let a = Attrs::new(block);
        Ecosystem {
            name: label(block, 0),
            owning_repo: a.req_string("owning_repo"),
            live_repo: a.string("live_repo"),
            doc: a.string("doc"),
            tags: a.map("tags"),
            zones: children(&block.body, "zone")
                .filter(|b| well_formed(b, 1))
                .map(|b| {
                    let a = Attrs::new(b);
                    ZoneDecl {
                        name: label(b, 0),
                        repo: a.req_string("repo"),
                        doc: a.string("doc"),
                        span: b.span,
                    }
                })
                .collect(),
            span: block.span,
        }
    }

    fn vendor(&mut self, block: &Block) -> Vendor {
        let a = Attrs::new(block);
        Vendor {
            name: label(block, 0),
            cloud: a.word("cloud", Cloud::parse, Cloud::Private),
            doc: a.string("doc"),
            locations: locations(&block.body),
            span: block.span,
        }
    }

    fn zone(&mut self, block: &Block) -> GovernanceZone {
        let a = Attrs::new(block);
        GovernanceZone {
            name: label(block, 0),
            doc: a.string("doc"),
            tags: a.map("tags"),
            teams: children(&block.body, "team")
                .filter(|b| well_formed(b, 1))
                .map(|b| {
                    let a = Attrs::new(b);
                    TeamDecl {
                        name: label(b, 0),
                        repo: a.req_string("repo"),
                        doc: a.string("doc"),
                        span: b.span,
                    }
                })
                .collect(),
            policies: children(&block.body, "policy")
                .filter(|b| well_formed(b, 2))
                .filter_map(|b| {
                    let a = Attrs::new(b);
                    let kind_label = label(b, 0);
                    let Some(kind) = PolicyKind::parse(&kind_label.value) else {
                        self.diags.push(bad_word(
                            &kind_label,
                            "policy kind",
                            crate::schema::POLICY_KINDS,
                        ));
                        return None;
                    };
                    Some(Policy {
                        kind: Spanned::new(kind, kind_label.span),
                        name: label(b, 1),
                        allowed: a.names("allowed"),
                        not_allowed: a.names("not_allowed"),
                        doc: a.string("doc"),
                        span: b.span,
                    })
                })
                .collect(),
            storage_policies: children(&block.body, "storage_policy")
                .filter(|b| well_formed(b, 1))
                .map(|b| {
                    let a = Attrs::new(b);
                    StoragePolicy {
                        name: label(b, 0),
                        mandatory: a.word("mandatory", Mandatory::parse, Mandatory::Individual),
                        doc: a.string("doc"),
                        span: b.span,
                    }
                })
                .collect(),
            span: block.span,
        }
    }

    fn team(&mut self, block: &Block) -> Team {
        let a = Attrs::new(block);
        let mut team = Team {
            zone: label(block, 0),
            name: label(block, 1),
            doc: a.string("doc"),
            tags: a.map("tags"),
            containers: Vec::new(),
            datastores: Vec::new(),
            workspaces: Vec::new(),
            span: block.span,
        };
        for child in &block.body.blocks {
            match child.ident.value.as_str() {
                "container" if well_formed(child, 2) => {
                    if let Some(c) = self.container(child) {
                        team.containers.push(c)
                    }
                }
                "datastore" if well_formed(child, 1) => team.datastores.push(self.datastore(child)),
                "workspace" if well_formed(child, 1) => team.workspaces.push(self.workspace(child)),
                _ => {}
            }
        }
        team
    }

    fn container(&mut self, block: &Block) -> Option<Container> {
        let a = Attrs::new(block);
        let kind_label = label(block, 0);
        let Some(kind) = ContainerKind::parse(&kind_label.value) else {
            self.diags.push(bad_word(
                &kind_label,
                "container kind",
                crate::schema::CONTAINER_KINDS,
            ));
            return None;
        };
        let (required, optional) = crate::schema::container_attrs(kind.as_str());
        for attr in &block.body.attributes {
            let name = attr.key.value.as_str();
            let common = matches!(name, "doc" | "tags" | "locations");
            let known = crate::schema::CONTAINER.attr(name).is_some();
            if known && !common && !required.contains(&name) && !optional.contains(&name) {
                let allowed: Vec<&str> = required.iter().chain(optional).copied().collect();
                self.diags.push(
                    Diagnostic::new(
                        &DS004,
                        format!(
                            "`{name}` is not an attribute of a {} container",
                            kind.as_str()
                        ),
                    )
                    .at(attr.key.span)
                    .help(if allowed.is_empty() {
                        format!(
                            "a {} container takes only doc, tags and locations",
                            kind.as_str()
                        )
                    } else {
                        format!(
                            "a {} container takes: {}, locations",
                            kind.as_str(),
                            allowed.join(", ")
                        )
                    }),
                );
            }
        }
        for name in required {
            if a.get(name).is_none() {
                self.diags.push(
                    Diagnostic::new(
                        &DS005,
                        format!(
                            "{} container `{}` is missing `{name}`",
                            kind.as_str(),
                            label(block, 1).value
                        ),
                    )
                    .at(block.header_span())
                    .help(format!("add `{name} = ...`")),
                );
            }
        }
        let spec = match kind {
            ContainerKind::Database(_) => {
                let port = match a.get("port").map(|p| (&p.value.kind, p.value.span)) {
                    Some((ValueKind::Number(n), span)) => {
                        Spanned::new(n.parse::<u16>().unwrap_or(0), span)
                    }
                    _ => Spanned::new(0, block.header_span()),
                };
                ContainerSpec::Database {
                    host: a.req_string("host"),
                    port,
                    database: a.req_string("database"),
                }
            }
            ContainerKind::Snowflake => ContainerSpec::Snowflake {
                account: a.req_string("account"),
                database: a.req_string("database"),
                warehouse: a.string("warehouse"),
                schema: a.string("schema"),
                role: a.string("role"),
            },
            ContainerKind::ObjectStorage => ContainerSpec::ObjectStorage {
                bucket: a.req_string("bucket"),
                prefix: a.string("prefix"),
                endpoint: a.string("endpoint"),
            },
            ContainerKind::Kafka => ContainerSpec::Kafka {
                bootstrap_servers: a.names("bootstrap_servers"),
            },
            ContainerKind::AzureSql => ContainerSpec::AzureSql {
                server: a.req_string("server"),
                database: a.req_string("database"),
            },
            ContainerKind::PlatformManaged => ContainerSpec::PlatformManaged,
        };
        Some(Container {
            kind: Spanned::new(kind, kind_label.span),
            name: label(block, 1),
            spec,
            locations: a.names("locations"),
            doc: a.string("doc"),
            tags: a.map("tags"),
            span: block.span,
        })
    }

    fn datastore(&mut self, block: &Block) -> Datastore {
        let a = Attrs::new(block);
        Datastore {
            name: label(block, 0),
            doc: a.string("doc"),
            tags: a.map("tags"),
            production: a.bool("production", false),
            deprecated: a.string("deprecated"),
            capture: children(&block.body, "capture").next().map(|b| {
                let a = Attrs::new(b);
                Capture {
                    kind: a.word("kind", CaptureKind::parse, CaptureKind::Cdc),
                    container: a.req_string("container"),
                    credential: a.string("credential"),
                    consistency: a.word(
                        "consistency",
                        Consistency::parse,
                        Consistency::MultiDataset,
                    ),
                    trigger: a.req_string("trigger"),
                    watermark_column: a.string("watermark_column"),
                    tables: a.map("tables"),
                    topics: a.map("topics"),
                    doc: a.string("doc"),
                    span: b.span,
                }
            }),
            require_approval: a.bool("require_approval", false),
            approvals: children(&block.body, "approval")
                .map(|b| {
                    let a = Attrs::new(b);
                    Approval {
                        workspace: a.req_string("workspace"),
                        dsg: a.req_string("dsg"),
                        dataset: a.req_string("dataset"),
                        doc: a.string("doc"),
                        span: b.span,
                    }
                })
                .collect(),
            datasets: children(&block.body, "dataset")
                .filter(|b| well_formed(b, 1))
                .map(|b| self.dataset(b))
                .collect(),
            span: block.span,
        }
    }

    fn classification(&mut self, a: &Attrs) -> Option<Spanned<Vec<Spanned<Classification>>>> {
        let list = a.list("classification")?;
        let mut out = Vec::with_capacity(list.value.len());
        for entry in &list.value {
            match Classification::parse(&entry.value) {
                Ok(c) => out.push(Spanned::new(c, entry.span)),
                Err(e) => self.diags.push(
                    Diagnostic::new(&DS007, format!("invalid classification `{}`: {e}", entry.value))
                        .at(entry.span)
                        .help("classifications are PUB, IP, PC1, PC2, CPI, MNPI, CSI, PC3, optionally qualified as \"PC3:ssn\""),
                ),
            }
        }
        Some(Spanned::new(out, list.span))
    }

    fn dataset(&mut self, block: &Block) -> Dataset {
        let a = Attrs::new(block);
        Dataset {
            name: label(block, 0),
            doc: a.string("doc"),
            tags: a.map("tags"),
            classification: self.classification(&a),
            storage_policies: a.names("storage_policies"),
            deprecated: a.string("deprecated"),
            primary_key: a.list("primary_key"),
            partition_key: a.list("partition_key"),
            columns: children(&block.body, "column")
                .filter(|b| well_formed(b, 1))
                .map(|b| self.column(b))
                .collect(),
            span: block.span,
        }
    }

    fn column(&mut self, block: &Block) -> Column {
        let a = Attrs::new(block);
        let ty = match a.string("type") {
            Some(t) => {
                let parsed = self
                    .types
                    .entry(t.value.clone())
                    .or_insert_with(|| parse_type(&t.value).map_err(|e| e.to_string()))
                    .clone();
                match parsed {
                    Ok(dt) => Spanned::new(Some(dt), t.span),
                    Err(e) => {
                        self.diags.push(
                            Diagnostic::new(&DS012, format!("invalid column type `{}`: {e}", t.value))
                                .at(t.span)
                                .help("types are written as in MODEL.md, e.g. \"varchar(40)\", \"decimal(10,2)\", \"timestamp\", \"array(int(32))\""),
                        );
                        Spanned::new(None, t.span)
                    }
                }
            }
            None => Spanned::new(None, block.header_span()),
        };
        Column {
            name: label(block, 0),
            ty,
            key: a.bool("key", false),
            nullable: a.bool("nullable", true),
            classification: self.classification(&a),
            doc: a.string("doc"),
            tags: a.map("tags"),
            span: block.span,
        }
    }

    fn workspace(&mut self, block: &Block) -> Workspace {
        let a = Attrs::new(block);
        let classification_policy = a.get("classification_policy").and_then(|attr| {
            let ValueKind::Object(entries) = &attr.value.kind else {
                return None;
            };
            let list = |key: &str| -> Vec<Name> {
                entries
                    .iter()
                    .filter(|(k, _)| k.value == key)
                    .flat_map(|(_, v)| match &v.kind {
                        ValueKind::Array(items) => items.iter().filter_map(string_of).collect(),
                        _ => Vec::new(),
                    })
                    .collect()
            };
            Some(ClassificationPolicy {
                allowed: list("allowed"),
                not_allowed: list("not_allowed"),
                span: attr.value.span,
            })
        });
        Workspace {
            name: label(block, 0),
            doc: a.string("doc"),
            tags: a.map("tags"),
            container: a.req_string("container"),
            priority: a.word("priority", Priority::parse, Priority::Unknown),
            production: a.bool("production", false),
            classification_policy,
            dsgs: children(&block.body, "dsg")
                .filter(|b| well_formed(b, 1))
                .map(|b| self.dsg(b))
                .collect(),
            transformer: children(&block.body, "transformer")
                .find(|b| well_formed(b, 1))
                .map(|b| self.transformer(b)),
            span: block.span,
        }
    }

    fn dsg(&mut self, block: &Block) -> DatasetGroup {
        let a = Attrs::new(block);
        DatasetGroup {
            name: label(block, 0),
            doc: a.string("doc"),
            tags: a.map("tags"),
            platform: a.string("platform"),
            requirements: children(&block.body, "requirements").next().map(|b| {
                let a = Attrs::new(b);
                let retention =
                    a.string("retention")
                        .and_then(|r| match IsoDuration::parse(&r.value) {
                            Ok(d) => Some(Spanned::new(d, r.span)),
                            Err(e) => {
                                self.diags.push(
                                    Diagnostic::new(
                                        &DS007,
                                        format!("invalid retention `{}`: {e}", r.value),
                                    )
                                    .at(r.span)
                                    .help(
                                        "write an ISO-8601 duration such as \"P365D\" or \"PT12H\"",
                                    ),
                                );
                                None
                            }
                        });
                Requirements {
                    milestoning: a.word("milestoning", Milestoning::parse, Milestoning::LiveOnly),
                    latency: a.word("latency", Latency::parse, Latency::Minutes),
                    retention,
                    regulator: a.string("regulator"),
                    doc: a.string("doc"),
                    span: b.span,
                }
            }),
            sinks: children(&block.body, "sink")
                .filter(|b| well_formed(b, 2))
                .map(|b| {
                    let a = Attrs::new(b);
                    Sink {
                        store: label(b, 0),
                        dataset: label(b, 1),
                        deprecations: a.word(
                            "deprecations",
                            Deprecations::parse,
                            Deprecations::Never,
                        ),
                        doc: a.string("doc"),
                        span: b.span,
                    }
                })
                .collect(),
            span: block.span,
        }
    }

    fn transformer(&mut self, block: &Block) -> Transformer {
        let a = Attrs::new(block);
        let code = children(&block.body, "code").next().and_then(|b| {
            let a = Attrs::new(b);
            match (a.string("repo"), a.string("image")) {
                (Some(repo), None) => Some(CodeSource::Repo(repo)),
                (None, Some(image)) => Some(CodeSource::Image(image)),
                (Some(repo), Some(image)) => {
                    self.diags.push(
                        Diagnostic::new(&DS007, "a transformer's `code` sets both `repo` and `image`")
                            .at(image.span)
                            .label(repo.span, "repo set here")
                            .help("keep exactly one of them"),
                    );
                    Some(CodeSource::Repo(repo))
                }
                (None, None) => {
                    self.diags.push(
                        Diagnostic::new(&DS005, "a transformer's `code` needs `repo` or `image`")
                            .at(b.header_span())
                            .help("add `repo = \"github:OWNER/REPO@REF\"` or `image = \"registry/image:tag\"`"),
                    );
                    None
                }
            }
        });
        Transformer {
            name: label(block, 0),
            output: a.req_string("output"),
            code,
            trigger: a.string("trigger"),
            doc: a.string("doc"),
            tags: a.map("tags"),
            span: block.span,
        }
    }

    fn platform(&mut self, block: &Block) -> Platform {
        let a = Attrs::new(block);
        let target = a.word("target", Target::parse, Target::Legacy);
        let mut settings = Vec::new();
        for s in children(&block.body, "settings") {
            for attr in &s.body.attributes {
                let keys = crate::schema::settings_keys(target.value.as_str());
                match keys.iter().find(|k| k.name == attr.key.value) {
                    Some(def) => {
                        super::validate::check_value(&attr.value, def, self.diags);
                        if let Some(v) = setting_value(&attr.value) {
                            settings.push((attr.key.clone(), Spanned::new(v, attr.value.span)));
                        }
                    }
                    None => {
                        let mut d = Diagnostic::new(
                            &DS004,
                            format!(
                                "unknown settings key `{}` for target `{}`",
                                attr.key.value,
                                target.value.as_str()
                            ),
                        )
                        .at(attr.key.span);
                        d = match did_you_mean(&attr.key.value, keys.iter().map(|k| k.name)) {
                            Some(k) => d.help(format!("did you mean `{k}`?")),
                            None if keys.is_empty() => d.help(format!(
                                "target `{}` defines no settings keys in this dsgen version; see docs/model.md",
                                target.value.as_str()
                            )),
                            None => d.help(format!(
                                "keys of target `{}`: {}",
                                target.value.as_str(),
                                keys.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
                            )),
                        };
                        self.diags.push(d);
                    }
                }
            }
            for nested in &s.body.blocks {
                self.diags.push(
                    Diagnostic::new(
                        &DS003,
                        format!("unknown block `{}` in `settings`", nested.ident.value),
                    )
                    .at(nested.ident.span)
                    .help("settings hold `key = value` attributes only"),
                );
            }
        }
        Platform {
            name: label(block, 0),
            target,
            milestoning: a.word(
                "milestoning",
                PlatformMilestoning::parse,
                PlatformMilestoning::LiveOnly,
            ),
            locations: a.names("locations"),
            credential_store: a.string("credential_store"),
            doc: a.string("doc"),
            tags: a.map("tags"),
            settings,
            span: block.span,
        }
    }
}

fn setting_value(value: &Value) -> Option<SettingValue> {
    Some(match &value.kind {
        ValueKind::String(s) => SettingValue::String(s.clone()),
        ValueKind::Bool(b) => SettingValue::Bool(*b),
        ValueKind::Number(n) => SettingValue::Number(n.clone()),
        ValueKind::Array(items) => {
            SettingValue::List(items.iter().filter_map(setting_value).collect())
        }
        ValueKind::Object(entries) => SettingValue::Map(
            entries
                .iter()
                .filter_map(|(k, v)| Some((k.value.clone(), setting_value(v)?)))
                .collect(),
        ),
        ValueKind::Null | ValueKind::Expression(_) => return None,
    })
}

fn locations(body: &Body) -> Vec<Location> {
    children(body, "location")
        .filter(|b| well_formed(b, 1))
        .map(|b| Location {
            name: label(b, 0),
            doc: Attrs::new(b).string("doc"),
            locations: locations(&b.body),
            span: b.span,
        })
        .collect()
}

fn bad_word(word: &Name, what: &str, words: &[&str]) -> Diagnostic {
    let d = Diagnostic::new(&DS007, format!("`{}` is not a {what}", word.value)).at(word.span);
    match did_you_mean(&word.value, words.iter().copied()) {
        Some(w) => d.help(format!(
            "did you mean `{w}`? expected one of: {}",
            words.join(", ")
        )),
        None => d.help(format!("expected one of: {}", words.join(", "))),
    }
}

/// "X is defined twice", pointing at the second definition and labelling the first.
pub fn duplicate(what: &str, name: &Name, first: Span) -> Diagnostic {
    Diagnostic::new(
        &DS008,
        format!("{what} `{}` is defined more than once", name.value),
    )
    .at(name.span)
    .label(first, "first defined here")
    .help(format!(
        "each {what} may be defined in only one place; remove or rename one of them"
    ))
}
