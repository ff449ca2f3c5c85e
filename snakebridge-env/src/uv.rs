//! uv, the installer `setup` prefers: where it is found, how it is fetched from PyPI when it
//! is not on `PATH`, and the uv commands `setup` runs (`uv venv`, `uv pip freeze`,
//! `uv pip compile --format pylock.toml`).
//!
//! uv is fetched once per user into the snakebridge tool cache ([`tool_cache_dir`]) with the
//! base interpreter's pip (`python -m pip install --target <cache>/tools/uv uv`), never into
//! the project's venv, so the venv holds only what the project declares.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use snakebridge_runtime::Result;

use super::sources::{find_on_path, run_with_timeout};
use snakebridge_meta::environment_error::EnvironmentError;

/// The environment variable that moves the snakebridge cache (the uv tool cache lives in its
/// `tools/` folder).
pub const CACHE_DIR_ENV: &str = "SNAKEBRIDGE_CACHE_DIR";

/// How long fetching uv from PyPI may take before it is given up.
const FETCH_TIMEOUT: Duration = Duration::from_secs(300);
/// How long a uv resolution or venv creation may take.
const UV_TIMEOUT: Duration = Duration::from_secs(600);

/// The snakebridge cache: `SNAKEBRIDGE_CACHE_DIR`, else the user's cache directory
/// (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%`
/// on Windows) joined with `snakebridge`. `None` when no home directory is known.
pub fn cache_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var(CACHE_DIR_ENV) {
        return Some(dir);
    }
    let base = if cfg!(windows) {
        var("LOCALAPPDATA")?
    } else if cfg!(target_os = "macos") {
        var("HOME")?.join("Library").join("Caches")
    } else {
        var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|h| h.join(".cache")))?
    };
    Some(base.join("snakebridge"))
}

/// Where fetched tools live: `<cache_dir>/tools`.
pub fn tool_cache_dir() -> Option<PathBuf> {
    cache_dir().map(|d| d.join("tools"))
}

fn exe(name: &str) -> String {
    if cfg!(windows) {
        format!("{name}.exe")
    } else {
        name.to_string()
    }
}

/// The uv that the tool cache holds, if it was fetched before and runs (a copy that does not,
/// say one for another architecture in a shared home, is fetched again).
pub fn cached_uv() -> Option<PathBuf> {
    let uv = tool_cache_dir()?.join("uv").join("bin").join(exe("uv"));
    (uv.is_file() && uv_version(&uv).is_some()).then_some(uv)
}

/// uv without fetching anything: `PATH` first, then the tool cache.
pub fn find_uv() -> Option<PathBuf> {
    find_on_path("uv").or_else(cached_uv)
}

/// The version line of a uv binary (`uv 0.13.9 (...)`); `None` when it does not run.
pub fn uv_version(uv: &Path) -> Option<String> {
    run_with_timeout(Command::new(uv).arg("--version"), Duration::from_secs(30))
        .filter(|o| o.success)
        .map(|o| o.stdout.trim().to_string())
}

/// Fetches uv from PyPI into the tool cache with `python`'s pip and returns its path.
///
/// The download goes to a temporary folder that is renamed into place only when pip
/// succeeded, so a failed or interrupted fetch leaves no half-installed uv behind.
pub fn fetch_uv(python: &Path) -> Result<PathBuf> {
    let fix = "install uv yourself (`pipx install uv`, or see https://docs.astral.sh/uv/) and put it on PATH, or set SNAKEBRIDGE_INSTALLER=pip to use pip";
    let tools = tool_cache_dir().ok_or_else(|| {
        EnvironmentError::new("uv is not on PATH and there is no cache directory to fetch it into (no HOME)", fix)
    })?;
    let io = |what: &str, e: std::io::Error| {
        EnvironmentError::new(format!("cannot {what} the tool cache {}: {e}", tools.display()), fix)
    };
    std::fs::create_dir_all(&tools).map_err(|e| io("create", e))?;
    let staging = tempfile::Builder::new().prefix(".uv-").tempdir_in(&tools).map_err(|e| io("write to", e))?;
    let out = run_with_timeout(
        Command::new(python)
            .args(["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", "--target"])
            .arg(staging.path())
            .arg("uv"),
        FETCH_TIMEOUT,
    )
    .ok_or_else(|| EnvironmentError::new(format!("cannot run {} to fetch uv", python.display()), fix))?;
    if !out.success {
        return Err(EnvironmentError::new(
            format!(
                "could not fetch uv from PyPI with `{} -m pip install uv`: {}",
                python.display(),
                last_lines(&out.stderr, 6)
            ),
            format!("check the network (and PIP_INDEX_URL if you use a mirror) and run it again; or {fix}"),
        )
        .into());
    }
    let target = tools.join("uv");
    // Another setup may have fetched uv meanwhile: its copy is used (and perhaps running), so
    // it is kept and this download dropped. Only a copy that does not run is replaced.
    if let Some(uv) = cached_uv() {
        return Ok(uv);
    }
    if target.exists() {
        std::fs::remove_dir_all(&target).map_err(|e| io("replace the broken uv in", e))?;
    }
    let staged = staging.keep();
    if let Err(e) = std::fs::rename(&staged, &target) {
        // Lost the race between the check and the rename: the winner's copy is as good.
        let _ = std::fs::remove_dir_all(&staged);
        return cached_uv().ok_or_else(|| io("move uv into", e).into());
    }
    let uv = target.join("bin").join(exe("uv"));
    if uv_version(&uv).is_none() {
        return Err(EnvironmentError::new(
            format!("uv was fetched into {} but does not run", target.display()),
            format!("remove {} and run setup again; or {fix}", target.display()),
        )
        .into());
    }
    Ok(uv)
}

