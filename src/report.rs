//! The `report` command: a Markdown (or JSON) briefing of goals, chains and
//! projects needing attention, for people who will not open a terminal.

use crate::command::{resolve_chain, tracker_to_read, Outcome};
use crate::domain::labels::goal_label;
use crate::domain::progress::{assess, overdue_milestones, slipped_milestones};
use crate::domain::summary::{by_chain, ranked};
use crate::domain::*;
use chrono::NaiveDate;
use serde_json::json;
use std::fmt::Write;
use std::path::Path;

/// A Markdown table cell: on one line, with `|` escaped.
fn md_escape(s: &str) -> String {
    crate::text::one_line(s).replace('|', "\\|")
}

pub fn report_command(
    file: &Path,
    today: NaiveDate,
    chain: Option<&str>,
    as_json: bool,
) -> Outcome {
    let t = tracker_to_read(file)?;
    // An id or a name (数字经济, pinyin) names the chain.
    let chain_id = match chain {
        Some(c) => Some(t.chains[resolve_chain(t, c)?].id.clone()),
        None => None,
    };
    let chain = chain_id.as_deref();
    let keep = |id: &str| chain.is_none_or(|c| c == id);
    let board: Vec<_> = ranked(by_chain(t, today))
        .into_iter()
        .filter(|s| keep(&s.chain))
        .collect();
    let stalled: Vec<&Project> = t
        .projects
        .iter()
        .filter(|p| keep(&p.chain) && p.status == Status::Stalled)
        .collect();
    let overdue: Vec<(&Project, Vec<&Milestone>)> = t
        .projects
        .iter()
        .filter(|p| keep(&p.chain))
        .map(|p| (p, overdue_milestones(p, today)))
        .filter(|(_, m)| !m.is_empty())
        .collect();
    let slipped: Vec<(&Project, Vec<&Milestone>)> = t
        .projects
        .iter()
        .filter(|p| keep(&p.chain))
        .map(|p| (p, slipped_milestones(p)))
        .filter(|(_, m)| !m.is_empty())
        .collect();
    let goals: Vec<(&Target, Progress)> = t
        .targets
        .iter()
        .filter(|x| keep(&x.chain) && x.target.is_some())
        .map(|x| (x, assess(x, today)))
        .collect();
    // What a person knew before a report said it: named apart.
    let on_notes: Vec<(&str, &str, &str, &Noted)> = t
        .projects
        .iter()
        .filter(|p| keep(&p.chain) && p.rests_on_note())
        .filter_map(|p| {
            Some((
                p.id.as_str(),
                p.name_zh.as_str(),
                "project",
                p.noted.as_deref()?,
            ))
        })
        .chain(
            t.targets
                .iter()
                .filter(|x| keep(&x.chain) && x.rests_on_note())
                .filter_map(|x| {
                    Some((
                        x.id.as_str(),
                        x.metric_zh.as_str(),
                        "goal",
                        x.noted.as_deref()?,
                    ))
                }),
        )
        .collect();

    if as_json {
        let v = json!({
            "today": today.to_string(),
            "chain": chain,
            "scoreboard": board,
            "goals": goals.iter().map(|(x, p)| json!({"id": x.id, "metric_zh": x.metric_zh, "metric_en": x.metric_en, "chain": x.chain, "period": x.period, "target": x.target, "unit": x.unit, "actual": p.value, "as_of": p.as_of.map(|d| d.to_string()), "interim": p.interim, "percent": p.percent, "state": p.state})).collect::<Vec<_>>(),
            "stalled_projects": stalled.iter().map(|p| json!({"id": p.id, "name_zh": p.name_zh, "name_en": p.name_en})).collect::<Vec<_>>(),
            "overdue_milestones": overdue.iter().map(|(p, ms)| json!({"project": p.id, "name_zh": p.name_zh, "milestones": ms.iter().map(|m| json!({"due": m.due.to_string(), "expect": m.expect, "text": m.text})).collect::<Vec<_>>()})).collect::<Vec<_>>(),
            "slipped_milestones": slipped.iter().map(|(p, ms)| json!({"project": p.id, "name_zh": p.name_zh, "milestones": ms.iter().map(|m| json!({"due": m.due.to_string(), "original_due": m.original_due().to_string(), "slip": m.slip_label(), "expect": m.expect, "text": m.text})).collect::<Vec<_>>()})).collect::<Vec<_>>(),
            "resting_on_notes": on_notes.iter().map(|(id, name, kind, n)| json!({"id": id, "name_zh": name, "kind": kind, "evidence": "note", "note": n.note, "by": n.by, "date": n.date.to_string()})).collect::<Vec<_>>(),
        });
        return Ok(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n");
    }

    let mut o = String::new();
    let scope = chain
        .and_then(|c| t.chain(c))
        .map(|c| format!(" — {} {}", c.name_zh, c.name_en))
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "# 市北区项目与目标简报 Shibei district briefing{scope}\n"
    );
    let _ = writeln!(o, "As of {today}. Source file: `{}`. Every figure below traces to a quoted sentence; run `shibei-tracker show ID` for the quotes.\n", file.display());
    let _ = writeln!(o, "## Chains\n");
    let _ = writeln!(o, "| Rank | Chain | Projects | Advancing | Stalled | Overdue milestones | Goals | Met | On track | At risk | Missed | Unreported |");
    let _ = writeln!(
        o,
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for (i, s) in board.iter().enumerate() {
        let name = t
            .chain(&s.chain)
            .map(|c| format!("{} {}", c.name_zh, c.name_en))
            .unwrap_or(s.chain.clone());
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            i + 1,
            md_escape(&name),
            s.projects,
            s.advancing,
            s.stalled,
            s.overdue_milestones,
            s.goals,
            s.state_count(ProgressState::Met),
            s.state_count(ProgressState::OnTrack),
            s.state_count(ProgressState::AtRisk),
            s.state_count(ProgressState::Missed),
            s.state_count(ProgressState::Unreported),
        );
    }
    let _ = writeln!(o, "\n## Goals\n");
    if goals.is_empty() {
        let _ = writeln!(o, "No stated goals.");
    } else {
        let _ = writeln!(o, "| Goal | Period | Target | Actual | Progress | State |");
        let _ = writeln!(o, "|---|---|---:|---:|---:|---|");
        for (x, p) in &goals {
            let target = goal_label(x);
            let actual = p.value_label(&x.unit).unwrap_or_else(|| "—".into());
            let pct = p
                .percent
                .map(crate::domain::labels::percent_label)
                .unwrap_or_else(|| "—".into());
            let _ = writeln!(
                o,
                "| {} {} (`{}`) | {} | {} | {} | {} | {} |",
                md_escape(&crate::domain::labels::marked_name(
                    &x.metric_zh,
                    x.rests_on_note()
                )),
                md_escape(&x.metric_en),
                x.id,
                x.period.label(),
                md_escape(&target),
                actual,
                pct,
                p.state.label_en()
            );
        }
    }
    let _ = writeln!(o, "\n## Needs attention\n");
    let _ = writeln!(o, "### Stalled projects ({})\n", stalled.len());
    for p in &stalled {
        let _ = writeln!(o, "- {} {} (`{}`)", p.name_zh, p.name_en, p.id);
    }
    let _ = writeln!(
        o,
        "\n### Overdue milestones ({})\n",
        overdue.iter().map(|(_, m)| m.len()).sum::<usize>()
    );
    for (p, ms) in &overdue {
        for m in ms {
            let _ = writeln!(
                o,
                "- {} {} (`{}`): due {}, expected {} — “{}”",
                p.name_zh,
                p.name_en,
                p.id,
                m.due,
                m.expect.label_en().to_lowercase(),
                m.text
            );
        }
    }
    let _ = writeln!(
        o,
        "\n### Slipped promises ({})\n",
        slipped.iter().map(|(_, m)| m.len()).sum::<usize>()
    );
    for (p, ms) in &slipped {
        for m in ms {
            let _ = writeln!(
                o,
                "- {} {} (`{}`): {}, expected {} — “{}”",
                p.name_zh,
                p.name_en,
                p.id,
                m.slip_label().unwrap_or_default(),
                m.expect.label_en().to_lowercase(),
                m.text
            );
        }
    }
    let attention: Vec<&(&Target, Progress)> = goals
        .iter()
        .filter(|(_, p)| p.state.needs_attention())
        .collect();
    let _ = writeln!(
        o,
        "\n### Goals at risk or unreported ({})\n",
        attention.len()
    );
    for (x, p) in attention {
        let _ = writeln!(
            o,
            "- {} {} (`{}`), {}: {}",
            x.metric_zh,
            x.metric_en,
            x.id,
            x.period.label(),
            p.state.label_en()
        );
    }
    if !on_notes.is_empty() {
        let _ = writeln!(
            o,
            "\n### Resting on notes, no report cited yet ({})\n",
            on_notes.len()
        );
        for (id, name, kind, n) in &on_notes {
            let _ = writeln!(
                o,
                "- {kind} {} (`{id}`): {}{}, {}",
                md_escape(name),
                md_escape(&n.note),
                n.by.as_deref()
                    .map_or(String::new(), |b| format!(" — {}", md_escape(b))),
                n.date
            );
        }
    }
    Ok(o)
}
