//! `dsgen publish` and `dsgen verify` end to end: real git repositories (and bare "remotes") in
//! temporary directories, built with the `git` CLI, published by the real binary (and, for the
//! thread race, by the library), inspected with git2.

#[path = "support/cli.rs"]
mod cli_support;
#[path = "support/git.rs"]
mod git_support;

use cli_support::{code, dsgen_command, stderr};
use git2::{Oid, Repository};
use git_support::{commit_all, copy_dir, git, TempRepo};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BRANCH: &str = "generated";

fn base_model() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../golden/kafka-connect/postgres/model/model.hcl");
    std::fs::read_to_string(path).expect("golden postgres model")
}

/// The base model with extra datasets `names` in `Shop_Orders`, each consumed by `Reports`.
fn model_with(names: &[&str]) -> String {
    let mut model = base_model();
    for name in names {
        let dataset = format!(
            "    dataset \"{name}\" {{\n      classification = [\"PUB\"]\n      column \"id\" {{\n        \
             type     = \"bigint\"\n        key      = true\n        nullable = false\n      }}\n    }}\n    \
             dataset \"orders\" {{\n"
        );
        model = model.replacen("    dataset \"orders\" {\n", &dataset, 1);
        let sink = format!(
            "      sink \"Shop_Orders\" \"orders\" {{}}\n      sink \"Shop_Orders\" \"{name}\" {{}}\n"
        );
        model = model.replacen("      sink \"Shop_Orders\" \"orders\" {}\n", &sink, 1);
    }
    model
}

/// A model repository: `model/model.hcl` committed on `main`, which is checked out.
struct Repo {
    dir: tempfile::TempDir,
    path: PathBuf,
}

impl Repo {
    fn new(model: &str) -> Repo {
        let TempRepo { dir, path } = TempRepo::init();
        git(&path, &["config", "user.name", "Model Author"]);
        git(&path, &["config", "user.email", "author@example.com"]);
        let repo = Repo { dir, path };
        repo.commit_model(model, "first model");
        repo
    }

    /// Write `model/model.hcl`, commit (even when nothing changed), return the sha.
    fn commit_model(&self, model: &str, message: &str) -> String {
        std::fs::create_dir_all(self.path.join("model")).expect("mkdir");
        std::fs::write(self.path.join("model/model.hcl"), model).expect("write");
        commit_all(&self.path, message)
    }

    fn head(&self) -> String {
        git_support::head(&self.path)
    }

    fn publish(&self, extra: &[&str]) -> Output {
        let mut args = vec!["publish", "--branch", BRANCH, "--model-dir", "model"];
        args.extend_from_slice(extra);
        dsgen(&self.path, &args)
    }

    fn open(&self) -> Repository {
        Repository::open(&self.path).expect("open")
    }

    /// What a user of the repository can see: HEAD, refs, index and work tree status.
    fn state(&self) -> String {
        format!(
            "{}\n{}\n{}\n{:?}",
            git(&self.path, &["symbolic-ref", "HEAD"]),
            git(&self.path, &["for-each-ref"]),
            git(
                &self.path,
                &["status", "--porcelain", "--untracked-files=all"]
            ),
            std::fs::read(self.path.join(".git/index")).ok()
        )
    }
}

fn dsgen(cwd: &Path, args: &[&str]) -> Output {
    dsgen_command()
        .args(args)
        .current_dir(cwd)
        // `--remote` runs `git`.
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .expect("run dsgen")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

#[track_caller]
fn ok(o: &Output) -> String {
    assert_eq!(code(o), 0, "stderr: {}", stderr(o));
    stdout(o)
}

/// Every file of a commit's tree: path → (mode, bytes).
fn tree_files(repo: &Repository, commit: &str) -> BTreeMap<String, (i32, Vec<u8>)> {
    let commit = repo
        .find_commit(Oid::from_str(commit).expect("sha"))
        .expect("commit");
    let mut out = BTreeMap::new();
    commit
        .tree()
        .expect("tree")
        .walk(git2::TreeWalkMode::PreOrder, |parent, e| {
            if e.kind() == Some(git2::ObjectType::Blob) {
                let blob = repo.find_blob(e.id()).expect("blob");
                out.insert(
                    format!("{parent}{}", e.name().expect("utf-8 name")),
                    (e.filemode(), blob.content().to_vec()),
                );
            }
            git2::TreeWalkResult::Ok
        })
        .expect("walk");
    out
}

/// What `dsgen render --out` writes for `model`: path → bytes.
fn rendered(model: &str) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("prefix");
                out.insert(
                    rel.to_string_lossy().replace('\\', "/"),
                    std::fs::read(&path).expect("read"),
                );
            }
        }
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(tmp.path().join("model")).expect("mkdir");
    std::fs::write(tmp.path().join("model/model.hcl"), model).expect("write");
    let out_dir = tmp.path().join("out");
    let o = dsgen(
        tmp.path(),
        &["render", "model", "--out", out_dir.to_str().expect("utf-8")],
    );
    ok(&o);
    let mut files = BTreeMap::new();
    walk(&out_dir, &out_dir, &mut files);
    files
}

