//! [`Client`]: the paycore API client, a thin uniffi wrapper of
//! [`paycore_sdk::Client`]. Every method converts its arguments, awaits the
//! SDK (which signs, retries and decodes) and converts the result or the
//! error; Kotlin sees `suspend` functions, Swift `async throws` ones.
//!
//! The futures are exported with `async_runtime = "tokio"`: uniffi polls
//! them inside a Tokio context (reqwest needs its reactor), driven by the
//! foreign language's executor (Kotlin coroutines, Swift tasks). Cancelling
//! the coroutine / task drops the future, which cancels the request.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use paycore_sdk::models as sdk;

use crate::error::PaycoreError;
use crate::models::{
    CancellationReason, CreatePaymentParams, CreateRefundParams, CreateWebhookEndpointParams,
    Deleted, Event, EventPage, ListOf, ListParams, Payment, PaymentPage, Redelivery, Refund,
    RefundPage, RequestOptions, ResponseMeta, UpdateWebhookEndpointParams, Usage, WebhookAttempt,
    WebhookAttemptPage, WebhookEndpoint, WebhookEndpointPage,
};

/// The API client: one per key (the retry budget is client-wide). Built
/// from the key id, the base64 HMAC secret `keys create` printed, the base
/// URL, the per-attempt timeout and the number of retries (2 by default:
/// 3 attempts). `toString()` / `description` never print the secret.
#[derive(uniffi::Object)]
#[uniffi::export(Debug)]
pub struct Client {
    sdk: paycore_sdk::Client,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The SDK's Debug prints the key as `[REDACTED]`.
        write!(f, "{:?}", self.sdk)
    }
}

/// Sets a record's `meta` from the SDK response it came in.
fn with_meta<S, T>(r: paycore_sdk::Response<S>, set: impl FnOnce(&mut T, ResponseMeta)) -> T
where
    T: From<S>,
{
    let meta = ResponseMeta::from(&r);
    let mut out = T::from(r.into_inner());
    set(&mut out, meta);
    out
}

fn payment(r: paycore_sdk::Response<sdk::Payment>) -> Payment {
    with_meta(r, |p: &mut Payment, m| p.meta = Some(m))
}

fn refund(r: paycore_sdk::Response<sdk::Refund>) -> Refund {
    with_meta(r, |p: &mut Refund, m| p.meta = Some(m))
}

