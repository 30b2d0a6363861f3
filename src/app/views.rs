//! The four list views, each owning its state: its rows and position,
//! its order, whether its rows wait for a filter pass, and what only it
//! needs (the project tree, the goals' progress, the sort keys of the
//! names). `App` holds one of each beside what they all share (the
//! tracker, the filter, the overlay); `update` is still the only place
//! any of it changes, through the methods here.

use crate::domain::collate::collate_key;
use crate::domain::par;
use crate::domain::progress::{assess, next_milestone, Progress, ProgressState};
use crate::domain::search::{Hit, Query, SearchIndex};
use crate::domain::summary::{ranked, summarize, ChainSummary};
use crate::domain::{Status, Tracker};
use chrono::NaiveDate;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

/// Where one view's list stands: the selected row and the first row shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListPos {
    pub selected: usize,
    pub offset: usize,
}

impl ListPos {
    /// Keeps the selection inside a list of `len` rows and visible in a
    /// body of `rows` rows, leaving no empty rows below a list that could
    /// fill the body.
    pub fn clamp(&mut self, len: usize, rows: usize) {
        let rows = rows.max(1);
        self.selected = self.selected.min(len.saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
        self.offset = self.offset.min(len.saturating_sub(rows));
    }
}

/// A view's rows in display order and its position in them.
#[derive(Debug, Clone, PartialEq)]
pub struct ListState<T> {
    pub rows: Vec<T>,
    pub pos: ListPos,
    /// The rows whose match highlights are filled in for the query they
    /// were found with (`App::highlight_visible`); none after a new pass.
    pub lit: std::ops::Range<usize>,
}

impl<T> Default for ListState<T> {
    fn default() -> Self {
        ListState {
            rows: Vec::new(),
            pos: ListPos::default(),
            lit: 0..0,
        }
    }
}

impl<T> ListState<T> {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn current(&self) -> Option<&T> {
        self.rows.get(self.pos.selected)
    }

    /// Replaces the rows, selecting the first row for which `was` holds
    /// (the record selected before), else keeping the old row number.
    pub fn replace(&mut self, rows: Vec<T>, was: impl Fn(&T) -> bool) {
        if let Some(i) = rows.iter().position(was) {
            self.pos.selected = i;
        }
        self.rows = rows;
        self.lit = 0..0;
    }

    /// The rows of a page of `page` rows from the first row shown that
    /// still lack their highlights (empty when all have them), marked lit.
    pub fn to_light(&mut self, page: usize) -> std::ops::Range<usize> {
        let len = self.rows.len();
        let shown = self.pos.offset.min(len)..(self.pos.offset + page).min(len);
        if shown.start >= self.lit.start && shown.end <= self.lit.end {
            return 0..0;
        }
        self.lit = shown.clone();
        shown
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    Name,
    Status,
    Chain,
    Area,
    NextDue,
}

impl Sort {
    pub const ALL: [Sort; 6] = [
        Sort::Relevance,
        Sort::Name,
        Sort::Status,
        Sort::Chain,
        Sort::Area,
        Sort::NextDue,
    ];

    pub fn next(self) -> Sort {
        let i = Sort::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Sort::ALL[(i + 1) % Sort::ALL.len()]
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Name => "name",
            Sort::Status => "status",
            Sort::Chain => "chain",
            Sort::Area => "area",
            Sort::NextDue => "next due",
        }
    }

    /// Whether this order means something in `view`. Chains are ranked
    /// (or sorted by name); projects and goals take every order.
    pub fn applies_to(self, view: super::state::View) -> bool {
        use super::state::View;
        match view {
            View::Projects | View::Goals => true,
            View::Chains => matches!(self, Sort::Relevance | Sort::Name),
            View::Sources => false,
        }
    }
}

/// A view's order: the sort (`o`) and whether it runs the other way (`O`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Order {
    pub by: Sort,
    pub reverse: bool,
}

/// What every list view's filter pass reads: the records, the day, the
/// filter and `!`, shared by all views.
pub struct Ctx<'a> {
    pub tracker: &'a Tracker,
    pub today: NaiveDate,
    pub query: &'a Query,
    /// Nothing typed on the filter line (every record shown).
    pub unfiltered: bool,
    pub attention: bool,
}

/// Sorts `hits` by `cmp` (then by the sort keys of the names), the other
/// way under `O`; relevance keeps the matcher's order (reversed under `O`).
fn sort_hits(
    hits: &mut [Hit],
    order: Order,
    keys: &[String],
    cmp: impl Fn(&Hit, &Hit) -> Ordering,
) {
    let key = |h: &Hit| keys.get(h.index).map_or("", String::as_str);
    if order.by != Sort::Relevance {
        hits.sort_by(|a, b| cmp(a, b).then_with(|| key(a).cmp(key(b))));
    }
    if order.reverse {
        hits.reverse();
    }
}

