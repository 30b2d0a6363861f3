//! Editing through the interface: key sequences replayed through the keymap
//! and `update`, their effects carried out by `tui::run_effects` (what the
//! event loop runs) on a temporary copy of the fixture tracker.

mod common;

use common::{copy, load, open, read, today, Copy};
use shibei_tracker::app::state::MessageKind;
use shibei_tracker::app::{handle_key, parse_keys, press, update, Action, App, Effect, Mode, View};
use shibei_tracker::domain::{Status, Tracker};
use shibei_tracker::store;
use shibei_tracker::tui::{run_effect, run_effects};
use std::fs;
use std::path::Path;

const RENHE: &str = "renhe-road-renewal-bc";

/// Presses `keys` one at a time, carrying out each key's effects before
/// the next key, as the event loop does. Returns whether one asked to quit.
fn keys(app: &mut App, file: &Path, k: &str) -> bool {
    let mut quit = false;
    for key in parse_keys(k).expect("key string parses") {
        let effects = handle_key(app, key);
        quit |= run_effects(app, effects, file);
    }
    quit
}

fn on_disk(file: &Path) -> Tracker {
    load(file).tracker
}

fn message(app: &App) -> String {
    app.message
        .as_ref()
        .map_or(String::new(), |m| m.text.clone())
}

fn message_kind(app: &App) -> Option<MessageKind> {
    app.message.as_ref().map(|m| m.kind)
}

/// Selects the project `id` in the Projects view.
fn select_project(app: &mut App, id: &str) {
    press(app, "1 g").expect("keys");
    for _ in 0..app.projects.list.len() {
        if app
            .selected_project()
            .is_some_and(|i| app.tracker.projects[i].id == id)
        {
            return;
        }
        press(app, "j").expect("keys");
    }
    panic!("project {id} not shown");
}

fn select_goal(app: &mut App, id: &str) {
    press(app, "2 g").expect("keys");
    for _ in 0..app.goals.list.len() {
        if app
            .selected_goal()
            .is_some_and(|i| app.tracker.targets[i].id == id)
        {
            return;
        }
        press(app, "j").expect("keys");
    }
    panic!("goal {id} not shown");
}

/// Keys that move the status picker from `from` to `to`.
fn moves(from: Status, to: Status) -> String {
    let pos = |s| Status::ALL.iter().position(|x| *x == s).expect("status");
    let (a, b) = (pos(from), pos(to));
    if b >= a {
        vec!["j"; b - a].join(" ")
    } else {
        vec!["k"; a - b].join(" ")
    }
}

#[test]
fn status_change_with_a_note_is_saved_at_once_and_undone_to_the_same_bytes() {
    let c = copy();
    let mut a = open(&c);
    select_project(&mut a, RENHE);
    press(&mut a, "s").expect("keys");
    assert_eq!(a.mode(), Mode::StatusPick);
    let pick = a.status_pick().cloned().expect("picker open");
    assert_eq!(
        pick.current,
        Status::UnderConstruction,
        "current one marked"
    );
    assert_eq!(Status::ALL[pick.selected], Status::UnderConstruction);
    press(&mut a, &moves(Status::UnderConstruction, Status::Stalled)).expect("keys");
    let effects = press(&mut a, "<enter>").expect("keys");
    assert!(effects.is_empty(), "nothing saved before the note");
    assert_eq!(a.mode(), Mode::Prompt);
    // The note, typed in Chinese; Enter saves.
    let effects = press(&mut a, "资金再次断裂 <enter>").expect("keys");
    assert!(
        matches!(effects.as_slice(), [Effect::Save(_)]),
        "{effects:?}"
    );
    assert!(!run_effects(&mut a, effects, &c.file));
    assert_eq!(a.mode(), Mode::Normal);
    assert_eq!(message_kind(&a), Some(MessageKind::Saved));
    assert!(
        message(&a)
            .starts_with("saved: renhe-road-renewal-bc: 在建 Under construction -> 停滞 Stalled"),
        "{}",
        message(&a)
    );
    let disk = on_disk(&c.file);
    let p = disk.project(RENHE).expect("project");
    assert_eq!(p.status, Status::Stalled);
    let h = p.history.last().expect("history entry");
    assert_eq!(h.note, "资金再次断裂");
    assert_eq!(h.status, Some(Status::Stalled));
    assert_eq!(h.date.to_string(), "2024-09-01");
    assert_eq!(a.base, read(&c.file));
    // Only the edited record's lines changed.
    let before = c.original.clone();
    let after = read(&c.file);
    let changed: Vec<_> = diff_lines(&before, &after);
    assert!(
        changed.iter().all(|l| l.contains("stalled")
            || l.contains("资金再次断裂")
            || l.contains("2024-09-01")
            || l.contains("from: under_construction")),
        "{changed:?}"
    );

    keys(&mut a, &c.file, "u");
    assert!(
        message(&a).starts_with("undone and saved"),
        "{}",
        message(&a)
    );
    assert_eq!(read(&c.file), c.original, "same bytes");
    assert_eq!(
        a.tracker.project(RENHE).map(|p| p.status),
        Some(Status::UnderConstruction)
    );
    keys(&mut a, &c.file, "<c-r>");
    assert!(
        message(&a).starts_with("redone and saved"),
        "{}",
        message(&a)
    );
    assert_eq!(read(&c.file), after);
    keys(&mut a, &c.file, "u");
    assert_eq!(read(&c.file), c.original);
}

