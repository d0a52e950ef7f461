//! `dsgen check` end to end: real git repositories built commit by commit in a temporary
//! directory (with the `git` CLI), checked by the real binary with a cleared environment.

#[path = "support/cli.rs"]
mod cli_support;
#[path = "support/git.rs"]
mod git_support;

use cli_support::{code, dsgen_command, stdout};
use git_support::{commit_all, git, TempRepo};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

const ECO: &str = "github:acme/eco@main";
const EU: &str = "github:acme/eu@main";
const USA: &str = "github:acme/usa@main";
const PARIS: &str = "github:acme/paris@main";
const NY: &str = "github:acme/ny@main";
const ALL: &[&str] = &[ECO, EU, USA, PARIS, NY];

struct Repo {
    _dir: tempfile::TempDir,
    path: PathBuf,
    files: BTreeMap<String, String>,
}

impl Repo {
    fn new() -> Repo {
        let TempRepo { dir, path } = TempRepo::init();
        commit_all(&path, "start");
        Repo {
            _dir: dir,
            path,
            files: BTreeMap::new(),
        }
    }

    /// Write (or with `None` delete) model files under `model/`, commit, return the sha.
    fn commit(&mut self, changes: &[(&str, Option<&str>)]) -> String {
        for (name, text) in changes {
            let path = self.path.join("model").join(name);
            match text {
                Some(t) => {
                    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                    std::fs::write(&path, t).expect("write");
                    self.files.insert(name.to_string(), t.to_string());
                }
                None => {
                    std::fs::remove_file(&path).expect("rm");
                    self.files.remove(*name);
                }
            }
        }
        commit_all(&self.path, "change")
    }

    fn head(&self) -> String {
        git_support::head(&self.path)
    }

    /// Check base..head from `source`, return (exit code, stdout).
    fn check(&self, base: &str, head: &str, source: &str) -> (i32, String) {
        let o = dsgen(
            &self.path,
            &[
                "check",
                "--base",
                base,
                "--head",
                head,
                "--model-dir",
                "model",
                "--source-repo",
                source,
                "--format",
                "json",
            ],
            &[],
        );
        (code(&o), stdout(&o))
    }
}

fn dsgen(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    dsgen_command()
        .args(args)
        .current_dir(cwd)
        .envs(env.iter().copied())
        .output()
        .expect("run dsgen")
}

/// The codes of a JSON report, sorted.
fn codes(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let list = v
        .get("diagnostics")
        .and_then(|d| d.as_array())
        .cloned()
        .unwrap_or_default();
    let mut out: Vec<String> = list
        .iter()
        .filter_map(|d| d.get("code").and_then(|c| c.as_str()).map(str::to_string))
        .collect();
    out.sort();
    out
}

const STEP1: &str = r#"ecosystem "Acme" {
  owning_repo = "github:acme/eco@main"
  live_repo   = "github:acme/eco@live"
  zone "EU" { repo = "github:acme/eu@main" }
  zone "USA" { repo = "github:acme/usa@main" }
}

platform "Lake" { target = "legacy" }
"#;
const EU_ZONE: &str = r#"governance_zone "EU" {
  team "ParisTeam" { repo = "github:acme/paris@main" }
}
"#;
const USA_ZONE: &str = r#"governance_zone "USA" {
  team "NYTeam" { repo = "github:acme/ny@main" }
}
"#;
const PARIS_TEAM: &str = r#"team "EU" "ParisTeam" {
  doc = "Paris"
  datastore "Sales" {
    dataset "orders" {
      classification = ["PUB"]
      column "id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
      column "amount" { type = "decimal(10,2)" }
    }
  }
}
"#;
const NY_TEAM: &str = r#"team "USA" "NYTeam" {
  doc = "New York"
  workspace "Reporting" {
    container = "platform_managed"
    dsg "Live" {
      platform = "Lake"
      sink "Sales" "orders" {}
    }
  }
}
"#;

