//! Provisioning: create or reuse the project venv and install what `Cargo.toml` declares,
//! uv first (from `PATH`, else fetched into the tool cache, see `env/uv.rs`) and pip as the
//! fallback or when `SNAKEBRIDGE_INSTALLER=pip`. The seed's `PythonEnv.ensure!` and
//! `mix snakebridge.setup`.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use snakebridge_runtime::Result;

use super::deps::ProjectConfig;
use super::hardware::HardwareInfo;
use super::lock::Lock;
use super::policy::BuildProfile;
use super::pylock::{PylockSection, PYLOCK_FILE_NAME};
use super::python::{embedded_python_version, find_python, InterpreterDetails, PythonEnv};
use super::requirement::{normalize_name, Requirement};
use super::sources::run_with_timeout;
use super::uv::{compile_pylock, create_venv, fetch_uv, find_uv, tool_cache_dir};
use super::wheel::WheelSelector;
use snakebridge_meta::environment_error::EnvironmentError;

/// What `SNAKEBRIDGE_INSTALLER` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InstallerPreference {
    /// Unset (or `auto`): uv, fetched when it is not on `PATH`; pip when uv cannot be had.
    #[default]
    Auto,
    /// `uv`: uv or an error, never pip.
    Uv,
    /// `pip`: `python -m venv` and pip, even when uv is installed.
    Pip,
}

impl InstallerPreference {
    /// Reads `SNAKEBRIDGE_INSTALLER`; an unknown value is an error that lists the known ones.
    pub fn from_env() -> Result<InstallerPreference> {
        let value = std::env::var("SNAKEBRIDGE_INSTALLER").unwrap_or_default();
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "auto" => Ok(InstallerPreference::Auto),
            "uv" => Ok(InstallerPreference::Uv),
            "pip" => Ok(InstallerPreference::Pip),
            _ => Err(EnvironmentError::new(
                format!("SNAKEBRIDGE_INSTALLER is `{value}`, which is not an installer snakebridge knows"),
                "set SNAKEBRIDGE_INSTALLER to `uv` or `pip`, or unset it to use uv with pip as the fallback",
            )
            .into()),
        }
    }
}

/// The program that creates the venv and installs packages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installer {
    /// `uv venv` and `uv pip install --python <venv python>`, with the uv at this path.
    Uv(PathBuf),
    /// `python -m venv` and `<venv python> -m pip install`.
    Pip,
}

impl Installer {
    /// The installer available without fetching anything, as `SNAKEBRIDGE_INSTALLER` asks:
    /// `None` when uv is wanted but neither on `PATH` nor in the tool cache, so that
    /// [`resolve`](Self::resolve) would fetch it.
    pub fn detect() -> Result<Option<Installer>> {
        Ok(match InstallerPreference::from_env()? {
            InstallerPreference::Pip => Some(Installer::Pip),
            _ => find_uv().map(Installer::Uv),
        })
    }

    /// The installer `setup` uses: uv from `PATH` or the tool cache, else uv fetched from
    /// PyPI with `python()`'s pip into the tool cache; pip when that fails, unless
    /// `SNAKEBRIDGE_INSTALLER=uv`, where the failure is the error.
    pub fn resolve(python: impl FnOnce() -> Result<PathBuf>, progress: Progress) -> Result<Installer> {
        let preference = InstallerPreference::from_env()?;
        if let Some(found) = Self::detect()? {
            return Ok(found);
        }
        let cache = tool_cache_dir().map(|d| d.display().to_string()).unwrap_or_else(|| "the tool cache".into());
        let fetched = python().and_then(|python| {
            progress.long(&format!("uv is not on PATH: fetching it from PyPI into {cache}"), || fetch_uv(&python))
        });
        match fetched {
            Ok(uv) => Ok(Installer::Uv(uv)),
            Err(e) if preference == InstallerPreference::Uv => Err(e),
            Err(e) => {
                progress.step(&format!("falling back to pip: {e}"));
                Ok(Installer::Pip)
            }
        }
    }

