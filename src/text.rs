//! Display-width aware text helpers: Chinese characters take two columns.

use std::borrow::Cow;
use std::fmt::Write;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Characters that must never reach a terminal raw: C0 and C1 controls and
/// DEL (escape sequences: window titles, OSC 52 clipboard writes, screen
/// clears), bidirectional overrides, line/paragraph separators, the BOM
/// and non-characters. Line feed and tab are the caller's decision.
fn terminal_hostile(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fdd0}'..='\u{fdef}'
        )
        || (c as u32) & 0xfffe == 0xfffe
}

fn escape_where(s: &str, escape: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if !escape(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            // \uXXXX (UTF-16 units): readable, and valid inside JSON strings.
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{:04x}", u);
                }
            }
        }
    }
    Cow::Owned(out)
}

/// Text made safe for a terminal: every control character but line feed
/// and tab written as a visible escape (`\u001b`). All command output and
/// every message goes through this on its way out.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    escape_where(s, |c| c != '\n' && c != '\t' && terminal_hostile(c))
}

/// One table or CSV cell: like `escape_controls`, and line feeds and tabs
/// too (as `\n`, `\t`), so a value can never break its row.
pub fn one_line(s: &str) -> Cow<'_, str> {
    escape_where(s, terminal_hostile)
}

/// Most characters one paste puts in a line or field; the rest is left
/// out, and said so (a stray paste of a whole file stays harmless).
pub const PASTE_MAX: usize = 10_000;

/// Pasted text made fit for a line or field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pasted {
    pub text: String,
    /// Line breaks replaced by a space (in a one-line field).
    pub joined: usize,
    /// Control characters left out (escape sequences, NUL, DEL...).
    pub dropped: usize,
    /// Cut to `max` characters.
    pub cut: bool,
}

