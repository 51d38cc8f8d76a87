//! `wirewatch demo`: the bundled sample corpus ingested into a fresh temporary data directory,
//! or, with `--database`, into an empty PostgreSQL database (the temporary directory then holds
//! only the local search index).
//!
//! The corpus (`samples/` in the repository) is compiled into the binary, so the demo works from
//! any directory. After the summary it serves the web UI over the demo data until Ctrl-C
//! (`--no-serve` stops after the summary, for scripts and tests).

use std::path::Path;
use std::process::ExitCode;
use store::prelude::*;

use anyhow::{Context, Result};
use include_dir::{Dir, include_dir};

use super::{Ctx, exit_code};
use crate::cmd::ingest::{ingest_inputs, print_summary};
use crate::pipeline::Input;

static SAMPLES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../samples");

/// Arguments of `wirewatch demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep the demo data directory here instead of a temporary one (must not exist yet).
    #[arg(long, value_name = "DIR")]
    pub keep: Option<std::path::PathBuf>,
    /// Address and port to serve on (default: `server.listen` of the config, 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<std::net::SocketAddr>,
    /// Print the summary and exit instead of serving the web UI.
    #[arg(long)]
    pub no_serve: bool,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: Args) -> Result<ExitCode> {
    let tmp = tempfile::Builder::new().prefix("wirewatch-demo-").tempdir()?;
    let corpus = tmp.path().join("samples");
    write_samples(&corpus)?;
    let data_dir = match &args.keep {
        Some(d) => {
            anyhow::ensure!(!d.exists(), "{} already exists; pick a new directory", d.display());
            d.clone()
        }
        None => tmp.path().join("data"),
    };
    let location = match &ctx.database {
        Some(url) => store::Location::Postgres(url.clone()),
        None => store::Location::Dir(data_dir.clone()),
    };
    let mut store = location.open().with_context(|| format!("cannot open {location}"))?;
    if location.is_postgres() {
        let held = store.document_count()?;
        anyhow::ensure!(
            held == 0,
            "the demo fills a database with the sample corpus, and {location} already holds \
             {held} documents; point --database at an empty database"
        );
    }
    // On PostgreSQL the index is the server's own, synced from the database below.
    let index_dir = (!location.is_postgres()).then_some(data_dir.as_path());
    println!("wirewatch demo: ingesting the bundled sample corpus into {location}");
    let summary = ingest_inputs(ctx, &[Input::Path(corpus.clone())], store.as_mut(), index_dir)?;
    print_summary(&summary, false)?;
    println!("\n{}", super::stats::render(&store.stats()?));
    println!("stories:");
    for st in store.stories(false, None, 20)? {
        println!(
            "  {:4} {:10} {} outlets, {} articles ({} copies): {}",
            st.id,
            st.state,
            st.outlets.len(),
            st.articles,
            st.copies,
            st.label
        );
    }
    let index = match index_dir {
        Some(dir) => store::search::SearchIndex::open(dir)?,
        None => super::search::sync_local_index(&data_dir, store.as_ref(), true)?,
    };
    let query = store::search::SearchQuery { q: "expel".into(), limit: 3, ..Default::default() };
    let found = index.search(&query)?;
    println!("\nsearch \"expel\": {} matches; the best three:", found.total);
    for h in &found.hits {
        let what = h.speaker.as_deref().or(h.title.as_deref()).unwrap_or(&h.document);
        println!("  [{}] {what}: {}", h.kind, super::search::plain(&h.snippet_html, false));
    }
    println!();
    let again = ingest_inputs(ctx, &[Input::Path(corpus)], store.as_mut(), index_dir)?;
    print!("re-ingesting the same corpus: ");
    print_summary(&again, false)?;
    if args.keep.is_some() {
        let at = match &ctx.database {
            Some(_) => format!("--database {location} --data-dir {}", data_dir.display()),
            None => format!("--data-dir {}", data_dir.display()),
        };
        println!("\nkept; look around with: wirewatch {at} stories | story ID | entities | search");
    }
    let code = exit_code(summary.failed + again.failed);
    if args.no_serve {
        return Ok(code);
    }
    let banner = match store_first_story(store.as_ref())? {
        Some(id) => format!("open the seed story: /stories/{id}"),
        None => String::new(),
    };
    drop((store, index));
    println!();
    super::serve::serve(ctx, &location, &data_dir, args.listen, false, Some(&banner))?;
    Ok(code)
}

/// The story with the most independent outlets, which in the sample corpus is the seed story.
fn store_first_story(store: &dyn AnyStore) -> Result<Option<String>> {
    let stories = store.stories(false, None, 1000)?;
    Ok(stories.into_iter().max_by_key(|s| (s.outlets.len(), s.articles)).map(|s| s.id))
}

/// Writes the embedded corpus out as files, keeping its layout.
fn write_samples(dir: &Path) -> Result<()> {
    let mut stack = vec![&SAMPLES];
    while let Some(d) = stack.pop() {
        std::fs::create_dir_all(dir.join(d.path()))?;
        for f in d.files() {
            // The corpus' own README describes it; it is not a report.
            if f.path().file_name().is_some_and(|n| n == "README.md") {
                continue;
            }
            let p = dir.join(f.path());
            std::fs::write(&p, f.contents()).with_context(|| format!("writing {}", p.display()))?;
        }
        stack.extend(d.dirs());
    }
    Ok(())
}
