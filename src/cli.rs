//! The non-interactive commands. Each returns the text for stdout or a
//! failure carrying the message for stderr and the exit code.

use crate::domain::edit::{apply, Edit};
use crate::domain::progress::{assess, next_milestone, overdue_milestones};
use crate::domain::search::{Matcher, Query, SearchIndex};
use crate::domain::suggest::closest;
use crate::domain::*;
use crate::store::{self, Loaded};
use crate::text::{pad, width};
use chrono::NaiveDate;
use serde_json::{json, Value};
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

/// A plain text table whose columns line up with double-width characters.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(width(c));
        }
    }
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
        let last = cells.len() - 1;
        for (i, c) in cells.iter().enumerate() {
            if i == last {
                out.push_str(c);
            } else {
                out.push_str(&pad(c, widths[i]));
                out.push_str("  ");
            }
        }
        out.push('\n');
    };
    line(headers.to_vec(), &mut out);
    line(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .iter()
            .map(|s| s.as_str())
            .collect(),
        &mut out,
    );
    for r in rows {
        line(r.iter().map(|s| s.as_str()).collect(), &mut out);
    }
    out
}

fn csv(headers: &[&str], rows: &[Vec<String>]) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = headers
        .iter()
        .map(|h| field(h))
        .collect::<Vec<_>>()
        .join(",")
        + "\n";
    for r in rows {
        out += &(r.iter().map(|c| field(c)).collect::<Vec<_>>().join(",") + "\n");
    }
    out
}

