//! `n`, `E`, `D`, the form's keys, the Sources view's reader and "cite
//! as". Saving goes through `save_edit` like every other edit, so undo,
//! redo, the conflict merge and the writers' lock work the same.

use super::edit::busy;
use crate::app::action::Effect;
use crate::app::records::{
    choices, detail_entries, form_edits, place_refusal, place_save_failure, rows, Form, FormCtx,
    FormKind, Reader,
};
use crate::app::state::{
    App, Ask, AskThen, Detail, MessageKind, Overlay, Pending, Prompt, PromptKind, SaveKind, View,
};
use crate::domain::correct::Entry;
use crate::domain::edit::{apply_by, Change, Edit};

/// `n` in Projects or Goals: an empty form for a new record.
pub(super) fn new_record(app: &mut App) -> Vec<Effect> {
    if busy(app) {
        return Vec::new();
    }
    let form = match app.view {
        View::Projects => Form::new_project(),
        View::Goals => Form::new_goal(),
        _ => {
            app.say(
                MessageKind::Info,
                "n adds a project (in Projects, 1) or a goal or result (in Goals, 2); in Sources, read a report and cite it",
            );
            return Vec::new();
        }
    };
    app.overlay = Overlay::Form(Box::new(form));
    Vec::new()
}

/// `E`: the same form on the selected record; in a project's details,
/// on the milestone selected there.
pub(super) fn edit_record(app: &mut App) -> Vec<Effect> {
    if busy(app) {
        return Vec::new();
    }
    let over = app.overlay.detail();
    let selected = over.and_then(|d| selected_entry(app, d));
    let form = match (app.view, selected) {
        (View::Projects, Some((id, Entry::Milestone(i)))) => app
            .tracker
            .project(&id)
            .and_then(|p| Form::edit_milestone(p, i)),
        (View::Projects, _) => app
            .selected_project()
            .and_then(|i| app.tracker.projects.get(i))
            .map(Form::edit_project),
        (View::Goals, _) => app
            .selected_goal()
            .and_then(|i| app.tracker.targets.get(i))
            .map(Form::edit_goal),
        _ => None,
    };
    match form {
        Some(mut f) => {
            f.over = over;
            app.overlay = Overlay::Form(Box::new(f));
        }
        None => app.say(
            MessageKind::Info,
            "E edits the selected project (1) or goal (2): select one first",
        ),
    }
    Vec::new()
}

/// `n` in a project's details: the milestone form, for this project.
pub(super) fn new_milestone(app: &mut App) -> Vec<Effect> {
    if busy(app) {
        return Vec::new();
    }
    let over = app.overlay.detail();
    let id = match app.view {
        View::Projects => app
            .selected_project()
            .and_then(|i| app.tracker.projects.get(i))
            .map(|p| p.id.clone()),
        _ => None,
    };
    let Some(id) = id else {
        app.say(
            MessageKind::Info,
            "n here adds a milestone to a project: open a project's details (1, Enter)",
        );
        return Vec::new();
    };
    let mut f = Form::new_milestone();
    f.set("project", &id);
    f.focus = 1;
    f.over = over;
    app.overlay = Overlay::Form(Box::new(f));
    Vec::new()
}

/// The entry selected in details `d`, with its record's id.
fn selected_entry(app: &App, d: Detail) -> Option<(String, Entry)> {
    let (id, entries) = detail_entries(app, d.all)?;
    let e = entries.get(d.cursor?)?;
    Some((id, e.entry))
}

