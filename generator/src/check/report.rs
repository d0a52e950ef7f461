//! The Markdown summary of a check, for `$GITHUB_STEP_SUMMARY` and pull-request comments:
//! the verdict, findings grouped by the repository that owns them, affected consumers.

use super::CheckReport;
use crate::diag::{counts, Severity};
use std::collections::BTreeMap;

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
    out
}

/// Text safe inside a table cell (and inside a code span in one).
fn cell(s: &str) -> String {
    s.replace("\r\n", "\n")
        .replace(['\r', '\n'], " ")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
