//! The detail popup: every field of a project or goal, its dated history,
//! milestones, figures and the source quotes with the report's title and date.

use super::cells::{plain, wrap};
use super::{goals::target_label, theme};
use crate::app::state::Detail;
use crate::app::{App, Drawn, View};
use crate::domain::correct::Entry;
use crate::domain::labels::by_label;
use crate::domain::labels::{count, percent_label, MilestoneState};
use crate::domain::{format_number, Noted, Project, Retraction, Target, Tracker};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

/// What the entries look like here: the one selected, and whether the
/// retracted ones are shown.
struct Marks {
    selected: Option<Entry>,
    all: bool,
    /// The line (before wrapping) of the selected entry, once drawn.
    at: Option<usize>,
}

impl Marks {
    /// Adds the line of `entry` (retracted by `r`) to `v`, or nothing
    /// when it is retracted and those are hidden. Returns whether shown.
    fn push(
        &mut self,
        v: &mut Vec<Line<'static>>,
        entry: Entry,
        r: Option<&Retraction>,
        line: Line<'static>,
    ) -> bool {
        if r.is_some() && !self.all {
            return false;
        }
        let mut line = line;
        if let Some(r) = r {
            line = line.style(theme::dim().add_modifier(Modifier::CROSSED_OUT));
            line.spans.push(Span::styled(
                format!(
                    "  [retracted {}{}: {}]",
                    r.date,
                    crate::domain::labels::by_inline(r.by.as_deref()),
                    r.reason
                ),
                theme::dim(),
            ));
        }
        if self.selected == Some(entry) {
            self.at = Some(v.len());
            line = line.patch_style(Style::new().add_modifier(Modifier::REVERSED));
        }
        v.push(line);
        true
    }
}

/// Draws the details of the selected record scrolled by `d.scroll` rows
/// (brought to the selected entry when it just moved) and reports how
/// far they can scroll, how many rows a page shows and the scroll drawn.
pub fn draw(frame: &mut Frame, app: &App, area: Rect, d: Detail) -> Drawn {
    let selected = d.cursor.and_then(|c| {
        crate::app::records::detail_entries(app, d.all).and_then(|(_, v)| v.get(c).map(|e| e.entry))
    });
    let mut marks = Marks {
        selected,
        all: d.all,
        at: None,
    };
    let (title, lines) = match app.view {
        View::Projects => match app
            .selected_project()
            .and_then(|i| app.tracker.projects.get(i))
        {
            Some(p) => (
                p.name_zh.clone(),
                project_lines(&app.tracker, p, app, &mut marks),
            ),
            None => return Drawn::default(),
        },
        View::Goals => match app
            .selected_goal()
            .and_then(|i| app.tracker.targets.get(i).map(|t| (i, t)))
        {
            Some((i, t)) => (
                t.metric_zh.clone(),
                goal_lines(&app.tracker, t, i, app, &mut marks),
            ),
            None => return Drawn::default(),
        },
        View::Chains | View::Sources => return Drawn::default(),
    };
    // Cover the list, leaving the tab row and the status bar visible.
    let popup = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(2),
        ..area
    };
    let inner_w = popup.width.saturating_sub(2) as usize;
    let block = Block::bordered()
        .title(plain(format!(" {title} "), inner_w))
        .title_bottom(plain(
            " Esc back  j/k scroll  Tab select  x retract  A all ",
            inner_w,
        ));
    // A goal with values over time gets its chart along the bottom, when
    // the popup is tall enough to keep the text readable above it.
    let plot = match app.view {
        View::Goals => app
            .selected_goal()
            .and_then(|i| app.tracker.targets.get(i))
            .and_then(|g| super::chart::plot(&app.tracker, g, app.today)),
        _ => None,
    };
    let chart_h = match &plot {
        Some(_) if popup.height >= 20 => (popup.height / 2).min(14),
        _ => 0,
    };
    let (popup, chart_area) = (
        Rect {
            height: popup.height - chart_h,
            ..popup
        },
        Rect {
            y: popup.y + popup.height - chart_h,
            height: chart_h,
            ..popup
        },
    );
    let inner_h = popup.height.saturating_sub(2);
    // Wrap here, where the width is known, so the scroll can be clamped
    // to the real height; only the rows on screen are handed to ratatui.
    let mut rows: Vec<Line> = Vec::new();
    let mut selected_row = None;
    for (i, l) in lines.into_iter().enumerate() {
        if marks.at == Some(i) {
            selected_row = Some(rows.len());
        }
        rows.extend(wrap(l, inner_w));
    }
    let max_scroll = rows.len().saturating_sub(inner_h as usize);
    let h = (inner_h as usize).max(1);
    // The entry just selected is brought into view, a row of context above.
    let revealed = match (d.reveal, selected_row) {
        (true, Some(r)) if r < d.scroll || r >= d.scroll + h => Some(r.saturating_sub(1)),
        _ => None,
    };
    let scroll = revealed.unwrap_or(d.scroll).min(max_scroll);
    let shown: Vec<Line> = rows
        .into_iter()
        .skip(scroll)
        .take(inner_h as usize)
        .collect();
    super::clear_popup(frame, popup);
    frame.render_widget(Paragraph::new(shown).block(block), popup);
    if let (Some(p), true) = (&plot, chart_h > 0) {
        super::clear_popup(frame, chart_area);
        frame.render_widget(super::chart::widget(p), chart_area);
    }
    Drawn {
        max_scroll: Some(max_scroll),
        page: Some((inner_h as usize).max(1)),
        scroll: d.reveal.then_some(scroll),
    }
}

