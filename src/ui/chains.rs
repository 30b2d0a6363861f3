//! The Chains view: a scoreboard ranking chains by goals met, then projects
//! advancing (`domain::summary::ranked`), with a bar for each, then each
//! chain's projects by status and goals by state.

use super::cells::{col, fit, plain, styled, Col};
use super::{draw_table, theme};
use crate::app::state::Screen;
use crate::app::App;
use crate::domain::{ProgressState, Status};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

pub const COLUMNS: [Col; 9] = [
    col("#", 2, 2, 0, false),
    col("产业链", 8, 10, 0, false),
    col("Chain", 10, 24, 3, false),
    col("Goals met", 8, 16, 1, false),
    col("Advancing", 8, 16, 2, false),
    col("Projects by status", 12, 22, 5, true),
    col("Goals by state", 12, 22, 6, true),
    col("Stalled", 7, 7, 7, false),
    col("Overdue", 7, 7, 4, false),
];

/// A bar of `n` against the largest value `max`, then "n/of", in `w`
/// columns. Plain `#`: block glyphs are double width in some CJK terminals.
pub fn bar(n: usize, of: usize, max: usize, w: usize) -> String {
    let label = format!(" {n}/{of}");
    let room = w.saturating_sub(label.len());
    let filled = if max == 0 {
        0
    } else {
        // At least one mark for any non-zero count, so 1 of 40 still shows.
        ((n as f64 / max as f64) * room as f64)
            .round()
            .max((n > 0) as u8 as f64) as usize
    }
    .min(room);
    format!("{}{}{label}", "#".repeat(filled), " ".repeat(room - filled))
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect, screen: Screen) {
    let tr = &app.tracker;
    let max_met = app
        .chains
        .rows
        .iter()
        .map(|r| r.summary.state_count(ProgressState::Met))
        .max()
        .unwrap_or(0);
    let max_adv = app
        .chains
        .rows
        .iter()
        .map(|r| r.summary.advancing)
        .max()
        .unwrap_or(0);
    draw_table(
        frame,
        app,
        area,
        screen,
        " Chains: ranked by goals met, then projects advancing ".into(),
        &COLUMNS,
        |i, fitted| {
            let Some(r) = app.chains.rows.get(i) else {
                return Vec::new();
            };
            let Some(c) = tr.chains.get(r.chain) else {
                return Vec::new();
            };
            let s = &r.summary;
            fitted
                .iter()
                .map(|&(col, w)| {
                    let w = w as usize;
                    match col {
                        0 => plain(r.rank.to_string(), w),
                        1 => plain(c.name_zh.clone(), w),
                        2 => plain(c.name_en.clone(), w),
                        3 => styled(
                            bar(s.state_count(ProgressState::Met), s.goals, max_met, w),
                            theme::state(ProgressState::Met),
                            w,
                        ),
                        4 => styled(
                            bar(s.advancing, s.projects, max_adv, w),
                            theme::status(Status::UnderConstruction),
                            w,
                        ),
                        5 => counts(
                            Status::ALL
                                .iter()
                                .map(|&st| (s.status_count(st), st.label_zh(), theme::status(st))),
                            w,
                        ),
                        6 => counts(
                            ProgressState::ALL
                                .iter()
                                .map(|&st| (s.state_count(st), st.label_en(), theme::state(st))),
                            w,
                        ),
                        7 if s.stalled > 0 => {
                            styled(s.stalled.to_string(), theme::status(Status::Stalled), w)
                        }
                        8 if s.overdue_milestones > 0 => {
                            styled(format!("! {}", s.overdue_milestones), theme::overdue(), w)
                        }
                        _ => styled("-", theme::dim(), w),
                    }
                })
                .collect()
        },
    );
}

/// "label n" for each non-zero count, coloured, two spaces apart.
fn counts<'a>(
    items: impl Iterator<Item = (usize, &'a str, ratatui::style::Style)>,
    w: usize,
) -> Line<'static> {
    let mut v: Vec<Span> = Vec::new();
    for (n, label, style) in items.filter(|(n, ..)| *n > 0) {
        if !v.is_empty() {
            v.push(Span::raw("  "));
        }
        v.push(Span::styled(format!("{label} {n}"), style));
    }
    if v.is_empty() {
        return styled("-", super::theme::dim(), w);
    }
    fit(v, w)
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_scale_to_the_largest_and_fit() {
        assert_eq!(bar(2, 4, 2, 10), "###### 2/4");
        assert_eq!(bar(1, 4, 2, 10), "###    1/4");
        assert_eq!(bar(0, 4, 2, 10), "       0/4");
        assert_eq!(bar(0, 0, 0, 10), "       0/0");
        assert_eq!(bar(3, 3, 3, 2), " 3/3");
    }
}
