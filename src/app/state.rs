//! Everything the screen shows, derived lists included. Derived lists are
//! recomputed when the query, the sort or the data change, never on draw.

use crate::domain::collate::collate_key;
use crate::domain::edit::{Change, Record};
use crate::domain::par;
use crate::domain::progress::{assess, next_milestone, Progress, ProgressState};
use crate::domain::search::{Field, Hit, Query, SearchIndex};
use crate::domain::summary::{ranked, summarize, ChainSummary};
use crate::domain::{Status, Tracker};
use chrono::NaiveDate;
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Projects,
    Goals,
    Chains,
    /// The reports, each opening in the reader.
    Sources,
}

impl View {
    /// In tab order; a new view is a new variant here and a list in `App`.
    pub const ALL: [View; 4] = [View::Projects, View::Goals, View::Chains, View::Sources];

    fn position(self) -> usize {
        View::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }

    pub fn next(self) -> View {
        View::ALL[(self.position() + 1) % View::ALL.len()]
    }

    pub fn prev(self) -> View {
        let n = View::ALL.len();
        View::ALL[(self.position() + n - 1) % n]
    }

    /// The digit that shows this view (1 for the first tab).
    pub fn number(self) -> usize {
        self.position() + 1
    }

    pub fn title(self) -> &'static str {
        match self {
            View::Projects => "Projects",
            View::Goals => "Goals",
            View::Chains => "Chains",
            View::Sources => "Sources",
        }
    }
}

/// Where one view's list stands: the selected row and the first row shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListPos {
    pub selected: usize,
    pub offset: usize,
}

impl ListPos {
    /// Keeps the selection inside a list of `len` rows and visible in a
    /// body of `rows` rows, leaving no empty rows below a list that could
    /// fill the body.
    pub fn clamp(&mut self, len: usize, rows: usize) {
        let rows = rows.max(1);
        self.selected = self.selected.min(len.saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
        self.offset = self.offset.min(len.saturating_sub(rows));
    }
}

/// A view's rows in display order and its position in them.
#[derive(Debug, Clone, PartialEq)]
pub struct ListState<T> {
    pub rows: Vec<T>,
    pub pos: ListPos,
}

impl<T> Default for ListState<T> {
    fn default() -> Self {
        ListState {
            rows: Vec::new(),
            pos: ListPos::default(),
        }
    }
}

impl<T> ListState<T> {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn current(&self) -> Option<&T> {
        self.rows.get(self.pos.selected)
    }

    /// Replaces the rows, selecting the first row for which `was` holds
    /// (the record selected before), else keeping the old row number.
    fn replace(&mut self, rows: Vec<T>, was: impl Fn(&T) -> bool) {
        if let Some(i) = rows.iter().position(was) {
            self.pos.selected = i;
        }
        self.rows = rows;
    }
}

/// What keys mean right now; follows from the overlay (`App::mode`).
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
    /// `m` asks before recording a milestone (and the status it expects).
    Confirm,
    /// The form of a new or edited record (`n`, `E`).
    Form,
    /// A yes/no question (`D`, leaving a form with typing in it).
    Ask,
    /// Reading a report (Enter in Sources).
    Reader,
    /// Typing words to find in the report.
    ReaderSearch,
    /// `a` in the reader: what the selected words are cited as.
    Cite,
    /// The terminal is below the minimum size: only quitting works, so no
    /// key changes anything nobody can see.
    TooSmall,
}

impl Mode {
    /// In the order the help overlay lists them.
    pub const ALL: [Mode; 15] = [
        Mode::Normal,
        Mode::Filter,
        Mode::Picker,
        Mode::Detail,
        Mode::StatusPick,
        Mode::Prompt,
        Mode::Confirm,
        Mode::Form,
        Mode::Ask,
        Mode::Reader,
        Mode::ReaderSearch,
        Mode::Cite,
        Mode::Conflict,
        Mode::Help,
        Mode::TooSmall,
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
            Mode::Confirm => "Marking a milestone",
            Mode::Form => "New or edited record (n, E)",
            Mode::Ask => "A question (D, leaving a form)",
            Mode::Reader => "Reading a report (Sources, Enter)",
            Mode::ReaderSearch => "Finding words in the report",
            Mode::Cite => "Cite the selection as",
            Mode::TooSmall => "Terminal too small",
        }
    }
}

/// The one thing shown over the list, owning its data, so that what keys
/// mean and what is drawn cannot disagree.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Overlay {
    /// Just the list.
    #[default]
    None,
    /// Typing on the filter line.
    Filter,
    Picker(Picker),
    Detail(Detail),
    Help(Help),
    StatusPick(StatusPick),
    Prompt(Prompt),
    Confirm(Confirm),
    Conflict(Conflict),
    Form(Box<crate::app::records::Form>),
    Ask(Ask),
    Reader(Box<crate::app::records::Reader>),
}

