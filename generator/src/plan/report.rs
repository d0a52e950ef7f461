//! A plan as text for a terminal, as Markdown for `$GITHUB_STEP_SUMMARY` and pull-request
//! comments, and as JSON (schema in docs/plan.md). Every list is in the plan's order, so the
//! output is a pure function of the plan.

use super::classify::Class;
use super::{Action, Consumers, FileChange, Plan, PlatformPlan, ResourceChange};
use crate::check::impact::Affected;
use crate::check::report::cell;
use crate::graph::Element;
use serde_json::{json, Value};
use std::fmt::Write;

/// The JSON output's `schema_version`; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Changed elements beyond which the Markdown does not draw the graph.
const MAX_DRAWN: usize = 40;
/// Longest Mermaid text put in the Markdown.
const MAX_MERMAID: usize = 30_000;
/// Rows per Markdown table beyond which changes are counted, not listed.
const MAX_ROWS: usize = 200;
/// Lines of one file's diff shown in the Markdown.
const MAX_DIFF_LINES: usize = 120;
/// Characters of diffs in the Markdown altogether (a PR comment holds 65,536).
const MAX_DIFF_CHARS: usize = 30_000;
/// Consumers named per change before "and N more".
const MAX_CONSUMERS: usize = 8;

/// The Mermaid sub-graph of the changed elements (or why there is none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drawing {
    Nothing,
    TooMany(usize),
    TooLarge(usize),
    NotPlaced,
    Mermaid(String),
}

/// The upstream and downstream of `elements` in a revision's intention graphs, on the planned
/// platforms only.
pub fn drawing(graphs: &crate::graph::Graphs, elements: &[Element], platforms: &[&str]) -> Drawing {
    if elements.is_empty() {
        return Drawing::Nothing;
    }
    if elements.len() > MAX_DRAWN {
        return Drawing::TooMany(elements.len());
    }
    let focused: Vec<_> = graphs
        .platforms
        .iter()
        .filter(|g| platforms.contains(&g.platform.as_str()))
        .filter_map(|g| crate::graph::focus(g, elements))
        .collect();
    if focused.is_empty() {
        return Drawing::NotPlaced;
    }
    let text = crate::graph::to_mermaid(&focused);
    if text.len() > MAX_MERMAID {
        Drawing::TooLarge(text.len())
    } else {
        Drawing::Mermaid(text)
    }
}

/// The drawings of head (what is added or changed) and base (what goes away).
#[derive(Debug, Clone)]
pub struct Drawings {
    pub head: Drawing,
    pub base: Drawing,
}

fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "1 destructive, 2 need attention, 3 safe".
fn class_counts(destructive: usize, attention: usize, safe: usize) -> String {
    format!(
        "{destructive} destructive, {attention} need{} attention, {safe} safe",
        if attention == 1 { "s" } else { "" }
    )
}

fn verdict_word(plan: &Plan) -> &'static str {
    match plan.class() {
        _ if !plan.has_changes() => "no_changes",
        Some(c) => c.as_str(),
        None => "safe",
    }
}

fn consumers_text(c: &Consumers, platform: &str) -> String {
    match c {
        Consumers::Platform => format!("every workspace on {platform}"),
        Consumers::Workspaces(list) if list.is_empty() => "none".to_string(),
        Consumers::Workspaces(list) => {
            let mut parts: Vec<String> = list.iter().take(MAX_CONSUMERS).map(affected).collect();
            if list.len() > MAX_CONSUMERS {
                parts.push(format!("and {} more", list.len() - MAX_CONSUMERS));
            }
            parts.join(", ")
        }
    }
}

fn affected(a: &Affected) -> String {
    let mut s = format!("{} ({}/{}", a.workspace, a.zone, a.team);
    if !a.via.is_empty() {
        s.push_str(&format!(", via {}", a.via.join(" → ")));
    }
    s.push(')');
    s
}

