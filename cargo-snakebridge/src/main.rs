//! `cargo snakebridge`: provision and check the Python side of a snakebridge project.
//!
//! Exit codes: 0 success (or compatible), 1 something is missing, incompatible or failed,
//! 2 the command line was wrong.
//!
//! Install with `cargo install cargo-snakebridge`; the guide's
//! [environment](https://github.com/snakebridge/snakebridge/blob/main/docs/environment.md) and [typed bindings](https://github.com/snakebridge/snakebridge/blob/main/docs/python-module.md) pages describe
//! the subcommands.

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
    let code = match &cli.command {
        Command::Prepare(args) => prepare::run(&selection, args, out),
        Command::Setup(args) => each(members, out, |project| setup::run(project, args, out)),
        Command::Verify(args) => each(members, out, |project| verify::run(project, args, out)),
        Command::Doctor => each(members, out, |project| doctor::run(project, out)),
        Command::Promote(args) => each(members, out, |project| promote::run(project, args, out)),
    };
    ExitCode::from(code)
}

/// Runs `command` on each member's project configuration; the worst exit code.
fn each(members: &[Member], out: Output, command: impl Fn(&ProjectConfig) -> u8) -> u8 {
    let mut code = 0;
    for member in members {
        if members.len() > 1 {
            out.say(format!("── {} ({})", member.name, member.manifest_path.display()));
        }
        let status = match ProjectConfig::load(&member.manifest_path) {
            Ok(project) => command(&project),
            Err(e) => {
                eprintln!("error: {e}");
                1
            }
        };
        code = code.max(status);
    }
    code
}
