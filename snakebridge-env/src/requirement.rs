//! Requirement strings (PEP 508) and version matching (PEP 440), on the `pep508_rs` and
//! `pep440_rs` crates (the parsers uv grew from) rather than a hand-written subset: pre-,
//! post- and dev-releases, epochs, local versions and `~=` compare as pip's `packaging` does,
//! and environment markers are evaluated against the venv's own interpreter.

use std::collections::BTreeMap;
use std::str::FromStr;

use pep440_rs::{Operator, Version, VersionSpecifier};
use pep508_rs::{MarkerEnvironment, MarkerEnvironmentBuilder, VerbatimUrl, VersionOrUrl};

/// A parsed requirement string such as `pandas[excel]>=2.0,<3; python_version >= "3.9"`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Requirement {
    /// The distribution name as written.
    pub name: String,
    /// Extras in brackets.
    pub extras: Vec<String>,
    /// Version specifiers such as `(">=", "2.0")`, in normal form.
    pub specifiers: Vec<(String, String)>,
    /// The environment marker after `;`, in normal form; `None` when it applies everywhere.
    pub markers: Option<String>,
    parsed: pep508_rs::Requirement<VerbatimUrl>,
}

impl Requirement {
    /// Parses a PEP 508 requirement string; `None` when it is not one (no name, a bad
    /// operator such as `=>`, a malformed marker).
    pub fn parse(text: &str) -> Option<Requirement> {
        let parsed = pep508_rs::Requirement::<VerbatimUrl>::from_str(text.trim()).ok()?;
        let specifiers = match &parsed.version_or_url {
            Some(VersionOrUrl::VersionSpecifier(specs)) => {
                specs.iter().map(|s| (s.operator().to_string(), s.version().to_string())).collect()
            }
            _ => Vec::new(),
        };
        Some(Requirement {
            // The name as written, not pep508_rs's normal form: messages quote the user.
            name: written_name(text),
            extras: parsed.extras.iter().map(ToString::to_string).collect(),
            specifiers,
            markers: parsed.marker.contents().map(|m| m.to_string()),
            parsed,
        })
    }

    /// Whether an installed `version` satisfies every specifier, as pip's
    /// `SpecifierSet.contains(version, prereleases=True)` decides for installed packages.
    ///
    /// A requirement by URL (`name @ https://…`) is satisfied by any installed version. A
    /// version that is not PEP 440 satisfies only `===` with the same text.
    pub fn is_satisfied_by(&self, version: &str) -> bool {
        let specs = match &self.parsed.version_or_url {
            Some(VersionOrUrl::VersionSpecifier(specs)) => specs,
            _ => return true,
        };
        match Version::from_str(version.trim()) {
            Ok(v) => specs.iter().all(|spec| contains(spec, &v)),
            Err(_) => {
                !self.specifiers.is_empty()
                    && self.specifiers.iter().all(|(op, want)| op == "===" && want == version.trim())
            }
        }
    }

    /// Whether the requirement applies in the environment `markers` describes (the PEP 508
    /// marker variables, as [`InterpreterDetails::markers`](super::InterpreterDetails::markers)
    /// reads them from the venv's interpreter). Without a marker it always applies; an
    /// environment that lacks the variables gives `true`, leaving the decision to the installer.
    pub fn applies_in(&self, markers: &BTreeMap<String, String>) -> bool {
        if self.markers.is_none() {
            return true;
        }
        match marker_environment(markers) {
            Some(env) => self.parsed.evaluate_markers(&env, &[]),
            None => true,
        }
    }
}

/// `spec.contains(version)`, except for `<V` with a pre-release `V`: pep440_rs 0.7.3 refuses
/// every pre-release of V's release there (`<2.0rc1` on `2.0b2`), where PEP 440 and `packaging`
/// exclude pre-releases of V only when V itself is not one.
fn contains(spec: &VersionSpecifier, version: &Version) -> bool {
    if *spec.operator() != Operator::LessThan || !spec.version().any_prerelease() {
        return spec.contains(version);
    }
    let candidate = if spec.version().local().is_empty() { version.clone().without_local() } else { version.clone() };
    candidate < *spec.version()
}

/// The distribution name as the user wrote it, up to the first character a name cannot hold.
fn written_name(text: &str) -> String {
    let text = text.trim();
    let end = text.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))).unwrap_or(text.len());
    text[..end].to_string()
}

fn marker_environment(m: &BTreeMap<String, String>) -> Option<MarkerEnvironment> {
    let get = |k: &str| m.get(k).map(String::as_str);
    MarkerEnvironment::try_from(MarkerEnvironmentBuilder {
        implementation_name: get("implementation_name")?,
        implementation_version: get("implementation_version")?,
        os_name: get("os_name")?,
        platform_machine: get("platform_machine")?,
        platform_python_implementation: get("platform_python_implementation")?,
        platform_release: get("platform_release")?,
        platform_system: get("platform_system")?,
        platform_version: get("platform_version")?,
        python_full_version: get("python_full_version")?,
        python_version: get("python_version")?,
        sys_platform: get("sys_platform")?,
    })
    .ok()
}

/// The PEP 503 normal form of a distribution name: lower case, runs of `-_.` as one `-`.
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if c == '-' || c == '_' || c == '.' {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

#[cfg(test)]
#[path = "requirement_tests.rs"]
mod tests;
