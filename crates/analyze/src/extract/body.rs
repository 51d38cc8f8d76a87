//! Finding the article body: blocks in reading order, container scoring, boilerplate rules.
//!
//! The page is linearised into text blocks (one per paragraph-like element), each remembering
//! its owner element and how much of its text is link text. Good paragraphs vote for their
//! ancestors (readability's scoring, with link density as a penalty); the best container and
//! its worthy siblings are kept, and then each block is judged on its own (link density,
//! boilerplate phrases, position). Every walk is iterative.

use html5ever::{LocalName, local_name};

use super::dom::{DOCUMENT, Dom, NONE, NodeData, NodeId};
use super::{Block, BlockKind};
use crate::text::MONTH_NAMES;

/// A text block found while linearising the page.
#[derive(Debug, Clone)]
pub(crate) struct RawBlock {
    /// Normalised text (whitespace collapsed, trimmed).
    pub text: String,
    /// What kind of block it is.
    pub kind: BlockKind,
    /// The element owning the block (the nearest block-level ancestor of its text).
    pub owner: NodeId,
    /// Length of the text in chars.
    pub len: usize,
    /// Characters of the text inside links.
    pub link_chars: usize,
    /// Characters of the text inside links to other pages of the same site.
    pub internal_chars: usize,
    /// Pre-order index of the owner, for subtree tests.
    pub pre: u32,
}

/// Why blocks were dropped, for diagnostics and tests.
#[derive(Debug, Default, Clone)]
pub(crate) struct BodyResult {
    pub blocks: Vec<Block>,
    /// Texts of the boilerplate blocks removed inside the chosen container.
    pub dropped: Vec<String>,
    /// A short description of the chosen container(s), e.g. `div.article-body`.
    pub container: String,
}

/// `tag.class#id` of an element, for diagnostics.
pub(crate) fn describe(dom: &Dom, id: NodeId) -> String {
    let n = dom.node(id);
    let mut s = n.local().map(|l| l.to_string()).unwrap_or_default();
    if let Some(c) = n.attr(&local_name!("class")) {
        for w in c.split_whitespace().take(3) {
            s.push('.');
            s.push_str(w);
        }
    }
    if let Some(i) = n.attr(&local_name!("id")) {
        s.push('#');
        s.push_str(i);
    }
    s
}

/// Elements whose whole subtree never holds article text.
fn is_skipped_tag(l: &LocalName) -> bool {
    matches!(
        *l,
        local_name!("script")
            | local_name!("style")
            | local_name!("noscript")
            | local_name!("template")
            | local_name!("svg")
            | local_name!("math")
            | local_name!("iframe")
            | local_name!("object")
            | local_name!("embed")
            | local_name!("canvas")
            | local_name!("select")
            | local_name!("option")
            | local_name!("button")
            | local_name!("input")
            | local_name!("textarea")
            | local_name!("nav")
            | local_name!("aside")
            | local_name!("footer")
            | local_name!("head")
            | local_name!("title")
            | local_name!("video")
            | local_name!("audio")
            | local_name!("picture")
            | local_name!("dialog")
            | local_name!("label")
    )
}

/// Elements that start a new text block.
fn is_block_tag(l: &LocalName) -> bool {
    matches!(
        *l,
        local_name!("p")
            | local_name!("div")
            | local_name!("section")
            | local_name!("article")
            | local_name!("main")
            | local_name!("header")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("li")
            | local_name!("ul")
            | local_name!("ol")
            | local_name!("dl")
            | local_name!("dt")
            | local_name!("dd")
            | local_name!("blockquote")
            | local_name!("pre")
            | local_name!("figure")
            | local_name!("figcaption")
            | local_name!("table")
            | local_name!("tr")
            | local_name!("td")
            | local_name!("th")
            | local_name!("tbody")
            | local_name!("thead")
            | local_name!("tfoot")
            | local_name!("caption")
            | local_name!("form")
            | local_name!("hr")
            | local_name!("address")
            | local_name!("details")
            | local_name!("summary")
            | local_name!("center")
            | local_name!("body")
            | local_name!("html")
    )
}

fn heading_level(l: &LocalName) -> Option<u8> {
    Some(match *l {
        local_name!("h1") => 1,
        local_name!("h2") => 2,
        local_name!("h3") => 3,
        local_name!("h4") => 4,
        local_name!("h5") => 5,
        local_name!("h6") => 6,
        _ => return None,
    })
}

