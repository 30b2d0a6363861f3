//! Rendering with ratatui's TestBackend at 120x40 and 40x12: each view,
//! the detail pane, the help overlay and a filter with highlights.

mod common;

use common::*;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use shibei_tracker::app::{press, update, Action, App, KEYMAP};
use shibei_tracker::text::width;

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
fn chains_view_shows_standing_as_stacked_bars_with_a_legend() {
    let mut a = app();
    press(&mut a, "3").expect("keys");
    for (w, h) in [(120, 40), (80, 24)] {
        let buf = render(&mut a, w, h);
        let s = screen(&buf);
        for text in [
            "数字经济",
            "Met",
            "Adv",
            "Projects",
            "Goals",
            // The legend explains every mark, in full, at 80 columns too.
            "P 规划中",
            "U 在建",
            "O 运营中",
            "X 已取消",
            "M met",
            "R at risk",
            "D reported",
            "7/7",
        ] {
            assert!(s.contains(text), "{w}x{h}: missing {text:?}:\n{s}");
        }
        assert!(!s.contains("re~"), "{w}x{h}: legend cut:\n{s}");
        // 都市工业: 1 planned and 2 under construction, as one stacked bar.
        let row = lines(&buf)
            .into_iter()
            .find(|l| l.contains("都市工业"))
            .expect("urban industry row");
        let bar: String = row.chars().filter(|c| "PU".contains(*c)).collect();
        let (p, u) = (bar.matches('P').count(), bar.matches('U').count());
        assert!(p > 0 && u > p, "{row}");
        assert!(row.contains(" 3 "), "total after the bar: {row}");
        assert_rows_fill(&buf);
        assert_no_ambiguous_glyphs(&buf);
    }
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
        // Curly quotes, of ambiguous width, drawn as their stand-ins.
        "市北聚焦\"2+6\"特色产业\"建圈强链\" (2022-12, r2022)",
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
        // 58 as of 2024-06-30 is judged at that date: 57.5 was expected.
        "on track",
        "(expected by 2024-06-30: 57.5)",
        "Observations (newest first)",
        "2024-06-30  58家  (current)",
        "as of 2024-06-30, 2 months old",
        "days left",
    ] {
        assert!(s.contains(text), "missing {text:?}:\n{s}");
    }
}

/// The text inside the help popup on screen, row by row, borders and
/// padding removed.
fn help_rows(buf: &Buffer) -> Vec<String> {
    // The popup is centred, 84 columns at most.
    let w = buf.area.width;
    let pw = w.min(84);
    let (left, right) = ((w - pw) / 2 + 1, (w - pw) / 2 + pw - 1);
    // Inside the border: the popup spans rows 1..h-1 (tabs and status
    // bar stay visible).
    (2..buf.area.height.saturating_sub(2))
        .map(|y| {
            let mut row = String::new();
            let mut x = left;
            while x < right {
                let sym = buf[(x, y)].symbol();
                row.push_str(sym);
                x += width(sym).max(1) as u16;
            }
            row.trim_end().to_string()
        })
        .collect()
}

/// Pages through the help with PgDn at `w`×`h`, returning every row seen
/// and the presses it took to reach the end.
fn page_through_help(w: u16, h: u16) -> (Vec<String>, usize) {
    let mut a = app();
    press(&mut a, "?").expect("keys");
    let mut rows = help_rows(&render(&mut a, w, h));
    let mut presses = 0;
    loop {
        let before = a.help_scroll();
        press(&mut a, "<pgdn>").expect("keys");
        let buf = render(&mut a, w, h);
        if a.help_scroll() == before {
            break;
        }
        presses += 1;
        rows.extend(help_rows(&buf));
        assert!(presses < 100, "PgDn never reaches the end");
    }
    (rows, presses)
}

#[test]
fn help_overlay_lists_every_binding_with_whole_labels() {
    let mut a = app();
    press(&mut a, "?").expect("keys");
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    assert!(s.contains("Keys") && s.contains("Browsing a list") && s.contains("move down"));
    assert_rows_fill(&buf);
    for (w, h) in [(120, 40), (80, 24), (40, 10)] {
        let (rows, _) = page_through_help(w, h);
        // Words may wrap onto the next row: compare with spaces squeezed.
        let text = rows.iter().map(|r| r.trim()).collect::<Vec<_>>().join(" ");
        let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = squeeze(&text);
        for b in KEYMAP {
            assert!(
                text.contains(&squeeze(b.help)),
                "{w}x{h}: help lacks {:?}",
                b.help
            );
            for k in b.keys {
                assert!(
                    text.contains(&k.label()),
                    "{w}x{h}: key {} cut or missing",
                    k.label()
                );
            }
        }
        for extra in ["Ctrl-C", "wheel", "click", "Shift-Tab / Left / h"] {
            assert!(text.contains(extra), "{w}x{h}: help lacks {extra:?}");
        }
        assert!(!text.contains("Shift~"), "a key label was cut");
    }
}

/// "Help lists q only on its second page and never lists Ctrl-C": its
/// first page shows how to quit (q, Ctrl-C), get this help (?) and switch
/// views (Tab, 1 to 4); at 40x12, whose page holds 8 rows, the first four.
#[test]
fn help_opens_with_the_global_keys_on_its_first_page() {
    for (w, h, n) in [(120, 40, 6), (80, 24, 6), (40, 12, 4)] {
        let mut a = app();
        press(&mut a, "?").expect("keys");
        let rows = help_rows(&render(&mut a, w, h));
        let key_row = |key: &str, does: &str| {
            rows.iter().any(|r| {
                let mut words = r.split_whitespace();
                words.next() == Some(key) && r.contains(does)
            })
        };
        for (key, does) in [
            ("Ctrl-C", "quit"),
            ("q", "quit"),
            ("?", "help"),
            ("Tab", "next view"),
            ("1", "Projects"),
            ("4", "Sources"),
        ]
        .into_iter()
        .take(n)
        {
            assert!(
                key_row(key, does),
                "{w}x{h}: first page lacks {key} {does}:\n{}",
                rows.join("\n")
            );
        }
    }
}

