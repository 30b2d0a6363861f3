//! The tracker's records. Plain data: no YAML, no files, no terminal.

use super::date::PartialDate;
use super::status::Status;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tracker {
    pub schema_version: u32,
    pub sources: Vec<Source>,
    pub chains: Vec<Chain>,
    pub areas: Vec<Area>,
    pub projects: Vec<Project>,
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub id: String,
    pub file: String,
    pub title: String,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub published: PartialDate,
    pub dating_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chain {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// One of the district's "2+6" featured industry chains.
    pub featured: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Area {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub note: Option<String>,
}

/// Where a fact comes from: a source id and the words copied from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub source: String,
    pub quote: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub value: f64,
    pub unit: String,
    pub measures: String,
    pub source: String,
    pub quote: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    /// The date now promised; only this one can make the milestone overdue.
    pub due: PartialDate,
    pub expect: Status,
    pub text: String,
    pub reached: Option<PartialDate>,
    pub source: String,
    pub quote: String,
    /// Earlier promised dates, oldest first: a promise that slipped keeps
    /// every date it was once given, with the words that gave it.
    #[serde(default)]
    pub slipped_from: Vec<Slip>,
}

/// A due date a milestone had before it was moved later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slip {
    pub due: PartialDate,
    /// Why or by whom it was moved, for slips typed by users.
    pub note: Option<String>,
    pub source: Option<String>,
    pub quote: Option<String>,
}

impl Milestone {
    /// The date first promised: the oldest slip, or the due date itself.
    pub fn original_due(&self) -> PartialDate {
        self.slipped_from.first().map_or(self.due, |s| s.due)
    }

    /// "slipped from 2023 to 2024", when the promise was moved later.
    pub fn slip_label(&self) -> Option<String> {
        let from = self.slipped_from.first()?;
        Some(format!("slipped from {} to {}", from.due, self.due))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub date: PartialDate,
    pub status: Option<Status>,
    pub note: String,
    /// Entries copied from a report cite it; entries typed by users do not.
    pub source: Option<String>,
    pub quote: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub chain: String,
    pub area: Option<String>,
    pub parent: Option<String>,
    pub status: Status,
    pub note: Option<String>,
    #[serde(default)]
    pub figures: Vec<Figure>,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    pub sources: Vec<Evidence>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparator {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = "=")]
    Exactly,
}

impl Comparator {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => ">=",
            Comparator::AtMost => "<=",
            Comparator::Exactly => "=",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            ">=" | "≥" => Some(Comparator::AtLeast),
            "<=" | "≤" => Some(Comparator::AtMost),
            "=" | "==" => Some(Comparator::Exactly),
            _ => None,
        }
    }
}

/// The time a goal or result covers: a calendar year or an explicit span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Year(i32),
    Span { start: NaiveDate, end: NaiveDate },
}

impl Period {
    pub fn start(&self) -> NaiveDate {
        match *self {
            Period::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN),
            Period::Span { start, .. } => start,
        }
    }

    pub fn end(&self) -> NaiveDate {
        match *self {
            Period::Year(y) => NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX),
            Period::Span { end, .. } => end,
        }
    }

    pub fn label(&self) -> String {
        match *self {
            Period::Year(y) => y.to_string(),
            Period::Span { start, end } => {
                let whole_years =
                    start.month() == 1 && start.day() == 1 && end.month() == 12 && end.day() == 31;
                if whole_years {
                    format!("{}-{}", start.year(), end.year())
                } else {
                    format!("{start} to {end}")
                }
            }
        }
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        if !s.is_human_readable() {
            // Binary forms (the cache) keep which of the two it is.
            return PeriodForm::from(*self).serialize(s);
        }
        let mut st = s.serialize_struct("Period", 2)?;
        st.serialize_field("start", &self.start().to_string())?;
        st.serialize_field("end", &self.end().to_string())?;
        st.end()
    }
}

/// A period in binary forms: the year, or the days since the common era.
#[derive(Serialize, Deserialize)]
enum PeriodForm {
    Year(i32),
    Span(i32, i32),
}

impl From<Period> for PeriodForm {
    fn from(p: Period) -> Self {
        match p {
            Period::Year(y) => PeriodForm::Year(y),
            Period::Span { start, end } => {
                PeriodForm::Span(start.num_days_from_ce(), end.num_days_from_ce())
            }
        }
    }
}

/// Reads a period as the tracker file writes it (`2024`, or `{start:
/// "2018-01-01", end: "2020-12-31"}`), or in its binary form.
impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        if !d.is_human_readable() {
            let day = |n| {
                NaiveDate::from_num_days_from_ce_opt(n)
                    .ok_or_else(|| D::Error::custom("a day out of range"))
            };
            return match PeriodForm::deserialize(d)? {
                PeriodForm::Year(y) => Ok(Period::Year(y)),
                PeriodForm::Span(start, end) => Ok(Period::Span {
                    start: day(start)?,
                    end: day(end)?,
                }),
            };
        }
        d.deserialize_any(PeriodVisitor)
    }
}

struct PeriodVisitor;

