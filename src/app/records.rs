//! Entering records in the interface: the form (`n`, `E`, a milestone
//! from the details), the reader of a report with its quoted passages,
//! and the "cite as" step between them. State and pure logic only;
//! `update::records` changes them, `ui::form` and `ui::reader` draw them.
//!
//! The form reads nothing itself: its fields are a draft (key -> text)
//! that `domain::records` checks once, as it checks `add-project`'s
//! options and `edit`'s value, so each mistake reads the same everywhere.

use crate::domain::correct::Shown;
use crate::domain::draft::{as_text, Draft, FieldError};
use crate::domain::edit::{Edit, Refusal};
use crate::domain::records::{self, Ctx};
use crate::domain::schema::Record as _;
use crate::domain::search::{NameKeys, Query, SearchIndex};
use crate::domain::*;
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
    /// A dated event in an existing project's history.
    History,
    /// A value of an existing goal or result.
    Observation,
    /// A promise with a date, of an existing project.
    Milestone,
    /// The report's words for a record (or an entry of it) that rests on
    /// a note: `a` in the reader, onto an existing record.
    Citation,
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
            (FormKind::Milestone, false) => "New milestone",
            (FormKind::Milestone, true) => "Edit milestone",
            (FormKind::Citation, _) => "Cite for an existing record",
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
    /// A project or a goal.
    Record,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// As spelled in the schema and the draft (`name_zh`, `source`,
    /// `value`), the name `edit` and the command line's options use too.
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

/// The evidence fields every new record ends its first part with: the
/// report's words, or (both empty) the note it rests on.
fn source_quote() -> [Field; 2] {
    [
        field("source", "Source", false),
        field("quote", "Quote", false),
    ]
}

/// The form of `n` and `E` (and of "cite as").
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub kind: FormKind,
    /// The record `E` opened it on; `None` for a new one.
    pub editing: Option<String>,
    /// The milestone `E` opened it on (its index), in `editing`'s project.
    pub item: Option<usize>,
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
    /// The details it was opened from, to go back to.
    pub over: Option<crate::app::state::Detail>,
}

impl Form {
    fn of(kind: FormKind, fields: Vec<Field>) -> Form {
        Form {
            kind,
            editing: None,
            item: None,
            fields,
            focus: 0,
            typed: false,
            fresh: true,
            error: None,
            back: None,
            over: None,
        }
    }

    /// Fields in the order people learned them: names, chain, area,
    /// status, note, source, quote; then the rest of what `add-project`
    /// takes (parent, aliases, id). Without a source and a quote the note
    /// is what the project rests on.
    pub fn new_project() -> Form {
        let mut status = chosen("status", "Status", true, Choice::Status);
        status.text = "planned".into();
        let [source, quote] = source_quote();
        Form::of(
            FormKind::Project,
            vec![
                field("name_zh", "Chinese name", true),
                field("name_en", "English name", true),
                chosen("chain", "Chain", true, Choice::Chain),
                chosen("area", "Area", false, Choice::Area),
                status,
                field("note", "Note", false),
                source,
                quote,
                chosen("parent", "Part of", false, Choice::Project),
                field("aliases", "Aliases", false),
                field("id", "Id", false),
            ],
        )
    }

