//! Adding, correcting and removing whole records: the checks a new project,
//! target or source must pass, scalar field edits, removal that refuses to
//! leave a dangling reference, ids derived from names, and the passage of a
//! report closest to a quote that was not found in it.
//!
//! Like the rest of the domain this knows no files: whether a quote occurs
//! in its report is checked by the caller (who can read the report) before
//! the edit is applied.

use super::change::{Absent, Change, Kind, Record, Refusal, EARLIEST_YEAR};
use super::date::PartialDate;
use super::draft::{set_from_text, Draft, FieldError};
use super::model::*;
use super::schema::{self, DynRecord, Slot, Val};
use super::status::Status;
use super::suggest::closest;
use chrono::NaiveDate;

/// A record id derived from an English name: lower-case ASCII letters and
/// digits joined by single hyphens ("Inspur Big-Data Park (phase 2)" ->
/// "inspur-big-data-park-phase-2"), made unique with "-2", "-3", … when
/// `taken` says the id is in use. A name with no ASCII letters or digits
/// falls back to `fallback`.
pub fn derive_id(name: &str, fallback: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut id = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    // Long names make unwieldy ids: cut at a word boundary.
    if id.len() > 48 {
        let cut = id[..48].rfind('-').unwrap_or(48);
        id.truncate(cut);
    }
    let id = id.trim_end_matches('-').to_string();
    let base = if id.is_empty() {
        fallback.to_string()
    } else {
        id
    };
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|c| !taken(c))
        .unwrap_or(base)
}

/// Whether `id` names any project, target or source (ids are kept unique
/// across the three so `show ID` and `edit ID` never have to guess).
pub fn id_taken(t: &Tracker, id: &str) -> bool {
    t.project(id).is_some() || t.target(id).is_some() || t.source(id).is_some()
}

pub use super::schema::valid_id;

fn no(message: impl Into<String>) -> Refusal {
    Refusal::no(message)
}

fn unknown_in(what: &str, value: &str, known: impl Iterator<Item = String>) -> String {
    let known: Vec<String> = known.collect();
    let known: Vec<&str> = known.iter().map(String::as_str).collect();
    super::suggest::unknown(what, value, &known)
}

/// The mistakes found in a record, by field (the first per field).
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn at(&mut self, key: &str, message: impl Into<String>) {
        if !self.0.iter().any(|e| e.key == key) {
            self.0.push(FieldError {
                key: key.to_string(),
                message: message.into(),
            });
        }
    }

    fn check(&mut self, key: &str, r: Result<(), String>) {
        if let Err(m) = r {
            self.at(key, m);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    /// The first mistake as a refusal about its field.
    fn first(self) -> Result<(), Refusal> {
        match self.0.into_iter().next() {
            Some(e) => Err(Refusal::at(&e.key, e.message)),
            None => Ok(()),
        }
    }
}

fn chain_known(t: &Tracker, chain: &str) -> Result<(), String> {
    if t.chain(chain).is_none() {
        return Err(unknown_in(
            "chain",
            chain,
            t.chains.iter().map(|c| c.id.clone()),
        ));
    }
    Ok(())
}

fn area_known(t: &Tracker, area: Option<&str>) -> Result<(), String> {
    match area {
        Some(a) if t.area(a).is_none() => {
            Err(unknown_in("area", a, t.areas.iter().map(|c| c.id.clone())))
        }
        _ => Ok(()),
    }
}

fn parent_fits(t: &Tracker, id: &str, parent: Option<&str>) -> Result<(), String> {
    let Some(parent) = parent else {
        return Ok(());
    };
    if t.project(parent).is_none() {
        return Err(unknown_in(
            "parent project",
            parent,
            t.projects.iter().map(|p| p.id.clone()),
        ));
    }
    // Following parents up from the new parent must not come back here.
    let mut cur = Some(parent);
    let mut steps = 0;
    while let Some(c) = cur {
        if c == id {
            return Err(format!(
                "\"{parent}\" is part of \"{id}\" (through `parent`): a project cannot be part of itself"
            ));
        }
        steps += 1;
        if steps > t.projects.len() {
            break;
        }
        cur = t.project(c).and_then(|p| p.parent.as_deref());
    }
    Ok(())
}

fn filled(key: &str, value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err(format!("{key} is empty: give a value"));
    }
    Ok(())
}

/// What a record rests on: its quotes (each from a known source, not
/// empty), or a note while no report states it.
fn grounds(e: &mut Errors, t: &Tracker, sources: &[Evidence], noted: Option<&Noted>) {
    if sources.is_empty() && noted.is_none_or(|n| n.note.trim().is_empty()) {
        e.at("note", NO_GROUNDS);
    }
    for ev in sources {
        if t.source(&ev.source).is_none() {
            e.at(
                "source",
                unknown_in("source", &ev.source, t.sources.iter().map(|s| s.id.clone())),
            );
        }
        e.check("quote", filled("quote", &ev.quote));
    }
}

