//! reST simple tables (`=====  =====` borders) as Markdown tables, when their shape allows;
//! anything else (grid tables, spanning cells, no header) stays preformatted text.

use super::inline::inline;

/// The Markdown table for a simple table, `None` when it does not fit Markdown's model.
pub(crate) fn simple_table(lines: &[&str]) -> Option<String> {
    let rows: Vec<Vec<char>> = lines.iter().map(|l| l.trim_end().chars().collect()).collect();
    let border = |r: &Vec<char>| !r.is_empty() && r.iter().all(|&c| c == '=' || c == ' ') && r.contains(&'=');
    let first = rows.first().filter(|r| border(r))?;
    let columns = column_ranges(first);
    if columns.len() < 2 {
        return None;
    }
    let borders: Vec<usize> = (0..rows.len()).filter(|&i| border(&rows[i])).collect();
    // Top, under the header, bottom: exactly the shape Markdown has.
    if borders.len() != 3 || borders[2] != rows.len() - 1 || borders[1] < 2 {
        return None;
    }
    let mut header: Vec<Vec<String>> = Vec::new();
    let mut body: Vec<Vec<String>> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if borders.contains(&i) {
            if rows[i] != *first {
                return None;
            }
            continue;
        }
        if row.iter().all(|c| *c == ' ') {
            return None;
        }
        let cells = split_row(row, &columns)?;
        let target = if i < borders[1] { &mut header } else { &mut body };
        if cells[0].is_empty() && !target.is_empty() {
            // A blank first cell continues the row above.
            let last = target.last_mut()?;
            for (cell, more) in last.iter_mut().zip(cells) {
                if !more.is_empty() {
                    if !cell.is_empty() {
                        cell.push(' ');
                    }
                    cell.push_str(&more);
                }
            }
        } else {
            target.push(cells);
        }
    }
    if header.len() != 1 {
        return None;
    }
    let mut out = String::new();
    let line = |cells: &[String]| {
        let shown: Vec<String> = cells.iter().map(|c| inline(c).replace('|', "\\|").replace('\n', " ")).collect();
        format!("| {} |", shown.join(" | "))
    };
    out.push_str(&line(&header[0]));
    out.push('\n');
    out.push_str(&format!("|{}", "---|".repeat(columns.len())));
    for row in &body {
        out.push('\n');
        out.push_str(&line(row));
    }
    Some(out)
}

/// The `[start, end)` character ranges of the `=` runs of a border.
fn column_ranges(border: &[char]) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut start = None;
    for (i, &c) in border.iter().enumerate() {
        match (c, start) {
            ('=', None) => start = Some(i),
            (' ', Some(s)) => {
                ranges.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        ranges.push((s, border.len()));
    }
    ranges
}

/// The cells of a row; `None` when text crosses a column gap (a spanning cell).
fn split_row(row: &[char], columns: &[(usize, usize)]) -> Option<Vec<String>> {
    for pair in columns.windows(2) {
        let gap = pair[0].1..pair[1].0;
        if gap.clone().any(|i| row.get(i).is_some_and(|c| *c != ' ')) {
            return None;
        }
    }
    let mut cells = Vec::with_capacity(columns.len());
    for (k, &(start, end)) in columns.iter().enumerate() {
        let end = if k + 1 == columns.len() { row.len().max(end) } else { end };
        let text: String = row.iter().skip(start).take(end.saturating_sub(start)).collect();
        cells.push(text.trim().to_string());
    }
    Some(cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_rows() {
        let t = [
            "=====  =========",
            "ord    norm",
            "=====  =========",
            "None   2-norm",
            "'fro'  Frobenius",
            "       norm [x]",
            "=====  =========",
        ];
        assert_eq!(
            simple_table(&t).as_deref(),
            Some("| ord | norm |\n|---|---|\n| None | 2-norm |\n| 'fro' | Frobenius norm \\[x\\] |")
        );
    }

    #[test]
    fn spanning_or_headerless_tables_stay_text() {
        assert_eq!(simple_table(&["===  ===", "a    b", "===  ==="]), None);
        assert_eq!(simple_table(&["===  ===", "h    h", "===  ===", "spanning!", "===  ==="]), None);
        assert_eq!(
            simple_table(&["===  ===", "h    h", "===  ===", "a |  b", "===  ==="]).as_deref(),
            Some("| h | h |\n|---|---|\n| a \\| | b |")
        );
    }
}
