//! Property test of the three-way merge (`domain::merge::merge`): random
//! edits on two sides of a generated tracker never lose an edit the other
//! side did not touch, and merging is deterministic and idempotent.
//!
//! What "never lose" means here, checked record by record (sources,
//! chains, areas, projects, targets, matched by id) and, inside a record
//! both sides changed, field by field and entry by entry (history,
//! observations, milestones, figures, quotes and aliases, matched by what
//! identifies an entry):
//! - a record, field or entry one side changed (added, removed or
//!   altered) and the other left as the base had it is, in the result,
//!   as the side that changed it has it (absent when that side removed
//!   it);
//! - one changed alike on both sides is as both have it;
//! - one changed differently on both sides: a field keeps ours and the
//!   record lists a conflict over it; a record removed on one side and
//!   changed on the other is kept, with a conflict over the record; an
//!   entry changed on both is present;
//! - a project's status is the one its newest status entry gives, and a
//!   target's observations are in date order.
//!
//! The edits are those people make: a status set (with its history entry,
//! dated no earlier than the newest), a history entry, a value for a goal,
//! a field corrected, an alias added or removed, a record added or
//! removed, an entry undone, a citation added to an entry, a milestone
//! reached or slipped, a figure or a quote added. Small pools of ids,
//! names and dates make both sides meet often.

use proptest::prelude::*;
use shibei_tracker::domain::edit::newest_status_entry;
use shibei_tracker::domain::merge::{self, Merger};
use shibei_tracker::domain::*;
use shibei_tracker::store;
use std::collections::HashMap;
use std::fmt::Debug;
use std::hash::Hash;
use std::path::Path;

const CASES: u32 = 512;

// ---- a generated base tracker ----

fn day(n: u32) -> PartialDate {
    // Days of 2000-2020 for the base, in a few shapes (year, month, day).
    let year = 2000 + (n % 21) as i32;
    match n % 3 {
        0 => PartialDate {
            year,
            month: None,
            day: None,
        },
        1 => PartialDate {
            year,
            month: Some(1 + n % 12),
            day: None,
        },
        _ => PartialDate {
            year,
            month: Some(1 + n % 12),
            day: Some(1 + n % 28),
        },
    }
}

/// A date an edit gives: 2021 to 2024, from few enough that both sides
/// pick the same one now and then.
fn edit_day(n: u8) -> PartialDate {
    let n = u32::from(n % 8);
    PartialDate {
        year: 2021 + (n / 2) as i32,
        month: Some(1 + 6 * (n % 2)),
        day: Some(1),
    }
}

const WORDS: &[&str] = &["甲", "乙", "丙", "alpha", "beta", "园区", "二期", "开工"];

fn word(n: u8) -> String {
    WORDS[usize::from(n) % WORDS.len()].to_string()
}

fn evidence(n: u8) -> Evidence {
    Evidence {
        source: format!("r{}", n % 3),
        quote: format!("原话{}", n % 5),
    }
}

prop_compose! {
    fn any_history()(d in 0u32..400, s in prop::option::of(0usize..7), n in any::<u8>(), cite in any::<bool>())
        -> HistoryEntry {
        HistoryEntry {
            date: day(d),
            status: s.map(|i| Status::ALL[i]),
            note: word(n),
            source: cite.then(|| "r0".into()),
            quote: cite.then(|| format!("说{n}")),
            by: None,
            ..HistoryEntry::default()
        }
    }
}

prop_compose! {
    fn any_milestone()(d in 0u32..400, s in 0usize..7, n in any::<u8>(), slips in prop::collection::vec(0u32..400, 0..2))
        -> Milestone {
        let e = evidence(n);
        Milestone {
            due: day(d),
            expect: Status::ALL[s],
            text: format!("承诺{n}"),
            reached: None,
            source: Some(e.source),
            quote: Some(e.quote),
            slipped_from: slips.into_iter().map(|d| Slip { due: day(d), ..Slip::default() }).collect(),
            reached_by: None,
            ..Milestone::default()
        }
    }
}

prop_compose! {
    fn any_figure()(v in 0u32..1000, n in any::<u8>()) -> Figure {
        let e = evidence(n);
        Figure {
            value: f64::from(v) / 10.0,
            unit: "亿元".into(),
            measures: word(n),
            source: e.source,
            quote: e.quote,
        }
    }
}

prop_compose! {
    fn any_project(id: String)(
        name in any::<u8>(),
        aliases in prop::collection::vec(any::<u8>(), 0..3),
        chain in 0u8..3,
        status in 0usize..7,
        note in prop::option::of(any::<u8>()),
        history in prop::collection::vec(any_history(), 0..4),
        milestones in prop::collection::vec(any_milestone(), 0..3),
        figures in prop::collection::vec(any_figure(), 0..2),
        sources in prop::collection::vec(any::<u8>(), 1..3),
    ) -> Project {
        let mut p = Project {
            id: id.clone(),
            name_zh: format!("项目{}", word(name)),
            name_en: format!("Project {}", word(name)),
            aliases: unique(aliases.into_iter().map(word).collect(), |a| a.clone()),
            chain: format!("c{chain}"),
            status: Status::ALL[status],
            note: note.map(word),
            history: unique(history, history_key),
            milestones: unique(milestones, |m| m.text.clone()),
            figures: unique(figures, figure_key),
            sources: unique(sources.into_iter().map(evidence).collect(), evidence_key),
            ..Project::default()
        };
        for m in &mut p.milestones {
            m.slipped_from = unique(std::mem::take(&mut m.slipped_from), |s| s.due);
        }
        // As any saved file has it: the status its newest entry gives.
        if let Some(s) = newest_status_entry(&p).and_then(|(_, h)| h.status) {
            p.status = s;
        }
        p
    }
}

