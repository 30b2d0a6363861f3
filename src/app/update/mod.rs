//! The only place the interface state changes. No IO: work outside the
//! state is returned as effects for the event loop to carry out. The
//! dispatch is here; editing, save outcomes, navigation and pickers each
//! have their own file.

mod edit;
mod merged;
mod nav;
mod outcome;
mod picker;
mod records;

pub use merged::notice as conflicts_notice;
pub use records::{reader_area, reader_area_in};

pub use crate::domain::number::parse_in_unit as parse_number;

use super::action::{Action, Effect};
use super::state::{set_prefix, App, Help, MessageKind, Overlay, PickerKind, View};
use edit::*;
use nav::*;
use picker::picker_move;
use picker::{edit_picker, open_picker, picker_accept};

pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    // Rows left out of date by deferred keystrokes are brought up to date
    // first: every other action works on the rows the user sees. So are
    // rows left unranked past the page drawn (`App::page_first`): only
    // reporting what was drawn leaves them so.
    app.settle(&mut || false);
    if !matches!(action, Action::Drawn(_)) {
        app.rank_rest(&mut || false);
    }
    let effects = step(app, action);
    app.settle(&mut || false);
    // Scrolling, paging and resizes bring new rows into view.
    app.highlight_visible();
    effects
}

/// `update` for the event loop while more input is already waiting: a
/// key that only edits the filter line changes the query and leaves the
/// rows out of date, so a burst of typing costs one filter pass (the
/// loop's `settle`) instead of one per key. Any other action is `update`.
pub fn update_deferring(app: &mut App, action: Action) -> Vec<Effect> {
    let edits_filter = matches!(app.overlay, Overlay::Filter)
        && matches!(
            action,
            Action::Input(_) | Action::Paste(_) | Action::DeleteChar | Action::ClearLine
        );
    if edits_filter {
        step(app, action)
    } else {
        update(app, action)
    }
}

