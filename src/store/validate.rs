//! Checks that need the whole tracker: unique ids, references, values,
//! and every quote against the report it cites.

use super::path::{DocPath, Issue};
use crate::domain::suggest::closest;
use crate::domain::*;
// Ids and (source, quote) pairs are looked up per record: SipHash over
// the quotes was 5% of a first read; foldhash (hashbrown's own hasher,
// already built, seeded per process) hashes them for a fraction of it.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

/// The text of each source file, looked up by source id, or why it could
/// not be read (reported once, at the source).
pub type SourceTexts = std::collections::HashMap<String, Result<String, String>>;

pub use crate::domain::quote::squeeze;

pub use crate::domain::schema::valid_id;

/// The names among `files` (those in seeds/) that no source lists.
pub fn unlisted_reports<'a>(t: &Tracker, files: &'a [String]) -> Vec<&'a str> {
    let listed: HashSet<&str> = t.sources.iter().map(|s| s.file.as_str()).collect();
    files
        .iter()
        .map(String::as_str)
        .filter(|f| !listed.contains(f))
        .collect()
}

struct Checker<'a> {
    issues: Vec<Issue>,
    texts: &'a SourceTexts,
    sources: Known<'a>,
    /// (source, quote) pairs already found: generated and real trackers
    /// repeat quotes, and each search scans a whole report.
    found: HashSet<(&'a str, &'a str)>,
}

/// Ids of one kind: a map for the check (no linear search inside a loop
/// over records) and the list, in file order, for suggestions.
struct Known<'a> {
    /// Each id, with the index of its last record.
    set: HashMap<&'a str, usize>,
    list: Vec<&'a str>,
}

impl<'a> Known<'a> {
    fn new(ids: impl Iterator<Item = &'a str>) -> Self {
        let list: Vec<&str> = ids.collect();
        Known {
            set: list.iter().enumerate().map(|(i, &id)| (id, i)).collect(),
            list,
        }
    }
}

impl<'a> Checker<'a> {
    fn push(&mut self, path: DocPath, message: impl Into<String>, hint: impl Into<String>) {
        self.issues.push(Issue::new(path, message, hint));
    }

    /// Checks the ids of one kind (valid, unique) and gives them as known
    /// (one map serves both).
    fn ids<'b>(
        &mut self,
        path: &DocPath,
        what: &str,
        ids: impl Iterator<Item = &'b str>,
    ) -> Known<'b> {
        let mut known = Known {
            set: HashMap::new(),
            list: Vec::new(),
        };
        for (i, id) in ids.enumerate() {
            known.list.push(id);
            let first = known.set.insert(id, i);
            if id.is_empty() {
                continue; // already reported as missing
            }
            let at = || path.index(i).key("id");
            if !valid_id(id) {
                self.push(
                    at(),
                    format!("{what} id \"{id}\" is not a valid id"),
                    "use lower-case letters, digits and hyphens, e.g. renhe-road-renewal",
                );
            }
            if let Some(first) = first {
                self.push(
                    at(),
                    format!("duplicate {what} id \"{id}\" (also {path}[{first}])"),
                    "give each record its own id",
                );
            }
        }
        known
    }

    fn reference(
        &mut self,
        path: impl FnOnce() -> DocPath,
        what: &str,
        value: &str,
        known: &Known,
    ) {
        if value.is_empty() || known.set.contains_key(value) {
            return;
        }
        let near: Vec<String> = closest(value, known.list.iter().copied())
            .into_iter()
            .map(crate::domain::suggest::ticked)
            .collect();
        let hint = if near.is_empty() {
            format!("use the id of an existing {what}, or add the {what} first")
        } else {
            crate::domain::suggest::did_you_mean(&near)
        };
        self.push(path(), format!("unknown {what} \"{value}\""), hint);
    }

    /// `quote` must occur verbatim (whitespace aside) in the file of `source`.
    fn evidence(&mut self, path: &dyn Fn() -> DocPath, source: &'a str, quote: &'a str) {
        if source.is_empty() {
            return;
        }
        if !self.sources.set.contains_key(source) {
            let known = std::mem::replace(&mut self.sources, Known::new(std::iter::empty()));
            self.reference(|| path().key("source"), "source", source, &known);
            self.sources = known;
            return;
        }
        if self.found.contains(&(source, quote)) {
            return;
        }
        let Some(Ok(text)) = self.texts.get(source) else {
            return;
        };
        if squeeze(quote).is_empty() {
            return; // reported as an empty field
        }
        if crate::domain::quote::found_in(text, quote) {
            self.found.insert((source, quote));
        } else {
            self.push(
                path().key("quote"),
                format!("quote not found in source \"{source}\": \"{}\"", shorten(quote, 40)),
                "copy the words exactly from the report (spaces and line breaks may differ; OCR errors must be kept)",
            );
        }
    }

    fn optional_evidence(
        &mut self,
        path: &dyn Fn() -> DocPath,
        source: &'a Option<String>,
        quote: &'a Option<String>,
    ) {
        match (source, quote) {
            // Required quotes are checked for emptiness when decoded; an
            // optional one of spaces only would otherwise count as found.
            (Some(_), Some(q)) if q.chars().all(super::hostile::invisible) => self.push(
                path().key("quote"),
                "the `quote` holds no visible text",
                "copy the words from the report that support it",
            ),
            (Some(s), Some(q)) => self.evidence(path, s, q),
            (Some(_), None) => self.push(
                path().key("quote"),
                "a `source` without a `quote`",
                "add the words from the report that support it",
            ),
            (None, Some(_)) => self.push(
                path().key("source"),
                "a `quote` without a `source`",
                "add the id of the report it comes from",
            ),
            (None, None) => {}
        }
    }
}

