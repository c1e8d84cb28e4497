//! Configuration: command-line flags, each with an environment variable.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// paycore-server: the reference payment API (signed requests, payments,
/// refunds, events, idempotency, rate limits) on SQLite or Postgres + Redis.
#[derive(Debug, Parser)]
#[command(name = "paycore-server", version, about, long_about = None)]
pub struct Cli {
    /// Server options (used when no subcommand is given).
    #[command(flatten)]
    pub serve: Config,
    /// What to do; without a subcommand the server starts.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
}

/// `keys ...` subcommands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a merchant (if it does not exist) and mint an API key for it.
    /// Prints the key id and, for HMAC keys, the secret (shown once).
    Create(KeyCreateArgs),
}

/// Arguments of `keys create`.
#[derive(Debug, Args)]
pub struct KeyCreateArgs {
    /// Merchant name; the merchant is created when missing.
    #[arg(long)]
    pub merchant: String,
    /// Plan of a new merchant: sets its rate-limit tier and its monthly
    /// volume limit (see `--plan-limits`).
    #[arg(long, value_enum, default_value_t = Plan::Starter)]
    pub plan: Plan,
    /// Signature algorithm of the key.
    #[arg(long, value_enum, default_value_t = KeyAlg::HmacSha256)]
    pub alg: KeyAlg,
    /// For `--alg ed25519`: the base64 (standard alphabet) 32-byte public key to
    /// register. The server never sees the private key.
    #[arg(long)]
    pub public_key: Option<String>,
    /// Create the merchant in live mode: test-only fault triggers are refused.
    #[arg(long)]
    pub live: bool,
    /// Print one JSON object (`merchant_id`, `key_id`, `algorithm`, and
    /// `secret` for HMAC keys) instead of the text, for scripts and test
    /// fixtures.
    #[arg(long)]
    pub json: bool,
}

/// Merchant plans: each sets a rate-limit tier (requests per minute per API key
/// and route class).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Plan {
    /// 10 requests per minute.
    Starter,
    /// 100 requests per minute.
    Growth,
    /// 1000 requests per minute.
    Scale,
}

impl Plan {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Starter => "starter",
            Plan::Growth => "growth",
            Plan::Scale => "scale",
        }
    }

    /// Parses a stored name.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "starter" => Some(Plan::Starter),
            "growth" => Some(Plan::Growth),
            "scale" => Some(Plan::Scale),
            _ => None,
        }
    }

    /// Requests per minute per API key and route class.
    pub fn requests_per_minute(self) -> u64 {
        match self {
            Plan::Starter => 10,
            Plan::Growth => 100,
            Plan::Scale => 1000,
        }
    }

    /// The plan's default monthly volume limit and overage flag (see
    /// [`PlanLimits`] for the deployment's own).
    pub fn default_limit(self) -> PlanLimit {
        match self {
            Plan::Starter => PlanLimit {
                monthly_volume_limit: 1_000_000,
                overage_allowed: false,
            },
            Plan::Growth => PlanLimit {
                monthly_volume_limit: 100_000_000,
                overage_allowed: false,
            },
            Plan::Scale => PlanLimit {
                monthly_volume_limit: 10_000_000_000,
                overage_allowed: true,
            },
        }
    }
}

/// A plan's monthly usage terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanLimit {
    /// Succeeded (captured) volume allowed per UTC calendar month, in minor
    /// units, every currency summed.
    pub monthly_volume_limit: i64,
    /// Whether payments go on above the limit (otherwise they are refused
    /// with 403 `usage_limit_exceeded`).
    pub overage_allowed: bool,
}

/// Every plan's usage terms. Parsed from `PLAN=LIMIT[:overage|:no-overage]`
/// items separated by commas (`starter=500000,scale=10000000000:overage`);
/// a plan not listed keeps its [`Plan::default_limit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanLimits {
    starter: PlanLimit,
    growth: PlanLimit,
    scale: PlanLimit,
}

