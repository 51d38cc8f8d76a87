//! Named entities in one article (people, organisations, places) with roles, affiliations and
//! in-document coreference, plus cross-article canonical keys and spelling-variant merging.
//!
//! Rules and small gazetteers only (see `gazetteer`): capitalised runs are mentions; titles,
//! organisation words, outlet and place lists and first names decide the kind; surnames, role
//! phrases ("the Russian President") and one-edit spelling variants link mentions to one entity.

use crate::gazetteer as gz;
use crate::text::{Doc, TokKind, slice};
use model::names::variant_evidence_keys;
use serde::Serialize;
use std::collections::HashMap;

/// Kind of entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A person.
    Person,
    /// An organisation, including news agencies and outlets.
    Organization,
    /// A place (country, region, city).
    Place,
}

/// One mention of an entity: character span and surface text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    /// First character (code point index).
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// Surface text.
    pub text: String,
}

/// An entity of one document.
#[derive(Debug, Clone, Serialize)]
pub struct Entity {
    /// Document-local id: `e1`, `e2`, ...
    pub id: String,
    /// Canonical name within the document (the fullest, best-attested spelling).
    pub name: String,
    /// Person, organisation or place.
    pub kind: EntityKind,
    /// Other surface forms seen (surname alone, spelling variants, role phrases).
    pub aliases: Vec<String>,
    /// Every mention.
    pub mentions: Vec<Mention>,
    /// Role given by the text ("foreign minister"), if any.
    pub role: Option<String>,
    /// Affiliation given by the text ("Russia"), if any.
    pub affiliation: Option<String>,
}

/// Entities of one document plus a token → entity map for the quote rules.
#[derive(Debug, Clone, Default)]
pub struct EntitySet {
    /// The entities, ids in order of first mention.
    pub entities: Vec<Entity>,
    /// For each token, the entity index it belongs to (if in a mention).
    pub tok_entity: Vec<Option<usize>>,
}

impl EntitySet {
    /// The entity of the first mention overlapping the token range `[a, b)`, people first.
    pub fn entity_in(&self, a: usize, b: usize) -> Option<usize> {
        let b = b.min(self.tok_entity.len());
        let mut found = None;
        for i in a.min(b)..b {
            if let Some(e) = self.tok_entity[i] {
                if self.entities[e].kind == EntityKind::Person {
                    return Some(e);
                }
                found.get_or_insert(e);
            }
        }
        found
    }

    /// The person whose role matches `role` (and `affil`, when given), most mentioned first.
    pub fn person_with_role(&self, role: &str, affil: Option<&str>) -> Option<usize> {
        let mut best: Option<(usize, usize)> = None;
        for (i, e) in self.entities.iter().enumerate() {
            if e.kind != EntityKind::Person {
                continue;
            }
            let Some(r) = &e.role else { continue };
            if !r.split(' ').any(|w| w == role) {
                continue;
            }
            if let (Some(a), Some(ea)) = (affil, &e.affiliation)
                && a != ea
            {
                continue;
            }
            if best.is_none_or(|(_, n)| e.mentions.len() > n) {
                best = Some((i, e.mentions.len()));
            }
        }
        best.map(|b| b.0)
    }
}

/// Organisation words that alone name no organisation ("News agency", "the Department").
const GENERIC_ORG: &[&str] = &[
    "news",
    "department",
    "ministry",
    "agency",
    "party",
    "committee",
    "council",
    "company",
    "group",
    "office",
    "service",
    "university",
    "court",
    "campaign",
    "administration",
    "embassy",
    "consulate",
    "bank",
    "union",
    "press",
    "times",
    "post",
    "journal",
    "network",
    "television",
    "radio",
    "board",
    "center",
    "fund",
    "foundation",
    "institute",
    "association",
    "church",
    "school",
    "club",
    "house",
    "commission",
    "government",
    "state",
    "federal",
];