impl<'de> serde::de::Visitor<'de> for PeriodVisitor {
    type Value = Period;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a four-digit year, or {start: \"YYYY-MM-DD\", end: \"YYYY-MM-DD\"}")
    }

    fn visit_i64<E: serde::de::Error>(self, y: i64) -> Result<Period, E> {
        match i32::try_from(y) {
            Ok(y) if (1000..=9999).contains(&y) => Ok(Period::Year(y)),
            _ => Err(E::custom(format!("{y} is not a year"))),
        }
    }

    fn visit_u64<E: serde::de::Error>(self, y: u64) -> Result<Period, E> {
        self.visit_i64(i64::try_from(y).unwrap_or(i64::MAX))
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Period, E> {
        match PartialDate::parse(s) {
            Some(d) if d.month.is_none() => Ok(Period::Year(d.year)),
            _ => Err(E::invalid_value(serde::de::Unexpected::Str(s), &self)),
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Period, A::Error> {
        use serde::de::Error;
        let (mut start, mut end) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            let slot = match key.as_str() {
                "start" => &mut start,
                "end" => &mut end,
                other => return Err(A::Error::unknown_field(other, &["start", "end"])),
            };
            let text: String = map.next_value()?;
            let day = super::date::parse_day(&text)
                .ok_or_else(|| A::Error::custom(format!("\"{text}\" is not a day (YYYY-MM-DD)")))?;
            *slot = Some(day);
        }
        let start = start.ok_or_else(|| A::Error::missing_field("start"))?;
        let end = end.ok_or_else(|| A::Error::missing_field("end"))?;
        if end < start {
            return Err(A::Error::custom(format!(
                "the period ends ({end}) before it starts ({start})"
            )));
        }
        Ok(Period::Span { start, end })
    }
}

/// A level is approached from its baseline; a flow starts from zero every
/// period, its baseline being only the previous period's figure to compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    #[default]
    Level,
    Flow,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub value: f64,
    pub date: PartialDate,
    pub source: Option<String>,
    pub quote: Option<String>,
}

/// A value a target had at a date: quoted from a report (`source` and
/// `quote`) or typed by a user (`note`). Observations are only ever added;
/// one that carries a quote is never rewritten or removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub value: f64,
    /// As-of date; as precise as the report allows ("2018-10" for 目前 in an October report).
    pub date: PartialDate,
    pub note: Option<String>,
    pub source: Option<String>,
    pub quote: Option<String>,
}

impl Observation {
    /// Whether a report gave it (and so it may never be removed).
    pub fn is_quoted(&self) -> bool {
        self.quote.is_some()
    }

    /// Dated after `today`: not known yet, so ignored in progress.
    pub fn is_future(&self, today: NaiveDate) -> bool {
        self.date.first_day() > today
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub id: String,
    pub metric_zh: String,
    pub metric_en: String,
    pub chain: String,
    pub area: Option<String>,
    pub period: Period,
    pub comparator: Option<Comparator>,
    /// Absent for a result a report gives with no goal attached.
    pub target: Option<f64>,
    pub unit: String,
    /// Whether the measure is counted afresh each period (new firms this
    /// year) rather than a level (buildings standing, total fund size).
    #[serde(default)]
    pub measure: Measure,
    /// The measure this target belongs to across periods ("gdp"): targets
    /// sharing it form a series (2023's result, 2024's goal, …).
    pub metric: Option<String>,
    pub baseline: Option<Baseline>,
    /// Sorted by date; equal dates keep the order they were added in.
    #[serde(default)]
    pub observations: Vec<Observation>,
    pub note: Option<String>,
    pub sources: Vec<Evidence>,
}

impl Target {
    /// The value that stands on `today`: the newest observation dated on or
    /// before it (later ones are not known yet). Newest is the one whose
    /// date reaches latest, its last day: a year's result ("2024", 全年)
    /// outranks a value of "2024-06-30"; of equal last days, the one listed
    /// last (docs/schema.md, "Progress states").
    pub fn current(&self, today: NaiveDate) -> Option<&Observation> {
        self.observations
            .iter()
            .filter(|o| !o.is_future(today))
            .max_by_key(|o| o.date.last_day())
    }

    /// Where an observation dated `date` goes to keep the list sorted:
    /// after every one dated on or before it.
    pub fn insertion_point(&self, date: PartialDate) -> usize {
        self.observations.partition_point(|o| o.date <= date)
    }
}

impl Tracker {
    pub fn project(&self, id: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.id == id)
    }

    pub fn target(&self, id: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.id == id)
    }

    pub fn chain(&self, id: &str) -> Option<&Chain> {
        self.chains.iter().find(|c| c.id == id)
    }

    pub fn area(&self, id: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The targets measuring `metric`, in period order.
    pub fn series(&self, metric: &str) -> Vec<&Target> {
        let mut v: Vec<&Target> = self
            .targets
            .iter()
            .filter(|t| t.metric.as_deref() == Some(metric))
            .collect();
        v.sort_by_key(|t| (t.period.start(), t.period.end()));
        v
    }
}

/// The schema this version of the tracker writes. Version 1 (one `actual`
/// per target) is still read, and written back as version 1 until it is
/// migrated.
pub const SCHEMA_VERSION: u32 = 2;

/// Formats a number without a trailing ".0" (30, not 30.0; 1.8 stays 1.8).
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}
