//! Edits as data: what the CLI and the interface change, applied in one
//! place, each remembering the record it replaced so it can be undone.

use super::date::PartialDate;
use super::model::{Actual, HistoryEntry, Project, Target, Tracker};
use super::status::Status;
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    SetStatus {
        project: String,
        status: Status,
        date: NaiveDate,
        note: Option<String>,
    },
    SetActual {
        target: String,
        value: f64,
        date: NaiveDate,
        note: Option<String>,
    },
    /// Marks the project's next milestone reached on `date`.
    MarkMilestone { project: String, date: NaiveDate },
}

/// The record an edit touched, before or after it.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Project(Project),
    Target(Target),
}

impl Record {
    pub fn id(&self) -> &str {
        match self {
            Record::Project(p) => &p.id,
            Record::Target(t) => &t.id,
        }
    }

    /// The same record as it stands in `t`, if it still exists.
    pub fn current_in(&self, t: &Tracker) -> Option<Record> {
        match self {
            Record::Project(p) => t.project(&p.id).cloned().map(Record::Project),
            Record::Target(x) => t.target(&x.id).cloned().map(Record::Target),
        }
    }

    /// Puts this version of the record back into `t`.
    pub fn restore_into(&self, t: &mut Tracker) -> bool {
        match self {
            Record::Project(p) => t
                .projects
                .iter_mut()
                .find(|x| x.id == p.id)
                .map(|x| *x = p.clone())
                .is_some(),
            Record::Target(p) => t
                .targets
                .iter_mut()
                .find(|x| x.id == p.id)
                .map(|x| *x = p.clone())
                .is_some(),
        }
    }
}

/// A change applied: the record before and after, and a one-line summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub before: Record,
    pub after: Record,
    pub summary: String,
}

impl Edit {
    pub fn record_id(&self) -> &str {
        match self {
            Edit::SetStatus { project, .. } | Edit::MarkMilestone { project, .. } => project,
            Edit::SetActual { target, .. } => target,
        }
    }
}

/// Applies `edit` to `t`; on error `t` is unchanged.
pub fn apply(t: &mut Tracker, edit: &Edit) -> Result<Change, String> {
    match edit {
        Edit::SetStatus {
            project,
            status,
            date,
            note,
        } => {
            let p = t
                .projects
                .iter_mut()
                .find(|p| &p.id == project)
                .ok_or_else(|| format!("unknown project \"{project}\""))?;
            let before = Record::Project(p.clone());
            let old = p.status;
            p.status = *status;
            let note = match note.as_deref().map(str::trim) {
                Some(n) if !n.is_empty() => n.to_string(),
                _ => format!("Status changed from {} to {}", old.id(), status.id()),
            };
            p.history.push(HistoryEntry {
                date: PartialDate::day(*date),
                status: Some(*status),
                note,
                source: None,
                quote: None,
            });
            Ok(Change {
                before,
                after: Record::Project(p.clone()),
                summary: format!("{}: {} -> {} ({})", p.id, old.id(), status.id(), date),
            })
        }
        Edit::SetActual {
            target,
            value,
            date,
            note,
        } => {
            if !value.is_finite() {
                return Err(format!("{value} is not a number"));
            }
            let x = t
                .targets
                .iter_mut()
                .find(|x| &x.id == target)
                .ok_or_else(|| format!("unknown target \"{target}\""))?;
            let before = Record::Target(x.clone());
            let note = note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string);
            x.actual = Some(Actual {
                value: *value,
                date: PartialDate::day(*date),
                note,
                source: None,
                quote: None,
            });
            Ok(Change {
                before,
                after: Record::Target(x.clone()),
                summary: format!(
                    "{}: actual {} {} as of {}",
                    x.id,
                    super::model::format_number(*value),
                    x.unit,
                    date
                ),
            })
        }
        Edit::MarkMilestone { project, date } => {
            let p = t
                .projects
                .iter_mut()
                .find(|p| &p.id == project)
                .ok_or_else(|| format!("unknown project \"{project}\""))?;
            let before = Record::Project(p.clone());
            let Some((i, m)) = super::progress::next_milestone(p) else {
                return Err(if p.milestones.is_empty() {
                    format!("{} has no milestones", p.id)
                } else {
                    format!("{} has no open milestone: all are reached", p.id)
                });
            };
            let text = m.text.clone();
            p.milestones[i].reached = Some(PartialDate::day(*date));
            Ok(Change {
                before,
                after: Record::Project(p.clone()),
                summary: format!("{}: milestone \"{}\" reached {}", p.id, text, date),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::*;

    fn tracker() -> Tracker {
        Tracker {
            schema_version: 1,
            sources: vec![],
            chains: vec![],
            areas: vec![],
            projects: vec![Project {
                id: "p".into(),
                name_zh: "项目".into(),
                name_en: "P".into(),
                aliases: vec![],
                chain: "c".into(),
                area: None,
                parent: None,
                status: Status::Stalled,
                note: None,
                figures: vec![],
                milestones: vec![],
                history: vec![],
                sources: vec![],
            }],
            targets: vec![],
        }
    }

    #[test]
    fn set_status_appends_history_and_restores() {
        let mut t = tracker();
        let date = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        let edit = Edit::SetStatus {
            project: "p".into(),
            status: Status::UnderConstruction,
            date,
            note: Some("复工".into()),
        };
        let ch = apply(&mut t, &edit).unwrap();
        assert_eq!(t.projects[0].status, Status::UnderConstruction);
        assert_eq!(t.projects[0].history[0].note, "复工");
        assert!(ch.before.restore_into(&mut t));
        assert_eq!(t, tracker());
    }

    #[test]
    fn unknown_ids_and_missing_milestones_are_errors() {
        let mut t = tracker();
        let date = NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
        assert!(apply(
            &mut t,
            &Edit::MarkMilestone {
                project: "p".into(),
                date
            }
        )
        .is_err());
        assert!(apply(
            &mut t,
            &Edit::SetActual {
                target: "x".into(),
                value: 1.0,
                date,
                note: None
            }
        )
        .is_err());
        assert_eq!(t, tracker());
    }
}
