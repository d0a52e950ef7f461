//! The change itself as data: a structural diff of two models, keyed by element identity.
//!
//! Each element is compared by its *shallow* canonical value (its own attributes, not its child
//! elements, which are elements of their own), so spans, formatting, comments, declaration order
//! and file moves are never changes. Named elements are matched by name on both sides, with a
//! positional fast path for the common case where the lists line up, so the diff is linear in
//! model size. Values (JSON) are built only for elements that differ.

use crate::model::index::ModelIndex;
use crate::model::*;
use crate::source::Span;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};

/// The identity of a model element: what stays the same when it is edited.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ElementId {
    /// The ecosystem block's own attributes (not its zone declarations).
    Ecosystem,
    ZoneDecl(String),
    Vendor(String),
    /// A container, at ecosystem level or in a team (names are ecosystem-unique).
    Container(String),
    CredentialStore(String),
    Platform(String),
    /// (workspace, dsg, platform)
    Assign(String, String, String),
    PrimaryIngestion(String),
    /// A governance zone's definition (its own attributes).
    Zone(String),
    /// (zone, team): a team declaration inside a governance zone.
    TeamDecl(String, String),
    /// (zone, policy)
    Policy(String, String),
    /// (zone, storage policy)
    StoragePolicy(String, String),
    /// (zone, team): a team's definition (its own attributes).
    Team(String, String),
    Datastore(String),
    /// (store, dataset)
    Dataset(String, String),
    /// (store, dataset, column)
    Column(String, String, String),
    Workspace(String),
    /// (workspace, dsg)
    Dsg(String, String),
    /// (workspace, dsg, store, dataset)
    Sink(String, String, String, String),
    /// The transformer of a workspace (at most one each), keyed by its workspace.
    Transformer(String),
}

impl ElementId {
    /// How the element is written, for messages: `dataset Orders/orders`.
    pub fn describe(&self) -> String {
        match self {
            ElementId::Ecosystem => "the ecosystem block".to_string(),
            ElementId::ZoneDecl(z) => format!("the declaration of zone `{z}`"),
            ElementId::Vendor(v) => format!("vendor `{v}`"),
            ElementId::Container(c) => format!("container `{c}`"),
            ElementId::CredentialStore(c) => format!("credential store `{c}`"),
            ElementId::Platform(p) => format!("platform `{p}`"),
            ElementId::Assign(w, d, p) => format!("assign `{w}` `{d}` to platform `{p}`"),
            ElementId::PrimaryIngestion(s) => format!("primary ingestion of `{s}`"),
            ElementId::Zone(z) => format!("governance zone `{z}`"),
            ElementId::TeamDecl(z, t) => format!("the declaration of team `{t}` in zone `{z}`"),
            ElementId::Policy(z, p) => format!("policy `{p}` of zone `{z}`"),
            ElementId::StoragePolicy(z, p) => format!("storage policy `{p}` of zone `{z}`"),
            ElementId::Team(z, t) => format!("team `{z}` `{t}`"),
            ElementId::Datastore(s) => format!("datastore `{s}`"),
            ElementId::Dataset(s, d) => format!("dataset `{s}/{d}`"),
            ElementId::Column(s, d, c) => format!("column `{s}/{d}.{c}`"),
            ElementId::Workspace(w) => format!("workspace `{w}`"),
            ElementId::Dsg(w, g) => format!("dataset group `{w}/{g}`"),
            ElementId::Sink(w, g, s, d) => format!("sink `{s}/{d}` of `{w}/{g}`"),
            ElementId::Transformer(w) => format!("the transformer of workspace `{w}`"),
        }
    }

