//! DS102 reserved-word.
//!
//! ## What it does
//! Checks that no name which must be an SQL identifier (the names DS101 checks: datastores,
//! datasets, columns, workspaces, dataset groups, transformers, containers, platforms,
//! credential stores and capture credentials) is an SQL reserved word such as `order`,
//! `select` or `table`, compared case-insensitively.
//!
//! ## Why is this bad?
//! These names are written unquoted into generated SQL. A column called `order` or a table
//! called `Group` is a syntax error in some engines and needs engine-specific quoting in the
//! others, so the same model would render differently per target.
//!
//! ## Notes
//! The list is the one in DESIGN.md ([`crate::model::values::SQL_RESERVED_WORDS`]). A name
//! that is not a valid identifier at all is reported by DS101 instead.

use super::identifier::for_each_identifier;
use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::values::{check_identifier, is_reserved_word, SQL_RESERVED_WORDS};

declare_code!(
    DS102,
    "reserved-word",
    Lint,
    Error,
    "A name that must be an SQL identifier is an SQL reserved word",
    "Names of datastores, datasets, columns, workspaces, dataset groups, transformers, \
     containers, platforms, credential stores and credentials are written unquoted into \
     generated SQL, so they may not be an SQL reserved word (`SELECT`, `ORDER`, `GROUP`, \
     `TABLE`, `VALUE`, ... in any letter case). Rename the element, for example by making the \
     name more specific (`order_id` instead of `order`), and update every reference to it.",
);

pub static RULE: Rule = Rule {
    code: &DS102,
    check,
};

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    // No reserved word is longer than this: longer names skip the list scan.
    let longest = SQL_RESERVED_WORDS
        .iter()
        .map(|w| w.len())
        .max()
        .unwrap_or(0);
    for_each_identifier(cx.model, &mut |what, name| {
        if name.value.len() <= longest
            && is_reserved_word(&name.value)
            && check_identifier(&name.value).is_ok()
        {
            out.push(
                Diagnostic::new(
                    &DS102,
                    format!(
                        "{what} `{}` is the SQL reserved word `{}`",
                        name.value,
                        name.value.to_ascii_uppercase()
                    ),
                )
                .at(name.span)
                .help(
                    "rename it to a more specific name that is not an SQL reserved word \
                     (`order_id` rather than `order`) and update its references",
                ),
            );
        }
    });
}

#[cfg(test)]
mod tests {
    fn lint(text: &str) -> Vec<(&'static str, usize)> {
        let loaded = crate::load::load_files(vec![("a.hcl".into(), text.into())]);
        let mut out: Vec<(&'static str, usize)> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS101" || d.code == "DS102")
            .map(|d| (d.code, loaded.model.sources.line_col(d.span.unwrap()).0))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn reserved_words_in_any_case() {
        let text = r#"ecosystem "E" { owning_repo = "github:a/b@main" }
credential_store "Select" { kind = "env" }
platform "TABLE" { target = "legacy" }
team "Z" "T" {
  datastore "Orders" {
    dataset "group" {
      column "order" { type = "bigint" }
      column "order_id" { type = "bigint" }
    }
  }
  workspace "Reports" {
    container = "platform_managed"
    dsg "by" {}
  }
}
"#;
        assert_eq!(
            lint(text),
            [
                ("DS102", 2),
                ("DS102", 3),
                ("DS102", 6),
                ("DS102", 7),
                ("DS102", 13)
            ]
        );
    }

    #[test]
    fn invalid_and_reserved_is_ds101_only() {
        // Every reserved word is a valid identifier, so DS101 and DS102 can only meet on a name
        // that fails the identifier grammar for another reason; the rule checks both anyway.
        let text = r#"ecosystem "E" { owning_repo = "github:a/b@main" }
credential_store "select-1" { kind = "env" }
credential_store "order" { kind = "env" }
"#;
        assert_eq!(lint(text), [("DS101", 2), ("DS102", 3)]);
    }
}
