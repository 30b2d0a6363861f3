//! Pure drawing of the interface state: `draw` reads the `App` and never
//! changes it. Each view or widget has its own file.

pub mod cells;
pub mod chains;
pub mod chart;
pub mod detail;
pub mod edit;
pub mod form;
pub mod goals;
pub mod help;
mod merged;
pub mod picker;
pub mod projects;
pub mod reader;
pub mod sources;
pub mod table;
pub mod theme;

use crate::app::state::{Drawn, MessageKind, Overlay, MIN_HEIGHT, MIN_WIDTH};
use crate::app::{App, Mode, View};
use cells::{fit, plain, styled};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Draws the whole screen and reports what it laid out (how far the open
/// overlay can scroll), which the event loop feeds back to `update`.
pub fn draw(frame: &mut Frame, app: &App) -> Drawn {
    let area = frame.area();
    let Some(screen) = app.screen_in(area.width, area.height) else {
        too_small(frame, area);
        return Drawn::default();
    };
    draw_tabs(frame, app, Rect { height: 1, ..area });
    let msg_rows = app.message_rows(area.width, area.height);
    let main = Rect {
        y: area.y + 1,
        height: area.height - 2 - msg_rows,
        ..area
    };
    if msg_rows > 0 {
        draw_message(
            frame,
            app,
            Rect {
                y: main.y + main.height,
                height: msg_rows,
                ..area
            },
        );
    }
    match app.view {
        View::Projects => projects::draw(frame, app, main, screen),
        View::Goals => goals::draw(frame, app, main, screen),
        View::Chains => chains::draw(frame, app, main, screen),
        View::Sources => sources::draw(frame, app, main, screen),
    }
    draw_status(
        frame,
        app,
        Rect {
            y: area.y + area.height - 1,
            height: 1,
            ..area
        },
    );
    let mut drawn = Drawn::default();
    // An edit started from the details keeps them on screen beneath it.
    if let Some(d) = app.overlay.detail() {
        drawn = detail::draw(frame, app, area, d);
    }
    match &app.overlay {
        Overlay::None | Overlay::Filter | Overlay::Detail(_) => {}
        Overlay::Picker(p) => picker::draw(frame, app, p, area),
        Overlay::Help(h) => drawn = help::draw(frame, area, h.scroll),
        Overlay::StatusPick(p) => edit::draw_status_picker(frame, app, p, area),
        Overlay::Prompt(p) => edit::draw_prompt(frame, app, p, area),
        Overlay::Confirm(c) => edit::draw_confirm(frame, c, area),
        Overlay::Conflict(c) => edit::draw_conflict(frame, app, c, area),
        Overlay::Form(f) => form::draw_form(frame, app, f, area),
        Overlay::Ask(a) => form::draw_ask(frame, a, area),
        Overlay::Reader(r) => reader::draw(frame, app, r, area),
        Overlay::Merged(m) => merged::draw(frame, m, area),
    }
    drawn
}

/// Below the minimum size: say so, and what size is needed.
fn too_small(frame: &mut Frame, area: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let (w, h) = (area.width, area.height);
    let lines = [
        "terminal too small".to_string(),
        format!("need {MIN_WIDTH}x{MIN_HEIGHT}, have {w}x{h}"),
        "q quits".to_string(),
    ];
    let text: Vec<String> = lines
        .iter()
        .flat_map(|l| crate::text::wrap_words(l, w as usize, 0))
        .collect();
    let top = h.saturating_sub(text.len() as u16) / 2;
    let shown: Vec<Line> = text
        .into_iter()
        .take(h as usize)
        .map(|l| plain(l, w as usize))
        .collect();
    let rows = Rect {
        y: area.y + top,
        height: (h - top).min(shown.len() as u16),
        ..area
    };
    frame.render_widget(Paragraph::new(shown), rows);
}

fn draw_tabs(frame: &mut Frame, app: &App, area: Rect) {
    let mut parts = Vec::new();
    for v in View::ALL {
        let label = format!(" {} {} ", v.number(), v.title());
        let style = if v == app.view {
            theme::selected().add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        parts.push(Span::styled(label, style));
        parts.push(Span::raw(" "));
    }
    let order = app.order(app.view);
    let dir = if order.reverse { ", reversed" } else { "" };
    let sort = if order.by.applies_to(app.view) {
        format!(" sort: {}{dir}", order.by.label())
    } else {
        // Say so rather than claim an order the view does not have.
        format!(" sort: rank ({} n/a here){dir}", order.by.label())
    };
    parts.push(Span::styled(sort, theme::dim()));
    frame.render_widget(Paragraph::new(fit(parts, area.width as usize)), area);
}

fn message_style(kind: MessageKind) -> Style {
    match kind {
        MessageKind::Info => Style::new().add_modifier(Modifier::BOLD),
        MessageKind::Saved => theme::state(crate::domain::ProgressState::Met),
        MessageKind::Error => theme::overdue(),
    }
}

/// A message too long for the status bar, on rows of its own above it,
/// wrapped at words.
fn draw_message(frame: &mut Frame, app: &App, area: Rect) {
    let Some(m) = &app.message else { return };
    let w = area.width as usize;
    let lines: Vec<Line> = crate::text::wrap_words(&m.text, w, 2)
        .into_iter()
        .map(|l| styled(l, message_style(m.kind), w))
        .collect();
    frame.render_widget(ratatui::widgets::Clear, area);
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_status(frame: &mut Frame, app: &App, area: Rect) {
    let w = area.width as usize;
    let count = format!("{}/{}", app.len(), app.total());
    let hint = " ? help ";
    if app.mode() == Mode::Filter {
        // The filter line: the query being typed, with the real cursor after it.
        let right = format!(" {count}{hint}");
        let room = w.saturating_sub(crate::text::width(&right));
        let prefix = "/";
        let query_room = room.saturating_sub(prefix.len() + 1);
        // Show the end of a long query: that is where typing happens.
        let q = tail(&crate::text::shown_str(&app.query), query_room);
        let left = format!("{prefix}{q}");
        let line = fit(
            vec![Span::styled(
                left.clone(),
                Style::new().add_modifier(Modifier::BOLD),
            )],
            room,
        );
        frame.render_widget(Paragraph::new(line), area);
        frame.render_widget(
            Paragraph::new(plain(right, w.saturating_sub(room))),
            Rect {
                x: area.x + room as u16,
                width: area.width - room as u16,
                ..area
            },
        );
        let cx = (crate::text::width(&left) as u16).min(area.width.saturating_sub(1));
        frame.set_cursor_position((area.x + cx, area.y));
        return;
    }
    let mut parts = vec![Span::styled(
        count,
        Style::new().add_modifier(Modifier::BOLD),
    )];
    if app.attention {
        parts.push(Span::raw("  "));
        parts.push(Span::styled("! needs attention", theme::overdue()));
    }
    // What was just saved (or why not) comes before the rest: it is what
    // the user is looking for after an edit.
    // (Unless it has rows of its own above the bar.)
    let (width, height) = (frame.area().width, frame.area().height);
    if let Some(m) = app
        .message
        .as_ref()
        .filter(|_| app.message_rows(width, height) == 0)
    {
        parts.push(Span::raw("  "));
        parts.push(Span::styled(m.text.clone(), message_style(m.kind)));
    }
    if !app.query.is_empty() {
        parts.push(Span::raw("  filter: "));
        parts.push(Span::styled(app.query.clone(), cells::highlight_style()));
    }
    parts.push(Span::styled(format!("  {}", app.file_label), theme::dim()));
    let hint_w = hint.len().min(w);
    let left_w = w - hint_w;
    frame.render_widget(
        Paragraph::new(fit(parts, left_w)),
        Rect {
            width: left_w as u16,
            ..area
        },
    );
    frame.render_widget(
        Paragraph::new(plain(hint, hint_w)).style(theme::selected()),
        Rect {
            x: area.x + left_w as u16,
            width: hint_w as u16,
            ..area
        },
    );
}

/// The last `max` columns of `s`, never splitting a character.
pub(crate) fn tail(s: &str, max: usize) -> String {
    let mut used = 0;
    let mut start = s.len();
    for (i, ch) in s.char_indices().rev() {
        let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if used + w > max {
            break;
        }
        used += w;
        start = i;
    }
    s[start..].to_string()
}

/// Clears `area` for a popup. A wide character just left of it would
/// otherwise swallow the popup's left border (its second half lies under
/// the border), so that character becomes a space.
pub(crate) fn clear_popup(frame: &mut Frame, area: Rect) {
    frame.render_widget(ratatui::widgets::Clear, area);
    if area.x == 0 {
        return;
    }
    let buf = frame.buffer_mut();
    for y in area.y..area.y.saturating_add(area.height) {
        if let Some(cell) = buf.cell_mut((area.x - 1, y)) {
            if crate::text::width(cell.symbol()) > 1 {
                cell.set_symbol(" ");
            }
        }
    }
}

/// A centred rectangle for popups, as large as `w`×`h` but inside `area`.
pub(crate) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