/// A yes/no question and what a yes does.
#[derive(Debug, Clone, PartialEq)]
pub struct Ask {
    pub question: String,
    pub then: AskThen,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AskThen {
    /// `D`: remove the record (from the details, if it was opened there).
    Delete { id: String, over: Option<Detail> },
    /// Esc in a form with typing in it: drop the form.
    Discard(Box<crate::app::records::Form>),
}

impl Overlay {
    pub fn mode(&self) -> Mode {
        match self {
            Overlay::None => Mode::Normal,
            Overlay::Filter => Mode::Filter,
            Overlay::Picker(_) => Mode::Picker,
            Overlay::Detail(_) => Mode::Detail,
            Overlay::Help(_) => Mode::Help,
            Overlay::StatusPick(_) => Mode::StatusPick,
            Overlay::Prompt(_) => Mode::Prompt,
            Overlay::Conflict(_) => Mode::Conflict,
            Overlay::Confirm(_) => Mode::Confirm,
            Overlay::Form(_) => Mode::Form,
            Overlay::Ask(_) => Mode::Ask,
            Overlay::Reader(r) if r.search.is_some() => Mode::ReaderSearch,
            Overlay::Reader(r) if r.citing => Mode::Cite,
            Overlay::Reader(_) => Mode::Reader,
        }
    }

    /// The details an edit was started from (drawn beneath it, and where
    /// it returns to), or the details themselves.
    pub fn detail(&self) -> Option<Detail> {
        match self {
            Overlay::Detail(d) => Some(*d),
            Overlay::StatusPick(StatusPick { over, .. })
            | Overlay::Prompt(Prompt { over, .. })
            | Overlay::Confirm(Confirm { over, .. })
            | Overlay::Conflict(Conflict { over, .. }) => *over,
            Overlay::Help(h) => h.under.detail(),
            _ => None,
        }
    }

    /// Where an edit goes back to: the details it came from, or the list.
    pub fn back_to(over: Option<Detail>) -> Overlay {
        over.map_or(Overlay::None, Overlay::Detail)
    }
}

/// The detail pane of the selected record, scrolled by `scroll` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Detail {
    pub scroll: usize,
}

/// The key list, scrolled by `scroll` rows, over what it was opened from.
#[derive(Debug, Clone, PartialEq)]
pub struct Help {
    pub scroll: usize,
    pub under: Box<Overlay>,
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
    /// The details it was opened from.
    pub over: Option<Detail>,
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

/// The question `m` asks before recording a milestone: what it will
/// record, and whether to move the status to the one the milestone expects.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub project: String,
    pub date: NaiveDate,
    /// "\"明年投产\" reached 2023-06-30 — expect 运营中; set status to 运营中 too?"
    pub question: String,
    /// Whether accepting also changes the status.
    pub offers_status: bool,
    /// The details it was opened from.
    pub over: Option<Detail>,
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
    /// The details it was opened from.
    pub over: Option<Detail>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveKind {
    Edit,
    Undo,
    Redo,
}

/// A change applied in memory and handed to the event loop to save. Until
/// the outcome comes back, or while its conflict is left for later,
/// nothing else may be edited.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub kind: SaveKind,
    /// What is being written (for an undo: the inverse of `entry`).
    pub change: Change,
    /// What goes onto the undo or redo stack once saved.
    pub entry: Change,
    /// "Keep mine" was chosen after a conflict.
    pub forced: bool,
    /// A conflict left for later: offered again on the next edit key or
    /// reload, until mine is kept or theirs taken.
    pub deferred: Option<ConflictState>,
}

/// Both versions of a record after a conflicting save; ours is the
/// pending change's `after`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictState {
    pub theirs: Option<Box<Record>>,
    pub disk: Box<Tracker>,
    pub disk_text: String,
}

/// The conflict popup.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub state: ConflictState,
    /// The details the edit was started from.
    pub over: Option<Detail>,
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
    pub const ALL: [Sort; 6] = [
        Sort::Relevance,
        Sort::Name,
        Sort::Status,
        Sort::Chain,
        Sort::Area,
        Sort::NextDue,
    ];

    pub fn next(self) -> Sort {
        let i = Sort::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Sort::ALL[(i + 1) % Sort::ALL.len()]
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

    /// Whether this order means something in `view`. Chains are ranked
    /// (or sorted by name); projects and goals take every order.
    pub fn applies_to(self, view: View) -> bool {
        match view {
            View::Projects | View::Goals => true,
            View::Chains => matches!(self, Sort::Relevance | Sort::Name),
            View::Sources => false,
        }
    }
}

/// One chain's place on the scoreboard, counted over the records the filter
/// and `!` let through (`domain::summary`), in ranked order.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainRow {
    /// Index into `tracker.chains`.
    pub chain: usize,
    /// 1-based place on the scoreboard.
    pub rank: usize,
    pub summary: ChainSummary,
}

/// Screen rows shared by `update` (paging, clicks) and `ui` (drawing),
/// so both agree on where the list body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    /// First screen row of the list body.
    pub body_top: u16,
    /// Number of rows in the list body.
    pub body_rows: u16,
    /// Rows below the table for the view's legend.
    pub legend_rows: u16,
}

