//! The one way snakebridge runs a tool with a time limit (the introspection script, pip, uv,
//! `python -m venv`, `nvidia-smi`): output read on threads so a chatty tool cannot fill a
//! pipe, the wait blocking (no polling), and on timeout the tool's whole process group killed,
//! so that what it started (pip's build backends, uv's workers) does not outlive it.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How a supervised command ended.
#[derive(Debug)]
pub struct Finished {
    /// Its exit status; `None` when it was killed at the time limit.
    pub status: Option<ExitStatus>,
    /// Everything it wrote to standard output.
    pub stdout: Vec<u8>,
    /// Everything it wrote to standard error.
    pub stderr: Vec<u8>,
}

impl Finished {
    /// Whether it ran past the time limit and was killed.
    pub fn timed_out(&self) -> bool {
        self.status.is_none()
    }

    /// Whether it exited with status 0.
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// Its exit code, when it exited normally.
    pub fn code(&self) -> Option<i32> {
        self.status.and_then(|s| s.code())
    }

    /// Standard output as text (invalid UTF-8 replaced).
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Standard error as text (invalid UTF-8 replaced).
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// Runs `cmd` with no standard input and its output captured, for at most `timeout`.
///
/// On Unix the command leads a process group of its own. When it runs past `timeout` the
/// whole group is killed (`SIGKILL`), and so is anything of the group still alive when the
/// command itself exits: nothing it started outlives the call. Elsewhere only the command is
/// killed. Errs only when the command cannot be started (not installed, not executable).
pub fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> std::io::Result<Finished> {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(cmd, 0);
    let mut child = cmd.spawn()?;
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let group = Group::of(&child);
    let status = wait_for(child, timeout);
    // Killing after a normal exit too: a leftover grandchild that holds the pipes open would
    // otherwise keep the readers (and this call) waiting for as long as it lives.
    group.kill();
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    Ok(Finished { status, stdout, stderr })
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut buf);
        }
        buf
    })
}

/// The exit status, or `None` after killing the child at `timeout`.
fn wait_for(child: Child, timeout: Duration) -> Option<ExitStatus> {
    let group = Group::of(&child);
    let (tx, rx) = mpsc::channel();
    // The child moves to a thread that blocks in wait(); the kill below needs only its group id.
    let waiter = std::thread::spawn(move || {
        let mut child = child;
        let status = child.wait();
        let _ = tx.send(());
        (child, status)
    });
    match rx.recv_timeout(timeout) {
        Ok(()) => waiter.join().ok().and_then(|(_, status)| status.ok()),
        Err(_) => {
            group.kill();
            let (mut child, _) = waiter.join().ok()?;
            let _ = child.kill();
            None
        }
    }
}

/// The process group a child leads (Unix), or the child's id elsewhere.
#[derive(Clone, Copy)]
struct Group(u32);

impl Group {
    fn of(child: &Child) -> Self {
        Group(child.id())
    }

    #[cfg(unix)]
    fn kill(self) {
        if let Ok(pgid) = libc::pid_t::try_from(self.0) {
            // SAFETY: killpg only sends a signal; an empty group gives ESRCH, which is fine.
            unsafe {
                libc::killpg(pgid, libc::SIGKILL);
            }
        }
    }

    #[cfg(not(unix))]
    fn kill(self) {
        // Without process groups the waiter thread's child.kill() ends the direct child only.
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn output_and_exit_codes_come_back() {
        let out = run_with_timeout(
            Command::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]),
            Duration::from_secs(30),
        )
        .unwrap();
        assert_eq!((out.success(), out.code(), out.timed_out()), (false, Some(3), false));
        assert_eq!((out.stdout_text().as_str(), out.stderr_text().as_str()), ("out\n", "err\n"));
        assert!(run_with_timeout(&mut Command::new("snakebridge-no-such-tool"), Duration::from_secs(1)).is_err());
    }

    #[test]
    fn a_timeout_kills_the_grandchildren_too() {
        let started = Instant::now();
        // The limit only has to let sh start its grandchild; 5 s does on a loaded machine.
        let out = run_with_timeout(Command::new("sh").args(["-c", "sleep 60 & echo $!; wait"]), Duration::from_secs(5))
            .unwrap();
        assert!(out.timed_out(), "{out:?}");
        // The grandchild holds the pipes: returning at all means it is gone.
        assert!(started.elapsed() < Duration::from_secs(50), "waited for the grandchild");
        let pid: i32 = out.stdout_text().trim().parse().unwrap_or_else(|_| panic!("the grandchild's pid: {out:?}"));
        // SIGKILL is delivered asynchronously: give the kernel a moment to finish the process.
        let gone = (0..200).any(|_| {
            // SAFETY: signal 0 only asks whether the process exists.
            let alive = unsafe { libc::kill(pid, 0) } == 0;
            let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .map(|s| s.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z')))
                .unwrap_or(false);
            let done = !alive || zombie;
            if !done {
                std::thread::sleep(Duration::from_millis(50));
            }
            done
        });
        assert!(gone, "the grandchild sleep (pid {pid}) outlived the timeout");
    }

    #[test]
    fn a_grandchild_left_behind_after_a_normal_exit_is_killed() {
        let started = Instant::now();
        let out =
            run_with_timeout(Command::new("sh").args(["-c", "sleep 60 & echo done"]), Duration::from_secs(50)).unwrap();
        assert!(out.success() && out.stdout_text() == "done\n", "{out:?}");
        assert!(started.elapsed() < Duration::from_secs(50), "waited for the grandchild");
    }
}
