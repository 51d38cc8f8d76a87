//! `cargo xtask bench poll`: `wirewatch poll --once` of many feeds on one local test server.
//!
//! A small HTTP/1.1 server on 127.0.0.1 stands in for `--feeds` hosts (default 1,000), named
//! `feedN.bench.test` and pointed at it through the config's `http.resolve`. Each host serves
//! `/robots.txt`, `/feed.xml` (an RSS feed of `--items` new items, default 20) and the items'
//! pages: the real pages of `../shared/eval/extraction/html` in turn, their canonical link removed
//! and one line added so that each is a distinct document. The poll runs with the default
//! politeness (one request a second per host, two at once); the server logs every request, and
//! the benchmark checks from that log that no host was sent requests closer than the interval
//! (less a 50 ms allowance for scheduling) or more at once than allowed.
//!
//! Options: `--feeds N`, `--items N`, `--bin PATH` (an already built binary), `--smoke` (CI: 20
//! feeds of 3 items from the repository's own test pages; checks, asserts no timing).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use crate::bench::{build_release, children_cpu, shared_eval};
use crate::bench_pipeline::{load_pages, with_line};

/// The politeness of the poll: wirewatch's defaults, written into the config so that the check
/// below and the run agree.
const INTERVAL_MS: u64 = 1000;
const PER_HOST: usize = 2;

struct Opts {
    feeds: usize,
    items: usize,
    bin: Option<PathBuf>,
    smoke: bool,
}

fn parse(rest: &[&str]) -> Result<Opts> {
    let mut o = Opts { feeds: 1000, items: 20, bin: None, smoke: false };
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        let mut value =
            |name: &str| it.next().copied().with_context(|| format!("{name} needs a value"));
        match *a {
            "--feeds" => o.feeds = value("--feeds")?.parse()?,
            "--items" => o.items = value("--items")?.parse()?,
            "--bin" => o.bin = Some(PathBuf::from(value("--bin")?)),
            "--smoke" => o.smoke = true,
            other => bail!(
                "unknown option {other:?} for bench poll (--feeds N, --items N, --bin PATH, --smoke)"
            ),
        }
    }
    if o.smoke {
        o.feeds = 20;
        o.items = 3;
    }
    ensure!(o.feeds >= 1 && o.items >= 1, "--feeds and --items must be at least 1");
    Ok(o)
}

/// What the server saw of one host.
#[derive(Default)]
struct HostLog {
    arrivals: Vec<Instant>,
    in_flight: usize,
    most_in_flight: usize,
}

/// The test server's content and its request log.
pub(crate) struct Site {
    pages: Vec<String>,
    items: usize,
    port: u16,
    log: Mutex<HashMap<String, HostLog>>,
}

impl Site {
    /// Starts a server on 127.0.0.1 for hosts `feedN.bench.test`, each with a feed of `items`
    /// items whose pages are `pages` in turn; returns it and its port.
    pub(crate) fn start(pages: Vec<String>, items: usize) -> Result<(Arc<Site>, u16)> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let site = Arc::new(Site { pages, items, port, log: Mutex::default() });
        let server = site.clone();
        std::thread::spawn(move || server.serve(listener));
        Ok((site, port))
    }

    /// The body and content type for `path` on host `host` (`feedN.bench.test`).
    fn answer(&self, host: &str, path: &str) -> Option<(&'static str, String)> {
        let feed: usize = host.strip_prefix("feed")?.split('.').next()?.parse().ok()?;
        if path == "/robots.txt" {
            return Some(("text/plain", "User-agent: *\nAllow: /\n".into()));
        }
        if path == "/feed.xml" {
            let mut xml = String::from(
                "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Bench feed</title>\n",
            );
            for i in 0..self.items {
                xml.push_str(&format!(
                    "<item><title>Item {i} of feed {feed}</title>\
                     <link>http://{host}:{}/article/{i}</link>\
                     <pubDate>Fri, 30 Dec 2016 10:{:02}:00 GMT</pubDate></item>\n",
                    self.port,
                    i % 60
                ));
            }
            xml.push_str("</channel></rss>\n");
            return Some(("application/rss+xml", xml));
        }
        let i: usize = path.strip_prefix("/article/")?.parse().ok()?;
        let n = feed * self.items + i;
        let html = &self.pages[n % self.pages.len()];
        let page = with_line(html, &format!("<p>Article {i} of feed {feed}.</p>\n"));
        Some(("text/html; charset=utf-8", page))
    }

    fn serve(self: Arc<Self>, listener: TcpListener) {
        for conn in listener.incoming().flatten() {
            let site = self.clone();
            std::thread::spawn(move || {
                let _ = site.connection(conn);
            });
        }
    }

    /// Answers requests on one keep-alive connection until the client closes it.
    fn connection(&self, conn: TcpStream) -> std::io::Result<()> {
        let mut reader = BufReader::new(conn.try_clone()?);
        let mut out = conn;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (mut host, mut close) = (String::new(), false);
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
                    break;
                }
                let (k, v) = h.split_once(':').unwrap_or((&h, ""));
                if k.eq_ignore_ascii_case("host") {
                    host = v.trim().split(':').next().unwrap_or("").to_ascii_lowercase();
                } else if k.eq_ignore_ascii_case("connection") && v.trim() == "close" {
                    close = true;
                }
            }
            self.begin(&host);
            let answer = self.answer(&host, &path);
            let (status, kind, body) = match answer {
                Some((kind, body)) => ("200 OK", kind, body),
                None => ("404 Not Found", "text/plain", "not found".to_string()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\n\r\n",
                body.len()
            );
            let written =
                out.write_all(head.as_bytes()).and_then(|_| out.write_all(body.as_bytes()));
            self.end(&host);
            written?;
            if close {
                return Ok(());
            }
        }
    }

    fn begin(&self, host: &str) {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let h = log.entry(host.to_string()).or_default();
        h.arrivals.push(Instant::now());
        h.in_flight += 1;
        h.most_in_flight = h.most_in_flight.max(h.in_flight);
    }

    fn end(&self, host: &str) {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(h) = log.get_mut(host) {
            h.in_flight = h.in_flight.saturating_sub(1);
        }
    }
}

