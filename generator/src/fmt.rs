//! `dsgen fmt`: the canonical layout of HCL model files.
//!
//! [`format_source`] parses a file with `hcl-edit` and prints it again from the syntax tree,
//! taking every comment from the decor (the whitespace and comments `hcl-edit` keeps around each
//! node) and every token from the source text, so values are never re-encoded.
//!
//! The layout (close to `terraform fmt`):
//!
//! - two spaces of indentation per nesting level; LF line endings (CRLF becomes LF); no trailing
//!   whitespace; the file ends with exactly one newline (an empty or blank file formats to the
//!   empty string);
//! - `ident "label" "label" {` on one line; an empty block is `name "x" {}`; a block written on
//!   one line (`zone "EU" { repo = "..." }`) stays on one line while its content fits on one
//!   line, otherwise it is printed over several lines;
//! - one attribute per line, `key = value`, with the `=` signs aligned within a run of
//!   consecutive attributes (a blank line, a comment line or a block ends the run; an attribute
//!   whose value spans several lines ends the run it is part of);
//! - the author's blank lines between structures are kept, but runs of blank lines collapse to
//!   one, and blank lines at the start of the file, right after an opening bracket and right
//!   before a closing bracket are removed;
//! - strings (including their escapes), templates, heredocs (byte for byte) and numbers are
//!   printed exactly as written;
//! - an array or object written on one line is printed on one line: `["a", "b"]`,
//!   `{ k = "v", k2 = "w" }`, `[]`, `{}`; one written over several lines is printed with one item
//!   per line, one level deeper: arrays with a comma after every item (on a line of its own
//!   after a heredoc, whose closing delimiter must end its line), objects with their `=` aligned
//!   like attributes, `:` written as `=` and no commas (except before a key such as `-k` that
//!   would otherwise continue the previous value);
//! - other expressions (function calls, operators, conditionals, `for` expressions, traversals)
//!   are printed as written (blank lines inside them included); when they span several lines,
//!   their lines are shifted so that the least indented one sits at the current level (lines
//!   inside strings and heredocs are never touched);
//! - every comment is kept with its text unchanged (trailing whitespace removed): a comment on
//!   its own line is re-indented to the current level (the inner lines of a multi-line `/* */`
//!   are kept as written), a comment at the end of a line stays there after one space, and an
//!   inline `/* */` comment stays next to the token it was written next to. A comment written
//!   on the same line before an attribute, a block or an item of a multi-line array or object
//!   moves to its own line above it; inline comments around an attribute's or object item's `=`
//!   move after the `=`; a trailing comment of an array item follows the item's comma.
//!
//! Line endings are normalized before parsing, so a CRLF inside a heredoc or string becomes LF
//! too (the only change to a value the formatter makes).
//!
//! Formatting is idempotent and keeps the parsed structure: parsing the output gives the same
//! blocks, labels, attributes and values as parsing the input.

use std::fmt;
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};

use hcl_edit::expr::{Array, Expression, Object, ObjectKey, ObjectValueTerminator};
use hcl_edit::structure::{Attribute, Block, BlockLabel, Body, Structure};
use hcl_edit::visit::{self, Visit};
use hcl_edit::{Decorate, RawString, Span};

/// One level of indentation.
const INDENT: &str = "  ";

/// Characters that, at the start of the next line, can continue an expression that allows line
/// breaks (binary and conditional operators, traversals).
const CONTINUES_EXPRESSION: [char; 14] = [
    '!', '<', '>', '+', '-', '*', '/', '%', '&', '|', '=', '?', '.', '[',
];

/// Why a file could not be formatted: it does not parse (or, never expected, the formatter hit an
/// internal inconsistency).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// What went wrong.
    pub message: String,
    /// Byte offset in the input, when known.
    pub offset: Option<usize>,
    /// 1-based line of the error, when known.
    pub line: Option<usize>,
    /// 1-based column of the error, when known.
    pub column: Option<usize>,
}