    /// A goal: metric names, chain, period, comparator, target, unit; a
    /// result leaves comparator and target empty and gives a value. Then
    /// the evidence, and the rest of what `add-target` takes.
    pub fn new_goal() -> Form {
        let [source, quote] = source_quote();
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
                source,
                quote,
                chosen("area", "Area", false, Choice::Area),
                field("measure", "Measure", false),
                field("metric", "Series key", false),
                field("note", "Note", false),
                field("date", "Value as of", false),
                field("id", "Id", false),
            ],
        )
    }

    pub fn new_history() -> Form {
        let [source, quote] = source_quote();
        Form::of(
            FormKind::History,
            vec![
                chosen("project", "Project", true, Choice::Project),
                field("date", "Date", true),
                field("note", "What happened", true),
                source,
                quote,
            ],
        )
    }

    pub fn new_observation() -> Form {
        let [source, quote] = source_quote();
        Form::of(
            FormKind::Observation,
            vec![
                chosen("target", "Goal or result", true, Choice::Target),
                field("value", "Value", true),
                field("date", "As of", true),
                source,
                quote,
                field("note", "Note", false),
            ],
        )
    }

    /// A milestone, as `add-milestone` takes it.
    pub fn new_milestone() -> Form {
        let [source, quote] = source_quote();
        let mut expect = chosen("expect", "Expect status", true, Choice::Status);
        expect.text = "operating".into();
        Form::of(
            FormKind::Milestone,
            vec![
                chosen("project", "Project", true, Choice::Project),
                field("due", "Due", true),
                expect,
                field("text", "Promise (words)", true),
                field("note", "Note", false),
                source,
                quote,
            ],
        )
    }

    /// `E` on a milestone selected in the details: what `edit` may change.
    pub fn edit_milestone(p: &Project, i: usize) -> Option<Form> {
        let m = p.milestones.get(i)?;
        let mut f = Form::of(
            FormKind::Milestone,
            vec![
                field("due", "Due", true),
                chosen("expect", "Expect status", true, Choice::Status),
                field("note", "Note", false),
            ],
        );
        f.editing = Some(p.id.clone());
        f.item = Some(i);
        f.fill_from(m);
        Some(f)
    }

    /// `a` in the reader, onto an existing record: which record (and
    /// which entry of it, or none for the record itself).
    pub fn new_citation() -> Form {
        let [source, quote] = source_quote();
        Form::of(
            FormKind::Citation,
            vec![
                chosen("record", "Project or goal", true, Choice::Record),
                field("entry", "Entry (empty: the record)", false),
                source,
                quote,
            ],
        )
    }

    /// `E` on a project: its fields, filled in. Its evidence stays as it
    /// is (a quote is never rewritten).
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
                chosen("parent", "Part of", false, Choice::Project),
                field("aliases", "Aliases", false),
            ],
        );
        f.editing = Some(p.id.clone());
        f.fill_from(p);
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
                chosen("area", "Area", false, Choice::Area),
                field("measure", "Measure", false),
                field("metric", "Series key", false),
                field("note", "Note", false),
            ],
        );
        f.editing = Some(x.id.clone());
        f.fill_from(x);
        f
    }

    /// Each field from the record's value of the same key, as `edit`
    /// shows it back.
    fn fill_from<R: crate::domain::schema::Record>(&mut self, r: &R) {
        for f in &mut self.fields {
            if let Some(spec) = R::field(f.key) {
                f.text = as_text((spec.get)(r));
            }
        }
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

    /// Puts `message` beside the field `key` (the first message wins);
    /// under the form when it has no such field.
    pub fn error_at(&mut self, key: &str, message: impl Into<String>) {
        let message = message.into();
        match self.fields.iter_mut().find(|f| f.key == key) {
            Some(f) => {
                if f.error.is_none() {
                    f.error = Some(message);
                }
            }
            None => {
                if self.error.is_none() {
                    self.error = Some(message);
                }
            }
        }
    }

    fn errors(&mut self, errors: Vec<FieldError>) {
        for e in errors {
            self.error_at(&e.key, e.message);
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
            let mut v = project_choices(t, index, typed);
            exact_first(&mut v, typed);
            v
        }
        Choice::Target => {
            let mut v = target_choices(t, index, typed);
            exact_first(&mut v, typed);
            v
        }
        Choice::Record => {
            let mut v = project_choices(t, index, typed);
            v.extend(target_choices(t, index, typed));
            exact_first(&mut v, typed);
            v
        }
    }
}

/// An id typed in full goes first, whatever the search scored.
fn exact_first(v: &mut [(String, String)], typed: &str) {
    if let Some(i) = v.iter().position(|(id, _)| id == typed) {
        v[..=i].rotate_right(1);
    }
}

fn project_choices(t: &Tracker, index: &SearchIndex, typed: &str) -> Vec<(String, String)> {
    let q = Query::parse(typed);
    index
        .search_projects(t, &q)
        .into_iter()
        .filter_map(|h| t.projects.get(h.index))
        .map(|p| (p.id.clone(), format!("{} {}", p.name_zh, p.name_en)))
        .collect()
}

fn target_choices(t: &Tracker, index: &SearchIndex, typed: &str) -> Vec<(String, String)> {
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

/// What the form is checked against: the records, their search, the
/// reports' texts, the day and who types.
pub struct FormCtx<'a> {
    pub tracker: &'a Tracker,
    pub index: &'a SearchIndex,
    pub reports: &'a HashMap<String, String>,
    pub today: NaiveDate,
    pub by: Option<&'a str>,
}

