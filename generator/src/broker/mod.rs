//! Placement: which dataset group (DSG) runs on which platform, and the DS4xx checks of it.
//!
//! A DSG lands on the platforms of its `assign` blocks that are not `decommissioned`, or on the
//! platform it pins. A transformer's workspace is pulled onto every platform where its output
//! datastore is read, recursively through chains of transformers; a worklist over (platform,
//! workspace) pairs visits each pair once, so cycles between transformers terminate. With a
//! `primary_ingestion` block, a platform that is not one of the store's primaries reads the
//! store from the first listed primary's merge tables instead: the demand (the store's ingestion,
//! or the transformer that writes it) moves to that primary, and the reading platform builds no
//! transformer sub-graph for it.
//!
//! [`place`] returns the placement and its diagnostics; `lint` reports them and `graph` builds
//! its per-platform graphs from the placement. Nothing here is quadratic: names resolve through
//! [`ModelIndex`] and every DSG is checked once per platform it lands on.

pub mod codes;
mod policy;

use crate::diag::Diagnostic;
use crate::model::index::ModelIndex;
use crate::model::{
    AssignStatus, Assignment, ContainerKind, DatasetGroup, DbEngine, Latency, Milestoning, Model,
    Platform, PlatformMilestoning, Target, Team, Workspace,
};
use crate::source::Span;
use codes::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

/// Why a DSG is on a platform.
#[derive(Debug, Clone, Copy)]
pub enum Reason<'m> {
    /// An `assign` block (never a `decommissioned` one).
    Assigned(&'m Assignment),
    /// The DSG's own `platform` pin.
    Pinned,
    /// A transformer's workspace, pulled onto the platform because `by` reads `store`, the
    /// transformer's output, there (or, through `primary_ingestion`, on a platform this one is
    /// the primary of).
    Pulled { by: &'m str, store: &'m str },
}

/// One DSG on one platform.
#[derive(Debug, Clone)]
pub struct Placed<'m> {
    pub team: &'m Team,
    pub workspace: &'m Workspace,
    pub dsg: &'m DatasetGroup,
    pub reason: Reason<'m>,
}

impl Placed<'_> {
    /// Where a finding about this placement points: the assignment's `platform`, the pin, or
    /// the pulled DSG's name.
    pub fn site(&self) -> Span {
        match self.reason {
            Reason::Assigned(a) => a.platform.span,
            Reason::Pinned => self
                .dsg
                .platform
                .as_ref()
                .map_or(self.dsg.name.span, |p| p.span),
            Reason::Pulled { .. } => self.dsg.name.span,
        }
    }
}

/// Everything placed on one platform.
#[derive(Debug, Clone)]
pub struct OnPlatform<'m> {
    pub platform: &'m Platform,
    /// Sorted by (workspace, DSG); each DSG once (the first reason found wins: assignment, then
    /// pin, then pull).
    pub dsgs: Vec<Placed<'m>>,
    /// Transformer workspaces that run here, sorted by name.
    pub transformers: Vec<&'m Workspace>,
    /// (store, dataset) that this platform ingests on behalf of the platforms that read them
    /// from its merge tables (it is their primary).
    pub primary_for: BTreeSet<(&'m str, &'m str)>,
    /// The platforms that read a store from this platform's merge tables, by store.
    pub feeds: BTreeMap<&'m str, BTreeSet<&'m str>>,
    /// Stores this platform reads from a primary's merge tables: store -> primary platform.
    pub from_primary: BTreeMap<&'m str, &'m str>,
}

/// The placement of a whole model.
#[derive(Debug, Clone, Default)]
pub struct Placement<'m> {
    /// Every platform of the model (also the empty ones), sorted by name.
    pub platforms: Vec<OnPlatform<'m>>,
}

impl<'m> Placement<'m> {
    pub fn platform(&self, name: &str) -> Option<&OnPlatform<'m>> {
        self.platforms
            .binary_search_by(|p| p.platform.name.value.as_str().cmp(name))
            .ok()
            .map(|i| &self.platforms[i])
    }
}

