//! The list views' table: every view gives its columns (by priority, see
//! `crate::columns`) and, for each visible row, the content of every
//! column; the table measures that content, fits the columns to the width
//! (whole numbers, names cut last), marks the sorted column and says in its
//! title which columns are hidden.

use super::cells::{cut_highlighted, highlighted, plain, styled};
use super::theme;
use crate::app::state::Screen;
use crate::app::App;
use crate::columns::{cut_keeping, distinct_cuts, fit, Column, Cut};
use crate::text::width;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};
use ratatui::Frame;

/// What one cell shows, measured before it is cut to its column.
pub enum Content {
    Text {
        text: String,
        style: Style,
        /// Highlighted char indices (filter matches).
        hl: Vec<usize>,
    },
    /// Drawn to whatever width its column gets (a gauge, a bar).
    Drawn {
        want: usize,
        draw: Box<dyn Fn(usize) -> Line<'static>>,
    },
}

impl Content {
    pub fn text(s: impl Into<String>) -> Content {
        Content::styled(s, Style::new())
    }

    pub fn styled(s: impl Into<String>, style: Style) -> Content {
        Content::Text {
            text: s.into(),
            style,
            hl: Vec::new(),
        }
    }

    pub fn highlighted(s: impl Into<String>, hl: &[usize]) -> Content {
        Content::Text {
            text: s.into(),
            style: Style::new(),
            hl: hl.to_vec(),
        }
    }

    pub fn dim(s: impl Into<String>) -> Content {
        Content::styled(s, theme::dim())
    }

    fn want(&self) -> usize {
        match self {
            Content::Text { text, .. } => width(text),
            Content::Drawn { want, .. } => *want,
        }
    }

    /// The text a cell shows, when it is text.
    fn shown_text(&self) -> Option<&str> {
        match self {
            Content::Text { text, .. } => Some(text),
            Content::Drawn { .. } => None,
        }
    }

    fn line(&self, w: usize, cut: Option<Cut>) -> Line<'static> {
        match self {
            Content::Text { text, style, hl } => {
                if let Some(cut) = cut {
                    cut_highlighted(text, hl, *style, cut, w)
                } else if hl.is_empty() {
                    styled(text.clone(), *style, w)
                } else {
                    highlighted(text, hl, *style, w)
                }
            }
            Content::Drawn { draw, .. } => draw(w),
        }
    }
}

/// `title`, with the `?` mark explained when a row in view carries it
/// (`marked`: whether each row in view rests on a note).
pub fn title_with_note_mark(title: &str, mut marked: impl Iterator<Item = bool>) -> String {
    if marked.any(|m| m) {
        format!("{title}(? rests on a note) ")
    } else {
        title.to_string()
    }
}

/// A list view as a table.
pub struct TableSpec<'a> {
    pub title: String,
    pub cols: &'a [Column],
    /// The column the list is sorted by, and whether reversed.
    pub sorted: Option<(usize, bool)>,
    /// Rows below the table kept for a legend.
    pub footer: Vec<Line<'static>>,
}

/// Draws rows `offset..` that fit, each built by `row(list_index)`.
pub fn draw_table(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    screen: Screen,
    spec: TableSpec,
    row: impl Fn(usize) -> Vec<Content>,
) {
    let inner_w = area.width.saturating_sub(2) as usize;
    let (offset, len) = (app.offset(), app.len());
    let end = (offset + screen.body_rows as usize).min(len);
    let cells: Vec<Vec<Content>> = (offset..end).map(&row).collect();
    let headers: Vec<String> = spec
        .cols
        .iter()
        .enumerate()
        .map(|(i, c)| match spec.sorted {
            // ASCII marks: arrows are ambiguous-width in CJK terminals.
            Some((s, rev)) if s == i => format!("{}{}", c.header, if rev { " v" } else { " ^" }),
            _ => c.header.to_string(),
        })
        .collect();
    let wants: Vec<usize> = (0..spec.cols.len())
        .map(|i| {
            cells
                .iter()
                .filter_map(|r| r.get(i).map(Content::want))
                .max()
                .unwrap_or(0)
                .max(width(&headers[i]))
        })
        .collect();
    let fitted = fit(inner_w, spec.cols, &wants, 1, spec.sorted.map(|s| s.0));
    let note = fitted.hidden_note(spec.cols);
    let title = if note.is_empty() {
        spec.title
    } else {
        let full = format!("{} ({note}) ", spec.title.trim_end());
        if width(&full) <= inner_w {
            full
        } else {
            // Too narrow to name them: at least say how many.
            format!(
                "{} ({} hidden) ",
                spec.title.trim_end(),
                fitted.hidden.len()
            )
        }
    };
    let block = Block::bordered().title(plain(title, inner_w));
    let header = Row::new(fitted.shown.iter().map(|&(i, w)| {
        let h = &headers[i];
        // A cut header keeps its sort mark.
        Cell::from(match spec.sorted {
            Some((s, _)) if s == i && width(h) > w => plain(cut_keeping(h, w, 2).apply(h), w),
            _ => plain(h.clone(), w),
        })
    }))
    .style(theme::header());
    // Per shown column, how each visible cell too wide for it is cut: two
    // different texts never alike.
    let cuts: Vec<Vec<Option<Cut>>> = fitted
        .shown
        .iter()
        .map(|&(i, w)| {
            let texts: Vec<&str> = cells
                .iter()
                .map(|r| r.get(i).and_then(Content::shown_text).unwrap_or(""))
                .collect();
            distinct_cuts(&texts, w)
        })
        .collect();
    let rows: Vec<Row> = cells
        .iter()
        .enumerate()
        .map(|(k, r)| {
            Row::new(fitted.shown.iter().zip(&cuts).map(|(&(i, w), cut)| {
                Cell::from(r.get(i).map_or_else(Line::default, |c| c.line(w, cut[k])))
            }))
        })
        .collect();
    let widths: Vec<Constraint> = fitted
        .shown
        .iter()
        .map(|&(_, w)| Constraint::Length(w as u16))
        .collect();
    let table_area = Rect {
        height: area.height.saturating_sub(spec.footer.len() as u16),
        ..area
    };
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme::selected());
    // Rows are already windowed by the app's offset, so the table's own
    // state only carries the selection within the window.
    let mut state = TableState::default()
        .with_selected((len > 0).then(|| app.selected().saturating_sub(offset)));
    frame.render_stateful_widget(table, table_area, &mut state);
    if !spec.footer.is_empty() {
        let foot = Rect {
            y: table_area.y + table_area.height,
            height: spec.footer.len() as u16,
            ..area
        };
        let lines: Vec<Line> = spec
            .footer
            .into_iter()
            .map(|l| super::cells::fit(l.spans, area.width as usize))
            .collect();
        frame.render_widget(Paragraph::new(lines), foot);
    }
    if len == 0 && area.height > 3 {
        let msg = if app.query.is_empty() && !app.attention {
            "nothing here yet"
        } else {
            "no matches: Esc clears the filter, ! shows all"
        };
        let r = Rect {
            x: area.x + 1,
            y: area.y + 2,
            width: inner_w as u16,
            height: 1,
        };
        frame.render_widget(Paragraph::new(plain(msg, inner_w)).style(theme::dim()), r);
    }
}
