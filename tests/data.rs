//! Promises the bundled tracker.yaml keeps, and facts spot-checked against
//! the reports, so an edit that breaks them fails.

use shibei_tracker::domain::*;
use std::collections::HashSet;
use std::path::Path;

fn tracker() -> Tracker {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tracker.yaml");
    match shibei_tracker::store::load(&file) {
        Ok(l) => l.tracker,
        Err(problems) => panic!(
            "tracker.yaml does not load:\n{}",
            problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

fn project<'a>(t: &'a Tracker, id: &str) -> &'a Project {
    t.project(id)
        .unwrap_or_else(|| panic!("project {id} missing"))
}

fn target<'a>(t: &'a Tracker, id: &str) -> &'a Target {
    t.target(id)
        .unwrap_or_else(|| panic!("target {id} missing"))
}

fn has_history(p: &Project, date: &str, status: Option<Status>) -> bool {
    p.history
        .iter()
        .any(|h| h.date.to_string() == date && h.status == status)
}

#[test]
fn structural_promises() {
    let t = tracker();
    assert_eq!(t.sources.len(), 5);
    assert!(
        t.projects.len() >= 150,
        "only {} projects",
        t.projects.len()
    );
    assert!(t.targets.len() >= 180, "only {} targets", t.targets.len());
    let featured: HashSet<&str> = t
        .chains
        .iter()
        .filter(|c| c.featured)
        .map(|c| c.name_zh.as_str())
        .collect();
    let two_plus_six: HashSet<&str> = [
        "总部经济",
        "数字经济",
        "航运贸易",
        "商务商贸",
        "现代金融",
        "都市工业",
        "医养健康",
        "文化创意",
    ]
    .into();
    assert_eq!(featured, two_plus_six);
    let mut names = HashSet::new();
    for p in &t.projects {
        assert!(t.chain(&p.chain).is_some(), "{} has no valid chain", p.id);
        assert!(!p.sources.is_empty(), "{} has no quote", p.id);
        assert!(
            names.insert(p.name_zh.as_str()),
            "two projects are named {}",
            p.name_zh
        );
        assert!(
            !p.name_en
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{}: English name holds Chinese",
            p.id
        );
    }
    for x in &t.targets {
        assert!(!x.sources.is_empty(), "{} has no quote", x.id);
        // Every goal has a period (always decoded) and a comparator; results carry an actual.
        match x.target {
            Some(_) => assert!(
                x.comparator.is_some(),
                "{} has a target but no comparator",
                x.id
            ),
            None => assert!(
                !x.observations.is_empty(),
                "{} is neither a goal nor a result",
                x.id
            ),
        }
    }
    let goals = t.targets.iter().filter(|x| x.target.is_some()).count();
    assert!(goals >= 25, "only {goals} goals");
}

#[test]
fn sources_are_dated_from_their_contents() {
    let t = tracker();
    let published = |file: &str| {
        t.sources
            .iter()
            .find(|s| s.file == file)
            .map(|s| s.published.to_string())
            .unwrap()
    };
    assert_eq!(published("002_a619b6b122b29c41.txt"), "2018-10");
    assert_eq!(published("000_af3f94ccd797cafb.txt"), "2020");
    assert_eq!(published("003_635c0c12b14f57ce.txt"), "2022-12");
    assert_eq!(published("001_920d957b4fa5ea8e.txt"), "2024");
    assert_eq!(published("004_b0e5e1e4ebf92b9c.txt"), "2024");
    assert!(t.sources.iter().all(|s| s.dating_note.is_some()));
}

