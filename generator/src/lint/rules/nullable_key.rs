//! DS111 nullable-key-column.
//!
//! ## What it does
//! Flags every primary-key column that is not declared `nullable = false`. The primary key is
//! `primary_key` when the dataset gives one (it wins over the columns' `key` flags), else the
//! columns flagged `key = true`, in column order. `nullable` defaults to `true`, so a key column
//! that does not say `nullable = false` is reported too.
//!
//! ## Why is this bad?
//! Consumers merge on the key: the merge tables hash the key columns and keep one live row per
//! key. A NULL in a key column makes rows with "no key" collide or multiply, and most databases
//! refuse a nullable column in a primary key anyway, so the generated DDL would fail.
//!
//! ## Notes
//! An empty key is legal (consumers then key on all columns). A `primary_key` entry that names
//! no column is DS112, not this rule.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::{Column, Dataset};
use crate::source::Span;

declare_code!(
    DS111,
    "nullable-key-column",
    Lint,
    Error,
    "A primary-key column is nullable",
    "Key columns identify rows: the merge tables hash them and keep one live row per key, and \
     databases reject a nullable column in a primary key. `nullable` defaults to true, so every \
     column of the primary key (`primary_key` when given, else the columns with `key = true`) \
     must say `nullable = false` explicitly. If the column really can be NULL, it is not a key: \
     remove it from the key.",
);

pub static RULE: Rule = Rule {
    code: &DS111,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for team in &cx.model.teams {
        for store in &team.datastores {
            for dataset in &store.datasets {
                check_dataset(&store.name.value, dataset, out);
            }
        }
    }
}

fn check_dataset(store: &str, dataset: &Dataset, out: &mut Vec<Diagnostic>) {
    match &dataset.primary_key {
        Some(pk) => {
            // Report each column once even when `primary_key` repeats it (DS112 reports that).
            let mut seen: Vec<&str> = Vec::new();
            for entry in &pk.value {
                if seen.contains(&entry.value.as_str()) {
                    continue;
                }
                seen.push(&entry.value);
                if let Some(column) = dataset.column(&entry.value) {
                    if !column.nullable.value {
                        continue;
                    }
                    out.push(diagnostic(
                        store,
                        dataset,
                        column,
                        entry.span,
                        "listed in `primary_key` here",
                    ));
                }
            }
        }
        None => {
            for column in dataset
                .columns
                .iter()
                .filter(|c| c.key.value && c.nullable.value)
            {
                out.push(diagnostic(
                    store,
                    dataset,
                    column,
                    column.key.span,
                    "marked as a key column here",
                ));
            }
        }
    }
}

/// Where to point for a column's nullability: its `nullable` value when written, else its name.
pub(crate) fn nullable_span(column: &Column) -> Span {
    // An unwritten `nullable` carries the column's header span, which ends at its name.
    if column.nullable.span.start >= column.name.span.end {
        column.nullable.span
    } else {
        column.name.span
    }
}

fn diagnostic(
    store: &str,
    dataset: &Dataset,
    column: &Column,
    key_at: Span,
    why: &str,
) -> Diagnostic {
    let written = nullable_span(column) != column.name.span;
    let message = if written {
        format!(
            "key column `{}` of dataset `{store}`/`{}` is nullable",
            column.name.value, dataset.name.value
        )
    } else {
        format!(
            "key column `{}` of dataset `{store}`/`{}` is nullable (`nullable` defaults to true)",
            column.name.value, dataset.name.value
        )
    };
    Diagnostic::new(&DS111, message)
        .at(nullable_span(column))
        .label(key_at, why)
        .help("key columns must be NOT NULL: set `nullable = false`")
}

#[cfg(test)]
mod tests {
    fn lint(text: &str) -> Vec<(String, usize)> {
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let model = &loaded.model;
        let mut got: Vec<(String, usize)> = crate::lint::lint(model)
            .into_iter()
            .filter(|d| d.code == "DS111")
            .filter_map(|d| Some((d.message, model.sources.line_col(d.span?).0)))
            .collect();
        got.sort_by_key(|g| g.1);
        got
    }

    #[test]
    fn primary_key_wins_over_key_flags() {
        let got = lint(
            r#"team "Z" "T" {
  datastore "S" {
    dataset "d" {
      primary_key = ["a", "a", "missing"]
      column "a" { type = "bigint" }
      column "b" {
        type = "bigint"
        key  = true
      }
    }
  }
}
"#,
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1, 5);
        assert!(
            got[0].0.contains("`a`") && got[0].0.contains("defaults"),
            "{got:?}"
        );
    }

    #[test]
    fn points_at_a_written_nullable_and_ignores_empty_keys() {
        let got = lint(
            r#"team "Z" "T" {
  datastore "S" {
    dataset "d" {
      column "a" {
        type     = "bigint"
        key      = true
        nullable = true
      }
      column "b" {
        type     = "bigint"
        key      = true
        nullable = false
      }
    }
    dataset "e" {
      primary_key = []
      column "a" { type = "bigint" }
    }
  }
}
"#,
        );
        assert_eq!(
            got.iter().map(|g| g.1).collect::<Vec<_>>(),
            vec![7],
            "{got:?}"
        );
    }
}
