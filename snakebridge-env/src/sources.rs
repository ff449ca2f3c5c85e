//! Where the hardware probe reads from: files, directory listings and commands. A trait so
//! that the probe runs the same code on this machine and on recorded outputs of the tools
//! of CUDA and ROCm machines.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// What a command printed and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommandOutput {
    /// Whether it exited with status 0.
    pub success: bool,
    /// Its exit code, when it exited normally.
    pub code: Option<i32>,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
}

/// The view of the system the hardware probe reads.
pub trait SystemView {
    /// The operating system, as Rust names it (`linux`, `macos`, `windows`).
    fn os(&self) -> String;
    /// The CPU architecture, as Rust names it (`x86_64`, `aarch64`).
    fn arch(&self) -> String;
    /// A text file's contents, `None` when it does not exist or cannot be read.
    fn read_file(&self, path: &str) -> Option<String>;
    /// The names in a directory, `None` when it does not exist.
    fn list_dir(&self, path: &str) -> Option<Vec<String>>;
    /// Runs `program` with `args`; `None` when the program is not installed.
    fn run(&self, program: &str, args: &[&str]) -> Option<CommandOutput>;
}

/// The real system. Commands get a time limit, since a wedged GPU driver can make
/// `nvidia-smi` hang.
#[derive(Debug, Clone)]
pub struct SystemSources {
    /// How long one command may run before it is killed.
    pub command_timeout: Duration,
}

impl Default for SystemSources {
    fn default() -> Self {
        SystemSources { command_timeout: Duration::from_secs(10) }
    }
}

impl SystemView for SystemSources {
    fn os(&self) -> String {
        std::env::consts::OS.to_string()
    }

    fn arch(&self) -> String {
        std::env::consts::ARCH.to_string()
    }

    fn read_file(&self, path: &str) -> Option<String> {
        std::fs::read(path).ok().map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    fn list_dir(&self, path: &str) -> Option<Vec<String>> {
        let mut names: Vec<String> =
            std::fs::read_dir(path).ok()?.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        Some(names)
    }

    fn run(&self, program: &str, args: &[&str]) -> Option<CommandOutput> {
        let exe = find_on_path(program)?;
        run_with_timeout(Command::new(exe).args(args), self.command_timeout)
    }
}

/// The first `program` on `PATH` (with the Windows extensions tried there).
pub(crate) fn find_on_path(program: &str) -> Option<std::path::PathBuf> {
    if program.contains(std::path::MAIN_SEPARATOR) {
        return Path::new(program).is_file().then(|| program.into());
    }
    let exts: &[&str] = if cfg!(windows) { &[".exe", ".bat", ".cmd", ""] } else { &[""] };
    std::env::split_paths(&std::env::var_os("PATH")?)
        .find_map(|dir| exts.iter().map(|ext| dir.join(format!("{program}{ext}"))).find(|p| p.is_file()))
}

/// Runs a command under the shared runner (`snakebridge_meta::process`), which kills its whole
/// process group after `timeout`; `None` when it cannot be started.
pub(crate) fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> Option<CommandOutput> {
    let finished = snakebridge_meta::process::run_with_timeout(cmd, timeout).ok()?;
    let mut stderr = finished.stderr_text();
    if finished.timed_out() {
        stderr.push_str(&format!("\n(killed after {} s without finishing)", timeout.as_secs()));
    }
    Some(CommandOutput { success: finished.success(), code: finished.code(), stdout: finished.stdout_text(), stderr })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_hanging_command_is_killed_and_said_so() {
        let start = Instant::now();
        let out = run_with_timeout(Command::new("sleep").arg("30"), Duration::from_millis(200)).expect("sleep starts");
        assert!(start.elapsed() < Duration::from_secs(10));
        assert!(!out.success && out.code.is_none(), "{out:?}");
        assert!(out.stderr.contains("killed after"), "{out:?}");
    }

    #[test]
    fn the_runners_outcome_maps_to_command_output() {
        let out =
            run_with_timeout(Command::new("sh").args(["-c", "echo out; exit 3"]), Duration::from_secs(30)).unwrap();
        assert_eq!((out.success, out.code, out.stdout.as_str()), (false, Some(3), "out\n"));
        assert!(SystemSources::default().run("snakebridge-no-such-tool", &[]).is_none(), "a missing tool is None");
    }
}
