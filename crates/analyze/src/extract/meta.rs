//! Page metadata in order of trust: JSON-LD (`NewsArticle` and kin), OpenGraph and
//! `article:*` meta, Dublin Core and other meta names, `<time>`, a visible dateline, the URL.
//!
//! Dates from scripts other than JSON-LD, and from boilerplate boxes (related stories), are
//! never read; dates after the fetch time are refused with a diagnostic.

use html5ever::{LocalName, local_name};
use model::Diagnostic;
use serde_json::Value;

use super::dates::{self, When};
use super::dom::{DOCUMENT, Dom, NONE, NodeData, NodeId};
use super::{Article, Block, ExtractOptions, Image};

/// Where a date came from, most trusted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum DateSource {
    JsonLd,
    Meta,
    DublinCore,
    TimeElement,
    Dateline,
    Url,
}

impl DateSource {
    fn name(self) -> &'static str {
        match self {
            DateSource::JsonLd => "JSON-LD",
            DateSource::Meta => "meta tags",
            DateSource::DublinCore => "Dublin Core",
            DateSource::TimeElement => "<time>",
            DateSource::Dateline => "the dateline",
            DateSource::Url => "the URL",
        }
    }
}

/// Metadata gathered before the body is chosen.
#[derive(Debug, Default)]
pub(crate) struct Meta {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub byline: Vec<String>,
    pub published: Vec<(DateSource, When)>,
    pub modified: Vec<(DateSource, When)>,
    pub section: Vec<String>,
    pub site_name: Option<String>,
    pub canonical_url: Option<String>,
    pub html_lang: Option<String>,
    pub lead_image: Option<Image>,
    /// Dates the page shows (`<time>` texts, datelines), for the local-day check.
    pub shown: Vec<When>,
    /// JSON-LD `articleBody`, a fallback when the page shows no body.
    pub json_ld_body: Option<String>,
    /// The URL the page came from (for the URL date).
    pub url: Option<String>,
}

/// Collapses whitespace and trims.
pub(crate) fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes the HTML character references that leak into JSON-LD and meta values
/// (`&#8216;`, `&#x2019;`, `&amp;`, `&rsquo;`...); unknown ones are kept as written.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = if let Some(num) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
            } else if let Some(num) = name.strip_prefix('#') {
                num.parse::<u32>().ok().and_then(char::from_u32)
            } else {
                Some(match name {
                    "amp" => '&',
                    "quot" => '"',
                    "apos" => '\'',
                    "lt" => '<',
                    "gt" => '>',
                    "nbsp" => ' ',
                    "ndash" => '–',
                    "mdash" => '—',
                    "lsquo" => '‘',
                    "rsquo" => '’',
                    "ldquo" => '“',
                    "rdquo" => '”',
                    "hellip" => '…',
                    _ => return None,
                })
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// "TOM KRISHER" -> "Tom Krisher"; names in mixed case are kept.
pub(crate) fn name_case(name: &str) -> String {
    let letters = name.chars().filter(|c| c.is_alphabetic());
    if letters.clone().count() < 2 || letters.clone().any(|c| c.is_lowercase()) {
        return name.to_string();
    }
    name.split(' ')
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().chain(cs.flat_map(char::to_lowercase)).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn non_empty(s: &str) -> Option<String> {
    let c = clean(&decode_entities(s));
    (!c.is_empty()).then_some(c)
}

/// Article-like schema.org types.
fn is_article_type(t: &str) -> bool {
    let t = t.rsplit('/').next().unwrap_or(t);
    t.ends_with("Article")
        || matches!(
            t,
            "BlogPosting" | "LiveBlogPosting" | "Report" | "SocialMediaPosting" | "Posting"
        )
}

fn type_matches(v: &Value, pred: impl Fn(&str) -> bool) -> bool {
    match v.get("@type") {
        Some(Value::String(s)) => pred(s),
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str().is_some_and(&pred)),
        _ => false,
    }
}

/// Names from a schema.org `author`/`creator` value (string, Person, list of either).
fn names(v: &Value, out: &mut Vec<String>) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) => push_names(out, split_byline(s)),
            Value::Object(o) => {
                if let Some(Value::String(n)) = o.get("name") {
                    push_names(out, split_byline(n));
                }
            }
            Value::Array(a) => stack.extend(a.iter().rev()),
            _ => {}
        }
    }
}

fn push_names(out: &mut Vec<String>, names: Vec<String>) {
    for n in names {
        if !out.contains(&n) {
            out.push(n);
        }
    }
}

