//! The SSRF guard: which IP addresses wirewatch refuses to connect to (loopback, private,
//! link-local incl. cloud metadata, CGNAT, unspecified, broadcast, multicast, reserved, and IPv6
//! forms embedding those), and a DNS resolver that drops them after resolution.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Why `ip` must not be connected to, or `None` if it is a public address.
pub(crate) fn refusal(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refusal_v4(v4),
        IpAddr::V6(v6) => refusal_v6(v6),
    }
}

fn refusal_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    Some(match o {
        [0, ..] => "an unspecified (0.0.0.0/8) address",
        [127, ..] => "a loopback address",
        [10, ..] => "a private (10.0.0.0/8) address",
        [172, b, ..] if (16..32).contains(&b) => "a private (172.16.0.0/12) address",
        [192, 168, ..] => "a private (192.168.0.0/16) address",
        [169, 254, ..] => "a link-local address (cloud metadata lives here)",
        [100, b, ..] if (64..128).contains(&b) => "a carrier-grade NAT (100.64.0.0/10) address",
        [192, 0, 0, _] => "an IETF protocol assignment (192.0.0.0/24) address",
        [198, b, ..] if b == 18 || b == 19 => "a benchmarking (198.18.0.0/15) address",
        [255, 255, 255, 255] => "the broadcast address",
        [a, ..] if (224..240).contains(&a) => "a multicast address",
        [a, ..] if a >= 240 => "a reserved (240.0.0.0/4) address",
        _ => return None,
    })
}

fn refusal_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if ip.is_unspecified() {
        return Some("an unspecified address");
    }
    if ip.is_loopback() {
        return Some("a loopback address");
    }
    if let Some(v4) = ip.to_ipv4_mapped() {
        return refusal_v4(v4);
    }
    let s = ip.segments();
    match s[0] {
        x if x & 0xfe00 == 0xfc00 => return Some("a unique local (fc00::/7) address"),
        x if x & 0xffc0 == 0xfe80 => return Some("a link-local (fe80::/10) address"),
        x if x & 0xffc0 == 0xfec0 => return Some("a site-local (fec0::/10) address"),
        x if x & 0xff00 == 0xff00 => return Some("a multicast address"),
        _ => {}
    }
    let embedded =
        |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    // IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses reach the
    // embedded IPv4 address.
    if s[..6] == [0, 0, 0, 0, 0, 0] || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return refusal_v4(embedded(s[6], s[7])).or(Some("an IPv4-embedding address"));
    }
    if s[0] == 0x2002 {
        return refusal_v4(embedded(s[1], s[2]));
    }
    None
}

/// A resolver that resolves with the system resolver and keeps only public addresses, so that a
/// name pointing at an internal address (or re-pointed there after a check) cannot be reached.
#[derive(Debug, Default)]
pub(crate) struct GuardedResolver {
    /// Lower-case host names whose addresses are not filtered.
    pub exempt: Vec<String>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let exempt = self.exempt.contains(&host);
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = if exempt {
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect()
            } else {
                public_addrs(&host).await?
            };
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

/// Resolves `host` and keeps the public addresses; an error names the host and why.
pub(crate) async fn public_addrs(host: &str) -> io::Result<Vec<SocketAddr>> {
    let all: Vec<SocketAddr> = tokio::net::lookup_host((host, 0)).await?.collect();
    let mut reason = None;
    let ok: Vec<SocketAddr> = all
        .into_iter()
        .filter(|a| match refusal(a.ip()) {
            Some(r) => {
                reason.get_or_insert((a.ip(), r));
                false
            }
            None => true,
        })
        .collect();
    if ok.is_empty() {
        let msg = match reason {
            Some((ip, r)) => format!("{host} resolves to {ip}, {r}"),
            None => format!("{host} resolves to no address"),
        };
        return Err(io::Error::new(io::ErrorKind::PermissionDenied, msg));
    }
    Ok(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(s: &str) -> bool {
        refusal(s.parse().unwrap()).is_some()
    }

    #[test]
    fn ranges() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "::127.0.0.1",
        ] {
            assert!(refused(bad), "{bad} should be refused");
        }
        for good in [
            "93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(!refused(good), "{good} should be allowed");
        }
    }
}
