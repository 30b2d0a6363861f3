//! Entering records in the interface: the form (`n`, `E`), delete (`D`),
//! the Sources view and its reader, selection and "cite as" — key
//! sequences replayed through the keymap and `update`, effects carried out
//! on a temporary copy of the fixture as the event loop does.

mod common;

use common::{
    copy, keys_on as keys, lines, load, open, read, render, type_text_on as type_text, Copy,
};
use ratatui::style::Color;
use shibei_tracker::app::records::FormKind;
use shibei_tracker::app::{App, Effect, Mode, Overlay, View};
use shibei_tracker::store;
use shibei_tracker::tui::run_effects;
use std::path::Path;

/// Presses `k`, carrying out each key's effects before the next.
/// The interface on a copy, with the reports read as the event loop reads them.
fn opened() -> (Copy, App) {
    let c = copy();
    let reports = store::reports(&c.file, &load(&c.file).tracker);
    let app = open(&c).with_reports(reports);
    (c, app)
}

fn message(app: &App) -> String {
    app.message
        .as_ref()
        .map_or(String::new(), |m| m.text.clone())
}

fn form(app: &App) -> &shibei_tracker::app::records::Form {
    match &app.overlay {
        Overlay::Form(f) => f,
        other => panic!("no form open: {other:?}"),
    }
}

fn field_error(app: &App, key: &str) -> Option<String> {
    form(app)
        .fields
        .iter()
        .find(|f| f.key == key)
        .and_then(|f| f.error.clone())
}

fn select_project(app: &mut App, file: &Path, id: &str) {
    keys(app, file, "1 g");
    for _ in 0..app.projects.list.len() {
        if app
            .selected_project()
            .is_some_and(|i| app.tracker.projects[i].id == id)
        {
            return;
        }
        keys(app, file, "j");
    }
    panic!("project {id} not shown");
}

#[test]
fn n_creates_a_project_with_pinyin_choice_and_u_undoes_it() {
    let (c, mut app) = opened();
    keys(&mut app, &c.file, "1 n");
    assert_eq!(app.mode(), Mode::Form);
    assert_eq!(form(&app).focus, 0, "focus starts on the first field");
    assert_eq!(form(&app).fields[0].key, "name_zh");
    let order: Vec<&str> = form(&app).fields.iter().map(|f| f.key).collect();
    // The order people learned first; what the command line also takes after it.
    assert_eq!(
        order,
        [
            "name_zh", "name_en", "chain", "area", "status", "note", "source", "quote", "parent",
            "aliases", "id"
        ]
    );
    type_text(&mut app, &c.file, "研发中心");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "R&D Centre");
    keys(&mut app, &c.file, "<tab>");
    // Pinyin filters the chain choices; Tab takes the best match.
    type_text(&mut app, &c.file, "shuzi");
    keys(&mut app, &c.file, "<tab>");
    assert_eq!(form(&app).get("chain"), "digital");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "zaijian");
    keys(&mut app, &c.file, "<tab>");
    assert_eq!(form(&app).get("status"), "under_construction");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "r2024b");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "全社会研发投入突破10亿元");
    // Nothing is written before Ctrl-S.
    assert_eq!(read(&c.file), c.original);
    let effects = keys(&mut app, &c.file, "<c-s>");
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Save(_))),
        "{effects:?}"
    );
    assert_eq!(app.mode(), Mode::Normal);
    let p = load(&c.file)
        .tracker
        .project("r-d-centre")
        .cloned()
        .expect("saved");
    assert_eq!(p.name_zh, "研发中心");
    assert_eq!(p.chain, "digital");
    assert_eq!(p.sources[0].quote, "全社会研发投入突破10亿元");
    // The new project is selected in Projects.
    assert_eq!(
        app.selected_project()
            .map(|i| app.tracker.projects[i].id.clone()),
        Some("r-d-centre".into())
    );
    keys(&mut app, &c.file, "u");
    assert_eq!(read(&c.file), c.original, "undo gives back the same bytes");
    assert!(app.tracker.project("r-d-centre").is_none());
    keys(&mut app, &c.file, "<c-r>");
    assert!(
        load(&c.file).tracker.project("r-d-centre").is_some(),
        "redo"
    );
}

