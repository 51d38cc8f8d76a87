//! Unit tests: one per metadata source and one per boilerplate rule, on small hand-made pages.

use super::*;

const P1: &str = "<p>The council voted on Tuesday to keep the library open, after a long debate about costs, staff and the future of the building.</p>";
const P2: &str = "<p>“We listened to the people who use it every day,” the mayor said, adding that the budget would be reviewed again in the spring.</p>";

fn page(head: &str, body: &str) -> String {
    format!("<html><head>{head}</head><body>{body}</body></html>")
}

fn run(head: &str, body: &str) -> (Article, Vec<Diagnostic>) {
    let opts = ExtractOptions {
        fetched_at: Some(
            DateTime::parse_from_rfc3339("2024-06-01T00:00:00Z").unwrap().with_timezone(&Utc),
        ),
        ..ExtractOptions::default()
    };
    extract_html(&page(head, body), &opts)
}

fn article_body(extra: &str) -> String {
    format!(
        "<article><h1>Library stays open</h1><div class=\"body\">{P1}{extra}{P2}</div></article>"
    )
}

fn has(d: &[Diagnostic], code: &str) -> bool {
    d.iter().any(|x| x.code == code)
}

// ---- metadata sources

#[test]
fn json_ld_news_article() {
    let head = r#"<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
        {"@type":"WebPage","name":"ignored"},
        {"@type":["NewsArticle"],"headline":"Library stays open &amp; gets a caf&#233;",
         "datePublished":"2024-05-02T10:00:00+02:00","dateModified":"2024-05-02T12:00:00+02:00",
         "author":[{"@type":"Person","name":"By ANA LIMA"},"Piet Vos, Staff Writer"],
         "articleSection":"Local","image":{"@type":"ImageObject","url":"https://x.example/i.jpg"},
         "publisher":{"@type":"Organization","name":"Town Crier"}}]}</script>"#;
    let (a, _) = run(head, &format!("<div>{P1}{P2}</div>"));
    assert_eq!(a.title.as_deref(), Some("Library stays open & gets a café"));
    assert_eq!(a.byline, vec!["Ana Lima", "Piet Vos"]);
    assert_eq!(a.published.as_deref(), Some("2024-05-02T10:00:00+02:00"));
    assert_eq!(a.modified.as_deref(), Some("2024-05-02T12:00:00+02:00"));
    assert_eq!(a.section, vec!["Local"]);
    assert_eq!(a.site_name.as_deref(), Some("Town Crier"));
    assert_eq!(a.lead_image.unwrap().url, "https://x.example/i.jpg");
}

#[test]
fn opengraph_and_article_meta() {
    let head = r#"<meta property="og:title" content="Library stays open">
        <meta property="og:site_name" content="Town Crier">
        <meta property="article:published_time" content="2024-05-02T08:00:00Z">
        <meta property="article:modified_time" content="2024-05-03T08:00:00Z">
        <meta property="article:section" content="Local">
        <meta property="og:url" content="https://towncrier.example/local/library?utm_medium=social">"#;
    let (a, _) = run(head, &article_body(""));
    assert_eq!(a.published.as_deref(), Some("2024-05-02T08:00:00Z"));
    assert_eq!(a.modified.as_deref(), Some("2024-05-03T08:00:00Z"));
    assert_eq!(a.section, vec!["Local"]);
    assert_eq!(a.site_name.as_deref(), Some("Town Crier"));
    assert_eq!(a.canonical_url.as_deref(), Some("https://towncrier.example/local/library"));
}

#[test]
fn dublin_core_date_and_creator() {
    let head = r#"<meta name="DC.date.issued" content="2024-05-02"><meta name="DC.creator" content="Ana Lima">"#;
    let (a, _) = run(head, &article_body(""));
    assert_eq!(a.published.as_deref(), Some("2024-05-02"));
    assert_eq!(a.byline, vec!["Ana Lima"]);
}

