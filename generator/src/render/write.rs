//! Writing a rendered tree to `--out` all at once, with its `MANIFEST.json`.
//!
//! The tree is written into a fresh temporary directory next to `--out` and renamed into place
//! only when every file is on disk, so a reader (or a crash) never sees a half-written output.
//! An existing `--out` is replaced only when it is empty or itself a dsgen render (it has a
//! `MANIFEST.json` naming dsgen); anything else is refused, so a mistyped `--out $HOME` cannot
//! delete a directory.

use super::names::hex;
use super::tree::FileTree;
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "MANIFEST.json";

/// What `MANIFEST.json` records (DESIGN.md "Targets"). The model's git commit is deliberately
/// absent: it goes into the generated branch's commit message, so a model commit that changes
/// nothing rendered changes no byte of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Manifest {
    pub generator: &'static str,
    pub dsgen_version: &'static str,
    /// SHA-256 of the canonical model (independent of file names, order and formatting).
    pub model_digest: String,
    pub platforms: Vec<ManifestPlatform>,
    pub files: Vec<ManifestFile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestPlatform {
    pub platform: String,
    pub target: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManifestFile {
    pub path: String,
    pub sha256: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

impl Manifest {
    /// The manifest of `tree` (which must not already hold one).
    pub fn of(tree: &FileTree, model_digest: String, platforms: Vec<ManifestPlatform>) -> Manifest {
        Manifest {
            generator: "dsgen",
            dsgen_version: env!("CARGO_PKG_VERSION"),
            model_digest,
            platforms,
            // Hashed in parallel: at scale this is every byte of the render.
            files: tree
                .iter()
                .collect::<Vec<_>>()
                .par_iter()
                .map(|(path, bytes)| ManifestFile {
                    path: path.to_string(),
                    sha256: sha256_hex(bytes),
                })
                .collect(),
        }
    }
}

impl Manifest {
    /// `MANIFEST.json`'s bytes: pretty JSON with a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut text = serde_json::to_string_pretty(self).expect("a manifest always serializes");
        text.push('\n');
        text.into_bytes()
    }
}

/// Why an output directory was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to replace `{0}`: it is not empty and not a dsgen render (no MANIFEST.json from dsgen); choose an empty or new directory")]
    NotARender(PathBuf),
    #[error("`{0}` exists and is not a directory")]
    NotADirectory(PathBuf),
    #[error("cannot write `{path}`: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Is `dir` something [`write_tree`] may replace?
fn replaceable(dir: &Path) -> Result<bool, WriteError> {
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(true),
        Err(e) => return Err(io_at(dir)(e)),
    };
    if !meta.is_dir() {
        return Err(WriteError::NotADirectory(dir.to_path_buf()));
    }
    if std::fs::read_dir(dir).map_err(io_at(dir))?.next().is_none() {
        return Ok(true);
    }
    let manifest = match std::fs::read(dir.join(MANIFEST)) {
        Ok(bytes) => bytes,
        Err(_) => return Ok(false),
    };
    let ours = serde_json::from_slice::<serde_json::Value>(&manifest)
        .ok()
        .and_then(|v| {
            v.get("generator")
                .and_then(|g| g.as_str())
                .map(|g| g == "dsgen")
        })
        .unwrap_or(false);
    Ok(ours)
}