#[test]
fn spot_checked_facts() {
    let t = tracker();
    // 1-4: Renhe Road: started 2008, stopped end of 2013, auctioned 2021-04-09, B/C restarted 2022-12-01.
    let renhe = project(&t, "renhe-road-renewal");
    assert!(has_history(renhe, "2013-12", Some(Status::Stalled)));
    assert!(renhe
        .history
        .iter()
        .any(|h| h.date.to_string() == "2021-04-09"));
    assert!(renhe
        .figures
        .iter()
        .any(|f| f.value == 1.8 && f.unit == "万平方米"));
    let bc = project(&t, "renhe-road-renewal-bc");
    assert_eq!(bc.status, Status::UnderConstruction);
    assert!(has_history(
        bc,
        "2022-12-01",
        Some(Status::UnderConstruction)
    ));
    assert_eq!(bc.parent.as_deref(), Some("renhe-road-renewal"));
    // 5: zone A finished end of 2016.
    assert!(has_history(
        project(&t, "renhe-road-renewal-a"),
        "2016-12",
        Some(Status::Completed)
    ));
    // 6-7: Visionox due built by end 2022 and producing in 2023.
    let v = project(&t, "visionox-project");
    assert!(v
        .milestones
        .iter()
        .any(|m| m.due.to_string() == "2022-12" && m.expect == Status::Completed));
    assert!(v
        .milestones
        .iter()
        .any(|m| m.due.to_string() == "2023" && m.expect == Status::Operating));
    // 8: Erfeng park to start early 2023 (2022 report) and again in 2024 (2024 report).
    let erfeng = project(&t, "erfeng-smart-industrial-park");
    assert!(erfeng
        .milestones
        .iter()
        .any(|m| m.original_due().to_string() == "2023"
            && m.due.to_string() == "2024"
            && m.expect == Status::UnderConstruction));
    // 9: Inspur big-data park is operating, with 70+ tenants.
    let inspur = project(&t, "inspur-big-data-park");
    assert_eq!(inspur.status, Status::Operating);
    assert!(inspur.figures.iter().any(|f| f.value == 70.0));
    // 10: cruise home-port launch zone 77.6万平方米, under construction, part of the cruise port city.
    let zone = project(&t, "cruise-homeport-launch-zone");
    assert!(zone
        .figures
        .iter()
        .any(|f| f.value == 77.6 && f.unit == "万平方米"));
    assert_eq!(zone.parent.as_deref(), Some("cruise-port-city"));
    // 11: the six 千亩 clusters.
    assert_eq!(
        t.projects
            .iter()
            .filter(|p| p.name_zh.starts_with("千亩"))
            .count(),
        6
    );
    // 12: 2024 goal: at least 30 financial institutions.
    let fin = target(&t, "financial-institutions-introduced-2024");
    assert_eq!(
        (fin.target, fin.comparator, fin.period),
        (Some(30.0), Some(Comparator::AtLeast), Period::Year(2024))
    );
    // 13: 2024 goal: 60 high-tech firms, baseline 55 in 2023, counted afresh.
    let hitech = target(&t, "hitech-firms-certified-2024");
    assert_eq!(hitech.target, Some(60.0));
    assert_eq!(hitech.baseline.as_ref().map(|b| b.value), Some(55.0));
    assert_eq!(hitech.measure, Measure::Flow);
    // 14: 2023 result: 55 high-tech firms.
    assert_eq!(
        target(&t, "hitech-firms-certified-2023")
            .observations
            .last()
            .map(|a| a.value),
        Some(55.0)
    );
    // 15: 2024 goal: 24 billion-yuan tax buildings from 20.
    let b = target(&t, "billion-yuan-tax-buildings-2024");
    assert_eq!(
        (b.target, b.baseline.as_ref().map(|x| x.value)),
        (Some(24.0), Some(20.0))
    );
    // 16: 2024 goal: car exports over 1.2万辆.
    // (1.2万辆, kept in vehicles to share a unit with the 2023 result.)
    let cars = target(&t, "vehicle-exports-2024");
    assert_eq!((cars.target, cars.unit.as_str()), (Some(12000.0), "辆"));
    // 17: three-year plan for 20 schools with 6 built or started.
    let schools = target(&t, "new-schools-three-year-plan");
    assert_eq!(schools.target, Some(20.0));
    assert!(matches!(schools.period, Period::Span { .. }));
    assert_eq!(schools.observations.last().map(|a| a.value), Some(6.0));
    // 18: 2019: 108 new projects brought in.
    assert!(
        t.targets
            .iter()
            .any(|x| x.period == Period::Year(2019)
                && x.observations.iter().any(|a| a.value == 108.0))
    );
    // 19: 2018: 119 district key projects worth 1530亿元.
    assert_eq!(
        target(&t, "district-key-projects-investment-2018")
            .observations
            .last()
            .map(|a| a.value),
        Some(1530.0)
    );
    // 20: 2023: the 100 key projects invested 275亿元.
    assert!(t
        .targets
        .iter()
        .any(|x| x.observations.iter().any(|a| a.value == 275.0) && x.unit == "亿元"));
    // 21: Taidong pedestrian street, in Taidong.
    assert_eq!(
        project(&t, "taidong-pedestrian-street").area.as_deref(),
        Some("taidong")
    );
    // 22: the Zhengzhou Road shanty-town renewal was to be launched in 2018.
    assert!(project(&t, "zhengzhou-road-shantytown-renewal")
        .milestones
        .iter()
        .any(|m| m.due.to_string() == "2018"));
}

