//! "Did you mean" suggestions for unknown ids.

/// Up to three candidates closest to `wanted` by edit distance, closest first;
/// candidates containing the typed text come first.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let w = wanted.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| {
            let d = levenshtein(&w, &c.to_lowercase());
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

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
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
