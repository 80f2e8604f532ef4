//! Ops behind the worker global scope itself: `importScripts()` and `location`.
//!
//! https://html.spec.whatwg.org/multipage/workers.html#importing-scripts-and-libraries:
//! scripts load synchronously. A server has no installed-scripts cache to consult later, so,
//! as for a service worker after installation, new scripts are refused once start-up is over.

use crate::bindings::{OpError, OpResult};
use crate::op;
use crate::state::state;

op! {
    /// Fetches and runs classic scripts in order, resolved against the main script; an
    /// exception of a script propagates to the caller.
    fn op_import_scripts(scope, specifiers: Vec<String>) -> OpResult<()> {
        let (base, started, root) = {
            let state = state(scope);
            let state = state.borrow();
            (state.main_url.clone(), state.started, state.script_root.clone())
        };
        if started {
            return Err(OpError::type_error(
                "importScripts() is only allowed while the worker starts",
            ));
        }
        let base = base.ok_or_else(|| OpError::type_error("importScripts() has no base URL"))?;
        // https://html.spec.whatwg.org/#import-scripts-into-worker-global-scope step 5:
        // resolve every URL first, so one bad URL loads nothing.
        let mut urls = Vec::with_capacity(specifiers.len());
        for specifier in &specifiers {
            let url = base.join(specifier).map_err(|_| {
                OpError::type_error(format!("importScripts(): invalid URL '{specifier}'"))
            })?;
            urls.push(url);
        }
        for url in urls {
            let path = url
                .to_file_path()
                .map_err(|()| OpError::type_error(format!("importScripts(): cannot load {url}")))?;
            if let Some(root) = &root {
                crate::modules::confine(&path, root)
                    .map_err(|why| OpError::type_error(format!("importScripts(): {why}")))?;
            }
            let source = std::fs::read_to_string(&path).map_err(|e| {
                OpError::type_error(format!("importScripts(): cannot read {}: {e}", path.display()))
            })?;
            if !run_script(scope, url.as_str(), &source) {
                // The exception is pending and propagates from this op to its caller.
                return Ok(());
            }
        }
        Ok(())
    }
}

/// Compiles and runs a classic script; on an exception, rethrows it to the caller and
/// returns false.
fn run_script(scope: &mut v8::PinScope<'_, '_>, name: &str, source: &str) -> bool {
    v8::tc_scope!(let scope, scope);
    let Some(code) = v8::String::new(scope, source) else {
        return false;
    };
    let origin = crate::worker::script_origin(scope, name, false);
    let ran = v8::Script::compile(scope, code, Some(&origin)).and_then(|script| script.run(scope));
    if ran.is_none() {
        scope.rethrow();
        return false;
    }
    true
}

op! {
    /// The worker's location (`--location`), or null.
    fn op_location(scope) -> OpResult<Option<String>> {
        Ok(state(scope).borrow().location.clone())
    }
}

op! {
    /// `navigator.userAgent`.
    fn op_user_agent(scope) -> OpResult<String> {
        Ok(crate::USER_AGENT.to_owned())
    }
}
