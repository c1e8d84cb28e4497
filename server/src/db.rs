//! Storage: one sqlx pool over SQLite or Postgres (the `Any` driver), each
//! backend with its own migrations; merchants and API keys.
//!
//! Every query is written once with `$N` placeholders, which both backends
//! accept. Integers are `BIGINT`/`INTEGER` (i64), times Unix seconds, JSON text.
//!
//! SQLite note: a deferred transaction that reads before it writes can fail
//! with `SQLITE_BUSY` when another writer commits in between, so every
//! transaction here starts with a write (a conditional `UPDATE` or an
//! `INSERT`), which waits on the busy timeout instead.

use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor, Row};

use crate::config::{KeyAlg, Plan};
use crate::ids;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Which database the pool talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// Postgres.
    Postgres,
}

/// The database pool and its backend.
#[derive(Debug, Clone)]
pub struct Db {
    /// The pool.
    pub pool: AnyPool,
    /// The backend behind it.
    pub backend: Backend,
    /// Where writes go. SQLite: a pool of one connection, which serialises
    /// this process's write transactions (writers queue on the pool instead
    /// of sleeping in SQLite's busy handler, which backs off in coarse steps)
    /// and keeps its page cache: a connection's cache is dropped whenever
    /// another connection wrote since its last transaction. Reads use
    /// `pool` (WAL lets them run beside the writer). Postgres: `pool`.
    writer: AnyPool,
    /// SQLite only: the write transactions committing together
    /// ([`crate::batch::WriteTx`]).
    group: Option<Arc<crate::batch::Group>>,
    /// SQLite only: the idempotency keys whose first request is running in
    /// this process (see [`crate::idempotency`]). SQLite serves one
    /// instance, so an in-flight claim needs no row and no commit of its own.
    claims: Option<Arc<HeldKeys>>,
}

/// `(api_key_id, idempotency key)` pairs claimed in memory.
type HeldKeys = std::sync::Mutex<std::collections::HashSet<(String, String)>>;

/// An in-flight idempotency claim held in memory (SQLite), released on drop:
/// also when the request's future is dropped half-way (its transaction is
/// rolled back with it).
#[derive(Debug)]
pub struct MemoryClaim {
    set: Arc<HeldKeys>,
    id: (String, String),
}

impl Drop for MemoryClaim {
    fn drop(&mut self) {
        if let Ok(mut set) = self.set.lock() {
            set.remove(&self.id);
        }
    }
}

/// What [`Db::claim_in_memory`] found.
#[derive(Debug)]
pub enum MemoryClaimed {
    /// The backend keeps claims in rows (Postgres).
    NotKept,
    /// Claimed: the key is this request's until the guard drops.
    Claimed(MemoryClaim),
    /// Another request of this process holds the key.
    InUse,
}

impl Db {
    /// The pool to write with (see the field `writer`): on SQLite every
    /// write, also a single statement, goes through it.
    pub fn writes(&self) -> &AnyPool {
        &self.writer
    }

    /// SQLite: the group write transactions commit in.
    pub fn group(&self) -> Option<Arc<crate::batch::Group>> {
        self.group.clone()
    }

    /// Begins a write transaction (on SQLite, once it is this process's
    /// turn to write).
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        let conn = self.writer.acquire().await?;
        sqlx::Transaction::begin(conn, None).await
    }

    /// SQLite: claims `(api_key_id, key)` for one request of this process.
    /// Postgres: [`MemoryClaimed::NotKept`] (several instances share the
    /// database, so the claim is a committed row there).
    pub fn claim_in_memory(&self, api_key_id: &str, key: &str) -> MemoryClaimed {
        let Some(set) = &self.claims else {
            return MemoryClaimed::NotKept;
        };
        let id = (api_key_id.to_owned(), key.to_owned());
        let Ok(mut held) = set.lock() else {
            return MemoryClaimed::InUse;
        };
        if !held.insert(id.clone()) {
            return MemoryClaimed::InUse;
        }
        MemoryClaimed::Claimed(MemoryClaim {
            set: set.clone(),
            id,
        })
    }

    /// A connection for write statements outside a transaction (on SQLite,
    /// held while it is this process's turn to write).
    pub async fn write_conn(&self) -> Result<sqlx::pool::PoolConnection<sqlx::Any>, sqlx::Error> {
        self.writer.acquire().await
    }
}

