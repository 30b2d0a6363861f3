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

// ---------------------------------------------------------------------
// Concurrent edits on clones of one repository, merged by the driver.
//
// Each scenario builds a bare hub and two (or three) clones in a
// temporary folder, sets each clone up with `git-setup`, makes edits on
// each side with the command line or with the interface's save path
// (`apply_by` + `store::commit`, as `src/app` and `src/tui.rs` do), and
// exchanges them with `sync`. A clean scenario checks the merge commit
// (no conflict markers, every edit of both sides, `validate`, the same
// bytes when `merge-file` runs again on the same three versions); a
// true conflict checks the file (loads, lists the conflict, keeps both
// values) and its resolution by command.

use shibei_tracker::domain::edit::{apply_by, Change, Edit, Record};
use shibei_tracker::domain::merge;
use shibei_tracker::domain::{Evidence, Figure, PartialDate, Project, Status, Target, Tracker};
use shibei_tracker::store::{self, Committed};

const TODAY: &str = "2024-09-01";

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").expect("date")
}

fn date(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn pdate(s: &str) -> PartialDate {
    PartialDate::parse(s).expect("partial date")
}

/// git, or the tracker, with no configuration but the clone's own (the
/// machine's and the user's global settings stay out of the tests).
fn isolated(c: &mut Command) -> &mut Command {
    c.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("TRACKER_BY")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
}

fn git_in(dir: &Path, args: &[&str]) -> String {
    let o = isolated(Command::new("git").arg("-C").arg(dir).args(args))
        .output()
        .expect("git runs");
    assert!(
        o.status.success(),
        "git {args:?} in {}: {}{}",
        dir.display(),
        text(&o.stdout),
        text(&o.stderr)
    );
    text(&o.stdout)
}

/// The fixture tracker, in the writer's form (as any saved file is).
fn fixture_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let t = common::tracker();
        store::emit(&t)
    })
}

/// Runs the tracker in `dir` (a clone) with `--file dir/tracker.yaml`.
fn tracker_in(dir: &Path, args: &[&str]) -> Output {
    isolated(
        Command::new(bin())
            .current_dir(dir)
            .arg("--file")
            .arg(dir.join("tracker.yaml"))
            .args(["--today", TODAY])
            .args(args),
    )
    .output()
    .expect("run the tracker")
}

/// A hub and its clones, each with its own user name.
struct Team {
    _dir: tempfile::TempDir,
    root: PathBuf,
    clones: Vec<PathBuf>,
    names: Vec<&'static str>,
}

const NAMES: [&str; 3] = ["甲", "乙", "丙"];

impl Team {
    /// A bare hub holding the fixture (set up by the first clone with
    /// `git-setup`, its .gitattributes and .gitignore committed), and
    /// `n` clones of it, each set up with `git-setup`.
    fn new(n: usize) -> Team {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().to_path_buf();
        let hub = root.join("hub.git");
        git_in(&root, &["init", "-q", "--bare", "-b", "main", "hub.git"]);
        let mut team = Team {
            _dir: dir,
            root: root.clone(),
            clones: Vec::new(),
            names: NAMES[..n].to_vec(),
        };
        for (i, name) in NAMES[..n].iter().enumerate() {
            let c = root.join(format!("c{i}"));
            git_in(
                &root,
                &[
                    "clone",
                    "-q",
                    hub.to_str().expect("utf-8 path"),
                    &format!("c{i}"),
                ],
            );
            git_in(&c, &["config", "user.name", name]);
            git_in(&c, &["config", "user.email", &format!("c{i}@example.org")]);
            if i == 0 {
                // The first member brings the tracker and sets the
                // repository up.
                common::copy_fixture(&c);
                std::fs::write(c.join("tracker.yaml"), fixture_text()).expect("write");
                let said = ok_in(&c, &["git-setup"]);
                assert!(said.contains(".gitattributes"), "{said}");
                git_in(&c, &["add", "-A"]);
                git_in(&c, &["commit", "-q", "-m", "the tracker"]);
                git_in(&c, &["push", "-q", "-u", "origin", "main"]);
            } else {
                // The others register the driver; the committed files
                // are already right.
                let said = ok_in(&c, &["git-setup"]);
                assert!(said.contains("registered the merge driver"), "{said}");
                assert!(!said.contains(".gitattributes`"), "{said}");
                assert_eq!(git_in(&c, &["status", "--porcelain"]), "");
            }
            team.clones.push(c);
        }
        team
    }

    fn file(&self, i: usize) -> PathBuf {
        self.clones[i].join("tracker.yaml")
    }

    fn text(&self, i: usize) -> String {
        std::fs::read_to_string(self.file(i)).expect("read tracker")
    }

    fn tracker(&self, i: usize) -> Tracker {
        common::load(&self.file(i)).tracker
    }

    /// A command line run in clone `i` that must succeed.
    fn cli(&self, i: usize, args: &[&str]) -> String {
        ok_in(&self.clones[i], args)
    }

    /// A change saved the way the interface saves it: the file loaded,
    /// the change made in memory, `store::commit` against the loaded
    /// text (lock, freshness check, splice).
    fn save(&self, i: usize, change: impl FnOnce(&mut Tracker) -> Change) -> Change {
        let file = self.file(i);
        let loaded = common::load(&file);
        let mut t = loaded.tracker.clone();
        let c = change(&mut t);
        match store::commit(&file, &loaded.text, &t, &c) {
            Ok(Committed::Saved { .. }) => c,
            Ok(other) => panic!("not saved as is: {other:?}"),
            Err(e) => panic!("{}", e.describe(&file)),
        }
    }

    /// An edit made in the interface by clone `i`'s user.
    fn edit(&self, i: usize, edit: Edit) -> Change {
        let by = self.names[i];
        self.save(i, |t| match apply_by(t, &edit, today(), Some(by)) {
            Ok(c) => c,
            Err(r) => panic!("{edit:?} refused: {r}"),
        })
    }

