//! Entering records in the interface: the form (`n`, `E`), the reader of a
//! report with its quoted passages, and the "cite as" step between them.
//! State and pure logic only; `update::records` changes them, `ui::form`
//! and `ui::reader` draw them.

use crate::domain::edit::Edit;
use crate::domain::records::{self, closest_passage, parse_period, period_text};
use crate::domain::search::{NameKeys, Query, SearchIndex};
use crate::domain::*;
use crate::store::validate::squeeze;
use crate::text::wrap_ranges;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::ops::Range;

/// What a form makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Project,
    /// A goal (target and comparator) or a result (a value only).
    Goal,
    /// A dated event in an existing project's history, quoted.
    History,
    /// A value of an existing goal or result, quoted.
    Observation,
}

impl FormKind {
    pub fn title(self, editing: bool) -> &'static str {
        match (self, editing) {
            (FormKind::Project, false) => "New project",
            (FormKind::Project, true) => "Edit project",
            (FormKind::Goal, false) => "New goal or result",
            (FormKind::Goal, true) => "Edit goal or result",
            (FormKind::History, _) => "New history entry",
            (FormKind::Observation, _) => "New observation",
        }
    }
}

/// Fields whose text picks one of a list, filtered as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Chain,
    Area,
    Status,
    Project,
    Target,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// As spelled in the schema (`name_zh`), or `value`/`date` for an observation.
    pub key: &'static str,
    pub label: &'static str,
    pub text: String,
    pub required: bool,
    pub choice: Option<Choice>,
    /// Why the text was refused, shown beside the field.
    pub error: Option<String>,
}

impl Field {
    /// A note: free prose, which may hold line breaks and tabs (as the
    /// file's `note` fields may), where other fields are one line.
    pub fn is_note(&self) -> bool {
        self.key == "note"
    }
}

fn field(key: &'static str, label: &'static str, required: bool) -> Field {
    Field {
        key,
        label,
        text: String::new(),
        required,
        choice: None,
        error: None,
    }
}

fn chosen(key: &'static str, label: &'static str, required: bool, c: Choice) -> Field {
    Field {
        choice: Some(c),
        ..field(key, label, required)
    }
}

/// The form of `n` and `E` (and of "cite as").
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub kind: FormKind,
    /// The record `E` opened it on; `None` for a new one.
    pub editing: Option<String>,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Something was typed: Esc asks before dropping it.
    pub typed: bool,
    /// The focus just arrived: typing in a choice field replaces its text
    /// (a default such as "planned" is shown to be replaced).
    pub fresh: bool,
    /// A refusal not tied to one field.
    pub error: Option<String>,
    /// The reader it was opened from ("cite as"), to go back to.
    pub back: Option<Box<Reader>>,
}

impl Form {
    fn of(kind: FormKind, fields: Vec<Field>) -> Form {
        Form {
            kind,
            editing: None,
            fields,
            focus: 0,
            typed: false,
            fresh: true,
            error: None,
            back: None,
        }
    }

    /// Fields in the order the issue gives: names, chain, area, status,
    /// note, then the evidence.
    pub fn new_project() -> Form {
        let mut status = chosen("status", "Status", true, Choice::Status);
        status.text = "planned".into();
        Form::of(
            FormKind::Project,
            vec![
                field("name_zh", "Chinese name", true),
                field("name_en", "English name", true),
                chosen("chain", "Chain", true, Choice::Chain),
                chosen("area", "Area", false, Choice::Area),
                status,
                field("note", "Note", false),
                field("source", "Source", true),
                field("quote", "Quote", true),
            ],
        )
    }

    /// A goal: metric names, chain, period, comparator, target, unit; a
    /// result leaves comparator and target empty and gives a value.
    pub fn new_goal() -> Form {
        Form::of(
            FormKind::Goal,
            vec![
                field("metric_zh", "Chinese metric", true),
                field("metric_en", "English metric", true),
                chosen("chain", "Chain", true, Choice::Chain),
                field("period", "Period", true),
                field("comparator", "Comparator", false),
                field("target", "Target", false),
                field("unit", "Unit", true),
                field("value", "Value (a result)", false),
                field("source", "Source", true),
                field("quote", "Quote", true),
            ],
        )
    }

