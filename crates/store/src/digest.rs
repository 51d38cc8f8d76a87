//! Story digests: what a story page shows beyond the story record (articles in time order,
//! coverage by outlet, who said what), computed from the stored articles and statements.
//!
//! A digest is computed when a story's findings and timeline are saved (same transaction) and
//! stored in `story_digests`; schema triggers delete it whenever what it is made of changes (an
//! article joins or leaves, an analysis is redone, a speaker's entity is merged or split), so a
//! stored digest is always current and a missing one is computed live by the reader.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::Result;
use crate::db::{self, Database};
use crate::sql::{Sql, params};
use crate::stories::{story_documents_in, story_in, story_statements_in};
use model::digest::{
    ArticleRef, CARRIERS_SHOWN, COVERAGE_OUTLETS, COVERAGE_STEPS, Carried, CarriedBy,
    CoveragePoint, OutletCoverage, SPEAKERS_SHOWN, STATEMENTS_SHOWN, SpeakerGroup, StoryDigest,
};

/// Seconds since the epoch of an RFC 3339 time (`i64::MAX` when unreadable, so it sorts last).
fn instant(t: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(t).map(|t| t.timestamp()).unwrap_or(i64::MAX)
}

/// Story digests, on either backend.
pub trait DigestStore: Database {
    /// The stored digest of a story, if it is current (see the module docs).
    fn story_digest(&self, id: &str) -> Result<Option<StoryDigest>> {
        let row = db::read(self, |db| {
            db.query_opt("SELECT digest FROM story_digests WHERE story_id = ?1", params![id])
        })?;
        Ok(match row {
            Some(r) => Some(serde_json::from_str(&r.get::<String>(0)?)?),
            None => None,
        })
    }

    /// Computes a story's digest from the store, with every article of it in time order; `None`
    /// when there is no such story.
    fn compute_story_digest(&self, id: &str) -> Result<Option<(StoryDigest, Vec<ArticleRef>)>> {
        db::read(self, |db| compute(db, id))
    }

    /// The listed facts of the articles with these document ids, in the order given (ids not
    /// stored are skipped).
    fn article_refs(&self, ids: &[i64]) -> Result<Vec<ArticleRef>> {
        db::read(self, |db| {
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let row = db.query_opt(
                    "SELECT d.id, d.key, coalesce(a.title, v.title), d.outlet,
                            coalesce(a.published, v.published), d.first_seen, sa.duplicate_of,
                            (SELECT c.id FROM documents c WHERE c.key = sa.duplicate_of),
                            sa.wire_agency, d.latest_version
                       FROM documents d
                       JOIN versions v ON v.document_id = d.id AND v.version = d.latest_version
                       LEFT JOIN articles a ON a.version_id = v.id
                       LEFT JOIN story_articles sa ON sa.document_id = d.id
                      WHERE d.id = ?1",
                    params![*id],
                )?;
                if let Some(mut r) = row {
                    out.push(ArticleRef {
                        id: r.get(0)?,
                        key: r.take(1)?,
                        title: r.take(2)?,
                        outlet: r.take(3)?,
                        published: r.take(4)?,
                        first_seen: r.take(5)?,
                        copy_of: r.take(6)?,
                        copy_of_id: r.get(7)?,
                        wire_agency: r.take(8)?,
                        versions: r.get(9)?,
                    });
                }
            }
            Ok(out)
        })
    }

    /// Document ids by key, for the keys that are stored.
    fn document_ids(&self, keys: &[&str]) -> Result<HashMap<String, i64>> {
        db::read(self, |db| {
            let mut out = HashMap::new();
            for k in keys {
                if out.contains_key(*k) {
                    continue;
                }
                if let Some(r) =
                    db.query_opt("SELECT id FROM documents WHERE key = ?1", params![*k])?
                {
                    out.insert(k.to_string(), r.get(0)?);
                }
            }
            Ok(out)
        })
    }
}

impl<T: Database + ?Sized> DigestStore for T {}

