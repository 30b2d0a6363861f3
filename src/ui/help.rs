//! The help overlay, generated from the keymap so it lists every binding.

use super::cells::{plain, wrap};
use super::{centered, theme};
use crate::app::keymap::{Binding, KEYMAP};
use crate::app::{App, Mode};
use crate::text::pad;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

const KEY_COL: usize = 24;

fn keys_label(b: &Binding) -> String {
    if b.any_char {
        return "any character".into();
    }
    b.keys
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Every binding, grouped by mode, then the mouse.
pub fn help_lines() -> Vec<Line<'static>> {
    let mut v = Vec::new();
    let groups = Mode::ALL.into_iter().map(Some).chain([None]);
    for g in groups {
        v.push(Line::styled(
            g.map_or("Everywhere", |m| m.title()).to_string(),
            theme::heading(),
        ));
        for b in KEYMAP.iter().filter(|b| b.mode == g) {
            v.push(Line::from(vec![
                Span::styled(
                    format!("  {}", pad(&keys_label(b), KEY_COL)),
                    theme::header(),
                ),
                Span::raw(b.help),
            ]));
        }
        v.push(Line::raw(""));
    }
    v.push(Line::styled("Mouse", theme::heading()));
    v.push(Line::raw(format!(
        "  {}{}",
        pad("wheel", KEY_COL),
        "scroll"
    )));
    v.push(Line::raw(format!(
        "  {}{}",
        pad("click", KEY_COL),
        "select a row"
    )));
    v.push(Line::raw(""));
    v.push(Line::styled(
        "Filter words: chain:数字 area:cruise status:stalled; pinyin works (rhl, renhelu)",
        theme::dim(),
    ));
    v.push(Line::styled(
        "Every change is written to the file at once; u undoes it (and saves again).",
        theme::dim(),
    ));
    v
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let popup = centered(area, 84, area.height.saturating_sub(2));
    let inner_w = popup.width.saturating_sub(2) as usize;
    let inner_h = popup.height.saturating_sub(2) as usize;
    let rows: Vec<Line> = help_lines()
        .into_iter()
        .flat_map(|l| wrap(l, inner_w))
        .collect();
    let scroll = (app.help_scroll as usize).min(rows.len().saturating_sub(inner_h));
    let shown: Vec<Line> = rows.into_iter().skip(scroll).take(inner_h).collect();
    let block = Block::bordered()
        .title(plain(" Keys ", inner_w))
        .title_bottom(plain(" Esc close  j/k scroll ", inner_w));
    super::clear_popup(frame, popup);
    frame.render_widget(Paragraph::new(shown).block(block), popup);
}