fn what(r: &ResourceChange) -> String {
    match (&r.action, &r.renamed_from) {
        (Action::Renamed, Some(from)) => format!("renamed from {from}"),
        (a, _) => a.as_str().to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Human

pub fn human(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "dsgen plan: base {} ({}){} -> head {} ({})",
        short(&plan.base.commit),
        plan.base.rev,
        if plan.base.model {
            ""
        } else {
            ", no model: everything is added"
        },
        short(&plan.head.commit),
        plan.head.rev
    );
    for p in &plan.platforms {
        out.push('\n');
        let c = counts_of(p);
        let _ = writeln!(
            out,
            "{} ({}): {}",
            p.platform,
            p.target,
            if p.has_changes() {
                format!(
                    "{}; files: {} added, {} changed, {} removed",
                    class_counts(c.destructive, c.needs_attention, c.safe),
                    c.files_added,
                    c.files_changed,
                    c.files_removed
                )
            } else {
                "no changes".to_string()
            }
        );
        for r in &p.resources {
            let sign = match r.class {
                Class::Destructive => "!",
                Class::NeedsAttention => "~",
                Class::Safe => "+",
            };
            let _ = writeln!(
                out,
                "  {sign} {:<15} {} {} ({})",
                r.class.label(),
                r.kind.as_str(),
                r.name,
                what(r)
            );
            for reason in &r.reasons {
                let _ = writeln!(out, "      {reason}");
            }
            if r.action == Action::Renamed && !r.changed_keys.is_empty() {
                let _ = writeln!(out, "      changed: {}", r.changed_keys.join(", "));
            }
            let _ = writeln!(
                out,
                "      consumers: {}",
                consumers_text(&r.consumers, &p.platform)
            );
        }
        if !p.files.is_empty() {
            let _ = writeln!(out, "  files:");
            for f in &p.files {
                let sign = match f.action {
                    Action::Added => "+",
                    Action::Removed => "-",
                    Action::Changed | Action::Renamed => "~",
                };
                let _ = writeln!(out, "    {sign} {}{}", f.path, line_counts(f));
            }
        }
    }
    for n in &plan.not_planned {
        let _ = writeln!(
            out,
            "\nnot planned: {} ({}): {}",
            n.platform, n.target, n.reason
        );
    }
    for p in &plan.platforms {
        for f in &p.files {
            if let Some(d) = &f.diff {
                out.push('\n');
                out.push_str(d);
            }
        }
    }
    let c = plan.counts();
    out.push('\n');
    if plan.has_changes() {
        let _ = writeln!(
            out,
            "Plan: {}; {} added, {} changed, {} removed.",
            class_counts(c.destructive, c.needs_attention, c.safe),
            plural(c.files_added, "file", "files"),
            c.files_changed,
            c.files_removed
        );
    } else {
        let _ = writeln!(out, "No changes: the rendered infrastructure is the same.");
    }
    out
}

fn line_counts(f: &FileChange) -> String {
    if f.binary {
        " (binary)".to_string()
    } else {
        format!(" (+{} -{})", f.lines_added, f.lines_removed)
    }
}

fn counts_of(p: &PlatformPlan) -> super::Counts {
    let mut c = super::Counts::default();
    c.add(p);
    c
}

// ---------------------------------------------------------------------------------------------
// Markdown

pub fn markdown(plan: &Plan) -> String {
    let mut out = String::from("## dsgen plan\n\n");
    let c = plan.counts();
    let counts = class_counts(c.destructive, c.needs_attention, c.safe);
    match verdict_word(plan) {
        "no_changes" => out.push_str("✅ **No changes** to the rendered infrastructure.\n"),
        "destructive" => {
            let _ = writeln!(out, "⚠️ **Destructive changes**: {counts}.");
        }
        "needs_attention" => {
            let _ = writeln!(out, "🟡 **Needs attention**: {counts}.");
        }
        _ => {
            let _ = writeln!(out, "✅ **Safe changes**: {counts}.");
        }
    }
    let _ = writeln!(
        out,
        "\nBase `{}` (`{}`){} → head `{}` (`{}`).",
        short(&plan.base.commit),
        cell(&plan.base.rev),
        if plan.base.model {
            ""
        } else {
            ", which has no model: everything is added"
        },
        short(&plan.head.commit),
        cell(&plan.head.rev)
    );
    if !plan.platforms.is_empty() {
        out.push_str("\n| Platform | Target | Destructive | Needs attention | Safe | Files added | Files changed | Files removed |\n|---|---|---|---|---|---|---|---|\n");
        for p in &plan.platforms {
            let c = counts_of(p);
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} | {} | {} |",
                cell(&p.platform),
                cell(&p.target),
                if c.destructive > 0 {
                    format!("**{}**", c.destructive)
                } else {
                    "0".to_string()
                },
                c.needs_attention,
                c.safe,
                c.files_added,
                c.files_changed,
                c.files_removed
            );
        }
    }
    for n in &plan.not_planned {
        let _ = writeln!(
            out,
            "\n> [!WARNING]\n> Not planned: `{}` ({}): {}.",
            cell(&n.platform),
            cell(&n.target),
            cell(&n.reason)
        );
    }
    for (class, title) in [
        (Class::Destructive, "⚠️ Destructive"),
        (Class::NeedsAttention, "🟡 Needs attention"),
        (Class::Safe, "✅ Safe"),
    ] {
        let rows: Vec<(&PlatformPlan, &ResourceChange)> = plan
            .platforms
            .iter()
            .flat_map(|p| p.resources.iter().map(move |r| (p, r)))
            .filter(|(_, r)| r.class == class)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n### {title} ({})\n\n| Platform | Resource | Change | Why | Consumers |\n|---|---|---|---|---|",
            rows.len()
        );
        for (p, r) in rows.iter().take(MAX_ROWS) {
            let mut why = r
                .reasons
                .iter()
                .map(|s| cell(s))
                .collect::<Vec<_>>()
                .join("<br>");
            if class == Class::Destructive {
                why = format!("**{why}**");
            }
            if !r.changed_keys.is_empty() && r.action == Action::Renamed {
                let keys: Vec<String> = r
                    .changed_keys
                    .iter()
                    .take(20)
                    .map(|k| format!("`{}`", cell(k)))
                    .collect();
                why.push_str(&format!("<br>changed: {}", keys.join(", ")));
                if r.changed_keys.len() > 20 {
                    why.push_str(&format!(" and {} more", r.changed_keys.len() - 20));
                }
            }
            let change = match (&r.action, &r.renamed_from) {
                (Action::Renamed, Some(from)) => format!("renamed from `{}`", cell(from)),
                (a, _) => a.as_str().to_string(),
            };
            let _ = writeln!(
                out,
                "| `{}` | {} `{}` | {} | {} | {} |",
                cell(&p.platform),
                r.kind.as_str(),
                cell(&r.name),
                if class == Class::Destructive {
                    format!("**{change}**")
                } else {
                    change
                },
                why,
                cell(&consumers_text(&r.consumers, &p.platform))
            );
        }
        if rows.len() > MAX_ROWS {
            let _ = writeln!(out, "\n…and {} more not shown.", rows.len() - MAX_ROWS);
        }
    }
    if let Some(d) = &plan.drawings {
        out.push_str(&graph_section("What the change touches", &d.head, "head"));
        out.push_str(&graph_section("What goes away", &d.base, "base"));
    }
    out.push_str(&files_section(plan));
    out
}

