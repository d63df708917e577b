//! The `mentionmap` command: parse flags, run, print one line per error.

mod cli;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("mentionmap: error: {e}");
            std::process::exit(e.exit_code());
        }
    }
}
