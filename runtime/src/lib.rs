//! aworker: a Web-interoperable JavaScript runtime for server-side business logic.
//!
//! One process, one thread: V8 on its single-threaded platform and a current-thread tokio
//! runtime share the thread, so a ready worker can later be cloned with `fork()`. See
//! ARCHITECTURE.md at the repository root for the map.

pub mod bindings;
pub mod bootstrap;
pub mod cli;
pub mod console;
pub mod crypto;
pub mod encoding;
pub mod error;
pub mod fetch;
pub mod fetch_event;
pub mod global_scope;
pub mod limits;
pub mod modules;
pub mod platform;
pub mod serve;
pub mod snapshot;
pub mod state;
pub mod structured_clone;
pub mod timers;
pub mod url;
pub mod urlpattern;
pub mod warmfork;
pub mod worker;

pub use worker::{Builtins, MainScript, ScriptKind, Worker, WorkerOptions};

/// `navigator.userAgent`, and the User-Agent of `fetch()`.
pub const USER_AGENT: &str = concat!("aworker/", env!("CARGO_PKG_VERSION"));
