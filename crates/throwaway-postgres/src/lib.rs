//! A throwaway PostgreSQL cluster for tests, benchmarks and the chaos program: `initdb` in a
//! temporary directory, `postgres` on a free loopback port, run as a non-root user, gone when
//! the process that started it exits.
//!
//! Needs PostgreSQL's server binaries (Debian: `apt-get install postgresql`; `.ci/run` installs
//! them). They are found through `POSTGRES_BIN` (a folder), else the newest
//! `/usr/lib/postgresql/<version>/bin`, else `pg_config --bindir`. Run as root, the cluster
//! runs as the user `postgres` (PostgreSQL refuses to run as root); the Debian package creates
//! that user. Every failure says what was missing and how to get it: nothing is skipped.
//!
//! ```no_run
//! let cluster = throwaway_postgres::shared();
//! let url = cluster.new_database(); // postgres://bot@127.0.0.1:PORT/t_1
//! ```

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The role every database belongs to (trust authentication on loopback only).
pub const USER: &str = "bot";

/// A running cluster. Dropping it (or the process exiting, even by a kill) stops the server
/// and removes its directory.
pub struct Cluster {
    port: u16,
    bin: PathBuf,
    socket_dir: PathBuf,
    run_as: Option<String>,
    databases: AtomicU64,
    /// The guard's stdin: when this end closes (drop or process exit), the guard stops
    /// `postgres` and removes the directory.
    guard: Mutex<Option<(Child, ChildStdin)>>,
}

/// The cluster this process shares between its tests, started on first use.
///
/// Panics with what to do when PostgreSQL cannot be started.
pub fn shared() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| Cluster::start().unwrap_or_else(|e| panic!("{e}")))
}

impl Cluster {
    /// Starts a new cluster; the error says what is missing.
    pub fn start() -> Result<Cluster, String> {
        let bin = find_bin()?;
        let run_as = if is_root() {
            Some(std::env::var("POSTGRES_RUN_AS").unwrap_or_else(|_| "postgres".into()))
        } else {
            None
        };
        let dir = std::env::temp_dir().join(format!(
            "throwaway-postgres-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        if let Some(user) = &run_as {
            let status = Command::new("chown")
                .arg(user)
                .arg(&dir)
                .status()
                .map_err(|e| format!("running chown: {e}"))?;
            if !status.success() {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(format!(
                    "PostgreSQL cannot run as root, and the user {user:?} to run it as does not exist (the Debian package `postgresql` creates `postgres`; or set POSTGRES_RUN_AS to another user)"
                ));
            }
        }
        let data = dir.join("data");
        let socket_dir = dir.clone();
        let initdb = run_as_user(&run_as, &bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C",
            ])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("running {}: {e}", bin.join("initdb").display()))?;
        if !initdb.status.success() {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&initdb.stderr).trim()
            ));
        }
        let port = free_port()?;
        // The guard: starts postgres, waits for its stdin to close, then stops postgres (fast
        // shutdown) and removes the directory. A killed test process closes the pipe too.
        let script = r#"
            "$1" -D "$2" -p "$3" -k "$4" -c listen_addresses=127.0.0.1 -c fsync=off \
                -c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB \
                >"$4/server.log" 2>&1 &
            pid=$!
            echo started
            cat >/dev/null
            kill -INT "$pid" 2>/dev/null
            wait "$pid"
            rm -rf "$4"
        "#;
        let mut guard = run_as_user(&run_as, Path::new("sh"))
            .arg("-c")
            .arg(script)
            .arg("guard")
            .arg(bin.join("postgres"))
            .arg(&data)
            .arg(port.to_string())
            .arg(&socket_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("starting postgres: {e}"))?;
        let stdin = guard.stdin.take().expect("piped");
        let mut line = String::new();
        let _ = BufReader::new(guard.stdout.take().expect("piped")).read_line(&mut line);
        let cluster = Cluster {
            port,
            bin,
            socket_dir,
            run_as,
            databases: AtomicU64::new(0),
            guard: Mutex::new(Some((guard, stdin))),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() || !cluster.ready() {
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(cluster.socket_dir.join("server.log"))
                    .unwrap_or_default();
                return Err(format!(
                    "PostgreSQL did not start within 30 s on port {port}: {}",
                    log.trim()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(cluster)
    }

    fn ready(&self) -> bool {
        Command::new(self.bin.join("pg_isready"))
            .args([
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                USER,
            ])
            .status()
            .is_ok_and(|s| s.success())
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL of a database on this cluster (which may not exist yet).
    pub fn url(&self, database: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates a new, empty database and returns its URL.
    pub fn new_database(&self) -> String {
        let name = format!("t_{}", self.databases.fetch_add(1, Ordering::SeqCst) + 1);
        self.create_database(&name)
            .unwrap_or_else(|e| panic!("creating the PostgreSQL database {name}: {e}"));
        self.url(&name)
    }

    /// Creates the database `name`.
    pub fn create_database(&self, name: &str) -> Result<(), String> {
        let out = Command::new(self.bin.join("createdb"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                USER,
                name,
            ])
            .output()
            .map_err(|e| format!("running createdb: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    /// Runs SQL with `psql` on `database` and returns what it printed (unaligned, no headers).
    pub fn psql(&self, database: &str, sql: &str) -> Result<String, String> {
        let out = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", USER])
            .args(["-d", database, "-c", sql])
            .output()
            .map_err(|e| format!("running psql: {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
        }
    }

    /// Whether the cluster runs as another user than this process (run as root).
    pub fn runs_as(&self) -> Option<&str> {
        self.run_as.as_deref()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Some((mut child, stdin)) = self.guard.lock().ok().and_then(|mut g| g.take()) {
            drop(stdin);
            let _ = child.wait();
        }
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn run_as_user(run_as: &Option<String>, program: &Path) -> Command {
    match run_as {
        Some(user) => {
            let mut c = Command::new("runuser");
            c.args(["-u", user, "--"]).arg(program);
            c
        }
        None => Command::new(program),
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("finding a free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("finding a free port: {e}"))
}

/// The folder holding `initdb` and `postgres`.
fn find_bin() -> Result<PathBuf, String> {
    const HOW: &str = "PostgreSQL's server programs (initdb, postgres) were not found. Install them (Debian: `apt-get install postgresql`; .ci/run does this) or set POSTGRES_BIN to the folder that holds them";
    if let Some(dir) = std::env::var_os("POSTGRES_BIN") {
        let dir = PathBuf::from(dir);
        return if dir.join("initdb").exists() {
            Ok(dir)
        } else {
            Err(format!(
                "POSTGRES_BIN={} holds no initdb. {HOW}",
                dir.display()
            ))
        };
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if out.status.success() && dir.join("initdb").exists() {
            return Ok(dir);
        }
    }
    Err(HOW.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cluster_starts_answers_and_is_gone_after_drop() {
        let cluster = Cluster::start().unwrap_or_else(|e| panic!("{e}"));
        let url = cluster.new_database();
        assert!(url.starts_with("postgres://bot@127.0.0.1:"), "{url}");
        let name = url.rsplit('/').next().unwrap();
        assert_eq!(cluster.psql(name, "SELECT 40 + 2").unwrap().trim(), "42");
        let dir = cluster.socket_dir.clone();
        let port = cluster.port;
        drop(cluster);
        assert!(!dir.exists(), "{} is removed", dir.display());
        assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err());
    }
}
