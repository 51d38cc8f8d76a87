//! robots.txt: fetched once per origin, cached with a time to live, and consulted before every
//! request (redirect hops included) when the configuration says to respect it.

use texting_robots::Robot;

/// What an origin's robots.txt says for our user agent.
pub(crate) enum Rules {
    /// No robots.txt (4xx) or an unusable one: everything is allowed.
    AllowAll,
    /// The server failed (5xx): assume everything is disallowed for now, as Google does.
    DisallowAll,
    /// Parsed rules.
    Parsed(Box<Robot>),
}

impl std::fmt::Debug for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Rules::AllowAll => "AllowAll",
            Rules::DisallowAll => "DisallowAll",
            Rules::Parsed(_) => "Parsed",
        })
    }
}

impl Rules {
    /// Parses a robots.txt body for the agent token (e.g. `wirewatch`).
    pub fn parse(agent: &str, body: &[u8]) -> Rules {
        match Robot::new(agent, body) {
            Ok(r) => Rules::Parsed(Box::new(r)),
            Err(_) => Rules::AllowAll,
        }
    }
    /// The `Crawl-delay` asked of us, if any, at most a minute (a larger one would stall polling;
    /// the minute is still far politer than no delay).
    pub fn crawl_delay_ms(&self) -> Option<u64> {
        match self {
            Rules::Parsed(r) => r
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| (f64::from(d) * 1000.0).min(60_000.0) as u64),
            _ => None,
        }
    }
    /// Whether `url` may be fetched.
    pub fn allowed(&self, url: &str) -> bool {
        match self {
            Rules::AllowAll => true,
            Rules::DisallowAll => false,
            Rules::Parsed(r) => r.allowed(url),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_groups() {
        let txt =
            b"User-agent: *\nDisallow: /private\n\nUser-agent: wirewatch\nDisallow: /no-bots\n";
        let r = Rules::parse("wirewatch", txt);
        assert!(!r.allowed("http://x.org/no-bots/a"));
        assert!(r.allowed("http://x.org/private"));
        assert_eq!(r.crawl_delay_ms(), None);
        let r = Rules::parse("otherbot", txt);
        assert!(!r.allowed("http://x.org/private"));
        let r = Rules::parse("wirewatch", b"User-agent: *\nCrawl-delay: 2.5\n");
        assert_eq!(r.crawl_delay_ms(), Some(2500));
        let r = Rules::parse("wirewatch", b"User-agent: *\nCrawl-delay: 99999\n");
        assert_eq!(r.crawl_delay_ms(), Some(60_000));
    }
}
