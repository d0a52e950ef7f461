//! DS127 watermark-column.
//!
//! ## What it does
//! Checks a capture's `watermark_column`:
//!
//! - a `kind = "watermark"` capture must name one;
//! - every dataset of the datastore must have that column;
//! - its type must be an integer (`int(n)`, `uint(n)` and their aliases) or a timestamp
//!   (`timestamp` or `timestamp(tz)`);
//! - its type must be the same in every dataset (aliases are the same type: `bigint` is
//!   `int(64)`);
//! - any other capture kind must not set `watermark_column`.
//!
//! ## Why is this bad?
//! A watermark capture reads the rows whose watermark lies in a half-open range above the last
//! high mark it saw. Without the column in a dataset it cannot select that dataset's changes at
//! all; with a type that is not ordered the way changes happen (strings, floats, dates that
//! lose the time of day) it misses or repeats rows; and one capture keeps one high mark type for
//! all its datasets. A `watermark_column` on another kind of capture is ignored, which hides a
//! mistake about how the data is captured.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::datatype::DataType;
use crate::model::{CaptureKind, Column, Dataset};

declare_code!(
    DS127,
    "watermark-column",
    Lint,
    Error,
    "A watermark capture's column is missing, or not the same integer or timestamp type in every dataset",
    "A watermark capture selects each dataset's new and changed rows by a column that grows with \
     every change (an update timestamp or a sequence number), so `kind = \"watermark\"` needs \
     `watermark_column`, and that column must exist in every dataset of the datastore with one \
     integer or timestamp type throughout. Add the column where it is missing, give it the same \
     integer or timestamp type everywhere, or capture the datastore another way (`cdc` or \
     `snapshot`). Other capture kinds must not set `watermark_column`.",
);

