//! The library's error type. Every variant says what failed and on what input, in one
//! line; the binary maps each variant to its own exit code ([`Error::exit_code`]).

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
    /// A gazetteer file is corrupt or not a gazetteer.
    #[error("corrupt gazetteer {source_name} (line {line}): {message}")]
    Gazetteer {
        /// Where the gazetteer was read from.
        source_name: String,
        /// The 1-based line of the problem, 0 when not tied to a line.
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

impl Error {
    /// The process exit code for this error: 2 is reserved for usage errors (clap),
    /// 3 input, 4 gazetteer, 5 output, 7 network.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Io { .. } | Error::BadInput { .. } => 3,
            Error::Gazetteer { .. } => 4,
            Error::Output(_) => 5,
            Error::Network { .. } => 7,
        }
    }
}
