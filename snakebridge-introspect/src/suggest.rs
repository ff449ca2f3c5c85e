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

/// Optimal string alignment distance: Levenshtein plus adjacent transpositions (`sqtr` is one
/// edit from `sqrt`), the most common typo.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_close_names_only() {
        assert_eq!(closest("meen", ["mean", "median", "max"]), Some("mean"));
        assert_eq!(closest("inclde", ["include", "exclude"]), Some("include"));
        assert_eq!(closest("zzzz", ["mean"]), None);
        assert_eq!(closest("sqtr", ["sqrt", "sin"]), Some("sqrt"));
    }
}
