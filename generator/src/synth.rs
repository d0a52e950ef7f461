//! Synthetic models for benchmarks (`dsgen synth --datasets N --out DIR`).
//!
//! The shape follows DataSurface's large test model, which repeats one team of 32 datasets: per
//! *unit* of 32 datasets, one team with a CDC datastore (16 datasets), a watermark or snapshot
//! datastore (15), the capture-less output of a transformer (1), 370 columns, and four
//! workspaces with 22 sinks in total, one of them running the transformer. The last unit is
//! partial when N is not a multiple of 32, so the model has exactly N datasets.
//!
//! Layout: `ecosystem.hcl`, `platform.hcl` (vendor, credential store, the one Kafka Connect
//! platform), `assignments.hcl` (one `assign` per DSG), and per governance zone (100 teams
//! each) `zones/zNNN/governance.hcl` plus one file per team, `zones/zNNN/tNNNNN.hcl`.
//! The output is a pure function of N, and the model lints clean.

use std::fmt::{self, Write as _};
use std::fs;
use std::io;
use std::path::Path;

/// What [`write_model`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SynthStats {
    pub datasets: usize,
    pub columns: usize,
    pub datastores: usize,
    pub workspaces: usize,
    pub sinks: usize,
    pub transformers: usize,
    pub files: usize,
    pub bytes: u64,
}

/// Datasets per team, as in DataSurface's large test model.
const UNIT: usize = 32;
/// Teams per governance zone.
const TEAMS_PER_ZONE: usize = 100;
/// Datasets of the CDC datastore in a full unit; the second datastore gets the rest but one.
const CDC_DATASETS: usize = 16;
/// Sinks of the live and history workspaces in a full unit (10 + 8, plus 2 + 2 elsewhere = 22).
const LIVE_SINKS: usize = 10;
const HISTORY_SINKS: usize = 8;
/// Columns of the dataset at each position of a unit: 8..=16, 370 per full unit like
/// DataSurface's model (a mean of 11.56).
const COLUMNS: [usize; UNIT] = [
    8, 13, 9, 14, 10, 15, 11, 16, 12, 8, 13, 9, 14, 10, 15, 11, 16, 12, 8, 13, 9, 14, 10, 15, 11,
    16, 12, 8, 11, 9, 9, 9,
];
/// Types of the non-key columns, rotated per dataset.
const TYPES: [&str; 10] = [
    "varchar(20)",
    "bigint",
    "decimal(18,2)",
    "timestamp",
    "int(32)",
    "date",
    "boolean",
    "double",
    "varchar(200)",
    "varchar(64)",
];
const CLASSIFICATIONS: [&str; 5] = ["PUB", "PC1", "PC2", "IP", "CSI"];
const PRIORITIES: [&str; 4] = ["high", "medium", "low", "critical"];
const PLATFORM: &str = "Yellow";
const LOCATION: &str = "Private:onprem/dc1";

/// Write a model of `datasets` datasets into `out`, creating it.
///
/// # Errors
///
/// [`io::ErrorKind::AlreadyExists`] when `out` is a file or a non-empty directory (nothing is
/// written), and any error from creating directories or writing files.
pub fn write_model(out: &Path, datasets: usize) -> io::Result<SynthStats> {
    prepare_dir(out)?;
    let mut w = ModelWriter {
        root: out,
        stats: SynthStats::default(),
    };
    let units: Vec<Unit> = (0..datasets.div_ceil(UNIT))
        .map(|index| Unit::new(index, (datasets - index * UNIT).min(UNIT)))
        .collect();

    let mut text = String::new();
    let mut assignments = String::new();
    to_io(assignments_header(&mut assignments))?;
    for (zone, teams) in units.chunks(TEAMS_PER_ZONE).enumerate() {
        fs::create_dir_all(out.join("zones").join(zone_dir(zone)))?;
        text.clear();
        to_io(zone_file(&mut text, zone, teams))?;
        w.write(&format!("zones/{}/governance.hcl", zone_dir(zone)), &text)?;
        for unit in teams {
            text.clear();
            to_io(team_file(&mut text, unit, &mut w.stats))?;
            w.write(
                &format!("zones/{}/{}.hcl", zone_dir(zone), team_name(unit.index)),
                &text,
            )?;
            to_io(unit_assignments(&mut assignments, unit))?;
        }
    }
    text.clear();
    to_io(ecosystem_file(&mut text, datasets, units.len()))?;
    w.write("ecosystem.hcl", &text)?;
    text.clear();
    to_io(platform_file(&mut text))?;
    w.write("platform.hcl", &text)?;
    w.write("assignments.hcl", &assignments)?;
    Ok(w.stats)
}

