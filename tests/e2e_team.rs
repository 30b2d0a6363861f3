//! End to end: `S` in the interface syncs with the team's repository (a
//! bare hub and two clones in a temporary folder), showing its progress
//! and what came in, and the view keeps its place.

mod common;

use common::tmux::*;
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn cli(file: &Path, args: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_shibei-tracker"))
        .arg("--file")
        .arg(file)
        .args(["--today", "2024-09-01"])
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn s_syncs_from_the_interface_and_shows_what_came_in() {
    if !tmux_or_skip() {
        return;
    }
    let root = tempfile::tempdir().expect("temp dir");
    let hub = root.path().join("hub.git");
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    git(
        root.path(),
        &["init", "-q", "--bare", "-b", "main", "hub.git"],
    );
    std::fs::create_dir(&a).expect("mkdir");
    common::copy_fixture(&a);
    git(&a, &["init", "-q", "-b", "main"]);
    git(&a, &["config", "user.name", "王伟"]);
    git(&a, &["config", "user.email", "w@example.org"]);
    cli(&a.join("tracker.yaml"), &["git-setup"]);
    git(&a, &["add", "-A"]);
    git(&a, &["commit", "-q", "-m", "start"]);
    git(&a, &["remote", "add", "origin", &hub.to_string_lossy()]);
    git(&a, &["push", "-q", "-u", "origin", "main"]);
    git(root.path(), &["clone", "-q", &hub.to_string_lossy(), "b"]);
    git(&b, &["config", "user.name", "李娜"]);
    git(&b, &["config", "user.email", "l@example.org"]);
    cli(&b.join("tracker.yaml"), &["git-setup"]);
    // 李娜 changes a status and pushes; 王伟 changes another in the interface.
    cli(
        &b.join("tracker.yaml"),
        &["set-status", "huadian-gas", "stalled"],
    );
    cli(&b.join("tracker.yaml"), &["sync"]);
    let t = start(&a.join("tracker.yaml"));
    t.wait_text("? help");
    cli(
        &a.join("tracker.yaml"),
        &["set-status", "visionox", "stalled"],
    );
    t.keys(&["S"]);
    let s = t.wait_for("the sync's summary", |s| s.contains("synced:"));
    assert!(s.contains("pushed to origin/main"), "{s}");
    // What came in, from whom, is in the file the interface shows now.
    let file = std::fs::read_to_string(a.join("tracker.yaml")).expect("read");
    assert!(file.contains("by: \"李娜\""), "李娜's change came in");
    // The hub has both changes.
    let o = Command::new("git")
        .arg("-C")
        .arg(&hub)
        .args(["log", "--format=%an %s", "main"])
        .output()
        .expect("git log");
    let log = String::from_utf8_lossy(&o.stdout);
    assert!(log.contains("王伟 set-status visionox"), "{log}");
    assert!(log.contains("李娜 set-status huadian-gas"), "{log}");
    t.keys(&["q"]);
}
