//! `set-status` and `set-actual`: one edit, saved atomically.

use super::{load, unknown_id, Failure, Outcome};
use crate::domain::edit::{apply, Edit};
use crate::domain::suggest::closest;
use crate::domain::*;
use crate::store;
use chrono::NaiveDate;
use std::path::Path;

/// Applies one edit to the file and saves it atomically.
fn edit_file(file: &Path, edit: impl FnOnce(&Tracker) -> Result<Edit, Failure>) -> Outcome {
    let loaded = load(file)?;
    let comments = store::comment_lines(&loaded.text);
    if !comments.is_empty() {
        return Err(Failure::usage(
            store::SaveError::Comments(comments).describe(file),
        ));
    }
    let mut t = loaded.tracker;
    let e = edit(&t)?;
    let change = apply(&mut t, &e).map_err(Failure::usage)?;
    store::save(file, &t, &loaded.text).map_err(|err| Failure::usage(err.describe(file)))?;
    Ok(format!("{}\nsaved {}\n", change.summary, file.display()))
}

pub fn set_status(
    file: &Path,
    project: &str,
    status: &str,
    note: Option<String>,
    date: NaiveDate,
) -> Outcome {
    edit_file(file, |t| {
        if t.project(project).is_none() {
            return Err(unknown_id(
                "project",
                project,
                t.projects.iter().map(|p| p.id.as_str()).collect(),
            ));
        }
        let st = Status::parse(status).ok_or_else(|| {
            let ids = Status::ALL.map(|s| s.id());
            let near = closest(status, ids);
            let hint = near
                .first()
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            Failure::usage(format!(
                "unknown status \"{status}\" — {hint}statuses: {}",
                ids.join(", ")
            ))
        })?;
        Ok(Edit::SetStatus {
            project: project.to_string(),
            status: st,
            date,
            note,
        })
    })
}

pub use crate::domain::number::parse_value;

pub fn set_actual(
    file: &Path,
    target: &str,
    value: &str,
    note: Option<String>,
    date: NaiveDate,
) -> Outcome {
    edit_file(file, |t| {
        if t.target(target).is_none() {
            return Err(unknown_id(
                "target",
                target,
                t.targets.iter().map(|x| x.id.as_str()).collect(),
            ));
        }
        let value = parse_value(value).map_err(Failure::usage)?;
        Ok(Edit::SetActual {
            target: target.to_string(),
            value,
            date,
            note,
        })
    })
}
