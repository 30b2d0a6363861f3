//! End to end in tmux: signals and Ctrl-Z give the terminal back (cooked
//! mode, main screen) and leave the file as it was last saved.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

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
        text(&self.cmd(&["capture-pane", "-p", "-t", "sig"]).stdout)
    }

    fn alternate_on(&self) -> bool {
        text(
            &self
                .cmd(&["display-message", "-p", "-t", "sig", "#{alternate_on}"])
                .stdout,
        )
        .trim()
            == "1"
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "sig"];
        args.extend_from_slice(keys);
        assert!(self.cmd(&args).status.success(), "send-keys {keys:?}");
    }

    fn wait_for(&self, what: &str, ok: impl Fn(&Tmux, &str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(self, &s) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// The interface's process: the only child of the pane's shell.
    fn app_pid(&self) -> String {
        let shell = text(
            &self
                .cmd(&["display-message", "-p", "-t", "sig", "#{pane_pid}"])
                .stdout,
        )
        .trim()
        .to_string();
        let start = Instant::now();
        loop {
            let out = Command::new("pgrep")
                .args(["-P", &shell])
                .output()
                .expect("pgrep runs");
            let pid = text(&out.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            if !pid.is_empty() {
                return pid;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "no interface process"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn available(tool: &str, arg: &str) -> bool {
    Command::new(tool)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn tools_or_skip() -> bool {
    if available("tmux", "-V") && available("pgrep", "-V") {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(
        !ci,
        "tmux and pgrep are required on CI for the end-to-end tests"
    );
    eprintln!("note: tmux or pgrep not found; skipping");
    false
}

fn copy_fixture(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui");
    std::fs::copy(from.join("tracker.yaml"), to.join("tracker.yaml")).expect("copy");
    std::fs::create_dir(to.join("seeds")).expect("seeds");
    for e in std::fs::read_dir(from.join("seeds")).expect("seeds") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), to.join("seeds").join(e.file_name())).expect("copy seed");
    }
}

/// The interface in a 100x30 pane; when it ends, the shell prints its exit
/// status and whether the terminal is back in cooked mode with echo.
fn start(file: &Path, tag: &str) -> Tmux {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let tmux = Tmux {
        socket: format!("shibei-sig-{tag}-{}-{nanos}", std::process::id()),
    };
    let script = format!(
        "'{}' --file '{}' --today 2024-09-01; echo \"EXIT:$?\"; stty -a | grep -q ' icanon' && stty -a | grep -q ' echo ' && echo COOKED; sleep 60",
        env!("CARGO_BIN_EXE_shibei-tracker"),
        file.display()
    );
    let out = tmux.cmd(&[
        "new-session",
        "-d",
        "-s",
        "sig",
        "-x",
        "100",
        "-y",
        "30",
        "sh",
        "-c",
        &script,
    ]);
    assert!(out.status.success(), "tmux: {}", text(&out.stderr));
    tmux
}

/// SIGTERM, SIGINT, SIGHUP and SIGQUIT each end the interface with the
/// terminal restored (cooked mode, echo, main screen) and the file intact,
/// with exit status 128 + N.
#[test]
fn signals_restore_the_terminal_and_keep_the_file() {
    if !tools_or_skip() {
        return;
    }
    for (sig, code) in [("TERM", 143), ("INT", 130), ("HUP", 129), ("QUIT", 131)] {
        let dir = tempfile::tempdir().expect("dir");
        copy_fixture(dir.path());
        let file = dir.path().join("tracker.yaml");
        let before = std::fs::read(&file).expect("read");
        let tmux = start(&file, sig);
        tmux.wait_for("the interface", |t, s| {
            s.contains("9/9") && t.alternate_on()
        });
        // What the interface writes from now on, raw: the modes it
        // switches off on the way out.
        let raw = dir.path().join("raw-output");
        let piped = tmux.cmd(&[
            "pipe-pane",
            "-o",
            "-t",
            "sig",
            &format!("cat >> '{}'", raw.display()),
        ]);
        assert!(piped.status.success(), "pipe-pane");
        let pid = tmux.app_pid();
        let killed = Command::new("kill")
            .args([&format!("-{sig}"), &pid])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let s = tmux.wait_for("the shell after the signal", |_, s| s.contains("EXIT:"));
        assert!(s.contains(&format!("EXIT:{code}")), "SIG{sig}: {s}");
        // pipe-pane's `cat` writes on its own time: wait for what it
        // has to say (seen failing once, on a loaded machine).
        let modes_off = ["\x1b[?2004l", "\x1b[?1000l"];
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut out = std::fs::read(&raw).unwrap_or_default();
        while !modes_off.iter().all(|off| text(&out).contains(off)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
            out = std::fs::read(&raw).unwrap_or_default();
        }
        for (mode, off) in [
            ("bracketed paste", "\x1b[?2004l"),
            ("mouse capture", "\x1b[?1000l"),
        ] {
            assert!(
                text(&out).contains(off),
                "SIG{sig}: {mode} left on: {:?}",
                text(&out)
            );
        }
        let s = tmux.wait_for("the stty check", |_, s| {
            s.contains("COOKED") || s.lines().filter(|l| !l.trim().is_empty()).count() > 3
        });
        assert!(s.contains("COOKED"), "SIG{sig}: raw mode left on: {s}");
        assert!(!tmux.alternate_on(), "SIG{sig}: alternate screen left on");
        assert!(s.contains(&format!("stopped by SIG{sig}")), "SIG{sig}: {s}");
        assert_eq!(
            std::fs::read(&file).expect("read"),
            before,
            "SIG{sig}: file changed"
        );
    }
}

/// Ctrl-Z suspends with the terminal given back; `kill -CONT` resumes in
/// the interface, which then quits normally.
#[test]
fn ctrl_z_suspends_and_resumes() {
    if !tools_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    copy_fixture(dir.path());
    let file = dir.path().join("tracker.yaml");
    let tmux = start(&file, "tstp");
    tmux.wait_for("the interface", |t, s| {
        s.contains("9/9") && t.alternate_on()
    });
    let pid = tmux.app_pid();
    tmux.keys(&["C-z"]);
    tmux.wait_for("the main screen while suspended", |t, _| !t.alternate_on());
    let state = |pid: &str| {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| s.rsplit_once(") ").map(|(_, r)| r.chars().next()))
            .flatten()
    };
    let start = Instant::now();
    while state(&pid) != Some('T') {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "not stopped: {:?}",
            state(&pid)
        );
        std::thread::sleep(Duration::from_millis(30));
    }
    let stty = Command::new("tmux")
        .args([
            "-L",
            &tmux.socket,
            "display-message",
            "-p",
            "-t",
            "sig",
            "#{pane_tty}",
        ])
        .output()
        .expect("tmux");
    let tty = text(&stty.stdout).trim().to_string();
    let modes = Command::new("stty")
        .args(["-a", "-F", &tty])
        .output()
        .expect("stty runs");
    let modes = text(&modes.stdout);
    assert!(
        modes.contains(" icanon") && modes.contains(" echo "),
        "raw while suspended: {modes}"
    );
    assert!(Command::new("kill")
        .args(["-CONT", &pid])
        .status()
        .expect("kill")
        .success());
    tmux.wait_for("the interface again", |t, s| {
        s.contains("9/9") && t.alternate_on()
    });
    // And the same with SIGTSTP from outside.
    assert!(Command::new("kill")
        .args(["-TSTP", &pid])
        .status()
        .expect("kill")
        .success());
    tmux.wait_for("the main screen again", |t, _| !t.alternate_on());
    assert!(Command::new("kill")
        .args(["-CONT", &pid])
        .status()
        .expect("kill")
        .success());
    tmux.wait_for("the interface once more", |t, s| {
        s.contains("9/9") && t.alternate_on()
    });
    tmux.keys(&["q"]);
    let s = tmux.wait_for("a normal exit", |_, s| s.contains("EXIT:"));
    assert!(s.contains("EXIT:0"), "{s}");
}

/// The terminal goes away (tmux killed, ssh dropped): the interface ends
/// within a few seconds instead of spinning on the dead terminal for ever.
#[test]
fn a_closed_terminal_ends_the_interface() {
    if !tools_or_skip() {
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    copy_fixture(dir.path());
    let file = dir.path().join("tracker.yaml");
    let before = std::fs::read(&file).expect("read");
    let tmux = start(&file, "hup");
    tmux.wait_for("the interface", |t, s| {
        s.contains("9/9") && t.alternate_on()
    });
    let pid = tmux.app_pid();
    let _ = tmux.cmd(&["kill-server"]);
    let start = Instant::now();
    while std::path::Path::new(&format!("/proc/{pid}")).exists() {
        if start.elapsed() > Duration::from_secs(3) {
            let _ = Command::new("kill").args(["-9", &pid]).status();
            panic!("the interface outlived its terminal by 3 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(std::fs::read(&file).expect("read"), before);
}
