//! `wirewatch stories` and `wirewatch story ID`: stored stories, their articles, outlets, first
//! report and copies.

use std::process::ExitCode;
use store::prelude::*;

use anyhow::{Result, bail};

use super::Ctx;
use crate::output::table;

/// Arguments of `wirewatch stories`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only stories flagged as breaking.
    #[arg(long)]
    pub breaking: bool,
    /// Only stories updated at or after this time (RFC 3339, or a date like 2016-12-30).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// At most this many.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `wirewatch story`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The story's id, as `wirewatch stories` lists it (e.g. s3).
    pub id: String,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also show what changed: reversals, contradictions, overstatements and corrections found
    /// between the claims of the story's articles and versions (JSON: under `findings`).
    #[arg(long)]
    pub changes: bool,
    /// Also show the timeline: statements and claims in order, who reported each first, who
    /// repeated or copied it (JSON: under `timeline`).
    #[arg(long)]
    pub timeline: bool,
}

/// Runs `wirewatch stories`.
pub fn list(ctx: &Ctx, args: ListArgs) -> Result<ExitCode> {
    let store = ctx.open_any_store()?;
    if let Some(s) = &args.since {
        let ok = chrono::DateTime::parse_from_rfc3339(s).is_ok()
            || chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok();
        anyhow::ensure!(ok, "--since {s:?}: expected RFC 3339 or YYYY-MM-DD");
    }
    let stories = store.stories(args.breaking, args.since.as_deref(), args.limit)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&stories)?);
        return Ok(ExitCode::SUCCESS);
    }
    if stories.is_empty() {
        println!("no stories");
        return Ok(ExitCode::SUCCESS);
    }
    let mut rows = vec![vec![
        "ID".to_string(),
        "STATE".into(),
        "OUTLETS".into(),
        "ARTICLES".into(),
        "LAST UPDATE".into(),
        "LABEL".into(),
    ]];
    for s in stories {
        rows.push(vec![
            s.id,
            s.state,
            s.outlets.len().to_string(),
            format!("{} ({} copies)", s.articles, s.copies),
            s.last_updated.map(|t| t.chars().take(16).collect()).unwrap_or_else(|| "-".into()),
            s.label,
        ]);
    }
    print!("{}", table(&rows));
    Ok(ExitCode::SUCCESS)
}

/// Runs `wirewatch story ID`.
pub fn show(ctx: &Ctx, args: ShowArgs) -> Result<ExitCode> {
    let store = ctx.open_any_store()?;
    let mut found = store.story(&args.id)?;
    // A story clustering merged into another: follow it, as the web pages redirect.
    if found.is_none()
        && let Some(to) = store.merged_into(&args.id)?
    {
        eprintln!("story {} was merged into {to}; showing {to}", args.id);
        found = store.story(&to)?;
    }
    let Some((story, articles)) = found else {
        bail!("no story {:?}; `wirewatch stories` lists them", args.id)
    };
    let findings = if args.changes { store.findings(&story.id)? } else { Vec::new() };
    let timeline = if args.timeline { store.timeline(&story.id)? } else { Vec::new() };
    if args.json {
        let mut v = serde_json::json!({ "story": story, "articles": articles });
        if args.changes {
            v["findings"] = serde_json::to_value(&findings)?;
        }
        if args.timeline {
            v["timeline"] = serde_json::to_value(&timeline)?;
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{} [{}] {}", story.id, story.state, story.label);
    println!(
        "first seen {}, last updated {}; {} articles, {} copies, {} independent outlets",
        story.first_seen.as_deref().unwrap_or("-"),
        story.last_updated.as_deref().unwrap_or("-"),
        story.articles,
        story.copies,
        story.outlets.len()
    );
    if let Some(b) = &story.breaking_since {
        println!("breaking since {b}");
    }
    if !story.entities.is_empty() {
        println!("most involved: {}", story.entities.join(", "));
    }
    if let Some(first) = articles.iter().find(|a| a.duplicate_of.is_none()) {
        println!("first report: {} ({})", first.outlet.as_deref().unwrap_or("?"), first.document);
    }
    println!();
    let mut rows =
        vec![vec!["PUBLISHED".to_string(), "OUTLET".into(), "TITLE".into(), "COPY OF".into()]];
    for a in &articles {
        rows.push(vec![
            a.published.as_deref().unwrap_or(&a.first_seen).chars().take(16).collect(),
            a.outlet.clone().unwrap_or_default(),
            a.title.clone().unwrap_or_else(|| a.document.clone()),
            a.duplicate_of
                .clone()
                .map(|d| match &a.wire_agency {
                    Some(w) => format!("{d} ({w})"),
                    None => d,
                })
                .unwrap_or_default(),
        ]);
    }
    print!("{}", table(&rows));
    if args.timeline {
        println!("\ntimeline ({} entries):", timeline.len());
        for e in &timeline {
            let who = match (&e.speaker, &e.via) {
                (Some(s), Some(v)) => format!("{s} (via {v}): "),
                (Some(s), None) => format!("{s}: "),
                (None, Some(v)) => format!("(via {v}) "),
                (None, None) => String::new(),
            };
            println!(
                "  {} {} {}{}“{}”",
                e.time
                    .as_deref()
                    .map(|t| t.chars().take(16).collect::<String>())
                    .unwrap_or_else(|| "-".into()),
                e.first.outlet.as_deref().unwrap_or("?"),
                if e.kind == "claim" { "reports " } else { "" },
                who,
                e.text
            );
            // Stored timelines list the first few reports and count them all.
            let outlets = |r: &[model::TimelineReport], total: usize| {
                let mut s = r
                    .iter()
                    .map(|r| r.outlet.clone().unwrap_or_else(|| r.article.clone()))
                    .collect::<Vec<_>>()
                    .join(", ");
                if total > r.len() {
                    s.push_str(&format!(" and {} more", total - r.len()));
                }
                s
            };
            if !e.repeated_by.is_empty() {
                println!("      repeated by {}", outlets(&e.repeated_by, e.repeats));
            }
            if !e.copied_by.is_empty() {
                println!("      copied by {}", outlets(&e.copied_by, e.copies));
            }
            if let Some(s) = &e.superseded {
                println!("      superseded: {s}");
            }
            if !e.repeated_after_correction.is_empty() {
                println!("      repeated after that by {}", e.repeated_after_correction.join(", "));
            }
        }
    }
    if args.changes {
        println!("\nwhat changed ({} findings):", findings.len());
        for f in &findings {
            println!(
                "  {} ({:.2}): {}\n    {}: “{}”\n    {}: “{}”",
                f.kind,
                f.confidence,
                f.explanation,
                f.first.outlet.as_deref().unwrap_or(&f.first.article),
                f.first.text,
                f.second.outlet.as_deref().unwrap_or(&f.second.article),
                f.second.text
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
