//! `C`: the conflicts a merge left in the file, settled one at a time,
//! each an ordinary saved and undoable change (`Edit::Resolve`); and `S`,
//! the sync with the team, which the event loop runs.

use super::edit::{busy, save_edit};
use crate::app::action::Effect;
use crate::app::state::{App, Merged, MessageKind, Overlay, Prompt, PromptKind};
use crate::domain::edit::Edit;
use crate::domain::labels::count;
use crate::domain::merge::{conflicts, Choice};

/// Opens the list, or says there is nothing to settle.
pub(super) fn open(app: &mut App) {
    let items = conflicts(&app.tracker);
    if items.is_empty() {
        app.say(
            MessageKind::Info,
            "no conflicts from a merge: the file is settled",
        );
        return;
    }
    app.overlay = Overlay::Merged(Merged { items, selected: 0 });
}

/// The list again after a change; closed (and said) once none is left.
pub(super) fn refresh(app: &mut App) {
    let Overlay::Merged(m) = &mut app.overlay else {
        return;
    };
    m.items = conflicts(&app.tracker);
    if m.items.is_empty() {
        // The save's message says none is left.
        app.overlay = Overlay::None;
    } else {
        m.selected = m.selected.min(m.items.len() - 1);
    }
}

pub(super) fn move_by(app: &mut App, delta: isize) {
    if let Overlay::Merged(m) = &mut app.overlay {
        let last = m.items.len().saturating_sub(1);
        m.selected = m.selected.saturating_add_signed(delta).min(last);
    }
}

/// The conflict selected, as (record id, field).
fn selected(app: &App) -> Option<(String, String)> {
    match &app.overlay {
        Overlay::Merged(m) => m
            .items
            .get(m.selected)
            .map(|f| (f.id.clone(), f.conflict.field.clone())),
        _ => None,
    }
}

pub(super) fn settle(app: &mut App, choice: Choice) -> Vec<Effect> {
    if busy(app) {
        return Vec::new();
    }
    let Some((id, field)) = selected(app) else {
        return Vec::new();
    };
    let effects = save_edit(app, &Edit::Resolve { id, field, choice });
    refresh(app);
    effects
}

/// `e`: a value of one's own, typed as `edit` takes it (ours offered).
pub(super) fn typed(app: &mut App) {
    let Overlay::Merged(m) = &app.overlay else {
        return;
    };
    let Some(f) = m.items.get(m.selected) else {
        return;
    };
    if f.conflict.field == crate::domain::merge::RECORD || f.conflict.field.ends_with(']') {
        app.say(
            MessageKind::Error,
            "removed on one side, changed on the other: take ours (o) or theirs (t)",
        );
        return;
    }
    app.overlay = Overlay::Prompt(Prompt {
        kind: PromptKind::ConflictValue {
            id: f.id.clone(),
            field: f.conflict.field.clone(),
        },
        text: f.conflict.ours.clone().unwrap_or_default(),
        fresh: true,
        error: None,
        over: None,
    });
}

/// After the typed value is saved: back to the list.
pub(super) fn back_to_list(app: &mut App) {
    let items = conflicts(&app.tracker);
    if !items.is_empty() {
        app.overlay = Overlay::Merged(Merged { items, selected: 0 });
    }
}

/// Said when the file has conflicts (at start, after a reload or a sync).
pub fn notice(app: &mut App) {
    let n = conflicts(&app.tracker).len();
    if n > 0 {
        app.say(
            MessageKind::Error,
            format!(
                "{} from a merge: C shows both sides to settle them",
                count(n, "conflict")
            ),
        );
    }
}

/// After a sync: the conflicts it left, if any, are said after its summary.
pub(super) fn notice_after_sync(app: &mut App) {
    let n = conflicts(&app.tracker).len();
    if n > 0 {
        if let Some(m) = &mut app.message {
            m.text
                .push_str(&format!(" — {} left: C to settle", count(n, "conflict")));
        }
    }
}
