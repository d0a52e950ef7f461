//! Loading a model: the only stage that reads model files.
//!
//! `load_dir` walks a directory for `*.hcl` and `*.hcl.json` files (recursively, in path order,
//! skipping hidden directories); `load_files` takes files already in memory (a git tree, a
//! test). Files are parsed, validated and decoded in parallel, then merged in path order and
//! checked for duplicate elements. Loading never stops at the first problem: it returns the
//! model it could build and every diagnostic; only I/O on the directory itself is an `Err`.

pub mod codes;
mod decode;
mod unique;
mod validate;

use crate::diag::Diagnostic;
use crate::lint::rules::inline_secret;
use crate::model::Model;
use crate::source::{FileId, SourceFile, SourceMap, Span};
use crate::syntax::{self, Body, ValueKind};
use codes::*;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The loaded model and every load-stage diagnostic.
#[derive(Debug)]
pub struct Loaded {
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
}

/// I/O failures that stop loading (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("model directory `{path}` does not exist")]
    NotFound { path: PathBuf },
    #[error("`{path}` is not a directory")]
    NotADirectory { path: PathBuf },
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Is this a model file name?
pub fn is_model_file(name: &str) -> bool {
    name.ends_with(".hcl") || name.ends_with(".hcl.json")
}

/// Load every model file under `dir`.
pub fn load_dir(dir: &Path) -> Result<Loaded, LoadError> {
    let meta = std::fs::metadata(dir).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound {
            path: dir.to_path_buf(),
        },
        _ => LoadError::Io {
            path: dir.to_path_buf(),
            source,
        },
    })?;
    if !meta.is_dir() {
        return Err(LoadError::NotADirectory {
            path: dir.to_path_buf(),
        });
    }
    let mut paths = Vec::new();
    walk(dir, dir, &mut paths)?;
    paths.sort();
    let files = paths
        .into_par_iter()
        .map(|(rel, path)| {
            std::fs::read(&path)
                .map(|bytes| (rel, bytes))
                .map_err(|source| LoadError::Io { path, source })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(load_files(files))
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let file_type = entry.file_type().map_err(io)?;
        let path = entry.path();
        if file_type.is_dir() {
            if !name.starts_with('.') {
                walk(root, &path, out)?;
            }
        } else if is_model_file(&name) {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, path));
        }
    }
    Ok(())
}

/// One file after parsing, validation and decoding.
#[derive(Clone)]
struct FileResult {
    source: Arc<SourceFile>,
    model: Model,
    diagnostics: Vec<Diagnostic>,
}

/// Load a model from files in memory: `(relative path, bytes)`, in any order.
pub fn load_files(files: Vec<(String, Vec<u8>)>) -> Loaded {
    let files = model_files_in_order(files);
    let results: Vec<FileResult> = files
        .into_par_iter()
        .enumerate()
        .map(|(i, (path, bytes))| load_file(FileId(i as u32), path, bytes))
        .collect();
    assemble(
        results
            .into_iter()
            .enumerate()
            .map(|(i, r)| (FileId(i as u32), r)),
    )
}

/// Two revisions of one model, loaded together (what `dsgen check` compares).
#[derive(Debug)]
pub struct LoadedPair {
    pub base: Loaded,
    pub head: Loaded,
}