#[test]
fn time_element() {
    let body = format!(
        "<article><h1>Library stays open</h1><time datetime=\"2024-05-02T09:30:00-04:00\">May 2</time><div>{P1}{P2}</div></article>"
    );
    let (a, _) = run("", &body);
    assert_eq!(a.published.as_deref(), Some("2024-05-02T09:30:00-04:00"));
}

#[test]
fn visible_dateline() {
    let body = format!(
        "<article><h1>Library stays open</h1><span class=\"pub-date\">Published May 2, 2024 at 9:30 a.m.</span><div>{P1}{P2}</div></article>"
    );
    let (a, _) = run("", &body);
    assert_eq!(a.published.as_deref(), Some("2024-05-02T09:30:00"));
}

#[test]
fn url_pattern_is_the_last_resort() {
    let opts = ExtractOptions {
        url: Some("https://towncrier.example/2024/05/02/library-stays-open".into()),
        ..ExtractOptions::default()
    };
    let (a, _) = extract_html(&page("", &article_body("")), &opts);
    assert_eq!(a.published.as_deref(), Some("2024-05-02"));
}

#[test]
fn never_a_date_from_a_script_or_a_related_box() {
    let body = format!(
        "<script>var d = {{\"datePublished\": \"2020-01-01\"}};</script>{}<aside class=\"related\"><time datetime=\"2019-03-03\">3 March</time></aside><div class=\"related-stories\"><span class=\"date\">March 3, 2019</span></div>",
        article_body("")
    );
    let (a, _) = run("", &body);
    assert_eq!(a.published, None);
}

#[test]
fn never_a_date_after_the_fetch() {
    let head = r#"<meta property="article:published_time" content="2030-01-01T00:00:00Z"><meta name="DC.date" content="2024-05-01">"#;
    let (a, d) = run(head, &article_body(""));
    assert_eq!(a.published.as_deref(), Some("2024-05-01"));
    assert!(has(&d, "future_date"));
}

#[test]
fn conflicting_dates_are_reported() {
    let head = r#"<meta property="article:published_time" content="2024-05-02T08:00:00Z"><meta name="DC.date" content="2023-01-01">"#;
    let (a, d) = run(head, &article_body(""));
    assert_eq!(a.published.as_deref(), Some("2024-05-02T08:00:00Z"));
    assert!(has(&d, "date_conflict"));
}

#[test]
fn title_without_site_name() {
    let (a, _) =
        run("<title>Library stays open | Town Crier</title>", &format!("<div>{P1}{P2}</div>"));
    assert_eq!(a.title.as_deref(), Some("Library stays open"));
    let (a, _) = run(
        "<title>TOWN CRIER - Library stays open after a long debate</title>",
        &format!("<div>{P1}{P2}</div>"),
    );
    assert_eq!(a.title.as_deref(), Some("Library stays open after a long debate"));
}

#[test]
fn byline_from_the_page() {
    let body = format!(
        "<article><h1>Library stays open</h1><p class=\"byline\">By Ana Lima and Piet Vos, Reporters</p><div>{P1}{P2}</div></article>"
    );
    let (a, _) = run("", &body);
    assert_eq!(a.byline, vec!["Ana Lima", "Piet Vos"]);
    assert!(!a.body.contains("By Ana Lima"));
}

#[test]
fn canonical_link_resolved_against_the_url() {
    let opts = ExtractOptions {
        url: Some("https://towncrier.example/a?x=1".into()),
        ..ExtractOptions::default()
    };
    let html = page("<link rel=\"canonical\" href=\"/local/library\">", &article_body(""));
    let (a, _) = extract_html(&html, &opts);
    assert_eq!(a.canonical_url.as_deref(), Some("https://towncrier.example/local/library"));
}

