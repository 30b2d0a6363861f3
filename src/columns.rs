//! Columns by priority, for every table (the interface's and the command
//! line's): which columns fit a width, how wide each is, and how a cell
//! too wide for its column is cut.
//!
//! The rules, in order:
//! - The sorted column is never hidden: it drops last of all.
//! - The columns marked `keep` (identity and the numbers a reader came
//!   for: name, status, target, actual, state, percent, period) come
//!   first, at their `ample` width (or whole when shorter): a fixed
//!   column's is its whole content unless it says otherwise, a growing
//!   one's (a name, a milestone's text) `AMPLE`. The others then join,
//!   most important first, at their minimum, each where it still fits.
//!   When the kept ones alone do not fit, their names shrink to their
//!   minimum and then the least important kept columns drop.
//! - Spare room goes, most important first, to each fixed column up to
//!   its whole content and each growing one up to its `ample` width, then
//!   to the growing ones up to their whole content, then is shared by
//!   them. So a short column (a chain, an area) is shown whole before a
//!   long text takes more than its ample share.
//! - A cut cell ends with `~`; two different texts are never cut to the
//!   same one (`distinct_cuts` keeps the end that tells them apart).

/// Room a growing column gets before less important columns are shown
/// (12 Chinese characters, or a few English words).
pub const AMPLE: usize = 24;

/// Room for a project's Chinese name before the chain and the area are
/// shown (interface and `list`): 14 characters, whole for all but a few
/// long names (and more when there is room).
pub const PROJECT_NAME: usize = 28;

/// A table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub header: &'static str,
    /// Narrowest useful width (a cut value below it says nothing); one
    /// above any content (an id) means whole or hidden.
    pub min: usize,
    /// Lower is more important; ties drop the rightmost first.
    pub prio: u8,
    /// Shown (see the module comment) while a less important column is.
    pub keep: bool,
    /// Takes the room left once every column shows its whole content.
    pub grow: bool,
    /// A kept column's share before less important columns are shown or
    /// fed: `AMPLE` for a growing column, the whole content for a fixed
    /// one unless set (a column that has a short form).
    pub ample: usize,
}

pub const fn column(header: &'static str, min: usize, prio: u8, keep: bool, grow: bool) -> Column {
    Column {
        header,
        min,
        prio,
        keep,
        grow,
        ample: if grow { AMPLE } else { usize::MAX },
    }
}

impl Column {
    /// The same column with another `ample` width.
    pub const fn ample(self, ample: usize) -> Column {
        Column { ample, ..self }
    }
}

/// The outcome: shown columns (index, width) in order, and the hidden ones.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fit {
    pub shown: Vec<(usize, usize)>,
    pub hidden: Vec<usize>,
}

impl Fit {
    /// "hidden: Chain, Area" for a header, or "" when all are shown.
    pub fn hidden_note(&self, cols: &[Column]) -> String {
        if self.hidden.is_empty() {
            return String::new();
        }
        let names: Vec<&str> = self.hidden.iter().map(|&i| cols[i].header).collect();
        format!("hidden: {}", names.join(", "))
    }
}