    /// `uv` or `pip`.
    pub fn name(&self) -> &'static str {
        match self {
            Installer::Uv(_) => "uv",
            Installer::Pip => "pip",
        }
    }

    /// `uv (/path/to/uv)` or `pip`, for messages and `doctor`.
    pub fn describe(&self) -> String {
        match self {
            Installer::Uv(uv) => format!("uv ({})", uv.display()),
            Installer::Pip => "pip".into(),
        }
    }

    /// The command that installs `requirements` into `env`.
    pub fn command(&self, env: &PythonEnv, requirements: &[String], index_url: Option<&str>, upgrade: bool) -> Command {
        let mut cmd = match self {
            Installer::Uv(uv) => {
                let mut c = Command::new(uv);
                c.args(["pip", "install", "--python"]).arg(env.python());
                c
            }
            Installer::Pip => {
                let mut c = Command::new(env.python());
                c.args(["-m", "pip", "install", "--disable-pip-version-check"]);
                c
            }
        };
        if upgrade {
            cmd.arg("--upgrade");
        }
        cmd.args(requirements);
        if let Some(url) = index_url {
            cmd.args(["--index-url", url]);
        }
        cmd
    }
}

/// Progress lines on standard error; long steps print a line every few seconds so that a
/// slow download is visibly alive.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Show installer output and details.
    pub verbose: bool,
    /// Print nothing.
    pub quiet: bool,
}

impl Progress {
    /// A top-level step (`==> creating the venv`).
    pub fn step(&self, message: &str) {
        if !self.quiet {
            eprintln!("==> {message}");
        }
    }

    /// A detail shown with `--verbose`.
    pub fn detail(&self, message: &str) {
        if self.verbose && !self.quiet {
            eprintln!("    {message}");
        }
    }

    fn long<R>(&self, what: &str, f: impl FnOnce() -> R) -> R {
        self.step(what);
        let start = Instant::now();
        let done = Arc::new(AtomicBool::new(false));
        let ticker = (!self.quiet && !self.verbose).then(|| {
            let done = done.clone();
            let what = what.to_string();
            std::thread::spawn(move || {
                let mut next = Duration::from_secs(5);
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    if start.elapsed() >= next {
                        eprintln!("    ... still {what} ({} s)", next.as_secs());
                        let _ = std::io::stderr().flush();
                        next += Duration::from_secs(5);
                    }
                }
            })
        });
        let r = f();
        done.store(true, Ordering::Relaxed);
        if let Some(t) = ticker {
            let _ = t.join();
        }
        self.detail(&format!("done in {:.1} s", start.elapsed().as_secs_f64()));
        r
    }
}

/// What `setup` should do.
#[derive(Debug, Clone, Default)]
pub struct SetupOptions {
    /// Only check; install nothing and create nothing.
    pub check: bool,
    /// Upgrade every declared package to the newest version its specifier allows.
    pub upgrade: bool,
    /// Write `snakebridge.lock` afterwards.
    pub write_lock: bool,
    /// The Python to create the venv with, instead of [`find_python`].
    pub python: Option<PathBuf>,
    /// The installer, instead of [`Installer::resolve`].
    pub installer: Option<Installer>,
    /// Where progress goes.
    pub progress: Progress,
}

/// What `setup` found and did.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SetupReport {
    /// The venv.
    pub venv: PathBuf,
    /// Whether it was created by this run.
    pub created: bool,
    /// Whether it does not exist (only with `check`).
    pub venv_missing: bool,
    /// Requirements that were not satisfied before this run.
    pub missing: Vec<String>,
    /// Requirements handed to the installer.
    pub installed: Vec<String>,
    /// The installer used, if one ran.
    pub installer: Option<&'static str>,
    /// The interpreter, after installing.
    pub interpreter: Option<InterpreterDetails>,
    /// The lock file written, if any.
    pub lock_path: Option<PathBuf>,
    /// The `pylock.toml` written with uv, if any.
    pub pylock_path: Option<PathBuf>,
}

