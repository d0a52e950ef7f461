//! Rendering diagnostics at the edge, one file per output format: human (rustc style), JSON,
//! SARIF 2.1.0, GitHub workflow commands and a Markdown step summary.
//!
//! Every renderer takes the diagnostics in the order given (callers sort with
//! [`super::sort`]) and quotes only the [`SourceMap`] text, which the loader has already
//! redacted. Positions are 1-based lines and 1-based columns counted in characters; an end
//! position points just past the last character of the span.

mod github;
mod human;
mod json;
mod markdown;
mod sarif;

pub use github::github;
pub use human::human;
pub use json::json;
pub use markdown::markdown;
pub use sarif::sarif;

use std::ops::Range;

use super::{codes, Counts};
use crate::source::{FileId, SourceMap, Span};

/// Settings shared by every format.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Prepended (joined with `/`) to every file path, e.g. the model directory relative to the
    /// repository root, so GitHub and SARIF viewers find the file. Empty means none.
    pub path_prefix: String,
    /// ANSI colours; the human format only.
    pub color: bool,
}

impl Options {
    /// The prefix without trailing slashes or a leading `./`; `None` when it adds nothing.
    fn prefix(&self) -> Option<&str> {
        let p = self.path_prefix.trim_end_matches('/');
        let p = p.strip_prefix("./").unwrap_or(p);
        (!p.is_empty() && p != ".").then_some(p)
    }

    /// A file's display path with the prefix applied.
    fn path(&self, sources: &SourceMap, file: FileId) -> String {
        let path = sources.path(file);
        match self.prefix() {
            Some(prefix) => format!("{prefix}/{path}"),
            None => path.to_string(),
        }
    }

    /// What a finding about the model as a whole points at: the model directory.
    fn model_dir(&self) -> String {
        match self.prefix() {
            Some(prefix) => format!("{prefix}/"),
            None => "./".to_string(),
        }
    }
}

/// Where a span is, resolved for display.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Location {
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    /// Column just past the last character; for a span ending in a newline, one past the
    /// newline on the same line rather than column 1 of the next line.
    end_column: usize,
}

