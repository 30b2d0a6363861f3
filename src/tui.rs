//! Terminal setup and teardown, and the event loop. The only module that
//! knows crossterm: events become our own `Key`s and `Action`s here. It
//! also carries out `update`'s effects (saving through `store`), feeding
//! each outcome back as an action; tests use the same `run_effect`.

use crate::app::state::MessageKind;
use crate::app::{
    handle_key_deferring, update, update_deferring, Action, App, Drawn, Effect, Key, KeyCode,
};
use crate::store::watch::Watch;
use crate::store::{self, Committed};
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::prelude::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Stdout};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Signals that end the interface: it leaves through the same door as `q`
/// (terminal restored, nothing half-written) instead of dying in raw mode
/// on the alternate screen. A second one while the first is handled ends
/// the process at once, for an interface that is truly stuck.
#[cfg(unix)]
const END_SIGNALS: [i32; 4] = [
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGQUIT,
];

/// The last signal received (0: none), set by the handlers, read by the loop.
struct Signals {
    pending: Arc<AtomicUsize>,
}

impl Signals {
    #[cfg(unix)]
    fn install() -> io::Result<Signals> {
        use signal_hook::flag;
        let pending = Arc::new(AtomicUsize::new(0));
        let first_seen = Arc::new(std::sync::atomic::AtomicBool::new(false));
        for sig in END_SIGNALS {
            flag::register_conditional_shutdown(sig, 1, Arc::clone(&first_seen))?;
            flag::register(sig, Arc::clone(&first_seen))?;
            flag::register_usize(sig, Arc::clone(&pending), sig as usize)?;
        }
        // Ctrl-Z from outside (`kill -TSTP`): suspend cleanly, as the key does.
        flag::register_usize(
            signal_hook::consts::SIGTSTP,
            Arc::clone(&pending),
            signal_hook::consts::SIGTSTP as usize,
        )?;
        Ok(Signals { pending })
    }

    #[cfg(not(unix))]
    fn install() -> io::Result<Signals> {
        Ok(Signals {
            pending: Arc::new(AtomicUsize::new(0)),
        })
    }

    fn take(&self) -> Option<i32> {
        match self.pending.swap(0, Ordering::SeqCst) {
            0 => None,
            n => i32::try_from(n).ok(),
        }
    }
}

fn signal_name(sig: i32) -> &'static str {
    #[cfg(unix)]
    {
        use signal_hook::consts::*;
        match sig {
            SIGTERM => return "SIGTERM",
            SIGINT => return "SIGINT",
            SIGHUP => return "SIGHUP",
            SIGQUIT => return "SIGQUIT",
            _ => {}
        }
    }
    let _ = sig;
    "a signal"
}

/// How the event loop ended.
enum Exit {
    Quit,
    Signal(i32),
}

/// Runs the interactive interface on `file`. On failure, the message for
/// stderr and the exit code (128 + N after signal N, as shells expect).
pub fn run(
    file: &Path,
    today: chrono::NaiveDate,
    by: Option<String>,
) -> Result<(), crate::command::Failure> {
    run_inner(file, today, by).map_err(crate::command::Failure::usage)?
}

fn run_inner(
    file: &Path,
    today: chrono::NaiveDate,
    by: Option<String>,
) -> Result<Result<(), crate::command::Failure>, String> {
    // Load before touching the terminal, so errors print on a normal screen.
    let loaded = crate::store::load(file).map_err(|problems| {
        problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    let label = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let comments = store::comment_lines(&loaded.text);
    let reports = store::reports(file, &loaded.tracker);
    let mut app = App::new(loaded.tracker, label, today)
        .with_by(by)
        .with_base(loaded.text)
        .with_reports(reports);
    if !comments.is_empty() {
        // Say so up front rather than after the user has typed an edit.
        app.say(
            MessageKind::Error,
            format!(
                "read only: the file holds YAML comments (line {}) that saving would drop; move them into note fields to edit here",
                comments[0]
            ),
        );
    } else {
        crate::app::update::conflicts_notice(&mut app);
    }

    install_panic_hook();
    let signals = Signals::install().map_err(|e| format!("cannot set up signal handling: {e}"))?;
    let guard = TerminalGuard::enter().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))
        .map_err(|e| format!("cannot set up the terminal: {e}"))?;
    let exit = event_loop(&mut terminal, &mut app, file, &signals)
        .map_err(|e| format!("terminal error: {e}"));
    // Restores the terminal here, on success and on error alike (and on
    // unwinding, through Drop).
    drop(guard);
    Ok(match exit? {
        Exit::Quit => Ok(()),
        Exit::Signal(sig) => Err(crate::command::Failure {
            message: format!(
                "shibei-tracker: stopped by {}; {} is as last saved",
                signal_name(sig),
                file.display()
            ),
            code: u8::try_from(128 + sig).unwrap_or(1),
        }),
    })
}

