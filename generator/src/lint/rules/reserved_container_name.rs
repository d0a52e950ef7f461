//! DS105 reserved-container-name.
//!
//! ## What it does
//! Flags a container (ecosystem-level or team-level) named `platform_managed`, in any letter
//! case.
//!
//! ## Why is this bad?
//! A workspace's `container = "platform_managed"` means "let the platform choose where the
//! data lives". A container with that name would make the reference ambiguous: the workspace
//! could mean either the platform's choice or that container. Since container names are
//! compared ignoring case (DS104), `Platform_Managed` is just as ambiguous.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};

declare_code!(
    DS105,
    "reserved-container-name",
    Lint,
    Error,
    "A container is named `platform_managed`",
    "`platform_managed` is reserved: a workspace writes `container = \"platform_managed\"` to \
     let its platform choose where the data lives, so no container may take that name, in any \
     letter case. To declare a platform-managed container, use it as the kind \
     (`container \"platform_managed\" \"Lake\" {}`); otherwise rename the container and update \
     the references to it.",
);

pub static RULE: Rule = Rule {
    code: &DS105,
    check,
};

/// The reserved name, as workspaces write it.
const RESERVED: &str = "platform_managed";

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let containers = model
        .containers
        .iter()
        .chain(model.teams.iter().flat_map(|t| &t.containers));
    for c in containers {
        if c.name.value.eq_ignore_ascii_case(RESERVED) {
            out.push(
                Diagnostic::new(
                    &DS105,
                    format!(
                        "container `{}` uses the reserved name `{RESERVED}`",
                        c.name.value
                    ),
                )
                .at(c.name.span)
                .help(format!(
                    "`container = \"{RESERVED}\"` in a workspace means \"the platform chooses\"; give the {} container a name of its own",
                    c.kind.value.as_str()
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn any_case_is_reserved() {
        let text = r#"ecosystem "E" { owning_repo = "github:a/b@main" }
container "platform_managed" "Platform_Managed" {}
team "Z" "T" {
  container "platform_managed" "platform_managed" {}
  container "platform_managed" "platform_managed_2" {}
}
"#;
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let mut lines: Vec<usize> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS105")
            .map(|d| loaded.model.sources.line_col(d.span.unwrap()).0)
            .collect();
        lines.sort();
        assert_eq!(lines, [2, 4]);
    }
}