    fn sync(&self, i: usize) -> String {
        let o = tracker_in(&self.clones[i], &["sync"]);
        assert!(
            o.status.success(),
            "sync in c{i}: {}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        text(&o.stdout)
    }

    /// Clone 0 syncs first, then the others (each merging what came
    /// before), then all but the last again, so every clone ends with the
    /// same file. Checks the merges were clean and returns the tracker.
    fn exchange(&self) -> Tracker {
        for i in 0..self.clones.len() {
            let said = self.sync(i);
            assert!(!said.contains("conflict"), "sync in c{i}: {said}");
            if i > 0 {
                self.check_merge(i, 0);
            }
        }
        for i in 0..self.clones.len() - 1 {
            self.sync(i);
        }
        self.check_all_alike();
        let file = self.file(0);
        let v = tracker_in(&self.clones[0], &["validate"]);
        assert!(
            v.status.success(),
            "validate after the merge: {}{}",
            text(&v.stdout),
            text(&v.stderr)
        );
        let t = self.tracker(0);
        assert!(
            merge::conflicts(&t).is_empty(),
            "{:?}",
            merge::conflicts(&t)
        );
        assert!(!self.text(0).contains("conflicts:"));
        let _ = file;
        t
    }

    /// Every clone holds the same bytes, committed, with no conflict
    /// markers and nothing else changed or left over (the lock).
    fn check_all_alike(&self) {
        let first = self.text(0);
        for i in 0..self.clones.len() {
            let t = self.text(i);
            assert_eq!(t, first, "c{i} differs from c0");
            assert_eq!(
                git_in(&self.clones[i], &["status", "--porcelain"]),
                "",
                "c{i} is clean"
            );
            no_markers(&t);
        }
    }

    /// The merge commit at HEAD of clone `i`: its three versions merged
    /// again with `merge-file`, twice, give the committed bytes (exit
    /// `code` each time).
    fn check_merge(&self, i: usize, code: i32) {
        let c = &self.clones[i];
        let parents = git_in(c, &["rev-list", "--parents", "-n", "1", "HEAD"]);
        assert_eq!(
            parents.split_whitespace().count(),
            3,
            "c{i}: HEAD is a merge commit"
        );
        let mb = git_in(c, &["merge-base", "HEAD^1", "HEAD^2"]);
        let show = |rev: &str| git_in(c, &["show", &format!("{}:tracker.yaml", rev.trim())]);
        let (base, ours, theirs) = (show(&mb), show("HEAD^1"), show("HEAD^2"));
        let committed = show("HEAD");
        let scratch = self.root.join(format!("remerge{i}"));
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir(&scratch).expect("scratch");
        let mut outs = Vec::new();
        for run in 0..2 {
            let b = scratch.join(format!("base{run}"));
            let o = scratch.join(format!("ours{run}"));
            let t = scratch.join(format!("theirs{run}"));
            std::fs::write(&b, &base).expect("write");
            std::fs::write(&o, &ours).expect("write");
            std::fs::write(&t, &theirs).expect("write");
            // Where git runs the driver: the clone, naming the path.
            let r = isolated(
                Command::new(bin())
                    .current_dir(c)
                    .arg("merge-file")
                    .args([&b, &o, &t])
                    .args(["--path", "tracker.yaml"]),
            )
            .output()
            .expect("merge-file");
            assert_eq!(
                r.status.code(),
                Some(code),
                "merge-file again: {}{}",
                text(&r.stdout),
                text(&r.stderr)
            );
            outs.push(std::fs::read_to_string(&o).expect("merged"));
        }
        assert_eq!(outs[0], outs[1], "merge-file twice: the same bytes");
        assert_eq!(outs[0], committed, "merge-file again: what git committed");
        no_markers(&committed);
    }
}

fn ok_in(dir: &Path, args: &[&str]) -> String {
    let o = tracker_in(dir, args);
    assert!(
        o.status.success(),
        "{args:?} in {}: {}{}",
        dir.display(),
        text(&o.stdout),
        text(&o.stderr)
    );
    text(&o.stdout)
}

fn no_markers(t: &str) {
    for l in t.lines() {
        assert!(
            !(l.starts_with("<<<<<<<")
                || l.starts_with(">>>>>>>")
                || l.starts_with("=======")
                || l.starts_with("|||||||")),
            "a conflict marker: {l}"
        );
    }
}

fn project<'a>(t: &'a Tracker, id: &str) -> &'a Project {
    t.project(id)
        .unwrap_or_else(|| panic!("project {id} is there"))
}

fn target<'a>(t: &'a Tracker, id: &str) -> &'a Target {
    t.target(id)
        .unwrap_or_else(|| panic!("target {id} is there"))
}

/// The history entry of `p` that `by` added (the last one).
fn entry_by<'a>(p: &'a Project, by: &str) -> &'a shibei_tracker::domain::HistoryEntry {
    p.history
        .iter()
        .rfind(|h| h.by.as_deref() == Some(by))
        .unwrap_or_else(|| panic!("{}: an entry by {by}: {:?}", p.id, p.history))
}

fn set_status(project: &str, status: Status, on: &str) -> Edit {
    Edit::SetStatus {
        project: project.into(),
        status,
        date: date(on),
        note: None,
    }
}

/// A project citing r2022's words about the Inspur park, added by edit.
fn new_project(id: &str, name_en: &str) -> Project {
    Project {
        id: id.into(),
        name_zh: format!("{name_en}项目"),
        name_en: name_en.into(),
        chain: "digital".into(),
        status: Status::Planned,
        sources: vec![Evidence {
            source: "r2022".into(),
            quote: "浪潮大数据产业园开园运营".into(),
        }],
        ..Project::default()
    }
}

fn add_project_args<'a>(id: &'a str, name_en: &'a str) -> Vec<&'a str> {
    vec![
        "add-project",
        "--id",
        id,
        "--name-zh",
        "新项目",
        "--name-en",
        name_en,
        "--chain",
        "digital",
        "--source",
        "r2022",
        "--quote",
        "东软载波创新中心预计2023年开工建设",
    ]
}

// --- clean merges -------------------------------------------------------

