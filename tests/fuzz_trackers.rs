//! Property tests over mutated trackers (proptest): whatever a hand edit,
//! a broken transfer or a hostile sender does to the file, loading never
//! panics or hangs, and every file that loads saves and reads back equal.
//! A second property checks the comment detector against the parser
//! itself: a `#` that YAML treats as a comment is always found.
//!
//! Bounded for CI: FUZZ_CASES mutated files (PROPTEST_CASES overrides),
//! each with a 10-second limit.

use proptest::prelude::*;
use proptest::test_runner::Config;
use shibei_tracker::store;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

pub const FUZZ_CASES: u32 = 400;
pub const COMMENT_CASES: u32 = 600;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui")
}

fn base_text() -> String {
    std::fs::read_to_string(fixture().join("tracker.yaml")).expect("fixture")
}

/// Pieces a mutation inserts: YAML syntax, escapes that decode to
/// controls, raw controls, numbers past u64, comment forms, anchors.
const PIECES: &[&str] = &[
    "#",
    " # c",
    "\"#x",
    "&a ",
    "*a",
    " &b [1]",
    "\u{1b}",
    "\\e]52;c;eA==\\a",
    "\\x9b",
    "\\u0085",
    "\\N",
    "\\L",
    "\\P",
    "\\U0001FFFE",
    "\\uFFFE",
    "\\u202e",
    "\u{85}",
    "\u{2028}",
    "\u{202e}",
    "\u{feff}",
    "\u{fffe}",
    "\u{7f}",
    "\r",
    "\n",
    "\t",
    "\"",
    "'",
    "---\n",
    "...\n",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    ",",
    "|\n",
    ">-\n",
    "!!str ",
    "!x ",
    "~",
    "null",
    "1e30",
    "-1e-320",
    "18446744073709551616",
    "0x1F",
    ".inf",
    ".nan",
    "-0",
    "99999999999999999999.5",
    "  ",
    "中文",
    "\u{200b}",
    "\u{3000}",
    "? ",
    "%YAML 1.2\n",
    "<<: ",
    "\\",
    "\\n",
];

/// Text put inside double quotes in place of a value: most are accepted
/// (so the save and read-back are exercised), some are hostile escapes.
const QUOTED: &[&str] = &[
    "plain",
    "  spaces  ",
    "中文“引号”——…",
    "a: b",
    "x #hash",
    "'single'",
    "multi\\nline",
    "tab\\there",
    "back\\\\slash",
    "\\\"q\\\"",
    "emoji 🚀",
    "\\u00e9",
    "\\u2028sep",
    "\\u0085nel",
    "\\e[2J",
    "\\x7f",
    "\\u200b",
    "\\u3000",
    "{[,]}",
    "*a &b",
    "!tag",
    "--- ...",
    "%",
    "@`",
    "1e30",
    "null",
    "~",
];

#[derive(Debug, Clone)]
enum Mutation {
    Quoted {
        line: usize,
        piece: usize,
    },
    Insert {
        line: usize,
        at: usize,
        piece: usize,
    },
    Delete {
        line: usize,
    },
    Duplicate {
        line: usize,
    },
    Swap {
        a: usize,
        b: usize,
    },
    ReplaceValue {
        line: usize,
        piece: usize,
    },
    Indent {
        line: usize,
        by: i8,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let n = PIECES.len();
    let q = QUOTED.len();
    prop_oneof![
        6 => (any::<usize>(), 0..q).prop_map(|(line, piece)| Mutation::Quoted { line, piece }),
        4 => (any::<usize>(), any::<usize>(), 0..n).prop_map(|(line, at, piece)| Mutation::Insert { line, at, piece }),
        1 => any::<usize>().prop_map(|line| Mutation::Delete { line }),
        1 => any::<usize>().prop_map(|line| Mutation::Duplicate { line }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap { a, b }),
        3 => (any::<usize>(), 0..n).prop_map(|(line, piece)| Mutation::ReplaceValue { line, piece }),
        1 => (any::<usize>(), -3i8..=3).prop_map(|(line, by)| Mutation::Indent { line, by }),
    ]
}

fn char_boundary(s: &str, at: usize) -> usize {
    let mut i = at % (s.len() + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(text: &str, muts: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    for m in muts {
        let n = lines.len().max(1);
        match *m {
            Mutation::Quoted { line, piece } => {
                // Only lines holding a quoted value: names, notes, quotes.
                let l = &mut lines[line % n];
                if let Some(i) = l.find(": \"") {
                    l.truncate(i + 2);
                    l.push('"');
                    l.push_str(QUOTED[piece]);
                    l.push('"');
                }
            }
            Mutation::Insert { line, at, piece } => {
                let l = &mut lines[line % n];
                let i = char_boundary(l, at);
                l.insert_str(i, PIECES[piece]);
            }
            Mutation::Delete { line } => {
                if lines.len() > 1 {
                    lines.remove(line % n);
                }
            }
            Mutation::Duplicate { line } => {
                let l = lines[line % n].clone();
                lines.insert(line % n, l);
            }
            Mutation::Swap { a, b } => lines.swap(a % n, b % n),
            Mutation::ReplaceValue { line, piece } => {
                let l = &mut lines[line % n];
                if let Some(i) = l.find(": ") {
                    l.truncate(i + 2);
                    l.push_str(PIECES[piece]);
                }
            }
            Mutation::Indent { line, by } => {
                let l = &mut lines[line % n];
                if by > 0 {
                    l.insert_str(0, &" ".repeat(by as usize));
                } else {
                    let strip = l
                        .chars()
                        .take_while(|&c| c == ' ')
                        .count()
                        .min((-by) as usize);
                    l.drain(..strip);
                }
            }
        }
    }
    lines.join("\n")
}

/// Runs `f` on another thread and fails if it takes more than `secs`.
fn within<T: Send + 'static>(secs: u64, what: String, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(Ok(v)) => v,
        Ok(Err(_)) => panic!("panicked on {what}"),
        Err(_) => panic!("no answer within {secs} s (a hang) on {what}"),
    }
}

/// A scratch folder with the fixture's reports, reused by every case.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::create_dir(dir.path().join("seeds")).expect("seeds");
    for e in std::fs::read_dir(fixture().join("seeds")).expect("seeds") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), dir.path().join("seeds").join(e.file_name())).expect("copy");
    }
    dir
}

