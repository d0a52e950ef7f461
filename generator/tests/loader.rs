//! The loader on bad input: it returns diagnostics, never panics, and tells I/O failures apart.
//!
//! `fuzz_loader_never_panics` runs 100,000 cases by default; set `DSGEN_FUZZ_CASES` for longer
//! runs (`DSGEN_FUZZ_CASES=5000000 cargo test --release --test loader fuzz`) and
//! `DSGEN_FUZZ_SEED` to replay or vary a run.

use dsgen::load::{load_dir, load_files, LoadError};
use std::path::Path;

fn codes_of(files: Vec<(String, Vec<u8>)>) -> Vec<&'static str> {
    let (_, diags) = dsgen::lint::lint_loaded(load_files(files));
    diags.iter().map(|d| d.code).collect()
}

#[test]
fn non_utf8_file_is_ds001_at_the_bad_byte() {
    let mut bytes = b"ecosystem \"Acme\" {\n  doc = \"Z".to_vec();
    bytes.push(0xE9); // Latin-1 é
    bytes.extend_from_slice(b"rich\"\n}\n");
    let loaded = load_files(vec![("zones/zurich.hcl".into(), bytes)]);
    let d = loaded
        .diagnostics
        .iter()
        .find(|d| d.code == "DS001")
        .expect("DS001");
    let (line, col) = loaded.model.sources.line_col(d.span.unwrap());
    assert_eq!((line, col), (2, 11));
    assert!(d.message.contains("zones/zurich.hcl"));
}

#[test]
fn empty_directory_is_ds009() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "not a model file").unwrap();
    let loaded = load_dir(dir.path()).unwrap();
    let codes: Vec<_> = loaded.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["DS009"]);
}

#[test]
fn directory_without_ecosystem_is_ds010() {
    let codes = codes_of(vec![(
        "a.hcl".into(),
        b"vendor \"V\" { cloud = \"aws\" }\n".to_vec(),
    )]);
    assert_eq!(codes, ["DS010"]);
}

#[test]
fn missing_directory_and_unreadable_file_are_io_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    assert!(matches!(
        load_dir(&missing),
        Err(LoadError::NotFound { .. })
    ));
    std::fs::write(dir.path().join("file.hcl"), "").unwrap();
    assert!(matches!(
        load_dir(&dir.path().join("file.hcl")),
        Err(LoadError::NotADirectory { .. })
    ));
    // A model file that cannot be read (here a dangling symlink; permissions do not stop root).
    std::os::unix::fs::symlink(dir.path().join("gone.hcl"), dir.path().join("broken.hcl")).unwrap();
    let err = load_dir(dir.path()).unwrap_err();
    assert!(matches!(err, LoadError::Io { .. }));
    assert!(err.to_string().contains("broken.hcl"), "{err}");
}

#[test]
fn hidden_directories_and_other_files_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(".git/x.hcl"), "garbage {{{").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "garbage {{{").unwrap();
    std::fs::write(
        dir.path().join("eco.hcl"),
        "ecosystem \"E\" {\n  owning_repo = \"github:a/b@main\"\n  live_repo = \"github:a/b@live\"\n}\n",
    )
    .unwrap();
    let loaded = load_dir(dir.path()).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    assert_eq!(loaded.model.sources.files().count(), 1);
}

