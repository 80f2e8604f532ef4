//! A server under test as a child process: started in its own process group, optionally pinned
//! to one core, its output kept in a log file, and always stopped (the group is killed on drop).

use std::fs::{self, File};
use std::net::{SocketAddr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::runtimes::Launch;

/// A running server.
pub struct Server {
    child: Child,
    log: PathBuf,
}

impl Server {
    /// Starts `launch` from `root`, writing its stdout and stderr to `log`. `cpu` pins it to
    /// one core with taskset (the pid is still the server's: taskset execs it).
    pub fn start(launch: &Launch, root: &Path, log: &Path, cpu: Option<usize>) -> Result<Server> {
        if let Some(dir) = log.parent() {
            fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let out = File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
        let err = out.try_clone()?;

        let mut cmd = match cpu {
            Some(cpu) => {
                let mut c = Command::new("taskset");
                c.arg("-c").arg(cpu.to_string()).arg(&launch.program);
                c
            }
            None => Command::new(&launch.program),
        };
        cmd.args(&launch.args)
            .envs(launch.env.iter().map(|(k, v)| (k, v)))
            .env("NO_COLOR", "1")
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0);

        let child = cmd
            .spawn()
            .with_context(|| format!("cannot start {}", launch.program.display()))?;
        Ok(Server {
            child,
            log: log.to_path_buf(),
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Fails, with the end of the server's log, if the server has exited.
    pub fn check_alive(&mut self) -> Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!(
                "server exited ({status}); its log ends:\n{}",
                self.log_tail()
            );
        }
        Ok(())
    }

    /// The last lines of the server's log, for error messages.
    pub fn log_tail(&self) -> String {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(10)..].join("\n")
    }

    /// Stops the server: SIGTERM to its process group, SIGKILL after two seconds.
    pub fn stop(mut self) {
        self.terminate();
    }

    fn terminate(&mut self) {
        let group = -(self.child.id() as i32);
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            // The leader is gone; make sure no helper it left behind survives.
            signal(group, libc::SIGKILL);
            return;
        }
        signal(group, libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                signal(group, libc::SIGKILL);
                return;
            }
            thread::sleep(Duration::from_millis(5));
        }
        signal(group, libc::SIGKILL);
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            self.terminate();
        }
    }
}

/// Sends `sig` to `pid` (a process group when negative).
pub(crate) fn signal(pid: i32, sig: i32) {
    // SAFETY: kill(2) only sends a signal; a stale group id yields ESRCH, which is ignored.
    unsafe {
        libc::kill(pid, sig);
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("cannot bind a loopback port")?;
    Ok(listener.local_addr()?.port())
}

pub fn loopback(port: u16) -> SocketAddr {
    ([127, 0, 0, 1], port).into()
}
