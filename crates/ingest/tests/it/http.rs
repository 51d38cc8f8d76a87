//! The HTTP client against a local server: conditional GET, robots.txt, rate limits, redirects,
//! the SSRF guard and body caps.

use std::io::Write;
use std::time::Duration;

use ingest::Error;
use ingest::http::{Client, HttpConfig, Validators};
use model::SourceKind;

use crate::{resp, serve, test_cfg};

#[tokio::test]
async fn conditional_get_304() {
    let srv = serve(|path, headers| match path {
        "/feed.xml" if headers.get("if-none-match").is_some_and(|v| v == "\"v1\"") => {
            resp(304, &[], "")
        }
        "/feed.xml" => resp(
            200,
            &[
                ("etag", "\"v1\""),
                ("last-modified", "Wed, 01 May 2024 10:00:00 GMT"),
                ("content-type", "application/rss+xml"),
            ],
            "<rss/>",
        ),
        _ => resp(404, &[], ""),
    })
    .await;
    let client = Client::new(test_cfg()).unwrap();
    let first = client.get(&srv.url("/feed.xml"), None).await.unwrap();
    assert_eq!(first.status, 200);
    assert!(!first.not_modified);
    assert_eq!(first.body, b"<rss/>");
    assert_eq!(first.etag.as_deref(), Some("\"v1\""));
    assert_eq!(first.content_type.as_deref(), Some("application/rss+xml"));
    let v = Validators { etag: first.etag.clone(), last_modified: first.last_modified.clone() };
    let second = client.get(&srv.url("/feed.xml"), Some(&v)).await.unwrap();
    assert!(second.not_modified);
    assert_eq!(second.status, 304);
    assert!(second.body.is_empty());
    let hits = srv.hits("/feed.xml");
    assert_eq!(hits[1].headers.get("if-modified-since").unwrap(), "Wed, 01 May 2024 10:00:00 GMT");
    assert!(hits[0].headers.get("user-agent").unwrap().to_str().unwrap().starts_with("wirewatch/"));
}

#[tokio::test]
async fn robots_disallow_is_honoured_and_cached() {
    let srv = serve(|path, _| match path {
        "/robots.txt" => resp(
            200,
            &[],
            "User-agent: *\nDisallow: /private\n\nUser-agent: wirewatch\nDisallow: /secret\n",
        ),
        _ => resp(200, &[("content-type", "text/html")], "<title>ok</title>"),
    })
    .await;
    let client = Client::new(HttpConfig { respect_robots: true, ..test_cfg() }).unwrap();
    let err = client.get(&srv.url("/secret/page"), None).await.unwrap_err();
    assert!(matches!(err, Error::RobotsDisallowed { .. }), "{err}");
    assert!(err.to_string().contains("/secret/page"));
    // Our own group replaces the `*` group.
    client.get(&srv.url("/private"), None).await.unwrap();
    client.get(&srv.url("/public"), None).await.unwrap();
    assert_eq!(srv.hits("/robots.txt").len(), 1, "robots.txt fetched once per host");
    assert!(srv.hits("/secret/page").is_empty());
    let doc = client.fetch_page(&srv.url("/secret/x"), SourceKind::Url).await.unwrap_err();
    assert!(doc.message.contains("robots.txt"), "{doc}");
}

#[tokio::test]
async fn per_host_rate_limit_spaces_requests() {
    let srv = serve(|_, _| resp(200, &[], "x")).await;
    let interval = 300;
    let client = Client::new(HttpConfig {
        per_host_interval_ms: interval,
        respect_robots: false,
        ..test_cfg()
    })
    .unwrap();
    let urls: Vec<String> = (0..4).map(|i| srv.url(&format!("/p{i}"))).collect();
    let futs = urls.iter().map(|u| client.get(u, None));
    for r in futures_util::future::join_all(futs).await {
        r.unwrap();
    }
    let mut times: Vec<_> = srv.all_hits().into_iter().map(|h| h.at).collect();
    times.sort();
    assert_eq!(times.len(), 4);
    for w in times.windows(2) {
        // Allow for scheduling jitter between the client's start and the server's receipt.
        assert!(w[1] - w[0] >= Duration::from_millis(interval - 60), "gap {:?}", w[1] - w[0]);
    }
}