    pub fn new_history() -> Form {
        Form::of(
            FormKind::History,
            vec![
                chosen("project", "Project", true, Choice::Project),
                field("date", "Date", true),
                field("note", "What happened", true),
                field("source", "Source", true),
                field("quote", "Quote", true),
            ],
        )
    }

    pub fn new_observation() -> Form {
        Form::of(
            FormKind::Observation,
            vec![
                chosen("target", "Goal or result", true, Choice::Target),
                field("value", "Value", true),
                field("date", "As of", true),
                field("source", "Source", true),
                field("quote", "Quote", true),
            ],
        )
    }

    /// `E` on a project: its scalar fields, filled in. Its evidence stays
    /// as it is (a quote is never rewritten).
    pub fn edit_project(p: &Project) -> Form {
        let mut f = Form::of(
            FormKind::Project,
            vec![
                field("name_zh", "Chinese name", true),
                field("name_en", "English name", true),
                chosen("chain", "Chain", true, Choice::Chain),
                chosen("area", "Area", false, Choice::Area),
                chosen("status", "Status", true, Choice::Status),
                field("note", "Note", false),
            ],
        );
        f.editing = Some(p.id.clone());
        f.set("name_zh", &p.name_zh);
        f.set("name_en", &p.name_en);
        f.set("chain", &p.chain);
        f.set("area", p.area.as_deref().unwrap_or(""));
        f.set("status", p.status.id());
        f.set("note", p.note.as_deref().unwrap_or(""));
        f
    }

    pub fn edit_goal(x: &Target) -> Form {
        let mut f = Form::of(
            FormKind::Goal,
            vec![
                field("metric_zh", "Chinese metric", true),
                field("metric_en", "English metric", true),
                chosen("chain", "Chain", true, Choice::Chain),
                field("period", "Period", true),
                field("comparator", "Comparator", false),
                field("target", "Target", false),
                field("unit", "Unit", true),
            ],
        );
        f.editing = Some(x.id.clone());
        f.set("metric_zh", &x.metric_zh);
        f.set("metric_en", &x.metric_en);
        f.set("chain", &x.chain);
        f.set("period", &period_text(&x.period));
        f.set("comparator", x.comparator.map_or("", |c| c.symbol()));
        f.set("target", &x.target.map_or(String::new(), format_number));
        f.set("unit", &x.unit);
        f
    }

    pub fn set(&mut self, key: &str, text: &str) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.key == key) {
            f.text = text.to_string();
        }
    }

    pub fn get(&self, key: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map_or("", |f| f.text.trim())
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    fn error_at(&mut self, key: &str, message: impl Into<String>) {
        let message = message.into();
        match self.fields.iter_mut().find(|f| f.key == key) {
            Some(f) => {
                if f.error.is_none() {
                    f.error = Some(message);
                }
            }
            None => self.error = Some(message),
        }
    }

    pub fn has_errors(&self) -> bool {
        self.error.is_some() || self.fields.iter().any(|f| f.error.is_some())
    }
}

