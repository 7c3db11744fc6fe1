//! `s3nn` — the command-line face: train, evaluate and count operations of single-step spiking
//! networks and their baselines.
//!
//! Human-readable output by default; `--json` prints exactly one JSON object per line (one per
//! epoch for `train`, then a summary). Errors never panic: they print `error: <message>` to stderr
//! and exit with status 2.
//!
//! `args` declares the flags (names and defaults from the core's catalog), `inputs` turns them
//! into data sets, networks and energy models, `commands/` runs one subcommand each, `report`
//! formats what they found, `save` writes the model file atomically.

mod args;
mod commands;
mod inputs;
mod report;
mod save;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command, CommonArgs};
use s3nn::S3nnError;

type CliResult<T> = std::result::Result<T, CliError>;

/// Everything that ends the program with `error: ...` and status 2.
#[derive(Debug)]
struct CliError(String);

impl From<S3nnError> for CliError {
    fn from(e: S3nnError) -> Self {
        CliError(e.to_string())
    }
}
impl From<String> for CliError {
    fn from(s: String) -> Self {
        CliError(s)
    }
}
impl From<&str> for CliError {
    fn from(s: &str) -> Self {
        CliError(s.to_string())
    }
}

fn main() -> ExitCode {
    // Safety net: a panic anywhere still ends as `error: ...` with status 2.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let loc = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("error: internal error: {msg}{loc}");
    }));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // --help / --version go to stdout with status 0; usage errors exit 2.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli)));
    match result {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(CliError(msg))) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}

fn run(cli: Cli) -> CliResult<()> {
    match cli.cmd {
        Command::Train(a) => {
            setup_threads(&a.common)?;
            commands::train::run(a)
        }
        Command::Eval(a) => {
            setup_threads(&a.common)?;
            commands::eval::run(a)
        }
        Command::Ops(a) => {
            setup_threads(&a.common)?;
            commands::ops::run(a)
        }
        Command::Export(a) => commands::export::run(a),
    }
}

fn setup_threads(c: &CommonArgs) -> CliResult<()> {
    if let Some(n) = c.threads {
        if n == 0 || n > 1024 {
            return Err(format!("--threads must be in 1..=1024, got {n}").into());
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .map_err(|e| format!("cannot set up {n} threads: {e}"))?;
    }
    Ok(())
}
