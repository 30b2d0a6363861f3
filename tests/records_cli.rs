//! The record commands on the real binary: add-source, add-project,
//! add-target, edit and remove, with each refusal the issue names.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_shibei-tracker");
const REPORT: &str =
    "青岛市北区2025年新认定高新技术企业80家。\n市北区新建智算中心项目正式开工，总投资10亿元。\n";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

struct Scratch {
    dir: tempfile::TempDir,
    file: PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("seeds")).unwrap();
        fs::copy(
            fixture().join("seeds/report.txt"),
            dir.path().join("seeds/report.txt"),
        )
        .unwrap();
        let file = dir.path().join("tracker.yaml");
        fs::copy(fixture().join("tracker.yaml"), &file).unwrap();
        Scratch { dir, file }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .arg("--file")
            .arg(&self.file)
            .args(["--today", "2026-11-22"])
            .args(args)
            .env_remove("TRACKER_FILE")
            .output()
            .expect("binary runs")
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(o.status.success(), "{args:?} failed: {}", err(&o));
        out(&o)
    }

    /// Refused with exit 1, the file untouched; returns stderr.
    fn refused(&self, args: &[&str]) -> String {
        let before = self.text();
        let o = self.run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}{}", out(&o), err(&o));
        assert_eq!(self.text(), before, "{args:?} changed the file");
        err(&o)
    }

    fn text(&self) -> String {
        fs::read_to_string(&self.file).unwrap()
    }

    fn json(&self, id: &str) -> serde_json::Value {
        serde_json::from_str(&self.ok(&["show", id, "--format", "json"])).unwrap()
    }

    /// Adds the 2025 report as r2025.
    fn with_report(self) -> Scratch {
        let path = self.dir.path().join("new-report.txt");
        fs::write(&path, REPORT).unwrap();
        self.ok(&[
            "add-source",
            path.to_str().unwrap(),
            "--id",
            "r2025",
            "--title",
            "市北区2025年工作",
            "--published",
            "2025-03",
            "--outlet",
            "青岛日报",
        ]);
        self
    }
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn add_source_copies_the_report_and_keeps_the_tracker_valid() {
    let s = Scratch::new();
    let path = s.dir.path().join("elsewhere.txt");
    fs::write(&path, REPORT).unwrap();
    let o = s.ok(&[
        "add-source",
        path.to_str().unwrap(),
        "--id",
        "r2025",
        "--title",
        "市北区2025年工作",
        "--published",
        "2025-03",
        "--outlet",
        "青岛日报",
    ]);
    assert!(o.contains("added source r2025"), "{o}");
    assert!(o.contains("seeds/r2025.txt"), "{o}");
    assert_eq!(
        fs::read_to_string(s.dir.path().join("seeds/r2025.txt")).unwrap(),
        REPORT
    );
    assert!(s.text().contains("  - id: r2025\n    file: \"r2025.txt\""));
    s.ok(&["validate"]);
    // No temporary file is left in seeds/.
    let names: Vec<String> = fs::read_dir(s.dir.path().join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn add_source_refuses_duplicate_content_taken_ids_and_non_utf8() {
    let s = Scratch::new().with_report();
    let again = s.dir.path().join("again.txt");
    // The same text with other line breaks is the same report.
    fs::write(&again, REPORT.replace('\n', "\r\n")).unwrap();
    let e = s.refused(&[
        "add-source",
        again.to_str().unwrap(),
        "--id",
        "r2025b",
        "--title",
        "x",
        "--published",
        "2025",
    ]);
    assert!(
        e.contains("already in the tracker: source \"r2025\""),
        "{e}"
    );
    assert!(!s.dir.path().join("seeds/r2025b.txt").exists());
    let other = s.dir.path().join("other.txt");
    fs::write(&other, "另一篇报道。").unwrap();
    let e = s.refused(&[
        "add-source",
        other.to_str().unwrap(),
        "--id",
        "r2022",
        "--title",
        "x",
        "--published",
        "2025",
    ]);
    assert!(e.contains("the id \"r2022\" is taken"), "{e}");
    let gbk = s.dir.path().join("gbk.txt");
    fs::write(&gbk, [0xc7, 0xe0, 0xb5, 0xba]).unwrap();
    let e = s.refused(&[
        "add-source",
        gbk.to_str().unwrap(),
        "--id",
        "r2026",
        "--title",
        "x",
        "--published",
        "2025",
    ]);
    assert!(e.contains("not UTF-8"), "{e}");
    assert!(!s.dir.path().join("seeds/r2026.txt").exists());
}

#[test]
fn add_project_derives_the_id_and_prints_what_it_saved() {
    let s = Scratch::new().with_report();
    let before = s.text();
    let o = s.ok(&[
        "--by",
        "王伟",
        "add-project",
        "--name-zh",
        "智算中心",
        "--name-en",
        "Smart Computing Centre",
        "--chain",
        "都市工业",
        "--status",
        "under_construction",
        "--source",
        "r2025",
        "--quote",
        "新建智算中心项目 正式开工",
    ]);
    assert!(
        o.starts_with("added project smart-computing-centre (智算中心, 在建 Under construction)"),
        "{o}"
    );
    assert!(o.contains("「新建智算中心项目 正式开工」"), "{o}");
    let v = s.json("smart-computing-centre");
    assert_eq!(
        v["chain"], "urban-industry",
        "chain given by its Chinese name"
    );
    assert_eq!(v["sources"][0]["source"], "r2025");
    assert_eq!(v["by"], "王伟", "who added it");
    // Only the new record's lines were added; nothing else moved.
    let after = s.text();
    let removed: Vec<&str> = before.lines().filter(|l| !after.contains(l)).collect();
    assert!(removed.is_empty(), "{removed:?}");
    assert_eq!(after.lines().count(), before.lines().count() + 10);
    // The same English name again gets the next free id.
    let o = s.ok(&[
        "add-project",
        "--name-zh",
        "智算中心二期",
        "--name-en",
        "Smart Computing Centre",
        "--chain",
        "urban-industry",
        "--parent",
        "smart-computing-centre",
        "--source",
        "r2025",
        "--quote",
        "智算中心",
    ]);
    assert!(o.contains("smart-computing-centre-2"), "{o}");
    assert_eq!(
        s.json("smart-computing-centre-2")["parent"],
        "smart-computing-centre"
    );
    s.ok(&["validate"]);
}

#[test]
fn add_project_refuses_unknown_chain_parent_and_a_quote_not_in_the_report() {
    let s = Scratch::new().with_report();
    let base = [
        "add-project",
        "--name-zh",
        "智算中心",
        "--name-en",
        "Smart Computing Centre",
        "--source",
        "r2025",
        "--quote",
        "新建智算中心项目正式开工",
    ];
    let with = |extra: &[&str]| -> Vec<String> {
        base.iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    let args = with(&["--chain", "urban-industy"]);
    let e = s.refused(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        e.contains("unknown chain \"urban-industy\" — did you mean `urban-industry` (都市工业)?"),
        "{e}"
    );
    let args = with(&["--chain", "urban-industry", "--parent", "visionx"]);
    let e = s.refused(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(e.contains("did you mean `visionox`"), "{e}");
    let args = with(&["--chain", "urban-industry", "--status", "operatng"]);
    let e = s.refused(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(e.contains("did you mean `operating`"), "{e}");
    let e = s.refused(&[
        "add-project",
        "--name-zh",
        "智算中心",
        "--name-en",
        "Smart Computing Centre",
        "--chain",
        "urban-industry",
        "--source",
        "r2025",
        "--quote",
        "智算中心项目开工建设",
    ]);
    assert!(e.contains("--quote: quote not found in r2025"), "{e}");
    assert!(
        e.contains("its closest passage: 市北区新建智算中心项目正式开工，总投资10亿元。"),
        "{e}"
    );
    let e = s.refused(&[
        "add-project",
        "--name-zh",
        "智算中心",
        "--name-en",
        "Smart Computing Centre",
        "--chain",
        "urban-industry",
    ]);
    // Neither a quote nor a note: asked for either, in the form's words.
    assert!(
        e.contains("--note: give a source and a quote (the report's words), or a note"),
        "{e}"
    );
}

#[test]
fn add_target_records_a_goal_and_a_result_and_refuses_a_bad_period() {
    let s = Scratch::new().with_report();
    let o = s.ok(&[
        "add-target",
        "--metric-zh",
        "新认定高新技术企业",
        "--metric-en",
        "Newly certified high-tech firms 2025",
        "--chain",
        "urban-industry",
        "--period",
        "2025",
        "--comparator",
        ">=",
        "--target",
        "80",
        "--unit",
        "家",
        "--measure",
        "flow",
        "--source",
        "r2025",
        "--quote",
        "2025年新认定高新技术企业80家",
    ]);
    assert!(o.contains("goal >= 80家, 2025"), "{o}");
    let v = s.json("newly-certified-high-tech-firms-2025");
    assert_eq!(v["target"], 80.0);
    assert_eq!(v["comparator"], ">=");
    assert_eq!(v["measure"], "flow");
    // A result: a value with the quote, no goal.
    s.ok(&[
        "add-target",
        "--id",
        "smart-computing-investment",
        "--metric-zh",
        "智算中心总投资",
        "--metric-en",
        "Smart computing centre investment",
        "--chain",
        "urban-industry",
        "--period",
        "2025",
        "--value",
        "10",
        "--date",
        "2025-03",
        "--unit",
        "亿元",
        "--source",
        "r2025",
        "--quote",
        "总投资10亿元",
    ]);
    let v = s.json("smart-computing-investment");
    assert_eq!(v["observations"][0]["value"], 10.0);
    assert_eq!(v["observations"][0]["quote"], "总投资10亿元");
    assert_eq!(v["progress"]["state"], "reported");
    for (period, says) in [
        ("2025-13", "is not a period"),
        ("2026-2024", "ends"),
        ("next year", "is not a period"),
    ] {
        let e = s.refused(&[
            "add-target",
            "--metric-zh",
            "x",
            "--metric-en",
            "X",
            "--chain",
            "urban-industry",
            "--period",
            period,
            "--value",
            "1",
            "--unit",
            "家",
            "--source",
            "r2025",
            "--quote",
            "总投资10亿元",
        ]);
        assert!(e.contains(says), "{period}: {e}");
    }
    // A target without a comparator, and neither goal nor result.
    let e = s.refused(&[
        "add-target",
        "--metric-zh",
        "x",
        "--metric-en",
        "X",
        "--chain",
        "urban-industry",
        "--period",
        "2025",
        "--target",
        "3",
        "--unit",
        "家",
        "--source",
        "r2025",
        "--quote",
        "总投资10亿元",
    ]);
    assert!(e.contains("needs a comparator"), "{e}");
    s.ok(&["validate"]);
}

#[test]
fn edit_changes_one_field_and_refuses_typos_and_the_status() {
    let s = Scratch::new();
    let o = s.ok(&["edit", "visionox", "name_en", "Visionox OLED line"]);
    assert!(
        o.starts_with("visionox: name_en \"Visionox\" -> \"Visionox OLED line\"")
            || o.contains("-> \"Visionox OLED line\""),
        "{o}"
    );
    assert_eq!(s.json("visionox")["name_en"], "Visionox OLED line");
    let o = s.ok(&["edit", "visionox", "name_en", "Visionox OLED line"]);
    assert!(o.contains("unchanged, nothing written"), "{o}");
    let e = s.refused(&["edit", "visionox", "nme_en", "x"]);
    assert!(e.contains("did you mean `name_en`?"), "{e}");
    let e = s.refused(&["edit", "visionox", "status", "operating"]);
    assert!(e.contains("set-status"), "{e}");
    let e = s.refused(&["edit", "visionx", "name_en", "x"]);
    assert!(e.contains("did you mean `visionox`"), "{e}");
    let e = s.refused(&["edit", "visionox", "chain", "urbn"]);
    assert!(e.contains("unknown chain"), "{e}");
    let e = s.refused(&["edit", "hitech-firms-2024", "period", "2024-13"]);
    assert!(e.contains("is not a period"), "{e}");
    s.ok(&["edit", "hitech-firms-2024", "period", "2024-2025"]);
    assert_eq!(s.json("hitech-firms-2024")["period"]["end"], "2025-12-31");
    // A milestone moved later is a slip, not an edit.
    let e = s.refused(&["edit", "visionox", "milestones[0].due", "2030"]);
    assert!(e.contains("--slip-to"), "{e}");
    s.ok(&["validate"]);
}

#[test]
fn remove_refuses_a_referenced_record_and_says_which() {
    let s = Scratch::new().with_report();
    // visionox holds a milestone the report promised.
    let e = s.refused(&["remove", "visionox"]);
    assert!(e.contains("milestone 0"), "{e}");
    s.ok(&[
        "add-project",
        "--id",
        "zone-a",
        "--name-zh",
        "一区",
        "--name-en",
        "Zone A",
        "--chain",
        "urban-industry",
        "--parent",
        "renhe-road-renewal",
        "--source",
        "r2025",
        "--quote",
        "智算中心",
    ]);
    let e = s.refused(&["remove", "renhe-road-renewal"]);
    assert!(
        e.contains("project \"zone-a\" is part of it (parent)"),
        "{e}"
    );
    let e = s.refused(&["remove", "r2025"]);
    assert!(e.contains("\"zone-a\" cites it"), "{e}");
    let o = s.ok(&["remove", "zone-a"]);
    assert!(o.contains("removed project zone-a (一区)"), "{o}");
    s.ok(&["remove", "renhe-road-renewal"]);
    let e = s.refused(&["remove", "renhe-road-renewal"]);
    assert!(e.contains("unknown project or target"), "{e}");
    s.ok(&["validate"]);
}

#[test]
fn every_new_command_is_described_in_help() {
    let o = Command::new(BIN).arg("--help").output().unwrap();
    let help = out(&o);
    for c in ["add-source", "add-project", "add-target", "edit", "remove"] {
        assert!(help.contains(c), "{c} missing from --help");
    }
    let o = Command::new(BIN)
        .args(["add-target", "--help"])
        .output()
        .unwrap();
    let help = out(&o);
    assert!(!help.contains("--name-zh"), "a target has no name_zh");
    for opt in [
        "--metric-zh",
        "--metric-en",
        "--chain",
        "--area",
        "--period",
        "--comparator",
        "--target",
        "--unit",
        "--measure",
        "--source",
        "--quote",
    ] {
        assert!(help.contains(opt), "{opt} missing from add-target --help");
    }
    let o = Command::new(BIN)
        .args(["add-project", "--help"])
        .output()
        .unwrap();
    let help = out(&o);
    for opt in [
        "--name-zh",
        "--name-en",
        "--chain",
        "--area",
        "--status",
        "--parent",
        "--note",
        "--source",
        "--quote",
    ] {
        assert!(help.contains(opt), "{opt} missing from add-project --help");
    }
}
