//! Strict mode: a warning when a session holds more live refs than a threshold, which is how
//! a leak of refs (a loop that keeps every result) shows up long before the registry's cap
//! starts evicting.
//!
//! Off by default. `SNAKEBRIDGE_STRICT_MODE=1` or [`RuntimeConfig::strict_mode`] turns it
//! on; `SNAKEBRIDGE_STRICT_MODE_THRESHOLD` (default 1000) sets the count. The warning goes out
//! through `tracing` once per crossing: when a session goes from `threshold` refs to one more.
//! A session that falls back below and crosses again warns again.
//!
//! [`RuntimeConfig::strict_mode`]: crate::RuntimeConfig::strict_mode

use std::sync::atomic::{AtomicUsize, Ordering};

use foldhash::HashMap;
use pyo3::prelude::*;

use crate::session::SessionId;

/// The threshold strict mode uses when none is given.
pub const DEFAULT_STRICT_THRESHOLD: usize = 1000;

/// `threshold + 1` while strict mode is on, `0` while it is off: the insert path reads one
/// atomic and compares.
static WARN_AT: AtomicUsize = AtomicUsize::new(0);

/// Sets strict mode from the environment (`var` reads it) over `configured`, the threshold
/// given in [`RuntimeConfig`](crate::RuntimeConfig); called once, as the interpreter starts.
/// Errs, naming the variable, when a value is not what it must be.
pub(crate) fn configure(configured: Option<usize>, var: impl Fn(&str) -> Option<String>) -> Result<(), String> {
    let resolved = resolve(configured, var)?;
    set(resolved);
    Ok(())
}

/// Turns strict mode on with `threshold`, or off with `None`.
pub(crate) fn set(threshold: Option<usize>) {
    WARN_AT.store(threshold.map_or(0, |t| t.saturating_add(1)), Ordering::Relaxed);
}

/// The threshold strict mode runs with, or `None` when it is off.
pub fn strict_mode_threshold() -> Option<usize> {
    match WARN_AT.load(Ordering::Relaxed) {
        0 => None,
        n => Some(n - 1),
    }
}

fn resolve(configured: Option<usize>, var: impl Fn(&str) -> Option<String>) -> Result<Option<usize>, String> {
    let text = |name: &str| var(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let on = match text("SNAKEBRIDGE_STRICT_MODE") {
        None => configured.is_some(),
        Some(v) => match v.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => true,
            "0" | "false" | "no" | "off" => false,
            _ => {
                return Err(format!(
                    "SNAKEBRIDGE_STRICT_MODE={v:?} is not a switch: it must be 1 or 0 (true/false); fix or unset it"
                ))
            }
        },
    };
    let threshold = match text("SNAKEBRIDGE_STRICT_MODE_THRESHOLD") {
        Some(v) => v.parse::<usize>().map_err(|_| {
            format!(
                "SNAKEBRIDGE_STRICT_MODE_THRESHOLD={v:?} is not a whole number: it must be a count of live refs such as 1000; fix or unset it"
            )
        })?,
        None => configured.unwrap_or(DEFAULT_STRICT_THRESHOLD),
    };
    Ok(on.then_some(threshold))
}

/// Whether a session that now holds `len` refs has just crossed the threshold.
#[inline(always)]
pub(super) fn crossed(len: usize) -> bool {
    if cfg!(snakebridge_without_checks) {
        return false; // measuring the check's cost (as `ledger::on`)
    }
    let warn_at = WARN_AT.load(Ordering::Relaxed);
    warn_at != 0 && len == warn_at
}

/// The warning, with the types that dominate `objects` (the session's live objects).
#[cold]
pub(super) fn warn(py: Python<'_>, session: &SessionId, objects: &[Py<PyAny>]) {
    let mut counts: HashMap<usize, (Bound<'_, pyo3::types::PyType>, usize)> = HashMap::default();
    for obj in objects {
        let ty = obj.bind(py).get_type();
        counts.entry(ty.as_ptr() as usize).or_insert_with(|| (ty, 0)).1 += 1;
    }
    let mut ranked: Vec<(String, usize)> = counts
        .into_values()
        .map(|(ty, n)| (ty.fully_qualified_name().map(|s| s.to_string()).unwrap_or_else(|_| "object".into()), n))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let dominant = ranked.iter().take(3).map(|(name, n)| format!("{name} ×{n}")).collect::<Vec<_>>().join(", ");
    let threshold = strict_mode_threshold().unwrap_or_default();
    tracing::warn!(
        session = %session,
        live_refs = objects.len(),
        threshold,
        dominant = %dominant,
        "snakebridge strict mode: session {session} holds {} live refs, more than {threshold}; most are {dominant}. \
         Release refs you no longer need (drop them, release_ref, or a scoped Session)",
        objects.len()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn off_by_default_on_by_env_or_config() {
        assert_eq!(resolve(None, env(&[])), Ok(None));
        assert_eq!(resolve(None, env(&[("SNAKEBRIDGE_STRICT_MODE", "1")])), Ok(Some(1000)));
        assert_eq!(resolve(Some(5), env(&[])), Ok(Some(5)));
        assert_eq!(resolve(Some(5), env(&[("SNAKEBRIDGE_STRICT_MODE", "0")])), Ok(None));
        let both = [("SNAKEBRIDGE_STRICT_MODE", "true"), ("SNAKEBRIDGE_STRICT_MODE_THRESHOLD", " 20 ")];
        assert_eq!(resolve(Some(5), env(&both)), Ok(Some(20)));
    }

    #[test]
    fn a_threshold_that_is_not_a_number_is_named() {
        let bad = [("SNAKEBRIDGE_STRICT_MODE", "1"), ("SNAKEBRIDGE_STRICT_MODE_THRESHOLD", "lots")];
        let err = resolve(None, env(&bad)).unwrap_err();
        assert!(err.contains("SNAKEBRIDGE_STRICT_MODE_THRESHOLD=\"lots\"") && err.contains("whole number"), "{err}");
        let err = resolve(None, env(&[("SNAKEBRIDGE_STRICT_MODE", "maybe")])).unwrap_err();
        assert!(err.contains("SNAKEBRIDGE_STRICT_MODE=\"maybe\""), "{err}");
    }
}