prop_compose! {
    fn any_target(id: String)(
        name in any::<u8>(),
        chain in 0u8..3,
        goal in prop::option::of(0u32..100),
        obs in prop::collection::vec((0u32..100, 0u32..400), 0..4),
        note in prop::option::of(any::<u8>()),
        sources in prop::collection::vec(any::<u8>(), 1..3),
    ) -> Target {
        let mut observations: Vec<Observation> = unique(
            obs.into_iter()
                .map(|(v, d)| Observation { value: f64::from(v), date: day(d), ..Observation::default() })
                .collect(),
            observation_key,
        );
        observations.sort_by_key(|o| o.date);
        Target {
            id: id.clone(),
            metric_zh: format!("指标{}", word(name)),
            metric_en: format!("Metric {}", word(name)),
            chain: format!("c{chain}"),
            period: Period::Year(2024),
            comparator: goal.map(|_| Comparator::AtLeast),
            target: goal.map(f64::from),
            unit: "家".into(),
            observations,
            note: note.map(word),
            sources: unique(sources.into_iter().map(evidence).collect(), evidence_key),
            ..Target::default()
        }
    }
}

fn any_chain(id: String) -> impl Strategy<Value = Chain> {
    (
        any::<u8>(),
        prop::collection::vec(any::<u8>(), 0..3),
        any::<bool>(),
    )
        .prop_map(move |(n, aliases, featured)| Chain {
            id: id.clone(),
            name_zh: format!("链{}", word(n)),
            name_en: format!("Chain {}", word(n)),
            aliases: unique(aliases.into_iter().map(word).collect(), |a| a.clone()),
            featured,
            ..Chain::default()
        })
}

fn any_area(id: String) -> impl Strategy<Value = Area> {
    (any::<u8>(), prop::collection::vec(any::<u8>(), 0..2)).prop_map(move |(n, aliases)| Area {
        id: id.clone(),
        name_zh: format!("区{}", word(n)),
        name_en: format!("Area {}", word(n)),
        aliases: unique(aliases.into_iter().map(word).collect(), |a| a.clone()),
        ..Area::default()
    })
}

fn any_source(id: String) -> impl Strategy<Value = Source> {
    (any::<u8>(), prop::option::of(any::<u8>()), 0u32..400).prop_map(move |(n, outlet, d)| Source {
        id: id.clone(),
        file: format!("{id}.txt"),
        title: format!("报道{}", word(n)),
        outlet: outlet.map(word),
        published: day(d),
        ..Source::default()
    })
}

/// Records with the ids `prefix0`.. `prefix{n-1}`.
fn records<T: Debug, S: Strategy<Value = T>>(
    prefix: &'static str,
    n: std::ops::Range<usize>,
    each: fn(String) -> S,
) -> impl Strategy<Value = Vec<T>> {
    n.prop_flat_map(move |k| {
        (0..k)
            .map(|i| each(format!("{prefix}{i}")))
            .collect::<Vec<_>>()
    })
}

fn any_tracker() -> impl Strategy<Value = Tracker> {
    (
        records("r", 1..4, any_source),
        records("c", 1..4, any_chain),
        records("a", 0..3, any_area),
        records("p", 1..7, any_project),
        records("t", 0..5, any_target),
    )
        .prop_map(|(sources, chains, areas, projects, targets)| Tracker {
            schema_version: SCHEMA_VERSION,
            sources,
            chains,
            areas,
            projects,
            targets,
        })
}

fn unique<T, K: Eq + Hash>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut seen = std::collections::HashSet::new();
    items.into_iter().filter(|x| seen.insert(key(x))).collect()
}

// ---- what identifies an entry (the oracle's own statement of it) ----

fn history_key(h: &HistoryEntry) -> (PartialDate, Option<Status>, String) {
    (h.date, h.status, h.note.clone())
}

fn observation_key(o: &Observation) -> (u64, PartialDate) {
    (o.value.to_bits(), o.date)
}

fn figure_key(f: &Figure) -> (u64, String, String, String, String) {
    (
        f.value.to_bits(),
        f.unit.clone(),
        f.measures.clone(),
        f.source.clone(),
        f.quote.clone(),
    )
}

fn evidence_key(e: &Evidence) -> (String, String) {
    (e.source.clone(), e.quote.clone())
}

// ---- edits ----

