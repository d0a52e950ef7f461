//! DS118 dangling-approval.
//!
//! ## What it does
//! Warns about an `approval` block of a datastore that names a workspace that does not exist,
//! a dataset group (`dsg`) that the named workspace does not have, or a dataset that is not in
//! this datastore.
//!
//! ## Why is this bad?
//! Such an approval grants nothing today, but it is not harmless: it usually hides a typo (so
//! the consumer it was meant for is still blocked by DS117), and a workspace, group or dataset
//! created later under that name would be approved without its owner ever having been vetted.
//!
//! ## Notes
//! It is a warning, not an error, because removing a workspace from one team's repository
//! while another team's approval still names it must not block the removal.

use crate::diag::codes::declare_code;
use crate::diag::{did_you_mean, Diagnostic};
use crate::lint::{LintContext, Rule};
use crate::model::{Approval, Datastore};
use std::collections::HashSet;

declare_code!(
    DS118,
    "dangling-approval",
    Lint,
    Warning,
    "An approval names a workspace, dataset group or dataset that does not exist",
    "An approval grants one (workspace, dataset group, dataset) the right to read a datastore \
     that requires approval. When the workspace, its dataset group or the datastore's dataset \
     does not exist, the approval grants nothing: usually a typo, which leaves the intended \
     consumer blocked, or a leftover that would silently approve anything created later under \
     that name. Correct the name or remove the approval.",
);

pub static RULE: Rule = Rule {
    code: &DS118,
    check,
};

/// Suggesting a workspace compares against every workspace name; past this many unknown
/// workspaces in one run, stop suggesting so a broken model cannot make lint quadratic.
const MAX_WORKSPACE_SUGGESTIONS: usize = 100;

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    let mut suggestions_left = MAX_WORKSPACE_SUGGESTIONS;
    for team in &cx.model.teams {
        for store in team.datastores.iter().filter(|s| !s.approvals.is_empty()) {
            let datasets: HashSet<&str> = store
                .datasets
                .iter()
                .map(|d| d.name.value.as_str())
                .collect();
            for approval in &store.approvals {
                check_approval(cx, store, &datasets, approval, &mut suggestions_left, out);
            }
        }
    }
}

fn check_approval(
    cx: &LintContext,
    store: &Datastore,
    datasets: &HashSet<&str>,
    approval: &Approval,
    suggestions_left: &mut usize,
    out: &mut Vec<Diagnostic>,
) {
    // An empty name is a missing attribute, already reported by the loader (DS005).
    let (ws_name, dsg_name, ds_name) = (&approval.workspace, &approval.dsg, &approval.dataset);
    let store_name = &store.name.value;
    if !ws_name.value.is_empty() {
        match cx.index.workspaces.get(ws_name.value.as_str()) {
            None => {
                let suggestion = if *suggestions_left > 0 {
                    *suggestions_left -= 1;
                    did_you_mean(&ws_name.value, cx.index.workspaces.keys().copied())
                } else {
                    None
                };
                let help = match suggestion {
                    Some(name) => format!("did you mean `{name}`? Otherwise remove the approval"),
                    None => "correct the workspace name, or remove the approval".to_string(),
                };
                out.push(
                    Diagnostic::new(
                        &DS118,
                        format!(
                            "an approval of datastore `{store_name}` names workspace `{}`, which does not exist",
                            ws_name.value
                        ),
                    )
                    .at(ws_name.span)
                    .help(help),
                );
            }
            Some(ws) if !dsg_name.value.is_empty() => {
                let dsgs = &ws.item.dsgs;
                if !dsgs.iter().any(|d| d.name.value == dsg_name.value) {
                    let help = match did_you_mean(
                        &dsg_name.value,
                        dsgs.iter().map(|d| d.name.value.as_str()),
                    ) {
                        Some(name) => {
                            format!("did you mean `{name}`? Otherwise remove the approval")
                        }
                        None => {
                            "correct the dataset group name, or remove the approval".to_string()
                        }
                    };
                    out.push(
                        Diagnostic::new(
                            &DS118,
                            format!(
                                "an approval of datastore `{store_name}` names dataset group `{}` of workspace `{}`, which has no such group",
                                dsg_name.value, ws_name.value
                            ),
                        )
                        .at(dsg_name.span)
                        .label(ws.item.name.span, "workspace defined here")
                        .help(help),
                    );
                }
            }
            Some(_) => {}
        }
    }
    if !ds_name.value.is_empty() && !datasets.contains(ds_name.value.as_str()) {
        let help = match did_you_mean(
            &ds_name.value,
            store.datasets.iter().map(|d| d.name.value.as_str()),
        ) {
            Some(name) => format!("did you mean `{name}`? Otherwise remove the approval"),
            None => "correct the dataset name, or remove the approval".to_string(),
        };
        out.push(
            Diagnostic::new(
                &DS118,
                format!(
                    "an approval of datastore `{store_name}` names dataset `{}`, which the datastore does not have",
                    ds_name.value
                ),
            )
            .at(ds_name.span)
            .label(store.name.span, "datastore defined here")
            .help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_dangling_part_is_reported() {
        let text = r#"team "Z" "T" {
  datastore "S" {
    approval {
      workspace = "Nowhere"
      dsg       = "A"
      dataset   = "missing"
    }
    approval {
      workspace = "W"
      dsg       = "B"
      dataset   = "d"
    }
    approval {
      workspace = "W"
      dsg       = "A"
      dataset   = "d"
    }
    dataset "d" {}
  }
  workspace "W" {
    container = "C"
    dsg "A" {}
  }
}
"#;
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let model = &loaded.model;
        let mut got: Vec<usize> = crate::lint::lint(model)
            .into_iter()
            .filter(|d| d.code == "DS118")
            .filter_map(|d| Some(model.sources.line_col(d.span?).0))
            .collect();
        got.sort();
        assert_eq!(got, vec![4, 6, 10]);
    }
}
