//! Text values that would hurt whoever reads the tracker: control
//! characters that drive a terminal (retitle the window, write the
//! clipboard with OSC 52, clear the screen), bidirectional overrides that
//! make text read differently from what it is, non-characters, and line
//! breaks outside free-text notes (they forge rows in tables). Checked on
//! the parsed YAML, keys included, so it holds whatever the decoder does.

use super::path::{DocPath, Issue};
use super::scan::hostile_char;
use serde_yaml::Value;

/// Fields whose text is free prose: tab and line breaks allowed.
fn is_note(key: &str) -> bool {
    matches!(key, "note" | "dating_note")
}

/// Every refused character in `v`, one issue per text value.
pub fn check(v: &Value) -> Vec<Issue> {
    let mut out = Vec::new();
    walk(v, &DocPath::root(), false, &mut out);
    out
}

fn walk(v: &Value, path: &DocPath, in_note: bool, out: &mut Vec<Issue>) {
    match v {
        Value::String(s) => text(s, path, in_note, out),
        Value::Sequence(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &path.index(i), in_note, out);
            }
        }
        Value::Mapping(map) => {
            for (k, item) in map {
                let key = match k {
                    Value::String(s) => {
                        text(s, &path.key(s), false, out);
                        s.clone()
                    }
                    other => format!("{other:?}"),
                };
                walk(item, &path.key(&key), is_note(&key), out);
            }
        }
        Value::Tagged(t) => walk(&t.value, path, in_note, out),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Fields that name or quote something: they must show at least one
/// visible character (a name of zero-width spaces looks like no name).
fn must_show(key: &str) -> bool {
    matches!(
        key,
        "id" | "name_zh"
            | "name_en"
            | "metric_zh"
            | "metric_en"
            | "title"
            | "text"
            | "quote"
            | "unit"
    )
}

/// Characters that take no room and show nothing: zero-width spaces and
/// joiners, word joiner, soft hyphen, BOM and other format characters.
pub fn invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}'
                | '\u{180b}'..='\u{180f}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{206f}'
                | '\u{3164}' | '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{ffa0}'
        )
}

fn text(s: &str, path: &DocPath, in_note: bool, out: &mut Vec<Issue>) {
    let key = match path.0.last() {
        Some(super::path::Seg::Key(k)) => k.as_str(),
        _ => "",
    };
    if let Some((message, hint)) = refusal(s, key, in_note) {
        out.push(Issue::new(path.clone(), message, hint));
    }
}

/// Whether the text value `s` of field `key` (`""` for a list item) passes
/// this check: the verdict `check` gives for it in a parsed file, for
/// readers that decode the typed records without a YAML value tree.
/// `in_note`: the value is (inside) a `note` or `dating_note` field.
pub fn clean(s: &str, key: &str, in_note: bool) -> bool {
    if no_refused_char(s.as_bytes()) {
        // Only the invisible-only rule is left to apply.
        return !(must_show(key) && !s.trim().is_empty() && s.chars().all(invisible));
    }
    refusal(s, key, in_note).is_none()
}

/// Whether `s` (UTF-8) holds none of the characters `hostile_char` refuses
/// even in notes or only outside them, looking at the bytes: the common
/// case, text of printable ASCII and CJK, costs one pass without decoding.
/// `false` means "look closer", not "refused".
fn no_refused_char(s: &[u8]) -> bool {
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        let next = |k: usize| s.get(i + k).copied().unwrap_or(0);
        i += match b {
            0x20..=0x7e => 1,
            // C1 controls U+0080..U+009F.
            0xc2 if next(1) <= 0x9f => return false,
            0xc2..=0xdf => 2,
            // Bidirectional controls U+202A..U+202E and U+2066..U+2069.
            0xe2 if matches!(
                (next(1), next(2)),
                (0x80, 0xaa..=0xae) | (0x81, 0xa6..=0xa9)
            ) =>
            {
                return false
            }
            // Non-characters U+FDD0..U+FDEF, U+FFFE, U+FFFF.
            0xef if matches!(
                (next(1), next(2)),
                (0xb7, 0x90..=0xaf) | (0xbf, 0xbe | 0xbf)
            ) =>
            {
                return false
            }
            0xe0..=0xef => 3,
            // Non-characters U+nFFFE and U+nFFFF of the other planes.
            0xf0..=0xf4 if next(1) & 0x0f == 0x0f && next(2) == 0xbf && next(3) >= 0xbe => {
                return false
            }
            0xf0..=0xf4 => 4,
            // Controls (tab and line feed included: notes look closer).
            _ => return false,
        };
    }
    true
}

