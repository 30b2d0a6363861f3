//! What every command (the `cli` ones and the `report` briefing) shares:
//! loading the file with located errors, failures carrying an exit code,
//! and the "unknown id, did you mean" message.

use crate::domain::suggest::closest;
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

pub fn load(file: &Path) -> Result<Loaded, Failure> {
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

pub fn unknown_id(kind: &str, id: &str, known: Vec<&str>) -> Failure {
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
