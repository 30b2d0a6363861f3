//! Rendering with ratatui's TestBackend at 120x40 and 40x12: each view,
//! the detail pane, the help overlay and a filter with highlights.

use chrono::NaiveDate;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use ratatui::Terminal;
use shibei_tracker::app::{press, update, Action, App, KEYMAP};
use shibei_tracker::text::width;
use std::path::Path;

fn app() -> App {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tui/tracker.yaml"
    ));
    let tracker = match shibei_tracker::store::load(path) {
        Ok(l) => l.tracker,
        Err(p) => panic!("fixture does not load: {p:?}"),
    };
    App::new(
        tracker,
        "tracker.yaml",
        NaiveDate::from_ymd_opt(2024, 9, 1).expect("date"),
    )
}

fn render(app: &mut App, w: u16, h: u16) -> Buffer {
    update(
        app,
        Action::Resize {
            width: w,
            height: h,
        },
    );
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    term.draw(|f| shibei_tracker::ui::draw(f, app))
        .expect("draw");
    term.backend().buffer().clone()
}

/// The screen as text, one string per row; the hidden second half of a
/// wide character is skipped, so each row reads as a terminal shows it.
fn lines(buf: &Buffer) -> Vec<String> {
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

fn screen(buf: &Buffer) -> String {
    lines(buf).join("\n")
}

/// Every row is exactly as wide as the terminal: nothing spills or
/// falls short because of double-width text.
fn assert_rows_fill(buf: &Buffer) {
    for (y, l) in lines(buf).iter().enumerate() {
        assert_eq!(
            width(l),
            buf.area.width as usize,
            "row {y} is misaligned: {l:?}"
        );
    }
}

/// Display column where `needle` starts on the row containing it.
fn column_of(buf: &Buffer, needle: &str) -> Option<usize> {
    lines(buf)
        .iter()
        .find_map(|l| l.find(needle).map(|b| width(&l[..b])))
}

/// The style of the cell at the display column where `needle` starts.
fn fg_at(buf: &Buffer, needle: &str) -> Option<Color> {
    for (y, l) in lines(buf).iter().enumerate() {
        if let Some(b) = l.find(needle) {
            return buf[(width(&l[..b]) as u16, y as u16)].fg.into();
        }
    }
    None
}

const AMBIGUOUS: [char; 8] = ['•', '█', '★', '…', '↑', '↓', '║', '—'];

fn assert_no_ambiguous_glyphs(buf: &Buffer) {
    let s = screen(buf);
    for c in AMBIGUOUS {
        assert!(!s.contains(c), "ambiguous-width glyph {c:?} on screen");
    }
}

#[test]
fn projects_view_wide() {
    let mut a = app();
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    assert!(s.contains("1 Projects"));
    assert!(s.contains("人和路旧城改造项目B、C区"));
    assert!(s.contains("Renhe Road Old Town"));
    assert!(s.contains("城市更新"));
    assert!(s.contains("中央商务区"));
    assert!(
        s.contains("! 2022-12 预计年底建成"),
        "overdue milestone marked"
    );
    assert!(s.contains("9/9"));
    assert!(s.contains("tracker.yaml"));
    assert!(s.contains("? help"));
    assert_rows_fill(&buf);
    assert_no_ambiguous_glyphs(&buf);
    // Columns line up whatever the width of the Chinese names before them.
    let rows = lines(&buf);
    let col_en: Vec<usize> = ["Renhe Road", "Visionox", "Inspur Big"]
        .iter()
        .map(|n| {
            rows.iter()
                .find_map(|l| l.find(n).map(|b| width(&l[..b])))
                .expect("row shown")
        })
        .collect();
    assert!(
        col_en.windows(2).all(|w| w[0] == w[1]),
        "English names misaligned: {col_en:?}"
    );
    assert_eq!(
        column_of(&buf, "Name"),
        Some(col_en[0]),
        "header above its column"
    );
    assert_eq!(fg_at(&buf, "! 2022-12"), Some(Color::Red));
}

#[test]
fn projects_view_narrow() {
    let mut a = app();
    let buf = render(&mut a, 40, 12);
    let s = screen(&buf);
    assert!(s.contains("人和路"), "{s}");
    assert!(s.contains("9/9"));
    assert!(s.contains("? help"));
    assert!(!s.contains("Renhe"), "the English column is dropped first");
    assert_rows_fill(&buf);
    assert_no_ambiguous_glyphs(&buf);
    // Long names are cut with "~", never through a character.
    assert!(s.contains('~'));
}

#[test]
fn goals_view_coloured_by_state() {
    let mut a = app();
    press(&mut a, "2").expect("keys");
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    for text in [
        "新认定高新技术企业",
        ">=60家",
        "58家",
        "at risk",
        "met",
        "no data",
        "reported",
        "2024",
        "5/5",
    ] {
        assert!(s.contains(text), "missing {text:?}:\n{s}");
    }
    assert_eq!(fg_at(&buf, "met "), Some(Color::Green));
    assert_eq!(fg_at(&buf, "at risk"), Some(Color::Yellow));
    assert_rows_fill(&buf);
    let buf = render(&mut a, 40, 12);
    let s = screen(&buf);
    assert!(s.contains("新认定"), "{s}");
    assert!(s.contains("at risk") || s.contains("at ri"), "{s}");
    assert_rows_fill(&buf);
}

#[test]
fn chains_view_shows_standing() {
    let mut a = app();
    press(&mut a, "3").expect("keys");
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    for text in [
        "数字经济",
        "Digital economy",
        "运营中 1",
        "规划中 1",
        "在建 2",
        "met 1",
        "at risk 1",
        "7/7",
    ] {
        assert!(s.contains(text), "missing {text:?}:\n{s}");
    }
    assert_rows_fill(&buf);
    let buf = render(&mut a, 40, 12);
    assert!(screen(&buf).contains("数字经济"));
    assert_rows_fill(&buf);
}

#[test]
fn detail_pane_shows_history_milestones_figures_and_quotes() {
    let mut a = app();
    press(&mut a, "<enter>").expect("keys");
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    for text in [
        "Renhe Road Old Town Redevelopment, zones B and C",
        "城市更新 Urban renewal",
        "History",
        "2013-12  停滞",
        "「共占地1.8万平方米」",
        "市北聚焦“2+6”特色产业“建圈强链” (2022-12, r2022)",
        "Sources",
    ] {
        assert!(s.contains(text), "missing {text:?}:\n{s}");
    }
    assert_rows_fill(&buf);
    // A project with milestones: overdue ones say so.
    let mut a = app();
    press(&mut a, "j <enter>").expect("keys");
    let s = screen(&render(&mut a, 120, 40));
    assert!(s.contains("Milestones") && s.contains("[OVERDUE]"), "{s}");
    // Narrow: wrapped, and scrolling reaches the end.
    let mut a = app();
    press(&mut a, "<enter>").expect("keys");
    let buf = render(&mut a, 40, 12);
    assert!(screen(&buf).contains("人和路"));
    assert_rows_fill(&buf);
    press(
        &mut a,
        "j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j j",
    )
    .expect("keys");
    let buf = render(&mut a, 40, 12);
    assert!(
        screen(&buf).contains("開工") || screen(&buf).contains("开工仪式"),
        "{}",
        screen(&buf)
    );
    assert_rows_fill(&buf);
}

#[test]
fn goal_detail() {
    let mut a = app();
    press(&mut a, "2 <enter>").expect("keys");
    let s = screen(&render(&mut a, 120, 40));
    for text in [
        "Newly certified high-tech enterprises",
        "Baseline",
        "55家 as of 2023",
        "「全年新认定高新技术企业55家」",
        "at risk",
        "days left",
    ] {
        assert!(s.contains(text), "missing {text:?}:\n{s}");
    }
}

#[test]
fn help_overlay_lists_every_binding() {
    let mut a = app();
    press(&mut a, "?").expect("keys");
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    assert!(s.contains("Keys") && s.contains("Browsing a list") && s.contains("move down"));
    assert_rows_fill(&buf);
    // Scrolled through, every description of the keymap appears.
    let mut seen = String::new();
    for _ in 0..160 {
        seen.push_str(&screen(&render(&mut a, 120, 40)));
        press(&mut a, "j").expect("keys");
    }
    for b in KEYMAP {
        assert!(seen.contains(b.help), "help lacks {:?}", b.help);
    }
    assert!(seen.contains("Ctrl-C") && seen.contains("wheel"));
    let buf = render(&mut a, 40, 12);
    assert_rows_fill(&buf);
}

#[test]
fn filter_highlights_matched_characters() {
    let mut a = app();
    press(&mut a, "/ rhl").expect("keys");
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    assert!(s.contains("/rhl"), "the filter line shows the query");
    let rows = lines(&buf);
    let y = rows
        .iter()
        .position(|l| l.contains("人和路旧城"))
        .expect("row shown");
    let x0 = width(&rows[y][..rows[y].find("人和路").expect("name")]) as u16;
    // 人 和 路 (columns x0, x0+2, x0+4) highlighted; 旧 is not.
    for k in 0..3 {
        assert_eq!(
            buf[(x0 + 2 * k, y as u16)].fg,
            Color::LightYellow,
            "char {k} highlighted"
        );
    }
    assert_ne!(buf[(x0 + 6, y as u16)].fg, Color::LightYellow);
    assert_rows_fill(&buf);
    let buf = render(&mut a, 40, 12);
    assert!(screen(&buf).contains("/rhl"));
    assert_rows_fill(&buf);
    // Kept filter appears in the status bar.
    press(&mut a, "<enter>").expect("keys");
    assert!(screen(&render(&mut a, 120, 40)).contains("filter: rhl"));
}

#[test]
fn pickers_render() {
    let mut a = app();
    press(&mut a, "c").expect("keys");
    let s = screen(&render(&mut a, 120, 40));
    assert!(
        s.contains("Filter by chain")
            && s.contains("(any chain)")
            && s.contains("数字经济  Digital economy"),
        "{s}"
    );
    press(&mut a, "<esc> a").expect("keys");
    let buf = render(&mut a, 40, 12);
    assert!(screen(&buf).contains("(any area)"));
    assert_rows_fill(&buf);
}

#[test]
fn every_size_down_to_one_by_one_draws_without_panic() {
    let mut a = app();
    for keys in [
        "",
        "2",
        "3",
        "1 <enter>",
        "<esc> ?",
        "<esc> c",
        "<esc> / rhl",
    ] {
        press(&mut a, keys).expect("keys");
        for w in [0u16, 1, 2, 5, 10, 23, 24, 30, 40, 120] {
            for h in [0u16, 1, 2, 3, 5, 6, 7, 12, 40] {
                let buf = render(&mut a, w, h);
                if w > 0 && h > 0 {
                    assert_rows_fill(&buf);
                }
            }
        }
    }
    let mut a = app();
    let s = screen(&render(&mut a, 20, 5));
    assert!(s.contains("terminal too small"), "{s}");
}

#[test]
fn popups_do_not_swallow_borders_next_to_wide_text() {
    let mut a = app();
    press(&mut a, "?").expect("keys");
    let buf = render(&mut a, 120, 40);
    let rows = lines(&buf);
    // The help box's left border is on every row it spans.
    let x = column_of(&buf, "┌ Keys").expect("help box");
    for l in &rows[2..38] {
        let mut col = 0;
        let mut found = false;
        for ch in l.chars() {
            if col == x {
                found = ch == '│' || ch == '└' || ch == '┌';
                break;
            }
            col += width(&ch.to_string());
        }
        assert!(found, "border missing at column {x}: {l:?}");
    }
}
