//! `progress`: goals and results with their progress state.

use super::output::{csv, json_text, table};
use super::show::target_cells;
use super::{chain_label, load, unknown_id, Failure, Format, Outcome};
use crate::domain::progress::assess;
use crate::domain::suggest::closest;
use crate::domain::*;
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::path::Path;

pub fn progress(
    file: &Path,
    today: NaiveDate,
    chain: Option<&str>,
    metric: Option<&str>,
    format: Format,
) -> Outcome {
    let t = load(file)?.tracker;
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
                format!("did you mean `{}`?", near.join("`, `"))
            };
            return Err(Failure::usage(format!("unknown metric \"{m}\" — {hint}")));
        }
    }
    if let Some(c) = chain {
        if t.chain(c).is_none() {
            return Err(unknown_id(
                "chain",
                c,
                t.chains.iter().map(|c| c.id.as_str()).collect(),
            ));
        }
    }
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