impl Checker<'_> {
    fn quoted_retracted(&mut self, path: DocPath) {
        self.push(
            path,
            "a fact quoted from a report is retracted",
            "a report's words cannot be taken back, only superseded by newer evidence: remove `retracted:`",
        );
    }

    fn not_ancient(&mut self, path: impl FnOnce() -> DocPath, date: PartialDate) {
        if date.year < crate::domain::edit::EARLIEST_YEAR {
            self.push(
                path(),
                format!("{date} is before {}", crate::domain::edit::EARLIEST_YEAR),
                "give the real date, as precise as the report allows (YYYY, YYYY-MM or YYYY-MM-DD)",
            );
        }
    }
}

/// History entries and observations dated after `today` (warnings: the
/// file still loads, and progress ignores such values).
pub fn dated_after(t: &Tracker, today: chrono::NaiveDate) -> Vec<Issue> {
    let mut out = Vec::new();
    let root = DocPath::root();
    for (i, p) in t.projects.iter().enumerate() {
        for (j, h) in p.history.iter().enumerate() {
            if h.date.first_day() > today {
                out.push(Issue::new(
                    root.key("projects")
                        .index(i)
                        .key("history")
                        .index(j)
                        .key("date"),
                    format!(
                        "history entry of \"{}\" dated {} is after today ({today})",
                        p.id, h.date
                    ),
                    "record changes when they happen; fix the date",
                ));
            }
        }
    }
    for (i, x) in t.targets.iter().enumerate() {
        for (j, o) in x.observations.iter().enumerate() {
            if o.is_future(today) {
                let at = if t.schema_version >= 2 {
                    root.key("targets").index(i).key("observations").index(j)
                } else {
                    root.key("targets").index(i).key("actual")
                };
                out.push(Issue::new(
                    at.key("date"),
                    format!(
                        "value of \"{}\" dated {} is after today ({today}); progress ignores it",
                        x.id, o.date
                    ),
                    "an observation records a value already known: fix its date",
                ));
            }
        }
    }
    out
}

/// Records whose names read the same as an earlier one's (a homophone,
/// case or punctuation aside; for goals, in the same period and area):
/// warnings, since a record entered twice splits its history and values.
pub fn same_names(t: &Tracker) -> Vec<Issue> {
    same_names_as_issues(t, &crate::domain::guard::same_names(t))
}

/// The warnings for the pairs `guard::same_names` found (or the cache
/// kept).
pub fn same_names_as_issues(t: &Tracker, same: &crate::domain::guard::SameNames) -> Vec<Issue> {
    let root = DocPath::root();
    same.iter()
        .map(|&(kind, first, second)| {
            let (list, a, b, name) = if kind == "project" {
                let (a, b) = (&t.projects[first], &t.projects[second]);
                ("projects", &a.id, &b.id, b.name_zh.as_str())
            } else {
                let (a, b) = (&t.targets[first], &t.targets[second]);
                ("targets", &a.id, &b.id, b.metric_zh.as_str())
            };
            Issue::new(
                root.key(list).index(second).key(if kind == "project" {
                    "name_zh"
                } else {
                    "metric_zh"
                }),
                format!("{kind} \"{b}\" ({name}) has the same name as \"{a}\": one {kind} entered twice?"),
                format!("keep one: move what \"{b}\" holds to \"{a}\" and `remove {b}`, or tell them apart by name"),
            )
        })
        .collect()
}

