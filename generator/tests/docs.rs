//! The model reference's block tables are generated from the schema table, so the documentation
//! cannot drift from what the loader accepts. `DSGEN_BLESS=1` rewrites docs/reference.md.

use dsgen::schema::{AttrType, BlockDef, ROOT};

fn ty(t: &AttrType) -> String {
    match t {
        AttrType::String => "string".into(),
        AttrType::Bool => "bool".into(),
        AttrType::Integer { max } => format!("integer 0..={max}"),
        AttrType::StringList => "list of strings".into(),
        AttrType::StringMap => "map of strings".into(),
        AttrType::Enum(words) => words
            .iter()
            .map(|w| format!("`{w}`"))
            .collect::<Vec<_>>()
            .join(" \\| "),
        AttrType::Object(fields) => format!(
            "object {{ {} }}",
            fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Each block definition once (by identity: `location` nests in itself).
fn block(def: &'static BlockDef, path: &str, out: &mut String, seen: &mut Vec<*const BlockDef>) {
    if seen.contains(&(def as *const BlockDef)) {
        return;
    }
    seen.push(def);
    let here = if path.is_empty() {
        def.ident.to_string()
    } else {
        format!("{path} › {}", def.ident)
    };
    let labels: String = def.labels.iter().map(|l| format!(" \"{l}\"")).collect();
    out.push_str(&format!(
        "### `{}{labels}` ({here})\n\n{}\n",
        def.ident, def.doc
    ));
    if def.single {
        out.push_str("\nAt most one per parent.\n");
    }
    if def.open {
        out.push_str(
            "\nKeys depend on the platform's target (see \"Platform settings\" in model.md).\n",
        );
    }
    if !def.attrs.is_empty() {
        out.push_str("\n| attribute | type | required | meaning |\n|---|---|---|---|\n");
        for a in def.attrs {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                a.name,
                ty(&a.ty),
                if a.required { "yes" } else { "no" },
                a.doc.replace('|', "\\|")
            ));
        }
    }
    if !def.blocks.is_empty() {
        let kids: Vec<String> = def
            .blocks
            .iter()
            .map(|b| format!("`{}`", b.ident))
            .collect();
        out.push_str(&format!("\nBlocks inside: {}.\n", kids.join(", ")));
    }
    out.push('\n');
    for child in def.blocks {
        block(child, &here, out, seen);
    }
}

#[test]
fn reference_matches_the_schema() {
    let mut out = String::from(
        "# Model reference: blocks and attributes\n\n\
         Generated from dsgen's schema table by `generator/tests/docs.rs` \
         (`DSGEN_BLESS=1 scripts/test` regenerates it); the prose is in [model.md](model.md).\n\n",
    );
    let mut seen = Vec::new();
    for top in ROOT.blocks {
        block(top, "", &mut out, &mut seen);
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/reference.md");
    if std::env::var("DSGEN_BLESS").as_deref() == Ok("1") {
        std::fs::write(path, &out).unwrap();
    }
    let current = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        current == out,
        "docs/reference.md is out of date: run `DSGEN_BLESS=1 scripts/test` and review the diff"
    );
}

/// Every kafka-connect settings key is documented in its target page's table, and the table
/// lists no key the schema lacks.
#[test]
fn kafka_connect_settings_are_documented() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/targets/kafka-connect.md"
    ))
    .unwrap();
    let documented: Vec<&str> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .filter(|k| !k.contains('/') && !k.contains('.'))
        .collect();
    let keys: Vec<&str> = dsgen::schema::settings_keys("kafka-connect")
        .iter()
        .map(|k| k.name)
        .collect();
    for k in &keys {
        assert!(documented.contains(k), "`{k}` is not documented");
    }
    for k in &documented {
        assert!(keys.contains(k), "`{k}` is documented but not a key");
    }
}
