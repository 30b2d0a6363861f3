//! Three-way merge of trackers by record and field, never by line: what a
//! team's git merge driver runs when two people changed the same file.
//!
//! - Records (sources, chains, areas, projects, targets) are matched by id;
//!   added on either side they are kept, removed on one side and untouched
//!   on the other they are removed.
//! - A field changed on one side takes that side; changed alike on both,
//!   that value.
//! - Lists whose entries have an identity (history, observations,
//!   milestones and their slips, a record's quotes, figures, aliases) are
//!   merged as sets by it (`schema::Spec::identity`): entries added on
//!   either side are kept, one removed on one side (an undo) and untouched
//!   on the other is removed, and an entry present on both is merged field
//!   by field in turn.
//! - What cannot be settled (a field set to two values; a record or entry
//!   removed on one side and changed on the other; one id added twice with
//!   different content) keeps ours in place and is recorded in the record's
//!   `conflicts`, with base, ours, theirs and who made each side: the
//!   result is always a valid tracker, never a file of conflict markers.
//! - Derived facts are made consistent afterwards: a project's status is
//!   the one its newest status-setting history entry gives.
//!
//! Driven by the schema tables: each field's `merge` (made by `record!`)
//! calls `Merge::merge` for its type.

use super::draft::as_text;
use super::edit::newest_status_entry;
use super::edit::{Absent, Change, Kind, Record as Kept, Refusal};
use super::model::*;
use super::schema::{DynRecord, FieldValue, Record, Slot, Val};
use super::status::Status;
use super::PartialDate;
use std::collections::HashMap;

/// The state of one merge: who made each side, and what could not be
/// settled in the record being merged.
#[derive(Debug, Default)]
pub struct Merger {
    /// Who made ours and theirs (the driver asks git), for the conflicts.
    pub ours_by: Option<String>,
    pub theirs_by: Option<String>,
    /// The path inside the top-level record being merged.
    path: Vec<String>,
    /// Its conflicts found so far.
    found: Vec<Conflict>,
    /// How deep in lists of records the merge is: items at depth 1 are the
    /// top-level records, which hold the conflicts.
    depth: usize,
}

impl Merger {
    pub fn new(ours_by: Option<String>, theirs_by: Option<String>) -> Merger {
        Merger {
            ours_by,
            theirs_by,
            ..Merger::default()
        }
    }

    /// The conflict's field: the path inside the record, then `key`.
    fn here(&self, key: &str) -> String {
        let mut p = self.path.join(".");
        if !p.is_empty() {
            p.push('.');
        }
        p.push_str(key);
        p
    }

    fn conflict(&mut self, key: &str, base: Option<String>, ours: String, theirs: String) {
        let field = self.here(key);
        let none = |s: String| (!s.is_empty()).then_some(s);
        self.found.push(Conflict {
            field,
            base: base.and_then(none),
            ours: none(ours),
            theirs: none(theirs),
            ours_by: self.ours_by.clone(),
            theirs_by: self.theirs_by.clone(),
        });
    }
}

/// Merges `ours` and `theirs`, both made from `base`, into one tracker.
/// Refused when the sides have different schema versions (migrate both).
pub fn merge(
    base: &Tracker,
    ours: &Tracker,
    theirs: &Tracker,
    m: &mut Merger,
) -> Result<Tracker, String> {
    if ours.schema_version != theirs.schema_version {
        return Err(format!(
            "one side is schema version {} and the other {}: run `shibei-tracker migrate` on the older one and commit it first",
            ours.schema_version, theirs.schema_version
        ));
    }
    let mut out = ours.clone();
    m.depth = 0;
    for f in Tracker::FIELDS {
        (f.merge)(&mut out, Some(base), theirs, m);
    }
    let by_id = |t: &Tracker| -> HashMap<String, usize> {
        t.projects
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect()
    };
    let (bi, oi, ti) = (by_id(base), by_id(ours), by_id(theirs));
    fn side<'t>(t: &'t Tracker, i: &HashMap<String, usize>, id: &str) -> Option<&'t Project> {
        i.get(id).map(|&n| &t.projects[n])
    }
    for p in &mut out.projects {
        let sides = Sides {
            base: side(base, &bi, &p.id),
            ours: side(ours, &oi, &p.id),
            theirs: side(theirs, &ti, &p.id),
        };
        settle_status(p, &sides, m);
    }
    Ok(out)
}

/// One top-level record present on both sides (and maybe in the base),
/// merged as `merge` merges it in its list: what the merge driver runs on
/// the records it finds changed on both sides, the others being taken as
/// they are.
pub fn merge_record<R: Record>(o: R, b: Option<&R>, t: &R, m: &mut Merger) -> R {
    m.depth = 1;
    let r = merged(o, b, t, "", 0, m);
    m.depth = 0;
    r
}