#[test]
fn relative_dates_resolve_from_the_report_date() {
    let t = tracker();
    // 003 (December 2022) says 明年: 2023; 004 reviews 全年 2023.
    for p in &t.projects {
        for m in &p.milestones {
            let src = t.source(m.source.as_deref().unwrap()).unwrap();
            assert!(
                m.due.year >= src.published.year,
                "{}: milestone due {} before its report ({})",
                p.id,
                m.due,
                src.published
            );
        }
    }
}

/// The corrections of issue 8, each resting on its quote (which `load`
/// verifies against the report).
#[test]
fn corrections_from_reading_the_data_against_the_reports() {
    let t = tracker();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap();
    // The three-year school plan: its 6 is interim, judged unreported once
    // the (assumed) period is over, and no longer repeated by a second target.
    let schools = target(&t, "new-schools-three-year-plan");
    let pr = assess(schools, today);
    assert_eq!(pr.state, ProgressState::Unreported);
    assert!(pr.interim);
    assert!(schools
        .note
        .as_deref()
        .unwrap()
        .contains("does not state the start year"));
    assert!(t.target("schools-built-or-started-2018").is_none());
    // Duplicates folded into one record, keeping every quote.
    assert!(t.project("qianyan-nawei-science-institute").is_none());
    let nano = project(&t, "frontier-nano-micro-science-institute");
    assert!(nano.aliases.iter().any(|a| a == "前沿纳微"));
    assert!(nano
        .sources
        .iter()
        .any(|e| e.quote.contains("前沿纳微等行业领军作用")));
    assert!(t.target("hq-firms-newly-listed-2023").is_none());
    let hq = target(&t, "hq-firms-introduced-2023");
    assert!(hq
        .sources
        .iter()
        .any(|e| e.quote == "12家企业新上榜青岛市总部企业认定名单"));
    // Notes agree with their records.
    let cas = project(&t, "cas-steel-one-institute-one-park");
    assert_eq!(cas.status, Status::Completed);
    assert!(!cas.note.as_deref().unwrap().contains("kept at signed"));
    let crrc = project(&t, "crrc-zhihuigang");
    assert!(has_history(
        crrc,
        "2022-12",
        Some(Status::UnderConstruction)
    ));
    // Erfeng's start slipped from 2023 to 2024: one milestone keeps both dates.
    let erfeng = project(&t, "erfeng-smart-industrial-park");
    assert_eq!(erfeng.milestones.len(), 1);
    assert_eq!(
        erfeng.milestones[0].slip_label().as_deref(),
        Some("slipped from 2023 to 2024")
    );
    assert_eq!(
        erfeng.milestones[0].slipped_from[0].source.as_deref(),
        Some("r2022")
    );
    // Half-year figures cover January to June.
    for id in [
        "livelihood-spending-h1-2018",
        "livelihood-spending-share-h1-2018",
    ] {
        let p = target(&t, id).period;
        assert_eq!(
            (p.start().to_string(), p.end().to_string()),
            ("2018-01-01".into(), "2018-06-30".into()),
            "{id}"
        );
    }
    // An aim is not works under way.
    assert_eq!(
        project(&t, "green-building-science-city").status,
        Status::Planned
    );
    // The missing projects, with their quotes.
    let eco = project(&t, "eco-civilisation-demo-zone");
    assert!(eco
        .sources
        .iter()
        .any(|e| e.quote.contains("（2022—2030）")));
    let waste = project(&t, "zero-waste-city-plan");
    assert!(waste.sources[0].quote.contains("“无废城市”建设实施方案"));
    // A trial run is said to be one.
    let ce = project(&t, "cruise-port-cross-border-ecommerce-center");
    assert!(ce.note.as_deref().unwrap().contains("试运行"));
}

