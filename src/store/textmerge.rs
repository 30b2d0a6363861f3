//! The merge driver's fast way: three versions of a tracker in the
//! writer's own form (what every save writes, and so what git holds) are
//! merged a record at a time by their text. A record whose lines are the
//! same on both sides is taken as it stands; only records whose lines
//! differ are read and merged by `domain::merge`, and written anew. For
//! files in the writer's form the result is byte for byte what reading the
//! three whole, merging them and writing the result gives (`merge` below
//! returns `None` whenever a record someone changed is not in that form,
//! and the driver takes that way).
//!
//! Why that is sound: every record someone changed (its lines not the
//! same in all three) is read by the fast reader (`canonical::read_block`),
//! which accepts a record's lines only if they are exactly the writer's
//! text of what it read; a record's lines the same on both sides are then
//! the same record, and writing it gives those lines. `domain::merge`
//! keeps a record that is the same on both sides as it is (its status
//! settled, which changes nothing in a record whose status is the one its
//! history gives: checked here, record by record), so its lines are the
//! result's. Records that differ go through `merge_record` and
//! `kept_record`, the steps the whole merge takes for them, in the same
//! order. A record changed by no one (the same lines in all three) is not
//! read at all, only searched for conflicts: its lines are the result's
//! even if a hand edit left them out of the writer's form, where the whole
//! way would rewrite them (a merge does not rewrite what nobody changed).
//!
//! Measured (README, Performance; `cargo bench --bench tracker --
//! merge_`): merge-file on two trackers of 10,000 projects that differ in
//! 100 records took 543 ms reading all three whole (validate: 146 ms
//! uncached, 51 ms cached), 128 ms reading every record of ours (107 / 29
//! ms), and takes 79 ms reading only the records someone changed (much
//! of it reading three files and writing one).

use super::canonical::read_block;
use super::emit;
use crate::domain::merge::{self, Merger};
use crate::domain::schema::{self, Record};
use crate::domain::*;
use memchr::memmem;
use std::collections::HashMap;
use xxhash_rust::xxh3::Xxh3DefaultBuilder;

/// Maps keyed by ids: xxh3 hashes them faster than the default hasher
/// (nothing here is keyed by what an attacker could choose to collide:
/// the worst is a slower merge).
type Map<K, V> = HashMap<K, V, Xxh3DefaultBuilder>;

/// One top-level record as it stands in a file: its id as written (the
/// text after `  - id: `) and its lines.
#[derive(Clone, Copy)]
struct Block<'a> {
    id: &'a str,
    text: &'a str,
}

/// A tracker file in the writer's form, cut into its records.
struct Layout<'a> {
    version: u32,
    /// The records of each list, in `Tracker::FIELDS` order.
    lists: Vec<Vec<Block<'a>>>,
}

/// Cuts `text` into its records, if it has the writer's layout: the
/// schema version, then each list as `key: []` or `key:` and its records,
/// each a `  - id: ` line and the lines indented under it. (Whether each
/// record's lines are the writer's is for `read_block` to say.) Only line
/// starts that open a list or a record are looked for: in the writer's
/// form a line break never stands inside a value, and every other line
/// of a list is indented by four spaces or more.
fn layout(text: &str) -> Option<Layout<'_>> {
    if text.starts_with('\u{feff}') {
        return None;
    }
    let version = match text.split_once('\n')?.0 {
        "schema_version: 1" => 1,
        "schema_version: 2" => 2,
        _ => return None,
    };
    let mut pos = "schema_version: 1\n".len();
    let mut lists = Vec::with_capacity(5);
    let keys: Vec<&str> = Tracker::FIELDS[1..]
        .iter()
        .map(|f| f.spec.key_in(version))
        .collect::<Option<_>>()?;
    for (n, key) in keys.iter().enumerate() {
        let rest = text.get(pos..)?.strip_prefix(key)?;
        let mut list = Vec::new();
        if let Some(rest) = rest.strip_prefix(": []\n") {
            pos = text.len() - rest.len();
            lists.push(list);
            continue;
        }
        rest.strip_prefix(":\n")?;
        pos += key.len() + 2;
        // The list ends where the next one's head starts (at the end of
        // the text after the last).
        let end = match keys.get(n + 1) {
            Some(next) => {
                let head = format!("\n{next}:");
                pos + memmem::find(&text.as_bytes()[pos..], head.as_bytes())? + 1
            }
            None => text.len(),
        };
        let body = &text[pos..end];
        if !body.starts_with("  - ") || !body.ends_with('\n') {
            return None;
        }
        let starts = std::iter::once(0)
            .chain(memmem::find_iter(body.as_bytes(), b"\n  - ").map(|i| i + 1))
            .chain(std::iter::once(body.len()));
        let mut start = None;
        for stop in starts {
            if let Some(start) = start {
                let block: &str = &body[start..stop];
                let first = &block[..memchr::memchr(b'\n', block.as_bytes())?];
                list.push(Block {
                    id: first.strip_prefix("  - id: ")?,
                    text: block,
                });
            }
            start = Some(stop);
        }
        pos = end;
        lists.push(list);
    }
    (pos == text.len()).then_some(Layout { version, lists })
}

