//! `list`: projects, optionally filtered like the interface's `/`.

use super::output::{csv, json_text, table};
use super::{area_label, chain_label, load, Failure, Format, Outcome};
use crate::domain::labels::next_due;
use crate::domain::progress::{next_milestone, overdue_milestones};
use crate::domain::search::{Query, SearchIndex};
use crate::domain::*;
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::fmt::Write;
use std::path::Path;

/// "2022-12 预计年底建成 OVERDUE": the next milestone of a project, as the
/// interface shows it (`domain::labels::next_due`).
pub fn next_due_label(p: &Project, today: NaiveDate) -> String {
    match next_due(p, today) {
        Some((label, true)) => format!("{label} OVERDUE"),
        Some((label, false)) => label,
        None => String::new(),
    }
}

pub fn list(file: &Path, today: NaiveDate, format: Format, filter: Option<&str>) -> Outcome {
    let t = load(file)?.tracker;
    let order: Vec<usize> = match filter {
        Some(q) => {
            let index = SearchIndex::build(&t);
            let query = Query::parse(q);
            // `status:foo` or `chain:nosuch` would list nothing without saying why.
            let unknown = index.unknown_values(&query);
            if !unknown.is_empty() {
                let lines: Vec<String> = unknown.iter().map(|u| u.describe()).collect();
                return Err(Failure::usage(format!(
                    "{}\nnothing listed: fix the filter (statuses: {})",
                    lines.join("\n"),
                    Status::ALL.map(|s| s.id()).join(", ")
                )));
            }
            index
                .search_projects(&t, &query)
                .into_iter()
                .map(|h| h.index)
                .collect()
        }
        None => (0..t.projects.len()).collect(),
    };
    let projects: Vec<&Project> = order.iter().map(|&i| &t.projects[i]).collect();
    Ok(match format {
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
                    })
                })
                .collect();
            json_text(&Value::Array(items))
        }
        Format::Table | Format::Csv => {
            let headers = [
                "id",
                "name_zh",
                "name_en",
                "chain",
                "area",
                "status",
                "next_milestone",
            ];
            let rows: Vec<Vec<String>> = projects
                .iter()
                .map(|p| {
                    let (chain, area) = if format == Format::Csv {
                        (p.chain.clone(), p.area.clone().unwrap_or_default())
                    } else {
                        (chain_label(&t, &p.chain), area_label(&t, p.area.as_deref()))
                    };
                    vec![
                        p.id.clone(),
                        p.name_zh.clone(),
                        p.name_en.clone(),
                        chain,
                        area,
                        p.status.id().to_string(),
                        next_due_label(p, today),
                    ]
                })
                .collect();
            if format == Format::Csv {
                csv(&headers, &rows)
            } else {
                let mut out = table(&headers, &rows);
                let _ = writeln!(out, "{} of {} projects", projects.len(), t.projects.len());
                out
            }
        }
    })
}