impl FormatError {
    fn internal(message: impl Into<String>) -> FormatError {
        FormatError {
            message: format!("internal formatter error: {}", message.into()),
            offset: None,
            line: None,
            column: None,
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "{line}:{column}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for FormatError {}

type Result<T> = std::result::Result<T, FormatError>;

/// Formats one HCL file into the canonical layout (see the module documentation).
///
/// # Errors
///
/// Returns a [`FormatError`] (with the byte offset, line and column of the problem) when `src`
/// is not valid HCL. Never panics.
pub fn format_source(src: &str) -> std::result::Result<String, FormatError> {
    let (text, removed_crs) = normalize_line_endings(src);
    let outcome = catch_unwind(AssertUnwindSafe(|| format_normalized(&text)));
    match outcome {
        Ok(Ok(out)) => Ok(out),
        Ok(Err(mut err)) => {
            // Offsets refer to the LF-only text; map them back to the caller's input.
            if let Some(offset) = err.offset {
                err.offset = Some(offset + removed_crs.partition_point(|&nl| nl <= offset));
            }
            Err(err)
        }
        Err(_) => Err(FormatError::internal("the formatter panicked")),
    }
}

/// Replaces every CRLF by LF (a run of CRs before a LF goes entirely, so that formatting the
/// result again changes nothing). Also returns, for each removed CR, the offset of its LF in the
/// returned text (ascending).
fn normalize_line_endings(src: &str) -> (String, Vec<usize>) {
    if !src.contains("\r\n") {
        return (src.to_owned(), Vec::new());
    }
    let mut text = String::with_capacity(src.len());
    let mut removed = Vec::new();
    let mut crs = 0;
    for c in src.chars() {
        if c == '\r' {
            crs += 1;
            continue;
        }
        if c == '\n' {
            removed.extend(std::iter::repeat_n(text.len(), crs));
        } else {
            text.extend(std::iter::repeat_n('\r', crs));
        }
        crs = 0;
        text.push(c);
    }
    text.extend(std::iter::repeat_n('\r', crs));
    (text, removed)
}

fn format_normalized(text: &str) -> Result<String> {
    let body = hcl_edit::parser::parse_body(text).map_err(|err| {
        let location = err.location();
        FormatError {
            message: err.message().to_owned(),
            offset: Some(location.offset()),
            line: Some(location.line()),
            column: Some(location.column()),
        }
    })?;
    Printer { src: text }.file(&body)
}

// ---------------------------------------------------------------------------------------------
// Trivia: the whitespace and comments kept in decor.

/// A piece of the whitespace and comments between two tokens.
enum Trivia {
    Newline,
    Comment(String),
}

fn is_line_comment(comment: &str) -> bool {
    comment.starts_with('#') || comment.starts_with("//")
}

/// Splits decor text into newlines and comments (spaces are dropped). Comments lose their
/// trailing whitespace (per line for multi-line `/* */`).
fn lex(raw: Option<&RawString>) -> Result<Vec<Trivia>> {
    let text: &str = raw.map_or("", |raw| raw);
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with('\n') {
            out.push(Trivia::Newline);
            i += 1;
        } else if rest.starts_with([' ', '\t', '\r']) {
            i += 1;
        } else if rest.starts_with('#') || rest.starts_with("//") {
            let end = rest.find('\n').unwrap_or(rest.len());
            out.push(Trivia::Comment(rest[..end].trim_end().to_owned()));
            i += end;
        } else if let Some(body) = rest.strip_prefix("/*") {
            let end = body
                .find("*/")
                .map(|pos| pos + 4)
                .ok_or_else(|| FormatError::internal("unterminated `/*` comment in decor"))?;
            let comment = rest[..end]
                .split('\n')
                .map(str::trim_end)
                .collect::<Vec<_>>()
                .join("\n");
            out.push(Trivia::Comment(comment));
            i += end;
        } else {
            return Err(FormatError::internal(format!(
                "unexpected text {rest:?} between tokens"
            )));
        }
    }
    Ok(out)
}

/// The comments of decor that the parser only fills with spaces and `/* */` comments (no line
/// breaks), for printing inline.
fn inline(raw: Option<&RawString>) -> Result<Vec<String>> {
    lex(raw)?
        .into_iter()
        .map(|trivia| match trivia {
            Trivia::Comment(comment) if !is_line_comment(&comment) => Ok(comment),
            _ => Err(FormatError::internal(
                "line break or line comment where only inline comments can be",
            )),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Line layout of bodies, multi-line arrays and multi-line objects.

/// One printed item: an attribute, a block, an array item or an object item.
struct Entry {
    /// Attribute or object key; printed before ` = ` and aligned with its neighbours.
    key: Option<String>,
    /// The rest of the item; lines after the first are already indented.
    text: String,
    /// Comments following the item on its (last) line.
    trailing: Vec<String>,
}

impl Entry {
    fn is_multiline(&self) -> bool {
        self.text.contains('\n') || self.trailing.iter().any(|c| c.contains('\n'))
    }

    /// The key to align on, if the entry takes part in alignment.
    fn aligned_key(&self) -> Option<&str> {
        self.key.as_deref().filter(|key| !key.contains('\n'))
    }
}

enum Line {
    Blank,
    Comments(Vec<String>),
    Item(Entry),
}

/// Who a comment found before the next line break belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Owner {
    /// The line of the opening bracket.
    Header,
    /// The last item.
    Item,
    /// Nothing: the comment starts a comment line.
    Free,
}

/// Turns a stream of comments, line breaks and items into lines.
struct Layout {
    header: Vec<String>,
    lines: Vec<Line>,
    pending: Vec<String>,
    owner: Owner,
}

impl Layout {
    fn new(owner: Owner) -> Layout {
        Layout {
            header: Vec::new(),
            lines: Vec::new(),
            pending: Vec::new(),
            owner,
        }
    }

    fn trivia(&mut self, trivia: Vec<Trivia>) {
        for piece in trivia {
            match piece {
                Trivia::Newline => self.newline(),
                Trivia::Comment(comment) => self.comment(comment),
            }
        }
    }

    fn newline(&mut self) {
        match self.owner {
            Owner::Header | Owner::Item => self.owner = Owner::Free,
            Owner::Free => {
                if self.pending.is_empty() {
                    self.lines.push(Line::Blank);
                } else {
                    self.flush();
                }
            }
        }
    }

    fn comment(&mut self, comment: String) {
        match (self.owner, self.lines.last_mut()) {
            (Owner::Header, _) => self.header.push(comment),
            (Owner::Item, Some(Line::Item(entry))) => entry.trailing.push(comment),
            _ => self.pending.push(comment),
        }
    }

    fn item(&mut self, entry: Entry) {
        self.flush();
        self.lines.push(Line::Item(entry));
        self.owner = Owner::Item;
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            let comments = std::mem::take(&mut self.pending);
            self.lines.push(Line::Comments(comments));
        }
    }

    /// The header comments and the lines, with blank lines collapsed and trimmed.
    fn finish(mut self) -> (Vec<String>, Vec<Line>) {
        self.flush();
        let mut lines: Vec<Line> = Vec::with_capacity(self.lines.len());
        for line in self.lines {
            let after_blank = matches!(lines.last(), None | Some(Line::Blank));
            if matches!(line, Line::Blank) && after_blank {
                continue;
            }
            lines.push(line);
        }
        while matches!(lines.last(), Some(Line::Blank)) {
            lines.pop();
        }
        (self.header, lines)
    }
}

/// Prints lines at `level`, aligning the `=` of runs of keyed entries.
fn emit(lines: &[Line], level: usize, out: &mut String) {
    let indent = INDENT.repeat(level);
    let mut i = 0;
    while i < lines.len() {
        match &lines[i] {
            Line::Blank => {
                out.push('\n');
                i += 1;
            }
            Line::Comments(comments) => {
                out.push_str(&indent);
                out.push_str(&comments.join(" "));
                out.push('\n');
                i += 1;
            }
            Line::Item(entry) => {
                let mut end = i;
                let mut width = 0;
                while let Some(Line::Item(next)) = lines.get(end) {
                    let Some(key) = next.aligned_key() else {
                        break;
                    };
                    width = width.max(key.chars().count());
                    end += 1;
                    if next.is_multiline() {
                        break;
                    }
                }
                if end == i {
                    emit_entry(entry, &indent, 0, out);
                    i += 1;
                } else {
                    for line in &lines[i..end] {
                        if let Line::Item(entry) = line {
                            emit_entry(entry, &indent, width, out);
                        }
                    }
                    i = end;
                }
            }
        }
    }
}

fn emit_entry(entry: &Entry, indent: &str, width: usize, out: &mut String) {
    out.push_str(indent);
    if let Some(key) = &entry.key {
        out.push_str(key);
        let len = key.chars().count();
        if !key.contains('\n') && len < width {
            out.push_str(&" ".repeat(width - len));
        }
        out.push_str(" = ");
    }
    out.push_str(&entry.text);
    for comment in &entry.trailing {
        out.push(' ');
        out.push_str(comment);
    }
    out.push('\n');
}

/// Prints a bracketed construct over several lines: `open`, header comments, the lines one level
/// deeper, then `close` at `level`. With nothing inside, prints `open` and `close` together.
fn bracketed(layout: Layout, open: &str, close: &str, level: usize) -> String {
    let (header, lines) = layout.finish();
    bracketed_lines(&header, &lines, open, close, level)
}

fn bracketed_lines(
    header: &[String],
    lines: &[Line],
    open: &str,
    close: &str,
    level: usize,
) -> String {
    if header.is_empty() && lines.is_empty() {
        return format!("{open}{close}");
    }
    let mut out = open.to_owned();
    for comment in header {
        out.push(' ');
        out.push_str(comment);
    }
    out.push('\n');
    emit(lines, level + 1, &mut out);
    out.push_str(&INDENT.repeat(level));
    out.push_str(close);
    out
}

/// Whether the last line of a multi-line text is a bare identifier, as the closing delimiter of
/// a heredoc is: nothing may follow it on that line.
fn ends_with_bare_word(text: &str) -> bool {
    match text.rsplit_once('\n') {
        Some((_, last)) => {
            let word = last.trim();
            !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        }
        None => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Printing the syntax tree.

/// Collects the spans of strings, templates and heredocs, whose lines must not be touched.
struct Protected(Vec<Range<usize>>);

impl Visit for Protected {
    fn visit_expr(&mut self, node: &Expression) {
        match node {
            Expression::String(_)
            | Expression::StringTemplate(_)
            | Expression::HeredocTemplate(_) => {
                if let Some(span) = node.span() {
                    self.0.push(span);
                }
            }
            _ => visit::visit_expr(self, node),
        }
    }
}

struct Printer<'a> {
    src: &'a str,
}

impl Printer<'_> {
    fn text(&self, span: Option<Range<usize>>) -> Result<&str> {
        span.and_then(|span| self.src.get(span))
            .ok_or_else(|| FormatError::internal("syntax node without a source span"))
    }

    fn file(&self, body: &Body) -> Result<String> {
        let mut layout = Layout::new(Owner::Free);
        layout.trivia(lex(body.decor().prefix())?);
        for structure in body {
            self.structure(structure, 0, &mut layout, true)?;
        }
        layout.trivia(lex(body.decor().suffix())?);
        let (header, lines) = layout.finish();
        if !header.is_empty() {
            return Err(FormatError::internal(
                "comment before the start of the file",
            ));
        }
        let mut out = String::new();
        emit(&lines, 0, &mut out);
        Ok(out)
    }

    /// Feeds one attribute or block of a body (with its comments) into `layout`.
    fn structure(
        &self,
        structure: &Structure,
        level: usize,
        layout: &mut Layout,
        line_ends: bool,
    ) -> Result<()> {
        layout.trivia(lex(structure.decor().prefix())?);
        let entry = match structure {
            Structure::Attribute(attr) => Entry {
                key: Some(attr.key.as_str().to_owned()),
                text: self.attribute_value(attr, level)?,
                trailing: Vec::new(),
            },
            Structure::Block(block) => Entry {
                key: None,
                text: self.block(block, level)?,
                trailing: Vec::new(),
            },
        };
        layout.item(entry);
        layout.trivia(lex(structure.decor().suffix())?);
        if line_ends {
            layout.newline();
        }
        Ok(())
    }

    /// Everything after `key = `: inline comments written around the `=`, then the value.
    fn attribute_value(&self, attr: &Attribute, level: usize) -> Result<String> {
        let mut parts = inline(attr.key.decor().prefix())?;
        parts.extend(inline(attr.key.decor().suffix())?);
        parts.extend(inline(attr.value.decor().prefix())?);
        parts.push(self.expr(&attr.value, level)?);
        parts.extend(inline(attr.value.decor().suffix())?);
        Ok(parts.join(" "))
    }

    fn block(&self, block: &Block, level: usize) -> Result<String> {
        let mut head = inline(block.ident.decor().prefix())?;
        head.push(block.ident.as_str().to_owned());
        head.extend(inline(block.ident.decor().suffix())?);
        for label in &block.labels {
            head.extend(inline(label.decor().prefix())?);
            head.push(match label {
                BlockLabel::Ident(ident) => ident.as_str().to_owned(),
                BlockLabel::String(_) => self.text(label.span())?.to_owned(),
            });
            head.extend(inline(label.decor().suffix())?);
        }
        let head = head.join(" ");

        let body = &block.body;
        let one_line_source = body.prefer_oneline();
        let mut layout = Layout::new(Owner::Header);
        layout.trivia(lex(body.decor().prefix())?);
        if !one_line_source {
            // The line break after `{`.
            layout.newline();
        }
        for structure in body {
            self.structure(structure, level + 1, &mut layout, !one_line_source)?;
        }
        layout.trivia(lex(body.decor().suffix())?);
        let (header, lines) = layout.finish();

        if one_line_source {
            if let Some(line) = one_line_body(&header, &lines) {
                return Ok(if line.is_empty() {
                    format!("{head} {{}}")
                } else {
                    format!("{head} {{ {line} }}")
                });
            }
        }
        let open = format!("{head} {{");
        Ok(bracketed_lines(&header, &lines, &open, "}", level))
    }

    fn expr(&self, expr: &Expression, level: usize) -> Result<String> {
        match expr {
            Expression::Array(array) => self.array(array, level),
            Expression::Object(object) => self.object(object, level),
            Expression::Null(_)
            | Expression::Bool(_)
            | Expression::Number(_)
            | Expression::String(_)
            | Expression::StringTemplate(_)
            | Expression::HeredocTemplate(_)
            | Expression::Variable(_) => Ok(self.text(expr.span())?.to_owned()),
            _ => self.verbatim(expr, level),
        }
    }

    fn array(&self, array: &Array, level: usize) -> Result<String> {
        if !self.text(array.span())?.contains('\n') {
            let mut items = Vec::with_capacity(array.len());
            for value in array {
                let mut parts = inline(value.decor().prefix())?;
                parts.push(self.expr(value, level)?);
                parts.extend(inline(value.decor().suffix())?);
                items.push(parts.join(" "));
            }
            let mut out = format!("[{}", items.join(", "));
            let trailing = inline(Some(array.trailing()))?;
            if !trailing.is_empty() {
                if !items.is_empty() {
                    out.push(' ');
                }
                out.push_str(&trailing.join(" "));
            }
            out.push(']');
            return Ok(out);
        }

        let mut layout = Layout::new(Owner::Header);
        for value in array {
            layout.trivia(lex(value.decor().prefix())?);
            let mut text = self.expr(value, level + 1)?;
            let mut suffix = lex(value.decor().suffix())?;
            if ends_with_bare_word(&text) {
                // A heredoc's closing delimiter must stay alone on its line: the comma goes on
                // the next line, which stands for the line break written after the item.
                text.push('\n');
                text.push_str(&INDENT.repeat(level + 1));
                if matches!(suffix.first(), Some(Trivia::Newline)) {
                    suffix.remove(0);
                }
            }
            text.push(',');
            layout.item(Entry {
                key: None,
                text,
                trailing: Vec::new(),
            });
            layout.trivia(suffix);
        }
        layout.trivia(lex(Some(array.trailing()))?);
        Ok(bracketed(layout, "[", "]", level))
    }

    fn object_key(&self, key: &ObjectKey, level: usize) -> Result<String> {
        match key {
            ObjectKey::Ident(ident) => Ok(ident.as_str().to_owned()),
            ObjectKey::Expression(expr) => self.expr(expr, level),
        }
    }

    fn object(&self, object: &Object, level: usize) -> Result<String> {
        if !self.text(object.span())?.contains('\n') {
            let mut items = Vec::with_capacity(object.len());
            for (key, value) in object {
                let mut parts = inline(key.decor().prefix())?;
                parts.push(self.object_key(key, level)?);
                parts.push("=".to_owned());
                parts.extend(inline(key.decor().suffix())?);
                parts.extend(inline(value.expr().decor().prefix())?);
                parts.push(self.expr(value.expr(), level)?);
                parts.extend(inline(value.expr().decor().suffix())?);
                items.push(parts.join(" "));
            }
            let mut inner = items.join(", ");
            for comment in inline(Some(object.trailing()))? {
                if !inner.is_empty() {
                    inner.push(' ');
                }
                inner.push_str(&comment);
            }
            return Ok(if inner.is_empty() {
                "{}".to_owned()
            } else {
                format!("{{ {inner} }}")
            });
        }

        let items: Vec<_> = object.iter().collect();
        let keys = items
            .iter()
            .map(|(key, _)| self.object_key(key, level + 1))
            .collect::<Result<Vec<_>>>()?;
        let mut layout = Layout::new(Owner::Header);
        for (i, ((key, value), key_text)) in items.into_iter().zip(&keys).enumerate() {
            layout.trivia(lex(key.decor().prefix())?);
            let mut parts = inline(key.decor().suffix())?;
            parts.extend(inline(value.expr().decor().prefix())?);
            parts.push(self.expr(value.expr(), level + 1)?);
            let mut text = parts.join(" ");
            if keys
                .get(i + 1)
                .is_some_and(|next| next.starts_with(CONTINUES_EXPRESSION))
            {
                // Without a comma, the next key would continue this value across the line break
                // (`[1]` then `-k = 2` reads as `[1] - k`).
                text.push(',');
            }
            layout.item(Entry {
                key: Some(key_text.clone()),
                text,
                trailing: Vec::new(),
            });
            layout.trivia(lex(value.expr().decor().suffix())?);
            if matches!(value.terminator(), ObjectValueTerminator::Newline) {
                layout.newline();
            }
        }
        layout.trivia(lex(Some(object.trailing()))?);
        Ok(bracketed(layout, "{", "}", level))
    }

    /// An expression printed as written. When it spans several lines, the lines that do not
    /// start inside a string or heredoc are shifted so that the least indented one sits at
    /// `level`, and lose their trailing whitespace.
    fn verbatim(&self, expr: &Expression, level: usize) -> Result<String> {
        let span = expr
            .span()
            .ok_or_else(|| FormatError::internal("expression without a source span"))?;
        let text = self.text(Some(span.clone()))?;
        if !text.contains('\n') {
            return Ok(text.to_owned());
        }
        let mut protected = Protected(Vec::new());
        protected.visit_expr(expr);
        let is_protected = |pos: usize| protected.0.iter().any(|r| r.start <= pos && pos < r.end);

        // (absolute start offset, text without the line break)
        let mut lines = Vec::new();
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if c == '\n' {
                lines.push((span.start + start, &text[start..i]));
                start = i + 1;
            }
        }
        lines.push((span.start + start, &text[start..]));

        let movable = |k: usize, line_start: usize| k > 0 && !is_protected(line_start - 1);
        let min_width = lines
            .iter()
            .enumerate()
            .filter(|&(k, &(line_start, line))| {
                movable(k, line_start) && !line.trim_matches([' ', '\t']).is_empty()
            })
            .map(|(_, &(_, line))| leading(line).0)
            .min()
            .unwrap_or(0);
        let target = INDENT.len() * level;

        let mut out = String::with_capacity(text.len());
        for (k, &(line_start, line)) in lines.iter().enumerate() {
            if k > 0 {
                out.push('\n');
            }
            let keep_end = k + 1 < lines.len() && is_protected(line_start + line.len());
            let mut line = line.to_owned();
            if !keep_end {
                line.truncate(line.trim_end_matches([' ', '\t']).len());
            }
            if movable(k, line_start) {
                let (width, rest) = leading(&line);
                if !rest.is_empty() {
                    out.push_str(&" ".repeat((width + target).saturating_sub(min_width)));
                    out.push_str(rest);
                }
            } else {
                out.push_str(&line);
            }
        }
        Ok(out)
    }
}

/// The width of a line's leading spaces and tabs (a tab counts as one indentation level), and
/// the rest of the line.
fn leading(line: &str) -> (usize, &str) {
    let rest = line.trim_start_matches([' ', '\t']);
    let width = line[..line.len() - rest.len()]
        .chars()
        .map(|c| if c == '\t' { INDENT.len() } else { 1 })
        .sum();
    (width, rest)
}

/// The content of a block written on one line, if it still fits on one line: header comments,
/// at most one single-line attribute and its trailing comments. `Some("")` for an empty body.
fn one_line_body(header: &[String], lines: &[Line]) -> Option<String> {
    if header.iter().any(|c| c.contains('\n')) {
        return None;
    }
    let mut parts = header.to_vec();
    match lines {
        [] => {}
        [Line::Item(entry)] => {
            let key = entry.key.as_deref()?;
            if entry.is_multiline() || key.contains('\n') {
                return None;
            }
            parts.push(format!("{key} = {}", entry.text));
            parts.extend(entry.trailing.iter().cloned());
        }
        _ => return None,
    }
    Some(parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hcl_edit::structure::BlockLabel;

    // ------------------------------------------------------------------ helpers

    fn fmt(src: &str) -> String {
        match format_source(src) {
            Ok(out) => out,
            Err(err) => panic!("format failed: {err}\ninput:\n{src}"),
        }
    }

    fn parse(src: &str) -> Body {
        match hcl_edit::parser::parse_body(src) {
            Ok(body) => body,
            Err(err) => panic!("parse failed: {err}\ninput:\n{src}"),
        }
    }

    /// A comment- and layout-free rendering of the parsed structure.
    fn canon_body(body: &Body, out: &mut String) {
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    out.push_str("attr ");
                    out.push_str(attr.key.as_str());
                    out.push('=');
                    canon_expr(&attr.value, out);
                    out.push(';');
                }
                Structure::Block(block) => {
                    out.push_str("block ");
                    out.push_str(block.ident.as_str());
                    for label in &block.labels {
                        match label {
                            BlockLabel::Ident(ident) => {
                                out.push_str(&format!(" id:{}", ident.as_str()))
                            }
                            BlockLabel::String(s) => out.push_str(&format!(" {:?}", s.as_str())),
                        }
                    }
                    out.push('{');
                    canon_body(&block.body, out);
                    out.push('}');
                }
            }
        }
    }