/// A database error at start-up.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL is neither `sqlite:` nor `postgres:`.
    #[error("unsupported database URL scheme (use sqlite://FILE or postgres://...)")]
    UnsupportedUrl,
    /// Connecting or querying failed.
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    /// Applying migrations failed.
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Invalid key material.
    #[error("{0}")]
    InvalidKey(&'static str),
}

/// Opens the pool (creating an SQLite file when missing) and applies the
/// backend's migrations.
pub async fn connect(url: &str, max_connections: u32) -> Result<Db, DbError> {
    install_default_drivers();
    let (backend, url) = if url.starts_with("sqlite:") {
        let url = if url.contains("mode=") {
            url.to_owned()
        } else if url.contains('?') {
            format!("{url}&mode=rwc")
        } else {
            format!("{url}?mode=rwc")
        };
        (Backend::Sqlite, url)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        (Backend::Postgres, url.to_owned())
    } else {
        return Err(DbError::UnsupportedUrl);
    };
    let pool = pool_options(backend)
        .max_connections(max_connections.max(1))
        .connect(&url)
        .await?;
    match backend {
        Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
        Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
    }
    let writer = match backend {
        Backend::Sqlite => {
            pool_options(backend)
                .max_connections(1)
                .min_connections(1)
                // Writers queue here for their turn: a long queue under load
                // is not a failure.
                .acquire_timeout(Duration::from_secs(30))
                .idle_timeout(None)
                .max_lifetime(None)
                .connect(&url)
                .await?
        }
        Backend::Postgres => pool.clone(),
    };
    let claims = (backend == Backend::Sqlite).then(Default::default);
    let group = (backend == Backend::Sqlite).then(crate::batch::Group::new);
    Ok(Db {
        pool,
        backend,
        writer,
        group,
        claims,
    })
}

fn pool_options(backend: Backend) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .acquire_timeout(Duration::from_secs(10))
        // An embedded SQLite connection cannot drop, so pinging it on every
        // acquire is only a round trip to its worker thread (a context
        // switch each way, the largest cost of a short query here).
        .test_before_acquire(backend != Backend::Sqlite)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // Set per connection: these pragmas are not persistent
                    // (except journal_mode, which is harmless to repeat).
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA busy_timeout = 5000").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    // Savepoints (one per grouped write, see `WriteTx`) keep
                    // the pages they change in a sub-journal: in memory, not
                    // in a temporary file written page by page.
                    conn.execute("PRAGMA temp_store = MEMORY").await?;
                }
                Ok(())
            })
        })
}

/// SQLite: copies the write-ahead log into the database file every 200 ms,
/// beside the writers (a passive checkpoint takes no write lock), so no
/// write transaction pays for a checkpoint (the connections' automatic
/// checkpoint is off: it ran inside whichever commit crossed 1,000 pages,
/// with the write turn held, and synced the file twice). Runs until
/// aborted; a no-op loop on Postgres is not started.
pub async fn checkpoint_loop(db: Db) {
    if db.backend != Backend::Sqlite {
        return;
    }
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_all(&db.pool)
            .await
        {
            tracing::warn!(error = %e, "SQLite checkpoint failed");
        }
    }
}

/// Current Unix time in seconds.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A freshly minted key, as shown once to its owner.
#[derive(Clone)]
pub struct CreatedKey {
    /// The merchant id.
    pub merchant_id: String,
    /// The key id (the RFC 9421 `keyid`).
    pub key_id: String,
    /// The algorithm.
    pub alg: KeyAlg,
    /// For HMAC keys: the shared secret, base64 (standard alphabet). Shown once.
    pub secret_b64: Option<String>,
}

