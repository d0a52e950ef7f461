//! DS115 unclassified-dataset.
//!
//! ## What it does
//! Warns about a dataset of a non-production datastore that is not classified: it has no
//! dataset-level `classification` and not every column has one. When some columns are
//! classified and others not, the dataset uses column-level classification and each
//! unclassified column is reported instead of the dataset.
//!
//! ## Why is this bad?
//! Classification is what classification policies check: an unclassified dataset passes every
//! policy unseen, so data of any sensitivity can flow to any consumer. Non-production data is
//! often a copy of production data, so it deserves a class too.
//!
//! ## Notes
//! An empty list (`classification = []`) counts as no classification. Datasets of production
//! datastores are DS116 (an error) instead.

use super::mixed_classification::is_classified;
use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::{Column, Dataset};
use crate::source::{SourceMap, Span};

declare_code!(
    DS115,
    "unclassified-dataset",
    Lint,
    Warning,
    "A dataset (or a column of a column-classified dataset) has no classification",
    "Classification policies can only check data that is classified: an unclassified dataset \
     passes them all unseen. Give the dataset a `classification` list (`[\"PUB\"]` for public \
     data), or give every column its own. An empty list counts as none. This is a warning for \
     non-production datastores and an error (DS116) for production ones.",
);

pub static RULE: Rule = Rule {
    code: &DS115,
    check,
};

/// Why a dataset is not classified.
pub(crate) enum Unclassified<'m> {
    /// No classification at all; `at` is its empty dataset-level list, or else its name.
    Dataset { at: Span },
    /// Column-level classification that leaves this column out (point at its empty list, or
    /// else its name); `classified` is the list of the first classified column, to show the
    /// convention the dataset follows.
    Column {
        column: &'m Column,
        at: Span,
        classified: Span,
    },
}

/// The classification findings of one dataset (empty when it is classified).
pub(crate) fn unclassified<'m>(sources: &SourceMap, dataset: &'m Dataset) -> Vec<Unclassified<'m>> {
    if is_classified(sources, &dataset.classification) {
        return Vec::new();
    }
    let first_classified = dataset
        .columns
        .iter()
        .find(|c| is_classified(sources, &c.classification))
        .and_then(|c| c.classification.as_ref());
    match first_classified {
        None => {
            let at = dataset
                .classification
                .as_ref()
                .map_or(dataset.name.span, |l| l.span);
            vec![Unclassified::Dataset { at }]
        }
        Some(list) => dataset
            .columns
            .iter()
            .filter(|c| !is_classified(sources, &c.classification))
            .map(|column| Unclassified::Column {
                column,
                at: column
                    .classification
                    .as_ref()
                    .map_or(column.name.span, |l| l.span),
                classified: list.span,
            })
            .collect(),
    }
}

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for team in &cx.model.teams {
        for store in team.datastores.iter().filter(|s| !s.production.value) {
            for dataset in &store.datasets {
                for finding in unclassified(&cx.model.sources, dataset) {
                    let (store, name) = (&store.name.value, &dataset.name.value);
                    out.push(match finding {
                        Unclassified::Dataset { at } => Diagnostic::new(
                            &DS115,
                            format!("dataset `{store}`/`{name}` has no classification"),
                        )
                        .at(at)
                        .help("add `classification = [\"PUB\"]` (or the data's class) to the dataset, or a `classification` to every column"),
                        Unclassified::Column {
                            column,
                            at,
                            classified,
                        } => Diagnostic::new(
                            &DS115,
                            format!(
                                "column `{}` of dataset `{store}`/`{name}` has no classification, but the dataset uses column-level classification",
                                column.name.value
                            ),
                        )
                        .at(at)
                        .label(classified, "another column is classified here")
                        .help("add a `classification` to this column, or classify the whole dataset instead (and remove the columns' lists)"),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    fn lint(text: &str) -> Vec<(&'static str, usize)> {
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let model = &loaded.model;
        let mut got: Vec<(&'static str, usize)> = crate::lint::lint(model)
            .into_iter()
            .filter(|d| d.code == "DS115" || d.code == "DS116")
            .filter_map(|d| Some((d.code, model.sources.line_col(d.span?).0)))
            .collect();
        got.sort();
        got
    }

    #[test]
    fn empty_lists_and_partial_column_classification() {
        let got = lint(
            r#"team "Z" "T" {
  datastore "S" {
    dataset "empty" {
      classification = []
      column "a" { type = "bigint" }
    }
    dataset "partial" {
      column "a" {
        type           = "bigint"
        classification = ["PUB"]
      }
      column "b" { type = "bigint" }
      column "c" {
        type           = "bigint"
        classification = []
      }
    }
    dataset "columns" {
      classification = []
      column "a" {
        type           = "bigint"
        classification = ["PUB"]
      }
    }
    dataset "invalid" {
      classification = ["XYZ"]
      column "a" { type = "bigint" }
    }
  }
}
"#,
        );
        assert_eq!(got, vec![("DS115", 4), ("DS115", 12), ("DS115", 15)]);
    }

    #[test]
    fn production_stores_get_ds116_only() {
        let got = lint(
            r#"team "Z" "T" {
  datastore "S" {
    production = true
    dataset "d" {
      column "a" { type = "bigint" }
    }
  }
}
"#,
        );
        assert_eq!(got, vec![("DS116", 4)]);
    }
}
