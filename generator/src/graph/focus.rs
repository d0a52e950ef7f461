//! `--focus`: the upstream and downstream of model elements within a platform graph.

use super::{NodeKind, PlatformGraph};
use crate::model::index::ModelIndex;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::Direction;
use std::collections::HashMap;

/// A model element to focus on: `store:S`, `dataset:S/D` or `workspace:W`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Element {
    Store(String),
    Dataset(String, String),
    Workspace(String),
}

impl Element {
    /// Parse `store:S`, `dataset:S/D` or `workspace:W`.
    pub fn parse(s: &str) -> Result<Element, String> {
        let bad = || {
            format!(
                "`{s}` is not an element; write `store:STORE`, `dataset:STORE/DATASET` or \
                 `workspace:WORKSPACE`"
            )
        };
        let (kind, name) = s.split_once(':').ok_or_else(bad)?;
        if name.is_empty() {
            return Err(bad());
        }
        match kind {
            "store" => Ok(Element::Store(name.into())),
            "workspace" => Ok(Element::Workspace(name.into())),
            "dataset" => match name.split_once('/') {
                Some((st, d)) if !st.is_empty() && !d.is_empty() => {
                    Ok(Element::Dataset(st.into(), d.into()))
                }
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }

    /// An error naming the unknown element (with a did-you-mean) when the model lacks it.
    pub fn resolve(&self, ix: &ModelIndex) -> Result<(), String> {
        let unknown = |what: &str, name: &str, known: Vec<&str>| {
            let mut msg = format!("unknown {what} `{name}`");
            if let Some(s) = crate::diag::did_you_mean(name, known) {
                msg.push_str(&format!("; did you mean `{s}`?"));
            }
            Err(msg)
        };
        match self {
            Element::Store(s) if !ix.datastores.contains_key(s.as_str()) => {
                unknown("datastore", s, ix.datastores.keys().copied().collect())
            }
            Element::Workspace(w) if !ix.workspaces.contains_key(w.as_str()) => {
                unknown("workspace", w, ix.workspaces.keys().copied().collect())
            }
            Element::Dataset(s, _) if !ix.datastores.contains_key(s.as_str()) => {
                unknown("datastore", s, ix.datastores.keys().copied().collect())
            }
            Element::Dataset(s, d) if ix.dataset(s, d).is_none() => {
                let known = ix.datastores[s.as_str()]
                    .item
                    .datasets
                    .iter()
                    .map(|x| x.name.value.as_str())
                    .collect();
                unknown(&format!("dataset of `{s}`"), d, known)
            }
            _ => Ok(()),
        }
    }
}

impl std::fmt::Display for Element {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Element::Store(s) => write!(f, "store:{s}"),
            Element::Dataset(s, d) => write!(f, "dataset:{s}/{d}"),
            Element::Workspace(w) => write!(f, "workspace:{w}"),
        }
    }
}

/// The part of `g` upstream or downstream of any of `elements`; `None` when none of them is on
/// this platform. Key order and the cycles among the kept nodes are preserved.
pub fn focus(g: &PlatformGraph, elements: &[Element]) -> Option<PlatformGraph> {
    let mut up: Vec<NodeIndex> = Vec::new();
    let mut down: Vec<NodeIndex> = Vec::new();
    for i in g.graph.node_indices() {
        let n = &g.graph[i];
        for e in elements {
            let (u, d) = match e {
                Element::Store(s) => {
                    let hit = n.store.as_deref() == Some(s)
                        && matches!(n.kind, NodeKind::Ingest | NodeKind::Export);
                    (hit, hit)
                }
                Element::Dataset(s, ds) => {
                    if n.store.as_deref() != Some(s) {
                        (false, false)
                    } else {
                        match (n.kind, n.dataset.as_deref()) {
                            (NodeKind::Export, Some(x)) | (NodeKind::Ingest, Some(x)) => {
                                (x == ds, x == ds)
                            }
                            // A multi_dataset ingest carries its siblings too: upstream only.
                            (NodeKind::Ingest, None) => (true, false),
                            _ => (false, false),
                        }
                    }
                }
                Element::Workspace(w) => match n.kind {
                    NodeKind::Export => (n.consumers.iter().any(|c| c == w), false),
                    NodeKind::Trigger | NodeKind::Transform => {
                        let hit = n.workspace.as_deref() == Some(w);
                        (hit, hit)
                    }
                    NodeKind::Ingest => (false, false),
                },
            };
            if u {
                up.push(i);
            }
            if d {
                down.push(i);
            }
        }
    }
    // A dataset of a multi_dataset store that nobody reads here has only its ingest node.
    if up.is_empty() && down.is_empty() {
        return None;
    }
    let mut keep = vec![false; g.graph.node_count()];
    for (seeds, dir) in [(up, Direction::Incoming), (down, Direction::Outgoing)] {
        let mut seen = vec![false; g.graph.node_count()];
        let mut stack = seeds;
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i.index()], true) {
                continue;
            }
            keep[i.index()] = true;
            stack.extend(g.graph.neighbors_directed(i, dir));
        }
    }
    let mut graph: DiGraph<super::Node, ()> = DiGraph::new();
    let mut map: HashMap<NodeIndex, NodeIndex> = HashMap::new();
    let mut keys = HashMap::new();
    for i in g.graph.node_indices().filter(|i| keep[i.index()]) {
        let j = graph.add_node(g.graph[i].clone());
        map.insert(i, j);
        keys.insert(g.graph[i].key.clone(), j);
    }
    let mut edges: Vec<(NodeIndex, NodeIndex)> = g
        .graph
        .edge_indices()
        .filter_map(|e| g.graph.edge_endpoints(e))
        .filter_map(|(a, b)| Some((*map.get(&a)?, *map.get(&b)?)))
        .collect();
    edges.sort_unstable();
    for (a, b) in edges {
        graph.add_edge(a, b, ());
    }
    let cycles = g
        .cycles
        .iter()
        .filter(|c| c.iter().all(|k| keys.contains_key(k)))
        .cloned()
        .collect();
    Some(PlatformGraph {
        platform: g.platform.clone(),
        target: g.target,
        milestoning: g.milestoning,
        graph,
        keys,
        cycles,
    })
}