#[test]
fn measures_given_more_than_once_form_series() {
    let t = tracker();
    let ids = |m: &str| -> Vec<String> { t.series(m).iter().map(|x| x.id.clone()).collect() };
    assert_eq!(
        ids("hitech-firms-certified"),
        ["hitech-firms-certified-2023", "hitech-firms-certified-2024"]
    );
    assert_eq!(
        ids("billion-yuan-tax-buildings"),
        [
            "billion-yuan-tax-buildings-2023",
            "billion-yuan-tax-buildings-2024"
        ]
    );
    assert_eq!(
        ids("financial-institutions-attracted"),
        [
            "financial-institutions-introduced-2018",
            "financial-institutions-new-2023",
            "financial-institutions-introduced-2024"
        ]
    );
    assert_eq!(ids("district-gdp"), ["gdp-2017"]);
    // Every series has one unit (load checks it; this says it is used).
    let metrics: HashSet<&str> = t
        .targets
        .iter()
        .filter_map(|x| x.metric.as_deref())
        .collect();
    assert!(metrics.len() >= 13, "{metrics:?}");
    for m in metrics {
        let units: HashSet<&str> = t.series(m).iter().map(|x| x.unit.as_str()).collect();
        assert_eq!(units.len(), 1, "{m}");
    }
}

/// The Sources view's counts (one pass over the records) agree with the
/// list of citing records that `remove` names, for every report.
#[test]
fn citation_counts_agree_with_the_citing_records() {
    let t = tracker();
    let counts = records::citation_counts(&t);
    for s in &t.sources {
        let citing = records::citing(&t, &s.id).len();
        assert!(citing > 0, "{} is cited", s.id);
        assert_eq!(counts.get(s.id.as_str()).copied(), Some(citing), "{}", s.id);
    }
}

