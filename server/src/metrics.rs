//! Prometheus metrics: one recorder per server instance, `GET /metrics`.
//!
//! The recorder is `metrics-exporter-prometheus`'s, used through the
//! `metrics` facade's [`Recorder`] trait but never installed globally:
//! several servers can run in one process (the tests do) and each keeps its
//! own counts. Handlers and workers record through the small [`Metrics`]
//! API held in [`crate::AppState`]; the exposition is the crate's
//! ([`PrometheusHandle::render`]), not a hand-written one.
//!
//! Families (`_total` counters, `_seconds` histograms):
//! - `http_requests_total{route,method,status}` and
//!   `http_request_duration_seconds{route,method}`: `route` is the matched
//!   route template (`/v1/payments/{id}`), never the raw path; requests that
//!   match no route are `unmatched`.
//! - `payments_total{status}`: payments entering each status (created as
//!   `succeeded`, `requires_capture`, `requires_action`, `failed`, or moved
//!   to `succeeded`, `requires_capture`, `canceled` later).
//! - `rate_limited_total`: requests refused with 429.
//! - `idempotent_replays_total`: stored responses replayed for a reused
//!   idempotency key.
//! - `webhook_deliveries_total{result}` (`succeeded`, `failed`: one per
//!   attempt) and `webhook_delivery_lag_seconds` (from the moment an attempt
//!   became due to its start): recorded by the delivery worker.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics::{Key, Label, Level, Metadata, Recorder, SharedString, Unit};
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};

use crate::AppState;

/// `http_requests_total{route,method,status}`
pub const HTTP_REQUESTS: &str = "http_requests_total";
/// `http_request_duration_seconds{route,method}` (histogram)
pub const HTTP_DURATION: &str = "http_request_duration_seconds";
/// `payments_total{status}`
pub const PAYMENTS: &str = "payments_total";
/// `rate_limited_total`
pub const RATE_LIMITED: &str = "rate_limited_total";
/// `idempotent_replays_total`
pub const IDEMPOTENT_REPLAYS: &str = "idempotent_replays_total";
/// `webhook_deliveries_total{result}`
pub const WEBHOOK_DELIVERIES: &str = "webhook_deliveries_total";
/// `webhook_delivery_lag_seconds` (histogram)
pub const WEBHOOK_LAG: &str = "webhook_delivery_lag_seconds";

