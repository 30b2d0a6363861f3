//! The non-interactive commands. Each returns the text for stdout or a
//! failure carrying the message for stderr and the exit code. One file per
//! concern: output formats, listing, showing one record, progress, edits,
//! and file maintenance (validate, normalize).

mod edit;
mod list;
mod maintain;
pub mod output;
mod progress;
mod show;

pub use edit::{parse_value, set_actual, set_status};
pub use list::{list, next_due_label};
pub use maintain::{normalize, validate};
pub use output::table;
pub use progress::progress;
pub use show::{project_text, show, target_cells, target_text};

use crate::domain::suggest::closest;
use crate::domain::Tracker;
use crate::store::{self, Loaded};
use std::fmt::Write;
use std::path::Path;

#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    /// A problem with the data or the request (exit 1).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
}

pub type Outcome = Result<String, Failure>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
}

pub(crate) fn load(file: &Path) -> Result<Loaded, Failure> {
    store::load(file).map_err(|problems| {
        let mut msg: String = problems.iter().map(|p| format!("{p}\n")).collect();
        let n = problems.len();
        let _ = write!(
            msg,
            "{n} problem{} in {}; nothing was changed",
            if n == 1 { "" } else { "s" },
            file.display()
        );
        Failure::usage(msg)
    })
}

pub(crate) fn unknown_id(kind: &str, id: &str, known: Vec<&str>) -> Failure {
    let near = closest(id, known.iter().copied());
    let hint = if near.is_empty() && kind == "chain" {
        format!("known chains: {}", known.join(", "))
    } else if near.is_empty() {
        "run `shibei-tracker list` (projects) or `shibei-tracker progress` (targets) to see the ids"
            .to_string()
    } else {
        format!(
            "did you mean {}?",
            near.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    Failure::usage(format!("unknown {kind} id \"{id}\" — {hint}"))
}

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