#[test]
fn errors_show_beside_their_fields_and_nothing_is_written() {
    let (c, mut app) = opened();
    let effects = keys(&mut app, &c.file, "1 n <c-s>");
    assert!(effects.is_empty());
    assert_eq!(app.mode(), Mode::Form);
    assert_eq!(field_error(&app, "name_zh").as_deref(), Some("required"));
    assert_eq!(field_error(&app, "chain").as_deref(), Some("required"));
    assert_eq!(field_error(&app, "area"), None, "optional");
    // A quote that is not in the report: refused with the closest passage.
    type_text(&mut app, &c.file, "研发中心");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "RD");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "digital");
    keys(&mut app, &c.file, "<tab> <tab> <tab> <tab>");
    type_text(&mut app, &c.file, "r2024b");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "研发投入超过10亿元");
    keys(&mut app, &c.file, "<c-s>");
    let e = field_error(&app, "quote").expect("quote refused");
    assert!(
        e.contains("closest passage: 加大研发创新投入") || e.contains("全社会研发投入突破10亿元"),
        "{e}"
    );
    assert_eq!(form(&app).focus, 7, "focus goes to the field in error");
    // The error is drawn beside the field.
    let screen = lines(&render(&mut app, 120, 40)).join("\n");
    assert!(screen.contains("! quote not found in r2024b"), "{screen}");
    // A bad period in a goal form.
    keys(&mut app, &c.file, "<esc> y 2 n");
    type_text(&mut app, &c.file, "新指标");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "New");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "digital");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "2024-13");
    keys(&mut app, &c.file, "<c-s>");
    assert!(field_error(&app, "period")
        .unwrap()
        .contains("not a period"));
    assert_eq!(read(&c.file), c.original);
}

#[test]
fn esc_asks_before_dropping_what_was_typed() {
    let (c, mut app) = opened();
    keys(&mut app, &c.file, "1 n <esc>");
    assert_eq!(app.mode(), Mode::Normal, "nothing typed: closes at once");
    keys(&mut app, &c.file, "n x <esc>");
    assert_eq!(app.mode(), Mode::Ask);
    keys(&mut app, &c.file, "n");
    assert_eq!(app.mode(), Mode::Form, "n goes back to the form");
    assert_eq!(form(&app).get("name_zh"), "x", "with what was typed");
    keys(&mut app, &c.file, "<esc> y");
    assert_eq!(app.mode(), Mode::Normal);
    assert_eq!(read(&c.file), c.original);
}

#[test]
fn d_asks_naming_the_record_and_u_brings_it_back_in_place() {
    let (c, mut app) = opened();
    select_project(&mut app, &c.file, "inspur-bigdata");
    keys(&mut app, &c.file, "D");
    let Overlay::Ask(ask) = &app.overlay else {
        panic!("no question");
    };
    assert!(ask.question.contains("inspur-bigdata"), "{}", ask.question);
    keys(&mut app, &c.file, "n");
    assert_eq!(read(&c.file), c.original, "n keeps it");
    keys(&mut app, &c.file, "D y");
    assert!(load(&c.file).tracker.project("inspur-bigdata").is_none());
    keys(&mut app, &c.file, "u");
    assert_eq!(read(&c.file), c.original, "back in its place, same bytes");
    // A project holding a report's milestones is refused, and says why.
    select_project(&mut app, &c.file, "visionox");
    keys(&mut app, &c.file, "D y");
    assert!(message(&app).contains("milestone 0"), "{}", message(&app));
    assert_eq!(read(&c.file), c.original);
}

