//! `wirewatch search QUERY` (full-text search with filters) and `wirewatch reindex` (rebuild the
//! search index from the store).
//!
//! On PostgreSQL the index is this machine's own, in the data directory: `search` first brings it
//! up to date from the database (unless a server on this machine keeps it, then it only reads
//! it), and `reindex` rebuilds it from the database.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use store::prelude::*;

use anyhow::{Context, Result};
use store::search::{SearchIndex, SearchQuery, SearchWriter};

use super::Ctx;
use crate::output::progress;

/// Arguments of `wirewatch search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The query: words (all must match; English words match their inflections), "a phrase",
    /// OR, -word, field:word (title, body, speaker, via, outlet, language, story, kind), and
    /// `published:[2024-01-01T00:00:00Z TO *]`. Several arguments are joined with spaces; ""
    /// matches everything, newest first.
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// Only items published at or after this time (RFC 3339, or a date like 2016-12-30).
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// Only items published at or before this time (RFC 3339, or a date: up to its end).
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// Only this outlet (its whole name, any case).
    #[arg(long)]
    pub outlet: Option<String>,
    /// Only articles mentioning this entity and statements it made (an id from `wirewatch
    /// entities`).
    #[arg(long, value_name = "ID")]
    pub entity: Option<i64>,
    /// Only this story (an id from `wirewatch stories`, e.g. s3).
    #[arg(long, value_name = "ID")]
    pub story: Option<String>,
    /// Only this language (a code such as en).
    #[arg(long, value_name = "CODE")]
    pub language: Option<String>,
    /// At most this many hits.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Skip this many hits (for the next page).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Print the results as JSON (`{"total", "hits": [...]}`, snippets as HTML).
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `wirewatch reindex`.
#[derive(Debug, clap::Args)]
pub struct ReindexArgs {
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `wirewatch search`.
pub fn search(ctx: &Ctx, args: SearchArgs) -> Result<ExitCode> {
    let index = if ctx.database.is_some() {
        follow_database(ctx)?
    } else {
        SearchIndex::open(&ctx.data_dir).with_context(|| {
            format!("cannot open the search index of {}", ctx.data_dir.display())
        })?
    };
    let query = SearchQuery {
        q: args.query.join(" "),
        from: args.from,
        to: args.to,
        outlet: args.outlet,
        entity: args.entity,
        story: args.story,
        language: args.language,
        limit: args.limit,
        offset: args.offset,
    };
    let results = index.search(&query)?;
    if results.total == 0 && index.article_count()? == 0 {
        let stored = ctx.open_any_store()?.document_count()?;
        if stored > 0 {
            eprintln!(
                "note: the search index is empty but the store holds {stored} documents; run \
                 `wirewatch reindex` to build it"
            );
        }
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&results)?);
        return Ok(ExitCode::SUCCESS);
    }
    let bold = std::io::stdout().is_terminal();
    println!("{} {}", results.total, if results.total == 1 { "match" } else { "matches" });
    for (i, h) in results.hits.iter().enumerate() {
        let date: String = h.published.as_deref().unwrap_or("-").chars().take(10).collect();
        let mut head = format!("{:>3}. [{}] {date}", i + query.offset + 1, h.kind);
        for part in [&h.outlet, &h.story].into_iter().flatten() {
            head.push_str("  ");
            head.push_str(part);
        }
        println!("\n{head}");
        if let Some(t) = &h.title {
            println!("     {t}");
        }
        let snippet = plain(&h.snippet_html, bold);
        match &h.speaker {
            Some(s) => println!("     {s}: “{snippet}”"),
            None if !snippet.is_empty() => println!("     {snippet}"),
            None => {}
        }
        println!("     {}", h.document);
    }
    Ok(ExitCode::SUCCESS)
}

/// On PostgreSQL: the local index, brought up to date from the database unless another process
/// (a server on this machine) writes it.
fn follow_database(ctx: &Ctx) -> Result<SearchIndex> {
    let store = ctx.open_any_store()?;
    sync_local_index(&ctx.data_dir, store.as_ref(), ctx.quiet)
}

/// The index in `dir` brought up to date from `store`, or as it is when another process writes
/// it (and so keeps it current).
pub fn sync_local_index(dir: &Path, store: &dyn Database, quiet: bool) -> Result<SearchIndex> {
    let shown = || format!("the search index of {}", dir.display());
    let (mut writer, _) = match SearchWriter::open(dir) {
        Ok(w) => w,
        Err(store::Error::IndexBusy { .. }) => {
            return SearchIndex::open(dir).with_context(|| format!("cannot open {}", shown()));
        }
        Err(e) => return Err(e).with_context(|| format!("cannot open {}", shown())),
    };
    let pb = progress(0, quiet, "syncing search index");
    writer
        .sync(store, &mut |done, todo| {
            pb.set_length(todo);
            pb.set_position(done);
        })
        .with_context(|| format!("cannot bring {} up to date", shown()))?;
    pb.finish_and_clear();
    let index = writer.index().clone();
    writer.finish()?;
    index.reload()?;
    Ok(index)
}

/// Runs `wirewatch reindex`.
pub fn reindex(ctx: &Ctx, args: ReindexArgs) -> Result<ExitCode> {
    let store = ctx.open_any_store()?;
    let (mut writer, replaced) = SearchWriter::open(&ctx.data_dir)
        .with_context(|| format!("cannot open the search index of {}", ctx.data_dir.display()))?;
    if let Some(reason) = replaced {
        eprintln!("note: the search index {reason}; it was replaced by an empty one");
    }
    let pb = progress(0, ctx.quiet, "reindex");
    let report = writer.rebuild(store.as_ref(), &mut |done, todo| {
        pb.set_length(todo);
        pb.set_position(done);
    })?;
    pb.finish_and_clear();
    writer.finish()?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("indexed {} documents; the search index holds {}", report.indexed, report.total);
    }
    Ok(ExitCode::SUCCESS)
}

/// A snippet's HTML as terminal text: entities decoded, matches in bold on a terminal and in
/// `*stars*` otherwise.
pub fn plain(html: &str, bold: bool) -> String {
    let (on, off) = if bold { ("\x1b[1m", "\x1b[0m") } else { ("*", "*") };
    html.replace("<b>", on)
        .replace("</b>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_decodes_after_marking() {
        assert_eq!(
            super::plain("&lt;b&gt; &amp;lt; <b>expel</b>", false),
            "<b> &lt; *expel*".to_string()
        );
    }
}