struct Raw {
    ts: usize,
    te: usize,
    start: usize,
    end: usize,
    text: String,
    kind: Option<EntityKind>,
    role: Option<String>,
    affil: Option<String>,
    /// A role phrase ("the Russian President") rather than a name.
    role_phrase: bool,
}

fn strip_poss(s: &str) -> (&str, bool) {
    for suf in ["'s", "’s"] {
        if let Some(x) = s.strip_suffix(suf) {
            return (x, true);
        }
    }
    if let Some(x) = s.strip_suffix('\'').or_else(|| s.strip_suffix('’'))
        && x.ends_with('s')
    {
        return (x, true);
    }
    (s, false)
}

fn is_name_word(doc: &Doc, i: usize) -> bool {
    let t = &doc.toks[i];
    if t.kind != TokKind::Word {
        return false;
    }
    let first = t.text.chars().next().unwrap_or(' ');
    first.is_uppercase() || (first.is_ascii_digit() && t.text.contains('-'))
}

/// Find entities in a tokenised document.
pub fn find_entities(doc: &Doc) -> EntitySet {
    let toks = &doc.toks;
    let mut raws: Vec<Raw> = Vec::new();
    // How often each capitalised word occurs: a surname also occurs alone.
    let mut cap_counts: HashMap<&str, usize> = HashMap::new();
    for t in toks.iter().filter(|t| t.is_cap()) {
        *cap_counts.entry(strip_poss(&t.text).0).or_insert(0) += 1;
    }
    let mut i = 0;
    while i < toks.len() {
        if !is_name_word(doc, i) {
            i += 1;
            continue;
        }
        // Collect a capitalised run, allowing "of"/"for"/"de" between capitals in names.
        let s = i;
        let mut e = i;
        while e < toks.len() && toks[e].sent == toks[s].sent {
            if is_name_word(doc, e) {
                let poss = strip_poss(&toks[e].text).1 && toks[e].text.len() > 2;
                e += 1;
                if poss {
                    break;
                }
                continue;
            }
            if matches!(toks[e].lower.as_str(), "of" | "for" | "de" | "al" | "bin" | "van" | "von")
                && e + 1 < toks.len()
                && is_name_word(doc, e + 1)
                && e > s
                && gz::is_org_word(&toks[e - 1].lower)
            {
                e += 1;
                continue;
            }
            break;
        }
        i = e;
        let mut a = s;
        let b = e;
        // Drop common capitalised words at the start of the run, unless the run is a known
        // place or outlet ("New York", "The Washington Post").
        let known = |a: usize| {
            let t =
                slice(&doc.chars, toks[a].start, toks[b - 1].end).to_lowercase().replace('’', "'");
            let t = strip_poss(&t).0.to_string();
            gz::is_place(&t) || gz::is_outlet(&t)
        };
        while a < b
            && (gz::is_common_cap(&toks[a].lower) || gz::is_month_or_day(&toks[a].lower))
            && !known(a)
        {
            a += 1;
        }
        if b - a == 1 && GENERIC_ORG.contains(&strip_poss(&toks[a].lower).0) {
            continue;
        }
        if a >= b {
            continue;
        }
        // Leading titles: "President Vladimir Putin", "Foreign Minister Sergey Lavrov"; none in
        // organisation names ("State Department", "Russian Foreign Ministry").
        let org_run = toks[a..b].iter().any(|t| gz::is_org_word(strip_poss(&t.lower).0));
        let mut role_words: Vec<String> = Vec::new();
        let mut affil: Option<String> = None;
        let mut k = a;
        while k < b && !org_run {
            let w = strip_poss(&toks[k].lower).0.to_string();
            let next_title = k + 1 < b && gz::is_person_title(strip_poss(&toks[k + 1].lower).0);
            if gz::is_person_title(&w) {
                role_words.push(w);
                k += 1;
            } else if next_title && gz::nationality(&w).is_some() && !strip_poss(&toks[k].text).1 {
                if affil.is_none() {
                    affil = gz::nationality(&w).map(str::to_string);
                }
                role_words.push(w);
                k += 1;
            } else if next_title && gz::is_place(&w) && k + 2 < b {
                // "Texas Senator Ted Cruz": the place is the affiliation.
                if affil.is_none() {
                    affil = Some(strip_poss(&toks[k].text).0.to_string());
                }
                k += 1;
            } else {
                break;
            }
        }
        // A trailing title: "Russia President" is a place plus a role phrase.
        if !org_run && k < b {
            let mut t = b;
            while t > k && gz::is_person_title(strip_poss(&toks[t - 1].lower).0) {
                t -= 1;
            }
            if t < b && t > k {
                let ptext = slice(&doc.chars, toks[k].start, toks[t - 1].end);
                let (pt, _) = strip_poss(&ptext);
                let pt = pt.to_string();
                let is_pl = gz::is_place(&pt.to_lowercase());
                let nat = gz::nationality(&pt.to_lowercase());
                if is_pl || nat.is_some() {
                    let affil = if is_pl { Some(pt.clone()) } else { nat.map(str::to_string) };
                    if is_pl {
                        let en = toks[k].start + pt.chars().count();
                        raws.push(Raw {
                            ts: k,
                            te: t,
                            start: toks[k].start,
                            end: en,
                            text: pt.clone(),
                            kind: Some(EntityKind::Place),
                            role: None,
                            affil: None,
                            role_phrase: false,
                        });
                    }
                    let words: Vec<String> =
                        toks[t..b].iter().map(|x| strip_poss(&x.lower).0.to_string()).collect();
                    if words.iter().any(|w| gz::is_role_noun(w)) {
                        let (st, en) = (toks[t].start, toks[b - 1].end);
                        let txt = slice(&doc.chars, st, en);
                        let (txt2, _) = strip_poss(&txt);
                        let en = st + txt2.chars().count();
                        raws.push(Raw {
                            ts: t,
                            te: b,
                            start: st,
                            end: en,
                            text: txt2.to_string(),
                            kind: Some(EntityKind::Person),
                            role: Some(role_string(&words)),
                            affil,
                            role_phrase: true,
                        });
                    }
                    continue;
                }
            }
        }
        let role_noun = role_words.iter().rev().find(|w| gz::is_role_noun(w)).cloned();
        let nat_only = b - a == 1 && gz::nationality(&toks[a].lower).is_some();
        if nat_only {
            continue;
        }
        if k >= b {
            // The whole run is a title: a role phrase such as "the Russian President".
            if role_noun.is_some() {
                let is_abbrev = role_words.iter().all(|w| w.ends_with('.'));
                if !is_abbrev {
                    let (st, en0) = (toks[a].start, toks[b - 1].end);
                    let full = slice(&doc.chars, st, en0);
                    let en = st + strip_poss(&full).0.chars().count();
                    raws.push(Raw {
                        ts: a,
                        te: b,
                        start: st,
                        end: en,
                        text: slice(&doc.chars, st, en),
                        kind: Some(EntityKind::Person),
                        role: Some(role_string(&role_words)),
                        affil,
                        role_phrase: true,
                    });
                }
            }
            continue;
        }
        let (st, mut en) = (toks[k].start, toks[b - 1].end);
        let last = &toks[b - 1].text;
        let (stripped, poss) = strip_poss(last);
        if poss {
            en -= last.chars().count() - stripped.chars().count();
        }
        let text = slice(&doc.chars, st, en);
        if text.chars().filter(|c| c.is_alphabetic()).count() < 2 && !text.contains('.') {
            continue;
        }
        let last_word = strip_poss(&toks[b - 1].text).0.to_string();
        let first_word = strip_poss(&toks[k].text).0.to_string();
        let surname_alone = cap_counts.get(last_word.as_str()).copied().unwrap_or(0)
            > cap_counts.get(first_word.as_str()).copied().unwrap_or(0);
        let kind = classify(&text, &role_words, b - k, surname_alone);
        let role = if role_words.iter().any(|w| gz::is_role_noun(w)) {
            Some(role_string(&role_words))
        } else {
            None
        };
        raws.push(Raw {
            ts: k,
            te: b,
            start: st,
            end: en,
            text,
            kind,
            role,
            affil,
            role_phrase: false,
        });
    }
    attach_appositive_roles(doc, &mut raws);
    build(doc, raws)
}

