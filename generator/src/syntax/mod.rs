//! The syntax tree of one model file: blocks, attributes and literal values, each with its span.
//!
//! Both file forms (`*.hcl` native syntax, `*.hcl.json` JSON syntax) parse into this tree, so the
//! decoder never knows which form a block came from. It holds literals only: the model language
//! has no variables, functions or interpolation, and an expression is kept as
//! [`ValueKind::Expression`] so the decoder can reject it with a located diagnostic.

pub mod json;
pub mod native;

use crate::source::{Span, Spanned};

#[derive(Debug, Clone, Default)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
pub struct Attribute {
    pub key: Spanned<String>,
    pub value: Value,
    /// The whole `key = value`.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub ident: Spanned<String>,
    pub labels: Vec<Spanned<String>>,
    pub body: Body,
    /// The whole block, from its identifier to its closing brace.
    pub span: Span,
}

impl Block {
    /// Span of the block's header (identifier and labels): where diagnostics about it point.
    pub fn header_span(&self) -> Span {
        let end = self
            .labels
            .last()
            .map_or(self.ident.span.end, |l| l.span.end);
        Span {
            file: self.span.file,
            start: self.ident.span.start,
            end,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ValueKind {
    Null,
    Bool(bool),
    /// The number as written, so integers of any size survive until the decoder checks them.
    Number(String),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(Spanned<String>, Value)>),
    /// Anything that would need evaluation; the text says what it is ("a function call").
    Expression(&'static str),
}

impl ValueKind {
    /// What a value is, for "expected a string, found {}" messages.
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::Null => "null",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Number(_) => "a number",
            ValueKind::String(_) => "a string",
            ValueKind::Array(_) => "a list",
            ValueKind::Object(_) => "an object",
            ValueKind::Expression(what) => what,
        }
    }
}

/// Deepest nesting of brackets accepted before parsing, so hostile input cannot exhaust the
/// parser's stack. Real models nest a handful of levels.
pub const MAX_NESTING: usize = 64;

/// Deepest bracket nesting of `text`, skipping strings and comments; stops counting once over
/// `MAX_NESTING`.
pub fn nesting_depth(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut max, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 1;
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                max = max.max(depth);
                if max > MAX_NESTING {
                    return max;
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    max
}

/// A parse failure: message and where.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_ignores_strings_and_comments() {
        assert_eq!(nesting_depth("a = [[1]] # [[[[[[\n b = \"{{{{\""), 2);
        assert_eq!(nesting_depth("/* {{{{ */ x {}"), 1);
        let deep = "[".repeat(10_000);
        assert!(nesting_depth(&deep) > MAX_NESTING);
    }
}
