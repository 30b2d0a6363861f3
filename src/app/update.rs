//! The only place the interface state changes. No IO: work outside the
//! state is returned as effects for the event loop to carry out.

use super::action::{Action, Effect};
use super::state::{set_prefix, App, Mode, Picker, PickerKind, View};

/// Lines the mouse wheel moves.
const WHEEL_STEP: usize = 3;

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
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
                    app.help_scroll = app.help_scroll.min(help_max_scroll());
                }
                Mode::Picker => {
                    update(
                        app,
                        if down {
                            Action::PickerDown
                        } else {
                            Action::PickerUp
                        },
                    );
                }
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
            _ => {}
        },
        Action::ClearLine => match app.mode {
            Mode::Filter => {
                app.query.clear();
                app.refilter();
            }
            Mode::Picker => edit_picker(app, String::clear),
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
    }
    Vec::new()
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

fn help_max_scroll() -> u16 {
    // One line per binding plus a heading and a blank line per mode.
    (super::keymap::KEYMAP.len() + 16) as u16
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
