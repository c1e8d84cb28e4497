//! Runs every case of `vectors/ratelimit.json`: header parsing, GCRA sequences
//! (through the pure transition and through `MemoryStore`), and rendering.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod common;

use std::time::Duration;

use common::Value;
use paycore::ratelimit::{
    Decision, MemoryStore, Quota, RateLimitInfo, RateLimitStore, Tat, render_headers,
};

fn main() {
    let file = common::load("ratelimit.json");
    let mut trials = common::trials("parse", &file["parse"], check_parse);
    trials.extend(common::trials("gcra", &file["gcra"], check_gcra));
    trials.extend(common::trials("render", &file["render"], check_render));
    // The same GCRA sequences through the Redis Lua script, when a Redis
    // server is named by PAYCORE_TEST_REDIS (host:port); ignored otherwise.
    let redis = std::env::var("PAYCORE_TEST_REDIS").ok();
    trials.extend(
        common::trials("gcra_redis", &file["gcra"], check_gcra_redis)
            .into_iter()
            .map(|t| t.with_ignored_flag(redis.is_none())),
    );
    common::run(trials);
}

fn opt_u64(v: &Value) -> Option<u64> {
    v.as_u64()
}

fn opt_ms(d: Option<Duration>) -> Option<u64> {
    d.map(|d| u64::try_from(d.as_millis()).unwrap())
}

fn opt_hex(b: &Option<Vec<u8>>) -> Option<String> {
    b.as_ref().map(hex::encode)
}

fn eq<T: PartialEq + std::fmt::Debug>(what: &str, got: T, want: T) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {got:?}, want {want:?}"))
    }
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .expect("headers is an array")
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_string(),
                p[1].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn check_parse(case: &Value) -> Result<(), String> {
    let headers = pairs(&case["headers"]);
    let now = case["now_unix"].as_i64().ok_or("now_unix")?;
    let info = RateLimitInfo::from_headers(&headers, now);
    let e = &case["expected"];
    eq("limit", info.limit, opt_u64(&e["limit"]))?;
    eq("remaining", info.remaining, opt_u64(&e["remaining"]))?;
    eq(
        "reset_after_ms",
        opt_ms(info.reset_after),
        opt_u64(&e["reset_after_ms"]),
    )?;
    eq("window_ms", opt_ms(info.window), opt_u64(&e["window_ms"]))?;
    eq("used", info.used, opt_u64(&e["used"]))?;
    eq("resource", info.resource.as_deref(), e["resource"].as_str())?;
    eq(
        "retry_after_ms",
        opt_ms(info.retry_after),
        opt_u64(&e["retry_after_ms"]),
    )?;
    eq(
        "wait_ms",
        opt_ms(info.wait_before_next()),
        opt_u64(&e["wait_ms"]),
    )?;
    eq("policy", info.policy.as_deref(), e["policy"].as_str())?;
    eq(
        "partition_key_hex",
        opt_hex(&info.partition_key),
        e["partition_key_hex"].as_str().map(str::to_string),
    )?;
    let malformed: Vec<&str> = e["malformed"]
        .as_array()
        .ok_or("malformed")?
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    eq("malformed", info.malformed.clone(), malformed)?;
    if let Some(policies) = e["policies"].as_array() {
        eq("policies.len", info.policies.len(), policies.len())?;
        for (got, want) in info.policies.iter().zip(policies) {
            eq(
                "policy.name",
                got.name.as_str(),
                want["name"].as_str().unwrap(),
            )?;
            eq("policy.quota", Some(got.quota), want["quota"].as_u64())?;
            eq(
                "policy.window_seconds",
                got.window.map(|w| w.as_secs()),
                want["window_seconds"].as_u64(),
            )?;
            eq(
                "policy.quota_unit",
                got.quota_unit.as_str(),
                want["quota_unit"].as_str().unwrap(),
            )?;
            eq(
                "policy.partition_key_hex",
                opt_hex(&got.partition_key),
                want["partition_key_hex"].as_str().map(str::to_string),
            )?;
        }
    }
    if let Some(limits) = e["limits"].as_array() {
        eq("limits.len", info.limits.len(), limits.len())?;
        for (got, want) in info.limits.iter().zip(limits) {
            eq(
                "limit.policy",
                got.policy.as_str(),
                want["policy"].as_str().unwrap(),
            )?;
            eq(
                "limit.remaining",
                Some(got.remaining),
                want["remaining"].as_u64(),
            )?;
            eq(
                "limit.reset_seconds",
                got.reset_after.map(|t| t.as_secs()),
                want["reset_seconds"].as_u64(),
            )?;
            eq(
                "limit.partition_key_hex",
                opt_hex(&got.partition_key),
                want["partition_key_hex"].as_str().map(str::to_string),
            )?;
        }
    }
    Ok(())
}

