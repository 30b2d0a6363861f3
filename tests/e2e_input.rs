//! End to end, issue 20: input that arrives at once. The real binary in
//! tmux is sent a burst of characters in one write (what an input method
//! writes when it commits a phrase), and pastes (`paste-buffer -p`, which
//! brackets a paste when the program asked for it, as a terminal does)
//! with keys right behind them.

mod common;

use common::tmux::*;
use common::{cli_ok, copy_fixture};
use std::time::{Duration, Instant};

/// The last row of the screen: the status bar (or the filter line).
fn status_line(s: &str) -> String {
    s.lines().last().unwrap_or("").to_string()
}

/// Pastes `text` into the pane as a terminal would (bracketed when the
/// program asked for it), followed at once by `then` (tmux key names),
/// all in one tmux command so nothing comes between them.
fn paste_then(tmux: &Tmux, text: &str, then: &[&str]) {
    let mut args = vec![
        "set-buffer",
        "--",
        text,
        ";",
        "paste-buffer",
        "-p",
        "-t",
        "e2e",
    ];
    if !then.is_empty() {
        args.extend([";", "send-keys", "-t", "e2e"]);
        args.extend_from_slice(then);
    }
    let out = tmux.cmd(&args);
    assert!(
        out.status.success(),
        "paste: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Leaves the filter line, then quits (Esc and q sent apart: together
/// they read as Alt-q).
fn quit(tmux: &Tmux) {
    tmux.keys(&["Escape"]);
    tmux.wait_for("the list", |s| !status_line(s).starts_with('/'));
    tmux.keys(&["q"]);
    tmux.wait_text("EXIT:0");
}

/// How long after being sent `text` (written by tmux in one write) shows
/// on the screen, watched as closely as capture-pane allows.
fn time_to_show(tmux: &Tmux, text: &str) -> Duration {
    let start = Instant::now();
    tmux.type_text(text);
    loop {
        if tmux.screen().contains(text) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{text} never showed:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// "Ten characters in one write took 429 ms to show": the loop waited
/// 50 ms on the terminal before each event crossterm already held, so a
/// burst of ten took 9 x 50 ms and more (446-475 ms measured here). Now every waiting event is
/// handled before one frame: the burst shows as soon as a key does. The
/// bound is the old minimum less a margin for a busy machine; the best of
/// three tries is taken.
#[test]
fn a_ten_character_burst_shows_at_once() {
    if !tmux_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy_fixture(dir.path());
    let tmux = start(&dir.path().join("tracker.yaml"));
    tmux.wait_text("9/9");
    tmux.keys(&["/"]);
    tmux.wait_for("the filter line", |s| status_line(s).starts_with('/'));
    let burst = "市北区人和路旧城改造";
    assert_eq!(burst.chars().count(), 10);
    let mut times = Vec::new();
    for _ in 0..3 {
        times.push(time_to_show(&tmux, burst));
        tmux.keys(&["C-u"]);
        tmux.wait_for("the line cleared", |s| !s.contains(burst));
    }
    eprintln!("a 10-character burst showed after {times:?}");
    let best = times.iter().min().copied().unwrap_or_default();
    assert!(
        best < Duration::from_millis(300),
        "a 10-character burst took {times:?} to show (about 450 ms before)"
    );
    quit(&tmux);
}

/// A paste into the filter is one edit: its line break does not press
/// Enter (which kept the filter, and the "q" after it then quit).
#[test]
fn a_paste_into_the_filter_is_one_edit() {
    if !tmux_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy_fixture(dir.path());
    let tmux = start(&dir.path().join("tracker.yaml"));
    tmux.wait_text("9/9");
    tmux.keys(&["/"]);
    tmux.wait_for("the filter line", |s| status_line(s).starts_with('/'));
    paste_then(&tmux, "visionox\nq", &[]);
    let s = tmux.wait_for("the pasted words on the filter line", |s| {
        status_line(s).starts_with("/visionox q")
    });
    assert!(!s.contains("EXIT:"), "{s}");
    // Still the filter line: Backspace takes one character off the paste.
    tmux.keys(&["BSpace"]);
    tmux.wait_for("one character deleted", |s| {
        status_line(s).starts_with("/visionox ") && !status_line(s).starts_with("/visionox q")
    });
    quit(&tmux);
}

/// Keys typed right behind a paste (Tab, Ctrl-S) land after it, in order,
/// at once: a note pasted with its line breaks then Tab to the next
/// field; a quote of two paragraphs (212 characters, 10 s at the old 50 ms
/// a character) then Ctrl-S, which saves the whole of it.
#[test]
fn keys_typed_right_after_a_paste_land_in_order() {
    if !tmux_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy_fixture(dir.path());
    let file = dir.path().join("tracker.yaml");
    let report = std::fs::read_to_string(dir.path().join("seeds/004_b0e5e1e4ebf92b9c.txt"))
        .expect("the report");
    let from = report.find("壮大科技型企业梯队").expect("first paragraph");
    let end = report.find("均位居全市第一。").expect("second paragraph") + "均位居全市第一。".len();
    let passage = &report[from..end];
    assert!(passage.contains("\n\n") && passage.chars().count() > 200);
    let tmux = start(&file);
    tmux.wait_text("9/9");
    tmux.keys(&["n"]);
    tmux.wait_text("New project");
    tmux.type_text("研发中心");
    tmux.keys(&["Tab"]);
    tmux.type_text("RD Centre");
    tmux.keys(&["Tab"]);
    tmux.type_text("digital");
    // Chain -> area -> status -> note.
    tmux.keys(&["Tab", "Tab", "Tab"]);
    paste_then(&tmux, "第一期：规划\n第二期：建设", &["Tab"]);
    tmux.type_text("r2024b");
    tmux.keys(&["Tab"]);
    paste_then(&tmux, passage, &["C-s"]);
    tmux.wait_text("saved");
    let json = cli_ok(&file, &["show", "rd-centre", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(
        v["note"], "第一期：规划\n第二期：建设",
        "the note keeps its lines"
    );
    assert_eq!(v["sources"][0]["source"], "r2024b");
    assert_eq!(
        v["sources"][0]["quote"],
        passage.replace('\n', " "),
        "the whole quote, its line breaks as spaces"
    );
    tmux.keys(&["q"]);
    tmux.wait_text("EXIT:0");
}
