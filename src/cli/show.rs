//! `show`: one project or target with every field, history and quotes.

use super::output::json_text;
use super::{area_label, load, unknown_id, Outcome};
use crate::domain::labels::{goal_label, value_with_unit, MilestoneState};
use crate::domain::progress::{assess, overdue_milestones};
use crate::domain::*;
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::fmt::Write;
use std::path::Path;

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
            let state = MilestoneState::of(p, m, today).label();
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

pub fn target_cells(x: &Target, today: NaiveDate) -> (Progress, [String; 5]) {
    let pr = assess(x, today);
    let goal = goal_label(x);
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