/// Buckets of `http_request_duration_seconds` (5 ms to 10 s).
const HTTP_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Buckets of `webhook_delivery_lag_seconds` (100 ms to 1 day: the retry
/// schedule reaches hours).
const LAG_BUCKETS: &[f64] = &[
    0.1, 0.5, 1.0, 5.0, 30.0, 60.0, 300.0, 1800.0, 7200.0, 18_000.0, 36_000.0, 86_400.0,
];

static META: Metadata<'static> = Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// The results a webhook delivery attempt is counted under.
pub const DELIVERY_RESULTS: &[&str] = &["succeeded", "failed"];

/// This server's metrics (cheap to clone: one shared recorder).
#[derive(Clone)]
pub struct Metrics {
    recorder: Arc<PrometheusRecorder>,
    handle: PrometheusHandle,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A fresh recorder with every family described, and the label-less
    /// counters and webhook series registered at zero, so `/metrics` lists
    /// them before the first occurrence.
    pub fn new() -> Self {
        #[allow(
            clippy::expect_used,
            reason = "the bucket lists are non-empty constants, the only error case"
        )]
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.into()), HTTP_BUCKETS)
            .and_then(|b| b.set_buckets_for_metric(Matcher::Full(WEBHOOK_LAG.into()), LAG_BUCKETS))
            .expect("non-empty bucket lists")
            .build_recorder();
        let handle = recorder.handle();
        let m = Metrics {
            recorder: Arc::new(recorder),
            handle,
        };
        m.describe();
        m.counter(RATE_LIMITED, Vec::new()).absolute(0);
        m.counter(IDEMPOTENT_REPLAYS, Vec::new()).absolute(0);
        for result in DELIVERY_RESULTS {
            m.counter(WEBHOOK_DELIVERIES, vec![Label::new("result", *result)])
                .absolute(0);
        }
        drop(m.histogram(WEBHOOK_LAG, Vec::new()));
        m
    }

    fn describe(&self) {
        let r = &self.recorder;
        let d = |s: &'static str| SharedString::from(s);
        r.describe_counter(
            HTTP_REQUESTS.into(),
            None,
            d("HTTP requests by matched route, method and status code."),
        );
        r.describe_histogram(
            HTTP_DURATION.into(),
            Some(Unit::Seconds),
            d("HTTP request duration by matched route and method."),
        );
        r.describe_counter(PAYMENTS.into(), None, d("Payments entering each status."));
        r.describe_counter(
            RATE_LIMITED.into(),
            None,
            d("Requests refused by the rate limiter (429)."),
        );
        r.describe_counter(
            IDEMPOTENT_REPLAYS.into(),
            None,
            d("Stored responses replayed for a reused idempotency key."),
        );
        r.describe_counter(
            WEBHOOK_DELIVERIES.into(),
            None,
            d("Webhook delivery attempts by result."),
        );
        r.describe_histogram(
            WEBHOOK_LAG.into(),
            Some(Unit::Seconds),
            d("Time from the moment a delivery attempt became due to its start, one per attempt."),
        );
    }

    fn counter(&self, name: &'static str, labels: Vec<Label>) -> metrics::Counter {
        self.recorder
            .register_counter(&Key::from_parts(name, labels), &META)
    }

    fn histogram(&self, name: &'static str, labels: Vec<Label>) -> metrics::Histogram {
        self.recorder
            .register_histogram(&Key::from_parts(name, labels), &META)
    }

    /// One HTTP request: `route` is the matched route template.
    pub fn http_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let route = route.to_owned();
        let method = method.to_owned();
        self.counter(
            HTTP_REQUESTS,
            vec![
                Label::new("route", route.clone()),
                Label::new("method", method.clone()),
                Label::new("status", status.to_string()),
            ],
        )
        .increment(1);
        self.histogram(
            HTTP_DURATION,
            vec![Label::new("route", route), Label::new("method", method)],
        )
        .record(seconds);
    }

    /// A payment entered `status` (after its transaction committed).
    pub fn payment(&self, status: &str) {
        self.counter(PAYMENTS, vec![Label::new("status", status.to_owned())])
            .increment(1);
    }

    /// A request was refused with 429.
    pub fn rate_limited(&self) {
        self.counter(RATE_LIMITED, Vec::new()).increment(1);
    }

    /// A stored response was replayed under its idempotency key.
    pub fn idempotent_replay(&self) {
        self.counter(IDEMPOTENT_REPLAYS, Vec::new()).increment(1);
    }

    /// One webhook delivery attempt ended: `succeeded` is whether the
    /// receiver answered 2xx (`result="succeeded"`, else `"failed"`).
    pub fn webhook_delivery(&self, succeeded: bool) {
        let result = if succeeded { "succeeded" } else { "failed" };
        self.counter(WEBHOOK_DELIVERIES, vec![Label::new("result", result)])
            .increment(1);
    }

    /// A delivery attempt started `seconds` after it became due.
    pub fn webhook_delivery_lag(&self, seconds: f64) {
        self.histogram(WEBHOOK_LAG, Vec::new()).record(seconds);
    }

    /// The Prometheus text exposition of every family.
    pub fn render(&self) -> String {
        self.handle.run_upkeep();
        self.handle.render()
    }
}

/// Middleware (inside the request context): counts and times every request
/// under its matched route.
pub async fn track_http(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let resp = next.run(req).await;
    state.metrics.http_request(
        &route,
        &method,
        resp.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    resp
}

/// `GET /metrics` (unauthenticated, like `/health`).
pub async fn render(State(state): State<AppState>) -> Response {
    let mut resp = state.metrics.render().into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    resp
}
