//! The catalogue of diagnostic codes. A code, once released, never changes meaning.
//!
//! Each code is a `static Code` declared next to what emits it (load codes in
//! `load::codes`, lint rules in their own file under `lint/rules/`); [`all`] lists them once,
//! and `dsgen rules` / `dsgen explain` read only that list.

use super::Severity;

/// The stage a code belongs to, which is also its numeric range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// DS0xx: files, syntax, unknown blocks and attributes, bad values.
    Load,
    /// DS1xx: model lint.
    Lint,
    /// DS2xx: authorization of a change.
    Authorization,
    /// DS3xx: backwards compatibility and consumer impact.
    Compatibility,
    /// DS4xx: placement and platform requirements.
    Placement,
    /// DS5xx: rendering.
    Render,
    /// DS9xx: I/O, git, internal.
    Internal,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Load => "load",
            Stage::Lint => "lint",
            Stage::Authorization => "authorization",
            Stage::Compatibility => "compatibility",
            Stage::Placement => "placement",
            Stage::Render => "render",
            Stage::Internal => "internal",
        }
    }
}

/// One documented diagnostic code.
#[derive(Debug)]
pub struct Code {
    /// `DS104`.
    pub code: &'static str,
    /// Kebab-case name, e.g. `nullable-key-column`.
    pub name: &'static str,
    pub stage: Stage,
    pub severity: Severity,
    /// One line, no trailing period.
    pub summary: &'static str,
    /// Why this is a problem and what to do, in a few sentences.
    pub explanation: &'static str,
    /// A model snippet that yields exactly this code (lines marked `# expect: CODE`).
    pub bad: &'static str,
    /// The corrected snippet, which yields nothing.
    pub good: &'static str,
    /// dsgen version that introduced the code.
    pub since: &'static str,
}

/// Every code, in code order.
pub fn all() -> Vec<&'static Code> {
    let mut codes: Vec<&'static Code> = crate::load::codes::ALL
        .iter()
        .copied()
        .chain(crate::lint::rules::ALL.iter().map(|r| r.code))
        .chain(crate::check::codes::ALL.iter().copied())
        .chain(crate::broker::codes::ALL.iter().copied())
        .chain(crate::render::codes::ALL.iter().copied())
        .chain(crate::publish::codes::ALL.iter().copied())
        .collect();
    codes.sort_by_key(|c| c.code);
    codes
}

/// Look a code up case-insensitively (`ds104` finds `DS104`).
pub fn find(code: &str) -> Option<&'static Code> {
    all()
        .into_iter()
        .find(|c| c.code.eq_ignore_ascii_case(code))
}

/// Declare a documented code whose bad and good examples are its rule fixtures
/// (`tests/fixtures/rules/CODE/{bad,good}.hcl`), so documentation and tests cannot drift.
macro_rules! declare_code {
    ($id:ident, $name:literal, $stage:ident, $severity:ident, $summary:literal, $explanation:literal $(,)?) => {
        pub static $id: $crate::diag::codes::Code = $crate::diag::codes::Code {
            code: stringify!($id),
            name: $name,
            stage: $crate::diag::codes::Stage::$stage,
            severity: $crate::diag::Severity::$severity,
            summary: $summary,
            explanation: $explanation,
            bad: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/rules/",
                stringify!($id),
                "/bad.hcl"
            )),
            good: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/rules/",
                stringify!($id),
                "/good.hcl"
            )),
            since: "0.1.0",
        };
    };
}
pub(crate) use declare_code;
