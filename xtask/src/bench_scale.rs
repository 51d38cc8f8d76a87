//! `cargo xtask bench scale [--workers=1,2,4] [--seconds=N]`: the same 10,000 ECB+-derived
//! documents through the embedded store in one process, and through PostgreSQL with 1, 2 and 4
//! `wirewatch worker --once --threads 1` processes; then the p99 of story pages with 50 clients
//! spread over two `wirewatch serve` processes on the PostgreSQL database, beside one server on
//! the SQLite directory with 50 clients.
//!
//! PostgreSQL is a throwaway cluster of Debian's `postgresql` package (`initdb` into a
//! temporary directory, `pg_ctl start` on a free port, stopped and removed at the end), unless
//! `WIREWATCH_BENCH_DATABASE_URL` names a server whose user may create databases.
//!
//! End to end means stored, analysed, assigned to stories, findings redone, and indexed for
//! search: `ingest` does all of it on SQLite; on PostgreSQL `ingest --queue` stores, the
//! workers do the rest, and the search index (each server's own) is built by `reindex` into a
//! local directory, timed apart.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::bench::{build_release, ingest_corpus, shared_eval};

/// A PostgreSQL server for the benchmark.
struct Pg {
    /// `postgres://user@host:port`, without a database.
    base: String,
    /// The throwaway cluster to stop, if this benchmark started one.
    cluster: Option<(PathBuf, PathBuf)>,
}

fn as_postgres(cmd: &Path) -> Command {
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(cmd);
        c
    } else {
        Command::new(cmd)
    }
}

impl Pg {
    fn start() -> Result<Pg> {
        if let Ok(url) = std::env::var("WIREWATCH_BENCH_DATABASE_URL") {
            let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b).to_string();
            return Ok(Pg { base, cluster: None });
        }
        let mut bins: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .context("PostgreSQL is not installed (apt-get install postgresql)")?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .filter(|b| b.join("initdb").exists())
            .collect();
        bins.sort();
        let bin = bins.pop().context("no PostgreSQL initdb under /usr/lib/postgresql")?;
        let dir = std::env::temp_dir().join(format!("wirewatch-bench-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        let _ = Command::new("chown").arg("postgres").arg(&dir).status();
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let ok = as_postgres(&bin.join("initdb"))
            .arg("-D")
            .arg(&dir)
            .args(["-U", "ww", "--auth=trust"])
            .stdout(Stdio::null())
            .status()?
            .success();
        if !ok {
            bail!("initdb into {} failed", dir.display());
        }
        let ok = as_postgres(&bin.join("pg_ctl"))
            .arg("-D")
            .arg(&dir)
            .arg("-l")
            .arg(dir.join("server.log"))
            .args(["-w", "-o"])
            .arg(format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200",
                dir.display()
            ))
            .arg("start")
            .stdout(Stdio::null())
            .status()?
            .success();
        if !ok {
            bail!("pg_ctl start failed; see {}/server.log", dir.display());
        }
        Ok(Pg { base: format!("postgres://ww@127.0.0.1:{port}"), cluster: Some((bin, dir)) })
    }