/// Word prefixes of class/id values that mark boilerplate containers.
const JUNK_PREFIXES: &[&str] = &[
    "comment",
    "share",
    "sharing",
    "socialshar",
    "socialicon",
    "sociallink",
    "socialbar",
    "socialbutton",
    "socialfollow",
    "socialtools",
    "related",
    "recommend",
    "newsletter",
    "subscri",
    "cookie",
    "consent",
    "gdpr",
    "promo",
    "advert",
    "sponsor",
    "sidebar",
    "footer",
    "breadcrumb",
    "navbar",
    "navigation",
    "menu",
    "popup",
    "modal",
    "outbrain",
    "taboola",
    "widget",
    "toolbar",
    "signup",
    "disclaimer",
    "trending",
    "popular",
    "byline",
    "caption",
    "credit",
    "readmore",
    "morestories",
    "masthead",
    "skiplink",
    "hidden",
    "visually",
    "sronly",
    "offscreen",
    "tooltip",
    "paywall",
    "rollover",
    "popover",
    "hovercard",
    "slideshow",
];

/// Whole words of class/id values that mark boilerplate containers.
const JUNK_WORDS: &[&str] = &[
    "ad",
    "ads",
    "nav",
    "tags",
    "tag",
    "author",
    "meta",
    "share",
    "sr",
    "print",
    "rail",
    "more",
    "dateline",
    "timestamp",
    "date",
    "newsletter",
    "related",
    "subscribe",
    "login",
    "header",
    "topics",
];

/// The words of one class token, lower-cased, split at punctuation and camelCase humps,
/// without allocating (tokens past 96 bytes or 12 words are cut).
struct Words {
    buf: [u8; 96],
    spans: [(u8, u8); 12],
    n: usize,
}

impl Words {
    fn of(token: &str) -> Words {
        let mut w = Words { buf: [0; 96], spans: [(0, 0); 12], n: 0 };
        let bytes = token.as_bytes();
        let len = bytes.len().min(96);
        let mut start: Option<usize> = None;
        let mut prev_lower = false;
        for (i, &c) in bytes[..len].iter().enumerate() {
            let alnum = c.is_ascii_alphanumeric() || c >= 0x80;
            if alnum {
                if c.is_ascii_uppercase()
                    && prev_lower
                    && let Some(s) = start.take()
                {
                    w.push(s, i);
                }
                if start.is_none() {
                    start = Some(i);
                }
                prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
                w.buf[i] = c.to_ascii_lowercase();
            } else {
                prev_lower = false;
                if let Some(s) = start.take() {
                    w.push(s, i);
                }
            }
        }
        if let Some(s) = start {
            w.push(s, len);
        }
        w
    }

    fn push(&mut self, s: usize, e: usize) {
        if self.n < self.spans.len() {
            self.spans[self.n] = (s as u8, e as u8);
            self.n += 1;
        }
    }

    fn word(&self, i: usize) -> &[u8] {
        let (s, e) = self.spans[i];
        &self.buf[s as usize..e as usize]
    }

    /// Whether any word, or any two adjacent words written together, satisfies `exact`
    /// (whole-word list) or starts with one of `prefixes`.
    fn any(&self, exact: &[&str], prefixes: &[&str]) -> bool {
        for i in 0..self.n {
            let w = self.word(i);
            if exact.iter().any(|x| x.as_bytes() == w)
                || prefixes.iter().any(|p| w.starts_with(p.as_bytes()))
            {
                return true;
            }
            if i + 1 < self.n {
                let v = self.word(i + 1);
                let joined_eq = |x: &[u8]| {
                    x.len() == w.len() + v.len() && x.starts_with(w) && &x[w.len()..] == v
                };
                let joined_prefix = |p: &[u8]| {
                    if p.len() <= w.len() {
                        return false; // covered by the single word
                    }
                    p.starts_with(w) && v.starts_with(&p[w.len()..])
                };
                if exact.iter().any(|x| joined_eq(x.as_bytes()))
                    || prefixes.iter().any(|p| joined_prefix(p.as_bytes()))
                {
                    return true;
                }
            }
        }
        false
    }
}

/// Whether one class token's words match `exact` words or `prefixes` (see [`Words::any`]).
pub(crate) fn class_words_any(token: &str, exact: &[&str], prefixes: &[&str]) -> bool {
    Words::of(token).any(exact, prefixes)
}

