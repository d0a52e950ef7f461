//! `dsgen fmt` over every example and fixture: idempotent, comments kept, and the model it
//! loads is unchanged (load → fmt → load gives an equal canonical model).

use dsgen::fmt::format_source;
use dsgen::load::load_files;
use dsgen::model::canonical::canonical;
use std::path::{Path, PathBuf};

fn hcl_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            hcl_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "hcl") {
            out.push(p);
        }
    }
}

fn all_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    hcl_files(&root.join("../examples"), &mut files);
    hcl_files(&root.join("tests/fixtures"), &mut files);
    assert!(
        files.len() > 60,
        "expected every example and fixture, found {}",
        files.len()
    );
    files
}

fn comments(text: &str) -> Vec<String> {
    // Comment text after `#` or `//` on each line (outside strings is not distinguished here;
    // the fixtures' strings hold no `#`), compared as a multiset.
    let mut out: Vec<String> = text
        .lines()
        .filter_map(|l| l.find('#').map(|i| l[i..].trim().to_string()))
        .collect();
    out.sort();
    out
}

#[test]
fn fmt_is_idempotent_and_keeps_comments_on_every_example_and_fixture() {
    let mut failures = Vec::new();
    for path in all_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(once) = format_source(&text) else {
            // Only the syntax-error fixture may fail to format.
            assert!(
                path.to_string_lossy().contains("DS002"),
                "{} did not format",
                path.display()
            );
            continue;
        };
        let twice = format_source(&once).unwrap();
        if once != twice {
            failures.push(format!("{}: not idempotent", path.display()));
        }
        if comments(&text) != comments(&once) {
            failures.push(format!("{}: comments changed", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fmt_does_not_change_the_model() {
    for example in ["quickstart", "acme"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples")
            .join(example);
        let mut files = Vec::new();
        hcl_files(&dir, &mut files);
        let read = |format: bool| {
            load_files(
                files
                    .iter()
                    .map(|p| {
                        let text = std::fs::read_to_string(p).unwrap();
                        let text = if format {
                            format_source(&text).unwrap()
                        } else {
                            text
                        };
                        (
                            p.strip_prefix(&dir).unwrap().to_string_lossy().into_owned(),
                            text.into_bytes(),
                        )
                    })
                    .collect(),
            )
        };
        let (before, after) = (read(false), read(true));
        assert!(before.diagnostics.is_empty() && after.diagnostics.is_empty());
        assert_eq!(
            canonical(&before.model),
            canonical(&after.model),
            "{example}"
        );
    }
}

#[test]
fn fmt_does_not_change_any_fixture_model() {
    for path in all_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(formatted) = format_source(&text) else {
            continue;
        };
        let load = |t: &str| load_files(vec![("f.hcl".to_string(), t.as_bytes().to_vec())]);
        let (before, after) = (load(&text), load(&formatted));
        assert_eq!(
            canonical(&before.model),
            canonical(&after.model),
            "{}",
            path.display()
        );
        let codes =
            |l: &dsgen::load::Loaded| l.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>();
        assert_eq!(codes(&before), codes(&after), "{}", path.display());
    }
}

#[test]
fn examples_are_formatted() {
    for path in all_files()
        .iter()
        .filter(|p| p.to_string_lossy().contains("examples"))
    {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(
            format_source(&text).unwrap() == text,
            "{} is not in canonical format: run `dsgen fmt examples`",
            path.display()
        );
    }
}
