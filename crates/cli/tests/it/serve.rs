//! `wirewatch serve` and `wirewatch demo` as processes: listening, answering over real TCP,
//! printing the token once, and shutting down cleanly on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

use crate::support::{ingest_json, repo, run, ww};

/// A raw HTTP/1.1 GET; returns the status line and the body.
pub(crate) fn http_get(addr: &str, path: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.lines().next().unwrap_or("").to_string();
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// Reads stdout until the `serving ... at http://ADDR/` line; returns ADDR.
pub(crate) fn wait_listening(child: &mut Child) -> String {
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    loop {
        let line = lines.next().expect("server exited before listening").unwrap();
        if let Some(rest) = line.split(" at http://").nth(1) {
            let addr = rest.split('/').next().unwrap().to_string();
            // Keep draining stdout so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return addr;
        }
    }
}

#[cfg(unix)]
pub(crate) fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let pid = child.id().to_string();
    let ok = std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(ok.success());
    child.wait().unwrap()
}

#[cfg(unix)]
#[test]
fn serve_with_poll_answers_and_stops_on_sigterm() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let (_, _, ok) = ingest_json(&data, &[&repo().join("samples/seed-article.txt")]);
    assert!(ok);
    let mut child = ww(&data)
        .args(["serve", "--listen", "127.0.0.1:0", "--poll"])
        .env_remove("WIREWATCH_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let addr = wait_listening(&mut child);
    let (status, body) = http_get(&addr, "/");
    assert!(status.contains("200"), "{status}");
    assert!(body.contains("id=\"stories\""), "{body}");
    let (status, body) = http_get(&addr, "/api/stories");
    assert!(status.contains("200"), "{status}");
    assert!(body.contains("\"items\""), "{body}");
    let exit = terminate(&mut child);
    assert!(exit.success(), "{exit:?}");
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    // The generated token is printed once and kept, private, in the data directory.
    let token = std::fs::read_to_string(data.join("server-token")).unwrap();
    assert!(err.contains(token.trim()), "{err}");
    assert!(err.contains("shutting down"), "{err}");
}

#[test]
fn demo_without_serving_prints_the_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, so, se) = run(ww(&tmp.path().join("unused")).args(["demo", "--no-serve"]));
    assert!(out.status.success(), "{se}");
    assert!(so.contains("re-ingesting the same corpus: 0 new"), "{so}");
    assert!(!so.contains("serving"), "{so}");
}
