//! A batch of statements run in order inside one transaction.
//!
//! On SQLite every statement of a query is a round trip to the connection's
//! worker thread (a context switch each way, the largest cost of a short
//! statement), and write transactions run one at a time: a batch is sent as
//! one multi-statement query, so a payment's writes (the payment, its events
//! and deliveries, its usage, its idempotent response) take one trip.
//! Postgres runs the statements one by one.
//!
//! Each statement is written with its own `$1`, `$2`, ... placeholders; the
//! batch renumbers them when it joins the statements.

use std::borrow::Cow;

use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Either, Executor, Transaction};

use crate::db::Db;

/// `AnyConnection::backend_name` of SQLite.
const SQLITE: &str = "SQLite";

/// A bound value.
#[derive(Debug, Clone)]
pub enum Value {
    /// Text or NULL.
    Text(Option<String>),
    /// A 64-bit integer or NULL.
    Int(Option<i64>),
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(Some(v.to_owned()))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::Text(Some(v))
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Self::Text(Some(v.clone()))
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Self::Text(v)
    }
}

impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Self::Text(v.map(str::to_owned))
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(Some(v))
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Self::Int(v)
    }
}

/// Statements to run in order, in one transaction.
#[derive(Debug, Default)]
pub struct Batch {
    statements: Vec<(Cow<'static, str>, Vec<Value>)>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a statement with its values (`$1` is the first).
    pub fn push(&mut self, sql: impl Into<Cow<'static, str>>, values: Vec<Value>) {
        self.statements.push((sql.into(), values));
    }

    /// How many statements were added (the index of the next one).
    pub fn len(&self) -> usize {
        self.statements.len()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Runs the statements on `conn` (inside the caller's transaction);
    /// returns each statement's rows (`RETURNING`, `SELECT`), one list per
    /// statement. An error leaves the transaction to be rolled back.
    pub async fn run(self, conn: &mut AnyConnection) -> Result<Vec<Vec<AnyRow>>, sqlx::Error> {
        if self.statements.is_empty() {
            return Ok(Vec::new());
        }
        if conn.backend_name() != SQLITE || self.statements.len() == 1 {
            let mut out = Vec::with_capacity(self.statements.len());
            for (sql, values) in &self.statements {
                out.push(bind(sqlx::query(sql), values).fetch_all(&mut *conn).await?);
            }
            return Ok(out);
        }
        let n = self.statements.len();
        let (sql, values) = self.joined();
        let mut out = Vec::with_capacity(n);
        let mut current = Vec::new();
        // Multi-statement prepared queries are SQLite-only in sqlx (0.8), and
        // not for `Query::fetch_many`'s callers; the executor streams each
        // statement's rows and then its result.
        let mut results = (&mut *conn).fetch_many(bind(sqlx::query(&sql), &values));
        while let Some(item) = results.try_next().await? {
            match item {
                Either::Left(_done) => out.push(std::mem::take(&mut current)),
                Either::Right(row) => current.push(row),
            }
        }
        Ok(out)
    }

    /// One multi-statement text with the placeholders renumbered, and every
    /// value in order.
    fn joined(self) -> (String, Vec<Value>) {
        let mut sql = String::new();
        let mut values = Vec::new();
        for (text, vals) in self.statements {
            if !sql.is_empty() {
                sql.push_str(";\n");
            }
            renumber(&text, values.len(), &mut sql);
            values.extend(vals);
        }
        (sql, values)
    }
}

/// One statement with its values, as a query to run anywhere.
pub fn query<'q>(
    sql: &'q str,
    values: &[Value],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    bind(sqlx::query(sql), values)
}

/// A write transaction that runs batches.
///
/// On SQLite the transaction is opened by the first batch (`BEGIN
/// IMMEDIATE` is its first statement) and closed by the last (`COMMIT` is
/// its last), so a transaction of two batches is two trips to the
/// connection's worker thread; a failed batch is rolled back at once. On
/// Postgres it is an ordinary transaction whose batches run statement by
/// statement.
///
/// Dropped without [`WriteTx::commit`] or [`WriteTx::rollback`], it rolls
/// back: on Postgres as any dropped transaction, on SQLite by closing the
/// connection (a drop cannot wait for a `ROLLBACK`).
pub struct WriteTx {
    inner: Inner,
}

enum Inner {
    /// `None` once committed.
    Postgres(Option<Transaction<'static, Any>>),
    Sqlite {
        conn: PoolConnection<Any>,
        /// `BEGIN` was sent and neither `COMMIT` nor `ROLLBACK` went through.
        open: bool,
    },
}

impl std::fmt::Debug for WriteTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.inner {
            Inner::Postgres(_) => "WriteTx(Postgres)",
            Inner::Sqlite { .. } => "WriteTx(SQLite)",
        })
    }
}

impl WriteTx {
    /// A write connection (see [`Db::begin_write`]); on Postgres the
    /// transaction is begun, on SQLite the first batch begins it.
    pub async fn begin(db: &Db) -> Result<Self, sqlx::Error> {
        if db.backend == crate::db::Backend::Postgres {
            return Ok(Self {
                inner: Inner::Postgres(Some(db.begin_write().await?)),
            });
        }
        Ok(Self {
            inner: Inner::Sqlite {
                conn: db.write_conn().await?,
                open: false,
            },
        })
    }

