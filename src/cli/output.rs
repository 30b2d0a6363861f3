//! Output formats shared by the commands: aligned text tables, CSV, JSON.

use crate::text::{one_line, pad, width};
use serde_json::Value;

/// A plain text table whose columns line up with double-width characters.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    // A value never breaks its row: line breaks and controls shown escaped.
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| one_line(c).into_owned()).collect())
        .collect();
    let rows = &rows;
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(width(c));
        }
    }
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
