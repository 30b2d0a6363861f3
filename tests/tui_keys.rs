//! Key sequences replayed through the keymap and `update`, no terminal.

mod common;

use common::*;
use shibei_tracker::app::{update, Action, App, Effect, Mode, Sort, View};
use shibei_tracker::domain::Status;

/// Ids of the visible projects, in display order.
fn project_ids(app: &App) -> Vec<&str> {
    app.projects
        .list
        .rows
        .iter()
        .map(|h| app.tracker.projects[h.index].id.as_str())
        .collect()
}

fn goal_ids(app: &App) -> Vec<&str> {
    app.goals
        .list
        .rows
        .iter()
        .map(|h| app.tracker.targets[h.index].id.as_str())
        .collect()
}

fn selected_id(app: &App) -> &str {
    app.selected_project()
        .map_or("", |i| app.tracker.projects[i].id.as_str())
}

#[test]
fn starts_on_projects_with_everything_shown() {
    let a = app();
    assert_eq!(a.view, View::Projects);
    assert_eq!(a.mode(), Mode::Normal);
    assert_eq!(a.projects.list.len(), 9);
    assert_eq!(a.goals.list.len(), 5);
    assert_eq!(a.chains.list.len(), 7);
}

#[test]
fn moving_and_jumping() {
    let mut a = app();
    keys(&mut a, "j j");
    assert_eq!(a.selected(), 2);
    keys(&mut a, "k");
    assert_eq!(a.selected(), 1);
    keys(&mut a, "G");
    assert_eq!(a.selected(), 8);
    keys(&mut a, "j j");
    assert_eq!(a.selected(), 8, "stays on the last row");
    keys(&mut a, "g k");
    assert_eq!(a.selected(), 0, "stays on the first row");
    keys(&mut a, "<down> <pgdn>");
    assert_eq!(a.selected(), 8);
    keys(&mut a, "<pgup> <end> <home>");
    assert_eq!(a.selected(), 0);
}

#[test]
fn paging_scrolls_the_window_in_a_small_terminal() {
    let mut a = app();
    update(
        &mut a,
        Action::Resize {
            width: 40,
            height: 12,
        },
    );
    keys(&mut a, "G");
    assert_eq!(a.selected(), 8);
    assert_eq!(a.offset(), 2, "7 body rows: rows 2..9 shown");
    keys(&mut a, "g");
    assert_eq!(a.offset(), 0);
    keys(&mut a, "<pgdn>");
    assert_eq!(a.selected(), 7);
}

#[test]
fn filter_by_pinyin_initials_updates_on_every_keystroke() {
    let mut a = app();
    keys(&mut a, "/ r");
    assert_eq!(a.mode(), Mode::Filter);
    assert_eq!(a.query, "r");
    let after_r = a.projects.list.len();
    keys(&mut a, "h l");
    assert_eq!(a.query, "rhl");
    assert!(a.projects.list.len() <= after_r);
    assert_eq!(project_ids(&a).first(), Some(&"renhe-road-renewal-bc"));
    assert_eq!(
        a.projects.list.rows[0].hl_zh,
        vec![0, 1, 2],
        "人和路 highlighted"
    );
    keys(&mut a, "<enter>");
    assert_eq!(a.mode(), Mode::Normal);
    assert_eq!(a.query, "rhl", "Enter keeps the filter");
}

#[test]
fn escape_clears_the_filter() {
    let mut a = app();
    keys(&mut a, "/ rhl <esc>");
    assert_eq!(a.mode(), Mode::Normal);
    assert!(a.query.is_empty());
    assert_eq!(a.projects.list.len(), 9);
    // Esc in the list also clears a kept filter.
    keys(&mut a, "/ rhl <enter> <esc>");
    assert!(a.query.is_empty());
    assert_eq!(a.projects.list.len(), 9);
}

#[test]
fn backspace_and_clear_line_edit_the_filter() {
    let mut a = app();
    keys(&mut a, "/ visionoxz <bs>");
    assert_eq!(a.query, "visionox");
    assert_eq!(project_ids(&a), ["visionox"]);
    keys(&mut a, "<c-u>");
    assert!(a.query.is_empty());
    assert_eq!(a.mode(), Mode::Filter);
    assert_eq!(a.projects.list.len(), 9);
}

