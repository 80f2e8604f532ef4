//! User snapshots: a worker's heap after its script ran, written to a file and restored.
//!
//! The file is a header and V8's startup blob. V8 trusts a blob completely (a wrong one
//! crashes the process), so the header names the aworker build that wrote it and carries a
//! checksum: a file from another build, a newer format or a damaged copy is refused with the
//! reason before V8 sees it.
//!
//! | bytes | field |
//! |---|---|
//! | 8 | magic `AWSNAP\r\n` |
//! | 4 | format version, little-endian |
//! | 8 | build id of the writer (`BUILD_ID`) |
//! | 8 | payload length |
//! | 8 | CRC-32 (zero-extended) of the payload |
//! | … | the V8 startup blob |

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::StartupError;
use crate::worker::{Lifecycle, MainScript, RunUntil, TimeZone, Worker, WorkerOptions, BUILD_ID};

const MAGIC: &[u8; 8] = b"AWSNAP\r\n";
pub const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 8 + 4 + 8 + 8 + 8;

/// How long `snapshot build` lets the event loop drain after `serialize`; timers still armed
/// then block the snapshot.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{}: cannot use this snapshot: {reason}", path.display())]
    Invalid { path: PathBuf, reason: String },

    #[error("{}", refusal(&format!("cannot snapshot {script}"), blockers))]
    Refused {
        script: String,
        blockers: Vec<String>,
    },

    #[error(transparent)]
    Startup(#[from] StartupError),
}

impl SnapshotError {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Startup(error) => error.exit_code(),
            Self::Refused { .. } => 1,
            Self::Io { .. } | Self::Invalid { .. } => 2,
        }
    }
}

/// The payload checksum: CRC-32, hardware-accelerated, so a 6 MB snapshot costs well under a
/// millisecond to check (a byte-wise hash cost more than V8's whole restore).
fn checksum(bytes: &[u8]) -> u64 {
    u64::from(crc32fast::hash(bytes))
}

/// Why state cannot be frozen (a snapshot or a fork point), with what to do about it.
pub fn refusal(what: &str, blockers: &[String]) -> String {
    format!(
        "{what}:\n  - {}\nclear them in a \"serialize\" listener, or start them again in a \
         \"deserialize\" listener",
        blockers.join("\n  - ")
    )
}

/// The snapshot file for a V8 blob written by this build.
pub fn encode(blob: &[u8]) -> Vec<u8> {
    let mut file = Vec::with_capacity(HEADER_LEN + blob.len());
    file.extend_from_slice(MAGIC);
    file.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    file.extend_from_slice(&BUILD_ID.to_le_bytes());
    file.extend_from_slice(&(blob.len() as u64).to_le_bytes());
    file.extend_from_slice(&checksum(blob).to_le_bytes());
    file.extend_from_slice(blob);
    file
}

/// The V8 blob of a snapshot file, after checking that this build can restore it.
pub fn decode(path: &Path, mut file: Vec<u8>) -> Result<Vec<u8>, SnapshotError> {
    let invalid = |reason: String| SnapshotError::Invalid {
        path: path.to_path_buf(),
        reason,
    };
    if file.len() < HEADER_LEN || &file[..8] != MAGIC {
        return Err(invalid(
            "it is not an aworker snapshot (no AWSNAP header)".into(),
        ));
    }
    let u64_at = |at: usize| u64::from_le_bytes(file[at..at + 8].try_into().expect("8 bytes"));
    let version = u32::from_le_bytes(file[8..12].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(invalid(format!(
            "it has format version {version}; this aworker reads version {FORMAT_VERSION}"
        )));
    }
    if u64_at(12) != BUILD_ID {
        return Err(invalid(
            "it was written by another aworker build; build it again with this one".into(),
        ));
    }
    let payload = &file[HEADER_LEN..];
    let length = u64_at(20);
    if payload.len() as u64 != length {
        return Err(invalid(format!(
            "it is truncated or damaged ({} of {length} payload bytes)",
            payload.len()
        )));
    }
    if checksum(payload) != u64_at(28) {
        return Err(invalid("it is damaged (checksum mismatch)".into()));
    }
    file.drain(..HEADER_LEN);
    Ok(file)
}

/// Reads and checks a snapshot file.
pub fn read(path: &Path) -> Result<Vec<u8>, SnapshotError> {
    let started = std::time::Instant::now();
    let file = std::fs::read(path).map_err(|source| SnapshotError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let blob = decode(path, file)?;
    tracing::debug!(
        ms = started.elapsed().as_secs_f64() * 1e3,
        "snapshot file read and checked"
    );
    Ok(blob)
}

/// `aworker snapshot build`: runs the script, dispatches `serialize`, drains the event loop
/// and returns the snapshot file's bytes.
pub async fn build(script: &MainScript, options: WorkerOptions) -> Result<Vec<u8>, SnapshotError> {
    let mut worker = Worker::for_snapshot(options)?;
    match prepare(&mut worker, script).await {
        Ok(()) => Ok(encode(&worker.into_snapshot_blob()?)),
        Err(error) => {
            // V8 requires a snapshot creator to end in a blob, and making one of a state we
            // refused could abort the process; the isolate is left to the exiting process.
            std::mem::forget(worker);
            Err(error)
        }
    }
}

async fn prepare(worker: &mut Worker, script: &MainScript) -> Result<(), SnapshotError> {
    worker.execute_main(script).await?;
    worker.dispatch_lifecycle(Lifecycle::Serialize).await?;
    // Whatever is still armed after the drain is reported below, not waited for.
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, worker.run_event_loop(RunUntil::Idle)).await;

    let blockers = worker.freeze_blockers();
    if blockers.is_empty() {
        return Ok(());
    }
    let script = script.path.display().to_string();
    Err(SnapshotError::Refused { script, blockers })
}

/// Restores a worker from a snapshot file's blob: resume, then `deserialize`.
pub async fn restore(options: WorkerOptions, blob: Vec<u8>) -> Result<Worker, SnapshotError> {
    let started = std::time::Instant::now();
    let mut worker = Worker::from_snapshot(options, blob)?;
    let restored = started.elapsed();
    worker.resume(TimeZone::Redetect);
    worker.dispatch_lifecycle(Lifecycle::Deserialize).await?;
    tracing::debug!(
        restore_ms = restored.as_secs_f64() * 1e3,
        total_ms = started.elapsed().as_secs_f64() * 1e3,
        "snapshot restored"
    );
    Ok(worker)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_round_trips() {
        let blob = b"v8 blob bytes".to_vec();
        assert_eq!(decode(Path::new("a.snap"), encode(&blob)).unwrap(), blob);
    }

    #[test]
    fn damage_is_refused_with_the_reason() {
        let path = Path::new("a.snap");
        let file = encode(b"v8 blob bytes");
        let reason = |file: &[u8]| decode(path, file.to_vec()).unwrap_err().to_string();

        assert!(reason(b"#!/bin/sh\n").contains("not an aworker snapshot"));
        assert!(reason(&file[..file.len() - 1]).contains("truncated"));

        let mut flipped = file.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(reason(&flipped).contains("checksum mismatch"));

        let mut other_build = file.clone();
        other_build[12] ^= 1;
        assert!(reason(&other_build).contains("another aworker build"));

        let mut newer = file.clone();
        newer[8] = 2;
        assert!(reason(&newer).contains("format version 2"));
        assert!(reason(&newer).starts_with("a.snap: cannot use this snapshot: "));
    }
}