    /// The connection, inside the transaction (begun now if no batch ran
    /// yet), for statements run one at a time.
    pub async fn conn(&mut self) -> Result<&mut AnyConnection, sqlx::Error> {
        match &mut self.inner {
            Inner::Postgres(tx) => tx.as_deref_mut().ok_or(sqlx::Error::WorkerCrashed),
            Inner::Sqlite { conn, open } => {
                if !*open {
                    (&mut **conn).execute("BEGIN IMMEDIATE").await?;
                    *open = true;
                }
                Ok(&mut **conn)
            }
        }
    }

    /// Runs `batch` in the transaction; rows per statement, as [`Batch::run`].
    pub async fn run(&mut self, batch: Batch) -> Result<Vec<Vec<AnyRow>>, sqlx::Error> {
        self.run_framed(batch, false).await
    }

    /// Runs `batch` and commits (in one trip on SQLite).
    pub async fn commit(mut self, batch: Batch) -> Result<Vec<Vec<AnyRow>>, sqlx::Error> {
        let rows = self.run_framed(batch, true).await?;
        if let Inner::Postgres(tx) = &mut self.inner
            && let Some(tx) = tx.take()
        {
            tx.commit().await?;
        }
        Ok(rows)
    }

    /// Rolls back (errors are logged: the connection is closed instead).
    pub async fn rollback(mut self) {
        match &mut self.inner {
            Inner::Postgres(_) => {} // dropped below: sqlx rolls it back
            Inner::Sqlite { conn, open } => {
                if *open {
                    match (&mut **conn).execute("ROLLBACK").await {
                        Ok(_) => *open = false,
                        Err(e) => tracing::warn!(error = %e, "SQLite ROLLBACK failed"),
                    }
                }
            }
        }
    }

    async fn run_framed(
        &mut self,
        mut batch: Batch,
        commit: bool,
    ) -> Result<Vec<Vec<AnyRow>>, sqlx::Error> {
        let (conn, open) = match &mut self.inner {
            Inner::Postgres(tx) => {
                let tx = tx.as_deref_mut().ok_or(sqlx::Error::WorkerCrashed)?;
                return batch.run(tx).await;
            }
            Inner::Sqlite { conn, open } => (conn, open),
        };
        if batch.is_empty() && !commit {
            return Ok(Vec::new());
        }
        let began = !*open;
        if began {
            batch
                .statements
                .insert(0, ("BEGIN IMMEDIATE".into(), Vec::new()));
        }
        if commit {
            batch.push("COMMIT", Vec::new());
        }
        // From here on, a failure may leave the transaction open.
        *open = true;
        match batch.run(conn).await {
            Ok(mut rows) => {
                if began && !rows.is_empty() {
                    rows.remove(0);
                }
                if commit {
                    rows.pop();
                    *open = false;
                }
                Ok(rows)
            }
            Err(e) => {
                if (&mut **conn).execute("ROLLBACK").await.is_ok() {
                    *open = false;
                }
                Err(e)
            }
        }
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        if let Inner::Sqlite { conn, open: true } = &mut self.inner {
            conn.close_on_drop();
        }
    }
}

fn bind<'q>(
    mut q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    values: &[Value],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    for v in values {
        q = match v {
            Value::Text(t) => q.bind(t.clone()),
            Value::Int(i) => q.bind(*i),
        };
    }
    q
}

/// Appends `sql` to `out` with every `$N` written as `$(N + offset)`. The
/// statements here have no `$` in literals.
fn renumber(sql: &str, offset: usize, out: &mut String) {
    let mut rest = sql;
    while let Some(i) = rest.find('$') {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        let digits = tail
            .get(1..)
            .unwrap_or("")
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        match tail.get(1..=digits).and_then(|d| d.parse::<usize>().ok()) {
            Some(n) if digits > 0 => {
                out.push('$');
                out.push_str(&(n + offset).to_string());
            }
            _ => out.push_str(tail.get(..=digits).unwrap_or("$")),
        }
        rest = tail.get(digits + 1..).unwrap_or("");
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renumbers_placeholders_after_the_earlier_statements_values() {
        let mut b = Batch::new();
        b.push(
            "INSERT INTO t (a, b) VALUES ($1, $2)",
            vec![1.into(), 2.into()],
        );
        b.push(
            "UPDATE t SET a = $2 WHERE b = $1 OR c = $10",
            vec!["x".into(), 3.into()],
        );
        b.push("SELECT 1", vec![]);
        let (sql, values) = b.joined();
        assert_eq!(
            sql,
            "INSERT INTO t (a, b) VALUES ($1, $2);\nUPDATE t SET a = $4 WHERE b = $3 OR c = $12;\nSELECT 1"
        );
        assert_eq!(values.len(), 4);
        let mut out = String::new();
        renumber("a $ b $x $", 5, &mut out);
        assert_eq!(out, "a $ b $x $");
    }
}
