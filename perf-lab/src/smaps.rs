//! Memory of a server process tree from `/proc/<pid>/smaps_rollup`: RSS, PSS and USS.
//!
//! RSS counts every resident page the process maps, PSS splits shared pages evenly among the
//! processes sharing them, and USS counts only pages no other process maps (private clean plus
//! private dirty). PSS and USS are what matter for many workers on one host. A server that
//! forks helpers is measured as the sum over its process tree.
//!
//! USS also counts clean file pages (code) that only this process maps, although the page
//! cache keeps them for any process: a lone clone that ran code its seed never ran shows them
//! as its own. Private dirty is the memory a process alone keeps alive: written copy-on-write
//! and new anonymous pages.

use std::fs;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// Memory figures in KiB (the kernel's "kB").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    pub rss_kib: u64,
    pub pss_kib: u64,
    pub uss_kib: u64,
    pub private_dirty_kib: u64,
}

impl std::ops::Add for Memory {
    type Output = Memory;

    fn add(self, other: Memory) -> Memory {
        Memory {
            rss_kib: self.rss_kib + other.rss_kib,
            pss_kib: self.pss_kib + other.pss_kib,
            uss_kib: self.uss_kib + other.uss_kib,
            private_dirty_kib: self.private_dirty_kib + other.private_dirty_kib,
        }
    }
}

/// Parses the text of a `smaps_rollup` file.
///
/// The first line names the address range and is skipped; every other line is
/// `Name:   <number> kB`. Fields absent on older kernels count as zero, but `Rss` and `Pss`
/// must be there.
pub fn parse_smaps_rollup(text: &str) -> Result<Memory> {
    let mut rss = None;
    let mut pss = None;
    let mut private = 0;
    let mut dirty = 0;

    for line in text.lines() {
        let Some((name, rest)) = line.split_once(':') else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let (Some(number), Some("kB")) = (words.next(), words.next()) else {
            continue;
        };
        let kib: u64 = number
            .parse()
            .with_context(|| format!("smaps_rollup field {name} has a bad value {number:?}"))?;

        match name.trim() {
            "Rss" => rss = Some(kib),
            "Pss" => pss = Some(kib),
            "Private_Dirty" => {
                private += kib;
                dirty += kib;
            }
            "Private_Clean" | "Private_Hugetlb" => private += kib,
            _ => {}
        }
    }

    Ok(Memory {
        rss_kib: rss.context("smaps_rollup has no Rss line")?,
        pss_kib: pss.context("smaps_rollup has no Pss line")?,
        uss_kib: private,
        private_dirty_kib: dirty,
    })
}

/// Parses `/proc/<pid>/task/<tid>/children`: child pids separated by spaces.
pub fn parse_children(text: &str) -> Vec<u32> {
    text.split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect()
}

/// The pid and all its descendants, parents before children.
pub fn process_tree(pid: u32) -> Vec<u32> {
    let mut tree = vec![pid];
    let mut i = 0;
    while i < tree.len() {
        let tasks = format!("/proc/{}/task", tree[i]);
        for task in fs::read_dir(&tasks).into_iter().flatten().flatten() {
            let children = fs::read_to_string(task.path().join("children")).unwrap_or_default();
            for child in parse_children(&children) {
                if !tree.contains(&child) {
                    tree.push(child);
                }
            }
        }
        i += 1;
    }
    tree
}

/// The memory of `pid` and its descendants, summed.
pub fn measure_tree(pid: u32) -> Result<Memory> {
    let mut total = Memory::default();
    for p in process_tree(pid) {
        let path = format!("/proc/{p}/smaps_rollup");
        match fs::read_to_string(&path) {
            Ok(text) => {
                total = total + parse_smaps_rollup(&text).with_context(|| format!("in {path}"))?
            }
            // A helper that exited between listing and reading holds no memory any more.
            Err(_) if p != pid => {}
            Err(e) => return Err(e).with_context(|| format!("cannot read {path}")),
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLLUP: &str = "\
55d0c0a00000-7ffd3b5f1000 ---p 00000000 00:00 0                          [rollup]
Rss:               45312 kB
Pss:               38201 kB
Pss_Dirty:         30120 kB
Pss_Anon:          29000 kB
Pss_File:           9201 kB
Pss_Shmem:             0 kB
Shared_Clean:       9000 kB
Shared_Dirty:          0 kB
Private_Clean:      6200 kB
Private_Dirty:     30112 kB
Referenced:        45312 kB
Anonymous:         30112 kB
LazyFree:              0 kB
AnonHugePages:     12288 kB
ShmemPmdMapped:        0 kB
FilePmdMapped:         0 kB
Shared_Hugetlb:        0 kB
Private_Hugetlb:       0 kB
Swap:                  0 kB
SwapPss:               0 kB
Locked:                0 kB
";

    #[test]
    fn parses_rss_pss_and_uss() {
        let m = parse_smaps_rollup(ROLLUP).unwrap();
        assert_eq!(m.rss_kib, 45312);
        assert_eq!(m.pss_kib, 38201);
        assert_eq!(m.uss_kib, 6200 + 30112);
        assert_eq!(m.private_dirty_kib, 30112);
    }

    #[test]
    fn pss_dirty_does_not_shadow_pss() {
        let m = parse_smaps_rollup("x [rollup]\nPss_Dirty: 5 kB\nPss: 7 kB\nRss: 9 kB\n").unwrap();
        assert_eq!(m.pss_kib, 7);
    }

    #[test]
    fn missing_rss_is_an_error() {
        let err = parse_smaps_rollup("x [rollup]\nPss: 7 kB\n").unwrap_err();
        assert!(err.to_string().contains("Rss"), "{err}");
    }

    #[test]
    fn bad_number_names_the_field() {
        let err = parse_smaps_rollup("Rss: 1x kB\n").unwrap_err();
        assert!(err.to_string().contains("Rss"), "{err}");
    }

    #[test]
    fn children_list() {
        assert_eq!(parse_children("12 345 \n"), vec![12, 345]);
        assert!(parse_children("").is_empty());
    }

    #[test]
    fn measures_own_process() {
        let m = measure_tree(std::process::id()).unwrap();
        assert!(m.rss_kib > 0 && m.pss_kib > 0 && m.uss_kib > 0, "{m:?}");
        assert!(m.uss_kib <= m.pss_kib && m.pss_kib <= m.rss_kib, "{m:?}");
    }
}
