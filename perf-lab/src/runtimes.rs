//! The runtimes under test, where their executables are found, and how each serves an app.
//!
//! Every runtime serves the same two apps (`perf-lab/apps/<runtime>/`): hello world and a
//! 64 KiB body built once at start-up. A runtime whose executable is not found is kept in the
//! list as missing, with the reason and the fix, so a report never silently drops a peer.

use std::env;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

/// The apps every runtime serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum App {
    Hello,
    Body64k,
}

impl App {
    pub fn name(self) -> &'static str {
        match self {
            App::Hello => "hello",
            App::Body64k => "body64k",
        }
    }

    /// The body every server must answer with; checked before measuring.
    pub fn expected_body_len(self) -> usize {
        match self {
            App::Hello => "Hello, world!".len(),
            App::Body64k => 65536,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Aworker,
    Node,
    /// Node started from a user-land snapshot (`--snapshot-blob`); start-up scenarios only.
    NodeSnapshot,
    Deno,
    Bun,
    Workerd,
}

/// Whether a runtime takes part in throughput runs, or only in start-up and memory ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Server,
    StartupVariant,
}

/// A runtime as found on this machine.
#[derive(Clone, Debug)]
pub struct Runtime {
    pub name: &'static str,
    pub kind: Kind,
    pub role: Role,
    /// The executable; `None` when missing.
    pub program: Option<PathBuf>,
    /// Why the runtime is missing, with the fix.
    pub missing: Option<String>,
    pub version: Option<String>,
}

/// How to start one server: program, arguments and environment, run from the workspace root.
#[derive(Clone, Debug)]
pub struct Launch {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

impl Launch {
    /// The command line as a shell would take it, paths relative to `root`, the port shown
    /// as `$PORT`, and pinned to `cpu` with taskset when given.
    pub fn display(&self, root: &Path, port: u16, cpu: Option<usize>) -> String {
        let mut s = String::new();
        for (k, v) in &self.env {
            let _ = write!(s, "{k}={v} ");
        }
        if let Some(cpu) = cpu {
            let _ = write!(s, "taskset -c {cpu} ");
        }
        s.push_str(&shown_path(&self.program, root));
        for a in &self.args {
            s.push(' ');
            s.push_str(&shell_word(&shown_path(Path::new(a), root)));
        }
        let port = port.to_string();
        s.replace(&format!("PORT={port} "), "PORT=$PORT ")
            .replace(&format!("--port {port}"), "--port $PORT")
            .replace(&format!("127.0.0.1:{port}"), "127.0.0.1:$PORT")
    }
}

/// Where to look for executables.
pub struct Locations<'a> {
    pub root: &'a Path,
    pub aworker: &'a Path,
    pub peers: &'a Path,
}

impl Runtime {
    /// All runtimes, found or missing, the subject first.
    pub fn discover(loc: &Locations) -> Vec<Runtime> {
        let node = find_on_path("node");
        let peer = |name: &str| {
            let in_peers = loc.peers.join("node_modules/.bin").join(name);
            if is_executable(&in_peers) {
                Ok(in_peers)
            } else {
                find_on_path(name).ok_or_else(|| {
                    format!(
                        "{name} not found in {} nor on PATH; run ci/install-peers",
                        { shown_path(&loc.peers.join("node_modules/.bin"), loc.root) }
                    )
                })
            }
        };

        let aworker = if is_executable(loc.aworker) {
            Ok(loc.aworker.to_path_buf())
        } else {
            Err(format!(
                "{} not found; build it with `cargo build --release -p aworker`",
                shown_path(loc.aworker, loc.root)
            ))
        };
        let node = node.ok_or_else(|| "node not found on PATH".to_string());

        let found = [
            ("aworker", Kind::Aworker, Role::Server, aworker),
            ("node", Kind::Node, Role::Server, node.clone()),
            (
                "node-snapshot",
                Kind::NodeSnapshot,
                Role::StartupVariant,
                node,
            ),
            ("deno", Kind::Deno, Role::Server, peer("deno")),
            ("bun", Kind::Bun, Role::Server, peer("bun")),
            ("workerd", Kind::Workerd, Role::Server, peer("workerd")),
        ];
        found
            .into_iter()
            .map(|(name, kind, role, program)| {
                let version = program.as_ref().ok().and_then(|p| version_of(kind, p));
                let (program, missing) = match program {
                    Ok(p) => (Some(p), None),
                    Err(why) => (None, Some(why)),
                };
                Runtime {
                    name,
                    kind,
                    role,
                    program,
                    missing,
                    version,
                }
            })
            .collect()
    }

