//! The delivery worker: claims due deliveries from the outbox, sends them
//! signed (Standard Webhooks, with the core's [`WebhookSigner`]), records
//! every attempt and schedules the next one.
//!
//! Claims are leases: one atomic `UPDATE ... WHERE id IN (SELECT ... due)
//! ... RETURNING` sets `lease_until` (now + timeout + a margin) and a random
//! `lease_token` (on Postgres the inner select takes `FOR UPDATE SKIP
//! LOCKED`, so concurrent instances claim disjoint rows; the outer `WHERE`
//! re-checks the row, so a row is never claimed twice). The attempt's outcome
//! is written only by the holder of the token. A worker that dies (SIGKILL)
//! leaves its claims to expire: they become due again and are delivered by
//! whichever worker runs next, with the same `webhook-id` (at-least-once).
//! SQLite databases belong to one process, which runs one worker.

use std::sync::Arc;
use std::time::{Duration, Instant};

use paycore::webhook::{Scheme, WebhookSigner};
use rand::Rng;
use sqlx::Row;
use tokio::task::JoinSet;

use super::outbox::now_ms;
use super::policy::{self, Refusal};
use crate::AppState;
use crate::db::{Backend, now_unix};
use crate::error::AppError;
use crate::ids;

/// Longest part of a receiver's response body kept on an attempt.
pub const MAX_RESPONSE_BODY: usize = 1024;
/// Added to the attempt timeout to make a claim's lease.
pub const LEASE_MARGIN: Duration = Duration::from_secs(5);

/// A claimed delivery.
#[derive(Debug)]
struct Claimed {
    id: String,
    event_id: String,
    endpoint_id: String,
    webhook_id: String,
    attempts: i64,
    due_ms: i64,
    token: String,
}

/// What one attempt gave.
#[derive(Debug, Default)]
struct Outcome {
    url: String,
    status_code: Option<u16>,
    duration_ms: i64,
    response_body: Option<String>,
    error_kind: Option<&'static str>,
    retry_after: Option<Duration>,
}

impl Outcome {
    fn succeeded(&self) -> bool {
        self.error_kind.is_none() && self.status_code.is_some_and(|s| (200..300).contains(&s))
    }
}

struct Worker {
    state: AppState,
    /// Reaches any address (sandbox merchants, or `--webhook-allow-private`).
    open: reqwest::Client,
    /// Connects only to public addresses.
    public_only: reqwest::Client,
}

/// Starts the delivery worker (unless disabled by configuration); it runs
/// until the returned handle is aborted.
pub fn spawn(state: AppState) -> Result<Option<tokio::task::JoinHandle<()>>, crate::ServerError> {
    if state.config.webhooks.no_webhook_worker {
        return Ok(None);
    }
    // The workspace builds reqwest with `rustls-no-provider`: a provider
    // must be installed before a client is built (Err: one already is).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let timeout = state.config.webhooks.webhook_timeout.0;
    let build = |public_only: bool| {
        let mut b = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("paycore-webhooks/", env!("CARGO_PKG_VERSION")))
            .no_proxy();
        if public_only {
            b = b.dns_resolver(Arc::new(policy::PublicOnlyResolver));
        }
        b.build()
            .map_err(|e| crate::ServerError::Config(format!("webhook HTTP client: {e}")))
    };
    let worker = Arc::new(Worker {
        open: build(false)?,
        public_only: build(true)?,
        state,
    });
    Ok(Some(tokio::spawn(worker.run())))
}

