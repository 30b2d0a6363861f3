//! The interface's filter pipeline: each keystroke gives what a fresh
//! search of the same query gives, and highlights are filled for the rows
//! in view (and only those).

mod common;

use common::{app, keys, today};
use shibei_tracker::app::{update, Action, App, View};
use shibei_tracker::domain::search::Query;
use std::path::Path;

/// The interface on the bundled tracker (the fixture is too small to scroll).
fn bundled() -> App {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tracker.yaml");
    let loaded = common::load(&file);
    App::new(loaded.tracker, "tracker.yaml", today())
}

/// The project and goal rows a fresh app shows for `query`.
fn fresh(query: &str) -> (Vec<usize>, Vec<usize>) {
    let mut a = app();
    a.query = query.to_string();
    a.refilter();
    a.fill_all();
    (
        a.projects.list.rows.iter().map(|h| h.index).collect(),
        a.goals.list.rows.iter().map(|h| h.index).collect(),
    )
}

fn shown(a: &App) -> (Vec<usize>, Vec<usize>) {
    (
        a.projects.list.rows.iter().map(|h| h.index).collect(),
        a.goals.list.rows.iter().map(|h| h.index).collect(),
    )
}

#[test]
fn typing_and_deleting_give_what_a_fresh_search_gives() {
    let mut a = app();
    keys(&mut a, "/");
    for (key, query) in [
        ("r", "r"),
        ("e", "re"),
        ("n", "ren"),
        ("<bs>", "re"),
        ("<bs>", "r"),
        ("h", "rh"),
        ("l", "rhl"),
        ("<space>", "rhl "),
        ("s", "rhl s"),
        ("t", "rhl st"),
    ] {
        keys(&mut a, key);
        assert_eq!(a.query, query);
        a.fill_all();
        assert_eq!(shown(&a), fresh(query), "after {key:?} (query {query:?})");
    }
}

#[test]
fn rows_in_view_are_highlighted_also_after_scrolling() {
    let mut a = bundled();
    update(
        &mut a,
        Action::Resize {
            width: 120,
            height: 12,
        },
    );
    keys(&mut a, "/ d <enter>");
    // The same hits with every highlight computed.
    let all = a.index.filter_projects(&a.tracker, &Query::parse("d"));
    let n = all.len();
    assert!(n > 20, "a broad query: {n} rows");
    assert_eq!(a.projects.list.rows.len(), n);
    let page = a.page();
    assert_eq!(a.projects.list.rows[..page], all[..page]);
    // Rows far below are computed only when they come into view.
    let far = all[page..]
        .iter()
        .rposition(|h| !h.hl_en.is_empty())
        .expect("a far row")
        + page;
    assert!(a.projects.list.rows[far].hl_en.is_empty());
    keys(&mut a, "G");
    assert_eq!(a.projects.list.rows[n - page..], all[n - page..]);
    // The goals view's rows in view as well.
    update(&mut a, Action::ShowView(View::Goals));
    let goals = a.index.filter_targets(&Query::parse("d"), &states(&a));
    let shown = a.goals.list.rows.len().min(page);
    assert_eq!(a.goals.list.rows[..shown], goals[..shown]);
}

fn states(a: &App) -> Vec<shibei_tracker::domain::ProgressState> {
    a.goals.progress.iter().map(|p| p.state).collect()
}

/// The event loop's path: keys typed while more input waits only edit the
/// query; one pass (which a newer key may stop) brings the rows up to date.
#[test]
fn a_burst_of_filter_keys_costs_one_pass_and_a_stopped_pass_changes_nothing() {
    use shibei_tracker::app::{parse_keys, resolve, update_deferring};
    let mut a = app();
    keys(&mut a, "/");
    let before = shown(&a);
    for key in parse_keys("r h l").expect("keys") {
        let action = resolve(a.mode(), key).expect("a filter key");
        update_deferring(&mut a, action);
        assert_eq!(shown(&a), before, "no pass while keys wait");
        assert!(a.projects.stale);
    }
    assert_eq!(a.query, "rhl");
    // A key arrived meanwhile: the pass stops and nothing changes.
    assert!(!a.settle(&mut || true));
    assert_eq!(shown(&a), before);
    assert!(a.projects.stale);
    // Idle: the view on screen is brought up to date, the others when shown.
    assert!(a.settle(&mut || false));
    assert!(!a.projects.stale && a.goals.stale);
    assert_eq!(shown(&a).0, fresh("rhl").0);
    a.fill_all();
    assert_eq!(shown(&a), fresh("rhl"));
}

/// Any other action first settles what deferred keys left: moving down
/// moves in the rows the user sees, not in the old ones.
#[test]
fn other_actions_see_the_rows_of_the_query_typed() {
    use shibei_tracker::app::update_deferring;
    let mut a = bundled();
    keys(&mut a, "/");
    for ch in "d".chars() {
        update_deferring(&mut a, Action::Input(ch));
    }
    update_deferring(&mut a, Action::AcceptFilter);
    update_deferring(&mut a, Action::MoveDown);
    let all = a.index.filter_projects(&a.tracker, &Query::parse("d"));
    assert_eq!(a.projects.list.rows.len(), all.len());
    assert_eq!(a.selected_project(), Some(all[1].index));
}
