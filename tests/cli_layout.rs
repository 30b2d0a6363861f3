//! The command line as a reader meets it: tables fitted to the terminal by
//! column priority (whole when piped or `--wide`), CSV with one value per
//! column, records named by id, name, pinyin or Chinese label, and a
//! `--help` that describes every argument.

mod common;

use common::{copy, read};
use shibei_tracker::cli::{self, Format};
use shibei_tracker::text::width;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_shibei-tracker");

fn bundled() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tracker.yaml")
}

fn day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2024, 9, 1).expect("date")
}

fn run(args: &[&str]) -> (bool, String, String) {
    let o = Command::new(BIN)
        .args(args)
        .env_remove("TRACKER_FILE")
        .output()
        .expect("binary runs");
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn ok(o: shibei_tracker::cli::Outcome) -> String {
    match o {
        Ok(s) => s,
        Err(f) => panic!("command failed: {}", f.message),
    }
}

#[test]
fn list_and_progress_fit_the_terminal_keeping_names_and_numbers_whole() {
    let f = bundled();
    let t = shibei_tracker::store::load(&f).expect("loads").tracker;
    for w in [80, 120] {
        let out = ok(cli::list(&f, day(), Format::Table { width: Some(w) }, None));
        for l in out.lines() {
            assert!(width(l) <= w, "{w}: line too wide ({}): {l}", width(l));
        }
        // Chinese names whole up to their ample share (14 characters; the
        // few longer ones give way to the chain and the area), and the
        // status in the interface's words.
        for p in t.projects.iter().filter(|p| width(&p.name_zh) <= 28) {
            assert!(out.contains(&p.name_zh), "{w}: {} cut", p.name_zh);
        }
        assert!(out.contains("在建"));
        assert!(
            out.contains("--wide shows every column"),
            "{w}: says what is hidden"
        );
        let out = ok(cli::progress(
            &f,
            day(),
            None,
            None,
            Format::Table { width: Some(w) },
        ));
        for l in out.lines() {
            assert!(width(l) <= w, "{w}: line too wide: {l}");
        }
        // The numbers a reader came for are whole: target, actual, percent
        // (the value's date in a column of its own, given way at 80).
        let gdp = out.lines().find(|l| l.contains("756.6亿元")).unwrap_or("");
        assert!(!gdp.is_empty(), "{w}:\n{out}");
        assert_eq!(
            gdp.split("756.6亿元")
                .nth(1)
                .is_some_and(|r| r.contains("2017")),
            w == 120,
            "{w}:\n{out}"
        );
        assert!(out.contains(">=20家"), "{w}");
        assert!(out.contains("reported") && out.contains("unreported"));
    }
    // Piped (no width): every column, ids and English names included.
    let out = ok(cli::list(&f, day(), Format::Table { width: None }, None));
    assert!(out.contains("renhe-road-renewal-bc") && out.contains("Visionox project"));
    assert!(!out.contains("--wide"));
    // The binary's stdout here is a pipe: whole lines, as before.
    let (good, out, _) = run(&["--file", f.to_str().expect("utf-8"), "list"]);
    assert!(
        good && out.lines().any(|l| width(l) > 200),
        "piped keeps every column"
    );
}

#[test]
fn csv_puts_value_unit_and_date_in_columns_of_their_own() {
    let f = bundled();
    let (good, out, err) = run(&[
        "--file",
        f.to_str().expect("utf-8"),
        "--today",
        "2024-09-01",
        "progress",
        "--format",
        "csv",
    ]);
    assert!(good, "{err}");
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let gdp: Vec<&str> = lines
        .find(|l| l.starts_with("gdp-2017,"))
        .expect("gdp row")
        .split(',')
        .collect();
    assert_eq!(gdp[col("actual")], "756.6");
    assert_eq!(gdp[col("unit")], "亿元");
    assert_eq!(gdp[col("actual_date")], "2017");
    let with_goal = out
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|r| r.get(col("comparator")) == Some(&">="))
        .expect("a goal");
    assert!(
        with_goal[col("target")].parse::<f64>().is_ok(),
        "{with_goal:?}"
    );
    assert!(
        !out.contains("亿元 ("),
        "no value, unit and date in one cell"
    );
    let (_, out, _) = run(&[
        "--file",
        f.to_str().expect("utf-8"),
        "list",
        "--format",
        "csv",
    ]);
    assert!(out.starts_with(
        "id,name_zh,name_en,chain,area,status,next_due,next_milestone,overdue,evidence\n"
    ));
}

