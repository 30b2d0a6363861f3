//! The only place the interface state changes. No IO: work outside the
//! state is returned as effects for the event loop to carry out.

use super::action::{Action, Effect};
use super::state::{
    set_prefix, App, ConflictState, MessageKind, Mode, Pending, Picker, PickerKind, Prompt,
    PromptKind, SaveKind, StatusPick, View,
};
use crate::domain::edit::{apply, Change, Edit, Record};
use crate::domain::{format_number, Status};

/// Lines the mouse wheel moves.
const WHEEL_STEP: usize = 3;

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    // A message lasts until the next thing the user does; outcomes of a
    // save and resizes are not the user's doing.
    let from_user = !matches!(
        action,
        Action::Resize { .. }
            | Action::Saved { .. }
            | Action::Merged { .. }
            | Action::Conflict { .. }
            | Action::SaveFailed(_)
    );
    if from_user {
        app.message = None;
    }
    match action {
        Action::Quit => return vec![Effect::Quit],
        Action::Resize { width, height } => {
            app.size = (width, height);
            for v in View::ALL {
                app.clamp(v);
            }
        }
        Action::MoveDown => move_by(app, 1),
        Action::MoveUp => move_by(app, -1),
        Action::PageDown | Action::PageUp => {
            let page = app.page() as isize;
            let step = if action == Action::PageDown {
                page
            } else {
                -page
            };
            if app.mode == Mode::Detail {
                scroll_detail(app, step);
            } else {
                move_by(app, step);
            }
        }
        Action::Top => {
            if app.mode == Mode::Detail {
                app.detail_scroll = 0;
            } else {
                select(app, 0);
            }
        }
        Action::Bottom => select(app, app.len().saturating_sub(1)),
        Action::ScrollDown | Action::ScrollUp => {
            let down = action == Action::ScrollDown;
            match app.mode {
                Mode::Detail => scroll_detail(app, if down { 1 } else { -1 }),
                Mode::Help => {
                    app.help_scroll = if down {
                        app.help_scroll.saturating_add(1)
                    } else {
                        app.help_scroll.saturating_sub(1)
                    };
                    app.help_scroll = app.help_scroll.min(help_max_scroll(app.size));
                }
                Mode::Picker | Mode::StatusPick => {
                    update(
                        app,
                        if down {
                            Action::PickerDown
                        } else {
                            Action::PickerUp
                        },
                    );
                }
                Mode::Prompt | Mode::Conflict => {}
                Mode::Normal | Mode::Filter => {
                    let step = WHEEL_STEP as isize;
                    move_by(app, if down { step } else { -step });
                }
            }
        }
        Action::Click { row, .. } => {
            if matches!(app.mode, Mode::Normal | Mode::Filter) {
                if let Some(f) = app.screen() {
                    if row >= f.body_top && row < f.body_top + f.body_rows {
                        let i = app.offset() + (row - f.body_top) as usize;
                        if i < app.len() {
                            select(app, i);
                        }
                    }
                }
            }
        }
        Action::NextView | Action::PrevView => {
            let i = app.view.index();
            let n = View::ALL.len();
            let next = if action == Action::NextView {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            app.view = View::ALL[next];
        }
        Action::ShowView(v) => app.view = v,
        Action::OpenDetail => match app.view {
            View::Projects | View::Goals if !app.is_empty() => {
                app.mode = Mode::Detail;
                app.detail_scroll = 0;
            }
            View::Chains => {
                // A chain's "details" are its projects: filter by it.
                if let Some(ci) = app.selected_chain() {
                    let id = app.tracker.chains[ci].id.clone();
                    app.query =
                        set_prefix(&app.query, PickerKind::Chain.field(), "chain", Some(&id));
                    app.view = View::Projects;
                    app.refilter();
                }
            }
            _ => {}
        },
        Action::Back => {
            if !app.query.is_empty() {
                app.query.clear();
                app.refilter();
            }
        }
        Action::CloseOverlay => {
            app.mode = match app.mode {
                Mode::Help => app.help_return,
                _ => Mode::Normal,
            };
        }
        Action::OpenFilter => app.mode = Mode::Filter,
        Action::AcceptFilter => app.mode = Mode::Normal,
        Action::CancelFilter => {
            app.mode = Mode::Normal;
            app.query.clear();
            app.refilter();
        }
        Action::Input(c) => match app.mode {
            Mode::Filter => {
                app.query.push(c);
                app.refilter();
            }
            Mode::Picker => edit_picker(app, |q| q.push(c)),
            Mode::Prompt => edit_prompt(app, |p| {
                if p.fresh {
                    // The old value is shown selected: typing replaces it.
                    p.text.clear();
                }
                p.text.push(c);
            }),
            _ => {}
        },
        Action::DeleteChar => match app.mode {
            Mode::Filter => {
                app.query.pop();
                app.refilter();
            }
            Mode::Picker => edit_picker(app, |q| {
                q.pop();
            }),
            Mode::Prompt => edit_prompt(app, |p| {
                p.text.pop();
            }),
            _ => {}
        },
        Action::ClearLine => match app.mode {
            Mode::Filter => {
                app.query.clear();
                app.refilter();
            }
            Mode::Picker => edit_picker(app, String::clear),
            Mode::Prompt => edit_prompt(app, |p| p.text.clear()),
            _ => {}
        },
        Action::OpenPicker(kind) => {
            app.picker = Some(Picker {
                kind,
                query: String::new(),
                items: picker_items(app, kind, ""),
                selected: 0,
            });
            app.mode = Mode::Picker;
        }
        Action::PickerDown | Action::PickerUp if app.mode == Mode::StatusPick => {
            if let Some(p) = app.status_pick.as_mut() {
                let last = Status::ALL.len() - 1;
                p.selected = if action == Action::PickerDown {
                    (p.selected + 1).min(last)
                } else {
                    p.selected.saturating_sub(1)
                };
            }
        }
        Action::PickerAccept if app.mode == Mode::StatusPick => choose_status(app),
        Action::PickerCancel if app.mode == Mode::StatusPick => {
            app.status_pick = None;
            app.mode = app.edit_return;
            app.say(MessageKind::Info, "status unchanged");
        }
        Action::PickerDown | Action::PickerUp => {
            if let Some(p) = app.picker.as_mut() {
                let last = p.items.len().saturating_sub(1);
                p.selected = if action == Action::PickerDown {
                    (p.selected + 1).min(last)
                } else {
                    p.selected.saturating_sub(1)
                };
            }
        }
        Action::PickerAccept => {
            if let Some(p) = app.picker.take() {
                let chosen = p.items.get(p.selected).copied();
                // An empty list (nothing matched) changes nothing.
                if let Some(choice) = chosen {
                    let id = choice.and_then(|i| match p.kind {
                        PickerKind::Chain => app.tracker.chains.get(i).map(|c| c.id.clone()),
                        PickerKind::Area => app.tracker.areas.get(i).map(|a| a.id.clone()),
                    });
                    app.query =
                        set_prefix(&app.query, p.kind.field(), p.kind.prefix(), id.as_deref());
                    app.refilter();
                }
            }
            app.mode = Mode::Normal;
        }
        Action::PickerCancel => {
            app.picker = None;
            app.mode = Mode::Normal;
        }
        Action::CycleSort => {
            app.sort = app.sort.next();
            app.refilter();
        }
        Action::ToggleHelp => {
            if app.mode == Mode::Help {
                app.mode = app.help_return;
            } else {
                app.help_return = app.mode;
                app.help_scroll = 0;
                app.mode = Mode::Help;
            }
        }
        Action::ToggleAttention => {
            app.attention = !app.attention;
            app.refresh();
            app.say(
                MessageKind::Info,
                if app.attention {
                    "needs attention: stalled or overdue projects, goals at risk or unreported (! again for all)"
                } else {
                    "showing everything again"
                },
            );
        }
        Action::EditStatus => start_status(app),
        Action::EditActual => start_actual(app),
        Action::MarkMilestone => return mark_milestone(app),
        Action::Submit => return submit(app),
        Action::CancelEdit => {
            app.prompt = None;
            app.mode = app.edit_return;
            app.say(MessageKind::Info, "cancelled: nothing changed");
        }
        Action::Undo => return undo(app),
        Action::Redo => return redo(app),
        Action::Saved { text } => {
            app.base = text;
            finish(app, "");
        }
        Action::Merged { tracker, text } => {
            app.adopt(*tracker, text);
            let how = if app.pending.as_ref().is_some_and(|p| p.forced) {
                " (yours kept over the file's version)"
            } else {
                " (merged with changes made to the file meanwhile)"
            };
            finish(app, how);
        }
        Action::Conflict {
            theirs,
            disk,
            disk_text,
        } => {
            let Some(p) = &app.pending else {
                return Vec::new();
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
                format!(
                    "not saved yet: {id} was also changed in the file: m keep mine, t take theirs"
                ),
            );
        }
        Action::SaveFailed(why) => {
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
        Action::KeepMine => {
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
            return vec![Effect::KeepMine {
                ours,
                disk: c.disk,
                disk_text: c.disk_text,
            }];
        }
        Action::TakeTheirs | Action::DecideLater => {
            app.mode = app.edit_return;
            let (Some(c), Some(p)) = (app.conflict.take(), app.pending.take()) else {
                return Vec::new();
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
                if action == Action::TakeTheirs {
                    format!("took the file's version of {id}; your change was dropped")
                } else {
                    format!("left {id} as the file has it; your change was not saved")
                },
            );
        }
    }
    Vec::new()
}

fn same_record(a: &Record, b: &Record) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b) && a.id() == b.id()
}

