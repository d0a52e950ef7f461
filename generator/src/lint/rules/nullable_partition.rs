//! DS113 nullable-partition-column.
//!
//! ## What it does
//! Flags every column listed in a dataset's `partition_key` that is not declared
//! `nullable = false` (`nullable` defaults to `true`).
//!
//! ## Why is this bad?
//! Rows are stored and pruned by their partition values. A NULL partition value lands rows in
//! a catch-all partition (or is rejected outright by some engines), so queries that filter on
//! the partition silently miss them.
//!
//! ## Notes
//! A `partition_key` entry that names no column is DS112, not this rule.

use super::nullable_key::nullable_span;
use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};

declare_code!(
    DS113,
    "nullable-partition-column",
    Lint,
    Error,
    "A partition column is nullable",
    "Partition columns decide where each row is stored, and queries prune partitions by their \
     values: a NULL partition value puts rows where filters never look, and some engines reject \
     it. Every column listed in `partition_key` must say `nullable = false` (`nullable` \
     defaults to true). If the column can be NULL, partition on another column.",
);

pub static RULE: Rule = Rule {
    code: &DS113,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for team in &cx.model.teams {
        for store in &team.datastores {
            for dataset in &store.datasets {
                let Some(partition) = &dataset.partition_key else {
                    continue;
                };
                // Report each column once even when `partition_key` repeats it (DS112 reports that).
                let mut seen: Vec<&str> = Vec::new();
                for entry in &partition.value {
                    if seen.contains(&entry.value.as_str()) {
                        continue;
                    }
                    seen.push(&entry.value);
                    let Some(column) = dataset.column(&entry.value) else {
                        continue;
                    };
                    if !column.nullable.value {
                        continue;
                    }
                    let at = nullable_span(column);
                    let default = if at == column.name.span {
                        " (`nullable` defaults to true)"
                    } else {
                        ""
                    };
                    out.push(
                        Diagnostic::new(
                            &DS113,
                            format!(
                                "partition column `{}` of dataset `{}`/`{}` is nullable{default}",
                                column.name.value, store.name.value, dataset.name.value
                            ),
                        )
                        .at(at)
                        .label(entry.span, "listed in `partition_key` here")
                        .help("partition columns must be NOT NULL: set `nullable = false`, or partition on another column"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reports_each_nullable_partition_column_once() {
        let text = r#"team "Z" "T" {
  datastore "S" {
    dataset "d" {
      partition_key = ["day", "day", "missing", "region"]
      column "day" { type = "date" }
      column "region" {
        type     = "varchar(4)"
        nullable = false
      }
    }
  }
}
"#;
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let model = &loaded.model;
        let got: Vec<usize> = crate::lint::lint(model)
            .into_iter()
            .filter(|d| d.code == "DS113")
            .filter_map(|d| Some(model.sources.line_col(d.span?).0))
            .collect();
        assert_eq!(got, vec![5]);
    }
}
