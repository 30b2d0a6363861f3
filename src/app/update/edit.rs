//! Starting, typing and saving an edit; undo and redo.

use crate::app::action::Effect;
use crate::app::state::{
    App, MessageKind, Mode, Pending, Prompt, PromptKind, SaveKind, StatusPick, View,
};
use crate::domain::edit::{apply, Change, Edit};
use crate::domain::{format_number, Status};

/// An edit is under way or waiting for its save: refuse another.
pub(super) fn busy(app: &mut App) -> bool {
    if app.pending.is_some() {
        app.say(
            MessageKind::Error,
            "the last change is not saved yet: decide about it first",
        );
        return true;
    }
    false
}

/// Where an edit goes back to: the details it was started from, or the list.
pub(super) fn edit_origin(app: &App) -> Mode {
    if app.mode == Mode::Detail {
        Mode::Detail
    } else {
        Mode::Normal
    }
}

pub(super) fn project_for_edit(app: &mut App, key: char, what: &str) -> Option<usize> {
    match (app.view, app.selected_project()) {
        (View::Projects, Some(i)) => Some(i),
        (View::Projects, None) => {
            app.say(MessageKind::Info, "no project selected");
            None
        }
        _ => {
            app.say(
                MessageKind::Info,
                format!("{key} {what} of a project: go to Projects (1) and select one"),
            );
            None
        }
    }
}

pub(super) fn start_status(app: &mut App) {
    if busy(app) {
        return;
    }
    let Some(i) = project_for_edit(app, 's', "changes the status") else {
        return;
    };
    let p = &app.tracker.projects[i];
    app.status_pick = Some(StatusPick {
        project: p.id.clone(),
        current: p.status,
        selected: Status::ALL.iter().position(|s| *s == p.status).unwrap_or(0),
    });
    app.edit_return = edit_origin(app);
    app.mode = Mode::StatusPick;
}

pub(super) fn choose_status(app: &mut App) {
    let Some(pick) = app.status_pick.take() else {
        app.mode = app.edit_return;
        return;
    };
    let status = Status::ALL[pick.selected.min(Status::ALL.len() - 1)];
    if status == pick.current {
        app.mode = app.edit_return;
        app.say(
            MessageKind::Info,
            format!(
                "status unchanged: {} is already {}",
                pick.project,
                status.id()
            ),
        );
        return;
    }
    app.prompt = Some(Prompt {
        kind: PromptKind::StatusNote {
            project: pick.project,
            status,
        },
        text: String::new(),
        fresh: false,
        error: None,
    });
    app.mode = Mode::Prompt;
}

pub(super) fn start_actual(app: &mut App) {
    if busy(app) {
        return;
    }
    let i = match (app.view, app.selected_goal()) {
        (View::Goals, Some(i)) => i,
        (View::Goals, None) => {
            app.say(MessageKind::Info, "no goal selected");
            return;
        }
        _ => {
            app.say(
                MessageKind::Info,
                "e edits the actual value of a goal: go to Goals (2) and select one",
            );
            return;
        }
    };
    let t = &app.tracker.targets[i];
    app.prompt = Some(Prompt {
        kind: PromptKind::Value {
            target: t.id.clone(),
        },
        text: t
            .actual
            .as_ref()
            .map_or(String::new(), |a| format_number(a.value)),
        fresh: t.actual.is_some(),
        error: None,
    });
    app.edit_return = edit_origin(app);
    app.mode = Mode::Prompt;
}

pub(super) fn mark_milestone(app: &mut App) -> Vec<Effect> {
    if busy(app) {
        return Vec::new();
    }
    let Some(i) = project_for_edit(app, 'm', "marks the next milestone") else {
        return Vec::new();
    };
    let edit = Edit::MarkMilestone {
        project: app.tracker.projects[i].id.clone(),
        date: app.today,
    };
    save_edit(app, &edit)
}

pub(super) fn edit_prompt(app: &mut App, edit: impl FnOnce(&mut Prompt)) {
    if let Some(p) = app.prompt.as_mut() {
        edit(p);
        p.fresh = false;
        p.error = None;
    }
}

