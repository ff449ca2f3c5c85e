//! The small part of PEP 440 / PEP 508 that deciding "is this requirement installed?" needs:
//! a requirement's name, extras and version specifiers, and comparing release versions.
//!
//! Environment markers and direct URLs are not supported: a requirement that uses them is
//! taken by name only, which errs on the side of "installed" rather than reinstalling.

use std::cmp::Ordering;

/// A parsed requirement string such as `pandas[excel]>=2.0,<3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The distribution name as written.
    pub name: String,
    /// Extras in brackets.
    pub extras: Vec<String>,
    /// Version specifiers such as `(">=", "2.0")`.
    pub specifiers: Vec<(String, String)>,
}

const OPERATORS: [&str; 8] = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"];

impl Requirement {
    /// Parses a requirement string; `None` when it has no distribution name.
    pub fn parse(text: &str) -> Option<Requirement> {
        let text = text.split(';').next().unwrap_or("").trim();
        let name_end =
            text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')).unwrap_or(text.len());
        let name = text[..name_end].to_string();
        if name.is_empty() {
            return None;
        }
        let mut rest = text[name_end..].trim();
        let mut extras = Vec::new();
        if let Some(inner) = rest.strip_prefix('[') {
            let close = inner.find(']')?;
            extras = inner[..close].split(',').map(|e| e.trim().to_string()).filter(|e| !e.is_empty()).collect();
            rest = inner[close + 1..].trim();
        }
        let mut specifiers = Vec::new();
        if !rest.starts_with('@') {
            for part in rest.trim_start_matches('(').trim_end_matches(')').split(',') {
                let part = part.trim();
                if part.is_empty() {
                    continue;
                }
                let op = OPERATORS.iter().find(|op| part.starts_with(**op))?;
                specifiers.push((op.to_string(), part[op.len()..].trim().to_string()));
            }
        }
        Some(Requirement { name, extras, specifiers })
    }

    /// Whether an installed `version` satisfies every specifier.
    pub fn is_satisfied_by(&self, version: &str) -> bool {
        self.specifiers.iter().all(|(op, want)| satisfies(version, op, want))
    }
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

fn satisfies(version: &str, op: &str, want: &str) -> bool {
    if let Some(prefix) = want.strip_suffix(".*") {
        let matches = prefix_matches(version, prefix);
        return match op {
            "==" => matches,
            "!=" => !matches,
            _ => true,
        };
    }
    let ord = compare(version, want);
    match op {
        "==" => ord == Ordering::Equal,
        "===" => version == want,
        "!=" => ord != Ordering::Equal,
        ">=" => ord != Ordering::Less,
        "<=" => ord != Ordering::Greater,
        ">" => ord == Ordering::Greater,
        "<" => ord == Ordering::Less,
        "~=" => {
            let release = release(want);
            let keep = release.len().saturating_sub(1).max(1);
            ord != Ordering::Less && release_starts_with(&self::release(version), &release[..keep])
        }
        _ => true,
    }
}

/// The numeric release segment (`1.26.4` of `1.26.4rc1+cpu`), ignoring an epoch.
fn release(version: &str) -> Vec<u64> {
    let v = version.trim().trim_start_matches(['v', 'V']);
    let v = v.split_once('!').map(|(_, r)| r).unwrap_or(v);
    let v = v.split('+').next().unwrap_or(v);
    let mut out = Vec::new();
    for part in v.split('.') {
        let digits: String = part.chars().take_while(|c| c.is_ascii_digit()).collect();
        match digits.parse() {
            Ok(n) => out.push(n),
            Err(_) => break,
        }
        if digits.len() != part.len() {
            break;
        }
    }
    out
}

fn is_prerelease(version: &str) -> bool {
    let v = version.split('+').next().unwrap_or(version).to_ascii_lowercase();
    ["a", "b", "rc", "dev", "alpha", "beta", "pre", "c"].iter().any(|tag| {
        v.rsplit(|c: char| c.is_ascii_digit() || c == '.').any(|piece| piece.trim_start_matches(['-', '_']) == *tag)
    })
}

/// Compares release segments (missing parts count as zero); a pre-release sorts before its release.
fn compare(a: &str, b: &str) -> Ordering {
    let (ra, rb) = (release(a), release(b));
    let n = ra.len().max(rb.len());
    for i in 0..n {
        let ord = ra.get(i).copied().unwrap_or(0).cmp(&rb.get(i).copied().unwrap_or(0));
        if ord != Ordering::Equal {
            return ord;
        }
    }
    match (is_prerelease(a), is_prerelease(b)) {
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

fn release_starts_with(version: &[u64], prefix: &[u64]) -> bool {
    prefix.iter().enumerate().all(|(i, p)| version.get(i).copied().unwrap_or(0) == *p)
}

fn prefix_matches(version: &str, prefix: &str) -> bool {
    release_starts_with(&release(version), &release(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_extras_and_specifiers() {
        let r = Requirement::parse("pandas[excel, parquet]>=2.0,<3").unwrap();
        assert_eq!(r.name, "pandas");
        assert_eq!(r.extras, vec!["excel", "parquet"]);
        assert_eq!(r.specifiers, vec![(">=".into(), "2.0".into()), ("<".into(), "3".into())]);
        assert_eq!(Requirement::parse("six").unwrap().specifiers, vec![]);
        assert!(Requirement::parse(">=1").is_none());
        assert!(Requirement::parse("numpy=>1").is_none(), "a bad operator is not silently ignored");
    }

    #[test]
    fn version_specifiers() {
        let r = |s: &str| Requirement::parse(s).unwrap();
        assert!(r("numpy==1.26.0").is_satisfied_by("1.26"));
        assert!(!r("numpy==1.26.0").is_satisfied_by("1.26.4"));
        assert!(r("numpy>=1.26,<3").is_satisfied_by("2.4.0"));
        assert!(!r("numpy>=1.26,<2").is_satisfied_by("2.4.0"));
        assert!(r("numpy==2.*").is_satisfied_by("2.4.1"));
        assert!(!r("numpy!=2.*").is_satisfied_by("2.4.1"));
        assert!(r("torch~=2.1").is_satisfied_by("2.5.0"));
        assert!(!r("torch~=2.1.0").is_satisfied_by("2.2.0"));
        assert!(r("torch==2.1.0").is_satisfied_by("2.1.0+cu121"));
        assert!(r("x<2.0").is_satisfied_by("2.0rc1"));
        assert!(r("x>10").is_satisfied_by("10.1"), "numeric, not lexical");
    }

    #[test]
    fn pep503_names() {
        assert_eq!(normalize_name("Pillow"), "pillow");
        assert_eq!(normalize_name("typing_extensions"), "typing-extensions");
        assert_eq!(normalize_name("zope.interface"), "zope-interface");
        assert_eq!(normalize_name("a__b--c"), "a-b-c");
    }
}