#[test]
fn records_and_chains_are_named_by_id_name_pinyin_or_label() {
    let f = bundled();
    let file = f.to_str().expect("utf-8");
    // A Chinese name, an English name, pinyin.
    for name in ["维信诺项目", "visionox project", "weixinnuo"] {
        let (good, out, err) = run(&["--file", file, "show", name]);
        assert!(good, "{name}: {err}");
        assert!(out.starts_with("维信诺项目"), "{name}: {out}");
    }
    // Several matches: say which, by id, rather than nothing.
    let (good, _, err) = run(&["--file", file, "show", "人和路"]);
    assert!(!good);
    for id in [
        "renhe-road-renewal",
        "renhe-road-renewal-a",
        "renhe-road-renewal-bc",
    ] {
        assert!(err.contains(&format!("`{id}`")), "{err}");
    }
    // A chain by its Chinese name, in progress and report.
    let (good, out, err) = run(&["--file", file, "progress", "--chain", "现代金融"]);
    assert!(good, "{err}");
    assert!(out.contains("金融机构总数"), "{out}");
    let (good, out, err) = run(&["--file", file, "report", "--chain", "数字经济"]);
    assert!(good, "{err}");
    assert!(out.contains("数字经济"));
    let (good, _, err) = run(&["--file", file, "progress", "--chain", "nosuch"]);
    assert!(!good && err.contains("known chains"), "{err}");
    // set-status by name with a Chinese status label.
    let c = copy();
    let cf = c.file.to_str().expect("utf-8");
    let (good, out, err) = run(&[
        "--file",
        cf,
        "--today",
        "2024-09-01",
        "set-status",
        "维信诺项目",
        "已建成",
    ]);
    assert!(good, "{err}");
    assert!(
        out.contains("visionox: 在建 Under construction -> 已建成 Completed"),
        "messages use the interface's labels: {out}"
    );
    assert!(read(&c.file).contains("status: completed"));
    let (good, _, err) = run(&["--file", cf, "set-status", "visionox", "done-ish"]);
    assert!(!good && err.contains("已建成"), "{err}");
}

#[test]
fn help_describes_every_argument_and_option() {
    let (_, top, _) = run(&["--help"]);
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() >= 8, "{top}");
    for c in commands {
        let (good, help, _) = run(&[&c, "--help"]);
        assert!(good);
        // Every entry under Arguments: and Options: has words after it.
        let mut section = "";
        for l in help.lines() {
            if l.ends_with(':') && !l.starts_with(' ') {
                section = l;
                continue;
            }
            if (section == "Arguments:" || section == "Options:") && l.starts_with("  ") {
                let l = l.trim();
                let described = l.split("  ").filter(|p| !p.trim().is_empty()).count() > 1;
                assert!(described, "`{c} --help`: {l:?} is not described");
            }
        }
    }
}

/// "Next milestone reads the promise text in the interface but the
/// expected status in the CLI": both now read the due date and the
/// report's words, and mark it overdue with a leading `!`.
#[test]
fn next_milestone_reads_the_same_in_the_cli_and_the_interface() {
    let f = bundled();
    let t = shibei_tracker::store::load(&f).expect("loads").tracker;
    let p = t.project("visionox-project").expect("visionox");
    let (label, overdue) =
        shibei_tracker::domain::labels::next_due(p, day()).expect("a next milestone");
    let out = ok(cli::list(
        &f,
        day(),
        Format::Table { width: None },
        Some("维信诺"),
    ));
    let row = out.lines().find(|l| l.contains("维信诺项目")).expect("row");
    assert!(row.contains(&label), "{row} / {label}");
    // Marked at its start, as the interface does.
    assert_eq!(row.contains(&format!("! {label}")), overdue, "{row}");
}

/// A fitted table's columns, read by its rule line (`----  ------`): for
/// each header, its cells, row by row (the `n` rows after the rule).
fn columns_of(out: &str, n: usize) -> Vec<(String, Vec<String>)> {
    let lines: Vec<&str> = out.lines().collect();
    // Display-column ranges of the dashes.
    let mut spans = Vec::new();
    let mut start = None;
    for (x, c) in lines[1].chars().chain([' ']).enumerate() {
        match (c, start) {
            ('-', None) => start = Some(x),
            (' ', Some(s)) => {
                spans.push((s, x));
                start = None;
            }
            _ => {}
        }
    }
    let slice = |line: &str, (a, b): (usize, usize)| {
        let mut x = 0;
        let mut s = String::new();
        for c in line.chars() {
            if x >= a && x < b {
                s.push(c);
            }
            x += width(&c.to_string());
        }
        s.trim_end().to_string()
    };
    spans
        .iter()
        .map(|&sp| {
            (
                slice(lines[0], sp),
                lines[2..2 + n].iter().map(|l| slice(l, sp)).collect(),
            )
        })
        .collect()
}

