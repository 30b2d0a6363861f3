//! What people type, turned into field values: one reading per kind of
//! field and one wording for each mistake, whichever front end the text
//! came from (`edit`, the form, command-line options). The field's kind
//! comes from the schema table, so a new field is read like its kind.
//!
//! A `Draft` is a record as typed, field by field (key -> text): the form
//! and the command line's options each make one, and `records::build_*`
//! checks it once, giving the record or every mistake by field.

use super::change::EARLIEST_YEAR;
use super::date::PartialDate;
use super::model::Period;
use super::model::{format_number, Comparator, Measure};
use super::schema::{Need, Slot, Spec, Val};
use super::status::Status;
use chrono::NaiveDate;

/// A record as a person typed it: each field's key (as the schema spells
/// it, or `source`, `quote`, `value`, `date` for the evidence and a
/// result's value) and its text. Fields left out are not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    texts: Vec<(String, String)>,
}

impl Draft {
    pub fn new() -> Draft {
        Draft::default()
    }

    /// Sets `key` to `text` (replacing what it held).
    pub fn set(&mut self, key: &str, text: impl Into<String>) {
        let text = text.into();
        match self.texts.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = text,
            None => self.texts.push((key.to_string(), text)),
        }
    }

    /// `set`, when there is a text (an option given on the command line).
    pub fn with(mut self, key: &str, text: Option<impl Into<String>>) -> Draft {
        if let Some(t) = text {
            self.set(key, t);
        }
        self
    }

    /// The text of `key`, trimmed; "" when not given.
    pub fn get(&self, key: &str) -> &str {
        self.texts
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, t)| t.trim())
    }

    /// Whether `key` was given (even empty).
    pub fn has(&self, key: &str) -> bool {
        self.texts.iter().any(|(k, _)| k == key)
    }

    /// Every field given, in the order given.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.texts.iter().map(|(k, t)| (k.as_str(), t.as_str()))
    }
}

/// A mistake in one field of a draft: the field's key and what is wrong,
/// worded the same whichever front end shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Sets the field `spec` (through `slot`) from what a person typed.
/// An empty text clears an optional field.
pub fn set_from_text(spec: &Spec, slot: Slot, text: &str) -> Result<(), String> {
    let v = text.trim();
    let key = spec.key;
    let opt = |v: &str| (!v.is_empty()).then(|| v.to_string());
    if v.is_empty() && spec.need == Need::Required {
        return Err(format!("{key} is empty: give a value"));
    }
    match slot {
        Slot::Str(s) => *s = v.to_string(),
        Slot::OptStr(s) => *s = opt(v),
        Slot::Strs(list) => *list = parse_aliases(v),
        Slot::Num(x) => *x = super::number::parse_value(v)?,
        Slot::OptNum(x) => {
            *x = match v {
                "" => None,
                v => Some(super::number::parse_value(v)?),
            }
        }
        Slot::Date(d) => *d = date(v)?,
        Slot::OptDate(d) => {
            *d = match v {
                "" => None,
                v => Some(date(v)?),
            }
        }
        Slot::Status(s) => *s = status(v)?,
        Slot::OptStatus(s) => {
            *s = match v {
                "" => None,
                v => Some(status(v)?),
            }
        }
        Slot::Flag(b) => {
            *b = match v {
                "yes" | "true" | "y" => true,
                "no" | "false" | "n" => false,
                _ => return Err(format!("{key}: write yes or no")),
            }
        }
        Slot::Period(p) => *p = parse_period(v)?,
        Slot::Comparator(c) => {
            *c = match v {
                "" => None,
                v => Some(
                    Comparator::parse(v)
                        .ok_or_else(|| format!("unknown comparator \"{v}\": use >=, <= or ="))?,
                ),
            }
        }
        Slot::Measure(m) => {
            *m = match v {
                "level" | "" => Measure::Level,
                "flow" => Measure::Flow,
                _ => return Err(format!(
                    "unknown measure \"{v}\": use level (an amount standing at a date) or flow (counted afresh each period)"
                )),
            }
        }
        Slot::Int(_) | Slot::Items(_) | Slot::Nested(_) => {
            return Err(format!("{key} is not typed as one value"))
        }
    }
    Ok(())
}

/// The value as a person would type it back; "" for none.
pub fn as_text(v: Val) -> String {
    match v {
        Val::Str(s) | Val::OptStr(Some(s)) => s.to_string(),
        Val::Strs(items) => items.join(", "),
        Val::Num(x) | Val::OptNum(Some(x)) => format_number(x),
        Val::Int(n) => n.to_string(),
        Val::Date(d) | Val::OptDate(Some(d)) => d.to_string(),
        Val::Status(s) | Val::OptStatus(Some(s)) => s.id().to_string(),
        Val::Flag(b) => (if b { "yes" } else { "no" }).to_string(),
        Val::Period(p) => period_text(&p),
        Val::Comparator(Some(c)) => c.symbol().to_string(),
        Val::Measure(Measure::Level) => "level".into(),
        Val::Measure(Measure::Flow) => "flow".into(),
        Val::Items(list) => format!("{} entries", list.len()),
        Val::Nested(Some(_)) => "(set)".into(),
        Val::OptStr(None)
        | Val::OptNum(None)
        | Val::OptDate(None)
        | Val::OptStatus(None)
        | Val::Comparator(None)
        | Val::Nested(None) => String::new(),
    }
}

/// A date as typed: `2024`, `2024-12` or `2024-12-31`.
pub fn date(v: &str) -> Result<PartialDate, String> {
    PartialDate::parse(v)
        .ok_or_else(|| format!("\"{v}\" is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"))
}

/// A status as typed: its id or its label (`在建`, `under construction`).
pub fn status(v: &str) -> Result<Status, String> {
    Status::parse(v).ok_or_else(|| super::labels::unknown_status(v))
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
        < EARLIEST_YEAR
    {
        return Err(format!(
            "\"{s}\" is before {}: give the real period",
            EARLIEST_YEAR
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::*;
    use crate::domain::schema::Record;

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

    /// Every editable field of every record reads back what `as_text`
    /// gives of it: a conflict's or an edit's text can be typed again.
    #[test]
    fn what_is_shown_is_read_back_the_same() {
        let mut x = Target {
            id: "t".into(),
            metric_zh: "引进金融机构".into(),
            metric_en: "Financial institutions".into(),
            chain: "finance".into(),
            area: Some("taidong".into()),
            period: Period::Span {
                start: chrono::NaiveDate::from_ymd_opt(2018, 1, 1).unwrap(),
                end: chrono::NaiveDate::from_ymd_opt(2020, 6, 30).unwrap(),
            },
            comparator: Some(Comparator::AtLeast),
            target: Some(1530.5),
            unit: "家".into(),
            measure: Measure::Flow,
            metric: Some("fin".into()),
            ..Target::default()
        };
        for f in Target::FIELDS.iter().filter(|f| f.spec.edit) {
            let text = as_text((f.get)(&x));
            let mut y = Target::default();
            set_from_text(&f.spec, (f.slot)(&mut y), &text).unwrap();
            assert!((f.same)(&x, &y), "{}: {text:?}", f.spec.key);
        }
        // Cleared: an empty text for an optional field.
        let area = Target::field("area").unwrap();
        set_from_text(&area.spec, (area.slot)(&mut x), "  ").unwrap();
        assert_eq!(x.area, None);
        let name = Target::field("metric_zh").unwrap();
        assert_eq!(
            set_from_text(&name.spec, (name.slot)(&mut x), ""),
            Err("metric_zh is empty: give a value".into())
        );
    }
}
