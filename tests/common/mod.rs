//! Helpers shared by the test binaries: the fixture tracker, a temporary
//! copy of it, key replay, and reading a rendered screen as text.
//! (Each test binary uses only some of them.)
#![allow(dead_code)]

pub mod tmux;

use chrono::NaiveDate;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use ratatui::Terminal;
use shibei_tracker::app::{press, update, Action, App, Drawn, Effect};
use shibei_tracker::domain::Tracker;
use shibei_tracker::store;
use shibei_tracker::text::width;
use std::fs;
use std::path::{Path, PathBuf};

/// The day every interface test judges progress on.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 9, 1).expect("valid date")
}

/// The interface fixture folder (a tracker and its seeds).
pub fn tui_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tui")
}

pub fn load(file: &Path) -> store::Loaded {
    match store::load(file) {
        Ok(l) => l,
        Err(p) => panic!(
            "{} does not load: {}",
            file.display(),
            p.iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

pub fn tracker() -> Tracker {
    load(&tui_fixture().join("tracker.yaml")).tracker
}

/// The interface on the fixture, as of `today()`.
pub fn app() -> App {
    App::new(tracker(), "tracker.yaml", today())
}

/// Replays `k` (see `app::parse_keys`) without carrying out effects.
pub fn keys(app: &mut App, k: &str) -> Vec<Effect> {
    press(app, k).expect("key string parses")
}

/// Replays `k` with each key's effects carried out on `file` as the event
/// loop does (saves included); the effects, in order.
pub fn keys_on(app: &mut App, file: &Path, k: &str) -> Vec<Effect> {
    let mut all = Vec::new();
    for key in shibei_tracker::app::parse_keys(k).expect("key string parses") {
        let effects = shibei_tracker::app::handle_key(app, key);
        all.extend(effects.clone());
        shibei_tracker::tui::run_effects(app, effects, file);
    }
    all
}

/// Types `text` (spaces included) into the focused field or line, as
/// `keys_on` does.
pub fn type_text_on(app: &mut App, file: &Path, text: &str) {
    let k: Vec<String> = text
        .chars()
        .map(|c| {
            if c == ' ' {
                "<space>".to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    keys_on(app, file, &k.join(" "));
}

/// Copies the fixture tracker and its seeds into `to`.
pub fn copy_fixture(to: &Path) {
    let from = tui_fixture();
    fs::copy(from.join("tracker.yaml"), to.join("tracker.yaml")).expect("copy tracker");
    fs::create_dir(to.join("seeds")).expect("seeds dir");
    for e in fs::read_dir(from.join("seeds")).expect("fixture seeds") {
        let e = e.expect("entry");
        fs::copy(e.path(), to.join("seeds").join(e.file_name())).expect("copy seed");
    }
}

/// A temporary copy of the fixture, rewritten in canonical form so that
/// undoing every edit gives back the same bytes.
pub struct Copy {
    pub _dir: tempfile::TempDir,
    pub file: PathBuf,
    pub original: String,
}

pub fn copy() -> Copy {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_fixture(dir.path());
    let file = dir.path().join("tracker.yaml");
    let loaded = load(&file);
    store::save(&file, &loaded.tracker, &loaded.text).expect("normalize");
    let original = read(&file);
    Copy {
        _dir: dir,
        file,
        original,
    }
}

pub fn read(file: &Path) -> String {
    fs::read_to_string(file).expect("read")
}

/// The interface on a copy, knowing the text it was loaded from.
pub fn open(c: &Copy) -> App {
    let loaded = load(&c.file);
    App::new(loaded.tracker, "tracker.yaml", today()).with_base(loaded.text)
}

/// Draws `app` on a `w`×`h` test terminal and returns the buffer.
pub fn render(app: &mut App, w: u16, h: u16) -> Buffer {
    update(
        app,
        Action::Resize {
            width: w,
            height: h,
        },
    );
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    let mut drawn = Drawn::default();
    term.draw(|f| drawn = shibei_tracker::ui::draw(f, app))
        .expect("draw");
    // As the event loop does: scrolling learns where the content ends.
    update(app, Action::Drawn(drawn));
    term.backend().buffer().clone()
}

/// The screen as text, one string per row; the hidden second half of a
/// wide character is skipped, so each row reads as a terminal shows it.
pub fn lines(buf: &Buffer) -> Vec<String> {
    let a = buf.area;
    (0..a.height)
        .map(|y| {
            let mut s = String::new();
            let mut x = 0;
            while x < a.width {
                let sym = buf[(x, y)].symbol();
                s.push_str(sym);
                x += width(sym).max(1) as u16;
            }
            s
        })
        .collect()
}

pub fn screen(buf: &Buffer) -> String {
    lines(buf).join("\n")
}

/// Every row is exactly as wide as the terminal: nothing spills or
/// falls short because of double-width text.
pub fn assert_rows_fill(buf: &Buffer) {
    for (y, l) in lines(buf).iter().enumerate() {
        assert_eq!(
            width(l),
            buf.area.width as usize,
            "row {y} is misaligned: {l:?}"
        );
    }
}

/// Display column where `needle` starts on the row containing it.
pub fn column_of(buf: &Buffer, needle: &str) -> Option<usize> {
    lines(buf)
        .iter()
        .find_map(|l| l.find(needle).map(|b| width(&l[..b])))
}

/// The colour of the cell at the display column where `needle` starts.
pub fn fg_at(buf: &Buffer, needle: &str) -> Option<Color> {
    for (y, l) in lines(buf).iter().enumerate() {
        if let Some(b) = l.find(needle) {
            return buf[(width(&l[..b]) as u16, y as u16)].fg.into();
        }
    }
    None
}

/// Carries out `effects` as the event loop does; panics if they quit.
pub fn run_effects_ok(app: &mut App, effects: Vec<Effect>, file: &Path) {
    assert!(
        !shibei_tracker::tui::run_effects(app, effects, file),
        "the effects quit"
    );
}

/// Runs the command line on `file` (while the interface may be open) and
/// returns what it printed; fails the test if the command fails.
pub fn cli_ok(file: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_shibei-tracker"))
        .arg("--file")
        .arg(file)
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