    fn canon_expr(expr: &Expression, out: &mut String) {
        match expr {
            Expression::Null(_) => out.push_str("null"),
            Expression::Bool(b) => out.push_str(&b.value().to_string()),
            Expression::Number(n) => out.push_str(&format!("n:{}", n.value())),
            Expression::String(s) => out.push_str(&format!("{:?}", s.value())),
            Expression::Variable(v) => out.push_str(&format!("var:{}", v.as_str())),
            Expression::Array(array) => {
                out.push('[');
                for value in array.iter() {
                    canon_expr(value, out);
                    out.push(',');
                }
                out.push(']');
            }
            Expression::Object(object) => {
                out.push('{');
                for (key, value) in object.iter() {
                    match key {
                        ObjectKey::Ident(ident) => out.push_str(&format!("id:{}", ident.as_str())),
                        ObjectKey::Expression(expr) => canon_expr(expr, out),
                    }
                    out.push('=');
                    canon_expr(value.expr(), out);
                    out.push(';');
                }
                out.push('}');
            }
            Expression::HeredocTemplate(heredoc) => out.push_str(&format!(
                "heredoc({},{:?},{:?})",
                heredoc.delimiter.as_str(),
                heredoc.indent(),
                heredoc.template.to_string()
            )),
            other => {
                // Printed verbatim (possibly re-indented): compare without whitespace.
                let mut other = other.clone();
                other.decor_mut().clear();
                let text: String = other.to_string().split_whitespace().collect();
                out.push_str(&format!("other({text})"));
            }
        }
    }

