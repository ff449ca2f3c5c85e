//! The small grammar inside an entry head: `int, optional`, `bool, default: True`,
//! `{'C', 'F'}, optional`, and defaults stated in prose ("Default is 0.").

/// A type as written, split into the type proper, the `optional` flag and the default.
pub(crate) fn type_spec(raw: &str) -> (Option<String>, bool, Option<String>) {
    let mut optional = false;
    let mut default = None;
    let mut kept: Vec<&str> = Vec::new();
    for part in split_top_level(raw, ',') {
        let p = part.trim();
        let lower = p.trim_end_matches('.').to_ascii_lowercase();
        if lower == "optional" || lower == "(optional)" {
            optional = true;
        } else if let Some(value) = default_clause(p) {
            optional = true;
            default = Some(value);
        } else if let Some(t) = p.strip_suffix("(optional)").or_else(|| p.strip_suffix(" optional")) {
            optional = true;
            if !t.trim().is_empty() {
                kept.push(t.trim());
            }
        } else if !p.is_empty() {
            kept.push(p);
        }
    }
    let mut type_name = kept.join(", ");
    if let Some(t) = type_name.strip_suffix('?') {
        // Sphinx and Google write `int?` for an optional int.
        optional = true;
        type_name = t.to_string();
    }
    let type_name = if type_name.trim().is_empty() { None } else { Some(type_name) };
    (type_name, optional, default)
}

/// `default X`, `default: X`, `default=X`, `default is X`.
fn default_clause(part: &str) -> Option<String> {
    let lower = part.to_ascii_lowercase();
    let rest = lower.strip_prefix("default").or_else(|| lower.strip_prefix("defaults"))?;
    if !(rest.is_empty() || rest.starts_with([' ', ':', '='])) {
        return None;
    }
    let offset = part.len() - rest.len();
    let value = part[offset..].trim_start_matches([' ', ':', '=']);
    let value = value.strip_prefix("is ").unwrap_or(value).trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// Splits on `sep` outside brackets, braces, parentheses and quotes.
pub(crate) fn split_top_level(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, c) if c == sep && depth <= 0 => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// A default stated in a description: "Default is 0.", "Defaults to None", "default: 'C'".
pub(crate) fn default_in_description(text: &str) -> Option<String> {
    const CUES: [&str; 8] = [
        "Default is ",
        "default is ",
        "Defaults to ",
        "defaults to ",
        "Default: ",
        "default: ",
        "Default = ",
        "default=",
    ];
    if !text.contains("efault") {
        return None;
    }
    let (pos, cue) = CUES.iter().filter_map(|c| text.find(c).map(|p| (p, *c))).min_by_key(|(p, _)| *p)?;
    let rest = &text[pos + cue.len()..];
    let rest = rest.trim_start_matches('`');
    let value: String = match rest.chars().next()? {
        q @ ('\'' | '"') => {
            let end = rest[1..].find(q)? + 2;
            rest[..end].to_string()
        }
        _ => rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '+'))
            .collect::<String>()
            .trim_end_matches('.')
            .to_string(),
    };
    literal_like(&value).then_some(value)
}

/// A default is a literal or a name, not an English word: "The default is to compute the
/// mean of the flattened array" states no default value.
fn literal_like(value: &str) -> bool {
    let Some(first) = value.chars().next() else { return false };
    first == '\''
        || first == '"'
        || first.is_ascii_digit()
        || first == '-'
        || first == '+'
        || first == '.'
        || matches!(value, "True" | "False" | "None" | "inf" | "nan")
        || value.contains(['_', '.'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_and_defaults() {
        assert_eq!(type_spec("int, optional"), (Some("int".into()), true, None));
        assert_eq!(type_spec("bool, default: True"), (Some("bool".into()), true, Some("True".into())));
        assert_eq!(type_spec("{'C', 'F'}, optional"), (Some("{'C', 'F'}".into()), true, None));
        assert_eq!(type_spec("int or None, default=None"), (Some("int or None".into()), true, Some("None".into())));
        assert_eq!(type_spec("str?"), (Some("str".into()), true, None));
        assert_eq!(type_spec("{None, int}, optional."), (Some("{None, int}".into()), true, None));
        assert_eq!(type_spec("array_like"), (Some("array_like".into()), false, None));
        assert_eq!(type_spec(""), (None, false, None));
    }

    #[test]
    fn defaults_in_prose() {
        assert_eq!(default_in_description("The axis. Default is 0."), Some("0".into()));
        assert_eq!(default_in_description("Order. Defaults to 'C'."), Some("'C'".into()));
        assert_eq!(default_in_description("No default here"), None);
        assert_eq!(default_in_description("The default is to compute the mean"), None);
        assert_eq!(default_in_description("default: None."), Some("None".into()));
        assert_eq!(default_in_description("Default is 'unclosed"), None);
    }
}