/// Lines of `b` not in `a`, and of `a` not in `b`.
fn diff_lines(a: &str, b: &str) -> Vec<String> {
    let la: Vec<&str> = a.lines().collect();
    let lb: Vec<&str> = b.lines().collect();
    la.iter()
        .filter(|l| !lb.contains(l))
        .chain(lb.iter().filter(|l| !la.contains(l)))
        .map(|l| l.to_string())
        .collect()
}

#[test]
fn an_empty_note_is_skipped() {
    let c = copy();
    let mut a = open(&c);
    select_project(&mut a, "erfeng-park");
    keys(
        &mut a,
        &c.file,
        &format!(
            "s {} <enter> <enter>",
            moves(Status::Planned, Status::Signed)
        ),
    );
    let p = on_disk(&c.file)
        .project("erfeng-park")
        .cloned()
        .expect("project");
    assert_eq!(p.status, Status::Signed);
    assert_eq!(
        p.history.last().map(|h| h.note.as_str()),
        Some("Status changed from planned to signed")
    );
}

#[test]
fn choosing_the_current_status_changes_nothing() {
    let c = copy();
    let mut a = open(&c);
    assert!(press(&mut a, "s <enter>").expect("keys").is_empty());
    assert_eq!(a.mode(), Mode::Normal);
    assert!(message(&a).contains("unchanged"), "{}", message(&a));
    assert_eq!(read(&c.file), c.original);
}

#[test]
fn cancelling_anywhere_saves_nothing() {
    let c = copy();
    let mut a = open(&c);
    let before = a.tracker.clone();
    for k in [
        "s <esc>",
        "s j <enter> <esc>",
        "s j <enter> note <esc>",
        "2 e 99 <esc>",
        "2 e 99 <enter> <esc>",
    ] {
        let effects = press(&mut a, k).expect("keys");
        assert!(effects.is_empty(), "{k}: {effects:?}");
        assert!(matches!(a.mode(), Mode::Normal), "{k}: {:?}", a.mode());
        assert_eq!(a.tracker, before, "{k}");
        assert!(a.pending.is_none() && a.prompt().is_none() && a.status_pick().is_none());
        press(&mut a, "1").expect("keys");
    }
    assert!(a.undo.is_empty());
    assert_eq!(read(&c.file), c.original);
}

#[test]
fn actual_value_numbers_only_with_an_inline_explanation() {
    let c = copy();
    let mut a = open(&c);
    select_goal(&mut a, "hitech-firms-2024");
    press(&mut a, "e").expect("keys");
    assert_eq!(a.mode(), Mode::Prompt);
    let p = a.prompt().cloned().expect("prompt");
    assert_eq!(p.text, "58", "the current value, ready to be replaced");
    assert!(p.fresh);
    // Typing replaces the old value; the unit typed along is explained.
    let effects = press(&mut a, "35家 <enter>").expect("keys");
    assert!(effects.is_empty());
    assert_eq!(a.mode(), Mode::Prompt, "still editing");
    let p = a.prompt().cloned().expect("prompt");
    assert_eq!(p.text, "35家");
    let err = p.error.expect("an explanation");
    assert!(
        err.contains("numbers only") && err.contains("家") && err.contains("35"),
        "{err}"
    );
    // Other junk gets the general rule.
    press(&mut a, "<c-u> 三十五 <enter>").expect("keys");
    let err = a.prompt().cloned().and_then(|p| p.error).expect("error");
    assert!(
        err.contains("not a number") && err.contains("decimal point"),
        "{err}"
    );
    press(&mut a, "<c-u> <enter>").expect("keys");
    assert!(a
        .prompt()
        .cloned()
        .and_then(|p| p.error)
        .is_some_and(|e| e.contains("type a number")));
    // Editing clears the message; decimals are fine.
    press(&mut a, "12.").expect("keys");
    assert!(a.prompt().cloned().is_some_and(|p| p.error.is_none()));
    press(&mut a, "<bs> <bs> <bs> 61.5 <enter>").expect("keys");
    assert_eq!(a.mode(), Mode::Prompt, "now the as-of date");
    assert_eq!(
        a.prompt().map(|p| p.text.clone()).as_deref(),
        Some("2024-09-01")
    );
    press(&mut a, "<enter>").expect("keys");
    assert_eq!(a.mode(), Mode::Prompt, "now the note");
    keys(&mut a, &c.file, "半年报 <enter>");
    assert_eq!(a.mode(), Mode::Normal);
    assert!(
        message(&a).starts_with("saved: hitech-firms-2024: observed 61.5家 as of 2024-09-01"),
        "{}",
        message(&a)
    );
    let t = on_disk(&c.file)
        .target("hitech-firms-2024")
        .cloned()
        .expect("goal");
    let actual = t
        .observations
        .iter()
        .find(|o| o.date.to_string() == "2024-09-01")
        .expect("the new observation");
    assert_eq!(actual.value, 61.5);
    assert_eq!(actual.date.to_string(), "2024-09-01");
    assert_eq!(actual.note.as_deref(), Some("半年报"));
    // The goal is met now, and the view says so without reloading.
    let i = a.selected_goal().expect("still selected");
    assert_eq!(a.tracker.targets[i].id, "hitech-firms-2024");
    assert_eq!(
        a.goals.progress[i].state,
        shibei_tracker::domain::ProgressState::Met
    );
}

