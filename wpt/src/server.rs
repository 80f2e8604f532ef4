//! The WPT server: `wpt/serve.py` (wptserve from PyPI) started for one run, stopped on drop.
//!
//! The script picks free loopback ports and prints them on a ready line; we wait for that
//! line, then fetch test files from it. Stopping closes its stdin (it then shuts its stash
//! process down cleanly) and kills it if it has not exited shortly after.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};

/// The host name WPT's tests are served under; the runtime resolves it (and every
/// subdomain) to 127.0.0.1 under `--resolve-to-loopback`.
pub const BROWSER_HOST: &str = "web-platform.test";

const READY_PREFIX: &str = "aworker-wpt-serve ready ";
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Bytes of the server's stderr kept for error messages.
const LOG_TAIL: usize = 16 * 1024;

/// How to start the server.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// The WPT checkout to serve.
    pub wpt_root: PathBuf,
    /// The Python that has `wptserve` installed (`python3` unless `WPT_PYTHON` says).
    pub python: PathBuf,
    /// Copy the server's stderr (warnings, handler errors) to ours.
    pub echo_log: bool,
    /// Log every request too.
    pub log_requests: bool,
}

/// The ready line: every scheme's ports, as `{{ports[scheme][i]}}` substitutes them.
type Ready = BTreeMap<String, Vec<u16>>;

/// The port numbers results are reported with, whatever ports this run got: those of WPT's
/// default configuration, so that subtest names that contain a URL are the same in every run
/// (and as on wpt.fyi) and can be kept in the expectations.
const CANONICAL_PORTS: &[(&str, &[u16])] = &[
    ("http", &[8000, 8001]),
    ("https", &[8443, 8444]),
    ("ws", &[8880]),
    ("wss", &[8889]),
    ("h2", &[9000]),
    ("webtransport-h3", &[11000]),
];

/// A running WPT server.
pub struct WptServer {
    child: Child,
    stdin: Option<ChildStdin>,
    log: Arc<Mutex<String>>,
    /// The test origin's port, `{{ports[http][0]}}`.
    pub http_port: u16,
    /// The "other origin" port, `{{ports[http][1]}}`.
    pub http_port_2: u16,
    /// `:actual` to `:canonical` for every port of the run.
    canonical: Vec<(String, String)>,
}

impl WptServer {
    /// Starts `serve.py` and waits until it listens.
    pub fn start(options: &ServerOptions) -> Result<WptServer> {
        let script = serve_script();
        let mut command = Command::new(&options.python);
        command
            .arg(&script)
            .arg("--root")
            .arg(&options.wpt_root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if options.log_requests {
            command.arg("--verbose");
        }
        let mut child = command.spawn().with_context(|| {
            format!(
                "starting the WPT server: {} {} (set WPT_PYTHON to a Python with wptserve; \
                 ci/install-wpt installs it)",
                options.python.display(),
                script.display()
            )
        })?;

        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("stderr is piped");
        drain_into(stderr, Arc::clone(&log), options.echo_log);

        let stdout = child.stdout.take().expect("stdout is piped");
        let (ready_tx, ready_rx) = mpsc::channel();
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            for line in lines.by_ref() {
                let Ok(line) = line else { break };
                if let Some(json) = line.strip_prefix(READY_PREFIX) {
                    let _ = ready_tx.send(json.to_string());
                    break;
                }
            }
            // Keep reading so that the server never blocks on a full pipe.
            for _ in lines {}
        });

