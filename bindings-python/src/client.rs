//! `Client` and `AsyncClient`: the Rust SDK's client (`paycore-sdk`) for
//! Python. Everything HTTP (signing, idempotency keys, retries decided by
//! the core, pagination) is the SDK's; this module converts arguments to the
//! SDK's parameter types, results to the classes of `models`, errors to the
//! exceptions of `paycore._errors`, and bridges async:
//!
//! * `Client` runs each call on the shared tokio runtime of
//!   `pyo3-async-runtimes` with `block_on`, with the GIL released (other
//!   Python threads run while a call waits; calls from many threads run
//!   concurrently).
//! * `AsyncClient` returns asyncio awaitables (`pyo3_async_runtimes::tokio::
//!   future_into_py`), and its `list` methods async iterators.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use paycore_sdk as sdk;
use paycore_sdk::models as m;
use pyo3::exceptions::{PyStopAsyncIteration, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::errors::sdk_error;
use crate::models::{Obj, Returned};

type ObjStream = Pin<Box<dyn Stream<Item = Result<Obj, sdk::Error>> + Send>>;

/// A failed call: the SDK's error, or an argument the binding could not
/// convert (a `ValueError`, raised before anything is sent).
#[derive(Debug)]
enum CallError {
    Sdk(sdk::Error),
    Value(String),
}

impl From<sdk::Error> for CallError {
    fn from(e: sdk::Error) -> Self {
        CallError::Sdk(e)
    }
}

impl CallError {
    fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            CallError::Sdk(e) => sdk_error(py, &e),
            CallError::Value(m) => PyValueError::new_err(m),
        }
    }
}

type Call = Result<Returned, CallError>;

fn finish(py: Python<'_>, r: Call) -> PyResult<Py<PyAny>> {
    match r {
        Ok(ret) => ret.obj.into_py(py, Some(ret.info)),
        Err(e) => Err(e.into_py(py)),
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    pyo3_async_runtimes::tokio::get_runtime()
}

/// Runs a call to completion with the GIL released.
fn run_sync<F>(py: Python<'_>, fut: F) -> PyResult<Py<PyAny>>
where
    F: Future<Output = Call> + Send,
{
    let r = py.detach(|| runtime().block_on(fut));
    finish(py, r)
}

/// Wraps a call in an asyncio awaitable.
fn run_async<'py, F>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Call> + Send + 'static,
{
    pyo3_async_runtimes::tokio::future_into_py(py, async move {
        let r = fut.await;
        Python::attach(|py| finish(py, r))
    })
}

/// An SDK enum from its wire name; names the SDK does not know are a
/// `ValueError` (the SDK would send `unknown`).
fn parse_enum<T: DeserializeOwned + Serialize>(s: &str, what: &str) -> Result<T, CallError> {
    let v: T = serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| CallError::Value(format!("invalid {what}: {s:?}")))?;
    if crate::models::wire(&v) == s {
        Ok(v)
    } else {
        Err(CallError::Value(format!("invalid {what}: {s:?}")))
    }
}

/// Per-call options, as the SDK offers them (on `payments.create` and
/// `refunds.create`): idempotency key, per-attempt timeout, extra headers.
fn request_options(
    idempotency_key: Option<String>,
    timeout: Option<f64>,
    headers: Option<BTreeMap<String, String>>,
) -> Result<sdk::RequestOptions, CallError> {
    let mut o = sdk::RequestOptions::new();
    if let Some(k) = idempotency_key {
        o = o.idempotency_key(k);
    }
    if let Some(t) = timeout {
        o = o.timeout(seconds(t, "timeout")?);
    }
    for (n, v) in headers.unwrap_or_default() {
        o = o.header(n, v);
    }
    Ok(o)
}

fn seconds(t: f64, what: &str) -> Result<Duration, CallError> {
    match Duration::try_from_secs_f64(t) {
        Ok(d) if !d.is_zero() => Ok(d),
        _ => Err(CallError::Value(format!(
            "{what} must be a positive number of seconds, got {t}"
        ))),
    }
}

fn list_params(
    limit: Option<u32>,
    starting_after: Option<String>,
    ending_before: Option<String>,
    created_gte: Option<i64>,
    created_lt: Option<i64>,
) -> m::ListParams {
    let mut p = m::ListParams::new();
    if let Some(l) = limit {
        p = p.limit(l);
    }
    if let Some(s) = starting_after {
        p = p.starting_after(s);
    }
    if let Some(s) = ending_before {
        p = p.ending_before(s);
    }
    if let Some(t) = created_gte {
        p = p.created_gte(t);
    }
    if let Some(t) = created_lt {
        p = p.created_lt(t);
    }
    p
}

fn boxed<T, S>(s: S) -> ObjStream
where
    T: Into<Obj>,
    S: Stream<Item = Result<T, sdk::Error>> + Send + 'static,
{
    Box::pin(s.map(|r| r.map(Into::into)))
}

/// The iterator of a sync `list`: yields every object, fetching the next
/// page (with the GIL released) when the current one is used up.
#[pyclass(frozen, module = "paycore._native")]
pub(crate) struct ListIterator {
    stream: Arc<Mutex<Option<ObjStream>>>,
}

#[pymethods]
impl ListIterator {
    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let stream = Arc::clone(&self.stream);
        // The lock is taken and released with the GIL released, so that a
        // thread waiting for it never holds the GIL.
        let item = py.detach(move || {
            let mut guard = stream.lock().unwrap_or_else(PoisonError::into_inner);
            let item = match guard.as_mut() {
                Some(s) => runtime().block_on(s.next()),
                None => None,
            };
            if !matches!(item, Some(Ok(_))) {
                *guard = None;
            }
            item
        });
        match item {
            None => Ok(None),
            Some(Ok(obj)) => obj.into_py(py, None).map(Some),
            Some(Err(e)) => Err(sdk_error(py, &e)),
        }
    }
}

