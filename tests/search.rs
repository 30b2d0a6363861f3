//! Search precision on the bundled tracker: a fixed list of queries with
//! the results expected on top, and the queries that must find nothing.
//! The rule is documented in `src/domain/search.rs`.

use proptest::prelude::*;
use shibei_tracker::domain::search::{Field, Query, SearchIndex};
use shibei_tracker::domain::{ProgressState, Tracker};
use std::path::Path;

#[path = "common/replicate.rs"]
mod replicate;

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

/// Issue 20: users coming from fzf type letters in order anywhere. A word
/// prefixed with `~` is matched that way, by fuzzy-matcher's skim matcher,
/// over the same names (English, pinyin, id, aliases; chain and area at
/// half), ranked by its score; the token engine stays the default.
#[test]
fn a_tilde_word_matches_letters_in_order_ranked_by_skim() {
    use fuzzy_matcher::skim::SkimMatcherV2;
    use fuzzy_matcher::FuzzyMatcher;
    let t = bundled();
    let ix = SearchIndex::build(&t);
    let q = Query::parse("~vsnx");
    assert_eq!(q.terms[0].field, Field::Fuzzy);
    assert_eq!(q.terms[0].word, "vsnx");
    // v·s·n·x of "Visionox": nothing for the token engine, found with `~`.
    assert!(found(&t, &ix, "vsnx").is_empty());
    assert_eq!(
        found(&t, &ix, "~vsnx").first().map(String::as_str),
        Some("维信诺项目")
    );
    // The highlight is where skim matched, in the English name.
    let hits = ix.filter_projects(&t, &q);
    let skim = SkimMatcherV2::default();
    let (_, at) = skim
        .fuzzy_indices("visionox project", "vsnx")
        .expect("skim matches");
    assert_eq!(hits[0].hl_en, at);
    // Pinyin of the Chinese names, as fzf users type it: 人和路 first, and
    // everything fzf-style finds (more than the default engine).
    let rhl = found(&t, &ix, "~rhl");
    assert!(rhl[..3].iter().all(|n| n.starts_with("人和路")), "{rhl:?}");
    assert!(rhl.len() > found(&t, &ix, "rhl").len(), "{rhl:?}");
    let hits = ix.filter_projects(&t, &Query::parse("~rhl"));
    assert_eq!(hits[0].hl_zh, [0, 1, 2], "人和路 highlighted");
    // Ranked by skim's score: the best of a record's names, as skim scores
    // them (the Chinese name as its syllables written apart).
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    let renhe = skim
        .fuzzy_match("ren he lu jiu cheng gai zao xiang mu", "rhl")
        .expect("skim matches");
    assert_eq!(hits[0].score, renhe);
    // Chinese typed with `~` (or the input method's ～): characters in order.
    assert_eq!(
        found(&t, &ix, "～人改").first().map(String::as_str),
        Some("人和路旧城改造项目")
    );
    // With other words: all must match.
    let both = found(&t, &ix, "~rhl status:已建成");
    assert_eq!(
        both.first().map(String::as_str),
        Some("人和路旧城改造项目A区"),
        "{both:?}"
    );
    assert!(both.len() < rhl.len(), "{both:?}");
}

/// A `~` word typed one letter further scores only the hits of the word
/// before (and deleting back takes them as they were): the hits, scores
/// and order are exactly those of a pass over every record.
#[test]
fn narrowing_a_tilde_word_finds_what_a_whole_pass_finds() {
    let t = bundled();
    let ix = SearchIndex::build(&t);
    let typed = [
        "~r", "~re", "~ren", "~renh", "~renhe", "~renh", "~ren", "~rn", "~rnl", "~r", "~",
    ];
    for q in typed
        .iter()
        .chain(&["~数", "~数字", "~数", "~c ~p", "~cr ~pa", "~c ~p"])
    {
        let query = Query::parse(q);
        let narrowed = ix.search_projects(&t, &query);
        let whole = SearchIndex::build(&t).search_projects(&t, &query);
        assert_eq!(narrowed, whole, "{q}");
        let goals = vec![shibei_tracker::domain::ProgressState::NoData; t.targets.len()];
        assert_eq!(
            ix.search_targets(&query, &goals),
            SearchIndex::build(&t).search_targets(&query, &goals),
            "{q}"
        );
    }
}

