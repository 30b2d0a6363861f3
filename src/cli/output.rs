//! Output formats shared by the commands: aligned text tables, CSV, JSON.

use crate::columns::{distinct_cuts, fit, Column, Cut};
use crate::text::{one_line, width};
use serde_json::Value;
use std::borrow::Cow;

/// Cells apart in a text table.
const GAP: usize = 2;

/// A text table fitted to `width` columns by priority (`crate::columns`):
/// identity and numbers whole, other columns cut (two different texts
/// never alike), then left out, with a last line naming what was left
/// out. `None` (piped output, `--wide`): every column whole.
pub fn fitted_table<S: AsRef<str>>(
    cols: &[Column],
    rows: &[Vec<S>],
    width_: Option<usize>,
) -> String {
    let headers: Vec<&str> = cols.iter().map(|c| c.header).collect();
    let Some(total) = width_ else {
        return table(&headers, rows);
    };
    let rows: Vec<Vec<Cow<str>>> = rows
        .iter()
        .map(|r| r.iter().map(|c| one_line(c.as_ref())).collect())
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
    let fitted = fit(total, cols, &wants, GAP, None);
    let shown_headers: Vec<&str> = fitted.shown.iter().map(|&(i, _)| headers[i]).collect();
    // The shown columns of each row, borrowed: cut to width as written.
    let shown_rows: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| {
            fitted
                .shown
                .iter()
                .map(|&(i, _)| r.get(i).map_or("", |c| c.as_ref()))
                .collect()
        })
        .collect();
    // Per shown column, how each of its cells too wide for it is cut.
    let cuts: Vec<Vec<Option<Cut>>> = (0..fitted.shown.len())
        .map(|k| {
            let texts: Vec<&str> = shown_rows.iter().map(|r| r[k]).collect();
            distinct_cuts(&texts, fitted.shown[k].1)
        })
        .collect();
    let mut out = table_with_widths(
        &shown_headers,
        &shown_rows,
        fitted.shown.iter().map(|c| c.1).collect(),
        &cuts,
    );
    if !fitted.hidden.is_empty() {
        let note = format!("({}; --wide shows every column)", fitted.hidden_note(cols));
        push_note(&mut out, &note, Some(total));
    }
    out
}

/// A line below a table (what was left out, what a mark means), broken
/// into rows of the table's width when it has one.
pub fn push_note(out: &mut String, note: &str, width_: Option<usize>) {
    match width_ {
        Some(w) => {
            for row in crate::text::wrap_words(note, w.max(1), 1) {
                out.push_str(&row);
                out.push('\n');
            }
        }
        None => {
            out.push_str(note);
            out.push('\n');
        }
    }
}

/// A plain text table whose columns line up with double-width characters.
pub fn table<S: AsRef<str>>(headers: &[&str], rows: &[Vec<S>]) -> String {
    // A value never breaks its row: line breaks and controls shown escaped
    // (a copy only of the cells that have any).
    let rows: Vec<Vec<Cow<str>>> = rows
        .iter()
        .map(|r| r.iter().map(|c| one_line(c.as_ref())).collect())
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(width(c));
        }
    }
    table_with_widths(headers, &rows, widths, &[])
}

/// Rows padded to `widths`, two spaces apart, under a header and a rule.
/// Cells wider than their column are cut (`cuts[column][row]`, else at
/// their end); the text is built in one string (a city-scale list is
/// megabytes: no string per padded cell).
fn table_with_widths<S: AsRef<str>>(
    headers: &[&str],
    rows: &[Vec<S>],
    widths: Vec<usize>,
    cuts: &[Vec<Option<Cut>>],
) -> String {
    let size: usize = widths.iter().map(|w| w + 2).sum::<usize>() + 1;
    let mut out = String::with_capacity(size.saturating_mul(rows.len() + 2));
    let line = |cells: &mut dyn Iterator<Item = &str>, row: Option<usize>, out: &mut String| {
        let mut cells = cells.peekable();
        let mut i = 0;
        while let Some(c) = cells.next() {
            let cols = widths.get(i).copied().unwrap_or(0);
            let w = width(c);
            let shown = if w <= cols {
                out.push_str(c);
                w
            } else if cols == 0 {
                0
            } else {
                let planned = row.and_then(|r| cuts.get(i)?.get(r).copied().flatten());
                let (head, tail) = planned
                    .unwrap_or_else(|| {
                        crate::columns::distinct_cuts(&[c], cols)[0]
                            .unwrap_or(Cut { head: 0, tail: 0 })
                    })
                    .pieces(c);
                out.push_str(head);
                out.push('~');
                out.push_str(tail);
                width(head) + 1 + width(tail)
            };
            // The last cell is not padded: no trailing spaces.
            if cells.peek().is_some() {
                pad_to(out, shown, cols);
                out.push_str("  ");
            }
            i += 1;
        }
        out.push('\n');
    };
    line(&mut headers.iter().copied(), None, &mut out);
    let rules: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&mut rules.iter().map(String::as_str), None, &mut out);
    for (k, r) in rows.iter().enumerate() {
        line(&mut r.iter().map(|s| s.as_ref()), Some(k), &mut out);
    }
    out
}

/// Spaces from column `from` to column `to`.
fn pad_to(out: &mut String, from: usize, to: usize) {
    for _ in from..to {
        out.push(' ');
    }
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
