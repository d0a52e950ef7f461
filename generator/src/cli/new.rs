//! `dsgen new` and `dsgen synth`: the two commands that write a model directory instead of
//! reading one. `new` writes the starter model from [`crate::scaffold`] and says what to run
//! next; `synth` writes a synthetic model of N datasets from [`crate::synth`] for benchmarks
//! and prints its size.

use super::exit;
use crate::{scaffold, synth};
use std::path::{Path, PathBuf};

/// `dsgen new DIR`.
pub(super) fn new_command(dir: PathBuf, name: Option<String>) -> anyhow::Result<u8> {
    let name = name
        .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Ecosystem".to_string());
    let files = scaffold::scaffold(&dir, &name).map_err(|e| {
        anyhow::anyhow!("cannot create a starter model in `{}`: {e}", dir.display())
    })?;
    for f in files {
        println!("created {}", f.display());
    }
    println!("next: dsgen lint {}", dir.display());
    Ok(exit::OK)
}

/// `dsgen synth`.
pub(super) fn synth_command(dir: &Path, datasets: usize) -> anyhow::Result<u8> {
    let stats = synth::write_model(dir, datasets).map_err(|e| {
        anyhow::anyhow!("cannot write a synthetic model to `{}`: {e}", dir.display())
    })?;
    println!(
        "wrote {} datasets, {} columns, {} datastores, {} workspaces, {} sinks, {} transformers in {} files ({} bytes) to {}",
        stats.datasets, stats.columns, stats.datastores, stats.workspaces, stats.sinks,
        stats.transformers, stats.files, stats.bytes, dir.display()
    );
    Ok(exit::OK)
}
