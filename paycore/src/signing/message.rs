//! The message whose components are signed: a request (method, absolute URL,
//! headers) or a response (status, headers), and the RFC 9421 §2.2 derived
//! component values computed from it.

use std::borrow::Cow;
use std::fmt;

use crate::Headers;

/// Why a URL could not be used as a request target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlError {
    /// The URL is not absolute (`scheme://authority[/path][?query]`), has an
    /// empty host or a bad port, or holds a byte outside visible ASCII.
    #[error("the URL is not an absolute http(s) URL")]
    Invalid,
}

impl UrlError {
    /// A stable, machine-readable code: `invalid_url`.
    pub fn code(&self) -> &'static str {
        match self {
            UrlError::Invalid => "invalid_url",
        }
    }
}

/// An absolute request URL split into the parts RFC 9421 derives components
/// from. The scheme and host are lower-cased, a default port (80 for `http`,
/// 443 for `https`) and any userinfo are dropped, the fragment is ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestUrl<'a> {
    scheme: Cow<'a, str>,
    authority: Cow<'a, str>,
    path: &'a str,
    query: Option<&'a str>,
}

impl<'a> RequestUrl<'a> {
    /// Parses `scheme://[userinfo@]host[:port][/path][?query][#fragment]`.
    pub fn parse(url: &'a str) -> Result<Self, UrlError> {
        if url.bytes().any(|b| !(0x21..0x7f).contains(&b)) {
            return Err(UrlError::Invalid);
        }
        // The scheme holds no ':', so the first ':' must open "://".
        let colon = url
            .bytes()
            .position(|b| b == b':')
            .ok_or(UrlError::Invalid)?;
        let (scheme, rest) = url.split_at(colon);
        let rest = rest.strip_prefix("://").ok_or(UrlError::Invalid)?;
        let mut sb = scheme.bytes();
        if !sb.next().is_some_and(|b| b.is_ascii_alphabetic())
            || !sb.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        {
            return Err(UrlError::Invalid);
        }
        let scheme = lower(scheme);
        let auth_end = rest
            .bytes()
            .position(|b| matches!(b, b'/' | b'?' | b'#'))
            .unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(auth_end);
        // The path ends at the first '?' or '#'; the query at the next '#'.
        let path_end = rest
            .bytes()
            .position(|b| b == b'?' || b == b'#')
            .unwrap_or(rest.len());
        let (path, tail) = rest.split_at(path_end);
        let query = tail.strip_prefix('?').map(|q| {
            let end = q.bytes().position(|b| b == b'#').unwrap_or(q.len());
            q.split_at(end).0
        });
        let host_port = match authority.bytes().rposition(|b| b == b'@') {
            Some(at) => authority.split_at(at).1.get(1..).unwrap_or_default(),
            None => authority,
        };
        let (host, port) = split_host_port(host_port)?;
        if host.is_empty() {
            return Err(UrlError::Invalid);
        }
        let default_port = match &*scheme {
            "http" => Some("80"),
            "https" => Some("443"),
            _ => None,
        };
        let authority = match port {
            Some(p) if Some(p) != default_port && !p.is_empty() => {
                match lower(host) {
                    // `host_port` is `host:port` (userinfo already cut off).
                    Cow::Borrowed(_) if host_port.len() == host.len() + 1 + p.len() => {
                        Cow::Borrowed(host_port)
                    }
                    lowered => {
                        let mut a = String::with_capacity(host.len() + 1 + p.len());
                        a.push_str(&lowered);
                        a.push(':');
                        a.push_str(p);
                        Cow::Owned(a)
                    }
                }
            }
            _ => lower(host),
        };
        Ok(RequestUrl {
            scheme,
            authority,
            path,
            query,
        })
    }

    /// `@scheme`: the lower-cased scheme.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// `@authority`: the lower-cased host, with the port unless it is the
    /// scheme's default.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// `@path`: the path, `/` when empty.
    pub fn path(&self) -> &str {
        if self.path.is_empty() { "/" } else { self.path }
    }

    /// The query without its `?`, if the URL has a `?`.
    pub fn query(&self) -> Option<&str> {
        self.query
    }
}

fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

fn split_host_port(hp: &str) -> Result<(&str, Option<&str>), UrlError> {
    let (host, port) = if hp.starts_with('[') {
        let end = hp.find(']').ok_or(UrlError::Invalid)?;
        let (h, rest) = hp.split_at(end.saturating_add(1));
        match rest {
            "" => (h, None),
            r => (h, Some(r.strip_prefix(':').ok_or(UrlError::Invalid)?)),
        }
    } else {
        match hp.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hp, None),
        }
    };
    if let Some(p) = port {
        if p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(UrlError::Invalid);
        }
    }
    if host.bytes().any(|b| matches!(b, b':' | b'[' | b']')) && !host.starts_with('[') {
        return Err(UrlError::Invalid);
    }
    Ok((host, port))
}

/// The message a signature covers: a request or a response, with its headers.
#[derive(Clone, Copy)]
pub struct HttpMessage<'a> {
    pub(crate) kind: Kind<'a>,
    pub(crate) headers: &'a dyn Headers,
}