#[test]
fn a_goal_without_an_actual_starts_empty_and_skips_the_note() {
    let c = copy();
    let mut a = open(&c);
    select_goal(&mut a, "finance-firms-2024");
    press(&mut a, "e").expect("keys");
    assert_eq!(a.prompt().cloned().map(|p| p.text), Some(String::new()));
    keys(&mut a, &c.file, "1,200 <enter> <enter> <enter>");
    let t = on_disk(&c.file)
        .target("finance-firms-2024")
        .cloned()
        .expect("goal");
    assert_eq!(t.observations.len(), 1);
    let actual = &t.observations[0];
    assert_eq!(actual.value, 1200.0);
    assert_eq!(
        actual.note.as_deref(),
        Some("entered by hand on 2024-09-01")
    );
}

#[test]
fn marking_the_next_milestone_or_saying_why_not() {
    let c = copy();
    let mut a = open(&c);
    select_project(&mut a, RENHE);
    let effects = press(&mut a, "m").expect("keys");
    assert!(effects.is_empty());
    assert_eq!(message_kind(&a), Some(MessageKind::Error));
    assert!(message(&a).contains("no milestones"), "{}", message(&a));
    select_project(&mut a, "visionox");
    // `m` asks the day (today offered), says what it will record and
    // asks; nothing is written yet.
    keys(&mut a, &c.file, "m");
    assert_eq!(a.mode(), Mode::Prompt);
    keys(&mut a, &c.file, "<enter>");
    assert_eq!(a.mode(), Mode::Confirm);
    let Some(question) = (match &a.overlay {
        shibei_tracker::app::state::Overlay::Confirm(q) => Some(q.question.clone()),
        _ => None,
    }) else {
        panic!("no question")
    };
    assert_eq!(
        question,
        "\"预计年底建成\" reached 2024-09-01 — expect 已建成; set status to 已建成 too?"
    );
    assert_eq!(read(&c.file), c.original);
    keys(&mut a, &c.file, "<esc>");
    assert_eq!(a.mode(), Mode::Normal);
    assert_eq!(read(&c.file), c.original);
    // Yes: the milestone and the status it expects, in one step.
    keys(&mut a, &c.file, "m <enter> y");
    assert!(
        message(&a).contains(
            "milestone \"预计年底建成\" reached 2024-09-01; status 在建 Under construction -> 已建成 Completed"
        ),
        "{}",
        message(&a)
    );
    let p = on_disk(&c.file)
        .project("visionox")
        .cloned()
        .expect("project");
    assert_eq!(
        p.milestones[0].reached.map(|d| d.to_string()).as_deref(),
        Some("2024-09-01")
    );
    assert_eq!(p.status, Status::Completed);
    assert_eq!(
        p.history.last().and_then(|h| h.status),
        Some(Status::Completed)
    );
    assert!(p.milestones[1].reached.is_none());
    // No: the milestone only.
    keys(&mut a, &c.file, "m <enter> n");
    let p = on_disk(&c.file)
        .project("visionox")
        .cloned()
        .expect("project");
    assert!(p.milestones[1].reached.is_some());
    assert_eq!(p.status, Status::Completed);
    keys(&mut a, &c.file, "m");
    assert!(message(&a).contains("no open milestone"), "{}", message(&a));
    // Two undos take back both, the status with its milestone.
    keys(&mut a, &c.file, "u u");
    assert_eq!(read(&c.file), c.original);
}