#[tokio::test]
async fn waiting_for_a_global_permit_never_squeezes_one_hosts_requests() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    // A slow host holds the only global permit for 400 ms while two requests to another host
    // wait: once it is free, the second must still come a full interval after the first.
    let slow = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let slow_port = slow.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = slow.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 2048];
                let _ = conn.read(&mut buf).await;
                tokio::time::sleep(Duration::from_millis(400)).await;
                let answer = "HTTP/1.1 200 OK\r\ncontent-length: 1\r\nconnection: close\r\n\r\nx";
                let _ = conn.write_all(answer.as_bytes()).await;
            });
        }
    });
    let srv = serve(|_, _| resp(200, &[], "x")).await;
    let interval = 300;
    let client = Client::new(HttpConfig {
        per_host_interval_ms: interval,
        max_concurrency: 1,
        respect_robots: false,
        ..test_cfg()
    })
    .unwrap();
    let slow_url = format!("http://localhost:{slow_port}/slow");
    let slow_req = client.get(&slow_url, None);
    let (a, b) = (srv.url("/a"), srv.url("/b"));
    let later = async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        futures_util::future::join(client.get(&a, None), client.get(&b, None)).await
    };
    let (slow_res, (ra, rb)) = futures_util::future::join(slow_req, later).await;
    slow_res.unwrap();
    ra.unwrap();
    rb.unwrap();
    let mut times: Vec<_> = srv.all_hits().into_iter().map(|h| h.at).collect();
    times.sort();
    assert_eq!(times.len(), 2);
    let gap = times[1] - times[0];
    assert!(gap >= Duration::from_millis(interval - 60), "gap {gap:?}");
}

#[tokio::test]
async fn redirects_followed_and_limited() {
    let srv = serve(|path, _| match path {
        "/r1" => resp(301, &[("location", "/r2")], ""),
        "/r2" => resp(302, &[("location", "/page?x=1")], ""),
        "/page?x=1" => {
            resp(200, &[("content-type", "text/html")], "<link rel=canonical href='/canon'>")
        }
        "/loop" => resp(302, &[("location", "/loop")], ""),
        "/ftp" => resp(302, &[("location", "ftp://x.example/")], ""),
        _ => resp(404, &[], ""),
    })
    .await;
    let client = Client::new(HttpConfig { max_redirects: 3, ..test_cfg() }).unwrap();
    let r = client.get(&srv.url("/r1"), None).await.unwrap();
    assert_eq!(r.final_url, srv.url("/page?x=1"));
    let err = client.get(&srv.url("/loop"), None).await.unwrap_err();
    assert!(matches!(err, Error::TooManyRedirects { limit: 3, .. }), "{err}");
    assert_eq!(srv.hits("/loop").len(), 4);
    assert!(client.get(&srv.url("/ftp"), None).await.is_err());
    let err = client.get(&srv.url("/missing"), None).await.unwrap_err();
    assert!(matches!(err, Error::Status { status: 404, .. }));
    assert!(err.to_string().contains("/missing"));
    // The page's identity comes from its rel=canonical, resolved against the final URL.
    let doc = client.fetch_page(&srv.url("/r1"), SourceKind::Url).await.unwrap();
    assert_eq!(doc.key.as_str(), srv.url("/canon"));
    assert_eq!(doc.url.as_deref(), Some(srv.url("/page?x=1").as_str()));
    assert_eq!(doc.origin, srv.url("/r1"));
}