/// The choices a chain, area, status, project or target field offers for
/// what is typed, best first, as (id, label): the same engine as `/`,
/// pinyin included. All of them when nothing is typed.
pub fn choices(
    t: &Tracker,
    index: &SearchIndex,
    choice: Choice,
    typed: &str,
) -> Vec<(String, String)> {
    let typed = typed.trim();
    match choice {
        Choice::Chain => {
            let ix: Vec<usize> = if typed.is_empty() {
                (0..t.chains.len()).collect()
            } else {
                index.filter_chains(typed)
            };
            let mut v: Vec<(String, String)> = ix
                .into_iter()
                .filter_map(|i| t.chains.get(i))
                .map(|c| (c.id.clone(), format!("{} {}", c.name_zh, c.name_en)))
                .collect();
            exact_first(&mut v, typed);
            v
        }
        Choice::Area => {
            let ix: Vec<usize> = if typed.is_empty() {
                (0..t.areas.len()).collect()
            } else {
                index.filter_areas(typed)
            };
            let mut v: Vec<(String, String)> = ix
                .into_iter()
                .filter_map(|i| t.areas.get(i))
                .map(|a| (a.id.clone(), format!("{} {}", a.name_zh, a.name_en)))
                .collect();
            exact_first(&mut v, typed);
            v
        }
        Choice::Status => {
            let mut scored: Vec<(i64, Status)> = Status::ALL
                .into_iter()
                .filter_map(|s| {
                    if typed.is_empty() {
                        return Some((0, s));
                    }
                    let best = [s.id(), s.label_zh(), s.label_en()]
                        .iter()
                        .filter_map(|l| NameKeys::new(l).matches(&typed.to_lowercase()))
                        .map(|(score, _)| score)
                        .max()?;
                    Some((best, s))
                })
                .collect();
            scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
            let mut v: Vec<(String, String)> = scored
                .into_iter()
                .map(|(_, s)| {
                    (
                        s.id().to_string(),
                        format!("{} {}", s.label_zh(), s.label_en()),
                    )
                })
                .collect();
            exact_first(&mut v, typed);
            v
        }
        Choice::Project => {
            let q = Query::parse(typed);
            index
                .search_projects(t, &q)
                .into_iter()
                .filter_map(|h| t.projects.get(h.index))
                .map(|p| (p.id.clone(), format!("{} {}", p.name_zh, p.name_en)))
                .collect()
        }
        Choice::Target => {
            let q = Query::parse(typed);
            let states = vec![ProgressState::NoData; t.targets.len()];
            index
                .search_targets(&q, &states)
                .into_iter()
                .filter_map(|h| t.targets.get(h.index))
                .map(|x| {
                    (
                        x.id.clone(),
                        format!("{} {} ({})", x.metric_zh, x.metric_en, x.period.label()),
                    )
                })
                .collect()
        }
    }
}

/// An id typed in full goes first, whatever the search scored.
fn exact_first(v: &mut [(String, String)], typed: &str) {
    if let Some(i) = v.iter().position(|(id, _)| id == typed) {
        v[..=i].rotate_right(1);
    }
}

/// Whether `quote` occurs in `report` (whitespace aside), else the closest
/// passage of the report, to show beside the quote field.
pub fn check_quote(report: &str, quote: &str) -> Result<(), String> {
    let q = squeeze(quote);
    if q.is_empty() {
        return Err("copy the words from the report".into());
    }
    if squeeze(report).contains(&q) {
        return Ok(());
    }
    Err(match closest_passage(report, quote) {
        Some(p) => format!("not in the report; closest passage: {p}"),
        None => "not in the report".into(),
    })
}

/// A choice field's text as an id: the id itself, else the best match.
fn resolve_choice(
    t: &Tracker,
    index: &SearchIndex,
    c: Choice,
    text: &str,
) -> Result<String, String> {
    let found = choices(t, index, c, text);
    if let Some((id, _)) = found.iter().find(|(id, _)| id == text) {
        return Ok(id.clone());
    }
    match found.first() {
        Some((id, _)) if !text.is_empty() => Err(format!("press Tab to take {id}")),
        _ => Err("no match: type part of a name (pinyin works)".into()),
    }
}

