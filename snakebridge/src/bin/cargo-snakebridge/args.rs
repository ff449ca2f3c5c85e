//! Command-line parsing. By hand: a handful of flags does not justify a parser dependency
//! in the crate every user builds.

use std::path::PathBuf;

pub const USAGE: &str = "\
cargo snakebridge: provision and check the Python side of a snakebridge project

USAGE:
    cargo snakebridge <COMMAND> [OPTIONS]

COMMANDS:
    setup     Create or reuse the venv and install the Python packages declared in
              [package.metadata.snakebridge.python_deps]; writes snakebridge.lock
                --check      only check; exit 1 when something is missing
                --upgrade    upgrade packages to the newest versions allowed
                --verbose    show the installer's output
                --no-lock    do not write snakebridge.lock
                --python P   create the venv with this Python
    verify    Compare snakebridge.lock with this machine (exit 0 compatible, 1 not)
                --strict     treat warnings as errors
                --verbose    print the current and locked hardware and what matched
                --file P     the lock file (default: snakebridge.lock next to Cargo.toml)
    prepare   Re-introspect every #[python_module] manifest in .snakebridge/ from the
              configuration stored in it
                --check      write nothing; exit 1 when one is stale or broken (CI)
                --verbose    name the interpreter that introspects
    promote   Propose the include = [...] entries of #[python_module] that make the dynamic
              calls recorded in a call ledger (SNAKEBRIDGE_LEDGER=P) generated ones
                --file P     the ledger (default: $SNAKEBRIDGE_LEDGER)
                --write      add the entries to the crate's sources
    doctor    Report what the runtime would use: interpreter, libpython, venv,
              site-packages, packages, hardware, generated libraries

OPTIONS:
    --manifest-path P   the Cargo.toml to use (default: the nearest one)
    -h, --help          print this help
    -V, --version       print the version
";

/// A parsed command line.
#[derive(Debug, Default)]
pub struct Cli {
    pub command: String,
    pub manifest_path: Option<PathBuf>,
    pub check: bool,
    pub upgrade: bool,
    pub verbose: bool,
    pub no_lock: bool,
    pub strict: bool,
    pub write: bool,
    pub file: Option<PathBuf>,
    pub python: Option<PathBuf>,
    pub help: bool,
    pub version: bool,
}

const COMMANDS: [&str; 5] = ["setup", "verify", "prepare", "promote", "doctor"];

/// Parses the arguments after the program name; `cargo` passes `snakebridge` first.
pub fn parse(args: Vec<String>) -> Result<Cli, String> {
    let mut args = args.into_iter().peekable();
    if args.peek().is_some_and(|a| a == "snakebridge") {
        args.next();
    }
    let mut cli = Cli::default();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<PathBuf, String> {
            inline.clone().or_else(|| args.next()).map(PathBuf::from).ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" | "help" => cli.help = true,
            "-V" | "--version" => cli.version = true,
            "--manifest-path" => cli.manifest_path = Some(value("--manifest-path")?),
            "--check" => cli.check = true,
            "--upgrade" => cli.upgrade = true,
            "-v" | "--verbose" => cli.verbose = true,
            "--no-lock" => cli.no_lock = true,
            "--strict" => cli.strict = true,
            "--write" => cli.write = true,
            "--file" => cli.file = Some(value("--file")?),
            "--python" => cli.python = Some(value("--python")?),
            a if !a.starts_with('-') && cli.command.is_empty() => {
                if !COMMANDS.contains(&a) {
                    let hint = snakebridge::did_you_mean(a, COMMANDS)
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    return Err(format!("unknown command `{a}`{hint} (commands: {})", COMMANDS.join(", ")));
                }
                cli.command = a.to_string();
            }
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    let allowed: &[&str] = match cli.command.as_str() {
        "setup" => &["check", "upgrade", "verbose", "no_lock", "python"],
        "verify" => &["strict", "verbose", "file"],
        "prepare" => &["check", "verbose"],
        "promote" => &["file", "write"],
        _ => &[],
    };
    let used = [
        ("check", cli.check),
        ("upgrade", cli.upgrade),
        ("verbose", cli.verbose),
        ("no_lock", cli.no_lock),
        ("strict", cli.strict),
        ("write", cli.write),
        ("file", cli.file.is_some()),
        ("python", cli.python.is_some()),
    ];
    if let Some((flag, _)) = used.iter().find(|(name, on)| *on && !allowed.contains(name)) {
        let what = if cli.command.is_empty() { "no command".to_string() } else { format!("`{}`", cli.command) };
        return Err(format!("--{} does not apply to {what}", flag.replace('_', "-")));
    }
    Ok(cli)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Cli, String> {
        parse(args.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn cargo_style_and_direct_invocation() {
        let c = p(&["snakebridge", "verify", "--strict", "--file=x.lock"]).unwrap();
        assert_eq!((c.command.as_str(), c.strict, c.file), ("verify", true, Some(PathBuf::from("x.lock"))));
        assert!(p(&["setup", "--check", "--verbose"]).unwrap().check);
        assert!(p(&["snakebridge", "prepare", "--check"]).unwrap().check);
        assert!(p(&["prepare", "--upgrade"]).is_err());
        let c = p(&["snakebridge", "promote", "--file", "calls.jsonl", "--write"]).unwrap();
        assert_eq!((c.command.as_str(), c.write, c.file), ("promote", true, Some(PathBuf::from("calls.jsonl"))));
        assert!(p(&["verify", "--write"]).is_err());
    }

    #[test]
    fn mistakes_are_named() {
        assert!(p(&["stup"]).unwrap_err().contains("did you mean `setup`"));
        assert!(p(&["verify", "--upgrade"]).unwrap_err().contains("--upgrade does not apply to `verify`"));
        assert!(p(&["verify", "--file"]).unwrap_err().contains("--file needs a value"));
        assert!(p(&["setup", "--frobnicate"]).unwrap_err().contains("--frobnicate"));
    }
}