    /// The element this one is written inside, when it is itself an element of the diff
    /// (so a finding about a parent can stand for its children).
    pub fn parent(&self, region: &Region) -> Option<ElementId> {
        Some(match self {
            ElementId::Column(s, d, _) => ElementId::Dataset(s.clone(), d.clone()),
            ElementId::Dataset(s, _) => ElementId::Datastore(s.clone()),
            ElementId::Sink(w, g, _, _) => ElementId::Dsg(w.clone(), g.clone()),
            ElementId::Dsg(w, _) | ElementId::Transformer(w) => ElementId::Workspace(w.clone()),
            ElementId::TeamDecl(z, _)
            | ElementId::Policy(z, _)
            | ElementId::StoragePolicy(z, _) => ElementId::Zone(z.clone()),
            ElementId::Datastore(_) | ElementId::Workspace(_) | ElementId::Container(_) => {
                match region {
                    Region::Team(z, t) => ElementId::Team(z.clone(), t.clone()),
                    _ => return None,
                }
            }
            _ => return None,
        })
    }
}

/// Who owns an element (MODEL.md "Ownership regions"): the region it is written in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Region {
    Ecosystem,
    Zone(String),
    /// (zone, team)
    Team(String, String),
}

impl Region {
    pub fn describe(&self) -> String {
        match self {
            Region::Ecosystem => "the ecosystem".to_string(),
            Region::Zone(z) => format!("zone `{z}`"),
            Region::Team(z, t) => format!("team `{t}` of zone `{z}`"),
        }
    }
}

/// One revision's side of a changed element.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    /// The element's own canonical attributes (no spans, no child elements).
    pub value: Value,
    /// Where it is written, in that revision's source map.
    pub span: Span,
    pub region: Region,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// An element that differs between base and head.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub id: ElementId,
    pub base: Option<Side>,
    pub head: Option<Side>,
}

impl Change {
    pub fn kind(&self) -> ChangeKind {
        match (&self.base, &self.head) {
            (None, _) => ChangeKind::Added,
            (_, None) => ChangeKind::Removed,
            _ => ChangeKind::Changed,
        }
    }

    /// The attribute names whose values differ (for a changed element), sorted.
    pub fn changed_attributes(&self) -> Vec<String> {
        let (Some(Value::Object(a)), Some(Value::Object(b))) = (
            self.base.as_ref().map(|s| &s.value),
            self.head.as_ref().map(|s| &s.value),
        ) else {
            return Vec::new();
        };
        let mut keys: Vec<String> = a
            .keys()
            .chain(b.keys())
            .filter(|k| a.get(*k) != b.get(*k))
            .cloned()
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

/// Every change between two models, sorted by element identity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    pub changes: Vec<Change>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn get(&self, id: &ElementId) -> Option<&Change> {
        self.changes
            .binary_search_by(|c| c.id.cmp(id))
            .ok()
            .map(|i| &self.changes[i])
    }
}

/// The structural diff of `base` → `head`.
pub fn diff(base: &Model, head: &Model) -> Diff {
    let (bix, hix) = rayon::join(|| ModelIndex::new(base), || ModelIndex::new(head));
    diff_indexed(base, head, &bix, &hix)
}