/// Checks every field of `form` and, when all are good, the edits that
/// save it (one record; several edits only when `E` changed several
/// fields). On errors they are set beside their fields and nothing is
/// returned: nothing is written until the form is valid.
pub fn form_edits(
    form: &mut Form,
    t: &Tracker,
    index: &SearchIndex,
    reports: &HashMap<String, String>,
    today: NaiveDate,
) -> Option<Vec<Edit>> {
    form.error = None;
    for f in &mut form.fields {
        f.error = None;
        if f.required && f.text.trim().is_empty() {
            f.error = Some("required".into());
        }
    }
    // Choice fields must name one of their choices.
    let mut ids: HashMap<&'static str, String> = HashMap::new();
    for i in 0..form.fields.len() {
        let f = &form.fields[i];
        let (Some(c), text) = (f.choice, f.text.trim().to_string()) else {
            continue;
        };
        if text.is_empty() {
            continue;
        }
        match resolve_choice(t, index, c, &text) {
            Ok(id) => {
                ids.insert(f.key, id);
            }
            Err(e) => form.fields[i].error = Some(e),
        }
    }
    // The evidence: the source exists and the quote is in its report.
    let has_source = form.fields.iter().any(|f| f.key == "source");
    let evidence = if has_source {
        let source = form.get("source").to_string();
        let quote = form.get("quote").to_string();
        if !source.is_empty() && t.source(&source).is_none() {
            form.error_at("source", format!("unknown source \"{source}\""));
        } else if !source.is_empty() && !quote.is_empty() {
            match reports.get(&source) {
                Some(text) => {
                    if let Err(e) = check_quote(text, &quote) {
                        form.error_at("quote", e);
                    }
                }
                None => form.error_at("source", "its report could not be read"),
            }
        }
        Some(Evidence { source, quote })
    } else {
        None
    };
    let number = |form: &mut Form, key: &str| -> Option<f64> {
        let text = form.get(key).to_string();
        if text.is_empty() {
            return None;
        }
        match number::parse_value(&text) {
            Ok(v) => Some(v),
            Err(e) => {
                form.error_at(key, e);
                None
            }
        }
    };
    let date = |form: &mut Form, key: &str| -> Option<PartialDate> {
        let text = form.get(key).to_string();
        if text.is_empty() {
            return None;
        }
        let d = PartialDate::parse(&text);
        if d.is_none() {
            form.error_at(key, "write YYYY, YYYY-MM or YYYY-MM-DD");
        }
        d
    };
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let edits = match form.kind {
        FormKind::Project => {
            let status = ids.get("status").and_then(|s| Status::parse(s));
            match &form.editing {
                None => {
                    let p = records::new_project(
                        String::new(),
                        form.get("name_zh").into(),
                        form.get("name_en").into(),
                        ids.get("chain").cloned().unwrap_or_default(),
                        ids.get("area").cloned(),
                        None,
                        status.unwrap_or(Status::Planned),
                        opt(form.get("note")),
                        evidence,
                    );
                    vec![Edit::AddProject(Box::new(p))]
                }
                Some(id) => {
                    let Some(p) = t.project(id) else {
                        form.error = Some(format!("{id} is no longer in the file"));
                        return None;
                    };
                    let mut v = Vec::new();
                    for key in ["name_zh", "name_en", "chain", "area", "note"] {
                        let new = match key {
                            "chain" | "area" => ids.get(key).cloned().unwrap_or_default(),
                            _ => form.get(key).to_string(),
                        };
                        let old = match key {
                            "name_zh" => p.name_zh.clone(),
                            "name_en" => p.name_en.clone(),
                            "chain" => p.chain.clone(),
                            "area" => p.area.clone().unwrap_or_default(),
                            _ => p.note.clone().unwrap_or_default(),
                        };
                        if new != old {
                            v.push(Edit::SetField {
                                id: id.clone(),
                                field: key.into(),
                                value: new,
                            });
                        }
                    }
                    if let Some(s) = status.filter(|s| *s != p.status) {
                        v.push(Edit::SetStatus {
                            project: id.clone(),
                            status: s,
                            date: today,
                            note: None,
                        });
                    }
                    v
                }
            }
        }
        FormKind::Goal => {
            let period = match form.get("period") {
                "" => None,
                p => match parse_period(p) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        form.error_at("period", e);
                        None
                    }
                },
            };
            let comparator = match form.get("comparator") {
                "" => None,
                c => {
                    let parsed = Comparator::parse(c);
                    if parsed.is_none() {
                        form.error_at("comparator", "use >=, <= or =");
                    }
                    parsed
                }
            };
            let target = number(form, "target");
            match (target, comparator) {
                (Some(_), None) if form.get("comparator").is_empty() => {
                    form.error_at("comparator", "a target needs >=, <= or =")
                }
                (None, Some(_)) => form.error_at("target", "a comparator needs a target"),
                _ => {}
            }
            match &form.editing {
                None => {
                    let value = number(form, "value");
                    if target.is_none() && value.is_none() && form.get("target").is_empty() {
                        form.error_at("value", "give a target (a goal) or a value (a result)");
                    }
                    let Some(period) = period else {
                        form.error_at("period", "write 2025, 2024-2026 or two days a..b");
                        return None;
                    };
                    let ev = evidence.clone();
                    let observations = match (value, &ev) {
                        (Some(v), Some(e)) => vec![Observation {
                            value: v,
                            date: match period {
                                Period::Year(y) => PartialDate {
                                    year: y,
                                    month: None,
                                    day: None,
                                },
                                Period::Span { end, .. } => PartialDate::day(end.min(today)),
                            },
                            note: None,
                            source: Some(e.source.clone()),
                            quote: Some(e.quote.clone()),
                            ..Default::default()
                        }],
                        _ => vec![],
                    };
                    vec![Edit::AddTarget(Box::new(Target {
                        id: String::new(),
                        metric_zh: form.get("metric_zh").into(),
                        metric_en: form.get("metric_en").into(),
                        chain: ids.get("chain").cloned().unwrap_or_default(),
                        area: None,
                        period,
                        comparator,
                        target,
                        unit: form.get("unit").into(),
                        measure: Measure::Level,
                        metric: None,
                        baseline: None,
                        observations,
                        note: None,
                        sources: ev.into_iter().collect(),
                        ..Default::default()
                    }))]
                }
                Some(id) => {
                    let Some(x) = t.target(id) else {
                        form.error = Some(format!("{id} is no longer in the file"));
                        return None;
                    };
                    let old: [(&str, String); 7] = [
                        ("metric_zh", x.metric_zh.clone()),
                        ("metric_en", x.metric_en.clone()),
                        ("chain", x.chain.clone()),
                        ("period", period_text(&x.period)),
                        ("comparator", x.comparator.map_or("", |c| c.symbol()).into()),
                        ("target", x.target.map_or(String::new(), format_number)),
                        ("unit", x.unit.clone()),
                    ];
                    let mut v = Vec::new();
                    // Comparator and target change together: set the one
                    // being added second, the one being removed first.
                    let goal_first = x.target.is_some() && target.is_none();
                    let mut order: Vec<usize> = (0..7).collect();
                    if !goal_first {
                        order.swap(4, 5);
                    }
                    for i in order {
                        let (key, was) = &old[i];
                        let new = match *key {
                            "chain" => ids.get("chain").cloned().unwrap_or_default(),
                            "period" => period.map(|p| period_text(&p)).unwrap_or_default(),
                            _ => form.get(key).to_string(),
                        };
                        if &new != was {
                            v.push(Edit::SetField {
                                id: id.clone(),
                                field: key.to_string(),
                                value: new,
                            });
                        }
                    }
                    v
                }
            }
        }
        FormKind::History => {
            let d = date(form, "date");
            match (ids.get("project"), d, evidence) {
                (Some(p), Some(d), Some(e)) => vec![Edit::AddHistory {
                    project: p.clone(),
                    date: d,
                    note: form.get("note").into(),
                    evidence: e,
                }],
                _ => vec![],
            }
        }
        FormKind::Observation => {
            let v = number(form, "value");
            let d = date(form, "date");
            match (ids.get("target"), v, d, evidence) {
                (Some(x), Some(v), Some(d), Some(e)) => vec![Edit::AddObservation {
                    target: x.clone(),
                    value: v,
                    date: d,
                    note: None,
                    evidence: Some(e),
                }],
                _ => vec![],
            }
        }
    };
    if form.has_errors() {
        return None;
    }
    Some(edits)
}