/// What the fast way made of the three versions.
pub struct Merged {
    /// The merged tracker's text (the writer's form).
    pub text: String,
    /// How many conflicts ours and theirs listed before the merge.
    pub before: usize,
    /// The conflicts left in the result, in file order: record id and
    /// field.
    pub left: Vec<(String, String)>,
}

/// Merges the three texts record by record, or `None` when one of them
/// is not in the writer's form (or holds anything the fast way does not
/// promise to merge exactly as the whole way: an id twice in a list, a
/// status its history contradicts, versions of different schemas).
pub fn merge(base: &str, ours: &str, theirs: &str, m: &mut Merger) -> Option<Merged> {
    let (b, o, t) = (layout(base)?, layout(ours)?, layout(theirs)?);
    if b.version != o.version || o.version != t.version {
        return None;
    }
    let mut out = Out {
        text: String::with_capacity(ours.len() + ours.len() / 64),
        before: 0,
        left: Vec::new(),
    };
    out.text.push_str(if o.version == 1 {
        "schema_version: 1\n"
    } else {
        "schema_version: 2\n"
    });
    let v = o.version;
    let key = |i: usize| Tracker::FIELDS[i + 1].spec.key_in(v);
    let (b, o, t) = (&b.lists, &o.lists, &t.lists);
    section::<Source>(key(0)?, &b[0], &o[0], &t[0], v, m, &mut out)?;
    section::<Chain>(key(1)?, &b[1], &o[1], &t[1], v, m, &mut out)?;
    section::<Area>(key(2)?, &b[2], &o[2], &t[2], v, m, &mut out)?;
    section::<Project>(key(3)?, &b[3], &o[3], &t[3], v, m, &mut out)?;
    section::<Target>(key(4)?, &b[4], &o[4], &t[4], v, m, &mut out)?;
    Some(Merged {
        text: out.text,
        before: out.before,
        left: out.left,
    })
}

struct Out {
    text: String,
    before: usize,
    left: Vec<(String, String)>,
}

/// A record read from its lines, or `None` if they are not the writer's.
fn read<R: Record>(block: &Block, version: u32) -> Option<R> {
    let mut r = R::default();
    read_block(block.text, &mut r, version)?;
    Some(r)
}

/// The record's conflicts (kinds without them: none).
fn conflicts_of<R: Record>(r: &R) -> &[Conflict] {
    match R::field("conflicts").map(|f| (f.get)(r)) {
        Some(schema::Val::Items(list)) => list
            .as_any()
            .downcast_ref::<Vec<Conflict>>()
            .map_or(&[], Vec::as_slice),
        _ => &[],
    }
}

/// The record's id, read.
fn id_of<R: Record>(r: &R) -> String {
    match R::field("id").map(|f| (f.get)(r)) {
        Some(schema::Val::Str(s)) => s.to_string(),
        _ => String::new(),
    }
}

/// A project's status as `merge` would leave it (other kinds: yes).
fn settled<R: Record>(r: &R) -> bool {
    (r as &dyn std::any::Any)
        .downcast_ref::<Project>()
        .is_none_or(merge::settled)
}

/// What checking a record as it stands found: its conflicts, and whether
/// the merge would leave it as it is.
struct Checked {
    conflicts: Vec<(String, String)>,
    count: usize,
}

fn check<R: Record>(block: &Block, version: u32) -> Option<Checked> {
    let r: R = read(block, version)?;
    if !settled(&r) {
        return None;
    }
    let cs = conflicts_of(&r);
    let id = if cs.is_empty() {
        String::new()
    } else {
        id_of(&r)
    };
    Some(Checked {
        count: cs.len(),
        conflicts: cs.iter().map(|c| (id.clone(), c.field.clone())).collect(),
    })
}

