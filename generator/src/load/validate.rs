//! Structural validation of a file's syntax tree against the schema table: unknown blocks and
//! attributes (with "did you mean"), label counts, value types, enum words, required attributes
//! and blocks, repeated attributes and single blocks. Meaning is not checked here.

use super::codes::*;
use crate::diag::{did_you_mean, Diagnostic};
use crate::schema::{AttrDef, AttrType, BlockDef};
use crate::syntax::{Block, Body, Value, ValueKind};

pub fn validate_file(body: &Body, diags: &mut Vec<Diagnostic>) {
    validate_body(body, &crate::schema::ROOT, None, diags);
}

fn validate_body(body: &Body, def: &BlockDef, owner: Option<&Block>, diags: &mut Vec<Diagnostic>) {
    let what = match owner {
        Some(b) => format!("a `{}` block", b.ident.value),
        None => "the top level of a model file".to_string(),
    };
    for (i, attr) in body.attributes.iter().enumerate() {
        if let Some(first) = body.attributes[..i]
            .iter()
            .find(|a| a.key.value == attr.key.value)
        {
            diags.push(
                Diagnostic::new(
                    &DS008,
                    format!("attribute `{}` is set twice", attr.key.value),
                )
                .at(attr.key.span)
                .label(first.key.span, "first set here")
                .help("remove one of them"),
            );
            continue;
        }
        if def.open {
            continue;
        }
        match def.attr(&attr.key.value) {
            Some(attr_def) => check_value(&attr.value, attr_def, diags),
            None => {
                let mut d = Diagnostic::new(
                    &DS004,
                    format!("unknown attribute `{}` in {what}", attr.key.value),
                )
                .at(attr.key.span);
                if def.block(&attr.key.value).is_some() {
                    d = d.help(format!(
                        "`{0}` is a block: write `{0} {{ ... }}`",
                        attr.key.value
                    ));
                } else if let Some(s) =
                    did_you_mean(&attr.key.value, def.attrs.iter().map(|a| a.name))
                {
                    d = d.help(format!("did you mean `{s}`?"));
                } else {
                    d = d.help(known_list("attributes", def.attrs.iter().map(|a| a.name)));
                }
                diags.push(d);
            }
        }
    }
    for (i, block) in body.blocks.iter().enumerate() {
        let Some(child) = def.block(&block.ident.value) else {
            let mut d = Diagnostic::new(
                &DS003,
                format!("unknown block `{}` in {what}", block.ident.value),
            )
            .at(block.ident.span);
            if def.attr(&block.ident.value).is_some() {
                d = d.help(format!(
                    "`{0}` is an attribute: write `{0} = ...`",
                    block.ident.value
                ));
            } else if let Some(s) =
                did_you_mean(&block.ident.value, def.blocks.iter().map(|b| b.ident))
            {
                d = d.help(format!("did you mean `{s}`?"));
            } else {
                d = d.help(known_list("blocks", def.blocks.iter().map(|b| b.ident)));
            }
            diags.push(d);
            continue;
        };
        if block.labels.len() != child.labels.len() {
            let expected = if child.labels.is_empty() {
                format!("`{}` takes no labels", child.ident)
            } else {
                format!(
                    "`{}` takes {} label{}: {}",
                    child.ident,
                    child.labels.len(),
                    if child.labels.len() == 1 { "" } else { "s" },
                    child.labels.join(" ")
                )
            };
            diags.push(
                Diagnostic::new(
                    &DS011,
                    format!(
                        "`{}` block has {} label{}",
                        block.ident.value,
                        block.labels.len(),
                        if block.labels.len() == 1 { "" } else { "s" }
                    ),
                )
                .at(block.header_span())
                .help(format!("{expected}, e.g. `{}`", example_header(child))),
            );
            continue;
        }
        if child.single {
            if let Some(first) = body.blocks[..i]
                .iter()
                .find(|b| b.ident.value == block.ident.value)
            {
                diags.push(
                    Diagnostic::new(
                        &DS008,
                        format!(
                            "only one `{}` block is allowed in {what}",
                            block.ident.value
                        ),
                    )
                    .at(block.header_span())
                    .label(first.header_span(), "first one here")
                    .help("merge the two blocks into one"),
                );
            }
        }
        validate_body(&block.body, child, Some(block), diags);
    }
    if let Some(owner) = owner {
        for attr_def in def.attrs.iter().filter(|a| a.required) {
            if !body.attributes.iter().any(|a| a.key.value == attr_def.name) {
                diags.push(
                    Diagnostic::new(
                        &DS005,
                        format!(
                            "`{}` block is missing the required attribute `{}`",
                            owner.ident.value, attr_def.name
                        ),
                    )
                    .at(owner.header_span())
                    .help(format!("add `{} = ...`: {}", attr_def.name, attr_def.doc)),
                );
            }
        }
        for block_def in def.blocks.iter().filter(|b| b.required) {
            if !body.blocks.iter().any(|b| b.ident.value == block_def.ident) {
                diags.push(
                    Diagnostic::new(
                        &DS005,
                        format!(
                            "`{}` block is missing the required block `{}`",
                            owner.ident.value, block_def.ident
                        ),
                    )
                    .at(owner.header_span())
                    .help(format!(
                        "add `{} {{ ... }}`: {}",
                        block_def.ident, block_def.doc
                    )),
                );
            }
        }
    }
}

