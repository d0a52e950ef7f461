//! The GitHub format: one workflow command per diagnostic, which Actions turns into an
//! annotation on the file and line of the pull request.

use super::{code_info, Location, Options};
use crate::diag::{codes, Diagnostic, Severity};
use crate::source::SourceMap;

/// Render as `::error file=F,line=L,col=C,endLine=L,endColumn=C,title=DS104 name::message`
/// lines (`::warning` for warnings, `::notice` for infos), help after a newline in the
/// message. Columns are given only for a span on one line, as GitHub ignores them otherwise.
pub fn github(diags: &[Diagnostic], sources: &SourceMap, opts: &Options) -> String {
    github_with(diags, sources, opts, &codes::all())
}

fn github_with(
    diags: &[Diagnostic],
    sources: &SourceMap,
    opts: &Options,
    catalogue: &[&'static codes::Code],
) -> String {
    let mut out = String::new();
    for d in diags {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props: Vec<(&str, String)> = Vec::new();
        if let Some(span) = d.span {
            let loc = Location::of(span, sources, opts);
            props.push(("file", loc.path));
            props.push(("line", loc.line.to_string()));
            if loc.line == loc.end_line {
                props.push(("col", loc.column.to_string()));
                props.push(("endLine", loc.end_line.to_string()));
                props.push(("endColumn", loc.end_column.to_string()));
            } else {
                props.push(("endLine", loc.end_line.to_string()));
            }
        }
        let title = match code_info(catalogue, d.code) {
            Some(code) => format!("{} {}", d.code, code.name),
            None => d.code.to_string(),
        };
        props.push(("title", title));

        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }

        out.push_str("::");
        out.push_str(command);
        for (i, (key, value)) in props.iter().enumerate() {
            out.push(if i == 0 { ' ' } else { ',' });
            out.push_str(key);
            out.push('=');
            out.push_str(&escape_property(value));
        }
        out.push_str("::");
        out.push_str(&escape_data(&message));
        out.push('\n');
    }
    out
}

/// Workflow-command escaping of the message.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Workflow-command escaping of a property value, which also may not contain `:` or `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    #[test]
    fn one_escaped_command_per_diagnostic() {
        let (sources, diags) = fixture::inputs();
        let opts = Options {
            path_prefix: "models".into(),
            color: false,
        };
        let out = github_with(&diags, &sources, &opts, &fixture::catalogue());
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines,
            [
                "::notice title=DS001 syntax-error::the model has no files%0Ahelp: add an ecosystem block",
                "::error file=models/a.hcl,line=2,col=5,endLine=2,endColumn=8,title=DS104 nullable-key-column::key column `key` is nullable%0Ahelp: remove `nullable = true`",
                "::error file=models/a.hcl,line=3,col=1,endLine=3,endColumn=2,title=DS999::internal",
                "::warning file=models/b.hcl,line=2,col=3,endLine=2,endColumn=6,title=DS150 missing-doc::100%25 odd: a, b | <c>%0Asecond line%0Ahelp: write a real doc,%0D%0Anot `x|y`",
            ]
        );
    }

    #[test]
    fn the_real_catalogue_gives_one_line_each() {
        let (sources, diags) = fixture::inputs();
        let out = github(&diags, &sources, &Options::default());
        assert_eq!(out.lines().count(), diags.len());
        assert!(out.lines().all(|l| l.starts_with("::")), "{out}");
    }

    #[test]
    fn property_values_escape_colons_and_commas() {
        assert_eq!(escape_property("a:b,c%d\r\n"), "a%3Ab%2Cc%25d%0D%0A");
        assert_eq!(escape_data("a:b,c%d\r\n"), "a:b,c%25d%0D%0A");
        let mut sources = SourceMap::default();
        let f = sources.add(crate::source::SourceFile::new("we:ird,name.hcl", "x = 1\n"));
        let d = Diagnostic {
            code: "DS104",
            severity: Severity::Error,
            message: "m".into(),
            span: Some(crate::source::Span::new(f, 0..6)),
            labels: Vec::new(),
            help: None,
        };
        assert_eq!(
            github_with(&[d], &sources, &Options::default(), &fixture::catalogue()),
            "::error file=we%3Aird%2Cname.hcl,line=1,col=1,endLine=1,endColumn=7,title=DS104 nullable-key-column::m\n"
        );
    }

    #[test]
    fn a_span_over_several_lines_has_no_columns() {
        let mut sources = SourceMap::default();
        let f = sources.add(crate::source::SourceFile::new("a.hcl", "a {\n}\n"));
        let d = Diagnostic {
            code: "DS999",
            severity: Severity::Warning,
            message: "m".into(),
            span: Some(crate::source::Span::new(f, 0..5)),
            labels: Vec::new(),
            help: None,
        };
        assert_eq!(
            github(&[d], &sources, &Options::default()),
            "::warning file=a.hcl,line=1,endLine=2,title=DS999::m\n"
        );
    }
}