/// The result of [`place`].
#[derive(Debug, Clone, Default)]
pub struct Outcome<'m> {
    pub placement: Placement<'m>,
    /// DS4xx findings, unsorted.
    pub diagnostics: Vec<Diagnostic>,
}

/// What a target supports (DESIGN.md, "Placement and the intention graph"). `None`: anything.
pub struct Capabilities {
    pub workspace_kinds: Option<&'static [ContainerKind]>,
    pub source_kinds: Option<&'static [ContainerKind]>,
    /// The fastest latency it delivers.
    pub fastest: Option<Latency>,
}

const PG: ContainerKind = ContainerKind::Database(DbEngine::Postgres);
const MYSQL: ContainerKind = ContainerKind::Database(DbEngine::Mysql);
const MSSQL: ContainerKind = ContainerKind::Database(DbEngine::Sqlserver);
const ORACLE: ContainerKind = ContainerKind::Database(DbEngine::Oracle);
const DB2: ContainerKind = ContainerKind::Database(DbEngine::Db2);
const PM: ContainerKind = ContainerKind::PlatformManaged;

pub fn capabilities(target: Target) -> Capabilities {
    use ContainerKind::*;
    let (ws, src): (&'static [ContainerKind], &'static [ContainerKind]) = match target {
        Target::KafkaConnect | Target::Confluent => {
            (&[PG, PM], &[PG, MYSQL, MSSQL, ORACLE, DB2, Kafka])
        }
        Target::Aws => (&[PM, PG, MYSQL], &[PG, MYSQL, MSSQL, ORACLE, DB2]),
        Target::Azure => (&[PM, AzureSql], &[AzureSql, MSSQL, PG, MYSQL]),
        Target::Snowflake => (&[Snowflake, PM], &[ObjectStorage, Kafka]),
        Target::Legacy => {
            return Capabilities {
                workspace_kinds: None,
                source_kinds: None,
                fastest: None,
            }
        }
    };
    Capabilities {
        workspace_kinds: Some(ws),
        source_kinds: Some(src),
        fastest: Some(Latency::Minutes),
    }
}

/// Does a platform of this milestoning serve a DSG asking for `m`?
pub fn serves(platform: PlatformMilestoning, m: Milestoning) -> bool {
    platform == PlatformMilestoning::Forensic || m == Milestoning::LiveOnly
}

/// The container kind a workspace writes to (`None` for an unknown container name).
pub fn workspace_kind(ix: &ModelIndex, ws: &Workspace) -> Option<ContainerKind> {
    if ws.container.value == "platform_managed" {
        return Some(ContainerKind::PlatformManaged);
    }
    ix.containers
        .get(ws.container.value.as_str())
        .map(|(_, c)| c.kind.value)
}