    fn canon(src: &str) -> String {
        let mut out = String::new();
        canon_body(&parse(src), &mut out);
        out
    }

    /// Spans of strings, templates, heredocs and string labels.
    struct AllProtected(Vec<Range<usize>>);

    impl Visit for AllProtected {
        fn visit_expr(&mut self, node: &Expression) {
            let mut inner = Protected(Vec::new());
            inner.visit_expr(node);
            self.0.extend(inner.0);
        }

        fn visit_block_label(&mut self, node: &BlockLabel) {
            if let (BlockLabel::String(_), Some(span)) = (node, node.span()) {
                self.0.push(span);
            }
        }
    }

    /// Spans of the expressions printed as written (blank lines inside them are kept).
    struct Verbatim(Vec<Range<usize>>);

    impl Visit for Verbatim {
        fn visit_expr(&mut self, node: &Expression) {
            match node {
                Expression::Array(_) | Expression::Object(_) => visit::visit_expr(self, node),
                Expression::Null(_)
                | Expression::Bool(_)
                | Expression::Number(_)
                | Expression::String(_)
                | Expression::Variable(_) => {}
                _ => self.0.extend(node.span()),
            }
        }
    }

    fn protected_ranges(src: &str) -> Vec<Range<usize>> {
        let mut visitor = AllProtected(Vec::new());
        visitor.visit_body(&parse(src));
        visitor.0
    }

