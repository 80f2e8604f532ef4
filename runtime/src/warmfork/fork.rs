//! The fork point: what must hold before a seed may clone itself, and the clone itself.
//!
//! A clone is a `fork()` of a live, single-threaded process: only the calling thread survives
//! a fork, so any other thread (a blocking-pool worker, a V8 helper) would leave its locks and
//! state behind half-done. The seed therefore refuses to fork unless it has exactly one
//! thread, and says which others exist. Mappings marked MADV_DONTFORK (the `v8` crate's
//! official prebuilt marks all V8 memory so) would be missing in the clone; they are marked
//! MADV_DOFORK again before every fork.

use std::io;

/// The names of the process's threads other than the calling one. The count comes from the
/// link count of `/proc/self/task` (two plus one per thread: a stat, 2 us); the names, only
/// when there are others, from listing that folder.
pub fn other_threads() -> io::Result<Vec<String>> {
    use std::os::unix::fs::MetadataExt;

    if std::fs::metadata("/proc/self/task")?.nlink() == 3 {
        return Ok(Vec::new());
    }
    thread_names()
}

fn thread_names() -> io::Result<Vec<String>> {
    // SAFETY: gettid has no preconditions.
    let me = unsafe { libc::gettid() }.to_string();
    let mut others = Vec::new();
    for entry in std::fs::read_dir("/proc/self/task")? {
        let entry = entry?;
        let tid = entry.file_name().to_string_lossy().into_owned();
        if tid == me {
            continue;
        }
        let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
        others.push(format!("{} (tid {tid})", comm.trim()));
    }
    Ok(others)
}

/// Marks every mapping of the process MADV_DOFORK; returns how many it marked.
///
/// Which mappings are MADV_DONTFORK is only visible in `/proc/self/smaps` ("dc"), which costs
/// the kernel a page walk per mapping (0.6 ms for a worker, more than the fork itself).
/// MADV_DOFORK on a mapping that was never DONTFORK changes nothing, so every mapping in the
/// cheap `/proc/self/maps` gets it; special mappings ([vvar], [vsyscall]) refuse with EINVAL
/// and are skipped.
pub fn undo_dontfork() -> io::Result<usize> {
    let maps = std::fs::read_to_string("/proc/self/maps")?;
    let mut marked = 0;
    for line in maps.lines() {
        let Some(addresses) = line.split_whitespace().next() else {
            continue;
        };
        let Some((start, end)) = addresses.split_once('-') else {
            continue;
        };
        let (Ok(start), Ok(end)) = (
            usize::from_str_radix(start, 16),
            usize::from_str_radix(end, 16),
        ) else {
            continue;
        };
        // SAFETY: the range is a whole mapping of this process, as the kernel listed it;
        // MADV_DOFORK only changes what fork() copies.
        let result =
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DOFORK) };
        if result == 0 {
            marked += 1;
        }
    }
    Ok(marked)
}

/// Forks the calling process so that the child's parent is the caller's parent (the
/// supervisor reaps clones directly). Returns the child's pid in the parent, 0 in the child.
///
/// # Safety
///
/// The process must have one thread (see [`other_threads`]); the child may only use state
/// that a fork copies faithfully.
pub unsafe fn clone_sibling() -> io::Result<libc::pid_t> {
    let flags = (libc::CLONE_PARENT | libc::SIGCHLD) as libc::c_ulong;
    // SAFETY: with a null stack the child continues on a copy of the caller's stack, exactly
    // like fork(); the caller vouches for being single-threaded.
    let pid = unsafe { libc::syscall(libc::SYS_clone, flags, 0usize, 0usize, 0usize, 0usize) };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(pid as libc::pid_t)
}

/// Makes the calling process die when its parent does (the supervisor, for seeds and clones).
/// Returns false if the parent is already gone.
pub fn die_with_parent(parent: libc::pid_t) -> bool {
    // SAFETY: prctl(PR_SET_PDEATHSIG) takes a signal number; getppid has no preconditions.
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        libc::getppid() == parent
    }
}

/// What [`code_to_huge_pages`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum HugeCode {
    /// The code from `start`, `len` bytes, now lives in transparent huge pages.
    Moved { start: usize, len: usize },
    /// The code stays in its file mapping, for this reason.
    Kept(String),
}