/// Carries out one effect and returns the actions reporting its outcome.
/// Quitting is the caller's business and returns nothing here.
pub fn run_effect(app: &mut App, effect: Effect, file: &Path) -> Vec<Action> {
    // Messages name the file as the status bar does, not by its full path.
    let label = Path::new(&app.file_label).to_path_buf();
    let outcome = match effect {
        // Quitting and the mouse are the event loop's business.
        Effect::Quit | Effect::SetMouse(_) => return Vec::new(),
        // Here at once; the event loop runs it on a thread instead
        // (`carry_out`), showing its progress.
        Effect::Sync => {
            let result = sync(file, app.today, app.by.clone(), &mut |_| {});
            return vec![Action::Synced(result), reload(file, false)];
        }
        Effect::Reload => {
            // A report added since (add-source) can be read at once.
            app.reports = store::reports(file, &app.tracker);
            return vec![reload(file, false)];
        }
        Effect::Save(change) => store::commit(file, &app.base, &app.tracker, &change),
        Effect::KeepMine {
            ours,
            disk,
            disk_text,
        } => store::force_record(file, &disk, &disk_text, &ours),
    };
    vec![match outcome {
        // The tracker saved is the one in the app already: only the text moves.
        Ok(Committed::Saved { text, .. }) => Action::Saved { text },
        Ok(Committed::Merged { tracker, text }) => Action::Merged {
            tracker: Box::new(tracker),
            text,
        },
        Ok(Committed::Conflict {
            theirs,
            disk,
            disk_text,
        }) => Action::Conflict {
            theirs,
            disk,
            disk_text,
        },
        // The em dash is ambiguous-width in CJK terminals: keep the bar ASCII.
        Err(e) => Action::SaveFailed(e.describe(&label).replace('\u{2014}', "-")),
    }]
}

/// Reads the file again, as an action for `update`.
pub fn reload(file: &Path, external: bool) -> Action {
    match store::load(file) {
        Ok(l) => Action::Reloaded {
            tracker: Box::new(l.tracker),
            text: l.text,
            external,
        },
        Err(problems) => Action::ReloadFailed(format!(
            "not reloaded, the file has {} problem(s): {}",
            problems.len(),
            problems.first().map(|p| p.to_string()).unwrap_or_default()
        )),
    }
}

