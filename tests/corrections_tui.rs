//! Issue 19 in the interface, as key sequences replayed through the keymap
//! and `update`, effects carried out on a copy of the fixture as the event
//! loop does: a project resting on a note and its later citation from the
//! reader, a dated `e`, a retraction from the details and its undo,
//! milestones added, edited and taken back, the guards that ask, and one
//! wording for a bad period in the form, `add-target` and `edit`.

mod common;

use common::{
    copy, keys_on as keys, lines, load, open, read, render, type_text_on as type_text, Copy,
};
use shibei_tracker::app::records::{Form, FormKind};
use shibei_tracker::app::{App, Mode, Overlay};
use shibei_tracker::domain::correct::Entry;
use shibei_tracker::domain::{progress::assess, PartialDate};
use shibei_tracker::store;
use std::path::Path;
use std::process::Command;

/// The interface on a copy, the reports read, someone at the keyboard.
fn opened() -> (Copy, App) {
    let c = copy();
    let reports = store::reports(&c.file, &load(&c.file).tracker);
    let mut app = open(&c).with_reports(reports);
    app.by = Some("王伟".into());
    (c, app)
}

fn message(app: &App) -> String {
    app.message
        .as_ref()
        .map_or(String::new(), |m| m.text.clone())
}

fn form(app: &App) -> &Form {
    match &app.overlay {
        Overlay::Form(f) => f,
        other => panic!("no form open: {other:?} ({})", message(app)),
    }
}

fn field_error(app: &App, key: &str) -> Option<String> {
    form(app)
        .fields
        .iter()
        .find(|f| f.key == key)
        .and_then(|f| f.error.clone())
}

fn select(app: &mut App, file: &Path, view: &str, id: &str) {
    keys(app, file, &format!("{view} g"));
    for _ in 0..app.len() {
        let here = match view {
            "1" => app
                .selected_project()
                .map(|i| app.tracker.projects[i].id.clone()),
            _ => app
                .selected_goal()
                .map(|i| app.tracker.targets[i].id.clone()),
        };
        if here.as_deref() == Some(id) {
            return;
        }
        keys(app, file, "j");
    }
    panic!("{id} not shown");
}

/// Tab in the details until the entry `e` is selected.
fn select_entry(app: &mut App, file: &Path, e: Entry) {
    for _ in 0..40 {
        keys(app, file, "<tab>");
        let Overlay::Detail(d) = app.overlay else {
            panic!("not in the details");
        };
        let (_, entries) =
            shibei_tracker::app::records::detail_entries(app, d.all).expect("entries");
        if d.cursor.and_then(|c| entries.get(c)).map(|s| s.entry) == Some(e) {
            return;
        }
    }
    panic!("{e:?} never selected");
}