fn endpoint(r: paycore_sdk::Response<sdk::WebhookEndpoint>) -> WebhookEndpoint {
    with_meta(r, |p: &mut WebhookEndpoint, m| p.meta = Some(m))
}

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// A client. `secret` is the standard-base64 HMAC secret; `baseUrl` an
    /// absolute `http(s)` URL without a query; `timeoutMs` the per-attempt
    /// timeout (positive); `maxRetries` the retries after the first attempt.
    /// Bad values are an `InvalidConfiguration` error.
    #[uniffi::constructor(default(timeout_ms = 30000, max_retries = 2))]
    pub fn new(
        key_id: String,
        secret: String,
        base_url: String,
        timeout_ms: u64,
        max_retries: u32,
    ) -> Result<Arc<Self>, PaycoreError> {
        let sdk = paycore_sdk::Client::builder()
            .key_id(key_id)
            .secret(paycore_sdk::Secret::hmac_base64(&secret)?)
            .base_url(base_url)
            .timeout(Duration::from_millis(timeout_ms))
            .retry(
                paycore_sdk::RetryConfig::standard()
                    .with_max_attempts(max_retries.saturating_add(1)),
            )
            .build()?;
        Ok(Arc::new(Client { sdk }))
    }

    /// The retry budget's available tokens (client-wide).
    pub fn retry_budget_available(&self) -> u32 {
        self.sdk.retry_budget_available()
    }

    // ---- payments ----

    /// Creates a payment. A declined card is a `CardError`.
    #[uniffi::method(default(options = None))]
    pub async fn create_payment(
        &self,
        params: CreatePaymentParams,
        options: Option<RequestOptions>,
    ) -> Result<Payment, PaycoreError> {
        let opts = options.unwrap_or_default().into();
        let r = self
            .sdk
            .payments()
            .create_with(&params.into(), &opts)
            .await?;
        Ok(payment(r))
    }

    /// Retrieves a payment.
    pub async fn retrieve_payment(&self, id: String) -> Result<Payment, PaycoreError> {
        Ok(payment(self.sdk.payments().retrieve(&id).await?))
    }

    /// Confirms a payment in `RequiresAction`.
    pub async fn confirm_payment(&self, id: String) -> Result<Payment, PaycoreError> {
        Ok(payment(self.sdk.payments().confirm(&id).await?))
    }

    /// Captures a payment in `RequiresCapture`: all of it, or `amount`.
    #[uniffi::method(default(amount = None))]
    pub async fn capture_payment(
        &self,
        id: String,
        amount: Option<i64>,
    ) -> Result<Payment, PaycoreError> {
        let params = match amount {
            Some(a) => sdk::CapturePayment::partial(a),
            None => sdk::CapturePayment::full(),
        };
        Ok(payment(self.sdk.payments().capture(&id, &params).await?))
    }

    /// Cancels a payment in `RequiresAction` or `RequiresCapture`.
    #[uniffi::method(default(reason = None))]
    pub async fn cancel_payment(
        &self,
        id: String,
        reason: Option<CancellationReason>,
    ) -> Result<Payment, PaycoreError> {
        let params = match reason {
            Some(r) => sdk::CancelPayment::reason(r.into()),
            None => sdk::CancelPayment::default(),
        };
        Ok(payment(self.sdk.payments().cancel(&id, &params).await?))
    }

    /// One page of payments, newest first.
    pub async fn list_payments(&self, params: ListParams) -> Result<PaymentPage, PaycoreError> {
        let p = params.to_sdk(ListOf::Payments)?;
        Ok(self.sdk.payments().list(&p).await?.into())
    }

    /// Every payment matching `params`: the SDK's auto-pagination, read one
    /// object at a time with `next()`.
    pub fn list_all_payments(
        &self,
        params: ListParams,
    ) -> Result<Arc<PaymentIterator>, PaycoreError> {
        let p = params.to_sdk(ListOf::Payments)?;
        Ok(PaymentIterator::new(self.sdk.payments().list_all(p)))
    }

    // ---- refunds ----

    /// Refunds a succeeded payment, fully or partly.
    #[uniffi::method(default(options = None))]
    pub async fn create_refund(
        &self,
        params: CreateRefundParams,
        options: Option<RequestOptions>,
    ) -> Result<Refund, PaycoreError> {
        let opts = options.unwrap_or_default().into();
        let r = self
            .sdk
            .refunds()
            .create_with(&params.into(), &opts)
            .await?;
        Ok(refund(r))
    }

    /// Retrieves a refund.
    pub async fn retrieve_refund(&self, id: String) -> Result<Refund, PaycoreError> {
        Ok(refund(self.sdk.refunds().retrieve(&id).await?))
    }

    /// One page of refunds (filter by `payment`).
    pub async fn list_refunds(&self, params: ListParams) -> Result<RefundPage, PaycoreError> {
        let p = params.to_sdk(ListOf::Refunds)?;
        Ok(self.sdk.refunds().list(&p).await?.into())
    }

    /// Every refund matching `params`.
    pub fn list_all_refunds(
        &self,
        params: ListParams,
    ) -> Result<Arc<RefundIterator>, PaycoreError> {
        let p = params.to_sdk(ListOf::Refunds)?;
        Ok(RefundIterator::new(self.sdk.refunds().list_all(p)))
    }

    // ---- events ----

    /// Retrieves an event.
    pub async fn retrieve_event(&self, id: String) -> Result<Event, PaycoreError> {
        let r = self.sdk.events().retrieve(&id).await?;
        Ok(with_meta(r, |e: &mut Event, m| e.meta = Some(m)))
    }

    /// One page of events (filter by `eventType`).
    pub async fn list_events(&self, params: ListParams) -> Result<EventPage, PaycoreError> {
        let p = params.to_sdk(ListOf::Events)?;
        Ok(self.sdk.events().list(&p).await?.into())
    }

    /// Every event matching `params`.
    pub fn list_all_events(&self, params: ListParams) -> Result<Arc<EventIterator>, PaycoreError> {
        let p = params.to_sdk(ListOf::Events)?;
        Ok(EventIterator::new(self.sdk.events().list_all(p)))
    }

    /// One page of an event's delivery attempts, newest first.
    pub async fn list_event_attempts(
        &self,
        id: String,
        params: ListParams,
    ) -> Result<WebhookAttemptPage, PaycoreError> {
        let p = params.to_sdk(ListOf::Other)?;
        Ok(self.sdk.events().attempts(&id, &p).await?.into())
    }

    /// Every delivery attempt of an event.
    pub fn list_all_event_attempts(
        &self,
        id: String,
        params: ListParams,
    ) -> Result<Arc<WebhookAttemptIterator>, PaycoreError> {
        let p = params.to_sdk(ListOf::Other)?;
        Ok(WebhookAttemptIterator::new(
            self.sdk.events().attempts_all(&id, p),
        ))
    }

    /// Delivers an event again (same `webhook-id`) to every enabled endpoint
    /// it matches, or to `endpoint` only.
    #[uniffi::method(default(endpoint = None))]
    pub async fn redeliver_event(
        &self,
        id: String,
        endpoint: Option<String>,
    ) -> Result<Redelivery, PaycoreError> {
        let mut params = sdk::Redeliver::new();
        if let Some(e) = endpoint {
            params = params.endpoint(e);
        }
        let r = self.sdk.events().redeliver(&id, &params).await?;
        let meta = ResponseMeta::from(&r);
        let r = r.into_inner();
        Ok(Redelivery {
            event: r.event,
            endpoints: r.endpoints,
            meta,
        })
    }

    // ---- webhook endpoints ----

    /// Creates an endpoint. The response is the only one carrying its
    /// secret (`secret?.reveal()`).
    pub async fn create_webhook_endpoint(
        &self,
        params: CreateWebhookEndpointParams,
    ) -> Result<WebhookEndpoint, PaycoreError> {
        let r = self.sdk.webhook_endpoints().create(&params.into()).await?;
        Ok(endpoint(r))
    }

    /// Retrieves an endpoint (without its secret).
    pub async fn retrieve_webhook_endpoint(
        &self,
        id: String,
    ) -> Result<WebhookEndpoint, PaycoreError> {
        Ok(endpoint(self.sdk.webhook_endpoints().retrieve(&id).await?))
    }

    /// Changes an endpoint's URL, event types, description or enabled flag.
    pub async fn update_webhook_endpoint(
        &self,
        id: String,
        params: UpdateWebhookEndpointParams,
    ) -> Result<WebhookEndpoint, PaycoreError> {
        let r = self
            .sdk
            .webhook_endpoints()
            .update(&id, &params.into())
            .await?;
        Ok(endpoint(r))
    }

    /// Deletes an endpoint.
    pub async fn delete_webhook_endpoint(&self, id: String) -> Result<Deleted, PaycoreError> {
        let r = self.sdk.webhook_endpoints().delete(&id).await?;
        let meta = ResponseMeta::from(&r);
        let d = r.into_inner();
        Ok(Deleted {
            id: d.id,
            object: d.object,
            deleted: d.deleted,
            meta,
        })
    }

    /// Mints a new secret; the old one keeps signing until
    /// `previousSecretExpires` (`expiresInSeconds`, server default one day).
    #[uniffi::method(default(expires_in_seconds = None))]
    pub async fn rotate_webhook_endpoint_secret(
        &self,
        id: String,
        expires_in_seconds: Option<u64>,
    ) -> Result<WebhookEndpoint, PaycoreError> {
        let mut params = sdk::RotateSecret::new();
        if let Some(s) = expires_in_seconds {
            params = params.expires_in(s);
        }
        let r = self
            .sdk
            .webhook_endpoints()
            .rotate_secret(&id, &params)
            .await?;
        Ok(endpoint(r))
    }

    /// One page of endpoints, newest first.
    pub async fn list_webhook_endpoints(
        &self,
        params: ListParams,
    ) -> Result<WebhookEndpointPage, PaycoreError> {
        let p = params.to_sdk(ListOf::Other)?;
        Ok(self.sdk.webhook_endpoints().list(&p).await?.into())
    }

    /// Every endpoint.
    pub fn list_all_webhook_endpoints(
        &self,
        params: ListParams,
    ) -> Result<Arc<WebhookEndpointIterator>, PaycoreError> {
        let p = params.to_sdk(ListOf::Other)?;
        Ok(WebhookEndpointIterator::new(
            self.sdk.webhook_endpoints().list_all(p),
        ))
    }

    // ---- usage ----

    /// This month's volume against the plan's limit.
    pub async fn retrieve_usage(&self) -> Result<Usage, PaycoreError> {
        let r = self.sdk.usage().retrieve().await?;
        Ok(with_meta(r, |u: &mut Usage, m| u.meta = Some(m)))
    }
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, paycore_sdk::Error>> + Send>>;

