//! DS123 location-policy-violation.
//!
//! ## What it does
//! Checks where consumers keep a zone's data. For every workspace and every datastore it reads,
//! the `policy "vendor"`, `policy "cloud"` and `policy "location"` of the datastore's zone (the
//! zone of the team that owns the datastore, the *producing* zone) must allow each location of
//! the workspace's container:
//!
//! - vendor policy: the location's vendor;
//! - cloud policy: the `cloud` of the location's vendor;
//! - location policy: the location itself, where an entry covers itself and every location
//!   under it (`"AWS:USA"` covers `"AWS:USA/us-east-1"`, a bare `"AWS"` all of AWS).
//!
//! When `allowed` is not empty the value must match one of its entries; it must match no entry
//! of `not_allowed`. Each (container location, policy) is reported once per workspace and
//! datastore, at the workspace's first sink of that datastore.
//!
//! ## Why is this bad?
//! A zone's vendor, cloud and location policies say where its data may be stored: in a
//! country, off a cloud provider it has no contract with, in a data centre it has approved.
//! A sink copies the data into the consuming workspace's container, so a container outside the
//! producing zone's policies moves that data exactly where the zone forbids it, whatever the
//! consuming team's own zone allows.
//!
//! ## Notes
//! Workspaces on `platform_managed` (or on an unknown container) are not checked here: their
//! data lives where the platform runs, which placement checks (DS4xx) against the policies of
//! both zones. Malformed or undeclared locations are DS108 and policy entries that name no
//! declared vendor, cloud or location are DS135; both are ignored here, so an `allowed` list
//! none of whose entries is valid restricts nothing.

use crate::diag::codes::declare_code;
use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule};
use crate::model::policy::{self, Lists, Located, Verdict};
use crate::model::{Container, ContainerKind, GovernanceZone, Name, Policy, PolicyKind};
use crate::source::Span;
use std::collections::{HashMap, HashSet};

declare_code!(
    DS123,
    "location-policy-violation",
    Lint,
    Error,
    "A consumer's container lies outside the producing zone's vendor, cloud or location policy",
    "A zone's `policy \"vendor\"`, `policy \"cloud\"` and `policy \"location\"` say where its \
     data may be kept, and they travel with the data: every workspace that reads a datastore of \
     the zone must keep it in a container whose every location is allowed by them (the \
     location's vendor, that vendor's cloud, and the location itself, where `\"AWS:USA\"` also \
     covers `\"AWS:USA/us-east-1\"`). Move the workspace to a container in an allowed location, \
     stop reading the zone's data, or, with the producing zone's approval, change its policy.",
);

pub static RULE: Rule = Rule {
    code: &DS123,
    check,
};

/// A vendor, cloud or location policy of a producing zone, with its valid entries.
struct Parsed<'m> {
    zone: &'m GovernanceZone,
    policy: &'m Policy,
    lists: Lists<'m>,
}

fn check(cx: &LintContext, out: &mut Vec<Diagnostic>) {
    let mut zones: HashMap<&str, Vec<Parsed>> = HashMap::new();
    for zone in &cx.model.zones {
        let parsed: Vec<Parsed> = zone
            .policies
            .iter()
            .filter(|p| {
                matches!(
                    p.kind.value,
                    PolicyKind::Vendor | PolicyKind::Cloud | PolicyKind::Location
                )
            })
            .map(|policy| Parsed {
                zone,
                policy,
                lists: Lists::of(&cx.index, policy),
            })
            .filter(|p| !p.lists.is_empty())
            .collect();
        if !parsed.is_empty() {
            zones.insert(zone.name.value.as_str(), parsed);
        }
    }
    if zones.is_empty() {
        return;
    }
    for team in &cx.model.teams {
        for ws in &team.workspaces {
            if ws.container.value == "platform_managed" {
                continue;
            }
            let Some((_, container)) = cx.index.containers.get(ws.container.value.as_str()) else {
                continue;
            };
            if container.kind.value == ContainerKind::PlatformManaged {
                continue;
            }
            let locations = policy::locations(&cx.index, &container.locations);
            if locations.is_empty() {
                continue;
            }
            let mut seen: HashSet<&str> = HashSet::new();
            for dsg in &ws.dsgs {
                for sink in &dsg.sinks {
                    if !seen.insert(sink.store.value.as_str()) {
                        continue;
                    }
                    let Some(owned) = cx.index.datastores.get(sink.store.value.as_str()) else {
                        continue;
                    };
                    let Some(policies) = zones.get(owned.team.zone.value.as_str()) else {
                        continue;
                    };
                    for policy in policies {
                        for loc in &locations {
                            let Some(verdict) = policy.lists.verdict(None, Some(loc)) else {
                                continue;
                            };
                            out.push(diagnostic(
                                &ws.name,
                                &sink.store,
                                container,
                                loc,
                                policy,
                                verdict,
                            ));
                        }
                    }
                }
            }
        }
    }
}