/// [`diff`] with the two models' indexes already built.
pub fn diff_indexed(
    base: &Model,
    head: &Model,
    bix: &ModelIndex<'_>,
    hix: &ModelIndex<'_>,
) -> Diff {
    let mut out = Vec::new();
    let eco = Region::Ecosystem;

    // The ecosystem block and its zone declarations.
    compare(
        &mut out,
        ElementId::Ecosystem,
        base.ecosystem
            .as_ref()
            .map(|e| (ecosystem_value(e), e.span, eco.clone())),
        head.ecosystem
            .as_ref()
            .map(|e| (ecosystem_value(e), e.span, eco.clone())),
    );
    let no_zones = Vec::new();
    let bz = base.ecosystem.as_ref().map_or(&no_zones, |e| &e.zones);
    let hz = head.ecosystem.as_ref().map_or(&no_zones, |e| &e.zones);
    for (b, h) in pair(bz, hz, |z| &z.name.value) {
        let name = either(b, h, |z| &z.name.value);
        compare_with(
            &mut out,
            ElementId::ZoneDecl(name),
            b,
            h,
            zone_decl_value,
            |z| (z.span, eco.clone()),
        );
    }
    simple(
        &mut out,
        &base.vendors,
        &head.vendors,
        |v| &v.name.value,
        ElementId::Vendor,
        vendor_value,
        |v| v.span,
        &eco,
    );
    simple(
        &mut out,
        &base.credential_stores,
        &head.credential_stores,
        |c| &c.name.value,
        ElementId::CredentialStore,
        |c| json!({ "kind": c.kind.value.as_str(), "doc": opt(&c.doc) }),
        |c| c.span,
        &eco,
    );
    simple(
        &mut out,
        &base.platforms,
        &head.platforms,
        |p| &p.name.value,
        ElementId::Platform,
        platform_value,
        |p| p.span,
        &eco,
    );
    simple(
        &mut out,
        &base.primary_ingestions,
        &head.primary_ingestions,
        |p| &p.store.value,
        ElementId::PrimaryIngestion,
        |p| json!({ "platforms": names(&p.platforms), "doc": opt(&p.doc) }),
        |p| p.span,
        &eco,
    );
    {
        let key = |a: &Assignment| {
            (
                a.workspace.value.clone(),
                a.dsg.value.clone(),
                a.platform.value.clone(),
            )
        };
        for (k, b, h) in keyed(&base.assignments, &head.assignments, key) {
            compare_with(
                &mut out,
                ElementId::Assign(k.0, k.1, k.2),
                b,
                h,
                |a| json!({ "status": a.status.value.as_str(), "doc": opt(&a.doc) }),
                |a| (a.span, eco.clone()),
            );
        }
    }

    // Containers: ecosystem-level or team-level, one namespace.
    let containers = |ix: &ModelIndex<'_>| -> Vec<String> {
        ix.containers.keys().map(|k| k.to_string()).collect()
    };
    let mut names_seen: Vec<String> = containers(bix)
        .into_iter()
        .chain(containers(hix))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    names_seen.sort();
    for name in names_seen {
        let side = |ix: &ModelIndex<'_>| {
            ix.containers.get(name.as_str()).map(|(team, c)| {
                (
                    container_value(c),
                    c.span,
                    team.map_or(Region::Ecosystem, team_region),
                )
            })
        };
        compare(
            &mut out,
            ElementId::Container(name.clone()),
            side(bix),
            side(hix),
        );
    }

    // Governance zones and what they declare.
    for (b, h) in pair(&base.zones, &head.zones, |z| &z.name.value) {
        let zone = either(b, h, |z| &z.name.value);
        let region = Region::Zone(zone.clone());
        compare_with(
            &mut out,
            ElementId::Zone(zone.clone()),
            b,
            h,
            |z| json!({ "doc": opt(&z.doc), "tags": tags(&z.tags) }),
            |z| (z.span, region.clone()),
        );
        let (no_teams, no_policies, no_storage) = (Vec::new(), Vec::new(), Vec::new());
        simple(
            &mut out,
            b.map_or(&no_teams, |z| &z.teams),
            h.map_or(&no_teams, |z| &z.teams),
            |t| &t.name.value,
            |team| ElementId::TeamDecl(zone.clone(), team),
            |t| json!({ "repo": t.repo.value, "doc": opt(&t.doc) }),
            |t| t.span,
            &region,
        );
        simple(
            &mut out,
            b.map_or(&no_policies, |z| &z.policies),
            h.map_or(&no_policies, |z| &z.policies),
            |p| &p.name.value,
            |name| ElementId::Policy(zone.clone(), name),
            |p| json!({ "kind": p.kind.value.as_str(), "allowed": names(&p.allowed), "not_allowed": names(&p.not_allowed), "doc": opt(&p.doc) }),
            |p| p.span,
            &region,
        );
        simple(
            &mut out,
            b.map_or(&no_storage, |z| &z.storage_policies),
            h.map_or(&no_storage, |z| &z.storage_policies),
            |p| &p.name.value,
            |name| ElementId::StoragePolicy(zone.clone(), name),
            |p| json!({ "mandatory": p.mandatory.value.as_str(), "doc": opt(&p.doc) }),
            |p| p.span,
            &region,
        );
    }

    // Team definitions (own attributes only; their elements follow, by ecosystem-wide name).
    let team_key = |t: &Team| (t.zone.value.clone(), t.name.value.clone());
    for (k, b, h) in keyed(&base.teams, &head.teams, team_key) {
        compare_with(
            &mut out,
            ElementId::Team(k.0, k.1),
            b,
            h,
            |t| json!({ "doc": opt(&t.doc), "tags": tags(&t.tags) }),
            |t| (t.span, team_region(t)),
        );
    }

    // Datastores, their datasets and columns.
    let mut stores: Vec<&str> = bix
        .datastores
        .keys()
        .chain(hix.datastores.keys())
        .copied()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    stores.sort_unstable();
    for store in stores {
        let b = bix.datastores.get(store);
        let h = hix.datastores.get(store);
        compare_with(
            &mut out,
            ElementId::Datastore(store.to_string()),
            b,
            h,
            |o| datastore_value(o.item),
            |o| (o.item.span, team_region(o.team)),
        );
        let empty = Vec::new();
        let bd = b.map_or(&empty, |o| &o.item.datasets);
        let hd = h.map_or(&empty, |o| &o.item.datasets);
        let (br, hr) = (
            b.map(|o| team_region(o.team)),
            h.map(|o| team_region(o.team)),
        );
        for (dsb, dsh) in pair(bd, hd, |d| &d.name.value) {
            let ds = either(dsb, dsh, |d| &d.name.value);
            if !matches!((dsb, dsh), (Some(x), Some(y)) if same_dataset(x, y) && br == hr) {
                push(
                    &mut out,
                    ElementId::Dataset(store.to_string(), ds.clone()),
                    dsb.map(|d| Side {
                        value: dataset_value(d),
                        span: d.span,
                        region: br.clone().unwrap_or(Region::Ecosystem),
                    }),
                    dsh.map(|d| Side {
                        value: dataset_value(d),
                        span: d.span,
                        region: hr.clone().unwrap_or(Region::Ecosystem),
                    }),
                );
            }
            let empty_c = Vec::new();
            let bc = dsb.map_or(&empty_c, |d| &d.columns);
            let hc = dsh.map_or(&empty_c, |d| &d.columns);
            for (cb, ch) in pair(bc, hc, |c| &c.name.value) {
                if let (Some(x), Some(y)) = (cb, ch) {
                    if same_column(x, y) && br == hr {
                        continue;
                    }
                }
                let col = either(cb, ch, |c| &c.name.value);
                let id = ElementId::Column(store.to_string(), ds.clone(), col);
                push(
                    &mut out,
                    id,
                    cb.map(|c| Side {
                        value: column_value(c),
                        span: c.span,
                        region: br.clone().unwrap_or(Region::Ecosystem),
                    }),
                    ch.map(|c| Side {
                        value: column_value(c),
                        span: c.span,
                        region: hr.clone().unwrap_or(Region::Ecosystem),
                    }),
                );
            }
        }
    }

    // Workspaces, their dataset groups, sinks and transformer.
    let mut workspaces: Vec<&str> = bix
        .workspaces
        .keys()
        .chain(hix.workspaces.keys())
        .copied()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    workspaces.sort_unstable();
    for ws in workspaces {
        let b = bix.workspaces.get(ws);
        let h = hix.workspaces.get(ws);
        let br = b.map(|o| team_region(o.team)).unwrap_or(Region::Ecosystem);
        let hr = h.map(|o| team_region(o.team)).unwrap_or(Region::Ecosystem);
        compare(
            &mut out,
            ElementId::Workspace(ws.to_string()),
            b.map(|o| (workspace_value(o.item), o.item.span, br.clone())),
            h.map(|o| (workspace_value(o.item), o.item.span, hr.clone())),
        );
        compare(
            &mut out,
            ElementId::Transformer(ws.to_string()),
            b.and_then(|o| o.item.transformer.as_ref())
                .map(|t| (transformer_value(t), t.span, br.clone())),
            h.and_then(|o| o.item.transformer.as_ref())
                .map(|t| (transformer_value(t), t.span, hr.clone())),
        );
        let empty = Vec::new();
        for (gb, gh) in pair(
            b.map_or(&empty, |o| &o.item.dsgs),
            h.map_or(&empty, |o| &o.item.dsgs),
            |g| &g.name.value,
        ) {
            let g = either(gb, gh, |g| &g.name.value);
            compare(
                &mut out,
                ElementId::Dsg(ws.to_string(), g.clone()),
                gb.map(|x| (dsg_value(x), x.span, br.clone())),
                gh.map(|x| (dsg_value(x), x.span, hr.clone())),
            );
            let key = |s: &Sink| (s.store.value.clone(), s.dataset.value.clone());
            let empty_s = Vec::new();
            let sb: HashMap<_, &Sink> = gb
                .map_or(&empty_s, |g| &g.sinks)
                .iter()
                .map(|s| (key(s), s))
                .collect();
            let sh: HashMap<_, &Sink> = gh
                .map_or(&empty_s, |g| &g.sinks)
                .iter()
                .map(|s| (key(s), s))
                .collect();
            let mut keys: Vec<_> = sb
                .keys()
                .chain(sh.keys())
                .cloned()
                .collect::<HashSet<_>>()
                .into_iter()
                .collect();
            keys.sort();
            for k in keys {
                compare(
                    &mut out,
                    ElementId::Sink(ws.to_string(), g.clone(), k.0.clone(), k.1.clone()),
                    sb.get(&k).map(|s| (sink_value(s), s.span, br.clone())),
                    sh.get(&k).map(|s| (sink_value(s), s.span, hr.clone())),
                );
            }
        }
    }

    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    Diff { changes: out }
}

