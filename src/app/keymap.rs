//! Keys and the one table mapping (mode, key) to an action. The help
//! overlay is generated from `KEYMAP`, so it cannot disagree with it.
//! `Key` is our own type: crossterm stays in `tui.rs`.

use super::action::Action;
use super::state::{Mode, PickerKind, View};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Delete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    pub const fn ch(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: false,
        }
    }

    pub const fn code(code: KeyCode) -> Key {
        Key { code, ctrl: false }
    }

    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

    /// A short name for the help overlay. ASCII only: arrows such as the
    /// up arrow are of ambiguous width in CJK terminals.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Delete => "Del".into(),
        };
        if self.ctrl {
            format!("Ctrl-{}", base.to_uppercase())
        } else {
            base
        }
    }
}

/// What a binding does: a fixed action, or typing the key's character.
#[derive(Debug, Clone, PartialEq)]
pub enum Bound {
    Do(Action),
    TypeChar,
}

#[derive(Debug, Clone)]
pub struct Binding {
    /// `None`: in every mode (after the mode's own bindings).
    pub mode: Option<Mode>,
    pub keys: &'static [Key],
    /// Matches any printable character not bound otherwise (text entry).
    pub any_char: bool,
    pub bound: Bound,
    pub help: &'static str,
}

const fn bind(mode: Mode, keys: &'static [Key], action: Action, help: &'static str) -> Binding {
    Binding {
        mode: Some(mode),
        keys,
        any_char: false,
        bound: Bound::Do(action),
        help,
    }
}

const fn typing(mode: Mode, help: &'static str) -> Binding {
    Binding {
        mode: Some(mode),
        keys: &[],
        any_char: true,
        bound: Bound::TypeChar,
        help,
    }
}

use KeyCode as K;
use Mode::*;