#[tokio::test]
async fn ssrf_guard_refuses_internal_addresses() {
    let srv = serve(|_, _| resp(200, &[], "secret")).await;
    let port = srv.addr.port();
    let client = Client::new(HttpConfig::default()).unwrap();
    for url in [
        format!("http://127.0.0.1:{port}/"),
        format!("http://localhost:{port}/"),
        format!("http://[::ffff:127.0.0.1]:{port}/"),
        format!("http://0x7f.1:{port}/"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://10.0.0.1/".to_string(),
        "http://[fe80::1]/".to_string(),
    ] {
        let err = client.get(&url, None).await.unwrap_err();
        assert!(matches!(err, Error::Refused { .. }), "{url}: {err}");
    }
    let err = client.get("http://169.254.169.254/latest/meta-data/", None).await.unwrap_err();
    assert!(
        err.to_string().contains("169.254.169.254") && err.to_string().contains("link-local"),
        "{err}"
    );
    assert!(srv.all_hits().is_empty(), "nothing reached the server");
    assert!(client.get("file:///etc/passwd", None).await.is_err());
}

#[tokio::test]
async fn ssrf_guard_checks_every_redirect() {
    let srv_holder = std::sync::Arc::new(std::sync::OnceLock::<u16>::new());
    let port_cell = srv_holder.clone();
    let srv = serve(move |path, _| {
        let port = *port_cell.get().unwrap();
        match path {
            "/to-loopback" => {
                resp(302, &[("location", &format!("http://127.0.0.1:{port}/page"))], "")
            }
            "/to-metadata" => {
                resp(302, &[("location", "http://169.254.169.254/latest/meta-data/")], "")
            }
            _ => resp(200, &[("content-type", "text/html")], "page"),
        }
    })
    .await;
    srv_holder.set(srv.addr.port()).unwrap();
    // Only the name `localhost` is exempt, as an intranet feed server would be; redirects from it
    // to other internal addresses are still refused.
    let client = Client::new(HttpConfig {
        allowed_private_hosts: vec!["localhost".into()],
        respect_robots: false,
        per_host_interval_ms: 0,
        ..HttpConfig::default()
    })
    .unwrap();
    let base = format!("http://localhost:{}", srv.addr.port());
    client.get(&format!("{base}/page"), None).await.unwrap();
    for path in ["/to-loopback", "/to-metadata"] {
        let err = client.get(&format!("{base}{path}"), None).await.unwrap_err();
        assert!(matches!(err, Error::Refused { .. }), "{path}: {err}");
    }
    assert_eq!(srv.hits("/page").len(), 1, "the redirect target was never requested");
}

#[tokio::test]
async fn oversized_and_gzip_bomb_bodies_are_cut() {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..32 {
        enc.write_all(&chunk).unwrap();
    }
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < 200_000);
    let srv = serve(move |path, _| match path {
        "/big" => resp(200, &[("content-type", "text/html")], vec![b'a'; 3 << 20]),
        "/bomb" => {
            resp(200, &[("content-type", "text/html"), ("content-encoding", "gzip")], bomb.clone())
        }
        _ => resp(404, &[], ""),
    })
    .await;
    let cap = 1 << 20;
    let client = Client::new(HttpConfig { max_body_bytes: cap, ..test_cfg() }).unwrap();
    let big = client.get(&srv.url("/big"), None).await.unwrap();
    assert!(big.truncated);
    assert_eq!(big.body.len() as u64, cap);
    let bomb = client.get(&srv.url("/bomb"), None).await.unwrap();
    assert!(bomb.truncated);
    assert_eq!(bomb.body.len() as u64, cap);
    assert!(bomb.body.iter().all(|&b| b == b' '), "decompressed, not raw gzip");
    let doc = client.fetch_page(&srv.url("/bomb"), SourceKind::Url).await.unwrap();
    assert!(doc.diagnostics.iter().any(|d| d.code == "truncated_input"));
}

#[tokio::test]
async fn fetch_page_decodes_charset_and_refuses_non_pages() {
    let sjis = std::fs::read(crate::fixture("page-shift_jis.html")).unwrap();
    let srv = serve(move |path, _| match path {
        "/ja" => resp(200, &[("content-type", "text/html")], sjis.clone()),
        "/latin" => resp(
            200,
            &[("content-type", "text/html; charset=iso-8859-1")],
            b"<title>Caf\xe9</title>".to_vec(),
        ),
        "/img" => resp(200, &[("content-type", "image/png")], "png"),
        _ => resp(404, &[], ""),
    })
    .await;
    let client = Client::new(test_cfg()).unwrap();
    let ja = client.fetch_page(&srv.url("/ja"), SourceKind::Url).await.unwrap();
    assert_eq!(ja.title.as_deref(), Some("日本のニュース"));
    assert_eq!(ja.source_kind, SourceKind::Url);
    let latin = client.fetch_page(&srv.url("/latin"), SourceKind::Url).await.unwrap();
    assert_eq!(latin.title.as_deref(), Some("Café"));
    assert_eq!(latin.outlet.as_deref(), Some("127.0.0.1"));
    let err = client.fetch_page(&srv.url("/img"), SourceKind::Url).await.unwrap_err();
    assert!(err.message.contains("image/png"));
    assert_eq!(err.origin, srv.url("/img"));
}