/// The declared requirements that `details` does not satisfy. A requirement whose
/// environment marker does not apply to the venv's interpreter (`numpy; python_version < "3.0"`
/// on Python 3.11) is not needed there, so it is never missing.
pub fn missing_packages(project: &ProjectConfig, details: &InterpreterDetails) -> Vec<String> {
    project
        .requirements()
        .into_iter()
        .filter(|req| match Requirement::parse(req) {
            Some(r) if !r.applies_in(&details.markers) => false,
            Some(r) => !details.packages.get(&normalize_name(&r.name)).is_some_and(|v| r.is_satisfied_by(v)),
            None => true,
        })
        .collect()
}

/// Creates or reuses the venv and installs what is missing (`cargo snakebridge setup`).
///
/// With uv (see [`Installer::resolve`]) the venv is made by `uv venv --python <interpreter>`
/// and packages installed by `uv pip install --python <venv python>`; when a lock is written,
/// uv also writes the PEP 751 `pylock.toml` beside it, which the lock records.
pub fn setup(project: &ProjectConfig, options: &SetupOptions) -> Result<SetupReport> {
    let progress = options.progress;
    let env = PythonEnv::new(project.venv_path());
    let mut report = SetupReport { venv: env.venv.clone(), ..SetupReport::default() };
    if options.check {
        if !env.exists() {
            report.venv_missing = true;
            report.missing = project.requirements();
            return Ok(report);
        }
        let details = checked_details(&env)?;
        report.missing = missing_packages(project, &details);
        report.interpreter = Some(details);
        return Ok(report);
    }
    let base_python = || match &options.python {
        Some(p) => Ok(p.clone()),
        None => find_python(),
    };
    let installer = match &options.installer {
        Some(i) => i.clone(),
        None => Installer::resolve(base_python, progress)?,
    };
    if !env.exists() {
        let python = check_python_version(&base_python()?)?;
        let what = format!("creating the venv {} with {} ({})", env.venv.display(), python.display(), installer.name());
        progress.long(&what, || match &installer {
            Installer::Uv(uv) => create_venv(uv, &python, &env.venv),
            Installer::Pip => env.create(&python),
        })?;
        report.created = true;
    }
    let details = checked_details(&env)?;
    report.missing = missing_packages(project, &details);
    let to_install = if options.upgrade {
        let applies = |r: &String| Requirement::parse(r).is_none_or(|p| p.applies_in(&details.markers));
        project.requirements().into_iter().filter(applies).collect()
    } else {
        report.missing.clone()
    };
    let hardware = HardwareInfo::probe();
    let selector = WheelSelector::new(project.wheels.clone(), hardware.clone());
    // Packages with hardware variants come from their own index, so each is installed apart.
    let (special, plain): (Vec<String>, Vec<String>) = to_install
        .iter()
        .cloned()
        .partition(|r| Requirement::parse(r).is_some_and(|p| selector.is_variant_package(&p.name)));
    let mut batches: Vec<(Vec<String>, Option<String>)> = Vec::new();
    if !plain.is_empty() {
        batches.push((plain, None));
    }
    for req in special {
        let name = Requirement::parse(&req).map(|r| r.name).unwrap_or_default();
        let wheel = selector.select_wheel(&name, "");
        progress.detail(&format!(
            "{name}: variant {} from {}",
            wheel.variant.as_deref().unwrap_or("-"),
            wheel.index_url.as_deref().unwrap_or("PyPI")
        ));
        batches.push((vec![req], wheel.index_url));
    }
    if batches.is_empty() {
        progress.step(&format!(
            "all {} declared package(s) are installed in {}",
            project.requirements().len(),
            env.venv.display()
        ));
    } else {
        if installer == Installer::Pip {
            ensure_pip(&env, progress)?;
        }
        for (reqs, index) in &batches {
            install(&installer, &env, reqs, index.as_deref(), options.upgrade, progress)?;
        }
        report.installed = to_install;
        report.installer = Some(installer.name());
    }
    let details = env.inspect()?;
    let still = missing_packages(project, &details);
    if !still.is_empty() {
        return Err(EnvironmentError::missing(
            still,
            "the installer finished but the versions installed do not satisfy them",
            "check the version specifiers in [package.metadata.snakebridge.python_deps]",
        )
        .into());
    }
    if options.write_lock {
        let mut lock = Lock::build(project, Some(&details), &hardware);
        if let Installer::Uv(uv) = &installer {
            let indexes: Vec<String> = batches.iter().filter_map(|(_, index)| index.clone()).collect();
            let path = project.root.join(PYLOCK_FILE_NAME);
            let compiled = progress.long(&format!("locking the venv into {}", path.display()), || {
                compile_pylock(uv, &env.python(), &indexes)
                    .and_then(|text| PylockSection::parse(PYLOCK_FILE_NAME, &text).map(|s| (text, s)))
            });
            match compiled {
                Ok((text, section)) => {
                    write_if_changed(&path, &text)?;
                    lock.pylock = Some(section);
                    report.pylock_path = Some(path);
                }
                // The venv is ready; only the hashes are missing, so this is a warning.
                Err(why) => progress.step(&format!("warning: no {PYLOCK_FILE_NAME} written: {why}")),
            }
        } else if project.root.join(PYLOCK_FILE_NAME).exists() {
            progress.step(&format!(
                "warning: pip cannot write {PYLOCK_FILE_NAME}; the one there is left as it was and the lock no longer records it"
            ));
        }
        let path = project.lock_path();
        lock.write(&path)?;
        progress.step(&format!("wrote {}", path.display()));
        report.lock_path = Some(path);
    }
    report.interpreter = Some(details);
    Ok(report)
}