pub static RULE: Rule = Rule {
    code: &DS127,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for team in &cx.model.teams {
        for store in &team.datastores {
            let Some(capture) = &store.capture else {
                continue;
            };
            let store_name = &store.name.value;
            let is_watermark = capture.kind.value == CaptureKind::Watermark;
            let Some(wm) = &capture.watermark_column else {
                if is_watermark {
                    out.push(
                        Diagnostic::new(
                            &DS127,
                            format!(
                                "the watermark capture of datastore `{store_name}` has no \
                                 `watermark_column`"
                            ),
                        )
                        .at(capture.kind.span)
                        .help(
                            "add `watermark_column = \"COLUMN\"` naming an integer or timestamp \
                             column that every dataset has and that grows with every change",
                        ),
                    );
                }
                continue;
            };
            if !is_watermark {
                out.push(
                    Diagnostic::new(
                        &DS127,
                        format!(
                            "`watermark_column` is set on the {} capture of datastore \
                             `{store_name}`; only watermark captures use it",
                            capture.kind.value.as_str()
                        ),
                    )
                    .at(wm.span)
                    .label(capture.kind.span, "capture kind")
                    .help(
                        "remove `watermark_column`, or set `kind = \"watermark\"` if the \
                         datastore is captured by it",
                    ),
                );
                continue;
            }
            // The first dataset whose column has a valid watermark type sets the type.
            let mut first: Option<(&Dataset, &Column, &DataType)> = None;
            for dataset in &store.datasets {
                let Some(column) = dataset.column(&wm.value) else {
                    out.push(
                        Diagnostic::new(
                            &DS127,
                            format!(
                                "dataset `{}` of datastore `{store_name}` has no watermark \
                                 column `{}`",
                                dataset.name.value, wm.value
                            ),
                        )
                        .at(dataset.name.span)
                        .label(wm.span, "watermark column named here")
                        .help(format!(
                            "add column `{}` (an integer or timestamp that grows with every \
                             change) to `{}`, or capture the datastore another way",
                            wm.value, dataset.name.value
                        )),
                    );
                    continue;
                };
                // An unparsed type was reported at load.
                let Some(ty) = &column.ty.value else {
                    continue;
                };
                if !ty.is_timestamp_or_integer() {
                    out.push(
                        Diagnostic::new(
                            &DS127,
                            format!(
                                "watermark column `{}` of dataset `{}` (datastore \
                                 `{store_name}`) is `{ty}`, not an integer or a timestamp",
                                wm.value, dataset.name.value
                            ),
                        )
                        .at(column.ty.span)
                        .label(wm.span, "watermark column named here")
                        .help(
                            "a watermark must be ordered the way changes happen: use an integer \
                             (a sequence number) or a timestamp column",
                        ),
                    );
                    continue;
                }
                match first {
                    None => first = Some((dataset, column, ty)),
                    Some((first_ds, first_col, first_ty)) if first_ty != ty => out.push(
                        Diagnostic::new(
                            &DS127,
                            format!(
                                "watermark column `{}` is `{ty}` in dataset `{}` but `{first_ty}` \
                                 in dataset `{}` of datastore `{store_name}`",
                                wm.value, dataset.name.value, first_ds.name.value
                            ),
                        )
                        .at(column.ty.span)
                        .label(
                            first_col.ty.span,
                            format!("`{first_ty}` in dataset `{}`", first_ds.name.value),
                        )
                        .help(format!(
                            "give `{}` one type in every dataset of `{store_name}`",
                            wm.value
                        )),
                    ),
                    Some(_) => {}
                }
            }
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
vendor "V" {
  cloud = "aws"
  location "r" {}
}
governance_zone "Z" {
  team "T" { repo = "github:e/t@main" }
}
team "Z" "T" {
  container "postgres" "Db" {
    host = "h"
    port = 5432
    database = "d"
    locations = ["V:r"]
  }
"#;

    /// DS127 findings as (line, message), for a store whose capture holds `capture` and whose
    /// datasets are `datasets`.
    fn ds127(capture: &str, datasets: &str) -> Vec<(usize, String)> {
        let text = format!(
            "{HEAD}  datastore \"S\" {{\n    capture {{\n      container = \"Db\"\n      \
             trigger = \"* * * * *\"\n{capture}\n    }}\n{datasets}\n  }}\n}}\n"
        );
        let loaded = load_files(vec![("a.hcl".into(), text.into())]);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let mut got: Vec<(usize, String)> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS127")
            .map(|d| {
                let span = d.span.expect("span");
                (loaded.model.sources.line_col(span).0, d.message)
            })
            .collect();
        got.sort();
        got
    }

    fn dataset(name: &str, column: &str, ty: &str) -> String {
        format!(
            "    dataset \"{name}\" {{\n      classification = [\"PUB\"]\n      \
             column \"{column}\" {{ type = \"{ty}\" }}\n    }}"
        )
    }

    #[test]
    fn watermark_needs_a_column() {
        let got = ds127(r#"      kind = "watermark""#, &dataset("a", "id", "bigint"));
        assert_eq!(got.len(), 1, "{got:?}");
        // Line 24: `kind = "watermark"`.
        assert_eq!(got[0].0, 24);
        assert!(got[0].1.contains("no `watermark_column`"));
    }

    #[test]
    fn column_only_on_watermark_captures() {
        let got = ds127(
            "      kind = \"cdc\"\n      watermark_column = \"id\"",
            &dataset("a", "id", "bigint"),
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, 25);
        assert!(got[0].1.contains("only watermark captures"));
    }

    #[test]
    fn types_must_be_integer_or_timestamp_and_agree() {
        let wm = "      kind = \"watermark\"\n      watermark_column = \"v\"";
        // Aliases are the same type; uint and timestamp(tz) are fine on their own.
        let ok = [dataset("a", "v", "bigint"), dataset("b", "v", "int(64)")].join("\n");
        assert!(ds127(wm, &ok).is_empty());
        assert!(ds127(wm, &dataset("a", "v", "uint(32)")).is_empty());
        assert!(ds127(wm, &dataset("a", "v", "timestamp(tz)")).is_empty());
        for bad in ["date", "varchar(20)", "double", "decimal(20,0)"] {
            let got = ds127(wm, &dataset("a", "v", bad));
            assert_eq!(got.len(), 1, "{bad}: {got:?}");
            assert!(
                got[0].1.contains("not an integer or a timestamp"),
                "{}",
                got[0].1
            );
        }
        // A wrong type does not set the reference type; the mismatch is against `b`.
        let mixed = [
            dataset("a", "v", "varchar(5)"),
            dataset("b", "v", "timestamp"),
            dataset("c", "v", "integer"),
            dataset("d", "w", "integer"),
        ]
        .join("\n");
        let got = ds127(wm, &mixed);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(got[0].1.contains("`varchar(5)`"));
        assert!(got[1]
            .1
            .contains("is `int(32)` in dataset `c` but `timestamp` in dataset `b`"));
        assert!(got[2]
            .1
            .contains("dataset `d` of datastore `S` has no watermark column `v`"));
    }
}
