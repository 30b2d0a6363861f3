//! What people type, turned into field values: one reading per kind of
//! field and one wording for each mistake, whichever front end the text
//! came from (`edit`, the form, command-line options). The field's kind
//! comes from the schema table, so a new field is read like its kind.

use super::date::PartialDate;
use super::model::{format_number, Comparator, Measure};
use super::records::{parse_aliases, parse_period, period_text};
use super::schema::{Need, Slot, Spec, Val};
use super::status::Status;

/// Sets the field `spec` (through `slot`) from what a person typed.
/// An empty text clears an optional field.
pub fn set_from_text(spec: &Spec, slot: Slot, text: &str) -> Result<(), String> {
    let v = text.trim();
    let key = spec.key;
    let opt = |v: &str| (!v.is_empty()).then(|| v.to_string());
    match slot {
        Slot::Str(s) => {
            if v.is_empty() && spec.need == Need::Required {
                return Err(format!("{key} is empty: give a value"));
            }
            *s = v.to_string();
        }
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

fn date(v: &str) -> Result<PartialDate, String> {
    PartialDate::parse(v)
        .ok_or_else(|| format!("\"{v}\" is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"))
}

fn status(v: &str) -> Result<Status, String> {
    Status::parse(v).ok_or_else(|| {
        format!(
            "unknown status \"{v}\": use one of {}",
            Status::ALL.map(|s| s.id()).join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::*;
    use crate::domain::schema::Record;

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
