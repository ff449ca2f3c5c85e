//! `cargo snakebridge`: provision and check the Python side of a snakebridge project.
//!
//! Exit codes: 0 success (or compatible), 1 something is missing, incompatible or failed,
//! 2 the command line was wrong.
//!
//! Install with `cargo install cargo-snakebridge`; the guide's `docs/environment.md` and
//! `docs/python-module.md` describe the subcommands.

mod cli;
mod doctor;
mod live;
mod output;
mod prepare;
mod promote;
mod setup;
mod verify;
mod workspace;

use std::process::ExitCode;

use snakebridge_env::ProjectConfig;

use crate::cli::Command;
use crate::output::Output;
use crate::workspace::Member;

fn main() -> ExitCode {
    let cli = match cli::parse(std::env::args()) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" that exit 0; usage errors exit 2.
            let _ = e.print();
            return ExitCode::from(if e.exit_code() == 0 { 0 } else { 2 });
        }
    };
    let out = Output::new(&cli.global);
    let selection = match workspace::select(cli.global.manifest_path.as_deref(), &cli.global.packages) {
        Ok(selection) => selection,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(if matches!(e, workspace::SelectError::UnknownPackage { .. }) { 2 } else { 1 });
        }
    };
    let members = &selection.members;
    if out.verbosity >= 2 {
        for m in members {
            eprintln!("covering {} ({}): {}", m.name, m.manifest_path.display(), m.why);
        }
    }
    // prepare checks the packages together (one `cargo check`); the others run on each
    // package in turn, and the worst exit code wins.
    if let Command::Prepare(args) = &cli.command {
        return ExitCode::from(prepare::run(&selection, args, out));
    }
    let mut code = 0;
    for member in members {
        if members.len() > 1 {
            out.say(format!("── {} ({})", member.name, member.manifest_path.display()));
        }
        code = code.max(run(&cli.command, member, out));
    }
    ExitCode::from(code)
}

fn run(command: &Command, member: &Member, out: Output) -> u8 {
    let project = match ProjectConfig::load(&member.manifest_path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    match command {
        Command::Setup(args) => setup::run(&project, args, out),
        Command::Verify(args) => verify::run(&project, args, out),
        Command::Doctor => doctor::run(&project),
        Command::Prepare(_) => unreachable!("prepare runs on the whole selection"),
        Command::Promote(args) => promote::run(&project, args, out),
    }
}
