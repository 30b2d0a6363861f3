//! The tracker's records. Plain data: no YAML, no files, no terminal.

use super::date::PartialDate;
use super::status::Status;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

crate::record! {
    /// A field a merge found set two ways: the file keeps ours, and this
    /// says what each side had and who made it, until it is resolved
    /// (`resolve`, or the interface's Conflicts view). `field` names it as
    /// `edit` does (`status`, `milestones[1].due`); `(record)` is the
    /// record itself, removed on one side and changed on the other.
    pub struct Conflict ("conflict") {
        field: String = Text, Required, identity;
        base: Option<String> = Text, Optional;
        ours: Option<String> = Text, Optional;
        theirs: Option<String> = Text, Optional;
        ours_by: Option<String> = Text, Optional;
        theirs_by: Option<String> = Text, Optional;
    }
}

crate::record! {
    #[doc = "The whole file: its schema version and its five lists."]
    pub struct Tracker ("tracker") {
        schema_version: u32 = Typed, Required;
        sources: Vec<Source> = Typed, Required;
        chains: Vec<Chain> = Typed, Required;
        areas: Vec<Area> = Typed, Required;
        #[serde(deserialize_with = "long_list")]
        projects: Vec<Project> = Typed, Required;
        #[serde(deserialize_with = "long_list")]
        targets: Vec<Target> = Typed, Required;
    }
}

/// A city's list of records read from the cache (postcard, which states
/// the length first) into room for all of them at once. serde's `Vec`
/// reserves at most 1 MiB ahead and doubles from there: moving the
/// records again and again took a cached load at 10k projects from 25 to
/// 31 ms (median of 15). Bounded all the same: the length is only checked
/// against the cache's checksum at its end.
fn long_list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    struct Items<T>(std::marker::PhantomData<T>);
    impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for Items<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of records")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            const MOST_AHEAD: usize = 1 << 20;
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MOST_AHEAD));
            while let Some(item) = seq.next_element()? {
                out.push(item);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Items(std::marker::PhantomData))
}

crate::record! {
    /// A report: the file under `seeds/` and how it was dated.
    pub struct Source ("source") {
        id: String = Id, Required, identity;
        file: String = Text, Required;
        title: String = Text, Required;
        outlet: Option<String> = Text, Optional;
        author: Option<String> = Text, Optional;
        published: PartialDate = Typed, Required;
        dating_note: Option<String> = Note, Optional;
        /// Who added it (a person's name; see `who`).
        by: Option<String> = Text, Optional;
        /// What a merge could not settle: each field set two ways (see
        /// `domain::merge`); absent once resolved.
        conflicts: Vec<Conflict> = Typed, Optional;
    }
}

crate::record! {
    /// An industry chain (the "2+6") or another kind of work.
    pub struct Chain ("chain") {
        id: String = Id, Required, identity;
        name_zh: String = Text, Required;
        name_en: String = Text, Required;
        aliases: Vec<String> = Typed, Defaulted;
        /// One of the district's "2+6" featured industry chains.
        featured: bool = Typed, Defaulted;
        note: Option<String> = Note, Optional;
        /// What a merge could not settle: each field set two ways (see
        /// `domain::merge`); absent once resolved.
        conflicts: Vec<Conflict> = Typed, Optional;
    }
}

crate::record! {
    pub struct Area ("area") {
        id: String = Id, Required, identity;
        name_zh: String = Text, Required;
        name_en: String = Text, Required;
        aliases: Vec<String> = Typed, Defaulted;
        note: Option<String> = Note, Optional;
        /// What a merge could not settle: each field set two ways (see
        /// `domain::merge`); absent once resolved.
        conflicts: Vec<Conflict> = Typed, Optional;
    }
}

crate::record! {
    /// Where a fact comes from: a source id and the words copied from it.
    pub struct Evidence ("quote") {
        source: String = Id, Required, identity;
        quote: String = Text, Required, identity;
    }
}

crate::record! {
    /// A number a report gives about a project (its area, its investment).
    pub struct Figure ("figure") {
        value: f64 = Typed, Required, identity;
        unit: String = Text, Required, identity;
        measures: String = Text, Required, identity;
        source: String = Id, Required, identity;
        quote: String = Text, Required, identity;
    }
}

crate::record! {
    /// A promise with a date: "expected to open in 2023".
    pub struct Milestone ("milestone") {
        /// The date now promised; only this one can make the milestone overdue.
        due: PartialDate = Typed, Required, edit;
        expect: Status = Typed, Required, edit;
        text: String = Text, Required, identity;
        reached: Option<PartialDate> = Typed, Optional;
        /// The report promising it and its words; absent on a milestone a
        /// person added from what they know (`note`), until it is cited.
        source: Option<String> = Id, Optional;
        quote: Option<String> = Text, Optional;
        /// Earlier promised dates, oldest first: a promise that slipped keeps
        /// every date it was once given, with the words that gave it.
        slipped_from: Vec<Slip> = Typed, Optional, since 2;
        /// Who marked it reached.
        reached_by: Option<String> = Text, Optional;
        /// What a person knows of it, in their words: what a milestone no
        /// report states yet rests on (kept when it is cited later).
        note: Option<String> = Note, Optional, edit;
        /// Who added it, when a person did.
        by: Option<String> = Text, Optional;
        /// Taken back (`remove-milestone`): kept in the file, ignored.
        retracted: Option<Box<Retraction>> = Typed, Optional;
        /// The mark `reached` taken back: the milestone is open again.
        mark_retracted: Option<Box<Retraction>> = Typed, Optional;
    }
}

