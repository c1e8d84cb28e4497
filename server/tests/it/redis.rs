//! The Redis helpers against a throwaway redis-server.

use crate::pg;

#[tokio::test]
async fn set_once_is_single_use() {
    let conn = paycore_server::redis_store::connect(&pg::redis())
        .await
        .unwrap();
    let expires = paycore_server::db::now_unix() + 60;
    let key = format!("test:nonce:{}", crate::harness::idem());
    assert!(
        paycore_server::redis_store::set_once(&conn, &key, expires)
            .await
            .unwrap()
    );
    assert!(
        !paycore_server::redis_store::set_once(&conn, &key, expires)
            .await
            .unwrap()
    );
    let other = format!("{key}-2");
    assert!(
        paycore_server::redis_store::set_once(&conn, &other, expires)
            .await
            .unwrap()
    );
}
