//! The Chains view: each chain's projects by status and goals by state.

use super::cells::{col, fit, plain, styled, Col};
use super::{draw_table, theme};
use crate::app::state::Screen;
use crate::app::App;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::Frame;

pub const COLUMNS: [Col; 7] = [
    col("产业链", 8, 12, 0, false),
    col("Chain", 10, 24, 5, true),
    col("Proj", 4, 4, 3, false),
    col("Projects by status", 12, 30, 1, true),
    col("Goals", 5, 5, 3, false),
    col("Goals by state", 12, 30, 2, true),
    col("Overdue", 7, 7, 4, false),
];

pub fn draw(frame: &mut Frame, app: &App, area: Rect, screen: Screen) {
    let tr = &app.tracker;
    draw_table(
        frame,
        app,
        area,
        screen,
        " Chains ".into(),
        &COLUMNS,
        |i, fitted| {
            let Some(r) = app.chains.get(i) else {
                return Vec::new();
            };
            let Some(c) = tr.chains.get(r.chain) else {
                return Vec::new();
            };
            fitted
                .iter()
                .map(|&(col, w)| {
                    let w = w as usize;
                    match col {
                        0 => plain(c.name_zh.clone(), w),
                        1 => plain(c.name_en.clone(), w),
                        2 => plain(r.projects.to_string(), w),
                        3 => {
                            let parts = r.by_status.iter().flat_map(|(s, n)| {
                                [
                                    Span::styled(
                                        format!("{} {n}", s.label_zh()),
                                        theme::status(*s),
                                    ),
                                    Span::raw("  "),
                                ]
                            });
                            {
                                let mut v: Vec<Span> = parts.collect();
                                v.pop(); // the trailing gap
                                fit(v, w)
                            }
                        }
                        4 => plain(r.goals.to_string(), w),
                        5 => {
                            let parts = r.by_state.iter().flat_map(|(s, n)| {
                                [
                                    Span::styled(format!("{} {n}", s.label_en()), theme::state(*s)),
                                    Span::raw("  "),
                                ]
                            });
                            {
                                let mut v: Vec<Span> = parts.collect();
                                v.pop(); // the trailing gap
                                fit(v, w)
                            }
                        }
                        _ if r.overdue > 0 => {
                            styled(format!("! {}", r.overdue), theme::overdue(), w)
                        }
                        _ => styled("-", theme::dim(), w),
                    }
                })
                .collect()
        },
    );
}
