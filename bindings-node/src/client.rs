//! The HTTP client: `paycore_sdk::Client` behind Promise-returning methods.
//!
//! Every request, retry, idempotency key, pagination cursor and error kind is
//! the SDK's; this module converts arguments and results. A call resolves to
//! an outcome object: `value` and the response's metadata, or `error` (the
//! SDK error's kind, metadata and fields), which the JS layer (lib/client.js)
//! throws as the matching error class. Bad arguments reject with the `arg/`
//! native error (a `TypeError` in JS) before anything is sent.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use paycore_sdk::{self as sdk, RequestOptions, RetryConfig, Secret};

use crate::invalid_arg;
use crate::models::{
    CancelPaymentParams, CapturePaymentParams, CreatePaymentParams, CreateRefundParams,
    CreateWebhookEndpointParams, Deleted, Event, EventPage, ListParams, Payment, PaymentPage,
    RedeliverParams, Redelivery, Refund, RefundPage, RotateSecretParams,
    UpdateWebhookEndpointParams, Usage, WebhookAttempt, WebhookAttemptPage, WebhookEndpoint,
    WebhookEndpointPage,
};

fn native_config_error(message: impl ToString) -> Error<String> {
    crate::native_error(
        "client",
        "invalid_configuration",
        "invalid_configuration",
        message,
    )
}

fn ms(value: f64, what: &str) -> std::result::Result<Duration, Error<String>> {
    if !(value.is_finite() && value > 0.0) {
        return Err(invalid_arg(format!(
            "{what} must be a positive, finite number of milliseconds"
        )));
    }
    Duration::try_from_secs_f64(value / 1000.0)
        .map_err(|_| invalid_arg(format!("{what} is out of range")))
}

/// The options of `new Client(...)`.
#[napi(object)]
pub struct ClientOptions {
    /// The API key id (`key_...`).
    pub key_id: String,
    /// The key's HMAC secret: the base64 string the server printed, or the
    /// raw bytes.
    pub secret: Either<String, Buffer>,
    /// The API's base URL (default `http://127.0.0.1:8080`).
    pub base_url: Option<String>,
    /// The timeout of each attempt, ms (default 30,000).
    pub timeout_ms: Option<f64>,
    /// The overall deadline of a call, retries included, ms (default
    /// 60,000; `null` for none).
    pub deadline_ms: Option<Either<f64, Null>>,
    /// Retries after the first attempt (default 2); 0 disables retries.
    pub max_retries: Option<u32>,
    /// The `User-Agent` (default `paycore-node/<version>`).
    pub user_agent: Option<String>,
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("key_id", &self.key_id)
            .field("secret", &"[REDACTED]")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// Per-call options (on the create methods, where the SDK takes them).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// The idempotency key (1-255 visible ASCII characters); a fresh one is
    /// minted per call otherwise. Reuse the key of an `OutcomeUnknownError`
    /// to retry safely.
    pub idempotency_key: Option<String>,
    /// This call's per-attempt timeout, ms.
    pub timeout_ms: Option<f64>,
    /// This call's overall deadline, ms.
    pub deadline_ms: Option<f64>,
    /// Extra headers sent on every attempt (e.g. the sandbox's
    /// `Paycore-Test-Fault`).
    pub headers: Option<std::collections::HashMap<String, String>>,
}

impl CallOptions {
    fn into_sdk(self) -> std::result::Result<RequestOptions, Error<String>> {
        let mut o = RequestOptions::new();
        if let Some(k) = self.idempotency_key {
            o = o.idempotency_key(k);
        }
        if let Some(t) = self.timeout_ms {
            o = o.timeout(ms(t, "timeoutMs")?);
        }
        if let Some(d) = self.deadline_ms {
            o = o.deadline(Some(ms(d, "deadlineMs")?));
        }
        if let Some(h) = self.headers {
            let mut pairs: Vec<_> = h.into_iter().collect();
            pairs.sort();
            for (n, v) in pairs {
                o = o.header(n, v);
            }
        }
        Ok(o)
    }
}

/// An argument error for an async method (whose errors are `napi::Error<Status>`):
/// `InvalidArg`, a `TypeError` in the JS layer.
fn arg_status(e: Error<String>) -> Error {
    Error::new(Status::InvalidArg, e.reason)
}