fn team_region(t: &Team) -> Region {
    Region::Team(t.zone.value.clone(), t.name.value.clone())
}

fn either<T>(b: Option<&T>, h: Option<&T>, name: impl Fn(&T) -> &String) -> String {
    b.or(h).map(|x| name(x).clone()).unwrap_or_default()
}

/// Match two lists by name: zipped when the names line up (the usual case), else through a
/// map. Duplicates (already load errors) keep their first occurrence.
fn pair<'a, T>(
    base: &'a [T],
    head: &'a [T],
    name: impl Fn(&T) -> &String,
) -> Vec<(Option<&'a T>, Option<&'a T>)> {
    if base.len() == head.len() && base.iter().zip(head).all(|(a, b)| name(a) == name(b)) {
        return base
            .iter()
            .zip(head)
            .map(|(a, b)| (Some(a), Some(b)))
            .collect();
    }
    let mut hm: HashMap<&str, &'a T> = HashMap::with_capacity(head.len());
    for h in head {
        hm.entry(name(h).as_str()).or_insert(h);
    }
    let mut out = Vec::with_capacity(base.len().max(head.len()));
    let mut seen: HashSet<&str> = HashSet::with_capacity(base.len());
    for b in base {
        if seen.insert(name(b).as_str()) {
            out.push((Some(b), hm.get(name(b).as_str()).copied()));
        }
    }
    for h in head {
        if !seen.contains(name(h).as_str()) && std::ptr::eq(hm[name(h).as_str()], h) {
            out.push((None, Some(h)));
        }
    }
    out
}

