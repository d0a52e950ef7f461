//! DS103 invalid-free-name.
//!
//! ## What it does
//! Checks the names that MODEL.md calls free text: the ecosystem name, zone names (in the
//! ecosystem's zone declarations and in `governance_zone` definitions), team names (in a zone's
//! team declarations and in `team "ZONE" "TEAM"` definitions), vendor names, location names at
//! every level, and the names of `policy` and `storage_policy` blocks. Each must be non-empty,
//! not only whitespace, without leading or trailing whitespace, without `/`, `:` or `#`, and
//! without control or invisible characters.
//!
//! ## Why is this bad?
//! `/`, `:` and `#` are separators: locations are written `VENDOR:loc/sub`, element paths and
//! diagnostics join names with `/`, and `#` starts a comment or fragment in generated files. A
//! name containing one cannot be referred to unambiguously. Leading or trailing spaces and
//! invisible characters (zero-width spaces, bidi controls) make two names look identical while
//! comparing different, which hides spoofed zones or teams from reviewers.
//!
//! ## Notes
//! The zone label of a team definition is a reference to a zone, not a name; an undeclared
//! one is reported by DS107.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::values::check_free_name;
use crate::model::{Location, Name};

declare_code!(
    DS103,
    "invalid-free-name",
    Lint,
    Error,
    "A zone, team, vendor, location or policy name is not valid free text",
    "Zone, team, vendor, location and policy names (and the ecosystem's) are free text, but \
     they must be non-empty, must not start or end with whitespace, and must not contain `/`, \
     `:` or `#` (the separators of location references and element paths) or control and \
     invisible characters (which make different names look the same). Rename the element and \
     every reference to it.",
);

pub static RULE: Rule = Rule {
    code: &DS103,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let mut report = |what: &str, name: &Name| {
        if let Err(e) = check_free_name(&name.value) {
            out.push(
                Diagnostic::new(&DS103, format!("{what} {e}"))
                    .at(name.span)
                    .help(
                        "use visible text without `/`, `:` or `#` and without surrounding \
                         whitespace, and rename every reference with it",
                    ),
            );
        }
    };
    if let Some(eco) = &model.ecosystem {
        report("ecosystem", &eco.name);
        for z in &eco.zones {
            report("zone", &z.name);
        }
    }
    for v in &model.vendors {
        report("vendor", &v.name);
        locations(&v.locations, &mut report);
    }
    for z in &model.zones {
        report("zone", &z.name);
        for t in &z.teams {
            report("team", &t.name);
        }
        for p in &z.policies {
            report("policy", &p.name);
        }
        for p in &z.storage_policies {
            report("storage policy", &p.name);
        }
    }
    for t in &model.teams {
        report("team", &t.name);
    }
}

fn locations(list: &[Location], report: &mut impl FnMut(&str, &Name)) {
    for l in list {
        report("location", &l.name);
        locations(&l.locations, report);
    }
}

#[cfg(test)]
mod tests {
    fn lint(text: &str) -> Vec<usize> {
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let mut out: Vec<usize> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS103")
            .map(|d| loaded.model.sources.line_col(d.span.unwrap()).0)
            .collect();
        out.sort();
        out
    }

    #[test]
    fn covers_every_free_name() {
        let text = "ecosystem \"Acme#1\" {\n\
            owning_repo = \"github:a/b@main\"\n\
            zone \"EU/West\" { repo = \"github:a/eu@main\" }\n\
            }\n\
            vendor \"AWS:\" {\n\
            cloud = \"aws\"\n\
            location \"USA\" {\n\
            location \" us-east-1\" {}\n\
            }\n\
            }\n\
            governance_zone \"EU/West\" {\n\
            team \"\" { repo = \"github:a/t@main\" }\n\
            policy \"vendor\" \"a:b\" { allowed = [] }\n\
            storage_policy \"x\u{200b}y\" { mandatory = \"zone\" }\n\
            }\n\
            team \"EU/West\" \"ops\u{7}\" {}\n";
        assert_eq!(lint(text), [1, 3, 5, 8, 11, 12, 13, 14, 16]);
    }

    #[test]
    fn ordinary_free_text_is_fine() {
        let text = r#"ecosystem "Acme Corp" {
  owning_repo = "github:a/b@main"
  zone "North America" { repo = "github:a/na@main" }
}
governance_zone "North America" {
  team "New York (Ops)" { repo = "github:a/ny@main" }
  policy "location" "US only, please" { allowed = [] }
}
"#;
        assert!(lint(text).is_empty());
    }
}
