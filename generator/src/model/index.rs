//! Name lookups over a loaded model, built once in linear time and shared by lint and later
//! stages, so no rule searches lists (which would make lint quadratic at 100k datasets).

use super::*;
use std::collections::HashMap;

/// Where a team-owned element lives.
#[derive(Debug, Clone, Copy)]
pub struct Owned<'m, T> {
    pub team: &'m Team,
    pub item: &'m T,
}

#[derive(Debug, Default)]
pub struct ModelIndex<'m> {
    pub vendors: HashMap<&'m str, &'m Vendor>,
    pub zone_decls: HashMap<&'m str, &'m ZoneDecl>,
    pub zones: HashMap<&'m str, &'m GovernanceZone>,
    pub teams: HashMap<(&'m str, &'m str), &'m Team>,
    /// Ecosystem-level containers have no team.
    pub containers: HashMap<&'m str, (Option<&'m Team>, &'m Container)>,
    pub datastores: HashMap<&'m str, Owned<'m, Datastore>>,
    /// Datasets by (store, dataset).
    pub datasets: HashMap<(&'m str, &'m str), &'m Dataset>,
    pub workspaces: HashMap<&'m str, Owned<'m, Workspace>>,
    pub platforms: HashMap<&'m str, &'m Platform>,
    pub credential_stores: HashMap<&'m str, &'m CredentialStore>,
    /// Workspaces whose transformer writes the store, by store name.
    pub producers: HashMap<&'m str, Vec<&'m Workspace>>,
    /// Every sink of the model by the store it reads: (workspace, dsg, sink).
    pub consumers: HashMap<&'m str, Vec<(&'m Workspace, &'m DatasetGroup, &'m Sink)>>,
}

impl<'m> ModelIndex<'m> {
    pub fn new(model: &'m Model) -> ModelIndex<'m> {
        let mut ix = ModelIndex::default();
        for v in &model.vendors {
            ix.vendors.entry(&v.name.value).or_insert(v);
        }
        if let Some(eco) = &model.ecosystem {
            for z in &eco.zones {
                ix.zone_decls.entry(&z.name.value).or_insert(z);
            }
        }
        for z in &model.zones {
            ix.zones.entry(&z.name.value).or_insert(z);
        }
        for c in &model.containers {
            ix.containers.entry(&c.name.value).or_insert((None, c));
        }
        for p in &model.platforms {
            ix.platforms.entry(&p.name.value).or_insert(p);
        }
        for c in &model.credential_stores {
            ix.credential_stores.entry(&c.name.value).or_insert(c);
        }
        for team in &model.teams {
            ix.teams
                .entry((&team.zone.value, &team.name.value))
                .or_insert(team);
            for c in &team.containers {
                ix.containers
                    .entry(&c.name.value)
                    .or_insert((Some(team), c));
            }
            for s in &team.datastores {
                ix.datastores
                    .entry(&s.name.value)
                    .or_insert(Owned { team, item: s });
                for d in &s.datasets {
                    ix.datasets
                        .entry((&s.name.value, &d.name.value))
                        .or_insert(d);
                }
            }
            for w in &team.workspaces {
                ix.workspaces
                    .entry(&w.name.value)
                    .or_insert(Owned { team, item: w });
                if let Some(t) = &w.transformer {
                    ix.producers.entry(&t.output.value).or_default().push(w);
                }
                for dsg in &w.dsgs {
                    for sink in &dsg.sinks {
                        ix.consumers
                            .entry(&sink.store.value)
                            .or_default()
                            .push((w, dsg, sink));
                    }
                }
            }
        }
        ix
    }

    pub fn dataset(&self, store: &str, dataset: &str) -> Option<&'m Dataset> {
        self.datasets.get(&(store, dataset)).copied()
    }

    /// The governance zone whose data a team owns (its definition, when there is one).
    pub fn zone_of(&self, team: &Team) -> Option<&'m GovernanceZone> {
        self.zones.get(team.zone.value.as_str()).copied()
    }

    /// Is this location declared (vendor and every step)?
    pub fn location_exists(&self, loc: &values::LocationRef) -> bool {
        let Some(vendor) = self.vendors.get(loc.vendor.as_str()) else {
            return false;
        };
        let mut level = &vendor.locations;
        for step in &loc.path {
            match level.iter().find(|l| &l.name.value == step) {
                Some(l) => level = &l.locations,
                None => return false,
            }
        }
        true
    }

    /// The container a workspace writes to (None for `platform_managed` or an unknown name).
    pub fn workspace_container(&self, ws: &Workspace) -> Option<&'m Container> {
        self.containers
            .get(ws.container.value.as_str())
            .map(|c| c.1)
    }
}