pub(crate) fn save(db: &mut dyn Sql, story: &str, now: &str) -> Result<()> {
    match compute(db, story)? {
        Some((digest, _)) => {
            db.execute(
                "INSERT INTO story_digests (story_id, digest, updated) VALUES (?1, ?2, ?3)
                 ON CONFLICT (story_id) DO UPDATE SET
                     digest = excluded.digest, updated = excluded.updated",
                params![story, &serde_json::to_string(&digest)?, now],
            )?;
        }
        None => {
            db.execute("DELETE FROM story_digests WHERE story_id = ?1", params![story])?;
        }
    }
    Ok(())
}

fn compute(db: &mut dyn Sql, id: &str) -> Result<Option<(StoryDigest, Vec<ArticleRef>)>> {
    let Some((_, raw)) = story_in(db, id)? else { return Ok(None) };
    let ids = story_documents_in(db, id)?;
    let all: Vec<ArticleRef> = raw
        .iter()
        .filter_map(|a| {
            let (id, versions) = *ids.get(a.document.as_str())?;
            Some(ArticleRef {
                id,
                key: a.document.clone(),
                title: a.title.clone(),
                outlet: a.outlet.clone(),
                published: a.published.clone(),
                first_seen: a.first_seen.clone(),
                copy_of: a.duplicate_of.clone(),
                copy_of_id: a.duplicate_of.as_deref().and_then(|k| ids.get(k)).map(|v| v.0),
                wire_agency: a.wire_agency.clone(),
                versions,
            })
        })
        .collect();
    let first_report = all.iter().find(|a| a.copy_of.is_none()).cloned();

    let mut outlets: BTreeMap<String, OutletCoverage> = BTreeMap::new();
    for a in &all {
        let name = a.outlet.clone().unwrap_or_else(|| "(unknown)".into());
        let t = instant(a.time());
        let o = outlets.entry(name.clone()).or_insert(OutletCoverage {
            outlet: name,
            articles: 0,
            copies: 0,
            first: None,
            first_report: false,
        });
        o.articles += 1;
        o.copies += usize::from(a.copy_of.is_some());
        if o.first.as_deref().is_none_or(|f| t < instant(f)) {
            o.first = Some(a.time().to_string());
        }
        if first_report.as_ref().is_some_and(|f| f.id == a.id) {
            o.first_report = true;
        }
    }
    let mut outlets: Vec<OutletCoverage> = outlets.into_values().collect();
    outlets
        .sort_by_key(|o| (o.first.as_deref().map(instant).unwrap_or(i64::MAX), o.outlet.clone()));
    let coverage = coverage(&outlets, &all);
    let (speakers, speakers_total) = speakers(db, id, &all)?;
    let digest = StoryDigest {
        first_report,
        order: all.iter().map(|a| a.id).collect(),
        outlets,
        coverage,
        speakers,
        speakers_total,
    };
    Ok(Some((digest, all)))
}

/// The plot's points: articles of the [`COVERAGE_OUTLETS`] busiest outlets, merged per outlet,
/// kind (copy or not) and step of the time axis ([`COVERAGE_STEPS`] steps over the story's span).
fn coverage(outlets: &[OutletCoverage], all: &[ArticleRef]) -> Vec<CoveragePoint> {
    let times: Vec<i64> =
        all.iter().map(|a| instant(a.time())).filter(|t| *t != i64::MAX).collect();
    let (Some(&min), Some(&max)) = (times.iter().min(), times.iter().max()) else {
        return Vec::new();
    };
    let step = ((max - min).max(60) as f64 / COVERAGE_STEPS as f64).max(1.0);
    let mut busiest: Vec<&OutletCoverage> = outlets.iter().collect();
    busiest.sort_by_key(|o| std::cmp::Reverse(o.articles));
    busiest.truncate(COVERAGE_OUTLETS);
    let shown: HashSet<&str> = busiest.iter().map(|o| o.outlet.as_str()).collect();
    // (outlet, step, copy) -> point (earliest time, count)
    let mut points: BTreeMap<(String, i64, bool), CoveragePoint> = BTreeMap::new();
    for a in all {
        let outlet = a.outlet.as_deref().unwrap_or("(unknown)");
        let t = instant(a.time());
        if t == i64::MAX || !shown.contains(outlet) {
            continue;
        }
        let copy = a.copy_of.is_some();
        let k = ((t - min) as f64 / step) as i64;
        let p = points.entry((outlet.to_string(), k, copy)).or_insert(CoveragePoint {
            outlet: outlet.to_string(),
            instant: t,
            copy,
            count: 0,
        });
        p.count += 1;
        p.instant = p.instant.min(t);
    }
    points.into_values().collect()
}