fn call_options(opts: Option<CallOptions>) -> std::result::Result<RequestOptions, Error<String>> {
    opts.map_or_else(|| Ok(RequestOptions::new()), CallOptions::into_sdk)
}

/// A failed call: the SDK error's kind, metadata and fields.
#[napi(object)]
#[derive(Debug, Clone)]
pub struct ClientErrorInfo {
    /// The SDK's stable kind code (`card_error`, `rate_limited`, ...: `ERROR_CODES`).
    pub kind: String,
    /// The SDK's message (never holds a secret).
    pub message: String,
    /// The server's error code (`card_declined`, `parameter_invalid`, ...), when it sent one.
    pub code: Option<String>,
    /// How far the request got: `construction`, `dispatch`, `response`.
    pub stage: String,
    /// The `Request-Id` of the last response.
    pub request_id: Option<String>,
    /// Attempts made (0 if nothing was sent).
    pub attempts: u32,
    /// The idempotency key the request carried.
    pub idempotency_key: Option<String>,
    /// The HTTP status of the last response.
    pub status: Option<u32>,
    /// Why the SDK stopped retrying (the core's reason code).
    pub retry_reason: Option<String>,
    /// Card errors: the issuer's decline code.
    pub decline_code: Option<String>,
    /// Card errors: what the merchant or customer must do (the core's action code).
    pub action: Option<String>,
    /// Card errors: the failed payment's id.
    pub payment_id: Option<String>,
    /// Invalid-request and not-found errors: the parameter at fault.
    pub param: Option<String>,
    /// Rate-limit errors: the server's `Retry-After`, ms.
    pub retry_after_ms: Option<f64>,
    /// Timeout and connection errors: whether the request may have reached the server.
    pub maybe_sent: Option<bool>,
}

#[allow(
    clippy::cast_precision_loss,
    reason = "a Retry-After beyond 2^53 ms is not meaningful"
)]
fn duration_ms(d: Duration) -> f64 {
    d.as_millis() as f64
}

impl From<&sdk::Error> for ClientErrorInfo {
    fn from(e: &sdk::Error) -> Self {
        let d = e.kind().details();
        ClientErrorInfo {
            kind: e.code().to_owned(),
            message: e.to_string(),
            code: d.code.map(str::to_owned),
            stage: e.stage().code().to_owned(),
            request_id: e.request_id().map(str::to_owned),
            attempts: e.attempts(),
            idempotency_key: e.idempotency_key().map(str::to_owned),
            status: e.status().map(u32::from),
            retry_reason: e.retry_reason().map(|r| r.code().to_owned()),
            decline_code: d.decline_code.map(str::to_owned),
            action: d.action.map(|a| a.code().to_owned()),
            payment_id: d.payment_id.map(str::to_owned),
            param: d.param.map(str::to_owned),
            retry_after_ms: d.retry_after.map(duration_ms),
            maybe_sent: d.maybe_sent,
        }
    }
}

/// An outcome type per result type: `value` plus the response metadata, or
/// `error`.
macro_rules! outcome {
    ($name:ident, $t:ident, $doc:literal) => {
        #[doc = $doc]
        #[napi(object)]
        #[derive(Clone)]
        pub struct $name {
            /// The object, on success.
            pub value: Option<$t>,
            /// The error, on failure.
            pub error: Option<ClientErrorInfo>,
            /// The `Request-Id` of the response.
            pub request_id: Option<String>,
            /// Attempts made.
            pub attempts: u32,
            /// The idempotency key sent.
            pub idempotency_key: Option<String>,
            /// Whether the server replayed a stored response.
            pub replayed: bool,
            /// The HTTP status.
            pub status: u32,
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("ok", &self.value.is_some())
                    .field("error", &self.error)
                    .field("request_id", &self.request_id)
                    .finish_non_exhaustive()
            }
        }

        impl<S> From<std::result::Result<sdk::Response<S>, sdk::Error>> for $name
        where
            $t: From<S>,
        {
            fn from(r: std::result::Result<sdk::Response<S>, sdk::Error>) -> Self {
                match r {
                    Ok(resp) => Self {
                        request_id: resp.request_id,
                        attempts: resp.attempts,
                        idempotency_key: resp.idempotency_key,
                        replayed: resp.replayed,
                        status: u32::from(resp.http_status),
                        value: Some($t::from(resp.value)),
                        error: None,
                    },
                    Err(e) => Self {
                        error: Some(ClientErrorInfo::from(&e)),
                        request_id: e.request_id().map(str::to_owned),
                        attempts: e.attempts(),
                        idempotency_key: e.idempotency_key().map(str::to_owned),
                        replayed: false,
                        status: e.status().map_or(0, u32::from),
                        value: None,
                    },
                }
            }
        }
    };
}

