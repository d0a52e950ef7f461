//! dsgen: one reviewed data-ecosystem model in, checked pull requests and infrastructure out.
//!
//! The stages flow one way (see ARCHITECTURE.md): `load` reads model files into a typed
//! [`model::Model`] with spans, `lint` checks it, and later stages (check, graph, render,
//! publish, serve) take the model and return values. Diagnostics are data (`diag`), rendered
//! only at the edge (`cli`).

pub mod batch;
pub mod broker;
pub mod check;
pub mod cli;
pub mod diag;
pub mod fmt;
pub mod graph;
pub mod lint;
pub mod load;
pub mod milestone;
pub mod model;
pub mod plan;
pub mod publish;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod source;
pub mod syntax;
pub mod synth;
pub mod target;
