//! DS109 invalid-repository.
//!
//! ## What it does
//! Checks that every repository in the model is written `"github:OWNER/REPO@BRANCH"` or
//! `"gitlab:HOST/GROUP/REPO@BRANCH"` (groups may nest), with owner, group and repository names
//! of ASCII letters, digits, `_`, `.` and `-`, and a branch that git accepts as a ref name. The
//! repositories are the ecosystem's `owning_repo` and `live_repo`, the `repo` of every zone
//! declaration (in the ecosystem) and team declaration (in a governance zone), and a
//! transformer's `code { repo = ... }`.
//!
//! ## Why is this bad?
//! Repositories are how changes are authorized: a pull request may change a region only when
//! its source repository and branch equal the region's declared repository, compared exactly.
//! A repository that does not parse can never match, so the region it guards could never be
//! changed again (or, for a transformer, its code could not be fetched).

use super::unresolved_reference::missing;
use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::values::Repository;
use crate::model::{CodeSource, Name};
use crate::source::Span;

declare_code!(
    DS109,
    "invalid-repository",
    Lint,
    Error,
    "A repository is not `github:OWNER/REPO@BRANCH` or `gitlab:HOST/GROUP/REPO@BRANCH`",
    "Repositories decide who may change which part of the model: a change is accepted only \
     from the repository and branch that own the region, compared exactly and case-sensitively. \
     They are written `github:OWNER/REPO@BRANCH` or `gitlab:HOST/GROUP/REPO@BRANCH` (GitLab \
     groups may nest), with no spaces, a lower-case prefix and a branch name that git accepts. \
     The message says which part is wrong; fix it so the region can be changed at all.",
);

pub static RULE: Rule = Rule {
    code: &DS109,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let mut report = |what: String, repo: &Name, owner: Option<Span>| {
        if owner.is_some_and(|o| missing(repo, o)) {
            return; // absent or not a string: reported at load
        }
        if let Err(e) = Repository::parse(&repo.value) {
            out.push(
                Diagnostic::new(&DS109, format!("invalid {what}: {e}"))
                    .at(repo.span)
                    .help("write `github:OWNER/REPO@BRANCH` or `gitlab:HOST/GROUP/REPO@BRANCH`, e.g. `github:acme/eco@main`"),
            );
        }
    };
    if let Some(eco) = &model.ecosystem {
        report(
            format!("`owning_repo` of ecosystem `{}`", eco.name.value),
            &eco.owning_repo,
            Some(eco.span),
        );
        if let Some(live) = &eco.live_repo {
            report(
                format!("`live_repo` of ecosystem `{}`", eco.name.value),
                live,
                None,
            );
        }
        for z in &eco.zones {
            report(
                format!("repository of zone `{}`", z.name.value),
                &z.repo,
                Some(z.span),
            );
        }
    }
    for z in &model.zones {
        for t in &z.teams {
            report(
                format!(
                    "repository of team `{}` in zone `{}`",
                    t.name.value, z.name.value
                ),
                &t.repo,
                Some(t.span),
            );
        }
    }
    for team in &model.teams {
        for ws in &team.workspaces {
            if let Some(t) = &ws.transformer {
                if let Some(CodeSource::Repo(repo)) = &t.code {
                    report(
                        format!("code repository of transformer `{}`", t.name.value),
                        repo,
                        None,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    fn lint(text: &str) -> Vec<(usize, String)> {
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let src = &loaded.model.sources;
        let mut out: Vec<_> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS109")
            .map(|d| (src.line_col(d.span.unwrap()).0, d.message))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn every_repository() {
        let text = r#"ecosystem "E" {
  owning_repo = "GitHub:acme/eco@main"
  live_repo   = "github:acme/eco"
  zone "Z" { repo = "github:acme/z@-main" }
  zone "Y" { repo = "gitlab:gitlab.example.com/acme/y@main" }
}
governance_zone "Z" {
  team "T" { repo = "github:acme/a/b@main" }
}
team "Z" "T" {
  workspace "W" {
    container = "platform_managed"
    transformer "X" {
      output = "Out"
      code { repo = "github:acme/x@v1..2" }
    }
  }
}
"#;
        let got = lint(text);
        let lines: Vec<usize> = got.iter().map(|g| g.0).collect();
        assert_eq!(lines, [2, 3, 4, 8, 15], "{got:#?}");
        assert!(got[0].1.contains("lower-case"), "{}", got[0].1);
    }

    #[test]
    fn a_missing_owning_repo_is_left_to_the_loader() {
        let loaded = crate::load::load_files(vec![("a.hcl".into(), "ecosystem \"E\" {}\n".into())]);
        assert!(crate::lint::lint(&loaded.model)
            .iter()
            .all(|d| d.code != "DS109"));
    }
}
