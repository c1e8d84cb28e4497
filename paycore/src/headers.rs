//! Read-only access to HTTP header fields, whatever map the caller holds.
//!
//! Every verifier and parser in paycore reads headers through [`Headers`], so
//! the same code serves a slice of pairs (what the bindings hand over), a
//! `HashMap`, or — with the `http` feature — an `http::HeaderMap`.
//!
//! Names match ASCII case-insensitively (RFC 9110 §5.1). A field that occurs
//! several times is visited in order; [`Headers::get_combined`] joins the values
//! with `", "` as RFC 9110 §5.3 and RFC 9421 §2.1 prescribe.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// A source of HTTP header fields.
///
/// Implement [`Headers::for_each_value`]; the other methods have defaults.
pub trait Headers {
    /// Calls `f` with every value of the field `name` (ASCII case-insensitive), in
    /// order of appearance. Values that are not valid UTF-8 are skipped.
    fn for_each_value<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str));

    /// The first value of `name`, if any.
    fn get(&self, name: &str) -> Option<&str> {
        let mut first = None;
        self.for_each_value(name, &mut |v| {
            if first.is_none() {
                first = Some(v);
            }
        });
        first
    }

    /// All values of `name` joined with `", "`, or `None` when the field is absent.
    fn get_combined(&self, name: &str) -> Option<Cow<'_, str>> {
        let mut out: Option<Cow<'_, str>> = None;
        self.for_each_value(name, &mut |v| {
            out = Some(match out.take() {
                None => Cow::Borrowed(v),
                Some(prev) => {
                    let mut s = prev.into_owned();
                    s.push_str(", ");
                    s.push_str(v);
                    Cow::Owned(s)
                }
            });
        });
        out
    }

    /// How many times `name` occurs.
    fn count(&self, name: &str) -> usize {
        let mut n = 0;
        self.for_each_value(name, &mut |_| n += 1);
        n
    }
}

impl<H: Headers + ?Sized> Headers for &H {
    fn for_each_value<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str)) {
        (**self).for_each_value(name, f)
    }

    fn get(&self, name: &str) -> Option<&str> {
        (**self).get(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for [(K, V)] {
    fn for_each_value<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str)) {
        for (k, v) in self {
            if k.as_ref().eq_ignore_ascii_case(name) {
                f(v.as_ref());
            }
        }
    }

    // Stops at the first match: the hot path of every verifier.
    fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> Headers for [(K, V); N] {
    fn for_each_value<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str)) {
        self.as_slice().for_each_value(name, f)
    }

    fn get(&self, name: &str) -> Option<&str> {
        Headers::get(self.as_slice(), name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for Vec<(K, V)> {
    fn for_each_value<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str)) {
        self.as_slice().for_each_value(name, f)
    }

    fn get(&self, name: &str) -> Option<&str> {
        Headers::get(self.as_slice(), name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>, S> Headers for HashMap<K, V, S> {
    fn for_each_value<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str)) {
        for (k, v) in self {
            if k.as_ref().eq_ignore_ascii_case(name) {
                f(v.as_ref());
            }
        }
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for BTreeMap<K, V> {
    fn for_each_value<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str)) {
        for (k, v) in self {
            if k.as_ref().eq_ignore_ascii_case(name) {
                f(v.as_ref());
            }
        }
    }
}

#[cfg(feature = "http")]
impl Headers for http::HeaderMap {
    fn for_each_value<'a>(&'a self, name: &str, f: &mut dyn FnMut(&'a str)) {
        // `HeaderMap` stores names lower-cased; `get_all` accepts any case.
        for v in self.get_all(name) {
            if let Ok(s) = v.to_str() {
                f(s);
            }
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.get_all(name).iter().find_map(|v| v.to_str().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_is_case_insensitive_and_ordered() {
        let h = [("Webhook-Id", "a"), ("x", "1"), ("webhook-id", "b")];
        assert_eq!(h.get("WEBHOOK-ID"), Some("a"));
        assert_eq!(h.get_combined("webhook-id").as_deref(), Some("a, b"));
        assert_eq!(h.count("webhook-id"), 2);
        assert_eq!(h.get("missing"), None);
        assert_eq!(h.get_combined("missing"), None);
    }

    #[test]
    fn single_value_is_borrowed() {
        let h = vec![("a".to_string(), "v".to_string())];
        assert!(matches!(h.get_combined("A"), Some(Cow::Borrowed("v"))));
    }

    #[test]
    fn maps_work() {
        let mut m = HashMap::new();
        m.insert("Content-Type".to_string(), "application/json".to_string());
        // `HashMap::get` (exact key) shadows the trait method: call it by path.
        assert_eq!(Headers::get(&m, "content-type"), Some("application/json"));
        let b: BTreeMap<&str, &str> = [("Retry-After", "5")].into_iter().collect();
        assert_eq!(Headers::get(&b, "retry-after"), Some("5"));
    }
}
