//! The chain and area pickers (which set a filter prefix) and moving in
//! the status picker.

use crate::app::state::{set_prefix, App, Overlay, Picker, PickerKind};
use crate::domain::Status;

pub(super) fn picker_items(app: &App, kind: PickerKind, q: &str) -> Vec<Option<usize>> {
    let found = match kind {
        PickerKind::Chain => app.index.filter_chains(q),
        PickerKind::Area => app.index.filter_areas(q),
    };
    // "Any" comes first only while nothing is typed: typing means choosing.
    let any = q.trim().is_empty().then_some(None);
    any.into_iter().chain(found.into_iter().map(Some)).collect()
}

pub(super) fn open_picker(app: &mut App, kind: PickerKind) {
    app.overlay = Overlay::Picker(Picker {
        kind,
        query: String::new(),
        items: picker_items(app, kind, ""),
        selected: 0,
    });
}

pub(super) fn edit_picker(app: &mut App, edit: impl FnOnce(&mut String)) {
    let Overlay::Picker(mut p) = std::mem::take(&mut app.overlay) else {
        return;
    };
    edit(&mut p.query);
    p.items = picker_items(app, p.kind, &p.query);
    p.selected = 0;
    app.overlay = Overlay::Picker(p);
}

/// Moves the highlight of the open picker (chain, area or status).
pub(crate) fn picker_move(app: &mut App, dir: isize) {
    let (selected, len) = match &mut app.overlay {
        Overlay::Picker(p) => (&mut p.selected, p.items.len()),
        Overlay::StatusPick(p) => (&mut p.selected, Status::ALL.len()),
        _ => return,
    };
    *selected = selected
        .saturating_add_signed(dir)
        .min(len.saturating_sub(1));
}

pub(super) fn picker_accept(app: &mut App) {
    let Overlay::Picker(p) = std::mem::take(&mut app.overlay) else {
        return;
    };
    // An empty list (nothing matched) changes nothing.
    if let Some(choice) = p.items.get(p.selected).copied() {
        let id = choice.and_then(|i| match p.kind {
            PickerKind::Chain => app.tracker.chains.get(i).map(|c| c.id.clone()),
            PickerKind::Area => app.tracker.areas.get(i).map(|a| a.id.clone()),
        });
        app.query = set_prefix(&app.query, p.kind.field(), p.kind.prefix(), id.as_deref());
        app.filter_changed();
    }
}