fn shorten(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

pub fn check<'a>(t: &'a Tracker, texts: &'a SourceTexts) -> Vec<Issue> {
    let mut c = Checker {
        issues: Vec::new(),
        texts,
        sources: Known::new(std::iter::empty()),
        found: HashSet::new(),
    };
    let root = DocPath::root();
    c.sources = c.ids(
        &root.key("sources"),
        "source",
        t.sources.iter().map(|s| s.id.as_str()),
    );
    let chains = c.ids(
        &root.key("chains"),
        "chain",
        t.chains.iter().map(|s| s.id.as_str()),
    );
    let areas = c.ids(
        &root.key("areas"),
        "area",
        t.areas.iter().map(|s| s.id.as_str()),
    );
    let projects = c.ids(
        &root.key("projects"),
        "project",
        t.projects.iter().map(|s| s.id.as_str()),
    );
    c.ids(
        &root.key("targets"),
        "target",
        t.targets.iter().map(|s| s.id.as_str()),
    );

    let parents: HashMap<&str, &str> = t
        .projects
        .iter()
        .filter_map(|p| Some((p.id.as_str(), p.parent.as_deref()?)))
        .collect();
    let on_cycle = parent_cycles(&parents);

    for (i, s) in t.sources.iter().enumerate() {
        // A report is a file directly under seeds/: no folders, no way out.
        if s.file.contains(['/', '\\']) || s.file == ".." || s.file == "." {
            c.push(
                root.key("sources").index(i).key("file"),
                format!("\"{}\" is not a file name under seeds/", s.file),
                "give just the report's file name, e.g. 003_635c0c12b14f57ce.txt",
            );
            continue;
        }
        if let Some(Err(why)) = texts.get(&s.id) {
            c.push(
                root.key("sources").index(i).key("file"),
                format!("cannot read source file seeds/{}: {why}", s.file),
                "put the report under seeds/ next to the tracker file, or fix the file name",
            );
        }
    }

    for (i, p) in t.projects.iter().enumerate() {
        let at = || root.key("projects").index(i);
        c.reference(|| at().key("chain"), "chain", &p.chain, &chains);
        if let Some(a) = &p.area {
            c.reference(|| at().key("area"), "area", a, &areas);
        }
        if let Some(parent) = &p.parent {
            c.reference(|| at().key("parent"), "project", parent, &projects);
            if on_cycle.contains(p.id.as_str()) {
                c.push(
                    at().key("parent"),
                    format!("project \"{}\" is its own ancestor through `parent`", p.id),
                    "point `parent` at the larger project this one is part of",
                );
            }
        }
        if p.sources.is_empty() && p.noted.is_none() {
            c.push(
                at().key("sources"),
                format!("project \"{}\" cites no source and rests on no note", p.id),
                "add at least one `- source: … quote: …`, or `noted:` with the note it rests on, who wrote it and when",
            );
        }
        for (j, e) in p.sources.iter().enumerate() {
            c.evidence(&|| at().key("sources").index(j), &e.source, &e.quote);
        }
        for (j, f) in p.figures.iter().enumerate() {
            c.evidence(&|| at().key("figures").index(j), &f.source, &f.quote);
        }
        for (j, m) in p.milestones.iter().enumerate() {
            let mp = || at().key("milestones").index(j);
            c.optional_evidence(&mp, &m.source, &m.quote);
            if m.quote.is_none() && m.note.is_none() {
                c.push(
                    mp(),
                    "a milestone with neither a quote nor a note",
                    "add `source:` and `quote:` for a promise a report made, or `note:` saying who made it and where",
                );
            }
            if m.retracted.is_some() && m.is_quoted() {
                c.quoted_retracted(mp().key("retracted"));
            }
        }
        for (j, m) in p.milestones.iter().enumerate() {
            for (k, sl) in m.slipped_from.iter().enumerate() {
                let sp = || at().key("milestones").index(j).key("slipped_from").index(k);
                c.optional_evidence(&sp, &sl.source, &sl.quote);
                if sl.retracted.is_some() {
                    if sl.quote.is_some() {
                        c.quoted_retracted(sp().key("retracted"));
                    }
                    continue;
                }
                if sl.due >= m.due {
                    c.push(
                        sp().key("due"),
                        format!("a slip from {} to {} is not a move to a later date", sl.due, m.due),
                        "`slipped_from` lists earlier promised dates, oldest first; `due` is the date now promised",
                    );
                }
            }
        }
        for (j, h) in p.history.iter().enumerate() {
            c.optional_evidence(&|| at().key("history").index(j), &h.source, &h.quote);
            if h.retracted.is_some() && h.is_quoted() {
                c.quoted_retracted(at().key("history").index(j).key("retracted"));
            }
            c.not_ancient(|| at().key("history").index(j).key("date"), h.date);
        }
        if let Some((j, h)) = crate::domain::edit::newest_status_entry(p) {
            let newest = h.status.unwrap_or(p.status);
            if newest != p.status {
                c.push(
                    at().key("status"),
                    format!(
                        "project \"{}\" has status {} but its newest status change (history[{j}], {}) says {}",
                        p.id,
                        p.status.id(),
                        h.date,
                        newest.id()
                    ),
                    format!(
                        "record the change: add a history entry with its date, `status: {}` and a note (or use `set-status`); or set `status` back to {}",
                        p.status.id(),
                        newest.id()
                    ),
                );
            }
        }
    }

    for (i, x) in t.targets.iter().enumerate() {
        let at = || root.key("targets").index(i);
        c.reference(|| at().key("chain"), "chain", &x.chain, &chains);
        if let Some(a) = &x.area {
            c.reference(|| at().key("area"), "area", a, &areas);
        }
        match (x.target, x.comparator) {
            (Some(v), _) if v < 0.0 => c.push(
                at().key("target"),
                format!("negative target value {v}"),
                "targets are amounts to reach or stay under; write a value of 0 or more",
            ),
            (Some(_), None) => c.push(
                at().key("comparator"),
                "a `target` without a `comparator`",
                "add `comparator: \">=\"` (以上, 突破), \"<=\" (以内) or \"=\"",
            ),
            (None, Some(_)) => c.push(
                at().key("target"),
                "a `comparator` without a `target` value",
                "add the target value, or remove the comparator for a reported result",
            ),
            _ => {}
        }
        if x.sources.is_empty() && x.noted.is_none() {
            c.push(
                at().key("sources"),
                format!("target \"{}\" cites no source and rests on no note", x.id),
                "add at least one `- source: … quote: …`, or `noted:` with the note it rests on, who wrote it and when",
            );
        }
        for (j, e) in x.sources.iter().enumerate() {
            c.evidence(&|| at().key("sources").index(j), &e.source, &e.quote);
        }
        if let Some(b) = &x.baseline {
            c.optional_evidence(&|| at().key("baseline"), &b.source, &b.quote);
        }
        let key = if t.schema_version >= 2 {
            "observations"
        } else {
            "actual"
        };
        for (j, o) in x.observations.iter().enumerate() {
            let op = || {
                if t.schema_version >= 2 {
                    at().key(key).index(j)
                } else {
                    at().key(key)
                }
            };
            c.optional_evidence(&op, &o.source, &o.quote);
            if o.retracted.is_some() && o.is_quoted() {
                c.quoted_retracted(op().key("retracted"));
            }
            c.not_ancient(|| op().key("date"), o.date);
            if t.schema_version >= 2 && o.quote.is_none() && o.note.is_none() {
                c.push(
                    op(),
                    "an observation with neither a quote nor a note",
                    "add `source:` and `quote:` for a value from a report, or `note:` saying where a typed value comes from",
                );
            }
        }
        if let Some(m) = &x.metric {
            if !valid_id(m) {
                c.push(
                    at().key("metric"),
                    format!("metric \"{m}\" is not a valid key"),
                    "use lower-case letters, digits and hyphens, the same key for every target of the series (e.g. gdp)",
                );
            }
        }
    }
    // A series is drawn on one axis: its targets must share a unit.
    let mut first_of: HashMap<&str, (usize, &str)> = HashMap::new();
    for (i, x) in t.targets.iter().enumerate() {
        let Some(m) = x.metric.as_deref() else {
            continue;
        };
        match first_of.get(m) {
            None => {
                first_of.insert(m, (i, &x.unit));
            }
            Some(&(j, unit)) if unit != x.unit => c.push(
                root.key("targets").index(i).key("unit"),
                format!(
                    "target \"{}\" is in series \"{m}\" with unit \"{}\", but targets[{j}] of that series has \"{unit}\"",
                    x.id, x.unit
                ),
                "a series compares one measure: use the same unit (convert the value, keeping the quote), or give this target its own `metric`",
            ),
            Some(_) => {}
        }
    }
    c.issues
}

