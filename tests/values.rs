//! Values over time, through the real binary: observations are only ever
//! added, schema 1 upgrades losslessly, history cannot contradict itself,
//! milestones ask before changing a status and keep their slips.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_shibei-tracker");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A copy of a fixture folder's tracker and seeds in a temporary folder.
fn scratch(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("seeds")).unwrap();
    fs::copy(
        fixture(name).join("seeds/report.txt"),
        dir.path().join("seeds/report.txt"),
    )
    .unwrap();
    let file = dir.path().join("tracker.yaml");
    fs::copy(fixture(name).join("tracker.yaml"), &file).unwrap();
    (dir, file)
}

fn run(file: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--file")
        .arg(file)
        .args(["--today", "2026-11-21"])
        .args(args)
        .env_remove("TRACKER_FILE")
        .output()
        .expect("binary runs")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}{}", out(o), err(o));
    out(o)
}

fn show_json(file: &Path, id: &str) -> serde_json::Value {
    serde_json::from_str(&ok(&run(file, &["show", id, "--format", "json"]))).unwrap()
}

#[test]
fn v1_loads_saves_as_v1_and_migrates_losslessly_and_byte_stably() {
    let (_d, file) = scratch("v1");
    let v1 = fs::read_to_string(&file).unwrap();
    assert!(v1.starts_with("schema_version: 1\n"));
    // Version 1 keeps loading, and an unchanged file is left as it is.
    assert!(ok(&run(&file, &["validate"])).contains("schema version 1"));
    assert!(ok(&run(&file, &["normalize"])).contains("already in canonical form"));
    // An edit version 1 can hold is saved as version 1.
    ok(&run(&file, &["set-status", "visionox", "completed"]));
    assert!(fs::read_to_string(&file)
        .unwrap()
        .starts_with("schema_version: 1\n"));
    // One it cannot hold (a second value) is refused, pointing at migrate.
    let o = run(&file, &["set-actual", "hitech-firms-2023", "56"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("migrate"), "{}", err(&o));
    fs::write(&file, &v1).unwrap();

    let before = show_json(&file, "hitech-firms-2023");
    let msg = ok(&run(&file, &["migrate"]));
    assert!(
        msg.contains("1 `actual` values are now `observations`"),
        "{msg}"
    );
    let v2 = fs::read_to_string(&file).unwrap();
    // Lossless: the same value, date, source and quote, now an observation.
    let after = show_json(&file, "hitech-firms-2023");
    assert_eq!(before["observations"], after["observations"]);
    assert_eq!(
        after["observations"][0]["quote"],
        "全年新认定高新技术企业55家"
    );
    // Only the version line and the `actual` block changed.
    let changed: Vec<(&str, &str)> = v1.lines().zip(v2.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(
        changed,
        [
            ("schema_version: 1", "schema_version: 2"),
            ("    actual:", "    observations:"),
            ("      value: 55", "      - value: 55"),
            ("      date: \"2023\"", "        date: \"2023\""),
            ("      source: r2022", "        source: r2022"),
            (
                "      quote: \"全年新认定高新技术企业55家\"",
                "        quote: \"全年新认定高新技术企业55家\""
            ),
        ]
    );
    // Byte-stable: loading and saving the upgraded file gives the same bytes,
    // and migrating again does nothing.
    assert!(ok(&run(&file, &["normalize"])).contains("already in canonical form"));
    assert!(ok(&run(&file, &["migrate"])).contains("nothing to do"));
    assert_eq!(fs::read_to_string(&file).unwrap(), v2);
    assert_eq!(
        v2,
        fs::read_to_string(fixture("values/tracker.yaml"))
            .unwrap()
            .replace("    metric: hitech-firms\n", "")
    );
}

#[test]
fn set_actual_appends_says_no_op_and_never_removes_a_quote() {
    let (_d, file) = scratch("values");
    let o = ok(&run(&file, &["set-actual", "hitech-firms-2023", "800"]));
    assert!(
        o.contains("observed 800家 as of 2026-11-21 (1 earlier value kept)"),
        "{o}"
    );
    let saved = fs::read_to_string(&file).unwrap();
    // The same value on the same date: says so, writes nothing.
    let o = ok(&run(&file, &["set-actual", "hitech-firms-2023", "800"]));
    assert!(
        o.contains("already recorded: unchanged, nothing written"),
        "{o}"
    );
    let o = ok(&run(
        &file,
        &["set-actual", "hitech-firms-2023", "55", "--date", "2023"],
    ));
    assert!(o.contains("already recorded, from r2022"), "{o}");
    assert_eq!(fs::read_to_string(&file).unwrap(), saved);
    let v = show_json(&file, "hitech-firms-2023");
    let obs = v["observations"].as_array().unwrap();
    assert_eq!(obs.len(), 2);
    assert_eq!(obs[0]["quote"], "全年新认定高新技术企业55家");
    assert_eq!(obs[0]["value"], 55.0);
    assert_eq!(obs[1]["value"], 800.0);
    assert_eq!(obs[1]["note"], "entered by hand on 2026-11-21");
    // The text view lists them newest first.
    let text = ok(&run(&file, &["show", "hitech-firms-2023"]));
    let (new, old) = (
        text.find("2026-11-21  800家").unwrap(),
        text.find("2023  55家").unwrap(),
    );
    assert!(new < old, "{text}");
}

#[test]
fn set_actual_with_a_quote_checks_it_against_the_report() {
    let (_d, file) = scratch("values");
    let before = fs::read_to_string(&file).unwrap();
    let o = run(
        &file,
        &[
            "set-actual",
            "hitech-firms-2024",
            "60",
            "--date",
            "2024",
            "--source",
            "r2022",
            "--quote",
            "新认定高新技术企业600家",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("quote not found"), "{}", err(&o));
    let o = run(
        &file,
        &[
            "set-actual",
            "hitech-firms-2024",
            "60",
            "--source",
            "r2099",
            "--quote",
            "x",
        ],
    );
    assert!(err(&o).contains("unknown source \"r2099\""), "{}", err(&o));
    assert_eq!(fs::read_to_string(&file).unwrap(), before);
    ok(&run(
        &file,
        &[
            "set-actual",
            "hitech-firms-2024",
            "60",
            "--date",
            "2024-06",
            "--source",
            "r2022",
            "--quote",
            "力争新认定高新技术企业60家",
        ],
    ));
    let v = show_json(&file, "hitech-firms-2024");
    assert_eq!(v["observations"][0]["source"], "r2022");
    assert_eq!(v["observations"][0]["date"], "2024-06");
    assert!(ok(&run(&file, &["validate"])).contains("ok"));
}

#[test]
fn observations_after_today_are_refused_and_warned_about() {
    let (_d, file) = scratch("values");
    let o = run(
        &file,
        &[
            "set-actual",
            "hitech-firms-2024",
            "61",
            "--date",
            "2026-12-01",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("after today"), "{}", err(&o));
    // One written by hand is ignored by progress, and validate warns, located.
    let text = fs::read_to_string(&file).unwrap().replace(
        "    sources:\n      - source: r2022\n        quote: \"力争新认定高新技术企业60家\"",
        "    observations:\n      - value: 61\n        date: \"2027-01-01\"\n        note: \"typo\"\n    sources:\n      - source: r2022\n        quote: \"力争新认定高新技术企业60家\"",
    );
    fs::write(&file, text).unwrap();
    let o = run(&file, &["validate"]);
    assert!(out(&o).contains("1 warning"), "{}", out(&o));
    assert!(
        err(&o).contains("targets[0].observations[0].date")
            && err(&o).contains("after today (2026-11-21)"),
        "{}",
        err(&o)
    );
    let v = show_json(&file, "hitech-firms-2024");
    assert_eq!(v["progress"]["future_ignored"], 1);
    assert_eq!(v["progress"]["value"], serde_json::Value::Null);
}

#[test]
fn set_status_refuses_earlier_future_and_unchanged_and_writes_nothing() {
    let (_d, file) = scratch("values");
    let before = fs::read_to_string(&file).unwrap();
    for (args, says) in [
        (
            vec![
                "set-status",
                "renhe-road-renewal",
                "under_construction",
                "--date",
                "2001-01-01",
            ],
            "newest status change is dated 2013-12",
        ),
        (
            vec![
                "set-status",
                "renhe-road-renewal",
                "under_construction",
                "--date",
                "2030-01-01",
            ],
            "after today",
        ),
        (
            vec![
                "set-status",
                "renhe-road-renewal",
                "under_construction",
                "--date",
                "0000-01-01",
            ],
            "before 1900",
        ),
    ] {
        let o = run(&file, &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(err(&o).contains(says), "{args:?}: {}", err(&o));
        assert!(err(&o).contains("was not changed"), "{}", err(&o));
    }
    let o = ok(&run(
        &file,
        &["set-status", "renhe-road-renewal", "stalled"],
    ));
    assert!(
        o.contains("already 停滞 Stalled: unchanged, nothing written"),
        "{o}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), before);
}

#[test]
fn validate_reports_a_status_its_history_contradicts_and_ancient_dates() {
    let (_d, file) = scratch("values");
    let text = fs::read_to_string(&file).unwrap();
    // Status changed by hand without a history entry.
    let edited = text.replacen("    status: stalled\n", "    status: completed\n", 1);
    fs::write(&file, &edited).unwrap();
    let o = run(&file, &["validate"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains(":31:5: project \"renhe-road-renewal\" has status completed but its newest status change (history[0], 2013-12) says stalled (projects[0].status)"),
        "{}",
        err(&o)
    );
    let ancient = text.replace("date: \"2013-12\"", "date: \"0000-12\"");
    fs::write(&file, ancient).unwrap();
    let o = run(&file, &["validate"]);
    assert!(
        err(&o).contains("0000-12 is before 1900 (projects[0].history[0].date)"),
        "{}",
        err(&o)
    );
}

#[test]
fn milestone_marks_reached_and_sets_the_expected_status_in_one_step() {
    let (_d, file) = scratch("values");
    let o = ok(&run(
        &file,
        &["milestone", "visionox", "--date", "2023-06-30"],
    ));
    assert!(
        o.contains(
            "milestone \"明年投产\" reached 2023-06-30; status 在建 Under construction -> 运营中 Operating"
        ),
        "{o}"
    );
    let v = show_json(&file, "visionox");
    assert_eq!(v["status"], "operating");
    assert_eq!(v["milestones"][0]["reached"], "2023-06-30");
    assert_eq!(v["history"][0]["status"], "operating");
    assert!(ok(&run(&file, &["validate"])).contains("ok"));
    let o = run(&file, &["milestone", "visionox"]);
    assert!(err(&o).contains("no open milestone"), "{}", err(&o));
}

#[test]
fn milestone_keep_status_and_slip() {
    let (_d, file) = scratch("values");
    let o = ok(&run(
        &file,
        &[
            "milestone",
            "visionox",
            "--slip-to",
            "2024",
            "--note",
            "推迟",
        ],
    ));
    assert!(o.contains("\"明年投产\" slipped from 2023 to 2024"), "{o}");
    let text = ok(&run(&file, &["show", "visionox"]));
    assert!(text.contains("slipped from 2023 to 2024"), "{text}");
    assert!(text.contains("was due 2023: 推迟"), "{text}");
    let v = show_json(&file, "visionox");
    assert_eq!(v["slips"][0]["slip"], "slipped from 2023 to 2024");
    assert_eq!(v["milestones"][0]["slipped_from"][0]["due"], "2023");
    // Only the current date (2024) makes it overdue: not in 2024, in 2025.
    let list = |today: &str| {
        let o = Command::new(BIN)
            .args([
                "--file",
                file.to_str().unwrap(),
                "--today",
                today,
                "list",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let vis = |v: &serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == "visionox")
            .unwrap()["overdue_milestones"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(vis(&list("2024-06-01")), 0);
    assert_eq!(vis(&list("2025-01-01")), 1);
    let o = run(&file, &["milestone", "visionox", "--slip-to", "2024"]);
    assert!(err(&o).contains("later date"), "{}", err(&o));
    // Marking it while keeping the status records the milestone only.
    ok(&run(
        &file,
        &[
            "milestone",
            "visionox",
            "--keep-status",
            "--date",
            "2024-03-01",
        ],
    ));
    let v = show_json(&file, "visionox");
    assert_eq!(v["status"], "under_construction");
    assert_eq!(v["milestones"][0]["reached"], "2024-03-01");
}

#[test]
fn show_json_lists_the_series_and_progress_filters_by_metric() {
    let (_d, file) = scratch("values");
    let v = show_json(&file, "hitech-firms-2024");
    let series = v["series"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(series[0]["id"], "hitech-firms-2023");
    assert_eq!(series[0]["period"]["start"], "2023-01-01");
    assert_eq!(series[0]["value"], 55.0);
    assert_eq!(series[0]["date"], "2023");
    assert_eq!(series[0]["source"], "r2022");
    assert_eq!(series[1]["id"], "hitech-firms-2024");
    assert_eq!(series[1]["value"], serde_json::Value::Null);
    assert_eq!(series[1]["target"], 60.0);
    let p = ok(&run(
        &file,
        &["progress", "--metric", "hitech-firms", "--format", "csv"],
    ));
    let ids: Vec<&str> = p
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(ids, ["hitech-firms-2023", "hitech-firms-2024"]);
    let o = run(&file, &["progress", "--metric", "hitech-firm"]);
    assert!(
        err(&o).contains("did you mean `hitech-firms`"),
        "{}",
        err(&o)
    );
}

#[test]
fn bundled_data_replays_the_issue_without_losing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::create_dir(dir.path().join("seeds")).unwrap();
    for e in fs::read_dir(root.join("seeds")).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), dir.path().join("seeds").join(e.file_name())).unwrap();
    }
    let file = dir.path().join("tracker.yaml");
    fs::copy(root.join("tracker.yaml"), &file).unwrap();
    ok(&run(&file, &["set-actual", "gdp-2017", "800"]));
    let v = show_json(&file, "gdp-2017");
    let obs = v["observations"].as_array().unwrap();
    assert!(obs.iter().any(|o| o["source"] == "r2018"
        && o["quote"] == "去年全区生产总值达756.6亿元"
        && o["value"] == 756.6));
    assert!(obs.iter().any(|o| o["value"] == 800.0));
    let before = fs::read_to_string(&file).unwrap();
    for date in ["2001-01-01", "2030-01-01", "0000-01-01"] {
        let o = run(
            &file,
            &[
                "set-status",
                "renhe-road-renewal-bc",
                "planned",
                "--date",
                date,
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{date}");
    }
    let o = ok(&run(
        &file,
        &["set-status", "renhe-road-renewal-bc", "under_construction"],
    ));
    assert!(o.contains("unchanged"), "{o}");
    assert_eq!(fs::read_to_string(&file).unwrap(), before);
    // 20 schools over three years, 6 built or started as of 2018-10: not missed.
    let v = show_json(&file, "new-schools-three-year-plan");
    assert_eq!(v["progress"]["state"], "unreported");
    assert_eq!(v["progress"]["interim"], true);
    let text = ok(&run(&file, &["show", "new-schools-three-year-plan"]));
    assert!(text.contains("6所 (2018-10, interim)"), "{text}");
}

#[test]
fn the_briefing_lists_slipped_promises() {
    let (_d, file) = scratch("values");
    ok(&run(&file, &["milestone", "visionox", "--slip-to", "2027"]));
    let md = ok(&run(&file, &["report"]));
    assert!(
        md.contains("### Slipped promises (1)")
            && md.contains("(`visionox`): slipped from 2023 to 2027, expected operating"),
        "{md}"
    );
    let js: serde_json::Value =
        serde_json::from_str(&ok(&run(&file, &["report", "--format", "json"]))).unwrap();
    assert_eq!(
        js["slipped_milestones"][0]["milestones"][0]["original_due"],
        "2023"
    );
}
