//! The help overlay, generated from the keymap so it lists every binding.

use super::cells::plain;
use super::{centered, theme};
use crate::app::keymap::{Binding, KEYMAP};
use crate::app::{Drawn, Mode};
use crate::text::pad;
use crate::text::wrap_words;
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

/// Every binding, grouped by mode, then the mouse, wrapped to `width`:
/// a key label is never cut (a long one gets its own row), the text wraps
/// at words under its column.
pub fn help_lines(width: usize) -> Vec<Line<'static>> {
    let key_col = KEY_COL.min(width / 2);
    let mut v = Vec::new();
    let entry = |v: &mut Vec<Line<'static>>, keys: &str, help: &str| {
        let label = format!("  {keys}");
        let text_w = width.saturating_sub(key_col + 2).max(8);
        let text = wrap_words(help, text_w, 0);
        let pad_to = |s: &str| pad(s, key_col + 2);
        let mut rows = text.into_iter();
        if crate::text::width(&label) + 1 > key_col + 2 {
            // A long key list on its own rows, wrapped at " / ".
            for row in wrap_words(&label, width, 4) {
                v.push(Line::styled(row, theme::header()));
            }
        } else if let Some(first) = rows.next() {
            v.push(Line::from(vec![
                Span::styled(pad_to(&label), theme::header()),
                Span::raw(first),
            ]));
        }
        for r in rows {
            v.push(Line::raw(format!("{}{r}", " ".repeat(key_col + 2))));
        }
    };
    // What holds everywhere (Ctrl-C) first, then each mode, the list's
    // own first: a new user sees how to quit, get help and switch views
    // on the first page.
    let groups = [None].into_iter().chain(Mode::ALL.into_iter().map(Some));
    for g in groups {
        v.push(Line::styled(
            g.map_or("Everywhere", |m| m.title()).to_string(),
            theme::heading(),
        ));
        for b in KEYMAP.iter().filter(|b| b.mode == g) {
            entry(&mut v, &keys_label(b), b.help);
        }
        v.push(Line::raw(""));
    }
    v.push(Line::styled("Mouse", theme::heading()));
    entry(
        &mut v,
        "wheel",
        "scroll the list, details or help; move in a picker",
    );
    entry(&mut v, "click", "select a row");
    entry(
        &mut v,
        "M (in a list)",
        "release the mouse so the terminal can select and copy text; M again captures it",
    );
    v.push(Line::raw(""));
    for note in [
        "Filter words: chain:数字 area:cruise status:stalled (or status:在建); pinyin works (rhl, renhelu).",
        "Every change is written to the file at once; u undoes it (and saves again).",
        "The file is watched: a change made elsewhere is reloaded within a second.",
    ] {
        for row in wrap_words(note, width, 0) {
            v.push(Line::styled(row, theme::dim()));
        }
    }
    v
}

/// Draws the key list scrolled by `scroll` rows and reports how far it
/// can scroll and how many rows a page shows.
pub fn draw(frame: &mut Frame, area: Rect, scroll: usize) -> Drawn {
    let popup = centered(area, 84, area.height.saturating_sub(2));
    let inner_w = popup.width.saturating_sub(2) as usize;
    let inner_h = popup.height.saturating_sub(2) as usize;
    let rows: Vec<Line> = help_lines(inner_w);
    let max_scroll = rows.len().saturating_sub(inner_h);
    let scroll = scroll.min(max_scroll);
    let shown: Vec<Line> = rows.into_iter().skip(scroll).take(inner_h).collect();
    let more = if max_scroll == 0 {
        String::new()
    } else {
        format!(
            " {}/{} ",
            scroll + inner_h.min(max_scroll + inner_h),
            max_scroll + inner_h
        )
    };
    let block = Block::bordered()
        .title(plain(" Keys ", inner_w))
        .title_bottom(plain(
            format!(" Esc close  j/k PgUp/PgDn g/G{more}"),
            inner_w,
        ));
    super::clear_popup(frame, popup);
    frame.render_widget(Paragraph::new(shown).block(block), popup);
    Drawn {
        max_scroll: Some(max_scroll),
        page: Some(inner_h.max(1)),
        ..Drawn::default()
    }
}