    pub fn is_available(&self) -> bool {
        self.program.is_some()
    }

    /// The command that serves `app` on 127.0.0.1:`port`.
    ///
    /// `snapshot_blob` is the Node snapshot built by [`build_node_snapshot`]; only the
    /// `node-snapshot` runtime uses it.
    pub fn launch(&self, app: App, port: u16, root: &Path, snapshot: &Path) -> Result<Launch> {
        let Some(program) = self.program.clone() else {
            bail!("{} is missing", self.name);
        };
        let apps = root.join("perf-lab/apps");
        let script = |dir: &str| apps.join(dir).join(format!("{}.js", app.name()));
        let port_s = port.to_string();
        let mut env = vec![
            ("HOST".into(), "127.0.0.1".into()),
            ("PORT".into(), port_s.clone()),
        ];
        let s = |p: PathBuf| p.to_string_lossy().into_owned();

        let args = match self.kind {
            Kind::Aworker => {
                env = vec![("AWORKER_LOG".into(), "warn".into())];
                let host = "127.0.0.1".to_string();
                vec!["serve".into(), s(script("aworker")), "--host".into(), host]
                    .into_iter()
                    .chain(["--port".into(), port_s])
                    .collect()
            }
            Kind::Node => vec![s(script("node"))],
            Kind::NodeSnapshot => {
                if app != App::Hello {
                    bail!("node-snapshot only serves the hello app");
                }
                vec!["--snapshot-blob".into(), s(snapshot.to_path_buf())]
            }
            Kind::Deno => {
                env = vec![("DENO_NO_UPDATE_CHECK".into(), "1".into())];
                let serve = ["serve", "--host", "127.0.0.1", "--port"];
                serve
                    .into_iter()
                    .map(String::from)
                    .chain([port_s, s(script("deno"))])
                    .collect()
            }
            Kind::Bun => vec![s(script("bun"))],
            Kind::Workerd => {
                env.clear();
                let config = s(apps.join("workerd/config.capnp"));
                let socket = format!("http=127.0.0.1:{port}");
                let args = [
                    "serve".into(),
                    config,
                    app.name().into(),
                    "--socket-addr".into(),
                ];
                args.into_iter().chain([socket]).collect()
            }
        };
        Ok(Launch { program, args, env })
    }
}

impl Runtime {
    /// Whether this runtime can run a plain script to its end (the `micro` scenario); `Err`
    /// says why not.
    pub fn script_support(&self) -> Result<(), String> {
        match self.kind {
            Kind::Aworker | Kind::Node | Kind::Deno | Kind::Bun => Ok(()),
            Kind::NodeSnapshot => Err("a start-up variant of node; scripts run on node".into()),
            Kind::Workerd => Err(
                "workerd only serves workers declared in a capnp config; it cannot run a plain \
                 script to its end"
                    .into(),
            ),
        }
    }

    /// The command that runs `script`, a plain script, until it ends.
    pub fn run_script(&self, script: &Path) -> Result<Launch> {
        let Some(program) = self.program.clone() else {
            bail!("{} is missing", self.name);
        };
        if let Err(why) = self.script_support() {
            bail!("{} cannot run a script: {why}", self.name);
        }
        let script = script.to_string_lossy().into_owned();
        let (args, env) = match self.kind {
            Kind::Aworker => (
                vec!["run".into(), script],
                vec![("AWORKER_LOG".into(), "warn".into())],
            ),
            // No permission flags: the suites use Web APIs only.
            Kind::Deno => (
                vec!["run".into(), script],
                vec![("DENO_NO_UPDATE_CHECK".into(), "1".into())],
            ),
            _ => (vec![script], Vec::new()),
        };
        Ok(Launch { program, args, env })
    }
}