fn role_string(words: &[String]) -> String {
    let ws: Vec<&str> = words
        .iter()
        .map(|w| w.as_str())
        .filter(|w| gz::nationality(w).is_none() && !w.ends_with('.') && *w != "former")
        .collect();
    ws.join(" ")
}

fn classify(
    text: &str,
    titles: &[String],
    ntoks: usize,
    surname_alone: bool,
) -> Option<EntityKind> {
    let lower = text.to_lowercase().replace('’', "'");
    let key = lower.trim_start_matches("the ");
    if gz::is_outlet(key) || gz::is_outlet(&lower) {
        return Some(EntityKind::Organization);
    }
    if gz::is_place(key) {
        return Some(EntityKind::Place);
    }
    let words: Vec<&str> = lower.split_whitespace().collect();
    if ntoks > 6 {
        // A title-case headline, not a name.
        return None;
    }
    if words.iter().any(|w| gz::is_org_word(w)) {
        return Some(EntityKind::Organization);
    }
    if !titles.is_empty() && titles.iter().any(|t| gz::is_person_title(t)) {
        return Some(EntityKind::Person);
    }
    if words.first().is_some_and(|w| gz::is_first_name(w)) {
        return Some(EntityKind::Person);
    }
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if ntoks > 1 && letters.iter().all(|c| c.is_uppercase()) {
        // "BOCA RATON", "CORRECTION APPENDED": datelines and labels.
        return None;
    }
    if ntoks == 1 && letters.len() <= 5 && letters.iter().all(|c| c.is_uppercase()) {
        return Some(EntityKind::Organization);
    }
    // An unknown name: a person when its last word also stands alone in the text ("Tom Steyer"
    // … "Steyer"); otherwise an organisation ("NextGen Climate"). Long title-case runs are
    // headlines, not names.
    if words.last().is_some_and(|w| gz::is_place(w)) {
        // "East Jerusalem", "Northern Virginia".
        return Some(EntityKind::Place);
    }
    if (2..=4).contains(&ntoks) {
        return Some(if surname_alone { EntityKind::Person } else { EntityKind::Organization });
    }
    None
}

