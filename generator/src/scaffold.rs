//! The starter model of `dsgen new DIR`: four commented files (ecosystem, platform, zone, team)
//! that lint clean and show where to go next.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Write a starter model for the ecosystem `name` into `dir`, creating it, and return the files
/// written, sorted.
///
/// # Errors
///
/// [`io::ErrorKind::InvalidInput`] when `name` is blank or contains `"`, `/`, `:`, `#` or a
/// control character; [`io::ErrorKind::AlreadyExists`] when `dir` is a file or a non-empty
/// directory (nothing is written in either case); and any error from writing the files.
pub fn scaffold(dir: &Path, name: &str) -> io::Result<Vec<PathBuf>> {
    validate_name(name)?;
    if dir.exists() {
        if !dir.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} exists and is not a directory", dir.display()),
            ));
        }
        if fs::read_dir(dir)?.next().is_some() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} is not empty", dir.display()),
            ));
        }
    }
    fs::create_dir_all(dir)?;

    let slug = repo_slug(name);
    let files = [
        ("ecosystem.hcl", ecosystem_file(name, &slug)),
        ("platform.hcl", PLATFORM_FILE.to_string()),
        ("team.hcl", TEAM_FILE.to_string()),
        ("zone.hcl", zone_file(&slug)),
    ];
    let mut written = Vec::with_capacity(files.len());
    for (file, text) in files {
        let path = dir.join(file);
        fs::write(&path, text)?;
        written.push(path);
    }
    written.sort();
    Ok(written)
}

fn validate_name(name: &str) -> io::Result<()> {
    let problem = if name.trim().is_empty() {
        Some("must not be empty".to_string())
    } else {
        name.chars()
            .find(|c| matches!(c, '"' | '/' | ':' | '#') || c.is_control())
            .map(|c| format!("must not contain {c:?}"))
    };
    match problem {
        Some(p) => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("invalid ecosystem name {name:?}: it {p}"),
        )),
        None => Ok(()),
    }
}

/// `name` as the contents of an HCL quoted string: escapes, and no template sequences.
fn hcl_string(name: &str) -> String {
    name.replace('\\', "\\\\")
        .replace("${", "$${")
        .replace("%{", "%%{")
}

/// A repository name derived from the ecosystem name: lower case, `[a-z0-9_]` runs joined by
/// `-` (the characters a repository name allows, without `.` and its `..` rule).
fn repo_slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '_' {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "data".to_string()
    } else {
        slug.to_string()
    }
}

fn ecosystem_file(name: &str, slug: &str) -> String {
    format!(
        r#"# The ecosystem region: only `owning_repo` may change the blocks in this file and in
# platform.hcl. Point both repos at your own; `live_repo` is the branch platforms run from and
# must differ from `owning_repo`.
ecosystem "{name}" {{
  owning_repo = "github:example/{slug}-ecosystem@main"
  live_repo   = "github:example/{slug}-ecosystem@live"
  doc         = "The {name} data ecosystem"

  # Each zone is declared here and defined in its own repo (zone.hcl). Declare another zone to
  # hand a new part of the organisation its own policies and teams.
  zone "Main" {{ repo = "github:example/{slug}-main-zone@main" }}
}}

# Every location a container or platform names ("VENDOR:path/to/leaf") is declared here. Add
# your clouds as vendors, e.g. `vendor "AWS" {{ cloud = "aws" ... }}` with its regions.
vendor "Private" {{
  cloud = "private"
  doc   = "Our own data centre"
  location "onprem" {{
    location "dc1" {{}}
  }}
}}
"#,
        name = hcl_string(name),
    )
}

const PLATFORM_FILE: &str = r#"# Platforms move the data; like the ecosystem, this file is ecosystem-owned.

# Models name credentials, never secrets: a platform resolves each name through its credential
# store at run time (here a Kubernetes Secret per credential).
credential_store "k8s" { kind = "kubernetes_secrets" }

# The platform's own infrastructure: its Kafka cluster, the object storage change events land in,
# and the Postgres merge database. The platform's settings name them.
container "kafka" "LocalKafka" {
  bootstrap_servers = ["kafka.dc1.example.internal:9092"]
  locations         = ["Private:onprem/dc1"]
}
container "object_storage" "LocalLanding" {
  bucket    = "landing"
  endpoint  = "http://minio.dc1.example.internal:9000"
  locations = ["Private:onprem/dc1"]
}
container "postgres" "LocalMerge" {
  host      = "merge.dc1.example.internal"
  port      = 5432
  database  = "merge"
  locations = ["Private:onprem/dc1"]
}

# A Kafka Connect (Debezium) platform with its own Postgres merge database. A "forensic"
# platform also keeps history, for DSGs that ask for `forensic` or `live_with_history`.
platform "Local" {
  target           = "kafka-connect"
  milestoning      = "live_only"
  locations        = ["Private:onprem/dc1"]
  credential_store = "k8s"
  settings { # keys: docs/targets/kafka-connect.md
    kafka_container   = "LocalKafka"
    landing_container = "LocalLanding"
    merge_container   = "LocalMerge"
    merge_credential  = "merge_writer"
    build_image       = "registry.example.internal/kafka/local-connect:1"
    batch_image       = "registry.example.internal/kafka/dsgen-batch:1"
  }
}

