//! `dsgen plan`: what rendering head instead of base adds, changes and removes, per platform,
//! per file and per deployed object, and how much each change matters.
//!
//! Both revisions are rendered in memory with the resource inventory ([`crate::target::resource`]).
//! Resources are matched by (platform, kind, name); a removed and an added resource of one kind
//! are a rename when they come from the same model element or share the kind's rename keys.
//! Each change is classified by the kind's row of [`classify`] (safe, needs attention,
//! destructive) and names the workspaces behind it (`model::deps`, on head for what is added or
//! changed and on base for what is removed). Files are compared byte for byte first; only
//! changed files get a unified diff. [`report`] renders the plan as text, Markdown or JSON.
//!
//! The core ([`compare`]) takes rendered sides and returns data; [`revisions`] reads and
//! renders two git revisions.

pub mod classify;
pub mod report;
pub mod revisions;

use crate::check::impact::{self, Affected};
use crate::model::index::ModelIndex;
use crate::model::Model;
use crate::render::tree::FileTree;
use crate::target::resource::{Element, PlacedResource, ResourceKind};
use classify::Class;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One rendered revision, as the plan needs it.
pub struct Side {
    pub model: Model,
    /// The render's tree (`<platform>/...`), without `MANIFEST.json`.
    pub tree: FileTree,
    /// Sorted by platform, kind and name.
    pub resources: Vec<PlacedResource>,
    /// The intention graphs the render used (drawn in the Markdown without rebuilding them).
    pub graphs: crate::graph::Graphs,
}

/// What happens to a resource or a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Added,
    Changed,
    Renamed,
    Removed,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Added => "added",
            Action::Changed => "changed",
            Action::Renamed => "renamed",
            Action::Removed => "removed",
        }
    }
}

/// Who is behind a changed resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consumers {
    /// The workspaces depending on the resource's store, dataset or workspace.
    Workspaces(Vec<Affected>),
    /// A platform-wide resource: every workspace served by the platform.
    Platform,
}

/// One deployed object that is added, changed, renamed or removed.
#[derive(Debug, Clone)]
pub struct ResourceChange {
    pub kind: ResourceKind,
    /// The name in head (in base for a removal).
    pub name: String,
    pub action: Action,
    pub class: Class,
    /// Why, most severe first.
    pub reasons: Vec<String>,
    /// Paths of the spec values that differ (changes and renames), object keys joined by `/`.
    pub changed_keys: Vec<String>,
    /// The base name of a renamed resource.
    pub renamed_from: Option<String>,
    /// The file defining it (`<platform>/...`), in head (in base for a removal).
    pub file: String,
    pub element: Element,
    /// The base element of a renamed resource, when it differs.
    pub previous_element: Option<Element>,
    pub consumers: Consumers,
}

/// One rendered file that is added, changed or removed.
#[derive(Debug, Clone)]
pub struct FileChange {
    /// `<platform>/...`.
    pub path: String,
    pub action: Action,
    /// Line counts of the change (for an added file: its lines; a removed one: its lines).
    pub lines_added: usize,
    pub lines_removed: usize,
    /// The unified diff (`a/PATH`, `b/PATH`) of a changed text file.
    pub diff: Option<String>,
    /// A side is not UTF-8 text: no diff.
    pub binary: bool,
}

/// The plan of one platform.
#[derive(Debug, Clone)]
pub struct PlatformPlan {
    pub platform: String,
    pub target: String,
    /// Most severe first, then kind and name.
    pub resources: Vec<ResourceChange>,
    /// Sorted by path.
    pub files: Vec<FileChange>,
}

impl PlatformPlan {
    pub fn has_changes(&self) -> bool {
        !self.resources.is_empty() || !self.files.is_empty()
    }
}

/// A platform of either revision that the plan leaves out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotPlanned {
    pub platform: String,
    pub target: String,
    pub reason: String,
}

