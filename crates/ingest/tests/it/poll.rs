//! Polling feeds against a local server: articles fetched, validators kept, 304, backoff.

use chrono::{Duration, Utc};
use ingest::http::Client;
use ingest::poll::{PollConfig, poll_feed};
use model::{FeedRecord, FeedState, SourceKind};

use crate::{resp, serve, test_cfg};

const FEED: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Local News</title>
<item><title>Item A</title><link>/a</link><pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate></item>
<item><title>Item B title</title><link>/b?utm_source=rss</link><pubDate>Wed, 01 May 2024 09:00:00 GMT</pubDate></item>
<item><title>Item C</title><link>/c</link></item>
<item><title>Item A again</title><link>/a</link></item>
</channel></rss>"#;

fn server_handler(path: &str, headers: &axum::http::HeaderMap) -> axum::response::Response {
    match path {
        "/feed.xml" if headers.get("if-none-match").is_some_and(|v| v == "\"f1\"") => {
            resp(304, &[], "")
        }
        "/feed.xml" => {
            resp(200, &[("etag", "\"f1\""), ("content-type", "application/rss+xml")], FEED)
        }
        "/a" => resp(
            200,
            &[("content-type", "text/html")],
            "<html><head><title>Page A</title></head></html>",
        ),
        "/b" => resp(200, &[("content-type", "text/html")], "<html><body>no title</body></html>"),
        "/c" => resp(200, &[("content-type", "text/html")], "<title>C</title>"),
        "/broken.xml" => {
            resp(200, &[("content-type", "application/rss+xml")], "<rss><channel><item>")
        }
        "/index.xml" => {
            resp(200, &[], "<sitemapindex><sitemap><loc>/s1.xml</loc></sitemap></sitemapindex>")
        }
        "/s1.xml" => resp(
            200,
            &[],
            "<urlset xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\"><url><loc>/a</loc></url><url><loc>/c</loc><news:news><news:title>C news</news:title></news:news></url></urlset>",
        ),
        _ => resp(404, &[], ""),
    }
}

#[tokio::test]
async fn poll_fetches_new_articles_then_304() {
    let srv = serve(server_handler).await;
    let client = Client::new(test_cfg()).unwrap();
    let now = Utc::now();
    let mut feed = FeedRecord::new(srv.url("/feed.xml"), None, None, now);
    let cfg = PollConfig::default();
    let c_url = srv.url("/c");
    let skip = |u: &str| u == c_url;
    let report = poll_feed(&client, &mut feed, &cfg, now, &skip).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert!(!report.not_modified);
    let docs: Vec<_> = report.documents.into_iter().map(|d| d.unwrap()).collect();
    assert_eq!(docs.len(), 2, "C skipped, duplicate A dropped");
    assert_eq!(docs[0].title.as_deref(), Some("Page A"), "the page's own title wins");
    assert_eq!(docs[1].title.as_deref(), Some("Item B title"), "feed title fills in");
    assert_eq!(docs[1].key.as_str(), srv.url("/b"));
    assert!(docs[1].published.is_some());
    assert!(docs.iter().all(|d| d.source_kind == SourceKind::Feed));
    assert!(srv.hits("/c").is_empty());
    assert_eq!(feed.title.as_deref(), Some("Local News"));
    assert_eq!(feed.etag.as_deref(), Some("\"f1\""));
    assert_eq!(feed.state, FeedState::Ok);
    assert_eq!(feed.last_status, Some(200));
    assert_eq!(feed.last_fetch, Some(now));
    assert_eq!(feed.next_due, Some(now + Duration::seconds(900)));

    let report = poll_feed(&client, &mut feed, &cfg, now, &|_| false).await;
    assert!(report.not_modified);
    assert!(report.documents.is_empty());
    assert_eq!(feed.last_status, Some(304));
    assert_eq!(feed.state, FeedState::Ok);
}