fn graph_section(title: &str, d: &Drawing, side: &str) -> String {
    let body = match d {
        Drawing::Nothing => return String::new(),
        Drawing::TooMany(n) => format!(
            "{n} stores, datasets and workspaces: too many to draw here; run `dsgen graph --focus ELEMENT` on the {side} revision.\n"
        ),
        Drawing::TooLarge(n) => format!(
            "The sub-graph is too large to show here ({n} characters of Mermaid); run `dsgen graph --focus ELEMENT` on the {side} revision.\n"
        ),
        Drawing::NotPlaced => {
            "None of the changed elements runs on a planned platform.\n".to_string()
        }
        Drawing::Mermaid(m) => {
            let mut s = String::from("```mermaid\n");
            s.push_str(m);
            if !m.ends_with('\n') {
                s.push('\n');
            }
            s.push_str("```\n");
            s
        }
    };
    format!("\n### {title} ({side})\n\n{body}")
}

fn files_section(plan: &Plan) -> String {
    let files: Vec<&FileChange> = plan.platforms.iter().flat_map(|p| &p.files).collect();
    if files.is_empty() {
        return String::new();
    }
    let c = plan.counts();
    let mut out = format!(
        "\n### Files\n\n<details><summary>{} added, {} changed, {} removed</summary>\n\n| File | Change | Lines |\n|---|---|---|\n",
        c.files_added, c.files_changed, c.files_removed
    );
    for f in files.iter().take(MAX_ROWS) {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            cell(&f.path),
            f.action.as_str(),
            if f.binary {
                "binary".to_string()
            } else {
                format!("+{} −{}", f.lines_added, f.lines_removed)
            }
        );
    }
    if files.len() > MAX_ROWS {
        let _ = writeln!(out, "\n…and {} more not shown.", files.len() - MAX_ROWS);
    }
    out.push_str("\n</details>\n");
    let mut budget = MAX_DIFF_CHARS;
    let mut skipped = 0;
    for f in &files {
        let Some(diff) = &f.diff else { continue };
        let (shown, cut) = truncate_lines(diff, MAX_DIFF_LINES);
        if shown.len() > budget {
            skipped += 1;
            continue;
        }
        budget -= shown.len();
        let fence = fence_for(shown);
        let _ = write!(
            out,
            "\n<details><summary><code>{}</code> (+{} −{})</summary>\n\n{fence}diff\n{shown}",
            html(&f.path),
            f.lines_added,
            f.lines_removed
        );
        if !shown.ends_with('\n') {
            out.push('\n');
        }
        let _ = writeln!(out, "{fence}");
        if cut > 0 {
            let _ = writeln!(
                out,
                "\n{cut} more diff lines not shown; `dsgen plan` prints every line."
            );
        }
        out.push_str("\n</details>\n");
    }
    if skipped > 0 {
        let _ = writeln!(
            out,
            "\n{} not shown (this summary's size limit); `dsgen plan` or `--format json` has every diff.",
            plural(skipped, "more diff", "more diffs")
        );
    }
    out
}