crate::record! {
    /// Why an entry a person made no longer counts: who took it back, when
    /// and why. The entry stays in the file, marked, so an audit sees it and
    /// a team's merge cannot bring it back as a new entry.
    pub struct Retraction ("retraction") {
        by: Option<String> = Text, Optional;
        date: PartialDate = Typed, Required;
        reason: String = Note, Required;
    }
}

crate::boxed_nested!(Retraction, Noted);

crate::record! {
    /// What a record no report states yet rests on: a person's own words,
    /// who wrote them and when. Kept when the record is cited later.
    pub struct Noted ("note") {
        note: String = Note, Required;
        by: Option<String> = Text, Optional;
        date: PartialDate = Typed, Required;
    }
}

crate::record! {
    /// A due date a milestone had before it was moved later.
    pub struct Slip ("slip") {
        due: PartialDate = Typed, Required, identity;
        /// Why or by whom it was moved, for slips typed by users.
        note: Option<String> = Note, Optional;
        source: Option<String> = Id, Optional;
        quote: Option<String> = Text, Optional;
        /// Who entered it, when a person did (absent on what a report gave).
        by: Option<String> = Text, Optional;
        /// Taken back: the due date went back to this one.
        retracted: Option<Box<Retraction>> = Typed, Optional;
    }
}

impl HistoryEntry {
    /// Whether it counts: not taken back.
    pub fn stands(&self) -> bool {
        self.retracted.is_none()
    }

    /// Whether a report gave it (and so it may never be taken back).
    pub fn is_quoted(&self) -> bool {
        self.quote.is_some()
    }
}

/// The newest history entry that set a status, with its index: the latest
/// by date, and of equal dates the one added last. A date known only to a
/// month or year counts from its first day.
pub fn newest_status_entry(p: &Project) -> Option<(usize, &HistoryEntry)> {
    p.history
        .iter()
        .enumerate()
        .filter(|(_, h)| h.status.is_some() && h.stands())
        .max_by_key(|(i, h)| (h.date.first_day(), *i))
}

impl Project {
    /// Rests on a person's note, no report cited yet.
    pub fn rests_on_note(&self) -> bool {
        self.sources.is_empty() && self.noted.is_some()
    }
}

impl Milestone {
    /// The slips that stand (not retracted), oldest first.
    pub fn slips(&self) -> impl DoubleEndedIterator<Item = &Slip> {
        self.slipped_from.iter().filter(|s| s.retracted.is_none())
    }

    /// The date first promised: the oldest slip, or the due date itself.
    pub fn original_due(&self) -> PartialDate {
        self.slips().next().map_or(self.due, |s| s.due)
    }

    /// "slipped from 2023 to 2024", when the promise was moved later.
    pub fn slip_label(&self) -> Option<String> {
        let from = self.slips().next()?;
        Some(format!("slipped from {} to {}", from.due, self.due))
    }

    /// The day it was marked reached, unless the mark was taken back.
    pub fn reached_on(&self) -> Option<PartialDate> {
        self.reached.filter(|_| self.mark_retracted.is_none())
    }

    /// Whether it counts: not taken back.
    pub fn stands(&self) -> bool {
        self.retracted.is_none()
    }

    /// Whether a report gave it (and so it may never be taken back).
    pub fn is_quoted(&self) -> bool {
        self.quote.is_some()
    }
}

crate::record! {
    /// Something that happened to a project, with the status it set if any.
    pub struct HistoryEntry ("history entry") {
        date: PartialDate = Typed, Required, identity;
        status: Option<Status> = Typed, Optional, identity;
        note: String = Note, Defaulted, identity;
        /// Entries copied from a report cite it; entries typed by users do not.
        source: Option<String> = Id, Optional;
        quote: Option<String> = Text, Optional;
        /// Who entered it, when a person did (absent on what a report gave).
        by: Option<String> = Text, Optional;
        /// The status before it, for a status change a person made: what the
        /// project goes back to when the change is taken back.
        from: Option<Status> = Typed, Optional;
        /// Taken back: kept in the file, ignored.
        retracted: Option<Box<Retraction>> = Typed, Optional;
    }
}

