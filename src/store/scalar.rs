//! Scalars as the writer writes them and the fast reader reads them back:
//! one rule each for bare words, quoted text and numbers, so the two can
//! never disagree.

use std::fmt::Write;

/// Words a YAML 1.1 reader (PyYAML, many of the tools analysts use) takes
/// for true/false or null; YAML 1.2 has `true`, `false` and `null` of them.
const NOT_TEXT_WORDS: [&str; 9] = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"];

/// Whether the id `s` may be written without quotes: every YAML 1.1 and
/// 1.2 reader takes it back as this text. An id holds only lower-case
/// letters, digits and hyphens; of those, what a reader could take for
/// something else is a word of `NOT_TEXT_WORDS`, a number (`30`, `0x1f`,
/// `0o17`, `0b101`, `1e5`, `2e-3`) or a date (`2024-12-31`): every one of
/// these but the words and the prefixed or exponent numbers has no letter
/// at all, so an id with no letter is quoted too.
pub fn bare_ok(s: &str) -> bool {
    // `valid_id` and "has a letter" in one pass: every id of a file is
    // checked twice on a first read (read, then written to compare).
    let b = s.as_bytes();
    let mut letter = false;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'a'..=b'z' => letter = true,
            b'0'..=b'9' => {}
            b'-' if i > 0 => {}
            _ => return false,
        }
    }
    letter
        // The words are at most 5 letters; the numbers with a letter start
        // with a digit.
        && !(b.len() <= 5 && NOT_TEXT_WORDS.contains(&s))
        && !(b[0].is_ascii_digit() && (prefixed_number(s) || exponent_number(s)))
}

/// `0x1f`, `0o17`, `0b101` (YAML 1.1 and 1.2 integers).
fn prefixed_number(s: &str) -> bool {
    let digits = |rest: &str, ok: fn(u8) -> bool| !rest.is_empty() && rest.bytes().all(ok);
    match s.get(..2) {
        Some("0x") => digits(&s[2..], |b| b.is_ascii_hexdigit()),
        Some("0o") => digits(&s[2..], |b| matches!(b, b'0'..=b'7')),
        Some("0b") => digits(&s[2..], |b| matches!(b, b'0' | b'1')),
        _ => false,
    }
}

/// `1e5`, `2e-3` (YAML 1.2 floats; 1.1 wants a dot, which ids lack).
fn exponent_number(s: &str) -> bool {
    let Some((mantissa, exp)) = s.split_once('e') else {
        return false;
    };
    let exp = exp.strip_prefix('-').unwrap_or(exp);
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    all_digits(mantissa) && all_digits(exp)
}

/// Appends `s` as an id: bare when `bare_ok`, quoted otherwise.
pub fn put_id(out: &mut String, s: &str) {
    if bare_ok(s) {
        out.push_str(s);
    } else {
        put_quoted(out, s);
    }
}

/// Appends `s` as a YAML double-quoted scalar. JSON string syntax is a
/// subset of it, and serde_json leaves Chinese text unescaped, so it stays
/// readable. It escapes C0 controls only; characters YAML would read
/// differently when raw (NEL and the line/paragraph separators fold into a
/// space, DEL, C1, the BOM and non-characters are not allowed raw) are
/// escaped here, so any text reads back exactly as it was.
pub fn put_quoted(out: &mut String, s: &str) {
    // Most text needs no escape: it is written between quotes as it is.
    let plain = s.chars().all(|c| {
        if c.is_ascii() {
            c >= ' ' && !matches!(c, '"' | '\\' | '\u{7f}')
        } else {
            !needs_escape(c)
        }
    });
    if plain {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    let json = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    for c in json.chars() {
        if !needs_escape(c) {
            out.push(c);
        } else if (c as u32) <= 0xffff {
            let _ = write!(out, "\\u{:04X}", c as u32);
        } else {
            let _ = write!(out, "\\U{:08X}", c as u32);
        }
    }
}

fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
    ) || super::scan::hostile_char(c, true).is_some() && !c.is_ascii()
}

/// Appends `v` as the shortest text that reads back as the same f64. Very
/// large and very small values take the exponent form: as plain digits,
/// 1e30 would read back as an integer too large for the parser, and 5e-324
/// would be 324 characters long. Minus zero is written `0`: YAML reads
/// `-0` as the integer 0 anyway, and the tracker tells no difference.
pub fn put_number(out: &mut String, v: f64) {
    let v = if v == 0.0 { 0.0 } else { v };
    let a = v.abs();
    if a >= 1e16 || (a != 0.0 && a < 1e-6) {
        let _ = write!(out, "{v:e}");
    } else {
        let _ = write!(out, "{v}");
    }
}