/// A top-level record removed on one side and changed on the other, kept
/// with the conflict `merge` records for it; `ours_removed` says which.
pub fn kept_record<R: Record>(r: R, ours_removed: bool, m: &mut Merger) -> R {
    m.depth = 1;
    let (ours, theirs) = if ours_removed {
        ("removed", "changed")
    } else {
        ("changed", "removed")
    };
    let r = removal_conflict(r, "", 0, ours, theirs, m);
    m.depth = 0;
    r
}

/// A merged project's status settled as `merge` settles it, from the
/// project as the base and each side have it.
pub fn settle_project(
    p: &mut Project,
    base: Option<&Project>,
    ours: Option<&Project>,
    theirs: Option<&Project>,
    m: &Merger,
) {
    settle_status(p, &Sides { base, ours, theirs }, m);
}

/// Whether merging would leave `p` as it is: its status the one its
/// newest status entry gives (as every file that loads has it).
pub fn settled(p: &Project) -> bool {
    newest_status_entry(p).is_none_or(|(_, h)| h.status == Some(p.status))
}

/// One project as the base and each side have it.
struct Sides<'a> {
    base: Option<&'a Project>,
    ours: Option<&'a Project>,
    theirs: Option<&'a Project>,
}

impl Sides<'_> {
    /// The status a side set itself on `day`: its newest status entry,
    /// when it is dated that day and the base does not have it.
    fn set_on(&self, side: Option<&Project>, day: chrono::NaiveDate) -> Option<Status> {
        let (_, h) = newest_status_entry(side?)?;
        let known = self
            .base
            .is_some_and(|b| b.history.iter().any(|x| identity(x) == identity(h)));
        (h.date.first_day() == day && !known).then_some(h.status?)
    }
}

/// A project's status is the one its newest status-setting entry gives:
/// with entries from both sides that is the newest of them all. Each side
/// setting a different status on that same (newest) day is a conflict:
/// ours is kept, and its entry goes last of that day's so the history
/// still gives it (the file must load; `resolve` moves the chosen one
/// last). Statuses one side set one after the other on one day are no
/// conflict: its last one stands.
fn settle_status(p: &mut Project, sides: &Sides, m: &Merger) {
    let Some((_, newest)) = newest_status_entry(p) else {
        return;
    };
    let day = newest.date.first_day();
    let status = newest.status.unwrap_or(p.status);
    let (ours, theirs) = (
        sides.set_on(sides.ours, day),
        sides.set_on(sides.theirs, day),
    );
    // A conflict over the status field that this merge found (both sides
    // changed it) is settled by the dates; one already listed on a side
    // waits for its resolution.
    let listed =
        |x: Option<&Project>| x.is_some_and(|x| x.conflicts.iter().any(|c| c.field == "status"));
    let settled = |p: &mut Project| {
        if !listed(sides.ours) && !listed(sides.theirs) {
            p.conflicts.retain(|c| c.field != "status");
        }
    };
    // Each side's own status of that day stands when both set the same;
    // two different ones are a conflict, ours kept.
    let (chosen, rival) = match (ours, theirs) {
        (Some(o), Some(t)) if o != t => (o, Some(t)),
        (Some(o), Some(_)) => (o, None),
        _ => (status, None),
    };
    p.status = chosen;
    if chosen != status {
        // The entry giving it goes after the last of that day's, so the
        // history gives it.
        let on_day = |h: &HistoryEntry| h.status.is_some() && h.date.first_day() == day;
        let last = p.history.iter().rposition(on_day);
        let mine = p
            .history
            .iter()
            .rposition(|h| on_day(h) && h.status == Some(chosen));
        if let (Some(last), Some(mine)) = (last, mine) {
            if mine < last {
                let e = p.history.remove(mine);
                p.history.insert(last, e);
            }
        }
    }
    let Some(theirs) = rival else {
        settled(p);
        return;
    };
    if !p.conflicts.iter().any(|c| c.field == "status") {
        p.conflicts.push(Conflict {
            field: "status".into(),
            base: sides.base.map(|b| b.status.id().to_string()),
            ours: Some(chosen.id().into()),
            theirs: Some(theirs.id().into()),
            ours_by: m.ours_by.clone(),
            theirs_by: m.theirs_by.clone(),
        });
    }
}

/// A field's three-way merge, by its type: `self` holds ours and becomes
/// the result.
pub trait Merge {
    fn merge(&mut self, base: Option<&Self>, theirs: &Self, key: &str, m: &mut Merger);
}

/// A value merged as a whole: one side's change wins; two different
/// changes are a conflict (ours kept).
fn merge_whole<T: PartialEq + Clone + FieldValue>(
    ours: &mut T,
    base: Option<&T>,
    theirs: &T,
    key: &str,
    m: &mut Merger,
) {
    if *ours == *theirs {
        return;
    }
    match base {
        Some(b) if b == ours => *ours = theirs.clone(),
        Some(b) if b == theirs => {}
        // Who entered something is not a fact to settle: the same record
        // or entry made alike by two people keeps ours's name.
        _ if WHO.contains(&key) => {}
        _ => {
            let text = |v: &T| as_text(v.val());
            m.conflict(key, base.map(text), text(ours), text(theirs));
        }
    }
}

