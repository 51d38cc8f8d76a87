//! `wirewatch entities`, `wirewatch entity ID` and `wirewatch alias`: who is mentioned and who said
//! what across articles, and the user's overrides of entity merges and splits.

use std::process::ExitCode;
use store::prelude::*;

use analyze::entities::canonical_key;
use anyhow::{Context, Result, bail};

use super::Ctx;
use crate::output::table;

/// Arguments of `wirewatch entities`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only entities with a name or alias containing this text.
    pub query: Option<String>,
    /// At most this many.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `wirewatch entity`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The entity's id, as `wirewatch entities` lists it.
    pub id: i64,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `wirewatch alias ...`: overrides of the automatic merging, kept for later articles too.
#[derive(Debug, clap::Subcommand)]
pub enum AliasCommand {
    /// Make a spelling name an existing entity (override a missed merge).
    Merge {
        /// The spelling, e.g. "Barrack Obama".
        alias: String,
        /// The entity it names.
        #[arg(long)]
        into: i64,
    },
    /// Make a spelling an entity of its own (override a wrong merge).
    Split {
        /// The spelling.
        alias: String,
        /// Its kind.
        #[arg(long, default_value = "person", value_parser = ["person", "organization", "place"])]
        kind: String,
    },
}

/// Runs `wirewatch entities`.
pub fn list(ctx: &Ctx, args: ListArgs) -> Result<ExitCode> {
    let store = ctx.open_any_store()?;
    let list = store.entities(args.query.as_deref(), args.limit)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut rows = vec![vec![
        "ID".to_string(),
        "KIND".into(),
        "NAME".into(),
        "ALIASES".into(),
        "DOCS".into(),
        "STATEMENTS".into(),
    ]];
    for e in list {
        rows.push(vec![
            e.id.to_string(),
            e.kind,
            e.name,
            e.aliases.to_string(),
            e.documents.to_string(),
            e.statements.to_string(),
        ]);
    }
    print!("{}", table(&rows));
    Ok(ExitCode::SUCCESS)
}

/// Runs `wirewatch entity ID`.
pub fn show(ctx: &Ctx, args: ShowArgs) -> Result<ExitCode> {
    let store = ctx.open_any_store()?;
    let Some(e) = store.entity(args.id)? else { bail!("no entity {}", args.id) };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&e)?);
        return Ok(ExitCode::SUCCESS);
    }
    let s = &e.summary;
    println!(
        "{} ({}, id {}): {} documents, {} statements",
        s.name, s.kind, s.id, s.documents, s.statements
    );
    if !e.roles.is_empty() {
        println!("roles: {}", e.roles.join("; "));
    }
    println!("\naliases:");
    for a in &e.alias_list {
        println!("  {} [{}] {}", a.alias, a.source, a.evidence.as_deref().unwrap_or(""));
    }
    if !e.statement_list.is_empty() {
        println!("\nstatements:");
        for st in &e.statement_list {
            let via = st.via.as_deref().map(|v| format!(" via {v}")).unwrap_or_default();
            println!(
                "  {} {} ({}{}; {}): {}",
                &st.fetched_at[..st.fetched_at.len().min(10)],
                st.kind,
                st.cue.as_deref().unwrap_or("-"),
                via,
                st.title.as_deref().unwrap_or(&st.document),
                st.text
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `wirewatch alias ...`.
pub fn alias(ctx: &Ctx, cmd: AliasCommand) -> Result<ExitCode> {
    let mut store = ctx.open_any_store()?;
    match cmd {
        AliasCommand::Merge { alias, into } => {
            let key = canonical_key(&alias);
            anyhow::ensure!(!key.is_empty(), "{alias:?} is not a usable name");
            store
                .merge_alias(&alias, &key, into)
                .with_context(|| format!("cannot merge {alias:?} into entity {into}"))?;
            println!("{alias:?} now names entity {into}");
        }
        AliasCommand::Split { alias, kind } => {
            let key = canonical_key(&alias);
            let id = store
                .split_alias(&alias, &key, &kind)
                .with_context(|| format!("cannot split {alias:?}"))?;
            println!("{alias:?} is now entity {id} of its own");
        }
    }
    // Mentions moved to another entity: the search index's entity filter follows (the
    // embedded store's index; on PostgreSQL each server's and `search`'s index follows the
    // database by itself).
    drop(store);
    if ctx.database.is_none() {
        crate::index::refresh(&ctx.open_store()?);
    }
    Ok(ExitCode::SUCCESS)
}
