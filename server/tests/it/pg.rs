//! Throwaway Postgres and Redis servers for the tests: `initdb` + `pg_ctl`
//! in a temp dir on a free loopback port (as the `postgres` user when the
//! tests run as root, since initdb refuses root), and `redis-server --port N
//! --save ''`. One of each per test process, started on first use; a small
//! watchdog shell stops them when the test process exits. Never the machine's
//! own servers on the standard ports.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn pg_bin(name: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join(name).exists())
        .collect();
    dirs.sort();
    if let Some(d) = dirs.pop() {
        return d.join(name);
    }
    PathBuf::from(name) // from PATH
}

/// Runs `cmd` as the `postgres` user when we are root.
fn as_pg_user(program: &Path, args: &[&str]) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program).args(args);
        c
    } else {
        let mut c = Command::new(program);
        c.args(args);
        c
    }
}

#[allow(
    clippy::zombie_processes,
    reason = "the watchdog must outlive this process, to clean up after it"
)]
fn watchdog(cleanup: &str) {
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {cleanup}",
        pid = std::process::id()
    );
    Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn watchdog");
}

struct Pg {
    port: u16,
}

fn cluster() -> &'static Pg {
    static PG: OnceLock<Pg> = OnceLock::new();
    PG.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("paycore-pg-")
            .tempdir()
            .unwrap()
            .keep();
        let data = dir.join("data");
        let data_s = data.to_str().unwrap().to_owned();
        if is_root() {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres", dir.to_str().unwrap()])
                .status()
                .unwrap();
            assert!(ok.success(), "chown of the Postgres temp dir failed");
        }
        let out = as_pg_user(
            &pg_bin("initdb"),
            &[
                "-D",
                &data_s,
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        )
        .output()
        .expect("initdb (install the Debian package `postgresql`)");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = free_port();
        let opts = format!(
            "-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            dir = dir.display()
        );
        let log = dir.join("pg.log");
        let out = as_pg_user(
            &pg_bin("pg_ctl"),
            &[
                "-D",
                &data_s,
                "-o",
                &opts,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        )
        .output()
        .unwrap();
        assert!(
            out.status.success(),
            "pg_ctl start failed: {} {}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        let stop = if is_root() {
            format!(
                "runuser -u postgres -- {} -D {data_s} -m immediate stop; rm -rf {}",
                pg_bin("pg_ctl").display(),
                dir.display()
            )
        } else {
            format!(
                "{} -D {data_s} -m immediate stop; rm -rf {}",
                pg_bin("pg_ctl").display(),
                dir.display()
            )
        };
        watchdog(&stop);
        Pg { port }
    })
}

static DB_N: AtomicU64 = AtomicU64::new(0);

/// A new, empty database on the shared throwaway cluster; returns its URL.
pub async fn fresh_database() -> String {
    let pg = tokio::task::spawn_blocking(cluster).await.unwrap();
    let name = format!(
        "t{}_{}",
        std::process::id(),
        DB_N.fetch_add(1, Ordering::Relaxed)
    );
    let admin = format!("postgres://postgres@127.0.0.1:{}/postgres", pg.port);
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
        .await
        .unwrap();
    sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    format!("postgres://postgres@127.0.0.1:{}/{name}", pg.port)
}

/// A throwaway Redis for this test process; returns its URL.
#[allow(
    clippy::zombie_processes,
    reason = "lives as long as the test process; the watchdog kills it"
)]
pub fn redis() -> String {
    static REDIS: OnceLock<u16> = OnceLock::new();
    let port = *REDIS.get_or_init(|| {
        let port = free_port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server (install the Debian package `redis-server`)");
        watchdog(&format!("kill {}", child.id()));
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return port;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("redis-server did not start");
    });
    format!("redis://127.0.0.1:{port}/")
}