/// The fields that say who entered something.
const WHO: [&str; 2] = ["by", "reached_by"];

macro_rules! merge_whole {
    ($($ty:ty),* $(,)?) => {$(
        impl Merge for $ty {
            fn merge(&mut self, base: Option<&Self>, theirs: &Self, key: &str, m: &mut Merger) {
                merge_whole(self, base, theirs, key, m)
            }
        }
    )*};
}

merge_whole!(
    String,
    Option<String>,
    f64,
    Option<f64>,
    u32,
    PartialDate,
    Option<PartialDate>,
    Status,
    Option<Status>,
    bool,
    Period,
    Option<Comparator>,
    Measure,
);

/// Aliases: a set. Added on either side are kept; removed on one side
/// (present in the base) are removed.
impl Merge for Vec<String> {
    fn merge(&mut self, base: Option<&Self>, theirs: &Self, _key: &str, _m: &mut Merger) {
        if self == theirs {
            return;
        }
        let empty = Vec::new();
        let base = base.unwrap_or(&empty);
        let removed = |s: &String, side: &Vec<String>| base.contains(s) && !side.contains(s);
        let mut out: Vec<String> = self
            .iter()
            .filter(|s| !removed(s, theirs))
            .cloned()
            .collect();
        for s in theirs {
            if !out.contains(s) && !removed(s, self) {
                out.push(s.clone());
            }
        }
        *self = out;
    }
}

/// A nested record (a baseline): merged field by field when all three
/// have it, as a whole otherwise.
impl<R: Record> Merge for Option<R> {
    fn merge(&mut self, base: Option<&Self>, theirs: &Self, key: &str, m: &mut Merger) {
        if *self == *theirs {
            return;
        }
        match (self.as_mut(), base, theirs) {
            (Some(o), Some(Some(b)), Some(t)) => {
                m.path.push(key.to_string());
                for f in R::FIELDS {
                    (f.merge)(o, Some(b), t, m);
                }
                m.path.pop();
            }
            _ => match base {
                Some(b) if b == self => *self = theirs.clone(),
                Some(b) if b == theirs => {}
                _ => {
                    let text = |v: &Option<R>| if v.is_some() { "(set)" } else { "" }.to_string();
                    m.conflict(key, base.map(text), text(self), text(theirs));
                }
            },
        }
    }
}

/// What identifies an entry of a list: its identity fields' values.
fn identity<R: Record>(r: &R) -> String {
    let mut key = String::new();
    for f in R::FIELDS.iter().filter(|f| f.spec.identity) {
        key.push_str(&as_text((f.get)(r)));
        key.push('\u{1f}');
    }
    key
}

/// Entries by identity; a second entry of the same identity in one list
/// is told apart by its rank among them.
fn keyed<R: Record>(list: &[R]) -> Vec<(String, usize)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    list.iter()
        .map(|r| {
            let k = identity(r);
            let n = seen.entry(k.clone()).or_insert(0);
            *n += 1;
            (k, *n)
        })
        .collect()
}

/// A list of records: merged as a set by identity (see the module doc).
impl<R: Record> Merge for Vec<R> {
    fn merge(&mut self, base: Option<&Self>, theirs: &Self, key: &str, m: &mut Merger) {
        if self == theirs {
            return;
        }
        // One side unchanged: the other side's list, whole. (Not for the
        // top-level lists of an added tracker: base is then absent.)
        match base {
            Some(b) if b == self => {
                *self = theirs.clone();
                return;
            }
            Some(b) if b == theirs => return,
            _ => {}
        }
        let empty = Vec::new();
        let base = base.unwrap_or(&empty);
        let (bk, ok, tk) = (keyed(base), keyed(self), keyed(theirs));
        let index = |keys: &[(String, usize)]| -> HashMap<(String, usize), usize> {
            keys.iter()
                .cloned()
                .enumerate()
                .map(|(i, k)| (k, i))
                .collect()
        };
        let (bi, ti) = (index(&bk), index(&tk));
        let oi = index(&ok);
        let ours = std::mem::take(self);
        let mut out: Vec<R> = Vec::with_capacity(ours.len().max(theirs.len()));
        m.depth += 1;
        for (o, k) in ours.into_iter().zip(&ok) {
            let b = bi.get(k).map(|&i| &base[i]);
            match ti.get(k).map(|&i| &theirs[i]) {
                Some(t) => {
                    let at = out.len();
                    out.push(merged(o, b, t, key, at, m));
                }
                None => match b {
                    // Removed by theirs, untouched by ours: removed.
                    Some(b) if *b == o => {}
                    // Removed by theirs, changed by ours: kept, said.
                    Some(_) => {
                        let at = out.len();
                        let kept = removal_conflict(o, key, at, "changed", "removed", m);
                        out.push(kept);
                    }
                    // Added by ours.
                    None => out.push(o),
                },
            }
        }
        for (t, k) in theirs.iter().zip(&tk) {
            if oi.contains_key(k) {
                continue;
            }
            match bi.get(k).map(|&i| &base[i]) {
                // Removed by ours, untouched by theirs: stays removed.
                Some(b) if b == t => {}
                Some(_) => {
                    let at = out.len();
                    let kept = removal_conflict(t.clone(), key, at, "removed", "changed", m);
                    out.push(kept);
                }
                // Added by theirs.
                None => out.push(t.clone()),
            }
        }
        m.depth -= 1;
        *self = out;
    }
}