#[test]
fn full_pinyin_and_initials_and_english() {
    let mut a = app();
    keys(&mut a, "/ renhelu");
    assert_eq!(project_ids(&a).first(), Some(&"renhe-road-renewal-bc"));
    keys(&mut a, "<c-u> ylg");
    assert!(
        project_ids(&a).contains(&"cruise-port"),
        "青岛国际邮轮港 by ylg: {:?}",
        project_ids(&a)
    );
    keys(&mut a, "<c-u> visionox");
    assert_eq!(project_ids(&a), ["visionox"]);
    assert!(!a.projects.list.rows[0].hl_en.is_empty());
    keys(&mut a, "<c-u> 浪潮");
    assert_eq!(project_ids(&a), ["inspur-bigdata"]);
}

#[test]
fn every_word_must_match() {
    let mut a = app();
    keys(&mut a, "/ urban <space> 燃气");
    assert_eq!(a.query, "urban 燃气");
    assert_eq!(project_ids(&a), ["huadian-gas"]);
    // "chain:数字 园" needs both: a digital project with 园 in its name.
    keys(&mut a, "<c-u> chain:数字 <space> 园");
    assert_eq!(project_ids(&a), ["inspur-bigdata"]);
}

#[test]
fn field_prefixes() {
    let mut a = app();
    keys(&mut a, "/ chain:数字");
    let mut ids = project_ids(&a);
    ids.sort();
    assert_eq!(ids, ["inspur-bigdata", "neusoft-carrier"]);
    keys(&mut a, "<c-u> area:cruise");
    assert_eq!(project_ids(&a), ["cruise-port"]);
    // Views off screen are filled when shown.
    assert!(a.goals.stale);
    a.fill_all();
    assert_eq!(goal_ids(&a), ["cruise-voyages-2024"]);
    keys(&mut a, "<c-u> status:planned");
    let mut ids = project_ids(&a);
    ids.sort();
    assert_eq!(ids, ["erfeng-park", "neusoft-carrier"]);
}

#[test]
fn status_prefix_finds_stalled_projects() {
    let mut t = tracker();
    if let Some(p) = t.projects.iter_mut().find(|p| p.id == "visionox") {
        p.status = Status::Stalled;
    }
    let mut a = App::new(t, "tracker.yaml", today());
    keys(&mut a, "/ status:stalled <enter>");
    assert_eq!(project_ids(&a), ["visionox"]);
}

#[test]
fn the_filter_applies_to_goals_too() {
    let mut a = app();
    keys(&mut a, "/ chain:finance <enter> 2");
    assert_eq!(a.view, View::Goals);
    let mut ids = goal_ids(&a);
    ids.sort();
    assert_eq!(ids, ["finance-firms-2024", "finance-projects-2022"]);
    assert_eq!(a.len(), 2);
    keys(&mut a, "<esc>");
    assert_eq!(a.len(), 5);
    // Goal states are searchable with status:
    keys(&mut a, "/ status:met <enter>");
    assert_eq!(goal_ids(&a), ["hq-firms-2024"]);
}

#[test]
fn chain_picker_sets_and_replaces_the_prefix() {
    let mut a = app();
    keys(&mut a, "c");
    assert_eq!(a.mode(), Mode::Picker);
    let p = a.picker().expect("picker open");
    assert_eq!(p.items.len(), 8, "(any) and seven chains");
    keys(&mut a, "数字 <enter>");
    assert_eq!(a.mode(), Mode::Normal);
    assert_eq!(a.query, "chain:digital");
    assert_eq!(a.projects.list.len(), 2);
    // Pinyin works in the picker too; the new chain replaces the old one.
    keys(&mut a, "c dsgy <enter>");
    assert_eq!(a.query, "chain:urban-industry");
    assert_eq!(a.projects.list.len(), 3);
    // "(any chain)", first when nothing is typed, removes the prefix.
    keys(&mut a, "c <enter>");
    assert_eq!(a.query, "");
    assert_eq!(a.projects.list.len(), 9);
}