/// Index of a list by id; `None` when an id is there twice (the whole
/// way tells such records apart by their rank).
fn index<'a>(list: &[Block<'a>]) -> Option<Map<&'a str, usize>> {
    let mut map = Map::with_capacity_and_hasher(list.len(), Xxh3DefaultBuilder::new());
    for (i, b) in list.iter().enumerate() {
        if map.insert(b.id, i).is_some() {
            return None;
        }
    }
    Some(map)
}

/// A record of the merged list: its lines (as they stand on a side, or
/// written anew), and its conflicts (record id and field).
struct Piece<'a> {
    text: std::borrow::Cow<'a, str>,
    conflicts: Vec<(String, String)>,
}

/// Merges one list, mirroring `Merge for Vec<R>` at the top level.
fn section<'a, R: Record>(
    key: &str,
    b: &[Block<'a>],
    o: &[Block<'a>],
    t: &[Block<'a>],
    v: u32,
    m: &mut Merger,
    out: &mut Out,
) -> Option<()> {
    let (bi, oi, ti) = (index(b)?, index(o)?, index(t)?);
    let same = |x: &[Block], y: &[Block]| {
        x.len() == y.len()
            && x.iter()
                .zip(y)
                .all(|(p, q)| p.id == q.id && p.text == q.text)
    };
    // Where each record of theirs and of the base is in ours, when its
    // lines are the same there (lists mostly line up: looked up by place
    // first, by id when they do not).
    let twin = |list: &[Block], i: usize| -> Option<usize> {
        let x = &list[i];
        let j = match o.get(i) {
            Some(y) if y.id == x.id => i,
            _ => *oi.get(x.id)?,
        };
        (o[j].text == x.text).then_some(j)
    };
    let t_twin: Vec<Option<usize>> = (0..t.len()).map(|i| twin(t, i)).collect();
    let b_twin: Vec<Option<usize>> = (0..b.len()).map(|i| twin(b, i)).collect();
    // A record of ours whose lines are the same in the base and theirs was
    // changed by no one: its lines are the result's as they stand (were
    // they not the writer's, or a project's status not its history's, the
    // three files had them so; nothing of this merge's to rewrite). Only
    // its conflicts are wanted, and a record without their key has none.
    // Every other record of ours is checked as it stands (on every core);
    // theirs' and the base's only where their lines differ from ours'.
    let mut untouched = vec![0u8; o.len()];
    for j in t_twin.iter().chain(&b_twin).flatten() {
        untouched[*j] += 1;
    }
    // The field's key as the table writes it (a kind without the field
    // would have none to look for).
    let conflicts = R::field("conflicts").map(|f| f.spec.key.as_bytes());
    let to_check: Vec<bool> = o
        .iter()
        .zip(&untouched)
        .map(|(x, &n)| {
            n < 2 || conflicts.is_some_and(|k| memmem::find(x.text.as_bytes(), k).is_some())
        })
        .collect();
    let ours_checked = check_all::<R>(o, &to_check, v)?;
    let mut theirs_checked: Map<usize, Checked> = Map::default();
    for (i, j) in t_twin.iter().enumerate() {
        if j.is_none() {
            theirs_checked.insert(i, check::<R>(&t[i], v)?);
        }
    }
    for (i, j) in b_twin.iter().enumerate() {
        if j.is_none() {
            read::<R>(&b[i], v)?;
        }
    }
    let theirs_found = |i: usize| match (t_twin[i], theirs_checked.get(&i)) {
        (Some(j), _) => &ours_checked[j],
        (None, Some(c)) => c,
        (None, None) => unreachable!("every record of theirs is checked"),
    };
    out.before += ours_checked.iter().map(|c| c.count).sum::<usize>();
    out.before += (0..t.len()).map(|i| theirs_found(i).count).sum::<usize>();
    let found = |side_ours: bool, i: usize| -> Vec<(String, String)> {
        if side_ours {
            ours_checked[i].conflicts.clone()
        } else {
            theirs_found(i).conflicts.clone()
        }
    };
    let keep = |x: &Block<'a>, conflicts| Piece {
        text: std::borrow::Cow::Borrowed(x.text),
        conflicts,
    };
    let mut pieces: Vec<Piece> = Vec::new();
    if same(o, t) || same(b, t) {
        for (i, x) in o.iter().enumerate() {
            pieces.push(keep(x, found(true, i)));
        }
    } else if same(b, o) {
        for (i, x) in t.iter().enumerate() {
            pieces.push(keep(x, found(false, i)));
        }
    } else {
        for (i, x) in o.iter().enumerate() {
            let bj = bi.get(x.id).copied();
            let base = bj.map(|j| &b[j]);
            match ti.get(x.id).map(|&j| (j, &t[j])) {
                Some((j, _)) if t_twin[j].is_some() => {
                    pieces.push(keep(x, found(true, i)));
                }
                Some((_, y)) => {
                    let br: Option<R> = match base {
                        Some(z) => Some(read(z, v)?),
                        None => None,
                    };
                    let (or, tr): (R, R) = (read(x, v)?, read(y, v)?);
                    let mut r = merge::merge_record(or.clone(), br.as_ref(), &tr, m);
                    settle(&mut r, br.as_ref(), Some(&or), Some(&tr), m);
                    pieces.push(new_piece(r, v));
                }
                // Removed by theirs, untouched by ours: removed.
                None if bj.is_some_and(|j| b_twin[j].is_some()) => {}
                None if base.is_some() => {
                    let br: Option<R> = match base {
                        Some(z) => Some(read(z, v)?),
                        None => None,
                    };
                    let or: R = read(x, v)?;
                    let mut r = merge::kept_record(or.clone(), false, m);
                    settle(&mut r, br.as_ref(), Some(&or), None, m);
                    pieces.push(new_piece(r, v));
                }
                // Added by ours.
                None => pieces.push(keep(x, found(true, i))),
            }
        }
        for (i, y) in t.iter().enumerate() {
            if oi.contains_key(y.id) {
                continue;
            }
            match bi.get(y.id).map(|&j| &b[j]) {
                // Removed by ours, untouched by theirs: stays removed.
                Some(z) if z.text == y.text => {}
                Some(z) => {
                    let br: R = read(z, v)?;
                    let tr: R = read(y, v)?;
                    let mut r = merge::kept_record(tr.clone(), true, m);
                    settle(&mut r, Some(&br), None, Some(&tr), m);
                    pieces.push(new_piece(r, v));
                }
                // Added by theirs.
                None => pieces.push(keep(y, found(false, i))),
            }
        }
    }
    if pieces.is_empty() {
        out.text.push_str(key);
        out.text.push_str(": []\n");
        return Some(());
    }
    out.text.push_str(key);
    out.text.push_str(":\n");
    for piece in pieces {
        out.text.push_str(&piece.text);
        out.left.extend(piece.conflicts);
    }
    Some(())
}

/// Checks the `wanted` records of a list as they stand (the others: no
/// conflicts), the list shared out evenly between the cores (a long list;
/// a short one on this thread).
fn check_all<R: Record>(list: &[Block], wanted: &[bool], v: u32) -> Option<Vec<Checked>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let per = list.len().div_ceil(cores).max(1024);
    let one = |(b, &wanted): (&Block, &bool)| {
        if wanted {
            check::<R>(b, v)
        } else {
            Some(Checked {
                conflicts: Vec::new(),
                count: 0,
            })
        }
    };
    let parts: Vec<Option<Vec<Checked>>> = std::thread::scope(|s| {
        let mut chunks = list.chunks(per).zip(wanted.chunks(per));
        let first = chunks.next().unwrap_or((&[], &[]));
        let others: Vec<_> = chunks
            .map(|(c, w)| s.spawn(move || c.iter().zip(w).map(one).collect()))
            .collect();
        let mut parts = vec![first.0.iter().zip(first.1).map(one).collect()];
        parts.extend(others.into_iter().map(|h| h.join().ok().flatten()));
        parts
    });
    let mut all = Vec::with_capacity(list.len());
    for p in parts {
        all.extend(p?);
    }
    Some(all)
}

/// A project merged anew gets its status settled as the whole way does.
fn settle<R: Record>(r: &mut R, b: Option<&R>, o: Option<&R>, t: Option<&R>, m: &Merger) {
    fn as_project<R: Record>(x: Option<&R>) -> Option<&Project> {
        x.and_then(|x| (x as &dyn std::any::Any).downcast_ref::<Project>())
    }
    let (b, o, t) = (as_project(b), as_project(o), as_project(t));
    if let Some(p) = (r as &mut dyn std::any::Any).downcast_mut::<Project>() {
        merge::settle_project(p, b, o, t, m);
    }
}

/// A record merged anew, written.
fn new_piece<'a, R: Record>(r: R, v: u32) -> Piece<'a> {
    let mut text = String::new();
    emit::block(&mut text, &r, v);
    let id = id_of(&r);
    let conflicts = conflicts_of(&r)
        .iter()
        .map(|c| (id.clone(), c.field.clone()))
        .collect();
    Piece {
        text: std::borrow::Cow::Owned(text),
        conflicts,
    }
}