/// The async iterator of an `AsyncClient` `list` (`async for`).
#[pyclass(frozen, module = "paycore._native")]
pub(crate) struct AsyncListIterator {
    stream: Arc<tokio::sync::Mutex<Option<ObjStream>>>,
}

#[pymethods]
impl AsyncListIterator {
    fn __aiter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let stream = Arc::clone(&self.stream);
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            let item = {
                let mut guard = stream.lock().await;
                let item = match guard.as_mut() {
                    Some(s) => s.next().await,
                    None => None,
                };
                if !matches!(item, Some(Ok(_))) {
                    *guard = None;
                }
                item
            };
            Python::attach(|py| match item {
                None => Err(PyStopAsyncIteration::new_err(())),
                Some(Ok(obj)) => obj.into_py(py, None),
                Some(Err(e)) => Err(sdk_error(py, &e)),
            })
        })
    }
}

fn list_result(py: Python<'_>, r: Result<ObjStream, CallError>) -> PyResult<ListIterator> {
    match r {
        Ok(s) => Ok(ListIterator {
            stream: Arc::new(Mutex::new(Some(s))),
        }),
        Err(e) => Err(e.into_py(py)),
    }
}

fn async_list_result(
    py: Python<'_>,
    r: Result<ObjStream, CallError>,
) -> PyResult<AsyncListIterator> {
    match r {
        Ok(s) => Ok(AsyncListIterator {
            stream: Arc::new(tokio::sync::Mutex::new(Some(s))),
        }),
        Err(e) => Err(e.into_py(py)),
    }
}

