//! The real binary, run in throwaway directories with a cleared environment: every command's
//! exit codes (0 ok, 1 rejected, 2 usage or I/O) and output formats.

#[path = "support/cli.rs"]
mod cli_support;
#[path = "support/git.rs"]
mod git_support;

use cli_support::{code, dsgen_command, stderr, stdout};
use git_support::repo_root;
use std::path::Path;
use std::process::Output;

fn dsgen(args: &[&str], cwd: &Path) -> Output {
    dsgen_command()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run dsgen")
}

fn broken_model(dir: &Path) {
    std::fs::write(dir.join("base.hcl"), include_str!("fixtures/base/base.hcl")).unwrap();
    std::fs::write(
        dir.join("fixture.hcl"),
        "team \"Zone\" \"Fixture\" {\n  datastor \"X\" {}\n}\n",
    )
    .unwrap();
}

#[test]
fn examples_lint_clean() {
    for example in ["quickstart", "acme"] {
        let dir = repo_root().join("examples").join(example);
        let o = dsgen(&["lint", dir.to_str().unwrap()], &repo_root());
        assert_eq!(code(&o), 0, "{example}:\n{}{}", stdout(&o), stderr(&o));
        assert_eq!(stdout(&o), "", "{example} has warnings:\n{}", stdout(&o));
    }
}

#[test]
fn lint_rejects_a_broken_model_with_located_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    broken_model(dir.path());
    let o = dsgen(&["lint"], dir.path());
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("error[DS003]: unknown block `datastor`"),
        "{out}"
    );
    assert!(out.contains("fixture.hcl:2:3"), "{out}");
    assert!(out.contains("did you mean `datastore`?"), "{out}");
    assert!(out.contains('^'), "no caret:\n{out}");

    let o = dsgen(&["lint", "--format", "json"], dir.path());
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "DS003");
    assert_eq!(v["diagnostics"][0]["line"], 2);
    assert_eq!(v["summary"]["errors"], 1);

    let o = dsgen(
        &["lint", "--format", "sarif", "--path-prefix", "model"],
        dir.path(),
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let result = &v["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "DS003");
    let rule_index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(
        v["runs"][0]["tool"]["driver"]["rules"][rule_index]["id"],
        "DS003"
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "model/fixture.hcl"
    );

    let o = dsgen(&["lint", "--format", "github"], dir.path());
    assert!(
        stdout(&o).starts_with("::error file=fixture.hcl,line=2,col=3"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = dsgen(&["lint", "does-not-exist"], dir.path());
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("does not exist"), "{}", stderr(&o));
    assert_eq!(code(&dsgen(&["frobnicate"], dir.path())), 2);
    assert_eq!(code(&dsgen(&["lint", "--format", "yaml"], dir.path())), 2);
    assert_eq!(code(&dsgen(&["explain", "DS999"], dir.path())), 2);
    assert_eq!(
        code(&dsgen(&["lint", "a", "--model-dir", "b"], dir.path())),
        2
    );
}

#[test]
fn empty_directory_is_rejected_not_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = dsgen(&["lint", "--model-dir", "."], dir.path());
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("DS009"), "{}", stdout(&o));
}

#[test]
fn rules_and_explain_read_the_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let o = dsgen(&["rules"], dir.path());
    assert_eq!(code(&o), 0);
    let listing = stdout(&o);
    for c in dsgen::diag::codes::all() {
        assert!(
            listing.contains(c.code),
            "{} missing from `dsgen rules`",
            c.code
        );
    }
    let o = dsgen(&["explain", "ds111"], dir.path());
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    assert!(text.starts_with("DS111 nullable-key-column"), "{text}");
    assert!(text.contains("Use instead:"), "{text}");
    let o = dsgen(&["rules", "--format", "json"], dir.path());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), dsgen::diag::codes::all().len());
}

#[test]
fn schema_is_json_schema() {
    let dir = tempfile::tempdir().unwrap();
    let o = dsgen(&["schema"], dir.path());
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert!(v["properties"]["team"].is_object());
}

#[test]
fn new_writes_a_model_that_lints_clean_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let o = dsgen(&["new", "starter"], dir.path());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = dsgen(&["lint", "starter"], dir.path());
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(stdout(&o), "");
    let o = dsgen(&["new", "starter"], dir.path());
    assert_eq!(code(&o), 2, "a second `new` must not overwrite");
}