fn step(app: &mut App, action: Action) -> Vec<Effect> {
    // A message lasts until the next thing the user does; outcomes of a
    // save, reloads and resizes are not the user's doing.
    let from_user = !matches!(
        action,
        Action::Resize { .. }
            | Action::Drawn(_)
            | Action::Saved { .. }
            | Action::Merged { .. }
            | Action::Conflict { .. }
            | Action::SaveFailed(_)
            | Action::Reloaded { .. }
            | Action::ReloadFailed(_)
            | Action::SyncProgress(_)
            | Action::Synced(_)
    );
    if from_user {
        app.message = None;
    }
    // Search keys are built when first needed; moving about and redrawing
    // never need them (the interface builds them while idle).
    let needs_no_keys = matches!(
        action,
        Action::Quit
            | Action::Resize { .. }
            | Action::Drawn(_)
            | Action::MoveDown
            | Action::MoveUp
            | Action::PageDown
            | Action::PageUp
            | Action::Top
            | Action::Bottom
            | Action::ScrollDown
            | Action::ScrollUp
            | Action::Click { .. }
            | Action::NextView
            | Action::PrevView
            | Action::ShowView(_)
            | Action::OpenDetail
            | Action::OpenFilter
            | Action::ToggleHelp
            | Action::CloseOverlay
    );
    if !needs_no_keys {
        app.ensure_index(&mut || false);
    }
    match action {
        Action::Quit => return vec![Effect::Quit],
        Action::Resize { width, height } => {
            app.size = (width, height);
            for v in View::ALL {
                app.clamp(v);
            }
        }
        Action::Drawn(d) => {
            app.drawn = d;
            // The details brought the selected entry into view: that is
            // where they are scrolled now.
            if let (Some(s), Overlay::Detail(det)) = (d.scroll, &mut app.overlay) {
                det.scroll = s;
                det.reveal = false;
            }
            clamp_scroll(app);
        }
        Action::MoveDown if matches!(app.overlay, Overlay::Merged(_)) => merged::move_by(app, 1),
        Action::MoveUp if matches!(app.overlay, Overlay::Merged(_)) => merged::move_by(app, -1),
        Action::MoveDown => move_by(app, 1),
        Action::MoveUp => move_by(app, -1),
        Action::OpenConflicts => merged::open(app),
        Action::SettleConflict(choice) => return merged::settle(app, choice),
        Action::SettleTyped => merged::typed(app),
        Action::Sync => {
            if busy(app) {
                return Vec::new();
            }
            app.say(MessageKind::Info, "syncing: committing");
            return vec![Effect::Sync];
        }
        Action::SyncProgress(step) => app.say(MessageKind::Info, format!("syncing: {step}")),
        Action::Synced(Ok(said)) => {
            let last = said
                .lines()
                .filter(|l| !l.trim().is_empty())
                .collect::<Vec<_>>()
                .join("; ");
            app.say(MessageKind::Saved, format!("synced: {last}"));
            merged::notice_after_sync(app);
        }
        Action::Synced(Err(why)) => app.say(MessageKind::Error, format!("not synced: {why}")),
        Action::PageDown => page(app, 1),
        Action::PageUp => page(app, -1),
        Action::Top => to_end(app, false),
        Action::Bottom => to_end(app, true),
        Action::ScrollDown => scroll_or_move(app, 1),
        Action::ScrollUp => scroll_or_move(app, -1),
        Action::Click { row, .. } => click(app, row),
        Action::NextView => app.view = app.view.next(),
        Action::PrevView => app.view = app.view.prev(),
        Action::ShowView(v) => app.view = v,
        Action::OpenDetail => open_detail(app),
        Action::Back => {
            if !app.query.is_empty() {
                app.query.clear();
                app.filter_changed();
            }
        }
        Action::CloseOverlay => {
            app.overlay = match std::mem::take(&mut app.overlay) {
                Overlay::Help(h) => *h.under,
                _ => Overlay::None,
            };
        }
        Action::OpenFilter => app.overlay = Overlay::Filter,
        Action::AcceptFilter => app.overlay = Overlay::None,
        Action::CancelFilter => {
            app.overlay = Overlay::None;
            app.query.clear();
            app.filter_changed();
        }
        Action::Input(c) => edit_line(app, LineEdit::Type(c)),
        Action::Paste(text) => paste(app, &text),
        Action::DeleteChar => edit_line(app, LineEdit::Delete),
        Action::ClearLine => edit_line(app, LineEdit::Clear),
        Action::OpenPicker(kind) => open_picker(app, kind),
        Action::PickerDown => picker_move(app, 1),
        Action::PickerUp => picker_move(app, -1),
        Action::PickerAccept => match app.overlay {
            Overlay::StatusPick(_) => choose_status(app),
            _ => picker_accept(app),
        },
        Action::PickerCancel => {
            let was_status = matches!(app.overlay, Overlay::StatusPick(_));
            app.overlay = match std::mem::take(&mut app.overlay) {
                Overlay::StatusPick(p) => Overlay::back_to(p.over),
                _ => Overlay::None,
            };
            if was_status {
                app.say(MessageKind::Info, "status unchanged");
            }
        }
        Action::CycleSort => {
            let order = app.order_mut(app.view);
            order.by = order.by.next();
            sorted_again(app);
        }
        Action::ToggleTree => {
            app.projects.tree = !app.projects.tree;
            app.view = View::Projects;
            app.refresh();
            app.say(
                MessageKind::Info,
                if app.projects.tree {
                    "tree: parts under their parent, which sums up how far they got; T for a flat list"
                } else {
                    "flat list; T shows parts under their parent"
                },
            );
        }
        Action::ReverseSort => {
            let order = app.order_mut(app.view);
            order.reverse = !order.reverse;
            sorted_again(app);
        }
        Action::ToggleHelp => {
            app.overlay = match std::mem::take(&mut app.overlay) {
                Overlay::Help(h) => *h.under,
                other => Overlay::Help(Help {
                    scroll: 0,
                    under: Box::new(other),
                }),
            };
        }
        Action::ToggleAttention => {
            app.attention = !app.attention;
            app.refresh();
            app.say(
                MessageKind::Info,
                if app.attention {
                    "needs attention: stalled projects, overdue or slipped milestones, goals at risk or unreported; ! shows all"
                } else {
                    "showing everything again"
                },
            );
        }
        Action::ToggleMouse => {
            app.mouse = !app.mouse;
            app.say(
                MessageKind::Info,
                if app.mouse {
                    "mouse on: wheel scrolls, click selects"
                } else {
                    "mouse off: drag to select text; M turns it back on"
                },
            );
            return vec![Effect::SetMouse(app.mouse)];
        }
        Action::Reload => return reload(app),
        Action::Reloaded {
            tracker,
            text,
            external,
        } => {
            let effects = outcome::reloaded(app, *tracker, text, external);
            merged::refresh(app);
            return effects;
        }
        Action::ReloadFailed(why) => app.say(MessageKind::Error, why),
        Action::EditStatus => return start_status(app),
        Action::EditActual => return start_actual(app),
        Action::MarkMilestone => return mark_milestone(app),
        Action::NextEntry => records::move_entry(app, 1),
        Action::PrevEntry => records::move_entry(app, -1),
        Action::Retract => records::start_retract(app),
        Action::ToggleRetracted => records::toggle_retracted(app),
        Action::NewMilestone => return records::new_milestone(app),
        Action::Submit => return submit(app),
        Action::Accept if matches!(app.overlay, Overlay::Ask(_)) => {
            return records::answer(app, true)
        }
        Action::Decline if matches!(app.overlay, Overlay::Ask(_)) => {
            return records::answer(app, false)
        }
        Action::Accept => return answer_milestone(app, true),
        Action::Decline => return answer_milestone(app, false),
        Action::NewRecord => return records::new_record(app),
        Action::EditRecord => return records::edit_record(app),
        Action::DeleteRecord => return records::delete_record(app),
        Action::FormNext => records::form_move(app, 1),
        Action::FormPrev => records::form_move(app, -1),
        Action::FormSave => return records::form_save(app),
        Action::FormCancel => records::form_cancel(app),
        Action::ReaderDown => records::reader_move(app, records::ReaderMove::Rows(1)),
        Action::ReaderUp => records::reader_move(app, records::ReaderMove::Rows(-1)),
        Action::ReaderLeft => records::reader_move(app, records::ReaderMove::Chars(-1)),
        Action::ReaderRight => records::reader_move(app, records::ReaderMove::Chars(1)),
        Action::ReaderPageDown => records::reader_move(app, records::ReaderMove::Page(1)),
        Action::ReaderPageUp => records::reader_move(app, records::ReaderMove::Page(-1)),
        Action::NextPassage => records::reader_jump(app, true),
        Action::PrevPassage => records::reader_jump(app, false),
        Action::StartSelection => records::start_selection(app),
        Action::ReaderEnter => records::reader_enter(app),
        Action::ReaderSearch => records::reader_search(app),
        Action::ReaderFind => records::reader_find(app),
        Action::Cite => records::cite(app),
        Action::CiteAs(kind) => records::cite_as(app, kind),
        Action::ReaderBack => records::reader_back(app),
        Action::CancelEdit => {
            app.overlay = match std::mem::take(&mut app.overlay) {
                Overlay::Prompt(p) => Overlay::back_to(p.over),
                Overlay::Confirm(c) => Overlay::back_to(c.over),
                other => other,
            };
            app.say(MessageKind::Info, "cancelled: nothing changed");
        }
        Action::Undo => return undo(app),
        Action::Redo => return redo(app),
        Action::Saved { text } => outcome::saved(app, text),
        Action::Merged { tracker, text } => outcome::merged(app, *tracker, text),
        Action::Conflict {
            theirs,
            disk,
            disk_text,
        } => outcome::conflict(app, theirs, disk, disk_text),
        Action::SaveFailed(why) => outcome::save_failed(app, why),
        Action::KeepMine => return outcome::keep_mine(app),
        Action::TakeTheirs => outcome::take_theirs(app),
        Action::DecideLater => outcome::decide_later(app),
    }
    Vec::new()
}

