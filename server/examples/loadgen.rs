//! Load generator: signed `POST /v1/payments` (unique idempotency keys) and
//! `GET /health` against a server started in this process on 127.0.0.1 over
//! a temporary SQLite file. Prints throughput and p50/p99 latency of each.
//!
//! ```sh
//! cargo run --release -p paycore-server --example loadgen
//! LOADGEN_SECS=5 LOADGEN_CONNECTIONS=32 cargo run --release -p paycore-server --example loadgen
//! ```
//!
//! Two phases of `LOADGEN_SECS` (default 5) each, one after the other on the
//! same server: `/health` alone, then creates alone, each over
//! `LOADGEN_CONNECTIONS` (default 32) keep-alive connections. The server's
//! rate limiter runs as usual (the core's GCRA, headers rendered) but its
//! refusals are ignored, as one sandbox key would otherwise be held to its
//! plan's 1,000 requests per minute. `LOADGEN_DB_CONNECTIONS` sets the
//! server's pool size (default 8, the server's default). Each line also shows
//! the CPU the whole process (client and server) used. Bounded: every loop stops at its deadline.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark binary: failing loudly is the point"
)]
#![allow(clippy::print_stdout, reason = "a benchmark binary prints its figures")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;
use paycore::signing::{Request, SigningKey, sign_request};
use paycore_server::config::Plan;
use paycore_server::error::AppError;
use paycore_server::limits::MemoryLimiter;
use paycore_server::ratelimit::{RateLimiter, RateOutcome};
use paycore_server::{Config, KeyAlg, Services};

/// The real limiter, with its refusals turned into admissions.
#[derive(Default)]
struct Unrefused(MemoryLimiter);

impl RateLimiter for Unrefused {
    fn check<'a>(
        &'a self,
        key: &'a str,
        plan: Plan,
    ) -> BoxFuture<'a, Result<RateOutcome, AppError>> {
        Box::pin(async move {
            let mut o = self.0.check(key, plan).await?;
            o.allowed = true;
            Ok(o)
        })
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// CPU seconds (user + system) this process has used so far.
fn cpu_secs() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which ends with ')'): utime is the
    // 12th, stime the 13th, in clock ticks (100 per second on Linux).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

struct Phase {
    cpu: f64,
    name: &'static str,
    latencies_us: Vec<u64>,
    errors: u64,
    elapsed: Duration,
}

impl Phase {
    fn print(&mut self) {
        self.latencies_us.sort_unstable();
        let n = self.latencies_us.len();
        let pct = |p: f64| -> f64 {
            if n == 0 {
                return 0.0;
            }
            let i = ((n as f64 - 1.0) * p).round() as usize;
            self.latencies_us[i.min(n - 1)] as f64 / 1000.0
        };
        println!(
            "{:<8} {:>8} ok {:>5} errors  {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>6.2} ms  cpu {:>4.0}% ({:.0} us/req, client + server)",
            self.name,
            n,
            self.errors,
            n as f64 / self.elapsed.as_secs_f64(),
            pct(0.50),
            pct(0.99),
            pct(1.0),
            100.0 * self.cpu / self.elapsed.as_secs_f64(),
            1e6 * self.cpu / n.max(1) as f64,
        );
    }
}

struct Target {
    base: String,
    key_id: String,
    key: SigningKey,
}

