//! The lexical pass (`store::scan`) against the YAML parser itself, on
//! generated trackers written in every style YAML allows by hand: quoted
//! keys, block scalars (`|`, `>`, chomping, explicit indentation, blank
//! and more-indented lines), plain and quoted scalars over several lines,
//! flow collections on one line or several, compact and indentless lists.
//!
//! A comment or an alias is then placed anywhere, and whenever the parser
//! reads it as one, the scan must have found it: a comment the scan misses
//! is dropped by the next save, and an alias it misses reaches the parser,
//! where nine levels of them expand to gigabytes.
//!
//! The parser is the judge: a comment is what leaves the parsed document
//! unchanged when inserted; an alias is what the parser stops at as an
//! unknown anchor (the generated files define none); an anchor is what
//! leaves the document unchanged.

use proptest::prelude::*;
use proptest::test_runner::Config;
use shibei_tracker::store::scan::scan;

const CASES: u32 = 1500;

/// Choices drawn from a tape of bytes (zero once it runs out), so that
/// proptest shrinks a failing file toward the plainest one.
struct Gen<'a> {
    tape: &'a [u8],
    at: usize,
    out: String,
}

/// Words a plain scalar may start with.
const WORDS: &[&str] = &[
    "市北",
    "Renhe",
    "road-renewal",
    "1.8",
    "2024-01",
    "zone",
    "万平方米",
    "B、C区",
    "x1",
];
/// Words a plain scalar may hold after its first: `#`, `&`, `*`, `:` and
/// quotes that are text there.
const INNER: &[&str] = &[
    "a#b",
    "x:y",
    "&amp",
    "*star",
    "!bang",
    "|",
    ">",
    "'q'",
    "\"q\"",
    "-",
    "[x]",
    "{y}",
    "%",
    "中文“引号”",
];
/// Text inside quotes or block scalars: what would be syntax outside.
const TEXT: &[&str] = &[
    "# not a comment",
    "&a *b",
    "key: value",
    "- item",
    "x #y",
    "'single'",
    "say \"hi\"",
    "[1, 2]",
    "{a: b}",
    "--- not a marker",
    "... nor this",
    "%YAML",
    "市北区",
    "|",
    "*alias",
    "",
];
const KEYS: &[&str] = &[
    "id", "note", "name_zh", "name_en", "quote", "status", "date", "source", "value", "aliases",
    "history", "figures", "title",
];

impl<'a> Gen<'a> {
    fn pick(&mut self, n: usize) -> usize {
        let v = self.tape.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        v as usize % n
    }