/// The venv's details, or an error when its Python is not the one snakebridge embeds.
fn checked_details(env: &PythonEnv) -> Result<InterpreterDetails> {
    let details = env.inspect()?;
    let embedded = embedded_python_version();
    if details.major_minor().is_some_and(|v| v != embedded) {
        return Err(EnvironmentError::new(
            format!("the venv {} has Python {} but snakebridge embeds Python {}.{}, so the runtime cannot load its packages", env.venv.display(), details.version, embedded.0, embedded.1),
            format!("remove {} and run `cargo snakebridge setup` with python{}.{} on PATH (or SNAKEBRIDGE_PYTHON)", env.venv.display(), embedded.0, embedded.1),
        )
        .into());
    }
    Ok(details)
}

/// A venv made by uv has no pip; the pip installer bootstraps it with `ensurepip` first.
fn ensure_pip(env: &PythonEnv, progress: Progress) -> Result<()> {
    let has_pip = |args: &[&str]| {
        run_with_timeout(Command::new(env.python()).args(args), Duration::from_secs(300)).is_some_and(|o| o.success)
    };
    if has_pip(&["-m", "pip", "--version"]) {
        return Ok(());
    }
    let ok = progress.long(&format!("adding pip to {} (ensurepip)", env.venv.display()), || {
        has_pip(&["-m", "ensurepip", "--default-pip"])
    });
    if ok {
        return Ok(());
    }
    Err(EnvironmentError::new(
        format!("the venv {} has no pip and `python -m ensurepip` could not add it", env.venv.display()),
        format!("unset SNAKEBRIDGE_INSTALLER to install with uv, or remove {} and run setup again with SNAKEBRIDGE_INSTALLER=pip", env.venv.display()),
    )
    .into())
}

