//! The seed's code in transparent huge pages, so that clones inherit it mapped.
//!
//! fork() copies no page-table entries of a file mapping: a clone starts with none of its code
//! mapped and takes a page fault for each page of code it runs (some 40 before it is ready and
//! 60 more in its first request, 3-5 us each here). Anonymous memory is inherited mapped, and
//! in huge pages at one entry per 2 MiB (in 4 KiB pages it would cost fork 512 entries each,
//! more than the faults it saves). So the seed copies the huge-page-aligned inside of its
//! executable's code mapping into anonymous memory with MADV_HUGEPAGE and swaps that in.
//!
//! The price: ~30 MiB resident that the seed and all clones share instead of page cache
//! (`--max-rss-mb` leaves it out), which memory pressure cannot drop as it drops page cache
//! and which core dumps include; and profilers that find code by file no longer see it.
//! Where the kernel gives no huge pages, or refuses executable anonymous memory, or the
//! architecture is not x86-64, the code stays in its file.

use std::io;
use std::os::fd::AsRawFd;

/// What [`move_code_to_huge_pages`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum HugeCode {
    /// The code in these ranges (start, length) now lives in transparent huge pages.
    Moved(Vec<(usize, usize)>),
    /// The code stays in its file mapping, for this reason.
    Kept(String),
}

impl HugeCode {
    /// How many bytes of code moved.
    pub fn moved_bytes(&self) -> usize {
        match self {
            HugeCode::Moved(ranges) => ranges.iter().map(|&(_, len)| len).sum(),
            HugeCode::Kept(_) => 0,
        }
    }
}

/// The executable's code mapping, from `/proc/self/maps`.
struct CodeMapping {
    start: usize,
    end: usize,
    /// Offset of `start` in the file.
    offset: usize,
}

/// Moves the executable's code into transparent huge pages (see the module's documentation).
/// Call it with one thread, before forking.
pub fn move_code_to_huge_pages() -> io::Result<HugeCode> {
    if !cfg!(target_arch = "x86_64") {
        return Ok(HugeCode::Kept("only done on x86-64".into()));
    }
    let thp =
        std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled").unwrap_or_default();
    if !thp.contains("[always]") && !thp.contains("[madvise]") {
        return Ok(HugeCode::Kept("transparent huge pages are disabled".into()));
    }
    let huge = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size")
        .ok()
        .and_then(|size| size.trim().parse::<usize>().ok())
        .filter(|size| size.is_power_of_two())
        .unwrap_or(2 << 20);
    // Opened first: the fallback maps the file back from it.
    let exe = std::fs::File::open("/proc/self/exe")?;
    let Some(code) = code_mapping()? else {
        return Ok(HugeCode::Kept(
            "the executable's code mapping was not found".into(),
        ));
    };
    let from = code.start.next_multiple_of(huge);
    let to = code.end / huge * huge;
    // The swap runs from `swap_in`: the huge page(s) holding it stay in the file. Its code is
    // well under the 4 KiB allowed here (77 bytes in a release build, 139 in a debug one: two
    // system calls, no calls out).
    let swapper = swap_in as *const () as usize;
    let hole = (
        swapper / huge * huge,
        (swapper + 4096).next_multiple_of(huge),
    );
    let pieces: Vec<(usize, usize)> = [(from, hole.0.min(to)), (hole.1.max(from), to)]
        .into_iter()
        .filter(|&(start, end)| end > start)
        .collect();
    if pieces.is_empty() {
        return Ok(HugeCode::Kept(
            "the code is smaller than a huge page".into(),
        ));
    }

    let len = to - from;
    let copy = match HugeCopy::new(from, len, huge)? {
        Ok(copy) => copy,
        Err(why) => return Ok(HugeCode::Kept(why.into())),
    };
    let mut moved = Vec::new();
    for (start, end) in pieces {
        let offset = code.offset + (start - code.start);
        // SAFETY: the copy holds exactly the bytes of `start..end`; `swap_in` runs outside
        // that range (the hole above) and maps the file back if the swap fails.
        let swapped =
            unsafe { swap_in(copy.at(start), start, end - start, exe.as_raw_fd(), offset) };
        if !swapped {
            break;
        }
        moved.push((start, end - start));
    }
    if moved.is_empty() {
        return Ok(HugeCode::Kept("the kernel did not swap the code in".into()));
    }
    Ok(HugeCode::Moved(moved))
}