/// Puts a refusal from the domain beside the field it is about: the
/// field its place names (`projects[3].name_en: ...`), else the field its
/// words are about.
pub fn place_refusal(form: &mut Form, message: &str) {
    if place_by_path(form, message) {
        return;
    }
    let keys: Vec<&'static str> = form.fields.iter().map(|f| f.key).collect();
    let about = |words: &[&str]| words.iter().any(|w| message.contains(w));
    let key = if about(&["quote"]) {
        "quote"
    } else if about(&["chain"]) {
        "chain"
    } else if about(&["area"]) {
        "area"
    } else if about(&["period"]) {
        "period"
    } else if about(&["comparator"]) {
        "comparator"
    } else if about(&["target "]) {
        "target"
    } else if about(&["unit", "series"]) {
        "unit"
    } else if about(&["name_zh"]) {
        "name_zh"
    } else if about(&["name_en"]) {
        "name_en"
    } else if about(&["source"]) {
        "source"
    } else if about(&["date"]) {
        "date"
    } else {
        ""
    };
    if keys.contains(&key) {
        form.error_at(key, message);
    } else {
        form.error = Some(message.to_string());
    }
}

/// Puts a save's failure beside the field its place names (the store
/// names the field it refused: `projects[3].name_en: a bidirectional
/// override ...`), else under the form: a failure of the file (it no
/// longer loads, it cannot be written) is about no field.
pub fn place_save_failure(form: &mut Form, message: &str) {
    if !place_by_path(form, message) {
        form.error = Some(message.to_string());
    }
}

