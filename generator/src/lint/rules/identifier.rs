//! DS101 invalid-identifier.
//!
//! ## What it does
//! Checks that every name which becomes an SQL, Kafka or Kubernetes name is an SQL identifier:
//! an ASCII letter followed by at most 127 ASCII letters, digits or `_`
//! (`^[A-Za-z][A-Za-z0-9_]{0,127}$`). These are the names of datastores, datasets, columns,
//! workspaces, dataset groups, transformers, containers, platforms and credential stores, and
//! the `credential` of a capture.
//!
//! ## Why is this bad?
//! These names are written unquoted into generated SQL (tables, views, columns), Kafka topics,
//! connector and Kubernetes resource names. A name with a space, a dash, a dot or a non-ASCII
//! letter breaks that SQL or clashes with another name once a target escapes it differently,
//! and renaming later is a breaking change for every consumer.
//!
//! ## Notes
//! A name that is a valid identifier but an SQL reserved word is reported by DS102; a name
//! that is both invalid and reserved gets only this diagnostic. Zone, team, vendor, location
//! and policy names are free text (DS103).

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::values::check_identifier;
use crate::model::{Model, Name};

declare_code!(
    DS101,
    "invalid-identifier",
    Lint,
    Error,
    "A name that must be an SQL identifier is not one",
    "Names of datastores, datasets, columns, workspaces, dataset groups, transformers, \
     containers, platforms, credential stores and credentials become table, column, topic and \
     resource names in every target, so they must be plain SQL identifiers: an ASCII letter \
     followed by up to 127 ASCII letters, digits or underscores. Rename the element (replace \
     spaces, dashes and dots with `_`) and update every reference to it.",
);

pub static RULE: Rule = Rule {
    code: &DS101,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    for_each_identifier(cx.model, &mut |what, name| {
        if let Err(e) = check_identifier(&name.value) {
            let mut d = Diagnostic::new(&DS101, format!("{what} {e}")).at(name.span);
            d = match suggestion(&name.value) {
                Some(s) => d.help(format!(
                    "rename it to an SQL identifier such as `{s}` (letters, digits and `_`, starting with a letter) and update its references"
                )),
                None => d.help(
                    "rename it to an SQL identifier (an ASCII letter, then up to 127 ASCII letters, digits or `_`) and update its references",
                ),
            };
            out.push(d);
        }
    });
}

/// Calls `f(what, name)` for every name that MODEL.md says is an SQL identifier, in model
/// order: containers (ecosystem-level, then per team), credential stores, platforms, then per
/// team its datastores (capture credential, datasets, columns) and workspaces (DSGs,
/// transformer). Shared with DS102 so both rules cover the same names.
pub(super) fn for_each_identifier<'m>(model: &'m Model, f: &mut dyn FnMut(&'static str, &'m Name)) {
    for c in &model.containers {
        f("container", &c.name);
    }
    for c in &model.credential_stores {
        f("credential store", &c.name);
    }
    for p in &model.platforms {
        f("platform", &p.name);
    }
    for team in &model.teams {
        for c in &team.containers {
            f("container", &c.name);
        }
        for store in &team.datastores {
            f("datastore", &store.name);
            if let Some(cred) = store.capture.as_ref().and_then(|c| c.credential.as_ref()) {
                f("credential", cred);
            }
            for ds in &store.datasets {
                f("dataset", &ds.name);
                for col in &ds.columns {
                    f("column", &col.name);
                }
            }
        }
        for ws in &team.workspaces {
            f("workspace", &ws.name);
            for dsg in &ws.dsgs {
                f("dataset group", &dsg.name);
            }
            if let Some(t) = &ws.transformer {
                f("transformer", &t.name);
            }
        }
    }
}

/// A valid identifier close to `name` (non-identifier characters become `_`, a leading
/// non-letter gets a letter prefix), when one exists within the length limit.
fn suggestion(name: &str) -> Option<String> {
    let mut s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    // Collapse runs of `_` and trim them at the ends, so `order - lines` becomes `order_lines`.
    let mut collapsed = String::with_capacity(s.len());
    for c in s.chars() {
        if !(c == '_' && (collapsed.is_empty() || collapsed.ends_with('_'))) {
            collapsed.push(c);
        }
    }
    s = collapsed.trim_end_matches('_').to_string();
    if s.is_empty() {
        return None;
    }
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        s.insert_str(0, "n_");
    }
    (check_identifier(&s).is_ok() && !crate::model::values::is_reserved_word(&s)).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(text: &str) -> Vec<(usize, String)> {
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let mut out: Vec<(usize, String)> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS101")
            .map(|d| (loaded.model.sources.line_col(d.span.unwrap()).0, d.message))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn covers_every_identifier_name() {
        let text = r#"ecosystem "E" { owning_repo = "github:a/b@main" }
container "postgres" "bad-db" {
  host = "h"
  port = 1
  database = "d"
}
credential_store "k8s store" { kind = "env" }
platform "9lives" { target = "legacy" }
team "Z" "T" {
  datastore "my.store" {
    capture {
      kind = "cdc"
      container = "bad-db"
      credential = "cred-1"
      trigger = "external"
    }
    dataset "ünicode" {
      column "a b" { type = "bigint" }
    }
  }
  workspace "ws-1" {
    container = "platform_managed"
    dsg "_live" {}
    transformer "t!" { output = "my.store" }
  }
}
"#;
        let got: Vec<usize> = lint(text).into_iter().map(|(l, _)| l).collect();
        assert_eq!(got, [2, 7, 8, 10, 14, 17, 18, 21, 23, 24]);
    }

    #[test]
    fn long_names_are_rejected() {
        let long = "a".repeat(129);
        let ok = "a".repeat(128);
        let text = format!(
            "ecosystem \"E\" {{ owning_repo = \"github:a/b@main\" }}\ncredential_store \"{long}\" {{ kind = \"env\" }}\ncredential_store \"{ok}\" {{ kind = \"env\" }}\n"
        );
        let got = lint(&text);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 2);
        assert!(got[0].1.contains("129 characters"), "{}", got[0].1);
    }

    #[test]
    fn suggestions_are_identifiers() {
        assert_eq!(suggestion("order - lines").as_deref(), Some("order_lines"));
        assert_eq!(suggestion("9lives").as_deref(), Some("n_9lives"));
        assert_eq!(suggestion("---"), None);
        assert_eq!(suggestion("my.store").as_deref(), Some("my_store"));
    }
}