#[test]
fn a_project_known_from_a_meeting_is_added_on_a_note_and_cited_later_from_the_reader() {
    let (c, mut app) = opened();
    keys(&mut app, &c.file, "1 n");
    type_text(&mut app, &c.file, "研发中心");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "RD Centre");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "digital");
    // Neither a quote nor a note: the note is asked for; source and quote
    // stay optional (never "required").
    keys(&mut app, &c.file, "<c-s>");
    assert_eq!(app.mode(), Mode::Form);
    assert_eq!(field_error(&app, "source"), None, "optional");
    assert_eq!(field_error(&app, "quote"), None, "optional");
    let e = field_error(&app, "note").expect("the note asked for");
    assert!(e.starts_with("give a source and a quote"), "{e}");
    assert_eq!(form(&app).focus, 5, "at the note");
    type_text(&mut app, &c.file, "区委12月会议纪要：拟建研发中心");
    keys(&mut app, &c.file, "<c-s>");
    assert_eq!(app.mode(), Mode::Normal, "{}", message(&app));
    assert!(
        message(&app).contains("resting on your note"),
        "{}",
        message(&app)
    );
    let p = load(&c.file)
        .tracker
        .project("rd-centre")
        .cloned()
        .expect("saved");
    assert!(p.sources.is_empty() && p.note.is_none());
    let n = p.noted.clone().expect("rests on the note");
    assert_eq!(n.note, "区委12月会议纪要：拟建研发中心");
    assert_eq!(n.by.as_deref(), Some("王伟"));
    assert_eq!(n.date, PartialDate::day(common::today()));
    // Marked in the list, said in the details; CJK rows still line up.
    let buf = render(&mut app, 120, 30);
    common::assert_rows_fill(&buf);
    let screen = lines(&buf).join("\n");
    assert!(screen.contains("? 研发中心"), "{screen}");
    assert!(screen.contains("(? rests on a note)"), "{screen}");
    keys(&mut app, &c.file, "<enter>");
    let screen = lines(&render(&mut app, 120, 30)).join("\n");
    assert!(
        screen.contains("rests on a note (no report cited yet)"),
        "{screen}"
    );
    keys(&mut app, &c.file, "<esc>");

    // Later the report says it: selected in the reader, cited onto the record.
    keys(&mut app, &c.file, "4 g");
    while app
        .sources
        .list
        .current()
        .is_some_and(|r| app.tracker.sources[r.source].id != "r2024b")
    {
        keys(&mut app, &c.file, "j");
    }
    keys(&mut app, &c.file, "<enter> /");
    let quote = "全社会研发投入突破10亿元";
    type_text(&mut app, &c.file, quote);
    keys(&mut app, &c.file, "<enter> v");
    for _ in 0..quote.chars().count() - 1 {
        keys(&mut app, &c.file, "l");
    }
    keys(&mut app, &c.file, "<enter> a e");
    assert_eq!(form(&app).kind, FormKind::Citation);
    assert_eq!(form(&app).get("quote"), quote);
    type_text(&mut app, &c.file, "rd-centre");
    keys(&mut app, &c.file, "<c-s>");
    assert_eq!(app.mode(), Mode::Reader, "{}", message(&app));
    let p = load(&c.file)
        .tracker
        .project("rd-centre")
        .cloned()
        .expect("there");
    assert_eq!(p.sources.len(), 1);
    assert_eq!(p.sources[0].quote, quote);
    assert_eq!(p.noted, Some(n), "the note is kept");
    // One undo takes the citation back.
    keys(&mut app, &c.file, "u");
    assert!(load(&c.file)
        .tracker
        .project("rd-centre")
        .unwrap()
        .sources
        .is_empty());
}