#[test]
fn help_pages_with_pgdn_g_and_end_at_any_size() {
    // At 40x10 the help is long; paging gets through it in a few presses,
    // not 75 presses of j.
    let (_, presses) = page_through_help(40, 10);
    // (The help lists every binding: the form and reader keys made it
    // about 180 lines; at 8 rows a page that is some 25-55 presses.)
    assert!(presses > 3 && presses < 80, "{presses} pages");
    let mut a = app();
    press(&mut a, "?").expect("keys");
    render(&mut a, 40, 10);
    press(&mut a, "G").expect("keys");
    let s = screen(&render(&mut a, 40, 10));
    assert!(s.contains("reloaded within"), "G shows the end:\n{s}");
    let end = a.help_scroll();
    press(&mut a, "<pgup>").expect("keys");
    assert!(a.help_scroll() < end);
    press(&mut a, "<home>").expect("keys");
    assert_eq!(a.help_scroll(), Some(0));
    press(&mut a, "<end>").expect("keys");
    assert_eq!(a.help_scroll(), end);
    // Many presses past the end, then one back: it moves at once.
    for _ in 0..200 {
        press(&mut a, "j").expect("keys");
    }
    render(&mut a, 40, 10);
    press(&mut a, "k").expect("keys");
    assert_eq!(a.help_scroll(), end.map(|e| e - 1));
}

