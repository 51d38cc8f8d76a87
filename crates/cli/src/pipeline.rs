//! The ingest pipeline: readers on their own thread feed a bounded channel; the store writer
//! commits documents in batches. A document is counted (and so reported as stored) only after the
//! transaction holding it has committed.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};

use anyhow::Result;
use chrono::Utc;
use indicatif::ProgressBar;
use ingest::files::{FileKind, ItemError};
use model::{FeedRecord, IngestOutcome, IngestSummary, RawDocument, Store};
use store::prelude::*;
use store::{AnyStore, PendingVersion};

use crate::analysis::Analyser;
use crate::config::Config;
use crate::timing::{Mark, thread_cpu};

/// A batch of read documents with their content hashes, and the feeds whose documents were all
/// read before the batch was cut (their fetch state is written after the documents).
#[derive(Default)]
pub struct Batch {
    /// The documents, in input order.
    pub docs: Vec<RawDocument>,
    /// Each document's [`RawDocument::content_hash`].
    pub hashes: Vec<String>,
    /// Polled feeds to update once the documents are stored.
    pub feeds: Vec<FeedRecord>,
}

/// Stores a batch and says what happened to each document, in order.
pub type Put<'a> = dyn FnMut(Batch) -> Result<Vec<IngestOutcome>> + 'a;

/// Content bytes after which a batch is committed even if it has fewer documents than the
/// configured batch size: large pages reach the analysis workers sooner, and memory stays flat.
const BATCH_BYTES: usize = 8 << 20;

/// Documents read ahead of the writer at most (HTML pages are a few hundred kilobytes each).
const READ_AHEAD: usize = 256;

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
pub enum Msg {
    /// A document and its [`RawDocument::content_hash`], computed on the reader's thread.
    Doc(Box<RawDocument>, String),
    /// An item that could not be read.
    Failed(ItemError),
    /// A polled feed, sent after every document read from it: its fetch state is stored only
    /// once they are.
    Feed(Box<FeedRecord>),
    /// One unit of progress (a file, a URL, stdin or a feed) is finished.
    Step,
}

impl Msg {
    /// The message for a read item: a document (hashed here, on the reader's thread) or an error.
    pub fn item(item: std::result::Result<RawDocument, ItemError>) -> Msg {
        match item {
            Ok(doc) => hashed(doc),
            Err(e) => Msg::Failed(e),
        }
    }
}

/// Documents read ahead of the writer at most, for readers of other kinds (the poller).
pub fn channel() -> (SyncSender<Msg>, Receiver<Msg>) {
    sync_channel(READ_AHEAD)
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
///
/// Versions left waiting by earlier runs (or analysed by an older analyser) are analysed first,
/// so stories still follow arrival order. Then each committed batch of new documents goes straight to the analysis workers
/// (without reading the content back from the store), while the next batches are read and
/// stored; see [`crate::analysis`].
pub fn run(
    plan: Plan,
    cfg: &Config,
    store: &mut dyn AnyStore,
    index_dir: Option<&Path>,
    progress: &ProgressBar,
    on_error: &mut dyn FnMut(&ItemError),
) -> Result<IngestSummary> {
    let unusable = report_plan_errors(&plan, on_error);
    let (rx, reader) = spawn_reader(plan, cfg)?;
    let result = analyse_from(rx, cfg, store, index_dir, false, progress, on_error);
    log_reader(reader);
    let mut summary = result?;
    summary.failed += unusable.failed;
    Ok(summary)
}

/// Stores and analyses what a reader sends on `rx` (see [`run`]) until the reader hangs up:
/// waiting versions first, then each committed batch straight to the analysis workers, then
/// findings. Polled feeds' state is written after their documents. `live`: stories go quiet
/// by the wall clock (polling) rather than by arrivals (files).
pub fn analyse_from(
    rx: Receiver<Msg>,
    cfg: &Config,
    store: &mut dyn AnyStore,
    index_dir: Option<&Path>,
    live: bool,
    progress: &ProgressBar,
    on_error: &mut dyn FnMut(&ItemError),
) -> Result<IngestSummary> {
    let mut analyser = Analyser::open(store, index_dir, cfg, live, progress)?;
    analyser.catch_up(store, progress)?;
    let mut summary = IngestSummary::default();
    write_all(
        rx,
        cfg.store.batch_size,
        &mut |batch: Batch| {
            let t = Mark::now();
            let stored = store.put_versions(&batch.docs, &batch.hashes)?;
            analyser.clock().add("store documents", t);
            let outcomes = stored.iter().map(|(o, _)| *o).collect();
            let fresh: Vec<PendingVersion> = batch
                .docs
                .into_iter()
                .zip(&stored)
                .filter(|(d, (o, _))| *o != IngestOutcome::Unchanged && d.analysis.is_none())
                .map(|(document, (_, version_id))| PendingVersion {
                    version_id: *version_id,
                    document,
                })
                .collect();
            for feed in &batch.feeds {
                store.update_feed(feed)?;
            }
            analyser.take(store, fresh, progress)?;
            Ok(outcomes)
        },
        progress,
        on_error,
        &mut summary,
    )?;
    summary.analysed = analyser.finish(store, progress)?;
    crate::analysis::refresh_story_changes(store, crate::analysis::threads())?;
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
    let mut summary = report_plan_errors(&plan, on_error);
    let (rx, reader) = spawn_reader(plan, cfg)?;
    let result = write_all(
        rx,
        cfg.store.batch_size,
        &mut |batch: Batch| Ok(store.put_documents(&batch.docs)?),
        progress,
        on_error,
        &mut summary,
    );
    log_reader(reader);
    result?;
    Ok(summary)
}

/// Reports the inputs that could not be used at all; the summary counts them as failed.
fn report_plan_errors(plan: &Plan, on_error: &mut dyn FnMut(&ItemError)) -> IngestSummary {
    let mut summary = IngestSummary::default();
    for e in &plan.errors {
        on_error(e);
        summary.failed += 1;
    }
    summary
}

/// The reader thread's wall and CPU time.
type Reader = std::thread::JoinHandle<(Duration, Duration)>;

/// Starts reading the plan on a thread of its own, in input order, into a bounded channel.
fn spawn_reader(plan: Plan, cfg: &Config) -> Result<(Receiver<Msg>, Reader)> {
    let (tx, rx) = channel();
    let read_cfg = cfg.clone();
    let Plan { files, urls, stdin, .. } = plan;
    let reader = std::thread::Builder::new()
        .name("wirewatch-read".into())
        .spawn(move || read_all(files, urls, stdin, &read_cfg, tx))?;
    Ok((rx, reader))
}

/// Waits for the reader (it stops by itself once the channel is closed, so also after the
/// writer failed) and logs its timings.
fn log_reader(reader: Reader) {
    if let Ok((wall, cpu)) = reader.join() {
        tracing::info!(
            target: "wirewatch::timings",
            "timings read {{\"wall\":{:.4},\"cpu\":{:.4}}}",
            wall.as_secs_f64(),
            cpu.as_secs_f64()
        );
    }
}

/// Reads every input into the channel; returns the wall and CPU time it took.
fn read_all(
    files: Vec<(PathBuf, FileKind)>,
    urls: Vec<String>,
    stdin: bool,
    cfg: &Config,
    tx: SyncSender<Msg>,
) -> (Duration, Duration) {
    let (wall, cpu) = (Instant::now(), thread_cpu());
    read_inputs(files, urls, stdin, cfg, &tx);
    (wall.elapsed(), thread_cpu().saturating_sub(cpu))
}

fn read_inputs(
    files: Vec<(PathBuf, FileKind)>,
    urls: Vec<String>,
    stdin: bool,
    cfg: &Config,
    tx: &SyncSender<Msg>,
) {
    let now = Utc::now();
    let mut send = |item: std::result::Result<RawDocument, ItemError>| {
        // A closed channel means the writer failed; the remaining items are simply dropped.
        let _ = tx.send(Msg::item(item));
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
        fetch_urls(urls, cfg, tx);
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
            if tx.send(Msg::item(res)).is_err() || tx.send(Msg::Step).is_err() {
                return;
            }
        }
    });
}

