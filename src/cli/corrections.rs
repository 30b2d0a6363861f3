//! `cite`, `retract`, `add-milestone` and `remove-milestone`: what a
//! person knew before a report did, given its evidence later, and
//! mistakes taken back with a reason. Each is one edit, saved like every
//! other (the whole file must still validate), printed back as saved.

use super::records::{draft_failure, named_id, save_record, verify_quote, with_ctx};
use super::{Failure, Outcome, Stamp};
use crate::domain::correct::{find_observation, Entry};
use crate::domain::draft::Draft;
use crate::domain::edit::Edit;
use crate::domain::records;
use crate::domain::{Evidence, Tracker};
use std::path::Path;

/// Which entry of a record an option names (`--history 3`, `--observation
/// 2024`, `--milestone 0`, `--mark 0`, `--slip 0.1`), or none.
#[derive(Debug, Default, clap::Args)]
pub struct EntryArgs {
    /// An observation of a goal or result: its as-of date (2024) or its
    /// number (`show ID --all` numbers them).
    #[arg(long, group = "entry")]
    pub observation: Option<String>,
    /// A history entry of a project, by its number (`show ID --all`).
    #[arg(long, group = "entry")]
    pub history: Option<usize>,
    /// A milestone of a project, by its number (`show ID --all`).
    #[arg(long, group = "entry")]
    pub milestone: Option<usize>,
    /// The reached mark of milestone N (retract only).
    #[arg(long, group = "entry")]
    pub mark: Option<usize>,
    /// A slip: M.K, slip K of milestone M (`show ID --all`).
    #[arg(long, group = "entry")]
    pub slip: Option<String>,
}

impl EntryArgs {
    fn entry(&self, t: &Tracker, id: &str) -> Result<Option<Entry>, Failure> {
        if let Some(o) = &self.observation {
            let x = t.target(id).ok_or_else(|| {
                Failure::usage(format!(
                    "{id} is a project: --observation names a value of a goal or result"
                ))
            })?;
            return Ok(Some(Entry::Observation(
                find_observation(x, o).map_err(Failure::usage)?,
            )));
        }
        if let Some(s) = &self.slip {
            let e = crate::domain::correct::parse_entry(t, id, &format!("slip {s}"))
                .map_err(Failure::usage)?;
            return Ok(e);
        }
        Ok(self
            .history
            .map(Entry::History)
            .or(self.milestone.map(Entry::Milestone))
            .or(self.mark.map(Entry::Mark)))
    }
}

/// `cite ID --source S --quote Q [ENTRY]`: a record (or an entry of it)
/// resting on a note is given the report's words; the note is kept. The
/// quote is checked against the report first.
pub fn cite(
    file: &Path,
    at: Stamp,
    id: &str,
    source: String,
    quote: String,
    which: EntryArgs,
) -> Outcome {
    save_record(file, at, |t| {
        let id = named_id(t, id)?;
        let entry = which.entry(t, &id)?;
        if which.mark.is_some() {
            return Err(Failure::usage(
                "a reached mark has no words of its own: cite the milestone (--milestone N)",
            ));
        }
        verify_quote(file, t, &source, &quote)?;
        Ok(Edit::Cite {
            id,
            entry,
            evidence: Evidence { source, quote },
        })
    })
}

/// `retract ID ENTRY --reason TEXT`: takes back an entry a person made;
/// it stays in the file, marked with who, when and why.
pub fn retract(file: &Path, at: Stamp, id: &str, reason: &str, which: EntryArgs) -> Outcome {
    save_record(file, at, |t| {
        let id = named_id(t, id)?;
        let Some(entry) = which.entry(t, &id)? else {
            return Err(Failure::usage(
                "name the entry to take back: --observation DATE|N, --history N, --milestone N, --mark N or --slip M.K (`show ID --all` numbers them)",
            ));
        };
        Ok(Edit::Retract {
            id,
            entry,
            reason: reason.to_string(),
        })
    })
}

/// `retract ID ENTRY --undo`: undoes a retraction (the entry counts
/// again), for a retraction that was itself the mistake.
pub fn unretract(file: &Path, at: Stamp, id: &str, which: EntryArgs) -> Outcome {
    save_record(file, at, |t| {
        let id = named_id(t, id)?;
        let Some(entry) = which.entry(t, &id)? else {
            return Err(Failure::usage(
                "name the entry whose retraction to undo: --observation DATE|N, --history N, --milestone N or --mark N (`show ID --all` numbers them)",
            ));
        };
        Ok(Edit::Restore { id, entry })
    })
}

/// The options of `add-milestone`.
#[derive(Debug, clap::Args)]
pub struct NewMilestoneArgs {
    /// The project: its id, its name or pinyin.
    pub project: String,
    /// The date promised, as precise as given (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long)]
    pub due: String,
    /// The status the project should have by then (operating, completed, …).
    #[arg(long)]
    pub expect: String,
    /// The promise, in the words it was made in (明年投产).
    #[arg(long)]
    pub text: String,
    /// The report making the promise (with --quote).
    #[arg(long)]
    pub source: Option<String>,
    /// The report's words, checked against the report.
    #[arg(long)]
    pub quote: Option<String>,
    /// Without a report: who promised it and where (a meeting, a call).
    #[arg(long)]
    pub note: Option<String>,
}

/// `add-milestone PROJECT --due D --expect S --text T (--source S --quote
/// Q | --note N)`.
pub fn add_milestone(file: &Path, at: Stamp, a: NewMilestoneArgs) -> Outcome {
    save_record(file, at, |t| {
        let project = named_id(t, &a.project)?;
        let d = Draft::new()
            .with("due", Some(a.due))
            .with("expect", Some(a.expect))
            .with("text", Some(a.text))
            .with("source", a.source)
            .with("quote", a.quote)
            .with("note", a.note);
        let m = with_ctx(file, t, at, |c| records::build_milestone(c, &project, &d))
            .map_err(|e| draft_failure("milestone", &e))?;
        Ok(Edit::AddMilestone {
            project,
            milestone: Box::new(m),
        })
    })
}

/// `remove-milestone PROJECT N --reason TEXT`: a milestone a person added
/// is taken back (kept in the file, marked, no longer counted); one a
/// report promised stays.
pub fn remove_milestone(file: &Path, at: Stamp, project: &str, n: usize, reason: &str) -> Outcome {
    save_record(file, at, |t| {
        let id = named_id(t, project)?;
        Ok(Edit::Retract {
            id,
            entry: Entry::Milestone(n),
            reason: reason.to_string(),
        })
    })
}
