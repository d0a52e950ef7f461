//! `dsgen plan` end to end: a model repository built in a temporary directory (with the `git`
//! CLI), one commit per scenario on top of one base commit, planned by the real binary with a
//! cleared environment. Each scenario asserts its classification from the JSON output and
//! snapshots the Markdown (`generator/tests/snapshots/plan__*.snap`; `DSGEN_BLESS=1
//! scripts/test` rewrites them, reviewed as a diff).

#[path = "support/cli.rs"]
mod cli_support;
#[path = "support/git.rs"]
mod git_support;

use cli_support::{code, dsgen_command, stderr, stdout};
use git_support::{commit_all, git, TempRepo};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/plan/base");

struct Repo {
    _dir: tempfile::TempDir,
    path: PathBuf,
    /// The commit without a model (the repository's first).
    empty: String,
    /// The commit with the fixture model under `model/`.
    base: String,
    files: BTreeMap<String, String>,
}

impl Repo {
    fn new() -> Repo {
        let TempRepo { dir, path } = TempRepo::init();
        let empty = commit_all(&path, "start");
        let mut files = BTreeMap::new();
        for name in ["ecosystem.hcl", "shop.hcl"] {
            let text = std::fs::read_to_string(Path::new(FIXTURE).join(name)).expect("fixture");
            files.insert(name.to_string(), text);
        }
        let mut repo = Repo {
            _dir: dir,
            path,
            empty,
            base: String::new(),
            files,
        };
        repo.base = repo.commit_files("base model");
        repo
    }

    fn commit_files(&self, message: &str) -> String {
        let model = self.path.join("model");
        let _ = std::fs::remove_dir_all(&model);
        std::fs::create_dir_all(&model).expect("mkdir");
        for (name, text) in &self.files {
            std::fs::write(model.join(name), text).expect("write");
        }
        commit_all(&self.path, message)
    }

    /// A commit on top of the base with `edit` applied to the model files.
    fn scenario(&mut self, name: &str, edit: impl Fn(&mut BTreeMap<String, String>)) -> String {
        git(&self.path, &["checkout", "-q", "-B", name, &self.base]);
        let saved = self.files.clone();
        edit(&mut self.files);
        let sha = self.commit_files(name);
        self.files = saved;
        sha
    }

    fn plan(&self, base: &str, head: &str, extra: &[&str]) -> Output {
        let mut args = vec![
            "plan",
            "--base",
            base,
            "--head",
            head,
            "--model-dir",
            "model",
        ];
        args.extend_from_slice(extra);
        dsgen(&self.path, &args)
    }
}

fn dsgen(cwd: &Path, args: &[&str]) -> Output {
    dsgen_command()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run dsgen")
}

/// Replace `from` (which must occur) once in file `name`.
fn replace(files: &mut BTreeMap<String, String>, name: &str, from: &str, to: &str) {
    let text = files.get_mut(name).expect("file");
    assert!(text.contains(from), "`{from}` not in {name}");
    *text = text.replacen(from, to, 1);
}

/// (kind, name, action, class) of every resource change, in output order.
fn changes(plan: &Value) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    for p in plan["platforms"].as_array().expect("platforms") {
        for r in p["resources"].as_array().expect("resources") {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            out.push((s("kind"), s("name"), s("action"), s("class")));
        }
    }
    out
}

fn change<'a>(plan: &'a Value, name: &str) -> &'a Value {
    plan["platforms"]
        .as_array()
        .expect("platforms")
        .iter()
        .flat_map(|p| p["resources"].as_array().expect("resources"))
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no change of `{name}` in {plan:#}"))
}

fn consumers(r: &Value) -> Vec<&str> {
    r["consumers"]
        .as_array()
        .expect("consumers")
        .iter()
        .filter_map(|c| c["workspace"].as_str())
        .collect()
}

fn tuple(kind: &str, name: &str, action: &str, class: &str) -> (String, String, String, String) {
    (kind.into(), name.into(), action.into(), class.into())
}

