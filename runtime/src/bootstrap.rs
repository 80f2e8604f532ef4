//! Setting up the global scope from the built-in JS, shared by the runtime and by the build
//! script that bakes the result into the startup snapshot.
//!
//! This file depends on nothing but `v8` and std, because `build.rs` includes it too. Every
//! op is one JS function around a single native callback, the op dispatcher, with the op's
//! index as its data: a snapshot then needs one external reference for all ops, and the build
//! script can create the snapshot with a stand-in dispatcher (it never calls an op) while
//! the runtime restores it with the real one. The op order is therefore part of the snapshot;
//! `SNAPSHOT_OP_NAMES` (written by the build script) lets the runtime check it.

/// The V8 flags of every isolate, at build time and at run time alike (a snapshot must be
/// restored with the flags it was made with).
pub const V8_FLAGS: &str = "--single-threaded";

/// The context-data index of the `internals` object in a startup snapshot.
pub const INTERNALS_INDEX: usize = 0;

/// The origin of a script or module named `name` (a URL), as stacks and messages show it.
pub fn script_origin<'s>(
    scope: &mut v8::PinScope<'s, '_>,
    name: &str,
    is_module: bool,
) -> v8::ScriptOrigin<'s> {
    let name = v8::String::new(scope, name).expect("script names are short");
    v8::ScriptOrigin::new(
        scope,
        name.into(),
        0,
        0,
        false,
        0,
        None,
        false,
        false,
        is_module,
        None,
    )
}

/// Builds the `ops` object: `ops[name]` calls `dispatch` with its index in `names` as data.
pub fn create_ops_object<'s>(
    scope: &mut v8::PinScope<'s, '_>,
    names: &[&str],
    dispatch: v8::FunctionCallback,
) -> v8::Local<'s, v8::Object> {
    let ops = v8::Object::new(scope);
    for (index, name) in names.iter().enumerate() {
        let key = v8::String::new(scope, name).expect("op names are short ASCII");
        let index = v8::Integer::new_from_unsigned(scope, index as u32);
        let function = v8::Function::builder_raw(dispatch)
            .data(index.into())
            .constructor_behavior(v8::ConstructorBehavior::Throw)
            .build(scope)
            .expect("creating a native function cannot fail outside of termination");
        function.set_name(key);
        ops.set(scope, key.into(), function.into());
    }
    ops
}

/// Evaluates the built-in files in order (each evaluates to `(ops, internals) => {}`) and
/// returns `internals`. The context must be entered.
pub fn evaluate_builtins<'s>(
    scope: &mut v8::PinScope<'s, '_>,
    op_names: &[&str],
    dispatch: v8::FunctionCallback,
    builtins: &[(&str, &str)],
) -> Result<v8::Local<'s, v8::Object>, String> {
    let ops = create_ops_object(scope, op_names, dispatch);
    let internals = v8::Object::new(scope);
    // The mark of platform objects (js/00_infra.js): a private symbol keys a property that
    // scripts, proxies and property enumeration never see; structuredClone() looks for it.
    let name = v8::String::new(scope, "platform object").expect("a short name");
    let brand = v8::Private::new(scope, Some(name));
    // SAFETY: a private symbol is a Symbol in V8's heap; the built-ins use it only as a
    // property key, as V8's own natives do.
    let brand =
        unsafe { v8::Local::<v8::Value>::cast_unchecked(v8::Local::<v8::Data>::from(brand)) };
    let key = v8::String::new(scope, "platformBrand").expect("a short name");
    internals.set(scope, key.into(), brand);
    let undefined = v8::undefined(scope).into();
    for (name, source) in builtins {
        v8::tc_scope!(let scope, scope);
        let code = v8::String::new(scope, source).ok_or("a built-in is too large")?;
        let origin = script_origin(scope, &format!("aworker:js/{name}"), false);
        let function = v8::Script::compile(scope, code, Some(&origin))
            .and_then(|script| script.run(scope))
            .and_then(|value| v8::Local::<v8::Function>::try_from(value).ok());
        let ran = function.and_then(|f| f.call(scope, undefined, &[ops.into(), internals.into()]));
        if ran.is_none() {
            let error = match (scope.exception(), scope.message()) {
                (Some(exception), Some(message)) => {
                    let line = message.get_line_number(scope).unwrap_or(0);
                    format!("{}: line {line}", exception.to_rust_string_lossy(scope))
                }
                (Some(exception), None) => exception.to_rust_string_lossy(scope),
                _ => "it does not evaluate to a function".to_string(),
            };
            return Err(format!("built-in {name} failed: {error}"));
        }
    }
    Ok(internals)
}