/// One entry present on both sides (and maybe in the base), merged.
fn merged<R: Record>(mut o: R, b: Option<&R>, t: &R, key: &str, at: usize, m: &mut Merger) -> R {
    if o == *t {
        return o;
    }
    let top = m.depth == 1;
    if top {
        m.path.clear();
        m.found.clear();
    } else {
        m.path.push(format!("{key}[{at}]"));
    }
    for f in R::FIELDS {
        (f.merge)(&mut o, b, t, m);
    }
    o.settle();
    if top {
        attach(&mut o, m);
    } else {
        m.path.pop();
    }
    o
}

/// An entry removed on one side and changed on the other: kept (nothing
/// a person changed is dropped), the removal recorded as a conflict.
fn removal_conflict<R: Record>(
    mut r: R,
    key: &str,
    at: usize,
    ours: &str,
    theirs: &str,
    m: &mut Merger,
) -> R {
    if m.depth == 1 {
        m.path.clear();
        m.found.clear();
        m.conflict(RECORD, Some("present".into()), ours.into(), theirs.into());
        attach(&mut r, m);
    } else {
        m.conflict(
            &format!("{key}[{at}]"),
            Some("present".into()),
            ours.into(),
            theirs.into(),
        );
    }
    r
}

/// The field name of a conflict over the record itself.
pub const RECORD: &str = "(record)";

/// Puts the conflicts found in a top-level record into its `conflicts`,
/// a later one replacing an earlier one of the same field.
fn attach<R: Record>(r: &mut R, m: &mut Merger) {
    if m.found.is_empty() {
        return;
    }
    let Some(f) = R::field("conflicts") else {
        m.found.clear();
        return;
    };
    if let Slot::Items(list) = (f.slot)(r) {
        if let Some(list) = list.as_any_mut().downcast_mut::<Vec<Conflict>>() {
            for c in m.found.drain(..) {
                list.retain(|x| x.field != c.field);
                list.push(c);
            }
        }
    }
    m.found.clear();
}

/// A conflict as found in the file: the record holding it and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// The list the record is in (`projects`).
    pub section: &'static str,
    /// The record's place in that list and its id.
    pub index: usize,
    pub id: String,
    /// The conflict's place in the record's `conflicts`.
    pub at: usize,
    pub conflict: Conflict,
}

/// One side of a conflict as the command line and `validate` word it:
/// `"value" by name`, `(none)` for a side that removed or never set it.
pub fn side_text(value: &Option<String>, by: &Option<String>) -> String {
    format!(
        "{}{}",
        value
            .as_deref()
            .map_or("(none)".into(), |v| format!("\"{v}\"")),
        by.as_deref().map_or(String::new(), |b| format!(" by {b}"))
    )
}

/// Every conflict in the file, in file order.
pub fn conflicts(t: &Tracker) -> Vec<Found> {
    let mut out = Vec::new();
    for f in Tracker::FIELDS {
        let Val::Items(list) = (f.get)(t) else {
            continue;
        };
        if list.is_empty() {
            continue;
        }
        // The fields' places, looked up once per list (every item has the
        // same table): a city's hundred thousand records are then a look
        // at one field each.
        let first = list.item(0);
        let field = |key: &str| (0..first.field_count()).find(|&i| first.spec(i).key == key);
        let (Some(at_conflicts), at_id) = (field("conflicts"), field("id")) else {
            continue;
        };
        for index in 0..list.len() {
            let r = list.item(index);
            let Val::Items(cs) = r.get(at_conflicts) else {
                continue;
            };
            if cs.is_empty() {
                continue;
            }
            let Some(cs) = cs.as_any().downcast_ref::<Vec<Conflict>>() else {
                continue;
            };
            let id = match at_id.map(|i| r.get(i)) {
                Some(Val::Str(id)) => id.to_string(),
                _ => String::new(),
            };
            for (at, c) in cs.iter().enumerate() {
                out.push(Found {
                    section: f.spec.key,
                    index,
                    id: id.clone(),
                    at,
                    conflict: c.clone(),
                });
            }
        }
    }
    out
}

