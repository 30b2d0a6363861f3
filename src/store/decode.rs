//! Turns a parsed YAML value into the domain model, collecting every problem
//! (wrong type, missing or unknown field, bad date, unknown status) with the
//! path where it occurs instead of stopping at the first.

use super::path::{DocPath, Issue};
use crate::domain::date::parse_day;
use crate::domain::suggest::closest;
use crate::domain::*;
use serde_yaml::{Mapping, Value};

pub const TOP_KEYS: [&str; 6] = [
    "schema_version",
    "sources",
    "chains",
    "areas",
    "projects",
    "targets",
];
pub const SOURCE_KEYS: [&str; 7] = [
    "id",
    "file",
    "title",
    "outlet",
    "author",
    "published",
    "dating_note",
];
pub const CHAIN_KEYS: [&str; 6] = ["id", "name_zh", "name_en", "aliases", "featured", "note"];
pub const AREA_KEYS: [&str; 5] = ["id", "name_zh", "name_en", "aliases", "note"];
pub const PROJECT_KEYS: [&str; 13] = [
    "id",
    "name_zh",
    "name_en",
    "aliases",
    "chain",
    "area",
    "parent",
    "status",
    "note",
    "figures",
    "milestones",
    "history",
    "sources",
];
pub const FIGURE_KEYS: [&str; 5] = ["value", "unit", "measures", "source", "quote"];
pub const MILESTONE_KEYS: [&str; 7] = [
    "due",
    "expect",
    "text",
    "reached",
    "source",
    "quote",
    "slipped_from",
];
pub const SLIP_KEYS: [&str; 4] = ["due", "note", "source", "quote"];
pub const HISTORY_KEYS: [&str; 5] = ["date", "status", "note", "source", "quote"];
pub const EVIDENCE_KEYS: [&str; 2] = ["source", "quote"];
/// Every key a target may have in either schema version; `actual` is read
/// only in version 1, `metric` and `observations` only in version 2.
pub const TARGET_KEYS: [&str; 16] = [
    "id",
    "metric_zh",
    "metric_en",
    "chain",
    "area",
    "period",
    "comparator",
    "target",
    "unit",
    "measure",
    "metric",
    "baseline",
    "actual",
    "observations",
    "note",
    "sources",
];
pub const BASELINE_KEYS: [&str; 4] = ["value", "date", "source", "quote"];
pub const OBSERVATION_KEYS: [&str; 5] = ["value", "date", "note", "source", "quote"];

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
                        format!("did you mean `{n}`? allowed fields: {}", allowed.join(", "))
                    }
                    None => format!("remove it; allowed fields: {}", allowed.join(", ")),
                };
                self.issue(path.key(&shown), format!("unknown field `{shown}`"), hint);
            }
        }
        Some(Obj { map, path })
    }

    fn get<'a>(&mut self, o: &Obj<'a>, key: &str) -> Option<&'a Value> {
        o.map.get(key).filter(|v| !v.is_null())
    }

    fn required<'a>(&mut self, o: &Obj<'a>, key: &str, what: &str) -> Option<&'a Value> {
        let v = self.get(o, key);
        if v.is_none() {
            self.issue(
                o.path.key(key),
                format!("missing required field `{key}`"),
                format!("add `{key}:` with {what}"),
            );
        }
        v
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

    fn req_text(&mut self, o: &Obj, key: &str) -> String {
        let v = self.required(o, key, "text");
        let s = v
            .and_then(|v| self.text_of(v, o.path.key(key)))
            .unwrap_or_default();
        if v.is_some() && s.trim().is_empty() {
            self.issue(
                o.path.key(key),
                format!("`{key}` is empty"),
                "write the value, or remove the record",
            );
        }
        s
    }

    fn opt_text(&mut self, o: &Obj, key: &str) -> Option<String> {
        let v = self.get(o, key)?;
        self.text_of(v, o.path.key(key)).filter(|s| !s.is_empty())
    }

    fn text_list(&mut self, o: &Obj, key: &str) -> Vec<String> {
        let Some(v) = self.get(o, key) else {
            return vec![];
        };
        let Value::Sequence(items) = v else {
            self.issue(
                o.path.key(key),
                format!("expected a list, found {}", kind_of(v)),
                format!("write `{key}: [first, second]`"),
            );
            return vec![];
        };
        let path = o.path.key(key);
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

    fn req_number(&mut self, o: &Obj, key: &str) -> Option<f64> {
        let v = self.required(o, key, "a number")?;
        self.number_of(v, o.path.key(key))
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

    fn req_partial_date(&mut self, o: &Obj, key: &str) -> Option<PartialDate> {
        let v = self.required(o, key, "a date such as \"2023\" or \"2023-06-30\"")?;
        self.partial_date_of(v, o.path.key(key))
    }

    fn opt_partial_date(&mut self, o: &Obj, key: &str) -> Option<PartialDate> {
        let v = self.get(o, key)?;
        self.partial_date_of(v, o.path.key(key))
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
                Some(n) => format!("did you mean `{n}`? statuses: {}", ids.join(", ")),
                None => format!("use one of: {}", ids.join(", ")),
            };
            self.issue(path, format!("unknown status \"{s}\""), hint);
        }
        st
    }

    fn list_of<T>(
        &mut self,
        o: &Obj,
        key: &str,
        required: bool,
        mut each: impl FnMut(&mut Self, &Value, DocPath) -> Option<T>,
    ) -> Vec<T> {
        let v = if required {
            self.required(o, key, "a list")
        } else {
            self.get(o, key)
        };
        let Some(v) = v else { return vec![] };
        let path = o.path.key(key);
        let Value::Sequence(items) = v else {
            self.issue(
                path,
                format!("expected a list, found {}", kind_of(v)),
                "write each entry on its own line starting with `- `",
            );
            return vec![];
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| each(self, item, path.index(i)))
            .collect()
    }

    pub fn tracker(&mut self, v: &Value) -> Option<Tracker> {
        let o = self.obj(v, DocPath::root(), &TOP_KEYS)?;
        let schema_version = match self.required(&o, "schema_version", "2") {
            Some(Value::Number(n)) if matches!(n.as_u64(), Some(1 | 2)) => {
                n.as_u64().unwrap_or(2) as u32
            }
            Some(other) => {
                self.issue(
                    o.path.key("schema_version"),
                    format!(
                        "unsupported schema_version {}",
                        serde_yaml::to_string(other).unwrap_or_default().trim()
                    ),
                    "this version of the tracker reads schema_version: 1 and 2",
                );
                SCHEMA_VERSION
            }
            None => SCHEMA_VERSION,
        };
        self.version = schema_version;
        Some(Tracker {
            schema_version,
            sources: self.list_of(&o, "sources", true, Self::source),
            chains: self.list_of(&o, "chains", true, Self::chain),
            areas: self.list_of(&o, "areas", true, Self::area),
            projects: self.list_of(&o, "projects", true, Self::project),
            targets: self.list_of(&o, "targets", true, Self::target),
        })
    }

    fn source(&mut self, v: &Value, path: DocPath) -> Option<Source> {
        let o = self.obj(v, path, &SOURCE_KEYS)?;
        Some(Source {
            id: self.req_text(&o, "id"),
            file: self.req_text(&o, "file"),
            title: self.req_text(&o, "title"),
            outlet: self.opt_text(&o, "outlet"),
            author: self.opt_text(&o, "author"),
            published: self
                .req_partial_date(&o, "published")
                .unwrap_or(PartialDate {
                    year: 1,
                    month: None,
                    day: None,
                }),
            dating_note: self.opt_text(&o, "dating_note"),
        })
    }

    fn chain(&mut self, v: &Value, path: DocPath) -> Option<Chain> {
        let o = self.obj(v, path, &CHAIN_KEYS)?;
        let featured = match self.get(&o, "featured") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.issue(
                    o.path.key("featured"),
                    format!("expected true or false, found {}", kind_of(other)),
                    "write `featured: true` for the \"2+6\" chains",
                );
                false
            }
        };
        Some(Chain {
            id: self.req_text(&o, "id"),
            name_zh: self.req_text(&o, "name_zh"),
            name_en: self.req_text(&o, "name_en"),
            aliases: self.text_list(&o, "aliases"),
            featured,
            note: self.opt_text(&o, "note"),
        })
    }

    fn area(&mut self, v: &Value, path: DocPath) -> Option<Area> {
        let o = self.obj(v, path, &AREA_KEYS)?;
        Some(Area {
            id: self.req_text(&o, "id"),
            name_zh: self.req_text(&o, "name_zh"),
            name_en: self.req_text(&o, "name_en"),
            aliases: self.text_list(&o, "aliases"),
            note: self.opt_text(&o, "note"),
        })
    }

    fn evidence(&mut self, v: &Value, path: DocPath) -> Option<Evidence> {
        let o = self.obj(v, path, &EVIDENCE_KEYS)?;
        Some(Evidence {
            source: self.req_text(&o, "source"),
            quote: self.req_text(&o, "quote"),
        })
    }

    fn figure(&mut self, v: &Value, path: DocPath) -> Option<Figure> {
        let o = self.obj(v, path, &FIGURE_KEYS)?;
        Some(Figure {
            value: self.req_number(&o, "value").unwrap_or(0.0),
            unit: self.req_text(&o, "unit"),
            measures: self.req_text(&o, "measures"),
            source: self.req_text(&o, "source"),
            quote: self.req_text(&o, "quote"),
        })
    }

    fn milestone(&mut self, v: &Value, path: DocPath) -> Option<Milestone> {
        let o = self.obj(v, path, &MILESTONE_KEYS)?;
        let due = self.req_partial_date(&o, "due");
        let expect = self
            .required(&o, "expect", "a status")
            .and_then(|v| self.status_of(v, o.path.key("expect")));
        Some(Milestone {
            due: due.unwrap_or(PartialDate {
                year: 1,
                month: None,
                day: None,
            }),
            expect: expect.unwrap_or(Status::Planned),
            text: self.req_text(&o, "text"),
            reached: self.opt_partial_date(&o, "reached"),
            source: self.req_text(&o, "source"),
            quote: self.req_text(&o, "quote"),
            slipped_from: if self.v2_only(&o, "slipped_from") {
                self.list_of(&o, "slipped_from", false, Self::slip)
            } else {
                vec![]
            },
        })
    }

    fn slip(&mut self, v: &Value, path: DocPath) -> Option<Slip> {
        let o = self.obj(v, path, &SLIP_KEYS)?;
        Some(Slip {
            due: self.req_partial_date(&o, "due")?,
            note: self.opt_text(&o, "note"),
            source: self.opt_text(&o, "source"),
            quote: self.opt_text(&o, "quote"),
        })
    }

    /// Whether `key`, a schema-2 field, may be read here; in a version-1
    /// file its presence is reported.
    fn v2_only(&mut self, o: &Obj, key: &str) -> bool {
        if self.version >= 2 {
            return true;
        }
        if self.get(o, key).is_some() {
            self.issue(
                o.path.key(key),
                format!("`{key}` needs schema_version: 2"),
                "run `shibei-tracker migrate` to upgrade the file (lossless), then add it",
            );
        }
        false
    }

    fn observation(&mut self, v: &Value, path: DocPath) -> Option<Observation> {
        let a = self.obj(v, path, &OBSERVATION_KEYS)?;
        let value = self.req_number(&a, "value");
        let date = self
            .required(&a, "date", "the as-of date")
            .and_then(|v| self.partial_date_of(v, a.path.key("date")));
        Some(Observation {
            value: value?,
            date: date?,
            note: self.opt_text(&a, "note"),
            source: self.opt_text(&a, "source"),
            quote: self.opt_text(&a, "quote"),
        })
    }

    fn history(&mut self, v: &Value, path: DocPath) -> Option<HistoryEntry> {
        let o = self.obj(v, path, &HISTORY_KEYS)?;
        let date = self.req_partial_date(&o, "date");
        let status = self
            .get(&o, "status")
            .and_then(|v| self.status_of(v, o.path.key("status")));
        Some(HistoryEntry {
            date: date.unwrap_or(PartialDate {
                year: 1,
                month: None,
                day: None,
            }),
            status,
            note: self.opt_text(&o, "note").unwrap_or_default(),
            source: self.opt_text(&o, "source"),
            quote: self.opt_text(&o, "quote"),
        })
    }

    fn project(&mut self, v: &Value, path: DocPath) -> Option<Project> {
        let o = self.obj(v, path, &PROJECT_KEYS)?;
        let status = self
            .required(&o, "status", "a status")
            .and_then(|v| self.status_of(v, o.path.key("status")));
        Some(Project {
            id: self.req_text(&o, "id"),
            name_zh: self.req_text(&o, "name_zh"),
            name_en: self.req_text(&o, "name_en"),
            aliases: self.text_list(&o, "aliases"),
            chain: self.req_text(&o, "chain"),
            area: self.opt_text(&o, "area"),
            parent: self.opt_text(&o, "parent"),
            status: status.unwrap_or(Status::Planned),
            note: self.opt_text(&o, "note"),
            figures: self.list_of(&o, "figures", false, Self::figure),
            milestones: self.list_of(&o, "milestones", false, Self::milestone),
            history: self.list_of(&o, "history", false, Self::history),
            sources: self.list_of(&o, "sources", true, Self::evidence),
        })
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
                let start = self
                    .required(&o, "start", "a date")
                    .and_then(|v| self.day_of(v, o.path.key("start")));
                let end = self
                    .required(&o, "end", "a date")
                    .and_then(|v| self.day_of(v, o.path.key("end")));
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

    fn target(&mut self, v: &Value, path: DocPath) -> Option<Target> {
        let o = self.obj(v, path, &TARGET_KEYS)?;
        let period = self
            .required(&o, "period", "a year")
            .and_then(|v| self.period(v, o.path.key("period")));
        let comparator = self.get(&o, "comparator").and_then(|v| {
            let s = self.text_of(v, o.path.key("comparator"))?;
            let c = Comparator::parse(&s);
            if c.is_none() {
                self.issue(
                    o.path.key("comparator"),
                    format!("unknown comparator \"{s}\""),
                    "use \">=\" (以上, 突破), \"<=\" (以内, 不超过) or \"=\"",
                );
            }
            c
        });
        let target = self
            .get(&o, "target")
            .and_then(|v| self.number_of(v, o.path.key("target")));
        // A target that failed to decode is already reported; don't also
        // report its comparator as orphaned.
        let comparator = if target.is_none() && self.get(&o, "target").is_some() {
            None
        } else {
            comparator
        };
        let baseline = self.get(&o, "baseline").and_then(|v| {
            let b = self.obj(v, o.path.key("baseline"), &BASELINE_KEYS)?;
            Some(Baseline {
                value: self.req_number(&b, "value")?,
                date: self.req_partial_date(&b, "date")?,
                source: self.opt_text(&b, "source"),
                quote: self.opt_text(&b, "quote"),
            })
        });
        let mut observations = if self.version >= 2 {
            if self.get(&o, "actual").is_some() {
                self.issue(
                    o.path.key("actual"),
                    "`actual` is the schema-1 form of a value",
                    "in schema_version 2 write it as an entry of `observations` (`shibei-tracker migrate` converts a whole version-1 file)",
                );
            }
            self.list_of(&o, "observations", false, Self::observation)
        } else {
            self.v2_only(&o, "observations");
            self.get(&o, "actual")
                .and_then(|v| self.observation(v, o.path.key("actual")))
                .into_iter()
                .collect()
        };
        // Sorted by date; a stable sort keeps the order of equal dates.
        observations.sort_by_key(|x| x.date);
        let metric = if self.v2_only(&o, "metric") {
            self.opt_text(&o, "metric")
        } else {
            None
        };
        Some(Target {
            id: self.req_text(&o, "id"),
            metric_zh: self.req_text(&o, "metric_zh"),
            metric_en: self.req_text(&o, "metric_en"),
            chain: self.req_text(&o, "chain"),
            area: self.opt_text(&o, "area"),
            period: period.unwrap_or(Period::Year(1)),
            comparator,
            target,
            unit: self.req_text(&o, "unit"),
            measure: match self.opt_text(&o, "measure").as_deref() {
                None | Some("level") => Measure::Level,
                Some("flow") => Measure::Flow,
                Some(other) => {
                    self.issue(o.path.key("measure"), format!("unknown measure \"{other}\""), "use `level` (an amount standing at a date) or `flow` (counted afresh each period)");
                    Measure::Level
                }
            },
            metric,
            baseline,
            observations,
            note: self.opt_text(&o, "note"),
            sources: self.list_of(&o, "sources", true, Self::evidence),
        })
    }
}
