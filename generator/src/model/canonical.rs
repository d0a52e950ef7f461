//! The canonical form of a model: a JSON value with every element and attribute but no spans,
//! file names or formatting, with elements sorted by identity. Two models are equal exactly
//! when their canonical forms are; the rendered tree's `model_digest` hashes it.

use super::*;
use serde_json::{json, Map, Value};

pub fn canonical(model: &Model) -> Value {
    canonical_with(model, &sorted_teams(model))
}

/// Teams in identity order.
fn sorted_teams(model: &Model) -> Vec<&Team> {
    let mut teams: Vec<&Team> = model.teams.iter().collect();
    teams.sort_by(|a, b| (&a.zone.value, &a.name.value).cmp(&(&b.zone.value, &b.name.value)));
    teams
}

fn team(t: &Team) -> Value {
    json!({
        "zone": t.zone.value,
        "name": t.name.value,
        "doc": opt(&t.doc),
        "tags": tags(&t.tags),
        "containers": sorted(t.containers.iter().map(|c| (c.name.value.clone(), container(c)))),
        "datastores": sorted(t.datastores.iter().map(|s| (s.name.value.clone(), datastore(s)))),
        "workspaces": sorted(t.workspaces.iter().map(|w| (w.name.value.clone(), workspace(w)))),
    })
}

/// Write exactly the bytes of [`canonical_text`] to `w`, one team at a time, so a large model's
/// canonical form is never held whole in memory (the render's `model_digest` streams it into a
/// hasher).
pub fn write_canonical(model: &Model, w: &mut impl std::io::Write) -> std::io::Result<()> {
    let teams = sorted_teams(model);
    let Value::Object(top) = canonical_with(model, &[]) else {
        unreachable!("the canonical form is an object")
    };
    w.write_all(b"{")?;
    for (i, (key, value)) in top.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        serde_json::to_writer(&mut *w, key)?;
        w.write_all(b":")?;
        if key == "teams" {
            // Teams are serialized in parallel, a bounded chunk at a time, and written in order.
            use rayon::prelude::*;
            w.write_all(b"[")?;
            for (c, chunk) in teams.chunks(256).enumerate() {
                let texts: Vec<Vec<u8>> = chunk
                    .par_iter()
                    .map(|t| serde_json::to_vec(&team(t)).unwrap_or_default())
                    .collect();
                for (j, text) in texts.iter().enumerate() {
                    if c > 0 || j > 0 {
                        w.write_all(b",")?;
                    }
                    w.write_all(text)?;
                }
            }
            w.write_all(b"]")?;
        } else {
            serde_json::to_writer(&mut *w, value)?;
        }
    }
    w.write_all(b"}")
}

