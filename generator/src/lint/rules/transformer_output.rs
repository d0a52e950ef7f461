//! DS129 transformer-output.
//!
//! ## What it does
//! Checks the datastore a transformer writes (its `output`):
//!
//! - it must belong to the same team as the transformer's workspace;
//! - it must have no `capture` block;
//! - no other transformer may write it (the second one in source order is reported, against
//!   the first).
//!
//! ## Why is this bad?
//! A transformer's output is a datastore like any other: consumers read it, its team answers
//! for its schema, classification and compatibility. Writing another team's datastore would
//! change data that team owns without its review. A datastore with a `capture` is already
//! filled from its source, so a transformer writing it would fight the capture over the same
//! rows; and two transformers writing one datastore would overwrite each other's batches.
//!
//! ## Notes
//! An output naming no datastore is DS106.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};

declare_code!(
    DS129,
    "transformer-output",
    Lint,
    Error,
    "A transformer's output is not a capture-less datastore of the same team",
    "A transformer writes exactly one datastore, its `output`, and that datastore is its own: \
     it must be defined by the same team as the transformer's workspace (so the team that owns \
     the code owns the data it produces), it must have no `capture` block (its rows come from \
     the transformer, not from a source), and no other transformer may write it. Point `output` \
     at a datastore of your team without `capture`, adding one if needed, and give each \
     transformer its own output.",
);

pub static RULE: Rule = Rule {
    code: &DS129,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for team in &cx.model.teams {
        for ws in &team.workspaces {
            let Some(t) = &ws.transformer else {
                continue;
            };
            let Some(owned) = cx.index.datastores.get(t.output.value.as_str()) else {
                continue;
            };
            let store = owned.item;
            let same_team = owned.team.zone.value == team.zone.value
                && owned.team.name.value == team.name.value;
            if !same_team {
                out.push(
                    Diagnostic::new(
                        &DS129,
                        format!(
                            "transformer `{}` of team `{}` writes datastore `{}`, which belongs \
                             to team `{}` of zone `{}`",
                            t.name.value,
                            team.name.value,
                            store.name.value,
                            owned.team.name.value,
                            owned.team.zone.value
                        ),
                    )
                    .at(t.output.span)
                    .label(
                        store.name.span,
                        format!("defined by team `{}`", owned.team.name.value),
                    )
                    .help(format!(
                        "write a datastore of team `{}` (without `capture`); to use `{}`, add a \
                         sink for it instead",
                        team.name.value, store.name.value
                    )),
                );
                continue;
            }
            if let Some(capture) = &store.capture {
                out.push(
                    Diagnostic::new(
                        &DS129,
                        format!(
                            "transformer `{}` writes datastore `{}`, which has a capture of its \
                             own",
                            t.name.value, store.name.value
                        ),
                    )
                    .at(t.output.span)
                    .label(capture.kind.span, "captured from a source here")
                    .help(format!(
                        "remove the `capture` block of `{}` if the transformer produces it, or \
                         write a separate capture-less datastore",
                        store.name.value
                    )),
                );
            }
        }
    }
    // Two writers of one store: the index lists them in source order.
    for writers in cx.index.producers.values() {
        let Some((first, rest)) = writers.split_first() else {
            continue;
        };
        let Some(first_t) = &first.transformer else {
            continue;
        };
        for ws in rest {
            let Some(t) = &ws.transformer else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    &DS129,
                    format!(
                        "transformer `{}` writes datastore `{}`, which transformer `{}` \
                         (workspace `{}`) already writes",
                        t.name.value, t.output.value, first_t.name.value, first.name.value
                    ),
                )
                .at(t.output.span)
                .label(first_t.output.span, "first written here")
                .help(
                    "give each transformer its own output datastore, or merge the two \
                     transformers",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::load::load_files;

    const HEAD: &str = r#"ecosystem "E" {
  owning_repo = "github:e/eco@main"
  live_repo   = "github:e/eco@live"
  zone "Z" { repo = "github:e/z@main" }
}
governance_zone "Z" {
  team "T" { repo = "github:e/t@main" }
  team "U" { repo = "github:e/u@main" }
}
team "Z" "U" {
  datastore "Theirs" {
    dataset "d" {
      classification = ["PUB"]
      column "id" { type = "bigint" }
    }
  }
}
"#;

    fn ds129(body: &str) -> Vec<(usize, String)> {
        let text = format!("{HEAD}{body}");
        let loaded = load_files(vec![("a.hcl".into(), text.into())]);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let mut got: Vec<(usize, String)> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS129")
            .map(|d| {
                let span = d.span.expect("span");
                (loaded.model.sources.line_col(span).0, d.message)
            })
            .collect();
        got.sort();
        got
    }

    fn workspace(ws: &str, output: &str) -> String {
        format!(
            "  workspace \"{ws}\" {{\n    container = \"platform_managed\"\n    \
             transformer \"{ws}_t\" {{\n      output = \"{output}\"\n      \
             code {{ image = \"e/x:1\" }}\n    }}\n  }}\n"
        )
    }

    const OURS: &str = "  datastore \"Ours\" {\n    dataset \"d\" {\n      \
                        classification = [\"PUB\"]\n      column \"id\" { type = \"bigint\" }\n    \
                        }\n  }\n";

    #[test]
    fn own_capture_less_store_is_fine_and_missing_is_not_ours() {
        let body = format!(
            "team \"Z\" \"T\" {{\n{OURS}{}{}}}\n",
            workspace("A", "Ours"),
            workspace("B", "Nowhere")
        );
        assert!(ds129(&body).is_empty());
    }

    #[test]
    fn other_teams_store() {
        let body = format!("team \"Z\" \"T\" {{\n{}}}\n", workspace("A", "Theirs"));
        let got = ds129(&body);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, 22);
        assert!(got[0].1.contains("belongs to team `U`"), "{}", got[0].1);
    }

    #[test]
    fn captured_store() {
        let body = "team \"Z\" \"T\" {\n  datastore \"Ours\" {\n    capture {\n      kind = \"snapshot\"\n      \
                    container = \"Db\"\n      trigger = \"external\"\n    }\n    \
                    dataset \"d\" {\n      classification = [\"PUB\"]\n      \
                    column \"id\" { type = \"bigint\" }\n    }\n  }\n"
            .to_string()
            + &workspace("A", "Ours")
            + "}\n";
        let got = ds129(&body);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].1.contains("has a capture of its own"),
            "{}",
            got[0].1
        );
    }

    #[test]
    fn second_writer_is_reported_against_the_first() {
        let body = format!(
            "team \"Z\" \"T\" {{\n{OURS}{}{}{}}}\n",
            workspace("A", "Ours"),
            workspace("B", "Ours"),
            workspace("C", "Ours")
        );
        let got = ds129(&body);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].1.starts_with("transformer `B_t`"), "{}", got[0].1);
        assert!(got[0]
            .1
            .contains("transformer `A_t` (workspace `A`) already writes"));
        assert!(got[1].1.starts_with("transformer `C_t`"), "{}", got[1].1);
    }
}
