//! Turns a parsed YAML value into the domain model, collecting every problem
//! (wrong type, missing or unknown field, bad date, unknown status) with the
//! path where it occurs instead of stopping at the first. Driven by the
//! schema tables: which keys a record may have, which must be there and how
//! each value is read all come from `domain::schema`.

use super::path::{DocPath, Issue};
use crate::domain::date::parse_day;
use crate::domain::schema::{DynRecord, Need, Slot, Spec};
use crate::domain::suggest::closest;
use crate::domain::*;
use serde_yaml::{Mapping, Value};

/// Collects problems while decoding.
#[derive(Default)]
pub struct Decoder {
    pub issues: Vec<Issue>,
    /// The file's schema version, once read (1 until then).
    version: u32,
}

/// A mapping being read, with the path it sits at.
struct Obj<'a> {
    map: &'a Mapping,
    path: DocPath,
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping of fields",
        Value::Tagged(_) => "a tagged value",
    }
}

/// What a required field wants, for "add `key:` with …".
fn wanted(slot: &Slot) -> &'static str {
    match slot {
        Slot::Str(_) | Slot::OptStr(_) => "text",
        Slot::Num(_) | Slot::OptNum(_) => "a number",
        Slot::Int(_) => "2",
        Slot::Date(_) | Slot::OptDate(_) => "a date such as \"2023\" or \"2023-06-30\"",
        Slot::Status(_) | Slot::OptStatus(_) => "a status",
        Slot::Period(_) => "a year",
        Slot::Items(_) => "a list",
        _ => "a value",
    }
}

impl Decoder {
    fn issue(&mut self, path: DocPath, message: impl Into<String>, hint: impl Into<String>) {
        self.issues.push(Issue::new(path, message, hint));
    }

