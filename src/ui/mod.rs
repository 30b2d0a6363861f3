//! Pure drawing of the interface state: `draw` reads the `App` and never
//! changes it. Each view or widget has its own file.

pub mod cells;
pub mod chains;
pub mod detail;
pub mod edit;
pub mod goals;
pub mod help;
pub mod picker;
pub mod projects;
pub mod theme;

use crate::app::state::{Drawn, MessageKind, Overlay, Screen, MIN_HEIGHT, MIN_WIDTH};
use crate::app::{App, Mode, View};
use cells::{fit, fit_columns, plain, Col};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// Draws the whole screen and reports what it laid out (how far the open
/// overlay can scroll), which the event loop feeds back to `update`.
pub fn draw(frame: &mut Frame, app: &App) -> Drawn {
    let area = frame.area();
    let Some(screen) = Screen::of(area.width, area.height) else {
        too_small(frame, area);
        return Drawn::default();
    };
    draw_tabs(frame, app, Rect { height: 1, ..area });
    let main = Rect {
        y: area.y + 1,
        height: area.height - 2,
        ..area
    };
    match app.view {
        View::Projects => projects::draw(frame, app, main, screen),
        View::Goals => goals::draw(frame, app, main, screen),
        View::Chains => chains::draw(frame, app, main, screen),
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
        drawn = detail::draw(frame, app, area, d.scroll);
    }
    match &app.overlay {
        Overlay::None | Overlay::Filter | Overlay::Detail(_) => {}
        Overlay::Picker(p) => picker::draw(frame, app, p, area),
        Overlay::Help(h) => drawn = help::draw(frame, area, h.scroll),
        Overlay::StatusPick(p) => edit::draw_status_picker(frame, app, p, area),
        Overlay::Prompt(p) => edit::draw_prompt(frame, app, p, area),
        Overlay::Conflict(c) => edit::draw_conflict(frame, app, c, area),
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
    for (i, v) in View::ALL.into_iter().enumerate() {
        let label = format!(" {} {} ", i + 1, v.title());
        let style = if v == app.view {
            theme::selected().add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        parts.push(Span::styled(label, style));
        parts.push(Span::raw(" "));
    }
    parts.push(Span::styled(
        format!(" sort: {}", app.sort.label()),
        theme::dim(),
    ));
    frame.render_widget(Paragraph::new(fit(parts, area.width as usize)), area);
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
        let q = tail(&app.query, query_room);
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
    if let Some(m) = &app.message {
        let style = match m.kind {
            MessageKind::Info => Style::new(),
            MessageKind::Saved => theme::state(crate::domain::ProgressState::Met),
            MessageKind::Error => theme::overdue(),
        };
        parts.push(Span::raw("  "));
        parts.push(Span::styled(m.text.clone(), style));
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

/// Draws a list view: a bordered table of the rows `offset..` that fit,
/// built by `row(list_index, widths)` with the fitted column widths.
pub(crate) fn draw_table(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    screen: Screen,
    title: String,
    cols: &[Col],
    row: impl Fn(usize, &[(usize, u16)]) -> Vec<Line<'static>>,
) {
    let inner_w = area.width.saturating_sub(2);
    let fitted = fit_columns(inner_w, cols);
    let block = Block::bordered().title(plain(title, inner_w as usize));
    let header = Row::new(
        fitted
            .iter()
            .map(|&(i, w)| Cell::from(plain(cols[i].header, w as usize))),
    )
    .style(theme::header());
    let (offset, len) = (app.offset(), app.len());
    let end = (offset + screen.body_rows as usize).min(len);
    let rows: Vec<Row> = (offset..end)
        .map(|i| Row::new(row(i, &fitted).into_iter().map(Cell::from)))
        .collect();
    let widths: Vec<ratatui::layout::Constraint> = fitted
        .iter()
        .map(|&(_, w)| ratatui::layout::Constraint::Length(w))
        .collect();
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme::selected());
    // Rows are already windowed by the app's offset, so the table's own
    // state only carries the selection within the window.
    let mut state = TableState::default()
        .with_selected((len > 0).then(|| app.selected().saturating_sub(offset)));
    frame.render_stateful_widget(table, area, &mut state);
    if len == 0 {
        let msg = if app.query.is_empty() {
            "nothing here yet"
        } else {
            "no matches: Esc clears the filter"
        };
        let r = Rect {
            x: area.x + 1,
            y: area.y + 2,
            width: inner_w,
            height: 1,
        };
        if area.height > 3 {
            frame.render_widget(
                Paragraph::new(plain(msg, inner_w as usize)).style(theme::dim()),
                r,
            );
        }
    }
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
