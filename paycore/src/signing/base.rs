//! Component identifiers, signature parameters and the signature base
//! (RFC 9421 §2.3 and §2.5).

use std::borrow::Cow;
use std::fmt::Write as _;

use sfv::{KeyRef, ListSerializer, StringRef};

use super::input::{RawItem, RawList};
use super::message::{HttpMessage, Kind, reencode_form_component};

/// Why a signature base could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BaseError {
    /// A component identifier paycore does not support: an unknown derived
    /// component, a field name that is not lower-case, or a parameter other
    /// than `name` on `@query-param` (`sf`, `key`, `bs`, `req`, `tr`).
    #[error("unsupported component identifier {0}")]
    UnsupportedComponent(String),
    /// The same component is listed twice (RFC 9421 §2.5 forbids it).
    #[error("component {0} is listed twice")]
    DuplicateComponent(String),
    /// A covered component has no value in the message (an absent header, an
    /// absent query parameter, a request component on a response, ...).
    #[error("component {0} is absent from the message")]
    MissingComponent(String),
    /// A header value holds a CR or LF, which would forge base lines.
    #[error("component {0} has a value with a line break")]
    InvalidValue(String),
    /// A parameter value cannot be serialized as a Structured Field String
    /// (only visible ASCII and space are allowed).
    #[error("parameter {0} is not a valid structured-field string")]
    InvalidParameter(&'static str),
}

impl BaseError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            BaseError::UnsupportedComponent(_) => "component_unsupported",
            BaseError::DuplicateComponent(_) => "component_duplicated",
            BaseError::MissingComponent(_) => "component_missing",
            BaseError::InvalidValue(_) => "component_invalid",
            BaseError::InvalidParameter(_) => "invalid_parameter",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Method,
    TargetUri,
    Authority,
    Scheme,
    RequestTarget,
    Path,
    Query,
    QueryParam,
    Status,
    Field,
}

/// A covered component identifier (RFC 9421 §2): a derived component such
/// as `"@method"`, `"@query-param";name="Pet"`, or a lower-case field name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    which: Which,
    /// The component name (`@method`, `content-type`).
    name: Cow<'static, str>,
    /// `name` parameter of `@query-param`, as given (already encoded).
    param_name: Option<String>,
    /// The identifier as serialized in the base, e.g. `"@query-param";name="Pet"`.
    serialized: Cow<'static, str>,
}

/// Identifiers used on every request, kept static so that building the
/// profile's components allocates nothing (and validates nothing twice):
/// `(which, name, serialized identifier)`.
fn known(name: &str) -> Option<(Which, &'static str, &'static str)> {
    Some(match name {
        "@method" => (Which::Method, "@method", "\"@method\""),
        "@authority" => (Which::Authority, "@authority", "\"@authority\""),
        "@path" => (Which::Path, "@path", "\"@path\""),
        "@query" => (Which::Query, "@query", "\"@query\""),
        "@target-uri" => (Which::TargetUri, "@target-uri", "\"@target-uri\""),
        "@scheme" => (Which::Scheme, "@scheme", "\"@scheme\""),
        "@request-target" => (
            Which::RequestTarget,
            "@request-target",
            "\"@request-target\"",
        ),
        "@status" => (Which::Status, "@status", "\"@status\""),
        "content-digest" => (Which::Field, "content-digest", "\"content-digest\""),
        "content-type" => (Which::Field, "content-type", "\"content-type\""),
        "idempotency-key" => (Which::Field, "idempotency-key", "\"idempotency-key\""),
        "date" => (Which::Field, "date", "\"date\""),
        _ => return None,
    })
}

/// What kind of component `name` is: a supported derived component or a
/// lower-case field name.
fn classify(name: &str) -> Option<Which> {
    match name {
        "@method" => Some(Which::Method),
        "@target-uri" => Some(Which::TargetUri),
        "@authority" => Some(Which::Authority),
        "@scheme" => Some(Which::Scheme),
        "@request-target" => Some(Which::RequestTarget),
        "@path" => Some(Which::Path),
        "@query" => Some(Which::Query),
        "@query-param" => Some(Which::QueryParam),
        "@status" => Some(Which::Status),
        n if n.starts_with('@') => None,
        n if !n.is_empty()
            && n.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b)
            }) =>
        {
            Some(Which::Field)
        }
        _ => None,
    }
}