/// A double-quoted scalar as `put_quoted` writes it: JSON escapes plus
/// `\uXXXX` and `\UXXXXXXXX`. Returns the text and what follows the
/// closing quote.
pub fn take_quoted(v: &str) -> Option<(String, &str)> {
    let body = v.strip_prefix('"')?;
    let bytes = body.as_bytes();
    // Most values have no escape: one copy.
    let stop = bytes.iter().position(|&b| b == b'"' || b == b'\\')?;
    if bytes[stop] == b'"' {
        return Some((body[..stop].to_string(), &body[stop + 1..]));
    }
    let mut out = String::with_capacity(body.len());
    out.push_str(&body[..stop]);
    let mut rest = &body[stop..];
    loop {
        let i = rest.find(['"', '\\'])?;
        out.push_str(&rest[..i]);
        if rest.as_bytes()[i] == b'"' {
            return Some((out, &rest[i + 1..]));
        }
        // Every escape the writer uses is one ASCII letter or sign.
        let esc = *rest.as_bytes().get(i + 1)?;
        if !esc.is_ascii() {
            return None;
        }
        rest = &rest[i + 2..];
        let c = match esc {
            b'"' => '"',
            b'\\' => '\\',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' | b'U' => {
                let n = if esc == b'u' { 4 } else { 8 };
                let hex = rest.get(..n)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                rest = &rest[n..];
                char::from_u32(u32::from_str_radix(hex, 16).ok()?)?
            }
            _ => return None,
        };
        out.push(c);
    }
}

/// The whole of `v` as one quoted scalar.
pub fn quoted(v: &str) -> Option<String> {
    match take_quoted(v)? {
        (s, "") => Some(s),
        _ => None,
    }
}

/// An id as `put_id` writes it: bare when `bare_ok`, else quoted.
pub fn id(v: &str) -> Option<String> {
    if v.starts_with('"') {
        quoted(v)
    } else {
        bare_ok(v).then(|| v.to_string())
    }
}

/// A number as `put_number` writes it (`30`, `1.8`, `-2`, `1e30`, `5e-324`).
pub fn number(v: &str) -> Option<f64> {
    let digits = v.strip_prefix('-').unwrap_or(v);
    if v == "-0"
        || !digits.starts_with(|c: char| c.is_ascii_digit())
        || !digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'-'))
    {
        return None;
    }
    v.parse::<f64>().ok().filter(|x| x.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(f: impl Fn(&mut String)) -> String {
        let mut s = String::new();
        f(&mut s);
        s
    }

    #[test]
    fn every_text_reads_back() {
        for s in [
            "plain",
            "中文“引号”",
            "tab\there",
            "nl\nx",
            "nel\u{85}x",
            "del\u{7f}",
            "c1\u{9b}2J",
            "ls\u{2028}ps\u{2029}",
            "bom\u{feff}",
            "nc\u{fffe}\u{ffff}\u{1fffe}",
            "bidi\u{202e}x",
            "esc\u{1b}]52;c;x\u{7}",
            "quote\"back\\slash",
            "  spaces  ",
        ] {
            let text = format!("a: {}\n", written(|o| put_quoted(o, s)));
            let v: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
            assert_eq!(v["a"].as_str(), Some(s), "{text:?}");
            assert_eq!(quoted(&text[3..text.len() - 1]).as_deref(), Some(s));
        }
    }

    #[test]
    fn every_number_reads_back() {
        for v in [
            0.0,
            1.8,
            30.0,
            1e15,
            1e16,
            18446744073709551616.0,
            1e30,
            -1e30,
            f64::MAX,
            5e-324,
            1e-7,
            0.1 + 0.2,
            123456789.125,
        ] {
            let text = written(|o| put_number(o, v));
            let back: serde_yaml::Value = serde_yaml::from_str(&format!("a: {text}\n")).unwrap();
            assert_eq!(back["a"].as_f64(), Some(v), "{text:?}");
            assert_eq!(number(&text), Some(v), "{text:?}");
        }
        assert_eq!(written(|o| put_number(o, 30.0)), "30");
        assert_eq!(written(|o| put_number(o, 1e30)), "1e30");
    }

    /// The issue's `-0`: written `-0`, which the fast reader refused.
    #[test]
    fn minus_zero_is_written_as_zero() {
        let text = written(|o| put_number(o, -0.0));
        assert_eq!(text, "0");
        assert_eq!(number(&text), Some(0.0));
    }

    #[test]
    fn ids_a_yaml_reader_takes_for_something_else_are_quoted() {
        for word in [
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "true",
            "false",
            "null",
            "0x1f",
            "0o17",
            "0b101",
            "1e5",
            "2e-3",
            "30",
            "0123",
            "2024-12-31",
            "2024-1-5",
            "12-3",
        ] {
            assert!(!bare_ok(word), "{word}");
            assert_eq!(written(|o| put_id(o, word)), format!("\"{word}\""));
            assert_eq!(id(&format!("\"{word}\"")).as_deref(), Some(word));
            assert_eq!(id(word), None, "{word} bare is not the writer's form");
        }
        for word in [
            "r2022",
            "cruise-port-city",
            "yesterday",
            "no-1",
            "0x",
            "e5",
            "1e",
            "x1e5",
        ] {
            assert!(bare_ok(word), "{word}");
            assert_eq!(id(word).as_deref(), Some(word));
        }
    }

    proptest::proptest! {
        /// The one-pass rule says what the rule as first written says.
        #[test]
        fn bare_ok_is_the_rule_as_stated(s in "[a-z0-9eoxbny_-]{0,7}|(yes|no|on|off|null|true)") {
            let stated = crate::domain::schema::valid_id(&s)
                && s.bytes().any(|b| b.is_ascii_lowercase())
                && !NOT_TEXT_WORDS.contains(&s.as_str())
                && !prefixed_number(&s)
                && !exponent_number(&s);
            proptest::prop_assert_eq!(bare_ok(&s), stated, "{}", s);
        }
    }
}
