//! Intents the interface understands, named as verbs, and the effects
//! `update` asks the event loop to carry out.

use super::state::{Drawn, PickerKind, View};
use crate::domain::edit::{Change, Record};
use crate::domain::Tracker;

/// Not `Copy`: the outcome of a save carries the tracker read from disk.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Quit,
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextView,
    PrevView,
    ShowView(View),
    /// Enter: open the details of the selected row (or, on a chain, its projects).
    OpenDetail,
    /// Esc in the list: close what is open, else clear the filter.
    Back,
    OpenFilter,
    /// Enter on the filter line: keep the filter, go back to the list.
    AcceptFilter,
    /// Esc on the filter line: clear the filter.
    CancelFilter,
    /// Types a character into the line being edited (filter, picker or prompt).
    Input(char),
    /// Text pasted (bracketed by the terminal): one edit of the line or
    /// field being edited, whatever its length.
    Paste(String),
    DeleteChar,
    ClearLine,
    OpenPicker(PickerKind),
    /// Up/down/accept/cancel in whichever picker is open (chain, area, status).
    PickerUp,
    PickerDown,
    PickerAccept,
    PickerCancel,
    CycleSort,
    /// `O`: the current sort the other way round.
    ReverseSort,
    /// `T`: parts under their parent project, or a flat list.
    ToggleTree,
    ToggleHelp,
    CloseOverlay,
    ScrollUp,
    ScrollDown,
    /// A mouse click at a screen cell.
    Click {
        column: u16,
        row: u16,
    },
    Resize {
        width: u16,
        height: u16,
    },
    /// What the drawing laid out (content heights), fed back after each draw.
    Drawn(Drawn),
    /// `R`: read the file again now.
    Reload,
    /// The file was read again (on `R`, or because it changed on disk).
    Reloaded {
        tracker: Box<Tracker>,
        text: String,
        /// Someone else changed it (the poll noticed), rather than `R`.
        external: bool,
    },
    /// Reading the file again failed; the message says why.
    ReloadFailed(String),
    /// Release or capture the mouse (released, the terminal selects text).
    ToggleMouse,

    // Editing (issue 5).
    /// `s`: open the status picker for the selected project.
    EditStatus,
    /// `e`: edit the selected goal's actual value.
    EditActual,
    /// `m`: mark the selected project's next milestone reached (asks the date).
    MarkMilestone,
    /// Tab / Shift-Tab in the details: select the next / previous entry
    /// (history, milestone, mark, slip, observation).
    NextEntry,
    PrevEntry,
    /// `x` in the details: take back the selected entry, asking why first.
    Retract,
    /// `A` in the details: show the retracted entries too, or hide them.
    ToggleRetracted,
    /// `n` in a project's details: the form for a new milestone.
    NewMilestone,
    Undo,
    Redo,
    /// `!`: show only what needs attention.
    ToggleAttention,
    /// Enter in a prompt: take the value (or note) typed.
    Submit,
    /// Esc in a prompt: drop the edit, nothing is saved.
    CancelEdit,
    /// `y`/Enter on the milestone question: record it, and the status it
    /// expects when one is offered, in one undoable step.
    Accept,
    /// `n` on the milestone question: record the milestone, leave the status.
    Decline,
    /// After a conflict: write our version of the record over the file's.
    KeepMine,
    /// After a conflict: adopt the file's version, dropping ours.
    TakeTheirs,
    /// After a conflict: decide later. Nothing is written; the change stays
    /// pending and the conflict is offered again on the next edit key or
    /// reload.
    DecideLater,

    // Records (issue 9).
    /// `n`: a form for a new project or goal.
    NewRecord,
    /// `E`: the form on the selected record.
    EditRecord,
    /// `D`: delete the selected record, after a question naming it.
    DeleteRecord,
    /// Tab / Shift-Tab in the form (a choice field takes its best match).
    FormNext,
    FormPrev,
    /// Ctrl-S: save the form when every field is valid.
    FormSave,
    /// Esc in the form: close it, asking first if something was typed.
    FormCancel,
    /// Moving the reader's cursor.
    ReaderDown,
    ReaderUp,
    ReaderLeft,
    ReaderRight,
    ReaderPageDown,
    ReaderPageUp,
    /// `n` / `N`: the next / previous quoted passage.
    NextPassage,
    PrevPassage,
    /// `v`: start (or drop) a selection at the cursor.
    StartSelection,
    /// Enter: end the selection, or go to the record citing the passage.
    ReaderEnter,
    /// `/`: find words in the report; Enter finds them.
    ReaderSearch,
    ReaderFind,
    /// `a`: cite the selection as…
    Cite,
    /// …a new project, goal or result, history entry or observation.
    CiteAs(crate::app::records::FormKind),
    /// Esc in the reader: back one step (search, choice, selection, reader).
    ReaderBack,

    /// `C`: the conflicts a merge left.
    OpenConflicts,
    /// Settle the selected conflict: ours or theirs.
    SettleConflict(crate::domain::merge::Choice),
    /// Settle it with a value of one's own (asks for it).
    SettleTyped,
    /// `S`: commit, pull the team's changes, push (`sync`).
    Sync,
    /// What the running sync is doing ("pulling").
    SyncProgress(String),
    /// How the sync ended: what it said, or why it stopped.
    Synced(Result<String, String>),

    // Outcomes of `Effect::Save` / `Effect::KeepMine`, fed back by the loop.
    /// Written over the file; `text` is what the file now holds.
    Saved {
        text: String,
    },
    /// The file had changed on disk elsewhere: our change was re-applied
    /// over it, and `tracker`/`text` are the new state.
    Merged {
        tracker: Box<Tracker>,
        text: String,
    },
    /// Someone changed the same record on disk; nothing was written.
    Conflict {
        theirs: Option<Box<Record>>,
        disk: Box<Tracker>,
        disk_text: String,
    },
    /// Nothing was written; the message says why.
    SaveFailed(String),
}

/// Work `update` cannot do itself (it does no IO).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    /// Save `change`, already applied to `App::tracker`, against `App::base`.
    /// (Boxed: records are large, `Quit` is not.)
    Save(Box<Change>),
    /// Read the file again and report it as `Action::Reloaded`.
    Reload,
    /// Capture the mouse (true) or release it.
    SetMouse(bool),
    /// Run `sync` (commit, pull, push) away from the interface's thread,
    /// reporting `SyncProgress` and then `Synced`.
    Sync,
    /// Overwrite the record on disk with `ours`, keeping the file's other changes.
    KeepMine {
        ours: Box<Record>,
        disk: Box<Tracker>,
        disk_text: String,
    },
}
