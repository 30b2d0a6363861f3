//! A lexical pass over the raw YAML text, before any parser sees it. It finds
//! what the parser would either hide or pay dearly for: comments (a rewrite
//! would drop them), anchors and aliases (a few hundred KB of them expand to
//! gigabytes), a second document, and raw characters that can drive a
//! terminal. It costs one pass over the text whatever the text holds.
//!
//! It cuts the text into tokens where libyaml (serde_yaml's parser) does,
//! keeping only the state that decides where a token ends: flow depth, the
//! indentation of the open block collections, where a simple key began.
//! So a block scalar (`|`, `>`) ends exactly where the parser ends it, a
//! plain scalar goes on over the lines the parser joins to it, and a `#` or
//! `*` is syntax here exactly when it is syntax there
//! (`tests/scan_styles.rs` checks this against the parser on generated
//! files in every style).

/// What the pass found. Lines and columns are 1-based; columns count
/// characters.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scan {
    /// Lines holding a comment.
    pub comments: Vec<usize>,
    /// Where an anchor (`&`) or alias (`*`) stands.
    pub anchors: Vec<(usize, usize, char)>,
    /// The line where a second document starts, if any.
    pub second_document: Option<usize>,
    /// Raw characters refused anywhere in the file, with why.
    pub raw_chars: Vec<(usize, usize, char, &'static str)>,
}

/// Stop collecting positions past this many of one kind: the first few are
/// what a person needs, and a hostile file must not cost memory.
const KEEP: usize = 50;

/// Why a character is refused in a tracker's text, if it is. Tab and line
/// feed are allowed only where `in_note` (free text); everywhere else they
/// would break a table row or a terminal line.
pub fn hostile_char(c: char, in_note: bool) -> Option<&'static str> {
    match c {
        '\t' | '\n' if in_note => None,
        '\t' => Some("a tab"),
        '\n' => Some("a line break"),
        '\u{0}'..='\u{1f}' => Some("a control character"),
        '\u{7f}' => Some("a control character (DEL)"),
        '\u{85}' => Some("a control character (NEL, a line break to some readers)"),
        '\u{80}'..='\u{9f}' => Some("a C1 control character"),
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            Some("a bidirectional override (it reorders the text on screen)")
        }
        '\u{fdd0}'..='\u{fdef}' => Some("a Unicode non-character"),
        c if (c as u32) & 0xfffe == 0xfffe => Some("a Unicode non-character"),
        _ => None,
    }
}

/// Why a raw character in the file is refused. Tab is YAML's own business
/// (refused as indentation by the parser, fine inside a line).
fn raw_refusal(c: char) -> Option<&'static str> {
    match c {
        '\t' => None,
        '\r' => Some("a carriage return not followed by a line feed"),
        '\u{feff}' => Some("a byte-order mark inside the text"),
        '\u{2028}' | '\u{2029}' => Some("a Unicode line or paragraph separator"),
        c => hostile_char(c, false),
    }
}

/// Scans `text` (without a byte-order mark in front).
pub fn scan(text: &str) -> Scan {
    let mut lexer = Lexer::new(text);
    lexer.run();
    let mut out = lexer.out;
    out.raw_chars = raw_chars(text);
    out
}

/// Every raw character refused in `text`, placed (the first `KEEP`).
fn raw_chars(text: &str) -> Vec<(usize, usize, char, &'static str)> {
    let mut out = Vec::new();
    for (no, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        // Printable ASCII and tabs hold nothing refused.
        if line
            .bytes()
            .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
        {
            continue;
        }
        for (i, c) in line.chars().enumerate() {
            if let Some(why) = raw_refusal(c) {
                out.push((no + 1, i + 1, c, why));
                if out.len() == KEEP {
                    return out;
                }
            }
        }
    }
    out
}

/// The tokens of YAML as libyaml (serde_yaml's parser) cuts them, with
/// only the state that decides where a token starts and ends: how deep in
/// flow collections, the indentation of each open block collection, and
/// where a simple key (`key:`) may have started. Where libyaml would stop
/// with an error this goes on somehow: what follows an error is never
/// parsed, so it cannot hide anything.
struct Lexer<'a> {
    b: &'a [u8],
    pos: usize,
    /// 1-based line; 0-based column in characters.
    line: usize,
    col: usize,
    flow: usize,
    /// The column of the innermost open block collection (-1: none), and
    /// those around it.
    indent: isize,
    indents: Vec<isize>,
    /// Whether a simple key may start here.
    key_allowed: bool,
    /// Where the block context's possible simple key started: (line,
    /// column, byte offset).
    key: Option<(usize, usize, usize)>,
    seen_content: bool,
    ended: bool,
    out: Scan,
}

