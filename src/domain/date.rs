//! Dates as precise as a report allows: a year, a month or a day.

use chrono::{Datelike, NaiveDate};
use std::fmt;

/// A calendar date known to a year, a month or a day ("2008", "2013-12",
/// "2022-12-01"). Reports often say only 2016年底 or 明年; recording more
/// precision than the source gives would be inventing facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

/// A placeholder while a record is read (the year 1, which no real date
/// of the tracker has).
impl Default for PartialDate {
    fn default() -> Self {
        PartialDate {
            year: 1,
            month: None,
            day: None,
        }
    }
}

impl PartialDate {
    /// A whole year ("2024").
    pub fn year(year: i32) -> Self {
        PartialDate {
            year,
            month: None,
            day: None,
        }
    }

    pub fn day(date: NaiveDate) -> Self {
        PartialDate {
            year: date.year(),
            month: Some(date.month()),
            day: Some(date.day()),
        }
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; `None` if it is not a real date.
    pub fn parse(s: &str) -> Option<Self> {
        let parts: Vec<&str> = s.trim().split('-').collect();
        let num = |p: &str, len: usize| -> Option<u32> {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        };
        let year = num(parts.first()?, 4)? as i32;
        let date = match parts.len() {
            1 => PartialDate {
                year,
                month: None,
                day: None,
            },
            2 => {
                let month = num(parts[1], 2).filter(|m| (1..=12).contains(m))?;
                PartialDate {
                    year,
                    month: Some(month),
                    day: None,
                }
            }
            3 => {
                let month = num(parts[1], 2)?;
                let day = num(parts[2], 2)?;
                NaiveDate::from_ymd_opt(year, month, day)?;
                PartialDate {
                    year,
                    month: Some(month),
                    day: Some(day),
                }
            }
            _ => return None,
        };
        Some(date)
    }

    /// The first day the date could mean.
    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
            .unwrap_or(NaiveDate::MIN)
    }

    /// The last day the date could mean: a milestone due "2023" is due by 2023-12-31.
    pub fn last_day(&self) -> NaiveDate {
        match (self.month, self.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(self.year, m, d),
            (Some(m), None) => {
                let (y, nm) = if m == 12 {
                    (self.year + 1, 1)
                } else {
                    (self.year, m + 1)
                };
                NaiveDate::from_ymd_opt(y, nm, 1).and_then(|d| d.pred_opt())
            }
            _ => NaiveDate::from_ymd_opt(self.year, 12, 31),
        }
        .unwrap_or(NaiveDate::MAX)
    }
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.first_day(), self.last_day()).cmp(&(other.first_day(), other.last_day()))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl serde::Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !s.is_human_readable() {
            // Binary forms (the cache): year, month and day, 0 for none.
            let part = |p: Option<u32>| p.map_or(0, |n| n.min(255) as u8);
            return serde::Serialize::serialize(&(self.year, part(self.month), part(self.day)), s);
        }
        s.collect_str(self)
    }
}

/// Reads a date as the tracker file writes it (`"2013-12"`; a bare year
/// such as `2008` too), or in its binary form; only a real date.
impl<'de> serde::Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        if !d.is_human_readable() {
            let (year, month, day) = <(i32, u8, u8)>::deserialize(d)?;
            let part = |n: u8| (n != 0).then_some(u32::from(n));
            let date = PartialDate {
                year,
                month: part(month),
                day: part(day),
            };
            // The same rules as `parse`.
            let real = (0..=9999).contains(&year)
                && match (date.month, date.day) {
                    (None, None) => true,
                    (Some(m), None) => (1..=12).contains(&m),
                    (Some(m), Some(dd)) => NaiveDate::from_ymd_opt(year, m, dd).is_some(),
                    (None, Some(_)) => false,
                };
            return if real {
                Ok(date)
            } else {
                Err(D::Error::custom("not a real date"))
            };
        }
        d.deserialize_any(DateVisitor)
    }
}

struct DateVisitor;

impl serde::de::Visitor<'_> for DateVisitor {
    type Value = PartialDate;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date: \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\"")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<PartialDate, E> {
        PartialDate::parse(s).ok_or_else(|| E::invalid_value(serde::de::Unexpected::Str(s), &self))
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<PartialDate, E> {
        self.visit_str(&n.to_string())
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<PartialDate, E> {
        self.visit_str(&n.to_string())
    }
}

/// Parses a full `YYYY-MM-DD` date.
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    match PartialDate::parse(s)? {
        PartialDate {
            year,
            month: Some(m),
            day: Some(d),
        } => NaiveDate::from_ymd_opt(year, m, d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_day(s).unwrap()
    }

    #[test]
    fn parses_each_precision() {
        assert_eq!(PartialDate::parse("2008").unwrap().to_string(), "2008");
        assert_eq!(
            PartialDate::parse("2013-12").unwrap().to_string(),
            "2013-12"
        );
        assert_eq!(
            PartialDate::parse("2022-12-01").unwrap().to_string(),
            "2022-12-01"
        );
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2023-02-30",
            "2023-13",
            "23",
            "2023-1-05",
            "2023/01/05",
            "",
            "abcd",
            "2023-12-01-02",
        ] {
            assert!(
                PartialDate::parse(bad).is_none(),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn spans_cover_the_whole_period() {
        let y = PartialDate::parse("2023").unwrap();
        assert_eq!(
            (y.first_day(), y.last_day()),
            (d("2023-01-01"), d("2023-12-31"))
        );
        let m = PartialDate::parse("2024-02").unwrap();
        assert_eq!(
            (m.first_day(), m.last_day()),
            (d("2024-02-01"), d("2024-02-29"))
        );
        let dec = PartialDate::parse("2013-12").unwrap();
        assert_eq!(dec.last_day(), d("2013-12-31"));
    }

    #[test]
    fn orders_by_start_then_end() {
        let mut v: Vec<PartialDate> = ["2022-12-01", "2022", "2021-04-09", "2022-12"]
            .iter()
            .map(|s| PartialDate::parse(s).unwrap())
            .collect();
        v.sort();
        let s: Vec<String> = v.iter().map(|d| d.to_string()).collect();
        // A day sorts before the month it falls in (same start, earlier end).
        assert_eq!(s, ["2021-04-09", "2022", "2022-12-01", "2022-12"]);
    }
}
