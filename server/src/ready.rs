//! `GET /health/ready`: whether this instance can serve. Each component is
//! checked for real, concurrently, each within [`CHECK_TIMEOUT`]:
//! - `database`: a query (`SELECT 1`) on the pool;
//! - `redis` (when `REDIS_URL` is set): a new connection and `PING`;
//! - `outbox`: the age of the oldest due, undelivered webhook delivery,
//!   against `--ready-max-outbox-lag-secs`.
//!
//! 200 when every component passes, 503 otherwise, with the same body:
//! `{"status":"ok"|"unavailable","checks":{"database":{...},"redis":{...},"outbox":{...}}}`.
//! Failures are reported by kind (`timeout`, `unreachable`, `query_failed`,
//! `lagging`); details go to the log, never into the (unauthenticated)
//! response.

use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use sqlx::Row;

use crate::AppState;
use crate::db::{Backend, Db};

/// The longest a component check may take before it counts as failed.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

fn ms(since: Instant) -> f64 {
    (since.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

async fn check_database(db: &Db) -> Value {
    let started = Instant::now();
    let query = sqlx::query("SELECT 1 AS one").fetch_one(&db.pool);
    let backend = match db.backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    match tokio::time::timeout(CHECK_TIMEOUT, query).await {
        Ok(Ok(_)) => json!({"status": "ok", "backend": backend, "latency_ms": ms(started)}),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database query failed");
            json!({"status": "error", "backend": backend, "error": "query_failed"})
        }
        Err(_) => json!({"status": "error", "backend": backend, "error": "timeout"}),
    }
}

async fn ping_redis(url: &str) -> Result<(), redis::RedisError> {
    let client = redis::Client::open(url)?;
    let mut conn = client.get_multiplexed_async_connection().await?;
    let _: String = redis::cmd("PING").query_async(&mut conn).await?;
    Ok(())
}

async fn check_redis(url: Option<&str>) -> Value {
    let Some(url) = url else {
        return json!({"status": "not_configured"});
    };
    let started = Instant::now();
    match tokio::time::timeout(CHECK_TIMEOUT, ping_redis(url)).await {
        Ok(Ok(())) => json!({"status": "ok", "latency_ms": ms(started)}),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: redis PING failed");
            json!({"status": "error", "error": "unreachable"})
        }
        Err(_) => json!({"status": "error", "error": "timeout"}),
    }
}

/// The outbox lag at `now_ms`: seconds since the oldest pending webhook
/// delivery (the outbox, `webhook_deliveries`) became due; 0 when none is
/// due.
pub async fn outbox_lag(db: &Db, now_ms: i64) -> Result<i64, sqlx::Error> {
    let oldest: Option<i64> = sqlx::query(
        "SELECT MIN(next_attempt_at) AS oldest FROM webhook_deliveries \
         WHERE status = 'pending' AND next_attempt_at <= $1",
    )
    .bind(now_ms)
    .fetch_one(&db.pool)
    .await?
    .try_get("oldest")?;
    Ok(oldest.map(|t| (now_ms - t).max(0) / 1000).unwrap_or(0))
}

async fn check_outbox(db: &Db, max_lag: u64) -> Value {
    let max_lag = i64::try_from(max_lag).unwrap_or(i64::MAX);
    match tokio::time::timeout(
        CHECK_TIMEOUT,
        outbox_lag(db, crate::webhooks::outbox::now_ms()),
    )
    .await
    {
        Ok(Ok(lag)) if lag <= max_lag => {
            json!({"status": "ok", "lag_seconds": lag, "max_lag_seconds": max_lag})
        }
        Ok(Ok(lag)) => json!({
            "status": "error", "error": "lagging", "lag_seconds": lag, "max_lag_seconds": max_lag
        }),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: outbox query failed");
            json!({"status": "error", "error": "query_failed", "max_lag_seconds": max_lag})
        }
        Err(_) => json!({"status": "error", "error": "timeout", "max_lag_seconds": max_lag}),
    }
}

/// `GET /health/ready` (unauthenticated).
pub async fn ready(State(st): State<AppState>) -> Response {
    let (database, redis, outbox) = tokio::join!(
        check_database(&st.db),
        check_redis(st.config.redis_url.as_deref()),
        check_outbox(&st.db, st.config.ready_max_outbox_lag_secs),
    );
    let failed = [&database, &redis, &outbox]
        .iter()
        .any(|c| c["status"] == "error");
    let body = json!({
        "status": if failed { "unavailable" } else { "ok" },
        "checks": { "database": database, "redis": redis, "outbox": outbox },
    });
    let status = if failed {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    (status, axum::Json(body)).into_response()
}
