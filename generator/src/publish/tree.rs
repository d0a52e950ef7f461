//! A render as git objects, and a commit's tree as a list of files: built and read straight
//! in the object database (blobs, `TreeBuilder`), never through an index or a work tree.

use git2::{FileMode, ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};
use std::collections::BTreeMap;

/// A directory being built: its files (blob ids) and subdirectories, by entry name.
#[derive(Default)]
struct Dir {
    files: BTreeMap<String, Oid>,
    dirs: BTreeMap<String, Dir>,
}

/// Write `files` (paths relative to the tree's root, `/`-separated, as
/// [`crate::target::Output::files`] returns them) as blobs (`0100644`) and trees, and return
/// the root tree's id. A blob the database already holds is not written again, so
/// re-publishing an unchanged render writes only its (already present) trees.
pub fn write_tree(repo: &Repository, files: &[(String, Vec<u8>)]) -> Result<Oid, git2::Error> {
    let odb = repo.odb()?;
    let mut root = Dir::default();
    for (path, bytes) in files {
        let id = Oid::hash_object(ObjectType::Blob, bytes)?;
        if !odb.exists(id) {
            let written = repo.blob(bytes)?;
            debug_assert_eq!(written, id);
        }
        let mut parts: Vec<&str> = path.split('/').collect();
        let Some(name) = parts.pop() else { continue };
        let mut dir = &mut root;
        for part in parts {
            dir = dir.dirs.entry(part.to_string()).or_default();
        }
        dir.files.insert(name.to_string(), id);
    }
    write_dir(repo, &root)
}

fn write_dir(repo: &Repository, dir: &Dir) -> Result<Oid, git2::Error> {
    let mut builder = repo.treebuilder(None)?;
    for (name, sub) in &dir.dirs {
        let id = write_dir(repo, sub)?;
        builder.insert(name.as_str(), id, FileMode::Tree.into())?;
    }
    for (name, id) in &dir.files {
        builder.insert(name.as_str(), *id, FileMode::Blob.into())?;
    }
    builder.write()
}

/// One entry of a committed tree: its blob id and file mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub id: Oid,
    pub mode: i32,
}

/// Every non-directory entry of a tree by path (`a/b.json`), sorted: blobs, symlinks and
/// submodule links alike, so a hand-added symlink shows up as extra.
pub fn tree_entries(repo: &Repository, tree: Oid) -> Result<BTreeMap<String, Entry>, git2::Error> {
    let tree = repo.find_tree(tree)?;
    let mut out = BTreeMap::new();
    tree.walk(TreeWalkMode::PreOrder, |parent, entry| {
        if entry.kind() != Some(ObjectType::Tree) {
            let name = String::from_utf8_lossy(entry.name_bytes());
            out.insert(
                format!("{parent}{name}"),
                Entry {
                    id: entry.id(),
                    mode: entry.filemode(),
                },
            );
        }
        TreeWalkResult::Ok
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_tree_reads_back_with_the_same_paths_bytes_and_modes() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(tmp.path()).unwrap();
        let files = vec![
            ("MANIFEST.json".to_string(), b"{}\n".to_vec()),
            ("p/a/x.json".to_string(), b"x".to_vec()),
            ("p/a.json".to_string(), b"a".to_vec()),
            ("p/b/c/y.sql".to_string(), b"y".to_vec()),
        ];
        let id = write_tree(&repo, &files).unwrap();
        let entries = tree_entries(&repo, id).unwrap();
        let paths: Vec<&str> = entries.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            ["MANIFEST.json", "p/a.json", "p/a/x.json", "p/b/c/y.sql"]
        );
        for (path, bytes) in &files {
            let e = entries[path];
            assert_eq!(e.mode, 0o100644);
            assert_eq!(repo.find_blob(e.id).unwrap().content(), bytes.as_slice());
        }
        // The same files give the same tree, whatever their order.
        let mut shuffled = files.clone();
        shuffled.reverse();
        assert_eq!(write_tree(&repo, &shuffled).unwrap(), id);
    }
}
