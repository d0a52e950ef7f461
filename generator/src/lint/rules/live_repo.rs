//! DS110 live-repo-is-owning-repo.
//!
//! ## What it does
//! Flags an ecosystem whose `live_repo` is the same repository and branch as its
//! `owning_repo` (compared exactly, as authorization compares them).
//!
//! ## Why is this bad?
//! `owning_repo` is where changes to the ecosystem are proposed and merged; `live_repo` is the
//! branch the platforms run from, which receives the generated output. When they are the same
//! branch, every merged model change goes live immediately, with no step to render, review and
//! promote it, and generated commits land on the branch people edit.
//!
//! ## Notes
//! Only checked when both repositories parse; a malformed one is DS109.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::values::Repository;

declare_code!(
    DS110,
    "live-repo-is-owning-repo",
    Lint,
    Error,
    "The ecosystem's live_repo equals its owning_repo",
    "The ecosystem's `owning_repo` is the branch where model changes are made and merged; its \
     `live_repo` is the branch platforms run from. They must differ, so that a merged change is \
     rendered and promoted deliberately instead of going live the moment it merges. Point \
     `live_repo` at another branch (for example `@live`) or another repository.",
);

pub static RULE: Rule = Rule {
    code: &DS110,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    let Some(eco) = &cx.model.ecosystem else {
        return;
    };
    let Some(live) = &eco.live_repo else {
        return;
    };
    let owning = &eco.owning_repo;
    if live.value != owning.value {
        return;
    }
    let Ok(repo) = Repository::parse(&live.value) else {
        return; // DS109
    };
    let suggestion = Repository {
        branch: if repo.branch == "live" {
            "live-run".to_string()
        } else {
            "live".to_string()
        },
        ..repo
    };
    out.push(
        Diagnostic::new(
            &DS110,
            format!(
                "`live_repo` of ecosystem `{}` is its `owning_repo` `{}`",
                eco.name.value, live.value
            ),
        )
        .at(live.span)
        .label(owning.span, "owning_repo is the same")
        .help(format!(
            "platforms must run from a branch other than the one the model is edited on, e.g. `live_repo = \"{suggestion}\"`"
        )),
    );
}

#[cfg(test)]
mod tests {
    fn lint(owning: &str, live: &str) -> Vec<String> {
        let text = format!(
            "ecosystem \"E\" {{\n  owning_repo = \"{owning}\"\n  live_repo = \"{live}\"\n}}\n"
        );
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS110")
            .map(|d| d.help.unwrap_or_default())
            .collect()
    }

    #[test]
    fn same_repo_and_branch() {
        let got = lint("github:a/b@main", "github:a/b@main");
        assert_eq!(got.len(), 1);
        assert!(got[0].contains("github:a/b@live"), "{}", got[0]);
    }

    #[test]
    fn exact_comparison() {
        assert!(lint("github:a/b@main", "github:A/b@main").is_empty());
        assert!(lint("github:a/b@main", "github:a/b@live").is_empty());
        // Malformed and equal: DS109's business.
        assert!(lint("github:a/b", "github:a/b").is_empty());
    }
}
