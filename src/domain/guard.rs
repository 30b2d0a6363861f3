//! Guards that ask rather than refuse: a new record whose name equals or
//! nearly equals one already there (read the way the search engine reads
//! names: pinyin for Chinese, case and punctuation aside), and a value
//! far out of scale with its goal or with the previous value of its
//! series. The front ends ask (the form) or want `--allow-duplicate` /
//! `--force` (the command line); `validate` warns of names already twice.

use super::labels::value_with_unit;
use super::model::{Project, Target, Tracker};
use super::search::NameKeys;
use super::PartialDate;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

/// The key a name is compared by: the search engine's tokens, joined.
pub fn name_key(name: &str) -> String {
    NameKeys::key_of(name)
}

/// Whether two name keys name the same thing: equal, or (long enough to
/// tell) nine letters in ten the same.
fn near(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    // Nine in ten the same needs lengths within a tenth of each other.
    let (short, long) = (a.len().min(b.len()), a.len().max(b.len()));
    a == b || (short >= 8 && short * 10 >= long * 9 && strsim::normalized_levenshtein(a, b) >= 0.9)
}

/// The projects whose Chinese or English name equals or nearly equals
/// that of `p` (its parent aside: a part is named after it).
pub fn similar_projects<'a>(t: &'a Tracker, p: &Project) -> Vec<&'a Project> {
    let (zh, en) = (name_key(&p.name_zh), name_key(&p.name_en));
    let like = super::par::map(&t.projects, |q| {
        q.id != p.id
            && Some(&q.id) != p.parent.as_ref()
            && (near(&zh, &name_key(&q.name_zh)) || near(&en, &name_key(&q.name_en)))
    });
    t.projects
        .iter()
        .zip(like)
        .filter_map(|(q, like)| like.then_some(q))
        .collect()
}

/// The goals and results of the same period (and area) whose metric
/// equals or nearly equals that of `x`: a series has one per period.
pub fn similar_targets<'a>(t: &'a Tracker, x: &Target) -> Vec<&'a Target> {
    let (zh, en) = (name_key(&x.metric_zh), name_key(&x.metric_en));
    t.targets
        .iter()
        .filter(|y| y.id != x.id && y.period == x.period && y.area == x.area)
        .filter(|y| near(&zh, &name_key(&y.metric_zh)) || near(&en, &name_key(&y.metric_en)))
        .collect()
}

/// What to say about the similar records `ids` (named `names`) of a new
/// `what`: one wording for the question the form asks and the refusal
/// of the command line.
pub fn duplicate_message(what: &str, similar: &[(String, String)]) -> Option<String> {
    let shown: Vec<String> = similar
        .iter()
        .take(3)
        .map(|(id, name)| format!("{name} ({id})"))
        .collect();
    let first = similar.first()?;
    let more = if similar.len() > 3 {
        format!(" and {} more", similar.len() - 3)
    } else {
        String::new()
    };
    Some(format!(
        "the {what} may be there already: {}{more} has the same or nearly the same name — add to `{}` (cite, set-actual, set-status) rather than add it twice",
        shown.join(", "),
        first.0
    ))
}

/// Out of scale: more than this many times larger or smaller.
pub const SCALE: f64 = 100.0;

/// Why `value` for target `x` (as of `date`) looks like a slip of scale:
/// more than 100 times its goal, or the previous value of its series,
/// or less than a hundredth of it. The unit is named: a value typed in
/// 人 where the unit is 万人 is the usual slip.
pub fn out_of_scale(t: &Tracker, x: &Target, value: f64, date: PartialDate) -> Option<String> {
    let ratio = |r: f64| -> Option<String> {
        if value <= 0.0 || r <= 0.0 || !value.is_finite() {
            return None;
        }
        let k = value / r;
        // A hair over for float's sake: 230 of 2.3 is 100 times, not more.
        if k > SCALE * (1.0 + 1e-9) {
            Some(format!("{} times", super::format_number(k.round())))
        } else if k * SCALE * (1.0 + 1e-9) < 1.0 {
            Some(format!("1/{}", super::format_number((1.0 / k).round())))
        } else {
            None
        }
    };
    let typed = value_with_unit(value, &x.unit);
    if let Some((goal, how)) = x.target.and_then(|g| Some((g, ratio(g)?))) {
        return Some(format!(
            "{typed} is {how} the goal of {} — the unit is {}: was the value meant in {}?",
            value_with_unit(goal, &x.unit),
            x.unit,
            x.unit
        ));
    }
    let previous = previous_value(t, x, date)?;
    let how = ratio(previous.0)?;
    Some(format!(
        "{typed} is {how} the previous value of its series, {} ({}, {}) — the unit is {}: was the value meant in {}?",
        value_with_unit(previous.0, &x.unit),
        previous.1,
        previous.2,
        x.unit,
        x.unit
    ))
}

