//! The Goals view: every target with its numbers, coloured by state.

use super::cells::{col, highlighted, plain, styled, Col};
use super::{draw_table, theme};
use crate::app::state::Screen;
use crate::app::App;
use crate::domain::{format_number, Target};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::Frame;

pub const COLUMNS: [Col; 9] = [
    col("指标", 10, 22, 0, true),
    col("Metric", 12, 34, 5, true),
    col("Chain", 8, 10, 6, false),
    col("Period", 4, 9, 4, false),
    col("Base", 5, 8, 7, false),
    col("Target", 6, 10, 3, false),
    col("Actual", 5, 8, 3, false),
    col("%", 5, 5, 2, false),
    col("State", 7, 10, 1, false),
];

pub fn target_label(t: &Target) -> String {
    match (t.comparator, t.target) {
        (Some(c), Some(v)) => format!("{}{}{}", c.symbol(), format_number(v), t.unit),
        _ => "-".into(),
    }
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect, screen: Screen) {
    let tr = &app.tracker;
    draw_table(
        frame,
        app,
        area,
        screen,
        " Goals ".into(),
        &COLUMNS,
        |i, fitted| {
            let Some(hit) = app.goals.get(i) else {
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
                            t.actual.as_ref().map_or("-".into(), |a| {
                                format!("{}{}", format_number(a.value), t.unit)
                            }),
                            w,
                        ),
                        7 => styled(
                            pr.percent.map_or("-".into(), |p| format!("{p:.0}%")),
                            tone,
                            w,
                        ),
                        _ => styled(pr.state.label_en(), tone, w),
                    }
                })
                .collect()
        },
    );
}
