//! One served model revision: the linted model, its name index and sorted element lists, built
//! once when the revision is loaded so that a request is a binary search (O(log n)) or a slice
//! of a sorted list (O(page)). Immutable once built; a reload builds a new one and swaps it in.

use super::views::{self, DiagnosticView};
use crate::diag::Diagnostic;
use crate::model::index::ModelIndex;
use crate::model::Model;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, OnceLock};

self_cell::self_cell!(
    /// The model and the index that borrows it, owned together.
    struct Indexed {
        owner: Model,
        #[covariant]
        dependent: ModelIndex,
    }
);

/// Element counts of a revision.
#[derive(Debug, Clone, Copy, serde::Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub zones: usize,
    pub teams: usize,
    pub datastores: usize,
    pub datasets: usize,
    pub workspaces: usize,
    pub platforms: usize,
}

/// A loaded, lint-clean revision.
pub struct Snapshot {
    pub revision: String,
    indexed: Indexed,
    /// Warnings and infos, in `diag::sort` order.
    pub diagnostics: Vec<DiagnosticView>,
    /// Zone names (declared or defined), sorted, with (declaration, definition) positions.
    zones: Vec<(String, Option<usize>, Option<usize>)>,
    /// (team position), sorted by (zone, team).
    teams: Vec<u32>,
    /// (team position, store position), sorted by store name.
    datastores: Vec<(u32, u32)>,
    /// (team, store, dataset positions), sorted by (store name, dataset name).
    datasets: Vec<(u32, u32, u32)>,
    /// (team, workspace positions), sorted by workspace name.
    workspaces: Vec<(u32, u32)>,
    /// Platform positions, sorted by name.
    platforms: Vec<u32>,
    /// Each platform's graph JSON (`graph::to_json` of that platform), built on first use and
    /// kept serialized (a 100k-dataset graph is ~20 MB of text, several times that as a `Value`).
    graphs: OnceLock<BTreeMap<String, Arc<RawValue>>>,
}

/// Positions of `items`, first occurrence of each key only, sorted by key.
fn sorted_unique<T, K: Ord + std::hash::Hash + Eq + Clone>(
    items: impl Iterator<Item = (K, T)>,
) -> Vec<T> {
    let mut seen: HashSet<K> = HashSet::new();
    let mut v: Vec<(K, T)> = items.filter(|(k, _)| seen.insert(k.clone())).collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v.into_iter().map(|(_, t)| t).collect()
}

impl Snapshot {
    /// Build a snapshot of a model that linted without errors; `diags` are its diagnostics.
    pub fn new(revision: String, model: Model, diags: &[Diagnostic]) -> Snapshot {
        let diagnostics = diags
            .iter()
            .map(|d| views::diagnostic(d, &model.sources))
            .collect();
        let mut zone_map: BTreeMap<String, (Option<usize>, Option<usize>)> = BTreeMap::new();
        if let Some(eco) = &model.ecosystem {
            for (i, z) in eco.zones.iter().enumerate() {
                zone_map
                    .entry(z.name.value.clone())
                    .or_default()
                    .0
                    .get_or_insert(i);
            }
        }
        for (i, z) in model.zones.iter().enumerate() {
            zone_map
                .entry(z.name.value.clone())
                .or_default()
                .1
                .get_or_insert(i);
        }
        let zones = zone_map.into_iter().map(|(n, (d, z))| (n, d, z)).collect();
        let teams = sorted_unique(
            model
                .teams
                .iter()
                .enumerate()
                .map(|(i, t)| ((t.zone.value.as_str(), t.name.value.as_str()), i as u32)),
        );
        let datastores = sorted_unique(model.teams.iter().enumerate().flat_map(|(ti, t)| {
            t.datastores
                .iter()
                .enumerate()
                .map(move |(si, s)| (s.name.value.as_str(), (ti as u32, si as u32)))
        }));
        let datasets = sorted_unique(model.teams.iter().enumerate().flat_map(|(ti, t)| {
            t.datastores.iter().enumerate().flat_map(move |(si, s)| {
                s.datasets.iter().enumerate().map(move |(di, d)| {
                    (
                        (s.name.value.as_str(), d.name.value.as_str()),
                        (ti as u32, si as u32, di as u32),
                    )
                })
            })
        }));
        let workspaces = sorted_unique(model.teams.iter().enumerate().flat_map(|(ti, t)| {
            t.workspaces
                .iter()
                .enumerate()
                .map(move |(wi, w)| (w.name.value.as_str(), (ti as u32, wi as u32)))
        }));
        let platforms = sorted_unique(
            model
                .platforms
                .iter()
                .enumerate()
                .map(|(i, p)| (p.name.value.as_str(), i as u32)),
        );
        Snapshot {
            revision,
            indexed: Indexed::new(model, |m| ModelIndex::new(m)),
            diagnostics,
            zones,
            teams,
            datastores,
            datasets,
            workspaces,
            platforms,
            graphs: OnceLock::new(),
        }
    }