/// Tab / Shift-Tab in the details: the next or previous entry, said on
/// the status bar with what can be done with it.
pub(super) fn move_entry(app: &mut App, by: isize) {
    let Overlay::Detail(d) = app.overlay else {
        return;
    };
    let Some((id, entries)) = detail_entries(app, d.all) else {
        return;
    };
    if entries.is_empty() {
        app.say(
            MessageKind::Info,
            "no entries here (history, milestones, values) to select",
        );
        return;
    }
    let n = entries.len() as isize;
    let next = match d.cursor {
        None if by > 0 => 0,
        None => n - 1,
        Some(c) => (c as isize + by).rem_euclid(n),
    } as usize;
    let e = &entries[next];
    let what = if e.retracted.is_some() {
        if crate::domain::correct::restorable(&id, e.entry).is_ok() {
            "retracted: x counts it again (asks first)"
        } else {
            "retracted (a slip taken back is slipped again, not undone)"
        }
    } else if e.quoted {
        "quoted from a report: it cannot be retracted, only superseded"
    } else {
        match e.entry {
            Entry::Milestone(_) => "x retracts it (removes the milestone), E edits it",
            _ => "x retracts it (asks why; u undoes)",
        }
    };
    let line = crate::text::truncate(&e.line, 60);
    app.overlay = Overlay::Detail(Detail {
        cursor: Some(next),
        reveal: true,
        ..d
    });
    app.say(MessageKind::Info, format!("{line} — {what}"));
}

/// `x` in the details: asks why before taking the selected entry back.
pub(super) fn start_retract(app: &mut App) {
    if busy(app) {
        return;
    }
    let Overlay::Detail(d) = app.overlay else {
        return;
    };
    let Some((id, entries)) = detail_entries(app, d.all) else {
        return;
    };
    let Some(e) = d.cursor.and_then(|c| entries.get(c)) else {
        app.say(
            MessageKind::Info,
            "select the entry first: Tab moves through history, milestones and values",
        );
        return;
    };
    if e.retracted.is_some() {
        // Shown with `A`: the same key offers to count it again, which also
        // reaches a retraction made in an earlier session (`u` cannot); a
        // slip cannot be, which is said before asking.
        if let Err(r) = crate::domain::correct::restorable(&id, e.entry) {
            app.say(MessageKind::Error, r.message);
            return;
        }
        app.overlay = Overlay::Ask(Ask {
            question: format!(
                "Count \"{}\" again? y undoes its retraction (u takes that back), n leaves it retracted",
                e.line
            ),
            then: AskThen::Restore {
                id,
                entry: e.entry,
                over: Some(d),
            },
        });
        return;
    }
    if e.quoted {
        app.say(
            MessageKind::Error,
            "a report's words cannot be taken back, only superseded by newer evidence",
        );
        return;
    }
    app.overlay = Overlay::Prompt(Prompt {
        kind: PromptKind::Reason { id, entry: e.entry },
        text: String::new(),
        fresh: false,
        error: None,
        over: Some(d),
    });
}

/// `A` in the details: retracted entries shown too, or hidden again.
pub(super) fn toggle_retracted(app: &mut App) {
    let Overlay::Detail(d) = app.overlay else {
        return;
    };
    let all = !d.all;
    let hidden = detail_entries(app, true).map_or(0, |(_, v)| {
        v.iter().filter(|e| e.retracted.is_some()).count()
    });
    app.overlay = Overlay::Detail(Detail {
        all,
        cursor: None,
        ..d
    });
    let count = crate::domain::labels::count(hidden, "retracted entry");
    app.say(
        MessageKind::Info,
        if all {
            format!("showing {count} too; A hides them")
        } else {
            format!("{count} hidden; A shows them")
        },
    );
}

/// `D`: asks, naming the record, before removing it.
pub(super) fn delete_record(app: &mut App) -> Vec<Effect> {
    if busy(app) {
        return Vec::new();
    }
    let over = app.overlay.detail();
    let named = match app.view {
        View::Projects => app
            .selected_project()
            .and_then(|i| app.tracker.projects.get(i))
            .map(|p| {
                (
                    p.id.clone(),
                    format!("project {} {} ({})", p.name_zh, p.name_en, p.id),
                )
            }),
        View::Goals => app
            .selected_goal()
            .and_then(|i| app.tracker.targets.get(i))
            .map(|x| {
                (
                    x.id.clone(),
                    format!(
                        "goal {} {} ({}, {})",
                        x.metric_zh,
                        x.metric_en,
                        x.period.label(),
                        x.id
                    ),
                )
            }),
        _ => None,
    };
    let Some((id, what)) = named else {
        app.say(
            MessageKind::Info,
            "D deletes the selected project (1) or goal (2): select one first",
        );
        return Vec::new();
    };
    app.overlay = Overlay::Ask(Ask {
        question: format!("Delete {what}? y deletes (u undoes it), n keeps it"),
        then: AskThen::Delete { id, over },
    });
    Vec::new()
}

