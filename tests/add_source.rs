//! `add-source` from the user's view, across its two files: the report
//! copied into seeds/ and its listing under `sources`. Killed between the
//! two, it leaves a report no source lists: `validate` names it with the
//! command that lists it, and running the same add-source again completes
//! it (no refusal, no second copy). A report already in seeds/ is listed as
//! it is.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_shibei-tracker");
const REPORT: &str =
    "青岛市北区2025年新认定高新技术企业80家。\n市北区新建智算中心项目正式开工，总投资10亿元。\n";

struct Scratch {
    dir: tempfile::TempDir,
    file: PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
        let dir = tempfile::tempdir().expect("dir");
        fs::create_dir(dir.path().join("seeds")).expect("seeds");
        fs::copy(
            fixture.join("seeds/report.txt"),
            dir.path().join("seeds/report.txt"),
        )
        .expect("report");
        let file = dir.path().join("tracker.yaml");
        fs::copy(fixture.join("tracker.yaml"), &file).expect("tracker");
        let s = Scratch { dir, file };
        fs::write(s.report(), REPORT).expect("new report");
        s
    }

    /// The new report, outside seeds/.
    fn report(&self) -> PathBuf {
        self.dir.path().join("new-report.txt")
    }

    fn seeds(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.dir.path().join("seeds"))
            .expect("seeds")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--file")
            .arg(&self.file)
            .args(["--today", "2026-11-22"])
            .args(args)
            .env_remove("TRACKER_FILE")
            .env_remove("SHIBEI_TEST_PAUSE_AFTER_REPORT_COPY");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("binary runs")
    }

    fn text(&self) -> String {
        fs::read_to_string(&self.file).expect("tracker")
    }
}

fn add_args<'a>(path: &'a str, id: &'a str) -> Vec<&'a str> {
    vec![
        "add-source",
        path,
        "--id",
        id,
        "--title",
        "市北区2025年工作",
        "--published",
        "2025-03",
    ]
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What a kill between the copy and the save leaves: the report copied as
/// add-source copies it, the tracker as it was.
fn half_done(s: &Scratch, id: &str) {
    fs::copy(
        s.report(),
        s.dir.path().join("seeds").join(format!("{id}.txt")),
    )
    .expect("copy");
}

#[test]
fn killed_between_the_copy_and_the_save_it_completes_when_run_again() {
    let s = Scratch::new();
    let before = s.text();
    let report = s.report();
    let args = add_args(report.to_str().expect("utf-8 path"), "r2025a");
    let mut child = s
        .command(&args)
        .env("SHIBEI_TEST_PAUSE_AFTER_REPORT_COPY", "1")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    BufReader::new(child.stderr.take().expect("stderr"))
        .read_line(&mut line)
        .expect("read");
    assert!(
        line.contains("paused after copying the report"),
        "add-source did not stop between its steps (a release build?): {line:?}"
    );
    child.kill().expect("kill -9");
    child.wait().expect("reaped");
    // Half done: the copy is there, the listing is not.
    assert_eq!(s.text(), before);
    assert_eq!(s.seeds(), vec!["r2025a.txt", "report.txt"]);

    let o = s.run(&["validate"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        err(&o).contains("r2025a.txt: a report file no source lists"),
        "{}",
        err(&o)
    );

    let o = s.run(&args);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("seeds/r2025a.txt was already there"),
        "{}",
        out(&o)
    );
    assert!(s
        .text()
        .contains("  - id: r2025a\n    file: \"r2025a.txt\""));
    assert_eq!(s.seeds(), vec!["r2025a.txt", "report.txt"]);
    let o = s.run(&["validate"]);
    assert!(o.status.success() && err(&o).is_empty(), "{}", err(&o));
}

#[test]
fn validate_names_an_unlisted_report_with_the_command_that_lists_it() {
    let s = Scratch::new();
    half_done(&s, "r2025a");
    let o = s.run(&["validate"]);
    let e = err(&o);
    assert!(o.status.success(), "{e}");
    let seeds = s.dir.path().join("seeds").join("r2025a.txt");
    assert!(
        e.contains(&format!(
            "warning: {}: a report file no source lists — list it with `shibei-tracker --file {} add-source {} --id r2025a --title … --published …`, or delete it",
            seeds.display(),
            s.file.display(),
            seeds.display()
        )),
        "{e}"
    );
    assert!(out(&o).contains("1 warning"), "{}", out(&o));
}

#[test]
fn run_again_under_another_id_it_lists_the_copy_already_there() {
    let s = Scratch::new();
    half_done(&s, "r2025a");
    let report = s.report();
    let o = s.run(&add_args(report.to_str().expect("utf-8 path"), "r2025b"));
    assert!(o.status.success(), "{}", err(&o));
    assert!(s
        .text()
        .contains("  - id: r2025b\n    file: \"r2025a.txt\""));
    assert_eq!(s.seeds(), vec!["r2025a.txt", "report.txt"]);
}

#[test]
fn a_report_already_in_seeds_is_listed_as_it_is() {
    let s = Scratch::new();
    let inside = s.dir.path().join("seeds").join("2025-work-report.txt");
    fs::rename(s.report(), &inside).expect("move into seeds");
    let o = s.run(&add_args(inside.to_str().expect("utf-8 path"), "r2025"));
    assert!(o.status.success(), "{}", err(&o));
    assert!(s
        .text()
        .contains("  - id: r2025\n    file: \"2025-work-report.txt\""));
    assert_eq!(s.seeds(), vec!["2025-work-report.txt", "report.txt"]);
    // Listed now: adding it again is refused, nothing copied.
    let before = s.text();
    let o = s.run(&add_args(inside.to_str().expect("utf-8 path"), "r2025c"));
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert_eq!(s.text(), before);
    assert_eq!(s.seeds(), vec!["2025-work-report.txt", "report.txt"]);
}