/// The newest value standing in `x`'s series (or `x` alone) dated on or
/// before `date`: value, date, target id.
fn previous_value(
    t: &Tracker,
    x: &Target,
    date: PartialDate,
) -> Option<(f64, PartialDate, String)> {
    let series: Vec<&Target> = match &x.metric {
        Some(m) => t.series(m),
        None => t.target(&x.id).into_iter().collect(),
    };
    series
        .into_iter()
        .flat_map(|y| y.observations.iter().map(move |o| (y, o)))
        .filter(|(_, o)| o.stands() && o.date <= date)
        .max_by_key(|(_, o)| o.date.last_day())
        .map(|(y, o)| (o.value, o.date, y.id.clone()))
}

/// Records whose names read the same: (kind, first index, second index),
/// kind `"project"` or `"target"`.
pub type SameNames = Vec<(&'static str, usize, usize)>;

/// Pairs of records already in the file whose names read the same (the
/// same key: a homophone, case or punctuation aside), for `validate`'s
/// warnings: (kind, first index, second index). Hashed by key, so a city
/// of a hundred thousand projects costs one pass.
pub fn same_names(t: &Tracker) -> SameNames {
    let mut out = Vec::new();
    let keys = hashed_keys(&t.projects, |p| &p.name_zh);
    let mut seen: HashMap<u64, usize> = HashMap::with_capacity(t.projects.len());
    for (i, key) in keys.into_iter().enumerate() {
        let Some(key) = key else { continue };
        match seen.entry(key) {
            Entry::Occupied(j) => {
                // Equal hashes: the keys compared to be sure.
                if name_key(&t.projects[*j.get()].name_zh) == name_key(&t.projects[i].name_zh) {
                    out.push(("project", *j.get(), i));
                }
            }
            Entry::Vacant(v) => {
                v.insert(i);
            }
        }
    }
    // A goal is known by its metric in its period and area (borrowed, not
    // copied: a city has a hundred thousand of them).
    type GoalKey<'a> = (u64, chrono::NaiveDate, chrono::NaiveDate, Option<&'a str>);
    let keys = hashed_keys(&t.targets, |x| &x.metric_zh);
    let mut seen: HashMap<GoalKey, usize> = HashMap::with_capacity(t.targets.len());
    for (i, (x, key)) in t.targets.iter().zip(keys).enumerate() {
        let Some(key) = key else { continue };
        match seen.entry((key, x.period.start(), x.period.end(), x.area.as_deref())) {
            Entry::Occupied(j) => {
                if name_key(&t.targets[*j.get()].metric_zh) == name_key(&x.metric_zh) {
                    out.push(("target", *j.get(), i));
                }
            }
            Entry::Vacant(v) => {
                v.insert(i);
            }
        }
    }
    out
}

/// Each name's key (`name_key`) hashed, `None` for a name with no key:
/// one key buffer per chunk, so no key string is kept per name (equal
/// hashes are compared by key by the caller).
fn hashed_keys<T: Sync>(items: &[T], name: impl Fn(&T) -> &str + Sync) -> Vec<Option<u64>> {
    let each = |range: std::ops::Range<usize>, out: &mut Vec<Option<u64>>| {
        let mut buf = String::with_capacity(128);
        out.extend(
            items[range]
                .iter()
                .map(|item| key_hash(name(item), &mut buf)),
        );
    };
    super::par::map_chunks(items.len(), &each, &mut || false).unwrap_or_default()
}