#[test]
fn picker_keeps_other_words_and_escape_cancels() {
    let mut a = app();
    keys(&mut a, "/ park <enter> a");
    assert_eq!(a.mode(), Mode::Picker);
    keys(&mut a, "<esc>");
    assert_eq!(a.mode(), Mode::Normal);
    assert_eq!(a.query, "park");
    keys(&mut a, "c <down> <down> <up> <enter>");
    assert_eq!(a.query, "park chain:digital", "row 1 is the first chain");
    keys(&mut a, "a cruise <enter>");
    assert_eq!(a.query, "park chain:digital area:cruise-port");
    assert!(a.projects.list.is_empty());
    keys(&mut a, "a zzzzz <enter>");
    assert_eq!(
        a.query, "park chain:digital area:cruise-port",
        "no match changes nothing"
    );
}

#[test]
fn sort_cycles_and_opens_at_the_top() {
    let mut a = app();
    keys(&mut a, "j");
    assert_eq!(selected_id(&a), "visionox");
    keys(&mut a, "o");
    assert_eq!(a.projects.order.by, Sort::Name);
    // Chinese names in pinyin order: 东软 (dong) before 而丰 (er).
    assert_eq!(project_ids(&a)[0], "neusoft-carrier");
    assert_eq!(project_ids(&a)[1], "erfeng-park");
    assert_eq!(
        selected_id(&a),
        "neusoft-carrier",
        "the sorted list opens at its top"
    );
    keys(&mut a, "O");
    assert_eq!(
        project_ids(&a).last().copied(),
        Some("neusoft-carrier"),
        "O reverses"
    );
    keys(&mut a, "O");
    keys(&mut a, "o");
    assert_eq!(a.projects.order.by, Sort::Status);
    assert_eq!(
        a.tracker.projects[a.projects.list.rows[0].index].status,
        Status::Planned
    );
    keys(&mut a, "o");
    assert_eq!(a.projects.order.by, Sort::Chain);
    assert_eq!(
        project_ids(&a)[0],
        "neusoft-carrier",
        "digital is the first chain; in it 东软 (dong) before 浪潮 (lang)"
    );
    keys(&mut a, "o");
    assert_eq!(a.projects.order.by, Sort::Area);
    assert_eq!(
        project_ids(&a)[0],
        "renhe-road-renewal-bc",
        "taidong is the first area"
    );
    keys(&mut a, "o");
    assert_eq!(a.projects.order.by, Sort::NextDue);
    // On 2024-09-01 every milestone is past: the most recently missed
    // (2023, i.e. by 2023-12-31) first, the oldest (2022-12) last.
    let ids = project_ids(&a);
    assert_eq!(ids[0], "neusoft-carrier", "{ids:?}");
    let pos = |id| ids.iter().position(|x| *x == id).expect("shown");
    assert!(pos("huadian-gas") < pos("erfeng-park"));
    assert!(pos("erfeng-park") < pos("visionox"));
    keys(&mut a, "o");
    assert_eq!(a.projects.order.by, Sort::Relevance);
    assert_eq!(project_ids(&a)[0], "renhe-road-renewal-bc");
}

/// "The sorted list opens mid-way": on a short screen, with the last
/// project selected, a new order (or the same reversed) shows its first
/// rows, the first selected, instead of following the record wherever it
/// landed.
#[test]
fn a_new_order_shows_the_list_from_its_top() {
    let mut a = app();
    update(
        &mut a,
        Action::Resize {
            width: 40,
            height: 12,
        },
    );
    for k in ["o", "O", "o"] {
        keys(&mut a, "G");
        assert!(a.offset() > 0, "the end of the list in view");
        keys(&mut a, k);
        assert_eq!((a.selected(), a.offset()), (0, 0), "after {k}");
    }
    // Each view keeps its own order: Goals still by relevance.
    assert_eq!(a.goals.order.by, Sort::Relevance);
}