/// Finds the executable's `r-xp` mapping.
fn code_mapping() -> io::Result<Option<CodeMapping>> {
    let exe = std::fs::read_link("/proc/self/exe")?;
    let exe = exe.to_string_lossy();
    let maps = std::fs::read_to_string("/proc/self/maps")?;
    Ok(maps.lines().find_map(|line| {
        // "start-end perms offset dev inode path"
        let mut fields = line.split_whitespace();
        let (start, end) = fields.next()?.split_once('-')?;
        (fields.next()? == "r-xp").then_some(())?;
        let offset = usize::from_str_radix(fields.next()?, 16).ok()?;
        (fields.nth(2)? == exe).then_some(())?;
        Some(CodeMapping {
            start: usize::from_str_radix(start, 16).ok()?,
            end: usize::from_str_radix(end, 16).ok()?,
            offset,
        })
    }))
}

/// A copy of `len` bytes of code from `from`, in huge pages; what is not swapped in is
/// unmapped when it drops.
struct HugeCopy {
    from: usize,
    at: usize,
    len: usize,
}

impl HugeCopy {
    /// `Err(why)` when the copy cannot serve: no huge pages, or no executable anonymous memory.
    fn new(from: usize, len: usize, huge: usize) -> io::Result<Result<HugeCopy, &'static str>> {
        // SAFETY: a new private anonymous mapping; no other memory is touched.
        let raw = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len + huge,
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
        let at = raw.next_multiple_of(huge);
        unmap(raw, at - raw);
        unmap(at + len, raw + len + huge - (at + len));
        let copy = HugeCopy { from, at, len };

        // SAFETY: `at` is `len` bytes of our own writable mapping; `from..from + len` lies
        // inside the executable's readable code mapping.
        unsafe {
            if libc::madvise(at as *mut libc::c_void, len, libc::MADV_HUGEPAGE) != 0 {
                return Ok(Err("the kernel refused MADV_HUGEPAGE"));
            }
            std::ptr::copy_nonoverlapping(from as *const u8, at as *mut u8, len);
            if libc::mprotect(
                at as *mut libc::c_void,
                len,
                libc::PROT_READ | libc::PROT_EXEC,
            ) != 0
            {
                return Ok(Err(
                    "executable anonymous memory is not allowed (SELinux, PaX)",
                ));
            }
        }
        if anon_huge_bytes(at, len)? < len {
            return Ok(Err("the kernel gave no huge pages for the copy"));
        }
        Ok(Ok(copy))
    }

    /// Where the copy of the code at `address` is.
    fn at(&self, address: usize) -> usize {
        self.at + (address - self.from)
    }
}

impl Drop for HugeCopy {
    fn drop(&mut self) {
        // Pieces swapped in are gone from here already; munmap skips what is not mapped.
        unmap(self.at, self.len);
    }
}

fn unmap(address: usize, len: usize) {
    if len > 0 {
        // SAFETY: callers pass ranges of mappings this module made and nothing else uses.
        unsafe { libc::munmap(address as *mut libc::c_void, len) };
    }
}

