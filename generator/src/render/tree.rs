//! A rendered file tree, held in memory until it is complete.
//!
//! Targets build a [`FileTree`]; nothing touches the disk until the whole render succeeded, so a
//! failed render never leaves a half-written output. Paths are relative, `/`-separated and
//! checked on insertion; text is stored with LF line endings; iteration is sorted by path, so
//! the same model always gives the same bytes.

use serde::Serialize;
use std::collections::BTreeMap;

/// A file tree path that cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    #[error("`{0}` is not a relative path of plain segments")]
    BadPath(String),
    #[error("`{0}` was rendered twice")]
    Duplicate(String),
    #[error("`{0}` is both a file and a directory")]
    FileIsDirectory(String),
    #[error("cannot serialize `{path}`: {message}")]
    Serialize { path: String, message: String },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileTree {
    files: BTreeMap<String, Vec<u8>>,
}

/// Is `path` relative, `/`-separated, with no empty, `.` or `..` segment and no characters that
/// are unsafe in a file name on common file systems?
pub fn is_safe_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        })
}

impl FileTree {
    pub fn new() -> FileTree {
        FileTree::default()
    }

    /// Add a text file; CRLF and lone CR become LF, and a final newline is ensured.
    pub fn text(&mut self, path: &str, text: impl Into<String>) -> Result<(), TreeError> {
        let mut text = text.into();
        // Generated text rarely holds a CR: normalize only then, so large renders do not copy
        // every file twice.
        if text.contains('\r') {
            text = text.replace("\r\n", "\n").replace('\r', "\n");
        }
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        self.insert(path, text.into_bytes())
    }

    /// Add a value as pretty-printed JSON (two-space indent, final newline).
    pub fn json<T: Serialize>(&mut self, path: &str, value: &T) -> Result<(), TreeError> {
        let text = serde_json::to_string_pretty(value).map_err(|e| TreeError::Serialize {
            path: path.to_string(),
            message: e.to_string(),
        })?;
        self.text(path, text)
    }

    fn insert(&mut self, path: &str, bytes: Vec<u8>) -> Result<(), TreeError> {
        if !is_safe_path(path) {
            return Err(TreeError::BadPath(path.to_string()));
        }
        if self.files.contains_key(path) {
            return Err(TreeError::Duplicate(path.to_string()));
        }
        // A file may not sit where another file needs a directory, or the reverse.
        let dir = format!("{path}/");
        if self
            .files
            .range(dir.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&dir))
        {
            return Err(TreeError::FileIsDirectory(path.to_string()));
        }
        let mut at = 0;
        while let Some(i) = path[at..].find('/') {
            let parent = &path[..at + i];
            if self.files.contains_key(parent) {
                return Err(TreeError::FileIsDirectory(parent.to_string()));
            }
            at += i + 1;
        }
        self.files.insert(path.to_string(), bytes);
        Ok(())
    }

    /// Move every file of `other` under `prefix/`.
    pub fn nest(&mut self, prefix: &str, other: FileTree) -> Result<(), TreeError> {
        // The common case, nothing under `prefix` yet (a platform's tree nested once): `other`'s
        // paths were checked when inserted, so only `prefix` needs checking, and the prefixed
        // keys are still sorted: the map is built from them in one pass.
        let dir = format!("{prefix}/");
        let prefix_free = is_safe_path(prefix)
            && !self.files.contains_key(prefix)
            && !self
                .files
                .range(dir.clone()..)
                .next()
                .is_some_and(|(k, _)| k.starts_with(&dir))
            && !self.has_file_ancestor(prefix);
        if !prefix_free {
            for (path, bytes) in other.files {
                self.insert(&format!("{prefix}/{path}"), bytes)?;
            }
            return Ok(());
        }
        let nested: BTreeMap<String, Vec<u8>> = other
            .files
            .into_iter()
            .map(|(path, bytes)| (format!("{dir}{path}"), bytes))
            .collect();
        if self.files.is_empty() {
            self.files = nested;
        } else {
            self.files.extend(nested);
        }
        Ok(())
    }

    /// Is some proper ancestor directory of `path` (or `path`'s own prefix segments) a file?
    fn has_file_ancestor(&self, path: &str) -> bool {
        let mut at = 0;
        while let Some(i) = path[at..].find('/') {
            if self.files.contains_key(&path[..at + i]) {
                return true;
            }
            at += i + 1;
        }
        false
    }

    /// Files in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_str(), b.as_slice()))
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|b| b.as_slice())
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_be_plain_relative_segments() {
        let mut t = FileTree::new();
        for bad in [
            "", "/abs", "a/../b", "a//b", "./a", "a\\b", "a/b c", "a/\u{e9}",
        ] {
            assert_eq!(
                t.text(bad, "x"),
                Err(TreeError::BadPath(bad.to_string())),
                "{bad:?}"
            );
        }
        assert!(t.text("p/kafka-connect/a_b.json", "x").is_ok());
    }

    #[test]
    fn duplicates_and_file_directory_clashes_are_errors() {
        let mut t = FileTree::new();
        t.text("a/b", "1").unwrap();
        assert_eq!(t.text("a/b", "2"), Err(TreeError::Duplicate("a/b".into())));
        assert_eq!(
            t.text("a", "2"),
            Err(TreeError::FileIsDirectory("a".into()))
        );
        assert_eq!(
            t.text("a/b/c", "2"),
            Err(TreeError::FileIsDirectory("a/b".into()))
        );
        assert!(t.text("a/bc", "3").is_ok());
    }

    #[test]
    fn text_is_stored_with_lf_and_a_final_newline() {
        let mut t = FileTree::new();
        t.text("a", "x\r\ny\rz").unwrap();
        assert_eq!(t.get("a"), Some(&b"x\ny\nz\n"[..]));
        t.json("b.json", &serde_json::json!({"k": [1]})).unwrap();
        assert_eq!(
            t.get("b.json"),
            Some(&b"{\n  \"k\": [\n    1\n  ]\n}\n"[..])
        );
    }

    #[test]
    fn nesting_checks_the_prefix_against_what_is_there() {
        let one = || {
            let mut t = FileTree::new();
            t.text("a", "").unwrap();
            t
        };
        let mut t = FileTree::new();
        t.text("P", "").unwrap();
        assert_eq!(
            t.nest("P", one()),
            Err(TreeError::FileIsDirectory("P".into()))
        );
        let mut t = FileTree::new();
        t.nest("P", one()).unwrap();
        assert_eq!(t.nest("P", one()), Err(TreeError::Duplicate("P/a".into())));
        t.text("Q", "").unwrap();
        assert_eq!(
            t.nest("Q/R", one()),
            Err(TreeError::FileIsDirectory("Q".into()))
        );
        assert_eq!(
            t.nest("../x", one()),
            Err(TreeError::BadPath("../x/a".into()))
        );
    }

    #[test]
    fn nesting_prefixes_and_iteration_is_sorted() {
        let mut inner = FileTree::new();
        inner.text("z", "").unwrap();
        inner.text("a", "").unwrap();
        let mut t = FileTree::new();
        t.text("MANIFEST.json", "{}").unwrap();
        t.nest("P", inner).unwrap();
        let paths: Vec<_> = t.iter().map(|(p, _)| p).collect();
        assert_eq!(paths, ["MANIFEST.json", "P/a", "P/z"]);
    }
}