        let stdin = child.stdin.take();
        let mut server = WptServer {
            child,
            stdin,
            log,
            http_port: 0,
            http_port_2: 0,
            canonical: Vec::new(),
        };
        let deadline = Instant::now() + START_TIMEOUT;
        let ready = loop {
            match ready_rx.recv_timeout(Duration::from_millis(100)) {
                Ok(json) => break json,
                Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() < deadline => {
                    if let Some(status) = server.child.try_wait()? {
                        bail!(
                            "the WPT server exited ({status}) before it was ready:\n{}",
                            server.log()
                        );
                    }
                }
                Err(_) => bail!(
                    "the WPT server was not ready within 30 s:\n{}",
                    server.log()
                ),
            }
        };
        let ready: Ready = serde_json::from_str(&ready)
            .with_context(|| format!("reading the WPT server's ready line: {ready}"))?;
        let http = ready.get("http").map(Vec::as_slice).unwrap_or_default();
        let [first, second] = http[..] else {
            bail!("the WPT server reported {} http ports, not 2", http.len());
        };
        server.http_port = first;
        server.http_port_2 = second;
        server.canonical = canonical_ports(&ready);
        Ok(server)
    }

    /// `text` with this run's port numbers replaced by the canonical ones (`:8000`).
    pub fn canonicalize(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (actual, canonical) in &self.canonical {
            if text.contains(actual.as_str()) {
                text = replace_port(&text, actual, canonical);
            }
        }
        text
    }

    /// `http://web-platform.test:<port>`, the origin tests run in.
    pub fn origin(&self) -> String {
        format!("http://{BROWSER_HOST}:{}", self.http_port)
    }

    /// The test-origin URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin())
    }

    /// GETs `url` (on any of the server's hosts) from the server on loopback, with the
    /// `Host` the URL names so that `.sub.js` substitution sees what a browser would send.
    pub fn fetch(&self, url: &str) -> Result<Vec<u8>> {
        let parsed = url::Url::parse(url).with_context(|| format!("invalid URL {url}"))?;
        let port = parsed.port_or_known_default().unwrap_or(80);
        if port != self.http_port && port != self.http_port_2 {
            bail!(
                "{url} is not on the WPT server (ports {}, {})",
                self.http_port,
                self.http_port_2
            );
        }
        let mut loopback = parsed.clone();
        loopback
            .set_host(Some("127.0.0.1"))
            .map_err(|e| anyhow!("{url}: {e}"))?;
        let host = format!("{}:{port}", parsed.host_str().unwrap_or(BROWSER_HOST));

        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .http_status_as_error(false)
            .proxy(None)
            .build()
            .into();
        let mut response = agent
            .get(loopback.as_str())
            .header("Host", &host)
            .call()
            .with_context(|| format!("GET {url}"))?;
        let status = response.status();
        if !status.is_success() {
            bail!("GET {url}: the WPT server answered {status}");
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .with_context(|| format!("GET {url}: reading the body"))?;
        Ok(body)
    }

    /// The tail of the server's stderr.
    pub fn log(&self) -> String {
        self.log.lock().map(|log| log.clone()).unwrap_or_default()
    }
}

impl Drop for WptServer {
    fn drop(&mut self) {
        // Closing stdin asks the script to stop its servers and its stash process.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn canonical_ports(ready: &Ready) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for (scheme, canonical) in CANONICAL_PORTS {
        let Some(actual) = ready.get(*scheme) else {
            continue;
        };
        for (actual, canonical) in actual.iter().zip(canonical.iter()) {
            pairs.push((format!(":{actual}"), format!(":{canonical}")));
        }
    }
    pairs
}

/// Replaces `:port` where no digit follows (`:40123` must not match inside `:401234`).
fn replace_port(text: &str, actual: &str, canonical: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(actual) {
        let after = &rest[at + actual.len()..];
        out.push_str(&rest[..at]);
        if after.starts_with(|c: char| c.is_ascii_digit()) {
            out.push_str(actual);
        } else {
            out.push_str(canonical);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `wpt/serve.py`, next to this crate's manifest.
pub fn serve_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("serve.py")
}

/// Reads `from` to its end on a thread, keeping the last [`LOG_TAIL`] bytes in `log`, and
/// echoing to our stderr when `echo` is set.
fn drain_into(mut from: impl Read + Send + 'static, log: Arc<Mutex<String>>, echo: bool) {
    thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = from.read(&mut buf) {
            if n == 0 {
                break;
            }
            let text = String::from_utf8_lossy(&buf[..n]);
            if echo {
                eprint!("{text}");
            }
            if let Ok(mut log) = log.lock() {
                log.push_str(&text);
                if log.len() > 2 * LOG_TAIL {
                    let mut cut = log.len() - LOG_TAIL;
                    while !log.is_char_boundary(cut) {
                        cut += 1;
                    }
                    log.drain(..cut);
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_ports_become_wpt_default_ports() {
        let ready: Ready = serde_json::from_str(r#"{"http":[40123,40124],"https":[5001,5002]}"#)
            .expect("valid JSON");
        let pairs = canonical_ports(&ready);
        let apply = |text: &str| {
            pairs
                .iter()
                .fold(text.to_string(), |t, (a, c)| replace_port(&t, a, c))
        };
        assert_eq!(
            apply("http://web-platform.test:40123/a and http://www1.web-platform.test:40124#x"),
            "http://web-platform.test:8000/a and http://www1.web-platform.test:8001#x"
        );
        assert_eq!(
            apply("https://h:5002/ :401234 :40123"),
            "https://h:8444/ :401234 :8000"
        );
    }
}
