//! Snapshots of what users read: the human rendering of diagnostics that span two files, and
//! the rule listing. `DSGEN_BLESS=1 scripts/test` (or `cargo insta review`) updates them.

use dsgen::diag::render::{self, Options};
use dsgen::load::load_files;

fn lint_human(fixture: &str) -> String {
    let files = vec![
        ("zones/fixture.hcl".to_string(), fixture.as_bytes().to_vec()),
        (
            "base.hcl".to_string(),
            include_bytes!("fixtures/base/base.hcl").to_vec(),
        ),
    ];
    let (model, diags) = dsgen::lint::lint_loaded(load_files(files));
    let opts = Options {
        path_prefix: "model".to_string(),
        color: false,
    };
    render::human(&diags, &model.sources, &opts)
}

#[test]
fn duplicate_across_files_points_at_both() {
    insta::assert_snapshot!(lint_human(include_str!("fixtures/rules/DS008/bad.hcl")));
}

#[test]
fn several_problems_in_one_file_are_sorted_by_line() {
    let text = r#"team "Zone" "Fixture" {
  datastore "Customers" {
    production = true
    dataset "customers" {
      column "id" {
        type = "bigint"
        key  = true
      }
      column "email" { type = "strng(80)" }
    }
  }
  workspace "Select" {
    container = "ReportDB"
    priority  = "urgnt"
    dsg "Main" {
      sink "Customers" "customer" {}
    }
  }
}
"#;
    insta::assert_snapshot!(lint_human(text));
}