    /// The byte ranges of every comment of a source.
    fn comment_ranges(src: &str) -> Vec<Range<usize>> {
        let protected = protected_ranges(src);
        let mut found = Vec::new();
        let mut i = 0;
        while i < src.len() {
            if let Some(range) = protected.iter().find(|r| r.start <= i && i < r.end) {
                i = range.end;
                continue;
            }
            let rest = &src[i..];
            let end = if rest.starts_with('#') || rest.starts_with("//") {
                Some(rest.find('\n').unwrap_or(rest.len()))
            } else {
                rest.strip_prefix("/*")
                    .map(|body| body.find("*/").unwrap() + 4)
            };
            match end {
                Some(end) => {
                    found.push(i..i + end);
                    i += end;
                }
                None => i += rest.chars().next().unwrap().len_utf8(),
            }
        }
        found
    }

    /// Every comment of a source, whitespace-normalized, sorted.
    fn comments(src: &str) -> Vec<String> {
        let mut found: Vec<String> = comment_ranges(src)
            .into_iter()
            .map(|r| src[r].split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        found.sort();
        found
    }

    /// Checks every promise of the formatter on `src` (which must parse) and returns the output.
    fn check(src: &str) -> String {
        let out = fmt(src);
        let again = fmt(&out);
        assert_eq!(out, again, "not idempotent\ninput:\n{src}\nfirst:\n{out}");
        let lf = normalize_line_endings(src).0;
        assert_eq!(
            canon(&lf),
            canon(&out),
            "structure changed\ninput:\n{src}\noutput:\n{out}"
        );
        assert_eq!(
            comments(&lf),
            comments(&out),
            "comments changed\ninput:\n{src}\noutput:\n{out}"
        );
        assert_layout(&out);
        out
    }

    /// Checks `src` if it parses (returning `true`); otherwise formatting must fail cleanly.
    fn check_or_reject(src: &str) -> bool {
        if hcl_edit::parser::parse_body(&normalize_line_endings(src).0).is_ok() {
            check(src);
            true
        } else {
            let err = format_source(src).expect_err("unparsable input formatted");
            assert!(
                err.offset.is_some_and(|offset| offset <= src.len()),
                "{err:?}"
            );
            false
        }
    }

    fn assert_layout(out: &str) {
        if out.is_empty() {
            return;
        }
        assert!(
            out.ends_with('\n') && !out.ends_with("\n\n"),
            "bad file end:\n{out}"
        );
        assert!(!out.starts_with('\n'), "leading blank line:\n{out}");
        let protected = protected_ranges(out);
        let comments = comment_ranges(out);
        let mut verbatim = Verbatim(Vec::new());
        verbatim.visit_body(&parse(out));
        let in_verbatim = |pos: usize| verbatim.0.iter().any(|r| r.start <= pos && pos < r.end);
        let inside = |pos: usize| protected.iter().any(|r| r.start <= pos && pos < r.end);
        let in_comment = |pos: usize| comments.iter().any(|r| r.start <= pos && pos < r.end);
        let mut line_start = 0;
        let mut previous_blank = false;
        for (pos, c) in out.char_indices() {
            if c != '\n' {
                continue;
            }
            let line = &out[line_start..pos];
            let starts_protected = line_start > 0
                && (inside(line_start - 1)
                    || in_comment(line_start - 1)
                    || in_verbatim(line_start - 1));
            if !inside(pos) {
                assert_eq!(
                    line,
                    line.trim_end(),
                    "trailing whitespace in {line:?}:\n{out}"
                );
            }
            if !starts_protected {
                assert!(
                    !line.starts_with('\t'),
                    "tab indentation in {line:?}:\n{out}"
                );
                let blank = line.is_empty();
                assert!(!(blank && previous_blank), "two blank lines:\n{out}");
                previous_blank = blank;
            } else {
                previous_blank = false;
            }
            line_start = pos + 1;
        }
    }

    // ------------------------------------------------------------------ the model example

    const MODEL_EXAMPLE: &str = r#"ecosystem "Acme" {
  owning_repo = "github:acme/eco@main"     # may change ecosystem-level blocks
  live_repo   = "github:acme/eco@live"     # the branch platforms run from; != owning_repo
  doc = "Acme's data ecosystem"

  zone "USA" { repo = "github:acme/usa@main" }   # zone declaration
  zone "EU"  { repo = "github:acme/eu@main" }
}

vendor "AWS" {
  cloud = "aws"   # aws|azure|gcp|ibm|oracle|alibaba|aws_china|tencent|huawei|azure_china|private
  doc = "Amazon Web Services"
  location "USA" {
    location "us-east-1" {}
    location "us-west-1" {}
  }
}

governance_zone "USA" {
  doc = "US data"
  team "NYTeam" { repo = "github:acme/ny@main" }          # team declaration

  policy "vendor"         "Approved"  { allowed = ["AWS", "Private"] }
  policy "cloud"          "Clouds"    { not_allowed = ["alibaba"] }
  policy "location"       "US only"   { allowed = ["AWS:USA", "Private:onprem/dc1"] }  # a location covers those under it
  policy "classification" "No SPI"    { not_allowed = ["PC3", "CPI"] }  # "PC3" also covers "PC3:ssn"
  policy "platform"       "Prod only" { allowed = ["YellowLive"] }
  storage_policy "Encrypted" { mandatory = "zone" }   # zone | individual
}

team "USA" "NYTeam" {
  doc = "New York"

  container "postgres" "US_NWDB" {        # kinds below
    host = "nwdb.us.acme.internal"
    port = 5432
    database = "nwdb"
    locations = ["AWS:USA/us-east-1"]
  }
  container "postgres" "ReportDB" {
    host = "reports.dc1.acme.internal"
    port = 5432
    database = "reports"
    locations = ["Private:onprem/dc1"]
  }

  datastore "USA_Customers" {
    doc = "Customer master"
    production = true                       # default false
    # deprecated = "replaced by Customers2" # optional: a reason marks it deprecated
    capture {
      kind = "cdc"          # cdc | snapshot | watermark | kafka
      container = "US_NWDB"
      credential = "us_cred"
      consistency = "multi_dataset"         # multi_dataset | single_dataset
      trigger = "*/10 * * * *"              # 5-field cron, or "external"
      # watermark_column = "updated_at"     # watermark only; integer or timestamp in every dataset
      # tables = { customers = "dbo.Customers" }   # optional source table per dataset
      # topics = { customers = "acme.customers" }  # kafka only
    }
    require_approval = true                 # default false: open to every consumer
    approval {                              # one block per approved (workspace, dsg, dataset)
      workspace = "Reporting"
      dsg       = "Live"
      dataset   = "customers"
    }
    approval {
      workspace = "Masking"
      dsg       = "Input"
      dataset   = "customers"
    }

    dataset "customers" {
      doc = "One row per customer"
      classification = ["PC2"]              # dataset level; XOR column level
      storage_policies = ["Encrypted"]
      # deprecated = "reason"
      column "customer_id" {
        type = "varchar(5)"
        key = true                          # part of the primary key (in column order)
        nullable = false                    # default true; key columns must be false
      }
      column "name"  { type = "nvarchar(40)" }
      column "since" { type = "timestamp" }
      # primary_key   = ["customer_id"]     # optional; wins over column `key` flags
      # partition_key = ["since"]           # columns must exist and be NOT NULL
    }
  }

  workspace "Reporting" {
    doc = "Ad-hoc reporting"
    container = "ReportDB"          # a container name, or "platform_managed"
    priority = "high"               # critical | high | medium | low | unknown (default)
    production = true
    classification_policy = { not_allowed = ["PC3"] }   # the workspace's own verifier
    dsg "Live" {
      requirements {
        milestoning = "live_only"   # live_only | forensic | live_with_history
        latency = "minutes"         # seconds | minutes | hours | days
        retention = "P365D"
        regulator = "SEC"
      }
      # platform = "YellowLive"     # pin a platform instead of the operators' assignment
      sink "USA_Customers" "customers" { deprecations = "allowed" }   # default "never"
    }
  }

  workspace "Masking" {
    container = "ReportDB"
    dsg "Input" {
      sink "USA_Customers" "customers" {}
    }
    transformer "MaskCustomers" {   # at most one per workspace
      output = "Masked_Customers"   # a datastore of this team whose block has no `capture`
      code { repo = "github:acme/masking@v1.2" }     # or: image = "acme/mask:1.2"
      trigger = "0 * * * *"         # optional; default: runs when its inputs change
    }
  }

  datastore "Masked_Customers" {   # written by MaskCustomers: no capture block
    dataset "customers" {
      classification = ["PUB"]
      column "customer_id" {
        type = "varchar(5)"
        key = true
        nullable = false
      }
      column "name" { type = "nvarchar(40)" }
    }
  }
}

vendor "Private" {
  cloud = "private"
  location "onprem" {
    location "dc1" {}
  }
}

platform "YellowLive" {              # ecosystem-owned
  target = "kafka-connect"           # kafka-connect | aws | azure | confluent | snowflake | legacy
  milestoning = "live_only"          # live_only | forensic
  locations = ["Private:onprem/dc1"]
  credential_store = "k8s"
  doc = "Private Kafka Connect + Postgres"
  # settings { ... }                 # target-specific keys: see "Platform settings" below
}

credential_store "k8s" { kind = "kubernetes_secrets" }   # kubernetes_secrets | aws_secrets_manager | azure_key_vault | env | file

assign "Reporting" "Live" {          # operators' DSG -> platform assignment (ecosystem-owned)
  platform = "YellowLive"            # one block per (workspace, DSG, platform)
  status = "provisioned"             # provisioning | provisioned | decommissioning | decommissioned
}
primary_ingestion "USA_Customers" { platforms = ["YellowLive"] }
"#;

