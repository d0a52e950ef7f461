//! The intention graph: one petgraph graph per platform, built from the placement.
//!
//! Node keys (DESIGN.md, "Placement and the intention graph"): `ingest/{store}` for a
//! multi_dataset capture (and for a transformer's output or a store without capture),
//! `ingest/{store}/{dataset}` for a single_dataset capture, `export/{container}/{store}/{dataset}`
//! shared by every workspace of the platform on that container (`platform_managed` included),
//! `trigger/{workspace}` and `transform/{workspace}` for a transformer. Edges: ingest → export;
//! for a transformer, the exports of its inputs → trigger → transform → ingest of its output.
//!
//! Transformers may read each other's outputs in a cycle, which is legal: such a platform graph
//! is then not acyclic. The edges are kept as they are (they are what runs) and every cycle (a
//! strongly connected component of more than one node) is listed in [`PlatformGraph::cycles`];
//! nothing here walks the graph without a visited set, so nothing hangs.
//!
//! Determinism: nodes are inserted in key order (so `NodeIndex` order is key order) and edges in
//! (from, to) key order; every list attribute is sorted. The model's file order never matters.

mod focus;
mod render;

pub use focus::{focus, Element};
pub use render::{to_dot, to_json, to_mermaid};

/// The Mermaid sub-graph around some elements (their upstream and downstream on every platform
/// where they appear), for the merge gate's summary of what a change touches. Platforms where
/// none of the elements appears are left out; with none at all the flowchart is empty.
pub fn mermaid_focus(graphs: &Graphs, elements: &[Element]) -> String {
    let focused: Vec<PlatformGraph> = graphs
        .platforms
        .iter()
        .filter_map(|g| focus(g, elements))
        .collect();
    to_mermaid(&focused)
}

use crate::broker::{OnPlatform, Placement};
use crate::model::index::ModelIndex;
use crate::model::{Capture, Consistency, Dataset, Datastore, Priority};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::Direction;
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    Ingest,
    Export,
    Trigger,
    Transform,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Ingest => "ingest",
            NodeKind::Export => "export",
            NodeKind::Trigger => "trigger",
            NodeKind::Transform => "transform",
        }
    }
}

/// Where an ingest node's rows come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The store's own capture.
    Capture {
        kind: &'static str,
        consistency: &'static str,
        container: String,
        credential: Option<String>,
        trigger: String,
    },
    /// A primary platform's merge tables (`primary_ingestion`).
    Primary { platform: String },
    /// The transformer of this workspace, running on the same platform.
    Transformer { workspace: String },
    /// The store has no capture and no transformer writes it here.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub key: String,
    pub kind: NodeKind,
    pub store: Option<String>,
    pub dataset: Option<String>,
    /// Export: the consumers' container.
    pub container: Option<String>,
    /// Trigger and transform: the transformer's workspace.
    pub workspace: Option<String>,
    /// Ingest only.
    pub source: Option<Source>,
    /// Trigger: the transformer's cron, or `None` when it runs whenever its inputs change.
    pub schedule: Option<String>,
    /// Transform: the transformer's name, its output datastore and its code.
    pub transformer: Option<String>,
    pub output: Option<String>,
    pub code: Option<String>,
    /// Highest priority of every workspace that depends on the node, through transformers.
    pub priority: Priority,
    /// Workspaces that read this node's data directly (see docs/graph.md), sorted.
    pub consumers: Vec<String>,
    /// Ingest on a primary platform: the platforms that read it from here, sorted.
    pub feeds: Vec<String>,
}

impl Node {
    fn new(key: String, kind: NodeKind) -> Node {
        Node {
            key,
            kind,
            store: None,
            dataset: None,
            container: None,
            workspace: None,
            source: None,
            schedule: None,
            transformer: None,
            output: None,
            code: None,
            priority: Priority::Unknown,
            consumers: Vec::new(),
            feeds: Vec::new(),
        }
    }
}