#[test]
fn undo_and_redo_across_several_edits() {
    let c = copy();
    let mut a = open(&c);
    select_project(&mut a, RENHE);
    keys(&mut a, &c.file, "s j <enter> 一 <enter>");
    let one = read(&c.file);
    select_goal(&mut a, "cruise-voyages-2024");
    keys(&mut a, &c.file, "e 9 <enter> <enter> 二 <enter>");
    let two = read(&c.file);
    select_project(&mut a, "visionox");
    keys(&mut a, &c.file, "m <enter> y");
    let three = read(&c.file);
    assert_eq!(a.undo.len(), 3);
    for expected in [&two, &one, &c.original] {
        keys(&mut a, &c.file, "u");
        assert_eq!(&read(&c.file), expected);
    }
    keys(&mut a, &c.file, "u");
    assert_eq!(message(&a), "nothing to undo");
    assert_eq!(a.redo.len(), 3);
    for expected in [&one, &two, &three] {
        keys(&mut a, &c.file, "<c-r>");
        assert_eq!(&read(&c.file), expected);
    }
    keys(&mut a, &c.file, "<c-r>");
    assert_eq!(message(&a), "nothing to redo");
    // A new edit after undoing drops what could be redone.
    keys(&mut a, &c.file, "u");
    assert_eq!(a.redo.len(), 1);
    select_project(&mut a, "erfeng-park");
    keys(&mut a, &c.file, "s j <enter> <enter>");
    assert!(a.redo.is_empty());
    keys(&mut a, &c.file, "<c-r>");
    assert_eq!(message(&a), "nothing to redo");
    // Undo works from the details too, and everything goes back.
    keys(&mut a, &c.file, "<enter> u u u");
    assert_eq!(a.mode(), Mode::Detail);
    assert_eq!(read(&c.file), c.original);
    assert_eq!(a.tracker, on_disk(&c.file));
}

#[test]
fn editing_keys_on_the_wrong_view_explain_themselves() {
    let mut a = open(&copy());
    press(&mut a, "e").expect("keys");
    assert!(message(&a).contains("Goals (2)"), "{}", message(&a));
    assert_eq!(a.mode(), Mode::Normal);
    press(&mut a, "2 s").expect("keys");
    assert!(message(&a).contains("Projects (1)"), "{}", message(&a));
    press(&mut a, "m").expect("keys");
    assert!(message(&a).contains("Projects (1)"), "{}", message(&a));
    press(&mut a, "3 e").expect("keys");
    assert_eq!(a.mode(), Mode::Normal);
    // The message lasts until the next key.
    press(&mut a, "j").expect("keys");
    assert!(a.message.is_none());
    // Nothing matches: nothing to edit.
    press(&mut a, "1 / qqqqqq <enter> s").expect("keys");
    assert_eq!(a.mode(), Mode::Normal);
    assert!(message(&a).contains("no project"), "{}", message(&a));
}

#[test]
fn status_edit_from_the_details_returns_there() {
    let c = copy();
    let mut a = open(&c);
    keys(&mut a, &c.file, "<enter> s k <enter> <enter>");
    assert_eq!(a.mode(), Mode::Detail);
    assert_eq!(
        on_disk(&c.file).project(RENHE).map(|p| p.status),
        Some(Status::Signed)
    );
}

#[test]
fn a_change_elsewhere_in_the_file_is_merged_and_kept_by_undo() {
    let c = copy();
    let mut a = open(&c);
    // Someone else marks Visionox's milestone with the command line.
    let mut theirs = on_disk(&c.file);
    theirs
        .projects
        .iter_mut()
        .find(|p| p.id == "visionox")
        .expect("visionox")
        .status = Status::Completed;
    let their_text = store::save(&c.file, &theirs, &c.original).expect("their save");
    select_project(&mut a, RENHE);
    keys(&mut a, &c.file, "s j j j <enter> 停 <enter>");
    assert!(message(&a).contains("merged"), "{}", message(&a));
    let disk = on_disk(&c.file);
    assert_eq!(
        disk.project("visionox").map(|p| p.status),
        Some(Status::Completed)
    );
    assert_eq!(disk.project(RENHE).map(|p| p.status), Some(Status::Stalled));
    assert_eq!(a.tracker, disk, "the merged tracker is adopted");
    assert_eq!(a.base, read(&c.file));
    let i = a.selected_project().expect("selection kept");
    assert_eq!(a.tracker.projects[i].id, RENHE);
    // Undo removes ours and keeps theirs.
    keys(&mut a, &c.file, "u");
    assert_eq!(read(&c.file), their_text);
}

/// Someone else sets Renhe Road to "operating" in the file.
fn their_change(c: &Copy) -> String {
    let mut theirs = on_disk(&c.file);
    let p = theirs.project(RENHE).expect("renhe");
    let edit = shibei_tracker::domain::edit::Edit::SetStatus {
        project: p.id.clone(),
        status: Status::Operating,
        date: today(),
        note: Some("theirs".into()),
    };
    shibei_tracker::domain::edit::apply(&mut theirs, &edit, today()).expect("their change");
    let base = read(&c.file);
    store::save(&c.file, &theirs, &base).expect("their save")
}

