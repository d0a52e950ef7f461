//! Uniqueness by element identity across the whole merged model (DS008). The first definition,
//! in path order, is kept; every later one is reported against it and dropped, so later stages
//! see one element per name.

use super::decode::duplicate;
use crate::diag::Diagnostic;
use crate::model::*;
use crate::source::Span;
use std::collections::HashMap;
use std::hash::Hash;

struct Seen<K> {
    what: &'static str,
    first: HashMap<K, Span>,
}

impl<K: Hash + Eq> Seen<K> {
    fn new(what: &'static str) -> Seen<K> {
        Seen {
            what,
            first: HashMap::new(),
        }
    }

    /// Keep `items` whose key is new; report the others.
    fn retain<T>(
        &mut self,
        items: &mut Vec<T>,
        key: impl Fn(&T) -> K,
        name: impl Fn(&T) -> &Name,
        diags: &mut Vec<Diagnostic>,
    ) {
        items.retain(|item| {
            let n = name(item);
            match self.first.get(&key(item)) {
                Some(first) => {
                    diags.push(duplicate(self.what, n, *first));
                    false
                }
                None => {
                    self.first.insert(key(item), n.span);
                    true
                }
            }
        });
    }
}

/// Retain-first within one small list.
fn local<T, K: Hash + Eq>(
    what: &'static str,
    items: &mut Vec<T>,
    key: impl Fn(&T) -> K,
    name: impl Fn(&T) -> &Name,
    diags: &mut Vec<Diagnostic>,
) {
    if items.len() > 1 {
        Seen::new(what).retain(items, key, name, diags);
    }
}

pub fn enforce(model: &mut Model, diags: &mut Vec<Diagnostic>) {
    let m = model;
    Seen::new("vendor").retain(&mut m.vendors, |v| v.name.value.clone(), |v| &v.name, diags);
    for v in &mut m.vendors {
        locations(&mut v.locations, diags);
    }
    Seen::new("governance zone").retain(&mut m.zones, |z| z.name.value.clone(), |z| &z.name, diags);
    for z in &mut m.zones {
        local(
            "team declaration",
            &mut z.teams,
            |t| t.name.value.clone(),
            |t| &t.name,
            diags,
        );
        local(
            "policy",
            &mut z.policies,
            |p| p.name.value.clone(),
            |p| &p.name,
            diags,
        );
        local(
            "storage policy",
            &mut z.storage_policies,
            |p| p.name.value.clone(),
            |p| &p.name,
            diags,
        );
    }
    if let Some(eco) = &mut m.ecosystem {
        local(
            "zone declaration",
            &mut eco.zones,
            |z| z.name.value.clone(),
            |z| &z.name,
            diags,
        );
    }
    Seen::new("team").retain(
        &mut m.teams,
        |t| (t.zone.value.clone(), t.name.value.clone()),
        |t| &t.name,
        diags,
    );
    Seen::new("platform").retain(
        &mut m.platforms,
        |p| p.name.value.clone(),
        |p| &p.name,
        diags,
    );
    Seen::new("credential store").retain(
        &mut m.credential_stores,
        |c| c.name.value.clone(),
        |c| &c.name,
        diags,
    );
    Seen::new("assignment").retain(
        &mut m.assignments,
        |a| {
            (
                a.workspace.value.clone(),
                a.dsg.value.clone(),
                a.platform.value.clone(),
            )
        },
        |a| &a.platform,
        diags,
    );
    Seen::new("primary_ingestion for datastore").retain(
        &mut m.primary_ingestions,
        |p| p.store.value.clone(),
        |p| &p.store,
        diags,
    );

    let mut containers = Seen::new("container");
    containers.retain(
        &mut m.containers,
        |c| c.name.value.clone(),
        |c| &c.name,
        diags,
    );
    let mut stores = Seen::new("datastore");
    let mut workspaces = Seen::new("workspace");
    let mut transformers: Seen<String> = Seen::new("transformer");
    for team in &mut m.teams {
        containers.retain(
            &mut team.containers,
            |c| c.name.value.clone(),
            |c| &c.name,
            diags,
        );
        stores.retain(
            &mut team.datastores,
            |s| s.name.value.clone(),
            |s| &s.name,
            diags,
        );
        workspaces.retain(
            &mut team.workspaces,
            |w| w.name.value.clone(),
            |w| &w.name,
            diags,
        );
        for store in &mut team.datastores {
            local(
                "dataset",
                &mut store.datasets,
                |d| d.name.value.clone(),
                |d| &d.name,
                diags,
            );
            local(
                "approval",
                &mut store.approvals,
                |a| {
                    (
                        a.workspace.value.clone(),
                        a.dsg.value.clone(),
                        a.dataset.value.clone(),
                    )
                },
                |a| &a.workspace,
                diags,
            );
            for dataset in &mut store.datasets {
                local(
                    "column",
                    &mut dataset.columns,
                    |c| c.name.value.clone(),
                    |c| &c.name,
                    diags,
                );
            }
        }
        for ws in &mut team.workspaces {
            local(
                "dataset group",
                &mut ws.dsgs,
                |d| d.name.value.clone(),
                |d| &d.name,
                diags,
            );
            for dsg in &mut ws.dsgs {
                local(
                    "sink",
                    &mut dsg.sinks,
                    |s| (s.store.value.clone(), s.dataset.value.clone()),
                    |s| &s.store,
                    diags,
                );
            }
            if let Some(t) = &ws.transformer {
                let mut one = vec![t];
                transformers.retain(&mut one, |t| t.name.value.clone(), |t| &t.name, diags);
                if one.is_empty() {
                    ws.transformer = None;
                }
            }
        }
    }
}

fn locations(list: &mut Vec<Location>, diags: &mut Vec<Diagnostic>) {
    local(
        "location",
        list,
        |l| l.name.value.clone(),
        |l| &l.name,
        diags,
    );
    for l in list {
        locations(&mut l.locations, diags);
    }
}
