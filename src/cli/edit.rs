//! `set-status`, `set-actual` and `milestone`: one edit, saved atomically.

use super::{load, Failure, Outcome, Stamp};
use crate::command::{project_id, target_id, unknown_status};
use crate::domain::edit::{apply_by, Change, Edit};
use crate::domain::*;
use crate::store;
use chrono::NaiveDate;
use std::path::Path;

/// Applies one edit to the file and saves it atomically. An edit that asks
/// for what is already recorded writes nothing and says so (exit 0).
/// The writers' lock is taken first and held through the read, the edit
/// and the rename, so a concurrent writer (another command, the interface)
/// waits for us and then starts from our result instead of overwriting it.
fn edit_file(
    file: &Path,
    at: Stamp,
    edit: impl FnOnce(&Tracker) -> Result<Edit, Failure>,
) -> Outcome {
    edit_file_then(file, at, edit, |_, _| Ok(String::new()))
}

/// `edit_file`, with `after` run on the changed tracker before it is
/// saved: it may refuse (nothing is written) or add to what is printed.
pub(super) fn edit_file_then(
    file: &Path,
    at: Stamp,
    edit: impl FnOnce(&Tracker) -> Result<Edit, Failure>,
    after: impl FnOnce(&Tracker, &Change) -> Result<String, Failure>,
) -> Outcome {
    let lock = match store::disk::WriteLock::acquire(file) {
        Ok(lock) => lock,
        // A file that cannot even be loaded explains itself better.
        Err(e) => {
            load(file)?;
            return Err(Failure::usage(store::SaveError::from(e).describe(file)));
        }
    };
    let loaded = load(file)?;
    let comments = store::comment_lines(&loaded.text);
    if !comments.is_empty() {
        return Err(Failure::usage(
            store::SaveError::Comments(comments).describe(file),
        ));
    }
    let mut t = loaded.tracker;
    let e = edit(&t)?;
    // Typed text the reader would refuse (an escape sequence in a note)
    // is stopped by the save's own check, which names the field.
    let change = match apply_by(&mut t, &e, at.today, at.by) {
        Ok(c) => c,
        Err(r) if r.unchanged => return Ok(format!("{}\n", r.message)),
        Err(r) => {
            return Err(Failure::usage(format!(
                "{}\n{} was not changed",
                r.message,
                file.display()
            )))
        }
    };
    let shown = after(&t, &change)?;
    let text = store::save_change(file, &lock, &t, loaded.text, &change, loaded.written)
        .map_err(|err| Failure::usage(err.describe(file)))?;
    // The command ends here: the system takes the tracker back at exit
    // faster than freeing it piece by piece (10 ms at 10k projects).
    std::mem::forget((t, text));
    Ok(format!(
        "{}\n{shown}saved {}\n",
        change.summary,
        file.display()
    ))
}

pub fn set_status(
    file: &Path,
    at: Stamp,
    project: &str,
    status: &str,
    note: Option<String>,
    date: NaiveDate,
) -> Outcome {
    edit_file(file, at, |t| {
        let project = project_id(t, project)?;
        let st = Status::parse(status).ok_or_else(|| unknown_status(status))?;
        Ok(Edit::SetStatus {
            project,
            status: st,
            date,
            note,
        })
    })
}

/// `milestone ID`: marks the next milestone reached (and, unless
/// `keep_status`, moves the project to the status it expected), or with
/// `slip_to` moves it to a later date, keeping the one it had.
pub struct MilestoneArgs<'a> {
    pub project: &'a str,
    pub date: PartialDate,
    pub keep_status: bool,
    pub slip_to: Option<PartialDate>,
    pub note: Option<String>,
}

pub fn milestone(file: &Path, at: Stamp, a: MilestoneArgs) -> Outcome {
    let today = at.today;
    // A slip to a date already past leaves the milestone overdue at once:
    // done as asked (a report may say so), with a word.
    let past = a
        .slip_to
        .filter(|to| to.last_day() < today)
        .map(|to| {
            format!(
                "warning: {to} is already past (today is {today}): the milestone is overdue again at once\n"
            )
        });
    let out = milestone_edit(file, at, a)?;
    Ok(match past {
        Some(w) => format!("{out}{w}"),
        None => out,
    })
}

fn milestone_edit(file: &Path, at: Stamp, a: MilestoneArgs) -> Outcome {
    edit_file(file, at, |t| {
        let project = project_id(t, a.project)?;
        Ok(match a.slip_to {
            Some(to) => Edit::SlipMilestone {
                project,
                to,
                note: a.note,
            },
            None => Edit::MarkMilestone {
                project,
                date: a.date,
                set_status: !a.keep_status,
            },
        })
    })
}

pub use crate::domain::number::parse_value;

/// `set-actual`: adds an observation. A value from a report names its
/// source and quote, checked against the report before anything is written.
pub struct ObservationArgs<'a> {
    pub target: &'a str,
    pub value: &'a str,
    pub date: PartialDate,
    pub note: Option<String>,
    pub source: Option<String>,
    pub quote: Option<String>,
    /// Record a value out of scale as typed.
    pub force: bool,
}

pub fn set_actual(file: &Path, at: Stamp, a: ObservationArgs) -> Outcome {
    edit_file(file, at, |t| {
        let target = target_id(t, a.target)?;
        let value = parse_value(a.value).map_err(Failure::usage)?;
        if !a.force {
            if let Some(x) = t.target(&target) {
                super::records::scale_guard(t, x, value, a.date)?;
            }
        }
        let evidence = match (a.source, a.quote) {
            (Some(source), Some(quote)) => {
                store::check_quote(file, t, &source, &quote).map_err(Failure::usage)?;
                Some(Evidence { source, quote })
            }
            (None, None) => None,
            (Some(_), None) => {
                return Err(Failure::usage(
                    "--source needs --quote: the words from the report that give the value",
                ))
            }
            (None, Some(_)) => {
                return Err(Failure::usage(
                    "--quote needs --source: the id of the report it comes from (see `sources:` in the file)",
                ))
            }
        };
        Ok(Edit::AddObservation {
            target,
            value,
            date: a.date,
            note: a.note,
            evidence,
        })
    })
}