/// `v` without leading and trailing SP and HTAB (RFC 9421 §2.1).
fn trim_sp_htab(v: &str) -> &str {
    let b = v.as_bytes();
    let start = b
        .iter()
        .position(|&c| c != b' ' && c != b'\t')
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|&c| c != b' ' && c != b'\t')
        .map_or(start, |i| i.saturating_add(1));
    v.get(start..end).unwrap_or("")
}

impl Component {
    /// A component by name: a derived component (`@method`, `@target-uri`,
    /// `@authority`, `@scheme`, `@request-target`, `@path`, `@query`,
    /// `@status`) or a lower-case header field name.
    pub fn new(name: &str) -> Result<Self, BaseError> {
        Self::build(name, None)
    }

    /// `"@query-param";name="<name>"`; `name` must already be encoded as RFC
    /// 9421 §2.2.8 prescribes.
    pub fn query_param(name: &str) -> Result<Self, BaseError> {
        Self::build("@query-param", Some(name))
    }

    fn build(name: &str, param_name: Option<&str>) -> Result<Self, BaseError> {
        if param_name.is_none() {
            if let Some((which, n, id)) = known(name) {
                return Ok(Component {
                    which,
                    name: Cow::Borrowed(n),
                    param_name: None,
                    serialized: Cow::Borrowed(id),
                });
            }
        }
        let unsupported = || BaseError::UnsupportedComponent(name.to_owned());
        let which = classify(name).ok_or_else(unsupported)?;
        if (which == Which::QueryParam) != param_name.is_some() {
            return Err(unsupported());
        }
        let sname = StringRef::from_str(name).map_err(|_| unsupported())?;
        let mut serialized = String::with_capacity(name.len() + 2);
        let ser = sfv::ItemSerializer::with_buffer(&mut serialized).bare_item(sname);
        if let Some(p) = param_name {
            let pv = StringRef::from_str(p).map_err(|_| unsupported())?;
            let _ = ser.parameter(KeyRef::constant("name"), pv);
        }
        Ok(Component {
            which,
            name: Cow::Owned(name.to_owned()),
            param_name: param_name.map(str::to_owned),
            serialized: Cow::Owned(serialized),
        })
    }

    /// From a parsed inner-list item of `Signature-Input`.
    pub(crate) fn from_raw(item: &RawItem<'_>) -> Result<Self, BaseError> {
        let name = item
            .bare
            .as_string()
            .ok_or_else(|| BaseError::UnsupportedComponent(format!("{:?}", item.bare)))?
            .as_str();
        let mut param_name = None;
        for (k, v) in &item.params {
            match (k.as_str(), v.as_string()) {
                ("name", Some(s)) if name == "@query-param" => param_name = Some(s.as_str()),
                _ => return Err(BaseError::UnsupportedComponent(format!("{name};{k}"))),
            }
        }
        Self::build(name, param_name)
    }

    /// The component name (`@method`, `content-type`, ...).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The identifier as it appears in the signature base and in
    /// `Signature-Input`, e.g. `"@method"` or `"@query-param";name="Pet"`.
    pub fn identifier(&self) -> &str {
        &self.serialized
    }