/// The one wording for a record given neither evidence nor a note.
pub const NO_GROUNDS: &str = "give a source and a quote (the report's words), or a note: what you know and where from (the record rests on it until a report is cited)";

/// The mistakes of a new project (the quote's presence in its report is
/// checked where the report can be read: `build_project`, the caller).
pub fn project_errors(t: &Tracker, p: &Project) -> Errors {
    let mut e = Errors::default();
    if !p.id.is_empty() {
        e.check("id", id_free(t, &p.id));
    }
    e.check("name_zh", filled("name_zh", &p.name_zh));
    e.check("name_en", filled("name_en", &p.name_en));
    e.check("chain", chain_known(t, &p.chain));
    e.check("area", area_known(t, p.area.as_deref()));
    e.check("parent", parent_fits(t, &p.id, p.parent.as_deref()));
    grounds(&mut e, t, &p.sources, p.noted.as_deref());
    e
}

/// The checks a new project must pass before it is added.
pub fn check_new_project(t: &Tracker, p: &Project) -> Result<(), Refusal> {
    project_errors(t, p).first()
}

/// The mistakes of a new goal or result.
pub fn target_errors(t: &Tracker, x: &Target) -> Errors {
    let mut e = Errors::default();
    if !x.id.is_empty() {
        e.check("id", id_free(t, &x.id));
    }
    e.check("metric_zh", filled("metric_zh", &x.metric_zh));
    e.check("metric_en", filled("metric_en", &x.metric_en));
    e.check("chain", chain_known(t, &x.chain));
    e.check("area", area_known(t, x.area.as_deref()));
    e.check("unit", filled("unit", &x.unit));
    goal_fits(&mut e, x);
    if let Some(m) = &x.metric {
        e.check("metric", metric_key(m));
        if let Some(other) = t.series(m).into_iter().find(|o| o.id != x.id) {
            if other.unit != x.unit {
                e.at("unit", series_unit(m, other, &x.unit));
            }
        }
    }
    if x.target.is_none() && x.observations.is_empty() {
        e.at("target", NO_GOAL_NOR_RESULT);
    }
    grounds(&mut e, t, &x.sources, x.noted.as_deref());
    e
}

/// The one wording for a target with neither a goal nor a result.
pub const NO_GOAL_NOR_RESULT: &str =
    "give a goal (a target and a comparator) or a result (a value): this has neither";

fn series_unit(m: &str, other: &Target, unit: &str) -> String {
    format!(
        "series \"{m}\" is counted in \"{}\" ({}), not \"{unit}\": a series shares one unit",
        other.unit, other.id
    )
}

fn metric_key(m: &str) -> Result<(), String> {
    if valid_id(m) {
        Ok(())
    } else {
        Err(format!(
            "metric \"{m}\" is not a valid key: use lower-case letters, digits and hyphens (e.g. gdp)"
        ))
    }
}

/// The checks a new goal or result must pass.
pub fn check_new_target(t: &Tracker, x: &Target) -> Result<(), Refusal> {
    target_errors(t, x).first()
}

fn goal_fits(e: &mut Errors, x: &Target) {
    match (x.target, x.comparator) {
        (Some(v), _) if !v.is_finite() || v < 0.0 => e.at(
            "target",
            format!("target {v}: a target is an amount of 0 or more"),
        ),
        (Some(_), None) => e.at(
            "comparator",
            "a target needs a comparator: >= (以上, 突破), <= (以内) or =",
        ),
        (None, Some(_)) => e.at(
            "target",
            "a comparator needs a target value (a result without a goal has neither)",
        ),
        _ => {}
    }
}

fn id_free(t: &Tracker, id: &str) -> Result<(), String> {
    if !valid_id(id) {
        return Err(format!(
            "\"{id}\" is not a valid id: use lower-case letters, digits and hyphens, e.g. renhe-road-renewal"
        ));
    }
    if id_taken(t, id) {
        return Err(format!(
            "the id \"{id}\" is taken: choose another (or leave it out to derive one from the English name)"
        ));
    }
    Ok(())
}

fn check_id(t: &Tracker, id: &str) -> Result<(), Refusal> {
    id_free(t, id).map_err(|m| Refusal::at("id", m))
}

/// The mistakes of a new milestone of project `p`.
pub fn milestone_errors(t: &Tracker, p: &Project, m: &Milestone) -> Errors {
    let mut e = Errors::default();
    e.check("text", filled("text", &m.text));
    if p.milestones
        .iter()
        .any(|x| x.text.trim() == m.text.trim() && x.stands())
    {
        e.at(
            "text",
            format!(
                "{} already has the milestone \"{}\": correct it with `edit {} milestones[N].due` (or retract it first)",
                p.id, m.text, p.id
            ),
        );
    }
    match (&m.source, &m.quote) {
        (Some(s), Some(q)) => grounds(
            &mut e,
            t,
            &[Evidence {
                source: s.clone(),
                quote: q.clone(),
            }],
            None,
        ),
        _ if m.note.as_deref().is_some_and(|n| !n.trim().is_empty()) => {}
        _ => e.at("note", NO_GROUNDS),
    }
    e
}

