//! Finds the line and column of a document path in YAML text.
//!
//! serde_yaml's `Value` forgets positions, so validation problems found after
//! parsing are placed by walking the block structure of the text by
//! indentation. That covers the block style the tracker writes and people
//! type; inside flow collections (`[a, b]`) it falls back to the line of the
//! enclosing key.

use super::path::{DocPath, Seg};

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

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "schema_version: 1\nprojects:\n  - id: a\n    name_zh: 甲\n    history:\n      - date: \"2020\"\n        note: x\n      - date: \"bad\"\n        note: y\n  - id: b\n    aliases: [x, y]\ntargets: []\n";

    fn at(path: &[Seg]) -> (usize, usize) {
        locate(DOC, &DocPath(path.to_vec()))
    }

    fn k(s: &str) -> Seg {
        Seg::Key(s.into())
    }

    #[test]
    fn finds_nested_keys() {
        assert_eq!(
            at(&[
                k("projects"),
                Seg::Index(0),
                k("history"),
                Seg::Index(1),
                k("date")
            ]),
            (8, 9)
        );
        assert_eq!(at(&[k("projects"), Seg::Index(1), k("id")]), (10, 5));
        assert_eq!(at(&[k("targets")]), (12, 1));
    }

    #[test]
    fn falls_back_to_the_nearest_found_parent() {
        assert_eq!(at(&[k("projects"), Seg::Index(1), k("status")]), (10, 3));
        assert_eq!(
            at(&[k("projects"), Seg::Index(1), k("aliases"), Seg::Index(1)]),
            (11, 5)
        );
        assert_eq!(at(&[k("nothing")]), (1, 1));
    }
}
