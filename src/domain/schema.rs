//! The schema, described once: one table per record kind (key, how it is
//! written, whether it may be left out, the schema versions that have it,
//! whether `edit` may change it). The writer, both readers, the decoder's
//! key lists, `edit` and the merge are driven from these tables, and the
//! `record!` macro that builds a table also declares the struct (with the
//! serde derives the JSON output and the cache use), so a new field is one
//! line in one place.
//!
//! The domain knows nothing of YAML: a field is seen through `Val` (to
//! read it) and `Slot` (to set it), and the store decides how each is
//! written.

use super::date::PartialDate;
use super::model::{Comparator, Measure, Period};
use super::status::Status;

/// Whether `id` is a valid id: lower-case ASCII letters, digits and
/// hyphens, starting with a letter or a digit. Bytes, not chars: every
/// allowed character is ASCII (it is asked for every id read and written).
pub fn valid_id(id: &str) -> bool {
    let ok = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    id.as_bytes().first().is_some_and(ok) && id.bytes().all(|b| ok(&b) || b == b'-')
}

/// How a text field is written and which characters it may hold; other
/// fields are written as their type requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// An id, of the record or of one it refers to: written bare when a
    /// YAML reader takes it back as text, quoted otherwise.
    Id,
    /// A name, a quote, a unit: one line, always quoted.
    Text,
    /// Free prose (`note`): may hold tabs and line breaks.
    Note,
    /// Written as its type requires (numbers, dates, statuses, lists).
    Typed,
}

/// Whether a field may be left out of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Must be there; always written (an empty list as `[]`).
    Required,
    /// May be left out (read as its default) but is always written.
    Defaulted,
    /// May be left out; not written when absent, empty or its default.
    Optional,
}

/// One field of a record kind, without its accessors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// The key in the file, which is also the name `edit` takes.
    pub key: &'static str,
    pub how: How,
    pub need: Need,
    /// The schema versions that have the field.
    pub since: u32,
    pub until: u32,
    /// For a list new in `since`: the key it had in earlier versions,
    /// holding its one item as a mapping (schema 1's `actual`, the single
    /// value a target had before observations).
    pub earlier: Option<&'static str>,
    /// Whether `edit ID FIELD VALUE` may change it.
    pub edit: bool,
    /// Part of what makes two items of a list the same entry (the merge
    /// unions lists by it); a record with an `id` is known by its id alone.
    /// Only what never changes once the entry exists is identity: a
    /// citation added later, a retraction, who entered it are not (an
    /// observation is its value at its date, a history entry its date,
    /// status and note, a milestone its promise's words, a slip the date
    /// it slipped from).
    pub identity: bool,
}

impl Spec {
    /// Whether a file of schema `version` has this field.
    pub fn in_version(&self, version: u32) -> bool {
        (self.since..=self.until).contains(&version)
    }

    /// The key the field has in a file of schema `version`, if any.
    pub fn key_in(&self, version: u32) -> Option<&'static str> {
        if self.in_version(version) {
            Some(self.key)
        } else if version < self.since {
            self.earlier
        } else {
            None
        }
    }
}

/// A field of record kind `R`: its spec and how to reach its value.
pub struct Field<R> {
    pub spec: Spec,
    pub get: fn(&R) -> Val<'_>,
    pub slot: fn(&mut R) -> Slot<'_>,
    /// Whether two records hold the same value here.
    pub same: fn(&R, &R) -> bool,
    /// Copies the value from the second record into the first.
    pub take: fn(&mut R, &R),
    /// Merges the field three ways (base, ours, theirs) into the first
    /// record, which holds ours (`domain::merge`).
    pub merge: fn(&mut R, Option<&R>, &R, &mut super::merge::Merger),
}

/// A record kind: a struct declared with `record!`.
pub trait Record: Clone + PartialEq + Default + std::fmt::Debug + 'static {
    /// What one is called in messages ("project", "history entry").
    const LABEL: &'static str;
    const FIELDS: &'static [Field<Self>];

    /// Puts in order what readers must order (observations by date); the
    /// same step for every reader, so they agree.
    fn settle(&mut self) {}

    /// The field with key `key`.
    fn field(key: &str) -> Option<&'static Field<Self>> {
        Self::FIELDS.iter().find(|f| f.spec.key == key)
    }

    /// The keys a file of schema `version` may use for this record.
    fn keys(version: u32) -> Vec<&'static str> {
        Self::FIELDS
            .iter()
            .filter_map(|f| f.spec.key_in(version))
            .collect()
    }
}