/// What happened to one mutated file (for the counts printed at the end).
#[derive(Debug, PartialEq, Eq)]
enum Fate {
    Refused,
    SavedAndReadBack,
    KeptComments,
}

fn check_one(dir: &Path, text: String) -> Fate {
    let file = dir.join("tracker.yaml");
    let seeds = dir.join("seeds");
    let parsed = store::parse(&text, &file, &seeds);
    let Ok(tracker) = parsed else {
        // Refusals must say where: every problem names the file.
        for p in parsed.err().unwrap_or_default() {
            assert!(!p.message.is_empty(), "a problem without a message");
        }
        return Fate::Refused;
    };
    std::fs::write(&file, &text).expect("write");
    match store::save(&file, &tracker, &text) {
        Ok(written) => {
            let back = store::load(&file).unwrap_or_else(|p| {
                panic!("saved file does not load: {p:?}\n--- saved:\n{written}")
            });
            assert_eq!(back.tracker, tracker, "saved file reads back different");
            assert_eq!(back.text, written);
            Fate::SavedAndReadBack
        }
        Err(store::SaveError::Comments(_)) => {
            assert!(!store::comment_lines(&text).is_empty());
            Fate::KeptComments
        }
        Err(e) => panic!(
            "an accepted file could not be saved: {}\n--- text:\n{text}",
            e.describe(&file)
        ),
    }
}

proptest! {
    #![proptest_config(Config { cases: FUZZ_CASES, failure_persistence: None, ..Config::default() })]

    /// Mutated trackers: no panic, no hang; accepted ones save and read back equal.
    #[test]
    fn mutated_trackers_load_safely_and_round_trip(muts in prop::collection::vec(mutation(), 1..4)) {
        let dir = scratch();
        let text = mutate(&base_text(), &muts);
        let path = dir.path().to_path_buf();
        let shown = format!("{muts:?}");
        let fate = within(10, shown, move || check_one(&path, text));
        // FUZZ_TALLY=1 prints each outcome, to count them (see README).
        if std::env::var_os("FUZZ_TALLY").is_some() {
            eprintln!("fate: {fate:?}");
        }
    }

    /// Wherever `#` is inserted: if YAML reads it as a comment (the parsed
    /// document is unchanged), the comment check finds it.
    #[test]
    fn every_comment_yaml_accepts_is_found(
        line in any::<usize>(),
        at in any::<usize>(),
        form in prop::sample::select(vec!["#c", " #c", "\t#c", " # c: [x]", "#"]),
    ) {
        let base = base_text();
        let base_value: serde_yaml::Value = serde_yaml::from_str(&base).expect("fixture parses");
        let mut lines: Vec<String> = base.lines().map(str::to_string).collect();
        let n = lines.len();
        let l = &mut lines[line % n];
        let i = char_boundary(l, at);
        l.insert_str(i, form);
        let text = lines.join("\n") + "\n";
        if let Ok(v) = serde_yaml::from_str::<serde_yaml::Value>(&text) {
            if v == base_value {
                prop_assert!(
                    !store::comment_lines(&text).is_empty(),
                    "a comment YAML accepts was not found in line {}: {:?}",
                    line % n + 1,
                    lines[line % n]
                );
            }
        }
    }
}

/// The unmutated fixture and a few hand-picked hostile files, as fixed cases.
#[test]
fn known_hostile_edits() {
    let dir = scratch();
    let base = base_text();
    assert_eq!(check_one(dir.path(), base.clone()), Fate::SavedAndReadBack);
    for (from, to) in [
        ("name_en: \"Visionox", "name_en: \"\\e]0;x\\aVisionox"),
        ("schema_version: 2", "schema_version: 2 # c"),
        ("schema_version: 2", "x: &a 1\nschema_version: 2"),
    ] {
        let text = base.replacen(from, to, 1);
        assert_ne!(text, base);
        let fate = check_one(dir.path(), text);
        assert_ne!(fate, Fate::SavedAndReadBack, "{to:?}");
    }
    let crlf = format!("\u{feff}{}", base.replace('\n', "\r\n"));
    assert_eq!(check_one(dir.path(), crlf), Fate::SavedAndReadBack);
}