/// Writes `text` to `path` atomically, leaving the file alone when it already holds it.
fn write_if_changed(path: &std::path::Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    let io = |e: std::io::Error| {
        EnvironmentError::new(format!("cannot write {}: {e}", path.display()), "check the directory's permissions")
    };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    tmp.write_all(text.as_bytes()).map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// Checks that `python` is the Python version snakebridge embeds and returns the interpreter
/// it really is (`sys.executable`): a pyenv or asdf shim takes a few hundred milliseconds to
/// start, so the venv is made from the interpreter behind it.
fn check_python_version(python: &std::path::Path) -> Result<PathBuf> {
    let (major, minor) = embedded_python_version();
    let out = run_with_timeout(
        Command::new(python).args([
            "-I",
            "-c",
            "import sys; print('%d.%d' % sys.version_info[:2]); print(sys.executable)",
        ]),
        Duration::from_secs(60),
    )
    .filter(|o| o.success)
    .ok_or_else(|| {
        EnvironmentError::new(
            format!("{} does not run", python.display()),
            "install Python 3 or set SNAKEBRIDGE_PYTHON to a working interpreter",
        )
    })?;
    let mut lines = out.stdout.lines().map(str::trim);
    let found = lines.next().unwrap_or_default();
    if found != format!("{major}.{minor}") {
        return Err(EnvironmentError::new(
            format!("{} is Python {found} but snakebridge embeds Python {major}.{minor}; a venv made with it would not load", python.display()),
            format!("install python{major}.{minor} or set SNAKEBRIDGE_PYTHON to a Python {major}.{minor} interpreter"),
        )
        .into());
    }
    Ok(lines.next().map(PathBuf::from).filter(|p| p.is_file()).unwrap_or_else(|| python.to_path_buf()))
}

fn install(
    installer: &Installer,
    env: &PythonEnv,
    reqs: &[String],
    index: Option<&str>,
    upgrade: bool,
    progress: Progress,
) -> Result<()> {
    let mut cmd = installer.command(env, reqs, index, upgrade);
    progress.detail(&format!("running {cmd:?}"));
    let what = format!("installing {} with {}", reqs.join(" "), installer.name());
    let (ok, output) = progress.long(&what, || {
        if progress.verbose {
            let status = cmd.stdin(Stdio::null()).status();
            (status.as_ref().is_ok_and(|s| s.success()), status.err().map(|e| e.to_string()).unwrap_or_default())
        } else {
            match run_with_timeout(&mut cmd, Duration::from_secs(3600)) {
                Some(o) => (o.success, format!("{}\n{}", o.stdout, o.stderr)),
                None => (false, format!("cannot start {}", installer.name())),
            }
        }
    });
    if ok {
        return Ok(());
    }
    let tail: Vec<&str> = output.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = tail[tail.len().saturating_sub(12)..].join("\n    ");
    let mut error = EnvironmentError::new(
        format!("{} could not install them:\n    {tail}\n", installer.name()),
        "check the package names and versions in [package.metadata.snakebridge.python_deps] and the network, then run `cargo snakebridge setup --verbose`",
    );
    error.missing_packages = reqs.to_vec();
    Err(error.into())
}

/// Makes sure the declared packages are installed before a build or test uses them, the
/// seed's `PythonEnv.ensure!`.
///
/// In strict mode nothing is installed and anything missing is an error. Otherwise the
/// [`AutoInstall`](super::AutoInstall) policy decides whether `profile` may install; when it
/// may not, the error lists what is missing and the command that installs it.
pub fn ensure(project: &ProjectConfig, profile: BuildProfile) -> Result<()> {
    let requirements = project.requirements();
    if requirements.is_empty() {
        return Ok(());
    }
    let env = PythonEnv::new(project.venv_path());
    let missing = if env.exists() { missing_packages(project, &env.inspect()?) } else { requirements };
    if missing.is_empty() {
        return Ok(());
    }
    let fix = "run `cargo snakebridge setup`";
    if project.effective_strict() {
        return Err(EnvironmentError::missing(
            missing,
            "strict mode installs nothing",
            format!("{fix} before building in strict mode"),
        )
        .into());
    }
    let policy = project.effective_auto_install()?;
    if !policy.allows(profile) {
        return Err(EnvironmentError::missing(
            missing,
            &format!("auto_install is `{policy}`, which does not install in {profile:?} builds"),
            format!("{fix}, or set SNAKEBRIDGE_AUTO_INSTALL=always"),
        )
        .into());
    }
    setup(project, &SetupOptions { progress: Progress { verbose: false, quiet: false }, ..SetupOptions::default() })
        .map(|_| ())
}
