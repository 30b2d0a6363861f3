//! End to end: the built binary in a real terminal (tmux), driven by
//! keystrokes, on a copy of the fixture tracker in a temporary folder.

mod common;

use common::tmux::*;
use common::{cli_ok, copy_fixture};

/// The first row of the list body (screen row 3).
fn first_row(s: &str) -> String {
    s.lines().nth(3).unwrap_or("").to_string()
}

#[test]
fn browse_filter_and_quit_in_tmux() {
    if !tmux_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy_fixture(dir.path());
    let file = dir.path().join("tracker.yaml");
    let before = std::fs::read(&file).expect("read copy");
    let tmux = start(&file);

    let s = tmux.wait_text("9/9");
    assert!(
        s.contains("人和路旧城改造项目B、C区") && s.contains("? help"),
        "{s}"
    );
    // The table columns line up on the real terminal too.
    let col = |s: &str, needle: &str| {
        s.lines()
            .find_map(|l| l.find(needle).map(|b| shibei_tracker::text::width(&l[..b])))
    };
    assert_eq!(col(&s, "Renhe Road"), col(&s, "Visionox project"));

    // 1. By chain, through the picker, typed in Chinese.
    tmux.keys(&["c"]);
    tmux.wait_text("Filter by chain");
    tmux.type_text("数字");
    tmux.wait_for("the picker to narrow", |s| {
        s.contains("数字经济  Digital economy") && !s.contains("(any chain)")
    });
    tmux.keys(&["Enter"]);
    let s = tmux.wait_text("2/9");
    assert!(
        s.contains("filter: chain:digital")
            && s.contains("浪潮大数据产业园")
            && !s.contains("维信诺项目"),
        "{s}"
    );
    tmux.keys(&["Escape"]);
    tmux.wait_text("9/9");

    // 2. By pinyin initials: 人和路 is the best match.
    tmux.keys(&["/"]);
    tmux.type_text("rhl");
    tmux.wait_text("/rhl");
    tmux.keys(&["Enter"]);
    let s = tmux.wait_text("filter: rhl");
    assert!(first_row(&s).contains("人和路旧城改造项目B、C区"), "{s}");

    // 3. In English, replacing the filter; then the details.
    tmux.keys(&["Escape"]);
    tmux.wait_text("9/9");
    tmux.keys(&["/"]);
    tmux.type_text("visionox");
    tmux.keys(&["Enter"]);
    let s = tmux.wait_text("filter: visionox");
    assert!(
        s.contains("1/9") && first_row(&s).contains("维信诺项目"),
        "{s}"
    );
    tmux.keys(&["Enter"]);
    let s = tmux.wait_text("Milestones");
    assert!(
        s.contains("[OVERDUE]") && s.contains("「维信诺项目预计年底建成」"),
        "{s}"
    );
    tmux.keys(&["Escape"]);
    tmux.wait_for("the list again", |s| !s.contains("Milestones"));

    // The filter holds in the Goals view; help lists keys.
    tmux.keys(&["2"]);
    tmux.wait_text("0/5");
    tmux.keys(&["?"]);
    tmux.wait_text("Browsing a list");
    tmux.keys(&["q"]);
    tmux.wait_for("help to close", |s| !s.contains("Browsing a list"));

    // 4. Quit: the program exits cleanly and the terminal is given back.
    tmux.keys(&["q"]);
    let s = tmux.wait_text("EXIT:0");
    let s = if s.contains("COOKED") {
        s
    } else {
        tmux.wait_text("COOKED")
    };
    assert!(
        !s.contains("? help") && !s.contains("┌"),
        "the interface is gone: {s}"
    );
    let alt = tmux.cmd(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]);
    assert_eq!(
        String::from_utf8_lossy(&alt.stdout).trim(),
        "0",
        "alternate screen left"
    );
    assert!(s.contains("COOKED"), "raw mode switched off");
    assert_eq!(
        std::fs::read(&file).expect("read copy"),
        before,
        "browsing never writes the file"
    );
}