/// Each query of `typed` (in order, on one index, as the interface sends
/// them while typing) finds exactly what a search that keeps nothing
/// finds: the command line's one-shot search, and a whole pass.
fn typing_finds_what_a_whole_pass_finds(t: &Tracker, typed: &[String]) -> Result<(), String> {
    let ix = SearchIndex::build(t);
    let whole = SearchIndex::build(t);
    let states: Vec<ProgressState> = (0..t.targets.len())
        .map(|i| ProgressState::ALL[i % ProgressState::ALL.len()])
        .collect();
    for q in typed {
        let query = Query::parse(q);
        let got = ix.search_projects(t, &query);
        whole.forget_passes();
        let want = whole.search_projects(t, &query);
        if got != want {
            return Err(format!("projects, {q:?} after {typed:?}"));
        }
        if got != SearchIndex::search_projects_once(t, &query) {
            return Err(format!("projects (one-shot), {q:?} after {typed:?}"));
        }
        let got = ix.search_targets(&query, &states);
        whole.forget_passes();
        if got != whole.search_targets(&query, &states) {
            return Err(format!("goals, {q:?} after {typed:?}"));
        }
    }
    Ok(())
}

/// Every prefix of `line`, typed and then deleted again.
fn typed_and_deleted(line: &str) -> Vec<String> {
    let cuts: Vec<usize> = line.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
    let mut out: Vec<String> = cuts.iter().map(|&e| line[..e].to_string()).collect();
    out.extend(cuts.iter().rev().skip(1).map(|&e| line[..e].to_string()));
    out
}

