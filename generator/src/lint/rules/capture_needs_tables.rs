//! DS134 capture-needs-tables.
//!
//! ## What it does
//! Flags a dataset without a `tables` entry in its datastore's capture when the capture reads
//! an `oracle` or `db2` container.
//!
//! ## Why is this bad?
//! Without a `tables` entry a dataset is read from the table of the same name in the
//! container's default schema: `public` on postgres, `dbo` on sqlserver, the database itself on
//! mysql. Oracle and db2 have no such default: a table lives in its owner's schema, and the
//! user a connector logs in as is rarely that owner. Guessing would make the connector capture
//! the wrong table or none, so the source table must be written out (`"SCHEMA.TABLE"`).
//!
//! ## Notes
//! Kafka captures read topics, not tables, and are not checked here (see DS128).

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::{CaptureKind, ContainerKind, DbEngine};
use std::collections::HashSet;

declare_code!(
    DS134,
    "capture-needs-tables",
    Lint,
    Error,
    "An oracle or db2 capture lacks a `tables` entry for a dataset",
    "A capture finds each dataset's source table through `tables = { dataset = \
     \"SCHEMA.TABLE\" }`, and falls back to the dataset's name in the container's default schema \
     (`public` on postgres, `dbo` on sqlserver, the database on mysql). Oracle and db2 have no \
     default schema to assume (tables belong to their owner's schema), so a capture reading an \
     oracle or db2 container needs a `tables` entry for every dataset of the datastore. Add the \
     missing entries with the owning schema, e.g. `tables = { orders = \"SALES.ORDERS\" }`.",
);

pub static RULE: Rule = Rule {
    code: &DS134,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for team in &cx.model.teams {
        for store in &team.datastores {
            let Some(capture) = &store.capture else {
                continue;
            };
            if capture.kind.value == CaptureKind::Kafka {
                continue;
            }
            let Some((_, container)) = cx.index.containers.get(capture.container.value.as_str())
            else {
                continue;
            };
            let engine = match container.kind.value {
                ContainerKind::Database(e @ (DbEngine::Oracle | DbEngine::Db2)) => e,
                _ => continue,
            };
            let engine = ContainerKind::Database(engine).as_str();
            let tables: HashSet<&str> = capture
                .tables
                .iter()
                .map(|(k, _)| k.value.as_str())
                .collect();
            for dataset in &store.datasets {
                if tables.contains(dataset.name.value.as_str()) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        &DS134,
                        format!(
                            "dataset `{}` of datastore `{}` has no `tables` entry, and its \
                             capture reads {engine} container `{}`, which has no default schema",
                            dataset.name.value, store.name.value, container.name.value
                        ),
                    )
                    .at(dataset.name.span)
                    .label(
                        capture.container.span,
                        format!(
                            "captured from {engine} container `{}`",
                            container.name.value
                        ),
                    )
                    .help(format!(
                        "add `{} = \"SCHEMA.TABLE\"` to the capture's `tables`, naming the schema \
                         that owns the source table",
                        dataset.name.value
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::load::load_files;

    fn ds134(kind: &str, engine: &str, tables: &str) -> Vec<usize> {
        let text = format!(
            r#"ecosystem "E" {{
  owning_repo = "github:e/eco@main"
  live_repo   = "github:e/eco@live"
  zone "Z" {{ repo = "github:e/z@main" }}
}}
governance_zone "Z" {{
  team "T" {{ repo = "github:e/t@main" }}
}}
team "Z" "T" {{
  container "{engine}" "Db" {{
    host = "h"
    port = 1521
    database = "d"
  }}
  datastore "S" {{
    capture {{
      kind = "{kind}"
      consistency = "single_dataset"
      container = "Db"
      trigger = "external"
      {tables}
    }}
    dataset "a" {{
      classification = ["PUB"]
      column "id" {{ type = "bigint" }}
    }}
    dataset "b" {{
      classification = ["PUB"]
      column "id" {{ type = "bigint" }}
    }}
  }}
}}
"#
        );
        let loaded = load_files(vec![("a.hcl".into(), text.into())]);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let mut lines: Vec<usize> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS134")
            .filter_map(|d| Some(loaded.model.sources.line_col(d.span?).0))
            .collect();
        lines.sort();
        lines
    }

    #[test]
    fn oracle_and_db2_need_every_table() {
        for engine in ["oracle", "db2"] {
            assert_eq!(ds134("cdc", engine, ""), [23, 27], "{engine}");
            assert_eq!(ds134("snapshot", engine, r#"tables = { a = "X.A" }"#), [27]);
            assert!(ds134("cdc", engine, r#"tables = { a = "X.A", b = "X.B" }"#).is_empty());
            // Kafka captures read topics (DS128 reports the container).
            assert!(ds134("kafka", engine, "").is_empty());
        }
        for engine in ["postgres", "mysql", "sqlserver"] {
            assert!(ds134("cdc", engine, "").is_empty(), "{engine}");
        }
    }
}