/// Where a chain stands in the file's order (unknown ones last), for sorting.
fn chain_pos(t: &Tracker, id: &str) -> usize {
    t.chains
        .iter()
        .position(|c| c.id == id)
        .unwrap_or(usize::MAX)
}

/// Where an area stands in the file's order (none or unknown last).
fn area_pos(t: &Tracker, id: Option<&String>) -> usize {
    id.and_then(|a| t.areas.iter().position(|x| &x.id == a))
        .unwrap_or(usize::MAX)
}

/// "Next due" order: what falls due soonest from `today` first, then what
/// is already past (the most recently missed first), then nothing due.
pub(crate) fn due_order(a: Option<NaiveDate>, b: Option<NaiveDate>, today: NaiveDate) -> Ordering {
    let rank = |d: Option<NaiveDate>| match d {
        Some(d) if d >= today => (0, (d - today).num_days()),
        Some(d) => (1, (today - d).num_days()),
        None => (2, 0),
    };
    rank(a).cmp(&rank(b))
}

/// The Projects view: its rows, order, and the tree of parts (`T`).
#[derive(Debug, Clone, Default)]
pub struct Projects {
    pub list: ListState<Hit>,
    pub order: Order,
    /// Its rows wait for the last change of the filter, order or `!`.
    pub stale: bool,
    /// `T`: parts listed under their parent project.
    pub tree: bool,
    /// The parts of each project (tracker indices), by project index.
    pub parts: Vec<Vec<usize>>,
    /// Each project's parent (tracker index), by project index.
    pub parent: Vec<Option<usize>>,
    /// Depth of each shown project in the tree (0 outside tree mode).
    pub depth: Vec<usize>,
    /// Sort keys of the names (pinyin for Chinese), by project index;
    /// computed when a sort other than relevance first needs them.
    keys: Vec<String>,
}

