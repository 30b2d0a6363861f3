//! Corrections that keep the record honest: an entry a person made (an
//! observation, a history entry, a milestone, its reached mark, a slip)
//! is taken back with a reason and stays in the file, marked; a record or
//! entry resting on a note is given the report's words later (the note
//! kept). A quoted fact is never taken back, only superseded. Both change
//! only fields outside an entry's identity, and neither removes an entry,
//! so a team's merge can neither bring back nor double one.

use super::change::{Change, Record, Refusal};
use super::labels::{by_label, status_label, value_with_unit};
use super::model::*;
use super::PartialDate;
use chrono::NaiveDate;

/// An entry of a record, as `retract` and `cite` name it (indices in the
/// file's order, as `edit` counts them: `history[2]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Observation(usize),
    History(usize),
    Milestone(usize),
    /// The reached mark of milestone N.
    Mark(usize),
    /// Slip K of milestone N.
    Slip(usize, usize),
}

impl Entry {
    /// As `edit` would name it: "observations[2]", "milestones[0].reached".
    pub fn label(self) -> String {
        match self {
            Entry::Observation(i) => format!("observations[{i}]"),
            Entry::History(i) => format!("history[{i}]"),
            Entry::Milestone(i) => format!("milestones[{i}]"),
            Entry::Mark(i) => format!("milestones[{i}].reached"),
            Entry::Slip(i, k) => format!("milestones[{i}].slipped_from[{k}]"),
        }
    }
}

/// The entry of record `id` that `text` names ("history 3", "observation
/// 2024" by its date, "milestone 0", "mark 0", "slip 0.1"); `None` for an
/// empty text (the record itself).
pub fn parse_entry(t: &Tracker, id: &str, text: &str) -> Result<Option<Entry>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (kind, n) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let n = n.trim();
    let index = |n: &str| -> Result<usize, String> {
        n.parse()
            .map_err(|_| format!("\"{n}\" is not a number: write e.g. history 3"))
    };
    let e = match kind {
        "history" | "h" => Entry::History(index(n)?),
        "milestone" | "m" => Entry::Milestone(index(n)?),
        "mark" => Entry::Mark(index(n)?),
        "slip" => {
            let (i, k) = n
                .split_once('.')
                .ok_or_else(|| format!("\"{n}\": write slip M.K (slip K of milestone M)"))?;
            Entry::Slip(index(i)?, index(k)?)
        }
        "observation" | "o" | "value" => {
            let x = t
                .target(id)
                .ok_or_else(|| format!("{id} is not a goal or result: it has no observations"))?;
            Entry::Observation(find_observation(x, n)?)
        }
        _ => {
            return Err(format!(
                "\"{text}\": write history N, observation N (or its date), milestone N, mark N or slip M.K; empty for the record itself"
            ))
        }
    };
    Ok(Some(e))
}

/// One entry as a list shows it, for choosing it (the details pane, the
/// command line's candidates): where it is, one line about it, whether
/// it stands, and whether it can be taken back (a person made it).
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub entry: Entry,
    pub line: String,
    pub retracted: Option<Retraction>,
    pub quoted: bool,
}

