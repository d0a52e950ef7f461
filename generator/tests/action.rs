//! The composite actions of `.github/actions/` (`check` with `plan`, and `publish`), run here
//! step by step the way a GitHub runner runs them, on real temporary repositories.
//!
//! GitHub's runner cannot run on this machine, so this harness does its part: it reads
//! `action.yml`, fills in the inputs (defaults included), evaluates each step's `if:` and the
//! `${{ ... }}` expressions of its `env:` (the subset the actions use; anything else fails the
//! test, so a new expression needs teaching here), and runs each `run:` script as
//! `shell: bash` does, `bash --noprofile --norc -eo pipefail`, with `GITHUB_ACTION_PATH`,
//! `GITHUB_STEP_SUMMARY`, `GITHUB_OUTPUT` and the event's variables. The action sits in the
//! workspace at `.dsgen/` as the example workflows check it out. Two commands are stand-ins:
//! `cargo` (the build step; it checks the manifest path and the binary is already built) and
//! `gh` (GitHub's API: the pull request's comments, kept in a JSON file and filtered with the
//! real `jq`, as `gh api --jq` does). Everything else is real: dsgen, git, a bare "remote".
//!
//! What it cannot show: GitHub's own runner, permissions and tokens, and the real API.

#[path = "support/git.rs"]
mod git_support;

use git_support::{commit_all, git, repo_root, TempRepo};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Deserialize)]
struct ActionFile {
    #[serde(default)]
    inputs: BTreeMap<String, InputDef>,
    #[serde(default)]
    outputs: BTreeMap<String, OutputDef>,
    runs: Runs,
}

#[derive(Debug, Deserialize)]
struct InputDef {
    default: Option<String>,
}

#[derive(Debug, Deserialize)]
struct OutputDef {
    value: String,
}

#[derive(Debug, Deserialize)]
struct Runs {
    using: String,
    steps: Vec<Step>,
}

#[derive(Debug, Deserialize)]
struct Step {
    name: String,
    id: Option<String>,
    #[serde(rename = "if")]
    condition: Option<String>,
    shell: String,
    #[serde(default)]
    env: BTreeMap<String, String>,
    run: String,
}

/// A value of GitHub's expression language, as far as the actions use it.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Null,
    Bool(bool),
    Str(String),
}

impl Val {
    fn truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Str(s) => !s.is_empty(),
        }
    }

    fn text(&self) -> String {
        match self {
            Val::Null => String::new(),
            Val::Bool(b) => b.to_string(),
            Val::Str(s) => s.clone(),
        }
    }

    /// `==` compares strings ignoring case, as GitHub does.
    fn loose_eq(&self, other: &Val) -> bool {
        match (self, other) {
            (Val::Str(a), Val::Str(b)) => a.eq_ignore_ascii_case(b),
            (a, b) => a == b,
        }
    }
}

/// What expressions can see: `inputs.*`, `github.*` (dotted paths), `steps.<id>.outputs.*`,
/// and whether an earlier step failed.
struct Context {
    values: BTreeMap<String, String>,
    failed: bool,
}

impl Context {
    fn eval(&self, expr: &str) -> Val {
        let tokens = tokenize(expr);
        let mut p = Parser {
            tokens: &tokens,
            at: 0,
            cx: self,
        };
        let v = p.or();
        assert_eq!(
            p.at,
            tokens.len(),
            "the harness does not understand the expression `{expr}`"
        );
        v
    }

    /// A string with `${{ ... }}` parts replaced by their values.
    fn interpolate(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find("}}")
                .unwrap_or_else(|| panic!("unclosed expression in `{text}`"));
            out.push_str(&self.eval(&rest[start + 3..start + end]).text());
            rest = &rest[start + end + 2..];
        }
        out.push_str(rest);
        out
    }

    /// A step's `if:`: without a status function it means `success() && (...)`.
    fn runs(&self, condition: Option<&str>) -> bool {
        let Some(c) = condition else {
            return !self.failed;
        };
        let c = c.trim();
        let c = c
            .strip_prefix("${{")
            .and_then(|c| c.strip_suffix("}}"))
            .unwrap_or(c);
        let status = ["always()", "success()", "failure()", "cancelled()"]
            .iter()
            .any(|f| c.contains(f));
        (status || !self.failed) && self.eval(c).truthy()
    }
}