fn first_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => non_empty(s),
        Value::Array(a) => a.iter().find_map(first_string),
        Value::Object(o) => o.get("url").or_else(|| o.get("@id")).and_then(first_string),
        _ => None,
    }
}

fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            if let Some(s) = non_empty(s) {
                out.push(s)
            }
        }
        Value::Array(a) => {
            for x in a {
                if let Value::String(s) = x
                    && let Some(s) = non_empty(s)
                {
                    out.push(s)
                }
            }
        }
        _ => {}
    }
}

/// Role words that mark a byline part as a job title, not a name.
const ROLES: &[&str] = &[
    "reporter",
    "writer",
    "editor",
    "correspondent",
    "staff",
    "contributor",
    "columnist",
    "journalist",
    "producer",
    "analyst",
    "bureau",
    "chief",
    "senior",
    "updated",
    "published",
    "photographer",
    "news service",
    "contributing",
    "special to",
];

/// Lower-case words that belong inside names ("Ludwig van Beethoven", "Carlos da Silva").
const NAME_PARTICLES: &[&str] = &[
    "de", "da", "do", "dos", "das", "del", "della", "di", "van", "von", "der", "den", "le", "la",
    "du", "bin", "al", "ibn", "y", "ter", "ten",
];

/// Splits a byline into names: drops "By", roles, e-mail addresses and dates.
pub(crate) fn split_byline(raw: &str) -> Vec<String> {
    let s = clean(&decode_entities(raw));
    if s.contains("://") || s.len() > 200 {
        return Vec::new();
    }
    let mut s = s.as_str();
    for p in ["By ", "by ", "BY ", "Written by ", "Words by ", "Von ", "Par ", "Por "] {
        if let Some(r) = s.strip_prefix(p) {
            s = r;
            break;
        }
    }
    let mut out = Vec::new();
    for (i, part) in s.split([',', ';', '&', '|', '\n']).flat_map(|p| p.split(" and ")).enumerate()
    {
        let mut part = part.trim().trim_end_matches('.').trim();
        // "Finian Cunningham. Sputnik International": a full stop after a word (not an
        // initial) ends the name; the rest is the outlet.
        if let Some(p) = part.find(". ")
            && part[..p].rsplit(' ').next().is_some_and(|w| w.chars().count() > 2)
        {
            part = &part[..p];
        }
        // "Victor Tangermann, Futurism": a one-word part after a name is the outlet.
        if i > 0 && !out.is_empty() && !part.contains(' ') {
            continue;
        }
        let lower = part.to_lowercase();
        if part.is_empty()
            || part.contains('@')
            || !part.chars().next().is_some_and(|c| c.is_uppercase())
            || ROLES.iter().any(|r| lower.contains(r))
            || part.chars().any(|c| c.is_ascii_digit())
            || part.split_whitespace().count() > 5
            // "Syrian defense ministries": a lower-case word that is no name particle.
            || part.split_whitespace().any(|w| {
                w.chars().next().is_some_and(char::is_lowercase)
                    && !NAME_PARTICLES.contains(&w)
            })
        {
            continue;
        }
        let part = name_case(part.strip_prefix("By ").unwrap_or(part));
        // A web address is the outlet, not an author ("Cleveland.com").
        if part.contains(".com") || part.contains(".co") || part.contains(".org") {
            continue;
        }
        if !out.contains(&part) {
            out.push(part);
        }
    }
    out
}

