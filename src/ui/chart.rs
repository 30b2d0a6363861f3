//! The chart in a goal's details: every value of its series (the targets
//! sharing its `metric`, or the goal alone) over time, with each goal drawn
//! as a line across its period. Braille and ASCII only: no ambiguous-width
//! glyphs, so CJK terminals keep their columns.

use super::theme;
use crate::domain::{format_number, Comparator, Target, Tracker};
use chrono::{Datelike, NaiveDate};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType};

/// What the chart plots, in plain numbers (x in fractional years).
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesPlot {
    pub title: String,
    pub unit: String,
    /// Each known value at its as-of day.
    pub values: Vec<(f64, f64)>,
    /// Each goal: its label (">=60") and the line across its period.
    pub goals: Vec<(String, [(f64, f64); 2])>,
    pub x: [f64; 2],
    pub y: [f64; 2],
}

/// A date as a fractional year: 2024-07-01 is about 2024.5.
fn year_fraction(d: NaiveDate) -> f64 {
    let days = if d.leap_year() { 366.0 } else { 365.0 };
    d.year() as f64 + f64::from(d.ordinal0()) / days
}

/// The series of `g` as it stands on `today`, or `None` when there is
/// nothing worth a chart (no value known yet, or a single point alone).
pub fn plot(t: &Tracker, g: &Target, today: NaiveDate) -> Option<SeriesPlot> {
    let targets: Vec<&Target> = match &g.metric {
        Some(m) => t.series(m),
        None => vec![g],
    };
    let mut values = Vec::new();
    let mut goals = Vec::new();
    let (mut x0, mut x1) = (f64::MAX, f64::MIN);
    for x in &targets {
        let (s, e) = (x.period.start(), x.period.end());
        let (xs, xe) = (year_fraction(s), year_fraction(e.succ_opt().unwrap_or(e)));
        x0 = x0.min(xs);
        x1 = x1.max(xe);
        for o in x
            .observations
            .iter()
            .filter(|o| o.stands() && !o.is_future(today))
        {
            let at = year_fraction(o.date.last_day().min(today));
            x0 = x0.min(at);
            x1 = x1.max(at);
            values.push((at, o.value));
        }
        if let (Some(v), Some(c)) = (x.target, x.comparator) {
            let sym = match c {
                Comparator::AtLeast => ">=",
                Comparator::AtMost => "<=",
                Comparator::Exactly => "=",
            };
            goals.push((
                format!("{} goal {sym}{}", x.period.label(), format_number(v)),
                [(xs, v), (xe, v)],
            ));
        }
    }
    if values.is_empty() || values.len() + goals.len() < 2 {
        return None;
    }
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    let ys = values
        .iter()
        .map(|p| p.1)
        .chain(goals.iter().map(|g| g.1[0].1));
    let (lo, hi) = ys.fold((0.0f64, 0.0f64), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let hi = if hi > lo { hi * 1.1 } else { lo + 1.0 };
    Some(SeriesPlot {
        title: match &g.metric {
            Some(m) => format!(" Series {m} ({}) ", g.unit),
            None => format!(" Values over time ({}) ", g.unit),
        },
        unit: g.unit.clone(),
        values,
        goals,
        x: [x0.floor(), x1.ceil().max(x0.floor() + 1.0)],
        y: [lo, hi],
    })
}

/// Goals in turn take these colours; values are always the accent colour.
const GOAL_COLOURS: [Color; 3] = [Color::Yellow, Color::Magenta, Color::Red];

/// The chart widget for `p`. The data lives in `p`, borrowed by the widget.
pub fn widget(p: &SeriesPlot) -> Chart<'_> {
    let mut sets = vec![Dataset::default()
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(Style::new().fg(Color::Cyan))
        .data(&p.values)];
    // The points themselves, marked plainly on top of the line.
    sets.push(
        Dataset::default()
            .marker(Marker::Custom('o'))
            .graph_type(GraphType::Scatter)
            .style(Style::new().fg(Color::Cyan))
            .data(&p.values),
    );
    for (i, (_, line)) in p.goals.iter().enumerate() {
        sets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(GOAL_COLOURS[i % GOAL_COLOURS.len()]))
                .data(line),
        );
    }
    let years = |v: f64| Line::from(format!("{v:.0}"));
    let mid = (p.x[0] + p.x[1]) / 2.0;
    let x_labels = if p.x[1] - p.x[0] >= 2.0 {
        vec![years(p.x[0]), years(mid.round()), years(p.x[1])]
    } else {
        vec![years(p.x[0]), years(p.x[1])]
    };
    let y_label = |v: f64| Line::from(format_number((v * 10.0).round() / 10.0));
    // The legend goes in the frame's bottom edge, where it never covers a
    // point: "o values  -- 2024 goal >=60".
    let mut legend = vec![Span::styled(" o values ", Style::new().fg(Color::Cyan))];
    for (i, (label, _)) in p.goals.iter().enumerate() {
        legend.push(Span::styled(
            format!(" -- {label} "),
            Style::new().fg(GOAL_COLOURS[i % GOAL_COLOURS.len()]),
        ));
    }
    Chart::new(sets)
        .block(
            Block::bordered()
                .title(Line::from(p.title.clone()))
                .title_bottom(Line::from(legend)),
        )
        .x_axis(
            Axis::default()
                .bounds(p.x)
                .labels(x_labels)
                .style(theme::dim()),
        )
        .y_axis(
            Axis::default()
                .bounds(p.y)
                .labels([y_label(p.y[0]), y_label(p.y[1])])
                .style(theme::dim()),
        )
        .legend_position(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractional_years() {
        let d = |s| crate::domain::date::parse_day(s).unwrap();
        assert_eq!(year_fraction(d("2024-01-01")), 2024.0);
        assert!((year_fraction(d("2024-07-02")) - 2024.5).abs() < 0.01);
    }
}
