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
    let max = max.max(1);
    let indent = if indent * 2 > max { 0 } else { indent };
    let mut rows = Vec::new();
    let mut cur = String::new();
    let mut used = 0;
    // Tokens: a run of Latin letters/digits/punctuation, a run of spaces,
    // or one wide character (a break is allowed on either side of it).
    let mut tokens: Vec<String> = Vec::new();
    for ch in s.chars() {
        let wide = ch.width().unwrap_or(0) > 1;
        let space = ch == ' ';
        match tokens.last_mut() {
            Some(t)
                if !wide
                    && !t.chars().any(|c| c.width().unwrap_or(0) > 1)
                    && t.starts_with(' ') == space =>
            {
                t.push(ch)
            }
            _ => tokens.push(ch.to_string()),
        }
    }
    let new_row = |rows: &mut Vec<String>, cur: &mut String, used: &mut usize| {
        rows.push(std::mem::take(cur).trim_end().to_string());
        cur.push_str(&" ".repeat(indent));
        *used = indent;
    };
    for tok in tokens {
        let w = width(&tok);
        if tok.starts_with(' ') {
            // Spaces at a break are dropped, elsewhere kept.
            if used + w <= max {
                cur.push_str(&tok);
                used += w;
            } else {
                new_row(&mut rows, &mut cur, &mut used);
            }
            continue;
        }
        let start = if rows.is_empty() { 0 } else { indent };
        if used + w > max && used > start {
            new_row(&mut rows, &mut cur, &mut used);
        }
        if used + w <= max {
            cur.push_str(&tok);
            used += w;
            continue;
        }
        // A word wider than a whole row: cut it by characters.
        for ch in tok.chars() {
            let cw = ch.width().unwrap_or(0);
            let start = if rows.is_empty() { 0 } else { indent };
            if used + cw > max && used > start {
                new_row(&mut rows, &mut cur, &mut used);
            }
            cur.push(ch);
            used += cw;
        }
    }
    if !cur.trim().is_empty() || rows.is_empty() {
        rows.push(cur.trim_end().to_string());
    }
    rows
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
        assert_eq!(wrap_words("abcdefghij", 4, 0), ["abcd", "efgh", "ij"]);
    }
}
