//! The crate's one error type: every variant says where (file, line, column, rule id)
//! and the message says what to do.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Everything that can go wrong.
#[derive(Debug)]
pub enum Error {
    /// Reading or writing a file failed.
    Io { path: PathBuf, source: io::Error },
    /// A rule file is wrong; each problem is listed.
    Rules(Vec<RuleProblem>),
    /// A JSON input (graph or gold file) does not parse or has the wrong shape.
    Json {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// An input cannot be used, and there is no position for the problem (a graph without
    /// node and edge lists, a gold relation naming no gold entity, a file over the size limit).
    Invalid { path: PathBuf, message: String },
    /// The command line asked for something impossible.
    Usage(String),
    /// A query or name that does not resolve; the message carries suggestions.
    Query(String),
}

/// One mistake in a rule set.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RuleProblem {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub rule: Option<String>,
    pub message: String,
}

impl fmt::Display for RuleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.path.display(), self.line, self.column)?;
        if let Some(rule) = &self.rule {
            write!(f, "rule {rule}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {}", path.display(), source),
            Error::Rules(problems) => {
                for (i, p) in problems.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{p}")?;
                }
                Ok(())
            }
            Error::Json {
                path,
                line,
                column,
                message,
            } => {
                write!(f, "{}:{}:{}: {}", path.display(), line, column, message)
            }
            Error::Invalid { path, message } => write!(f, "{}: {}", path.display(), message),
            Error::Usage(m) | Error::Query(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn json(path: impl Into<PathBuf>, e: &serde_json::Error) -> Error {
        Error::Json {
            path: path.into(),
            line: e.line(),
            column: e.column(),
            // serde_json appends " at line L column C"; the position is printed once, up front.
            message: {
                let m = e.to_string();
                match m.rfind(" at line ") {
                    Some(i) => m[..i].to_string(),
                    None => m,
                }
            },
        }
    }

    /// `-o` names one of the run's inputs.
    pub fn overwrites_input(output: &std::path::Path, input: &std::path::Path) -> Error {
        Error::Usage(format!(
            "-o '{}' would overwrite the input '{}'; write the output to another file",
            output.display(),
            input.display()
        ))
    }

    /// Whether this error is a closed stdout (`talkgraph … | head`), which is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }
}

pub type Result<T> = std::result::Result<T, Error>;