fn quota(q: &Value) -> Quota {
    Quota::new(
        q["limit"].as_u64().unwrap(),
        Duration::from_millis(q["period_ms"].as_u64().unwrap()),
        q["burst"].as_u64().unwrap(),
    )
    .unwrap()
}

/// A duration field given as `<name>_ms` or `<name>_us`.
fn dur(step: &Value, name: &str) -> Option<Duration> {
    if let Some(v) = step.get(format!("{name}_us")) {
        return v.as_u64().map(Duration::from_micros);
    }
    step[format!("{name}_ms")]
        .as_u64()
        .map(Duration::from_millis)
}

fn check_gcra(case: &Value) -> Result<(), String> {
    let q = quota(&case["quota"]);
    eq(
        "emission_interval_us",
        Some(q.emission_interval_micros()),
        case["emission_interval_us"].as_u64(),
    )?;
    eq(
        "burst_span_us",
        Some(q.burst_span_micros()),
        case["burst_span_us"].as_u64(),
    )?;
    let store = MemoryStore::with_capacity(16, 2);
    let mut tat = Tat::ABSENT;
    for (i, step) in case["requests"].as_array().unwrap().iter().enumerate() {
        let now = Duration::from_millis(step["at_ms"].as_u64().unwrap());
        let cost = step["cost"].as_u64().unwrap();
        let out = q.check(tat, now, cost);
        let want = Decision {
            allowed: step["allowed"].as_bool().unwrap(),
            limit: q.limit(),
            remaining: step["remaining"].as_u64().unwrap(),
            reset_after: dur(step, "reset_after").unwrap(),
            retry_after: dur(step, "retry_after"),
        };
        eq(&format!("request {i} (pure)"), out.decision, want)?;
        if !want.allowed {
            eq(&format!("request {i}: state after a denial"), out.tat, tat)?;
        }
        tat = out.tat;
        let stored = store.check("k", &q, now, cost);
        eq(&format!("request {i} (MemoryStore)"), stored, want)?;
    }
    Ok(())
}

fn check_render(case: &Value) -> Result<(), String> {
    let q = quota(&case["quota"]);
    let d = &case["decision"];
    let decision = Decision {
        allowed: d["allowed"].as_bool().unwrap(),
        limit: d["limit"].as_u64().unwrap(),
        remaining: d["remaining"].as_u64().unwrap(),
        reset_after: Duration::from_millis(d["reset_after_ms"].as_u64().unwrap()),
        retry_after: d["retry_after_ms"].as_u64().map(Duration::from_millis),
    };
    let pk = case["partition_key_hex"]
        .as_str()
        .map(|h| hex::decode(h).unwrap());
    let name = common::str_field(case, "policy_name")?;
    let got = render_headers(&decision, &q, name, pk.as_deref());
    if common::str_field(case, "result")? == "invalid" {
        let err = got.err().ok_or("rendered, want an error")?;
        return eq("reason", err.code(), common::str_field(case, "reason")?);
    }
    let got = got.map_err(|e| format!("render failed: {e}"))?;
    let got_pairs: Vec<(String, String)> = got
        .iter()
        .map(|(k, v)| ((*k).to_string(), v.clone()))
        .collect();
    eq("headers", got_pairs, pairs(&case["headers"]))?;

    // The rendered headers read back through the parser.
    let info = RateLimitInfo::from_headers(&got, 1_700_000_000);
    eq("round trip: malformed", info.malformed.len(), 0)?;
    eq("round trip: limit", info.limit, Some(decision.limit))?;
    eq(
        "round trip: remaining",
        info.remaining,
        Some(decision.remaining),
    )?;
    eq("round trip: policy", info.policy.as_deref(), Some(name))?;
    eq("round trip: partition key", info.partition_key, pk)?;
    let ceil = |d: Duration| Duration::from_secs(d.as_secs() + u64::from(d.subsec_nanos() > 0));
    eq(
        "round trip: retry_after",
        info.retry_after,
        decision.retry_after.filter(|_| !decision.allowed).map(ceil),
    )?;
    eq(
        "round trip: window",
        info.window,
        Some(ceil(q.period()).max(Duration::from_secs(1))),
    )?;
    Ok(())
}