fn canonical_with(model: &Model, teams: &[&Team]) -> Value {
    json!({
        "ecosystem": model.ecosystem.as_ref().map(|e| json!({
            "name": e.name.value,
            "owning_repo": e.owning_repo.value,
            "live_repo": opt(&e.live_repo),
            "doc": opt(&e.doc),
            "tags": tags(&e.tags),
            "zones": sorted(e.zones.iter().map(|z| (z.name.value.clone(), json!({
                "repo": z.repo.value, "doc": opt(&z.doc),
            })))),
        })),
        "vendors": sorted(model.vendors.iter().map(|v| (v.name.value.clone(), json!({
            "cloud": v.cloud.value.as_str(),
            "doc": opt(&v.doc),
            "locations": locations(&v.locations),
        })))),
        "zones": sorted(model.zones.iter().map(|z| (z.name.value.clone(), json!({
            "doc": opt(&z.doc),
            "tags": tags(&z.tags),
            "teams": sorted(z.teams.iter().map(|t| (t.name.value.clone(), json!({
                "repo": t.repo.value, "doc": opt(&t.doc),
            })))),
            "policies": sorted(z.policies.iter().map(|p| (p.name.value.clone(), json!({
                "kind": p.kind.value.as_str(),
                "allowed": names(&p.allowed),
                "not_allowed": names(&p.not_allowed),
                "doc": opt(&p.doc),
            })))),
            "storage_policies": sorted(z.storage_policies.iter().map(|p| (p.name.value.clone(), json!({
                "mandatory": p.mandatory.value.as_str(), "doc": opt(&p.doc),
            })))),
        })))),
        "teams": teams.iter().map(|t| team(t)).collect::<Vec<_>>(),
        "containers": sorted(model.containers.iter().map(|c| (c.name.value.clone(), container(c)))),
        "credential_stores": sorted(model.credential_stores.iter().map(|c| (c.name.value.clone(), json!({
            "kind": c.kind.value.as_str(), "doc": opt(&c.doc),
        })))),
        "platforms": sorted(model.platforms.iter().map(|p| (p.name.value.clone(), json!({
            "target": p.target.value.as_str(),
            "milestoning": p.milestoning.value.as_str(),
            "locations": names(&p.locations),
            "credential_store": opt(&p.credential_store),
            "doc": opt(&p.doc),
            "tags": tags(&p.tags),
            "settings": p.settings.iter().map(|(k, v)| (k.value.clone(), setting(&v.value))).collect::<Map<_, _>>(),
        })))),
        "assignments": sorted(model.assignments.iter().map(|a| (
            format!("{}\u{1f}{}\u{1f}{}", a.workspace.value, a.dsg.value, a.platform.value),
            json!({
                "workspace": a.workspace.value, "dsg": a.dsg.value, "platform": a.platform.value,
                "status": a.status.value.as_str(), "doc": opt(&a.doc),
            }),
        ))),
        "primary_ingestions": sorted(model.primary_ingestions.iter().map(|p| (p.store.value.clone(), json!({
            "platforms": names(&p.platforms), "doc": opt(&p.doc),
        })))),
    })
}

/// Objects keyed by identity: sorted, so declaration order and file layout do not matter.
fn sorted(items: impl Iterator<Item = (String, Value)>) -> Value {
    let mut items: Vec<(String, Value)> = items.collect();
    items.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Object(items.into_iter().collect())
}

fn opt(v: &Option<Name>) -> Value {
    v.as_ref().map_or(Value::Null, |n| json!(n.value))
}

/// Ordered lists (keys, locations) keep their order: it is meaningful.
fn names(list: &[Name]) -> Value {
    Value::Array(list.iter().map(|n| json!(n.value)).collect())
}

fn tags(list: &[(Name, Name)]) -> Value {
    sorted(list.iter().map(|(k, v)| (k.value.clone(), json!(v.value))))
}

fn locations(list: &[Location]) -> Value {
    sorted(list.iter().map(|l| {
        (
            l.name.value.clone(),
            json!({ "doc": opt(&l.doc), "locations": locations(&l.locations) }),
        )
    }))
}

fn setting(v: &SettingValue) -> Value {
    match v {
        SettingValue::String(s) => json!(s),
        SettingValue::Bool(b) => json!(b),
        SettingValue::Number(n) => json!(n),
        SettingValue::List(items) => Value::Array(items.iter().map(setting).collect()),
        SettingValue::Map(entries) => sorted(entries.iter().map(|(k, v)| (k.clone(), setting(v)))),
    }
}

fn classification(c: &Option<Spanned<Vec<Spanned<values::Classification>>>>) -> Value {
    c.as_ref().map_or(Value::Null, |list| {
        Value::Array(
            list.value
                .iter()
                .map(|c| json!(c.value.to_string()))
                .collect(),
        )
    })
}

fn container(c: &Container) -> Value {
    let spec = match &c.spec {
        ContainerSpec::Database {
            host,
            port,
            database,
        } => json!({ "host": host.value, "port": port.value, "database": database.value }),
        ContainerSpec::Snowflake {
            account,
            database,
            warehouse,
            schema,
            role,
        } => json!({
            "account": account.value, "database": database.value, "warehouse": opt(warehouse),
            "schema": opt(schema), "role": opt(role),
        }),
        ContainerSpec::ObjectStorage {
            bucket,
            prefix,
            endpoint,
        } => json!({ "bucket": bucket.value, "prefix": opt(prefix), "endpoint": opt(endpoint) }),
        ContainerSpec::Kafka { bootstrap_servers } => {
            json!({ "bootstrap_servers": names(bootstrap_servers) })
        }
        ContainerSpec::AzureSql { server, database } => {
            json!({ "server": server.value, "database": database.value })
        }
        ContainerSpec::PlatformManaged => json!({}),
    };
    json!({
        "kind": c.kind.value.as_str(),
        "spec": spec,
        "locations": names(&c.locations),
        "doc": opt(&c.doc),
        "tags": tags(&c.tags),
    })
}

