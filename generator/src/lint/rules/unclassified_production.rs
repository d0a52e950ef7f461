//! DS116 unclassified-production-dataset.
//!
//! ## What it does
//! Flags a dataset of a datastore with `production = true` that is not classified: it has no
//! dataset-level `classification` and not every column has one. When some columns are
//! classified and others not, each unclassified column is reported instead of the dataset.
//!
//! ## Why is this bad?
//! Production data is real data about real customers, staff and money. Classification policies
//! decide which workspaces may read it, and they can only check what is classified: an
//! unclassified production dataset would flow to any consumer, whatever its sensitivity.
//!
//! ## Notes
//! Same condition as DS115 (a warning for non-production datastores); an empty list
//! (`classification = []`) counts as no classification.

use super::unclassified_dataset::{unclassified, Unclassified};
use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};

declare_code!(
    DS116,
    "unclassified-production-dataset",
    Lint,
    Error,
    "A production datastore has an unclassified dataset or column",
    "Every dataset of a production datastore must be classified, because classification \
     policies decide who may read production data and cannot check what carries no class. Give \
     the dataset a `classification` list, or give every column its own; an empty list counts as \
     none. (For non-production datastores the same finding is the warning DS115.)",
);

pub static RULE: Rule = Rule {
    code: &DS116,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for team in &cx.model.teams {
        for store in team.datastores.iter().filter(|s| s.production.value) {
            for dataset in &store.datasets {
                for finding in unclassified(&cx.model.sources, dataset) {
                    let (store_name, name) = (&store.name.value, &dataset.name.value);
                    out.push(match finding {
                        Unclassified::Dataset { at } => Diagnostic::new(
                            &DS116,
                            format!(
                                "dataset `{store_name}`/`{name}` of production datastore `{store_name}` has no classification"
                            ),
                        )
                        .at(at)
                        .label(store.production.span, "the datastore is production here")
                        .help("add `classification = [\"PUB\"]` (or the data's class) to the dataset, or a `classification` to every column"),
                        Unclassified::Column {
                            column,
                            at,
                            classified,
                        } => Diagnostic::new(
                            &DS116,
                            format!(
                                "column `{}` of dataset `{store_name}`/`{name}` (production datastore) has no classification, but the dataset uses column-level classification",
                                column.name.value
                            ),
                        )
                        .at(at)
                        .label(classified, "another column is classified here")
                        .label(store.production.span, "the datastore is production here")
                        .help("add a `classification` to this column, or classify the whole dataset instead (and remove the columns' lists)"),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn partially_classified_columns_of_a_production_store() {
        let text = r#"team "Z" "T" {
  datastore "S" {
    production = true
    dataset "d" {
      column "a" {
        type           = "bigint"
        classification = ["PC1"]
      }
      column "b" { type = "bigint" }
    }
  }
}
"#;
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let model = &loaded.model;
        let got: Vec<(&str, usize)> = crate::lint::lint(model)
            .into_iter()
            .filter(|d| d.code == "DS115" || d.code == "DS116")
            .filter_map(|d| Some((d.code, model.sources.line_col(d.span?).0)))
            .collect();
        assert_eq!(got, vec![("DS116", 9)]);
    }
}