/// A pass starts from the passes before it (the same query's hits, the
/// hits of a query with fewer words, the records kept for a word typed
/// further): on 9,000 projects (chunks shared between threads), typing and
/// deleting these lines finds at every key what a whole pass finds.
#[test]
fn typing_starts_from_the_passes_before_and_finds_the_same() {
    let t = replicate::replicated(&bundled(), 9_000);
    let mut typed = Vec::new();
    for line in [
        "renhelu",
        "rhl s",
        "cruise ~po",
        "~renh",
        "chain:digital ren",
        "ren status:planned",
        "数字 chan",
        "rl",
    ] {
        typed.extend(typed_and_deleted(line));
    }
    // Back to words typed before, and on from them.
    typed.extend(["renhe", "renhelu", "ren"].map(String::from));
    if let Err(e) = typing_finds_what_a_whole_pass_finds(&t, &typed) {
        panic!("{e}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Generated names and typing: projects renamed from pieces of Chinese,
    /// English, digits and punctuation, and keys typed, deleted and
    /// prefixed at random; every query finds what a whole pass finds.
    #[test]
    fn generated_names_and_typing_find_what_a_whole_pass_finds(
        names in prop::collection::vec((name(), name()), 1..200),
        chains in prop::collection::vec(any::<prop::sample::Index>(), 1..200),
        keys in prop::collection::vec(key(), 1..30),
    ) {
        let mut t = bundled();
        t.projects.truncate(names.len());
        let chain_ids: Vec<String> = t.chains.iter().map(|c| c.id.clone()).collect();
        let area_ids: Vec<String> = t.areas.iter().map(|a| a.id.clone()).collect();
        for (i, (p, (zh, en))) in t.projects.iter_mut().zip(&names).enumerate() {
            p.name_zh = zh.clone();
            p.name_en = en.clone();
            let pick = chains[i % chains.len()];
            p.chain = pick.get(&chain_ids).clone();
            p.area = (i % 3 != 0).then(|| pick.get(&area_ids).clone());
        }
        t.targets.truncate(names.len());
        for (x, (zh, en)) in t.targets.iter_mut().zip(&names) {
            x.metric_zh = en.clone();
            x.metric_en = zh.clone();
        }
        let mut line = String::new();
        let mut typed = Vec::new();
        for k in &keys {
            match k {
                Key::Type(s) => line.push_str(s),
                Key::Delete => {
                    line.pop();
                }
            }
            typed.push(line.clone());
        }
        let checked = typing_finds_what_a_whole_pass_finds(&t, &typed);
        prop_assert!(checked.is_ok(), "{}", checked.unwrap_err());
    }
}

#[derive(Debug, Clone)]
enum Key {
    Type(&'static str),
    Delete,
}

/// Keys typed on the filter line: letters that make pinyin and English
/// words of the names below, a space, `~`, prefixes, Chinese, deletes.
fn key() -> impl Strategy<Value = Key> {
    prop_oneof![
        8 => prop::sample::select(vec![
            "r", "e", "n", "h", "l", "u", "o", "d", "c", "i", "t", "p", "a", "2", "g", "s",
        ])
        .prop_map(Key::Type),
        1 => prop::sample::select(vec![" ", "~", "chain:", "area:", "status:", "人", "数", "-"])
            .prop_map(Key::Type),
        3 => Just(Key::Delete),
    ]
}

/// A name from pieces of Chinese, English, digits and punctuation.
fn name() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "人", "和", "路", "旧", "城", "改", "造", "邮", "轮", "港", "数", "字", "产", "业", "园",
        "青", "岛", "日", "融", "Renhe", "Road", "Port", "City", "Data", "big", "R&D", "Re", "ren",
        "hub", "e", "2", "23", "-", " ", "(", "、", "Cruise", "erhe", "lu", "Digital", "planned",
    ]);
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

/// The records kept for a word typed further are all those that could
/// match it: a pass that only scored the hits of a pass before (a `~` word
/// grown beside it) keeps none, since those hits left out records whose
/// names hold the word but do not match it yet. "Torrent Box" holds `re`
/// only inside a word (a run of two letters is not a match) and matches
/// `ren` as a run; a pass of `~ex ren` that started from what `~ex re`
/// kept would miss it.
#[test]
fn records_kept_for_a_longer_word_are_all_that_could_match_it() {
    let mut t = bundled();
    t.projects.truncate(3);
    t.projects[0].name_en = "Torrent Box".into();
    t.projects[1].name_en = "Renewal Exhibition".into();
    t.projects[2].name_en = "Export Zone".into();
    for p in &mut t.projects {
        p.name_zh = "项目".into();
        p.id = format!("p-{}", p.id.len());
        p.aliases.clear();
    }
    let typed = ["~e re", "~ex re", "~ex ren"].map(String::from);
    if let Err(e) = typing_finds_what_a_whole_pass_finds(&t, &typed) {
        panic!("{e}");
    }
    // And the word does find it.
    let ix = SearchIndex::build(&t);
    let q = Query::parse("~ex ren");
    assert!(ix.search_projects(&t, &q).iter().any(|h| h.index == 0));
}

/// A lone `~` word typed one letter further holds tens of thousands of
/// records at 100,000 projects: the interface asks for a page. The first
/// rows are those of a whole pass, in its order, and the hits (so their
/// count) are exactly its hits; when every hit was ranked, it is exactly
/// the whole pass.
#[test]
fn a_page_of_a_grown_tilde_word_is_the_top_of_a_whole_pass() {
    let t = replicate::replicated(&bundled(), 9_000);
    let ix = SearchIndex::build(&t);
    let whole = SearchIndex::build(&t);
    let mut partial = 0;
    for rows in [1, 30] {
        ix.forget_passes();
        for q in typed_and_deleted("~renhelu")
            .into_iter()
            .chain(["~rn", "~rnl", "~c", "~cr", "~cru", "~crui"].map(String::from))
        {
            let query = Query::parse(&q);
            let (page, complete) = ix
                .search_projects_page(&t, &query, rows, &mut || false)
                .expect("not stopped");
            whole.forget_passes();
            let want = whole.search_projects(&t, &query);
            let top = rows.min(want.len());
            assert_eq!(page[..top], want[..top], "{q}: the first {rows} rows");
            let mut got: Vec<usize> = page.iter().map(|h| h.index).collect();
            got.sort_unstable();
            let mut all: Vec<usize> = want.iter().map(|h| h.index).collect();
            all.sort_unstable();
            assert_eq!(got, all, "{q}: the hits");
            if complete {
                assert_eq!(page, want, "{q}: complete");
            } else {
                partial += 1;
            }
        }
    }
    assert!(partial >= 4, "the page was taken {partial} times");
}
