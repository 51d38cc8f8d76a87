//! Dev tool: extracts one HTML or text file and prints the article and diagnostics as JSON.
//!
//! `cargo run --release -p wirewatch-analyze --example extract_one -- FILE [URL]`

use analyze::extract::{ExtractOptions, extract_html, extract_text};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: extract_one FILE [URL]");
        std::process::exit(2);
    };
    let bytes = std::fs::read(path).expect("read");
    let input = String::from_utf8_lossy(&bytes);
    let opts = ExtractOptions { url: args.get(1).cloned(), ..ExtractOptions::default() };
    let (article, diags) = if path.ends_with(".txt") {
        extract_text(&input, &opts)
    } else {
        extract_html(&input, &opts)
    };
    println!("{}", serde_json::to_string_pretty(&article).expect("json"));
    for d in diags {
        println!("{d}");
    }
}
