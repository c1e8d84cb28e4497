//! Redis, when `REDIS_URL` is set: one connection manager (reconnecting,
//! multiplexed) shared by the nonce store and the rate limiter, so several
//! server instances share nonces and limits.

use redis::aio::ConnectionManager;

/// Opens a connection manager (and checks the server answers).
pub async fn connect(url: &str) -> Result<ConnectionManager, redis::RedisError> {
    let client = redis::Client::open(url)?;
    let mut conn = client.get_connection_manager().await?;
    let _: String = redis::cmd("PING").query_async(&mut conn).await?;
    Ok(conn)
}

/// Records `key` until `expires_at_unix` if it is absent (`SET NX EXAT`):
/// `true` if it was recorded now, `false` if it was already there.
pub async fn set_once(
    conn: &ConnectionManager,
    key: &str,
    expires_at_unix: i64,
) -> Result<bool, redis::RedisError> {
    let mut conn = conn.clone();
    let set: Option<String> = redis::cmd("SET")
        .arg(key)
        .arg(1)
        .arg("NX")
        .arg("EXAT")
        .arg(expires_at_unix)
        .query_async(&mut conn)
        .await?;
    Ok(set.is_some())
}