#[test]
fn statuses_of_two_records_far_apart() {
    let team = Team::new(2);
    team.cli(0, &["set-status", "renhe-road-renewal-bc", "completed"]);
    team.cli(1, &["set-status", "cruise-port", "stalled"]);
    let t = team.exchange();
    let renhe = project(&t, "renhe-road-renewal-bc");
    assert_eq!(renhe.status, Status::Completed);
    assert_eq!(entry_by(renhe, "甲").status, Some(Status::Completed));
    let port = project(&t, "cruise-port");
    assert_eq!(port.status, Status::Stalled);
    assert_eq!(entry_by(port, "乙").status, Some(Status::Stalled));
}

#[test]
fn statuses_of_two_adjacent_records_command_line_and_interface() {
    let team = Team::new(2);
    team.cli(
        0,
        &[
            "set-status",
            "visionox",
            "completed",
            "--date",
            "2024-08-01",
        ],
    );
    team.edit(
        1,
        set_status("huadian-gas", Status::Completed, "2024-08-02"),
    );
    let t = team.exchange();
    assert_eq!(project(&t, "visionox").status, Status::Completed);
    assert_eq!(
        entry_by(project(&t, "visionox"), "甲").date,
        pdate("2024-08-01")
    );
    assert_eq!(project(&t, "huadian-gas").status, Status::Completed);
    assert_eq!(
        entry_by(project(&t, "huadian-gas"), "乙").date,
        pdate("2024-08-02")
    );
}

#[test]
fn a_status_and_a_goals_value() {
    let team = Team::new(2);
    team.edit(
        0,
        set_status("erfeng-park", Status::UnderConstruction, "2024-05-01"),
    );
    team.cli(
        1,
        &["set-actual", "hitech-firms-2024", "61", "--date", "2024-08"],
    );
    let t = team.exchange();
    assert_eq!(project(&t, "erfeng-park").status, Status::UnderConstruction);
    let obs = &target(&t, "hitech-firms-2024").observations;
    assert!(
        obs.iter().any(|o| o.value == 61.0
            && o.date == pdate("2024-08")
            && o.by.as_deref() == Some("乙")),
        "{obs:?}"
    );
    assert_eq!(obs.len(), 2, "the fixture's value is kept: {obs:?}");
}

#[test]
fn two_fields_of_one_record() {
    let team = Team::new(2);
    team.cli(0, &["edit", "visionox", "name_en", "Visionox OLED line"]);
    team.cli(1, &["edit", "visionox", "note", "产线调试中"]);
    let t = team.exchange();
    let v = project(&t, "visionox");
    assert_eq!(v.name_en, "Visionox OLED line");
    assert_eq!(v.note.as_deref(), Some("产线调试中"));
}

#[test]
fn a_new_project_on_one_side_and_a_status_on_the_other() {
    let team = Team::new(2);
    team.cli(0, &add_project_args("alpha-park", "Alpha park"));
    team.cli(1, &["set-status", "inspur-bigdata", "stalled"]);
    let t = team.exchange();
    assert_eq!(project(&t, "alpha-park").by.as_deref(), Some("甲"));
    assert_eq!(project(&t, "inspur-bigdata").status, Status::Stalled);
}

#[test]
fn a_new_project_on_each_side() {
    let team = Team::new(2);
    team.cli(0, &add_project_args("alpha-park", "Alpha park"));
    team.edit(
        1,
        Edit::AddProject(Box::new(new_project("beta-park", "Beta park"))),
    );
    let t = team.exchange();
    assert_eq!(project(&t, "alpha-park").by.as_deref(), Some("甲"));
    assert_eq!(project(&t, "beta-park").by.as_deref(), Some("乙"));
    assert_eq!(t.projects.len(), 11);
}

#[test]
fn a_new_goal_on_each_side() {
    let team = Team::new(2);
    team.cli(
        0,
        &[
            "add-target",
            "--id",
            "hitech-firms-2025",
            "--metric-zh",
            "新认定高新技术企业",
            "--metric-en",
            "Newly certified high-tech enterprises",
            "--chain",
            "innovation",
            "--period",
            "2025",
            "--comparator",
            ">=",
            "--target",
            "65",
            "--unit",
            "家",
            "--source",
            "r2024a",
            "--quote",
            "力争新认定高新技术企业60家",
        ],
    );
    team.cli(
        1,
        &[
            "add-target",
            "--id",
            "software-revenue-2022",
            "--metric-zh",
            "软件和信息服务营收",
            "--metric-en",
            "Software and IT services revenue",
            "--chain",
            "digital",
            "--period",
            "2022",
            "--unit",
            "亿元",
            "--value",
            "25.7",
            "--source",
            "r2022",
            "--quote",
            "软件和信息服务纳统企业全年预计营收25.7亿元",
        ],
    );
    let t = team.exchange();
    assert_eq!(target(&t, "hitech-firms-2025").target, Some(65.0));
    assert_eq!(target(&t, "hitech-firms-2025").by.as_deref(), Some("甲"));
    let sw = target(&t, "software-revenue-2022");
    assert_eq!(sw.observations[0].value, 25.7);
    assert_eq!(sw.by.as_deref(), Some("乙"));
}

#[test]
fn a_value_for_the_same_goal_on_each_side() {
    let team = Team::new(2);
    team.cli(
        0,
        &["set-actual", "hq-firms-2024", "7", "--date", "2024-07"],
    );
    team.edit(
        1,
        Edit::AddObservation {
            target: "hq-firms-2024".into(),
            value: 8.0,
            date: pdate("2024-08"),
            note: Some("区商务局月报".into()),
            evidence: None,
        },
    );
    let t = team.exchange();
    let obs: Vec<(f64, String, Option<&str>)> = target(&t, "hq-firms-2024")
        .observations
        .iter()
        .map(|o| (o.value, o.date.to_string(), o.by.as_deref()))
        .collect();
    assert_eq!(
        obs,
        [
            (6.0, "2024-06-30".to_string(), None),
            (7.0, "2024-07".to_string(), Some("甲")),
            (8.0, "2024-08".to_string(), Some("乙")),
        ],
        "by date"
    );
}