/// Smallest size anything useful fits in; below it "terminal too small",
/// which names this size, and no key but quit acts.
pub const MIN_WIDTH: u16 = 30;
pub const MIN_HEIGHT: u16 = 8;

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
            legend_rows: 0,
        })
    }

    /// The same with `rows` taken from the bottom of the body (a legend,
    /// a message too long for the status bar), keeping one row at least.
    pub fn less(self, rows: u16) -> Screen {
        Screen {
            body_rows: self.body_rows.saturating_sub(rows).max(1),
            ..self
        }
    }
}

/// Rows of the Chains legend, shown when the body has room for it.
pub const LEGEND_ROWS: u16 = 2;
/// Rows a message never takes: the tabs, the status bar and a table of
/// one row (two borders, the header, the row).
const KEEP_ROWS: u16 = 6;

/// What the last drawing laid out, reported by `ui::draw` and fed back by
/// the event loop, so scrolling stops where the content ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Drawn {
    /// How far the open scrollable overlay (details, help) can scroll:
    /// its wrapped content height less the rows it shows.
    pub max_scroll: Option<usize>,
    /// Rows one page of that overlay shows.
    pub page: Option<usize>,
}

pub struct App {
    pub file_label: String,
    pub today: NaiveDate,
    pub tracker: Tracker,
    /// The search keys; built when first needed (`ensure_index`), so
    /// the first frame never waits for them.
    pub index: SearchIndex,
    /// Whether `index` is built for the records as they are.
    pub indexed: bool,
    /// Progress of each target on `today`, by target index.
    pub progress: Vec<Progress>,
    /// Sort keys of the names (pinyin for Chinese), by record index.
    pub project_keys: Vec<String>,
    pub goal_keys: Vec<String>,
    pub chain_keys: Vec<String>,
    pub view: View,
    pub overlay: Overlay,
    pub query: String,
    pub sort: Sort,
    /// `O`: the sort runs the other way.
    pub reverse: bool,
    /// `T` in Projects: parts listed under their parent project.
    pub tree: bool,
    /// The parts of each project (tracker indices), by project index.
    pub parts: Vec<Vec<usize>>,
    /// Each project's parent (tracker index), by project index.
    pub parent: Vec<Option<usize>>,
    /// Depth of each shown project in the tree (0 outside tree mode).
    pub depth: Vec<usize>,
    /// Each view's rows (indices into the tracker) and position.
    pub projects: ListState<Hit>,
    pub goals: ListState<Hit>,
    pub chains: ListState<ChainRow>,
    pub sources: ListState<crate::app::records::SourceRow>,
    /// Each source's report text, by source id (read by the event loop;
    /// the reader and the form's quote check use it).
    pub reports: std::collections::HashMap<String, String>,
    pub size: (u16, u16),
    /// What the last drawing reported.
    pub drawn: Drawn,
    /// The text the file holds (as loaded, last saved or reloaded): what a
    /// save compares the disk against.
    pub base: String,
    /// `!`: only stalled projects or ones with overdue or slipped milestones, at-risk or unreported goals.
    pub attention: bool,
    /// Whether the terminal's mouse is captured (off: text can be selected).
    pub mouse: bool,
    pub message: Option<Message>,
    pub pending: Option<Pending>,
    /// Saved changes, newest last.
    pub undo: Vec<Change>,
    pub redo: Vec<Change>,
    /// Views whose rows wait for the last change of the filter, sort or
    /// `!` (see `settle`).
    pub stale: Stale,
}

/// The list views whose rows are out of date: a filter change marks them
/// all, and each is brought up to date when it is on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stale {
    pub projects: bool,
    pub goals: bool,
    pub chains: bool,
}

impl Stale {
    const ALL: Stale = Stale {
        projects: true,
        goals: true,
        chains: true,
    };

    pub fn any(self) -> bool {
        self.projects || self.goals || self.chains
    }

    /// What `view` needs computed: the Chains scoreboard counts the
    /// projects and goals the other views show.
    fn needed_by(self, view: View) -> Stale {
        match view {
            View::Projects => Stale {
                projects: self.projects,
                ..Stale::default()
            },
            View::Goals => Stale {
                goals: self.goals,
                ..Stale::default()
            },
            View::Chains if self.chains => self,
            View::Chains | View::Sources => Stale::default(),
        }
    }
}

impl App {
    pub fn new(tracker: Tracker, file_label: impl Into<String>, today: NaiveDate) -> App {
        // Search keys (pinyin, lower case) are computed once, never per
        // keystroke: when first needed, or while the interface is idle.
        let progress = assess_all(&tracker, today);
        let mut app = App {
            file_label: file_label.into(),
            today,
            tracker,
            index: SearchIndex::default(),
            indexed: false,
            progress,
            project_keys: Vec::new(),
            goal_keys: Vec::new(),
            chain_keys: Vec::new(),
            view: View::Projects,
            overlay: Overlay::None,
            query: String::new(),
            sort: Sort::Relevance,
            reverse: false,
            tree: false,
            parts: Vec::new(),
            parent: Vec::new(),
            depth: Vec::new(),
            projects: ListState::default(),
            goals: ListState::default(),
            chains: ListState::default(),
            sources: ListState::default(),
            reports: Default::default(),
            size: (120, 40),
            drawn: Drawn::default(),
            base: String::new(),
            attention: false,
            mouse: true,
            message: None,
            pending: None,
            undo: Vec::new(),
            redo: Vec::new(),
            stale: Stale::default(),
        };
        app.derive();
        app.sources.rows = crate::app::records::source_rows(&app.tracker, "");
        // An empty filter needs no search: every view is filled at once.
        app.stale = Stale::ALL;
        app.fill_all();
        app
    }