/// "Russia’s Foreign Minister, Sergey Lavrov" and "Sergey Lavrov, Russia’s foreign minister":
/// give the role and affiliation to the named person next to the role phrase.
fn attach_appositive_roles(doc: &Doc, raws: &mut [Raw]) {
    let toks = &doc.toks;
    for r in 0..raws.len() {
        if !raws[r].role_phrase {
            continue;
        }
        // Affiliation from "Russia’s" or "the country's" just before the role phrase.
        if raws[r].affil.is_none() && raws[r].ts > 0 {
            let p = &toks[raws[r].ts - 1];
            let (w, poss) = strip_poss(&p.text);
            if poss && gz::is_place(&w.to_lowercase()) {
                raws[r].affil = Some(w.to_string());
            } else if gz::is_place(&p.lower) {
                raws[r].affil = Some(p.text.clone());
            }
        }
        let te = raws[r].te;
        // Followed by ", NAME".
        if te + 1 < toks.len()
            && toks[te].text == ","
            && let Some(n) = raws.iter().position(|x| x.ts == te + 1 && !x.role_phrase)
            && (raws[n].kind == Some(EntityKind::Person) || raws[n].kind.is_none())
        {
            raws[n].kind = Some(EntityKind::Person);
            raws[n].role = raws[r].role.clone();
            if raws[n].affil.is_none() {
                raws[n].affil = raws[r].affil.clone();
            }
        }
    }
    // Preceded by a place mention without a title: "Russia President, Vladimir Putin".
    for r in 0..raws.len() {
        if raws[r].affil.is_none()
            && raws[r].role.is_some()
            && raws[r].ts > 0
            && let Some(p) = raws.iter().position(|x| x.te == raws[r].ts)
            && raws[p].kind == Some(EntityKind::Place)
        {
            raws[r].affil = Some(raws[p].text.clone());
        }
    }
}