    fn one<'s>(&mut self, from: &[&'s str]) -> &'s str {
        from[self.pick(from.len())]
    }

    fn nl(&mut self, col: usize) {
        self.out.push('\n');
        self.out.push_str(&" ".repeat(col));
    }

    /// A key not among `used` (a mapping's keys are distinct).
    fn key(&mut self, used: &mut Vec<usize>) {
        let mut i = self.pick(KEYS.len());
        while used.contains(&i) {
            i = (i + 1) % KEYS.len();
        }
        used.push(i);
        let k = KEYS[i];
        match self.pick(3) {
            0 => self.out.push_str(k),
            1 => self.out.push_str(&format!("\"{k}\"")),
            _ => self.out.push_str(&format!("'{k}'")),
        }
        self.out.push(':');
    }

    fn plain(&mut self, col: usize) {
        let first = self.one(WORDS);
        self.out.push_str(first);
        for _ in 0..self.pick(3) {
            self.out.push(' ');
            let w = self.one(INNER);
            self.out.push_str(w);
        }
        // Continuation lines, indented past the collection.
        for _ in 0..self.pick(3) / 2 {
            let more = 1 + self.pick(3);
            self.nl(col + more);
            let w = self.one(WORDS);
            self.out.push_str(w);
        }
    }

    fn double(&mut self, col: usize) {
        self.out.push('"');
        let lines = 1 + self.pick(3) / 2;
        for i in 0..lines {
            if i > 0 {
                let more = 1 + self.pick(3);
                self.nl(col + more);
            }
            let t = self.one(TEXT).replace('\\', "\\\\").replace('"', "\\\"");
            self.out.push_str(&t);
        }
        self.out.push('"');
    }

    fn single(&mut self) {
        let t = self.one(TEXT).replace('\'', "''");
        self.out.push_str(&format!("'{t}'"));
    }

    /// A `|` or `>` scalar for a node whose collection stands at `col`.
    fn block(&mut self, col: usize) {
        let indicator = if self.pick(2) == 0 { '|' } else { '>' };
        self.out.push(indicator);
        let chomp = ["", "-", "+"][self.pick(3)];
        let step = 1 + self.pick(4);
        let explicit = self.pick(3) == 0;
        if explicit {
            self.out.push_str(&format!("{step}{chomp}"));
        } else {
            self.out.push_str(chomp);
        }
        let content = col + step;
        let lines = 1 + self.pick(4);
        for i in 0..lines {
            self.out.push('\n');
            match self.pick(6) {
                // A blank line, empty or with a few spaces.
                0 if i > 0 => {
                    let spaces = self.pick(content + 2);
                    self.out.push_str(&" ".repeat(spaces));
                    continue;
                }
                // More indented than the rest (not first unless the
                // indentation is given).
                1 if i > 0 || explicit => self.out.push_str(&" ".repeat(content + 2)),
                _ => self.out.push_str(&" ".repeat(content)),
            }
            let t = self.one(TEXT);
            let t = if t.is_empty() { "text" } else { t };
            self.out.push_str(t);
        }
        // Trailing blank lines (kept by `+`).
        for _ in 0..self.pick(3) / 2 {
            self.out.push('\n');
        }
    }

    fn flow_item(&mut self, depth: usize) {
        match self.pick(if depth > 0 { 5 } else { 3 }) {
            0 => {
                let w = self.one(WORDS);
                self.out.push_str(w);
            }
            1 => self.double(0),
            2 => self.single(),
            3 => self.flow_seq(0, depth - 1),
            _ => self.flow_map(0, depth - 1),
        }
    }

    fn flow_seq(&mut self, col: usize, depth: usize) {
        self.out.push('[');
        let n = self.pick(4);
        let multiline = self.pick(3) == 0;
        for i in 0..n {
            if i > 0 {
                self.out.push(',');
                if !multiline {
                    self.out.push(' ');
                }
            }
            if multiline {
                self.nl(col + 2);
            }
            self.flow_item(depth);
        }
        self.out.push(']');
    }

    fn flow_map(&mut self, col: usize, depth: usize) {
        self.out.push('{');
        let n = self.pick(3);
        let mut used = Vec::new();
        for i in 0..n {
            if i > 0 {
                self.out.push_str(", ");
            }
            if self.pick(4) == 0 {
                self.nl(col + 2);
            }
            self.key(&mut used);
            self.out.push(' ');
            self.flow_item(depth);
        }
        self.out.push('}');
    }

    /// The value after `key:`; `col` is the key's column.
    fn value(&mut self, col: usize, depth: usize) {
        let kinds = if depth > 0 { 9 } else { 6 };
        match self.pick(kinds) {
            0 => {
                self.out.push(' ');
                self.plain(col);
            }
            1 => {
                self.out.push(' ');
                self.double(col);
            }
            2 => {
                self.out.push(' ');
                self.single();
            }
            3 => {
                self.out.push(' ');
                self.block(col);
            }
            4 => {
                self.out.push(' ');
                self.flow_seq(col, 1);
            }
            5 => {
                self.out.push(' ');
                self.flow_map(col, 1);
            }
            6 => {
                // A list, indented or not.
                let more = self.pick(3) * 2;
                self.seq(col + more, depth - 1);
            }
            7 => {
                let more = 2 + self.pick(2) * 2;
                self.nl(col + more);
                self.map(col + more, depth - 1);
            }
            // The value on the next line.
            _ => {
                let more = 2 + self.pick(2);
                self.nl(col + more);
                match self.pick(3) {
                    0 => self.plain(col + more),
                    1 => self.double(col + more),
                    _ => self.block(col),
                }
            }
        }
    }

    /// Entries of a block mapping at `col`; the cursor stands at `col` on
    /// the first entry's line.
    fn map(&mut self, col: usize, depth: usize) {
        let n = 1 + self.pick(4);
        let mut used = Vec::new();
        for i in 0..n {
            if i > 0 {
                self.nl(col);
            }
            self.key(&mut used);
            self.value(col, depth);
        }
    }

    /// A block list with its dashes at `col`, starting on a new line.
    fn seq(&mut self, col: usize, depth: usize) {
        let n = 1 + self.pick(3);
        for _ in 0..n {
            self.nl(col);
            self.out.push_str("- ");
            match self.pick(if depth > 0 { 6 } else { 4 }) {
                0 => self.plain(col + 2),
                1 => self.double(col + 2),
                2 => self.block(col),
                3 | 4 => self.map(col + 2, depth),
                // A list in a list, on the same line.
                _ => {
                    self.out.push_str("- ");
                    self.map(col + 4, depth - 1);
                }
            }
        }
    }

    /// A tracker-shaped document: a few sections of records.
    fn tracker(mut self) -> String {
        self.out.push_str("schema_version: 2");
        for section in ["sources", "projects", "targets"] {
            if self.pick(4) == 0 {
                continue;
            }
            self.out.push('\n');
            self.out.push_str(section);
            self.out.push(':');
            let more = [2, 0, 4][self.pick(3)];
            self.seq(more, 2);
        }
        self.out.push('\n');
        self.out
    }
}

