//! Everything the screen shows. What all views share (the tracker, the
//! filter, the overlay, messages, undo) is here; each list view owns its
//! rows, order and view-only data (`views`). Derived lists are recomputed
//! when the query, the sort or the data change, never on draw.

use crate::domain::edit::{Change, Record};
use crate::domain::search::{Field, Hit, Query, SearchIndex};
use crate::domain::{Status, Tracker};
use chrono::NaiveDate;

pub use super::views::{
    ChainRow, Chains, Ctx, Goals, ListPos, ListState, Order, Projects, Sort, Sources,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Projects,
    Goals,
    Chains,
    /// The reports, each opening in the reader.
    Sources,
}

impl View {
    /// In tab order; a new view is a new variant here and a struct in `views`, held by `App`.
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
    /// `C`: the conflicts a merge left in the file, settled one by one.
    Merged,
    /// The terminal is below the minimum size: only quitting works, so no
    /// key changes anything nobody can see.
    TooSmall,
}

impl Mode {
    /// In the order the help overlay lists them.
    pub const ALL: [Mode; 16] = [
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
        Mode::Merged,
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
            Mode::Merged => "Conflicts from a merge (C)",
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
    Merged(Merged),
}

/// `C`: the conflicts a merge left in the file (`domain::merge`), each
/// with what either side had and who made it.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The conflicts as the file holds them now.
    pub items: Vec<crate::domain::merge::Found>,
    pub selected: usize,
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
    /// `x` on a retracted entry (shown with `A`): yes counts it again.
    Restore {
        id: String,
        entry: crate::domain::edit::Entry,
        over: Option<Detail>,
    },
    /// Esc in a form with typing in it: drop the form.
    Discard(Box<crate::app::records::Form>),
    /// A guard asked (a name like an existing record's, a value out of
    /// scale): yes saves the form's edits as they are, no goes back to it.
    Proceed {
        form: Box<crate::app::records::Form>,
        edits: Vec<crate::domain::edit::Edit>,
    },
    /// `e` gave a value out of scale: yes goes on to its date, no back to
    /// the value.
    ValueAnyway { prompt: Prompt, value: f64 },
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
            Overlay::Merged(_) => Mode::Merged,
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
    /// The entry selected (Tab), among those shown: what `x` retracts
    /// and `E` edits (a milestone).
    pub cursor: Option<usize>,
    /// `A`: retracted entries shown too.
    pub all: bool,
    /// The selection just moved: the drawing scrolls it into view.
    pub reveal: bool,
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
    /// The as-of date of a new actual value (today, or as precise as known).
    ActualDate { target: String, value: f64 },
    /// The optional note of a new actual value.
    ActualNote {
        target: String,
        value: f64,
        date: crate::domain::PartialDate,
    },
    /// The day (or month, or year) the next milestone was reached.
    MarkDate { project: String },
    /// Why an entry is taken back.
    Reason {
        id: String,
        entry: crate::domain::edit::Entry,
    },
    /// A value of one's own for a field a merge left set two ways.
    ConflictValue { id: String, field: String },
}

/// The question `m` asks before recording a milestone: what it will
/// record, and whether to move the status to the one the milestone expects.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub project: String,
    pub date: crate::domain::PartialDate,
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
    /// The form this change was saved from, as it was: a refused save
    /// opens it again, with what was typed and the refusal beside its field.
    pub form: Option<Box<crate::app::records::Form>>,
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
    /// The scroll the details were drawn at, when they brought the
    /// selected entry into view (`Detail::reveal`).
    pub scroll: Option<usize>,
}

pub struct App {
    pub file_label: String,
    pub today: NaiveDate,
    /// Who is at the keyboard: recorded as `by` on what they add.
    pub by: Option<String>,
    pub tracker: Tracker,
    /// The search keys; built when first needed (`ensure_index`), so
    /// the first frame never waits for them.
    pub index: SearchIndex,
    /// Whether `index` is built for the records as they are.
    pub indexed: bool,
    pub view: View,
    pub overlay: Overlay,
    /// The filter line, shared by every list view.
    pub query: String,
    /// `!`: only stalled projects or ones with overdue or slipped
    /// milestones, at-risk or unreported goals (in every view).
    pub attention: bool,
    /// Each view's own state: rows, position, order, view-only data.
    pub projects: Projects,
    pub goals: Goals,
    pub chains: Chains,
    pub sources: Sources,
    /// Each source's report text, by source id (read by the event loop;
    /// the reader and the form's quote check use it).
    pub reports: std::collections::HashMap<String, String>,
    pub size: (u16, u16),
    /// What the last drawing reported.
    pub drawn: Drawn,
    /// The text the file holds (as loaded, last saved or reloaded): what a
    /// save compares the disk against.
    pub base: String,
    /// Whether the terminal's mouse is captured (off: text can be selected).
    pub mouse: bool,
    pub message: Option<Message>,
    pub pending: Option<Pending>,
    /// Saved changes, newest last.
    pub undo: Vec<Change>,
    pub redo: Vec<Change>,
    /// A filter pass may rank only the rows in view and leave the rest to
    /// `rank_rest` (the event loop sets it, and ranks the rest while idle;
    /// every action but drawing ranks them first).
    pub page_first: bool,
}

