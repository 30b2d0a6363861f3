//! `show`: one project or target with every field, history and quotes.

use super::output::{json_text, table};
use super::{area_label, tracker_to_read, unknown_id, Outcome};
use crate::command::{resolve, Named};
use crate::domain::labels::by_label;
use crate::domain::labels::{count, goal_label, percent_label, value_with_unit, MilestoneState};
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

/// What a record rests on, for JSON: "quote" (a report cited) or "note".
pub fn evidence_kind(sources: &[Evidence]) -> &'static str {
    if sources.is_empty() {
        "note"
    } else {
        "quote"
    }
}

/// " [retracted 2026-12-04 (by 王伟): typed 25000 for 2.5]" after an
/// entry taken back, shown with `show --all`.
fn retracted_label(r: Option<&Retraction>) -> String {
    r.map_or(String::new(), |r| {
        format!(
            "  [retracted {}{}: {}]",
            r.date,
            crate::domain::labels::by_inline(r.by.as_deref()),
            r.reason
        )
    })
}

/// Whether an entry taken back (`r`) is left out: unless `all`.
fn hidden(r: Option<&Retraction>, all: bool) -> bool {
    r.is_some() && !all
}

pub fn show(file: &Path, today: NaiveDate, id: &str, as_json: bool, all: bool) -> Outcome {
    let t = tracker_to_read(file)?;
    // An id, a name or pinyin; an ambiguous one lists the candidates.
    let named = resolve(t, id, true, true)?;
    if let Named::Project(i) = named {
        let p = &t.projects[i];
        if as_json {
            let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
            v["overdue_milestones"] = json!(overdue_milestones(p, today)
                .iter()
                .map(|m| m.due.to_string())
                .collect::<Vec<_>>());
            v["slips"] = json!(p
                .milestones
                .iter()
                .filter_map(|m| m.slip_label().map(|l| json!({"text": m.text, "slip": l})))
                .collect::<Vec<_>>());
            v["evidence"] = json!(evidence_kind(&p.sources));
            return Ok(json_text(&v));
        }
        return Ok(project_text_all(t, p, today, all));
    }
    if let Named::Target(i) = named {
        let x = &t.targets[i];
        if as_json {
            let mut v = serde_json::to_value(x).unwrap_or(Value::Null);
            v["progress"] = serde_json::to_value(assess(x, today)).unwrap_or(Value::Null);
            v["series"] = match &x.metric {
                Some(m) => series_json(t, m),
                None => Value::Array(vec![]),
            };
            v["evidence"] = json!(evidence_kind(&x.sources));
            return Ok(json_text(&v));
        }
        return Ok(target_text_all(t, x, today, all));
    }
    Err(unknown_id("project or target", id, Vec::new()))
}

pub fn project_text(t: &Tracker, p: &Project, today: NaiveDate) -> String {
    project_text_all(t, p, today, false)
}

/// How many entries were taken back and are not shown, said once.
fn hidden_note(o: &mut String, n: usize) {
    if n > 0 {
        let _ = writeln!(
            o,
            "\n({} not shown: `show ID --all` lists them, numbered)",
            count(n, "retracted entry")
        );
    }
}

/// What a record no report states yet rests on.
fn noted_text(o: &mut String, n: Option<&Noted>, cited: bool) {
    if let Some(n) = n {
        let head = if cited {
            "first entered from a note"
        } else {
            "rests on a note, no report cited yet"
        };
        let _ = writeln!(
            o,
            "  ({head}: {}{}) {}",
            n.date,
            crate::domain::labels::by_inline(n.by.as_deref()),
            indented(&n.note, 4)
        );
    }
}

/// `#3 ` before an entry, with `--all`: the number `retract` and `cite` take.
fn number(all: bool, n: String) -> String {
    if all {
        format!("#{n} ")
    } else {
        String::new()
    }
}

