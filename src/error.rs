//! The library's error type. Every variant says what failed and on what input, in one
//! line; the binary maps each variant to its own exit code ([`Error::exit_code`]).

/// Exit code of a usage error: the same code clap uses for flags it cannot parse,
/// so that one number means "the command line is wrong" whoever noticed it.
pub const EXIT_USAGE: i32 = 2;

/// Errors from reading input or a gazetteer, or from mapping.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path as given.
        path: String,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// The input is not text mentionmap can map: binary, not UTF-8, a directory.
    #[error("{source_name}: {message}")]
    BadInput {
        /// The input's name (a path, "stdin", a document id).
        source_name: String,
        /// What is wrong with it.
        message: String,
    },
    /// A flag or argument has a value the command cannot use (`--layers towns`, a
    /// latitude of 95), or flags that do not go together: the command line is
    /// wrong, not the input it names.
    #[error("{flag}: {message}")]
    Usage {
        /// The flag or argument as the user wrote it (`--layers`, `near LAT`).
        flag: String,
        /// What is wrong and what would be accepted.
        message: String,
    },
    /// A gazetteer file is corrupt or not a gazetteer.
    #[error("corrupt gazetteer {source_name}{}: {message}", at_line(*.line))]
    Gazetteer {
        /// Where the gazetteer was read from.
        source_name: String,
        /// The 1-based line of the problem, 0 when not tied to a line (then the
        /// message says no line).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Writing output failed.
    #[error("cannot write output: {0}")]
    Output(String),
    /// Fetching a URL failed: DNS, connection, timeout, HTTP status, content type,
    /// size.
    #[error("cannot fetch {url}: {message}")]
    Network {
        /// The URL as given.
        url: String,
        /// What went wrong.
        message: String,
    },
}

/// " (line N)", or nothing for a problem not tied to a line.
fn at_line(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(" (line {line})")
    }
}

impl Error {
    /// The process exit code for this error: 2 usage (bad flags or argument values,
    /// as clap's own errors), 3 input, 4 gazetteer, 5 output, 7 network.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage { .. } => EXIT_USAGE,
            Error::Io { .. } | Error::BadInput { .. } => 3,
            Error::Gazetteer { .. } => 4,
            Error::Output(_) => 5,
            Error::Network { .. } => 7,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gazetteer_errors_name_a_line_only_when_there_is_one() {
        let e = |line| Error::Gazetteer {
            source_name: "places.geojson".into(),
            line,
            message: "feature 2: bad coordinates".into(),
        };
        assert_eq!(
            e(0).to_string(),
            "corrupt gazetteer places.geojson: feature 2: bad coordinates"
        );
        assert_eq!(
            e(7).to_string(),
            "corrupt gazetteer places.geojson (line 7): feature 2: bad coordinates"
        );
    }
}