/// Our change to the same record: Stalled, with a note.
fn conflicting_edit(a: &mut App, c: &Copy) {
    select_project(a, RENHE);
    let now = a.tracker.project(RENHE).map(|p| p.status).expect("renhe");
    keys(
        a,
        &c.file,
        &format!("s {} <enter> 我的 <enter>", moves(now, Status::Stalled)),
    );
    assert_eq!(a.mode(), Mode::Conflict);
    assert!(a.conflict().is_some() && a.pending.is_some());
    assert_eq!(message_kind(a), Some(MessageKind::Error));
    assert!(message(a).contains("not saved yet"), "{}", message(a));
}

#[test]
fn conflict_keep_mine_writes_ours_over_theirs() {
    let c = copy();
    let mut a = open(&c);
    let their_text = their_change(&c);
    conflicting_edit(&mut a, &c);
    assert_eq!(read(&c.file), their_text, "nothing written");
    let theirs = a
        .conflict()
        .and_then(|x| x.theirs.clone())
        .expect("their record");
    assert!(
        matches!(*theirs, shibei_tracker::domain::edit::Record::Project(ref p) if p.status == Status::Operating)
    );
    // Other keys do nothing until a choice is made.
    assert!(press(&mut a, "s u j").expect("keys").is_empty());
    assert_eq!(a.mode(), Mode::Conflict);
    keys(&mut a, &c.file, "m");
    assert_eq!(a.mode(), Mode::Normal);
    assert!(message(&a).contains("yours kept"), "{}", message(&a));
    let p = on_disk(&c.file).project(RENHE).cloned().expect("project");
    assert_eq!(p.status, Status::Stalled);
    assert_eq!(p.history.last().map(|h| h.note.as_str()), Some("我的"));
    assert_eq!(a.tracker, on_disk(&c.file));
    assert_eq!(a.undo.len(), 1);
    // Undo puts back what we replaced: their version, byte for byte.
    keys(&mut a, &c.file, "u");
    assert_eq!(read(&c.file), their_text);
    assert_eq!(
        on_disk(&c.file).project(RENHE).map(|p| p.status),
        Some(Status::Operating)
    );
    // And redo writes ours again.
    keys(&mut a, &c.file, "<c-r>");
    assert_eq!(
        on_disk(&c.file).project(RENHE).map(|p| p.status),
        Some(Status::Stalled)
    );
}

#[test]
fn conflict_take_theirs_adopts_the_file_and_drops_ours() {
    let c = copy();
    let mut a = open(&c);
    // An earlier edit of ours to the same record, saved.
    select_project(&mut a, RENHE);
    keys(&mut a, &c.file, "s k <enter> <enter>");
    assert_eq!(a.undo.len(), 1);
    let their_text = their_change(&c);
    conflicting_edit(&mut a, &c);
    keys(&mut a, &c.file, "t");
    assert_eq!(a.mode(), Mode::Normal);
    assert!(
        message(&a).contains("took the file's version"),
        "{}",
        message(&a)
    );
    assert_eq!(read(&c.file), their_text);
    assert_eq!(
        a.tracker.project(RENHE).map(|p| p.status),
        Some(Status::Operating)
    );
    assert_eq!(a.base, their_text);
    assert!(a.undo.is_empty(), "no undo of ours over theirs");
    assert!(a.pending.is_none() && a.conflict().is_none());
    keys(&mut a, &c.file, "u");
    assert_eq!(message(&a), "nothing to undo");
    assert_eq!(read(&c.file), their_text);
}

#[test]
fn conflict_decided_later_stays_pending_and_is_offered_again() {
    let c = copy();
    let mut a = open(&c);
    let their_text = their_change(&c);
    conflicting_edit(&mut a, &c);
    keys(&mut a, &c.file, "<esc>");
    assert_eq!(a.mode(), Mode::Normal);
    assert!(message(&a).contains("not saved"), "{}", message(&a));
    assert_eq!(read(&c.file), their_text, "nothing written");
    // Mine is still shown and still pending, not thrown away.
    assert!(a.pending.as_ref().is_some_and(|p| p.deferred.is_some()));
    assert_eq!(
        a.tracker.project(RENHE).map(|p| p.status),
        Some(Status::Stalled)
    );
    // The next edit key offers the same choice again.
    keys(&mut a, &c.file, "s");
    assert_eq!(a.mode(), Mode::Conflict);
    // As does a reload, after leaving it for later once more.
    keys(&mut a, &c.file, "<esc> R");
    assert_eq!(a.mode(), Mode::Conflict);
    assert_eq!(read(&c.file), their_text);
    // Keep mine now: written over theirs.
    keys(&mut a, &c.file, "m");
    assert_eq!(
        on_disk(&c.file).project(RENHE).map(|p| p.status),
        Some(Status::Stalled)
    );
    assert!(a.pending.is_none());
    // And editing goes on normally afterwards.
    keys(&mut a, &c.file, "s j <enter> <enter>");
    assert!(message(&a).starts_with("saved: "), "{}", message(&a));
}