impl Projects {
    /// What follows from the records and is kept between keystrokes:
    /// each project's parent and parts. The sort keys are dropped, to be
    /// computed again when a sort by name needs them.
    pub fn derive(&mut self, t: &Tracker) {
        self.keys.clear();
        // Most trackers have few parts: no map of ids without one.
        let by_id: HashMap<&str, usize> = if t.projects.iter().any(|p| p.parent.is_some()) {
            t.projects
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.as_str(), i))
                .collect()
        } else {
            Default::default()
        };
        let parent: Vec<Option<usize>> = t
            .projects
            .iter()
            .map(|p| by_id.get(p.parent.as_deref()?).copied())
            .collect();
        let mut parts = vec![Vec::new(); t.projects.len()];
        for (i, j) in parent.iter().enumerate() {
            if let Some(j) = *j {
                parts[j].push(i);
            }
        }
        self.parts = parts;
        self.parent = parent;
    }

    fn ensure_keys(&mut self, t: &Tracker) {
        if self.order.by != Sort::Relevance && self.keys.len() != t.projects.len() {
            self.keys = par::map(&t.projects, |p| collate_key(&p.name_zh));
        }
    }

    /// The projects the filter and `!` let through, sorted and (in tree
    /// mode) arranged; `None` when `stop` ended the search.
    pub fn search(
        &mut self,
        ctx: &Ctx,
        index: &SearchIndex,
        stop: &mut dyn FnMut() -> bool,
    ) -> Option<Vec<Hit>> {
        let t = ctx.tracker;
        let mut hits = index.search_projects_until(t, ctx.query, stop)?;
        if ctx.attention {
            hits.retain(|h| {
                t.projects
                    .get(h.index)
                    .is_some_and(|p| crate::domain::progress::project_needs_attention(p, ctx.today))
            });
        }
        self.ensure_keys(t);
        let order = self.order;
        let today = ctx.today;
        let p = |h: &Hit| &t.projects[h.index];
        sort_hits(&mut hits, order, &self.keys, |a, b| {
            let (pa, pb) = (p(a), p(b));
            match order.by {
                Sort::Relevance | Sort::Name => Ordering::Equal,
                Sort::Status => pa.status.cmp(&pb.status),
                Sort::Chain => chain_pos(t, &pa.chain).cmp(&chain_pos(t, &pb.chain)),
                Sort::Area => area_pos(t, pa.area.as_ref()).cmp(&area_pos(t, pb.area.as_ref())),
                Sort::NextDue => {
                    let due = |p| next_milestone(p).map(|(_, m)| m.due.last_day());
                    due_order(due(pa), due(pb), today)
                }
            }
        });
        Some(self.arrange_tree(t, hits))
    }

    /// In tree mode, puts each shown part right under its shown parent
    /// (parents keep the sorted order) and records depths.
    fn arrange_tree(&mut self, t: &Tracker, hits: Vec<Hit>) -> Vec<Hit> {
        self.depth = vec![0; t.projects.len()];
        if !self.tree {
            return hits;
        }
        let shown: HashSet<usize> = hits.iter().map(|h| h.index).collect();
        let parent_of = |i: usize| {
            let j = self.parent.get(i).copied().flatten()?;
            shown.contains(&j).then_some(j)
        };
        let mut by_index: HashMap<usize, Hit> = hits.iter().map(|h| (h.index, h.clone())).collect();
        let order: Vec<usize> = hits.iter().map(|h| h.index).collect();
        // The shown parts of each shown parent, in the sorted order.
        let mut children: HashMap<usize, Vec<usize>> = Default::default();
        for &c in &order {
            if let Some(p) = parent_of(c) {
                children.entry(p).or_default().push(c);
            }
        }
        let mut out = Vec::with_capacity(hits.len());
        let mut stack: Vec<(usize, usize)> = order
            .iter()
            .rev()
            .filter(|&&i| parent_of(i).is_none())
            .map(|&i| (i, 0))
            .collect();
        while let Some((i, d)) = stack.pop() {
            let Some(h) = by_index.remove(&i) else {
                continue;
            };
            self.depth[i] = d;
            out.push(h);
            for &c in children.get(&i).into_iter().flatten().rev() {
                stack.push((c, d + 1));
            }
        }
        // Anything left (a loop of parents) keeps its place at the end.
        out.extend(order.iter().filter_map(|i| by_index.remove(i)));
        out
    }

    /// Tracker index of the selected project.
    pub fn selected(&self) -> Option<usize> {
        self.list.current().map(|h| h.index)
    }

    /// How deep project `i` sits in the tree (0 outside tree mode).
    pub fn tree_depth(&self, i: usize) -> usize {
        if self.tree {
            self.depth.get(i).copied().unwrap_or(0)
        } else {
            0
        }
    }

    /// A project's status as the Projects view shows it; in tree mode a
    /// parent adds how far its parts have got ("在建, parts 1/2 advancing").
    pub fn status_label(&self, t: &Tracker, i: usize) -> String {
        let Some(p) = t.projects.get(i) else {
            return String::new();
        };
        let parts = self.parts.get(i).map_or(&[][..], Vec::as_slice);
        if !self.tree || parts.is_empty() {
            return p.status.label_zh().to_string();
        }
        format!("{}, {}", p.status.label_zh(), self.parts_summary(t, i))
    }

    /// "parts 1/2 advancing": a parent's progress summarised from its parts
    /// (under construction, completed or operating count as advancing).
    pub fn parts_summary(&self, t: &Tracker, i: usize) -> String {
        let parts = self.parts.get(i).map_or(&[][..], Vec::as_slice);
        let advancing = parts
            .iter()
            .filter_map(|&j| t.projects.get(j))
            .filter(|p| p.status.has_reached(Status::UnderConstruction))
            .count();
        format!("parts {advancing}/{} advancing", parts.len())
    }
}

/// The Goals view: its rows, order, and each goal's progress today.
#[derive(Debug, Clone, Default)]
pub struct Goals {
    pub list: ListState<Hit>,
    pub order: Order,
    pub stale: bool,
    /// Progress of each target on `today`, by target index.
    pub progress: Vec<Progress>,
    keys: Vec<String>,
}

impl Goals {
    /// After the records changed: progress assessed again, sort keys dropped.
    pub fn derive(&mut self, t: &Tracker, today: NaiveDate) {
        self.progress = par::map(&t.targets, |x| assess(x, today));
        self.keys.clear();
    }

    /// Whether a goal shows under `!`: at risk or unreported.
    pub fn needs_attention(&self, i: usize) -> bool {
        self.progress
            .get(i)
            .is_some_and(|p| p.state.needs_attention())
    }

    /// The goals the filter and `!` let through, sorted; `None` when
    /// `stop` ended the search.
    pub fn search(
        &mut self,
        ctx: &Ctx,
        index: &SearchIndex,
        stop: &mut dyn FnMut() -> bool,
    ) -> Option<Vec<Hit>> {
        let t = ctx.tracker;
        let states: Vec<ProgressState> = self.progress.iter().map(|p| p.state).collect();
        let mut hits = index.search_targets_until(ctx.query, &states, stop)?;
        if ctx.attention {
            hits.retain(|h| self.needs_attention(h.index));
        }
        if self.order.by != Sort::Relevance && self.keys.len() != t.targets.len() {
            self.keys = par::map(&t.targets, |x| collate_key(&x.metric_zh));
        }
        let order = self.order;
        let today = ctx.today;
        let state_pos = |i: usize| {
            let s = self
                .progress
                .get(i)
                .map_or(ProgressState::NoData, |p| p.state);
            ProgressState::ALL
                .iter()
                .position(|x| *x == s)
                .unwrap_or(usize::MAX)
        };
        sort_hits(&mut hits, order, &self.keys, |a, b| {
            let (ga, gb) = (&t.targets[a.index], &t.targets[b.index]);
            match order.by {
                Sort::Relevance | Sort::Name => Ordering::Equal,
                Sort::Status => state_pos(a.index).cmp(&state_pos(b.index)),
                Sort::Chain => chain_pos(t, &ga.chain).cmp(&chain_pos(t, &gb.chain)),
                Sort::Area => area_pos(t, ga.area.as_ref()).cmp(&area_pos(t, gb.area.as_ref())),
                Sort::NextDue => due_order(Some(ga.period.end()), Some(gb.period.end()), today),
            }
        });
        Some(hits)
    }