/// A revision as the plan names it.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionInfo {
    /// As given on the command line.
    pub rev: String,
    /// The commit it resolved to.
    pub commit: String,
    /// Whether the model exists at this revision (false: the initial check-in's base).
    pub model: bool,
}

/// The whole plan.
#[derive(Debug, Clone)]
pub struct Plan {
    pub base: RevisionInfo,
    pub head: RevisionInfo,
    /// Every planned platform, sorted by name, changed or not.
    pub platforms: Vec<PlatformPlan>,
    pub not_planned: Vec<NotPlanned>,
    /// The stores, datasets and workspaces behind the changes, in head and (removals) base.
    pub changed_elements: ChangedElements,
    /// The Mermaid sub-graphs of the changed elements (when asked for: Markdown).
    pub drawings: Option<report::Drawings>,
}

/// The model elements behind the resource changes, for the Markdown graph.
#[derive(Debug, Clone, Default)]
pub struct ChangedElements {
    /// Elements of added, changed and renamed resources (as in head).
    pub head: Vec<crate::graph::Element>,
    /// Elements of removed resources (and the old side of renames), as in base.
    pub base: Vec<crate::graph::Element>,
}

/// Counts by class and by file action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub destructive: usize,
    pub needs_attention: usize,
    pub safe: usize,
    pub resources_added: usize,
    pub resources_changed: usize,
    pub resources_renamed: usize,
    pub resources_removed: usize,
    pub files_added: usize,
    pub files_changed: usize,
    pub files_removed: usize,
}

impl Counts {
    fn add(&mut self, p: &PlatformPlan) {
        for r in &p.resources {
            match r.class {
                Class::Destructive => self.destructive += 1,
                Class::NeedsAttention => self.needs_attention += 1,
                Class::Safe => self.safe += 1,
            }
            match r.action {
                Action::Added => self.resources_added += 1,
                Action::Changed => self.resources_changed += 1,
                Action::Renamed => self.resources_renamed += 1,
                Action::Removed => self.resources_removed += 1,
            }
        }
        for f in &p.files {
            match f.action {
                Action::Added => self.files_added += 1,
                Action::Removed => self.files_removed += 1,
                Action::Changed | Action::Renamed => self.files_changed += 1,
            }
        }
    }
}

impl Plan {
    pub fn has_changes(&self) -> bool {
        self.platforms.iter().any(PlatformPlan::has_changes)
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for p in &self.platforms {
            c.add(p);
        }
        c
    }

    /// The most severe class of any resource change (`None` without resource changes).
    pub fn class(&self) -> Option<Class> {
        self.platforms
            .iter()
            .flat_map(|p| p.resources.iter().map(|r| r.class))
            .max()
    }
}

/// A platform to plan: its name and target (as in head, else as in base).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub platform: String,
    pub target: String,
}

