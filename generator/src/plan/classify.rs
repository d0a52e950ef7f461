//! How much a change to a deployed object matters, as data: one [`KindRules`] row per resource
//! kind says what adding, removing, renaming and changing an object of that kind does, which
//! spec keys are its identity (changing one is like removing it) and which keys recognise the
//! same object under a new name. docs/plan.md prints this table; a test keeps the two equal.
//!
//! A target that adds a kind adds one row here (the `match` in [`rules`] is exhaustive, so a
//! new kind does not compile without one).

use crate::target::resource::ResourceKind;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// How much attention a change needs, least first (so the maximum is the plan's verdict).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Nothing running is disturbed and no data is lost.
    Safe,
    /// Something restarts, stops or loses access; no data is lost.
    NeedsAttention,
    /// Data or replication state is lost: a dropped table, a connector's offsets and slot.
    Destructive,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Safe => "safe",
            Class::NeedsAttention => "needs_attention",
            Class::Destructive => "destructive",
        }
    }

    /// The words used in human and Markdown output.
    pub fn label(self) -> &'static str {
        match self {
            Class::Safe => "safe",
            Class::NeedsAttention => "needs attention",
            Class::Destructive => "destructive",
        }
    }
}

/// One classification: the class and the reason shown to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub class: Class,
    pub reason: &'static str,
}

const fn o(class: Class, reason: &'static str) -> Outcome {
    Outcome { class, reason }
}

/// What a spec's `columns` array means for a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    /// The kind has no column list (any spec change takes `changed`).
    Ignored,
    /// Stored data: a dropped or narrowed column loses data (a table).
    Data,
    /// A projection: a dropped or narrowed column breaks readers but loses nothing (a view).
    Projection,
}

/// Everything the plan knows about one kind of deployed object.
#[derive(Debug)]
pub struct KindRules {
    pub kind: ResourceKind,
    pub added: Outcome,
    pub removed: Outcome,
    /// Removed under one name and added under another (see [`KindRules::rename_keys`]).
    pub renamed: Outcome,
    /// Any change of the spec not covered below.
    pub changed: Outcome,
    /// Spec keys that make the object another object: changing one takes `identity_changed`.
    pub identity_keys: &'static [&'static str],
    pub identity_changed: Outcome,
    /// Spec keys whose values, taken together, recognise one object under two names: a removed
    /// and an added resource of this kind with equal values (at least two of them present) are
    /// a rename. Resources from the same model element are paired regardless.
    pub rename_keys: &'static [&'static str],
    pub columns: Columns,
}

use Class::{Destructive, NeedsAttention, Safe};

const ADDED: Outcome = o(Safe, "new object");

static CONNECT_CLUSTER: KindRules = KindRules {
    kind: ResourceKind::ConnectCluster,
    added: ADDED,
    removed: o(
        Destructive,
        "the Connect cluster goes: every connector on it stops and its offsets topic is orphaned",
    ),
    renamed: o(
        Destructive,
        "renamed: a new cluster with new internal topics; every connector's offsets are lost",
    ),
    changed: o(NeedsAttention, "rolling restart of the Connect workers"),
    identity_keys: &[],
    identity_changed: o(NeedsAttention, "rolling restart of the Connect workers"),
    rename_keys: &[],
    columns: Columns::Ignored,
};

static SOURCE_CONNECTOR: KindRules = KindRules {
    kind: ResourceKind::SourceConnector,
    added: o(
        Safe,
        "new connector: it snapshots its tables, then streams changes",
    ),
    removed: o(
        Destructive,
        "connector removed: its offsets and its replication slot or publication are lost; \
         adding it back snapshots again",
    ),
    renamed: o(
        Destructive,
        "renamed: offsets lost; the new connector snapshots again (and a new slot is created)",
    ),
    changed: o(NeedsAttention, "config change: the connector restarts"),
    identity_keys: &[
        "connector.class",
        "slot.name",
        "publication.name",
        "topic.prefix",
        "database.server.id",
        "database.dbname",
        "database.names",
    ],
    identity_changed: o(
        Destructive,
        "identity change: the stored offsets no longer apply (new slot, topics or database); \
         the connector snapshots again",
    ),
    rename_keys: &[
        "connector.class",
        "database.hostname",
        "database.port",
        "database.dbname",
        "database.names",
        "table.include.list",
        "collection.include.list",
    ],
    columns: Columns::Ignored,
};

