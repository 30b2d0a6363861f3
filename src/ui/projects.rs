//! The Projects view: one row per project, matches highlighted.

use super::cells::{col, highlighted, plain, styled, Col};
use super::{draw_table, theme};
use crate::app::state::Screen;
use crate::app::App;
use crate::domain::labels::next_due;
use crate::domain::Project;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::Frame;

pub const COLUMNS: [Col; 6] = [
    col("名称", 10, 26, 0, true),
    col("Name", 12, 34, 3, true),
    col("Chain", 8, 10, 4, false),
    col("Area", 6, 10, 5, false),
    col("Status", 6, 6, 1, false),
    col("Next milestone", 10, 26, 2, false),
];

pub fn draw(frame: &mut Frame, app: &App, area: Rect, screen: Screen) {
    let t = &app.tracker;
    draw_table(
        frame,
        app,
        area,
        screen,
        if app.attention {
            " Projects: needing attention (stalled, overdue milestones) ".into()
        } else {
            " Projects ".into()
        },
        &COLUMNS,
        |i, fitted| {
            let Some(hit) = app.projects.rows.get(i) else {
                return Vec::new();
            };
            let Some(p) = t.projects.get(hit.index) else {
                return Vec::new();
            };
            fitted
                .iter()
                .map(|&(c, w)| {
                    let w = w as usize;
                    match c {
                        0 => highlighted(&p.name_zh, &hit.hl_zh, Style::new(), w),
                        1 => highlighted(&p.name_en, &hit.hl_en, Style::new(), w),
                        2 => plain(
                            t.chain(&p.chain)
                                .map_or(p.chain.as_str(), |c| c.name_zh.as_str()),
                            w,
                        ),
                        3 => plain(
                            p.area
                                .as_deref()
                                .map(|a| t.area(a).map_or(a, |x| x.name_zh.as_str()))
                                .unwrap_or("-"),
                            w,
                        ),
                        4 => styled(p.status.label_zh(), theme::status(p.status), w),
                        _ => next_cell(p, app, w),
                    }
                })
                .collect()
        },
    );
}

/// The next milestone: due date and promise, marked "!" in red when overdue.
fn next_cell(p: &Project, app: &App, w: usize) -> Line<'static> {
    match next_due(p, app.today) {
        Some((label, true)) => styled(format!("! {label}"), theme::overdue(), w),
        Some((label, false)) => plain(label, w),
        None => styled("-", theme::dim(), w),
    }
}