outcome!(PaymentOutcome, Payment, "The outcome of a payment call.");
outcome!(
    PaymentPageOutcome,
    PaymentPage,
    "The outcome of a payments list call."
);
outcome!(RefundOutcome, Refund, "The outcome of a refund call.");
outcome!(
    RefundPageOutcome,
    RefundPage,
    "The outcome of a refunds list call."
);
outcome!(EventOutcome, Event, "The outcome of an event call.");
outcome!(
    EventPageOutcome,
    EventPage,
    "The outcome of an events list call."
);
outcome!(
    WebhookAttemptPageOutcome,
    WebhookAttemptPage,
    "The outcome of an event attempts list call."
);
outcome!(
    RedeliveryOutcome,
    Redelivery,
    "The outcome of a redeliver call."
);
outcome!(
    WebhookEndpointOutcome,
    WebhookEndpoint,
    "The outcome of a webhook endpoint call."
);
outcome!(
    WebhookEndpointPageOutcome,
    WebhookEndpointPage,
    "The outcome of a webhook endpoints list call."
);
outcome!(DeletedOutcome, Deleted, "The outcome of a delete call.");
outcome!(UsageOutcome, Usage, "The outcome of a usage call.");

/// The next item of an auto-paginating list: `value`, or `error`, or `done`.
macro_rules! pager {
    ($pager:ident, $next:ident, $t:ident, $doc:literal) => {
        #[doc = "The next item of a list: `value`, `error`, or `done`."]
        #[napi(object)]
        #[derive(Clone)]
        pub struct $next {
            /// The item.
            pub value: Option<$t>,
            /// The error that ended the list.
            pub error: Option<ClientErrorInfo>,
            /// No item left.
            pub done: bool,
        }

        impl std::fmt::Debug for $next {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($next))
                    .field("done", &self.done)
                    .field("error", &self.error)
                    .finish_non_exhaustive()
            }
        }

        #[doc = $doc]
        #[napi]
        pub struct $pager {
            stream: Arc<
                tokio::sync::Mutex<
                    Pin<Box<dyn Stream<Item = std::result::Result<$t, sdk::Error>> + Send>>,
                >,
            >,
        }

        impl std::fmt::Debug for $pager {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($pager)).finish_non_exhaustive()
            }
        }

        impl $pager {
            fn new<S, I>(stream: S) -> Self
            where
                S: Stream<Item = std::result::Result<I, sdk::Error>> + Send + 'static,
                $t: From<I>,
            {
                Self {
                    stream: Arc::new(tokio::sync::Mutex::new(Box::pin(
                        stream.map(|r| r.map($t::from)),
                    ))),
                }
            }
        }

        #[napi]
        impl $pager {
            /// The next item (fetching the next page when the current one is used up).
            #[napi]
            pub async fn next(&self) -> $next {
                let stream = Arc::clone(&self.stream);
                let mut guard = stream.lock().await;
                match guard.next().await {
                    Some(Ok(v)) => $next {
                        value: Some(v),
                        error: None,
                        done: false,
                    },
                    Some(Err(e)) => $next {
                        value: None,
                        error: Some(ClientErrorInfo::from(&e)),
                        done: false,
                    },
                    None => $next {
                        value: None,
                        error: None,
                        done: true,
                    },
                }
            }
        }
    };
}

pager!(
    PaymentPager,
    PaymentNext,
    Payment,
    "Every payment of a list, page by page."
);
pager!(
    RefundPager,
    RefundNext,
    Refund,
    "Every refund of a list, page by page."
);
pager!(
    EventPager,
    EventNext,
    Event,
    "Every event of a list, page by page."
);
pager!(
    WebhookEndpointPager,
    WebhookEndpointNext,
    WebhookEndpoint,
    "Every webhook endpoint, page by page."
);
pager!(
    WebhookAttemptPager,
    WebhookAttemptNext,
    WebhookAttempt,
    "Every delivery attempt of an event, page by page."
);

