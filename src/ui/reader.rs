//! The reader: a report wrapped to the width (Chinese counted double),
//! quoted passages highlighted, the cursor and the selection shown, and
//! on the last row the search line, the "cite as" choices or the keys.

use super::cells::{fit, plain};
use super::theme;
use crate::app::records::{rows, Reader};
use crate::app::App;
use crate::text::shown;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

/// Quoted passages: a colour that reads on dark and light terminals.
pub fn quoted_style() -> Style {
    Style::new().fg(Color::Black).bg(Color::Yellow)
}

/// The selection and the cursor are drawn with attributes, not colours
/// alone, so they show in any terminal (and in a plain screen capture of
/// one that keeps attributes); the terminal's own cursor also sits on the
/// cursor's cell.
pub fn selection_style() -> Style {
    Style::new().add_modifier(Modifier::REVERSED | Modifier::UNDERLINED)
}

pub fn cursor_style() -> Style {
    Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
}

/// The reader's popup, between the tabs and the status bar (and above a
/// message too long for the bar, which names who cites a passage).
pub fn popup(app: &App, area: Rect) -> Rect {
    let msg = app.message_rows(area.width, area.height);
    Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(2 + msg),
        ..area
    }
}

pub fn draw(frame: &mut Frame, app: &App, r: &Reader, area: Rect) {
    let popup = popup(app, area);
    if popup.width < 6 || popup.height < 4 {
        return;
    }
    let (tw, _) = crate::app::update::reader_area_in(area.width, area.height);
    // Rows for the text: inside the border, above the reader's last row.
    let th = popup.height.saturating_sub(3).max(1) as usize;
    let inner_w = popup.width.saturating_sub(2) as usize;
    let all = rows(&r.text, tw);
    let selected = r.selected();
    // A message may take rows `update` counted on: keep the cursor shown.
    let cursor_row = r.cursor_row(&all);
    let top = r.top.max((cursor_row + 1).saturating_sub(th));
    let mut lines: Vec<Line> = Vec::new();
    // Where the cursor is drawn: (row shown, column inside the border).
    let mut cursor_at: Option<(usize, usize)> = None;
    for (y, row) in all.iter().skip(top).take(th).enumerate() {
        let mut spans: Vec<Span> = vec![Span::raw(" ")];
        let mut x = 1;
        for i in row.clone() {
            // Never a raw control, bidi override or line separator: the
            // terminal and the layout would disagree on widths.
            let ch = shown(r.text[i]);
            if i == r.cursor {
                cursor_at = Some((y, x));
            }
            x += crate::text::width(ch.encode_utf8(&mut [0; 4]));
            let mut style = Style::new();
            if r.passages.iter().any(|p| p.span.contains(&i)) {
                style = quoted_style();
            }
            if selected.as_ref().is_some_and(|s| s.contains(&i)) {
                style = style.patch(selection_style());
            }
            if i == r.cursor {
                style = cursor_style();
            }
            spans.push(Span::styled(ch.to_string(), style));
        }
        // The cursor on a character no row shows (a line break, the
        // spaces of a blank line or at a wrap) is drawn after its row.
        if top + y == cursor_row && !row.contains(&r.cursor) && r.cursor < r.text.len() {
            cursor_at = Some((y, x));
            spans.push(Span::styled(" ", cursor_style()));
        }
        lines.push(fit(spans, inner_w));
    }
    while lines.len() < th {
        lines.push(Line::default());
    }
    let bottom = if let Some(q) = &r.search {
        // Typing happens at the end of the find line: the cursor is there.
        let q = super::tail(&crate::text::shown_str(q), inner_w.saturating_sub(8));
        cursor_at = Some((th, 7 + crate::text::width(&q)));
        fit(
            vec![
                Span::styled(" find: ", theme::heading()),
                Span::styled(q, Style::new().add_modifier(Modifier::BOLD)),
            ],
            inner_w,
        )
    } else if r.citing {
        plain(
            " cite as: p new project  g new goal/result  h history entry  o observation  Esc back",
            inner_w,
        )
    } else if let Some(q) = r.quote() {
        plain(
            format!(
                " selected {}: a cites them, Esc drops the selection",
                crate::domain::labels::count(q.chars().count(), "char")
            ),
            inner_w,
        )
    } else {
        plain(
            " n/N quoted passages  v select  a cite  / find  Enter go to record  Esc close",
            inner_w,
        )
        .style(theme::dim())
    };
    lines.push(bottom);
    let s = app.tracker.source(&r.source);
    let title = match s {
        Some(s) => format!(" {} — {} ({}) ", s.id, s.title, s.published),
        None => format!(" {} ", r.source),
    };
    let row = cursor_row + 1;
    let block = Block::bordered()
        .title(plain(title, inner_w))
        .title_bottom(plain(
            format!(
                " row {row}/{}  {} ",
                all.len(),
                crate::domain::labels::count(r.passages.len(), "quoted passage")
            ),
            inner_w,
        ));
    super::clear_popup(frame, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
    if let Some((y, x)) = cursor_at.filter(|&(_, x)| x < inner_w) {
        frame.set_cursor_position((popup.x + 1 + x as u16, popup.y + 1 + y as u16));
    }
}