fn push(out: &mut Vec<Change>, id: ElementId, base: Option<Side>, head: Option<Side>) {
    match (&base, &head) {
        (None, None) => {}
        (Some(b), Some(h)) if b.value == h.value && b.region == h.region => {}
        _ => out.push(Change { id, base, head }),
    }
}

fn compare(
    out: &mut Vec<Change>,
    id: ElementId,
    base: Option<(Value, Span, Region)>,
    head: Option<(Value, Span, Region)>,
) {
    let side = |(value, span, region)| Side {
        value,
        span,
        region,
    };
    push(out, id, base.map(side), head.map(side));
}

fn compare_with<T>(
    out: &mut Vec<Change>,
    id: ElementId,
    base: Option<&T>,
    head: Option<&T>,
    value: impl Fn(&T) -> Value,
    place: impl Fn(&T) -> (Span, Region),
) {
    let side = |x: &T| {
        let (span, region) = place(x);
        (value(x), span, region)
    };
    compare(out, id, base.map(side), head.map(side));
}

/// The elements of two lists paired by a composite key, sorted by key; the first of duplicate
/// keys wins (duplicates are DS008 at load).
fn keyed<'a, T, K: Ord + std::hash::Hash + Clone>(
    base: &'a [T],
    head: &'a [T],
    key: impl Fn(&T) -> K,
) -> Vec<(K, Option<&'a T>, Option<&'a T>)> {
    let mut bm: HashMap<K, &T> = HashMap::with_capacity(base.len());
    for x in base {
        bm.entry(key(x)).or_insert(x);
    }
    let mut hm: HashMap<K, &T> = HashMap::with_capacity(head.len());
    for x in head {
        hm.entry(key(x)).or_insert(x);
    }
    let mut keys: Vec<K> = bm
        .keys()
        .chain(hm.keys())
        .cloned()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    keys.sort();
    keys.into_iter()
        .map(|k| {
            let (b, h) = (bm.get(&k).copied(), hm.get(&k).copied());
            (k, b, h)
        })
        .collect()
}