/// Write `tree` plus `manifest` as the whole content of `out`, atomically replacing a previous
/// render.
pub fn write_tree(out: &Path, tree: &FileTree, manifest: &Manifest) -> Result<(), WriteError> {
    if !replaceable(out)? {
        return Err(WriteError::NotARender(out.to_path_buf()));
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io_at(&parent))?;
    let staging = tempfile::Builder::new()
        .prefix(".dsgen-render-")
        .tempdir_in(&parent)
        .map_err(io_at(&parent))?;
    // Directories first (each once, in path order), then the files in parallel: large renders
    // are mostly file creation.
    let mut dirs: Vec<&str> = tree
        .iter()
        .filter_map(|(path, _)| path.rsplit_once('/').map(|(dir, _)| dir))
        .collect();
    dirs.dedup();
    for dir in dirs {
        let dest = staging.path().join(dir);
        std::fs::create_dir_all(&dest).map_err(io_at(&dest))?;
    }
    let files: Vec<(&str, &[u8])> = tree.iter().collect();
    let pool = io_pool();
    // A file the previous render holds byte for byte is hard-linked instead of written: a
    // re-render mostly repeats the last one, and linking writes no data (nor does deleting the
    // old render then free any). The bytes on disk are compared, not the old manifest, so a
    // hand-edited file is never carried over.
    let previous = out.is_dir().then_some(out);
    let write = || {
        files.par_iter().try_for_each(|(path, bytes)| {
            let dest = staging.path().join(path);
            if let Some(previous) = previous {
                if link_if_same(&previous.join(path), bytes, &dest) {
                    return Ok(());
                }
            }
            std::fs::write(&dest, bytes).map_err(io_at(&dest))
        })
    };
    match &pool {
        Some(pool) => pool.install(write),
        None => write(),
    }?;
    let dest = staging.path().join(MANIFEST);
    std::fs::write(&dest, manifest.to_bytes()).map_err(io_at(&dest))?;

    // Swap: move the old render aside, move the new one in, then delete the old one. If the
    // second rename fails the old render is put back.
    let staged = staging.keep();
    let old = if out.exists() {
        let aside = tempfile::Builder::new()
            .prefix(".dsgen-old-")
            .tempdir_in(&parent)
            .map_err(io_at(&parent))?
            .keep();
        std::fs::remove_dir(&aside).map_err(io_at(&aside))?;
        std::fs::rename(out, &aside).map_err(io_at(out))?;
        Some(aside)
    } else {
        None
    };
    if let Err(e) = std::fs::rename(&staged, out) {
        if let Some(aside) = &old {
            let _ = std::fs::rename(aside, out);
        }
        let _ = std::fs::remove_dir_all(&staged);
        return Err(io_at(out)(e));
    }
    if let Some(aside) = old {
        remove_tree(&aside, pool.as_ref()).map_err(io_at(&aside))?;
    }
    Ok(())
}

/// Hard-link `old` to `dest` when `old` is a regular file holding exactly `bytes`; false when
/// it is not (or the file system cannot link), and the caller writes `dest` itself.
fn link_if_same(old: &Path, bytes: &[u8], dest: &Path) -> bool {
    match std::fs::symlink_metadata(old) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {}
        _ => return false,
    }
    match std::fs::read(old) {
        Ok(on_disk) if on_disk == bytes => std::fs::hard_link(old, dest).is_ok(),
        _ => false,
    }
}

/// A thread pool for file-system work: creating and deleting files waits on the kernel far more
/// than it computes, so more threads than cores keep the disk busy. `None` (the global pool)
/// when one cannot be built.
fn io_pool() -> Option<rayon::ThreadPool> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    rayon::ThreadPoolBuilder::new()
        .num_threads((cores * 4).clamp(4, 32))
        .thread_name(|i| format!("dsgen-io-{i}"))
        .build()
        .ok()
}