    /// The example with its indentation scrambled: tabs, too many and too few spaces.
    fn messy(src: &str) -> String {
        let styles = ["", "\t", "      ", " ", "\t  ", "   "];
        let mut out = String::new();
        for (i, line) in src.lines().enumerate() {
            out.push_str(styles[i % styles.len()]);
            out.push_str(line.trim_start());
            out.push_str(if i % 7 == 3 { "   \n" } else { "\n" });
        }
        out
    }

    #[test]
    fn model_example_is_canonical_after_one_pass() {
        let input = messy(MODEL_EXAMPLE);
        let out = check(&input);
        assert_eq!(out, check(MODEL_EXAMPLE), "indentation must not matter");
        for expected in [
            "ecosystem \"Acme\" {\n  owning_repo = \"github:acme/eco@main\" # may change ecosystem-level blocks\n  live_repo   = \"github:acme/eco@live\" # the branch platforms run from; != owning_repo\n  doc         = \"Acme's data ecosystem\"\n\n  zone \"USA\" { repo = \"github:acme/usa@main\" } # zone declaration\n",
            "\n    capture {\n      kind        = \"cdc\" # cdc | snapshot | watermark | kafka\n      container   = \"US_NWDB\"\n",
            "\n      # topics = { customers = \"acme.customers\" }  # kafka only\n    }\n",
            "\n      column \"name\" { type = \"nvarchar(40)\" }\n      column \"since\" { type = \"timestamp\" }\n",
            "\n  # settings { ... }                 # target-specific keys: see \"Platform settings\" below\n}\n",
            "\nprimary_ingestion \"USA_Customers\" { platforms = [\"YellowLive\"] }\n",
        ] {
            assert!(out.contains(expected), "missing {expected:?} in\n{out}");
        }
        assert!(out.ends_with("{ platforms = [\"YellowLive\"] }\n"));
    }

    // ------------------------------------------------------------------ layout

    #[test]
    fn aligns_runs_of_attributes() {
        let out =
            check("a = 1\nlong_name    =   2\n\nb=3\n# note\nccc = 4\ndd = 5\nblk {}\ne = 6\n");
        assert_eq!(
            out,
            "a         = 1\nlong_name = 2\n\nb = 3\n# note\nccc = 4\ndd  = 5\nblk {}\ne = 6\n"
        );
    }

    #[test]
    fn multi_line_value_ends_the_run() {
        let out = check("a = 1\nbbb = [\n\"x\"\n]\nc = 2\ndddd = 3\n");
        assert_eq!(out, "a   = 1\nbbb = [\n  \"x\",\n]\nc    = 2\ndddd = 3\n");
    }

    #[test]
    fn tabs_crlf_and_trailing_whitespace() {
        let out = check("blk \"x\"   {\r\n\tkey\t=\t\"v\"   \r\n\t\tother = 1\t\r\n}\r\n");
        assert_eq!(out, "blk \"x\" {\n  key   = \"v\"\n  other = 1\n}\n");
    }

    #[test]
    fn blank_lines_collapse_and_trim() {
        let out = check("\n\n\na = 1\n\n\n\nb {\n\n\n  c = 2\n\n\n\n  d = 3\n\n}\n\n\n\n");
        assert_eq!(out, "a = 1\n\nb {\n  c = 2\n\n  d = 3\n}\n");
    }

    #[test]
    fn trailing_and_own_line_comments() {
        let src = "# file header\n\n  // slashes\nblk {     # after brace\n      a = 1      # trailing\n  /* inline */ b = 2 /* after */\n    # inside at end\n}   // after block\n/* multi\n   line\n     kept */\nc = 3\n# at end of file";
        let out = check(src);
        assert_eq!(
            out,
            "# file header\n\n// slashes\nblk { # after brace\n  a = 1 # trailing\n  /* inline */\n  b = 2 /* after */\n  # inside at end\n} // after block\n/* multi\n   line\n     kept */\nc = 3\n# at end of file\n"
        );
    }

    #[test]
    fn comments_in_header_positions() {
        let out = check("blk /* i */ \"l\" /* l */ {\n  a /* k */ = /* v */ 1\n}\n");
        assert_eq!(
            out,
            "blk /* i */ \"l\" /* l */ {\n  a = /* k */ /* v */ 1\n}\n"
        );
    }

    #[test]
    fn multi_line_array_keeps_comments() {
        let src = "list = [ # header\n    \"a\", # first\n  # own line\n\n\n      \"b\" /* before comma */ ,\n  \"c\" # last, no comma\n  # closing\n]\n";
        let out = check(src);
        assert_eq!(
            out,
            "list = [ # header\n  \"a\", # first\n  # own line\n\n  \"b\", /* before comma */\n  \"c\", # last, no comma\n  # closing\n]\n"
        );
    }

    #[test]
    fn one_line_collections_are_canonical() {
        let out = check("a = [ \"x\",\"y\" , ]\nb = {k=\"v\",k2:\"w\"}\nc = []\nd = {}\ne = [ ]\nf = [[1,2],{ x = [ ] }]\n");
        assert_eq!(
            out,
            "a = [\"x\", \"y\"]\nb = { k = \"v\", k2 = \"w\" }\nc = []\nd = {}\ne = []\nf = [[1, 2], { x = [] }]\n"
        );
    }