#[test]
fn views_cycle_and_jump() {
    let mut a = app();
    keys(&mut a, "<tab>");
    assert_eq!(a.view, View::Goals);
    keys(&mut a, "<tab>");
    assert_eq!(a.view, View::Chains);
    keys(&mut a, "<tab>");
    assert_eq!(a.view, View::Sources);
    keys(&mut a, "<tab>");
    assert_eq!(a.view, View::Projects);
    keys(&mut a, "<s-tab>");
    assert_eq!(a.view, View::Sources);
    keys(&mut a, "<s-tab>");
    assert_eq!(a.view, View::Chains);
    keys(&mut a, "1");
    assert_eq!(a.view, View::Projects);
    keys(&mut a, "3 2");
    assert_eq!(a.view, View::Goals);
    // Each view keeps its own selection.
    keys(&mut a, "j j 1");
    assert_eq!(a.selected(), 0);
    keys(&mut a, "2");
    assert_eq!(a.selected(), 2);
}

#[test]
fn details_open_and_close() {
    let mut a = app();
    keys(&mut a, "j <enter>");
    assert_eq!(a.mode(), Mode::Detail);
    keys(&mut a, "j j");
    assert_eq!(a.detail_scroll(), Some(2));
    keys(&mut a, "<esc>");
    assert_eq!(a.mode(), Mode::Normal);
    assert_eq!(selected_id(&a), "visionox");
    keys(&mut a, "2 <enter>");
    assert_eq!(a.mode(), Mode::Detail);
}

#[test]
fn enter_on_a_chain_lists_its_projects() {
    let mut a = app();
    // The scoreboard's second place: urban industry (most projects advancing).
    keys(&mut a, "3 j <enter>");
    assert_eq!(a.view, View::Projects);
    assert_eq!(a.query, "chain:urban-industry");
    assert_eq!(a.projects.list.len(), 3);
}

#[test]
fn no_details_when_nothing_matches() {
    let mut a = app();
    keys(&mut a, "/ qqqqqqq <enter> <enter>");
    assert!(a.projects.list.is_empty());
    assert_eq!(a.mode(), Mode::Normal);
}

#[test]
fn help_overlay_returns_to_where_it_was_opened() {
    let mut a = app();
    keys(&mut a, "?");
    assert_eq!(a.mode(), Mode::Help);
    keys(&mut a, "j j k");
    assert_eq!(a.help_scroll(), Some(1));
    keys(&mut a, "<esc>");
    assert_eq!(a.mode(), Mode::Normal);
    keys(&mut a, "<enter> ?");
    assert_eq!(a.mode(), Mode::Help);
    keys(&mut a, "?");
    assert_eq!(a.mode(), Mode::Detail);
    // q closes the help rather than quitting from inside it.
    keys(&mut a, "? q");
    assert_eq!(a.mode(), Mode::Detail);
}

#[test]
fn quitting() {
    let mut a = app();
    assert_eq!(keys(&mut a, "q"), vec![Effect::Quit]);
    let mut a = app();
    assert!(keys(&mut a, "/ q").is_empty(), "q types in the filter");
    assert_eq!(a.query, "q");
    assert_eq!(keys(&mut a, "<c-c>"), vec![Effect::Quit]);
    let mut a = app();
    assert_eq!(keys(&mut a, "<enter> q"), vec![Effect::Quit]);
}

#[test]
fn mouse_wheel_and_click() {
    let mut a = app();
    update(
        &mut a,
        Action::Resize {
            width: 120,
            height: 40,
        },
    );
    update(&mut a, Action::ScrollDown);
    assert_eq!(a.selected(), 3);
    update(&mut a, Action::ScrollUp);
    assert_eq!(a.selected(), 0);
    // Body starts on screen row 3 (tabs, border, header).
    update(&mut a, Action::Click { column: 10, row: 5 });
    assert_eq!(a.selected(), 2);
    update(
        &mut a,
        Action::Click {
            column: 10,
            row: 30,
        },
    );
    assert_eq!(a.selected(), 2, "a click below the rows changes nothing");
    update(&mut a, Action::Click { column: 10, row: 0 });
    assert_eq!(a.selected(), 2);
}

#[test]
fn tiny_terminals_do_not_break_navigation() {
    let mut a = app();
    for (w, h) in [(1, 1), (0, 0), (5, 2), (40, 12)] {
        update(
            &mut a,
            Action::Resize {
                width: w,
                height: h,
            },
        );
        keys(&mut a, "j G g <pgdn> <pgup> / x <enter>");
        update(&mut a, Action::Click { column: 0, row: 0 });
        keys(&mut a, "<esc>");
    }
    assert_eq!(a.projects.list.len(), 9);
}