#[derive(Debug, Clone)]
enum Op {
    SetStatus {
        p: u8,
        status: u8,
        on: u8,
    },
    AddHistory {
        p: u8,
        on: u8,
        note: u8,
    },
    AddObservation {
        t: u8,
        value: u8,
        on: u8,
    },
    /// A field of any kind of record (`which` picks the field).
    Field {
        kind: u8,
        r: u8,
        which: u8,
        value: u8,
    },
    AddAlias {
        kind: u8,
        r: u8,
        word: u8,
    },
    RemoveAlias {
        kind: u8,
        r: u8,
        i: u8,
    },
    AddRecord {
        kind: u8,
        id: u8,
        seed: u8,
    },
    RemoveRecord {
        kind: u8,
        r: u8,
    },
    /// An entry undone: a history entry or an observation taken out.
    Undo {
        kind: u8,
        r: u8,
        i: u8,
    },
    Cite {
        p: u8,
        i: u8,
        quote: u8,
    },
    Reach {
        p: u8,
        m: u8,
        on: u8,
    },
    Slip {
        p: u8,
        m: u8,
        to: u8,
    },
    AddFigure {
        p: u8,
        seed: u8,
    },
    AddQuote {
        kind: u8,
        r: u8,
        seed: u8,
    },
}

fn any_op() -> impl Strategy<Value = Op> {
    let b = any::<u8>;
    prop_oneof![
        3 => (b(), b(), b()).prop_map(|(p, status, on)| Op::SetStatus { p, status, on }),
        2 => (b(), b(), b()).prop_map(|(p, on, note)| Op::AddHistory { p, on, note }),
        2 => (b(), b(), b()).prop_map(|(t, value, on)| Op::AddObservation { t, value, on }),
        4 => (b(), b(), b(), b()).prop_map(|(kind, r, which, value)| Op::Field { kind, r, which, value }),
        2 => (b(), b(), b()).prop_map(|(kind, r, word)| Op::AddAlias { kind, r, word }),
        1 => (b(), b(), b()).prop_map(|(kind, r, i)| Op::RemoveAlias { kind, r, i }),
        2 => (b(), 0u8..3, b()).prop_map(|(kind, id, seed)| Op::AddRecord { kind, id, seed }),
        1 => (b(), b()).prop_map(|(kind, r)| Op::RemoveRecord { kind, r }),
        2 => (b(), b(), b()).prop_map(|(kind, r, i)| Op::Undo { kind, r, i }),
        1 => (b(), b(), b()).prop_map(|(p, i, quote)| Op::Cite { p, i, quote }),
        1 => (b(), b(), b()).prop_map(|(p, m, on)| Op::Reach { p, m, on }),
        1 => (b(), b(), b()).prop_map(|(p, m, to)| Op::Slip { p, m, to }),
        1 => (b(), b()).prop_map(|(p, seed)| Op::AddFigure { p, seed }),
        1 => (b(), b(), b()).prop_map(|(kind, r, seed)| Op::AddQuote { kind, r, seed }),
    ]
}

fn pick<T>(v: &mut [T], i: u8) -> Option<&mut T> {
    let n = v.len();
    (n > 0).then(move || &mut v[usize::from(i) % n])
}

/// Applies `op` as the person `by` would make it (an edit the tool would
/// refuse is skipped).
/// `base` with `ops` applied in turn, made by `by`.
fn edited(base: &Tracker, ops: &[Op], by: &str) -> Tracker {
    let mut t = base.clone();
    for op in ops {
        apply(&mut t, op, by);
    }
    t
}