/// The field of `form` a place in `message` ends in (`projects[3].name_en: `,
/// `project "x", name_en: `).
fn place_by_path(form: &mut Form, message: &str) -> bool {
    let ends_place = |k: &str| {
        let at = format!("{k}: ");
        message.match_indices(&at).any(|(i, _)| {
            message[..i]
                .chars()
                .next_back()
                .is_some_and(|c| matches!(c, '.' | ' ' | ','))
        })
    };
    let named = form.fields.iter().map(|f| f.key).find(|k| ends_place(k));
    match named {
        Some(key) => {
            form.error_at(key, message);
            true
        }
        None => false,
    }
}

/// A passage of a report that records quote, with the records quoting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// Char range in the report's text.
    pub span: Range<usize>,
    pub records: Vec<String>,
}

/// Every passage of `text` (the report of `source`) quoted by a project or
/// target, in text order; a quote is found whitespace aside, like
/// validation finds it.
pub fn passages(t: &Tracker, source: &str, text: &str) -> Vec<Passage> {
    let chars: Vec<char> = text.chars().collect();
    // Squeezed text and, for each of its chars, where it stands in `chars`.
    let kept: Vec<usize> = (0..chars.len())
        .filter(|&i| !chars[i].is_whitespace())
        .collect();
    let squeezed: Vec<char> = kept.iter().map(|&i| chars[i]).collect();
    let mut quotes: Vec<(&str, &str)> = Vec::new();
    for p in &t.projects {
        for e in &p.sources {
            if e.source == source {
                quotes.push((&p.id, &e.quote));
            }
        }
        for f in &p.figures {
            if f.source == source {
                quotes.push((&p.id, &f.quote));
            }
        }
        for m in &p.milestones {
            if let (Some(s), Some(q)) = (&m.source, &m.quote) {
                if s == source {
                    quotes.push((&p.id, q));
                }
            }
        }
        for h in &p.history {
            if let (Some(s), Some(q)) = (&h.source, &h.quote) {
                if s == source {
                    quotes.push((&p.id, q));
                }
            }
        }
    }
    for x in &t.targets {
        for e in &x.sources {
            if e.source == source {
                quotes.push((&x.id, &e.quote));
            }
        }
        for o in &x.observations {
            if let (Some(s), Some(q)) = (&o.source, &o.quote) {
                if s == source {
                    quotes.push((&x.id, q));
                }
            }
        }
        if let Some(b) = &x.baseline {
            if let (Some(s), Some(q)) = (&b.source, &b.quote) {
                if s == source {
                    quotes.push((&x.id, q));
                }
            }
        }
    }
    let mut found: Vec<Passage> = Vec::new();
    for (id, quote) in quotes {
        let q: Vec<char> = quote.chars().filter(|c| !c.is_whitespace()).collect();
        if q.is_empty() || q.len() > squeezed.len() {
            continue;
        }
        let Some(at) = squeezed.windows(q.len()).position(|w| w == q.as_slice()) else {
            continue;
        };
        let span = kept[at]..kept[at + q.len() - 1] + 1;
        match found.iter_mut().find(|p| p.span == span) {
            Some(p) => {
                if !p.records.iter().any(|r| r == id) {
                    p.records.push(id.to_string());
                }
            }
            None => found.push(Passage {
                span,
                records: vec![id.to_string()],
            }),
        }
    }
    found.sort_by_key(|p| (p.span.start, p.span.end));
    found
}

