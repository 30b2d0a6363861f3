//! Edits as data: what the CLI and the interface change, applied in one
//! place, each remembering the record it replaced so it can be undone.

pub use super::change::{Absent, Change, Kind, Record, Refusal, EARLIEST_YEAR};
pub use super::correct::Entry;
use super::date::PartialDate;
use super::labels::status_label;
pub use super::model::newest_status_entry;
use super::model::{
    Evidence, HistoryEntry, Milestone, Observation, Project, Slip, Source, Target, Tracker,
};
use super::records;
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
    /// Adds a dated value beside those already recorded (never over them).
    AddObservation {
        target: String,
        value: f64,
        date: PartialDate,
        note: Option<String>,
        /// A value from a report: its source id and the words quoted.
        evidence: Option<Evidence>,
    },
    /// Marks the project's next milestone reached on `date` (as precise as
    /// known); with `set_status`, also moves the project to the status the
    /// milestone expected, in the same step.
    MarkMilestone {
        project: String,
        date: PartialDate,
        set_status: bool,
    },
    /// A new milestone of a project: a promise a report made (quoted) or
    /// one a person knows of (its note).
    AddMilestone {
        project: String,
        milestone: Box<Milestone>,
    },
    /// Gives a record (or one of its entries) the report's words it rests
    /// on: a note becomes a quoted fact, the note kept.
    Cite {
        id: String,
        entry: Option<Entry>,
        evidence: Evidence,
    },
    /// Takes back an entry a person made, with the reason: it stays in the
    /// file, marked, and no longer counts.
    Retract {
        id: String,
        entry: Entry,
        reason: String,
    },
    /// Undoes a retraction: the entry counts again.
    Restore { id: String, entry: Entry },
    /// Moves the project's next milestone to a later date, keeping the date
    /// it had among `slipped_from`.
    SlipMilestone {
        project: String,
        to: PartialDate,
        note: Option<String>,
    },
    /// A new project, appended; an empty id is derived from the English name.
    AddProject(Box<Project>),
    /// A new goal or result, appended; an empty id is derived likewise.
    AddTarget(Box<Target>),
    /// A new report (its file already copied under seeds/ by the caller).
    AddSource(Box<Source>),
    /// One scalar field of a project or target, as spelled in the schema.
    SetField {
        id: String,
        field: String,
        value: String,
    },
    /// Removes a project, target or source nothing else refers to.
    Remove { id: String },
    /// Settles a conflict a merge left in a record (`domain::merge`).
    Resolve {
        id: String,
        field: String,
        choice: super::merge::Choice,
    },
    /// A dated event, added to a project's history without changing its
    /// status: from a report (its evidence), or what a person knows.
    AddHistory {
        project: String,
        date: PartialDate,
        note: String,
        evidence: Option<Evidence>,
    },
}