    /// Appends this component's value(s) in `msg` as base lines (`id: value\n`).
    fn write_lines(&self, msg: &HttpMessage<'_>, out: &mut String) -> Result<(), BaseError> {
        let missing = || BaseError::MissingComponent(self.serialized.to_string());
        let line = |out: &mut String| {
            out.push_str(&self.serialized);
            out.push_str(": ");
        };
        match (self.which, msg.kind) {
            (Which::Field, _) => {
                let start = out.len();
                line(out);
                let mut first = true;
                let mut bad = false;
                msg.headers.for_each_value(&self.name, &mut |v| {
                    if !first {
                        out.push_str(", ");
                    }
                    first = false;
                    let v = trim_sp_htab(v);
                    let vb = v.as_bytes();
                    bad |= vb.contains(&b'\r') || vb.contains(&b'\n');
                    out.push_str(v);
                });
                if first {
                    out.truncate(start);
                    return Err(missing());
                }
                if bad {
                    return Err(BaseError::InvalidValue(self.serialized.to_string()));
                }
            }
            (Which::Status, Kind::Response { status }) => {
                line(out);
                let _ = write!(out, "{status:03}");
            }
            (Which::Method, Kind::Request { method, .. }) => {
                line(out);
                out.push_str(method);
            }
            (Which::TargetUri, Kind::Request { url, .. }) => {
                line(out);
                out.push_str(url.scheme());
                out.push_str("://");
                out.push_str(url.authority());
                out.push_str(url.path());
                if let Some(q) = url.query() {
                    out.push('?');
                    out.push_str(q);
                }
            }
            (Which::Authority, Kind::Request { url, .. }) => {
                line(out);
                out.push_str(url.authority());
            }
            (Which::Scheme, Kind::Request { url, .. }) => {
                line(out);
                out.push_str(url.scheme());
            }
            (Which::RequestTarget, Kind::Request { url, .. }) => {
                line(out);
                out.push_str(url.path());
                if let Some(q) = url.query() {
                    out.push('?');
                    out.push_str(q);
                }
            }
            (Which::Path, Kind::Request { url, .. }) => {
                line(out);
                out.push_str(url.path());
            }
            (Which::Query, Kind::Request { url, .. }) => {
                line(out);
                out.push('?');
                out.push_str(url.query().unwrap_or(""));
            }
            (Which::QueryParam, Kind::Request { url, .. }) => {
                let want = self.param_name.as_deref().unwrap_or("");
                let mut found = false;
                let mut name_buf = String::new();
                for pair in url.query().unwrap_or("").split('&') {
                    if pair.is_empty() {
                        continue;
                    }
                    let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
                    name_buf.clear();
                    reencode_form_component(n, &mut name_buf);
                    if name_buf == want {
                        if found {
                            out.push('\n');
                        }
                        found = true;
                        line(out);
                        reencode_form_component(v, out);
                    }
                }
                if !found {
                    return Err(missing());
                }
            }
            _ => return Err(missing()),
        }
        out.push('\n');
        Ok(())
    }
}

/// The parameters of one signature (RFC 9421 §2.3): the covered components
/// and the `created`, `expires`, `keyid`, `nonce`, `alg` and `tag` metadata.
///
/// Parsed values keep every parameter (known or not) in their order for the
/// `@signature-params` line; the known ones are also available typed.
#[derive(Clone, PartialEq, Eq)]
pub struct SignatureParams {
    components: Vec<Component>,
    created: Option<i64>,
    expires: Option<i64>,
    /// The serialized inner list (`..serialized_len`), then the values of
    /// `keyid`, `nonce`, `alg` and `tag` in that order: one allocation for
    /// all the text. The layout is a function of the values, so the derived
    /// equality is equality of the values.
    text: String,
    serialized_len: usize,
    /// Where `keyid`, `nonce`, `alg` and `tag` lie in `text`.
    strings: [Option<(usize, usize)>; 4],
}

const KEY_ID: usize = 0;
const NONCE: usize = 1;
const ALG: usize = 2;
const TAG: usize = 3;

/// Appends the string values to `text`, returning their ranges.
fn append_strings(text: &mut String, values: [Option<&str>; 4]) -> [Option<(usize, usize)>; 4] {
    values.map(|v| {
        v.map(|v| {
            let start = text.len();
            text.push_str(v);
            (start, text.len())
        })
    })
}

fn strings_len(values: &[Option<&str>; 4]) -> usize {
    values.iter().flatten().map(|v| v.len()).sum()
}

impl std::fmt::Debug for SignatureParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignatureParams")
            .field("components", &self.components)
            .field("created", &self.created)
            .field("expires", &self.expires)
            .field("key_id", &self.key_id())
            .field("nonce", &self.nonce())
            .field("alg", &self.alg())
            .field("tag", &self.tag())
            .field("serialized", &self.serialized())
            .finish()
    }
}

/// The metadata parameters to serialize with [`SignatureParams::new`], in
/// the order `created`, `expires`, `nonce`, `alg`, `keyid`, `tag` (absent
/// ones are left out). RFC 9421 allows any order; this one is what the
/// `httpsig` crate re-serializes when it verifies, so its verifier accepts
/// paycore's signatures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParamValues<'a> {
    /// `created`: Unix seconds.
    pub created: Option<i64>,
    /// `expires`: Unix seconds.
    pub expires: Option<i64>,
    /// `keyid`.
    pub key_id: Option<&'a str>,
    /// `nonce`.
    pub nonce: Option<&'a str>,
    /// `alg`.
    pub alg: Option<&'a str>,
    /// `tag`.
    pub tag: Option<&'a str>,
}