/// The entries of project `p` a person may correct, in the order the
/// details show them (history by date, then milestones with their marks
/// and slips).
pub fn project_entries(p: &Project) -> Vec<Shown> {
    let mut out = Vec::new();
    let mut hist: Vec<(usize, &HistoryEntry)> = p.history.iter().enumerate().collect();
    hist.sort_by_key(|(_, h)| h.date);
    for (i, h) in hist {
        let status = h
            .status
            .map_or(String::new(), |s| format!("{} ", s.label_zh()));
        out.push(Shown {
            entry: Entry::History(i),
            line: format!(
                "{}  {status}{}{}",
                h.date,
                h.note,
                by_label(h.by.as_deref())
            ),
            retracted: h.retracted.as_deref().cloned(),
            quoted: h.is_quoted(),
        });
    }
    for (i, m) in p.milestones.iter().enumerate() {
        out.push(Shown {
            entry: Entry::Milestone(i),
            line: format!("due {}  {}{}", m.due, m.text, by_label(m.by.as_deref())),
            retracted: m.retracted.as_deref().cloned(),
            quoted: m.is_quoted(),
        });
        if let Some(r) = m.reached {
            out.push(Shown {
                entry: Entry::Mark(i),
                line: format!(
                    "\"{}\" marked reached {r}{}",
                    m.text,
                    by_label(m.reached_by.as_deref())
                ),
                retracted: m.mark_retracted.as_deref().cloned(),
                quoted: false,
            });
        }
        for (k, s) in m.slipped_from.iter().enumerate() {
            out.push(Shown {
                entry: Entry::Slip(i, k),
                line: format!(
                    "\"{}\" was due {}{}",
                    m.text,
                    s.due,
                    by_label(s.by.as_deref())
                ),
                retracted: s.retracted.as_deref().cloned(),
                quoted: s.quote.is_some(),
            });
        }
    }
    out
}

/// The observations of target `x`, newest first, as the details show them.
pub fn target_entries(x: &Target) -> Vec<Shown> {
    x.observations
        .iter()
        .enumerate()
        .rev()
        .map(|(i, o)| Shown {
            entry: Entry::Observation(i),
            line: format!(
                "{}  {}{}",
                o.date,
                value_with_unit(o.value, &x.unit),
                by_label(o.by.as_deref())
            ),
            retracted: o.retracted.as_deref().cloned(),
            quoted: o.is_quoted(),
        })
        .collect()
}

