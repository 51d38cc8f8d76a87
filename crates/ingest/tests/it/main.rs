//! Integration tests for ingest: files, JSONL, WARC, feeds, OPML, the HTTP client and polling,
//! against fixtures in `test_data/ingest` and a local HTTP server (no network).

mod feeds;
mod feeds_conformance;
mod files;
mod http;
mod poll;
mod robustness;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::http::HeaderMap;
use axum::response::Response;

/// A fixture file under `test_data/ingest`.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test_data/ingest").join(name)
}

/// One request the test server received.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Path and query.
    pub path: String,
    /// When it arrived.
    pub at: Instant,
    /// Its headers.
    pub headers: HeaderMap,
}

/// A local HTTP server answering every request through one handler and logging each request.
pub struct TestServer {
    pub addr: SocketAddr,
    pub log: Arc<Mutex<Vec<Hit>>>,
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
    pub fn hits(&self, path: &str) -> Vec<Hit> {
        self.log.lock().unwrap().iter().filter(|h| h.path == path).cloned().collect()
    }
    pub fn all_hits(&self) -> Vec<Hit> {
        self.log.lock().unwrap().clone()
    }
}

pub async fn serve(
    handler: impl Fn(&str, &HeaderMap) -> Response + Send + Sync + 'static,
) -> TestServer {
    let log: Arc<Mutex<Vec<Hit>>> = Arc::default();
    let handler = Arc::new(handler);
    let log2 = log.clone();
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let log = log2.clone();
        let handler = handler.clone();
        async move {
            let path =
                req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
            log.lock().unwrap().push(Hit {
                path: path.clone(),
                at: Instant::now(),
                headers: req.headers().clone(),
            });
            handler(&path, req.headers())
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    TestServer { addr, log }
}

/// A response with a status, headers and body.
pub fn resp(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Response {
    let mut b = Response::builder().status(status);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::from(body.into())).unwrap()
}

/// A client configuration for tests: private addresses allowed, no politeness delay.
pub fn test_cfg() -> ingest::http::HttpConfig {
    ingest::http::HttpConfig {
        allow_private_addresses: true,
        per_host_interval_ms: 0,
        ..Default::default()
    }
}