/// The view on screen was sorted another way: its rows in the new order,
/// shown from the top (staying on the record selected would open the
/// list wherever that record landed, often mid-way).
fn sorted_again(app: &mut App) {
    app.filter_changed();
    app.settle(&mut || false);
    *app.pos_mut(app.view) = Default::default();
}

/// Enter: the details of the selected row; on a chain, its projects.
fn open_detail(app: &mut App) {
    match app.view {
        View::Projects | View::Goals if !app.is_empty() => {
            app.overlay = Overlay::Detail(Default::default());
        }
        View::Sources => records::open_reader(app),
        View::Chains => {
            if let Some(ci) = app.selected_chain() {
                let id = app.tracker.chains[ci].id.clone();
                app.query = set_prefix(&app.query, PickerKind::Chain.field(), "chain", Some(&id));
                app.view = View::Projects;
                app.filter_changed();
            }
        }
        _ => {}
    }
}

/// One keystroke (or one paste) on a text line.
#[derive(Clone, Copy)]
enum LineEdit<'a> {
    Type(char),
    Paste(&'a str),
    Delete,
    Clear,
}

impl LineEdit<'_> {
    fn apply(self, s: &mut String) {
        match self {
            LineEdit::Type(c) => s.push(c),
            LineEdit::Paste(t) => s.push_str(t),
            LineEdit::Delete => {
                s.pop();
            }
            LineEdit::Clear => s.clear(),
        }
    }
}

