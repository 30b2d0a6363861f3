//! `progress`: goals and results with their progress state.

use super::output::{csv, fitted_table, json_text, push_note};
use super::show::{baseline_label, percent_cell};
use super::{chain_label, tracker_to_read, Failure, Format, Outcome};
use crate::columns::{column, Column};
use crate::command::resolve_chain;
use crate::domain::labels::{goal_label, period_short, value_with_unit};
use crate::domain::progress::assess;
use crate::domain::suggest::closest;
use crate::domain::*;
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::path::Path;

pub fn progress(
    file: &Path,
    today: NaiveDate,
    chain: Option<&str>,
    metric: Option<&str>,
    format: Format,
) -> Outcome {
    let t = tracker_to_read(file)?;
    if let Some(m) = metric {
        if t.series(m).is_empty() {
            let mut known: Vec<&str> = t
                .targets
                .iter()
                .filter_map(|x| x.metric.as_deref())
                .collect();
            known.sort_unstable();
            known.dedup();
            let near = closest(m, known.iter().copied());
            let hint = if near.is_empty() {
                format!("known metrics: {}", known.join(", "))
            } else {
                let near: Vec<String> = near
                    .into_iter()
                    .map(crate::domain::suggest::ticked)
                    .collect();
                crate::domain::suggest::did_you_mean(&near)
            };
            return Err(Failure::usage(format!("unknown metric \"{m}\" — {hint}")));
        }
    }
    // An id or a name (数字经济, pinyin) names the chain.
    let chain_id = match chain {
        Some(c) => Some(t.chains[resolve_chain(t, c)?].id.clone()),
        None => None,
    };
    let chain = chain_id.as_deref();
    let mut targets: Vec<&Target> = t
        .targets
        .iter()
        .filter(|x| chain.is_none_or(|c| x.chain == c))
        .filter(|x| metric.is_none_or(|m| x.metric.as_deref() == Some(m)))
        .collect();
    if metric.is_some() {
        targets.sort_by_key(|x| (x.period.start(), x.period.end()));
    }
    if format == Format::Json {
        let items: Vec<Value> = targets
            .iter()
            .map(|x| {
                let pr = assess(x, today);
                json!({
                    "id": x.id, "metric_zh": x.metric_zh, "metric_en": x.metric_en, "chain": x.chain,
                    "period": x.period, "comparator": x.comparator, "target": x.target, "unit": x.unit,
                    "measure": x.measure, "metric": x.metric,
                    "baseline": x.baseline.as_ref().map(|b| json!({"value": b.value, "date": b.date.to_string()})),
                    "actual": pr.value.zip(pr.as_of).map(|(v, d)| json!({"value": v, "date": d.to_string(), "interim": pr.interim, "age_days": pr.age_days})),
                    "percent": pr.percent, "state": pr.state, "days_left": pr.days_left,
                    "evidence": super::evidence_kind(&x.sources),
                })
            })
            .collect();
        return Ok(json_text(&Value::Array(items)));
    }
    if format == Format::Csv {
        return Ok(progress_csv(&targets, today));
    }
    let width = match format {
        Format::Table { width } => width,
        _ => None,
    };
    // Borrowed where the tracker holds the text: a city-scale table is
    // megabytes.
    let mut interim = false;
    let rows: Vec<Vec<Cow<str>>> = targets
        .iter()
        .map(|x| {
            // Only the cells this table shows: a value label and a period
            // label made and dropped per row were 8% of the command.
            let pr = assess(x, today);
            let (goal, base, percent) = (goal_label(x), baseline_label(x), percent_cell(&pr));
            interim |= pr.value.is_some() && pr.interim;
            // The value as the interface shows it ("6所*": interim), its
            // date in a column of its own that gives way first.
            let actual = pr.value.map_or(String::new(), |v| {
                format!(
                    "{}{}",
                    value_with_unit(v, &x.unit),
                    if pr.interim { "*" } else { "" }
                )
            });
            vec![
                Cow::Borrowed(x.id.as_str()),
                if x.sources.is_empty() {
                    Cow::Owned(crate::domain::labels::marked_name(&x.metric_zh, true))
                } else {
                    Cow::Borrowed(x.metric_zh.as_str())
                },
                Cow::Borrowed(x.metric_en.as_str()),
                Cow::Owned(chain_label(t, &x.chain)),
                Cow::Owned(period_short(&x.period)),
                Cow::Owned(goal),
                Cow::Owned(base),
                Cow::Owned(actual),
                Cow::Owned(pr.as_of.map_or(String::new(), |d| d.to_string())),
                Cow::Owned(percent),
                // As the interface says it; CSV and JSON keep the id.
                Cow::Borrowed(pr.state.label_en()),
            ]
        })
        .collect();
    let mut out = fitted_table(&PROGRESS_COLUMNS, &rows, width);
    if interim {
        push_note(
            &mut out,
            "* interim: a value from before the period's end, not its outcome",
            width,
        );
    }
    if targets.iter().any(|x| x.sources.is_empty()) {
        push_note(&mut out, crate::domain::labels::NOTE_LEGEND, width);
    }
    Ok(out)
}

/// `progress`'s table: the goal's name, its numbers (target, actual,
/// state, percent) and its period (a 2018 and a 2024 goal with the same
/// metric) kept; the value's date, the long ids, the English names, the
/// chain and the baseline give way first (`--wide` or a pipe keeps them).
/// When only kept ones are left the period goes first, then the percent,
/// and only then the state.
const PROGRESS_COLUMNS: [Column; 11] = [
    column("id", 64, 6, false, false),
    column("metric_zh", 10, 0, true, true).ample(20),
    column("metric_en", 16, 7, false, true),
    column("chain", 8, 8, false, false),
    column("period", 4, 4, true, false),
    column("target", 6, 1, true, false),
    column("baseline", 8, 9, false, false),
    column("actual", 6, 1, true, false),
    column("as_of", 10, 5, false, false),
    column("percent", 4, 3, true, false),
    column("state", 5, 2, true, false),
];

/// Every value in its own column: comparator, number, unit and dates
/// apart, so a spreadsheet can sum and sort them.
fn progress_csv(targets: &[&Target], today: NaiveDate) -> String {
    let headers = [
        "id",
        "metric_zh",
        "metric_en",
        "chain",
        "period",
        "comparator",
        "target",
        "unit",
        "baseline",
        "baseline_date",
        "actual",
        "actual_date",
        "interim",
        "percent",
        "state",
        "evidence",
    ];
    let num = |v: Option<f64>| v.map_or(String::new(), format_number);
    let rows: Vec<Vec<String>> = targets
        .iter()
        .map(|x| {
            let pr = assess(x, today);
            vec![
                x.id.clone(),
                x.metric_zh.clone(),
                x.metric_en.clone(),
                x.chain.clone(),
                x.period.label(),
                x.comparator
                    .map_or(String::new(), |c| c.symbol().to_string()),
                num(x.target),
                x.unit.clone(),
                num(x.baseline.as_ref().map(|b| b.value)),
                x.baseline
                    .as_ref()
                    .map_or(String::new(), |b| b.date.to_string()),
                num(pr.value),
                pr.as_of.map_or(String::new(), |d| d.to_string()),
                if pr.value.is_some() {
                    pr.interim.to_string()
                } else {
                    String::new()
                },
                pr.percent.map_or(String::new(), |p| format!("{p:.1}")),
                pr.state.id().to_string(),
                super::evidence_kind(&x.sources).to_string(),
            ]
        })
        .collect();
    csv(&headers, &rows)
}