/// The graph of one platform.
#[derive(Debug, Clone)]
pub struct PlatformGraph {
    pub platform: String,
    pub target: &'static str,
    pub milestoning: &'static str,
    pub graph: DiGraph<Node, ()>,
    /// Node index by key.
    pub keys: HashMap<String, NodeIndex>,
    /// Each cycle's node keys, sorted; cycles sorted.
    pub cycles: Vec<Vec<String>>,
}

impl PlatformGraph {
    pub fn node(&self, key: &str) -> Option<&Node> {
        self.keys.get(key).map(|i| &self.graph[*i])
    }

    /// Edges as (from key, to key), sorted.
    pub fn edges(&self) -> Vec<(&str, &str)> {
        let mut e: Vec<(&str, &str)> = self
            .graph
            .edge_indices()
            .filter_map(|e| self.graph.edge_endpoints(e))
            .map(|(a, b)| (self.graph[a].key.as_str(), self.graph[b].key.as_str()))
            .collect();
        e.sort_unstable();
        e
    }

    /// Nodes in key order.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.graph.node_indices().map(move |i| &self.graph[i])
    }
}

/// Every platform's graph, sorted by platform name.
#[derive(Debug, Clone, Default)]
pub struct Graphs {
    pub platforms: Vec<PlatformGraph>,
}

impl Graphs {
    pub fn platform(&self, name: &str) -> Option<&PlatformGraph> {
        self.platforms.iter().find(|p| p.platform == name)
    }
}

/// The ingest key of (store, dataset): per dataset for a single_dataset capture.
pub fn ingest_key(ix: &ModelIndex, store: &str, dataset: &str) -> String {
    let single = ix
        .datastores
        .get(store)
        .and_then(|s| s.item.capture.as_ref())
        .is_some_and(|c| c.consistency.value == Consistency::SingleDataset);
    if single {
        format!("ingest/{store}/{dataset}")
    } else {
        format!("ingest/{store}")
    }
}

/// An ingest node fed by its store's own capture: what a platform deploys a connector, a
/// merge job and merge tables for.
#[derive(Debug, Clone, Copy)]
pub struct CapturedIngest<'g, 'm> {
    pub node: &'g Node,
    /// The store's name (the node's `store`).
    pub store_name: &'g str,
    pub store: &'m Datastore,
    pub capture: &'m Capture,
}

/// The platform's ingest nodes fed by their store's own capture, in key order. Nodes reading a
/// primary platform's merge tables, a transformer's output or nothing are left out.
pub fn captured_ingests<'g, 'm>(
    ix: &'g ModelIndex<'m>,
    graph: &'g PlatformGraph,
) -> impl Iterator<Item = CapturedIngest<'g, 'm>> + 'g {
    graph.nodes().filter_map(move |node| {
        if node.kind != NodeKind::Ingest || !matches!(node.source, Some(Source::Capture { .. })) {
            return None;
        }
        let store_name = node.store.as_deref()?;
        let store = ix.datastores.get(store_name)?.item;
        let capture = store.capture.as_ref()?;
        Some(CapturedIngest {
            node,
            store_name,
            store,
            capture,
        })
    })
}

/// The datasets an ingest node carries: its own for a single_dataset node; for a
/// multi_dataset node, those its exports need and those the platform ingests as a primary.
pub fn node_datasets<'m>(
    ix: &ModelIndex<'m>,
    placement: &Placement<'m>,
    graph: &PlatformGraph,
    node_key: &str,
) -> Vec<&'m Dataset> {
    let Some(node) = graph.node(node_key) else {
        return Vec::new();
    };
    let Some(store) = node.store.as_deref() else {
        return Vec::new();
    };
    let mut wanted: BTreeSet<String> = BTreeSet::new();
    match node.dataset.as_deref() {
        Some(d) => {
            wanted.insert(d.to_string());
        }
        None => {
            if let Some(i) = graph.keys.get(node_key) {
                for n in graph.graph.neighbors_directed(*i, Direction::Outgoing) {
                    let e = &graph.graph[n];
                    if e.kind == NodeKind::Export {
                        if let Some(d) = e.dataset.as_deref() {
                            wanted.insert(d.to_string());
                        }
                    }
                }
            }
            if let Some(on) = placement.platform(&graph.platform) {
                for (st, d) in on.primary_for.range((store, "")..) {
                    if *st != store {
                        break;
                    }
                    wanted.insert(d.to_string());
                }
            }
        }
    }
    wanted.iter().filter_map(|d| ix.dataset(store, d)).collect()
}

