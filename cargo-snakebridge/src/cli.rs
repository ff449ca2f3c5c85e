//! The command line, declared with clap's derive: each subcommand has its own `--help`, the
//! global options work before or after it, and mistakes are usage errors (exit 2).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `cargo snakebridge`: provision and check the Python side of a snakebridge project.
///
/// Exit codes: 0 success (or compatible), 1 something is missing, incompatible or failed,
/// 2 the command line was wrong.
#[derive(Debug, Parser)]
#[command(name = "cargo-snakebridge", bin_name = "cargo snakebridge", version, arg_required_else_help = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Where the project is and how to report.
    #[command(flatten)]
    pub global: Global,
}

/// The options every subcommand takes.
#[derive(Debug, Args)]
pub struct Global {
    /// More output: `-v` shows the installer's output and what is checked, `-vv` also which
    /// packages of the workspace are covered and why.
    #[arg(short, long = "verbose", action = clap::ArgAction::Count, global = true, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Print only problems and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Coloured ✓ and ✗: `auto` when standard output is a terminal and `NO_COLOR` is unset.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true, value_name = "WHEN")]
    pub color: Color,
    /// The Cargo.toml of the package or workspace (default: the nearest one, as cargo finds it).
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Only these packages of the workspace (repeatable). Without it: the package whose
    /// directory this is, or at a workspace root every member that uses snakebridge.
    #[arg(short, long = "package", global = true, value_name = "SPEC")]
    pub packages: Vec<String>,
}

/// When output is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When standard output is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or reuse the venv and install the Python packages declared in
    /// [package.metadata.snakebridge.python_deps]; writes snakebridge.lock.
    Setup(SetupArgs),
    /// Compare snakebridge.lock with this machine (exit 0 compatible, 1 not).
    Verify(VerifyArgs),
    /// Make .snakebridge/ exactly the manifests the crates' `#[python_module]`s use: create the
    /// missing, refresh the stale, remove orphans (--check: report only), for each package covered.
    Prepare(PrepareArgs),
    /// Propose the `include = [...]` entries of `#[python_module]` that make the dynamic calls
    /// recorded in a call ledger (SNAKEBRIDGE_LEDGER=P) generated ones.
    Promote(PromoteArgs),
    /// Report what the runtime would use: interpreter, libpython, venv, site-packages,
    /// packages, hardware, generated libraries.
    Doctor,
}

/// `setup`'s options.
#[derive(Debug, Args)]
pub struct SetupArgs {
    /// Only check; exit 1 when something is missing.
    #[arg(long)]
    pub check: bool,
    /// Upgrade packages to the newest versions allowed.
    #[arg(long, conflicts_with = "check")]
    pub upgrade: bool,
    /// Do not write snakebridge.lock.
    #[arg(long)]
    pub no_lock: bool,
    /// Create the venv with this Python.
    #[arg(long, value_name = "PATH")]
    pub python: Option<PathBuf>,
}

/// `verify`'s options.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
    /// The lock file (default: snakebridge.lock next to Cargo.toml).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
}

/// `prepare`'s options.
#[derive(Debug, Args)]
pub struct PrepareArgs {
    /// Write nothing; exit 1 when a manifest of any package covered is stale or broken (CI).
    #[arg(long)]
    pub check: bool,
}

/// `promote`'s options.
#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// The ledger (default: $SNAKEBRIDGE_LEDGER).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// Add the entries to the crate's sources.
    #[arg(long)]
    pub write: bool,
}

/// Parses the arguments after the program name; `cargo` passes `snakebridge` first, and a
/// direct `cargo-snakebridge setup` works as well.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Cli, clap::Error> {
    let mut args: Vec<String> = args.into_iter().collect();
    if args.get(1).is_some_and(|a| a == "snakebridge") {
        args.remove(1);
    }
    Cli::try_parse_from(args)
}

#[cfg(test)]
mod tests {
    use clap::error::ErrorKind;

    use super::*;

    fn p(args: &[&str]) -> Result<Cli, clap::Error> {
        parse(std::iter::once("cargo-snakebridge").chain(args.iter().copied()).map(String::from))
    }

    #[test]
    fn cargo_style_and_direct_invocation() {
        let c = p(&["snakebridge", "verify", "--strict", "--file=x.lock"]).unwrap();
        let Command::Verify(v) = c.command else { panic!() };
        assert!(v.strict && v.file == Some(PathBuf::from("x.lock")));
        let Command::Setup(s) = p(&["setup", "--check", "--verbose"]).unwrap().command else { panic!() };
        assert!(s.check);
        assert!(matches!(p(&["snakebridge", "prepare", "--check"]).unwrap().command, Command::Prepare(a) if a.check));
        let c = p(&["snakebridge", "promote", "--file", "calls.jsonl", "--write"]).unwrap();
        assert!(matches!(c.command, Command::Promote(a) if a.write && a.file == Some("calls.jsonl".into())));
    }

    #[test]
    fn global_options_go_before_or_after_the_subcommand() {
        let c = p(&["-vv", "prepare", "-p", "a", "--package=b", "--color", "never"]).unwrap();
        assert_eq!((c.global.verbose, c.global.color), (2, Color::Never));
        assert_eq!(c.global.packages, ["a", "b"]);
        let c = p(&["doctor", "--manifest-path", "x/Cargo.toml", "-q"]).unwrap();
        assert!(c.global.quiet && c.global.manifest_path == Some("x/Cargo.toml".into()));
    }

    #[test]
    fn mistakes_are_usage_errors() {
        let kind = |args: &[&str]| p(args).unwrap_err().kind();
        assert_eq!(kind(&["stup"]), ErrorKind::InvalidSubcommand);
        assert!(p(&["stup"]).unwrap_err().to_string().contains("setup"), "the close subcommand is named");
        assert_eq!(kind(&["prepare", "--upgrade"]), ErrorKind::UnknownArgument);
        assert_eq!(kind(&["verify", "--write"]), ErrorKind::UnknownArgument);
        assert_eq!(kind(&["verify", "--file"]), ErrorKind::InvalidValue);
        assert_eq!(kind(&["doctor", "--color", "sometimes"]), ErrorKind::InvalidValue);
        assert_eq!(kind(&["-v", "-q", "doctor"]), ErrorKind::ArgumentConflict);
        for args in [&["stup"][..], &["prepare", "--upgrade"], &[]] {
            assert_eq!(p(args).unwrap_err().exit_code(), 2, "{args:?}");
        }
        assert_eq!(p(&["setup", "--help"]).unwrap_err().exit_code(), 0);
    }
}