#[test]
fn a_milestone_reached_on_one_side_and_the_note_edited_on_the_other() {
    let team = Team::new(2);
    team.cli(0, &["milestone", "visionox", "--date", "2024-08-01"]);
    team.cli(1, &["edit", "visionox", "note", "二期环评公示中"]);
    let t = team.exchange();
    let v = project(&t, "visionox");
    assert_eq!(v.milestones[0].reached, Some(pdate("2024-08-01")));
    assert_eq!(v.milestones[0].reached_by.as_deref(), Some("甲"));
    assert_eq!(
        v.status,
        Status::Completed,
        "the status the milestone expects"
    );
    assert_eq!(v.note.as_deref(), Some("二期环评公示中"));
}

/// A new report in a file outside the clone.
fn report(team: &Team, name: &str, body: &str) -> PathBuf {
    let p = team.root.join(name);
    std::fs::write(&p, body).expect("write report");
    p
}

#[test]
fn a_new_report_and_a_project_citing_it_on_each_side() {
    let team = Team::new(2);
    let ra = report(
        &team,
        "a.txt",
        "市北区消息：阿尔法智慧园今年开工建设，总投资12亿元。\n",
    );
    let rb = report(
        &team,
        "b.txt",
        "市北区消息：贝塔数据港签约落户，预计明年投用。\n",
    );
    for (i, id, path, quote, pid) in [
        (
            0,
            "r2025a",
            &ra,
            "阿尔法智慧园今年开工建设",
            "alpha-smart-park",
        ),
        (1, "r2025b", &rb, "贝塔数据港签约落户", "beta-data-port"),
    ] {
        team.cli(
            i,
            &[
                "add-source",
                path.to_str().expect("utf-8"),
                "--id",
                id,
                "--title",
                "市北区消息",
                "--published",
                "2024-08",
            ],
        );
        team.cli(
            i,
            &[
                "add-project",
                "--id",
                pid,
                "--name-zh",
                "新园区",
                "--name-en",
                pid,
                "--chain",
                "digital",
                "--source",
                id,
                "--quote",
                quote,
            ],
        );
    }
    let t = team.exchange();
    for (sid, pid, by) in [
        ("r2025a", "alpha-smart-park", "甲"),
        ("r2025b", "beta-data-port", "乙"),
    ] {
        let s = t.source(sid).unwrap_or_else(|| panic!("source {sid}"));
        assert!(
            team.clones[0].join("seeds").join(&s.file).is_file(),
            "{sid}'s file came too"
        );
        assert_eq!(project(&t, pid).sources[0].source, sid);
        assert_eq!(project(&t, pid).by.as_deref(), Some(by));
    }
}

#[test]
fn aliases_added_on_both_sides() {
    let team = Team::new(2);
    team.cli(
        0,
        &[
            "edit",
            "qflp-fund",
            "aliases",
            "QFLP,合格境外有限合伙人基金",
        ],
    );
    team.cli(1, &["edit", "qflp-fund", "aliases", "QFLP,首支QFLP"]);
    let t = team.exchange();
    let mut a = project(&t, "qflp-fund").aliases.clone();
    a.sort();
    assert_eq!(a, ["QFLP", "合格境外有限合伙人基金", "首支QFLP"]);
}

#[test]
fn an_alias_removed_on_one_side_and_one_added_on_the_other() {
    let team = Team::new(2);
    team.cli(0, &["edit", "land-group-hq", "aliases", ""]);
    team.cli(
        1,
        &[
            "edit",
            "land-group-hq",
            "aliases",
            "山东土地集团城乡融合发展有限公司,土发集团",
        ],
    );
    let t = team.exchange();
    assert_eq!(project(&t, "land-group-hq").aliases, ["土发集团"]);
}

#[test]
fn an_undone_status_on_one_side_and_a_value_on_the_other() {
    let team = Team::new(2);
    // Both start from a file holding a status change made in the
    // interface by 甲 ...
    let change = team.edit(0, set_status("qflp-fund", Status::Stalled, "2024-08-01"));
    team.sync(0);
    team.sync(1);
    assert_eq!(
        project(&team.tracker(1), "qflp-fund").status,
        Status::Stalled
    );
    // ... which 甲 then undoes (the interface's undo saves the inverse),
    // while 乙 adds a value elsewhere.
    team.save(0, |t| {
        let undo = change.inverse("undo".into());
        undo.apply_to(t);
        undo
    });
    team.cli(
        1,
        &[
            "set-actual",
            "cruise-voyages-2024",
            "9",
            "--date",
            "2024-08",
        ],
    );
    let t = team.exchange();
    let q = project(&t, "qflp-fund");
    assert_eq!(q.status, Status::Operating, "the undo holds");
    assert!(q.history.is_empty(), "{:?}", q.history);
    assert!(target(&t, "cruise-voyages-2024")
        .observations
        .iter()
        .any(|o| o.value == 9.0));
}

#[test]
fn an_undone_value_on_one_side_and_another_value_for_the_same_goal() {
    let team = Team::new(2);
    let change = team.edit(
        0,
        Edit::AddObservation {
            target: "hitech-firms-2024".into(),
            value: 59.0,
            date: pdate("2024-07"),
            note: None,
            evidence: None,
        },
    );
    team.sync(0);
    team.sync(1);
    team.save(0, |t| {
        let undo = change.inverse("undo".into());
        undo.apply_to(t);
        undo
    });
    team.cli(
        1,
        &["set-actual", "hitech-firms-2024", "62", "--date", "2024-08"],
    );
    let t = team.exchange();
    let values: Vec<f64> = target(&t, "hitech-firms-2024")
        .observations
        .iter()
        .map(|o| o.value)
        .collect();
    assert_eq!(values, [58.0, 62.0], "59 undone, 62 added");
}