/// Checks a status change before it is made: not the status it already
/// has, not dated after `today`, and not before the newest recorded change.
pub fn check_status_change(
    p: &Project,
    status: Status,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<(), Refusal> {
    if p.status == status {
        return Err(Refusal::unchanged(format!(
            "{} is already {}: unchanged, nothing written",
            p.id,
            status_label(status)
        )));
    }
    check_date(date, today, "a status change")?;
    if let Some((_, h)) = newest_status_entry(p) {
        if date < h.date.first_day() {
            return Err(Refusal::no(format!(
                "{}: the newest status change is dated {} ({}); a change dated {date} would come before it — give a date on or after {}",
                p.id,
                h.date,
                h.status.map_or(String::new(), status_label),
                h.date.first_day()
            )));
        }
    }
    Ok(())
}

/// A date as precise as known, for something that happened: from its
/// first day, not after today, not before 1900.
fn check_partial_date(date: PartialDate, today: NaiveDate, what: &str) -> Result<(), Refusal> {
    if date.first_day() > today {
        return Err(Refusal::at(
            "date",
            format!("{date} is after today ({today}): {what} cannot be recorded before it happens"),
        ));
    }
    if date.year < EARLIEST_YEAR {
        return Err(Refusal::at(
            "date",
            format!("{date} is before {EARLIEST_YEAR}: give the real date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ));
    }
    Ok(())
}

fn check_date(date: NaiveDate, today: NaiveDate, what: &str) -> Result<(), Refusal> {
    use chrono::Datelike;
    if date > today {
        return Err(Refusal::no(format!(
            "{date} is after today ({today}): {what} cannot be recorded before it happens"
        )));
    }
    if date.year() < EARLIEST_YEAR {
        return Err(Refusal::no(format!(
            "{date} is before {EARLIEST_YEAR}: give the real date (YYYY-MM-DD)"
        )));
    }
    Ok(())
}

/// What `m` will record for the project's next milestone, to ask before
/// doing it: "reached 2023-06-30 — expect 运营中; set status to 运营中 too?".
/// The flag says whether the status would change.
pub fn milestone_question(p: &Project, date: PartialDate) -> Result<(String, bool), Refusal> {
    let (_, m) = next_open(p)?;
    let change = !p.status.has_reached(m.expect);
    let q = if change {
        format!(
            "\"{}\" reached {date} — expect {}; set status to {} too?",
            m.text,
            m.expect.label_zh(),
            m.expect.label_zh()
        )
    } else {
        format!(
            "\"{}\" reached {date} — status {} already meets {}",
            m.text,
            p.status.label_zh(),
            m.expect.label_zh()
        )
    };
    Ok((q, change))
}

fn next_open(p: &Project) -> Result<(usize, &super::model::Milestone), Refusal> {
    super::progress::next_milestone(p).ok_or_else(|| {
        Refusal::no(if p.milestones.is_empty() {
            format!("{} has no milestones", p.id)
        } else {
            format!("{} has no open milestone: all are reached", p.id)
        })
    })
}

/// "citing r2022", or "resting on your note" for a record no report
/// states yet.
fn grounds_label(sources: &[Evidence]) -> String {
    match sources.first() {
        Some(e) => format!("citing {}", e.source),
        None => "resting on your note (cite a report later with `cite`)".to_string(),
    }
}

fn project_mut<'a>(t: &'a mut Tracker, id: &str) -> Result<&'a mut Project, Refusal> {
    t.projects
        .iter_mut()
        .find(|p| p.id == id)
        .ok_or_else(|| Refusal::no(format!("unknown project \"{id}\"")))
}

fn trimmed(note: &Option<String>) -> Option<String> {
    note.as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

/// Applies `edit` to `t` as of `today`; on refusal `t` is unchanged.
pub fn apply(t: &mut Tracker, edit: &Edit, today: NaiveDate) -> Result<Change, Refusal> {
    apply_by(t, edit, today, None)
}

/// `apply`, by the person `by`: what the edit adds (a history entry, an
/// observation, a slip, a milestone mark, a record) carries their name.
pub fn apply_by(
    t: &mut Tracker,
    edit: &Edit,
    today: NaiveDate,
    by: Option<&str>,
) -> Result<Change, Refusal> {
    let who = by.map(str::to_string);
    match edit {
        Edit::SetStatus {
            project,
            status,
            date,
            note,
        } => {
            let p = project_mut(t, project)?;
            check_status_change(p, *status, *date, today)?;
            let before = Record::Project(p.clone());
            let old = p.status;
            p.status = *status;
            let note = trimmed(note)
                .unwrap_or_else(|| format!("Status changed from {} to {}", old.id(), status.id()));
            p.history.push(HistoryEntry {
                date: PartialDate::day(*date),
                status: Some(*status),
                note,
                source: None,
                quote: None,
                by: who,
                from: Some(old),
                ..Default::default()
            });
            Ok(Change {
                before,
                after: Record::Project(p.clone()),
                summary: format!(
                    "{}: {} -> {} ({})",
                    p.id,
                    status_label(old),
                    status_label(*status),
                    date
                ),
            })
        }
        Edit::AddObservation {
            target,
            value,
            date,
            note,
            evidence,
        } => {
            if !value.is_finite() {
                return Err(Refusal::no(format!("{value} is not a number")));
            }
            if date.first_day() > today {
                return Err(Refusal::no(format!(
                    "{date} is after today ({today}): a value cannot be recorded before it is known"
                )));
            }
            if date.year < EARLIEST_YEAR {
                return Err(Refusal::no(format!(
                    "{date} is before {EARLIEST_YEAR}: give the real as-of date"
                )));
            }
            let x = t
                .targets
                .iter_mut()
                .find(|x| &x.id == target)
                .ok_or_else(|| Refusal::no(format!("unknown target \"{target}\"")))?;
            let shown = format!("{}{}", super::model::format_number(*value), x.unit);
            if let Some(same) = x
                .observations
                .iter()
                .find(|o| o.value == *value && o.date == *date)
            {
                let from = same
                    .source
                    .as_deref()
                    .map_or(String::new(), |s| format!(", from {s}"));
                return Err(Refusal::unchanged(format!(
                    "{}: {shown} as of {date} is already recorded{from}: unchanged, nothing written",
                    x.id
                )));
            }
            let before = Record::Target(x.clone());
            let note = trimmed(note).or_else(|| {
                evidence
                    .is_none()
                    .then(|| format!("entered by hand on {today}"))
            });
            let at = x.insertion_point(*date);
            x.observations.insert(
                at,
                Observation {
                    value: *value,
                    date: *date,
                    note,
                    source: evidence.as_ref().map(|e| e.source.clone()),
                    quote: evidence.as_ref().map(|e| e.quote.clone()),
                    by: who,
                    retracted: None,
                },
            );
            let kept = x.observations.len() - 1;
            // Said, not refused: a late figure can be as of a later day, but
            // a typed value is more often meant for the period itself.
            let late = if date.first_day() > x.period.end() {
                format!(
                    "; dated after the period {} ended (a value for the period itself is dated {} or earlier)",
                    x.period.label(),
                    x.period.end()
                )
            } else {
                String::new()
            };
            Ok(Change {
                before,
                after: Record::Target(x.clone()),
                summary: format!(
                    "{}: observed {shown} as of {date} ({} earlier value{} kept){late}",
                    x.id,
                    kept,
                    if kept == 1 { "" } else { "s" }
                ),
            })
        }
        Edit::MarkMilestone {
            project,
            date,
            set_status,
        } => {
            check_partial_date(*date, today, "a milestone")?;
            let p = project_mut(t, project)?;
            let (i, m) = next_open(p)?;
            let (text, expect) = (m.text.clone(), m.expect);
            let change_status = *set_status && !p.status.has_reached(expect);
            if change_status {
                check_status_change(p, expect, date.first_day(), today)?;
            }
            let before = Record::Project(p.clone());
            let m = &mut p.milestones[i];
            // A mark taken back before: its trace goes to the history, so
            // marking again keeps what was retracted and why.
            if let (Some(r), Some(old)) = (m.mark_retracted.take(), m.reached) {
                let note = format!(
                    "Milestone \"{text}\": the mark \"reached {old}\"{} was retracted on {}{}: {}",
                    super::labels::by_inline(m.reached_by.as_deref()),
                    r.date,
                    super::labels::by_inline(r.by.as_deref()),
                    r.reason
                );
                p.history.push(HistoryEntry {
                    date: r.date,
                    note,
                    by: r.by,
                    ..Default::default()
                });
            }
            let m = &mut p.milestones[i];
            m.reached = Some(*date);
            m.reached_by = who.clone();
            let mut summary = format!("{}: milestone \"{text}\" reached {date}", p.id);
            if change_status {
                let old = p.status;
                p.status = expect;
                p.history.push(HistoryEntry {
                    date: *date,
                    status: Some(expect),
                    note: format!("Milestone reached: {text}"),
                    source: None,
                    quote: None,
                    by: who,
                    from: Some(old),
                    ..Default::default()
                });
                summary.push_str(&format!(
                    "; status {} -> {}",
                    status_label(old),
                    status_label(expect)
                ));
            }
            Ok(Change {
                before,
                after: Record::Project(p.clone()),
                summary,
            })
        }
        Edit::AddProject(p) => {
            let mut p = (**p).clone();
            p.by = p.by.or(who);
            if p.id.is_empty() {
                p.id = records::derive_id(&p.name_en, "project", |id| records::id_taken(t, id));
            }
            records::check_new_project(t, &p)?;
            let at = t.projects.len();
            t.projects.push(p.clone());
            Ok(Change {
                before: Record::Absent(Absent {
                    kind: Kind::Project,
                    id: p.id.clone(),
                    at,
                }),
                summary: format!(
                    "added project {} ({}, {}) {}",
                    p.id,
                    p.name_zh,
                    status_label(p.status),
                    grounds_label(&p.sources)
                ),
                after: Record::Project(p),
            })
        }
        Edit::AddTarget(x) => {
            let mut x = (**x).clone();
            x.by = x.by.or(who);
            if x.id.is_empty() {
                x.id = records::derive_id(&x.metric_en, "target", |id| records::id_taken(t, id));
            }
            records::check_new_target(t, &x)?;
            for o in &x.observations {
                if o.date.first_day() > today || o.date.year < EARLIEST_YEAR {
                    return Err(Refusal::no(format!(
                        "the value's date {} must be between {EARLIEST_YEAR} and today ({today})",
                        o.date
                    )));
                }
            }
            let at = t.targets.len();
            t.targets.push(x.clone());
            let what = match (x.comparator, x.target) {
                (Some(c), Some(v)) => format!(
                    "goal {} {}{}",
                    c.symbol(),
                    super::model::format_number(v),
                    x.unit
                ),
                _ => format!(
                    "result {}",
                    x.observations.last().map_or(String::new(), |o| format!(
                        "{}{} as of {}",
                        super::model::format_number(o.value),
                        x.unit,
                        o.date
                    ))
                ),
            };
            Ok(Change {
                before: Record::Absent(Absent {
                    kind: Kind::Target,
                    id: x.id.clone(),
                    at,
                }),
                summary: format!(
                    "added target {} ({}, {what}, {}) {}",
                    x.id,
                    x.metric_zh,
                    x.period.label(),
                    grounds_label(&x.sources)
                ),
                after: Record::Target(x),
            })
        }
        Edit::AddSource(s) => {
            records::check_new_source(t, s)?;
            let mut s = s.clone();
            s.by = s.by.or(who);
            let at = t.sources.len();
            t.sources.push((*s).clone());
            Ok(Change {
                before: Record::Absent(Absent {
                    kind: Kind::Source,
                    id: s.id.clone(),
                    at,
                }),
                after: Record::Source((*s).clone()),
                summary: format!(
                    "added source {} ({}, published {}, file seeds/{})",
                    s.id, s.title, s.published, s.file
                ),
            })
        }
        Edit::SetField { id, field, value } => records::set_field(t, id, field, value),
        Edit::Resolve { id, field, choice } => super::merge::resolve(t, id, field, choice),
        Edit::Remove { id } => records::remove(t, id),
        Edit::AddHistory {
            project,
            date,
            note,
            evidence,
        } => {
            check_partial_date(*date, today, "an event")?;
            if note.trim().is_empty() {
                return Err(Refusal::at("note", "the note is empty: say what happened"));
            }
            if let Some(e) = evidence {
                if t.source(&e.source).is_none() {
                    let known: Vec<&str> = t.sources.iter().map(|s| s.id.as_str()).collect();
                    return Err(Refusal::at(
                        "source",
                        super::suggest::unknown("source", &e.source, &known),
                    ));
                }
            }
            let p = project_mut(t, project)?;
            let before = Record::Project(p.clone());
            // Appended, like status changes: with no status it cannot
            // change which entry sets the project's status.
            p.history.push(HistoryEntry {
                date: *date,
                status: None,
                note: note.trim().to_string(),
                source: evidence.as_ref().map(|e| e.source.clone()),
                quote: evidence.as_ref().map(|e| e.quote.clone()),
                by: who,
                ..Default::default()
            });
            let grounds = match evidence {
                Some(e) => format!("citing {}", e.source),
                None => "resting on your note".to_string(),
            };
            Ok(Change {
                before,
                after: Record::Project(p.clone()),
                summary: format!(
                    "{}: history entry {date} \"{}\" {grounds}",
                    p.id,
                    note.trim(),
                ),
            })
        }
        Edit::AddMilestone { project, milestone } => {
            let known = t
                .project(project)
                .ok_or_else(|| Refusal::no(format!("unknown project \"{project}\"")))?;
            records::check_new_milestone(t, known, milestone)?;
            let p = project_mut(t, project)?;
            let before = Record::Project(p.clone());
            let mut m = (**milestone).clone();
            m.by = m.by.or(who);
            let summary = format!(
                "{}: milestone due {} \"{}\" (expect {}) {}",
                p.id,
                m.due,
                m.text,
                status_label(m.expect),
                match &m.source {
                    Some(s) => format!("citing {s}"),
                    None => "resting on your note".to_string(),
                }
            );
            p.milestones.push(m);
            Ok(Change {
                before,
                after: Record::Project(p.clone()),
                summary,
            })
        }
        Edit::Cite {
            id,
            entry,
            evidence,
        } => super::correct::cite(t, id, *entry, evidence),
        Edit::Retract { id, entry, reason } => {
            super::correct::retract(t, id, *entry, reason, today, by)
        }
        Edit::Restore { id, entry } => super::correct::restore(t, id, *entry),
        Edit::SlipMilestone { project, to, note } => {
            let p = project_mut(t, project)?;
            let (i, m) = next_open(p)?;
            if to.first_day() <= m.due.last_day() {
                return Err(Refusal::no(format!(
                    "{}: \"{}\" is due {}; a slip moves it to a later date than that",
                    p.id, m.text, m.due
                )));
            }
            let before = Record::Project(p.clone());
            let m = &mut p.milestones[i];
            let from = m.due;
            m.slipped_from.push(Slip {
                due: from,
                note: Some(trimmed(note).unwrap_or_else(|| format!("moved to {to} on {today}"))),
                source: None,
                quote: None,
                by: who,
                ..Default::default()
            });
            m.due = *to;
            let text = m.text.clone();
            Ok(Change {
                before,
                after: Record::Project(p.clone()),
                summary: format!("{}: \"{text}\" slipped from {from} to {to}", p.id),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::parse_day;
    use crate::domain::model::*;

    fn day(s: &str) -> NaiveDate {
        parse_day(s).unwrap()
    }

    fn today() -> NaiveDate {
        day("2026-11-21")
    }

    fn pd(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap()
    }

    fn tracker() -> Tracker {
        Tracker {
            schema_version: 2,
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
                status: Status::UnderConstruction,
                note: None,
                figures: vec![],
                milestones: vec![Milestone {
                    due: pd("2023"),
                    expect: Status::Operating,
                    text: "明年投产".into(),
                    reached: None,
                    source: Some("r".into()),
                    quote: Some("明年投产".into()),
                    slipped_from: vec![],
                    ..Default::default()
                }],
                history: vec![HistoryEntry {
                    date: pd("2022-12-01"),
                    status: Some(Status::UnderConstruction),
                    note: "开工".into(),
                    source: Some("r".into()),
                    quote: Some("实现开工建设".into()),
                    ..Default::default()
                }],
                sources: vec![],
                ..Default::default()
            }],
            targets: vec![Target {
                id: "gdp".into(),
                metric_zh: "全区生产总值".into(),
                metric_en: "GDP".into(),
                chain: "c".into(),
                area: None,
                period: Period::Year(2017),
                comparator: None,
                target: None,
                unit: "亿元".into(),
                measure: Measure::Level,
                metric: Some("gdp".into()),
                baseline: None,
                observations: vec![Observation {
                    value: 756.6,
                    date: pd("2017"),
                    note: None,
                    source: Some("r2018".into()),
                    quote: Some("去年全区生产总值达756.6亿元".into()),
                    ..Default::default()
                }],
                note: None,
                sources: vec![],
                ..Default::default()
            }],
        }
    }

    fn observe(value: f64, date: &str) -> Edit {
        Edit::AddObservation {
            target: "gdp".into(),
            value,
            date: pd(date),
            note: None,
            evidence: None,
        }
    }

    fn status(s: Status, date: &str) -> Edit {
        Edit::SetStatus {
            project: "p".into(),
            status: s,
            date: day(date),
            note: None,
        }
    }

    #[test]
    fn set_status_appends_history_and_restores() {
        let mut t = tracker();
        let edit = Edit::SetStatus {
            project: "p".into(),
            status: Status::Stalled,
            date: today(),
            note: Some("停工".into()),
        };
        let ch = apply(&mut t, &edit, today()).unwrap();
        assert_eq!(t.projects[0].status, Status::Stalled);
        assert_eq!(t.projects[0].history[1].note, "停工");
        assert!(ch.before.restore_into(&mut t));
        assert_eq!(t, tracker());
    }

    #[test]
    fn set_status_refuses_unchanged_earlier_and_future_dates() {
        let mut t = tracker();
        let r = apply(
            &mut t,
            &status(Status::UnderConstruction, "2026-01-01"),
            today(),
        )
        .unwrap_err();
        assert!(r.unchanged, "{r}");
        assert!(r.message.contains("already 在建 Under construction"), "{r}");
        let r = apply(&mut t, &status(Status::Planned, "2001-01-01"), today()).unwrap_err();
        assert!(!r.unchanged);
        assert!(r.message.contains("dated 2022-12-01"), "{r}");
        let r = apply(&mut t, &status(Status::Planned, "2026-11-22"), today()).unwrap_err();
        assert!(r.message.contains("after today"), "{r}");
        let r = apply(&mut t, &status(Status::Planned, "0000-01-01"), today()).unwrap_err();
        assert!(r.message.contains("before"), "{r}");
        assert_eq!(t, tracker(), "nothing changed");
        // The same day as the newest change, and today, are fine.
        apply(&mut t, &status(Status::Completed, "2022-12-01"), today()).unwrap();
        apply(&mut t, &status(Status::Operating, "2026-11-21"), today()).unwrap();
    }

    #[test]
    fn observation_is_added_beside_the_quoted_one_in_date_order() {
        let mut t = tracker();
        let ch = apply(&mut t, &observe(800.0, "2026-11-21"), today()).unwrap();
        assert!(
            ch.summary.contains("1 earlier value kept"),
            "{}",
            ch.summary
        );
        let obs = &t.targets[0].observations;
        assert_eq!(obs.len(), 2);
        assert_eq!(obs[0], tracker().targets[0].observations[0], "quote kept");
        assert_eq!(obs[1].value, 800.0);
        assert_eq!(
            obs[1].note.as_deref(),
            Some("entered by hand on 2026-11-21")
        );
        // An earlier date goes before it; the list stays sorted.
        apply(&mut t, &observe(700.0, "2016"), today()).unwrap();
        let dates: Vec<String> = t.targets[0]
            .observations
            .iter()
            .map(|o| o.date.to_string())
            .collect();
        assert_eq!(dates, ["2016", "2017", "2026-11-21"]);
    }

    #[test]
    fn same_value_and_date_again_is_a_no_op() {
        let mut t = tracker();
        let r = apply(&mut t, &observe(756.6, "2017"), today()).unwrap_err();
        assert!(r.unchanged);
        assert!(r.message.contains("already recorded, from r2018"), "{r}");
        assert_eq!(t, tracker());
        // The same value on another date is a new observation.
        apply(&mut t, &observe(756.6, "2017-12-31"), today()).unwrap();
        assert_eq!(t.targets[0].observations.len(), 2);
    }

    #[test]
    fn undo_removes_only_what_the_user_added() {
        let mut t = tracker();
        let first = apply(&mut t, &observe(800.0, "2026-01-01"), today()).unwrap();
        let second = apply(&mut t, &observe(810.0, "2026-02-01"), today()).unwrap();
        assert!(second.before.restore_into(&mut t));
        let obs = &t.targets[0].observations;
        assert_eq!(obs.len(), 2);
        assert_eq!(obs[0].quote.as_deref(), Some("去年全区生产总值达756.6亿元"));
        assert!(first.before.restore_into(&mut t));
        assert_eq!(t, tracker());
    }

    #[test]
    fn no_edit_removes_or_rewrites_a_quoted_observation() {
        let mut t = tracker();
        let quoted = t.targets[0].observations[0].clone();
        for e in [
            observe(0.0, "2017"),
            observe(756.6, "2018"),
            observe(1.0, "2017-12-31"),
            Edit::AddObservation {
                target: "gdp".into(),
                value: 757.0,
                date: pd("2017"),
                note: None,
                evidence: Some(Evidence {
                    source: "r2020".into(),
                    quote: "q".into(),
                }),
            },
        ] {
            apply(&mut t, &e, today()).unwrap();
            assert!(t.targets[0].observations.contains(&quoted));
        }
        assert_eq!(t.targets[0].observations.len(), 5);
    }

    #[test]
    fn observations_refuse_future_and_ancient_dates_and_non_numbers() {
        let mut t = tracker();
        assert!(apply(&mut t, &observe(1.0, "2026-11-22"), today()).is_err());
        assert!(apply(&mut t, &observe(1.0, "2027"), today()).is_err());
        assert!(apply(&mut t, &observe(1.0, "1899"), today()).is_err());
        assert!(apply(&mut t, &observe(f64::NAN, "2020"), today()).is_err());
        assert_eq!(t, tracker());
    }

    #[test]
    fn marking_a_milestone_can_set_the_expected_status_in_the_same_step() {
        let mut t = tracker();
        let p = &t.projects[0];
        let (q, changes) = milestone_question(p, pd("2023-06-30")).unwrap();
        assert_eq!(
            q,
            "\"明年投产\" reached 2023-06-30 — expect 运营中; set status to 运营中 too?"
        );
        assert!(changes);
        let mark = |set_status| Edit::MarkMilestone {
            project: "p".into(),
            date: pd("2023-06-30"),
            set_status,
        };
        let ch = apply(&mut t, &mark(true), today()).unwrap();
        let p = &t.projects[0];
        assert_eq!(p.status, Status::Operating);
        assert_eq!(p.milestones[0].reached, Some(pd("2023-06-30")));
        assert_eq!(p.history.last().unwrap().status, Some(Status::Operating));
        assert!(ch
            .summary
            .ends_with("status 在建 Under construction -> 运营中 Operating"));
        // One undo takes back both.
        ch.before.restore_into(&mut t);
        assert_eq!(t, tracker());
        // Declining records the milestone only.
        apply(&mut t, &mark(false), today()).unwrap();
        assert_eq!(t.projects[0].status, Status::UnderConstruction);
        assert_eq!(t.projects[0].history.len(), 1);
    }

    #[test]
    fn marking_refuses_a_date_before_the_newest_status_change() {
        let mut t = tracker();
        let e = Edit::MarkMilestone {
            project: "p".into(),
            date: pd("2020-01-01"),
            set_status: true,
        };
        assert!(apply(&mut t, &e, today()).is_err());
        assert_eq!(t, tracker());
    }

    #[test]
    fn slip_keeps_the_original_date() {
        let mut t = tracker();
        let slip = |to: &str| Edit::SlipMilestone {
            project: "p".into(),
            to: pd(to),
            note: None,
        };
        assert!(
            apply(&mut t, &slip("2023-12"), today()).is_err(),
            "not later"
        );
        let ch = apply(&mut t, &slip("2024"), today()).unwrap();
        assert_eq!(ch.summary, "p: \"明年投产\" slipped from 2023 to 2024");
        apply(&mut t, &slip("2025-06"), today()).unwrap();
        let m = &t.projects[0].milestones[0];
        assert_eq!(m.due, pd("2025-06"));
        assert_eq!(m.original_due(), pd("2023"));
        assert_eq!(m.slip_label().unwrap(), "slipped from 2023 to 2025-06");
    }

    #[test]
    fn unknown_ids_and_missing_milestones_are_errors() {
        let mut t = tracker();
        t.projects[0].milestones.clear();
        let before = t.clone();
        assert!(apply(
            &mut t,
            &Edit::MarkMilestone {
                project: "p".into(),
                date: PartialDate::day(today()),
                set_status: true,
            },
            today()
        )
        .is_err());
        assert!(apply(
            &mut t,
            &Edit::AddObservation {
                target: "x".into(),
                value: 1.0,
                date: pd("2020"),
                note: None,
                evidence: None,
            },
            today()
        )
        .is_err());
        assert_eq!(t, before);
    }
}
