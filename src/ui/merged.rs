//! `C`: the conflicts a merge left, the selected one side by side (ours,
//! in the file, and theirs) with who made each, and the keys that settle it.

use super::cells::{fit, plain, styled};
use super::{centered, theme};
use crate::app::state::Merged;
use crate::text::pad;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, m: &Merged, area: Rect) {
    // The list (at most 8 rows shown), a blank, the selected one in six
    // lines, a blank, the keys.
    let shown = m.items.len().min(8);
    let popup = centered(area, 100, (shown + 10) as u16);
    if popup.width < 3 || popup.height < 3 {
        return;
    }
    let inner_w = popup.width.saturating_sub(2) as usize;
    let start = m.selected.saturating_sub(shown.saturating_sub(1));
    let mut lines: Vec<Line> = Vec::new();
    for (i, f) in m.items.iter().enumerate().skip(start).take(shown) {
        let text = format!(
            "{} {}  {}",
            if i == m.selected { ">" } else { " " },
            f.id,
            f.conflict.field
        );
        // Reverse video: visible without colour.
        let style = if i == m.selected {
            theme::header().add_modifier(Modifier::REVERSED)
        } else {
            ratatui::style::Style::new()
        };
        lines.push(styled(text, style, inner_w));
    }
    if let Some(f) = m.items.get(m.selected) {
        let c = &f.conflict;
        let col = inner_w.saturating_sub(3) / 2;
        let value = |v: &Option<String>| {
            v.as_deref()
                .map_or("(none)".to_string(), |v| format!("\"{v}\""))
        };
        let by = |b: &Option<String>| b.as_deref().map_or(String::new(), |b| format!("by {b}"));
        lines.push(Line::raw(""));
        lines.push(plain(format!("{} · {}", f.id, c.field), inner_w));
        for (a, b, style) in [
            (
                "Ours (in the file)".to_string(),
                "Theirs".to_string(),
                theme::header(),
            ),
            (
                value(&c.ours),
                value(&c.theirs),
                ratatui::style::Style::new(),
            ),
            (by(&c.ours_by), by(&c.theirs_by), theme::dim()),
        ] {
            lines.push(fit(
                vec![
                    Span::styled(pad(&a, col), style),
                    Span::raw(" | "),
                    Span::styled(b, style),
                ],
                inner_w,
            ));
        }
        lines.push(styled(
            format!("base (before both): {}", value(&c.base)),
            theme::dim(),
            inner_w,
        ));
    }
    lines.push(Line::raw(""));
    lines.push(plain(
        "o take ours   t take theirs   e type a value   j/k next   Esc close",
        inner_w,
    ));
    let title = format!(" Conflicts from a merge ({} left) ", m.items.len());
    super::clear_popup(frame, popup);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(plain(title, inner_w))),
        popup,
    );
}