/// Refuse an existing non-empty directory or a file; create the directory otherwise.
fn prepare_dir(out: &Path) -> io::Result<()> {
    if out.exists() {
        if !out.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} exists and is not a directory", out.display()),
            ));
        }
        if fs::read_dir(out)?.next().is_some() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} is not empty", out.display()),
            ));
        }
    }
    fs::create_dir_all(out)
}

fn to_io(r: fmt::Result) -> io::Result<()> {
    r.map_err(io::Error::other)
}

struct ModelWriter<'a> {
    root: &'a Path,
    stats: SynthStats,
}

impl ModelWriter<'_> {
    fn write(&mut self, relative: &str, text: &str) -> io::Result<()> {
        fs::write(self.root.join(relative), text)?;
        self.stats.files += 1;
        self.stats.bytes += text.len() as u64;
        Ok(())
    }
}

/// One team's share of the model: `index` is the team's number, `datasets` its dataset count
/// (32 except in the last, partial unit).
struct Unit {
    index: usize,
    /// Datasets of the CDC store, the second (watermark or snapshot) store and the transformer
    /// output store.
    cdc: usize,
    batch: usize,
    masked: usize,
}

impl Unit {
    fn new(index: usize, datasets: usize) -> Unit {
        // A transformer needs an input besides its output, so a one-dataset unit has none.
        let masked = usize::from(datasets >= 2);
        let cdc = (datasets - masked).min(CDC_DATASETS);
        Unit {
            index,
            cdc,
            batch: datasets - masked - cdc,
            masked,
        }
    }

    /// Every third team, starting with the first, is in production.
    fn production(&self) -> bool {
        matches!(self.index % 3, 0)
    }

    fn needs_approval(&self) -> bool {
        self.index % 4 == 1
    }

    fn store(&self, suffix: &str) -> String {
        format!("u{:05}_{suffix}", self.index)
    }

    /// Every workspace of the unit, with its DSG and sinks as (store suffix, dataset number).
    fn workspaces(&self) -> Vec<WorkspacePlan> {
        let mut plans = vec![WorkspacePlan {
            suffix: "live",
            container: Some("rpt"),
            dsg: "Live",
            milestoning: "live_only",
            latency: "minutes",
            sinks: (1..=self.cdc.min(LIVE_SINKS)).map(|d| ("cdc", d)).collect(),
            transformer: false,
        }];
        if self.batch > 0 {
            plans.push(WorkspacePlan {
                suffix: "history",
                container: None,
                dsg: "History",
                milestoning: "forensic",
                latency: "hours",
                sinks: (1..=self.batch.min(HISTORY_SINKS))
                    .map(|d| ("batch", d))
                    .collect(),
                transformer: false,
            });
        }
        if self.masked > 0 {
            let mut inputs = vec![("cdc", self.cdc.min(LIVE_SINKS + 1))];
            if self.batch > 0 {
                inputs.push(("batch", self.batch.min(HISTORY_SINKS + 1)));
            }
            plans.push(WorkspacePlan {
                suffix: "mask",
                container: None,
                dsg: "Input",
                milestoning: "live_only",
                latency: "minutes",
                sinks: inputs,
                transformer: true,
            });
            plans.push(WorkspacePlan {
                suffix: "reports",
                container: None,
                dsg: "Masked",
                milestoning: "live_with_history",
                latency: "days",
                sinks: vec![("masked", 1), ("cdc", self.cdc.min(LIVE_SINKS + 2))],
                transformer: false,
            });
        }
        plans
    }
}