#[test]
fn e_asks_the_date_and_a_mistyped_value_is_retracted_from_the_details_and_undone() {
    let (c, mut app) = opened();
    select(&mut app, &c.file, "2", "hitech-firms-2024");
    // 9000 of a goal of 20: asked, naming the unit; n goes back to the value.
    keys(&mut app, &c.file, "e");
    type_text(&mut app, &c.file, "9000");
    keys(&mut app, &c.file, "<enter>");
    assert_eq!(app.mode(), Mode::Ask);
    let Overlay::Ask(ask) = &app.overlay else {
        unreachable!()
    };
    assert!(
        ask.question
            .contains("9000家 is 150 times the goal of 60家 — the unit is 家"),
        "{}",
        ask.question
    );
    keys(&mut app, &c.file, "n");
    assert_eq!(
        app.prompt().map(|p| p.text.clone()).as_deref(),
        Some("9000")
    );
    // A date after today is refused; a month is taken at its precision.
    keys(&mut app, &c.file, "<c-u> 6 1 <enter>");
    assert_eq!(
        app.prompt().map(|p| p.text.clone()).as_deref(),
        Some("2024-09-01")
    );
    type_text(&mut app, &c.file, "2025");
    keys(&mut app, &c.file, "<enter>");
    let err = app.prompt().and_then(|p| p.error.clone()).expect("refused");
    assert!(err.contains("after today"), "{err}");
    keys(&mut app, &c.file, "<c-u>");
    type_text(&mut app, &c.file, "2024-08");
    keys(&mut app, &c.file, "<enter> <enter>");
    assert!(message(&app).starts_with("saved:"), "{}", message(&app));
    let added = read(&c.file);
    let x = load(&c.file)
        .tracker
        .target("hitech-firms-2024")
        .cloned()
        .unwrap();
    let o = x.observations.last().unwrap();
    assert_eq!((o.value, o.date.to_string()), (61.0, "2024-08".to_string()));
    assert_eq!(assess(&x, common::today()).value, Some(61.0));

    // In the details: ours is taken back, with why.
    keys(&mut app, &c.file, "<enter>");
    select_entry(&mut app, &c.file, Entry::Observation(1));
    keys(&mut app, &c.file, "x");
    assert_eq!(app.mode(), Mode::Prompt);
    keys(&mut app, &c.file, "<enter>");
    assert!(
        app.prompt().and_then(|p| p.error.clone()).is_some(),
        "a reason is asked"
    );
    type_text(&mut app, &c.file, "meant 16, as of August");
    keys(&mut app, &c.file, "<enter>");
    assert_eq!(app.mode(), Mode::Detail, "{}", message(&app));
    let x = load(&c.file)
        .tracker
        .target("hitech-firms-2024")
        .cloned()
        .unwrap();
    let r = x.observations[1].retracted.clone().expect("marked, kept");
    assert_eq!(
        (r.reason.as_str(), r.by.as_deref()),
        ("meant 16, as of August", Some("王伟"))
    );
    // Progress, the details and the chart go back to the quoted value.
    assert_eq!(assess(&x, common::today()).value, Some(58.0));
    let screen = lines(&render(&mut app, 120, 40)).join("\n");
    assert!(!screen.contains("2024-08"), "hidden: {screen}");
    keys(&mut app, &c.file, "A");
    let screen = lines(&render(&mut app, 120, 40)).join("\n");
    assert!(
        screen.contains("[retracted 2024-09-01 (by 王伟): meant 16, as of August]"),
        "{screen}"
    );
    // Undone: the value stands again, the file as before the retraction.
    keys(&mut app, &c.file, "u");
    assert_eq!(read(&c.file), added);
    // A value a report gave cannot be taken back.
    keys(&mut app, &c.file, "<esc>");
    select(&mut app, &c.file, "2", "finance-projects-2022");
    keys(&mut app, &c.file, "<enter>");
    select_entry(&mut app, &c.file, Entry::Observation(0));
    keys(&mut app, &c.file, "x");
    assert_eq!(app.mode(), Mode::Detail);
    assert!(
        message(&app).contains("cannot be taken back"),
        "{}",
        message(&app)
    );
    assert_eq!(read(&c.file), added);
}

#[test]
fn a_retraction_from_an_earlier_session_is_counted_again_from_the_details() {
    let (c, mut app) = opened();
    select(&mut app, &c.file, "2", "hitech-firms-2024");
    keys(&mut app, &c.file, "e");
    type_text(&mut app, &c.file, "61");
    keys(&mut app, &c.file, "<enter> <c-u>");
    type_text(&mut app, &c.file, "2024-08");
    keys(&mut app, &c.file, "<enter> <enter>");
    let added = read(&c.file);
    keys(&mut app, &c.file, "<enter>");
    select_entry(&mut app, &c.file, Entry::Observation(1));
    keys(&mut app, &c.file, "x");
    type_text(&mut app, &c.file, "typed on the wrong goal");
    keys(&mut app, &c.file, "<enter>");
    let retracted = read(&c.file);
    assert_ne!(retracted, added);

    // A new session: nothing to undo, but the retracted entry, shown with
    // A, offers to count again.
    let reports = store::reports(&c.file, &load(&c.file).tracker);
    let mut app = open(&c).with_reports(reports);
    select(&mut app, &c.file, "2", "hitech-firms-2024");
    keys(&mut app, &c.file, "<enter> u");
    assert!(
        message(&app).contains("nothing to undo"),
        "{}",
        message(&app)
    );
    keys(&mut app, &c.file, "A");
    select_entry(&mut app, &c.file, Entry::Observation(1));
    assert!(
        message(&app).contains("retracted: x counts it again"),
        "{}",
        message(&app)
    );
    keys(&mut app, &c.file, "x");
    let Overlay::Ask(ask) = &app.overlay else {
        panic!("asked first: {:?}", app.overlay)
    };
    assert!(ask.question.contains("again?"), "{}", ask.question);
    // n leaves it as it is; y counts it again, the file as before.
    keys(&mut app, &c.file, "n");
    assert_eq!(app.mode(), Mode::Detail);
    assert_eq!(read(&c.file), retracted);
    keys(&mut app, &c.file, "x y");
    assert_eq!(app.mode(), Mode::Detail, "{}", message(&app));
    assert_eq!(read(&c.file), added, "{}", message(&app));
    let x = load(&c.file)
        .tracker
        .target("hitech-firms-2024")
        .cloned()
        .unwrap();
    assert_eq!(assess(&x, common::today()).value, Some(61.0));
    // And u takes the restore back: retracted again, reason and all.
    keys(&mut app, &c.file, "u");
    assert_eq!(read(&c.file), retracted);
}

