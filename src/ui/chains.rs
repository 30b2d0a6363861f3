//! The Chains view: a scoreboard ranking chains by goals met, then projects
//! advancing (`domain::summary::ranked`), over what the filter and `!`
//! leave; each chain's projects by status and goals by state as compact
//! stacked bars, explained by a legend below the table.

use super::cells::fit;
use super::table::{draw_table, Content, TableSpec};
use super::theme;
use crate::app::state::{Screen, Sort};
use crate::app::App;
use crate::columns::{column, Column};
use crate::domain::{ProgressState, Status};
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::Frame;

/// The rank, the chain and the counts the ranking uses are kept whole.
pub const COLUMNS: [Column; 9] = [
    column("#", 2, 0, true, false),
    column("产业链", 8, 0, true, false),
    column("Chain", 10, 6, false, true),
    column("Met", 3, 1, true, false),
    column("Adv", 3, 2, true, false),
    column("Projects", 10, 3, false, true),
    column("Goals", 10, 4, false, true),
    column("Overdue", 3, 5, false, false),
    column("Stalled", 3, 7, false, false),
];

/// Room a bar would like: enough to tell a few segments apart.
const BAR: usize = 22;

/// One letter per status, as the bar and the legend write them.
pub fn status_mark(s: Status) -> char {
    match s {
        Status::Planned => 'P',
        Status::Signed => 'S',
        Status::UnderConstruction => 'U',
        Status::Completed => 'C',
        Status::Operating => 'O',
        Status::Stalled => '!',
        Status::Cancelled => 'X',
    }
}

pub fn state_mark(s: ProgressState) -> char {
    match s {
        ProgressState::Met => 'M',
        ProgressState::OnTrack => 'T',
        ProgressState::AtRisk => 'R',
        ProgressState::Missed => 'X',
        ProgressState::Unreported => 'U',
        ProgressState::NoData => '-',
        ProgressState::Reported => 'D',
    }
}

/// A stacked bar of `parts` (count, mark, style) in `w` columns followed by
/// the total: each part's share of the bar, at least one cell for any
/// non-zero count while there is room. Marks are letters on a coloured
/// background, so the bar reads without colour too (and stays ASCII: block
/// glyphs are double width in some CJK terminals).
pub fn stacked(parts: &[(usize, char, Style)], w: usize, digits: usize) -> Line<'static> {
    let total: usize = parts.iter().map(|p| p.0).sum();
    // Totals right-aligned to `digits`, so the bars line up row to row.
    let label = format!(" {total:>digits$}");
    let room = w.saturating_sub(label.len());
    if total == 0 {
        return fit(vec![Span::styled(format!("{:>w$}", "-"), theme::dim())], w);
    }
    // Largest-remainder shares, then a cell for each non-zero part.
    let mut cells: Vec<usize> = parts.iter().map(|p| p.0 * room / total).collect();
    let mut left = room.saturating_sub(cells.iter().sum());
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse((parts[i].0 * room) % total));
    for &i in &order {
        if left == 0 {
            break;
        }
        if parts[i].0 > 0 {
            cells[i] += 1;
            left -= 1;
        }
    }
    for i in 0..parts.len() {
        if parts[i].0 > 0 && cells[i] == 0 {
            // Borrow from the widest part.
            if let Some(j) = (0..parts.len())
                .max_by_key(|&j| cells[j])
                .filter(|&j| cells[j] > 1)
            {
                cells[j] -= 1;
                cells[i] = 1;
            }
        }
    }
    let mut spans: Vec<Span<'static>> = parts
        .iter()
        .zip(&cells)
        .filter(|(_, &n)| n > 0)
        .map(|((_, mark, style), &n)| {
            let bg = style.fg.unwrap_or(Color::Reset);
            Span::styled(
                mark.to_string().repeat(n),
                Style::new().bg(bg).fg(Color::Black),
            )
        })
        .collect();
    spans.push(Span::raw(label));
    fit(spans, w)
}

fn status_parts(s: &crate::domain::summary::ChainSummary) -> Vec<(usize, char, Style)> {
    Status::ALL
        .iter()
        .map(|&st| (s.status_count(st), status_mark(st), theme::status(st)))
        .collect()
}