/// Why the text value `s` of field `key` is refused, with a hint.
fn refusal(s: &str, key: &str, in_note: bool) -> Option<(String, &'static str)> {
    // Spaces only are reported by the decoder as empty; invisible-only
    // text that is not plain whitespace would pass it.
    if must_show(key) && !s.trim().is_empty() && s.chars().all(invisible) {
        return Some((
            format!("`{key}` holds only invisible characters (zero-width spaces or similar)"),
            "write the visible text, or remove the record",
        ));
    }
    let (at, c, why) = s
        .chars()
        .enumerate()
        .find_map(|(i, c)| hostile_char(c, in_note).map(|why| (i, c, why)))?;
    let hint = if in_note || !matches!(c, '\t' | '\n') {
        "remove it (the tracker refuses characters that can change how a terminal shows text)"
    } else {
        "write it on one line; only `note` fields may hold tabs and line breaks"
    };
    Some((
        format!(
            "{why} (U+{:04X}) at character {} of the text",
            c as u32,
            at + 1
        ),
        hint,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_pass_never_passes_a_refused_character() {
        // Every character near the refused ranges, alone and in text.
        let mut chars: Vec<char> = (0u32..0x300).filter_map(char::from_u32).collect();
        for base in [
            0x2000u32, 0x2060, 0x3000, 0xfdc0, 0xfef0, 0xfff0, 0x1fff0, 0x10fff0,
        ] {
            chars.extend((base..base + 0x40).filter_map(char::from_u32));
        }
        chars.extend(['中', '“', '—', '…', '🚀', '\u{e000}']);
        for c in chars {
            for s in [c.to_string(), format!("ab{c}中"), format!("{c}{c}x")] {
                if no_refused_char(s.as_bytes()) {
                    assert!(s.chars().all(|c| hostile_char(c, false).is_none()), "{c:?}");
                }
                for key in ["name_en", "note", "", "quote"] {
                    let note = key == "note";
                    assert_eq!(
                        clean(&s, key, note),
                        refusal(&s, key, note).is_none(),
                        "{c:?} {key}"
                    );
                }
            }
        }
        assert!(no_refused_char(
            "Renhe Road 人和路 “新” — 2024…🚀".as_bytes()
        ));
    }

    #[test]
    fn refuses_names_of_invisible_characters_only() {
        let v: Value = serde_yaml::from_str(
            "- name_en: \"\\u200b\\u2060\"\n  note: \"\\u200b\"\n  name_zh: \"\\u200b甲\"\n",
        )
        .unwrap();
        let issues = check(&v);
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(issues[0].path.to_string(), "[0].name_en");
    }

    #[test]
    fn refuses_escapes_in_values_and_keys_but_not_newlines_in_notes() {
        let v: Value = serde_yaml::from_str(
            "projects:\n  - name_en: \"ok\\e]52;c;eA==\\a\"\n    note: \"two\\nlines\\tok\"\n    \"bad\\u202ekey\": 1\n    quote: \"a\\nb\"\n",
        )
        .unwrap();
        let issues = check(&v);
        let paths: Vec<String> = issues.iter().map(|i| i.path.to_string()).collect();
        assert_eq!(
            paths,
            vec![
                "projects[0].name_en",
                "projects[0].bad\u{202e}key",
                "projects[0].quote"
            ]
        );
        assert!(
            issues[0].message.contains("U+001B"),
            "{}",
            issues[0].message
        );
        assert!(issues[0].message.contains("character 3"));
    }
}