/// Load two revisions at once. A file with the same path and bytes in both is parsed and
/// decoded once and gets the same [`FileId`] in both models; every other file gets an id of its
/// own, so a span of either revision is unambiguous in `base.sources.union(&head.sources)`.
/// Each model equals what [`load_files`] returns for its files (the ids aside): head's ids are
/// exactly those, base's differ only for files it does not share with head.
pub fn load_pair(base: Vec<(String, Vec<u8>)>, head: Vec<(String, Vec<u8>)>) -> LoadedPair {
    let head = model_files_in_order(head);
    let base = model_files_in_order(base);
    let head_ids: HashMap<&str, (FileId, &[u8])> = head
        .iter()
        .enumerate()
        .map(|(i, (p, b))| (p.as_str(), (FileId(i as u32), b.as_slice())))
        .collect();
    let mut next = head.len() as u32;
    let mut base_ids = Vec::with_capacity(base.len());
    let mut base_only = Vec::new();
    for (path, bytes) in &base {
        match head_ids.get(path.as_str()) {
            Some(&(id, b)) if b == bytes.as_slice() => base_ids.push(id),
            _ => {
                base_ids.push(FileId(next));
                base_only.push(next as usize);
                next += 1;
            }
        }
    }
    drop(head_ids);
    let base_only: std::collections::HashSet<usize> = base_only.into_iter().collect();
    let units: Vec<(FileId, String, Vec<u8>)> = head
        .into_iter()
        .enumerate()
        .map(|(i, (p, b))| (FileId(i as u32), p, b))
        .chain(
            base.into_iter()
                .zip(&base_ids)
                .filter(|(_, id)| base_only.contains(&(id.0 as usize)))
                .map(|((p, b), &id)| (id, p, b)),
        )
        .collect();
    let mut results: Vec<Option<FileResult>> = units
        .into_par_iter()
        .map(|(id, path, bytes)| Some(load_file(id, path, bytes)))
        .collect();
    // Base takes copies of the shared files and the files of its own; head takes the rest.
    let base_results: Vec<(FileId, FileResult)> = base_ids
        .par_iter()
        .map(|&id| {
            let r = results[id.0 as usize]
                .as_ref()
                .expect("every id was loaded");
            (id, r.clone())
        })
        .collect();
    for &i in &base_only {
        results[i] = None;
    }
    let head_results = results
        .into_iter()
        .enumerate()
        .filter_map(|(i, r)| r.map(|r| (FileId(i as u32), r)));
    LoadedPair {
        base: assemble(base_results.into_iter()),
        head: assemble(head_results),
    }
}

fn model_files_in_order(mut files: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    files.retain(|(path, _)| is_model_file(path));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Merge loaded files, given in path order, into one model and check it as a whole.
fn assemble(results: impl Iterator<Item = (FileId, FileResult)>) -> Loaded {
    let mut model = Model::default();
    let mut sources = SourceMap::default();
    let mut diagnostics = Vec::new();
    for (id, r) in results {
        sources.insert(id, r.source);
        diagnostics.extend(r.diagnostics);
        merge(&mut model, r.model, &mut diagnostics);
    }
    if sources.files().next().is_none() {
        diagnostics.push(
            Diagnostic::new(&DS009, "the model directory holds no model files")
                .help("a model is a directory of `*.hcl` (or `*.hcl.json`) files; `dsgen new DIR` writes a starter model"),
        );
    } else if model.ecosystem.is_none() {
        diagnostics.push(
            Diagnostic::new(&DS010, "the model has no `ecosystem` block")
                .help("add `ecosystem \"NAME\" { owning_repo = \"github:OWNER/REPO@BRANCH\" }` to one of the files"),
        );
    }
    unique::enforce(&mut model, &mut diagnostics);
    model.sources = sources;
    Loaded { model, diagnostics }
}

fn load_file(file: FileId, path: String, bytes: Vec<u8>) -> FileResult {
    let mut diagnostics = Vec::new();
    let mut model = Model::default();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            // Keep the valid prefix so the diagnostic can still show where the file went wrong.
            let bytes = err.into_bytes();
            let text = String::from_utf8_lossy(&bytes[..at]).into_owned();
            diagnostics.push(
                Diagnostic::new(&DS001, format!("`{path}` is not valid UTF-8 (byte {at})"))
                    .at(Span::new(file, at..at))
                    .help("model files must be UTF-8 text; re-save the file as UTF-8"),
            );
            return FileResult {
                source: Arc::new(SourceFile::new(path, text)),
                model,
                diagnostics,
            };
        }
    };
    let parsed = if path.ends_with(".hcl.json") {
        syntax::json::parse(&text, file)
    } else {
        syntax::native::parse(&text, file)
    };
    let mut source = SourceFile::new(path, text);
    match parsed {
        Ok(body) => {
            secrets(&body, &mut source, &mut diagnostics);
            validate::validate_file(&body, &mut diagnostics);
            decode::Decoder::new(&mut diagnostics).file(&body, &mut model);
        }
        Err(err) => diagnostics.push(
            Diagnostic::new(&DS002, err.message)
                .at(err.span)
                .help("fix the syntax; `dsgen fmt` only formats files that parse"),
        ),
    }
    FileResult {
        source: Arc::new(source),
        model,
        diagnostics,
    }
}

