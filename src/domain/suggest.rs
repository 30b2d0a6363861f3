//! "Did you mean" suggestions for unknown ids.

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