# Operators place every dataset group (DSG) on a platform: one block per workspace, DSG and
# platform. To move a DSG, add an assignment "provisioning" on the new platform and set this one
# to "decommissioning", then "decommissioned".
assign "Reporting" "Live" {
  platform = "Local"
  status   = "provisioned"
}
"#;

fn zone_file(slug: &str) -> String {
    format!(
        r#"# The zone region: owned by the repo of the zone's declaration in ecosystem.hcl.
governance_zone "Main" {{
  doc = "Everything until you add more zones"

  # Declared teams, each owned by its own repo. Declare a team here, then define it in a
  # `team "Main" "NAME"` block (team.hcl).
  team "Analytics" {{ repo = "github:example/{slug}-analytics@main" }}

  # Policies constrain every consumer of this zone's data, for example:
  #   policy "location" "On premises" {{ allowed = ["Private:onprem"] }}
  #   policy "classification" "No SPI" {{ not_allowed = ["PC3"] }}
  # Kinds: vendor, cloud, location, classification, platform; and storage_policy blocks.
}}
"#
    )
}

const TEAM_FILE: &str = r#"# The team region: owned by the repo of the team's declaration in zone.hcl.
team "Main" "Analytics" {
  doc = "Produces customer data and reports on it"

  # A source database. Containers are named; captures and workspaces refer to them by name.
  container "postgres" "CustomerDB" {
    host      = "customers.dc1.example.internal"
    port      = 5432
    database  = "customers"
    locations = ["Private:onprem/dc1"]
  }

  # A producer: datasets with their schemas, and how to capture them (cdc, snapshot,
  # watermark or kafka). Without a `tables` entry the source table is public.<dataset>.
  datastore "Customers" {
    doc = "The customer master"
    capture {
      kind        = "cdc"
      container   = "CustomerDB"
      credential  = "customer_db_cdc" # a name the credential store resolves
      consistency = "multi_dataset"
      trigger     = "*/10 * * * *"
    }

    dataset "customers" {
      doc            = "One row per customer"
      classification = ["PC2"] # or classify each column instead
      column "customer_id" {
        type     = "bigint"
        key      = true
        nullable = false # key columns are never null
      }
      column "full_name" { type = "nvarchar(120)" }
      column "country" { type = "char(2)" }
      column "created_at" { type = "timestamp" }
    }
  }

  # A consumer: each DSG lists the datasets it needs (sinks) and its requirements; the platform
  # it is assigned to (platform.hcl) keeps them up to date in the workspace's container.
  workspace "Reporting" {
    doc       = "Customer reports"
    container = "platform_managed" # or a container of this team, such as a report database
    priority  = "medium"
    dsg "Live" {
      requirements {
        milestoning = "live_only"
        latency     = "minutes"
      }
      sink "Customers" "customers" {}
    }
  }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(files: &[PathBuf]) {
        for f in files {
            let text = fs::read_to_string(f).unwrap();
            if let Err(e) = hcl_edit::parser::parse_body(&text) {
                panic!("{}: {e}", f.display());
            }
        }
    }

    #[test]
    fn writes_four_files_that_parse() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("model");
        let files = scaffold(&out, "Acme").unwrap();
        let names: Vec<_> = files
            .iter()
            .map(|f| f.strip_prefix(&out).unwrap().to_str().unwrap().to_string())
            .collect();
        assert_eq!(
            names,
            ["ecosystem.hcl", "platform.hcl", "team.hcl", "zone.hcl"]
        );
        parse_all(&files);
        let eco = fs::read_to_string(out.join("ecosystem.hcl")).unwrap();
        assert!(eco.contains("ecosystem \"Acme\" {"));
        assert!(eco.contains("github:example/acme-ecosystem@main"));
    }

    #[test]
    fn accepts_an_existing_empty_directory() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(scaffold(dir.path(), "x").unwrap().len(), 4);
    }

    #[test]
    fn refuses_a_non_empty_directory() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "keep me").unwrap();
        let err = scaffold(dir.path(), "Acme").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(
            fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
            "keep me"
        );
    }

    #[test]
    fn refuses_invalid_names() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["", "  ", "a\"b", "a/b", "a:b", "a#b", "a\nb", "a\tb"] {
            let err = scaffold(&dir.path().join("m"), name).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{name:?}");
        }
        assert!(!dir.path().join("m").exists());
    }

    #[test]
    fn free_text_names_stay_valid_hcl() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("m");
        let files = scaffold(&out, r"Data ${team} %{x} \ Mesh").unwrap();
        parse_all(&files);
        let eco = fs::read_to_string(out.join("ecosystem.hcl")).unwrap();
        assert!(eco.contains(r#"ecosystem "Data $${team} %%{x} \\ Mesh" {"#));
        assert!(eco.contains("github:example/data-team-x-mesh-ecosystem@main"));
    }

    #[test]
    fn repo_slugs() {
        assert_eq!(repo_slug("Acme"), "acme");
        assert_eq!(repo_slug("  Big Co. Data "), "big-co-data");
        assert_eq!(repo_slug("日本"), "data");
        assert_eq!(repo_slug("x_y"), "x_y");
    }
}