static SINK_CONNECTOR: KindRules = KindRules {
    kind: ResourceKind::SinkConnector,
    added: ADDED,
    removed: o(
        NeedsAttention,
        "sink removed: its destination stops receiving changes",
    ),
    renamed: o(
        NeedsAttention,
        "renamed: a new consumer group reads its topics again from the start",
    ),
    changed: o(NeedsAttention, "config change: the connector restarts"),
    identity_keys: &[],
    identity_changed: o(NeedsAttention, "config change: the connector restarts"),
    rename_keys: &["connector.class", "topics", "collection.name.format"],
    columns: Columns::Ignored,
};

static ACCESS_CONTROL: KindRules = KindRules {
    kind: ResourceKind::AccessControl,
    added: ADDED,
    removed: o(
        NeedsAttention,
        "access removed: readers of the secrets lose them",
    ),
    renamed: o(
        NeedsAttention,
        "renamed: access is re-granted under a new name",
    ),
    changed: o(NeedsAttention, "access changes"),
    identity_keys: &[],
    identity_changed: o(NeedsAttention, "access changes"),
    rename_keys: &[],
    columns: Columns::Ignored,
};

static NETWORK_POLICY: KindRules = KindRules {
    kind: ResourceKind::NetworkPolicy,
    added: ADDED,
    removed: o(
        NeedsAttention,
        "network policy removed: traffic rules change",
    ),
    renamed: o(NeedsAttention, "renamed: network policy replaced"),
    changed: o(NeedsAttention, "network access changes"),
    identity_keys: &[],
    identity_changed: o(NeedsAttention, "network access changes"),
    rename_keys: &[],
    columns: Columns::Ignored,
};

static HELM_RELEASE: KindRules = KindRules {
    kind: ResourceKind::HelmRelease,
    added: ADDED,
    removed: o(
        NeedsAttention,
        "release values removed: the operator is no longer managed",
    ),
    renamed: o(NeedsAttention, "renamed: a new release of the chart"),
    changed: o(NeedsAttention, "values change: the operator is redeployed"),
    identity_keys: &[],
    identity_changed: o(NeedsAttention, "values change: the operator is redeployed"),
    rename_keys: &[],
    columns: Columns::Ignored,
};

static TABLE: KindRules = KindRules {
    kind: ResourceKind::Table,
    added: o(Safe, "new table"),
    removed: o(Destructive, "table dropped: its data is lost"),
    renamed: o(
        Destructive,
        "renamed: a new empty table is created and the old one (with its data) dropped",
    ),
    changed: o(NeedsAttention, "table definition changes"),
    identity_keys: &[],
    identity_changed: o(NeedsAttention, "table definition changes"),
    rename_keys: &[],
    columns: Columns::Data,
};

static VIEW: KindRules = KindRules {
    kind: ResourceKind::View,
    added: o(Safe, "new view"),
    removed: o(NeedsAttention, "view dropped: its readers lose it"),
    renamed: o(NeedsAttention, "renamed: readers must use the new name"),
    changed: o(NeedsAttention, "view definition changes"),
    identity_keys: &[],
    identity_changed: o(NeedsAttention, "view definition changes"),
    rename_keys: &[],
    columns: Columns::Projection,
};