fn read_json_ld(text: &str, meta: &mut Meta) {
    let Ok(v) = serde_json::from_str::<Value>(text.trim()) else { return };
    let mut stack = vec![&v];
    let mut article: Option<&Value> = None;
    let mut publisher_name: Option<String> = None;
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(a) => stack.extend(a.iter().rev()),
            Value::Object(o) => {
                if let Some(g) = o.get("@graph") {
                    stack.push(g);
                }
                if article.is_none() && type_matches(v, is_article_type) {
                    article = Some(v);
                }
                if publisher_name.is_none()
                    && type_matches(v, |t| t == "Organization" || t == "NewsMediaOrganization")
                {
                    publisher_name = o.get("name").and_then(Value::as_str).and_then(non_empty);
                }
            }
            _ => {}
        }
    }
    let Some(a) = article else {
        if meta.site_name.is_none() {
            meta.site_name = publisher_name;
        }
        return;
    };
    let get = |k: &str| a.get(k);
    if meta.title.is_none() {
        meta.title = get("headline").and_then(Value::as_str).and_then(non_empty);
    }
    if meta.subtitle.is_none() {
        meta.subtitle = get("alternativeHeadline").and_then(Value::as_str).and_then(non_empty);
    }
    if meta.byline.is_empty()
        && let Some(au) = get("author").or_else(|| get("creator"))
    {
        names(au, &mut meta.byline);
    }
    if let Some(d) = get("datePublished").and_then(Value::as_str).and_then(dates::parse_machine) {
        meta.published.push((DateSource::JsonLd, d));
    }
    if let Some(d) = get("dateModified").and_then(Value::as_str).and_then(dates::parse_machine) {
        meta.modified.push((DateSource::JsonLd, d));
    }
    if meta.section.is_empty()
        && let Some(s) = get("articleSection")
    {
        strings(s, &mut meta.section);
    }
    if meta.site_name.is_none() {
        meta.site_name = get("publisher")
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
            .and_then(non_empty)
            .or(publisher_name);
    }
    if meta.lead_image.is_none()
        && let Some(url) = get("image").and_then(first_string)
    {
        meta.lead_image = Some(Image { url, caption: None });
    }
    if meta.html_lang.is_none() {
        meta.html_lang = get("inLanguage").and_then(Value::as_str).and_then(non_empty);
    }
    if meta.json_ld_body.is_none() {
        meta.json_ld_body = get("articleBody").and_then(Value::as_str).map(str::to_string);
    }
    if meta.canonical_url.is_none() {
        meta.canonical_url = get("mainEntityOfPage")
            .and_then(first_string)
            .or_else(|| get("url").and_then(first_string))
            .filter(|u| u.starts_with("http"));
    }
}

/// Class/id words of boxes whose dates and names belong to other stories or to readers.
const OTHER_STORY_WORDS: &[&str] = &[
    "related",
    "recommended",
    "recommend",
    "comments",
    "comment",
    "sidebar",
    "widget",
    "trending",
    "popular",
    "teaser",
    "teasers",
    "promo",
    "footer",
    "menu",
    "nav",
    "more",
];

/// Whether `id` sits inside boilerplate (a related box, navigation, comments...).
fn in_boilerplate(dom: &Dom, id: NodeId) -> bool {
    let mut cur = dom.node(id).parent;
    let mut steps = 0;
    while cur != NONE && steps < 200 {
        let n = dom.node(cur);
        if let Some(l) = n.local() {
            // Page-level classes describe the layout ("one-sidebar"), not a box.
            if matches!(*l, local_name!("body") | local_name!("html")) {
                return false;
            }
            if matches!(*l, local_name!("nav") | local_name!("aside") | local_name!("footer")) {
                return true;
            }
            let hit = |v: Option<&str>| {
                v.is_some_and(|v| {
                    v.split_ascii_whitespace().any(|t| {
                        super::body::class_words_any(
                            t,
                            OTHER_STORY_WORDS,
                            &["related", "recommend", "comment", "sidebar"],
                        )
                    })
                })
            };
            if hit(n.attr(&local_name!("class"))) || hit(n.attr(&local_name!("id"))) {
                return true;
            }
        }
        cur = n.parent;
        steps += 1;
    }
    false
}

/// Whether `id` lies inside `outer` (bounded walk up).
fn is_inside(dom: &Dom, id: NodeId, outer: NodeId) -> bool {
    let mut cur = dom.node(id).parent;
    let mut steps = 0;
    while cur != NONE && steps < 50 {
        if cur == outer {
            return true;
        }
        cur = dom.node(cur).parent;
        steps += 1;
    }
    false
}

/// Strips " | Site", " - Site" and similar suffixes (or prefixes) from a `<title>`.
fn strip_site(title: &str, site: Option<&str>) -> String {
    // Iterative: a hostile <title> may hold thousands of separators. Two rounds cover
    // "Headline | Section | Site"; what is left after them is kept.
    let mut title = title.trim();
    for _ in 0..3 {
        let Some(next) = strip_site_once(title, site) else { break };
        title = next;
    }
    title.to_string()
}

/// One step of [`strip_site`]: the title without one site-name part, if it has one.
fn strip_site_once<'a>(title: &'a str, site: Option<&str>) -> Option<&'a str> {
    for sep in [" | ", " - ", " — ", " – ", " :: ", " · ", " » "] {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            let tail_is_site = site.is_some_and(|s| tail.eq_ignore_ascii_case(s))
                || (tail.split_whitespace().count() <= 4
                    && head.split_whitespace().count() > tail.split_whitespace().count());
            if tail_is_site {
                return Some(head.trim());
            }
            if let Some((h, t)) = title.split_once(sep) {
                // A site name in front: the known name, or a short head before a long headline.
                let short_head =
                    h.split_whitespace().count() <= 3 && t.split_whitespace().count() >= 4;
                if site.is_some_and(|s| h.eq_ignore_ascii_case(s)) || short_head {
                    return Some(t.trim());
                }
            }
        }
    }
    None
}