    /// Tracker index of the selected goal.
    pub fn selected(&self) -> Option<usize> {
        self.list.current().map(|h| h.index)
    }
}

/// One chain's place on the scoreboard, counted over the records the filter
/// and `!` let through (`domain::summary`), in ranked order.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainRow {
    /// Index into `tracker.chains`.
    pub chain: usize,
    /// 1-based place on the scoreboard.
    pub rank: usize,
    pub summary: ChainSummary,
}

/// The Chains view: the scoreboard over what the other views show.
#[derive(Debug, Clone, Default)]
pub struct Chains {
    pub list: ListState<ChainRow>,
    pub order: Order,
    pub stale: bool,
    keys: Vec<String>,
}

impl Chains {
    pub fn derive(&mut self) {
        self.keys.clear();
    }

    /// The scoreboard over the projects and goals shown (`projects`,
    /// `goals`), ranked (or, sorted by name, in pinyin order).
    pub fn scoreboard(
        &mut self,
        ctx: &Ctx,
        projects: &[Hit],
        goals: &[Hit],
        progress: &[Progress],
    ) -> Vec<ChainRow> {
        let t = ctx.tracker;
        // Count the visible records by reference, with the states already
        // assessed: no copies and no re-assessment on a keystroke.
        let ps = projects.iter().filter_map(|h| t.projects.get(h.index));
        let gs = goals.iter().filter_map(|h| {
            let state = progress.get(h.index)?.state;
            Some((t.targets.get(h.index)?, state))
        });
        let everything = ctx.unfiltered && !ctx.attention;
        let mut rows: Vec<ChainRow> = ranked(summarize(&t.chains, ps, gs, ctx.today))
            .into_iter()
            .filter(|s| everything || s.projects + s.goals > 0)
            .enumerate()
            .filter_map(|(i, summary)| {
                let chain = t.chains.iter().position(|c| c.id == summary.chain)?;
                Some(ChainRow {
                    chain,
                    rank: i + 1,
                    summary,
                })
            })
            .collect();
        if self.order.by == Sort::Name {
            if self.keys.len() != t.chains.len() {
                self.keys = t.chains.iter().map(|c| collate_key(&c.name_zh)).collect();
            }
            let keys = &self.keys;
            rows.sort_by_key(|r| keys.get(r.chain).cloned().unwrap_or_default());
        }
        if self.order.reverse {
            rows.reverse();
        }
        rows
    }

    /// Tracker index of the selected chain.
    pub fn selected(&self) -> Option<usize> {
        self.list.current().map(|r| r.chain)
    }
}

/// The Sources view: the reports, newest first (no other order).
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub list: ListState<crate::app::records::SourceRow>,
    /// `o` and `O` here change nothing shown (see `Sort::applies_to`).
    pub order: Order,
}

impl Sources {
    /// The source rows, after records changed (their counts of citing
    /// records); they do not depend on the filter.
    pub fn derive(&mut self, t: &Tracker) {
        let rows = crate::app::records::source_rows(t, "");
        let was = self
            .list
            .current()
            .and_then(|r| t.sources.get(r.source))
            .map(|s| s.id.clone());
        self.list.replace(rows, |r| {
            was.as_ref() == t.sources.get(r.source).map(|s| &s.id)
        });
    }

    /// Tracker index of the selected source.
    pub fn selected(&self) -> Option<usize> {
        self.list.current().map(|r| r.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_due_puts_the_soonest_first() {
        let d = |s| crate::domain::date::parse_day(s).expect("date");
        let today = d("2024-09-01");
        let mut dates = vec![
            None,
            Some(d("2019-12-31")),
            Some(d("2025-06-30")),
            Some(d("2024-12-31")),
            Some(d("2024-03-31")),
        ];
        dates.sort_by(|a, b| due_order(*a, *b, today));
        assert_eq!(
            dates,
            [
                Some(d("2024-12-31")),
                Some(d("2025-06-30")),
                Some(d("2024-03-31")),
                Some(d("2019-12-31")),
                None
            ]
        );
    }
}
