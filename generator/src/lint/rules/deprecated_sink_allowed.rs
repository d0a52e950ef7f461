//! DS120 deprecated-sink-allowed.
//!
//! ## What it does
//! Warns about a sink with `deprecations = "allowed"` that reads a deprecated datastore or a
//! deprecated dataset (one with `deprecated = "reason"`). The message gives the reason.
//!
//! ## Why is this bad?
//! The consumer has accepted reading deprecated data, so this is not an error, but the data is
//! still going away: the warning keeps the pending move visible until the sink is moved to the
//! replacement.
//!
//! ## Notes
//! Without `deprecations = "allowed"` the same finding is the error DS119.

use super::deprecated_sink::deprecated_sinks;
use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::Deprecations;

declare_code!(
    DS120,
    "deprecated-sink-allowed",
    Lint,
    Warning,
    "A sink reads a deprecated datastore or dataset (allowed)",
    "The sink sets `deprecations = \"allowed\"`, so reading a deprecated datastore or dataset is \
     accepted rather than rejected (that would be DS119). The data is still being retired by \
     its owner, though: move the sink to the replacement named in the deprecation reason before \
     the datastore or dataset is removed, which would then break the consumer.",
);

pub static RULE: Rule = Rule {
    code: &DS120,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for found in deprecated_sinks(cx, Deprecations::Allowed) {
        out.push(
            found
                .diagnostic(&DS120)
                .label(found.sink.deprecations.span, "deprecations allowed here")
                .help("plan to move the sink to the replacement before the deprecated data is removed"),
        );
    }
}