/// The checks a new milestone must pass.
pub fn check_new_milestone(t: &Tracker, p: &Project, m: &Milestone) -> Result<(), Refusal> {
    milestone_errors(t, p, m).first()
}

/// What a draft is checked against: the tracker, the day, who types, and
/// the text of a report by source id (to find a quote in it; `None` when
/// it cannot be read).
pub struct Ctx<'a> {
    pub tracker: &'a Tracker,
    pub today: NaiveDate,
    pub by: Option<&'a str>,
    pub report: &'a dyn Fn(&str) -> Option<String>,
}

/// Reads the fields of `d` that `R`'s table has (values, not lists or
/// nested records) into `r`, each by its kind; a mistake goes to `e`. An
/// empty text is a field not given (what must be there is asked for by
/// the record's checks, in one wording).
fn fill<R: schema::Record>(r: &mut R, d: &Draft, e: &mut Errors) {
    for (key, text) in d.fields() {
        let Some(f) = R::field(key) else {
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        let slot = (f.slot)(r);
        if matches!(slot, Slot::Items(_) | Slot::Nested(_)) {
            continue;
        }
        if let Err(m) = set_from_text(&f.spec, slot, text) {
            e.at(key, m);
        }
    }
}

/// What a draft rests on: the report's words (`source`, `quote`, found in
/// the report), or the person's `note`.
enum Ground {
    Quote(Evidence),
    Note(String),
}

fn ground(c: &Ctx, d: &Draft, e: &mut Errors) -> Option<Ground> {
    let (source, quote, note) = (d.get("source"), d.get("quote"), d.get("note"));
    match (source.is_empty(), quote.is_empty()) {
        (true, true) if note.is_empty() => {
            e.at("note", NO_GROUNDS);
            None
        }
        (true, true) => Some(Ground::Note(note.to_string())),
        (false, true) => {
            e.at(
                "quote",
                "a source needs a quote: the words of the report that state it",
            );
            None
        }
        (true, false) => {
            e.at(
                "source",
                "a quote needs its source: the id of the report it comes from",
            );
            None
        }
        (false, false) => {
            let t = c.tracker;
            if t.source(source).is_none() {
                e.at(
                    "source",
                    unknown_in("source", source, t.sources.iter().map(|s| s.id.clone())),
                );
                return None;
            }
            match (c.report)(source) {
                Some(text) => {
                    if let Err(m) = super::quote::check(source, &text, quote) {
                        e.at("quote", m);
                    }
                }
                None => e.at(
                    "source",
                    format!("the report of {source} cannot be read: see `validate`"),
                ),
            }
            Some(Ground::Quote(Evidence {
                source: source.to_string(),
                quote: quote.to_string(),
            }))
        }
    }
}

/// The evidence of an entry (a history entry, a value, a citation): the
/// report's words, checked against the report, or none when both `source`
/// and `quote` are empty (the entry rests on its note); and the mistakes.
pub fn evidence(c: &Ctx, d: &Draft) -> (Option<Evidence>, Vec<FieldError>) {
    let mut e = Errors::default();
    if d.get("source").is_empty() && d.get("quote").is_empty() {
        return (None, Vec::new());
    }
    let found = match ground(c, d, &mut e) {
        Some(Ground::Quote(ev)) => Some(ev),
        _ => None,
    };
    (found, e.into_vec())
}

impl Ctx<'_> {
    fn noted(&self, note: String) -> Noted {
        Noted {
            note,
            by: self.by.map(str::to_string),
            date: PartialDate::day(self.today),
        }
    }
}

/// A new project from what was typed (`add-project`, the form): every
/// field read by its kind and checked, the evidence found in its report;
/// or every mistake, by field. Without a source and a quote the `note` is
/// what it rests on (`noted`, with who and when).
pub fn build_project(c: &Ctx, d: &Draft) -> Result<Project, Vec<FieldError>> {
    let mut e = Errors::default();
    let mut p = Project {
        status: Status::Planned,
        ..Project::default()
    };
    fill(&mut p, d, &mut e);
    match ground(c, d, &mut e) {
        Some(Ground::Quote(ev)) => p.sources = vec![ev],
        Some(Ground::Note(n)) => {
            p.note = None;
            p.noted = Some(Box::new(c.noted(n)));
        }
        None => {}
    }
    for x in project_errors(c.tracker, &p).into_vec() {
        e.at(&x.key, x.message);
    }
    if e.is_empty() {
        Ok(p)
    } else {
        Err(e.into_vec())
    }
}