#[test]
fn a_record_removed_on_one_side_and_untouched_on_the_other() {
    let team = Team::new(2);
    team.cli(0, &["remove", "finance-firms-2024"]);
    team.cli(0, &["remove", "inspur-bigdata"]);
    team.cli(1, &["set-status", "land-group-hq", "stalled"]);
    let t = team.exchange();
    assert!(t.target("finance-firms-2024").is_none());
    assert!(t.project("inspur-bigdata").is_none());
    assert_eq!(project(&t, "land-group-hq").status, Status::Stalled);
}

#[test]
fn the_same_id_added_twice_with_identical_content() {
    let team = Team::new(2);
    let body = "市北区消息：伽马中心落成启用。\n";
    for i in 0..2 {
        // The same report, and the same project from it, entered for the
        // same person on both machines.
        let r = report(&team, &format!("g{i}.txt"), body);
        let mut args = vec!["--by", "王伟", "add-source", r.to_str().expect("utf-8")];
        args.extend([
            "--id",
            "r2025g",
            "--title",
            "伽马中心落成",
            "--published",
            "2024-08",
        ]);
        team.cli(i, &args);
        let mut args = vec!["--by", "王伟"];
        args.extend(add_project_args("gamma-centre", "Gamma centre"));
        team.cli(i, &args);
    }
    let t = team.exchange();
    assert_eq!(
        t.projects.iter().filter(|p| p.id == "gamma-centre").count(),
        1
    );
    assert_eq!(t.sources.iter().filter(|s| s.id == "r2025g").count(), 1);
}

/// A chain or area changed the way the interface saves any record.
fn save_chain(team: &Team, i: usize, id: &str, f: impl FnOnce(&mut shibei_tracker::domain::Chain)) {
    team.save(i, |t| {
        let c = t.chains.iter_mut().find(|c| c.id == id).expect("chain");
        let before = Record::Chain(c.clone());
        f(c);
        Change {
            before,
            after: Record::Chain(c.clone()),
            summary: format!("edit chain {id}"),
        }
    });
}

fn save_area(team: &Team, i: usize, id: &str, f: impl FnOnce(&mut shibei_tracker::domain::Area)) {
    team.save(i, |t| {
        let a = t.areas.iter_mut().find(|a| a.id == id).expect("area");
        let before = Record::Area(a.clone());
        f(a);
        Change {
            before,
            after: Record::Area(a.clone()),
            summary: format!("edit area {id}"),
        }
    });
}

fn save_project(team: &Team, i: usize, id: &str, f: impl FnOnce(&mut Project)) {
    team.save(i, |t| {
        let p = t.projects.iter_mut().find(|p| p.id == id).expect("project");
        let before = Record::Project(p.clone());
        f(p);
        Change {
            before,
            after: Record::Project(p.clone()),
            summary: format!("edit project {id}"),
        }
    });
}

fn save_source(
    team: &Team,
    i: usize,
    id: &str,
    f: impl FnOnce(&mut shibei_tracker::domain::Source),
) {
    team.save(i, |t| {
        let s = t.sources.iter_mut().find(|s| s.id == id).expect("source");
        let before = Record::Source(s.clone());
        f(s);
        Change {
            before,
            after: Record::Source(s.clone()),
            summary: format!("edit source {id}"),
        }
    });
}

#[test]
fn chains_edited_on_both_sides() {
    let team = Team::new(2);
    save_chain(&team, 0, "digital", |c| {
        c.name_en = "Digital economy chain".into();
        c.aliases.push("数字链".into());
    });
    save_chain(&team, 1, "digital", |c| c.aliases.push("DE".into()));
    save_chain(&team, 1, "innovation", |c| c.featured = true);
    let t = team.exchange();
    let d = t.chain("digital").expect("digital");
    assert_eq!(d.name_en, "Digital economy chain");
    let mut aliases = d.aliases.clone();
    aliases.sort();
    assert_eq!(aliases, ["DE", "数字产业化", "数字链"]);
    assert!(t.chain("innovation").expect("innovation").featured);
}

#[test]
fn areas_edited_on_both_sides() {
    let team = Team::new(2);
    save_area(&team, 0, "taidong", |a| a.aliases.push("台东步行街".into()));
    save_area(&team, 1, "taidong", |a| a.note = Some("含威海路".into()));
    save_area(&team, 1, "cbd", |a| a.name_en = "Qingdao CBD".into());
    let t = team.exchange();
    let a = t.area("taidong").expect("taidong");
    assert_eq!(a.aliases, ["台东商圈", "台东步行街"]);
    assert_eq!(a.note.as_deref(), Some("含威海路"));
    assert_eq!(t.area("cbd").expect("cbd").name_en, "Qingdao CBD");
}

#[test]
fn a_source_edited_on_both_sides() {
    let team = Team::new(2);
    save_source(&team, 0, "r2024b", |s| s.outlet = Some("青岛日报".into()));
    save_source(&team, 1, "r2024b", |s| {
        s.dating_note = Some("据文中“去年”推定".into())
    });
    let t = team.exchange();
    let s = t.source("r2024b").expect("r2024b");
    assert_eq!(s.outlet.as_deref(), Some("青岛日报"));
    assert_eq!(s.dating_note.as_deref(), Some("据文中“去年”推定"));
}

#[test]
fn figures_added_on_both_sides() {
    let team = Team::new(2);
    let figure = |v: f64, unit: &str, measures: &str, quote: &str| Figure {
        value: v,
        unit: unit.into(),
        measures: measures.into(),
        source: "r2022".into(),
        quote: quote.into(),
    };
    save_project(&team, 0, "inspur-bigdata", |p| {
        p.figures.push(figure(
            25.7,
            "亿元",
            "software revenue",
            "软件和信息服务纳统企业全年预计营收25.7亿元",
        ))
    });
    save_project(&team, 1, "inspur-bigdata", |p| {
        p.figures.push(figure(
            6.0,
            "家",
            "key firms",
            "市级制造业产业链重点企业6家",
        ))
    });
    let t = team.exchange();
    let f: Vec<f64> = project(&t, "inspur-bigdata")
        .figures
        .iter()
        .map(|f| f.value)
        .collect();
    assert_eq!(f, [6.0, 25.7]);
}