#[test]
fn detail_scroll_stops_at_the_end_so_k_works_at_once() {
    let mut a = app();
    press(&mut a, "<enter>").expect("keys");
    render(&mut a, 80, 24);
    for _ in 0..200 {
        press(&mut a, "j").expect("keys");
        render(&mut a, 80, 24);
    }
    let end = a.detail_scroll().expect("details open");
    assert!(end > 0 && end < 200, "{end}");
    press(&mut a, "k").expect("keys");
    assert_eq!(a.detail_scroll(), Some(end - 1));
    press(&mut a, "g").expect("keys");
    assert_eq!(a.detail_scroll(), Some(0));
    press(&mut a, "G").expect("keys");
    assert_eq!(a.detail_scroll(), Some(end));
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

// ---- Editing and progress (issue 5) ----

use shibei_tracker::domain::edit::Record;
use shibei_tracker::domain::{Comparator, Status};

/// The row index (screen y) of the first row containing `needle`.
fn row_of(buf: &Buffer, needle: &str) -> Option<usize> {
    lines(buf).iter().position(|l| l.contains(needle))
}

#[test]
fn status_picker_marks_the_current_status() {
    let mut a = app();
    press(&mut a, "s j").expect("keys");
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    for text in [
        "Status of 人和路旧城改造项目B、C区",
        "规划中  Planned",
        "已签约  Signed",
        "* 在建    Under construction  (now)",
        "已建成  Completed",
        "运营中  Operating",
        "停滞    Stalled",
        "已取消  Cancelled",
        "Enter choose",
    ] {
        assert!(s.contains(text), "missing {text:?}:\n{s}");
    }
    // The highlighted entry (one below the current) is drawn reversed.
    let y = row_of(&buf, "已建成  Completed").expect("row") as u16;
    let x = column_of(&buf, "已建成  Completed").expect("col") as u16;
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
    assert_rows_fill(&buf);
    assert_no_ambiguous_glyphs(&buf);
    let buf = render(&mut a, 40, 12);
    let s = screen(&buf);
    assert!(s.contains("在建") && s.contains("(now)"), "{s}");
    assert!(
        s.contains("已建成"),
        "the highlighted one stays in view:\n{s}"
    );
    assert_rows_fill(&buf);
}

#[test]
fn inline_editor_shows_the_value_and_a_clear_error() {
    let mut a = app();
    press(&mut a, "2 e").expect("keys");
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    assert!(s.contains("New value: 新认定高新技术企业"), "{s}");
    assert!(
        s.contains("value: 58 家"),
        "the old value, ready to replace:\n{s}"
    );
    assert!(
        s.contains("goal >=60家") && s.contains("as of 2024-09-01"),
        "{s}"
    );
    // Drawn at the goal's row: its top border just below it.
    let goal_row = row_of(&buf, "新认定高新技术企业 ").expect("goal row");
    assert_eq!(row_of(&buf, "New value"), Some(goal_row + 1));
    press(&mut a, "35家 <enter>").expect("keys");
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    assert!(s.contains("value: 35家 家"), "{s}");
    let msg = "\"35家\": numbers only; the unit (家) is already known, type 35";
    assert!(s.contains(msg), "{s}");
    assert_eq!(fg_at(&buf, "\"35家\": numbers"), Some(Color::Red));
    assert_rows_fill(&buf);
    assert_no_ambiguous_glyphs(&buf);
    let buf = render(&mut a, 40, 12);
    let s = screen(&buf);
    assert!(
        s.contains("value: 35家") && s.contains("\"35家\": numbers"),
        "{s}"
    );
    assert_rows_fill(&buf);
    // The as-of date that follows a good number, today offered.
    press(&mut a, "<bs> <enter>").expect("keys");
    let s = screen(&render(&mut a, 120, 40));
    assert!(
        s.contains("新认定高新技术企业: 35家") && s.contains("as of: 2024-09-01"),
        "{s}"
    );
    // Then the note.
    press(&mut a, "<enter>").expect("keys");
    let s = screen(&render(&mut a, 120, 40));
    assert!(
        s.contains("新认定高新技术企业: 35家 as of 2024-09-01") && s.contains("note: "),
        "{s}"
    );
}

#[test]
fn status_note_prompt_names_the_change() {
    let mut a = app();
    press(&mut a, "s j j j <enter> 资金").expect("keys");
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    assert!(s.contains("人和路旧城改造项目B、C区: 在建 -> 停滞"), "{s}");
    assert!(s.contains("note: 资金") && s.contains("Enter saves"), "{s}");
    assert_rows_fill(&buf);
}

/// The fixture plus a goal exceeded (35 of 30) and a `<=` goal halfway.
fn app_with_gauges() -> App {
    let mut a = app();
    let mut t = a.tracker.clone();
    if let Some(g) = t.targets.iter_mut().find(|g| g.id == "finance-firms-2024") {
        g.observations = vec![t_actual(35.0)];
    }
    let mut cap = t
        .targets
        .iter()
        .find(|g| g.id == "cruise-voyages-2024")
        .cloned()
        .expect("goal");
    cap.id = "energy-cap-2024".into();
    cap.metric_zh = "单位能耗上限".into();
    cap.metric_en = "Energy use ceiling".into();
    cap.comparator = Some(Comparator::AtMost);
    cap.target = Some(60.0);
    cap.unit = "吨".into();
    cap.baseline = Some(shibei_tracker::domain::Baseline {
        value: 100.0,
        date: shibei_tracker::domain::PartialDate::parse("2023").expect("date"),
        source: None,
        quote: None,
    });
    cap.observations = vec![t_actual(80.0)];
    t.targets.push(cap);
    a = App::new(t, "tracker.yaml", a.today);
    a
}

fn t_actual(value: f64) -> shibei_tracker::domain::Observation {
    shibei_tracker::domain::Observation {
        value,
        date: shibei_tracker::domain::PartialDate::parse("2024-06-30").expect("date"),
        note: Some("typed".into()),
        source: None,
        quote: None,
        ..Default::default()
    }
}

#[test]
fn gauges_fill_from_baseline_to_target_and_clamp_when_exceeded() {
    let mut a = app_with_gauges();
    press(&mut a, "2").expect("keys");
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    let row = |needle: &str| {
        lines(&buf)
            .into_iter()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no row {needle}:\n{s}"))
    };
    // 35 of 30: a full gauge and the share of the goal as text.
    let exceeded = row("引进金融企业机构");
    assert!(exceeded.contains("[##########] 117%"), "{exceeded}");
    assert!(exceeded.contains("met"), "{exceeded}");
    // 6 of 5.
    assert!(row("引进培育总部类企业").contains("[##########] 120%"));
    // <= 60 from a baseline of 100, now 80: half way, filled from the left.
    let cap = row("单位能耗上限");
    assert!(
        cap.contains("<=60吨") && cap.contains("[#####.....] 50%"),
        "{cap}"
    );
    // 58 on the way from 55 to 60, on pace at its date (2024-06-30).
    let hitech = row("新认定高新技术企业");
    assert!(
        hitech.contains("[######....] 60%") && hitech.contains("on track"),
        "{hitech}"
    );
    // A result without a goal has no gauge.
    let result = row("引进金融重点项目");
    assert!(
        result.contains("reported") && result.contains("2022-12-31 ended") && !result.contains('['),
        "{result}"
    );
    assert!(s.contains("2024-12-31 121d left"), "{s}");
    assert_eq!(fg_at(&buf, "[##########] 117%"), Some(Color::Green));
    // On track is drawn in the on-track colour.
    assert_eq!(fg_at(&buf, "[######....]"), Some(Color::Cyan));
    assert_rows_fill(&buf);
    assert_no_ambiguous_glyphs(&buf);
    // At 40 columns the gauge gives way; the numbers stay whole.
    let buf = render(&mut a, 40, 12);
    let s = screen(&buf);
    assert!(s.contains("117%") && s.contains("50%"), "{s}");
    assert!(!s.contains('['), "no gauge before the numbers: {s}");
    assert!(s.contains("Goals (6 hidden)"), "the title says so: {s}");
    assert_rows_fill(&buf);
    assert_no_ambiguous_glyphs(&buf);
    // The detail pane has the gauge too.
    press(&mut a, "j j <enter>").expect("keys");
    let s = screen(&render(&mut a, 120, 40));
    assert!(
        s.contains("Progress") && s.contains("[####################] 117%"),
        "{s}"
    );
}

#[test]
fn overdue_goals_say_so() {
    let mut a = app();
    a.today = chrono::NaiveDate::from_ymd_opt(2025, 1, 11).expect("date");
    a = App::new(a.tracker.clone(), "tracker.yaml", a.today);
    press(&mut a, "2").expect("keys");
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    assert!(s.contains("2024-12-31 11d overdue"), "{s}");
    assert_eq!(fg_at(&buf, "2024-12-31 11d overdue"), Some(Color::Red));
}

#[test]
fn scoreboard_ranks_chains_with_bars() {
    let mut a = app();
    press(&mut a, "3").expect("keys");
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    assert!(
        s.contains("Chains: ranked by goals met, then projects advancing"),
        "{s}"
    );
    let rows = lines(&buf);
    // Ranked: headquarters (1 goal met) first, then urban industry (2 advancing).
    let first = &rows[3];
    assert!(
        first.contains("总部经济") && first.contains("1/1 1/1"),
        "{first}"
    );
    let second = &rows[4];
    assert!(
        second.contains("都市工业") && second.contains("0/0 2/3"),
        "{second}"
    );
    assert!(second.contains("! 4"), "overdue milestones: {second}");
    assert_eq!(fg_at(&buf, "1/1 1/1"), Some(Color::Green), "goals met");
    assert_rows_fill(&buf);
    assert_no_ambiguous_glyphs(&buf);
    let buf = render(&mut a, 40, 12);
    let s = screen(&buf);
    assert!(s.contains("总部经济") && s.contains("Met"), "{s}");
    assert!(s.contains("1/1"), "{s}");
    assert_rows_fill(&buf);
    // The order is the domain's ranking.
    let ranked = shibei_tracker::domain::summary::ranked(
        shibei_tracker::domain::summary::by_chain(&a.tracker, a.today),
    );
    let shown: Vec<&str> = a
        .chains
        .list
        .rows
        .iter()
        .map(|r| a.tracker.chains[r.chain].id.as_str())
        .collect();
    let expected: Vec<&str> = ranked.iter().map(|s| s.chain.as_str()).collect();
    assert_eq!(shown, expected);
}

#[test]
fn conflict_popup_shows_both_versions() {
    let mut a = app();
    // Our change, applied and waiting for its save...
    let effects = press(&mut a, "s j j j <enter> 我们的备注 <enter>").expect("keys");
    assert_eq!(effects.len(), 1);
    // ...which finds theirs on disk.
    let mut disk = a.tracker.clone();
    let theirs = {
        let p = disk
            .projects
            .iter_mut()
            .find(|p| p.id == "renhe-road-renewal-bc")
            .expect("renhe");
        p.status = Status::Operating;
        p.clone()
    };
    update(
        &mut a,
        Action::Conflict {
            theirs: Some(Box::new(Record::Project(theirs))),
            disk: Box::new(disk),
            disk_text: String::new(),
        },
    );
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    for text in [
        "Changed on disk meanwhile",
        "renhe-road-renewal-bc was changed in the file too",
        "Mine (not saved)",
        "In the file",
        "status  停滞 stalled",
        "status  运营中 operating",
        "2024-09-01 停滞 我们的备注",
        "m keep mine   t take theirs   Esc decide later",
        "not saved yet",
    ] {
        assert!(s.contains(text), "missing {text:?}:\n{s}");
    }
    // Side by side: theirs on the same row as ours.
    let y = row_of(&buf, "status  停滞 stalled").expect("row");
    assert!(lines(&buf)[y].contains("status  运营中 operating"));
    assert_rows_fill(&buf);
    assert_no_ambiguous_glyphs(&buf);
    let buf = render(&mut a, 40, 12);
    let s = screen(&buf);
    assert!(s.contains("Mine (not saved)"), "{s}");
    assert_rows_fill(&buf);
}

#[test]
fn status_bar_says_what_was_saved_and_when_attention_is_on() {
    let mut a = app();
    press(&mut a, "s j j j <enter> <enter>").expect("keys");
    update(
        &mut a,
        Action::Saved {
            text: String::new(),
        },
    );
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    assert!(
        s.contains(
            "saved: renhe-road-renewal-bc: 在建 Under construction -> 停滞 Stalled (2024-09-01)"
        ),
        "{s}"
    );
    assert_eq!(fg_at(&buf, "saved: renhe"), Some(Color::Green));
    update(
        &mut a,
        Action::SaveFailed(
            "tracker.yaml: not saved: the file is read-only - make it writable".into(),
        ),
    );
    let buf = render(&mut a, 120, 40);
    assert_eq!(fg_at(&buf, "tracker.yaml: not saved"), Some(Color::Red));
    press(&mut a, "!").expect("keys");
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    assert!(
        s.contains("! needs attention") && s.contains("Projects: needing attention"),
        "{s}"
    );
    let buf = render(&mut a, 40, 12);
    assert!(screen(&buf).contains("! needs attention"));
    assert_rows_fill(&buf);
}

#[test]
fn edit_overlays_draw_at_every_size_without_panic() {
    for keys in [
        "s",
        "s j <enter> note",
        "2 e 35x <enter>",
        "<enter> s",
        "2 <enter> e",
    ] {
        let mut a = app_with_gauges();
        press(&mut a, keys).expect("keys");
        for w in [0u16, 1, 2, 5, 10, 23, 24, 30, 40, 64, 120] {
            for h in [0u16, 1, 2, 3, 5, 6, 7, 12, 40] {
                let buf = render(&mut a, w, h);
                if w > 0 && h > 0 {
                    assert_rows_fill(&buf);
                }
            }
        }
    }
}

/// The fixture with a two-year series: 55 high-tech firms certified in
/// 2023 (a result) and the 2024 goal of 60 with its 58 as of 2024-06-30.
fn app_with_series() -> App {
    let a = app();
    let mut t = a.tracker.clone();
    let g = t
        .targets
        .iter_mut()
        .find(|g| g.id == "hitech-firms-2024")
        .expect("goal");
    g.metric = Some("hitech-firms".into());
    let mut result = g.clone();
    result.id = "hitech-firms-2023".into();
    result.period = shibei_tracker::domain::Period::Year(2023);
    result.comparator = None;
    result.target = None;
    result.baseline = None;
    let mut v = t_actual(55.0);
    v.date = shibei_tracker::domain::PartialDate::parse("2023").expect("date");
    result.observations = vec![v];
    t.targets.push(result);
    App::new(t, "tracker.yaml", a.today)
}

#[test]
fn goal_detail_draws_its_series_with_the_goal_line_at_80x24() {
    let mut a = app_with_series();
    press(&mut a, "2").expect("keys");
    let i = a
        .goals
        .list
        .rows
        .iter()
        .position(|h| a.tracker.targets[h.index].id == "hitech-firms-2024")
        .expect("listed");
    for _ in 0..i {
        press(&mut a, "j").expect("keys");
    }
    press(&mut a, "<enter>").expect("keys");
    let buf = render(&mut a, 80, 24);
    let s = screen(&buf);
    let rows = lines(&buf);
    // The chart's frame, with the series named, below the text.
    let top = rows
        .iter()
        .position(|l| l.contains("Series hitech-firms (家)"))
        .unwrap_or_else(|| panic!("no chart:\n{s}"));
    assert!(top >= 10, "the text keeps the upper half:\n{s}");
    assert!(
        s.contains("Observations (newest first)") || s.contains("State"),
        "{s}"
    );
    // The legend names the values and the goal line; the axes are labelled
    // with the years and the top of the scale.
    assert!(s.contains("values"), "{s}");
    assert!(s.contains("2024 goal >=60"), "{s}");
    assert!(s.contains("2023") && s.contains("2025"), "{s}");
    assert!(s.contains("66"), "y axis up to 60 x 1.1:\n{s}");
    // The two values are plotted as points, joined by a braille line.
    let below: String = rows[top..].join("\n");
    assert!(below.matches('o').count() >= 2, "{below}");
    assert!(
        below
            .chars()
            .any(|c| ('\u{2800}'..='\u{28FF}').contains(&c)),
        "{below}"
    );
    assert_rows_fill(&buf);
    assert_no_ambiguous_glyphs(&buf);
    // Too short for both: the text alone, no chart.
    let s = screen(&render(&mut a, 80, 16));
    assert!(!s.contains("Series hitech-firms"), "{s}");
}

#[test]
fn a_slipped_milestone_says_so_and_only_its_new_date_is_overdue() {
    let a = app();
    let mut t = a.tracker.clone();
    let p = t
        .projects
        .iter_mut()
        .find(|p| p.id == "erfeng-park")
        .expect("project");
    let m = &mut p.milestones[0];
    m.slipped_from.push(shibei_tracker::domain::Slip {
        due: m.due,
        note: Some("推迟到年底".into()),
        source: None,
        quote: None,
        ..Default::default()
    });
    m.due = shibei_tracker::domain::PartialDate::parse("2024-12").expect("date");
    let mut a = App::new(t, "tracker.yaml", a.today);
    // Under `!`: a slip needs attention though it is not overdue (today is
    // 2024-09-01, the new date 2024-12).
    press(&mut a, "!").expect("keys");
    let ids: Vec<&str> = a
        .projects
        .list
        .rows
        .iter()
        .map(|h| a.tracker.projects[h.index].id.as_str())
        .collect();
    assert!(ids.contains(&"erfeng-park"), "{ids:?}");
    let i = ids
        .iter()
        .position(|id| *id == "erfeng-park")
        .expect("listed");
    for _ in 0..i {
        press(&mut a, "j").expect("keys");
    }
    press(&mut a, "<enter>").expect("keys");
    let buf = render(&mut a, 80, 24);
    let s = screen(&buf);
    assert!(s.contains("slipped from 2023-03 to 2024-12"), "{s}");
    assert!(
        s.contains("was due 2023-03") && s.contains("note: 推迟到年底"),
        "{s}"
    );
    assert!(s.contains("[open]") && !s.contains("OVERDUE"), "{s}");
    assert_rows_fill(&buf);
    assert_no_ambiguous_glyphs(&buf);
}

#[test]
fn long_messages_wrap_onto_rows_of_their_own_and_are_never_cut() {
    let msg = "tracker.yaml: not saved: the file is read-only - make it writable (chmod u+w tracker.yaml) and press the key again";
    for (w, h) in [(120, 40), (80, 24), (40, 10)] {
        let mut a = app();
        update(&mut a, Action::SaveFailed(msg.into()));
        let buf = render(&mut a, w, h);
        let rows = lines(&buf);
        let text = rows.iter().map(|r| r.trim()).collect::<Vec<_>>().join(" ");
        let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            squeeze(&text).contains(&squeeze(msg)),
            "{w}x{h}: message cut:\n{}",
            rows.join("\n")
        );
        assert!(!text.contains("again~"), "{w}x{h}");
        assert_rows_fill(&buf);
        // The selected row is still inside the list body.
        let body_rows = a.screen().map(|s| s.body_rows).unwrap_or(0);
        assert!(body_rows >= 1, "{w}x{h}");
    }
}