/// A new goal or result from what was typed (`add-target`, the form). A
/// result's `value` is an observation dated `date` (default: the period's
/// year, or its last day) resting on the same evidence or note.
pub fn build_target(c: &Ctx, d: &Draft) -> Result<Target, Vec<FieldError>> {
    let mut e = Errors::default();
    let mut x = Target::default();
    if d.get("period").is_empty() {
        e.at("period", "period is empty: give a value");
    }
    fill(&mut x, d, &mut e);
    let ground = ground(c, d, &mut e);
    let value = match d.get("value") {
        "" => None,
        v => match super::number::parse_value(v) {
            Ok(v) => Some(v),
            Err(m) => {
                e.at("value", m);
                None
            }
        },
    };
    let date = match d.get("date") {
        "" => None,
        v => match super::draft::date(v) {
            Ok(d) => Some(d),
            Err(m) => {
                e.at("date", m);
                None
            }
        },
    };
    if date.is_some() && value.is_none() && d.get("value").is_empty() {
        e.at(
            "date",
            "a date is the as-of date of a value: give the value too",
        );
    }
    if let Some(v) = value {
        let date = date.unwrap_or(match x.period {
            Period::Year(y) => PartialDate::year(y),
            Period::Span { end, .. } => PartialDate::day(end.min(c.today)),
        });
        e.check("date", as_of_fits(date, c.today));
        let mut o = Observation {
            value: v,
            date,
            ..Observation::default()
        };
        match &ground {
            Some(Ground::Quote(ev)) => {
                o.source = Some(ev.source.clone());
                o.quote = Some(ev.quote.clone());
            }
            Some(Ground::Note(n)) => {
                o.note = Some(n.clone());
                o.by = c.by.map(str::to_string);
            }
            None => {}
        }
        x.observations.push(o);
    }
    match ground {
        Some(Ground::Quote(ev)) => x.sources = vec![ev],
        Some(Ground::Note(n)) => {
            x.note = None;
            x.noted = Some(Box::new(c.noted(n)));
        }
        None => {}
    }
    for y in target_errors(c.tracker, &x).into_vec() {
        e.at(&y.key, y.message);
    }
    if e.is_empty() {
        Ok(x)
    } else {
        Err(e.into_vec())
    }
}

/// An as-of date: not after today, not before 1900.
pub fn as_of_fits(date: PartialDate, today: NaiveDate) -> Result<(), String> {
    if date.first_day() > today {
        return Err(format!(
            "{date} is after today ({today}): a value cannot be recorded before it is known"
        ));
    }
    if date.year < EARLIEST_YEAR {
        return Err(format!(
            "{date} is before {EARLIEST_YEAR}: give the real as-of date"
        ));
    }
    Ok(())
}

/// A new milestone of project `project` from what was typed
/// (`add-milestone`, the form): its due date, the status it expects, the
/// promise's words, and a quote or a note.
pub fn build_milestone(c: &Ctx, project: &str, d: &Draft) -> Result<Milestone, Vec<FieldError>> {
    let mut e = Errors::default();
    let Some(p) = c.tracker.project(project) else {
        e.at(
            "project",
            unknown_in(
                "project",
                project,
                c.tracker.projects.iter().map(|p| p.id.clone()),
            ),
        );
        return Err(e.into_vec());
    };
    let mut m = Milestone::default();
    for key in ["due", "expect", "text"] {
        if d.get(key).is_empty() {
            e.at(key, format!("{key} is empty: give a value"));
        }
    }
    fill(&mut m, d, &mut e);
    match ground(c, d, &mut e) {
        Some(Ground::Quote(ev)) => {
            m.source = Some(ev.source);
            m.quote = Some(ev.quote);
            m.note = None;
        }
        Some(Ground::Note(n)) => m.note = Some(n),
        None => {}
    }
    m.by = c.by.map(str::to_string);
    for x in milestone_errors(c.tracker, p, &m).into_vec() {
        e.at(&x.key, x.message);
    }
    if e.is_empty() {
        Ok(m)
    } else {
        Err(e.into_vec())
    }
}

/// The checks a new source must pass (its file is copied by the caller).
pub fn check_new_source(t: &Tracker, s: &Source) -> Result<(), Refusal> {
    check_id(t, &s.id)?;
    filled("title", &s.title).map_err(|m| Refusal::at("title", m))?;
    if s.file.contains(['/', '\\']) || s.file.starts_with('.') || s.file.is_empty() {
        return Err(no(format!(
            "\"{}\" is not a plain file name under seeds/",
            s.file
        )));
    }
    if let Some(other) = t.sources.iter().find(|x| x.file == s.file) {
        return Err(no(format!(
            "seeds/{} is already the file of source \"{}\"",
            s.file, other.id
        )));
    }
    Ok(())
}