/// Compare two rendered sides over the `planned` platforms (`base` is `None` for the initial
/// check-in: everything is added).
pub fn compare(
    base: Option<&Side>,
    head: &Side,
    planned: &[Planned],
) -> (Vec<PlatformPlan>, ChangedElements) {
    let empty = FileTree::new();
    let files = compare_files(base.map_or(&empty, |b| &b.tree), &head.tree);
    let raw = match_resources(base.map_or(&[][..], |b| &b.resources[..]), &head.resources);
    let mut elements_head = BTreeSet::new();
    let mut elements_base = BTreeSet::new();
    let mut consumers = ConsumerCache::new(base.map(|b| &b.model), &head.model);
    let mut changes: BTreeMap<&str, Vec<ResourceChange>> = BTreeMap::new();
    for m in raw {
        let change = judge(&m, &mut consumers);
        let (on_head, on_base): (Option<&Element>, Option<&Element>) = match m {
            Matched::Added(h) => (Some(&h.resource.element), None),
            Matched::Removed(b) => (None, Some(&b.resource.element)),
            Matched::Changed(_, h) => (Some(&h.resource.element), None),
            Matched::Renamed(b, h) => (Some(&h.resource.element), Some(&b.resource.element)),
        };
        elements_head.extend(on_head.and_then(graph_element));
        elements_base.extend(on_base.and_then(graph_element));
        let platform = match m {
            Matched::Added(r) | Matched::Removed(r) | Matched::Changed(_, r) => &r.platform,
            Matched::Renamed(_, h) => &h.platform,
        };
        changes.entry(platform.as_str()).or_default().push(change);
    }
    let mut by_platform_files: BTreeMap<String, Vec<FileChange>> = BTreeMap::new();
    for f in files {
        let platform = f.path.split('/').next().unwrap_or("").to_string();
        by_platform_files.entry(platform).or_default().push(f);
    }
    let mut out = Vec::with_capacity(planned.len());
    for p in planned {
        let mut resources = changes.remove(p.platform.as_str()).unwrap_or_default();
        resources.sort_by(|a, b| {
            (b.class, a.kind, &a.name, a.action).cmp(&(a.class, b.kind, &b.name, b.action))
        });
        out.push(PlatformPlan {
            platform: p.platform.clone(),
            target: p.target.clone(),
            resources,
            files: by_platform_files.remove(&p.platform).unwrap_or_default(),
        });
    }
    out.sort_by(|a, b| a.platform.cmp(&b.platform));
    (
        out,
        ChangedElements {
            head: elements_head.into_iter().collect(),
            base: elements_base.into_iter().collect(),
        },
    )
}

fn graph_element(e: &Element) -> Option<crate::graph::Element> {
    use crate::graph::Element as G;
    match e {
        Element::Platform(_) => None,
        Element::Store(s) => Some(G::Store(s.clone())),
        Element::Dataset(s, d) => Some(G::Dataset(s.clone(), d.clone())),
        Element::Workspace(w) => Some(G::Workspace(w.clone())),
    }
}

/// Files of both trees, merged by path; only files whose bytes differ are diffed (in parallel).
fn compare_files(base: &FileTree, head: &FileTree) -> Vec<FileChange> {
    // (path, bytes in base, bytes in head) of every file that differs.
    type Pending<'t> = (&'t str, Option<&'t [u8]>, Option<&'t [u8]>);
    let mut pending: Vec<Pending> = Vec::new();
    let mut b = base.iter().peekable();
    let mut h = head.iter().peekable();
    loop {
        match (b.peek(), h.peek()) {
            (None, None) => break,
            (Some(&(bp, bb)), Some(&(hp, hb))) if bp == hp => {
                if bb != hb {
                    pending.push((hp, Some(bb), Some(hb)));
                }
                b.next();
                h.next();
            }
            (Some(&(bp, bb)), Some(&(hp, _))) if bp < hp => {
                pending.push((bp, Some(bb), None));
                b.next();
            }
            (Some(&(bp, bb)), None) => {
                pending.push((bp, Some(bb), None));
                b.next();
            }
            (_, Some(&(hp, hb))) => {
                pending.push((hp, None, Some(hb)));
                h.next();
            }
        }
    }
    pending
        .into_par_iter()
        .map(|(path, old, new)| file_change(path, old, new))
        .collect()
}

/// Longest a single file diff may take before similar falls back to a coarser diff.
const DIFF_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

