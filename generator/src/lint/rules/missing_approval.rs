//! DS117 missing-approval.
//!
//! ## What it does
//! Flags a sink that reads a datastore with `require_approval = true` when that datastore has
//! no `approval` block for exactly the sink's workspace, dataset group and dataset.
//!
//! ## Why is this bad?
//! `require_approval` is how a data owner keeps a datastore closed to consumers it has not
//! vetted. A sink without an approval would read the data anyway, bypassing the owner. The
//! approval is per (workspace, dataset group, dataset), so approving one group or one dataset
//! grants nothing else.
//!
//! ## Notes
//! Sinks whose datastore or dataset does not exist are DS106; an approval that names nothing is
//! DS118.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::{Datastore, Team};
use std::collections::{HashMap, HashSet};

declare_code!(
    DS117,
    "missing-approval",
    Lint,
    Error,
    "A sink reads a datastore that requires approval without one",
    "A datastore with `require_approval = true` is open only to the consumers its owner has \
     approved, each with an `approval { workspace, dsg, dataset }` block in the datastore. A \
     sink without a matching approval would bypass the owner. Ask the datastore's team to add \
     the approval (it is their change, in their repository), or remove the sink.",
);

pub static RULE: Rule = Rule {
    code: &DS117,
    check,
};

/// What a store that requires approval grants.
struct Granted<'m> {
    team: &'m Team,
    store: &'m Datastore,
    datasets: HashSet<&'m str>,
    approvals: HashSet<(&'m str, &'m str, &'m str)>,
}

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    let mut granted: HashMap<&str, Granted> = HashMap::new();
    for team in &cx.model.teams {
        for store in team.datastores.iter().filter(|s| s.require_approval.value) {
            // The index keeps the first definition of a name; so does this map.
            granted.entry(&store.name.value).or_insert_with(|| Granted {
                team,
                store,
                datasets: store
                    .datasets
                    .iter()
                    .map(|d| d.name.value.as_str())
                    .collect(),
                approvals: store
                    .approvals
                    .iter()
                    .map(|a| {
                        (
                            a.workspace.value.as_str(),
                            a.dsg.value.as_str(),
                            a.dataset.value.as_str(),
                        )
                    })
                    .collect(),
            });
        }
    }
    if granted.is_empty() {
        return;
    }
    for team in &cx.model.teams {
        for ws in &team.workspaces {
            for dsg in &ws.dsgs {
                for sink in &dsg.sinks {
                    let Some(g) = granted.get(sink.store.value.as_str()) else {
                        continue;
                    };
                    let key = (
                        ws.name.value.as_str(),
                        dsg.name.value.as_str(),
                        sink.dataset.value.as_str(),
                    );
                    if !g.datasets.contains(key.2) || g.approvals.contains(&key) {
                        continue;
                    }
                    out.push(
                        Diagnostic::new(
                            &DS117,
                            format!(
                                "sink `{}`/`{}` of workspace `{}` (dataset group `{}`) has no approval, but datastore `{}` requires one",
                                sink.store.value, sink.dataset.value, ws.name.value, dsg.name.value, g.store.name.value
                            ),
                        )
                        .at(sink.store.span)
                        .label(g.store.require_approval.span, "approval required here")
                        .help(format!(
                            "ask team `{}`, which owns datastore `{}`, to add `approval {{ workspace = \"{}\", dsg = \"{}\", dataset = \"{}\" }}`, or remove the sink",
                            g.team.name.value, g.store.name.value, ws.name.value, dsg.name.value, sink.dataset.value
                        )),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn approval_must_match_workspace_dsg_and_dataset() {
        let text = r#"team "Z" "T" {
  datastore "S" {
    require_approval = true
    approval {
      workspace = "W"
      dsg       = "A"
      dataset   = "d"
    }
    dataset "d" {}
    dataset "e" {}
  }
  workspace "W" {
    container = "C"
    dsg "A" {
      sink "S" "d" {}
      sink "S" "e" {}
      sink "S" "missing" {}
    }
    dsg "B" {
      sink "S" "d" {}
    }
  }
}
"#;
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let model = &loaded.model;
        let got: Vec<usize> = crate::lint::lint(model)
            .into_iter()
            .filter(|d| d.code == "DS117")
            .filter_map(|d| Some(model.sources.line_col(d.span?).0))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        assert_eq!(got, vec![16, 20]);
    }
}