fn tokenize(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let mut s = String::from("'");
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                s.push(chars[i]);
                i += 1;
            }
            assert!(i < chars.len(), "unclosed string in `{expr}`");
            i += 1;
            out.push(s);
        } else if "=!|&".contains(c) && i + 1 < chars.len() && "=|&".contains(chars[i + 1]) {
            out.push(chars[i..i + 2].iter().collect());
            i += 2;
        } else if c == '(' || c == ')' {
            out.push(c.to_string());
            i += 1;
        } else {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || "._-".contains(chars[i])) {
                i += 1;
            }
            assert!(i > start, "unexpected `{c}` in `{expr}`");
            out.push(chars[start..i].iter().collect());
        }
    }
    out
}

struct Parser<'t> {
    tokens: &'t [String],
    at: usize,
    cx: &'t Context,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }

    fn or(&mut self) -> Val {
        let mut v = self.and();
        while self.peek() == Some("||") {
            self.at += 1;
            let r = self.and();
            v = if v.truthy() { v } else { r };
        }
        v
    }

    fn and(&mut self) -> Val {
        let mut v = self.cmp();
        while self.peek() == Some("&&") {
            self.at += 1;
            let r = self.cmp();
            v = if v.truthy() { r } else { v };
        }
        v
    }

    fn cmp(&mut self) -> Val {
        let l = self.primary();
        match self.peek() {
            Some("==") => {
                self.at += 1;
                Val::Bool(l.loose_eq(&self.primary()))
            }
            Some("!=") => {
                self.at += 1;
                Val::Bool(!l.loose_eq(&self.primary()))
            }
            _ => l,
        }
    }

    fn primary(&mut self) -> Val {
        let t = self
            .peek()
            .unwrap_or_else(|| panic!("expression ends early: {:?}", self.tokens))
            .to_string();
        self.at += 1;
        if t == "(" {
            let v = self.or();
            assert_eq!(self.peek(), Some(")"), "unbalanced: {:?}", self.tokens);
            self.at += 1;
            return v;
        }
        if let Some(s) = t.strip_prefix('\'') {
            return Val::Str(s.to_string());
        }
        if self.peek() == Some("(") {
            assert_eq!(self.tokens.get(self.at + 1).map(String::as_str), Some(")"));
            self.at += 2;
            return match t.as_str() {
                "always" => Val::Bool(true),
                "success" => Val::Bool(!self.cx.failed),
                "failure" => Val::Bool(self.cx.failed),
                "cancelled" => Val::Bool(false),
                f => panic!("the harness does not know the function `{f}()`"),
            };
        }
        match t.as_str() {
            "true" => Val::Bool(true),
            "false" => Val::Bool(false),
            "null" => Val::Null,
            path => {
                let root = path.split('.').next().unwrap_or_default();
                assert!(
                    ["inputs", "github", "steps", "env"].contains(&root),
                    "the harness does not know the context of `{path}`"
                );
                // GitHub reads a misspelt input as empty, which silently skips or changes a
                // step; here it is an error. Other contexts may be absent (no pull request on a
                // push).
                assert!(
                    root != "inputs" || self.cx.values.contains_key(path),
                    "the action reads `{path}`, which it does not declare"
                );
                self.cx
                    .values
                    .get(path)
                    .map_or(Val::Null, |v| Val::Str(v.clone()))
            }
        }
    }
}

/// A workspace with the actions checked out at `.dsgen/`, stand-ins for `cargo` and `gh`, and
/// the files a runner provides.
struct Runner {
    workspace: PathBuf,
    /// Holds the stand-ins, HOME, the runner files and `gh`'s comments.
    tools: tempfile::TempDir,
    github: BTreeMap<String, String>,
    env: BTreeMap<String, String>,
}

/// One run of an action.
struct Run {
    /// Each step's name and exit code (`None`: skipped).
    steps: Vec<(String, Option<i32>)>,
    summary: String,
    outputs: BTreeMap<String, String>,
    /// Every step's stdout and stderr, for failure messages.
    log: String,
}

impl Run {
    fn step(&self, name: &str) -> Option<i32> {
        self.steps
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no step `{name}`: {:?}", self.steps))
            .1
    }
}

