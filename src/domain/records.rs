//! Adding, correcting and removing whole records: the checks a new project,
//! target or source must pass, scalar field edits, removal that refuses to
//! leave a dangling reference, ids derived from names, and the passage of a
//! report closest to a quote that was not found in it.
//!
//! Like the rest of the domain this knows no files: whether a quote occurs
//! in its report is checked by the caller (who can read the report) before
//! the edit is applied.

use super::edit::{Absent, Change, Kind, Record, Refusal};
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
    Refusal {
        message: message.into(),
        unchanged: false,
    }
}

/// "unknown chain "x" — did you mean `y`?"
fn unknown<'a>(what: &str, value: &str, known: impl Iterator<Item = &'a str>) -> Refusal {
    let known: Vec<&str> = known.collect();
    let near = closest(value, known.iter().copied());
    let hint = if near.is_empty() {
        format!("known: {}", shorten_list(&known))
    } else {
        format!(
            "did you mean {}?",
            near.iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        )
    };
    no(format!("unknown {what} \"{value}\" — {hint}"))
}

fn shorten_list(v: &[&str]) -> String {
    if v.len() <= 12 {
        v.join(", ")
    } else {
        format!("{}, … ({} in all)", v[..12].join(", "), v.len())
    }
}

fn check_chain(t: &Tracker, chain: &str) -> Result<(), Refusal> {
    if t.chain(chain).is_none() {
        return Err(unknown(
            "chain",
            chain,
            t.chains.iter().map(|c| c.id.as_str()),
        ));
    }
    Ok(())
}

fn check_area(t: &Tracker, area: Option<&str>) -> Result<(), Refusal> {
    match area {
        Some(a) if t.area(a).is_none() => {
            Err(unknown("area", a, t.areas.iter().map(|c| c.id.as_str())))
        }
        _ => Ok(()),
    }
}

fn check_parent(t: &Tracker, id: &str, parent: Option<&str>) -> Result<(), Refusal> {
    let Some(parent) = parent else {
        return Ok(());
    };
    if t.project(parent).is_none() {
        return Err(unknown(
            "parent project",
            parent,
            t.projects.iter().map(|p| p.id.as_str()),
        ));
    }
    // Following parents up from the new parent must not come back here.
    let mut cur = Some(parent);
    let mut steps = 0;
    while let Some(c) = cur {
        if c == id {
            return Err(no(format!(
                "\"{parent}\" is part of \"{id}\" (through `parent`): a project cannot be part of itself"
            )));
        }
        steps += 1;
        if steps > t.projects.len() {
            break;
        }
        cur = t.project(c).and_then(|p| p.parent.as_deref());
    }
    Ok(())
}

fn required(field: &str, value: &str) -> Result<(), Refusal> {
    if value.trim().is_empty() {
        return Err(no(format!("{field} is empty: give a value")));
    }
    Ok(())
}

fn check_evidence(t: &Tracker, e: &Evidence) -> Result<(), Refusal> {
    if t.source(&e.source).is_none() {
        return Err(unknown(
            "source",
            &e.source,
            t.sources.iter().map(|s| s.id.as_str()),
        ));
    }
    required("the quote", &e.quote)
}

/// The checks a new project must pass before it is added (the quote's
/// presence in its report is the caller's to check).
pub fn check_new_project(t: &Tracker, p: &Project) -> Result<(), Refusal> {
    check_id(t, &p.id)?;
    required("name_zh (the Chinese name)", &p.name_zh)?;
    required("name_en (the English name)", &p.name_en)?;
    check_chain(t, &p.chain)?;
    check_area(t, p.area.as_deref())?;
    check_parent(t, &p.id, p.parent.as_deref())?;
    if p.sources.is_empty() {
        return Err(no(
            "a project cites the report that names it: give a source and a quote",
        ));
    }
    for e in &p.sources {
        check_evidence(t, e)?;
    }
    Ok(())
}

/// The checks a new goal or result must pass.
pub fn check_new_target(t: &Tracker, x: &Target) -> Result<(), Refusal> {
    check_id(t, &x.id)?;
    required("metric_zh (the Chinese metric)", &x.metric_zh)?;
    required("metric_en (the English metric)", &x.metric_en)?;
    check_chain(t, &x.chain)?;
    check_area(t, x.area.as_deref())?;
    check_goal(x)?;
    if let Some(m) = &x.metric {
        if !valid_id(m) {
            return Err(no(format!(
                "metric \"{m}\" is not a valid key: use lower-case letters, digits and hyphens (e.g. gdp)"
            )));
        }
        if let Some(other) = t.series(m).first() {
            if other.unit != x.unit {
                return Err(no(format!(
                    "series \"{m}\" is counted in \"{}\" ({}), not \"{}\": use the same unit",
                    other.unit, other.id, x.unit
                )));
            }
        }
    }
    if x.target.is_none() && x.observations.is_empty() {
        return Err(no(
            "give a goal (target and comparator) or a result (an observed value): this has neither",
        ));
    }
    if x.sources.is_empty() {
        return Err(no(
            "a goal or result cites the report that states it: give a source and a quote",
        ));
    }
    for e in &x.sources {
        check_evidence(t, e)?;
    }
    Ok(())
}