/// Whether a class/id value names a boilerplate container.
pub(crate) fn junk_class(value: &str) -> bool {
    value.split_ascii_whitespace().any(|token| {
        // Taxonomy classes name the article's topics ("tag-diy", "category-news"), not its parts.
        let t = token.as_bytes();
        let starts =
            |p: &str| t.len() >= p.len() && t[..p.len()].eq_ignore_ascii_case(p.as_bytes());
        if ["tag-", "tags-", "category-", "cat-", "topic-", "postid-"].iter().any(|p| starts(p)) {
            return false;
        }
        Words::of(token).any(JUNK_WORDS, JUNK_PREFIXES)
    })
}

/// Class/id words (single or joined) that mark the article text itself.
const CONTENT_WORDS: &[&str] = &[
    "articlebody",
    "storybody",
    "entrycontent",
    "postcontent",
    "articletext",
    "storytext",
    "postbody",
    "articlecontent",
    "bodytext",
];

/// Whether class/id words mark the article text itself (these protect an element).
fn content_class(value: &str) -> bool {
    value.split_ascii_whitespace().any(|token| Words::of(token).any(CONTENT_WORDS, &[]))
}

/// [`junk_class`] with a per-page memo.
fn cached_junk<'a>(cache: &mut std::collections::HashMap<&'a str, bool>, value: &'a str) -> bool {
    if value.is_empty() {
        return false;
    }
    *cache.entry(value).or_insert_with(|| junk_class(value))
}

/// Per-node facts gathered in the first pass.
struct Facts {
    /// Raw text length (chars, whitespace-collapsed approx.) of each subtree.
    text_len: Vec<u32>,
}