/// The published tree is byte for byte what `dsgen render --out` writes, every file 0100644.
#[track_caller]
fn assert_tree_is_render(repo: &Repository, commit: &str, model: &str) {
    let tree = tree_files(repo, commit);
    assert!(tree.values().all(|(mode, _)| *mode == 0o100644));
    let tree: BTreeMap<String, Vec<u8>> = tree.into_iter().map(|(p, (_, b))| (p, b)).collect();
    let expected = rendered(model);
    assert_eq!(
        tree.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert!(tree == expected, "a file's bytes differ from the render");
}

fn commits_on<'r>(repo: &'r Repository, tip: &str) -> Vec<git2::Commit<'r>> {
    let mut out = Vec::new();
    let mut next = Some(
        repo.find_commit(Oid::from_str(tip).expect("sha"))
            .expect("commit"),
    );
    while let Some(c) = next {
        assert!(c.parent_count() <= 1, "a merge commit on the branch");
        next = c.parents().next();
        out.push(c);
    }
    out
}

fn trailer(c: &git2::Commit, key: &str) -> Option<String> {
    let message = c.message().expect("utf-8 message").to_string();
    git2::message_trailers_strs(&message)
        .expect("trailers")
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_string())
}

fn branch_tip(path: &Path, branch: &str) -> Option<String> {
    let repo = Repository::open(path).expect("open");
    repo.refname_to_id(&format!("refs/heads/{branch}"))
        .ok()
        .map(|id| id.to_string())
}