/// The first bullet, replayed: at every size the Goals view shows
/// each goal's Target and Actual whole (never "1530~"), dropping lower
/// columns (the gauge, Ends, the English metric) first.
#[test]
fn target_and_actual_cells_are_whole_at_every_size() {
    let mut t = tracker();
    // A long value, as in the reports ("1530亿元"): it must not be cut.
    if let Some(g) = t.targets.iter_mut().find(|g| g.id == "hitech-firms-2024") {
        g.observations.push(t_actual(1530.5));
        g.unit = "亿元".into();
    }
    for (w, h) in [(120, 40), (80, 24), (40, 10)] {
        let mut a = shibei_tracker::app::App::new(t.clone(), "tracker.yaml", today());
        press(&mut a, "2").expect("keys");
        let buf = render(&mut a, w, h);
        let s = screen(&buf);
        let body = a.screen().expect("big enough");
        let rows = lines(&buf);
        for (k, hit) in a
            .goals
            .list
            .rows
            .iter()
            .take(body.body_rows as usize)
            .enumerate()
        {
            let g = &a.tracker.targets[hit.index];
            let pr = &a.goals.progress[hit.index];
            let row = &rows[body.body_top as usize + k];
            let target = shibei_tracker::domain::labels::goal_label(g);
            if !target.is_empty() {
                assert!(row.contains(&target), "{w}x{h}: target {target} cut: {row}");
            }
            if let Some(v) = pr.value {
                let actual = shibei_tracker::domain::labels::value_with_unit(v, &g.unit);
                assert!(row.contains(&actual), "{w}x{h}: actual {actual} cut: {row}");
            }
        }
        assert!(s.contains("1530.5亿元"), "{w}x{h}:\n{s}");
        assert!(
            s.contains("Target") && s.contains("Actual"),
            "{w}x{h}: headers whole:\n{s}"
        );
        assert_rows_fill(&buf);
    }
}