/// What a record resting on a note rests on: the person's words, who and
/// when, said as such.
fn noted_lines(n: &Noted, cited: bool) -> Vec<Line<'static>> {
    let head = if cited {
        "    first entered from a note"
    } else {
        "    rests on a note (no report cited yet)"
    };
    vec![
        Line::styled(
            format!(
                "{head}: {}{}",
                n.date,
                crate::domain::labels::by_inline(n.by.as_deref())
            ),
            theme::dim(),
        ),
        Line::styled(format!("    「{}」", n.note), theme::dim()),
    ]
}

fn heading(s: &str) -> Line<'static> {
    Line::styled(s.to_string(), theme::heading())
}

fn field(label: &str, value: impl Into<String>) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<10}"), theme::dim()),
        Span::raw(value.into()),
    ])
}

/// A quote with the title and date of the report it comes from.
fn quote(t: &Tracker, source: &str, quote: &str) -> Vec<Line<'static>> {
    let cite = match t.source(source) {
        Some(s) => format!("    {} ({}, {})", s.title, s.published, s.id),
        None => format!("    {source}"),
    };
    vec![
        Line::styled(
            format!("    「{quote}」"),
            Style::new().add_modifier(Modifier::ITALIC),
        ),
        Line::styled(cite, theme::dim()),
    ]
}

fn names(t: &Tracker, chain: &str, area: Option<&str>) -> (String, String) {
    let c = t.chain(chain).map_or(chain.to_string(), |c| {
        format!("{} {} ({})", c.name_zh, c.name_en, c.id)
    });
    let a = area.map_or("-".to_string(), |a| {
        t.area(a).map_or(a.to_string(), |x| {
            format!("{} {} ({})", x.name_zh, x.name_en, x.id)
        })
    });
    (c, a)
}

