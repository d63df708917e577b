//! The `mentionmap` command: parse flags, run, print one line per error
//! (`cli/exit.rs` holds the exit-code policy).

mod cli;

use clap::Parser;

/// mimalloc rather than the system allocator: frees from another thread (every
/// document of a batch is mapped on a worker and dropped on the main thread) go to
/// a per-thread list instead of taking a lock (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = cli::Cli::try_parse().unwrap_or_else(|e| cli::exit::clap_failure(e));
    // Before any thread starts: threads inherit the blocked interrupts.
    cli::exit::clean_up_on_interrupt();
    if !matches!(cli.command, cli::Command::Serve(_)) {
        cli::exit::die_quietly_on_closed_pipe();
    }
    match cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(e) => cli::exit::fail(&e),
    }
}