/// How a conflict is settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    Ours,
    Theirs,
    /// Another value, typed as `edit` takes it.
    Value(String),
}

/// What settling a conflict does to its record.
enum Settled {
    Kept,
    /// The record goes (its removal won).
    Removed,
}

/// Settles the conflict over `field` of the record `id` (in `section`, or
/// the first list holding such a conflict): the record takes the chosen
/// value and loses the conflict; once none is left it reads as a record
/// that never conflicted.
pub fn resolve(t: &mut Tracker, id: &str, field: &str, choice: &Choice) -> Result<Change, Refusal> {
    let found = conflicts(t);
    let Some(f) = found
        .iter()
        .find(|f| f.id == id && f.conflict.field == field)
        .cloned()
    else {
        let here: Vec<String> = found
            .iter()
            .filter(|f| f.id == id)
            .map(|f| f.conflict.field.clone())
            .collect();
        return Err(Refusal::no(if here.is_empty() {
            format!("{id} has no conflict to resolve")
        } else {
            format!(
                "{id} has no conflict over \"{field}\"; its conflicts: {}",
                here.join(", ")
            )
        }));
    };
    let mut change = match f.section {
        "sources" => settle_in(
            t,
            |t| &mut t.sources,
            Kept::Source,
            Kind::Source,
            &f,
            choice,
        ),
        "chains" => settle_in(t, |t| &mut t.chains, Kept::Chain, Kind::Chain, &f, choice),
        "areas" => settle_in(t, |t| &mut t.areas, Kept::Area, Kind::Area, &f, choice),
        "projects" => settle_in(
            t,
            |t| &mut t.projects,
            Kept::Project,
            Kind::Project,
            &f,
            choice,
        ),
        "targets" => settle_in(
            t,
            |t| &mut t.targets,
            Kept::Target,
            Kind::Target,
            &f,
            choice,
        ),
        other => Err(Refusal::no(format!(
            "conflicts in {other} cannot be resolved here"
        ))),
    }?;
    let left = conflicts(t).len();
    change.summary.push_str(&if left == 0 {
        "; no conflict is left: the file reads as one that never conflicted".to_string()
    } else {
        format!("; {left} left")
    });
    Ok(change)
}

fn settle_in<R: Record>(
    t: &mut Tracker,
    list: fn(&mut Tracker) -> &mut Vec<R>,
    wrap: fn(R) -> Kept,
    kind: Kind,
    f: &Found,
    choice: &Choice,
) -> Result<Change, Refusal> {
    let before = list(t)[f.index].clone();
    let mut r = before.clone();
    let c = &f.conflict;
    let shown = match choice {
        Choice::Ours => format!("ours ({})", c.ours.as_deref().unwrap_or("none")),
        Choice::Theirs => format!("theirs ({})", c.theirs.as_deref().unwrap_or("none")),
        Choice::Value(v) => format!("\"{v}\""),
    };
    let settled = settle(&mut r, c, choice)?;
    // A history entry that went may have been the one giving the status:
    // the status is again the one the newest remaining entry gives.
    if let Some(p) = (&mut r as &mut dyn std::any::Any).downcast_mut::<Project>() {
        if let Some(s) = newest_status_entry(p).and_then(|(_, h)| h.status) {
            if !p.conflicts.iter().any(|x| x.field == "status") {
                p.status = s;
            }
        }
    }
    // The conflict itself goes.
    if let Some(cf) = R::field("conflicts") {
        if let Slot::Items(l) = (cf.slot)(&mut r) {
            if let Some(l) = l.as_any_mut().downcast_mut::<Vec<Conflict>>() {
                l.retain(|x| x.field != c.field);
            }
        }
    }
    let summary = format!("{}: {} resolved: {shown}", f.id, c.field);
    match settled {
        Settled::Kept => {
            list(t)[f.index] = r.clone();
            Ok(Change {
                before: wrap(before),
                after: wrap(r),
                summary,
            })
        }
        Settled::Removed => {
            let refs = super::records::references(t, &f.id);
            if kind != Kind::Chain && kind != Kind::Area && !refs.is_empty() {
                return Err(Refusal::no(format!(
                    "{} cannot go: {} — resolve by keeping it, or remove those first",
                    f.id,
                    refs.join("; ")
                )));
            }
            list(t).remove(f.index);
            Ok(Change {
                before: wrap(before),
                after: Kept::Absent(Absent {
                    kind,
                    id: f.id.clone(),
                    at: f.index,
                }),
                summary,
            })
        }
    }
}

/// The side that removed, for a conflict over a removal: "ours" or
/// "theirs" (None: a conflict over a value).
fn remover(c: &Conflict) -> Option<Choice> {
    match (c.ours.as_deref(), c.theirs.as_deref()) {
        (Some("removed"), Some("changed")) => Some(Choice::Ours),
        (Some("changed"), Some("removed")) => Some(Choice::Theirs),
        _ => None,
    }
}

