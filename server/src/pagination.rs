//! Cursor pagination shared by every list endpoint: newest first, `limit`
//! 1-100 (default 10), `starting_after` / `ending_before` object ids,
//! `has_more`; optional filters `created[gt|gte|lt|lte]` (Unix seconds) and
//! one string filter per endpoint (`status`, `payment`, `type`).

use axum::response::{IntoResponse, Response};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use crate::error::AppError;

/// Largest page.
pub const MAX_LIMIT: i64 = 100;

/// Parsed list parameters.
#[derive(Debug, Default)]
pub struct ListParams {
    limit: i64,
    starting_after: Option<String>,
    ending_before: Option<String>,
    created: Vec<(&'static str, i64)>,
    filters: Vec<(&'static str, String)>,
}

impl ListParams {
    /// Parses a query string. `filters` maps accepted filter parameters to
    /// their column, with the values each accepts (empty: any).
    pub fn parse(
        query: Option<&str>,
        filters: &[(&'static str, &'static str, &[&str])],
    ) -> Result<Self, AppError> {
        let mut p = ListParams {
            limit: 10,
            ..ListParams::default()
        };
        let mut seen: Vec<String> = Vec::new();
        for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            let k = k.into_owned();
            if seen.contains(&k) {
                return Err(AppError::invalid(
                    "parameter_duplicate",
                    k.clone(),
                    format!("Parameter {k} is given more than once."),
                ));
            }
            seen.push(k.clone());
            match k.as_str() {
                "limit" => {
                    p.limit = v
                        .parse::<i64>()
                        .ok()
                        .filter(|l| (1..=MAX_LIMIT).contains(l))
                        .ok_or_else(|| {
                            AppError::invalid(
                                "parameter_invalid",
                                "limit",
                                format!("limit must be an integer from 1 to {MAX_LIMIT}."),
                            )
                        })?;
                }
                "starting_after" => p.starting_after = Some(v.into_owned()),
                "ending_before" => p.ending_before = Some(v.into_owned()),
                "created[gt]" | "created[gte]" | "created[lt]" | "created[lte]" => {
                    let op = match k.as_str() {
                        "created[gt]" => ">",
                        "created[gte]" => ">=",
                        "created[lt]" => "<",
                        _ => "<=",
                    };
                    let t = v.parse::<i64>().map_err(|_| {
                        AppError::invalid(
                            "parameter_invalid",
                            k.clone(),
                            format!("{k} must be a Unix timestamp in seconds."),
                        )
                    })?;
                    p.created.push((op, t));
                }
                other => {
                    let Some((name, column, allowed)) =
                        filters.iter().find(|(name, _, _)| *name == other)
                    else {
                        return Err(AppError::invalid(
                            "parameter_unknown",
                            other.to_owned(),
                            format!("Received unknown parameter: {other}"),
                        ));
                    };
                    if !allowed.is_empty() && !allowed.contains(&v.as_ref()) {
                        return Err(AppError::invalid(
                            "parameter_invalid",
                            *name,
                            format!("{name} must be one of: {}", allowed.join(", ")),
                        ));
                    }
                    p.filters.push((column, v.into_owned()));
                }
            }
        }
        if p.starting_after.is_some() && p.ending_before.is_some() {
            return Err(AppError::invalid(
                "parameter_conflict",
                "ending_before",
                "Use either starting_after or ending_before, not both.",
            ));
        }
        Ok(p)
    }

    /// Adds an equality filter on `column` (set by the server, e.g. the
    /// parent object of a nested list).
    #[must_use]
    pub fn with_filter(mut self, column: &'static str, value: String) -> Self {
        self.filters.push((column, value));
        self
    }

    /// Fetches one page of `table` for `merchant`, newest first, and returns
    /// the rows and `has_more`.
    pub async fn fetch(
        &self,
        pool: &AnyPool,
        table: &'static str,
        merchant: &str,
    ) -> Result<(Vec<AnyRow>, bool), AppError> {
        enum Arg {
            I(i64),
            S(String),
        }
        let mut args: Vec<Arg> = vec![Arg::S(merchant.to_owned())];
        let mut sql = format!("SELECT * FROM {table} WHERE merchant_id = $1");
        let mut ascending = false;
        for (cursor, param, op) in [
            (&self.starting_after, "starting_after", "<"),
            (&self.ending_before, "ending_before", ">"),
        ] {
            let Some(id) = cursor else { continue };
            let seq: Option<i64> = sqlx::query(&format!(
                "SELECT seq FROM {table} WHERE id = $1 AND merchant_id = $2"
            ))
            .bind(id)
            .bind(merchant)
            .fetch_optional(pool)
            .await?
            .map(|r| r.try_get("seq"))
            .transpose()?;
            let Some(seq) = seq else {
                return Err(AppError::invalid(
                    "resource_missing",
                    param,
                    format!("No such object for {param}: '{id}'"),
                ));
            };
            args.push(Arg::I(seq));
            sql.push_str(&format!(" AND seq {op} ${}", args.len()));
            ascending = op == ">";
        }
        for (op, t) in &self.created {
            args.push(Arg::I(*t));
            sql.push_str(&format!(" AND created_at {op} ${}", args.len()));
        }
        for (column, v) in &self.filters {
            args.push(Arg::S(v.clone()));
            sql.push_str(&format!(" AND {column} = ${}", args.len()));
        }
        sql.push_str(if ascending {
            " ORDER BY seq ASC"
        } else {
            " ORDER BY seq DESC"
        });
        sql.push_str(&format!(" LIMIT {}", self.limit + 1));
        let mut q = sqlx::query(&sql);
        for a in args {
            q = match a {
                Arg::I(i) => q.bind(i),
                Arg::S(s) => q.bind(s),
            };
        }
        let mut rows = q.fetch_all(pool).await?;
        let limit = usize::try_from(self.limit).unwrap_or(10);
        let has_more = rows.len() > limit;
        rows.truncate(limit);
        if ascending {
            rows.reverse();
        }
        Ok((rows, has_more))
    }
}

/// The list envelope.
fn list_body(url: &str, data: Vec<serde_json::Value>, has_more: bool) -> serde_json::Value {
    serde_json::json!({ "object": "list", "url": url, "has_more": has_more, "data": data })
}

/// A merchant-owned object type with its retrieve and list endpoints: one
/// place for "the merchant's row or 404" and for rendering a page.
#[derive(Debug, Clone, Copy)]
pub struct Resource {
    /// The table (rows carry `id`, `merchant_id`, `seq`, `created_at`).
    pub table: &'static str,
    /// The list endpoint's path, echoed in the list envelope.
    pub url: &'static str,
    /// The object name used in 404 messages.
    pub object: &'static str,
    /// Renders one row as its API object.
    pub to_json: fn(&AnyRow) -> Result<serde_json::Value, AppError>,
}

impl Resource {
    /// The object `id` of `merchant`; another merchant's object is a 404 too.
    pub async fn retrieve(
        &self,
        pool: &AnyPool,
        merchant: &str,
        id: &str,
    ) -> Result<Response, AppError> {
        let row = sqlx::query(&format!(
            "SELECT * FROM {} WHERE id = $1 AND merchant_id = $2",
            self.table
        ))
        .bind(id)
        .bind(merchant)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::not_found(self.object, id))?;
        Ok(axum::Json((self.to_json)(&row)?).into_response())
    }

    /// One page of `merchant`'s objects, in the list envelope.
    pub async fn list(
        &self,
        pool: &AnyPool,
        merchant: &str,
        params: &ListParams,
    ) -> Result<Response, AppError> {
        self.list_at(pool, merchant, params, self.url).await
    }

    /// [`Resource::list`] with the list's URL given (nested lists).
    pub async fn list_at(
        &self,
        pool: &AnyPool,
        merchant: &str,
        params: &ListParams,
        url: &str,
    ) -> Result<Response, AppError> {
        let (rows, has_more) = params.fetch(pool, self.table, merchant).await?;
        let data = rows
            .iter()
            .map(self.to_json)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(axum::Json(list_body(url, data, has_more)).into_response())
    }
}
