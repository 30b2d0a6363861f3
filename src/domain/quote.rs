//! Quotes and the reports they come from: whether a quote occurs in its
//! report (whitespace aside, as page layout and OCR put it anywhere), and
//! the report's closest passage when it does not — one rule and one
//! wording for the form, the command line and validation.

/// Removes whitespace, which page layout and OCR put in arbitrary places.
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether `quote` occurs in a report whose text, squeezed, is `squeezed`.
pub fn found_in(squeezed: &str, quote: &str) -> bool {
    let q = squeeze(quote);
    !q.is_empty() && squeezed.contains(&q)
}

/// Checks that `quote` occurs in `report` (the text of source `source`);
/// otherwise says so with the report's closest passage.
pub fn check(source: &str, report: &str, quote: &str) -> Result<(), String> {
    if squeeze(quote).is_empty() {
        return Err("the quote is empty: copy the words from the report".into());
    }
    if found_in(&squeeze(report), quote) {
        return Ok(());
    }
    let near = closest_passage(report, quote)
        .map_or(String::new(), |p| format!("; its closest passage: {p}"));
    Err(format!(
        "quote not found in {source}: copy the words exactly from the report (spaces and line breaks may differ; OCR errors must be kept){near}"
    ))
}

/// The passage of `report` closest to `quote` (which was not found in it):
/// the sentence sharing the most character pairs with it, to show the user
/// what the report actually says there. `None` for an empty report.
pub fn closest_passage(report: &str, quote: &str) -> Option<String> {
    let pairs = |s: &str| -> std::collections::HashSet<(char, char)> {
        let c: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
        c.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let q = pairs(quote);
    let qc: Vec<char> = quote.chars().filter(|c| !c.is_whitespace()).collect();
    sentences(report)
        .into_iter()
        .map(|s| {
            let p = pairs(s);
            let shared = q.intersection(&p).count();
            // Single characters break ties (and decide for one-character quotes).
            let chars = qc.iter().filter(|c| s.contains(**c)).count();
            ((shared, chars), s)
        })
        .filter(|((shared, chars), _)| *shared > 0 || *chars > 0)
        .max_by_key(|(score, s)| (*score, std::cmp::Reverse(s.len())))
        .map(|(_, s)| s.trim().to_string())
}

/// A report cut into sentences (ending in 。！？；, a line break, or . ! ?
/// followed by a space), trimmed, empty ones dropped.
pub fn sentences(report: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = report.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = match c {
            '。' | '！' | '？' | '；' | '\n' => true,
            '.' | '!' | '?' => chars.peek().is_none_or(|(_, n)| n.is_whitespace()),
            _ => false,
        };
        if end {
            let s = report[start..i + c.len_utf8()].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = i + c.len_utf8();
        }
    }
    let rest = report[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_passage_is_the_sentence_sharing_most_pairs() {
        let report =
            "市北区加快建设。人和路旧城改造项目B、C区终于在12月1日实现开工建设。明年投产！";
        assert_eq!(
            closest_passage(report, "人和路改造项目12月开工").unwrap(),
            "人和路旧城改造项目B、C区终于在12月1日实现开工建设。"
        );
        assert_eq!(closest_passage("", "x"), None);
    }

    #[test]
    fn a_quote_is_found_whitespace_aside_or_refused_with_the_closest_passage() {
        let report = "人和路旧城改造项目B、C区终于在12月1日实现开工建设。明年投产！";
        assert!(check("r2022", report, "12月1日实现 开工").is_ok());
        assert!(check("r2022", "在12月1日\n实现开工", "12月1日实现开工").is_ok());
        assert_eq!(
            check("r2022", report, "  "),
            Err("the quote is empty: copy the words from the report".into())
        );
        let e = check("r2022", report, "人和路改造项目12月开工").unwrap_err();
        assert!(e.starts_with("quote not found in r2022: "), "{e}");
        assert!(
            e.ends_with("its closest passage: 人和路旧城改造项目B、C区终于在12月1日实现开工建设。"),
            "{e}"
        );
    }
}
