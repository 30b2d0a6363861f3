//! The interface's side of team use: the conflicts a merge left, shown
//! side by side with who made each side, and settled by keys as ordinary
//! saved, undoable changes.

mod common;

use common::{copy, keys, open, read, render, run_effects_ok, screen};
use shibei_tracker::app::{App, Mode};
use shibei_tracker::domain::merge::{merge, Merger};
use shibei_tracker::store;

/// The fixture copy with a merge's conflict on visionox's English name
/// (ours "Visionox A" by 甲, theirs "Visionox B" by 乙).
fn conflicted() -> common::Copy {
    let c = copy();
    let base = common::load(&c.file).tracker;
    let mut ours = base.clone();
    let mut theirs = base.clone();
    let at = |t: &mut shibei_tracker::domain::Tracker| {
        t.projects
            .iter_mut()
            .find(|p| p.id == "visionox")
            .expect("visionox")
            .name_en = String::new();
    };
    at(&mut ours);
    at(&mut theirs);
    for (t, name) in [(&mut ours, "Visionox A"), (&mut theirs, "Visionox B")] {
        if let Some(p) = t.projects.iter_mut().find(|p| p.id == "visionox") {
            p.name_en = name.into();
        }
    }
    let mut m = Merger::new(Some("甲".into()), Some("乙".into()));
    let merged = merge(&base, &ours, &theirs, &mut m).expect("merge");
    std::fs::write(&c.file, store::emit(&merged)).expect("write");
    c
}

fn opened(c: &common::Copy) -> App {
    let mut a = open(c);
    shibei_tracker::app::update::conflicts_notice(&mut a);
    a
}

#[test]
fn the_conflicts_view_shows_both_sides_and_who_made_them() {
    let c = conflicted();
    let mut a = opened(&c);
    assert!(
        a.message
            .as_ref()
            .is_some_and(|m| m.text.contains("1 conflict from a merge: C")),
        "said at start"
    );
    keys(&mut a, "C");
    assert_eq!(a.mode(), Mode::Merged);
    for (w, h) in [(120, 40), (80, 24)] {
        let s = screen(&render(&mut a, w, h));
        assert!(s.contains("Conflicts from a merge (1 left)"), "{s}");
        assert!(s.contains("visionox  name_en"), "{s}");
        assert!(s.contains("\"Visionox A\""), "{s}");
        assert!(s.contains("\"Visionox B\""), "{s}");
        assert!(s.contains("by 甲") && s.contains("by 乙"), "{s}");
        assert!(s.contains("o take ours   t take theirs"), "{s}");
    }
}

#[test]
fn t_takes_theirs_saves_and_u_brings_the_conflict_back() {
    let c = conflicted();
    let before = read(&c.file);
    let mut a = opened(&c);
    let effects = keys(&mut a, "C t");
    run_effects_ok(&mut a, effects, &c.file);
    let after = read(&c.file);
    assert!(after.contains("name_en: \"Visionox B\""), "{after}");
    assert!(
        !after.contains("conflicts:"),
        "the file reads as never conflicted"
    );
    assert_eq!(a.mode(), Mode::Normal, "none left: the view closes");
    assert!(a
        .message
        .as_ref()
        .is_some_and(|m| m.text.contains("no conflict is left")));
    // Undo: the conflict is back, the file as it was.
    let effects = keys(&mut a, "u");
    run_effects_ok(&mut a, effects, &c.file);
    assert_eq!(read(&c.file), before);
}

#[test]
fn e_settles_with_a_value_of_ones_own_and_o_keeps_ours() {
    let c = conflicted();
    let mut a = opened(&c);
    let effects = keys(&mut a, "C e <c-u> V <enter>");
    run_effects_ok(&mut a, effects, &c.file);
    let t = common::load(&c.file).tracker;
    let p = t.project("visionox").expect("visionox");
    assert_eq!(p.name_en, "V");
    assert!(p.conflicts.is_empty());
    // Ours: the value stays, the conflict goes.
    let c = conflicted();
    let mut a = opened(&c);
    let effects = keys(&mut a, "C o");
    run_effects_ok(&mut a, effects, &c.file);
    let t = common::load(&c.file).tracker;
    let p = t.project("visionox").expect("visionox");
    assert_eq!(p.name_en, "Visionox A");
    assert!(p.conflicts.is_empty());
    // C with nothing to settle says so.
    let mut a = opened(&c);
    keys(&mut a, "C");
    assert_eq!(a.mode(), Mode::Normal);
    assert!(a
        .message
        .as_ref()
        .is_some_and(|m| m.text.contains("no conflicts")));
}
