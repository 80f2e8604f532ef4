//! Ops behind `console` and the runtime's own log lines from JS.
//!
//! Formatting happens in JS (`05_inspect.js`, `10_console.js`); Rust only writes the finished
//! text, to stdout for debug/log/info and to stderr for warn/error, as browsers' consoles
//! separate them, and answers what JS cannot see without side effects: whether a value is a
//! Proxy (and its target, without running traps) and the state of a promise.

use std::io::{IsTerminal, Write};

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
    /// Prints a reported exception that no "error" listener canceled, and counts it:
    /// `aworker run` exits 1 after one.
    fn op_report_uncaught(scope, text: String) -> OpResult<()> {
        crate::state::state(scope).borrow_mut().uncaught += 1;
        print_error(&text);
        Ok(())
    }
}

op! {
    /// Whether the stream of a console `level` (as in `op_console_print`) is a terminal: colours
    /// for `%c` and `console.clear()` only make sense there. Asked on each use, never cached,
    /// as a snapshot or a clone may run with other streams.
    fn op_console_is_terminal(scope, level: u32) -> OpResult<bool> {
        Ok(if level >= 2 {
            std::io::stderr().is_terminal()
        } else {
            std::io::stdout().is_terminal()
        })
    }
}

/// A check of V8's for one kind of object with internal slots.
type KindCheck = fn(&v8::Value) -> bool;

/// The kinds of object `op_console_value_details` names, by V8's internal-slot checks.
const KINDS: &[(KindCheck, &str)] = &[
    (v8::Value::is_map, "map"),
    (v8::Value::is_set, "set"),
    (v8::Value::is_weak_map, "weakmap"),
    (v8::Value::is_weak_set, "weakset"),
    (v8::Value::is_date, "date"),
    (v8::Value::is_reg_exp, "regexp"),
    (v8::Value::is_native_error, "error"),
    (v8::Value::is_typed_array, "typedarray"),
    (v8::Value::is_array_buffer, "arraybuffer"),
    (v8::Value::is_shared_array_buffer, "sharedarraybuffer"),
    (v8::Value::is_data_view, "dataview"),
    (v8::Value::is_number_object, "number"),
    (v8::Value::is_string_object, "string"),
    (v8::Value::is_boolean_object, "boolean"),
    (v8::Value::is_big_int_object, "bigint"),
    (v8::Value::is_symbol_object, "symbol"),
    (v8::Value::is_arguments_object, "arguments"),
    (v8::Value::is_module_namespace_object, "module"),
    (v8::Value::is_generator_object, "generator"),
];

op! {
    /// What the formatter cannot learn from JS without running user code or throwing (brand
    /// checks by exception cost a stack trace each): `["proxy", target]` for a Proxy (`target`
    /// is `null` once revoked), `["promise", state, result]` for a promise (`state` is
    /// "pending", "fulfilled" or "rejected"; `result` is `undefined` while pending),
    /// `["mapiterator" | "setiterator", entries, pairs]` for the entries a Map or Set iterator
    /// has left (flat key, value pairs when `pairs`; the iterator does not move), the kind
    /// of an object with internal slots as a string ("map", "date", "error", ..., see
    /// `KINDS`), and `undefined` for anything else.
    fn op_console_value_details(scope, value: v8::Local<'s, v8::Value>)
        -> OpResult<v8::Local<'s, v8::Value>>
    {
        let details: Vec<v8::Local<v8::Value>> = if let Ok(proxy) =
            v8::Local::<v8::Proxy>::try_from(value)
        {
            let kind = v8::String::new(scope, "proxy").expect("short string");
            vec![kind.into(), proxy.get_target(scope)]
        } else if let Ok(promise) = v8::Local::<v8::Promise>::try_from(value) {
            let (state, result) = match promise.state() {
                v8::PromiseState::Pending => ("pending", v8::undefined(scope).into()),
                v8::PromiseState::Fulfilled => ("fulfilled", promise.result(scope)),
                v8::PromiseState::Rejected => ("rejected", promise.result(scope)),
            };
            let kind = v8::String::new(scope, "promise").expect("short string");
            let state = v8::String::new(scope, state).expect("short string");
            vec![kind.into(), state.into(), result]
        } else if value.is_map_iterator() || value.is_set_iterator() {
            // The entries left, without advancing the iterator; flat [key, value, ...] pairs
            // when it yields entries.
            let object = v8::Local::<v8::Object>::try_from(value)
                .map_err(|_| OpError::type_error("expected an iterator"))?;
            let (entries, pairs) = object.preview_entries(scope);
            let kind = if value.is_map_iterator() { "mapiterator" } else { "setiterator" };
            let kind = v8::String::new(scope, kind).expect("short string");
            let entries = match entries {
                Some(entries) => entries.into(),
                None => v8::Array::new(scope, 0).into(),
            };
            vec![kind.into(), entries, v8::Boolean::new(scope, pairs).into()]
        } else {
            let kind = KINDS.iter().find(|(is, _)| is(&value)).map(|(_, kind)| *kind);
            return Ok(match kind {
                Some(kind) => v8::String::new(scope, kind).expect("short string").into(),
                None => v8::undefined(scope).into(),
            });
        };
        Ok(v8::Array::new_with_elements(scope, &details).into())
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
