//! The chain and area pickers' lists.

use crate::app::state::{App, PickerKind};

pub(super) fn picker_items(app: &App, kind: PickerKind, q: &str) -> Vec<Option<usize>> {
    let found = match kind {
        PickerKind::Chain => app.index.filter_chains(&app.matcher, q),
        PickerKind::Area => app.index.filter_areas(&app.matcher, q),
    };
    // "Any" comes first only while nothing is typed: typing means choosing.
    let any = q.trim().is_empty().then_some(None);
    any.into_iter().chain(found.into_iter().map(Some)).collect()
}

pub(super) fn edit_picker(app: &mut App, edit: impl FnOnce(&mut String)) {
    let Some(mut p) = app.picker.take() else {
        return;
    };
    edit(&mut p.query);
    p.items = picker_items(app, p.kind, &p.query);
    p.selected = 0;
    app.picker = Some(p);
}