fn list_params(p: Option<ListParams>) -> std::result::Result<sdk::ListParams, Error<String>> {
    p.unwrap_or_default().into_sdk()
}

/// The API client (`paycore_sdk::Client`): holds the key's secret, which is
/// never shown.
#[napi]
pub struct NativeClient {
    inner: sdk::Client,
    base_url: String,
    key_id: String,
}

impl std::fmt::Debug for NativeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The SDK client's Debug redacts the secret.
        std::fmt::Debug::fmt(&self.inner, f)
    }
}

#[napi]
impl NativeClient {
    /// Builds the client (no request is made).
    #[napi(constructor)]
    pub fn new(options: ClientOptions) -> std::result::Result<Self, Error<String>> {
        let secret = match &options.secret {
            Either::A(b64) => Secret::hmac_base64(b64).map_err(|e| native_config_error(&e))?,
            Either::B(bytes) => Secret::Hmac(bytes.to_vec()),
        };
        let mut b = sdk::Client::builder()
            .key_id(options.key_id.clone())
            .secret(secret)
            .user_agent(
                options
                    .user_agent
                    .clone()
                    .unwrap_or_else(|| concat!("paycore-node/", env!("CARGO_PKG_VERSION")).into()),
            );
        if let Some(u) = &options.base_url {
            b = b.base_url(u.clone());
        }
        if let Some(t) = options.timeout_ms {
            b = b.timeout(ms(t, "timeoutMs")?);
        }
        match options.deadline_ms {
            Some(Either::A(d)) => b = b.deadline(Some(ms(d, "deadlineMs")?)),
            Some(Either::B(Null)) => b = b.deadline(None),
            None => {}
        }
        if let Some(r) = options.max_retries {
            b = b.retry(RetryConfig::standard().with_max_attempts(r.saturating_add(1)));
        }
        let inner = b.build().map_err(|e| native_config_error(&e))?;
        Ok(Self {
            base_url: options
                .base_url
                .unwrap_or_else(|| sdk::DEFAULT_BASE_URL.to_owned()),
            key_id: options.key_id,
            inner,
        })
    }

    /// The base URL.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The API key id.
    #[napi(getter)]
    pub fn key_id(&self) -> String {
        self.key_id.clone()
    }

    /// Attempts per call, the first included.
    #[napi(getter)]
    pub fn max_attempts(&self) -> u32 {
        self.inner.retry_config().max_attempts()
    }

    /// Tokens left in the client-wide retry budget.
    #[napi(getter)]
    pub fn retry_budget_available(&self) -> u32 {
        self.inner.retry_budget_available()
    }

    // ---- payments ----

    /// `POST /v1/payments`.
    #[napi]
    pub async fn payments_create(
        &self,
        params: CreatePaymentParams,
        options: Option<CallOptions>,
    ) -> Result<PaymentOutcome> {
        let params = params.into_sdk().map_err(arg_status)?;
        let opts = call_options(options).map_err(arg_status)?;
        Ok(self
            .inner
            .payments()
            .create_with(&params, &opts)
            .await
            .into())
    }

    /// `GET /v1/payments/{id}`.
    #[napi]
    pub async fn payments_retrieve(&self, id: String) -> PaymentOutcome {
        self.inner.payments().retrieve(&id).await.into()
    }

    /// `POST /v1/payments/{id}/confirm`.
    #[napi]
    pub async fn payments_confirm(&self, id: String) -> PaymentOutcome {
        self.inner.payments().confirm(&id).await.into()
    }

    /// `POST /v1/payments/{id}/capture`.
    #[napi]
    pub async fn payments_capture(
        &self,
        id: String,
        params: Option<CapturePaymentParams>,
    ) -> PaymentOutcome {
        let params = params.unwrap_or_default().into_sdk();
        self.inner.payments().capture(&id, &params).await.into()
    }

    /// `POST /v1/payments/{id}/cancel`.
    #[napi]
    pub async fn payments_cancel(
        &self,
        id: String,
        params: Option<CancelPaymentParams>,
    ) -> Result<PaymentOutcome> {
        let params = params.unwrap_or_default().into_sdk().map_err(arg_status)?;
        Ok(self.inner.payments().cancel(&id, &params).await.into())
    }