/// Compare two lists of named elements of one region, pairing them by name.
#[allow(clippy::too_many_arguments)]
fn simple<T>(
    out: &mut Vec<Change>,
    base: &[T],
    head: &[T],
    name: impl Fn(&T) -> &String,
    id: impl Fn(String) -> ElementId,
    value: impl Fn(&T) -> Value,
    span: impl Fn(&T) -> Span,
    region: &Region,
) {
    let mut pairs = pair(base, head, &name);
    pairs.sort_by_key(|p| either(p.0, p.1, &name));
    for (b, h) in pairs {
        compare_with(out, id(either(b, h, &name)), b, h, &value, |x| {
            (span(x), region.clone())
        });
    }
}

// ---- cheap equality for the elements there are millions of ----

fn name_eq(a: &Option<Name>, b: &Option<Name>) -> bool {
    a.as_ref().map(|n| &n.value) == b.as_ref().map(|n| &n.value)
}

fn names_eq(a: &[Name], b: &[Name]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.value == y.value)
}

fn tags_eq(a: &[(Name, Name)], b: &[(Name, Name)]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut x: Vec<(&str, &str)> = a
        .iter()
        .map(|(k, v)| (k.value.as_str(), v.value.as_str()))
        .collect();
    let mut y: Vec<(&str, &str)> = b
        .iter()
        .map(|(k, v)| (k.value.as_str(), v.value.as_str()))
        .collect();
    x.sort_unstable();
    y.sort_unstable();
    x == y
}

type Classes = Option<crate::source::Spanned<Vec<crate::source::Spanned<values::Classification>>>>;

fn classes_eq(a: &Classes, b: &Classes) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => {
            x.value.len() == y.value.len()
                && x.value
                    .iter()
                    .zip(&y.value)
                    .all(|(p, q)| p.value == q.value)
        }
        _ => false,
    }
}

fn keys_eq(
    a: &Option<crate::source::Spanned<Vec<Name>>>,
    b: &Option<crate::source::Spanned<Vec<Name>>>,
) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => names_eq(&x.value, &y.value),
        _ => false,
    }
}

fn same_column(a: &Column, b: &Column) -> bool {
    a.name.value == b.name.value
        && a.ty.value == b.ty.value
        && a.key.value == b.key.value
        && a.nullable.value == b.nullable.value
        && classes_eq(&a.classification, &b.classification)
        && name_eq(&a.doc, &b.doc)
        && tags_eq(&a.tags, &b.tags)
}