static SCHEDULED_JOB: KindRules = KindRules {
    kind: ResourceKind::ScheduledJob,
    added: o(Safe, "new scheduled job"),
    removed: o(NeedsAttention, "scheduled job removed: it stops running"),
    renamed: o(NeedsAttention, "renamed: the job is replaced"),
    changed: o(NeedsAttention, "schedule or job definition changes"),
    identity_keys: &[],
    identity_changed: o(NeedsAttention, "schedule or job definition changes"),
    rename_keys: &[],
    columns: Columns::Ignored,
};

/// The rules of a kind.
pub fn rules(kind: ResourceKind) -> &'static KindRules {
    match kind {
        ResourceKind::ConnectCluster => &CONNECT_CLUSTER,
        ResourceKind::SourceConnector => &SOURCE_CONNECTOR,
        ResourceKind::SinkConnector => &SINK_CONNECTOR,
        ResourceKind::AccessControl => &ACCESS_CONTROL,
        ResourceKind::NetworkPolicy => &NETWORK_POLICY,
        ResourceKind::HelmRelease => &HELM_RELEASE,
        ResourceKind::Table => &TABLE,
        ResourceKind::View => &VIEW,
        ResourceKind::ScheduledJob => &SCHEDULED_JOB,
    }
}

/// Every row, in kind order (for docs and tests).
pub fn all() -> Vec<&'static KindRules> {
    [
        ResourceKind::ConnectCluster,
        ResourceKind::SourceConnector,
        ResourceKind::SinkConnector,
        ResourceKind::AccessControl,
        ResourceKind::NetworkPolicy,
        ResourceKind::HelmRelease,
        ResourceKind::Table,
        ResourceKind::View,
        ResourceKind::ScheduledJob,
    ]
    .into_iter()
    .map(rules)
    .collect()
}

/// The table of every row as docs/plan.md shows it (a test keeps the two equal).
pub fn markdown_table() -> String {
    let cell = |o: Outcome| format!("**{}**: {}", o.class.label(), o.reason);
    let keys = |k: &[&str]| {
        if k.is_empty() {
            "—".to_string()
        } else {
            k.iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let mut out = String::from(
        "| kind | added | removed | renamed | changed | identity keys | rename keys | columns |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for r in all() {
        let identity = if r.identity_keys.is_empty() {
            "—".to_string()
        } else {
            format!("{} → {}", keys(r.identity_keys), cell(r.identity_changed))
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} | {} |\n",
            r.kind.as_str(),
            cell(r.added),
            cell(r.removed),
            cell(r.renamed),
            cell(r.changed),
            identity,
            keys(r.rename_keys),
            match r.columns {
                Columns::Ignored => "—",
                Columns::Data => "data",
                Columns::Projection => "projection",
            }
        ));
    }
    out
}

/// The classification of a changed spec: the class, one reason per finding (most severe
/// first) and the paths of every changed value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    pub class: Class,
    pub reasons: Vec<String>,
    pub changed_keys: Vec<String>,
}

/// Classify a change of `kind` from `old` to `new` (specs that differ).
pub fn changed(kind: ResourceKind, old: &Value, new: &Value) -> Judged {
    let r = rules(kind);
    let mut keys = Vec::new();
    changed_paths(old, new, "", &mut keys);
    let mut findings: Vec<(Class, String)> = Vec::new();
    let top = |k: &String| k.split('/').next().unwrap_or("").to_string();
    let identity: Vec<String> = keys
        .iter()
        .map(top)
        .filter(|k| r.identity_keys.contains(&k.as_str()))
        .collect();
    if !identity.is_empty() {
        let mut identity = identity;
        identity.dedup();
        findings.push((
            r.identity_changed.class,
            format!("{} ({})", r.identity_changed.reason, quoted(&identity)),
        ));
    }
    let columns_changed = keys.iter().any(|k| top(k) == "columns");
    let column_findings = match r.columns {
        Columns::Ignored => None,
        Columns::Data | Columns::Projection => column_changes(r.columns, old, new),
    };
    let rest: Vec<String> = keys
        .iter()
        .filter(|k| !r.identity_keys.contains(&top(k).as_str()))
        .filter(|k| !(column_findings.is_some() && top(k) == "columns"))
        .cloned()
        .collect();
    if let Some(cols) = column_findings.filter(|_| columns_changed) {
        findings.extend(cols);
    }
    if !rest.is_empty() {
        findings.push((
            r.changed.class,
            format!("{} ({})", r.changed.reason, listed(&rest)),
        ));
    }
    // Most severe first; the order within a class is the order found.
    findings.sort_by_key(|f| std::cmp::Reverse(f.0));
    let class = findings.first().map_or(Safe, |f| f.0);
    Judged {
        class,
        reasons: findings.into_iter().map(|f| f.1).collect(),
        changed_keys: keys,
    }
}