#[test]
fn a_retracted_slip_is_not_offered_to_count_again() {
    let (c, _) = opened();
    let cli =
        |args: &[&str]| common::cli_ok(&c.file, &[&["--today", "2024-09-01"][..], args].concat());
    cli(&["milestone", "visionox", "--slip-to", "2024-12"]);
    cli(&[
        "retract",
        "visionox",
        "--slip",
        "0.0",
        "--reason",
        "the wrong project",
    ]);
    let retracted = read(&c.file);
    let reports = store::reports(&c.file, &load(&c.file).tracker);
    let mut app = open(&c).with_reports(reports);
    select(&mut app, &c.file, "1", "visionox");
    keys(&mut app, &c.file, "<enter> A");
    select_entry(&mut app, &c.file, Entry::Slip(0, 0));
    assert!(
        message(&app).contains("slipped again, not undone"),
        "{}",
        message(&app)
    );
    // x says why at once: nothing asked, nothing written.
    keys(&mut app, &c.file, "x");
    assert_eq!(app.mode(), Mode::Detail);
    assert!(message(&app).contains("--slip-to"), "{}", message(&app));
    assert_eq!(read(&c.file), retracted);
}

#[test]
fn milestones_are_added_edited_and_taken_back_from_a_projects_details() {
    let (c, mut app) = opened();
    select(&mut app, &c.file, "1", "visionox");
    keys(&mut app, &c.file, "<enter> n");
    assert_eq!(form(&app).kind, FormKind::Milestone);
    assert_eq!(form(&app).get("project"), "visionox");
    assert_eq!(form(&app).focus, 1, "at the due date");
    type_text(&mut app, &c.file, "2025-06");
    keys(&mut app, &c.file, "<tab> <tab>");
    type_text(&mut app, &c.file, "试生产");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "项目推进会上听说");
    keys(&mut app, &c.file, "<c-s>");
    assert_eq!(
        app.mode(),
        Mode::Detail,
        "back in the details: {}",
        message(&app)
    );
    let p = load(&c.file).tracker.project("visionox").cloned().unwrap();
    let m = &p.milestones[2];
    assert_eq!(
        (m.due.to_string().as_str(), m.text.as_str()),
        ("2025-06", "试生产")
    );
    assert_eq!(m.note.as_deref(), Some("项目推进会上听说"));
    assert_eq!(m.by.as_deref(), Some("王伟"));
    assert!(m.quote.is_none());
    // Edited: E on the selected milestone opens what `edit` may change.
    select_entry(&mut app, &c.file, Entry::Milestone(2));
    keys(&mut app, &c.file, "E");
    assert_eq!(form(&app).kind, FormKind::Milestone);
    assert_eq!(form(&app).get("due"), "2025-06");
    keys(&mut app, &c.file, "<c-u>");
    type_text(&mut app, &c.file, "2025-03");
    keys(&mut app, &c.file, "<c-s>");
    assert_eq!(app.mode(), Mode::Detail, "{}", message(&app));
    let p = load(&c.file).tracker.project("visionox").cloned().unwrap();
    assert_eq!(p.milestones[2].due.to_string(), "2025-03");
    // Taken back, with why: kept in the file, no longer the next one due.
    select_entry(&mut app, &c.file, Entry::Milestone(2));
    keys(&mut app, &c.file, "x");
    type_text(&mut app, &c.file, "听错了");
    keys(&mut app, &c.file, "<enter>");
    let p = load(&c.file).tracker.project("visionox").cloned().unwrap();
    assert_eq!(p.milestones.len(), 3);
    assert!(!p.milestones[2].stands());
    // A report's milestone is not taken back.
    select_entry(&mut app, &c.file, Entry::Milestone(0));
    keys(&mut app, &c.file, "x");
    assert_eq!(app.mode(), Mode::Detail);
    assert!(
        message(&app).contains("cannot be taken back"),
        "{}",
        message(&app)
    );
    // Three undos: the retraction, the edit, the milestone.
    keys(&mut app, &c.file, "u u u");
    assert_eq!(read(&c.file), c.original);
}