/// Runs the benchmark.
pub fn run(rest: &[&str]) -> Result<()> {
    let o = parse(rest)?;
    let src = if o.smoke {
        crate::tidy::project_root().join("test_data/extract")
    } else {
        shared_eval()?.join("extraction/html")
    };
    let bin = match &o.bin {
        Some(b) => b.clone(),
        None => build_release()?,
    };
    let tmp = std::env::temp_dir().join(format!("wirewatch-bench-poll-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    let result = bench(&o, &bin, &src, &tmp);
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

fn bench(o: &Opts, bin: &Path, src: &Path, tmp: &Path) -> Result<()> {
    let (site, port) = Site::start(load_pages(src)?, o.items)?;

    let hosts: Vec<String> = (0..o.feeds).map(|f| format!("feed{f}.bench.test")).collect();
    let data = tmp.join("data");
    std::fs::create_dir_all(&data)?;
    let mut cfg = format!(
        "[http]\nallow_private_addresses = true\nper_host_interval_ms = {INTERVAL_MS}\n\
         per_host_concurrency = {PER_HOST}\n\n[http.resolve]\n"
    );
    for h in &hosts {
        cfg.push_str(&format!("\"{h}\" = [\"127.0.0.1\"]\n"));
    }
    let cfg_file = tmp.join("wirewatch.toml");
    std::fs::write(&cfg_file, cfg)?;
    let wirewatch = |args: &[&str]| {
        let mut c = Command::new(bin);
        c.arg("-q").arg("--config").arg(&cfg_file).arg("--data-dir").arg(&data).args(args);
        c
    };
    let urls: Vec<String> = hosts.iter().map(|h| format!("http://{h}:{port}/feed.xml")).collect();
    let mut add = wirewatch(&["feeds", "add"]);
    add.args(&urls);
    let out = add.output().context("running feeds add")?;
    ensure!(out.status.success(), "feeds add failed: {}", String::from_utf8_lossy(&out.stderr));

    let cpu0 = children_cpu()?;
    let start = Instant::now();
    let out = wirewatch(&["poll", "--once", "--json"]).output().context("running poll")?;
    let wall = start.elapsed().as_secs_f64();
    let cpu = children_cpu()? - cpu0;
    ensure!(out.status.success(), "poll failed: {}", String::from_utf8_lossy(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout)
        .with_context(|| format!("poll printed {:?}", String::from_utf8_lossy(&out.stdout)))?;
    let stored = summary["new"].as_u64().unwrap_or(0);
    let expected = (o.feeds * o.items) as u64;
    println!(
        "poll --once: {} feeds x {} items: {stored} pages stored, {} analysed, {} failed",
        o.feeds, o.items, summary["analysed"], summary["failed"]
    );
    println!(
        "  {wall:.2} s wall = {:.0} pages/s; {cpu:.2} CPU-s (poll process) = {:.0} pages per CPU-second",
        stored as f64 / wall,
        stored as f64 / cpu.max(1e-9)
    );
    ensure!(stored == expected, "{stored} pages stored of {expected}");

    // Politeness as the server saw it.
    let log = site.log.lock().unwrap_or_else(|e| e.into_inner());
    let (mut closest, mut most, mut requests) = (Duration::MAX, 0, 0);
    for h in log.values() {
        requests += h.arrivals.len();
        most = most.max(h.most_in_flight);
        for w in h.arrivals.windows(2) {
            closest = closest.min(w[1].saturating_duration_since(w[0]));
        }
    }
    println!(
        "  politeness: {requests} requests to {} hosts; closest two requests to one host {:.0} ms \
         apart (interval {INTERVAL_MS} ms); at most {most} at once to one host (limit {PER_HOST})",
        log.len(),
        closest.as_secs_f64() * 1e3
    );
    ensure!(
        closest + Duration::from_millis(50) >= Duration::from_millis(INTERVAL_MS),
        "the per-host interval was not kept"
    );
    ensure!(most <= PER_HOST, "the per-host concurrency limit was not kept");
    if o.smoke {
        println!("smoke: every page stored, per-host limits kept");
    }
    Ok(())
}
