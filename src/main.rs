//! The `quire` binary: parse the command line, set up logging, run, report errors.

use clap::Parser;

fn main() -> std::process::ExitCode {
    quire::logging::init();
    let cli = quire::cli::Cli::parse();
    match quire::cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::from(2)
        }
    }
}
