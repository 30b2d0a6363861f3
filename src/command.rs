//! What every command (the `cli` ones and the `report` briefing) shares:
//! loading the file with located errors, failures carrying an exit code,
//! and the "unknown id, did you mean" message.

use crate::domain::search::{similar_chinese, Query, SearchIndex};
use crate::domain::suggest::closest;
use crate::domain::{ProgressState, Tracker};
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

/// `load` for a command that reads and then ends the process: the tracker
/// is kept to the end instead of being freed piece by piece (millions of
/// small allocations at city scale, which the allocator coalesces slowly;
/// the system takes the memory back at once on exit). Not for the
/// interface or anything that loads more than once.
pub fn load_to_read(file: &Path) -> Result<&'static Loaded, Failure> {
    Ok(Box::leak(Box::new(load(file)?)))
}

/// `load_to_read` for a command that needs the tracker but not the file's
/// text (a cached tracker is then read without holding the file).
pub fn tracker_to_read(file: &Path) -> Result<&'static Tracker, Failure> {
    let t = store::load_tracker(file).map_err(|problems| failure(file, problems))?;
    Ok(Box::leak(Box::new(t)))
}

pub fn load(file: &Path) -> Result<Loaded, Failure> {
    store::load(file).map_err(|problems| failure(file, problems))
}

/// The problems that stopped a load, as the command's failure.
fn failure(file: &Path, problems: Vec<store::Problem>) -> Failure {
    // A file that is not there: that alone (there was nothing to change).
    if let [only] = &problems[..] {
        if only.position.is_none() && !file.exists() {
            return Failure::usage(only.to_string());
        }
    }
    let mut msg: String = problems.iter().map(|p| format!("{p}\n")).collect();
    let n = problems.len();
    let _ = write!(
        msg,
        "{n} problem{} in {}; nothing was changed",
        if n == 1 { "" } else { "s" },
        file.display()
    );
    Failure::usage(msg)
}

pub use crate::domain::labels::listing;

pub fn unknown_id(kind: &str, id: &str, known: Vec<&str>) -> Failure {
    let near = closest(id, known.iter().copied());
    let hint = if near.is_empty() && kind == "chain" {
        format!("known chains: {}", known.join(", "))
    } else if near.is_empty() {
        "run `shibei-tracker list` (projects) or `shibei-tracker progress` (targets) to see the ids"
            .to_string()
    } else {
        let near: Vec<String> = near
            .into_iter()
            .map(crate::domain::suggest::ticked)
            .collect();
        crate::domain::suggest::did_you_mean(&near)
    };
    Failure::usage(format!("unknown {kind} id \"{id}\" — {hint}"))
}

/// A status that names none (see `labels::unknown_status`).
pub fn unknown_status(typed: &str) -> Failure {
    Failure::usage(crate::domain::labels::unknown_status(typed))
}

/// A record a person named on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Project(usize),
    Target(usize),
}