#[tokio::test]
async fn robots_server_error_means_disallow_and_crawl_delay_spaces() {
    let failing = serve(|path, _| match path {
        "/robots.txt" => resp(503, &[], ""),
        _ => resp(200, &[], "x"),
    })
    .await;
    let client = Client::new(HttpConfig { respect_robots: true, ..test_cfg() }).unwrap();
    let err = client.get(&failing.url("/a"), None).await.unwrap_err();
    assert!(matches!(err, Error::RobotsDisallowed { .. }), "{err}");

    let slow = serve(|path, _| match path {
        "/robots.txt" => resp(200, &[], "User-agent: *\nCrawl-delay: 0.4\n"),
        _ => resp(200, &[], "x"),
    })
    .await;
    for p in ["/1", "/2"] {
        client.get(&slow.url(p), None).await.unwrap();
    }
    let (a, b) = (slow.hits("/1")[0].at, slow.hits("/2")[0].at);
    assert!(b - a >= Duration::from_millis(340), "gap {:?}", b - a);
}

/// A handler that holds each request for a while and records the most requests in flight at once.
fn counting_handler(
    gauge: std::sync::Arc<(std::sync::atomic::AtomicUsize, std::sync::atomic::AtomicUsize)>,
) -> impl Fn(&str, &axum::http::HeaderMap) -> axum::response::Response + Send + Sync + 'static {
    use std::sync::atomic::Ordering::SeqCst;
    move |_, _| {
        let now = gauge.0.fetch_add(1, SeqCst) + 1;
        gauge.1.fetch_max(now, SeqCst);
        // Blocking on purpose: the test runs on a multi-threaded runtime.
        std::thread::sleep(Duration::from_millis(80));
        gauge.0.fetch_sub(1, SeqCst);
        resp(200, &[], "x")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 6)]