fn apply(t: &mut Tracker, op: &Op, by: &str) {
    let who = Some(by.to_string());
    match *op {
        Op::SetStatus { p, status, on } => {
            let Some(p) = pick(&mut t.projects, p) else {
                return;
            };
            let status = Status::ALL[usize::from(status) % 7];
            let mut date = edit_day(on);
            if let Some((_, newest)) = newest_status_entry(p) {
                // Never dated before the newest change (set-status refuses).
                if newest.date.first_day() > date.first_day() {
                    date = newest.date;
                }
            }
            let e = HistoryEntry {
                date,
                status: Some(status),
                note: format!("set {}", status.id()),
                by: who,
                ..HistoryEntry::default()
            };
            if status == p.status || p.history.iter().any(|h| history_key(h) == history_key(&e)) {
                return;
            }
            p.history.push(e);
            p.status = status;
        }
        Op::AddHistory { p, on, note } => {
            let Some(p) = pick(&mut t.projects, p) else {
                return;
            };
            let e = HistoryEntry {
                date: edit_day(on),
                note: word(note),
                by: who,
                ..HistoryEntry::default()
            };
            if !p.history.iter().any(|h| history_key(h) == history_key(&e)) {
                p.history.push(e);
            }
        }
        Op::AddObservation { t: x, value, on } => {
            let Some(x) = pick(&mut t.targets, x) else {
                return;
            };
            let o = Observation {
                value: f64::from(value % 16),
                date: edit_day(on),
                by: who,
                ..Observation::default()
            };
            if !x
                .observations
                .iter()
                .any(|y| observation_key(y) == observation_key(&o))
            {
                let at = x.insertion_point(o.date);
                x.observations.insert(at, o);
            }
        }
        Op::Field {
            kind,
            r,
            which,
            value,
        } => {
            let v = word(value);
            let n = Some(v.clone());
            match kind % 5 {
                0 => {
                    if let Some(s) = pick(&mut t.sources, r) {
                        match which % 3 {
                            0 => s.title = format!("报道{v}"),
                            1 => s.outlet = n,
                            _ => s.dating_note = n,
                        }
                    }
                }
                1 => {
                    if let Some(c) = pick(&mut t.chains, r) {
                        match which % 3 {
                            0 => c.name_en = format!("Chain {v}"),
                            1 => c.featured = !c.featured,
                            _ => c.note = n,
                        }
                    }
                }
                2 => {
                    if let Some(a) = pick(&mut t.areas, r) {
                        match which % 2 {
                            0 => a.name_zh = format!("区{v}"),
                            _ => a.note = n,
                        }
                    }
                }
                3 => {
                    if let Some(p) = pick(&mut t.projects, r) {
                        match which % 4 {
                            0 => p.name_en = format!("Project {v}"),
                            1 => p.note = n,
                            2 => p.chain = format!("c{}", value % 3),
                            _ => p.area = Some(format!("a{}", value % 2)),
                        }
                    }
                }
                _ => {
                    if let Some(x) = pick(&mut t.targets, r) {
                        match which % 3 {
                            0 => x.target = Some(f64::from(value % 20)),
                            1 => x.note = n,
                            _ => x.metric_en = format!("Metric {v}"),
                        }
                    }
                }
            }
        }
        Op::AddAlias { kind, r, word: w } => {
            if let Some(list) = aliases(t, kind, r) {
                let w = word(w);
                if !list.contains(&w) {
                    list.push(w);
                }
            }
        }
        Op::RemoveAlias { kind, r, i } => {
            if let Some(list) = aliases(t, kind, r) {
                if !list.is_empty() {
                    let n = list.len();
                    list.remove(usize::from(i) % n);
                }
            }
        }
        Op::AddRecord { kind, id, seed } => {
            // Ids both sides may pick: the same id added twice.
            let id = format!("n{id}");
            let name = word(seed);
            match kind % 5 {
                0 if t.source(&id).is_none() => t.sources.push(Source {
                    id: id.clone(),
                    file: format!("{id}.txt"),
                    title: format!("报道{name}"),
                    published: edit_day(seed),
                    by: who,
                    ..Source::default()
                }),
                1 if t.chain(&id).is_none() => t.chains.push(Chain {
                    id,
                    name_zh: format!("链{name}"),
                    name_en: format!("Chain {name}"),
                    ..Chain::default()
                }),
                2 if t.area(&id).is_none() => t.areas.push(Area {
                    id,
                    name_zh: format!("区{name}"),
                    name_en: format!("Area {name}"),
                    ..Area::default()
                }),
                3 if t.project(&id).is_none() => t.projects.push(Project {
                    id,
                    name_zh: format!("项目{name}"),
                    name_en: format!("Project {name}"),
                    chain: "c0".into(),
                    sources: vec![evidence(seed)],
                    by: who,
                    ..Project::default()
                }),
                4 if t.target(&id).is_none() => t.targets.push(Target {
                    id,
                    metric_zh: format!("指标{name}"),
                    metric_en: format!("Metric {name}"),
                    chain: "c0".into(),
                    period: Period::Year(2025),
                    unit: "家".into(),
                    sources: vec![evidence(seed)],
                    by: who,
                    ..Target::default()
                }),
                _ => {}
            }
        }
        Op::RemoveRecord { kind, r } => {
            fn take<R>(v: &mut Vec<R>, r: u8) {
                if !v.is_empty() {
                    let n = v.len();
                    v.remove(usize::from(r) % n);
                }
            }
            match kind % 5 {
                0 => take(&mut t.sources, r),
                1 => take(&mut t.chains, r),
                2 => take(&mut t.areas, r),
                3 => take(&mut t.projects, r),
                _ => take(&mut t.targets, r),
            }
        }
        Op::Undo { kind, r, i } => {
            if kind % 2 == 0 {
                if let Some(p) = pick(&mut t.projects, r) {
                    if !p.history.is_empty() {
                        let n = p.history.len();
                        let gone = p.history.remove(usize::from(i) % n);
                        // The undo gives back the status before it.
                        if gone.status.is_some() {
                            if let Some(s) = newest_status_entry(p).and_then(|(_, h)| h.status) {
                                p.status = s;
                            }
                        }
                    }
                }
            } else if let Some(x) = pick(&mut t.targets, r) {
                if !x.observations.is_empty() {
                    let n = x.observations.len();
                    x.observations.remove(usize::from(i) % n);
                }
            }
        }
        Op::Cite { p, i, quote } => {
            if let Some(p) = pick(&mut t.projects, p) {
                if let Some(h) = pick(&mut p.history, i) {
                    h.source = Some("r1".into());
                    h.quote = Some(format!("引{quote}"));
                }
            }
        }
        Op::Reach { p, m, on } => {
            if let Some(p) = pick(&mut t.projects, p) {
                if let Some(m) = pick(&mut p.milestones, m) {
                    if m.reached.is_none() {
                        m.reached = Some(edit_day(on));
                        m.reached_by = who;
                    }
                }
            }
        }
        Op::Slip { p, m, to } => {
            if let Some(p) = pick(&mut t.projects, p) {
                if let Some(m) = pick(&mut p.milestones, m) {
                    let to = edit_day(to);
                    if to > m.due && !m.slipped_from.iter().any(|s| s.due == m.due) {
                        m.slipped_from.push(Slip {
                            due: m.due,
                            by: who,
                            ..Slip::default()
                        });
                        m.due = to;
                    }
                }
            }
        }
        Op::AddFigure { p, seed } => {
            if let Some(p) = pick(&mut t.projects, p) {
                let e = evidence(seed);
                let f = Figure {
                    value: f64::from(seed),
                    unit: "万平方米".into(),
                    measures: word(seed),
                    source: e.source,
                    quote: e.quote,
                };
                if !p.figures.iter().any(|g| figure_key(g) == figure_key(&f)) {
                    p.figures.push(f);
                }
            }
        }
        Op::AddQuote { kind, r, seed } => {
            let list = if kind % 2 == 0 {
                pick(&mut t.projects, r).map(|p| &mut p.sources)
            } else {
                pick(&mut t.targets, r).map(|x| &mut x.sources)
            };
            if let Some(list) = list {
                let e = Evidence {
                    source: format!("r{}", seed % 3),
                    quote: format!("新引{seed}"),
                };
                if !list.contains(&e) {
                    list.push(e);
                }
            }
        }
    }
}

