//! Problem placement (`store::locate::Locator`) gives exactly the positions
//! the first placement gave, which re-split the file for every problem (its
//! code is kept below as the reference): on every fixture, and on the
//! fixtures with lines deleted, duplicated, swapped and re-indented, for
//! every path in the document and paths that lead nowhere.

use proptest::prelude::*;
use shibei_tracker::store::locate::Locator;
use shibei_tracker::store::path::{DocPath, Seg};
use std::path::Path;

/// The placement as it was: one walk over freshly split lines per path.
mod reference {
    use super::{DocPath, Seg};

    #[derive(Debug, Clone, Copy)]
    struct Line<'a> {
        /// 0-based line number in the file.
        no: usize,
        indent: usize,
        text: &'a str,
    }

    fn significant_lines(src: &str) -> Vec<Line<'_>> {
        src.lines()
            .enumerate()
            .filter_map(|(no, raw)| {
                let text = raw.trim_start_matches(' ');
                let trimmed = text.trim();
                if trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "---" {
                    return None;
                }
                Some(Line {
                    no,
                    indent: raw.len() - text.len(),
                    text,
                })
            })
            .collect()
    }

    /// Returns the 1-based (line, column) of the deepest part of `path` found.
    pub fn locate(src: &str, path: &DocPath) -> (usize, usize) {
        let lines = significant_lines(src);
        let mut scope: Vec<Line> = lines;
        let mut found = scope.first().map(|l| (l.no + 1, 1)).unwrap_or((1, 1));
        for seg in &path.0 {
            let Some(first) = scope.first().copied() else {
                break;
            };
            let base = first.indent;
            match seg {
                Seg::Key(k) => {
                    let pos = scope
                        .iter()
                        .position(|l| l.indent == base && key_of(l.text) == Some(k.as_str()));
                    let Some(pos) = pos else { break };
                    let line = scope[pos];
                    found = (line.no + 1, line.indent + 1);
                    let end = scope[pos + 1..]
                        .iter()
                        .position(|l| {
                            l.indent < base || (l.indent == base && !l.text.starts_with("- "))
                        })
                        .map_or(scope.len(), |e| pos + 1 + e);
                    let rest = value_after_key(line.text);
                    let mut inner: Vec<Line> = scope[pos + 1..end].to_vec();
                    if !rest.is_empty() {
                        // The value sits on the key's line.
                        inner.insert(
                            0,
                            Line {
                                no: line.no,
                                indent: line.indent + line.text.len() - rest.len(),
                                text: rest,
                            },
                        );
                    }
                    scope = inner;
                }
                Seg::Index(i) => {
                    if !first.text.starts_with('-') {
                        break;
                    }
                    let items: Vec<usize> = scope
                        .iter()
                        .enumerate()
                        .filter(|(_, l)| {
                            l.indent == base && (l.text == "-" || l.text.starts_with("- "))
                        })
                        .map(|(n, _)| n)
                        .collect();
                    let Some(&start) = items.get(*i) else { break };
                    let end = items.get(i + 1).copied().unwrap_or_else(|| {
                        scope[start + 1..]
                            .iter()
                            .position(|l| l.indent <= base)
                            .map_or(scope.len(), |e| start + 1 + e)
                    });
                    let head = scope[start];
                    found = (head.no + 1, head.indent + 1);
                    let after_dash = head.text[1..].trim_start_matches(' ');
                    let mut inner: Vec<Line> = Vec::new();
                    if !after_dash.is_empty() {
                        inner.push(Line {
                            no: head.no,
                            indent: head.indent + head.text.len() - after_dash.len(),
                            text: after_dash,
                        });
                    }
                    inner.extend_from_slice(&scope[start + 1..end]);
                    scope = inner;
                }
            }
        }
        found
    }

    /// The key of a `key: value` line, without quotes.
    fn key_of(text: &str) -> Option<&str> {
        let (k, _) = text.split_once(':')?;
        let k = k.trim();
        let k = k
            .strip_prefix('"')
            .and_then(|k| k.strip_suffix('"'))
            .unwrap_or(k);
        let k = k
            .strip_prefix('\'')
            .and_then(|k| k.strip_suffix('\''))
            .unwrap_or(k);
        Some(k)
    }

    fn value_after_key(text: &str) -> &str {
        text.split_once(':')
            .map(|(_, v)| v.trim_start_matches(' '))
            .unwrap_or("")
    }
}