/// Typing into whichever line is open: the filter, a picker or a prompt.
fn edit_line(app: &mut App, edit: LineEdit) {
    let typing = matches!(edit, LineEdit::Type(_) | LineEdit::Paste(_));
    match &mut app.overlay {
        Overlay::Filter => {
            edit.apply(&mut app.query);
            app.filter_changed();
        }
        Overlay::Picker(_) => edit_picker(app, |q| edit.apply(q)),
        Overlay::Form(_) => records::form_type(app, typing, |s| edit.apply(s)),
        Overlay::Reader(_) => records::reader_type(app, |s| edit.apply(s)),
        Overlay::Prompt(p) => {
            if p.fresh && typing {
                // The old value is shown selected: typing replaces it.
                p.text.clear();
            }
            edit.apply(&mut p.text);
            p.fresh = false;
            p.error = None;
        }
        _ => {}
    }
}

/// Text pasted into the line or field being edited, as one edit: line
/// breaks kept where the field is a note (notes may hold them), else
/// joined with spaces, and said so; other control characters dropped.
fn paste(app: &mut App, text: &str) {
    use crate::app::records::Field;
    use crate::app::state::{Mode, PromptKind};
    // Below the minimum size nothing acts that nobody can see.
    if app.mode() == Mode::TooSmall {
        return;
    }
    let multiline = match &app.overlay {
        Overlay::Filter | Overlay::Picker(_) => false,
        Overlay::Reader(r) if r.search.is_some() => false,
        Overlay::Prompt(p) => matches!(
            p.kind,
            PromptKind::StatusNote { .. }
                | PromptKind::ActualNote { .. }
                | PromptKind::Reason { .. }
        ),
        Overlay::Form(f) => f.focused().is_some_and(Field::is_note),
        _ => {
            app.say(
                MessageKind::Info,
                "nothing to paste into here: / opens the filter, n a form",
            );
            return;
        }
    };
    let p = crate::text::pasted(text, multiline, crate::text::PASTE_MAX);
    edit_line(app, LineEdit::Paste(&p.text));
    let mut said = Vec::new();
    if p.joined > 0 {
        said.push(format!(
            "{} lines pasted as one: line breaks became spaces (this field is one line)",
            p.joined + 1
        ));
    }
    if p.dropped > 0 {
        said.push(format!("{} control characters left out", p.dropped));
    }
    if p.cut {
        said.push(format!(
            "only the first {} characters pasted",
            crate::text::PASTE_MAX
        ));
    }
    if !said.is_empty() {
        app.say(MessageKind::Info, said.join("; "));
    }
}

/// `R`: read the file again. A conflict left for later is offered again
/// instead (by retrying its save), so the change is never silently lost.
fn reload(app: &mut App) -> Vec<Effect> {
    if let Some(p) = &app.pending {
        if p.deferred.is_some() {
            return vec![Effect::Save(Box::new(p.change.clone()))];
        }
        app.say(MessageKind::Error, "a change is being saved: try again");
        return Vec::new();
    }
    vec![Effect::Reload]
}