const FAKE_CARGO: &str = r#"#!/usr/bin/env bash
# Stand-in for `cargo build`: the test built dsgen already; check the manifest the action names.
set -euo pipefail
echo "cargo $*" >> "$HARNESS_DIR/cargo.log"
manifest=""
while [ $# -gt 0 ]; do
  case "$1" in
    --manifest-path) manifest=$2; shift 2 ;;
    *) shift ;;
  esac
done
[ -f "$manifest" ] || { echo "cargo stand-in: no manifest at '$manifest'" >&2; exit 101; }
"#;

const FAKE_GH: &str = r#"#!/usr/bin/env bash
# Stand-in for `gh api` on a pull request's comments, kept in $HARNESS_DIR/comments.json.
set -euo pipefail
[ -n "${GH_TOKEN:-}" ] || { echo "gh stand-in: GH_TOKEN is empty" >&2; exit 4; }
state="$HARNESS_DIR/comments.json"
[ -f "$state" ] || echo '[]' > "$state"
echo "gh $*" >> "$HARNESS_DIR/gh.log"
[ "$1" = api ] || { echo "gh stand-in: only api" >&2; exit 2; }
shift
method=GET jq_filter="" body="" path=""
while [ $# -gt 0 ]; do
  case "$1" in
    --paginate) shift ;;
    -X) method=$2; shift 2 ;;
    --jq) jq_filter=$2; shift 2 ;;
    -f) body=${2#body=}; shift 2 ;;
    *) path=$1; shift ;;
  esac
done
case "$method $path" in
  "GET repos/$GITHUB_REPOSITORY/issues/$HARNESS_PR/comments")
    if [ -n "$jq_filter" ]; then jq -r "$jq_filter" "$state"; else cat "$state"; fi ;;
  "POST repos/$GITHUB_REPOSITORY/issues/$HARNESS_PR/comments")
    id=$(( $(jq length "$state") + 1000 ))
    jq --arg b "$body" --argjson id "$id" '. + [{id: $id, body: $b}]' "$state" > "$state.new"
    mv "$state.new" "$state"
    echo "{\"id\": $id}" ;;
  "PATCH repos/$GITHUB_REPOSITORY/issues/comments/"*)
    id=${path##*/}
    jq -e --argjson id "$id" 'any(.id == $id)' "$state" > /dev/null \
      || { echo "gh stand-in: no comment $id" >&2; exit 1; }
    jq --arg b "$body" --argjson id "$id" 'map(if .id == $id then .body = $b else . end)' \
      "$state" > "$state.new"
    mv "$state.new" "$state"
    echo "{\"id\": $id}" ;;
  *) echo "gh stand-in: unexpected $method $path" >&2; exit 3 ;;
esac
"#;

fn executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).expect("write");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

impl Runner {
    fn new(workspace: &Path) -> Runner {
        assert!(
            Command::new("jq").arg("--version").output().is_ok(),
            "jq is needed to stand in for `gh api --jq` (scripts/test installs it)"
        );
        let tools = tempfile::tempdir().expect("tempdir");
        let bin = tools.path().join("bin");
        std::fs::create_dir_all(&bin).expect("mkdir");
        executable(&bin.join("cargo"), FAKE_CARGO);
        executable(&bin.join("gh"), FAKE_GH);
        std::fs::create_dir_all(tools.path().join("home")).expect("mkdir");
        // The action's checkout at .dsgen/, as the example workflows place it; its dsgen is
        // the binary under test, where the build step leaves it.
        let root = workspace.join(".dsgen");
        for action in ["check", "publish"] {
            let dir = root.join(".github/actions").join(action);
            std::fs::create_dir_all(&dir).expect("mkdir");
            std::fs::copy(
                repo_root()
                    .join(".github/actions")
                    .join(action)
                    .join("action.yml"),
                dir.join("action.yml"),
            )
            .expect("copy action.yml");
        }
        std::fs::copy(repo_root().join("Cargo.toml"), root.join("Cargo.toml")).expect("copy");
        std::fs::create_dir_all(root.join("target/release")).expect("mkdir");
        std::os::unix::fs::symlink(
            env!("CARGO_BIN_EXE_dsgen"),
            root.join("target/release/dsgen"),
        )
        .expect("symlink dsgen");
        // Nothing of the action's checkout is part of the model repository.
        std::fs::write(workspace.join(".git/info/exclude"), ".dsgen/\n").expect("exclude");
        let github = BTreeMap::from([
            ("github.token".to_string(), "token-from-runner".to_string()),
            ("github.repository".to_string(), "plan/eco".to_string()),
        ]);
        Runner {
            workspace: workspace.to_path_buf(),
            tools,
            github,
            env: BTreeMap::new(),
        }
    }