/// The names `edit` takes for a record of kind `R`: its editable fields,
/// and those of the items of its lists as `list[N].field`.
pub fn editable_fields<R: schema::Record>() -> Vec<String> {
    let mut out = Vec::new();
    let blank = R::default();
    for f in R::FIELDS {
        if f.spec.edit {
            out.push(f.spec.key.to_string());
        }
        if let Val::Items(_) = (f.get)(&blank) {
            let mut r = R::default();
            if let Slot::Items(list) = (f.slot)(&mut r) {
                for inner in list.item_specs().into_iter().filter(|s| s.edit) {
                    out.push(format!("{}[N].{}", f.spec.key, inner.key));
                }
            }
        }
    }
    out
}

fn unknown_field(kind: &str, field: &str, fields: &[String]) -> Refusal {
    let near = closest(field, fields.iter().map(String::as_str));
    let hint = near
        .first()
        .map(|n| {
            format!(
                "{} ",
                super::suggest::did_you_mean(&[super::suggest::ticked(n)])
            )
        })
        .unwrap_or_default();
    let extra = if kind == "project" && field == "status" {
        "the status changes with `set-status` (which records the change in the history); "
    } else if field == "observations" || field == "actual" {
        "values are added with `set-actual` (none is ever overwritten); "
    } else {
        ""
    };
    no(format!(
        "{kind} has no field \"{field}\" that can be edited — {extra}{hint}fields: {}",
        fields.join(", ")
    ))
}

/// `list[N].field` (also `list.N.field`): the list, N and the field.
fn item_path(field: &str) -> Option<(&str, usize, &str)> {
    let (head, inner) = field.rsplit_once('.')?;
    let (list, n) = match head.split_once('[') {
        Some((list, n)) => (list, n.strip_suffix(']')?),
        None => head.split_once('.')?,
    };
    Some((list, n.parse().ok()?, inner))
}

/// Sets the field named `field` of `r` from typed text, as `edit` does:
/// a field the table marks editable, of the record or of an item of one
/// of its lists. Returns the value before and after, as typed.
fn set_by_name<R: schema::Record>(
    id: &str,
    r: &mut R,
    field: &str,
    value: &str,
) -> Result<(String, String), Refusal> {
    let fields = editable_fields::<R>();
    let refuse = || unknown_field(R::LABEL, field, &fields);
    let (target, key): (&mut dyn DynRecord, &str) = match item_path(field) {
        Some((list, n, inner)) => {
            let f = R::field(list).ok_or_else(refuse)?;
            let Slot::Items(items) = (f.slot)(r) else {
                return Err(refuse());
            };
            let len = items.len();
            let item = items.item_mut(n).ok_or_else(|| {
                let one = list.strip_suffix('s').unwrap_or(list);
                no(match len {
                    0 => format!("{id} has no {list}"),
                    _ => format!(
                        "{id} has {len} {}: {list}[0]..{list}[{}]",
                        plural(len, one),
                        len - 1
                    ),
                })
            })?;
            (item, inner)
        }
        None => (r, field),
    };
    let i = (0..target.field_count())
        .find(|&i| target.spec(i).key == key && target.spec(i).edit)
        .ok_or_else(refuse)?;
    let spec = *target.spec(i);
    let old = super::draft::as_text(target.get(i));
    super::draft::set_from_text(&spec, target.slot(i), value).map_err(no)?;
    let new = super::draft::as_text(target.get(i));
    let shown = |s: String| {
        if s.is_empty() {
            "(none)".to_string()
        } else {
            s
        }
    };
    Ok((shown(old), shown(new)))
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        one.to_string()
    } else {
        format!("{one}s")
    }
}

/// What an edit to a project must keep true (the field itself was read
/// by its kind already).
fn check_project_edit(t: &Tracker, before: &Project, p: &Project) -> Result<(), String> {
    if p.chain != before.chain {
        chain_known(t, &p.chain)?;
    }
    if p.area != before.area {
        area_known(t, p.area.as_deref())?;
    }
    if p.parent != before.parent {
        parent_fits(t, &p.id, p.parent.as_deref())?;
    }
    for (m, old) in p.milestones.iter().zip(&before.milestones) {
        if m.due == old.due {
            continue;
        }
        if m.due.first_day() > old.due.last_day() {
            return Err(format!(
                "{} is later than the promised {}: that is a slip — record it with `milestone {} --slip-to {}`, which keeps the date promised before",
                m.due, old.due, p.id, m.due
            ));
        }
        if let Some(s) = m.slips().next_back() {
            if m.due <= s.due {
                return Err(format!(
                    "{} is not after {}, the date it slipped from",
                    m.due, s.due
                ));
            }
        }
    }
    Ok(())
}

/// What an edit to a goal or result must keep true.
fn check_target_edit(t: &Tracker, before: &Target, x: &Target) -> Result<(), String> {
    if x.chain != before.chain {
        chain_known(t, &x.chain)?;
    }
    if x.area != before.area {
        area_known(t, x.area.as_deref())?;
    }
    let mut e = Errors::default();
    goal_fits(&mut e, x);
    if let Some(first) = e.into_vec().into_iter().next() {
        return Err(first.message);
    }
    if x.metric != before.metric {
        if let Some(m) = &x.metric {
            metric_key(m)?;
        }
    }
    if x.unit != before.unit || x.metric != before.metric {
        if let Some(m) = &x.metric {
            if let Some(other) = t.series(m).into_iter().find(|o| o.id != x.id) {
                if other.unit != x.unit {
                    return Err(series_unit(m, other, &x.unit));
                }
            }
        }
    }
    Ok(())
}

