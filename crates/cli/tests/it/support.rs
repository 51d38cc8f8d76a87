//! Test support: running the binary, a tiny local HTTP server, the repository's paths.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A `wirewatch` command on the given data directory, isolated from the user's environment.
pub fn ww(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wirewatch"));
    c.arg("--data-dir")
        .arg(data)
        .env_remove("WIREWATCH_CONFIG")
        .env_remove("WIREWATCH_LOG")
        .env_remove("WIREWATCH_DATABASE_URL");
    c
}

/// Runs a command and returns its output, with stdout and stderr as strings.
pub fn run(c: &mut Command) -> (Output, String, String) {
    let out = c.output().expect("spawn wirewatch");
    let so = String::from_utf8_lossy(&out.stdout).to_string();
    let se = String::from_utf8_lossy(&out.stderr).to_string();
    (out, so, se)
}

/// Runs `ingest --json` and returns the summary.
pub fn ingest_json(data: &Path, inputs: &[&Path]) -> (serde_json::Value, String, bool) {
    let mut c = ww(data);
    c.args(["-q", "ingest", "--json"]).args(inputs);
    let (out, so, se) = run(&mut c);
    let last = so.lines().last().unwrap_or("{}");
    let v: serde_json::Value =
        serde_json::from_str(last).unwrap_or_else(|e| panic!("bad JSON {so:?}: {e}; stderr {se}"));
    (v, se, out.status.success())
}

/// A minimal HTTP/1.1 server on 127.0.0.1 serving fixed bodies by path, for feed tests.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Paths requested, in order.
    pub hits: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Serves `routes` (path → (content type, body)) until the test process ends.
    pub fn start(routes: HashMap<String, (String, Vec<u8>)>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(Mutex::new(Vec::new()));
        let h = hits.clone();
        let routes = Arc::new(routes);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let routes = routes.clone();
                let h = h.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    if reader.read_line(&mut line).is_err() {
                        return;
                    }
                    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                    loop {
                        let mut l = String::new();
                        if reader.read_line(&mut l).unwrap_or(0) == 0 || l == "\r\n" {
                            break;
                        }
                    }
                    h.lock().unwrap().push(path.clone());
                    let resp = match routes.get(&path) {
                        Some((ct, body)) => {
                            let mut r = format!(
                                "HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                                body.len()
                            )
                            .into_bytes();
                            r.extend_from_slice(body);
                            r
                        }
                        None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
                    };
                    let _ = stream.write_all(&resp);
                    let _ = stream.flush();
                    let mut sink = [0u8; 16];
                    let _ = stream.read(&mut sink);
                });
            }
        });
        Server { base, hits }
    }
}

/// A schema of its own in the PostgreSQL test database (`WIREWATCH_TEST_DATABASE_URL`), dropped
/// with this value; `None`, with the reason printed, when the variable is unset.
pub struct PgSchema {
    base: String,
    name: String,
}

impl PgSchema {
    pub fn new() -> Option<PgSchema> {
        let Ok(base) = std::env::var("WIREWATCH_TEST_DATABASE_URL") else {
            eprintln!("skipped: WIREWATCH_TEST_DATABASE_URL is not set (CI sets it; see .ci/run)");
            return None;
        };
        let name = format!(
            "ww_cli_{}_{}",
            std::process::id(),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
        );
        let mut admin = postgres::Client::connect(&base, postgres::NoTls).unwrap();
        admin.batch_execute(&format!("CREATE SCHEMA {name}")).unwrap();
        Some(PgSchema { base, name })
    }

    /// The URL of the database with this schema as the search path.
    pub fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-csearch_path%3D{}", self.base, self.name)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.base, postgres::NoTls) {
            let _ = admin.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name));
        }
    }
}

/// A child process killed when dropped (a failed assertion must not leave servers and workers
/// running after the test).
pub struct Reaped(pub std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}
