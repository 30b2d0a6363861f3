//! "Did you mean" suggestions for unknown ids, and their one wording
//! (the command line, the form, `edit` and `validate` all say it so).

/// "did you mean `a`, `b` or `c`?": the suggestions, each already written
/// as it should read (an id in backticks, maybe with its name).
pub fn did_you_mean<S: AsRef<str>>(near: &[S]) -> String {
    let items: Vec<&str> = near.iter().map(AsRef::as_ref).collect();
    let listed = match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    };
    format!("did you mean {listed}?")
}

/// An id as suggestions write it: `` `renhe-road-renewal` ``.
pub fn ticked(id: &str) -> String {
    format!("`{id}`")
}

/// "unknown chain "x" — did you mean `y`?", or, with nothing close, the
/// known ids (the first twelve).
pub fn unknown(what: &str, value: &str, known: &[&str]) -> String {
    format!("unknown {what} \"{value}\" — {}", hint(value, known))
}

/// What follows "unknown …": the closest ids, or the known ones.
pub fn hint(value: &str, known: &[&str]) -> String {
    let near = closest(value, known.iter().copied());
    if near.is_empty() {
        let shown = if known.len() <= 12 {
            known.join(", ")
        } else {
            format!("{}, … ({} in all)", known[..12].join(", "), known.len())
        };
        return format!("known: {shown}");
    }
    let near: Vec<String> = near.into_iter().map(ticked).collect();
    did_you_mean(&near)
}

/// Up to three candidates closest to `wanted` by edit distance (strsim's
/// Levenshtein, over characters), closest first;
/// candidates containing the typed text come first.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let w = wanted.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| {
            let d = strsim::levenshtein(&w, &c.to_lowercase());
            let bonus = if !w.is_empty() && c.to_lowercase().contains(&w) {
                0
            } else {
                1
            };
            (bonus * 1000 + d, c)
        })
        .filter(|(score, c)| {
            *score < 1000 || score % 1000 <= c.chars().count().max(w.chars().count()) / 2
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_wording_for_every_suggestion() {
        assert_eq!(did_you_mean(&["`a`"]), "did you mean `a`?");
        assert_eq!(
            did_you_mean(&["`a`", "`b`", "`c`"]),
            "did you mean `a`, `b` or `c`?"
        );
        assert_eq!(
            unknown("chain", "digitl", &["digital", "finance"]),
            "unknown chain \"digitl\" — did you mean `digital`?"
        );
        assert_eq!(
            unknown("area", "zzz", &["taidong", "cbd"]),
            "unknown area \"zzz\" — known: taidong, cbd"
        );
    }

    #[test]
    fn suggests_near_ids() {
        let ids = [
            "renhe-road-renewal",
            "renhe-road-renewal-bc",
            "inspur-big-data-park",
        ];
        assert_eq!(closest("renhe-road-renwal", ids)[0], "renhe-road-renewal");
        assert_eq!(closest("inspur", ids), vec!["inspur-big-data-park"]);
        assert!(closest("zzzzzzzzzz", ids).is_empty());
    }
}
