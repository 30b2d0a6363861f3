//! Progress against goals and overdue milestones. `today` is always a
//! parameter, so every answer is reproducible.

use super::model::{Comparator, Milestone, Project, Target};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressState {
    Met,
    OnTrack,
    AtRisk,
    Missed,
    Unreported,
    NoData,
    /// A reported result with no stated goal: nothing to measure it against.
    Reported,
}

impl ProgressState {
    pub const ALL: [ProgressState; 7] = [
        ProgressState::Met,
        ProgressState::OnTrack,
        ProgressState::AtRisk,
        ProgressState::Missed,
        ProgressState::Unreported,
        ProgressState::NoData,
        ProgressState::Reported,
    ];

    pub fn id(self) -> &'static str {
        match self {
            ProgressState::Met => "met",
            ProgressState::OnTrack => "on_track",
            ProgressState::AtRisk => "at_risk",
            ProgressState::Missed => "missed",
            ProgressState::Unreported => "unreported",
            ProgressState::NoData => "no_data",
            ProgressState::Reported => "reported",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ProgressState::Met => "已达成",
            ProgressState::OnTrack => "进度正常",
            ProgressState::AtRisk => "有风险",
            ProgressState::Missed => "未达成",
            ProgressState::Unreported => "未报告",
            ProgressState::NoData => "暂无数据",
            ProgressState::Reported => "已报告",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ProgressState::Met => "met",
            ProgressState::OnTrack => "on track",
            ProgressState::AtRisk => "at risk",
            ProgressState::Missed => "missed",
            ProgressState::Unreported => "unreported",
            ProgressState::NoData => "no data",
            ProgressState::Reported => "reported",
        }
    }

    /// Whether someone should look at it.
    pub fn needs_attention(self) -> bool {
        matches!(self, ProgressState::AtRisk | ProgressState::Unreported)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    pub state: ProgressState,
    /// Percent of the way from baseline to target; above 100 when exceeded.
    pub percent: Option<f64>,
    /// The value a straight line from baseline to target expects by today.
    pub expected: Option<f64>,
    /// Days from today to the end of the period (negative once it is over).
    pub days_left: i64,
}

/// Where a target stands on `today`.
pub fn assess(t: &Target, today: NaiveDate) -> Progress {
    let (start, end) = (t.period.start(), t.period.end());
    let days_left = (end - today).num_days();
    let over = today > end;
    let actual = t.actual.as_ref().map(|a| a.value);
    let (goal, cmp) = match (t.target, t.comparator) {
        (Some(goal), Some(cmp)) => (goal, cmp),
        _ => {
            let state = if actual.is_some() {
                ProgressState::Reported
            } else if over {
                ProgressState::Unreported
            } else {
                ProgressState::NoData
            };
            return Progress {
                state,
                percent: None,
                expected: None,
                days_left,
            };
        }
    };
    // A flow (new firms this year) starts from zero whatever last year gave.
    let base = match t.measure {
        super::model::Measure::Level => t.baseline.as_ref().map(|b| b.value),
        super::model::Measure::Flow => None,
    };
    let percent = actual.map(|a| percent_of_way(a, base, goal, cmp));
    let expected = {
        let total = (end - start).num_days() + 1;
        // Whole days gone by: nothing is expected yet on the first day.
        let elapsed = (today - start).num_days().clamp(0, total);
        let fraction = if total > 0 {
            elapsed as f64 / total as f64
        } else {
            1.0
        };
        let from = base.unwrap_or(if cmp == Comparator::AtMost { goal } else { 0.0 });
        Some(from + (goal - from) * fraction)
    };
    let state = match actual {
        None if over => ProgressState::Unreported,
        None => ProgressState::NoData,
        Some(a) if meets(a, goal, cmp) => ProgressState::Met,
        Some(_) if over => ProgressState::Missed,
        Some(a) => {
            let exp = expected.unwrap_or(goal);
            let ahead = match cmp {
                Comparator::AtMost => a <= exp,
                // "=" goals are approached from the baseline like ">=" ones.
                Comparator::AtLeast | Comparator::Exactly => {
                    let from = base.unwrap_or(0.0);
                    if goal >= from {
                        a >= exp
                    } else {
                        a <= exp
                    }
                }
            };
            if ahead {
                ProgressState::OnTrack
            } else {
                ProgressState::AtRisk
            }
        }
    };
    Progress {
        state,
        percent,
        expected,
        days_left,
    }
}

const EPSILON: f64 = 1e-9;

fn meets(actual: f64, goal: f64, cmp: Comparator) -> bool {
    match cmp {
        Comparator::AtLeast => actual >= goal - EPSILON,
        Comparator::AtMost => actual <= goal + EPSILON,
        Comparator::Exactly => (actual - goal).abs() <= EPSILON.max(goal.abs() * 1e-9),
    }
}

