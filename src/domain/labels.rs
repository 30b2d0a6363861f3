//! How a goal's numbers and a milestone's state read, in one place for the
//! command line, the briefing and the interface, so they never disagree.

use super::progress::{is_overdue, next_milestone};
use super::{format_number, Milestone, PartialDate, Project, Status, Target};
use chrono::NaiveDate;

/// "756.6亿元": a number with its unit.
pub fn value_with_unit(v: f64, unit: &str) -> String {
    format!("{}{unit}", format_number(v))
}

/// "在建 Under construction": a status as messages name it, in the
/// interface's words rather than its id.
pub fn status_label(s: Status) -> String {
    format!("{} {}", s.label_zh(), s.label_en())
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
        match m.reached {
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