/// y / Enter on a question.
pub(super) fn answer(app: &mut App, yes: bool) -> Vec<Effect> {
    let Overlay::Ask(ask) = std::mem::take(&mut app.overlay) else {
        return Vec::new();
    };
    match ask.then {
        AskThen::Delete { id, over } => {
            app.overlay = Overlay::back_to(over);
            if !yes {
                app.say(MessageKind::Info, format!("{id} kept: nothing changed"));
                return Vec::new();
            }
            save_record_edits(app, &[Edit::Remove { id }])
        }
        AskThen::Restore { id, entry, over } => {
            app.overlay = Overlay::back_to(over);
            if !yes {
                app.say(MessageKind::Info, "left retracted: nothing changed");
                return Vec::new();
            }
            super::edit::save_edit(app, &Edit::Restore { id, entry })
        }
        AskThen::Discard(form) => {
            if yes {
                app.overlay = leave_form(*form);
                app.say(MessageKind::Info, "cancelled: nothing written");
            } else {
                app.overlay = Overlay::Form(form);
            }
            Vec::new()
        }
        AskThen::Proceed { form, edits } => {
            if yes {
                commit_form(app, form, &edits)
            } else {
                app.overlay = Overlay::Form(form);
                app.say(MessageKind::Info, "back to the form: nothing written");
                Vec::new()
            }
        }
        AskThen::ValueAnyway { prompt, value } => {
            let PromptKind::Value { target } = &prompt.kind else {
                return Vec::new();
            };
            app.overlay = if yes {
                Overlay::Prompt(super::edit::date_prompt(
                    target,
                    value,
                    prompt.over,
                    app.today,
                ))
            } else {
                Overlay::Prompt(Prompt {
                    fresh: false,
                    ..prompt
                })
            };
            Vec::new()
        }
    }
}

/// Applies `edits` (all to one record) as one change, saved at once: one
/// undo takes them all back. The search index is rebuilt, since records
/// came, went or were renamed.
fn save_record_edits(app: &mut App, edits: &[Edit]) -> Vec<Effect> {
    let mut t = app.tracker.clone();
    let mut combined: Option<Change> = None;
    for e in edits {
        match apply_by(&mut t, e, app.today, app.by.as_deref()) {
            Ok(ch) => {
                combined = Some(match combined {
                    None => ch,
                    Some(first) => Change {
                        before: first.before,
                        after: ch.after,
                        summary: format!("{}; {}", first.summary, ch.summary),
                    },
                });
            }
            Err(r) => {
                let kind = if r.unchanged {
                    MessageKind::Info
                } else {
                    MessageKind::Error
                };
                app.say(kind, r.message);
                return Vec::new();
            }
        }
    }
    let Some(change) = combined else {
        app.say(MessageKind::Info, "nothing changed");
        return Vec::new();
    };
    app.tracker = t;
    app.pending = Some(Pending {
        kind: SaveKind::Edit,
        change: change.clone(),
        entry: change.clone(),
        forced: false,
        deferred: None,
        form: None,
    });
    app.reindex();
    app.select_record(change.after.id());
    vec![Effect::Save(Box::new(change))]
}

fn form_mut(app: &mut App) -> Option<&mut Form> {
    match &mut app.overlay {
        Overlay::Form(f) => Some(f),
        _ => None,
    }
}