fn project_lines(t: &Tracker, p: &Project, app: &App, marks: &mut Marks) -> Vec<Line<'static>> {
    let (chain, area) = names(t, &p.chain, p.area.as_deref());
    let mut v = vec![
        Line::styled(p.name_zh.clone(), Style::new().add_modifier(Modifier::BOLD)),
        Line::raw(p.name_en.clone()),
        Line::raw(""),
        field("Id", p.id.clone()),
        field("Chain", chain),
        field("Area", area),
        Line::from(vec![
            Span::styled(format!("{:<10}", "Status"), theme::dim()),
            Span::styled(
                format!("{} {}", p.status.label_zh(), p.status.label_en()),
                theme::status(p.status),
            ),
        ]),
    ];
    if let Some(parent) = &p.parent {
        let name = t
            .project(parent)
            .map_or(parent.clone(), |x| format!("{} ({parent})", x.name_zh));
        v.push(field("Part of", name));
    }
    if let Some(i) = t.projects.iter().position(|x| x.id == p.id) {
        let parts = app.projects.parts.get(i).map_or(&[][..], Vec::as_slice);
        if !parts.is_empty() {
            v.push(field("Parts", app.projects.parts_summary(&app.tracker, i)));
            for &j in parts {
                if let Some(q) = t.projects.get(j) {
                    v.push(Line::from(vec![
                        Span::raw(format!("          {} ", q.name_zh)),
                        Span::styled(q.status.label_zh(), theme::status(q.status)),
                    ]));
                }
            }
        }
    }
    if !p.aliases.is_empty() {
        v.push(field("Aliases", p.aliases.join(", ")));
    }
    if let Some(n) = p.note.as_deref().filter(|n| !n.is_empty()) {
        v.push(field("Note", n.to_string()));
    }
    if !p.history.is_empty() {
        v.push(Line::raw(""));
        v.push(heading("History"));
        let mut hist: Vec<_> = p.history.iter().enumerate().collect();
        hist.sort_by_key(|(_, h)| h.date);
        for (i, h) in hist {
            let status = h
                .status
                .map_or(String::new(), |s| format!("{}  ", s.label_zh()));
            // The date and status as a label: a long note hangs under itself.
            let line = Line::from(vec![
                Span::raw(format!("  {}  {status}", h.date)),
                Span::raw(h.note.clone()),
                Span::styled(by_label(h.by.as_deref()), theme::dim()),
            ]);
            if !marks.push(&mut v, Entry::History(i), h.retracted.as_deref(), line) {
                continue;
            }
            if let (Some(s), Some(q)) = (&h.source, &h.quote) {
                v.extend(quote(t, s, q));
            }
        }
    }
    if !p.milestones.is_empty() {
        v.push(Line::raw(""));
        v.push(heading("Milestones"));
        for (i, m) in p.milestones.iter().enumerate() {
            let state = MilestoneState::of(p, m, app.today);
            let style = match state {
                MilestoneState::Reached(_) => theme::status(crate::domain::Status::Completed),
                MilestoneState::Overdue => theme::overdue(),
                MilestoneState::ReachedByStatus => theme::dim(),
                MilestoneState::Open => Style::new(),
            };
            let mark = state.label();
            let line = Line::from(vec![
                Span::raw(format!(
                    "  due {}  expect {}  {}  ",
                    m.due,
                    m.expect.label_en(),
                    m.text
                )),
                Span::styled(format!("[{mark}]"), style),
                Span::styled(by_label(m.by.as_deref()), theme::dim()),
            ]);
            if !marks.push(&mut v, Entry::Milestone(i), m.retracted.as_deref(), line) {
                continue;
            }
            match (&m.source, &m.quote) {
                (Some(s), Some(q)) => v.extend(quote(t, s, q)),
                _ => {
                    if let Some(n) = &m.note {
                        v.push(Line::styled(format!("    note: {n}"), theme::dim()));
                    }
                }
            }
            // A mark a person made is an entry of its own (it can be taken back).
            if let Some(r) = m.reached {
                let line = Line::styled(
                    format!(
                        "    marked reached {r}{}",
                        by_label(m.reached_by.as_deref())
                    ),
                    theme::dim(),
                );
                marks.push(&mut v, Entry::Mark(i), m.mark_retracted.as_deref(), line);
            }
            // A promise moved later says so, with where each date came from.
            if let Some(slip) = m.slip_label() {
                v.push(Line::styled(format!("    {slip}"), theme::overdue()));
            }
            if !m.slipped_from.is_empty() {
                for (k, sl) in m.slipped_from.iter().enumerate() {
                    let line = Line::raw(format!(
                        "    was due {}{}",
                        sl.due,
                        by_label(sl.by.as_deref())
                    ));
                    if !marks.push(&mut v, Entry::Slip(i, k), sl.retracted.as_deref(), line) {
                        continue;
                    }
                    match (&sl.source, &sl.quote) {
                        (Some(src), Some(q)) => v.extend(quote(t, src, q)),
                        _ => {
                            if let Some(n) = &sl.note {
                                v.push(Line::styled(format!("      note: {n}"), theme::dim()));
                            }
                        }
                    }
                }
            }
        }
    }
    if !p.figures.is_empty() {
        v.push(Line::raw(""));
        v.push(heading("Figures"));
        for f in &p.figures {
            v.push(Line::raw(format!(
                "  {} {}  {}",
                format_number(f.value),
                f.unit,
                f.measures
            )));
            v.extend(quote(t, &f.source, &f.quote));
        }
    }
    v.push(Line::raw(""));
    v.push(heading("Sources"));
    for e in &p.sources {
        v.extend(quote(t, &e.source, &e.quote));
    }
    if let Some(n) = &p.noted {
        v.extend(noted_lines(n, !p.sources.is_empty()));
    }
    v
}

