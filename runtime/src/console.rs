//! Ops behind `console` and the runtime's own log lines from JS.
//!
//! Formatting happens in JS (`10_console.js`); Rust only writes the finished text, to stdout
//! for debug/log/info and to stderr for warn/error, as browsers' consoles separate them.

use std::io::Write;

use crate::bindings::{OpError, OpResult};
use crate::op;

op! {
    /// Writes one console message; `level` is 0 debug, 1 log/info, 2 warn, 3 error.
    fn op_console_print(scope, level: u32, text: String) -> OpResult<()> {
        let result = if level >= 2 {
            writeln!(std::io::stderr().lock(), "{text}")
        } else {
            writeln!(std::io::stdout().lock(), "{text}")
        };
        // A closed stdout (a pipe whose reader left) must not turn into a JS exception in
        // every handler that logs.
        drop(result);
        Ok(())
    }
}

op! {
    /// Emits a runtime log line (through `tracing`) on behalf of the built-in JS.
    fn op_log(scope, level: String, message: String) -> OpResult<()> {
        match level.as_str() {
            "error" => tracing::error!(target: "aworker::js", "{message}"),
            "warn" => tracing::warn!(target: "aworker::js", "{message}"),
            "info" => tracing::info!(target: "aworker::js", "{message}"),
            "debug" => tracing::debug!(target: "aworker::js", "{message}"),
            "trace" => tracing::trace!(target: "aworker::js", "{message}"),
            other => return Err(OpError::type_error(format!("unknown log level '{other}'"))),
        }
        Ok(())
    }
}

/// Prints an error the runtime reports on the console's behalf (an uncaught exception or
/// rejection), where `console.error` output goes.
pub fn print_error(text: &str) {
    drop(writeln!(std::io::stderr().lock(), "{text}"));
}