/// Build every platform's graph from the placement.
pub fn build(ix: &ModelIndex, placement: &Placement) -> Graphs {
    let mut seeds: Vec<Vec<(String, String)>> = Vec::with_capacity(placement.platforms.len());
    let mut platforms: Vec<PlatformGraph> = Vec::with_capacity(placement.platforms.len());
    for on in &placement.platforms {
        let mut draft = Draft::build(ix, on);
        seeds.push(std::mem::take(&mut draft.seeds));
        platforms.push(draft.finish(on));
    }
    priorities(ix, &mut platforms, &seeds);
    Graphs { platforms }
}

/// A platform graph under construction: nodes by key, edges by key.
struct Draft {
    nodes: BTreeMap<String, Node>,
    edges: BTreeSet<(String, String)>,
    /// Seeds for priorities: (node key, workspace).
    seeds: Vec<(String, String)>,
}

impl Draft {
    fn build(ix: &ModelIndex, on: &OnPlatform) -> Draft {
        let mut d = Draft {
            nodes: BTreeMap::new(),
            edges: BTreeSet::new(),
            seeds: Vec::new(),
        };
        // Stores written by a transformer that runs here.
        let produced: HashMap<&str, &str> = on
            .transformers
            .iter()
            .filter_map(|w| {
                Some((
                    w.transformer.as_ref()?.output.value.as_str(),
                    w.name.value.as_str(),
                ))
            })
            .collect();

        for placed in &on.dsgs {
            let ws = placed.workspace;
            let container = ws.container.value.as_str();
            for sink in &placed.dsg.sinks {
                let (store, dataset) = (sink.store.value.as_str(), sink.dataset.value.as_str());
                if ix.dataset(store, dataset).is_none() {
                    continue; // DS106
                }
                let ingest = d.ingest(ix, on, &produced, store, dataset);
                let export = format!("export/{container}/{store}/{dataset}");
                let node = d
                    .nodes
                    .entry(export.clone())
                    .or_insert_with(|| Node::new(export.clone(), NodeKind::Export));
                node.store = Some(store.into());
                node.dataset = Some(dataset.into());
                node.container = Some(container.into());
                node.consumers.push(ws.name.value.clone());
                d.edges.insert((ingest, export.clone()));
                d.seeds.push((export, ws.name.value.clone()));
            }
        }
        for ws in &on.transformers {
            let Some(t) = &ws.transformer else { continue };
            let name = ws.name.value.as_str();
            let trigger = format!("trigger/{name}");
            let transform = format!("transform/{name}");
            let mut tn = Node::new(trigger.clone(), NodeKind::Trigger);
            tn.workspace = Some(name.into());
            tn.schedule = t.trigger.as_ref().map(|c| c.value.clone());
            d.nodes.insert(trigger.clone(), tn);
            let mut xn = Node::new(transform.clone(), NodeKind::Transform);
            xn.workspace = Some(name.into());
            xn.transformer = Some(t.name.value.clone());
            xn.output = Some(t.output.value.clone());
            xn.code = t.code.as_ref().map(|c| match c {
                crate::model::CodeSource::Repo(r) => format!("repo {}", r.value),
                crate::model::CodeSource::Image(i) => format!("image {}", i.value),
            });
            d.nodes.insert(transform.clone(), xn);
            let container = ws.container.value.as_str();
            for dsg in &ws.dsgs {
                for sink in &dsg.sinks {
                    let export = format!(
                        "export/{container}/{}/{}",
                        sink.store.value, sink.dataset.value
                    );
                    if d.nodes.contains_key(&export) {
                        d.edges.insert((export, trigger.clone()));
                    }
                }
            }
            d.edges.insert((trigger, transform.clone()));
            let out = t.output.value.as_str();
            let ingest = format!("ingest/{out}");
            let node = d
                .nodes
                .entry(ingest.clone())
                .or_insert_with(|| Node::new(ingest.clone(), NodeKind::Ingest));
            node.store = Some(out.into());
            node.source = Some(Source::Transformer {
                workspace: produced.get(out).copied().unwrap_or(name).into(),
            });
            d.edges.insert((transform.clone(), ingest));
            d.seeds.push((transform, name.into()));
        }
        // Stores this platform ingests for the platforms it is the primary of.
        for (store, dataset) in &on.primary_for {
            if ix.dataset(store, dataset).is_some() {
                d.ingest(ix, on, &produced, store, dataset);
            }
        }
        for (store, readers) in &on.feeds {
            for node in d.nodes.values_mut() {
                if node.kind == NodeKind::Ingest && node.store.as_deref() == Some(*store) {
                    node.feeds = readers.iter().map(|s| s.to_string()).collect();
                }
            }
        }
        d
    }

