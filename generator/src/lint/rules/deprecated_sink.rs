//! DS119 deprecated-sink.
//!
//! ## What it does
//! Flags a sink with `deprecations = "never"` (the default) that reads a deprecated datastore
//! or a deprecated dataset (one with `deprecated = "reason"`). The message gives the reason.
//!
//! ## Why is this bad?
//! A deprecated datastore or dataset is on its way out: its owner has announced that it will be
//! replaced or removed. A consumer that did not opt in to reading deprecated data would break
//! without warning when it goes, so new and existing sinks must either move to the replacement
//! or acknowledge the deprecation explicitly.
//!
//! ## Notes
//! With `deprecations = "allowed"` on the sink the same finding is the warning DS120. One
//! diagnostic per sink: when both the datastore and the dataset are deprecated, it points at
//! the datastore and labels both.

use crate::diag::codes::{declare_code, Code};
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::{DatasetGroup, Deprecations, Name, Sink, Workspace};
use std::collections::HashMap;

declare_code!(
    DS119,
    "deprecated-sink",
    Lint,
    Error,
    "A sink reads a deprecated datastore or dataset without allowing deprecations",
    "A datastore or dataset with `deprecated = \"reason\"` is being retired by its owner. A sink \
     that keeps the default `deprecations = \"never\"` has not accepted that, and would break \
     when the data goes. Move the sink to the replacement named in the reason, or set \
     `deprecations = \"allowed\"` on the sink to keep reading it for now (then reported as the \
     warning DS120).",
);

pub static RULE: Rule = Rule {
    code: &DS119,
    check,
};

/// A sink that reads deprecated data, with what makes it deprecated.
pub(crate) struct DeprecatedSink<'m> {
    pub workspace: &'m Workspace,
    pub dsg: &'m DatasetGroup,
    pub sink: &'m Sink,
    /// The datastore's `deprecated` reason, when the datastore is deprecated.
    pub store: Option<&'m Name>,
    /// The dataset's `deprecated` reason, when the dataset is deprecated.
    pub dataset: Option<&'m Name>,
}

impl DeprecatedSink<'_> {
    /// The diagnostic under `code`: at the sink's store label when the datastore is deprecated,
    /// else at its dataset label, with the `deprecated` attributes as labels.
    pub(crate) fn diagnostic(&self, code: &'static Code) -> Diagnostic {
        let sink = self.sink;
        let (store, dataset) = (&sink.store.value, &sink.dataset.value);
        let (what, reason, at) = match (self.store, self.dataset) {
            (Some(reason), _) => (format!("datastore `{store}`"), reason, sink.store.span),
            (None, Some(reason)) => (
                format!("dataset `{store}`/`{dataset}`"),
                reason,
                sink.dataset.span,
            ),
            // Never built (see `deprecated_sinks`); a located finding all the same.
            (None, None) => {
                return Diagnostic::new(code, "sink reads deprecated data").at(sink.store.span)
            }
        };
        let mut d = Diagnostic::new(
            code,
            format!(
                "sink `{store}`/`{dataset}` of workspace `{}` (dataset group `{}`) reads {what}, which is deprecated: {}",
                self.workspace.name.value, self.dsg.name.value, reason.value
            ),
        )
        .at(at)
        .label(reason.span, format!("{what} deprecated here"));
        if let (Some(_), Some(ds_reason)) = (self.store, self.dataset) {
            d = d.label(
                ds_reason.span,
                format!(
                    "dataset `{store}`/`{dataset}` is deprecated too: {}",
                    ds_reason.value
                ),
            );
        }
        d
    }
}

/// Every sink with the given `deprecations` setting that reads deprecated data, in model order.
pub(crate) fn deprecated_sinks<'m>(
    cx: &LintContext<'m>,
    setting: Deprecations,
) -> Vec<DeprecatedSink<'m>> {
    let mut datasets: HashMap<(&str, &str), &Name> = HashMap::new();
    for team in &cx.model.teams {
        for store in &team.datastores {
            for ds in &store.datasets {
                if let Some(reason) = &ds.deprecated {
                    datasets
                        .entry((&store.name.value, &ds.name.value))
                        .or_insert(reason);
                }
            }
        }
    }
    let mut found = Vec::new();
    for team in &cx.model.teams {
        for workspace in &team.workspaces {
            for dsg in &workspace.dsgs {
                for sink in dsg.sinks.iter().filter(|s| s.deprecations.value == setting) {
                    let store = cx
                        .index
                        .datastores
                        .get(sink.store.value.as_str())
                        .and_then(|s| s.item.deprecated.as_ref());
                    let dataset = datasets
                        .get(&(sink.store.value.as_str(), sink.dataset.value.as_str()))
                        .copied();
                    if store.is_some() || dataset.is_some() {
                        found.push(DeprecatedSink {
                            workspace,
                            dsg,
                            sink,
                            store,
                            dataset,
                        });
                    }
                }
            }
        }
    }
    found
}

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for found in deprecated_sinks(cx, Deprecations::Never) {
        out.push(found.diagnostic(&DS119).help(
            "move the sink to the replacement, or set `deprecations = \"allowed\"` on the sink to keep reading the deprecated data for now",
        ));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn store_and_dataset_deprecation_one_diagnostic_per_sink() {
        let text = r#"team "Z" "T" {
  datastore "Old" {
    deprecated = "use New"
    dataset "d" { deprecated = "gone soon" }
  }
  datastore "Mixed" {
    dataset "old" { deprecated = "use new" }
    dataset "new" {}
  }
  workspace "W" {
    container = "C"
    dsg "A" {
      sink "Old" "d" {}
      sink "Mixed" "old" {}
      sink "Mixed" "new" {}
      sink "Mixed" "old2" {}
    }
    dsg "B" {
      sink "Mixed" "old" { deprecations = "allowed" }
    }
  }
}
"#;
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let model = &loaded.model;
        let mut got: Vec<(&str, usize, String)> = crate::lint::lint(model)
            .into_iter()
            .filter(|d| d.code == "DS119" || d.code == "DS120")
            .filter_map(|d| Some((d.code, model.sources.line_col(d.span?).0, d.message)))
            .collect();
        got.sort();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!((got[0].0, got[0].1), ("DS119", 13));
        assert!(
            got[0].2.contains("datastore `Old`") && got[0].2.contains("use New"),
            "{got:?}"
        );
        assert_eq!((got[1].0, got[1].1), ("DS119", 14));
        assert!(got[1].2.contains("dataset `Mixed`/`old`"), "{got:?}");
        assert_eq!((got[2].0, got[2].1), ("DS120", 19));
    }
}
