//! A process killed in the middle of an ingest loses nothing it reported as stored and leaves
//! no half-written document.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{ingest_json, run, ww};

#[test]
fn kill_during_ingest_loses_nothing_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let jsonl = tmp.path().join("big.jsonl");
    let n = 60_000;
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&jsonl).unwrap());
        for i in 0..n {
            writeln!(
                w,
                "{{\"url\":\"https://k.example/{i}\",\"title\":\"Report {i}\",\"text\":\"Body of report number {i}. {}\"}}",
                "Words of filler text. ".repeat(20)
            )
            .unwrap();
        }
    }
    // -v makes the writer log each committed batch; the last such line is what was reported.
    let mut child = ww(&data)
        .args(["-v", "ingest"])
        .arg(&jsonl)
        .env("WIREWATCH_LOG", "wirewatch=info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(n) = line.split("stored so far: ").nth(1) {
                let _ = tx.send(n.trim().parse::<u64>().unwrap_or(0));
            }
        }
    });
    let mut reported = 0;
    let start = Instant::now();
    while reported < 2_000 && start.elapsed() < Duration::from_secs(120) {
        if let Ok(n) = rx.recv_timeout(Duration::from_millis(50)) {
            reported = n;
        }
    }
    child.kill().unwrap();
    let _ = child.wait();
    while let Ok(n) = rx.try_recv() {
        reported = reported.max(n);
    }
    assert!(reported > 0, "the ingest never reported a committed batch");
    let (out, so, se) = run(ww(&data).args(["stats", "--json"]));
    assert!(out.status.success(), "{se}");
    let stats: serde_json::Value = serde_json::from_str(&so).unwrap();
    let docs = stats["documents"].as_u64().unwrap();
    assert!(docs >= reported, "reported {reported} stored, found {docs}");
    assert_eq!(
        stats["versions"].as_u64(),
        Some(docs),
        "every document has exactly its one version"
    );
    // Finishing the ingest afterwards stores the rest, with no duplicates.
    let (s, se, ok) = ingest_json(&data, &[&jsonl]);
    assert!(ok, "{se}");
    assert_eq!(s["new"].as_u64().unwrap() + s["unchanged"].as_u64().unwrap(), n, "{s}");
    assert_eq!(s["unchanged"].as_u64().unwrap(), docs, "{s}");
}
