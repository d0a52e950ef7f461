//! Connecting to PostgreSQL: the merge database or a pull source, with the credential read from
//! the environment (`<CRED>_USERNAME`, `<CRED>_PASSWORD`) or a URL variable, and turning the
//! database's errors into [`BatchError::Database`] with the server's own message.
//!
//! Owns: the connection configuration and its secrecy (no password or URL reaches a message).
//! Does not: decide what to connect to (`job`), or run any batch statement beyond the session
//! setup.

use super::{BatchError, Endpoint};
use crate::milestone::sql;
use crate::target::kafka_connect::settings;
use postgres::{Client, NoTls};
use std::time::Duration;

/// The database error's own message (server message, detail and hint), without anything from
/// the connection configuration.
fn db_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => {
            let mut m = d.message().to_string();
            if let Some(detail) = d.detail() {
                m.push_str(&format!(" ({detail})"));
            }
            if let Some(hint) = d.hint() {
                m.push_str(&format!("; hint: {hint}"));
            }
            m
        }
        None => {
            let mut m = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                m.push_str(&format!(": {s}"));
                source = s.source();
            }
            m
        }
    }
}

pub(super) trait Context<T> {
    fn ctx(self, what: impl FnOnce() -> String) -> Result<T, BatchError>;
}

impl<T> Context<T> for Result<T, postgres::Error> {
    fn ctx(self, what: impl FnOnce() -> String) -> Result<T, BatchError> {
        self.map_err(|e| BatchError::Database {
            context: what(),
            message: db_message(&e),
        })
    }
}

/// The environment variables of a credential: `<CRED>_USERNAME`, `<CRED>_PASSWORD`.
pub fn credential_vars(credential: &str) -> (String, String) {
    let base = settings::env_name(credential);
    (format!("{base}_USERNAME"), format!("{base}_PASSWORD"))
}

/// Connect to an endpoint with its credential from `env`, or (merge database only) to the URL
/// held by the variable `url_var`.
pub fn connect(
    endpoint: &Endpoint,
    env: &dyn Fn(&str) -> Option<String>,
    url_var: Option<&str>,
) -> Result<Client, BatchError> {
    let mut config = match url_var {
        Some(var) => {
            let url = env(var).ok_or_else(|| {
                BatchError::Config(format!(
                    "environment variable `{var}` (--database-url-env, the URL of the {}) is not set",
                    endpoint.role
                ))
            })?;
            url.parse::<postgres::Config>().map_err(|_| {
                BatchError::Config(format!(
                    "environment variable `{var}` does not hold a valid PostgreSQL URL \
                     (postgres://USER:PASSWORD@HOST:PORT/DATABASE); its value is not shown"
                ))
            })?
        }
        None => {
            let mut c = postgres::Config::new();
            c.host(&endpoint.host)
                .port(endpoint.port)
                .dbname(&endpoint.database);
            if let Some(cred) = &endpoint.credential {
                let (user_var, password_var) = credential_vars(cred);
                let missing: Vec<&str> = [&user_var, &password_var]
                    .into_iter()
                    .filter(|v| env(v).is_none())
                    .map(|v| v.as_str())
                    .collect();
                if !missing.is_empty() {
                    return Err(BatchError::Config(format!(
                        "the {} logs in with credential `{cred}`: set {}",
                        endpoint.role,
                        missing
                            .iter()
                            .map(|v| format!("`{v}`"))
                            .collect::<Vec<_>>()
                            .join(" and ")
                    )));
                }
                c.user(env(&user_var).unwrap_or_default().as_str());
                c.password(env(&password_var).unwrap_or_default());
            }
            c
        }
    };
    config.application_name("dsgen-batch");
    config.connect_timeout(Duration::from_secs(15));
    let mut client = config.connect(NoTls).ctx(|| {
        let target = match url_var {
            Some(v) => format!("the URL in `{v}`"),
            None => format!(
                "container `{}` ({}:{}/{})",
                endpoint.container, endpoint.host, endpoint.port, endpoint.database
            ),
        };
        format!("cannot connect to the {} at {target}", endpoint.role)
    })?;
    client
        .batch_execute(sql::SESSION)
        .ctx(|| format!("cannot set up the session on the {}", endpoint.role))?;
    Ok(client)
}