    /// Ensure the ingest node of (store, dataset) and return its key.
    fn ingest(
        &mut self,
        ix: &ModelIndex,
        on: &OnPlatform,
        produced: &HashMap<&str, &str>,
        store: &str,
        dataset: &str,
    ) -> String {
        let key = match produced.get(store) {
            Some(_) => format!("ingest/{store}"),
            None => ingest_key(ix, store, dataset),
        };
        if !self.nodes.contains_key(&key) {
            let mut node = Node::new(key.clone(), NodeKind::Ingest);
            node.store = Some(store.into());
            if key.matches('/').count() == 2 {
                node.dataset = Some(dataset.into());
            }
            let capture = ix
                .datastores
                .get(store)
                .and_then(|s| s.item.capture.as_ref());
            node.source = Some(if let Some(w) = produced.get(store) {
                Source::Transformer {
                    workspace: (*w).into(),
                }
            } else if let Some(p) = on.from_primary.get(store) {
                Source::Primary {
                    platform: (*p).into(),
                }
            } else if let Some(c) = capture {
                Source::Capture {
                    kind: c.kind.value.as_str(),
                    consistency: c.consistency.value.as_str(),
                    container: c.container.value.clone(),
                    credential: c.credential.as_ref().map(|n| n.value.clone()),
                    trigger: c.trigger.value.clone(),
                }
            } else {
                Source::None
            });
            self.nodes.insert(key.clone(), node);
        }
        key
    }