#[test]
fn e_edits_the_selected_record_in_one_undoable_step() {
    let (c, mut app) = opened();
    keys(&mut app, &c.file, "1 g E");
    let id = form(&app).editing.clone().expect("editing");
    assert_eq!(form(&app).focus, 0);
    keys(&mut app, &c.file, "<tab> <c-u>");
    type_text(&mut app, &c.file, "Renamed");
    keys(&mut app, &c.file, "<tab> <c-u>");
    type_text(&mut app, &c.file, "finance");
    keys(&mut app, &c.file, "<c-s>");
    let p = load(&c.file).tracker.project(&id).cloned().unwrap();
    assert_eq!(
        (p.name_en.as_str(), p.chain.as_str()),
        ("Renamed", "finance")
    );
    keys(&mut app, &c.file, "u");
    assert_eq!(read(&c.file), c.original, "one undo takes back both fields");
}

#[test]
fn sources_view_lists_reports_with_their_citations() {
    let (_c, mut app) = opened();
    shibei_tracker::app::press(&mut app, "4").unwrap();
    assert_eq!(app.view, View::Sources);
    assert_eq!(app.sources.list.len(), 3);
    shibei_tracker::app::press(&mut app, "<tab>").unwrap();
    assert_eq!(app.view, View::Projects, "Sources is in the Tab cycle");
    shibei_tracker::app::press(&mut app, "4").unwrap();
    let screen = lines(&render(&mut app, 120, 30)).join("\n");
    assert!(screen.contains("Sources"), "{screen}");
    assert!(
        screen.contains("市北：澎湃绿色低碳高质量发展新动能"),
        "{screen}"
    );
    assert!(screen.contains("records"), "{screen}");
}

/// Opens the reader on the report of `id`.
fn reader_on(app: &mut App, file: &Path, id: &str) {
    keys(app, file, "4 g");
    for _ in 0..app.sources.list.len() {
        if app
            .sources
            .list
            .current()
            .is_some_and(|r| app.tracker.sources[r.source].id == id)
        {
            break;
        }
        keys(app, file, "j");
    }
    keys(app, file, "<enter>");
    assert_eq!(app.mode(), Mode::Reader);
    assert_eq!(the_reader(app).source, id);
}

fn reader(app: &mut App, file: &Path) {
    reader_on(app, file, "r2024b");
}

fn the_reader(app: &App) -> &shibei_tracker::app::records::Reader {
    match &app.overlay {
        Overlay::Reader(r) => r,
        other => panic!("no reader: {other:?}"),
    }
}

#[test]
fn reader_highlights_quoted_passages_and_n_jumps_to_them() {
    let (c, mut app) = opened();
    reader_on(&mut app, &c.file, "r2022");
    let r = the_reader(&app);
    assert!(r.passages.len() > 2, "{:?}", r.passages);
    let first = r.passages[0].clone();
    let second = r.passages[1].clone();
    let text: String = r.text[first.span.clone()].iter().collect();
    keys(&mut app, &c.file, "n");
    assert_eq!(the_reader(&app).cursor, first.span.start);
    assert!(
        message(&app).contains(&format!("cited by {}", first.records.join(", "))),
        "{}",
        message(&app)
    );
    keys(&mut app, &c.file, "n");
    assert_eq!(the_reader(&app).cursor, second.span.start);
    keys(&mut app, &c.file, "N");
    assert_eq!(the_reader(&app).cursor, first.span.start);
    // The passage is drawn highlighted (its second character: the
    // cursor sits on the first), wrapped within the width.
    assert!(text.chars().count() > 1);
    let buf = render(&mut app, 60, 30);
    let r = the_reader(&app);
    let (tw, _) = shibei_tracker::app::update::reader_area_in(60, 30);
    let all = shibei_tracker::app::records::rows(&r.text, tw);
    let at = first.span.start + 1;
    let row = all.iter().position(|x| x.contains(&at)).expect("a row");
    let prefix: String = r.text[all[row].start..at].iter().collect();
    let x = 2 + shibei_tracker::text::width(&prefix) as u16;
    let (_, th) = shibei_tracker::app::update::reader_area_in(60, 30);
    let y = 2 + (row - r.top.max((row + 1).saturating_sub(th))) as u16;
    assert_eq!(
        buf[(x, y)].bg,
        Color::Yellow,
        "{:?}",
        lines(&buf)[y as usize]
    );
    common::assert_rows_fill(&buf);
    // Enter on the passage goes to the record citing it.
    keys(&mut app, &c.file, "<enter>");
    assert_eq!(app.mode(), Mode::Detail);
    let id = first.records[0].clone();
    let shown = match app.view {
        View::Projects => app
            .selected_project()
            .map(|i| app.tracker.projects[i].id.clone()),
        _ => app
            .selected_goal()
            .map(|i| app.tracker.targets[i].id.clone()),
    };
    assert_eq!(shown, Some(id));
}