/// Every repository but `owner` is rejected with `code` (DS202 for those unknown at base), the
/// owner is accepted.
fn only(repo: &Repo, base: &str, head: &str, owner: &str, wrong: &str, unknown: &[&str]) {
    for source in ALL {
        let (status, out) = repo.check(base, head, source);
        if *source == owner {
            assert_eq!(status, 0, "{source} should be accepted: {out}");
            assert!(codes(&out).is_empty(), "{source}: {out}");
        } else {
            let want = if unknown.contains(source) {
                "DS202"
            } else {
                wrong
            };
            assert_eq!(status, 1, "{source} should be rejected: {out}");
            assert_eq!(codes(&out), vec![want.to_string()], "{source}: {out}");
        }
    }
}

/// The five onboarding steps, each with its own repository and everyone else rejected.
fn onboard() -> (Repo, Vec<String>) {
    let mut repo = Repo::new();
    let mut shas = vec![repo.head()];
    shas.push(repo.commit(&[("eco.hcl", Some(STEP1))]));
    shas.push(repo.commit(&[("eu/zone.hcl", Some(EU_ZONE))]));
    shas.push(repo.commit(&[("usa/zone.hcl", Some(USA_ZONE))]));
    shas.push(repo.commit(&[("eu/paris.hcl", Some(PARIS_TEAM))]));
    shas.push(repo.commit(&[("usa/ny.hcl", Some(NY_TEAM))]));
    (repo, shas)
}

#[test]
fn onboarding_in_five_steps_each_by_its_owner_only() {
    let (repo, s) = onboard();
    only(&repo, &s[0], &s[1], ECO, "DS201", &[]);
    only(&repo, &s[1], &s[2], EU, "DS203", &[PARIS, NY]);
    only(&repo, &s[2], &s[3], USA, "DS203", &[NY]);
    only(&repo, &s[3], &s[4], PARIS, "DS203", &[]);
    only(&repo, &s[4], &s[5], NY, "DS203", &[]);
    // No change at all is accepted from any known repository.
    for source in ALL {
        assert_eq!(repo.check(&s[5], &s[5], source).0, 0, "{source}");
    }
}

#[test]
fn removal_takes_two_steps_and_the_shortcut_is_rejected() {
    let (mut repo, _) = onboard();
    let full = repo.head();
    // The shortcut: the zone undeclares the team and deletes its definition at once.
    let eu_without_paris = "governance_zone \"EU\" {\n  doc = \"Europe\"\n}\n";
    let shortcut = repo.commit(&[
        ("eu/zone.hcl", Some(eu_without_paris)),
        ("eu/paris.hcl", None),
    ]);
    let (status, out) = repo.check(&full, &shortcut, EU);
    assert_eq!(status, 1, "{out}");
    assert!(codes(&out).contains(&"DS203".to_string()), "{out}");
    assert!(out.contains(PARIS), "names the team's repository: {out}");
    git(&repo.path, &["reset", "-q", "--hard", &full]);

    // Step 1: the team empties its definition (NY's sink must go first: compatibility).
    let ny_without_sink = NY_TEAM.replace("      sink \"Sales\" \"orders\" {}\n", "");
    let ny = repo.commit(&[("usa/ny.hcl", Some(&ny_without_sink))]);
    assert_eq!(repo.check(&full, &ny, NY).0, 0);
    let emptied = repo.commit(&[("eu/paris.hcl", None)]);
    let (status, out) = repo.check(&ny, &emptied, PARIS);
    assert_eq!(status, 0, "{out}");
    // Step 2: the zone undeclares it.
    let undeclared = repo.commit(&[("eu/zone.hcl", Some(eu_without_paris))]);
    let (status, out) = repo.check(&emptied, &undeclared, EU);
    assert_eq!(status, 0, "{out}");
    // ... which the team itself cannot do.
    let (status, out) = repo.check(&emptied, &undeclared, PARIS);
    assert_eq!(
        (status, codes(&out)),
        (1, vec!["DS203".to_string()]),
        "{out}"
    );
}