/// Pasted text for a field: line breaks (CR LF, CR or LF: terminals send
/// CR) kept as LF where the field holds several lines (`multiline`,
/// notes), else each made a space, as tabs are; line breaks at the end
/// left out (a copied line carries one); other control characters left
/// out, since a key could not type them either. At most `max` characters.
pub fn pasted(s: &str, multiline: bool, max: usize) -> Pasted {
    let s = s.trim_end_matches(['\r', '\n']);
    let mut out = Pasted {
        text: String::with_capacity(s.len().min(max * 4)),
        joined: 0,
        dropped: 0,
        cut: false,
    };
    let mut chars = s.chars().peekable();
    let mut n = 0;
    while let Some(c) = chars.next() {
        if n == max {
            out.cut = true;
            break;
        }
        let c = match c {
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                if multiline {
                    '\n'
                } else {
                    out.joined += 1;
                    ' '
                }
            }
            '\t' if !multiline => ' ',
            '\t' => '\t',
            c if c.is_control() => {
                out.dropped += 1;
                continue;
            }
            c => c,
        };
        out.text.push(c);
        n += 1;
    }
    out
}

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` columns without splitting a character, ending
/// with "~" when something was cut (an ASCII mark: "…" is ambiguous-width).
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in s.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(ch);
        used += w;
    }
    out.push('~');
    out
}

/// A stand-in of unambiguous width for punctuation that CJK terminals draw
/// two columns wide but width tables count as one (“ ” ‘ ’ — – … ·), so
/// columns stay aligned everywhere. One char for one, so highlight indices
/// still line up. Only for display: the data keeps the reports' characters.
pub fn unambiguous(ch: char) -> char {
    match ch {
        '“' | '”' => '"',
        '‘' | '’' => '\'',
        '—' | '–' => '-',
        '…' => '~',
        '·' => '・',
        other => other,
    }
}

/// How a character is drawn: the one function all text the interface
/// shows goes through (`ui::cells::fit` and `wrap`, the reader). What must
/// never reach a terminal raw (`terminal_hostile`) is neutralised: what
/// breaks or spaces text (line feed, tab, carriage return, vertical tab,
/// form feed, NEL, the line and paragraph separators U+2028 and U+2029)
/// becomes a space, anything else (escape and other controls,
/// bidirectional overrides, the BOM, non-characters) a visible `?`.
/// Punctuation of ambiguous width gets its stand-in (`unambiguous`). One
/// char for one, so match highlights and the reader's cursor line up.
pub fn shown(c: char) -> char {
    if !terminal_hostile(c) {
        return unambiguous(c);
    }
    match c {
        '\t' | '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => ' ',
        _ => '?',
    }
}

/// `s` as drawn (see `shown`), borrowed when nothing changes.
pub fn shown_str(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| shown(c) == c) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().map(shown).collect())
    }
}

/// Pads (or truncates) `s` to exactly `cols` columns.
pub fn pad(s: &str, cols: usize) -> String {
    let t = truncate(s, cols);
    let w = width(&t);
    format!("{t}{}", " ".repeat(cols.saturating_sub(w)))
}

/// Breaks `s` into rows of at most `max` columns: at spaces in Latin
/// text, anywhere between Chinese characters (which have no spaces),
/// inside a word only when the word alone is wider than a row. Rows after
/// the first start with `indent` spaces (a hanging indent).
pub fn wrap_words(s: &str, max: usize, indent: usize) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let (ranges, indent) = wrap_ranges(&chars, max, indent);
    ranges
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let pad = if i == 0 { 0 } else { indent };
            format!("{}{}", " ".repeat(pad), chars[r].iter().collect::<String>())
        })
        .collect()
}

/// The char ranges of each row `wrap_words` makes (spaces at a break left
/// out), and the indent it used (none when it would take half the row).
pub fn wrap_ranges(
    chars: &[char],
    max: usize,
    indent: usize,
) -> (Vec<std::ops::Range<usize>>, usize) {
    let max = max.max(1);
    let indent = if indent * 2 > max { 0 } else { indent };
    let cw = |c: char| c.width().unwrap_or(0);
    // Tokens: a run of spaces, a run of narrow non-space chars, or one
    // wide char (a break is allowed on either side of it).
    let mut tokens: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, &ch) in chars.iter().enumerate() {
        let joins = tokens.last().is_some_and(|t| {
            let prev = chars[t.end - 1];
            cw(ch) <= 1 && cw(prev) <= 1 && (prev == ' ') == (ch == ' ')
        });
        match tokens.last_mut() {
            Some(t) if joins => t.end = i + 1,
            _ => tokens.push(i..i + 1),
        }
    }
    let mut rows: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut used = 0;
    let room =
        |rows: &Vec<std::ops::Range<usize>>| if rows.is_empty() { max } else { max - indent };
    for t in tokens {
        let w: usize = chars[t.clone()].iter().map(|&c| cw(c)).sum();
        if chars[t.start] == ' ' {
            if rows.is_empty() && start.is_none() && w < max {
                // The line's own leading indent is kept.
                start = Some(t.start);
                used = w;
                end = t.end;
            } else if start.is_some() && used + w <= room(&rows) {
                used += w;
            } else if let Some(s) = start.take() {
                rows.push(s..end);
                used = 0;
            }
            continue;
        }
        if start.is_some() && used + w > room(&rows) {
            rows.push(start.take().unwrap_or(0)..end);
            used = 0;
        }
        if used + w <= room(&rows) {
            start.get_or_insert(t.start);
            used += w;
            end = t.end;
            continue;
        }
        // A word wider than a whole row: cut it by characters.
        for i in t {
            if start.is_some() && used + cw(chars[i]) > room(&rows) {
                rows.push(start.take().unwrap_or(0)..end);
                used = 0;
            }
            start.get_or_insert(i);
            used += cw(chars[i]);
            end = i + 1;
        }
    }
    if let Some(s) = start {
        rows.push(s..end);
    }
    if rows.is_empty() {
        rows.push(0..0);
    }
    (rows, indent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_drives_a_terminal() {
        assert_eq!(
            escape_controls("a\u{1b}]52;c;x\u{7}b\nc\td"),
            "a\\u001b]52;c;x\\u0007b\nc\td"
        );
        assert_eq!(
            escape_controls("\u{9b}2J\u{7f}\u{202e}\u{1fffe}"),
            "\\u009b2J\\u007f\\u202e\\ud83f\\udffe"
        );
        assert_eq!(one_line("a\nb\tc\rd"), "a\\nb\\tc\\rd");
        assert!(matches!(escape_controls("市北区 “ok”"), Cow::Borrowed(_)));
    }

    #[test]
    fn nothing_hostile_is_shown_raw() {
        let raw = "a\u{1b}[2J\u{2028}b\u{2029}\u{202e}c\td\r\n\u{feff}\u{85}\u{fffe}“e”";
        let drawn = shown_str(raw);
        assert_eq!(drawn, "a?[2J b ?c d  ? ?\"e\"");
        assert_eq!(drawn.chars().count(), raw.chars().count(), "one for one");
        assert!(drawn.chars().all(|c| !terminal_hostile(c)));
        assert!(matches!(shown_str("市北区 ok"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_paste_keeps_line_breaks_only_where_the_field_holds_lines() {
        let one = pasted("人和路\r\n旧城\r改造\n", false, PASTE_MAX);
        assert_eq!(one.text, "人和路 旧城 改造");
        assert_eq!(one.joined, 2, "the line break at the end is left out");
        let note = pasted("a\r\nb\tc\n\n", true, PASTE_MAX);
        assert_eq!(note.text, "a\nb\tc");
        assert_eq!(note.joined, 0);
        let hostile = pasted("x\u{1b}]52;c;y\u{7}z", false, PASTE_MAX);
        assert_eq!(hostile.text, "x]52;c;yz");
        assert_eq!(hostile.dropped, 2);
        let long = pasted("一二三四五", false, 3);
        assert_eq!((long.text.as_str(), long.cut), ("一二三", true));
        assert!(!pasted("一二三", false, 3).cut);
    }

    #[test]
    fn never_splits_a_wide_character() {
        assert_eq!(truncate("人和路旧城改造", 6), "人和~");
        assert_eq!(width(&truncate("人和路旧城改造", 6)), 5);
        assert_eq!(truncate("人和路", 6), "人和路");
        assert_eq!(pad("人和", 6), "人和  ");
        assert_eq!(width(&pad("邮轮港城ABC", 7)), 7);
        let shown: String = "中国钢研“一院一园”·".chars().map(unambiguous).collect();
        assert_eq!(shown, "中国钢研\"一院一园\"・");
    }

    #[test]
    fn wraps_at_words_with_a_hanging_indent_and_cjk_anywhere() {
        let rows = wrap_words("areas of the Taidong business district", 16, 2);
        assert_eq!(
            rows,
            ["areas of the", "  Taidong", "  business", "  district"]
        );
        for r in &rows {
            assert!(width(r) <= 16);
        }
        let rows = wrap_words("台东商圈人和路改造", 8, 0);
        assert_eq!(rows, ["台东商圈", "人和路改", "造"]);
        let rows = wrap_words("见 Renhe人和路", 10, 0);
        assert_eq!(rows, ["见 Renhe人", "和路"]);
        assert_eq!(wrap_words("", 10, 2), [""]);
        assert_eq!(
            wrap_words("    a quote here", 10, 4),
            ["    a", "    quote", "    here"]
        );
        assert_eq!(wrap_words("abcdefghij", 4, 0), ["abcd", "efgh", "ij"]);
    }
}