#[test]
fn quotes_added_to_a_record_on_both_sides() {
    let team = Team::new(2);
    let quote = |q: &str| Evidence {
        source: "r2022".into(),
        quote: q.into(),
    };
    save_project(&team, 0, "land-group-hq", |p| {
        p.sources
            .push(quote("山东土发集团青岛总部、山东人才集团第二总部"))
    });
    save_project(&team, 1, "land-group-hq", |p| {
        p.sources.push(quote("已实现营业收入4.1亿元"))
    });
    let t = team.exchange();
    let q: Vec<&str> = project(&t, "land-group-hq")
        .sources
        .iter()
        .map(|e| e.quote.as_str())
        .collect();
    assert_eq!(q.len(), 3, "{q:?}");
    assert!(q.contains(&"山东土发集团青岛总部、山东人才集团第二总部"));
    assert!(q.contains(&"已实现营业收入4.1亿元"));
}

#[test]
fn history_entries_added_on_both_sides() {
    let team = Team::new(2);
    let event = |d: &str, note: &str, q: &str| Edit::AddHistory {
        project: "renhe-road-renewal-bc".into(),
        date: pdate(d),
        note: note.into(),
        evidence: Some(Evidence {
            source: "r2022".into(),
            quote: q.into(),
        }),
    };
    team.edit(
        0,
        event(
            "2022-11",
            "Auction settled",
            "人和路旧城改造项目终于2021年4月9日被华融实业下属公司",
        ),
    );
    team.edit(
        1,
        event(
            "2022-12-01",
            "Ceremony held",
            "人和路旧城改造项目B、C区终于于近日举行开工仪式",
        ),
    );
    team.cli(1, &["set-status", "renhe-road-renewal-bc", "completed"]);
    let t = team.exchange();
    let p = project(&t, "renhe-road-renewal-bc");
    let notes: Vec<&str> = p.history.iter().map(|h| h.note.as_str()).collect();
    assert!(
        notes.contains(&"Auction settled") && notes.contains(&"Ceremony held"),
        "{notes:?}"
    );
    assert_eq!(p.history.len(), 6, "{notes:?}");
    assert_eq!(p.status, Status::Completed);
}

#[test]
fn a_milestone_slipped_on_one_side_and_another_slipped_and_the_note_edited_on_the_other() {
    let team = Team::new(2);
    team.cli(
        0,
        &[
            "milestone",
            "huadian-gas",
            "--slip-to",
            "2024-06",
            "--note",
            "设备到货延迟",
        ],
    );
    team.cli(1, &["edit", "huadian-gas", "note", "燃机已吊装"]);
    team.edit(
        1,
        Edit::SlipMilestone {
            project: "neusoft-carrier".into(),
            to: pdate("2024"),
            note: Some("规划调整".into()),
        },
    );
    let t = team.exchange();
    let h = project(&t, "huadian-gas");
    assert_eq!(h.milestones[0].due, pdate("2024-06"));
    assert_eq!(h.milestones[0].slipped_from[0].due, pdate("2023-12"));
    assert_eq!(h.milestones[0].slipped_from[0].by.as_deref(), Some("甲"));
    assert_eq!(h.note.as_deref(), Some("燃机已吊装"));
    let n = project(&t, "neusoft-carrier");
    assert_eq!(n.milestones[0].due, pdate("2024"));
    assert_eq!(n.milestones[0].slipped_from[0].by.as_deref(), Some("乙"));
}

#[test]
fn a_goal_changed_and_valued_on_the_two_sides() {
    let team = Team::new(2);
    team.cli(0, &["edit", "hq-firms-2024", "target", "6"]);
    team.cli(
        1,
        &["set-actual", "hq-firms-2024", "7", "--date", "2024-08"],
    );
    team.cli(1, &["edit", "hq-firms-2024", "note", "含第二总部"]);
    let t = team.exchange();
    let x = target(&t, "hq-firms-2024");
    assert_eq!(x.target, Some(6.0));
    assert_eq!(x.note.as_deref(), Some("含第二总部"));
    assert!(x.observations.iter().any(|o| o.value == 7.0));
}

#[test]
fn three_clones_each_with_an_edit() {
    let team = Team::new(3);
    team.cli(0, &["set-status", "erfeng-park", "under_construction"]);
    team.cli(
        1,
        &[
            "set-actual",
            "cruise-voyages-2024",
            "11",
            "--date",
            "2024-08",
        ],
    );
    save_chain(&team, 2, "culture", |c| c.aliases.push("文创".into()));
    team.cli(2, &add_project_args("gamma-centre", "Gamma centre"));
    let t = team.exchange();
    assert_eq!(project(&t, "erfeng-park").status, Status::UnderConstruction);
    assert!(target(&t, "cruise-voyages-2024")
        .observations
        .iter()
        .any(|o| o.value == 11.0));
    assert_eq!(t.chain("culture").expect("culture").aliases, ["文创"]);
    assert_eq!(project(&t, "gamma-centre").by.as_deref(), Some("丙"));
    // What came in is said, with who.
    let said = team.sync(2);
    assert!(
        said.contains("nothing came in") || said.contains("came in"),
        "{said}"
    );
}

// --- true conflicts -------------------------------------------------------

/// What a conflicted merge left in clone 1 (ours: 乙's side; theirs: 甲's,
/// pushed first), checked as far as every conflict goes: the merge
/// commit's versions, the file loading, `validate` failing on the
/// conflict's line, `resolve` listing it.
struct Conflicted {
    /// 甲's and 乙's files as each committed them before the merge.
    theirs: String,
    ours: String,
    tracker: Tracker,
}