#[test]
fn undo_refuses_to_overwrite_a_record_changed_in_the_file() {
    let c = copy();
    let mut a = open(&c);
    select_project(&mut a, RENHE);
    keys(&mut a, &c.file, "s j <enter> <enter>");
    let _ = their_change(&c);
    // An edit elsewhere merges their change in.
    select_project(&mut a, "visionox");
    keys(&mut a, &c.file, "m <enter> y");
    assert!(message(&a).contains("merged"), "{}", message(&a));
    keys(&mut a, &c.file, "u");
    assert!(message(&a).starts_with("undone"), "{}", message(&a));
    let before = read(&c.file);
    keys(&mut a, &c.file, "u");
    assert_eq!(message_kind(&a), Some(MessageKind::Error));
    assert!(message(&a).contains("cannot undo"), "{}", message(&a));
    assert_eq!(read(&c.file), before);
    assert_eq!(
        on_disk(&c.file).project(RENHE).map(|p| p.status),
        Some(Status::Operating)
    );
}

#[cfg(unix)]
fn set_read_only(file: &Path, ro: bool) {
    let mut perm = fs::metadata(file).expect("meta").permissions();
    perm.set_readonly(ro);
    fs::set_permissions(file, perm).expect("chmod");
}

#[cfg(unix)]
#[test]
fn a_failed_save_reverts_the_change_and_says_why() {
    let c = copy();
    let mut a = open(&c);
    let before = a.tracker.clone();
    set_read_only(&c.file, true);
    select_project(&mut a, RENHE);
    keys(&mut a, &c.file, "s j <enter> x <enter>");
    assert_eq!(message_kind(&a), Some(MessageKind::Error));
    let m = message(&a);
    assert!(m.contains("not saved") && m.contains("read-only"), "{m}");
    assert!(!m.starts_with("saved"), "{m}");
    assert_eq!(a.tracker, before, "the change is reverted in memory");
    assert!(a.undo.is_empty() && a.pending.is_none());
    assert_eq!(a.mode(), Mode::Normal);
    // An undo that cannot be saved stays undoable.
    set_read_only(&c.file, false);
    keys(&mut a, &c.file, "s j <enter> <enter>");
    let edited = a.tracker.clone();
    set_read_only(&c.file, true);
    keys(&mut a, &c.file, "u");
    assert!(message(&a).contains("read-only"), "{}", message(&a));
    assert_eq!(a.tracker, edited);
    assert_eq!(a.undo.len(), 1);
    set_read_only(&c.file, false);
    keys(&mut a, &c.file, "u");
    assert_eq!(read(&c.file), c.original);
}

#[test]
fn comments_in_the_file_block_saving_and_nothing_is_claimed() {
    let c = copy();
    let mut a = open(&c);
    let text = format!("# kept by hand\n{}", c.original.clone());
    fs::write(&c.file, &text).expect("write");
    let before = a.tracker.clone();
    select_goal(&mut a, "hitech-firms-2024");
    keys(&mut a, &c.file, "e 70 <enter> <enter> <enter>");
    let m = message(&a);
    assert!(m.contains("comments") && m.contains("not saved"), "{m}");
    assert_eq!(a.tracker, before);
    assert_eq!(read(&c.file), text);
}

#[test]
fn needs_attention_narrows_projects_and_goals() {
    let c = copy();
    let mut a = open(&c);
    press(&mut a, "!").expect("keys");
    assert!(a.attention);
    let mut ids: Vec<&str> = a
        .projects
        .list
        .rows
        .iter()
        .map(|h| a.tracker.projects[h.index].id.as_str())
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        ["erfeng-park", "huadian-gas", "neusoft-carrier", "visionox"]
    );
    let mut goals: Vec<&str> = a
        .goals
        .list
        .rows
        .iter()
        .map(|h| a.tracker.targets[h.index].id.as_str())
        .collect();
    goals.sort();
    // 58 of 60 high-tech firms as of 2024-06-30 was on pace at that date
    // (57.5 expected); judged at its own date it stays on track.
    assert_eq!(goals, ["cruise-voyages-2024"]);
    assert_eq!(
        a.chains.list.len(),
        3,
        "the scoreboard counts only what needs attention: {:?}",
        a.chains
            .list
            .rows
            .iter()
            .map(|r| &r.summary.chain)
            .collect::<Vec<_>>()
    );
    // A project set to stalled joins the list at once.
    press(&mut a, "! 1 g").expect("keys");
    assert!(!a.attention);
    keys(&mut a, &c.file, "s j j j <enter> <enter>");
    press(&mut a, "!").expect("keys");
    assert!(a
        .projects
        .list
        .rows
        .iter()
        .any(|h| a.tracker.projects[h.index].id == RENHE));
    // It combines with the filter.
    press(&mut a, "/ chain:数字 <enter>").expect("keys");
    assert_eq!(a.projects.list.len(), 1);
    press(&mut a, "!").expect("keys");
    assert_eq!(a.projects.list.len(), 2);
}

