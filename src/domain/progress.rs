//! Progress against goals and overdue milestones. `today` is always a
//! parameter, so every answer is reproducible.

use super::model::{Comparator, Milestone, Project, Target};
use super::status::Status;
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
    /// The value a straight line from baseline to target expects at the
    /// date of the value judged (at `today` when there is none).
    pub expected: Option<f64>,
    /// Days from today to the end of the period (negative once it is over).
    pub days_left: i64,
    /// The value judged: the newest observation dated on or before today.
    pub value: Option<f64>,
    /// Its as-of date.
    pub as_of: Option<super::date::PartialDate>,
    /// Days from the last day its date can mean to today: how old it is.
    pub age_days: Option<i64>,
    /// The period is over but the value predates its end: an interim
    /// figure, which is why the state is `unreported` and not `missed`.
    pub interim: bool,
    /// Observations dated after today, ignored.
    pub future_ignored: usize,
}

/// Where a target stands on `today`. The rules (docs/schema.md, "Progress
/// states"): the value judged is the newest observation dated on or before
/// `today`; pace compares it with the straight line at the observation's
/// own date, so an old value does not decay; a period that is over with
/// only an interim value is `unreported`, not `missed`.
pub fn assess(t: &Target, today: NaiveDate) -> Progress {
    let (start, end) = (t.period.start(), t.period.end());
    let days_left = (end - today).num_days();
    let over = today > end;
    let current = t.current(today);
    let future_ignored = t
        .observations
        .iter()
        .filter(|o| o.stands() && o.is_future(today))
        .count();
    // The day a value stands for: the last day its date can mean, but never
    // after today ("2024" read on 2024-06-30 stands for 2024-06-30).
    let as_of_day = current.map(|o| o.date.last_day().min(today));
    let actual = current.map(|o| o.value);
    let mut pr = Progress {
        state: ProgressState::NoData,
        percent: None,
        expected: None,
        days_left,
        value: actual,
        as_of: current.map(|o| o.date),
        age_days: as_of_day.map(|d| (today - d).num_days()),
        interim: false,
        future_ignored,
    };
    let (goal, cmp) = match (t.target, t.comparator) {
        (Some(goal), Some(cmp)) => (goal, cmp),
        _ => {
            pr.state = if actual.is_some() {
                ProgressState::Reported
            } else if over {
                ProgressState::Unreported
            } else {
                ProgressState::NoData
            };
            return pr;
        }
    };
    // A flow (new firms this year) starts from zero whatever last year gave.
    let base = match t.measure {
        super::model::Measure::Level => t.baseline.as_ref().map(|b| b.value),
        super::model::Measure::Flow => None,
    };
    pr.percent = actual.map(|a| percent_of_way(a, base, goal, cmp));
    let expected_at = |day: NaiveDate| {
        let total = (end - start).num_days() + 1;
        // Whole days gone by: nothing is expected yet on the first day.
        let elapsed = (day - start).num_days().clamp(0, total);
        let fraction = if total > 0 {
            elapsed as f64 / total as f64
        } else {
            1.0
        };
        let from = base.unwrap_or(if cmp == Comparator::AtMost { goal } else { 0.0 });
        from + (goal - from) * fraction
    };
    pr.expected = Some(expected_at(as_of_day.unwrap_or(today)));
    pr.state = match (actual, as_of_day) {
        (Some(a), _) if meets(a, goal, cmp) => ProgressState::Met,
        (Some(_), Some(day)) if over && day < end => {
            pr.interim = true;
            ProgressState::Unreported
        }
        (Some(_), _) if over => ProgressState::Missed,
        (Some(a), Some(day)) => {
            let exp = expected_at(day);
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
        _ if over => ProgressState::Unreported,
        _ => ProgressState::NoData,
    };
    pr
}

impl Progress {
    /// The value judged with its date: "6所 (2018-10, interim)".
    pub fn value_label(&self, unit: &str) -> Option<String> {
        let (v, d) = (self.value?, self.as_of?);
        let interim = if self.interim { ", interim" } else { "" };
        Some(format!(
            "{}{unit} ({d}{interim})",
            super::model::format_number(v)
        ))
    }

    /// How old the value is, in words: "as of 2018-10, 8 years old".
    pub fn age_label(&self) -> Option<String> {
        let (d, days) = (self.as_of?, self.age_days?);
        let age = match days {
            0 => "today".to_string(),
            1 => "1 day old".to_string(),
            2..=60 => format!("{days} days old"),
            61..=730 => format!("{} months old", days / 30),
            _ => format!("{} years old", days / 365),
        };
        Some(format!("as of {d}, {age}"))
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

/// Only the date now promised counts: a milestone moved from 2023 to 2024
/// is overdue from 2025 on, and shown as a slip before that.
pub fn is_overdue(p: &Project, m: &Milestone, today: NaiveDate) -> bool {
    is_open(p, m) && today > m.due.last_day()
}

/// Milestones still open whose promised date was moved later.
pub fn slipped_milestones(p: &Project) -> Vec<&Milestone> {
    p.milestones
        .iter()
        .filter(|m| m.slips().next().is_some() && is_open(p, m))
        .collect()
}

fn is_open(p: &Project, m: &Milestone) -> bool {
    m.stands()
        && m.reached_on().is_none()
        && !p.status.has_reached(m.expect)
        && p.status != Status::Cancelled
}

/// Whether a project belongs under `!`: stalled, a milestone overdue, or a
/// promise that slipped and is still open.
pub fn project_needs_attention(p: &Project, today: NaiveDate) -> bool {
    p.status == Status::Stalled
        || p.milestones
            .iter()
            .any(|m| is_overdue(p, m, today) || (m.slips().next().is_some() && is_open(p, m)))
}

/// The earliest milestone not yet reached, with its index.
pub fn next_milestone(p: &Project) -> Option<(usize, &Milestone)> {
    p.milestones
        .iter()
        .enumerate()
        .filter(|(_, m)| m.stands() && m.reached_on().is_none() && !p.status.has_reached(m.expect))
        .min_by_key(|(_, m)| m.due)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::{parse_day, PartialDate};
    use crate::domain::model::{Baseline, Observation, Period};

    fn day(s: &str) -> NaiveDate {
        parse_day(s).unwrap()
    }

    fn obs(value: f64, date: &str) -> Observation {
        Observation {
            value,
            date: PartialDate::parse(date).unwrap(),
            note: Some("typed".into()),
            source: None,
            quote: None,
            ..Default::default()
        }
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
            metric: None,
            baseline: base.map(|value| Baseline {
                value,
                date: PartialDate::parse("2023").unwrap(),
                source: None,
                quote: None,
            }),
            observations: actual.map_or(vec![], |v| vec![obs(v, "2024-06-30")]),
            note: None,
            sources: vec![],
            ..Default::default()
        }
    }

    /// The same goal with its one observation dated `date`.
    fn at(mut t: Target, date: &str) -> Target {
        for o in &mut t.observations {
            o.date = PartialDate::parse(date).unwrap();
        }
        t
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
        let t = at(
            goal(60.0, Comparator::AtLeast, Some(55.0), Some(55.0)),
            "2024-01-01",
        );
        let p = assess(&t, day("2024-01-01"));
        assert_eq!(p.state, ProgressState::OnTrack);
        assert_eq!(p.percent, Some(0.0));
        assert_eq!(p.expected, Some(55.0));
        assert_eq!(p.age_days, Some(0));
    }

    #[test]
    fn value_at_period_end_short_of_goal_is_at_risk_then_missed() {
        let t = at(
            goal(60.0, Comparator::AtLeast, Some(55.0), Some(59.0)),
            "2024-12-31",
        );
        assert_eq!(assess(&t, day("2024-12-31")).state, ProgressState::AtRisk);
        assert_eq!(assess(&t, day("2024-12-31")).days_left, 0);
        let after = assess(&t, day("2025-01-01"));
        assert_eq!(after.state, ProgressState::Missed);
        assert!(!after.interim);
        assert_eq!(after.days_left, -1);
        // A year-precise date ("2024", 全年) covers the period's end too.
        let year = at(t, "2024");
        assert_eq!(
            assess(&year, day("2025-03-01")).state,
            ProgressState::Missed
        );
    }

    #[test]
    fn interim_value_at_period_end_is_unreported_not_missed() {
        // 6 of 20 schools as of 2018-10, a three-year plan: once the plan is
        // over the 6 is an interim count, not the outcome.
        let mut t = at(goal(20.0, Comparator::AtLeast, None, Some(6.0)), "2018-10");
        t.period = Period::Span {
            start: day("2018-01-01"),
            end: day("2020-12-31"),
        };
        assert_eq!(assess(&t, day("2020-12-31")).state, ProgressState::OnTrack);
        let p = assess(&t, day("2021-01-01"));
        assert_eq!(p.state, ProgressState::Unreported);
        assert!(p.interim);
        assert_eq!(p.value, Some(6.0));
        assert_eq!(p.as_of.unwrap().to_string(), "2018-10");
        // One day before the end is still interim.
        let t2 = at(t.clone(), "2020-12-30");
        assert!(assess(&t2, day("2021-01-01")).interim);
        // An interim value that already meets the goal is met.
        let mut done = t.clone();
        done.observations[0].value = 21.0;
        assert_eq!(assess(&done, day("2021-06-01")).state, ProgressState::Met);
    }

    #[test]
    fn pace_is_judged_at_the_values_own_date_so_a_stale_value_does_not_decay() {
        // 2024 is a leap year: by 1 July 182 of 366 days have gone by (49.7%).
        let t = goal(100.0, Comparator::AtLeast, Some(0.0), Some(49.6));
        let july = at(t.clone(), "2024-07-01");
        let june = at(t, "2024-06-30");
        assert_eq!(
            assess(&july, day("2024-07-01")).state,
            ProgressState::AtRisk
        );
        assert_eq!(
            assess(&june, day("2024-06-30")).state,
            ProgressState::OnTrack
        );
        // Five months later, with no new information, the June value is
        // still on track: it is judged at its own date, and said to be old.
        let late = assess(&june, day("2024-11-30"));
        assert_eq!(late.state, ProgressState::OnTrack);
        assert_eq!(late.age_days, Some(153));
        assert!((late.expected.unwrap() - 100.0 * 181.0 / 366.0).abs() < 1e-9);
    }

    #[test]
    fn future_dated_values_are_ignored() {
        let mut t = at(
            goal(60.0, Comparator::AtLeast, None, Some(5.0)),
            "2024-03-01",
        );
        t.observations.push(obs(60.0, "2024-03-02"));
        // On 1 March the 60 of 2 March is not known yet.
        let p = assess(&t, day("2024-03-01"));
        assert_eq!(p.value, Some(5.0));
        assert_eq!(p.future_ignored, 1);
        assert_eq!(p.state, ProgressState::AtRisk);
        // The next day it is.
        let p = assess(&t, day("2024-03-02"));
        assert_eq!((p.state, p.future_ignored), (ProgressState::Met, 0));
        // A month-precise date counts from its first day.
        let m = at(goal(60.0, Comparator::AtLeast, None, Some(60.0)), "2024-04");
        assert_eq!(assess(&m, day("2024-03-31")).state, ProgressState::NoData);
        assert_eq!(assess(&m, day("2024-04-01")).state, ProgressState::Met);
    }

    #[test]
    fn a_years_result_outranks_a_value_from_inside_the_year() {
        // A report's result for the whole of 2024 ("2024", 全年) and a value
        // typed in as of 30 June: the year's result stands for the later
        // moment, so it is the one judged, as the year's result.
        let mut t = goal(60.0, Comparator::AtLeast, None, None);
        t.observations = vec![obs(55.0, "2024"), obs(30.0, "2024-06-30")];
        let p = assess(&t, day("2025-03-01"));
        assert_eq!(p.value, Some(55.0));
        assert_eq!(p.as_of.unwrap().to_string(), "2024");
        assert!(!p.interim, "a year's result is not an interim value");
        assert_eq!(p.state, ProgressState::Missed);
        t.observations[0].value = 61.0;
        assert_eq!(assess(&t, day("2025-03-01")).state, ProgressState::Met);
        // During the year it is not a future value either: a year counts
        // from its first day.
        let mid = assess(&t, day("2024-07-01"));
        assert_eq!((mid.value, mid.future_ignored), (Some(61.0), 0));
        // A value dated after the year is newer still.
        t.observations.push(obs(62.0, "2025-01-15"));
        assert_eq!(assess(&t, day("2025-03-01")).value, Some(62.0));
    }

    #[test]
    fn a_month_stands_for_its_last_day_when_values_are_compared() {
        // "2024-03" (a figure for March) reaches later than 15 March.
        let mut t = goal(60.0, Comparator::AtLeast, None, None);
        t.observations = vec![obs(20.0, "2024-03"), obs(10.0, "2024-03-15")];
        assert_eq!(assess(&t, day("2024-04-01")).value, Some(20.0));
        // On 20 March both are known; March still reaches later.
        assert_eq!(assess(&t, day("2024-03-20")).value, Some(20.0));
        // Equal last days: the one listed last (added last) wins.
        t.observations = vec![obs(20.0, "2024-03"), obs(25.0, "2024-03-31")];
        assert_eq!(assess(&t, day("2024-04-01")).value, Some(25.0));
    }

    #[test]
    fn newest_value_wins_and_ties_keep_the_last_added() {
        let mut t = at(
            goal(60.0, Comparator::AtLeast, None, Some(10.0)),
            "2024-03-01",
        );
        t.observations.push(obs(20.0, "2024-05-01"));
        t.observations.push(obs(25.0, "2024-05-01"));
        assert_eq!(assess(&t, day("2024-06-01")).value, Some(25.0));
        assert_eq!(assess(&t, day("2024-04-01")).value, Some(10.0));
    }

    #[test]
    fn missing_actual_is_no_data_while_running_and_unreported_after() {
        let t = goal(60.0, Comparator::AtLeast, None, None);
        assert_eq!(assess(&t, day("2024-12-31")).state, ProgressState::NoData);
        assert_eq!(assess(&t, day("2023-05-01")).state, ProgressState::NoData);
        let after = assess(&t, day("2025-01-01"));
        assert_eq!(after.state, ProgressState::Unreported);
        assert!(!after.interim);
    }

    #[test]
    fn baseline_equal_to_target() {
        let t = at(
            goal(20.0, Comparator::AtLeast, Some(20.0), Some(20.0)),
            "2024-03",
        );
        let p = assess(&t, day("2024-03-01"));
        assert_eq!(p.state, ProgressState::Met);
        assert_eq!(p.percent, Some(100.0));
        let short = at(
            goal(20.0, Comparator::AtLeast, Some(20.0), Some(19.0)),
            "2024-03",
        );
        assert_eq!(assess(&short, day("2024-03-01")).percent, Some(0.0));
    }

    #[test]
    fn at_most_goal_fills_the_right_way() {
        // Reduce from 100 to at most 60.
        let t = goal(60.0, Comparator::AtMost, Some(100.0), Some(80.0));
        let mid = assess(&t, day("2024-07-01"));
        assert!((mid.percent.unwrap() - 50.0).abs() < 1e-9);
        assert_eq!(mid.state, ProgressState::OnTrack);
        let dec = at(t, "2024-12-01");
        assert_eq!(assess(&dec, day("2024-12-01")).state, ProgressState::AtRisk);
        let done = at(
            goal(60.0, Comparator::AtMost, Some(100.0), Some(55.0)),
            "2024-02",
        );
        assert_eq!(assess(&done, day("2024-02-01")).state, ProgressState::Met);
        let end = at(
            goal(60.0, Comparator::AtMost, Some(100.0), Some(70.0)),
            "2024-12-31",
        );
        assert_eq!(assess(&end, day("2025-01-01")).state, ProgressState::Missed);
    }

    #[test]
    fn exact_goal() {
        let t = at(
            goal(24.0, Comparator::Exactly, Some(20.0), Some(24.0)),
            "2024-06-01",
        );
        assert_eq!(assess(&t, day("2024-06-01")).state, ProgressState::Met);
        let t = at(
            goal(24.0, Comparator::Exactly, Some(20.0), Some(25.0)),
            "2024",
        );
        assert_eq!(assess(&t, day("2025-06-01")).state, ProgressState::Missed);
    }

    #[test]
    fn result_without_goal_is_reported() {
        let mut t = at(goal(1.0, Comparator::AtLeast, None, Some(108.0)), "2019");
        t.target = None;
        t.comparator = None;
        let p = assess(&t, day("2020-01-01"));
        assert_eq!(p.state, ProgressState::Reported);
        assert_eq!(p.percent, None);
        assert_eq!(p.value, Some(108.0));
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
        let dec = at(t.clone(), "2018-12-31");
        assert_eq!(assess(&dec, day("2018-12-31")).state, ProgressState::AtRisk);
        let oct = at(t, "2018-10-01");
        assert_eq!(
            assess(&oct, day("2018-10-01")).state,
            ProgressState::OnTrack
        );
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
                source: Some("s".into()),
                quote: Some("q".into()),
                slipped_from: vec![],
                ..Default::default()
            }],
            history: vec![],
            sources: vec![],
            ..Default::default()
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

#[cfg(test)]
mod slip_tests {
    use super::*;
    use crate::domain::date::{parse_day, PartialDate};
    use crate::domain::model::Slip;

    fn erfeng() -> Project {
        Project {
            id: "erfeng".into(),
            name_zh: "而丰智能产业园".into(),
            name_en: "Erfeng".into(),
            aliases: vec![],
            chain: "c".into(),
            area: None,
            parent: None,
            status: Status::Signed,
            note: None,
            figures: vec![],
            milestones: vec![Milestone {
                due: PartialDate::parse("2024").unwrap(),
                expect: Status::UnderConstruction,
                text: "开工".into(),
                reached: None,
                source: Some("r2024a".into()),
                quote: Some("q".into()),
                slipped_from: vec![Slip {
                    due: PartialDate::parse("2023").unwrap(),
                    note: None,
                    source: Some("r2022".into()),
                    quote: Some("q".into()),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            history: vec![],
            sources: vec![],
            ..Default::default()
        }
    }

    #[test]
    fn only_the_current_date_counts_as_overdue_and_a_slip_needs_attention() {
        let p = erfeng();
        let m = &p.milestones[0];
        assert_eq!(m.slip_label().unwrap(), "slipped from 2023 to 2024");
        assert_eq!(m.original_due().to_string(), "2023");
        // In 2024 the original 2023 date has passed, but only 2024 counts.
        let mid = parse_day("2024-06-01").unwrap();
        assert!(!is_overdue(&p, m, mid));
        assert!(project_needs_attention(&p, mid), "a slip needs attention");
        assert_eq!(slipped_milestones(&p).len(), 1);
        assert!(is_overdue(&p, m, parse_day("2025-01-01").unwrap()));
        // Reached: neither overdue nor a slip to look at.
        let mut done = p.clone();
        done.status = Status::UnderConstruction;
        assert!(!project_needs_attention(
            &done,
            parse_day("2025-01-01").unwrap()
        ));
        assert!(slipped_milestones(&done).is_empty());
    }
}