impl SignatureParams {
    /// Builds and serializes parameters. Fails with
    /// [`BaseError::InvalidParameter`] if a string value holds a character
    /// a Structured Field String cannot carry, or an integer is out of the
    /// Structured Field range, and with [`BaseError::DuplicateComponent`] if
    /// a component is listed twice.
    pub fn new(components: Vec<Component>, values: ParamValues<'_>) -> Result<Self, BaseError> {
        check_duplicates(&components)?;
        let strings = [values.key_id, values.nonce, values.alg, values.tag];
        let mut serialized = String::with_capacity(strings_len(&strings).saturating_add(200));
        // The inner list of the identifiers, each already serialized as a
        // Structured Field item, then the parameters (RFC 8941 §4.1.1.1).
        serialized.push('(');
        for (i, c) in components.iter().enumerate() {
            if i > 0 {
                serialized.push(' ');
            }
            serialized.push_str(&c.serialized);
        }
        serialized.push(')');
        for (key, val, what) in [
            ("created", values.created, "created"),
            ("expires", values.expires, "expires"),
        ] {
            if let Some(v) = val {
                push_sf_integer(&mut serialized, key, v, what)?;
            }
        }
        for (key, val, what) in [
            ("nonce", values.nonce, "nonce"),
            ("alg", values.alg, "alg"),
            ("keyid", values.key_id, "keyid"),
            ("tag", values.tag, "tag"),
        ] {
            if let Some(v) = val {
                push_sf_string(&mut serialized, key, v, what)?;
            }
        }
        let serialized_len = serialized.len();
        let strings = append_strings(&mut serialized, strings);
        Ok(SignatureParams {
            components,
            created: values.created,
            expires: values.expires,
            text: serialized,
            serialized_len,
            strings,
        })
    }

    /// From a parsed `Signature-Input` member. Known parameters with the
    /// wrong type are refused with [`ParamsError::Malformed`].
    pub(crate) fn from_raw(list: &RawList<'_>) -> Result<Self, ParamsError> {
        if list.items.len() > MAX_COMPONENTS {
            return Err(ParamsError::Malformed);
        }
        let mut components = Vec::with_capacity(list.items.len());
        for item in &list.items {
            components.push(Component::from_raw(item).map_err(ParamsError::Component)?);
        }
        check_duplicates(&components).map_err(ParamsError::Component)?;
        let (mut created, mut expires) = (None, None);
        let mut strings: [Option<&str>; 4] = [None; 4];
        for (k, v) in &list.params {
            let int = || v.as_integer().map(i64::from).ok_or(ParamsError::Malformed);
            let string = || {
                v.as_string()
                    .map(|s| Some(s.as_str()))
                    .ok_or(ParamsError::Malformed)
            };
            let slot = match k.as_str() {
                "created" => {
                    created = Some(int()?);
                    continue;
                }
                "expires" => {
                    expires = Some(int()?);
                    continue;
                }
                "keyid" => KEY_ID,
                "nonce" => NONCE,
                "alg" => ALG,
                "tag" => TAG,
                _ => continue,
            };
            if let Some(s) = strings.get_mut(slot) {
                *s = string()?;
            }
        }
        let extra = strings_len(&strings);
        let mut text =
            String::with_capacity(list.canonical.map_or(200, str::len).saturating_add(extra));
        match list.canonical {
            // The scanner proved the raw text is the serialization.
            Some(canonical) => text.push_str(canonical),
            None => {
                let mut list_ser = ListSerializer::with_buffer(&mut text);
                let mut inner = list_ser.inner_list();
                for item in &list.items {
                    let _ = inner
                        .bare_item(&item.bare)
                        .parameters(item.params.iter().map(|(k, v)| (*k, v)));
                }
                let _ = inner
                    .finish()
                    .parameters(list.params.iter().map(|(k, v)| (*k, v)));
            }
        }
        let serialized_len = text.len();
        let strings = append_strings(&mut text, strings);
        Ok(SignatureParams {
            components,
            created,
            expires,
            text,
            serialized_len,
            strings,
        })
    }

