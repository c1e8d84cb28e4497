//! docs/openapi.yaml and the server's routes must not drift apart: the same
//! set of (method, path) operations, every `$ref` resolves, and every
//! documented operation is routed by a live server (not 404 `route_unknown`,
//! not 405).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{Store, TestServer, idem};

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.yaml");
    let text = std::fs::read_to_string(path).expect("docs/openapi.yaml");
    serde_norway::from_str(&text).expect("openapi.yaml parses")
}

fn spec_operations(spec: &Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, _) in item.as_object().expect("path item") {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                ops.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

fn server_operations() -> BTreeSet<(String, String)> {
    let mut ops: BTreeSet<(String, String)> = paycore_server::api_routes()
        .into_iter()
        .map(|(m, p, _)| (m.to_string(), p.to_owned()))
        .collect();
    for (m, p) in paycore_server::PUBLIC_ROUTES {
        ops.insert(((*m).to_owned(), (*p).to_owned()));
    }
    ops
}

fn check_refs(doc: &Value, node: &Value, bad: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "$ref" {
                    let target = v.as_str().unwrap_or("");
                    let ok = target
                        .strip_prefix('#')
                        .and_then(|ptr| doc.pointer(ptr))
                        .is_some();
                    if !ok {
                        bad.push(target.to_owned());
                    }
                } else {
                    check_refs(doc, v, bad);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| check_refs(doc, v, bad)),
        _ => {}
    }
}

#[test]
fn spec_and_routes_match() {
    let spec = spec();
    assert_eq!(
        spec["openapi"].as_str().map(|v| v.starts_with("3.1")),
        Some(true)
    );
    let documented = spec_operations(&spec);
    let routed = server_operations();
    let missing: Vec<_> = routed.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&routed).collect();
    assert!(
        missing.is_empty(),
        "routes missing from docs/openapi.yaml: {missing:?}"
    );
    assert!(
        extra.is_empty(),
        "documented operations the server lacks: {extra:?}"
    );
    let mut bad = Vec::new();
    check_refs(&spec, &spec, &mut bad);
    assert!(bad.is_empty(), "unresolved $ref: {bad:?}");
}

#[tokio::test]
async fn documented_operations_are_routed() {
    let srv = TestServer::start(Store::Sqlite).await;
    let api = srv.sandbox("openapi").await;
    for (method, path) in spec_operations(&spec()) {
        let path = path.replace("{id}", "obj_unknown");
        let r = if method == "POST" {
            api.send(
                "POST",
                &path,
                &[("idempotency-key", &idem())],
                Some(b"{}".to_vec()),
            )
            .await
        } else {
            api.send(&method, &path, &[], None).await
        };
        assert_ne!(r.status, 405, "{method} {path}");
        assert_ne!(
            r.err("code"),
            "route_unknown",
            "{method} {path}: {}",
            r.text
        );
    }
}