/// Whether an element is hidden or decorative by its attributes.
fn hidden_by_attrs(dom: &Dom, id: NodeId) -> bool {
    let n = dom.node(id);
    if n.attr(&local_name!("hidden")).is_some()
        || n.attr(&local_name!("aria-hidden")) == Some("true")
    {
        return true;
    }
    if let Some(style) =
        n.attr(&local_name!("style")).filter(|s| s.contains("none") || s.contains("hidden"))
    {
        let s: String = style.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let s = s.to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    if let Some(role) = n.attr(&local_name!("role"))
        && matches!(
            role,
            "navigation"
                | "complementary"
                | "banner"
                | "contentinfo"
                | "dialog"
                | "alertdialog"
                | "menu"
                | "menubar"
                | "toolbar"
                | "search"
        )
    {
        return true;
    }
    false
}

fn first_pass(dom: &Dom) -> Facts {
    let mut text_len = vec![0u32; dom.nodes.len()];
    let leave_acc = |id: NodeId, text_len: &mut Vec<u32>| {
        let p = dom.node(id).parent;
        if p != NONE {
            let v = text_len[id as usize];
            text_len[p as usize] = text_len[p as usize].saturating_add(v);
        }
    };
    // Two closures cannot both borrow text_len mutably: use a RefCell-free manual walk.
    let tl = std::cell::RefCell::new(&mut text_len);
    dom.walk(
        DOCUMENT,
        |id| {
            let n = dom.node(id);
            match &n.data {
                NodeData::Text(t) => {
                    // Non-space bytes: a cheap stand-in for visible characters.
                    // Indentation-only nodes count for nothing; inner spaces are few.
                    let c = t.trim().len();
                    tl.borrow_mut()[id as usize] = c as u32;
                    true
                }
                NodeData::Element { .. } => !n.local().is_some_and(is_skipped_tag),
                _ => true,
            }
        },
        |id| leave_acc(id, &mut tl.borrow_mut()),
    );
    Facts { text_len }
}

/// Linearises the page into blocks, skipping boilerplate subtrees.
pub(crate) fn linearize(dom: &Dom, host: Option<&str>) -> (Vec<RawBlock>, Vec<u32>, Vec<u32>) {
    let facts = first_pass(dom);
    let total = facts.text_len[DOCUMENT as usize].max(1);
    let n = dom.nodes.len();
    let mut pre = vec![0u32; n];
    let mut post = vec![0u32; n];
    let mut counter = 0u32;

    struct State {
        blocks: Vec<RawBlock>,
        buf: String,
        link_chars: usize,
        internal_chars: usize,
        internal_depth: u32,
        owners: Vec<NodeId>,
        link_depth: u32,
        quote_depth: u32,
        caption_depth: u32,
        pre_depth: u32,
    }
    let st = std::cell::RefCell::new(State {
        blocks: Vec::new(),
        buf: String::new(),
        link_chars: 0,
        internal_chars: 0,
        internal_depth: 0,
        owners: vec![DOCUMENT],
        link_depth: 0,
        quote_depth: 0,
        caption_depth: 0,
        pre_depth: 0,
    });
    let pre_c = std::cell::RefCell::new((&mut pre, &mut post, &mut counter));
    // Pages repeat the same class strings on many elements: judge each string once.
    let mut cache: std::collections::HashMap<&str, bool> = std::collections::HashMap::new();

    fn flush(dom: &Dom, st: &mut State, pre: &[u32]) {
        let text = st.buf.trim();
        if !text.is_empty() {
            let owner = *st.owners.last().unwrap_or(&DOCUMENT);
            let tag = dom.node(owner).local().cloned();
            let kind = if st.caption_depth > 0 {
                BlockKind::Caption
            } else if tag.as_ref().and_then(heading_level).is_some() {
                BlockKind::Heading
            } else if st.quote_depth > 0 {
                BlockKind::Quote
            } else if matches!(tag, Some(local_name!("li")) | Some(local_name!("dd"))) {
                BlockKind::ListItem
            } else {
                BlockKind::Paragraph
            };
            let text = text.to_string();
            st.blocks.push(RawBlock {
                len: text.chars().count(),
                text,
                kind,
                owner,
                link_chars: st.link_chars,
                internal_chars: st.internal_chars,
                pre: pre[owner as usize],
            });
        }
        st.buf.clear();
        st.link_chars = 0;
        st.internal_chars = 0;
    }

    dom.walk(
        DOCUMENT,
        |id| {
            let node = dom.node(id);
            let mut s = st.borrow_mut();
            match &node.data {
                NodeData::Text(t) => {
                    let in_link = s.link_depth > 0;
                    let in_pre = s.pre_depth > 0;
                    let added = push_text(&mut s.buf, t, in_pre);
                    if in_link {
                        s.link_chars += added;
                        if s.internal_depth > 0 {
                            s.internal_chars += added;
                        }
                    }
                    true
                }
                NodeData::Element { .. } => {
                    let Some(tag) = node.local() else { return true };
                    if is_skipped_tag(tag) {
                        return false;
                    }
                    let len = facts.text_len[id as usize];
                    if hidden_by_attrs(dom, id) && len * 2 < total {
                        return false;
                    }
                    let class = node.attr(&local_name!("class")).unwrap_or("");
                    let ident = node.attr(&local_name!("id")).unwrap_or("");
                    let protected = matches!(
                        *tag,
                        local_name!("article")
                            | local_name!("main")
                            | local_name!("body")
                            | local_name!("html")
                    );
                    if !protected
                        && (cached_junk(&mut cache, class) || cached_junk(&mut cache, ident))
                        && !(content_class(class) || content_class(ident))
                        && (len as f64) < 0.4 * total as f64
                    {
                        return false;
                    }
                    {
                        let mut p = pre_c.borrow_mut();
                        *p.2 += 1;
                        let c = *p.2;
                        p.0[id as usize] = c;
                    }
                    if *tag == local_name!("br") {
                        if s.pre_depth > 0 {
                            s.buf.push('\n');
                        } else {
                            // A line break ends a paragraph-like line (readability turns <br>
                            // runs into paragraphs); the owner stays the same.
                            let pre_ref = pre_c.borrow();
                            flush(dom, &mut s, pre_ref.0);
                        }
                        return false;
                    }
                    if is_block_tag(tag) {
                        let pre_ref = pre_c.borrow();
                        flush(dom, &mut s, pre_ref.0);
                        drop(pre_ref);
                        s.owners.push(id);
                    }
                    match *tag {
                        local_name!("a") => {
                            s.link_depth += 1;
                            if internal_link(node.attr(&local_name!("href")), host) {
                                s.internal_depth += 1;
                            }
                        }
                        local_name!("blockquote") | local_name!("q")
                            if *tag == local_name!("blockquote") =>
                        {
                            s.quote_depth += 1
                        }
                        local_name!("figcaption") | local_name!("caption") => s.caption_depth += 1,
                        local_name!("pre") => s.pre_depth += 1,
                        _ => {}
                    }
                    true
                }
                NodeData::Document => true,
                NodeData::Ignored => false,
            }
        },
        |id| {
            let node = dom.node(id);
            let Some(tag) = node.local() else { return };
            let mut s = st.borrow_mut();
            {
                let mut p = pre_c.borrow_mut();
                let c = *p.2;
                p.1[id as usize] = c;
            }
            match *tag {
                local_name!("a") => {
                    s.link_depth = s.link_depth.saturating_sub(1);
                    if internal_link(node.attr(&local_name!("href")), host) {
                        s.internal_depth = s.internal_depth.saturating_sub(1);
                    }
                }
                local_name!("blockquote") => s.quote_depth = s.quote_depth.saturating_sub(1),
                local_name!("figcaption") | local_name!("caption") => {
                    s.caption_depth = s.caption_depth.saturating_sub(1)
                }
                local_name!("pre") => s.pre_depth = s.pre_depth.saturating_sub(1),
                _ => {}
            }
            if is_block_tag(tag) {
                let pre_ref = pre_c.borrow();
                flush(dom, &mut s, pre_ref.0);
                drop(pre_ref);
                s.owners.pop();
            } else if matches!(*tag, local_name!("td") | local_name!("th")) {
                s.buf.push(' ');
            }
        },
    );
    let mut s = st.into_inner();
    flush(dom, &mut s, &pre);
    (s.blocks, pre, post)
}

/// The host of an absolute URL, without `www.`.
pub(crate) fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#', ':']).next()?;
    Some(host.strip_prefix("www.").unwrap_or(host))
}