/// Runs `effects` and every effect their outcomes lead to. Returns true
/// when one of them is `Quit`.
pub fn run_effects(app: &mut App, effects: Vec<Effect>, file: &Path) -> bool {
    let mut queue: std::collections::VecDeque<Effect> = effects.into();
    while let Some(effect) = queue.pop_front() {
        if effect == Effect::Quit {
            return true;
        }
        for action in run_effect(app, effect, file) {
            queue.extend(update(app, action));
        }
    }
    false
}

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    file: &Path,
    signals: &Signals,
) -> io::Result<Exit> {
    let size = terminal.size()?;
    update(
        app,
        Action::Resize {
            width: size.width,
            height: size.height,
        },
    );
    // A filter pass ranks the rows in view first; the rest while idle.
    app.page_first = true;
    let parent = parent_pid();
    let mut watch = Watch::new(file);
    let mut last_check = Instant::now();
    let mut skipped = 0;
    // False once the screen shows the state as it is: a look at the file
    // that finds nothing new sends nothing to the terminal (a frame a
    // second would be traffic over ssh for nothing).
    let mut redraw = true;
    loop {
        // A hung-up terminal reads as always ready, and reading it would
        // spin inside crossterm: check before reading.
        if input_wait(Duration::ZERO) == Input::HungUp {
            #[cfg(unix)]
            return Ok(Exit::Signal(signal_hook::consts::SIGHUP));
        }
        // Every event crossterm already holds is handled before one frame
        // is drawn: text that arrives at once (an input method committing
        // a phrase, ssh, a paste without brackets) is applied at once,
        // and keys typed meanwhile land in order right after it.
        match drain(terminal, app, file)? {
            Drained::Exit(exit) => return Ok(exit),
            Drained::Handled(0) => {}
            Drained::Handled(_) => redraw = true,
        }
        if redraw {
            // The filter pass of the view on screen gives way to keys
            // typed meanwhile (they make it stale): they are handled
            // first, and it runs again once, a bounded number of times.
            if skipped < MAX_SKIPPED_FRAMES
                && !app.settle(&mut || event::poll(Duration::ZERO).unwrap_or(false))
            {
                skipped += 1;
                continue;
            }
            skipped = 0;
            app.settle(&mut || false);
            let mut drawn = Drawn::default();
            terminal.draw(|f| drawn = crate::ui::draw(f, app))?;
            update(app, Action::Drawn(drawn));
            redraw = false;
        }
        // The search keys are built while the user looks at the frame; a
        // key arriving meanwhile interrupts (the build starts over when
        // idle again, or at once if that key needs it).
        if !app.indexed && !event::poll(Duration::ZERO)? {
            app.ensure_index(&mut || event::poll(Duration::ZERO).unwrap_or(false));
        }
        // Rows past the page drawn are ranked while the user looks at it
        // (a key arriving meanwhile interrupts); the frame changes only
        // if something in view did.
        if app.unranked()
            && !event::poll(Duration::ZERO)?
            && app.rank_rest(&mut || event::poll(Duration::ZERO).unwrap_or(false)) == Some(true)
        {
            redraw = true;
            continue;
        }
        // Wait for an event, but look at the file about once a second,
        // and for signals every few milliseconds (without redrawing).
        let mut ready = false;
        while !ready && last_check.elapsed() < WATCH_EVERY {
            // The terminal's session is gone (tmux killed, ssh dropped) and
            // we were handed to init: nobody can see us; leave as on SIGHUP
            // instead of spinning on a dead terminal.
            if orphaned(parent) || terminal_hung_up() {
                #[cfg(unix)]
                return Ok(Exit::Signal(signal_hook::consts::SIGHUP));
            }
            match signals.take() {
                #[cfg(unix)]
                Some(signal_hook::consts::SIGTSTP) => {
                    suspend(terminal, app.mouse)?;
                    // The screen was cleared: draw it again at once.
                    redraw = true;
                    break;
                }
                Some(sig) => return Ok(Exit::Signal(sig)),
                None => {}
            }
            // A running sync's progress and end.
            if SYNCING.lock().is_ok_and(|s| s.is_some()) {
                if let Some(effects) = background(app, file) {
                    redraw = true;
                    if carry_out(app, effects, file)? {
                        return Ok(Exit::Quit);
                    }
                    break;
                }
            }
            // Events crossterm read already (while a filter pass or the
            // index build asked whether input was waiting) are no longer
            // on the terminal: ask crossterm before waiting on it.
            if event::poll(Duration::ZERO)? {
                ready = true;
                break;
            }
            let wait = WATCH_EVERY
                .saturating_sub(last_check.elapsed())
                .min(SIGNAL_CHECK);
            // Wait on the terminal ourselves: crossterm's poll spins for
            // ever on a terminal whose other side closed (reads give EOF).
            if input_wait(wait) == Input::HungUp {
                #[cfg(unix)]
                return Ok(Exit::Signal(signal_hook::consts::SIGHUP));
            }
            ready = event::poll(Duration::ZERO)?;
        }
        if ready || redraw {
            continue;
        }
        last_check = Instant::now();
        if !watch.changed(&app.base) {
            continue;
        }
        let effects = update(app, reload(file, true));
        app.reports = store::reports(file, &app.tracker);
        redraw = true;
        if carry_out(app, effects, file)? {
            return Ok(Exit::Quit);
        }
    }
}

/// What handling the waiting events came to.
enum Drained {
    /// This many events were handled (0: none was waiting).
    Handled(usize),
    Exit(Exit),
}

/// Handles every event crossterm holds now, each with its effects carried
/// out before the next (a save finishes before the key after it acts).
/// Stops after `BATCH_TIME` so a flood of input still shows frames.
fn drain(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    file: &Path,
) -> io::Result<Drained> {
    let start = Instant::now();
    let mut handled = 0;
    while start.elapsed() < BATCH_TIME && event::poll(Duration::ZERO)? {
        if terminal_hung_up() {
            #[cfg(unix)]
            return Ok(Drained::Exit(Exit::Signal(signal_hook::consts::SIGHUP)));
        }
        let event = event::read()?;
        handled += 1;
        if handle_event(terminal, app, file, event)? {
            return Ok(Drained::Exit(Exit::Quit));
        }
    }
    Ok(Drained::Handled(handled))
}