fn settle<R: Record>(r: &mut R, c: &Conflict, choice: &Choice) -> Result<Settled, Refusal> {
    let removal = c.field == RECORD || c.field.ends_with(']');
    if removal {
        let Some(removing) = remover(c) else {
            return Err(Refusal::no(format!(
                "the conflict over {} is not readable",
                c.field
            )));
        };
        if let Choice::Value(_) = choice {
            return Err(Refusal::no(format!(
                "{} was removed on one side and changed on the other: take --ours or --theirs",
                c.field
            )));
        }
        if *choice != removing {
            return Ok(Settled::Kept);
        }
        if c.field == RECORD {
            return Ok(Settled::Removed);
        }
        let (path, last) = split_path(&c.field)?;
        let (key, i) = last;
        let at = walk(r, &path)?;
        let idx = (0..at.field_count())
            .find(|&j| at.spec(j).key == key)
            .ok_or_else(|| gone(&c.field))?;
        match (at.slot(idx), i) {
            (Slot::Items(list), Some(i)) => {
                if list.remove_at(i) {
                    Ok(Settled::Kept)
                } else {
                    Err(gone(&c.field))
                }
            }
            _ => Err(gone(&c.field)),
        }
    } else {
        let text = match choice {
            Choice::Ours => return Ok(Settled::Kept),
            Choice::Theirs => c.theirs.clone().unwrap_or_default(),
            Choice::Value(v) => v.clone(),
        };
        if c.field == "status" {
            return settle_status_choice(r, &text).map(|()| Settled::Kept);
        }
        let (path, (key, i)) = split_path(&c.field)?;
        if i.is_some() {
            return Err(gone(&c.field));
        }
        let at = walk(r, &path)?;
        let idx = (0..at.field_count())
            .find(|&j| at.spec(j).key == key)
            .ok_or_else(|| gone(&c.field))?;
        let spec = *at.spec(idx);
        super::draft::set_from_text(&spec, at.slot(idx), &text).map_err(Refusal::no)?;
        Ok(Settled::Kept)
    }
}

fn gone(field: &str) -> Refusal {
    Refusal::no(format!(
        "{field} is no longer where the merge left it (the record changed since): edit the value instead, then resolve with --ours"
    ))
}

/// `a[1].b.c` into the steps to walk (`a[1]`, `b`) and the last (`c`).
type Step = (String, Option<usize>);

fn split_path(path: &str) -> Result<(Vec<Step>, Step), Refusal> {
    let mut steps: Vec<Step> = Vec::new();
    for seg in path.split('.') {
        let step = match seg.split_once('[') {
            Some((k, rest)) => {
                let n = rest
                    .strip_suffix(']')
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(|| Refusal::no(format!("\"{path}\" is not a field path")))?;
                (k.to_string(), Some(n))
            }
            None => (seg.to_string(), None),
        };
        steps.push(step);
    }
    let last = steps.pop().ok_or_else(|| Refusal::no("no field given"))?;
    Ok((steps, last))
}

/// The record the steps lead to, from `r`.
fn walk<'a>(r: &'a mut dyn DynRecord, steps: &[Step]) -> Result<&'a mut dyn DynRecord, Refusal> {
    let Some(((key, i), rest)) = steps.split_first() else {
        return Ok(r);
    };
    let idx = (0..r.field_count())
        .find(|&j| r.spec(j).key == key)
        .ok_or_else(|| gone(key))?;
    let next: &mut dyn DynRecord = match (r.slot(idx), i) {
        (Slot::Items(list), Some(i)) => list.item_mut(*i).ok_or_else(|| gone(key))?,
        (Slot::Nested(n), None) => n.get_mut().ok_or_else(|| gone(key))?,
        _ => return Err(gone(key)),
    };
    walk(next, rest)
}

