//! Intents the interface understands, named as verbs, and the effects
//! `update` asks the event loop to carry out.

use super::state::{PickerKind, View};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// Types a character into the line being edited (filter or picker).
    Input(char),
    DeleteChar,
    ClearLine,
    OpenPicker(PickerKind),
    PickerUp,
    PickerDown,
    PickerAccept,
    PickerCancel,
    CycleSort,
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
}

/// Work `update` cannot do itself (it does no IO). Issue 5 adds `Save`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Quit,
}
