//! `list`: projects, optionally filtered like the interface's `/`.

use super::output::{csv, fitted_table, json_text, push_note};
use super::{area_label, chain_label, tracker_to_read, Failure, Format, Outcome};
use crate::columns::{column, Column, PROJECT_NAME};
use crate::command::listing;
use crate::domain::labels::{count, marked_name, next_due, plural, NOTE_LEGEND};
use crate::domain::progress::{next_milestone, overdue_milestones};
use crate::domain::search::{Field, Query, SearchIndex};
use crate::domain::*;
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::fmt::Write;
use std::path::Path;

/// `list`'s table: the Chinese name, the status and the next milestone
/// kept; the chain and the area (short) before a long milestone text takes
/// more than its share; the long ids and the English names give way first
/// (every command also takes a name or pinyin; `--wide` or a pipe keeps
/// them).
const LIST_COLUMNS: [Column; 7] = [
    column("id", 64, 5, false, false),
    column("name_zh", 10, 0, true, true).ample(PROJECT_NAME),
    column("name_en", 16, 6, false, true),
    column("chain", 8, 3, false, false),
    column("area", 6, 4, false, false),
    column("status", 6, 1, true, false),
    column("next_milestone", 10, 2, true, true),
];

/// "! 2022-12 预计年底建成": the next milestone of a project as the
/// interface shows it (`domain::labels::next_due`), an overdue one marked
/// at its start so that no cut hides the mark.
pub fn next_due_label(p: &Project, today: NaiveDate) -> String {
    match next_due(p, today) {
        Some((label, true)) => format!("! {label}"),
        Some((label, false)) => label,
        None => String::new(),
    }
}

pub fn list(file: &Path, today: NaiveDate, format: Format, filter: Option<&str>) -> Outcome {
    let t = tracker_to_read(file)?;
    let order: Vec<usize> = match filter {
        Some(q) => {
            // Chains, areas and labels only: keys are built only for the
            // records whose letters leave a match possible.
            let index = SearchIndex::groups(t);
            let query = Query::parse(q);
            // `status:foo` or `chain:nosuch` would list nothing without saying why.
            let unknown = index.unknown_values(&query);
            if !unknown.is_empty() {
                let mut msg: Vec<String> = unknown.iter().map(|u| u.describe()).collect();
                msg.push("nothing listed: fix the filter".into());
                // What a word with nothing to suggest may name: of its kind.
                let mut kinds: Vec<Field> = Vec::new();
                for u in unknown.iter().filter(|u| u.suggestions.is_empty()) {
                    if !kinds.contains(&u.field) {
                        kinds.push(u.field);
                        msg.push(listing(
                            &format!("{}:", plural(u.field.prefix())),
                            &index.known_values(u.field),
                        ));
                    }
                }
                return Err(Failure::usage(msg.join("\n")));
            }
            SearchIndex::search_projects_once(t, &query)
                .into_iter()
                .map(|h| h.index)
                .collect()
        }
        None => (0..t.projects.len()).collect(),
    };
    let projects: Vec<&Project> = order.iter().map(|&i| &t.projects[i]).collect();
    let out = match format {
        Format::Json => {
            let items: Vec<Value> = projects
                .iter()
                .map(|p| {
                    let overdue: Vec<Value> = overdue_milestones(p, today)
                        .iter()
                        .map(|m| json!({"due": m.due.to_string(), "expect": m.expect, "text": m.text}))
                        .collect();
                    json!({
                        "id": p.id, "name_zh": p.name_zh, "name_en": p.name_en,
                        "chain": p.chain, "area": p.area, "parent": p.parent, "status": p.status,
                        "next_milestone": next_milestone(p).map(|(_, m)| json!({"due": m.due.to_string(), "expect": m.expect, "text": m.text})),
                        "overdue_milestones": overdue,
                        "evidence": super::evidence_kind(&p.sources),
                    })
                })
                .collect();
            json_text(&Value::Array(items))
        }
        Format::Csv => {
            let headers = [
                "id",
                "name_zh",
                "name_en",
                "chain",
                "area",
                "status",
                "next_due",
                "next_milestone",
                "overdue",
                "evidence",
            ];
            let rows: Vec<Vec<String>> = projects
                .iter()
                .map(|p| {
                    let next = next_milestone(p).map(|(_, m)| m);
                    vec![
                        p.id.clone(),
                        p.name_zh.clone(),
                        p.name_en.clone(),
                        p.chain.clone(),
                        p.area.clone().unwrap_or_default(),
                        p.status.id().to_string(),
                        next.map_or(String::new(), |m| m.due.to_string()),
                        next.map_or(String::new(), |m| m.text.clone()),
                        next_due(p, today).map_or(String::new(), |(_, late)| late.to_string()),
                        super::evidence_kind(&p.sources).to_string(),
                    ]
                })
                .collect();
            csv(&headers, &rows)
        }
        Format::Table { width } => {
            // Borrowed where the tracker holds the text: a city-scale list
            // is megabytes.
            let rows: Vec<Vec<Cow<str>>> = projects
                .iter()
                .map(|p| {
                    vec![
                        Cow::Borrowed(p.id.as_str()),
                        if p.sources.is_empty() {
                            Cow::Owned(marked_name(&p.name_zh, true))
                        } else {
                            Cow::Borrowed(p.name_zh.as_str())
                        },
                        Cow::Borrowed(p.name_en.as_str()),
                        Cow::Owned(chain_label(t, &p.chain)),
                        Cow::Owned(area_label(t, p.area.as_deref())),
                        // As the interface says it; CSV and JSON keep the id.
                        Cow::Borrowed(p.status.label_zh()),
                        Cow::Owned(next_due_label(p, today)),
                    ]
                })
                .collect();
            let overdue = projects
                .iter()
                .filter(|p| next_due(p, today).is_some_and(|(_, late)| late))
                .count();
            let mut out = fitted_table(&LIST_COLUMNS, &rows, width);
            let mut tally = format!(
                "{} of {}",
                projects.len(),
                count(t.projects.len(), "project")
            );
            if overdue > 0 {
                let _ = write!(tally, "; ! marks an overdue milestone ({overdue})");
            }
            let on_notes = projects.iter().filter(|p| p.sources.is_empty()).count();
            if on_notes > 0 {
                let _ = write!(tally, "; {NOTE_LEGEND} ({on_notes})");
            }
            push_note(&mut out, &tally, width);
            out
        }
    };
    Ok(out)
}