/// The report's rows at `width` columns: char ranges of its text, each
/// line wrapped (CJK double width counted, Latin words kept whole).
pub fn rows(text: &[char], width: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &c) in text
        .iter()
        .enumerate()
        .chain(std::iter::once((text.len(), &'\n')))
    {
        if c != '\n' {
            continue;
        }
        let line = &text[start..i];
        if line.iter().all(|c| c.is_whitespace()) {
            out.push(start..start);
        } else {
            let (ranges, _) = wrap_ranges(line, width.max(2), 0);
            out.extend(ranges.into_iter().map(|r| r.start + start..r.end + start));
        }
        start = i + 1;
    }
    out
}

/// The reader of one report.
#[derive(Debug, Clone, PartialEq)]
pub struct Reader {
    pub source: String,
    pub text: Vec<char>,
    pub passages: Vec<Passage>,
    /// Char index of the cursor.
    pub cursor: usize,
    /// `v`: where the selection being made started.
    pub anchor: Option<usize>,
    /// The selection made (Enter ended it), a char range.
    pub selection: Option<Range<usize>>,
    /// `/` is open: the words typed.
    pub search: Option<String>,
    /// The last search, for the next `/` Enter.
    pub last_search: String,
    /// First row shown.
    pub top: usize,
    /// `a` asked "cite as": the choices are shown.
    pub citing: bool,
}

impl Reader {
    pub fn new(source: &str, text: &str, t: &Tracker) -> Reader {
        Reader {
            source: source.to_string(),
            text: text.chars().collect(),
            passages: passages(t, source, text),
            cursor: 0,
            anchor: None,
            selection: None,
            search: None,
            last_search: String::new(),
            top: 0,
            citing: false,
        }
    }

    /// The passage under the cursor.
    pub fn passage_at_cursor(&self) -> Option<&Passage> {
        self.passages.iter().find(|p| p.span.contains(&self.cursor))
    }

    /// The selected range: the one made, or the one being made.
    pub fn selected(&self) -> Option<Range<usize>> {
        if let Some(a) = self.anchor {
            let (s, e) = (a.min(self.cursor), a.max(self.cursor));
            return Some(s..(e + 1).min(self.text.len()));
        }
        self.selection.clone()
    }

    /// The selected words, trimmed: the quote a citation takes.
    pub fn quote(&self) -> Option<String> {
        let r = self.selected()?;
        let s: String = self.text.get(r)?.iter().collect();
        let s = s.trim().to_string();
        (!s.is_empty()).then_some(s)
    }

    /// Row and column (in chars) of the cursor in `rows`.
    pub fn cursor_row(&self, rows: &[Range<usize>]) -> usize {
        rows.iter()
            .rposition(|r| r.start <= self.cursor)
            .unwrap_or(0)
    }

    /// Moves the cursor `by` rows, keeping its column as well as it can.
    pub fn move_rows(&mut self, rows: &[Range<usize>], by: isize) {
        if rows.is_empty() {
            return;
        }
        let r = self.cursor_row(rows);
        let col = self.cursor.saturating_sub(rows[r].start);
        let to = (r as isize + by).clamp(0, rows.len() as isize - 1) as usize;
        let row = &rows[to];
        self.cursor = (row.start + col).min(row.end.saturating_sub(1).max(row.start));
        self.cursor = self.cursor.min(self.text.len().saturating_sub(1));
    }

