//! Everything the screen shows, derived lists included. Derived lists are
//! recomputed when the query, the sort or the data change, never on draw.

use crate::domain::edit::{Change, Record};
use crate::domain::progress::{
    assess, next_milestone, overdue_milestones, Progress, ProgressState,
};
use crate::domain::search::{Field, Hit, Matcher, Query, SearchIndex};
use crate::domain::summary::{ranked, summarize, ChainSummary};
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

/// What keys mean right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Filter,
    Picker,
    Detail,
    Help,
    /// Choosing a project's new status.
    StatusPick,
    /// Typing a goal's actual value or a note.
    Prompt,
    /// A save met someone else's change to the same record.
    Conflict,
}

impl Mode {
    /// In the order the help overlay lists them.
    pub const ALL: [Mode; 8] = [
        Mode::Normal,
        Mode::Filter,
        Mode::Picker,
        Mode::Detail,
        Mode::StatusPick,
        Mode::Prompt,
        Mode::Conflict,
        Mode::Help,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Mode::Normal => "Browsing a list",
            Mode::Filter => "Filter line",
            Mode::Picker => "Chain / area picker",
            Mode::Detail => "Details",
            Mode::Help => "Help",
            Mode::StatusPick => "Status picker",
            Mode::Prompt => "Typing a value or a note",
            Mode::Conflict => "Save conflict",
        }
    }
}

/// A line for the status bar, kept until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub kind: MessageKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Info,
    Saved,
    Error,
}

/// The status picker: `Status::ALL`, one of them highlighted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusPick {
    pub project: String,
    pub current: Status,
    pub selected: usize,
}

/// What a prompt's text becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum PromptKind {
    /// A goal's actual value (a number in the goal's unit).
    Value { target: String },
    /// The optional note of a status change.
    StatusNote { project: String, status: Status },
    /// The optional note of a new actual value.
    ActualNote { target: String, value: f64 },
}

/// A one-line text entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
    /// The text is the old value, shown selected: typing replaces it.
    pub fresh: bool,
    /// Why the text was refused, until the next keystroke.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveKind {
    Edit,
    Undo,
    Redo,
}

/// A change applied in memory and handed to the event loop to save. Until
/// the outcome comes back nothing else may be edited.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub kind: SaveKind,
    /// What is being written (for an undo: the inverse of `entry`).
    pub change: Change,
    /// What goes onto the undo or redo stack once saved.
    pub entry: Change,
    /// "Keep mine" was chosen after a conflict.
    pub forced: bool,
}

/// Both versions of a record after a conflicting save; ours is the
/// pending change's `after`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictState {
    pub theirs: Option<Box<Record>>,
    pub disk: Box<Tracker>,
    pub disk_text: String,
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

/// One chain's place on the scoreboard, counted over the records the filter
/// lets through (`domain::summary`), in ranked order.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainRow {
    /// Index into `tracker.chains`.
    pub chain: usize,
    /// 1-based place on the scoreboard.
    pub rank: usize,
    pub summary: ChainSummary,
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
    /// The text the file holds (as loaded or last saved): what a save
    /// compares the disk against.
    pub base: String,
    /// `!`: only stalled or overdue projects, at-risk or unreported goals.
    pub attention: bool,
    pub message: Option<Message>,
    pub status_pick: Option<StatusPick>,
    pub prompt: Option<Prompt>,
    pub pending: Option<Pending>,
    pub conflict: Option<ConflictState>,
    /// Saved changes, newest last.
    pub undo: Vec<Change>,
    pub redo: Vec<Change>,
    /// The mode an edit returns to (the list or the details).
    pub edit_return: Mode,
}

