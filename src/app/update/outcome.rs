//! Outcomes of a save fed back by the event loop: written, merged with
//! the file, refused as a conflict, or failed; and the choices after a
//! conflict (keep mine, take theirs, decide later).

use super::edit::finish;
use crate::app::action::{Action, Effect};
use crate::app::state::{App, ConflictState, MessageKind, Mode, SaveKind};
use crate::domain::edit::{Change, Record};
use crate::domain::Tracker;

pub(super) fn saved(app: &mut App, text: String) {
    app.base = text;
    finish(app, "");
}

pub(super) fn merged(app: &mut App, tracker: Tracker, text: String) {
    app.adopt(tracker, text);
    let how = if app.pending.as_ref().is_some_and(|p| p.forced) {
        " (yours kept over the file's version)"
    } else {
        " (merged with changes made to the file meanwhile)"
    };
    finish(app, how);
}

pub(super) fn conflict(
    app: &mut App,
    theirs: Option<Box<Record>>,
    disk: Box<Tracker>,
    disk_text: String,
) {
    let Some(p) = &app.pending else {
        return;
    };
    let id = p.change.after.id().to_string();
    app.conflict = Some(ConflictState {
        theirs,
        disk,
        disk_text,
    });
    app.mode = Mode::Conflict;
    app.say(
        MessageKind::Error,
        format!("not saved yet: {id} was also changed in the file: m keep mine, t take theirs"),
    );
}

pub(super) fn save_failed(app: &mut App, why: String) {
    // Never leave an unsaved change on screen: put the record back.
    if let Some(p) = app.pending.take() {
        p.change.before.restore_into(&mut app.tracker);
        match p.kind {
            SaveKind::Edit => {}
            SaveKind::Undo => app.undo.push(p.entry),
            SaveKind::Redo => app.redo.push(p.entry),
        }
        app.refresh();
    }
    app.say(MessageKind::Error, why);
}

pub(super) fn keep_mine(app: &mut App) -> Vec<Effect> {
    let (Some(c), Some(p)) = (app.conflict.take(), app.pending.as_mut()) else {
        app.mode = app.edit_return;
        return Vec::new();
    };
    p.forced = true;
    // What gets replaced on disk is their version, not the one we
    // started from: undo (or redo) must put back theirs.
    if let Some(theirs) = &c.theirs {
        let theirs = (**theirs).clone();
        let written = p.change.after.clone();
        p.change.before = theirs.clone();
        p.entry = match p.kind {
            SaveKind::Edit | SaveKind::Redo => Change {
                before: theirs,
                after: written,
                summary: p.entry.summary.clone(),
            },
            SaveKind::Undo => Change {
                before: written,
                after: theirs,
                summary: p.entry.summary.clone(),
            },
        };
    }
    let ours = Box::new(p.change.after.clone());
    app.mode = app.edit_return;
    vec![Effect::KeepMine {
        ours,
        disk: c.disk,
        disk_text: c.disk_text,
    }]
}

/// Take theirs, or decide later (which for now also leaves the file's).
pub(super) fn drop_mine(app: &mut App, action: &Action) {
    app.mode = app.edit_return;
    let (Some(c), Some(p)) = (app.conflict.take(), app.pending.take()) else {
        return;
    };
    let id = p.change.after.id().to_string();
    app.adopt(*c.disk, c.disk_text);
    // Older entries for this record would now undo over their
    // version without asking: drop them with ours.
    let record = p.change.after;
    app.undo.retain(|ch| !same_record(&ch.after, &record));
    app.redo.retain(|ch| !same_record(&ch.after, &record));
    app.say(
        MessageKind::Info,
        if *action == Action::TakeTheirs {
            format!("took the file's version of {id}; your change was dropped")
        } else {
            format!("left {id} as the file has it; your change was not saved")
        },
    );
}

fn same_record(a: &Record, b: &Record) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b) && a.id() == b.id()
}
