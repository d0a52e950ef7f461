//! `dsgen fmt`: walks the model directory for `*.hcl` files (hidden directories and the JSON
//! form are left alone), formats each with [`crate::fmt`], and either replaces the changed
//! files atomically or, with `--check`, only lists them. The formatter itself knows nothing
//! of files; this is the part that does.

use super::exit;
use crate::fmt;
use std::path::{Path, PathBuf};

/// `dsgen fmt`: format every `*.hcl` file under `dir` (JSON-form files are left alone).
pub(super) fn format_dir(dir: &Path, check: bool) -> anyhow::Result<u8> {
    let mut files = Vec::new();
    collect_hcl(dir, &mut files)?;
    files.sort();
    let mut unformatted = Vec::new();
    let mut failed = false;
    for path in files {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read `{}`: {e}", path.display()))?;
        match fmt::format_source(&text) {
            Ok(formatted) if formatted != text => {
                if check {
                    println!("{}", path.display());
                } else {
                    write_atomically(&path, &formatted)?;
                    println!("formatted {}", path.display());
                }
                unformatted.push(path);
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("dsgen: {}: cannot format: {e}", path.display());
                failed = true;
            }
        }
    }
    Ok(if failed || (check && !unformatted.is_empty()) {
        exit::REJECTED
    } else {
        exit::OK
    })
}

fn collect_hcl(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("cannot read `{}`: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_dir() {
            if !name.starts_with('.') {
                collect_hcl(&entry.path(), out)?;
            }
        } else if name.ends_with(".hcl") {
            out.push(entry.path());
        }
    }
    Ok(())
}

/// Replace a file through a temporary sibling and a rename, so an interrupted run never
/// leaves a half-written model file.
fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    let tmp = path.with_extension("hcl.dsgen-tmp");
    std::fs::write(&tmp, text)
        .map_err(|e| anyhow::anyhow!("cannot write `{}`: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        anyhow::anyhow!("cannot replace `{}`: {e}", path.display())
    })
}