/// The one keymap. Order matters only for the help overlay, which lists
/// it in this order (grouped by mode, in `Mode::ALL` order after the keys
/// that hold everywhere).
pub static KEYMAP: &[Binding] = &[
    // Everywhere: first in the help, as are the keys every list shares
    // (quit, help, views), so its first page shows them.
    Binding {
        mode: None,
        keys: &[Key::ctrl('c')],
        any_char: false,
        bound: Bound::Do(Action::Quit),
        help: "quit",
    },
    // Browsing a list: quitting, the help and the views first.
    bind(Normal, &[Key::ch('q')], Action::Quit, "quit"),
    bind(Normal, &[Key::ch('?')], Action::ToggleHelp, "this help"),
    bind(
        Normal,
        &[Key::code(K::Tab), Key::code(K::Right), Key::ch('l')],
        Action::NextView,
        "next view",
    ),
    bind(
        Normal,
        &[Key::code(K::BackTab), Key::code(K::Left), Key::ch('h')],
        Action::PrevView,
        "previous view",
    ),
    bind(
        Normal,
        &[Key::ch('1')],
        Action::ShowView(View::Projects),
        "Projects view",
    ),
    bind(
        Normal,
        &[Key::ch('2')],
        Action::ShowView(View::Goals),
        "Goals view",
    ),
    bind(
        Normal,
        &[Key::ch('3')],
        Action::ShowView(View::Chains),
        "Chains view",
    ),
    bind(
        Normal,
        &[Key::ch('4')],
        Action::ShowView(View::Sources),
        "Sources view: the reports (Enter reads one)",
    ),
    // Browsing a list: moving.
    bind(
        Normal,
        &[Key::ch('j'), Key::code(K::Down)],
        Action::MoveDown,
        "move down",
    ),
    bind(
        Normal,
        &[Key::ch('k'), Key::code(K::Up)],
        Action::MoveUp,
        "move up",
    ),
    bind(
        Normal,
        &[Key::code(K::PageDown), Key::ctrl('d')],
        Action::PageDown,
        "page down",
    ),
    bind(
        Normal,
        &[Key::code(K::PageUp), Key::ctrl('u')],
        Action::PageUp,
        "page up",
    ),
    bind(
        Normal,
        &[Key::ch('g'), Key::code(K::Home)],
        Action::Top,
        "first row",
    ),
    bind(
        Normal,
        &[Key::ch('G'), Key::code(K::End)],
        Action::Bottom,
        "last row",
    ),
    bind(
        Normal,
        &[Key::code(K::Enter)],
        Action::OpenDetail,
        "details (on a chain: its projects)",
    ),
    bind(
        Normal,
        &[Key::code(K::Esc)],
        Action::Back,
        "clear the filter",
    ),
    bind(
        Normal,
        &[Key::ch('/')],
        Action::OpenFilter,
        "filter: words, chain: area: status:, pinyin",
    ),
    bind(
        Normal,
        &[Key::ch('c')],
        Action::OpenPicker(PickerKind::Chain),
        "pick a chain to filter by",
    ),
    bind(
        Normal,
        &[Key::ch('a')],
        Action::OpenPicker(PickerKind::Area),
        "pick an area to filter by",
    ),
    bind(
        Normal,
        &[Key::ch('o')],
        Action::CycleSort,
        "sort: relevance, name, status, chain, area, next due",
    ),
    bind(
        Normal,
        &[Key::ch('O')],
        Action::ReverseSort,
        "reverse the sort",
    ),
    bind(
        Normal,
        &[Key::ch('n')],
        Action::NewRecord,
        "new project (Projects) or goal/result (Goals): a form",
    ),
    bind(
        Normal,
        &[Key::ch('E')],
        Action::EditRecord,
        "edit the selected project or goal in the form",
    ),
    bind(
        Normal,
        &[Key::ch('D')],
        Action::DeleteRecord,
        "delete the selected project or goal (asks first; u undoes)",
    ),
    bind(
        Normal,
        &[Key::ch('!')],
        Action::ToggleAttention,
        "only what needs attention (stalled, overdue or slipped, at risk)",
    ),
    bind(
        Normal,
        &[Key::ch('s')],
        Action::EditStatus,
        "change the project's status, with a note; saved at once",
    ),
    bind(
        Normal,
        &[Key::ch('e')],
        Action::EditActual,
        "add a value to the goal, then its as-of date (default today) and a note; saved at once",
    ),
    bind(
        Normal,
        &[Key::ch('m')],
        Action::MarkMilestone,
        "mark the project's next milestone reached: asks the date (default today), says what it will record and asks first",
    ),
    bind(
        Normal,
        &[Key::ch('u')],
        Action::Undo,
        "undo the last change (the file is saved again)",
    ),
    bind(
        Normal,
        &[Key::ctrl('r')],
        Action::Redo,
        "redo the last change undone",
    ),
    bind(
        Normal,
        &[Key::ch('T')],
        Action::ToggleTree,
        "Projects as a tree: parts under their parent / flat",
    ),
    bind(
        Normal,
        &[Key::ch('R')],
        Action::Reload,
        "read the file again now (it is also watched every second)",
    ),
    bind(
        Normal,
        &[Key::ch('C')],
        Action::OpenConflicts,
        "conflicts a merge left: see both sides, take ours or theirs",
    ),
    bind(
        Normal,
        &[Key::ch('S')],
        Action::Sync,
        "sync with the team: commit, pull (merged by record), push",
    ),
    bind(
        Normal,
        &[Key::ch('M')],
        Action::ToggleMouse,
        "mouse off (select text to copy) / on",
    ),
    // The filter line.
    bind(
        Filter,
        &[Key::code(K::Enter)],
        Action::AcceptFilter,
        "keep the filter, back to the list",
    ),
    bind(
        Filter,
        &[Key::code(K::Esc)],
        Action::CancelFilter,
        "clear the filter",
    ),
    bind(
        Filter,
        &[Key::code(K::Backspace)],
        Action::DeleteChar,
        "delete a character",
    ),
    bind(
        Filter,
        &[Key::ctrl('u')],
        Action::ClearLine,
        "clear the line",
    ),
    bind(
        Filter,
        &[Key::code(K::Down), Key::ctrl('n')],
        Action::MoveDown,
        "move down the results",
    ),
    bind(
        Filter,
        &[Key::code(K::Up), Key::ctrl('p')],
        Action::MoveUp,
        "move up the results",
    ),
    typing(Filter, "type to filter (results update as you type)"),
    // Chain and area pickers.
    bind(
        Picker,
        &[Key::code(K::Enter)],
        Action::PickerAccept,
        "use the highlighted entry",
    ),
    bind(
        Picker,
        &[Key::code(K::Esc)],
        Action::PickerCancel,
        "close the picker",
    ),
    bind(
        Picker,
        &[Key::code(K::Down), Key::ctrl('n'), Key::code(K::Tab)],
        Action::PickerDown,
        "move down",
    ),
    bind(
        Picker,
        &[Key::code(K::Up), Key::ctrl('p'), Key::code(K::BackTab)],
        Action::PickerUp,
        "move up",
    ),
    bind(
        Picker,
        &[Key::code(K::Backspace)],
        Action::DeleteChar,
        "delete a character",
    ),
    bind(
        Picker,
        &[Key::ctrl('u')],
        Action::ClearLine,
        "clear the line",
    ),
    typing(Picker, "type to narrow the list"),
    // Details.
    bind(
        Detail,
        &[
            Key::code(K::Esc),
            Key::code(K::Enter),
            Key::code(K::Backspace),
        ],
        Action::CloseOverlay,
        "back to the list",
    ),
    bind(
        Detail,
        &[Key::ch('j'), Key::code(K::Down)],
        Action::ScrollDown,
        "scroll down",
    ),
    bind(
        Detail,
        &[Key::ch('k'), Key::code(K::Up)],
        Action::ScrollUp,
        "scroll up",
    ),
    bind(
        Detail,
        &[Key::code(K::PageDown), Key::ch(' ')],
        Action::PageDown,
        "page down",
    ),
    bind(Detail, &[Key::code(K::PageUp)], Action::PageUp, "page up"),
    bind(
        Detail,
        &[Key::ch('g'), Key::code(K::Home)],
        Action::Top,
        "top",
    ),
    bind(
        Detail,
        &[Key::ch('G'), Key::code(K::End)],
        Action::Bottom,
        "end",
    ),
    bind(
        Detail,
        &[Key::ch('s')],
        Action::EditStatus,
        "change this project's status",
    ),
    bind(
        Detail,
        &[Key::ch('e')],
        Action::EditActual,
        "edit this goal's actual value",
    ),
    bind(
        Detail,
        &[Key::ch('m')],
        Action::MarkMilestone,
        "mark this project's next milestone reached (asks the date)",
    ),
    bind(
        Detail,
        &[Key::code(K::Tab)],
        Action::NextEntry,
        "select the next entry (history, milestone, mark, slip, value)",
    ),
    bind(
        Detail,
        &[Key::code(K::BackTab)],
        Action::PrevEntry,
        "select the previous entry",
    ),
    bind(
        Detail,
        &[Key::ch('x')],
        Action::Retract,
        "retract the selected entry a person made: asks why, keeps it in the file marked (u undoes); on a retracted one (A), asks to count it again",
    ),
    bind(
        Detail,
        &[Key::ch('A')],
        Action::ToggleRetracted,
        "show retracted entries too / hide them",
    ),
    bind(
        Detail,
        &[Key::ch('n')],
        Action::NewMilestone,
        "new milestone of this project (a form)",
    ),
    bind(
        Detail,
        &[Key::ch('E')],
        Action::EditRecord,
        "edit the selected milestone, else the record, in the form",
    ),
    bind(Detail, &[Key::ch('u')], Action::Undo, "undo"),
    bind(Detail, &[Key::ctrl('r')], Action::Redo, "redo"),
    bind(Detail, &[Key::ch('?')], Action::ToggleHelp, "help"),
    bind(Detail, &[Key::ch('q')], Action::Quit, "quit"),
    // The status picker.
    bind(
        StatusPick,
        &[Key::code(K::Enter)],
        Action::PickerAccept,
        "choose this status, then type an optional note",
    ),
    bind(
        StatusPick,
        &[Key::code(K::Esc), Key::ch('q')],
        Action::PickerCancel,
        "keep the status as it is",
    ),
    bind(
        StatusPick,
        &[
            Key::ch('j'),
            Key::code(K::Down),
            Key::ctrl('n'),
            Key::code(K::Tab),
        ],
        Action::PickerDown,
        "move down",
    ),
    bind(
        StatusPick,
        &[
            Key::ch('k'),
            Key::code(K::Up),
            Key::ctrl('p'),
            Key::code(K::BackTab),
        ],
        Action::PickerUp,
        "move up",
    ),
    // Prompts: a goal's value, a note.
    bind(
        Prompt,
        &[Key::code(K::Enter)],
        Action::Submit,
        "accept; an empty note is skipped; saved at once",
    ),
    bind(
        Prompt,
        &[Key::code(K::Esc)],
        Action::CancelEdit,
        "cancel the edit: nothing is changed",
    ),
    bind(
        Prompt,
        &[Key::code(K::Backspace)],
        Action::DeleteChar,
        "delete a character",
    ),
    bind(
        Prompt,
        &[Key::ctrl('u')],
        Action::ClearLine,
        "clear the line",
    ),
    typing(
        Prompt,
        "type the number (digits, a decimal point) or the note",
    ),
    // The question `m` asks.
    bind(
        Confirm,
        &[Key::ch('y'), Key::code(K::Enter)],
        Action::Accept,
        "yes: mark the milestone reached and set the status it expects (one undo)",
    ),
    bind(
        Confirm,
        &[Key::ch('n')],
        Action::Decline,
        "no: mark the milestone reached, leave the status as it is",
    ),
    bind(
        Confirm,
        &[Key::code(K::Esc)],
        Action::CancelEdit,
        "cancel: record nothing",
    ),
    // The conflicts a merge left.
    bind(
        Merged,
        &[Key::ch('j'), Key::code(K::Down)],
        Action::MoveDown,
        "next conflict",
    ),
    bind(
        Merged,
        &[Key::ch('k'), Key::code(K::Up)],
        Action::MoveUp,
        "previous conflict",
    ),
    bind(
        Merged,
        &[Key::ch('o')],
        Action::SettleConflict(crate::domain::merge::Choice::Ours),
        "take ours: keep the value in the file (saved, u undoes)",
    ),
    bind(
        Merged,
        &[Key::ch('t')],
        Action::SettleConflict(crate::domain::merge::Choice::Theirs),
        "take theirs: their value replaces ours (saved, u undoes)",
    ),
    bind(
        Merged,
        &[Key::ch('e'), Key::code(K::Enter)],
        Action::SettleTyped,
        "type another value (as `edit` takes it)",
    ),
    bind(
        Merged,
        &[Key::code(K::Esc), Key::ch('q')],
        Action::CloseOverlay,
        "close (the conflicts stay in the file until settled)",
    ),
    // A conflicting change on disk.
    bind(
        Conflict,
        &[Key::ch('m')],
        Action::KeepMine,
        "keep mine: write my version over the file's",
    ),
    bind(
        Conflict,
        &[Key::ch('t')],
        Action::TakeTheirs,
        "take theirs: keep the file's version, drop mine",
    ),
    bind(
        Conflict,
        &[Key::code(K::Esc)],
        Action::DecideLater,
        "decide later: mine stays pending, unsaved; offered again on R or an edit key",
    ),
    // The record form.
    bind(
        Form,
        &[Key::code(K::Tab), Key::code(K::Down)],
        Action::FormNext,
        "next field (a chain, area or status field takes its best match)",
    ),
    bind(
        Form,
        &[Key::code(K::BackTab), Key::code(K::Up)],
        Action::FormPrev,
        "previous field",
    ),
    bind(
        Form,
        &[Key::ctrl('s')],
        Action::FormSave,
        "save (from any field) once every field is valid",
    ),
    bind(
        Form,
        &[Key::code(K::Esc)],
        Action::FormCancel,
        "cancel (asks first when something was typed)",
    ),
    bind(
        Form,
        &[Key::code(K::Backspace)],
        Action::DeleteChar,
        "delete a character",
    ),
    bind(
        Form,
        &[Key::ctrl('u')],
        Action::ClearLine,
        "clear the field",
    ),
    typing(
        Form,
        "type into the field (chain, area, status: filters the choices, pinyin works)",
    ),
    // A question.
    bind(
        Ask,
        &[Key::ch('y'), Key::code(K::Enter)],
        Action::Accept,
        "yes",
    ),
    bind(
        Ask,
        &[Key::ch('n'), Key::code(K::Esc)],
        Action::Decline,
        "no",
    ),
    // The reader.
    bind(
        Reader,
        &[Key::ch('j'), Key::code(K::Down)],
        Action::ReaderDown,
        "cursor down a row",
    ),
    bind(
        Reader,
        &[Key::ch('k'), Key::code(K::Up)],
        Action::ReaderUp,
        "cursor up a row",
    ),
    bind(
        Reader,
        &[Key::ch('h'), Key::code(K::Left)],
        Action::ReaderLeft,
        "cursor left a character",
    ),
    bind(
        Reader,
        &[Key::ch('l'), Key::code(K::Right)],
        Action::ReaderRight,
        "cursor right a character",
    ),
    bind(
        Reader,
        &[Key::code(K::PageDown), Key::ch(' '), Key::ctrl('d')],
        Action::ReaderPageDown,
        "page down",
    ),
    bind(
        Reader,
        &[Key::code(K::PageUp), Key::ctrl('u')],
        Action::ReaderPageUp,
        "page up",
    ),
    bind(
        Reader,
        &[Key::ch('n')],
        Action::NextPassage,
        "next quoted passage (the status bar names who cites it)",
    ),
    bind(
        Reader,
        &[Key::ch('N')],
        Action::PrevPassage,
        "previous quoted passage",
    ),
    bind(
        Reader,
        &[Key::ch('v')],
        Action::StartSelection,
        "start selecting at the cursor (again: drop it)",
    ),
    bind(
        Reader,
        &[Key::code(K::Enter)],
        Action::ReaderEnter,
        "end the selection; on a quoted passage: go to the record citing it",
    ),
    bind(
        Reader,
        &[Key::ch('a')],
        Action::Cite,
        "cite the selection as a new project, goal, history entry or observation",
    ),
    bind(
        Reader,
        &[Key::ch('/')],
        Action::ReaderSearch,
        "find words in the report",
    ),
    bind(
        Reader,
        &[Key::code(K::Esc), Key::ch('q')],
        Action::ReaderBack,
        "drop the selection, else close the reader",
    ),
    bind(Reader, &[Key::ch('?')], Action::ToggleHelp, "help"),
    bind(
        Reader,
        &[Key::ch('u')],
        Action::Undo,
        "undo the last change",
    ),
    bind(Reader, &[Key::ctrl('r')], Action::Redo, "redo"),
    bind(
        ReaderSearch,
        &[Key::code(K::Enter)],
        Action::ReaderFind,
        "find the next place (empty: the last words again)",
    ),
    bind(
        ReaderSearch,
        &[Key::code(K::Esc)],
        Action::ReaderBack,
        "close the search line",
    ),
    bind(
        ReaderSearch,
        &[Key::code(K::Backspace)],
        Action::DeleteChar,
        "delete a character",
    ),
    typing(
        ReaderSearch,
        "type the words to find (spaces in the text are ignored)",
    ),
    bind(
        Cite,
        &[Key::ch('p'), Key::ch('1')],
        Action::CiteAs(crate::app::records::FormKind::Project),
        "as a new project",
    ),
    bind(
        Cite,
        &[Key::ch('g'), Key::ch('2')],
        Action::CiteAs(crate::app::records::FormKind::Goal),
        "as a new goal or result",
    ),
    bind(
        Cite,
        &[Key::ch('h'), Key::ch('3')],
        Action::CiteAs(crate::app::records::FormKind::History),
        "as a history entry of a project (picked by name, pinyin works)",
    ),
    bind(
        Cite,
        &[Key::ch('o'), Key::ch('4')],
        Action::CiteAs(crate::app::records::FormKind::Observation),
        "as a value (observation) of a goal or result (picked likewise)",
    ),
    bind(
        Cite,
        &[Key::ch('m'), Key::ch('5')],
        Action::CiteAs(crate::app::records::FormKind::Milestone),
        "as a milestone of a project (picked likewise)",
    ),
    bind(
        Cite,
        &[Key::ch('e'), Key::ch('6')],
        Action::CiteAs(crate::app::records::FormKind::Citation),
        "onto an existing record resting on a note (or an entry of it)",
    ),
    bind(
        Cite,
        &[Key::code(K::Esc)],
        Action::ReaderBack,
        "back to the reader",
    ),
    // Help.
    bind(
        Help,
        &[
            Key::code(K::Esc),
            Key::ch('?'),
            Key::ch('q'),
            Key::code(K::Enter),
        ],
        Action::CloseOverlay,
        "close the help",
    ),
    bind(
        Help,
        &[Key::ch('j'), Key::code(K::Down)],
        Action::ScrollDown,
        "scroll down",
    ),
    bind(
        Help,
        &[Key::ch('k'), Key::code(K::Up)],
        Action::ScrollUp,
        "scroll up",
    ),
    bind(
        Help,
        &[Key::code(K::PageDown), Key::ch(' '), Key::ctrl('d')],
        Action::PageDown,
        "page down",
    ),
    bind(
        Help,
        &[Key::code(K::PageUp), Key::ctrl('u')],
        Action::PageUp,
        "page up",
    ),
    bind(
        Help,
        &[Key::ch('g'), Key::code(K::Home)],
        Action::Top,
        "top",
    ),
    bind(
        Help,
        &[Key::ch('G'), Key::code(K::End)],
        Action::Bottom,
        "end",
    ),
    // Too small a terminal: nothing acts that could not be seen.
    bind(TooSmall, &[Key::ch('q')], Action::Quit, "quit"),
];

