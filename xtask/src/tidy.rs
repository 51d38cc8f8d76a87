//! Tidy checks run as a test: every Rust file opens with a `//!` line saying what it owns.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// The workspace root (the parent of `xtask/`).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Fails with the list of Rust files that do not start with a `//!` comment.
pub fn check(root: &Path) -> Result<()> {
    let mut bad = Vec::new();
    let mut stack = vec![root.join("crates"), root.join("xtask"), root.join("fuzz")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name();
            if p.is_dir() {
                if name != "target" && name != "corpus" && name != "artifacts" {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p)?;
                if !text.trim_start().starts_with("//!") {
                    bad.push(p.strip_prefix(root).unwrap_or(&p).display().to_string());
                }
            }
        }
    }
    bad.sort();
    if !bad.is_empty() {
        bail!("files without a leading `//!` line saying what they own:\n  {}", bad.join("\n  "));
    }
    println!("tidy: ok");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_rust_file_says_what_it_owns() {
        super::check(&super::project_root()).unwrap();
    }
}