#[test]
fn removing_a_used_dataset_names_the_consumer() {
    let (mut repo, _) = onboard();
    let full = repo.head();
    let head = repo.commit(&[(
        "eu/paris.hcl",
        Some(&PARIS_TEAM.replace("orders", "orders2")),
    )]);
    let (status, out) = repo.check(&full, &head, PARIS);
    assert_eq!(status, 1, "{out}");
    let c = codes(&out);
    assert!(c.contains(&"DS301".to_string()), "{out}");
    assert!(
        out.contains("Reporting") && out.contains("NYTeam") && out.contains(NY),
        "{out}"
    );
}

#[test]
fn replacing_a_zone_with_another_repository_is_rejected_for_everyone() {
    let (mut repo, _) = onboard();
    let full = repo.head();
    let replaced = repo.commit(&[(
        "eco.hcl",
        Some(&STEP1.replace("github:acme/eu@main", "github:acme/eu2@main")),
    )]);
    for source in ALL.iter().chain(&["github:acme/eu2@main"]) {
        let (status, out) = repo.check(&full, &replaced, source);
        assert_eq!(status, 1, "{source}: {out}");
    }
    let (_, out) = repo.check(&full, &replaced, ECO);
    assert_eq!(codes(&out), vec!["DS203".to_string()], "{out}");
    assert!(out.contains(EU), "names the zone's current owner: {out}");
}

#[test]
fn spoofed_and_unknown_sources_are_rejected() {
    let (mut repo, _) = onboard();
    let full = repo.head();
    let head = repo.commit(&[(
        "eu/zone.hcl",
        Some(&EU_ZONE.replace("{\n", "{\n  doc = \"Europe\"\n")),
    )]);
    assert_eq!(repo.check(&full, &head, EU).0, 0);
    for spoof in [
        "github:Acme/eu@main",
        "github:acme/EU@main",
        "github:acme/\u{0435}u@main", // Cyrillic e
        "github:acme/eu@main ",
        " github:acme/eu@main",
        "github:acme/eu@main\n",
        "github:acme/eu-x@main",
        "github:acme/eu@dev",
        "github:acme/eu@Main",
        "gitlab:acme/eu@main",
        "github:someone/else@main",
        "",
    ] {
        let (status, out) = repo.check(&full, &head, spoof);
        assert_eq!(status, 1, "{spoof:?}: {out}");
        assert_eq!(codes(&out), vec!["DS202".to_string()], "{spoof:?}: {out}");
    }
}

#[test]
fn two_changes_for_two_owners_name_both() {
    let (mut repo, _) = onboard();
    let full = repo.head();
    let head = repo.commit(&[
        (
            "eu/paris.hcl",
            Some(&PARIS_TEAM.replace("\"Paris\"", "\"Paris, FR\"")),
        ),
        (
            "usa/ny.hcl",
            Some(&NY_TEAM.replace("\"New York\"", "\"NYC\"")),
        ),
    ]);
    let (status, out) = repo.check(&full, &head, ECO);
    assert_eq!(status, 1);
    assert_eq!(
        codes(&out),
        vec!["DS203".to_string(), "DS203".to_string()],
        "{out}"
    );
    assert!(out.contains(PARIS) && out.contains(NY), "{out}");
    let (status, out) = repo.check(&full, &head, PARIS);
    assert_eq!(
        (status, codes(&out)),
        (1, vec!["DS203".to_string()]),
        "{out}"
    );
    assert!(out.contains(NY), "{out}");
}