/// Checks every field of `form` and, when all are good, the edits that
/// save it (one record; several edits only when `E` changed several
/// fields). On errors they are set beside their fields and nothing is
/// returned: nothing is written until the form is valid.
pub fn form_edits(form: &mut Form, c: &FormCtx) -> Option<Vec<Edit>> {
    let t = c.tracker;
    form.error = None;
    for f in &mut form.fields {
        f.error = None;
        if f.required && f.text.trim().is_empty() {
            f.error = Some("required".into());
        }
    }
    // Choice fields must name one of their choices; the draft gets ids.
    let mut draft = Draft::new();
    for i in 0..form.fields.len() {
        let f = &form.fields[i];
        let text = f.text.trim().to_string();
        match f.choice {
            Some(choice) if !text.is_empty() => match resolve_choice(t, c.index, choice, &text) {
                Ok(id) => draft.set(f.key, id),
                Err(e) => form.fields[i].error = Some(e),
            },
            _ => draft.set(f.key, text),
        }
    }
    let report = |id: &str| c.reports.get(id).cloned();
    let ctx = Ctx {
        tracker: t,
        today: c.today,
        by: c.by,
        report: &report,
    };
    let edits = match (form.kind, form.editing.clone()) {
        (FormKind::Project, None) => match records::build_project(&ctx, &draft) {
            Ok(p) => vec![Edit::AddProject(Box::new(p))],
            Err(e) => {
                form.errors(e);
                vec![]
            }
        },
        (FormKind::Goal, None) => match records::build_target(&ctx, &draft) {
            Ok(x) => vec![Edit::AddTarget(Box::new(x))],
            Err(e) => {
                form.errors(e);
                vec![]
            }
        },
        (FormKind::Project | FormKind::Goal, Some(id)) => edit_edits(form, c, &id, &draft)?,
        (FormKind::Milestone, None) => {
            let project = draft.get("project").to_string();
            match records::build_milestone(&ctx, &project, &draft) {
                Ok(m) => vec![Edit::AddMilestone {
                    project,
                    milestone: Box::new(m),
                }],
                Err(e) => {
                    form.errors(e);
                    vec![]
                }
            }
        }
        (FormKind::Milestone, Some(id)) => {
            let i = form.item.unwrap_or(0);
            let Some(m) = t.project(&id).and_then(|p| p.milestones.get(i)) else {
                form.error = Some(format!("{id} no longer has that milestone"));
                return None;
            };
            let mut v = Vec::new();
            for key in ["due", "expect", "note"] {
                let was = crate::domain::Milestone::field(key)
                    .map_or(String::new(), |f| as_text((f.get)(m)));
                if draft.get(key) != was {
                    v.push(Edit::SetField {
                        id: id.clone(),
                        field: format!("milestones[{i}].{key}"),
                        value: draft.get(key).to_string(),
                    });
                }
            }
            probe(form, c, &v, |f| {
                f.rsplit('.').next().unwrap_or(f).to_string()
            });
            v
        }
        (FormKind::History, _) => {
            let (evidence, errors) = records::evidence(&ctx, &draft);
            form.errors(errors);
            let date = match crate::domain::draft::date(draft.get("date")) {
                Ok(d) => Some(d),
                Err(e) => {
                    if !draft.get("date").is_empty() {
                        form.error_at("date", e);
                    }
                    None
                }
            };
            match (draft.get("project"), date) {
                (p, Some(date)) if !p.is_empty() => vec![Edit::AddHistory {
                    project: p.to_string(),
                    date,
                    note: draft.get("note").to_string(),
                    evidence,
                }],
                _ => vec![],
            }
        }
        (FormKind::Observation, _) => {
            let (evidence, errors) = records::evidence(&ctx, &draft);
            form.errors(errors);
            let value = match draft.get("value") {
                "" => None,
                v => number::parse_value(v)
                    .map_err(|e| form.error_at("value", e))
                    .ok(),
            };
            let date = match draft.get("date") {
                "" => None,
                d => crate::domain::draft::date(d)
                    .map_err(|e| form.error_at("date", e))
                    .ok(),
            };
            let note = Some(draft.get("note").to_string()).filter(|n| !n.is_empty());
            match (draft.get("target"), value, date) {
                (x, Some(value), Some(date)) if !x.is_empty() => vec![Edit::AddObservation {
                    target: x.to_string(),
                    value,
                    date,
                    note,
                    evidence,
                }],
                _ => vec![],
            }
        }
        (FormKind::Citation, _) => {
            let (evidence, errors) = records::evidence(&ctx, &draft);
            form.errors(errors);
            let id = draft.get("record").to_string();
            let entry = match crate::domain::correct::parse_entry(t, &id, draft.get("entry")) {
                Ok(e) => e,
                Err(m) => {
                    form.error_at("entry", m);
                    None
                }
            };
            match evidence {
                Some(evidence) if !id.is_empty() => vec![Edit::Cite {
                    id,
                    entry,
                    evidence,
                }],
                None if !id.is_empty() && !form.has_errors() => {
                    form.error_at(
                        "quote",
                        "select the words in the reader (or type them) to cite",
                    );
                    vec![]
                }
                _ => vec![],
            }
        }
    };
    if form.has_errors() {
        return None;
    }
    // A refusal from the domain goes beside its field, the form kept open.
    probe(form, c, &edits, |f| f.to_string());
    if form.has_errors() {
        return None;
    }
    Some(edits)
}

