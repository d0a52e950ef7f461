//! Scalar values of the model language (MODEL.md "Conventions" and "Types", DESIGN.md "Model
//! rules to carry over"): names, repositories, locations, classifications, cron triggers,
//! ISO-8601 durations, sizes and inline-secret attribute names.
//!
//! Every parser is total: it never panics, and every error is a one-line message starting in
//! lower case, without a trailing period, that says what is wrong and what is expected. User
//! text quoted in a message is escaped first (see `show`), so a control character,
//! a newline or an invisible (bidi / zero-width) character can neither break the line nor hide
//! in it.
//!
//! Decisions where the documents are silent (each is also noted at its item):
//!
//! - Free names (zones, teams, vendors, locations, policies) reject the empty string, leading or
//!   trailing whitespace, `/`, `:`, `#`, control characters and invisible format characters
//!   (bidi controls, zero-width characters, soft hyphen, BOM). Other Unicode is allowed.
//! - Repositories: the scheme is lower-case `github:` / `gitlab:`; GitLab hosts are DNS names
//!   with an optional `:port` (1-65535, no leading zero); branches follow `git check-ref-format`
//!   and may contain non-ASCII letters, but no whitespace and no invisible characters.
//! - Locations: a bare `VENDOR` is a valid reference to the whole vendor; `VENDOR:` is not.
//!   Vendor and steps compare exactly (case-sensitive).
//! - Classifications: the class is upper-case only; a qualifier is `[A-Za-z0-9_.-]{1,64}` and
//!   case-sensitive.
//! - Cron: besides `*`, `n`, `a-b`, `*/n` and comma lists, the standard `a-b/n` is accepted
//!   (standard in vixie cron and Kubernetes CronJob schedules); `n/m`, names
//!   (`JAN`, `MON`), `?`, `L`, `W` and `#` are rejected. Fields are separated by ASCII spaces or
//!   tabs; leading or trailing whitespace is rejected.
//! - Durations: upper-case only, whole numbers only (no fractions), weeks may be combined with
//!   other units, `P0D` is valid (zero), and the canonical form prints the non-zero units in
//!   order (zero prints as `P0D`).
//! - Sizes: upper-case unit letters only, no `B`/`KB`/`KiB` spellings, no spaces.

use std::fmt;
use std::str::FromStr;

// ---------------------------------------------------------------------------------------------
// Quoting user text in messages
// ---------------------------------------------------------------------------------------------

/// Longest quoted user text in a message, in characters.
const SHOW_MAX: usize = 64;

/// Characters that render as nothing (or reorder text) and so can hide in a name: bidi
/// controls, zero-width characters, word joiners, the soft hyphen and the byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// User text made safe to quote on one line: control, invisible and non-space whitespace
/// characters are written as `\u{..}`, and long text is cut with `…`.
fn show(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == SHOW_MAX {
            out.push('…');
            break;
        }
        if c.is_control() || is_invisible(c) || (c.is_whitespace() && c != ' ') {
            out.push_str(&format!("\\u{{{:04X}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// One character named for a message: `` `а` (U+0430) `` so that look-alikes are visible.
fn show_char(c: char) -> String {
    if c.is_ascii_graphic() {
        format!("`{c}`")
    } else if c == ' ' {
        "a space".to_string()
    } else if c.is_control() || is_invisible(c) || c.is_whitespace() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("`{c}` (U+{:04X})", c as u32)
    }
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/// SQL reserved words that may not name an identifier (DESIGN.md), upper-case.
pub const SQL_RESERVED_WORDS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "AND",
    "OR",
    "NOT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "CREATE",
    "ALTER",
    "DROP",
    "TABLE",
    "DATABASE",
    "INDEX",
    "VIEW",
    "TRIGGER",
    "PROCEDURE",
    "FUNCTION",
    "JOIN",
    "INNER",
    "LEFT",
    "RIGHT",
    "FULL",
    "ON",
    "GROUP",
    "BY",
    "ORDER",
    "HAVING",
    "UNION",
    "EXCEPT",
    "INTERSECT",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "AS",
    "DISTINCT",
    "NULL",
    "IS",
    "BETWEEN",
    "LIKE",
    "IN",
    "EXISTS",
    "ALL",
    "ANY",
    "SOME",
    "CAST",
    "CONVERT",
    "COALESCE",
    "COUNT",
    "SUM",
    "AVG",
    "MIN",
    "MAX",
    "TOP",
    "LIMIT",
    "FETCH",
    "OFFSET",
    "ROW",
    "ROWS",
    "ONLY",
    "FIRST",
    "NEXT",
    "VALUE",
    "VALUES",
    "INTO",
    "SET",
    "OUTPUT",
    "DECLARE",
    "CURSOR",
    "FOR",
    "WHILE",
    "LOOP",
    "REPEAT",
    "IF",
    "ELSEIF",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "TRANSACTION",
    "TRY",
    "CATCH",
    "THROW",
    "USE",
    "USING",
    "COLLATE",
    "PLAN",
    "EXECUTE",
    "PREPARE",
    "DEALLOCATE",
    "ASC",
    "DESC",
];

/// Whether `name` is an SQL reserved word, case-insensitively.
pub fn is_reserved_word(name: &str) -> bool {
    SQL_RESERVED_WORDS
        .iter()
        .any(|w| w.eq_ignore_ascii_case(name))
}

/// Longest SQL identifier, in characters.
const IDENTIFIER_MAX: usize = 128;

/// Checks `^[A-Za-z][A-Za-z0-9_]{0,127}$`. Reserved words are checked separately
/// ([`is_reserved_word`]), so the caller can give that its own diagnostic.
pub fn check_identifier(name: &str) -> Result<(), String> {
    const EXPECTED: &str = "expected an ASCII letter followed by ASCII letters, digits or `_`";
    let Some(first) = name.chars().next() else {
        return Err(format!("name is empty; {EXPECTED}"));
    };
    if !first.is_ascii_alphabetic() {
        return Err(format!(
            "name `{}` starts with {}; {EXPECTED}",
            show(name),
            show_char(first)
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(format!(
            "name `{}` contains {}; {EXPECTED}",
            show(name),
            show_char(bad)
        ));
    }
    // All ASCII from here on, so bytes are characters.
    if name.len() > IDENTIFIER_MAX {
        return Err(format!(
            "name `{}` is {} characters long; the limit is {IDENTIFIER_MAX}",
            show(name),
            name.len()
        ));
    }
    Ok(())
}

/// Checks a free-text name (`what` names it in messages: "name", "vendor", "location step").
fn check_free_text(what: &str, s: &str) -> Result<(), String> {
    const EXPECTED: &str = "expected non-empty text without `/`, `:` or `#`";
    if s.is_empty() {
        return Err(format!("{what} is empty; {EXPECTED}"));
    }
    if s.chars().all(char::is_whitespace) {
        return Err(format!(
            "{what} `{}` is only whitespace; {EXPECTED}",
            show(s)
        ));
    }
    if s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
        return Err(format!(
            "{what} `{}` has leading or trailing whitespace; remove it",
            show(s)
        ));
    }
    if let Some(bad) = s.chars().find(|c| matches!(c, '/' | ':' | '#')) {
        return Err(format!(
            "{what} `{}` contains {}; {EXPECTED}",
            show(s),
            show_char(bad)
        ));
    }
    if let Some(bad) = s.chars().find(|c| c.is_control()) {
        return Err(format!(
            "{what} `{}` contains the control character {}; names must be visible text",
            show(s),
            show_char(bad)
        ));
    }
    if let Some(bad) = s.chars().find(|c| is_invisible(*c)) {
        return Err(format!(
            "{what} `{}` contains the invisible character {}; names must be visible text",
            show(s),
            show_char(bad)
        ));
    }
    Ok(())
}

/// Checks a free-text name (zone, team, vendor, location, policy): non-empty, not only
/// whitespace, no leading or trailing whitespace, no `/`, `:` or `#`, no control characters
/// and no invisible characters (bidi controls, zero-width characters: they hide spoofing).
pub fn check_free_name(name: &str) -> Result<(), String> {
    check_free_text("name", name)
}

/// Whether an attribute with this name must not hold a string literal (an inline secret): the
/// name contains `password`, `secret` or `token`, or ends in `_key`, case-insensitively.
pub fn is_secret_attribute_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("password")
        || lower.contains("secret")
        || lower.contains("token")
        || lower.ends_with("_key")
}

// ---------------------------------------------------------------------------------------------
// Repositories
// ---------------------------------------------------------------------------------------------

const REPO_EXPECTED: &str =
    "expected `github:OWNER/REPO@BRANCH` or `gitlab:HOST/GROUP/REPO@BRANCH`";

/// Where a repository lives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RepoHost {
    /// `github:` (github.com).
    Github,
    /// `gitlab:` with the host (and optional `:port`) as written.
    Gitlab { host: String },
}

/// A model repository and branch: `github:OWNER/REPO@BRANCH` or
/// `gitlab:HOST/GROUP[/SUBGROUP...]/REPO@BRANCH`.
///
/// Comparison for authorization is exact and case-sensitive: the derived `PartialEq` compares
/// every byte, so `github:Acme/eco@main` and `github:acme/eco@main` are different repositories.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Repository {
    pub host: RepoHost,
    /// `OWNER/REPO` for GitHub, `HOST/GROUP/.../REPO` for GitLab (host included).
    pub path: String,
    pub branch: String,
}

impl Repository {
    /// Parses the canonical form; no whitespace is tolerated anywhere.
    pub fn parse(s: &str) -> Result<Repository, String> {
        if s.is_empty() {
            return Err(format!("repository is empty; {REPO_EXPECTED}"));
        }
        if s.trim() != s {
            return Err(format!(
                "repository `{}` has leading or trailing whitespace; {REPO_EXPECTED}",
                show(s)
            ));
        }
        let (is_github, rest) = if let Some(rest) = s.strip_prefix("github:") {
            (true, rest)
        } else if let Some(rest) = s.strip_prefix("gitlab:") {
            (false, rest)
        } else {
            let hint = match s.get(..7).map(str::to_ascii_lowercase).as_deref() {
                Some("github:" | "gitlab:") => " (the prefix is lower-case)",
                _ => "",
            };
            return Err(format!(
                "repository `{}` does not start with `github:` or `gitlab:`{hint}; {REPO_EXPECTED}",
                show(s)
            ));
        };
        let Some((path, branch)) = rest.split_once('@') else {
            return Err(format!(
                "repository `{}` has no `@BRANCH`; {REPO_EXPECTED}",
                show(s)
            ));
        };
        let segments: Vec<&str> = path.split('/').collect();
        let host = if is_github {
            if segments.len() != 2 {
                return Err(format!(
                    "repository `{}` has {} path segments; a GitHub repository is exactly \
                     OWNER/REPO",
                    show(s),
                    segments.len()
                ));
            }
            check_repo_segment("owner", segments[0])?;
            check_repo_segment("repository name", segments[1])?;
            RepoHost::Github
        } else {
            if segments.len() < 3 {
                return Err(format!(
                    "repository `{}` has {} path segments; a GitLab repository is \
                     HOST/GROUP/REPO (groups may nest)",
                    show(s),
                    segments.len()
                ));
            }
            check_host(segments[0])?;
            let last = segments.len() - 1;
            for (i, seg) in segments.iter().enumerate().skip(1) {
                let what = if i == last {
                    "repository name"
                } else {
                    "group"
                };
                check_repo_segment(what, seg)?;
            }
            RepoHost::Gitlab {
                host: segments[0].to_string(),
            }
        };
        check_branch(branch)?;
        Ok(Repository {
            host,
            path: path.to_string(),
            branch: branch.to_string(),
        })
    }
}

impl fmt::Display for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.host {
            RepoHost::Github => "github",
            RepoHost::Gitlab { .. } => "gitlab",
        };
        write!(f, "{scheme}:{}@{}", self.path, self.branch)
    }
}

