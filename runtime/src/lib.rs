//! aworker: a Web-interoperable JavaScript runtime for server-side business logic.
//!
//! One process, one thread: V8 on its single-threaded platform and a current-thread tokio
//! runtime share the thread, so a ready worker can later be cloned with `fork()`. See
//! ARCHITECTURE.md at the repository root for the map.

pub mod bindings;
pub mod cli;
pub mod console;
pub mod encoding;
pub mod error;
pub mod fetch_event;
pub mod modules;
pub mod platform;
pub mod serve;
pub mod state;
pub mod timers;
pub mod worker;

pub use worker::{MainScript, ScriptKind, Worker};