pub(super) fn submit(app: &mut App) -> Vec<Effect> {
    let Some(mut p) = app.prompt.take() else {
        app.mode = app.edit_return;
        return Vec::new();
    };
    let note = || Some(p.text.trim().to_string()).filter(|n| !n.is_empty());
    let edit = match &p.kind {
        PromptKind::Value { target } => {
            let unit = app
                .tracker
                .target(target)
                .map_or(String::new(), |t| t.unit.clone());
            match parse_number(&p.text, &unit) {
                Ok(value) => {
                    app.prompt = Some(Prompt {
                        kind: PromptKind::ActualNote {
                            target: target.clone(),
                            value,
                        },
                        text: String::new(),
                        fresh: false,
                        error: None,
                    });
                }
                Err(e) => {
                    p.error = Some(e);
                    p.fresh = false;
                    app.prompt = Some(p);
                }
            }
            return Vec::new();
        }
        PromptKind::StatusNote { project, status } => Edit::SetStatus {
            project: project.clone(),
            status: *status,
            date: app.today,
            note: note(),
        },
        PromptKind::ActualNote { target, value } => Edit::SetActual {
            target: target.clone(),
            value: *value,
            date: app.today,
            note: note(),
        },
    };
    app.mode = app.edit_return;
    save_edit(app, &edit)
}

/// The user's number, with the CLI's rules (`cli::parse_value`), and a
/// plainer explanation when the unit was typed along with it.
pub fn parse_number(text: &str, unit: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("type a number (Esc cancels)".into());
    }
    crate::cli::parse_value(t).map_err(|e| {
        let bare = t
            .strip_suffix(unit)
            .map(str::trim)
            .filter(|_| !unit.is_empty());
        match bare.map(crate::cli::parse_value) {
            Some(Ok(v)) => format!(
                "\"{t}\": numbers only; the unit ({unit}) is already known, type {}",
                format_number(v)
            ),
            _ => e,
        }
    })
}

/// Applies `edit` in memory and asks for it to be saved at once.
pub(super) fn save_edit(app: &mut App, edit: &Edit) -> Vec<Effect> {
    match apply(&mut app.tracker, edit) {
        Ok(change) => {
            app.pending = Some(Pending {
                kind: SaveKind::Edit,
                change: change.clone(),
                entry: change.clone(),
                forced: false,
            });
            app.refresh();
            vec![Effect::Save(Box::new(change))]
        }
        Err(e) => {
            app.say(MessageKind::Error, e);
            Vec::new()
        }
    }
}

pub(super) fn undo(app: &mut App) -> Vec<Effect> {
    if busy(app) {
        return Vec::new();
    }
    let Some(entry) = app.undo.pop() else {
        app.say(MessageKind::Info, "nothing to undo");
        return Vec::new();
    };
    // Only undo over the record as we left it, never over someone else's.
    if entry.after.current_in(&app.tracker).as_ref() != Some(&entry.after) {
        app.say(
            MessageKind::Error,
            format!(
                "cannot undo: {} was changed in the file since; left as it is",
                entry.after.id()
            ),
        );
        return Vec::new();
    }
    let inverse = Change {
        before: entry.after.clone(),
        after: entry.before.clone(),
        summary: format!("undo {}", entry.summary),
    };
    inverse.after.restore_into(&mut app.tracker);
    app.pending = Some(Pending {
        kind: SaveKind::Undo,
        change: inverse.clone(),
        entry,
        forced: false,
    });
    app.refresh();
    vec![Effect::Save(Box::new(inverse))]
}

pub(super) fn redo(app: &mut App) -> Vec<Effect> {
    if busy(app) {
        return Vec::new();
    }
    let Some(entry) = app.redo.pop() else {
        app.say(MessageKind::Info, "nothing to redo");
        return Vec::new();
    };
    if entry.before.current_in(&app.tracker).as_ref() != Some(&entry.before) {
        app.say(
            MessageKind::Error,
            format!(
                "cannot redo: {} was changed in the file since; left as it is",
                entry.before.id()
            ),
        );
        return Vec::new();
    }
    entry.after.restore_into(&mut app.tracker);
    app.pending = Some(Pending {
        kind: SaveKind::Redo,
        change: entry.clone(),
        entry: entry.clone(),
        forced: false,
    });
    app.refresh();
    vec![Effect::Save(Box::new(entry))]
}

/// The pending change is on disk: onto the right stack, and say so.
pub(super) fn finish(app: &mut App, how: &str) {
    let Some(p) = app.pending.take() else {
        return;
    };
    let verb = match p.kind {
        SaveKind::Edit => "saved",
        SaveKind::Undo => "undone and saved",
        SaveKind::Redo => "redone and saved",
    };
    app.say(
        MessageKind::Saved,
        format!("{verb}{how}: {}", p.entry.summary),
    );
    match p.kind {
        SaveKind::Edit => {
            app.undo.push(p.entry);
            app.redo.clear();
        }
        SaveKind::Undo => app.redo.push(p.entry),
        SaveKind::Redo => app.undo.push(p.entry),
    }
}
