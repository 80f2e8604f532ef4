//! V8's process-wide set-up: one single-threaded platform, initialised once.
//!
//! `--single-threaded` keeps V8 from starting compiler, GC or WebAssembly helper threads; the
//! single-threaded platform then queues their work as foreground tasks, which the event loop
//! runs by pumping the platform. One thread is what makes a `fork()` of a live worker safe.

use std::sync::OnceLock;

static PLATFORM: OnceLock<v8::SharedRef<v8::Platform>> = OnceLock::new();

/// Initialises V8 on first use and returns the platform the event loop pumps.
pub fn platform() -> &'static v8::SharedRef<v8::Platform> {
    PLATFORM.get_or_init(|| {
        v8::V8::set_flags_from_string("--single-threaded");
        let platform = v8::new_single_threaded_default_platform(false).make_shared();
        v8::V8::initialize_platform(platform.clone());
        v8::V8::initialize();
        platform
    })
}

/// Runs the platform's queued foreground tasks (GC steps, WebAssembly compilation, ...);
/// returns whether any ran. Bounded, so a task that keeps posting tasks cannot starve I/O.
pub fn pump(isolate: &v8::Isolate) -> bool {
    const MAX_TASKS_PER_PUMP: usize = 64;
    let platform = platform();
    let mut ran = false;
    for _ in 0..MAX_TASKS_PER_PUMP {
        if !v8::Platform::pump_message_loop(platform, isolate, false) {
            break;
        }
        ran = true;
    }
    ran
}