    fn string(&self, slot: usize) -> Option<&str> {
        let (start, end) = self.strings.get(slot).copied().flatten()?;
        self.text.get(start..end)
    }

    /// The covered components, in order.
    pub fn components(&self) -> &[Component] {
        &self.components
    }

    /// `created`, Unix seconds.
    pub fn created(&self) -> Option<i64> {
        self.created
    }

    /// `expires`, Unix seconds.
    pub fn expires(&self) -> Option<i64> {
        self.expires
    }

    /// `keyid`.
    pub fn key_id(&self) -> Option<&str> {
        self.string(KEY_ID)
    }

    /// `nonce`.
    pub fn nonce(&self) -> Option<&str> {
        self.string(NONCE)
    }

    /// `alg`.
    pub fn alg(&self) -> Option<&str> {
        self.string(ALG)
    }

    /// `tag`.
    pub fn tag(&self) -> Option<&str> {
        self.string(TAG)
    }

    /// The serialized inner list: the value of `@signature-params` and of the
    /// `Signature-Input` member, e.g. `("@method");created=1;keyid="k"`.
    pub fn serialized(&self) -> &str {
        self.text.get(..self.serialized_len).unwrap_or_default()
    }

    /// Whether the component named `name` (no parameters) is covered.
    pub fn covers(&self, name: &str) -> bool {
        self.components
            .iter()
            .any(|c| c.name == name && c.param_name.is_none())
    }
}

/// The most covered components a received signature may list (the duplicate
/// check is quadratic; the profile uses seven).
pub(crate) const MAX_COMPONENTS: usize = 64;

/// Why a `Signature-Input` member could not be read as signature parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ParamsError {
    Malformed,
    Component(BaseError),
}

fn check_duplicates(components: &[Component]) -> Result<(), BaseError> {
    for (i, c) in components.iter().enumerate() {
        if components
            .iter()
            .skip(i.saturating_add(1))
            .any(|d| d.serialized == c.serialized)
        {
            return Err(BaseError::DuplicateComponent(c.serialized.to_string()));
        }
    }
    Ok(())
}

/// Appends `;key=<integer>` (RFC 8941 §4.1.4: at most 15 digits).
fn push_sf_integer(
    out: &mut String,
    key: &str,
    v: i64,
    what: &'static str,
) -> Result<(), BaseError> {
    const MAX: i64 = 999_999_999_999_999;
    if !(-MAX..=MAX).contains(&v) {
        return Err(BaseError::InvalidParameter(what));
    }
    let _ = write!(out, ";{key}={v}");
    Ok(())
}

/// Appends `;key="<string>"` (RFC 8941 §4.1.6: visible ASCII and space,
/// `"` and `\` escaped); anything else is refused.
fn push_sf_string(
    out: &mut String,
    key: &str,
    v: &str,
    what: &'static str,
) -> Result<(), BaseError> {
    if !v.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err(BaseError::InvalidParameter(what));
    }
    out.push(';');
    out.push_str(key);
    out.push_str("=\"");
    if v.contains(['"', '\\']) {
        for c in v.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    } else {
        out.push_str(v);
    }
    out.push('"');
    Ok(())
}

/// The signature base (RFC 9421 §2.5) of `msg` under `params`: one line per
/// covered component, then the `@signature-params` line, no trailing newline.
pub fn signature_base(
    msg: &HttpMessage<'_>,
    params: &SignatureParams,
) -> Result<String, BaseError> {
    let mut out = String::with_capacity(256);
    write_signature_base(msg, params, &mut out)?;
    Ok(out)
}

