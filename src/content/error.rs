//! The one error type of the content module: a problem in one file, at one line.
//!
//! Owns only [`ContentError`]. Every parser in `content` reports through it so that the
//! author sees `posts/hello.md:4: invalid YAML front matter: ...` and can jump straight to
//! the line. It carries no I/O or database errors: those belong to the callers.

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem with one content file, located at a 1-based line of that file.
///
/// Displayed as `file:line: message`, the format editors and terminals recognise as a link to
/// the spot. `file` is the path as the caller knows it (relative to the content folder when it
/// comes from [`scan`](super::scan)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    /// The file the problem is in.
    pub file: PathBuf,
    /// The 1-based line of the file the problem is on (the opening fence counts as line 1).
    pub line: usize,
    /// What is wrong, for a human.
    pub message: String,
}

impl ContentError {
    /// Builds an error for `file` at 1-based `line`.
    pub fn new(file: impl AsRef<Path>, line: usize, message: impl Into<String>) -> Self {
        ContentError {
            file: file.as_ref().to_path_buf(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

impl std::error::Error for ContentError {}