    /// The reports' texts, by source id, for the reader and quote checks.
    pub fn with_reports(mut self, reports: std::collections::HashMap<String, String>) -> App {
        self.reports = reports;
        self
    }

    /// After records were added, removed or renamed: the search keys are
    /// built again, then everything `refresh` does.
    pub fn reindex(&mut self) {
        self.indexed = false;
        self.refresh();
    }

    /// Builds the search keys unless they are built, asking `stop` between
    /// chunks of records whether to go on (the interface builds them while
    /// idle and gives way to a key). Returns whether they are built.
    pub fn ensure_index(&mut self, stop: &mut dyn FnMut() -> bool) -> bool {
        if self.indexed && self.index.covers(&self.tracker) {
            return true;
        }
        match SearchIndex::build_until(&self.tracker, true, stop) {
            Some(index) => {
                self.index = index;
                self.indexed = true;
                true
            }
            None => false,
        }
    }

    /// Selects the record `id` in its view (Projects, Goals or Sources),
    /// when the filter shows it.
    pub fn select_record(&mut self, id: &str) {
        let t = &self.tracker;
        if let Some(i) = self
            .projects
            .rows
            .iter()
            .position(|h| t.projects.get(h.index).is_some_and(|p| p.id == id))
        {
            self.projects.pos.selected = i;
        }
        if let Some(i) = self
            .goals
            .rows
            .iter()
            .position(|h| t.targets.get(h.index).is_some_and(|x| x.id == id))
        {
            self.goals.pos.selected = i;
        }
        if let Some(i) = self
            .sources
            .rows
            .iter()
            .position(|r| t.sources.get(r.source).is_some_and(|s| s.id == id))
        {
            self.sources.pos.selected = i;
        }
        for v in View::ALL {
            self.clamp(v);
        }
    }

    /// Sets the text the file holds, which saves are checked against.
    /// Without it the first save treats the file as changed on disk and
    /// merges (still safe, only slower).
    pub fn with_base(mut self, text: impl Into<String>) -> App {
        self.base = text.into();
        self
    }

    pub fn picker(&self) -> Option<&Picker> {
        match &self.overlay {
            Overlay::Picker(p) => Some(p),
            _ => None,
        }
    }

    pub fn status_pick(&self) -> Option<&StatusPick> {
        match &self.overlay {
            Overlay::StatusPick(p) => Some(p),
            _ => None,
        }
    }

    pub fn prompt(&self) -> Option<&Prompt> {
        match &self.overlay {
            Overlay::Prompt(p) => Some(p),
            _ => None,
        }
    }

    /// The conflict on screen, or one left for later.
    pub fn conflict(&self) -> Option<&ConflictState> {
        match &self.overlay {
            Overlay::Conflict(c) => Some(&c.state),
            _ => self.pending.as_ref().and_then(|p| p.deferred.as_ref()),
        }
    }

    pub fn detail_scroll(&self) -> Option<usize> {
        match &self.overlay {
            Overlay::Detail(d) => Some(d.scroll),
            _ => None,
        }
    }

    pub fn help_scroll(&self) -> Option<usize> {
        match &self.overlay {
            Overlay::Help(h) => Some(h.scroll),
            _ => None,
        }
    }

    /// What keys mean now.
    pub fn mode(&self) -> Mode {
        if self.screen().is_none() {
            return Mode::TooSmall;
        }
        self.overlay.mode()
    }

    pub fn say(&mut self, kind: MessageKind, text: impl Into<String>) {
        self.message = Some(Message {
            kind,
            text: text.into(),
        });
    }

