//! The SARIF 2.1.0 format, for GitHub code scanning and other SARIF viewers: one run whose
//! driver lists every documented code as a rule.

use std::collections::BTreeMap;

use serde_json::Value;
use serde_sarif::sarif::{
    ArtifactLocation, Location as SarifLocation, Message, MultiformatMessageString,
    PhysicalLocation, PropertyBag, Region, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};

use super::{Location, Options};
use crate::diag::{codes, Diagnostic, Label, Severity};
use crate::source::{SourceMap, Span};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Artifact URIs are relative to the checkout root, which viewers know by this name.
const SRCROOT: &str = "%SRCROOT%";

/// Render as a SARIF 2.1.0 log. File paths become URIs relative to `%SRCROOT%`, so set
/// [`Options::path_prefix`] to the model directory's path inside the repository.
pub fn sarif(diags: &[Diagnostic], sources: &SourceMap, opts: &Options) -> String {
    sarif_with(diags, sources, opts, &codes::all())
}

fn sarif_with(
    diags: &[Diagnostic],
    sources: &SourceMap,
    opts: &Options,
    catalogue: &[&'static codes::Code],
) -> String {
    let mut rules: Vec<ReportingDescriptor> = Vec::new();
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    for &code in catalogue {
        rule_index.entry(code.code).or_insert_with(|| {
            rules.push(rule(code));
            rules.len() - 1
        });
    }
    // A code missing from the catalogue is a bug elsewhere, but its result still needs a rule.
    for d in diags {
        rule_index.entry(d.code).or_insert_with(|| {
            rules.push(ReportingDescriptor::builder().id(d.code).build());
            rules.len() - 1
        });
    }

    let results = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            let mut result = SarifResult::builder()
                .rule_id(d.code)
                .level(level(d.severity))
                .message(Message::builder().text(text).build())
                .locations(vec![primary_location(d.span, sources, opts)])
                .build();
            result.rule_index = rule_index.get(d.code).map(|&i| i as i64);
            if !d.labels.is_empty() {
                result.related_locations = Some(
                    d.labels
                        .iter()
                        .enumerate()
                        .map(|(i, label)| related_location(i, label, sources, opts))
                        .collect(),
                );
            }
            result
        })
        .collect::<Vec<_>>();

    let driver = ToolComponent::builder()
        .name("dsgen")
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        // Our columns count characters, not the UTF-16 code units SARIF assumes by default.
        .column_kind(Value::from("unicodeCodePoints"))
        .results(results)
        .build();
    let log = Sarif::builder()
        .schema(SCHEMA)
        .version(Value::from("2.1.0"))
        .runs(vec![run])
        .build();
    // Plain data of strings and numbers: serialization cannot fail.
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn level_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn rule(code: &codes::Code) -> ReportingDescriptor {
    let mut text = code.explanation.to_string();
    let mut markdown = code.explanation.to_string();
    for (heading, example) in [("Bad", code.bad), ("Good", code.good)] {
        if !example.is_empty() {
            text.push_str(&format!("\n\n{heading}:\n{example}"));
            markdown.push_str(&format!("\n\n**{heading}**\n\n```hcl\n{example}\n```"));
        }
    }
    ReportingDescriptor::builder()
        .id(code.code)
        .name(code.name)
        .short_description(
            MultiformatMessageString::builder()
                .text(code.summary)
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(code.explanation)
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(text)
                .markdown(markdown)
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(Value::from(level_name(code.severity)))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(vec![code.stage.as_str().to_string()])
                .build(),
        )
        .build()
}

fn physical(span: Span, sources: &SourceMap, opts: &Options) -> PhysicalLocation {
    let loc = Location::of(span, sources, opts);
    PhysicalLocation::builder()
        .artifact_location(artifact(&loc.path))
        .region(
            Region::builder()
                .start_line(loc.line as i64)
                .start_column(loc.column as i64)
                .end_line(loc.end_line as i64)
                .end_column(loc.end_column as i64)
                .build(),
        )
        .build()
}

fn artifact(path: &str) -> ArtifactLocation {
    ArtifactLocation::builder()
        .uri(uri_escape(path))
        .uri_base_id(SRCROOT)
        .build()
}

/// GitHub code scanning rejects a result without a location, so a finding about the model as
/// a whole points at the model directory.
fn primary_location(span: Option<Span>, sources: &SourceMap, opts: &Options) -> SarifLocation {
    let physical = match span {
        Some(span) => physical(span, sources, opts),
        None => PhysicalLocation::builder()
            .artifact_location(artifact(&opts.model_dir()))
            .build(),
    };
    SarifLocation::builder().physical_location(physical).build()
}

fn related_location(
    id: usize,
    label: &Label,
    sources: &SourceMap,
    opts: &Options,
) -> SarifLocation {
    SarifLocation::builder()
        .id(id as i64)
        .physical_location(physical(label.span, sources, opts))
        .message(Message::builder().text(label.message.as_str()).build())
        .build()
}

