//! The one TOML configuration, resolved before any command starts.
//!
//! Precedence: built-in defaults < the file given with `--config` (or `wirewatch.toml` in the
//! data directory, if present) < environment variables < command-line flags. Unknown keys are an
//! error, so a typo never silently does nothing.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// Everything a user can configure.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// How pages and feeds are fetched (politeness, timeouts, caps, SSRF guard).
    pub http: ingest::http::HttpConfig,
    /// Limits on files read from disk or stdin.
    pub read: ingest::files::ReadOptions,
    /// Feed polling schedule.
    pub poll: ingest::poll::PollConfig,
    /// How documents are written to the store.
    pub store: StoreConfig,
    /// Story clustering, copy detection and breaking flags.
    pub stories: analyze::stories::StoryConfig,
    /// The web server of `wirewatch serve` and `wirewatch demo`: address, access, limits.
    pub server: server::ServerConfig,
    /// Live alerts of `serve`: the outbox tailer, SSE, webhook delivery, Atom feeds.
    pub live: server::live::LiveConfig,
    /// Webhooks to deliver events to (`[[webhooks]]` tables; more can be added through the API).
    pub webhooks: Vec<server::live::WebhookConfig>,
}

/// Storage settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// Documents committed per transaction. Larger batches are faster; a crash loses at most
    /// the batch in flight, which was never reported as stored.
    pub batch_size: usize,
    /// A shared PostgreSQL database (`postgres://user@host:port/db`) to use instead of the
    /// data directory's SQLite store. `--database` and `WIREWATCH_DATABASE_URL` override it.
    pub database_url: Option<String>,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig { batch_size: 500, database_url: None }
    }
}

impl Config {
    /// The live settings with the configured webhooks, as `server::live::LiveState::start`
    /// takes them.
    pub fn live_config(&self) -> server::live::LiveConfig {
        server::live::LiveConfig { webhooks: self.webhooks.clone(), ..self.live.clone() }
    }

    /// Parses a TOML document.
    pub fn from_toml(text: &str) -> Result<Config> {
        let cfg: Config = toml::from_str(text)?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Loads the config: the explicit file if given (it must exist), else
    /// `<data_dir>/wirewatch.toml` if present, else defaults.
    pub fn load(explicit: Option<&Path>, data_dir: &Path) -> Result<Config> {
        let path: Option<PathBuf> = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => {
                let p = data_dir.join("wirewatch.toml");
                p.is_file().then_some(p)
            }
        };
        let mut cfg = match path {
            Some(p) => {
                let text = std::fs::read_to_string(&p)
                    .with_context(|| format!("cannot read config file {}", p.display()))?;
                Config::from_toml(&text)
                    .with_context(|| format!("invalid config file {}", p.display()))?
            }
            None => Config::default(),
        };
        cfg.apply_env()?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Environment overrides, for settings people change per run.
    fn apply_env(&mut self) -> Result<()> {
        if let Ok(v) = std::env::var("WIREWATCH_USER_AGENT") {
            self.http.user_agent = v;
        }
        if let Ok(v) = std::env::var("WIREWATCH_TOKEN") {
            self.server.token = Some(v);
        }
        if let Ok(v) = std::env::var("WIREWATCH_ALLOW_PRIVATE_ADDRESSES") {
            self.http.allow_private_addresses = parse_bool(&v)
                .with_context(|| format!("WIREWATCH_ALLOW_PRIVATE_ADDRESSES={v:?}"))?;
        }
        Ok(())
    }

    fn validate(&self) -> Result<()> {
        anyhow::ensure!(self.store.batch_size > 0, "store.batch_size must be at least 1");
        if let Some(url) = &self.store.database_url {
            check_database_url(url).context("store.database_url")?;
        }
        anyhow::ensure!(
            !self.http.user_agent.trim().is_empty(),
            "http.user_agent must not be empty"
        );
        anyhow::ensure!(self.http.max_concurrency > 0, "http.max_concurrency must be at least 1");
        anyhow::ensure!(
            self.http.per_host_concurrency > 0,
            "http.per_host_concurrency must be at least 1"
        );
        self.server.validate().map_err(|e| anyhow::anyhow!("{e}"))?;
        self.live_config().validate()?;
        Ok(())
    }
}

/// A database URL must name PostgreSQL: the embedded store is chosen with `--data-dir`.
pub fn check_database_url(url: &str) -> Result<()> {
    anyhow::ensure!(
        store::pg::is_postgres_url(url),
        "{}: not a postgres:// URL (the embedded SQLite store is a data directory: --data-dir)",
        store::pg::redact_url(url)
    );
    Ok(())
}

fn parse_bool(v: &str) -> Result<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => anyhow::bail!("expected true or false"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses() {
        let text = include_str!("../../../config.example.toml");
        let cfg = Config::from_toml(text).expect("config.example.toml must parse");
        assert!(cfg.store.batch_size > 0);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = Config::from_toml("[store]\nbatch_sise = 3\n").unwrap_err();
        assert!(format!("{err:#}").contains("batch_sise"), "{err:#}");
    }

    #[test]
    fn server_section_parses_and_is_checked() {
        let cfg = Config::from_toml(
            "[server]\nlisten = \"0.0.0.0:9000\"\npublic_reads = false\nrate_limit_per_sec = 0\n",
        )
        .unwrap();
        assert_eq!(cfg.server.listen.port(), 9000);
        assert!(!cfg.server.public_reads);
        assert!(Config::from_toml("[server]\ntoken = \"short\"\n").is_err());
        assert!(Config::from_toml("[server]\nlisten_on = 3\n").is_err());
    }

    #[test]
    fn webhooks_are_read_and_checked() {
        let text = "[live]\nallow_private = true\n\n[[webhooks]]\nurl = \"https://h.example/in\"\n\
                    secret = \"k\"\nkinds = [\"story.breaking\"]\n";
        let cfg = Config::from_toml(text).unwrap();
        let live = cfg.live_config();
        assert!(live.allow_private);
        assert_eq!(live.webhooks[0].kinds, ["story.breaking"]);
        let err =
            Config::from_toml("[[webhooks]]\nurl = \"https://h.example/in\"\nsecret = \"\"\n")
                .unwrap_err();
        assert!(format!("{err:#}").contains("secret"), "{err:#}");
        assert!(Config::from_toml("[live]\nwebhooks = []\n").is_err());
    }

    #[test]
    fn database_url_must_be_postgres() {
        let cfg =
            Config::from_toml("[store]\ndatabase_url = \"postgres://ww@db:5432/ww\"\n").unwrap();
        assert_eq!(cfg.store.database_url.as_deref(), Some("postgres://ww@db:5432/ww"));
        let err = Config::from_toml("[store]\ndatabase_url = \"mysql://u:pw@h/db\"\n").unwrap_err();
        let msg = format!("{err:#}");
        assert!(msg.contains("store.database_url") && !msg.contains(":pw@"), "{msg}");
    }

    #[test]
    fn zero_batch_is_rejected() {
        assert!(Config::from_toml("[store]\nbatch_size = 0\n").is_err());
    }
}
