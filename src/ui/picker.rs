//! The chain / area picker: a filterable list that sets a query prefix.

use super::cells::{fit, plain};
use super::{centered, theme};
use crate::app::{App, Picker, PickerKind};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

pub fn draw(frame: &mut Frame, app: &App, p: &Picker, area: Rect) {
    let (what, any) = match p.kind {
        PickerKind::Chain => ("chain", "(any chain)"),
        PickerKind::Area => ("area", "(any area)"),
    };
    let popup = centered(area, 56, (p.items.len() as u16).saturating_add(3).max(5));
    if popup.width < 3 || popup.height < 3 {
        return;
    }
    let inner_w = popup.width.saturating_sub(2) as usize;
    let inner_h = popup.height.saturating_sub(2) as usize;
    let mut lines = vec![fit(
        vec![
            Span::raw("> "),
            Span::styled(p.query.clone(), Style::new().add_modifier(Modifier::BOLD)),
        ],
        inner_w,
    )];
    // Keep the highlighted entry in view.
    let list_h = inner_h.saturating_sub(1).max(1);
    let start = p.selected.saturating_sub(list_h - 1);
    for (i, item) in p.items.iter().enumerate().skip(start).take(list_h) {
        let label = match item {
            None => any.to_string(),
            Some(ix) => match p.kind {
                PickerKind::Chain => app
                    .tracker
                    .chains
                    .get(*ix)
                    .map(|c| format!("{}  {}  ({})", c.name_zh, c.name_en, c.id)),
                PickerKind::Area => app
                    .tracker
                    .areas
                    .get(*ix)
                    .map(|a| format!("{}  {}  ({})", a.name_zh, a.name_en, a.id)),
            }
            .unwrap_or_default(),
        };
        let style = if i == p.selected {
            theme::selected()
        } else {
            Style::new()
        };
        lines
            .push(Line::from(plain(crate::text::pad(&label, inner_w), inner_w).spans).style(style));
    }
    if p.items.is_empty() {
        lines.push(plain("no match", inner_w).style(theme::dim()));
    }
    let block = Block::bordered().title(plain(format!(" Filter by {what} "), inner_w));
    super::clear_popup(frame, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
    let cx = (2 + crate::text::width(&p.query)).min(inner_w.saturating_sub(1)) as u16;
    frame.set_cursor_position((popup.x + 1 + cx, popup.y + 1));
}