#[test]
fn json_form_loads_like_native() {
    let native = "ecosystem \"E\" {\n  owning_repo = \"github:a/b@main\"\n  live_repo = \"github:a/b@live\"\n  zone \"Z\" { repo = \"github:a/z@main\" }\n}\n";
    let json = r#"{"ecosystem": {"E": {"owning_repo": "github:a/b@main", "live_repo": "github:a/b@live", "zone": {"Z": {"repo": "github:a/z@main"}}}}}"#;
    let a = load_files(vec![("m.hcl".into(), native.into())]);
    let b = load_files(vec![("m.hcl.json".into(), json.into())]);
    assert!(
        a.diagnostics.is_empty() && b.diagnostics.is_empty(),
        "{:?} {:?}",
        a.diagnostics,
        b.diagnostics
    );
    assert_eq!(
        dsgen::model::canonical::canonical(&a.model),
        dsgen::model::canonical::canonical(&b.model)
    );
    // And a typo in the JSON form is located like one in the native form.
    let bad = r#"{"ecosystem": {"E": {"owning_rep": "github:a/b@main"}}}"#;
    let l = load_files(vec![("m.hcl.json".into(), bad.into())]);
    let d = l
        .diagnostics
        .iter()
        .find(|d| d.code == "DS004")
        .expect("DS004");
    assert_eq!(d.help.as_deref(), Some("did you mean `owning_repo`?"));
    assert_eq!(&bad[d.span.unwrap().range()], "\"owning_rep\"");
}

/// xorshift64*: a tiny deterministic generator, so every failure is replayable from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![include_bytes!("fixtures/base/base.hcl").to_vec()];
    for dir in ["../examples", "tests/fixtures/rules"] {
        collect(&root.join(dir), &mut out);
    }
    out
}

fn collect(dir: &Path, out: &mut Vec<Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else if p.to_string_lossy().ends_with(".hcl") {
            out.push(std::fs::read(&p).unwrap());
        }
    }
}

const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"(",
    b")",
    b"\"",
    b"=",
    b",",
    b"\n",
    b"#",
    b"//",
    b"/*",
    b"*/",
    b"${",
    b"<<EOT\n",
    b"EOT\n",
    b"\\",
    b"\\u",
    b"null",
    b"true",
    b"1e999",
    b"-",
    b"datastore",
    b"column",
    b"team",
    b"capture",
    b"\xff",
    b"\xc3",
    b"\xe2\x80\xae",
    b"\0",
    b":",
    b"@",
];

fn mutate(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut data = corpus[rng.below(corpus.len())].clone();
    match rng.below(8) {
        // random bytes
        0 => (0..rng.below(512)).map(|_| rng.next() as u8).collect(),
        // truncation
        1 => {
            data.truncate(rng.below(data.len() + 1));
            data
        }
        // deep nesting
        2 => {
            let depth = 1 + rng.below(100_000);
            let open = [b"[", b"{", b"("][rng.below(3)];
            let mut d = b"a = ".to_vec();
            for _ in 0..depth {
                d.extend_from_slice(open);
            }
            d
        }
        // a huge string somewhere
        3 => {
            let at = rng.below(data.len() + 1);
            let mut huge = b"\"".to_vec();
            let len = if rng.below(200) == 0 { 1 << 20 } else { 4096 };
            huge.extend(std::iter::repeat_n(b'x', 1 + rng.below(len)));
            huge.push(b'"');
            data.splice(at..at, huge);
            data
        }
        // token insertions, deletions and byte flips
        _ => {
            for _ in 0..1 + rng.below(8) {
                let at = rng.below(data.len() + 1);
                match rng.below(3) {
                    0 => {
                        let t = TOKENS[rng.below(TOKENS.len())];
                        data.splice(at..at, t.iter().copied());
                    }
                    1 => {
                        let end = (at + rng.below(32)).min(data.len());
                        data.drain(at..end);
                    }
                    _ => {
                        if at < data.len() {
                            data[at] = rng.next() as u8;
                        }
                    }
                }
            }
            data
        }
    }
}

