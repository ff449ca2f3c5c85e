//! One worker process: starting it so that it cannot outlive the host, and the frames on its
//! pipes (a 4-byte little-endian length, then that many bytes of JSON).

use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

/// The largest frame a worker may send (a bigger length is a corrupt stream, not data).
pub(crate) const MAX_FRAME: usize = 256 << 20;

/// How much one `read` asks for.
const READ_CHUNK: usize = 64 << 10;

/// How long a reader retries a read before it sleeps in `poll`. A sleeping thread's wake-up
/// costs more than a short call's whole round trip on a VM (about 10 µs of the 30), and a
/// worker's answer to a cheap call comes within this; a long call loses at most this much CPU.
const SPIN: Duration = Duration::from_micros(40);

/// Why a frame could not be read.
#[derive(Debug)]
pub(crate) enum ReadFail {
    /// The pipe closed: the worker exited.
    Closed,
    /// Nothing arrived before the deadline.
    TimedOut,
    /// A length beyond [`MAX_FRAME`].
    TooLarge(usize),
    /// The pipe failed otherwise.
    Io(io::Error),
}

/// A started worker's process and pipes.
pub(crate) struct Process {
    pub(crate) child: Child,
    pub(crate) stdin: Option<ChildStdin>,
    pub(crate) stdout: ChildStdout,
    /// What was read and not yet taken, `buffer[start..end]`: a read takes whatever has
    /// arrived, so that a frame's header and body usually cost one `read`. Allocated (and
    /// zeroed) once; it grows only for a frame larger than it.
    buffer: Vec<u8>,
    start: usize,
    end: usize,
}

type SpawnJob = (Command, mpsc::Sender<io::Result<Child>>);

/// Workers are started from one long-lived thread: `PR_SET_PDEATHSIG` fires when the thread
/// that forked the child exits, not the process, so a worker started from a short-lived
/// thread would be killed with it.
static SPAWNER: LazyLock<parking_lot::Mutex<mpsc::Sender<SpawnJob>>> = LazyLock::new(|| {
    let (tx, rx) = mpsc::channel::<SpawnJob>();
    std::thread::Builder::new()
        .name("snakebridge-spawner".into())
        .spawn(move || {
            for (mut command, reply) in rx {
                let _ = reply.send(command.spawn());
            }
        })
        .expect("a thread to start worker processes");
    parking_lot::Mutex::new(tx)
});

/// Starts `python -c adapter` with piped stdin/stdout, in a session of its own, with a death
/// signal tied to this process.
pub(crate) fn spawn(python: &std::path::Path, adapter: &str, env: &[(String, String)]) -> io::Result<Process> {
    let mut command = Command::new(python);
    command.arg("-c").arg(adapter).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit());
    command.envs(env.iter().map(|(k, v)| (k, v)));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: only async-signal-safe calls (setsid, prctl, getppid, _exit) between fork and exec.
        unsafe {
            command.pre_exec(move || {
                // A session of its own: a terminal's Ctrl-C goes to the host, which decides, and
                // under the scheduler's autogroups each worker gets a CPU share of its own, as a
                // separate program would (else the whole pool shares the host's one share).
                if libc::setsid() < 0 {
                    return Err(io::Error::last_os_error());
                }
                #[cfg(target_os = "linux")]
                {
                    if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                        return Err(io::Error::last_os_error());
                    }
                    // The host died between fork and prctl: the signal will never come.
                    if libc::getppid() != parent {
                        libc::_exit(1);
                    }
                }
                Ok(())
            });
        }
    }
    let (tx, rx) = mpsc::channel();
    SPAWNER.lock().send((command, tx)).map_err(|_| io::Error::other("the spawner thread is gone"))?;
    let mut child = rx.recv().map_err(|_| io::Error::other("the spawner thread is gone"))??;
    let stdin = child.stdin.take();
    let stdout = child.stdout.take().ok_or_else(|| io::Error::other("no stdout pipe"))?;
    set_nonblocking(&stdout)?;
    Ok(Process { child, stdin, stdout, buffer: vec![0; READ_CHUNK], start: 0, end: 0 })
}

impl Process {
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes one frame.
    pub(crate) fn write_frame(&mut self, body: &[u8]) -> io::Result<()> {
        let stdin = self.stdin.as_mut().ok_or_else(|| io::Error::from(io::ErrorKind::BrokenPipe))?;
        // One write for small frames: the worker wakes once.
        let mut frame = Vec::with_capacity(body.len() + 4);
        frame.extend_from_slice(&(body.len() as u32).to_le_bytes());
        frame.extend_from_slice(body);
        stdin.write_all(&frame)
    }