/// Place every DSG of the model and check the placement.
pub fn place<'m>(model: &'m Model, ix: &ModelIndex<'m>) -> Outcome<'m> {
    let mut diags = Vec::new();
    // platform -> (workspace, dsg) -> placed
    let mut on: BTreeMap<&'m str, BTreeMap<(&'m str, &'m str), Placed<'m>>> =
        ix.platforms.keys().map(|p| (*p, BTreeMap::new())).collect();

    let mut assigns: HashMap<(&str, &str), Vec<&'m Assignment>> = HashMap::new();
    for a in &model.assignments {
        assigns
            .entry((a.workspace.value.as_str(), a.dsg.value.as_str()))
            .or_default()
            .push(a);
    }

    // Direct placements.
    for team in &model.teams {
        for ws in &team.workspaces {
            if ix
                .workspaces
                .get(ws.name.value.as_str())
                .is_none_or(|o| !std::ptr::eq(o.item, ws))
            {
                continue; // a duplicate definition (DS0xx)
            }
            for dsg in &ws.dsgs {
                let active: Vec<&'m Assignment> = assigns
                    .get(&(ws.name.value.as_str(), dsg.name.value.as_str()))
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|a| a.status.value != AssignStatus::Decommissioned)
                    .collect();
                if let (Some(pin), false) = (&dsg.platform, active.is_empty()) {
                    let mut d = Diagnostic::new(
                        &DS401,
                        format!(
                            "dataset group `{}` of workspace `{}` pins platform `{}` and is also \
                             assigned to {}",
                            dsg.name.value,
                            ws.name.value,
                            pin.value,
                            names(active.iter().map(|a| a.platform.value.as_str()))
                        ),
                    )
                    .at(pin.span);
                    for a in &active {
                        d = d.label(a.span, format!("assigned to `{}` here", a.platform.value));
                    }
                    diags.push(d.help(
                        "remove the `platform` pin, or remove (or decommission) the assignments",
                    ));
                }
                let placed = |reason| Placed {
                    team,
                    workspace: ws,
                    dsg,
                    reason,
                };
                for a in &active {
                    if let Some(map) = on.get_mut(a.platform.value.as_str()) {
                        map.entry((ws.name.value.as_str(), dsg.name.value.as_str()))
                            .or_insert_with(|| placed(Reason::Assigned(a)));
                    }
                }
                if let Some(pin) = &dsg.platform {
                    if let Some(map) = on.get_mut(pin.value.as_str()) {
                        map.entry((ws.name.value.as_str(), dsg.name.value.as_str()))
                            .or_insert_with(|| placed(Reason::Pinned));
                    }
                }
            }
        }
    }

    // The first valid primary platform of each store that has a `primary_ingestion`.
    let mut primaries: HashMap<&'m str, (&'m str, HashSet<&'m str>)> = HashMap::new();
    for pi in &model.primary_ingestions {
        let valid: Vec<&'m str> = pi
            .platforms
            .iter()
            .map(|p| p.value.as_str())
            .filter(|p| on.contains_key(p))
            .collect();
        if let Some(first) = valid.first() {
            primaries
                .entry(pi.store.value.as_str())
                .or_insert((first, valid.iter().copied().collect()));
        }
    }

    // Pull transformers onto their consumers' platforms (and primaries onto their readers').
    let mut queue: VecDeque<(&'m str, &'m str)> = VecDeque::new();
    let mut queued: HashSet<(&'m str, &'m str)> = HashSet::new();
    let mut transformers: BTreeMap<&'m str, BTreeSet<&'m str>> = BTreeMap::new();
    for (p, map) in &on {
        for (ws, _) in map.keys() {
            if queued.insert((p, ws)) {
                queue.push_back((p, ws));
            }
        }
    }
    let mut primary_for: BTreeMap<&'m str, BTreeSet<(&'m str, &'m str)>> = BTreeMap::new();
    let mut feeds: BTreeMap<&'m str, BTreeMap<&'m str, BTreeSet<&'m str>>> = BTreeMap::new();
    let mut from_primary: BTreeMap<&'m str, BTreeMap<&'m str, &'m str>> = BTreeMap::new();
    while let Some((p, ws_name)) = queue.pop_front() {
        let Some(owned) = ix.workspaces.get(ws_name) else {
            continue;
        };
        let ws = owned.item;
        if ws.transformer.is_some() {
            transformers.entry(p).or_default().insert(ws_name);
            // A transformer reads all its inputs wherever it runs.
            let map = on.get_mut(p).expect("queued platforms exist");
            for dsg in &ws.dsgs {
                map.entry((ws_name, dsg.name.value.as_str()))
                    .or_insert(Placed {
                        team: owned.team,
                        workspace: ws,
                        dsg,
                        reason: Reason::Pulled {
                            by: ws_name,
                            store: ws
                                .transformer
                                .as_ref()
                                .map_or("", |t| t.output.value.as_str()),
                        },
                    });
            }
        }
        let sinks: Vec<(&'m str, &'m str)> = ws
            .dsgs
            .iter()
            .filter(|d| on[p].contains_key(&(ws_name, d.name.value.as_str())))
            .flat_map(|d| d.sinks.iter())
            .map(|s| (s.store.value.as_str(), s.dataset.value.as_str()))
            .collect();
        for (store, dataset) in sinks {
            // Where this store's data is made: here, or on the store's primary.
            let target = match primaries.get(store) {
                Some((first, all)) if !all.contains(p) => {
                    from_primary.entry(p).or_default().insert(store, first);
                    feeds
                        .entry(first)
                        .or_default()
                        .entry(store)
                        .or_default()
                        .insert(p);
                    primary_for
                        .entry(first)
                        .or_default()
                        .insert((store, dataset));
                    *first
                }
                _ => p,
            };
            for producer in ix.producers.get(store).into_iter().flatten() {
                let name = producer.name.value.as_str();
                let Some(powned) = ix.workspaces.get(name) else {
                    continue;
                };
                let map = on.get_mut(target).expect("platforms exist");
                for dsg in &producer.dsgs {
                    map.entry((name, dsg.name.value.as_str()))
                        .or_insert(Placed {
                            team: powned.team,
                            workspace: producer,
                            dsg,
                            reason: Reason::Pulled { by: ws_name, store },
                        });
                }
                if queued.insert((target, name)) {
                    queue.push_back((target, name));
                }
            }
        }
    }

    let placement = Placement {
        platforms: on
            .into_iter()
            .map(|(name, dsgs)| {
                let platform = ix.platforms[name];
                let transformers = transformers
                    .remove(name)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|w| ix.workspaces[w].item)
                    .collect();
                OnPlatform {
                    platform,
                    dsgs: dsgs.into_values().collect(),
                    transformers,
                    primary_for: primary_for.remove(name).unwrap_or_default(),
                    feeds: feeds.remove(name).unwrap_or_default(),
                    from_primary: from_primary.remove(name).unwrap_or_default(),
                }
            })
            .collect(),
    };

    unplaced(model, ix, &placement, &mut diags);
    check(ix, &placement, &mut diags);
    Outcome {
        placement,
        diagnostics: diags,
    }
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<String> = it.map(|n| format!("`{n}`")).collect();
    v.join(", ")
}

