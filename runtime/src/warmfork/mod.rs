//! WarmFork: a supervisor keeps a pre-initialised seed process and clones ready workers from
//! it with `fork()`, so a new worker shares the seed's pages copy-on-write and serves within
//! about a millisecond.
//!
//! Processes: the supervisor (the command the user ran; V8-free, one thread, so it can fork a
//! new seed at any time), one seed (a fork of the supervisor that started the worker, ran
//! `serialize` and then only waits for clone requests on a Unix socket), and the clones
//! (siblings of the seed via `CLONE_PARENT`, so the supervisor reaps them). All of them share
//! the listening socket, created by the supervisor: the kernel's accept queue is one for all
//! clones, a busy (single-threaded) clone does not accept, and a connection still queued when
//! a clone dies is accepted by another. Each clone counts its requests in a shared-memory slot
//! (`slots.rs`) that the supervisor reads to scale between `--min-workers` and
//! `--max-workers`. ARCHITECTURE.md has the lifecycle table; `fork.rs` the fork-safety rules.

pub mod fork;
pub mod huge_code;
pub mod slots;

use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, IntoRawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::{Duration, Instant};

use slots::{Slot, Slots};

/// The settings of `serve --workers`.
#[derive(Debug, Clone)]
pub struct WarmforkOptions {
    pub min_workers: usize,
    pub max_workers: usize,
    /// Idle clones above the minimum retire after this long.
    pub idle_timeout: Duration,
    /// How long SIGTERM lets in-flight requests finish.
    pub grace: Duration,
    /// A clone using more resident memory is drained and replaced (`--max-rss-mb`).
    pub max_rss_bytes: Option<u64>,
}

/// What the seed and its clones need from the supervisor.
pub struct Shared {
    pub listener: std::net::TcpListener,
    pub slots: Slots,
    pub supervisor: libc::pid_t,
}

/// How often the supervisor looks at the slots while it may have to scale up (every clone
/// busy). Everything else wakes it at once: a child's exit (SIGCHLD), SIGTERM/SIGINT, a
/// message from the seed, or a connection waiting while no clone exists.
const TICK: Duration = Duration::from_millis(5);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

static TERMINATE: AtomicBool = AtomicBool::new(false);

extern "C" fn on_terminate(_: libc::c_int) {
    TERMINATE.store(true, Ordering::SeqCst);
    wake_supervisor();
}

/// The write end of the supervisor's wake-up pipe, written by its signal handlers.
static WAKE_PIPE: AtomicI32 = AtomicI32::new(-1);
/// Its read end, which the seed closes (the pipe is the supervisor's alone).
static WAKE_PIPE_READ: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_child_exit(_: libc::c_int) {
    wake_supervisor();
}

fn wake_supervisor() {
    let fd = WAKE_PIPE.load(Ordering::SeqCst);
    if fd >= 0 {
        // SAFETY: write(2) is async-signal-safe; a full pipe already holds a wake-up.
        unsafe { libc::write(fd, [1u8].as_ptr().cast(), 1) };
    }
}

/// A non-blocking, close-on-exec pipe; the write end goes to [`WAKE_PIPE`]. Returns the read
/// end.
fn wake_pipe() -> std::io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills two fds, which we own from here on.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    WAKE_PIPE.store(fds[1], Ordering::SeqCst);
    WAKE_PIPE_READ.store(fds[0], Ordering::SeqCst);
    // SAFETY: fds[0] is a fresh fd nobody else owns.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(fds[0]) })
}

/// Sleeps until something may need the supervisor, or `timeout`: a signal (through the wake
/// pipe), a message from the seed, or, while `watch_listener`, a waiting connection.
fn wait_for_work(
    wake: &std::os::fd::OwnedFd,
    seed: Option<&Seed>,
    listener: Option<&std::net::TcpListener>,
    timeout: Duration,
) {
    let mut fds = vec![libc::pollfd {
        fd: wake.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    }];
    if let Some(seed) = seed {
        fds.push(libc::pollfd {
            fd: seed.control.get_ref().as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        });
    }
    if let Some(listener) = listener {
        fds.push(libc::pollfd {
            fd: listener.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        });
    }
    let timeout_ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    // SAFETY: `fds` is a valid array of pollfds for the duration of the call.
    unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) };
    let mut drain = [0u8; 64];
    // SAFETY: reading into a local buffer from our own non-blocking pipe.
    while unsafe { libc::read(wake.as_raw_fd(), drain.as_mut_ptr().cast(), drain.len()) } > 0 {}
}