fn column<'a>(cols: &'a [(String, Vec<String>)], header: &str) -> Option<&'a [String]> {
    cols.iter()
        .find(|(h, _)| h == header)
        .map(|(_, c)| c.as_slice())
}

/// Two different texts shown alike in a column (`cells[i]` shows `texts[i]`).
fn alike(texts: &[&str], cells: &[String]) -> Option<String> {
    for i in 0..texts.len() {
        for j in i + 1..texts.len() {
            if texts[i] != texts[j] && cells[i] == cells[j] {
                return Some(format!(
                    "{} and {} both read {}",
                    texts[i], texts[j], cells[i]
                ));
            }
        }
    }
    None
}

/// Issue 20: at 80 columns `progress` hid the period (a 2018 and a 2024
/// goal with the same metric could not be told apart), cut names to 8
/// characters so that two rows read `灾害民生综合保险~`, and the state could
/// drop while the percent stayed.
#[test]
fn progress_keeps_the_period_the_state_and_tells_every_name_apart() {
    let f = bundled();
    let t = shibei_tracker::store::load(&f).expect("loads").tracker;
    let names: Vec<&str> = t.targets.iter().map(|x| x.metric_zh.as_str()).collect();
    for w in [120, 80, 40] {
        let out = ok(cli::progress(
            &f,
            day(),
            None,
            None,
            Format::Table { width: Some(w) },
        ));
        for l in out.lines() {
            assert!(width(l) <= w, "{w}: line too wide: {l}");
        }
        let cols = columns_of(&out, t.targets.len());
        if w >= 80 {
            let period = column(&cols, "period").unwrap_or_else(|| panic!("{w}: no period\n{out}"));
            assert!(
                period.iter().all(|p| p.starts_with("20")),
                "{w}: {period:?}"
            );
        }
        let shown = column(&cols, "metric_zh").expect("names");
        if let Some(pair) = alike(&names, shown) {
            panic!("{w}: {pair}\n{out}");
        }
    }
    // At any width: no percent without its state.
    for w in (20..=160).step_by(3) {
        let out = ok(cli::progress(
            &f,
            day(),
            None,
            None,
            Format::Table { width: Some(w) },
        ));
        let cols = columns_of(&out, t.targets.len());
        if column(&cols, "percent").is_some() {
            assert!(
                column(&cols, "state").is_some(),
                "{w}: a percent without its state\n{out}"
            );
        }
    }
}

/// Issue 20: `list` at 80 columns cut the overdue marker off
/// (`2023 预计2023年开工~`), and at 120 hid the chain and the area.
#[test]
fn list_marks_overdue_at_the_start_and_shows_chain_and_area_at_120() {
    let f = bundled();
    let t = shibei_tracker::store::load(&f).expect("loads").tracker;
    let names: Vec<&str> = t.projects.iter().map(|p| p.name_zh.as_str()).collect();
    let late: Vec<bool> = t
        .projects
        .iter()
        .map(|p| shibei_tracker::domain::labels::next_due(p, day()).is_some_and(|(_, l)| l))
        .collect();
    assert!(
        late.iter().filter(|l| **l).count() >= 3,
        "the bundled file has overdue milestones"
    );
    for w in [120, 80, 40] {
        let out = ok(cli::list(&f, day(), Format::Table { width: Some(w) }, None));
        for l in out.lines() {
            assert!(width(l) <= w, "{w}: line too wide: {l}");
        }
        let cols = columns_of(&out, t.projects.len());
        let next = column(&cols, "next_milestone")
            .or_else(|| {
                cols.iter()
                    .find(|(h, _)| h.starts_with("next_"))
                    .map(|c| c.1.as_slice())
            })
            .unwrap_or_else(|| panic!("{w}: no next milestone\n{out}"));
        for (k, cell) in next.iter().enumerate() {
            assert_eq!(
                cell.starts_with("! "),
                late[k],
                "{w}: {} reads {cell:?}",
                names[k]
            );
        }
        if w >= 120 {
            assert!(
                column(&cols, "chain").is_some() && column(&cols, "area").is_some(),
                "{out}"
            );
        }
        if let Some(pair) = alike(&names, column(&cols, "name_zh").expect("names")) {
            panic!("{w}: {pair}\n{out}");
        }
        let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words.contains("! marks an overdue milestone"),
            "{w}: the mark is explained"
        );
    }
}