#[test]
fn widening_is_a_warning_naming_consumers_and_exit_0() {
    let (mut repo, _) = onboard();
    let full = repo.head();
    let head = repo.commit(&[(
        "eu/paris.hcl",
        Some(&PARIS_TEAM.replace("decimal(10,2)", "decimal(12,2)")),
    )]);
    let (status, out) = repo.check(&full, &head, PARIS);
    assert_eq!(status, 0, "{out}");
    assert_eq!(codes(&out), vec!["DS310".to_string()]);
    assert!(out.contains("Reporting"), "{out}");
    // Every other format renders the same finding.
    for (format, needle) in [
        ("human", "warning[DS310]"),
        ("github", "::warning file=model/eu/paris.hcl"),
        ("sarif", "\"ruleId\": \"DS310\""),
        ("markdown", "Affected consumers"),
    ] {
        let o = dsgen(
            &repo.path,
            &[
                "check",
                "--base",
                &full,
                "--head",
                &head,
                "--model-dir",
                "model",
                "--source-repo",
                PARIS,
                "--format",
                format,
            ],
            &[],
        );
        assert_eq!(code(&o), 0, "{format}");
        assert!(stdout(&o).contains(needle), "{format}: {}", stdout(&o));
        if format == "markdown" {
            // The summary draws what the change touches: the widened dataset's path to its
            // consumer on the platform where it runs.
            let md = stdout(&o);
            let graph = md
                .split("### What the change touches")
                .nth(1)
                .unwrap_or_else(|| panic!("no graph section: {md}"));
            assert!(graph.contains("```mermaid"), "{graph}");
            assert!(graph.contains("Lake (legacy)"), "{graph}");
            assert!(
                graph.contains("export/platform_managed/Sales/orders"),
                "{graph}"
            );
        }
    }
}

#[test]
fn removals_point_at_the_base_revision() {
    let (mut repo, _) = onboard();
    let full = repo.head();
    let head = repo.commit(&[(
        "eu/paris.hcl",
        Some(&PARIS_TEAM.replace("      column \"amount\" { type = \"decimal(10,2)\" }\n", "")),
    )]);
    let o = dsgen(
        &repo.path,
        &[
            "check",
            "--base",
            &full,
            "--head",
            &head,
            "--model-dir",
            "model",
            "--source-repo",
            PARIS,
            "--color",
            "never",
        ],
        &[],
    );
    assert_eq!(code(&o), 1);
    let text = stdout(&o);
    let short = &full[..7];
    assert!(
        text.contains(&format!("{short}:model/eu/paris.hcl:11:7")),
        "{text}"
    );
}

