//! Embeds the built-in JS: every `js/NN_name.js`, in the order of its number.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("js");
    println!("cargo:rerun-if-changed={}", dir.display());

    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("runtime/js exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "js"))
        .collect();
    files.sort();

    let mut out = String::from("/// The built-in JS files, in load order: (name, source).\n");
    out.push_str("pub static BUILTINS: &[(&str, &str)] = &[\n");
    for path in &files {
        let name = path
            .file_name()
            .unwrap()
            .to_str()
            .expect("ASCII file names");
        assert!(
            name.as_bytes()[..2].iter().all(u8::is_ascii_digit),
            "runtime/js/{name}: built-in files start with a two-digit load order"
        );
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out_dir.join("builtins.rs"), out).expect("OUT_DIR is writable");
}