/// Evidence that two person names are spelling variants of one name, if they are.
fn variant_evidence(a: &str, b: &str) -> Option<String> {
    variant_evidence_keys(&canonical_key(a), &canonical_key(b))
}

fn build(doc: &Doc, raws: Vec<Raw>) -> EntitySet {
    let mut set = EntitySet { entities: Vec::new(), tok_entity: vec![None; doc.toks.len()] };
    // Full names (2+ words) and non-person names first, then single words and role phrases.
    let mut order: Vec<usize> = (0..raws.len()).collect();
    order.sort_by_key(|&i| {
        let r = &raws[i];
        let single = !r.text.contains(' ');
        (r.role_phrase, single && r.kind != Some(EntityKind::Place), r.start)
    });
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut ent_keys: Vec<String> = Vec::new();
    for i in order {
        let r = &raws[i];
        let key = canonical_key(&r.text);
        if key.is_empty() {
            continue;
        }
        let mut target = by_key.get(&key).copied();
        if r.role_phrase {
            let role = r.role.clone().unwrap_or_default();
            let head = role.rsplit(' ').next().unwrap_or("").to_string();
            target = set.person_with_role(&head, r.affil.as_deref());
            if target.is_none() {
                continue;
            }
        }
        if target.is_none() && r.kind != Some(EntityKind::Place) {
            // A surname alone, or a spelling variant of a known person.
            let single = !key.contains(' ');
            for (ei, e) in set.entities.iter().enumerate() {
                if e.kind != EntityKind::Person {
                    continue;
                }
                let ek = &ent_keys[ei];
                let first_only = single
                    && ek.split(' ').next() == Some(key.as_str())
                    && gz::is_first_name(&key)
                    && ek.contains(' ');
                if single && ek.rsplit(' ').next() == Some(key.as_str()) && ek.contains(' ')
                    || first_only
                {
                    target = Some(ei);
                    break;
                }
                if !single && variant_evidence_keys(ek, &key).is_some() {
                    target = Some(ei);
                    break;
                }
            }
        }
        let ei = match target {
            Some(t) => t,
            None => {
                let Some(kind) = r.kind else { continue };
                set.entities.push(Entity {
                    id: String::new(),
                    name: r.text.clone(),
                    kind,
                    aliases: Vec::new(),
                    mentions: Vec::new(),
                    role: None,
                    affiliation: None,
                });
                ent_keys.push(key.clone());
                set.entities.len() - 1
            }
        };
        by_key.entry(key).or_insert(ei);
        let e = &mut set.entities[ei];
        if e.name != r.text && !e.aliases.contains(&r.text) {
            e.aliases.push(r.text.clone());
        }
        e.mentions.push(Mention { start: r.start, end: r.end, text: r.text.clone() });
        if e.role.is_none() && !r.role_phrase {
            e.role.clone_from(&r.role);
        }
        if e.affiliation.is_none() {
            e.affiliation.clone_from(&r.affil);
        }
        for t in r.ts..r.te {
            set.tok_entity[t] = Some(ei);
        }
    }
    // Canonical name: the full form whose first name is a known first name, else the most
    // frequent multi-word form, else the first.
    for e in &mut set.entities {
        e.mentions.sort_by_key(|m| m.start);
        if e.kind == EntityKind::Person && !e.aliases.is_empty() {
            let mut forms: Vec<&String> =
                std::iter::once(&e.name).chain(e.aliases.iter()).collect();
            forms.retain(|f| f.contains(' ') && f.chars().next().is_some_and(char::is_uppercase));
            let count = |f: &str| e.mentions.iter().filter(|m| m.text == f).count();
            let known =
                |f: &str| f.split(' ').next().is_some_and(|w| gz::is_first_name(&w.to_lowercase()));
            if let Some(best) = forms.iter().max_by_key(|f| {
                (known(f), f.split(' ').count() == 2, count(f), std::cmp::Reverse(f.len()))
            }) {
                let best = (*best).clone();
                if best != e.name {
                    let old = std::mem::replace(&mut e.name, best.clone());
                    e.aliases.retain(|a| *a != best);
                    e.aliases.push(old);
                }
            }
        }
    }
    // Ids in order of first mention; remap token links.
    let mut idx: Vec<usize> = (0..set.entities.len()).collect();
    idx.sort_by_key(|&i| set.entities[i].mentions.first().map_or(usize::MAX, |m| m.start));
    let mut remap = vec![0; idx.len()];
    for (new, &old) in idx.iter().enumerate() {
        remap[old] = new;
    }
    let mut ents: Vec<Option<Entity>> = set.entities.into_iter().map(Some).collect();
    set.entities = idx.iter().filter_map(|&o| ents[o].take()).collect();
    for (n, e) in set.entities.iter_mut().enumerate() {
        e.id = format!("e{}", n + 1);
    }
    for x in set.tok_entity.iter_mut().flatten() {
        *x = remap[*x];
    }
    set
}