async fn create(client: &reqwest::Client, t: &Target, worker: u64, i: u64) -> bool {
    let path = "/v1/payments";
    let url = format!("{}{path}", t.base);
    let idem = format!("load-{worker}-{i}");
    let body = br#"{"amount":1000,"currency":"usd","payment_method":"4242424242424242"}"#;
    let headers = [
        ("content-type", "application/json"),
        ("idempotency-key", idem.as_str()),
    ];
    let mut nonce = [0u8; 16];
    nonce.copy_from_slice(&paycore_server::ids::random_bytes(16));
    let rb = {
        let req = Request::new("POST", &url, &headers, body);
        let signed = sign_request(
            &req,
            &t.key_id,
            &t.key,
            paycore_server::db::now_unix(),
            &nonce,
        )
        .unwrap();
        let mut rb = client.post(&url).body(&body[..]);
        for (k, v) in headers {
            rb = rb.header(k, v);
        }
        for (k, v) in signed.headers() {
            rb = rb.header(k, v);
        }
        rb
    };
    match rb.send().await {
        Ok(r) => {
            let ok = r.status().as_u16() == 200;
            ok && r.bytes().await.is_ok()
        }
        Err(_) => false,
    }
}

async fn health(client: &reqwest::Client, t: &Target) -> bool {
    match client.get(format!("{}/health", t.base)).send().await {
        Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
        Err(_) => false,
    }
}

async fn phase(name: &'static str, t: Arc<Target>, conns: u64, secs: u64) -> Phase {
    let start = Instant::now();
    let cpu0 = cpu_secs();
    let deadline = start + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for worker in 0..conns {
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            // One client per worker: one keep-alive connection each.
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .build()
                .unwrap();
            let mut lat = Vec::new();
            let mut errors = 0u64;
            let mut i = 0u64;
            while Instant::now() < deadline {
                let t0 = Instant::now();
                let ok = if name == "create" {
                    create(&client, &t, worker, i).await
                } else {
                    health(&client, &t).await
                };
                i += 1;
                if ok {
                    lat.push(u64::try_from(t0.elapsed().as_micros()).unwrap_or(u64::MAX));
                } else {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let mut all = Phase {
        cpu: 0.0,
        name,
        latencies_us: Vec::new(),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    for task in tasks {
        let (lat, errors) = task.await.unwrap();
        all.latencies_us.extend(lat);
        all.errors += errors;
    }
    all.elapsed = start.elapsed();
    all.cpu = cpu_secs() - cpu0;
    all
}

#[tokio::main]
async fn main() {
    // In a workspace build reqwest has `rustls-no-provider` (from the SDK):
    // a provider must be installed before any client is built. Err: one is.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let secs = env_u64("LOADGEN_SECS", 5).clamp(1, 120);
    let conns = env_u64("LOADGEN_CONNECTIONS", 32).clamp(1, 1024);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("load.db").display());
    let mut config = Config::with_database(url.clone());
    config.db_max_connections =
        u32::try_from(env_u64("LOADGEN_DB_CONNECTIONS", 8).clamp(1, 64)).unwrap_or(8);
    let db = paycore_server::db::connect(&url, 1).await.unwrap();
    let created =
        paycore_server::db::create_key(&db, "load", Plan::Scale, true, KeyAlg::HmacSha256, None)
            .await
            .unwrap();
    db.pool.close().await;
    let secret = paycore::crypto::b64_decode(&created.secret_b64.unwrap()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let services = Services {
        auth: paycore_server::default_services(&config)
            .await
            .unwrap()
            .auth,
        limiter: Arc::new(Unrefused::default()),
    };
    let server = tokio::spawn(async move {
        paycore_server::run_with(config, listener, services)
            .await
            .unwrap();
    });
    let target = Arc::new(Target {
        base: format!("http://{addr}"),
        key_id: created.key_id,
        key: SigningKey::hmac(&secret).unwrap(),
    });
    let probe = reqwest::Client::new();
    for _ in 0..200 {
        if health(&probe, &target).await {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    println!("paycore-server loadgen: {conns} connections, {secs} s per phase, SQLite at {addr}");
    // A short warm-up of both paths, not counted.
    let _ = phase("warmup", target.clone(), conns, 1).await;
    let _ = phase("create", target.clone(), conns, 1).await;
    let mut h = phase("health", target.clone(), conns, secs).await;
    let mut c = phase("create", target.clone(), conns, secs).await;
    h.print();
    c.print();
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!("loadavg  {}", load.trim());
    }
    server.abort();
}
