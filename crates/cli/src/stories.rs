//! Story assignment during ingest and poll: the same `Clusterer` as `wirewatch cluster`, fed in
//! arrival order after each committed batch, its stories saved to the store and revived from it
//! when the next run starts.

use std::collections::BTreeSet;
use store::prelude::*;

use analyze::stories::{ClusterDoc, Clusterer, StoryConfig, StoryState, StoryStatus};
use anyhow::Result;
use chrono::{DateTime, Utc};
use model::{IngestOutcome, RawDocument, StoryAssignment, StoryRecord};
use store::AnyStore;

/// The clustering state of one ingest or poll run.
pub struct StoryAssigner {
    clusterer: Clusterer,
    /// Whether stories go quiet by the wall clock (polling live feeds) or only by the number of
    /// later arrivals (ingesting files, whose publication times come in any order).
    live: bool,
}

impl StoryAssigner {
    /// Starts from the stories the store holds that are not quiet.
    pub fn open(store: &dyn AnyStore, cfg: &StoryConfig, live: bool) -> Result<StoryAssigner> {
        let mut clusterer = Clusterer::new(cfg.clone());
        clusterer.resume_ids(store.max_story_number()? + 1);
        for record in store.live_stories()? {
            // A state written by an older clustering version may not parse: that story stays in
            // the store, it just cannot attract new articles.
            if let Ok(state) = serde_json::from_str::<StoryState>(&record.state_json) {
                clusterer.revive(state);
            }
        }
        Ok(StoryAssigner { clusterer, live })
    }

    /// Assigns the documents of a committed batch that are new (or not yet in a story) and saves
    /// the stories they touched.
    pub fn assign(
        &mut self,
        store: &mut dyn AnyStore,
        docs: &[RawDocument],
        outcomes: &[IngestOutcome],
    ) -> Result<()> {
        let (records, assignments) = self.plan(store, docs, outcomes)?;
        if !records.is_empty() || !assignments.is_empty() {
            store.save_stories(&records, &assignments)?;
        }
        Ok(())
    }

    /// Assigns the documents of a batch as [`StoryAssigner::assign`] does, and returns the
    /// stories touched and the assignments for the caller to save (a worker saves them with its
    /// progress mark, under its lease).
    pub fn plan(
        &mut self,
        store: &dyn AnyStore,
        docs: &[RawDocument],
        outcomes: &[IngestOutcome],
    ) -> Result<(Vec<StoryRecord>, Vec<StoryAssignment>)> {
        let mut assignments = Vec::new();
        let mut touched = BTreeSet::new();
        // Within a batch, earliest publication first (undated last, arrival order kept among
        // equals): files and archives arrive in path order, and the earliest report of a copy
        // family must be seen first to be its origin.
        let mut order: Vec<(ClusterDoc, &RawDocument, &IngestOutcome)> =
            docs.iter().zip(outcomes).map(|(d, o)| (cluster_doc(d), d, o)).collect();
        order.sort_by_key(|(c, _, _)| (c.time.is_none(), c.time));
        for (cdoc, doc, outcome) in order {
            let fresh = *outcome == IngestOutcome::New
                || !store.has_story(doc.key.as_str()).unwrap_or(true);
            if !fresh {
                continue;
            }
            let a = self.clusterer.add(&cdoc);
            // A retroactive split or reassignment moves earlier articles to another story:
            // their stored assignments move too (the store marks both stories' findings for
            // redoing, and deletes a story left with no article as merged).
            for m in self.clusterer.take_moves() {
                touched.insert(m.from);
                touched.insert(m.to.clone());
                assignments.push(StoryAssignment {
                    document: m.article,
                    story: m.to,
                    duplicate_of: m.duplicate_of,
                    wire_agency: m.wire_agency,
                });
            }
            touched.insert(a.cluster.clone());
            assignments.push(StoryAssignment {
                document: doc.key.0.clone(),
                story: a.cluster,
                duplicate_of: a.duplicate_of,
                wire_agency: a.wire_agency,
            });
        }
        let mut records: Vec<StoryRecord> =
            touched.iter().filter_map(|id| self.clusterer.story(id)).map(record).collect();
        let now = self.live.then(Utc::now);
        records.extend(self.clusterer.evict_quiet(now).iter().map(record));
        Ok((records, assignments))
    }
}

fn cluster_doc(doc: &RawDocument) -> ClusterDoc {
    let a = doc.analysis.as_ref();
    let published = a
        .and_then(|a| a.published.as_deref())
        .and_then(|p| DateTime::parse_from_rfc3339(p).ok())
        .map(|t| t.with_timezone(&Utc))
        .or(doc.published);
    ClusterDoc {
        id: doc.key.0.clone(),
        // Publication time only: a fetch time says when we read an archive, not when the event
        // was reported, and clustering degrades gracefully without a time.
        time: published,
        source: doc.outlet.clone(),
        title: a.and_then(|a| a.title.clone()).or_else(|| doc.title.clone()),
        text: a.map(|a| a.body.clone()).or_else(|| Some(doc.content.clone())),
        entities: a
            .map(|a| a.entities.iter().map(|e| e.name.clone()).collect())
            .unwrap_or_default(),
    }
}

fn record(s: &StoryState) -> StoryRecord {
    let t = |d: Option<DateTime<Utc>>| d.map(|d| d.to_rfc3339());
    StoryRecord {
        id: s.id.clone(),
        label: s.label.clone(),
        first_seen: t(s.first_seen),
        last_updated: t(s.last_updated),
        state: match s.state {
            StoryStatus::Developing => "developing",
            StoryStatus::Breaking => "breaking",
            StoryStatus::Quiet => "quiet",
        }
        .to_string(),
        breaking_since: t(s.breaking_since),
        articles: s.articles.len() as u64,
        copies: s.copies as u64,
        outlets: s.outlets.clone(),
        entities: s.entities.clone(),
        state_json: serde_json::to_string(s).unwrap_or_default(),
    }
}
