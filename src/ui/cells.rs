//! Width-aware building blocks: column widths, cells cut to fit without
//! splitting a wide character, and match highlights.

use crate::columns::Cut;
use crate::text::width;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// Joins styled pieces into one line of at most `max` columns; when cut,
/// ends with "~" (ASCII: "…" is ambiguous-width in CJK terminals).
pub fn fit(parts: Vec<Span<'static>>, max: usize) -> Line<'static> {
    let parts: Vec<Span<'static>> = parts
        .into_iter()
        .map(|s| {
            let content: String = s.content.chars().map(crate::text::shown).collect();
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
    fit(highlight_runs(text, hl, base, |_| true), max)
}

/// `text` cut as `cut` says (its head, `~`, its tail: see
/// `columns::distinct_cuts`), the chars at `hl` highlighted where shown.
pub fn cut_highlighted(
    text: &str,
    hl: &[usize],
    base: Style,
    cut: Cut,
    max: usize,
) -> Line<'static> {
    let n = text.chars().count();
    let tail_from = n.saturating_sub(cut.tail).max(cut.head);
    let mut parts = highlight_runs(text, hl, base, |i| i < cut.head);
    parts.push(Span::styled("~", base));
    let tail = highlight_runs(text, hl, base, |i| i >= tail_from);
    parts.extend(tail);
    fit(parts, max)
}

/// The chars of `text` that `keep` lets through (by index), in runs of
/// the same highlight.
fn highlight_runs(
    text: &str,
    hl: &[usize],
    base: Style,
    keep: impl Fn(usize) -> bool,
) -> Vec<Span<'static>> {
    let style = |on: bool| {
        if on {
            base.patch(highlight_style())
        } else {
            base
        }
    };
    let mut parts: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_hl = false;
    for (i, ch) in text.chars().enumerate().filter(|(i, _)| keep(*i)) {
        let on = hl.binary_search(&i).is_ok();
        if on != run_hl && !run.is_empty() {
            parts.push(Span::styled(std::mem::take(&mut run), style(run_hl)));
        }
        run_hl = on;
        run.push(ch);
    }
    if !run.is_empty() {
        parts.push(Span::styled(run, style(run_hl)));
    }
    parts
}

/// Breaks a styled line into rows of at most `max` columns, at word
/// boundaries (CJK anywhere, see `text::wrap_words`), keeping styles. Rows
/// after the first hang under the text: past the line's leading spaces, or
/// past a label padded with two or more spaces ("Chain     ...").
pub fn wrap(line: Line<'static>, max: usize) -> Vec<Line<'static>> {
    let mut chars = Vec::new();
    let mut styles = Vec::new();
    for span in &line.spans {
        let st = span.style.patch(line.style);
        for c in span.content.chars() {
            chars.push(crate::text::shown(c));
            styles.push(st);
        }
    }
    let lead = chars.iter().take_while(|c| **c == ' ').count();
    let label = line
        .spans
        .first()
        .filter(|s| s.content.ends_with("  ") && !s.content.trim().is_empty())
        .map_or(0, |s| width(&s.content));
    let (ranges, indent) = crate::text::wrap_ranges(&chars, max, lead.max(label));
    ranges
        .into_iter()
        .enumerate()
        .map(|(row, r)| {
            let mut spans: Vec<Span<'static>> = Vec::new();
            if row > 0 && indent > 0 {
                spans.push(Span::raw(" ".repeat(indent)));
            }
            let mut run = String::new();
            let mut run_style: Option<Style> = None;
            for i in r {
                if run_style.is_some_and(|s| s != styles[i]) {
                    spans.push(Span::styled(
                        std::mem::take(&mut run),
                        run_style.unwrap_or_default(),
                    ));
                }
                run_style = Some(styles[i]);
                run.push(chars[i]);
            }
            if !run.is_empty() {
                spans.push(Span::styled(run, run_style.unwrap_or_default()));
            }
            Line::from(spans)
        })
        .collect()
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
        // Cut in the middle: highlights stay on their characters.
        let cut = Cut { head: 4, tail: 2 };
        let l = cut_highlighted("灾害民生综合保险赔付户数", &[0, 11], Style::new(), cut, 20);
        assert_eq!(text(&l), "灾害民生~户数");
        let lit: String = l
            .spans
            .iter()
            .filter(|s| s.style == highlight_style())
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(lit, "灾数");
    }

    #[test]
    fn wrapping_keeps_styles_and_hangs_under_the_label() {
        let l = Line::from(vec![
            Span::styled("Note      ", Style::new().fg(Color::Red)),
            Span::raw("areas of the Taidong business district"),
        ]);
        let rows: Vec<String> = wrap(l, 24).iter().map(text).collect();
        assert_eq!(
            rows,
            [
                "Note      areas of the",
                "          Taidong",
                "          business",
                "          district"
            ]
        );
    }
}
