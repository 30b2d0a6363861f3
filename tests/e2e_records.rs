//! End to end, issue 9: a new report added on the command line, read in
//! the Sources view of the real binary in tmux, a passage selected and
//! cited as a new project, checked with `show --format json`.
//! (The tmux harness is the one of e2e_tmux.rs.)

mod common;

use common::copy_fixture;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A private tmux server, killed when the test ends (pass or fail).
struct Tmux {
    socket: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.cmd(&["capture-pane", "-p", "-t", "e2e"]).stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        assert!(self.cmd(&args).status.success(), "send-keys {keys:?}");
    }

    /// Types text literally (UTF-8 included).
    fn type_text(&self, text: &str) {
        assert!(self
            .cmd(&["send-keys", "-t", "e2e", "-l", text])
            .status
            .success());
    }

    /// Polls the screen until `ok` holds, for at most ten seconds.
    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        let mut delay = Duration::from_millis(20);
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(delay);
            delay = (delay * 2).min(Duration::from_millis(200));
        }
    }

    fn wait_text(&self, text: &str) -> String {
        self.wait_for(text, |s| s.contains(text))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether the end-to-end tests can run; on CI tmux is required.
fn tmux_or_skip() -> bool {
    if tmux_available() {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(!ci, "tmux is required on CI for the end-to-end tests");
    eprintln!("note: tmux not found; skipping the end-to-end test");
    false
}

/// Starts the interface on `file` in a private 120x40 tmux session.
fn start(file: &Path) -> Tmux {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let tmux = Tmux {
        socket: format!("shibei-e2e-{}-{nanos}", std::process::id()),
    };
    // After the interface exits, the shell line prints its status and the
    // pane stays open so the screen it leaves behind can be read.
    let script = format!(
        "'{}' --file '{}' --today 2024-09-01; echo \"EXIT:$?\"; stty -a | grep -q ' icanon' && echo COOKED; sleep 60",
        env!("CARGO_BIN_EXE_shibei-tracker"),
        file.display()
    );
    let started = tmux.cmd(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "120",
        "-y",
        "40",
        "sh",
        "-c",
        &script,
    ]);
    assert!(
        started.status.success(),
        "tmux new-session: {}",
        String::from_utf8_lossy(&started.stderr)
    );
    tmux
}

/// Runs the command line on `file` (while the interface may be open).
fn cli(file: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_shibei-tracker"))
        .arg("--file")
        .arg(file)
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

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
    let out = cli(
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
    let json = cli(
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
    let screen = tmux.wait_text("1 quoted passages");
    assert!(screen.contains("青岛国际创新园三期"), "{screen}");
    tmux.keys(&["Escape"]);
    tmux.wait_text("Sources: Enter reads");
    tmux.keys(&["q"]);
    tmux.wait_text("EXIT:0");
    assert!(cli(&file, &["validate"]).contains("ok"));
}
