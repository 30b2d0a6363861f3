//! The Projects view: one row per project, matches highlighted.

use super::table::{draw_table, title_with_note_mark, Content, TableSpec};
use super::theme;
use crate::app::state::{Screen, Sort};
use crate::app::App;
use crate::columns::{column, Column, PROJECT_NAME};
use crate::domain::labels::next_due;
use ratatui::layout::Rect;
use ratatui::Frame;

/// Identity (the Chinese name), the status and the next milestone (what
/// is due is why people open this view) are kept; the chain and the area
/// (short) come before the English name, and before a long milestone text
/// takes more than its ample share (`columns::AMPLE`); the rest shrink,
/// then drop, from the bottom of this priority order.
pub const COLUMNS: [Column; 6] = [
    column("名称", 10, 0, true, true).ample(PROJECT_NAME),
    column("Name", 16, 5, false, true),
    column("Chain", 8, 3, false, false),
    column("Area", 6, 4, false, false),
    column("Status", 6, 1, true, false),
    column("Next milestone", 10, 2, true, true),
];

/// The column a sort orders by, to mark it.
fn sorted_column(sort: Sort) -> usize {
    match sort {
        Sort::Relevance | Sort::Name => 0,
        Sort::Chain => 2,
        Sort::Area => 3,
        Sort::Status => 4,
        Sort::NextDue => 5,
    }
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect, screen: Screen) {
    let t = &app.tracker;
    let order = app.projects.order;
    let title = if app.attention {
        " Projects: needing attention (stalled, overdue or slipped milestones) "
    } else {
        " Projects "
    };
    // The mark explained, when a row shown carries it.
    let in_view = app
        .projects
        .list
        .rows
        .iter()
        .skip(app.pos(crate::app::View::Projects).offset)
        .take(screen.body_rows as usize);
    let title = title_with_note_mark(
        title,
        in_view.map(|h| t.projects.get(h.index).is_some_and(|p| p.rests_on_note())),
    );
    let spec = TableSpec {
        title,
        cols: &COLUMNS,
        sorted: (order.by != Sort::Relevance).then(|| (sorted_column(order.by), order.reverse)),
        footer: Vec::new(),
    };
    draw_table(frame, app, area, screen, spec, |i| {
        let Some(hit) = app.projects.list.rows.get(i) else {
            return Vec::new();
        };
        let Some(p) = t.projects.get(hit.index) else {
            return Vec::new();
        };
        let depth = app.projects.tree_depth(hit.index);
        // A project resting on a note is marked before its name.
        let mark = if p.rests_on_note() {
            crate::domain::labels::NOTE_MARK
        } else {
            ""
        };
        let indent = format!("{}{mark}", "  ".repeat(depth));
        // Highlight indices are chars of the name: shift them past the indent
        // and the mark.
        let shift = indent.chars().count();
        let hl_zh: Vec<usize> = hit.hl_zh.iter().map(|i| i + shift).collect();
        vec![
            Content::highlighted(format!("{indent}{}", p.name_zh), &hl_zh),
            Content::highlighted(p.name_en.clone(), &hit.hl_en),
            Content::text(
                t.chain(&p.chain)
                    .map_or(p.chain.as_str(), |c| c.name_zh.as_str()),
            ),
            Content::text(
                p.area
                    .as_deref()
                    .map(|a| t.area(a).map_or(a, |x| x.name_zh.as_str()))
                    .unwrap_or("-"),
            ),
            Content::styled(
                app.projects.status_label(t, hit.index),
                theme::status(p.status),
            ),
            match next_due(p, app.today) {
                Some((label, true)) => Content::styled(format!("! {label}"), theme::overdue()),
                Some((label, false)) => Content::text(label),
                None => Content::dim("-"),
            },
        ]
    });
}