/// The edits of `E`: one `edit` per field changed (the status through
/// `set-status`, which keeps the history), each checked as `edit` checks
/// it, every refusal beside its field.
fn edit_edits(form: &mut Form, c: &FormCtx, id: &str, draft: &Draft) -> Option<Vec<Edit>> {
    let t = c.tracker;
    let mut v = Vec::new();
    let was = |key: &str| -> Option<String> {
        if let Some(p) = t.project(id) {
            return Project::field(key).map(|f| as_text((f.get)(p)));
        }
        t.target(id)
            .and_then(|x| Target::field(key).map(|f| as_text((f.get)(x))))
    };
    if t.project(id).is_none() && t.target(id).is_none() {
        form.error = Some(format!("{id} is no longer in the file"));
        return None;
    }
    let mut status = None;
    for f in &form.fields {
        let new = draft.get(f.key).to_string();
        if f.error.is_some() || Some(&new) == was(f.key).as_ref() {
            continue;
        }
        if f.key == "status" {
            status = Status::parse(&new);
            continue;
        }
        v.push(Edit::SetField {
            id: id.to_string(),
            field: f.key.to_string(),
            value: new,
        });
    }
    // Comparator and target change together: the one being added second,
    // the one being removed first.
    let adds_goal = t.target(id).is_some_and(|x| x.target.is_none());
    let pos = |v: &[Edit], k: &str| {
        v.iter()
            .position(|e| matches!(e, Edit::SetField { field, .. } if field == k))
    };
    if let (Some(a), Some(b)) = (pos(&v, "comparator"), pos(&v, "target")) {
        if adds_goal == (a < b) {
            v.swap(a, b);
        }
    }
    if let Some(s) = status {
        v.push(Edit::SetStatus {
            project: id.to_string(),
            status: s,
            date: c.today,
            note: None,
        });
    }
    Some(v)
}

/// Applies `edits` to a copy, one after another, and puts each refusal
/// beside the field it names (`key_of` maps the refusal's field to the
/// form's key); the rest are still tried.
fn probe(form: &mut Form, c: &FormCtx, edits: &[Edit], key_of: impl Fn(&str) -> String) {
    let mut t = c.tracker.clone();
    for e in edits {
        if let Err(r) = crate::domain::edit::apply_by(&mut t, e, c.today, c.by) {
            if r.unchanged {
                continue;
            }
            let key = r.field.as_deref().map(&key_of);
            place(form, key.as_deref(), &r.message);
        }
    }
}

fn place(form: &mut Form, key: Option<&str>, message: &str) {
    match key {
        Some(k) if form.fields.iter().any(|f| f.key == k) => form.error_at(k, message),
        _ => {
            if !place_by_path(form, message) && form.error.is_none() {
                form.error = Some(message.to_string());
            }
        }
    }
}

/// Puts a refusal from the domain beside the field it names.
pub fn place_refusal(form: &mut Form, r: &Refusal) {
    let key = r
        .field
        .as_deref()
        .map(|f| f.rsplit('.').next().unwrap_or(f));
    place(form, key, &r.message);
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

/// The entries the details of the selected record list, in their order
/// (`correct::project_entries`, `target_entries`): those standing, or all
/// of them with `all` (`A`); with the record's id. What Tab moves through
/// and `x` retracts, and what the drawing marks.
pub fn detail_entries(app: &crate::app::App, all: bool) -> Option<(String, Vec<Shown>)> {
    use crate::app::state::View;
    let t = &app.tracker;
    let (id, v) = match app.view {
        View::Projects => {
            let p = t.projects.get(app.selected_project()?)?;
            (p.id.clone(), crate::domain::correct::project_entries(p))
        }
        View::Goals => {
            let x = t.targets.get(app.selected_goal()?)?;
            (x.id.clone(), crate::domain::correct::target_entries(x))
        }
        _ => return None,
    };
    Some((
        id,
        v.into_iter()
            .filter(|e| all || e.retracted.is_none())
            .collect(),
    ))
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