impl FromStr for Repository {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Repository::parse(s)
    }
}

/// An owner, group or repository name: `[A-Za-z0-9_.-]+`, no leading or trailing `-`, no
/// `..`, not `.`.
fn check_repo_segment(what: &str, seg: &str) -> Result<(), String> {
    const EXPECTED: &str = "expected ASCII letters, digits, `_`, `.` or `-`";
    if seg.is_empty() {
        return Err(format!("repository {what} is empty; {EXPECTED}"));
    }
    if let Some(bad) = seg
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(format!(
            "repository {what} `{}` contains {}; {EXPECTED}",
            show(seg),
            show_char(bad)
        ));
    }
    if seg.starts_with('-') || seg.ends_with('-') {
        return Err(format!(
            "repository {what} `{seg}` starts or ends with `-`; expected a letter, digit, `_` or \
             `.` at both ends"
        ));
    }
    if seg == "." {
        return Err(format!(
            "repository {what} `.` is not a name; expected ASCII letters, digits, `_`, `.` or `-`"
        ));
    }
    if seg.contains("..") {
        return Err(format!(
            "repository {what} `{seg}` contains `..`; expected no two dots in a row"
        ));
    }
    Ok(())
}

/// A GitLab host: a DNS name (labels of ASCII letters, digits and `-`, no label starting or
/// ending with `-`, labels 1-63 characters, 253 in all) with an optional `:port` (1-65535).
fn check_host(host: &str) -> Result<(), String> {
    const EXPECTED: &str =
        "expected a DNS name of ASCII letters, digits, `-` and `.`, optionally with `:PORT`";
    let (name, port) = match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    if name.is_empty() {
        return Err(format!("repository host is empty; {EXPECTED}"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.')))
    {
        return Err(format!(
            "repository host `{}` contains {}; {EXPECTED}",
            show(host),
            show_char(bad)
        ));
    }
    if name.len() > 253 {
        return Err(format!(
            "repository host `{}` is {} characters long; a DNS name has at most 253",
            show(name),
            name.len()
        ));
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err(format!(
                "repository host `{name}` has an empty label (leading, trailing or doubled `.`); \
                 {EXPECTED}"
            ));
        }
        if label.len() > 63 {
            return Err(format!(
                "repository host `{}` has a label of {} characters; a DNS label has at most 63",
                show(name),
                label.len()
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!(
                "repository host `{name}` has a label starting or ending with `-`; {EXPECTED}"
            ));
        }
    }
    if let Some(port) = port {
        let valid = !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && !port.starts_with('0')
            && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
        if !valid {
            return Err(format!(
                "repository host port `{}` is not a port number; expected 1-65535 without leading \
                 zeros",
                show(port)
            ));
        }
    }
    Ok(())
}

/// A branch name under `git check-ref-format --branch` rules.
fn check_branch(b: &str) -> Result<(), String> {
    const RULES: &str = "expected a git branch name";
    if b.is_empty() {
        return Err(format!("branch is empty; {RULES} after `@`"));
    }
    if b == "@" {
        return Err(format!("branch `@` is not a valid ref; {RULES}"));
    }
    if let Some(bad) = b
        .chars()
        .find(|c| c.is_control() || c.is_whitespace() || is_invisible(*c))
    {
        return Err(format!(
            "branch `{}` contains {}; {RULES} without whitespace, control or invisible characters",
            show(b),
            show_char(bad)
        ));
    }
    if let Some(bad) = b
        .chars()
        .find(|c| matches!(c, '~' | '^' | ':' | '\\' | '*' | '?' | '[' | ']'))
    {
        return Err(format!(
            "branch `{}` contains {}; {RULES} without any of `~^:\\*?[]`",
            show(b),
            show_char(bad)
        ));
    }
    if b.starts_with('-') {
        return Err(format!(
            "branch `{}` starts with `-`; {RULES} starting with another character",
            show(b)
        ));
    }
    if b.starts_with('/') || b.ends_with('/') {
        return Err(format!(
            "branch `{}` starts or ends with `/`; {RULES} with `/` only between parts",
            show(b)
        ));
    }
    if b.contains("//") {
        return Err(format!(
            "branch `{}` contains `//`; {RULES} without empty parts",
            show(b)
        ));
    }
    if b.contains("..") {
        return Err(format!(
            "branch `{}` contains `..`; {RULES} without `..`",
            show(b)
        ));
    }
    if b.contains("@{") {
        return Err(format!(
            "branch `{}` contains `@{{`; {RULES} without `@{{`",
            show(b)
        ));
    }
    if b.ends_with('.') {
        return Err(format!(
            "branch `{}` ends with `.`; {RULES} ending in another character",
            show(b)
        ));
    }
    for part in b.split('/') {
        if part.starts_with('.') {
            return Err(format!(
                "branch `{}` has a part starting with `.`; {RULES} whose `/`-separated parts do \
                 not start with `.`",
                show(b)
            ));
        }
        if part.ends_with(".lock") {
            return Err(format!(
                "branch `{}` has a part ending in `.lock`; {RULES} whose parts do not end in \
                 `.lock`",
                show(b)
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Locations
// ---------------------------------------------------------------------------------------------

/// A location reference: `VENDOR` (the whole vendor, useful in policies) or
/// `VENDOR:loc/sub/leaf`. Vendor and steps are free names and compare exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocationRef {
    pub vendor: String,
    /// The steps below the vendor; empty for a bare `VENDOR`.
    pub path: Vec<String>,
}

impl LocationRef {
    pub fn parse(s: &str) -> Result<LocationRef, String> {
        const EXPECTED: &str = "expected `VENDOR:location/sub/...` or `VENDOR`";
        if s.is_empty() {
            return Err(format!("location is empty; {EXPECTED}"));
        }
        let (vendor, rest) = match s.split_once(':') {
            Some((vendor, rest)) => (vendor, Some(rest)),
            None => (s, None),
        };
        check_free_text("location vendor", vendor)?;
        let mut path = Vec::new();
        if let Some(rest) = rest {
            if rest.is_empty() {
                return Err(format!(
                    "location `{}` has nothing after `:`; {EXPECTED}",
                    show(s)
                ));
            }
            for step in rest.split('/') {
                if step.is_empty() {
                    return Err(format!(
                        "location `{}` has an empty step (leading, trailing or doubled `/`); \
                         {EXPECTED}",
                        show(s)
                    ));
                }
                check_free_text("location step", step)?;
                path.push(step.to_string());
            }
        }
        Ok(LocationRef {
            vendor: vendor.to_string(),
            path,
        })
    }

    /// Whether `self` is `other` or one of its ancestors (whole steps: `AWS:USA` covers
    /// `AWS:USA/us-east-1` but not `AWS:USAX`; a bare vendor covers all its locations).
    pub fn covers(&self, other: &LocationRef) -> bool {
        self.vendor == other.vendor
            && self.path.len() <= other.path.len()
            && self.path.iter().zip(&other.path).all(|(a, b)| a == b)
    }
}

impl fmt::Display for LocationRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.vendor)?;
        for (i, step) in self.path.iter().enumerate() {
            f.write_str(if i == 0 { ":" } else { "/" })?;
            f.write_str(step)?;
        }
        Ok(())
    }
}

impl FromStr for LocationRef {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LocationRef::parse(s)
    }
}

// ---------------------------------------------------------------------------------------------
// Classifications
// ---------------------------------------------------------------------------------------------

/// A base classification class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClassLevel {
    Pub,
    Ip,
    Pc1,
    Pc2,
    Cpi,
    Mnpi,
    Csi,
    Pc3,
}

impl ClassLevel {
    /// Every class, in the order MODEL.md lists them.
    pub const ALL: [ClassLevel; 8] = [
        ClassLevel::Pub,
        ClassLevel::Ip,
        ClassLevel::Pc1,
        ClassLevel::Pc2,
        ClassLevel::Cpi,
        ClassLevel::Mnpi,
        ClassLevel::Csi,
        ClassLevel::Pc3,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClassLevel::Pub => "PUB",
            ClassLevel::Ip => "IP",
            ClassLevel::Pc1 => "PC1",
            ClassLevel::Pc2 => "PC2",
            ClassLevel::Cpi => "CPI",
            ClassLevel::Mnpi => "MNPI",
            ClassLevel::Csi => "CSI",
            ClassLevel::Pc3 => "PC3",
        }
    }

    /// The class spelled exactly (upper-case).
    pub fn from_name(s: &str) -> Option<ClassLevel> {
        ClassLevel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for ClassLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Longest classification qualifier, in characters.
const QUALIFIER_MAX: usize = 64;

/// A classification: a class, optionally qualified (`PC3:ssn`). A qualified value equals only
/// itself; qualifiers are case-sensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Classification {
    pub class: ClassLevel,
    pub qualifier: Option<String>,
}

impl Classification {
    pub fn parse(s: &str) -> Result<Classification, String> {
        const EXPECTED: &str =
            "expected one of PUB, IP, PC1, PC2, CPI, MNPI, CSI, PC3, optionally as `CLASS:qualifier`";
        let (class, qualifier) = match s.split_once(':') {
            Some((class, q)) => (class, Some(q)),
            None => (s, None),
        };
        if s.is_empty() {
            return Err(format!("classification is empty; {EXPECTED}"));
        }
        let Some(level) = ClassLevel::from_name(class) else {
            if class.is_empty() {
                return Err(format!(
                    "classification `{}` has no class; {EXPECTED}",
                    show(s)
                ));
            }
            let hint = match ClassLevel::from_name(&class.to_ascii_uppercase()) {
                Some(l) if class.is_ascii() => format!(" (classes are upper-case: `{l}`)"),
                _ => String::new(),
            };
            return Err(format!(
                "classification `{}` has the unknown class `{}`{hint}; {EXPECTED}",
                show(s),
                show(class)
            ));
        };
        let qualifier = match qualifier {
            None => None,
            Some(q) => {
                const QEXPECTED: &str =
                    "expected a qualifier of ASCII letters, digits, `_`, `.` or `-`";
                if q.is_empty() {
                    return Err(format!(
                        "classification `{}` has an empty qualifier after `:`; {QEXPECTED}",
                        show(s)
                    ));
                }
                if let Some(bad) = q
                    .chars()
                    .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
                {
                    return Err(format!(
                        "classification `{}` has {} in its qualifier; {QEXPECTED}",
                        show(s),
                        show_char(bad)
                    ));
                }
                if q.len() > QUALIFIER_MAX {
                    return Err(format!(
                        "classification qualifier `{}` is {} characters long; the limit is \
                         {QUALIFIER_MAX}",
                        show(q),
                        q.len()
                    ));
                }
                Some(q.to_string())
            }
        };
        Ok(Classification {
            class: level,
            qualifier,
        })
    }

    /// Whether a policy entry matches this value: an entry without a qualifier covers every
    /// qualifier of its class; a qualified entry matches only the identical value.
    pub fn matches_policy_entry(&self, entry: &Classification) -> bool {
        self.class == entry.class
            && match &entry.qualifier {
                None => true,
                Some(q) => self.qualifier.as_ref() == Some(q),
            }
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.class.as_str())?;
        if let Some(q) = &self.qualifier {
            write!(f, ":{q}")?;
        }
        Ok(())
    }
}

impl FromStr for Classification {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Classification::parse(s)
    }
}

