//! Per-chain standing: projects by status, goals by state, and the ranking
//! used by the scoreboard and the briefing.

use super::model::{Chain, Project, Target, Tracker};
use super::progress::{assess, overdue_milestones, ProgressState};
use super::status::Status;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChainSummary {
    pub chain: String,
    pub projects: usize,
    /// Counts in `Status::ALL` order.
    pub by_status: [usize; 7],
    pub goals: usize,
    /// Counts in `ProgressState::ALL` order.
    pub by_state: [usize; 7],
    /// Projects under construction, completed or operating.
    pub advancing: usize,
    pub stalled: usize,
    pub overdue_milestones: usize,
    /// Goals met as a share of goals whose outcome is known (met or missed)
    /// or running; `None` without any goal.
    pub met_share: Option<f64>,
}

impl ChainSummary {
    pub fn status_count(&self, s: Status) -> usize {
        Status::ALL
            .iter()
            .position(|x| *x == s)
            .map_or(0, |i| self.by_status[i])
    }

    pub fn state_count(&self, s: ProgressState) -> usize {
        ProgressState::ALL
            .iter()
            .position(|x| *x == s)
            .map_or(0, |i| self.by_state[i])
    }
}

/// One summary per chain, in the tracker's chain order.
pub fn by_chain(t: &Tracker, today: NaiveDate) -> Vec<ChainSummary> {
    let targets = t.targets.iter().map(|x| (x, assess(x, today).state));
    summarize(&t.chains, &t.projects, targets, today)
}

/// Summaries of the given projects and (already assessed) targets, one per
/// chain in `chains` order. Takes references so a filtered view can count
/// its subset without copying records or assessing goals again.
pub fn summarize<'a>(
    chains: &[Chain],
    projects: impl IntoIterator<Item = &'a Project>,
    targets: impl IntoIterator<Item = (&'a Target, ProgressState)>,
    today: NaiveDate,
) -> Vec<ChainSummary> {
    let mut out: Vec<ChainSummary> = chains
        .iter()
        .map(|c| ChainSummary {
            chain: c.id.clone(),
            projects: 0,
            by_status: [0; 7],
            goals: 0,
            by_state: [0; 7],
            advancing: 0,
            stalled: 0,
            overdue_milestones: 0,
            met_share: None,
        })
        .collect();
    let slot: HashMap<&str, usize> = chains
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    for p in projects {
        let Some(s) = slot.get(p.chain.as_str()).map(|&i| &mut out[i]) else {
            continue;
        };
        s.projects += 1;
        if let Some(i) = Status::ALL.iter().position(|x| *x == p.status) {
            s.by_status[i] += 1;
        }
        if matches!(
            p.status,
            Status::UnderConstruction | Status::Completed | Status::Operating
        ) {
            s.advancing += 1;
        }
        if p.status == Status::Stalled {
            s.stalled += 1;
        }
        s.overdue_milestones += overdue_milestones(p, today).len();
    }
    for (x, st) in targets {
        let Some(s) = slot.get(x.chain.as_str()).map(|&i| &mut out[i]) else {
            continue;
        };
        if let Some(i) = ProgressState::ALL.iter().position(|y| *y == st) {
            s.by_state[i] += 1;
        }
        if st != ProgressState::Reported {
            s.goals += 1;
        }
    }
    for s in &mut out {
        if s.goals > 0 {
            s.met_share = Some(s.state_count(ProgressState::Met) as f64 / s.goals as f64);
        }
    }
    out
}

/// Chains ranked by goals met, then projects advancing, then fewer overdue.
pub fn ranked(mut v: Vec<ChainSummary>) -> Vec<ChainSummary> {
    v.sort_by(|a, b| {
        b.state_count(ProgressState::Met)
            .cmp(&a.state_count(ProgressState::Met))
            .then(b.advancing.cmp(&a.advancing))
            .then(a.overdue_milestones.cmp(&b.overdue_milestones))
            .then(a.chain.cmp(&b.chain))
    });
    v
}