/// Reads all metadata of the page.
pub(crate) fn read(dom: &Dom, opts: &ExtractOptions, diags: &mut Vec<Diagnostic>) -> Meta {
    let mut meta = Meta { url: opts.url.clone(), ..Meta::default() };
    let mut og_title = None;
    let mut tw_title = None;
    let mut title_tag = None;
    let mut h1s: Vec<String> = Vec::new();
    let mut meta_authors = Vec::new();
    let mut canonical = None;
    let mut og_url = None;
    let mut og_image = None;
    let mut meta_sections = Vec::new();
    let mut time_dates: Vec<(NodeId, When, bool)> = Vec::new();
    let mut json_ld: Vec<NodeId> = Vec::new();
    let mut visible_dates: Vec<When> = Vec::new();
    let mut byline_nodes: Vec<NodeId> = Vec::new();
    let mut subtitle_node = None;
    let mut figures: Vec<NodeId> = Vec::new();
    let mut date_probes = 0;

    dom.walk(
        DOCUMENT,
        |id| {
            let n = dom.node(id);
            let Some(tag) = n.local() else { return matches!(n.data, NodeData::Document) };
            match *tag {
                local_name!("html") => {
                    meta.html_lang = n.attr(&local_name!("lang")).and_then(non_empty);
                }
                local_name!("title") => {
                    if title_tag.is_none() {
                        title_tag = non_empty(&dom.text_of(id));
                    }
                    return false;
                }
                local_name!("script") => {
                    if n.attr(&local_name!("type"))
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
                    {
                        json_ld.push(id);
                    }
                    return false;
                }
                local_name!("style")
                | local_name!("noscript")
                | local_name!("template")
                | local_name!("svg") => return false,
                local_name!("meta") => {
                    let key = n
                        .attr(&local_name!("property"))
                        .or_else(|| n.attr(&local_name!("name")))
                        .or_else(|| n.attr(&local_name!("itemprop")));
                    let (Some(key), Some(content)) = (key, n.attr(&local_name!("content"))) else {
                        return false;
                    };
                    let key = key.trim().to_ascii_lowercase();
                    let content = content.trim();
                    match key.as_str() {
                        "og:title" => og_title = og_title.take().or_else(|| non_empty(content)),
                        "twitter:title" => {
                            tw_title = tw_title.take().or_else(|| non_empty(content))
                        }
                        "og:site_name" | "application-name" if meta.site_name.is_none() => {
                            meta.site_name = non_empty(content)
                        }
                        "og:url" => og_url = og_url.take().or_else(|| non_empty(content)),
                        "og:image" | "og:image:url" | "og:image:secure_url" | "twitter:image" => {
                            og_image = og_image.take().or_else(|| non_empty(content))
                        }
                        "article:published_time" | "og:published_time" | "article:published" => {
                            if let Some(d) = dates::parse_machine(content) {
                                meta.published.push((DateSource::Meta, d));
                            }
                        }
                        "article:modified_time" | "og:updated_time" | "article:modified" => {
                            if let Some(d) = dates::parse_machine(content) {
                                meta.modified.push((DateSource::Meta, d));
                            }
                        }
                        "datepublished" | "pubdate" | "publishdate" | "publish-date" | "date"
                        | "sailthru.date" | "parsely-pub-date" | "article.published"
                        | "published_time" | "publication_date" => {
                            if let Some(d) = dates::parse_machine(content) {
                                meta.published.push((DateSource::Meta, d));
                            }
                        }
                        "datemodified" | "last-modified" | "lastmod" | "article.updated" => {
                            if let Some(d) = dates::parse_machine(content) {
                                meta.modified.push((DateSource::Meta, d));
                            }
                        }
                        "dc.date" | "dc.date.issued" | "dcterms.date" | "dcterms.issued"
                        | "dcterms.created" | "dc.date.created" => {
                            if let Some(d) = dates::parse_machine(content) {
                                meta.published.push((DateSource::DublinCore, d));
                            }
                        }
                        "dcterms.modified" | "dc.date.modified" => {
                            if let Some(d) = dates::parse_machine(content) {
                                meta.modified.push((DateSource::DublinCore, d));
                            }
                        }
                        "article:section" | "section" | "parsely-section" => {
                            if let Some(s) = non_empty(content)
                                && !meta_sections.contains(&s)
                            {
                                meta_sections.push(s);
                            }
                        }
                        "author" | "article:author" | "dc.creator" | "sailthru.author"
                        | "parsely-author" | "byl" => {
                            push_names(&mut meta_authors, split_byline(content));
                        }
                        _ => {}
                    }
                    return false;
                }
                local_name!("link") => {
                    if n.attr(&local_name!("rel")).is_some_and(|r| {
                        r.split_whitespace().any(|w| w.eq_ignore_ascii_case("canonical"))
                    }) && canonical.is_none()
                    {
                        canonical = n.attr(&local_name!("href")).and_then(non_empty);
                    }
                    return false;
                }
                local_name!("time") => {
                    let machine = n.attr(&local_name!("datetime")).and_then(dates::parse_machine);
                    if let Some(d) = machine {
                        let pubdate = n.attr(&LocalName::from("pubdate")).is_some()
                            || n.attr(&local_name!("itemprop"))
                                .is_some_and(|p| p.eq_ignore_ascii_case("datePublished"));
                        time_dates.push((id, d, pubdate));
                    }
                    // The text a reader sees, for the local-day check (not "Updated ...").
                    if meta.shown.len() < 8 {
                        use chrono::Datelike;
                        let t = dom.text_of(id);
                        if t.len() < 200
                            && !t.to_ascii_lowercase().contains("updated")
                            && let Some(v) =
                                dates::find_with_year(&t, machine.map(|d| d.day().year()))
                        {
                            meta.shown.push(v);
                        }
                    }
                }
                local_name!("h1") if h1s.len() < 8 => {
                    if let Some(t) = non_empty(&dom.text_of(id)) {
                        h1s.push(t);
                    }
                }
                local_name!("figure") => figures.push(id),
                _ => {}
            }
            if let Some(ip) = n.attr(&local_name!("itemprop"))
                && ip.eq_ignore_ascii_case("datePublished")
                && *tag != local_name!("time")
                && let Some(d) = n.attr(&local_name!("content")).and_then(dates::parse_machine)
            {
                time_dates.push((id, d, true));
            }
            let Some(class_raw) = n.attr(&local_name!("class")).filter(|c| !c.is_empty()) else {
                if n.attr(&local_name!("rel")) == Some("author") && byline_nodes.len() < 8 {
                    byline_nodes.push(id);
                }
                return true;
            };
            // Class names are matched as written (they are nearly always lower case).
            let class = class_raw;
            if (n.attr(&local_name!("rel")) == Some("author")
                || class.contains("byline")
                || class
                    .split_ascii_whitespace()
                    .any(|c| c == "author" || c.ends_with("author-name")))
                && byline_nodes.len() < 8
            {
                byline_nodes.push(id);
            }
            if subtitle_node.is_none()
                && class.split(|c: char| c.is_ascii_whitespace() || c == '_' || c == '-').any(|w| {
                    matches!(
                        w,
                        "standfirst"
                            | "subtitle"
                            | "subheadline"
                            | "dek"
                            | "deck"
                            | "strapline"
                            | "summary"
                            | "subhead"
                    )
                })
                && !in_boilerplate(dom, id)
            {
                subtitle_node = Some(id);
            }
            if visible_dates.len() < 4
                && date_probes < 16
                && (class.contains("date")
                    || class.contains("time")
                    || class.contains("published")
                    || class.contains("author"))
                && !class.contains("update")
            {
                // Bounded: a page of "timeline" items must not make this quadratic.
                date_probes += 1;
                let t = dom.text_of(id);
                if t.len() < 200
                    && !in_boilerplate(dom, id)
                    && let Some(d) = dates::find_in_text(&t)
                {
                    visible_dates.push(d);
                }
            }
            true
        },
        |_| {},
    );

    for id in json_ld {
        read_json_ld(&dom.text_of(id), &mut meta);
    }

    // Title: the page's own headline, else og/twitter title, else <title> without the site name.
    let site = meta.site_name.clone();
    let declared: Vec<String> = [meta.title.clone(), og_title, tw_title, title_tag]
        .into_iter()
        .flatten()
        .map(|t| strip_site(&clean(&t), site.as_deref()))
        .collect();
    let h1 = h1s.iter().find(|h| {
        declared.iter().any(|d| d == *h || d.contains(h.as_str()) || h.contains(d.as_str()))
    });
    meta.title = h1.cloned().or_else(|| declared.first().cloned()).or_else(|| h1s.first().cloned());

    if meta.byline.is_empty() {
        meta.byline = meta_authors;
    }
    if meta.byline.is_empty() {
        for (k, &id) in byline_nodes.iter().enumerate() {
            if in_boilerplate(dom, id) {
                continue;
            }
            // A byline box holding a byline field: read the inner one (the box also holds
            // the affiliation, glued to the last name).
            if let Some(&inner) = byline_nodes.get(k + 1)
                && is_inside(dom, inner, id)
            {
                continue;
            }
            let t = dom.text_of(id);
            let names = split_byline(&t);
            if !names.is_empty() && t.len() < 200 {
                meta.byline = names;
                break;
            }
        }
    }
    if meta.section.is_empty() {
        meta.section = meta_sections;
    }
    if meta.subtitle.is_none() {
        meta.subtitle = subtitle_node
            .and_then(|id| non_empty(&dom.text_of(id)))
            .filter(|s| s.len() < 600 && Some(s) != meta.title.as_ref());
    }
    for (id, d, pubdate) in &time_dates {
        if !in_boilerplate(dom, *id) {
            meta.published.push((DateSource::TimeElement, *d));
            if *pubdate {
                break;
            }
            break;
        }
    }
    if let Some(d) = visible_dates.first() {
        meta.published.push((DateSource::Dateline, *d));
    }
    // Day-only datelines stay out: a masthead shows today's date, not the article's.
    meta.shown.extend(visible_dates.iter().filter(|d| !matches!(d, When::Day(_))));
    let base = opts.url.clone().or_else(|| og_url.clone());
    meta.canonical_url = [canonical, meta.canonical_url.take(), og_url, opts.url.clone()]
        .into_iter()
        .flatten()
        .find_map(|u| model::url::resolve(base.as_deref(), &u));
    if let Some(img) = og_image {
        meta.lead_image = Some(Image { url: img, caption: None });
    }
    if let Some(img) = &mut meta.lead_image {
        img.url = resolve(&img.url, meta.canonical_url.as_deref().or(opts.url.as_deref()));
        img.caption = caption_for(dom, &figures, &img.url)
            .or_else(|| first_figure(dom, &figures).and_then(|(_, c)| c));
    } else if let Some((url, caption)) = first_figure(dom, &figures) {
        let url = resolve(&url, meta.canonical_url.as_deref().or(opts.url.as_deref()));
        meta.lead_image = Some(Image { url, caption });
    }
    let _ = diags;
    meta
}

