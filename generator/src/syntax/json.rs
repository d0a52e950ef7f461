//! HCL's JSON syntax (`*.hcl.json`, as Terraform reads `.tf.json`) into the syntax tree.
//!
//! In the JSON form a key is a block or an attribute depending on the schema, so reading it
//! needs the [`BlockDef`] of each level: a block type's value is an object keyed by its first
//! label, nested once per label, ending in the block body (or a list of bodies). JSON values are
//! valid HCL expressions, so hcl-edit parses the text and gives every value its span.

use super::{Attribute, Block, Body, SyntaxError, Value, ValueKind};
use crate::schema::{BlockDef, ROOT};
use crate::source::{FileId, Span, Spanned};

/// Parse one JSON-form file against the model schema.
pub fn parse(text: &str, file: FileId) -> Result<Body, SyntaxError> {
    let root = expression(text, file)?;
    let ValueKind::Object(entries) = root.kind else {
        return Err(SyntaxError {
            message: format!(
                "a JSON model file must hold one object, found {}",
                root.kind.describe()
            ),
            span: root.span,
        });
    };
    body(entries, &ROOT)
}

/// Parse JSON text as the value of an HCL attribute: JSON values are HCL expressions, and the
/// native converter gives them spans (shifted back past the `json = ` prefix).
fn expression(text: &str, file: FileId) -> Result<Value, SyntaxError> {
    const PREFIX: &str = "json = ";
    let by = PREFIX.len() as u32;
    let body = super::native::parse(&format!("{PREFIX}{text}"), file).map_err(|e| SyntaxError {
        message: format!("invalid JSON: {}", e.message),
        span: shift(e.span, by, text.len()),
    })?;
    let single = body.blocks.is_empty() && body.attributes.len() == 1;
    match body.attributes.into_iter().next() {
        Some(attr) if single => Ok(shift_value(attr.value, by)),
        _ => Err(SyntaxError {
            message: "invalid JSON: expected one object".to_string(),
            span: Span::new(file, 0..0),
        }),
    }
}

fn shift(span: Span, by: u32, len: usize) -> Span {
    let clamp = |v: u32| v.saturating_sub(by).min(len as u32);
    Span {
        file: span.file,
        start: clamp(span.start),
        end: clamp(span.end),
    }
}

fn shift_value(mut value: Value, by: u32) -> Value {
    value.span = shift(value.span, by, u32::MAX as usize);
    value.kind = match value.kind {
        ValueKind::Array(items) => {
            ValueKind::Array(items.into_iter().map(|v| shift_value(v, by)).collect())
        }
        ValueKind::Object(entries) => ValueKind::Object(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let k = Spanned::new(k.value, shift(k.span, by, u32::MAX as usize));
                    (k, shift_value(v, by))
                })
                .collect(),
        ),
        other => other,
    };
    value
}

fn body(
    entries: Vec<(Spanned<String>, Value)>,
    def: &'static BlockDef,
) -> Result<Body, SyntaxError> {
    let mut out = Body::default();
    for (key, value) in entries {
        match def.block(&key.value).filter(|_| !def.open) {
            Some(child) => blocks(&key, value, child, Vec::new(), &mut out.blocks)?,
            None => out.attributes.push(Attribute {
                span: Span {
                    end: value.span.end,
                    ..key.span
                },
                key,
                value,
            }),
        }
    }
    Ok(out)
}

/// One block type's value: descend one object level per label, then the body or bodies.
fn blocks(
    ident: &Spanned<String>,
    value: Value,
    def: &'static BlockDef,
    labels: Vec<Spanned<String>>,
    out: &mut Vec<Block>,
) -> Result<(), SyntaxError> {
    if labels.len() < def.labels.len() {
        let ValueKind::Object(entries) = value.kind else {
            return Err(SyntaxError {
                message: format!(
                    "`{}` expects an object keyed by its {} label, found {}",
                    def.ident,
                    def.labels[labels.len()],
                    value.kind.describe()
                ),
                span: value.span,
            });
        };
        for (label, inner) in entries {
            let mut next = labels.clone();
            next.push(label);
            blocks(ident, inner, def, next, out)?;
        }
        return Ok(());
    }
    let bodies = match value.kind {
        ValueKind::Array(items) => items,
        kind => vec![Value {
            kind,
            span: value.span,
        }],
    };
    for item in bodies {
        let span = item.span;
        let ValueKind::Object(entries) = item.kind else {
            return Err(SyntaxError {
                message: format!(
                    "the body of a `{}` block must be an object, found {}",
                    def.ident,
                    item.kind.describe()
                ),
                span,
            });
        };
        out.push(Block {
            ident: ident.clone(),
            labels: labels.clone(),
            body: body(entries, def)?,
            span: Span {
                start: ident.span.start,
                ..span
            },
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_blocks_by_schema() {
        let text = r#"{
  "ecosystem": {"Acme": {"owning_repo": "github:a/b@main", "zone": {"USA": {"repo": "github:a/u@main"}}}},
  "team": {"USA": {"NY": {"datastore": {"S": {"approval": [{"workspace": "W", "dsg": "D", "dataset": "d"}, {"workspace": "X", "dsg": "D", "dataset": "d"}]}}}}}
}"#;
        let body = parse(text, FileId(0)).unwrap();
        assert_eq!(body.blocks.len(), 2);
        let eco = &body.blocks[0];
        assert_eq!(eco.ident.value, "ecosystem");
        assert_eq!(eco.labels[0].value, "Acme");
        assert_eq!(eco.body.attributes[0].key.value, "owning_repo");
        assert_eq!(
            &text[eco.body.attributes[0].value.span.range()],
            "\"github:a/b@main\""
        );
        assert_eq!(eco.body.blocks[0].labels[0].value, "USA");
        let team = &body.blocks[1];
        assert_eq!(team.labels.len(), 2);
        assert_eq!(team.body.blocks[0].body.blocks.len(), 2);
    }

    #[test]
    fn rejects_non_objects() {
        assert!(parse("[1, 2]", FileId(0)).is_err());
        assert!(parse("{\"ecosystem\": 3}", FileId(0)).is_err());
        assert!(parse("{", FileId(0)).is_err());
    }
}
