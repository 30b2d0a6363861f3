//! The search engine as it was before the token engine (skim, from commit
//! bfaab03), kept only to compare with it; plus an optional check of
//! skim's positions against token starts.
#![allow(dead_code)]

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use pinyin::ToPinyin;
use shibei_tracker::domain::{ProgressState, Project, Status, Target, Tracker};
use std::collections::HashMap;

/// One searchable string with its pinyin forms. The maps give, for each
/// char of a pinyin form, the index of the Chinese char it came from, so a
/// pinyin match can be highlighted on the Chinese name.
#[derive(Debug, Clone)]
pub struct NameKeys {
    pub text: String,
    full: String,
    full_map: Vec<usize>,
    initials: String,
    initials_map: Vec<usize>,
}

impl NameKeys {
    pub fn new(text: &str) -> Self {
        let mut full = String::new();
        let mut full_map = Vec::new();
        let mut initials = String::new();
        let mut initials_map = Vec::new();
        let mut has_han = false;
        for (i, ch) in text.chars().enumerate() {
            match ch.to_pinyin() {
                Some(py) => {
                    has_han = true;
                    for c in py.plain().chars() {
                        full.push(c);
                        full_map.push(i);
                    }
                    for c in py.first_letter().chars() {
                        initials.push(c);
                        initials_map.push(i);
                    }
                }
                None if ch.is_alphanumeric() => {
                    for c in ch.to_lowercase() {
                        full.push(c);
                        full_map.push(i);
                        initials.push(c);
                        initials_map.push(i);
                    }
                }
                None => {}
            }
        }
        if !has_han {
            // Pure Latin text: the plain match covers it.
            full.clear();
            full_map.clear();
            initials.clear();
            initials_map.clear();
        }
        NameKeys {
            text: text.to_string(),
            full,
            full_map,
            initials,
            initials_map,
        }
    }

    /// Best score of `word` against the text or its pinyin, with the char
    /// indices of `text` to highlight.
    pub fn matches(&self, m: &Matcher, word: &str) -> Option<(i64, Vec<usize>)> {
        let mut best = m.fuzzy(&self.text, word);
        if m.strict {
            best = best.filter(|(_, idx)| positions_pass(idx, &starts_of_text(&self.text)));
        }
        if word.is_ascii() && !self.full.is_empty() {
            for (form, map) in [
                (&self.full, &self.full_map),
                (&self.initials, &self.initials_map),
            ] {
                if let Some((score, idx)) = m.fuzzy(form, word) {
                    if m.strict && !positions_pass(&idx, &starts_of_map(map)) {
                        continue;
                    }
                    if best.as_ref().is_none_or(|(b, _)| score > *b) {
                        let mut hl: Vec<usize> =
                            idx.iter().filter_map(|&i| map.get(i).copied()).collect();
                        hl.dedup();
                        best = Some((score, hl));
                    }
                }
            }
        }
        best
    }
}

/// Wraps skim's matcher with the rule that a match must be tight enough to
/// mean something: a long word scattered over a long name is noise.
pub struct Matcher {
    skim: SkimMatcherV2,
    /// Also require skim's positions to start tokens (the lead's question:
    /// can skim meet the precision rule with a check on its positions?).
    pub strict: bool,
}

impl Matcher {
    pub fn new(strict: bool) -> Self {
        Matcher {
            skim: SkimMatcherV2::default().ignore_case(),
            strict,
        }
    }
}

/// Token starts of a form: `starts[i]` when char `i` begins a word, a
/// pinyin syllable or an initial.
fn starts_of_text(text: &str) -> Vec<bool> {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len())
        .map(|i| {
            let c = chars[i];
            !c.is_ascii() && c.is_alphabetic()
                || c.is_ascii_alphanumeric() && (i == 0 || !chars[i - 1].is_ascii_alphanumeric())
        })
        .collect()
}

fn starts_of_map(map: &[usize]) -> Vec<bool> {
    (0..map.len())
        .map(|i| i == 0 || map[i] != map[i - 1])
        .collect()
}

/// The token engine's rule applied to skim's chosen positions: runs start
/// tokens (or are three letters or more), a lone letter follows the
/// previous run's token directly.
fn positions_pass(idx: &[usize], starts: &[bool]) -> bool {
    let mut i = 0;
    let mut prev_end: Option<usize> = None;
    while i < idx.len() {
        let mut j = i + 1;
        while j < idx.len() && idx[j] == idx[j - 1] + 1 {
            j += 1;
        }
        let (a, len) = (idx[i], j - i);
        let at_start = starts.get(a).copied().unwrap_or(false);
        if !at_start && len < 3 {
            return false;
        }
        if len == 1 {
            if let Some(e) = prev_end {
                if (e + 1..a).any(|k| starts.get(k).copied().unwrap_or(false)) {
                    return false;
                }
            }
        }
        prev_end = Some(idx[j - 1]);
        i = j;
    }
    true
}

