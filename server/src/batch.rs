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

use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

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

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Runs the statements in `tx`; returns the rows they return (`RETURNING`),
    /// in order. An error leaves the transaction to be rolled back.
    pub async fn run(self, tx: &mut Transaction<'static, Any>) -> Result<Vec<AnyRow>, sqlx::Error> {
        if self.statements.is_empty() {
            return Ok(Vec::new());
        }
        if tx.backend_name() != "SQLite" || self.statements.len() == 1 {
            let mut rows = Vec::new();
            for (sql, values) in &self.statements {
                rows.extend(bind(sqlx::query(sql), values).fetch_all(&mut **tx).await?);
            }
            return Ok(rows);
        }
        let (sql, values) = self.joined();
        bind(sqlx::query(&sql), &values).fetch_all(&mut **tx).await
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