fn tracker() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<u8>(), 32..400).prop_map(|tape| {
        Gen {
            tape: &tape,
            at: 0,
            out: String::new(),
        }
        .tracker()
    })
}

/// What is placed: a comment or an alias inside a line, or a line of its
/// own at any indentation, or a document end or directive with a comment.
#[derive(Debug, Clone)]
enum Placed {
    InLine {
        line: usize,
        at: usize,
        piece: usize,
    },
    NewLine {
        line: usize,
        indent: usize,
        piece: usize,
    },
    DocumentEnd,
    Directive,
}

const IN_LINE: &[&str] = &[
    " #c", "#c", " # c: *x", "\t#c", " #", "*zz", " *zz", "*zz ", "&q ", " &q", "[*zz]", "{a: *zz}",
];
const NEW_LINE: &[&str] = &["# c", "#", "k: *zz", "- *zz", "*zz", "? *zz", "k: &q x"];

fn placed() -> impl Strategy<Value = Placed> {
    prop_oneof![
        6 => (any::<usize>(), any::<usize>(), 0..IN_LINE.len())
            .prop_map(|(line, at, piece)| Placed::InLine { line, at, piece }),
        4 => (any::<usize>(), 0usize..12, 0..NEW_LINE.len())
            .prop_map(|(line, indent, piece)| Placed::NewLine { line, indent, piece }),
        1 => Just(Placed::DocumentEnd),
        1 => Just(Placed::Directive),
    ]
}

fn place(text: &str, p: &Placed) -> (String, &'static str) {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len();
    let piece = match *p {
        Placed::InLine { line, at, piece } => {
            let l = &mut lines[line % n];
            let mut i = at % (l.len() + 1);
            while !l.is_char_boundary(i) {
                i -= 1;
            }
            l.insert_str(i, IN_LINE[piece]);
            IN_LINE[piece]
        }
        Placed::NewLine {
            line,
            indent,
            piece,
        } => {
            lines.insert(
                line % (n + 1),
                format!("{}{}", " ".repeat(indent), NEW_LINE[piece]),
            );
            NEW_LINE[piece]
        }
        Placed::DocumentEnd => {
            lines.push("... # c".into());
            "# c"
        }
        Placed::Directive => {
            lines.insert(0, "%YAML 1.1 # c".into());
            lines.insert(1, "---".into());
            "# c"
        }
    };
    (lines.join("\n") + "\n", piece)
}

