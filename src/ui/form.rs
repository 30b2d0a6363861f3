//! The record form (`n`, `E`, "cite as") and the yes/no question (`D`).
//! Errors are shown beside the field they are about.

use super::cells::{fit, plain, styled};
use super::{centered, theme};
use crate::app::records::{choices, Form};
use crate::app::state::Ask;
use crate::app::App;
use crate::text::{pad, truncate, width, wrap_words};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

fn error_style() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

/// The lines of the form at `inner_w` columns, and the row and column of
/// the cursor (at the end of the focused field's text).
pub fn form_lines(app: &App, form: &Form, inner_w: usize) -> (Vec<Line<'static>>, (usize, usize)) {
    let label_w = form
        .fields
        .iter()
        .map(|f| width(f.label) + usize::from(f.required) * 2)
        .max()
        .unwrap_or(8)
        + 1;
    let mut lines = Vec::new();
    let mut cursor = (0, 0);
    if let Some(id) = &form.editing {
        lines.push(styled(format!("editing {id}"), theme::dim(), inner_w));
    }
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let label = format!("{}{}", f.label, if f.required { " *" } else { "" });
        let marker = if focused { "> " } else { "  " };
        let text_w = inner_w.saturating_sub(label_w + 2);
        // As drawn (a note's line breaks as spaces), so the cursor lines up.
        let text = crate::text::shown_str(&f.text);
        // The end of a long text stays in view while typing.
        let shown = if width(&text) > text_w && focused {
            super::tail(&text, text_w)
        } else {
            truncate(&text, text_w)
        };
        let text_style = if focused {
            Style::new().add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        if focused {
            cursor = (lines.len(), 2 + label_w + width(&shown));
        }
        lines.push(fit(
            vec![
                Span::styled(marker.to_string(), theme::heading()),
                Span::styled(pad(&label, label_w), theme::header()),
                Span::styled(shown, text_style),
            ],
            inner_w,
        ));
        if let Some(e) = &f.error {
            for l in wrap_words(&format!("! {e}"), inner_w.saturating_sub(label_w + 2), 2) {
                lines.push(fit(
                    vec![
                        Span::raw(" ".repeat(label_w + 2)),
                        Span::styled(l, error_style()),
                    ],
                    inner_w,
                ));
            }
        }
        // A choice field shows what Tab would take, and the next best.
        if focused {
            if let Some(c) = f.choice {
                let found = choices(&app.tracker, &app.index, c, &f.text);
                if found.is_empty() {
                    lines.push(styled(
                        format!("{}no match", " ".repeat(label_w + 2)),
                        theme::dim(),
                        inner_w,
                    ));
                }
                for (k, (id, label)) in found.iter().take(4).enumerate() {
                    let arrow = if k == 0 { "Tab -> " } else { "       " };
                    let style = if k == 0 {
                        theme::selected()
                    } else {
                        theme::dim()
                    };
                    lines.push(fit(
                        vec![
                            Span::raw(" ".repeat(label_w + 2)),
                            Span::styled(format!("{arrow}{id}  {label}"), style),
                        ],
                        inner_w,
                    ));
                }
            }
        }
    }
    if let Some(e) = &form.error {
        for l in wrap_words(&format!("! {e}"), inner_w, 2) {
            lines.push(styled(l, error_style(), inner_w));
        }
    }
    (lines, cursor)
}

pub fn draw_form(frame: &mut Frame, app: &App, form: &Form, area: Rect) {
    let w = area.width.min(100);
    let inner_w = w.saturating_sub(2) as usize;
    let (lines, (cy, cx)) = form_lines(app, form, inner_w);
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let popup = centered(area, w, h);
    if popup.width < 3 || popup.height < 3 {
        return;
    }
    let block = Block::bordered()
        .title(plain(
            format!(" {} ", form.kind.title(form.editing.is_some())),
            inner_w,
        ))
        .title_bottom(plain(
            " Tab/Shift-Tab field  Ctrl-S save  Esc cancel ",
            inner_w,
        ));
    let inner_h = popup.height.saturating_sub(2) as usize;
    // Keep the focused field in view on a short screen.
    let skip = cy.saturating_sub(inner_h.saturating_sub(1));
    super::clear_popup(frame, popup);
    frame.render_widget(
        Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).block(block),
        popup,
    );
    let cx = cx.min(inner_w.saturating_sub(1)) as u16;
    frame.set_cursor_position((popup.x + 1 + cx, popup.y + 1 + (cy - skip) as u16));
}

pub fn draw_ask(frame: &mut Frame, ask: &Ask, area: Rect) {
    let w = area.width.min(72);
    let inner_w = w.saturating_sub(2) as usize;
    let lines: Vec<Line> = wrap_words(&ask.question, inner_w, 0)
        .into_iter()
        .map(|l| plain(l, inner_w))
        .collect();
    let popup = centered(area, w, lines.len() as u16 + 2);
    if popup.width < 3 || popup.height < 3 {
        return;
    }
    super::clear_popup(frame, popup);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(plain(" Sure? ", inner_w))),
        popup,
    );
}