/// Percent of the way from baseline to goal. With no baseline a `>=` goal
/// counts from zero; a `<=` goal with no baseline counts how close the actual
/// is to the ceiling (target / actual).
fn percent_of_way(actual: f64, base: Option<f64>, goal: f64, cmp: Comparator) -> f64 {
    if meets(actual, goal, cmp) && base.is_some_and(|b| (b - goal).abs() < EPSILON) {
        return 100.0;
    }
    match (cmp, base) {
        (Comparator::AtMost, None) => {
            if actual <= goal || actual <= 0.0 {
                100.0
            } else {
                goal / actual * 100.0
            }
        }
        (_, Some(b)) if (goal - b).abs() < EPSILON => {
            if meets(actual, goal, cmp) {
                100.0
            } else {
                0.0
            }
        }
        (_, base) => {
            let from = base.unwrap_or(0.0);
            (actual - from) / (goal - from) * 100.0
        }
    }
}

/// Milestones whose due date has passed without the project reaching them.
pub fn overdue_milestones(p: &Project, today: NaiveDate) -> Vec<&Milestone> {
    p.milestones
        .iter()
        .filter(|m| is_overdue(p, m, today))
        .collect()
}

pub fn is_overdue(p: &Project, m: &Milestone, today: NaiveDate) -> bool {
    m.reached.is_none()
        && today > m.due.last_day()
        && !p.status.has_reached(m.expect)
        && p.status != super::status::Status::Cancelled
}

