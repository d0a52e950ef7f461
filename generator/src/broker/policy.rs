//! DS407 and DS408: the platform, vendor, cloud and location policies of the producing and
//! consuming zones, applied to the platform a DSG is placed on.
//!
//! Invalid policy entries (DS135) and undeclared locations (DS108) are ignored here, as in DS123:
//! an `allowed` list none of whose entries is valid restricts nothing.

use super::codes::{DS407, DS408};
use super::Placed;
use crate::diag::Diagnostic;
use crate::model::index::ModelIndex;
use crate::model::values::LocationRef;
use crate::model::{Cloud, Name, Platform, Policy, PolicyKind};
use std::collections::HashMap;

enum Entry {
    Vendor(String),
    Cloud(Cloud),
    Location(LocationRef),
    Platform(String),
}

impl Entry {
    fn parse(ix: &ModelIndex, kind: PolicyKind, s: &str) -> Option<Entry> {
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

    /// Does this entry match the platform (platform policies) or one of its locations?
    fn matches(&self, platform: &str, loc: Option<&Located>) -> bool {
        match (self, loc) {
            (Entry::Platform(p), _) => p == platform,
            (Entry::Vendor(v), Some(l)) => *v == l.at.vendor,
            (Entry::Cloud(c), Some(l)) => *c == l.cloud,
            (Entry::Location(e), Some(l)) => e.covers(&l.at),
            _ => false,
        }
    }
}

struct Parsed<'m> {
    zone: &'m str,
    policy: &'m Policy,
    allowed: Vec<(Entry, &'m Name)>,
    not_allowed: Vec<(Entry, &'m Name)>,
}

impl<'m> Parsed<'m> {
    /// `None` when allowed; else the `not_allowed` entry that matched, or `None` inside for
    /// "not in `allowed`".
    fn verdict(&self, platform: &str, loc: Option<&Located>) -> Option<Option<&'m Name>> {
        if let Some((_, n)) = self
            .not_allowed
            .iter()
            .find(|(e, _)| e.matches(platform, loc))
        {
            return Some(Some(n));
        }
        if !self.allowed.is_empty() && !self.allowed.iter().any(|(e, _)| e.matches(platform, loc)) {
            return Some(None);
        }
        None
    }
}

/// A declared location of a platform.
pub struct Located<'m> {
    entry: &'m Name,
    at: LocationRef,
    cloud: Cloud,
}

/// The platform's declared locations (malformed or undeclared ones are DS108's business).
pub fn platform_locations<'m>(ix: &ModelIndex<'m>, platform: &'m Platform) -> Vec<Located<'m>> {
    platform
        .locations
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

/// The placement-relevant policies of every zone, parsed once.
pub struct ZonePolicies<'m> {
    zones: HashMap<&'m str, Vec<Parsed<'m>>>,
}

impl<'m> ZonePolicies<'m> {
    pub fn new(ix: &ModelIndex<'m>) -> ZonePolicies<'m> {
        let mut zones = HashMap::new();
        for (name, zone) in &ix.zones {
            let parsed: Vec<Parsed<'m>> = zone
                .policies
                .iter()
                .filter(|p| p.kind.value != PolicyKind::Classification)
                .map(|policy| {
                    let entries = |names: &'m [Name]| {
                        names
                            .iter()
                            .filter_map(|n| {
                                Some((Entry::parse(ix, policy.kind.value, &n.value)?, n))
                            })
                            .collect::<Vec<_>>()
                    };
                    Parsed {
                        zone: name,
                        policy,
                        allowed: entries(&policy.allowed),
                        not_allowed: entries(&policy.not_allowed),
                    }
                })
                .filter(|p| !p.allowed.is_empty() || !p.not_allowed.is_empty())
                .collect();
            if !parsed.is_empty() {
                zones.insert(*name, parsed);
            }
        }
        ZonePolicies { zones }
    }

    /// Check one placed DSG against its consuming zone and every producing zone.
    #[allow(clippy::too_many_arguments)]
    pub fn check(
        &self,
        ix: &ModelIndex,
        placed: &Placed,
        platform: &Platform,
        locations: &[Located],
        what: &str,
        why: &str,
        out: &mut Vec<Diagnostic>,
    ) {
        if self.zones.is_empty() {
            return;
        }
        // (zone, role) in first-seen order, each zone once.
        let mut zones: Vec<(&str, String)> = Vec::new();
        let consuming = placed.team.zone.value.as_str();
        zones.push((
            consuming,
            format!("the zone of workspace `{}`", placed.workspace.name.value),
        ));
        for sink in &placed.dsg.sinks {
            let Some(owned) = ix.datastores.get(sink.store.value.as_str()) else {
                continue;
            };
            let zone = owned.team.zone.value.as_str();
            if !zones.iter().any(|(z, _)| *z == zone) {
                zones.push((
                    zone,
                    format!("the zone of datastore `{}`", sink.store.value),
                ));
            }
        }
        let pname = platform.name.value.as_str();
        for (zone, role) in &zones {
            let Some(policies) = self.zones.get(zone) else {
                continue;
            };
            for p in policies {
                let kind = p.policy.kind.value;
                if kind == PolicyKind::Platform {
                    if let Some(entry) = p.verdict(pname, None) {
                        out.push(
                            self.diagnostic(&DS407, placed, p, entry, what, why, role)
                                .label(platform.name.span, "the platform"),
                        );
                    }
                    continue;
                }
                for loc in locations {
                    let Some(entry) = p.verdict(pname, Some(loc)) else {
                        continue;
                    };
                    let detail = match kind {
                        PolicyKind::Vendor => format!(" (vendor `{}`)", loc.at.vendor),
                        PolicyKind::Cloud => format!(
                            " (cloud `{}` of vendor `{}`)",
                            loc.cloud.as_str(),
                            loc.at.vendor
                        ),
                        _ => String::new(),
                    };
                    let d = self
                        .diagnostic(&DS408, placed, p, entry, what, why, role)
                        .label(
                            loc.entry.span,
                            format!("platform `{pname}` lies in `{}`{detail}", loc.at),
                        );
                    out.push(d);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn diagnostic(
        &self,
        code: &'static crate::diag::codes::Code,
        placed: &Placed,
        p: &Parsed,
        entry: Option<&Name>,
        what: &str,
        why: &str,
        role: &str,
    ) -> Diagnostic {
        let kind = p.policy.kind.value.as_str();
        let zone = p.zone;
        let (label_span, label) = match entry {
            Some(n) => (n.span, format!("`{}` is not allowed", n.value)),
            None => {
                let allowed: Vec<&str> = p.allowed.iter().map(|(_, n)| n.value.as_str()).collect();
                (
                    p.policy.name.span,
                    format!("allows only {}", allowed.join(", ")),
                )
            }
        };
        Diagnostic::new(
            code,
            format!(
                "{what} ({why}), which {kind} policy `{}` of zone `{zone}` ({role}) does not allow",
                p.policy.name.value
            ),
        )
        .at(placed.site())
        .label(label_span, label)
        .help(format!(
            "place dataset group `{}` on a platform that zone `{zone}`'s {kind} policy allows, \
             or change the policy with that zone's approval",
            placed.dsg.name.value
        ))
    }
}
