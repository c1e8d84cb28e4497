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
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Either, Executor, Transaction};
use tokio::sync::{OwnedMutexGuard, oneshot};

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
/// On Postgres it is an ordinary transaction whose batches run statement by
/// statement.
///
/// On SQLite, write transactions commit in groups. Writes run one at a time
/// on the one write connection, and a commit (writing the pages to the WAL)
/// costs as much as the rest of a payment: so each `WriteTx` is a savepoint
/// in a transaction that several of them share (`BEGIN IMMEDIATE` when the
/// first of them starts; each one's first batch opens its `SAVEPOINT`, in
/// which the next one's nests). The member that ends its turn with no one
/// waiting for it (or the group full) commits, in the same trip as its last
/// batch, and tells the others, which wait for that commit before they
/// return: nothing is acknowledged before it is committed. A failed batch
/// rolls back to its own savepoint only; if the group's `COMMIT` fails, every
/// member gets the error.
///
/// Dropped without [`WriteTx::commit`] or [`WriteTx::rollback`], it rolls
/// back: on Postgres as any dropped transaction, on SQLite by a task that
/// rolls back its savepoint and hands the turn on.
pub struct WriteTx {
    inner: Inner,
}

enum Inner {
    /// `None` once committed.
    Postgres(Option<Transaction<'static, Any>>),
    Sqlite(Member),
}

/// Most write transactions in one SQLite commit.
const GROUP_MAX: usize = 32;

/// SQLite: the write transactions sharing one database transaction.
pub struct Group {
    state: Arc<tokio::sync::Mutex<GroupState>>,
    /// Tasks waiting for the turn (counted before they queue on `state`).
    waiting: AtomicUsize,
}

impl std::fmt::Debug for Group {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Group")
    }
}

impl Group {
    /// An empty group.
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            state: Arc::new(tokio::sync::Mutex::new(GroupState {
                conn: None,
                last_created: i64::MIN,
                members: Vec::new(),
            })),
            waiting: AtomicUsize::new(0),
        })
    }
}

struct GroupState {
    /// The write connection while a group transaction is open.
    conn: Option<PoolConnection<Any>>,
    /// The latest creation time handed out by [`WriteTx::created_at`].
    last_created: i64,
    /// The members waiting for the group's commit (true: committed).
    members: Vec<oneshot::Sender<bool>>,
}

struct Member {
    group: Arc<Group>,
    /// The turn, while this member holds it.
    turn: Option<OwnedMutexGuard<GroupState>>,
    /// `SAVEPOINT` was sent and not yet rolled back to (savepoints are never
    /// released: the group's `COMMIT` ends them all).
    in_savepoint: bool,
}

/// Counts a task waiting for the turn, from before it queues until it has
/// the turn. One that gives up waiting (its future dropped) takes a turn in
/// a task of its own, so that a member that handed the turn on to it is not
/// left waiting for a commit.
struct Waiting {
    group: Arc<Group>,
    served: bool,
}

impl Waiting {
    fn new(group: &Arc<Group>) -> Self {
        group.waiting.fetch_add(1, Ordering::AcqRel);
        Self {
            group: group.clone(),
            served: false,
        }
    }

    /// Waits for the turn.
    async fn turn(mut self) -> OwnedMutexGuard<GroupState> {
        let turn = self.group.state.clone().lock_owned().await;
        self.served = true;
        turn
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.group.waiting.fetch_sub(1, Ordering::AcqRel);
        if self.served {
            return;
        }
        let group = self.group.clone();
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                let turn = group.state.clone().lock_owned().await;
                hand_on(&group, turn).await;
            });
        }
    }
}

/// Ends a turn that did not commit with its last batch: commits the open
/// group transaction when no one waits for the turn, else leaves it open for
/// the next member.
async fn hand_on(group: &Group, mut turn: OwnedMutexGuard<GroupState>) {
    if group.waiting.load(Ordering::Acquire) > 0 {
        return;
    }
    if let Some(conn) = turn.conn.as_mut() {
        let ok = (&mut **conn).execute("COMMIT").await.is_ok();
        finish_group(&mut turn, ok);
    }
}

/// The group transaction ended (`ok`: committed): tells its members and
/// gives the connection back (closed if the transaction may be open).
fn finish_group(turn: &mut GroupState, ok: bool) {
    for m in turn.members.drain(..) {
        let _ = m.send(ok);
    }
    if let Some(mut conn) = turn.conn.take()
        && !ok
    {
        conn.close_on_drop();
    }
}

