//! HCL native syntax (`*.hcl`) into the syntax tree, through hcl-edit's span-keeping parser.

use super::{Attribute, Block, Body, SyntaxError, Value, ValueKind, MAX_NESTING};
use crate::source::{FileId, Span, Spanned};
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{BlockLabel, Structure};
use hcl_edit::template::Element;
use hcl_edit::Span as _;

/// Parse one native-syntax file.
pub fn parse(text: &str, file: FileId) -> Result<Body, SyntaxError> {
    if super::nesting_depth(text) > MAX_NESTING {
        return Err(SyntaxError {
            message: format!("brackets nest deeper than {MAX_NESTING} levels"),
            span: Span::new(file, 0..0),
        });
    }
    // A panic inside the parser is a bug there, but it must not take the whole run down.
    let parsed = std::panic::catch_unwind(|| hcl_edit::parser::parse_body(text));
    let body = match parsed {
        Ok(Ok(body)) => body,
        Ok(Err(err)) => {
            let at = err.location().offset().min(text.len());
            let message = err.message().trim().replace('\n', "; ");
            return Err(SyntaxError {
                message: if message.is_empty() {
                    "invalid HCL syntax".to_string()
                } else {
                    message
                },
                span: Span::new(file, at..at),
            });
        }
        Err(_) => {
            return Err(SyntaxError {
                message: "the HCL parser failed on this file".to_string(),
                span: Span::new(file, 0..0),
            })
        }
    };
    let conv = Converter { file };
    Ok(conv.body(&body))
}

struct Converter {
    file: FileId,
}

impl Converter {
    fn span(&self, s: Option<std::ops::Range<usize>>) -> Span {
        Span::new(self.file, s.unwrap_or(0..0))
    }

    fn body(&self, body: &hcl_edit::structure::Body) -> Body {
        let mut out = Body::default();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => out.attributes.push(Attribute {
                    key: Spanned::new(attr.key.to_string(), self.span(attr.key.span())),
                    value: self.value(&attr.value),
                    span: self.span(attr.span()),
                }),
                Structure::Block(block) => out.blocks.push(Block {
                    ident: Spanned::new(block.ident.to_string(), self.span(block.ident.span())),
                    labels: block
                        .labels
                        .iter()
                        .map(|label| match label {
                            BlockLabel::Ident(i) => {
                                Spanned::new(i.to_string(), self.span(i.span()))
                            }
                            BlockLabel::String(s) => {
                                Spanned::new(s.value().clone(), self.span(s.span()))
                            }
                        })
                        .collect(),
                    body: self.body(&block.body),
                    span: self.span(block.span()),
                }),
            }
        }
        out
    }

    fn value(&self, expr: &Expression) -> Value {
        let span = self.span(expr.span());
        let kind = match expr {
            Expression::Null(_) => ValueKind::Null,
            Expression::Bool(b) => ValueKind::Bool(*b.value()),
            Expression::Number(n) => ValueKind::Number(n.value().to_string()),
            Expression::String(s) => ValueKind::String(s.value().clone()),
            Expression::Array(items) => {
                ValueKind::Array(items.iter().map(|e| self.value(e)).collect())
            }
            Expression::Object(object) => ValueKind::Object(
                object
                    .iter()
                    .map(|(key, value)| {
                        let key = match key {
                            ObjectKey::Ident(i) => Spanned::new(i.to_string(), self.span(i.span())),
                            ObjectKey::Expression(Expression::String(s)) => {
                                Spanned::new(s.value().clone(), self.span(s.span()))
                            }
                            ObjectKey::Expression(e) => {
                                // Keys are names; anything else is reported through the value.
                                return (
                                    Spanned::new(String::new(), self.span(e.span())),
                                    Value {
                                        kind: ValueKind::Expression("a computed object key"),
                                        span: self.span(e.span()),
                                    },
                                );
                            }
                        };
                        (key, self.value(value.expr()))
                    })
                    .collect(),
            ),
            Expression::StringTemplate(t) => literal_template(t.iter())
                .map(ValueKind::String)
                .unwrap_or(ValueKind::Expression(
                    "a string template with interpolation",
                )),
            Expression::HeredocTemplate(h) => {
                let mut h = h.as_ref().clone();
                if h.indent().is_some() {
                    h.dedent();
                }
                literal_template(h.template.iter())
                    .map(ValueKind::String)
                    .unwrap_or(ValueKind::Expression("a heredoc with interpolation"))
            }
            Expression::Parenthesis(_) => ValueKind::Expression("a parenthesized expression"),
            Expression::Variable(_) => ValueKind::Expression("a variable reference"),
            Expression::Conditional(_) => ValueKind::Expression("a conditional expression"),
            Expression::FuncCall(_) => ValueKind::Expression("a function call"),
            Expression::Traversal(_) => ValueKind::Expression("a traversal expression"),
            Expression::UnaryOp(_) | Expression::BinaryOp(_) => {
                ValueKind::Expression("an operator expression")
            }
            Expression::ForExpr(_) => ValueKind::Expression("a for expression"),
        };
        Value { kind, span }
    }
}

/// The text of a template made only of literal parts, or `None` if it interpolates.
fn literal_template<'a>(elements: impl Iterator<Item = &'a Element>) -> Option<String> {
    let mut text = String::new();
    for element in elements {
        text.push_str(element.as_literal()?.value());
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_blocks_attributes_and_spans() {
        let src = "a = \"x\"\nblk \"l1\" l2 {\n  b = [1, true, null]\n  c = { k = \"v\" }\n  d = <<EOT\n  hello\n  EOT\n  e = <<-EOT\n    indented\n  EOT\n}\n";
        let body = parse(src, FileId(0)).unwrap();
        assert_eq!(body.attributes[0].key.value, "a");
        let blk = &body.blocks[0];
        assert_eq!(blk.labels[0].value, "l1");
        assert_eq!(blk.labels[1].value, "l2");
        assert_eq!(&src[blk.header_span().range()], "blk \"l1\" l2");
        let b = &blk.body.attributes[0];
        assert!(matches!(&b.value.kind, ValueKind::Array(v) if v.len() == 3));
        assert_eq!(&src[b.value.span.range()], "[1, true, null]");
        assert!(
            matches!(&blk.body.attributes[2].value.kind, ValueKind::String(s) if s == "  hello\n")
        );
        assert!(
            matches!(&blk.body.attributes[3].value.kind, ValueKind::String(s) if s == "indented\n")
        );
    }

    #[test]
    fn expressions_are_kept_as_such() {
        let body = parse("a = var.x\nb = \"${x}\"\nc = upper(\"a\")\n", FileId(0)).unwrap();
        for attr in &body.attributes {
            assert!(
                matches!(attr.value.kind, ValueKind::Expression(_)),
                "{:?}",
                attr
            );
        }
    }

    #[test]
    fn syntax_errors_carry_an_offset() {
        let err = parse("a = \n}\n", FileId(3)).unwrap_err();
        assert_eq!(err.span.file, FileId(3));
        assert!(!err.message.is_empty());
    }
}