/// Plan base..head as JSON (exit 0 asserted), and the Markdown with the commits named
/// `BASE`/`HEAD` so the snapshot does not depend on commit ids.
fn plan_both(repo: &Repo, head: &str) -> (Value, String) {
    let o = repo.plan(&repo.base, head, &["--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let json: Value = serde_json::from_str(&stdout(&o)).expect("json");
    // By branch name, as a workflow would: `main` is the base commit.
    let o = repo.plan(
        "main",
        &git(&repo.path, &["branch", "--show-current"]),
        &["--format", "markdown"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let md = stdout(&o)
        .replace(&repo.base, "BASE")
        .replace(head, "HEAD")
        .replace(&repo.base[..7], "BASE")
        .replace(&head[..7], "HEAD");
    (json, md)
}

#[test]
fn adding_a_dataset_restarts_the_source_and_adds_its_sinks() {
    let mut repo = Repo::new();
    let head = repo.scenario("add-dataset", |f| {
        replace(
            f,
            "shop.hcl",
            "      column \"amount\" { type = \"decimal(10,2)\" }\n    }\n  }\n\n  datastore \"Customers\"",
            "      column \"amount\" { type = \"decimal(10,2)\" }\n    }\n    dataset \"refunds\" {\n      classification = [\"PUB\"]\n      column \"id\" {\n        type     = \"bigint\"\n        key      = true\n        nullable = false\n      }\n    }\n  }\n\n  datastore \"Customers\"",
        );
        replace(
            f,
            "shop.hcl",
            "      sink \"Shop_Orders\" \"orders\" {}\n",
            "      sink \"Shop_Orders\" \"orders\" {}\n      sink \"Shop_Orders\" \"refunds\" {}\n",
        );
    });
    let (plan, md) = plan_both(&repo, &head);
    assert_eq!(plan["verdict"], "needs_attention");
    assert_eq!(
        changes(&plan),
        [
            tuple(
                "source_connector",
                "live-shop-orders-source",
                "changed",
                "needs_attention"
            ),
            tuple(
                "sink_connector",
                "live-shop-orders-refunds-cdc",
                "added",
                "safe"
            ),
            tuple(
                "sink_connector",
                "live-shop-orders-refunds-landing",
                "added",
                "safe"
            ),
            tuple("table", "live_shop_orders_refunds_cdc", "added", "safe"),
            tuple("table", "live_shop_orders_refunds_merge", "added", "safe"),
            tuple("table", "live_shop_orders_refunds_staging", "added", "safe"),
            tuple(
                "view",
                "live_reports_live_shop_orders_refunds_view_live",
                "added",
                "safe"
            ),
        ]
    );
    let source = change(&plan, "live-shop-orders-source");
    assert_eq!(
        source["changed_keys"],
        serde_json::json!(["table.include.list"])
    );
    assert_eq!(consumers(source), ["Reports"]);
    assert_eq!(
        consumers(change(&plan, "live-shop-orders-refunds-cdc")),
        ["Reports"]
    );
    insta::assert_snapshot!("add_dataset", md);
}

#[test]
fn adding_a_consumer_of_an_uncaptured_store_only_adds() {
    let mut repo = Repo::new();
    let head = repo.scenario("add-consumer", |f| {
        replace(
            f,
            "shop.hcl",
            "  workspace \"Finance\" {",
            "  workspace \"Audit\" {\n    container = \"platform_managed\"\n    dsg \"Live\" {\n      sink \"Customers\" \"customers\" {}\n    }\n  }\n\n  workspace \"Finance\" {",
        );
        replace(
            f,
            "ecosystem.hcl",
            "assign \"Finance\" \"Live\" {",
            "assign \"Audit\" \"Live\" {\n  platform = \"Live\"\n  status   = \"provisioned\"\n}\nassign \"Finance\" \"Live\" {",
        );
    });
    let (plan, md) = plan_both(&repo, &head);
    assert_eq!(plan["verdict"], "safe");
    assert_eq!(
        changes(&plan),
        [
            tuple("source_connector", "live-customers-source", "added", "safe"),
            tuple(
                "sink_connector",
                "live-customers-customers-cdc",
                "added",
                "safe"
            ),
            tuple(
                "sink_connector",
                "live-customers-customers-landing",
                "added",
                "safe"
            ),
            tuple("table", "live_customers_customers_cdc", "added", "safe"),
            tuple("table", "live_customers_customers_merge", "added", "safe"),
            tuple("table", "live_customers_customers_staging", "added", "safe"),
            tuple(
                "view",
                "live_audit_live_customers_customers_view_live",
                "added",
                "safe"
            ),
            tuple("scheduled_job", "live-customers-batch", "added", "safe"),
        ]
    );
    assert_eq!(consumers(change(&plan, "live-customers-source")), ["Audit"]);
    assert_eq!(plan["summary"]["files_added"], 6);
    assert_eq!(plan["summary"]["files_changed"], 0);
    insta::assert_snapshot!("add_consumer", md);
}

#[test]
fn renaming_a_store_renames_its_source_connector_and_loses_its_offsets() {
    let mut repo = Repo::new();
    let head = repo.scenario("rename-store", |f| {
        let text = f.get_mut("shop.hcl").expect("shop");
        *text = text.replace("Shop_Orders", "Orders_v2");
    });
    let (plan, md) = plan_both(&repo, &head);
    assert_eq!(plan["verdict"], "destructive");
    let source = change(&plan, "live-orders-v2-source");
    assert_eq!(source["action"], "renamed");
    assert_eq!(source["class"], "destructive");
    assert_eq!(source["renamed_from"], "live-shop-orders-source");
    assert_eq!(source["element"], "store:Orders_v2");
    assert_eq!(source["previous_element"], "store:Shop_Orders");
    assert!(
        source["changed_keys"]
            .as_array()
            .expect("keys")
            .iter()
            .any(|k| k == "slot.name"),
        "{source:#}"
    );
    assert_eq!(consumers(source), ["Reports"]);
    // The sinks (two names per dataset), the merge job and the tables are removed and added,
    // not guessed as renames; the old merge tables' data is what the rename drops.
    let c = changes(&plan);
    assert_eq!(
        c[0],
        tuple(
            "source_connector",
            "live-orders-v2-source",
            "renamed",
            "destructive"
        )
    );
    assert_eq!(c.iter().filter(|t| t.2 == "removed").count(), 6, "{c:?}");
    assert_eq!(c.iter().filter(|t| t.2 == "added").count(), 6, "{c:?}");
    for table in [
        "live_shop_orders_orders_cdc",
        "live_shop_orders_orders_merge",
        "live_shop_orders_orders_staging",
    ] {
        assert!(
            c.contains(&tuple("table", table, "removed", "destructive")),
            "{c:?}"
        );
    }
    assert!(md.contains("⚠️ **Destructive changes**"), "{md}");
    insta::assert_snapshot!("rename_store", md);
}

#[test]
fn removing_a_workspace_removes_the_capture_only_it_used() {
    let mut repo = Repo::new();
    let head = repo.scenario("remove-workspace", |f| {
        replace(
            f,
            "shop.hcl",
            "\n  workspace \"Finance\" {\n    container = \"platform_managed\"\n    dsg \"Live\" {\n      sink \"Payments\" \"payments\" {}\n    }\n  }\n",
            "",
        );
        replace(
            f,
            "ecosystem.hcl",
            "assign \"Finance\" \"Live\" {\n  platform = \"Live\"\n  status   = \"provisioned\"\n}\n",
            "",
        );
    });
    let (plan, md) = plan_both(&repo, &head);
    assert_eq!(plan["verdict"], "destructive");
    let c = changes(&plan);
    assert_eq!(
        c[0],
        tuple(
            "source_connector",
            "live-payments-source",
            "removed",
            "destructive"
        )
    );
    for sink in [
        "live-payments-payments-landing",
        "live-payments-payments-cdc",
    ] {
        let r = change(&plan, sink);
        assert_eq!(
            (&r["action"], &r["class"]),
            (&"removed".into(), &"needs_attention".into())
        );
        // The consumer is named from the base revision, where it still exists.
        assert_eq!(consumers(r), ["Finance"]);
    }
    // The secret and the database port it needed go from the cluster's access and egress.
    for kind in ["access_control", "network_policy"] {
        assert!(
            c.iter()
                .any(|t| t.0 == kind && t.2 == "changed" && t.3 == "needs_attention"),
            "{c:?}"
        );
    }
    assert_eq!(
        consumers(change(&plan, "live-payments-source")),
        ["Finance"]
    );
    insta::assert_snapshot!("remove_workspace", md);
}

#[test]
fn changing_a_capture_trigger_reschedules_its_merge_job() {
    // Debezium streams continuously; the trigger schedules the merge job's CronJob, and nothing
    // else changes.
    let mut repo = Repo::new();
    let head = repo.scenario("change-trigger", |f| {
        replace(
            f,
            "shop.hcl",
            "trigger     = \"*/5 * * * *\"",
            "trigger     = \"*/10 * * * *\"",
        );
    });
    let (plan, md) = plan_both(&repo, &head);
    assert_eq!(plan["verdict"], "needs_attention");
    assert_eq!(plan["changes"], true);
    assert_eq!(
        changes(&plan),
        [tuple(
            "scheduled_job",
            "live-shop-orders-batch",
            "changed",
            "needs_attention"
        )]
    );
    let job = change(&plan, "live-shop-orders-batch");
    assert!(
        job["changed_keys"]
            .as_array()
            .expect("keys")
            .iter()
            .any(|k| k.as_str().is_some_and(|k| k.ends_with("schedule"))),
        "{job:#}"
    );
    let o = repo.plan(&repo.base, &head, &["--detailed-exitcode"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    insta::assert_snapshot!("change_trigger", md);
}

#[test]
fn widening_a_column_alters_the_merge_tables_safely() {
    // Connector configs carry no column types (the converters ship the schema with each
    // record): the widening reaches the merge tables and views, and keeps every value.
    let mut repo = Repo::new();
    let head = repo.scenario("widen-column", |f| {
        replace(
            f,
            "shop.hcl",
            "column \"amount\" { type = \"decimal(10,2)\" }",
            "column \"amount\" { type = \"decimal(12,2)\" }",
        );
    });
    let (plan, md) = plan_both(&repo, &head);
    assert_eq!(plan["verdict"], "safe");
    let c = changes(&plan);
    assert!(c.iter().any(|t| t.0 == "table"), "{c:?}");
    assert!(
        c.iter().all(|t| (t.0 == "table" || t.0 == "view")
            && t.1.starts_with("live_")
            && t.2 == "changed"
            && t.3 == "safe"),
        "{c:?}"
    );
    let merge = change(&plan, "live_shop_orders_orders_merge");
    assert!(
        merge.to_string().contains("widened"),
        "the reason says the column is widened: {merge:#}"
    );
    insta::assert_snapshot!("widen_column", md);
}

#[test]
fn exit_codes_follow_dsgen_and_with_detailed_exitcode_terraform() {
    let mut repo = Repo::new();
    let changed = repo.scenario("rename", |f| {
        let text = f.get_mut("shop.hcl").expect("shop");
        *text = text.replace("Shop_Orders", "Orders_v2");
    });
    let broken = repo.scenario("broken", |f| {
        replace(
            f,
            "shop.hcl",
            "type = \"decimal(10,2)\"",
            "type = \"decimal(ten)\"",
        );
    });
    let base = repo.base.clone();
    let cases: &[(&str, &str, &[&str], i32)] = &[
        // (base, head, extra args, expected exit)
        (&base, &changed, &[], 0),
        (&base, &changed, &["--detailed-exitcode"], 2),
        (&base, &base, &[], 0),
        (&base, &base, &["--detailed-exitcode"], 0),
        // The head's model has errors: rejected, 1 either way.
        (&base, &broken, &[], 1),
        (&base, &broken, &["--detailed-exitcode"], 1),
        // So has the base's.
        (&broken, &base, &[], 1),
        // An unknown revision: 2, or 1 under --detailed-exitcode (2 would say "changes").
        (&base, "no-such-rev", &[], 2),
        (&base, "no-such-rev", &["--detailed-exitcode"], 1),
        // A selection that cannot be planned.
        (&base, &changed, &["--platform", "Nope"], 2),
        (&base, &changed, &["--platform", "Lake"], 2),
        (&base, &changed, &["--target", "aws"], 2),
        (
            &base,
            &changed,
            &["--target", "aws", "--detailed-exitcode"],
            1,
        ),
        (&base, &changed, &["--target", "nonsense"], 2),
        (
            &base,
            &changed,
            &["--platform", "Live", "--target", "kafka-connect"],
            0,
        ),
        // clap's own usage errors.
        (&base, &changed, &["--format", "sarif"], 2),
        (
            &base,
            &changed,
            &["--format", "sarif", "--detailed-exitcode"],
            1,
        ),
    ];
    for (b, h, extra, want) in cases {
        let o = repo.plan(b, h, extra);
        assert_eq!(
            code(&o),
            *want,
            "plan {b} {h} {extra:?}\nstdout: {}\nstderr: {}",
            stdout(&o),
            stderr(&o)
        );
    }
    // A model without a head model is a usage error that says where it looked.
    let o = repo.plan(&base, &repo.empty, &[]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("no model under `model`"),
        "{}",
        stderr(&o)
    );
    // The rejected head's diagnostics are shown, with the model's path.
    let o = repo.plan(&base, &broken, &[]);
    assert!(stderr(&o).contains("model/shop.hcl"), "{}", stderr(&o));
}

#[test]
fn without_a_model_at_base_everything_is_added_and_unbuilt_platforms_are_named() {
    let repo = Repo::new();
    let o = repo.plan(&repo.empty, &repo.base, &["--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let plan: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(plan["schema_version"], 1);
    assert_eq!(plan["base"]["model"], false);
    assert_eq!(plan["verdict"], "safe");
    let c = changes(&plan);
    assert!(!c.is_empty());
    assert!(c.iter().all(|t| t.2 == "added" && t.3 == "safe"), "{c:?}");
    assert_eq!(plan["summary"]["files_added"], 19);
    assert_eq!(
        plan["not_planned"],
        serde_json::json!([{"platform": "Lake", "target": "aws",
            "reason": "target `aws` cannot be rendered by this dsgen version (built: kafka-connect; legacy renders nothing)"}])
    );
    assert!(stderr(&o).contains("platform `Lake` (aws) was not planned"));
    // The human output is deterministic and ends with the totals.
    let a = repo.plan(&repo.empty, &repo.base, &[]);
    let b = repo.plan(&repo.empty, &repo.base, &[]);
    assert_eq!(stdout(&a), stdout(&b));
    assert!(
        stdout(&a).ends_with("Plan: 0 destructive, 0 need attention, 24 safe; 19 files added, 0 changed, 0 removed.\n"),
        "{}",
        stdout(&a)
    );
}

#[test]
fn a_changed_file_carries_a_unified_diff() {
    let mut repo = Repo::new();
    let head = repo.scenario("diff", |f| {
        replace(
            f,
            "shop.hcl",
            "host      = \"shop.example.internal\"",
            "host      = \"shop2.example.internal\"",
        );
    });
    let o = repo.plan(&repo.base, &head, &["--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let plan: Value = serde_json::from_str(&stdout(&o)).expect("json");
    let files = plan["platforms"][0]["files"].as_array().expect("files");
    let rest = files
        .iter()
        .find(|f| f["path"] == "Live/connect/live-shop-orders-source.json")
        .expect("the REST JSON changed");
    assert_eq!(rest["action"], "changed");
    assert_eq!(
        (rest["lines_added"].as_u64(), rest["lines_removed"].as_u64()),
        (Some(1), Some(1))
    );
    let diff = rest["diff"].as_str().expect("diff");
    assert!(diff.starts_with(
        "--- a/Live/connect/live-shop-orders-source.json\n+++ b/Live/connect/live-shop-orders-source.json\n@@"
    ), "{diff}");
    assert!(diff.contains("-    \"database.hostname\": \"shop.example.internal\",\n+    \"database.hostname\": \"shop2.example.internal\",\n"), "{diff}");
    // A new host for the same database is a restart, not a new identity.
    let source = change(&plan, "live-shop-orders-source");
    assert_eq!(source["class"], "needs_attention");
    assert_eq!(
        source["changed_keys"],
        serde_json::json!(["database.hostname"])
    );
}

#[test]
fn merge_base_plans_only_what_the_branch_changes() {
    let mut repo = Repo::new();
    let feature = repo.scenario("feature", |f| {
        let text = f.get_mut("shop.hcl").expect("shop");
        *text = text.replace("Shop_Orders", "Orders_v2");
    });
    // main moves on after the branch: Finance goes away there.
    let main = repo.scenario("main", |f| {
        replace(
            f,
            "shop.hcl",
            "      sink \"Payments\" \"payments\" {}\n",
            "",
        );
    });
    assert_ne!(main, repo.base);
    let o = repo.plan(
        "merge-base",
        &feature,
        &["--base-branch", "main", "--format", "json"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let plan: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(plan["base"]["rev"], "merge-base");
    assert_eq!(plan["base"]["commit"], repo.base.as_str());
    let c = changes(&plan);
    assert!(c.iter().all(|t| !t.1.contains("payments")), "{c:?}");
    assert_eq!(change(&plan, "live-orders-v2-source")["action"], "renamed");
    // Against main's tip instead, the branch would seem to bring Finance's capture back.
    let o = repo.plan("main", &feature, &["--format", "json"]);
    let plan: Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert!(changes(&plan)
        .iter()
        .any(|t| t.1 == "live-payments-source" && t.2 == "added"));
}