#[test]
fn shallow_clone_with_both_commits_works_and_without_is_exit_2() {
    let (repo, s) = onboard();
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", repo.path.display());
    git(
        dir.path(),
        &["clone", "-q", "--depth", "2", &url, "shallow"],
    );
    let shallow = dir.path().join("shallow");
    let args = |base: &str| {
        vec![
            "check".to_string(),
            "--base".into(),
            base.to_string(),
            "--head".into(),
            "HEAD".into(),
            "--model-dir".into(),
            "model".into(),
            "--source-repo".into(),
            NY.into(),
        ]
    };
    let run = |base: &str| {
        let a = args(base);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        dsgen(&shallow, &a, &[])
    };
    let o = run(&s[4]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&s[2]);
    assert_eq!(code(&o), 2);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("DS901"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn merge_base_is_resolved_and_missing_history_is_ds902() {
    let (repo, s) = onboard();
    git(&repo.path, &["checkout", "-q", "-b", "feature", &s[4]]);
    std::fs::write(
        repo.path.join("model/usa/ny.hcl"),
        NY_TEAM.replace("New York", "NY"),
    )
    .expect("write");
    git(&repo.path, &["add", "-A"]);
    git(&repo.path, &["commit", "-q", "-m", "ny team"]);
    git(&repo.path, &["checkout", "-q", "main"]);
    std::fs::write(
        repo.path.join("model/eu/paris.hcl"),
        PARIS_TEAM.replace("Paris", "Paris FR"),
    )
    .expect("write");
    git(&repo.path, &["commit", "-q", "-am", "paris doc"]);
    // Merge base of feature and main is s[4]: only NY's step 5 and doc change are in the PR.
    let base_args = [
        "check",
        "--base",
        "merge-base",
        "--head",
        "feature",
        "--base-branch",
        "main",
        "--model-dir",
        "model",
        "--source-repo",
        NY,
        "--format",
        "json",
    ];
    let o = dsgen(&repo.path, &base_args, &[]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // Against main directly, main's Paris change would show up as NY's.
    let o = dsgen(
        &repo.path,
        &[
            "check",
            "--base",
            "main",
            "--head",
            "feature",
            "--model-dir",
            "model",
            "--source-repo",
            NY,
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code(&o), 1);
    // The default base branch comes from GITHUB_BASE_REF (origin/<ref>).
    git(
        &repo.path,
        &["update-ref", "refs/remotes/origin/main", "main"],
    );
    let o = dsgen(
        &repo.path,
        &[
            "check",
            "--base",
            "merge-base",
            "--head",
            "feature",
            "--model-dir",
            "model",
            "--source-repo",
            NY,
        ],
        &[("GITHUB_BASE_REF", "main")],
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));

    // Unrelated histories: no merge base.
    let orphan_dir = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", repo.path.display());
    git(
        orphan_dir.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            &url,
            "c",
        ],
    );
    let clone = orphan_dir.path().join("c");
    let o = dsgen(
        &clone,
        &[
            "check",
            "--base",
            "merge-base",
            "--head",
            "origin/feature",
            "--base-branch",
            "origin/main",
            "--model-dir",
            "model",
            "--source-repo",
            NY,
        ],
        &[],
    );
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("DS902"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn the_source_comes_from_the_pull_request_payload_never_github_repository() {
    let (repo, s) = onboard();
    let args = [
        "check",
        "--base",
        &s[4],
        "--head",
        &s[5],
        "--model-dir",
        "model",
        "--format",
        "json",
    ];
    // Neither flag nor payload: exit 2, even with GITHUB_REPOSITORY set.
    let o = dsgen(&repo.path, &args, &[("GITHUB_REPOSITORY", "acme/ny")]);
    assert_eq!(code(&o), 2);
    let dir = tempfile::tempdir().expect("tempdir");
    let event = dir.path().join("event.json");
    let payload = |full: &str, r: &str| {
        format!(
            r#"{{"action":"opened","pull_request":{{"head":{{"ref":"{r}","repo":{{"full_name":"{full}"}}}},"base":{{"ref":"main","repo":{{"full_name":"acme/eco"}}}}}},"repository":{{"full_name":"acme/eco"}}}}"#
        )
    };
    std::fs::write(&event, payload("acme/ny", "main")).expect("write");
    let env = [
        ("GITHUB_EVENT_PATH", event.to_str().expect("utf-8")),
        ("GITHUB_REPOSITORY", "acme/eco"),
    ];
    let o = dsgen(&repo.path, &args, &env);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // A fork's branch of the same name is another repository.
    std::fs::write(&event, payload("mallory/ny", "main")).expect("write");
    let o = dsgen(&repo.path, &args, &env);
    assert_eq!(
        (code(&o), codes(&stdout(&o))),
        (1, vec!["DS202".to_string()])
    );
    // A push event is not a pull request.
    std::fs::write(&event, r#"{"ref":"refs/heads/main"}"#).expect("write");
    assert_eq!(code(&dsgen(&repo.path, &args, &env)), 2);
}

#[test]
fn bad_revisions_and_repositories_are_exit_2() {
    let (repo, _) = onboard();
    let o = dsgen(
        &repo.path,
        &[
            "check",
            "--base",
            "nope",
            "--head",
            "HEAD",
            "--model-dir",
            "model",
            "--source-repo",
            ECO,
        ],
        &[],
    );
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("DS901"));
    let dir = tempfile::tempdir().expect("tempdir");
    let o = dsgen(
        dir.path(),
        &["check", "--base", "HEAD", "--source-repo", ECO],
        &[],
    );
    assert_eq!(code(&o), 2);
    let o = dsgen(
        &repo.path,
        &[
            "check",
            "--base",
            "HEAD",
            "--model-dir",
            "missing",
            "--source-repo",
            ECO,
        ],
        &[],
    );
    assert_eq!(code(&o), 2);
}
