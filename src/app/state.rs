//! Everything the screen shows, derived lists included. Derived lists are
//! recomputed when the query, the sort or the data change, never on draw.

use crate::domain::progress::{assess, next_milestone, Progress, ProgressState};
use crate::domain::search::{Field, Hit, Matcher, Query, SearchIndex};
use crate::domain::{Status, Tracker};
use chrono::NaiveDate;
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Projects,
    Goals,
    Chains,
}

impl View {
    pub const ALL: [View; 3] = [View::Projects, View::Goals, View::Chains];

    pub fn index(self) -> usize {
        match self {
            View::Projects => 0,
            View::Goals => 1,
            View::Chains => 2,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            View::Projects => "Projects",
            View::Goals => "Goals",
            View::Chains => "Chains",
        }
    }
}

/// What keys mean right now. Issue 5 adds edit prompts here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Filter,
    Picker,
    Detail,
    Help,
}

impl Mode {
    pub fn title(self) -> &'static str {
        match self {
            Mode::Normal => "Browsing a list",
            Mode::Filter => "Filter line",
            Mode::Picker => "Chain / area picker",
            Mode::Detail => "Details",
            Mode::Help => "Help",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickerKind {
    Chain,
    Area,
}

impl PickerKind {
    pub fn prefix(self) -> &'static str {
        match self {
            PickerKind::Chain => "chain",
            PickerKind::Area => "area",
        }
    }

    pub fn field(self) -> Field {
        match self {
            PickerKind::Chain => Field::Chain,
            PickerKind::Area => Field::Area,
        }
    }
}

/// A filterable list of chains or areas. `items[0]` is `None`: "any",
/// which removes the prefix from the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub kind: PickerKind,
    pub query: String,
    pub items: Vec<Option<usize>>,
    pub selected: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Relevance,
    Name,
    Status,
    Chain,
    Area,
    NextDue,
}

impl Sort {
    pub fn next(self) -> Sort {
        match self {
            Sort::Relevance => Sort::Name,
            Sort::Name => Sort::Status,
            Sort::Status => Sort::Chain,
            Sort::Chain => Sort::Area,
            Sort::Area => Sort::NextDue,
            Sort::NextDue => Sort::Relevance,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Name => "name",
            Sort::Status => "status",
            Sort::Chain => "chain",
            Sort::Area => "area",
            Sort::NextDue => "next due",
        }
    }
}

/// One chain's standing: projects per status and goals per state, counted
/// over the records the filter lets through.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainRow {
    pub chain: usize,
    pub projects: usize,
    pub by_status: Vec<(Status, usize)>,
    pub goals: usize,
    pub by_state: Vec<(ProgressState, usize)>,
    pub overdue: usize,
}

/// Screen rows shared by `update` (scrolling, clicks) and `ui` (drawing),
/// so both agree on where the list body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    /// First screen row of the list body.
    pub body_top: u16,
    /// Number of rows in the list body.
    pub body_rows: u16,
}

/// Smallest size anything useful fits in; below it "terminal too small".
pub const MIN_WIDTH: u16 = 24;
pub const MIN_HEIGHT: u16 = 6;

impl Screen {
    /// Row 0: view tabs; then a bordered table with a header row; last row:
    /// the status bar.
    pub fn of(width: u16, height: u16) -> Option<Screen> {
        if width < MIN_WIDTH || height < MIN_HEIGHT {
            return None;
        }
        Some(Screen {
            body_top: 3,
            body_rows: height - 5,
        })
    }
}

pub struct App {
    pub file_label: String,
    pub today: NaiveDate,
    pub tracker: Tracker,
    pub index: SearchIndex,
    pub matcher: Matcher,
    /// Progress of each target on `today`, by target index.
    pub progress: Vec<Progress>,
    pub view: View,
    pub mode: Mode,
    /// The mode the help overlay returns to.
    pub help_return: Mode,
    pub query: String,
    pub sort: Sort,
    /// Visible projects and goals in display order (indices into the tracker).
    pub projects: Vec<Hit>,
    pub goals: Vec<Hit>,
    pub chains: Vec<ChainRow>,
    /// Selected row and first shown row, per view.
    pub selected: [usize; 3],
    pub offset: [usize; 3],
    pub picker: Option<Picker>,
    pub detail_scroll: u16,
    pub help_scroll: u16,
    pub size: (u16, u16),
}

impl App {
    pub fn new(tracker: Tracker, file_label: impl Into<String>, today: NaiveDate) -> App {
        // Keys (pinyin, lower case) are computed here once, never per keystroke.
        let index = SearchIndex::build(&tracker);
        let progress = tracker.targets.iter().map(|t| assess(t, today)).collect();
        let mut app = App {
            file_label: file_label.into(),
            today,
            tracker,
            index,
            matcher: Matcher::default(),
            progress,
            view: View::Projects,
            mode: Mode::Normal,
            help_return: Mode::Normal,
            query: String::new(),
            sort: Sort::Relevance,
            projects: Vec::new(),
            goals: Vec::new(),
            chains: Vec::new(),
            selected: [0; 3],
            offset: [0; 3],
            picker: None,
            detail_scroll: 0,
            help_scroll: 0,
            size: (120, 40),
        };
        app.refilter();
        app
    }