/// "Chains ignores the filter": with a filter (and with `!`) the scoreboard
/// counts and ranks only what the other views show, and the counter says so.
#[test]
fn chains_count_only_what_the_filter_and_attention_leave() {
    let mut a = app();
    press(&mut a, "3").expect("keys");
    assert_eq!(a.chains.list.len(), 7);
    press(&mut a, "/ cruise <enter>").expect("keys");
    let ids: Vec<&str> = a
        .chains
        .list
        .rows
        .iter()
        .map(|r| a.tracker.chains[r.chain].id.as_str())
        .collect();
    assert_eq!(ids, ["culture"], "only the cruise records' chain");
    let total: usize = a
        .chains
        .list
        .rows
        .iter()
        .map(|r| r.summary.projects + r.summary.goals)
        .sum();
    assert_eq!(
        total,
        a.projects.list.len() + a.goals.list.len(),
        "same records as the other views"
    );
    let s = screen(&render(&mut a, 80, 24));
    assert!(s.contains("1/7"), "the counter: {s}");
    assert_eq!(a.chains.list.rows[0].rank, 1);
    // `!` narrows the board the same way.
    press(&mut a, "<esc> !").expect("keys");
    let counted: usize = a.chains.list.rows.iter().map(|r| r.summary.projects).sum();
    assert_eq!(counted, a.projects.list.len());
    assert!(a.chains.list.len() < 7);
    // A sort that means nothing here says so instead of claiming it.
    press(&mut a, "! o o").expect("keys");
    let s = screen(&render(&mut a, 120, 40));
    assert!(s.contains("sort: rank (status n/a here)"), "{s}");
    // Name sorts the chains by pinyin, and O reverses it.
    press(&mut a, "o o o o o").expect("keys");
    assert_eq!(a.chains.order.by, shibei_tracker::app::Sort::Name);
    let names = |a: &shibei_tracker::app::App| -> Vec<String> {
        a.chains
            .list
            .rows
            .iter()
            .map(|r| a.tracker.chains[r.chain].name_zh.clone())
            .collect()
    };
    assert_eq!(names(&a)[0], "城市更新", "cheng before du, wen, xian, ...");
    let s = screen(&render(&mut a, 120, 40));
    assert!(s.contains("产业链 ^"), "the sorted column is marked: {s}");
    press(&mut a, "O").expect("keys");
    assert_eq!(names(&a).last().map(String::as_str), Some("城市更新"));
    let s = screen(&render(&mut a, 120, 40));
    assert!(s.contains("产业链 v") && s.contains("reversed"), "{s}");
}