    fn obj<'a>(&mut self, v: &'a Value, path: DocPath, allowed: &[&str]) -> Option<Obj<'a>> {
        let Value::Mapping(map) = v else {
            self.issue(
                path,
                format!("expected a mapping of fields, found {}", kind_of(v)),
                "write the record as `key: value` lines",
            );
            return None;
        };
        for key in map.keys() {
            let name = key.as_str().unwrap_or("");
            if !allowed.contains(&name) {
                let shown = key
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{key:?}"));
                let near = closest(name, allowed.iter().copied());
                let hint = match near.first() {
                    Some(n) => {
                        format!(
                            "{} allowed fields: {}",
                            crate::domain::suggest::did_you_mean(&[
                                crate::domain::suggest::ticked(n)
                            ]),
                            allowed.join(", ")
                        )
                    }
                    None => format!("remove it; allowed fields: {}", allowed.join(", ")),
                };
                self.issue(path.key(&shown), format!("unknown field `{shown}`"), hint);
            }
        }
        Some(Obj { map, path })
    }

    fn get<'a>(&self, o: &Obj<'a>, key: &str) -> Option<&'a Value> {
        o.map.get(key).filter(|v| !v.is_null())
    }

    /// The whole file.
    pub fn tracker(&mut self, v: &Value) -> Option<Tracker> {
        // The version decides which keys records may have: read it first.
        self.version = match v.get("schema_version") {
            Some(Value::Number(n)) if matches!(n.as_u64(), Some(1 | 2)) => {
                n.as_u64().unwrap_or(2) as u32
            }
            _ => SCHEMA_VERSION,
        };
        let mut t = Tracker::default();
        self.record(v, DocPath::root(), &mut t)?;
        Some(t)
    }

    /// Reads the record at `path` into `r` (blank as it comes), field by
    /// field as its table says; `None` when it is not a mapping at all.
    fn record(&mut self, v: &Value, path: DocPath, r: &mut dyn DynRecord) -> Option<()> {
        // Keys of every version are known: one of another version is
        // reported as such, not as a typo.
        let mut allowed: Vec<&str> = Vec::new();
        for i in 0..r.field_count() {
            let spec = r.spec(i);
            allowed.push(spec.key);
            allowed.extend(spec.earlier);
        }
        let o = self.obj(v, path, &allowed)?;
        for i in 0..r.field_count() {
            let spec = *r.spec(i);
            if let Some(old) = spec.earlier {
                if let Some(v) = self.get(&o, old) {
                    if self.version < spec.since {
                        // The older form: the list's one item as a mapping.
                        if let Slot::Items(list) = r.slot(i) {
                            if self.record(v, o.path.key(old), list.push_blank()).is_none() {
                                list.pop();
                            }
                        }
                    } else {
                        self.issue(
                            o.path.key(old),
                            format!("`{old}` is the schema-{} form of a value", spec.since - 1),
                            format!("in schema_version {} write it as an entry of `{}` (`shibei-tracker migrate` converts a whole version-1 file)", spec.since, spec.key),
                        );
                    }
                }
            }
            let present = self.get(&o, spec.key);
            if !spec.in_version(self.version) {
                if present.is_some() {
                    self.issue(
                        o.path.key(spec.key),
                        format!("`{}` needs schema_version: {}", spec.key, spec.since),
                        "run `shibei-tracker migrate` to upgrade the file (lossless), then add it",
                    );
                }
                continue;
            }
            let at = o.path.key(spec.key);
            match present {
                Some(v) => self.value(v, at, &spec, r.slot(i)),
                None if spec.need == Need::Required => {
                    let what = wanted(&r.slot(i));
                    self.issue(
                        at,
                        format!("missing required field `{}`", spec.key),
                        format!("add `{}:` with {what}", spec.key),
                    );
                }
                None => {}
            }
        }
        r.settle();
        Some(())
    }

    fn value(&mut self, v: &Value, path: DocPath, spec: &Spec, slot: Slot) {
        let key = spec.key;
        match slot {
            Slot::Str(s) => {
                if let Some(t) = self.text_of(v, path.clone()) {
                    if spec.need == Need::Required && t.trim().is_empty() {
                        self.issue(
                            path,
                            format!("`{key}` is empty"),
                            "write the value, or remove the record",
                        );
                    }
                    *s = t;
                }
            }
            Slot::OptStr(s) => *s = self.text_of(v, path).filter(|t| !t.is_empty()),
            Slot::Strs(list) => *list = self.text_list(v, path, key),
            Slot::Num(x) => *x = self.number_of(v, path).unwrap_or(0.0),
            Slot::OptNum(x) => *x = self.number_of(v, path),
            Slot::Int(n) => match v {
                Value::Number(x) if matches!(x.as_u64(), Some(1 | 2)) => {
                    *n = x.as_u64().unwrap_or(2) as u32
                }
                other => {
                    self.issue(
                        path,
                        format!(
                            "unsupported {key} {}",
                            serde_yaml::to_string(other).unwrap_or_default().trim()
                        ),
                        "this version of the tracker reads schema_version: 1 and 2",
                    );
                    *n = SCHEMA_VERSION;
                }
            },
            Slot::Date(d) => *d = self.partial_date_of(v, path).unwrap_or_default(),
            Slot::OptDate(d) => *d = self.partial_date_of(v, path),
            Slot::Status(s) => *s = self.status_of(v, path).unwrap_or_default(),
            Slot::OptStatus(s) => *s = self.status_of(v, path),
            Slot::Flag(b) => match v {
                Value::Bool(x) => *b = *x,
                other => self.issue(
                    path,
                    format!("expected true or false, found {}", kind_of(other)),
                    format!("write `{key}: true` or `{key}: false`"),
                ),
            },
            Slot::Period(p) => *p = self.period(v, path).unwrap_or_default(),
            Slot::Comparator(c) => {
                *c = self.text_of(v, path.clone()).and_then(|s| {
                    let c = Comparator::parse(&s);
                    if c.is_none() {
                        self.issue(
                            path,
                            format!("unknown comparator \"{s}\""),
                            "use \">=\" (以上, 突破), \"<=\" (以内, 不超过) or \"=\"",
                        );
                    }
                    c
                })
            }
            Slot::Measure(m) => match self.text_of(v, path.clone()).as_deref() {
                None | Some("level") => *m = Measure::Level,
                Some("flow") => *m = Measure::Flow,
                Some(other) => self.issue(
                    path,
                    format!("unknown measure \"{other}\""),
                    "use `level` (an amount standing at a date) or `flow` (counted afresh each period)",
                ),
            },
            Slot::Items(list) => {
                let Value::Sequence(items) = v else {
                    self.issue(
                        path,
                        format!("expected a list, found {}", kind_of(v)),
                        "write each entry on its own line starting with `- `",
                    );
                    return;
                };
                for (i, item) in items.iter().enumerate() {
                    if self.record(item, path.index(i), list.push_blank()).is_none() {
                        list.pop();
                    }
                }
                list.shrink();
            }
            Slot::Nested(slot) => {
                if self.record(v, path, slot.fill()).is_none() {
                    slot.clear();
                }
            }
        }
    }

    fn text_of(&mut self, v: &Value, path: DocPath) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            other => {
                self.issue(
                    path,
                    format!("expected text, found {}", kind_of(other)),
                    "put the value in double quotes",
                );
                None
            }
        }
    }

    fn text_list(&mut self, v: &Value, path: DocPath, key: &str) -> Vec<String> {
        let Value::Sequence(items) = v else {
            self.issue(
                path,
                format!("expected a list, found {}", kind_of(v)),
                format!("write `{key}: [first, second]`"),
            );
            return vec![];
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| self.text_of(v, path.index(i)))
            .collect()
    }

    fn number_of(&mut self, v: &Value, path: DocPath) -> Option<f64> {
        match v {
            Value::Number(n) => match n.as_f64() {
                Some(f) if f.is_finite() => Some(f),
                _ => {
                    self.issue(
                        path,
                        "the number is not finite",
                        "write an ordinary number such as 30 or 1.8",
                    );
                    None
                }
            },
            Value::String(s) => {
                self.issue(
                    path,
                    format!("expected a number, found text \"{s}\""),
                    "write digits only (30, 1.8); the unit goes in `unit`",
                );
                None
            }
            other => {
                self.issue(
                    path,
                    format!("expected a number, found {}", kind_of(other)),
                    "write digits only (30, 1.8)",
                );
                None
            }
        }
    }

    fn date_text(&mut self, v: &Value, path: &DocPath) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            other => {
                self.issue(
                    path.clone(),
                    format!("expected a date, found {}", kind_of(other)),
                    "write \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\"",
                );
                None
            }
        }
    }

    fn partial_date_of(&mut self, v: &Value, path: DocPath) -> Option<PartialDate> {
        let s = self.date_text(v, &path)?;
        let d = PartialDate::parse(&s);
        if d.is_none() {
            self.issue(
                path,
                format!("\"{s}\" is not a date"),
                "write \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\" (a real calendar date)",
            );
        }
        d
    }

    fn day_of(&mut self, v: &Value, path: DocPath) -> Option<chrono::NaiveDate> {
        let s = self.date_text(v, &path)?;
        let d = parse_day(&s);
        if d.is_none() {
            self.issue(
                path,
                format!("\"{s}\" is not a full date"),
                "write \"YYYY-MM-DD\", a real calendar date",
            );
        }
        d
    }

    fn status_of(&mut self, v: &Value, path: DocPath) -> Option<Status> {
        let s = self.text_of(v, path.clone())?;
        let st = Status::parse(&s);
        if st.is_none() {
            let ids = Status::ALL.map(|s| s.id());
            let near = closest(&s, ids);
            let hint = match near.first() {
                Some(n) => format!(
                    "{} statuses: {}",
                    crate::domain::suggest::did_you_mean(&[crate::domain::suggest::ticked(n)]),
                    ids.join(", ")
                ),
                None => format!("use one of: {}", ids.join(", ")),
            };
            self.issue(path, format!("unknown status \"{s}\""), hint);
        }
        st
    }

    fn period(&mut self, v: &Value, path: DocPath) -> Option<Period> {
        match v {
            Value::Number(n) => {
                match n.as_i64() {
                    Some(y) if (1000..=9999).contains(&y) => Some(Period::Year(y as i32)),
                    _ => {
                        self.issue(path, format!("{n} is not a year"), "write a four-digit year, or {start: \"YYYY-MM-DD\", end: \"YYYY-MM-DD\"}");
                        None
                    }
                }
            }
            Value::String(s) if PartialDate::parse(s).is_some_and(|d| d.month.is_none()) => {
                Some(Period::Year(PartialDate::parse(s)?.year))
            }
            Value::Mapping(_) => {
                let o = self.obj(v, path.clone(), &["start", "end"])?;
                let mut day = |key: &str| match self.get(&o, key) {
                    Some(v) => self.day_of(v, o.path.key(key)),
                    None => {
                        self.issue(
                            o.path.key(key),
                            format!("missing required field `{key}`"),
                            format!("add `{key}:` with a date"),
                        );
                        None
                    }
                };
                let (start, end) = (day("start"), day("end"));
                let (start, end) = (start?, end?);
                if end < start {
                    self.issue(
                        path,
                        format!("the period ends ({end}) before it starts ({start})"),
                        "swap `start` and `end`",
                    );
                    return None;
                }
                Some(Period::Span { start, end })
            }
            other => {
                self.issue(path, format!("expected a year or a start and end, found {}", kind_of(other)), "write `period: 2024` or `period: {start: \"2018-01-01\", end: \"2020-12-31\"}`");
                None
            }
        }
    }
}
