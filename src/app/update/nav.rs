//! Moving the selection and scrolling.

use crate::app::state::{App, Mode};

pub(super) fn move_by(app: &mut App, delta: isize) {
    let i = app.selected().saturating_add_signed(delta);
    select(app, i);
}

pub(super) fn select(app: &mut App, i: usize) {
    let v = app.view;
    app.selected[v.index()] = i;
    app.clamp(v);
}

/// The drawing clamps the scroll to the text it wraps; this bound only
/// stops the count running far past any real detail pane.
const DETAIL_MAX_SCROLL: u16 = 2000;

pub(super) fn scroll_detail(app: &mut App, delta: isize) {
    let s = (app.detail_scroll as isize + delta).clamp(0, DETAIL_MAX_SCROLL as isize);
    app.detail_scroll = s as u16;
}

/// How far the help can scroll at this terminal size: its lines (a binding
/// is its keys in 26 columns, then the text) wrapped to the popup's width
/// (84 at most), less the rows shown. A slight overestimate is harmless:
/// the drawing clamps to the real wrapped height.
pub(super) fn help_max_scroll((width, height): (u16, u16)) -> u16 {
    let inner = (width.min(84) as usize).saturating_sub(2).max(2);
    let rows_of = |w: usize| w.div_ceil(inner).max(1);
    let bindings: usize = crate::app::keymap::KEYMAP
        .iter()
        .map(|b| rows_of(26 + crate::text::width(b.help)))
        .sum();
    // A heading and a blank line per group, then the mouse and the notes.
    let rest = 2 * (Mode::ALL.len() + 1) + 4 + rows_of(90) * 3;
    let shown = (height as usize).saturating_sub(6);
    (bindings + rest)
        .saturating_sub(shown)
        .min(u16::MAX as usize) as u16
}