// ---------------------------------------------------------------------------------------------
// Cron
// ---------------------------------------------------------------------------------------------

/// The five cron fields: name, minimum, maximum.
const CRON_FIELDS: [(&str, u32, u32); 5] = [
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day-of-month", 1, 31),
    ("month", 1, 12),
    ("day-of-week", 0, 7),
];

const CRON_ELEMENT_EXPECTED: &str =
    "expected `*`, `n`, `a-b`, `*/n` or `a-b/n`, or a comma-separated list of them";

/// A 5-field cron schedule (`minute hour day-of-month month day-of-week`).
///
/// Each field is a comma-separated list of `*`, `n`, `a-b` (a <= b), `*/n` or `a-b/n` (step n
/// from 1 to the field's maximum). `a-b/n` is not in DESIGN.md's list but is standard cron
/// (vixie cron, Kubernetes CronJob), so it is accepted. Not accepted: `n/m`, month and weekday
/// names, and the non-standard `?`, `L`, `W`, `#`. Day-of-week 7 is Sunday, like 0.
///
/// Equality compares the fields as written (after normalising separators), not the schedule:
/// `0 0 * * 0` and `0 0 * * 7` are different values that fire at the same times.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cron {
    /// The fields as written (normalised to single spaces by `Display`).
    fields: [String; 5],
    /// Bit i set when value i is in the field (day-of-week 7 folded into 0).
    sets: [u64; 5],
}

impl Cron {
    pub fn parse(s: &str) -> Result<Cron, String> {
        const EXPECTED: &str =
            "expected 5 fields: minute hour day-of-month month day-of-week (e.g. `*/10 * * * *`)";
        if s.trim().is_empty() {
            return Err(format!("cron expression is empty; {EXPECTED}"));
        }
        if s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
            return Err(format!(
                "cron expression `{}` has leading or trailing whitespace; {EXPECTED}",
                show(s)
            ));
        }
        let parts: Vec<&str> = s.split([' ', '\t']).filter(|p| !p.is_empty()).collect();
        if parts.len() != 5 {
            return Err(format!(
                "cron expression `{}` has {} fields; {EXPECTED}",
                show(s),
                parts.len()
            ));
        }
        let mut fields: [String; 5] = Default::default();
        let mut sets = [0u64; 5];
        for (i, part) in parts.iter().enumerate() {
            let (name, min, max) = CRON_FIELDS[i];
            sets[i] = parse_cron_field(name, min, max, part)?;
            fields[i] = (*part).to_string();
        }
        // Sunday is 0 and 7.
        if sets[4] & (1 << 7) != 0 {
            sets[4] = (sets[4] & !(1 << 7)) | 1;
        }
        Ok(Cron { fields, sets })
    }

    /// Whether the schedule fires at this time (day-of-week 0 or 7 = Sunday). As in standard
    /// cron, when both day-of-month and day-of-week are restricted (neither starts with `*`),
    /// a day matches when either matches.
    pub fn matches(&self, minute: u32, hour: u32, dom: u32, month: u32, dow: u32) -> bool {
        let has = |i: usize, v: u32| v < 64 && self.sets[i] & (1u64 << v) != 0;
        let dow = if dow == 7 { 0 } else { dow };
        let dom_any = self.fields[2].starts_with('*');
        let dow_any = self.fields[4].starts_with('*');
        let day = if dom_any || dow_any {
            has(2, dom) && has(4, dow)
        } else {
            has(2, dom) || has(4, dow)
        };
        has(0, minute) && has(1, hour) && has(3, month) && day
    }
}