#[test]
fn editing_keys_are_in_the_keymap() {
    use shibei_tracker::app::{parse_keys, resolve};
    let one = |mode, k: &str| {
        let key = parse_keys(k).expect("key")[0];
        resolve(mode, key)
    };
    assert_eq!(one(Mode::Normal, "s"), Some(Action::EditStatus));
    assert_eq!(one(Mode::Normal, "e"), Some(Action::EditActual));
    assert_eq!(one(Mode::Normal, "m"), Some(Action::MarkMilestone));
    assert_eq!(one(Mode::Normal, "u"), Some(Action::Undo));
    assert_eq!(one(Mode::Normal, "<c-r>"), Some(Action::Redo));
    assert_eq!(one(Mode::Normal, "!"), Some(Action::ToggleAttention));
    assert_eq!(one(Mode::Detail, "s"), Some(Action::EditStatus));
    // In a prompt, letters are typed (q included); Enter and Esc decide.
    assert_eq!(one(Mode::Prompt, "q"), Some(Action::Input('q')));
    assert_eq!(one(Mode::Prompt, "u"), Some(Action::Input('u')));
    assert_eq!(one(Mode::Prompt, "<enter>"), Some(Action::Submit));
    assert_eq!(one(Mode::Prompt, "<esc>"), Some(Action::CancelEdit));
    assert_eq!(one(Mode::StatusPick, "j"), Some(Action::PickerDown));
    assert_eq!(one(Mode::Conflict, "m"), Some(Action::KeepMine));
    assert_eq!(one(Mode::Conflict, "t"), Some(Action::TakeTheirs));
    assert_eq!(one(Mode::Conflict, "<esc>"), Some(Action::DecideLater));
    assert_eq!(
        one(Mode::Conflict, "u"),
        None,
        "no undo over an open conflict"
    );
}

#[test]
fn status_picker_moves_within_its_list() {
    let mut a = app();
    keys(&mut a, "s");
    assert_eq!(a.mode(), Mode::StatusPick);
    keys(&mut a, "k k k k k k k k");
    assert_eq!(a.status_pick().map(|p| p.selected), Some(0));
    keys(&mut a, "j j j j j j j j j j");
    assert_eq!(
        a.status_pick().map(|p| p.selected),
        Some(Status::ALL.len() - 1)
    );
    update(&mut a, Action::ScrollUp);
    assert_eq!(a.status_pick().map(|p| p.selected), Some(5));
    keys(&mut a, "<esc>");
    assert_eq!(a.mode(), Mode::Normal);
    assert!(a.status_pick().is_none());
}

#[test]
fn typing_over_the_old_value_then_editing_it() {
    let mut a = app();
    keys(&mut a, "2 e");
    assert_eq!(a.prompt().map(|p| p.text.as_str()), Some("58"));
    keys(&mut a, "<bs>");
    assert_eq!(
        a.prompt().map(|p| p.text.as_str()),
        Some("5"),
        "Backspace edits the old value"
    );
    keys(&mut a, "9");
    assert_eq!(a.prompt().map(|p| p.text.as_str()), Some("59"));
    keys(&mut a, "<c-u> 7");
    assert_eq!(a.prompt().map(|p| p.text.as_str()), Some("7"));
}

#[test]
fn projects_tree_puts_parts_under_their_parent_with_a_summary() {
    let t = load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tracker.yaml")).tracker;
    let mut a = App::new(t, "tracker.yaml", today());
    keys(&mut a, "/ renhe-road-renewal <enter>");
    keys(&mut a, "T");
    assert!(a.projects.tree);
    let ids = project_ids(&a);
    let parent = ids
        .iter()
        .position(|i| *i == "renhe-road-renewal")
        .expect("parent shown");
    for part in ["renhe-road-renewal-a", "renhe-road-renewal-bc"] {
        let i = ids.iter().position(|x| *x == part).expect("part shown");
        assert!(i > parent && i <= parent + 2, "{ids:?}");
        let idx = a.projects.list.rows[i].index;
        assert_eq!(a.projects.tree_depth(idx), 1);
    }
    let pi = a.projects.list.rows[parent].index;
    assert_eq!(a.projects.tree_depth(pi), 0);
    let label = a.projects.status_label(&a.tracker, pi);
    assert!(
        label.contains("parts") && label.contains("/2 advancing"),
        "{label}"
    );
    // Back to a flat list.
    keys(&mut a, "T");
    assert!(!a.projects.tree);
    assert!(!a.projects.status_label(&a.tracker, pi).contains("parts"));
}

