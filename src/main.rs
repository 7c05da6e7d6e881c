use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = ketnoi::cli::Cli::parse();
    match ketnoi::run::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line, the whole cause chain: configuration mistakes must be easy to read.
            eprintln!("ketnoi: {}", ketnoi::db::one_line(&format!("{error:#}")));
            ExitCode::FAILURE
        }
    }
}
