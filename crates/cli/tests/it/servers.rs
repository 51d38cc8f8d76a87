//! Two `wirewatch serve` processes with separate local directories on one PostgreSQL database:
//! they answer the same pages, API and searches, follow writes made by another process, stream
//! every event to SSE clients on either, and deliver each webhook event once between them.
//! Needs `WIREWATCH_TEST_DATABASE_URL` (CI sets it); skipped with a printed reason without it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::serve::{http_get, terminate, wait_listening};
use crate::support::{PgSchema, Reaped, repo, run, ww};

/// A webhook receiver: records the `X-Wirewatch-Delivery` header of every POST, answers 200.
fn receiver() -> (String, Arc<Mutex<Vec<i64>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got = Arc::new(Mutex::new(Vec::new()));
    let g = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let g = g.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut length, mut delivery) = (0usize, None);
                loop {
                    let mut l = String::new();
                    if reader.read_line(&mut l).unwrap_or(0) == 0 || l == "\r\n" {
                        break;
                    }
                    let lower = l.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if let Some(v) = lower.strip_prefix("x-wirewatch-delivery:") {
                        delivery = v.trim().parse::<i64>().ok();
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                if let Some(id) = delivery {
                    g.lock().unwrap().push(id);
                }
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            });
        }
    });
    (url, got)
}

/// An SSE client of `addr`: the ids of the events it has received.
fn sse(addr: &str) -> Arc<Mutex<Vec<i64>>> {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET /api/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n")
        .unwrap();
    let ids = Arc::new(Mutex::new(Vec::new()));
    let i = ids.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { return };
            if let Some(id) = line.strip_prefix("id: ").and_then(|v| v.trim().parse().ok()) {
                i.lock().unwrap().push(id);
            }
        }
    });
    ids
}

fn start(local: &Path, url: &str, config: &Path) -> (Reaped, String) {
    let mut child = ww(local)
        .arg("--config")
        .arg(config)
        .args(["--database", url, "serve", "--listen", "127.0.0.1:0"])
        .env_remove("WIREWATCH_TOKEN")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(local.with_extension("log")).unwrap())
        .spawn()
        .unwrap();
    let addr = wait_listening(&mut child);
    (Reaped(child), addr)
}

/// Waits up to 30 s for `done`.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(30);
    while !done() {
        assert!(Instant::now() < until, "timed out waiting: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[cfg(unix)]
#[test]
fn two_servers_answer_alike_stream_every_event_and_deliver_each_webhook_event_once() {
    let Some(schema) = PgSchema::new() else { return };
    let url = schema.url();
    let tmp = tempfile::tempdir().unwrap();
    let ingest = |path: &Path| {
        let (out, _, se) = run(ww(&tmp.path().join("unused"))
            .args(["--database", &url, "-q", "ingest"])
            .arg(path));
        assert!(out.status.success(), "{se}");
    };
    ingest(&repo().join("samples"));
    let (hook, delivered) = receiver();
    let config = tmp.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[live]\npoll_interval_ms = 50\nallow_private = true\nwebhook_initial_backoff_ms = 50\n\
             \n[[webhooks]]\nurl = \"{hook}\"\nsecret = \"shared-secret\"\n"
        ),
    )
    .unwrap();
    let (mut a, addr_a) = start(&tmp.path().join("a"), &url, &config);
    let (mut b, addr_b) = start(&tmp.path().join("b"), &url, &config);

    // The same answers from both, search included (each from its own index).
    for path in ["/", "/api/stories", "/stories/s1", "/api/search?q=expel", "/entities", "/feeds"] {
        let (sa, ba) = http_get(&addr_a, path);
        let (sb, bb) = http_get(&addr_b, path);
        assert!(sa.contains("200") && sb.contains("200"), "{path}: {sa} / {sb}");
        assert_eq!(ba, bb, "{path} differs between the servers");
    }
    let (_, found) = http_get(&addr_a, "/api/search?q=expel");
    assert!(found.contains("\"total\":") && !found.contains("\"total\":0"), "{found}");

    // Writes by another process reach both servers' pages, searches and event streams.
    let (sse_a, sse_b) = (sse(&addr_a), sse(&addr_b));
    std::thread::sleep(Duration::from_millis(300));
    let reports = [
        (
            "Zorblax",
            "Zorblax volcano erupts",
            "The Zorblax volcano erupted at dawn, sending ash over farms.",
        ),
        (
            "Quenfield",
            "Quenfield council bans cars",
            "Quenfield councillors voted to ban cars from the old town.",
        ),
        (
            "Marrowgate",
            "Marrowgate bank fined",
            "Regulators fined Marrowgate Bank for hiding trading losses.",
        ),
        (
            "Ellisport",
            "Ellisport wins the cup",
            "Ellisport beat the champions three goals to one in the final.",
        ),
    ];
    let subjects: Vec<&str> = reports.iter().map(|r| r.0).collect();
    for (i, (_, title, text)) in reports.iter().enumerate() {
        let f = tmp.path().join(format!("new{i}.txt"));
        std::fs::write(&f, format!("{title}\n\n{text}\n")).unwrap();
        ingest(&f);
    }
    for addr in [&addr_a, &addr_b] {
        for (word, title, _) in reports {
            eventually(&format!("{word} searchable on {addr}"), || {
                let (_, body) = http_get(addr, &format!("/api/search?q={word}"));
                !body.contains("\"total\":0")
            });
            eventually(&format!("{title:?} on the home page of {addr}"), || {
                http_get(addr, "/").1.contains(title)
            });
        }
    }
    let ids = |s: &Arc<Mutex<Vec<i64>>>| s.lock().unwrap().clone();
    eventually("both SSE clients see the four new stories' events", || {
        ids(&sse_a).len() >= subjects.len() && ids(&sse_a) == ids(&sse_b)
    });
    let events = ids(&sse_a);
    eventually("every event delivered to the webhook", || {
        let mut got = ids(&delivered);
        got.sort();
        got.dedup();
        got == events
    });
    std::thread::sleep(Duration::from_millis(500));
    let mut got = ids(&delivered);
    got.sort();
    assert_eq!(got, events, "each event delivered once across both servers");

    for (child, name) in [(&mut a, "a"), (&mut b, "b")] {
        let exit = terminate(&mut child.0);
        let log = std::fs::read_to_string(tmp.path().join(name).with_extension("log")).unwrap();
        assert!(exit.success(), "server {name}: {exit:?}\n{log}");
    }
}