fn aliases(t: &mut Tracker, kind: u8, r: u8) -> Option<&mut Vec<String>> {
    match kind % 3 {
        0 => pick(&mut t.projects, r).map(|p| &mut p.aliases),
        1 => pick(&mut t.chains, r).map(|c| &mut c.aliases),
        _ => pick(&mut t.areas, r).map(|a| &mut a.aliases),
    }
}

// ---- the oracle ----

type Check = Result<(), String>;

/// A list checked as a set by `key` (each key at most once in a list).
fn check_set<E: PartialEq + Debug, K: Eq + Hash + Debug + Clone>(
    what: &str,
    b: &[E],
    o: &[E],
    t: &[E],
    r: &[E],
    key: impl Fn(&E) -> K,
) -> Check {
    let index =
        |v: &[E]| -> HashMap<K, usize> { v.iter().enumerate().map(|(i, e)| (key(e), i)).collect() };
    let (bi, oi, ti, ri) = (index(b), index(o), index(t), index(r));
    if ri.len() != r.len() {
        return Err(format!("{what}: an entry twice in the result: {r:?}"));
    }
    let keys: std::collections::HashSet<&K> = bi.keys().chain(oi.keys()).chain(ti.keys()).collect();
    for k in keys {
        fn get<'v, E, K: Eq + Hash>(i: &HashMap<K, usize>, v: &'v [E], k: &K) -> Option<&'v E> {
            i.get(k).map(|&n| &v[n])
        }
        let (be, oe, te, re) = (
            get(&bi, b, k),
            get(&oi, o, k),
            get(&ti, t, k),
            get(&ri, r, k),
        );
        let expect = if oe == te {
            Some(oe)
        } else if oe == be {
            Some(te)
        } else if te == be {
            Some(oe)
        } else {
            None
        };
        match expect {
            Some(e) if e != re => {
                return Err(format!(
                    "{what} {k:?}: expected {e:?}, merged {re:?} (base {be:?}, ours {oe:?}, theirs {te:?})"
                ))
            }
            // Changed differently on both sides: nothing is dropped.
            None if re.is_none() => {
                return Err(format!(
                    "{what} {k:?}: changed on both sides, gone from the result (ours {oe:?}, theirs {te:?})"
                ))
            }
            _ => {}
        }
    }
    // Nothing appears that neither side has.
    for k in ri.keys() {
        if !oi.contains_key(k) && !ti.contains_key(k) {
            return Err(format!("{what} {k:?}: in the result, on neither side"));
        }
    }
    Ok(())
}

/// One scalar field: one side's change wins, alike on both is taken,
/// different on both keeps ours and lists a conflict over it (who entered
/// something, `by`, keeps ours without a conflict).
fn check_field<V: PartialEq + Debug>(
    what: &str,
    field: &str,
    b: Option<&V>,
    o: &V,
    t: &V,
    r: &V,
    conflicts: &[Conflict],
) -> Check {
    let listed = conflicts.iter().any(|c| c.field == field);
    let expect = if o == t || Some(o) == b {
        t
    } else if Some(t) == b {
        o
    } else {
        let who = matches!(field, "by" | "reached_by");
        if who && r == o && !listed {
            return Ok(());
        }
        if who || !listed || r != o {
            return Err(format!(
                "{what}.{field}: set two ways (ours {o:?}, theirs {t:?}): expected ours {o:?} and a conflict, merged {r:?} (conflicts {conflicts:?})"
            ));
        }
        return Ok(());
    };
    if r != expect {
        return Err(format!(
            "{what}.{field}: expected {expect:?}, merged {r:?} (base {b:?}, ours {o:?}, theirs {t:?})"
        ));
    }
    Ok(())
}