/// Tab / Shift-Tab: the next or previous field. Leaving a choice field
/// takes its best match.
pub(super) fn form_move(app: &mut App, by: isize) {
    let (t, index) = (&app.tracker, &app.index);
    let Overlay::Form(form) = &mut app.overlay else {
        return;
    };
    let i = form.focus;
    if let Some(f) = form.fields.get_mut(i) {
        if let Some(c) = f.choice {
            let typed = f.text.trim().to_string();
            if !typed.is_empty() {
                if let Some((id, _)) = choices(t, index, c, &typed).first() {
                    f.text = id.clone();
                    f.error = None;
                }
            }
        }
    }
    let n = form.fields.len() as isize;
    form.focus = ((i as isize + by).rem_euclid(n.max(1))) as usize;
    form.fresh = true;
}

/// Typing in the focused field. The first character typed in a choice
/// field just reached replaces what it held.
pub(super) fn form_type(app: &mut App, typing: bool, edit: impl FnOnce(&mut String)) {
    if let Some(form) = form_mut(app) {
        let i = form.focus;
        let fresh = std::mem::replace(&mut form.fresh, false);
        if let Some(f) = form.fields.get_mut(i) {
            if fresh && typing && f.choice.is_some() {
                f.text.clear();
            }
            edit(&mut f.text);
            f.error = None;
            form.typed = true;
        }
    }
}

/// Where a form goes back to: the reader it came from, the details, or
/// the list.
fn leave_form(form: Form) -> Overlay {
    match (form.back, form.over) {
        (Some(r), _) => Overlay::Reader(r),
        (None, over) => Overlay::back_to(over),
    }
}

/// Ctrl-S: check every field; save when all are good. A guard (a name
/// like an existing record's, a value out of scale) asks first.
pub(super) fn form_save(app: &mut App) -> Vec<Effect> {
    if busy(app) {
        return Vec::new();
    }
    let Overlay::Form(mut form) = std::mem::take(&mut app.overlay) else {
        return Vec::new();
    };
    let ctx = FormCtx {
        tracker: &app.tracker,
        index: &app.index,
        reports: &app.reports,
        today: app.today,
        by: app.by.as_deref(),
    };
    let Some(edits) = form_edits(&mut form, &ctx) else {
        form.focus = form
            .fields
            .iter()
            .position(|f| f.error.is_some())
            .unwrap_or(form.focus);
        let why = form
            .error
            .clone()
            .unwrap_or_else(|| "see the fields marked".into());
        app.overlay = Overlay::Form(form);
        app.say(MessageKind::Error, format!("not saved: {why}"));
        return Vec::new();
    };
    if edits.is_empty() {
        app.overlay = leave_form(*form);
        app.say(MessageKind::Info, "nothing changed");
        return Vec::new();
    }
    if let Some(question) = guard_question(app, &edits) {
        app.overlay = Overlay::Ask(Ask {
            question: format!("{question} y saves it anyway, n goes back to the form"),
            then: AskThen::Proceed { form, edits },
        });
        return Vec::new();
    }
    commit_form(app, form, &edits)
}

/// What the guards ask about a form's new record or value, if anything.
fn guard_question(app: &App, edits: &[Edit]) -> Option<String> {
    use crate::domain::guard;
    let t = &app.tracker;
    match edits.first()? {
        Edit::AddProject(p) => {
            let similar: Vec<(String, String)> = guard::similar_projects(t, p)
                .into_iter()
                .map(|q| (q.id.clone(), q.name_zh.clone()))
                .collect();
            guard::duplicate_message("project", &similar)
        }
        Edit::AddTarget(x) => {
            let similar: Vec<(String, String)> = guard::similar_targets(t, x)
                .into_iter()
                .map(|y| {
                    (
                        y.id.clone(),
                        format!("{} {}", y.metric_zh, y.period.label()),
                    )
                })
                .collect();
            guard::duplicate_message("goal or result", &similar).or_else(|| {
                let o = x.observations.first()?;
                guard::out_of_scale(t, x, o.value, o.date)
            })
        }
        Edit::AddObservation {
            target,
            value,
            date,
            ..
        } => guard::out_of_scale(t, t.target(target)?, *value, *date),
        _ => None,
    }
}