impl std::fmt::Debug for WriteTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.inner {
            Inner::Postgres(_) => "WriteTx(Postgres)",
            Inner::Sqlite(_) => "WriteTx(SQLite)",
        })
    }
}

impl WriteTx {
    /// A write transaction: on Postgres begun; on SQLite once it is this
    /// transaction's turn (the first batch opens its savepoint).
    pub async fn begin(db: &Db) -> Result<Self, sqlx::Error> {
        let Some(group) = db.group() else {
            return Ok(Self {
                inner: Inner::Postgres(Some(db.begin_write().await?)),
            });
        };
        let mut turn = Waiting::new(&group).turn().await;
        if turn.conn.is_none() {
            let conn = match db.write_conn().await {
                Ok(c) => c,
                Err(e) => {
                    hand_on(&group, turn).await;
                    return Err(e);
                }
            };
            // Held by the group before `BEGIN` is sent: were this future
            // dropped during that trip, the connection stays with the group
            // (a member's `SAVEPOINT` opens a transaction if `BEGIN` never
            // ran) rather than going back to the pool in a transaction.
            let conn = turn.conn.insert(conn);
            if let Err(e) = (&mut **conn).execute("BEGIN IMMEDIATE").await {
                turn.conn = None;
                hand_on(&group, turn).await;
                return Err(e);
            }
        }
        Ok(Self {
            inner: Inner::Sqlite(Member {
                group,
                turn: Some(turn),
                in_savepoint: false,
            }),
        })
    }

    /// The creation time of a row written in this transaction, given the
    /// clock read before it began: never earlier than one handed out to a
    /// transaction that wrote before it (on SQLite, where the write turns
    /// order the rows, `now` or the latest earlier one; on Postgres the clock
    /// read now, inside the transaction).
    pub fn created_at(&mut self, now: i64) -> i64 {
        match &mut self.inner {
            Inner::Postgres(_) => crate::db::now_unix(),
            Inner::Sqlite(m) => match m.turn.as_mut() {
                Some(turn) => {
                    turn.last_created = turn.last_created.max(now);
                    turn.last_created
                }
                None => now,
            },
        }
    }

    /// The connection, inside the transaction (its savepoint opened now if no
    /// batch ran yet), for statements run one at a time.
    pub async fn conn(&mut self) -> Result<&mut AnyConnection, sqlx::Error> {
        match &mut self.inner {
            Inner::Postgres(tx) => tx.as_deref_mut().ok_or(sqlx::Error::WorkerCrashed),
            Inner::Sqlite(m) => {
                let conn = m
                    .turn
                    .as_mut()
                    .and_then(|t| t.conn.as_mut())
                    .ok_or(sqlx::Error::WorkerCrashed)?;
                if !m.in_savepoint {
                    (&mut **conn).execute("SAVEPOINT w").await?;
                    m.in_savepoint = true;
                }
                Ok(&mut **conn)
            }
        }
    }

    /// Runs `batch` in the transaction; rows per statement, as [`Batch::run`].
    pub async fn run(&mut self, batch: Batch) -> Result<Vec<Vec<AnyRow>>, sqlx::Error> {
        match &mut self.inner {
            Inner::Postgres(tx) => {
                let tx = tx.as_deref_mut().ok_or(sqlx::Error::WorkerCrashed)?;
                batch.run(tx).await
            }
            Inner::Sqlite(m) => m.run(batch, false).await.map(|(rows, _)| rows),
        }
    }

    /// Runs `batch` and commits (on SQLite in one trip, with the group; it
    /// returns once the group committed).
    pub async fn commit(mut self, batch: Batch) -> Result<Vec<Vec<AnyRow>>, sqlx::Error> {
        match &mut self.inner {
            Inner::Postgres(tx) => {
                let mut tx = tx.take().ok_or(sqlx::Error::WorkerCrashed)?;
                let rows = batch.run(&mut tx).await?;
                tx.commit().await?;
                Ok(rows)
            }
            Inner::Sqlite(m) => {
                let (rows, wait) = m.run(batch, true).await?;
                if let Some(rx) = wait {
                    if rx.await != Ok(true) {
                        return Err(sqlx::Error::Protocol(
                            "the group commit of this write failed".into(),
                        ));
                    }
                }
                Ok(rows)
            }
        }
    }