/// Paths shown in a reason before "and N more".
const LISTED: usize = 6;

fn listed(keys: &[String]) -> String {
    let mut text = quoted(&keys[..keys.len().min(LISTED)]);
    if keys.len() > LISTED {
        text.push_str(&format!(" and {} more", keys.len() - LISTED));
    }
    text
}

fn quoted(keys: &[String]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The path of a spec that differs as a whole (not an object, or arrays of other lengths).
pub const WHOLE: &str = "(spec)";

/// Paths (object keys and array indexes joined by `/`) of every value that differs between two
/// specs, in key order. Objects are compared key by key, arrays of one length item by item;
/// anything else as a whole.
pub fn changed_paths(old: &Value, new: &Value, prefix: &str, out: &mut Vec<String>) {
    let join = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}/{k}")
        }
    };
    match (old, new) {
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                changed_paths(x, y, &join(&i.to_string()), out);
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let path = join(k);
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => changed_paths(x, y, &path, out),
                    _ => out.push(path),
                }
            }
        }
        _ if old == new => {}
        _ if prefix.is_empty() => out.push(WHOLE.to_string()),
        _ => out.push(prefix.to_string()),
    }
}

/// One column of a spec's `columns` array: `{"name", "type", "nullable"}` (`nullable`
/// defaults to true).
struct Column<'a> {
    ty: Option<&'a str>,
    nullable: bool,
}

fn columns(spec: &Value) -> Option<BTreeMap<&str, Column<'_>>> {
    let list = spec.get("columns")?.as_array()?;
    let mut out = BTreeMap::new();
    for c in list {
        let name = c.get("name")?.as_str()?;
        out.insert(
            name,
            Column {
                ty: c.get("type").and_then(Value::as_str),
                nullable: c.get("nullable").and_then(Value::as_bool).unwrap_or(true),
            },
        );
    }
    Some(out)
}

/// Findings for the `columns` arrays of two specs, or `None` when either spec has none (or
/// one that is not a list of named columns): the change is then judged as any other key.
fn column_changes(how: Columns, old: &Value, new: &Value) -> Option<Vec<(Class, String)>> {
    let (a, b) = (columns(old)?, columns(new)?);
    let loses = if how == Columns::Data {
        Destructive
    } else {
        NeedsAttention
    };
    let mut out = Vec::new();
    for (name, c) in &a {
        let Some(n) = b.get(name) else {
            out.push((
                loses,
                if how == Columns::Data {
                    format!("column `{name}` dropped: its data is lost")
                } else {
                    format!("column `{name}` removed: readers selecting it break")
                },
            ));
            continue;
        };
        if let (Some(t0), Some(t1)) = (c.ty, n.ty) {
            if t0 != t1 {
                out.push(type_change(name, t0, t1, loses));
            }
        }
        match (c.nullable, n.nullable) {
            (true, false) => out.push((
                NeedsAttention,
                format!("column `{name}` becomes NOT NULL: existing NULLs fail"),
            )),
            (false, true) => out.push((Safe, format!("column `{name}` becomes nullable"))),
            _ => {}
        }
    }
    for (name, n) in &b {
        if a.contains_key(name) {
            continue;
        }
        out.push(if n.nullable {
            (Safe, format!("nullable column `{name}` added"))
        } else {
            (
                NeedsAttention,
                format!("NOT NULL column `{name}` added: existing rows need a value"),
            )
        });
    }
    if out.is_empty() {
        out.push((Safe, "columns reordered".to_string()));
    }
    Some(out)
}

