//! Starting, typing and saving an edit; undo and redo.

use crate::app::action::Effect;
use crate::app::state::{
    App, Ask, AskThen, Confirm, Conflict, Detail, MessageKind, Overlay, Pending, Prompt,
    PromptKind, SaveKind, StatusPick, View,
};
use crate::domain::edit::{apply_by, milestone_question, Edit};
use crate::domain::number::parse_in_unit;
use crate::domain::{format_number, PartialDate, Status};

/// An edit is waiting for its save, or its conflict was left for later:
/// refuse another, and offer that conflict again.
pub(super) fn busy(app: &mut App) -> bool {
    let Some(p) = &mut app.pending else {
        return false;
    };
    if let Some(state) = p.deferred.take() {
        let over = app.overlay.detail();
        app.overlay = Overlay::Conflict(Conflict { state, over });
        app.say(
            MessageKind::Error,
            "your last change is still not saved: keep mine (m), take theirs (t) or decide later (Esc)",
        );
    } else {
        app.say(
            MessageKind::Error,
            "the last change is not saved yet: decide about it first",
        );
    }
    true
}

/// The details an edit is started from, to return to afterwards.
fn origin(app: &App) -> Option<Detail> {
    match app.overlay {
        Overlay::Detail(d) => Some(d),
        _ => None,
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

pub(super) fn start_status(app: &mut App) -> Vec<Effect> {
    if busy(app) {
        return Vec::new();
    }
    let Some(i) = project_for_edit(app, 's', "changes the status") else {
        return Vec::new();
    };
    let p = &app.tracker.projects[i];
    app.overlay = Overlay::StatusPick(StatusPick {
        project: p.id.clone(),
        current: p.status,
        selected: Status::ALL.iter().position(|s| *s == p.status).unwrap_or(0),
        over: origin(app),
    });
    Vec::new()
}

pub(super) fn choose_status(app: &mut App) {
    let Overlay::StatusPick(pick) = std::mem::take(&mut app.overlay) else {
        return;
    };
    let status = Status::ALL[pick.selected.min(Status::ALL.len() - 1)];
    if status == pick.current {
        app.overlay = Overlay::back_to(pick.over);
        app.say(
            MessageKind::Info,
            format!(
                "status unchanged: {} is already {} {}",
                pick.project,
                status.label_zh(),
                status.label_en()
            ),
        );
        return;
    }
    app.overlay = Overlay::Prompt(Prompt {
        kind: PromptKind::StatusNote {
            project: pick.project,
            status,
        },
        text: String::new(),
        fresh: false,
        error: None,
        over: pick.over,
    });
}

pub(super) fn start_actual(app: &mut App) -> Vec<Effect> {
    if busy(app) {
        return Vec::new();
    }
    let i = match (app.view, app.selected_goal()) {
        (View::Goals, Some(i)) => i,
        (View::Goals, None) => {
            app.say(MessageKind::Info, "no goal selected");
            return Vec::new();
        }
        _ => {
            app.say(
                MessageKind::Info,
                "e edits the actual value of a goal: go to Goals (2) and select one",
            );
            return Vec::new();
        }
    };
    let t = &app.tracker.targets[i];
    app.overlay = Overlay::Prompt(Prompt {
        kind: PromptKind::Value {
            target: t.id.clone(),
        },
        text: t
            .current(app.today)
            .map_or(String::new(), |a| format_number(a.value)),
        fresh: t.current(app.today).is_some(),
        error: None,
        over: origin(app),
    });
    Vec::new()
}

pub(super) fn mark_milestone(app: &mut App) -> Vec<Effect> {
    if busy(app) {
        return Vec::new();
    }
    let Some(i) = project_for_edit(app, 'm', "marks the next milestone") else {
        return Vec::new();
    };
    // First when it was reached: today unless told otherwise.
    let p = &app.tracker.projects[i];
    if let Err(r) = milestone_question(p, PartialDate::day(app.today)) {
        app.say(MessageKind::Error, r);
        return Vec::new();
    }
    app.overlay = Overlay::Prompt(Prompt {
        kind: PromptKind::MarkDate {
            project: p.id.clone(),
        },
        text: app.today.to_string(),
        fresh: true,
        error: None,
        over: origin(app),
    });
    Vec::new()
}

/// A date typed in a prompt (`e`'s as-of date, `m`'s day reached): as
/// precise as known, not after today, not before 1900.
fn typed_date(text: &str, today: chrono::NaiveDate) -> Result<PartialDate, String> {
    let d = crate::domain::draft::date(text)?;
    crate::domain::records::as_of_fits(d, today)?;
    Ok(d)
}

/// The answer to the milestone question: `yes` also sets the status the
/// milestone expects (when it was offered), in the same undoable change.
pub(super) fn answer_milestone(app: &mut App, yes: bool) -> Vec<Effect> {
    let Overlay::Confirm(c) = std::mem::take(&mut app.overlay) else {
        return Vec::new();
    };
    app.overlay = Overlay::back_to(c.over);
    let edit = Edit::MarkMilestone {
        project: c.project,
        date: c.date,
        set_status: yes && c.offers_status,
    };
    save_edit(app, &edit)
}

pub(super) fn submit(app: &mut App) -> Vec<Effect> {
    let Overlay::Prompt(mut p) = std::mem::take(&mut app.overlay) else {
        return Vec::new();
    };
    let note = || Some(p.text.trim().to_string()).filter(|n| !n.is_empty());
    let edit = match &p.kind {
        PromptKind::Value { target } => {
            let unit = app
                .tracker
                .target(target)
                .map_or(String::new(), |t| t.unit.clone());
            // Enter on the value as it was offered records nothing: the
            // value that stands keeps its date and its evidence.
            let current = app
                .tracker
                .target(target)
                .and_then(|t| t.current(app.today));
            if let (true, Some(cur), Ok(v)) = (p.fresh, current, parse_in_unit(&p.text, &unit)) {
                if cur.value == v {
                    let msg = format!(
                        "unchanged: {}{unit} as of {} stands; nothing recorded",
                        format_number(v),
                        cur.date
                    );
                    app.overlay = Overlay::back_to(p.over);
                    app.say(MessageKind::Info, msg);
                    return Vec::new();
                }
            }
            let value = match parse_in_unit(&p.text, &unit) {
                Ok(v) => v,
                Err(e) => {
                    p.error = Some(e);
                    p.fresh = false;
                    app.overlay = Overlay::Prompt(p);
                    return Vec::new();
                }
            };
            // A value far from the goal or the series: asked, not refused.
            let x = app.tracker.target(target);
            let date = PartialDate::day(app.today);
            if let Some(why) =
                x.and_then(|x| crate::domain::guard::out_of_scale(&app.tracker, x, value, date))
            {
                app.overlay = Overlay::Ask(Ask {
                    question: format!("{why} y records it as typed, n goes back to the value"),
                    then: AskThen::ValueAnyway { prompt: p, value },
                });
                return Vec::new();
            }
            app.overlay = Overlay::Prompt(date_prompt(target, value, p.over, app.today));
            return Vec::new();
        }
        PromptKind::ActualDate { target, value } => {
            match typed_date(&p.text, app.today) {
                Ok(date) => {
                    app.overlay = Overlay::Prompt(Prompt {
                        kind: PromptKind::ActualNote {
                            target: target.clone(),
                            value: *value,
                            date,
                        },
                        text: String::new(),
                        fresh: false,
                        error: None,
                        over: p.over,
                    })
                }
                Err(e) => {
                    p.error = Some(e);
                    p.fresh = false;
                    app.overlay = Overlay::Prompt(p);
                }
            }
            return Vec::new();
        }
        PromptKind::MarkDate { project } => {
            let asked = typed_date(&p.text, app.today).and_then(|date| {
                let pr = app
                    .tracker
                    .project(project)
                    .ok_or_else(|| format!("{project} is no longer in the file"))?;
                let (question, offers_status) =
                    milestone_question(pr, date).map_err(|r| r.message)?;
                Ok(Confirm {
                    project: project.clone(),
                    date,
                    question,
                    offers_status,
                    over: p.over,
                })
            });
            match asked {
                // Say what will be recorded, and ask, before recording anything.
                Ok(c) => app.overlay = Overlay::Confirm(c),
                Err(e) => {
                    p.error = Some(e);
                    p.fresh = false;
                    app.overlay = Overlay::Prompt(p);
                }
            }
            return Vec::new();
        }
        PromptKind::Reason { id, entry } => {
            if p.text.trim().is_empty() {
                p.error = Some(
                    "say why it is taken back (it stays in the file with the reason); Esc keeps it"
                        .into(),
                );
                app.overlay = Overlay::Prompt(p);
                return Vec::new();
            }
            Edit::Retract {
                id: id.clone(),
                entry: *entry,
                reason: p.text.trim().to_string(),
            }
        }
        PromptKind::ConflictValue { id, field } => {
            let edit = Edit::Resolve {
                id: id.clone(),
                field: field.clone(),
                choice: crate::domain::merge::Choice::Value(p.text.trim().to_string()),
            };
            let effects = save_edit(app, &edit);
            if effects.is_empty() {
                // Refused (the message says why): the typing is kept.
                p.error = app.message.as_ref().map(|m| m.text.clone());
                app.overlay = Overlay::Prompt(p);
            } else {
                super::merged::back_to_list(app);
            }
            return effects;
        }
        PromptKind::StatusNote { project, status } => Edit::SetStatus {
            project: project.clone(),
            status: *status,
            date: app.today,
            note: note(),
        },
        PromptKind::ActualNote {
            target,
            value,
            date,
        } => Edit::AddObservation {
            target: target.clone(),
            value: *value,
            date: *date,
            note: note(),
            evidence: None,
        },
    };
    app.overlay = Overlay::back_to(p.over);
    save_edit(app, &edit)
}

/// `e`'s second step: the as-of date, today offered (typing replaces it).
pub(super) fn date_prompt(
    target: &str,
    value: f64,
    over: Option<crate::app::state::Detail>,
    today: chrono::NaiveDate,
) -> Prompt {
    Prompt {
        kind: PromptKind::ActualDate {
            target: target.to_string(),
            value,
        },
        text: today.to_string(),
        fresh: true,
        error: None,
        over,
    }
}

/// Applies `edit` in memory and asks for it to be saved at once.
pub(super) fn save_edit(app: &mut App, edit: &Edit) -> Vec<Effect> {
    match apply_by(&mut app.tracker, edit, app.today, app.by.as_deref()) {
        Ok(change) => {
            app.pending = Some(Pending {
                kind: SaveKind::Edit,
                change: change.clone(),
                entry: change.clone(),
                forced: false,
                deferred: None,
                form: None,
            });
            app.refresh();
            vec![Effect::Save(Box::new(change))]
        }
        Err(e) => {
            // Asking for what is already recorded is not an error.
            let kind = if e.unchanged {
                MessageKind::Info
            } else {
                MessageKind::Error
            };
            app.say(kind, e);
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
    let inverse = entry.inverse(format!("undo {}", entry.summary));
    inverse.apply_to(&mut app.tracker);
    app.pending = Some(Pending {
        kind: SaveKind::Undo,
        change: inverse.clone(),
        entry,
        forced: false,
        deferred: None,
        form: None,
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
    entry.apply_to(&mut app.tracker);
    app.pending = Some(Pending {
        kind: SaveKind::Redo,
        change: entry.clone(),
        entry: entry.clone(),
        forced: false,
        deferred: None,
        form: None,
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
