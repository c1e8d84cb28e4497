//! Monthly usage: each merchant's succeeded (captured) volume per UTC
//! calendar month against its plan's limit ([`crate::config::PlanLimits`]),
//! the `usage.threshold_reached` events at 80, 90, 95 and 100 %, the refusal
//! of payments above 100 % (unless the plan allows overage), and
//! `GET /v1/usage`.
//!
//! Every capture (automatic on create, manual capture, partial capture: the
//! captured amount) calls [`add_volume`] in its own transaction. It adds the
//! amount to the merchant's `usage_months` row with one upsert, which locks
//! that row until the transaction ends, so captures of one merchant are
//! serialised there and each sees the volume before and after its own
//! amount. A threshold's event is written only when its
//! `usage_thresholds` row is inserted (`ON CONFLICT DO NOTHING`), in the same
//! transaction: exactly one event per threshold per month, also across
//! concurrent payments, several instances and restarts.
//!
//! Simplification (documented): amounts in every currency are summed as
//! minor units; refunds do not lower the volume.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::AppState;
use crate::batch::Batch;
use crate::config::PlanLimit;
use crate::db::{ApiKeyRecord, now_unix};
use crate::error::{AppError, ErrorType};
use crate::events;

/// The thresholds, in percent of the limit, that raise an event.
pub const THRESHOLDS: [i64; 4] = [80, 90, 95, 100];

/// The event type written when a threshold is crossed.
pub const THRESHOLD_EVENT: &str = "usage.threshold_reached";