    /// One page of `GET /v1/payments`.
    #[napi]
    pub async fn payments_list(&self, params: Option<ListParams>) -> Result<PaymentPageOutcome> {
        let params = list_params(params).map_err(arg_status)?;
        Ok(self.inner.payments().list(&params).await.into())
    }

    /// Every payment matching `params`, page by page.
    #[napi]
    pub fn payments_list_all(
        &self,
        params: Option<ListParams>,
    ) -> std::result::Result<PaymentPager, Error<String>> {
        Ok(PaymentPager::new(
            self.inner.payments().list_all(list_params(params)?),
        ))
    }

    // ---- refunds ----

    /// `POST /v1/refunds`.
    #[napi]
    pub async fn refunds_create(
        &self,
        params: CreateRefundParams,
        options: Option<CallOptions>,
    ) -> Result<RefundOutcome> {
        let params = params.into_sdk().map_err(arg_status)?;
        let opts = call_options(options).map_err(arg_status)?;
        Ok(self
            .inner
            .refunds()
            .create_with(&params, &opts)
            .await
            .into())
    }

    /// `GET /v1/refunds/{id}`.
    #[napi]
    pub async fn refunds_retrieve(&self, id: String) -> RefundOutcome {
        self.inner.refunds().retrieve(&id).await.into()
    }

    /// One page of `GET /v1/refunds`.
    #[napi]
    pub async fn refunds_list(&self, params: Option<ListParams>) -> Result<RefundPageOutcome> {
        let params = list_params(params).map_err(arg_status)?;
        Ok(self.inner.refunds().list(&params).await.into())
    }

    /// Every refund matching `params`.
    #[napi]
    pub fn refunds_list_all(
        &self,
        params: Option<ListParams>,
    ) -> std::result::Result<RefundPager, Error<String>> {
        Ok(RefundPager::new(
            self.inner.refunds().list_all(list_params(params)?),
        ))
    }

    // ---- events ----

    /// `GET /v1/events/{id}`.
    #[napi]
    pub async fn events_retrieve(&self, id: String) -> EventOutcome {
        self.inner.events().retrieve(&id).await.into()
    }

    /// One page of `GET /v1/events`.
    #[napi]
    pub async fn events_list(&self, params: Option<ListParams>) -> Result<EventPageOutcome> {
        let params = list_params(params).map_err(arg_status)?;
        Ok(self.inner.events().list(&params).await.into())
    }

    /// Every event matching `params`.
    #[napi]
    pub fn events_list_all(
        &self,
        params: Option<ListParams>,
    ) -> std::result::Result<EventPager, Error<String>> {
        Ok(EventPager::new(
            self.inner.events().list_all(list_params(params)?),
        ))
    }

    /// One page of `GET /v1/events/{id}/attempts`.
    #[napi]
    pub async fn events_attempts(
        &self,
        id: String,
        params: Option<ListParams>,
    ) -> Result<WebhookAttemptPageOutcome> {
        let params = list_params(params).map_err(arg_status)?;
        Ok(self.inner.events().attempts(&id, &params).await.into())
    }

    /// Every delivery attempt of an event.
    #[napi]
    pub fn events_attempts_all(
        &self,
        id: String,
        params: Option<ListParams>,
    ) -> std::result::Result<WebhookAttemptPager, Error<String>> {
        Ok(WebhookAttemptPager::new(
            self.inner.events().attempts_all(&id, list_params(params)?),
        ))
    }

    /// `POST /v1/events/{id}/redeliver`.
    #[napi]
    pub async fn events_redeliver(
        &self,
        id: String,
        params: Option<RedeliverParams>,
    ) -> RedeliveryOutcome {
        let mut p = sdk::Redeliver::new();
        if let Some(e) = params.and_then(|p| p.endpoint) {
            p = p.endpoint(e);
        }
        self.inner.events().redeliver(&id, &p).await.into()
    }

    // ---- webhook endpoints ----