/// Resolves a relative URL against a base; kept as written when it cannot be resolved.
fn resolve(u: &str, base: Option<&str>) -> String {
    let u = u.trim();
    if let Some(r) = model::url::resolve(base, u) {
        return r;
    }
    if u.starts_with("http://") || u.starts_with("https://") {
        return u.to_string();
    }
    let Some(base) = base else { return u.to_string() };
    let Some((scheme, rest)) = base.split_once("://") else { return u.to_string() };
    if let Some(r) = u.strip_prefix("//") {
        return format!("{scheme}://{r}");
    }
    let host = rest.split('/').next().unwrap_or("");
    if u.starts_with('/') {
        return format!("{scheme}://{host}{u}");
    }
    u.to_string()
}

fn img_src(dom: &Dom, id: NodeId) -> Option<String> {
    let n = dom.node(id);
    n.attr(&local_name!("src"))
        .filter(|s| !s.starts_with("data:"))
        .or_else(|| n.attr(&LocalName::from("data-src")))
        .or_else(|| n.attr(&local_name!("srcset")).and_then(|s| s.split_whitespace().next()))
        .and_then(non_empty)
}

fn figure_parts(dom: &Dom, fig: NodeId) -> (Option<String>, Option<String>) {
    let img = dom.find(fig, |n| n.is(&local_name!("img"))).and_then(|i| img_src(dom, i));
    let cap = dom
        .find(fig, |n| n.is(&local_name!("figcaption")))
        .map(|c| caption_text(dom, c))
        .filter(|c| !c.is_empty());
    (img, cap)
}

