//! `validate` and `normalize`: checking and rewriting the file itself.

use super::{load, Failure, Outcome};
use crate::store;
use std::path::Path;

pub fn validate(file: &Path) -> Outcome {
    let loaded = load(file)?;
    let t = &loaded.tracker;
    let quotes: usize = t
        .projects
        .iter()
        .map(|p| {
            p.sources.len()
                + p.figures.len()
                + p.milestones.len()
                + p.history.iter().filter(|h| h.quote.is_some()).count()
        })
        .sum::<usize>()
        + t.targets
            .iter()
            .map(|x| {
                x.sources.len()
                    + usize::from(x.baseline.as_ref().is_some_and(|b| b.quote.is_some()))
                    + usize::from(x.actual.as_ref().is_some_and(|a| a.quote.is_some()))
            })
            .sum::<usize>();
    let comments = store::comment_lines(&loaded.text);
    if !comments.is_empty() {
        eprintln!(
            "warning: {}",
            store::SaveError::Comments(comments)
                .describe(file)
                .replace("not saved: ", "")
        );
    }
    Ok(format!(
        "{}: ok — {} sources, {} chains, {} areas, {} projects, {} targets, {} quotes found verbatim\n",
        file.display(),
        t.sources.len(),
        t.chains.len(),
        t.areas.len(),
        t.projects.len(),
        t.targets.len(),
        quotes
    ))
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