impl Location {
    fn of(span: Span, sources: &SourceMap, opts: &Options) -> Location {
        let path = opts.path(sources, span.file);
        let Some(file) = sources.get(span.file) else {
            return Location {
                path,
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
            };
        };
        let (line, column) = file.line_col(span.start);
        let (end_line, end_column) = if span.end > span.start {
            let (l, c) = file.line_col(span.end - 1);
            (l, c + 1)
        } else {
            (line, column)
        };
        Location {
            path,
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// The span's byte range clamped to its file and widened to character boundaries, so no
/// renderer slices inside a character or past the end; `None` for an unknown file.
fn byte_range(span: Span, sources: &SourceMap) -> Option<Range<usize>> {
    let text = sources.get(span.file)?.text();
    let mut start = (span.start as usize).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = if span.end > span.start {
        (span.end as usize).clamp(start, text.len())
    } else {
        start
    };
    while !text.is_char_boundary(end) {
        end += 1;
    }
    Some(start..end)
}

/// The catalogue entry of a code, if it is documented. Renderers take the catalogue
/// ([`codes::all`]) as an argument so their tests can bring their own.
fn code_info(catalogue: &[&'static codes::Code], code: &str) -> Option<&'static codes::Code> {
    catalogue.iter().find(|c| c.code == code).copied()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `2 errors, 1 warning` plus `, 3 infos` when there are any.
fn counts_text(c: Counts) -> String {
    let mut text = format!(
        "{}, {}",
        plural(c.errors, "error", "errors"),
        plural(c.warnings, "warning", "warnings")
    );
    if c.infos > 0 {
        text.push_str(", ");
        text.push_str(&plural(c.infos, "info", "infos"));
    }
    text
}

#[cfg(test)]
pub(crate) mod fixture {
    //! The inputs every format's tests render.

    use crate::diag::codes::{Code, Stage};
    use crate::diag::{Diagnostic, Severity};
    use crate::source::{SourceFile, SourceMap, Span};

    /// A catalogue of three codes, so the tests do not depend on the real one.
    pub fn catalogue() -> Vec<&'static Code> {
        vec![&DS001, &DS104, &DS150]
    }

    static DS001: Code = Code {
        code: "DS001",
        name: "syntax-error",
        stage: Stage::Load,
        severity: Severity::Error,
        summary: "The file is not valid HCL",
        explanation: "The loader could not parse the file.",
        bad: "ecosystem {",
        good: "ecosystem {}",
        since: "0.1.0",
    };
    static DS104: Code = Code {
        code: "DS104",
        name: "nullable-key-column",
        stage: Stage::Lint,
        severity: Severity::Error,
        summary: "A key column is nullable",
        explanation: "Key columns identify a row, so they must not be null.",
        bad: "column \"id\" {\n  key      = true\n  nullable = true # expect: DS104\n}",
        good: "column \"id\" {\n  key = true\n}",
        since: "0.1.0",
    };
    static DS150: Code = Code {
        code: "DS150",
        name: "missing-doc",
        stage: Stage::Lint,
        severity: Severity::Warning,
        summary: "A dataset has no doc",
        explanation: "Every dataset should say what it holds.",
        bad: "",
        good: "",
        since: "0.1.0",
    };

    pub const A: &str = "ecosystem \"shop\" {\n    key = null\n}\n";
    pub const B: &str = "dataset \"orders\" {\n  doc = \"x\"\n}\n";

    /// Two files and four diagnostics, in [`crate::diag::sort`] order: an info without a span,
    /// an error in `a.hcl` at 2:5 with a label in `b.hcl` and help, an error whose code is not
    /// in the catalogue, and a warning whose message and help need escaping everywhere.
    pub fn inputs() -> (SourceMap, Vec<Diagnostic>) {
        let mut sources = SourceMap::default();
        let a = sources.add(SourceFile::new("a.hcl", A));
        let b = sources.add(SourceFile::new("b.hcl", B));
        let key = A.find("key").unwrap_or(0);
        let orders = B.find("orders").unwrap_or(0);
        let doc = B.find("doc").unwrap_or(0);
        let close = A.rfind('}').unwrap_or(0);
        let diags = vec![
            Diagnostic {
                code: "DS001",
                severity: Severity::Info,
                message: "the model has no files".into(),
                span: None,
                labels: Vec::new(),
                help: Some("add an ecosystem block".into()),
            },
            Diagnostic {
                code: "DS104",
                severity: Severity::Error,
                message: "key column `key` is nullable".into(),
                span: Some(Span::new(a, key..key + 3)),
                labels: Vec::new(),
                help: Some("remove `nullable = true`".into()),
            }
            .label(Span::new(b, orders..orders + 6), "dataset declared here"),
            Diagnostic {
                code: "DS999",
                severity: Severity::Error,
                message: "internal".into(),
                span: Some(Span::new(a, close..close + 1)),
                labels: Vec::new(),
                help: None,
            },
            Diagnostic {
                code: "DS150",
                severity: Severity::Warning,
                message: "100% odd: a, b | <c>\nsecond line".into(),
                span: Some(Span::new(b, doc..doc + 3)),
                labels: Vec::new(),
                help: Some("write a real doc,\r\nnot `x|y`".into()),
            },
        ];
        (sources, diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn prefix_is_joined_with_one_slash() {
        let mut sources = SourceMap::default();
        let a = sources.add(SourceFile::new("sub/a.hcl", "x"));
        for (prefix, want) in [
            ("", "sub/a.hcl"),
            (".", "sub/a.hcl"),
            ("./", "sub/a.hcl"),
            ("models", "models/sub/a.hcl"),
            ("models/", "models/sub/a.hcl"),
            ("./models", "models/sub/a.hcl"),
        ] {
            let opts = Options {
                path_prefix: prefix.into(),
                color: false,
            };
            assert_eq!(opts.path(&sources, a), want, "prefix {prefix:?}");
        }
    }

    #[test]
    fn end_position_stays_on_the_last_line_of_the_span() {
        let mut sources = SourceMap::default();
        let a = sources.add(SourceFile::new("a.hcl", "ab\nçd\n"));
        let opts = Options::default();
        let loc = |r: Range<usize>| {
            let l = Location::of(Span::new(a, r), &sources, &opts);
            (l.line, l.column, l.end_line, l.end_column)
        };
        assert_eq!(loc(0..2), (1, 1, 1, 3));
        assert_eq!(loc(0..3), (1, 1, 1, 4)); // includes the newline
        assert_eq!(loc(3..6), (2, 1, 2, 3)); // ç is two bytes, one column
        assert_eq!(loc(4..4), (2, 1, 2, 1)); // inside ç: floors to its start
        assert_eq!(loc(5..5), (2, 2, 2, 2));
    }

    #[test]
    fn byte_range_is_clamped_to_char_boundaries() {
        let mut sources = SourceMap::default();
        let a = sources.add(SourceFile::new("a.hcl", "ç"));
        assert_eq!(byte_range(Span::new(a, 1..1), &sources), Some(0..0));
        assert_eq!(byte_range(Span::new(a, 0..1), &sources), Some(0..2));
        assert_eq!(byte_range(Span::new(a, 5..9), &sources), Some(2..2));
        assert_eq!(byte_range(Span::new(FileId(7), 0..1), &sources), None);
    }

    #[test]
    fn counts_text_pluralises_and_mentions_infos_only_when_present() {
        let c = |errors, warnings, infos| Counts {
            errors,
            warnings,
            infos,
        };
        assert_eq!(counts_text(c(2, 1, 0)), "2 errors, 1 warning");
        assert_eq!(counts_text(c(0, 0, 3)), "0 errors, 0 warnings, 3 infos");
        assert_eq!(counts_text(c(1, 2, 1)), "1 error, 2 warnings, 1 info");
    }
}