/// The action `key` means in `mode`: the mode's exact bindings first, then
/// its text entry, then the bindings that hold everywhere.
pub fn resolve(mode: Mode, key: Key) -> Option<Action> {
    let exact = |m: Option<Mode>| {
        KEYMAP
            .iter()
            .find(|b| b.mode == m && b.keys.contains(&key))
            .map(|b| b.bound.clone())
    };
    let typed = || match key {
        Key {
            code: KeyCode::Char(c),
            ctrl: false,
        } if !c.is_control() => KEYMAP
            .iter()
            .find(|b| b.mode == Some(mode) && b.any_char)
            .map(|b| b.bound.clone()),
        _ => None,
    };
    let bound = exact(Some(mode)).or_else(typed).or_else(|| exact(None))?;
    Some(match bound {
        Bound::Do(a) => a,
        Bound::TypeChar => match key.code {
            KeyCode::Char(c) => Action::Input(c),
            _ => return None,
        },
    })
}

/// Parses a key sequence such as `"/ r h l <enter> <c-c>"`, for tests and
/// replay. Tokens are separated by spaces; `<name>` is a named key, a
/// token of several plain characters types each of them.
pub fn parse_keys(s: &str) -> Result<Vec<Key>, String> {
    let mut out = Vec::new();
    for tok in s.split_whitespace() {
        if tok.len() > 2 && tok.starts_with('<') && tok.ends_with('>') {
            out.push(
                named_key(&tok[1..tok.len() - 1]).ok_or_else(|| format!("unknown key {tok}"))?,
            );
        } else {
            out.extend(tok.chars().map(Key::ch));
        }
    }
    Ok(out)
}