fn datastore(s: &Datastore) -> Value {
    json!({
        "doc": opt(&s.doc),
        "tags": tags(&s.tags),
        "production": s.production.value,
        "deprecated": opt(&s.deprecated),
        "require_approval": s.require_approval.value,
        "capture": s.capture.as_ref().map(|c| json!({
            "kind": c.kind.value.as_str(),
            "container": c.container.value,
            "credential": opt(&c.credential),
            "consistency": c.consistency.value.as_str(),
            "trigger": c.trigger.value,
            "watermark_column": opt(&c.watermark_column),
            "tables": tags(&c.tables),
            "topics": tags(&c.topics),
            "doc": opt(&c.doc),
        })),
        "approvals": sorted(s.approvals.iter().map(|a| (
            format!("{}\u{1f}{}\u{1f}{}", a.workspace.value, a.dsg.value, a.dataset.value),
            json!({ "workspace": a.workspace.value, "dsg": a.dsg.value, "dataset": a.dataset.value, "doc": opt(&a.doc) }),
        ))),
        "datasets": sorted(s.datasets.iter().map(|d| (d.name.value.clone(), json!({
            "doc": opt(&d.doc),
            "tags": tags(&d.tags),
            "classification": classification(&d.classification),
            "storage_policies": names(&d.storage_policies),
            "deprecated": opt(&d.deprecated),
            "primary_key": d.primary_key.as_ref().map(|k| names(&k.value)),
            "partition_key": d.partition_key.as_ref().map(|k| names(&k.value)),
            // Column order is schema order: it stays a list.
            "columns": d.columns.iter().map(|c| json!({
                "name": c.name.value,
                "type": c.ty.value.as_ref().map(|t| t.to_string()),
                "key": c.key.value,
                "nullable": c.nullable.value,
                "classification": classification(&c.classification),
                "doc": opt(&c.doc),
                "tags": tags(&c.tags),
            })).collect::<Vec<_>>(),
        })))),
    })
}

fn workspace(w: &Workspace) -> Value {
    json!({
        "doc": opt(&w.doc),
        "tags": tags(&w.tags),
        "container": w.container.value,
        "priority": w.priority.value.as_str(),
        "production": w.production.value,
        "classification_policy": w.classification_policy.as_ref().map(|p| json!({
            "allowed": names(&p.allowed), "not_allowed": names(&p.not_allowed),
        })),
        "dsgs": sorted(w.dsgs.iter().map(|g| (g.name.value.clone(), json!({
            "doc": opt(&g.doc),
            "tags": tags(&g.tags),
            "platform": opt(&g.platform),
            "requirements": g.requirements.as_ref().map(|r| json!({
                "milestoning": r.milestoning.value.as_str(),
                "latency": r.latency.value.as_str(),
                "retention": r.retention.as_ref().map(|d| d.value.to_string()),
                "regulator": opt(&r.regulator),
                "doc": opt(&r.doc),
            })),
            "sinks": sorted(g.sinks.iter().map(|s| (
                format!("{}\u{1f}{}", s.store.value, s.dataset.value),
                json!({ "store": s.store.value, "dataset": s.dataset.value,
                        "deprecations": s.deprecations.value.as_str(), "doc": opt(&s.doc) }),
            ))),
        })))),
        "transformer": w.transformer.as_ref().map(|t| json!({
            "name": t.name.value,
            "output": t.output.value,
            "code": match &t.code {
                Some(CodeSource::Repo(r)) => json!({ "repo": r.value }),
                Some(CodeSource::Image(i)) => json!({ "image": i.value }),
                None => Value::Null,
            },
            "trigger": opt(&t.trigger),
            "doc": opt(&t.doc),
            "tags": tags(&t.tags),
        })),
    })
}

/// The canonical form as compact JSON text: what `model_digest` hashes and tests compare.
pub fn canonical_text(model: &Model) -> String {
    canonical(model).to_string()
}