    /// Reads one frame, waiting until `deadline` at most (forever without one).
    pub(crate) fn read_frame(&mut self, deadline: Option<Instant>) -> Result<Vec<u8>, ReadFail> {
        self.fill(4, deadline)?;
        let head = &self.buffer[self.start..self.start + 4];
        let len = u32::from_le_bytes(head.try_into().expect("4 bytes")) as usize;
        if len > MAX_FRAME {
            return Err(ReadFail::TooLarge(len));
        }
        self.fill(4 + len, deadline)?;
        let body = self.buffer[self.start + 4..self.start + 4 + len].to_vec();
        self.start += 4 + len;
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        }
        Ok(body)
    }

    /// Reads until the buffer holds at least `want` bytes.
    fn fill(&mut self, want: usize, deadline: Option<Instant>) -> Result<(), ReadFail> {
        if self.start + want > self.buffer.len() {
            self.buffer.copy_within(self.start..self.end, 0);
            (self.start, self.end) = (0, self.end - self.start);
            if want > self.buffer.len() {
                self.buffer.resize(want, 0);
            }
        }
        let mut spin_until: Option<Instant> = None;
        while self.end - self.start < want {
            match self.stdout.read(&mut self.buffer[self.end..]) {
                Ok(0) => return Err(ReadFail::Closed),
                Ok(n) => {
                    self.end += n;
                    spin_until = None;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    let now = Instant::now();
                    if deadline.is_some_and(|d| now >= d) {
                        return Err(ReadFail::TimedOut);
                    }
                    match spin_until {
                        None => spin_until = Some(now + SPIN),
                        Some(until) if now < until => std::hint::spin_loop(),
                        Some(_) => {
                            wait_readable(&self.stdout, deadline)?;
                            spin_until = None;
                        }
                    }
                }
                Err(e) => return Err(ReadFail::Io(e)),
            }
        }
        Ok(())
    }

    /// Sends `signal` to the worker (SIGINT interrupts the call it runs).
    pub(crate) fn signal(&self, signal: i32) {
        #[cfg(unix)]
        // SAFETY: kill(2) on our own child's pid; it has not been reaped yet (we hold the Child).
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, signal);
        }
    }

    /// How the process ended: waits up to `patience` for it after its pipe closed, then kills it.
    pub(crate) fn reap(&mut self, patience: Duration) -> ExitStatus {
        let until = Instant::now() + patience;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return status,
                Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(2)),
                _ => {
                    let _ = self.child.kill();
                    match self.child.wait() {
                        Ok(status) => return status,
                        Err(_) => return ExitStatus::default(),
                    }
                }
            }
        }
    }

    /// Asks the worker to exit (its stdin closes), waits up to `patience`, then kills it.
    pub(crate) fn shut_down(mut self, patience: Duration) -> ExitStatus {
        drop(self.stdin.take());
        self.reap(patience)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // A worker never outlives its handle: closing stdin ends an idle one, the kill a busy one.
        drop(self.stdin.take());
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The pipe is read without blocking (spin first, then `poll`), so a deadline is never
/// overrun by a blocked `read`.
fn set_nonblocking(stdout: &ChildStdout) -> io::Result<()> {
    let fd = stdout.as_raw_fd();
    // SAFETY: fcntl on a file descriptor this process owns (the child's stdout pipe).
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Sleeps until the pipe has data (or closed), or `deadline` passes; forever without one.
fn wait_readable(stdout: &ChildStdout, deadline: Option<Instant>) -> Result<(), ReadFail> {
    loop {
        let ms = match deadline {
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(ReadFail::TimedOut);
                }
                // Rounded up: poll's unit is the millisecond, and 0 would not sleep.
                left.as_micros().div_ceil(1000).clamp(1, i32::MAX as u128) as libc::c_int
            }
            None => -1,
        };
        let mut fd = libc::pollfd { fd: stdout.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd for the duration of the call.
        let n = unsafe { libc::poll(&mut fd, 1, ms) };
        match n {
            n if n > 0 => return Ok(()),
            0 => {}
            _ => {
                let e = io::Error::last_os_error();
                if e.kind() != io::ErrorKind::Interrupted {
                    return Err(ReadFail::Io(e));
                }
            }
        }
    }
}

/// How an exit status reads in an error: `was killed by signal 11 (SIGSEGV)`, `exited with status 3`.
pub(crate) fn describe_exit(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            let name = match sig {
                libc::SIGSEGV => "SIGSEGV",
                libc::SIGKILL => "SIGKILL, perhaps the OOM killer",
                libc::SIGABRT => "SIGABRT",
                libc::SIGBUS => "SIGBUS",
                libc::SIGTERM => "SIGTERM",
                libc::SIGINT => "SIGINT",
                libc::SIGFPE => "SIGFPE",
                _ => "signal",
            };
            return format!("was killed by signal {sig} ({name})");
        }
    }
    match status.code() {
        Some(code) => format!("exited with status {code}"),
        None => "exited".into(),
    }
}
