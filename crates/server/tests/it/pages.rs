//! The HTML pages: what a reader sees, landmarks and ids tests rely on, and escaping of hostile
//! article text, titles, outlets and URLs.

use axum::http::{StatusCode, header};

use crate::support::*;

async fn page(uri: &str) -> String {
    let (s, resp, body) = send(&shared_app(), get(uri)).await;
    assert_eq!(s, StatusCode::OK, "{uri}: {body}");
    let ct = resp.headers()[header::CONTENT_TYPE].to_str().unwrap();
    assert!(ct.starts_with("text/html"), "{uri}: {ct}");
    assert!(body.contains("<main id=\"main\""), "{uri} has no main landmark");
    assert!(body.contains("<nav aria-label=\"Main\">"), "{uri} has no nav landmark");
    assert_eq!(body.matches("<h1").count(), 1, "{uri} needs exactly one h1");
    body
}

#[tokio::test]
async fn home_lists_breaking_then_developing_stories() {
    let body = page("/").await;
    let breaking = body.find("id=\"h-breaking\"").expect("breaking section");
    let developing = body.find("id=\"h-developing\"").expect("developing section");
    assert!(breaking < developing);
    assert!(body.contains("href=\"/stories/s1\""));
    assert!(body.contains("id=\"story-s2\""));
    // Copies counted once: s1 has five articles from four independent outlets.
    assert!(body.contains("4 outlets · 5 articles (1 copy)"), "{body}");
    // The latest reversal or contradiction, with both pieces of evidence.
    assert!(body.contains("id=\"latest-finding\""), "no latest finding");
}

#[tokio::test]
async fn story_page_shows_who_said_what_outlets_plot_and_findings() {
    let body = page("/stories/s1").await;
    for id in [
        "id=\"first-report\"",
        "id=\"timeline\"",
        "id=\"findings\"",
        "id=\"speakers\"",
        "id=\"outlets\"",
        "id=\"coverage\"",
        "id=\"articles\"",
    ] {
        assert!(body.contains(id), "story page lacks {id}");
    }
    assert!(body.contains("via <strong>TASS"), "no relay shown");
    assert!(body.contains("<svg"), "no coverage plot");
    assert!(body.contains("class=\"dot copy\""), "the copy is not drawn hollow");
    assert!(body.contains("class=\"finding "), "no finding shown");
    assert!(body.contains("<strong>Before</strong>") || body.contains("<strong>Source</strong>"));
}

