//! DS126 invalid-cron.
//!
//! ## What it does
//! Checks every schedule of the model: a capture's `trigger` must be a 5-field cron expression
//! or exactly `external`, and a transformer's optional `trigger` must be a 5-field cron
//! expression. The fields are minute (0-59), hour (0-23), day of month (1-31), month (1-12) and
//! day of week (0-7, Sunday is 0 and 7); each is `*`, `n`, `a-b`, `*/n`, `a-b/n` or a
//! comma-separated list of them.
//!
//! ## Why is this bad?
//! Platforms turn triggers into schedules of connectors, jobs and tasks. A trigger that does not
//! parse would either be rejected when the platform is deployed, long after the change was
//! merged, or be read differently by each scheduler (six-field Quartz expressions, names such as
//! `MON`, `?` and `L` are not portable), so the data would arrive at times nobody asked for.
//!
//! ## Notes
//! A capture without a `trigger` is reported by the loader (DS005), not here. A transformer
//! without a `trigger` runs when its inputs change; `external` is a capture-only word.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::values::Cron;

declare_code!(
    DS126,
    "invalid-cron",
    Lint,
    Error,
    "A trigger is not a valid 5-field cron expression or `external`",
    "Triggers become the schedules of connectors, jobs and tasks on every platform, so they must \
     be portable 5-field cron expressions: minute (0-59), hour (0-23), day of month (1-31), \
     month (1-12) and day of week (0-7), each `*`, `n`, `a-b`, `*/n`, `a-b/n` or a \
     comma-separated list of them. A capture may instead say `external` when something outside \
     the model starts it. Six-field (seconds) expressions, month and weekday names and the \
     non-standard `?`, `L`, `W` and `#` are rejected. Fix the expression, e.g. \
     `trigger = \"*/10 * * * *\"` for every ten minutes; omit a transformer's trigger to run it \
     whenever its inputs change.",
);

pub static RULE: Rule = Rule {
    code: &DS126,
    check,
};

const FORM: &str = "minute hour day-of-month month day-of-week, e.g. \"*/10 * * * *\" (every ten \
                    minutes) or \"0 2 * * *\" (daily at 02:00)";

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for team in &cx.model.teams {
        for store in &team.datastores {
            let Some(capture) = &store.capture else {
                continue;
            };
            let trigger = &capture.trigger;
            // A missing trigger (DS005) stands in as an empty name at the block's header.
            if trigger.value == "external" || trigger.span.start == capture.span.start {
                continue;
            }
            if let Err(e) = Cron::parse(&trigger.value) {
                out.push(
                    Diagnostic::new(
                        &DS126,
                        format!(
                            "invalid trigger of the capture of datastore `{}`: {e}",
                            store.name.value
                        ),
                    )
                    .at(trigger.span)
                    .help(format!(
                        "write 5 fields: {FORM}; or \"external\" when something outside the \
                         model starts the capture"
                    )),
                );
            }
        }
        for ws in &team.workspaces {
            let Some(t) = &ws.transformer else {
                continue;
            };
            let Some(trigger) = &t.trigger else {
                continue;
            };
            if let Err(e) = Cron::parse(&trigger.value) {
                let help = if trigger.value == "external" {
                    "`external` is for captures only: remove `trigger` to run the transformer \
                     whenever its inputs change, or write a 5-field cron expression"
                        .to_string()
                } else {
                    format!(
                        "write 5 fields: {FORM}; or remove `trigger` to run the transformer \
                         whenever its inputs change"
                    )
                };
                out.push(
                    Diagnostic::new(
                        &DS126,
                        format!(
                            "invalid trigger of transformer `{}` (workspace `{}`): {e}",
                            t.name.value, ws.name.value
                        ),
                    )
                    .at(trigger.span)
                    .label(t.name.span, "transformer defined here")
                    .help(help),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::load::load_files;

    const HEAD: &str = r#"
ecosystem "E" {
  owning_repo = "github:e/eco@main"
  live_repo   = "github:e/eco@live"
  zone "Z" { repo = "github:e/z@main" }
}
vendor "V" {
  cloud = "aws"
  location "r" {}
}
governance_zone "Z" {
  team "T" { repo = "github:e/t@main" }
}
"#;

    fn ds126(body: &str) -> Vec<(usize, String)> {
        let text = format!("{HEAD}{body}");
        let loaded = load_files(vec![("a.hcl".into(), text.into())]);
        let mut got: Vec<(usize, String)> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS126")
            .map(|d| {
                let span = d.span.expect("span");
                (loaded.model.sources.line_col(span).0, d.message)
            })
            .collect();
        got.sort();
        got
    }

    fn store(trigger: &str) -> String {
        format!(
            r#"team "Z" "T" {{
  container "postgres" "Db" {{
    host = "h"
    port = 5432
    database = "d"
    locations = ["V:r"]
  }}
  datastore "S" {{
    capture {{
      kind = "cdc"
      container = "Db"
      {trigger}
    }}
    dataset "d" {{
      classification = ["PUB"]
      column "id" {{ type = "bigint" }}
    }}
  }}
}}
"#
        )
    }

    #[test]
    fn capture_triggers() {
        assert!(ds126(&store(r#"trigger = "external""#)).is_empty());
        assert!(ds126(&store(r#"trigger = "0,30 1-5 */2 1-12/3 0-7""#)).is_empty());
        // Missing: the loader's business.
        assert!(ds126(&store("")).is_empty());
        for bad in ["External", "* * * * * *", "60 * * * *", "0 0 ? * MON", ""] {
            let got = ds126(&store(&format!("trigger = {bad:?}")));
            assert_eq!(got.len(), 1, "{bad}: {got:?}");
            assert_eq!(got[0].0, 25, "{bad}");
            assert!(got[0].1.contains("datastore `S`"), "{}", got[0].1);
        }
    }

    #[test]
    fn transformer_triggers() {
        let body = |trigger: &str| {
            format!(
                r#"team "Z" "T" {{
  datastore "Out" {{
    dataset "d" {{
      classification = ["PUB"]
      column "id" {{ type = "bigint" }}
    }}
  }}
  workspace "W" {{
    container = "platform_managed"
    transformer "X" {{
      output = "Out"
      code {{ image = "e/x:1" }}
      {trigger}
    }}
  }}
}}
"#
            )
        };
        assert!(ds126(&body("")).is_empty());
        assert!(ds126(&body(r#"trigger = "15 3 * * 1-5""#)).is_empty());
        let got = ds126(&body(r#"trigger = "external""#));
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, 26);
        assert!(got[0].1.contains("transformer `X`"), "{}", got[0].1);
        assert_eq!(ds126(&body(r#"trigger = "0 24 * * *""#)).len(), 1);
    }
}