/// The earliest milestone not yet reached, with its index.
pub fn next_milestone(p: &Project) -> Option<(usize, &Milestone)> {
    p.milestones
        .iter()
        .enumerate()
        .filter(|(_, m)| m.reached.is_none() && !p.status.has_reached(m.expect))
        .min_by_key(|(_, m)| m.due)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::{parse_day, PartialDate};
    use crate::domain::model::{Actual, Baseline, Period};
    use crate::domain::status::Status;

    fn day(s: &str) -> NaiveDate {
        parse_day(s).unwrap()
    }

    fn goal(target: f64, cmp: Comparator, base: Option<f64>, actual: Option<f64>) -> Target {
        Target {
            id: "t".into(),
            metric_zh: "指标".into(),
            metric_en: "metric".into(),
            chain: "c".into(),
            area: None,
            period: Period::Year(2024),
            comparator: Some(cmp),
            target: Some(target),
            unit: "家".into(),
            measure: crate::domain::model::Measure::Level,
            baseline: base.map(|value| Baseline {
                value,
                date: PartialDate::parse("2023").unwrap(),
                source: None,
                quote: None,
            }),
            actual: actual.map(|value| Actual {
                value,
                date: PartialDate::parse("2024-06-30").unwrap(),
                note: None,
                source: None,
                quote: None,
            }),
            note: None,
            sources: vec![],
        }
    }

    #[test]
    fn exceeded_goal_is_met_with_overshoot() {
        let p = assess(
            &goal(30.0, Comparator::AtLeast, None, Some(35.0)),
            day("2024-06-30"),
        );
        assert_eq!(p.state, ProgressState::Met);
        assert!((p.percent.unwrap() - 116.666).abs() < 0.01);
    }

    #[test]
    fn first_day_of_period_with_baseline_progress_is_on_track() {
        // Baseline 55, goal 60: on 1 January nothing beyond the baseline is expected yet.
        let t = goal(60.0, Comparator::AtLeast, Some(55.0), Some(55.0));
        let p = assess(&t, day("2024-01-01"));
        assert_eq!(p.state, ProgressState::OnTrack);
        assert_eq!(p.percent, Some(0.0));
        assert_eq!(p.expected, Some(55.0));
    }

    #[test]
    fn last_day_of_period_short_of_goal_is_at_risk_then_missed() {
        let t = goal(60.0, Comparator::AtLeast, Some(55.0), Some(59.0));
        assert_eq!(assess(&t, day("2024-12-31")).state, ProgressState::AtRisk);
        assert_eq!(assess(&t, day("2024-12-31")).days_left, 0);
        let after = assess(&t, day("2025-01-01"));
        assert_eq!(after.state, ProgressState::Missed);
        assert_eq!(after.days_left, -1);
    }

    #[test]
    fn halfway_on_the_straight_line() {
        // 2024 is a leap year: by 1 July 182 of 366 days have gone by (49.7%).
        let t = goal(100.0, Comparator::AtLeast, Some(0.0), Some(49.6));
        assert_eq!(assess(&t, day("2024-07-01")).state, ProgressState::AtRisk);
        assert_eq!(assess(&t, day("2024-06-30")).state, ProgressState::OnTrack);
    }

    #[test]
    fn missing_actual_is_no_data_while_running_and_unreported_after() {
        let t = goal(60.0, Comparator::AtLeast, None, None);
        assert_eq!(assess(&t, day("2024-12-31")).state, ProgressState::NoData);
        assert_eq!(assess(&t, day("2023-05-01")).state, ProgressState::NoData);
        assert_eq!(
            assess(&t, day("2025-01-01")).state,
            ProgressState::Unreported
        );
    }

    #[test]
    fn baseline_equal_to_target() {
        let t = goal(20.0, Comparator::AtLeast, Some(20.0), Some(20.0));
        let p = assess(&t, day("2024-03-01"));
        assert_eq!(p.state, ProgressState::Met);
        assert_eq!(p.percent, Some(100.0));
        let short = goal(20.0, Comparator::AtLeast, Some(20.0), Some(19.0));
        assert_eq!(assess(&short, day("2024-03-01")).percent, Some(0.0));
    }

    #[test]
    fn at_most_goal_fills_the_right_way() {
        // Reduce from 100 to at most 60.
        let t = goal(60.0, Comparator::AtMost, Some(100.0), Some(80.0));
        let mid = assess(&t, day("2024-07-01"));
        assert!((mid.percent.unwrap() - 50.0).abs() < 1e-9);
        assert_eq!(mid.state, ProgressState::OnTrack);
        assert_eq!(assess(&t, day("2024-12-01")).state, ProgressState::AtRisk);
        let done = goal(60.0, Comparator::AtMost, Some(100.0), Some(55.0));
        assert_eq!(assess(&done, day("2024-02-01")).state, ProgressState::Met);
        assert_eq!(
            assess(
                &goal(60.0, Comparator::AtMost, Some(100.0), Some(70.0)),
                day("2025-01-01")
            )
            .state,
            ProgressState::Missed
        );
    }

    #[test]
    fn exact_goal() {
        let t = goal(24.0, Comparator::Exactly, Some(20.0), Some(24.0));
        assert_eq!(assess(&t, day("2024-06-01")).state, ProgressState::Met);
        let t = goal(24.0, Comparator::Exactly, Some(20.0), Some(25.0));
        assert_eq!(assess(&t, day("2025-06-01")).state, ProgressState::Missed);
    }

    #[test]
    fn result_without_goal_is_reported() {
        let mut t = goal(1.0, Comparator::AtLeast, None, Some(108.0));
        t.target = None;
        t.comparator = None;
        let p = assess(&t, day("2024-01-01"));
        assert_eq!(p.state, ProgressState::Reported);
        assert_eq!(p.percent, None);
    }

    #[test]
    fn flow_goal_counts_from_zero_not_from_last_years_figure() {
        let mut t = goal(60.0, Comparator::AtLeast, Some(55.0), Some(30.0));
        t.measure = crate::domain::model::Measure::Flow;
        let p = assess(&t, day("2024-06-30"));
        assert!((p.percent.unwrap() - 50.0).abs() < 1e-9);
        assert_eq!(p.state, ProgressState::OnTrack);
    }

    #[test]
    fn multi_year_period() {
        let mut t = goal(20.0, Comparator::AtLeast, None, Some(6.0));
        t.period = Period::Span {
            start: day("2018-01-01"),
            end: day("2020-12-31"),
        };
        // A third of the way through three years, 6 of 20 is behind 6.67.
        assert_eq!(assess(&t, day("2018-12-31")).state, ProgressState::AtRisk);
        assert_eq!(assess(&t, day("2018-10-01")).state, ProgressState::OnTrack);
    }

    fn project(status: Status, due: &str, expect: Status) -> Project {
        Project {
            id: "p".into(),
            name_zh: "项目".into(),
            name_en: "Project".into(),
            aliases: vec![],
            chain: "c".into(),
            area: None,
            parent: None,
            status,
            note: None,
            figures: vec![],
            milestones: vec![Milestone {
                due: PartialDate::parse(due).unwrap(),
                expect,
                text: "明年投产".into(),
                reached: None,
                source: "s".into(),
                quote: "q".into(),
            }],
            history: vec![],
            sources: vec![],
        }
    }

    #[test]
    fn milestone_overdue_only_after_its_whole_due_period() {
        let p = project(Status::UnderConstruction, "2023", Status::Operating);
        assert!(overdue_milestones(&p, day("2023-12-31")).is_empty());
        assert_eq!(overdue_milestones(&p, day("2024-01-01")).len(), 1);
    }

    #[test]
    fn milestone_not_overdue_when_status_reached_or_marked() {
        let p = project(Status::Operating, "2023", Status::Completed);
        assert!(overdue_milestones(&p, day("2025-01-01")).is_empty());
        let mut p = project(Status::Planned, "2023", Status::UnderConstruction);
        p.milestones[0].reached = Some(PartialDate::parse("2023-05-01").unwrap());
        assert!(overdue_milestones(&p, day("2025-01-01")).is_empty());
        assert!(next_milestone(&p).is_none());
    }
}