/// Sends one command over RESP and reads an array-of-integers reply.
fn redis_call(conn: &mut std::net::TcpStream, args: &[&str]) -> Result<Vec<i64>, String> {
    use std::io::{BufRead, BufReader, Write};
    let mut cmd = format!("*{}\r\n", args.len());
    for a in args {
        cmd.push_str(&format!("${}\r\n{a}\r\n", a.len()));
    }
    conn.write_all(cmd.as_bytes()).map_err(|e| e.to_string())?;
    let mut r = BufReader::new(conn.try_clone().map_err(|e| e.to_string())?);
    let mut line = String::new();
    r.read_line(&mut line).map_err(|e| e.to_string())?;
    let head = line.trim_end().to_string();
    match head.chars().next() {
        Some('*') => {
            let n: usize = head[1..].parse().map_err(|_| head.clone())?;
            let mut out = Vec::new();
            for _ in 0..n {
                line.clear();
                r.read_line(&mut line).map_err(|e| e.to_string())?;
                let v = line.trim_end().trim_start_matches(':');
                out.push(v.parse().map_err(|_| format!("not an integer: {line:?}"))?);
            }
            Ok(out)
        }
        Some(':') => Ok(vec![head[1..].parse().map_err(|_| head.clone())?]),
        _ => Err(format!("redis replied {head:?}")),
    }
}

fn check_gcra_redis(case: &Value) -> Result<(), String> {
    let addr = std::env::var("PAYCORE_TEST_REDIS").map_err(|e| e.to_string())?;
    let mut conn = std::net::TcpStream::connect(addr).map_err(|e| e.to_string())?;
    let q = quota(&case["quota"]);
    let key = format!("paycore:test:gcra:{}", common::str_field(case, "id")?);
    redis_call(&mut conn, &["DEL", &key])?;
    for (i, step) in case["requests"].as_array().unwrap().iter().enumerate() {
        let now_us = step["at_ms"].as_u64().unwrap() * 1000;
        let cost = step["cost"].as_u64().unwrap();
        let args = [
            now_us.to_string(),
            q.emission_interval_micros().to_string(),
            q.burst_span_micros().to_string(),
            q.burst().to_string(),
            cost.to_string(),
        ];
        let mut cmd = vec!["EVAL", paycore::ratelimit::GCRA_REDIS_LUA, "1", &key];
        cmd.extend(args.iter().map(String::as_str));
        let reply = redis_call(&mut conn, &cmd)?;
        let us = |d: Option<Duration>| d.map_or(-1, |d| i64::try_from(d.as_micros()).unwrap());
        let want = vec![
            i64::from(step["allowed"].as_bool().unwrap()),
            i64::try_from(step["remaining"].as_u64().unwrap()).unwrap(),
            us(dur(step, "reset_after")),
            us(dur(step, "retry_after")),
        ];
        eq(
            &format!("request {i} (redis)"),
            reply.get(..4).map(<[i64]>::to_vec),
            Some(want),
        )?;
    }
    Ok(())
}