const HUGE_PAGE: usize = 2 << 20;

/// Moves the executable's code (the 2 MiB-aligned inside of its `r-xp` mapping) into
/// anonymous memory backed by transparent huge pages, once, in the seed.
///
/// fork() copies no page-table entries of a file mapping, so a clone starts with none of its
/// code mapped: some 40 page faults before it is ready and 60 more in its first request, each
/// 3-5 us here. Anonymous memory is inherited mapped, and in huge pages that costs fork one
/// entry per 2 MiB (4 KiB pages would cost it 512). The price is ~30 MiB of memory that the
/// seed and every clone share instead of page cache. Without huge pages (THP disabled, none
/// free, no executable anonymous memory allowed) the code stays where it is: 4 KiB copies
/// would make each fork slower than the faults they save.
pub fn code_to_huge_pages() -> io::Result<HugeCode> {
    let thp =
        std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled").unwrap_or_default();
    if !thp.contains("[always]") && !thp.contains("[madvise]") {
        return Ok(HugeCode::Kept("transparent huge pages are disabled".into()));
    }
    let exe = std::fs::read_link("/proc/self/exe")?;
    let exe = exe.to_string_lossy();
    let maps = std::fs::read_to_string("/proc/self/maps")?;
    let Some((start, end)) = maps.lines().find_map(|line| {
        let mut fields = line.split_whitespace();
        let range = fields.next()?;
        (fields.next() == Some("r-xp") && fields.nth(3) == Some(&*exe)).then_some(())?;
        let (start, end) = range.split_once('-')?;
        Some((
            usize::from_str_radix(start, 16).ok()?,
            usize::from_str_radix(end, 16).ok()?,
        ))
    }) else {
        return Ok(HugeCode::Kept(
            "the executable's code mapping was not found".into(),
        ));
    };
    let from = start.next_multiple_of(HUGE_PAGE);
    let to = end / HUGE_PAGE * HUGE_PAGE;
    if to <= from {
        return Ok(HugeCode::Kept(
            "the code is smaller than a huge page".into(),
        ));
    }
    let len = to - from;

    // A fresh region, aligned to a huge page inside a larger reservation.
    // SAFETY: a new private anonymous mapping; no other memory is touched.
    let raw = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len + HUGE_PAGE,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if raw == libc::MAP_FAILED {
        return Err(io::Error::last_os_error());
    }
    let raw = raw as usize;
    let copy = raw.next_multiple_of(HUGE_PAGE);
    let unmap = |addr: usize, len: usize| {
        if len > 0 {
            // SAFETY: the range is part of the reservation made above, which nothing else uses.
            unsafe { libc::munmap(addr as *mut libc::c_void, len) };
        }
    };
    unmap(raw, copy - raw);
    unmap(copy + len, raw + len + HUGE_PAGE - (copy + len));

    // SAFETY: `copy` is `len` bytes of our own writable mapping; `from..to` lies inside the
    // executable's readable code mapping.
    let moved = unsafe {
        libc::madvise(copy as *mut libc::c_void, len, libc::MADV_HUGEPAGE) == 0 && {
            std::ptr::copy_nonoverlapping(from as *const u8, copy as *mut u8, len);
            true
        }
    };
    let huge = moved
        .then(|| anon_huge_bytes(copy))
        .transpose()?
        .unwrap_or(0);
    if huge < len {
        unmap(copy, len);
        return Ok(HugeCode::Kept(format!(
            "the kernel gave {} of {} MiB in huge pages",
            huge >> 20,
            len >> 20
        )));
    }
    // SAFETY: the copy holds exactly the bytes of `from..to`, so code running there (this
    // function's caller included) finds the same instructions before and after: mremap
    // swaps the mappings in one step.
    let swapped = unsafe {
        libc::mprotect(
            copy as *mut libc::c_void,
            len,
            libc::PROT_READ | libc::PROT_EXEC,
        ) == 0
            && libc::mremap(
                copy as *mut libc::c_void,
                len,
                len,
                libc::MREMAP_MAYMOVE | libc::MREMAP_FIXED,
                from as *mut libc::c_void,
            ) != libc::MAP_FAILED
    };
    if !swapped {
        let error = io::Error::last_os_error();
        unmap(copy, len);
        return Ok(HugeCode::Kept(format!(
            "cannot map the copy executable: {error}"
        )));
    }
    Ok(HugeCode::Moved { start: from, len })
}