/// The small fixtures (the bundled tracker is checked on its own: the
/// reference costs a pass over the file per path).
fn fixtures() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["tui", "v1", "valid", "values"] {
        files.push(root.join("tests/fixtures").join(dir).join("tracker.yaml"));
    }
    for e in std::fs::read_dir(root.join("tests/fixtures/bad")).expect("bad fixtures") {
        files.push(e.expect("entry").path());
    }
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect()
}

/// Every path in `v`, with a key and an index that lead nowhere under each.
fn paths(v: &serde_yaml::Value, at: &mut Vec<Seg>, out: &mut Vec<DocPath>) {
    out.push(DocPath(at.clone()));
    let mut nowhere = at.clone();
    nowhere.push(Seg::Key("no_such_key".into()));
    out.push(DocPath(nowhere.clone()));
    nowhere.pop();
    nowhere.push(Seg::Index(9999));
    out.push(DocPath(nowhere));
    match v {
        serde_yaml::Value::Mapping(m) => {
            for (k, v) in m {
                if let Some(k) = k.as_str() {
                    at.push(Seg::Key(k.to_string()));
                    paths(v, at, out);
                    at.pop();
                }
            }
        }
        serde_yaml::Value::Sequence(s) => {
            for (i, v) in s.iter().enumerate() {
                at.push(Seg::Index(i));
                paths(v, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn all_paths(text: &str) -> Vec<DocPath> {
    let mut out = Vec::new();
    if let Ok(v) = serde_yaml::from_str::<serde_yaml::Value>(text) {
        paths(&v, &mut Vec::new(), &mut out);
    }
    out
}

fn same_as_reference(text: &str, paths: &[DocPath]) -> Result<(), String> {
    let lines = Locator::new(text);
    for p in paths {
        let (now, was) = (lines.locate(p), reference::locate(text, p));
        if now != was {
            return Err(format!("{p}: {now:?}, was {was:?}"));
        }
    }
    Ok(())
}

#[test]
fn every_fixture_path_is_placed_as_before() {
    for text in fixtures() {
        let paths = all_paths(&text);
        if let Err(e) = same_as_reference(&text, &paths) {
            panic!("{e}\n{text}");
        }
    }
}

/// The bundled tracker (6,000 lines): one path in 50 of every kind.
#[test]
fn the_bundled_trackers_paths_are_placed_as_before() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tracker.yaml")).expect("tracker.yaml");
    let paths: Vec<DocPath> = all_paths(&text).into_iter().step_by(50).collect();
    assert!(paths.len() > 200, "{}", paths.len());
    if let Err(e) = same_as_reference(&text, &paths) {
        panic!("{e}");
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Indent(usize, i8),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Delete),
        any::<usize>().prop_map(Edit::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Swap(a, b)),
        (any::<usize>(), -4i8..=4).prop_map(|(l, by)| Edit::Indent(l, by)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for e in edits {
        let n = lines.len();
        if n == 0 {
            break;
        }
        match *e {
            Edit::Delete(l) => {
                lines.remove(l % n);
            }
            Edit::Duplicate(l) => {
                let line = lines[l % n].clone();
                lines.insert(l % n, line);
            }
            Edit::Swap(a, b) => lines.swap(a % n, b % n),
            Edit::Indent(l, by) => {
                let line = &mut lines[l % n];
                if by > 0 {
                    line.insert_str(0, &" ".repeat(by as usize));
                } else {
                    let strip = line
                        .chars()
                        .take_while(|&c| c == ' ')
                        .count()
                        .min(by.unsigned_abs() as usize);
                    line.drain(..strip);
                }
            }
        }
    }
    lines.join("\n") + "\n"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// Hand-broken structure: the paths of the file before the edits (and
    /// after, when it still parses) are placed as before.
    #[test]
    fn edited_files_are_placed_as_before(which in any::<usize>(), edits in prop::collection::vec(edit(), 1..6)) {
        let all = fixtures();
        let base = &all[which % all.len()];
        let text = apply(base, &edits);
        let mut paths = all_paths(base);
        paths.extend(all_paths(&text));
        let checked = same_as_reference(&text, &paths);
        prop_assert!(checked.is_ok(), "{}", checked.unwrap_err());
    }
}