#[test]
fn run_effect_reports_each_outcome_as_an_action() {
    let c = copy();
    let mut a = open(&c);
    assert!(run_effect(&mut a, Effect::Quit, &c.file).is_empty());
    let effects = press(&mut a, "s j <enter> <enter>").expect("keys");
    let [effect] = <[Effect; 1]>::try_from(effects).expect("one effect");
    let actions = run_effect(&mut a, effect, &c.file);
    assert!(
        matches!(actions.as_slice(), [Action::Saved { .. }]),
        "{actions:?}"
    );
    // Until the outcome is fed back, no other edit starts.
    press(&mut a, "u").expect("keys");
    assert!(message(&a).contains("not saved yet"), "{}", message(&a));
    for action in actions {
        assert!(update(&mut a, action).is_empty());
    }
    assert_eq!(a.undo.len(), 1);
    assert!(run_effects(&mut a, vec![Effect::Quit], &c.file));
}

#[test]
fn tiny_and_odd_inputs_never_panic() {
    let c = copy();
    let mut a = open(&c);
    for (w, h) in [(0, 0), (1, 1), (24, 6), (40, 12)] {
        update(
            &mut a,
            Action::Resize {
                width: w,
                height: h,
            },
        );
        keys(
            &mut a,
            &c.file,
            "s <down> <up> k k k k k k k k j j j j j j j j j j <esc>",
        );
        keys(
            &mut a,
            &c.file,
            "2 e <bs> <bs> <bs> <c-u> -1e999 <enter> NaN <enter> <esc>",
        );
        keys(&mut a, &c.file, "3 e s m ! ! u <c-r> 1");
    }
    assert_eq!(a.view, View::Projects);
    assert_eq!(read(&c.file), c.original);
}

#[test]
fn an_undo_that_meets_their_change_asks_too() {
    let c = copy();
    let mut a = open(&c);
    select_project(&mut a, RENHE);
    keys(&mut a, &c.file, "s j <enter> <enter>");
    let their_text = their_change(&c);
    keys(&mut a, &c.file, "u");
    assert_eq!(a.mode(), Mode::Conflict, "{}", message(&a));
    assert_eq!(read(&c.file), their_text, "nothing written yet");
    // Keep mine: the undo is written over theirs; redo puts theirs back.
    keys(&mut a, &c.file, "m");
    assert!(
        message(&a).starts_with("undone and saved"),
        "{}",
        message(&a)
    );
    assert_eq!(
        on_disk(&c.file).project(RENHE).map(|p| p.status),
        Some(Status::UnderConstruction)
    );
    assert_eq!(a.tracker, on_disk(&c.file));
    keys(&mut a, &c.file, "<c-r>");
    assert_eq!(read(&c.file), their_text);

    // Take theirs: the undo is dropped, nothing is written.
    let c = copy();
    let mut a = open(&c);
    select_project(&mut a, RENHE);
    keys(&mut a, &c.file, "s j <enter> <enter>");
    let their_text = their_change(&c);
    keys(&mut a, &c.file, "u t");
    assert_eq!(read(&c.file), their_text);
    assert!(a.undo.is_empty() && a.redo.is_empty());
    assert_eq!(a.tracker, on_disk(&c.file));
}

#[test]
fn enter_on_the_value_as_offered_records_nothing_and_a_new_one_is_added_beside() {
    let c = copy();
    let mut a = open(&c);
    select_goal(&mut a, "hitech-firms-2024");
    keys(&mut a, &c.file, "e <enter>");
    assert_eq!(a.mode(), Mode::Normal);
    assert!(
        message(&a).starts_with("unchanged: 58家 as of 2024-06-30 stands"),
        "{}",
        message(&a)
    );
    assert_eq!(read(&c.file), c.original);
    // A new value goes beside the old one; undo removes only it.
    keys(&mut a, &c.file, "e 59 <enter> <enter> <enter>");
    let t = on_disk(&c.file)
        .target("hitech-firms-2024")
        .cloned()
        .expect("goal");
    let values: Vec<f64> = t.observations.iter().map(|o| o.value).collect();
    assert_eq!(values, [58.0, 59.0]);
    keys(&mut a, &c.file, "u");
    assert_eq!(read(&c.file), c.original);
}

#[test]
fn the_interface_refuses_a_status_change_dated_before_the_newest_one() {
    let c = copy();
    let mut a = open(&c);
    // Someone recorded a change dated after today (2024-09-01) by hand: a
    // change made today would come before it, so it is refused, unwritten.
    let p = a
        .tracker
        .projects
        .iter_mut()
        .find(|p| p.id == RENHE)
        .expect("renhe");
    p.history.push(shibei_tracker::domain::HistoryEntry {
        date: shibei_tracker::domain::PartialDate::parse("2024-10-01").expect("date"),
        status: Some(p.status),
        note: "typed ahead".into(),
        source: None,
        quote: None,
        ..Default::default()
    });
    let now = p.status;
    a.refresh();
    select_project(&mut a, RENHE);
    keys(
        &mut a,
        &c.file,
        &format!("s {} <enter> <enter>", moves(now, Status::Stalled)),
    );
    assert_eq!(message_kind(&a), Some(MessageKind::Error));
    assert!(
        message(&a).contains("the newest status change is dated 2024-10-01"),
        "{}",
        message(&a)
    );
    assert_eq!(read(&c.file), c.original);
    assert_eq!(a.tracker.project(RENHE).map(|p| p.status), Some(now));
}