#[derive(Clone, Copy)]
pub(crate) enum Kind<'a> {
    Request {
        method: &'a str,
        url: &'a RequestUrl<'a>,
    },
    Response {
        status: u16,
    },
}

impl<'a> HttpMessage<'a> {
    /// A request: its method (case-sensitive, as sent), its parsed URL and
    /// its headers.
    pub fn request(method: &'a str, url: &'a RequestUrl<'a>, headers: &'a dyn Headers) -> Self {
        HttpMessage {
            kind: Kind::Request { method, url },
            headers,
        }
    }

    /// A response: its status code and its headers.
    pub fn response(status: u16, headers: &'a dyn Headers) -> Self {
        HttpMessage {
            kind: Kind::Response { status },
            headers,
        }
    }
}

impl fmt::Debug for HttpMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Request { method, url } => f
                .debug_struct("HttpMessage::Request")
                .field("method", &method)
                .field("url", url)
                .finish_non_exhaustive(),
            Kind::Response { status } => f
                .debug_struct("HttpMessage::Response")
                .field("status", &status)
                .finish_non_exhaustive(),
        }
    }
}

/// Bytes left unencoded by the `application/x-www-form-urlencoded`
/// percent-encode set (WHATWG URL §5.2): ASCII alphanumerics and `*-._`.
fn form_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_')
}

/// Decodes one `application/x-www-form-urlencoded` name or value (`+` is a
/// space, `%XX` an octet; a `%` not followed by two hex digits stays as is),
/// then re-encodes it as RFC 9421 §2.2.8 does (every byte outside
/// [`form_unreserved`] as `%XX`, upper-case hex, so a space is `%20`).
pub(crate) fn reencode_form_component(raw: &str, out: &mut String) {
    let b = raw.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let (byte, step) = match c {
            b'+' => (b' ', 1),
            b'%' => match (
                b.get(i + 1).and_then(hex_val),
                b.get(i + 2).and_then(hex_val),
            ) {
                (Some(h), Some(l)) => ((h << 4) | l, 3),
                _ => (b'%', 1),
            },
            _ => (c, 1),
        };
        if form_unreserved(byte) {
            out.push(char::from(byte));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        i += step;
    }
}

fn hex_val(b: &u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn urls() {
        let u = RequestUrl::parse("HTTPS://User@Example.COM:443/a/b?x=1#frag").unwrap();
        assert_eq!(u.scheme(), "https");
        assert_eq!(u.authority(), "example.com");
        assert_eq!(u.path(), "/a/b");
        assert_eq!(u.query(), Some("x=1"));
        let u = RequestUrl::parse("http://example.com:8080").unwrap();
        assert_eq!(u.authority(), "example.com:8080");
        assert_eq!(u.path(), "/");
        assert_eq!(u.query(), None);
        for (url, path, query) in [
            ("https://a/p#f?x", "/p", None),
            ("https://a/p?x#f?y", "/p", Some("x")),
            ("https://a/p?x?y#", "/p", Some("x?y")),
            ("https://a?x", "/", Some("x")),
            ("https://a#?x", "/", None),
            ("https://a/p?#x", "/p", Some("")),
            ("https://u@v@a/", "/", None),
        ] {
            let u = RequestUrl::parse(url).unwrap();
            assert_eq!((u.path(), u.query()), (path, query), "{url}");
            assert_eq!(u.authority(), "a", "{url}");
        }
        let u = RequestUrl::parse("https://[::1]:8443/?").unwrap();
        assert_eq!(u.authority(), "[::1]:8443");
        // A port other than the scheme's: the host lower-cased, the port kept
        // (borrowed from the URL when nothing needs lower-casing).
        for (url, authority) in [
            ("http://127.0.0.1:8080/v1", "127.0.0.1:8080"),
            ("http://Example.COM:8080/", "example.com:8080"),
            ("http://u:p@Host:81/", "host:81"),
            ("http://u@host:81/", "host:81"),
            ("https://[::1]:80/", "[::1]:80"),
            ("http://h:443/", "h:443"),
            ("https://h:80", "h:80"),
        ] {
            assert_eq!(
                RequestUrl::parse(url).unwrap().authority(),
                authority,
                "{url}"
            );
        }
        assert_eq!(u.query(), Some(""));
        for bad in [
            "/foo",
            "https:/a/",
            "https:a://b/",
            "ht:tps://a/",
            "https//a/",
            "https",
            "://a/",
            "https://",
            "https://:80/",
            "https://a:b/",
            "https://a b/",
            "1x://a/",
        ] {
            assert_eq!(RequestUrl::parse(bad), Err(UrlError::Invalid), "{bad}");
        }
    }

    #[test]
    fn form_reencoding() {
        let mut s = String::new();
        reencode_form_component("this%20is%20a%20big%0Avalue", &mut s);
        assert_eq!(s, "this%20is%20a%20big%0Avalue");
        s.clear();
        reencode_form_component("with+plus+whitespace", &mut s);
        assert_eq!(s, "with%20plus%20whitespace");
        s.clear();
        reencode_form_component("fa%C3%A7ade%22%3A%20", &mut s);
        assert_eq!(s, "fa%C3%A7ade%22%3A%20");
        s.clear();
        reencode_form_component("%zz%4", &mut s);
        assert_eq!(s, "%25zz%254");
    }
}
