//! The ingest pipeline: readers on their own thread feed a bounded channel; the store writer
//! commits documents in batches. A document is counted (and so reported as stored) only after the
//! transaction holding it has committed.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use anyhow::Result;
use chrono::Utc;
use indicatif::ProgressBar;
use ingest::files::{FileKind, ItemError};
use model::{IngestSummary, RawDocument, Store};
use store::AnyStore;

use crate::config::Config;

/// One input named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file or directory.
    Path(PathBuf),
    /// An http(s) URL of a page.
    Url(String),
    /// Standard input (`-`).
    Stdin,
}

impl Input {
    /// Classifies a command-line argument.
    pub fn parse(arg: &str) -> Input {
        if arg == "-" {
            Input::Stdin
        } else if arg.starts_with("http://") || arg.starts_with("https://") {
            Input::Url(arg.to_string())
        } else {
            Input::Path(PathBuf::from(arg))
        }
    }
}

/// What a reader sends to the writer.
enum Msg {
    Doc(Box<RawDocument>),
    Failed(ItemError),
    /// One unit of progress (a file, a URL or stdin) is finished.
    Step,
}

/// The inputs after expansion: the files to read, URLs, stdin, and paths that failed already.
pub struct Plan {
    files: Vec<(PathBuf, FileKind)>,
    urls: Vec<String>,
    stdin: bool,
    /// Inputs that could not be used at all (missing path, unsupported file named explicitly).
    pub errors: Vec<ItemError>,
}

impl Plan {
    /// Expands directories and classifies every input.
    pub fn new(inputs: &[Input]) -> Plan {
        let mut paths = Vec::new();
        let mut urls = Vec::new();
        let mut stdin = false;
        for input in inputs {
            match input {
                Input::Path(p) => paths.push(p.clone()),
                Input::Url(u) => urls.push(u.clone()),
                Input::Stdin => stdin = true,
            }
        }
        let (files, errors) = ingest::files::expand_paths(&paths);
        Plan { files, urls, stdin, errors }
    }

    /// Units of work, for the progress bar.
    pub fn steps(&self) -> u64 {
        (self.files.len() + self.urls.len() + usize::from(self.stdin)) as u64
    }
}

/// Runs the plan into the store and analyses what is new. Errors of single items are reported
/// through `on_error` and counted in the summary; only a store failure is returned as `Err`.
pub fn run(
    plan: Plan,
    cfg: &Config,
    store: &mut dyn AnyStore,
    index_dir: Option<&Path>,
    progress: &ProgressBar,
    on_error: &mut dyn FnMut(&ItemError),
) -> Result<IngestSummary> {
    let mut summary = store_all(plan, cfg, store, progress, on_error)?;
    summary.analysed = crate::analysis::analyze_pending(store, index_dir, cfg, false, progress)?;
    Ok(summary)
}

/// Runs the plan into any store, leaving the documents' analysis for later; see [`run`].
pub fn store_all(
    plan: Plan,
    cfg: &Config,
    store: &mut dyn Store,
    progress: &ProgressBar,
    on_error: &mut dyn FnMut(&ItemError),
) -> Result<IngestSummary> {
    let mut summary = IngestSummary::default();
    for e in &plan.errors {
        on_error(e);
        summary.failed += 1;
    }
    let (tx, rx) = sync_channel::<Msg>(1024);
    let read_cfg = cfg.clone();
    let Plan { files, urls, stdin, .. } = plan;
    let reader = std::thread::Builder::new()
        .name("wirewatch-read".into())
        .spawn(move || read_all(files, urls, stdin, &read_cfg, tx))?;
    let started = std::time::Instant::now();
    let result = write_all(rx, cfg.store.batch_size, store, progress, on_error, &mut summary);
    // The reader stops by itself once the channel is closed (writer returned early on error).
    let _ = reader.join();
    result?;
    tracing::info!(
        "stored {} documents in {:.3} s",
        summary.new + summary.unchanged + summary.new_versions,
        started.elapsed().as_secs_f64()
    );
    Ok(summary)
}