impl App {
    pub fn new(tracker: Tracker, file_label: impl Into<String>, today: NaiveDate) -> App {
        // Keys (pinyin, lower case) are computed here once, never per keystroke.
        let index = SearchIndex::build(&tracker);
        let progress = assess_all(&tracker, today);
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
            base: String::new(),
            attention: false,
            message: None,
            status_pick: None,
            prompt: None,
            pending: None,
            conflict: None,
            undo: Vec::new(),
            redo: Vec::new(),
            edit_return: Mode::Normal,
        };
        app.refilter();
        app
    }

    /// Sets the text the file holds, which saves are checked against.
    /// Without it the first save treats the file as changed on disk and
    /// merges (still safe, only slower).
    pub fn with_base(mut self, text: impl Into<String>) -> App {
        self.base = text.into();
        self
    }

    pub fn say(&mut self, kind: MessageKind, text: impl Into<String>) {
        self.message = Some(Message {
            kind,
            text: text.into(),
        });
    }

    /// After the records changed in place (an edit, undo, a failed save):
    /// progress and lists are recomputed, each view staying on its record.
    pub fn refresh(&mut self) {
        self.progress = assess_all(&self.tracker, self.today);
        let before = (
            self.selected_project(),
            self.selected_goal(),
            self.selected_chain(),
        );
        self.rebuild(before, false);
    }

    /// Replaces the whole tracker (merged with, or taken from, the file on
    /// disk): keys are rebuilt and each view stays on the record it had,
    /// found again by id since indices may have moved.
    pub fn adopt(&mut self, tracker: Tracker, text: String) {
        let ids = (
            self.selected_project()
                .and_then(|i| self.tracker.projects.get(i))
                .map(|p| p.id.clone()),
            self.selected_goal()
                .and_then(|i| self.tracker.targets.get(i))
                .map(|t| t.id.clone()),
            self.selected_chain()
                .and_then(|i| self.tracker.chains.get(i))
                .map(|c| c.id.clone()),
        );
        self.tracker = tracker;
        self.base = text;
        self.index = SearchIndex::build(&self.tracker);
        self.progress = assess_all(&self.tracker, self.today);
        let t = &self.tracker;
        let before = (
            ids.0
                .and_then(|id| t.projects.iter().position(|p| p.id == id)),
            ids.1
                .and_then(|id| t.targets.iter().position(|x| x.id == id)),
            ids.2
                .and_then(|id| t.chains.iter().position(|c| c.id == id)),
        );
        self.rebuild(before, false);
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

    /// Reruns the filter and sort after the query changed, keeping each
    /// view on the record it had selected when that record is still visible.
    pub fn refilter(&mut self) {
        let before = (
            self.selected_project(),
            self.selected_goal(),
            self.selected_chain(),
        );
        self.rebuild(before, true);
    }

    /// Whether a project shows under `!`: stalled, or a milestone overdue.
    pub fn project_needs_attention(&self, i: usize) -> bool {
        self.tracker.projects.get(i).is_some_and(|p| {
            p.status == Status::Stalled || !overdue_milestones(p, self.today).is_empty()
        })
    }

    /// Whether a goal shows under `!`: at risk or unreported.
    pub fn goal_needs_attention(&self, i: usize) -> bool {
        self.progress
            .get(i)
            .is_some_and(|p| p.state.needs_attention())
    }

    /// Filter, sort, scoreboard, then the selection: on the record it was
    /// on (`before`, tracker indices) when still shown. A changed query
    /// puts the best match on top instead.
    fn rebuild(
        &mut self,
        before: (Option<usize>, Option<usize>, Option<usize>),
        query_changed: bool,
    ) {
        let q = Query::parse(&self.query);
        let states: Vec<ProgressState> = self.progress.iter().map(|p| p.state).collect();
        let mut projects = self.index.filter_projects(&self.tracker, &self.matcher, &q);
        let mut goals = self.index.filter_targets(&self.matcher, &q, &states);
        self.sort_projects(&mut projects);
        self.sort_goals(&mut goals);
        self.projects = projects;
        self.goals = goals;
        // The scoreboard counts what the query lets through, before `!`
        // narrows the lists: a board of only the troubled would rank nothing.
        self.chains = self.chain_rows();
        if self.attention {
            let keep_p: Vec<bool> = self
                .projects
                .iter()
                .map(|h| self.project_needs_attention(h.index))
                .collect();
            let keep_g: Vec<bool> = self
                .goals
                .iter()
                .map(|h| self.goal_needs_attention(h.index))
                .collect();
            let mut k = keep_p.into_iter();
            self.projects.retain(|_| k.next().unwrap_or(false));
            let mut k = keep_g.into_iter();
            self.goals.retain(|_| k.next().unwrap_or(false));
        }
        let keep = |hits: &[usize], was: Option<usize>, old: usize| {
            was.and_then(|w| hits.iter().position(|&i| i == w))
                .unwrap_or(old)
        };
        let p: Vec<usize> = self.projects.iter().map(|h| h.index).collect();
        let g: Vec<usize> = self.goals.iter().map(|h| h.index).collect();
        let c: Vec<usize> = self.chains.iter().map(|r| r.chain).collect();
        // A new query puts the best match on top; otherwise stay on the record.
        self.selected = if query_changed && self.sort == Sort::Relevance && !q.is_empty() {
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

    /// Where a chain stands in the file's order (unknown ones last), for sorting.
    fn chain_pos(&self, id: &str) -> usize {
        self.tracker
            .chains
            .iter()
            .position(|c| c.id == id)
            .unwrap_or(usize::MAX)
    }

    /// Where an area stands in the file's order (none or unknown last).
    fn area_pos(&self, id: Option<&String>) -> usize {
        id.and_then(|a| self.tracker.areas.iter().position(|x| &x.id == a))
            .unwrap_or(usize::MAX)
    }

    fn sort_projects(&self, hits: &mut [Hit]) {
        let t = &self.tracker;
        let chain_pos = |id: &str| self.chain_pos(id);
        let area_pos = |id: Option<&String>| self.area_pos(id);
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
        let chain_pos = |id: &str| self.chain_pos(id);
        let area_pos = |id: Option<&String>| self.area_pos(id);
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

    /// The scoreboard over the records the query lets through. Copies of
    /// them are made only when the query narrows anything.
    fn chain_rows(&self) -> Vec<ChainRow> {
        let t = &self.tracker;
        // Count the visible records by reference, with the states already
        // assessed: no copies and no re-assessment on a keystroke.
        let projects = self.projects.iter().filter_map(|h| t.projects.get(h.index));
        let targets = self.goals.iter().filter_map(|h| {
            let state = self.progress.get(h.index)?.state;
            Some((t.targets.get(h.index)?, state))
        });
        ranked(summarize(&t.chains, projects, targets, self.today))
            .into_iter()
            .enumerate()
            .filter_map(|(i, summary)| {
                let chain = t.chains.iter().position(|c| c.id == summary.chain)?;
                Some(ChainRow {
                    chain,
                    rank: i + 1,
                    summary,
                })
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

fn assess_all(t: &Tracker, today: NaiveDate) -> Vec<Progress> {
    t.targets.iter().map(|x| assess(x, today)).collect()
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