/// The `AnonHugePages` of the mapping `start..start + len`, in bytes.
fn anon_huge_bytes(start: usize, len: usize) -> io::Result<usize> {
    let smaps = std::fs::read_to_string("/proc/self/smaps")?;
    let header = format!("{start:08x}-{:08x} ", start + len);
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

/// Moves the mapping at `copy` over `len` bytes of code at `to` (mremap, which first unmaps
/// the destination); if that fails, maps the executable's bytes back at `to` from `fd`.
///
/// It makes its system calls itself, with no library call in between: while the swap is
/// under way the range may hold no code at all, so nothing may run from it, or from a
/// procedure linkage table that could lie inside it. Returns whether the swap happened.
///
/// # Safety
///
/// `swap_in` itself must lie outside `to..to + len`, the process must have one thread, and
/// `copy` must hold the very bytes of that range, mapped executable.
#[inline(never)]
unsafe extern "C" fn swap_in(copy: usize, to: usize, len: usize, fd: i32, offset: usize) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        let moved: isize;
        // SAFETY: mremap(copy, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to), as the caller
        // vouches; the syscall instruction clobbers rcx and r11 only. Every argument is
        // widened to a full register: the kernel refuses stray upper bits.
        unsafe {
            std::arch::asm!(
                "syscall",
                inlateout("rax") libc::SYS_mremap as isize => moved,
                in("rdi") copy,
                in("rsi") len,
                in("rdx") len,
                in("r10") (libc::MREMAP_MAYMOVE | libc::MREMAP_FIXED) as usize,
                in("r8") to,
                lateout("rcx") _,
                lateout("r11") _,
                options(nostack),
            );
        }
        if moved == to as isize {
            return true;
        }
        // SAFETY: mmap(to, len, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fd, offset):
        // the executable's own code back where it was.
        unsafe {
            std::arch::asm!(
                "syscall",
                inlateout("rax") libc::SYS_mmap as isize => _,
                in("rdi") to,
                in("rsi") len,
                in("rdx") (libc::PROT_READ | libc::PROT_EXEC) as usize,
                in("r10") (libc::MAP_PRIVATE | libc::MAP_FIXED) as usize,
                in("r8") fd as usize,
                in("r9") offset,
                lateout("rcx") _,
                lateout("r11") _,
                options(nostack),
            );
        }
        false
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (copy, to, len, fd, offset);
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In a forked child (one thread; the test binary's other threads keep their code): the
    /// code moves with its bytes unchanged, keeps running, and a grandchild forked afterwards
    /// inherits it mapped in huge pages. (Where the kernel gives none, this tests nothing.)
    #[test]
    fn code_moved_to_huge_pages_runs_and_forks_inherit_it() {
        // SAFETY: the child runs this test's code and leaves with _exit.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            let before = code_mapping().ok().flatten();
            let code = match (move_code_to_huge_pages(), before) {
                (Ok(HugeCode::Moved(ranges)), Some(file)) => {
                    let (start, len) = ranges[0];
                    // The bytes in memory are the file's.
                    let offset = file.offset + (start - file.start);
                    let exe = std::fs::read("/proc/self/exe").unwrap_or_default();
                    // SAFETY: `start..start + len` is mapped readable (just moved there).
                    let memory = unsafe { std::slice::from_raw_parts(start as *const u8, len) };
                    let same = exe.get(offset..offset + len) == Some(memory);
                    let anonymous = std::fs::read_to_string("/proc/self/maps")
                        .unwrap_or_default()
                        .lines()
                        .any(|line| {
                            line.starts_with(&format!("{start:08x}-{:08x} r-xp ", start + len))
                                && !line.contains('/')
                        });
                    let inherited = child_sees_huge_code(start, len);
                    i32::from(!(same && anonymous && inherited))
                }
                (Ok(HugeCode::Kept(_)), _) => 0,
                _ => 2,
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

    /// Whether a child forked now has the range mapped in huge pages before running it.
    fn child_sees_huge_code(start: usize, len: usize) -> bool {
        // SAFETY: the grandchild only reads /proc and leaves with _exit.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            let huge = anon_huge_bytes(start, len).unwrap_or(0);
            // SAFETY: as above.
            unsafe { libc::_exit(i32::from(huge != len)) };
        }
        let mut status = 0;
        // SAFETY: waits for the grandchild forked above.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0
    }
}