fn same_dataset(a: &Dataset, b: &Dataset) -> bool {
    a.name.value == b.name.value
        && name_eq(&a.doc, &b.doc)
        && tags_eq(&a.tags, &b.tags)
        && classes_eq(&a.classification, &b.classification)
        && names_eq(&a.storage_policies, &b.storage_policies)
        && name_eq(&a.deprecated, &b.deprecated)
        && keys_eq(&a.primary_key, &b.primary_key)
        && keys_eq(&a.partition_key, &b.partition_key)
}

// ---- shallow canonical values ----

fn opt(v: &Option<Name>) -> Value {
    v.as_ref().map_or(Value::Null, |n| json!(n.value))
}

fn names(list: &[Name]) -> Value {
    Value::Array(list.iter().map(|n| json!(n.value)).collect())
}

fn tags(list: &[(Name, Name)]) -> Value {
    let mut items: Vec<(&str, &str)> = list
        .iter()
        .map(|(k, v)| (k.value.as_str(), v.value.as_str()))
        .collect();
    items.sort_unstable();
    Value::Object(
        items
            .into_iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect(),
    )
}

fn classification(c: &Classes) -> Value {
    c.as_ref().map_or(Value::Null, |l| {
        Value::Array(l.value.iter().map(|c| json!(c.value.to_string())).collect())
    })
}

fn ecosystem_value(e: &Ecosystem) -> Value {
    json!({
        "name": e.name.value, "owning_repo": e.owning_repo.value, "live_repo": opt(&e.live_repo),
        "doc": opt(&e.doc), "tags": tags(&e.tags),
    })
}

fn zone_decl_value(z: &ZoneDecl) -> Value {
    json!({ "repo": z.repo.value, "doc": opt(&z.doc) })
}

fn vendor_value(v: &Vendor) -> Value {
    fn locations(list: &[Location]) -> Value {
        let mut items: Vec<&Location> = list.iter().collect();
        items.sort_by(|a, b| a.name.value.cmp(&b.name.value));
        Value::Object(
            items
                .into_iter()
                .map(|l| {
                    (
                        l.name.value.clone(),
                        json!({ "doc": opt(&l.doc), "locations": locations(&l.locations) }),
                    )
                })
                .collect(),
        )
    }
    json!({ "cloud": v.cloud.value.as_str(), "doc": opt(&v.doc), "locations": locations(&v.locations) })
}

fn setting(v: &SettingValue) -> Value {
    match v {
        SettingValue::String(s) => json!(s),
        SettingValue::Bool(b) => json!(b),
        SettingValue::Number(n) => json!(n),
        SettingValue::List(items) => Value::Array(items.iter().map(setting).collect()),
        SettingValue::Map(entries) => {
            let mut e: Vec<&(String, SettingValue)> = entries.iter().collect();
            e.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                e.into_iter()
                    .map(|(k, v)| (k.clone(), setting(v)))
                    .collect(),
            )
        }
    }
}

fn platform_value(p: &Platform) -> Value {
    let mut settings: Vec<&(Name, crate::source::Spanned<SettingValue>)> =
        p.settings.iter().collect();
    settings.sort_by(|a, b| a.0.value.cmp(&b.0.value));
    json!({
        "target": p.target.value.as_str(), "milestoning": p.milestoning.value.as_str(),
        "locations": names(&p.locations), "credential_store": opt(&p.credential_store),
        "doc": opt(&p.doc), "tags": tags(&p.tags),
        "settings": Value::Object(settings.into_iter().map(|(k, v)| (k.value.clone(), setting(&v.value))).collect()),
    })
}

