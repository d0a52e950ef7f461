//! The rule catalogue's meta-tests and fixtures.
//!
//! Every code has `tests/fixtures/rules/CODE/{bad,good}.hcl`, which are also the examples that
//! `dsgen explain` prints. A fixture is added to the base model (`tests/fixtures/base/`) as
//! `fixture.hcl`, unless its first line is `# fixture: standalone`. Each line of a bad fixture
//! that a diagnostic points at ends in `# expect: CODE[, CODE]`; `# expect-model: CODE` stands
//! for a diagnostic without a location. The test asserts that the bad fixture yields exactly the
//! annotated (code, line) pairs, including its own code, and the good fixture yields nothing.
//!
//! A fixture that lints without errors is also rendered (every platform whose target has a
//! backend), so the render stage's DS5xx codes are checked by the same fixtures and every
//! clean fixture is a render smoke test.

use dsgen::diag::codes::{self, Code, Stage};
use dsgen::diag::Diagnostic;
use dsgen::load::load_files;
use std::collections::BTreeSet;

/// Codes whose bad example cannot be written as a text fixture; each has a dedicated test.
const NO_TEXT_FIXTURE: &[(&str, &str)] = &[
    ("DS901", "a git error: tests/check.rs"),
    ("DS902", "a missing merge base: tests/check.rs"),
    ("DS903", "a refused branch: tests/publish.rs"),
    ("DS904", "a branch that stays locked: tests/publish.rs"),
    ("DS905", "a tip without its model commit: tests/publish.rs"),
    ("DS906", "a remote that fails: tests/publish.rs"),
    ("DS001", "needs bytes that are not UTF-8: tests/loader.rs"),
    (
        "DS009",
        "needs a directory without model files: tests/loader.rs",
    ),
];

const BASE: &str = include_str!("fixtures/base/base.hcl");

type Expected = BTreeSet<(Option<usize>, String)>;

fn expectations(text: &str) -> Expected {
    let mut out = Expected::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(rest) = line.split("# expect-model:").nth(1) {
            for code in rest.split(',') {
                out.insert((None, code.trim().to_string()));
            }
        } else if let Some(rest) = line.split("# expect:").nth(1) {
            for code in rest.split(',') {
                out.insert((Some(i + 1), code.trim().to_string()));
            }
        }
    }
    out
}

/// A two-revision fixture (`# fixture: check [standalone]`): a `# source: REPO` line, then a
/// `# base:` and a `# head:` section. Each revision is the file with the other lines blanked,
/// so line numbers are the fixture's own, added to the base model unless standalone; an empty
/// base section in a standalone fixture is "no model at base". The real gate runs on the two,
/// and every diagnostic (head lint, authorization, compatibility, in either revision) is
/// described as (fixture line, code).
fn run_check(text: &str) -> (Expected, Vec<String>) {
    let standalone = text.starts_with("# fixture: check standalone");
    let source = text
        .lines()
        .find_map(|l| l.strip_prefix("# source: "))
        .expect("a check fixture has a `# source:` line");
    let lines: Vec<&str> = text.lines().collect();
    let start = |marker: &str| lines.iter().position(|l| *l == marker).expect(marker);
    let (b, h) = (start("# base:"), start("# head:"));
    let section = |from: usize, to: usize| -> String {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| if i > from && i < to { *l } else { "" })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (base_text, head_text) = (section(b, h), section(h, lines.len()));
    let files = |t: &str| {
        let mut files = vec![("fixture.hcl".to_string(), t.as_bytes().to_vec())];
        if !standalone {
            files.push(("base/base.hcl".to_string(), BASE.as_bytes().to_vec()));
        }
        files
    };
    let base = if standalone && base_text.trim().is_empty() {
        None
    } else {
        Some(files(&base_text))
    };
    let labels = dsgen::check::Labels {
        head_prefix: String::new(),
        base_prefix: "base:".to_string(),
    };
    let revisions = dsgen::check::Revisions::load(base, files(&head_text));
    let report = dsgen::check::check(revisions, source, &labels);
    let mut got = Expected::new();
    let mut elsewhere = Vec::new();
    for f in &report.findings {
        let d = &f.diagnostic;
        match d.span {
            None => {
                got.insert((None, d.code.to_string()));
            }
            Some(span)
                if matches!(
                    report.sources.path(span.file),
                    "fixture.hcl" | "base:fixture.hcl"
                ) =>
            {
                got.insert((Some(report.sources.line_col(span).0), d.code.to_string()));
            }
            Some(span) => elsewhere.push(format!(
                "{} {}:{} {}",
                d.code,
                report.sources.path(span.file),
                report.sources.line_col(span).0,
                d.message
            )),
        }
    }
    (got, elsewhere)
}