/// The observation of `x` that `which` names: its index in the file
/// (`2`), or its as-of date (`2024`) when one standing value has it (or,
/// none standing, one taken back: what `retract --undo` names).
pub fn find_observation(x: &Target, which: &str) -> Result<usize, String> {
    let which = which.trim();
    let listed = || {
        target_entries(x)
            .iter()
            .map(|s| {
                let i = match s.entry {
                    Entry::Observation(i) => i,
                    _ => 0,
                };
                let gone = if s.retracted.is_some() {
                    "  (retracted)"
                } else {
                    ""
                };
                format!("  {i}: {}{gone}", s.line)
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    if let Ok(i) = which.parse::<usize>() {
        if i < x.observations.len() {
            return Ok(i);
        }
    }
    if let Some(d) = PartialDate::parse(which) {
        // A standing value first; else one taken back (to undo that).
        let dated = |standing: bool| -> Vec<usize> {
            (0..x.observations.len())
                .filter(|&i| x.observations[i].date == d && x.observations[i].stands() == standing)
                .collect()
        };
        let mut hits = dated(true);
        if hits.is_empty() {
            hits = dated(false);
        }
        match hits[..] {
            [i] => return Ok(i),
            [] => {}
            _ => {
                return Err(format!(
                    "{} has {} values dated {d}: give its number\n{}",
                    x.id,
                    hits.len(),
                    listed()
                ))
            }
        }
    }
    Err(format!(
        "{} has no observation \"{which}\": give its number or its date\n{}",
        x.id,
        listed()
    ))
}

fn retraction(today: NaiveDate, by: Option<&str>, reason: &str) -> Box<Retraction> {
    Box::new(Retraction {
        by: by.map(str::to_string),
        date: PartialDate::day(today),
        reason: reason.trim().to_string(),
    })
}

fn no_entry(id: &str, e: Entry) -> Refusal {
    Refusal::no(format!("{id} has no {}", e.label()))
}

const QUOTED: &str =
    "the words of a report cannot be taken back, only superseded by newer evidence";

/// Takes back entry `e` of record `id`: marked `retracted` with who, when
/// and why, kept in the file, ignored from then on. A status change taken
/// back gives the project the status it had before; a slip taken back
/// gives the milestone its earlier date.
pub fn retract(
    t: &mut Tracker,
    id: &str,
    e: Entry,
    reason: &str,
    today: NaiveDate,
    by: Option<&str>,
) -> Result<Change, Refusal> {
    if reason.trim().is_empty() {
        return Err(Refusal::at(
            "reason",
            "give the reason: why it is taken back (it stays in the file with it)",
        ));
    }
    let mark = retraction(today, by, reason);
    if let Some(x) = t.targets.iter_mut().find(|x| x.id == id) {
        let Entry::Observation(i) = e else {
            return Err(no_entry(id, e));
        };
        let before = Record::Target(x.clone());
        let unit = x.unit.clone();
        let o = x.observations.get_mut(i).ok_or_else(|| no_entry(id, e))?;
        if o.is_quoted() {
            return Err(Refusal::no(format!(
                "{id}: {} as of {} is quoted from {}: {QUOTED} (add the newer value with set-actual)",
                value_with_unit(o.value, &unit),
                o.date,
                o.source.as_deref().unwrap_or("a report")
            )));
        }
        already(id, e, &o.retracted)?;
        o.retracted = Some(mark);
        let summary = format!(
            "{id}: retracted the value {} as of {} ({}); progress no longer counts it",
            value_with_unit(o.value, &unit),
            o.date,
            reason.trim()
        );
        return Ok(Change {
            before,
            after: Record::Target(x.clone()),
            summary,
        });
    }
    let p = t
        .projects
        .iter_mut()
        .find(|p| p.id == id)
        .ok_or_else(|| Refusal::no(format!("unknown project or target \"{id}\"")))?;
    let before = Record::Project(p.clone());
    let what = match e {
        Entry::Observation(_) => return Err(no_entry(id, e)),
        Entry::History(i) => retract_history(p, i, mark)?,
        Entry::Milestone(i) => {
            let m = p.milestones.get_mut(i).ok_or_else(|| no_entry(id, e))?;
            if m.is_quoted() {
                return Err(Refusal::no(format!(
                    "{id}: the milestone \"{}\" is quoted from {}: {QUOTED}",
                    m.text,
                    m.source.as_deref().unwrap_or("a report")
                )));
            }
            already(id, e, &m.retracted)?;
            m.retracted = Some(mark);
            format!("the milestone \"{}\" due {}", m.text, m.due)
        }
        Entry::Mark(i) => {
            let m = p.milestones.get_mut(i).ok_or_else(|| no_entry(id, e))?;
            let Some(r) = m.reached else {
                return Err(Refusal::no(format!(
                    "{id}: the milestone \"{}\" is not marked reached",
                    m.text
                )));
            };
            already(id, e, &m.mark_retracted)?;
            m.mark_retracted = Some(mark);
            format!(
                "the mark \"{}\" reached {r}; it is open again (a status it set is a history entry of its own)",
                m.text
            )
        }
        Entry::Slip(i, k) => {
            let m = p.milestones.get_mut(i).ok_or_else(|| no_entry(id, e))?;
            let newest = m.slipped_from.iter().rposition(|s| s.retracted.is_none());
            let s = m.slipped_from.get(k).ok_or_else(|| no_entry(id, e))?;
            if s.quote.is_some() {
                return Err(Refusal::no(format!(
                    "{id}: the slip from {} is quoted from {}: {QUOTED}",
                    s.due,
                    s.source.as_deref().unwrap_or("a report")
                )));
            }
            already(id, e, &s.retracted)?;
            if newest != Some(k) {
                return Err(Refusal::no(format!(
                    "{id}: \"{}\" slipped again after {}: take back the later slip first",
                    m.text, s.due
                )));
            }
            let (from, to) = (s.due, m.due);
            m.slipped_from[k].retracted = Some(mark);
            m.due = from;
            format!(
                "the slip of \"{}\" from {from} to {to}; due {from} again",
                m.text
            )
        }
    };
    let summary = format!("{id}: retracted {what} ({})", reason.trim());
    Ok(Change {
        before,
        after: Record::Project(p.clone()),
        summary,
    })
}

/// Undoes a retraction of entry `e` of record `id` (a retraction that was
/// itself the mistake): the mark and its reason are removed and the entry
/// counts again, with what it did (a status change gives the project its
/// status again). A slip's retraction is not undone here (the date it had
/// moved to is not kept): slip the milestone again.
/// Whether entry `e` of record `id`, once retracted, can be counted again:
/// all but a slip, whose later date is not kept.
pub fn restorable(id: &str, e: Entry) -> Result<(), Refusal> {
    match e {
        Entry::Slip(..) => Err(Refusal::no(format!(
            "{id}: a slip taken back is not undone (the date it had moved to is not kept): slip it again with `milestone {id} --slip-to DATE`"
        ))),
        _ => Ok(()),
    }
}

pub fn restore(t: &mut Tracker, id: &str, e: Entry) -> Result<Change, Refusal> {
    let before = match (t.target(id), t.project(id)) {
        (Some(x), _) => Record::Target(x.clone()),
        (None, Some(p)) => Record::Project(p.clone()),
        (None, None) => return Err(Refusal::no(format!("unknown project or target \"{id}\""))),
    };
    let what = match &before {
        Record::Target(x) => target_entries(x),
        Record::Project(p) => project_entries(p),
        _ => Vec::new(),
    }
    .into_iter()
    .find(|s| s.entry == e)
    .map_or_else(|| e.label(), |s| s.line);
    let mark = mark_of(t, id, e)?;
    not_retracted(id, e, mark)?;
    restorable(id, e)?;
    *mark = None;
    let mut summary = format!("{id}: {what} counts again (its retraction undone)");
    let after = match t.projects.iter_mut().find(|p| p.id == id) {
        Some(p) => {
            // A status change counts again: the project has its status.
            let now = p.status;
            if let Some(status) = super::model::newest_status_entry(p).and_then(|(_, h)| h.status) {
                p.status = status;
            }
            if now != p.status {
                summary += &format!(
                    "; status {} -> {}",
                    status_label(now),
                    status_label(p.status)
                );
            }
            Record::Project(p.clone())
        }
        None => Record::Target(t.target(id).cloned().ok_or_else(|| no_entry(id, e))?),
    };
    Ok(Change {
        before,
        after,
        summary,
    })
}

/// Where entry `e` of record `id` keeps its retraction mark.
fn mark_of<'a>(
    t: &'a mut Tracker,
    id: &str,
    e: Entry,
) -> Result<&'a mut Option<Box<Retraction>>, Refusal> {
    let found = if let Some(x) = t.targets.iter_mut().find(|x| x.id == id) {
        match e {
            Entry::Observation(i) => x.observations.get_mut(i).map(|o| &mut o.retracted),
            _ => None,
        }
    } else if let Some(p) = t.projects.iter_mut().find(|p| p.id == id) {
        match e {
            Entry::Observation(_) => None,
            Entry::History(i) => p.history.get_mut(i).map(|h| &mut h.retracted),
            Entry::Milestone(i) => p.milestones.get_mut(i).map(|m| &mut m.retracted),
            Entry::Mark(i) => p.milestones.get_mut(i).map(|m| &mut m.mark_retracted),
            Entry::Slip(i, k) => p
                .milestones
                .get_mut(i)
                .and_then(|m| m.slipped_from.get_mut(k))
                .map(|s| &mut s.retracted),
        }
    } else {
        None
    };
    found.ok_or_else(|| no_entry(id, e))
}

fn not_retracted(id: &str, e: Entry, r: &Option<Box<Retraction>>) -> Result<(), Refusal> {
    match r {
        Some(_) => Ok(()),
        None => Err(Refusal::unchanged(format!(
            "{id}: {} is not retracted: unchanged, nothing written",
            e.label()
        ))),
    }
}

fn already(id: &str, e: Entry, r: &Option<Box<Retraction>>) -> Result<(), Refusal> {
    match r {
        Some(r) => Err(Refusal::unchanged(format!(
            "{id}: {} was already retracted on {}{} ({}): unchanged, nothing written",
            e.label(),
            r.date,
            super::labels::by_inline(r.by.as_deref()),
            r.reason
        ))),
        None => Ok(()),
    }
}

/// Takes back history entry `i` of `p`; a status change taken back gives
/// the project the status before it.
fn retract_history(p: &mut Project, i: usize, mark: Box<Retraction>) -> Result<String, Refusal> {
    let id = p.id.clone();
    let h = p
        .history
        .get(i)
        .ok_or_else(|| no_entry(&id, Entry::History(i)))?;
    if h.is_quoted() {
        return Err(Refusal::no(format!(
            "{id}: the history entry {} \"{}\" is quoted from {}: {QUOTED}",
            h.date,
            h.note,
            h.source.as_deref().unwrap_or("a report")
        )));
    }
    already(&id, Entry::History(i), &h.retracted)?;
    let newest = super::model::newest_status_entry(p).map(|(j, _)| j);
    let what = format!("the history entry {} \"{}\"", h.date, h.note);
    if newest != Some(i) {
        p.history[i].retracted = Some(mark);
        return Ok(what);
    }
    let from = h.from;
    p.history[i].retracted = Some(mark);
    // The status before: the newest change still standing, else the one
    // this change replaced.
    let back = super::model::newest_status_entry(p)
        .and_then(|(_, h)| h.status)
        .or(from);
    let Some(back) = back else {
        p.history[i].retracted = None;
        return Err(Refusal::no(format!(
            "{id}: the status before {} is not recorded: set the right status with set-status instead",
            h_label(&p.history[i])
        )));
    };
    let now = p.status;
    p.status = back;
    Ok(format!(
        "{what}; status {} -> {}",
        status_label(now),
        status_label(back)
    ))
}

fn h_label(h: &HistoryEntry) -> String {
    format!("the change of {}", h.date)
}

/// Gives record `id` (or its entry `e`) the report's words it rests on.
/// A record gains them beside its note (kept); an entry resting on a
/// note gets its source and quote. An entry already quoted keeps its
/// quote; one taken back is not cited. (Whether the quote is in the
/// report is the caller's to check: the domain reads no files.)
pub fn cite(t: &mut Tracker, id: &str, e: Option<Entry>, ev: &Evidence) -> Result<Change, Refusal> {
    if t.source(&ev.source).is_none() {
        let known: Vec<&str> = t.sources.iter().map(|s| s.id.as_str()).collect();
        return Err(Refusal::at(
            "source",
            super::suggest::unknown("source", &ev.source, &known),
        ));
    }
    if ev.quote.trim().is_empty() {
        return Err(Refusal::at("quote", "quote is empty: give a value"));
    }
    let before;
    let what;
    if let Some(x) = t.targets.iter_mut().find(|x| x.id == id) {
        before = Record::Target(x.clone());
        what = match e {
            None => add_source(&mut x.sources, ev, id)?,
            Some(Entry::Observation(i)) => {
                let unit = x.unit.clone();
                let o = x
                    .observations
                    .get_mut(i)
                    .ok_or_else(|| no_entry(id, Entry::Observation(i)))?;
                let (v, d) = (o.value, o.date);
                cite_entry(&mut o.source, &mut o.quote, &o.retracted, ev, id)?;
                format!("the value {} as of {d}", value_with_unit(v, &unit))
            }
            Some(other) => return Err(no_entry(id, other)),
        };
        let after = Record::Target(x.clone());
        return Ok(cited(before, after, id, &what, ev));
    }
    let p = t
        .projects
        .iter_mut()
        .find(|p| p.id == id)
        .ok_or_else(|| Refusal::no(format!("unknown project or target \"{id}\"")))?;
    before = Record::Project(p.clone());
    what = match e {
        None => add_source(&mut p.sources, ev, id)?,
        Some(Entry::History(i)) => {
            let h = p
                .history
                .get_mut(i)
                .ok_or_else(|| no_entry(id, Entry::History(i)))?;
            cite_entry(&mut h.source, &mut h.quote, &h.retracted, ev, id)?;
            format!("the history entry {} \"{}\"", h.date, h.note)
        }
        Some(Entry::Milestone(i)) => {
            let m = p
                .milestones
                .get_mut(i)
                .ok_or_else(|| no_entry(id, Entry::Milestone(i)))?;
            cite_entry(&mut m.source, &mut m.quote, &m.retracted, ev, id)?;
            format!("the milestone \"{}\"", m.text)
        }
        Some(Entry::Slip(i, k)) => {
            let s = p
                .milestones
                .get_mut(i)
                .and_then(|m| m.slipped_from.get_mut(k))
                .ok_or_else(|| no_entry(id, Entry::Slip(i, k)))?;
            cite_entry(&mut s.source, &mut s.quote, &s.retracted, ev, id)?;
            format!("the slip from {}", s.due)
        }
        Some(other) => {
            return Err(Refusal::no(format!(
                "{id}: {} is a mark, not a fact with words of its own: cite the milestone",
                other.label()
            )))
        }
    };
    let after = Record::Project(p.clone());
    Ok(cited(before, after, id, &what, ev))
}

fn cited(before: Record, after: Record, id: &str, what: &str, ev: &Evidence) -> Change {
    Change {
        before,
        after,
        summary: format!("{id}: {what} now cites {} 「{}」", ev.source, ev.quote),
    }
}

fn add_source(list: &mut Vec<Evidence>, ev: &Evidence, id: &str) -> Result<String, Refusal> {
    if list.contains(ev) {
        return Err(Refusal::unchanged(format!(
            "{id} already cites these words of {}: unchanged, nothing written",
            ev.source
        )));
    }
    let was_note = list.is_empty();
    list.push(ev.clone());
    Ok(if was_note {
        "the record (its note kept)".to_string()
    } else {
        "the record".to_string()
    })
}

fn cite_entry(
    source: &mut Option<String>,
    quote: &mut Option<String>,
    retracted: &Option<Box<Retraction>>,
    ev: &Evidence,
    id: &str,
) -> Result<(), Refusal> {
    if retracted.is_some() {
        return Err(Refusal::no(format!(
            "{id}: that entry was retracted: cite what stands (add it again if it was right)"
        )));
    }
    if let (Some(s), Some(q)) = (source.as_ref(), quote.as_ref()) {
        if s == &ev.source && q == &ev.quote {
            return Err(Refusal::unchanged(format!(
                "{id}: it already cites these words: unchanged, nothing written"
            )));
        }
        return Err(Refusal::no(format!(
            "{id}: it already cites {s} 「{q}」: a quoted fact keeps its quote"
        )));
    }
    *source = Some(ev.source.clone());
    *quote = Some(ev.quote.clone());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::edit::{apply_by, Edit};
    use crate::domain::Status;

    fn pd(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
    }

    fn tracker() -> Tracker {
        Tracker {
            sources: vec![Source {
                id: "r".into(),
                ..Source::default()
            }],
            projects: vec![Project {
                id: "p".into(),
                status: Status::UnderConstruction,
                milestones: vec![Milestone {
                    due: pd("2023"),
                    expect: Status::Operating,
                    text: "明年投产".into(),
                    source: Some("r".into()),
                    quote: Some("明年投产".into()),
                    ..Milestone::default()
                }],
                ..Project::default()
            }],
            ..Tracker::default()
        }
    }

    fn edit(t: &mut Tracker, e: Edit) -> Result<Change, Refusal> {
        apply_by(t, &e, today(), Some("王伟"))
    }

    #[test]
    fn a_slip_taken_back_restores_the_date_it_moved_from() {
        let mut t = tracker();
        let slip = |to| Edit::SlipMilestone {
            project: "p".into(),
            to: pd(to),
            note: None,
        };
        edit(&mut t, slip("2024")).unwrap();
        edit(&mut t, slip("2025")).unwrap();
        let back = |k| Edit::Retract {
            id: "p".into(),
            entry: Entry::Slip(0, k),
            reason: "typed the wrong year".into(),
        };
        let r = edit(&mut t, back(0)).unwrap_err();
        assert!(r.message.contains("take back the later slip first"), "{r}");
        edit(&mut t, back(1)).unwrap();
        let m = &t.projects[0].milestones[0];
        assert_eq!(m.due, pd("2024"));
        assert_eq!(m.slip_label().unwrap(), "slipped from 2023 to 2024");
        assert_eq!(m.slipped_from.len(), 2, "the slip stays, marked");
    }

    #[test]
    fn a_retraction_undone_counts_again_but_a_slip_is_slipped_again() {
        let mut t = tracker();
        let mark = Edit::MarkMilestone {
            project: "p".into(),
            date: pd("2026-12-04"),
            set_status: false,
        };
        edit(&mut t, mark).unwrap();
        let untouched = t.clone();
        let take_back = |entry| Edit::Retract {
            id: "p".into(),
            entry,
            reason: "another project's".into(),
        };
        let undo = |entry| Edit::Restore {
            id: "p".into(),
            entry,
        };
        edit(&mut t, take_back(Entry::Mark(0))).unwrap();
        assert!(t.projects[0].milestones[0].reached_on().is_none());
        edit(&mut t, undo(Entry::Mark(0))).unwrap();
        assert_eq!(t, untouched, "as before the retraction");
        let r = edit(&mut t, undo(Entry::Mark(0))).unwrap_err();
        assert!(r.message.contains("is not retracted"), "{r}");

        let mut t = tracker();
        let slip = Edit::SlipMilestone {
            project: "p".into(),
            to: pd("2024"),
            note: None,
        };
        edit(&mut t, slip).unwrap();
        edit(&mut t, take_back(Entry::Slip(0, 0))).unwrap();
        let r = edit(&mut t, undo(Entry::Slip(0, 0))).unwrap_err();
        assert!(r.message.contains("--slip-to"), "{r}");
    }

    #[test]
    fn a_mark_taken_back_opens_the_milestone_and_a_new_mark_keeps_its_trace() {
        let mut t = tracker();
        let mark = |d| Edit::MarkMilestone {
            project: "p".into(),
            date: pd(d),
            set_status: false,
        };
        edit(&mut t, mark("2026-12-04")).unwrap();
        let open = |t: &Tracker| crate::domain::progress::next_milestone(&t.projects[0]).is_some();
        assert!(!open(&t));
        edit(
            &mut t,
            Edit::Retract {
                id: "p".into(),
                entry: Entry::Mark(0),
                reason: "it was 2024-06".into(),
            },
        )
        .unwrap();
        assert!(open(&t), "open again");
        edit(&mut t, mark("2024-06")).unwrap();
        let p = &t.projects[0];
        assert_eq!(p.milestones[0].reached_on(), Some(pd("2024-06")));
        assert!(p.milestones[0].mark_retracted.is_none());
        let h = p.history.last().unwrap();
        assert!(
            h.note.contains("\"reached 2026-12-04\" (by 王伟) was retracted on 2026-12-04 (by 王伟): it was 2024-06"),
            "{}",
            h.note
        );
    }

    #[test]
    fn a_quoted_fact_keeps_its_quote_and_a_retracted_entry_is_not_cited() {
        let mut t = tracker();
        let ev = Evidence {
            source: "r".into(),
            quote: "其他".into(),
        };
        let cite = |e| Edit::Cite {
            id: "p".into(),
            entry: Some(e),
            evidence: ev.clone(),
        };
        let r = edit(&mut t, cite(Entry::Milestone(0))).unwrap_err();
        assert!(r.message.contains("a quoted fact keeps its quote"), "{r}");
        edit(
            &mut t,
            Edit::AddHistory {
                project: "p".into(),
                date: pd("2026-11"),
                note: "听说停工".into(),
                evidence: None,
            },
        )
        .unwrap();
        edit(
            &mut t,
            Edit::Retract {
                id: "p".into(),
                entry: Entry::History(0),
                reason: "没有停工".into(),
            },
        )
        .unwrap();
        let r = edit(&mut t, cite(Entry::History(0))).unwrap_err();
        assert!(r.message.contains("retracted"), "{r}");
        assert_eq!(
            parse_entry(&t, "p", "slip 0.1").unwrap(),
            Some(Entry::Slip(0, 1))
        );
        assert!(
            parse_entry(&t, "p", "observation 2024").is_err(),
            "a project"
        );
    }
}