    /// Rows in the current view.
    pub fn len(&self) -> usize {
        self.len_of(self.view)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len_of(&self, view: View) -> usize {
        match view {
            View::Projects => self.projects.len(),
            View::Goals => self.goals.len(),
            View::Chains => self.chains.len(),
        }
    }

    /// Records in the whole tracker for the current view (the "87" of "12/87").
    pub fn total(&self) -> usize {
        match self.view {
            View::Projects => self.tracker.projects.len(),
            View::Goals => self.tracker.targets.len(),
            View::Chains => self.tracker.chains.len(),
        }
    }

    pub fn selected(&self) -> usize {
        self.selected[self.view.index()]
    }

    pub fn offset(&self) -> usize {
        self.offset[self.view.index()]
    }

    /// Tracker index of the selected project, if the Projects view has one.
    pub fn selected_project(&self) -> Option<usize> {
        self.projects.get(self.selected[0]).map(|h| h.index)
    }

    pub fn selected_goal(&self) -> Option<usize> {
        self.goals.get(self.selected[1]).map(|h| h.index)
    }

    pub fn selected_chain(&self) -> Option<usize> {
        self.chains.get(self.selected[2]).map(|r| r.chain)
    }

    pub fn screen(&self) -> Option<Screen> {
        Screen::of(self.size.0, self.size.1)
    }

    pub fn page(&self) -> usize {
        self.screen().map_or(1, |f| f.body_rows.max(1) as usize)
    }

    /// Reruns the filter and sort, keeping each view on the record it had
    /// selected when that record is still visible.
    pub fn refilter(&mut self) {
        let before = (
            self.selected_project(),
            self.selected_goal(),
            self.selected_chain(),
        );
        let q = Query::parse(&self.query);
        let states: Vec<ProgressState> = self.progress.iter().map(|p| p.state).collect();
        let mut projects = self.index.filter_projects(&self.tracker, &self.matcher, &q);
        let mut goals = self.index.filter_targets(&self.matcher, &q, &states);
        self.sort_projects(&mut projects);
        self.sort_goals(&mut goals);
        self.projects = projects;
        self.goals = goals;
        self.chains = self.chain_rows();
        let keep = |hits: &[usize], was: Option<usize>, old: usize| {
            was.and_then(|w| hits.iter().position(|&i| i == w))
                .unwrap_or(old)
        };
        let p: Vec<usize> = self.projects.iter().map(|h| h.index).collect();
        let g: Vec<usize> = self.goals.iter().map(|h| h.index).collect();
        let c: Vec<usize> = self.chains.iter().map(|r| r.chain).collect();
        // A new query puts the best match on top; otherwise stay on the record.
        self.selected = if self.sort == Sort::Relevance && !q.is_empty() {
            [0, 0, keep(&c, before.2, self.selected[2])]
        } else {
            [
                keep(&p, before.0, self.selected[0]),
                keep(&g, before.1, self.selected[1]),
                keep(&c, before.2, self.selected[2]),
            ]
        };
        for v in View::ALL {
            self.clamp(v);
        }
    }

    /// Keeps the selection inside the list and visible in the body.
    pub fn clamp(&mut self, view: View) {
        let i = view.index();
        let len = self.len_of(view);
        let rows = self.page();
        self.selected[i] = self.selected[i].min(len.saturating_sub(1));
        if self.selected[i] < self.offset[i] {
            self.offset[i] = self.selected[i];
        } else if self.selected[i] >= self.offset[i] + rows {
            self.offset[i] = self.selected[i] + 1 - rows;
        }
        // Do not leave empty rows below the list when it could fill the body.
        self.offset[i] = self.offset[i].min(len.saturating_sub(rows));
    }

    fn sort_projects(&self, hits: &mut [Hit]) {
        let t = &self.tracker;
        let chain_pos = |id: &str| {
            t.chains
                .iter()
                .position(|c| c.id == id)
                .unwrap_or(usize::MAX)
        };
        let area_pos = |id: Option<&String>| {
            id.and_then(|a| t.areas.iter().position(|x| &x.id == a))
                .unwrap_or(usize::MAX)
        };
        let key = |h: &Hit| &t.projects[h.index];
        let cmp = |a: &Hit, b: &Hit| -> Ordering {
            let (pa, pb) = (key(a), key(b));
            let name = || pa.name_en.to_lowercase().cmp(&pb.name_en.to_lowercase());
            match self.sort {
                Sort::Relevance => Ordering::Equal,
                Sort::Name => name(),
                Sort::Status => pa.status.cmp(&pb.status),
                Sort::Chain => chain_pos(&pa.chain).cmp(&chain_pos(&pb.chain)),
                Sort::Area => area_pos(pa.area.as_ref()).cmp(&area_pos(pb.area.as_ref())),
                Sort::NextDue => {
                    let due = |p| next_milestone(p).map(|(_, m)| m.due.last_day());
                    // Projects with nothing due go last.
                    match (due(pa), due(pb)) {
                        (Some(x), Some(y)) => x.cmp(&y),
                        (Some(_), None) => Ordering::Less,
                        (None, Some(_)) => Ordering::Greater,
                        (None, None) => Ordering::Equal,
                    }
                }
            }
            .then_with(name)
        };
        if self.sort != Sort::Relevance {
            hits.sort_by(cmp);
        }
    }

    fn sort_goals(&self, hits: &mut [Hit]) {
        let t = &self.tracker;
        let chain_pos = |id: &str| {
            t.chains
                .iter()
                .position(|c| c.id == id)
                .unwrap_or(usize::MAX)
        };
        let area_pos = |id: Option<&String>| {
            id.and_then(|a| t.areas.iter().position(|x| &x.id == a))
                .unwrap_or(usize::MAX)
        };
        let state_pos = |i: usize| {
            let s = self
                .progress
                .get(i)
                .map_or(ProgressState::NoData, |p| p.state);
            ProgressState::ALL
                .iter()
                .position(|x| *x == s)
                .unwrap_or(usize::MAX)
        };
        let cmp = |a: &Hit, b: &Hit| -> Ordering {
            let (ga, gb) = (&t.targets[a.index], &t.targets[b.index]);
            let name = || {
                ga.metric_en
                    .to_lowercase()
                    .cmp(&gb.metric_en.to_lowercase())
            };
            match self.sort {
                Sort::Relevance => Ordering::Equal,
                Sort::Name => name(),
                Sort::Status => state_pos(a.index).cmp(&state_pos(b.index)),
                Sort::Chain => chain_pos(&ga.chain).cmp(&chain_pos(&gb.chain)),
                Sort::Area => area_pos(ga.area.as_ref()).cmp(&area_pos(gb.area.as_ref())),
                Sort::NextDue => ga.period.end().cmp(&gb.period.end()),
            }
            .then_with(name)
        };
        if self.sort != Sort::Relevance {
            hits.sort_by(cmp);
        }
    }

    fn chain_rows(&self) -> Vec<ChainRow> {
        let t = &self.tracker;
        t.chains
            .iter()
            .enumerate()
            .map(|(ci, c)| {
                let projects: Vec<_> = self
                    .projects
                    .iter()
                    .map(|h| &t.projects[h.index])
                    .filter(|p| p.chain == c.id)
                    .collect();
                let goals: Vec<usize> = self
                    .goals
                    .iter()
                    .map(|h| h.index)
                    .filter(|&i| t.targets[i].chain == c.id)
                    .collect();
                let by_status = Status::ALL
                    .into_iter()
                    .map(|s| (s, projects.iter().filter(|p| p.status == s).count()))
                    .filter(|(_, n)| *n > 0)
                    .collect();
                let by_state = ProgressState::ALL
                    .into_iter()
                    .map(|s| {
                        (
                            s,
                            goals
                                .iter()
                                .filter(|&&i| self.progress.get(i).is_some_and(|p| p.state == s))
                                .count(),
                        )
                    })
                    .filter(|(_, n)| *n > 0)
                    .collect();
                let overdue = projects
                    .iter()
                    .filter(|p| {
                        !crate::domain::progress::overdue_milestones(p, self.today).is_empty()
                    })
                    .count();
                ChainRow {
                    chain: ci,
                    projects: projects.len(),
                    by_status,
                    goals: goals.len(),
                    by_state,
                    overdue,
                }
            })
            .collect()
    }

    /// The words of the query narrowed to `field` (e.g. the chains filtered on).
    pub fn query_terms(&self, field: Field) -> Vec<String> {
        Query::parse(&self.query)
            .terms
            .into_iter()
            .filter(|t| t.field == field)
            .map(|t| t.word)
            .collect()
    }
}

/// Replaces every `field:` word of `query` by `prefix:value` (or removes
/// them when `value` is `None`), keeping the other words in place.
pub fn set_prefix(query: &str, field: Field, prefix: &str, value: Option<&str>) -> String {
    let mut words: Vec<String> = query
        .split_whitespace()
        .filter(|tok| {
            Query::parse(tok)
                .terms
                .first()
                .is_none_or(|t| t.field != field)
        })
        .map(str::to_string)
        .collect();
    if let Some(v) = value {
        words.push(format!("{prefix}:{v}"));
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_prefix_replaces_only_its_field() {
        assert_eq!(
            set_prefix("rhl chain:x area:y", Field::Chain, "chain", Some("digital")),
            "rhl area:y chain:digital"
        );
        assert_eq!(set_prefix("c:x park", Field::Chain, "chain", None), "park");
        assert_eq!(set_prefix("", Field::Area, "area", Some("cbd")), "area:cbd");
    }

    #[test]
    fn tiny_sizes_have_no_frame() {
        assert!(Screen::of(1, 1).is_none());
        assert_eq!(Screen::of(40, 12).map(|f| f.body_rows), Some(7));
    }
}