fn goal_lines(
    t: &Tracker,
    g: &Target,
    index: usize,
    app: &App,
    marks: &mut Marks,
) -> Vec<Line<'static>> {
    let (chain, area) = names(t, &g.chain, g.area.as_deref());
    let mut v = vec![
        Line::styled(
            g.metric_zh.clone(),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Line::raw(g.metric_en.clone()),
        Line::raw(""),
        field("Id", g.id.clone()),
        field("Chain", chain),
        field("Area", area),
        field("Period", g.period.label()),
        field("Target", target_label(g)),
    ];
    if let Some(pr) = app.goals.progress.get(index) {
        let pct = pr.percent.map_or(String::new(), |p| {
            format!("  {} of the way", percent_label(p))
        });
        // Pace is judged at the value's own date, so the expectation shown
        // is the one for that date.
        let by = pr.as_of.map_or("now".to_string(), |d| d.to_string());
        let expected = pr.expected.map_or(String::new(), |e| {
            format!(
                "  (expected by {by}: {})",
                format_number((e * 10.0).round() / 10.0)
            )
        });
        v.push(Line::from(vec![
            Span::styled(format!("{:<10}", "State"), theme::dim()),
            Span::styled(
                format!("{} {}{pct}", pr.state.label_en(), pr.state.label_zh()),
                theme::state(pr.state),
            ),
            Span::raw(expected),
        ]));
        if g.target.is_some() {
            v.push(Line::from(vec![
                Span::styled(format!("{:<10}", "Progress"), theme::dim()),
                Span::styled(
                    format!(
                        "{} {}",
                        super::goals::gauge(pr.percent, 22),
                        super::goals::percent_label(pr.percent)
                    ),
                    theme::state(pr.state),
                ),
            ]));
        }
        let days = if pr.days_left >= 0 {
            format!("{} left", count(pr.days_left as usize, "day"))
        } else {
            format!(
                "ended {} ago",
                count(pr.days_left.unsigned_abs() as usize, "day")
            )
        };
        v.push(field("Time", days));
        if let Some(age) = pr.age_label() {
            let interim = if pr.interim {
                "; interim: the period ended after it"
            } else {
                ""
            };
            v.push(field("Value", format!("{age}{interim}")));
        }
    }
    if let Some(b) = &g.baseline {
        v.push(Line::raw(""));
        v.push(heading("Baseline"));
        v.push(Line::raw(format!(
            "  {}{} as of {}",
            format_number(b.value),
            g.unit,
            b.date
        )));
        if let (Some(s), Some(q)) = (&b.source, &b.quote) {
            v.extend(quote(t, s, q));
        }
    }
    v.push(Line::raw(""));
    v.push(heading("Observations (newest first)"));
    if g.observations.is_empty() {
        v.push(Line::styled("  not reported yet", theme::dim()));
    }
    let judged = app.goals.progress.get(index).and_then(|pr| pr.as_of);
    let mut marked = false;
    for (i, o) in g.observations.iter().enumerate().rev() {
        let tag = if o.retracted.is_some() {
            ""
        } else if o.is_future(app.today) {
            "  (after today: ignored)"
        } else if !marked && judged == Some(o.date) {
            marked = true;
            "  (current)"
        } else {
            ""
        };
        let line = Line::raw(format!(
            "  {}  {}{}{tag}{}",
            o.date,
            format_number(o.value),
            g.unit,
            by_label(o.by.as_deref())
        ));
        if !marks.push(&mut v, Entry::Observation(i), o.retracted.as_deref(), line) {
            continue;
        }
        match (&o.source, &o.quote) {
            (Some(s), Some(q)) => v.extend(quote(t, s, q)),
            _ => {
                if let Some(n) = o.note.as_deref().filter(|n| !n.is_empty()) {
                    v.push(Line::styled(format!("    note: {n}"), theme::dim()));
                }
            }
        }
    }
    if let Some(n) = g.note.as_deref().filter(|n| !n.is_empty()) {
        v.push(field("Note", n.to_string()));
    }
    v.push(Line::raw(""));
    v.push(heading("Sources"));
    for e in &g.sources {
        v.extend(quote(t, &e.source, &e.quote));
    }
    if let Some(n) = &g.noted {
        v.extend(noted_lines(n, !g.sources.is_empty()));
    }
    v
}