/// Changes one field of the project or target `id`, as `edit ID FIELD
/// VALUE` names it (the schema's key; `milestones[N].due`).
pub fn set_field(t: &mut Tracker, id: &str, field: &str, value: &str) -> Result<Change, Refusal> {
    let field = field.trim();
    let unchanged = |new: &str| {
        Refusal::unchanged(format!(
            "{id}: {field} is already \"{new}\": unchanged, nothing written"
        ))
    };
    let changed = |old: String, new: String| format!("{id}: {field} \"{old}\" -> \"{new}\"");
    if let Some(i) = t.projects.iter().position(|p| p.id == id) {
        let mut p = t.projects[i].clone();
        let (old, new) = set_by_name(id, &mut p, field, value)?;
        if p == t.projects[i] {
            return Err(unchanged(&new));
        }
        check_project_edit(t, &t.projects[i], &p).map_err(|m| Refusal::at(field, m))?;
        let before = Record::Project(std::mem::replace(&mut t.projects[i], p.clone()));
        return Ok(Change {
            before,
            after: Record::Project(p),
            summary: changed(old, new),
        });
    }
    if let Some(i) = t.targets.iter().position(|x| x.id == id) {
        let mut x = t.targets[i].clone();
        let (old, new) = set_by_name(id, &mut x, field, value)?;
        if x == t.targets[i] {
            return Err(unchanged(&new));
        }
        check_target_edit(t, &t.targets[i], &x).map_err(|m| Refusal::at(field, m))?;
        let before = Record::Target(std::mem::replace(&mut t.targets[i], x.clone()));
        return Ok(Change {
            before,
            after: Record::Target(x),
            summary: changed(old, new),
        });
    }
    Err(unknown_record(t, id))
}

pub fn unknown_record(t: &Tracker, id: &str) -> Refusal {
    no(unknown_in(
        "project or target",
        id,
        t.projects
            .iter()
            .map(|p| p.id.clone())
            .chain(t.targets.iter().map(|x| x.id.clone())),
    ))
}

/// What refers to the record `id`, named: projects that are part of it,
/// its milestones (promises a report made, which would go with it), and
/// for a source the records citing it.
pub fn references(t: &Tracker, id: &str) -> Vec<String> {
    let mut refs = Vec::new();
    if let Some(p) = t.project(id) {
        for c in t
            .projects
            .iter()
            .filter(|c| c.parent.as_deref() == Some(id))
        {
            refs.push(format!("project \"{}\" is part of it (parent)", c.id));
        }
        for (i, m) in p.milestones.iter().enumerate() {
            refs.push(format!(
                "milestone {i} \"{}\" (due {}) promised by {}",
                m.text,
                m.due,
                m.source.as_deref().unwrap_or("a note")
            ));
        }
    }
    if t.source(id).is_some() {
        for c in citing(t, id) {
            refs.push(format!("\"{c}\" cites it"));
        }
    }
    refs
}

/// How many records cite each source, by source id, in one pass over the
/// records (a record citing a source several times counts once).
pub fn citation_counts(t: &Tracker) -> std::collections::HashMap<&str, usize> {
    let ids: Vec<&str> = t.sources.iter().map(|s| s.id.as_str()).collect();
    let mut counts = vec![0usize; ids.len()];
    // The record that last counted each source: no set per record.
    let mut last = vec![usize::MAX; ids.len()];
    let mut cite = |record: usize, source: &str| {
        if let Some(k) = ids.iter().position(|id| *id == source) {
            if last[k] != record {
                last[k] = record;
                counts[k] += 1;
            }
        }
    };
    for (i, p) in t.projects.iter().enumerate() {
        p.sources.iter().for_each(|e| cite(i, &e.source));
        p.figures.iter().for_each(|f| cite(i, &f.source));
        p.milestones
            .iter()
            .filter_map(|m| m.source.as_deref())
            .for_each(|s| cite(i, s));
        p.history
            .iter()
            .filter_map(|h| h.source.as_deref())
            .for_each(|s| cite(i, s));
    }
    let n = t.projects.len();
    for (i, x) in t.targets.iter().enumerate() {
        x.sources.iter().for_each(|e| cite(n + i, &e.source));
        x.observations
            .iter()
            .filter_map(|o| o.source.as_deref())
            .for_each(|s| cite(n + i, s));
        x.baseline
            .iter()
            .filter_map(|b| b.source.as_deref())
            .for_each(|s| cite(n + i, s));
    }
    ids.into_iter().zip(counts).collect()
}