crate::record! {
    pub struct Project ("project") {
        id: String = Id, Required, identity;
        name_zh: String = Text, Required, edit;
        name_en: String = Text, Required, edit;
        aliases: Vec<String> = Typed, Defaulted, edit;
        chain: String = Id, Required, edit;
        area: Option<String> = Id, Optional, edit;
        parent: Option<String> = Id, Optional, edit;
        status: Status = Typed, Required;
        note: Option<String> = Note, Optional, edit;
        figures: Vec<Figure> = Typed, Optional;
        milestones: Vec<Milestone> = Typed, Optional;
        history: Vec<HistoryEntry> = Typed, Optional;
        sources: Vec<Evidence> = Typed, Required;
        /// What it rests on while no report states it (`sources` empty),
        /// kept when it is cited later.
        noted: Option<Box<Noted>> = Typed, Optional;
        /// Who added it, when a person did.
        by: Option<String> = Text, Optional;
        /// What a merge could not settle: each field set two ways (see
        /// `domain::merge`); absent once resolved.
        conflicts: Vec<Conflict> = Typed, Optional;
    }
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

/// A placeholder while a record is read (a period is required).
impl Default for Period {
    fn default() -> Self {
        Period::Year(1)
    }
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

crate::record! {
    pub struct Baseline ("baseline") {
        value: f64 = Typed, Required;
        date: PartialDate = Typed, Required;
        source: Option<String> = Id, Optional;
        quote: Option<String> = Text, Optional;
    }
}

crate::record! {
    /// A value a target had at a date: quoted from a report (`source` and
    /// `quote`) or typed by a user (`note`). Observations are only ever added;
    /// one that carries a quote is never rewritten or removed.
    pub struct Observation ("observation") {
        value: f64 = Typed, Required, identity;
        /// As-of date; as precise as the report allows ("2018-10" for 目前 in an October report).
        date: PartialDate = Typed, Required, identity;
        note: Option<String> = Note, Optional;
        source: Option<String> = Id, Optional;
        quote: Option<String> = Text, Optional;
        /// Who entered it, when a person did (absent on what a report gave).
        by: Option<String> = Text, Optional;
        /// Taken back (a mistyped value): kept in the file, ignored by
        /// progress, charts and states.
        retracted: Option<Box<Retraction>> = Typed, Optional;
    }
}

impl Observation {
    /// Whether a report gave it (and so it may never be removed).
    pub fn is_quoted(&self) -> bool {
        self.quote.is_some()
    }

    /// Whether it counts: not taken back.
    pub fn stands(&self) -> bool {
        self.retracted.is_none()
    }

    /// Dated after `today`: not known yet, so ignored in progress.
    pub fn is_future(&self, today: NaiveDate) -> bool {
        self.date.first_day() > today
    }
}

crate::record! {
    pub struct Target ("target") {
        id: String = Id, Required, identity;
        metric_zh: String = Text, Required, edit;
        metric_en: String = Text, Required, edit;
        chain: String = Id, Required, edit;
        area: Option<String> = Id, Optional, edit;
        period: Period = Typed, Required, edit;
        comparator: Option<Comparator> = Typed, Optional, edit;
        /// Absent for a result a report gives with no goal attached.
        target: Option<f64> = Typed, Optional, edit;
        unit: String = Text, Required, edit;
        /// Whether the measure is counted afresh each period (new firms this
        /// year) rather than a level (buildings standing, total fund size).
        measure: Measure = Typed, Optional, edit;
        /// The measure this target belongs to across periods ("gdp"): targets
        /// sharing it form a series (2023's result, 2024's goal, …).
        metric: Option<String> = Id, Optional, edit, since 2;
        baseline: Option<Baseline> = Typed, Optional;
        /// Sorted by date; equal dates keep the order they were added in.
        observations: Vec<Observation> = Typed, Optional, since 2, earlier "actual";
        note: Option<String> = Note, Optional, edit;
        sources: Vec<Evidence> = Typed, Required;
        /// What it rests on while no report states it (`sources` empty),
        /// kept when it is cited later.
        noted: Option<Box<Noted>> = Typed, Optional;
        /// Who added it, when a person did.
        by: Option<String> = Text, Optional;
        /// What a merge could not settle: each field set two ways (see
        /// `domain::merge`); absent once resolved.
        conflicts: Vec<Conflict> = Typed, Optional;
    }
    settle = Target::sort_observations;
}

impl Target {
    /// Rests on a person's note, no report cited yet.
    pub fn rests_on_note(&self) -> bool {
        self.sources.is_empty() && self.noted.is_some()
    }

    /// By date; a stable sort keeps the order of equal dates.
    fn sort_observations(&mut self) {
        self.observations.sort_by_key(|x| x.date);
    }

    /// The value that stands on `today`: the newest observation dated on or
    /// before it (later ones are not known yet). Newest is the one whose
    /// date reaches latest, its last day: a year's result ("2024", 全年)
    /// outranks a value of "2024-06-30"; of equal last days, the one listed
    /// last (docs/schema.md, "Progress states").
    pub fn current(&self, today: NaiveDate) -> Option<&Observation> {
        self.observations
            .iter()
            .filter(|o| o.stands() && !o.is_future(today))
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
