//! The render framework: what every target shares.
//!
//! A target turns one platform's intention graph and the model into a [`tree::FileTree`] in
//! memory; [`write::write_tree`] writes the whole tree with its `MANIFEST.json` atomically.
//! Generated resource names come from [`names`], one sanitizer per destination, so the same
//! model always yields the same names and two model names never silently become one.

pub mod codes;
pub mod names;
pub mod tree;
pub mod write;

use crate::model::Model;

/// SHA-256 of the canonical model: independent of file names, order, formatting and comments,
/// so renaming or shuffling model files changes no byte of a render.
pub fn model_digest(model: &Model) -> String {
    write::sha256_hex(crate::model::canonical::canonical_text(model).as_bytes())
}