/// The `AnonHugePages` of the mapping that starts at `start`, in bytes.
fn anon_huge_bytes(start: usize) -> io::Result<usize> {
    let smaps = std::fs::read_to_string("/proc/self/smaps")?;
    let header = format!("{start:x}-");
    let mut inside = false;
    for line in smaps.lines() {
        // A mapping's header starts with its range; its fields start with "Name:".
        let first = line.split_whitespace().next().unwrap_or("");
        if !first.ends_with(':') {
            inside = line.starts_with(&header);
        } else if inside && first == "AnonHugePages:" {
            let kib = line
                .split_whitespace()
                .nth(1)
                .and_then(|kib| kib.parse::<usize>().ok());
            return Ok(kib.unwrap_or(0) * 1024);
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dontfork_mapping_is_readable_in_the_child_after_the_pass() {
        const LEN: usize = 4096;
        // SAFETY: a fresh anonymous mapping, written and read only within its length.
        unsafe {
            let map = libc::mmap(
                std::ptr::null_mut(),
                LEN,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(map, libc::MAP_FAILED);
            std::ptr::write_bytes(map.cast::<u8>(), 0xA5, LEN);
            assert_eq!(libc::madvise(map, LEN, libc::MADV_DONTFORK), 0);

            assert!(undo_dontfork().unwrap() >= 1);

            let pid = libc::fork();
            if pid == 0 {
                // Without the pass the mapping is absent here and this read faults.
                let ok = *map.cast::<u8>().add(LEN - 1) == 0xA5;
                libc::_exit(if ok { 0 } else { 3 });
            }
            let mut status = 0;
            assert_eq!(libc::waitpid(pid, &mut status, 0), pid);
            assert!(
                libc::WIFEXITED(status),
                "the child died: status {status:#x}"
            );
            assert_eq!(libc::WEXITSTATUS(status), 0);
            libc::munmap(map, LEN);
        }
    }

    /// In a forked child (one thread, and the test binary's own code left alone): the code
    /// keeps running from its new pages, which are anonymous huge pages if it moved. (Where
    /// the kernel gives no huge pages, only the running part is tested.)
    #[test]
    fn code_moved_to_huge_pages_still_runs() {
        // SAFETY: the child only calls async-signal-safe-enough code of its own and exits.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            let code = match code_to_huge_pages() {
                Ok(HugeCode::Moved { start, len }) => {
                    // Code keeps running (formatting, reading files), and the range is one
                    // anonymous mapping in huge pages.
                    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
                    let header = format!("{start:x}-{:x} r-xp ", start + len);
                    let anonymous = maps
                        .lines()
                        .any(|line| line.starts_with(&header) && !line.contains('/'));
                    let huge = anon_huge_bytes(start).unwrap_or(0);
                    i32::from(!anonymous || huge != len)
                }
                Ok(HugeCode::Kept(_)) => 0,
                Err(_) => 2,
            };
            // SAFETY: ends the child without running the test harness's exit path.
            unsafe { libc::_exit(code) };
        }
        let mut status = 0;
        // SAFETY: waits for the child forked above.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        assert!(
            libc::WIFEXITED(status),
            "the child died: status {status:#x}"
        );
        assert_eq!(libc::WEXITSTATUS(status), 0);
    }

    #[test]
    fn other_threads_are_named() {
        let (sender, receiver) = std::sync::mpsc::channel::<()>();
        let (started, running) = std::sync::mpsc::channel::<()>();
        let helper = std::thread::Builder::new()
            .name("fork-blocker".into())
            .spawn(move || {
                // The thread names itself once running; report only after that.
                started.send(()).unwrap();
                receiver.recv()
            })
            .unwrap();
        running.recv().unwrap();
        let others = other_threads().unwrap();
        drop(sender);
        helper.join().unwrap().ok();
        assert!(
            others.iter().any(|t| t.starts_with("fork-blocker")),
            "{others:?}"
        );
    }
}