/// An edit is under way or waiting for its save: refuse another.
fn busy(app: &mut App) -> bool {
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
fn edit_origin(app: &App) -> Mode {
    if app.mode == Mode::Detail {
        Mode::Detail
    } else {
        Mode::Normal
    }
}

fn project_for_edit(app: &mut App, key: char, what: &str) -> Option<usize> {
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

fn start_status(app: &mut App) {
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

fn choose_status(app: &mut App) {
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

fn start_actual(app: &mut App) {
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

fn mark_milestone(app: &mut App) -> Vec<Effect> {
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

fn edit_prompt(app: &mut App, edit: impl FnOnce(&mut Prompt)) {
    if let Some(p) = app.prompt.as_mut() {
        edit(p);
        p.fresh = false;
        p.error = None;
    }
}

fn submit(app: &mut App) -> Vec<Effect> {
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
fn save_edit(app: &mut App, edit: &Edit) -> Vec<Effect> {
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

fn undo(app: &mut App) -> Vec<Effect> {
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

fn redo(app: &mut App) -> Vec<Effect> {
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
fn finish(app: &mut App, how: &str) {
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

fn move_by(app: &mut App, delta: isize) {
    let i = app.selected().saturating_add_signed(delta);
    select(app, i);
}

fn select(app: &mut App, i: usize) {
    let v = app.view;
    app.selected[v.index()] = i;
    app.clamp(v);
}

/// The drawing clamps the scroll to the text it wraps; this bound only
/// stops the count running far past any real detail pane.
const DETAIL_MAX_SCROLL: u16 = 2000;

fn scroll_detail(app: &mut App, delta: isize) {
    let s = (app.detail_scroll as isize + delta).clamp(0, DETAIL_MAX_SCROLL as isize);
    app.detail_scroll = s as u16;
}

/// How far the help can scroll at this terminal size: its lines (a binding
/// is its keys in 26 columns, then the text) wrapped to the popup's width
/// (84 at most), less the rows shown. A slight overestimate is harmless:
/// the drawing clamps to the real wrapped height.
fn help_max_scroll((width, height): (u16, u16)) -> u16 {
    let inner = (width.min(84) as usize).saturating_sub(2).max(2);
    let rows_of = |w: usize| w.div_ceil(inner).max(1);
    let bindings: usize = super::keymap::KEYMAP
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

fn picker_items(app: &App, kind: PickerKind, q: &str) -> Vec<Option<usize>> {
    let found = match kind {
        PickerKind::Chain => app.index.filter_chains(&app.matcher, q),
        PickerKind::Area => app.index.filter_areas(&app.matcher, q),
    };
    // "Any" comes first only while nothing is typed: typing means choosing.
    let any = q.trim().is_empty().then_some(None);
    any.into_iter().chain(found.into_iter().map(Some)).collect()
}

fn edit_picker(app: &mut App, edit: impl FnOnce(&mut String)) {
    let Some(mut p) = app.picker.take() else {
        return;
    };
    edit(&mut p.query);
    p.items = picker_items(app, p.kind, &p.query);
    p.selected = 0;
    app.picker = Some(p);
}