fn diagnostic(
    ws: &Name,
    store: &Name,
    container: &Container,
    loc: &Located,
    policy: &Parsed,
    verdict: Verdict,
) -> Diagnostic {
    let kind = policy.policy.kind.value;
    let what = loc.detail(kind);
    let zone = &policy.zone.name.value;
    let d = Diagnostic::new(
        &DS123,
        format!(
            "workspace `{}` reads datastore `{}` of zone `{zone}`, but its container `{}` lies in \
             `{}`{what}, which {} policy `{}` of zone `{zone}` does not allow",
            ws.value,
            store.value,
            container.name.value,
            loc.at,
            kind.as_str(),
            policy.policy.name.value
        ),
    )
    .at(store.span)
    .label(
        loc.entry.span,
        format!("location of container `{}`", container.name.value),
    );
    let allowed = policy.lists.allowed_names();
    let (label_span, label): (Span, String) = match verdict {
        Verdict::NotAllowed(entry) => (entry.span, format!("`{}` is not allowed", entry.value)),
        Verdict::NotInAllowed => (
            policy.policy.name.span,
            format!("allows only {}", allowed.join(", ")),
        ),
    };
    let place = if allowed.is_empty() {
        "a location this policy allows".to_string()
    } else {
        format!("a location this policy allows ({})", allowed.join(", "))
    };
    d.label(label_span, label).help(format!(
        "keep `{}` in a container in {place}, or stop reading data of zone `{zone}`",
        ws.value
    ))
}

#[cfg(test)]
mod tests {
    use crate::load::load_files;

