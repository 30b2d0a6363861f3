//! How a goal's numbers and a milestone's state read, in one place for the
//! command line, the briefing and the interface, so they never disagree.

use super::progress::{is_overdue, next_milestone};
use super::{format_number, Milestone, PartialDate, Period, Project, Status, Target};
use chrono::{Datelike, NaiveDate};

/// "756.6亿元": a number with its unit.
pub fn value_with_unit(v: f64, unit: &str) -> String {
    format!("{}{unit}", format_number(v))
}

/// "在建 Under construction": a status as messages name it, in the
/// interface's words rather than its id.
pub fn status_label(s: Status) -> String {
    format!("{} {}", s.label_zh(), s.label_en())
}

/// How far a goal has come, one way everywhere (interface, command line,
/// briefing): the share of the way from baseline to target, "58%", and
/// past the goal "117%" (35 of 30), never a sign that reads as growth.
pub fn percent_label(percent: f64) -> String {
    format!("{percent:.0}%")
}

/// A goal's period in a table's narrow column: "2018", "2018-2020",
/// "2018-01..06" for the first half of 2018; `Period::label` otherwise.
pub fn period_short(p: &Period) -> String {
    let (start, end) = (p.start(), p.end());
    let month_end = end.succ_opt().is_some_and(|d| d.day() == 1);
    match p {
        Period::Span { .. }
            if start.day() == 1 && month_end && !(start.month() == 1 && end.month() == 12) =>
        {
            if start.year() == end.year() {
                format!("{}-{:02}..{:02}", start.year(), start.month(), end.month())
            } else {
                format!("{}..{}", start.format("%Y-%m"), end.format("%Y-%m"))
            }
        }
        _ => p.label(),
    }
}

/// "1 record", "3 records": a count with its noun, singular for one.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {}", plural(noun))
    }
}

/// The English plural of `noun` ("passage" -> "passages", "entry" ->
/// "entries"); a phrase's last word.
pub fn plural(noun: &str) -> String {
    if let Some(stem) = noun
        .strip_suffix('y')
        .filter(|s| !s.ends_with(['a', 'e', 'o', 'u']))
    {
        format!("{stem}ies")
    } else if noun.ends_with(['s', 'x']) || noun.ends_with("ch") || noun.ends_with("sh") {
        format!("{noun}es")
    } else {
        format!("{noun}s")
    }
}

/// ">=60家", or "" when the goal states no number.
pub fn goal_label(t: &Target) -> String {
    match (t.comparator, t.target) {
        (Some(c), Some(v)) => format!("{}{}", c.symbol(), value_with_unit(v, &t.unit)),
        _ => String::new(),
    }
}

/// Where a milestone stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneState {
    /// Marked reached on this date.
    Reached(PartialDate),
    /// Not marked, but the project's status is at or past what was expected.
    ReachedByStatus,
    /// Due date passed, not reached.
    Overdue,
    Open,
}

impl MilestoneState {
    pub fn of(p: &Project, m: &Milestone, today: NaiveDate) -> MilestoneState {
        match m.reached_on() {
            Some(d) => MilestoneState::Reached(d),
            None if is_overdue(p, m, today) => MilestoneState::Overdue,
            None if p.status.has_reached(m.expect) => MilestoneState::ReachedByStatus,
            None => MilestoneState::Open,
        }
    }

    pub fn label(self) -> String {
        match self {
            MilestoneState::Reached(d) => format!("reached {d}"),
            MilestoneState::ReachedByStatus => "reached (by status)".into(),
            MilestoneState::Overdue => "OVERDUE".into(),
            MilestoneState::Open => "open".into(),
        }
    }
}

/// The next milestone of a project as every output shows it: its due date
/// and the promise in the report's words ("2022-12 预计年底建成"), and
/// whether it is overdue.
pub fn next_due(p: &Project, today: NaiveDate) -> Option<(String, bool)> {
    next_milestone(p).map(|(_, m)| (format!("{} {}", m.due, m.text), is_overdue(p, m, today)))
}