/// Builds the Node start-up snapshot of the hello app into `blob`; returns the command used.
pub fn build_node_snapshot(node: &Path, root: &Path, blob: &Path) -> Result<String> {
    let entry = root.join("perf-lab/apps/node/snapshot-entry.js");
    let out = Command::new(node)
        .arg("--snapshot-blob")
        .arg(blob)
        .arg("--build-snapshot")
        .arg(&entry)
        .current_dir(root)
        .output()
        .with_context(|| format!("cannot run {}", node.display()))?;
    if !out.status.success() {
        bail!(
            "node --build-snapshot failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(format!(
        "node --snapshot-blob {} --build-snapshot {}",
        shown_path(blob, root),
        shown_path(&entry, root)
    ))
}

fn version_of(kind: Kind, program: &Path) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next()?.trim();
    let version = match kind {
        Kind::Node | Kind::NodeSnapshot | Kind::Bun => first.trim_start_matches('v').to_string(),
        _ => first.to_string(),
    };
    (!version.is_empty()).then_some(version)
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The first executable called `name` on PATH.
pub fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

/// `path` relative to `root` when inside it, otherwise as is.
pub fn shown_path(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// Quotes a word for a POSIX shell when it needs it.
pub fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime(kind: Kind) -> Runtime {
        Runtime {
            name: "x",
            kind,
            role: Role::Server,
            program: Some(PathBuf::from("/bin/x")),
            missing: None,
            version: None,
        }
    }

    #[test]
    fn aworker_launch_follows_the_contract() {
        let root = Path::new("/w");
        let l = runtime(Kind::Aworker)
            .launch(App::Hello, 8080, root, Path::new(""))
            .unwrap();
        assert_eq!(
            l.display(root, 8080, Some(0)),
            "AWORKER_LOG=warn taskset -c 0 /bin/x serve perf-lab/apps/aworker/hello.js \
             --host 127.0.0.1 --port $PORT"
        );
        assert_eq!(l.args.last().map(String::as_str), Some("8080"));
    }

    #[test]
    fn workerd_picks_the_config_by_name() {
        let root = Path::new("/w");
        let l = runtime(Kind::Workerd)
            .launch(App::Body64k, 9, root, Path::new(""))
            .unwrap();
        assert_eq!(
            l.display(root, 9, None),
            "/bin/x serve perf-lab/apps/workerd/config.capnp body64k --socket-addr \
             http=127.0.0.1:$PORT"
        );
    }

    #[test]
    fn node_snapshot_serves_hello_only() {
        let r = runtime(Kind::NodeSnapshot);
        let root = Path::new("/w");
        assert!(r.launch(App::Body64k, 1, root, Path::new("/w/b")).is_err());
        let l = r.launch(App::Hello, 1, root, Path::new("/w/b")).unwrap();
        assert_eq!(
            l.display(root, 1, None),
            "HOST=127.0.0.1 PORT=$PORT /bin/x --snapshot-blob b"
        );
    }

    #[test]
    fn scripts_run_where_they_can() {
        let root = Path::new("/w");
        let script = Path::new("/w/raw/micro/events.js");
        let deno = runtime(Kind::Deno).run_script(script).unwrap();
        assert_eq!(
            deno.display(root, 0, None),
            "DENO_NO_UPDATE_CHECK=1 /bin/x run raw/micro/events.js"
        );
        let node = runtime(Kind::Node).run_script(script).unwrap();
        assert_eq!(node.display(root, 0, None), "/bin/x raw/micro/events.js");
        assert!(runtime(Kind::Workerd).script_support().is_err());
        assert!(runtime(Kind::Workerd).run_script(script).is_err());
        assert!(runtime(Kind::NodeSnapshot).run_script(script).is_err());
    }

    #[test]
    fn missing_runtime_cannot_launch() {
        let mut r = runtime(Kind::Bun);
        r.program = None;
        assert!(r
            .launch(App::Hello, 1, Path::new("/"), Path::new(""))
            .is_err());
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_word("a/b.js"), "a/b.js");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
    }
}