fn state_parts(s: &crate::domain::summary::ChainSummary) -> Vec<(usize, char, Style)> {
    ProgressState::ALL
        .iter()
        .map(|&st| (s.state_count(st), state_mark(st), theme::state(st)))
        .collect()
}

/// The two legend rows: every status and state with its mark.
pub fn legend() -> Vec<Line<'static>> {
    let mark = |c: char, style: Style| {
        Span::styled(
            c.to_string(),
            Style::new()
                .bg(style.fg.unwrap_or(Color::Reset))
                .fg(Color::Black),
        )
    };
    let mut projects = vec![Span::styled(" Projects: ", theme::dim())];
    for st in Status::ALL {
        projects.push(mark(status_mark(st), theme::status(st)));
        projects.push(Span::raw(format!(" {} ", st.label_zh())));
    }
    let mut goals = vec![Span::styled(" Goals: ", theme::dim())];
    for st in ProgressState::ALL {
        goals.push(mark(state_mark(st), theme::state(st)));
        goals.push(Span::raw(format!(" {} ", st.label_en())));
    }
    vec![Line::from(projects), Line::from(goals)]
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect, screen: Screen) {
    let tr = &app.tracker;
    let footer = if screen.legend_rows > 0 {
        legend()
    } else {
        Vec::new()
    };
    let ranked = " Chains: ranked by goals met, then projects advancing ";
    let spec = TableSpec {
        title: if app.chains.order.by == Sort::Name {
            " Chains ".into()
        } else {
            ranked.into()
        },
        cols: &COLUMNS,
        sorted: Some((
            if app.chains.order.by == Sort::Name {
                1
            } else {
                0
            },
            app.chains.order.reverse,
        )),
        footer,
    };
    draw_table(frame, app, area, screen, spec, |i| {
        let Some(r) = app.chains.list.rows.get(i) else {
            return Vec::new();
        };
        let Some(c) = tr.chains.get(r.chain) else {
            return Vec::new();
        };
        let s = r.summary.clone();
        let met = s.state_count(ProgressState::Met);
        let (sp, gp) = (status_parts(&s), state_parts(&s));
        let digits = |n: usize| n.to_string().len();
        let (pd, gd) = (
            digits(
                app.chains
                    .list
                    .rows
                    .iter()
                    .map(|r| r.summary.projects)
                    .max()
                    .unwrap_or(0),
            ),
            digits(
                app.chains
                    .list
                    .rows
                    .iter()
                    .map(|r| r.summary.goals)
                    .max()
                    .unwrap_or(0),
            ),
        );
        vec![
            Content::text(r.rank.to_string()),
            Content::text(c.name_zh.clone()),
            Content::text(c.name_en.clone()),
            Content::styled(
                format!("{met}/{}", s.goals),
                theme::state(ProgressState::Met),
            ),
            Content::styled(
                format!("{}/{}", s.advancing, s.projects),
                theme::status(Status::UnderConstruction),
            ),
            Content::Drawn {
                want: BAR,
                draw: Box::new(move |w| stacked(&sp, w, pd)),
            },
            Content::Drawn {
                want: BAR,
                draw: Box::new(move |w| stacked(&gp, w, gd)),
            },
            if s.overdue_milestones > 0 {
                Content::styled(format!("! {}", s.overdue_milestones), theme::overdue())
            } else {
                Content::dim("-")
            },
            if s.stalled > 0 {
                Content::styled(s.stalled.to_string(), theme::status(Status::Stalled))
            } else {
                Content::dim("-")
            },
        ]
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(l: &Line) -> String {
        l.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn stacked_bars_share_the_width_and_show_every_part() {
        let s = Style::new();
        let parts = [(3, 'P', s), (1, 'U', s), (0, 'C', s)];
        assert_eq!(text(&stacked(&parts, 10, 1)), "PPPPPPUU 4");
        // Totals aligned: the bar is one shorter for two digits.
        assert_eq!(text(&stacked(&parts, 10, 2)), "PPPPPUU  4");
        // A small part still gets a cell.
        let parts = [(40, 'P', s), (1, 'U', s)];
        assert_eq!(text(&stacked(&parts, 8, 2)), "PPPPU 41");
        assert_eq!(text(&stacked(&[(0, 'P', s)], 8, 1)), "       -");
        assert_eq!(crate::text::width(&text(&stacked(&parts, 5, 2))), 5);
    }
}