#[test]
fn a_record_named_like_an_existing_one_asks_before_it_is_added() {
    let (c, mut app) = opened();
    keys(&mut app, &c.file, "1 n");
    type_text(&mut app, &c.file, "维信诺项目");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "Visionox");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "urban-industry");
    keys(&mut app, &c.file, "<tab> <tab> <tab>");
    type_text(&mut app, &c.file, "听说的");
    keys(&mut app, &c.file, "<c-s>");
    assert_eq!(app.mode(), Mode::Ask);
    let Overlay::Ask(ask) = &app.overlay else {
        unreachable!()
    };
    assert!(
        ask.question.contains("维信诺项目 (visionox)"),
        "{}",
        ask.question
    );
    assert_eq!(read(&c.file), c.original, "nothing written yet");
    keys(&mut app, &c.file, "n");
    assert_eq!(app.mode(), Mode::Form, "back to the form, typing kept");
    assert_eq!(form(&app).get("note"), "听说的");
    keys(&mut app, &c.file, "<c-s> y");
    assert_eq!(app.mode(), Mode::Normal, "{}", message(&app));
    assert_eq!(
        load(&c.file).tracker.projects.len(),
        common::tracker().projects.len() + 1
    );
}

/// The message of a bad period, as the form gives it.
const BAD_PERIOD: &str = "\"2024-13\" is not a period: write a year (2024), years (2018-2020) or two days (2018-01-01..2020-12-31)";

#[test]
fn one_bad_period_reads_the_same_in_the_form_add_target_and_edit() {
    let (c, mut app) = opened();
    keys(&mut app, &c.file, "2 n");
    type_text(&mut app, &c.file, "新指标");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "New");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "digital");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "2024-13");
    keys(&mut app, &c.file, "<c-s>");
    assert_eq!(field_error(&app, "period").as_deref(), Some(BAD_PERIOD));
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_shibei-tracker"))
            .arg("--file")
            .arg(&c.file)
            .args(["--today", "2024-09-01"])
            .args(args)
            .env("TRACKER_CACHE_DIR", "off")
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let cli = run(&[
        "add-target",
        "--metric-zh",
        "新指标",
        "--metric-en",
        "New",
        "--chain",
        "digital",
        "--period",
        "2024-13",
        "--unit",
        "家",
        "--target",
        "5",
        "--comparator",
        ">=",
        "--note",
        "会上定的",
    ]);
    assert!(
        cli.contains(&format!("  --period: {BAD_PERIOD}\n")),
        "{cli}"
    );
    let edit = run(&["edit", "hitech-firms-2024", "period", "2024-13"]);
    assert!(edit.starts_with(&format!("{BAD_PERIOD}\n")), "{edit}");
    assert_eq!(read(&c.file), c.original);
}