/// "Keys act while the too-small screen shows": below the minimum nothing
/// but quit acts, and the screen names the size needed.
#[test]
fn too_small_names_the_minimum_and_no_key_acts() {
    let mut a = app();
    let buf = render(&mut a, 20, 5);
    let s = screen(&buf);
    assert!(s.contains("too small") && s.contains("need 30x8"), "{s}");
    assert_eq!(a.mode(), shibei_tracker::app::Mode::TooSmall);
    let before = (a.selected(), a.view, a.query.clone());
    let effects = press(&mut a, "m s e j / x 2 u").expect("keys");
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!((a.selected(), a.view, a.query.clone()), before);
    assert!(a.pending.is_none());
    let effects = press(&mut a, "q").expect("keys");
    assert_eq!(effects, [shibei_tracker::app::Effect::Quit]);
    // Back at a usable size, keys act again.
    render(&mut a, 80, 24);
    press(&mut a, "j").expect("keys");
    assert_eq!(a.selected(), 1);
}

/// The mouse can be released so the terminal selects text (a quote to
/// copy), and captured again.
#[test]
fn m_toggles_mouse_capture() {
    let mut a = app();
    let effects = press(&mut a, "M").expect("keys");
    assert_eq!(effects, [shibei_tracker::app::Effect::SetMouse(false)]);
    assert!(!a.mouse);
    let s = screen(&render(&mut a, 80, 24));
    assert!(s.contains("mouse off"), "{s}");
    let effects = press(&mut a, "M").expect("keys");
    assert_eq!(effects, [shibei_tracker::app::Effect::SetMouse(true)]);
}

/// "Details wrap inside English words with no indent": every word of a
/// long English note stays whole, and its continuation rows hang under
/// the text, past the label.
#[test]
fn details_wrap_at_words_with_a_hanging_indent() {
    let mut t = tracker();
    let note = "Key redevelopment project bounded by Weihai Road, Laishi 2nd Road, Taidong 1st Road and Sangzi Road, in zones A, B and C of the Taidong business district";
    if let Some(p) = t
        .projects
        .iter_mut()
        .find(|p| p.id == "renhe-road-renewal-bc")
    {
        p.note = Some(note.into());
    }
    let mut a = App::new(t, "tracker.yaml", today());
    press(&mut a, "<enter>").expect("keys");
    for (w, h) in [(80, 24), (40, 30)] {
        let buf = render(&mut a, w, h);
        let rows = lines(&buf);
        let start = rows
            .iter()
            .position(|r| r.contains("Note      Key"))
            .unwrap_or_else(|| panic!("{w}x{h}: no note:\n{}", rows.join("\n")));
        let mut words = Vec::new();
        for (k, r) in rows[start..].iter().enumerate() {
            let inner = r.trim_matches('│');
            if k > 0 && !inner.starts_with("          ") {
                break;
            }
            let text = if k == 0 {
                &inner[10..]
            } else {
                inner.trim_start()
            };
            words.extend(text.split_whitespace().map(str::to_string));
        }
        let expected: Vec<String> = note.split_whitespace().map(str::to_string).collect();
        assert_eq!(words, expected, "{w}x{h}: a word was split or lost");
        assert_rows_fill(&buf);
    }
}