impl Default for PlanLimits {
    fn default() -> Self {
        PlanLimits {
            starter: Plan::Starter.default_limit(),
            growth: Plan::Growth.default_limit(),
            scale: Plan::Scale.default_limit(),
        }
    }
}

impl PlanLimits {
    /// The terms of `plan`.
    pub fn get(&self, plan: Plan) -> PlanLimit {
        match plan {
            Plan::Starter => self.starter,
            Plan::Growth => self.growth,
            Plan::Scale => self.scale,
        }
    }

    /// Sets the terms of `plan`.
    pub fn set(&mut self, plan: Plan, limit: PlanLimit) {
        match plan {
            Plan::Starter => self.starter = limit,
            Plan::Growth => self.growth = limit,
            Plan::Scale => self.scale = limit,
        }
    }
}

impl std::str::FromStr for PlanLimits {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut limits = PlanLimits::default();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (plan, terms) = item
                .split_once('=')
                .ok_or_else(|| format!("`{item}`: expected PLAN=LIMIT[:overage]"))?;
            let plan = Plan::from_name(plan.trim())
                .ok_or_else(|| format!("`{item}`: unknown plan (starter, growth, scale)"))?;
            let (amount, flag) = match terms.split_once(':') {
                Some((a, f)) => (a, Some(f.trim())),
                None => (terms, None),
            };
            let monthly_volume_limit: i64 = amount
                .trim()
                .parse()
                .ok()
                .filter(|v| *v >= 1)
                .ok_or_else(|| {
                    format!("`{item}`: the limit is a positive integer (minor units)")
                })?;
            let overage_allowed = match flag {
                None => plan.default_limit().overage_allowed,
                Some("overage") => true,
                Some("no-overage") => false,
                Some(other) => {
                    return Err(format!(
                        "`{item}`: `{other}` is neither `overage` nor `no-overage`"
                    ));
                }
            };
            limits.set(
                plan,
                PlanLimit {
                    monthly_volume_limit,
                    overage_allowed,
                },
            );
        }
        Ok(limits)
    }
}

/// Signature algorithms an API key can use (fixed per key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyAlg {
    /// HMAC-SHA256 with a server-generated shared secret.
    HmacSha256,
    /// Ed25519 with a registered public key.
    Ed25519,
}

impl KeyAlg {
    /// The stored (and RFC 9421 `alg`) name.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyAlg::HmacSha256 => "hmac-sha256",
            KeyAlg::Ed25519 => "ed25519",
        }
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Server options. Every flag can also be set by its environment variable.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "PAYCORE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Database: `sqlite://FILE` (created when missing) or `postgres://...`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://paycore.db",
        hide_env_values = true
    )]
    pub database_url: String,
    /// Redis (`redis://...`) for nonces and shared rate limits across
    /// instances; in-memory when unset.
    #[arg(long, env = "REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,
    /// Maximum database connections in the pool.
    #[arg(long, env = "PAYCORE_DB_MAX_CONNECTIONS", default_value_t = 8)]
    pub db_max_connections: u32,
    /// Log format.
    #[arg(long, env = "PAYCORE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Accepted clock skew of a request signature's `created`, in seconds (+-).
    #[arg(long, env = "PAYCORE_SIGNATURE_WINDOW_SECS", default_value_t = 300)]
    pub signature_window_secs: u64,
    /// How long idempotency keys are kept, in seconds.
    #[arg(long, env = "PAYCORE_IDEMPOTENCY_TTL_SECS", default_value_t = 86_400)]
    pub idempotency_ttl_secs: u64,
    /// After how many seconds an in-flight idempotency key whose request never
    /// finished (a crashed instance) may be taken over.
    #[arg(long, env = "PAYCORE_IDEMPOTENCY_LOCK_SECS", default_value_t = 60)]
    pub idempotency_lock_secs: u64,
    /// Debugging aid: 401 bodies carry the verifier's signature base
    /// (`error.signature_base`) so a signer can diff it with the base it
    /// signed. It holds no secret, but do not enable it in production.
    #[arg(long, env = "PAYCORE_DEBUG_SIGNATURE_BASE")]
    pub debug_signature_base: bool,
    /// Do not create a sandbox merchant and key on an empty database.
    #[arg(long, env = "PAYCORE_NO_BOOTSTRAP")]
    pub no_bootstrap: bool,
    /// Webhook delivery.
    #[command(flatten)]
    pub webhooks: WebhookConfig,
    /// Monthly volume limits (minor units) and overage per plan, as
    /// `PLAN=LIMIT[:overage|:no-overage]` items separated by commas; plans
    /// not listed keep their defaults (starter 1000000, growth 100000000,
    /// scale 10000000000 with overage).
    #[arg(long, env = "PAYCORE_PLAN_LIMITS", default_value = "")]
    pub plan_limits: PlanLimits,
    /// `/health/ready` fails when the oldest due, undelivered webhook
    /// delivery is older than this many seconds.
    #[arg(long, env = "PAYCORE_READY_MAX_OUTBOX_LAG_SECS", default_value_t = 300)]
    pub ready_max_outbox_lag_secs: u64,
}