/// Saves a checked form's edits; a refusal from the domain keeps the form
/// open, beside its field.
fn commit_form(app: &mut App, mut form: Box<Form>, edits: &[Edit]) -> Vec<Effect> {
    let mut probe = app.tracker.clone();
    for e in edits {
        if let Err(r) = apply_by(&mut probe, e, app.today, app.by.as_deref()) {
            if r.unchanged {
                continue;
            }
            place_refusal(&mut form, &r);
            app.overlay = Overlay::Form(form);
            app.say(MessageKind::Error, format!("not saved: {}", r.message));
            return Vec::new();
        }
    }
    // The form is kept with the change until the save's outcome: a
    // refusal from the store (a character the file may not hold, a
    // quote its report does not have) opens it again as it was.
    let kept = form.clone();
    let back = form.back.take();
    app.overlay = Overlay::None;
    if let Some(mut r) = back {
        // Back in the reader: the new quote is now a highlighted passage.
        r.anchor = None;
        r.selection = None;
        let effects = save_record_edits(app, edits);
        keep_form(app, kept);
        let text: String = r.text.iter().collect();
        r.passages = crate::app::records::passages(&app.tracker, &r.source, &text);
        app.overlay = Overlay::Reader(r);
        return effects;
    }
    let over = form.over;
    let effects = save_record_edits(app, edits);
    keep_form(app, kept);
    if let Some(id) = app
        .pending
        .as_ref()
        .map(|p| p.change.after.id().to_string())
    {
        app.view = match app.tracker.project(&id) {
            Some(_) => View::Projects,
            None if app.tracker.target(&id).is_some() => View::Goals,
            None => app.view,
        };
        app.select_record(&id);
    }
    if over.is_some() {
        app.overlay = Overlay::back_to(over);
    }
    effects
}

/// Puts the form a change was saved from beside the pending change.
fn keep_form(app: &mut App, form: Box<Form>) {
    if let Some(p) = &mut app.pending {
        p.form = Some(form);
    }
}

/// The save of a form's change was refused: the form again, as it was,
/// the refusal beside the field it is about (the change was already
/// taken back). Returns false when the change came from no form.
pub(super) fn reopen_form(app: &mut App, form: Option<Box<Form>>, why: &str) -> bool {
    let Some(mut form) = form else {
        return false;
    };
    place_save_failure(&mut form, why);
    if let Some(i) = form.fields.iter().position(|f| f.error.is_some()) {
        form.focus = i;
    }
    app.overlay = Overlay::Form(form);
    app.say(MessageKind::Error, format!("not saved: {why}"));
    true
}

/// Esc in the form: asks first when something was typed.
pub(super) fn form_cancel(app: &mut App) {
    let Overlay::Form(form) = std::mem::take(&mut app.overlay) else {
        return;
    };
    if form.typed {
        app.overlay = Overlay::Ask(Ask {
            question: "Discard what you typed? y discards it, n goes back to the form".into(),
            then: AskThen::Discard(form),
        });
    } else {
        app.overlay = leave_form(*form);
        app.say(MessageKind::Info, "cancelled: nothing written");
    }
}

/// Enter on a source: its report in the reader.
pub(super) fn open_reader(app: &mut App) {
    let Some(i) = app.sources.selected() else {
        return;
    };
    let Some(s) = app.tracker.sources.get(i) else {
        return;
    };
    match app.reports.get(&s.id) {
        Some(text) => {
            let r = Reader::new(&s.id, text, &app.tracker);
            let n = r.passages.len();
            app.overlay = Overlay::Reader(Box::new(r));
            app.say(
                MessageKind::Info,
                format!(
                    "{}: {n} quoted passage{}; n/N jump to them, v selects, a cites",
                    s.id,
                    if n == 1 { "" } else { "s" }
                ),
            );
        }
        None => app.say(
            MessageKind::Error,
            format!("cannot read seeds/{} (its report)", s.file),
        ),
    }
}