fn example_header(def: &BlockDef) -> String {
    let mut s = def.ident.to_string();
    for l in def.labels {
        s.push_str(&format!(" \"{l}\""));
    }
    s + " { ... }"
}

fn known_list<'a>(what: &str, names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if names.is_empty() {
        format!("no {what} are allowed here")
    } else {
        format!("known {what}: {}", names.join(", "))
    }
}

/// Check a value against its declared type; every problem is reported where the value is.
pub fn check_value(value: &Value, def: &AttrDef, diags: &mut Vec<Diagnostic>) {
    check_type(value, def.name, &def.ty, diags)
}

fn check_type(value: &Value, name: &str, ty: &AttrType, diags: &mut Vec<Diagnostic>) {
    let mismatch = |expected: &str, diags: &mut Vec<Diagnostic>| {
        let mut d = Diagnostic::new(
            &DS006,
            format!(
                "`{name}` must be {expected}, found {}",
                value.kind.describe()
            ),
        )
        .at(value.span);
        d = match &value.kind {
            ValueKind::Expression(_) => {
                d.help("models hold literal values only: expressions, variables and interpolation are not evaluated")
            }
            ValueKind::Null => d.help(format!("remove `{name}` to take its default")),
            _ => d,
        };
        diags.push(d);
    };
    match (ty, &value.kind) {
        (AttrType::String, ValueKind::String(_)) | (AttrType::Bool, ValueKind::Bool(_)) => {}
        (AttrType::String, _) => mismatch("a string", diags),
        (AttrType::Bool, _) => mismatch("true or false", diags),
        (AttrType::Integer { max }, ValueKind::Number(n)) => match n.parse::<u64>() {
            Ok(v) if v <= *max => {}
            _ => diags.push(
                Diagnostic::new(
                    &DS007,
                    format!("`{name}` must be a whole number from 0 to {max}, found `{n}`"),
                )
                .at(value.span),
            ),
        },
        (AttrType::Integer { .. }, _) => mismatch("a number", diags),
        (AttrType::StringList, ValueKind::Array(items)) => {
            for item in items {
                check_type(item, name, &AttrType::String, diags);
            }
        }
        (AttrType::StringList, _) => mismatch("a list of strings", diags),
        (AttrType::StringMap, ValueKind::Object(entries)) => {
            for (i, (key, v)) in entries.iter().enumerate() {
                if let Some((first, _)) = entries[..i].iter().find(|(k, _)| k.value == key.value) {
                    diags.push(
                        Diagnostic::new(
                            &DS008,
                            format!("key `{}` appears twice in `{name}`", key.value),
                        )
                        .at(key.span)
                        .label(first.span, "first here"),
                    );
                }
                check_type(v, name, &AttrType::String, diags);
            }
        }
        (AttrType::StringMap, _) => mismatch("an object of strings (`{ key = \"value\" }`)", diags),
        (AttrType::Enum(words), ValueKind::String(s)) => {
            if !words.contains(&s.as_str()) {
                let mut d =
                    Diagnostic::new(&DS007, format!("`{s}` is not a valid value for `{name}`"))
                        .at(value.span);
                d = match did_you_mean(s, words.iter().copied()) {
                    Some(w) => d.help(format!(
                        "did you mean `{w}`? expected one of: {}",
                        words.join(", ")
                    )),
                    None => d.help(format!("expected one of: {}", words.join(", "))),
                };
                diags.push(d);
            }
        }
        (AttrType::Enum(words), _) => mismatch(&format!("one of: {}", words.join(", ")), diags),
        (AttrType::Object(fields), ValueKind::Object(entries)) => {
            for (i, (key, v)) in entries.iter().enumerate() {
                if let Some((first, _)) = entries[..i].iter().find(|(k, _)| k.value == key.value) {
                    diags.push(
                        Diagnostic::new(
                            &DS008,
                            format!("key `{}` appears twice in `{name}`", key.value),
                        )
                        .at(key.span)
                        .label(first.span, "first here"),
                    );
                    continue;
                }
                match fields.iter().find(|f| f.name == key.value) {
                    Some(field) => check_type(v, field.name, &field.ty, diags),
                    None => {
                        let mut d = Diagnostic::new(
                            &DS004,
                            format!("unknown key `{}` in `{name}`", key.value),
                        )
                        .at(key.span);
                        if let Some(s) = did_you_mean(&key.value, fields.iter().map(|f| f.name)) {
                            d = d.help(format!("did you mean `{s}`?"));
                        }
                        diags.push(d);
                    }
                }
            }
        }
        (AttrType::Object(_), _) => mismatch("an object", diags),
    }
}