/// A status conflict (two statuses set on the same newest day): the
/// chosen status becomes the project's, and its entry is put last among
/// that day's, so the history still gives it.
fn settle_status_choice<R: Record>(r: &mut R, text: &str) -> Result<(), Refusal> {
    let status =
        Status::parse(text).ok_or_else(|| Refusal::no(format!("unknown status \"{text}\"")))?;
    let Some(f) = R::field("history") else {
        return Err(Refusal::no("no history to settle a status by"));
    };
    let Slot::Items(list) = (f.slot)(r) else {
        return Err(Refusal::no("no history to settle a status by"));
    };
    let Some(history) = list.as_any_mut().downcast_mut::<Vec<HistoryEntry>>() else {
        return Err(Refusal::no("no history to settle a status by"));
    };
    let newest = history.iter().map(|h| h.date).max();
    let pos = history
        .iter()
        .rposition(|h| Some(h.date) == newest && h.status == Some(status))
        .ok_or_else(|| {
            Refusal::no(format!(
                "neither side set {} on the newest day: change the status with set-status",
                status.id()
            ))
        })?;
    let entry = history.remove(pos);
    let last_same_day = history
        .iter()
        .rposition(|h| Some(h.date) == newest)
        .map_or(history.len(), |i| i + 1);
    history.insert(last_same_day, entry);
    if let Some(st) = R::field("status") {
        if let Slot::Status(s) = (st.slot)(r) {
            *s = status;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(id: &str) -> Project {
        Project {
            id: id.into(),
            name_zh: "项目".into(),
            name_en: "P".into(),
            chain: "c".into(),
            sources: vec![Evidence {
                source: "r".into(),
                quote: "q".into(),
            }],
            ..Project::default()
        }
    }

    fn tracker(projects: Vec<Project>) -> Tracker {
        Tracker {
            schema_version: 2,
            projects,
            ..Tracker::default()
        }
    }

    fn run(b: &Tracker, o: &Tracker, t: &Tracker) -> Tracker {
        merge(
            b,
            o,
            t,
            &mut Merger::new(Some("甲".into()), Some("乙".into())),
        )
        .unwrap()
    }

    #[test]
    fn a_field_changed_on_one_side_takes_that_side() {
        let base = tracker(vec![project("a"), project("b")]);
        let mut o = base.clone();
        o.projects[0].name_en = "Alpha".into();
        let mut t = base.clone();
        t.projects[1].note = Some("笔记".into());
        t.projects[0].aliases = vec!["阿".into()];
        let r = run(&base, &o, &t);
        assert_eq!(r.projects[0].name_en, "Alpha");
        assert_eq!(r.projects[0].aliases, vec!["阿".to_string()]);
        assert_eq!(r.projects[1].note.as_deref(), Some("笔记"));
        assert!(r.projects.iter().all(|p| p.conflicts.is_empty()));
        // Symmetric.
        assert_eq!(run(&base, &t, &o), r);
    }

    #[test]
    fn the_same_field_set_two_ways_keeps_ours_and_says_so() {
        let base = tracker(vec![project("a")]);
        let mut o = base.clone();
        o.projects[0].name_en = "Alpha".into();
        let mut t = base.clone();
        t.projects[0].name_en = "Aleph".into();
        let r = run(&base, &o, &t);
        assert_eq!(r.projects[0].name_en, "Alpha");
        assert_eq!(
            r.projects[0].conflicts,
            vec![Conflict {
                field: "name_en".into(),
                base: Some("P".into()),
                ours: Some("Alpha".into()),
                theirs: Some("Aleph".into()),
                ours_by: Some("甲".into()),
                theirs_by: Some("乙".into()),
            }]
        );
    }

    #[test]
    fn entries_added_on_both_sides_are_kept_and_an_undo_removes() {
        let mut base = tracker(vec![project("a")]);
        let entry = |d: &str, note: &str| HistoryEntry {
            date: PartialDate::parse(d).unwrap(),
            note: note.into(),
            ..HistoryEntry::default()
        };
        base.projects[0].history = vec![entry("2020", "旧")];
        let mut o = base.clone();
        o.projects[0].history.push(entry("2024-01", "甲的"));
        let mut t = base.clone();
        t.projects[0].history.clear(); // an undo on theirs
        t.projects[0].history.push(entry("2024-02", "乙的"));
        let r = run(&base, &o, &t);
        let notes: Vec<&str> = r.projects[0]
            .history
            .iter()
            .map(|h| h.note.as_str())
            .collect();
        assert_eq!(notes, ["甲的", "乙的"]);
        assert!(r.projects[0].conflicts.is_empty());
    }

    /// The same record added alike by two people: one record, no conflict
    /// over who added it (ours's name kept).
    #[test]
    fn who_entered_the_same_thing_is_not_a_conflict() {
        let base = tracker(vec![]);
        let mut o = base.clone();
        let mut p = project("a");
        p.by = Some("甲".into());
        o.projects.push(p.clone());
        let mut t = base.clone();
        p.by = Some("乙".into());
        t.projects.push(p);
        let r = run(&base, &o, &t);
        assert_eq!(r.projects.len(), 1);
        assert_eq!(r.projects[0].by.as_deref(), Some("甲"));
        assert!(
            r.projects[0].conflicts.is_empty(),
            "{:?}",
            r.projects[0].conflicts
        );
    }

    #[test]
    fn a_record_removed_on_one_side_and_changed_on_the_other_is_kept() {
        let base = tracker(vec![project("a"), project("b")]);
        let mut o = base.clone();
        o.projects.remove(0);
        let mut t = base.clone();
        t.projects[0].note = Some("still here".into());
        let r = run(&base, &o, &t);
        let a = r.project("a").expect("kept");
        assert_eq!(a.note.as_deref(), Some("still here"));
        assert_eq!(a.conflicts[0].field, RECORD);
        assert_eq!(a.conflicts[0].ours.as_deref(), Some("removed"));
        // Removed and untouched: removed.
        let mut t2 = base.clone();
        t2.projects[1].note = Some("x".into());
        let r = run(&base, &o, &t2);
        assert!(r.project("a").is_none());
    }

    #[test]
    fn status_follows_the_newest_history_entry_of_both_sides() {
        let base = tracker(vec![project("a")]);
        let set = |p: &mut Project, d: &str, s: Status| {
            p.status = s;
            p.history.push(HistoryEntry {
                date: PartialDate::parse(d).unwrap(),
                status: Some(s),
                note: d.to_string(),
                ..HistoryEntry::default()
            });
        };
        let mut o = base.clone();
        set(&mut o.projects[0], "2024-05-01", Status::UnderConstruction);
        let mut t = base.clone();
        set(&mut t.projects[0], "2024-06-01", Status::Completed);
        let r = run(&base, &o, &t);
        assert_eq!(r.projects[0].status, Status::Completed);
        assert!(
            r.projects[0].conflicts.is_empty(),
            "{:?}",
            r.projects[0].conflicts
        );
        // Same day, two statuses: a conflict, ours kept.
        let mut t = base.clone();
        set(&mut t.projects[0], "2024-05-01", Status::Stalled);
        let r = run(&base, &o, &t);
        assert_eq!(r.projects[0].status, Status::UnderConstruction);
        assert_eq!(r.projects[0].conflicts[0].field, "status");
        // The file stays one that loads: its newest status entry gives
        // the status it holds (ours), whichever side merges.
        for (o, t) in [(&o, &t), (&t, &o)] {
            let r = run(&base, o, t);
            let p = &r.projects[0];
            assert_eq!(p.status, o.projects[0].status, "ours in place");
            assert_eq!(
                newest_status_entry(p).map(|(_, h)| h.status),
                Some(Some(p.status))
            );
            assert_eq!(p.history.len(), 2);
            assert_eq!(
                p.conflicts[0].theirs.as_deref(),
                Some(t.projects[0].status.id())
            );
        }
    }

    #[test]
    fn resolving_away_an_undone_status_entry_gives_back_the_status_before_it() {
        let entry = |d: &str, s: Status| HistoryEntry {
            date: PartialDate::parse(d).unwrap(),
            status: Some(s),
            note: d.to_string(),
            ..HistoryEntry::default()
        };
        let mut base = tracker(vec![project("a")]);
        base.projects[0].status = Status::Completed;
        base.projects[0].history = vec![
            entry("2022", Status::UnderConstruction),
            entry("2024-08", Status::Completed),
        ];
        // Ours cites the newest entry; theirs undoes it.
        let mut o = base.clone();
        o.projects[0].history[1].quote = Some("q".into());
        let mut t = base.clone();
        t.projects[0].history.pop();
        t.projects[0].status = Status::UnderConstruction;
        let mut r = run(&base, &o, &t);
        assert_eq!(r.projects[0].conflicts[0].field, "history[1]");
        assert_eq!(r.projects[0].status, Status::Completed);
        resolve(&mut r, "a", "history[1]", &Choice::Theirs).unwrap();
        assert_eq!(r, t, "as theirs, which never conflicted");
    }

    #[test]
    fn two_statuses_one_side_set_on_one_day_are_no_conflict() {
        let base = tracker(vec![project("a")]);
        let set = |p: &mut Project, s: Status| {
            p.status = s;
            p.history.push(HistoryEntry {
                date: PartialDate::parse("2024-05-01").unwrap(),
                status: Some(s),
                note: s.id().into(),
                ..HistoryEntry::default()
            });
        };
        // Theirs signed, then started, on one day; ours renamed it.
        let mut t = base.clone();
        set(&mut t.projects[0], Status::Signed);
        set(&mut t.projects[0], Status::UnderConstruction);
        let mut o = base.clone();
        o.projects[0].name_en = "Alpha".into();
        for (o, t) in [(&o, &t), (&t, &o)] {
            let r = run(&base, o, t);
            let p = &r.projects[0];
            assert!(p.conflicts.is_empty(), "{:?}", p.conflicts);
            assert_eq!(p.status, Status::UnderConstruction);
            assert_eq!(p.name_en, "Alpha");
        }
        // Ours started it that day too (entered by another person): the
        // same status, no conflict over it, and the history gives it.
        o.projects[0].status = Status::UnderConstruction;
        o.projects[0].history = vec![HistoryEntry {
            by: Some("丙".into()),
            ..t.projects[0].history[1].clone()
        }];
        let r = run(&base, &o, &t);
        let p = &r.projects[0];
        assert_eq!(p.status, Status::UnderConstruction);
        assert!(
            p.conflicts.iter().all(|c| c.field != "status"),
            "{:?}",
            p.conflicts
        );
        assert_eq!(
            newest_status_entry(p).and_then(|(_, h)| h.status),
            Some(Status::UnderConstruction)
        );
    }
}