/// Who said what, by speaker: the most prolific [`SPEAKERS_SHOWN`] speakers, each with their
/// [`STATEMENTS_SHOWN`] most carried statements; and how many speakers there are.
fn speakers(
    db: &mut dyn Sql,
    story: &str,
    articles: &[ArticleRef],
) -> Result<(Vec<SpeakerGroup>, usize)> {
    // speaker key -> (name, entity, statement key -> carried)
    type Group = (String, Option<i64>, BTreeMap<String, Carried>);
    let by_id: HashMap<i64, &ArticleRef> = articles.iter().map(|a| (a.id, a)).collect();
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for s in story_statements_in(db, story)? {
        let Some(a) = by_id.get(&s.document_id) else { continue };
        let name = s
            .speaker_name
            .clone()
            .or(s.speaker.clone())
            .unwrap_or_else(|| "unattributed".to_string());
        let gkey = match s.entity {
            Some(e) => format!("#{e}"),
            None => name.to_lowercase(),
        };
        let g = groups.entry(gkey).or_insert_with(|| (name, s.entity, BTreeMap::new()));
        let skey = s.text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        let c = g.2.entry(skey).or_insert_with(|| Carried {
            text: s.text.clone(),
            kind: s.kind.clone(),
            cue: s.cue.clone(),
            via: Vec::new(),
            outlets: Vec::new(),
            carried_by: Vec::new(),
            carried_total: 0,
            outlets_total: 0,
            first: None,
        });
        if let Some(v) = &s.via
            && !c.via.contains(v)
        {
            c.via.push(v.clone());
        }
        // Rows come article by article, so a repeat within one article is the last entry; the
        // outlets are made distinct once, below (a statement may be carried thousands of times).
        if c.carried_by.last().is_none_or(|b| b.article != a.id) {
            c.carried_by.push(CarriedBy { article: a.id, outlet: a.outlet.clone() });
            if let Some(o) = &a.outlet {
                c.outlets.push(o.clone());
            }
        }
        if c.first.as_deref().is_none_or(|f| instant(a.time()) < instant(f)) {
            c.first = Some(a.time().to_string());
        }
    }
    let total = groups.len();
    let mut out: Vec<SpeakerGroup> = groups
        .into_values()
        .map(|(speaker, entity, st)| {
            let mut statements: Vec<Carried> = st.into_values().collect();
            let statements_total = statements.len();
            // The most carried first to choose what is shown, then earliest first to read.
            statements.sort_by_key(|c| std::cmp::Reverse(c.carried_by.len()));
            statements.truncate(STATEMENTS_SHOWN);
            statements.sort_by_key(|c| c.first.as_deref().map(instant).unwrap_or(i64::MAX));
            for c in &mut statements {
                let mut seen = HashSet::new();
                c.outlets.retain(|o| seen.insert(o.clone()));
                c.carried_total = c.carried_by.len();
                c.outlets_total = c.outlets.len();
                c.carried_by.truncate(CARRIERS_SHOWN);
                c.outlets.truncate(CARRIERS_SHOWN);
            }
            SpeakerGroup { speaker, entity, statements, statements_total }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.speaker == "unattributed")
            .cmp(&(b.speaker == "unattributed"))
            .then(b.statements_total.cmp(&a.statements_total))
            .then(a.speaker.cmp(&b.speaker))
    });
    out.truncate(SPEAKERS_SHOWN);
    Ok((out, total))
}