/// A caption's text without credit elements ("Photo: AP", class "credit").
fn caption_text(dom: &Dom, cap: NodeId) -> String {
    let mut out = String::new();
    dom.walk(
        cap,
        |id| {
            let n = dom.node(id);
            match &n.data {
                NodeData::Text(t) => {
                    out.push_str(t);
                    true
                }
                NodeData::Element { .. } => {
                    let c = n.attr(&local_name!("class")).unwrap_or("").to_ascii_lowercase();
                    !(c.contains("credit") || c.contains("copyright") || c.contains("source"))
                }
                _ => true,
            }
        },
        |_| {},
    );
    let c = clean(&out);
    let lower = c.to_lowercase();
    for marker in ["photo:", "image:", "credit:", "(photo", "photograph:"] {
        if let Some(pos) = lower.rfind(marker)
            && pos > 0
        {
            return c[..pos].trim().to_string();
        }
    }
    c
}

fn caption_for(dom: &Dom, figures: &[NodeId], url: &str) -> Option<String> {
    let file = url.split(['?', '#']).next()?.rsplit('/').next()?;
    let stem = file.split('.').next().unwrap_or(file);
    if stem.len() < 4 {
        return None;
    }
    for &f in figures.iter().take(20) {
        let (img, cap) = figure_parts(dom, f);
        if img.is_some_and(|i| i.contains(stem)) {
            return cap;
        }
    }
    None
}

