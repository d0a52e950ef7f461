//! A throwaway PostgreSQL cluster for tests and the batch benchmark: `initdb` in a temp dir,
//! listening on a free loopback port with password (SCRAM) authentication, as the `postgres`
//! user through `runuser` when running as root (initdb refuses root), like
//! tools/pg_cdc_e2e.py. The server runs under a small shell that waits for its stdin to close:
//! when the test process exits (however it exits), the pipe closes, the server stops and the
//! directory is removed. No PostgreSQL is a loud failure naming `scripts/test`, never a skip.
//! [`model_with_team`] writes the model these tests and the benchmark run against it.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub struct Cluster {
    pub port: u16,
    pub user: String,
    pub password: String,
    pub dir: PathBuf,
    // Kept open for the life of the process: closing it stops the server.
    _guard: Mutex<Child>,
}

/// Where a PostgreSQL binary is: on PATH, else the newest /usr/lib/postgresql/*/bin.
pub fn binary(name: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let p = e.path().join("bin").join(name);
            p.is_file().then_some((v, p))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, p)| p)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free loopback port")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn id_of(flag: &str) -> u32 {
    let out = Command::new("id")
        .args([flag, "postgres"])
        .output()
        .expect("running `id`");
    assert!(
        out.status.success(),
        "running as root, and there is no `postgres` user to run initdb as \
         (scripts/test installs PostgreSQL, which creates it)"
    );
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("numeric id")
}

fn sh_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

impl Cluster {
    /// The cluster of this process, started on first use.
    pub fn shared() -> &'static Cluster {
        static CLUSTER: OnceLock<Cluster> = OnceLock::new();
        CLUSTER.get_or_init(Cluster::start)
    }

    fn start() -> Cluster {
        let (Some(initdb), Some(postgres)) = (binary("initdb"), binary("postgres")) else {
            panic!(
                "PostgreSQL server binaries (initdb, postgres) are not installed: not on PATH \
                 nor under /usr/lib/postgresql/*/bin. These tests need a real PostgreSQL; \
                 scripts/test installs it (scripts/ensure-postgres)."
            );
        };
        let dir = tempfile::Builder::new()
            .prefix("dsgen-pg-")
            .tempdir()
            .expect("temp dir")
            .keep();
        let password = format!("pw{:x}", {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0);
            t ^ u128::from(std::process::id())
        });
        let pwfile = dir.join("pw");
        std::fs::write(&pwfile, &password).expect("write pwfile");
        std::fs::create_dir(dir.join("sock")).expect("socket dir");
        let root = is_root();
        let as_user: Vec<String> = if root {
            let (uid, gid) = (id_of("-u"), id_of("-g"));
            for p in [dir.clone(), pwfile.clone(), dir.join("sock")] {
                std::os::unix::fs::chown(&p, Some(uid), Some(gid)).expect("chown to postgres");
            }
            vec![
                "runuser".into(),
                "-u".into(),
                "postgres".into(),
                "--".into(),
            ]
        } else {
            Vec::new()
        };
        let data = dir.join("data");
        let mut cmd = Command::new(if root {
            "runuser"
        } else {
            initdb.to_str().unwrap()
        });
        if root {
            cmd.args(&as_user[1..]).arg(&initdb);
        }
        let out = cmd
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "dsgen",
                "-E",
                "UTF8",
                "--no-locale",
                "--auth-local=trust",
            ])
            .args(["--auth-host=scram-sha-256"])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .expect("running initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        let port = free_port();
        // The server stops when our end of the pipe closes: at the latest when this process
        // exits.
        let script = format!(
            "{postgres} -D {data} -p {port} -k {sock} -c listen_addresses=127.0.0.1 \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
             -c max_connections=200 -c shared_buffers=128MB -c max_wal_size=4GB \
             >{log} 2>&1 & pid=$!; cat >/dev/null; kill -INT $pid; wait $pid; rm -rf {dir}",
            postgres = sh_quote(&postgres),
            data = sh_quote(&data),
            sock = sh_quote(&dir.join("sock")),
            log = sh_quote(&dir.join("postgres.log")),
            dir = sh_quote(&dir),
        );
        let mut cmd = if root {
            let mut c = Command::new("runuser");
            c.args(&as_user[1..]);
            c.arg("sh");
            c
        } else {
            Command::new("sh")
        };
        let child = cmd
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting postgres");
        let cluster = Cluster {
            port,
            user: "dsgen".into(),
            password,
            dir: dir.clone(),
            _guard: Mutex::new(child),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match cluster.try_client("postgres") {
                Ok(_) => break,
                Err(e) if Instant::now() > deadline => {
                    let log = std::fs::read_to_string(dir.join("postgres.log")).unwrap_or_default();
                    panic!("PostgreSQL did not start on port {port}: {e}\n{log}");
                }
                Err(_) => std::thread::sleep(Duration::from_millis(100)),
            }
        }
        cluster
    }

    pub fn config(&self, db: &str) -> postgres::Config {
        let mut c = postgres::Config::new();
        c.host("127.0.0.1")
            .port(self.port)
            .user(&self.user)
            .password(&self.password)
            .dbname(db);
        c
    }

    fn try_client(&self, db: &str) -> Result<postgres::Client, postgres::Error> {
        self.config(db).connect(postgres::NoTls)
    }

    pub fn client(&self, db: &str) -> postgres::Client {
        self.try_client(db)
            .unwrap_or_else(|e| panic!("connecting to database {db}: {e}"))
    }

    /// A fresh database `name` (dropped first if a previous run left it).
    pub fn database(&self, name: &str) -> String {
        let mut admin = self.client("postgres");
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\""))
            .expect("drop database");
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create database");
        name.to_string()
    }

    /// The credentials a model's credentials resolve to, as `dsgen batch` reads them.
    pub fn env(&self) -> impl Fn(&str) -> Option<String> + '_ {
        move |k: &str| {
            if k.ends_with("_USERNAME") {
                Some(self.user.clone())
            } else if k.ends_with("_PASSWORD") {
                Some(self.password.clone())
            } else {
                None
            }
        }
    }
}

