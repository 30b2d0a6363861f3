//! Writes the tracker as YAML in its one fixed form, driven by the schema
//! tables (`domain::schema`): fields in table order, one per line, lists
//! of records as `- ` items, so an edit to one record changes only that
//! record's lines, and loading then saving an unchanged file gives back the
//! same bytes.
//!
//! The form: a record's fields at one indent; a list under `key:` has its
//! items' dashes two columns deeper and their fields four; a nested record
//! (a baseline) has its fields two columns deeper; top-level lists sit at
//! column 0, their records' fields at column 4.

use super::scalar::{put_id, put_number, put_quoted};
use crate::domain::schema::{DynRecord, How, Need, Record, Val};
use crate::domain::*;
use std::fmt::Write;

/// What in `t` a version-1 file cannot hold, if anything: version 1 has one
/// `actual` per target, no `metric` and no slipped milestones.
pub fn v1_obstacle(t: &Tracker) -> Option<String> {
    if let Some(x) = t.targets.iter().find(|x| x.observations.len() > 1) {
        return Some(format!(
            "target {} has {} observations",
            x.id,
            x.observations.len()
        ));
    }
    if let Some(x) = t.targets.iter().find(|x| x.metric.is_some()) {
        return Some(format!("target {} has a metric", x.id));
    }
    t.projects
        .iter()
        .find(|p| p.milestones.iter().any(|m| !m.slipped_from.is_empty()))
        .map(|p| format!("project {} has a slipped milestone", p.id))
}

/// The tracker as text in the schema version it carries (see `v1_obstacle`
/// for what version 1 cannot hold).
pub fn emit(t: &Tracker) -> String {
    let mut s = String::with_capacity(1 << 20);
    emit_pieces(t, &mut |piece| {
        s.push_str(piece);
        true
    });
    s
}

/// The text `emit` writes, handed to `sink` a piece at a time (each
/// top-level field or list head, each record of a list), for callers that
/// compare a file with it without holding a second copy. Stops, giving
/// false, as soon as `sink` does.
pub fn emit_pieces(t: &Tracker, sink: &mut dyn FnMut(&str) -> bool) -> bool {
    let version = t.schema_version;
    let mut w = Writer {
        s: String::with_capacity(4096),
        version,
    };
    for f in Tracker::FIELDS {
        let Some(key) = f.spec.key_in(version) else {
            continue;
        };
        match (f.get)(t) {
            Val::Items(list) if !list.is_empty() => {
                w.s.push_str(key);
                w.s.push_str(":\n");
                if !sink(&w.s) {
                    return false;
                }
                for i in 0..list.len() {
                    w.s.clear();
                    w.record(list.item(i), 4, true);
                    if !sink(&w.s) {
                        return false;
                    }
                }
            }
            v => {
                if f.spec.need == Need::Optional && v.is_absent() {
                    continue;
                }
                w.field(0, false, key, f.spec.how, v);
                if !sink(&w.s) {
                    return false;
                }
            }
        }
        w.s.clear();
    }
    true
}

/// Appends the lines of one top-level record (a source, project, target…)
/// to `out`, exactly as `emit` writes them in a file of schema `version`.
pub fn block(out: &mut String, r: &dyn DynRecord, version: u32) {
    let mut w = Writer {
        s: std::mem::take(out),
        version,
    };
    w.record(r, 4, true);
    *out = w.s;
}

struct Writer {
    s: String,
    version: u32,
}

impl Writer {
    fn pad(&mut self, n: usize) {
        // One copy, not a char at a time (`extend` was 3% of a first read).
        const SPACES: &str = "                                ";
        let mut n = n;
        while n > 0 {
            let k = n.min(SPACES.len());
            self.s.push_str(&SPACES[..k]);
            n -= k;
        }
    }

    /// Writes the fields of `r` at column `indent`; an `item` carries the
    /// list's dash two columns to the left of its first field.
    fn record(&mut self, r: &dyn DynRecord, indent: usize, item: bool) {
        let mut dash = item;
        for i in 0..r.field_count() {
            let spec = r.spec(i);
            let Some(key) = spec.key_in(self.version) else {
                continue;
            };
            let v = r.get(i);
            if spec.need == Need::Optional && v.is_absent() {
                continue;
            }
            if key != spec.key {
                // An older form: the list's first item as one mapping.
                if let Val::Items(list) = v {
                    self.key(indent, std::mem::take(&mut dash), key);
                    self.s.push('\n');
                    self.record(list.item(0), indent + 2, false);
                }
                continue;
            }
            self.field(indent, std::mem::take(&mut dash), key, spec.how, v);
        }
    }

    fn key(&mut self, indent: usize, dash: bool, key: &str) {
        if dash {
            self.pad(indent - 2);
            self.s.push_str("- ");
        } else {
            self.pad(indent);
        }
        self.s.push_str(key);
        self.s.push(':');
    }

    /// `key: value`, or `key:` with the list or record under it.
    fn field(&mut self, indent: usize, dash: bool, key: &str, how: How, v: Val) {
        self.key(indent, dash, key);
        match v {
            Val::Items(list) => {
                if list.is_empty() {
                    self.s.push_str(" []\n");
                    return;
                }
                self.s.push('\n');
                for i in 0..list.len() {
                    self.record(list.item(i), indent + 4, true);
                }
                return;
            }
            Val::Nested(r) => {
                self.s.push('\n');
                if let Some(r) = r {
                    self.record(r, indent + 2, false);
                }
                return;
            }
            _ => {}
        }
        self.s.push(' ');
        self.scalar(how, v);
        self.s.push('\n');
    }

    fn text(&mut self, how: How, s: &str) {
        match how {
            How::Id => put_id(&mut self.s, s),
            _ => put_quoted(&mut self.s, s),
        }
    }

    fn scalar(&mut self, how: How, v: Val) {
        match v {
            Val::Str(s) | Val::OptStr(Some(s)) => self.text(how, s),
            Val::Strs(items) => {
                self.s.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.s.push_str(", ");
                    }
                    put_quoted(&mut self.s, item);
                }
                self.s.push(']');
            }
            Val::Num(x) | Val::OptNum(Some(x)) => put_number(&mut self.s, x),
            Val::Int(n) => {
                let _ = write!(self.s, "{n}");
            }
            Val::Date(d) | Val::OptDate(Some(d)) => {
                let _ = write!(self.s, "\"{d}\"");
            }
            Val::Status(st) | Val::OptStatus(Some(st)) => self.s.push_str(st.id()),
            Val::Flag(b) => self.s.push_str(if b { "true" } else { "false" }),
            Val::Period(Period::Year(y)) => {
                let _ = write!(self.s, "{y}");
            }
            Val::Period(Period::Span { start, end }) => {
                let _ = write!(self.s, "{{start: \"{start}\", end: \"{end}\"}}");
            }
            Val::Comparator(Some(c)) => put_quoted(&mut self.s, c.symbol()),
            Val::Measure(Measure::Level) => self.s.push_str("level"),
            Val::Measure(Measure::Flow) => self.s.push_str("flow"),
            // Absent values of required fields: what the readers refuse,
            // written so the refusal names the field.
            Val::OptStr(None)
            | Val::OptNum(None)
            | Val::OptDate(None)
            | Val::OptStatus(None)
            | Val::Comparator(None) => self.s.push_str("null"),
            Val::Items(_) | Val::Nested(_) => {}
        }
    }
}