/// The first `max` lines of `text`, and how many lines were left out.
fn truncate_lines(text: &str, max: usize) -> (&str, usize) {
    let total = text.lines().count();
    if total <= max {
        return (text, 0);
    }
    let end = text
        .match_indices('\n')
        .nth(max - 1)
        .map_or(text.len(), |(i, _)| i + 1);
    (&text[..end], total - max)
}

/// A code fence longer than any run of backticks in `text`.
fn fence_for(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        if ch == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

// ---------------------------------------------------------------------------------------------
// JSON

pub fn json(plan: &Plan) -> String {
    let platforms: Vec<Value> = plan
        .platforms
        .iter()
        .map(|p| {
            json!({
                "platform": p.platform,
                "target": p.target,
                "summary": counts_of(p),
                "resources": p.resources.iter().map(resource_json).collect::<Vec<_>>(),
                "files": p.files.iter().map(file_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let v = json!({
        "schema_version": SCHEMA_VERSION,
        "base": plan.base,
        "head": plan.head,
        "changes": plan.has_changes(),
        "verdict": verdict_word(plan),
        "summary": plan.counts(),
        "platforms": platforms,
        "not_planned": plan.not_planned,
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

fn resource_json(r: &ResourceChange) -> Value {
    let (scope, list) = match &r.consumers {
        Consumers::Platform => ("platform", Vec::new()),
        Consumers::Workspaces(l) => ("element", l.iter().map(affected_json).collect()),
    };
    json!({
        "kind": r.kind,
        "name": r.name,
        "action": r.action,
        "class": r.class,
        "reasons": r.reasons,
        "changed_keys": r.changed_keys,
        "renamed_from": r.renamed_from,
        "file": r.file,
        "element": r.element,
        "previous_element": r.previous_element,
        "consumers_scope": scope,
        "consumers": list,
    })
}

fn affected_json(a: &Affected) -> Value {
    json!({
        "workspace": a.workspace,
        "zone": a.zone,
        "team": a.team,
        "repo": a.repo,
        "via": a.via,
    })
}

fn file_json(f: &FileChange) -> Value {
    json!({
        "path": f.path,
        "action": f.action,
        "lines_added": f.lines_added,
        "lines_removed": f.lines_removed,
        "binary": f.binary,
        "diff": f.diff,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_diffs_are_cut_and_say_how_much() {
        let text: String = (0..10).map(|i| format!("+{i}\n")).collect();
        let (shown, cut) = truncate_lines(&text, 4);
        assert_eq!(shown, "+0\n+1\n+2\n+3\n");
        assert_eq!(cut, 6);
        assert_eq!(truncate_lines(&text, 10), (text.as_str(), 0));
    }

    #[test]
    fn fences_outgrow_backticks_in_the_diff() {
        assert_eq!(fence_for("a"), "```");
        assert_eq!(fence_for("a ```` b"), "`````");
    }
}