fn parsed(text: &str) -> Result<serde_yaml::Value, String> {
    serde_yaml::from_str(text).map_err(|e| e.to_string())
}

proptest! {
    #![proptest_config(Config { cases: CASES, failure_persistence: None, ..Config::default() })]

    /// The generated files themselves: the parser reads them, and the scan
    /// finds no comment or anchor in their text (`#`, `&`, `*` inside
    /// quotes, block scalars and plain words are text).
    #[test]
    fn generated_trackers_hold_nothing_to_find(text in tracker()) {
        let v = parsed(&text);
        prop_assert!(v.is_ok(), "the generator wrote YAML the parser refuses: {v:?}\n{text}");
        let found = scan(&text);
        prop_assert!(found.comments.is_empty(), "comments {:?} seen in\n{text}", found.comments);
        prop_assert!(found.anchors.is_empty(), "anchors {:?} seen in\n{text}", found.anchors);
    }

    /// A comment or alias placed anywhere: whenever the parser reads it as
    /// one, the scan has found it.
    #[test]
    fn every_comment_and_alias_the_parser_reads_is_found(text in tracker(), p in placed()) {
        let before = parsed(&text).expect("generated trackers parse");
        let (after, piece) = place(&text, &p);
        let found = scan(&after);
        match parsed(&after) {
            Ok(v) if v == before => {
                // The piece left the document as it was: it was read as a
                // comment (its `#` and what follows) or as an anchor.
                if piece.contains('#') {
                    prop_assert!(!found.comments.is_empty(), "comment not found ({p:?}):\n{after}");
                } else if piece.contains('&') {
                    prop_assert!(!found.anchors.is_empty(), "anchor not found ({p:?}):\n{after}");
                }
            }
            Err(e) if e.contains("unknown anchor") => {
                prop_assert!(!found.anchors.is_empty(), "alias not found ({p:?}), parser: {e}\n{after}");
            }
            _ => {}
        }
    }
}

/// The forms a probe found the old scan blind to, each checked against the
/// parser first (so the test cannot pass on a form YAML does not accept).
#[test]
fn forms_the_old_scan_missed() {
    let comments = [
        // Less indented than the block's content, deeper than its key.
        "a: |\n    text\n  # c\nb: 1\n",
        // After a quoted key on a list item holding a block scalar: the
        // rest of the record.
        "x:\n  - \"note\": |\n      text\n    id: x # c\n",
        "x:\n  - 'note': >-\n      text\n    id: x\n    # c\n",
        // Text after a quoted key on a `- ` line.
        "x:\n  - \"id\": x # c\n",
        // After a document end, and after a directive.
        "a: 1\n... # c\n",
        "%YAML 1.2 # c\n---\na: 1\n",
    ];
    for text in comments {
        let with = parsed(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let without: String = text
            .lines()
            .map(|l| l.split(" # c").next().unwrap_or(l))
            .filter(|l| l.trim() != "# c")
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(
            parsed(&without).ok(),
            Some(with),
            "{text:?} is not a comment"
        );
        assert!(
            !scan(text).comments.is_empty(),
            "comment missed in {text:?}"
        );
    }
    let aliases = [
        "x:\n  - \"note\": |\n      text\n    id: *a\n",
        "x:\n  - 'note': |\n      text\n    more:\n      - *a\n",
        "a: {\"k\":*a}\n",
        "a: [x,\n  *a]\n",
    ];
    for text in aliases {
        let e = parsed(text).expect_err("an unknown alias");
        assert!(e.contains("unknown anchor"), "{text:?}: {e}");
        assert!(!scan(text).anchors.is_empty(), "alias missed in {text:?}");
    }
}