#[test]
fn selection_is_cited_as_a_new_goal_with_the_quote_filled_in() {
    let (c, mut app) = opened();
    reader(&mut app, &c.file);
    // `/` finds the words; v, move, Enter selects them.
    keys(&mut app, &c.file, "/");
    assert_eq!(app.mode(), Mode::ReaderSearch);
    type_text(&mut app, &c.file, "全社会研发投入");
    keys(&mut app, &c.file, "<enter>");
    let quote = "全社会研发投入突破10亿元";
    keys(&mut app, &c.file, "v");
    for _ in 0..quote.chars().count() - 1 {
        keys(&mut app, &c.file, "l");
    }
    keys(&mut app, &c.file, "<enter>");
    assert_eq!(the_reader(&app).quote().as_deref(), Some(quote));
    keys(&mut app, &c.file, "a");
    assert_eq!(app.mode(), Mode::Cite);
    keys(&mut app, &c.file, "g");
    assert_eq!(form(&app).kind, FormKind::Goal);
    assert_eq!(form(&app).get("source"), "r2024b");
    assert_eq!(form(&app).get("quote"), quote);
    type_text(&mut app, &c.file, "全社会研发投入");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "R&D spending");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "innovation");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "2023");
    keys(&mut app, &c.file, "<tab> <tab> <tab>");
    type_text(&mut app, &c.file, "亿元");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "10");
    keys(&mut app, &c.file, "<c-s>");
    let x = load(&c.file)
        .tracker
        .target("r-d-spending")
        .cloned()
        .expect("saved");
    assert_eq!(x.observations[0].value, 10.0);
    assert_eq!(x.observations[0].quote.as_deref(), Some(quote));
    assert_eq!(x.sources[0].source, "r2024b");
    // Back in the reader, the new quote is a highlighted passage.
    assert_eq!(app.mode(), Mode::Reader);
    assert!(the_reader(&app)
        .passages
        .iter()
        .any(|p| p.records.contains(&"r-d-spending".to_string())));
}

#[test]
fn selection_is_cited_as_a_history_entry_of_a_project_picked_by_pinyin() {
    let (c, mut app) = opened();
    reader(&mut app, &c.file);
    keys(&mut app, &c.file, "/");
    type_text(&mut app, &c.file, "东软载波");
    keys(&mut app, &c.file, "<enter> v");
    let quote = "东软载波等4家单位获批建设青岛市重点实验室";
    for _ in 0..quote.chars().count() - 1 {
        keys(&mut app, &c.file, "l");
    }
    keys(&mut app, &c.file, "<enter> a h");
    assert_eq!(form(&app).kind, FormKind::History);
    type_text(&mut app, &c.file, "dongruan");
    keys(&mut app, &c.file, "<tab>");
    assert_eq!(form(&app).get("project"), "neusoft-carrier");
    assert_eq!(form(&app).get("date"), "2024", "the report's date");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "Approved as a Qingdao key laboratory");
    keys(&mut app, &c.file, "<c-s>");
    let p = load(&c.file)
        .tracker
        .project("neusoft-carrier")
        .cloned()
        .unwrap();
    let h = p.history.last().unwrap();
    assert_eq!(h.quote.as_deref(), Some(quote));
    assert_eq!(h.status, None);
    keys(&mut app, &c.file, "u");
    assert_eq!(read(&c.file), c.original);
}