impl Team {
    /// Clone 0 syncs, then clone 1, whose merge leaves `expect` (record
    /// id, field) conflicts.
    fn conflicted(&self, expect: &[(&str, &str)]) -> Conflicted {
        let said = self.sync(0);
        assert!(!said.contains("conflict"), "{said}");
        let said = self.sync(1);
        assert!(said.contains("conflict"), "sync names the conflict: {said}");
        self.check_merge(1, 1);
        let c = &self.clones[1];
        let theirs = git_in(c, &["show", "HEAD^2:tracker.yaml"]);
        let ours = git_in(c, &["show", "HEAD^1:tracker.yaml"]);
        assert_eq!(git_in(c, &["status", "--porcelain"]), "", "committed");
        let file_text = self.text(1);
        no_markers(&file_text);
        // A valid tracker: it loads (and is in the writer's form).
        let loaded = common::load(&self.file(1));
        assert!(loaded.written, "the writer's own form");
        let found: Vec<(String, String)> = merge::conflicts(&loaded.tracker)
            .into_iter()
            .map(|f| (f.id, f.conflict.field))
            .collect();
        let want: Vec<(String, String)> = expect
            .iter()
            .map(|(i, f)| (i.to_string(), f.to_string()))
            .collect();
        assert_eq!(found, want, "the conflicts in the file");
        // validate fails, naming each conflict at its line.
        let v = tracker_in(c, &["validate"]);
        assert_eq!(v.status.code(), Some(1), "validate: {}", text(&v.stdout));
        let said = format!("{}{}", text(&v.stdout), text(&v.stderr));
        let lines: Vec<&str> = file_text.lines().collect();
        for (id, field) in expect {
            let at = said
                .lines()
                .find(|l| l.contains(&format!("{id} {field}")))
                .unwrap_or_else(|| panic!("validate names {id} {field}: {said}"));
            // "tracker.yaml:LINE:..." pointing at the conflict's entry.
            let line: usize = at
                .split(':')
                .nth(1)
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("a line number in: {at}"));
            let there = lines[line - 1];
            assert!(
                there.contains(&format!("field: \"{field}\""))
                    || there.contains(&format!("field: {field}")),
                "line {line} is the conflict's entry: {there}\n{said}"
            );
            // resolve lists it.
        }
        let listed = self.cli(1, &["resolve"]);
        for (id, field) in expect {
            assert!(listed.contains(&format!("  {id} {field}\n")), "{listed}");
        }
        Conflicted {
            theirs,
            ours,
            tracker: loaded.tracker,
        }
    }

    /// After resolving in clone 1: no conflict left, `validate` passes,
    /// and the file is `expected` byte for byte; then both clones sync
    /// to the same file.
    fn resolved_as(&self, expected: &str) {
        let now = self.text(1);
        assert!(!now.contains("conflicts:"), "{now}");
        let v = tracker_in(&self.clones[1], &["validate"]);
        assert!(
            v.status.success(),
            "validate: {}{}",
            text(&v.stdout),
            text(&v.stderr)
        );
        assert_eq!(now, expected, "reads as a file that never conflicted");
        self.sync(1);
        self.sync(0);
        self.check_all_alike();
    }
}

/// The conflict over `field` of `id`.
fn conflict(t: &Tracker, id: &str, field: &str) -> shibei_tracker::domain::Conflict {
    merge::conflicts(t)
        .into_iter()
        .find(|f| f.id == id && f.conflict.field == field)
        .unwrap_or_else(|| panic!("a conflict over {id} {field}"))
        .conflict
}

/// `text` (a tracker's text, with clone 1's seeds) after a command line.
fn after_command(team: &Team, text: &str, args: &[&str]) -> String {
    let d = team.root.join("twin");
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir(&d).expect("twin folder");
    std::fs::write(d.join("tracker.yaml"), text).expect("write");
    let seeds = d.join("seeds");
    std::fs::create_dir(&seeds).expect("seeds");
    for e in std::fs::read_dir(team.clones[1].join("seeds")).expect("seeds") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), seeds.join(e.file_name())).expect("copy");
    }
    ok_in(&d, args);
    std::fs::read_to_string(d.join("tracker.yaml")).expect("read")
}

#[test]
fn the_same_field_set_to_two_values_resolved_with_theirs() {
    let team = Team::new(2);
    team.cli(0, &["edit", "visionox", "name_en", "Visionox (phase 1)"]);
    team.cli(1, &["edit", "visionox", "name_en", "Visionox OLED"]);
    let c = team.conflicted(&[("visionox", "name_en")]);
    // Ours in place, theirs in the conflict, with who made each.
    assert_eq!(project(&c.tracker, "visionox").name_en, "Visionox OLED");
    let k = conflict(&c.tracker, "visionox", "name_en");
    assert_eq!(k.theirs.as_deref(), Some("Visionox (phase 1)"));
    assert_eq!(k.ours.as_deref(), Some("Visionox OLED"));
    assert_eq!(k.base.as_deref(), Some("Visionox project"));
    assert_eq!(k.ours_by.as_deref(), Some("乙"));
    assert_eq!(k.theirs_by.as_deref(), Some("甲"));
    let said = team.cli(1, &["resolve", "visionox", "name_en", "--theirs"]);
    assert!(said.contains("no conflict is left"), "{said}");
    team.resolved_as(&c.theirs);
}

#[test]
fn a_goals_value_set_two_ways_resolved_with_another_value() {
    let team = Team::new(2);
    team.cli(0, &["edit", "hitech-firms-2024", "target", "62"]);
    team.cli(1, &["edit", "hitech-firms-2024", "target", "65"]);
    let c = team.conflicted(&[("hitech-firms-2024", "target")]);
    assert_eq!(target(&c.tracker, "hitech-firms-2024").target, Some(65.0));
    assert_eq!(
        conflict(&c.tracker, "hitech-firms-2024", "target")
            .theirs
            .as_deref(),
        Some("62")
    );
    team.cli(
        1,
        &["resolve", "hitech-firms-2024", "target", "--value", "63"],
    );
    let twin = after_command(
        &team,
        &c.theirs,
        &["edit", "hitech-firms-2024", "target", "63"],
    );
    team.resolved_as(&twin);
}

