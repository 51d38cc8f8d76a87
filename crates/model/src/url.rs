//! Canonical URLs: the identity of a web document.
//!
//! Tracking parameters (`utm_*`, `fbclid`, `gclid`, ...) and fragments are stripped, the scheme and
//! host lower-cased, default ports dropped, and an empty path made `/`. The order of the remaining
//! query parameters is kept (some sites route on it).

use url::Url;

/// Query parameters that only track the reader and never select content.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gclsrc",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "yclid",
    "igshid",
    "_ga",
    "_gl",
    "ref_src",
    "ref_url",
    "cmpid",
    "ocid",
    "smid",
    "smtyp",
    "ito",
    "ns_mchannel",
    "ns_source",
    "ns_campaign",
    "ns_linkname",
    "ns_fee",
    "spm",
    "share",
    "s_cid",
    "rss",
    "feature",
    "__twitter_impression",
    "at_medium",
    "at_campaign",
    "at_custom1",
    "at_custom2",
    "at_custom3",
    "at_custom4",
    "CMP",
    "mbid",
    "guccounter",
    "guce_referrer",
    "guce_referrer_sig",
];

fn is_tracking(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("utm_")
        || lower.starts_with("pk_")
        || lower.starts_with("mtm_")
        || lower.starts_with("hsa_")
        || TRACKING_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(name))
}

/// The canonical form of an absolute http(s) URL, or `None` if `raw` is not one.
pub fn canonicalize(raw: &str) -> Option<String> {
    let mut url = Url::parse(raw.trim()).ok()?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return None;
    }
    url.host_str()?;
    url.set_fragment(None);
    // `url` already lower-cases the host and drops default ports.
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking(k))
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Some(url.to_string())
}

/// Resolves `href` (possibly relative) against `base` and canonicalises it.
pub fn resolve(base: Option<&str>, href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    match base.and_then(|b| Url::parse(b).ok()) {
        Some(b) => canonicalize(b.join(href).ok()?.as_str()),
        None => canonicalize(href),
    }
}

/// The host of a URL, lower case, if it has one.
pub fn host(raw: &str) -> Option<String> {
    Url::parse(raw).ok()?.host_str().map(|h| h.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tracking_and_fragment() {
        assert_eq!(
            canonicalize("HTTPS://Example.COM:443/a/b?utm_source=x&id=3&fbclid=y#top").unwrap(),
            "https://example.com/a/b?id=3"
        );
        assert_eq!(canonicalize("http://example.com").unwrap(), "http://example.com/");
        assert_eq!(
            canonicalize("http://example.com/?utm_medium=rss").unwrap(),
            "http://example.com/"
        );
    }

    #[test]
    fn rejects_non_http() {
        assert!(canonicalize("ftp://example.com/x").is_none());
        assert!(canonicalize("not a url").is_none());
        assert!(canonicalize("mailto:a@b.c").is_none());
    }

    #[test]
    fn resolves_relative() {
        assert_eq!(
            resolve(Some("https://ex.org/news/a.html"), "/news/b.html?utm_x=1").unwrap(),
            "https://ex.org/news/b.html"
        );
    }
}
