//! Issue 19 on the real binary: records resting on notes and their later
//! `cite`, `retract` (progress ignores what was taken back, `show --all`
//! lists it), milestones added, edited and taken back, and the guards
//! (`--allow-duplicate`, `--force`, `validate`'s warning).

mod common;

use common::{copy, read, Copy};
use std::process::{Command, Output};

fn run(c: &Copy, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shibei-tracker"))
        .arg("--file")
        .arg(&c.file)
        .args(["--today", "2024-09-01", "--by", "王伟"])
        .args(args)
        .env("TRACKER_CACHE_DIR", "off")
        .env_remove("TRACKER_FILE")
        .output()
        .expect("the binary runs")
}

fn ok(c: &Copy, args: &[&str]) -> String {
    let o = run(c, args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Refused with exit 1 and the file untouched; returns stderr.
fn refused(c: &Copy, args: &[&str]) -> String {
    let before = read(&c.file);
    let o = run(c, args);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(read(&c.file), before, "{args:?} changed the file");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(c: &Copy, id: &str) -> serde_json::Value {
    serde_json::from_str(&ok(c, &["show", id, "--format", "json"])).expect("json")
}

const PROJECT: [&str; 7] = [
    "add-project",
    "--name-zh",
    "研发中心",
    "--name-en",
    "RD Centre",
    "--chain",
    "digital",
];

#[test]
fn a_project_rests_on_a_note_until_cite_gives_it_a_quote() {
    let c = copy();
    // Neither a quote nor a note: asked for either, by option.
    let e = refused(&c, &PROJECT);
    assert!(e.contains("  --note: give a source and a quote"), "{e}");
    let out = ok(
        &c,
        &[&PROJECT[..], &["--note", "区委会议纪要：拟建研发中心"]].concat(),
    );
    assert!(out.contains("resting on your note"), "{out}");
    let v = json(&c, "rd-centre");
    assert_eq!(v["evidence"], "note");
    assert_eq!(v["noted"]["note"], "区委会议纪要：拟建研发中心");
    assert_eq!(v["noted"]["by"], "王伟");
    assert_eq!(v["noted"]["date"], "2024-09-01");
    assert!(
        v["note"].is_null(),
        "the note is the evidence, not a remark"
    );
    // Counted apart by validate, marked in the list.
    let out = ok(&c, &["validate"]);
    assert!(
        out.contains("1 record rests on notes, no report cited yet"),
        "{out}"
    );
    let out = ok(&c, &["list"]);
    assert!(
        out.contains("? 研发中心")
            && out.contains("? marks a record resting on a note (no report cited yet) (1)"),
        "{out}"
    );
    // A quote not in the report is refused; one in it is taken, the note kept.
    let e = refused(
        &c,
        &[
            "cite",
            "rd-centre",
            "--source",
            "r2024b",
            "--quote",
            "研发投入超过10亿元",
        ],
    );
    assert!(e.contains("quote not found in r2024b"), "{e}");
    let out = ok(
        &c,
        &[
            "cite",
            "研发中心",
            "--source",
            "r2024b",
            "--quote",
            "全社会研发投入突破10亿元",
        ],
    );
    assert!(out.contains("now cites r2024b"), "{out}");
    let v = json(&c, "rd-centre");
    assert_eq!(v["evidence"], "quote");
    assert_eq!(v["sources"][0]["quote"], "全社会研发投入突破10亿元");
    assert_eq!(v["noted"]["note"], "区委会议纪要：拟建研发中心");
    let out = ok(&c, &["validate"]);
    assert!(
        !out.contains("rest on notes") && !out.contains("rests on notes"),
        "{out}"
    );
    // The same words again: nothing to do.
    let out = ok(
        &c,
        &[
            "cite",
            "rd-centre",
            "--source",
            "r2024b",
            "--quote",
            "全社会研发投入突破10亿元",
        ],
    );
    assert!(out.contains("unchanged, nothing written"), "{out}");
}

#[test]
fn a_value_slipped_in_scale_is_asked_about_then_retracted_and_ignored() {
    let c = copy();
    // 2.5万 meant, 25000 typed: refused, naming the unit.
    let e = refused(
        &c,
        &[
            "set-actual",
            "hitech-firms-2024",
            "6100",
            "--date",
            "2024-08",
        ],
    );
    assert!(
        e.contains("6100家 is 102 times the goal of 60家 — the unit is 家")
            && e.contains("--force"),
        "{e}"
    );
    ok(
        &c,
        &[
            "set-actual",
            "hitech-firms-2024",
            "6100",
            "--date",
            "2024-08",
            "--force",
        ],
    );
    let p = ok(&c, &["progress", "--format", "csv"]);
    assert!(
        p.contains("hitech-firms-2024,") && p.contains(",6100,2024-08,"),
        "{p}"
    );
    // Retracted by its date, with the reason: kept, marked, no longer counted.
    let o = run(
        &c,
        &["retract", "hitech-firms-2024", "--observation", "2024-08"],
    );
    assert_eq!(o.status.code(), Some(2), "no reason: a usage error");
    assert!(String::from_utf8_lossy(&o.stderr).contains("--reason"));
    let out = ok(
        &c,
        &[
            "retract",
            "hitech-firms-2024",
            "--observation",
            "2024-08",
            "--reason",
            "meant 61",
        ],
    );
    assert!(
        out.contains("retracted the value 6100家 as of 2024-08 (meant 61)"),
        "{out}"
    );
    let v = json(&c, "hitech-firms-2024");
    assert_eq!(v["progress"]["value"], 58.0, "back to the value before");
    assert_eq!(v["observations"][1]["retracted"]["reason"], "meant 61");
    assert_eq!(v["observations"][1]["retracted"]["by"], "王伟");
    let shown = ok(&c, &["show", "hitech-firms-2024"]);
    assert!(
        !shown.contains("6100") && shown.contains("1 retracted entry not shown"),
        "{shown}"
    );
    let all = ok(&c, &["show", "hitech-firms-2024", "--all"]);
    assert!(
        all.contains("#1 2024-08  6100家  (by 王伟)  [retracted 2024-09-01 (by 王伟): meant 61]"),
        "{all}"
    );
    // Taking it back twice writes nothing; a report's value is never taken back.
    let out = ok(
        &c,
        &[
            "retract",
            "hitech-firms-2024",
            "--observation",
            "1",
            "--reason",
            "again",
        ],
    );
    assert!(out.contains("already retracted"), "{out}");
    let e = refused(
        &c,
        &[
            "retract",
            "finance-projects-2022",
            "--observation",
            "2022-12-01",
            "--reason",
            "x",
        ],
    );
    assert!(e.contains("cannot be taken back, only superseded"), "{e}");
    let out = ok(&c, &["validate"]);
    assert!(out.contains("1 retracted entry"), "{out}");

    // The retraction undone, named by the date as it was taken back.
    let out = ok(
        &c,
        &[
            "retract",
            "hitech-firms-2024",
            "--observation",
            "2024-08",
            "--undo",
        ],
    );
    assert!(out.contains("counts again"), "{out}");
    let v = json(&c, "hitech-firms-2024");
    assert_eq!(v["progress"]["value"], 6100.0, "counted again");
    assert!(v["observations"][1]
        .get("retracted")
        .is_none_or(|r| r.is_null()));
}

#[test]
fn a_status_change_taken_back_gives_the_status_before_it() {
    let c = copy();
    ok(
        &c,
        &[
            "set-status",
            "visionox",
            "stalled",
            "--note",
            "wrong project",
        ],
    );
    let v = json(&c, "visionox");
    let n = v["history"].as_array().map_or(0, Vec::len) - 1;
    ok(
        &c,
        &[
            "retract",
            "visionox",
            "--history",
            &n.to_string(),
            "--reason",
            "meant huadian-gas",
        ],
    );
    let v = json(&c, "visionox");
    assert_eq!(v["status"], "under_construction");
    ok(&c, &["validate"]);
    let retracted = read(&c.file);

    // The retraction was itself the mistake: undone, the change counts
    // again and the file reads as before it.
    let n = n.to_string();
    let out = ok(&c, &["retract", "visionox", "--history", &n, "--undo"]);
    assert!(out.contains("counts again"), "{out}");
    assert_eq!(json(&c, "visionox")["status"], "stalled");
    assert!(!read(&c.file).contains("meant huadian-gas"));
    let again = read(&c.file);
    let out = ok(&c, &["retract", "visionox", "--history", &n, "--undo"]);
    assert!(out.contains("is not retracted: unchanged"), "{out}");
    assert_eq!(read(&c.file), again);
    // A reason and --undo do not go together; one of them is needed.
    let o = run(&c, &["retract", "visionox", "--history", &n]);
    assert_eq!(o.status.code(), Some(2));
    ok(
        &c,
        &[
            "retract",
            "visionox",
            "--history",
            &n,
            "--reason",
            "meant huadian-gas",
        ],
    );
    assert_eq!(
        read(&c.file).replace("2024-09-01", "D"),
        retracted.replace("2024-09-01", "D")
    );
    ok(&c, &["validate"]);
}

#[test]
fn milestones_are_added_edited_and_taken_back_on_the_command_line() {
    let c = copy();
    let e = refused(
        &c,
        &[
            "add-milestone",
            "visionox",
            "--due",
            "2025-13",
            "--expect",
            "operatng",
            "--text",
            "试生产",
        ],
    );
    assert!(e.contains("  --due: \"2025-13\" is not a date"), "{e}");
    assert!(
        e.contains("  --expect: unknown status \"operatng\" — did you mean `operating`"),
        "{e}"
    );
    assert!(e.contains("  --note: give a source and a quote"), "{e}");
    ok(
        &c,
        &[
            "add-milestone",
            "visionox",
            "--due",
            "2025-06",
            "--expect",
            "operating",
            "--text",
            "试生产",
            "--note",
            "推进会上听说",
        ],
    );
    let v = json(&c, "visionox");
    assert_eq!(v["milestones"][2]["text"], "试生产");
    assert_eq!(v["milestones"][2]["note"], "推进会上听说");
    assert_eq!(v["milestones"][2]["by"], "王伟");
    // The same promise twice is refused.
    let e = refused(
        &c,
        &[
            "add-milestone",
            "visionox",
            "--due",
            "2025-06",
            "--expect",
            "operating",
            "--text",
            "试生产",
            "--note",
            "again",
        ],
    );
    assert!(e.contains("already has the milestone \"试生产\""), "{e}");
    ok(&c, &["edit", "visionox", "milestones[2].due", "2025-03"]);
    ok(
        &c,
        &["edit", "visionox", "milestones[2].expect", "completed"],
    );
    let v = json(&c, "visionox");
    assert_eq!(v["milestones"][2]["due"], "2025-03");
    assert_eq!(v["milestones"][2]["expect"], "completed");
    // A report's milestone stays; ours is taken back, kept in the file.
    let e = refused(&c, &["remove-milestone", "visionox", "0", "--reason", "x"]);
    assert!(e.contains("cannot be taken back"), "{e}");
    ok(
        &c,
        &["remove-milestone", "visionox", "2", "--reason", "听错了"],
    );
    let v = json(&c, "visionox");
    assert_eq!(v["milestones"][2]["retracted"]["reason"], "听错了");
    let shown = ok(&c, &["show", "visionox"]);
    assert!(!shown.contains("试生产"), "{shown}");
    assert!(ok(&c, &["show", "visionox", "--all"]).contains("#2 due 2025-03"));
}

#[test]
fn the_same_name_twice_needs_allow_duplicate_and_validate_warns_of_it() {
    let c = copy();
    let twin = [
        "add-project",
        "--name-zh",
        "维信诺 项目",
        "--name-en",
        "Visionox Project",
        "--chain",
        "urban-industry",
        "--note",
        "heard twice",
    ];
    let e = refused(&c, &twin);
    assert!(
        e.contains("维信诺项目 (visionox)") && e.contains("--allow-duplicate"),
        "{e}"
    );
    ok(&c, &[&twin[..], &["--allow-duplicate"]].concat());
    let o = run(&c, &["validate"]);
    assert!(o.status.success());
    let warn = String::from_utf8_lossy(&o.stderr);
    assert!(
        warn.contains("has the same name as \"visionox\": one project entered twice?"),
        "{warn}"
    );
    // A goal of the same metric and period likewise.
    let goal = [
        "add-target",
        "--metric-zh",
        "新认定高新技术企业",
        "--metric-en",
        "New high-tech firms",
        "--chain",
        "innovation",
        "--period",
        "2024",
        "--unit",
        "家",
        "--comparator",
        ">=",
        "--target",
        "60",
        "--note",
        "heard",
    ];
    let e = refused(&c, &goal);
    assert!(e.contains("(hitech-firms-2024)"), "{e}");
}

/// The domain layers of issue 19: `records` no longer imports `edit` (nor
/// `draft` `records`), and the interface no longer imports the store.
#[test]
fn no_import_cycle_and_no_interface_to_store_import() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let text = |p: &str| std::fs::read_to_string(src.join(p)).expect("source");
    assert!(!text("domain/records.rs").contains("super::edit"));
    assert!(!text("domain/draft.rs").contains("super::records"));
    for f in ["app/records.rs", "app/state.rs", "app/views.rs"] {
        assert!(!text(f).contains("crate::store"), "{f} imports the store");
    }
}