fn file_change(path: &str, old: Option<&[u8]>, new: Option<&[u8]>) -> FileChange {
    let lines = |t: &str| t.lines().count();
    match (old.map(std::str::from_utf8), new.map(std::str::from_utf8)) {
        (None, Some(n)) => FileChange {
            path: path.to_string(),
            action: Action::Added,
            lines_added: n.map_or(0, lines),
            lines_removed: 0,
            diff: None,
            binary: n.is_err(),
        },
        (Some(o), None) => FileChange {
            path: path.to_string(),
            action: Action::Removed,
            lines_added: 0,
            lines_removed: o.map_or(0, lines),
            diff: None,
            binary: o.is_err(),
        },
        (Some(Ok(o)), Some(Ok(n))) => {
            let diff = similar::TextDiff::configure()
                .timeout(DIFF_TIMEOUT)
                .diff_lines(o, n);
            let (mut added, mut removed) = (0, 0);
            for op in diff.ops() {
                for change in diff.iter_changes(op) {
                    match change.tag() {
                        similar::ChangeTag::Insert => added += 1,
                        similar::ChangeTag::Delete => removed += 1,
                        similar::ChangeTag::Equal => {}
                    }
                }
            }
            let text = diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_string();
            FileChange {
                path: path.to_string(),
                action: Action::Changed,
                lines_added: added,
                lines_removed: removed,
                diff: Some(text),
                binary: false,
            }
        }
        _ => FileChange {
            path: path.to_string(),
            action: Action::Changed,
            lines_added: 0,
            lines_removed: 0,
            diff: None,
            binary: true,
        },
    }
}

/// A resource matched across the revisions.
enum Matched<'a> {
    Added(&'a PlacedResource),
    Removed(&'a PlacedResource),
    Changed(&'a PlacedResource, &'a PlacedResource),
    Renamed(&'a PlacedResource, &'a PlacedResource),
}

type Key<'a> = (&'a str, ResourceKind, &'a str);

fn key(r: &PlacedResource) -> Key<'_> {
    (&r.platform, r.resource.kind, &r.resource.name)
}