    fn harness_file(&self, name: &str) -> PathBuf {
        self.tools.path().join(name)
    }

    /// A pull request event: number `pr`, from `head_repo`'s `head_ref` into `base_ref`.
    fn pull_request(&mut self, pr: u32, head_repo: &str, head_ref: &str, base_ref: &str) {
        let event = serde_json::json!({
            "pull_request": {
                "number": pr,
                "head": { "ref": head_ref, "repo": { "full_name": head_repo } },
                "base": { "ref": base_ref, "repo": { "full_name": "plan/eco" } },
            },
            "repository": { "full_name": "plan/eco" },
        });
        let path = self.harness_file("event.json");
        std::fs::write(&path, event.to_string()).expect("write event");
        self.github.insert(
            "github.event.pull_request.number".to_string(),
            pr.to_string(),
        );
        self.env
            .insert("GITHUB_EVENT_NAME".into(), "pull_request".into());
        self.env
            .insert("GITHUB_EVENT_PATH".into(), path.display().to_string());
        self.env.insert("GITHUB_BASE_REF".into(), base_ref.into());
        self.env.insert("HARNESS_PR".into(), pr.to_string());
    }

    /// Run `.dsgen/.github/actions/<action>` with `inputs` (others take their defaults).
    fn run(&self, action: &str, inputs: &[(&str, &str)]) -> Run {
        let action_path = self.workspace.join(".dsgen/.github/actions").join(action);
        let text = std::fs::read_to_string(action_path.join("action.yml")).expect("action.yml");
        let file: ActionFile = serde_norway::from_str(&text).expect("action.yml parses");
        assert_eq!(file.runs.using, "composite");
        for (name, _) in inputs {
            assert!(
                file.inputs.contains_key(*name),
                "`{action}` has no input `{name}`"
            );
        }
        let mut cx = Context {
            values: self.github.clone(),
            failed: false,
        };
        for (name, def) in &file.inputs {
            let given = inputs.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
            let value = match given {
                Some(v) => v.to_string(),
                None => cx.interpolate(def.default.as_deref().unwrap_or("")),
            };
            cx.values.insert(format!("inputs.{name}"), value);
        }
        let summary = self.harness_file("summary.md");
        std::fs::write(&summary, "").expect("summary");
        let mut run = Run {
            steps: Vec::new(),
            summary: String::new(),
            outputs: BTreeMap::new(),
            log: String::new(),
        };
        for (i, step) in file.runs.steps.iter().enumerate() {
            assert_eq!(step.shell, "bash", "step `{}`", step.name);
            if !cx.runs(step.condition.as_deref()) {
                run.steps.push((step.name.clone(), None));
                continue;
            }
            let script = self.harness_file(&format!("step-{i}.sh"));
            std::fs::write(&script, &step.run).expect("script");
            let output_file = self.harness_file(&format!("output-{i}"));
            std::fs::write(&output_file, "").expect("output");
            let path = format!(
                "{}:{}",
                self.tools.path().join("bin").display(),
                std::env::var("PATH").unwrap_or_default()
            );
            let mut cmd = Command::new("bash");
            cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
                .arg(&script)
                .current_dir(&self.workspace)
                .env_clear()
                .env("PATH", path)
                .env("HOME", self.tools.path().join("home"))
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("CI", "true")
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_WORKSPACE", &self.workspace)
                .env("GITHUB_REPOSITORY", "plan/eco")
                .env("GITHUB_ACTION_PATH", &action_path)
                .env("GITHUB_STEP_SUMMARY", &summary)
                .env("GITHUB_OUTPUT", &output_file)
                .env("HARNESS_DIR", self.tools.path());
            cmd.envs(&self.env);
            for (k, v) in &step.env {
                cmd.env(k, cx.interpolate(v));
            }
            let out = cmd.output().expect("run bash");
            let code = out.status.code().unwrap_or(-1);
            run.log.push_str(&format!(
                "--- {} (exit {code})\n{}{}",
                step.name,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
            run.steps.push((step.name.clone(), Some(code)));
            if code != 0 {
                cx.failed = true;
            }
            if let Some(id) = &step.id {
                let written = std::fs::read_to_string(&output_file).expect("output");
                for line in written.lines() {
                    let (k, v) = line
                        .split_once('=')
                        .unwrap_or_else(|| panic!("GITHUB_OUTPUT line `{line}`"));
                    cx.values
                        .insert(format!("steps.{id}.outputs.{k}"), v.to_string());
                }
            }
        }
        for (name, def) in &file.outputs {
            run.outputs.insert(name.clone(), cx.interpolate(&def.value));
        }
        run.summary = std::fs::read_to_string(&summary).expect("summary");
        run
    }

    fn comments(&self) -> Vec<serde_json::Value> {
        match std::fs::read_to_string(self.harness_file("comments.json")) {
            Ok(t) => serde_json::from_str(&t).expect("comments.json"),
            Err(_) => Vec::new(),
        }
    }

    fn gh_log(&self) -> String {
        std::fs::read_to_string(self.harness_file("gh.log")).unwrap_or_default()
    }
}

/// A model repository with `origin` (a bare repository beside it): the plan fixture's model on
/// `main`, pushed, then a branch `feature` with `edit` applied to `model/shop.hcl`.
fn pull_request_repo(edit: impl Fn(&str) -> String) -> TempRepo {
    let repo = TempRepo::init();
    let model = repo.path.join("model");
    std::fs::create_dir_all(&model).expect("mkdir");
    let fixture = repo_root().join("generator/tests/fixtures/plan/base");
    for name in ["ecosystem.hcl", "shop.hcl"] {
        std::fs::copy(fixture.join(name), model.join(name)).expect("copy fixture");
    }
    commit_all(&repo.path, "the model");
    let origin = repo.dir.path().join("origin.git");
    git(
        repo.dir.path(),
        &[
            "init",
            "-q",
            "--bare",
            "-b",
            "main",
            origin.to_str().unwrap(),
        ],
    );
    git(
        &repo.path,
        &["remote", "add", "origin", origin.to_str().unwrap()],
    );
    git(&repo.path, &["push", "-q", "origin", "main"]);
    git(&repo.path, &["fetch", "-q", "origin"]);
    git(&repo.path, &["checkout", "-q", "-b", "feature"]);
    let shop = model.join("shop.hcl");
    let text = std::fs::read_to_string(&shop).expect("read");
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changes the model");
    std::fs::write(&shop, edited).expect("write");
    commit_all(&repo.path, "the change");
    repo
}

fn widen_amount(text: &str) -> String {
    text.replace(
        "column \"amount\" { type = \"decimal(10,2)\" }",
        "column \"amount\" { type = \"decimal(12,2)\" }",
    )
}

#[test]
fn check_action_gates_plans_and_keeps_one_plan_comment() {
    let repo = pull_request_repo(widen_amount);
    let mut runner = Runner::new(&repo.path);
    runner.pull_request(7, "plan/shop", "main", "main");
    // Somebody else's comment, which the action must leave alone.
    std::fs::write(
        runner.harness_file("comments.json"),
        r#"[{"id": 1, "body": "looks good"}]"#,
    )
    .expect("seed comments");
    let inputs = [
        ("model-dir", "model"),
        ("plan", "true"),
        ("plan-comment", "true"),
    ];
    let run = runner.run("check", &inputs);
    for (name, code) in &run.steps {
        assert_eq!(*code, Some(0), "step `{name}`:\n{}", run.log);
    }
    let cargo = std::fs::read_to_string(runner.harness_file("cargo.log")).expect("cargo ran");
    assert!(cargo.contains("build --release --locked"), "{cargo}");
    // The summary holds the gate's report and then the plan.
    let plan_at = run
        .summary
        .find("dsgen plan")
        .unwrap_or_else(|| panic!("the plan is in the summary:\n{}", run.summary));
    assert!(
        run.summary[..plan_at].contains("dsgen check"),
        "{}",
        run.summary
    );
    assert!(run.summary.contains("widened"), "{}", run.summary);
    // Outputs name the files the steps wrote.
    assert_eq!(run.outputs["sarif-file"], "dsgen-check.sarif");
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path.join("dsgen-check.sarif")).expect("sarif written"),
    )
    .expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let plan = std::fs::read_to_string(repo.path.join(&run.outputs["plan-file"])).expect("plan");
    assert!(
        run.summary.contains(plan.trim()),
        "the summary holds the whole plan"
    );
    // One plan comment, starting with the marker; the other comment untouched.
    let comments = runner.comments();
    assert_eq!(comments.len(), 2, "{comments:?}\n{}", runner.gh_log());
    assert_eq!(comments[0]["body"], "looks good");
    let body = comments[1]["body"].as_str().expect("body");
    assert!(body.starts_with("<!-- dsgen-plan -->\n"), "{body}");
    assert!(body.contains(plan.trim()), "{body}");
    assert!(runner.gh_log().contains("-X POST"), "{}", runner.gh_log());

