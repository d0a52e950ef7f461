//! Evaluating a zone's vendor, cloud, location and platform policies against declared locations
//! and platforms: one implementation for lint (a consuming container's locations, DS123) and for
//! placement (a platform and its locations, DS407/DS408).

use super::index::ModelIndex;
use super::values::LocationRef;
use super::{Cloud, Name, Policy, PolicyKind};

/// A valid policy entry (invalid ones are DS135's business).
pub enum Entry {
    Vendor(String),
    Cloud(Cloud),
    Location(LocationRef),
    Platform(String),
}

impl Entry {
    pub fn parse(ix: &ModelIndex, kind: PolicyKind, s: &str) -> Option<Entry> {
        match kind {
            PolicyKind::Vendor => ix.vendors.contains_key(s).then(|| Entry::Vendor(s.into())),
            PolicyKind::Cloud => Cloud::parse(s).map(Entry::Cloud),
            PolicyKind::Location => {
                let loc = LocationRef::parse(s).ok()?;
                ix.location_exists(&loc).then_some(Entry::Location(loc))
            }
            PolicyKind::Platform => ix
                .platforms
                .contains_key(s)
                .then(|| Entry::Platform(s.into())),
            PolicyKind::Classification => None,
        }
    }

    /// Does this entry match the platform (platform entries) or the location (the others)?
    fn matches(&self, platform: Option<&str>, loc: Option<&Located>) -> bool {
        match (self, loc) {
            (Entry::Platform(p), _) => Some(p.as_str()) == platform,
            (Entry::Vendor(v), Some(l)) => *v == l.at.vendor,
            (Entry::Cloud(c), Some(l)) => *c == l.cloud,
            (Entry::Location(e), Some(l)) => e.covers(&l.at),
            _ => false,
        }
    }
}

/// A declared location (of a container or a platform), with its vendor's cloud.
pub struct Located<'m> {
    pub entry: &'m Name,
    pub at: LocationRef,
    pub cloud: Cloud,
}

impl Located<'_> {
    /// What a policy of `kind` judged about this location, for messages: ` (vendor `AWS`)`.
    pub fn detail(&self, kind: PolicyKind) -> String {
        match kind {
            PolicyKind::Vendor => format!(" (vendor `{}`)", self.at.vendor),
            PolicyKind::Cloud => format!(
                " (cloud `{}` of vendor `{}`)",
                self.cloud.as_str(),
                self.at.vendor
            ),
            _ => String::new(),
        }
    }
}

/// The declared locations among `names` (malformed or undeclared ones are DS108's business).
pub fn locations<'m>(ix: &ModelIndex<'m>, names: &'m [Name]) -> Vec<Located<'m>> {
    names
        .iter()
        .filter_map(|entry| {
            let at = LocationRef::parse(&entry.value).ok()?;
            if !ix.location_exists(&at) {
                return None;
            }
            let cloud = ix.vendors.get(at.vendor.as_str())?.cloud.value;
            Some(Located { entry, at, cloud })
        })
        .collect()
}

/// Why a policy rejects a platform or location.
pub enum Verdict<'m> {
    /// It matches this `not_allowed` entry.
    NotAllowed(&'m Name),
    /// `allowed` is not empty and nothing in it matches.
    NotInAllowed,
}

impl<'m> Verdict<'m> {
    /// The `not_allowed` entry that matched, if that was the reason.
    pub fn entry(&self) -> Option<&'m Name> {
        match self {
            Verdict::NotAllowed(n) => Some(n),
            Verdict::NotInAllowed => None,
        }
    }
}

/// A policy's valid entries.
pub struct Lists<'m> {
    pub allowed: Vec<(Entry, &'m Name)>,
    pub not_allowed: Vec<(Entry, &'m Name)>,
}

impl<'m> Lists<'m> {
    pub fn of(ix: &ModelIndex, policy: &'m Policy) -> Lists<'m> {
        let entries = |names: &'m [Name]| {
            names
                .iter()
                .filter_map(|n| Some((Entry::parse(ix, policy.kind.value, &n.value)?, n)))
                .collect::<Vec<_>>()
        };
        Lists {
            allowed: entries(&policy.allowed),
            not_allowed: entries(&policy.not_allowed),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.allowed.is_empty() && self.not_allowed.is_empty()
    }

    /// `None` when the platform (for a platform policy) or location (for the others) is allowed.
    pub fn verdict(&self, platform: Option<&str>, loc: Option<&Located>) -> Option<Verdict<'m>> {
        if let Some((_, n)) = self
            .not_allowed
            .iter()
            .find(|(e, _)| e.matches(platform, loc))
        {
            return Some(Verdict::NotAllowed(n));
        }
        if !self.allowed.is_empty() && !self.allowed.iter().any(|(e, _)| e.matches(platform, loc)) {
            return Some(Verdict::NotInAllowed);
        }
        None
    }

    /// The `allowed` entries as written.
    pub fn allowed_names(&self) -> Vec<&'m str> {
        self.allowed.iter().map(|(_, n)| n.value.as_str()).collect()
    }
}
