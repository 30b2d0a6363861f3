//! Search precision on the bundled tracker: a fixed list of queries with
//! the results expected on top, and the queries that must find nothing.
//! The rule is documented in `src/domain/search.rs`.

use shibei_tracker::domain::search::{Field, Query, SearchIndex};
use shibei_tracker::domain::Tracker;
use std::path::Path;

fn bundled() -> Tracker {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tracker.yaml");
    match shibei_tracker::store::load(&file) {
        Ok(l) => l.tracker,
        Err(p) => panic!("tracker.yaml does not load: {p:?}"),
    }
}

/// Chinese names of the projects `q` finds, best first.
fn found(t: &Tracker, ix: &SearchIndex, q: &str) -> Vec<String> {
    ix.filter_projects(t, &Query::parse(q))
        .iter()
        .map(|h| t.projects[h.index].name_zh.clone())
        .collect()
}

#[test]
fn pinyin_initials_find_the_place_first() {
    let t = bundled();
    let ix = SearchIndex::build(&t);
    for q in ["rhl", "renhelu", "renhl", "人和路"] {
        let names = found(&t, &ix, q);
        let on_top: Vec<&String> = names.iter().take_while(|n| n.contains("人和路")).collect();
        assert!(on_top.len() >= 3, "{q}: {names:?}");
        // Everything 人和路 comes before anything else.
        assert_eq!(
            names.iter().filter(|n| n.contains("人和路")).count(),
            on_top.len(),
            "{q}: {names:?}"
        );
        // Nothing else rides along on letters strewn over English names.
        assert!(names.len() <= on_top.len() + 1, "{q}: {names:?}");
    }
}

#[test]
fn nonsense_letters_find_nothing_or_near_nothing() {
    let t = bundled();
    let ix = SearchIndex::build(&t);
    for (q, at_most) in [("xyz", 0), ("abc", 0), ("zzz", 1), ("qqq", 0)] {
        let names = found(&t, &ix, q);
        assert!(names.len() <= at_most, "{q} found {names:?}");
    }
    // zzz: the one left is a real run of initials, 制造中(心) zhi·zao·zhong.
    assert_eq!(found(&t, &ix, "zzz"), ["颐中烟草研发制造中心"]);
}

#[test]
fn fixed_queries_have_their_expected_top_result() {
    let t = bundled();
    let ix = SearchIndex::build(&t);
    for (q, top) in [
        ("cruise", "邮轮港城"),
        ("youlun", "邮轮港城"),
        ("ylgc", "邮轮港城"),
        ("浪潮", "浪潮大数据产业园"),
        ("inspur", "浪潮大数据产业园"),
        ("lcdsj", "浪潮大数据产业园"),
        ("bigdata", "医疗大数据技术研究中心"),
        ("renhe-road-renewal-bc", "人和路旧城改造项目B、C区"),
    ] {
        let names = found(&t, &ix, q);
        assert_eq!(
            names.first().map(String::as_str),
            Some(top),
            "{q}: {names:?}"
        );
    }
}

#[test]
fn unknown_prefixed_values_are_reported_with_suggestions() {
    let t = bundled();
    let ix = SearchIndex::build(&t);
    let u = ix.unknown_values(&Query::parse(
        "status:foo chain:nosuch area:cruise-prt park",
    ));
    let fields: Vec<Field> = u.iter().map(|x| x.field).collect();
    assert_eq!(fields, [Field::Status, Field::Chain, Field::Area], "{u:?}");
    assert_eq!(
        u[2].suggestions.first().map(String::as_str),
        Some("cruise-port")
    );
    // Chinese labels, ids and progress states are all known.
    for q in [
        "status:在建",
        "status:stalled",
        "status:at_risk",
        "chain:数字",
        "area:台东",
    ] {
        assert!(ix.unknown_values(&Query::parse(q)).is_empty(), "{q}");
    }
}

/// skim (the algorithm of the design card's fuzzy-matcher, close to fzf's)
/// on the same one-line-per-project names fzf gets: where both rank word
/// starts and runs first, the top result agrees; what skim adds is the tail
/// of strewn letters this search drops.
#[test]
fn ordering_agrees_with_skim_at_the_top_and_drops_its_tail() {
    use fuzzy_matcher::skim::SkimMatcherV2;
    use fuzzy_matcher::FuzzyMatcher;
    let t = bundled();
    let ix = SearchIndex::build(&t);
    let skim = SkimMatcherV2::default().ignore_case();
    let lines: Vec<String> = t
        .projects
        .iter()
        .map(|p| {
            format!(
                "{} | {} | {} | {}",
                p.name_zh,
                p.name_en,
                p.aliases.join(" | "),
                p.id
            )
        })
        .collect();
    let skim_ranked = |q: &str| -> Vec<usize> {
        let mut v: Vec<(i64, usize)> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| skim.fuzzy_match(l, q).map(|s| (s, i)))
            .collect();
        v.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        v.into_iter().map(|(_, i)| i).collect()
    };
    for q in ["cruise", "inspur", "浪潮", "renhe"] {
        let ours = ix.filter_projects(&t, &Query::parse(q));
        let theirs = skim_ranked(q);
        assert_eq!(
            ours.first().map(|h| h.index),
            theirs.first().copied(),
            "{q}"
        );
        assert!(ours.len() <= theirs.len(), "{q}");
    }
    for q in ["rhl", "abc", "hqd"] {
        let ours = ix.filter_projects(&t, &Query::parse(q)).len();
        let theirs = skim_ranked(q).len();
        assert!(theirs >= 2 * ours.max(1), "{q}: skim {theirs}, ours {ours}");
    }
}

/// The command line's one-shot search rules records out from a summary of
/// their names (letters, pairs, and the characters of Chinese names) before
/// building any keys: on the bundled tracker it finds exactly what the
/// interface's full index finds, for Latin, pinyin, Chinese and mixed
/// queries, single characters and misses included.
#[test]
fn the_one_shot_search_finds_exactly_what_the_index_finds() {
    let t = bundled();
    let ix = SearchIndex::build(&t);
    let states = vec![shibei_tracker::domain::ProgressState::NoData; t.targets.len()];
    for q in [
        "rhl",
        "renhelu",
        "cruise",
        "youlun",
        "数字",
        "数",
        "港",
        "旧城改造",
        "改造旧城",
        "产业园",
        "人和路 rhl",
        "数字 chain:digital",
        "浪潮",
        "lc",
        "GDP",
        "生产总值",
        "亿元",
        "2022",
        "qd",
        "北区",
        "Ü",
        "é",
        "-",
        "区",
        "status:planned 港",
        "zzz",
        "中心核心区",
        "xyz 数字",
    ] {
        let query = Query::parse(q);
        assert_eq!(
            SearchIndex::search_projects_once(&t, &query),
            ix.search_projects(&t, &query),
            "projects, {q:?}"
        );
        assert_eq!(
            SearchIndex::search_targets_once(&t, &query, &states),
            ix.search_targets(&query, &states),
            "goals, {q:?}"
        );
    }
}
