//! The API's objects as Python classes: frozen, with one read-only attribute
//! per field of the SDK's struct (`paycore_sdk::models`) and `.to_dict()`
//! (the object's JSON, as the server sent it). Enum fields are their wire
//! strings. Objects returned by a call carry `.response` (request id,
//! attempts, idempotency key); objects yielded by a list iterator do not.

use std::collections::BTreeMap;

use paycore_sdk::models as m;
use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde::Serialize;

/// JSON to Python (`dict`, `list`, `str`, `int`, `float`, `bool`, `None`).
pub(crate) fn json_to_py<'py>(
    py: Python<'py>,
    v: &serde_json::Value,
) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(a) => {
            let list = PyList::empty(py);
            for x in a {
                list.append(json_to_py(py, x)?)?;
            }
            list.into_any()
        }
        Value::Object(o) => {
            let d = PyDict::new(py);
            for (k, x) in o {
                d.set_item(k, json_to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}

/// The wire name of an SDK enum value (`"requires_capture"`, `"v1a"`, ...).
pub(crate) fn wire<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => "unknown".to_owned(),
    }
}

fn raw<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// The metadata of the call that returned an object.
#[pyclass(frozen, module = "paycore._native")]
#[derive(Debug, Clone)]
pub(crate) struct ResponseInfo {
    /// The `Request-Id` of the response.
    #[pyo3(get)]
    request_id: Option<String>,
    /// Attempts made (1 when the first one succeeded).
    #[pyo3(get)]
    attempts: u32,
    /// The idempotency key sent (POSTs), if any.
    #[pyo3(get)]
    idempotency_key: Option<String>,
    /// Whether the server replayed a stored response.
    #[pyo3(get)]
    replayed: bool,
    /// The HTTP status.
    #[pyo3(get)]
    http_status: u16,
}

#[pymethods]
impl ResponseInfo {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "ResponseInfo(request_id={}, attempts={}, idempotency_key={}, replayed={}, http_status={})",
            self.request_id.clone().into_bound_py_any(py)?.repr()?,
            self.attempts,
            self.idempotency_key.clone().into_bound_py_any(py)?.repr()?,
            if self.replayed { "True" } else { "False" },
            self.http_status
        ))
    }
}

impl<T> From<&paycore_sdk::Response<T>> for ResponseInfo {
    fn from(r: &paycore_sdk::Response<T>) -> Self {
        Self {
            request_id: r.request_id.clone(),
            attempts: r.attempts,
            idempotency_key: r.idempotency_key.clone(),
            replayed: r.replayed,
            http_status: r.http_status,
        }
    }
}

/// Declares a model class: its fields (each read-only), how each is built
/// from the SDK value `$src`, a `__repr__` over the fields named, and
/// `to_dict()` from the SDK value's JSON.
macro_rules! model {
    (
        $(#[$doc:meta])*
        $name:ident from $sdk:ty, |$src:ident, $py:ident| {
            $( $field:ident $(as $pyname:literal)? : $ty:ty = $value:expr ),* $(,)?
        }
        repr [$($rf:ident),*]
        $(methods { $($extra:item)* })?
    ) => {
        $(#[$doc])*
        #[pyclass(frozen, module = "paycore._native")]
        #[derive(Debug)]
        pub(crate) struct $name {
            $(
                #[pyo3(get $(, name = $pyname)?)]
                $field: $ty,
            )*
            #[pyo3(get)]
            response: Option<Py<ResponseInfo>>,
            raw: serde_json::Value,
        }

        impl $name {
            #[allow(unused_variables, reason = "not every model has nested objects")]
            pub(crate) fn build(
                $py: Python<'_>,
                $src: &$sdk,
                response: Option<ResponseInfo>,
            ) -> PyResult<Self> {
                Ok(Self {
                    $( $field: $value, )*
                    response: response.map(|r| Py::new($py, r)).transpose()?,
                    raw: raw($src),
                })
            }
        }

        #[pymethods]
        impl $name {
            /// The object as a `dict` (its JSON, as the server sent it).
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                json_to_py(py, &self.raw)
            }

            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                let mut parts: Vec<String> = Vec::new();
                $(
                    let v = self.$rf.clone().into_bound_py_any(py)?;
                    parts.push(format!("{}={}", stringify!($rf), v.repr()?));
                )*
                Ok(format!("{}({})", stringify!($name), parts.join(", ")))
            }

            $($($extra)*)?
        }
    };
}