/// Declares an iterator object over one of the SDK's `list_all` streams:
/// `next()` returns the next object (fetching a page when needed) or `null`
/// at the end. The pagination is the SDK's.
macro_rules! iterator {
    ($(#[$m:meta])* $name:ident of $item:ident) => {
        $(#[$m])*
        #[derive(uniffi::Object)]
        pub struct $name {
            stream: tokio::sync::Mutex<BoxStream<sdk::$item>>,
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(stringify!($name))
            }
        }

        impl $name {
            fn new(
                s: impl Stream<Item = Result<sdk::$item, paycore_sdk::Error>> + Send + 'static,
            ) -> Arc<Self> {
                Arc::new($name {
                    stream: tokio::sync::Mutex::new(Box::pin(s)),
                })
            }
        }

        #[uniffi::export(async_runtime = "tokio")]
        impl $name {
            /// The next object, or `null` when the list is exhausted. After
            /// an error the iteration is over.
            pub async fn next(&self) -> Result<Option<$item>, PaycoreError> {
                let mut s = self.stream.lock().await;
                match s.next().await {
                    Some(Ok(item)) => Ok(Some(item.into())),
                    Some(Err(e)) => Err(e.into()),
                    None => Ok(None),
                }
            }
        }
    };
}

iterator!(
    /// Every payment of a `listAllPayments`.
    PaymentIterator of Payment
);
iterator!(
    /// Every refund of a `listAllRefunds`.
    RefundIterator of Refund
);
iterator!(
    /// Every event of a `listAllEvents`.
    EventIterator of Event
);
iterator!(
    /// Every endpoint of a `listAllWebhookEndpoints`.
    WebhookEndpointIterator of WebhookEndpoint
);
iterator!(
    /// Every attempt of a `listAllEventAttempts`.
    WebhookAttemptIterator of WebhookAttempt
);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_the_secret() {
        let secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXh4eA==";
        let c = Client::new(
            "key_1".into(),
            secret.into(),
            "http://127.0.0.1:9".into(),
            1000,
            2,
        )
        .unwrap();
        let dbg = format!("{c:?}");
        assert!(!dbg.contains(secret), "{dbg}");
        assert!(dbg.contains("key_1"), "{dbg}");
    }

    #[test]
    fn bad_configuration_is_a_typed_error() {
        for (secret, url, timeout) in [
            ("not base64!", "http://127.0.0.1:9", 1000),
            ("c2VjcmV0", "not a url", 1000),
            ("c2VjcmV0", "http://127.0.0.1:9", 0),
        ] {
            match Client::new("key_1".into(), secret.into(), url.into(), timeout, 0) {
                Err(PaycoreError::InvalidConfiguration { detail }) => {
                    assert!(!detail.contains("c2VjcmV0"), "{detail}");
                }
                other => panic!("{secret} {url} {timeout}: {:?}", other.map(|_| ())),
            }
        }
    }
}