/// DS402: DSGs that landed nowhere.
fn unplaced(model: &Model, ix: &ModelIndex, placement: &Placement, out: &mut Vec<Diagnostic>) {
    let placed: HashSet<(&str, &str)> = placement
        .platforms
        .iter()
        .flat_map(|p| &p.dsgs)
        .map(|d| (d.workspace.name.value.as_str(), d.dsg.name.value.as_str()))
        .collect();
    for team in &model.teams {
        for ws in &team.workspaces {
            if ix
                .workspaces
                .get(ws.name.value.as_str())
                .is_none_or(|o| !std::ptr::eq(o.item, ws))
            {
                continue;
            }
            for dsg in &ws.dsgs {
                if placed.contains(&(ws.name.value.as_str(), dsg.name.value.as_str())) {
                    continue;
                }
                let help = if ws.transformer.is_some() {
                    "a transformer runs where its output is read: place a consumer of its output, \
                     or add an `assign` block for this dataset group"
                } else {
                    "add an `assign` block naming this workspace, dataset group and a platform, \
                     or pin one with `platform = ...`"
                };
                out.push(
                    Diagnostic::new(
                        &DS402,
                        format!(
                            "dataset group `{}` of workspace `{}` is placed on no platform",
                            dsg.name.value, ws.name.value
                        ),
                    )
                    .at(dsg.name.span)
                    .help(help),
                );
            }
        }
    }
}

