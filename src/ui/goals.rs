//! The Goals view: every target with its numbers, a gauge from baseline to
//! target, the state coloured, and the time left in its period.

use super::cells::{col, highlighted, plain, styled, Col};
use super::{draw_table, theme};
use crate::app::state::Screen;
use crate::app::App;
use crate::domain::labels::goal_label;
use crate::domain::{format_number, Progress, ProgressState, Target};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::Frame;

pub const COLUMNS: [Col; 11] = [
    col("指标", 10, 18, 0, true),
    col("Metric", 10, 20, 6, true),
    col("Chain", 8, 8, 8, false),
    col("Period", 6, 9, 7, false),
    col("Base", 4, 5, 9, false),
    col("Target", 6, 7, 3, false),
    col("Actual", 5, 6, 3, false),
    col("Progress", 8, 12, 2, false),
    col("%", 5, 5, 2, false),
    col("State", 7, 10, 1, false),
    col("Ends", 9, 22, 4, false),
];

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

/// "58%", or the overshoot of an exceeded goal ("+17%" for 35 of 30).
pub fn percent_label(percent: Option<f64>) -> String {
    match percent.filter(|p| p.is_finite()) {
        None => "-".into(),
        Some(p) if p.round() > 100.0 => format!("+{:.0}%", p - 100.0),
        Some(p) => format!("{p:.0}%"),
    }
}

/// The period's end and the days left, or how long it is overdue, cut to
/// what `w` columns hold.
pub fn ends_label(t: &Target, pr: &Progress, w: usize) -> (String, Style) {
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
    let full = format!("{end} {left}");
    if crate::text::width(&full) <= w {
        (full, style)
    } else {
        (left, style)
    }
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect, screen: Screen) {
    let tr = &app.tracker;
    let title = if app.attention {
        " Goals: needing attention (at risk, unreported) "
    } else {
        " Goals "
    };
    draw_table(
        frame,
        app,
        area,
        screen,
        title.into(),
        &COLUMNS,
        |i, fitted| {
            let Some(hit) = app.goals.rows.get(i) else {
                return Vec::new();
            };
            let Some(t) = tr.targets.get(hit.index) else {
                return Vec::new();
            };
            let Some(pr) = app.progress.get(hit.index) else {
                return Vec::new();
            };
            let tone = theme::state(pr.state);
            fitted
                .iter()
                .map(|&(c, w)| {
                    let w = w as usize;
                    match c {
                        0 => highlighted(&t.metric_zh, &hit.hl_zh, Style::new(), w),
                        1 => highlighted(&t.metric_en, &hit.hl_en, Style::new(), w),
                        2 => plain(
                            tr.chain(&t.chain)
                                .map_or(t.chain.as_str(), |c| c.name_zh.as_str()),
                            w,
                        ),
                        3 => plain(t.period.label(), w),
                        4 => plain(
                            t.baseline
                                .as_ref()
                                .map_or("-".into(), |b| format_number(b.value)),
                            w,
                        ),
                        5 => plain(target_label(t), w),
                        6 => plain(
                            pr.value.map_or("-".into(), |v| {
                                let interim = if pr.interim { "*" } else { "" };
                                format!("{}{}{interim}", format_number(v), t.unit)
                            }),
                            w,
                        ),
                        7 if t.target.is_none() => styled("-", theme::dim(), w),
                        7 => styled(gauge(pr.percent, w), tone, w),
                        8 => styled(percent_label(pr.percent), tone, w),
                        9 => styled(pr.state.label_en(), tone, w),
                        _ => {
                            let (s, style) = ends_label(t, pr, w);
                            styled(s, style, w)
                        }
                    }
                })
                .collect()
        },
    );
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
        assert_eq!(percent_label(Some(116.67)), "+17%");
        assert_eq!(percent_label(Some(100.2)), "100%");
        assert_eq!(percent_label(Some(58.0)), "58%");
        assert_eq!(percent_label(None), "-");
    }
}