/// The reader's text width and height at the current size: the popup
/// takes the screen between the tabs and the status bar, inside a border,
/// a column of margin each side and its own last row.
pub fn reader_area(app: &App) -> (usize, usize) {
    reader_area_in(app.size.0, app.size.1)
}

pub fn reader_area_in(w: u16, h: u16) -> (usize, usize) {
    (
        (w as usize).saturating_sub(4).max(2),
        (h as usize).saturating_sub(5).max(1),
    )
}

fn with_reader(app: &mut App, f: impl FnOnce(&mut Reader, &[std::ops::Range<usize>], usize)) {
    let (w, h) = reader_area(app);
    if let Overlay::Reader(r) = &mut app.overlay {
        let rows = rows(&r.text, w);
        f(r, &rows, h);
        r.scroll_to_cursor(&rows, h);
    }
}

#[derive(Debug, Clone, Copy)]
pub enum ReaderMove {
    Rows(isize),
    Page(isize),
    Chars(isize),
}

pub(super) fn reader_move(app: &mut App, m: ReaderMove) {
    with_reader(app, |r, rows, h| match m {
        ReaderMove::Rows(n) => r.move_rows(rows, n),
        ReaderMove::Page(n) => r.move_rows(rows, n * h as isize),
        ReaderMove::Chars(n) => r.move_chars(n),
    });
}

/// `n` / `N`: the next or previous quoted passage; the status bar names
/// the records citing it.
pub(super) fn reader_jump(app: &mut App, forward: bool) {
    let mut found = false;
    with_reader(app, |r, _, _| found = r.jump(forward));
    say_passage(app, found);
}

fn say_passage(app: &mut App, found: bool) {
    let Overlay::Reader(r) = &app.overlay else {
        return;
    };
    if !found {
        app.say(MessageKind::Info, "no record quotes this report yet");
        return;
    }
    let text = match r.passage_at_cursor() {
        Some(p) => format!(
            "cited by {} — Enter goes to {}",
            p.records.join(", "),
            p.records.first().map_or("", String::as_str)
        ),
        None => String::new(),
    };
    app.say(MessageKind::Info, text);
}

/// `v`: starts a selection at the cursor (again: drops it).
pub(super) fn start_selection(app: &mut App) {
    if let Overlay::Reader(r) = &mut app.overlay {
        if r.anchor.is_some() {
            r.anchor = None;
            r.selection = None;
            app.say(MessageKind::Info, "selection dropped");
        } else {
            r.anchor = Some(r.cursor);
            r.selection = None;
            app.say(
                MessageKind::Info,
                "selecting: move to extend, Enter ends the selection, then a cites it",
            );
        }
    }
}

/// Enter in the reader: ends a selection, or goes to the record citing
/// the passage under the cursor.
pub(super) fn reader_enter(app: &mut App) {
    let Overlay::Reader(r) = &mut app.overlay else {
        return;
    };
    if r.anchor.is_some() {
        r.selection = r.selected();
        r.anchor = None;
        let q = r.quote().unwrap_or_default();
        app.say(
            MessageKind::Info,
            format!("selected \"{}\": a cites it", crate::text::truncate(&q, 40)),
        );
        return;
    }
    let Some(id) = r
        .passage_at_cursor()
        .and_then(|p| p.records.first().cloned())
    else {
        app.say(
            MessageKind::Info,
            "no record quotes the words under the cursor: n jumps to a quoted passage",
        );
        return;
    };
    app.overlay = Overlay::None;
    app.view = if app.tracker.project(&id).is_some() {
        View::Projects
    } else {
        View::Goals
    };
    // The filter (and `!`) stay when they show the record; else they are
    // cleared to show it, and the status bar says so.
    app.settle(&mut || false);
    if !shown(app, &id) {
        let mut cleared = Vec::new();
        if !app.query.trim().is_empty() {
            cleared.push(format!("the filter \"{}\"", app.query.trim()));
        }
        if app.attention {
            cleared.push("! (needs attention)".to_string());
        }
        app.query.clear();
        app.attention = false;
        app.refresh();
        if !cleared.is_empty() {
            app.say(
                MessageKind::Info,
                format!("{} cleared to show {id}", cleared.join(" and ")),
            );
        }
    }
    app.select_record(&id);
    app.overlay = Overlay::Detail(Default::default());
}

