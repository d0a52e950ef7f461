//! The graph's output formats: JSON (built as data; schema in docs/graph.md), Mermaid for PR
//! comments and DOT for Graphviz. Text formats escape every label, since free-text names may
//! hold characters that are special to them.

use super::{Node, NodeKind, PlatformGraph, Source};
use serde_json::{json, Value};
use std::fmt::Write;

/// Version of the JSON document's shape (docs/graph.md).
pub const JSON_VERSION: u32 = 1;

pub fn to_json(graphs: &[PlatformGraph]) -> Value {
    let platforms: Vec<Value> = graphs
        .iter()
        .map(|g| {
            let nodes: Vec<Value> = g.nodes().map(node_json).collect();
            let edges: Vec<Value> = g
                .edges()
                .into_iter()
                .map(|(a, b)| json!({ "from": a, "to": b }))
                .collect();
            json!({
                "name": g.platform,
                "target": g.target,
                "milestoning": g.milestoning,
                "nodes": nodes,
                "edges": edges,
                "cycles": g.cycles,
            })
        })
        .collect();
    json!({ "version": JSON_VERSION, "platforms": platforms })
}

fn node_json(n: &Node) -> Value {
    let mut v = json!({
        "key": n.key,
        "kind": n.kind.as_str(),
        "priority": n.priority.as_str(),
        "consumers": n.consumers,
    });
    let o = v.as_object_mut().expect("an object");
    match n.kind {
        NodeKind::Ingest => {
            o.insert("store".into(), json!(n.store));
            o.insert("dataset".into(), json!(n.dataset));
            let source = match &n.source {
                Some(Source::Capture {
                    kind,
                    consistency,
                    container,
                    credential,
                    trigger,
                }) => json!({
                    "kind": "capture", "capture": kind, "consistency": consistency,
                    "container": container, "credential": credential, "trigger": trigger,
                }),
                Some(Source::Primary { platform }) => {
                    json!({ "kind": "primary", "platform": platform })
                }
                Some(Source::Transformer { workspace }) => {
                    json!({ "kind": "transformer", "workspace": workspace })
                }
                Some(Source::None) | None => json!({ "kind": "none" }),
            };
            o.insert("source".into(), source);
            o.insert("feeds".into(), json!(n.feeds));
        }
        NodeKind::Export => {
            o.insert("container".into(), json!(n.container));
            o.insert("store".into(), json!(n.store));
            o.insert("dataset".into(), json!(n.dataset));
        }
        NodeKind::Trigger => {
            o.insert("workspace".into(), json!(n.workspace));
            o.insert("schedule".into(), json!(n.schedule));
        }
        NodeKind::Transform => {
            o.insert("workspace".into(), json!(n.workspace));
            o.insert("transformer".into(), json!(n.transformer));
            o.insert("output".into(), json!(n.output));
            o.insert("code".into(), json!(n.code));
        }
    }
    v
}

/// The second line of a node's label: what it does.
fn detail(n: &Node) -> String {
    let what = match n.kind {
        NodeKind::Ingest => match &n.source {
            Some(Source::Capture {
                kind,
                consistency,
                trigger,
                ..
            }) => format!("{kind} {consistency}, {trigger}"),
            Some(Source::Primary { platform }) => format!("from primary {platform}"),
            Some(Source::Transformer { workspace }) => format!("written by {workspace}"),
            Some(Source::None) | None => "no source".to_string(),
        },
        NodeKind::Export => format!("to {}", n.consumers.join(", ")),
        NodeKind::Trigger => match &n.schedule {
            Some(s) => format!("at {s}"),
            None => "when inputs change".to_string(),
        },
        NodeKind::Transform => format!(
            "{} writes {}",
            n.transformer.as_deref().unwrap_or(""),
            n.output.as_deref().unwrap_or("")
        ),
    };
    format!("{what}, priority {}", n.priority.as_str())
}

/// Escape a Mermaid label (inside `"..."`): everything but plain characters becomes an entity.
pub fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        // `;` ends a statement and `#` starts an entity, so both are escaped.
        if c.is_ascii_alphanumeric() || " _-./:,*()".contains(c) {
            out.push(c);
        } else {
            let _ = write!(out, "#{};", c as u32);
        }
    }
    out
}

pub fn to_mermaid(graphs: &[PlatformGraph]) -> String {
    let mut out = String::from("flowchart LR\n");
    for (p, g) in graphs.iter().enumerate() {
        if g.graph.node_count() == 0 {
            let _ = writeln!(
                out,
                "  %% platform {}: nothing placed",
                mermaid_escape(&g.platform)
            );
            continue;
        }
        let _ = writeln!(
            out,
            "  subgraph p{p}[\"{} ({})\"]",
            mermaid_escape(&g.platform),
            mermaid_escape(g.target)
        );
        for i in g.graph.node_indices() {
            let n = &g.graph[i];
            let label = format!(
                "{}<br/>{}",
                mermaid_escape(&n.key),
                mermaid_escape(&detail(n))
            );
            let (open, close) = match n.kind {
                NodeKind::Ingest => ("[(", ")]"),
                NodeKind::Export => ("[/", "/]"),
                NodeKind::Trigger => ("{{", "}}"),
                NodeKind::Transform => ("[[", "]]"),
            };
            let _ = writeln!(out, "    p{p}n{}{open}\"{label}\"{close}", i.index());
        }
        let mut edges: Vec<(usize, usize)> = g
            .graph
            .edge_indices()
            .filter_map(|e| g.graph.edge_endpoints(e))
            .map(|(a, b)| (a.index(), b.index()))
            .collect();
        edges.sort_unstable();
        for (a, b) in edges {
            let _ = writeln!(out, "    p{p}n{a} --> p{p}n{b}");
        }
        out.push_str("  end\n");
    }
    out
}

/// Escape a DOT double-quoted string.
pub fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

pub fn to_dot(graphs: &[PlatformGraph]) -> String {
    let mut out = String::from("digraph dsgen {\n  rankdir=LR;\n  node [fontsize=10];\n");
    for g in graphs {
        let id = |n: &Node| dot_escape(&format!("{}/{}", g.platform, n.key));
        let _ = writeln!(
            out,
            "  subgraph \"cluster_{}\" {{\n    label=\"{} ({})\";",
            dot_escape(&g.platform),
            dot_escape(&g.platform),
            dot_escape(g.target)
        );
        for n in g.nodes() {
            let shape = match n.kind {
                NodeKind::Ingest => "cylinder",
                NodeKind::Export => "parallelogram",
                NodeKind::Trigger => "hexagon",
                NodeKind::Transform => "box3d",
            };
            let _ = writeln!(
                out,
                "    \"{}\" [label=\"{}\\n{}\", shape={shape}];",
                id(n),
                dot_escape(&n.key),
                dot_escape(&detail(n))
            );
        }
        for (a, b) in g.edges() {
            let _ = writeln!(
                out,
                "    \"{}\" -> \"{}\";",
                dot_escape(&format!("{}/{a}", g.platform)),
                dot_escape(&format!("{}/{b}", g.platform))
            );
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        assert_eq!(mermaid_escape("a\"b<c>#"), "a#34;b#60;c#62;#35;");
        assert_eq!(mermaid_escape("ingest/S_1"), "ingest/S_1");
        assert_eq!(dot_escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