/// The write end of this process's SIGTERM pipe (see [`terminate_notifier`]).
static TERMINATE_PIPE: AtomicI32 = AtomicI32::new(-1);

extern "C" fn notify_terminate(_: libc::c_int) {
    let fd = TERMINATE_PIPE.load(Ordering::SeqCst);
    if fd >= 0 {
        // SAFETY: write(2) is async-signal-safe; the fd stays open for the process's life.
        unsafe { libc::write(fd, [1u8].as_ptr().cast(), 1) };
    }
}

/// A socket that becomes readable when this process gets SIGTERM, for the event loop of a
/// serving process (a plain `serve`, or a clone).
///
/// In a clone it is made after the fork, per process. tokio's own signal support is not used:
/// its driver keeps one pipe per process in a static that a fork would share between all
/// clones, so one clone's signal could wake another.
pub fn terminate_notifier() -> std::io::Result<UnixStream> {
    let (read, write) = UnixStream::pair()?;
    write.set_nonblocking(true)?;
    read.set_nonblocking(true)?;
    TERMINATE_PIPE.store(write.into_raw_fd(), Ordering::SeqCst);
    set_signal(
        libc::SIGTERM,
        notify_terminate as *const () as libc::sighandler_t,
    );
    Ok(read)
}

fn set_signal(signal: libc::c_int, handler: libc::sighandler_t) {
    // SAFETY: installs the default disposition or one of the handlers above, which only store
    // to an atomic and write(2) a byte (both async-signal-safe).
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = handler;
        // Interrupted reads and writes resume; poll(2) still returns early, which is what
        // wakes the supervisor.
        action.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(signal, &action, std::ptr::null_mut());
    }
}

/// A clone as the supervisor knows it.
struct Clone {
    pid: libc::pid_t,
    slot: usize,
    started: Instant,
    retiring: bool,
    /// Bytes of its seed's code in anonymous huge pages (see [`huge_code`]): resident in the
    /// clone, shared by all clones of that seed, and left out of `--max-rss-mb`, which is
    /// about the clone's own memory.
    shared_code: u64,
}

struct Seed {
    pid: libc::pid_t,
    control: BufReader<UnixStream>,
    /// A message read in part (the socket is non-blocking).
    partial: String,
    ready: bool,
    /// What its `ready` message said of its code in huge pages, in bytes.
    shared_code: u64,
}

/// Runs the supervisor until SIGTERM or SIGINT; returns the exit code. `seed_main` is the
/// body of the seed process: it starts the worker and then calls [`seed_loop`]; it never
/// returns in the seed.
pub fn supervise(
    shared: &Shared,
    options: &WarmforkOptions,
    seed_main: &dyn Fn(UnixStream) -> i32,
) -> i32 {
    set_signal(
        libc::SIGTERM,
        on_terminate as *const () as libc::sighandler_t,
    );
    set_signal(
        libc::SIGINT,
        on_terminate as *const () as libc::sighandler_t,
    );
    let wake = match wake_pipe() {
        Ok(wake) => wake,
        Err(error) => {
            eprintln!("aworker: cannot create the supervisor's wake-up pipe: {error}");
            return 1;
        }
    };
    set_signal(
        libc::SIGCHLD,
        on_child_exit as *const () as libc::sighandler_t,
    );

    let mut supervisor = Supervisor {
        shared,
        options,
        seed: None,
        clones: Vec::new(),
        requested: 0,
        seed_backoff: Backoff::default(),
        clone_backoff: Backoff::default(),
        ever_ready: false,
        rss_checked: Instant::now(),
    };
    loop {
        if TERMINATE.load(Ordering::SeqCst) {
            supervisor.shut_down();
            return 0;
        }
        if let Some(code) = supervisor.reap() {
            return code;
        }
        supervisor.read_seed();
        if supervisor.seed.is_none() && supervisor.seed_backoff.due() {
            match spawn_seed(seed_main) {
                Ok(seed) => supervisor.seed = Some(seed),
                Err(error) => {
                    tracing::error!("cannot start the seed: {error}");
                    supervisor.seed_backoff.failed();
                }
            }
        }
        supervisor.scale();
        supervisor.enforce_rss();
        // With no clone alive or on its way, a queued connection means: scale from zero now.
        // Only while a clone can be asked for: the connection stays queued until one accepts
        // it, so watching it meanwhile would wake the loop at once, again and again.
        let idle = supervisor.clones.is_empty() && supervisor.requested == 0;
        let listener = (idle && supervisor.can_request_clone()).then_some(&shared.listener);
        wait_for_work(&wake, supervisor.seed.as_ref(), listener, supervisor.tick());
    }
}