model! {
    /// A card (brand and last four digits; never the number).
    Card from m::Card, |s, py| {
        brand: String = s.brand.clone(),
        last4: String = s.last4.clone(),
    }
    repr [brand, last4]
}

model! {
    /// How a payment was paid.
    PaymentMethodDetails from m::PaymentMethodDetails, |s, py| {
        kind as "type": String = s.kind.clone(),
        card: Option<Py<Card>> = s.card.as_ref().map(|c| Py::new(py, Card::build(py, c, None)?)).transpose()?,
    }
    repr [kind]
}

model! {
    /// The decline of a failed payment.
    PaymentError from m::PaymentError, |s, py| {
        kind as "type": String = s.kind.clone(),
        code: String = s.code.clone(),
        decline_code: Option<String> = s.decline_code.clone(),
        message: Option<String> = s.message.clone(),
    }
    repr [code, decline_code]
}

model! {
    /// A payment.
    Payment from m::Payment, |s, py| {
        id: String = s.id.clone(),
        object: String = s.object.clone(),
        amount: i64 = s.amount,
        currency: String = s.currency.clone(),
        currency_exponent: Option<u32> = s.currency_exponent,
        status: String = s.status.as_str().to_owned(),
        capture_method: String = wire(&s.capture_method),
        amount_capturable: i64 = s.amount_capturable,
        amount_captured: i64 = s.amount_captured,
        amount_refunded: i64 = s.amount_refunded,
        refunded: bool = s.refunded,
        payment_method: Py<PaymentMethodDetails> = Py::new(py, PaymentMethodDetails::build(py, &s.payment_method, None)?)?,
        customer_email: Option<String> = s.customer_email.clone(),
        description: Option<String> = s.description.clone(),
        cancellation_reason: Option<String> = s.cancellation_reason.as_ref().map(wire),
        metadata: BTreeMap<String, String> = s.metadata.clone(),
        last_payment_error: Option<Py<PaymentError>> = s.last_payment_error.as_ref().map(|e| Py::new(py, PaymentError::build(py, e, None)?)).transpose()?,
        created: i64 = s.created,
        livemode: bool = s.livemode,
    }
    repr [id, status, amount, currency]
}

model! {
    /// A refund.
    Refund from m::Refund, |s, py| {
        id: String = s.id.clone(),
        object: String = s.object.clone(),
        payment: String = s.payment.clone(),
        amount: i64 = s.amount,
        currency: String = s.currency.clone(),
        status: String = s.status.clone(),
        reason: Option<String> = s.reason.as_ref().map(wire),
        metadata: BTreeMap<String, String> = s.metadata.clone(),
        created: i64 = s.created,
    }
    repr [id, payment, amount, status]
}

model! {
    /// An event (also the body of a webhook delivery). `data` is the
    /// wire's `{"object": {...}}`; `data_object()` gives it typed.
    Event from m::Event, |s, py| {
        id: String = s.id.clone(),
        object: String = s.object.clone(),
        event_type as "type": String = s.event_type.clone(),
        created: i64 = s.created,
        data: Py<PyAny> = json_to_py(py, &raw(&s.data))?.unbind(),
    }
    repr [id, event_type]
    methods {
    /// The event's object, typed by the event type's prefix: `Payment`,
    /// `Refund`, `UsageThreshold`, `WebhookEndpoint`, or a `dict` for a type
    /// this version does not know.
    fn data_object<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let ev: m::Event = serde_json::from_value(self.raw.clone())
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        let obj = ev
            .object()
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
        Ok(match obj {
            m::EventObject::Payment(p) => Bound::new(py, Payment::build(py, &p, None)?)?.into_any(),
            m::EventObject::Refund(r) => Bound::new(py, Refund::build(py, &r, None)?)?.into_any(),
            m::EventObject::Usage(u) => {
                Bound::new(py, UsageThreshold::build(py, &u, None)?)?.into_any()
            }
            m::EventObject::WebhookEndpoint(w) => {
                Bound::new(py, WebhookEndpoint::build(py, &w, None)?)?.into_any()
            }
            m::EventObject::Other(v) => json_to_py(py, &v)?,
            _ => json_to_py(py, &ev.data.object)?,
        })
    }
    }
}