/// A key under which spellings of one name meet across articles: lower case, diacritics and
/// punctuation dropped, titles and a leading "the" removed, "U.S." folded to "us".
pub fn canonical_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = fold_diacritic(c);
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if c == '\'' || c == '’' || c == '.' {
            // "U.S." -> "us"; apostrophes vanish.
        } else {
            out.push(' ');
        }
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    let mut ws: Vec<&str> = words.clone();
    while ws.len() > 1 && (ws[0] == "the" || gz::is_person_title(ws[0]) && ws.len() > 1) {
        ws.remove(0);
    }
    if ws.len() > 1 && ws.last().is_some_and(|w| *w == "s") {
        ws.pop();
    }
    ws.join(" ")
}

fn fold_diacritic(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' => 'a',
        'Á' | 'À' | 'Â' | 'Ä' | 'Ã' | 'Å' => 'A',
        'é' | 'è' | 'ê' | 'ë' | 'ē' => 'e',
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'Í' | 'Ì' | 'Î' | 'Ï' => 'I',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
        'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' | 'Ø' => 'O',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
        'ñ' => 'n',
        'Ñ' => 'N',
        'ç' => 'c',
        'Ç' => 'C',
        'š' => 's',
        'Š' => 'S',
        'ž' => 'z',
        'Ž' => 'Z',
        'č' => 'c',
        'Č' => 'C',
        'ł' => 'l',
        'Ł' => 'L',
        _ => c,
    }
}

/// A group of names judged to denote one real-world entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AliasGroup {
    /// The chosen canonical spelling (the most frequent in the input; ties to the earliest).
    pub canonical: String,
    /// Every spelling in the group, canonical first.
    pub members: Vec<String>,
    /// Why the members were merged, one line per merge.
    pub evidence: Vec<String>,
}