#[test]
fn fmt_check_reports_then_fmt_fixes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("eco.hcl"),
        "ecosystem \"E\" {\n      owning_repo = \"github:a/b@main\" # owner\nlive_repo = \"github:a/b@live\"\n}\n",
    )
    .unwrap();
    let o = dsgen(&["fmt", "--check"], dir.path());
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("eco.hcl"));
    assert_eq!(code(&dsgen(&["fmt"], dir.path())), 0);
    let text = std::fs::read_to_string(dir.path().join("eco.hcl")).unwrap();
    assert!(text.contains("# owner"), "comment lost:\n{text}");
    assert_eq!(code(&dsgen(&["fmt", "--check"], dir.path())), 0);
}

#[test]
fn secrets_never_reach_any_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("base.hcl"),
        include_str!("fixtures/base/base.hcl"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("leak.hcl"),
        "credential_store \"vault\" {\n  kind = \"env\"\n  api_token = \"canary-5ecr3t-value\"\n}\n",
    )
    .unwrap();
    for format in ["human", "json", "sarif", "github", "markdown"] {
        let o = dsgen(&["lint", "--format", format], dir.path());
        assert_eq!(code(&o), 1);
        let all = stdout(&o) + &stderr(&o);
        assert!(all.contains("DS131"), "{format}: {all}");
        assert!(
            !all.contains("canary-5ecr3t-value"),
            "{format} leaked the secret:\n{all}"
        );
    }
}

