//! DS407 and DS408: the platform, vendor, cloud and location policies of the producing and
//! consuming zones, applied to the platform a DSG is placed on.
//!
//! Invalid policy entries (DS135) and undeclared locations (DS108) are ignored here, as in DS123:
//! an `allowed` list none of whose entries is valid restricts nothing.

use super::codes::{DS407, DS408};
use super::Placed;
use crate::diag::Diagnostic;
use crate::model::index::ModelIndex;
use crate::model::policy::{Lists, Located};
use crate::model::{Name, Platform, Policy, PolicyKind};
use std::collections::HashMap;

/// A zone's vendor, cloud, location or platform policy, with its valid entries.
struct Parsed<'m> {
    zone: &'m str,
    policy: &'m Policy,
    lists: Lists<'m>,
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
                .map(|policy| Parsed {
                    zone: name,
                    policy,
                    lists: Lists::of(ix, policy),
                })
                .filter(|p| !p.lists.is_empty())
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
                    if let Some(verdict) = p.lists.verdict(Some(pname), None) {
                        let entry = verdict.entry();
                        out.push(
                            self.diagnostic(&DS407, placed, p, entry, what, why, role)
                                .label(platform.name.span, "the platform"),
                        );
                    }
                    continue;
                }
                for loc in locations {
                    let Some(verdict) = p.lists.verdict(Some(pname), Some(loc)) else {
                        continue;
                    };
                    let entry = verdict.entry();
                    let detail = loc.detail(kind);
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
                let allowed = p.lists.allowed_names();
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
