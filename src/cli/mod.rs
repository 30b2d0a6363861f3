//! The non-interactive commands. Each returns the text for stdout or a
//! failure carrying the message for stderr and the exit code. One file per
//! concern: output formats, listing, showing one record, progress, edits,
//! and file maintenance (validate, normalize, migrate).

mod corrections;
mod edit;
mod list;
mod maintain;
pub mod output;
mod progress;
mod records;
mod show;
mod team;

pub use corrections::{
    add_milestone, cite, remove_milestone, retract, unretract, EntryArgs, NewMilestoneArgs,
};
pub use edit::{milestone, parse_value, set_actual, set_status, MilestoneArgs, ObservationArgs};
pub use list::{list, next_due_label};
pub use maintain::{migrate, normalize, validate};
pub use output::table;
pub use progress::progress;
pub use records::{
    add_project, add_source, add_target, edit, remove, resolve_area, resolve_chain, verify_quote,
    ProjectArgs, SourceArgs, TargetArgs,
};
pub use show::{
    evidence_kind, project_text, series_points, show, target_cells, target_text, SeriesPoint,
};
pub use team::{git_setup, list_conflicts, merge_file, resolve, sync, sync_with};

pub use crate::command::{load, load_to_read, tracker_to_read, unknown_id, Failure, Outcome};
use crate::domain::Tracker;

pub(crate) fn chain_label(t: &Tracker, id: &str) -> String {
    t.chain(id)
        .map(|c| c.name_zh.clone())
        .unwrap_or_else(|| id.to_string())
}

pub(crate) fn area_label(t: &Tracker, id: Option<&str>) -> String {
    id.map(|a| {
        t.area(a)
            .map(|x| x.name_zh.clone())
            .unwrap_or_else(|| a.to_string())
    })
    .unwrap_or_default()
}

pub use crate::report::report_command as report;

/// The day a saving command works on and who is at the keyboard: what
/// it stamps on the entries and records it adds.
#[derive(Debug, Clone, Copy)]
pub struct Stamp<'a> {
    pub today: chrono::NaiveDate,
    pub by: Option<&'a str>,
}

/// How `list` and `progress` print their rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned text; with a width (a terminal, no `--wide`) fitted to it
    /// by column priority, without one every column whole.
    Table {
        width: Option<usize>,
    },
    Json,
    /// Every value in a column of its own (number, unit, date apart).
    Csv,
}