/// Records of one kind, by id; `fields` checks a record both sides
/// changed (or both added), field by field.
/// The base, ours, theirs and the merged list of one kind of record.
type Four<'a, R> = (&'a [R], &'a [R], &'a [R], &'a [R]);

fn check_records<R: Clone + PartialEq + Debug>(
    what: &str,
    (b, o, t, r): Four<R>,
    id: fn(&R) -> &str,
    conflicts: fn(&R) -> &[Conflict],
    fields: fn(Option<&R>, &R, &R, &R) -> Check,
) -> Check {
    let index = |v: &[R]| -> HashMap<String, usize> {
        v.iter()
            .enumerate()
            .map(|(i, x)| (id(x).to_string(), i))
            .collect()
    };
    let (bi, oi, ti, ri) = (index(b), index(o), index(t), index(r));
    if ri.len() != r.len() {
        return Err(format!("{what}: an id twice in the result"));
    }
    let mut ids: Vec<&String> = bi.keys().chain(oi.keys()).chain(ti.keys()).collect();
    ids.sort();
    ids.dedup();
    for k in ids {
        let get = |i: &HashMap<String, usize>, v: &'_ [R]| i.get(k).map(|&n| v[n].clone());
        let (be, oe, te, re) = (get(&bi, b), get(&oi, o), get(&ti, t), get(&ri, r));
        let here = format!("{what} {k}");
        if oe == te || oe == be || te == be {
            let expect = if oe == te || oe == be { &te } else { &oe };
            if *expect != re {
                return Err(format!(
                    "{here}: expected {expect:?}\nmerged {re:?}\nbase {be:?}\nours {oe:?}\ntheirs {te:?}"
                ));
            }
            continue;
        }
        match (&oe, &te, &re) {
            (Some(o), Some(t), Some(r)) => fields(be.as_ref(), o, t, r)
                .map_err(|e| format!("{here}: {e}\nbase {be:?}\nours {o:?}\ntheirs {t:?}\nmerged {r:?}"))?,
            // Removed on one side, changed on the other: kept, said.
            (_, _, Some(r)) => {
                if !conflicts(r).iter().any(|c| c.field == merge::RECORD) {
                    return Err(format!("{here}: removed and changed, no conflict listed: {r:?}"));
                }
            }
            (_, _, None) => {
                return Err(format!(
                    "{here}: changed on one side and removed on the other, lost (ours {oe:?}, theirs {te:?})"
                ))
            }
        }
    }
    for k in ri.keys() {
        if !oi.contains_key(k) && !ti.contains_key(k) {
            return Err(format!("{what} {k}: in the result, on neither side"));
        }
    }
    Ok(())
}

fn source_fields(b: Option<&Source>, o: &Source, t: &Source, r: &Source) -> Check {
    let c = &r.conflicts;
    check_field(
        "source",
        "file",
        b.map(|b| &b.file),
        &o.file,
        &t.file,
        &r.file,
        c,
    )?;
    check_field(
        "source",
        "title",
        b.map(|b| &b.title),
        &o.title,
        &t.title,
        &r.title,
        c,
    )?;
    check_field(
        "source",
        "outlet",
        b.map(|b| &b.outlet),
        &o.outlet,
        &t.outlet,
        &r.outlet,
        c,
    )?;
    check_field(
        "source",
        "published",
        b.map(|b| &b.published),
        &o.published,
        &t.published,
        &r.published,
        c,
    )?;
    check_field(
        "source",
        "dating_note",
        b.map(|b| &b.dating_note),
        &o.dating_note,
        &t.dating_note,
        &r.dating_note,
        c,
    )?;
    check_field("source", "by", b.map(|b| &b.by), &o.by, &t.by, &r.by, c)
}

fn chain_fields(b: Option<&Chain>, o: &Chain, t: &Chain, r: &Chain) -> Check {
    let c = &r.conflicts;
    check_field(
        "chain",
        "name_zh",
        b.map(|b| &b.name_zh),
        &o.name_zh,
        &t.name_zh,
        &r.name_zh,
        c,
    )?;
    check_field(
        "chain",
        "name_en",
        b.map(|b| &b.name_en),
        &o.name_en,
        &t.name_en,
        &r.name_en,
        c,
    )?;
    check_field(
        "chain",
        "featured",
        b.map(|b| &b.featured),
        &o.featured,
        &t.featured,
        &r.featured,
        c,
    )?;
    check_field(
        "chain",
        "note",
        b.map(|b| &b.note),
        &o.note,
        &t.note,
        &r.note,
        c,
    )?;
    let empty = Vec::new();
    check_set(
        "chain aliases",
        b.map_or(&empty, |b| &b.aliases),
        &o.aliases,
        &t.aliases,
        &r.aliases,
        |a| a.clone(),
    )
}

fn area_fields(b: Option<&Area>, o: &Area, t: &Area, r: &Area) -> Check {
    let c = &r.conflicts;
    check_field(
        "area",
        "name_zh",
        b.map(|b| &b.name_zh),
        &o.name_zh,
        &t.name_zh,
        &r.name_zh,
        c,
    )?;
    check_field(
        "area",
        "name_en",
        b.map(|b| &b.name_en),
        &o.name_en,
        &t.name_en,
        &r.name_en,
        c,
    )?;
    check_field(
        "area",
        "note",
        b.map(|b| &b.note),
        &o.note,
        &t.note,
        &r.note,
        c,
    )?;
    let empty = Vec::new();
    check_set(
        "area aliases",
        b.map_or(&empty, |b| &b.aliases),
        &o.aliases,
        &t.aliases,
        &r.aliases,
        |a| a.clone(),
    )
}