    fn finish(self, on: &OnPlatform) -> PlatformGraph {
        let mut graph: DiGraph<Node, ()> =
            DiGraph::with_capacity(self.nodes.len(), self.edges.len());
        let mut keys = HashMap::with_capacity(self.nodes.len());
        for (key, mut node) in self.nodes {
            node.consumers.sort_unstable();
            node.consumers.dedup();
            keys.insert(key, graph.add_node(node));
        }
        for (a, b) in &self.edges {
            if let (Some(a), Some(b)) = (keys.get(a), keys.get(b)) {
                graph.add_edge(*a, *b, ());
            }
        }
        // Direct readers of ingest, trigger and transform nodes.
        let order: Vec<NodeIndex> = graph.node_indices().collect();
        for i in &order {
            if graph[*i].kind == NodeKind::Ingest {
                let mut c: Vec<String> = graph
                    .neighbors_directed(*i, Direction::Outgoing)
                    .filter(|n| graph[*n].kind == NodeKind::Export)
                    .flat_map(|n| graph[n].consumers.clone())
                    .collect();
                c.sort_unstable();
                c.dedup();
                graph[*i].consumers = c;
            }
        }
        for i in &order {
            if graph[*i].kind == NodeKind::Transform {
                let c: Vec<String> = graph
                    .neighbors_directed(*i, Direction::Outgoing)
                    .flat_map(|n| graph[n].consumers.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                let triggers: Vec<NodeIndex> =
                    graph.neighbors_directed(*i, Direction::Incoming).collect();
                for t in triggers {
                    graph[t].consumers = c.clone();
                }
                graph[*i].consumers = c;
            }
        }
        let mut cycles: Vec<Vec<String>> = petgraph::algo::tarjan_scc(&graph)
            .into_iter()
            .filter(|scc| scc.len() > 1)
            .map(|scc| {
                let mut k: Vec<String> = scc.iter().map(|i| graph[*i].key.clone()).collect();
                k.sort_unstable();
                k
            })
            .collect();
        cycles.sort_unstable();
        PlatformGraph {
            platform: on.platform.name.value.clone(),
            target: on.platform.target.value.as_str(),
            milestoning: on.platform.milestoning.value.as_str(),
            graph,
            keys,
            cycles,
        }
    }
}

/// Priorities over all platforms at once: every workspace's priority flows backwards from the
/// nodes it reads (and, for a transformer, from its transform node) to everything upstream,
/// across platforms from a reader of a primary's merge tables to the primary's ingest node.
/// Seeds are processed from the highest priority down and each node is assigned once, so the
/// first priority to reach a node is its highest and the pass is linear.
fn priorities(ix: &ModelIndex, graphs: &mut [PlatformGraph], seeds: &[Vec<(String, String)>]) {
    let platform_index: HashMap<&str, usize> = graphs
        .iter()
        .enumerate()
        .map(|(i, g)| (g.platform.as_str(), i))
        .collect();
    let priority = |ws: &str| -> Priority {
        ix.workspaces
            .get(ws)
            .map_or(Priority::Unknown, |o| o.item.priority.value)
    };
    let mut ordered: Vec<(Priority, usize, NodeIndex)> = Vec::new();
    for (i, (g, s)) in graphs.iter().zip(seeds).enumerate() {
        for (key, ws) in s {
            if let Some(n) = g.keys.get(key) {
                ordered.push((priority(ws), i, *n));
            }
        }
    }
    ordered.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| (a.1, a.2).cmp(&(b.1, b.2))));
    // Cross-platform edges: a primary-sourced ingest node -> the primary's node of that key.
    let primary_of = |g: &PlatformGraph, n: NodeIndex| -> Option<(usize, NodeIndex)> {
        let node = &g.graph[n];
        let Some(Source::Primary { platform }) = &node.source else {
            return None;
        };
        let j = *platform_index.get(platform.as_str())?;
        Some((j, *graphs[j].keys.get(&node.key)?))
    };
    let mut assigned: Vec<Vec<Option<Priority>>> = graphs
        .iter()
        .map(|g| vec![None; g.graph.node_count()])
        .collect();
    let mut stack: Vec<(usize, NodeIndex)> = Vec::new();
    for (p, i, n) in ordered {
        stack.push((i, n));
        while let Some((i, n)) = stack.pop() {
            if assigned[i][n.index()].is_some() {
                continue;
            }
            assigned[i][n.index()] = Some(p);
            let g = &graphs[i];
            stack.extend(
                g.graph
                    .neighbors_directed(n, Direction::Incoming)
                    .filter(|m| assigned[i][m.index()].is_none())
                    .map(|m| (i, m)),
            );
            if let Some(up) = primary_of(g, n) {
                stack.push(up);
            }
        }
    }
    for (g, a) in graphs.iter_mut().zip(assigned) {
        for (n, p) in a.into_iter().enumerate() {
            g.graph[NodeIndex::new(n)].priority = p.unwrap_or(Priority::Unknown);
        }
    }
}
