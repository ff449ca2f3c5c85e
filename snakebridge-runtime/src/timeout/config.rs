//! Timeout profiles and the per-library mapping (the seed's `SnakeBridge.Defaults` runtime
//! options), set from code or from the environment.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::RwLock;

use crate::error::{Error, Result};

/// The time limits of one profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeoutProfile {
    /// The limit of a unary call; `None` means no limit.
    pub timeout: Option<Duration>,
    /// The limit of a whole stream (iterating a Python generator); `None` means no limit.
    pub stream_timeout: Option<Duration>,
}

impl TimeoutProfile {
    /// A profile with these limits.
    pub const fn new(timeout: Option<Duration>, stream_timeout: Option<Duration>) -> Self {
        TimeoutProfile { timeout, stream_timeout }
    }
}

/// How long calls may run: named profiles, the profile calls use by default, and which
/// libraries use which profile.
///
/// Built-in profiles, as in the seed: `default` (120 s), `streaming` (120 s, streams 30 min),
/// `ml_inference` (10 min, streams 30 min), `batch_job` (no limit).
///
/// ```no_run
/// use snakebridge_runtime::TimeoutConfig;
/// # fn main() -> snakebridge_runtime::Result<()> {
/// TimeoutConfig::from_env()?
///     .library("transformers", "ml_inference")
///     .library("torch", "batch_job")
///     .install()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TimeoutConfig {
    /// The profile of calls whose library has no mapping (`"default"`).
    pub default_profile: String,
    /// The profile of streams whose library has no mapping (`"streaming"`).
    pub stream_profile: String,
    /// The profiles by name.
    pub profiles: BTreeMap<String, TimeoutProfile>,
    /// Library (top-level Python package) to profile name.
    pub library_profiles: BTreeMap<String, String>,
}

const MINUTE: Duration = Duration::from_secs(60);

impl Default for TimeoutConfig {
    fn default() -> Self {
        let profiles = [
            ("default", TimeoutProfile::new(Some(2 * MINUTE), Some(30 * MINUTE))),
            ("streaming", TimeoutProfile::new(Some(2 * MINUTE), Some(30 * MINUTE))),
            ("ml_inference", TimeoutProfile::new(Some(10 * MINUTE), Some(30 * MINUTE))),
            ("batch_job", TimeoutProfile::new(None, None)),
        ];
        TimeoutConfig {
            default_profile: "default".into(),
            stream_profile: "streaming".into(),
            profiles: profiles.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            library_profiles: BTreeMap::new(),
        }
    }
}