/// Merge names (e.g. entity names from many articles) into groups of spelling variants:
/// same [`canonical_key`], or a person name with the same surname and a first name one edit away
/// ("Barrack Obama" ~ "Barack Obama"), or with an initial for the first name.
/// Deterministic: groups come out in order of their first member in `names`.
pub fn merge_aliases(names: &[String]) -> Vec<AliasGroup> {
    let mut groups: Vec<(Vec<usize>, Vec<String>)> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let mut hit = None;
        'g: for (gi, (members, _)) in groups.iter().enumerate() {
            for &m in members {
                if let Some(ev) = variant_evidence(&names[m], n) {
                    hit = Some((gi, ev, m));
                    break 'g;
                }
            }
        }
        match hit {
            Some((gi, ev, m)) => {
                groups[gi].0.push(i);
                if names[m] != *n {
                    groups[gi].1.push(format!("\"{}\" ~ \"{}\": {}", names[m], n, ev));
                }
            }
            None => groups.push((vec![i], Vec::new())),
        }
    }
    groups
        .into_iter()
        .map(|(members, evidence)| {
            let mut uniq: Vec<String> = Vec::new();
            let mut counts: Vec<usize> = Vec::new();
            for &m in &members {
                if let Some(p) = uniq.iter().position(|u| *u == names[m]) {
                    counts[p] += 1;
                } else {
                    uniq.push(names[m].clone());
                    counts.push(1);
                }
            }
            let best =
                (0..uniq.len()).max_by_key(|&k| (counts[k], std::cmp::Reverse(k))).unwrap_or(0);
            let canonical = uniq[best].clone();
            let mut ms = vec![canonical.clone()];
            ms.extend(uniq.into_iter().filter(|u| *u != canonical));
            AliasGroup { canonical, members: ms, evidence }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analyze;

    fn ents(t: &str) -> Vec<Entity> {
        find_entities(&analyze(t)).entities
    }

    #[test]
    fn role_and_affiliation_from_apposition() {
        let e =
            ents("Recall that Russia’s Foreign Minister, Sergey Lavrov had spoken. Lavrov left.");
        let l = e.iter().find(|e| e.name == "Sergey Lavrov").unwrap();
        assert_eq!(l.kind, EntityKind::Person);
        assert_eq!(l.role.as_deref(), Some("foreign minister"));
        assert_eq!(l.affiliation.as_deref(), Some("Russia"));
        // "Foreign Minister" (the role phrase), "Sergey Lavrov", "Lavrov".
        assert_eq!(l.mentions.len(), 3);
    }

    #[test]
    fn surname_and_role_phrase_corefer() {
        let e = ents(
            "Russia President, Vladimir Putin spoke. Putin left. Later the Russian President said no.",
        );
        let p = e.iter().find(|e| e.name == "Vladimir Putin").unwrap();
        // "President", "Vladimir Putin", "Putin", "Russian President".
        assert_eq!(p.mentions.len(), 4, "{p:?}");
    }

    #[test]
    fn outlets_and_places() {
        let e = ents("He told TASS in Moscow and the U.S State Department in Maryland.");
        let k = |n: &str| e.iter().find(|e| e.name == n).map(|e| e.kind);
        assert_eq!(k("TASS"), Some(EntityKind::Organization));
        assert_eq!(k("Moscow"), Some(EntityKind::Place));
        assert_eq!(k("Maryland"), Some(EntityKind::Place));
        assert_eq!(k("U.S State Department"), Some(EntityKind::Organization));
    }

    #[test]
    fn keys_fold_spelling() {
        assert_eq!(canonical_key("the U.S. State Department"), "us state department");
        assert_eq!(canonical_key("Mr. Putin"), "putin");
        assert_eq!(canonical_key("Sergéy Lavrov’s"), "sergey lavrovs");
    }

    #[test]
    fn merges_spelling_variants_with_evidence() {
        let names: Vec<String> =
            ["Barack Obama", "Barrack Obama", "Barack Obama", "Vladimir Putin", "Michelle Obama"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        let g = merge_aliases(&names);
        assert_eq!(g.len(), 3);
        assert_eq!(g[0].canonical, "Barack Obama");
        assert_eq!(g[0].members, vec!["Barack Obama", "Barrack Obama"]);
        assert!(g[0].evidence[0].contains("one edit"), "{:?}", g[0].evidence);
    }
}