/// The longest a simple key may be, in bytes (libyaml's limit).
const KEY_LIMIT: usize = 1024;

fn blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn line_break(c: u8) -> bool {
    c == b'\n' || c == b'\r'
}

/// Blank, line break or the end (the end reads as 0).
fn blankz(c: u8) -> bool {
    blank(c) || line_break(c) || c == 0
}

fn flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

/// The characters of an anchor's or alias's name.
fn name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str) -> Self {
        Lexer {
            b: text.as_bytes(),
            pos: 0,
            line: 1,
            col: 0,
            flow: 0,
            indent: -1,
            indents: Vec::new(),
            key_allowed: true,
            key: None,
            seen_content: false,
            ended: false,
            out: Scan::default(),
        }
    }

    /// The byte `k` ahead (0 past the end).
    fn at(&self, k: usize) -> u8 {
        self.b.get(self.pos + k).copied().unwrap_or(0)
    }

    fn eof(&self) -> bool {
        self.pos >= self.b.len()
    }

    /// Moves past one character that is not a line break.
    fn bump(&mut self) {
        let width = match self.at(0) {
            0xf0..=0xff => 4,
            0xe0..=0xef => 3,
            0xc0..=0xdf => 2,
            _ => 1,
        };
        self.pos = (self.pos + width).min(self.b.len());
        self.col += 1;
    }

    /// Moves past a line break (`\r\n`, `\n` or a lone `\r`, which is
    /// refused anyway).
    fn skip_break(&mut self) {
        if self.at(0) == b'\r' && self.at(1) == b'\n' {
            self.pos += 1;
        }
        if self.at(0) == b'\n' {
            self.line += 1;
        }
        self.pos += 1;
        self.col = 0;
    }

    /// Moves to the line break (or end) ending this line.
    fn skip_to_break(&mut self) {
        let rest = &self.b[self.pos..];
        let n = rest
            .iter()
            .position(|&c| line_break(c))
            .unwrap_or(rest.len());
        // The column is not needed past here: a line break follows.
        self.pos += n;
    }

    fn comment(&mut self) {
        if self.out.comments.len() < KEEP * 20 && self.out.comments.last() != Some(&self.line) {
            self.out.comments.push(self.line);
        }
        self.skip_to_break();
    }

    fn document_marker(&self) -> Option<u8> {
        let c = self.at(0);
        (self.col == 0
            && (c == b'-' || c == b'.')
            && self.at(1) == c
            && self.at(2) == c
            && blankz(self.at(3)))
        .then_some(c)
    }

    fn roll(&mut self, column: usize) {
        let column = column as isize;
        if self.flow == 0 && self.indent < column {
            self.indents.push(self.indent);
            self.indent = column;
        }
    }

    fn unroll(&mut self, column: isize) {
        if self.flow == 0 {
            while self.indent > column {
                self.indent = self.indents.pop().unwrap_or(-1);
            }
        }
    }

    /// A token that may start a simple key.
    fn save_key(&mut self) {
        if self.flow == 0 && self.key_allowed {
            self.key = Some((self.line, self.col, self.pos));
        }
    }

    /// A token of the document's content starts on this line.
    fn content(&mut self) {
        if self.ended && self.out.second_document.is_none() {
            self.out.second_document = Some(self.line);
        }
        self.seen_content = true;
    }

    /// A `---` or directive line: a new document when content came before.
    fn document_start(&mut self) {
        if self.seen_content && self.out.second_document.is_none() {
            self.out.second_document = Some(self.line);
        }
        self.ended = false;
    }

    fn run(&mut self) {
        loop {
            self.skip_to_token();
            if self.eof() {
                return;
            }
            if self
                .key
                .is_some_and(|(line, _, pos)| line != self.line || pos + KEY_LIMIT < self.pos)
            {
                self.key = None;
            }
            self.unroll(self.col as isize);
            let c = self.at(0);
            let next = self.at(1);
            if self.col == 0 && c == b'%' {
                self.directive();
                continue;
            }
            if let Some(m) = self.document_marker() {
                self.unroll(-1);
                self.key = None;
                self.key_allowed = false;
                if m == b'-' {
                    self.document_start();
                } else {
                    self.ended = true;
                }
                self.pos += 3;
                self.col += 3;
                continue;
            }
            self.content();
            match c {
                b'[' | b'{' => {
                    self.save_key();
                    self.flow += 1;
                    self.key_allowed = true;
                    self.bump();
                }
                b']' | b'}' => {
                    self.flow = self.flow.saturating_sub(1);
                    self.key_allowed = false;
                    self.bump();
                }
                b',' => {
                    self.key_allowed = true;
                    self.bump();
                }
                b'-' if blankz(next) => {
                    self.roll(self.col);
                    self.key = None;
                    self.key_allowed = true;
                    self.bump();
                }
                b'?' if self.flow > 0 || blankz(next) => {
                    self.roll(self.col);
                    self.key = None;
                    self.key_allowed = self.flow == 0;
                    self.bump();
                }
                b':' if self.flow > 0 || blankz(next) => {
                    if self.flow == 0 {
                        match self.key.take() {
                            Some((_, col, _)) => {
                                self.roll(col);
                                self.key_allowed = false;
                            }
                            None => {
                                self.roll(self.col);
                                self.key_allowed = true;
                            }
                        }
                    } else {
                        self.key_allowed = false;
                    }
                    self.bump();
                }
                b'*' | b'&' => {
                    self.save_key();
                    self.key_allowed = false;
                    if self.out.anchors.len() < KEEP {
                        self.out.anchors.push((self.line, self.col + 1, c as char));
                    }
                    self.bump();
                    while name_char(self.at(0)) {
                        self.bump();
                    }
                }
                b'!' => {
                    self.save_key();
                    self.key_allowed = false;
                    self.tag();
                }
                b'|' | b'>' if self.flow == 0 => {
                    self.key = None;
                    self.key_allowed = true;
                    self.block_scalar();
                }
                b'\'' | b'"' => {
                    self.save_key();
                    self.key_allowed = false;
                    self.quoted(c);
                }
                _ if self.plain_starts() => {
                    self.save_key();
                    self.key_allowed = false;
                    self.plain();
                }
                // Nothing YAML accepts: the parser stops here.
                _ => self.bump(),
            }
        }
    }

    /// Skips blanks, comments and line breaks.
    fn skip_to_token(&mut self) {
        loop {
            while blank(self.at(0)) {
                self.bump();
            }
            if self.at(0) == b'#' {
                self.comment();
            }
            if !line_break(self.at(0)) {
                return;
            }
            self.skip_break();
            if self.flow == 0 {
                self.key_allowed = true;
            }
        }
    }

    fn plain_starts(&self) -> bool {
        let c = self.at(0);
        let next = self.at(1);
        !(blankz(c) || b"-?:,[]{}#&*!|>'\"%@`".contains(&c))
            || (c == b'-' && !blank(next))
            || (self.flow == 0 && (c == b'?' || c == b':') && !blankz(next))
    }

    /// `%YAML 1.2`, `%TAG ! prefix`: no `#` can be part of one, so the
    /// first starts a comment (or an error).
    fn directive(&mut self) {
        self.unroll(-1);
        self.key = None;
        self.key_allowed = false;
        self.document_start();
        while !self.eof() && !line_break(self.at(0)) {
            if self.at(0) == b'#' {
                self.comment();
                return;
            }
            self.bump();
        }
    }

    /// `!tag`, `!!str`, `!<verbatim>`: up to a blank, or a comma in flow.
    fn tag(&mut self) {
        self.bump();
        if self.at(0) == b'<' {
            while !blankz(self.at(0)) && self.at(0) != b'>' {
                self.bump();
            }
        }
        while !(blankz(self.at(0)) || (self.flow > 0 && self.at(0) == b',')) {
            self.bump();
        }
    }

    /// A single- or double-quoted scalar, over as many lines as it takes.
    fn quoted(&mut self, quote: u8) {
        let single = quote == b'\'';
        self.bump();
        while !self.eof() && self.document_marker().is_none() {
            let c = self.at(0);
            if line_break(c) {
                self.skip_break();
            } else if c == quote && !(single && self.at(1) == quote) {
                self.bump();
                return;
            } else if (single && c == quote) || (!single && c == b'\\') {
                // `''`, or an escape: two characters, or one and a break.
                self.bump();
                if line_break(self.at(0)) {
                    self.skip_break();
                } else if !self.eof() {
                    self.bump();
                }
            } else {
                self.bump();
            }
        }
    }

    /// A plain scalar: it may go on over the next lines while they are
    /// indented more than the block collection holding it, and ends at `: `,
    /// at ` #` (a comment), and in flow at a flow indicator.
    fn plain(&mut self) {
        let indent = self.indent + 1;
        let mut leading_breaks = false;
        loop {
            if self.document_marker().is_some() || self.at(0) == b'#' {
                break;
            }
            while !blankz(self.at(0)) {
                let c = self.at(0);
                let next = self.at(1);
                if self.flow > 0 && c == b':' && (flow_indicator(next) || next == b'?') {
                    // An error in libyaml: nothing after it is parsed.
                    return;
                }
                if (c == b':' && blankz(next)) || (self.flow > 0 && flow_indicator(c)) {
                    break;
                }
                self.bump();
            }
            if !(blank(self.at(0)) || line_break(self.at(0))) {
                break;
            }
            while blank(self.at(0)) || line_break(self.at(0)) {
                if blank(self.at(0)) {
                    self.bump();
                } else {
                    self.skip_break();
                    leading_breaks = true;
                }
            }
            if self.flow == 0 && (self.col as isize) < indent {
                break;
            }
        }
        if leading_breaks {
            self.key_allowed = true;
        }
    }

    /// A `|` or `>` scalar: the header (chomping, indentation, a comment),
    /// then every line indented at least as much as its first (or as the
    /// indicator says) and blank lines, as content.
    fn block_scalar(&mut self) {
        self.bump();
        let mut increment = 0isize;
        let digit = |c: u8| (b'1'..=b'9').contains(&c).then(|| (c - b'0') as isize);
        if matches!(self.at(0), b'+' | b'-') {
            self.bump();
            if let Some(d) = digit(self.at(0)) {
                increment = d;
                self.bump();
            }
        } else if let Some(d) = digit(self.at(0)) {
            increment = d;
            self.bump();
            if matches!(self.at(0), b'+' | b'-') {
                self.bump();
            }
        }
        while blank(self.at(0)) {
            self.bump();
        }
        if self.at(0) == b'#' {
            self.comment();
        }
        if !line_break(self.at(0)) {
            // Anything else after the header is an error (or the end).
            return;
        }
        self.skip_break();
        let mut indent = if increment == 0 {
            0
        } else if self.indent >= 0 {
            self.indent + increment
        } else {
            increment
        };
        if !self.block_breaks(&mut indent) {
            return;
        }
        while self.col as isize == indent && !self.eof() {
            self.skip_to_break();
            if self.eof() {
                return;
            }
            self.skip_break();
            if !self.block_breaks(&mut indent) {
                return;
            }
        }
    }

    /// Skips the indentation and the empty lines before a block scalar's
    /// next line of content, and settles the indentation from the first
    /// one when the header did not give it. False at a tab where
    /// indentation is expected (an error).
    fn block_breaks(&mut self, indent: &mut isize) -> bool {
        let mut max = 0isize;
        loop {
            while (*indent == 0 || (self.col as isize) < *indent) && self.at(0) == b' ' {
                self.bump();
            }
            max = max.max(self.col as isize);
            if (*indent == 0 || (self.col as isize) < *indent) && self.at(0) == b'\t' {
                return false;
            }
            if !line_break(self.at(0)) {
                break;
            }
            self.skip_break();
        }
        if *indent == 0 {
            *indent = max.max(self.indent + 1).max(1);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_comment_form_and_no_hash_inside_text() {
        let text = "a: 1 # why\n# whole line\nb: \"x # y\"\nc: 'p #q'\nd: x#y\n\
                    e: \"q\"# after a quote\nf: [1, 2]# after a bracket\ng: {h: 1}#x\n\
                    i: 'it''s'#x\nj: \"multi\n  line # not\"\nk: |\n  # content\n  more\nl: 1\n";
        assert_eq!(scan(text).comments, vec![1, 2, 6, 7, 8, 9]);
    }

    #[test]
    fn finds_anchors_and_aliases_where_nodes_start() {
        let text = "a: &x [1, 2]\nb: *x\nc: [*x, &y 3]\nd: text & more *here\ne: \"&q\"\n- &z\n";
        let found: Vec<(usize, usize)> =
            scan(text).anchors.iter().map(|&(l, c, _)| (l, c)).collect();
        assert_eq!(found, vec![(1, 4), (2, 4), (3, 5), (3, 9), (6, 3)]);
    }

    #[test]
    fn block_scalars_are_content() {
        let text =
            "a:\n  - note: |\n      # not a comment\n      &not an anchor\n    status: x # yes\n";
        let s = scan(text);
        assert_eq!(s.comments, vec![5]);
        assert!(s.anchors.is_empty());
    }

    #[test]
    fn a_block_scalar_ends_where_its_indentation_does() {
        // Under a quoted key on a list item, the record goes on after it.
        let text = "x:\n  - \"note\": |\n      &not *an alias\n    id: *a # c\n";
        let s = scan(text);
        assert_eq!(s.anchors, vec![(4, 9, '*')]);
        assert_eq!(s.comments, vec![4]);
        // A comment less indented than the content, deeper than the key.
        assert_eq!(scan("a: |\n    t\n  # c\nb: 1\n").comments, vec![3]);
        // The indentation given in the header, relative to the key's.
        assert!(scan("a: |2\n    # text\n  # text too\nb: 1\n")
            .comments
            .is_empty());
        // A comment on the header, even without a space before it.
        assert_eq!(scan("a: |-#c\n  t\n").comments, vec![1]);
    }

    #[test]
    fn plain_scalars_go_on_over_lines() {
        // A quote inside a plain scalar's next line is text: what follows
        // ` #` is a comment, and the next lines are not inside quotes.
        let text = "a: word\n  \"x # c\nb: *y\n";
        let s = scan(text);
        assert_eq!(s.comments, vec![2]);
        assert_eq!(s.anchors, vec![(3, 4, '*')]);
    }

    #[test]
    fn in_flow_a_colon_ends_a_key_without_a_space() {
        assert_eq!(scan("a: {\"k\":*x}\n").anchors, vec![(1, 9, '*')]);
        assert_eq!(scan("a: [b,#c\n  d]\n").comments, vec![1]);
    }

    #[test]
    fn comments_after_markers_and_directives() {
        assert_eq!(scan("a: 1\n... # c\n").comments, vec![2]);
        assert_eq!(scan("%YAML 1.2 # c\n--- # d\na: 1\n").comments, vec![1, 2]);
    }

    #[test]
    fn a_second_document_is_placed() {
        assert_eq!(scan("---\na: 1\n").second_document, None);
        assert_eq!(scan("a: 1\n---\nb: 2\n").second_document, Some(2));
        assert_eq!(scan("a: 1\n...\nb: 2\n").second_document, Some(3));
        assert_eq!(scan("# c\n---\na: 1\n").second_document, None);
    }

    #[test]
    fn raw_control_characters_are_placed() {
        let s = scan("a: 1\nb: \"x\u{1b}]0;t\u{7}\"\nc: \u{202e}d\r\n");
        let at: Vec<(usize, usize)> = s.raw_chars.iter().map(|&(l, c, _, _)| (l, c)).collect();
        assert_eq!(at, vec![(2, 6), (2, 11), (3, 4)]);
        assert!(scan("a: 1\r\nb: 2\r\n").raw_chars.is_empty());
        assert_eq!(scan("a: 1\rb: 2\n").raw_chars.len(), 1);
    }

    #[test]
    fn hostile_characters() {
        assert!(hostile_char('\n', true).is_none());
        assert!(hostile_char('\n', false).is_some());
        for c in [
            '\u{1b}',
            '\u{7f}',
            '\u{85}',
            '\u{9b}',
            '\u{202e}',
            '\u{2067}',
            '\u{fffe}',
            '\u{1ffff}',
            '\u{fdd0}',
        ] {
            assert!(hostile_char(c, true).is_some(), "{c:?}");
        }
        for c in ['a', '中', '“', '\u{3000}', '\u{200b}'] {
            assert!(hostile_char(c, false).is_none(), "{c:?}");
        }
    }
}