/// DS403–DS408 for every placed DSG.
fn check(ix: &ModelIndex, placement: &Placement, out: &mut Vec<Diagnostic>) {
    let policies = policy::ZonePolicies::new(ix);
    for on in &placement.platforms {
        let platform = on.platform;
        let caps = capabilities(platform.target.value);
        let target = platform.target.value.as_str();
        let locations = crate::model::policy::locations(ix, &platform.locations);
        let mut seen_ws: HashSet<&str> = HashSet::new();
        let mut seen_src: HashSet<&str> = HashSet::new();
        for placed in &on.dsgs {
            let ws = placed.workspace;
            let dsg = placed.dsg;
            let site = placed.site();
            let what = format!(
                "dataset group `{}` of workspace `{}` is placed on platform `{}`",
                dsg.name.value, ws.name.value, platform.name.value
            );
            let why = match placed.reason {
                Reason::Assigned(_) => "by its assignment".to_string(),
                Reason::Pinned => "by its own pin".to_string(),
                Reason::Pulled { by, store } => {
                    format!("pulled there because `{by}` reads its output `{store}` there")
                }
            };
            if let (Some(kinds), Some(kind)) = (caps.workspace_kinds, workspace_kind(ix, ws)) {
                if !kinds.contains(&kind) && seen_ws.insert(ws.name.value.as_str()) {
                    out.push(
                        Diagnostic::new(
                            &DS403,
                            format!(
                                "{what}, but its target `{target}` cannot write to the \
                                 workspace's `{}` container `{}`",
                                kind.as_str(),
                                ws.container.value
                            ),
                        )
                        .at(site)
                        .label(ws.container.span, "the workspace's container")
                        .help(format!(
                            "target `{target}` writes to {}; choose a platform whose target \
                             supports `{}`",
                            list(kinds),
                            kind.as_str()
                        )),
                    );
                }
            }
            if let Some(req) = &dsg.requirements {
                if platform.target.value != Target::Legacy
                    && !serves(platform.milestoning.value, req.milestoning.value)
                {
                    out.push(
                        Diagnostic::new(
                            &DS404,
                            format!(
                                "{what}, which is `{}` and cannot serve milestoning `{}`",
                                platform.milestoning.value.as_str(),
                                req.milestoning.value.as_str()
                            ),
                        )
                        .at(site)
                        .label(req.milestoning.span, "required here")
                        .help("place it on a `forensic` platform, or ask for `live_only`"),
                    );
                }
                if let Some(fastest) = caps.fastest {
                    if req.latency.value < fastest {
                        out.push(
                            Diagnostic::new(
                                &DS405,
                                format!(
                                    "{what}, whose target `{target}` delivers `{}` at best, but \
                                     the dataset group requires latency `{}`",
                                    fastest.as_str(),
                                    req.latency.value.as_str()
                                ),
                            )
                            .at(site)
                            .label(req.latency.span, "required here")
                            .help(format!(
                                "relax the latency to `{}` or slower, or place it on a platform \
                                 that delivers `{}`",
                                fastest.as_str(),
                                req.latency.value.as_str()
                            )),
                        );
                    }
                }
            }
            // Sources this platform captures itself.
            if let Some(kinds) = caps.source_kinds {
                for sink in &dsg.sinks {
                    let store = sink.store.value.as_str();
                    if on.from_primary.contains_key(store) {
                        continue;
                    }
                    let Some(owned) = ix.datastores.get(store) else {
                        continue;
                    };
                    let Some(cap) = &owned.item.capture else {
                        continue;
                    };
                    let Some((_, c)) = ix.containers.get(cap.container.value.as_str()) else {
                        continue;
                    };
                    if !kinds.contains(&c.kind.value) && seen_src.insert(store) {
                        out.push(
                            Diagnostic::new(
                                &DS406,
                                format!(
                                    "{what} and reads datastore `{store}`, but target \
                                     `{target}` cannot ingest from its `{}` container `{}`",
                                    c.kind.value.as_str(),
                                    c.name.value
                                ),
                            )
                            .at(site)
                            .label(sink.span, "read here")
                            .help(format!(
                                "target `{target}` ingests from {}; place the dataset group \
                                 elsewhere or name a primary platform that can read `{store}` \
                                 in a `primary_ingestion` block",
                                list(kinds)
                            )),
                        );
                    }
                }
            }
            policies.check(ix, placed, platform, &locations, &what, &why, out);
        }
    }
}

fn list(kinds: &[ContainerKind]) -> String {
    names(kinds.iter().map(|k| k.as_str()))
}
