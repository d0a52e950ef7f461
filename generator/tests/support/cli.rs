//! Running the built `dsgen` binary from the integration tests and reading what it did.
//! Included with `#[path = "support/cli.rs"]`; each test binary uses only part of it.

#![allow(dead_code)]

use std::process::{Command, Output};

/// The built binary with an empty environment: no variable of the machine or of the test
/// runner (`GITHUB_*`, `DSGEN_*`, colours) reaches it unless a test adds it.
pub fn dsgen_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dsgen"));
    cmd.env_clear();
    cmd
}

/// The exit code (a test fails if a signal ended the process).
pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
