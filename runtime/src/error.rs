//! Errors of starting a worker, and the rendering of JS exceptions for people.
//!
//! A script that cannot be read or compiled is a setup problem (exit 2, one line naming
//! `path:line:col`); a script that throws while it starts is a failure of the program
//! (exit 1, with its JS stack).

use std::path::PathBuf;

use crate::modules::display_name;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{location}: {message}")]
    Syntax { location: String, message: String },

    #[error("cannot resolve '{specifier}'{}: {reason}", from(referrer))]
    Resolve {
        specifier: String,
        referrer: Option<String>,
        reason: String,
    },

    #[error("{path}: the source is too large for V8")]
    TooLarge { path: String },

    /// The script threw (or its module evaluation rejected) while starting.
    #[error("Uncaught {0}")]
    Uncaught(String),

    #[error("the \"{event}\" event failed: {reason}")]
    Lifecycle { event: &'static str, reason: String },

    #[error("top-level await never settled: the event loop ran out of work first")]
    StalledTopLevelAwait,

    #[error("{0}")]
    Internal(String),
}

/// " from <path>" for an error about an import, if the importer is known.
fn from(referrer: &Option<String>) -> String {
    referrer
        .as_ref()
        .map(|r| format!(" from {}", display_name(r)))
        .unwrap_or_default()
}

impl StartupError {
    /// The process exit code the CLI uses for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Uncaught(_) | Self::StalledTopLevelAwait | Self::Lifecycle { .. } => 1,
            _ => 2,
        }
    }
}

type TryCatchScope<'a, 'b, 'c, 'd> = v8::PinnedRef<'a, v8::TryCatch<'b, 'c, v8::HandleScope<'d>>>;

/// The compile error caught by `scope`, as `path:line:col: SyntaxError: ...`.
pub fn syntax_error(scope: &mut TryCatchScope<'_, '_, '_, '_>) -> StartupError {
    let message = scope
        .exception()
        .map(|exception| exception.to_rust_string_lossy(scope))
        .unwrap_or_else(|| "compilation failed".to_string());
    let location = scope.message().map(|msg| {
        let resource = msg
            .get_script_resource_name(scope)
            .map(|name| display_name(&name.to_rust_string_lossy(scope)))
            .unwrap_or_default();
        let line = msg.get_line_number(scope).unwrap_or(0);
        format!("{resource}:{line}:{}", msg.get_start_column() + 1)
    });
    StartupError::Syntax {
        location: location.unwrap_or_default(),
        message,
    }
}

/// The exception caught by `scope` while running start-up code.
pub fn uncaught(scope: &mut TryCatchScope<'_, '_, '_, '_>) -> StartupError {
    if scope.has_terminated() {
        return StartupError::Internal("execution was terminated".into());
    }
    match scope.exception() {
        Some(exception) => {
            let message = scope.message();
            StartupError::Uncaught(describe_exception(scope, exception, message))
        }
        None => StartupError::Internal("start-up failed without an exception".into()),
    }
}

/// The built-ins' `inspect()`, kept in an isolate slot so that exceptions the runtime prints
/// look like `console.error()` output. Absent while the built-ins are not set up (and removed
/// before a snapshot is written: V8 serialises no heap with live handles).
pub struct Inspect(pub v8::Global<v8::Function>);

/// Frames of the runtime's own JS: users cannot act on them, so the stacks shown to them skip
/// those lines (`inspect()` does the same for errors that JS prints).
const BUILTIN_FRAME: &str = "aworker:js/";

/// Renders a thrown value the way a console shows an uncaught one: through the built-ins'
/// `inspect()` (the stack of an Error, its `cause`, other values formatted), with where it was
/// thrown for values that carry no stack.
pub fn describe_exception(
    scope: &mut v8::PinScope<'_, '_>,
    exception: v8::Local<v8::Value>,
    message: Option<v8::Local<v8::Message>>,
) -> String {
    let has_stack = exception.is_native_error()
        && v8::Local::<v8::Object>::try_from(exception)
            .ok()
            .and_then(|object| {
                let key = v8::String::new(scope, "stack").expect("short string");
                object.get(scope, key.into())
            })
            .is_some_and(|stack| stack.is_string());
    let mut text = match inspect(scope, exception) {
        Some(text) => text,
        None => exception.to_rust_string_lossy(scope),
    };
    if has_stack {
        return text;
    }
    // V8 keeps no `stack` while it can still make a snapshot, but the message may have the
    // frames captured for uncaught exceptions.
    let trace = message
        .and_then(|message| message.get_stack_trace(scope))
        .filter(|trace| trace.get_frame_count() > 0);
    if let Some(trace) = trace {
        for index in 0..trace.get_frame_count() {
            let Some(frame) = trace.get_frame(scope, index) else {
                continue;
            };
            let script = frame
                .get_script_name(scope)
                .map(|name| name.to_rust_string_lossy(scope))
                .unwrap_or_default();
            if script.starts_with(BUILTIN_FRAME) {
                continue;
            }
            text.push_str(&format!(
                "\n    at {script}:{}:{}",
                frame.get_line_number(),
                frame.get_column()
            ));
        }
        return text;
    }
    if let Some(message) = message {
        let resource = message
            .get_script_resource_name(scope)
            .map(|name| name.to_rust_string_lossy(scope))
            .unwrap_or_default();
        let line = message.get_line_number(scope).unwrap_or(0);
        let column = message.get_start_column() + 1;
        if !resource.starts_with(BUILTIN_FRAME) {
            text.push_str(&format!("\n    at {resource}:{line}:{column}"));
        }
    }
    text
}

/// `inspect(value)` of the built-ins, or `None` where JS cannot run (no built-ins yet, a
/// terminating isolate) or the formatter threw.
fn inspect(scope: &mut v8::PinScope<'_, '_>, value: v8::Local<v8::Value>) -> Option<String> {
    if scope.is_execution_terminating() {
        return None;
    }
    let function = scope.get_slot::<Inspect>()?.0.clone();
    let function = v8::Local::new(scope, function);
    let undefined = v8::undefined(scope).into();
    v8::tc_scope!(let scope, scope);
    let text = function.call(scope, undefined, &[value])?;
    text.is_string().then(|| text.to_rust_string_lossy(scope))
}
