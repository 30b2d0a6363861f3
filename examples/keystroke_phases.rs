//! Where one filter keystroke's time goes, in process, at any scale:
//!
//!     cargo run --release --example gen -- --projects 100000 --out /tmp/scale/100k
//!     TRACKER_MAX_BYTES=4G cargo run --release --example keystroke_phases -- /tmp/scale/100k/tracker.yaml
//!     TRACKER_MAX_BYTES=4G cargo run --release --example keystroke_phases -- /tmp/scale/100k/tracker.yaml '~'
//!
//! Types "renhelu" (after the prefix given, such as `~`) on the filter
//! line and deletes it again, five times
//! (after one round to warm up), as `benches/scale.py` does through a
//! pseudo-terminal, and times each phase the event loop goes through for
//! a key: the edit (`update_deferring`), the filter pass of the view on
//! screen (`App::settle`), drawing a 120x40 frame (into a test backend:
//! no terminal), and feeding back what was drawn (`Action::Drawn`); then
//! what the loop does while idle, ranking the rows past the page drawn
//! (`App::rank_rest`, as the loop sets `page_first`); and,
//! apart, a whole project search for the same query
//! (`SearchIndex::search_projects_until`, on a second index made to
//! forget its passes each time), to tell the search from what the
//! interface adds, and a whole pass from the one the interface runs
//! (which starts from the passes of the keys before it: `search::Recent`).
//! The filter pass is also given for the letters typed and the letters
//! deleted apart. Each round starts on an index that forgot its passes,
//! so that every round types the word afresh (within a round, deleting
//! back reuses the passes of the letters typed).

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use shibei_tracker::app::{update, update_deferring, Action, App, Drawn};
use shibei_tracker::domain::search::Query;
use std::time::{Duration, Instant};

fn main() {
    let Some(file) = std::env::args().nth(1) else {
        eprintln!("usage: keystroke_phases TRACKER.yaml [PREFIX]");
        std::process::exit(2);
    };
    let prefix = std::env::args().nth(2).unwrap_or_default();
    let loaded = match shibei_tracker::store::load(std::path::Path::new(&file)) {
        Ok(l) => l,
        Err(problems) => {
            eprintln!("{file}: {} problem(s)", problems.len());
            std::process::exit(1);
        }
    };
    let today = chrono::NaiveDate::from_ymd_opt(2024, 9, 1).expect("a date");
    let mut app = App::new(loaded.tracker, "tracker.yaml", today);
    app.page_first = true;
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 40,
        },
    );
    app.ensure_index(&mut || false);
    // A second index for the whole passes, kept apart from the interface's.
    let whole = app.index.clone();
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    update(&mut app, Action::OpenFilter);
    for ch in prefix.chars() {
        update(&mut app, Action::Input(ch));
    }
    let names = [
        "edit",
        "filter pass",
        "draw",
        "drawn",
        "whole search",
        "filter, typed",
        "filter, deleted",
        "rest, idle",
    ];
    let mut phases: Vec<Vec<Duration>> = vec![Vec::new(); names.len()];
    let keys: Vec<Action> = "renhelu"
        .chars()
        .map(Action::Input)
        .chain(std::iter::repeat_n(Action::DeleteChar, 7))
        .collect();
    for round in 0..6 {
        app.index.forget_passes();
        for (k, key) in keys.iter().enumerate() {
            let t0 = Instant::now();
            update_deferring(&mut app, key.clone());
            let t1 = Instant::now();
            app.settle(&mut || false);
            let t2 = Instant::now();
            let mut drawn = Drawn::default();
            term.draw(|f| drawn = shibei_tracker::ui::draw(f, &app))
                .expect("draw");
            let t3 = Instant::now();
            update(&mut app, Action::Drawn(drawn));
            let t4 = Instant::now();
            app.rank_rest(&mut || false);
            let idle = t4.elapsed();
            let q = Query::parse(&app.query);
            whole.forget_passes();
            let t5 = Instant::now();
            let hits = whole.search_projects_until(&app.tracker, &q, &mut || false);
            let t6 = Instant::now();
            std::hint::black_box(hits);
            if round > 0 {
                for (p, d) in [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t6 - t5]
                    .into_iter()
                    .enumerate()
                {
                    phases[p].push(d);
                }
                phases[if k < 7 { 5 } else { 6 }].push(t2 - t1);
                phases[7].push(idle);
            }
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for (name, mut v) in names.into_iter().zip(phases) {
        v.sort();
        println!(
            "{name:15} median {:7.2} ms  p90 {:7.2} ms  ({} keys)",
            ms(v[v.len() / 2]),
            ms(v[v.len() * 9 / 10]),
            v.len()
        );
    }
}