fn spawn_seed(seed_main: &dyn Fn(UnixStream) -> i32) -> std::io::Result<Seed> {
    let (ours, theirs) = UnixStream::pair()?;
    // SAFETY: the supervisor has one thread and has not started V8 or tokio; the child runs
    // `seed_main` and exits without returning.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(std::io::Error::last_os_error());
    }
    if pid == 0 {
        drop(ours);
        // The supervisor's handlers and wake-up pipe are its own.
        set_signal(libc::SIGCHLD, libc::SIG_DFL);
        for end in [&WAKE_PIPE, &WAKE_PIPE_READ] {
            let fd = end.swap(-1, Ordering::SeqCst);
            if fd >= 0 {
                // SAFETY: the seed's copy of one end of the supervisor's pipe, unused here.
                unsafe { libc::close(fd) };
            }
        }
        set_signal(libc::SIGTERM, libc::SIG_DFL);
        // A terminal's Ctrl-C reaches the whole process group: the supervisor drains the
        // clones itself (SIGTERM), so the seed and clones ignore SIGINT.
        set_signal(libc::SIGINT, libc::SIG_IGN);
        let code = seed_main(theirs);
        std::process::exit(code);
    }
    drop(theirs);
    ours.set_nonblocking(true)?;
    tracing::debug!(seed = pid, "seed started");
    Ok(Seed {
        pid,
        control: BufReader::new(ours),
        partial: String::new(),
        ready: false,
        shared_code: 0,
    })
}

/// Exponential backoff for restarting what keeps crashing.
#[derive(Default)]
struct Backoff {
    failures: u32,
    next: Option<Instant>,
}

impl Backoff {
    fn due(&self) -> bool {
        self.next.is_none_or(|next| Instant::now() >= next)
    }

    fn failed(&mut self) {
        self.failures = (self.failures + 1).min(16);
        let delay = Duration::from_millis(50 << self.failures.min(7)).min(MAX_BACKOFF);
        self.next = Some(Instant::now() + delay);
    }

    fn succeeded(&mut self) {
        self.failures = 0;
        self.next = None;
    }
}

struct Supervisor<'a> {
    shared: &'a Shared,
    options: &'a WarmforkOptions,
    seed: Option<Seed>,
    clones: Vec<Clone>,
    /// Clone requests sent to the seed and not answered yet.
    requested: usize,
    seed_backoff: Backoff,
    clone_backoff: Backoff,
    ever_ready: bool,
    rss_checked: Instant,
}

