//! Width-aware building blocks: column widths, cells cut to fit without
//! splitting a wide character, and match highlights.

use crate::text::width;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// A table column: its header, narrowest useful and preferred widths, and
/// a priority (0 = kept longest when the terminal is narrow).
#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub header: &'static str,
    pub min: u16,
    pub pref: u16,
    pub prio: u8,
    /// Takes what is left once every column has its preferred width.
    pub grow: bool,
}

pub const fn col(header: &'static str, min: u16, pref: u16, prio: u8, grow: bool) -> Col {
    Col {
        header,
        min,
        pref,
        prio,
        grow,
    }
}

/// Chooses which columns fit in `total` cells (with one cell between
/// columns) and how wide each is. Returns (column index, width) in order.
pub fn fit_columns(total: u16, cols: &[Col]) -> Vec<(usize, u16)> {
    let mut kept: Vec<usize> = (0..cols.len()).collect();
    let need = |kept: &[usize]| -> u32 {
        kept.iter().map(|&i| cols[i].min as u32).sum::<u32>() + kept.len().saturating_sub(1) as u32
    };
    while !kept.is_empty() && need(&kept) > total as u32 {
        // Drop the least important column still shown.
        if let Some(pos) = (0..kept.len()).max_by_key(|&p| (cols[kept[p]].prio, p)) {
            kept.remove(pos);
        }
    }
    let mut widths: Vec<u16> = kept.iter().map(|&i| cols[i].min).collect();
    let mut spare = (total as u32).saturating_sub(need(&kept));
    // Grow towards preferred widths, most important columns first.
    let mut order: Vec<usize> = (0..kept.len()).collect();
    order.sort_by_key(|&p| cols[kept[p]].prio);
    for &p in &order {
        let want = cols[kept[p]].pref.saturating_sub(widths[p]) as u32;
        let give = want.min(spare);
        widths[p] += give as u16;
        spare -= give;
    }
    // What is left goes to the growing columns, shared evenly.
    let growers: Vec<usize> = (0..kept.len()).filter(|&p| cols[kept[p]].grow).collect();
    if !growers.is_empty() {
        let n = growers.len() as u32;
        for (k, &p) in growers.iter().enumerate() {
            let share = spare / n + u32::from((k as u32) < spare % n);
            widths[p] = widths[p].saturating_add(share.min(u16::MAX as u32) as u16);
        }
    }
    kept.into_iter().zip(widths).collect()
}

/// Joins styled pieces into one line of at most `max` columns; when cut,
/// ends with "~" (ASCII: "…" is ambiguous-width in CJK terminals).
pub fn fit(parts: Vec<Span<'static>>, max: usize) -> Line<'static> {
    let parts: Vec<Span<'static>> = parts
        .into_iter()
        .map(|s| {
            let content: String = s.content.chars().map(crate::text::unambiguous).collect();
            Span::styled(content, s.style)
        })
        .collect();
    let total: usize = parts.iter().map(|s| width(&s.content)).sum();
    if total <= max {
        return Line::from(parts);
    }
    if max == 0 {
        return Line::default();
    }
    let mut budget = max - 1;
    let mut out = Vec::new();
    for s in parts {
        if budget == 0 {
            break;
        }
        let mut piece = String::new();
        for ch in s.content.chars() {
            let w = ch.width().unwrap_or(0);
            if w > budget {
                budget = 0;
                break;
            }
            piece.push(ch);
            budget -= w;
        }
        if !piece.is_empty() {
            out.push(Span::styled(piece, s.style));
        }
    }
    out.push(Span::raw("~"));
    Line::from(out)
}

pub fn plain(s: impl Into<String>, max: usize) -> Line<'static> {
    fit(vec![Span::raw(s.into())], max)
}

pub fn styled(s: impl Into<String>, style: Style, max: usize) -> Line<'static> {
    fit(vec![Span::styled(s.into(), style)], max)
}

pub fn highlight_style() -> Style {
    Style::new()
        .fg(Color::LightYellow)
        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

/// `text` with the chars at `hl` (char indices, sorted) highlighted, cut to `max`.
pub fn highlighted(text: &str, hl: &[usize], base: Style, max: usize) -> Line<'static> {
    if hl.is_empty() {
        return styled(text, base, max);
    }
    let mut parts: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_hl = false;
    for (i, ch) in text.chars().enumerate() {
        let on = hl.binary_search(&i).is_ok();
        if on != run_hl && !run.is_empty() {
            let style = if run_hl {
                base.patch(highlight_style())
            } else {
                base
            };
            parts.push(Span::styled(std::mem::take(&mut run), style));
        }
        run_hl = on;
        run.push(ch);
    }
    if !run.is_empty() {
        let style = if run_hl {
            base.patch(highlight_style())
        } else {
            base
        };
        parts.push(Span::styled(run, style));
    }
    fit(parts, max)
}

/// Breaks a line into rows of at most `max` columns, at character
/// boundaries (Chinese text has no spaces to break at), keeping styles.
pub fn wrap(line: Line<'static>, max: usize) -> Vec<Line<'static>> {
    let max = max.max(2);
    let mut rows = Vec::new();
    let mut cur: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in line.spans {
        let style = span.style.patch(line.style);
        let mut piece = String::new();
        for ch in span.content.chars() {
            let w = ch.width().unwrap_or(0);
            if used + w > max {
                if !piece.is_empty() {
                    cur.push(Span::styled(std::mem::take(&mut piece), style));
                }
                rows.push(Line::from(std::mem::take(&mut cur)));
                used = 0;
            }
            piece.push(ch);
            used += w;
        }
        if !piece.is_empty() {
            cur.push(Span::styled(piece, style));
        }
    }
    rows.push(Line::from(cur));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn cuts_wide_text_on_character_boundaries() {
        assert_eq!(text(&plain("人和路旧城改造", 6)), "人和~");
        assert_eq!(text(&plain("人和路", 6)), "人和路");
        assert_eq!(text(&plain("abc", 0)), "");
        let l = highlighted("人和路旧城改造", &[0, 1, 2], Style::new(), 6);
        assert_eq!(text(&l), "人和~");
        assert_eq!(l.spans[0].style, highlight_style());
    }

    #[test]
    fn narrow_terminals_drop_unimportant_columns() {
        let cols = [
            col("a", 10, 20, 0, true),
            col("b", 10, 20, 2, false),
            col("c", 6, 6, 1, false),
        ];
        let fitted = fit_columns(25, &cols);
        assert_eq!(fitted.iter().map(|c| c.0).collect::<Vec<_>>(), vec![0, 2]);
        assert_eq!(fitted.iter().map(|c| c.1 as u32).sum::<u32>() + 1, 25);
        assert!(fit_columns(0, &cols).is_empty());
        let wide = fit_columns(100, &cols);
        assert_eq!(wide.iter().map(|c| c.1 as u32).sum::<u32>() + 2, 100);
    }
}