/// The report's text with whitespace taken out: the one latitude a quote
/// has (docs/schema.md, "Evidence").
fn report_text(t: &Tracker, source: &str) -> String {
    let s = t
        .source(source)
        .unwrap_or_else(|| panic!("no source {source}"));
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(&s.file);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The sentence of `text` (whitespace taken out) that holds `quote`: from
/// the end of the sentence before it to the end of its own. Sentences end
/// at 。！？ and at the ■ that opens a photo caption.
fn sentence_of<'a>(text: &'a str, quote: &str) -> Option<&'a str> {
    let quote: String = quote.chars().filter(|c| !c.is_whitespace()).collect();
    let at = text.find(&quote)?;
    let ends = |c: char| matches!(c, '。' | '！' | '？' | '■');
    let start = text[..at]
        .char_indices()
        .rfind(|&(_, c)| ends(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[at + quote.len()..]
        .char_indices()
        .find(|&(_, c)| ends(c))
        .map_or(text.len(), |(i, _)| at + quote.len() + i);
    Some(&text[start..end])
}

/// The months, each with its day when one is given, that a sentence
/// states: every `N月` (`9月底`, `1-6月`, `12月1日`, `9 月26日` once the
/// space is gone) and `年底` for December.
fn stated_months_and_days(sentence: &str) -> Vec<(u32, Option<u32>)> {
    let chars: Vec<char> = sentence.chars().collect();
    let number = |digits: &[char]| digits.iter().collect::<String>().parse::<u32>().ok();
    let mut found = vec![];
    for (i, &c) in chars.iter().enumerate() {
        if c == '月' {
            let from = (0..i)
                .rev()
                .take_while(|&j| chars[j].is_ascii_digit())
                .last();
            let Some(month) = from.and_then(|f| number(&chars[f..i])) else {
                continue;
            };
            let to = (i + 1..chars.len())
                .take_while(|&j| chars[j].is_ascii_digit())
                .last();
            let day = to
                .filter(|&t| chars.get(t + 1) == Some(&'日'))
                .and_then(|t| number(&chars[i + 1..=t]));
            found.push((month, day));
        }
        if c == '底' && i > 0 && chars[i - 1] == '年' {
            found.push((12, None));
        }
    }
    found
}

/// Every dated fact a report gives: history entries, baselines and
/// observations with their source and quote (milestones are promises and
/// follow the rule for relative dates instead).
fn dated_facts(t: &Tracker) -> Vec<(String, PartialDate, String, String)> {
    let mut facts = vec![];
    for p in &t.projects {
        for (i, h) in p.history.iter().enumerate() {
            if let (Some(s), Some(q)) = (&h.source, &h.quote) {
                facts.push((
                    format!("{} history[{i}]", p.id),
                    h.date,
                    s.clone(),
                    q.clone(),
                ));
            }
        }
    }
    for x in &t.targets {
        if let Some(b) = &x.baseline {
            if let (Some(s), Some(q)) = (&b.source, &b.quote) {
                facts.push((format!("{} baseline", x.id), b.date, s.clone(), q.clone()));
            }
        }
        for (i, o) in x.observations.iter().enumerate() {
            if let (Some(s), Some(q)) = (&o.source, &o.quote) {
                facts.push((
                    format!("{} observations[{i}]", x.id),
                    o.date,
                    s.clone(),
                    q.clone(),
                ));
            }
        }
    }
    facts
}

/// Issue 19: a date carries a day only when the sentence its quote comes
/// from states that day (12月1日), and a month only when the sentence
/// states the month (今年4月, 9月底, 1-6月, 2013年底) or the fact is given
/// as of the report itself (目前, 已…), which is the report's own date. A
/// year's result is dated with the year alone ("2023", not "2023-12-31").
#[test]
fn dates_are_no_more_precise_than_their_sentence() {
    let t = tracker();
    let mut wrong = vec![];
    for (at, date, source, quote) in dated_facts(&t) {
        let text = report_text(&t, &source);
        let sentence = sentence_of(&text, &quote)
            .unwrap_or_else(|| panic!("{at}: quote not in {source}: {quote}"));
        let stated = stated_months_and_days(sentence);
        let published = t.source(&source).unwrap().published;
        let ok = match (date.month, date.day) {
            (Some(m), Some(d)) => stated.contains(&(m, Some(d))),
            (Some(m), None) => stated.iter().any(|&(sm, _)| sm == m) || date == published,
            _ => true,
        };
        if !ok {
            wrong.push(format!("{at}: {date} from {source} «{sentence}»"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} facts are dated more precisely than their sentence:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Issue 19: no fact is dated after the report that gives it. A date
/// inside the report's own publication period (December 2022 for a report
/// written in its first half) may be no more precise than the publication
/// date unless its sentence states it: "2022-12-31" could fall after the
/// writing, "2022-12" cannot be shown to.
#[test]
fn no_fact_is_dated_after_its_report() {
    let t = tracker();
    let mut wrong = vec![];
    for (at, date, source, quote) in dated_facts(&t) {
        let published = t.source(&source).unwrap().published;
        if date.first_day() > published.last_day() {
            wrong.push(format!("{at}: {date} after {source} ({published})"));
            continue;
        }
        let inside =
            date.first_day() >= published.first_day() && date.last_day() <= published.last_day();
        if inside && date != published {
            let text = report_text(&t, &source);
            let stated = stated_months_and_days(sentence_of(&text, &quote).unwrap());
            let said = stated.contains(&(date.month.unwrap_or(0), date.day))
                || (date.day.is_none() && stated.iter().any(|&(m, _)| Some(m) == date.month));
            if !said {
                wrong.push(format!(
                    "{at}: {date} may fall after {source} ({published}), and its sentence does not state it"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Issue 19: the targets of one series (a `metric`) count the same way: a
/// result and the goal it answers share `measure`, so a flow goal is not
/// compared with a result recorded as a level.
#[test]
fn a_series_shares_one_measure() {
    let t = tracker();
    let metrics: HashSet<&str> = t
        .targets
        .iter()
        .filter_map(|x| x.metric.as_deref())
        .collect();
    let mut mixed = vec![];
    for m in metrics {
        let measures: HashSet<String> = t
            .series(m)
            .iter()
            .map(|x| format!("{:?}", x.measure))
            .collect();
        if measures.len() > 1 {
            mixed.push(format!(
                "{m}: {}",
                t.series(m)
                    .iter()
                    .map(|x| format!("{} {:?}", x.id, x.measure))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    mixed.sort();
    assert!(
        mixed.is_empty(),
        "series mixing measures:\n{}",
        mixed.join("\n")
    );
}

/// Checks of the helpers the date tests rest on.
#[test]
fn sentence_and_stated_dates_helpers() {
    let text = "甲。人和路旧城改造项目B、C区终于在12月1日实现开工建设。目前,项目正在施工";
    assert_eq!(
        sentence_of(text, "实现开工 建设"),
        Some("人和路旧城改造项目B、C区终于在12月1日实现开工建设")
    );
    assert_eq!(sentence_of(text, "项目正在"), Some("目前,项目正在施工"));
    assert_eq!(stated_months_and_days("终于在12月1日实现"), [(12, Some(1))]);
    assert_eq!(stated_months_and_days("今年9月底，市北区"), [(9, None)]);
    assert_eq!(stated_months_and_days("今年1-6月,支出"), [(6, None)]);
    assert_eq!(stated_months_and_days("2013年底，项目"), [(12, None)]);
    assert_eq!(stated_months_and_days("全年新增14家"), []);
    // "11月" is November, not January.
    assert_eq!(stated_months_and_days("11月"), [(11, None)]);
}

/// Issue 19: records that read one sentence are consistent, or say in
/// their note why not; notes do not contradict their records nor state an
/// inference as a fact.
#[test]
fn one_sentence_one_reading() {
    let t = tracker();
    let note = |id: &str| project(&t, id).note.clone().unwrap_or_default();
    // 推进中车智汇港产业示范区、颐中烟草研发制造中心等项目建设: the two
    // statuses differ, and each note says why, naming the other.
    assert!(note("yizhong-tobacco-rd-center").contains("crrc-zhihuigang"));
    assert!(note("crrc-zhihuigang").contains("yizhong-tobacco-rd-center"));
    // 加快邮轮港城、新材料科技城、绿色建设科技城三城的打造 is an aim for all
    // three; no status rests on it, and each city cites it.
    let three = "加快邮轮港城、新 材料科技城、绿色建设科技城三城的打造";
    for id in [
        "cruise-port-city",
        "new-materials-science-city",
        "green-building-science-city",
    ] {
        let p = project(&t, id);
        assert!(p.sources.iter().any(|e| e.quote == three), "{id} cites it");
        assert!(!note(id).contains("rests on '加快"), "{id}");
    }
    assert_eq!(
        project(&t, "green-building-science-city").status,
        Status::Planned
    );
    let cruise = project(&t, "cruise-port-city");
    assert!(cruise
        .history
        .iter()
        .any(|h| h.status == Some(Status::UnderConstruction)
            && h.quote.as_deref() == Some("邮轮母港启动区77.6万平方米项目全面开工")));
    assert!(project(&t, "new-materials-science-city")
        .sources
        .iter()
        .any(|e| e.quote.contains("设立前沿纳微科学研究院(青岛)")));
    // 落地/落户 alone reads as signed, the port group's caption included.
    for id in [
        "shandong-port-group-landing",
        "northeast-securities-shibei",
        "cmac-qingdao-arbitration-center",
    ] {
        assert_eq!(project(&t, id).status, Status::Signed, "{id}");
    }
    // 发挥钢研、有研、橡胶谷、前沿纳微等行业领军作用: the players named are present.
    for id in [
        "grinm-group-shibei",
        "rubber-valley",
        "frontier-nano-micro-science-institute",
    ] {
        assert_eq!(project(&t, id).status, Status::Operating, "{id}");
    }
    // A status not set by history is explained by it where the report dates it.
    let bio = project(&t, "qingdao-biotech-innovation-park");
    assert!(bio
        .history
        .iter()
        .any(|h| h.status == Some(Status::Operating)));
    // A note that says "only from a photo caption" cites one quote.
    for p in &t.projects {
        let n = p.note.as_deref().unwrap_or_default();
        if n.contains("only from a photo caption") || n.contains("only in a photo caption") {
            assert_eq!(p.sources.len(), 1, "{}: {n}", p.id);
        }
    }
    // Three twelves kept as one count: the note says it is not known that
    // they are the same firms.
    let hq = target(&t, "hq-firms-introduced-2023");
    assert!(hq.note.as_deref().unwrap().contains("no report says"));
    // The combined 4 and the two 2s of 2023 name each other.
    let tnote = |id: &str| target(&t, id).note.clone().unwrap_or_default();
    let both = tnote("little-giant-gazelle-firms-new-2023");
    assert!(
        both.contains("little-giant-firms-new-2023") && both.contains("gazelle-firms-new-2023")
    );
    for id in ["little-giant-firms-new-2023", "gazelle-firms-new-2023"] {
        assert!(
            tnote(id).contains("little-giant-gazelle-firms-new-2023"),
            "{id}"
        );
    }
}

/// Issue 19: programmes the reports name, read once more against them,
/// each with the report's words and only the status and dates they state.
#[test]
fn programmes_the_reports_name_are_tracked() {
    let t = tracker();
    let cites = |p: &Project, words: &str| {
        p.sources.iter().any(|e| {
            e.quote
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                == words
        })
    };
    // The shanty-town renewal programme and the district's share of the city's task.
    let shanty = project(&t, "shibei-shantytown-renewal");
    assert_eq!(shanty.status, Status::UnderConstruction);
    assert!(shanty
        .figures
        .iter()
        .any(|f| f.value == 70.0 && f.unit == "%"));
    assert!(cites(
        shanty,
        "作为老城区,市北区棚户区改造占青岛市主城区棚户区改造任务的70%"
    ));
    assert!(has_history(
        shanty,
        "2018-10",
        Some(Status::UnderConstruction)
    ));
    assert_eq!(
        project(&t, "zhengzhou-road-shantytown-renewal")
            .parent
            .as_deref(),
        Some("shibei-shantytown-renewal")
    );
    // 城中村改造实现历史性清零: done.
    let villages = project(&t, "urban-village-redevelopment");
    assert_eq!(villages.status, Status::Completed);
    assert!(has_history(villages, "2023", Some(Status::Completed)));
    // 老旧小区改造、电梯加装如期完成年度计划任务: two programmes under way.
    for id in [
        "old-residential-estates-renovation",
        "lift-installation-programme",
    ] {
        let p = project(&t, id);
        assert!(
            cites(p, "老旧小区改造、电梯加装如期完成年度计划任务"),
            "{id}"
        );
        assert!(
            has_history(p, "2023", Some(Status::UnderConstruction)),
            "{id}"
        );
    }
    // The chain-chief system, from the plan of 今年9月底 (2022).
    let chiefs = project(&t, "chain-chief-system");
    assert!(has_history(chiefs, "2022-09", Some(Status::Operating)));
    // The three-year plan the coal-to-gas conversions belong to (其中).
    assert_eq!(
        project(&t, "coal-to-gas-boiler-conversion")
            .parent
            .as_deref(),
        Some("four-reductions-four-increases-plan")
    );
    for id in [
        "happiness-knocking-action",
        "smart-waste-sorting",
        "certificate-free-city",
        "employment-1314-mechanism",
        "business-district-building-action",
    ] {
        assert!(!project(&t, id).sources.is_empty(), "{id}");
    }
}