fn read_all(
    files: Vec<(PathBuf, FileKind)>,
    urls: Vec<String>,
    stdin: bool,
    cfg: &Config,
    tx: SyncSender<Msg>,
) {
    let now = Utc::now();
    let mut send = |item: std::result::Result<RawDocument, ItemError>| {
        let msg = match item {
            Ok(doc) => Msg::Doc(Box::new(doc)),
            Err(e) => Msg::Failed(e),
        };
        // A closed channel means the writer failed; the remaining items are simply dropped.
        let _ = tx.send(msg);
    };
    for (path, kind) in files {
        ingest::files::read_file(&path, kind, &cfg.read, now, &mut send);
        if tx.send(Msg::Step).is_err() {
            return;
        }
    }
    if stdin {
        ingest::files::read_stdin(std::io::stdin().lock(), &cfg.read, now, &mut send);
        if tx.send(Msg::Step).is_err() {
            return;
        }
    }
    if !urls.is_empty() {
        fetch_urls(urls, cfg, &tx);
    }
}

fn fetch_urls(urls: Vec<String>, cfg: &Config, tx: &SyncSender<Msg>) {
    use futures_util::StreamExt;
    let fail_all = |urls: &[String], message: String| {
        for u in urls {
            let _ = tx.send(Msg::Failed(ItemError { origin: u.clone(), message: message.clone() }));
            let _ = tx.send(Msg::Step);
        }
    };
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail_all(&urls, format!("cannot start the async runtime: {e}")),
    };
    let client = match ingest::http::Client::new(cfg.http.clone()) {
        Ok(c) => c,
        Err(e) => return fail_all(&urls, format!("cannot build the HTTP client: {e}")),
    };
    rt.block_on(async {
        let mut results = futures_util::stream::iter(urls.into_iter().map(|u| {
            let client = client.clone();
            async move { client.fetch_page(&u, model::SourceKind::Url).await }
        }))
        .buffer_unordered(cfg.http.max_concurrency.max(1));
        while let Some(res) = results.next().await {
            let msg = match res {
                Ok(doc) => Msg::Doc(Box::new(doc)),
                Err(e) => Msg::Failed(e),
            };
            if tx.send(msg).is_err() || tx.send(Msg::Step).is_err() {
                return;
            }
        }
    });
}

fn write_all(
    rx: Receiver<Msg>,
    batch_size: usize,
    store: &mut dyn Store,
    progress: &ProgressBar,
    on_error: &mut dyn FnMut(&ItemError),
    summary: &mut IngestSummary,
) -> Result<()> {
    let mut batch: Vec<RawDocument> = Vec::with_capacity(batch_size);
    let flush = |batch: &mut Vec<RawDocument>,
                 store: &mut dyn Store,
                 summary: &mut IngestSummary|
     -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let outcomes = store.put_documents(batch)?;
        for o in &outcomes {
            summary.record(*o);
        }
        tracing::info!(
            "committed {} documents; stored so far: {}",
            batch.len(),
            summary.new + summary.unchanged + summary.new_versions
        );
        batch.clear();
        Ok(())
    };
    for msg in rx {
        match msg {
            Msg::Doc(doc) => {
                batch.push(*doc);
                if batch.len() >= batch_size {
                    flush(&mut batch, store, summary)?;
                }
            }
            Msg::Failed(e) => {
                on_error(&e);
                summary.failed += 1;
            }
            Msg::Step => progress.inc(1),
        }
    }
    flush(&mut batch, store, summary)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_inputs() {
        assert_eq!(Input::parse("-"), Input::Stdin);
        assert_eq!(Input::parse("https://x.org/a"), Input::Url("https://x.org/a".into()));
        assert_eq!(Input::parse("dir/a.html"), Input::Path("dir/a.html".into()));
    }
}