/// Fits `cols` into `total` cells with `gap` cells between columns.
/// `wants[i]` is the width of column i's widest content (header included);
/// `sorted` is the column the rows are sorted by, never hidden.
pub fn fit(
    total: usize,
    cols: &[Column],
    wants: &[usize],
    gap: usize,
    sorted: Option<usize>,
) -> Fit {
    // A fixed column is never narrower than its header; a growing one
    // (a name) may be, as its content is cut anyway. No column needs more
    // than its content: a `min` above it (an id, useless cut) means whole
    // or not at all.
    let header = |i: usize| {
        if cols[i].grow {
            0
        } else {
            crate::text::width(cols[i].header)
        }
    };
    let want = |i: usize| wants.get(i).copied().unwrap_or(0).max(header(i));
    let min = |i: usize| cols[i].min.max(header(i)).min(want(i));
    let ample = |i: usize| want(i).min(cols[i].ample.max(min(i)));
    // The sorted column counts as kept.
    let keep = |i: usize| cols[i].keep || sorted == Some(i);
    let gaps = |n: usize| n.saturating_sub(1) * gap;
    // While any unkept column is shown, kept columns count at their ample
    // width; with only kept ones, the names among them may shrink.
    let floor = |kept: &[usize], i: usize| {
        let others = kept.iter().any(|&j| !keep(j));
        if keep(i) && (others || !cols[i].grow) {
            ample(i)
        } else {
            min(i)
        }
    };
    let need =
        |kept: &[usize]| kept.iter().map(|&i| floor(kept, i)).sum::<usize>() + gaps(kept.len());
    // The kept columns; while they do not fit, the least important goes
    // (ties: the rightmost), the sorted one last of all.
    let mut kept: Vec<usize> = (0..cols.len()).filter(|&i| keep(i)).collect();
    while need(&kept) > total {
        let least = (0..kept.len())
            .filter(|&p| sorted != Some(kept[p]))
            .max_by_key(|&p| (cols[kept[p]].prio, p));
        match least.or((!kept.is_empty()).then_some(0)) {
            Some(p) => {
                kept.remove(p);
            }
            None => break,
        }
    }
    // Then the others, most important first (ties: the leftmost), each
    // where it still fits: a wide one that does not leaves the room to a
    // narrower, less important one.
    let mut others: Vec<usize> = (0..cols.len()).filter(|&i| !keep(i)).collect();
    others.sort_by_key(|&i| (cols[i].prio, i));
    if kept.len() == cols.iter().enumerate().filter(|&(i, _)| keep(i)).count() {
        for i in others {
            let at = kept.partition_point(|&j| j < i);
            kept.insert(at, i);
            if need(&kept) > total {
                kept.remove(at);
            }
        }
    }
    let mut widths: Vec<usize> = kept.iter().map(|&i| floor(&kept, i)).collect();
    let mut spare = total.saturating_sub(need(&kept));
    let mut order: Vec<usize> = (0..kept.len()).collect();
    order.sort_by_key(|&p| (cols[kept[p]].prio, p));
    // Most important first: each fixed column to its whole content and
    // each growing one to its ample width; then the growing ones to their
    // whole content.
    let first = |i: usize| if cols[i].grow { ample(i) } else { want(i) };
    for up_to in [&first as &dyn Fn(usize) -> usize, &want] {
        for &p in &order {
            let give = up_to(kept[p]).saturating_sub(widths[p]).min(spare);
            widths[p] += give;
            spare -= give;
        }
    }
    let growers: Vec<usize> = (0..kept.len()).filter(|&p| cols[kept[p]].grow).collect();
    if !growers.is_empty() {
        let n = growers.len();
        for (k, &p) in growers.iter().enumerate() {
            widths[p] += spare / n + usize::from(k < spare % n);
        }
    }
    let hidden = (0..cols.len()).filter(|i| !kept.contains(i)).collect();
    Fit {
        shown: kept.into_iter().zip(widths).collect(),
        hidden,
    }
}

/// How a text too wide for its column is shown: its first `head` chars,
/// `~`, then its last `tail` chars (none for a plain cut).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    pub head: usize,
    pub tail: usize,
}

impl Cut {
    /// The text as cut: borrowed pieces, head and tail.
    pub fn pieces(self, text: &str) -> (&str, &str) {
        let head_end = text
            .char_indices()
            .nth(self.head)
            .map_or(text.len(), |c| c.0);
        let n = text.chars().count();
        let tail_start = if self.tail == 0 {
            text.len()
        } else {
            text.char_indices()
                .nth(n.saturating_sub(self.tail))
                .map_or(text.len(), |c| c.0)
                .max(head_end)
        };
        (&text[..head_end], &text[tail_start..])
    }