/// The projects that are their own ancestors: following `parent` from
/// them comes back to them (`parents`: project id to its parent's id). One
/// walk over the whole forest, so a deep hierarchy costs no more than a
/// flat one (a walk up from every project would cost its depth each time).
fn parent_cycles<'a>(parents: &HashMap<&'a str, &'a str>) -> HashSet<&'a str> {
    // The walk that first reached a project, or None once it is settled.
    let mut walk_of: HashMap<&str, Option<usize>> = HashMap::new();
    let mut on_cycle = HashSet::new();
    let mut path: Vec<&str> = Vec::new();
    for (walk, &start) in parents.keys().enumerate() {
        if walk_of.contains_key(start) {
            continue;
        }
        path.clear();
        let mut cur = start;
        loop {
            match walk_of.get(cur) {
                // Reached again in this walk: the path from there is a cycle.
                Some(&Some(w)) if w == walk => {
                    let from = path.iter().position(|&p| p == cur).unwrap_or(0);
                    on_cycle.extend(&path[from..]);
                    break;
                }
                // Settled by an earlier walk: nothing new on this path.
                Some(_) => break,
                None => {}
            }
            walk_of.insert(cur, Some(walk));
            path.push(cur);
            match parents.get(cur) {
                Some(&next) => cur = next,
                None => break,
            }
        }
        for p in &path {
            walk_of.insert(p, None);
        }
    }
    on_cycle
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycles(edges: &[(&'static str, &'static str)]) -> Vec<&'static str> {
        let parents: HashMap<&str, &str> = edges.iter().copied().collect();
        let mut v: Vec<&str> = parent_cycles(&parents).into_iter().collect();
        v.sort_unstable();
        v
    }

    /// The old definition, one walk per project: the reference.
    fn comes_back(parents: &HashMap<&str, &str>, start: &str) -> bool {
        let mut cur = start;
        for _ in 0..=parents.len() {
            match parents.get(cur) {
                Some(&p) if p == start => return true,
                Some(&p) => cur = p,
                None => return false,
            }
        }
        false
    }

    #[test]
    fn finds_the_projects_on_a_parent_cycle_and_only_those() {
        assert_eq!(cycles(&[("a", "b"), ("b", "c")]), Vec::<&str>::new());
        assert_eq!(cycles(&[("a", "a")]), vec!["a"]);
        // d leads into the cycle b -> c -> b but is not on it.
        assert_eq!(
            cycles(&[("d", "b"), ("b", "c"), ("c", "b"), ("x", "missing")]),
            vec!["b", "c"]
        );
        // Every small graph: the same verdict as walking up from each.
        let ids = ["a", "b", "c", "d"];
        for code in 0..5usize.pow(4) {
            let mut edges = Vec::new();
            let mut k = code;
            for id in ids {
                if k % 5 < 4 {
                    edges.push((id, ids[k % 5]));
                }
                k /= 5;
            }
            let parents: HashMap<&str, &str> = edges.iter().copied().collect();
            let found = parent_cycles(&parents);
            for id in ids {
                assert_eq!(
                    found.contains(id),
                    comes_back(&parents, id),
                    "{edges:?} {id}"
                );
            }
        }
    }

    #[test]
    fn ids() {
        for good in [
            "a",
            "r2018",
            "renhe-road-renewal",
            "0x1f",
            "2024-goal",
            "a-",
        ] {
            assert!(valid_id(good), "{good}");
        }
        for bad in ["", "-a", "A", "a b", "a_b", "é", "a中", "ａ", "a\u{0}"] {
            assert!(!valid_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_deep_hierarchy_is_no_cycle() {
        let names: Vec<String> = (0..50_000).map(|i| format!("p{i}")).collect();
        let parents: HashMap<&str, &str> = names
            .windows(2)
            .map(|w| (w[1].as_str(), w[0].as_str()))
            .collect();
        assert!(parent_cycles(&parents).is_empty());
    }
}
