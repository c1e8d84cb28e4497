//! Runs every case of `vectors/retry.json` through `paycore::retry::decide`
//! (one libtest trial per vector id).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod common;

use std::time::Duration;

use common::Value;
use paycore::retry::{
    BudgetConfig, Failure, HttpFailure, RetryBudget, RetryConfig, RetryDecision, RetryInput,
    RetryKind, TransportFailure, backoff_ceiling, decide,
};

fn main() {
    let file = common::load("retry.json");
    let defaults = file["defaults"].clone();
    let trials = common::trials("retry", &file["vectors"], move |case| {
        run_case(&defaults, case)
    });
    common::run(trials);
}

fn ms(v: &Value, key: &str) -> Result<Option<Duration>, String> {
    match &v[key] {
        Value::Null => Ok(None),
        x => x
            .as_u64()
            .map(|n| Some(Duration::from_millis(n)))
            .ok_or_else(|| format!("`{key}` is not a non-negative integer")),
    }
}

fn u64_field(v: &Value, key: &str) -> Result<u64, String> {
    v[key]
        .as_u64()
        .ok_or_else(|| format!("`{key}` is missing or not an integer"))
}

fn u32_field(v: &Value, key: &str) -> Result<u32, String> {
    u32::try_from(u64_field(v, key)?).map_err(|_| format!("`{key}` does not fit u32"))
}

/// The defaults of the file with the case's overrides applied.
fn config(defaults: &Value, case: &Value) -> Result<RetryConfig, String> {
    let pick = |key: &str| -> Value {
        let o = &case["config"];
        if o.get(key).is_some() {
            o[key].clone()
        } else {
            defaults[key].clone()
        }
    };
    let dur = |key: &str| -> Result<Duration, String> {
        ms(&serde_json::json!({ key: pick(key) }), key)?.ok_or(format!("`{key}` is null"))
    };
    let mut c = RetryConfig::standard()
        .with_max_attempts(
            u32::try_from(pick("max_attempts").as_u64().ok_or("max_attempts")?)
                .map_err(|e| e.to_string())?,
        )
        .with_base_delay(dur("base_delay_ms")?)
        .with_throttle_base_delay(dur("throttle_base_delay_ms")?)
        .with_max_backoff(dur("max_backoff_ms")?)
        .with_max_retry_after(dur("max_retry_after_ms")?);
    let b = pick("budget");
    c = if b.is_null() {
        c.without_budget()
    } else {
        c.with_budget(
            BudgetConfig::standard()
                .with_capacity(u32_field(&b, "capacity")?)
                .with_retry_cost(u32_field(&b, "retry_cost")?)
                .with_throttle_cost(u32_field(&b, "throttle_cost")?)
                .with_success_reward(u32_field(&b, "success_reward")?),
        )
    };
    Ok(c)
}

fn opt_str<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn failure(f: &Value) -> Result<Failure<'_>, String> {
    if let Some(t) = opt_str(f, "transport") {
        return TransportFailure::from_code(t)
            .map(Failure::Transport)
            .ok_or_else(|| format!("unknown transport failure `{t}`"));
    }
    let status = u16::try_from(u64_field(f, "status")?).map_err(|e| e.to_string())?;
    let mut h = HttpFailure::new(status);
    let e = &f["error"];
    if let Some(t) = opt_str(e, "type") {
        h = h.with_error_type(t);
    }
    if let Some(c) = opt_str(e, "code") {
        h = h.with_code(c);
    }
    if let Some(d) = opt_str(e, "decline_code") {
        h = h.with_decline_code(d);
    }
    Ok(Failure::Http(h))
}

