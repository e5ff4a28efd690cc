//! The `medic` binary: parses the command line, sets up logging on stderr,
//! runs the command and maps the outcome to an exit code (see `--help`).

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use medic::cli::Cli;
use medic::ops::{EXIT_ERROR, dispatch};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.global.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("medic: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(code) => code,
        Err(e) => {
            let message = format!("medic: error: {e:#}");
            eprintln!("{}", medic::redact::Redactor::defaults().redact(&message));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "medic=warn",
        1 => "medic=info",
        _ => "medic=debug",
    };
    let filter = EnvFilter::try_from_env("MEDIC_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| RedactedStderr)
        .with_target(false)
        .init();
}

/// stderr for logs, with secrets scrubbed from every line: a host's error
/// message or a URL can carry a password as easily as a report can.
struct RedactedStderr;

impl std::io::Write for RedactedStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let clean = medic::redact::Redactor::defaults()
            .redact(&text)
            .into_owned();
        std::io::stderr().write_all(clean.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}
