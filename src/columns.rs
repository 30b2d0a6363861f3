//! Columns by priority, for every table (the interface's and the command
//! line's): which columns fit a width and how wide each is.
//!
//! The rule: a column marked `keep` (identity and the numbers a reader came
//! for: name, status, target, actual, percent, state) gets its whole
//! content as long as any less important column is still shown; the
//! others shrink to their minimum, then drop, least important first. Only
//! when nothing else is left do kept columns shrink, then drop. Spare room
//! goes to each column up to its content, most important first, then to
//! the growing columns.

/// A table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub header: &'static str,
    /// Narrowest useful width (a cut value below it says nothing).
    pub min: usize,
    /// Lower is more important; ties drop the rightmost first.
    pub prio: u8,
    /// Never cut while a less important column has room.
    pub keep: bool,
    /// Takes the room left once every column shows its whole content.
    pub grow: bool,
}

pub const fn column(header: &'static str, min: usize, prio: u8, keep: bool, grow: bool) -> Column {
    Column {
        header,
        min,
        prio,
        keep,
        grow,
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
/// `wants[i]` is the width of column i's widest content (header included).
pub fn fit(total: usize, cols: &[Column], wants: &[usize], gap: usize) -> Fit {
    // A fixed column is never narrower than its header; a growing one
    // (a name) may be, as its content is cut anyway.
    let min = |i: usize| {
        let c = &cols[i];
        if c.grow {
            c.min
        } else {
            c.min.max(crate::text::width(c.header))
        }
    };
    let want = |i: usize| wants.get(i).copied().unwrap_or(0).max(min(i));
    let mut kept: Vec<usize> = (0..cols.len()).collect();
    let gaps = |n: usize| n.saturating_sub(1) * gap;
    // While any unkept column remains, kept columns count whole; once
    // only kept ones are left, the names among them may shrink.
    let floor = |kept: &[usize], i: usize| {
        let others = kept.iter().any(|&j| !cols[j].keep);
        if cols[i].keep && (others || !cols[i].grow) {
            want(i)
        } else {
            min(i)
        }
    };
    let need =
        |kept: &[usize]| kept.iter().map(|&i| floor(kept, i)).sum::<usize>() + gaps(kept.len());
    let least = |kept: &[usize], keep: bool| {
        (0..kept.len())
            .filter(|&p| cols[kept[p]].keep == keep)
            .max_by_key(|&p| (cols[kept[p]].prio, p))
    };
    while !kept.is_empty() && need(&kept) > total {
        // Drop the least important unkept column; then kept ones.
        let Some(p) = least(&kept, false).or_else(|| least(&kept, true)) else {
            break;
        };
        kept.remove(p);
    }
    let mut widths: Vec<usize> = kept.iter().map(|&i| floor(&kept, i)).collect();
    let mut spare = total.saturating_sub(need(&kept));
    // Up to the whole content: fixed columns first (their content is
    // short), then the names, most important first.
    let mut order: Vec<usize> = (0..kept.len()).collect();
    order.sort_by_key(|&p| (cols[kept[p]].grow, cols[kept[p]].prio, p));
    for &p in &order {
        let give = want(kept[p]).saturating_sub(widths[p]).min(spare);
        widths[p] += give;
        spare -= give;
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
        let f = fit(140, &COLS, &wants, 1);
        assert!(f.hidden.is_empty());
        assert_eq!(f.shown[2], (2, 9));
        assert_eq!(f.shown.iter().map(|c| c.1).sum::<usize>() + 4, 140);
        // Narrower: ends then english drop before actual is ever cut.
        let f = fit(45, &COLS, &wants, 1);
        assert_eq!(f.hidden, [1, 4]);
        assert!(f.shown.contains(&(2, 9)), "{f:?}");
        assert!(f.shown.contains(&(0, 20)) || f.shown[0].1 > 20, "{f:?}");
        assert_eq!(f.hidden_note(&COLS), "hidden: english, ends");
        // Very narrow: only kept ones, shrunk to fit.
        let f = fit(20, &COLS, &wants, 1);
        assert_eq!(f.shown.iter().map(|c| c.0).collect::<Vec<_>>(), [0, 2]);
        assert!(f.shown.iter().map(|c| c.1).sum::<usize>() < 20);
        assert!(fit(0, &COLS, &wants, 1).shown.is_empty());
    }
}
