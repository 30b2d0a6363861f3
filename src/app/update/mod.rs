//! The only place the interface state changes. No IO: work outside the
//! state is returned as effects for the event loop to carry out. The
//! dispatch is here; editing, save outcomes, navigation and pickers each
//! have their own file.

mod edit;
mod nav;
mod outcome;
mod picker;

pub use edit::parse_number;

use super::action::{Action, Effect};
use super::state::{set_prefix, App, MessageKind, Mode, Picker, PickerKind, View};
use crate::domain::Status;
use edit::*;
use nav::*;
use picker::*;

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
        Action::Saved { text } => outcome::saved(app, text),
        Action::Merged { tracker, text } => outcome::merged(app, *tracker, text),
        Action::Conflict {
            theirs,
            disk,
            disk_text,
        } => outcome::conflict(app, theirs, disk, disk_text),
        Action::SaveFailed(why) => outcome::save_failed(app, why),
        Action::KeepMine => return outcome::keep_mine(app),
        Action::TakeTheirs | Action::DecideLater => outcome::drop_mine(app, &action),
    }
    Vec::new()
}