/// Match resources by (platform, kind, name) (both lists sorted by it), then pair removals and
/// additions of one kind into renames.
fn match_resources<'a>(base: &'a [PlacedResource], head: &'a [PlacedResource]) -> Vec<Matched<'a>> {
    let mut out = Vec::new();
    let mut removed: Vec<&PlacedResource> = Vec::new();
    let mut added: Vec<&PlacedResource> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < base.len() || j < head.len() {
        let order = match (base.get(i), head.get(j)) {
            (Some(b), Some(h)) => key(b).cmp(&key(h)),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Equal => {
                if base[i].resource.spec != head[j].resource.spec {
                    out.push(Matched::Changed(&base[i], &head[j]));
                }
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                removed.push(&base[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                added.push(&head[j]);
                j += 1;
            }
        }
    }
    let renames = pair_renames(&removed, &added);
    let mut paired_removed: BTreeSet<usize> = BTreeSet::new();
    let mut paired_added: BTreeSet<usize> = BTreeSet::new();
    for (r, a) in renames {
        paired_removed.insert(r);
        paired_added.insert(a);
        out.push(Matched::Renamed(removed[r], added[a]));
    }
    for (n, r) in removed.iter().enumerate() {
        if !paired_removed.contains(&n) {
            out.push(Matched::Removed(r));
        }
    }
    for (n, a) in added.iter().enumerate() {
        if !paired_added.contains(&n) {
            out.push(Matched::Added(a));
        }
    }
    out
}

/// Indexes of the removed and the added resources that share a key.
type Candidates = (Vec<usize>, Vec<usize>);

/// Pairs (index in `removed`, index in `added`) that are one object under two names: first by
/// model element (exactly one removed and one added of a platform and kind), then by the kind's
/// rename keys (again only unique matches).
fn pair_renames(removed: &[&PlacedResource], added: &[&PlacedResource]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut taken_r = vec![false; removed.len()];
    let mut taken_a = vec![false; added.len()];
    // Pass 1: the same element.
    let mut by_element: HashMap<(&str, ResourceKind, &Element), Candidates> = HashMap::new();
    for (n, r) in removed.iter().enumerate() {
        by_element
            .entry((&r.platform, r.resource.kind, &r.resource.element))
            .or_default()
            .0
            .push(n);
    }
    for (n, a) in added.iter().enumerate() {
        if let Some(e) = by_element.get_mut(&(&a.platform, a.resource.kind, &a.resource.element)) {
            e.1.push(n);
        }
    }
    for (rs, as_) in by_element.values() {
        if let ([r], [a]) = (rs.as_slice(), as_.as_slice()) {
            pairs.push((*r, *a));
            taken_r[*r] = true;
            taken_a[*a] = true;
        }
    }
    // Pass 2: the same fingerprint.
    let mut by_print: HashMap<(&str, ResourceKind, String), Candidates> = HashMap::new();
    for (n, r) in removed.iter().enumerate().filter(|(n, _)| !taken_r[*n]) {
        if let Some(f) = classify::fingerprint(r.resource.kind, &r.resource.spec.value()) {
            by_print
                .entry((&r.platform, r.resource.kind, f))
                .or_default()
                .0
                .push(n);
        }
    }
    for (n, a) in added.iter().enumerate().filter(|(n, _)| !taken_a[*n]) {
        if let Some(f) = classify::fingerprint(a.resource.kind, &a.resource.spec.value()) {
            if let Some(e) = by_print.get_mut(&(&a.platform, a.resource.kind, f)) {
                e.1.push(n);
            }
        }
    }
    for (rs, as_) in by_print.values() {
        if let ([r], [a]) = (rs.as_slice(), as_.as_slice()) {
            pairs.push((*r, *a));
        }
    }
    pairs.sort_unstable();
    pairs
}

fn judge(m: &Matched, consumers: &mut ConsumerCache) -> ResourceChange {
    let base_change = |r: &PlacedResource, action: Action, o: classify::Outcome| ResourceChange {
        kind: r.resource.kind,
        name: r.resource.name.clone(),
        action,
        class: o.class,
        reasons: vec![o.reason.to_string()],
        changed_keys: Vec::new(),
        renamed_from: None,
        file: r.resource.file.clone(),
        element: r.resource.element.clone(),
        previous_element: None,
        consumers: Consumers::Platform,
    };
    match *m {
        Matched::Added(h) => {
            let mut c = base_change(h, Action::Added, classify::rules(h.resource.kind).added);
            c.consumers = consumers.of(&h.resource.element, Which::Head);
            c
        }
        Matched::Removed(b) => {
            let mut c = base_change(b, Action::Removed, classify::rules(b.resource.kind).removed);
            c.consumers = consumers.of(&b.resource.element, Which::Base);
            c
        }
        Matched::Changed(b, h) => {
            let j = classify::changed(
                h.resource.kind,
                &b.resource.spec.value(),
                &h.resource.spec.value(),
            );
            let mut c = base_change(h, Action::Changed, classify::rules(h.resource.kind).added);
            c.class = j.class;
            c.reasons = j.reasons;
            c.changed_keys = j.changed_keys;
            c.consumers = consumers.of(&h.resource.element, Which::Head);
            c
        }
        Matched::Renamed(b, h) => {
            let mut c = base_change(h, Action::Renamed, classify::rules(h.resource.kind).renamed);
            c.renamed_from = Some(b.resource.name.clone());
            let mut keys = Vec::new();
            classify::changed_paths(
                &b.resource.spec.value(),
                &h.resource.spec.value(),
                "",
                &mut keys,
            );
            c.changed_keys = keys;
            if b.resource.element != h.resource.element {
                c.previous_element = Some(b.resource.element.clone());
            }
            let old = consumers.of(&b.resource.element, Which::Base);
            let new = consumers.of(&h.resource.element, Which::Head);
            c.consumers = match (old, new) {
                (Consumers::Workspaces(mut a), Consumers::Workspaces(b)) => {
                    a.extend(b);
                    a.sort();
                    a.dedup_by(|x, y| x.workspace == y.workspace);
                    Consumers::Workspaces(a)
                }
                _ => Consumers::Platform,
            };
            c
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Which {
    Base,
    Head,
}

/// The workspaces behind model elements, computed once per element and revision (indexes are
/// built on first use: a plan without resource changes builds none).
struct ConsumerCache<'m> {
    base: Option<&'m Model>,
    head: &'m Model,
    base_ix: Option<ModelIndex<'m>>,
    head_ix: Option<ModelIndex<'m>>,
    known: HashMap<(Which, Element), Vec<Affected>>,
}

impl<'m> ConsumerCache<'m> {
    fn new(base: Option<&'m Model>, head: &'m Model) -> ConsumerCache<'m> {
        ConsumerCache {
            base,
            head,
            base_ix: None,
            head_ix: None,
            known: HashMap::new(),
        }
    }

    fn of(&mut self, e: &Element, which: Which) -> Consumers {
        if let Element::Platform(_) = e {
            return Consumers::Platform;
        }
        if let Some(found) = self.known.get(&(which, e.clone())) {
            return Consumers::Workspaces(found.clone());
        }
        let ix = match which {
            Which::Head => self
                .head_ix
                .get_or_insert_with(|| ModelIndex::new(self.head)),
            Which::Base => match self.base {
                Some(m) => self.base_ix.get_or_insert_with(|| ModelIndex::new(m)),
                None => return Consumers::Workspaces(Vec::new()),
            },
        };
        let found = match e {
            Element::Platform(_) => Vec::new(),
            Element::Store(s) => impact::affected(ix, s, None),
            Element::Dataset(s, d) => impact::affected(ix, s, Some(d)),
            Element::Workspace(w) => match ix.workspaces.get(w.as_str()) {
                Some(owned) => {
                    let zone = owned.team.zone.value.clone();
                    let team = owned.team.name.value.clone();
                    vec![Affected {
                        workspace: w.clone(),
                        repo: impact::team_repo(ix, &zone, &team),
                        zone,
                        team,
                        via: Vec::new(),
                    }]
                }
                None => Vec::new(),
            },
        };
        self.known.insert((which, e.clone()), found.clone());
        Consumers::Workspaces(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::resource::Resource;
    use serde_json::json;

    fn res(
        kind: ResourceKind,
        name: &str,
        element: Element,
        spec: serde_json::Value,
    ) -> PlacedResource {
        PlacedResource {
            platform: "P".into(),
            target: "kafka-connect".into(),
            resource: Resource {
                kind,
                name: name.into(),
                file: format!("P/{name}.json"),
                spec: spec.into(),
                element,
            },
        }
    }

    fn sorted(mut v: Vec<PlacedResource>) -> Vec<PlacedResource> {
        v.sort_by(|a, b| key(a).cmp(&key(b)));
        v
    }

    fn side(resources: Vec<PlacedResource>, files: &[(&str, &str)]) -> Side {
        let mut tree = FileTree::new();
        for (p, t) in files {
            tree.text(p, t.to_string()).unwrap();
        }
        Side {
            model: crate::load::load_files(Vec::new()).model,
            tree,
            resources: sorted(resources),
            graphs: crate::graph::Graphs::default(),
        }
    }

    fn planned() -> Vec<Planned> {
        vec![Planned {
            platform: "P".into(),
            target: "kafka-connect".into(),
        }]
    }

    fn source(slot: &str, host: &str) -> serde_json::Value {
        json!({"connector.class": "io.debezium.connector.postgresql.PostgresConnector",
               "database.hostname": host, "database.dbname": "shop",
               "table.include.list": "public\\.orders", "slot.name": slot})
    }

    #[test]
    fn a_store_rename_pairs_the_source_connectors_by_their_database() {
        let base = side(
            vec![res(
                ResourceKind::SourceConnector,
                "p-orders-source",
                Element::Store("Orders".into()),
                source("p_orders", "db1"),
            )],
            &[],
        );
        let head = side(
            vec![res(
                ResourceKind::SourceConnector,
                "p-shop-source",
                Element::Store("Shop".into()),
                source("p_shop", "db1"),
            )],
            &[],
        );
        let (plans, elements) = compare(Some(&base), &head, &planned());
        let r = &plans[0].resources;
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].action, Action::Renamed);
        assert_eq!(r[0].class, Class::Destructive);
        assert_eq!(r[0].renamed_from.as_deref(), Some("p-orders-source"));
        assert_eq!(r[0].changed_keys, ["slot.name"]);
        assert_eq!(r[0].previous_element, Some(Element::Store("Orders".into())));
        assert_eq!(
            elements.base,
            [crate::graph::Element::Store("Orders".into())]
        );
        assert_eq!(elements.head, [crate::graph::Element::Store("Shop".into())]);

        // Another database: a removal and an addition, not a rename.
        let other = side(
            vec![res(
                ResourceKind::SourceConnector,
                "p-shop-source",
                Element::Store("Shop".into()),
                source("p_shop", "db2"),
            )],
            &[],
        );
        let (plans, _) = compare(Some(&base), &other, &planned());
        let actions: Vec<(Action, Class)> = plans[0]
            .resources
            .iter()
            .map(|r| (r.action, r.class))
            .collect();
        assert_eq!(
            actions,
            [
                (Action::Removed, Class::Destructive),
                (Action::Added, Class::Safe)
            ]
        );
    }

    #[test]
    fn ambiguous_renames_stay_removals_and_additions() {
        let e = Element::Dataset("S".into(), "d".into());
        let sink = |n: &str| {
            res(
                ResourceKind::SinkConnector,
                n,
                e.clone(),
                json!({"topics": n}),
            )
        };
        let base = side(vec![sink("a1"), sink("a2")], &[]);
        let head = side(vec![sink("b1"), sink("b2")], &[]);
        let (plans, _) = compare(Some(&base), &head, &planned());
        assert!(plans[0]
            .resources
            .iter()
            .all(|r| r.action != Action::Renamed));
        assert_eq!(plans[0].resources.len(), 4);
        // One each, same element: a rename.
        let base = side(vec![sink("a1")], &[]);
        let head = side(vec![sink("b1")], &[]);
        let (plans, _) = compare(Some(&base), &head, &planned());
        assert_eq!(plans[0].resources[0].action, Action::Renamed);
        assert_eq!(plans[0].resources[0].class, Class::NeedsAttention);
    }

    #[test]
    fn files_are_diffed_only_when_they_differ() {
        let base = side(
            vec![],
            &[
                ("P/a.txt", "one\ntwo\n"),
                ("P/b.txt", "same\n"),
                ("P/c.txt", "gone\n"),
            ],
        );
        let head = side(
            vec![],
            &[
                ("P/a.txt", "one\nthree\n"),
                ("P/b.txt", "same\n"),
                ("P/d.txt", "new\nfile\n"),
            ],
        );
        let (plans, _) = compare(Some(&base), &head, &planned());
        let files: Vec<(&str, Action, usize, usize)> = plans[0]
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.action, f.lines_added, f.lines_removed))
            .collect();
        assert_eq!(
            files,
            [
                ("P/a.txt", Action::Changed, 1, 1),
                ("P/c.txt", Action::Removed, 0, 1),
                ("P/d.txt", Action::Added, 2, 0),
            ]
        );
        let diff = plans[0].files[0].diff.as_deref().unwrap();
        assert!(diff.starts_with("--- a/P/a.txt\n+++ b/P/a.txt\n"), "{diff}");
        assert!(diff.contains("-two\n+three\n"), "{diff}");
    }

    #[test]
    fn the_initial_plan_adds_everything_and_nothing_is_unchanged() {
        let head = side(
            vec![res(
                ResourceKind::ConnectCluster,
                "c",
                Element::Platform("P".into()),
                json!({"replicas": 1}),
            )],
            &[("P/x.yaml", "a: 1\n")],
        );
        let (plans, _) = compare(None, &head, &planned());
        assert_eq!(plans[0].resources[0].action, Action::Added);
        assert_eq!(plans[0].resources[0].consumers, Consumers::Platform);
        assert_eq!(plans[0].files[0].action, Action::Added);
        let (same, _) = compare(Some(&head), &head, &planned());
        assert!(!same[0].has_changes());
    }
}
