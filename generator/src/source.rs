//! Source files and spans: where every model element came from.
//!
//! Loading keeps byte spans only; line and column are computed when a diagnostic is rendered.
//! Text registered here is what diagnostics quote, so inline-secret values are redacted in place
//! (same byte length, so every span stays valid).

use std::ops::Range;
use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: Range<usize>) -> Span {
        Span {
            file,
            start: range.start as u32,
            end: range.end as u32,
        }
    }

    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A value together with the span it was written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// One source file: its display path (relative to the model directory, `/`-separated) and text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    text: String,
    line_starts: Vec<u32>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i as u32 + 1),
            )
            .collect();
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let offset = offset.min(self.text.len() as u32);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line] as usize;
        let mut end = offset as usize;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let col = self.text[start..end].chars().count();
        (line + 1, col + 1)
    }

    /// Replace the bytes of `range` with `*` so diagnostics never quote a secret.
    pub fn redact(&mut self, range: Range<usize>) {
        // Widen the range to whole characters, so only whole characters are overwritten and
        // the text stays valid UTF-8 (only ASCII `*` is written).
        let mut start = range.start.min(self.text.len());
        while !self.text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = range.end.min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        if start >= end {
            return;
        }
        // One `*` per byte keeps every later span valid; newlines stay so line numbers do too.
        let stars: String = self.text.as_bytes()[start..end]
            .iter()
            .map(|&b| if b == b'\n' { '\n' } else { '*' })
            .collect();
        self.text.replace_range(start..end, &stars);
    }
}

/// All files of one loaded model, addressed by [`FileId`].
///
/// Ids may be sparse: the two revisions of a check share the ids of their identical files, so a
/// revision's map holds only its own files and a span from either revision stays unambiguous.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<Option<Arc<SourceFile>>>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(Some(Arc::new(file)));
        FileId(self.files.len() as u32 - 1)
    }

    /// Put a (possibly shared) file at a given id, replacing what was there.
    pub fn insert(&mut self, id: FileId, file: Arc<SourceFile>) {
        let i = id.0 as usize;
        if self.files.len() <= i {
            self.files.resize(i + 1, None);
        }
        self.files[i] = Some(file);
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize).and_then(|f| f.as_deref())
    }

    pub fn path(&self, id: FileId) -> &str {
        self.get(id).map(|f| f.path.as_str()).unwrap_or("<unknown>")
    }

    /// 1-based (line, column) of the start of a span.
    pub fn line_col(&self, span: Span) -> (usize, usize) {
        self.get(span.file)
            .map(|f| f.line_col(span.start))
            .unwrap_or((1, 1))
    }

    /// The files present, in id order.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.as_deref().map(|f| (FileId(i as u32), f)))
    }

    /// A map holding the files of both, `self`'s where an id is in both.
    pub fn union(&self, other: &SourceMap) -> SourceMap {
        let mut out = self.clone();
        for (i, f) in other.files.iter().enumerate() {
            if let Some(f) = f {
                if out.get(FileId(i as u32)).is_none() {
                    out.insert(FileId(i as u32), f.clone());
                }
            }
        }
        out
    }

    pub fn redact(&mut self, span: Span) {
        if let Some(Some(f)) = self.files.get_mut(span.file.0 as usize) {
            Arc::make_mut(f).redact(span.range());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_from_one() {
        let f = SourceFile::new("a.hcl", "ab\nçd = 1\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        assert_eq!(f.line_col(5), (2, 2)); // after the two-byte ç
        assert_eq!(f.line_col(999), (3, 1));
    }

    #[test]
    fn redaction_keeps_length_and_utf8() {
        let mut f = SourceFile::new("a.hcl", "password = \"hünter2\"\n");
        let len = f.text().len();
        f.redact(12..20);
        assert_eq!(f.text().len(), len);
        assert!(!f.text().contains("nter2"));
        assert!(f.text().starts_with("password = \"*"));
    }

    #[test]
    fn redaction_inside_a_character_widens_to_it() {
        let mut f = SourceFile::new("a.hcl", "token = \"ü\"\n");
        f.redact(10..11); // the second byte of ü
        assert_eq!(f.text(), "token = \"**\"\n");
    }
}
