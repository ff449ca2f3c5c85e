//! When a build or test may install missing Python packages: the seed's `auto_install`.

use std::fmt;
use std::str::FromStr;

/// Whether a missing Python package may be installed automatically.
///
/// Set in `[package.metadata.snakebridge] auto_install = "..."` or with
/// `SNAKEBRIDGE_AUTO_INSTALL` (which wins). Strict mode (`SNAKEBRIDGE_STRICT=1` or
/// `strict = true`) installs nothing whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AutoInstall {
    /// Never install; a missing package is an [`EnvironmentError`](super::EnvironmentError).
    Never,
    /// Install in development builds only.
    Dev,
    /// Install in development builds and tests (the default, as in the seed since 0.7.10).
    #[default]
    DevTest,
    /// Install in every build, release included.
    Always,
}

impl AutoInstall {
    /// The name used in configuration (`"dev_test"`).
    pub fn as_str(self) -> &'static str {
        match self {
            AutoInstall::Never => "never",
            AutoInstall::Dev => "dev",
            AutoInstall::DevTest => "dev_test",
            AutoInstall::Always => "always",
        }
    }

    /// The policy set by `SNAKEBRIDGE_AUTO_INSTALL`, if it is set and valid.
    ///
    /// An invalid value is an error rather than silently the default, so a typo in CI
    /// configuration is seen.
    pub fn from_env() -> Result<Option<AutoInstall>, String> {
        match std::env::var("SNAKEBRIDGE_AUTO_INSTALL") {
            Ok(v) if !v.trim().is_empty() => v.parse().map(Some).map_err(|e| format!("SNAKEBRIDGE_AUTO_INSTALL: {e}")),
            _ => Ok(None),
        }
    }

    /// Whether this policy lets a build of `profile` install packages.
    pub fn allows(self, profile: BuildProfile) -> bool {
        match self {
            AutoInstall::Never => false,
            AutoInstall::Dev => profile == BuildProfile::Dev,
            AutoInstall::DevTest => matches!(profile, BuildProfile::Dev | BuildProfile::Test),
            AutoInstall::Always => true,
        }
    }
}

impl FromStr for AutoInstall {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "never" | "false" | "0" => Ok(AutoInstall::Never),
            "dev" => Ok(AutoInstall::Dev),
            "dev_test" | "dev-test" => Ok(AutoInstall::DevTest),
            "always" | "true" | "1" => Ok(AutoInstall::Always),
            other => Err(format!("unknown auto-install policy `{other}`; use never, dev, dev_test or always")),
        }
    }
}

impl fmt::Display for AutoInstall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of build asking for the environment, the seed's Mix environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildProfile {
    /// A development build (`cargo build`, `cargo run`).
    Dev,
    /// A test build (`cargo test`).
    Test,
    /// A release build.
    Release,
}

impl BuildProfile {
    /// The profile from `SNAKEBRIDGE_ENV` (`dev`, `test`, `release`/`prod`), else from
    /// Cargo's `PROFILE` (set for build scripts), else `Dev` when debug assertions are on.
    pub fn detect() -> BuildProfile {
        let pick = |v: &str| match v.trim().to_ascii_lowercase().as_str() {
            "test" => Some(BuildProfile::Test),
            "dev" | "debug" => Some(BuildProfile::Dev),
            "release" | "prod" | "bench" => Some(BuildProfile::Release),
            _ => None,
        };
        std::env::var("SNAKEBRIDGE_ENV")
            .ok()
            .and_then(|v| pick(&v))
            .or_else(|| std::env::var("PROFILE").ok().and_then(|v| pick(&v)))
            .unwrap_or(if cfg!(debug_assertions) { BuildProfile::Dev } else { BuildProfile::Release })
    }
}

/// Whether `SNAKEBRIDGE_STRICT` asks for strict mode.
pub(crate) fn strict_from_env() -> bool {
    std::env::var("SNAKEBRIDGE_STRICT")
        .is_ok_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_policy_table() {
        use BuildProfile::*;
        let table = [
            (AutoInstall::Never, [false, false, false]),
            (AutoInstall::Dev, [true, false, false]),
            (AutoInstall::DevTest, [true, true, false]),
            (AutoInstall::Always, [true, true, true]),
        ];
        for (policy, expected) in table {
            assert_eq!([policy.allows(Dev), policy.allows(Test), policy.allows(Release)], expected, "{policy}");
        }
        assert_eq!(AutoInstall::default(), AutoInstall::DevTest);
    }

    #[test]
    fn parses_names_and_rejects_typos() {
        assert_eq!("dev_test".parse::<AutoInstall>().unwrap(), AutoInstall::DevTest);
        assert_eq!("ALWAYS".parse::<AutoInstall>().unwrap(), AutoInstall::Always);
        let err = "dev_tset".parse::<AutoInstall>().unwrap_err();
        assert!(err.contains("never, dev, dev_test or always"), "{err}");
    }
}
