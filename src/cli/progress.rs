//! `progress`: goals and results with their progress state.

use super::output::{csv, json_text, table};
use super::show::target_cells;
use super::{chain_label, load, unknown_id, Format, Outcome};
use crate::domain::progress::assess;
use crate::domain::*;
use chrono::NaiveDate;
use serde_json::{json, Value};
use std::path::Path;

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