    /// What follows from the records and is kept between keystrokes:
    /// each project's parent and parts. The sort keys of the names are
    /// dropped, to be computed again when a sort by name needs them.
    fn derive(&mut self) {
        self.project_keys.clear();
        self.goal_keys.clear();
        self.chain_keys.clear();
        let t = &self.tracker;
        // Most trackers have few parts: no map of ids without one.
        let by_id: std::collections::HashMap<&str, usize> =
            if t.projects.iter().any(|p| p.parent.is_some()) {
                t.projects
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p.id.as_str(), i))
                    .collect()
            } else {
                Default::default()
            };
        let parent: Vec<Option<usize>> = t
            .projects
            .iter()
            .map(|p| by_id.get(p.parent.as_deref()?).copied())
            .collect();
        let mut parts = vec![Vec::new(); t.projects.len()];
        for (i, j) in parent.iter().enumerate() {
            if let Some(j) = *j {
                parts[j].push(i);
            }
        }
        self.parts = parts;
        self.parent = parent;
    }

    /// The sort keys of the names (pinyin for Chinese), computed the first
    /// time a sort other than relevance needs them after a change.
    fn ensure_name_keys(&mut self) {
        let t = &self.tracker;
        if self.project_keys.len() != t.projects.len() {
            self.project_keys = par::map(&t.projects, |p| collate_key(&p.name_zh));
        }
        if self.goal_keys.len() != t.targets.len() {
            self.goal_keys = par::map(&t.targets, |x| collate_key(&x.metric_zh));
        }
        if self.chain_keys.len() != t.chains.len() {
            self.chain_keys = t.chains.iter().map(|c| collate_key(&c.name_zh)).collect();
        }
    }

    /// How deep project `i` sits in the tree (0 outside tree mode).
    pub fn tree_depth(&self, i: usize) -> usize {
        if self.tree {
            self.depth.get(i).copied().unwrap_or(0)
        } else {
            0
        }
    }

    /// A project's status as the Projects view shows it; in tree mode a
    /// parent adds how far its parts have got ("在建, parts 1/2 advancing").
    pub fn status_label(&self, i: usize) -> String {
        let Some(p) = self.tracker.projects.get(i) else {
            return String::new();
        };
        let parts = self.parts.get(i).map_or(&[][..], Vec::as_slice);
        if !self.tree || parts.is_empty() {
            return p.status.label_zh().to_string();
        }
        format!("{}, {}", p.status.label_zh(), self.parts_summary(i))
    }

    /// "parts 1/2 advancing": a parent's progress summarised from its parts
    /// (under construction, completed or operating count as advancing).
    pub fn parts_summary(&self, i: usize) -> String {
        let parts = self.parts.get(i).map_or(&[][..], Vec::as_slice);
        let advancing = parts
            .iter()
            .filter_map(|&j| self.tracker.projects.get(j))
            .filter(|p| p.status.has_reached(Status::UnderConstruction))
            .count();
        format!("parts {advancing}/{} advancing", parts.len())
    }

    /// In tree mode, puts each shown part right under its shown parent
    /// (parents keep the sorted order) and records depths.
    fn arrange_tree(&mut self, hits: Vec<Hit>) -> Vec<Hit> {
        self.depth = vec![0; self.tracker.projects.len()];
        if !self.tree {
            return hits;
        }
        let shown: std::collections::HashSet<usize> = hits.iter().map(|h| h.index).collect();
        let parent_of = |i: usize| {
            let j = self.parent.get(i).copied().flatten()?;
            shown.contains(&j).then_some(j)
        };
        let mut by_index: std::collections::HashMap<usize, Hit> =
            hits.iter().map(|h| (h.index, h.clone())).collect();
        let order: Vec<usize> = hits.iter().map(|h| h.index).collect();
        // The shown parts of each shown parent, in the sorted order.
        let mut children: std::collections::HashMap<usize, Vec<usize>> = Default::default();
        for &c in &order {
            if let Some(p) = parent_of(c) {
                children.entry(p).or_default().push(c);
            }
        }
        let mut out = Vec::with_capacity(hits.len());
        let mut stack: Vec<(usize, usize)> = order
            .iter()
            .rev()
            .filter(|&&i| parent_of(i).is_none())
            .map(|&i| (i, 0))
            .collect();
        while let Some((i, d)) = stack.pop() {
            let Some(h) = by_index.remove(&i) else {
                continue;
            };
            self.depth[i] = d;
            out.push(h);
            for &c in children.get(&i).into_iter().flatten().rev() {
                stack.push((c, d + 1));
            }
        }
        // Anything left (a loop of parents) keeps its place at the end.
        out.extend(order.iter().filter_map(|i| by_index.remove(i)));
        out
    }

    /// After the records changed in place (an edit, undo, a failed save):
    /// progress and lists are recomputed, each view staying on its record.
    pub fn refresh(&mut self) {
        // Records came or went (an undone creation or removal): the search
        // keys are by record index, so they are built again.
        if !self.index.covers(&self.tracker) {
            self.indexed = false;
        }
        self.progress = assess_all(&self.tracker, self.today);
        self.derive();
        let before = self.selected_ids();
        self.sources_changed();
        self.fill(Stale::ALL, &before, false, &mut || false);
    }

    /// Replaces the whole tracker (merged with, taken from or reloaded
    /// from the file on disk): keys are rebuilt and each view stays on the
    /// record it had, found again by id since indices may have moved.
    pub fn adopt(&mut self, tracker: Tracker, text: String) {
        let before = self.selected_ids();
        self.tracker = tracker;
        self.base = text;
        self.indexed = false;
        self.progress = assess_all(&self.tracker, self.today);
        self.derive();
        self.sources_changed();
        self.fill(Stale::ALL, &before, false, &mut || false);
    }

    /// The ids of the records each view has selected.
    fn selected_ids(&self) -> Selected {
        let t = &self.tracker;
        Selected {
            project: self
                .selected_project()
                .and_then(|i| t.projects.get(i))
                .map(|p| p.id.clone()),
            goal: self
                .selected_goal()
                .and_then(|i| t.targets.get(i))
                .map(|x| x.id.clone()),
            chain: self
                .selected_chain()
                .and_then(|i| t.chains.get(i))
                .map(|c| c.id.clone()),
        }
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
            View::Sources => self.sources.len(),
        }
    }

    /// Records in the whole tracker for the current view (the "87" of "12/87").
    pub fn total(&self) -> usize {
        match self.view {
            View::Projects => self.tracker.projects.len(),
            View::Goals => self.tracker.targets.len(),
            View::Chains => self.tracker.chains.len(),
            View::Sources => self.tracker.sources.len(),
        }
    }

    /// The position of `view`'s list.
    pub fn pos(&self, view: View) -> ListPos {
        match view {
            View::Projects => self.projects.pos,
            View::Goals => self.goals.pos,
            View::Chains => self.chains.pos,
            View::Sources => self.sources.pos,
        }
    }

    pub fn pos_mut(&mut self, view: View) -> &mut ListPos {
        match view {
            View::Projects => &mut self.projects.pos,
            View::Goals => &mut self.goals.pos,
            View::Chains => &mut self.chains.pos,
            View::Sources => &mut self.sources.pos,
        }
    }

    pub fn selected(&self) -> usize {
        self.pos(self.view).selected
    }

    pub fn offset(&self) -> usize {
        self.pos(self.view).offset
    }

    /// Tracker index of the selected project, if the Projects view has one.
    pub fn selected_project(&self) -> Option<usize> {
        self.projects.current().map(|h| h.index)
    }

    pub fn selected_goal(&self) -> Option<usize> {
        self.goals.current().map(|h| h.index)
    }

    pub fn selected_chain(&self) -> Option<usize> {
        self.chains.current().map(|r| r.chain)
    }

    /// Where the list body is, at the current size, with what this view
    /// and the message take from it.
    pub fn screen(&self) -> Option<Screen> {
        self.screen_in(self.size.0, self.size.1)
    }

    pub fn screen_in(&self, width: u16, height: u16) -> Option<Screen> {
        let s = Screen::of(width, height)?;
        let legend = self.legend_rows(s);
        let mut s = s.less(legend + self.message_rows(width, height));
        s.legend_rows = legend;
        Some(s)
    }

    /// Rows the Chains legend takes (none in other views or when short).
    pub fn legend_rows(&self, s: Screen) -> u16 {
        if self.view == View::Chains && s.body_rows >= 4 * LEGEND_ROWS {
            LEGEND_ROWS
        } else {
            0
        }
    }

    /// Rows above the status bar for a message too long to share it: the
    /// message wrapped at words, never cut (the list keeps one row).
    pub fn message_rows(&self, width: u16, height: u16) -> u16 {
        let Some(m) = &self.message else {
            return 0;
        };
        let w = width as usize;
        // The bar holds the count, "! needs attention" and the help hint.
        let bar = 12 + if self.attention { 19 } else { 0 } + 8;
        if crate::text::width(&m.text) + bar <= w {
            return 0;
        }
        let rows = crate::text::wrap_words(&m.text, w, 2).len() as u16;
        rows.min(height.saturating_sub(KEEP_ROWS)).max(1)
    }

    pub fn page(&self) -> usize {
        self.screen().map_or(1, |f| f.body_rows.max(1) as usize)
    }

    /// Reruns the filter and sort after the query changed, keeping each
    /// view on the record it had selected when that record is still visible.
    pub fn refilter(&mut self) {
        self.filter_changed();
        self.settle(&mut || false);
    }

    /// The query, sort or `!` changed: every list view is out of date.
    /// Nothing is computed yet (`settle` does it, for the view on screen),
    /// so keys typed faster than a pass cost one pass, not one each.
    pub fn filter_changed(&mut self) {
        self.stale = Stale::ALL;
        self.ensure_index(&mut || false);
        // `status:foo` or `chain:nosuch` would show nothing without a word.
        let unknown = self.index.unknown_values(&Query::parse(&self.query));
        if !unknown.is_empty() {
            let what: Vec<String> = unknown.iter().map(|u| u.describe()).collect();
            self.say(MessageKind::Error, what.join("; "));
        }
    }

    /// Brings every view up to date now, as each would show when switched
    /// to (normally only the view on screen is, see `settle`).
    pub fn fill_all(&mut self) {
        if self.stale.any() {
            let before = self.selected_ids();
            let top = self.sort == Sort::Relevance && !self.query.trim().is_empty();
            self.fill(self.stale, &before, top, &mut || false);
        }
    }

    /// Brings the view on screen up to date after a filter change, asking
    /// `stop` between chunks of records whether the pass is still wanted.
    /// Returns false when it was stopped (the rows stay as they were and
    /// stay marked out of date); true when the view is up to date.
    pub fn settle(&mut self, stop: &mut dyn FnMut() -> bool) -> bool {
        let need = self.stale.needed_by(self.view);
        if !need.any() {
            return true;
        }
        let before = self.selected_ids();
        // A changed query puts the best match on top.
        let top = self.sort == Sort::Relevance && !self.query.trim().is_empty();
        self.fill(need, &before, top, stop)
    }

    /// Whether a project shows under `!`: stalled, a milestone overdue, or
    /// a promise that slipped.
    pub fn project_needs_attention(&self, i: usize) -> bool {
        self.tracker
            .projects
            .get(i)
            .is_some_and(|p| crate::domain::progress::project_needs_attention(p, self.today))
    }

    /// Whether a goal shows under `!`: at risk or unreported.
    pub fn goal_needs_attention(&self, i: usize) -> bool {
        self.progress
            .get(i)
            .is_some_and(|p| p.state.needs_attention())
    }

    /// The source rows, after records changed (their counts of citing
    /// records); they do not depend on the filter.
    fn sources_changed(&mut self) {
        let t = &self.tracker;
        let sources = crate::app::records::source_rows(t, "");
        let was = self
            .sources
            .current()
            .and_then(|r| t.sources.get(r.source))
            .map(|s| s.id.clone());
        self.sources.replace(sources, |r| {
            was.as_ref() == t.sources.get(r.source).map(|s| &s.id)
        });
    }

    /// Filter, `!`, sort, scoreboard, then the selection, for the views in
    /// `which`: each stays on the record it was on (`before`) when still
    /// shown, unless `top` puts the best match first. Returns false, with
    /// nothing changed, when `stop` ended the pass.
    fn fill(
        &mut self,
        which: Stale,
        before: &Selected,
        top: bool,
        stop: &mut dyn FnMut() -> bool,
    ) -> bool {
        let q = Query::parse(&self.query);
        if self.sort != Sort::Relevance {
            self.ensure_name_keys();
        }
        // An empty query shows every record: no search keys needed.
        if !q.is_empty() && !self.ensure_index(stop) {
            return false;
        }
        // Scores only: highlights are computed for the rows in view.
        let projects = if which.projects {
            let Some(mut hits) = self.index.search_projects_until(&self.tracker, &q, stop) else {
                return false;
            };
            if self.attention {
                hits.retain(|h| self.project_needs_attention(h.index));
            }
            self.sort_projects(&mut hits);
            Some(hits)
        } else {
            None
        };
        let goals = if which.goals {
            let states: Vec<ProgressState> = self.progress.iter().map(|p| p.state).collect();
            let Some(mut hits) = self.index.search_targets_until(&q, &states, stop) else {
                return false;
            };
            if self.attention {
                hits.retain(|h| self.goal_needs_attention(h.index));
            }
            self.sort_goals(&mut hits);
            Some(hits)
        } else {
            None
        };
        let is = |id: &Option<String>, got: Option<&String>| !top && id.as_ref() == got;
        if let Some(hits) = projects {
            let hits = self.arrange_tree(hits);
            let t = &self.tracker;
            self.projects.replace(hits, |h| {
                is(&before.project, t.projects.get(h.index).map(|p| &p.id))
            });
            if top {
                self.projects.pos.selected = 0;
            }
            self.stale.projects = false;
        }
        if let Some(hits) = goals {
            let t = &self.tracker;
            self.goals.replace(hits, |h| {
                is(&before.goal, t.targets.get(h.index).map(|x| &x.id))
            });
            if top {
                self.goals.pos.selected = 0;
            }
            self.stale.goals = false;
        }
        if which.chains {
            // The scoreboard counts exactly what the other views show.
            let chains = self.chain_rows(&self.projects.rows, &self.goals.rows);
            let t = &self.tracker;
            self.chains.replace(chains, |r| {
                before.chain.as_ref() == t.chains.get(r.chain).map(|c| &c.id)
            });
            self.stale.chains = false;
        }
        for v in View::ALL {
            self.clamp(v);
        }
        self.highlight_visible();
        true
    }

    /// Fills the highlights of the project and goal rows in view: matched
    /// letters are computed for what is drawn, not for every hit.
    pub fn highlight_visible(&mut self) {
        if self.query.trim().is_empty() {
            return;
        }
        let q = Query::parse(&self.query);
        let page = self.page();
        let window = |len: usize, offset: usize| offset.min(len)..(offset + page).min(len);
        let r = window(self.projects.rows.len(), self.projects.pos.offset);
        self.index
            .highlight_projects(&q, &mut self.projects.rows[r]);
        let r = window(self.goals.rows.len(), self.goals.pos.offset);
        self.index.highlight_targets(&q, &mut self.goals.rows[r]);
    }

    /// Keeps the selection inside the list and visible in the body.
    pub fn clamp(&mut self, view: View) {
        let (len, rows) = (self.len_of(view), self.page());
        self.pos_mut(view).clamp(len, rows);
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

    /// Sorts `hits` by `cmp` (then by name), the other way under `O`;
    /// relevance keeps the matcher's order (reversed under `O`).
    fn sort_hits(&self, hits: &mut [Hit], keys: &[String], cmp: impl Fn(&Hit, &Hit) -> Ordering) {
        let key = |h: &Hit| keys.get(h.index).map_or("", String::as_str);
        if self.sort != Sort::Relevance {
            hits.sort_by(|a, b| cmp(a, b).then_with(|| key(a).cmp(key(b))));
        }
        if self.reverse {
            hits.reverse();
        }
    }

    fn sort_projects(&self, hits: &mut [Hit]) {
        let t = &self.tracker;
        let today = self.today;
        let p = |h: &Hit| &t.projects[h.index];
        self.sort_hits(hits, &self.project_keys, |a, b| {
            let (pa, pb) = (p(a), p(b));
            match self.sort {
                Sort::Relevance | Sort::Name => Ordering::Equal,
                Sort::Status => pa.status.cmp(&pb.status),
                Sort::Chain => self.chain_pos(&pa.chain).cmp(&self.chain_pos(&pb.chain)),
                Sort::Area => self
                    .area_pos(pa.area.as_ref())
                    .cmp(&self.area_pos(pb.area.as_ref())),
                Sort::NextDue => {
                    let due = |p| next_milestone(p).map(|(_, m)| m.due.last_day());
                    due_order(due(pa), due(pb), today)
                }
            }
        });
    }

    fn sort_goals(&self, hits: &mut [Hit]) {
        let t = &self.tracker;
        let today = self.today;
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
        self.sort_hits(hits, &self.goal_keys, |a, b| {
            let (ga, gb) = (&t.targets[a.index], &t.targets[b.index]);
            match self.sort {
                Sort::Relevance | Sort::Name => Ordering::Equal,
                Sort::Status => state_pos(a.index).cmp(&state_pos(b.index)),
                Sort::Chain => self.chain_pos(&ga.chain).cmp(&self.chain_pos(&gb.chain)),
                Sort::Area => self
                    .area_pos(ga.area.as_ref())
                    .cmp(&self.area_pos(gb.area.as_ref())),
                Sort::NextDue => due_order(Some(ga.period.end()), Some(gb.period.end()), today),
            }
        });
    }

    /// The scoreboard over the records the other views show, ranked (or,
    /// sorted by name, in pinyin order).
    fn chain_rows(&self, projects: &[Hit], goals: &[Hit]) -> Vec<ChainRow> {
        let t = &self.tracker;
        // Count the visible records by reference, with the states already
        // assessed: no copies and no re-assessment on a keystroke.
        let ps = projects.iter().filter_map(|h| t.projects.get(h.index));
        let gs = goals.iter().filter_map(|h| {
            let state = self.progress.get(h.index)?.state;
            Some((t.targets.get(h.index)?, state))
        });
        let mut rows: Vec<ChainRow> = ranked(summarize(&t.chains, ps, gs, self.today))
            .into_iter()
            .filter(|s| self.query.trim().is_empty() && !self.attention || s.projects + s.goals > 0)
            .enumerate()
            .filter_map(|(i, summary)| {
                let chain = t.chains.iter().position(|c| c.id == summary.chain)?;
                Some(ChainRow {
                    chain,
                    rank: i + 1,
                    summary,
                })
            })
            .collect();
        if self.sort == Sort::Name {
            let key = |r: &ChainRow| self.chain_keys.get(r.chain).cloned().unwrap_or_default();
            rows.sort_by_key(key);
        }
        if self.reverse {
            rows.reverse();
        }
        rows
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

/// The ids each view had selected, to find them again after a rebuild.
struct Selected {
    project: Option<String>,
    goal: Option<String>,
    chain: Option<String>,
}

/// "Next due" order: what falls due soonest from `today` first, then what
/// is already past (the most recently missed first), then nothing due.
fn due_order(a: Option<NaiveDate>, b: Option<NaiveDate>, today: NaiveDate) -> Ordering {
    let rank = |d: Option<NaiveDate>| match d {
        Some(d) if d >= today => (0, (d - today).num_days()),
        Some(d) => (1, (today - d).num_days()),
        None => (2, 0),
    };
    rank(a).cmp(&rank(b))
}

fn assess_all(t: &Tracker, today: NaiveDate) -> Vec<Progress> {
    par::map(&t.targets, |x| assess(x, today))
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
    fn next_due_puts_the_soonest_first() {
        let d = |s| crate::domain::date::parse_day(s).expect("date");
        let today = d("2024-09-01");
        let mut dates = vec![
            None,
            Some(d("2019-12-31")),
            Some(d("2025-06-30")),
            Some(d("2024-12-31")),
            Some(d("2024-03-31")),
        ];
        dates.sort_by(|a, b| due_order(*a, *b, today));
        assert_eq!(
            dates,
            [
                Some(d("2024-12-31")),
                Some(d("2025-06-30")),
                Some(d("2024-03-31")),
                Some(d("2019-12-31")),
                None
            ]
        );
    }

    #[test]
    fn tiny_sizes_have_no_frame() {
        assert!(Screen::of(1, 1).is_none());
        assert_eq!(Screen::of(40, 12).map(|f| f.body_rows), Some(7));
        assert!(Screen::of(MIN_WIDTH - 1, 40).is_none());
    }
}
