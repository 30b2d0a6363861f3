//! `validate`, `normalize` and `migrate`: checking, rewriting and upgrading
//! the file itself.

use super::{load, load_to_read, Failure, Outcome};
use crate::domain::labels::count;
use crate::domain::SCHEMA_VERSION;
use crate::store;
use chrono::NaiveDate;
use std::fmt::Write;
use std::path::Path;

pub fn validate(file: &Path, today: NaiveDate) -> Outcome {
    let loaded = load_to_read(file)?;
    let t = &loaded.tracker;
    let quotes: usize = t
        .projects
        .iter()
        .map(|p| {
            p.sources.len()
                + p.figures.len()
                + p.milestones.len()
                + p.milestones
                    .iter()
                    .flat_map(|m| &m.slipped_from)
                    .filter(|s| s.quote.is_some())
                    .count()
                + p.history.iter().filter(|h| h.quote.is_some()).count()
        })
        .sum::<usize>()
        + t.targets
            .iter()
            .map(|x| {
                x.sources.len()
                    + usize::from(x.baseline.as_ref().is_some_and(|b| b.quote.is_some()))
                    + x.observations.iter().filter(|o| o.quote.is_some()).count()
            })
            .sum::<usize>();
    let comments = store::comment_lines(&loaded.text);
    if !comments.is_empty() {
        // Escaped like all output; a closed stderr is no reason to fail.
        let _ = std::io::Write::write_fmt(
            &mut std::io::stderr(),
            format_args!(
                "warning: {}\n",
                crate::text::escape_controls(
                    &store::SaveError::Comments(comments)
                        .describe(file)
                        .replace("not saved: ", "")
                )
            ),
        );
    }
    let conflicts = store::conflicts(loaded, file);
    if !conflicts.is_empty() {
        return Err(Failure {
            message: format!(
                "{}\n{} in {}: resolve {} (the file loads and works meanwhile)",
                conflicts
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
                count(conflicts.len(), "conflict"),
                file.display(),
                if conflicts.len() == 1 { "it" } else { "them" }
            ),
            code: 1,
        });
    }
    let warnings = store::warnings(loaded, file, today);
    // Warnings go to stderr escaped, like every message (a value in the
    // file may hold control characters), and a closed stderr is no panic.
    let mut err = std::io::stderr().lock();
    for w in &warnings {
        let line = format!(
            "warning: {}
",
            crate::text::escape_controls(&w.to_string())
        );
        let _ = std::io::Write::write_all(&mut err, line.as_bytes());
    }
    drop(err);
    let observations: usize = t.targets.iter().map(|x| x.observations.len()).sum();
    let mut out = format!(
        "{}: ok — schema version {}, {}, {}, {}, {}, {}, {}, {} found verbatim",
        file.display(),
        t.schema_version,
        count(t.sources.len(), "source"),
        count(t.chains.len(), "chain"),
        count(t.areas.len(), "area"),
        count(t.projects.len(), "project"),
        count(t.targets.len(), "target"),
        count(observations, "observation"),
        count(quotes, "quote")
    );
    if !warnings.is_empty() {
        let _ = write!(out, "; {} (on stderr)", count(warnings.len(), "warning"));
    }
    // What a person knew before a report said it, counted apart, as are
    // the entries taken back (kept in the file, no longer counted).
    let on_notes = t.projects.iter().filter(|p| p.rests_on_note()).count()
        + t.targets.iter().filter(|x| x.rests_on_note()).count();
    if on_notes > 0 {
        let _ = write!(
            out,
            "\n{} on notes, no report cited yet (`cite` gives them their quote)",
            if on_notes == 1 {
                "1 record rests".to_string()
            } else {
                format!("{on_notes} records rest")
            }
        );
    }
    let retracted = retracted_entries(t);
    if retracted > 0 {
        let _ = write!(
            out,
            "\n{} (kept in the file, not counted; `show ID --all` lists them)",
            count(retracted, "retracted entry")
        );
    }
    if t.schema_version < SCHEMA_VERSION {
        let _ = write!(
            out,
            "\nnote: schema version {} — `shibei-tracker migrate` upgrades it to {SCHEMA_VERSION} (lossless)",
            t.schema_version
        );
    }
    out.push('\n');
    Ok(out)
}

/// Entries taken back: observations, history entries, milestones, marks
/// and slips.
fn retracted_entries(t: &crate::domain::Tracker) -> usize {
    let projects: usize = t
        .projects
        .iter()
        .map(|p| {
            p.history.iter().filter(|h| h.retracted.is_some()).count()
                + p.milestones
                    .iter()
                    .map(|m| {
                        usize::from(m.retracted.is_some())
                            + usize::from(m.mark_retracted.is_some())
                            + m.slipped_from
                                .iter()
                                .filter(|s| s.retracted.is_some())
                                .count()
                    })
                    .sum::<usize>()
        })
        .sum();
    let targets: usize = t
        .targets
        .iter()
        .map(|x| {
            x.observations
                .iter()
                .filter(|o| o.retracted.is_some())
                .count()
        })
        .sum();
    projects + targets
}

pub fn normalize(file: &Path) -> Outcome {
    let loaded = load(file)?;
    let before = loaded.text.clone();
    let comments = store::comment_lines(&before);
    if !comments.is_empty() {
        return Err(Failure::usage(
            store::SaveError::Comments(comments).describe(file),
        ));
    }
    let after = store::save(file, &loaded.tracker, &before)
        .map_err(|e| Failure::usage(e.describe(file)))?;
    Ok(if after == before {
        format!("{}: already in canonical form\n", file.display())
    } else {
        format!("{}: rewritten in canonical form\n", file.display())
    })
}

/// Upgrades a schema-1 file to schema 2: each `actual` becomes the first of
/// the target's `observations`, with its value, date, note, source and quote
/// unchanged. Nothing else in the file changes.
pub fn migrate(file: &Path) -> Outcome {
    let loaded = load(file)?;
    let from = loaded.tracker.schema_version;
    if from >= SCHEMA_VERSION {
        return Ok(format!(
            "{}: already schema version {from}: nothing to do\n",
            file.display()
        ));
    }
    let comments = store::comment_lines(&loaded.text);
    if !comments.is_empty() {
        return Err(Failure::usage(
            store::SaveError::Comments(comments).describe(file),
        ));
    }
    let mut t = loaded.tracker;
    t.schema_version = SCHEMA_VERSION;
    let moved = t
        .targets
        .iter()
        .filter(|x| !x.observations.is_empty())
        .count();
    // Version 2 wants each value to say where it comes from; a typed value
    // of version 1 may have no note, so it gets one saying just that.
    for o in t.targets.iter_mut().flat_map(|x| x.observations.iter_mut()) {
        if o.note.is_none() && o.quote.is_none() {
            o.note = Some("entered by hand before schema version 2 (no note given)".into());
        }
    }
    store::save(file, &t, &loaded.text).map_err(|e| Failure::usage(e.describe(file)))?;
    Ok(format!(
        "{}: migrated from schema version {from} to {SCHEMA_VERSION}: {moved} `actual` values are now `observations`; nothing else changed\n",
        file.display()
    ))
}
