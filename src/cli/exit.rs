//! How the process ends: one error format, one exit-code policy, and closed pipes.
//!
//! * Every error is one line on standard error, `mentionmap: error: ...`, whether
//!   clap or the library found it.
//! * Exit codes: 2 for a wrong command line (clap's own errors and
//!   [`Error::Usage`]: unknown layers, a latitude of 95, flags that do not go
//!   together), then the library's codes ([`Error::exit_code`]): 3 input,
//!   4 gazetteer, 5 output, 7 network; the commands add 6 (empty input) and
//!   8 (some batch documents failed).
//! * A reader that closes the pipe early (`| head -1`) ends mentionmap quietly, as it
//!   ends `cat` or `grep`: the default action of SIGPIPE is restored at start, so no
//!   write to standard output ever panics on a broken pipe, whichever command made it.

use mentionmap::Error;

/// Prints `e` as one line and exits with its code.
pub fn fail(e: &Error) -> ! {
    eprintln!("mentionmap: error: {e}");
    std::process::exit(e.exit_code());
}

/// Handles a command line clap could not parse: help and version are printed as
/// clap prints them; anything else becomes one error line and exit code 2.
pub fn clap_failure(e: clap::Error) -> ! {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit();
    }
    eprintln!("mentionmap: error: {}", one_line(&e.render().to_string()));
    std::process::exit(mentionmap::error::EXIT_USAGE);
}

/// Clap's several-line message as one line: the message (its indented items joined
/// with commas), any tip, and which `--help` to read.
fn one_line(rendered: &str) -> String {
    let mut message = String::new();
    let mut tips: Vec<&str> = Vec::new();
    let mut command = String::from("mentionmap");
    let mut in_message = true;
    for line in rendered.lines() {
        let t = line.trim();
        if let Some(usage) = t.strip_prefix("Usage: ") {
            // "mentionmap near [OPTIONS] <LAT> <LON>": the words before the first
            // placeholder name the subcommand whose --help to read.
            command = usage
                .split_whitespace()
                .take_while(|w| !w.starts_with(['[', '<', '-']))
                .collect::<Vec<_>>()
                .join(" ");
        } else if let Some(tip) = t.strip_prefix("tip: ") {
            tips.push(tip);
        } else if t.is_empty() {
            in_message = message.is_empty() && in_message;
        } else if in_message {
            let t = t.strip_prefix("error: ").unwrap_or(t);
            if message.is_empty() {
                message.push_str(t);
            } else if message.ends_with(':') {
                message.push(' ');
                message.push_str(t);
            } else {
                message.push_str(", ");
                message.push_str(t);
            }
        }
    }
    for tip in tips {
        message.push_str("; ");
        message.push_str(tip);
    }
    format!("{message} (see `{command} --help`)")
}

/// Restores the default action of SIGPIPE (end the process) for commands that
/// write to standard output. Rust ignores SIGPIPE so that a closed pipe becomes
/// an error instead, and `println!` panics on that error (exit 101). `serve` keeps
/// Rust's default: it writes to sockets, and a client going away must not end it.
pub fn die_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called once at start, before any thread is spawned; setting a signal's
    // disposition to SIG_DFL installs no handler code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Signals that end a command on purpose: Ctrl-C, `kill`, a closed terminal.
#[cfg(unix)]
const INTERRUPTS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// On an interrupt (Ctrl-C, SIGTERM, SIGHUP), removes the temporary files of the
/// outputs still being written ([`mentionmap::atomic_file::remove_unfinished`]), then
/// ends the process by that same signal, so that a shell or a supervisor sees an
/// interrupted command (exit status 128 + the signal's number).
///
/// The signals are blocked in every thread and taken by one thread that waits for
/// them (`sigwait`): the clean-up then runs as ordinary code, not in a signal handler,
/// where taking a lock or removing a file is not allowed. Must be called before any
/// other thread is spawned, since threads inherit the blocked set from their creator.
pub fn clean_up_on_interrupt() {
    #[cfg(unix)]
    {
        // SAFETY: `set` is initialised by sigemptyset before use; the calls only read
        // and change this thread's signal mask, before any other thread exists.
        let set = unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for sig in INTERRUPTS {
                libc::sigaddset(&mut set, sig);
            }
            if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
                return;
            }
            set
        };
        let waiter = std::thread::Builder::new()
            .name("interrupts".into())
            .spawn(move || wait_for_interrupt(set));
        if waiter.is_err() {
            // No thread, no clean-up: let the signals act as they did before.
            // SAFETY: as above, on this thread's own mask.
            unsafe { libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut()) };
        }
    }
}

/// The body of the interrupt thread: waits for one of `set`, cleans up, and ends the
/// process by that signal.
#[cfg(unix)]
fn wait_for_interrupt(set: libc::sigset_t) {
    let mut sig: libc::c_int = 0;
    // SAFETY: `set` is a valid signal set and `sig` a valid place for the answer.
    while unsafe { libc::sigwait(&set, &mut sig) } != 0 {}
    mentionmap::atomic_file::remove_unfinished();
    // SAFETY: restores the default action of `sig` (end the process), unblocks it on
    // this thread only and raises it on this thread, which then ends the process.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        let mut only: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut only);
        libc::sigaddset(&mut only, sig);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &only, std::ptr::null_mut());
        libc::raise(sig);
    }
    // Not reached unless the signal's default is to go on: end as a shell would.
    std::process::exit(128 + sig);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::Parser;

    fn message(args: &[&str]) -> String {
        one_line(&Cli::try_parse_from(args).unwrap_err().render().to_string())
    }

    #[test]
    fn clap_errors_become_one_line_naming_the_subcommand_help() {
        let m = message(&["mentionmap", "near", "36.2"]);
        assert!(!m.contains('\n'), "{m}");
        assert!(m.contains("<LON>"), "{m}");
        assert!(m.ends_with("(see `mentionmap near --help`)"), "{m}");
        let m = message(&["mentionmap", "resolve", "Paris", "--limt", "3"]);
        assert!(m.contains("'--limt'") && m.contains("--limit"), "{m}");
    }
}
