//! Editing overlays: the status picker, the one-line prompt (a goal's value
//! or a note) shown at the selected row, and the conflict popup comparing
//! our version of a record with the one in the file.

use super::cells::{fit, plain, styled};
use super::{centered, theme};
use crate::app::state::{Confirm, Conflict, Prompt, PromptKind, StatusPick};
use crate::app::App;
use crate::domain::edit::Record;
use crate::domain::{format_number, Status};
use crate::text::pad;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

pub fn draw_status_picker(frame: &mut Frame, app: &App, pick: &StatusPick, area: Rect) {
    let name = app
        .tracker
        .project(&pick.project)
        .map_or(pick.project.as_str(), |p| p.name_zh.as_str());
    let popup = centered(area, 46, Status::ALL.len() as u16 + 2);
    if popup.width < 3 || popup.height < 3 {
        return;
    }
    let inner_w = popup.width.saturating_sub(2) as usize;
    let inner_h = popup.height.saturating_sub(2) as usize;
    // Keep the highlighted status in view when the popup is cut short.
    let start = pick.selected.saturating_sub(inner_h.saturating_sub(1));
    let lines: Vec<Line> = Status::ALL
        .iter()
        .enumerate()
        .skip(start)
        .take(inner_h)
        .map(|(i, &s)| {
            let mark = if s == pick.current { "*" } else { " " };
            let now = if s == pick.current { "  (now)" } else { "" };
            let text = format!("{mark} {} {}{now}", pad(s.label_zh(), 7), s.label_en());
            let style = if i == pick.selected {
                theme::selected()
            } else {
                theme::status(s)
            };
            Line::from(plain(pad(&text, inner_w), inner_w).spans).style(style)
        })
        .collect();
    let block = Block::bordered()
        .title(plain(format!(" Status of {name} "), inner_w))
        .title_bottom(plain(" Enter choose  Esc keep ", inner_w));
    super::clear_popup(frame, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// Where the prompt goes: just below the selected row of the list (above it
/// near the bottom), so the value is edited where it is shown; centred when
/// the edit started from the details.
fn prompt_rect(app: &App, p: &Prompt, area: Rect, h: u16) -> Rect {
    let w = area.width.saturating_sub(2).min(80);
    let screen = app.screen_in(area.width, area.height);
    if let (None, Some(screen)) = (p.over, screen) {
        let row = screen.body_top as usize + app.selected().saturating_sub(app.offset());
        let row = row.min(u16::MAX as usize) as u16;
        let bottom = area.height.saturating_sub(1); // the status bar
        let y = if row + 1 + h <= bottom {
            row + 1
        } else if row > h {
            row - h
        } else {
            bottom.saturating_sub(h)
        };
        return Rect {
            x: area.x + 1,
            y: area.y + y,
            width: w,
            height: h.min(area.height),
        };
    }
    centered(area, w, h)
}

pub fn draw_prompt(frame: &mut Frame, app: &App, p: &Prompt, area: Rect) {
    let t = &app.tracker;
    let (title, label, unit, hint) = match &p.kind {
        PromptKind::Value { target } => {
            let g = t.target(target);
            let unit = g.map_or(String::new(), |g| g.unit.clone());
            let goal = g.map_or(String::new(), |g| {
                format!("goal {}  ", super::goals::target_label(g))
            });
            (
                format!(
                    " New value: {} ",
                    g.map_or(target.as_str(), |g| g.metric_zh.as_str())
                ),
                "value",
                unit.clone(),
                format!(
                    "{goal}numbers only, in {unit}, as of {}; added beside the values recorded  Enter next  Esc cancel",
                    app.today
                ),
            )
        }
        PromptKind::ConflictValue { id, field } => (
            format!(" {id}: {field}, a value of your own "),
            "value",
            String::new(),
            "typed as `edit` takes it; saved as the settled value  Enter saves  Esc back"
                .to_string(),
        ),
        PromptKind::StatusNote { project, status } => {
            let pr = t.project(project);
            let from = pr.map_or("", |p| p.status.label_zh());
            (
                format!(
                    " {}: {from} -> {} ",
                    pr.map_or(project.as_str(), |p| p.name_zh.as_str()),
                    status.label_zh()
                ),
                "note",
                String::new(),
                format!(
                    "optional note for the history of {}  Enter saves (empty: none)  Esc cancel",
                    app.today
                ),
            )
        }
        PromptKind::ActualDate { target, value } => {
            let g = t.target(target);
            (
                format!(
                    " {}: {}{} ",
                    g.map_or(target.as_str(), |g| g.metric_zh.as_str()),
                    format_number(*value),
                    g.map_or("", |g| g.unit.as_str()),
                ),
                "as of",
                String::new(),
                "the date the value is for: 2024, 2024-12 or 2024-12-31 (not after today)  Enter next  Esc cancel"
                    .to_string(),
            )
        }
        PromptKind::ActualNote {
            target,
            value,
            date,
        } => {
            let g = t.target(target);
            (
                format!(
                    " {}: {}{} as of {date} ",
                    g.map_or(target.as_str(), |g| g.metric_zh.as_str()),
                    format_number(*value),
                    g.map_or("", |g| g.unit.as_str()),
                ),
                "note",
                String::new(),
                "optional note  Enter saves (empty: none)  Esc cancel".to_string(),
            )
        }
        PromptKind::MarkDate { project } => (
            format!(
                " Next milestone of {} reached ",
                t.project(project)
                    .map_or(project.as_str(), |p| p.name_zh.as_str())
            ),
            "reached",
            String::new(),
            "when: 2024, 2024-12 or 2024-12-31 (not after today)  Enter next  Esc cancel"
                .to_string(),
        ),
        PromptKind::Reason { id, entry } => (
            format!(" Retract {} of {id} ", entry.label()),
            "why",
            String::new(),
            "the reason, kept in the file with the entry  Enter retracts (u undoes)  Esc keeps it"
                .to_string(),
        ),
    };
    let rect = prompt_rect(app, p, area, 4);
    if rect.width < 3 || rect.height < 3 {
        return;
    }
    let inner_w = rect.width.saturating_sub(2) as usize;
    let lead = format!("{label}: ");
    // Show the end of a long entry: that is where typing happens.
    let room = inner_w
        .saturating_sub(crate::text::width(&lead) + crate::text::width(&unit) + 2)
        .max(1);
    let shown = super::tail(&crate::text::shown_str(&p.text), room);
    let text_style = if p.fresh {
        theme::selected()
    } else {
        Style::new().add_modifier(Modifier::BOLD)
    };
    let mut input = vec![
        Span::raw(lead.clone()),
        Span::styled(shown.clone(), text_style),
    ];
    if !unit.is_empty() {
        input.push(Span::styled(format!(" {unit}"), theme::dim()));
    }
    let second = match &p.error {
        Some(e) => styled(e.clone(), theme::overdue(), inner_w),
        None => styled(hint, theme::dim(), inner_w),
    };
    let lines = vec![fit(input, inner_w), second];
    let block = Block::bordered().title(plain(title, inner_w));
    super::clear_popup(frame, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
    let cx = crate::text::width(&lead) + crate::text::width(&shown);
    let cx = (cx as u16).min(rect.width.saturating_sub(3));
    if rect.height > 2 {
        frame.set_cursor_position((rect.x + 1 + cx, rect.y + 1));
    }
}

/// The milestone question: what `m` will record, and the keys to answer.
pub fn draw_confirm(frame: &mut Frame, c: &Confirm, area: Rect) {
    let w = area.width.saturating_sub(2).min(80);
    let inner_w = w.saturating_sub(2) as usize;
    let keys = if c.offers_status {
        "y/Enter yes, set the status too   n milestone only   Esc cancel"
    } else {
        "y/Enter record it   Esc cancel"
    };
    let mut lines: Vec<Line> = crate::ui::cells::wrap(Line::raw(c.question.clone()), inner_w);
    lines.push(styled(keys, theme::dim(), inner_w));
    let h = (lines.len() as u16 + 2).min(area.height);
    let rect = super::centered(area, w, h);
    if rect.width < 3 || rect.height < 3 {
        return;
    }
    let block = Block::bordered().title(plain(" Mark milestone reached ", inner_w));
    super::clear_popup(frame, rect);
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

/// The fields that tell two versions of a record apart, one per line.
pub fn record_lines(r: Option<&Record>) -> Vec<String> {
    match r {
        None | Some(Record::Absent(_)) => vec!["(no longer in the file)".into()],
        Some(Record::Chain(c)) => vec![
            format!("name    {} {}", c.name_zh, c.name_en),
            format!("aliases {}", c.aliases.join(", ")),
        ],
        Some(Record::Area(a)) => vec![
            format!("name    {} {}", a.name_zh, a.name_en),
            format!("aliases {}", a.aliases.join(", ")),
        ],
        Some(Record::Source(s)) => vec![
            format!("title   {}", s.title),
            format!("file    seeds/{}", s.file),
            format!("published {}", s.published),
        ],
        Some(Record::Project(p)) => {
            let mut v = vec![format!("status  {} {}", p.status.label_zh(), p.status.id())];
            let reached = p
                .milestones
                .iter()
                .filter(|m| m.reached_on().is_some())
                .count();
            if !p.milestones.is_empty() {
                v.push(format!(
                    "milestones reached {reached}/{}",
                    p.milestones.len()
                ));
            }
            v.push(format!(
                "history ({}), newest first:",
                crate::domain::labels::count(p.history.len(), "entry")
            ));
            let mut hist: Vec<_> = p.history.iter().collect();
            // Newest first: when the popup is short, the oldest are cut.
            hist.sort_by_key(|h| std::cmp::Reverse(h.date));
            for h in hist.into_iter().take(3) {
                let s = h
                    .status
                    .map_or(String::new(), |s| format!("{} ", s.label_zh()));
                v.push(format!("  {} {s}{}", h.date, h.note));
            }
            v
        }
        Some(Record::Target(t)) => match t.observations.last() {
            None => vec!["values  -".into()],
            Some(a) => vec![
                format!("values  {}, newest:", t.observations.len()),
                format!("value   {}{}", format_number(a.value), t.unit),
                format!("as of   {}", a.date),
                format!(
                    "from    {}",
                    a.source.as_deref().or(a.note.as_deref()).unwrap_or("-")
                ),
            ],
        },
    }
}

pub fn draw_conflict(frame: &mut Frame, app: &App, conflict: &Conflict, area: Rect) {
    let Some(p) = &app.pending else {
        return;
    };
    let c = &conflict.state;
    let ours = record_lines(Some(&p.change.after));
    let theirs = record_lines(c.theirs.as_deref());
    let id = p.change.after.id();
    let side_by_side = area.width >= 64;
    // Lines inside the border: the intro, headings, both versions, the keys.
    let body = if side_by_side {
        ours.len().max(theirs.len()) + 5
    } else {
        ours.len() + theirs.len() + 3
    };
    let popup = centered(area, 104, (body + 2).min(200) as u16);
    if popup.width < 3 || popup.height < 3 {
        return;
    }
    let inner_w = popup.width.saturating_sub(2) as usize;
    let inner_h = popup.height.saturating_sub(2) as usize;
    let changed = theme::heading();
    let mut lines = vec![plain(format!("{id} was changed in the file too:"), inner_w)];
    let tone = |i: usize, mine: &[String], other: &[String]| {
        if mine.get(i) == other.get(i) {
            Style::new()
        } else {
            changed
        }
    };
    if side_by_side {
        lines.push(Line::raw(""));
        let col = inner_w.saturating_sub(3) / 2;
        lines.push(fit(
            vec![
                Span::styled(pad("Mine (not saved)", col), theme::header()),
                Span::raw(" | "),
                Span::styled("In the file", theme::header()),
            ],
            inner_w,
        ));
        for i in 0..ours.len().max(theirs.len()) {
            let a = ours.get(i).map_or("", String::as_str);
            let b = theirs.get(i).map_or("", String::as_str);
            lines.push(fit(
                vec![
                    Span::styled(pad(a, col), tone(i, &ours, &theirs)),
                    Span::raw(" | "),
                    Span::styled(b.to_string(), tone(i, &theirs, &ours)),
                ],
                inner_w,
            ));
        }
        lines.push(Line::raw(""));
        lines.push(plain(
            "m keep mine   t take theirs   Esc decide later (mine stays, unsaved)",
            inner_w,
        ));
    } else {
        // Narrow: one version above the other, each given half the room
        // (its first lines, the status or value, matter most).
        let half = inner_h.saturating_sub(1) / 2;
        for (title, mine, other) in [
            ("Mine (not saved):", &ours, &theirs),
            ("In the file:", &theirs, &ours),
        ] {
            lines.push(styled(title, theme::header(), inner_w));
            for (i, l) in mine.iter().enumerate().take(half.saturating_sub(1)) {
                lines.push(styled(l.clone(), tone(i, mine, other), inner_w));
            }
        }
    }
    let mut block = Block::bordered().title(plain(" Changed on disk meanwhile ", inner_w));
    if !side_by_side {
        // On the border the choices stay visible however short the popup.
        block = block.title_bottom(plain(" m mine  t theirs  Esc later ", inner_w));
    }
    super::clear_popup(frame, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