/// `show` of a project; with `all`, retracted entries too, and every
/// entry numbered as `retract` and `cite` name it.
pub fn project_text_all(t: &Tracker, p: &Project, today: NaiveDate, all: bool) -> String {
    let mut hidden_count = 0;
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
        let _ = writeln!(o, "note:     {}", indented(n, 10));
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
    if p.milestones.iter().any(|m| all || m.stands()) {
        let _ = writeln!(o, "\nMilestones");
        for (i, m) in p.milestones.iter().enumerate() {
            if hidden(m.retracted.as_deref(), all) {
                hidden_count += 1;
                continue;
            }
            let mut state = if m.stands() {
                MilestoneState::of(p, m, today).label()
            } else {
                "taken back".to_string()
            };
            if let Some(slip) = m.slip_label() {
                state.push_str("; ");
                state.push_str(&slip);
            }
            let _ = writeln!(
                o,
                "  {}due {}  expect {}  {}  [{state}]{}{}",
                number(all, i.to_string()),
                m.due,
                // As the interface's detail pane says it.
                m.expect.label_en(),
                m.text,
                by_label(m.by.as_deref()),
                retracted_label(m.retracted.as_deref())
            );
            match (&m.source, &m.quote) {
                (Some(src), Some(q)) => {
                    let _ = writeln!(o, "    {}", quote_line(t, src, q));
                }
                _ => {
                    if let Some(n) = &m.note {
                        let _ = writeln!(o, "    note: {}", indented(n, 10));
                    }
                }
            }
            if let (Some(r), Some(b)) = (m.reached, m.reached_by.as_deref()) {
                if hidden(m.mark_retracted.as_deref(), all) {
                    hidden_count += 1;
                } else {
                    let _ = writeln!(
                        o,
                        "    {}marked reached {r}{}{}",
                        number(all, format!("mark {i}")),
                        by_label(Some(b)),
                        retracted_label(m.mark_retracted.as_deref())
                    );
                }
            }
            for (k, sl) in m.slipped_from.iter().enumerate() {
                if hidden(sl.retracted.as_deref(), all) {
                    hidden_count += 1;
                    continue;
                }
                let why = match (&sl.source, &sl.quote) {
                    (Some(src), Some(q)) => quote_line(t, src, q),
                    _ => sl.note.clone().unwrap_or_default(),
                };
                let _ = writeln!(
                    o,
                    "    {}was due {}: {why}{}{}",
                    number(all, format!("slip {i}.{k}")),
                    sl.due,
                    by_label(sl.by.as_deref()),
                    retracted_label(sl.retracted.as_deref())
                );
            }
        }
    }
    if p.history.iter().any(|h| all || h.stands()) {
        let _ = writeln!(o, "\nHistory");
        let mut hist: Vec<(usize, &HistoryEntry)> = p.history.iter().enumerate().collect();
        hist.sort_by_key(|(_, h)| h.date);
        for (i, h) in hist {
            if hidden(h.retracted.as_deref(), all) {
                hidden_count += 1;
                continue;
            }
            let status = h
                .status
                .map(|s| format!("{} ", s.label_zh()))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "  {}{}  {status}{}{}{}",
                number(all, i.to_string()),
                h.date,
                indented(&h.note, 4),
                by_label(h.by.as_deref()),
                retracted_label(h.retracted.as_deref())
            );
            if let (Some(s), Some(q)) = (&h.source, &h.quote) {
                let _ = writeln!(o, "    {}", quote_line(t, s, q));
            }
        }
    }
    let _ = writeln!(o, "\nSources");
    for e in &p.sources {
        let _ = writeln!(o, "  {}", quote_line(t, &e.source, &e.quote));
    }
    noted_text(&mut o, p.noted.as_deref(), !p.sources.is_empty());
    hidden_note(&mut o, hidden_count);
    o
}

pub fn target_cells(x: &Target, today: NaiveDate) -> (Progress, [String; 5]) {
    let pr = assess(x, today);
    let actual = pr.value_label(&x.unit).unwrap_or_default();
    let percent = percent_cell(&pr);
    (
        pr,
        [
            goal_label(x),
            baseline_label(x),
            actual,
            percent,
            x.period.label(),
        ],
    )
}

/// "120家 (2020)", or empty without a baseline.
pub fn baseline_label(x: &Target) -> String {
    x.baseline
        .as_ref()
        .map(|b| format!("{} ({})", value_with_unit(b.value, &x.unit), b.date))
        .unwrap_or_default()
}

pub fn percent_cell(pr: &Progress) -> String {
    pr.percent.map(percent_label).unwrap_or_default()
}

pub fn target_text(t: &Tracker, x: &Target, today: NaiveDate) -> String {
    target_text_all(t, x, today, false)
}

