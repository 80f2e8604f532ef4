//! `aworker-wpt`: runs the WPT subset against `aworker` and checks or updates expectations.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use wpt::expectations::{Expectations, PLACEHOLDER};
use wpt::{report, Config};

#[derive(Debug, Parser)]
#[command(
    name = "aworker-wpt",
    about = "Runs the Web Platform Tests against aworker"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    options: Options,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the tests and compare them with the expectations (the default).
    Run,
    /// Run the tests and rewrite the expectations of those that ran, keeping existing reasons.
    Update,
    /// Print the ids of the tests the filters select, without running them.
    List,
}

#[derive(Debug, clap::Args)]
struct Options {
    /// Run only tests whose path starts with this (`url/`, `fetch/api/basic/`); repeatable.
    #[arg(long, global = true, value_name = "PATH")]
    filter: Vec<String>,

    /// Tests to run at once, each in its own aworker process.
    #[arg(long, short, global = true, default_value_t = 2)]
    jobs: usize,

    /// Write a wptreport JSON (wpt.fyi's format) to this file.
    #[arg(long, global = true, value_name = "FILE")]
    json: Option<PathBuf>,

    /// Print every test's status and console output.
    #[arg(long, short, global = true)]
    verbose: bool,

    /// Print the WPT server's log of every request.
    #[arg(long, global = true)]
    server_log: bool,

    /// The WPT checkout.
    #[arg(long, global = true, env = "WPT_ROOT", value_name = "DIR")]
    wpt_root: Option<PathBuf>,

    /// The aworker executable (default: `aworker` next to this executable).
    #[arg(long, global = true, env = "AWORKER_BIN", value_name = "FILE")]
    aworker: Option<PathBuf>,

    /// A Python with wptserve installed (ci/install-wpt).
    #[arg(
        long,
        global = true,
        env = "WPT_PYTHON",
        default_value = "python3",
        value_name = "FILE"
    )]
    python: PathBuf,

    /// The folder of expectation files.
    #[arg(long, global = true, value_name = "DIR")]
    expectations: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("aworker-wpt: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Ok(true) when every result was expected (or the expectations were updated).
fn run(cli: Cli) -> Result<bool> {
    let update = matches!(cli.command, Some(Command::Update));
    let config = config(&cli.options)?;
    let json = cli.options.json;

    let tests = wpt::discover_tests(&config)?;
    if matches!(cli.command, Some(Command::List)) {
        for test in &tests {
            println!("{}", test.id);
        }
        return Ok(true);
    }
    let mut expectations = Expectations::load(&config.expectations_dir)?;
    eprintln!(
        "aworker-wpt: {} tests from {}",
        tests.len(),
        config.wpt_root.display()
    );
    let report = wpt::run_tests(&config, &tests, &expectations)?;

    print!("{}", report::summary_table(&report));
    if let Some(path) = json {
        let value = report::wptreport(&report, env!("CARGO_PKG_VERSION"));
        let text = serde_json::to_string_pretty(&value)?;
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("aworker-wpt: wrote {}", path.display());
    }

    if update {
        for test in &report.tests {
            if let wpt::TestResult::Ran { outcome, .. } = &test.result {
                expectations.record(&test.test, outcome);
            }
        }
        if config.filters.is_empty() {
            expectations.retain_tests(&tests);
        }
        expectations.save(&config.expectations_dir)?;
        let todo = expectations.placeholders();
        eprintln!("aworker-wpt: updated {}", config.expectations_dir.display());
        if !todo.is_empty() {
            eprintln!(
                "aworker-wpt: {} entries need a reason (search for `{PLACEHOLDER}`)",
                todo.len()
            );
        }
        return Ok(true);
    }

    let unexpected = report.unexpected_count();
    if unexpected > 0 {
        eprintln!(
            "aworker-wpt: {unexpected} tests differ from the expectations; fix them or record \
             the change with `aworker-wpt update` (see wpt/README.md)"
        );
    }
    Ok(unexpected == 0)
}

/// Validates the flags into a [`Config`].
fn config(options: &Options) -> Result<Config> {
    let Some(wpt_root) = options.wpt_root.clone() else {
        bail!("no WPT checkout: {}", wpt::HOW_TO_GET_WPT);
    };
    if options.jobs == 0 {
        bail!("--jobs must be at least 1");
    }
    let aworker = match &options.aworker {
        Some(path) => path.clone(),
        None => wpt::default_aworker_bin()?,
    };
    Ok(Config {
        wpt_root,
        aworker,
        python: options.python.clone(),
        expectations_dir: options
            .expectations
            .clone()
            .unwrap_or_else(wpt::default_expectations_dir),
        filters: options.filter.clone(),
        jobs: options.jobs,
        verbose: options.verbose,
        server_log: options.server_log,
        progress: std::io::stderr().is_terminal(),
    })
}
