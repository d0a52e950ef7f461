//! Compatibility, table-driven: one single change per case between two in-memory revisions,
//! through the library's gate (`dsgen::check::check`), with the expected verdict and codes.
//! Plus a property test: random models and random mutations never panic, and a model checked
//! against itself is accepted from every repository it knows.

use dsgen::check::{self, Labels};
use dsgen::load::load_files;
use proptest::prelude::*;

const TEAM: &str = "github:t/team@main";

/// A lint-clean model: dataset `Items/items` with `columns`, dataset `Items/spare` (read by
/// nobody unless `spare_sink`), read by workspace Shop, whose transformer feeds `Derived`, read
/// by workspace Downstream.
fn model(items: &str, extra: &str, spare_sink: bool, sink_opts: &str) -> String {
    format!(
        r#"ecosystem "E" {{
  owning_repo = "github:t/eco@main"
  live_repo   = "github:t/eco@live"
  zone "Z" {{ repo = "github:t/zone@main" }}
}}
platform "Lake" {{ target = "legacy" }}
governance_zone "Z" {{
  team "T" {{ repo = "{TEAM}" }}
}}
team "Z" "T" {{
  datastore "Items" {{
    dataset "items" {{
{items}
    }}
{extra}
  }}
  datastore "Derived" {{
    dataset "d" {{
      classification = ["PUB"]
      column "id" {{
        type     = "bigint"
        key      = true
        nullable = false
      }}
    }}
  }}
  workspace "Shop" {{
    container = "platform_managed"
    dsg "Main" {{
      sink "Items" "items" {{ {sink_opts} }}
      {spare}
    }}
    transformer "Mk" {{
      output = "Derived"
      code {{ image = "mk:1" }}
    }}
  }}
  workspace "Downstream" {{
    container = "platform_managed"
    dsg "Main" {{
      platform = "Lake"
      sink "Derived" "d" {{}}
    }}
  }}
}}
"#,
        spare = if spare_sink {
            "sink \"Items\" \"spare\" {}"
        } else {
            ""
        }
    )
}

const SPARE: &str = r#"    dataset "spare" {
      classification = ["PUB"]
      column "id" {
        type     = "bigint"
        key      = true
        nullable = false
      }
    }"#;

fn items(cols: &str) -> String {
    format!("      classification = [\"PUB\"]\n{cols}")
}

const ID: &str = "      column \"id\" {\n        type     = \"bigint\"\n        key      = true\n        nullable = false\n      }\n";

/// The key column with a column-level classification.
const ID_C: &str = "      column \"id\" {\n        type     = \"bigint\"\n        key      = true\n        nullable = false\n        classification = [\"PUB\"]\n      }\n";

fn col(name: &str, attrs: &str) -> String {
    if attrs.contains('\n') {
        format!("      column \"{name}\" {{\n {attrs}\n      }}\n")
    } else {
        format!("      column \"{name}\" {{ {attrs} }}\n")
    }
}

fn run(base: &str, head: &str, source: &str) -> check::CheckReport {
    let files = |t: &str| vec![("m.hcl".to_string(), t.as_bytes().to_vec())];
    check::check(
        check::Revisions::load(Some(files(base)), files(head)),
        source,
        &Labels::default(),
    )
}

fn codes(r: &check::CheckReport) -> Vec<&'static str> {
    let mut c: Vec<&str> = r.findings.iter().map(|f| f.diagnostic.code).collect();
    c.sort();
    c
}

fn ty(t: &str) -> String {
    col("v", &format!("type = \"{t}\""))
}

