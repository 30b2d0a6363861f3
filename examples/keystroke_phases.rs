//! Where one filter keystroke's time goes, in process, at any scale:
//!
//!     cargo run --release --example gen -- --projects 100000 --out /tmp/scale/100k
//!     TRACKER_MAX_BYTES=4G cargo run --release --example keystroke_phases -- /tmp/scale/100k/tracker.yaml
//!
//! Types "renhelu" on the filter line and deletes it again, five times
//! (after one round to warm up), as `benches/scale.py` does through a
//! pseudo-terminal, and times each phase the event loop goes through for
//! a key: the edit (`update_deferring`), the filter pass of the view on
//! screen (`App::settle`), drawing a 120x40 frame (into a test backend:
//! no terminal), and feeding back what was drawn (`Action::Drawn`); and,
//! apart, the project search alone (`SearchIndex::search_projects_until`)
//! for the same query, to tell the search from what the interface adds.

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use shibei_tracker::app::{update, update_deferring, Action, App, Drawn};
use shibei_tracker::domain::search::Query;
use std::time::{Duration, Instant};

fn main() {
    let Some(file) = std::env::args().nth(1) else {
        eprintln!("usage: keystroke_phases TRACKER.yaml");
        std::process::exit(2);
    };
    let loaded = match shibei_tracker::store::load(std::path::Path::new(&file)) {
        Ok(l) => l,
        Err(problems) => {
            eprintln!("{file}: {} problem(s)", problems.len());
            std::process::exit(1);
        }
    };
    let today = chrono::NaiveDate::from_ymd_opt(2024, 9, 1).expect("a date");
    let mut app = App::new(loaded.tracker, "tracker.yaml", today);
    update(
        &mut app,
        Action::Resize {
            width: 120,
            height: 40,
        },
    );
    app.ensure_index(&mut || false);
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    update(&mut app, Action::OpenFilter);
    let names = ["edit", "filter pass", "draw", "drawn", "search alone"];
    let mut phases: Vec<Vec<Duration>> = vec![Vec::new(); names.len()];
    let keys: Vec<Action> = "renhelu"
        .chars()
        .map(Action::Input)
        .chain(std::iter::repeat_n(Action::DeleteChar, 7))
        .collect();
    for round in 0..6 {
        for key in &keys {
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
            let q = Query::parse(&app.query);
            let hits = app
                .index
                .search_projects_until(&app.tracker, &q, &mut || false);
            let t5 = Instant::now();
            std::hint::black_box(hits);
            if round > 0 {
                for (k, d) in [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4]
                    .into_iter()
                    .enumerate()
                {
                    phases[k].push(d);
                }
            }
        }
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for (name, mut v) in names.into_iter().zip(phases) {
        v.sort();
        println!(
            "{name:13} median {:7.2} ms  p90 {:7.2} ms  ({} keys)",
            ms(v[v.len() / 2]),
            ms(v[v.len() * 9 / 10]),
            v.len()
        );
    }
}
