//! Names of generated resources: derived from model names, sanitized per destination and
//! shortened by one rule (DESIGN.md "Targets"), with collisions detected rather than shipped.
//!
//! A name over its destination's limit keeps a prefix and ends in a separator and the first
//! 8 hex digits of the SHA-1 of the *unsanitized* name, so two long names that share a prefix
//! stay distinct (DataSurface keeps 3 digits, which collides at scale).

use sha1::{Digest, Sha1};
use std::collections::BTreeMap;

/// Hex digits of the SHA-1 kept by [`shorten`].
pub const HASH_DIGITS: usize = 8;

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Fit `name` into `limit` characters: unchanged when it fits, else its first characters, `sep`
/// and the first 8 hex digits of the SHA-1 of `original` (the model name it came from).
/// Names here are ASCII after sanitizing, so characters and bytes agree.
pub fn shorten(name: &str, original: &str, limit: usize, sep: char) -> String {
    if name.len() <= limit {
        return name.to_string();
    }
    let digest = hex(&Sha1::digest(original.as_bytes()));
    let keep = limit.saturating_sub(HASH_DIGITS + 1);
    let mut prefix: String = name.chars().take(keep).collect();
    // Never leave a separator doubled or dangling before the hash.
    while prefix.ends_with(['_', '-', '.']) {
        prefix.pop();
    }
    if prefix.is_empty() {
        return digest[..HASH_DIGITS.min(limit)].to_string();
    }
    format!("{prefix}{sep}{}", &digest[..HASH_DIGITS])
}

/// Map every character outside `keep` to `replacement`, collapse runs of it and trim it from
/// both ends.
fn squash(name: &str, keep: impl Fn(char) -> bool, replacement: char) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = if keep(c) { c } else { replacement };
        if c == replacement && (out.is_empty() || out.ends_with(replacement)) {
            continue;
        }
        out.push(c);
    }
    while out.ends_with(replacement) {
        out.pop();
    }
    out
}

/// A Kubernetes object name (RFC 1123 label): `[a-z0-9-]`, starting and ending alphanumeric,
/// at most 63 characters.
pub fn kubernetes(name: &str) -> String {
    let s = squash(
        &name.to_ascii_lowercase(),
        |c| c.is_ascii_lowercase() || c.is_ascii_digit(),
        '-',
    );
    let s = if s.is_empty() { "x".to_string() } else { s };
    shorten(&s, name, 63, '-')
}

/// A Kafka topic or connector name: `[A-Za-z0-9._-]`, at most 249 characters, never `.` or
/// `..`. Case is kept (topics are case-sensitive).
pub fn kafka(name: &str) -> String {
    let s = squash(
        name,
        |c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'),
        '_',
    );
    let s = if s.is_empty() || s == "." || s == ".." {
        "x".to_string()
    } else {
        s
    };
    shorten(&s, name, 249, '_')
}

/// A PostgreSQL replication slot or publication name: `[a-z0-9_]{1,63}`.
pub fn pg_slot(name: &str) -> String {
    let s = squash(
        &name.to_ascii_lowercase(),
        |c| c.is_ascii_lowercase() || c.is_ascii_digit(),
        '_',
    );
    let s = if s.is_empty() { "x".to_string() } else { s };
    shorten(&s, name, 63, '_')
}

/// An S3 bucket name: `[a-z0-9-]`, 3 to 63 characters, starting and ending alphanumeric (no
/// dots, which break virtual-hosted TLS).
pub fn s3_bucket(name: &str) -> String {
    let mut s = kubernetes(name);
    while s.len() < 3 {
        s.push('0');
    }
    s
}

/// An SQL identifier for generated objects (DESIGN.md "Milestoning"): lower-cased, spaces and
/// `-` become `_`, anything else outside `[a-z0-9_]` becomes `_`, a leading digit gets a `t_`
/// prefix, and the result fits the database's identifier limit.
pub fn sql_identifier(name: &str, limit: usize) -> String {
    let mut s = squash(
        &name.to_ascii_lowercase(),
        |c| c.is_ascii_lowercase() || c.is_ascii_digit(),
        '_',
    );
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, "t_");
    }
    shorten(&s, name, limit, '_')
}

