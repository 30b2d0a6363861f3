//! Finds the line and column of a document path in YAML text.
//!
//! serde_yaml's `Value` forgets positions, so validation problems found after
//! parsing are placed by walking the block structure of the text by
//! indentation. That covers the block style the tracker writes and people
//! type; inside flow collections (`[a, b]`) it falls back to the line of the
//! enclosing key.

use super::path::{DocPath, Seg};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

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

/// A block node's lines: the rest of its first line when the node starts
/// after a key or a dash (`head`), then whole lines `from..to` of the
/// index.
#[derive(Debug, Clone, Copy)]
struct Scope<'a> {
    head: Option<Line<'a>>,
    from: usize,
    to: usize,
}

/// A scope by where its head starts (line, column) and its whole lines.
type ScopeId = (Option<(usize, usize)>, usize, usize);

/// What a scope holds, found in one pass over its lines: the first line of
/// each key at its indentation with the end of that key's value, and the
/// items of a list with their ends (positions count `head` as 0).
#[derive(Debug, Default)]
struct Children<'a> {
    keys: HashMap<&'a str, (usize, usize)>,
    items: Vec<(usize, usize)>,
}

/// The significant lines of one file, indexed once, and what each scope
/// visited holds: placing any number of problems in the file costs about
/// one pass over it per level of nesting, whatever their number.
pub struct Locator<'a> {
    lines: Vec<Line<'a>>,
    children: RefCell<HashMap<ScopeId, Rc<Children<'a>>>>,
    /// Lines read to find children, for the test that the cost is linear.
    #[cfg(test)]
    read: std::cell::Cell<usize>,
}

impl<'a> Locator<'a> {
    pub fn new(src: &'a str) -> Self {
        Locator {
            lines: significant_lines(src),
            children: RefCell::default(),
            #[cfg(test)]
            read: Default::default(),
        }
    }

    fn len(&self, s: Scope<'a>) -> usize {
        usize::from(s.head.is_some()) + s.to - s.from
    }

    fn at(&self, s: Scope<'a>, i: usize) -> Line<'a> {
        match s.head {
            Some(h) if i == 0 => h,
            Some(_) => self.lines[s.from + i - 1],
            None => self.lines[s.from + i],
        }
    }

    /// The lines of `s` from position `a` to `b`, headed by `head`.
    fn sub(&self, s: Scope<'a>, head: Option<Line<'a>>, a: usize, b: usize) -> Scope<'a> {
        let real = |i: usize| s.from + i - usize::from(s.head.is_some());
        // Position 0 of `s` may be its head, never part of a range after it.
        let a = a.max(usize::from(s.head.is_some()));
        Scope {
            head,
            from: real(a),
            to: real(b.max(a)),
        }
    }

    fn children(&self, s: Scope<'a>) -> Rc<Children<'a>> {
        let id: ScopeId = (s.head.map(|h| (h.no, h.indent)), s.from, s.to);
        if let Some(c) = self.children.borrow().get(&id) {
            return Rc::clone(c);
        }
        let n = self.len(s);
        #[cfg(test)]
        self.read.set(self.read.get() + n);
        let base = self.at(s, 0).indent;
        let mut c = Children::default();
        // Lines at the scope's indentation or less end the values and
        // items before them, read from the last up.
        let mut key_end = n;
        let mut item_end = n;
        let mut keys = Vec::new();
        for i in (0..n).rev() {
            let l = self.at(s, i);
            if l.indent > base {
                continue;
            }
            if l.indent == base {
                if let Some(k) = key_of(l.text) {
                    keys.push((k, (i, key_end)));
                }
                if l.text == "-" || l.text.starts_with("- ") {
                    c.items.push((i, item_end));
                }
            }
            // A key's value goes on over the items of a list not indented
            // under it.
            if l.indent < base || !l.text.starts_with("- ") {
                key_end = i;
            }
            item_end = i;
        }
        c.items.reverse();
        // An item ends where the next begins (the last, at the first line
        // not indented under it).
        for k in 1..c.items.len() {
            c.items[k - 1].1 = c.items[k].0;
        }
        // The first line of a repeated key wins.
        for (k, at) in keys {
            c.keys.insert(k, at);
        }
        let c = Rc::new(c);
        self.children.borrow_mut().insert(id, Rc::clone(&c));
        c
    }

    /// Returns the 1-based (line, column) of the deepest part of `path`
    /// found.
    pub fn locate(&self, path: &DocPath) -> (usize, usize) {
        let mut scope = Scope {
            head: None,
            from: 0,
            to: self.lines.len(),
        };
        let mut found = self.lines.first().map_or((1, 1), |l| (l.no + 1, 1));
        for seg in &path.0 {
            if self.len(scope) == 0 {
                break;
            }
            let first = self.at(scope, 0);
            let children = self.children(scope);
            match seg {
                Seg::Key(k) => {
                    let Some(&(pos, end)) = children.keys.get(k.as_str()) else {
                        break;
                    };
                    let line = self.at(scope, pos);
                    found = (line.no + 1, line.indent + 1);
                    let rest = value_after_key(line.text);
                    // The value sits on the key's line.
                    let head = (!rest.is_empty()).then(|| Line {
                        no: line.no,
                        indent: line.indent + line.text.len() - rest.len(),
                        text: rest,
                    });
                    scope = self.sub(scope, head, pos + 1, end);
                }
                Seg::Index(i) => {
                    if !first.text.starts_with('-') {
                        break;
                    }
                    let Some(&(start, end)) = children.items.get(*i) else {
                        break;
                    };
                    let line = self.at(scope, start);
                    found = (line.no + 1, line.indent + 1);
                    let after_dash = line.text[1..].trim_start_matches(' ');
                    let head = (!after_dash.is_empty()).then(|| Line {
                        no: line.no,
                        indent: line.indent + line.text.len() - after_dash.len(),
                        text: after_dash,
                    });
                    scope = self.sub(scope, head, start + 1, end);
                }
            }
        }
        found
    }
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
        Locator::new(DOC).locate(&DocPath(path.to_vec()))
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

    #[test]
    fn placing_every_record_reads_each_line_a_few_times_only() {
        let mut doc = String::from("schema_version: 2\nprojects:\n");
        let n = 3000;
        for i in 0..n {
            doc.push_str(&format!(
                "  - id: p{i}\n    name_zh: 甲\n    history:\n      - date: \"2020\"\n        source: r{i}\n"
            ));
        }
        doc.push_str("targets: []\n");
        let lines = Locator::new(&doc);
        for i in (0..n).rev() {
            let path = [
                k("projects"),
                Seg::Index(i),
                k("history"),
                Seg::Index(0),
                k("source"),
            ];
            assert_eq!(lines.locate(&DocPath(path.to_vec())), (7 + 5 * i, 9));
        }
        // The root, the list, then each record and its history once: each
        // line is read at most once per level it is nested in.
        let total = doc.lines().count();
        assert!(
            lines.read.get() <= 4 * total,
            "{} reads of {total} lines",
            lines.read.get()
        );
    }
}