impl Worker {
    async fn run(self: Arc<Self>) {
        let cfg = &self.state.config.webhooks;
        let capacity = usize::try_from(cfg.webhook_concurrency)
            .unwrap_or(16)
            .max(1);
        let poll = cfg.webhook_poll_interval.0.max(Duration::from_millis(10));
        let mut inflight: JoinSet<()> = JoinSet::new();
        loop {
            while inflight.try_join_next().is_some() {}
            let free = capacity.saturating_sub(inflight.len());
            let mut claimed_any = false;
            if free > 0 {
                match self.claim(free).await {
                    Ok(claims) => {
                        claimed_any = !claims.is_empty();
                        for c in claims {
                            let w = self.clone();
                            inflight.spawn(async move { w.process(c).await });
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "claiming webhook deliveries failed"),
                }
            }
            if claimed_any && inflight.len() < capacity {
                continue;
            }
            if inflight.is_empty() {
                tokio::time::sleep(poll).await;
            } else {
                tokio::select! {
                    _ = tokio::time::sleep(poll) => {}
                    _ = inflight.join_next() => {}
                }
            }
        }
    }

    /// Claims up to `limit` due deliveries of enabled endpoints.
    async fn claim(&self, limit: usize) -> Result<Vec<Claimed>, sqlx::Error> {
        let cfg = &self.state.config.webhooks;
        let now = now_ms();
        let first_delay = cfg
            .webhook_schedule
            .0
            .first()
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        let first_cutoff = now.saturating_sub(first_delay);
        // A cheap read first, so an idle worker does not take the write turn.
        let due = sqlx::query(
            "SELECT 1 AS due FROM webhook_deliveries WHERE status = 'pending' \
             AND next_attempt_at <= $1 AND lease_until <= $1 LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&self.state.db.pool)
        .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let lease = cfg.webhook_timeout.0 + LEASE_MARGIN;
        let lease_until = now.saturating_add(i64::try_from(lease.as_millis()).unwrap_or(i64::MAX));
        let token = ids::new_id("lease");
        let lock = match self.state.db.backend {
            Backend::Postgres => " FOR UPDATE OF d SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE webhook_deliveries SET lease_until = $1, lease_token = $2 \
             WHERE id IN (SELECT d.id FROM webhook_deliveries d \
               JOIN webhook_endpoints e ON e.id = d.endpoint_id \
               WHERE d.status = 'pending' AND d.lease_until <= $3 AND d.next_attempt_at <= $3 \
               AND (d.attempts > 0 OR d.next_attempt_at <= $4) AND e.status = 'enabled' \
               ORDER BY d.next_attempt_at LIMIT $5{lock}) \
             AND status = 'pending' AND lease_until <= $3 \
             RETURNING id, event_id, endpoint_id, webhook_id, attempts, next_attempt_at"
        );
        let rows = {
            let mut conn = self.state.db.write_conn().await?;
            sqlx::query(&sql)
                .bind(lease_until)
                .bind(&token)
                .bind(now)
                .bind(first_cutoff)
                .bind(i64::try_from(limit).unwrap_or(16))
                .fetch_all(&mut *conn)
                .await?
        };
        rows.iter()
            .map(|r| {
                let attempts: i64 = r.try_get("attempts")?;
                let next: i64 = r.try_get("next_attempt_at")?;
                Ok(Claimed {
                    id: r.try_get("id")?,
                    event_id: r.try_get("event_id")?,
                    endpoint_id: r.try_get("endpoint_id")?,
                    webhook_id: r.try_get("webhook_id")?,
                    attempts,
                    due_ms: if attempts == 0 {
                        next.saturating_add(first_delay)
                    } else {
                        next
                    },
                    token: token.clone(),
                })
            })
            .collect()
    }

    async fn process(&self, c: Claimed) {
        if let Err(e) = self.process_inner(&c).await {
            // The lease expires and the delivery is tried again.
            tracing::warn!(
                delivery = %c.id,
                error = %e.detail.as_deref().unwrap_or(&e.message),
                "webhook delivery failed to run"
            );
        }
    }

    async fn process_inner(&self, c: &Claimed) -> Result<(), AppError> {
        let pool = &self.state.db.pool;
        let endpoint = sqlx::query(
            "SELECT e.url, e.secret, e.previous_secret, e.previous_secret_expires, m.sandbox \
             FROM webhook_endpoints e JOIN merchants m ON m.id = e.merchant_id WHERE e.id = $1",
        )
        .bind(&c.endpoint_id)
        .fetch_optional(pool)
        .await?;
        let event = sqlx::query("SELECT * FROM events WHERE id = $1")
            .bind(&c.event_id)
            .fetch_optional(pool)
            .await?;
        let (Some(endpoint), Some(event)) = (endpoint, event) else {
            let mut conn = self.state.db.write_conn().await?;
            sqlx::query(
                "UPDATE webhook_deliveries SET status = 'canceled', lease_token = NULL \
                 WHERE id = $1 AND lease_token = $2",
            )
            .bind(&c.id)
            .bind(&c.token)
            .execute(&mut *conn)
            .await?;
            return Ok(());
        };
        let body = crate::events::event_json(&event)?.to_string();
        let url: String = endpoint.try_get("url")?;
        let sandbox: i64 = endpoint.try_get("sandbox")?;
        let now = now_unix();
        let mut secrets: Vec<String> = vec![endpoint.try_get("secret")?];
        if let (Some(prev), Some(expires)) = (
            endpoint.try_get::<Option<String>, _>("previous_secret")?,
            endpoint.try_get::<Option<i64>, _>("previous_secret_expires")?,
        ) && expires > now
        {
            secrets.push(prev);
        }
        let signer = WebhookSigner::new(Scheme::StandardWebhooks, &secrets)
            .map_err(|e| AppError::internal(format!("endpoint secret: {e}")))?;
        let headers = signer
            .sign(&c.webhook_id, now, body.as_bytes())
            .map_err(|e| AppError::internal(format!("signing: {e}")))?;

        let started_ms = now_ms();
        let lag = started_ms.saturating_sub(c.due_ms).max(0);
        #[allow(clippy::cast_precision_loss, reason = "a lag in ms fits f64")]
        self.state.metrics.webhook_delivery_lag(lag as f64 / 1000.0);
        let allow_private = super::may_use_private(&self.state, sandbox != 0);
        let outcome = self.send(&url, allow_private, &headers, body).await;
        self.state.metrics.webhook_delivery(outcome.succeeded());
        self.record(c, &outcome).await
    }

    async fn send(
        &self,
        url: &str,
        allow_private: bool,
        headers: &[(String, String)],
        body: String,
    ) -> Outcome {
        let started = Instant::now();
        let mut out = Outcome {
            url: url.to_owned(),
            ..Outcome::default()
        };
        let elapsed =
            |started: Instant| i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        let parsed = match policy::parse_url(url) {
            Ok(u) => u,
            Err(_) => {
                out.error_kind = Some("refused_address");
                return out;
            }
        };
        let check = tokio::time::timeout(
            self.state.config.webhooks.webhook_timeout.0,
            policy::resolve_checked(&parsed, allow_private),
        )
        .await;
        match check {
            Err(_) => {
                out.error_kind = Some("timeout");
                out.duration_ms = elapsed(started);
                return out;
            }
            Ok(Err(Refusal::NotPublic(ip))) => {
                out.error_kind = Some("refused_address");
                out.response_body = Some(format!("not sent: {ip} is not a public address"));
                out.duration_ms = elapsed(started);
                return out;
            }
            Ok(Err(Refusal::Unresolved(e))) => {
                out.error_kind = Some("connect");
                out.response_body = Some(truncate(format!("DNS: {e}")));
                out.duration_ms = elapsed(started);
                return out;
            }
            Ok(Ok(_)) => {}
        }
        let client = if allow_private {
            &self.open
        } else {
            &self.public_only
        };
        let mut req = client
            .post(parsed)
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        for (k, v) in headers {
            req = req.header(k.as_str(), v.as_str());
        }
        match req.body(body).send().await {
            Err(e) => {
                out.error_kind = Some(if e.is_timeout() { "timeout" } else { "connect" });
            }
            Ok(mut resp) => {
                let status = resp.status().as_u16();
                out.status_code = Some(status);
                out.retry_after = resp
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_retry_after);
                let mut buf: Vec<u8> = Vec::new();
                loop {
                    match resp.chunk().await {
                        Ok(Some(chunk)) => {
                            buf.extend_from_slice(&chunk);
                            if buf.len() >= MAX_RESPONSE_BODY {
                                break;
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            if e.is_timeout() {
                                out.error_kind = Some("timeout");
                            }
                            break;
                        }
                    }
                }
                buf.truncate(MAX_RESPONSE_BODY);
                if !buf.is_empty() {
                    out.response_body = Some(String::from_utf8_lossy(&buf).into_owned());
                }
                if out.error_kind.is_none() && !(200..300).contains(&status) {
                    out.error_kind = Some("http_status");
                }
            }
        }
        out.duration_ms = elapsed(started);
        out
    }

    /// The delay before the attempt after `done` attempts, with jitter, or
    /// `None` when the schedule is exhausted.
    fn next_delay(&self, done: usize, retry_after: Option<Duration>) -> Option<Duration> {
        let cfg = &self.state.config.webhooks;
        let base = *cfg.webhook_schedule.0.get(done)?;
        let spread = f64::from(cfg.webhook_jitter_percent) / 100.0;
        let factor = if spread > 0.0 {
            1.0 + rand::rng().random_range(-spread..=spread)
        } else {
            1.0
        };
        let delay = base.mul_f64(factor.max(0.0));
        Some(match retry_after {
            Some(ra) => delay.max(ra.min(cfg.webhook_max_retry_after.0)),
            None => delay,
        })
    }

    /// Records the attempt and the delivery's next state, in one transaction.
    async fn record(&self, c: &Claimed, o: &Outcome) -> Result<(), AppError> {
        let cfg = &self.state.config.webhooks;
        let done = c.attempts.saturating_add(1);
        let now = now_ms();
        let succeeded = o.succeeded();
        let gone = o.status_code == Some(410);
        let next = if succeeded || gone {
            None
        } else {
            self.next_delay(usize::try_from(done).unwrap_or(usize::MAX), o.retry_after)
        };
        let (status, next_at) = match (succeeded, next) {
            (true, _) => ("succeeded", now),
            (false, Some(d)) => (
                "pending",
                now.saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            ),
            (false, None) => ("failed", now),
        };
        let mut tx = self.state.db.begin_write().await?;
        let merchant: Option<String> = sqlx::query(
            "UPDATE webhook_deliveries SET attempts = $1, status = $2, next_attempt_at = $3, \
             lease_until = 0, lease_token = NULL WHERE id = $4 AND lease_token = $5 \
             RETURNING merchant_id",
        )
        .bind(done)
        .bind(status)
        .bind(next_at)
        .bind(&c.id)
        .bind(&c.token)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get("merchant_id"))
        .transpose()?;
        let Some(merchant) = merchant else {
            // The lease was lost (expired and taken over, or the delivery
            // canceled): the attempt is still recorded below.
            tracing::warn!(delivery = %c.id, "webhook delivery lease lost");
            let merchant: String =
                sqlx::query("SELECT merchant_id FROM webhook_deliveries WHERE id = $1")
                    .bind(&c.id)
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("merchant_id")?;
            self.insert_attempt(&mut tx, c, o, &merchant, done).await?;
            tx.commit().await?;
            return Ok(());
        };
        self.insert_attempt(&mut tx, c, o, &merchant, done).await?;
        if succeeded {
            sqlx::query(
                "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL",
            )
            .bind(&c.endpoint_id)
            .execute(&mut *tx)
            .await?;
        } else if gone {
            super::disable_endpoint(&mut tx, &c.endpoint_id, "gone").await?;
        } else {
            let since: Option<i64> = sqlx::query(
                "UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $1) \
                 WHERE id = $2 RETURNING failing_since",
            )
            .bind(now)
            .bind(&c.endpoint_id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get::<Option<i64>, _>("failing_since"))
            .transpose()?
            .flatten();
            let limit = i64::try_from(cfg.webhook_disable_after.0.as_millis()).unwrap_or(i64::MAX);
            if let Some(since) = since
                && now.saturating_sub(since) >= limit
            {
                super::disable_endpoint(&mut tx, &c.endpoint_id, "failing").await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn insert_attempt(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        c: &Claimed,
        o: &Outcome,
        merchant: &str,
        attempt: i64,
    ) -> Result<(), AppError> {
        sqlx::query(
            "INSERT INTO webhook_attempts (id, merchant_id, event_id, endpoint_id, delivery_id, \
             webhook_id, attempt, url, status_code, duration_ms, response_body, error_kind, result, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(ids::new_id("wa"))
        .bind(merchant)
        .bind(&c.event_id)
        .bind(&c.endpoint_id)
        .bind(&c.id)
        .bind(&c.webhook_id)
        .bind(attempt)
        .bind(&o.url)
        .bind(o.status_code.map(i64::from))
        .bind(o.duration_ms)
        .bind(o.response_body.as_deref())
        .bind(o.error_kind)
        .bind(if o.succeeded() { "succeeded" } else { "failed" })
        .bind(now_unix())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

fn truncate(mut s: String) -> String {
    if s.len() > MAX_RESPONSE_BODY {
        let mut end = MAX_RESPONSE_BODY;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    s
}

/// `Retry-After`: delay-seconds or an HTTP date.
fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("soon"), None);
        let past = "Wed, 21 Oct 2015 07:28:00 GMT";
        assert_eq!(parse_retry_after(past), Some(Duration::ZERO));
    }

    #[test]
    fn truncates_on_char_boundary() {
        let s = "é".repeat(MAX_RESPONSE_BODY);
        let t = truncate(s);
        assert!(t.len() <= MAX_RESPONSE_BODY);
        assert!(t.chars().all(|c| c == 'é'));
    }
}
