//! Outcomes fed back by the event loop: a save written, merged with the
//! file, refused as a conflict, or failed; the file read again; and the
//! choices after a conflict (keep mine, take theirs, decide later).

use super::edit::finish;
use crate::app::action::Effect;
use crate::app::state::{App, Conflict, ConflictState, MessageKind, Overlay, SaveKind};
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
    let Some(p) = &mut app.pending else {
        return;
    };
    p.deferred = None;
    let id = p.change.after.id().to_string();
    let over = app.overlay.detail();
    app.overlay = Overlay::Conflict(Conflict {
        state: ConflictState {
            theirs,
            disk,
            disk_text,
        },
        over,
    });
    app.say(
        MessageKind::Error,
        format!("not saved yet: {id} was also changed in the file: m keep mine, t take theirs"),
    );
}

pub(super) fn save_failed(app: &mut App, why: String) {
    // Never leave an unsaved change on screen: put the record back.
    if let Some(p) = app.pending.take() {
        p.change.inverse(String::new()).apply_to(&mut app.tracker);
        match p.kind {
            SaveKind::Edit => {}
            SaveKind::Undo => app.undo.push(p.entry),
            SaveKind::Redo => app.redo.push(p.entry),
        }
        // Records came or went: the search keys follow.
        app.reindex();
        // Nothing typed in a form is lost: it opens again, as it was.
        if super::records::reopen_form(app, p.form, &why) {
            return;
        }
    }
    app.say(MessageKind::Error, why);
}

/// The file as read again. With nothing pending it replaces what is shown,
/// keeping the filter, the view and each view's selected record.
pub(super) fn reloaded(
    app: &mut App,
    tracker: Tracker,
    text: String,
    external: bool,
) -> Vec<Effect> {
    if let Some(p) = &app.pending {
        // Our change is applied in memory and not on disk: retrying its
        // save merges it with theirs, or offers the conflict again.
        return vec![Effect::Save(Box::new(p.change.clone()))];
    }
    if text == app.base {
        if !external {
            app.say(
                MessageKind::Info,
                format!("{} is unchanged", app.file_label),
            );
        }
        return Vec::new();
    }
    app.adopt(tracker, text);
    app.say(
        MessageKind::Info,
        if external {
            format!("{} changed on disk: reloaded", app.file_label)
        } else {
            format!("reloaded {}", app.file_label)
        },
    );
    Vec::new()
}

/// The open conflict, taken out of the overlay (which goes back to where
/// the edit started).
fn take_conflict(app: &mut App) -> Option<ConflictState> {
    match std::mem::take(&mut app.overlay) {
        Overlay::Conflict(c) => {
            app.overlay = Overlay::back_to(c.over);
            Some(c.state)
        }
        other => {
            app.overlay = other;
            None
        }
    }
}

pub(super) fn keep_mine(app: &mut App) -> Vec<Effect> {
    let c = take_conflict(app);
    let (Some(c), Some(p)) = (c, app.pending.as_mut()) else {
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
    vec![Effect::KeepMine {
        ours,
        disk: c.disk,
        disk_text: c.disk_text,
    }]
}

/// Take theirs: the file's version is adopted and ours dropped.
pub(super) fn take_theirs(app: &mut App) {
    let c = take_conflict(app);
    let (Some(c), Some(p)) = (c, app.pending.take()) else {
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
        format!("took the file's version of {id}; your change was dropped"),
    );
}

/// Decide later: nothing is written and nothing is lost. The change stays
/// pending (shown, not saved); the next edit key or reload offers the
/// conflict again.
pub(super) fn decide_later(app: &mut App) {
    let Some(c) = take_conflict(app) else {
        return;
    };
    let Some(p) = app.pending.as_mut() else {
        return;
    };
    let id = p.change.after.id().to_string();
    p.deferred = Some(c);
    app.say(
        MessageKind::Info,
        format!(
            "{id}: your change is kept but not saved; R or any edit key offers the choice again"
        ),
    );
}

fn same_record(a: &Record, b: &Record) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b) && a.id() == b.id()
}
