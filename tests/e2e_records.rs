//! End to end, issue 9: a new report added on the command line, read in
//! the Sources view of the real binary in tmux, a passage selected and
//! cited as a new project, checked with `show --format json`.

mod common;

use common::tmux::*;
use common::{cli_ok, copy_fixture};

#[test]
fn add_a_report_read_it_and_cite_a_passage_as_a_new_project() {
    if !tmux_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy_fixture(dir.path());
    let file = dir.path().join("tracker.yaml");
    let report = dir.path().join("new.txt");
    std::fs::write(
        &report,
        "市北区2024年重点项目推进会召开。\n会上，青岛国际创新园三期项目正式签约，总投资20亿元。\n",
    )
    .expect("report written");
    let out = cli_ok(
        &file,
        &[
            "add-source",
            report.to_str().expect("utf-8 path"),
            "--id",
            "r2024c",
            "--title",
            "重点项目推进会",
            "--published",
            "2024-08",
        ],
    );
    assert!(out.contains("added source r2024c"), "{out}");
    let tmux = start(&file);
    tmux.wait_text("Projects");
    // Sources, the newest report first; Enter reads it.
    tmux.keys(&["4"]);
    tmux.wait_text("重点项目推进会");
    tmux.keys(&["g", "Enter"]);
    tmux.wait_text("r2024c");
    // Find the words, select them, cite them as a new project.
    tmux.keys(&["/"]);
    tmux.type_text("青岛国际创新园三期");
    tmux.keys(&["Enter", "v"]);
    for _ in 0.."青岛国际创新园三期项目正式签约".chars().count() - 1 {
        tmux.keys(&["l"]);
    }
    tmux.keys(&["Enter"]);
    tmux.wait_text("selected 15 chars");
    tmux.keys(&["a"]);
    tmux.wait_text("cite as");
    tmux.keys(&["p"]);
    tmux.wait_text("New project");
    tmux.type_text("青岛国际创新园三期");
    tmux.keys(&["Tab"]);
    tmux.type_text("Qingdao International Innovation Park phase 3");
    tmux.keys(&["Tab"]);
    tmux.type_text("chuangxin");
    // Past the area to the status, which starts as "planned".
    tmux.keys(&["Tab", "Tab", "C-u"]);
    tmux.type_text("signed");
    tmux.keys(&["C-s"]);
    tmux.wait_text("added project");
    let json = cli_ok(
        &file,
        &[
            "show",
            "qingdao-international-innovation-park-phase-3",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["name_zh"], "青岛国际创新园三期");
    assert_eq!(v["chain"], "innovation");
    assert_eq!(v["status"], "signed");
    assert_eq!(v["sources"][0]["source"], "r2024c");
    assert_eq!(v["sources"][0]["quote"], "青岛国际创新园三期项目正式签约");
    // The reader shows the new citation as a highlighted passage.
    // One passage, said in the singular.
    let screen = tmux.wait_text("1 quoted passage ");
    assert!(screen.contains("青岛国际创新园三期"), "{screen}");
    tmux.keys(&["Escape"]);
    tmux.wait_text("Sources: Enter reads");
    tmux.keys(&["q"]);
    tmux.wait_text("EXIT:0");
    assert!(cli_ok(&file, &["validate"]).contains("ok"));
}

/// Issue 19, end to end: a value typed by mistake and retracted on the
/// command line in an earlier session is counted again from the details
/// of the real binary in tmux (`A` shows it, Tab selects it, `x` asks).
#[test]
fn a_retracted_value_is_counted_again_from_the_interface() {
    if !tmux_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy_fixture(dir.path());
    let file = dir.path().join("tracker.yaml");
    let flags = ["--today", "2024-09-01", "--by", "王伟"];
    let run = |args: &[&str]| cli_ok(&file, &[&flags[..], args].concat());
    run(&["set-actual", "hitech-firms-2024", "61", "--date", "2024-08"]);
    let added = std::fs::read(&file).expect("read");
    let out = run(&[
        "retract",
        "hitech-firms-2024",
        "--observation",
        "2024-08",
        "--reason",
        "typed on the wrong goal",
    ]);
    assert!(out.contains("retracted"), "{out}");
    let retracted = std::fs::read(&file).expect("read");
    assert_ne!(retracted, added);

    let tmux = start(&file);
    tmux.wait_text("Projects");
    tmux.keys(&["2", "/"]);
    tmux.type_text("新认定高新技术企业");
    tmux.keys(&["Enter", "Enter"]);
    tmux.wait_text("Observations");
    tmux.keys(&["A"]);
    tmux.wait_text("showing 1 retracted entry too");
    // The newest first: the retracted 61 is the first entry.
    tmux.keys(&["Tab"]);
    tmux.wait_text("retracted: x counts it again");
    tmux.keys(&["x"]);
    tmux.wait_text("again? y undoes its retraction");
    assert_eq!(
        std::fs::read(&file).expect("read"),
        retracted,
        "asked first"
    );
    tmux.keys(&["y"]);
    tmux.wait_text("counts again");
    assert_eq!(std::fs::read(&file).expect("read"), added);
    tmux.keys(&["Escape", "q"]);
    tmux.wait_text("EXIT:0");
}