fn container_value(c: &Container) -> Value {
    let spec = match &c.spec {
        ContainerSpec::Database {
            host,
            port,
            database,
        } => {
            json!({ "host": host.value, "port": port.value, "database": database.value })
        }
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
        } => {
            json!({ "bucket": bucket.value, "prefix": opt(prefix), "endpoint": opt(endpoint) })
        }
        ContainerSpec::Kafka { bootstrap_servers } => {
            json!({ "bootstrap_servers": names(bootstrap_servers) })
        }
        ContainerSpec::AzureSql { server, database } => {
            json!({ "server": server.value, "database": database.value })
        }
        ContainerSpec::PlatformManaged => json!({}),
    };
    json!({
        "kind": c.kind.value.as_str(), "spec": spec, "locations": names(&c.locations),
        "doc": opt(&c.doc), "tags": tags(&c.tags),
    })
}

fn datastore_value(s: &Datastore) -> Value {
    let mut approvals: Vec<(String, Value)> = s
        .approvals
        .iter()
        .map(|a| {
            (
                format!("{}/{}/{}", a.workspace.value, a.dsg.value, a.dataset.value),
                json!({ "doc": opt(&a.doc) }),
            )
        })
        .collect();
    approvals.sort_by(|a, b| a.0.cmp(&b.0));
    json!({
        "doc": opt(&s.doc), "tags": tags(&s.tags), "production": s.production.value,
        "deprecated": opt(&s.deprecated), "require_approval": s.require_approval.value,
        "capture": s.capture.as_ref().map(|c| json!({
            "kind": c.kind.value.as_str(), "container": c.container.value, "credential": opt(&c.credential),
            "consistency": c.consistency.value.as_str(), "trigger": c.trigger.value,
            "watermark_column": opt(&c.watermark_column), "tables": tags(&c.tables), "topics": tags(&c.topics),
            "doc": opt(&c.doc),
        })),
        "approvals": Value::Object(approvals.into_iter().collect()),
    })
}

fn dataset_value(d: &Dataset) -> Value {
    json!({
        "doc": opt(&d.doc), "tags": tags(&d.tags), "classification": classification(&d.classification),
        "storage_policies": names(&d.storage_policies), "deprecated": opt(&d.deprecated),
        "primary_key": d.primary_key.as_ref().map(|k| names(&k.value)),
        "partition_key": d.partition_key.as_ref().map(|k| names(&k.value)),
    })
}

fn column_value(c: &Column) -> Value {
    json!({
        "type": c.ty.value.as_ref().map(|t| t.to_string()), "key": c.key.value, "nullable": c.nullable.value,
        "classification": classification(&c.classification), "doc": opt(&c.doc), "tags": tags(&c.tags),
    })
}

fn workspace_value(w: &Workspace) -> Value {
    json!({
        "doc": opt(&w.doc), "tags": tags(&w.tags), "container": w.container.value,
        "priority": w.priority.value.as_str(), "production": w.production.value,
        "classification_policy": w.classification_policy.as_ref().map(|p| json!({
            "allowed": names(&p.allowed), "not_allowed": names(&p.not_allowed),
        })),
    })
}

fn dsg_value(g: &DatasetGroup) -> Value {
    json!({
        "doc": opt(&g.doc), "tags": tags(&g.tags), "platform": opt(&g.platform),
        "requirements": g.requirements.as_ref().map(|r| json!({
            "milestoning": r.milestoning.value.as_str(), "latency": r.latency.value.as_str(),
            "retention": r.retention.as_ref().map(|d| d.value.to_string()),
            "regulator": opt(&r.regulator), "doc": opt(&r.doc),
        })),
    })
}

fn sink_value(s: &Sink) -> Value {
    json!({ "deprecations": s.deprecations.value.as_str(), "doc": opt(&s.doc) })
}

fn transformer_value(t: &Transformer) -> Value {
    json!({
        "name": t.name.value, "output": t.output.value,
        "code": match &t.code {
            Some(CodeSource::Repo(r)) => json!({ "repo": r.value }),
            Some(CodeSource::Image(i)) => json!({ "image": i.value }),
            None => Value::Null,
        },
        "trigger": opt(&t.trigger), "doc": opt(&t.doc), "tags": tags(&t.tags),
    })
}
