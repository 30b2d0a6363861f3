//! Moving the selection and scrolling. Overlays that scroll (details,
//! help) stop where the drawing said their content ends.

use crate::app::state::{App, Overlay};

/// Lines the mouse wheel moves.
const WHEEL_STEP: isize = 3;

pub(super) fn move_by(app: &mut App, delta: isize) {
    let i = app.selected().saturating_add_signed(delta);
    select(app, i);
}

pub(super) fn select(app: &mut App, i: usize) {
    let v = app.view;
    app.pos_mut(v).selected = i;
    app.clamp(v);
}

/// The scroll of the open overlay that scrolls, if any.
fn scroll_mut(app: &mut App) -> Option<&mut usize> {
    match &mut app.overlay {
        Overlay::Detail(d) => Some(&mut d.scroll),
        Overlay::Help(h) => Some(&mut h.scroll),
        _ => None,
    }
}

/// Keeps the overlay's scroll within what the last drawing laid out.
pub(super) fn clamp_scroll(app: &mut App) {
    let max = app.drawn.max_scroll;
    if let (Some(s), Some(max)) = (scroll_mut(app), max) {
        *s = (*s).min(max);
    }
}

fn scroll_by(app: &mut App, delta: isize) {
    if let Some(s) = scroll_mut(app) {
        *s = s.saturating_add_signed(delta);
    }
    clamp_scroll(app);
}

/// A page: of the overlay's rows when one scrolls, else of the list.
pub(super) fn page(app: &mut App, dir: isize) {
    if scroll_mut(app).is_some() {
        let rows = app.drawn.page.unwrap_or(1).max(1) as isize;
        scroll_by(app, dir * rows);
    } else {
        move_by(app, dir * app.page() as isize);
    }
}

/// `g` / `G`: the first or last row, or the top or end of the overlay.
pub(super) fn to_end(app: &mut App, last: bool) {
    if scroll_mut(app).is_some() {
        scroll_by(app, if last { isize::MAX / 2 } else { isize::MIN / 2 });
    } else if last {
        select(app, app.len().saturating_sub(1));
    } else {
        select(app, 0);
    }
}

/// `j`/`k` in an overlay and the mouse wheel anywhere.
pub(super) fn scroll_or_move(app: &mut App, dir: isize) {
    match app.overlay {
        Overlay::Detail(_) | Overlay::Help(_) => scroll_by(app, dir),
        Overlay::Picker(_) | Overlay::StatusPick(_) => super::picker_move(app, dir),
        Overlay::Merged(_) => super::merged::move_by(app, dir),
        Overlay::Prompt(_)
        | Overlay::Confirm(_)
        | Overlay::Conflict(_)
        | Overlay::Form(_)
        | Overlay::Ask(_) => {}
        Overlay::Reader(_) => {
            super::records::reader_move(app, super::records::ReaderMove::Rows(dir * WHEEL_STEP))
        }
        Overlay::None | Overlay::Filter => move_by(app, dir * WHEEL_STEP),
    }
}

/// A click on a row of the list selects it.
pub(super) fn click(app: &mut App, row: u16) {
    if !matches!(app.overlay, Overlay::None | Overlay::Filter) {
        return;
    }
    if let Some(f) = app.screen() {
        if row >= f.body_top && row < f.body_top + f.body_rows {
            let i = app.offset() + (row - f.body_top) as usize;
            if i < app.len() {
                select(app, i);
            }
        }
    }
}