/// Ids of the projects and targets citing the source `source` anywhere.
pub fn citing(t: &Tracker, source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for p in &t.projects {
        let cites = p.sources.iter().any(|e| e.source == source)
            || p.figures.iter().any(|f| f.source == source)
            || p.milestones
                .iter()
                .any(|m| m.source.as_deref() == Some(source))
            || p.history
                .iter()
                .any(|h| h.source.as_deref() == Some(source));
        if cites {
            out.push(p.id.clone());
        }
    }
    for x in &t.targets {
        let cites = x.sources.iter().any(|e| e.source == source)
            || x.observations
                .iter()
                .any(|o| o.source.as_deref() == Some(source))
            || x.baseline
                .as_ref()
                .is_some_and(|b| b.source.as_deref() == Some(source));
        if cites {
            out.push(x.id.clone());
        }
    }
    out
}

/// Removes the project, target or source `id`, unless something refers to it.
pub fn remove(t: &mut Tracker, id: &str) -> Result<Change, Refusal> {
    let refs = references(t, id);
    if !refs.is_empty() {
        return Err(no(format!(
            "{id} is not removed: {} — {}",
            refs.join("; "),
            if t.source(id).is_some() {
                "remove or correct the citing records first"
            } else {
                "remove or re-parent the parts first; a project holding a report's milestones is kept (correct its fields with `edit` instead)"
            }
        )));
    }
    let (before, at, kind) = if let Some(i) = t.projects.iter().position(|p| p.id == id) {
        (Record::Project(t.projects.remove(i)), i, Kind::Project)
    } else if let Some(i) = t.targets.iter().position(|x| x.id == id) {
        (Record::Target(t.targets.remove(i)), i, Kind::Target)
    } else if let Some(i) = t.sources.iter().position(|x| x.id == id) {
        (Record::Source(t.sources.remove(i)), i, Kind::Source)
    } else {
        return Err(unknown_record(t, id));
    };
    let what = match &before {
        Record::Project(p) => format!("project {id} ({})", p.name_zh),
        Record::Target(x) => format!("target {id} ({})", x.metric_zh),
        Record::Source(s) => format!("source {id} ({}; its file seeds/{} stays)", s.title, s.file),
        Record::Chain(c) => format!("chain {id} ({})", c.name_zh),
        Record::Area(a) => format!("area {id} ({})", a.name_zh),
        Record::Absent(_) => id.to_string(),
    };
    Ok(Change {
        before,
        after: Record::Absent(Absent {
            kind,
            id: id.to_string(),
            at,
        }),
        summary: format!("removed {what}"),
    })
}

