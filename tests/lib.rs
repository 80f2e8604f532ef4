//! Helpers for the end-to-end tests: find the built `aworker` executable and drive it.
//!
//! The executable is the one cargo built for this profile, next to the test binary's
//! `deps/` folder (`runtime/tests/cli.rs` is an integration test of the runtime package, so
//! `cargo test --workspace` always builds it first). `AWORKER_BIN` overrides the path.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The `aworker` executable under test.
pub fn aworker_bin() -> PathBuf {
    if let Some(path) = std::env::var_os("AWORKER_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("the test binary knows its path");
    // target/<profile>/deps/e2e-<hash> -> target/<profile>/aworker
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test binary is in deps/");
    let bin = profile_dir.join("aworker");
    assert!(
        bin.exists(),
        "{} does not exist: build it with `cargo build -p aworker` (cargo test --workspace does)",
        bin.display()
    );
    bin
}

/// A file under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A file under the repository's `examples/`.
pub fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(name)
}

/// Runs `aworker` with `args` to completion (at most 30 s).
pub fn run_aworker(args: &[&str]) -> Output {
    let mut child = Command::new(aworker_bin())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("aworker starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().expect("wait works").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("aworker {args:?} did not finish within 30 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("output is readable")
}

/// A running `aworker serve` on an ephemeral port; killed on drop.
pub struct Server {
    child: Child,
    pub base: String,
    stderr: Arc<Mutex<String>>,
    stdout: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `aworker serve <script> --port 0 <extra>` and waits until it listens.
    pub fn start(script: &Path, extra: &[&str]) -> Server {
        Self::spawn(&[script.as_os_str()], extra)
    }

    /// Starts `aworker serve --snapshot <file> --port 0 <extra>` and waits until it listens.
    pub fn start_snapshot(snapshot: &Path, extra: &[&str]) -> Server {
        Self::spawn(&["--snapshot".as_ref(), snapshot.as_os_str()], extra)
    }

    fn spawn(source: &[&std::ffi::OsStr], extra: &[&str]) -> Server {
        let mut child = Command::new(aworker_bin())
            .arg("serve")
            .args(source)
            .args(["--port", "0"])
            .args(extra)
            .env(
                "AWORKER_LOG",
                std::env::var("AWORKER_LOG").unwrap_or_else(|_| "info".into()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("aworker starts");

        let stderr = Arc::new(Mutex::new(String::new()));
        let stdout = Arc::new(Mutex::new(String::new()));
        collect(child.stdout.take().expect("piped"), stdout.clone());
        let (sender, receiver) = std::sync::mpsc::channel();
        let mut lines = BufReader::new(child.stderr.take().expect("piped"));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut line = String::new();
            let mut sent = false;
            while lines.read_line(&mut line).unwrap_or(0) > 0 {
                if !sent {
                    if let Some(rest) = line.trim().strip_prefix("Listening on ") {
                        let _ = sender.send(rest.trim_end_matches('/').to_string());
                        sent = true;
                    }
                }
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });

        match receiver.recv_timeout(Duration::from_secs(30)) {
            Ok(base) => Server {
                child,
                base,
                stderr,
                stdout,
            },
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(50));
                panic!(
                    "aworker serve did not start; stderr:\n{}",
                    stderr.lock().unwrap()
                );
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Everything the server wrote to stdout so far.
    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// Waits (at most 5 s) until stderr contains `needle`; returns whether it did.
    pub fn wait_for_stderr(&self, needle: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if self.stderr().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    /// Waits up to `timeout` for the process to exit; its exit code, if it did.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("wait works") {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("wait works").is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect(mut pipe: impl Read + Send + 'static, sink: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        let mut buffer = [0; 4096];
        while let Ok(n) = pipe.read(&mut buffer) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    });
}

/// The `Threads:` count of a process, from `/proc/<pid>/status`.
pub fn thread_count(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("process exists");
    status
        .lines()
        .find_map(|line| line.strip_prefix("Threads:"))
        .and_then(|count| count.trim().parse().ok())
        .expect("/proc status has a Threads line")
}
