//! Team use: who changed what (`by`), and (below) concurrent edits on
//! clones of one git repository merged by the tracker's merge driver.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_shibei-tracker")
}

/// Runs the tracker on `file` with `args`; panics with its output on failure.
fn run_ok(file: &Path, args: &[&str]) -> String {
    let o = run(file, args);
    assert!(
        o.status.success(),
        "{args:?}: {}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    text(&o.stdout)
}

fn run(file: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("--file")
        .arg(file)
        .args(["--today", "2024-09-01"])
        .args(args)
        .env_remove("TRACKER_BY")
        .output()
        .expect("run the tracker")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("git runs");
    assert!(o.status.success(), "git {args:?}: {}", text(&o.stderr));
    text(&o.stdout)
}

/// A copy of the fixture tracker in a fresh folder.
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    common::copy_fixture(dir.path());
    let file = dir.path().join("tracker.yaml");
    (dir, file)
}

#[test]
fn by_comes_from_by_then_git_then_the_login() {
    let (dir, file) = scratch();
    // --by wins.
    run_ok(
        &file,
        &["--by", "王伟", "set-status", "visionox", "stalled"],
    );
    let shown = run_ok(&file, &["show", "visionox"]);
    assert!(shown.contains("(by 王伟)"), "{shown}");
    // In a repository: git's user.name.
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["config", "user.name", "李娜"]);
    run_ok(&file, &["set-status", "visionox", "operating"]);
    let v: serde_json::Value =
        serde_json::from_str(&run_ok(&file, &["show", "visionox", "--format", "json"]))
            .expect("json");
    let hist = v["history"].as_array().expect("history");
    assert_eq!(hist[hist.len() - 1]["by"], "李娜");
    assert_eq!(hist[hist.len() - 2]["by"], "王伟");
    // A value typed for a goal carries it too.
    run_ok(
        &file,
        &[
            "--by",
            "张敏",
            "set-actual",
            "hitech-firms-2024",
            "58",
            "--date",
            "2024-06",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&run_ok(
        &file,
        &["show", "hitech-firms-2024", "--format", "json"],
    ))
    .expect("json");
    let obs = v["observations"].as_array().expect("observations");
    assert!(obs.iter().any(|o| o["by"] == "张敏"), "{obs:?}");
}