impl Supervisor<'_> {
    /// Collects exited children. Returns an exit code if the first seed failed to start.
    fn reap(&mut self) -> Option<i32> {
        loop {
            let mut status = 0;
            // SAFETY: waitpid with WNOHANG on our own children.
            let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
            if pid <= 0 {
                return None;
            }
            let how = describe_status(status);
            if self.seed.as_ref().is_some_and(|seed| seed.pid == pid) {
                self.seed = None;
                self.requested = 0;
                if !self.ever_ready {
                    // The script failed to start; the seed printed why.
                    return Some(exit_code(status));
                }
                tracing::warn!(seed = pid, "the seed {how}; starting a new one");
                self.seed_backoff.failed();
                continue;
            }
            let Some(index) = self.clones.iter().position(|clone| clone.pid == pid) else {
                continue;
            };
            let clone = self.clones.swap_remove(index);
            self.shared.slots.release(clone.slot);
            if clone.retiring {
                tracing::debug!(clone = pid, "retired clone {how}");
            } else {
                tracing::warn!(clone = pid, "clone {how}; replacing it");
                if clone.started.elapsed() < Duration::from_secs(1) {
                    self.clone_backoff.failed();
                }
            }
        }
    }

    /// Reads the seed's messages: `ready <shared code bytes>`, `cloned <slot> <pid>`,
    /// `refused <slot> <reason>`.
    fn read_seed(&mut self) {
        let Some(seed) = self.seed.as_mut() else {
            return;
        };
        while matches!(seed.control.read_line(&mut seed.partial), Ok(n) if n > 0) {
            if !seed.partial.ends_with('\n') {
                continue;
            }
            let message = seed.partial.trim_end().to_owned();
            seed.partial.clear();
            let mut words = message.splitn(3, ' ');
            match (words.next(), words.next(), words.next()) {
                (Some("ready"), code, _) => {
                    seed.ready = true;
                    seed.shared_code = code.and_then(|c| c.parse().ok()).unwrap_or(0);
                    self.seed_backoff.succeeded();
                    if !self.ever_ready {
                        self.ever_ready = true;
                        let address = self.shared.listener.local_addr().ok();
                        let address = address.map(|a| a.to_string()).unwrap_or_default();
                        eprintln!("Listening on http://{address}/");
                    }
                }
                (Some("cloned"), Some(slot), Some(pid)) => {
                    self.requested = self.requested.saturating_sub(1);
                    let (Ok(slot), Ok(pid)) = (slot.parse::<usize>(), pid.parse()) else {
                        continue;
                    };
                    self.shared
                        .slots
                        .get(slot)
                        .pid
                        .store(pid as u32, Ordering::Relaxed);
                    let clone = Clone {
                        pid,
                        slot,
                        started: Instant::now(),
                        retiring: false,
                        shared_code: seed.shared_code,
                    };
                    self.clones.push(clone);
                    tracing::debug!(clone = pid, slot, "clone started");
                }
                (Some("refused"), Some(slot), reason) => {
                    self.requested = self.requested.saturating_sub(1);
                    if let Ok(slot) = slot.parse() {
                        self.shared.slots.release(slot);
                    }
                    tracing::error!("the seed refused to fork: {}", reason.unwrap_or(""));
                    self.clone_backoff.failed();
                }
                _ => tracing::warn!("unexpected message from the seed: {message}"),
            }
        }
    }

    /// Requests clones up to what is wanted, and retires idle ones above the minimum.
    fn scale(&mut self) {
        let live = self.clones.iter().filter(|clone| !clone.retiring).count();
        let total = live + self.requested;
        let all_busy = live > 0
            && self.clones.iter().filter(|c| !c.retiring).all(|clone| {
                self.shared
                    .slots
                    .get(clone.slot)
                    .in_flight
                    .load(Ordering::Relaxed)
                    > 0
            });
        let waiting = total == 0 && listener_has_connections(&self.shared.listener);
        let wanted = if total < self.options.min_workers {
            self.options.min_workers - total
        } else if (all_busy || waiting) && total < self.options.max_workers {
            1
        } else {
            0
        };
        if wanted > 0 && self.clone_backoff.due() {
            for _ in 0..wanted {
                if !self.request_clone() {
                    break;
                }
            }
        }
        self.retire_idle(live);
    }

    /// Whether [`Self::request_clone`] could send a request now.
    fn can_request_clone(&self) -> bool {
        self.seed.as_ref().is_some_and(|seed| seed.ready)
            && self.clone_backoff.due()
            && self.shared.slots.free().is_some()
    }

    /// How long the supervisor may sleep when nothing wakes it: [`TICK`] while clones run
    /// below the maximum (all of them turning busy asks for one more); otherwise it only
    /// retires idle clones, checks RSS and waits out backoffs, for which 100 ms is prompt.
    fn tick(&self) -> Duration {
        let live = self.clones.iter().filter(|clone| !clone.retiring).count();
        if live > 0 && live < self.options.max_workers {
            TICK
        } else {
            Duration::from_millis(100)
        }
    }

    fn request_clone(&mut self) -> bool {
        let Some(seed) = self.seed.as_mut().filter(|seed| seed.ready) else {
            return false;
        };
        let Some(slot) = self.shared.slots.free() else {
            return false;
        };
        // Reserved until the seed answers with the clone's pid.
        self.shared
            .slots
            .get(slot)
            .pid
            .store(u32::MAX, Ordering::Relaxed);
        if send(seed.control.get_mut(), &format!("clone {slot}\n")).is_err() {
            self.shared.slots.release(slot);
            return false;
        }
        self.requested += 1;
        true
    }

    fn retire_idle(&mut self, live: usize) {
        let mut surplus = live.saturating_sub(self.options.min_workers);
        let idle_ms = self.options.idle_timeout.as_millis() as u64;
        let now = slots::now_ms();
        for clone in self.clones.iter_mut().filter(|clone| !clone.retiring) {
            if surplus == 0 {
                break;
            }
            let slot: &Slot = self.shared.slots.get(clone.slot);
            let last = slot.last_active_ms.load(Ordering::Relaxed);
            let idle_since_start = clone.started.elapsed() >= self.options.idle_timeout;
            let idle = slot.in_flight.load(Ordering::Relaxed) == 0
                && idle_since_start
                && now.saturating_sub(last) >= idle_ms;
            if idle {
                tracing::debug!(clone = clone.pid, "retiring an idle clone");
                // SAFETY: signalling our own child.
                unsafe { libc::kill(clone.pid, libc::SIGTERM) };
                clone.retiring = true;
                surplus -= 1;
            }
        }
    }

    /// `--max-rss-mb`: every 100 ms, read each clone's resident size from /proc; one above
    /// the limit is drained (SIGTERM) and, no longer counted, replaced.
    fn enforce_rss(&mut self) {
        let Some(max) = self.options.max_rss_bytes else {
            return;
        };
        if self.rss_checked.elapsed() < Duration::from_millis(100) {
            return;
        }
        self.rss_checked = Instant::now();
        for clone in self.clones.iter_mut().filter(|clone| !clone.retiring) {
            let Some(rss) = resident_bytes(clone.pid) else {
                continue;
            };
            let rss = rss.saturating_sub(clone.shared_code);
            if rss > max {
                tracing::warn!(
                    clone = clone.pid,
                    "clone uses {} MiB, above --max-rss-mb {}; replacing it",
                    rss >> 20,
                    max >> 20
                );
                // SAFETY: signalling our own child.
                unsafe { libc::kill(clone.pid, libc::SIGTERM) };
                clone.retiring = true;
            }
        }
    }

    /// SIGTERM: clones stop accepting and finish what is in flight; the seed just ends.
    fn shut_down(&mut self) {
        if let Some(seed) = &self.seed {
            // SAFETY: signalling our own child.
            unsafe { libc::kill(seed.pid, libc::SIGKILL) };
        }
        // The kernel's list, not ours: a clone forked just before the seed died may not have
        // been reported yet, and must drain (and be waited for) all the same.
        let seed = self.seed.as_ref().map(|seed| seed.pid);
        for pid in own_children().into_iter().filter(|pid| Some(*pid) != seed) {
            // SAFETY: signalling our own child.
            unsafe { libc::kill(pid, libc::SIGTERM) };
        }
        let deadline = Instant::now() + self.options.grace + Duration::from_secs(1);
        let mut killed = false;
        loop {
            let mut status = 0;
            // SAFETY: waitpid with WNOHANG on our own children.
            let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
            if pid < 0 {
                return; // no children left
            }
            if !killed && Instant::now() > deadline {
                for pid in own_children() {
                    // SAFETY: signalling our own child.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                }
                killed = true;
            }
            if pid == 0 {
                std::thread::sleep(TICK);
            }
        }
    }
}

