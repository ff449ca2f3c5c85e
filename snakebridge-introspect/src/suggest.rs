//! "Did you mean": the closest known name to a misspelt one.

/// The candidate closest to `wanted`, if one is close enough to be a likely typo.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wanted.chars().count() / 3).max(1);
    let wanted_lower = wanted.to_lowercase();
    candidates
        .into_iter()
        .filter(|c| !c.starts_with('_') || wanted.starts_with('_'))
        .map(|c| (distance(&wanted_lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
}

/// The "; did you mean `x`?" suffix for an error message, or nothing.
pub fn did_you_mean<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(wanted, candidates).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default()
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_close_names_only() {
        assert_eq!(closest("meen", ["mean", "median", "max"]), Some("mean"));
        assert_eq!(closest("inclde", ["include", "exclude"]), Some("include"));
        assert_eq!(closest("zzzz", ["mean"]), None);
    }
}
