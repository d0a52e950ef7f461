//! The human format: rustc-style reports with the source line and a caret, via
//! codespan-reporting, then one summary line.

use codespan_reporting::diagnostic::{self as cs, LabelStyle};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};

use super::{byte_range, counts_text, Location, Options};
use crate::diag::{counts, Diagnostic, Severity};
use crate::source::SourceMap;

/// Render for a terminal: each diagnostic as `error[DS104]: message`, ` --> file:line:col`, the
/// source excerpt with the primary span underlined (`^`) and labels (`-`), `= help: ...`; then
/// `dsgen: 2 errors, 1 warning` when there was anything to report.
pub fn human(diags: &[Diagnostic], sources: &SourceMap, opts: &Options) -> String {
    // Source map ids are dense indices from 0, and so are the ids SimpleFiles hands out.
    let mut files = SimpleFiles::new();
    for (id, file) in sources.files() {
        files.add(opts.path(sources, id), file.text());
    }
    let config = term::Config {
        chars: term::Chars::ascii(),
        ..term::Config::default()
    };
    let mut out = String::new();
    for diag in diags {
        let mut buffer = if opts.color {
            termcolor::Buffer::ansi()
        } else {
            termcolor::Buffer::no_color()
        };
        let rendered = to_codespan(diag, sources).and_then(|d| {
            term::emit_to_write_style(&mut buffer, &config, &files, &d)
                .ok()
                .map(|()| String::from_utf8_lossy(buffer.as_slice()).into_owned())
        });
        match rendered {
            Some(text) => out.push_str(&text),
            // A span in a file the map does not have: say it all without the excerpt.
            None => out.push_str(&plain(diag, sources, opts)),
        }
    }
    if !diags.is_empty() {
        out.push_str("dsgen: ");
        out.push_str(&counts_text(counts(diags)));
        out.push('\n');
    }
    out
}

fn severity(s: Severity) -> cs::Severity {
    match s {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Info => cs::Severity::Note,
    }
}

/// `None` when a span points into a file the source map does not have.
fn to_codespan(diag: &Diagnostic, sources: &SourceMap) -> Option<cs::Diagnostic<usize>> {
    let mut labels = Vec::new();
    if let Some(span) = diag.span {
        let range = byte_range(span, sources)?;
        labels.push(cs::Label::new(
            LabelStyle::Primary,
            span.file.0 as usize,
            range,
        ));
    }
    for label in &diag.labels {
        let range = byte_range(label.span, sources)?;
        labels.push(
            cs::Label::new(LabelStyle::Secondary, label.span.file.0 as usize, range)
                .with_message(label.message.clone()),
        );
    }
    let diag = cs::Diagnostic::new(severity(diag.severity))
        .with_code(diag.code)
        .with_message(diag.message.clone())
        .with_labels(labels)
        .with_notes(
            diag.help
                .iter()
                .map(|help| format!("help: {help}"))
                .collect(),
        );
    Some(diag)
}

/// The same report without a source excerpt.
fn plain(diag: &Diagnostic, sources: &SourceMap, opts: &Options) -> String {
    let header = match diag.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    let mut out = format!("{header}[{}]: {}\n", diag.code, diag.message);
    if let Some(span) = diag.span {
        let loc = Location::of(span, sources, opts);
        out.push_str(&format!(" --> {}:{}:{}\n", loc.path, loc.line, loc.column));
    }
    for label in &diag.labels {
        let loc = Location::of(label.span, sources, opts);
        out.push_str(&format!(
            " --> {}:{}:{}: {}\n",
            loc.path, loc.line, loc.column, label.message
        ));
    }
    if let Some(help) = &diag.help {
        out.push_str(&format!(" = help: {help}\n"));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use crate::source::{FileId, Span};

    #[test]
    fn reports_look_like_rustc() {
        let (sources, diags) = fixture::inputs();
        let out = human(&diags, &sources, &Options::default());
        assert!(
            out.contains("error[DS104]: key column `key` is nullable"),
            "{out}"
        );
        assert!(out.contains(" --> a.hcl:2:5"), "{out}");
        assert!(out.contains("2 |     key = null\n  |     ^^^\n"), "{out}");
        // The label in the other file, with its own excerpt.
        assert!(out.contains(" --> b.hcl:1:10"), "{out}");
        assert!(out.contains("------ dataset declared here"), "{out}");
        assert!(out.contains("= help: remove `nullable = true`"), "{out}");
        assert!(out.contains("warning[DS150]: 100% odd"), "{out}");
        assert!(
            out.ends_with("dsgen: 2 errors, 1 warning, 1 info\n"),
            "{out}"
        );
        assert!(!out.contains('\u{1b}'), "no colour unless asked");
    }

    #[test]
    fn a_diagnostic_without_span_has_no_excerpt() {
        let (sources, diags) = fixture::inputs();
        let out = human(&diags[..1], &sources, &Options::default());
        assert_eq!(
            out,
            "note[DS001]: the model has no files\n = help: add an ecosystem block\n\n\
             dsgen: 0 errors, 0 warnings, 1 info\n"
        );
    }

    #[test]
    fn prefix_and_colour_apply() {
        let (sources, diags) = fixture::inputs();
        let opts = Options {
            path_prefix: "models".into(),
            color: true,
        };
        let out = human(&diags, &sources, &opts);
        assert!(out.contains("models/a.hcl:2:5"), "{out}");
        assert!(out.contains('\u{1b}'), "{out}");
    }

    #[test]
    fn any_span_renders_without_panicking() {
        let text = "a\r\nç\tb\n\nxy";
        let mut sources = crate::source::SourceMap::default();
        let f = sources.add(crate::source::SourceFile::new("a.hcl", text));
        let n = text.len() + 2;
        for start in 0..n {
            for end in 0..n {
                let span = Span::new(f, start..end);
                let d = Diagnostic {
                    code: "DS104",
                    severity: Severity::Error,
                    message: "m".into(),
                    span: Some(span),
                    labels: Vec::new(),
                    help: None,
                }
                .label(span, "l");
                let out = human(&[d], &sources, &Options::default());
                assert!(out.contains(" --> a.hcl:"), "{start}..{end}: {out}");
            }
        }
    }

    #[test]
    fn nothing_to_report_prints_nothing() {
        let (sources, _) = fixture::inputs();
        assert_eq!(human(&[], &sources, &Options::default()), "");
    }

    #[test]
    fn a_span_in_an_unknown_file_falls_back_to_plain_text() {
        let (sources, mut diags) = fixture::inputs();
        diags[1].span = Some(Span::new(FileId(9), 0..1));
        let out = human(&diags[1..2], &sources, &Options::default());
        assert!(out.starts_with("error[DS104]: key column"), "{out}");
        assert!(out.contains(" --> <unknown>:1:1"), "{out}");
        assert!(out.contains("= help: remove"), "{out}");
    }
}