/// The supervisor's children, from `/proc/self/task/<pid>/children` (it has one thread).
fn own_children() -> Vec<libc::pid_t> {
    let me = std::process::id();
    std::fs::read_to_string(format!("/proc/self/task/{me}/children"))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|pid| pid.parse().ok())
        .collect()
}

/// Writes one whole message on the (non-blocking) control socket: a message cut in half by a
/// full socket buffer would corrupt the next one.
fn send(control: &mut UnixStream, message: &str) -> std::io::Result<()> {
    control.set_nonblocking(false)?;
    let result = control.write_all(message.as_bytes());
    control.set_nonblocking(true)?;
    result
}

/// Whether connections wait in the listener's accept queue (for scaling from zero).
fn listener_has_connections(listener: &std::net::TcpListener) -> bool {
    let mut poll = libc::pollfd {
        fd: listener.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no wait.
    unsafe { libc::poll(&mut poll, 1, 0) > 0 && poll.revents & libc::POLLIN != 0 }
}

/// A process's resident set size, from `/proc/<pid>/statm` (in pages).
fn resident_bytes(pid: libc::pid_t) -> Option<u64> {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // SAFETY: sysconf has no preconditions.
    let page_size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as u64;
    Some(pages * page_size)
}

fn exit_code(status: libc::c_int) -> i32 {
    if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        1
    }
}