/// `show` of a goal or result; with `all`, retracted values too, numbered.
pub fn target_text_all(t: &Tracker, x: &Target, today: NaiveDate, all: bool) -> String {
    let mut hidden_count = 0;
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
    if let Some(age) = pr.age_label() {
        let _ = writeln!(o, "           {age}");
    }
    if pr.interim {
        let _ = writeln!(
            o,
            "           the period is over and this value predates its end: interim, not the outcome"
        );
    }
    if pr.future_ignored > 0 {
        let _ = writeln!(
            o,
            "           {} dated after today ignored",
            count(pr.future_ignored, "observation")
        );
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
        let _ = writeln!(o, "note:      {}", indented(n, 11));
    }
    let _ = writeln!(o, "\nSources");
    for e in &x.sources {
        let _ = writeln!(o, "  {}", quote_line(t, &e.source, &e.quote));
    }
    noted_text(&mut o, x.noted.as_deref(), !x.sources.is_empty());
    if let Some((src, q)) = x
        .baseline
        .as_ref()
        .and_then(|b| b.source.as_ref().zip(b.quote.as_ref()))
    {
        let _ = writeln!(o, "  (baseline) {}", quote_line(t, src, q));
    }
    if x.observations.iter().any(|ob| all || ob.stands()) {
        let _ = writeln!(o, "\nObservations (newest first)");
        for (i, ob) in x.observations.iter().enumerate().rev() {
            if hidden(ob.retracted.as_deref(), all) {
                hidden_count += 1;
                continue;
            }
            let future = if ob.is_future(today) && ob.stands() {
                "  [after today: ignored]"
            } else {
                ""
            };
            let _ = writeln!(
                o,
                "  {}{}  {}{future}{}{}",
                number(all, i.to_string()),
                ob.date,
                value_with_unit(ob.value, &x.unit),
                by_label(ob.by.as_deref()),
                retracted_label(ob.retracted.as_deref())
            );
            match (&ob.source, &ob.quote) {
                (Some(src), Some(q)) => {
                    let _ = writeln!(o, "    {}", quote_line(t, src, q));
                }
                _ => {
                    if let Some(n) = &ob.note {
                        let _ = writeln!(o, "    note: {}", indented(n, 10));
                    }
                }
            }
        }
    }
    if let Some(m) = &x.metric {
        let series = t.series(m);
        let _ = writeln!(o, "\nSeries {m} ({})", count(series.len(), "target"));
        let rows: Vec<Vec<String>> = series_points(&series)
            .into_iter()
            .map(|pt| {
                vec![
                    if pt.target.id == x.id {
                        format!("> {}", pt.target.id)
                    } else {
                        format!("  {}", pt.target.id)
                    },
                    pt.target.period.label(),
                    pt.obs
                        .map(|ob| value_with_unit(ob.value, &x.unit))
                        .unwrap_or_else(|| "-".into()),
                    pt.obs.map(|ob| ob.date.to_string()).unwrap_or_default(),
                    pt.obs.and_then(|ob| ob.source.clone()).unwrap_or_else(|| {
                        if pt.obs.is_some() {
                            "user".into()
                        } else {
                            String::new()
                        }
                    }),
                    goal_label(pt.target),
                ]
            })
            .collect();
        for line in table(
            &["target", "period", "value", "as of", "source", "goal"],
            &rows,
        )
        .lines()
        {
            let _ = writeln!(o, "  {line}");
        }
    }
    hidden_note(&mut o, hidden_count);
    o
}

/// One point of a series: a target and one of its observations (`None` for
/// a goal with no value yet).
pub struct SeriesPoint<'a> {
    pub target: &'a Target,
    pub obs: Option<&'a Observation>,
}

/// Every observation of every target in a series, in period then date order.
pub fn series_points<'a>(series: &[&'a Target]) -> Vec<SeriesPoint<'a>> {
    let mut out = Vec::new();
    for x in series {
        if !x.observations.iter().any(Observation::stands) {
            out.push(SeriesPoint {
                target: x,
                obs: None,
            });
        }
        // What was taken back is no point of the series.
        for ob in x.observations.iter().filter(|o| o.stands()) {
            out.push(SeriesPoint {
                target: x,
                obs: Some(ob),
            });
        }
    }
    out
}

fn series_json(t: &Tracker, metric: &str) -> Value {
    let series = t.series(metric);
    Value::Array(
        series_points(&series)
            .into_iter()
            .map(|pt| {
                let x = pt.target;
                json!({
                    "id": x.id,
                    "period": x.period,
                    "value": pt.obs.map(|o| o.value),
                    "date": pt.obs.map(|o| o.date.to_string()),
                    "source": pt.obs.and_then(|o| o.source.clone()),
                    "quote": pt.obs.and_then(|o| o.quote.clone()),
                    "note": pt.obs.and_then(|o| o.note.clone()),
                    "unit": x.unit,
                    "comparator": x.comparator,
                    "target": x.target,
                })
            })
            .collect(),
    )
}

/// A note's later lines indented under its first, so a line break in a
/// note can never pass for another field.
fn indented(note: &str, by: usize) -> String {
    note.replace('\r', "\\r")
        .replace('\n', &format!("\n{}", " ".repeat(by)))
}