/// The statuses a project's history sets, by entry.
fn status_entries(p: &Project) -> Vec<&HistoryEntry> {
    p.history.iter().filter(|h| h.status.is_some()).collect()
}

fn project_fields(b: Option<&Project>, o: &Project, t: &Project, r: &Project) -> Check {
    let c = &r.conflicts;
    macro_rules! field {
        ($f:ident) => {
            check_field(
                "project",
                stringify!($f),
                b.map(|b| &b.$f),
                &o.$f,
                &t.$f,
                &r.$f,
                c,
            )?
        };
    }
    field!(name_zh);
    field!(name_en);
    field!(chain);
    field!(area);
    field!(parent);
    field!(note);
    field!(by);
    let empty = Project::default();
    let bb = b.unwrap_or(&empty);
    check_set(
        "aliases",
        &bb.aliases,
        &o.aliases,
        &t.aliases,
        &r.aliases,
        |a| a.clone(),
    )?;
    check_set(
        "history",
        &bb.history,
        &o.history,
        &t.history,
        &r.history,
        history_key,
    )?;
    check_set(
        "figures",
        &bb.figures,
        &o.figures,
        &t.figures,
        &r.figures,
        figure_key,
    )?;
    check_set(
        "quotes",
        &bb.sources,
        &o.sources,
        &t.sources,
        &r.sources,
        evidence_key,
    )?;
    check_set(
        "milestones",
        &bb.milestones,
        &o.milestones,
        &t.milestones,
        &r.milestones,
        |m| m.text.clone(),
    )?;
    // The status: the newest status entry's; one side's alone when the
    // other touched no status.
    if let Some((_, h)) = newest_status_entry(r) {
        if h.status != Some(r.status) {
            return Err(format!(
                "status {:?}, its newest entry says {:?}",
                r.status, h.status
            ));
        }
    }
    let untouched = |x: &Project| {
        status_entries(x) == status_entries(bb) && b.is_some_and(|b| b.status == x.status)
    };
    if untouched(t) && r.status != o.status {
        return Err(format!(
            "status: ours {:?} (theirs untouched), merged {:?}",
            o.status, r.status
        ));
    }
    if untouched(o) && r.status != t.status {
        return Err(format!(
            "status: theirs {:?} (ours untouched), merged {:?}",
            t.status, r.status
        ));
    }
    Ok(())
}

fn target_fields(b: Option<&Target>, o: &Target, t: &Target, r: &Target) -> Check {
    let c = &r.conflicts;
    macro_rules! field {
        ($f:ident) => {
            check_field(
                "target",
                stringify!($f),
                b.map(|b| &b.$f),
                &o.$f,
                &t.$f,
                &r.$f,
                c,
            )?
        };
    }
    field!(metric_zh);
    field!(metric_en);
    field!(chain);
    field!(period);
    field!(comparator);
    field!(target);
    field!(unit);
    field!(note);
    field!(by);
    let empty = Target::default();
    let bb = b.unwrap_or(&empty);
    check_set(
        "observations",
        &bb.observations,
        &o.observations,
        &t.observations,
        &r.observations,
        observation_key,
    )?;
    check_set(
        "quotes",
        &bb.sources,
        &o.sources,
        &t.sources,
        &r.sources,
        evidence_key,
    )?;
    if !r.observations.windows(2).all(|w| w[0].date <= w[1].date) {
        return Err("observations out of date order".into());
    }
    Ok(())
}

fn never_loses(b: &Tracker, o: &Tracker, t: &Tracker, r: &Tracker) -> Check {
    macro_rules! records {
        ($what:literal, $list:ident, $fields:ident) => {
            check_records(
                $what,
                (&b.$list, &o.$list, &t.$list, &r.$list),
                |x| &x.id,
                |x| &x.conflicts,
                $fields,
            )?
        };
    }
    records!("source", sources, source_fields);
    records!("chain", chains, chain_fields);
    records!("area", areas, area_fields);
    records!("project", projects, project_fields);
    records!("target", targets, target_fields);
    Ok(())
}

fn run(b: &Tracker, o: &Tracker, t: &Tracker) -> Tracker {
    let mut m = Merger::new(Some("o".into()), Some("t".into()));
    merge::merge(b, o, t, &mut m).expect("same schema version")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_on_two_sides_are_never_lost(
        base in any_tracker(),
        ours_ops in prop::collection::vec(any_op(), 0..8),
        theirs_ops in prop::collection::vec(any_op(), 0..8),
    ) {
        let (o, t) = (edited(&base, &ours_ops, "o"), edited(&base, &theirs_ops, "t"));
        let r = run(&base, &o, &t);
        if let Err(e) = never_loses(&base, &o, &t, &r) {
            prop_assert!(false, "{}", e);
        }
        // Deterministic, and idempotent.
        prop_assert_eq!(&run(&base, &o, &t), &r);
        prop_assert_eq!(&run(&base, &r, &r), &r);
        // One side unchanged: the other side, whole (what git does
        // without the driver).
        prop_assert_eq!(&run(&base, &base, &t), &t);
        prop_assert_eq!(&run(&base, &o, &base), &o);
        // What the driver writes reads back as the merged tracker.
        let text = store::emit(&r);
        let back = store::read_for_merge(&text, Path::new("merged.yaml"));
        prop_assert_eq!(back.as_ref().ok(), Some(&r), "{}", text);
    }
}