model! {
    /// A webhook endpoint. `secret` is set only in the responses of
    /// `create` and `rotate_secret` (`v1` endpoints); `repr` redacts it.
    WebhookEndpoint from m::WebhookEndpoint, |s, py| {
        id: String = s.id.clone(),
        object: String = s.object.clone(),
        url: String = s.url.clone(),
        enabled_events: Vec<String> = s.enabled_events.clone(),
        description: Option<String> = s.description.clone(),
        status: String = wire(&s.status),
        disabled_reason: Option<String> = s.disabled_reason.as_ref().map(wire),
        signature_algorithm: String = wire(&s.signature_algorithm),
        secret: Option<String> = s.secret.clone(),
        public_key: Option<String> = s.public_key.clone(),
        previous_secret_expires: Option<i64> = s.previous_secret_expires,
        created: i64 = s.created,
    }
    repr [id, url, status, signature_algorithm]
}

model! {
    /// The acknowledgement of a deleted object.
    Deleted from m::Deleted, |s, py| {
        id: String = s.id.clone(),
        object: String = s.object.clone(),
        deleted: bool = s.deleted,
    }
    repr [id, object, deleted]
}

model! {
    /// One HTTP attempt to deliver one event to one endpoint.
    WebhookAttempt from m::WebhookAttempt, |s, py| {
        id: String = s.id.clone(),
        object: String = s.object.clone(),
        event: String = s.event.clone(),
        endpoint: String = s.endpoint.clone(),
        webhook_id: String = s.webhook_id.clone(),
        attempt: u32 = s.attempt,
        created: i64 = s.created,
        url: String = s.url.clone(),
        status_code: Option<u16> = s.status_code,
        duration_ms: u64 = s.duration_ms,
        response_body: Option<String> = s.response_body.clone(),
        error_kind: Option<String> = s.error_kind.clone(),
        result: String = wire(&s.result),
    }
    repr [id, event, endpoint, attempt, result]
}

model! {
    /// What `events.redeliver` scheduled.
    Redelivery from m::Redelivery, |s, py| {
        object: String = s.object.clone(),
        event: String = s.event.clone(),
        endpoints: Vec<String> = s.endpoints.clone(),
    }
    repr [event, endpoints]
}

model! {
    /// The month's usage against the plan's volume limit.
    Usage from m::Usage, |s, py| {
        object: String = s.object.clone(),
        month: String = s.month.clone(),
        volume: i64 = s.volume,
        limit: i64 = s.limit,
        percentage: f64 = s.percentage,
        thresholds_reached: Vec<u32> = s.thresholds_reached.clone(),
        projected_volume: i64 = s.projected_volume,
        overage_allowed: bool = s.overage_allowed,
        plan: String = s.plan.clone(),
    }
    repr [month, volume, limit, plan]
}

model! {
    /// The object of a `usage.threshold_reached` event.
    UsageThreshold from m::UsageThreshold, |s, py| {
        usage: Py<Usage> = Py::new(py, Usage::build(py, &s.usage, None)?)?,
        threshold: u32 = s.threshold,
    }
    repr [threshold]
}

/// Any object a call returns, converted to its class with the GIL held.
#[derive(Debug)]
pub(crate) enum Obj {
    Payment(m::Payment),
    Refund(m::Refund),
    Event(m::Event),
    Endpoint(m::WebhookEndpoint),
    Deleted(m::Deleted),
    Attempt(m::WebhookAttempt),
    Redelivery(m::Redelivery),
    Usage(m::Usage),
}