    #[test]
    fn multi_line_object_is_aligned_and_keeps_comments() {
        let src =
            "tags = { # header\n  team = \"a\", # c1\n  \"cost-center\": 12\n\n  x=1\n  # end\n}\n";
        let out = check(src);
        assert_eq!(
            out,
            "tags = { # header\n  team          = \"a\" # c1\n  \"cost-center\" = 12\n\n  x = 1\n  # end\n}\n"
        );
    }

    #[test]
    fn object_keys_that_could_continue_a_value_get_a_comma() {
        let out = check("o = {\n  a = [1], -b = 2\n  c = f(1), (d) = 3\n}\n");
        assert_eq!(
            out,
            "o = {\n  a   = [1],\n  -b  = 2\n  c   = f(1)\n  (d) = 3\n}\n"
        );
    }

    #[test]
    fn stray_carriage_returns_before_line_feeds_go() {
        let out = check("a = 1\r\r\nb = 2\r\n");
        assert_eq!(out, "a = 1\nb = 2\n");
    }

    #[test]
    fn nested_blocks_and_one_line_blocks() {
        let src = "a \"x\" {\nb {\nc \"y\" \"z\" {\nd = true\n}\n}\ne { f = null }\ng {\n}\nh { /* note */ }\ni {     }\n}\n";
        let out = check(src);
        assert_eq!(
            out,
            "a \"x\" {\n  b {\n    c \"y\" \"z\" {\n      d = true\n    }\n  }\n  e { f = null }\n  g {}\n  h { /* note */ }\n  i {}\n}\n"
        );
    }

    #[test]
    fn one_line_block_with_multi_line_content_opens_up() {
        let out = check("b { /* c */ x = [\n1,\n2] /* d */ }\n");
        assert_eq!(
            out,
            "b { /* c */\n  x = [\n    1,\n    2,\n  ] /* d */\n}\n"
        );
    }

    #[test]
    fn strings_and_numbers_as_written() {
        let src = "a = \"esc \\\" \\\\ \\n \\u00e9 $${x}\"\nb = 1.50\nc = -  7\nd = 1e3\ne = \"${var.x}-y\"\n";
        let out = check(src);
        assert_eq!(
            out,
            "a = \"esc \\\" \\\\ \\n \\u00e9 $${x}\"\nb = 1.50\nc = -  7\nd = 1e3\ne = \"${var.x}-y\"\n"
        );
    }

    #[test]
    fn heredocs_are_byte_exact() {
        let src = "blk {\n    text = <<EOT\n  indented   \n\ttab\n\nEOT\n  dedent = <<-EOT\n      a\n    b\n    EOT\n  list = [\n<<X\nx\nX\n, \"y\"]\n}\n";
        let out = check(src);
        assert_eq!(
            out,
            "blk {\n  text = <<EOT\n  indented   \n\ttab\n\nEOT\n  dedent = <<-EOT\n      a\n    b\n    EOT\n  list = [\n    <<X\nx\nX\n    ,\n    \"y\",\n  ]\n}\n"
        );
    }

    #[test]
    fn other_expressions_are_kept_and_reindented() {
        let src = "blk {\n        x = merge(\n              { a = 1 },\n                var.b,\n            )\n  y = a+b\n  z = [for v in var.l : upper(v) if v != \"\"]\n}\n";
        let out = check(src);
        assert_eq!(
            out,
            "blk {\n  x = merge(\n    { a = 1 },\n      var.b,\n  )\n  y = a+b\n  z = [for v in var.l : upper(v) if v != \"\"]\n}\n"
        );
    }