/// One terminal event through the keymap and `update`, its effects
/// carried out. Returns true when it quits.
fn handle_event(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    app: &mut App,
    file: &Path,
    event: Event,
) -> io::Result<bool> {
    let effects = match event {
        // Ctrl-Z: raw mode turned the key into a character, so the
        // terminal's own suspend never happens; do it ourselves.
        Event::Key(k)
            if k.kind != KeyEventKind::Release
                && k.modifiers.contains(KeyModifiers::CONTROL)
                && k.code == ratatui::crossterm::event::KeyCode::Char('z') =>
        {
            suspend(terminal, app.mouse)?;
            return Ok(false);
        }
        Event::Key(k) if k.kind != KeyEventKind::Release => match convert_key(k) {
            // Filter keys leave the rows to the pass before the next frame.
            Some(key) => handle_key_deferring(app, key),
            None => return Ok(false),
        },
        // A bracketed paste: one edit, whatever its length.
        Event::Paste(text) => update_deferring(app, Action::Paste(text)),
        Event::Mouse(m) => match convert_mouse(m) {
            Some(a) => update(app, a),
            None => return Ok(false),
        },
        Event::Resize(width, height) => update(app, Action::Resize { width, height }),
        _ => return Ok(false),
    };
    carry_out(app, effects, file)
}

/// Sets the mouse as `update` asked, then runs the other effects. Returns
/// true when one of them quits.
fn carry_out(app: &mut App, mut effects: Vec<Effect>, file: &Path) -> io::Result<bool> {
    // A sync runs git, which may take seconds (a network): on a thread,
    // its steps shown as they come (`background`).
    if let Some(i) = effects.iter().position(|e| *e == Effect::Sync) {
        effects.remove(i);
        start_sync(file, app.today, app.by.clone());
    }
    for e in &effects {
        if let Effect::SetMouse(on) = e {
            if *on {
                execute!(io::stdout(), EnableMouseCapture)?;
            } else {
                execute!(io::stdout(), DisableMouseCapture)?;
            }
        }
    }
    Ok(run_effects(app, effects, file))
}

/// `sync` with the interface's day and person; its outcome, or why not.
fn sync(
    file: &Path,
    today: chrono::NaiveDate,
    by: Option<String>,
    progress: &mut dyn FnMut(&str),
) -> Result<String, String> {
    let at = crate::cli::Stamp {
        today,
        by: by.as_deref(),
    };
    crate::cli::sync_with(file, at, progress).map_err(|f| f.message)
}

/// The running sync's reports, read by the event loop.
static SYNCING: std::sync::Mutex<Option<std::sync::mpsc::Receiver<Action>>> =
    std::sync::Mutex::new(None);

fn start_sync(file: &Path, today: chrono::NaiveDate, by: Option<String>) {
    let mut slot = SYNCING.lock().unwrap_or_else(|e| e.into_inner());
    if slot.is_some() {
        return; // one at a time
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let file = file.to_path_buf();
    std::thread::spawn(move || {
        let progress = tx.clone();
        let result = sync(&file, today, by, &mut |step| {
            let _ = progress.send(Action::SyncProgress(step.to_string()));
        });
        let _ = tx.send(Action::Synced(result));
    });
    *slot = Some(rx);
}

/// What the running sync reported since last asked; after its end, the
/// file read again (it may hold the team's changes).
fn background(app: &mut App, file: &Path) -> Option<Vec<Effect>> {
    let mut slot = SYNCING.lock().unwrap_or_else(|e| e.into_inner());
    let rx = slot.as_ref()?;
    let mut effects = Vec::new();
    let mut heard = false;
    loop {
        let got = rx.try_recv();
        heard |= got.is_ok();
        match got {
            Ok(a @ Action::Synced(_)) => {
                *slot = None;
                effects.extend(update(app, reload(file, false)));
                effects.extend(update(app, a));
                app.reports = store::reports(file, &app.tracker);
                break;
            }
            Ok(a) => effects.extend(update(app, a)),
            Err(std::sync::mpsc::TryRecvError::Empty) => break,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                *slot = None;
                break;
            }
        }
    }
    heard.then_some(effects)
}

fn parent_pid() -> u32 {
    #[cfg(unix)]
    {
        rustix::process::getppid().map_or(0, |p| p.as_raw_nonzero().get() as u32)
    }
    #[cfg(not(unix))]
    {
        0
    }
}

/// Whether the terminal hung up (its other side closed): terminal calls on
/// it then fail with EIO.
fn terminal_hung_up() -> bool {
    #[cfg(unix)]
    {
        rustix::termios::tcgetattr(std::io::stdin()).is_err()
    }
    #[cfg(not(unix))]
    {
        false
    }
}