/// The xxh3 of `NameKeys::key_of(text)`, built in `buf`.
fn key_hash(text: &str, buf: &mut String) -> Option<u64> {
    buf.clear();
    NameKeys::key_into(text, buf);
    (!buf.is_empty()).then(|| xxhash_rust::xxh3::xxh3_64(buf.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Observation, Period};

    fn project(id: &str, zh: &str, en: &str) -> Project {
        Project {
            id: id.into(),
            name_zh: zh.into(),
            name_en: en.into(),
            ..Project::default()
        }
    }

    #[test]
    fn the_same_name_is_found_by_pinyin_case_and_punctuation() {
        let t = Tracker {
            projects: vec![
                project("renhe", "人和路旧城改造项目", "Renhe Road Renewal"),
                project("inspur", "浪潮大数据产业园", "Inspur Big Data Park"),
            ],
            ..Tracker::default()
        };
        // A homophone (仁 for 人), another case, punctuation.
        let twin = project("", "仁和路旧城改造项目", "Other");
        assert_eq!(similar_projects(&t, &twin)[0].id, "renhe");
        let twin = project("", "新园", "inspur big-data park");
        assert_eq!(similar_projects(&t, &twin)[0].id, "inspur");
        assert!(similar_projects(&t, &project("", "研发中心", "R&D Centre")).is_empty());
        let msg = duplicate_message("project", &[("renhe".into(), "人和路旧城改造项目".into())]);
        assert!(msg.unwrap().contains("人和路旧城改造项目 (renhe)"));
    }

    #[test]
    fn a_value_a_hundred_times_off_its_goal_or_series_is_named_with_its_unit() {
        let mut x = Target {
            id: "talent-2024".into(),
            unit: "万人".into(),
            period: Period::Year(2024),
            target: Some(2.3),
            ..Target::default()
        };
        let t = Tracker::default();
        let pd = |s| PartialDate::parse(s).unwrap();
        let m = out_of_scale(&t, &x, 25000.0, pd("2024")).unwrap();
        assert_eq!(
            m,
            "25000万人 is 10870 times the goal of 2.3万人 — the unit is 万人: was the value meant in 万人?"
        );
        assert!(out_of_scale(&t, &x, 2.5, pd("2024")).is_none());
        assert!(
            out_of_scale(&t, &x, 230.0, pd("2024")).is_none(),
            "100 times is not more"
        );
        // No goal: the previous value of the series.
        x.target = None;
        x.observations.push(Observation {
            value: 4.0,
            date: pd("2023"),
            ..Observation::default()
        });
        let t = Tracker {
            targets: vec![x.clone()],
            ..Tracker::default()
        };
        let m = out_of_scale(&t, &x, 0.02, pd("2024")).unwrap();
        assert!(
            m.starts_with(
                "0.02万人 is 1/200 the previous value of its series, 4万人 (2023, talent-2024)"
            ),
            "{m}"
        );
    }

    #[test]
    fn names_already_twice_are_found_in_one_pass() {
        let t = Tracker {
            projects: vec![
                project("a", "研发中心", "R&D"),
                project("b", "研 发 中心", "R and D"),
                project("c", "另一个", "Other"),
            ],
            ..Tracker::default()
        };
        assert_eq!(same_names(&t), vec![("project", 0, 1)]);
    }

    #[test]
    fn a_name_hashes_as_its_key_reads() {
        let same = ["人和路", "仁和路", "Ren He-Lu", "renhelu"];
        for n in same {
            assert_eq!(
                key_hash(n, &mut String::new()),
                key_hash(same[0], &mut String::new()),
                "{n}"
            );
            assert_eq!(name_key(n), name_key(same[0]), "{n}");
        }
        // ü is read as v, as `key_of` writes it.
        assert_eq!(
            key_hash("驴", &mut String::new()),
            key_hash("LV", &mut String::new())
        );
        assert_eq!(name_key("驴"), "lv");
        assert_ne!(
            key_hash("人和路", &mut String::new()),
            key_hash("人和街", &mut String::new())
        );
        assert_eq!(key_hash("——", &mut String::new()), None);
        assert!(name_key("——").is_empty());
    }
}
