//! The error for a Python environment that lacks what the project declares.
//!
//! Here rather than in `snakebridge-env` because the runtime's `Error::Environment` carries it:
//! a program that calls `snakebridge::env::ensure` gets one error type, and the runtime does not
//! depend on the provisioning crate.

use std::fmt;

/// Required Python packages are missing, or the environment cannot be provisioned.
///
/// The seed's `SnakeBridge.EnvironmentError`: a message, the packages that are missing (as
/// requirement strings) and the command that fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnvironmentError {
    /// What is wrong.
    pub message: String,
    /// The requirement strings that are not satisfied (`numpy>=1.26`).
    pub missing_packages: Vec<String>,
    /// What to run or change to fix it.
    pub suggestion: String,
}

impl EnvironmentError {
    /// An error with a message and the fix, and no package list.
    pub fn new(message: impl Into<String>, suggestion: impl Into<String>) -> Self {
        EnvironmentError { message: message.into(), missing_packages: Vec::new(), suggestion: suggestion.into() }
    }

    /// An error for packages that are declared but not installed.
    pub fn missing(missing_packages: Vec<String>, reason: &str, suggestion: impl Into<String>) -> Self {
        let message = format!("{} Python package(s) missing ({reason})", missing_packages.len());
        EnvironmentError { message, missing_packages, suggestion: suggestion.into() }
    }
}

impl fmt::Display for EnvironmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if !self.missing_packages.is_empty() {
            write!(f, ": {}", self.missing_packages.join(", "))?;
        }
        if !self.suggestion.is_empty() {
            write!(f, "; {}", self.suggestion)?;
        }
        Ok(())
    }
}

impl std::error::Error for EnvironmentError {}