    /// `POST /v1/webhook_endpoints`.
    #[napi]
    pub async fn webhook_endpoints_create(
        &self,
        params: CreateWebhookEndpointParams,
    ) -> Result<WebhookEndpointOutcome> {
        let params = params.into_sdk().map_err(arg_status)?;
        Ok(self.inner.webhook_endpoints().create(&params).await.into())
    }

    /// `GET /v1/webhook_endpoints/{id}`.
    #[napi]
    pub async fn webhook_endpoints_retrieve(&self, id: String) -> WebhookEndpointOutcome {
        self.inner.webhook_endpoints().retrieve(&id).await.into()
    }

    /// `POST /v1/webhook_endpoints/{id}`.
    #[napi]
    pub async fn webhook_endpoints_update(
        &self,
        id: String,
        params: UpdateWebhookEndpointParams,
    ) -> WebhookEndpointOutcome {
        let params = params.into_sdk();
        self.inner
            .webhook_endpoints()
            .update(&id, &params)
            .await
            .into()
    }

    /// `DELETE /v1/webhook_endpoints/{id}`.
    #[napi]
    pub async fn webhook_endpoints_delete(&self, id: String) -> DeletedOutcome {
        self.inner.webhook_endpoints().delete(&id).await.into()
    }

    /// `POST /v1/webhook_endpoints/{id}/rotate_secret`.
    #[napi]
    pub async fn webhook_endpoints_rotate_secret(
        &self,
        id: String,
        params: Option<RotateSecretParams>,
    ) -> WebhookEndpointOutcome {
        let mut p = sdk::RotateSecret::new();
        if let Some(s) = params.and_then(|p| p.expires_in) {
            p = p.expires_in(u64::from(s));
        }
        self.inner
            .webhook_endpoints()
            .rotate_secret(&id, &p)
            .await
            .into()
    }

    /// One page of `GET /v1/webhook_endpoints`.
    #[napi]
    pub async fn webhook_endpoints_list(
        &self,
        params: Option<ListParams>,
    ) -> Result<WebhookEndpointPageOutcome> {
        let params = list_params(params).map_err(arg_status)?;
        Ok(self.inner.webhook_endpoints().list(&params).await.into())
    }

    /// Every webhook endpoint.
    #[napi]
    pub fn webhook_endpoints_list_all(
        &self,
        params: Option<ListParams>,
    ) -> std::result::Result<WebhookEndpointPager, Error<String>> {
        Ok(WebhookEndpointPager::new(
            self.inner
                .webhook_endpoints()
                .list_all(list_params(params)?),
        ))
    }

    // ---- usage ----

    /// `GET /v1/usage`.
    #[napi]
    pub async fn usage_retrieve(&self) -> UsageOutcome {
        self.inner.usage().retrieve().await.into()
    }
}

/// The SDK's error kind codes (`ERROR_CODES`), for the JS layer's check that
/// every kind has a class.
#[napi]
pub fn client_error_kinds() -> Vec<&'static str> {
    sdk::ERROR_CODES.to_vec()
}

/// Decodes an API object (snake_case JSON, as the server sends it) with the
/// SDK and converts it as a response is converted: lets the tests check the
/// conversion of objects the server does not serve yet. `kind`:
/// `webhook_endpoint`, `webhook_attempt`, `redelivery`, `deleted`, `usage`.
#[napi]
pub fn decode_api_object(
    kind: String,
    json: String,
) -> std::result::Result<
    Either5<WebhookEndpoint, WebhookAttempt, Redelivery, Deleted, Usage>,
    Error<String>,
> {
    fn de<S: serde::de::DeserializeOwned>(json: &str) -> std::result::Result<S, Error<String>> {
        serde_json::from_str(json).map_err(|e| invalid_arg(format!("json: {e}")))
    }
    Ok(match kind.as_str() {
        "webhook_endpoint" => Either5::A(de::<sdk::WebhookEndpoint>(&json)?.into()),
        "webhook_attempt" => Either5::B(de::<sdk::WebhookAttempt>(&json)?.into()),
        "redelivery" => Either5::C(de::<sdk::Redelivery>(&json)?.into()),
        "deleted" => Either5::D(de::<sdk::Deleted>(&json)?.into()),
        "usage" => Either5::E(de::<sdk::Usage>(&json)?.into()),
        other => return Err(invalid_arg(format!("unknown object kind {other:?}"))),
    })
}
