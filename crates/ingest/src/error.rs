//! The crate's one error type and its `Result` alias.

/// Everything that can go wrong in ingest when nothing useful can be made of the input.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading a local file or stream failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or stream.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A URL could not be parsed or is not http(s).
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it is refused.
        reason: String,
    },
    /// The SSRF guard refused the address a URL points to.
    #[error("refused {url}: {reason}")]
    Refused {
        /// The URL.
        url: String,
        /// Why (e.g. "127.0.0.1 is a loopback address").
        reason: String,
    },
    /// robots.txt forbids fetching this URL for our user agent.
    #[error("robots.txt of {host} disallows {url}")]
    RobotsDisallowed {
        /// The URL.
        url: String,
        /// Its host.
        host: String,
    },
    /// Too many redirects.
    #[error("{url}: more than {limit} redirects")]
    TooManyRedirects {
        /// The URL first requested.
        url: String,
        /// The configured limit.
        limit: u32,
    },
    /// The request failed (connection, timeout, TLS, protocol...).
    #[error("{url}: {message}")]
    Http {
        /// The URL.
        url: String,
        /// What happened.
        message: String,
    },
    /// The server answered with an error status.
    #[error("{url}: HTTP status {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// A feed, sitemap or OPML document could not be parsed at all.
    #[error("could not parse {what}: {message}")]
    Parse {
        /// What was being parsed ("feed", "OPML", ...).
        what: String,
        /// Why it failed.
        message: String,
    },
    /// The configuration is invalid.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// Result alias for ingest operations.
pub type Result<T> = std::result::Result<T, Error>;
