//! DS107 undeclared-definition.
//!
//! ## What it does
//! Checks that every definition is declared by its parent:
//!
//! - `governance_zone "Z"`: the ecosystem declares `zone "Z"`;
//! - `team "Z" "T"`: the ecosystem declares zone `Z`, and the `governance_zone "Z"` definition
//!   declares `team "T"` (a zone that is declared but not defined declares no teams).
//!
//! ## Why is this bad?
//! Declarations carry authority: the ecosystem's zone declaration names the repository allowed
//! to define the zone, and the zone's team declaration names the repository allowed to define
//! the team. A definition nobody declared has no owner, so no change to it could be
//! authorized, and its data would be governed by no zone's policies.
//!
//! ## Notes
//! The opposite is legal: a declared zone or team with no definition is simply absent, which
//! is how the two-step add and remove protocols work (declare, then define; delete the
//! definition, then undeclare). Without an `ecosystem` block (DS010) nothing is checked.

use crate::diag::codes::declare_code;
use crate::diag::{did_you_mean, Diagnostic};
use crate::lint::{LintContext, Rule};

declare_code!(
    DS107,
    "undeclared-definition",
    Lint,
    Error,
    "A zone or team is defined but not declared by its parent",
    "A parent declares its children and names the repository that owns each: the ecosystem \
     declares zones (`zone \"Z\" { repo = ... }`), a governance zone declares teams \
     (`team \"T\" { repo = ... }`). A `governance_zone` or `team` definition that its parent \
     does not declare has no owner and no governing zone. Declare it in the parent first (the \
     parent's repository makes that change), or fix the zone or team name of the definition. \
     A declaration without a definition is fine: the child is absent.",
);

pub static RULE: Rule = Rule {
    code: &DS107,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let ix = &cx.index;
    let Some(eco) = &model.ecosystem else {
        return;
    };
    let zone_help = |zone: &str| {
        match did_you_mean(zone, ix.zone_decls.keys().copied()) {
        Some(s) => format!("did you mean `{s}`? otherwise declare the zone in the ecosystem: `zone \"{zone}\" {{ repo = \"github:OWNER/REPO@BRANCH\" }}`"),
        None => format!("declare the zone in the ecosystem: `zone \"{zone}\" {{ repo = \"github:OWNER/REPO@BRANCH\" }}`"),
    }
    };

    for z in &model.zones {
        if !ix.zone_decls.contains_key(z.name.value.as_str()) {
            out.push(
                Diagnostic::new(
                    &DS107,
                    format!(
                        "governance zone `{}` is not declared by ecosystem `{}`",
                        z.name.value, eco.name.value
                    ),
                )
                .at(z.name.span)
                .label(eco.name.span, "the ecosystem declares its zones here")
                .help(zone_help(&z.name.value)),
            );
        }
    }

    for t in &model.teams {
        let (zone, team) = (&t.zone, &t.name);
        if !ix.zone_decls.contains_key(zone.value.as_str()) {
            out.push(
                Diagnostic::new(
                    &DS107,
                    format!(
                        "team `{}` is defined in zone `{}`, which ecosystem `{}` does not declare",
                        team.value, zone.value, eco.name.value
                    ),
                )
                .at(zone.span)
                .label(eco.name.span, "the ecosystem declares its zones here")
                .help(zone_help(&zone.value)),
            );
            continue;
        }
        match ix.zones.get(zone.value.as_str()) {
            None => {
                let decl = ix.zone_decls.get(zone.value.as_str());
                let mut d = Diagnostic::new(
                    &DS107,
                    format!(
                        "team `{}` is not declared: zone `{}` has no `governance_zone` definition to declare it",
                        team.value, zone.value
                    ),
                )
                .at(team.span);
                if let Some(decl) = decl {
                    d = d.label(
                        decl.name.span,
                        format!("zone `{}` is declared here", zone.value),
                    );
                }
                out.push(d.help(format!(
                    "define `governance_zone \"{}\"` (in the zone's repository) declaring `team \"{}\" {{ repo = ... }}`",
                    zone.value, team.value
                )));
            }
            Some(gz) => {
                if !gz.teams.iter().any(|d| d.name.value == team.value) {
                    let help = match did_you_mean(&team.value, gz.teams.iter().map(|d| d.name.value.as_str())) {
                        Some(s) => format!("did you mean `{s}`? otherwise declare the team in governance zone `{}`: `team \"{}\" {{ repo = \"github:OWNER/REPO@BRANCH\" }}`", zone.value, team.value),
                        None => format!("declare the team in governance zone `{}`: `team \"{}\" {{ repo = \"github:OWNER/REPO@BRANCH\" }}`", zone.value, team.value),
                    };
                    out.push(
                        Diagnostic::new(
                            &DS107,
                            format!(
                                "team `{}` is not declared by governance zone `{}`",
                                team.value, zone.value
                            ),
                        )
                        .at(team.span)
                        .label(
                            gz.name.span,
                            format!("governance zone `{}` declares its teams here", zone.value),
                        )
                        .help(help),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    fn lint(text: &str) -> Vec<(usize, usize)> {
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let src = &loaded.model.sources;
        let mut out: Vec<(usize, usize)> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS107")
            .map(|d| src.line_col(d.span.unwrap()))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn zones_and_teams() {
        let text = r#"ecosystem "E" {
  owning_repo = "github:a/b@main"
  zone "Declared" { repo = "github:a/z@main" }
  zone "Absent" { repo = "github:a/y@main" }
}
governance_zone "Declared" {
  team "Known" { repo = "github:a/t@main" }
}
governance_zone "Undeclared" {}
team "Declared" "Known" {}
team "Declared" "Unknown" {}
team "Absent" "Any" {}
team "Nowhere" "Any" {}
"#;
        assert_eq!(lint(text), [(9, 17), (11, 17), (12, 15), (13, 6)]);
    }

    #[test]
    fn no_ecosystem_checks_nothing() {
        assert!(lint("governance_zone \"Z\" {}\nteam \"Z\" \"T\" {}\n").is_empty());
    }

    #[test]
    fn declared_but_absent_is_legal() {
        let text = r#"ecosystem "E" {
  owning_repo = "github:a/b@main"
  zone "Z" { repo = "github:a/z@main" }
}
governance_zone "Z" {
  team "T" { repo = "github:a/t@main" }
}
"#;
        assert!(lint(text).is_empty());
    }
}