fn named_key(name: &str) -> Option<Key> {
    let lower = name.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("c-") {
        let mut chars = rest.chars();
        let c = chars.next()?;
        return chars.next().is_none().then_some(Key::ctrl(c));
    }
    let code = match lower.as_str() {
        "enter" | "cr" => K::Enter,
        "esc" => K::Esc,
        "tab" => K::Tab,
        "s-tab" | "backtab" => K::BackTab,
        "bs" | "backspace" => K::Backspace,
        "up" => K::Up,
        "down" => K::Down,
        "left" => K::Left,
        "right" => K::Right,
        "pgup" | "pageup" => K::PageUp,
        "pgdn" | "pagedown" => K::PageDown,
        "home" => K::Home,
        "end" => K::End,
        "del" => K::Delete,
        "space" => K::Char(' '),
        "lt" => K::Char('<'),
        _ => return None,
    };
    Some(Key::code(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_named_and_plain_keys() {
        let keys = parse_keys("/ rhl <enter> <c-c> <S-Tab>").unwrap();
        assert_eq!(keys[0], Key::ch('/'));
        assert_eq!(keys[1..4], [Key::ch('r'), Key::ch('h'), Key::ch('l')]);
        assert_eq!(keys[4], Key::code(K::Enter));
        assert_eq!(keys[5], Key::ctrl('c'));
        assert_eq!(keys[6], Key::code(K::BackTab));
        assert!(parse_keys("<nope>").is_err());
    }

    #[test]
    fn typing_wins_over_list_keys_in_text_entry() {
        assert_eq!(resolve(Normal, Key::ch('q')), Some(Action::Quit));
        assert_eq!(resolve(Filter, Key::ch('q')), Some(Action::Input('q')));
        assert_eq!(resolve(Picker, Key::ch('j')), Some(Action::Input('j')));
        assert_eq!(resolve(Filter, Key::ctrl('c')), Some(Action::Quit));
        assert_eq!(resolve(Normal, Key::ch('Z')), None);
        assert_eq!(resolve(TooSmall, Key::ch('m')), None);
        assert_eq!(resolve(TooSmall, Key::ctrl('c')), Some(Action::Quit));
    }

    #[test]
    fn no_key_is_bound_twice_in_a_mode() {
        for (i, a) in KEYMAP.iter().enumerate() {
            for b in &KEYMAP[i + 1..] {
                if a.mode == b.mode {
                    for k in a.keys {
                        assert!(!b.keys.contains(k), "{k:?} bound twice in {:?}", a.mode);
                    }
                }
            }
        }
    }
}