fn describe_status(status: libc::c_int) -> String {
    if libc::WIFEXITED(status) {
        format!("exited with status {}", libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        format!("was killed by signal {}", libc::WTERMSIG(status))
    } else {
        format!("ended ({status:#x})")
    }
}

/// What a new clone knows about its birth.
#[derive(Debug, Clone, Copy)]
pub struct Birth {
    pub slot: usize,
    /// When the seed began the fork point (thread check, clone): the clone
    /// measures its latency from here.
    pub requested: Instant,
    /// How long the seed's fork point took (in the clone: up to its return from clone()).
    pub fork: Duration,
}

/// The seed's side of the control socket, after its worker started and `serialize` ran:
/// answers clone requests until the supervisor goes away. Returns `Some(birth)` in a new
/// clone (which then runs [`crate::cli`]'s clone body), `None` when the seed should exit.
pub fn seed_loop(control: &mut UnixStream, shared_code: usize) -> Option<Birth> {
    // Once, here: from now on the seed runs no JS and V8 maps nothing new, so the mappings
    // that clones must inherit are all there, and each fork is spared the pass. A pass that
    // failed (reading /proc) is tried again at the next request.
    let mut dofork_done = fork::undo_dontfork().is_ok();
    if control
        .write_all(format!("ready {shared_code}\n").as_bytes())
        .is_err()
    {
        return None;
    }
    let mut reader = BufReader::new(control.try_clone().ok()?);
    let mut line = String::new();
    loop {
        line.clear();
        if !matches!(reader.read_line(&mut line), Ok(n) if n > 0) {
            return None; // the supervisor is gone
        }
        let Some(slot) = line
            .trim()
            .strip_prefix("clone ")
            .and_then(|s| s.parse().ok())
        else {
            continue;
        };
        let requested = Instant::now();
        let dofork = if dofork_done {
            Ok(())
        } else {
            fork::undo_dontfork()
                .map(|_| dofork_done = true)
                .map_err(|e| format!("cannot mark memory DOFORK: {e}"))
        };
        match dofork.and_then(|()| fork_clone()) {
            Ok(0) => {
                return Some(Birth {
                    slot,
                    requested,
                    fork: requested.elapsed(),
                })
            }
            Ok(pid) => {
                let _ = control.write_all(format!("cloned {slot} {pid}\n").as_bytes());
            }
            Err(reason) => {
                let _ = control.write_all(format!("refused {slot} {reason}\n").as_bytes());
            }
        }
    }
}

/// The fork point: refuses if another thread exists, then clones.
fn fork_clone() -> Result<libc::pid_t, String> {
    let others = fork::other_threads().map_err(|e| format!("cannot list threads: {e}"))?;
    if !others.is_empty() {
        return Err(format!("other threads exist: {}", others.join(", ")));
    }
    // SAFETY: checked just above: this process has one thread.
    unsafe { fork::clone_sibling() }.map_err(|e| format!("clone failed: {e}"))
}

/// Decrements the slot's in-flight count when a request ends, even if it was cancelled.
pub struct InFlight(&'static Slot);

impl InFlight {
    pub fn start(slot: &'static Slot) -> Self {
        slot.request_started();
        Self(slot)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.request_ended();
    }
}