    pub fn model(&self) -> &Model {
        self.indexed.borrow_owner()
    }

    pub fn index(&self) -> &ModelIndex<'_> {
        self.indexed.borrow_dependent()
    }

    pub fn counts(&self) -> Counts {
        Counts {
            zones: self.zones.len(),
            teams: self.teams.len(),
            datastores: self.datastores.len(),
            datasets: self.datasets.len(),
            workspaces: self.workspaces.len(),
            platforms: self.platforms.len(),
        }
    }

    fn team_at(&self, i: u32) -> &crate::model::Team {
        &self.model().teams[i as usize]
    }

    // Zones.
    pub fn zone_count(&self) -> usize {
        self.zones.len()
    }
    fn zone_view(&self, entry: &(String, Option<usize>, Option<usize>)) -> views::ZoneView {
        let m = self.model();
        let decl = entry
            .1
            .and_then(|i| m.ecosystem.as_ref().map(|e| &e.zones[i]));
        views::zone(decl, entry.2.map(|i| &m.zones[i]))
    }
    pub fn zones_page(&self, offset: usize, limit: usize) -> Vec<views::ZoneView> {
        page(&self.zones, offset, limit)
            .iter()
            .map(|e| self.zone_view(e))
            .collect()
    }
    pub fn zone(&self, name: &str) -> Option<views::ZoneView> {
        let i = self
            .zones
            .binary_search_by(|e| e.0.as_str().cmp(name))
            .ok()?;
        Some(self.zone_view(&self.zones[i]))
    }

    // Teams.
    pub fn team_count(&self) -> usize {
        self.teams.len()
    }
    fn team_view(&self, i: u32) -> views::TeamView {
        let t = self.team_at(i);
        let repo = self
            .index()
            .zones
            .get(t.zone.value.as_str())
            .and_then(|z| z.teams.iter().find(|d| d.name.value == t.name.value))
            .map(|d| d.repo.value.clone());
        views::team(t, repo)
    }
    pub fn teams_page(&self, offset: usize, limit: usize) -> Vec<views::TeamView> {
        page(&self.teams, offset, limit)
            .iter()
            .map(|&i| self.team_view(i))
            .collect()
    }
    /// Every team as `zone/team`, sorted (DataSurface's `list_teams`).
    pub fn team_keys(&self) -> Vec<String> {
        self.teams
            .iter()
            .map(|&i| {
                let t = self.team_at(i);
                format!("{}/{}", t.zone.value, t.name.value)
            })
            .collect()
    }
    pub fn team(&self, zone: &str, name: &str) -> Option<views::TeamView> {
        let i = self
            .teams
            .binary_search_by(|&i| {
                let t = self.team_at(i);
                (t.zone.value.as_str(), t.name.value.as_str()).cmp(&(zone, name))
            })
            .ok()?;
        Some(self.team_view(self.teams[i]))
    }

    // Datastores.
    pub fn datastore_count(&self) -> usize {
        self.datastores.len()
    }
    fn store_at(&self, (t, s): (u32, u32)) -> (&crate::model::Team, &crate::model::Datastore) {
        let team = self.team_at(t);
        (team, &team.datastores[s as usize])
    }
    pub fn datastores_page(&self, offset: usize, limit: usize) -> Vec<views::DatastoreView> {
        page(&self.datastores, offset, limit)
            .iter()
            .map(|&p| {
                let (t, s) = self.store_at(p);
                views::datastore(t, s)
            })
            .collect()
    }
    pub fn datastore_names(&self) -> Vec<String> {
        self.datastores
            .iter()
            .map(|&p| self.store_at(p).1.name.value.clone())
            .collect()
    }
    fn find_store(&self, name: &str) -> Option<(u32, u32)> {
        let i = self
            .datastores
            .binary_search_by(|&p| self.store_at(p).1.name.value.as_str().cmp(name))
            .ok()?;
        Some(self.datastores[i])
    }
    pub fn datastore(&self, name: &str) -> Option<views::DatastoreView> {
        let (t, s) = self.store_at(self.find_store(name)?);
        Some(views::datastore(t, s))
    }

    // Datasets.
    pub fn dataset_count(&self) -> usize {
        self.datasets.len()
    }
    fn dataset_at(
        &self,
        (t, s, d): (u32, u32, u32),
    ) -> (
        &crate::model::Team,
        &crate::model::Datastore,
        &crate::model::Dataset,
    ) {
        let (team, store) = self.store_at((t, s));
        (team, store, &store.datasets[d as usize])
    }
    pub fn datasets_page(&self, offset: usize, limit: usize) -> Vec<views::DatasetView> {
        page(&self.datasets, offset, limit)
            .iter()
            .map(|&p| {
                let (t, s, d) = self.dataset_at(p);
                views::dataset(t, s, d)
            })
            .collect()
    }
    pub fn dataset(&self, store: &str, name: &str) -> Option<views::DatasetView> {
        let i = self
            .datasets
            .binary_search_by(|&p| {
                let (_, s, d) = self.dataset_at(p);
                (s.name.value.as_str(), d.name.value.as_str()).cmp(&(store, name))
            })
            .ok()?;
        let (t, s, d) = self.dataset_at(self.datasets[i]);
        Some(views::dataset(t, s, d))
    }

    // Workspaces.
    pub fn workspace_count(&self) -> usize {
        self.workspaces.len()
    }
    fn workspace_at(&self, (t, w): (u32, u32)) -> (&crate::model::Team, &crate::model::Workspace) {
        let team = self.team_at(t);
        (team, &team.workspaces[w as usize])
    }
    pub fn workspaces_page(&self, offset: usize, limit: usize) -> Vec<views::WorkspaceView> {
        page(&self.workspaces, offset, limit)
            .iter()
            .map(|&p| {
                let (t, w) = self.workspace_at(p);
                views::workspace(t, w)
            })
            .collect()
    }
    pub fn workspace(&self, name: &str) -> Option<views::WorkspaceView> {
        let i = self
            .workspaces
            .binary_search_by(|&p| self.workspace_at(p).1.name.value.as_str().cmp(name))
            .ok()?;
        let (t, w) = self.workspace_at(self.workspaces[i]);
        Some(views::workspace(t, w))
    }

    // Platforms.
    pub fn platform_count(&self) -> usize {
        self.platforms.len()
    }
    fn platform_at(&self, i: u32) -> &crate::model::Platform {
        &self.model().platforms[i as usize]
    }
    pub fn platforms_page(&self, offset: usize, limit: usize) -> Vec<views::PlatformView> {
        page(&self.platforms, offset, limit)
            .iter()
            .map(|&i| views::platform(self.platform_at(i)))
            .collect()
    }
    pub fn platform(&self, name: &str) -> Option<views::PlatformView> {
        let i = self
            .platforms
            .binary_search_by(|&i| self.platform_at(i).name.value.as_str().cmp(name))
            .ok()?;
        Some(views::platform(self.platform_at(self.platforms[i])))
    }

    /// The workspaces that depend on a store (None for an unknown store).
    pub fn dependencies(&self, store: &str) -> Option<Vec<views::DependentView>> {
        self.find_store(store)?;
        Some(
            crate::model::deps::store_dependents(self.index(), store)
                .iter()
                .map(views::dependent)
                .collect(),
        )
    }

    /// One platform's intention graph as `graph::to_json` of that platform alone. Every
    /// platform's graph is built on the first call (placement + graph build) and kept.
    pub fn graph(&self, platform: &str) -> Option<Arc<RawValue>> {
        let graphs = self.graphs.get_or_init(|| {
            let ix = self.index();
            let placement = crate::broker::place(self.model(), ix).placement;
            let graphs = crate::graph::build(ix, &placement);
            graphs
                .platforms
                .iter()
                .filter_map(|g| {
                    let json = crate::graph::to_json(std::slice::from_ref(g));
                    // Serializing a `Value` cannot fail (string keys only).
                    let raw = serde_json::value::to_raw_value(&json).ok()?;
                    Some((g.platform.clone(), Arc::from(raw)))
                })
                .collect()
        });
        graphs.get(platform).cloned()
    }
}

/// `list[offset..offset+limit]`, empty past the end.
fn page<T>(list: &[T], offset: usize, limit: usize) -> &[T] {
    let start = offset.min(list.len());
    let end = start.saturating_add(limit).min(list.len());
    &list[start..end]
}
