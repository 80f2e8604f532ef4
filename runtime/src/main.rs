//! The `aworker` command; everything but the entry point is in the library.

fn main() -> std::process::ExitCode {
    aworker::cli::main()
}
