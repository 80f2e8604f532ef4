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