/// Delete a previous render: its files in parallel, then the emptied directories.
fn remove_tree(dir: &Path, pool: Option<&rayon::ThreadPool>) -> io::Result<()> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            // Not following symlinks: a link is removed, never what it points to.
            if entry.file_type()?.is_dir() {
                stack.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    let remove = || files.par_iter().try_for_each(std::fs::remove_file);
    match pool {
        Some(pool) => pool.install(remove),
        None => remove(),
    }?;
    std::fs::remove_dir_all(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> (FileTree, Manifest) {
        let mut t = FileTree::new();
        for (p, text) in files {
            t.text(p, *text).unwrap();
        }
        let m = Manifest::of(
            &t,
            "d".repeat(64),
            vec![ManifestPlatform {
                platform: "P".into(),
                target: "kafka-connect".into(),
            }],
        );
        (t, m)
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push(p.strip_prefix(dir).unwrap().to_string_lossy().into_owned());
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn writes_the_tree_and_its_manifest_and_replaces_a_previous_render() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let (t, m) = tree(&[("P/a.json", "{}"), ("P/sql/b.sql", "select 1;")]);
        write_tree(&out, &t, &m).unwrap();
        assert_eq!(listing(&out), ["MANIFEST.json", "P/a.json", "P/sql/b.sql"]);
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join(MANIFEST)).unwrap()).unwrap();
        assert_eq!(manifest["files"][0]["path"], "P/a.json");
        assert_eq!(manifest["files"][0]["sha256"], sha256_hex(b"{}\n"));

        // A second render replaces the first entirely: removed files disappear.
        let (t2, m2) = tree(&[("P/c.json", "{}")]);
        write_tree(&out, &t2, &m2).unwrap();
        assert_eq!(listing(&out), ["MANIFEST.json", "P/c.json"]);
        // Nothing is left behind next to it.
        assert_eq!(listing(tmp.path()), ["out/MANIFEST.json", "out/P/c.json"]);
    }

    #[test]
    fn a_re_render_links_unchanged_files_and_rewrites_edited_ones() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let (t, m) = tree(&[("P/a.json", "{}"), ("P/b.json", "[]"), ("P/c.json", "1")]);
        write_tree(&out, &t, &m).unwrap();
        let inode = |p: &str| std::fs::metadata(out.join(p)).unwrap().ino();
        let (a, b, c) = (inode("P/a.json"), inode("P/b.json"), inode("P/c.json"));
        // By hand: b edited (same length), c edited (other length).
        std::fs::write(out.join("P/b.json"), "{}\n").unwrap();
        std::fs::write(out.join("P/c.json"), "22\n").unwrap();
        write_tree(&out, &t, &m).unwrap();
        let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
        assert_eq!(
            (read("P/a.json"), read("P/b.json"), read("P/c.json")),
            ("{}\n".to_string(), "[]\n".to_string(), "1\n".to_string())
        );
        assert_eq!(inode("P/a.json"), a, "an unchanged file is carried over");
        assert_ne!(inode("P/b.json"), b, "an edited file is written anew");
        assert_ne!(inode("P/c.json"), c, "an edited file is written anew");
        assert_eq!(std::fs::metadata(out.join("P/a.json")).unwrap().nlink(), 1);
        assert_eq!(listing(tmp.path()).len(), 4, "nothing left beside `out`");
    }

    #[test]
    fn refuses_to_replace_a_directory_that_is_not_a_render() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("precious.txt"), "keep me").unwrap();
        let (t, m) = tree(&[("P/a.json", "{}")]);
        let err = write_tree(tmp.path(), &t, &m).unwrap_err();
        assert!(matches!(err, WriteError::NotARender(_)), "{err}");
        assert_eq!(listing(tmp.path()), ["precious.txt"]);

        let file = tmp.path().join("precious.txt");
        assert!(matches!(
            write_tree(&file, &t, &m),
            Err(WriteError::NotADirectory(_))
        ));
    }

    #[test]
    fn an_unwritable_parent_leaves_the_previous_render_untouched() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let (t, m) = tree(&[("P/a.json", "{}")]);
        write_tree(&out, &t, &m).unwrap();
        let before = listing(&out);
        // Root ignores permissions, so block the parent differently: the staging directory
        // cannot be created inside a parent that is a file.
        let blocked = tmp.path().join("file");
        std::fs::write(&blocked, "").unwrap();
        assert!(write_tree(&blocked.join("out"), &t, &m).is_err());
        assert_eq!(listing(&out), before);
    }
}