#[test]
fn a_record_changed_on_our_side_and_removed_on_theirs_resolved_with_theirs() {
    let team = Team::new(2);
    team.cli(0, &["remove", "finance-firms-2024"]);
    team.cli(1, &["edit", "finance-firms-2024", "note", "含类金融机构"]);
    let c = team.conflicted(&[("finance-firms-2024", "(record)")]);
    // Kept with our change; the removal is theirs.
    assert_eq!(
        target(&c.tracker, "finance-firms-2024").note.as_deref(),
        Some("含类金融机构")
    );
    let k = conflict(&c.tracker, "finance-firms-2024", "(record)");
    assert_eq!(
        (k.ours.as_deref(), k.theirs.as_deref()),
        (Some("changed"), Some("removed"))
    );
    team.cli(
        1,
        &["resolve", "finance-firms-2024", "(record)", "--theirs"],
    );
    team.resolved_as(&c.theirs);
}

#[test]
fn a_record_removed_on_our_side_and_changed_on_theirs_resolved_with_ours() {
    let team = Team::new(2);
    team.cli(0, &["edit", "inspur-bigdata", "note", "二期在建"]);
    team.cli(1, &["remove", "inspur-bigdata"]);
    let c = team.conflicted(&[("inspur-bigdata", "(record)")]);
    // Nothing a person changed is dropped: kept, with their change.
    assert_eq!(
        project(&c.tracker, "inspur-bigdata").note.as_deref(),
        Some("二期在建")
    );
    team.cli(1, &["resolve", "inspur-bigdata", "(record)", "--ours"]);
    team.resolved_as(&c.ours);
}

#[test]
fn the_same_id_added_twice_with_different_content_resolved_with_ours() {
    let team = Team::new(2);
    team.cli(0, &add_project_args("gamma-centre", "Gamma centre"));
    team.cli(1, &add_project_args("gamma-centre", "Gamma center"));
    // Who added it is not a conflict (ours's name is kept); the name is.
    let c = team.conflicted(&[("gamma-centre", "name_en")]);
    assert_eq!(project(&c.tracker, "gamma-centre").name_en, "Gamma center");
    assert_eq!(
        conflict(&c.tracker, "gamma-centre", "name_en")
            .theirs
            .as_deref(),
        Some("Gamma centre")
    );
    assert_eq!(
        c.tracker
            .projects
            .iter()
            .filter(|p| p.id == "gamma-centre")
            .count(),
        1
    );
    team.cli(1, &["resolve", "gamma-centre", "name_en", "--ours"]);
    team.resolved_as(&c.ours);
}

#[test]
fn two_statuses_set_on_the_same_day_resolved_with_theirs() {
    let team = Team::new(2);
    team.cli(
        0,
        &["set-status", "visionox", "stalled", "--note", "资金未到位"],
    );
    team.edit(
        1,
        Edit::SetStatus {
            project: "visionox".into(),
            status: Status::Completed,
            date: today(),
            note: Some("竣工".into()),
        },
    );
    let c = team.conflicted(&[("visionox", "status")]);
    let v = project(&c.tracker, "visionox");
    assert_eq!(v.status, Status::Completed, "ours in place");
    assert_eq!(v.history.len(), 2, "both entries kept: {:?}", v.history);
    assert_eq!(
        conflict(&c.tracker, "visionox", "status").theirs.as_deref(),
        Some("stalled")
    );
    team.cli(1, &["resolve", "visionox", "status", "--theirs"]);
    // As if 甲 had set it after 乙 on that day.
    let twin = after_command(
        &team,
        &c.ours,
        &[
            "--by",
            "甲",
            "set-status",
            "visionox",
            "stalled",
            "--note",
            "资金未到位",
        ],
    );
    // Except that 甲's entry keeps the status its own change replaced
    // (`from`, issue 19: what a retraction of it gives back).
    let twin = twin.replace(
        "by: \"甲\"\n        from: completed",
        "by: \"甲\"\n        from: under_construction",
    );
    team.resolved_as(&twin);
}

#[test]
fn a_milestones_due_date_moved_two_ways_resolved_with_another_value() {
    let team = Team::new(2);
    // Corrections (earlier dates; a later one is a slip).
    team.cli(0, &["edit", "visionox", "milestones[1].due", "2023-06"]);
    team.cli(1, &["edit", "visionox", "milestones[1].due", "2023-09"]);
    let c = team.conflicted(&[("visionox", "milestones[1].due")]);
    assert_eq!(
        project(&c.tracker, "visionox").milestones[1].due,
        pdate("2023-09")
    );
    assert_eq!(
        conflict(&c.tracker, "visionox", "milestones[1].due")
            .theirs
            .as_deref(),
        Some("2023-06")
    );
    team.cli(
        1,
        &[
            "resolve",
            "visionox",
            "milestones[1].due",
            "--value",
            "2023-03",
        ],
    );
    let twin = after_command(
        &team,
        &c.theirs,
        &["edit", "visionox", "milestones[1].due", "2023-03"],
    );
    team.resolved_as(&twin);
}

#[test]
fn an_entry_undone_on_theirs_and_cited_on_ours_resolved_with_theirs() {
    let team = Team::new(2);
    // Both start from a status change 甲 made in the interface ...
    let project_id = "renhe-road-renewal-bc";
    let change = team.edit(0, set_status(project_id, Status::Completed, "2024-08-01"));
    team.sync(0);
    team.sync(1);
    // ... which 甲 undoes, while 乙 cites a report for it.
    team.save(0, |t| {
        let undo = change.inverse("undo".into());
        undo.apply_to(t);
        undo
    });
    save_project(&team, 1, project_id, |p| {
        let e = p.history.last_mut().expect("the entry");
        e.source = Some("r2022".into());
        e.quote = Some("人和路旧城改造项目B、C区终于于近日举行开工仪式".into());
    });
    let c = team.conflicted(&[(project_id, "history[3]")]);
    let p = project(&c.tracker, project_id);
    assert_eq!(p.history.len(), 4, "kept, cited: {:?}", p.history);
    assert_eq!(p.status, Status::Completed, "as the kept entry says");
    team.cli(1, &["resolve", project_id, "history[3]", "--theirs"]);
    // The undo whole: the entry gone, the status the one before it.
    team.resolved_as(&c.theirs);
}