/// Fills a new project's form: Chinese name, `name_en`, the digital chain,
/// and a quote of r2024b.
fn fill_new_project(app: &mut App, file: &Path, name_en: &str) {
    keys(app, file, "1 n");
    type_text(app, file, "研发中心");
    keys(app, file, "<tab>");
    type_text(app, file, name_en);
    keys(app, file, "<tab>");
    type_text(app, file, "digital");
    keys(app, file, "<tab> <tab> <tab> <tab>");
    type_text(app, file, "r2024b");
    keys(app, file, "<tab>");
    type_text(app, file, "全社会研发投入突破10亿元");
}

/// "A refused save throws the form away": the store refuses what the form
/// let through (a right-to-left override in the English name, pasted from
/// a web page); the form opens again with everything typed, the refusal
/// beside the English name, and a corrected save goes through.
#[test]
fn a_refused_save_keeps_the_form_and_puts_the_error_beside_its_field() {
    let (c, mut app) = opened();
    let projects = app.tracker.projects.len();
    fill_new_project(&mut app, &c.file, "R\u{202e}D Centre");
    keys(&mut app, &c.file, "<c-s>");
    assert_eq!(read(&c.file), c.original, "nothing written");
    assert_eq!(app.tracker.projects.len(), projects, "nothing added");
    assert_eq!(app.mode(), Mode::Form, "the form stays: {}", message(&app));
    let f = form(&app);
    assert_eq!(f.get("name_zh"), "研发中心", "with what was typed");
    assert_eq!(f.get("chain"), "digital");
    assert_eq!(f.get("quote"), "全社会研发投入突破10亿元");
    let e = field_error(&app, "name_en")
        .unwrap_or_else(|| panic!("no refusal beside the English name: {:?}", form(&app)));
    assert!(e.contains("bidirectional"), "{e}");
    assert_eq!(f.focus, 1, "the focus on the field to correct");
    assert!(message(&app).starts_with("not saved"), "{}", message(&app));
    let screen = lines(&render(&mut app, 120, 40)).join("\n");
    assert!(
        screen.contains("! ") && screen.contains("bidirectional"),
        "{screen}"
    );
    // Corrected, it saves.
    keys(&mut app, &c.file, "<c-u>");
    type_text(&mut app, &c.file, "RD Centre");
    keys(&mut app, &c.file, "<c-s>");
    assert_eq!(app.mode(), Mode::Normal, "{}", message(&app));
    assert!(load(&c.file).tracker.project("rd-centre").is_some());
}

/// A save that fails for a reason no field has (the file on disk no
/// longer loads) keeps the form too, the reason under it.
#[test]
fn a_failed_write_keeps_the_form() {
    let (c, mut app) = opened();
    fill_new_project(&mut app, &c.file, "RD Centre");
    let broken = c.original.replacen("projects:", "projects: [", 1);
    std::fs::write(&c.file, &broken).expect("file spoiled");
    keys(&mut app, &c.file, "<c-s>");
    assert_eq!(read(&c.file), broken, "nothing written");
    assert_eq!(app.mode(), Mode::Form, "{}", message(&app));
    assert_eq!(form(&app).get("quote"), "全社会研发投入突破10亿元");
    let why = form(&app).error.clone().expect("the reason under the form");
    assert!(why.contains("no longer loads"), "{why}");
}