    pub fn move_chars(&mut self, by: isize) {
        let max = self.text.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize + by).clamp(0, max.max(0)) as usize;
    }

    /// `n`/`N`: the next (or previous) quoted passage after (before) the
    /// cursor; wraps around. Returns whether there is one.
    pub fn jump(&mut self, forward: bool) -> bool {
        let n = self.passages.len();
        if n == 0 {
            return false;
        }
        let next = if forward {
            self.passages
                .iter()
                .find(|p| p.span.start > self.cursor)
                .or(self.passages.first())
        } else {
            self.passages
                .iter()
                .rev()
                .find(|p| p.span.start < self.cursor)
                .or(self.passages.last())
        };
        if let Some(p) = next {
            self.cursor = p.span.start;
        }
        true
    }

    /// The next place after the cursor where `words` occur (whitespace
    /// in the text aside, wrapping around); moves the cursor there.
    pub fn find(&mut self, words: &str) -> bool {
        let q: Vec<char> = words
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        if q.is_empty() {
            return false;
        }
        let kept: Vec<usize> = (0..self.text.len())
            .filter(|&i| !self.text[i].is_whitespace())
            .collect();
        let squeezed: Vec<char> = kept
            .iter()
            .map(|&i| self.text[i].to_lowercase().next().unwrap_or(self.text[i]))
            .collect();
        if q.len() > squeezed.len() {
            return false;
        }
        let hits: Vec<usize> = squeezed
            .windows(q.len())
            .enumerate()
            .filter(|(_, w)| *w == q.as_slice())
            .map(|(i, _)| kept[i])
            .collect();
        let at = hits
            .iter()
            .find(|&&i| i > self.cursor)
            .or(hits.first())
            .copied();
        match at {
            Some(i) => {
                self.cursor = i;
                true
            }
            None => false,
        }
    }

    /// Keeps the cursor's row among the `height` rows shown.
    pub fn scroll_to_cursor(&mut self, rows: &[Range<usize>], height: usize) {
        let r = self.cursor_row(rows);
        let h = height.max(1);
        if r < self.top {
            self.top = r;
        } else if r >= self.top + h {
            self.top = r + 1 - h;
        }
    }
}

/// A source's row in the Sources view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    /// Index into `tracker.sources`.
    pub source: usize,
    /// How many projects and targets cite it.
    pub cited_by: usize,
}

/// Sources matching `query` (words of the title, id or outlet; pinyin
/// works for Chinese), newest first, each with the records citing it.
pub fn source_rows(t: &Tracker, query: &str) -> Vec<SourceRow> {
    let q = query.trim().to_lowercase();
    let words: Vec<&str> = q.split_whitespace().collect();
    let counts = records::citation_counts(t);
    let mut rows: Vec<SourceRow> = t
        .sources
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            words.iter().all(|w| {
                [
                    s.id.as_str(),
                    s.title.as_str(),
                    s.outlet.as_deref().unwrap_or(""),
                ]
                .iter()
                .any(|f| f.to_lowercase().contains(w) || NameKeys::new(f).matches(w).is_some())
            })
        })
        .map(|(i, s)| SourceRow {
            source: i,
            cited_by: counts.get(s.id.as_str()).copied().unwrap_or(0),
        })
        .collect();
    rows.sort_by(|a, b| {
        t.sources[b.source]
            .published
            .cmp(&t.sources[a.source].published)
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_wrap_each_line_and_keep_char_positions() {
        let text: Vec<char> = "一二三四五\n\nab cd".chars().collect();
        let r = rows(&text, 6);
        let shown: Vec<String> = r.iter().map(|r| text[r.clone()].iter().collect()).collect();
        assert_eq!(shown, ["一二三", "四五", "", "ab cd"]);
    }

    #[test]
    fn find_ignores_whitespace_and_wraps() {
        let t = Tracker {
            schema_version: 2,
            sources: vec![],
            chains: vec![],
            areas: vec![],
            projects: vec![],
            targets: vec![],
        };
        let mut r = Reader::new("s", "甲乙 丙\n甲乙丙", &t);
        assert!(r.find("乙丙"));
        assert_eq!(r.cursor, 1);
        assert!(r.find("乙 丙"));
        assert_eq!(r.cursor, 6);
        assert!(r.find("乙丙"));
        assert_eq!(r.cursor, 1, "wrapped around");
        assert!(!r.find("丁"));
    }
}
