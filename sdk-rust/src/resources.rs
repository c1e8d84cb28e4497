//! The API's resources: payments, refunds, events (with their delivery
//! attempts and redelivery), webhook endpoints and usage.

use std::collections::VecDeque;

use futures_util::{Stream, StreamExt};
use serde::de::DeserializeOwned;

use crate::client::{Client, RequestOptions, Response, path_segment};
use crate::error::Error;
use crate::models::{
    CancelPayment, CapturePayment, CreatePayment, CreateRefund, CreateWebhookEndpoint, Deleted,
    Event, HasId, List, ListParams, Payment, Redeliver, Redelivery, Refund, RotateSecret,
    UpdateWebhookEndpoint, Usage, WebhookAttempt, WebhookEndpoint,
};

fn object_path(base: &str, id: &str, action: Option<&str>) -> Result<String, Error> {
    if id.is_empty() {
        return Err(Error::config("an object id must not be empty"));
    }
    let mut p = format!("{base}/{}", path_segment(id));
    if let Some(a) = action {
        p.push('/');
        p.push_str(a);
    }
    Ok(p)
}

fn list_path(base: &str, params: &ListParams) -> String {
    let q = params.query();
    if q.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{q}")
    }
}

/// Pages through a list endpoint, following `has_more` with cursors.
fn paginate<T>(
    client: Client,
    base: impl Into<String>,
    params: ListParams,
    opts: RequestOptions,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: DeserializeOwned + HasId + Send + 'static,
{
    struct State<T> {
        client: Client,
        base: String,
        params: ListParams,
        opts: RequestOptions,
        buf: VecDeque<T>,
        done: bool,
    }
    let backwards = params.ending_before.is_some();
    let state = State {
        client,
        base: base.into(),
        params,
        opts,
        buf: VecDeque::new(),
        done: false,
    };
    futures_util::stream::unfold(state, move |mut st| async move {
        loop {
            if let Some(item) = st.buf.pop_front() {
                return Some((Ok(item), st));
            }
            if st.done {
                return None;
            }
            let path = list_path(&st.base, &st.params);
            match st.client.get::<List<T>>(&path, &st.opts).await {
                Ok(page) => {
                    let page = page.into_inner();
                    st.done = !page.has_more || page.data.is_empty();
                    if backwards {
                        if let Some(first) = page.data.first() {
                            st.params.ending_before = Some(first.id().to_owned());
                        }
                    } else if let Some(last) = page.data.last() {
                        st.params.starting_after = Some(last.id().to_owned());
                    }
                    st.buf.extend(page.data);
                }
                Err(e) => {
                    st.done = true;
                    return Some((Err(e), st));
                }
            }
        }
    })
}

/// `/v1/payments`.
#[derive(Debug, Clone, Copy)]
pub struct Payments<'c> {
    client: &'c Client,
}

impl<'c> Payments<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Creates a payment. A declined card is an [`ErrorKind::Card`](crate::ErrorKind::Card).
    pub async fn create(&self, params: &CreatePayment) -> Result<Response<Payment>, Error> {
        self.create_with(params, &RequestOptions::new()).await
    }

    /// Creates a payment with per-call options (idempotency key, deadline).
    pub async fn create_with(
        &self,
        params: &CreatePayment,
        opts: &RequestOptions,
    ) -> Result<Response<Payment>, Error> {
        self.client.post("/v1/payments", params, opts).await
    }

    /// Retrieves a payment.
    pub async fn retrieve(&self, id: &str) -> Result<Response<Payment>, Error> {
        let path = object_path("/v1/payments", id, None)?;
        self.client.get(&path, &RequestOptions::new()).await
    }

    /// Confirms a payment in `requires_action`.
    pub async fn confirm(&self, id: &str) -> Result<Response<Payment>, Error> {
        let path = object_path("/v1/payments", id, Some("confirm"))?;
        self.client
            .post(&path, &serde_json::json!({}), &RequestOptions::new())
            .await
    }

    /// Captures a payment in `requires_capture`.
    pub async fn capture(
        &self,
        id: &str,
        params: &CapturePayment,
    ) -> Result<Response<Payment>, Error> {
        let path = object_path("/v1/payments", id, Some("capture"))?;
        self.client
            .post(&path, params, &RequestOptions::new())
            .await
    }

    /// Cancels a payment in `requires_action` or `requires_capture`.
    pub async fn cancel(
        &self,
        id: &str,
        params: &CancelPayment,
    ) -> Result<Response<Payment>, Error> {
        let path = object_path("/v1/payments", id, Some("cancel"))?;
        self.client
            .post(&path, params, &RequestOptions::new())
            .await
    }

    /// One page of payments, newest first.
    pub async fn list(&self, params: &ListParams) -> Result<Response<List<Payment>>, Error> {
        self.client
            .get(&list_path("/v1/payments", params), &RequestOptions::new())
            .await
    }

    /// Every payment matching `params`, fetching pages as the stream is read.
    pub fn list_all(
        &self,
        params: ListParams,
    ) -> impl Stream<Item = Result<Payment, Error>> + Send + 'static {
        paginate(
            self.client.clone(),
            "/v1/payments",
            params,
            RequestOptions::new(),
        )
    }
}