/// Appends the signature base of `msg` under `params` to `out`. On error
/// `out` holds the lines built so far.
pub fn write_signature_base(
    msg: &HttpMessage<'_>,
    params: &SignatureParams,
    out: &mut String,
) -> Result<(), BaseError> {
    for c in &params.components {
        c.write_lines(msg, out)?;
    }
    out.push_str("\"@signature-params\": ");
    out.push_str(params.serialized());
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use crate::signing::RequestUrl;

    fn lines(url: &str, headers: &[(&str, &str)], ids: &[Component]) -> Result<String, BaseError> {
        let u = RequestUrl::parse(url).unwrap();
        let msg = HttpMessage::request("POST", &u, &headers);
        let params = SignatureParams::new(ids.to_vec(), ParamValues::default())?;
        let base = signature_base(&msg, &params)?;
        Ok(base.rsplit_once('\n').map_or("", |(l, _)| l).to_string())
    }

    fn c(name: &str) -> Component {
        Component::new(name).unwrap()
    }

    /// The parameters' text is written by hand; it is what the `sfv`
    /// serializer writes, and what it refuses is refused.
    #[test]
    fn params_serialize_as_sfv_does() {
        let ids = vec![
            c("@method"),
            c("x-custom"),
            Component::query_param("a%20b").unwrap(),
        ];
        let strings = [
            "",
            "key_1",
            " spaced  ",
            "quote\"in",
            "back\\slash\\",
            "\"\\\"",
            "~!#$%&'()*+,-./:;<=>?@[]^_`{|}",
        ];
        let ints = [
            0,
            7,
            -1,
            1_700_000_000,
            999_999_999_999_999,
            -999_999_999_999_999,
        ];
        for (i, s) in strings.iter().enumerate() {
            let created = ints.get(i % ints.len()).copied();
            let values = ParamValues {
                created,
                expires: ints.get((i + 3) % ints.len()).copied(),
                key_id: Some(s),
                nonce: Some("bm9uY2U"),
                alg: Some("hmac-sha256"),
                tag: (i % 2 == 0).then_some(*s),
            };
            let ours = SignatureParams::new(ids.clone(), values).unwrap();
            let mut theirs = String::new();
            {
                let mut list = ListSerializer::with_buffer(&mut theirs);
                let mut inner = list.inner_list();
                for id in &ids {
                    let item = inner.bare_item(StringRef::from_str(&id.name).unwrap());
                    if let Some(p) = &id.param_name {
                        let _ = item
                            .parameter(KeyRef::constant("name"), StringRef::from_str(p).unwrap());
                    }
                }
                let mut ps = inner.finish();
                for (k, v) in [("created", values.created), ("expires", values.expires)] {
                    if let Some(v) = v {
                        ps = ps.parameter(KeyRef::constant(k), sfv::Integer::try_from(v).unwrap());
                    }
                }
                for (k, v) in [
                    ("nonce", values.nonce),
                    ("alg", values.alg),
                    ("keyid", values.key_id),
                    ("tag", values.tag),
                ] {
                    if let Some(v) = v {
                        ps = ps.parameter(KeyRef::constant(k), StringRef::from_str(v).unwrap());
                    }
                }
                let _ = ps.finish();
            }
            assert_eq!(ours.serialized(), theirs, "{s:?}");
            assert_eq!(ours.key_id(), Some(*s));
        }
        for (values, what) in [
            (
                ParamValues {
                    created: Some(1_000_000_000_000_000),
                    ..ParamValues::default()
                },
                "created",
            ),
            (
                ParamValues {
                    expires: Some(-1_000_000_000_000_000),
                    ..ParamValues::default()
                },
                "expires",
            ),
            (
                ParamValues {
                    key_id: Some("tab\there"),
                    ..ParamValues::default()
                },
                "keyid",
            ),
            (
                ParamValues {
                    nonce: Some("caf\u{e9}"),
                    ..ParamValues::default()
                },
                "nonce",
            ),
            (
                ParamValues {
                    tag: Some("del\u{7f}"),
                    ..ParamValues::default()
                },
                "tag",
            ),
        ] {
            assert_eq!(
                SignatureParams::new(ids.clone(), values),
                Err(BaseError::InvalidParameter(what))
            );
        }
    }

    /// RFC 9421 §2.2.1-2.2.7 examples.
    #[test]
    fn derived_components() {
        let ids = [
            "@target-uri",
            "@authority",
            "@scheme",
            "@request-target",
            "@path",
            "@query",
        ]
        .map(c);
        assert_eq!(
            lines("https://www.example.com/path?param=value", &[], &ids).unwrap(),
            "\"@target-uri\": https://www.example.com/path?param=value\n\
             \"@authority\": www.example.com\n\
             \"@scheme\": https\n\
             \"@request-target\": /path?param=value\n\
             \"@path\": /path\n\
             \"@query\": ?param=value"
        );
        let q = [c("@query")];
        assert_eq!(
            lines("https://e.com/p?queryString", &[], &q).unwrap(),
            "\"@query\": ?queryString"
        );
        assert_eq!(lines("https://e.com/p", &[], &q).unwrap(), "\"@query\": ?");
        let u = RequestUrl::parse("https://e.com/").unwrap();
        let msg = HttpMessage::response(200, &[("a", "b")]);
        let params = SignatureParams::new(vec![c("@status")], ParamValues::default()).unwrap();
        assert!(
            signature_base(&msg, &params)
                .unwrap()
                .starts_with("\"@status\": 200\n")
        );
        let req = HttpMessage::request("GET", &u, &[("a", "b")]);
        assert_eq!(
            signature_base(&req, &params),
            Err(BaseError::MissingComponent("\"@status\"".into()))
        );
    }

    /// The static identifiers are what the general path would build.
    #[test]
    fn known_ids_match_general_path() {
        for n in [
            "@method",
            "@authority",
            "@path",
            "@query",
            "@target-uri",
            "@scheme",
            "@request-target",
            "@status",
            "content-digest",
            "content-type",
            "idempotency-key",
            "date",
        ] {
            let (which, name, id) = known(n).unwrap();
            assert_eq!(Some(which), classify(n), "{n}");
            assert_eq!(name, n);
            assert_eq!(id, format!("\"{n}\""));
            let c = Component::new(n).unwrap();
            assert_eq!((c.name(), c.identifier()), (n, id));
        }
        assert_eq!(known("@query-param"), None);
        assert_eq!(trim_sp_htab(" \t a b\t "), "a b");
        assert_eq!(trim_sp_htab(" \t "), "");
        assert_eq!(trim_sp_htab(""), "");
        assert_eq!(trim_sp_htab("\u{a0}x\u{a0}"), "\u{a0}x\u{a0}");
    }

    /// RFC 9421 §2.2.8 examples, plus a repeated name.
    #[test]
    fn query_params() {
        let url = "https://example.com/parameters?var=this%20is%20a%20big%0Avalue&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something&x=1&x=2&empty=";
        let ids = ["var", "bar", "fa%C3%A7ade%22%3A%20", "x", "empty"]
            .map(|n| Component::query_param(n).unwrap());
        assert_eq!(
            lines(url, &[], &ids).unwrap(),
            "\"@query-param\";name=\"var\": this%20is%20a%20big%0Avalue\n\
             \"@query-param\";name=\"bar\": with%20plus%20whitespace\n\
             \"@query-param\";name=\"fa%C3%A7ade%22%3A%20\": something\n\
             \"@query-param\";name=\"x\": 1\n\
             \"@query-param\";name=\"x\": 2\n\
             \"@query-param\";name=\"empty\": "
        );
        let missing = [Component::query_param("nope").unwrap()];
        assert_eq!(
            lines(url, &[], &missing),
            Err(BaseError::MissingComponent(
                "\"@query-param\";name=\"nope\"".into()
            ))
        );
    }

    /// RFC 9421 §2.1: values trimmed and combined; absent fields and line
    /// breaks refused; names must be lower-case; duplicates refused.
    #[test]
    fn fields() {
        let h = [
            ("X-Obs", "  a  "),
            ("x-obs", "b\t"),
            ("Cache-Control", "max-age=60"),
        ];
        assert_eq!(
            lines("https://e.com/", &h, &[c("x-obs"), c("cache-control")]).unwrap(),
            "\"x-obs\": a, b\n\"cache-control\": max-age=60"
        );
        assert_eq!(
            lines("https://e.com/", &h, &[c("absent")]),
            Err(BaseError::MissingComponent("\"absent\"".into()))
        );
        assert_eq!(
            lines("https://e.com/", &[("x", "a\r\nb")], &[c("x")]),
            Err(BaseError::InvalidValue("\"x\"".into()))
        );
        assert!(Component::new("Content-Type").is_err());
        assert!(Component::new("@unknown").is_err());
        assert!(Component::new("@query-param").is_err());
        assert_eq!(
            SignatureParams::new(vec![c("@path"), c("@path")], ParamValues::default()),
            Err(BaseError::DuplicateComponent("\"@path\"".into()))
        );
        assert_eq!(
            SignatureParams::new(
                vec![],
                ParamValues {
                    key_id: Some("é"),
                    ..ParamValues::default()
                }
            ),
            Err(BaseError::InvalidParameter("keyid"))
        );
    }
}
