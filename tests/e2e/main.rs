//! End-to-end tests: the built `aworker` executable, driven over HTTP and the command line.
//! One test binary for all of them, so V8-free test code links once.

mod cli;
mod console;
mod encoding;
mod globals;
mod serve;
mod snapshot;
mod structured_clone;
mod urlpattern;
mod warmfork;