/// Report inline secrets (a lint rule that only the syntax tree can see, since unknown
/// attributes never reach the model) and redact every such value from the quoted source.
fn secrets(body: &Body, source: &mut SourceFile, diags: &mut Vec<Diagnostic>) {
    for attr in &body.attributes {
        // The model's own key lists end in `_key` but name columns, never secrets.
        let own_key_list = matches!(attr.key.value.as_str(), "primary_key" | "partition_key");
        if own_key_list || !crate::model::values::is_secret_attribute_name(&attr.key.value) {
            continue;
        }
        match attr.value.kind {
            ValueKind::String(_) => {
                source.redact(attr.value.span.range());
                diags.push(inline_secret::diagnostic(&attr.key, attr.value.span));
            }
            // Not the rule's "string literal", but a number can be a PIN: never quote it.
            ValueKind::Number(_) => source.redact(attr.value.span.range()),
            _ => {}
        }
    }
    for block in &body.blocks {
        secrets(&block.body, source, diags);
    }
}

/// Append one file's elements to the model; a second ecosystem is a duplicate.
fn merge(model: &mut Model, mut part: Model, diags: &mut Vec<Diagnostic>) {
    if let Some(eco) = part.ecosystem.take() {
        match &model.ecosystem {
            Some(first) => diags.push(decode::duplicate("ecosystem", &eco.name, first.name.span)),
            None => model.ecosystem = Some(eco),
        }
    }
    model.vendors.append(&mut part.vendors);
    model.zones.append(&mut part.zones);
    model.teams.append(&mut part.teams);
    model.containers.append(&mut part.containers);
    model.credential_stores.append(&mut part.credential_stores);
    model.platforms.append(&mut part.platforms);
    model.assignments.append(&mut part.assignments);
    model
        .primary_ingestions
        .append(&mut part.primary_ingestions);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(files: &[(&str, &str)]) -> Loaded {
        load_files(
            files
                .iter()
                .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
                .collect(),
        )
    }

    fn codes(l: &Loaded) -> Vec<&'static str> {
        l.diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn empty_model_is_ds009() {
        assert_eq!(codes(&load(&[])), ["DS009"]);
    }

    #[test]
    fn no_ecosystem_is_ds010() {
        assert_eq!(
            codes(&load(&[("a.hcl", "vendor \"V\" { cloud = \"aws\" }\n")])),
            ["DS010"]
        );
    }

    #[test]
    fn duplicates_across_files_point_at_both() {
        let eco = "ecosystem \"E\" { owning_repo = \"github:a/b@main\" }\n";
        let l = load(&[("a.hcl", eco), ("b.hcl", eco)]);
        assert_eq!(codes(&l), ["DS008"]);
        let d = &l.diagnostics[0];
        assert_eq!(l.model.sources.path(d.span.unwrap().file), "b.hcl");
        assert_eq!(l.model.sources.path(d.labels[0].span.file), "a.hcl");
    }

    #[test]
    fn non_utf8_is_ds001() {
        let l = load_files(vec![("a.hcl".into(), b"ecosystem \"\xff\" {}".to_vec())]);
        assert!(codes(&l).contains(&"DS001"));
    }

    #[test]
    fn key_lists_are_neither_secrets_nor_redacted() {
        let text =
            "ecosystem \"E\" {\n  owning_repo = \"github:a/b@main\"\n  primary_key = \"id\"\n}\n";
        let l = load(&[("a.hcl", text)]);
        assert!(!codes(&l).contains(&"DS131"), "{:?}", codes(&l));
        assert!(l
            .model
            .sources
            .files()
            .next()
            .unwrap()
            .1
            .text()
            .contains("\"id\""));
    }

    #[test]
    fn secrets_are_redacted_from_sources() {
        let l = load(&[(
            "a.hcl",
            "ecosystem \"E\" {\n  owning_repo = \"github:a/b@main\"\n  db_password = \"hunter2\"\n}\n",
        )]);
        let text = l.model.sources.files().next().unwrap().1.text().to_string();
        assert!(!text.contains("hunter2"), "{text}");
        let mut c = codes(&l);
        c.sort();
        assert_eq!(c, ["DS004", "DS131"]);
    }
}