/// A merge as the driver sees it: the text written, how many conflicts
/// the sides had, and those left (record id and field).
type Outcome = (String, usize, Vec<(String, String)>);

/// The whole way: the three texts read, merged, the result written.
fn whole_way(b: &str, o: &str, t: &str) -> Outcome {
    let read = |s: &str| store::read_for_merge(s, Path::new("t.yaml")).expect("reads");
    let (b, o, t) = (read(b), read(o), read(t));
    let before = merge::conflicts(&o).len() + merge::conflicts(&t).len();
    let r = run(&b, &o, &t);
    let left = merge::conflicts(&r)
        .into_iter()
        .map(|f| (f.id, f.conflict.field))
        .collect();
    (store::emit(&r), before, left)
}

fn fast_way(b: &str, o: &str, t: &str) -> Option<Outcome> {
    let mut m = Merger::new(Some("o".into()), Some("t".into()));
    store::textmerge::merge(b, o, t, &mut m).map(|f| (f.text, f.before, f.left))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    /// The merge driver's record-by-record way gives, byte for byte, what
    /// the whole way gives, and the same conflicts; and a side not in the
    /// writer's form sends it the whole way.
    #[test]
    fn merging_by_text_gives_what_merging_whole_gives(
        base in any_tracker(),
        ours_ops in prop::collection::vec(any_op(), 0..8),
        theirs_ops in prop::collection::vec(any_op(), 0..8),
        // Trackers that already hold conflicts, from an earlier merge.
        again in any::<bool>(),
    ) {
        let (o, t) = (edited(&base, &ours_ops, "o"), edited(&base, &theirs_ops, "t"));
        let (b, o, t) = if again {
            // Ours is a merge with conflicts; theirs goes on from it.
            let r = run(&base, &o, &t);
            let t2 = edited(&r, &theirs_ops, "t");
            (o, r, t2)
        } else {
            (base, o, t)
        };
        let (bt, ot, tt) = (store::emit(&b), store::emit(&o), store::emit(&t));
        let whole = whole_way(&bt, &ot, &tt);
        let fast = fast_way(&bt, &ot, &tt);
        prop_assert_eq!(fast.as_ref(), Some(&whole));
        // A record written another way (a name unquoted): the whole way.
        if let Some(at) = tt.find("name_en: \"Project ") {
            let end = at + tt[at..].find('\n').expect("a line");
            let line = &tt[at..end];
            let bare = line.replace('"', "");
            let odd = format!("{}{}{}", &tt[..at], bare, &tt[end..]);
            prop_assert!(fast_way(&bt, &ot, &odd).is_none());
        }
    }
}

/// A record nobody changed is not read by the fast way: a hand edit that
/// left it out of the writer's form (in all three versions) is kept as it
/// stands, while the records each side changed are merged as the whole way
/// merges them. A record someone changed, out of that form: the whole way.
#[test]
fn a_record_nobody_changed_is_kept_as_it_stands() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = store::load(&root.join("tracker.yaml"))
        .expect("the bundled tracker loads")
        .tracker;
    let (mut o, mut t) = (base.clone(), base.clone());
    o.projects[0].name_en.push_str(" (ours)");
    t.projects[1].name_en.push_str(" (theirs)");
    // A project far from both, with a plain English name: unquoted, the
    // same text for any YAML reader.
    let odd = base
        .projects
        .iter()
        .skip(5)
        .find(|p| {
            p.name_en
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ')
        })
        .expect("a plain English name");
    let quoted = format!("    name_en: \"{}\"\n", odd.name_en);
    let bare = format!("    name_en: {}\n", odd.name_en);
    let hand = |s: String| {
        assert_eq!(s.matches(&quoted).count(), 1, "{quoted}");
        s.replace(&quoted, &bare)
    };
    let (bt, ot, tt) = (
        hand(store::emit(&base)),
        hand(store::emit(&o)),
        hand(store::emit(&t)),
    );
    let (text, before, left) = fast_way(&bt, &ot, &tt).expect("merged record by record");
    let (whole, whole_before, whole_left) = whole_way(&bt, &ot, &tt);
    assert_eq!(text, hand(whole), "the whole way's text but that line");
    assert_eq!((before, left), (whole_before, whole_left));
    assert!(text.contains(" (ours)\"") && text.contains(" (theirs)\""));
    // Ours changed that record too: it is read, and not in the writer's
    // form, so the fast way gives up.
    let changed = ot.replace(&bare, &format!("    name_en: {} (ours)\n", odd.name_en));
    assert!(fast_way(&bt, &changed, &tt).is_none());
}
