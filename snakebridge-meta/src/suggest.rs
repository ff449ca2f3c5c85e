//! "Did you mean": the one rule for suggesting a known name in place of a misspelt one, used
//! by the macros' compile errors, the runtime's call errors and the CLI's configuration errors.

/// The candidate closest to `wanted`, if one is close enough to be a likely typo.
///
/// The rule: optimal-string-alignment distance (a swap of two neighbours is one edit, so
/// `sqtr` is one typo from `sqrt`) over lowercased names, at most a third of `wanted`'s length
/// (at least 1). Private names (`_x`, `__x__`) are offered only for a private `wanted`. Ties go
/// to the candidate whose length is nearest, then to the first in alphabetical order, so the
/// answer does not depend on the order of `candidates`.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wanted.chars().count() / 3).max(1);
    let wanted_lower = wanted.to_lowercase();
    let wanted_len = wanted.chars().count();
    candidates
        .into_iter()
        .filter(|c| !c.starts_with('_') || wanted.starts_with('_'))
        .map(|c| (strsim::osa_distance(&wanted_lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.chars().count().abs_diff(wanted_len), *c))
        .map(|(_, c)| c)
}

/// The "; did you mean `x`?" suffix for an error message, or an empty string.
pub fn did_you_mean<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(wanted, candidates).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_found_and_other_names_are_not() {
        assert_eq!(closest("sqtr", ["sqrt", "sin", "floor"]), Some("sqrt"));
        assert_eq!(closest("dumsp", ["dumps", "dump", "loads"]), Some("dumps"));
        assert_eq!(closest("meen", ["mean", "median", "max"]), Some("mean"));
        assert_eq!(closest("inclde", ["include", "exclude"]), Some("include"));
        assert_eq!(closest("zzzzzz", ["sqrt"]), None);
        assert_eq!(closest("Mean", ["mean"]), Some("mean"));
    }

    #[test]
    fn private_names_only_for_private_names() {
        assert_eq!(closest("lenn", ["__len__", "_lenx"]), None);
        assert_eq!(closest("_lenn", ["_lenx", "len"]), Some("_lenx"));
    }

    #[test]
    fn ties_do_not_depend_on_candidate_order() {
        assert_eq!(closest("ab", ["ac", "ad"]), closest("ab", ["ad", "ac"]));
        assert_eq!(did_you_mean("sqtr", ["sqrt"]), "; did you mean `sqrt`?");
        assert_eq!(did_you_mean("zzzz", ["sqrt"]), "");
    }
}
