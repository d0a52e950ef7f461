//! The JSON format: a versioned document for scripts, keys always in the same order.

use serde::Serialize;

use super::{Location, Options};
use crate::diag::{counts, Diagnostic};
use crate::source::SourceMap;

/// Bumped only when a field changes meaning or disappears; new fields may be added.
const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'a str,
    severity: &'static str,
    message: &'a str,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: String,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// Render as pretty-printed JSON:
/// `{"version":1,"diagnostics":[{"code","severity","message","file","line","column","end_line",
/// "end_column","labels":[{"file","line","column","message"}],"help"}],"summary":{...}}`.
/// Location fields are `null` for a diagnostic without a span, `help` when there is none.
pub fn json(diags: &[Diagnostic], sources: &SourceMap, opts: &Options) -> String {
    let c = counts(diags);
    let doc = Document {
        version: FORMAT_VERSION,
        diagnostics: diags
            .iter()
            .map(|d| {
                let loc = d.span.map(|s| Location::of(s, sources, opts));
                JsonDiagnostic {
                    code: d.code,
                    severity: d.severity.as_str(),
                    message: &d.message,
                    line: loc.as_ref().map(|l| l.line),
                    column: loc.as_ref().map(|l| l.column),
                    end_line: loc.as_ref().map(|l| l.end_line),
                    end_column: loc.as_ref().map(|l| l.end_column),
                    file: loc.map(|l| l.path),
                    labels: d
                        .labels
                        .iter()
                        .map(|label| {
                            let l = Location::of(label.span, sources, opts);
                            JsonLabel {
                                file: l.path,
                                line: l.line,
                                column: l.column,
                                message: &label.message,
                            }
                        })
                        .collect(),
                    help: d.help.as_deref(),
                }
            })
            .collect(),
        summary: Summary {
            errors: c.errors,
            warnings: c.warnings,
            infos: c.infos,
        },
    };
    // Plain structs of strings and numbers: serialization cannot fail.
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;
    use serde_json::{json as j, Value};

    fn render() -> Value {
        let (sources, diags) = fixture::inputs();
        let opts = Options {
            path_prefix: "models".into(),
            color: false,
        };
        let out = json(&diags, &sources, &opts);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    }

    #[test]
    fn parses_back_with_positions() {
        let v = render();
        assert_eq!(v["version"], 1);
        assert_eq!(
            v["diagnostics"][1],
            j!({
                "code": "DS104",
                "severity": "error",
                "message": "key column `key` is nullable",
                "file": "models/a.hcl",
                "line": 2,
                "column": 5,
                "end_line": 2,
                "end_column": 8,
                "labels": [{
                    "file": "models/b.hcl",
                    "line": 1,
                    "column": 10,
                    "message": "dataset declared here",
                }],
                "help": "remove `nullable = true`",
            })
        );
        assert_eq!(v["summary"], j!({"errors": 2, "warnings": 1, "infos": 1}));
    }

    #[test]
    fn a_diagnostic_without_span_has_null_location() {
        let v = render();
        let d = &v["diagnostics"][0];
        for key in ["file", "line", "column", "end_line", "end_column"] {
            assert_eq!(d[key], Value::Null, "{key}");
        }
        assert_eq!(d["severity"], "info");
        assert_eq!(v["diagnostics"][2]["help"], Value::Null);
        assert_eq!(
            v["diagnostics"][3]["message"],
            "100% odd: a, b | <c>\nsecond line"
        );
    }

    #[test]
    fn keys_keep_their_documented_order() {
        let (sources, diags) = fixture::inputs();
        let out = json(&diags, &sources, &Options::default());
        let positions: Vec<usize> = [
            "\"version\"",
            "\"code\"",
            "\"severity\"",
            "\"message\"",
            "\"file\"",
            "\"line\"",
            "\"column\"",
            "\"end_line\"",
            "\"end_column\"",
            "\"labels\"",
            "\"help\"",
            "\"summary\"",
        ]
        .iter()
        .map(|k| out.find(k).unwrap_or(usize::MAX))
        .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{out}");
    }

    #[test]
    fn no_diagnostics_is_still_a_document() {
        let (sources, _) = fixture::inputs();
        let v: Value =
            serde_json::from_str(&json(&[], &sources, &Options::default())).unwrap_or_default();
        assert_eq!(
            v,
            j!({"version": 1, "diagnostics": [], "summary": {"errors": 0, "warnings": 0, "infos": 0}})
        );
    }
}