    /// DS123 findings as (line, message): zone `P` produces `S1` and `S2` under `policies`;
    /// workspace `W` (zone `C`) reads them from container `Db` located in `locations`.
    fn ds123(policies: &str, container: &str) -> Vec<(&'static str, String)> {
        let text = format!(
            r#"ecosystem "E" {{
  owning_repo = "github:e/eco@main"
  live_repo   = "github:e/eco@live"
  zone "P" {{ repo = "github:e/p@main" }}
  zone "C" {{ repo = "github:e/c@main" }}
}}
vendor "AWS" {{
  cloud = "aws"
  location "USA" {{
    location "us-east-1" {{}}
  }}
  location "EU" {{}}
}}
vendor "Onprem" {{
  cloud = "private"
  location "dc1" {{}}
}}
governance_zone "P" {{
  team "T" {{ repo = "github:e/t@main" }}
{policies}
}}
governance_zone "C" {{
  team "U" {{ repo = "github:e/u@main" }}
  policy "vendor" "Consumer" {{ not_allowed = ["AWS", "Onprem"] }}
}}
team "P" "T" {{
  datastore "S1" {{
    dataset "a" {{
      classification = ["PUB"]
      column "id" {{ type = "bigint" }}
    }}
    dataset "b" {{
      classification = ["PUB"]
      column "id" {{ type = "bigint" }}
    }}
  }}
  datastore "S2" {{
    dataset "a" {{
      classification = ["PUB"]
      column "id" {{ type = "bigint" }}
    }}
  }}
}}
team "C" "U" {{
  {container}
  workspace "W" {{
    container = "Db"
    dsg "G1" {{
      sink "S1" "a" {{}}
    }}
    dsg "G2" {{
      sink "S1" "b" {{}}
      sink "S2" "a" {{}}
    }}
  }}
}}
"#
        );
        let loaded = load_files(vec![("a.hcl".into(), text.clone().into())]);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).map(|i| i + 1);
        let (s1, s2) = (line_of(r#"sink "S1" "a""#), line_of(r#"sink "S2" "a""#));
        let mut got: Vec<(&'static str, String)> = crate::lint::lint(&loaded.model)
            .into_iter()
            .filter(|d| d.code == "DS123")
            .filter_map(|d| {
                let line = Some(loaded.model.sources.line_col(d.span?).0);
                let at = if line == s1 {
                    S1
                } else if line == s2 {
                    S2
                } else {
                    "elsewhere"
                };
                Some((at, d.message))
            })
            .collect();
        got.sort();
        got
    }

    fn db(locations: &str) -> String {
        format!(
            "container \"postgres\" \"Db\" {{\n    host = \"h\"\n    port = 5432\n    \
             database = \"d\"\n    locations = {locations}\n  }}"
        )
    }

    /// Findings at the first sink of `S1` and of `S2`.
    const S1: &str = "at S1";
    const S2: &str = "at S2";

    #[test]
    fn location_policy_covers_sub_locations() {
        let policy = r#"  policy "location" "US only" { allowed = ["AWS:USA"] }"#;
        assert!(ds123(policy, &db(r#"["AWS:USA/us-east-1", "AWS:USA"]"#)).is_empty());
        let got = ds123(
            policy,
            &db(r#"["AWS:USA/us-east-1", "AWS:EU", "Onprem:dc1"]"#),
        );
        // Once per (store, location, policy): two locations, two stores.
        let lines: Vec<&str> = got.iter().map(|g| g.0).collect();
        assert_eq!(lines, [S1, S1, S2, S2], "{got:?}");
        assert!(got[0]
            .1
            .contains("lies in `AWS:EU`, which location policy `US only` of zone `P`"));
    }

    #[test]
    fn not_allowed_locations_vendors_and_clouds() {
        let policies = r#"  policy "location" "No EU" { not_allowed = ["AWS:EU"] }
  policy "vendor" "Approved" { allowed = ["AWS"] }
  policy "cloud" "No private" { not_allowed = ["private"] }"#;
        let got = ds123(policies, &db(r#"["AWS:EU", "Onprem:dc1"]"#));
        let mut messages: Vec<&str> = got
            .iter()
            .filter(|g| g.0 == S1)
            .map(|g| g.1.as_str())
            .collect();
        messages.sort();
        assert_eq!(messages.len(), 3, "{got:?}");
        assert!(messages[0].contains("`AWS:EU`, which location policy `No EU`"));
        assert!(messages[1].contains(
            "`Onprem:dc1` (cloud `private` of vendor `Onprem`), which cloud policy `No private`"
        ));
        assert!(
            messages[2].contains("`Onprem:dc1` (vendor `Onprem`), which vendor policy `Approved`")
        );
    }

    #[test]
    fn bare_vendor_entries_and_invalid_entries() {
        let policy = r#"  policy "location" "Onprem" { not_allowed = ["Onprem"] }"#;
        assert_eq!(ds123(policy, &db(r#"["Onprem:dc1"]"#)).len(), 2);
        // Invalid or undeclared entries are DS135's: nothing valid restricts nothing.
        let policy = r#"  policy "location" "Typo" { allowed = ["AWS:Mars", "AWS:"] }"#;
        assert!(ds123(policy, &db(r#"["Onprem:dc1"]"#)).is_empty());
        let policy = r#"  policy "vendor" "Typo" { allowed = ["AWZ"] }
  policy "cloud" "Typo2" { allowed = ["amazon"] }"#;
        assert!(ds123(policy, &db(r#"["Onprem:dc1"]"#)).is_empty());
        // Undeclared container locations are DS108's.
        let policy = r#"  policy "location" "US only" { allowed = ["AWS:USA"] }"#;
        assert!(ds123(policy, &db(r#"["AWS:Mars", "Nowhere:x"]"#)).is_empty());
    }

    #[test]
    fn platform_managed_containers_are_placements_business() {
        let policy = r#"  policy "vendor" "None" { not_allowed = ["AWS", "Onprem"] }"#;
        assert!(ds123(policy, r#"container "platform_managed" "Db" {}"#).is_empty());
        // The consuming zone's own vendor policy (which forbids both vendors) is not applied.
        assert!(ds123("", &db(r#"["AWS:EU"]"#)).is_empty());
    }
}