/// The interface on the fixture with every report reading `text`.
fn with_reports(text: &str) -> App {
    let t = tracker();
    let reports = t
        .sources
        .iter()
        .map(|s| (s.id.clone(), text.to_string()))
        .collect();
    App::new(t, "tracker.yaml", today()).with_reports(reports)
}

/// Draws `app` and returns the buffer and where the terminal's cursor is
/// shown (None: hidden).
fn render_with_cursor(app: &mut App, w: u16, h: u16) -> (Buffer, Option<(u16, u16)>) {
    update(
        app,
        Action::Resize {
            width: w,
            height: h,
        },
    );
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("test backend");
    term.draw(|f| {
        shibei_tracker::ui::draw(f, app);
    })
    .expect("draw");
    let b = term.backend();
    let cursor = b
        .cursor_visible()
        .then(|| (b.cursor_position().x, b.cursor_position().y));
    (b.buffer().clone(), cursor)
}

/// The screen cell where `needle` starts.
fn cell_of(buf: &Buffer, needle: &str) -> (u16, u16) {
    lines(buf)
        .iter()
        .enumerate()
        .find_map(|(y, l)| l.find(needle).map(|b| (width(&l[..b]) as u16, y as u16)))
        .unwrap_or_else(|| panic!("{needle:?} not on screen:\n{}", screen(buf)))
}

/// "The reader passes U+2028/U+2029 to the terminal": no character that
/// `text` keeps from a terminal raw reaches a cell (line and paragraph
/// separators, escapes, bidirectional overrides, the BOM), so the
/// terminal and the layout agree on widths and every row fills exactly.
#[test]
fn the_reader_never_draws_a_character_a_terminal_takes_raw() {
    let mut a = with_reports(
        "第一行\u{2028}第二行\u{2029}第三行\n\u{1b}]52;c;QQ==\u{7}剪贴板\n\u{202e}txet\u{202c} 与 \u{feff}BOM\ttab\r\n末行",
    );
    press(&mut a, "4 <enter>").expect("keys");
    for (w, h) in [(80, 24), (40, 12)] {
        let buf = render(&mut a, w, h);
        for cell in buf.content() {
            for c in cell.symbol().chars() {
                assert!(
                    !c.is_control()
                        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}'),
                    "{c:?} drawn raw at {w}x{h}:\n{}",
                    screen(&buf)
                );
            }
        }
        assert_rows_fill(&buf);
        let s = screen(&buf);
        assert!(s.contains("第一行 第二行 第三行"), "{s}");
        assert!(s.contains("?]52;c;QQ==?剪贴板"), "{s}");
        assert!(s.contains("?txet? 与 ?BOM tab"), "{s}");
    }
}

/// The reader's cursor and selection show in any terminal: reverse video
/// (not a colour alone), and the terminal's own cursor on the cursor's cell.
#[test]
fn the_readers_cursor_and_selection_show_without_colour() {
    let mut a = with_reports("甲乙丙丁戊己\n\n庚辛");
    press(&mut a, "4 <enter> l l").expect("keys");
    let (buf, cursor) = render_with_cursor(&mut a, 80, 24);
    let at = cell_of(&buf, "丙");
    assert!(
        buf[at].modifier.contains(Modifier::REVERSED),
        "{:?}",
        buf[at]
    );
    assert_eq!(cursor, Some(at), "the terminal cursor on the cursor's cell");
    let before = cell_of(&buf, "乙");
    assert!(!buf[before].modifier.contains(Modifier::REVERSED));
    // v, two to the right, Enter: 丙丁戊 selected, each cell reversed.
    press(&mut a, "v l l <enter>").expect("keys");
    let (buf, cursor) = render_with_cursor(&mut a, 80, 24);
    for ch in ["丙", "丁", "戊"] {
        let m = buf[cell_of(&buf, ch)].modifier;
        assert!(m.contains(Modifier::REVERSED), "{ch} {m:?}");
    }
    assert!(!buf[cell_of(&buf, "己")]
        .modifier
        .contains(Modifier::REVERSED));
    assert_eq!(cursor, Some(cell_of(&buf, "戊")));
    // On the empty line the cursor is a reversed blank, the cursor on it.
    press(&mut a, "<esc> j").expect("keys");
    let (buf, cursor) = render_with_cursor(&mut a, 80, 24);
    let (x, y) = cursor.expect("cursor shown");
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
    assert_eq!(y, cell_of(&buf, "甲").1 + 1, "the row after the first");
}

/// The interface on the bundled tracker (the one issue 20 was found on).
fn bundled_app() -> App {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tracker.yaml");
    App::new(load(&file).tracker, "tracker.yaml", today())
}

/// The header row of the table (the row below its top border).
fn header_row(buf: &Buffer) -> String {
    lines(buf)[2].clone()
}