/// Decides one step and compares with `expected`.
fn check_decision(
    config: &RetryConfig,
    budget: &RetryBudget,
    input: &Value,
    random: f64,
    expected: &Value,
) -> Result<(), String> {
    let headers = common::header_pairs(&input["headers"]);
    let mut ri = RetryInput::new(failure(&input["failure"])?)
        .headers(&headers)
        .rate_limit_hint(ms(input, "rate_limit_hint_ms")?)
        .attempt(u32_field(input, "attempt")?)
        .time_left_opt(ms(input, "time_left_ms")?)
        .idempotency_key(
            input["idempotency_key"]
                .as_bool()
                .ok_or("idempotency_key")?,
        )
        .method(common::str_field(input, "method")?)
        .random(random)
        .now(input["now"].as_i64().ok_or("now")?);
    ri = ri.budget(budget);
    let got = decide(config, &ri);
    match common::str_field(expected, "decision")? {
        "retry" => {
            let RetryDecision::Retry {
                after,
                kind,
                tokens,
            } = got
            else {
                return Err(format!("expected a retry, got {got:?}"));
            };
            let want_delay = Duration::from_millis(u64_field(expected, "delay_ms")?);
            let want_kind = common::str_field(expected, "kind")?;
            let want_tokens = u32_field(expected, "tokens")?;
            // The intermediate values, so a divergence shows which step differs.
            let base = match kind {
                RetryKind::Throttling => config.throttle_base_delay(),
                RetryKind::StaleConnection => Duration::ZERO,
                _ => config.base_delay(),
            };
            let ceiling = backoff_ceiling(base, config.max_backoff(), u32_field(input, "attempt")?);
            let want_ceiling = Duration::from_millis(u64_field(expected, "backoff_ceiling_ms")?);
            if kind.code() != want_kind {
                return Err(format!("kind: got {}, want {want_kind}", kind.code()));
            }
            if ceiling != want_ceiling {
                return Err(format!(
                    "backoff ceiling: got {ceiling:?}, want {want_ceiling:?}"
                ));
            }
            let want_server = ms(expected, "server_delay_ms")?;
            if ri.server_delay() != want_server {
                return Err(format!(
                    "server delay: got {:?}, want {want_server:?}",
                    ri.server_delay()
                ));
            }
            if after != want_delay {
                return Err(format!("delay: got {after:?}, want {want_delay:?}"));
            }
            if tokens != want_tokens {
                return Err(format!("tokens: got {tokens}, want {want_tokens}"));
            }
        }
        "do_not_retry" => {
            let RetryDecision::DoNotRetry { reason } = got else {
                return Err(format!("expected do_not_retry, got {got:?}"));
            };
            let want_reason = common::str_field(expected, "reason")?;
            if reason.code() != want_reason {
                return Err(format!(
                    "reason: got {} ({reason:?}), want {want_reason}",
                    reason.code()
                ));
            }
            let want_action = opt_str(expected, "action");
            let got_action = reason.action().map(|a| a.code());
            if got_action != want_action {
                return Err(format!("action: got {got_action:?}, want {want_action:?}"));
            }
        }
        other => return Err(format!("unknown decision `{other}`")),
    }
    Ok(())
}

fn check_budget(budget: &RetryBudget, step: &Value) -> Result<(), String> {
    let want = &step["budget_after"];
    let got = if budget.is_limited() {
        Some(budget.available())
    } else {
        None
    };
    let want = if want.is_null() {
        None
    } else {
        Some(u32_field(step, "budget_after")?)
    };
    if got == want {
        Ok(())
    } else {
        Err(format!("budget after: got {got:?}, want {want:?}"))
    }
}

fn run_case(defaults: &Value, case: &Value) -> Result<(), String> {
    let config = config(defaults, case)?;
    let budget = config.new_budget();
    if let Some(steps) = case["steps"].as_array() {
        for (i, step) in steps.iter().enumerate() {
            let r = match common::str_field(step, "op")? {
                "decide" => check_decision(
                    &config,
                    &budget,
                    &step["input"],
                    step["random"].as_f64().ok_or("random")?,
                    &step["expected"],
                ),
                "success" => {
                    let last = match &step["last_retry_tokens"] {
                        Value::Null => None,
                        _ => Some(u32_field(step, "last_retry_tokens")?),
                    };
                    budget.record_success(last);
                    Ok(())
                }
                other => Err(format!("unknown op `{other}`")),
            };
            r.and_then(|()| check_budget(&budget, step))
                .map_err(|e| format!("step {i}: {e}"))?;
        }
        return Ok(());
    }
    check_decision(
        &config,
        &budget,
        &case["input"],
        case["random"].as_f64().ok_or("random")?,
        &case["expected"],
    )
}