#[test]
fn fuzz_loader_never_panics() {
    let cases: usize = std::env::var("DSGEN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let seed: u64 = std::env::var("DSGEN_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_d56e);
    let corpus = corpus();
    assert!(
        corpus.len() > 20,
        "the corpus should include examples and fixtures"
    );
    let base = include_bytes!("fixtures/base/base.hcl").to_vec();
    let mut rng = Rng(seed | 1);
    for case in 0..cases {
        let state = rng.0;
        let data = mutate(&mut rng, &corpus);
        let name = if rng.below(10) == 0 {
            "f.hcl.json"
        } else {
            "f.hcl"
        };
        let files = vec![
            (name.to_string(), data.clone()),
            ("base.hcl".to_string(), base.clone()),
        ];
        let render = case % 64 == 0;
        let result = std::panic::catch_unwind(|| {
            let (model, diags) = dsgen::lint::lint_loaded(load_files(files));
            if render {
                // Diagnostics of broken input must render too (spans at odd places).
                let opts = dsgen::diag::render::Options {
                    path_prefix: String::new(),
                    color: false,
                };
                let _ = dsgen::diag::render::human(&diags, &model.sources, &opts);
                let _ = dsgen::diag::render::github(&diags, &model.sources, &opts);
            }
        });
        assert!(
            result.is_ok(),
            "case {case} (replay with DSGEN_FUZZ_SEED, state {state:#x}) panicked on {:?}",
            String::from_utf8_lossy(&data[..data.len().min(400)])
        );
    }
}

type Observed = (String, Vec<(String, String, usize, usize, String)>);

/// A model's observable content: canonical form plus every diagnostic as (code, path, line,
/// column, message), so two loads compare equal whatever file ids they used.
fn observable(l: &dsgen::load::Loaded) -> Observed {
    let sources = &l.model.sources;
    let mut diags: Vec<_> = l
        .diagnostics
        .iter()
        .map(|d| {
            let (path, (line, col)) = match d.span {
                Some(s) => (sources.path(s.file).to_string(), sources.line_col(s)),
                None => (String::new(), (0, 0)),
            };
            (d.code.to_string(), path, line, col, d.message.clone())
        })
        .collect();
    diags.sort();
    (dsgen::model::canonical::canonical_text(&l.model), diags)
}

fn example_files(name: &str) -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name);
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if dsgen::load::is_model_file(&p.to_string_lossy()) {
                let rel = p
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

#[test]
fn loading_a_pair_equals_loading_each_revision() {
    let acme = example_files("acme");
    assert!(acme.len() > 3, "examples/acme has several files");
    let corpus = corpus();
    let mut rng = Rng(0x9a17_0001);
    for case in 0..200 {
        let base = acme.clone();
        let mut head = acme.clone();
        match rng.below(5) {
            // one file edited (possibly broken)
            0 | 1 => {
                let i = rng.below(head.len());
                head[i].1 = mutate(&mut rng, &corpus);
            }
            // a file removed
            2 => {
                head.remove(rng.below(head.len()));
            }
            // a file renamed (same bytes, new path: its elements are unchanged)
            3 => {
                let i = rng.below(head.len());
                head[i].0 = format!("moved/{case}.hcl");
            }
            // a file added
            _ => head.push((format!("extra/{case}.hcl"), mutate(&mut rng, &corpus))),
        }
        let pair = dsgen::load::load_pair(base.clone(), head.clone());
        let (b, h) = (load_files(base), load_files(head));
        assert_eq!(observable(&pair.head), observable(&h), "case {case}: head");
        assert_eq!(observable(&pair.base), observable(&b), "case {case}: base");
        // Head keeps exactly load_files' ids; every base span resolves in the union.
        let head_spans: Vec<_> = pair.head.diagnostics.iter().map(|d| d.span).collect();
        assert_eq!(
            head_spans,
            h.diagnostics.iter().map(|d| d.span).collect::<Vec<_>>()
        );
        let union = pair.base.model.sources.union(&pair.head.model.sources);
        for d in &pair.base.diagnostics {
            if let Some(s) = d.span {
                assert_eq!(
                    union.get(s.file).map(|f| f.text()),
                    pair.base.model.sources.get(s.file).map(|f| f.text()),
                    "case {case}: a base span must resolve to base's own text in the union"
                );
            }
        }
    }
}