/// Two model names that became one generated name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// The destination's kind, e.g. `Kubernetes name` or `merge table`.
    pub kind: &'static str,
    pub name: String,
    pub first: String,
    pub second: String,
}

/// Generated names of one namespace (one kind of resource on one platform), remembering which
/// model name each came from so a collision can name both.
#[derive(Debug, Default)]
pub struct Namespace {
    kind: &'static str,
    taken: BTreeMap<String, String>,
}

impl Namespace {
    pub fn new(kind: &'static str) -> Namespace {
        Namespace {
            kind,
            taken: BTreeMap::new(),
        }
    }

    /// Claim `generated` for `source`. The same source may claim its own name again.
    pub fn claim(&mut self, source: &str, generated: String) -> Result<String, Collision> {
        match self.taken.get(&generated) {
            Some(first) if first != source => Err(Collision {
                kind: self.kind,
                name: generated,
                first: first.clone(),
                second: source.to_string(),
            }),
            Some(_) => Ok(generated),
            None => {
                self.taken.insert(generated.clone(), source.to_string());
                Ok(generated)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_rfc1123(s: &str) -> bool {
        !s.is_empty()
            && s.len() <= 63
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-')
    }

    #[test]
    fn kubernetes_names_follow_rfc1123() {
        assert_eq!(kubernetes("EU_Customers"), "eu-customers");
        assert_eq!(kubernetes("__A--b  c__"), "a-b-c");
        assert_eq!(kubernetes("____"), "x");
        let long = "A".repeat(100);
        let k = kubernetes(&long);
        assert!(is_rfc1123(&k), "{k}");
        assert_eq!(k.len(), 63);
    }

    #[test]
    fn shortening_keeps_a_prefix_and_eight_hex_digits_of_the_original() {
        let a = format!("{}_one", "x".repeat(70));
        let b = format!("{}_two", "x".repeat(70));
        let (sa, sb) = (pg_slot(&a), pg_slot(&b));
        assert_eq!(sa.len(), 63);
        assert_ne!(sa, sb, "same prefix, different names must not collide");
        let digest = hex(&Sha1::digest(a.as_bytes()));
        assert!(sa.ends_with(&format!("_{}", &digest[..8])), "{sa}");
        assert!(sa.starts_with(&"x".repeat(54)));
        // A name that fits is untouched.
        assert_eq!(sql_identifier("orders", 63), "orders");
    }

    #[test]
    fn sql_identifiers_are_lower_snake_case_within_the_limit() {
        assert_eq!(
            sql_identifier("Yellow Live-Orders", 63),
            "yellow_live_orders"
        );
        assert_eq!(sql_identifier("1st", 63), "t_1st");
        for limit in [30, 63, 64, 128] {
            let s = sql_identifier(&"Abc_".repeat(60), limit);
            assert!(s.len() <= limit, "{limit}: {s}");
        }
    }

    #[test]
    fn kafka_names_keep_case_and_dots() {
        assert_eq!(kafka("acme.EU/Orders v2"), "acme.EU_Orders_v2");
        assert_eq!(kafka(".."), "x");
        assert!(kafka(&"t".repeat(300)).len() <= 249);
    }

    #[test]
    fn buckets_are_at_least_three_characters() {
        assert_eq!(s3_bucket("A"), "a00");
        assert_eq!(s3_bucket("Landing_Zone"), "landing-zone");
    }

    #[test]
    fn a_namespace_reports_both_sources_of_a_collision() {
        let mut ns = Namespace::new("Kubernetes name");
        assert_eq!(
            ns.claim("EU_Orders", kubernetes("EU_Orders")).unwrap(),
            "eu-orders"
        );
        assert!(ns.claim("EU_Orders", kubernetes("EU_Orders")).is_ok());
        let err = ns.claim("eu-orders", kubernetes("eu-orders")).unwrap_err();
        assert_eq!(
            (err.first.as_str(), err.second.as_str(), err.name.as_str()),
            ("EU_Orders", "eu-orders", "eu-orders")
        );
    }
}
