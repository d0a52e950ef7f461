//! `dsgen rules`, `dsgen explain` and `dsgen schema`: the reference dsgen prints about itself,
//! without reading a model. The table (or JSON list) of every diagnostic code, one code's
//! explanation with its bad and good examples, and the JSON Schema of the model's JSON form.

use super::{exit, out, Format};
use crate::diag::codes;
use crate::schema;

/// `dsgen rules`.
pub(super) fn rules_command(format: Format) -> anyhow::Result<u8> {
    out(&rules_listing(format))?;
    Ok(exit::OK)
}

/// `dsgen explain CODE`.
pub(super) fn explain_command(code: &str) -> anyhow::Result<u8> {
    match codes::find(code) {
        Some(c) => {
            out(&explain(c))?;
            Ok(exit::OK)
        }
        None => {
            eprintln!("dsgen: error: unknown code `{code}`; `dsgen rules` lists every code");
            Ok(exit::USAGE)
        }
    }
}

/// `dsgen schema`.
pub(super) fn schema_command() -> anyhow::Result<u8> {
    let text = serde_json::to_string_pretty(&schema::json_schema::json_schema())?;
    out(&(text + "\n"))?;
    Ok(exit::OK)
}

fn rules_listing(format: Format) -> String {
    let all = codes::all();
    if format == Format::Json {
        let list: Vec<serde_json::Value> = all
            .iter()
            .map(|c| {
                serde_json::json!({
                    "code": c.code, "name": c.name, "stage": c.stage.as_str(),
                    "severity": c.severity.as_str(), "summary": c.summary, "since": c.since,
                })
            })
            .collect();
        return serde_json::to_string_pretty(&list).unwrap_or_default() + "\n";
    }
    let width = all.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut text = String::new();
    for c in all {
        text.push_str(&format!(
            "{}  {:<7}  {:<width$}  {}\n",
            c.code,
            c.severity.as_str(),
            c.name,
            c.summary
        ));
    }
    text
}

fn explain(c: &codes::Code) -> String {
    let mut text = format!(
        "{} {} ({}, {} stage, since {})\n\n{}.\n\n{}\n",
        c.code,
        c.name,
        c.severity.as_str(),
        c.stage.as_str(),
        c.since,
        c.summary,
        c.explanation
    );
    let example = |title: &str, body: &str| {
        // The fixture marker is for the test harness, not for readers.
        let body = body
            .trim_start_matches("# fixture: standalone\n")
            .trim_end();
        if body.is_empty() {
            String::new()
        } else {
            let indented: Vec<String> = body.lines().map(|l| format!("    {l}")).collect();
            format!("\n{title}\n\n{}\n", indented.join("\n"))
        }
    };
    text.push_str(&example(
        "Example (`# expect:` marks each reported line):",
        c.bad,
    ));
    text.push_str(&example("Use instead:", c.good));
    text
}
