//! The Sources view: one row per report, newest first, with how many
//! records cite it. Enter opens the reader.

use super::table::{draw_table, Content, TableSpec};
use crate::app::state::Screen;
use crate::app::App;
use crate::columns::{column, Column};
use crate::domain::labels::count;
use ratatui::layout::Rect;
use ratatui::Frame;

pub const COLUMNS: [Column; 5] = [
    column("Published", 9, 1, true, false),
    column("Title", 12, 0, true, true),
    column("Outlet", 8, 3, false, true),
    column("Cited by", 8, 2, true, false),
    column("Id", 6, 4, false, false),
];

pub fn draw(frame: &mut Frame, app: &App, area: Rect, screen: Screen) {
    let t = &app.tracker;
    let spec = TableSpec {
        title: " Sources: Enter reads the report ".into(),
        cols: &COLUMNS,
        sorted: None,
        footer: Vec::new(),
    };
    draw_table(frame, app, area, screen, spec, |i| {
        let Some(row) = app.sources.list.rows.get(i) else {
            return Vec::new();
        };
        let Some(s) = t.sources.get(row.source) else {
            return Vec::new();
        };
        vec![
            Content::text(s.published.to_string()),
            Content::text(s.title.clone()),
            Content::dim(s.outlet.clone().unwrap_or_else(|| "-".into())),
            Content::text(count(row.cited_by, "record")),
            Content::dim(s.id.clone()),
        ]
    });
}
