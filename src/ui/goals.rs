//! The Goals view: every target with its numbers, a gauge from baseline to
//! target, the state coloured, and the time left in its period.

use super::cells::styled;
use super::table::{draw_table, title_with_note_mark, Content, TableSpec};
use super::theme;
use crate::app::state::{Screen, Sort};
use crate::app::App;
use crate::columns::{column, Column};
use crate::domain::labels::{goal_label, period_short, value_with_unit};
use crate::domain::{format_number, Progress, ProgressState, Target};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::Frame;

/// The metric, target, actual, state, percent and period are kept (the
/// period tells a 2018 goal from a 2024 one with the same metric); the
/// days left, the gauge, the English metric, the chain and the baseline
/// give way first. When only kept ones are left, the period goes first,
/// then the percent, and only then the state: a percent is never shown
/// without the state that says what it means.
pub const COLUMNS: [Column; 11] = [
    column("指标", 10, 0, true, true),
    column("Metric", 16, 7, false, true),
    column("Chain", 8, 8, false, false),
    column("Period", 4, 4, true, false),
    column("Base", 4, 9, false, false),
    column("Target", 6, 1, true, false),
    column("Actual", 5, 1, true, false),
    column("Progress", 8, 6, false, false),
    column("%", 4, 3, true, false),
    column("State", 7, 2, true, false),
    // Kept when sorted by: "2071d overdue" at least (the days alone).
    column("Ends", 9, 5, false, false).ample(13),
];

/// Preferred gauge width: enough to read a tenth.
const GAUGE: usize = 12;

fn sorted_column(sort: Sort) -> Option<usize> {
    match sort {
        Sort::Relevance => None,
        Sort::Name => Some(0),
        Sort::Chain => Some(2),
        Sort::Status => Some(9),
        Sort::NextDue => Some(10),
        // Goals have no area column; the order still applies.
        Sort::Area => None,
    }
}

/// The goal as `domain::labels::goal_label` writes it, "-" for none.
pub fn target_label(t: &Target) -> String {
    Some(goal_label(t))
        .filter(|g| !g.is_empty())
        .unwrap_or_else(|| "-".into())
}

/// `[####......]` in `width` columns: the way from baseline to target
/// covered by the actual. `Progress::percent` already counts a `<=` goal
/// the right way round; it is clamped here so an exceeded goal draws a
/// full gauge (its overshoot is printed by `percent_label`). ASCII only:
/// block glyphs are double width in some CJK terminals.
pub fn gauge(percent: Option<f64>, width: usize) -> String {
    if width < 3 {
        return String::new();
    }
    let inner = width - 2;
    let Some(p) = percent.filter(|p| !p.is_nan()) else {
        return format!("[{}]", " ".repeat(inner));
    };
    let filled = ((p.clamp(0.0, 100.0) / 100.0) * inner as f64).round() as usize;
    let filled = filled.min(inner);
    format!("[{}{}]", "#".repeat(filled), ".".repeat(inner - filled))
}

/// "58%", "117%" for 35 of 30 (`domain::labels::percent_label`, as every
/// output writes it), "-" for none.
pub fn percent_label(percent: Option<f64>) -> String {
    match percent.filter(|p| p.is_finite()) {
        None => "-".into(),
        Some(p) => crate::domain::labels::percent_label(p),
    }
}

/// The period's end and the days left (or how long it is overdue), and
/// the days alone for a narrow column.
pub fn ends_label(t: &Target, pr: &Progress) -> (String, String, Style) {
    let end = t.period.end().to_string();
    let settled = matches!(
        pr.state,
        ProgressState::Met | ProgressState::Missed | ProgressState::Reported
    );
    let (left, style) = if pr.days_left >= 0 {
        (format!("{}d left", pr.days_left), Style::new())
    } else if settled {
        ("ended".to_string(), theme::dim())
    } else {
        (format!("{}d overdue", -pr.days_left), theme::overdue())
    };
    (format!("{end} {left}"), left, style)
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect, screen: Screen) {
    let tr = &app.tracker;
    let title = if app.attention {
        " Goals: needing attention (at risk, unreported) "
    } else {
        " Goals "
    };
    // The mark explained, when a row shown carries it.
    let in_view = app
        .goals
        .list
        .rows
        .iter()
        .skip(app.pos(crate::app::View::Goals).offset)
        .take(screen.body_rows as usize);
    let title = title_with_note_mark(
        title,
        in_view.map(|h| tr.targets.get(h.index).is_some_and(|x| x.rests_on_note())),
    );
    let spec = TableSpec {
        title,
        cols: &COLUMNS,
        sorted: sorted_column(app.goals.order.by).map(|c| (c, app.goals.order.reverse)),
        footer: Vec::new(),
    };
    draw_table(frame, app, area, screen, spec, |i| {
        let Some(hit) = app.goals.list.rows.get(i) else {
            return Vec::new();
        };
        let (Some(t), Some(pr)) = (tr.targets.get(hit.index), app.goals.progress.get(hit.index))
        else {
            return Vec::new();
        };
        let tone = theme::state(pr.state);
        let percent = pr.percent;
        let (ends, short, ends_style) = ends_label(t, pr);
        vec![
            if t.rests_on_note() {
                // Marked before its name; the highlights shift past the mark.
                let mark = crate::domain::labels::NOTE_MARK;
                let shift = mark.chars().count();
                let hl: Vec<usize> = hit.hl_zh.iter().map(|i| i + shift).collect();
                Content::highlighted(format!("{mark}{}", t.metric_zh), &hl)
            } else {
                Content::highlighted(t.metric_zh.clone(), &hit.hl_zh)
            },
            Content::highlighted(t.metric_en.clone(), &hit.hl_en),
            Content::text(
                tr.chain(&t.chain)
                    .map_or(t.chain.as_str(), |c| c.name_zh.as_str()),
            ),
            Content::text(period_short(&t.period)),
            Content::text(
                t.baseline
                    .as_ref()
                    .map_or("-".into(), |b| format_number(b.value)),
            ),
            Content::text(target_label(t)),
            Content::text(pr.value.map_or("-".into(), |v| {
                // "*": an interim figure, part way through the period.
                let interim = if pr.interim { "*" } else { "" };
                format!("{}{interim}", value_with_unit(v, &t.unit))
            })),
            if t.target.is_none() {
                Content::dim("-")
            } else {
                Content::Drawn {
                    want: GAUGE,
                    draw: Box::new(move |w| styled(gauge(percent, w), tone, w)),
                }
            },
            Content::styled(percent_label(pr.percent), tone),
            Content::styled(pr.state.label_en(), tone),
            Content::Drawn {
                want: crate::text::width(&ends),
                draw: Box::new(move |w| {
                    let s = if crate::text::width(&ends) <= w {
                        &ends
                    } else {
                        &short
                    };
                    styled(s.clone(), ends_style, w)
                }),
            },
        ]
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauges_clamp_and_overshoot_is_text() {
        assert_eq!(gauge(Some(50.0), 12), "[#####.....]");
        assert_eq!(gauge(Some(116.7), 12), "[##########]");
        assert_eq!(gauge(Some(-20.0), 7), "[.....]");
        assert_eq!(gauge(None, 5), "[   ]");
        assert_eq!(gauge(Some(f64::NAN), 4), "[  ]");
        assert_eq!(gauge(Some(1e300), 2), "");
        assert_eq!(percent_label(Some(116.67)), "117%");
        assert_eq!(percent_label(Some(100.2)), "100%");
        assert_eq!(percent_label(Some(58.0)), "58%");
        assert_eq!(percent_label(None), "-");
    }
}
