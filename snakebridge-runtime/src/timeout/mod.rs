//! Timeouts: profiles, per-library mapping, per-call override, and interruption of a call
//! inside Python when it passes its limit.
//!
//! A call's limit is, first match wins: the call's own [`Args::timeout`](crate::Args::timeout)
//! / [`Args::no_timeout`](crate::Args::no_timeout), its
//! [`Args::timeout_profile`](crate::Args::timeout_profile), the profile mapped to its library,
//! the default profile. See [`TimeoutConfig`] for the profiles and environment variables.

mod config;
mod interrupt;
mod stream_deadline;
pub(crate) mod watchdog;

use std::time::Duration;

pub use self::config::{TimeoutConfig, TimeoutProfile};
pub(crate) use self::interrupt::{install, is_awaitable, run_coroutine};
pub(crate) use self::stream_deadline::StreamDeadline;
use crate::call::CallOptions;
use crate::error::{Error, Result};

/// A per-call limit that replaces the profile's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallTimeout {
    /// Interrupt the call after this long.
    After(Duration),
    /// No limit for this call.
    Never,
}

/// The limit a call runs under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Limit {
    pub(crate) timeout: Option<Duration>,
    pub(crate) profile: std::borrow::Cow<'static, str>,
}

/// The watchdog milliseconds of a call with `options` when they do not depend on the library
/// (0 for no limit), else `None`: a thread-local load, nothing converted.
#[inline(always)]
pub(crate) fn uniform_watchdog_ms(options: Option<&CallOptions>) -> Option<u64> {
    if options.is_none_or(|o| o.timeout.is_none() && o.timeout_profile.is_none()) {
        Some(config::uniform_watchdog_ms()).filter(|&ms| ms != config::NOT_UNIFORM)
    } else {
        None
    }
}

/// The time limit of a call into `module` with `options` (`None`: no limit), resolved in full;
/// the per-call path asks [`uniform_watchdog_ms`] first.
pub(crate) fn limit_of(module: &str, options: Option<&CallOptions>) -> Result<Option<Duration>> {
    call_limit(crate::supervise::library_of(module), options).map(|l| l.timeout)
}

/// The unary-call limit for a call to `library` with `options`, and the profile it came from.
pub(crate) fn call_limit(library: &str, options: Option<&CallOptions>) -> Result<Limit> {
    if let Some(o) = options {
        match o.timeout {
            Some(CallTimeout::After(t)) => {
                config::check_not_zero("this call", t)?;
                return Ok(Limit { timeout: Some(t), profile: "custom".into() });
            }
            Some(CallTimeout::Never) => return Ok(Limit { timeout: None, profile: "custom".into() }),
            None => {}
        }
    }
    config::with_current(|cfg| {
        let cfg = cfg
            .as_ref()
            .map_err(|(option, message)| Error::InvalidOption { option: option.clone(), message: message.clone() })?;
        if let Some(name) = options.and_then(|o| o.timeout_profile.as_deref()) {
            let p = cfg.get(name)?;
            return Ok(Limit { timeout: p.timeout, profile: name.to_owned().into() });
        }
        let (timeout, profile) = cfg.call_limit(library);
        let profile = match profile {
            "default" => "default".into(),
            other => other.to_owned().into(),
        };
        Ok(Limit { timeout, profile })
    })
}

/// The limit of a whole stream over `library`'s iterator with `options`, and the profile it came
/// from: for the streaming API (the profile's `stream_timeout`; a per-call `timeout` wins).
pub fn stream_timeout(library: &str, options: Option<&CallOptions>) -> Result<(Option<Duration>, String)> {
    if let Some(t) = options.and_then(|o| o.timeout) {
        return Ok(match t {
            CallTimeout::After(t) => {
                config::check_not_zero("this stream", t)?;
                (Some(t), "custom".into())
            }
            CallTimeout::Never => (None, "custom".into()),
        });
    }
    let cfg = TimeoutConfig::current()?;
    if let Some(name) = options.and_then(|o| o.timeout_profile.as_deref()) {
        return Ok((cfg.get(name)?.stream_timeout, name.to_owned()));
    }
    let (t, p) = cfg.stream_limit(library);
    Ok((t, p.to_owned()))
}

/// The limit a unary call to `library` with `options` would run under, and its profile name.
pub fn call_timeout(library: &str, options: Option<&CallOptions>) -> Result<(Option<Duration>, String)> {
    let l = call_limit(library, options)?;
    Ok((l.timeout, l.profile.into_owned()))
}

/// `1.5s`, `100ms`, `2min`: durations as people write them in messages.
pub(crate) fn human(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms % 60_000 == 0 {
        format!("{}min", ms / 60_000)
    } else if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{:.3}s", d.as_secs_f64())
    }
}

impl CallOptions {
    /// Interrupts the call after `timeout` instead of its profile's limit.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(CallTimeout::After(timeout));
        self
    }

    /// Runs the call without a time limit.
    pub fn without_timeout(mut self) -> Self {
        self.timeout = Some(CallTimeout::Never);
        self
    }

    /// Runs the call under the profile `name` (`"ml_inference"`, `"batch_job"`, …).
    pub fn with_timeout_profile(mut self, name: impl Into<String>) -> Self {
        self.timeout_profile = Some(name.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations() {
        assert_eq!(human(Duration::from_millis(100)), "100ms");
        assert_eq!(human(Duration::from_secs(120)), "2min");
        assert_eq!(human(Duration::from_secs(90)), "90s");
        assert_eq!(human(Duration::from_millis(1500)), "1.500s");
    }

    #[test]
    fn per_call_options_win() {
        let o = CallOptions::default().with_timeout(Duration::from_millis(5));
        assert_eq!(call_limit("numpy", Some(&o)).unwrap().timeout, Some(Duration::from_millis(5)));
        let o = CallOptions::default().without_timeout();
        assert_eq!(call_limit("numpy", Some(&o)).unwrap().timeout, None);
        let o = CallOptions::default().with_timeout(Duration::ZERO);
        assert!(call_limit("numpy", Some(&o)).unwrap_err().to_string().contains("zero"));
        let o = CallOptions::default().with_timeout_profile("ml_inference");
        assert_eq!(call_limit("numpy", Some(&o)).unwrap().timeout, Some(Duration::from_secs(600)));
        let o = CallOptions::default().with_timeout_profile("nope");
        assert!(call_limit("numpy", Some(&o)).is_err());
    }
}
