//! Output formats shared by the commands: aligned text tables, CSV, JSON.

use crate::columns::{fit, Column};
use crate::text::{one_line, pad, truncate, width};
use serde_json::Value;

/// Cells apart in a text table.
const GAP: usize = 2;

/// A text table fitted to `width` columns by priority (`crate::columns`):
/// identity and numbers whole, other columns cut, then left out, with a
/// last line naming what was left out. `None` (piped output, `--wide`):
/// every column whole.
pub fn fitted_table(cols: &[Column], rows: &[Vec<String>], width_: Option<usize>) -> String {
    let headers: Vec<&str> = cols.iter().map(|c| c.header).collect();
    let Some(total) = width_ else {
        return table(&headers, rows);
    };
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| one_line(c).into_owned()).collect())
        .collect();
    let wants: Vec<usize> = (0..cols.len())
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i).map(|c| width(c)))
                .max()
                .unwrap_or(0)
                .max(width(cols[i].header))
        })
        .collect();
    let fitted = fit(total, cols, &wants, GAP);
    let cut: Vec<Vec<String>> = std::iter::once(headers.iter().map(|h| h.to_string()).collect())
        .chain(rows)
        .map(|r: Vec<String>| {
            fitted
                .shown
                .iter()
                .map(|&(i, w)| truncate(r.get(i).map_or("", String::as_str), w))
                .collect()
        })
        .collect();
    let shown_headers: Vec<&str> = cut[0].iter().map(String::as_str).collect();
    let mut out = table_with_widths(
        &shown_headers,
        &cut[1..],
        fitted.shown.iter().map(|c| c.1).collect(),
    );
    if !fitted.hidden.is_empty() {
        out.push_str(&format!(
            "({}; --wide shows every column)\n",
            fitted.hidden_note(cols)
        ));
    }
    out
}

/// A plain text table whose columns line up with double-width characters.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    // A value never breaks its row: line breaks and controls shown escaped.
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| one_line(c).into_owned()).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(width(c));
        }
    }
    table_with_widths(headers, &rows, widths)
}

/// Rows padded to `widths`, two spaces apart, under a header and a rule.
fn table_with_widths(headers: &[&str], rows: &[Vec<String>], widths: Vec<usize>) -> String {
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
        let last = cells.len() - 1;
        for (i, c) in cells.iter().enumerate() {
            if i == last {
                out.push_str(c);
            } else {
                out.push_str(&pad(c, widths[i]));
                out.push_str("  ");
            }
        }
        out.push('\n');
    };
    line(headers.to_vec(), &mut out);
    line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(|s| s.as_str())
            .collect(),
        &mut out,
    );
    for r in rows {
        line(r.iter().map(|s| s.as_str()).collect(), &mut out);
    }
    out
}

pub(crate) fn csv(headers: &[&str], rows: &[Vec<String>]) -> String {
    let field = |s: &str| {
        // Escaped to one line first: no raw line break inside a field.
        let s = one_line(s);
        if s.contains([',', '"']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.into_owned()
        }
    };
    let mut out = headers
        .iter()
        .map(|h| field(h))
        .collect::<Vec<_>>()
        .join(",")
        + "\n";
    for r in rows {
        out += &(r.iter().map(|c| field(c)).collect::<Vec<_>>().join(",") + "\n");
    }
    out
}

pub(crate) fn json_text(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}