#[derive(PartialEq, Eq)]
enum Input {
    Ready,
    HungUp,
}

/// Waits up to `wait` for the terminal (stdin) to have input or hang up.
/// Input from elsewhere (resize) is picked up by the caller's zero-wait
/// crossterm poll right after, at most `wait` late.
fn input_wait(wait: Duration) -> Input {
    #[cfg(unix)]
    {
        use rustix::event::{poll, PollFd, PollFlags, Timespec};
        let stdin = std::io::stdin();
        let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
        let timeout = Timespec {
            tv_sec: wait.as_secs() as i64,
            tv_nsec: i64::from(wait.subsec_nanos()),
        };
        if poll(&mut fds, Some(&timeout)).is_ok()
            && fds[0]
                .revents()
                .intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL)
        {
            return Input::HungUp;
        }
    }
    #[cfg(not(unix))]
    std::thread::sleep(wait.min(Duration::from_millis(10)));
    Input::Ready
}

/// Whether our parent changed since we started (we were re-parented when
/// the terminal's session ended).
fn orphaned(parent: u32) -> bool {
    parent != 0 && parent_pid() != parent
}

/// How often pending signals are looked at while waiting for input.
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

/// Suspends the process as the shell's Ctrl-Z would, with the terminal
/// given back first; on `fg` (SIGCONT) takes it again and redraws all.
#[cfg(unix)]
fn suspend(terminal: &mut Terminal<CrosstermBackend<Stdout>>, mouse: bool) -> io::Result<()> {
    restore();
    // SIGSTOP, not SIGTSTP: our own SIGTSTP handler would only come back here.
    signal_hook::low_level::raise(signal_hook::consts::SIGSTOP)?;
    // Running again.
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
    if mouse {
        execute!(io::stdout(), EnableMouseCapture)?;
    }
    terminal.clear()
}

#[cfg(not(unix))]
fn suspend(_terminal: &mut Terminal<CrosstermBackend<Stdout>>, _mouse: bool) -> io::Result<()> {
    Ok(())
}

/// Filter passes given up in a row at most while keys keep arriving.
const MAX_SKIPPED_FRAMES: u32 = 16;

/// Longest time spent handling waiting events before a frame is drawn:
/// a flood of input (a paste into a terminal without bracketed paste, a
/// key held down) still shows progress several times a second.
const BATCH_TIME: Duration = Duration::from_millis(100);

/// How often the file is checked for changes made elsewhere.
const WATCH_EVERY: Duration = Duration::from_secs(1);

fn convert_key(k: KeyEvent) -> Option<Key> {
    use ratatui::crossterm::event::KeyCode as C;
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let code = match k.code {
        C::Char(c) => KeyCode::Char(c),
        C::Enter => KeyCode::Enter,
        C::Esc => KeyCode::Esc,
        C::Tab => KeyCode::Tab,
        C::BackTab => KeyCode::BackTab,
        C::Backspace => KeyCode::Backspace,
        C::Up => KeyCode::Up,
        C::Down => KeyCode::Down,
        C::Left => KeyCode::Left,
        C::Right => KeyCode::Right,
        C::PageUp => KeyCode::PageUp,
        C::PageDown => KeyCode::PageDown,
        C::Home => KeyCode::Home,
        C::End => KeyCode::End,
        C::Delete => KeyCode::Delete,
        _ => return None,
    };
    // Ctrl-letters arrive lower-case; keep the keymap's spelling.
    let code = match code {
        KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
        other => other,
    };
    Some(Key { code, ctrl })
}

fn convert_mouse(m: MouseEvent) -> Option<Action> {
    match m.kind {
        MouseEventKind::ScrollDown => Some(Action::ScrollDown),
        MouseEventKind::ScrollUp => Some(Action::ScrollUp),
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
            column: m.column,
            row: m.row,
        }),
        _ => None,
    }
}

/// Puts the terminal back (raw mode off, main screen, mouse released,
/// bracketed paste off).
/// Safe to call more than once; errors are ignored because there is
/// nothing better to do with them while exiting.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// Restores the terminal when dropped: on normal exit, `?` errors and unwinding.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> io::Result<TerminalGuard> {
        enable_raw_mode()?;
        // Built before the rest so a failure below still restores raw mode.
        let guard = TerminalGuard;
        // A paste then arrives as one event (`Event::Paste`), not as keys.
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        )?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Restores the terminal before the panic message prints, so the message
/// is readable and the shell is usable afterwards.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