#[test]
fn language_declared_or_detected() {
    let (a, _) = run("", &article_body(""));
    assert_eq!(a.language.as_deref(), Some("en"));
    let html = format!("<html lang=\"de-AT\"><body>{}</body></html>", article_body(""));
    let (a, _) = extract_html(&html, &ExtractOptions::default());
    assert_eq!(a.language.as_deref(), Some("de"));
}

#[test]
fn lead_image_with_caption_without_credit() {
    let head = r#"<meta property="og:image" content="https://img.example/lib-1200.jpg">"#;
    let body = format!(
        "<article><figure><img src=\"https://img.example/lib-1200.jpg?w=800\"><figcaption>The reading room. <span class=\"credit\">Photo: A. Lima</span></figcaption></figure><div>{P1}{P2}</div></article>"
    );
    let (a, _) = run(head, &body);
    let img = a.lead_image.unwrap();
    assert_eq!(img.caption.as_deref(), Some("The reading room."));
    assert!(!a.body.contains("Photo: A. Lima"));
}

// ---- boilerplate rules

fn body_of(extra: &str) -> String {
    run("", &article_body(extra)).0.body
}

#[test]
fn navigation_dropped() {
    let (a, _) = run(
        "",
        &format!(
            "<nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/news\">News and more news</a></li></ul></nav>{}",
            article_body("")
        ),
    );
    assert!(!a.body.contains("Home"));
}

#[test]
fn share_bar_dropped() {
    assert!(
        !body_of(
            "<div class=\"share-tools\"><a href=\"https://fb.example\">Share on Facebook</a></div>"
        )
        .contains("Facebook")
    );
}

#[test]
fn cookie_banner_dropped() {
    let (a, _) = run(
        "",
        &format!(
            "<div class=\"cookie-notice\"><p>We use cookies to give you the best experience on our website, and by continuing you agree to it.</p></div>{}",
            article_body("")
        ),
    );
    assert!(!a.body.contains("cookies"));
    assert!(!body_of("<p>We use cookies on this site.</p>").contains("cookies"));
}

#[test]
fn newsletter_prompt_dropped() {
    assert!(
        !body_of(
            "<p>Sign up for our free daily newsletter, delivered to your inbox every morning.</p>"
        )
        .contains("newsletter")
    );
    assert!(!body_of("<div class=\"newsletter-box\"><p>Get the morning briefing every day in your inbox at seven.</p></div>").contains("briefing"));
}

#[test]
fn related_stories_dropped() {
    let b = body_of(
        "<div class=\"related-articles\"><ul><li><a href=\"/x\">Library budget cut in half</a></li></ul></div>",
    );
    assert!(!b.contains("budget cut"));
}

#[test]
fn comments_and_disclaimer_dropped() {
    let b = body_of(
        "<section id=\"comments\"><p>I think this is a great decision for the town and its children, truly.</p></section><p>Comments expressed here do not reflect the opinions of the Town Crier.</p>",
    );
    assert!(!b.contains("great decision"));
    assert!(!b.contains("do not reflect"));
}

#[test]
fn image_credits_dropped() {
    assert!(!body_of("<p>Photo: Getty Images</p>").contains("Getty"));
    assert!(!body_of("<span class=\"image-credit\">AP Photo/Ana Lima</span>").contains("AP Photo"));
}

#[test]
fn read_more_teasers_dropped() {
    assert!(
        !body_of("<p><a href=\"/other\">Read more: How the library was saved in 1998</a></p>")
            .contains("1998")
    );
    // A same-site link teaser between paragraphs, without the words "read more".
    let b =
        body_of("<p><a href=\"/local/2024/05/01/pool\">Town pool to reopen after repairs</a></p>");
    assert!(!b.contains("pool"));
}

#[test]
fn links_to_other_sites_inside_the_prose_are_kept() {
    let b =
        body_of("<p><a href=\"https://shop.example/book\">Get the book at Shop for $12</a></p>");
    assert!(b.contains("Get the book"));
}