/// Whether a link points to another page of the same site (relative or same host).
fn internal_link(href: Option<&str>, host: Option<&str>) -> bool {
    let Some(href) = href.map(str::trim) else { return false };
    if href.starts_with('#') || href.starts_with("javascript:") || href.starts_with("mailto:") {
        return false;
    }
    if href.starts_with("//") {
        return host.is_some_and(|h| host_of(&format!("http:{href}")) == Some(h));
    }
    match host_of(href) {
        Some(h) => host.is_some_and(|page| page == h),
        None => true,
    }
}

/// Appends text, whitespace collapsed unless inside `<pre>`; returns the chars added.
fn push_text(buf: &mut String, t: &str, preformatted: bool) -> usize {
    let before = buf.len();
    if preformatted {
        buf.push_str(t);
    } else {
        for (i, w) in t.split(char::is_whitespace).enumerate() {
            if i > 0 && !buf.is_empty() && !buf.ends_with(' ') && !buf.ends_with('\n') {
                buf.push(' ');
            }
            buf.push_str(w);
        }
    }
    buf[before..].chars().count()
}

/// Boilerplate phrases that condemn a short block outright (lower case, prefix match).
const BOILER_STARTS: &[&str] = &[
    "advertisement",
    "read more",
    "read next",
    "related:",
    "related articles",
    "related stories",
    "recommended",
    "share this",
    "share on",
    "sign up",
    "subscribe",
    "click here",
    "follow us",
    "all rights reserved",
    "copyright",
    "©",
    "photo:",
    "image:",
    "credit:",
    "image credit",
    "photo credit",
    "getty images",
    "we use cookies",
    "this site uses cookies",
    "comments",
    "leave a comment",
    "skip to",
    "continue reading",
    "more from",
    "you may also like",
    "don't miss",
    "watch:",
    "listen to",
    "play video",
    "loading",
    "sponsored",
    "advert",
    "this slideshow requires",
    "tell us what you think",
    "related news",
    "more great",
    "have a tip?",
    "got a tip?",
    "this article was originally published",
];

/// Whether a short block is boilerplate by its wording alone.
pub(crate) fn boilerplate_text(text: &str) -> bool {
    let len = text.chars().count();
    if len > 120 {
        return false;
    }
    let lower = text.to_lowercase();
    BOILER_STARTS.iter().any(|p| lower.starts_with(p))
        || lower.contains("comments expressed here do not reflect")
        || (lower.contains("newsletter") && len < 100)
}

/// What the blocks after a section title are.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Section {
    /// The article itself.
    Article,
    /// A list of other stories ("More from ...", "Related", "You may also like").
    Teasers,
    /// A press-release or contact trailer ("About Acme", "Media contact").
    Trailer,
}

/// Whether a block is the title of a section that is not the article.
fn section_title(b: &RawBlock) -> Option<Section> {
    if b.len > 60 || b.text.ends_with(['.', '?', '!', ',', ';']) {
        return None;
    }
    let words = b.text.split_whitespace().count();
    if words > 7 {
        return None;
    }
    let lower = b.text.to_lowercase();
    let lower = lower.trim_end_matches(':').trim();
    const TEASERS: &[&str] = &[
        "more from",
        "more stories",
        "more great",
        "more news",
        "related",
        "recommended",
        "you may also like",
        "you might also like",
        "see also",
        "most popular",
        "most read",
        "trending",
        "read more",
        "read next",
        "also read",
        "don't miss",
        "editor's picks",
        "top stories",
        "latest news",
        "in other news",
        "more on this",
    ];
    if TEASERS.iter().any(|t| lower.starts_with(t)) {
        return Some(Section::Teasers);
    }
    let about = lower.strip_prefix("about ").is_some_and(|rest| {
        words <= 5
            && b.text.split_whitespace().nth(1).is_some_and(|w| w.starts_with(char::is_uppercase))
            && !rest.is_empty()
    });
    const TRAILERS: &[&str] = &[
        "media contact",
        "press contact",
        "media contacts",
        "press contacts",
        "media enquiries",
        "media inquiries",
        "investor contact",
        "forward-looking statements",
    ];
    if about || TRAILERS.iter().any(|t| lower.starts_with(t)) {
        return Some(Section::Trailer);
    }
    None
}

