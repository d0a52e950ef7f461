//! DS114 mixed-classification.
//!
//! ## What it does
//! Flags a dataset that has a dataset-level `classification` and also a `classification` on
//! one or more of its columns, once per classified column.
//!
//! ## Why is this bad?
//! A dataset is classified either as a whole or column by column, never both: with both, it is
//! unclear which one a classification policy should check, and a column's value silently
//! contradicts (or repeats) the dataset's. Policies and compatibility checks need one answer.
//!
//! ## Notes
//! An empty list (`classification = []`) counts as no classification, here and in DS115/DS116.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::values::Classification;
use crate::source::{SourceMap, Span, Spanned};

declare_code!(
    DS114,
    "mixed-classification",
    Lint,
    Error,
    "A dataset is classified both at dataset level and at column level",
    "Classification is either dataset level (one list for the whole dataset) or column level \
     (a list on every column), never both: policies would not know which one to check, and a \
     column's list would silently contradict or repeat the dataset's. Keep the dataset-level \
     list when every column carries the same data class; otherwise remove it and classify each \
     column.",
);

pub static RULE: Rule = Rule {
    code: &DS114,
    check,
};

/// A `classification` attribute as decoded (entries that did not parse were dropped).
pub(crate) type ClassificationList = Option<Spanned<Vec<Spanned<Classification>>>>;

/// Does this `classification` attribute classify anything? An absent attribute or an empty
/// list (`[]`) does not. A list whose entries were all invalid still counts as written: the
/// loader reported them (DS007), and calling the element unclassified would report it twice.
pub(crate) fn is_classified(sources: &SourceMap, list: &ClassificationList) -> bool {
    match list {
        None => false,
        Some(l) if !l.value.is_empty() => true,
        Some(l) => sources
            .get(l.span.file)
            .and_then(|f| f.text().get(l.span.range()))
            .is_some_and(has_entries),
    }
}

/// The span of a `classification` list that classifies something.
fn classified_at(sources: &SourceMap, list: &ClassificationList) -> Option<Span> {
    list.as_ref()
        .filter(|_| is_classified(sources, list))
        .map(|l| l.span)
}

/// Does the text of a list literal hold anything besides brackets, commas, blanks and comments?
fn has_entries(text: &str) -> bool {
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c.is_whitespace() || matches!(c, '[' | ']' | ',') {
            rest = &rest[c.len_utf8()..];
        } else if rest.starts_with('#') || rest.starts_with("//") {
            rest = rest.find('\n').map_or("", |i| &rest[i..]);
        } else if let Some(body) = rest.strip_prefix("/*") {
            rest = body.find("*/").map_or("", |i| &body[i + 2..]);
        } else {
            return true;
        }
    }
    false
}

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    let sources = &cx.model.sources;
    for team in &cx.model.teams {
        for store in &team.datastores {
            for dataset in &store.datasets {
                let Some(dataset_level) = classified_at(sources, &dataset.classification) else {
                    continue;
                };
                for column in &dataset.columns {
                    let Some(column_level) = classified_at(sources, &column.classification) else {
                        continue;
                    };
                    out.push(
                        Diagnostic::new(
                            &DS114,
                            format!(
                                "column `{}` of dataset `{}`/`{}` has its own classification, but the dataset is classified as a whole",
                                column.name.value, store.name.value, dataset.name.value
                            ),
                        )
                        .at(column_level)
                        .label(dataset_level, "dataset-level classification here")
                        .help("classify either the whole dataset or every column: remove the dataset-level `classification`, or the columns' ones"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::has_entries;

    #[test]
    fn list_text_with_only_brackets_and_comments_is_empty() {
        assert!(!has_entries("[]"));
        assert!(!has_entries("[ ,\n # \"PUB\"\n // x\n /* \"y\" */ ]"));
        assert!(has_entries("[\"XYZ\"]"));
        assert!(has_entries("[1]"));
    }

    #[test]
    fn empty_lists_do_not_mix() {
        let text = r#"team "Z" "T" {
  datastore "S" {
    dataset "d" {
      classification = []
      column "a" {
        type           = "bigint"
        classification = ["PUB"]
      }
    }
    dataset "e" {
      classification = ["PUB"]
      column "a" {
        type           = "bigint"
        classification = []
      }
      column "b" {
        type           = "bigint"
        classification = ["IP"]
      }
    }
  }
}
"#;
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let model = &loaded.model;
        let got: Vec<usize> = crate::lint::lint(model)
            .into_iter()
            .filter(|d| d.code == "DS114")
            .filter_map(|d| Some(model.sources.line_col(d.span?).0))
            .collect();
        assert_eq!(got, vec![18]);
    }
}