/// `/v1/refunds`.
#[derive(Debug, Clone, Copy)]
pub struct Refunds<'c> {
    client: &'c Client,
}

impl<'c> Refunds<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Refunds a succeeded payment, fully or partly.
    pub async fn create(&self, params: &CreateRefund) -> Result<Response<Refund>, Error> {
        self.create_with(params, &RequestOptions::new()).await
    }

    /// Refunds with per-call options.
    pub async fn create_with(
        &self,
        params: &CreateRefund,
        opts: &RequestOptions,
    ) -> Result<Response<Refund>, Error> {
        self.client.post("/v1/refunds", params, opts).await
    }

    /// Retrieves a refund.
    pub async fn retrieve(&self, id: &str) -> Result<Response<Refund>, Error> {
        let path = object_path("/v1/refunds", id, None)?;
        self.client.get(&path, &RequestOptions::new()).await
    }

    /// One page of refunds (filter by payment with [`ListParams::payment`]).
    pub async fn list(&self, params: &ListParams) -> Result<Response<List<Refund>>, Error> {
        self.client
            .get(&list_path("/v1/refunds", params), &RequestOptions::new())
            .await
    }

    /// Every refund matching `params`.
    pub fn list_all(
        &self,
        params: ListParams,
    ) -> impl Stream<Item = Result<Refund, Error>> + Send + 'static {
        paginate(
            self.client.clone(),
            "/v1/refunds",
            params,
            RequestOptions::new(),
        )
    }
}

/// `/v1/events`.
#[derive(Debug, Clone, Copy)]
pub struct Events<'c> {
    client: &'c Client,
}

impl<'c> Events<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Retrieves an event.
    pub async fn retrieve(&self, id: &str) -> Result<Response<Event>, Error> {
        let path = object_path("/v1/events", id, None)?;
        self.client.get(&path, &RequestOptions::new()).await
    }

    /// One page of events (filter by type with [`ListParams::event_type`]).
    pub async fn list(&self, params: &ListParams) -> Result<Response<List<Event>>, Error> {
        self.client
            .get(&list_path("/v1/events", params), &RequestOptions::new())
            .await
    }

    /// Every event matching `params`.
    pub fn list_all(
        &self,
        params: ListParams,
    ) -> impl Stream<Item = Result<Event, Error>> + Send + 'static {
        paginate(
            self.client.clone(),
            "/v1/events",
            params,
            RequestOptions::new(),
        )
    }
}