fn acme() -> String {
    repo_root()
        .join("examples/acme")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn graph_formats_platform_and_focus() {
    let acme = acme();
    let o = dsgen(&["graph", &acme], &repo_root());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).starts_with("flowchart LR\n"), "{}", stdout(&o));
    assert!(stdout(&o).contains("subgraph p0[\"AwsLake (aws)\"]"));

    let o = dsgen(&["graph", &acme, "--format", "dot"], &repo_root());
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).starts_with("digraph dsgen {"));

    let o = dsgen(
        &[
            "graph",
            "--model-dir",
            &acme,
            "--format",
            "json",
            "--platform",
            "YellowLive",
        ],
        &repo_root(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let platforms = v["platforms"].as_array().unwrap();
    assert_eq!(platforms.len(), 1);
    assert_eq!(platforms[0]["name"], "YellowLive");

    // Focus on a dataset: only its upstream and downstream, on the platforms that have it.
    let o = dsgen(
        &[
            "graph",
            &acme,
            "--format",
            "json",
            "--focus",
            "dataset:EU_Shop/orders",
        ],
        &repo_root(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let platforms = v["platforms"].as_array().unwrap();
    assert_eq!(platforms.len(), 1);
    let keys: Vec<&str> = platforms[0]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        ["export/EUAnalyticsSQL/EU_Shop/orders", "ingest/EU_Shop"]
    );

    let o = dsgen(
        &[
            "graph",
            &acme,
            "--focus",
            "workspace:ChurnModel",
            "--timings",
        ],
        &repo_root(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("ingest/US_Customers"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("EU_Shop"), "{}", stdout(&o));
    assert!(stderr(&o).contains("graph build"), "{}", stderr(&o));

    // A focus that is not on the selected platform says where it does run.
    let o = dsgen(
        &[
            "graph",
            &acme,
            "--platform",
            "YellowLive",
            "--focus",
            "dataset:US_Orders/orders",
        ],
        &repo_root(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("not on the selected platform; it runs on: AwsLake, OnPremLegacy"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn graph_rejects_unknown_names_and_broken_models() {
    let acme = acme();
    let o = dsgen(&["graph", &acme, "--platform", "YelowLive"], &repo_root());
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("unknown platform `YelowLive`; did you mean `YellowLive`?"),
        "{}",
        stderr(&o)
    );
    let o = dsgen(
        &["graph", &acme, "--focus", "store:US_Custmers"],
        &repo_root(),
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("unknown datastore `US_Custmers`; did you mean `US_Customers`?"),
        "{}",
        stderr(&o)
    );
    let o = dsgen(
        &["graph", &acme, "--focus", "dataset:EU_Shop/order"],
        &repo_root(),
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("did you mean `orders`?"),
        "{}",
        stderr(&o)
    );
    let o = dsgen(&["graph", &acme, "--focus", "table:X"], &repo_root());
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is not an element"), "{}", stderr(&o));
    let o = dsgen(&["graph", &acme, "--format", "svg"], &repo_root());
    assert_eq!(code(&o), 2);

    let dir = tempfile::tempdir().unwrap();
    broken_model(dir.path());
    let o = dsgen(&["graph"], dir.path());
    assert_eq!(code(&o), 1);
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("error[DS003]"), "{}", stderr(&o));

    let rejected = repo_root().join("generator/tests/fixtures/graph/policy_rejections");
    let o = dsgen(&["graph", rejected.to_str().unwrap()], &repo_root());
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("error[DS407]"), "{}", stderr(&o));
    let o = dsgen(&["lint", rejected.to_str().unwrap()], &repo_root());
    assert_eq!(code(&o), 1);
    assert!(stdout(&o).contains("error[DS408]"), "{}", stdout(&o));

    let o = dsgen(&["graph", "no/such/dir"], dir.path());
    assert_eq!(code(&o), 2);
}

#[test]
fn deps_lists_dependents_through_transformers() {
    let acme = acme();
    let o = dsgen(
        &["deps", "US_Customers", "--model-dir", &acme],
        &repo_root(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let lines: Vec<String> = stdout(&o).lines().map(String::from).collect();
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(lines[0].starts_with(
        "ChurnModel  (Research/Science, priority low)  via MaskCustomers -> CustomerFeatures"
    ));
    assert!(lines[2].contains("FinanceReports") && lines[2].contains("direct"));

    let o = dsgen(
        &[
            "deps",
            "US_Customers",
            "--model-dir",
            &acme,
            "--format",
            "json",
        ],
        &repo_root(),
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["store"], "US_Customers");
    let deps = v["dependents"].as_array().unwrap();
    assert_eq!(deps[0]["workspace"], "ChurnModel");
    assert_eq!(deps[0]["direct"], false);
    assert_eq!(deps[0]["via"][1], "CustomerFeatures");

    let o = dsgen(&["deps", "Sandbox", "--model-dir", &acme], &repo_root());
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("unknown datastore `Sandbox`"),
        "{}",
        stderr(&o)
    );
    let o = dsgen(&["deps", "US_Order", "--model-dir", &acme], &repo_root());
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("did you mean `US_Orders`?"),
        "{}",
        stderr(&o)
    );

    let o = dsgen(
        &["deps", "Customer_Features", "--model-dir", &acme],
        &repo_root(),
    );
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).starts_with("ChurnModel"), "{}", stdout(&o));

    let dir = tempfile::tempdir().unwrap();
    broken_model(dir.path());
    let o = dsgen(&["deps", "Orders"], dir.path());
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("error[DS003]"), "{}", stderr(&o));
}

#[test]
fn an_unpullable_single_dataset_store_is_warned_about_once() {
    // A MySQL snapshot captured per dataset, two datasets sunk: two nodes and two merge jobs
    // that cannot pull, one warning naming the store.
    let fixture = r#"
team "Zone" "Fixture" {
  container "mysql" "ShopDB" {
    host      = "shop.example.internal"
    port      = 3306
    database  = "shop"
    locations = ["Cloud:east"]
  }
  datastore "Shop" {
    capture {
      kind        = "snapshot"
      container   = "ShopDB"
      credential  = "shop_reader"
      consistency = "single_dataset"
      trigger     = "0 * * * *"
    }
    dataset "products" {
      classification = ["PUB"]
      column "id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
    }
    dataset "prices" {
      classification = ["PUB"]
      column "id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
    }
  }
  workspace "Catalog" {
    container = "ReportDB"
    dsg "Products" {
      sink "Shop" "products" {}
      sink "Shop" "prices" {}
    }
  }
}
assign "Catalog" "Products" { platform = "Main" }
"#;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("base.hcl"),
        include_str!("fixtures/base/base.hcl"),
    )
    .unwrap();
    std::fs::write(dir.path().join("fixture.hcl"), fixture).unwrap();
    let o = dsgen(&["lint"], dir.path());
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.matches("warning[DS502]").count(), 1, "{out}");
    assert!(
        out.contains("and that of each other dataset's node"),
        "{out}"
    );
}