#[tokio::test]
async fn failing_feed_backs_off() {
    let srv = serve(server_handler).await;
    let client = Client::new(test_cfg()).unwrap();
    let now = Utc::now();
    let cfg = PollConfig { interval_secs: 100, max_items_per_feed: 10, max_backoff_secs: 350 };
    let mut feed = FeedRecord::new(srv.url("/broken.xml"), None, None, now);
    for (i, wait) in [200, 350, 350].into_iter().enumerate() {
        let report = poll_feed(&client, &mut feed, &cfg, now, &|_| false).await;
        assert!(report.error.is_some());
        assert_eq!(feed.failures, i as u32 + 1);
        assert_eq!(feed.state, FeedState::Failing);
        assert_eq!(feed.next_due, Some(now + Duration::seconds(wait)));
        assert!(feed.last_error.as_deref().unwrap().contains("broken.xml"));
    }
    let mut missing = FeedRecord::new(srv.url("/gone.xml"), None, None, now);
    let report = poll_feed(&client, &mut missing, &cfg, now, &|_| false).await;
    assert!(report.error.unwrap().contains("404"));
    assert_eq!(missing.last_status, Some(404));
}

#[tokio::test]
async fn sitemap_index_children_are_fetched() {
    let srv = serve(server_handler).await;
    let client = Client::new(test_cfg()).unwrap();
    let now = Utc::now();
    let mut feed = FeedRecord::new(srv.url("/index.xml"), None, None, now);
    let report = poll_feed(&client, &mut feed, &PollConfig::default(), now, &|_| false).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    let docs: Vec<_> = report.documents.into_iter().map(|d| d.unwrap()).collect();
    assert_eq!(docs.len(), 2);
    assert!(docs.iter().any(|d| d.title.as_deref() == Some("C")));
}

#[tokio::test]
async fn a_feed_is_read_as_served_entities_charset_links_and_full_text() {
    // Latin-1 bytes that the XML declaration calls UTF-8: the Content-Type charset wins; an
    // HTML entity; a relative link resolved against the URL after a redirect; an entry with no
    // page whose full text is in the feed.
    let feed = b"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>Caf\xe9 &amp; Co</title>\
<item><title>Caf&eacute;&nbsp;news</title><link>a</link></item>\
<item><title>Wire copy</title><guid isPermaLink=\"false\">wire-77</guid><content:encoded><![CDATA[<p>Moscow said on Friday it would expel ten diplomats.</p>]]></content:encoded></item>\
</channel></rss>".to_vec();
    let srv = serve(move |path, _| match path {
        "/old/feed" => resp(301, &[("location", "/news/feed.xml")], ""),
        "/news/feed.xml" => {
            resp(200, &[("content-type", "application/rss+xml; charset=iso-8859-1")], feed.clone())
        }
        "/news/a" => {
            resp(200, &[("content-type", "text/html")], "<html><body><p>page</p></body></html>")
        }
        _ => resp(404, &[], ""),
    })
    .await;
    let client = Client::new(test_cfg()).unwrap();
    let now = Utc::now();
    let mut feed = FeedRecord::new(srv.url("/old/feed"), None, None, now);
    let report = poll_feed(&client, &mut feed, &PollConfig::default(), now, &|_| false).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(feed.title.as_deref(), Some("Café & Co"));
    let docs: Vec<_> = report.documents.into_iter().map(|d| d.unwrap()).collect();
    assert_eq!(docs.len(), 2, "{docs:?}");
    let text = docs.iter().find(|d| d.url.is_none()).expect("the full-text entry is a document");
    assert!(text.content.contains("expel ten diplomats"), "{}", text.content);
    assert_eq!(text.title.as_deref(), Some("Wire copy"));
    assert!(text.origin.ends_with("#wire-77"), "{}", text.origin);
    let page = docs.iter().find(|d| d.url.is_some()).unwrap();
    assert_eq!(page.url.as_deref(), Some(srv.url("/news/a").as_str()));
    assert_eq!(page.title.as_deref(), Some("Café news"));
}