impl std::fmt::Debug for CreatedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedKey")
            .field("merchant_id", &self.merchant_id)
            .field("key_id", &self.key_id)
            .field("alg", &self.alg)
            .field(
                "secret_b64",
                &self.secret_b64.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Creates the merchant `name` when missing, then mints a key for it: a new
/// 32-byte HMAC secret, or the given ed25519 public key (32 bytes).
pub async fn create_key(
    db: &Db,
    merchant: &str,
    plan: Plan,
    sandbox: bool,
    alg: KeyAlg,
    ed25519_public_key: Option<&[u8]>,
) -> Result<CreatedKey, DbError> {
    let material = match alg {
        KeyAlg::HmacSha256 => ids::random_bytes(32),
        KeyAlg::Ed25519 => {
            let pk = ed25519_public_key.ok_or(DbError::InvalidKey(
                "an ed25519 key needs --public-key (base64 of 32 bytes)",
            ))?;
            if paycore::crypto::Ed25519PublicKey::from_bytes(pk).is_err() {
                return Err(DbError::InvalidKey("invalid ed25519 public key"));
            }
            pk.to_vec()
        }
    };
    let now = now_unix();
    let mut tx = db.begin_write().await?;
    let new_id = ids::new_id("mch");
    sqlx::query(
        "INSERT INTO merchants (id, name, plan, sandbox, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(&new_id)
    .bind(merchant)
    .bind(plan.as_str())
    .bind(i64::from(sandbox))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let merchant_id: String = sqlx::query("SELECT id FROM merchants WHERE name = $1")
        .bind(merchant)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
    let key_id = ids::new_id(if sandbox { "key_test" } else { "key_live" });
    sqlx::query(
        "INSERT INTO api_keys (id, merchant_id, alg, material, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&key_id)
    .bind(&merchant_id)
    .bind(alg.as_str())
    .bind(paycore::crypto::b64_encode(&material))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(CreatedKey {
        merchant_id,
        key_id,
        alg,
        secret_b64: match alg {
            KeyAlg::HmacSha256 => Some(paycore::crypto::b64_encode(&material)),
            KeyAlg::Ed25519 => None,
        },
    })
}

/// On an empty database, creates the `sandbox` merchant (plan `scale`) and an
/// HMAC key, and returns it so it can be printed once.
pub async fn bootstrap(db: &Db) -> Result<Option<CreatedKey>, DbError> {
    let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM merchants")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    if count > 0 {
        return Ok(None);
    }
    create_key(db, "sandbox", Plan::Scale, true, KeyAlg::HmacSha256, None)
        .await
        .map(Some)
}

/// An API key as loaded for authentication.
#[derive(Clone)]
pub struct ApiKeyRecord {
    /// Key id.
    pub key_id: String,
    /// Owning merchant.
    pub merchant_id: String,
    /// `hmac-sha256` or `ed25519`.
    pub alg: String,
    /// The HMAC secret or the ed25519 public key.
    pub material: Vec<u8>,
    /// The merchant's plan.
    pub plan: Plan,
    /// Whether the merchant is a sandbox (test-only triggers allowed).
    pub sandbox: bool,
}

impl std::fmt::Debug for ApiKeyRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyRecord")
            .field("key_id", &self.key_id)
            .field("merchant_id", &self.merchant_id)
            .field("alg", &self.alg)
            .field("plan", &self.plan)
            .field("sandbox", &self.sandbox)
            .finish_non_exhaustive()
    }
}

/// Loads an active key by id.
pub async fn load_key(db: &Db, key_id: &str) -> Result<Option<ApiKeyRecord>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT k.id, k.merchant_id, k.alg, k.material, m.plan, m.sandbox \
         FROM api_keys k JOIN merchants m ON m.id = k.merchant_id \
         WHERE k.id = $1 AND k.revoked_at IS NULL",
    )
    .bind(key_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let material: String = row.try_get("material")?;
    let plan: String = row.try_get("plan")?;
    let sandbox: i64 = row.try_get("sandbox")?;
    Ok(Some(ApiKeyRecord {
        key_id: row.try_get("id")?,
        merchant_id: row.try_get("merchant_id")?,
        alg: row.try_get("alg")?,
        material: paycore::crypto::b64_decode(&material).unwrap_or_default(),
        plan: Plan::from_name(&plan).unwrap_or(Plan::Starter),
        sandbox: sandbox != 0,
    }))
}