fn first_figure(dom: &Dom, figures: &[NodeId]) -> Option<(String, Option<String>)> {
    for &f in figures.iter().take(20) {
        if in_boilerplate(dom, f) {
            continue;
        }
        if let (Some(img), cap) = figure_parts(dom, f) {
            return Some((img, cap));
        }
    }
    None
}

impl Meta {
    /// Moves the gathered fields into an article (dates are settled by [`finish_dates`]).
    pub fn into_article(self) -> (Article, DateCandidates) {
        let a = Article {
            title: self.title,
            subtitle: self.subtitle,
            byline: self.byline,
            section: self.section,
            site_name: self.site_name,
            canonical_url: self.canonical_url.clone(),
            language: self
                .html_lang
                .map(|l| l.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase())
                .filter(|l| !l.is_empty()),
            lead_image: self.lead_image,
            ..Article::default()
        };
        let url = self.canonical_url.or(self.url);
        (
            a,
            DateCandidates {
                published: self.published,
                modified: self.modified,
                url,
                shown: self.shown,
            },
        )
    }
}

/// Date candidates waiting for the body (for a dateline inside it) and the fetch time.
#[derive(Debug, Default)]
pub(crate) struct DateCandidates {
    pub published: Vec<(DateSource, When)>,
    pub modified: Vec<(DateSource, When)>,
    pub url: Option<String>,
    /// Dates the page shows, for [`local_day`].
    pub shown: Vec<When>,
}

/// Picks `published`/`modified` by trust, refusing future dates and reporting conflicts.
pub(crate) fn finish_dates(
    article: &mut Article,
    mut cands: DateCandidates,
    paragraphs: &[Block],
    opts: &ExtractOptions,
    diags: &mut Vec<Diagnostic>,
) {
    if cands.published.is_empty() {
        // A dateline at the top of the body ("WASHINGTON, Nov. 19, 2019 —").
        if let Some(first) = paragraphs.first() {
            let head: String = first.text.chars().take(80).collect();
            if let Some(d) = dates::find_in_text(&head) {
                cands.published.push((DateSource::Dateline, d));
            }
        }
    }
    if let Some(d) = cands.url.as_deref().or(opts.url.as_deref()).and_then(dates::from_url) {
        cands.published.push((DateSource::Url, d));
    }
    let shown = std::mem::take(&mut cands.shown);
    let mut pick = |list: &mut Vec<(DateSource, When)>, what: &str| -> Option<When> {
        list.sort_by_key(|(s, _)| *s);
        if let Some(now) = opts.fetched_at {
            let before = list.len();
            list.retain(|(_, d)| !d.after(now));
            if list.len() < before {
                diags.push(Diagnostic::warning(
                    "future_date",
                    format!("{} {what} date(s) after the fetch time ignored", before - list.len()),
                ));
            }
        }
        let (src, mut best) = *list.first()?;
        if what == "publication" {
            best = local_day(best, src, list, &shown);
        }
        if let Some((osrc, other)) = list.iter().find(|(s, d)| {
            *s != src && *s != DateSource::Url && (d.day() - best.day()).num_days().abs() > 1
        }) {
            diags.push(Diagnostic::warning(
                "date_conflict",
                format!(
                    "{what} date {} from {} disagrees with {} from {}; kept the former",
                    best.render(),
                    src.name(),
                    other.render(),
                    osrc.name()
                ),
            ));
        }
        Some(best)
    };
    let published = pick(&mut cands.published, "publication");
    let modified = pick(&mut cands.modified, "modification");
    article.published = published.map(|d| d.render());
    article.modified = modified.map(|d| d.render());
}

