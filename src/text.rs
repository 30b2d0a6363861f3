//! Display-width aware text helpers: Chinese characters take two columns.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