#[test]
fn hidden_elements_dropped() {
    let b = body_of(
        "<div style=\"display: none\">Secret tracking text that nobody can see on the page at all.</div><p hidden>Also hidden from every reader.</p>",
    );
    assert!(!b.contains("Secret") && !b.contains("Also hidden"));
}

#[test]
fn date_only_lines_dropped() {
    assert!(!body_of("<p>Updated May 3, 2024</p>").contains("May 3"));
    assert!(!body_of("<p>Published: Fri 3 May 2024 10:02 BST</p>").contains("May"));
    // A tweet's signature line has a date but is not only a date.
    assert!(body_of("<p>— Ana Lima (@analima) May 3, 2024</p>").contains("@analima"));
}

#[test]
fn quotes_and_headings_kept_in_order() {
    let (a, _) = run(
        "",
        &article_body(
            "<h2>What happens next</h2><blockquote><p>“Open every day,” the sign says.</p></blockquote><ul><li>Mondays until eight.</li></ul>",
        ),
    );
    let kinds: Vec<BlockKind> = a.paragraphs.iter().map(|b| b.kind).collect();
    assert_eq!(
        kinds,
        vec![
            BlockKind::Paragraph,
            BlockKind::Heading,
            BlockKind::Quote,
            BlockKind::ListItem,
            BlockKind::Paragraph
        ]
    );
    assert_eq!(a.paragraphs[2].text, "“Open every day,” the sign says.");
}

#[test]
fn json_ld_body_when_the_page_shows_none() {
    let head = r#"<script type="application/ld+json">{"@type":"NewsArticle","articleBody":"First line of the report.\nSecond line."}</script>"#;
    let (a, d) = run(head, "<div id=\"app\"></div>");
    assert_eq!(a.paragraphs.len(), 2);
    assert!(has(&d, "body_from_json_ld"));
}

#[test]
fn teaser_sections_dropped() {
    let b = body_of(
        "<h3>More from the Town Crier</h3><ul><li><a href=\"/a\">Pool reopens</a></li><li>Market moves to Fridays</li></ul>",
    );
    assert!(!b.contains("Pool reopens") && !b.contains("Market moves"));
    assert!(b.contains("the mayor said"), "the article resumes after the list");
}

#[test]
fn press_release_trailer_dropped() {
    let (a, _) = run(
        "",
        &format!(
            "<article><div>{P1}{P2}<p><b>About Acme</b></p><p>Acme makes anvils for cartoon coyotes in 40 countries and employs 1,000 people worldwide.</p></div></article>"
        ),
    );
    assert!(!a.body.contains("anvils"));
}

#[test]
fn follow_up_in_prose_is_kept() {
    assert!(
        body_of("<p>The committee will follow up on the issues raised by residents.</p>")
            .contains("follow up")
    );
}

#[test]
fn social_follow_prompt_dropped() {
    assert!(
        !body_of("<p>Follow the Town Crier on Facebook, Twitter and Instagram.</p>")
            .contains("Follow")
    );
}

#[test]
fn hostile_titles_and_fetch_times() {
    let title = format!("<title>{}</title>", "a | ".repeat(100_000));
    let _ = run(&title, &article_body(""));
    let opts =
        ExtractOptions { fetched_at: Some(DateTime::<Utc>::MAX_UTC), ..ExtractOptions::default() };
    let html = page(
        "<meta property=\"article:published_time\" content=\"2024-05-02\">",
        &article_body(""),
    );
    let (a, _) = extract_html(&html, &opts);
    assert_eq!(a.published.as_deref(), Some("2024-05-02"));
}