async fn per_host_and_global_concurrency_are_bounded() {
    use std::sync::atomic::Ordering::SeqCst;
    let gauge = std::sync::Arc::new(Default::default());
    let srv = serve(counting_handler(std::sync::Arc::clone(&gauge))).await;
    let client = Client::new(HttpConfig {
        per_host_concurrency: 2,
        max_concurrency: 10,
        respect_robots: false,
        ..test_cfg()
    })
    .unwrap();
    let urls: Vec<String> = (0..6).map(|i| srv.url(&format!("/{i}"))).collect();
    for r in futures_util::future::join_all(urls.iter().map(|u| client.get(u, None))).await {
        r.unwrap();
    }
    assert!(gauge.1.load(SeqCst) <= 2, "at most two requests to one host at once");

    // Two hosts (two ports), one global slot: never more than one request in flight.
    let gauge2 = std::sync::Arc::new(Default::default());
    let a = serve(counting_handler(std::sync::Arc::clone(&gauge2))).await;
    let b = serve(counting_handler(std::sync::Arc::clone(&gauge2))).await;
    let client = Client::new(HttpConfig {
        per_host_concurrency: 4,
        max_concurrency: 1,
        respect_robots: false,
        ..test_cfg()
    })
    .unwrap();
    let urls: Vec<String> =
        (0..3).flat_map(|i| [a.url(&format!("/{i}")), b.url(&format!("/{i}"))]).collect();
    for r in futures_util::future::join_all(urls.iter().map(|u| client.get(u, None))).await {
        r.unwrap();
    }
    assert_eq!(gauge2.1.load(SeqCst), 1, "the global limit holds across hosts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 3)]
async fn slow_server_times_out() {
    let srv = serve(|_, _| {
        std::thread::sleep(Duration::from_millis(2500));
        resp(200, &[], "late")
    })
    .await;
    let client = Client::new(HttpConfig {
        read_timeout_secs: 1,
        total_timeout_secs: 1,
        respect_robots: false,
        ..test_cfg()
    })
    .unwrap();
    let err = client.get(&srv.url("/slow"), None).await.unwrap_err();
    assert!(err.to_string().contains("timed out"), "{err}");
    assert!(err.to_string().contains("/slow"), "{err}");
}

#[tokio::test]
async fn post_sends_headers_and_body_and_does_not_follow_redirects() {
    let srv = serve(|path, headers| match path {
        "/hook" if headers.get("x-sig").is_some_and(|v| v == "abc") => resp(204, &[], ""),
        "/moved" => resp(307, &[("location", "/hook")], ""),
        _ => resp(500, &[], "no"),
    })
    .await;
    let client = Client::new(test_cfg()).unwrap();
    let status = client.post(&srv.url("/hook"), &[("x-sig", "abc")], b"{}".to_vec()).await;
    assert_eq!(status.unwrap(), 204);
    let err = client.post(&srv.url("/hook"), &[], b"{}".to_vec()).await.unwrap_err();
    assert!(matches!(err, Error::Status { status: 500, .. }), "{err}");
    let err = client.post(&srv.url("/moved"), &[("x-sig", "abc")], vec![]).await.unwrap_err();
    assert!(matches!(err, Error::Status { status: 307, .. }), "{err}");
    assert_eq!(srv.hits("/hook").len(), 2, "the redirect was not followed");
    let err = client.post(&srv.url("/hook"), &[("bad name", "x")], vec![]).await.unwrap_err();
    assert!(err.to_string().contains("invalid header"), "{err}");

    // With the default configuration the SSRF guard refuses the loopback receiver.
    let guarded = Client::new(HttpConfig::default()).unwrap();
    let err = guarded.post(&srv.url("/hook"), &[("x-sig", "abc")], vec![]).await.unwrap_err();
    assert!(matches!(err, Error::Refused { .. }), "{err}");
    assert!(matches!(guarded.check_url(&srv.url("/hook")).await, Err(Error::Refused { .. })));
    assert!(client.check_url(&srv.url("/hook")).await.is_ok());
    assert!(matches!(client.check_url("ftp://x.example/").await, Err(Error::InvalidUrl { .. })));
}

#[tokio::test]
async fn resolve_override_reaches_named_hosts_and_is_guarded() {
    let srv = serve(|_, _| resp(200, &[("content-type", "text/html")], "<title>ok</title>")).await;
    let port = srv.addr.port();
    let loopback: std::net::IpAddr = "127.0.0.1".parse().unwrap();
    let resolve: std::collections::BTreeMap<_, _> =
        ["a.feeds.test", "B.feeds.test"].map(|h| (h.to_string(), vec![loopback])).into();
    // Two names, one server: each name is its own host (Host header, politeness state).
    let client = Client::new(HttpConfig { resolve: resolve.clone(), ..test_cfg() }).unwrap();
    for host in ["a.feeds.test", "b.feeds.test"] {
        let r = client.get(&format!("http://{host}:{port}/p"), None).await.unwrap();
        assert_eq!(r.body, b"<title>ok</title>");
    }
    let hosts: Vec<String> = srv
        .hits("/p")
        .iter()
        .map(|h| h.headers.get("host").unwrap().to_str().unwrap().to_string())
        .collect();
    assert_eq!(hosts, [format!("a.feeds.test:{port}"), format!("b.feeds.test:{port}")]);
    // Without private addresses allowed, an override to loopback is refused like a DNS answer.
    let guarded =
        Client::new(HttpConfig { resolve, allow_private_addresses: false, ..test_cfg() }).unwrap();
    let err = guarded.get(&format!("http://a.feeds.test:{port}/q"), None).await.unwrap_err();
    assert!(matches!(err, Error::Refused { .. }), "{err}");
    assert!(err.to_string().contains("http.resolve"), "{err}");
    assert!(srv.hits("/q").is_empty());
    let bad = std::collections::BTreeMap::from([("x.test".to_string(), Vec::new())]);
    let err = Client::new(HttpConfig { resolve: bad, ..test_cfg() }).unwrap_err();
    assert!(err.to_string().contains("x.test"), "{err}");
}