/// A short block that only gives a date ("June 17, 2009", "Published 3 May 2021, 10:02"):
/// besides the date it holds only words like "Published", "Updated", "at", time zones.
fn date_only(text: &str) -> bool {
    if text.len() >= 60 || text.split_whitespace().count() > 8 {
        return false;
    }
    if super::dates::find_in_text(text).is_none() {
        return false;
    }
    const FILLER: &[&str] = &[
        "published",
        "updated",
        "posted",
        "last",
        "modified",
        "on",
        "at",
        "am",
        "pm",
        "a.m",
        "p.m",
        "et",
        "gmt",
        "utc",
        "est",
        "edt",
        "pst",
        "pdt",
        "cst",
        "cdt",
        "cet",
        "cest",
        "bst",
        "ist",
        "date",
        "time",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "of",
        "th",
        "st",
        "nd",
        "rd",
    ];
    text.split(|c: char| !c.is_alphanumeric() && c != '.')
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .all(|w| {
            let l = w.to_lowercase();
            let l = l.trim_start_matches(|c: char| c.is_ascii_digit());
            l.is_empty() || FILLER.contains(&l) || MONTH_NAMES.contains(&l)
        })
}

/// Whether the word sequence `phrase` (space-separated) occurs in `words`.
fn has_phrase(words: &[&str], phrase: &str) -> bool {
    let mut parts = phrase.split(' ');
    let Some(first) = parts.next() else { return false };
    let rest: Vec<&str> = parts.collect();
    words.iter().enumerate().any(|(i, w)| {
        *w == first && rest.iter().enumerate().all(|(k, r)| words.get(i + 1 + k) == Some(r))
    })
}

/// Promotional prompts that may run longer than a label ("Sign up for our newsletter...").
pub(crate) fn promo_text(text: &str) -> bool {
    if text.len() > 1200 || text.chars().count() > 300 {
        return false;
    }
    // Most blocks hold none of the verbs a prompt starts with: check that without allocating.
    const TRIGGERS: &[&str] =
        &["sign", "subscribe", "click", "delivered", "get", "download", "follow"];
    if !text
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| TRIGGERS.iter().any(|t| w.eq_ignore_ascii_case(t)))
    {
        return false;
    }
    let lower = text.to_lowercase();
    let words: Vec<&str> =
        lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let prompt = [
        "sign up",
        "subscribe",
        "subscribe now",
        "click here",
        "delivered to your inbox",
        "get access",
        "download the app",
        "download our app",
        "follow us",
    ]
    .iter()
    .any(|p| has_phrase(&words, p));
    let social = ["twitter", "facebook", "instagram", "linkedin", "youtube", "tiktok"];
    // "Follow X on Twitter": the verb alone is common in news prose, so only with networks.
    let follow = has_phrase(&words, "follow") && social.iter().any(|p| has_phrase(&words, p));
    follow
        || prompt
            && [
                "newsletter",
                "newsletters",
                "subscription",
                "issues",
                "inbox",
                "more information",
                "app",
                "free trial",
            ]
            .iter()
            .chain(social.iter())
            .any(|p| has_phrase(&words, p))
}