    #[test]
    fn empty_and_comment_only_files() {
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("\n\n  \t\n"), "");
        assert_eq!(fmt("\r\n"), "");
        let out = check("\n\n   # one\n\n\n\t// two\n/* three */   \n\n");
        assert_eq!(out, "# one\n\n// two\n/* three */\n");
    }

    #[test]
    fn parse_errors_carry_offsets() {
        let err = format_source("a = 1\nb = \n").unwrap_err();
        assert!(err.offset.is_some() && err.line == Some(2), "{err:?}");
        assert!(!err.to_string().is_empty());
        let err = format_source("a = {\n").unwrap_err();
        assert!(err.offset.is_some(), "{err:?}");
        // Offsets refer to the caller's text, CRs included.
        let lf = format_source("a = 1\nb = 2\nc = ]\n").unwrap_err();
        let crlf = format_source("a = 1\r\nb = 2\r\nc = ]\r\n").unwrap_err();
        assert_eq!(
            crlf.offset.unwrap(),
            lf.offset.unwrap() + 2,
            "{lf:?} {crlf:?}"
        );
        assert!(
            format_source("a = 1\na = 2\n").is_err(),
            "duplicate attribute"
        );
    }

    // ------------------------------------------------------------------ generated inputs

    /// xorshift64*: deterministic, dependency-free randomness.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    struct Gen {
        rng: Rng,
        counter: usize,
    }

    impl Gen {
        fn key(&mut self) -> String {
            self.counter += 1;
            let stem = self
                .rng
                .pick(&["a", "key", "long_attribute_name", "x_y", "n"]);
            format!("{stem}{}", self.counter)
        }

        fn indent(&mut self) -> String {
            let unit = self.rng.pick(&["", " ", "  ", "\t", "    ", " \t "]);
            unit.repeat(self.rng.below(3))
        }

        fn sp(&mut self) -> &'static str {
            self.rng.pick(&[
                "",
                " ",
                " ",
                "   ",
                "\t",
                " /* sp */ ",
                " /* sp\n   two */ ",
            ])
        }

        fn trailing(&mut self) -> &'static str {
            self.rng.pick(&[
                "",
                "",
                "",
                " # trail",
                "   // slash trail",
                " /* b */",
                " /* b */ # t",
                " /* m\n  l */",
            ])
        }

        fn comment_line(&mut self) -> String {
            let ind = self.indent();
            let text = self.rng.pick(&[
                "# hash comment",
                "// slash comment",
                "/* block comment */",
                "/* multi\n     line\n  comment */",
                "#",
                "# with \"quotes\" and = signs",
            ]);
            format!("{ind}{text}\n")
        }

        fn scalar(&mut self) -> String {
            self.rng
                .pick(&[
                    "1",
                    "42",
                    "3.50",
                    "-7",
                    "1e3",
                    "true",
                    "false",
                    "null",
                    "\"plain\"",
                    "\"esc \\\" \\\\ \\u00e9\"",
                    "\"has # hash\"",
                    "\"a // b /* c */\"",
                    "\"${var.x}\"",
                    "var.x",
                    "upper(\"a\")",
                    "\"\"",
                    "[for v in l : v]",
                    "{ for k, v in m : k => v }",
                    "a ? b : c",
                    "x.y[0]",
                ])
                .to_owned()
        }

        fn value(&mut self, depth: usize) -> String {
            let choice = if depth > 2 { 0 } else { self.rng.below(9) };
            match choice {
                0..=2 => self.scalar(),
                3 => {
                    let n = self.rng.below(4);
                    let items: Vec<String> = (0..n)
                        .map(|_| {
                            let pre = if self.rng.chance(10) { "/* i */ " } else { "" };
                            format!("{pre}{}", self.value(depth + 1))
                        })
                        .collect();
                    let sep = self.rng.pick(&[",", ", ", " ,  ", ",\t"]);
                    let comma = if n > 0 && self.rng.chance(30) {
                        ","
                    } else {
                        ""
                    };
                    let sp = self.sp();
                    format!("[{sp}{}{comma}]", items.join(sep))
                }
                4 => self.multi_line_array(depth),
                5 => {
                    let n = self.rng.below(3);
                    let items: Vec<String> = (0..n)
                        .map(|_| {
                            let k = match self.rng.below(6) {
                                0 => format!("\"q {}\"", self.key()),
                                1 => format!("-{}", self.key()),
                                2 => format!("({})", self.key()),
                                _ => self.key(),
                            };
                            let assign = self.rng.pick(&["=", " = ", ":", " : "]);
                            let v = self.value(depth + 1);
                            format!("{k}{assign}{v}")
                        })
                        .collect();
                    format!("{{{}}}", items.join(", "))
                }
                6 => self.multi_line_object(depth),
                7 => {
                    let ind = self.indent();
                    let dash = if self.rng.chance(50) { "-" } else { "" };
                    format!("<<{dash}EOT\n{ind}line one  \n\n\t  two ${{x}}\n{ind}EOT")
                }
                _ => {
                    let ind = self.indent();
                    format!("merge(\n{ind}  {{ a = 1 }},\n{ind}\"s  \",\n   )")
                }
            }
        }

        fn multi_line_array(&mut self, depth: usize) -> String {
            let mut out = String::from("[");
            out.push_str(self.trailing());
            out.push('\n');
            let n = self.rng.below(4);
            for i in 0..n {
                if self.rng.chance(20) {
                    out.push_str(&self.comment_line());
                }
                if self.rng.chance(15) {
                    out.push('\n');
                }
                out.push_str(&self.indent());
                out.push_str(&self.value(depth + 1));
                let last = i + 1 == n;
                if !last || self.rng.chance(50) {
                    out.push_str(self.rng.pick(&[",", " ,", ""]));
                    if out.ends_with(|c| c != ',') {
                        out.push(',');
                    }
                }
                out.push_str(self.trailing());
                out.push('\n');
            }
            if self.rng.chance(20) {
                out.push_str(&self.comment_line());
            }
            out.push_str(&self.indent());
            out.push(']');
            out
        }

        fn multi_line_object(&mut self, depth: usize) -> String {
            let mut out = String::from("{");
            out.push_str(self.trailing());
            out.push('\n');
            for _ in 0..self.rng.below(4) {
                if self.rng.chance(20) {
                    out.push_str(&self.comment_line());
                }
                if self.rng.chance(15) {
                    out.push('\n');
                }
                let ind = self.indent();
                let key = match self.rng.below(6) {
                    0 => format!("\"q {}\"", self.key()),
                    1 => format!("-{}", self.key()),
                    _ => self.key(),
                };
                let sp1 = self.sp();
                let sp2 = self.sp();
                let value = self.value(depth + 1);
                out.push_str(&format!("{ind}{key}{sp1}={sp2}{value}"));
                if self.rng.chance(30) {
                    out.push(',');
                }
                out.push_str(self.trailing());
                out.push('\n');
            }
            if self.rng.chance(20) {
                out.push_str(&self.comment_line());
            }
            out.push_str(&self.indent());
            out.push('}');
            out
        }

        fn body(&mut self, depth: usize, out: &mut String) {
            for _ in 0..self.rng.below(6) {
                match self.rng.below(10) {
                    0 => out.push_str(&self.comment_line()),
                    1 => out.push_str(&"\n".repeat(1 + self.rng.below(3))),
                    2..=5 => {
                        let ind = self.indent();
                        let pre = if self.rng.chance(5) { "/* pre */ " } else { "" };
                        let key = self.key();
                        let sp1 = self.sp();
                        let sp2 = self.sp();
                        let value = self.value(0);
                        let trailing = self.trailing();
                        out.push_str(&format!("{ind}{pre}{key}{sp1}={sp2}{value}{trailing}\n"));
                    }
                    _ => self.block(depth, out),
                }
            }
        }

        fn block(&mut self, depth: usize, out: &mut String) {
            let ind = self.indent();
            let name = self.rng.pick(&["blk", "container", "dataset", "b"]);
            let mut head = format!("{ind}{name}");
            for _ in 0..self.rng.below(3) {
                let label = self
                    .rng
                    .pick(&["\"x\"", "\"has space\"", "ident", "\"q\\\"\""]);
                head.push_str(self.rng.pick(&[" ", "  ", "\t"]));
                head.push_str(label);
            }
            head.push_str(self.rng.pick(&[" ", "", "   "]));
            match if depth > 2 { 0 } else { self.rng.below(4) } {
                0 => {
                    let inner = match self.rng.below(3) {
                        0 => String::new(),
                        1 => " /* empty */ ".to_owned(),
                        _ => {
                            let key = self.key();
                            let value = self.value(2);
                            format!(" {key} = {value} ")
                        }
                    };
                    let trailing = self.trailing();
                    out.push_str(&format!("{head}{{{inner}}}{trailing}\n"));
                }
                _ => {
                    let trailing = self.trailing();
                    out.push_str(&format!("{head}{{{trailing}\n"));
                    self.body(depth + 1, out);
                    let ind = self.indent();
                    let trailing = self.trailing();
                    out.push_str(&format!("{ind}}}{trailing}\n"));
                }
            }
        }
    }

    fn generated(seed: u64) -> String {
        let mut gen = Gen {
            rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
            counter: 0,
        };
        let mut out = String::new();
        gen.body(0, &mut out);
        if gen.rng.chance(20) {
            out.push_str(
                gen.rng
                    .pick(&["# end of file", "/* end */", "// end\n\n\n"]),
            );
        }
        if gen.rng.chance(15) {
            out = out.replace('\n', "\r\n");
        }
        out
    }

    #[test]
    fn generated_bodies_keep_structure_and_comments_and_are_idempotent() {
        let mut checked = 0;
        for seed in 0..3000 {
            let src = generated(seed);
            if hcl_edit::parser::parse_body(&normalize_line_endings(&src).0).is_err() {
                continue;
            }
            check(&src);
            checked += 1;
        }
        assert!(checked > 2500, "only {checked} generated inputs parsed");
    }

    /// Random edits of valid files: never a panic; whatever parses keeps every promise.
    #[test]
    fn mutated_inputs_never_panic() {
        let mut rng = Rng(0x5EED);
        let alphabet: Vec<char> = "{}[]()\"=#/*\n \t,.:abcEOT<-$%\\\r1".chars().collect();
        let mut formatted = 0;
        for round in 0..3000 {
            let base = if round % 3 == 0 {
                MODEL_EXAMPLE.to_owned()
            } else {
                generated(round)
            };
            let mut chars: Vec<char> = base.chars().collect();
            for _ in 0..1 + rng.below(4) {
                if chars.is_empty() {
                    break;
                }
                let at = rng.below(chars.len());
                match rng.below(3) {
                    0 => {
                        chars.remove(at);
                    }
                    1 => chars.insert(at, alphabet[rng.below(alphabet.len())]),
                    _ => chars[at] = alphabet[rng.below(alphabet.len())],
                }
            }
            let src: String = chars.into_iter().collect();
            if check_or_reject(&src) {
                formatted += 1;
            }
        }
        assert!(formatted > 300, "only {formatted} mutated inputs parsed");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(src in "\\PC{0,200}") {
            check_or_reject(&src);
        }

        #[test]
        fn hcl_like_text_never_panics(src in "[a-z{}\\[\\]\"=#/* \n\t,<EOT>-]{0,120}") {
            check_or_reject(&src);
        }
    }
}