#[test]
fn utc_metadata_takes_the_shown_local_day() {
    // The <time> text shows the evening before the UTC day: same instant, publisher's offset.
    let (a, _) = run(
        r#"<meta property="article:published_time" content="2019-11-19T07:03:25+00:00">"#,
        &format!(
            r#"<article><h1>Headline</h1><time datetime="2019-11-19T07:03:25+00:00">November 18, 2019 11:03 PM</time>{P1}{P2}</article>"#
        ),
    );
    assert_eq!(a.published.as_deref(), Some("2019-11-18T23:03:25-08:00"));
    // Without a year in the text, the datetime attribute's year is used.
    let (a, _) = run(
        r#"<meta property="article:published_time" content="2019-11-19T01:19:34Z">"#,
        &format!(
            r#"<article><h1>Headline</h1><time datetime="2019-11-19T01:19:34Z">Posted Nov 18, 8:19 PM</time>{P1}{P2}</article>"#
        ),
    );
    assert_eq!(a.published.as_deref(), Some("2019-11-18T20:19:34-05:00"));
    // A shown day that agrees leaves the UTC value alone.
    let (a, _) = run(
        r#"<meta property="article:published_time" content="2019-11-19T13:03:00Z">"#,
        &format!(
            r#"<article><h1>Headline</h1><time>Nov. 19, 2019 8:03 am ET</time>{P1}{P2}</article>"#
        ),
    );
    assert_eq!(a.published.as_deref(), Some("2019-11-19T13:03:00Z"));
}

#[test]
fn same_wall_clock_with_two_offsets_is_utc_in_the_publisher_zone() {
    let (a, _) = run(
        r#"<script type="application/ld+json">{"@type":"NewsArticle","headline":"Headline","datePublished":"2019-11-20T04:31:13-06:00"}</script>
        <meta property="article:published_time" content="2019-11-20T04:31:13+00:00">"#,
        &format!("<article><h1>Headline</h1>{P1}{P2}</article>"),
    );
    assert_eq!(a.published.as_deref(), Some("2019-11-19T22:31:13-06:00"));
}

#[test]
fn byline_outlets_and_non_names_are_dropped() {
    use super::meta::split_byline;
    assert_eq!(split_byline("VICTOR TANGERMANN, FUTURISM"), vec!["Victor Tangermann"]);
    assert_eq!(split_byline("Finian Cunningham. Sputnik International"), vec!["Finian Cunningham"]);
    assert_eq!(split_byline("Troy L. Smith"), vec!["Troy L. Smith"]);
    assert!(split_byline("Syrian defense ministries").is_empty());
    assert_eq!(split_byline("Carlos da Silva and Ann Lee"), vec!["Carlos da Silva", "Ann Lee"]);
}

#[test]
fn byline_box_reads_its_inner_field_and_ignores_body_layout_classes() {
    let (a, _) = extract_html(
        &format!(
            r#"<html><body class="one-sidebar sidebar-second"><article><h1>Headline</h1><div class="story-byline"><div class="field-byline-original">By LISA MASCARO and ERIC TUCKER</div><div class="field-byline-title">Associated Press</div></div>{P1}{P2}</article></body></html>"#
        ),
        &ExtractOptions::default(),
    );
    assert_eq!(a.byline, vec!["Lisa Mascaro", "Eric Tucker"]);
}

#[test]
fn shown_day_in_a_time_element_moves_a_utc_value_onto_that_day() {
    let (a, _) = run(
        r#"<meta property="article:published_time" content="2019-11-20T05:57:50Z">"#,
        &format!(
            r#"<article><h1>Headline</h1><time datetime="2019-11-20T06:01:19Z">10:01 pm PST, Tuesday, November 19, 2019</time>{P1}{P2}</article>"#
        ),
    );
    assert_eq!(a.published.as_deref().map(|d| &d[..10]), Some("2019-11-19"));
}

#[test]
fn date_in_the_author_box_is_a_dateline() {
    let (a, _) = run(
        "",
        &format!(
            r#"<article><h1>Headline</h1><div class="author-name"><span>JANE DOE</span>
<span>18 NOV 2019</span></div>{P1}{P2}</article>"#
        ),
    );
    assert_eq!(a.published.as_deref(), Some("2019-11-18"));
}
