//! DS108 invalid-location.
//!
//! ## What it does
//! Checks every entry of the `locations` of containers (ecosystem-level and team-level) and
//! platforms: it must be written `"VENDOR:location/sub/..."` (or a bare `"VENDOR"`), the vendor
//! must be declared by a `vendor` block, and every step of the path must be declared, in that
//! order, under the vendor's `location` blocks.
//!
//! ## Why is this bad?
//! Locations are what vendor, cloud and location policies are enforced on, and what placement
//! compares to decide which platforms may serve a workspace. A location that does not exist
//! matches no policy entry the way its author meant, so the data could be placed where a zone
//! forbids it, or nowhere at all.
//!
//! ## Notes
//! A location may stop at any level: `"AWS:USA"` is valid when `USA` has children. Policy
//! entries of kind `location` are checked by DS135.

use crate::diag::codes::declare_code;
use crate::diag::{did_you_mean, Diagnostic};
use crate::lint::{LintContext, Rule};
use crate::model::index::ModelIndex;
use crate::model::values::LocationRef;
use crate::source::Span;

declare_code!(
    DS108,
    "invalid-location",
    Lint,
    Error,
    "A location is malformed or names an undeclared vendor or location",
    "Containers and platforms list where they run as `\"VENDOR:location/sub/...\"`. The vendor \
     must be declared with a `vendor` block, and each step of the path must be a `location` \
     nested in the previous one, because vendor, cloud and location policies and platform \
     placement are decided on these locations. Fix the spelling, or declare the missing vendor \
     or location (the ecosystem's repository owns vendors).",
);

pub static RULE: Rule = Rule {
    code: &DS108,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let containers = model
        .containers
        .iter()
        .chain(model.teams.iter().flat_map(|t| &t.containers));
    let owners = containers
        .map(|c| (format!("container `{}`", c.name.value), &c.locations))
        .chain(
            model
                .platforms
                .iter()
                .map(|p| (format!("platform `{}`", p.name.value), &p.locations)),
        );
    for (owner, locations) in owners {
        for loc in locations {
            if let Some(p) = problem(&cx.index, &loc.value) {
                let mut d = Diagnostic::new(&DS108, format!("{owner} has {}", p.message))
                    .at(loc.span)
                    .help(p.help);
                if let Some((span, msg)) = p.label {
                    d = d.label(span, msg);
                }
                out.push(d);
            }
        }
    }
}

/// What is wrong with a location reference (shared with DS135's location policy entries).
pub(super) struct Problem {
    /// Completes "X has ...": "an invalid location: ...", "location `A:b`, whose vendor ...".
    pub message: String,
    /// The declared parent under which a step is missing.
    pub label: Option<(Span, String)>,
    pub help: String,
}

/// The problem with one location reference, if any: malformed, unknown vendor, or the first
/// path step that is not declared under the previous one.
pub(super) fn problem(ix: &ModelIndex, loc: &str) -> Option<Problem> {
    let parsed =
        match LocationRef::parse(loc) {
            Ok(parsed) => parsed,
            Err(e) => return Some(Problem {
                message: format!("an invalid location: {e}"),
                label: None,
                help: "write a location as `\"VENDOR:location/sub\"`, e.g. `\"AWS:USA/us-east-1\"`"
                    .to_string(),
            }),
        };
    if ix.location_exists(&parsed) {
        return None;
    }
    let Some(vendor) = ix.vendors.get(parsed.vendor.as_str()) else {
        let help = match did_you_mean(&parsed.vendor, ix.vendors.keys().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "declare it (`vendor \"{}\" {{ cloud = ... }}`) or name a declared vendor",
                parsed.vendor
            ),
        };
        return Some(Problem {
            message: format!(
                "location `{loc}`, whose vendor `{}` is not declared",
                parsed.vendor
            ),
            label: None,
            help,
        });
    };
    // Find the first step that is not declared under the previous one.
    let mut level = &vendor.locations;
    let mut parent_span = vendor.name.span;
    for (i, step) in parsed.path.iter().enumerate() {
        match level.iter().find(|l| &l.name.value == step) {
            Some(l) => {
                level = &l.locations;
                parent_span = l.name.span;
            }
            None => {
                let parent = LocationRef {
                    vendor: parsed.vendor.clone(),
                    path: parsed.path[..i].to_vec(),
                };
                let known: Vec<&str> = level.iter().map(|l| l.name.value.as_str()).collect();
                let help = match did_you_mean(step, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if known.is_empty() => format!(
                        "`{parent}` has no locations under it; declare `location \"{step}\" {{}}` there"
                    ),
                    None => format!(
                        "`{parent}` declares {}; or declare `location \"{step}\" {{}}` there",
                        known
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                return Some(Problem {
                    message: format!(
                        "location `{loc}`, but `{parent}` declares no location `{step}`"
                    ),
                    label: Some((parent_span, format!("`{parent}` is declared here"))),
                    help,
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    fn lint(extra: &str) -> Vec<(usize, String)> {
        let base = include_str!("../../../tests/fixtures/base/base.hcl");
        let loaded = crate::load::load_files(vec![
            ("a.hcl".into(), extra.into()),
            ("base.hcl".into(), base.into()),
        ]);
        let src = &loaded.model.sources;
        let mut out: Vec<_> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS108")
            .map(|d| (src.line_col(d.span.unwrap()).0, d.message))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn malformed_unknown_vendor_and_unknown_steps() {
        let text = r#"platform "Other" {
  target    = "legacy"
  locations = [
    "Cloud:east/dc1",
    "Cloud",
    "Cloud:",
    "Clod:east",
    "Cloud:east/dc2",
    "Cloud:west/dc1",
    "Cloud:east//dc1",
  ]
}
"#;
        let got = lint(text);
        let lines: Vec<usize> = got.iter().map(|g| g.0).collect();
        assert_eq!(lines, [6, 7, 8, 9, 10], "{got:#?}");
        assert!(
            got[2].1.contains("`Cloud:east` declares no location `dc2`"),
            "{}",
            got[2].1
        );
    }
}