#[test]
fn unknown_filter_values_say_so_and_suggest() {
    let mut a = app();
    keys(&mut a, "/ status:stallde");
    let m = a
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(
        m.contains("unknown status \"stallde\"") && m.contains("stalled"),
        "{m}"
    );
    keys(&mut a, "<bs> <bs> ed");
    assert!(a.message.is_none(), "a known value: no complaint");
    assert_eq!(a.query, "status:stalled");
    keys(&mut a, "<c-u> chain:nosuch");
    let m = a
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(m.contains("unknown chain \"nosuch\""), "{m}");
}

/// Pastes `text` as the terminal reports a bracketed paste: one action.
fn paste(a: &mut App, text: &str) -> Vec<Effect> {
    update(a, Action::Paste(text.into()))
}

/// A paste is one edit of the filter line, its line breaks (CR, as
/// terminals send them) made spaces since the line is one line, and said
/// so; keys typed after it act on the result.
#[test]
fn a_paste_is_one_edit_of_the_filter_line() {
    let mut a = app();
    keys(&mut a, "/ r");
    paste(&mut a, "hl\r\nvisionox\r\n");
    assert_eq!(
        a.query, "rhl visionox",
        "joined, the last line break left out"
    );
    assert_eq!(
        a.mode(),
        Mode::Filter,
        "Enter in the paste accepted nothing"
    );
    let m = a
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(m.contains("2 lines pasted as one"), "{m}");
    keys(&mut a, "<c-u>");
    paste(&mut a, "visionox");
    assert_eq!(project_ids(&a), ["visionox"]);
    keys(&mut a, "<bs>");
    assert_eq!(a.query, "visiono", "one character deleted after the paste");
}

/// In a list a paste is not a string of commands: "q" in it quits nothing,
/// "D" deletes nothing; it says where pasting works.
#[test]
fn a_paste_where_nothing_is_typed_acts_on_nothing() {
    let mut a = app();
    let before = project_ids(&a)
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>();
    let effects = paste(&mut a, "qDjjT");
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(a.mode(), Mode::Normal);
    assert_eq!(a.selected(), 0);
    assert!(!a.projects.tree);
    assert_eq!(project_ids(&a), before);
    let m = a
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(m.contains("nothing to paste into"), "{m}");
}

/// Below the minimum size a paste changes nothing, as keys do not.
#[test]
fn a_paste_on_a_screen_too_small_changes_nothing() {
    let mut a = app();
    keys(&mut a, "/ r");
    update(
        &mut a,
        Action::Resize {
            width: 20,
            height: 5,
        },
    );
    assert_eq!(a.mode(), Mode::TooSmall);
    paste(&mut a, "hl");
    assert_eq!(a.query, "r");
}

/// The pickers and the reader's find line take a paste as one line too.
#[test]
fn a_paste_goes_into_the_picker_and_the_readers_find_line() {
    let mut a = app();
    keys(&mut a, "c");
    paste(&mut a, "shu\nzi");
    let p = a.picker().expect("picker open");
    assert_eq!(p.query, "shu zi");
    keys(&mut a, "<esc>");
    let reports = a
        .tracker
        .sources
        .iter()
        .map(|s| (s.id.clone(), "甲乙丙丁\n戊己庚".to_string()))
        .collect();
    let mut a = App::new(tracker(), "tracker.yaml", today()).with_reports(reports);
    keys(&mut a, "4 <enter> /");
    paste(&mut a, "戊己\r\n");
    keys(&mut a, "<enter>");
    let shibei_tracker::app::Overlay::Reader(r) = &a.overlay else {
        panic!("no reader: {:?}", a.overlay);
    };
    assert_eq!(r.cursor, 5, "found where the pasted words are");
}