#[test]
fn edit_status_with_a_note_then_undo_in_tmux() {
    if !tmux_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy_fixture(dir.path());
    let file = dir.path().join("tracker.yaml");
    // Canonical form first, so that undo gives back the very same bytes.
    cli_ok(&file, &["normalize"]);
    let original = std::fs::read(&file).expect("read copy");
    let id = "renhe-road-renewal-bc";
    let show = || -> serde_json::Value {
        serde_json::from_str(&cli_ok(&file, &["show", id, "--format", "json"])).expect("json")
    };
    assert_eq!(show()["status"], "under_construction");
    let tmux = start(&file);
    let s = tmux.wait_text("9/9");
    assert!(first_row(&s).contains("人和路旧城改造项目B、C区"), "{s}");

    // s: the picker, the current status marked; three down is "stalled".
    tmux.keys(&["s"]);
    let s = tmux.wait_text("Status of 人和路旧城改造项目B、C区");
    assert!(s.contains("* 在建    Under construction  (now)"), "{s}");
    tmux.keys(&["j", "j", "j", "Enter"]);
    let s = tmux.wait_text("note: ");
    assert!(s.contains("人和路旧城改造项目B、C区: 在建 -> 停滞"), "{s}");
    tmux.type_text("资金再次断裂 (e2e)");
    tmux.wait_text("note: 资金再次断裂 (e2e)");
    tmux.keys(&["Enter"]);
    tmux.wait_text("saved: renhe-road-renewal-bc: 在建 Under construction -> 停滞 Stalled");

    // On disk at once, while the interface is still open.
    let p = show();
    assert_eq!(p["status"], "stalled", "{p}");
    let history = p["history"].as_array().expect("history");
    let last = history.last().expect("an entry");
    assert_eq!(last["note"], "资金再次断裂 (e2e)", "{last}");
    assert_eq!(last["status"], "stalled");
    assert_eq!(last["date"], "2024-09-01");
    assert_eq!(history.len(), 4);

    // u: undone, and saved again.
    tmux.keys(&["u"]);
    tmux.wait_text("undone and saved");
    assert_eq!(show()["status"], "under_construction");

    tmux.keys(&["q"]);
    tmux.wait_text("EXIT:0");
    assert!(
        std::fs::read(&file).expect("read copy") == original,
        "the file is back to its original bytes"
    );
}

#[test]
fn milestone_asks_then_sets_the_status_and_a_value_goes_beside_in_tmux() {
    if !tmux_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy_fixture(dir.path());
    let file = dir.path().join("tracker.yaml");
    cli_ok(&file, &["normalize"]);
    let original = std::fs::read(&file).expect("read copy");
    let show = |id: &str| -> serde_json::Value {
        serde_json::from_str(&cli_ok(&file, &["show", id, "--format", "json"])).expect("json")
    };
    let tmux = start(&file);
    tmux.wait_text("9/9");

    // m on Visionox: the day reached (today offered), then the question,
    // nothing written.
    tmux.keys(&["/"]);
    tmux.type_text("visionox");
    tmux.keys(&["Enter", "m"]);
    tmux.wait_text("reached: 2024-09-01");
    tmux.keys(&["Enter"]);
    let s = tmux.wait_text("Mark milestone reached");
    // (The em dash is drawn as "-": it is of ambiguous width.)
    assert!(
        s.contains("\"预计年底建成\" reached 2024-09-01 - expect 已建成; set status to 已建成"),
        "{s}"
    );
    assert_eq!(std::fs::read(&file).expect("read"), original);
    // y: the milestone and the status, saved together.
    tmux.keys(&["y"]);
    tmux.wait_text("status 在建 Under construction -> 已建成 Completed");
    let p = show("visionox");
    assert_eq!(p["status"], "completed", "{p}");
    assert_eq!(p["milestones"][0]["reached"], "2024-09-01", "{p}");

    // e on a goal: a value added beside the one recorded.
    tmux.keys(&["2", "/", "C-u"]);
    tmux.type_text("新认定高新技术企业");
    tmux.keys(&["Enter", "e"]);
    tmux.wait_text("New value:");
    tmux.type_text("59");
    tmux.keys(&["Enter"]);
    tmux.wait_text("as of: 2024-09-01");
    tmux.keys(&["Enter"]);
    tmux.wait_text("note: ");
    tmux.keys(&["Enter"]);
    tmux.wait_text("saved: hitech-firms-2024: observed 59家");
    let g = show("hitech-firms-2024");
    let values: Vec<f64> = g["observations"]
        .as_array()
        .expect("observations")
        .iter()
        .map(|o| o["value"].as_f64().expect("value"))
        .collect();
    assert_eq!(values, [58.0, 59.0], "{g}");

    // Two undos: the value, then the milestone with its status.
    tmux.keys(&["u"]);
    tmux.wait_text("undone and saved");
    tmux.keys(&["u"]);
    tmux.wait_for("the second undo", |s| {
        s.contains("undone and saved") && s.contains("visionox")
    });
    tmux.keys(&["q"]);
    tmux.wait_text("EXIT:0");
    assert!(
        std::fs::read(&file).expect("read copy") == original,
        "the file is back to its original bytes"
    );
}

