//! Embeds the built-in JS and bakes it into a V8 startup snapshot.
//!
//! Every `js/NN_name.js` is embedded in the order of its number (for start-up from source),
//! and evaluated once here into a startup snapshot that a worker starts from instead. The
//! snapshot is made with a stand-in op dispatcher: bootstrapping must not call ops (see
//! `src/bootstrap.rs`), and the op order is read from the op table in `src/bindings.rs`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

#[path = "src/bootstrap.rs"]
mod bootstrap;

static OP_CALLED: AtomicBool = AtomicBool::new(false);

/// Stands in for the op dispatcher while the snapshot is made.
unsafe extern "C" fn no_ops(_: *const v8::FunctionCallbackInfo) {
    OP_CALLED.store(true, Ordering::SeqCst);
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    for input in ["js", "src/bindings.rs", "src/bootstrap.rs"] {
        println!("cargo:rerun-if-changed={}", manifest.join(input).display());
    }

    let files = builtin_files(&manifest.join("js"));
    // A directory's own mtime changes only when entries come or go: list every file too.
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let mut list = String::from("/// The built-in JS files, in load order: (name, source).\n");
    list.push_str("pub static BUILTINS: &[(&str, &str)] = &[\n");
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        writeln!(
            list,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    list.push_str("];\n");
    std::fs::write(out_dir.join("builtins.rs"), list).expect("OUT_DIR is writable");

    let op_names = op_names(&manifest.join("src/bindings.rs"));
    let sources: Vec<(String, String)> = files
        .iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            (
                name,
                std::fs::read_to_string(path).expect("built-in is readable"),
            )
        })
        .collect();
    let snapshot = make_snapshot(&op_names, &sources);
    std::fs::write(out_dir.join("builtins.snap"), &snapshot).expect("OUT_DIR is writable");

    let mut generated = String::new();
    writeln!(
        generated,
        "/// The startup snapshot of the built-ins, made by build.rs."
    )
    .unwrap();
    let path = out_dir.join("builtins.snap").display().to_string();
    writeln!(
        generated,
        "pub static BUILTIN_SNAPSHOT: &[u8] = include_bytes!({path:?});"
    )
    .unwrap();
    writeln!(generated, "/// The op order the snapshot was made with.").unwrap();
    writeln!(
        generated,
        "pub static SNAPSHOT_OP_NAMES: &[&str] = &{op_names:?};"
    )
    .unwrap();
    writeln!(
        generated,
        "/// Identifies this build: user snapshots made by another are refused."
    )
    .unwrap();
    let build_id = fnv1a(&[&snapshot, env!("CARGO_PKG_VERSION").as_bytes()]);
    writeln!(generated, "pub const BUILD_ID: u64 = {build_id:#018x};").unwrap();
    std::fs::write(out_dir.join("snapshot.rs"), generated).expect("OUT_DIR is writable");
}

fn builtin_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("runtime/js exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "js"))
        .collect();
    files.sort();
    for path in &files {
        let name = path
            .file_name()
            .unwrap()
            .to_str()
            .expect("ASCII file names");
        assert!(
            name.len() > 2 && name.as_bytes()[..2].iter().all(u8::is_ascii_digit),
            "runtime/js/{name}: built-in files start with a two-digit load order"
        );
    }
    files
}

/// The op names listed in `op_table![...]`, in order: the last segment of each path.
fn op_names(bindings: &Path) -> Vec<String> {
    let source = std::fs::read_to_string(bindings).expect("src/bindings.rs is readable");
    let start = source
        .find("\nop_table![")
        .expect("src/bindings.rs has an op_table![] list");
    let table = &source[start..];
    let end = table.find("];").expect("the op table ends with `];`");
    table["\nop_table![".len()..end]
        .split(',')
        .map(str::trim)
        .filter(|path| !path.is_empty())
        .map(|path| path.rsplit("::").next().unwrap().to_owned())
        .collect()
}

fn make_snapshot(op_names: &[String], sources: &[(String, String)]) -> Vec<u8> {
    v8::V8::set_flags_from_string(bootstrap::V8_FLAGS);
    let platform = v8::new_single_threaded_default_platform(false).make_shared();
    v8::V8::initialize_platform(platform);
    v8::V8::initialize();

    let names: Vec<&str> = op_names.iter().map(String::as_str).collect();
    let builtins: Vec<(&str, &str)> = sources
        .iter()
        .map(|(name, source)| (name.as_str(), source.as_str()))
        .collect();
    let references = vec![v8::ExternalReference { function: no_ops }];
    let mut creator = v8::Isolate::snapshot_creator(Some(references.into()), None);
    {
        v8::scope!(let scope, &mut creator);
        let context = v8::Context::new(scope, Default::default());
        let scope = &mut v8::ContextScope::new(scope, context);
        let internals = bootstrap::evaluate_builtins(scope, &names, no_ops, &builtins)
            .unwrap_or_else(|error| panic!("cannot snapshot the built-ins: {error}"));
        assert!(
            !OP_CALLED.load(Ordering::SeqCst),
            "a built-in called an op while loading; the snapshot cannot hold its result"
        );
        scope.set_default_context(context);
        let index = scope.add_context_data(context, internals);
        assert_eq!(index, bootstrap::INTERNALS_INDEX);
    }
    let blob = creator
        .create_blob(v8::FunctionCodeHandling::Keep)
        .expect("V8 creates the snapshot");
    blob.to_vec()
}

fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in parts.iter().flat_map(|part| part.iter()) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}