    // A second run (another push to the pull request) edits that comment in place.
    let again = runner.run("check", &inputs);
    assert!(
        again.steps.iter().all(|(_, c)| *c == Some(0)),
        "{}",
        again.log
    );
    let comments = runner.comments();
    assert_eq!(comments.len(), 2, "still one plan comment: {comments:?}");
    assert!(
        runner.gh_log().contains(&format!(
            "-X PATCH repos/plan/eco/issues/comments/{}",
            comments[1]["id"]
        )),
        "{}",
        runner.gh_log()
    );
}

#[test]
fn a_rejected_change_fails_the_gate_and_is_still_planned() {
    // Dropping a column that a workspace reads is incompatible: the gate rejects it, and the
    // plan still shows what it would do (`always()`). No comment was asked for.
    let repo =
        pull_request_repo(|t| t.replace("      column \"email\" { type = \"varchar(80)\" }\n", ""));
    let mut runner = Runner::new(&repo.path);
    runner.pull_request(8, "plan/shop", "main", "main");
    let run = runner.run("check", &[("model-dir", "model"), ("plan", "true")]);
    assert_eq!(run.step("Build dsgen"), Some(0), "{}", run.log);
    assert_eq!(run.step("dsgen check"), Some(1), "{}", run.log);
    assert_eq!(run.step("dsgen plan"), Some(0), "{}", run.log);
    assert_eq!(run.step("dsgen plan comment"), None);
    assert!(
        run.log.contains("::error"),
        "annotations for GitHub:\n{}",
        run.log
    );
    assert!(run.summary.contains("dsgen plan"), "{}", run.summary);
    assert!(runner.gh_log().is_empty(), "{}", runner.gh_log());
}