    /// The text as shown: "灾害民生~户数".
    pub fn apply(self, text: &str) -> String {
        let (head, tail) = self.pieces(text);
        format!("{head}~{tail}")
    }
}

/// The cut that keeps the last `tail` chars of `text` and as much of its
/// start as fits in `w` columns with the `~` (a header keeps its sort mark).
pub fn cut_keeping(text: &str, w: usize, tail: usize) -> Cut {
    use unicode_width::UnicodeWidthChar;
    let cw = |c: char| c.width().unwrap_or(0);
    let n = text.chars().count();
    let tail = tail.min(n);
    // The tail, shortened when it leaves no room for a head.
    let mut tail_w: usize = text.chars().skip(n - tail).map(cw).sum();
    let mut tail = tail;
    while tail > 0 && tail_w + 1 > w {
        tail_w -= text.chars().nth(n - tail).map_or(0, cw);
        tail -= 1;
    }
    let room = w.saturating_sub(1 + tail_w);
    let mut head = 0;
    let mut used = 0;
    for c in text.chars().take(n - tail) {
        if used + cw(c) > room {
            break;
        }
        used += cw(c);
        head += 1;
    }
    Cut { head, tail }
}

/// How each of `texts` is shown in a column `w` wide: `None` when whole,
/// else its cut. Texts cut to the same start keep as much of their end as
/// tells them apart ("灾害民生~户数", "灾害民生~金额"), so no two
/// different texts read the same (as far as `w` leaves room).
pub fn distinct_cuts(texts: &[&str], w: usize) -> Vec<Option<Cut>> {
    use std::collections::HashMap;
    let mut cuts: Vec<Option<Cut>> = texts
        .iter()
        .map(|t| (crate::text::width(t) > w).then(|| cut_keeping(t, w, 0)))
        .collect();
    // A few rounds: a longer tail can meet another group's text.
    for _ in 0..4 {
        let mut groups: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, c) in cuts.iter().enumerate() {
            if let Some(c) = c {
                groups.entry(c.pieces(texts[i])).or_default().push(i);
            }
        }
        let mut changed = false;
        for members in groups.into_values().filter(|m| m.len() > 1) {
            let mut distinct: Vec<&str> = members.iter().map(|&i| texts[i]).collect();
            // Ordered by their ends: each text's longest common end with
            // another is with a neighbour.
            distinct.sort_unstable_by(|a, b| a.chars().rev().cmp(b.chars().rev()));
            distinct.dedup();
            if distinct.len() < 2 {
                continue;
            }
            let common_end = |a: &str, b: &str| {
                a.chars()
                    .rev()
                    .zip(b.chars().rev())
                    .take_while(|(x, y)| x == y)
                    .count()
            };
            let mut tail = 0;
            for k in 0..distinct.len() {
                let before = k
                    .checked_sub(1)
                    .map_or(0, |j| common_end(distinct[j], distinct[k]));
                let after = distinct
                    .get(k + 1)
                    .map_or(0, |b| common_end(distinct[k], b));
                tail = tail.max(before.max(after) + 1);
            }
            let now = members
                .iter()
                .filter_map(|&i| cuts[i].map(|c| c.tail))
                .max()
                .unwrap_or(0);
            // Two characters at least: a word, in Chinese.
            let tail = tail.max(2).max(now + 1);
            for &i in &members {
                let c = Some(cut_keeping(texts[i], w, tail));
                if c != cuts[i] {
                    cuts[i] = c;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: [Column; 5] = [
        column("name", 8, 0, true, true),
        column("english", 10, 4, false, true),
        column("actual", 4, 1, true, false),
        column("gauge", 6, 3, false, false),
        column("ends", 8, 5, false, false),
    ];

    #[test]
    fn kept_columns_are_whole_while_others_remain() {
        let wants = [20, 40, 9, 12, 20];
        // Wide: everything, every column whole, spare to the growers.
        let f = fit(140, &COLS, &wants, 1, None);
        assert!(f.hidden.is_empty());
        assert_eq!(f.shown[2], (2, 9));
        assert_eq!(f.shown.iter().map(|c| c.1).sum::<usize>() + 4, 140);
        // Narrower: ends then english drop before actual is ever cut.
        let f = fit(45, &COLS, &wants, 1, None);
        assert_eq!(f.hidden, [1, 4]);
        assert!(f.shown.contains(&(2, 9)), "{f:?}");
        assert!(f.shown.contains(&(0, 20)) || f.shown[0].1 > 20, "{f:?}");
        assert_eq!(f.hidden_note(&COLS), "hidden: english, ends");
        // Very narrow: only kept ones, shrunk to fit.
        let f = fit(20, &COLS, &wants, 1, None);
        assert_eq!(f.shown.iter().map(|c| c.0).collect::<Vec<_>>(), [0, 2]);
        assert!(f.shown.iter().map(|c| c.1).sum::<usize>() < 20);
        assert!(fit(0, &COLS, &wants, 1, None).shown.is_empty());
    }

    #[test]
    fn a_long_name_takes_its_ample_share_before_short_columns_drop() {
        // A 60-column name: the gauge (short, less important) still shows,
        // the name gets the rest.
        let wants = [60, 40, 9, 12, 20];
        let f = fit(60, &COLS, &wants, 1, None);
        assert!(f.shown.iter().any(|c| c.0 == 3), "{f:?}");
        assert_eq!(
            f.shown.iter().map(|c| c.1).sum::<usize>() + f.shown.len() - 1,
            60
        );
        assert!(f.shown[0].1 >= AMPLE, "{f:?}");
    }

    #[test]
    fn the_sorted_column_is_never_hidden() {
        let wants = [20, 40, 9, 12, 20];
        // Sorted by "ends" (the least important): kept, whole, and the
        // last to go.
        let f = fit(45, &COLS, &wants, 1, Some(4));
        assert!(f.shown.contains(&(4, 20)), "{f:?}");
        for w in 1..45 {
            let f = fit(w, &COLS, &wants, 1, Some(4));
            assert!(
                f.shown.iter().any(|c| c.0 == 4) || f.shown.is_empty(),
                "{w}: {f:?}"
            );
        }
    }

    #[test]
    fn different_texts_are_never_cut_alike() {
        let texts = [
            "灾害民生综合保险赔付户数",
            "灾害民生综合保险赔付金额",
            "灾害民生综合保险赔付金额",
            "short",
            "Renhe Road Old Town renewal, part A",
            "Renhe Road Old Town renewal, part BC",
        ];
        for w in 8..30 {
            let cuts = distinct_cuts(&texts, w);
            let shown: Vec<String> = texts
                .iter()
                .zip(&cuts)
                .map(|(t, c)| c.map_or(t.to_string(), |c| c.apply(t)))
                .collect();
            for (i, a) in shown.iter().enumerate() {
                assert!(crate::text::width(a) <= w, "{w}: {a}");
                for (j, b) in shown.iter().enumerate() {
                    if texts[i] != texts[j] {
                        assert_ne!(a, b, "{w}: {} and {}", texts[i], texts[j]);
                    }
                }
            }
        }
        let cuts = distinct_cuts(&texts[..2], 18);
        assert_eq!(
            cuts[0].map(|c| c.apply(texts[0])).as_deref(),
            Some("灾害民生综合~户数")
        );
        assert_eq!(
            cuts[1].map(|c| c.apply(texts[1])).as_deref(),
            Some("灾害民生综合~金额")
        );
        // A text alone is cut plainly.
        assert_eq!(
            distinct_cuts(&texts[..1], 9)[0],
            Some(Cut { head: 4, tail: 0 })
        );
    }
}