    /// Rolls back (on SQLite, to this transaction's savepoint).
    pub async fn rollback(mut self) {
        if let Inner::Sqlite(m) = &mut self.inner {
            m.abandon().await;
        }
        // Postgres: dropped here; sqlx rolls it back.
    }
}

impl Member {
    /// Runs `batch` inside this member's savepoint (opened by its first
    /// batch); with `last`, ends the turn: commits the group in the same trip,
    /// or joins its commit (the receiver then tells when it is done).
    async fn run(
        &mut self,
        mut batch: Batch,
        last: bool,
    ) -> Result<(Vec<Vec<AnyRow>>, Option<oneshot::Receiver<bool>>), sqlx::Error> {
        // A savepoint is never released: the next member's nests in it, and
        // the group's COMMIT commits them all. While this member holds the
        // turn its savepoint is the innermost, so it can still roll back to
        // it.
        let commits = last
            && (self.group.waiting.load(Ordering::Acquire) == 0
                || self
                    .turn
                    .as_ref()
                    .is_some_and(|t| t.members.len() + 1 >= GROUP_MAX));
        let opened = !self.in_savepoint && !batch.is_empty();
        if opened {
            batch
                .statements
                .insert(0, ("SAVEPOINT w".into(), Vec::new()));
        }
        if commits {
            batch.push("COMMIT", Vec::new());
        }
        let mut rows = Vec::new();
        if !batch.is_empty() {
            let conn = self
                .turn
                .as_mut()
                .and_then(|t| t.conn.as_mut())
                .ok_or(sqlx::Error::WorkerCrashed)?;
            if opened {
                self.in_savepoint = true;
            }
            rows = match batch.run(conn).await {
                Ok(rows) => rows,
                Err(e) => {
                    self.abandon().await;
                    return Err(e);
                }
            };
            if opened && !rows.is_empty() {
                rows.remove(0);
            }
            if commits {
                rows.pop();
            }
        }
        if !last {
            return Ok((rows, None));
        }
        self.in_savepoint = false;
        let Some(mut turn) = self.turn.take() else {
            return Ok((rows, None));
        };
        if commits {
            finish_group(&mut turn, true);
            return Ok((rows, None));
        }
        let (tx, rx) = oneshot::channel();
        turn.members.push(tx);
        drop(turn);
        Ok((rows, Some(rx)))
    }

    /// Undoes this member's writes (to its savepoint; the whole group if that
    /// fails) and ends its turn.
    async fn abandon(&mut self) {
        let Some(mut turn) = self.turn.take() else {
            return;
        };
        if self.in_savepoint {
            self.in_savepoint = false;
            let undone = match turn.conn.as_mut() {
                Some(conn) => (&mut **conn).execute("ROLLBACK TO w").await.is_ok(),
                None => true,
            };
            if !undone {
                tracing::warn!(
                    "rolling back to a savepoint failed: the group's transaction is rolled back"
                );
                if let Some(conn) = turn.conn.as_mut() {
                    let _ = (&mut **conn).execute("ROLLBACK").await;
                }
                finish_group(&mut turn, false);
                return;
            }
        }
        hand_on(&self.group, turn).await;
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        let Inner::Sqlite(m) = &mut self.inner else {
            return;
        };
        if m.turn.is_none() {
            return;
        }
        let mut member = Member {
            group: m.group.clone(),
            turn: m.turn.take(),
            in_savepoint: std::mem::take(&mut m.in_savepoint),
        };
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(async move { member.abandon().await });
            }
            Err(_) => {
                if let Some(mut turn) = member.turn.take() {
                    finish_group(&mut turn, false);
                }
            }
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

    /// Creation times never go backwards along the turns, whatever clock
    /// each transaction read before its turn (a real SQLite file).
    #[tokio::test]
    async fn created_at_never_goes_back_along_the_turns() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let db = crate::db::connect(&url, 2)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut got = Vec::new();
        for read_before in [100, 105, 103, 104, 110, 90] {
            let mut w = WriteTx::begin(&db).await.unwrap_or_else(|e| panic!("{e}"));
            got.push(w.created_at(read_before));
            // A rolled-back transaction's time still bounds the next ones.
            if read_before == 105 {
                w.rollback().await;
            } else {
                w.commit(Batch::new())
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
        assert_eq!(got, [100, 105, 105, 105, 110, 110]);
    }
}