fn type_change(name: &str, old: &str, new: &str, loses: Class) -> (Class, String) {
    use crate::model::datatype::{is_widening, parse_type};
    match (parse_type(old), parse_type(new)) {
        (Ok(a), Ok(b)) if is_widening(&a, &b) => (
            Safe,
            format!("column `{name}` widened from `{old}` to `{new}`: every value is kept"),
        ),
        (Ok(_), Ok(_)) => (
            loses,
            format!(
                "column `{name}` changes from `{old}` to `{new}`, not a widening: values are \
                 rewritten or lost"
            ),
        ),
        _ => (
            NeedsAttention,
            format!(
                "column `{name}` changes from `{old}` to `{new}` (dsgen cannot tell whether \
                 that widens)"
            ),
        ),
    }
}

/// The values of a kind's rename keys in a spec, when at least two are present: resources of
/// one kind with equal fingerprints are the same object under two names.
pub fn fingerprint(kind: ResourceKind, spec: &Value) -> Option<String> {
    let keys = rules(kind).rename_keys;
    let present: Vec<(&str, &Value)> = keys
        .iter()
        .filter_map(|k| spec.get(*k).map(|v| (*k, v)))
        .collect();
    if present.len() < 2 {
        return None;
    }
    serde_json::to_string(&present).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_plain_connector_change_restarts_it() {
        let j = changed(
            ResourceKind::SourceConnector,
            &json!({"connector.class": "P", "table.include.list": "a", "tasks.max": "1"}),
            &json!({"connector.class": "P", "table.include.list": "a,b", "tasks.max": "1"}),
        );
        assert_eq!(j.class, NeedsAttention);
        assert_eq!(j.changed_keys, ["table.include.list"]);
        assert_eq!(
            j.reasons,
            ["config change: the connector restarts (`table.include.list`)"]
        );
    }

    #[test]
    fn an_identity_key_change_of_a_source_connector_is_destructive() {
        for key in SOURCE_CONNECTOR.identity_keys {
            let j = changed(
                ResourceKind::SourceConnector,
                &json!({ *key: "old", "snapshot.mode": "initial" }),
                &json!({ *key: "new", "snapshot.mode": "never" }),
            );
            assert_eq!(j.class, Destructive, "{key}");
            assert!(j.reasons[0].contains(key), "{:?}", j.reasons);
            assert!(j.reasons[1].contains("snapshot.mode"), "{:?}", j.reasons);
        }
        // The same key on a sink is an ordinary restart.
        let j = changed(
            ResourceKind::SinkConnector,
            &json!({"topic.prefix": "a"}),
            &json!({"topic.prefix": "b"}),
        );
        assert_eq!(j.class, NeedsAttention);
    }

    #[test]
    fn nested_changes_are_reported_by_path() {
        let mut keys = Vec::new();
        changed_paths(
            &json!({"spec": {"replicas": 1, "image": "x"}, "a": [1]}),
            &json!({"spec": {"replicas": 2, "image": "x", "new": true}, "a": [1, 2]}),
            "",
            &mut keys,
        );
        assert_eq!(keys, ["a", "spec/new", "spec/replicas"]);
        let mut keys = Vec::new();
        changed_paths(
            &json!([{"rules": [{"names": ["a", "b"]}]}, {"x": 1}]),
            &json!([{"rules": [{"names": ["a"]}]}, {"x": 1}]),
            "",
            &mut keys,
        );
        assert_eq!(keys, ["0/rules/0/names"]);
        let mut keys = Vec::new();
        changed_paths(&json!([1]), &json!([1, 2]), "", &mut keys);
        assert_eq!(keys, [WHOLE]);
    }

    fn table(cols: Value) -> Value {
        json!({"columns": cols, "primary_key": ["id"]})
    }

    #[test]
    fn table_columns_are_judged_one_by_one() {
        let id = json!({"name": "id", "type": "int(32)", "nullable": false});
        let base = table(json!([id, {"name": "note", "type": "string(10)"}]));
        let case = |cols: Value| changed(ResourceKind::Table, &base, &table(cols));

        let widened = case(json!([
            {"name": "id", "type": "bigint", "nullable": false},
            {"name": "note", "type": "string(20)"}
        ]));
        assert_eq!(widened.class, Safe, "{:?}", widened.reasons);
        assert_eq!(widened.reasons.len(), 2);

        let nullable_added = case(json!([id, {"name": "note", "type": "string(10)"},
            {"name": "extra", "type": "date"}]));
        assert_eq!(nullable_added.class, Safe);
        assert_eq!(nullable_added.reasons, ["nullable column `extra` added"]);

        let required_added = case(json!([id, {"name": "note", "type": "string(10)"},
            {"name": "extra", "type": "date", "nullable": false}]));
        assert_eq!(required_added.class, NeedsAttention);

        let dropped = case(json!([id]));
        assert_eq!(dropped.class, Destructive);
        assert_eq!(dropped.reasons, ["column `note` dropped: its data is lost"]);

        let narrowed = case(json!([id, {"name": "note", "type": "string(5)"}]));
        assert_eq!(narrowed.class, Destructive);

        let unknown = case(json!([id, {"name": "note", "type": "VARCHAR2(20 CHAR)"}]));
        assert_eq!(unknown.class, NeedsAttention);

        let not_null = case(json!([id, {"name": "note", "type": "string(10)", "nullable": false}]));
        assert_eq!(not_null.class, NeedsAttention);

        // The same drop in a view breaks readers but loses nothing.
        let view = changed(ResourceKind::View, &base, &table(json!([id])));
        assert_eq!(view.class, NeedsAttention);
        assert_eq!(
            view.reasons,
            ["column `note` removed: readers selecting it break"]
        );

        // Another key alongside the columns is listed too.
        let mut other = table(json!([id, {"name": "note", "type": "string(10)"}]));
        other["primary_key"] = json!(["id", "note"]);
        let j = changed(ResourceKind::Table, &base, &other);
        assert_eq!(j.class, NeedsAttention);
        assert_eq!(j.reasons, ["table definition changes (`primary_key`)"]);
    }

    #[test]
    fn a_table_spec_without_columns_is_judged_as_a_whole() {
        let j = changed(
            ResourceKind::Table,
            &json!({"ddl": "create table a (x int)"}),
            &json!({"ddl": "create table a (x bigint)"}),
        );
        assert_eq!(j.class, NeedsAttention);
        assert_eq!(j.reasons, ["table definition changes (`ddl`)"]);
    }

    #[test]
    fn docs_show_the_table_as_it_is() {
        let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/plan.md"))
            .expect("docs/plan.md");
        let table = markdown_table();
        assert!(
            docs.contains(&table),
            "docs/plan.md lacks the current classification table; paste:\n{table}"
        );
    }

    #[test]
    fn fingerprints_need_two_keys() {
        let k = ResourceKind::SourceConnector;
        assert!(fingerprint(k, &json!({"connector.class": "P"})).is_none());
        let a = fingerprint(
            k,
            &json!({"connector.class": "P", "database.hostname": "h", "slot.name": "a"}),
        );
        let b = fingerprint(
            k,
            &json!({"connector.class": "P", "database.hostname": "h", "slot.name": "b"}),
        );
        assert!(a.is_some());
        assert_eq!(a, b);
        assert!(fingerprint(ResourceKind::Table, &json!({"a": 1, "b": 2})).is_none());
    }
}