/// The mark before the name of a record resting on a note (no report
/// cited yet), in every list: the interface's, `list`, `progress`, `report`.
pub const NOTE_MARK: &str = "? ";

/// What `NOTE_MARK` means, for legends.
pub const NOTE_LEGEND: &str = "? marks a record resting on a note (no report cited yet)";

/// The name as lists show it: marked when it rests on a note.
pub fn marked_name(name: &str, on_note: bool) -> String {
    if on_note {
        format!("{NOTE_MARK}{name}")
    } else {
        name.to_string()
    }
}

/// " (by 王伟)" inside a phrase ("retracted 2026-12-04 (by 王伟): …").
pub fn by_inline(by: Option<&str>) -> String {
    by.filter(|b| !b.is_empty())
        .map_or(String::new(), |b| format!(" (by {b})"))
}

/// "  (by 王伟)" after an entry a person made; nothing otherwise.
pub fn by_label(by: Option<&str>) -> String {
    by.filter(|b| !b.is_empty())
        .map_or(String::new(), |b| format!("  (by {b})"))
}

/// "label a, b, c" in lines of at most 80 columns (an item is never
/// broken), the later ones indented: a list of ids or names in a message.
pub fn listing(label: &str, items: &[String]) -> String {
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let mut out = label.to_string();
    let mut line = width(label);
    for (k, item) in items.iter().enumerate() {
        let piece = if k + 1 < items.len() {
            format!("{item},")
        } else {
            item.clone()
        };
        if line > 2 && line + 1 + width(&piece) > 80 {
            out.push_str("\n ");
            line = 1;
        }
        out.push(' ');
        out.push_str(&piece);
        line += 1 + width(&piece);
    }
    out
}

/// A status that names none: the nearest (by its id's spelling, or by
/// characters and pinyin for a label typed in Chinese: 在见 -> 在建), and
/// every status as the interface labels it. The one wording, from the
/// command line, the form and `edit` alike.
pub fn unknown_status(typed: &str) -> String {
    let labels: Vec<&str> = Status::ALL.iter().map(|s| s.label_zh()).collect();
    let mut near: Vec<Status> = super::search::similar_chinese(typed, &labels)
        .into_iter()
        .map(|i| Status::ALL[i])
        .collect();
    if near.is_empty() {
        near = super::suggest::closest(typed, Status::ALL.map(|s| s.id()))
            .into_iter()
            .filter_map(Status::parse)
            .collect();
    }
    let hint = match near.first() {
        Some(s) => format!(
            " — {}",
            super::suggest::did_you_mean(&[format!("`{}` ({})", s.id(), status_label(*s))])
        ),
        None => String::new(),
    };
    let all: Vec<String> = Status::ALL
        .iter()
        .map(|s| format!("`{}` {}", s.id(), status_label(*s)))
        .collect();
    format!(
        "unknown status \"{typed}\"{hint}\n{}",
        listing("statuses:", &all)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_periods_and_counts_read_one_way() {
        assert_eq!(percent_label(116.67), "117%");
        assert_eq!(percent_label(58.0), "58%");
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(period_short(&Period::Year(2018)), "2018");
        let span = |a, b| Period::Span { start: a, end: b };
        assert_eq!(
            period_short(&span(d(2018, 1, 1), d(2020, 12, 31))),
            "2018-2020"
        );
        assert_eq!(
            period_short(&span(d(2018, 1, 1), d(2018, 6, 30))),
            "2018-01..06"
        );
        assert_eq!(
            period_short(&span(d(2018, 7, 1), d(2019, 2, 28))),
            "2018-07..2019-02"
        );
        assert_eq!(
            period_short(&span(d(2018, 1, 5), d(2018, 6, 30))),
            "2018-01-05 to 2018-06-30"
        );
        assert_eq!(count(1, "quoted passage"), "1 quoted passage");
        assert_eq!(count(2, "quoted passage"), "2 quoted passages");
        assert_eq!(count(0, "entry"), "0 entries");
        assert_eq!(count(3, "match"), "3 matches");
        assert_eq!(count(2, "day"), "2 days");
    }
}
