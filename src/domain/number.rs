//! Numbers as people type them, one rule for the command line and the
//! interface: digits, an optional sign, a decimal point, thousands
//! separators ("1,530.5", "1_000"); nothing else.

use super::format_number;

/// Parses a user-typed number.
pub fn parse_value(s: &str) -> Result<f64, String> {
    let s = s.trim().replace([',', '_'], "");
    match s.parse::<f64>() {
        Ok(v)
            if v.is_finite()
                && !s.is_empty()
                && s.chars().all(|c| c.is_ascii_digit() || ".-+eE".contains(c)) =>
        {
            Ok(v)
        }
        _ => Err(format!(
            "\"{s}\" is not a number: write digits, optionally with a decimal point (e.g. 35 or 1.2)"
        )),
    }
}

/// A value typed for a goal measured in `unit`: `parse_value`'s rules,
/// with a plainer explanation when the unit was typed along with it.
pub fn parse_in_unit(text: &str, unit: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("type a number (Esc cancels)".into());
    }
    parse_value(t).map_err(|e| {
        let bare = t
            .strip_suffix(unit)
            .map(str::trim)
            .filter(|_| !unit.is_empty());
        match bare.map(parse_value) {
            Some(Ok(v)) => format!(
                "\"{t}\": numbers only; the unit ({unit}) is already known, type {}",
                format_number(v)
            ),
            _ => e,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_with_separators_and_units_explained() {
        assert_eq!(parse_value("1,530.5"), Ok(1530.5));
        assert_eq!(parse_value(" -2 "), Ok(-2.0));
        assert!(parse_value("12abc").is_err());
        assert!(parse_value("inf").is_err());
        assert!(parse_in_unit("35家", "家").unwrap_err().contains("type 35"));
        assert!(parse_in_unit("", "家").unwrap_err().contains("Esc"));
    }
}
