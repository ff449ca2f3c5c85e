//! Inline reST to Markdown: roles, literals, interpreted text, links, math; and escaping of
//! everything rustdoc would read as an intra-doc link (`[x]`), an HTML tag (`<x>`) or math.
//!
//! The scanner works on byte offsets but only stops at ASCII characters, so every slice
//! lands on a character boundary whatever the text holds.

/// Converts one paragraph (possibly several lines) of inline reST.
pub(crate) fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let bytes = text.as_bytes();
    let mut i = 0;
    // Where the `*`/`**` that close an emphasis found at its opening stand.
    let mut closers: Vec<usize> = Vec::new();
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'*' => {
                let run = bytes[i..].iter().take_while(|&&c| c == b'*').count();
                if let Some(k) = closers.iter().position(|&c| c == i) {
                    closers.remove(k);
                    out.push_str(&text[i..i + run]);
                } else if let Some(close) = emphasis_close(text, i, run) {
                    closers.push(close);
                    out.push_str(&text[i..i + run]);
                } else {
                    // Not reST emphasis (`x**2`, `*args`): show the stars as written.
                    out.push_str(&"\\*".repeat(run));
                }
                i += run;
                continue;
            }
            b':' => {
                if let Some((role, content, end)) = role_at(text, i) {
                    push_markup(&mut out, &render_role(role, content));
                    i = end;
                    continue;
                }
                out.push(':');
            }
            b'`' => {
                let (rendered, end) = backticks(text, i);
                push_markup(&mut out, &rendered);
                i = end;
                continue;
            }
            b'[' => out.push_str("\\["),
            b']' => {
                out.push_str("\\]");
                // `[1]_` is a footnote reference in reST; the underscore is markup.
                if bytes.get(i + 1) == Some(&b'_') && !bytes.get(i + 2).is_some_and(|c| c.is_ascii_alphanumeric()) {
                    i += 1;
                }
            }
            b'<' => out.push_str("&lt;"),
            b'$' => out.push_str("\\$"),
            b'\\' => match bytes.get(i + 1) {
                // reST: an escaped space or newline disappears.
                Some(b' ') | Some(b'\n') => i += 1,
                Some(c) if c.is_ascii_punctuation() => {
                    out.push('\\');
                    out.push(*c as char);
                    i += 1;
                }
                _ => out.push_str("\\\\"),
            },
            // rustdoc's bare-URL lint matches inside words too (`xhttp://...`).
            b'h' if text[i..].starts_with("https://") || text[i..].starts_with("http://") => {
                let end = url_end(text, i);
                out.push('<');
                out.push_str(&text[i..end]);
                out.push('>');
                i = end;
                continue;
            }
            _ => {
                let c = text[i..].chars().next().unwrap_or(' ');
                out.push(c);
                i += c.len_utf8();
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The position of the `*` run that closes emphasis opened by the run of `run` stars at
/// `i`, following reST's rules: the opener follows a space, a line start or an opening
/// bracket or quote and is followed by a non-space; the closer follows a non-space and is
/// followed by a space, the end or punctuation; both in the same paragraph.
fn emphasis_close(text: &str, i: usize, run: usize) -> Option<usize> {
    if run > 2 {
        return None;
    }
    let bytes = text.as_bytes();
    let before = text[..i].chars().next_back();
    let opens_after = before.is_none_or(|c| c.is_whitespace() || "'\"([{<-/:".contains(c));
    let after = text[i + run..].chars().next()?;
    if !opens_after || after.is_whitespace() || after == '*' {
        return None;
    }
    // Emphasis spans a phrase, not pages: the bound keeps hostile input linear.
    let limit = bytes.len().min(i + 2_000);
    let mut j = i + run + 1;
    while j + run <= limit {
        match bytes[j] {
            b'`' => return None,
            b'*' => {
                let len = bytes[j..].iter().take_while(|&&c| c == b'*').count();
                let prev = text[..j].chars().next_back().unwrap_or(' ');
                let next = text[j + len..].chars().next();
                let closes =
                    !prev.is_whitespace() && next.is_none_or(|c| c.is_whitespace() || "'\")]}>-/:.,;!?\\".contains(c));
                if len == run && closes {
                    return Some(j);
                }
                j += len;
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// Appends a code span (or escaped backticks): a space keeps two spans from touching, where
/// their backtick fences would merge into one longer fence.
fn push_markup(out: &mut String, s: &str) {
    if out.ends_with('`') && s.starts_with(['`', '\\']) {
        out.push(' ');
    }
    out.push_str(s);
}

/// The end of a bare URL: it stops at whitespace, quotes or angle brackets, and leaves
/// trailing sentence punctuation outside.
fn url_end(text: &str, start: usize) -> usize {
    let rest = &text[start..];
    let mut end = rest
        .find(|c: char| {
            c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '\'' | '[' | ']' | '{' | '}' | '|' | '\\' | '^')
        })
        .unwrap_or(rest.len());
    while end > 0 && rest[..end].ends_with(['.', ',', ';', ':', ')', '!', '?']) {
        // Keep a closing parenthesis that belongs to the URL (wikipedia links).
        if rest[..end].ends_with(')') && rest[..end].matches('(').count() >= rest[..end].matches(')').count() {
            break;
        }
        end -= 1;
    }
    start + end.max(1)
}

/// `:role:`content`` (also `:py:func:`x``) starting at `i`; returns role, content, end.
fn role_at(text: &str, i: usize) -> Option<(&str, &str, usize)> {
    let bytes = text.as_bytes();
    let mut j = i + 1;
    while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b'_' | b'-' | b'.' | b'+' | b':'))
    {
        j += 1;
    }
    // The role name ends with a colon directly followed by a backtick.
    if j >= bytes.len() || bytes[j] != b'`' || j < i + 3 || bytes[j - 1] != b':' {
        return None;
    }
    let role = &text[i + 1..j - 1];
    if role.is_empty() || role.starts_with(':') {
        return None;
    }
    if text[j..].starts_with("``") {
        return None;
    }
    let close = text[j + 1..].find('`')? + j + 1;
    Some((role, &text[j + 1..close], close + 1))
}

fn render_role(role: &str, content: &str) -> String {
    let name = role.rsplit(':').next().unwrap_or(role);
    match name {
        "math" => math_inline(content),
        "ref" | "doc" | "term" | "numref" | "abbr" | "dfn" => plain(title_or_target(content).0),
        "sup" | "sub" | "superscript" | "subscript" => plain(content),
        "strong" => format!("**{}**", plain(content)),
        "emphasis" => format!("*{}*", plain(content)),
        _ => code_span(&xref_target(content)),
    }
}

/// `title <target>` gives the title; a bare target gives itself.
fn title_or_target(content: &str) -> (&str, Option<&str>) {
    let c = content.trim();
    if c.ends_with('>') {
        if let Some(open) = c.rfind('<') {
            let title = c[..open].trim();
            let target = &c[open + 1..c.len() - 1];
            if !title.is_empty() {
                return (title, Some(target));
            }
            return (target, Some(target));
        }
    }
    (c, None)
}

/// What a cross reference shows: `~numpy.linalg.norm` shows `norm`, `!x` shows `x`.
fn xref_target(content: &str) -> String {
    let (shown, target) = title_or_target(content);
    if target.is_some() {
        return shown.to_string();
    }
    let c = shown.trim_start_matches('!');
    match c.strip_prefix('~') {
        Some(path) => path.rsplit('.').next().unwrap_or(path).to_string(),
        None => c.to_string(),
    }
}

/// Text that must show as written: every character that Markdown or rustdoc could read as
/// markup in the middle of a line is escaped (line starts are guarded by the block renderer).
pub(crate) fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        if c == 'h' && (text[i..].starts_with("https://") || text[i..].starts_with("http://")) {
            // rustdoc warns on a bare URL wherever it appears in text.
            let end = url_end(text, i);
            out.push('<');
            out.push_str(&text[i..end]);
            out.push('>');
            i = end;
            continue;
        }
        match c {
            '\n' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '$' | '|' | '~' | '&' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        i += c.len_utf8();
    }
    out
}

/// Inline math as `$…$`; the content is escaped so that Markdown shows the LaTeX unchanged
/// (`\alpha`, `x_i`, `[a, b]`) and a KaTeX pass over the HTML sees exactly what was written.
pub(crate) fn math_inline(content: &str) -> String {
    format!("${}$", plain(content.trim()))
}

/// Display math as `$$…$$` on one line: a line break inside could start a Markdown list or
/// heading, and LaTeX ignores it anyway.
pub(crate) fn math_display(content: &str) -> String {
    let joined: Vec<&str> = content.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    format!("$${}$$", plain(&joined.join(" ")))
}

/// A code span holding `content` literally, with a fence longer than any backtick run in it.
pub(crate) fn code_span(content: &str) -> String {
    let content: String = content.split_whitespace().collect::<Vec<_>>().join(" ");
    if content.is_empty() {
        return String::new();
    }
    // A fence of three backticks at a line start could read as a code fence; content with
    // backtick runs is garbled markup anyway, so show those backticks as quotes.
    let content = if longest_run(&content, '`') >= 2 { content.replace('`', "'") } else { content };
    let longest = longest_run(&content, '`');
    let fence = "`".repeat(longest + 1);
    if content.starts_with('`') || content.ends_with('`') {
        format!("{fence} {content} {fence}")
    } else {
        format!("{fence}{content}{fence}")
    }
}

pub(crate) fn longest_run(s: &str, c: char) -> usize {
    let mut best = 0;
    let mut run = 0;
    for ch in s.chars() {
        if ch == c {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// Backtick markup at `i`: ``literal``, `interpreted`, `link <url>`_ ; unbalanced
/// backticks are escaped so they show as written and open nothing.
fn backticks(text: &str, i: usize) -> (String, usize) {
    if text[i..].starts_with("``") {
        let run = text[i..].bytes().take_while(|&b| b == b'`').count();
        if run == 2 {
            if let Some(close) = text[i + 2..].find("``") {
                let close = i + 2 + close;
                return (code_span(&text[i + 2..close]), close + 2);
            }
        }
        return ("\\`".repeat(run), i + run);
    }
    let Some(close) = text[i + 1..].find('`').map(|c| c + i + 1) else {
        return ("\\`".to_string(), i + 1);
    };
    let content = &text[i + 1..close];
    let mut end = close + 1;
    let link = text[end..].starts_with('_');
    if link {
        end += text[end..].bytes().take_while(|&b| b == b'_').count().min(2);
        let (title, target) = title_or_target(content);
        return match target {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") || url.starts_with("mailto:") => {
                if url.contains(|c: char| c.is_whitespace() || c == '<' || c == '>') {
                    (plain(title), end)
                } else {
                    (format!("[{}](<{}>)", plain(title), url), end)
                }
            }
            _ => (plain(title), end),
        };
    }
    if content.trim().is_empty() {
        return ("\\`".to_string(), i + 1);
    }
    // The default role is a cross reference in Sphinx projects (numpy): `~a.b` shows `b`.
    (code_span(&xref_target(content)), end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_become_code_or_math() {
        assert_eq!(inline("See :func:`numpy.mean`."), "See `numpy.mean`.");
        assert_eq!(inline(":py:class:`~numpy.ndarray`"), "`ndarray`");
        assert_eq!(inline(":math:`E = mc^2`"), "$E = mc^2$");
        assert_eq!(inline(":math:`\\sum_i x[i]`"), "$\\\\sum\\_i x\\[i\\]$");
        assert_eq!(inline(":ref:`the guide <guide>`"), "the guide");
    }

    #[test]
    fn literals_and_interpreted_text() {
        assert_eq!(inline("``a[0]`` and `x`"), "`a[0]` and `x`");
        assert_eq!(inline("``a `b` c``"), "``a `b` c``");
        assert_eq!(code_span("a``b"), "`a''b`");
        assert_eq!(inline("`Python <https://python.org>`_"), "[Python](<https://python.org>)");
    }

    #[test]
    fn markdown_active_text_is_escaped() {
        assert_eq!(inline("a[i] < b"), "a\\[i\\] &lt; b");
        assert_eq!(inline("unbalanced ` tick"), "unbalanced \\` tick");
        assert_eq!(inline("``open"), "\\`\\`open");
        assert_eq!(inline("see [1]_"), "see \\[1\\]");
        assert_eq!(inline("costs $5"), "costs \\$5");
        assert_eq!(inline("at https://numpy.org."), "at <https://numpy.org>.");
        assert_eq!(inline("*x* and **y**, *args and x**2"), "*x* and **y**, \\*args and x\\*\\*2");
    }

    #[test]
    fn code_spans_outgrow_backticks() {
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(code_span("  "), "");
    }
}