fn json_text(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

fn chain_label(t: &Tracker, id: &str) -> String {
    t.chain(id)
        .map(|c| c.name_zh.clone())
        .unwrap_or_else(|| id.to_string())
}

fn area_label(t: &Tracker, id: Option<&str>) -> String {
    id.map(|a| {
        t.area(a)
            .map(|x| x.name_zh.clone())
            .unwrap_or_else(|| a.to_string())
    })
    .unwrap_or_default()
}

/// "2023 已建成 (overdue)" for the next milestone of a project.
pub fn next_due_label(p: &Project, today: NaiveDate) -> String {
    match next_milestone(p) {
        Some((_, m)) => {
            let late = if progress::is_overdue(p, m, today) {
                " OVERDUE"
            } else {
                ""
            };
            format!("{} {}{late}", m.due, m.expect.label_zh())
        }
        None => String::new(),
    }
}

pub fn list(file: &Path, today: NaiveDate, format: Format, filter: Option<&str>) -> Outcome {
    let t = load(file)?.tracker;
    let order: Vec<usize> = match filter {
        Some(q) => SearchIndex::build(&t)
            .filter_projects(&t, &Matcher::default(), &Query::parse(q))
            .into_iter()
            .map(|h| h.index)
            .collect(),
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

fn quote_line(t: &Tracker, source: &str, quote: &str) -> String {
    match t.source(source) {
        Some(s) => format!(
            "「{quote}」 — {} ({}, {})",
            s.title,
            s.outlet.as_deref().unwrap_or("outlet unknown"),
            s.published
        ),
        None => format!("「{quote}」 — {source}"),
    }
}

pub fn show(file: &Path, today: NaiveDate, id: &str, as_json: bool) -> Outcome {
    let t = load(file)?.tracker;
    if let Some(p) = t.project(id) {
        if as_json {
            let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
            v["overdue_milestones"] = json!(overdue_milestones(p, today)
                .iter()
                .map(|m| m.due.to_string())
                .collect::<Vec<_>>());
            return Ok(json_text(&v));
        }
        return Ok(project_text(&t, p, today));
    }
    if let Some(x) = t.target(id) {
        if as_json {
            let mut v = serde_json::to_value(x).unwrap_or(Value::Null);
            v["progress"] = serde_json::to_value(assess(x, today)).unwrap_or(Value::Null);
            return Ok(json_text(&v));
        }
        return Ok(target_text(&t, x, today));
    }
    let ids: Vec<&str> = t
        .projects
        .iter()
        .map(|p| p.id.as_str())
        .chain(t.targets.iter().map(|x| x.id.as_str()))
        .collect();
    Err(unknown_id("project or target", id, ids))
}

pub fn project_text(t: &Tracker, p: &Project, today: NaiveDate) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}  {}", p.name_zh, p.name_en);
    let _ = writeln!(o, "id:       {}", p.id);
    if !p.aliases.is_empty() {
        let _ = writeln!(o, "aliases:  {}", p.aliases.join(", "));
    }
    let chain = t
        .chain(&p.chain)
        .map(|c| format!("{} {} ({})", c.name_zh, c.name_en, c.id))
        .unwrap_or(p.chain.clone());
    let _ = writeln!(o, "chain:    {chain}");
    if let Some(a) = p.area.as_deref() {
        let area = t
            .area(a)
            .map(|x| format!("{} {} ({})", x.name_zh, x.name_en, x.id))
            .unwrap_or(a.to_string());
        let _ = writeln!(o, "area:     {area}");
    }
    if let Some(parent) = p.parent.as_deref() {
        let name = t.project(parent).map(|x| x.name_zh.as_str()).unwrap_or("");
        let _ = writeln!(o, "part of:  {name} ({parent})");
    }
    let _ = writeln!(
        o,
        "status:   {} {} ({})",
        p.status.label_zh(),
        p.status.label_en(),
        p.status.id()
    );
    if let Some(n) = &p.note {
        let _ = writeln!(o, "note:     {n}");
    }
    if !p.figures.is_empty() {
        let _ = writeln!(o, "\nFigures");
        for f in &p.figures {
            let _ = writeln!(
                o,
                "  {} {} — {}",
                format_number(f.value),
                f.unit,
                f.measures
            );
            let _ = writeln!(o, "    {}", quote_line(t, &f.source, &f.quote));
        }
    }
    if !p.milestones.is_empty() {
        let _ = writeln!(o, "\nMilestones");
        for m in &p.milestones {
            let state = match m.reached {
                Some(d) => format!("reached {d}"),
                None if progress::is_overdue(p, m, today) => "OVERDUE".to_string(),
                None if p.status.has_reached(m.expect) => "reached".to_string(),
                None => "open".to_string(),
            };
            let _ = writeln!(
                o,
                "  due {}  expect {}  {}  [{state}]",
                m.due,
                m.expect.id(),
                m.text
            );
            let _ = writeln!(o, "    {}", quote_line(t, &m.source, &m.quote));
        }
    }
    if !p.history.is_empty() {
        let _ = writeln!(o, "\nHistory");
        let mut hist: Vec<&HistoryEntry> = p.history.iter().collect();
        hist.sort_by_key(|h| h.date);
        for h in hist {
            let status = h.status.map(|s| format!("{} ", s.id())).unwrap_or_default();
            let _ = writeln!(o, "  {}  {status}{}", h.date, h.note);
            if let (Some(s), Some(q)) = (&h.source, &h.quote) {
                let _ = writeln!(o, "    {}", quote_line(t, s, q));
            }
        }
    }
    let _ = writeln!(o, "\nSources");
    for e in &p.sources {
        let _ = writeln!(o, "  {}", quote_line(t, &e.source, &e.quote));
    }
    o
}

fn value_with_unit(v: f64, unit: &str) -> String {
    format!("{}{}", format_number(v), unit)
}

pub fn target_cells(x: &Target, today: NaiveDate) -> (Progress, [String; 5]) {
    let pr = assess(x, today);
    let goal = match (x.comparator, x.target) {
        (Some(c), Some(v)) => format!("{} {}", c.symbol(), value_with_unit(v, &x.unit)),
        _ => String::new(),
    };
    let base = x
        .baseline
        .as_ref()
        .map(|b| format!("{} ({})", value_with_unit(b.value, &x.unit), b.date))
        .unwrap_or_default();
    let actual = x
        .actual
        .as_ref()
        .map(|a| format!("{} ({})", value_with_unit(a.value, &x.unit), a.date))
        .unwrap_or_default();
    let percent = pr.percent.map(|p| format!("{p:.0}%")).unwrap_or_default();
    (pr, [goal, base, actual, percent, x.period.label()])
}

pub fn target_text(t: &Tracker, x: &Target, today: NaiveDate) -> String {
    let (pr, [goal, base, actual, percent, period]) = target_cells(x, today);
    let mut o = String::new();
    let _ = writeln!(o, "{}  {}", x.metric_zh, x.metric_en);
    let _ = writeln!(o, "id:        {}", x.id);
    let _ = writeln!(
        o,
        "chain:     {}",
        t.chain(&x.chain)
            .map(|c| format!("{} {} ({})", c.name_zh, c.name_en, c.id))
            .unwrap_or(x.chain.clone())
    );
    if let Some(a) = x.area.as_deref() {
        let _ = writeln!(o, "area:      {}", area_label(t, Some(a)));
    }
    let _ = writeln!(o, "period:    {period}");
    if !goal.is_empty() {
        let _ = writeln!(
            o,
            "target:    {goal}{}",
            if x.measure == Measure::Flow {
                " (counted afresh each period)"
            } else {
                ""
            }
        );
    }
    if !base.is_empty() {
        let _ = writeln!(o, "baseline:  {base}");
    }
    let _ = writeln!(
        o,
        "actual:    {}",
        if actual.is_empty() {
            "not recorded"
        } else {
            &actual
        }
    );
    if let Some(n) = x.actual.as_ref().and_then(|a| a.note.as_ref()) {
        let _ = writeln!(o, "           note: {n}");
    }
    if !percent.is_empty() {
        let _ = writeln!(o, "progress:  {percent}");
    }
    let _ = writeln!(
        o,
        "state:     {} {} ({})",
        pr.state.label_zh(),
        pr.state.label_en(),
        pr.state.id()
    );
    if let Some(n) = &x.note {
        let _ = writeln!(o, "note:      {n}");
    }
    let _ = writeln!(o, "\nSources");
    for e in &x.sources {
        let _ = writeln!(o, "  {}", quote_line(t, &e.source, &e.quote));
    }
    for (label, ev) in [
        (
            "baseline",
            x.baseline
                .as_ref()
                .and_then(|b| b.source.as_ref().zip(b.quote.as_ref())),
        ),
        (
            "actual",
            x.actual
                .as_ref()
                .and_then(|a| a.source.as_ref().zip(a.quote.as_ref())),
        ),
    ] {
        if let Some((s, q)) = ev {
            let _ = writeln!(o, "  ({label}) {}", quote_line(t, s, q));
        }
    }
    o
}

pub fn progress(file: &Path, today: NaiveDate, chain: Option<&str>, format: Format) -> Outcome {
    let t = load(file)?.tracker;
    if let Some(c) = chain {
        if t.chain(c).is_none() {
            return Err(unknown_id(
                "chain",
                c,
                t.chains.iter().map(|c| c.id.as_str()).collect(),
            ));
        }
    }
    let targets: Vec<&Target> = t
        .targets
        .iter()
        .filter(|x| chain.is_none_or(|c| x.chain == c))
        .collect();
    if format == Format::Json {
        let items: Vec<Value> = targets
            .iter()
            .map(|x| {
                let pr = assess(x, today);
                json!({
                    "id": x.id, "metric_zh": x.metric_zh, "metric_en": x.metric_en, "chain": x.chain,
                    "period": x.period, "comparator": x.comparator, "target": x.target, "unit": x.unit,
                    "measure": x.measure,
                    "baseline": x.baseline.as_ref().map(|b| json!({"value": b.value, "date": b.date.to_string()})),
                    "actual": x.actual.as_ref().map(|a| json!({"value": a.value, "date": a.date.to_string()})),
                    "percent": pr.percent, "state": pr.state, "days_left": pr.days_left,
                })
            })
            .collect();
        return Ok(json_text(&Value::Array(items)));
    }
    let headers = [
        "id",
        "metric_zh",
        "metric_en",
        "chain",
        "period",
        "target",
        "baseline",
        "actual",
        "percent",
        "state",
    ];
    let rows: Vec<Vec<String>> = targets
        .iter()
        .map(|x| {
            let (pr, [goal, base, actual, percent, period]) = target_cells(x, today);
            let chain = if format == Format::Csv {
                x.chain.clone()
            } else {
                chain_label(&t, &x.chain)
            };
            vec![
                x.id.clone(),
                x.metric_zh.clone(),
                x.metric_en.clone(),
                chain,
                period,
                goal,
                base,
                actual,
                percent,
                pr.state.id().to_string(),
            ]
        })
        .collect();
    Ok(if format == Format::Csv {
        csv(&headers, &rows)
    } else {
        table(&headers, &rows)
    })
}

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

/// Parses a user-typed number: digits, an optional sign and decimals.
pub fn parse_value(s: &str) -> Result<f64, String> {
    let s = s.trim().replace([',', '_'], "");
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || ".-+eE".contains(c)) => Ok(v),
        _ => Err(format!("\"{s}\" is not a number: write digits, optionally with a decimal point (e.g. 35 or 1.2)")),
    }
}

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

pub use crate::report::report_command as report;
