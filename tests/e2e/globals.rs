//! What a script can reach from the global object: the ECMAScript built-ins, the Web APIs
//! this runtime implements, and nothing of the host.

use std::collections::BTreeSet;

use aworker_tests::{fixture, run_aworker};

/// ECMAScript's globals as V8 provides them (including Intl, Temporal and WebAssembly). A V8
/// upgrade that adds one fails this test on purpose: a new global deserves a look.
const ECMASCRIPT: &[&str] = &[
    "AggregateError",
    "Array",
    "ArrayBuffer",
    "AsyncDisposableStack",
    "Atomics",
    "BigInt",
    "BigInt64Array",
    "BigUint64Array",
    "Boolean",
    "DataView",
    "Date",
    "DisposableStack",
    "Error",
    "EvalError",
    "FinalizationRegistry",
    "Float16Array",
    "Float32Array",
    "Float64Array",
    "Function",
    "Infinity",
    "Int16Array",
    "Int32Array",
    "Int8Array",
    "Intl",
    "Iterator",
    "JSON",
    "Map",
    "Math",
    "NaN",
    "Number",
    "Object",
    "Promise",
    "Proxy",
    "RangeError",
    "ReferenceError",
    "Reflect",
    "RegExp",
    "Set",
    "SharedArrayBuffer",
    "String",
    "SuppressedError",
    "Symbol",
    "SyntaxError",
    "Temporal",
    "TypeError",
    "URIError",
    "Uint16Array",
    "Uint32Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "WeakMap",
    "WeakRef",
    "WeakSet",
    "WebAssembly",
    "decodeURI",
    "decodeURIComponent",
    "encodeURI",
    "encodeURIComponent",
    "escape",
    "eval",
    "globalThis",
    "isFinite",
    "isNaN",
    "parseFloat",
    "parseInt",
    "undefined",
    "unescape",
];

/// The Web platform: interfaces, and the members of ServiceWorkerGlobalScope, its parent
/// interfaces and EventTarget (`constructor` and `Symbol(Symbol.toStringTag)` come from the
/// prototypes).
const WEB: &[&str] = &[
    "AbortController",
    "AbortSignal",
    "Blob",
    "Clients",
    "Crypto",
    "CustomEvent",
    "DOMException",
    "ErrorEvent",
    "Event",
    "EventTarget",
    "ExtendableEvent",
    "FetchEvent",
    "File",
    "FileReader",
    "FormData",
    "Headers",
    "Performance",
    "PerformanceEntry",
    "PerformanceMark",
    "PerformanceMeasure",
    "PerformanceObserver",
    "PerformanceObserverEntryList",
    "ProgressEvent",
    "PromiseRejectionEvent",
    "ReadableStream",
    "ReadableStreamDefaultController",
    "ReadableStreamDefaultReader",
    "Request",
    "Response",
    "ServiceWorker",
    "ServiceWorkerGlobalScope",
    "ServiceWorkerRegistration",
    "Symbol(Symbol.toStringTag)",
    "TextDecoder",
    "TextEncoder",
    "URL",
    "URLPattern",
    "URLSearchParams",
    "WorkerGlobalScope",
    "WorkerLocation",
    "WorkerNavigator",
    "addEventListener",
    "atob",
    "btoa",
    "clearInterval",
    "clearTimeout",
    "clients",
    "console",
    "constructor",
    "crossOriginIsolated",
    "crypto",
    "dispatchEvent",
    "fetch",
    "importScripts",
    "isSecureContext",
    "location",
    "navigator",
    "onactivate",
    "onerror",
    "onfetch",
    "oninstall",
    "onlanguagechange",
    "onmessage",
    "onmessageerror",
    "onoffline",
    "ononline",
    "onrejectionhandled",
    "onunhandledrejection",
    "origin",
    "performance",
    "queueMicrotask",
    "registration",
    "removeEventListener",
    "reportError",
    "self",
    "serviceWorker",
    "setInterval",
    "setTimeout",
    "skipWaiting",
    "structuredClone",
];

/// What Node.js, Deno and Bun expose and a Web runtime must not: named so that a failure
/// says which host API leaked.
const HOST: &[&str] = &[
    "Buffer",
    "Bun",
    "Deno",
    "__dirname",
    "__filename",
    "clearImmediate",
    "exports",
    "global",
    "module",
    "process",
    "require",
    "setImmediate",
];

#[test]
fn the_global_object_exposes_exactly_the_allowed_names() {
    let output = run_aworker(&["run", fixture("globals.js").to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let found: BTreeSet<&str> = stdout.lines().collect();

    let leaked: Vec<&str> = HOST
        .iter()
        .copied()
        .filter(|name| found.contains(name))
        .collect();
    assert!(
        leaked.is_empty(),
        "host APIs reachable from the global object: {leaked:?}"
    );

    let allowed: BTreeSet<&str> = ECMASCRIPT.iter().chain(WEB).copied().collect();
    let unexpected: Vec<&str> = found.difference(&allowed).copied().collect();
    let missing: Vec<&str> = allowed.difference(&found).copied().collect();
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "globals not on the allow-list: {unexpected:?}; allowed but missing: {missing:?}"
    );
}