/// A paste into the form is one edit of the focused field: a note keeps
/// its line breaks (the file's notes may hold them), a name is one line
/// (its line breaks become spaces); the record saves as pasted.
#[test]
fn a_paste_fills_a_field_and_a_note_keeps_its_lines() {
    let (c, mut app) = opened();
    keys(&mut app, &c.file, "1 n");
    let paste = |app: &mut App, text: &str| {
        let effects =
            shibei_tracker::app::update(app, shibei_tracker::app::Action::Paste(text.to_string()));
        run_effects(app, effects, &c.file);
    };
    paste(&mut app, "研发\r\n中心");
    assert_eq!(form(&app).get("name_zh"), "研发 中心");
    assert!(form(&app).typed, "Esc asks before dropping a paste");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "RD Centre");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "digital");
    keys(&mut app, &c.file, "<tab> <tab> <tab>");
    assert_eq!(form(&app).focused().map(|f| f.key), Some("note"));
    paste(&mut app, "第一期：规划\r\n第二期：建设\r\n");
    assert_eq!(form(&app).get("note"), "第一期：规划\n第二期：建设");
    // Drawn on one row, its line break as a space, nothing raw.
    let screen = lines(&render(&mut app, 120, 40)).join("\n");
    assert!(screen.contains("第一期：规划 第二期：建设"), "{screen}");
    keys(&mut app, &c.file, "<tab>");
    type_text(&mut app, &c.file, "r2024b");
    keys(&mut app, &c.file, "<tab>");
    paste(&mut app, "全社会研发投入\n突破10亿元");
    keys(&mut app, &c.file, "<c-s>");
    assert_eq!(app.mode(), Mode::Normal, "{}", message(&app));
    let p = load(&c.file)
        .tracker
        .project("rd-centre")
        .cloned()
        .expect("saved");
    assert_eq!(p.name_zh, "研发 中心");
    assert_eq!(p.note.as_deref(), Some("第一期：规划\n第二期：建设"));
    assert_eq!(p.sources[0].quote, "全社会研发投入 突破10亿元");
}

/// Moves the reader's cursor with `n` to the first passage `id` cites.
fn to_passage_of(app: &mut App, file: &Path, id: &str) {
    for _ in 0..the_reader(app).passages.len() {
        keys(app, file, "n");
        if the_reader(app)
            .passage_at_cursor()
            .is_some_and(|p| p.records.first().is_some_and(|r| r == id))
        {
            return;
        }
    }
    panic!("no passage cited first by {id}");
}

/// "Enter on a record from the reader silently clears the filter": it
/// keeps the filter when the filter shows the record, and says so plainly
/// when it had to clear it.
#[test]
fn the_readers_enter_keeps_the_filter_or_says_it_cleared_it() {
    let (c, mut app) = opened();
    keys(&mut app, &c.file, "1 / visionox <enter>");
    reader_on(&mut app, &c.file, "r2022");
    // Another record, first to cite a passage of the same report.
    let other = the_reader(&app)
        .passages
        .iter()
        .filter_map(|p| p.records.first())
        .find(|r| r.as_str() != "visionox")
        .cloned()
        .expect("another record quotes r2022");
    to_passage_of(&mut app, &c.file, "visionox");
    keys(&mut app, &c.file, "<enter>");
    assert_eq!(app.mode(), Mode::Detail);
    assert_eq!(app.view, View::Projects);
    assert_eq!(app.query, "visionox", "the filter shows it: kept");
    assert_eq!(
        app.selected_project()
            .map(|i| app.tracker.projects[i].id.clone()),
        Some("visionox".into())
    );
    // A record the filter hides: cleared, and said.
    keys(&mut app, &c.file, "<esc>");
    reader_on(&mut app, &c.file, "r2022");
    to_passage_of(&mut app, &c.file, &other);
    keys(&mut app, &c.file, "<enter>");
    assert_eq!(app.mode(), Mode::Detail);
    assert!(app.query.is_empty());
    let m = message(&app);
    assert!(
        m.contains("the filter \"visionox\" cleared to show") && m.contains(&other),
        "{m}"
    );
}
