//! DS131 inline-secret.
//!
//! ## What it does
//! Flags an attribute whose name contains `password`, `secret` or `token`, or ends in `_key`,
//! when its value is a string literal.
//!
//! ## Why is this bad?
//! Models live in git and are rendered into generated branches and logs. A secret written into
//! one is leaked to everyone who can read the repository, forever. Credentials are names
//! resolved by a platform's credential store at run time.
//!
//! This rule runs during loading, on the syntax tree, because the attribute is usually unknown
//! to the model (and so never reaches it); the value is also redacted from every diagnostic.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::Name;
use crate::source::Span;

declare_code!(
    DS131,
    "inline-secret",
    Lint,
    Error,
    "A secret-like attribute holds a literal value",
    "Secrets never appear in a model: an attribute named like a password, secret, token or key \
     (`*_key`) with a string literal is rejected, and its value is redacted from every \
     diagnostic. Refer to a credential by name (`credential = \"orders_cred\"`) and let the \
     platform's credential store resolve it at run time. A column's `key = true` is a flag, \
     not a secret.",
);

pub static RULE: Rule = Rule {
    code: &DS131,
    // Reported by the loader (see the module doc); nothing is left to check on the model.
    check: |_: &LintContext, _: &mut Vec<Diagnostic>| {},
};

/// The diagnostic the loader reports for `key = "literal"`.
pub fn diagnostic(key: &Name, value: Span) -> Diagnostic {
    Diagnostic::new(
        &DS131,
        format!("`{}` holds a literal secret (value redacted)", key.value),
    )
    .at(value)
    .label(key.span, "secret-like attribute name")
    .help("remove the value from the model: reference a credential by name (`credential = \"NAME\"`) resolved by the platform's credential store")
}