/// Picks the body blocks.
pub(crate) fn extract_body(
    dom: &Dom,
    title: Option<&str>,
    subtitle: Option<&str>,
    host: Option<&str>,
) -> BodyResult {
    let (blocks, pre, post) = linearize(dom, host);
    let n = dom.nodes.len();
    let mut score = vec![0f32; n];
    let mut text_chars = vec![0u32; n];
    let mut link_chars = vec![0u32; n];
    // Subtree text and link totals from the blocks (each block counts for its owner and up).
    for b in &blocks {
        let c = b.len as u32;
        text_chars[b.owner as usize] += c;
        link_chars[b.owner as usize] += b.link_chars as u32;
    }
    // Accumulate upward in reverse creation order is wrong for reparented nodes; use post-order.
    // Entered elements in reverse pre-order: children before their parents.
    let mut order: Vec<NodeId> = vec![NONE; n];
    let mut entered = 0;
    for (i, &p) in pre.iter().enumerate() {
        if p != 0 {
            order[p as usize - 1] = i as NodeId;
            entered = entered.max(p as usize);
        }
    }
    order.truncate(entered);
    order.retain(|&i| i != NONE);
    order.reverse();
    let accumulate = |v: &mut Vec<u32>| {
        for &id in &order {
            let p = dom.node(id).parent;
            if p != NONE {
                v[p as usize] += v[id as usize];
            }
        }
    };
    accumulate(&mut text_chars);
    accumulate(&mut link_chars);
    let mut good = vec![0u32; n];
    for b in &blocks {
        let len = b.len;
        if len < 25 || b.kind != BlockKind::Paragraph && b.kind != BlockKind::Quote {
            continue;
        }
        if b.link_chars * 2 > len {
            continue;
        }
        good[b.owner as usize] += len as u32;
        let commas = b.text.matches([',', '，', '、']).count();
        let s = 1.0 + commas as f32 + (len as f32 / 100.0).min(3.0);
        let mut anc = dom.node(b.owner).parent;
        // A paragraph votes for its container; a bare text div votes for itself first.
        let owner_is_p = dom.node(b.owner).is(&local_name!("p"));
        if !owner_is_p {
            score[b.owner as usize] += s;
        }
        let mut level = 0;
        while anc != NONE && level < 5 {
            let div = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 3.0,
            };
            score[anc as usize] += s / div;
            anc = dom.node(anc).parent;
            level += 1;
        }
    }
    let mut best = NONE;
    let mut best_score = 0f32;
    for id in 0..n {
        if score[id] <= 0.0 {
            continue;
        }
        let ld =
            if text_chars[id] > 0 { link_chars[id] as f32 / text_chars[id] as f32 } else { 0.0 };
        let s = score[id] * (1.0 - ld);
        score[id] = s;
        if s > best_score {
            best_score = s;
            best = id as NodeId;
        }
    }
    let is_anc = |a: NodeId, d: NodeId| {
        pre[a as usize] <= pre[d as usize] && pre[d as usize] <= post[a as usize]
    };
    let is_top = |id: NodeId| {
        id == DOCUMENT
            || dom.node(id).is(&local_name!("body"))
            || dom.node(id).is(&local_name!("html"))
    };
    if best != NONE {
        // Several near-best candidates under one ancestor: the article is split in sections.
        let mut cands: Vec<NodeId> =
            (0..n as u32).filter(|&i| score[i as usize] > 0.0 && i != best).collect();
        cands.sort_by(|a, b| score[*b as usize].total_cmp(&score[*a as usize]));
        cands.truncate(4);
        let alts: Vec<NodeId> =
            cands.into_iter().filter(|&c| score[c as usize] >= 0.75 * best_score).collect();
        if alts.len() >= 3 {
            let mut p = dom.node(best).parent;
            while p != NONE && !is_top(p) {
                if alts.iter().filter(|&&a| is_anc(p, a)).count() >= 3 {
                    best = p;
                    break;
                }
                p = dom.node(p).parent;
            }
        }
        // Climb while the parent scores higher (the text continues beside this container).
        let mut p = dom.node(best).parent;
        let mut last = score[best as usize];
        let threshold = last / 3.0;
        while p != NONE && !is_top(p) {
            let ps = score[p as usize];
            if ps <= 0.0 {
                p = dom.node(p).parent;
                continue;
            }
            if ps < threshold {
                break;
            }
            if ps > last {
                best = p;
                break;
            }
            last = ps;
            p = dom.node(p).parent;
        }
        // A lone child is no container of its own.
        loop {
            let p = dom.node(best).parent;
            if p == NONE || is_top(p) {
                break;
            }
            let elems = dom.children(p).filter(|&c| dom.node(c).local().is_some()).count();
            if elems != 1 {
                break;
            }
            best = p;
        }
        accumulate(&mut good);
        best_score = best_score.max(score[best as usize]);
    }
    let mut roots: Vec<NodeId> = Vec::new();
    if best != NONE {
        // A body split into chunks: the container (or one of its close ancestors) has siblings
        // of the same tag and class holding good prose too.
        let mut a = best;
        for _ in 0..3 {
            let p = dom.node(a).parent;
            if p == NONE || is_top(a) {
                break;
            }
            let an = dom.node(a);
            let class = an.attr(&local_name!("class")).unwrap_or("");
            if !class.is_empty() {
                let same: Vec<NodeId> = dom
                    .children(p)
                    .filter(|&c| {
                        c == a
                            || (pre[c as usize] != 0
                                && good[c as usize] > 0
                                && dom.node(c).local() == an.local()
                                && dom.node(c).attr(&local_name!("class")) == Some(class))
                    })
                    .collect();
                if same.len() > 1 {
                    roots = same;
                    break;
                }
            }
            a = p;
        }
    }
    if best != NONE && roots.is_empty() {
        let parent = dom.node(best).parent;
        if parent != NONE && !is_top(best) {
            let threshold = (best_score * 0.2).max(10.0);
            for sib in dom.children(parent) {
                if sib == best {
                    roots.push(sib);
                    continue;
                }
                if pre[sib as usize] == 0 {
                    continue;
                }
                let tc = text_chars[sib as usize];
                let ld = if tc > 0 { link_chars[sib as usize] as f32 / tc as f32 } else { 1.0 };
                let p_ok = dom.node(sib).is(&local_name!("p")) && tc > 80 && ld < 0.25;
                if score[sib as usize] >= threshold || p_ok {
                    roots.push(sib);
                }
            }
        } else {
            roots.push(best);
        }
    }
    let inside =
        |b: &RawBlock| roots.iter().any(|&r| pre[r as usize] <= b.pre && b.pre <= post[r as usize]);
    let mut out = BodyResult {
        container: roots
            .iter()
            .map(|&r| format!("{}({:.0})", describe(dom, r), score[r as usize]))
            .collect::<Vec<_>>()
            .join(" + "),
        ..BodyResult::default()
    };
    let kept: Vec<&RawBlock> = blocks.iter().filter(|b| inside(b)).collect();
    // Good prose marks the span of the article; link-heavy blocks outside it are lists of
    // other stories, inside it they are part of the text ("Get it at ... for $39").
    let is_good = |b: &RawBlock| {
        let len = b.len;
        len >= 80 && b.link_chars * 3 < len
    };
    let first_good = kept.iter().position(|b| is_good(b)).unwrap_or(0);
    let last_good = kept.iter().rposition(|b| is_good(b)).unwrap_or(kept.len());
    let mut section = Section::Article;
    for (i, b) in kept.iter().enumerate() {
        // The headline and standfirst are metadata, not body.
        // A long standfirst is the article's lead paragraph, and stays.
        if title == Some(b.text.as_str()) || (b.len < 200 && subtitle == Some(b.text.as_str())) {
            continue;
        }
        let len = b.len;
        let link_heavy = b.link_chars * 2 > len && len < 300;
        // Section titles switch what follows: other stories, or the press-release trailer.
        if let Some(s) = section_title(b) {
            section = s;
            out.dropped.push(b.text.clone());
            continue;
        }
        match section {
            Section::Article => {}
            Section::Teasers => {
                let teaser_like = b.kind == BlockKind::ListItem
                    || link_heavy
                    || (len < 60 && !b.text.ends_with(['.', '”', '"', '!', '?']));
                if b.kind == BlockKind::Heading || !teaser_like {
                    section = Section::Article;
                } else {
                    out.dropped.push(b.text.clone());
                    continue;
                }
            }
            Section::Trailer => {
                if b.kind == BlockKind::Heading {
                    section = Section::Article;
                } else {
                    out.dropped.push(b.text.clone());
                    continue;
                }
            }
        }
        let teaser = b.internal_chars * 2 > len && len < 300;
        let outside = i < first_good || i > last_good;
        // Labels above the first paragraph ("Markets · Autos", "Exclusive") are kickers; an
        // all-capitals dateline ("BAAR, SWITZERLAND") is part of the article.
        if i < first_good
            && len < 40
            && b.kind != BlockKind::Heading
            && !b.text.ends_with(['.', '”', '"', '!', '?', ':'])
            && b.text.chars().any(char::is_lowercase)
        {
            out.dropped.push(b.text.clone());
            continue;
        }
        if link_heavy && (outside || teaser) {
            out.dropped.push(b.text.clone());
            continue;
        }
        if boilerplate_text(&b.text) || promo_text(&b.text) || date_only(&b.text) {
            out.dropped.push(b.text.clone());
            continue;
        }
        out.blocks.push(Block { kind: b.kind, text: b.text.clone() });
    }
    out
}
