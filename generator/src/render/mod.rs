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
    use sha2::{Digest, Sha256};
    /// Hashes what is written, so the canonical text is streamed rather than held.
    struct Hasher(Sha256);
    impl std::io::Write for Hasher {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut h = Hasher(Sha256::new());
    crate::model::canonical::write_canonical(model, &mut std::io::BufWriter::new(&mut h))
        .expect("hashing never fails");
    names::hex(&h.0.finalize())
}

#[cfg(test)]
mod tests {
    /// The streamed digest is the SHA-256 of the canonical text.
    #[test]
    fn streamed_digest_is_the_hash_of_the_canonical_text() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/acme");
        let loaded = crate::load::load_dir(&dir).unwrap();
        let text = crate::model::canonical::canonical_text(&loaded.model);
        assert!(text.contains("\"teams\":[{"), "acme has teams");
        assert_eq!(
            super::model_digest(&loaded.model),
            super::write::sha256_hex(text.as_bytes())
        );
    }
}