/// A new project as the form and `add-project` build it: a status with no
/// history yet, and the report naming it as its evidence.
#[allow(clippy::too_many_arguments)]
pub fn new_project(
    id: String,
    name_zh: String,
    name_en: String,
    chain: String,
    area: Option<String>,
    parent: Option<String>,
    status: Status,
    note: Option<String>,
    evidence: Option<Evidence>,
) -> Project {
    Project {
        id,
        name_zh: name_zh.trim().into(),
        name_en: name_en.trim().into(),
        aliases: vec![],
        chain,
        area,
        parent,
        status,
        note,
        figures: vec![],
        milestones: vec![],
        history: vec![],
        sources: evidence.into_iter().collect(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_the_english_name_and_are_made_unique() {
        let none = |_: &str| false;
        assert_eq!(
            derive_id("Inspur Big-Data Park (phase 2)", "project", none),
            "inspur-big-data-park-phase-2"
        );
        assert_eq!(derive_id("  --Café 5G!! ", "project", none), "caf-5g");
        assert_eq!(derive_id("青岛", "project", none), "project");
        let taken = |s: &str| s == "park" || s == "park-2";
        assert_eq!(derive_id("Park", "project", taken), "park-3");
        let long = derive_id(&"word ".repeat(30), "x", none);
        assert!(long.len() <= 48 && !long.ends_with('-'), "{long}");
    }

    use crate::domain::PartialDate;

    #[test]
    fn milestone_field_names() {
        assert_eq!(
            item_path("milestones[2].due"),
            Some(("milestones", 2, "due"))
        );
        assert_eq!(
            item_path("milestones.0.due"),
            Some(("milestones", 0, "due"))
        );
        assert_eq!(item_path("milestones.due"), None);
    }

    fn tracker() -> Tracker {
        let src = |id: &str| Source {
            id: id.into(),
            file: format!("{id}.txt"),
            title: "t".into(),
            outlet: None,
            author: None,
            published: PartialDate::parse("2024").unwrap(),
            dating_note: None,
            ..Default::default()
        };
        let mut t = Tracker {
            schema_version: 2,
            sources: vec![src("r1"), src("r2")],
            chains: vec![Chain {
                id: "digital".into(),
                name_zh: "数字经济".into(),
                name_en: "Digital economy".into(),
                aliases: vec![],
                featured: true,
                note: None,
                ..Default::default()
            }],
            areas: vec![],
            projects: vec![],
            targets: vec![],
        };
        let ev = Some(Evidence {
            source: "r1".into(),
            quote: "q".into(),
        });
        for (id, parent) in [("park", None), ("park-a", Some("park")), ("lone", None)] {
            let mut p = new_project(
                id.into(),
                "园".into(),
                "Park".into(),
                "digital".into(),
                None,
                parent.map(String::from),
                Status::Planned,
                None,
                ev.clone(),
            );
            p.parent = parent.map(String::from);
            t.projects.push(p);
        }
        t
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn added_project_gets_a_unique_id_and_undo_takes_it_out() {
        use crate::domain::edit::{apply, Edit};
        let mut t = tracker();
        let before = t.clone();
        let p = new_project(
            String::new(),
            "新园".into(),
            "Park".into(),
            "digital".into(),
            None,
            None,
            Status::Planned,
            None,
            Some(Evidence {
                source: "r2".into(),
                quote: "q".into(),
            }),
        );
        let ch = apply(&mut t, &Edit::AddProject(Box::new(p)), today()).unwrap();
        assert_eq!(ch.after.id(), "park-2");
        assert!(
            ch.summary
                .starts_with("added project park-2 (新园, 规划中 Planned)"),
            "{}",
            ch.summary
        );
        assert!(ch.inverse(String::new()).apply_to(&mut t));
        assert_eq!(t, before);
        assert!(ch.apply_to(&mut t));
        assert_eq!(t.projects[3].id, "park-2");
    }

    #[test]
    fn new_records_refuse_unknown_references_with_suggestions() {
        let t = tracker();
        let mut p = t.projects[2].clone();
        p.id = "new".into();
        p.chain = "digitl".into();
        let r = check_new_project(&t, &p).unwrap_err();
        assert!(
            r.message
                .contains("unknown chain \"digitl\" — did you mean `digital`?"),
            "{r}"
        );
        p.chain = "digital".into();
        p.parent = Some("prak".into());
        assert!(check_new_project(&t, &p)
            .unwrap_err()
            .message
            .contains("`park`"));
        p.parent = None;
        p.sources.clear();
        assert!(check_new_project(&t, &p)
            .unwrap_err()
            .message
            .contains("source"));
        p.id = "park".into();
        assert!(check_new_project(&t, &p)
            .unwrap_err()
            .message
            .contains("taken"));
    }

    #[test]
    fn removal_refuses_a_parent_and_undo_puts_it_back_in_place() {
        let mut t = tracker();
        let r = remove(&mut t, "park").unwrap_err();
        assert!(
            r.message.contains("project \"park-a\" is part of it"),
            "{r}"
        );
        let r = remove(&mut t, "r1").unwrap_err();
        assert!(r.message.contains("\"park\" cites it"), "{r}");
        let before = t.clone();
        let ch = remove(&mut t, "park-a").unwrap();
        assert_eq!(t.projects.len(), 2);
        ch.inverse(String::new()).apply_to(&mut t);
        assert_eq!(t, before, "back at index 1");
        t.projects[2].milestones.push(Milestone {
            due: PartialDate::parse("2025").unwrap(),
            expect: Status::Operating,
            text: "明年投产".into(),
            reached: None,
            source: Some("r1".into()),
            quote: Some("q".into()),
            slipped_from: vec![],
            ..Default::default()
        });
        let r = remove(&mut t, "lone").unwrap_err();
        assert!(r.message.contains("milestone 0 \"明年投产\""), "{r}");
        assert!(remove(&mut t, "r2").is_ok(), "an uncited source goes");
    }

    #[test]
    fn fields_are_set_checked_and_unchanged_is_a_no_op() {
        let mut t = tracker();
        let ch = set_field(&mut t, "lone", "name_en", "Lone Park").unwrap();
        assert_eq!(ch.summary, "lone: name_en \"Park\" -> \"Lone Park\"");
        assert!(
            set_field(&mut t, "lone", "name_en", "Lone Park")
                .unwrap_err()
                .unchanged
        );
        let r = set_field(&mut t, "lone", "nme_en", "x").unwrap_err();
        assert!(r.message.contains("did you mean `name_en`?"), "{r}");
        let r = set_field(&mut t, "lone", "status", "operating").unwrap_err();
        assert!(r.message.contains("set-status"), "{r}");
        assert!(set_field(&mut t, "lone", "parent", "lone-x").is_err());
        let r = set_field(&mut t, "park", "parent", "park-a").unwrap_err();
        assert!(r.message.contains("part of itself"), "{r}");
        set_field(&mut t, "lone", "aliases", "独园、 lone").unwrap();
        assert_eq!(t.projects[2].aliases, ["独园", "lone"]);
        set_field(&mut t, "lone", "note", "").unwrap_err();
    }
}
