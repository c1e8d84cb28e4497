//! Where webhooks may be sent.
//!
//! * URLs are `http` or `https`, with a host, without credentials, at most
//!   [`MAX_URL_LEN`] bytes.
//! * Non-public addresses (loopback, private, link-local, CGNAT, unique-local,
//!   unspecified, multicast, broadcast, documentation ranges; IPv4-mapped IPv6
//!   addresses are judged by their IPv4 address) are allowed for sandbox
//!   merchants and refused for live merchants unless the server runs with
//!   `--webhook-allow-private`.
//! * The check runs when an endpoint is created or its URL changed (IP
//!   literals and `localhost` names: a DNS name is not resolved then), and at
//!   every delivery on the addresses the name resolves to; the connection is
//!   then made only to the addresses that passed (a resolver that filters),
//!   so a name cannot be re-pointed at a private address between the check
//!   and the connection.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;

/// Longest accepted endpoint URL.
pub const MAX_URL_LEN: usize = 2048;

/// Parses and checks the syntax of an endpoint URL; the error is a message
/// for the API caller.
pub fn parse_url(s: &str) -> Result<Url, &'static str> {
    if s.len() > MAX_URL_LEN {
        return Err("url is at most 2048 characters.");
    }
    let url = Url::parse(s).map_err(|_| "url is not a valid absolute URL.")?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err("url must use http or https.");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("url must have a host.");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("url must not contain credentials.");
    }
    Ok(url)
}

/// Whether `ip` is a public unicast address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x64 && s[1] == 0xff9b) // NAT64 (may reach private v4)
        || (s[0..6] == [0, 0, 0, 0, 0, 0])) // IPv4-compatible (deprecated)
}

/// The check at creation: refuses an IP literal that is not public and a
/// `localhost` name (DNS names are checked at delivery).
pub fn refused_at_creation(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => !is_public(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => !is_public(IpAddr::V6(ip)),
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        None => true,
    }
}

/// Why a delivery was not sent.
#[derive(Debug)]
pub enum Refusal {
    /// The host resolves to no address, or DNS failed.
    Unresolved(String),
    /// Every address is non-public and the merchant may not use them.
    NotPublic(IpAddr),
}

/// Resolves the URL's host (an IP literal as is) and checks its addresses:
/// `Ok` with the addresses when allowed.
pub async fn resolve_checked(url: &Url, allow_private: bool) -> Result<Vec<SocketAddr>, Refusal> {
    let port = url.port_or_known_default().unwrap_or(80);
    let addrs: Vec<SocketAddr> = match url.host() {
        Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Some(url::Host::Domain(d)) => tokio::net::lookup_host((d, port))
            .await
            .map_err(|e| Refusal::Unresolved(e.to_string()))?
            .collect(),
        None => Vec::new(),
    };
    if addrs.is_empty() {
        return Err(Refusal::Unresolved("no address".into()));
    }
    if allow_private {
        return Ok(addrs);
    }
    if let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
        return Err(Refusal::NotPublic(bad.ip()));
    }
    Ok(addrs)
}

/// A reqwest resolver that returns only public addresses (the client used
/// for merchants that may not reach private ones).
#[derive(Debug, Default)]
pub struct PublicOnlyResolver;

impl reqwest::dns::Resolve for PublicOnlyResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| is_public(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn public_and_not() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn urls() {
        assert!(parse_url("ftp://example.com/").is_err());
        assert!(parse_url("https://user:pw@example.com/").is_err());
        assert!(parse_url("not a url").is_err());
        assert!(parse_url("https://example.com/hooks").is_ok());
        let u = parse_url("http://127.0.0.1:9/x").unwrap();
        assert!(refused_at_creation(&u));
        let u = parse_url("http://LOCALHOST./x").unwrap();
        assert!(refused_at_creation(&u));
        let u = parse_url("http://[::1]/x").unwrap();
        assert!(refused_at_creation(&u));
        let u = parse_url("https://example.com/x").unwrap();
        assert!(!refused_at_creation(&u));
    }
}