/// A model whose merge database and `Source` container are database `db` on the cluster at
/// `port`: one kafka-connect platform per `(name, milestoning)` in `platforms`, and team `Z/T`
/// whose body (after the `Source` container: its datastores and workspaces) is `team_body`.
/// The caller appends what follows the team (its `assign` blocks).
pub fn model_with_team(port: u16, db: &str, platforms: &[(&str, &str)], team_body: &str) -> String {
    let platforms: String = platforms
        .iter()
        .map(|(name, milestoning)| {
            format!(
                r#"platform "{name}" {{
  target           = "kafka-connect"
  milestoning      = "{milestoning}"
  locations        = ["Cloud:east"]
  credential_store = "secrets"
  settings {{
    kafka_container   = "Kafka"
    landing_container = "Landing"
    merge_container   = "Merge"
    merge_credential  = "merge_writer"
    build_image       = "registry.example.internal/connect:1"
    batch_image       = "registry.example.internal/dsgen-batch:1"
  }}
}}
"#
            )
        })
        .collect();
    format!(
        r#"
ecosystem "Test" {{
  owning_repo = "github:test/eco@main"
  live_repo   = "github:test/eco@live"
  zone "Z" {{ repo = "github:test/z@main" }}
}}
vendor "Cloud" {{
  cloud = "aws"
  location "east" {{}}
}}
governance_zone "Z" {{
  team "T" {{ repo = "github:test/t@main" }}
}}
credential_store "secrets" {{ kind = "kubernetes_secrets" }}
container "kafka" "Kafka" {{
  bootstrap_servers = ["kafka.example.internal:9092"]
  locations         = ["Cloud:east"]
}}
container "object_storage" "Landing" {{
  bucket    = "landing"
  locations = ["Cloud:east"]
}}
container "postgres" "Merge" {{
  host      = "127.0.0.1"
  port      = {port}
  database  = "{db}"
  locations = ["Cloud:east"]
}}
{platforms}team "Z" "T" {{
  container "postgres" "Source" {{
    host      = "127.0.0.1"
    port      = {port}
    database  = "{db}"
    locations = ["Cloud:east"]
  }}
{team_body}}}
"#
    )
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Ok(mut child) = self._guard.lock() {
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.flush();
            }
            let _ = child.wait();
        }
    }
}