impl Config {
    /// The defaults with another database URL (what tests use).
    pub fn with_database(database_url: impl Into<String>) -> Self {
        #[allow(clippy::expect_used, reason = "parsing a constant address")]
        Config {
            listen: "127.0.0.1:8080".parse().expect("constant address"),
            database_url: database_url.into(),
            redis_url: None,
            db_max_connections: 8,
            log_format: LogFormat::Text,
            signature_window_secs: 300,
            idempotency_ttl_secs: 86_400,
            idempotency_lock_secs: 60,
            debug_signature_base: false,
            no_bootstrap: true,
            plan_limits: PlanLimits::default(),
            ready_max_outbox_lag_secs: 300,
            webhooks: WebhookConfig::default(),
        }
    }
}

/// A duration flag: a number with a unit (`250ms`, `5s`, `5m`, `2h`, `1d`);
/// a bare number is seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dur(pub std::time::Duration);

impl std::str::FromStr for Dur {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (digits, unit) = s.split_at(split);
        let n: u64 = digits
            .parse()
            .map_err(|_| format!("`{s}` is not a duration (e.g. 250ms, 5s, 5m, 2h, 1d)"))?;
        let ms = match unit {
            "ms" => Some(n),
            "" | "s" => n.checked_mul(1000),
            "m" => n.checked_mul(60_000),
            "h" => n.checked_mul(3_600_000),
            "d" => n.checked_mul(86_400_000),
            _ => None,
        }
        .ok_or_else(|| format!("`{s}` is not a duration (e.g. 250ms, 5s, 5m, 2h, 1d)"))?;
        Ok(Dur(std::time::Duration::from_millis(ms)))
    }
}

impl std::fmt::Display for Dur {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}ms", self.0.as_millis())
    }
}

/// The webhook retry schedule: the delay before each attempt, comma-separated
/// durations (the first is the delay of the first attempt after the event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule(pub Vec<std::time::Duration>);

impl std::str::FromStr for Schedule {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let steps = s
            .split(',')
            .map(|p| p.parse::<Dur>().map(|d| d.0))
            .collect::<Result<Vec<_>, _>>()?;
        if steps.is_empty() || steps.len() > 50 {
            return Err("a schedule has 1 to 50 steps".into());
        }
        Ok(Schedule(steps))
    }
}

impl std::fmt::Display for Schedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{}ms", d.as_millis())?;
        }
        Ok(())
    }
}

/// The default webhook retry schedule.
pub const DEFAULT_WEBHOOK_SCHEDULE: &str = "0,5s,5m,30m,2h,5h,10h,10h";