#[test]
fn first_publish_creates_an_orphan_branch_that_holds_exactly_the_render() {
    let model = base_model();
    let r = Repo::new(&model);
    let before = r.state();
    let o = r.publish(&[]);
    let tip = ok(&o);
    assert!(stderr(&o).contains("dsgen: published"), "{}", stderr(&o));
    assert_eq!(branch_tip(&r.path, BRANCH).as_deref(), Some(tip.as_str()));

    let repo = r.open();
    let commits = commits_on(&repo, &tip);
    assert_eq!(commits.len(), 1, "the first commit is an orphan");
    let c = &commits[0];
    assert_eq!(trailer(c, "Model-Commit"), Some(r.head()));
    assert_eq!(trailer(c, "Model-Dir").as_deref(), Some("model"));
    assert_eq!(
        trailer(c, "Dsgen-Version").as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert!(c.summary().expect("summary").starts_with(&format!(
        "dsgen: render of {} (first model)",
        &r.head()[..7]
    )));
    // The committer comes from the repository's git config.
    assert_eq!(c.committer().name(), Some("Model Author"));
    assert_tree_is_render(&repo, &tip, &model);

    // Nothing the user works with moved: HEAD, index, work tree; the only new ref is the branch.
    let after = r.state();
    let without_branch: Vec<&str> = after
        .lines()
        .filter(|l| !l.ends_with("refs/heads/generated"))
        .collect();
    assert_eq!(without_branch.join("\n"), before);
}

#[test]
fn republishing_an_unchanged_render_makes_no_commit_and_a_change_makes_exactly_one() {
    let v1 = base_model();
    let r = Repo::new(&v1);
    let first = ok(&r.publish(&[]));

    // The same revision again, then a commit that changes no rendered byte (a comment and the
    // README): the tree excludes the model commit, so there is nothing to publish.
    let o = r.publish(&[]);
    assert_eq!(ok(&o), first);
    assert!(stderr(&o).contains("nothing to publish"), "{}", stderr(&o));
    std::fs::write(r.path.join("README.md"), "edited\n").expect("write");
    r.commit_model(&format!("# a comment\n{v1}"), "comment only");
    assert_eq!(ok(&r.publish(&[])), first);

    // A new dataset: exactly one commit, on top of the previous tip, holding the new render.
    let v2 = model_with(&["refunds"]);
    let sha2 = r.commit_model(&v2, "add refunds");
    let second = ok(&r.publish(&[]));
    assert_ne!(second, first);
    let repo = r.open();
    let commits = commits_on(&repo, &second);
    assert_eq!(commits.len(), 2);
    assert_eq!(commits[1].id().to_string(), first);
    assert_eq!(trailer(&commits[0], "Model-Commit"), Some(sha2));
    assert_tree_is_render(&repo, &second, &v2);
    let with_refunds: BTreeSet<String> = tree_files(&repo, &second)
        .into_keys()
        .filter(|p| p.contains("refunds"))
        .collect();
    assert!(!with_refunds.is_empty(), "the new dataset renders files");

    // Removing the dataset removes its files from the branch.
    r.commit_model(&v1, "remove refunds");
    let third = ok(&r.publish(&[]));
    assert_eq!(commits_on(&repo, &third).len(), 3);
    assert_tree_is_render(&repo, &third, &v1);
    assert!(tree_files(&repo, &third)
        .keys()
        .all(|p| !p.contains("refunds")));

    // Publishing an older model commit after a newer one is a change too.
    let o = r.publish(&["--rev", "HEAD~1", "--message", "roll forward again"]);
    let fourth = ok(&o);
    assert_eq!(commits_on(&repo, &fourth).len(), 4);
    let c = repo
        .find_commit(Oid::from_str(&fourth).expect("sha"))
        .expect("commit");
    assert_eq!(c.summary(), Some("roll forward again"));
    assert!(trailer(&c, "Model-Commit").is_some());
    assert_tree_is_render(&repo, &fourth, &v2);
}

#[test]
fn verify_reports_edited_missing_and_extra_files() {
    let model = base_model();
    let r = Repo::new(&model);
    let tip = ok(&r.publish(&[]));
    let o = dsgen(&r.path, &["verify", "--branch", BRANCH]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("files match"), "{}", stderr(&o));

    // Hand edits on the branch, in a separate work tree: one file changed, one deleted, one
    // added.
    let wt = r.dir.path().join("wt");
    git(
        &r.path,
        &["worktree", "add", "-q", wt.to_str().expect("utf-8"), BRANCH],
    );
    let repo = r.open();
    let files: Vec<String> = tree_files(&repo, &tip)
        .into_keys()
        .filter(|p| p.ends_with(".json") && p != "MANIFEST.json")
        .collect();
    let (edited, deleted) = (&files[0], &files[1]);
    std::fs::write(wt.join(edited), "{\"tampered\": true}\n").expect("write");
    std::fs::remove_file(wt.join(deleted)).expect("rm");
    std::fs::write(wt.join("Live/notes.txt"), "mine\n").expect("write");
    git(&wt, &["add", "-A"]);
    git(
        &wt,
        &["commit", "-q", "-m", "hand edit\n\nModel-Commit: ignored"],
    );
    git(
        &r.path,
        &["worktree", "remove", "--force", wt.to_str().expect("utf-8")],
    );

    // A hand commit names no model commit (its trailer is not a sha): DS905, not a guess.
    let o = dsgen(&r.path, &["verify", "--branch", BRANCH]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("DS905"), "{}", stderr(&o));

    // A hand edit that keeps the trailers (an amend) is what verify is for.
    let amended = git(
        &r.path,
        &[
            "commit-tree",
            &format!("{BRANCH}^{{tree}}"),
            "-p",
            &tip,
            "-m",
            &format!("hand edit\n\nModel-Commit: {}\nModel-Dir: model", r.head()),
        ],
    );
    git(
        &r.path,
        &["update-ref", &format!("refs/heads/{BRANCH}"), &amended],
    );
    let o = dsgen(&r.path, &["verify", "--branch", BRANCH, "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["edited"], serde_json::json!([edited]));
    assert_eq!(v["missing"], serde_json::json!([deleted]));
    assert_eq!(v["extra"], serde_json::json!(["Live/notes.txt"]));
    assert_eq!(v["model_commit"], serde_json::json!(r.head()));
    let o = dsgen(&r.path, &["verify", "--branch", BRANCH]);
    assert_eq!(code(&o), 1);
    assert_eq!(
        stdout(&o),
        format!("edited   {edited}\nmissing  {deleted}\nextra    Live/notes.txt")
    );
    // A hand-edited branch is still a dsgen branch: the next publish repairs it in one commit.
    let repaired = ok(&r.publish(&[]));
    assert_tree_is_render(&repo, &repaired, &model);
    assert_eq!(code(&dsgen(&r.path, &["verify", "--branch", BRANCH])), 0);
}

#[test]
fn verify_needs_the_model_commit_the_tip_names() {
    let r = Repo::new(&base_model());
    ok(&r.publish(&[]));
    // A clone of only the generated branch lacks the model commit.
    let clone = r.dir.path().join("only-generated");
    git(
        r.dir.path(),
        &[
            "clone",
            "-q",
            "--single-branch",
            "--branch",
            BRANCH,
            // file:// copies only reachable objects (a plain path hard-links them all).
            &format!("file://{}", r.path.display()),
            clone.to_str().expect("utf-8"),
        ],
    );
    let o = dsgen(&clone, &["verify", "--branch", BRANCH]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("DS905") && stderr(&o).contains("fetch"),
        "{}",
        stderr(&o)
    );
    // After fetching the model, the remote-tracking ref verifies too.
    git(&clone, &["fetch", "-q", "origin", "main"]);
    let o = dsgen(&clone, &["verify", "--branch", &format!("origin/{BRANCH}")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // A branch dsgen did not write has no trailer.
    let o = dsgen(&r.path, &["verify", "--branch", "main"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("DS905"), "{}", stderr(&o));
}

/// Cumulative model commits, each adding one dataset, so every render differs.
fn commits_with_distinct_renders(r: &Repo, n: usize) -> Vec<String> {
    let names: Vec<String> = (0..n).map(|i| format!("extra{i}")).collect();
    (1..=n)
        .map(|k| {
            let refs: Vec<&str> = names[..k].iter().map(String::as_str).collect();
            r.commit_model(&model_with(&refs), &format!("model {k}"))
        })
        .collect()
}

/// The branch holds one commit per model commit, in a line, none lost.
#[track_caller]
fn assert_linear_with_every_model_commit(path: &Path, tip: &str, models: &[String]) {
    let repo = Repository::open(path).expect("open");
    let commits = commits_on(&repo, tip);
    let named: BTreeSet<String> = commits
        .iter()
        .filter_map(|c| trailer(c, "Model-Commit"))
        .collect();
    let expected: BTreeSet<String> = models.iter().cloned().collect();
    assert_eq!(commits.len(), models.len(), "one commit per publisher");
    assert_eq!(named, expected, "every publisher's commit is on the branch");
}

#[test]
fn racing_publishers_in_threads_keep_every_commit_in_a_line() {
    let r = Repo::new(&base_model());
    let models = commits_with_distinct_renders(&r, 6);
    let barrier = std::sync::Barrier::new(models.len());
    std::thread::scope(|s| {
        for sha in &models {
            let (path, barrier) = (&r.path, &barrier);
            s.spawn(move || {
                let repo = Repository::open(path).expect("open");
                let opts = dsgen::publish::Options {
                    branch: BRANCH,
                    model_dir: "model",
                    rev: sha,
                    remote: None,
                    message: None,
                    selection: dsgen::target::Selection::default(),
                };
                barrier.wait();
                match dsgen::publish::publish(&repo, &opts) {
                    Ok(report) => assert!(report.published),
                    Err(e) => panic!("{e}"),
                }
            });
        }
    });
    let tip = branch_tip(&r.path, BRANCH).expect("branch");
    assert_linear_with_every_model_commit(&r.path, &tip, &models);
}

#[test]
fn racing_publisher_processes_keep_every_commit_in_a_line() {
    let r = Repo::new(&base_model());
    let models = commits_with_distinct_renders(&r, 6);
    publish_at_once(
        models.iter().map(|sha| (r.path.as_path(), sha.as_str())),
        None,
    );
    let tip = branch_tip(&r.path, BRANCH).expect("branch");
    assert_linear_with_every_model_commit(&r.path, &tip, &models);
}

/// A bare "remote" on disk and clones of the model repository that publish to it.
fn remote_and_clones(r: &Repo, n: usize) -> (PathBuf, Vec<PathBuf>) {
    let bare = r.dir.path().join("remote.git");
    git(
        r.dir.path(),
        &[
            "clone",
            "-q",
            "--bare",
            r.path.to_str().expect("utf-8"),
            bare.to_str().expect("utf-8"),
        ],
    );
    let clones = (0..n)
        .map(|i| {
            let c = r.dir.path().join(format!("clone{i}"));
            git(
                r.dir.path(),
                &[
                    "clone",
                    "-q",
                    bare.to_str().expect("utf-8"),
                    c.to_str().expect("utf-8"),
                ],
            );
            c
        })
        .collect();
    (bare, clones)
}

/// Start `dsgen publish --rev SHA` (with `--remote` when given) in each repository at once;
/// each must succeed.
fn publish_at_once<'a>(runs: impl Iterator<Item = (&'a Path, &'a str)>, remote: Option<&str>) {
    let children: Vec<_> = runs
        .map(|(repo, sha)| {
            let mut c = dsgen_command();
            c.args([
                "publish",
                "--branch",
                BRANCH,
                "--model-dir",
                "model",
                "--rev",
                sha,
            ]);
            if let Some(remote) = remote {
                c.args(["--remote", remote]);
            }
            c.current_dir(repo)
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        ok(&child.wait_with_output().expect("wait"));
    }
}

#[test]
fn clones_racing_to_create_the_remote_branch_lose_nothing() {
    // No branch anywhere yet: every clone's first commit is an orphan, and only one creation
    // may win; the others must find the winner's branch and commit on top of it.
    let r = Repo::new(&base_model());
    let models = commits_with_distinct_renders(&r, 4);
    let (bare, clones) = remote_and_clones(&r, models.len());
    publish_at_once(
        clones
            .iter()
            .map(PathBuf::as_path)
            .zip(models.iter().map(String::as_str)),
        Some("origin"),
    );
    let tip = branch_tip(&bare, BRANCH).expect("remote branch");
    assert_linear_with_every_model_commit(&bare, &tip, &models);
}

#[test]
fn publishing_to_a_remote_fast_forwards_it_and_racing_clones_lose_nothing() {
    let r = Repo::new(&base_model());
    let models = commits_with_distinct_renders(&r, 4);
    let (bare, clones) = remote_and_clones(&r, models.len());

    // One publisher: the remote gets the branch, the local branch follows.
    let args = [
        "publish",
        "--branch",
        BRANCH,
        "--model-dir",
        "model",
        "--remote",
        "origin",
    ];
    let mut first = args.to_vec();
    first.extend(["--rev", &models[0]]);
    let tip = ok(&dsgen(&clones[0], &first));
    assert_eq!(branch_tip(&bare, BRANCH).as_deref(), Some(tip.as_str()));
    assert_eq!(
        branch_tip(&clones[0], BRANCH).as_deref(),
        Some(tip.as_str())
    );
    let o = dsgen(&clones[0], &first);
    assert_eq!(ok(&o), tip);
    assert!(stderr(&o).contains("nothing to publish"), "{}", stderr(&o));

    // The other clones race, each with another model commit.
    publish_at_once(
        clones[1..]
            .iter()
            .map(PathBuf::as_path)
            .zip(models[1..].iter().map(String::as_str)),
        Some("origin"),
    );
    let tip = branch_tip(&bare, BRANCH).expect("remote branch");
    assert_linear_with_every_model_commit(&bare, &tip, &models);

    // A clone whose local branch has a commit the remote lacks is refused, and nothing moves.
    let c = &clones[0];
    git(c, &["fetch", "-q", "origin"]);
    git(
        c,
        &[
            "update-ref",
            &format!("refs/heads/{BRANCH}"),
            &format!("origin/{BRANCH}"),
        ],
    );
    let local_only = git(
        c,
        &[
            "commit-tree",
            &format!("{BRANCH}^{{tree}}"),
            "-p",
            BRANCH,
            "-m",
            "local only",
        ],
    );
    git(
        c,
        &["update-ref", &format!("refs/heads/{BRANCH}"), &local_only],
    );
    git(c, &["config", "user.name", "t"]);
    git(c, &["config", "user.email", "t@example.com"]);
    std::fs::write(c.join("model/model.hcl"), base_model()).expect("write");
    git(c, &["commit", "-q", "-am", "back to base"]);
    let o = dsgen(c, &args);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("DS903"), "{}", stderr(&o));
    assert_eq!(branch_tip(&bare, BRANCH).as_deref(), Some(tip.as_str()));
    assert_eq!(branch_tip(c, BRANCH).as_deref(), Some(local_only.as_str()));
}

#[test]
fn a_branch_nesting_with_a_remote_branch_is_refused_without_retrying() {
    // The remote would refuse every push of `team/iac` beside its `team`: that is DS903 at
    // once, not 25 attempts ending in "the branch kept moving" (DS904).
    let r = Repo::new(&base_model());
    let (bare, clones) = remote_and_clones(&r, 1);
    git(&bare, &["branch", "team", "main"]);
    let o = dsgen(
        &clones[0],
        &[
            "publish",
            "--branch",
            "team/iac",
            "--model-dir",
            "model",
            "--remote",
            "origin",
        ],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("DS903")
            && stderr(&o).contains("beside branch `team` on remote `origin`"),
        "{}",
        stderr(&o)
    );
    assert_eq!(branch_tip(&bare, "team/iac"), None);
    assert_eq!(branch_tip(&clones[0], "team/iac"), None);
}

#[test]
fn a_remote_that_refuses_the_push_is_ds906_and_nothing_moves() {
    let r = Repo::new(&base_model());
    let (bare, clones) = remote_and_clones(&r, 1);
    let hook = bare.join("hooks/pre-receive");
    std::fs::write(&hook, "#!/bin/sh\necho 'protected branch' >&2\nexit 1\n").expect("hook");
    let chmod = Command::new("chmod")
        .arg("+x")
        .arg(&hook)
        .status()
        .expect("chmod");
    assert!(chmod.success());
    let o = dsgen(
        &clones[0],
        &[
            "publish",
            "--branch",
            BRANCH,
            "--model-dir",
            "model",
            "--remote",
            "origin",
        ],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("DS906"), "{}", stderr(&o));
    assert_eq!(branch_tip(&bare, BRANCH), None);
    assert_eq!(branch_tip(&clones[0], BRANCH), None);
    // An unknown remote is refused before anything is rendered.
    let o = dsgen(
        &clones[0],
        &[
            "publish",
            "--branch",
            BRANCH,
            "--model-dir",
            "model",
            "--remote",
            "nowhere",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("no remote named `nowhere`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn refused_branches_leave_everything_as_it_was() {
    let r = Repo::new(&base_model());
    ok(&r.publish(&[]));
    // A branch that holds the model, not a render.
    git(&r.path, &["branch", "model-copy", "main"]);
    git(&r.path, &["branch", "team/iac", "main"]);
    let before = r.state();
    for (branch, why) in [
        ("a..b", "not a valid branch name"),
        ("-x", "not a valid branch name"),
        ("has space", "not a valid branch name"),
        ("main", "is checked out"),
        ("model-copy", "is not a dsgen render"),
        // Names that nest with an existing branch, in both directions.
        (
            &format!("{BRANCH}/v2"),
            &format!("beside branch `{BRANCH}`"),
        ),
        ("team", "beside branch `team/iac`"),
    ] {
        let flag = format!("--branch={branch}");
        let o = dsgen(&r.path, &["publish", &flag, "--model-dir", "model"]);
        assert_eq!(code(&o), 2, "{branch}: {}", stderr(&o));
        assert!(stderr(&o).contains("DS903"), "{branch}: {}", stderr(&o));
        assert!(stderr(&o).contains(why), "{branch}: {}", stderr(&o));
        assert_eq!(r.state(), before, "{branch}");
    }
    // A branch checked out in a linked work tree is refused too.
    let wt = r.dir.path().join("wt");
    git(
        &r.path,
        &["worktree", "add", "-q", wt.to_str().expect("utf-8"), BRANCH],
    );
    let o = r.publish(&[]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("is checked out"), "{}", stderr(&o));
    // And from inside a linked work tree, the main work tree's branch is refused.
    let o = dsgen(
        &wt,
        &[
            "publish",
            "--branch",
            "main",
            "--model-dir",
            "model",
            "--rev",
            "main",
        ],
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("is checked out"), "{}", stderr(&o));
}

#[test]
fn model_errors_exit_1_and_selection_errors_exit_2_without_publishing() {
    let r = Repo::new(&base_model());
    r.commit_model(
        &base_model().replace("type     = \"bigint\"", "type     = \"bignum\""),
        "bad type",
    );
    let o = r.publish(&[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("nothing was published"),
        "{}",
        stderr(&o)
    );
    // Files are named from the repository's root, as the gate and the plan name them.
    assert!(
        stderr(&o).contains("--> model/model.hcl:"),
        "{}",
        stderr(&o)
    );
    assert_eq!(branch_tip(&r.path, BRANCH), None);

    r.commit_model(&base_model(), "fixed");
    for (args, needle) in [
        (vec!["--platform", "Nope"], "unknown platform `Nope`"),
        (vec!["--target", "nope"], "unknown target `nope`"),
        (vec!["--target", "aws"], "selects no platform"),
        (vec!["--rev", "no-such-rev"], "DS901"),
        (vec!["--message", "  "], "--message is empty"),
    ] {
        let o = r.publish(&args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert_eq!(branch_tip(&r.path, BRANCH), None, "{args:?}");
    }
    let o = dsgen(
        &r.path,
        &[
            "publish",
            "--branch",
            BRANCH,
            "--model-dir",
            "model",
            "--repo",
            "/nonexistent",
        ],
    );
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("DS901"), "{}", stderr(&o));
}

/// Makes a directory tree unwritable for as long as it lives: `chmod a-w`, and where that does
/// not stop this user (root), the immutable attribute. Panics when neither works, so the tests
/// that use it cannot pass without having tested anything.
struct ReadOnly {
    dirs: Vec<PathBuf>,
    immutable: bool,
}

impl ReadOnly {
    fn new(root: &Path) -> ReadOnly {
        fn dirs(dir: &Path, out: &mut Vec<PathBuf>) {
            out.push(dir.to_path_buf());
            for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
                if entry.file_type().expect("type").is_dir() {
                    dirs(&entry.path(), out);
                }
            }
        }
        let mut list = Vec::new();
        dirs(root, &mut list);
        let run = |cmd: &str, args: &[&str], paths: &[PathBuf]| {
            Command::new(cmd)
                .args(args)
                .args(paths)
                .status()
                .is_ok_and(|s| s.success())
        };
        assert!(run("chmod", &["a-w"], &list));
        let mut guard = ReadOnly {
            dirs: list,
            immutable: false,
        };
        if guard.writable(root) {
            guard.immutable = run("chattr", &["+i"], &guard.dirs);
            assert!(
                guard.immutable && !guard.writable(root),
                "cannot make {} read-only here (root without chattr?)",
                root.display()
            );
        }
        guard
    }

    fn writable(&self, dir: &Path) -> bool {
        let probe = dir.join("probe");
        let ok = std::fs::write(&probe, b"x").is_ok();
        let _ = std::fs::remove_file(probe);
        ok
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.immutable {
            let _ = Command::new("chattr").arg("-i").args(&self.dirs).status();
        }
        let _ = Command::new("chmod").arg("u+w").args(&self.dirs).status();
    }
}

#[test]
fn a_publish_that_cannot_write_exits_2_and_changes_nothing() {
    let r = Repo::new(&base_model());
    let first = ok(&r.publish(&[]));
    r.commit_model(&model_with(&["refunds"]), "add refunds");
    let before = r.state();
    let count_objects = || git(&r.path, &["count-objects", "-v"]);
    let objects = count_objects();

    // The object database cannot be written.
    {
        let _ro = ReadOnly::new(&r.path.join(".git/objects"));
        let o = r.publish(&[]);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert!(stderr(&o).contains("DS901"), "{}", stderr(&o));
    }
    assert_eq!(r.state(), before);
    assert_eq!(count_objects(), objects, "no object was written");

    // The whole repository is read-only.
    {
        let _ro = ReadOnly::new(&r.path.join(".git"));
        let o = r.publish(&[]);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
    }
    assert_eq!(r.state(), before);
    assert_eq!(branch_tip(&r.path, BRANCH), Some(first.clone()));

    // The branch stays locked (a crashed git left its lock file): DS904 after bounded retries.
    let lock = r.path.join(".git/refs/heads/generated.lock");
    std::fs::write(&lock, "").expect("lock");
    let o = r.publish(&[]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("DS904"), "{}", stderr(&o));
    std::fs::remove_file(&lock).expect("unlock");
    assert_eq!(branch_tip(&r.path, BRANCH), Some(first));
    // And once it can write, it publishes.
    ok(&r.publish(&[]));
}

#[test]
fn a_bare_repository_publishes_and_verifies() {
    let r = Repo::new(&base_model());
    let bare = r.dir.path().join("bare.git");
    git(
        r.dir.path(),
        &[
            "clone",
            "-q",
            "--bare",
            r.path.to_str().expect("utf-8"),
            bare.to_str().expect("utf-8"),
        ],
    );
    let o = dsgen(
        r.dir.path(),
        &[
            "publish",
            "--repo",
            bare.to_str().expect("utf-8"),
            "--branch",
            BRANCH,
            "--model-dir",
            "model",
            "--rev",
            "main",
        ],
    );
    let tip = ok(&o);
    let o = dsgen(
        r.dir.path(),
        &[
            "verify",
            "--repo",
            bare.to_str().expect("utf-8"),
            "--branch",
            BRANCH,
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // A bare clone has no local identity; without a system one (HOME is cleared), the
    // committer is dsgen's own.
    let configured = Command::new("git")
        .args(["config", "user.name"])
        .current_dir(&bare)
        .env_clear()
        .output()
        .expect("git config");
    let expected = match String::from_utf8_lossy(&configured.stdout).trim() {
        "" => "dsgen".to_string(),
        name => name.to_string(),
    };
    let repo = Repository::open(&bare).expect("open");
    let c = repo
        .find_commit(Oid::from_str(&tip).expect("sha"))
        .expect("commit");
    assert_eq!(c.committer().name(), Some(expected.as_str()));
    if expected == "dsgen" {
        assert_eq!(c.committer().email(), Some("dsgen@localhost"));
    }
}

#[test]
fn verify_renders_the_platforms_the_manifest_lists() {
    // examples/acme has platforms whose targets are not built: publishing everything is a
    // usage error, publishing the kafka-connect ones works, and verify must re-render only
    // those (rendering everything would fail the same way).
    let r = Repo::new(&base_model());
    std::fs::remove_dir_all(r.path.join("model")).expect("rm");
    copy_dir(
        &git_support::repo_root().join("examples/acme"),
        &r.path.join("model"),
    );
    git(&r.path, &["add", "-A"]);
    git(&r.path, &["commit", "-q", "-m", "acme"]);
    let o = r.publish(&[]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot render yet"), "{}", stderr(&o));
    ok(&r.publish(&["--target", "kafka-connect"]));
    let o = dsgen(&r.path, &["verify", "--branch", BRANCH]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // Platforms of two targets (kafka-connect and legacy), published without a selection.
    let mixed = format!(
        "{}\nplatform \"Gov\" {{ target = \"legacy\" }}\n",
        base_model()
    );
    std::fs::remove_dir_all(r.path.join("model")).expect("rm");
    std::fs::create_dir(r.path.join("model")).expect("mkdir");
    std::fs::write(r.path.join("model/model.hcl"), &mixed).expect("write");
    git(&r.path, &["add", "-A"]);
    git(&r.path, &["commit", "-q", "-m", "mixed targets"]);
    let tip = ok(&r.publish(&[]));
    let manifest = tree_files(&r.open(), &tip)["MANIFEST.json"].1.clone();
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).expect("json");
    assert_eq!(manifest["platforms"].as_array().map(Vec::len), Some(2));
    let o = dsgen(&r.path, &["verify", "--branch", BRANCH]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // Only the legacy platform: a tree of MANIFEST.json alone, verified as such.
    let tip = ok(&r.publish(&["--platform", "Gov"]));
    assert_eq!(
        tree_files(&r.open(), &tip).into_keys().collect::<Vec<_>>(),
        ["MANIFEST.json"]
    );
    let o = dsgen(&r.path, &["verify", "--branch", BRANCH]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}