/// Whether the view on screen lists the record `id`.
fn shown(app: &App, id: &str) -> bool {
    let t = &app.tracker;
    match app.view {
        View::Projects => app
            .projects
            .list
            .rows
            .iter()
            .any(|h| t.projects.get(h.index).is_some_and(|p| p.id == id)),
        View::Goals => app
            .goals
            .list
            .rows
            .iter()
            .any(|h| t.targets.get(h.index).is_some_and(|x| x.id == id)),
        _ => false,
    }
}

/// `a`: "cite as" for the selection.
pub(super) fn cite(app: &mut App) {
    let Overlay::Reader(r) = &mut app.overlay else {
        return;
    };
    if r.quote().is_none() {
        app.say(
            MessageKind::Info,
            "select the words first: v at their start, move to their end, Enter",
        );
        return;
    }
    r.citing = true;
}

/// The choice made after `a`: the form opens with the source and the
/// quote filled in.
pub(super) fn cite_as(app: &mut App, kind: FormKind) {
    if busy(app) {
        return;
    }
    let Overlay::Reader(mut r) = std::mem::take(&mut app.overlay) else {
        return;
    };
    r.citing = false;
    let Some(quote) = r.quote() else {
        app.overlay = Overlay::Reader(r);
        return;
    };
    let mut form = match kind {
        FormKind::Project => Form::new_project(),
        FormKind::Goal => Form::new_goal(),
        FormKind::History => Form::new_history(),
        FormKind::Observation => Form::new_observation(),
        FormKind::Milestone => Form::new_milestone(),
        FormKind::Citation => Form::new_citation(),
    };
    form.set("source", &r.source);
    form.set("quote", &quote);
    if let Some(s) = app.tracker.source(&r.source) {
        // A report's date is the natural default for what it reports.
        form.set("date", &s.published.to_string());
    }
    form.back = Some(r);
    app.overlay = Overlay::Form(Box::new(form));
}

/// `/` in the reader opens the search line; Enter finds the next place.
pub(super) fn reader_search(app: &mut App) {
    if let Overlay::Reader(r) = &mut app.overlay {
        r.search = Some(String::new());
    }
}

pub(super) fn reader_find(app: &mut App) {
    let mut msg = None;
    with_reader(app, |r, _, _| {
        let words = r.search.take().unwrap_or_default();
        let words = if words.trim().is_empty() {
            r.last_search.clone()
        } else {
            words
        };
        if !r.find(&words) {
            msg = Some(format!("\"{words}\" is not in this report"));
        }
        r.last_search = words;
    });
    if let Some(m) = msg {
        app.say(MessageKind::Info, m);
    }
}

/// Esc in the reader: closes the search line, the "cite as" choice, the
/// selection, then the reader.
pub(super) fn reader_back(app: &mut App) {
    let Overlay::Reader(r) = &mut app.overlay else {
        return;
    };
    if r.search.is_some() {
        r.search = None;
    } else if r.citing {
        r.citing = false;
    } else if r.anchor.is_some() || r.selection.is_some() {
        r.anchor = None;
        r.selection = None;
    } else {
        app.overlay = Overlay::None;
    }
}

/// Typing on the reader's search line.
pub(super) fn reader_type(app: &mut App, edit: impl FnOnce(&mut String)) {
    if let Overlay::Reader(r) = &mut app.overlay {
        if let Some(s) = &mut r.search {
            edit(s);
        }
    }
}