#[test]
fn single_changes_have_the_expected_verdict_and_codes() {
    let plain = |cols: &str| model(&items(cols), "", false, "");
    let base_cols = format!("{ID}{}", col("name", "type = \"varchar(20)\""));
    // (case, base, head, accepted, codes)
    let mut cases: Vec<(&str, String, String, bool, Vec<&str>)> = vec![
        (
            "no change",
            plain(&base_cols),
            plain(&base_cols),
            true,
            vec![],
        ),
        (
            "add nullable column",
            plain(&base_cols),
            plain(&format!("{base_cols}{}", col("n", "type = \"integer\""))),
            true,
            vec![],
        ),
        (
            "add NOT NULL column",
            plain(&base_cols),
            plain(&format!(
                "{base_cols}{}",
                col("n", "type = \"integer\"\n nullable = false")
            )),
            false,
            vec!["DS304"],
        ),
        (
            "add key column",
            plain(&base_cols),
            plain(&format!(
                "{base_cols}{}",
                col("n", "type = \"integer\"\n key = true\n nullable = false")
            )),
            false,
            vec!["DS304", "DS305"],
        ),
        (
            "remove column",
            plain(&base_cols),
            plain(ID),
            false,
            vec!["DS303"],
        ),
        (
            "nullable to NOT NULL",
            plain(&base_cols),
            plain(&format!(
                "{ID}{}",
                col("name", "type = \"varchar(20)\"\n nullable = false")
            )),
            false,
            vec!["DS307"],
        ),
        (
            "column classification change",
            plain(&format!(
                "{ID_C}{}",
                col(
                    "name",
                    "type = \"varchar(20)\"\n classification = [\"PUB\"]"
                )
            ))
            .replacen(
                "      classification = [\"PUB\"]\n      column \"id\"",
                "      column \"id\"",
                1,
            ),
            plain(&format!(
                "{ID_C}{}",
                col(
                    "name",
                    "type = \"varchar(20)\"\n classification = [\"PC1\"]"
                )
            ))
            .replacen(
                "      classification = [\"PUB\"]\n      column \"id\"",
                "      column \"id\"",
                1,
            ),
            false,
            vec!["DS308"],
        ),
        (
            "dataset classification change",
            plain(&base_cols),
            plain(&base_cols).replacen(
                "classification = [\"PUB\"]",
                "classification = [\"IP\"]",
                1,
            ),
            false,
            vec!["DS308"],
        ),
        (
            "key reorder",
            plain(&format!(
                "      primary_key = [\"a\", \"b\"]\n{}{}",
                col("a", "type = \"integer\"\n nullable = false"),
                col("b", "type = \"integer\"\n nullable = false")
            )),
            plain(&format!(
                "      primary_key = [\"b\", \"a\"]\n{}{}",
                col("a", "type = \"integer\"\n nullable = false"),
                col("b", "type = \"integer\"\n nullable = false")
            )),
            false,
            vec!["DS305"],
        ),
        (
            "partition change",
            plain(&format!(
                "      partition_key = [\"id\"]\n{base_cols}{}",
                col("day", "type = \"date\"\n nullable = false")
            )),
            plain(&format!(
                "      partition_key = [\"day\"]\n{base_cols}{}",
                col("day", "type = \"date\"\n nullable = false")
            )),
            false,
            vec!["DS306"],
        ),
        (
            "add dataset",
            plain(&base_cols),
            model(&items(&base_cols), SPARE, false, ""),
            true,
            vec![],
        ),
        (
            "remove unused dataset",
            model(&items(&base_cols), SPARE, false, ""),
            plain(&base_cols),
            true,
            vec![],
        ),
        (
            "remove used dataset",
            model(&items(&base_cols), SPARE, true, ""),
            model(&items(&base_cols), "", true, ""),
            false,
            vec!["DS106", "DS301"],
        ),
        (
            "deprecate, sink never",
            plain(&base_cols),
            plain(&format!("      deprecated = \"old\"\n{base_cols}")),
            false,
            vec!["DS119"],
        ),
        (
            "deprecate, sink allowed",
            model(&items(&base_cols), "", false, "deprecations = \"allowed\""),
            model(
                &items(&format!("      deprecated = \"old\"\n{base_cols}")),
                "",
                false,
                "deprecations = \"allowed\"",
            ),
            true,
            vec!["DS120"],
        ),
        (
            "doc only",
            plain(&base_cols),
            plain(&format!("      doc = \"Items\"\n{base_cols}")),
            true,
            vec![],
        ),
    ];
    // Type changes: (old, new, widening?)
    let types: &[(&str, &str, Option<bool>)] = &[
        ("varchar(10)", "varchar(20)", Some(true)),
        ("varchar(20)", "varchar(10)", Some(false)),
        ("varchar(10)", "varchar", Some(true)),
        ("varchar(10)", "nvarchar(10)", Some(false)),
        ("char(5)", "varchar(5)", Some(true)),
        ("integer", "bigint", Some(true)),
        ("bigint", "integer", Some(false)),
        ("int(32)", "uint(64)", Some(false)),
        ("integer", "double", Some(false)),
        ("decimal(10,2)", "decimal(12,2)", Some(true)),
        ("decimal(10,2)", "decimal(10,4)", Some(false)),
        ("float", "double", Some(true)),
        ("double", "float", Some(false)),
        ("fp8_e4m3", "ieee16", Some(true)),
        ("fp8_e4m3", "fp8_e5m2", Some(false)),
        ("date", "timestamp", Some(true)),
        ("timestamp", "timestamp(tz)", Some(false)),
        ("binary(8)", "binary(16)", Some(true)),
        ("array(4, integer)", "array(8, bigint)", Some(true)),
        ("vector(3)", "vector(4)", Some(false)),
        ("integer", "int(32)", None),
        ("string(10)", "nvarchar(10)", None),
    ];
    let owned: Vec<(String, String, String, Option<bool>)> = types
        .iter()
        .map(|(o, n, w)| {
            (
                format!("{o} -> {n}"),
                plain(&format!("{ID}{}", ty(o))),
                plain(&format!("{ID}{}", ty(n))),
                *w,
            )
        })
        .collect();
    for (name, b, h, w) in &owned {
        let (ok, c) = match w {
            Some(true) => (true, vec!["DS310"]),
            Some(false) => (false, vec!["DS309"]),
            None => (true, vec![]),
        };
        cases.push((name.as_str(), b.clone(), h.clone(), ok, c));
    }
    assert!(cases.len() >= 25);
    let mut failures = Vec::new();
    for (name, base, head, accepted, want) in &cases {
        let r = run(base, head, TEAM);
        if r.accepted() != *accepted || codes(&r) != *want {
            failures.push(format!(
                "{name}: want accepted={accepted} {want:?}, got accepted={} {:?}\n{:#?}",
                r.accepted(),
                codes(&r),
                r.findings
                    .iter()
                    .map(|f| &f.diagnostic.message)
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn breaking_changes_name_consumers_through_transformers() {
    let base = model(&items(&format!("{ID}{}", ty("integer"))), "", false, "");
    let head = model(&items(&format!("{ID}{}", ty("bigint"))), "", false, "");
    let r = run(&base, &head, TEAM);
    let msg = &r.findings[0].diagnostic.message;
    assert!(
        msg.contains("`Shop`") && msg.contains("`Downstream`") && msg.contains("via Shop"),
        "{msg}"
    );
    let affected: Vec<&str> = r.impacts[0]
        .affected
        .iter()
        .map(|a| a.workspace.as_str())
        .collect();
    assert_eq!(affected, vec!["Downstream", "Shop"]);
    assert_eq!(r.impacts[0].affected[0].repo.as_deref(), Some(TEAM));

    // A breaking change (here a narrowing) names the same consumers in its message, so every
    // output format shows who it breaks.
    let r = run(&head, &base, TEAM);
    let d = &r.findings[0].diagnostic;
    assert_eq!(d.code, "DS309");
    assert!(
        d.message.contains("2 workspaces depend on it")
            && d.message.contains("`Downstream`")
            && d.message.contains("via Shop"),
        "{}",
        d.message
    );
}

#[test]
fn formatting_reordering_and_file_moves_are_not_changes() {
    let base = model(&items(&format!("{ID}{}", ty("integer"))), SPARE, false, "");
    let files = |files: Vec<(&str, String)>| -> Vec<(String, Vec<u8>)> {
        files
            .into_iter()
            .map(|(p, t)| (p.to_string(), t.into_bytes()))
            .collect()
    };
    // Same model split over two files in another order, reformatted.
    let (a, b) = base.split_at(base.find("governance_zone").unwrap_or(0));
    let head = files(vec![
        ("z/second.hcl", a.replace("  ", "    ")),
        ("a/first.hcl", format!("# moved\n{b}")),
    ]);
    let r = check::check(
        check::Revisions::load(Some(files(vec![("m.hcl", base.clone())])), head),
        TEAM,
        &Labels::default(),
    );
    assert!(r.diff.is_empty(), "{:#?}", r.diff);
    assert!(r.accepted() && r.findings.is_empty());
}

/// Small random models: a few teams, stores, datasets, columns of a few types, sinks.
fn arb_model() -> impl Strategy<Value = String> {
    let types = prop::sample::select(vec![
        "integer",
        "bigint",
        "varchar(5)",
        "varchar",
        "date",
        "timestamp",
        "decimal(10,2)",
        "double",
        "nonsense(",
    ]);
    let column = (0..4usize, types, any::<bool>(), any::<bool>());
    let dataset = (
        0..3usize,
        prop::collection::vec(column, 0..4),
        any::<bool>(),
    );
    let store = (0..3usize, 0..2usize, prop::collection::vec(dataset, 0..3));
    let sink = (0..3usize, 0..3usize, 0..2usize);
    (prop::collection::vec(store, 0..4), prop::collection::vec(sink, 0..4), any::<bool>()).prop_map(
        |(stores, sinks, zone_decl)| {
            let mut m = String::from("ecosystem \"E\" {\n  owning_repo = \"github:t/eco@main\"\n  live_repo = \"github:t/eco@live\"\n");
            if zone_decl {
                m.push_str("  zone \"Z\" { repo = \"github:t/zone@main\" }\n");
            }
            m.push_str("}\n");
            m.push_str("governance_zone \"Z\" {\n  team \"T0\" { repo = \"github:t/t0@main\" }\n  team \"T1\" { repo = \"github:t/t1@main\" }\n}\n");
            for team in 0..2 {
                m.push_str(&format!("team \"Z\" \"T{team}\" {{\n"));
                for (s, t, datasets) in &stores {
                    if *t != team {
                        continue;
                    }
                    m.push_str(&format!("  datastore \"S{s}\" {{\n"));
                    for (d, cols, pk) in datasets {
                        m.push_str(&format!("    dataset \"d{d}\" {{\n      classification = [\"PUB\"]\n"));
                        if *pk {
                            m.push_str("      primary_key = [\"c0\"]\n");
                        }
                        for (c, ty, key, nullable) in cols {
                            m.push_str(&format!("      column \"c{c}\" {{\n        type = \"{ty}\"\n        key = {key}\n        nullable = {nullable}\n      }}\n"));
                        }
                        m.push_str("    }\n");
                    }
                    m.push_str("  }\n");
                }
                if team == 0 {
                    m.push_str("  workspace \"W\" {\n    container = \"platform_managed\"\n    dsg \"G\" {\n");
                    for (s, d, _) in &sinks {
                        m.push_str(&format!("      sink \"S{s}\" \"d{d}\" {{}}\n"));
                    }
                    m.push_str("    }\n  }\n");
                }
                m.push_str("}\n");
            }
            m
        },
    )
}

/// A random edit of the model text: delete, duplicate or retype a line.
fn mutate(text: &str, op: usize, at: usize) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return text.to_string();
    }
    let i = at % lines.len();
    match op % 5 {
        0 => {
            lines.remove(i);
        }
        1 => {
            let l = lines[i].clone();
            lines.insert(i, l);
        }
        2 => {
            lines[i] = lines[i]
                .replace("integer", "bigint")
                .replace("varchar(5)", "varchar(2)")
        }
        3 => lines[i] = lines[i].replace("true", "false"),
        _ => lines[i] = lines[i].replace("t0", "T0").replace("\"d", "\"e"),
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_models_and_mutations_never_panic(m in arb_model(), op in 0usize..5, at in 0usize..200, source in prop::sample::select(vec!["github:t/eco@main", "github:t/zone@main", "github:t/t0@main", "github:t/t1@main", "github:x/y@main", ""])) {
        let head = mutate(&m, op, at);
        let r = run(&m, &head, source);
        // Every finding is rendered in every format without panicking.
        let diags = r.diagnostics();
        let opts = dsgen::diag::render::Options::default();
        let _ = dsgen::diag::render::human(&diags, &r.sources, &opts);
        let _ = dsgen::diag::render::sarif(&diags, &r.sources, &opts);
        let _ = dsgen::diag::render::github(&diags, &r.sources, &opts);
        let _ = check::report::markdown(&r);
        // And the reverse direction too.
        let _ = run(&head, &m, source);
    }

    #[test]
    fn a_model_checked_against_itself_is_accepted_from_every_known_repository(m in arb_model()) {
        let load = |t: &str| load_files(vec![("m.hcl".to_string(), t.as_bytes().to_vec())]);
        let base = load(&m);
        let known = check::authz::known_repositories(&base.model);
        for (repo, _) in known {
            let files = vec![("m.hcl".to_string(), m.as_bytes().to_vec())];
            let r = check::check(
                check::Revisions::load(Some(files.clone()), files),
                &repo,
                &Labels::default(),
            );
            prop_assert!(r.diff.is_empty());
            let gate: Vec<_> = r.findings.iter().filter(|f| f.diagnostic.code.starts_with("DS2") || f.diagnostic.code.starts_with("DS3")).collect();
            prop_assert!(gate.is_empty(), "{:?}", gate);
            // The verdict is the head's lint verdict and nothing else.
            let (_, lint) = dsgen::lint::lint_loaded(load(&m));
            prop_assert_eq!(r.accepted(), !lint.iter().any(|d| d.is_error()));
        }
    }
}
