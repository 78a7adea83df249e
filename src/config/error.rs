//! What ends a command: an exit code (as the README documents them) and a
//! message for the user. One type for every command and the form's start.

use std::fmt;

/// Exit codes, as documented in the README.
pub(crate) mod exit {
    pub(crate) const TERMINAL: u8 = 1;
    pub(crate) const USAGE: u8 = 2;
    pub(crate) const SIGN_IN: u8 = 3;
    pub(crate) const REJECTED: u8 = 4;
    pub(crate) const SERVICE: u8 = 5;
    /// The message to answer is not there (no id, no search match).
    pub(crate) const NOT_FOUND: u8 = 6;
}

/// A command failed: how graft exits, and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: u8,
    pub message: String,
}

impl Error {
    pub(crate) fn new(code: u8, message: impl Into<String>) -> Error {
        Error {
            code,
            message: message.into(),
        }
    }
    /// The terminal could not be used (or an output could not be written).
    pub(crate) fn terminal(message: impl Into<String>) -> Error {
        Error::new(exit::TERMINAL, message)
    }
    /// Flags, the config file or input were wrong.
    pub(crate) fn usage(message: impl Into<String>) -> Error {
        Error::new(exit::USAGE, message)
    }
    /// Not signed in, or the sign-in was refused.
    pub(crate) fn sign_in(message: impl Into<String>) -> Error {
        Error::new(exit::SIGN_IN, message)
    }
    /// The service, the network or local state failed.
    pub(crate) fn service(message: impl Into<String>) -> Error {
        Error::new(exit::SERVICE, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