/// A UTC calendar month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    /// `YYYY-MM`.
    pub label: String,
    /// Its first second (Unix).
    pub start: i64,
    /// The first second of the next month (Unix).
    pub end: i64,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month) of a day count since 1970-01-01 (`civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m)
}

/// The UTC month containing `unix`.
pub fn month_of(unix: i64) -> Month {
    let (y, m) = civil_from_days(unix.div_euclid(86_400));
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    Month {
        label: format!("{y:04}-{m:02}"),
        start: days_from_civil(y, m, 1) * 86_400,
        end: days_from_civil(ny, nm, 1) * 86_400,
    }
}

/// Whether `volume` has reached `threshold` percent of `limit`.
fn reached(volume: i64, limit: i64, threshold: i64) -> bool {
    i128::from(volume) * 100 >= i128::from(threshold) * i128::from(limit)
}

/// The `usage` object.
fn usage_json(
    month: &Month,
    now: i64,
    volume: i64,
    terms: PlanLimit,
    plan: &str,
    thresholds: &[i64],
) -> serde_json::Value {
    let limit = terms.monthly_volume_limit.max(1);
    let percentage = (volume as f64 / limit as f64 * 100.0 * 100.0).round() / 100.0;
    let elapsed = (now - month.start).clamp(1, month.end - month.start);
    let projected = i128::from(volume) * i128::from(month.end - month.start) / i128::from(elapsed);
    serde_json::json!({
        "object": "usage",
        "month": month.label,
        "volume": volume,
        "limit": terms.monthly_volume_limit,
        "percentage": percentage,
        "thresholds_reached": thresholds,
        "projected_volume": i64::try_from(projected).unwrap_or(i64::MAX),
        "overage_allowed": terms.overage_allowed,
        "plan": plan,
    })
}

/// 403 `usage_limit_exceeded`.
pub fn limit_exceeded(terms: PlanLimit) -> AppError {
    AppError::new(
        StatusCode::FORBIDDEN,
        ErrorType::InvalidRequest,
        "usage_limit_exceeded",
        format!(
            "This month's payment volume has reached the plan's limit ({}); the plan does not \
             allow overage. Payments are accepted again next month or on a larger plan.",
            terms.monthly_volume_limit
        ),
    )
    .with_should_retry(false)
}

async fn thresholds_of(
    conn: &mut sqlx::AnyConnection,
    merchant: &str,
    month: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT threshold FROM usage_thresholds WHERE merchant_id = $1 AND month = $2 \
         ORDER BY threshold",
    )
    .bind(merchant)
    .bind(month)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| r.try_get::<i64, _>("threshold"))
        .collect()
}

async fn volume_of(
    conn: &mut sqlx::AnyConnection,
    merchant: &str,
    month: &str,
) -> Result<i64, sqlx::Error> {
    Ok(
        sqlx::query("SELECT volume FROM usage_months WHERE merchant_id = $1 AND month = $2")
            .bind(merchant)
            .bind(month)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get::<i64, _>("volume"))
            .transpose()?
            .unwrap_or(0),
    )
}

/// Refuses a new payment when this month's volume is at or above the limit
/// and the plan does not allow overage (a read before the payment's
/// transaction; captures are checked exactly by [`add_volume`]).
pub async fn check_open(st: &AppState, key: &ApiKeyRecord) -> Result<(), AppError> {
    let terms = st.config.plan_limits.get(key.plan);
    if terms.overage_allowed {
        return Ok(());
    }
    let month = month_of(now_unix());
    let mut conn = st.db.pool.acquire().await?;
    let volume = volume_of(&mut conn, &key.merchant_id, &month.label).await?;
    if volume >= terms.monthly_volume_limit {
        return Err(limit_exceeded(terms));
    }
    Ok(())
}

/// Adds a captured `amount` to the merchant's month, in the transaction of
/// the capture: refuses it (403 `usage_limit_exceeded`, the caller's
/// transaction is then dropped) when the volume before it had reached the
/// limit and the plan does not allow overage, and writes one
/// `usage.threshold_reached` event per threshold crossed for the first
/// time this month.
pub async fn add_volume(
    tx: &mut AnyConnection,
    st: &AppState,
    key: &ApiKeyRecord,
    amount: i64,
) -> Result<(), AppError> {
    let mut batch = Batch::new();
    if let Some(month) = push_add_volume(&mut batch, key, amount) {
        let rows = batch.run(tx).await?;
        volume_added(
            tx,
            st,
            key,
            amount,
            month,
            rows.last().and_then(|r| r.first()),
        )
        .await?;
    }
    Ok(())
}

/// The first half of [`add_volume`], for a caller that runs it in a
/// [`Batch`]: adds the upsert of the month's volume (it returns one row,
/// the volume after), or nothing when `amount` is not positive. Returns
/// the month it adds to, if it added it; the caller then passes the month
/// and that row to [`volume_added`] after running the batch.
pub fn push_add_volume(batch: &mut Batch, key: &ApiKeyRecord, amount: i64) -> Option<Month> {
    if amount <= 0 {
        return None;
    }
    let month = month_of(now_unix());
    batch.push(
        "INSERT INTO usage_months (merchant_id, month, volume) VALUES ($1, $2, $3) \
         ON CONFLICT (merchant_id, month) DO UPDATE SET volume = usage_months.volume + excluded.volume \
         RETURNING volume",
        vec![
            key.merchant_id.clone().into(),
            month.label.clone().into(),
            amount.into(),
        ],
    );
    Some(month)
}

/// The second half of [`add_volume`]: given the upsert's row, refuses
/// the volume above the limit or records the thresholds it crossed.
pub async fn volume_added(
    tx: &mut AnyConnection,
    st: &AppState,
    key: &ApiKeyRecord,
    amount: i64,
    month: Month,
    row: Option<&AnyRow>,
) -> Result<(), AppError> {
    let terms = st.config.plan_limits.get(key.plan);
    let now = now_unix();
    let volume: i64 = row
        .ok_or_else(|| AppError::internal("the usage upsert returned no row"))?
        .try_get("volume")?;
    let limit = terms.monthly_volume_limit;
    if volume - amount >= limit && !terms.overage_allowed {
        return Err(limit_exceeded(terms));
    }
    if !reached(volume, limit, THRESHOLDS[0]) {
        return Ok(());
    }
    let mut thresholds = thresholds_of(&mut *tx, &key.merchant_id, &month.label).await?;
    let mut crossed = Vec::new();
    for t in THRESHOLDS {
        if !reached(volume, limit, t) || thresholds.contains(&t) {
            continue;
        }
        let inserted = sqlx::query(
            "INSERT INTO usage_thresholds (merchant_id, month, threshold, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (merchant_id, month, threshold) DO NOTHING",
        )
        .bind(&key.merchant_id)
        .bind(&month.label)
        .bind(t)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 1 {
            thresholds.push(t);
            crossed.push(t);
        }
    }
    thresholds.sort_unstable();
    for t in crossed {
        let mut object = usage_json(&month, now, volume, terms, key.plan.as_str(), &thresholds);
        object["threshold"] = serde_json::Value::from(t);
        events::record(
            tx,
            &key.merchant_id,
            THRESHOLD_EVENT,
            &key.merchant_id,
            &object,
        )
        .await?;
    }
    Ok(())
}

/// `GET /v1/usage`
pub async fn get(
    State(st): State<AppState>,
    Extension(key): Extension<ApiKeyRecord>,
) -> Result<Response, AppError> {
    let terms = st.config.plan_limits.get(key.plan);
    let now = now_unix();
    let month = month_of(now);
    let mut conn = st.db.pool.acquire().await?;
    let volume = volume_of(&mut conn, &key.merchant_id, &month.label).await?;
    let thresholds = thresholds_of(&mut conn, &key.merchant_id, &month.label).await?;
    Ok(axum::Json(usage_json(
        &month,
        now,
        volume,
        terms,
        key.plan.as_str(),
        &thresholds,
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_utc_calendar_months() {
        // 2026-12-02T05:38:33Z
        let m = month_of(1_796_189_913);
        assert_eq!(m.label, "2026-12");
        assert_eq!(m.start, 1_796_083_200); // 2026-12-01T00:00:00Z
        assert_eq!(m.end, 1_798_761_600); // 2027-01-01T00:00:00Z
        assert_eq!(month_of(m.start).label, "2026-12");
        assert_eq!(month_of(m.start - 1).label, "2026-11");
        assert_eq!(month_of(m.end).label, "2027-01");
        // a leap February
        let feb = month_of(days_from_civil(2028, 2, 15) * 86_400);
        assert_eq!(feb.label, "2028-02");
        assert_eq!((feb.end - feb.start) / 86_400, 29);
        assert_eq!(month_of(0).label, "1970-01");
    }

    #[test]
    fn thresholds_compare_exactly() {
        assert!(!reached(799, 1000, 80));
        assert!(reached(800, 1000, 80));
        assert!(reached(i64::MAX, i64::MAX, 100));
        assert!(!reached(i64::MAX - 1, i64::MAX, 100));
    }

    #[test]
    fn projection_is_linear_in_the_elapsed_month() {
        let m = month_of(1_796_189_913);
        let half = m.start + (m.end - m.start) / 2;
        let terms = PlanLimit {
            monthly_volume_limit: 1000,
            overage_allowed: false,
        };
        let u = usage_json(&m, half, 300, terms, "starter", &[]);
        assert_eq!(u["projected_volume"], 600);
        assert_eq!(u["percentage"], 30.0);
        let u = usage_json(&m, m.start, 5, terms, "starter", &[]);
        assert_eq!(u["projected_volume"], 5 * (m.end - m.start));
    }
}