/// Creates a venv at `venv` with `uv venv --python <python>`.
pub fn create_venv(uv: &Path, python: &Path, venv: &Path) -> Result<()> {
    let out = run_with_timeout(
        Command::new(uv).args(["venv", "--quiet", "--no-project", "--python"]).arg(python).arg(venv),
        UV_TIMEOUT,
    )
    .ok_or_else(|| {
        EnvironmentError::new(
            format!("cannot run {}", uv.display()),
            "put a working uv on PATH, or set SNAKEBRIDGE_INSTALLER=pip",
        )
    })?;
    if !out.success {
        return Err(EnvironmentError::new(
            format!("`uv venv --python {} {}` failed: {}", python.display(), venv.display(), last_lines(&out.stderr, 6)),
            "set SNAKEBRIDGE_PYTHON to a working interpreter, or SNAKEBRIDGE_INSTALLER=pip to make the venv with `python -m venv`",
        )
        .into());
    }
    Ok(())
}

/// Resolves what the venv at `venv_python` holds into PEP 751 `pylock.toml` text, with the
/// hashes of every file: `uv pip freeze`, then `uv pip compile --format pylock.toml` of those
/// exact pins (without re-resolving dependencies). `extra_indexes` are the indexes hardware
/// variants came from. Editable installs are left out: they have no published file to hash.
pub fn compile_pylock(uv: &Path, venv_python: &Path, extra_indexes: &[String]) -> std::result::Result<String, String> {
    let freeze = run_with_timeout(
        Command::new(uv).args(["pip", "freeze", "--exclude-editable", "--python"]).arg(venv_python),
        UV_TIMEOUT,
    )
    .ok_or("cannot run uv")?;
    if !freeze.success {
        return Err(format!("`uv pip freeze` failed: {}", last_lines(&freeze.stderr, 4)));
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let pins = dir.path().join("installed.txt");
    let lock = dir.path().join("pylock.toml");
    std::fs::write(&pins, &freeze.stdout).map_err(|e| e.to_string())?;
    let mut cmd = Command::new(uv);
    cmd.args(["pip", "compile", "--quiet", "--no-header", "--no-deps", "--format", "pylock.toml", "--python"])
        .arg(venv_python)
        .arg(&pins)
        .arg("-o")
        .arg(&lock);
    for index in extra_indexes {
        cmd.args(["--extra-index-url", index]);
    }
    if !extra_indexes.is_empty() {
        // A variant (torch+cu121) lives on its own index while its name is on PyPI too.
        cmd.args(["--index-strategy", "unsafe-best-match"]);
    }
    let out = run_with_timeout(&mut cmd, UV_TIMEOUT).ok_or("cannot run uv")?;
    if !out.success {
        return Err(format!("`uv pip compile --format pylock.toml` failed: {}", last_lines(&out.stderr, 4)));
    }
    std::fs::read_to_string(&lock).map_err(|e| format!("uv wrote no pylock.toml: {e}"))
}

/// The last `n` non-empty lines of a command's output, joined on one line.
pub(crate) fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_lines_keeps_the_tail() {
        assert_eq!(last_lines("a\n\nb\n c \n", 2), "b | c");
        assert_eq!(last_lines("", 3), "");
    }
}
