//! What an edit did, as data: the record before and after (so it can be
//! undone and redone), and why an edit was refused. Shared by the edits
//! (`edit`), the record checks (`records`) and the merge, none of which
//! need each other for it.

use super::model::{Area, Chain, Project, Source, Target, Tracker};

/// Why an edit was not applied. `unchanged` marks a request that asked for
/// what is already recorded: nothing to do, and not an error. `field`
/// names the field the refusal is about (a form puts it beside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub unchanged: bool,
    pub field: Option<String>,
}

impl Refusal {
    pub fn no(message: impl Into<String>) -> Self {
        Refusal {
            message: message.into(),
            unchanged: false,
            field: None,
        }
    }

    /// A refusal about the field `key` (as a draft and a form name it).
    pub fn at(key: &str, message: impl Into<String>) -> Self {
        Refusal {
            field: Some(key.to_string()),
            ..Refusal::no(message)
        }
    }

    pub fn unchanged(message: impl Into<String>) -> Self {
        Refusal {
            unchanged: true,
            ..Refusal::no(message)
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<Refusal> for String {
    fn from(r: Refusal) -> String {
        r.message
    }
}

/// The earliest year a date in the tracker may have.
pub const EARLIEST_YEAR: i32 = 1900;

/// The record an edit touched, before or after it.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Project(Project),
    Target(Target),
    Source(Source),
    Chain(Chain),
    Area(Area),
    /// No such record: before it was added, or after it was removed.
    Absent(Absent),
}

/// Which list a record lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Project,
    Target,
    Source,
    Chain,
    Area,
}

/// A record that is not there, with the place in its list it had (or will
/// have), so undoing a removal puts it back where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct Absent {
    pub kind: Kind,
    pub id: String,
    pub at: usize,
}

/// Replaces the item with `id` in `list` by `new`, or inserts it at `at`
/// (clamped) when it is not there; `None` removes it. Returns whether the
/// list changed shape or content as asked.
fn put<T: Clone>(
    list: &mut Vec<T>,
    id: &str,
    id_of: impl Fn(&T) -> &str,
    new: Option<&T>,
    at: usize,
) -> bool {
    let pos = list.iter().position(|x| id_of(x) == id);
    match (pos, new) {
        (Some(i), Some(n)) => {
            list[i] = n.clone();
            true
        }
        (None, Some(n)) => {
            list.insert(at.min(list.len()), n.clone());
            true
        }
        (Some(i), None) => {
            list.remove(i);
            true
        }
        (None, None) => false,
    }
}

impl Record {
    pub fn id(&self) -> &str {
        match self {
            Record::Project(p) => &p.id,
            Record::Target(t) => &t.id,
            Record::Source(s) => &s.id,
            Record::Chain(c) => &c.id,
            Record::Area(a) => &a.id,
            Record::Absent(a) => &a.id,
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            Record::Project(_) => Kind::Project,
            Record::Target(_) => Kind::Target,
            Record::Source(_) => Kind::Source,
            Record::Chain(_) => Kind::Chain,
            Record::Area(_) => Kind::Area,
            Record::Absent(a) => a.kind,
        }
    }

    /// The same record as it stands in `t`; for an absent one, itself while
    /// the id is still free (`None` never: absence is a state too).
    pub fn current_in(&self, t: &Tracker) -> Option<Record> {
        let found = match self.kind() {
            Kind::Project => t.project(self.id()).cloned().map(Record::Project),
            Kind::Target => t.target(self.id()).cloned().map(Record::Target),
            Kind::Source => t.source(self.id()).cloned().map(Record::Source),
            Kind::Chain => t.chain(self.id()).cloned().map(Record::Chain),
            Kind::Area => t.area(self.id()).cloned().map(Record::Area),
        };
        match self {
            Record::Absent(_) => Some(found.unwrap_or_else(|| self.clone())),
            _ => found,
        }
    }

    /// Puts this version of the record into `t`, in its place (`at` for a
    /// record that is missing there); an absent record is taken out.
    pub fn restore_at(&self, t: &mut Tracker, at: usize) -> bool {
        let id = self.id().to_string();
        match self {
            Record::Project(p) => put(&mut t.projects, &id, |x| &x.id, Some(p), at),
            Record::Target(x) => put(&mut t.targets, &id, |x| &x.id, Some(x), at),
            Record::Source(s) => put(&mut t.sources, &id, |x| &x.id, Some(s), at),
            Record::Chain(c) => put(&mut t.chains, &id, |x| &x.id, Some(c), at),
            Record::Area(a) => put(&mut t.areas, &id, |x| &x.id, Some(a), at),
            Record::Absent(a) => match a.kind {
                Kind::Project => put(&mut t.projects, &id, |x| &x.id, None, 0),
                Kind::Target => put(&mut t.targets, &id, |x| &x.id, None, 0),
                Kind::Source => put(&mut t.sources, &id, |x| &x.id, None, 0),
                Kind::Chain => put(&mut t.chains, &id, |x| &x.id, None, 0),
                Kind::Area => put(&mut t.areas, &id, |x| &x.id, None, 0),
            },
        }
    }

    /// Puts this version of the record back into `t` (appended when it is
    /// missing; see `Change::apply_to` to keep its place).
    pub fn restore_into(&self, t: &mut Tracker) -> bool {
        self.restore_at(t, usize::MAX)
    }
}

/// A change applied: the record before and after, and a one-line summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub before: Record,
    pub after: Record,
    pub summary: String,
}

impl Change {
    /// Makes `t` hold the record as it is after the change: replaced, put
    /// back in the place it had before a removal, or taken out.
    pub fn apply_to(&self, t: &mut Tracker) -> bool {
        let at = match &self.before {
            Record::Absent(a) => a.at,
            _ => usize::MAX,
        };
        self.after.restore_at(t, at)
    }

    /// The change that takes this one back.
    pub fn inverse(&self, summary: String) -> Change {
        Change {
            before: self.after.clone(),
            after: self.before.clone(),
            summary,
        }
    }
}