/// A read document with its content hash. A document keyed by content (no canonical URL) has
/// its hash in its key already ([`model::DocKey::for_document`]).
fn hashed(doc: RawDocument) -> Msg {
    let hash = match doc.key.as_str().strip_prefix("sha256:") {
        Some(h) if doc.canonical_url.is_none() && h.len() == 64 => h.to_string(),
        _ => doc.content_hash(),
    };
    Msg::Doc(Box::new(doc), hash)
}

/// Receives until the reader hangs up, handing `put` a batch whenever it is full (by count or
/// by bytes), and what is left at the end. Feeds wait for the next batch, so that their state is
/// stored after their documents.
pub fn write_all(
    rx: Receiver<Msg>,
    batch_size: usize,
    put: &mut Put<'_>,
    progress: &ProgressBar,
    on_error: &mut dyn FnMut(&ItemError),
    summary: &mut IngestSummary,
) -> Result<()> {
    let started = Instant::now();
    let batch_size = batch_size.max(1);
    let fresh = || Batch {
        docs: Vec::with_capacity(batch_size),
        hashes: Vec::with_capacity(batch_size),
        feeds: Vec::new(),
    };
    let mut batch = fresh();
    let mut bytes = 0;
    let mut flush = |batch: &mut Batch, summary: &mut IngestSummary| -> Result<()> {
        if batch.docs.is_empty() && batch.feeds.is_empty() {
            return Ok(());
        }
        let n = batch.docs.len();
        let outcomes = put(std::mem::replace(batch, fresh()))?;
        for o in &outcomes {
            summary.record(*o);
        }
        tracing::info!(
            "committed {n} documents; stored so far: {}",
            summary.new + summary.unchanged + summary.new_versions
        );
        Ok(())
    };
    for msg in rx {
        match msg {
            Msg::Doc(doc, hash) => {
                bytes += doc.content.len();
                batch.docs.push(*doc);
                batch.hashes.push(hash);
                if batch.docs.len() >= batch_size || bytes >= BATCH_BYTES {
                    flush(&mut batch, summary)?;
                    bytes = 0;
                }
            }
            Msg::Failed(e) => {
                on_error(&e);
                summary.failed += 1;
            }
            Msg::Feed(feed) => batch.feeds.push(*feed),
            Msg::Step => progress.inc(1),
        }
    }
    flush(&mut batch, summary)?;
    tracing::info!(
        "stored {} documents in {:.3} s",
        summary.new + summary.unchanged + summary.new_versions,
        started.elapsed().as_secs_f64()
    );
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
