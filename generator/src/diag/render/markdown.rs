//! The Markdown format: a summary for `$GITHUB_STEP_SUMMARY` and pull-request comments.

use super::{code_info, counts_text, plural, Location, Options};
use crate::diag::{codes, counts, Diagnostic, Severity};
use crate::source::SourceMap;

/// Rows beyond this are counted, not listed: a step summary holds at most 1 MiB and a
/// pull-request comment 65536 characters.
const MAX_ROWS: usize = 250;

/// Render as `## title`, a verdict line (✅ no errors / ❌ N errors) with the counts, a table of
/// the diagnostics in the order given, and a collapsed explanation of each code that occurs.
pub fn markdown(diags: &[Diagnostic], sources: &SourceMap, opts: &Options, title: &str) -> String {
    markdown_with(diags, sources, opts, title, &codes::all())
}

fn markdown_with(
    diags: &[Diagnostic],
    sources: &SourceMap,
    opts: &Options,
    title: &str,
    catalogue: &[&'static codes::Code],
) -> String {
    let c = counts(diags);
    let mut out = format!("## {title}\n\n");
    if diags.is_empty() {
        out.push_str("✅ **No problems found.**\n");
        return out;
    }
    if c.errors > 0 {
        out.push_str(&format!(
            "❌ **{}** ({})\n\n",
            plural(c.errors, "error", "errors"),
            counts_text(c)
        ));
    } else {
        out.push_str(&format!("✅ **No errors** ({})\n\n", counts_text(c)));
    }

    out.push_str("| | Code | Location | Message |\n|---|---|---|---|\n");
    for d in diags.iter().take(MAX_ROWS) {
        let icon = match d.severity {
            Severity::Error => "❌",
            Severity::Warning => "⚠️",
            Severity::Info => "ℹ️",
        };
        let location = match d.span {
            Some(span) => {
                let loc = Location::of(span, sources, opts);
                escape_cell(&format!("`{}:{}:{}`", loc.path, loc.line, loc.column))
            }
            None => "—".to_string(),
        };
        let mut message = escape_cell(&d.message);
        if let Some(help) = &d.help {
            message.push_str("<br>help: ");
            message.push_str(&escape_cell(help));
        }
        out.push_str(&format!(
            "| {icon} | `{}` | {location} | {message} |\n",
            escape_cell(d.code)
        ));
    }
    if diags.len() > MAX_ROWS {
        out.push_str(&format!(
            "\n…and {} more not shown.\n",
            diags.len() - MAX_ROWS
        ));
    }

    let mut seen: Vec<&str> = Vec::new();
    for d in diags {
        if !seen.contains(&d.code) {
            seen.push(d.code);
        }
    }
    let documented: Vec<_> = seen
        .into_iter()
        .filter_map(|code| code_info(catalogue, code))
        .collect();
    if !documented.is_empty() {
        out.push_str("\n<details><summary>About these codes</summary>\n\n");
        for code in documented {
            out.push_str(&format!(
                "- **`{}` {}**: {}. {}\n",
                code.code,
                code.name,
                code.summary,
                code.explanation.trim()
            ));
        }
        out.push_str("\n</details>\n");
    }
    out
}

/// Make text safe inside one table cell: newlines become `<br>`, `|` is escaped (GitHub
/// unescapes it inside code spans too), and `<`/`>` outside code spans become entities so a
/// message like `array<string>` is not taken for HTML.
fn escape_cell(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(s.len());
    let mut in_code = false;
    for ch in s.chars() {
        match ch {
            '\n' => {
                out.push_str("<br>");
                in_code = false;
            }
            '`' => {
                in_code = !in_code;
                out.push('`');
            }
            '|' => out.push_str("\\|"),
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn summary_with_a_row_per_diagnostic() {
        let (sources, diags) = fixture::inputs();
        let out = markdown_with(
            &diags,
            &sources,
            &Options::default(),
            "dsgen check",
            &fixture::catalogue(),
        );
        let expected_start = "## dsgen check\n\n\
            ❌ **2 errors** (2 errors, 1 warning, 1 info)\n\n\
            | | Code | Location | Message |\n\
            |---|---|---|---|\n\
            | ℹ️ | `DS001` | — | the model has no files<br>help: add an ecosystem block |\n\
            | ❌ | `DS104` | `a.hcl:2:5` | key column `key` is nullable<br>help: remove `nullable = true` |\n\
            | ❌ | `DS999` | `a.hcl:3:1` | internal |\n\
            | ⚠️ | `DS150` | `b.hcl:2:3` | 100% odd: a, b \\| &lt;c&gt;<br>second line<br>help: write a real doc,<br>not `x\\|y` |\n\
            \n<details><summary>About these codes</summary>\n\n\
            - **`DS001` syntax-error**: The file is not valid HCL. ";
        assert!(out.starts_with(expected_start), "{out}");
        assert!(out.contains("- **`DS104` nullable-key-column**"), "{out}");
        assert!(
            !out.contains("DS999`**"),
            "undocumented codes are not explained"
        );
        assert!(out.ends_with("\n</details>\n"), "{out}");
    }

    #[test]
    fn the_real_catalogue_gives_the_same_table() {
        let (sources, diags) = fixture::inputs();
        let out = markdown(&diags, &sources, &Options::default(), "t");
        assert_eq!(out.matches("\n| ").count(), diags.len() + 1, "{out}");
    }

    #[test]
    fn verdicts() {
        let (sources, diags) = fixture::inputs();
        let opts = Options::default();
        assert_eq!(
            markdown(&[], &sources, &opts, "Model"),
            "## Model\n\n✅ **No problems found.**\n"
        );
        let out = markdown(&diags[3..], &sources, &opts, "Model");
        assert!(
            out.starts_with("## Model\n\n✅ **No errors** (0 errors, 1 warning)\n\n"),
            "{out}"
        );
    }

    #[test]
    fn long_lists_are_cut() {
        let (sources, diags) = fixture::inputs();
        let many: Vec<Diagnostic> = std::iter::repeat_n(diags[2].clone(), MAX_ROWS + 3).collect();
        let out = markdown(&many, &sources, &Options::default(), "t");
        assert_eq!(out.matches("| ❌ |").count(), MAX_ROWS);
        assert!(out.contains("\n…and 3 more not shown.\n"), "{out}");
    }

    #[test]
    fn cells_escape_pipes_newlines_and_html_outside_code() {
        assert_eq!(
            escape_cell("a|b\r\nc <d> `<e>|`"),
            "a\\|b<br>c &lt;d&gt; `<e>\\|`"
        );
    }
}