struct WorkspacePlan {
    suffix: &'static str,
    /// The unit's container with this suffix, or `None` for `platform_managed`.
    container: Option<&'static str>,
    dsg: &'static str,
    milestoning: &'static str,
    latency: &'static str,
    sinks: Vec<(&'static str, usize)>,
    transformer: bool,
}

fn zone_dir(zone: usize) -> String {
    format!("z{zone:03}")
}

fn team_name(unit: usize) -> String {
    format!("t{unit:05}")
}

fn ecosystem_file(out: &mut String, datasets: usize, units: usize) -> fmt::Result {
    writeln!(out, "# Generated by `dsgen synth --datasets {datasets}`.")?;
    writeln!(out, "ecosystem \"Synthetic\" {{")?;
    writeln!(out, "  owning_repo = \"github:synth/ecosystem@main\"")?;
    writeln!(out, "  live_repo   = \"github:synth/ecosystem@live\"")?;
    writeln!(
        out,
        "  doc         = \"A synthetic model of {datasets} datasets for benchmarks\""
    )?;
    writeln!(out)?;
    for zone in 0..units.div_ceil(TEAMS_PER_ZONE) {
        let z = zone_dir(zone);
        writeln!(out, "  zone \"{z}\" {{ repo = \"github:synth/{z}@main\" }}")?;
    }
    writeln!(out, "}}")
}

fn platform_file(out: &mut String) -> fmt::Result {
    out.push_str(concat!(
        "# Generated by `dsgen synth`: where everything runs.\n",
        "vendor \"Private\" {\n",
        "  cloud = \"private\"\n",
        "  location \"onprem\" {\n",
        "    location \"dc1\" {}\n",
        "  }\n",
        "}\n",
        "\n",
        "credential_store \"k8s\" { kind = \"kubernetes_secrets\" }\n",
        "\n",
    ));
    writeln!(out, "container \"kafka\" \"synth_kafka\" {{")?;
    writeln!(
        out,
        "  bootstrap_servers = [\"kafka.dc1.synth.internal:9092\"]"
    )?;
    writeln!(out, "  locations         = [\"{LOCATION}\"]")?;
    writeln!(out, "}}")?;
    writeln!(out, "container \"object_storage\" \"synth_landing\" {{")?;
    writeln!(out, "  bucket    = \"synth-landing\"")?;
    writeln!(
        out,
        "  endpoint  = \"http://minio.dc1.synth.internal:9000\""
    )?;
    writeln!(out, "  locations = [\"{LOCATION}\"]")?;
    writeln!(out, "}}")?;
    writeln!(out, "container \"postgres\" \"synth_merge\" {{")?;
    writeln!(out, "  host      = \"merge.dc1.synth.internal\"")?;
    writeln!(out, "  port      = 5432")?;
    writeln!(out, "  database  = \"merge\"")?;
    writeln!(out, "  locations = [\"{LOCATION}\"]")?;
    writeln!(out, "}}")?;
    writeln!(out)?;
    writeln!(out, "platform \"{PLATFORM}\" {{")?;
    writeln!(out, "  target           = \"kafka-connect\"")?;
    writeln!(out, "  milestoning      = \"forensic\"")?;
    writeln!(out, "  locations        = [\"{LOCATION}\"]")?;
    writeln!(out, "  credential_store = \"k8s\"")?;
    writeln!(out, "  settings {{")?;
    writeln!(out, "    kafka_container   = \"synth_kafka\"")?;
    writeln!(out, "    landing_container = \"synth_landing\"")?;
    writeln!(out, "    merge_container   = \"synth_merge\"")?;
    writeln!(out, "    merge_credential  = \"merge_writer\"")?;
    writeln!(
        out,
        "    build_image       = \"registry.dc1.synth.internal/kafka/connect:1\""
    )?;
    writeln!(
        out,
        "    batch_image       = \"registry.dc1.synth.internal/kafka/dsgen-batch:1\""
    )?;
    writeln!(out, "  }}")?;
    writeln!(out, "}}")
}

fn assignments_header(out: &mut String) -> fmt::Result {
    writeln!(
        out,
        "# Generated by `dsgen synth`: every DSG, including the transformers' inputs, on {PLATFORM}."
    )
}

fn unit_assignments(out: &mut String, unit: &Unit) -> fmt::Result {
    for ws in unit.workspaces() {
        writeln!(
            out,
            "assign \"{}\" \"{}\" {{\n  platform = \"{PLATFORM}\"\n  status   = \"provisioned\"\n}}",
            unit.store(ws.suffix),
            ws.dsg
        )?;
    }
    Ok(())
}

fn zone_file(out: &mut String, zone: usize, units: &[Unit]) -> fmt::Result {
    let z = zone_dir(zone);
    writeln!(out, "# Generated by `dsgen synth`.")?;
    writeln!(out, "governance_zone \"{z}\" {{")?;
    for unit in units {
        let t = team_name(unit.index);
        writeln!(out, "  team \"{t}\" {{ repo = \"github:synth/{t}@main\" }}")?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "  policy \"location\" \"On premises\" {{ allowed = [\"Private:onprem\"] }}"
    )?;
    writeln!(
        out,
        "  policy \"classification\" \"No SPI\" {{ not_allowed = [\"PC3\"] }}"
    )?;
    writeln!(
        out,
        "  policy \"platform\" \"Platforms\" {{ allowed = [\"{PLATFORM}\"] }}"
    )?;
    writeln!(out, "}}")
}

fn team_file(out: &mut String, unit: &Unit, stats: &mut SynthStats) -> fmt::Result {
    let u = unit.index;
    let zone = zone_dir(u / TEAMS_PER_ZONE);
    let datasets = unit.cdc + unit.batch + unit.masked;
    writeln!(out, "# Generated by `dsgen synth`.")?;
    writeln!(out, "team \"{zone}\" \"{}\" {{", team_name(u))?;
    writeln!(out, "  doc = \"Synthetic team {u}: {datasets} datasets\"")?;
    for suffix in ["src", "rpt"] {
        writeln!(out)?;
        writeln!(out, "  container \"postgres\" \"u{u:05}_{suffix}\" {{")?;
        writeln!(out, "    host      = \"u{u:05}-{suffix}.synth.internal\"")?;
        writeln!(out, "    port      = 5432")?;
        writeln!(out, "    database  = \"{suffix}\"")?;
        writeln!(out, "    locations = [\"{LOCATION}\"]")?;
        writeln!(out, "  }}")?;
    }

    let workspaces = unit.workspaces();
    let batch = if u % 2 == 1 {
        Capture::Snapshot
    } else {
        Capture::Watermark
    };
    let stores = [
        ("cdc", unit.cdc, Some(Capture::Cdc)),
        ("batch", unit.batch, Some(batch)),
        ("masked", unit.masked, None),
    ];
    // Position of a store's first dataset within the unit: picks the column counts.
    let mut position = 0;
    for (suffix, count, capture) in stores {
        if count > 0 {
            let store = StorePlan {
                suffix,
                count,
                capture,
                position,
            };
            write_datastore(out, unit, &store, &workspaces, stats)?;
            position += count;
        }
    }
    for (i, ws) in workspaces.iter().enumerate() {
        write_workspace(out, unit, i, ws, stats)?;
    }
    writeln!(out, "}}")
}

struct StorePlan {
    suffix: &'static str,
    count: usize,
    /// `None` for the transformer's output.
    capture: Option<Capture>,
    position: usize,
}

fn write_datastore(
    out: &mut String,
    unit: &Unit,
    store: &StorePlan,
    workspaces: &[WorkspacePlan],
    stats: &mut SynthStats,
) -> fmt::Result {
    stats.datastores += 1;
    writeln!(out)?;
    writeln!(out, "  datastore \"{}\" {{", unit.store(store.suffix))?;
    if unit.production() {
        writeln!(out, "    production = true")?;
    }
    if let Some(capture) = store.capture {
        write_capture(out, unit.index, capture)?;
    }
    if store.suffix == "batch" && unit.needs_approval() {
        writeln!(out, "    require_approval = true")?;
        for ws in workspaces {
            for &(sink_store, dataset) in &ws.sinks {
                if sink_store == store.suffix {
                    writeln!(out, "    approval {{")?;
                    writeln!(out, "      workspace = \"{}\"", unit.store(ws.suffix))?;
                    writeln!(out, "      dsg       = \"{}\"", ws.dsg)?;
                    writeln!(out, "      dataset   = \"d{dataset:02}\"")?;
                    writeln!(out, "    }}")?;
                }
            }
        }
    }
    for d in 0..store.count {
        let position = store.position + d;
        let global = unit.index * UNIT + position;
        let columns = COLUMNS[position];
        stats.datasets += 1;
        stats.columns += columns;
        let class = if store.capture.is_some() {
            CLASSIFICATIONS[global % CLASSIFICATIONS.len()]
        } else {
            "PUB"
        };
        writeln!(out, "    dataset \"d{:02}\" {{", d + 1)?;
        writeln!(out, "      classification = [\"{class}\"]")?;
        out.push_str(concat!(
            "      column \"id\" {\n",
            "        type     = \"bigint\"\n",
            "        key      = true\n",
            "        nullable = false\n",
            "      }\n",
        ));
        let mut first = 1;
        if store.suffix == "batch" {
            // The watermark column: in every dataset of the store, with one type.
            out.push_str("      column \"updated_at\" { type = \"timestamp\" }\n");
            first = 2;
        }
        for c in first..columns {
            let ty = TYPES[(global + c) % TYPES.len()];
            writeln!(out, "      column \"c{c:02}\" {{ type = \"{ty}\" }}")?;
        }
        writeln!(out, "    }}")?;
    }
    writeln!(out, "  }}")
}

fn write_workspace(
    out: &mut String,
    unit: &Unit,
    i: usize,
    ws: &WorkspacePlan,
    stats: &mut SynthStats,
) -> fmt::Result {
    let u = unit.index;
    stats.workspaces += 1;
    stats.sinks += ws.sinks.len();
    writeln!(out)?;
    writeln!(out, "  workspace \"{}\" {{", unit.store(ws.suffix))?;
    match ws.container {
        Some(c) => writeln!(out, "    container  = \"u{u:05}_{c}\"")?,
        None => writeln!(out, "    container  = \"platform_managed\"")?,
    }
    let priority = PRIORITIES[(u + i) % PRIORITIES.len()];
    writeln!(out, "    priority   = \"{priority}\"")?;
    writeln!(out, "    production = {}", unit.production())?;
    writeln!(out, "    dsg \"{}\" {{", ws.dsg)?;
    writeln!(out, "      requirements {{")?;
    writeln!(out, "        milestoning = \"{}\"", ws.milestoning)?;
    writeln!(out, "        latency     = \"{}\"", ws.latency)?;
    writeln!(out, "      }}")?;
    for &(store, dataset) in &ws.sinks {
        let store = unit.store(store);
        writeln!(out, "      sink \"{store}\" \"d{dataset:02}\" {{}}")?;
    }
    writeln!(out, "    }}")?;
    if ws.transformer {
        stats.transformers += 1;
        writeln!(out, "    transformer \"u{u:05}_masker\" {{")?;
        writeln!(out, "      output = \"{}\"", unit.store("masked"))?;
        writeln!(out, "      code {{ image = \"synth/masker:1.0\" }}")?;
        writeln!(out, "    }}")?;
    }
    writeln!(out, "  }}")
}

#[derive(Clone, Copy)]
enum Capture {
    Cdc,
    Watermark,
    Snapshot,
}

fn write_capture(out: &mut String, u: usize, capture: Capture) -> fmt::Result {
    let (kind, trigger) = match capture {
        Capture::Cdc => ("cdc", "*/10 * * * *"),
        Capture::Watermark => ("watermark", "0 * * * *"),
        Capture::Snapshot => ("snapshot", "30 1 * * *"),
    };
    let mut attrs = vec![
        ("kind", kind.to_string()),
        ("container", format!("u{u:05}_src")),
        ("credential", format!("u{u:05}_reader")),
        ("consistency", "multi_dataset".to_string()),
        ("trigger", trigger.to_string()),
    ];
    if let Capture::Watermark = capture {
        attrs.push(("watermark_column", "updated_at".to_string()));
    }
    // Aligned like `dsgen fmt` aligns a run of attributes, so the output is fmt-clean.
    let width = attrs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    writeln!(out, "    capture {{")?;
    for (k, v) in attrs {
        writeln!(out, "      {k:<width$} = \"{v}\"")?;
    }
    writeln!(out, "    }}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn files_under(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    out.push(path);
                }
            }
        }
        out.sort();
        out
    }

    /// Counts taken from the parsed files, to check the reported stats against.
    fn parsed_counts(dir: &Path) -> SynthStats {
        let mut s = SynthStats::default();
        for path in files_under(dir) {
            let text = fs::read_to_string(&path).unwrap();
            let body = hcl_edit::parser::parse_body(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            s.files += 1;
            s.bytes += text.len() as u64;
            for team in body.get_blocks("team") {
                for store in team.body.get_blocks("datastore") {
                    s.datastores += 1;
                    for dataset in store.body.get_blocks("dataset") {
                        s.datasets += 1;
                        s.columns += dataset.body.get_blocks("column").count();
                    }
                }
                for ws in team.body.get_blocks("workspace") {
                    s.workspaces += 1;
                    s.transformers += ws.body.get_blocks("transformer").count();
                    for dsg in ws.body.get_blocks("dsg") {
                        s.sinks += dsg.body.get_blocks("sink").count();
                    }
                }
            }
        }
        s
    }

    fn generate(datasets: usize) -> (tempfile::TempDir, SynthStats) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("model");
        let stats = write_model(&out, datasets).unwrap();
        assert_eq!(parsed_counts(&out), stats);
        (dir, stats)
    }

    /// What `dsgen synth` writes is what `dsgen fmt` would write.
    #[test]
    fn output_is_formatted() {
        let (dir, _) = generate(3 * UNIT);
        let mut files = Vec::new();
        let mut stack = vec![dir.path().to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap().flatten() {
                if e.path().is_dir() {
                    stack.push(e.path());
                } else {
                    files.push(e.path());
                }
            }
        }
        assert!(files.len() >= 6, "{files:?}");
        for f in files {
            let text = fs::read_to_string(&f).unwrap();
            let formatted = crate::fmt::format_source(&text).unwrap();
            assert!(formatted == text, "{} is not fmt-clean", f.display());
        }
    }

    #[test]
    fn columns_per_unit_match_datasurface() {
        assert_eq!(COLUMNS.iter().sum::<usize>(), 370);
        assert!(COLUMNS.iter().all(|c| (8..=16).contains(c)));
    }

    #[test]
    fn one_full_unit() {
        let (_dir, s) = generate(32);
        assert_eq!(
            (
                s.datasets,
                s.columns,
                s.datastores,
                s.workspaces,
                s.sinks,
                s.transformers,
                s.files
            ),
            (32, 370, 3, 4, 22, 1, 5)
        );
    }

    #[test]
    fn partial_last_unit() {
        // 3 full units, then 4 datasets: 3 in the CDC store and the transformer's output.
        let (_dir, s) = generate(100);
        let columns = 3 * 370 + COLUMNS[..4].iter().sum::<usize>();
        assert_eq!(
            (
                s.datasets,
                s.columns,
                s.datastores,
                s.workspaces,
                s.sinks,
                s.transformers,
                s.files
            ),
            (100, columns, 11, 15, 72, 4, 8)
        );
    }

    #[test]
    fn thousand_datasets() {
        let (_dir, s) = generate(1000);
        let columns = 31 * 370 + COLUMNS[..8].iter().sum::<usize>();
        assert_eq!(
            (
                s.datasets,
                s.columns,
                s.datastores,
                s.workspaces,
                s.sinks,
                s.transformers,
                s.files
            ),
            (1000, columns, 95, 127, 692, 32, 36)
        );
    }

    #[test]
    fn tiny_models() {
        let (_dir, s) = generate(1);
        assert_eq!(
            (s.datasets, s.datastores, s.workspaces, s.sinks),
            (1, 1, 1, 1)
        );
        assert_eq!(s.transformers, 0);
        let (_dir, s) = generate(0);
        assert_eq!((s.datasets, s.files), (0, 3));
    }

    #[test]
    fn zones_hold_a_hundred_teams() {
        let (dir, s) = generate(101 * UNIT);
        assert_eq!(s.files, 3 + 2 + 101);
        let zone1 = dir.path().join("model/zones/z001");
        assert!(zone1.join("governance.hcl").is_file());
        assert!(zone1.join("t00100.hcl").is_file());
    }

    #[test]
    fn deterministic() {
        let (a, _) = generate(300);
        let (b, _) = generate(300);
        let (fa, fb) = (files_under(a.path()), files_under(b.path()));
        assert_eq!(fa.len(), fb.len());
        for (x, y) in fa.iter().zip(&fb) {
            assert_eq!(x.strip_prefix(a.path()), y.strip_prefix(b.path()));
            assert_eq!(
                fs::read(x).unwrap(),
                fs::read(y).unwrap(),
                "{}",
                x.display()
            );
        }
    }

    #[test]
    fn refuses_a_non_empty_directory() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("keep.txt"), "x").unwrap();
        let err = write_model(dir.path(), 32).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        let err = write_model(&dir.path().join("keep.txt"), 32).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
    }

    #[test]
    fn accepts_an_empty_directory() {
        let dir = tempfile::tempdir().unwrap();
        let s = write_model(dir.path(), 32).unwrap();
        assert_eq!(s.files, 5);
    }
}
