//! DS130 transformer-pins-platform.
//!
//! ## What it does
//! Flags a `platform` pin on any dataset group of a workspace that has a transformer.
//!
//! ## Why is this bad?
//! A transformer runs wherever its output is consumed: its workspace is pulled onto every
//! platform that has a consumer of the output datastore, recursively through chains of
//! transformers. A pin would fix its inputs to one platform while the transformer itself must
//! follow its consumers, so the transformer's inputs and its runs could end up on different
//! platforms, or it would run where nobody reads its output.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};

declare_code!(
    DS130,
    "transformer-pins-platform",
    Lint,
    Error,
    "A transformer workspace's dataset group pins a platform",
    "A workspace with a transformer is placed by its consumers: it runs on every platform where \
     some workspace reads the transformer's output, directly or through other transformers. Its \
     dataset groups therefore must not choose a platform themselves with `platform = ...`. \
     Remove the pin; to run the transformer on a platform, place a consumer of its output \
     there.",
);

pub static RULE: Rule = Rule {
    code: &DS130,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for team in &cx.model.teams {
        for ws in &team.workspaces {
            let Some(t) = &ws.transformer else {
                continue;
            };
            for dsg in &ws.dsgs {
                let Some(platform) = &dsg.platform else {
                    continue;
                };
                out.push(
                    Diagnostic::new(
                        &DS130,
                        format!(
                            "dataset group `{}` of workspace `{}` pins platform `{}`, but the \
                             workspace has transformer `{}`",
                            dsg.name.value, ws.name.value, platform.value, t.name.value
                        ),
                    )
                    .at(platform.span)
                    .label(t.name.span, "transformer defined here")
                    .help(format!(
                        "remove `platform`: transformer `{}` runs on the platforms of the \
                         consumers of `{}`",
                        t.name.value, t.output.value
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::load::load_files;

    #[test]
    fn only_dsgs_of_transformer_workspaces() {
        let text = r#"ecosystem "E" {
  owning_repo = "github:e/eco@main"
  live_repo   = "github:e/eco@live"
  zone "Z" { repo = "github:e/z@main" }
}
governance_zone "Z" {
  team "T" { repo = "github:e/t@main" }
}
team "Z" "T" {
  workspace "Plain" {
    container = "platform_managed"
    dsg "A" { platform = "P" }
  }
  workspace "Tx" {
    container = "platform_managed"
    dsg "A" { platform = "P" }
    dsg "B" {}
    dsg "C" { platform = "Q" }
    transformer "X" {
      output = "Out"
      code { image = "e/x:1" }
    }
  }
}
"#;
        let loaded = load_files(vec![("a.hcl".into(), text.into())]);
        let mut lines: Vec<usize> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS130")
            .filter_map(|d| Some(loaded.model.sources.line_col(d.span?).0))
            .collect();
        lines.sort();
        assert_eq!(lines, [16, 18]);
    }
}