fn same(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Finds the project or target `text` names: its id, its name in Chinese
/// or English (any case), an alias, else the interface's search (pinyin,
/// words) when that finds exactly one. `kinds` says which records count.
/// A miss or an ambiguous search names the candidates, found the same way.
pub fn resolve(t: &Tracker, text: &str, projects: bool, targets: bool) -> Result<Named, Failure> {
    let kind = match (projects, targets) {
        (true, false) => "project",
        (false, true) => "target",
        _ => "project or target",
    };
    let exact = |f: &dyn Fn(&str) -> bool| -> Vec<Named> {
        let mut v = Vec::new();
        if projects {
            v.extend(
                t.projects
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| {
                        f(&p.id) || f(&p.name_zh) || f(&p.name_en) || p.aliases.iter().any(|a| f(a))
                    })
                    .map(|(i, _)| Named::Project(i)),
            );
        }
        if targets {
            v.extend(
                t.targets
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| f(&x.id) || f(&x.metric_zh) || f(&x.metric_en))
                    .map(|(i, _)| Named::Target(i)),
            );
        }
        v
    };
    // An id first (ids are unique), then a whole name.
    if let [one] = exact(&|s: &str| s == text.trim())[..] {
        return Ok(one);
    }
    let by_name = exact(&|s: &str| same(s, text));
    if let [one] = by_name[..] {
        return Ok(one);
    }
    // The interface's search: pinyin, initials, words.
    let q = Query::parse(text);
    let mut found: Vec<(i64, Named)> = Vec::new();
    if projects {
        found.extend(
            SearchIndex::search_projects_once(t, &q)
                .into_iter()
                .map(|h| (h.score, Named::Project(h.index))),
        );
    }
    if targets {
        let states: Vec<ProgressState> = t.targets.iter().map(|_| ProgressState::NoData).collect();
        found.extend(
            SearchIndex::search_targets_once(t, &q, &states)
                .into_iter()
                .map(|h| (h.score, Named::Target(h.index))),
        );
    }
    found.sort_by_key(|(s, _)| std::cmp::Reverse(*s));
    if by_name.is_empty() && found.len() == 1 {
        return Ok(found[0].1);
    }
    let label = |n: Named| match n {
        Named::Project(i) => t
            .projects
            .get(i)
            .map(|p| format!("`{}` {}", p.id, p.name_zh)),
        Named::Target(i) => t
            .targets
            .get(i)
            .map(|x| format!("`{}` {} ({})", x.id, x.metric_zh, x.period.label())),
    };
    let candidates: Vec<String> = if by_name.is_empty() {
        found
            .iter()
            .filter_map(|(_, n)| label(*n))
            .take(6)
            .collect()
    } else {
        by_name.iter().filter_map(|n| label(*n)).take(6).collect()
    };
    if candidates.is_empty() {
        // Typed in Chinese with a slip: the names nearest by characters
        // and pinyin (人和鹿 -> 人和路...).
        let records: Vec<Named> = (0..t.projects.len())
            .filter(|_| projects)
            .map(Named::Project)
            .chain((0..t.targets.len()).filter(|_| targets).map(Named::Target))
            .collect();
        let names: Vec<&str> = records
            .iter()
            .map(|&n| match n {
                Named::Project(i) => t.projects[i].name_zh.as_str(),
                Named::Target(i) => t.targets[i].metric_zh.as_str(),
            })
            .collect();
        let near: Vec<String> = similar_chinese(text, &names)
            .into_iter()
            .filter_map(|k| label(records[k]))
            .collect();
        if !near.is_empty() {
            return Err(Failure::usage(format!(
                "unknown {kind} \"{text}\" — did you mean one of these?\n  {}",
                near.join("\n  ")
            )));
        }
        let ids: Vec<&str> = t
            .projects
            .iter()
            .filter(|_| projects)
            .map(|p| p.id.as_str())
            .chain(t.targets.iter().filter(|_| targets).map(|x| x.id.as_str()))
            .collect();
        return Err(unknown_id(kind, text, ids));
    }
    let more = found
        .len()
        .max(by_name.len())
        .saturating_sub(candidates.len());
    let more = if more > 0 {
        format!("\n  … and {more} more: narrow it down")
    } else {
        String::new()
    };
    Err(Failure::usage(format!(
        "\"{text}\" could be more than one {kind} — give one of these ids:\n  {}{more}",
        candidates.join("\n  ")
    )))
}

/// Finds the chain `text` names: its id, its name in Chinese or English,
/// else the one chain a search (pinyin, words) finds. A miss lists them.
pub fn resolve_chain(t: &Tracker, text: &str) -> Result<usize, Failure> {
    if let Some(i) = t
        .chains
        .iter()
        .position(|c| c.id == text.trim() || same(&c.name_zh, text) || same(&c.name_en, text))
    {
        return Ok(i);
    }
    let found = SearchIndex::groups(t).filter_chains(text);
    if let [one] = found[..] {
        return Ok(one);
    }
    let list = |ix: &mut dyn Iterator<Item = usize>| {
        ix.filter_map(|i| t.chains.get(i))
            .map(|c| format!("`{}` {}", c.id, c.name_zh))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if found.is_empty() {
        // In Chinese by characters and pinyin (现代金触 -> 现代金融), else
        // by the ids' spelling; the whole list only when nothing is near.
        let names: Vec<&str> = t.chains.iter().map(|c| c.name_zh.as_str()).collect();
        let mut near = similar_chinese(text, &names);
        if near.is_empty() {
            near = closest(text, t.chains.iter().map(|c| c.id.as_str()))
                .into_iter()
                .filter_map(|id| t.chains.iter().position(|c| c.id == id))
                .collect();
        }
        if near.is_empty() {
            let all: Vec<String> = t
                .chains
                .iter()
                .map(|c| format!("`{}` {}", c.id, c.name_zh))
                .collect();
            return Err(Failure::usage(format!(
                "unknown chain \"{text}\"\n{}",
                listing("known chains:", &all)
            )));
        }
        Err(Failure::usage(format!(
            "unknown chain \"{text}\" — did you mean {}?",
            list(&mut near.into_iter())
        )))
    } else {
        Err(Failure::usage(format!(
            "\"{text}\" could be more than one chain: {}",
            list(&mut found.into_iter())
        )))
    }
}

/// The id of the project `text` names (see `resolve`).
pub fn project_id(t: &Tracker, text: &str) -> Result<String, Failure> {
    match resolve(t, text, true, false)? {
        Named::Project(i) => Ok(t.projects[i].id.clone()),
        Named::Target(i) => Ok(t.targets[i].id.clone()),
    }
}

/// The id of the target `text` names (see `resolve`).
pub fn target_id(t: &Tracker, text: &str) -> Result<String, Failure> {
    match resolve(t, text, false, true)? {
        Named::Project(i) => Ok(t.projects[i].id.clone()),
        Named::Target(i) => Ok(t.targets[i].id.clone()),
    }
}