/// The cells under `header`, one per body row: from where the header
/// starts to where the next one does, read by display column.
fn cells_under(buf: &Buffer, header: &str) -> Vec<String> {
    let rows = lines(buf);
    let head = &rows[2];
    let b = head.find(header).expect("header shown");
    let start = width(&head[..b]);
    let after = &head[b + header.len()..];
    let gap = after.len() - after.trim_start().len();
    let end = if after.trim_start().starts_with('│') {
        start + width(header) + gap
    } else {
        start + width(header) + gap - 1
    };
    rows[3..rows.len() - 2]
        .iter()
        .take_while(|l| !l.starts_with('└'))
        .map(|l| {
            let mut x = 0;
            let mut s = String::new();
            for c in l.chars() {
                if x >= start && x < end {
                    s.push(c);
                }
                x += width(&c.to_string()).max(1);
            }
            s.trim_end().to_string()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// Issue 20: Goals at 80 columns hid the period while the days left
/// stayed, and at 40x12 dropped the state leaving only the percent.
#[test]
fn goals_keep_the_period_at_80_and_never_a_percent_without_its_state() {
    let mut a = bundled_app();
    press(&mut a, "2").expect("keys");
    for (w, h) in [(120, 40), (80, 24)] {
        let buf = render(&mut a, w, h);
        assert!(
            header_row(&buf).contains("Period"),
            "{w}:\n{}",
            screen(&buf)
        );
        assert_rows_fill(&buf);
    }
    for w in (30..=140).step_by(2) {
        for h in [12, 24] {
            let buf = render(&mut a, w, h);
            let head = header_row(&buf);
            if head.contains(" % ") || head.contains("│% ") {
                assert!(
                    head.contains("State"),
                    "{w}x{h}: a percent without its state:\n{}",
                    screen(&buf)
                );
            }
            assert_rows_fill(&buf);
        }
    }
}

/// Issue 20: sorting by chain or area hid the very column sorted
/// (`sort: chain`, title `hidden: Name, Chain, Area`).
#[test]
fn the_sorted_column_is_never_hidden() {
    // Each `o` moves to the next sort: name, status, chain, area, next due.
    let marks = [
        ("1", 1, "名称"),
        ("1", 2, "Status"),
        ("1", 3, "Chain"),
        ("1", 4, "Area"),
        ("1", 5, "Next"),
        ("2", 1, "指标"),
        ("2", 2, "State"),
        ("2", 3, "Chain"),
        ("2", 5, "Ends"),
    ];
    for (view, n, header) in marks {
        let mut a = bundled_app();
        press(&mut a, &format!("{view} {}", "o ".repeat(n))).expect("keys");
        for (w, h) in [(120, 40), (80, 24), (40, 12)] {
            let buf = render(&mut a, w, h);
            let s = screen(&buf);
            let head = header_row(&buf);
            assert!(
                head.contains(header) && (head.contains(" ^") || head.contains("^│")),
                "{view}/{n} at {w}: {header} sorted but not shown:\n{s}"
            );
            assert!(
                !lines(&buf)[1].contains(header),
                "{w}: the title calls it hidden:\n{s}"
            );
            assert_rows_fill(&buf);
        }
    }
}

/// Issue 20: at 120 columns Projects hid Chain and Area while the
/// milestone text took ~55 columns.
#[test]
fn projects_show_chain_and_area_at_120_before_long_milestone_text() {
    let mut a = bundled_app();
    let buf = render(&mut a, 120, 40);
    let head = header_row(&buf);
    assert!(
        head.contains("Chain") && head.contains("Area"),
        "{}",
        screen(&buf)
    );
    // The overdue mark stays at the start of a cut milestone.
    assert!(screen(&buf).contains("! 2018 今年"), "{}", screen(&buf));
    assert_rows_fill(&buf);
}

/// Issue 20: two different names cut to the same text
/// (`灾害民生综合保险~` twice) could not be told apart.
#[test]
fn two_different_names_are_never_cut_alike() {
    let mut a = bundled_app();
    press(&mut a, "2 / 灾害 <enter>").expect("keys");
    for w in (30..=120).step_by(2) {
        let buf = render(&mut a, w, 12);
        let names = cells_under(&buf, "指标");
        assert_eq!(names.len(), 2, "{w}:\n{}", screen(&buf));
        assert_ne!(names[0], names[1], "{w}:\n{}", screen(&buf));
        assert!(names.iter().all(|n| n.starts_with("灾害")), "{names:?}");
        assert_rows_fill(&buf);
    }
}

/// Issue 20: `/~vsnx` matches fzf-style (letters in order anywhere, by
/// fuzzy-matcher's skim matcher) and highlights where skim matched.
#[test]
fn a_tilde_filter_matches_letters_in_order_and_highlights_them() {
    let mut a = app();
    press(&mut a, "/ ~vsnx <enter>").expect("keys");
    let buf = render(&mut a, 120, 40);
    let s = screen(&buf);
    assert!(
        s.contains("Visionox project") && s.contains("filter: ~vsnx"),
        "{s}"
    );
    let rows = lines(&buf);
    let y = rows
        .iter()
        .position(|l| l.contains("Visionox"))
        .expect("row");
    let x0 = width(&rows[y][..rows[y].find("Visionox").expect("name")]) as u16;
    // V, s, n, x of "Visionox" (skim's positions 0, 2, 5, 7).
    let lit: Vec<u16> = (0..8)
        .filter(|&k| buf[(x0 + k, y as u16)].fg == Color::LightYellow)
        .collect();
    assert_eq!(lit, [0, 2, 5, 7], "{s}");
    assert_rows_fill(&buf);
    // Pinyin as fzf users type it: 人 和 路 highlighted.
    let mut a = app();
    press(&mut a, "/ ~rhl <enter>").expect("keys");
    let buf = render(&mut a, 120, 40);
    let rows = lines(&buf);
    let y = rows
        .iter()
        .position(|l| l.contains("人和路旧城"))
        .expect("row");
    let x0 = width(&rows[y][..rows[y].find("人和路").expect("name")]) as u16;
    for k in 0..3 {
        assert_eq!(
            buf[(x0 + 2 * k, y as u16)].fg,
            Color::LightYellow,
            "char {k}"
        );
    }
}