fn check_goal(x: &Target) -> Result<(), Refusal> {
    match (x.target, x.comparator) {
        (Some(v), _) if !v.is_finite() || v < 0.0 => Err(no(format!(
            "target {v}: a target is an amount of 0 or more"
        ))),
        (Some(_), None) => Err(no(
            "a target needs a comparator: >= (以上, 突破), <= (以内) or =",
        )),
        (None, Some(_)) => Err(no(
            "a comparator needs a target value (a result without a goal has neither)",
        )),
        _ => Ok(()),
    }
}

fn check_id(t: &Tracker, id: &str) -> Result<(), Refusal> {
    if !valid_id(id) {
        return Err(no(format!(
            "\"{id}\" is not a valid id: use lower-case letters, digits and hyphens, e.g. renhe-road-renewal"
        )));
    }
    if id_taken(t, id) {
        return Err(no(format!(
            "the id \"{id}\" is taken: choose another (or leave it out to derive one from the English name)"
        )));
    }
    Ok(())
}

/// The checks a new source must pass (its file is copied by the caller).
pub fn check_new_source(t: &Tracker, s: &Source) -> Result<(), Refusal> {
    check_id(t, &s.id)?;
    required("the title", &s.title)?;
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

/// A period as typed: `2024`, `2018-2020` (whole years), or two days
/// `2018-01-01..2020-12-31` (also written with " to ").
pub fn parse_period(s: &str) -> Result<Period, String> {
    let s = s.trim();
    let bad = || {
        format!("\"{s}\" is not a period: write a year (2024), years (2018-2020) or two days (2018-01-01..2020-12-31)")
    };
    let (a, b) = if let Some((a, b)) = s.split_once("..") {
        (a.trim(), Some(b.trim()))
    } else if let Some((a, b)) = s.split_once(" to ") {
        (a.trim(), Some(b.trim()))
    } else if s.len() == 9 && s.as_bytes()[4] == b'-' {
        (&s[..4], Some(&s[5..]))
    } else {
        (s, None)
    };
    let year = |y: &str| -> Option<i32> {
        (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
            .then(|| y.parse().ok())
            .flatten()
    };
    let period = match b {
        None => Period::Year(year(a).ok_or_else(bad)?),
        Some(b) => {
            let (start, end) = match (year(a), year(b)) {
                (Some(x), Some(y)) => (
                    NaiveDate::from_ymd_opt(x, 1, 1).ok_or_else(bad)?,
                    NaiveDate::from_ymd_opt(y, 12, 31).ok_or_else(bad)?,
                ),
                _ => (
                    super::date::parse_day(a).ok_or_else(bad)?,
                    super::date::parse_day(b).ok_or_else(bad)?,
                ),
            };
            if end < start {
                return Err(format!(
                    "\"{s}\": the period ends ({end}) before it starts ({start})"
                ));
            }
            Period::Span { start, end }
        }
    };
    if period
        .start()
        .format("%Y")
        .to_string()
        .parse::<i32>()
        .unwrap_or(0)
        < super::edit::EARLIEST_YEAR
    {
        return Err(format!(
            "\"{s}\" is before {}: give the real period",
            super::edit::EARLIEST_YEAR
        ));
    }
    Ok(period)
}

/// The period as `edit` and the form take it back.
pub fn period_text(p: &Period) -> String {
    match *p {
        Period::Year(y) => y.to_string(),
        Period::Span { start, end } => format!("{start}..{end}"),
    }
}

/// Aliases as typed: separated by commas (, or ，) or 、.
pub fn parse_aliases(value: &str) -> Vec<String> {
    value
        .split([',', '，', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
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
        .map(|n| format!("did you mean `{n}`? "))
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
fn check_project_edit(t: &Tracker, before: &Project, p: &Project) -> Result<(), Refusal> {
    if p.chain != before.chain {
        check_chain(t, &p.chain)?;
    }
    if p.area != before.area {
        check_area(t, p.area.as_deref())?;
    }
    if p.parent != before.parent {
        check_parent(t, &p.id, p.parent.as_deref())?;
    }
    for (m, old) in p.milestones.iter().zip(&before.milestones) {
        if m.due == old.due {
            continue;
        }
        if m.due.first_day() > old.due.last_day() {
            return Err(no(format!(
                "{} is later than the promised {}: that is a slip — record it with `milestone {} --slip-to {}`, which keeps the date promised before",
                m.due, old.due, p.id, m.due
            )));
        }
        if let Some(s) = m.slipped_from.last() {
            if m.due <= s.due {
                return Err(no(format!(
                    "{} is not after {}, the date it slipped from",
                    m.due, s.due
                )));
            }
        }
    }
    Ok(())
}

/// What an edit to a goal or result must keep true.
fn check_target_edit(t: &Tracker, before: &Target, x: &Target) -> Result<(), Refusal> {
    if x.chain != before.chain {
        check_chain(t, &x.chain)?;
    }
    if x.area != before.area {
        check_area(t, x.area.as_deref())?;
    }
    check_goal(x)?;
    if x.metric != before.metric {
        if let Some(m) = &x.metric {
            if !valid_id(m) {
                return Err(no(format!(
                    "metric \"{m}\" is not a valid key: use lower-case letters, digits and hyphens"
                )));
            }
        }
    }
    if x.unit != before.unit || x.metric != before.metric {
        if let Some(m) = &x.metric {
            if let Some(other) = t.series(m).into_iter().find(|o| o.id != x.id) {
                if other.unit != x.unit {
                    return Err(no(format!(
                        "{} is in series \"{m}\" counted in \"{}\" ({}): a series shares one unit",
                        x.id, other.unit, other.id
                    )));
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
    let unchanged = |new: &str| Refusal {
        message: format!("{id}: {field} is already \"{new}\": unchanged, nothing written"),
        unchanged: true,
    };
    let changed = |old: String, new: String| format!("{id}: {field} \"{old}\" -> \"{new}\"");
    if let Some(i) = t.projects.iter().position(|p| p.id == id) {
        let mut p = t.projects[i].clone();
        let (old, new) = set_by_name(id, &mut p, field, value)?;
        if p == t.projects[i] {
            return Err(unchanged(&new));
        }
        check_project_edit(t, &t.projects[i], &p)?;
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
        check_target_edit(t, &t.targets[i], &x)?;
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
    unknown(
        "project or target",
        id,
        t.projects
            .iter()
            .map(|p| p.id.as_str())
            .chain(t.targets.iter().map(|x| x.id.as_str())),
    )
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

/// The passage of `report` closest to `quote` (which was not found in it):
/// the sentence sharing the most character pairs with it, to show the user
/// what the report actually says there. `None` for an empty report.
pub fn closest_passage(report: &str, quote: &str) -> Option<String> {
    let pairs = |s: &str| -> std::collections::HashSet<(char, char)> {
        let c: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
        c.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let q = pairs(quote);
    let qc: Vec<char> = quote.chars().filter(|c| !c.is_whitespace()).collect();
    sentences(report)
        .into_iter()
        .map(|s| {
            let p = pairs(s);
            let shared = q.intersection(&p).count();
            // Single characters break ties (and decide for one-character quotes).
            let chars = qc.iter().filter(|c| s.contains(**c)).count();
            ((shared, chars), s)
        })
        .filter(|((shared, chars), _)| *shared > 0 || *chars > 0)
        .max_by_key(|(score, s)| (*score, std::cmp::Reverse(s.len())))
        .map(|(_, s)| s.trim().to_string())
}

/// A report cut into sentences (ending in 。！？；, a line break, or . ! ?
/// followed by a space), trimmed, empty ones dropped.
pub fn sentences(report: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = report.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = match c {
            '。' | '！' | '？' | '；' | '\n' => true,
            '.' | '!' | '?' => chars.peek().is_none_or(|(_, n)| n.is_whitespace()),
            _ => false,
        };
        if end {
            let s = report[start..i + c.len_utf8()].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = i + c.len_utf8();
        }
    }
    let rest = report[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
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

    #[test]
    fn periods_parse_years_spans_and_refuse_nonsense() {
        assert_eq!(parse_period("2024").unwrap(), Period::Year(2024));
        let p = parse_period("2018-2020").unwrap();
        assert_eq!(period_text(&p), "2018-01-01..2020-12-31");
        assert_eq!(parse_period(&period_text(&p)).unwrap(), p);
        assert!(parse_period("2018-01-01 to 2018-06-30").is_ok());
        for bad in ["24", "2024-13", "2020-2018", "next year", "1800", ""] {
            assert!(parse_period(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn closest_passage_is_the_sentence_sharing_most_pairs() {
        let report =
            "市北区加快建设。人和路旧城改造项目B、C区终于在12月1日实现开工建设。明年投产！";
        assert_eq!(
            closest_passage(report, "人和路改造项目12月开工").unwrap(),
            "人和路旧城改造项目B、C区终于在12月1日实现开工建设。"
        );
        assert_eq!(closest_passage("", "x"), None);
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
