//! DS133 capture-unknown-dataset.
//!
//! ## What it does
//! Flags a key of a capture's `tables` or `topics` map that names no dataset of the
//! datastore, and suggests the closest dataset name.
//!
//! ## Why is this bad?
//! The keys of `tables` and `topics` say which dataset each source table or topic fills. A key
//! that names no dataset is ignored, so the dataset it was meant for silently falls back to its
//! default source table (or, for kafka and for oracle and db2 captures, has none), usually
//! because of a typo or a renamed dataset.

use crate::diag::codes::declare_code;
use crate::diag::{did_you_mean, Diagnostic};
use crate::lint::{LintContext, Rule};
use crate::model::{Datastore, Name};
use std::collections::HashSet;

declare_code!(
    DS133,
    "capture-unknown-dataset",
    Lint,
    Error,
    "A capture's tables or topics name a dataset the datastore does not have",
    "A capture's `tables = { dataset = \"schema.table\" }` and `topics = { dataset = \"topic\" }` \
     are keyed by the names of the datastore's datasets. A key that names no dataset maps a \
     source to nothing, and the dataset that was meant keeps its default source, or none. Fix \
     the key to the dataset's exact name (names are case-sensitive), or remove the entry if the \
     dataset was removed.",
);

pub static RULE: Rule = Rule {
    code: &DS133,
    check,
};

/// At most this many dataset names are listed in a help text.
const LIST_MAX: usize = 8;

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for team in &cx.model.teams {
        for store in &team.datastores {
            let Some(capture) = &store.capture else {
                continue;
            };
            if capture.tables.is_empty() && capture.topics.is_empty() {
                continue;
            }
            let names: HashSet<&str> = store
                .datasets
                .iter()
                .map(|d| d.name.value.as_str())
                .collect();
            for (attr, map) in [("tables", &capture.tables), ("topics", &capture.topics)] {
                for (key, _) in map {
                    if !names.contains(key.value.as_str()) {
                        out.push(unknown(store, attr, key));
                    }
                }
            }
        }
    }
}

fn unknown(store: &Datastore, attr: &str, key: &Name) -> Diagnostic {
    let names = || store.datasets.iter().map(|d| d.name.value.as_str());
    let help = if let Some(best) = did_you_mean(&key.value, names()) {
        format!("did you mean `{best}`?")
    } else if store.datasets.is_empty() {
        format!("datastore `{}` has no datasets", store.name.value)
    } else {
        let mut list: Vec<String> = names().take(LIST_MAX).map(|n| format!("`{n}`")).collect();
        if store.datasets.len() > LIST_MAX {
            list.push(format!("and {} more", store.datasets.len() - LIST_MAX));
        }
        format!(
            "the datasets of `{}` are {}",
            store.name.value,
            list.join(", ")
        )
    };
    Diagnostic::new(
        &DS133,
        format!(
            "`{attr}` names `{}`, which is not a dataset of datastore `{}`",
            key.value, store.name.value
        ),
    )
    .at(key.span)
    .label(store.name.span, "datastore defined here")
    .help(help)
}

#[cfg(test)]
mod tests {
    use crate::load::load_files;

    #[test]
    fn unknown_keys_in_tables_and_topics() {
        let text = r#"ecosystem "E" {
  owning_repo = "github:e/eco@main"
  live_repo   = "github:e/eco@live"
  zone "Z" { repo = "github:e/z@main" }
}
governance_zone "Z" {
  team "T" { repo = "github:e/t@main" }
}
team "Z" "T" {
  datastore "S" {
    capture {
      kind = "cdc"
      container = "Db"
      trigger = "external"
      tables = {
        orders = "s.orders"
        Orders = "s.orders2"
        zzz = "s.z"
      }
      topics = { refund = "t.r" }
    }
    dataset "orders" {
      classification = ["PUB"]
      column "id" { type = "bigint" }
    }
    dataset "refunds" {
      classification = ["PUB"]
      column "id" { type = "bigint" }
    }
  }
}
"#;
        let loaded = load_files(vec![("a.hcl".into(), text.into())]);
        let mut got: Vec<(usize, String, String)> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS133")
            .filter_map(|d| Some((loaded.model.sources.line_col(d.span?).0, d.message, d.help?)))
            .collect();
        got.sort();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(
            (got[0].0, got[0].2.as_str()),
            (17, "did you mean `orders`?")
        );
        assert_eq!(got[1].0, 18);
        assert_eq!(got[1].2, "the datasets of `S` are `orders`, `refunds`");
        assert_eq!(
            (got[2].0, got[2].2.as_str()),
            (20, "did you mean `refunds`?")
        );
        assert!(
            got[2].1.starts_with("`topics` names `refund`"),
            "{}",
            got[2].1
        );
    }
}