/// Percent-encode everything in a relative path that is not an unreserved URI character or
/// `/`, so a file named `a b.hcl` is still a valid URI reference.
fn uri_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fixture;
    use super::*;

    fn render(prefix: &str) -> (String, Sarif) {
        let (sources, diags) = fixture::inputs();
        let opts = Options {
            path_prefix: prefix.into(),
            color: false,
        };
        let out = sarif_with(&diags, &sources, &opts, &fixture::catalogue());
        let log = serde_json::from_str::<Sarif>(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        (out, log)
    }

    #[test]
    fn is_a_sarif_2_1_0_log_with_every_rule() {
        let (out, log) = render("models");
        assert_eq!(log.version, Value::from("2.1.0"));
        assert_eq!(log.schema.as_deref(), Some(SCHEMA));
        assert!(out.contains("\"$schema\""));
        assert_eq!(log.runs.len(), 1);
        let driver = &log.runs[0].tool.driver;
        assert_eq!(driver.name, "dsgen");
        assert_eq!(driver.version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
        let rules = driver.rules.as_deref().unwrap_or_default();
        let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        let documented: Vec<&str> = fixture::catalogue().iter().map(|c| c.code).collect();
        assert_eq!(ids[..documented.len()], documented[..]);
        assert_eq!(
            ids.last(),
            Some(&"DS999"),
            "an undocumented code gets a bare rule"
        );

        let ds104 = rules
            .iter()
            .find(|r| r.id == "DS104")
            .map(|r| serde_json::to_value(r).unwrap_or_default());
        let ds104 = ds104.unwrap_or_default();
        assert_eq!(ds104["name"], "nullable-key-column");
        assert_eq!(ds104["defaultConfiguration"]["level"], "error");
        assert_eq!(ds104["properties"]["tags"][0], "lint");
        assert!(ds104["help"]["markdown"]
            .as_str()
            .unwrap_or_default()
            .contains("```hcl\ncolumn \"id\""));
        assert_eq!(
            ds104["shortDescription"]["text"],
            "A key column is nullable"
        );
    }

    #[test]
    fn results_point_at_their_rule_and_location() {
        let (_, log) = render("models/");
        let run = &log.runs[0];
        let rules = run.tool.driver.rules.as_deref().unwrap_or_default();
        let results = run.results.as_deref().unwrap_or_default();
        assert_eq!(results.len(), 4);
        for r in results {
            let index = r.rule_index.unwrap_or(-1) as usize;
            assert_eq!(Some(&rules[index].id), r.rule_id.as_ref());
        }
        let levels: Vec<Value> = results
            .iter()
            .map(|r| serde_json::to_value(r.level).unwrap_or_default())
            .collect();
        assert_eq!(levels, ["note", "error", "error", "warning"]);

        let v = serde_json::to_value(&results[1]).unwrap_or_default();
        assert_eq!(
            v["message"]["text"],
            "key column `key` is nullable\nhelp: remove `nullable = true`"
        );
        let phys = &v["locations"][0]["physicalLocation"];
        assert_eq!(phys["artifactLocation"]["uri"], "models/a.hcl");
        assert_eq!(phys["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(
            phys["region"],
            serde_json::json!({"endColumn": 8, "endLine": 2, "startColumn": 5, "startLine": 2})
        );
        let related = &v["relatedLocations"][0];
        assert_eq!(related["message"]["text"], "dataset declared here");
        assert_eq!(
            related["physicalLocation"]["artifactLocation"]["uri"],
            "models/b.hcl"
        );
        assert_eq!(related["physicalLocation"]["region"]["startColumn"], 10);

        // The finding without a span points at the model directory.
        let v = serde_json::to_value(&results[0]).unwrap_or_default();
        assert_eq!(
            v["locations"][0]["physicalLocation"],
            serde_json::json!({"artifactLocation": {"uri": "models/", "uriBaseId": "%SRCROOT%"}})
        );
    }

    #[test]
    fn examples_are_left_out_of_help_when_a_code_has_none() {
        let (_, log) = render("");
        let rules = log.runs[0].tool.driver.rules.as_deref().unwrap_or_default();
        let ds150 = rules.iter().find(|r| r.id == "DS150");
        let help = ds150.and_then(|r| r.help.as_ref()).map(|h| h.text.as_str());
        assert_eq!(help, Some("Every dataset should say what it holds."));
        assert_eq!(
            serde_json::to_value(ds150).unwrap_or_default()["defaultConfiguration"]["level"],
            "warning"
        );
    }

    #[test]
    fn the_real_catalogue_gives_a_valid_log() {
        let (sources, diags) = fixture::inputs();
        let out = sarif(&diags, &sources, &Options::default());
        let log = serde_json::from_str::<Sarif>(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        let run = &log.runs[0];
        let rules = run.tool.driver.rules.as_deref().unwrap_or_default();
        assert!(rules.len() >= codes::all().len());
        for r in run.results.as_deref().unwrap_or_default() {
            let index = r.rule_index.unwrap_or(-1) as usize;
            assert_eq!(Some(&rules[index].id), r.rule_id.as_ref());
        }
    }

    #[test]
    fn uris_are_escaped() {
        assert_eq!(uri_escape("a b/ç%.hcl"), "a%20b/%C3%A7%25.hcl");
        assert_eq!(uri_escape("./"), "./");
    }
}