/// The list views whose rows are to be computed in one pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Stale {
    projects: bool,
    goals: bool,
    chains: bool,
}

impl Stale {
    const ALL: Stale = Stale {
        projects: true,
        goals: true,
        chains: true,
    };

    fn any(self) -> bool {
        self.projects || self.goals || self.chains
    }
}

impl App {
    pub fn new(tracker: Tracker, file_label: impl Into<String>, today: NaiveDate) -> App {
        // Search keys (pinyin, lower case) are computed once, never per
        // keystroke: when first needed, or while the interface is idle.
        let mut app = App {
            file_label: file_label.into(),
            today,
            by: None,
            tracker,
            index: SearchIndex::default(),
            indexed: false,
            view: View::Projects,
            overlay: Overlay::None,
            query: String::new(),
            attention: false,
            projects: Projects::default(),
            goals: Goals::default(),
            chains: Chains::default(),
            sources: Sources::default(),
            reports: Default::default(),
            size: (120, 40),
            drawn: Drawn::default(),
            base: String::new(),
            mouse: true,
            message: None,
            pending: None,
            undo: Vec::new(),
            redo: Vec::new(),
            page_first: false,
        };
        app.derive();
        // An empty filter needs no search: every view is filled at once.
        app.mark_stale();
        app.fill_all();
        app
    }