/// Webhook delivery options. Durations take a unit: `250ms`, `5s`, `5m`,
/// `2h`, `1d` (a bare number is seconds).
#[derive(Debug, Clone, Args)]
pub struct WebhookConfig {
    /// Delay before each delivery attempt, comma-separated durations with a
    /// unit (ms, s, m, h, d; a bare number is seconds). The default makes 8
    /// attempts: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and
    /// 10 h after each failure (each +- the jitter). A fast one for
    /// development and tests: `--webhook-schedule 0,100ms,100ms,200ms`.
    #[arg(long, env = "PAYCORE_WEBHOOK_SCHEDULE", default_value = DEFAULT_WEBHOOK_SCHEDULE)]
    pub webhook_schedule: Schedule,
    /// Random +- spread of every retry delay, in percent.
    #[arg(long, env = "PAYCORE_WEBHOOK_JITTER_PERCENT", default_value_t = 20, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub webhook_jitter_percent: u8,
    /// Time limit of one delivery attempt (connect, send, response).
    #[arg(long, env = "PAYCORE_WEBHOOK_TIMEOUT", default_value = "15s")]
    pub webhook_timeout: Dur,
    /// Longest receiver `Retry-After` honoured (a longer one is cut to it;
    /// one shorter than the schedule's next delay is ignored).
    #[arg(long, env = "PAYCORE_WEBHOOK_MAX_RETRY_AFTER", default_value = "1h")]
    pub webhook_max_retry_after: Dur,
    /// An endpoint whose deliveries have failed (without a success in
    /// between) for longer than this is disabled (reason `failing`) and a
    /// `webhook_endpoint.disabled` event is written.
    #[arg(long, env = "PAYCORE_WEBHOOK_DISABLE_AFTER", default_value = "5d")]
    pub webhook_disable_after: Dur,
    /// Default `expires_in` of `rotate_secret`: how long the old secret
    /// keeps signing beside the new one.
    #[arg(long, env = "PAYCORE_WEBHOOK_ROTATION_OVERLAP", default_value = "24h")]
    pub webhook_rotation_overlap: Dur,
    /// Deliver to loopback, private, link-local and other non-public
    /// addresses for live merchants too (sandbox merchants always may).
    #[arg(long, env = "PAYCORE_WEBHOOK_ALLOW_PRIVATE")]
    pub webhook_allow_private: bool,
    /// How often the delivery worker looks for due deliveries.
    #[arg(long, env = "PAYCORE_WEBHOOK_POLL_INTERVAL", default_value = "250ms")]
    pub webhook_poll_interval: Dur,
    /// Most deliveries in flight at once per instance.
    #[arg(long, env = "PAYCORE_WEBHOOK_CONCURRENCY", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub webhook_concurrency: u32,
    /// Do not run the delivery worker in this instance (events still enter
    /// the outbox; another instance delivers them).
    #[arg(long, env = "PAYCORE_NO_WEBHOOK_WORKER")]
    pub no_webhook_worker: bool,
}

impl Default for WebhookConfig {
    #[allow(clippy::expect_used, reason = "parsing constants")]
    fn default() -> Self {
        WebhookConfig {
            webhook_schedule: DEFAULT_WEBHOOK_SCHEDULE.parse().expect("constant schedule"),
            webhook_jitter_percent: 20,
            webhook_timeout: Dur(std::time::Duration::from_secs(15)),
            webhook_max_retry_after: Dur(std::time::Duration::from_secs(3600)),
            webhook_disable_after: Dur(std::time::Duration::from_secs(5 * 86_400)),
            webhook_rotation_overlap: Dur(std::time::Duration::from_secs(86_400)),
            webhook_allow_private: false,
            webhook_poll_interval: Dur(std::time::Duration::from_millis(250)),
            webhook_concurrency: 16,
            no_webhook_worker: false,
        }
    }
}