/// Lint the fixture (with the base model unless standalone) and describe every diagnostic as
/// (line in fixture.hcl, code); diagnostics elsewhere are reported as failures.
fn run(text: &str) -> (Expected, Vec<String>) {
    if text.starts_with("# fixture: check") {
        return run_check(text);
    }
    let standalone = text.starts_with("# fixture: standalone");
    let mut files = vec![("fixture.hcl".to_string(), text.as_bytes().to_vec())];
    if !standalone {
        files.push(("base/base.hcl".to_string(), BASE.as_bytes().to_vec()));
    }
    let (model, mut diags) = dsgen::lint::lint_loaded(load_files(files));
    if dsgen::cli::verdict(&diags) == dsgen::cli::exit::OK {
        match dsgen::target::render_all(&model) {
            Ok(_) => {}
            Err(dsgen::target::RenderError::Diagnostics(d)) => diags.extend(d),
            Err(e) => panic!("render failed: {e:?}"),
        }
    }
    let mut got = Expected::new();
    let mut elsewhere = Vec::new();
    for d in &diags {
        match d.span {
            None => {
                got.insert((None, d.code.to_string()));
            }
            Some(span) if model.sources.path(span.file) == "fixture.hcl" => {
                got.insert((Some(model.sources.line_col(span).0), d.code.to_string()));
            }
            Some(_) => elsewhere.push(describe(d, &model)),
        }
    }
    (got, elsewhere)
}

fn describe(d: &Diagnostic, model: &dsgen::model::Model) -> String {
    match d.span {
        Some(s) => {
            let (l, c) = model.sources.line_col(s);
            format!(
                "{} {}:{l}:{c} {}",
                d.code,
                model.sources.path(s.file),
                d.message
            )
        }
        None => format!("{} {}", d.code, d.message),
    }
}

fn fixture_failures(code: &Code) -> Vec<String> {
    let mut failures = Vec::new();
    let expected = expectations(code.bad);
    if !expected.iter().any(|(_, c)| c == code.code) {
        failures.push(format!(
            "{}: bad.hcl has no `# expect: {}` line",
            code.code, code.code
        ));
    }
    let (got, elsewhere) = run(code.bad);
    if got != expected || !elsewhere.is_empty() {
        failures.push(format!(
            "{}: bad.hcl\n  expected {:?}\n  got      {:?}\n  outside fixture.hcl: {:?}",
            code.code, expected, got, elsewhere
        ));
    }
    let (got, elsewhere) = run(code.good);
    if !got.is_empty() || !elsewhere.is_empty() {
        failures.push(format!(
            "{}: good.hcl must yield nothing, got {:?} {:?}",
            code.code, got, elsewhere
        ));
    }
    failures
}

#[test]
fn base_model_lints_clean() {
    let (got, elsewhere) = run("");
    assert!(
        got.is_empty() && elsewhere.is_empty(),
        "{got:?} {elsewhere:?}"
    );
}

#[test]
fn every_code_has_fixtures_that_yield_exactly_it() {
    let mut failures = Vec::new();
    for code in codes::all() {
        if NO_TEXT_FIXTURE.iter().any(|(c, _)| *c == code.code) {
            continue;
        }
        failures.extend(fixture_failures(code));
    }
    assert!(failures.is_empty(), "\n{}\n", failures.join("\n"));
}

#[test]
fn catalogue_is_complete_and_consistent() {
    let all = codes::all();
    let mut seen = BTreeSet::new();
    for c in &all {
        assert!(seen.insert(c.code), "duplicate code {}", c.code);
        let range = match c.stage {
            Stage::Load => "DS0",
            Stage::Lint => "DS1",
            Stage::Authorization => "DS2",
            Stage::Compatibility => "DS3",
            Stage::Placement => "DS4",
            Stage::Render => "DS5",
            Stage::Internal => "DS9",
        };
        assert!(
            c.code.starts_with(range) && c.code.len() == 5,
            "{} is not in {range}xx",
            c.code
        );
        assert!(
            !c.summary.is_empty() && !c.summary.ends_with('.'),
            "{}: summary",
            c.code
        );
        assert!(
            c.explanation.len() > 80,
            "{}: explanation too short",
            c.code
        );
        assert!(
            !c.explanation.contains("to be written"),
            "{}: explanation missing",
            c.code
        );
        assert!(!c.bad.trim().is_empty(), "{}: no bad example", c.code);
        assert!(!c.good.trim().is_empty(), "{}: no good example", c.code);
        assert!(
            c.name
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
            "{}: name `{}` is not kebab-case",
            c.code,
            c.name
        );
    }
    let names: BTreeSet<_> = all.iter().map(|c| c.name).collect();
    assert_eq!(names.len(), all.len(), "two codes share a name");
    for (code, why) in NO_TEXT_FIXTURE {
        assert!(
            codes::find(code).is_some(),
            "{code} ({why}) is not in the catalogue"
        );
    }
}

#[test]
fn every_lint_rule_file_has_a_doc_comment() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/lint/rules");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("//!"),
            "{} lacks a //! module doc",
            path.display()
        );
        if path.file_name().unwrap() != "mod.rs" {
            assert!(
                text.contains("## What it does"),
                "{} lacks `## What it does`",
                path.display()
            );
            assert!(
                text.contains("## Why is this bad?"),
                "{} lacks `## Why is this bad?`",
                path.display()
            );
            assert!(
                !text.contains("(to be written)"),
                "{} is unfinished",
                path.display()
            );
        }
    }
}