macro_rules! obj_from {
    ($($v:ident($t:ty)),*) => {$(
        impl From<$t> for Obj {
            fn from(x: $t) -> Self {
                Obj::$v(x)
            }
        }
    )*};
}
obj_from!(
    Payment(m::Payment),
    Refund(m::Refund),
    Event(m::Event),
    Endpoint(m::WebhookEndpoint),
    Deleted(m::Deleted),
    Attempt(m::WebhookAttempt),
    Redelivery(m::Redelivery),
    Usage(m::Usage)
);

impl Obj {
    pub(crate) fn into_py(self, py: Python<'_>, resp: Option<ResponseInfo>) -> PyResult<Py<PyAny>> {
        Ok(match self {
            Obj::Payment(x) => Py::new(py, Payment::build(py, &x, resp)?)?.into_any(),
            Obj::Refund(x) => Py::new(py, Refund::build(py, &x, resp)?)?.into_any(),
            Obj::Event(x) => Py::new(py, Event::build(py, &x, resp)?)?.into_any(),
            Obj::Endpoint(x) => Py::new(py, WebhookEndpoint::build(py, &x, resp)?)?.into_any(),
            Obj::Deleted(x) => Py::new(py, Deleted::build(py, &x, resp)?)?.into_any(),
            Obj::Attempt(x) => Py::new(py, WebhookAttempt::build(py, &x, resp)?)?.into_any(),
            Obj::Redelivery(x) => Py::new(py, Redelivery::build(py, &x, resp)?)?.into_any(),
            Obj::Usage(x) => Py::new(py, Usage::build(py, &x, resp)?)?.into_any(),
        })
    }
}

/// A call's result: the object and the response's metadata.
#[derive(Debug)]
pub(crate) struct Returned {
    pub(crate) obj: Obj,
    pub(crate) info: ResponseInfo,
}

impl<T: Into<Obj>> From<paycore_sdk::Response<T>> for Returned {
    fn from(r: paycore_sdk::Response<T>) -> Self {
        let info = ResponseInfo::from(&r);
        Returned {
            obj: r.into_inner().into(),
            info,
        }
    }
}

/// `_object_from_json(kind, json)`: builds a model from JSON the way a
/// response is converted (for tests of objects the server does not serve
/// yet, and for replaying stored API JSON). `kind` is the object's
/// `object` value: `payment`, `refund`, `event`, `webhook_endpoint`,
/// `webhook_attempt`, `redelivery`, `usage`, or `deleted`.
#[pyfunction]
fn _object_from_json(py: Python<'_>, kind: &str, json: &str) -> PyResult<Py<PyAny>> {
    fn parse<T: serde::de::DeserializeOwned + Into<Obj>>(json: &str) -> PyResult<Obj> {
        serde_json::from_str::<T>(json)
            .map(Into::into)
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("invalid object: {e}")))
    }
    let obj = match kind {
        "payment" => parse::<m::Payment>(json)?,
        "refund" => parse::<m::Refund>(json)?,
        "event" => parse::<m::Event>(json)?,
        "webhook_endpoint" => parse::<m::WebhookEndpoint>(json)?,
        "webhook_attempt" => parse::<m::WebhookAttempt>(json)?,
        "redelivery" => parse::<m::Redelivery>(json)?,
        "usage" => parse::<m::Usage>(json)?,
        "deleted" => parse::<m::Deleted>(json)?,
        other => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "unknown object kind {other:?}"
            )));
        }
    };
    obj.into_py(py, None)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ResponseInfo>()?;
    m.add_class::<Card>()?;
    m.add_class::<PaymentMethodDetails>()?;
    m.add_class::<PaymentError>()?;
    m.add_class::<Payment>()?;
    m.add_class::<Refund>()?;
    m.add_class::<Event>()?;
    m.add_class::<WebhookEndpoint>()?;
    m.add_class::<Deleted>()?;
    m.add_class::<WebhookAttempt>()?;
    m.add_class::<Redelivery>()?;
    m.add_class::<Usage>()?;
    m.add_class::<UsageThreshold>()?;
    m.add_function(wrap_pyfunction!(_object_from_json, m)?)?;
    Ok(())
}