    /// Who is at the keyboard (`by` on what they add).
    pub fn with_by(mut self, by: Option<String>) -> App {
        self.by = by;
        self
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
            .list
            .rows
            .iter()
            .position(|h| t.projects.get(h.index).is_some_and(|p| p.id == id))
        {
            self.projects.list.pos.selected = i;
        }
        if let Some(i) = self
            .goals
            .list
            .rows
            .iter()
            .position(|h| t.targets.get(h.index).is_some_and(|x| x.id == id))
        {
            self.goals.list.pos.selected = i;
        }
        if let Some(i) = self
            .sources
            .list
            .rows
            .iter()
            .position(|r| t.sources.get(r.source).is_some_and(|s| s.id == id))
        {
            self.sources.list.pos.selected = i;
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

    /// What each view keeps that follows from the records: the tree of
    /// parts, the goals' progress, the source rows; sort keys dropped.
    fn derive(&mut self) {
        self.projects.derive(&self.tracker);
        self.goals.derive(&self.tracker, self.today);
        self.chains.derive();
        self.sources.derive(&self.tracker);
    }

    fn mark_stale(&mut self) {
        self.projects.stale = true;
        self.goals.stale = true;
        self.chains.stale = true;
    }

    fn stale(&self) -> Stale {
        Stale {
            projects: self.projects.stale,
            goals: self.goals.stale,
            chains: self.chains.stale,
        }
    }

    /// What `view` needs computed: the Chains scoreboard counts the
    /// projects and goals the other views show.
    fn needed_by(&self, view: View) -> Stale {
        let s = self.stale();
        match view {
            View::Projects => Stale {
                projects: s.projects,
                ..Stale::default()
            },
            View::Goals => Stale {
                goals: s.goals,
                ..Stale::default()
            },
            View::Chains if s.chains => s,
            View::Chains | View::Sources => Stale::default(),
        }
    }

    /// The order of `view`'s list (`o`, `O`).
    pub fn order(&self, view: View) -> Order {
        match view {
            View::Projects => self.projects.order,
            View::Goals => self.goals.order,
            View::Chains => self.chains.order,
            View::Sources => self.sources.order,
        }
    }

    pub fn order_mut(&mut self, view: View) -> &mut Order {
        match view {
            View::Projects => &mut self.projects.order,
            View::Goals => &mut self.goals.order,
            View::Chains => &mut self.chains.order,
            View::Sources => &mut self.sources.order,
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
        self.mark_stale();
        self.ensure_index(&mut || false);
        // `status:foo` or `chain:nosuch` would show nothing without a word.
        let unknown = self.index.unknown_values(&Query::parse(&self.query));
        if !unknown.is_empty() {
            let what: Vec<String> = unknown.iter().map(|u| u.describe()).collect();
            self.say(MessageKind::Error, what.join("; "));
        }
    }

    /// Whether a changed query puts the best match on top of `view`.
    fn best_on_top(&self) -> bool {
        !self.query.trim().is_empty()
    }

    /// Brings every view up to date now, as each would show when switched
    /// to (normally only the view on screen is, see `settle`).
    pub fn fill_all(&mut self) {
        let stale = self.stale();
        if stale.any() {
            let before = self.selected_ids();
            self.fill(stale, &before, self.best_on_top(), &mut || false);
        }
    }

    /// Brings the view on screen up to date after a filter change, asking
    /// `stop` between chunks of records whether the pass is still wanted.
    /// Returns false when it was stopped (the rows stay as they were and
    /// stay marked out of date); true when the view is up to date.
    pub fn settle(&mut self, stop: &mut dyn FnMut() -> bool) -> bool {
        let need = self.needed_by(self.view);
        if !need.any() {
            return true;
        }
        let before = self.selected_ids();
        self.fill(need, &before, self.best_on_top(), stop)
    }

    /// Filter, `!`, sort, scoreboard, then the selection, for the views in
    /// `which`: each stays on the record it was on (`before`) when still
    /// shown, unless `top` puts the best match first (in a view sorted by
    /// relevance). Returns false, with nothing changed, when `stop` ended
    /// the pass.
    fn fill(
        &mut self,
        which: Stale,
        before: &Selected,
        top: bool,
        stop: &mut dyn FnMut() -> bool,
    ) -> bool {
        let q = Query::parse(&self.query);
        // An empty query shows every record: no search keys needed.
        if !q.is_empty() && !self.ensure_index(stop) {
            return false;
        }
        let ctx = Ctx {
            tracker: &self.tracker,
            today: self.today,
            query: &q,
            unfiltered: self.query.trim().is_empty(),
            attention: self.attention,
        };
        // Scores only: highlights are computed for the rows in view. A
        // view sorted by relevance may get only its first page ranked.
        let page = (self.page_first && top).then(|| self.page());
        let projects = if which.projects {
            let Some(hits) = self.projects.search(&ctx, &self.index, page, stop) else {
                return false;
            };
            Some(hits)
        } else {
            None
        };
        let goals = if which.goals {
            let Some(hits) = self.goals.search(&ctx, &self.index, page, stop) else {
                return false;
            };
            Some(hits)
        } else {
            None
        };
        let t = &self.tracker;
        let is = |top: bool, id: &Option<String>, got: Option<&String>| !top && id.as_ref() == got;
        if let Some((hits, ranked)) = projects {
            self.projects.unranked = !ranked;
            let top = top && self.projects.order.by == Sort::Relevance;
            let list = &mut self.projects.list;
            list.replace(hits, |h| {
                is(top, &before.project, t.projects.get(h.index).map(|p| &p.id))
            });
            if top {
                list.pos.selected = 0;
            }
            self.projects.stale = false;
        }
        if let Some((hits, ranked)) = goals {
            self.goals.unranked = !ranked;
            let top = top && self.goals.order.by == Sort::Relevance;
            let list = &mut self.goals.list;
            list.replace(hits, |h| {
                is(top, &before.goal, t.targets.get(h.index).map(|x| &x.id))
            });
            if top {
                list.pos.selected = 0;
            }
            self.goals.stale = false;
        }
        if which.chains {
            // The scoreboard counts exactly what the other views show.
            let chains = self.chains.scoreboard(
                &ctx,
                &self.projects.list.rows,
                &self.goals.list.rows,
                &self.goals.progress,
            );
            self.chains.list.replace(chains, |r| {
                before.chain.as_ref() == t.chains.get(r.chain).map(|c| &c.id)
            });
            self.chains.stale = false;
        }
        for v in View::ALL {
            self.clamp(v);
        }
        self.highlight_visible();
        true
    }

    /// Whether a view's rows past its first page wait to be ranked (a
    /// view out of date waits for its filter pass instead).
    pub fn unranked(&self) -> bool {
        self.projects.unranked && !self.projects.stale || self.goals.unranked && !self.goals.stale
    }

    /// Ranks the rows that a filter pass left unranked (past the first
    /// page, `page_first`), asking `stop` between chunks of records
    /// whether to go on: `None` when it said stop (the rows stay as they
    /// were), else whether any row in view, the selection or a count
    /// changed (never, when the page was ranked right; the frame drawn
    /// stands).
    pub fn rank_rest(&mut self, stop: &mut dyn FnMut() -> bool) -> Option<bool> {
        if !self.unranked() {
            return Some(false);
        }
        let q = Query::parse(&self.query);
        let ctx = Ctx {
            tracker: &self.tracker,
            today: self.today,
            query: &q,
            unfiltered: self.query.trim().is_empty(),
            attention: self.attention,
        };
        let page = self.page();
        let seen = |list: &ListState<Hit>| {
            let shown = list.pos.offset.min(list.len())..(list.pos.offset + page).min(list.len());
            let rows: Vec<usize> = list.rows[shown].iter().map(|h| h.index).collect();
            (rows, list.len(), list.pos)
        };
        // The ranked rows in, the same record kept selected: whether
        // anything in view moved.
        let take = |list: &mut ListState<Hit>, hits: Vec<Hit>| {
            let before = seen(list);
            let was = list.current().map(|h| h.index);
            list.replace(hits, |h| Some(h.index) == was);
            seen(list) != before
        };
        let mut changed = false;
        if self.projects.unranked && !self.projects.stale {
            let (hits, _) = self.projects.search(&ctx, &self.index, None, stop)?;
            changed |= take(&mut self.projects.list, hits);
            self.projects.unranked = false;
        }
        if self.goals.unranked && !self.goals.stale {
            let (hits, _) = self.goals.search(&ctx, &self.index, None, stop)?;
            changed |= take(&mut self.goals.list, hits);
            self.goals.unranked = false;
        }
        for v in View::ALL {
            self.clamp(v);
        }
        self.highlight_visible();
        Some(changed)
    }

    /// Fills the highlights of the project and goal rows in view: matched
    /// letters are computed for what is drawn, not for every hit.
    pub fn highlight_visible(&mut self) {
        if self.query.trim().is_empty() {
            return;
        }
        // Once per page of rows found: every action, each frame drawn
        // included, passes here (a long pasted word costs milliseconds
        // a page).
        let page = self.page();
        let (p, g) = (
            self.projects.list.to_light(page),
            self.goals.list.to_light(page),
        );
        if p.is_empty() && g.is_empty() {
            return;
        }
        let q = Query::parse(&self.query);
        self.index
            .highlight_projects(&q, &mut self.projects.list.rows[p]);
        self.index
            .highlight_targets(&q, &mut self.goals.list.rows[g]);
    }

    /// Keeps the selection inside the list and visible in the body.
    pub fn clamp(&mut self, view: View) {
        let (len, rows) = (self.len_of(view), self.page());
        self.pos_mut(view).clamp(len, rows);
    }

    /// After the records changed in place (an edit, undo, a failed save):
    /// progress and lists are recomputed, each view staying on its record.
    pub fn refresh(&mut self) {
        // Records came or went (an undone creation or removal): the search
        // keys are by record index, so they are built again.
        if !self.index.covers(&self.tracker) {
            self.indexed = false;
        }
        let before = self.selected_ids();
        self.derive();
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
        self.derive();
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
            View::Projects => self.projects.list.len(),
            View::Goals => self.goals.list.len(),
            View::Chains => self.chains.list.len(),
            View::Sources => self.sources.list.len(),
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
            View::Projects => self.projects.list.pos,
            View::Goals => self.goals.list.pos,
            View::Chains => self.chains.list.pos,
            View::Sources => self.sources.list.pos,
        }
    }

    pub fn pos_mut(&mut self, view: View) -> &mut ListPos {
        match view {
            View::Projects => &mut self.projects.list.pos,
            View::Goals => &mut self.goals.list.pos,
            View::Chains => &mut self.chains.list.pos,
            View::Sources => &mut self.sources.list.pos,
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
        self.projects.selected()
    }

    pub fn selected_goal(&self) -> Option<usize> {
        self.goals.selected()
    }

    pub fn selected_chain(&self) -> Option<usize> {
        self.chains.selected()
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
}

/// The ids each view had selected, to find them again after a rebuild.
struct Selected {
    project: Option<String>,
    goal: Option<String>,
    chain: Option<String>,
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
        assert!(Screen::of(MIN_WIDTH - 1, 40).is_none());
    }
}