/// The live file, end to end: another program (the command line) changes
/// the file while the interface is open; within a couple of seconds the
/// screen shows the new value and says the file was reloaded. Then the
/// mouse is released with M (for selecting text) and a help page is turned.
#[test]
fn a_change_made_elsewhere_shows_up_by_itself_in_tmux() {
    if !tmux_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy_fixture(dir.path());
    let file = dir.path().join("tracker.yaml");
    let tmux = start(&file);
    let s = tmux.wait_text("9/9");
    assert!(first_row(&s).contains("在建"), "{s}");
    cli_ok(
        &file,
        &[
            "--today",
            "2024-09-01",
            "set-status",
            "人和路旧城改造项目B、C区",
            "停滞",
        ],
    );
    // No key pressed: the poll notices the file changed and reloads it.
    let s = tmux.wait_text("changed on disk: reloaded");
    assert!(first_row(&s).contains("停滞"), "{s}");
    tmux.keys(&["M"]);
    tmux.wait_text("mouse off");
    tmux.keys(&["?"]);
    tmux.wait_text("Browsing a list");
    tmux.keys(&["End"]);
    tmux.wait_text("reloaded within a second");
    // (Esc then q at once would read as Alt-q: close the help with ?.)
    tmux.keys(&["?"]);
    tmux.wait_for("the help closed", |s| !s.contains("Browsing a list"));
    tmux.keys(&["q"]);
    tmux.wait_text("EXIT:0");
}

/// An idle interface sends nothing to the terminal: the look at the file
/// once a second draws only when the file changed (a frame a second would
/// be traffic over ssh, and counted as keystroke latency by the benchmark).
/// The pane's raw output is captured with `pipe-pane`; a key then shows
/// the capture works.
#[test]
fn an_idle_interface_sends_nothing_to_the_terminal() {
    if !tmux_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy_fixture(dir.path());
    let file = dir.path().join("tracker.yaml");
    let tmux = start(&file);
    tmux.wait_text("9/9");
    // Whatever the first frames still send, settles within a moment.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let raw = dir.path().join("raw-output");
    let piped = tmux.cmd(&[
        "pipe-pane",
        "-o",
        "-t",
        "e2e",
        &format!("cat >> '{}'", raw.display()),
    ]);
    assert!(piped.status.success(), "pipe-pane");
    let size = || std::fs::metadata(&raw).map_or(0, |m| m.len());
    // Two and a half looks at the file.
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert_eq!(size(), 0, "bytes sent while idle");
    tmux.keys(&["j"]);
    let start = std::time::Instant::now();
    while size() == 0 {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "the capture saw no frame after a key"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    tmux.keys(&["q"]);
    tmux.wait_text("EXIT:0");
}