/// A field's value, to read.
#[derive(Clone, Copy)]
pub enum Val<'a> {
    Str(&'a str),
    OptStr(Option<&'a str>),
    Strs(&'a [String]),
    Num(f64),
    OptNum(Option<f64>),
    Int(u32),
    Date(PartialDate),
    OptDate(Option<PartialDate>),
    Status(Status),
    OptStatus(Option<Status>),
    Flag(bool),
    Period(Period),
    Comparator(Option<Comparator>),
    Measure(Measure),
    /// A list of records.
    Items(&'a dyn List),
    /// A record that may be absent (a baseline).
    Nested(Option<&'a dyn DynRecord>),
}

impl Val<'_> {
    /// Whether an optional field holding this would not be written: none,
    /// an empty text or list, the default measure.
    pub fn is_absent(&self) -> bool {
        match *self {
            Val::OptStr(s) => s.is_none_or(str::is_empty),
            Val::Strs(v) => v.is_empty(),
            Val::OptNum(n) => n.is_none(),
            Val::OptDate(d) => d.is_none(),
            Val::OptStatus(s) => s.is_none(),
            Val::Comparator(c) => c.is_none(),
            Val::Measure(m) => m == Measure::Level,
            Val::Items(l) => l.is_empty(),
            Val::Nested(r) => r.is_none(),
            Val::Str(_)
            | Val::Num(_)
            | Val::Int(_)
            | Val::Date(_)
            | Val::Status(_)
            | Val::Flag(_)
            | Val::Period(_) => false,
        }
    }
}

/// A field, to set.
pub enum Slot<'a> {
    Str(&'a mut String),
    OptStr(&'a mut Option<String>),
    Strs(&'a mut Vec<String>),
    Num(&'a mut f64),
    OptNum(&'a mut Option<f64>),
    Int(&'a mut u32),
    Date(&'a mut PartialDate),
    OptDate(&'a mut Option<PartialDate>),
    Status(&'a mut Status),
    OptStatus(&'a mut Option<Status>),
    Flag(&'a mut bool),
    Period(&'a mut Period),
    Comparator(&'a mut Option<Comparator>),
    Measure(&'a mut Measure),
    Items(&'a mut dyn ListMut),
    Nested(&'a mut dyn NestedMut),
}

/// A record of any kind, field by field: what the store's writer and
/// readers work on.
pub trait DynRecord {
    fn label(&self) -> &'static str;
    /// How many fields its table has.
    fn field_count(&self) -> usize;
    fn spec(&self, i: usize) -> &'static Spec;
    fn get(&self, i: usize) -> Val<'_>;
    fn slot(&mut self, i: usize) -> Slot<'_>;
    fn settle(&mut self);
    /// The place of the field written `key` in a file of `version`,
    /// looked for from place `from` on, then from the start: the writer
    /// puts fields in table order, so most keys are found at once.
    fn find_key(&self, key: &str, version: u32, from: usize) -> Option<usize>;
    /// Whether a field required in `version` is missing from `seen` (a bit
    /// per place in the table).
    fn misses_required(&self, seen: u64, version: u32) -> bool;
}

impl<R: Record> DynRecord for R {
    // The two lookups a reader makes per field and per record, done here
    // on the concrete table rather than a virtual call per field: 8% of a
    // first read at 10k.
    fn find_key(&self, key: &str, version: u32, from: usize) -> Option<usize> {
        let f = R::FIELDS;
        let from = from.min(f.len());
        (from..f.len())
            .chain(0..from)
            .find(|&i| f[i].spec.key_in(version) == Some(key))
    }
    fn misses_required(&self, seen: u64, version: u32) -> bool {
        R::FIELDS.iter().enumerate().any(|(i, f)| {
            f.spec.need == Need::Required && f.spec.in_version(version) && seen & (1 << i) == 0
        })
    }
    fn label(&self) -> &'static str {
        R::LABEL
    }
    fn field_count(&self) -> usize {
        R::FIELDS.len()
    }
    fn spec(&self, i: usize) -> &'static Spec {
        &R::FIELDS[i].spec
    }
    fn get(&self, i: usize) -> Val<'_> {
        (R::FIELDS[i].get)(self)
    }
    fn slot(&mut self, i: usize) -> Slot<'_> {
        (R::FIELDS[i].slot)(self)
    }
    fn settle(&mut self) {
        Record::settle(self)
    }
}

/// A list of records, read.
pub trait List {
    /// The list itself, to be taken back to its type (`Vec<Conflict>`).
    fn as_any(&self) -> &dyn std::any::Any;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn item(&self, i: usize) -> &dyn DynRecord;
}

/// A list of records, to fill.
pub trait ListMut {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Appends a blank record and gives it to be filled.
    fn push_blank(&mut self) -> &mut dyn DynRecord;
    /// Takes the last record off (one that could not be read).
    fn pop(&mut self);
    /// The list itself, to be taken back to its type (`Vec<Conflict>`).
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any;
    fn item_mut(&mut self, i: usize) -> Option<&mut dyn DynRecord>;
    /// Takes the item at `i` out (false: there is none).
    fn remove_at(&mut self, i: usize) -> bool;
    /// The fields of an item (there may be no item to ask).
    fn item_specs(&self) -> Vec<&'static Spec>;
    /// Frees the spare room a growing list keeps (at city scale the spare
    /// room of a hundred thousand short lists is tens of megabytes).
    fn shrink(&mut self);
}

/// A record that may be absent, to fill.
pub trait NestedMut {
    /// Makes it present (blank) and gives it to be filled.
    fn fill(&mut self) -> &mut dyn DynRecord;
    /// The record, if present.
    fn get_mut(&mut self) -> Option<&mut dyn DynRecord>;
    fn clear(&mut self);
}

impl<R: Record> List for Vec<R> {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn len(&self) -> usize {
        self.len()
    }
    fn item(&self, i: usize) -> &dyn DynRecord {
        &self[i]
    }
}

impl<R: Record> ListMut for Vec<R> {
    fn len(&self) -> usize {
        self.len()
    }
    fn push_blank(&mut self) -> &mut dyn DynRecord {
        self.push(R::default());
        let last = self.len() - 1;
        &mut self[last]
    }
    fn pop(&mut self) {
        Vec::pop(self);
    }
    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }
    fn item_mut(&mut self, i: usize) -> Option<&mut dyn DynRecord> {
        self.get_mut(i).map(|r| r as &mut dyn DynRecord)
    }
    fn remove_at(&mut self, i: usize) -> bool {
        (i < self.len()).then(|| self.remove(i)).is_some()
    }
    fn item_specs(&self) -> Vec<&'static Spec> {
        R::FIELDS.iter().map(|f| &f.spec).collect()
    }
    fn shrink(&mut self) {
        self.shrink_to_fit();
    }
}

impl<R: Record> NestedMut for Option<R> {
    fn fill(&mut self) -> &mut dyn DynRecord {
        self.insert(R::default())
    }
    fn get_mut(&mut self) -> Option<&mut dyn DynRecord> {
        self.as_mut().map(|r| r as &mut dyn DynRecord)
    }
    fn clear(&mut self) {
        *self = None;
    }
}

/// How a Rust type is seen as a field: what `record!` calls for each
/// field, so the field's type alone picks its `Val` and `Slot`.
pub trait FieldValue {
    fn val(&self) -> Val<'_>;
    fn slot(&mut self) -> Slot<'_>;
}

macro_rules! plain_field_value {
    ($($ty:ty => $variant:ident, |$s:ident| $read:expr;)*) => {$(
        impl FieldValue for $ty {
            fn val(&self) -> Val<'_> {
                let $s = self;
                Val::$variant($read)
            }
            fn slot(&mut self) -> Slot<'_> {
                Slot::$variant(self)
            }
        }
    )*};
}

plain_field_value! {
    String => Str, |s| s.as_str();
    Option<String> => OptStr, |s| s.as_deref();
    Vec<String> => Strs, |s| s.as_slice();
    f64 => Num, |v| *v;
    Option<f64> => OptNum, |v| *v;
    u32 => Int, |v| *v;
    PartialDate => Date, |v| *v;
    Option<PartialDate> => OptDate, |v| *v;
    Status => Status, |v| *v;
    Option<Status> => OptStatus, |v| *v;
    bool => Flag, |v| *v;
    Period => Period, |v| *v;
    Option<Comparator> => Comparator, |v| *v;
    Measure => Measure, |v| *v;
}

impl<R: Record> FieldValue for Vec<R> {
    fn val(&self) -> Val<'_> {
        Val::Items(self)
    }
    fn slot(&mut self) -> Slot<'_> {
        Slot::Items(self)
    }
}

impl<R: Record> FieldValue for Option<R> {
    fn val(&self) -> Val<'_> {
        Val::Nested(self.as_ref().map(|r| r as &dyn DynRecord))
    }
    fn slot(&mut self) -> Slot<'_> {
        Slot::Nested(self)
    }
}

/// Rare nested records kept boxed (a retraction, a note): a pointer's
/// room in every entry instead of the record's (a history entry 192 -> 104
/// bytes). Named one by one: a blanket impl for `Option<Box<R>>` would
/// overlap the one for `Option<R>`.
#[macro_export]
macro_rules! boxed_nested {
    ($($r:ty),*) => {$(
        impl $crate::domain::schema::NestedMut for Option<Box<$r>> {
            fn fill(&mut self) -> &mut dyn $crate::domain::schema::DynRecord {
                self.insert(Box::default()).as_mut()
            }
            fn get_mut(&mut self) -> Option<&mut dyn $crate::domain::schema::DynRecord> {
                self.as_deref_mut().map(|r| r as &mut dyn $crate::domain::schema::DynRecord)
            }
            fn clear(&mut self) {
                *self = None;
            }
        }

        impl $crate::domain::schema::FieldValue for Option<Box<$r>> {
            fn val(&self) -> $crate::domain::schema::Val<'_> {
                $crate::domain::schema::Val::Nested(
                    self.as_deref().map(|r| r as &dyn $crate::domain::schema::DynRecord),
                )
            }
            fn slot(&mut self) -> $crate::domain::schema::Slot<'_> {
                $crate::domain::schema::Slot::Nested(self)
            }
        }

        impl $crate::domain::merge::Merge for Option<Box<$r>> {
            fn merge(
                &mut self,
                base: Option<&Self>,
                theirs: &Self,
                key: &str,
                m: &mut $crate::domain::merge::Merger,
            ) {
                if *self == *theirs {
                    return;
                }
                // Unboxed for the merge, as the record it holds.
                let mut out: Option<$r> = self.take().map(|b| *b);
                let base: Option<Option<$r>> = base.map(|b| b.as_deref().cloned());
                $crate::domain::merge::Merge::merge(
                    &mut out,
                    base.as_ref(),
                    &theirs.as_deref().cloned(),
                    key,
                    m,
                );
                *self = out.map(Box::new);
            }
        }
    )*};
}

/// Declares a record kind: the struct and its table, from one list of
/// fields in file order. Each field is `name: Type = How, Need` with
/// optional flags after it: `edit` (`edit` may change it), `identity`
/// (part of what identifies an item of a list), `since N` / `until N`
/// (schema versions), `earlier "key"` (see `Spec::earlier`). After the
/// struct, `settle = function;` names what `Record::settle` does.
#[macro_export]
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident ($label:literal) {
            $(
                $(#[$fmeta:meta])*
                $field:ident : $ty:ty = $how:ident, $need:ident $(, $flag:ident $($arg:literal)?)* ;
            )*
        }
        $(settle = $settle:path;)?
    ) => {
        $(#[$meta])*
        // Serialize gives the JSON output; both give the cache (postcard).
        // Fields left out of a file read through serde take the blank
        // record's: which may be left out is the readers' business.
        #[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
        #[serde(default)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl $crate::domain::schema::Record for $name {
            const LABEL: &'static str = $label;
            const FIELDS: &'static [$crate::domain::schema::Field<Self>] = &[
                $( $crate::domain::schema::Field {
                    spec: $crate::record!(@spec stringify!($field), $how, $need $(, $flag $($arg)?)*),
                    get: |r| $crate::domain::schema::FieldValue::val(&r.$field),
                    slot: |r| $crate::domain::schema::FieldValue::slot(&mut r.$field),
                    same: |a, b| a.$field == b.$field,
                    take: |a, b| a.$field = b.$field.clone(),
                    merge: |out, base, theirs, m| $crate::domain::merge::Merge::merge(
                        &mut out.$field,
                        base.map(|b| &b.$field),
                        &theirs.$field,
                        stringify!($field),
                        m,
                    ),
                }, )*
            ];
            $(fn settle(&mut self) {
                $settle(self)
            })?
        }
    };
    (@spec $key:expr, $how:ident, $need:ident $(, $flag:ident $($arg:literal)?)*) => {{
        #[allow(unused_mut)]
        let mut spec = $crate::domain::schema::Spec {
            key: $key,
            how: $crate::domain::schema::How::$how,
            need: $crate::domain::schema::Need::$need,
            since: 1,
            until: u32::MAX,
            earlier: None,
            edit: false,
            identity: false,
        };
        $( $crate::record!(@flag spec, $flag $($arg)?); )*
        spec
    }};
    (@flag $spec:ident, edit) => { $spec.edit = true };
    (@flag $spec:ident, identity) => { $spec.identity = true };
    (@flag $spec:ident, since $v:literal) => { $spec.since = $v };
    (@flag $spec:ident, until $v:literal) => { $spec.until = $v };
    (@flag $spec:ident, earlier $v:literal) => { $spec.earlier = Some($v) };
}