impl fmt::Display for Cron {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fields.join(" "))
    }
}

impl FromStr for Cron {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cron::parse(s)
    }
}

/// A decimal number of ASCII digits, `None` when not one; saturates at `u32::MAX` so an
/// overlong number reports as out of range.
fn cron_number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(s.bytes().fold(0u32, |acc, b| {
        acc.saturating_mul(10).saturating_add(u32::from(b - b'0'))
    }))
}

/// One field: the set of its values as a bit mask.
fn parse_cron_field(name: &str, min: u32, max: u32, field: &str) -> Result<u64, String> {
    let mut set = 0u64;
    for element in field.split(',') {
        if element.is_empty() {
            return Err(format!(
                "{name} field `{}` has an empty list element; {CRON_ELEMENT_EXPECTED}",
                show(field)
            ));
        }
        let (range, step) = match element.split_once('/') {
            Some((range, step)) => (range, Some(step)),
            None => (element, None),
        };
        let number = |text: &str| -> Result<u32, String> {
            if text.is_empty() {
                return Err(format!(
                    "{name} field `{}` is missing a number; {CRON_ELEMENT_EXPECTED}",
                    show(element)
                ));
            }
            let Some(n) = cron_number(text) else {
                return Err(format!(
                    "{name} field `{}` is not a number; {CRON_ELEMENT_EXPECTED}",
                    show(text)
                ));
            };
            if n < min || n > max {
                return Err(format!(
                    "{name} field `{}` is out of range {min}-{max}",
                    show(text)
                ));
            }
            Ok(n)
        };
        let (lo, hi) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            let (a, b) = (number(a)?, number(b)?);
            if a > b {
                return Err(format!(
                    "{name} field `{}` is a reversed range; expected `a-b` with a <= b",
                    show(range)
                ));
            }
            (a, b)
        } else {
            let n = number(range)?;
            if step.is_some() {
                return Err(format!(
                    "{name} field `{}` steps from a single value; {CRON_ELEMENT_EXPECTED}",
                    show(element)
                ));
            }
            (n, n)
        };
        let step = match step {
            None => 1,
            Some(text) => match cron_number(text) {
                Some(n) if (1..=max).contains(&n) => n,
                Some(_) => {
                    return Err(format!(
                        "{name} field `{}` has step `{}`; expected a step from 1 to {max}",
                        show(element),
                        show(text)
                    ))
                }
                None => {
                    return Err(format!(
                        "{name} field `{}` has a step that is not a number; expected `/n` with n \
                         from 1 to {max}",
                        show(element)
                    ))
                }
            },
        };
        let mut v = lo;
        while v <= hi {
            set |= 1u64 << v;
            v += step;
        }
    }
    Ok(set)
}

// ---------------------------------------------------------------------------------------------
// Durations
// ---------------------------------------------------------------------------------------------

/// An ISO-8601 duration (`P30D`, `PT15M`, `P1Y2M3DT4H5M6S`, `P2W`): non-negative whole
/// numbers, upper-case designators, date units (Y, M, W, D) before `T`, time units (H, M, S)
/// after it, each at most once and in that order. Weeks may be combined with other units
/// (ISO 8601-2). Fractions are rejected: write `PT90M`, not `PT1.5H`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IsoDuration {
    pub years: u64,
    pub months: u64,
    pub weeks: u64,
    pub days: u64,
    pub hours: u64,
    pub minutes: u64,
    pub seconds: u64,
}

impl IsoDuration {
    pub fn parse(s: &str) -> Result<IsoDuration, String> {
        const EXPECTED: &str = "expected an ISO-8601 duration such as `P30D`, `PT15M` or \
                                `P1Y2M3DT4H5M6S`";
        if s.is_empty() {
            return Err(format!("duration is empty; {EXPECTED}"));
        }
        if s.starts_with('-') {
            return Err(format!(
                "duration `{}` is negative; {EXPECTED} (non-negative)",
                show(s)
            ));
        }
        let Some(body) = s.strip_prefix('P') else {
            if s.starts_with('p') {
                return Err(format!(
                    "duration `{}` is lower-case; {EXPECTED} in upper case",
                    show(s)
                ));
            }
            return Err(format!(
                "duration `{}` does not start with `P`; {EXPECTED}",
                show(s)
            ));
        };
        let (date, time) = match body.split_once('T') {
            Some((d, t)) => (d, Some(t)),
            None => (body, None),
        };
        let mut d = IsoDuration::default();
        // Slots: Y M W D H M S, filled in increasing order.
        let mut last_slot: Option<usize> = None;
        let mut any = false;
        for (part, in_time) in [(date, false), (time.unwrap_or(""), true)] {
            let mut digits = String::new();
            for c in part.chars() {
                if c.is_ascii_digit() {
                    digits.push(c);
                    continue;
                }
                let slot = match (c, in_time) {
                    ('Y', false) => 0,
                    ('M', false) => 1,
                    ('W', false) => 2,
                    ('D', false) => 3,
                    ('H', true) => 4,
                    ('M', true) => 5,
                    ('S', true) => 6,
                    ('H' | 'S', false) => {
                        return Err(format!(
                            "duration `{}` has `{c}` before the `T` time separator; time units \
                             H, M, S go after `T` (e.g. `PT1{c}`)",
                            show(s)
                        ))
                    }
                    ('Y' | 'W' | 'D', true) => {
                        return Err(format!(
                            "duration `{}` has `{c}` after the `T` time separator; date units \
                             Y, M, W, D go before `T`",
                            show(s)
                        ))
                    }
                    ('.' | ',', _) => {
                        return Err(format!(
                            "duration `{}` has a fraction; use whole numbers of a smaller unit \
                             (e.g. `PT90M` for 1.5 hours)",
                            show(s)
                        ))
                    }
                    ('T', _) => {
                        return Err(format!(
                            "duration `{}` has more than one `T`; {EXPECTED}",
                            show(s)
                        ))
                    }
                    ('-' | '+', _) => {
                        return Err(format!(
                            "duration `{}` has a sign; {EXPECTED} (non-negative, unsigned)",
                            show(s)
                        ))
                    }
                    ('y' | 'm' | 'w' | 'd' | 't' | 'h' | 's', _) => {
                        return Err(format!(
                            "duration `{}` has the lower-case designator `{c}`; {EXPECTED} in \
                             upper case",
                            show(s)
                        ))
                    }
                    _ => {
                        return Err(format!(
                            "duration `{}` contains {}; {EXPECTED}",
                            show(s),
                            show_char(c)
                        ))
                    }
                };
                if digits.is_empty() {
                    return Err(format!(
                        "duration `{}` has `{c}` without a number before it; {EXPECTED}",
                        show(s)
                    ));
                }
                if last_slot.is_some_and(|l| slot <= l) {
                    return Err(format!(
                        "duration `{}` repeats a unit or has units out of order; expected the \
                         order Y, M, W, D, then T, H, M, S, each at most once",
                        show(s)
                    ));
                }
                let value = digits.parse::<u64>().map_err(|_| {
                    format!(
                        "duration `{}` has a number too large ({} digits); expected at most {}",
                        show(s),
                        digits.len(),
                        u64::MAX
                    )
                })?;
                *match slot {
                    0 => &mut d.years,
                    1 => &mut d.months,
                    2 => &mut d.weeks,
                    3 => &mut d.days,
                    4 => &mut d.hours,
                    5 => &mut d.minutes,
                    _ => &mut d.seconds,
                } = value;
                last_slot = Some(slot);
                any = true;
                digits.clear();
            }
            if !digits.is_empty() {
                return Err(format!(
                    "duration `{}` ends with the number `{}` without a unit; {EXPECTED}",
                    show(s),
                    show(&digits)
                ));
            }
            if in_time && time.is_some() && last_slot.is_none_or(|l| l < 4) {
                return Err(format!(
                    "duration `{}` has `T` but no time units after it; {EXPECTED}",
                    show(s)
                ));
            }
        }
        if !any {
            return Err(format!("duration `{}` has no units; {EXPECTED}", show(s)));
        }
        Ok(d)
    }

    /// Approximate length in seconds (a year is 365 days, a month 30 days), saturating.
    pub fn approx_seconds(&self) -> u64 {
        const DAY: u64 = 86_400;
        [
            (self.years, 365 * DAY),
            (self.months, 30 * DAY),
            (self.weeks, 7 * DAY),
            (self.days, DAY),
            (self.hours, 3_600),
            (self.minutes, 60),
            (self.seconds, 1),
        ]
        .iter()
        .fold(0u64, |acc, (n, unit)| {
            acc.saturating_add(n.saturating_mul(*unit))
        })
    }
}

