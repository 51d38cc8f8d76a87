//! The `[server]` section of the config, and resolving it into the settings a running server
//! uses: the write token (configured, or generated once and kept in the data directory).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The file in the data directory holding a generated token (mode 0600).
pub const TOKEN_FILE: &str = "server-token";

/// How the web server listens and who may do what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address and port to listen on. Loopback by default: put a TLS proxy in front to serve
    /// other machines.
    pub listen: SocketAddr,
    /// Whether pages and `GET /api/...` are readable without the token.
    pub public_reads: bool,
    /// The token writes need (`Authorization: Bearer TOKEN`, or the login form). Unset: one is
    /// generated at first start, stored in `<data-dir>/server-token` (mode 0600) and printed once.
    pub token: Option<String>,
    /// Requests per second each client (by IP address) may make on average; 0 turns the limit off.
    pub rate_limit_per_sec: f64,
    /// How many requests a client may make in a burst above that rate.
    pub rate_limit_burst: u32,
    /// Largest request body accepted, in bytes (an OPML import is the largest expected).
    pub body_limit_bytes: usize,
    /// Memory for rendered pages and API answers kept until the data changes, in MiB; 0 turns
    /// the cache off (see `cache`).
    pub cache_mb: usize,
    /// The HTTP client's settings (the `[http]` section, not `[server]`): a feed the poller's
    /// SSRF guard would refuse is refused when it is added.
    #[serde(skip)]
    pub http: ingest::http::HttpConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_reads: true,
            token: None,
            rate_limit_per_sec: 20.0,
            rate_limit_burst: 100,
            body_limit_bytes: 1 << 20,
            cache_mb: 128,
            http: ingest::http::HttpConfig::default(),
        }
    }
}

impl ServerConfig {
    /// Checks values that serde cannot.
    pub fn validate(&self) -> Result<()> {
        if !(self.rate_limit_per_sec >= 0.0 && self.rate_limit_per_sec.is_finite()) {
            return Err(Error::BadRequest(
                "server.rate_limit_per_sec must be a number at least 0".into(),
            ));
        }
        if self.rate_limit_per_sec > 0.0 && self.rate_limit_burst == 0 {
            return Err(Error::BadRequest("server.rate_limit_burst must be at least 1".into()));
        }
        if self.body_limit_bytes < 1024 {
            return Err(Error::BadRequest("server.body_limit_bytes must be at least 1024".into()));
        }
        if self.cache_mb > 1 << 20 {
            return Err(Error::BadRequest("server.cache_mb must be at most 1048576".into()));
        }
        if let Some(t) = &self.token
            && t.trim().len() < 16
        {
            return Err(Error::BadRequest("server.token must be at least 16 characters".into()));
        }
        Ok(())
    }
}

/// Where the token came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    /// The config file or environment.
    Configured,
    /// A token generated earlier, read back from this file.
    Stored(PathBuf),
    /// A token generated now and saved to this file: print it once.
    Generated(PathBuf),
}

/// The token to use: the configured one, else the one stored in the data directory, else a new
/// random one saved there with mode 0600.
pub fn resolve_token(cfg: &ServerConfig, data_dir: &Path) -> Result<(String, TokenSource)> {
    if let Some(t) = &cfg.token {
        return Ok((t.trim().to_string(), TokenSource::Configured));
    }
    let path = data_dir.join(TOKEN_FILE);
    match std::fs::read_to_string(&path) {
        Ok(t) if t.trim().len() >= 16 => {
            return Ok((t.trim().to_string(), TokenSource::Stored(path)));
        }
        Ok(_) => {
            return Err(Error::BadRequest(format!(
                "{} holds no usable token (at least 16 characters); delete it to get a new one",
                path.display()
            )));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(Error::Internal(format!("cannot read {}: {e}", path.display())));
        }
    }
    std::fs::create_dir_all(data_dir)
        .map_err(|e| Error::Internal(format!("cannot create {}: {e}", data_dir.display())))?;
    let token = crate::security::random_hex(32);
    write_private(&path, &token)
        .map_err(|e| Error::Internal(format!("cannot write {}: {e}", path.display())))?;
    Ok((token, TokenSource::Generated(path)))
}

/// Creates `path` readable by its owner only, failing if it exists (two servers starting at
/// once must not overwrite each other's token).
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(contents.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_generated_once_and_kept_private() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = ServerConfig::default();
        let (t1, s1) = resolve_token(&cfg, dir.path()).unwrap();
        assert!(matches!(s1, TokenSource::Generated(_)));
        assert_eq!(t1.len(), 64);
        let (t2, s2) = resolve_token(&cfg, dir.path()).unwrap();
        assert_eq!(t1, t2);
        assert!(matches!(s2, TokenSource::Stored(_)));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(TOKEN_FILE)).unwrap().permissions();
            assert_eq!(mode.mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn configured_token_wins_and_short_ones_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = ServerConfig { token: Some("a-long-enough-token".into()), ..Default::default() };
        assert_eq!(resolve_token(&cfg, dir.path()).unwrap().0, "a-long-enough-token");
        assert!(!dir.path().join(TOKEN_FILE).exists());
        let short = ServerConfig { token: Some("short".into()), ..Default::default() };
        assert!(short.validate().is_err());
    }
}