impl Events<'_> {
    /// One page of an event's delivery attempts, newest first.
    pub async fn attempts(
        &self,
        id: &str,
        params: &ListParams,
    ) -> Result<Response<List<WebhookAttempt>>, Error> {
        let path = object_path("/v1/events", id, Some("attempts"))?;
        self.client
            .get(&list_path(&path, params), &RequestOptions::new())
            .await
    }

    /// Every delivery attempt of an event.
    pub fn attempts_all(
        &self,
        id: &str,
        params: ListParams,
    ) -> impl Stream<Item = Result<WebhookAttempt, Error>> + Send + 'static {
        let client = self.client.clone();
        let path = object_path("/v1/events", id, Some("attempts"));
        futures_util::stream::once(async move { path })
            .map(move |path| match path {
                Ok(p) => {
                    paginate(client.clone(), p, params.clone(), RequestOptions::new()).left_stream()
                }
                Err(e) => futures_util::stream::once(async move { Err(e) }).right_stream(),
            })
            .flatten()
    }

    /// Delivers an event again (with the same `webhook-id`) to every enabled
    /// endpoint it matches, or to one endpoint.
    pub async fn redeliver(
        &self,
        id: &str,
        params: &Redeliver,
    ) -> Result<Response<Redelivery>, Error> {
        let path = object_path("/v1/events", id, Some("redeliver"))?;
        self.client
            .post(&path, params, &RequestOptions::new())
            .await
    }
}

/// `/v1/webhook_endpoints`.
#[derive(Debug, Clone, Copy)]
pub struct WebhookEndpoints<'c> {
    client: &'c Client,
}

impl<'c> WebhookEndpoints<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Creates an endpoint. The response is the only one carrying its secret.
    pub async fn create(
        &self,
        params: &CreateWebhookEndpoint,
    ) -> Result<Response<WebhookEndpoint>, Error> {
        self.client
            .post("/v1/webhook_endpoints", params, &RequestOptions::new())
            .await
    }

    /// Retrieves an endpoint (without its secret).
    pub async fn retrieve(&self, id: &str) -> Result<Response<WebhookEndpoint>, Error> {
        let path = object_path("/v1/webhook_endpoints", id, None)?;
        self.client.get(&path, &RequestOptions::new()).await
    }

    /// Changes an endpoint's URL, event types, description or enabled flag.
    pub async fn update(
        &self,
        id: &str,
        params: &UpdateWebhookEndpoint,
    ) -> Result<Response<WebhookEndpoint>, Error> {
        let path = object_path("/v1/webhook_endpoints", id, None)?;
        self.client
            .post(&path, params, &RequestOptions::new())
            .await
    }

    /// Deletes an endpoint; pending deliveries to it are dropped.
    pub async fn delete(&self, id: &str) -> Result<Response<Deleted>, Error> {
        let path = object_path("/v1/webhook_endpoints", id, None)?;
        self.client
            .execute("DELETE", &path, None, &RequestOptions::new())
            .await
    }

    /// Mints a new secret; the old one keeps signing (beside it) until
    /// `previous_secret_expires`.
    pub async fn rotate_secret(
        &self,
        id: &str,
        params: &RotateSecret,
    ) -> Result<Response<WebhookEndpoint>, Error> {
        let path = object_path("/v1/webhook_endpoints", id, Some("rotate_secret"))?;
        self.client
            .post(&path, params, &RequestOptions::new())
            .await
    }

    /// One page of endpoints, newest first.
    pub async fn list(
        &self,
        params: &ListParams,
    ) -> Result<Response<List<WebhookEndpoint>>, Error> {
        self.client
            .get(
                &list_path("/v1/webhook_endpoints", params),
                &RequestOptions::new(),
            )
            .await
    }

    /// Every endpoint.
    pub fn list_all(
        &self,
        params: ListParams,
    ) -> impl Stream<Item = Result<WebhookEndpoint, Error>> + Send + 'static {
        paginate(
            self.client.clone(),
            "/v1/webhook_endpoints",
            params,
            RequestOptions::new(),
        )
    }
}

/// `/v1/usage`.
#[derive(Debug, Clone, Copy)]
pub struct UsageResource<'c> {
    client: &'c Client,
}

impl<'c> UsageResource<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// This month's volume against the plan's limit.
    pub async fn retrieve(&self) -> Result<Response<Usage>, Error> {
        self.client.get("/v1/usage", &RequestOptions::new()).await
    }
}