impl Matcher {
    pub fn fuzzy(&self, text: &str, word: &str) -> Option<(i64, Vec<usize>)> {
        let (score, idx) = self.skim.fuzzy_indices(text, word)?;
        // Skim scores 16 per matched char plus bonuses for adjacent and
        // word-start matches, minus gaps. 15 per char keeps whole Chinese
        // words (about 17 per char) and pinyin initials, and drops letters
        // strewn over a long name ("urban" in "Inspur Big Data Industrial
        // Park" scores 14 per char).
        let n = word.chars().count() as i64;
        (score >= 15 * n).then_some((score, idx))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Any,
    Chain,
    Area,
    Status,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub field: Field,
    pub word: String,
}

/// A parsed query: words, each optionally narrowed by a field prefix.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub terms: Vec<Term>,
}

impl Query {
    pub fn parse(q: &str) -> Query {
        let terms = q
            .split_whitespace()
            .filter_map(|tok| {
                let (field, word) = match tok.split_once(':').or_else(|| tok.split_once('：')) {
                    Some((f, w)) => match f.to_lowercase().as_str() {
                        "chain" | "c" | "链" => (Field::Chain, w),
                        "area" | "a" | "区" | "区域" => (Field::Area, w),
                        "status" | "s" | "state" | "状态" => (Field::Status, w),
                        _ => (Field::Any, tok),
                    },
                    None => (Field::Any, tok),
                };
                (!word.is_empty()).then(|| Term {
                    field,
                    word: word.to_string(),
                })
            })
            .collect();
        Query { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// A matching record: its index in the tracker, score and highlights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub index: usize,
    pub score: i64,
    /// Char indices to highlight in the Chinese name (or metric).
    pub hl_zh: Vec<usize>,
    /// Char indices to highlight in the English name (or metric).
    pub hl_en: Vec<usize>,
}

#[derive(Debug, Clone)]
struct RecordKeys {
    zh: NameKeys,
    en: NameKeys,
    /// Aliases and the id.
    other: Vec<NameKeys>,
    chain: Option<usize>,
    area: Option<usize>,
}

/// Search keys for a whole tracker, computed once at load.
#[derive(Debug, Clone)]
pub struct SearchIndex {
    chains: Vec<Vec<NameKeys>>,
    areas: Vec<Vec<NameKeys>>,
    projects: Vec<RecordKeys>,
    targets: Vec<RecordKeys>,
}

fn names_of(id: &str, zh: &str, en: &str, aliases: &[String]) -> Vec<NameKeys> {
    let mut v = vec![NameKeys::new(zh), NameKeys::new(en), NameKeys::new(id)];
    v.extend(aliases.iter().map(|a| NameKeys::new(a)));
    v
}

impl SearchIndex {
    pub fn build(t: &Tracker) -> Self {
        let chain_ix: HashMap<&str, usize> = t
            .chains
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let area_ix: HashMap<&str, usize> = t
            .areas
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        let project_keys = |p: &Project| RecordKeys {
            zh: NameKeys::new(&p.name_zh),
            en: NameKeys::new(&p.name_en),
            other: std::iter::once(&p.id)
                .chain(&p.aliases)
                .map(|s| NameKeys::new(s))
                .collect(),
            chain: chain_ix.get(p.chain.as_str()).copied(),
            area: p.area.as_deref().and_then(|a| area_ix.get(a).copied()),
        };
        let target_keys = |x: &Target| RecordKeys {
            zh: NameKeys::new(&x.metric_zh),
            en: NameKeys::new(&x.metric_en),
            other: vec![NameKeys::new(&x.id)],
            chain: chain_ix.get(x.chain.as_str()).copied(),
            area: x.area.as_deref().and_then(|a| area_ix.get(a).copied()),
        };
        SearchIndex {
            chains: t
                .chains
                .iter()
                .map(|c| names_of(&c.id, &c.name_zh, &c.name_en, &c.aliases))
                .collect(),
            areas: t
                .areas
                .iter()
                .map(|a| names_of(&a.id, &a.name_zh, &a.name_en, &a.aliases))
                .collect(),
            projects: t.projects.iter().map(project_keys).collect(),
            targets: t.targets.iter().map(target_keys).collect(),
        }
    }

    /// Chains (by index) matching `q` as a free query, best first; all when empty.
    pub fn filter_chains(&self, m: &Matcher, q: &str) -> Vec<usize> {
        filter_named(&self.chains, m, q)
    }

    pub fn filter_areas(&self, m: &Matcher, q: &str) -> Vec<usize> {
        filter_named(&self.areas, m, q)
    }

    pub fn filter_projects(&self, t: &Tracker, m: &Matcher, q: &Query) -> Vec<Hit> {
        let ctx = TermScores::new(self, m, q);
        let status_of = |i: usize| StatusLabels::of_status(t.projects[i].status);
        rank(&self.projects, m, q, &ctx, status_of)
    }

    /// `states[i]` is the progress state of target `i` today.
    pub fn filter_targets(&self, m: &Matcher, q: &Query, states: &[ProgressState]) -> Vec<Hit> {
        let ctx = TermScores::new(self, m, q);
        let status_of = |i: usize| {
            StatusLabels::of_state(states.get(i).copied().unwrap_or(ProgressState::NoData))
        };
        rank(&self.targets, m, q, &ctx, status_of)
    }
}

fn filter_named(list: &[Vec<NameKeys>], m: &Matcher, q: &str) -> Vec<usize> {
    let words: Vec<&str> = q.split_whitespace().collect();
    let mut scored: Vec<(i64, usize)> = list
        .iter()
        .enumerate()
        .filter_map(|(i, keys)| {
            let mut total = 0;
            for w in &words {
                total += keys
                    .iter()
                    .filter_map(|k| k.matches(m, w))
                    .map(|(s, _)| s)
                    .max()?;
            }
            Some((total, i))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// Per-query scores of each chain and area for each term, computed once
/// per query rather than once per record.
struct TermScores {
    chain: Vec<Vec<Option<i64>>>,
    area: Vec<Vec<Option<i64>>>,
}

impl TermScores {
    fn new(ix: &SearchIndex, m: &Matcher, q: &Query) -> Self {
        let score = |list: &Vec<Vec<NameKeys>>, word: &str| -> Vec<Option<i64>> {
            // An exact id (as the pickers write, `chain:finance`) means that
            // one chain or area, not every name that fuzzily contains it.
            let is_id = |keys: &Vec<NameKeys>| {
                keys.get(2)
                    .is_some_and(|k| k.text.eq_ignore_ascii_case(word))
            };
            if list.iter().any(is_id) {
                return list
                    .iter()
                    .map(|keys| is_id(keys).then_some(1000))
                    .collect();
            }
            list.iter()
                .map(|keys| {
                    keys.iter()
                        .filter_map(|k| k.matches(m, word))
                        .map(|(s, _)| s)
                        .max()
                })
                .collect()
        };
        TermScores {
            chain: q.terms.iter().map(|t| score(&ix.chains, &t.word)).collect(),
            area: q.terms.iter().map(|t| score(&ix.areas, &t.word)).collect(),
        }
    }
}

struct StatusLabels([&'static str; 3]);

impl StatusLabels {
    fn of_status(s: Status) -> Self {
        StatusLabels([s.id(), s.label_zh(), s.label_en()])
    }
    fn of_state(s: ProgressState) -> Self {
        StatusLabels([s.id(), s.label_zh(), s.label_en()])
    }
}

fn rank(
    records: &[RecordKeys],
    m: &Matcher,
    q: &Query,
    ctx: &TermScores,
    status_of: impl Fn(usize) -> StatusLabels,
) -> Vec<Hit> {
    let mut hits: Vec<Hit> = records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let mut hit = Hit {
                index: i,
                score: 0,
                hl_zh: vec![],
                hl_en: vec![],
            };
            for (ti, term) in q.terms.iter().enumerate() {
                let lookup =
                    |scores: &Vec<Option<i64>>, ix: Option<usize>| ix.and_then(|x| scores[x]);
                let s = match term.field {
                    Field::Chain => lookup(&ctx.chain[ti], r.chain)?,
                    Field::Area => lookup(&ctx.area[ti], r.area)?,
                    Field::Status => {
                        let labels = status_of(i);
                        labels
                            .0
                            .iter()
                            .filter_map(|l| m.fuzzy(l, &term.word))
                            .map(|(s, _)| s)
                            .max()?
                    }
                    Field::Any => {
                        let zh = r.zh.matches(m, &term.word);
                        let en = r.en.matches(m, &term.word);
                        let other = r
                            .other
                            .iter()
                            .filter_map(|k| k.matches(m, &term.word))
                            .map(|(s, _)| s)
                            .max();
                        // Chain and area names count, but less than the record's own names.
                        let group = [
                            lookup(&ctx.chain[ti], r.chain),
                            lookup(&ctx.area[ti], r.area),
                        ]
                        .into_iter()
                        .flatten()
                        .max()
                        .map(|s| s / 2);
                        let best = [
                            zh.as_ref().map(|x| x.0),
                            en.as_ref().map(|x| x.0),
                            other,
                            group,
                        ]
                        .into_iter()
                        .flatten()
                        .max()?;
                        if let Some((_, idx)) = zh {
                            hit.hl_zh.extend(idx);
                        }
                        if let Some((_, idx)) = en {
                            hit.hl_en.extend(idx);
                        }
                        best
                    }
                };
                hit.score += s;
            }
            hit.hl_zh.sort_unstable();
            hit.hl_zh.dedup();
            hit.hl_en.sort_unstable();
            hit.hl_en.dedup();
            Some(hit)
        })
        .collect();
    if !q.is_empty() {
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
    }
    hits
}