impl fmt::Display for IsoDuration {
    /// Canonical form: the non-zero units in order; zero is `P0D`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == IsoDuration::default() {
            return f.write_str("P0D");
        }
        f.write_str("P")?;
        for (n, u) in [
            (self.years, 'Y'),
            (self.months, 'M'),
            (self.weeks, 'W'),
            (self.days, 'D'),
        ] {
            if n != 0 {
                write!(f, "{n}{u}")?;
            }
        }
        if self.hours != 0 || self.minutes != 0 || self.seconds != 0 {
            f.write_str("T")?;
            for (n, u) in [(self.hours, 'H'), (self.minutes, 'M'), (self.seconds, 'S')] {
                if n != 0 {
                    write!(f, "{n}{u}")?;
                }
            }
        }
        Ok(())
    }
}

impl FromStr for IsoDuration {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IsoDuration::parse(s)
    }
}

// ---------------------------------------------------------------------------------------------
// Sizes
// ---------------------------------------------------------------------------------------------

/// A size in bytes: ASCII digits, optionally followed by one of `K`, `M`, `G`, `T`, `P`
/// (powers of 1024). Upper-case only; no spaces, fractions or `B`/`KB`/`KiB` spellings.
pub fn parse_size(s: &str) -> Result<u64, String> {
    const EXPECTED: &str =
        "expected a whole number optionally followed by K, M, G, T or P (powers of 1024), e.g. `10G`";
    if s.is_empty() {
        return Err(format!("size is empty; {EXPECTED}"));
    }
    let split = s
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(s.len(), |(i, _)| i);
    let (digits, unit) = s.split_at(split);
    if digits.is_empty() {
        return Err(format!(
            "size `{}` does not start with a number; {EXPECTED}",
            show(s)
        ));
    }
    if unit.starts_with(['.', ',']) {
        return Err(format!(
            "size `{}` has a fraction; use a whole number of a smaller unit (e.g. `1536M`)",
            show(s)
        ));
    }
    let shift = match unit {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        "P" => 50,
        "k" | "m" | "g" | "t" | "p" => {
            return Err(format!(
                "size `{}` has the lower-case unit `{unit}`; {EXPECTED}",
                show(s)
            ))
        }
        _ => {
            return Err(format!(
                "size `{}` has the unit `{}`; {EXPECTED}",
                show(s),
                show(unit)
            ))
        }
    };
    let too_large = || {
        format!(
            "size `{}` is too large; the limit is {} bytes",
            show(s),
            u64::MAX
        )
    };
    let n = digits.parse::<u64>().map_err(|_| too_large())?;
    n.checked_mul(1u64 << shift).ok_or_else(too_large)
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    /// Every error message is one line, starts in lower case (or with a proper noun / code),
    /// and has no trailing period.
    fn assert_message_style(msg: &str) {
        assert!(!msg.is_empty());
        assert!(
            !msg.contains('\n') && !msg.contains('\r'),
            "multi-line: {msg:?}"
        );
        assert!(!msg.ends_with('.'), "trailing period: {msg:?}");
        let first = msg.chars().next().unwrap();
        assert!(first.is_lowercase(), "not lower-case: {msg:?}");
        assert!(
            !msg.chars().any(|c| c.is_control() || is_invisible(c)),
            "unescaped control or invisible character: {msg:?}"
        );
    }

    fn err<T: fmt::Debug>(r: Result<T, String>) -> String {
        let e = r.expect_err("expected an error");
        assert_message_style(&e);
        e
    }

    // ---- names ----

    #[test]
    fn reserved_word_list_is_exact() {
        let design = "SELECT FROM WHERE AND OR NOT INSERT UPDATE DELETE CREATE ALTER DROP TABLE \
            DATABASE INDEX VIEW TRIGGER PROCEDURE FUNCTION JOIN INNER LEFT RIGHT FULL ON GROUP BY \
            ORDER HAVING UNION EXCEPT INTERSECT CASE WHEN THEN ELSE END AS DISTINCT NULL IS \
            BETWEEN LIKE IN EXISTS ALL ANY SOME CAST CONVERT COALESCE COUNT SUM AVG MIN MAX TOP \
            LIMIT FETCH OFFSET ROW ROWS ONLY FIRST NEXT VALUE VALUES INTO SET OUTPUT DECLARE \
            CURSOR FOR WHILE LOOP REPEAT IF ELSEIF BEGIN COMMIT ROLLBACK SAVEPOINT TRANSACTION \
            TRY CATCH THROW USE USING COLLATE PLAN EXECUTE PREPARE DEALLOCATE ASC DESC";
        let words: Vec<&str> = design.split_whitespace().collect();
        assert_eq!(SQL_RESERVED_WORDS, words.as_slice());
        let mut sorted = words.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), words.len(), "duplicates in the list");
    }

    #[test]
    fn reserved_words_any_case() {
        for w in SQL_RESERVED_WORDS {
            assert!(is_reserved_word(w), "{w}");
            assert!(is_reserved_word(&w.to_ascii_lowercase()), "{w}");
            let mixed: String = w
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i % 2 == 0 {
                        c.to_ascii_lowercase()
                    } else {
                        c
                    }
                })
                .collect();
            assert!(is_reserved_word(&mixed), "{mixed}");
            // Reserved words are syntactically identifiers: the two checks are separate.
            assert!(check_identifier(w).is_ok());
        }
        for ok in [
            "customers",
            "Selected",
            "select_",
            "xselect",
            "",
            "SELECT ",
            "ſelect",
        ] {
            assert!(!is_reserved_word(ok), "{ok}");
        }
    }

    #[test]
    fn identifiers() {
        for ok in ["a", "Z", "customer_id", "USA_Customers", "a1_", "x__9"] {
            assert_eq!(check_identifier(ok), Ok(()), "{ok}");
        }
        let max = format!("a{}", "b".repeat(127));
        assert_eq!(max.len(), 128);
        assert_eq!(check_identifier(&max), Ok(()));
        let over = format!("a{}", "b".repeat(128));
        assert!(err(check_identifier(&over)).contains("129 characters"));
        assert!(err(check_identifier("")).contains("empty"));
        assert!(err(check_identifier("1abc")).contains("starts with `1`"));
        assert!(err(check_identifier("_abc")).contains("starts with `_`"));
        assert!(err(check_identifier("a-b")).contains("contains `-`"));
        assert!(err(check_identifier("a b")).contains("a space"));
        assert!(err(check_identifier("café")).contains("U+00E9"));
        // Cyrillic 'а' looks like ASCII 'a'.
        assert!(err(check_identifier("\u{430}bc")).contains("U+0430"));
        assert!(err(check_identifier("ab\n")).contains("U+000A"));
    }

    #[test]
    fn free_names() {
        for ok in [
            "USA",
            "EU",
            "us-east-1",
            "New York",
            "Zürich",
            "dc 1",
            "a.b",
            "名前",
        ] {
            assert_eq!(check_free_name(ok), Ok(()), "{ok}");
        }
        assert!(err(check_free_name("")).contains("empty"));
        assert!(err(check_free_name("   ")).contains("whitespace"));
        assert!(err(check_free_name(" USA")).contains("leading or trailing"));
        assert!(err(check_free_name("USA ")).contains("leading or trailing"));
        assert!(err(check_free_name("USA\u{A0}")).contains("leading or trailing"));
        assert!(err(check_free_name("a/b")).contains("`/`"));
        assert!(err(check_free_name("a:b")).contains("`:`"));
        assert!(err(check_free_name("a#b")).contains("`#`"));
        assert!(err(check_free_name("a\u{7}b")).contains("control"));
        assert!(err(check_free_name("a\tb")).contains("control"));
        assert!(err(check_free_name("US\u{202E}A")).contains("invisible"));
        assert!(err(check_free_name("US\u{200B}A")).contains("invisible"));
    }

    #[test]
    fn secret_attribute_names() {
        for yes in [
            "password",
            "db_password",
            "PASSWORD",
            "client_secret",
            "SecretValue",
            "token",
            "api_token",
            "access_key",
            "API_KEY",
            "aws_secret_access_key",
        ] {
            assert!(is_secret_attribute_name(yes), "{yes}");
        }
        for no in [
            "key", "keys", "key_name", "host", "user", "keyring", "monkey", "",
        ] {
            assert!(!is_secret_attribute_name(no), "{no}");
        }
    }

    // ---- repositories ----

    #[test]
    fn repositories_parse_and_round_trip() {
        let r = Repository::parse("github:acme/eco@main").unwrap();
        assert_eq!(r.host, RepoHost::Github);
        assert_eq!(r.path, "acme/eco");
        assert_eq!(r.branch, "main");
        for s in [
            "github:acme/eco@main",
            "github:acme/eco@live",
            "github:Acme-Corp/my.repo_1@feature/x-1",
            "github:acme/eco@v1.2",
            "github:acme/eco@release@2024",
            "github:a/b@ünïcode",
            "github:_x/.github@main",
            "gitlab:gitlab.com/grp/repo@main",
            "gitlab:git.example.com:8443/grp/sub/deeper/repo@dev",
            "gitlab:localhost/g/r@main",
        ] {
            let r = Repository::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(r.to_string(), s);
            assert_eq!(s.parse::<Repository>(), Ok(r));
        }
        let g = Repository::parse("gitlab:git.example.com:8443/grp/sub/repo@dev").unwrap();
        assert_eq!(
            g.host,
            RepoHost::Gitlab {
                host: "git.example.com:8443".into()
            }
        );
        assert_eq!(g.path, "git.example.com:8443/grp/sub/repo");
    }

    #[test]
    fn repositories_compare_exactly() {
        let a = Repository::parse("github:acme/eco@main").unwrap();
        let b = Repository::parse("github:Acme/eco@main").unwrap();
        let c = Repository::parse("github:acme/eco@Main").unwrap();
        let d = Repository::parse("github:acme/ECO@main").unwrap();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        assert_eq!(a, Repository::parse("github:acme/eco@main").unwrap());
    }

    #[test]
    fn repositories_reject_spoofing() {
        // Whitespace anywhere.
        assert!(err(Repository::parse("github:acme/eco@main ")).contains("whitespace"));
        assert!(err(Repository::parse(" github:acme/eco@main")).contains("whitespace"));
        assert!(err(Repository::parse("github:acme/eco@main\n")).contains("whitespace"));
        assert!(err(Repository::parse("github:acme/eco@ma in")).contains("a space"));
        assert!(err(Repository::parse("github:acme /eco@main")).contains("a space"));
        assert!(err(Repository::parse("github:acme/eco@main\u{A0}")).contains("whitespace"));
        // Homoglyphs: Cyrillic 'а' (U+0430) in the owner.
        assert!(err(Repository::parse("github:\u{430}cme/eco@main")).contains("U+0430"));
        assert!(err(Repository::parse("github:acme/\u{435}co@main")).contains("U+0435"));
        // Invisible characters.
        assert!(err(Repository::parse("github:acme/eco@ma\u{200B}in")).contains("U+200B"));
        assert!(err(Repository::parse("github:acme/eco@main\u{202E}")).contains("U+202E"));
        assert!(err(Repository::parse("github:ac\u{200D}me/eco@main")).contains("U+200D"));
        // `..`, `.` and leading/trailing `-`.
        assert!(err(Repository::parse("github:acme/../eco@main")).contains("path segments"));
        assert!(err(Repository::parse("github:ac..me/eco@main")).contains("`..`"));
        assert!(err(Repository::parse("github:./eco@main")).contains("`.`"));
        assert!(err(Repository::parse("github:-acme/eco@main")).contains("`-`"));
        assert!(err(Repository::parse("github:acme-/eco@main")).contains("`-`"));
        assert!(err(Repository::parse("github:acme/-eco@main")).contains("`-`"));
        assert!(err(Repository::parse("github:acme/eco@-main")).contains("`-`"));
        assert!(err(Repository::parse("github:acme/eco@a..b")).contains("`..`"));
    }

    #[test]
    fn repositories_reject_malformed() {
        for bad in [
            "",
            "github:",
            "github:acme",
            "github:acme/eco",
            "github:acme/eco@",
            "github:acme@main",
            "github:acme/eco/x@main",
            "github:/eco@main",
            "github:acme/@main",
            "github:acme//eco@main",
            "GitHub:acme/eco@main",
            "gh:acme/eco@main",
            "https://github.com/acme/eco",
            "acme/eco@main",
            "gitlab:gitlab.com/repo@main",
            "gitlab:gitlab.com@main",
            "gitlab:-bad.com/g/r@main",
            "gitlab:bad-.com/g/r@main",
            "gitlab:bad..com/g/r@main",
            "gitlab:.bad.com/g/r@main",
            "gitlab:bad.com./g/r@main",
            "gitlab:bad_host.com/g/r@main",
            "gitlab:host.com:/g/r@main",
            "gitlab:host.com:0/g/r@main",
            "gitlab:host.com:65536/g/r@main",
            "gitlab:host.com:080/g/r@main",
            "gitlab:host.com:8a/g/r@main",
            "gitlab:host.com:1:2/g/r@main",
            "gitlab:hоst.com/g/r@main",
            "gitlab:host.com/g//r@main",
            "gitlab:host.com/g/r/@main",
            "gitlab:host.com/-g/r@main",
        ] {
            err(Repository::parse(bad));
        }
        let long_label = format!("gitlab:{}.com/g/r@main", "a".repeat(64));
        assert!(err(Repository::parse(&long_label)).contains("63"));
        assert!(Repository::parse(&format!("gitlab:{}.com/g/r@main", "a".repeat(63))).is_ok());
        let long_host = format!("gitlab:{}/g/r@main", vec!["a".repeat(50); 6].join("."));
        assert!(err(Repository::parse(&long_host)).contains("253"));
        assert!(err(Repository::parse("GitHub:acme/eco@main")).contains("lower-case"));
    }

    #[test]
    fn branches_follow_git_ref_rules() {
        for ok in [
            "main",
            "feature/x",
            "release-1.2",
            "a@b",
            "v1.0.0",
            "user/name/topic",
            "x.lockx",
            "ä",
        ] {
            let s = format!("github:acme/eco@{ok}");
            assert!(Repository::parse(&s).is_ok(), "{s}");
        }
        for bad in [
            "",
            "@",
            "a..b",
            "a~b",
            "a^b",
            "a:b",
            "a\\b",
            "a*b",
            "a?b",
            "a[b",
            "a]b",
            "a b",
            "a\tb",
            "a\u{7f}b",
            "-main",
            "main.",
            "main/",
            "/main",
            "a//b",
            "main.lock",
            "a.lock/b",
            "a@{b",
            ".hidden",
            "a/.b",
        ] {
            let s = format!("github:acme/eco@{bad}");
            err(Repository::parse(&s));
        }
    }

    // ---- locations ----

    #[test]
    fn locations_parse_and_display() {
        let l = LocationRef::parse("AWS:USA/us-east-1").unwrap();
        assert_eq!(l.vendor, "AWS");
        assert_eq!(l.path, vec!["USA".to_string(), "us-east-1".to_string()]);
        assert_eq!(l.to_string(), "AWS:USA/us-east-1");
        let v = LocationRef::parse("AWS").unwrap();
        assert!(v.path.is_empty());
        assert_eq!(v.to_string(), "AWS");
        for s in ["Private:onprem/dc1", "My Cloud:dc 1", "Zürich:a/b/c/d"] {
            assert_eq!(LocationRef::parse(s).unwrap().to_string(), s);
            assert!(s.parse::<LocationRef>().is_ok());
        }
        for bad in [
            "",
            ":",
            "AWS:",
            ":USA",
            "AWS:USA/",
            "AWS:/USA",
            "AWS:USA//x",
            "AWS:USA:x",
            "AWS: USA",
            "AWS :USA",
            " AWS",
            "AWS:USA#1",
            "AWS:U\u{202E}SA",
            "AWS:U\nSA",
        ] {
            err(LocationRef::parse(bad));
        }
    }

    #[test]
    fn locations_cover() {
        let p = |s: &str| LocationRef::parse(s).unwrap();
        assert!(p("AWS:USA").covers(&p("AWS:USA/us-east-1")));
        assert!(p("AWS:USA").covers(&p("AWS:USA")));
        assert!(p("AWS").covers(&p("AWS:USA/us-east-1")));
        assert!(p("AWS").covers(&p("AWS")));
        assert!(!p("AWS:USA").covers(&p("AWS:USAX")));
        assert!(!p("AWS:USA").covers(&p("AWS:US")));
        assert!(!p("AWS:USA").covers(&p("AWS:USAX/us-east-1")));
        assert!(!p("AWS:USA/us-east-1").covers(&p("AWS:USA")));
        assert!(!p("AWS:USA").covers(&p("AWS")));
        assert!(!p("AWS:USA").covers(&p("Azure:USA")));
        assert!(!p("AWS").covers(&p("AWSX:USA")));
        assert!(!p("AWS:USA").covers(&p("aws:USA")));
        assert!(!p("AWS:USA").covers(&p("AWS:usa")));
    }

    // ---- classifications ----

    #[test]
    fn classifications_parse() {
        for level in ClassLevel::ALL {
            let c = Classification::parse(level.as_str()).unwrap();
            assert_eq!(c.class, level);
            assert_eq!(c.qualifier, None);
            assert_eq!(c.to_string(), level.as_str());
            let q = format!("{level}:ssn");
            assert_eq!(Classification::parse(&q).unwrap().to_string(), q);
        }
        let c = Classification::parse("PC3:ssn").unwrap();
        assert_eq!(c.class, ClassLevel::Pc3);
        assert_eq!(c.qualifier.as_deref(), Some("ssn"));
        assert!(Classification::parse(&format!("PC3:{}", "q".repeat(64))).is_ok());
        assert!(err(Classification::parse("pc3")).contains("upper-case"));
        for bad in [
            "",
            "PC4",
            "PC3:",
            ":ssn",
            "PC3:s sn",
            "PC3:ssn:x",
            "PC3 ",
            " PC3",
            "PC3:ssñ",
            "PUBLIC",
            "ЅSN",
        ] {
            err(Classification::parse(bad));
        }
        err(Classification::parse(&format!("PC3:{}", "q".repeat(65))));
    }

    #[test]
    fn classification_policy_matching() {
        let p = |s: &str| Classification::parse(s).unwrap();
        assert!(p("PC3:ssn").matches_policy_entry(&p("PC3")));
        assert!(p("PC3").matches_policy_entry(&p("PC3")));
        assert!(p("PC3:ssn").matches_policy_entry(&p("PC3:ssn")));
        assert!(!p("PC3").matches_policy_entry(&p("PC3:ssn")));
        assert!(!p("PC3:dob").matches_policy_entry(&p("PC3:ssn")));
        assert!(!p("PC3:SSN").matches_policy_entry(&p("PC3:ssn")));
        assert!(!p("PC2").matches_policy_entry(&p("PC3")));
        assert!(!p("PC2:ssn").matches_policy_entry(&p("PC3:ssn")));
        // A qualified value equals only itself.
        assert_ne!(p("PC3:ssn"), p("PC3"));
        assert_ne!(p("PC3:ssn"), p("PC3:dob"));
    }

    // ---- cron ----

    #[test]
    fn cron_accepts() {
        for s in [
            "* * * * *",
            "*/10 * * * *",
            "0 * * * *",
            "0 0 1 1 0",
            "59 23 31 12 7",
            "0-59 0-23 1-31 1-12 0-7",
            "1,2,3 4-5 */2 1-12/3 1-5",
            "*/59 */23 */31 */12 */7",
            "5-5 0 1 1 *",
            "00 05 01 01 00",
            "0  0\t* * *",
        ] {
            let c = Cron::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert!(s.parse::<Cron>().is_ok());
            // Display normalises separators and reparses to the same schedule.
            assert_eq!(Cron::parse(&c.to_string()).unwrap(), c);
        }
        assert_eq!(Cron::parse("0  0\t* * *").unwrap().to_string(), "0 0 * * *");
    }

    #[test]
    fn cron_edge_values_per_field() {
        let fields = [
            ("minute", 0, 59),
            ("hour", 0, 23),
            ("day-of-month", 1, 31),
            ("month", 1, 12),
            ("day-of-week", 0, 7),
        ];
        for (i, (name, min, max)) in fields.into_iter().enumerate() {
            let with = |v: String| {
                let mut parts = vec!["*".to_string(); 5];
                parts[i] = v;
                parts.join(" ")
            };
            assert!(Cron::parse(&with(min.to_string())).is_ok(), "{name} {min}");
            assert!(Cron::parse(&with(max.to_string())).is_ok(), "{name} {max}");
            let e = err(Cron::parse(&with((max + 1).to_string())));
            assert_eq!(
                e,
                format!("{name} field `{}` is out of range {min}-{max}", max + 1)
            );
            if min > 0 {
                let e = err(Cron::parse(&with((min - 1).to_string())));
                assert_eq!(
                    e,
                    format!("{name} field `{}` is out of range {min}-{max}", min - 1)
                );
            }
            assert!(Cron::parse(&with(format!("*/{max}"))).is_ok());
            assert!(err(Cron::parse(&with(format!("*/{}", max + 1)))).contains("step"));
            assert!(err(Cron::parse(&with("*/0".into()))).contains("step"));
            assert!(err(Cron::parse(&with(format!("{max}-{min}")))).contains("reversed"));
        }
        assert_eq!(
            err(Cron::parse("0 24 * * *")),
            "hour field `24` is out of range 0-23"
        );
        assert_eq!(
            err(Cron::parse("61 * * * *")),
            "minute field `61` is out of range 0-59"
        );
    }

    #[test]
    fn cron_rejects() {
        for bad in [
            "",
            "   ",
            "* * * *",
            "* * * * * *",
            " * * * * *",
            "* * * * * ",
            "* * * * *\n",
            "a * * * *",
            "-1 * * * *",
            "1- * * * *",
            "-5 * * * *",
            "1-2-3 * * * *",
            "1,,2 * * * *",
            ",1 * * * *",
            "1, * * * *",
            "5/15 * * * *",
            "*/ * * * *",
            "*/x * * * *",
            "*/-1 * * * *",
            "1-5/ * * * *",
            "** * * * *",
            "* * * JAN *",
            "* * * * MON",
            "* * ? * *",
            "* * L * *",
            "* * * * 5#2",
            "99999999999999999999 * * * *",
            "*/99999999999999999999 * * * *",
            "+1 * * * *",
            "１ * * * *",
            "*\u{A0}* * * *",
            "external",
            "@hourly",
        ] {
            err(Cron::parse(bad));
        }
    }

    #[test]
    fn cron_matches() {
        let c = Cron::parse("*/15 9-17 * * 1-5").unwrap();
        assert!(c.matches(0, 9, 1, 1, 1));
        assert!(c.matches(45, 17, 31, 12, 5));
        assert!(!c.matches(5, 9, 1, 1, 1));
        assert!(!c.matches(0, 18, 1, 1, 1));
        assert!(!c.matches(0, 9, 1, 1, 0));
        assert!(!c.matches(0, 9, 1, 1, 6));
        let sunday = Cron::parse("0 0 * * 7").unwrap();
        assert!(sunday.matches(0, 0, 5, 5, 0));
        assert!(sunday.matches(0, 0, 5, 5, 7));
        assert!(!sunday.matches(0, 0, 5, 5, 1));
        // Both day fields restricted: either matches.
        let either = Cron::parse("0 0 13 * 5").unwrap();
        assert!(either.matches(0, 0, 13, 1, 2));
        assert!(either.matches(0, 0, 1, 1, 5));
        assert!(!either.matches(0, 0, 1, 1, 2));
        let stepped = Cron::parse("10-30/10 * * * *").unwrap();
        assert!(stepped.matches(10, 0, 1, 1, 0));
        assert!(stepped.matches(20, 0, 1, 1, 0));
        assert!(stepped.matches(30, 0, 1, 1, 0));
        assert!(!stepped.matches(40, 0, 1, 1, 0));
        assert!(!stepped.matches(15, 0, 1, 1, 0));
        // Out-of-range inputs never match and never panic.
        assert!(!Cron::parse("* * * * *").unwrap().matches(99, 0, 1, 1, 0));
        assert!(!Cron::parse("* * * * *").unwrap().matches(
            u32::MAX,
            u32::MAX,
            u32::MAX,
            u32::MAX,
            u32::MAX
        ));
    }

    // ---- durations ----

    #[test]
    fn durations_parse() {
        let d = IsoDuration::parse("P1Y2M3DT4H5M6S").unwrap();
        assert_eq!(
            d,
            IsoDuration {
                years: 1,
                months: 2,
                weeks: 0,
                days: 3,
                hours: 4,
                minutes: 5,
                seconds: 6
            }
        );
        assert_eq!(d.to_string(), "P1Y2M3DT4H5M6S");
        for (s, secs) in [
            ("P30D", 30 * 86_400),
            ("PT15M", 900),
            ("P2W", 14 * 86_400),
            ("P365D", 365 * 86_400),
            ("P1Y", 365 * 86_400),
            ("P1M", 30 * 86_400),
            ("PT1M", 60),
            ("PT1H", 3_600),
            ("PT1S", 1),
            ("PT36H", 36 * 3_600),
            ("P1DT12H", 36 * 3_600),
            ("P1W1D", 8 * 86_400),
        ] {
            let d = IsoDuration::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(d.approx_seconds(), secs, "{s}");
            assert_eq!(d.to_string(), s);
            assert_eq!(s.parse::<IsoDuration>(), Ok(d));
        }
        // Canonical form drops zero units; zero prints as P0D.
        assert_eq!(IsoDuration::parse("P0Y30D").unwrap().to_string(), "P30D");
        assert_eq!(IsoDuration::parse("PT0S").unwrap().to_string(), "P0D");
        assert_eq!(IsoDuration::parse("P0D").unwrap().approx_seconds(), 0);
        assert_eq!(IsoDuration::parse("P007D").unwrap().days, 7);
        let max = IsoDuration::parse(&format!("P{}Y", u64::MAX)).unwrap();
        assert_eq!(max.approx_seconds(), u64::MAX);
        let sum = IsoDuration {
            seconds: u64::MAX,
            minutes: 1,
            ..Default::default()
        };
        assert_eq!(sum.approx_seconds(), u64::MAX);
    }

    #[test]
    fn durations_reject() {
        assert!(err(IsoDuration::parse("")).contains("empty"));
        assert!(err(IsoDuration::parse("P")).contains("no units"));
        assert!(err(IsoDuration::parse("PT")).contains("`T`"));
        assert!(err(IsoDuration::parse("P1DT")).contains("`T`"));
        assert!(err(IsoDuration::parse("P1H")).contains("`T`"));
        assert!(err(IsoDuration::parse("P1S")).contains("`T`"));
        assert!(err(IsoDuration::parse("PT1D")).contains("`T`"));
        assert!(err(IsoDuration::parse("-P1D")).contains("negative"));
        assert!(err(IsoDuration::parse("P-1D")).contains("sign"));
        assert!(err(IsoDuration::parse("PT1.5H")).contains("fraction"));
        assert!(err(IsoDuration::parse("P0,5D")).contains("fraction"));
        assert!(err(IsoDuration::parse("p30d")).contains("lower-case"));
        assert!(err(IsoDuration::parse("P30d")).contains("lower-case"));
        assert!(err(IsoDuration::parse("P30")).contains("without a unit"));
        assert!(err(IsoDuration::parse("PD")).contains("without a number"));
        assert!(err(IsoDuration::parse("P1D1Y")).contains("order"));
        assert!(err(IsoDuration::parse("P1D2D")).contains("order"));
        assert!(err(IsoDuration::parse("PT1M1H")).contains("order"));
        assert!(err(IsoDuration::parse("P1DT1HT1M")).contains("more than one `T`"));
        assert!(err(IsoDuration::parse("P99999999999999999999D")).contains("too large"));
        for bad in [
            "30D",
            "P 30D",
            "P30D ",
            " P30D",
            "P30DT",
            "P1Y2M3D4H",
            "P１D",
            "PT1M2",
            "P1W2W",
            "PTT1H",
            "+P1D",
        ] {
            err(IsoDuration::parse(bad));
        }
    }

    // ---- sizes ----

    #[test]
    fn sizes() {
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("512"), Ok(512));
        assert_eq!(parse_size("1K"), Ok(1024));
        assert_eq!(parse_size("10G"), Ok(10 * 1024 * 1024 * 1024));
        assert_eq!(parse_size("3M"), Ok(3 << 20));
        assert_eq!(parse_size("2T"), Ok(2 << 40));
        assert_eq!(parse_size("4P"), Ok(4 << 50));
        assert_eq!(parse_size("16383P"), Ok(16383 << 50));
        assert_eq!(parse_size(&u64::MAX.to_string()), Ok(u64::MAX));
        assert!(err(parse_size("16384P")).contains("too large"));
        assert!(err(parse_size("18446744073709551616")).contains("too large"));
        assert!(err(parse_size("99999999999999999999999G")).contains("too large"));
        assert!(err(parse_size("")).contains("empty"));
        assert!(err(parse_size("10g")).contains("lower-case"));
        assert!(err(parse_size("1.5G")).contains("fraction"));
        for bad in [
            "G", "10GB", "10KiB", "10B", "10 G", " 10G", "10G ", "-1", "+1", "10E", "1GG", "１G",
            "10Ĝ",
        ] {
            err(parse_size(bad));
        }
    }

    // ---- robustness ----

    /// A small deterministic generator (xorshift64*), so the test needs no dependencies.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    const PIECES: &[&str] = &[
        "github:",
        "gitlab:",
        "acme",
        "eco",
        "/",
        "@",
        "main",
        ".",
        "..",
        "-",
        "_",
        ":",
        "#",
        " ",
        "\t",
        "\n",
        "\0",
        "*",
        "*/",
        ",",
        "0",
        "1",
        "7",
        "9",
        "12",
        "23",
        "24",
        "31",
        "59",
        "60",
        "99999999999999999999",
        "P",
        "T",
        "Y",
        "M",
        "W",
        "D",
        "H",
        "S",
        "K",
        "G",
        "p",
        "AWS",
        "USA",
        "us-east-1",
        "PC3",
        "ssn",
        "PUB",
        "~",
        "^",
        "\\",
        "?",
        "[",
        "]",
        "@{",
        ".lock",
        "а",
        "é",
        "名",
        "😀",
        "\u{200B}",
        "\u{202E}",
        "\u{FEFF}",
        "\u{A0}",
        "\u{7F}",
        "１",
        "ß",
        "İ",
        "\u{0301}",
        "'",
        "\"",
        "`",
    ];

    /// Runs every parser on `s`; whatever it returns must be well formed.
    fn exercise(s: &str) {
        let _ = is_reserved_word(s);
        let _ = is_secret_attribute_name(s);
        if let Err(e) = check_identifier(s) {
            assert_message_style(&e);
        }
        if let Err(e) = check_free_name(s) {
            assert_message_style(&e);
        }
        match Repository::parse(s) {
            Ok(r) => {
                assert_eq!(r.to_string(), s);
                assert!(!s.chars().any(char::is_whitespace), "{s:?}");
                assert!(r.path.is_ascii(), "{s:?}");
            }
            Err(e) => assert_message_style(&e),
        }
        match LocationRef::parse(s) {
            Ok(l) => {
                assert_eq!(l.to_string(), s);
                assert!(l.covers(&l));
            }
            Err(e) => assert_message_style(&e),
        }
        match Classification::parse(s) {
            Ok(c) => {
                assert_eq!(c.to_string(), s);
                assert!(c.matches_policy_entry(&c));
            }
            Err(e) => assert_message_style(&e),
        }
        match Cron::parse(s) {
            Ok(c) => {
                assert_eq!(Cron::parse(&c.to_string()).as_ref(), Ok(&c));
                let _ = c.matches(0, 0, 1, 1, 0);
            }
            Err(e) => assert_message_style(&e),
        }
        match IsoDuration::parse(s) {
            Ok(d) => {
                assert_eq!(IsoDuration::parse(&d.to_string()), Ok(d));
                let _ = d.approx_seconds();
            }
            Err(e) => assert_message_style(&e),
        }
        if let Err(e) = parse_size(s) {
            assert_message_style(&e);
        }
    }

    #[test]
    fn no_parser_panics_on_odd_input() {
        let fixed = [
            "",
            " ",
            "\0",
            "\u{FFFD}",
            "\u{10FFFF}",
            "😀😀😀",
            "a".repeat(10_000).as_str(),
            "/".repeat(300).as_str(),
            "@".repeat(300).as_str(),
            ":".repeat(300).as_str(),
            "github:a/b@\u{202E}",
            "gitlab:\u{430}.com/g/r@main",
            "gitlab:h.com:\u{661}/g/r@main",
            "P\u{661}D",
            "\u{661}K",
            "*/\u{661} * * * *",
            "PC3:\u{301}",
        ]
        .map(String::from);
        for s in &fixed {
            exercise(s);
        }
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let n = rng.below(12);
            let mut s = String::new();
            for _ in 0..n {
                if rng.below(4) == 0 {
                    // An arbitrary scalar value, often outside ASCII.
                    let c = char::from_u32((rng.next() % 0x11_0000) as u32).unwrap_or('\u{FFFD}');
                    s.push(c);
                } else {
                    s.push_str(PIECES[rng.below(PIECES.len())]);
                }
            }
            exercise(&s);
        }
        // Structured near-misses: valid values with one character changed.
        let valid = [
            "github:acme/eco@main",
            "gitlab:git.example.com:8443/grp/sub/repo@dev",
            "AWS:USA/us-east-1",
            "PC3:ssn",
            "*/10 9-17 1,15 1-12/3 0-7",
            "P1Y2M3DT4H5M6S",
            "10G",
        ];
        for v in valid {
            exercise(v);
            let chars: Vec<char> = v.chars().collect();
            for _ in 0..2_000 {
                let mut c = chars.clone();
                let i = rng.below(c.len());
                match rng.below(3) {
                    0 => {
                        c.remove(i);
                    }
                    1 => {
                        c[i] = PIECES[rng.below(PIECES.len())]
                            .chars()
                            .next()
                            .unwrap_or('x')
                    }
                    _ => c.insert(
                        i,
                        char::from_u32((rng.next() % 0x3000) as u32).unwrap_or('x'),
                    ),
                }
                exercise(&c.into_iter().collect::<String>());
            }
        }
    }

    #[test]
    fn messages_escape_hidden_characters() {
        let e = err(check_free_name("a\nb/"));
        assert!(e.contains("\\u{000A}"), "{e}");
        let e = err(Repository::parse(&format!(
            "github:{}/x@main",
            "é".repeat(200)
        )));
        assert!(e.contains('…'), "{e}");
        assert!(e.chars().count() < 300, "{e}");
    }
}