#[tokio::test]
async fn article_page_highlights_and_shows_the_diff() {
    let (_, story) = send_json(&shared_app(), get("/api/stories/s2")).await;
    let id = story["articles"][0]["id"].as_i64().unwrap();
    let body = page(&format!("/articles/{id}")).await;
    assert!(body.contains("id=\"versions\""));
    assert!(body.contains("id=\"diff\""));
    assert!(body.contains("<ins>") && body.contains("<del>"), "no diff marks");
    assert!(body.contains(&format!("href=\"/articles/{id}?version=1\"")));
    let v1 = page(&format!("/articles/{id}?version=1")).await;
    assert!(!v1.contains("id=\"diff\""));
    let s1 = send_json(&shared_app(), get("/api/stories/s1")).await.1;
    let lavrov = s1["articles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["outlet"] == "wire-east.example")
        .unwrap();
    let body = page(&format!("/articles/{}", lavrov["id"])).await;
    assert!(body.contains("<mark class=\"statement\" id=\"st-0\""), "statements not highlighted");
    assert!(body.contains("<a class=\"entity\" href=\"/entities/"), "entities not linked");
    assert!(body.contains("href=\"#st-0\""), "facts not linked to their evidence");
}

#[tokio::test]
async fn entity_page_shows_statements_and_aliases() {
    let (_, list) = send_json(&shared_app(), get("/api/entities?q=putin")).await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let body = page(&format!("/entities/{id}")).await;
    assert!(body.contains("id=\"statements\"") && body.contains("id=\"aliases\""));
    assert!(body.contains("href=\"/stories/s1\""));
    // Not logged in: no edit forms, a pointer to the login instead.
    assert!(!body.contains("id=\"merge-form\""));
    assert!(body.contains("to merge or split aliases"));
}

#[tokio::test]
async fn hostile_article_text_is_escaped_everywhere() {
    let app = shared_app();
    let (_, story) = send_json(&app, get("/api/stories/s3")).await;
    let id = story["articles"][0]["id"].as_i64().unwrap();
    for uri in [format!("/articles/{id}"), "/stories/s3".to_string(), "/".to_string()] {
        let (s, _, body) = send(&app, get(&uri)).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        assert!(!body.contains("<script"), "{uri}: unescaped script tag");
        assert!(!body.contains("<img"), "{uri}: attribute injection");
        assert!(!body.contains("onerror=alert(1)>"), "{uri}: injected attribute");
        assert!(!body.contains("href=\"javascript:"), "{uri}: javascript: URL linked");
        assert!(!body.contains("<b>deny"), "{uri}: markup from the article");
    }
    let (_, _, body) = send(&app, get(&format!("/articles/{id}"))).await;
    assert!(body.contains("&lt;script&gt;alert('quote')&lt;/script&gt;"), "body text missing");
    assert!(body.contains("<span class=\"url\">javascript:alert('url')</span>"), "{body}");
    let (_, _, body) = send(&app, get("/stories/s3")).await;
    assert!(body.contains("evil.example&quot;&gt;&lt;script&gt;"), "outlet not escaped");
}

#[tokio::test]
async fn unknown_pages_are_404_pages() {
    let (s, _, body) = send(&shared_app(), get("/stories/s404")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(body.contains("data-code=\"not_found\""));
    let (s, _, _) = send(&shared_app(), get("/no/such/page")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, body) = send(&shared_app(), get("/static/style.css")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains(":focus-visible"));
}

/// A story carried by many articles: one page of articles with links to the next, and each
/// statement lists its first carriers and counts the rest, so the page stays small.
#[tokio::test]
async fn big_story_pages_its_articles_and_bounds_its_lists() {
    let dir = tempfile::tempdir().unwrap();
    let docs: Vec<(&str, model::RawDocument, Option<usize>)> = (0..60)
        .map(|i| {
            let text = format!(
                "Harbour works report {i}\n\nThe mayor, Anna Berg, said: \"The harbour will reopen \
                 in the spring.\" Work on pier {i} continues, officials said."
            );
            let d = doc(
                &format!("https://outlet{i}.example/harbour"),
                &format!("outlet{i}.example"),
                model::ContentKind::Text,
                text,
                1 + (i % 20) as u32,
            );
            ("s9", d, None)
        })
        .collect();
    fill(dir.path(), &docs);
    let app = server::app(
        server::AppState::new(
            &store::Location::Dir(dir.path().to_owned()),
            dir.path(),
            config(),
            TOKEN,
        )
        .unwrap(),
    );
    let (s, _, body) = send(&app, get("/stories/s9")).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body.contains("Articles 1–50 of 60"), "{body}");
    assert_eq!(body.matches("<li><a href=\"/articles/").count(), 50);
    assert!(body.contains("href=\"/stories/s9?limit=50&amp;offset=50#articles\""), "no next link");
    assert!(body.contains("more articles"), "carriers are not counted: {body}");
    let (_, _, second) = send(&app, get("/stories/s9?limit=50&offset=50")).await;
    assert!(second.contains("Articles 51–60 of 60"), "{second}");
    assert!(second.contains("rel=\"prev\""));
    let (_, v) = send_json(&app, get("/api/stories/s9?limit=10&offset=20")).await;
    assert_eq!(v["articles"].as_array().unwrap().len(), 10);
    assert_eq!(v["articles_total"], 60);
    assert_eq!(v["next"], "/api/stories/s9?limit=10&offset=30");
    let said = v["speakers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["statements"].as_array().unwrap())
        .find(|c| c["text"].as_str().unwrap().contains("harbour will reopen"))
        .expect("the mayor's statement");
    assert_eq!(said["carried_total"], 60, "{said}");
    assert_eq!(said["carried_by"].as_array().unwrap().len(), server::data::CARRIERS_SHOWN);
    // Sixty distinct statements by one speaker: the most carried few are shown, all counted.
    let busiest = &v["speakers"][0];
    assert_eq!(busiest["statements_total"], 60, "{busiest}");
    assert_eq!(busiest["statements"].as_array().unwrap().len(), server::data::STATEMENTS_SHOWN);
}