impl TimeoutConfig {
    /// The built-in profiles with the environment applied on top:
    ///
    /// - `SNAKEBRIDGE_TIMEOUT_PROFILE`: the default profile name;
    /// - `SNAKEBRIDGE_DEFAULT_TIMEOUT_SECONDS`: the `default` profile's call limit
    ///   (seconds, fractions allowed, or `infinity`);
    /// - `SNAKEBRIDGE_DEFAULT_STREAM_TIMEOUT_SECONDS`: the stream limit of `default` and `streaming`;
    /// - `SNAKEBRIDGE_LIBRARY_PROFILES`: `lib=profile` pairs separated by commas
    ///   (`transformers=ml_inference,torch=batch_job`).
    pub fn from_env() -> Result<Self> {
        let mut c = TimeoutConfig::default();
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if let Some(v) = var("SNAKEBRIDGE_DEFAULT_TIMEOUT_SECONDS") {
            let t = parse_seconds("SNAKEBRIDGE_DEFAULT_TIMEOUT_SECONDS", &v)?;
            c.profiles.get_mut("default").expect("built in").timeout = t;
        }
        if let Some(v) = var("SNAKEBRIDGE_DEFAULT_STREAM_TIMEOUT_SECONDS") {
            let t = parse_seconds("SNAKEBRIDGE_DEFAULT_STREAM_TIMEOUT_SECONDS", &v)?;
            for p in ["default", "streaming"] {
                c.profiles.get_mut(p).expect("built in").stream_timeout = t;
            }
        }
        if let Some(v) = var("SNAKEBRIDGE_TIMEOUT_PROFILE") {
            c.default_profile = v.trim().to_owned();
        }
        if let Some(v) = var("SNAKEBRIDGE_LIBRARY_PROFILES") {
            for pair in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let (lib, profile) = pair.split_once('=').ok_or_else(|| Error::InvalidOption {
                    option: "SNAKEBRIDGE_LIBRARY_PROFILES".into(),
                    message: format!("`{pair}` is not `library=profile`; write for example `transformers=ml_inference,torch=batch_job`"),
                })?;
                c.library_profiles.insert(lib.trim().to_owned(), profile.trim().to_owned());
            }
        }
        c.validate()?;
        Ok(c)
    }

    /// Maps `library` (a top-level package, `"transformers"`) to the profile `profile`.
    pub fn library(mut self, library: impl Into<String>, profile: impl Into<String>) -> Self {
        self.library_profiles.insert(library.into(), profile.into());
        self
    }

    /// Adds or replaces the profile `name`.
    pub fn profile(mut self, name: impl Into<String>, profile: TimeoutProfile) -> Self {
        self.profiles.insert(name.into(), profile);
        self
    }

    /// Makes `name` the profile of calls whose library has no mapping.
    pub fn default_profile(mut self, name: impl Into<String>) -> Self {
        self.default_profile = name.into();
        self
    }

    /// Makes this the configuration of every call from now on (calls in flight keep theirs).
    pub fn install(self) -> Result<()> {
        self.validate()?;
        *CONFIG.write() = Some(Arc::new(Ok(self)));
        VERSION.fetch_add(1, Ordering::Release);
        Ok(())
    }

    /// The configuration in force: the installed one, else the environment's.
    pub fn current() -> Result<TimeoutConfig> {
        current().as_ref().clone().map_err(|(option, message)| Error::InvalidOption { option, message })
    }

    /// The profile `name`, with a "did you mean" when there is none.
    pub fn get(&self, name: &str) -> Result<&TimeoutProfile> {
        self.profiles.get(name).ok_or_else(|| {
            let hint = crate::suggest::closest(name, self.profiles.keys().map(String::as_str))
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            Error::InvalidOption {
                option: "timeout profile".into(),
                message: format!(
                    "no profile named `{name}`; {hint}the profiles are {}; add one with `TimeoutConfig::profile`",
                    self.profiles.keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
                ),
            }
        })
    }

    fn validate(&self) -> Result<()> {
        self.get(&self.default_profile)?;
        self.get(&self.stream_profile)?;
        for profile in self.library_profiles.values() {
            self.get(profile)?;
        }
        for (name, p) in &self.profiles {
            for t in [p.timeout, p.stream_timeout].into_iter().flatten() {
                check_not_zero(&format!("profile `{name}`"), t)?;
            }
        }
        Ok(())
    }

    /// The unary-call limit for `library`, and the profile it came from.
    pub(crate) fn call_limit(&self, library: &str) -> (Option<Duration>, &str) {
        let name = self.library_profiles.get(library).unwrap_or(&self.default_profile);
        (self.profiles.get(name).and_then(|p| p.timeout), name)
    }

    /// The stream limit for `library`, and the profile it came from.
    pub(crate) fn stream_limit(&self, library: &str) -> (Option<Duration>, &str) {
        let name = self.library_profiles.get(library).unwrap_or(&self.stream_profile);
        (self.profiles.get(name).and_then(|p| p.stream_timeout), name)
    }
}

/// A zero limit would fail every call before it starts; that is never what was meant.
pub(crate) fn check_not_zero(what: &str, t: Duration) -> Result<()> {
    if t.is_zero() {
        return Err(Error::InvalidOption {
            option: format!("timeout of {what}"),
            message: "a timeout of zero would fail every call; for no limit use `Args::no_timeout()` or the `batch_job` profile".into(),
        });
    }
    Ok(())
}

fn parse_seconds(var: &str, value: &str) -> Result<Option<Duration>> {
    let v = value.trim();
    if matches!(v, "infinity" | "inf" | "none") {
        return Ok(None);
    }
    let secs: f64 = v.parse().map_err(|_| Error::InvalidOption {
        option: var.into(),
        message: format!("`{value}` is not a number of seconds; write for example `120`, `0.5` or `infinity`"),
    })?;
    let t = Duration::try_from_secs_f64(secs).map_err(|_| Error::InvalidOption {
        option: var.into(),
        message: format!("`{value}` is not a usable number of seconds; write a positive number or `infinity`"),
    })?;
    check_not_zero(var, t)?;
    Ok(Some(t))
}

type Loaded = std::result::Result<TimeoutConfig, (String, String)>;

static CONFIG: RwLock<Option<Arc<Loaded>>> = RwLock::new(None);
static VERSION: AtomicU64 = AtomicU64::new(1);

/// A thread's copy of the configuration.
struct Snapshot {
    version: u64,
    config: Option<Arc<Loaded>>,
}