    /// A fresh, empty database; returns its URL.
    fn database(&self, name: &str) -> Result<String> {
        for sql in [format!("DROP DATABASE IF EXISTS {name}"), format!("CREATE DATABASE {name}")] {
            let ok = Command::new("psql")
                .args(["-q", "-d", &format!("{}/postgres", self.base), "-c", &sql])
                .status()
                .context("running psql")?
                .success();
            if !ok {
                bail!("psql {sql:?} failed");
            }
        }
        Ok(format!("{}/{name}", self.base))
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        if let Some((bin, dir)) = &self.cluster {
            let _ = as_postgres(&bin.join("pg_ctl"))
                .arg("-D")
                .arg(dir)
                .args(["-m", "fast", "stop"])
                .stdout(Stdio::null())
                .status();
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Runs the binary to completion; returns wall seconds.
fn wall(bin: &Path, args: &[&str]) -> Result<f64> {
    let start = Instant::now();
    let out = Command::new(bin).args(args).output().with_context(|| format!("running {bin:?}"))?;
    if !out.status.success() {
        bail!("{args:?} failed: {}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    }
    Ok(start.elapsed().as_secs_f64())
}

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(bin: &Path, args: &[&str], local: &Path, config: &Path) -> Result<(Server, String)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let listen = format!("127.0.0.1:{port}");
    let child = Command::new(bin)
        .args(["-q", "--data-dir"])
        .arg(local)
        .arg("--config")
        .arg(config)
        .args(args)
        .args(["serve", "--listen", &listen])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let base = format!("http://{listen}");
    let started = Instant::now();
    while crate::bench_serve::get(&format!("{base}/api/stories?limit=1")).is_err() {
        if started.elapsed() > Duration::from_secs(300) {
            bail!("wirewatch serve did not answer on {base}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok((Server(child), base))
}

/// Story page paths from the API, spread over the list.
fn story_paths(base: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for offset in [0, 100, 200, 400, 800] {
        let page =
            crate::bench_serve::get(&format!("{base}/api/stories?limit=100&offset={offset}"))?;
        for s in page["items"].as_array().into_iter().flatten() {
            if let Some(id) = s["id"].as_str() {
                out.push(format!("/stories/{id}"));
            }
        }
    }
    if out.is_empty() {
        bail!("no stories to load");
    }
    Ok(out)
}

/// Runs the benchmark.
pub fn run(rest: &[&str]) -> Result<()> {
    let mut counts = vec![1usize, 2, 4];
    let mut secs = 20u64;
    for a in rest {
        if let Some(v) = a.strip_prefix("--workers=") {
            counts = v.split(',').map(str::parse).collect::<std::result::Result<_, _>>()?;
        } else if let Some(v) = a.strip_prefix("--seconds=") {
            secs = v.parse()?;
        } else {
            bail!("unknown option {a:?} for bench scale (--workers=1,2,4, --seconds=N)");
        }
    }
    let eval = shared_eval()?;
    let bin = build_release()?;
    let dir = crate::tidy::project_root().join("target/bench-scale");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let (corpus, n, _) = ingest_corpus(&eval, &dir)?;
    let corpus = corpus.to_string_lossy().to_string();
    let pg = Pg::start()?;
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    println!(
        "{n} documents (ECB+ dev texts, 37 outlets); {cores} cores; PostgreSQL at {}",
        pg.base
    );

    let sqlite = dir.join("sqlite");
    let s = sqlite.to_string_lossy().to_string();
    let t = wall(&bin, &["-q", "--data-dir", &s, "ingest", &corpus])?;
    println!(
        "SQLite, one `ingest` process ({cores} analysis threads): {t:.1} s = {:.0} docs/s end to end",
        n as f64 / t
    );

    let mut one_worker = None;
    let mut last_url = String::new();
    for &w in &counts {
        let url = pg.database(&format!("scale{w}"))?;
        let unused = dir.join("unused").to_string_lossy().to_string();
        let queued = wall(
            &bin,
            &["-q", "--database", &url, "--data-dir", &unused, "ingest", "--queue", &corpus],
        )?;
        let start = Instant::now();
        let workers: Vec<Child> = (0..w)
            .map(|_| {
                Command::new(&bin)
                    .args(["-q", "--database", &url, "--data-dir", &unused, "worker", "--once"])
                    .args(["--no-poll", "--threads", "1"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
            })
            .collect::<std::io::Result<_>>()?;
        for c in workers {
            let out = c.wait_with_output()?;
            if !out.status.success() {
                bail!("a worker failed: {}", String::from_utf8_lossy(&out.stderr));
            }
        }
        let worked = start.elapsed().as_secs_f64();
        let local = dir.join(format!("index{w}")).to_string_lossy().to_string();
        let indexed = wall(&bin, &["-q", "--database", &url, "--data-dir", &local, "reindex"])?;
        let total = queued + worked + indexed;
        let speedup = match one_worker {
            None => {
                one_worker = Some(worked);
                String::new()
            }
            Some(one) => format!("; workers {:.2}x one worker", one / worked),
        };
        println!(
            "PostgreSQL, {w} worker(s): queued {queued:.1} s + workers {worked:.1} s ({:.0} docs/s) \
             + index {indexed:.1} s = {total:.1} s = {:.0} docs/s end to end{speedup}",
            n as f64 / worked,
            n as f64 / total
        );
        last_url = url;
    }

    // Story pages, 50 clients: one server on SQLite, then two on PostgreSQL (25 clients each).
    let config = dir.join("serve.toml");
    std::fs::write(&config, "[server]\nrate_limit_per_sec = 0\n")?;
    let (server, base) = serve(&bin, &[], &sqlite, &config)?;
    let paths = story_paths(&base)?;
    println!("story pages ({} paths), wrk -c50 -d{secs}s:", paths.len());
    println!(
        "  SQLite, one server:     {}",
        crate::bench_serve::wrk(&base, "story", &paths, &dir, secs, 50)?
    );
    drop(server);
    let (a, base_a) = serve(&bin, &["--database", &last_url], &dir.join("serve-a"), &config)?;
    let (b, base_b) = serve(&bin, &["--database", &last_url], &dir.join("serve-b"), &config)?;
    let paths = story_paths(&base_a)?;
    let (ra, rb) = std::thread::scope(|s| {
        let ha = s.spawn(|| crate::bench_serve::wrk(&base_a, "story-a", &paths, &dir, secs, 25));
        let hb = s.spawn(|| crate::bench_serve::wrk(&base_b, "story-b", &paths, &dir, secs, 25));
        (ha.join(), hb.join())
    });
    let ra = ra.map_err(|_| anyhow::anyhow!("wrk thread panicked"))??;
    let rb = rb.map_err(|_| anyhow::anyhow!("wrk thread panicked"))??;
    println!("  PostgreSQL, server a:   {ra}");
    println!("  PostgreSQL, server b:   {rb}");
    drop((a, b));
    drop(pg);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
