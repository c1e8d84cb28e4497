//! The binary itself: zero-setup start in an empty directory (SQLite file,
//! migrations, a sandbox key printed once), `keys create`, `--help`, and the
//! option tables of the docs (every option, its variable and default).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_paycore-server");

fn field<'a>(out: &'a str, name: &str) -> Option<&'a str> {
    out.lines()
        .find_map(|l| l.trim().strip_prefix(name))
        .map(|v| v.split_whitespace().next().unwrap_or(""))
}

#[test]
fn help_describes_every_option() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--listen",
        "--database-url",
        "--redis-url",
        "--db-max-connections",
        "--log-format",
        "--signature-window-secs",
        "--idempotency-ttl-secs",
        "--idempotency-lock-secs",
        "--no-bootstrap",
        "--webhook-schedule",
        "--webhook-timeout",
        "--webhook-disable-after",
        "--webhook-allow-private",
        "PAYCORE_WEBHOOK_SCHEDULE",
        "DATABASE_URL",
        "REDIS_URL",
        "PAYCORE_LISTEN",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}");
    }
}

#[test]
fn keys_create_mints_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .args(["keys", "create", "--merchant", "acme", "--plan", "growth"])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let key_id = field(&text, "key id:").unwrap();
    assert!(key_id.starts_with("key_test_"), "{text}");
    let secret = field(&text, "secret:").unwrap();
    assert_eq!(
        paycore::crypto::b64_decode(secret).map(|s| s.len()),
        Some(32)
    );
    assert!(dir.path().join("paycore.db").exists());

    // `--json`: one object, for scripts and the bindings' test fixtures.
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .args([
            "keys",
            "create",
            "--merchant",
            "json-co",
            "--plan",
            "scale",
            "--json",
        ])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["key_id"].as_str().unwrap().starts_with("key_test_"),
        "{v}"
    );
    assert!(v["merchant_id"].as_str().is_some());
    assert_eq!(v["algorithm"], "hmac-sha256");
    assert_eq!(
        paycore::crypto::b64_decode(v["secret"].as_str().unwrap()).map(|s| s.len()),
        Some(32)
    );

    let public = paycore::crypto::b64_encode(
        &paycore::crypto::Ed25519PrivateKey::from_random([9; 32])
            .public_key()
            .to_bytes(),
    );
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .args([
            "keys",
            "create",
            "--merchant",
            "acme",
            "--alg",
            "ed25519",
            "--public-key",
            &public,
        ])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        field(&text, "secret:").is_none(),
        "no secret for an ed25519 key"
    );
    let bad = Command::new(BIN)
        .current_dir(dir.path())
        .args(["keys", "create", "--merchant", "acme", "--alg", "ed25519"])
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!bad.status.success());
}

struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn zero_setup_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Kill(
        Command::new(BIN)
            .current_dir(dir.path())
            .args(["--listen", "127.0.0.1:0", "--log-format", "json"])
            .env_remove("DATABASE_URL")
            .env_remove("REDIS_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let stderr = child.0.stderr.take().unwrap();
    let (out, addr) = tokio::task::spawn_blocking(move || {
        let mut out = String::new();
        for line in BufReader::new(stdout).lines().take(5) {
            out.push_str(&line.unwrap());
            out.push('\n');
        }
        let mut lines = BufReader::new(stderr).lines();
        let mut addr = None;
        for line in lines.by_ref() {
            let line = line.unwrap();
            let v: serde_json::Value = serde_json::from_str(&line).expect("json log line");
            if let Some(a) = v["addr"].as_str() {
                addr = Some(a.to_owned());
                break;
            }
        }
        // Keep draining the log so the server never writes to a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        (out, addr.unwrap())
    })
    .await
    .unwrap();
    assert!(
        field(&out, "key id:").unwrap().starts_with("key_test_"),
        "{out}"
    );
    assert!(field(&out, "secret:").is_some(), "{out}");
    let health = crate::harness::http_client()
        .get(format!("http://{addr}/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert!(dir.path().join("paycore.db").exists());
    // The printed key works at once.
    let api = crate::harness::Api {
        client: crate::harness::http_client(),
        base: format!("http://{addr}"),
        key_id: field(&out, "key id:").unwrap().to_owned(),
        merchant_id: field(&out, "merchant:").unwrap().to_owned(),
        secret: crate::harness::Secret::Hmac(
            paycore::crypto::b64_decode(field(&out, "secret:").unwrap()).unwrap(),
        ),
    };
    let p = api.pay(crate::harness::CARD_OK, 1000, false).await;
    assert_eq!(p["status"], "succeeded");
    drop(child);

    // A second start on the same database prints no new key.
    let out = Command::new("timeout")
        .args(["1", BIN, "--listen", "127.0.0.1:0"])
        .current_dir(dir.path())
        .env_remove("DATABASE_URL")
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("key id:"),
        "a key is printed only on an empty database"
    );
}

/// The cells of a Markdown table row (`\|` inside a cell is not a border).
fn cells(row: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut escaped = false;
    for c in row.trim().trim_start_matches('|').chars() {
        match c {
            '|' if !escaped => out.push(std::mem::take(&mut cell).trim().to_owned()),
            _ => cell.push(c),
        }
        escaped = c == '\\';
    }
    out
}

/// The option tables of the server README and of the operations page list
/// every server option with its environment variable and default, and no
/// option the server does not have.
#[test]
fn the_option_tables_in_the_docs_match_the_options() {
    use clap::CommandFactory;
    let cmd = paycore_server::config::Cli::command();
    // (flag, variable, default): "off" for a switch, "unset" for none.
    let options: Vec<(String, String, String)> = cmd
        .get_arguments()
        .filter_map(|a| {
            let env = a.get_env()?.to_str()?.to_owned();
            let default = if a.get_action().takes_values() {
                a.get_default_values()
                    .first()
                    .and_then(|d| d.to_str())
                    .unwrap_or("unset")
                    .to_owned()
            } else {
                "off".to_owned()
            };
            Some((
                format!("`--{}`", a.get_long()?),
                format!("`{env}`"),
                default,
            ))
        })
        .collect();
    assert!(options.len() >= 20, "{options:?}");
    for doc in ["README.md", "../docs/pages/operations/server.md"] {
        let path = format!("{}/{doc}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        let rows: Vec<Vec<String>> = text
            .lines()
            .filter(|l| l.starts_with("| `--"))
            .map(cells)
            .collect();
        for (flag, env, default) in &options {
            let row = rows
                .iter()
                .find(|r| &r[0] == flag)
                .unwrap_or_else(|| panic!("{doc} has no row for {flag}"));
            assert_eq!(&row[1], env, "{doc}: the variable of {flag}");
            // An empty default (a list) means built-in values, said in words.
            if !default.is_empty() {
                let documented = row[2].trim_matches('`');
                assert_eq!(documented, default, "{doc}: the default of {flag}");
            }
        }
        for row in &rows {
            assert!(
                options.iter().any(|(f, _, _)| f == &row[0]),
                "{doc} documents {}, which the server does not have",
                row[0]
            );
        }
    }
}