/// Another program changes the file while the interface is open (here the
/// command line, as in the issue).
fn change_elsewhere(c: &Copy, project: &str, status: &str) {
    if let Err(f) = shibei_tracker::cli::set_status(
        &c.file,
        shibei_tracker::cli::Stamp {
            today: today(),
            by: None,
        },
        project,
        status,
        None,
        today(),
    ) {
        panic!("the other program's edit failed: {}", f.message);
    }
}

/// "The view goes stale", replayed: after the file changed elsewhere, `R`
/// reloads it, keeping the filter, the view and the selected record, and
/// says so; the status picker then starts from the file's status.
#[test]
fn r_reloads_after_an_external_change_keeping_filter_view_and_selection() {
    let c = copy();
    let mut a = open(&c);
    keys(&mut a, &c.file, "/ 人和 <enter>");
    select_project(&mut a, RENHE);
    let query = a.query.clone();
    change_elsewhere(&c, RENHE, "planned");
    // Still the old value on screen until the file is read again.
    assert_eq!(
        a.tracker.project(RENHE).map(|p| p.status),
        Some(Status::UnderConstruction)
    );
    keys(&mut a, &c.file, "R");
    assert!(message(&a).contains("reloaded"), "{}", message(&a));
    assert_eq!(
        a.tracker.project(RENHE).map(|p| p.status),
        Some(Status::Planned)
    );
    assert_eq!(a.query, query, "filter kept");
    assert_eq!(a.view, View::Projects);
    assert_eq!(
        a.selected_project()
            .map(|i| a.tracker.projects[i].id.as_str()),
        Some(RENHE),
        "selection kept"
    );
    assert_eq!(
        a.base,
        read(&c.file),
        "saves now compare against the new text"
    );
    // The picker starts from the file's status: planned -> signed is a change.
    keys(&mut a, &c.file, "s j <enter> <enter>");
    assert!(message(&a).starts_with("saved: "), "{}", message(&a));
    assert_eq!(
        on_disk(&c.file).project(RENHE).map(|p| p.status),
        Some(Status::Signed)
    );
    // R with nothing changed says so.
    keys(&mut a, &c.file, "R");
    assert!(message(&a).contains("unchanged"), "{}", message(&a));
}

/// The event loop's poll: the watch notices the change (size, mtime, then
/// content) and the reload it feeds to `update` says the file changed.
#[test]
fn a_change_on_disk_is_noticed_and_reloaded_by_the_poll() {
    let c = copy();
    let mut a = open(&c);
    select_project(&mut a, RENHE);
    let mut watch = store::watch::Watch::new(&c.file);
    assert!(!watch.changed(&a.base), "nothing yet");
    change_elsewhere(&c, RENHE, "stalled");
    assert!(watch.changed(&a.base));
    let effects = update(&mut a, shibei_tracker::tui::reload(&c.file, true));
    assert!(effects.is_empty());
    assert!(
        message(&a).contains("changed on disk: reloaded"),
        "{}",
        message(&a)
    );
    assert_eq!(
        a.tracker.project(RENHE).map(|p| p.status),
        Some(Status::Stalled)
    );
    assert!(
        !watch.changed(&a.base),
        "after the reload it is what we show"
    );
    // Our own save is not taken for someone else's.
    keys(&mut a, &c.file, "s k <enter> <enter>");
    assert!(message(&a).starts_with("saved: "), "{}", message(&a));
    assert!(!watch.changed(&a.base));
}

/// Who is at the keyboard is recorded on what the interface adds, and the
/// details show it.
#[test]
fn a_status_change_in_the_interface_records_who_made_it() {
    let c = copy();
    let mut a = open(&c).with_by(Some("王伟".into()));
    select_project(&mut a, RENHE);
    press(&mut a, "s").expect("keys");
    press(&mut a, &moves(Status::UnderConstruction, Status::Stalled)).expect("keys");
    press(&mut a, "<enter>").expect("keys");
    let effects = press(&mut a, "资金再次断裂 <enter>").expect("keys");
    assert!(!run_effects(&mut a, effects, &c.file));
    let disk = on_disk(&c.file);
    let h = disk.project(RENHE).and_then(|p| p.history.last()).cloned();
    assert_eq!(h.and_then(|h| h.by).as_deref(), Some("王伟"));
    press(&mut a, "<enter>").expect("keys");
    let s = common::screen(&common::render(&mut a, 120, 40));
    assert!(s.contains("资金再次断裂  (by 王伟)"), "{s}");
}
