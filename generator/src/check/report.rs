//! The Markdown summary of a check, for `$GITHUB_STEP_SUMMARY` and pull-request comments:
//! the verdict, findings grouped by the repository that owns them, affected consumers, and the
//! part of the head's intention graph that the change touches (Mermaid).

use super::diff::{Diff, ElementId};
use super::CheckReport;
use crate::diag::{counts, Severity};
use crate::graph::Element;
use crate::model::index::ModelIndex;
use std::collections::{BTreeMap, BTreeSet};

/// Changed elements beyond which the summary does not draw the graph (it would be the whole
/// model, and too large for a comment).
const MAX_DRAWN: usize = 40;
/// Longest Mermaid text put in the summary.
const MAX_MERMAID: usize = 30_000;

/// Rows per table beyond which findings are counted, not listed (a comment holds 65536 chars).
const MAX_ROWS: usize = 200;

pub fn markdown(report: &CheckReport) -> String {
    let diags = report.diagnostics();
    let c = counts(&diags);
    let mut out = String::from("## dsgen check\n\n");
    if report.accepted() {
        out.push_str(&format!(
            "✅ **Accepted** ({} errors, {} warnings)\n\n",
            c.errors, c.warnings
        ));
    } else {
        out.push_str(&format!(
            "❌ **Rejected** ({} errors, {} warnings)\n\n",
            c.errors, c.warnings
        ));
    }
    out.push_str(&format!(
        "Change source: `{}`{}. {} element{} changed.\n",
        cell(&report.source_repo),
        if report.initial_check_in {
            " (initial check-in)"
        } else {
            ""
        },
        report.diff.changes.len(),
        if report.diff.changes.len() == 1 {
            ""
        } else {
            "s"
        },
    ));
    let mut groups: BTreeMap<String, Vec<&super::Finding>> = BTreeMap::new();
    for f in &report.findings {
        let owner = f
            .owner
            .clone()
            .map(|o| format!("`{}`", cell(&o)))
            .unwrap_or_else(|| "model".to_string());
        groups.entry(owner).or_default().push(f);
    }
    for (owner, findings) in &groups {
        out.push_str(&format!(
            "\n### Findings for {owner}\n\n| | Code | Location | Message |\n|---|---|---|---|\n"
        ));
        for f in findings.iter().take(MAX_ROWS) {
            let d = &f.diagnostic;
            let icon = match d.severity {
                Severity::Error => "❌",
                Severity::Warning => "⚠️",
                Severity::Info => "ℹ️",
            };
            let location = d.span.map_or("—".to_string(), |s| {
                let (l, c) = report.sources.line_col(s);
                format!("`{}:{l}:{c}`", cell(report.sources.path(s.file)))
            });
            let mut message = cell(&d.message);
            if let Some(help) = &d.help {
                message.push_str("<br>help: ");
                message.push_str(&cell(help));
            }
            out.push_str(&format!(
                "| {icon} | `{}` | {location} | {message} |\n",
                d.code
            ));
        }
        if findings.len() > MAX_ROWS {
            out.push_str(&format!(
                "\n…and {} more not shown.\n",
                findings.len() - MAX_ROWS
            ));
        }
    }
    let impacted: Vec<_> = report
        .impacts
        .iter()
        .filter(|i| !i.affected.is_empty())
        .collect();
    if !impacted.is_empty() {
        out.push_str("\n### Affected consumers\n\n| Change | Code | Workspace | Team | Repository | Via |\n|---|---|---|---|---|---|\n");
        let mut rows = 0;
        for i in &impacted {
            for a in &i.affected {
                rows += 1;
                if rows > MAX_ROWS {
                    continue;
                }
                out.push_str(&format!(
                    "| {} | `{}` | `{}` | {}/{} | {} | {} |\n",
                    cell(&i.element),
                    i.code,
                    cell(&a.workspace),
                    cell(&a.zone),
                    cell(&a.team),
                    a.repo
                        .as_deref()
                        .map_or("—".to_string(), |r| format!("`{}`", cell(r))),
                    if a.via.is_empty() {
                        "direct".to_string()
                    } else {
                        cell(&a.via.join(" → "))
                    }
                ));
            }
        }
        if rows > MAX_ROWS {
            out.push_str(&format!("\n…and {} more not shown.\n", rows - MAX_ROWS));
        }
    }
    if !report.initial_check_in {
        out.push_str(&graph_section(report));
    }
    out
}

/// The stores, datasets and workspaces a change touches, as the graph names them.
pub fn graph_elements(diff: &Diff) -> Vec<Element> {
    let mut out = BTreeSet::new();
    for c in &diff.changes {
        let e = match &c.id {
            ElementId::Datastore(s) => Element::Store(s.clone()),
            ElementId::Dataset(s, d) | ElementId::Column(s, d, _) => {
                Element::Dataset(s.clone(), d.clone())
            }
            ElementId::Workspace(w)
            | ElementId::Dsg(w, _)
            | ElementId::Sink(w, ..)
            | ElementId::Transformer(w)
            | ElementId::Assign(w, ..) => Element::Workspace(w.clone()),
            _ => continue,
        };
        out.insert(e);
    }
    out.into_iter().collect()
}

/// "What the change touches": the upstream and downstream of every changed store, dataset and
/// workspace in the head's intention graph, on every platform where they run.
fn graph_section(report: &CheckReport) -> String {
    let elements = graph_elements(&report.diff);
    if elements.is_empty() {
        return String::new();
    }
    let mut out = String::from("\n### What the change touches\n\n");
    if elements.len() > MAX_DRAWN {
        out.push_str(&format!(
            "{} stores, datasets and workspaces changed: too many to draw here; run `dsgen graph --focus ELEMENT` for one of them.\n",
            elements.len()
        ));
        return out;
    }
    let ix = ModelIndex::new(&report.head);
    let placement = crate::broker::place(&report.head, &ix).placement;
    let graphs = crate::graph::build(&ix, &placement);
    let mermaid = crate::graph::mermaid_focus(&graphs, &elements);
    if !mermaid.contains("subgraph") {
        out.push_str("None of the changed elements runs on a platform (nothing is placed).\n");
    } else if mermaid.len() > MAX_MERMAID {
        out.push_str(&format!(
            "The sub-graph is too large to show here ({} characters of Mermaid); run `dsgen graph --focus ELEMENT`.\n",
            mermaid.len()
        ));
    } else {
        out.push_str("```mermaid\n");
        out.push_str(&mermaid);
        if !mermaid.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("```\n");
    }
    out
}

/// Text safe inside a Markdown table cell (and inside a code span in one); the plan's report
/// uses it too.
pub(crate) fn cell(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace(['\r', '\n'], " ")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