/// Declares a resource twice, as a sync class (`$sync`: methods return the
/// object, waiting with the GIL released) and an async class (`$async_`:
/// methods return awaitables), from one list of calls (`|client| async
/// body -> Call`) and lists (`|client| body -> Result<ObjStream, _>`).
macro_rules! resource {
    (
        $(#[$doc:meta])*
        $sync:ident, $async_:ident,
        calls { $( $(#[$attr:meta])* fn $name:ident($($arg:ident : $ty:ty),*) |$c:ident| $body:block )* }
        lists { $( $(#[$lattr:meta])* fn $lname:ident($($larg:ident : $lty:ty),*) |$lc:ident| $lbody:block )* }
    ) => {
        $(#[$doc])*
        #[pyclass(frozen, module = "paycore._native")]
        pub(crate) struct $sync {
            client: sdk::Client,
        }

        #[pymethods]
        #[allow(clippy::too_many_arguments, reason = "Python keyword arguments")]
        impl $sync {
            $(
                $(#[$attr])*
                fn $name(&self, py: Python<'_>, $($arg: $ty),*) -> PyResult<Py<PyAny>> {
                    let $c = self.client.clone();
                    run_sync(py, async move $body)
                }
            )*
            $(
                $(#[$lattr])*
                fn $lname(&self, py: Python<'_>, $($larg: $lty),*) -> PyResult<ListIterator> {
                    let $lc = &self.client;
                    list_result(py, $lbody)
                }
            )*
        }

        $(#[$doc])*
        #[pyclass(frozen, module = "paycore._native")]
        pub(crate) struct $async_ {
            client: sdk::Client,
        }

        #[pymethods]
        #[allow(clippy::too_many_arguments, reason = "Python keyword arguments")]
        impl $async_ {
            $(
                $(#[$attr])*
                fn $name<'py>(&self, py: Python<'py>, $($arg: $ty),*) -> PyResult<Bound<'py, PyAny>> {
                    let $c = self.client.clone();
                    run_async(py, async move $body)
                }
            )*
            $(
                $(#[$lattr])*
                fn $lname(&self, py: Python<'_>, $($larg: $lty),*) -> PyResult<AsyncListIterator> {
                    let $lc = &self.client;
                    async_list_result(py, $lbody)
                }
            )*
        }
    };
}

resource! {
    /// `client.payments`: create, retrieve, confirm, capture, cancel, list.
    Payments, AsyncPayments,
    calls {
        /// Creates a payment. A declined card raises `CardError`.
        #[pyo3(signature = (amount, currency, payment_method, *, capture_method=None, customer_email=None, description=None, metadata=None, idempotency_key=None, timeout=None, headers=None))]
        fn create(
            amount: i64,
            currency: String,
            payment_method: String,
            capture_method: Option<String>,
            customer_email: Option<String>,
            description: Option<String>,
            metadata: Option<BTreeMap<String, String>>,
            idempotency_key: Option<String>,
            timeout: Option<f64>,
            headers: Option<BTreeMap<String, String>>
        ) |c| {
            let mut p = m::CreatePayment::new(amount, currency, payment_method);
            if let Some(cm) = capture_method {
                p.capture_method = Some(parse_enum(&cm, "capture_method")?);
            }
            p.customer_email = customer_email;
            p.description = description;
            p.metadata = metadata;
            let o = request_options(idempotency_key, timeout, headers)?;
            Ok(c.payments().create_with(&p, &o).await?.into())
        }
        /// Retrieves a payment.
        fn retrieve(id: String) |c| {
            Ok(c.payments().retrieve(&id).await?.into())
        }
        /// Confirms a payment in `requires_action`.
        fn confirm(id: String) |c| {
            Ok(c.payments().confirm(&id).await?.into())
        }
        /// Captures a payment in `requires_capture` (all of it by default).
        #[pyo3(signature = (id, *, amount_to_capture=None))]
        fn capture(id: String, amount_to_capture: Option<i64>) |c| {
            let p = match amount_to_capture {
                Some(a) => m::CapturePayment::partial(a),
                None => m::CapturePayment::full(),
            };
            Ok(c.payments().capture(&id, &p).await?.into())
        }
        /// Cancels a payment in `requires_action` or `requires_capture`.
        #[pyo3(signature = (id, *, cancellation_reason=None))]
        fn cancel(id: String, cancellation_reason: Option<String>) |c| {
            let p = match cancellation_reason {
                Some(r) => m::CancelPayment::reason(parse_enum(&r, "cancellation_reason")?),
                None => m::CancelPayment::default(),
            };
            Ok(c.payments().cancel(&id, &p).await?.into())
        }
    }
    lists {
        /// Every payment (newest first), fetched page by page (`limit` is
        /// the page size) as the iterator is read.
        #[pyo3(signature = (*, limit=None, starting_after=None, ending_before=None, created_gte=None, created_lt=None, status=None))]
        fn list(
            limit: Option<u32>,
            starting_after: Option<String>,
            ending_before: Option<String>,
            created_gte: Option<i64>,
            created_lt: Option<i64>,
            status: Option<String>
        ) |c| {
            (|| -> Result<ObjStream, CallError> {
                let mut p = list_params(limit, starting_after, ending_before, created_gte, created_lt);
                if let Some(s) = status {
                    p = p.status(parse_enum(&s, "status")?);
                }
                Ok(boxed(c.payments().list_all(p)))
            })()
        }
    }
}

resource! {
    /// `client.refunds`: create, retrieve, list.
    Refunds, AsyncRefunds,
    calls {
        /// Refunds a succeeded payment, fully (by default) or partly.
        #[pyo3(signature = (payment, *, amount=None, reason=None, metadata=None, idempotency_key=None, timeout=None, headers=None))]
        fn create(
            payment: String,
            amount: Option<i64>,
            reason: Option<String>,
            metadata: Option<BTreeMap<String, String>>,
            idempotency_key: Option<String>,
            timeout: Option<f64>,
            headers: Option<BTreeMap<String, String>>
        ) |c| {
            let mut p = match amount {
                Some(a) => m::CreateRefund::partial(payment, a),
                None => m::CreateRefund::full(payment),
            };
            if let Some(r) = reason {
                p = p.reason(parse_enum(&r, "reason")?);
            }
            p.metadata = metadata;
            let o = request_options(idempotency_key, timeout, headers)?;
            Ok(c.refunds().create_with(&p, &o).await?.into())
        }
        /// Retrieves a refund.
        fn retrieve(id: String) |c| {
            Ok(c.refunds().retrieve(&id).await?.into())
        }
    }
    lists {
        /// Every refund (of one payment with `payment=`), page by page.
        #[pyo3(signature = (*, limit=None, starting_after=None, ending_before=None, created_gte=None, created_lt=None, payment=None))]
        fn list(
            limit: Option<u32>,
            starting_after: Option<String>,
            ending_before: Option<String>,
            created_gte: Option<i64>,
            created_lt: Option<i64>,
            payment: Option<String>
        ) |c| {
            let mut p = list_params(limit, starting_after, ending_before, created_gte, created_lt);
            if let Some(id) = payment {
                p = p.payment(id);
            }
            Ok::<_, CallError>(boxed(c.refunds().list_all(p)))
        }
    }
}

resource! {
    /// `client.events`: retrieve, list, attempts, redeliver.
    Events, AsyncEvents,
    calls {
        /// Retrieves an event.
        fn retrieve(id: String) |c| {
            Ok(c.events().retrieve(&id).await?.into())
        }
        /// Delivers an event again to every enabled endpoint it matches, or
        /// to `endpoint` only.
        #[pyo3(signature = (id, *, endpoint=None))]
        fn redeliver(id: String, endpoint: Option<String>) |c| {
            let mut p = m::Redeliver::new();
            if let Some(e) = endpoint {
                p = p.endpoint(e);
            }
            Ok(c.events().redeliver(&id, &p).await?.into())
        }
    }
    lists {
        /// Every event (of one type with `type=`), page by page.
        #[pyo3(signature = (*, limit=None, starting_after=None, ending_before=None, created_gte=None, created_lt=None, r#type=None))]
        fn list(
            limit: Option<u32>,
            starting_after: Option<String>,
            ending_before: Option<String>,
            created_gte: Option<i64>,
            created_lt: Option<i64>,
            r#type: Option<String>
        ) |c| {
            let mut p = list_params(limit, starting_after, ending_before, created_gte, created_lt);
            if let Some(t) = r#type {
                p = p.event_type(t);
            }
            Ok::<_, CallError>(boxed(c.events().list_all(p)))
        }
        /// Every delivery attempt of an event (newest first), page by page.
        #[pyo3(signature = (id, *, limit=None, starting_after=None, ending_before=None))]
        fn attempts(
            id: String,
            limit: Option<u32>,
            starting_after: Option<String>,
            ending_before: Option<String>
        ) |c| {
            let p = list_params(limit, starting_after, ending_before, None, None);
            Ok::<_, CallError>(boxed(c.events().attempts_all(&id, p)))
        }
    }
}

resource! {
    /// `client.webhook_endpoints`: create, retrieve, update, delete, list,
    /// rotate_secret.
    WebhookEndpoints, AsyncWebhookEndpoints,
    calls {
        /// Creates an endpoint; the response is the only one carrying its
        /// `secret` (`v1`).
        #[pyo3(signature = (url, enabled_events, *, description=None, enabled=None, signature_algorithm=None))]
        fn create(
            url: String,
            enabled_events: Vec<String>,
            description: Option<String>,
            enabled: Option<bool>,
            signature_algorithm: Option<String>
        ) |c| {
            let mut p = m::CreateWebhookEndpoint::new(url, enabled_events);
            if let Some(d) = description {
                p = p.description(d);
            }
            if let Some(e) = enabled {
                p = p.enabled(e);
            }
            if let Some(a) = signature_algorithm {
                p = p.signature_algorithm(parse_enum(&a, "signature_algorithm")?);
            }
            Ok(c.webhook_endpoints().create(&p).await?.into())
        }
        /// Retrieves an endpoint (without its secret).
        fn retrieve(id: String) |c| {
            Ok(c.webhook_endpoints().retrieve(&id).await?.into())
        }
        /// Changes the fields given.
        #[pyo3(signature = (id, *, url=None, enabled_events=None, description=None, enabled=None))]
        fn update(
            id: String,
            url: Option<String>,
            enabled_events: Option<Vec<String>>,
            description: Option<String>,
            enabled: Option<bool>
        ) |c| {
            let mut p = m::UpdateWebhookEndpoint::new();
            if let Some(u) = url {
                p = p.url(u);
            }
            if let Some(e) = enabled_events {
                p = p.enabled_events(e);
            }
            if let Some(d) = description {
                p = p.description(d);
            }
            if let Some(e) = enabled {
                p = p.enabled(e);
            }
            Ok(c.webhook_endpoints().update(&id, &p).await?.into())
        }
        /// Deletes an endpoint.
        fn delete(id: String) |c| {
            Ok(c.webhook_endpoints().delete(&id).await?.into())
        }
        /// Mints a new secret; the old one keeps signing for `expires_in`
        /// seconds (server default: a day).
        #[pyo3(signature = (id, *, expires_in=None))]
        fn rotate_secret(id: String, expires_in: Option<u64>) |c| {
            let mut p = m::RotateSecret::new();
            if let Some(s) = expires_in {
                p = p.expires_in(s);
            }
            Ok(c.webhook_endpoints().rotate_secret(&id, &p).await?.into())
        }
    }
    lists {
        /// Every endpoint (newest first), page by page.
        #[pyo3(signature = (*, limit=None, starting_after=None, ending_before=None))]
        fn list(
            limit: Option<u32>,
            starting_after: Option<String>,
            ending_before: Option<String>
        ) |c| {
            let p = list_params(limit, starting_after, ending_before, None, None);
            Ok::<_, CallError>(boxed(c.webhook_endpoints().list_all(p)))
        }
    }
}

resource! {
    /// `client.usage`: this month's volume against the plan's limit.
    UsageApi, AsyncUsageApi,
    calls {
        /// This month's usage.
        fn retrieve() |c| {
            Ok(c.usage().retrieve().await?.into())
        }
    }
    lists {}
}

/// Builds the SDK client from Python arguments. `secret` is the key's
/// secret as the server prints it (standard base64, `str`) or its raw bytes.
#[allow(clippy::too_many_arguments, reason = "the constructor's keywords")]
fn build_client(
    py: Python<'_>,
    key_id: String,
    secret: &Bound<'_, PyAny>,
    base_url: Option<String>,
    timeout: Option<f64>,
    max_retries: Option<u32>,
    deadline: Option<f64>,
    user_agent: Option<String>,
) -> PyResult<sdk::Client> {
    let secret = if let Ok(s) = secret.cast::<PyString>() {
        sdk::Secret::hmac_base64(&s.to_cow()?).map_err(|e| sdk_error(py, &e))?
    } else if let Ok(b) = secret.cast::<PyBytes>() {
        sdk::Secret::Hmac(b.as_bytes().to_vec())
    } else {
        return Err(PyTypeError::new_err(
            "secret must be str (base64, as `paycore-server keys create` prints it) or bytes",
        ));
    };
    let mut b =
        sdk::Client::builder()
            .key_id(key_id)
            .secret(secret)
            .user_agent(user_agent.unwrap_or_else(|| {
                concat!("paycore-python/", env!("CARGO_PKG_VERSION")).to_owned()
            }));
    if let Some(u) = base_url {
        b = b.base_url(u);
    }
    if let Some(t) = timeout {
        b = b.timeout(seconds(t, "timeout").map_err(|e| e.into_py(py))?);
    }
    if let Some(n) = max_retries {
        b = b.retry(sdk::RetryConfig::standard().with_max_attempts(n.saturating_add(1)));
    }
    if let Some(d) = deadline {
        b = b.deadline(if d.is_infinite() && d > 0.0 {
            None
        } else {
            Some(seconds(d, "deadline").map_err(|e| e.into_py(py))?)
        });
    }
    b.build().map_err(|e| sdk_error(py, &e))
}

/// Declares `Client` / `AsyncClient`: the constructor and one attribute per
/// resource.
macro_rules! client_class {
    ($(#[$doc:meta])* $name:ident, $label:literal, $payments:ident, $refunds:ident, $events:ident, $endpoints:ident, $usage:ident) => {
        $(#[$doc])*
        #[pyclass(frozen, module = "paycore._native")]
        pub(crate) struct $name {
            key_id: String,
            base_url: String,
            /// Payments.
            #[pyo3(get)]
            payments: Py<$payments>,
            /// Refunds.
            #[pyo3(get)]
            refunds: Py<$refunds>,
            /// Events, their delivery attempts and redelivery.
            #[pyo3(get)]
            events: Py<$events>,
            /// Webhook endpoints.
            #[pyo3(get)]
            webhook_endpoints: Py<$endpoints>,
            /// Usage.
            #[pyo3(get)]
            usage: Py<$usage>,
        }

        #[pymethods]
        impl $name {
            #[new]
            #[pyo3(signature = (key_id, secret, *, base_url=None, timeout=None, max_retries=None, deadline=None, user_agent=None))]
            #[allow(clippy::too_many_arguments, reason = "the constructor's keywords")]
            fn new(
                py: Python<'_>,
                key_id: String,
                secret: &Bound<'_, PyAny>,
                base_url: Option<String>,
                timeout: Option<f64>,
                max_retries: Option<u32>,
                deadline: Option<f64>,
                user_agent: Option<String>,
            ) -> PyResult<Self> {
                // What the SDK uses: the URL given (or its default) without
                // a trailing slash.
                let shown = base_url
                    .as_deref()
                    .unwrap_or(sdk::DEFAULT_BASE_URL)
                    .trim_end_matches('/')
                    .to_owned();
                let client = build_client(
                    py, key_id.clone(), secret, base_url, timeout, max_retries, deadline, user_agent,
                )?;
                let base_url = shown;
                Ok(Self {
                    key_id,
                    base_url,
                    payments: Py::new(py, $payments { client: client.clone() })?,
                    refunds: Py::new(py, $refunds { client: client.clone() })?,
                    events: Py::new(py, $events { client: client.clone() })?,
                    webhook_endpoints: Py::new(py, $endpoints { client: client.clone() })?,
                    usage: Py::new(py, $usage { client })?,
                })
            }

            /// The API key id.
            #[getter]
            fn key_id(&self) -> &str {
                &self.key_id
            }

            /// The API's base URL.
            #[getter]
            fn base_url(&self) -> &str {
                &self.base_url
            }

            fn __repr__(&self) -> String {
                format!(
                    "{}(key_id={:?}, base_url={:?}, secret=<redacted>)",
                    $label, self.key_id, self.base_url
                )
            }
        }
    };
}

client_class! {
    /// The paycore API client (blocking; the GIL is released while a call
    /// waits, so it can be shared by threads). Share one per key: the retry
    /// budget is client-wide.
    Client, "Client", Payments, Refunds, Events, WebhookEndpoints, UsageApi
}

client_class! {
    /// The paycore API client for asyncio: every call returns an awaitable,
    /// every `list` an async iterator.
    AsyncClient, "AsyncClient", AsyncPayments, AsyncRefunds, AsyncEvents, AsyncWebhookEndpoints, AsyncUsageApi
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Client>()?;
    m.add_class::<AsyncClient>()?;
    m.add_class::<Payments>()?;
    m.add_class::<AsyncPayments>()?;
    m.add_class::<Refunds>()?;
    m.add_class::<AsyncRefunds>()?;
    m.add_class::<Events>()?;
    m.add_class::<AsyncEvents>()?;
    m.add_class::<WebhookEndpoints>()?;
    m.add_class::<AsyncWebhookEndpoints>()?;
    m.add_class::<UsageApi>()?;
    m.add_class::<AsyncUsageApi>()?;
    m.add_class::<ListIterator>()?;
    m.add_class::<AsyncListIterator>()?;
    Ok(())
}