#[test]
fn publish_action_pushes_one_commit_and_verifies_it() {
    let repo = pull_request_repo(widen_amount);
    git(&repo.path, &["checkout", "-q", "main"]);
    git(&repo.path, &["config", "user.name", "github-actions[bot]"]);
    git(&repo.path, &["config", "user.email", "bot@example.com"]);
    let runner = Runner::new(&repo.path);
    let inputs = [
        ("branch", "generated"),
        ("model-dir", "model"),
        ("target", "kafka-connect"),
    ];
    let run = runner.run("publish", &inputs);
    for (name, code) in &run.steps {
        assert_eq!(*code, Some(0), "step `{name}`:\n{}", run.log);
    }
    let remote_tip = git(&repo.path, &["ls-remote", "origin", "refs/heads/generated"]);
    let commit = &run.outputs["commit"];
    assert_eq!(commit.len(), 40, "{:?}\n{}", run.outputs, run.log);
    assert!(
        remote_tip.starts_with(commit.as_str()),
        "{remote_tip} vs {commit}"
    );
    assert!(run.summary.contains(commit.as_str()), "{}", run.summary);
    let message = git(&repo.path, &["log", "-1", "--format=%B", commit]);
    assert!(
        message.contains(&format!(
            "Model-Commit: {}",
            git(&repo.path, &["rev-parse", "main"])
        )),
        "{message}"
    );

    // Publishing the same model again adds no commit, and verify still passes.
    let again = runner.run("publish", &inputs);
    assert!(
        again.steps.iter().all(|(_, c)| *c == Some(0)),
        "{}",
        again.log
    );
    assert_eq!(&again.outputs["commit"], commit);

    // The merged change publishes exactly one more commit on top.
    git(&repo.path, &["merge", "-q", "--ff-only", "feature"]);
    let merged = runner.run("publish", &inputs);
    assert!(
        merged.steps.iter().all(|(_, c)| *c == Some(0)),
        "{}",
        merged.log
    );
    let tip = &merged.outputs["commit"];
    assert_ne!(tip, commit);
    assert_eq!(git(&repo.path, &["rev-parse", &format!("{tip}^")]), *commit);
}