thread_local! {
    // Calls read the configuration on every call; a per-thread copy checked against a version
    // number keeps that to one atomic load instead of a lock.
    static CACHED: std::cell::RefCell<Snapshot> = const { std::cell::RefCell::new(Snapshot { version: 0, config: None }) };
    /// `(version, the answer of [`uniform_watchdog_ms`])`, worked out when [`CACHED`] is, in a
    /// cell with no destructor: the per-call read needs no borrow flag and no init check.
    static UNIFORM_MS: std::cell::Cell<(u64, u64)> = const { std::cell::Cell::new((0, NOT_UNIFORM)) };
}

fn refresh(c: &std::cell::RefCell<Snapshot>, version: u64) -> Arc<Loaded> {
    let cfg = load();
    // One limit for every call without per-call options when no library has its own profile.
    let ms = match cfg.as_ref() {
        Ok(c) if c.library_profiles.is_empty() => {
            c.profiles.get(&c.default_profile).and_then(|p| p.timeout).map_or(0, super::watchdog::limit_ms)
        }
        _ => NOT_UNIFORM,
    };
    *c.borrow_mut() = Snapshot { version, config: Some(cfg.clone()) };
    UNIFORM_MS.set((version, ms));
    cfg
}

/// What [`uniform_watchdog_ms`] returns when the limit depends on the library.
pub(crate) const NOT_UNIFORM: u64 = u64::MAX;

/// The limit of a call without per-call options when it does not depend on the library, as
/// the watchdog arms it: milliseconds, 0 for no limit; [`NOT_UNIFORM`] when the full
/// resolution is needed. The per-call path reads it without converting a `Duration`.
#[inline(always)]
pub(crate) fn uniform_watchdog_ms() -> u64 {
    let version = VERSION.load(Ordering::Acquire);
    match UNIFORM_MS.get() {
        (v, ms) if v == version => ms,
        _ => refreshed_uniform_ms(version),
    }
}

#[cold]
#[inline(never)]
fn refreshed_uniform_ms(version: u64) -> u64 {
    CACHED.with(|c| refresh(c, version));
    UNIFORM_MS.get().1
}

/// Runs `f` on the configuration in force without cloning it.
#[inline]
pub(crate) fn with_current<R>(f: impl FnOnce(&Loaded) -> R) -> R {
    let version = VERSION.load(Ordering::Acquire);
    CACHED.with(|c| {
        {
            // No Arc clone on the hot path: its shared counter would bounce between threads.
            let b = c.borrow();
            if b.version == version {
                if let Some(cfg) = b.config.as_deref() {
                    return f(cfg);
                }
            }
        }
        let cfg = refresh(c, version);
        f(&cfg)
    })
}

/// The configuration in force, loaded from the environment on first use.
pub(crate) fn current() -> Arc<Loaded> {
    with_current(|_| ());
    let version = VERSION.load(Ordering::Acquire);
    CACHED.with(|c| {
        let b = c.borrow();
        match (&b.config, b.version == version) {
            (Some(cfg), true) => cfg.clone(),
            _ => load(),
        }
    })
}

fn load() -> Arc<Loaded> {
    if let Some(cfg) = CONFIG.read().as_ref() {
        return cfg.clone();
    }
    let mut slot = CONFIG.write();
    slot.get_or_insert_with(|| {
        Arc::new(TimeoutConfig::from_env().map_err(|e| match e {
            Error::InvalidOption { option, message } => (option, message),
            other => ("timeout configuration".into(), other.to_string()),
        }))
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_profiles_match_the_seed() {
        let c = TimeoutConfig::default();
        assert_eq!(c.call_limit("numpy"), (Some(Duration::from_secs(120)), "default"));
        assert_eq!(c.stream_limit("numpy"), (Some(Duration::from_secs(1800)), "streaming"));
        let c = c.library("transformers", "ml_inference").library("torch", "batch_job");
        assert_eq!(c.call_limit("transformers"), (Some(Duration::from_secs(600)), "ml_inference"));
        assert_eq!(c.call_limit("torch"), (None, "batch_job"));
    }

    #[test]
    fn bad_values_are_typed_errors() {
        assert!(parse_seconds("X", "abc").unwrap_err().to_string().contains("not a number of seconds"));
        assert!(parse_seconds("X", "0").unwrap_err().to_string().contains("zero"));
        assert!(parse_seconds("X", "-1").is_err());
        assert!(parse_seconds("X", "1e400").is_err());
        assert_eq!(parse_seconds("X", "infinity").unwrap(), None);
        assert_eq!(parse_seconds("X", "0.25").unwrap(), Some(Duration::from_millis(250)));
        let err = TimeoutConfig::default().library("x", "ml_inferense").install().unwrap_err().to_string();
        assert!(err.contains("did you mean `ml_inference`"), "{err}");
    }
}
