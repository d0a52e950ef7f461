//! DS112 unknown-key-column.
//!
//! ## What it does
//! Flags a `primary_key` or `partition_key` entry that names no column of its dataset, and an
//! entry that repeats a column already listed earlier in the same list.
//!
//! ## Why is this bad?
//! The key lists are what consumers merge and partition on. A name that matches no column
//! (usually a typo or a renamed column) leaves the key silently different from what the author
//! meant, and a repeated column makes the key list ambiguous; neither can be rendered into
//! DDL.

use crate::diag::codes::declare_code;
use crate::diag::{did_you_mean, Diagnostic};
use crate::lint::{LintContext, Rule};
use crate::model::{Dataset, Name};
use std::collections::{HashMap, HashSet};

declare_code!(
    DS112,
    "unknown-key-column",
    Lint,
    Error,
    "primary_key or partition_key names a missing column, or one column twice",
    "`primary_key` and `partition_key` list column names of their own dataset, each at most \
     once. An entry that matches no column (a typo, or a column renamed or removed) or repeats \
     an earlier entry is an error, because the key could not be rendered and would not mean \
     what its author intended. Fix the name, add the column, or drop the repeated entry.",
);

pub static RULE: Rule = Rule {
    code: &DS112,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for team in &cx.model.teams {
        for store in &team.datastores {
            for dataset in &store.datasets {
                if dataset.primary_key.is_none() && dataset.partition_key.is_none() {
                    continue;
                }
                let columns: HashSet<&str> = dataset
                    .columns
                    .iter()
                    .map(|c| c.name.value.as_str())
                    .collect();
                for (attr, list) in [
                    ("primary_key", &dataset.primary_key),
                    ("partition_key", &dataset.partition_key),
                ] {
                    if let Some(list) = list {
                        check_list(&store.name.value, dataset, attr, &list.value, &columns, out);
                    }
                }
            }
        }
    }
}

fn check_list(
    store: &str,
    dataset: &Dataset,
    attr: &str,
    entries: &[Name],
    columns: &HashSet<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let mut first: HashMap<&str, &Name> = HashMap::new();
    for entry in entries {
        if let Some(earlier) = first.get(entry.value.as_str()) {
            out.push(
                Diagnostic::new(
                    &DS112,
                    format!(
                        "`{attr}` of dataset `{store}`/`{}` lists column `{}` twice",
                        dataset.name.value, entry.value
                    ),
                )
                .at(entry.span)
                .label(earlier.span, "first listed here")
                .help("list each column once: remove the repeated entry"),
            );
            continue;
        }
        first.insert(&entry.value, entry);
        if columns.contains(entry.value.as_str()) {
            continue;
        }
        let mut d = Diagnostic::new(
            &DS112,
            format!(
                "`{attr}` of dataset `{store}`/`{}` names column `{}`, which the dataset does not have",
                dataset.name.value, entry.value
            ),
        )
        .at(entry.span)
        .label(dataset.name.span, "dataset defined here");
        d = match did_you_mean(
            &entry.value,
            dataset.columns.iter().map(|c| c.name.value.as_str()),
        ) {
            Some(name) => d.help(format!("did you mean `{name}`?")),
            None if dataset.columns.is_empty() => {
                d.help("the dataset has no columns: add the column or remove the entry")
            }
            None => d.help(format!(
                "`{attr}` must name columns of this dataset: {}",
                column_list(dataset)
            )),
        };
        out.push(d);
    }
}

/// The dataset's column names for help text, shortened when there are many.
fn column_list(dataset: &Dataset) -> String {
    const MAX: usize = 10;
    let names: Vec<String> = dataset
        .columns
        .iter()
        .take(MAX)
        .map(|c| format!("`{}`", c.name.value))
        .collect();
    let more = dataset.columns.len().saturating_sub(MAX);
    if more > 0 {
        format!("{}, and {more} more", names.join(", "))
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    fn lint(text: &str) -> Vec<(String, usize)> {
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let model = &loaded.model;
        let mut got: Vec<(String, usize)> = crate::lint::lint(model)
            .into_iter()
            .filter(|d| d.code == "DS112")
            .filter_map(|d| Some((d.message, model.sources.line_col(d.span?).0)))
            .collect();
        got.sort();
        got
    }

    #[test]
    fn unknown_and_repeated_entries_in_both_lists() {
        let got = lint(
            r#"team "Z" "T" {
  datastore "S" {
    dataset "d" {
      primary_key   = ["id", "id"]
      partition_key = ["dayz"]
      column "id" {
        type     = "bigint"
        nullable = false
      }
      column "day" {
        type     = "date"
        nullable = false
      }
    }
  }
}
"#,
        );
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got.iter().any(|(m, l)| *l == 4 && m.contains("twice")),
            "{got:?}"
        );
        assert!(
            got.iter().any(|(m, l)| *l == 5 && m.contains("`dayz`")),
            "{got:?}"
        );
    }
}