/// The publisher's local day for a UTC metadata timestamp, when the page says otherwise.
///
/// Two general cases: a JSON-LD/meta pair giving the same wall clock with a zero and a
/// non-zero offset (the clock is UTC, the offset is the publisher's zone), and a visible date
/// (`<time>` text, a dateline) one day away from the UTC day. The instant is kept and written
/// in the offset whose day agrees with the page; a visible value with its own offset wins whole.
fn local_day(best: When, src: DateSource, list: &[(DateSource, When)], shown: &[When]) -> When {
    if src > DateSource::DublinCore {
        return best;
    }
    let When::Zoned(first) = best else { return best };
    // Same wall clock, one zero and one non-zero offset: the clock is UTC, the other
    // offset is the publisher's zone.
    let meta = list.iter().filter(|(s, _)| *s <= DateSource::DublinCore);
    for (_, a) in meta.clone() {
        for (_, b) in meta.clone() {
            if let (When::Zoned(u), When::Zoned(z)) = (a, b)
                && u.offset().local_minus_utc() == 0
                && z.offset().local_minus_utc() != 0
                && z.naive_local() == u.naive_utc()
            {
                return When::Zoned(u.with_timezone(z.offset()));
            }
        }
    }
    let utc = first;
    if utc.offset().local_minus_utc() != 0 {
        return best;
    }
    let at =
        |secs: i32| chrono::FixedOffset::east_opt(secs).map(|o| When::Zoned(utc.with_timezone(&o)));
    let visible = list.iter().filter(|(s, _)| *s == DateSource::TimeElement).map(|(_, d)| d);
    for d in visible.chain(shown) {
        let diff = (d.day() - utc.date_naive()).num_days();
        if diff.abs() != 1 {
            continue;
        }
        match d {
            When::Zoned(z) => {
                let gap = (z.with_timezone(&chrono::Utc) - utc.with_timezone(&chrono::Utc))
                    .num_hours()
                    .abs();
                if z.offset().local_minus_utc() != 0 && gap <= 24 {
                    return *d;
                }
            }
            When::Local(l) => {
                let secs = (*l - utc.naive_utc()).num_seconds();
                // Rounded to a quarter hour; real offsets lie within ±14 hours.
                let q = ((secs as f64) / 900.0).round() as i64 * 900;
                if q != 0
                    && q.abs() <= 14 * 3600
                    && (secs - q).abs() <= 120
                    && let Some(w) = at(q as i32)
                {
                    return w;
                }
            }
            When::Day(_) => {
                use chrono::Timelike;
                let since = i64::from(utc.num_seconds_from_midnight());
                // The smallest whole-hour offset that moves the instant onto the shown day.
                let secs = if diff < 0 {
                    -((since / 3600) + 1) * 3600
                } else {
                    (86_400 - since + 3599) / 3600 * 3600
                };
                if secs.abs() <= 14 * 3600
                    && let Some(w) = at(secs as i32)
                {
                    return w;
                }
            }
        }
    }
    best
}

/// Detects the language of a body (ISO 639-1 when whatlang knows the mapping).
pub(crate) fn language(body: &str) -> Option<String> {
    if body.len() < 40 {
        return None;
    }
    let mut end = body.len().min(600);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let info = whatlang::detect(&body[..end])?;
    if !info.is_reliable() && info.confidence() < 0.5 {
        return None;
    }
    Some(iso639_1(info.lang().code()).to_string())
}

fn iso639_1(code3: &'static str) -> &'static str {
    match code3 {
        "eng" => "en",
        "fra" => "fr",
        "deu" => "de",
        "spa" => "es",
        "ita" => "it",
        "por" => "pt",
        "nld" => "nl",
        "rus" => "ru",
        "ukr" => "uk",
        "pol" => "pl",
        "ces" => "cs",
        "slk" => "sk",
        "swe" => "sv",
        "dan" => "da",
        "nob" => "nb",
        "fin" => "fi",
        "tur" => "tr",
        "ara" => "ar",
        "heb" => "he",
        "pes" => "fa",
        "hin" => "hi",
        "ben" => "bn",
        "urd" => "ur",
        "jpn" => "ja",
        "kor" => "ko",
        "cmn" => "zh",
        "vie" => "vi",
        "tha" => "th",
        "ind" => "id",
        "ell" => "el",
        "hun" => "hu",
        "ron" => "ro",
        "bul" => "bg",
        "hrv" => "hr",
        "srp" => "sr",
        "slv" => "sl",
        "lit" => "lt",
        "lav" => "lv",
        "est" => "et",
        "cat" => "ca",
        "afr" => "af",
        "swa" => "sw",
        "yor" => "yo",
        "hau" => "ha",
        "ibo" => "ig",
        "tgl" => "tl",
        "msa" => "ms",
        "tam" => "ta",
        other => other,
    }
}
