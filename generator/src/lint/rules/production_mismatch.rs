//! DS121 production-mismatch.
//!
//! ## What it does
//! Warns when a workspace reads a datastore whose `production` flag differs from its own: a
//! production workspace consuming a non-production datastore, or a non-production workspace
//! consuming a production one. Reported once per (workspace, datastore) pair, at the first
//! sink of the pair, saying which side is production.
//!
//! ## Why is this bad?
//! A production workspace built on non-production data serves results that nobody guarantees
//! (test data, unmonitored pipelines). A non-production workspace reading production data
//! copies real data out of production's controls. Either can be intended, which is why this
//! is a warning, but it should be a visible decision.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use std::collections::HashSet;

declare_code!(
    DS121,
    "production-mismatch",
    Lint,
    Warning,
    "Production status differs between a datastore and a workspace consuming it",
    "Production workspaces should be built on production data, and production data should stay \
     in production workspaces. A production workspace reading a non-production datastore serves \
     results nobody guarantees; a non-production workspace reading a production datastore \
     copies real data out of production's controls. Fix the `production` flag of whichever side \
     is wrong, or read a datastore of the matching kind. Reported once per workspace and \
     datastore.",
);

pub static RULE: Rule = Rule {
    code: &DS121,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for team in &cx.model.teams {
        for ws in &team.workspaces {
            let mut reported: HashSet<&str> = HashSet::new();
            for dsg in &ws.dsgs {
                for sink in &dsg.sinks {
                    let Some(store) = cx.index.datastores.get(sink.store.value.as_str()) else {
                        continue;
                    };
                    let store = store.item;
                    if store.production.value == ws.production.value
                        || !reported.insert(store.name.value.as_str())
                    {
                        continue;
                    }
                    let sink_desc = format!(
                        "sink `{}`/`{}` in dataset group `{}`",
                        sink.store.value, sink.dataset.value, dsg.name.value
                    );
                    let d = if ws.production.value {
                        Diagnostic::new(
                            &DS121,
                            format!(
                                "production workspace `{}` reads non-production datastore `{}` ({sink_desc})",
                                ws.name.value, store.name.value
                            ),
                        )
                        .at(sink.store.span)
                        .label(ws.production.span, "the workspace is production here")
                        .help(format!(
                            "read a production datastore, or set `production = true` on datastore `{}` if it holds production data",
                            store.name.value
                        ))
                    } else {
                        Diagnostic::new(
                            &DS121,
                            format!(
                                "non-production workspace `{}` reads production datastore `{}` ({sink_desc})",
                                ws.name.value, store.name.value
                            ),
                        )
                        .at(sink.store.span)
                        .label(store.production.span, "the datastore is production here")
                        .help(format!(
                            "set `production = true` on workspace `{}` if it is a production consumer, or read a non-production copy of the data",
                            ws.name.value
                        ))
                    };
                    out.push(d);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn once_per_workspace_and_datastore() {
        let text = r#"team "Z" "T" {
  datastore "Prod" {
    production = true
    dataset "a" {}
    dataset "b" {}
  }
  datastore "Dev" {
    dataset "a" {}
  }
  workspace "Sandbox" {
    container = "C"
    dsg "A" {
      sink "Dev" "a" {}
      sink "Prod" "a" {}
      sink "Prod" "b" {}
    }
    dsg "B" {
      sink "Prod" "a" {}
    }
  }
  workspace "Live" {
    container  = "C"
    production = true
    dsg "A" {
      sink "Prod" "a" {}
      sink "Dev" "a" {}
    }
  }
}
"#;
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let model = &loaded.model;
        let mut got: Vec<(usize, String)> = crate::lint::lint(model)
            .into_iter()
            .filter(|d| d.code == "DS121")
            .filter_map(|d| Some((model.sources.line_col(d.span?).0, d.message)))
            .collect();
        got.sort();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, 14);
        assert!(
            got[0].1.starts_with("non-production workspace `Sandbox`"),
            "{got:?}"
        );
        assert_eq!(got[1].0, 26);
        assert!(
            got[1].1.starts_with("production workspace `Live`"),
            "{got:?}"
        );
    }
}
