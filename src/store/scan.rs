//! A lexical pass over the raw YAML text, before any parser sees it. It finds
//! what the parser would either hide or pay dearly for: comments (a rewrite
//! would drop them), anchors and aliases (a few hundred KB of them expand to
//! gigabytes), a second document, and raw characters that can drive a
//! terminal. It costs one pass over the text whatever the text holds.
//!
//! It follows YAML's rules as far as they matter here: quoted scalars (which
//! may span lines), flow collections, block scalars (`|`, `>`: their lines are
//! content, not syntax) and where a node may begin (only there do `&`, `*`,
//! quotes and tags mean something).

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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    Double,
    Single,
}

fn is_blank(c: Option<char>) -> bool {
    matches!(c, None | Some(' ' | '\t'))
}

fn is_flow_indicator(c: Option<char>) -> bool {
    matches!(c, Some(',' | '[' | ']' | '{' | '}'))
}

/// Scans `text` (without a byte-order mark in front).
pub fn scan(text: &str) -> Scan {
    let mut out = Scan::default();
    let mut quote = Quote::None;
    let mut flow_depth = 0usize;
    // Inside a block scalar: lines indented more than this are content.
    let mut block_parent: Option<usize> = None;
    let mut seen_content = false;
    let mut ended = false;
    let mut chars: Vec<char> = Vec::new();

    for (no, raw_line) in text.split('\n').enumerate() {
        let line_no = no + 1;
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        chars.clear();
        chars.extend(line.chars());
        for (i, &c) in chars.iter().enumerate() {
            if out.raw_chars.len() < KEEP {
                if let Some(why) = raw_refusal(c) {
                    out.raw_chars.push((line_no, i + 1, c, why));
                }
            }
        }
        let indent = chars.iter().take_while(|&&c| c == ' ').count();
        let blank = chars[indent..].iter().all(|c| c.is_whitespace());

        if let Some(parent) = block_parent {
            if blank || indent > parent {
                continue;
            }
            block_parent = None;
        }
        if quote == Quote::None && flow_depth == 0 {
            let marker = |m: &str| line.starts_with(m) && is_blank(chars.get(3).copied());
            if marker("---") || line.starts_with('%') {
                if seen_content && out.second_document.is_none() {
                    out.second_document = Some(line_no);
                }
                ended = false;
                if line.starts_with('%') {
                    continue;
                }
            } else if marker("...") {
                ended = true;
                continue;
            }
        }

        let mut at_node_start = quote == Quote::None;
        let mut after_close = false;
        let mut escaped = false;
        let mut node_col = indent;
        let mut pending_block = false;
        let mut has_content = false;
        let start = if line.starts_with("---") && quote == Quote::None && flow_depth == 0 {
            3
        } else {
            0
        };
        let mut i = start;
        while i < chars.len() {
            let c = chars[i];
            let prev = if i == 0 { None } else { Some(chars[i - 1]) };
            let next = chars.get(i + 1).copied();
            match quote {
                Quote::Double => {
                    has_content = true;
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        quote = Quote::None;
                        after_close = true;
                        at_node_start = false;
                    }
                    i += 1;
                    continue;
                }
                Quote::Single => {
                    has_content = true;
                    if c == '\'' {
                        if next == Some('\'') {
                            i += 1;
                        } else {
                            quote = Quote::None;
                            after_close = true;
                            at_node_start = false;
                        }
                    }
                    i += 1;
                    continue;
                }
                Quote::None => {}
            }
            if c == '#' && (is_blank(prev) || after_close || i == start) {
                if out.comments.len() < KEEP * 20 {
                    out.comments.push(line_no);
                }
                break;
            }
            after_close = false;
            if c == ' ' || c == '\t' {
                i += 1;
                continue;
            }
            has_content = true;
            let in_flow = flow_depth > 0;
            let indicator_follows = is_blank(next) || (in_flow && is_flow_indicator(next));
            if at_node_start {
                match c {
                    '&' | '*' => {
                        if out.anchors.len() < KEEP {
                            out.anchors.push((line_no, i + 1, c));
                        }
                        // Skip the name; after an anchor the node goes on.
                        while i < chars.len()
                            && !is_blank(Some(chars[i]))
                            && !is_flow_indicator(Some(chars[i]))
                        {
                            i += 1;
                        }
                        at_node_start = c == '&';
                        continue;
                    }
                    '!' => {
                        while i < chars.len() && !is_blank(Some(chars[i])) {
                            i += 1;
                        }
                        continue;
                    }
                    '"' => {
                        quote = Quote::Double;
                        at_node_start = false;
                    }
                    '\'' => {
                        quote = Quote::Single;
                        at_node_start = false;
                    }
                    '|' | '>' if !in_flow => {
                        pending_block = true;
                        at_node_start = false;
                    }
                    '[' | '{' => flow_depth += 1,
                    ']' | '}' => {
                        flow_depth = flow_depth.saturating_sub(1);
                        after_close = true;
                        at_node_start = false;
                    }
                    ',' if in_flow => {}
                    '-' | '?' | ':' if indicator_follows => {
                        if c == '-' {
                            node_col = i;
                        }
                    }
                    _ => {
                        node_col = i;
                        at_node_start = false;
                    }
                }
            } else if c == ':' && indicator_follows {
                at_node_start = true;
            } else if in_flow {
                match c {
                    ',' => at_node_start = true,
                    '[' | '{' => {
                        flow_depth += 1;
                        at_node_start = true;
                    }
                    ']' | '}' => {
                        flow_depth = flow_depth.saturating_sub(1);
                        after_close = true;
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        if pending_block {
            block_parent = Some(node_col);
        }
        if has_content {
            if ended && out.second_document.is_none() {
                out.second_document = Some(line_no);
            }
            seen_content = true;
        }
    }
    out
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
