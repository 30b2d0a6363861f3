//! The filter engine shared by the interface and `list --filter`.
//!
//! Queries are words; every word must match. `chain:`, `area:` and
//! `status:` prefixes narrow a word to one field. A bare word is matched
//! against a record's names, aliases and id, and (at half weight) its
//! chain's and area's names.
//!
//! # The matching rule
//!
//! Every name is reduced once, when the index is built, to *tokens*: each
//! English word or digit run lower-cased, and each Chinese character as its
//! pinyin syllable ("人和路旧城改造" → ren he lu jiu cheng gai zao). A query
//! word in Latin letters matches when it can be cut into pieces that are
//! each the *start* of a token, in order:
//!
//! - `rhl` = r·h·l, `renhelu` = ren·he·lu, `renhl` = ren·h·l (pinyin full,
//!   initials or mixed), `cruise` = the start of "Cruise", `bigpark` =
//!   big·park over "Big Data Industrial Park";
//! - a one-letter piece must follow the previous piece's token directly:
//!   initials are typed for consecutive syllables or words. So `rhl` does
//!   not match "Road International High Level" (one word skipped before
//!   "h") and `xyz` does not match 信医(疗)中 (liao skipped);
//! - a longer piece may skip up to three tokens, at a cost;
//! - a word of three or more letters may also sit anywhere inside the
//!   text (a contiguous run: `data` in "bigdata"), scoring less than at a
//!   word start.
//!
//! Scores: 16 per matched letter, +8 when a piece follows the previous one's
//! token directly, +4 when it covers a whole token, +8 when the match starts
//! at the name's first token, -1 per token before it (at most -8), -6 per
//! token skipped between pieces, -12 for a run inside a word. A word of n
//! letters must score at least 12·n: letters strewn one by one over a long
//! name never reach it, an acronym of consecutive words or syllables does.
//!
//! A word prefixed with `~` is matched the fzf way instead: its letters in
//! order anywhere, scored and highlighted by fuzzy-matcher's skim matcher
//! (`NameKeys::fuzzy`), over the same names; a `~` word of one letter is
//! scored from a summary of the names, as skim would score it
//! (`Sig::skim_letter`).
//!
//! A word with Chinese (or other non-Latin) characters matches the text
//! itself: as one contiguous run (18 per character, +8 at the start), or as
//! runs of two or more characters in order (16 per character, -8 for each
//! further run), again at least 12 per character.
//!
//! Compared with fzf and skim, which accept any letters in order and rank
//! them, this keeps their ordering where they agree (word starts and
//! consecutive runs first) and drops what they rank last: `fzf --filter
//! rhl` on the bundled names returns a long tail of English names holding an
//! r, an h and an l somewhere; here only 人和路 records remain.
//!
//! Speed: tokens are kept compact (one string and two offset arrays per
//! name) with a bitmask of the letters present, so most records are
//! rejected by one AND; records are scored first and highlight positions
//! are computed only for the rows asked for (`highlight_*`). Large lists
//! are scored in chunks on every core the machine offers, and a caller
//! can stop a pass between chunks (`*_until`: the interface drops a pass
//! that a newer keystroke has made stale). A pass starts from the recent
//! passes when that is sound (`Recent`): a query typed a letter further
//! reads only the records the one before left possible, and a letter
//! deleted gives back the hits it had.

use super::model::{Project, Target, Tracker};
use super::par;
use super::progress::ProgressState;
use super::status::Status;
use super::suggest::closest;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use pinyin::ToPinyin;
use std::cell::RefCell;
use std::collections::HashMap;

const PER_CHAR: i32 = 16;
const ADJACENT: i32 = 8;
const WHOLE_TOKEN: i32 = 4;
const AT_START: i32 = 8;
const LEAD_MAX: i32 = 8;
const SKIP: i32 = 6;
const MAX_SKIP: usize = 3;
const INSIDE: i32 = 12;
/// The calibrated floor, per query character.
const FLOOR: i32 = 12;
const CJK_RUN: i32 = 18;
const CJK_EXTRA_RUN: i32 = 8;

/// Sentinel in the alignment memo: not computed yet / no match.
const UNKNOWN: i32 = i32::MIN;
const NONE: i32 = i32::MIN + 1;

fn letter_bit(b: u8) -> u64 {
    match b {
        b'a'..=b'z' => 1 << (b - b'a'),
        b'0'..=b'9' => 1 << (26 + b - b'0'),
        _ => 0,
    }
}

fn mask_of(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |m, &b| m | letter_bit(b))
}

/// Which of 256 bits stands for the adjacent letters `a`, `b`.
fn pair_slot(a: u8, b: u8) -> usize {
    ((a as usize).wrapping_mul(31) ^ (b as usize).wrapping_mul(131)) & 255
}

/// The adjacent letter pairs of `bytes`, hashed into 256 bits.
fn add_pairs(pairs: &mut [u64; 4], bytes: &[u8]) {
    for w in bytes.windows(2) {
        let slot = pair_slot(w[0], w[1]);
        pairs[slot / 64] |= 1 << (slot % 64);
    }
}

/// One searchable string reduced to tokens (see the module comment).
#[derive(Debug, Clone, Default)]
pub struct NameKeys {
    /// Tokens concatenated, lower-case ASCII ("renheluroad").
    joined: Box<str>,
    /// Start of each token in `joined`, then the end of the last.
    bounds: Box<[u32]>,
    /// Per token: the char index in the text where it comes from; the high
    /// bit marks a Chinese character (one char for the whole syllable).
    origin: Box<[u32]>,
    /// Letters and digits present in `joined`.
    mask: u64,
    /// Letters and digits that start a token: a chain of pieces (see
    /// `chain`) can only start with one of them.
    starts: u64,
    /// The text lower-cased, kept only when it is not plain ASCII (for
    /// queries typed in Chinese).
    lower: Box<str>,
}

const HAN: u32 = 1 << 31;

impl NameKeys {
    pub fn new(text: &str) -> Self {
        let mut joined = String::new();
        let mut bounds = Vec::new();
        let mut origin = Vec::new();
        let mut in_word = false;
        for (i, ch) in text.chars().enumerate() {
            if ch.is_ascii_alphanumeric() {
                if !in_word {
                    bounds.push(joined.len() as u32);
                    origin.push(i as u32);
                    in_word = true;
                }
                joined.push(ch.to_ascii_lowercase());
                continue;
            }
            in_word = false;
            if let Some(py) = ch.to_pinyin() {
                bounds.push(joined.len() as u32);
                origin.push(i as u32 | HAN);
                joined.extend(py.plain().chars().map(|c| if c == 'ü' { 'v' } else { c }));
            }
        }
        bounds.push(joined.len() as u32);
        let mask = mask_of(joined.as_bytes());
        let starts = bounds
            .iter()
            .filter_map(|&b| joined.as_bytes().get(b as usize))
            .fold(0, |m, &b| m | letter_bit(b));
        NameKeys {
            starts,
            joined: joined.into(),
            bounds: bounds.into(),
            origin: origin.into(),
            mask,
            lower: if text.is_ascii() {
                Box::default()
            } else {
                text.to_lowercase().into()
            },
        }
    }

    fn tokens(&self) -> usize {
        self.bounds.len() - 1
    }

    fn token(&self, k: usize) -> &[u8] {
        &self.joined.as_bytes()[self.bounds[k] as usize..self.bounds[k + 1] as usize]
    }

    /// Score of `word` against this name, when it reaches the floor.
    fn score(&self, w: &Word) -> Option<i32> {
        self.best(w, false).map(|(s, _)| s)
    }

    /// Best score with the char indices of the text to highlight.
    fn best(&self, w: &Word, want_path: bool) -> Option<(i32, Vec<usize>)> {
        let found = match &w.latin {
            Some(q) => {
                if w.mask & !self.mask != 0 {
                    return None;
                }
                self.latin(q, w.strict, want_path)
            }
            None => self.cjk(&w.text, want_path),
        }?;
        (found.0 >= FLOOR * w.len as i32).then_some(found)
    }

    /// A `~word` (`Field::Fuzzy`) as fzf and skim match it: its letters in
    /// order anywhere, scored by fuzzy-matcher's skim matcher. A Latin
    /// word is matched against the name's tokens written apart ("ren he lu
    /// jiu cheng ...", "cruise port city": word and syllable starts score
    /// as skim scores them), a word in Chinese against the text itself.
    /// With `want_path`, the text's char indices to highlight.
    fn fuzzy(&self, skim: &SkimMatcherV2, w: &Word, want_path: bool) -> Option<(i64, Vec<usize>)> {
        let Some(q) = &w.latin else {
            if self.lower.is_empty() {
                return None;
            }
            return if want_path {
                skim.fuzzy_indices(&self.lower, &w.text)
            } else {
                skim.fuzzy_match(&self.lower, &w.text)
                    .map(|s| (s, Vec::new()))
            };
        };
        if w.mask & !self.mask != 0 || self.tokens() == 0 || !subsequence(q, self.joined.as_bytes())
        {
            return None;
        }
        let pattern = &*w.letters;
        HAYSTACK.with(|h| {
            let mut h = h.borrow_mut();
            h.clear();
            for k in 0..self.tokens() {
                if k > 0 {
                    h.push(' ');
                }
                // Tokens are ASCII: their bounds are char boundaries.
                h.push_str(&self.joined[self.bounds[k] as usize..self.bounds[k + 1] as usize]);
            }
            if !want_path {
                return skim.fuzzy_match(&h, pattern).map(|s| (s, Vec::new()));
            }
            let (score, at) = skim.fuzzy_indices(&h, pattern)?;
            // Each position back to its token (one space before each but
            // the first), then to the char of the text behind it.
            let mut hl: Vec<usize> = at
                .into_iter()
                .filter_map(|p| {
                    // Token k starts at bounds[k] + k (k spaces before it).
                    let k = (0..self.tokens())
                        .rev()
                        .find(|&k| self.bounds[k] as usize + k <= p)?;
                    let off = p - (self.bounds[k] as usize + k);
                    let o = self.origin[k];
                    Some(if o & HAN != 0 {
                        (o & !HAN) as usize
                    } else {
                        o as usize + off
                    })
                })
                .collect();
            hl.dedup();
            Some((score, hl))
        })
    }

    /// Whether `fuzzy` matches `w` here at all (skim matches any text that
    /// holds the pattern's characters in order), without scoring it.
    fn holds_in_order(&self, w: &Word) -> bool {
        match &w.latin {
            Some(q) => {
                w.mask & !self.mask == 0
                    && self.tokens() > 0
                    && subsequence(q, self.joined.as_bytes())
            }
            None => {
                let mut rest = self.lower.chars();
                !self.lower.is_empty() && w.text.chars().all(|c| rest.any(|d| d == c))
            }
        }
    }

    /// The name as the engine reads it: its tokens joined, lower-case,
    /// Chinese as pinyin ("renheluroad"); two names with the same key read
    /// the same (a homophone, another case or punctuation).
    pub fn key(&self) -> &str {
        &self.joined
    }

    /// `NameKeys::new(text).key()` without the rest of the keys: what the
    /// duplicate guards compare, a hundred thousand names at a time.
    pub fn key_of(text: &str) -> String {
        let mut joined = String::with_capacity(text.len() * 2);
        Self::key_into(text, &mut joined);
        joined
    }

    /// `key_of`, appended to `joined` (a buffer kept between names).
    pub fn key_into(text: &str, joined: &mut String) {
        for ch in text.chars() {
            if ch.is_ascii_alphanumeric() {
                joined.push(ch.to_ascii_lowercase());
            } else if let Some(py) = ch.to_pinyin() {
                let plain = py.plain();
                if plain.is_ascii() {
                    joined.push_str(plain);
                } else {
                    joined.extend(plain.chars().map(|c| if c == 'ü' { 'v' } else { c }));
                }
            }
        }
    }

    /// Public form of the match for one word, as the picker and tests use it.
    pub fn matches(&self, word: &str) -> Option<(i64, Vec<usize>)> {
        self.best(&Word::new(word), true)
            .map(|(s, hl)| (s as i64, hl))
    }

    fn latin(&self, q: &[u8], strict: bool, want_path: bool) -> Option<(i32, Vec<usize>)> {
        let chain = self.chain(q, strict, want_path);
        // A run inside scores `inside_score`, and wins only above the chain.
        if chain.as_ref().is_some_and(|c| c.0 >= inside_score(q.len())) {
            return chain;
        }
        let inside = self.inside(q, want_path);
        match (chain, inside) {
            (Some(a), Some(b)) => Some(if b.0 > a.0 { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    /// The query as pieces each starting a token (see the module comment).
    /// `strict`: every piece is two letters or more, or a whole token (no
    /// initials), for names that only add to a record's score.
    fn chain(&self, q: &[u8], strict: bool, want_path: bool) -> Option<(i32, Vec<usize>)> {
        let n = self.tokens();
        let m = q.len();
        if n == 0 || m == 0 || self.starts & letter_bit(q[0]) == 0 {
            return None;
        }
        if m == 1 {
            return self.initial(q[0], strict, want_path);
        }
        self.chain_memo(q, strict, want_path)
    }

    /// `chain` by dynamic programming over (letter, token), for any word.
    fn chain_memo(&self, q: &[u8], strict: bool, want_path: bool) -> Option<(i32, Vec<usize>)> {
        let n = self.tokens();
        let m = q.len();
        MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            memo.clear();
            memo.resize((m + 1) * (n + 1), UNKNOWN);
            let mut best = NONE;
            let mut best_start = (0, 0);
            for k in 0..n {
                let tok = self.token(k);
                let lead = -(k as i32).min(LEAD_MAX) + if k == 0 { AT_START } else { 0 };
                for l in 1..=common_prefix(q, tok) {
                    if strict && l == 1 && tok.len() > 1 {
                        continue;
                    }
                    let rest = self.rest(q, l, k + 1, strict, &mut memo);
                    if rest == NONE {
                        continue;
                    }
                    let s = piece(l, tok.len()) + lead + rest;
                    if s > best {
                        best = s;
                        best_start = (k, l);
                    }
                }
            }
            if best == NONE {
                return None;
            }
            let mut hl = Vec::new();
            if want_path {
                let (mut k, mut l) = best_start;
                let mut i = 0;
                loop {
                    self.mark(k, l, &mut hl);
                    i += l;
                    if i == m {
                        break;
                    }
                    let target = memo[i * (n + 1) + k + 1];
                    let Some((k2, l2)) = self.step(q, i, k + 1, strict, target, &mut memo) else {
                        break;
                    };
                    (k, l) = (k2, l2);
                }
            }
            Some((best, hl))
        })
    }

    /// `chain` for a word of one letter `c`: the best token it starts
    /// (the same scores and the same first best token, without the memo).
    fn initial(&self, c: u8, strict: bool, want_path: bool) -> Option<(i32, Vec<usize>)> {
        let mut best: Option<(i32, usize)> = None;
        for k in 0..self.tokens() {
            let len = (self.bounds[k + 1] - self.bounds[k]) as usize;
            if self.joined.as_bytes()[self.bounds[k] as usize] != c || strict && len > 1 {
                continue;
            }
            let lead = -(k as i32).min(LEAD_MAX) + if k == 0 { AT_START } else { 0 };
            let s = piece(1, len) + lead;
            if best.is_none_or(|(b, _)| s > b) {
                best = Some((s, k));
            }
        }
        let (s, k) = best?;
        let mut hl = Vec::new();
        if want_path {
            self.mark(k, 1, &mut hl);
        }
        Some((s, hl))
    }

    /// Whether some word beginning with `q` (the letters of `w`) could
    /// match this name: `q` is a run anywhere in the tokens, or `q` can be
    /// cut into pieces each starting a token, in order, as `chain` cuts a
    /// word (at most `MAX_SKIP` tokens skipped, a lone letter only right
    /// after the token before), except that the last piece may be a lone
    /// letter after a gap (more letters may follow it). Scores and the
    /// floor are left aside. Every word that matches this name passes, and
    /// so does every word it begins: a superset of the names a longer
    /// word can match (see `Recent`).
    fn could_begin(&self, w: &Word) -> bool {
        let Some(q) = w.latin.as_deref() else {
            return true;
        };
        let m = q.len();
        if w.mask & !self.mask != 0 {
            return false;
        }
        // One letter present is a run of one.
        if m == 1 || has_run(self.joined.as_bytes(), q) {
            return true;
        }
        if self.starts & letter_bit(q[0]) == 0 {
            return false;
        }
        if m > 63 {
            return true; // beyond the bit set below: kept, never dropped
        }
        // reach[k % 4], bit i: q[..i] is covered by pieces the last of which
        // is at token k (for the last MAX_SKIP + 1 tokens).
        let mut reach = [0u64; MAX_SKIP + 1];
        for k in 0..self.tokens() {
            let tok = self.token(k);
            // Positions a piece at token k may start from: right after the
            // token before (or the word's start: a first piece may be at any
            // token), or after up to MAX_SKIP tokens skipped.
            let near = 1 | if k >= 1 { reach[(k - 1) % 4] } else { 0 };
            let far = (2..=MAX_SKIP + 1)
                .filter(|&d| k >= d)
                .fold(0, |f, d| f | reach[(k - d) % 4])
                & !near;
            let mut here = 0u64;
            if w.mask & letter_bit(tok[0]) != 0 {
                for (from, min_len) in [(near, 1), (far, 2)] {
                    let mut bits = from;
                    while bits != 0 {
                        let i = bits.trailing_zeros() as usize;
                        bits &= bits - 1;
                        let c = common_prefix(&q[i..], tok);
                        // A lone letter after a gap only as the last piece.
                        let least = if i + 1 == m { 1 } else { min_len };
                        if c >= least {
                            if i + c == m {
                                return true;
                            }
                            // q[..i + l] for l in least..=c.
                            here |= ((1u64 << (i + c + 1)) - 1) & !((1u64 << (i + least)) - 1);
                        }
                    }
                }
            }
            reach[k % 4] = here;
        }
        false
    }

    /// Best score for `q[i..]` with its first piece at token `k` or later.
    fn rest(&self, q: &[u8], i: usize, k: usize, strict: bool, memo: &mut [i32]) -> i32 {
        let m = q.len();
        let n = self.tokens();
        if i == m {
            return 0;
        }
        let slot = i * (n + 1) + k;
        if memo[slot] != UNKNOWN {
            return memo[slot];
        }
        let mut best = NONE;
        for k2 in k..n.min(k + MAX_SKIP + 1) {
            let tok = self.token(k2);
            let skipped = (k2 - k) as i32;
            for l in 1..=common_prefix(&q[i..], tok) {
                if l == 1 && (skipped > 0 || strict && tok.len() > 1) {
                    continue; // a lone letter after a gap is noise
                }
                let rest = self.rest(q, i + l, k2 + 1, strict, memo);
                if rest == NONE {
                    continue;
                }
                let link = if skipped == 0 {
                    ADJACENT
                } else {
                    -SKIP * skipped
                };
                best = best.max(piece(l, tok.len()) + link + rest);
            }
        }
        memo[slot] = best;
        best
    }

    /// The piece (token, length) that achieves `target` for `q[i..]` from token `k`.
    fn step(
        &self,
        q: &[u8],
        i: usize,
        k: usize,
        strict: bool,
        target: i32,
        memo: &mut [i32],
    ) -> Option<(usize, usize)> {
        let n = self.tokens();
        for k2 in k..n.min(k + MAX_SKIP + 1) {
            let tok = self.token(k2);
            let skipped = (k2 - k) as i32;
            for l in 1..=common_prefix(&q[i..], tok) {
                if l == 1 && (skipped > 0 || strict && tok.len() > 1) {
                    continue;
                }
                let rest = self.rest(q, i + l, k2 + 1, strict, memo);
                if rest == NONE {
                    continue;
                }
                let link = if skipped == 0 {
                    ADJACENT
                } else {
                    -SKIP * skipped
                };
                if piece(l, tok.len()) + link + rest == target {
                    return Some((k2, l));
                }
            }
        }
        None
    }

    /// Highlights the chars of the text behind the first `l` letters of token `k`.
    fn mark(&self, k: usize, l: usize, hl: &mut Vec<usize>) {
        let o = self.origin[k];
        if o & HAN != 0 {
            hl.push((o & !HAN) as usize);
        } else {
            hl.extend(o as usize..o as usize + l);
        }
    }

    /// The query as one contiguous run anywhere in the tokens.
    fn inside(&self, q: &[u8], want_path: bool) -> Option<(i32, Vec<usize>)> {
        if q.len() < 3 {
            return None;
        }
        let score = inside_score(q.len());
        if !want_path {
            return has_run(self.joined.as_bytes(), q).then(|| (score, Vec::new()));
        }
        let at = self.joined.find(std::str::from_utf8(q).ok()?)?;
        let mut hl = Vec::new();
        for b in at..at + q.len() {
            // The token holding byte `b`, and the char behind it.
            let k = self.bounds.partition_point(|&s| s as usize <= b) - 1;
            let o = self.origin[k];
            if o & HAN != 0 {
                hl.push((o & !HAN) as usize);
            } else {
                hl.push(o as usize + b - self.bounds[k] as usize);
            }
        }
        hl.dedup();
        Some((score, hl))
    }

    /// A word in Chinese (or any non-Latin text) against the text itself.
    fn cjk(&self, q: &str, want_path: bool) -> Option<(i32, Vec<usize>)> {
        if self.lower.is_empty() || q.is_empty() {
            return None;
        }
        let text: &str = &self.lower;
        let chars_before = |b: usize| text[..b].chars().count();
        let qn = q.chars().count();
        if let Some(at) = text.find(q) {
            let start = chars_before(at);
            let s = CJK_RUN * qn as i32 + if start == 0 { AT_START } else { 0 };
            let hl = if want_path {
                (start..start + qn).collect()
            } else {
                Vec::new()
            };
            return Some((s, hl));
        }
        // Runs of two or more characters, in order.
        let qs: Vec<(usize, char)> = q.char_indices().collect();
        let (mut i, mut from, mut score, mut runs) = (0, 0, 0, 0);
        let mut hl = Vec::new();
        while i < qs.len() {
            let mut found = None;
            for l in (2..=qs.len() - i).rev() {
                let end = qs.get(i + l).map_or(q.len(), |c| c.0);
                let piece = &q[qs[i].0..end];
                if let Some(at) = text[from..].find(piece) {
                    found = Some((l, from + at, piece.len()));
                    break;
                }
            }
            let (l, at, bytes) = found?;
            if want_path {
                let start = chars_before(at);
                hl.extend(start..start + l);
            }
            score += PER_CHAR * l as i32;
            runs += 1;
            from = at + bytes;
            i += l;
        }
        Some((score - CJK_EXTRA_RUN * (runs - 1), hl))
    }
}

thread_local! {
    static MEMO: RefCell<Vec<i32>> = const { RefCell::new(Vec::new()) };
    /// A name's tokens written apart, for `NameKeys::fuzzy`.
    static HAYSTACK: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Whether `q`'s bytes occur in `text` in order: what skim requires
/// before it scores, checked without building its input.
fn subsequence(q: &[u8], text: &[u8]) -> bool {
    let mut rest = text;
    for &b in q {
        match rest.iter().position(|&c| c == b) {
            Some(i) => rest = &rest[i + 1..],
            None => return false,
        }
    }
    true
}

/// Whether `q` occurs in `text` as a contiguous run. Hand-written: our
/// texts are a few dozen bytes, and `str::contains` prepares a searcher for
/// every call (a third of a whole pass's time in `perf` at 100k records).
fn has_run(text: &[u8], q: &[u8]) -> bool {
    let Some((&first, rest)) = q.split_first() else {
        return true;
    };
    let Some(last) = text.len().checked_sub(q.len()) else {
        return false;
    };
    (0..=last).any(|i| text[i] == first && text[i + 1..].iter().zip(rest).all(|(a, b)| a == b))
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// What a word of `m` letters scores as a run inside the tokens.
fn inside_score(m: usize) -> i32 {
    PER_CHAR * m as i32 - INSIDE
}

fn piece(l: usize, token_len: usize) -> i32 {
    PER_CHAR * l as i32 + if l == token_len { WHOLE_TOKEN } else { 0 }
}

/// A query word prepared once: its Latin letters and their mask, or the
/// text itself for words in Chinese.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    latin: Option<Vec<u8>>,
    /// The Latin letters as text (empty for a word matched on its text).
    letters: String,
    mask: u64,
    /// For each letter after the first: its bit, and the slot of the pair
    /// it makes with the letter before (see `RecordKeys::may_match`).
    steps: Vec<(u64, usize)>,
    len: usize,
    /// No initials: see `NameKeys::chain`.
    strict: bool,
    /// For a word matched on its text (Chinese): the slot of each of its
    /// characters (see `Sig::chars`).
    char_slots: Vec<usize>,
}

impl Word {
    fn new(word: &str) -> Word {
        let text = word.to_lowercase();
        let letters: Vec<u8> = text.bytes().filter(|b| b.is_ascii_alphanumeric()).collect();
        // Latin words are matched on their letters, punctuation aside
        // ("renhe-road" = renhe·road); anything else on the text itself.
        let latin = (text.is_ascii() && !letters.is_empty()).then_some(letters);
        let len = latin.as_ref().map_or(text.chars().count(), Vec::len);
        let steps = latin.as_deref().map_or(Vec::new(), |q| {
            q.windows(2)
                .map(|w| (letter_bit(w[1]), pair_slot(w[0], w[1])))
                .collect()
        });
        let char_slots = if latin.is_none() {
            text.chars().map(char_slot).collect()
        } else {
            Vec::new()
        };
        Word {
            mask: latin.as_deref().map_or(0, mask_of),
            letters: latin
                .as_deref()
                .map_or(String::new(), |q| String::from_utf8_lossy(q).into_owned()),
            steps,
            latin,
            text,
            len,
            strict: false,
            char_slots,
        }
    }

    /// Whether every text holding this `~` word's letters (or characters)
    /// in order also holds `other`'s: this one is a subsequence of it.
    fn within(&self, other: &Word) -> bool {
        match (&self.latin, &other.latin) {
            (Some(a), Some(b)) => subsequence(a, b),
            (None, None) => {
                let mut rest = other.text.chars();
                self.text.chars().all(|c| rest.any(|d| d == c))
            }
            _ => false,
        }
    }

    fn strict(&self) -> Word {
        Word {
            strict: true,
            ..self.clone()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Any,
    Chain,
    Area,
    Status,
    /// `~word`: fzf-style, the letters in order anywhere in a record's own
    /// names (see `NameKeys::fuzzy`).
    Fuzzy,
}

impl Field {
    pub fn prefix(self) -> &'static str {
        match self {
            Field::Any => "",
            Field::Chain => "chain",
            Field::Area => "area",
            Field::Status => "status",
            Field::Fuzzy => "~",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub field: Field,
    pub word: String,
}

/// A parsed query: words, each optionally narrowed by a field prefix.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub terms: Vec<Term>,
}

impl Query {
    pub fn parse(q: &str) -> Query {
        let terms = q
            .split_whitespace()
            .filter_map(|tok| {
                // `~word` (or `～`, as a Chinese input method types it).
                if let Some(word) = tok.strip_prefix('~').or_else(|| tok.strip_prefix('～')) {
                    return (!word.is_empty()).then(|| Term {
                        field: Field::Fuzzy,
                        word: word.to_string(),
                    });
                }
                let (field, word) = match tok.split_once(':').or_else(|| tok.split_once('：')) {
                    Some((f, w)) => match f.to_lowercase().as_str() {
                        "chain" | "c" | "链" => (Field::Chain, w),
                        "area" | "a" | "区" | "区域" => (Field::Area, w),
                        "status" | "s" | "state" | "状态" => (Field::Status, w),
                        _ => (Field::Any, tok),
                    },
                    None => (Field::Any, tok),
                };
                (!word.is_empty()).then(|| Term {
                    field,
                    word: word.to_string(),
                })
            })
            .collect();
        Query { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// At most this many "did you mean" suggestions.
pub const SUGGESTIONS: usize = 5;

/// The names (by index in `names`) closest to `typed`, a name typed in
/// Chinese with a slip of the input method — a character of the same
/// pinyin (人和鹿 for 人和路), a wrong, missing or extra one (金触 for
/// 金融) — best first, at most `SUGGESTIONS`. Characters are compared in
/// order (their longest common sequence): one the same counts 2, one of
/// the same pinyin (tones aside) 1; a name must reach half of what `typed`
/// would score against itself, and come within 1 of the best. Ties go to
/// the name nearest in length.
/// Empty for Latin input (spelling suggestions for ids are
/// `suggest::closest`'s).
pub fn similar_chinese(typed: &str, names: &[&str]) -> Vec<usize> {
    let typed: Vec<char> = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.is_empty() || typed.iter().all(char::is_ascii) {
        return Vec::new();
    }
    let sound = |c: char| c.to_pinyin().map(|p| p.plain());
    let typed_sounds: Vec<Option<&str>> = typed.iter().map(|&c| sound(c)).collect();
    let mut row = Vec::new();
    let mut scored: Vec<(usize, usize, usize)> = names
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            let chars: Vec<char> = name.chars().collect();
            // Longest common sequence, weighted, one row at a time.
            row.clear();
            row.resize(chars.len() + 1, 0usize);
            for (a, &tc) in typed.iter().enumerate() {
                let mut diag = 0;
                for (b, &nc) in chars.iter().enumerate() {
                    let up = row[b + 1];
                    let pair = if tc == nc {
                        2
                    } else if typed_sounds[a].is_some() && typed_sounds[a] == sound(nc) {
                        1
                    } else {
                        0
                    };
                    let best = (diag + pair).max(up).max(row[b]);
                    diag = up;
                    row[b + 1] = best;
                }
            }
            let score = row[chars.len()];
            (score > 0 && score >= typed.len())
                .then(|| (score, chars.len().abs_diff(typed.len()), i))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    // Only those nearly as close as the closest: one slip, not three.
    let best = scored.first().map_or(0, |s| s.0);
    scored
        .into_iter()
        .take_while(|s| s.0 + 1 >= best)
        .take(SUGGESTIONS)
        .map(|(_, _, i)| i)
        .collect()
}

/// A `chain:`, `area:` or `status:` word that names nothing known, with
/// the closest known values to suggest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    pub field: Field,
    pub word: String,
    pub suggestions: Vec<String>,
}

impl UnknownValue {
    /// "unknown status \"foo\" — did you mean `stalled`?"
    pub fn describe(&self) -> String {
        let what = self.field.prefix();
        if self.suggestions.is_empty() {
            format!("unknown {what} \"{}\"", self.word)
        } else {
            let near: Vec<String> = self
                .suggestions
                .iter()
                .map(|s| format!("`{what}:{s}`"))
                .collect();
            format!(
                "unknown {what} \"{}\" — {}",
                self.word,
                super::suggest::did_you_mean(&near)
            )
        }
    }
}

/// A matching record: its index in the tracker, score and highlights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub index: usize,
    pub score: i64,
    /// Char indices to highlight in the Chinese name (or metric); filled
    /// by `highlight_*` for the rows shown.
    pub hl_zh: Vec<usize>,
    /// Char indices to highlight in the English name (or metric).
    pub hl_en: Vec<usize>,
}

#[derive(Debug, Clone)]
struct RecordKeys {
    zh: NameKeys,
    en: NameKeys,
    /// The id and aliases.
    other: Vec<NameKeys>,
    chain: Option<usize>,
    area: Option<usize>,
    /// What all the keys above hold, in brief.
    sig: Sig,
}

impl RecordKeys {
    fn new(
        zh: &str,
        en: &str,
        other: Vec<NameKeys>,
        chain: Option<usize>,
        area: Option<usize>,
    ) -> Self {
        let (zh, en) = (NameKeys::new(zh), NameKeys::new(en));
        let mut sig = Sig::default();
        for k in [&zh, &en].into_iter().chain(&other) {
            sig.mask |= k.mask;
            sig.starts |= k.starts;
            if let Some(&b) = k.joined.as_bytes().first() {
                sig.firsts |= letter_bit(b);
            }
            add_pairs(&mut sig.pairs, k.joined.as_bytes());
            sig.add_chars(&k.lower);
        }
        RecordKeys {
            zh,
            en,
            other,
            chain,
            area,
            sig,
        }
    }
}

/// Chain and area positions by id, for the records' keys.
struct GroupIds<'t> {
    chain: HashMap<&'t str, usize>,
    area: HashMap<&'t str, usize>,
}

impl<'t> GroupIds<'t> {
    fn of(t: &'t Tracker) -> Self {
        GroupIds {
            chain: t
                .chains
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.as_str(), i))
                .collect(),
            area: t
                .areas
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.as_str(), i))
                .collect(),
        }
    }

    fn of_project(&self, p: &Project) -> (Option<usize>, Option<usize>) {
        (
            self.chain.get(p.chain.as_str()).copied(),
            p.area.as_deref().and_then(|a| self.area.get(a).copied()),
        )
    }

    fn project_keys(&self, p: &Project) -> RecordKeys {
        let (chain, area) = self.of_project(p);
        RecordKeys::new(
            &p.name_zh,
            &p.name_en,
            std::iter::once(&p.id)
                .chain(&p.aliases)
                .map(|s| NameKeys::new(s))
                .collect(),
            chain,
            area,
        )
    }

    fn target_keys(&self, x: &Target) -> RecordKeys {
        RecordKeys::new(
            &x.metric_zh,
            &x.metric_en,
            vec![NameKeys::new(&x.id)],
            self.chain.get(x.chain.as_str()).copied(),
            x.area.as_deref().and_then(|a| self.area.get(a).copied()),
        )
    }
}

/// What a record's keys hold, in brief: the letters present, the letters
/// starting a token, and the adjacent letter pairs (hashed). Enough to
/// rule out most records for a word without reading (or building) keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Sig {
    mask: u64,
    starts: u64,
    /// The letters that begin a name (its first token).
    firsts: u64,
    pairs: [u64; 4],
    /// The characters of the names that are not plain ASCII, lower-cased
    /// (what a word typed in Chinese is matched against), hashed to 256
    /// slots.
    chars: [u64; 4],
}

/// Which parts of a `Sig` a query needs: the letters (for Latin words,
/// which costs the pinyin of every Chinese character) and the characters
/// (for words in Chinese).
#[derive(Debug, Clone, Copy)]
struct Need {
    letters: bool,
    chars: bool,
}

impl Need {
    #[cfg(test)]
    const ALL: Need = Need {
        letters: true,
        chars: true,
    };

    fn of(words: &[Word]) -> Need {
        Need {
            letters: words.iter().any(|w| w.latin.is_some()),
            chars: words.iter().any(|w| w.latin.is_none()),
        }
    }
}

/// A character's slot in `Sig::chars`.
fn char_slot(c: char) -> usize {
    ((c as u32).wrapping_mul(0x9E37_79B1) >> 24) as usize
}

impl Sig {
    /// Adds what `NameKeys::new(text)` would hold, computed the same way
    /// (the same tokens, the same bytes) without building it.
    fn add_text(&mut self, text: &str, need: Need) {
        if need.chars && !text.is_ascii() {
            // As `str::to_lowercase` (what the keys hold), without building
            // the string; only a capital sigma lower-cases by its context.
            if text.contains('Σ') {
                self.add_chars(&text.to_lowercase());
            } else {
                text.chars()
                    .flat_map(char::to_lowercase)
                    .for_each(|c| self.add_char(c));
            }
        }
        if !need.letters {
            return;
        }
        let mut prev: Option<u8> = None;
        let mut push = |sig: &mut Sig, b: u8, start: bool| {
            let bit = letter_bit(b);
            sig.mask |= bit;
            if start {
                sig.starts |= bit;
            }
            if prev.is_none() {
                sig.firsts |= bit; // the name's first byte
            }
            if let Some(a) = prev {
                let slot = pair_slot(a, b);
                sig.pairs[slot / 64] |= 1 << (slot % 64);
            }
            prev = Some(b);
        };
        let mut in_word = false;
        for ch in text.chars() {
            if ch.is_ascii_alphanumeric() {
                push(self, ch.to_ascii_lowercase() as u8, !in_word);
                in_word = true;
                continue;
            }
            in_word = false;
            if let Some(py) = ch.to_pinyin() {
                let mut first = true;
                for c in py.plain().chars() {
                    let c = if c == 'ü' { 'v' } else { c };
                    let mut buf = [0u8; 4];
                    for &b in c.encode_utf8(&mut buf).as_bytes() {
                        push(self, b, first);
                        first = false;
                    }
                }
            }
        }
    }

    /// Adds the characters of `lower`, a name lower-cased.
    fn add_chars(&mut self, lower: &str) {
        lower.chars().for_each(|c| self.add_char(c));
    }

    fn add_char(&mut self, c: char) {
        let slot = char_slot(c);
        self.chars[slot / 64] |= 1 << (slot % 64);
    }

    /// What skim scores a `~` word of one Latin letter (or digit) `c`
    /// against the best of the keys summed up here, when `w` is one:
    /// `Some(None)` when no key holds it. fuzzy-matcher's skim matcher
    /// (`SkimMatcherV2`, smart case, a lower-case pattern) scores one
    /// letter at the best place it occurs: 16 for the match, -1 for the gap
    /// before it (row 0 of its matrix), plus the bonus of the place: 8 at
    /// a word's start (after a space, as `NameKeys::fuzzy` writes the
    /// tokens apart), twice that at the text's first character, 0 inside a
    /// word (our tokens are lower-case letters and digits: no camel case,
    /// no other separators). So 31 where a name begins with `c`, 23 where a
    /// token does, 15 where `c` is only inside tokens: read from the
    /// letters summed up here, without running skim on any name
    /// (`a_one_letter_fuzzy_word_scores_as_skim` checks it against skim).
    fn skim_letter(&self, w: &Word) -> Option<Option<i32>> {
        let q = w.latin.as_deref()?;
        if q.len() != 1 {
            return None;
        }
        let bit = letter_bit(q[0]);
        Some(if self.firsts & bit != 0 {
            Some(31)
        } else if self.starts & bit != 0 {
            Some(23)
        } else if self.mask & bit != 0 {
            Some(15)
        } else {
            None
        })
    }

    /// Whether some word beginning with `w` could match one of the keys
    /// summed up here (`NameKeys::could_begin`): as `may_match`, without
    /// asking a short word's first letter to start a token (a longer word
    /// may be a run inside one). A necessary condition only.
    fn may_begin(&self, w: &Word) -> bool {
        w.mask & !self.mask == 0
            && w.steps.iter().all(|&(bit, slot)| {
                self.pairs[slot / 64] & (1 << (slot % 64)) != 0 || self.starts & bit != 0
            })
    }

    /// Whether a `~word` can match one of the keys summed up here: every
    /// letter (or character) of it is present somewhere. Necessary only.
    fn may_match_fuzzy(&self, w: &Word) -> bool {
        match &w.latin {
            Some(_) => w.mask & !self.mask == 0,
            None => w
                .char_slots
                .iter()
                .all(|&slot| self.chars[slot / 64] & (1 << (slot % 64)) != 0),
        }
    }

    /// Whether a word can match one of the keys summed up here. A word in
    /// Chinese: each of its characters is in a name.
    /// A Latin word:
    /// every letter is present; the first starts a token (or the word is
    /// long enough to be a run inside one); and each further letter either
    /// follows the one before it somewhere (same piece or run) or starts a
    /// token (a new piece). A necessary condition, never a sufficient one.
    fn may_match(&self, w: &Word) -> bool {
        let Some(q) = &w.latin else {
            return w
                .char_slots
                .iter()
                .all(|&slot| self.chars[slot / 64] & (1 << (slot % 64)) != 0);
        };
        if w.mask & !self.mask != 0 {
            return false;
        }
        if q.len() < 3 && q.first().is_some_and(|&c| self.starts & letter_bit(c) == 0) {
            return false;
        }
        w.steps.iter().all(|&(bit, slot)| {
            self.pairs[slot / 64] & (1 << (slot % 64)) != 0 || self.starts & bit != 0
        })
    }
}

/// A chain's or area's names, with its id for exact selection.
#[derive(Debug, Clone)]
struct Group {
    id: String,
    /// The Chinese name, to suggest for a word typed in Chinese.
    zh: String,
    keys: Vec<NameKeys>,
}

impl Group {
    fn new(id: &str, zh: &str, en: &str, aliases: &[String]) -> Self {
        let mut keys = vec![NameKeys::new(zh), NameKeys::new(en), NameKeys::new(id)];
        keys.extend(aliases.iter().map(|a| NameKeys::new(a)));
        Group {
            id: id.to_string(),
            zh: zh.to_string(),
            keys,
        }
    }

    fn score(&self, w: &Word) -> Option<i32> {
        self.keys.iter().filter_map(|k| k.score(w)).max()
    }
}

/// The labels a `status:` word is matched against.
#[derive(Debug, Clone)]
struct Labels {
    id: &'static str,
    zh: &'static str,
    keys: [NameKeys; 3],
}

impl Labels {
    fn new(id: &'static str, zh: &'static str, en: &'static str) -> Self {
        Labels {
            id,
            zh,
            keys: [NameKeys::new(id), NameKeys::new(zh), NameKeys::new(en)],
        }
    }

    fn score(&self, w: &Word) -> Option<i32> {
        self.keys.iter().filter_map(|k| k.score(w)).max()
    }
}

/// Search keys for a whole tracker, computed once at load.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    chains: Vec<Group>,
    areas: Vec<Group>,
    projects: Vec<RecordKeys>,
    targets: Vec<RecordKeys>,
    statuses: Vec<Labels>,
    states: Vec<Labels>,
    /// The records of each chain and area (for `Recent`).
    project_members: Members,
    target_members: Members,
    /// Recent passes and their hits.
    recent: Recent,
}

/// Recent passes, with their hits, so that the pass of the next query
/// typed reads as few records as it can.
///
/// A whole pass over 100,000 records costs tens of milliseconds; but a
/// query is typed a letter at a time, and each pass can start from one
/// before it when that is sound:
///
/// - the same query again (a letter deleted back to it): its hits as they
///   are;
/// - terms added, or a `~` word grown (`Word::within`): a record that
///   matches the new query matches the old one too, so only the old hits
///   are scored (a text holding `renh` in order also holds `ren`);
/// - a bare word grown a letter: the old hits are no safe start (`abc`
///   may match a run inside a word that `ab`, too short for a run, does
///   not; a longer piece may skip tokens that a lone letter may not), but
///   the records whose names could match *some* word beginning with the
///   old one are (`NameKeys::could_begin`): each pass whose last term is a
///   bare Latin word keeps them (`Pass::begun`), and the next word begun
///   the same way is scored on those, and on the records of the chains
///   and areas it matches (their names count for a record's score).
///
/// Only queries without `status:` words are kept: every other term reads
/// nothing but the keys and the chains' and areas' names, which a
/// `SearchIndex` never changes (it is built anew when records change; a
/// method that changed them in place would have to clear this).
#[derive(Debug, Default)]
struct Recent(std::sync::Mutex<std::collections::VecDeque<Pass>>);

#[derive(Debug)]
struct Pass {
    targets: bool,
    terms: Vec<Term>,
    words: Vec<Word>,
    /// (record, score), best first.
    hits: Vec<(u32, i64)>,
    /// When the last term is a bare Latin word: in index order, every
    /// record that matches the other terms and whose own names could match
    /// a word beginning with it.
    begun: Option<Vec<u32>>,
    /// For a query of one `~` word typed a letter at a time (from a word of
    /// one letter): in index order, each hit with its peak, a bound on what
    /// it scored for every word the word begins with (`peak_bound`).
    peaks: Option<Vec<(u32, i64)>>,
}

/// What one more letter of a `~` word adds at most to skim's score of a
/// name, over the best it scored for any word the shorter one begins with.
///
/// fuzzy-matcher's skim matcher fills one row of its matrix per letter of
/// the pattern; a cell that matches scores 16 plus the better of the cell
/// before it in the row above plus a consecutive bonus, or that row's best
/// skip plus the place's bonus. Past the text's first character (whose
/// bonus is doubled, and which only the first letter can match) no bonus
/// exceeds 8 (a word start), and skips only cost; so each row's best is at
/// most 24 above the best of the rows before it. (It reuses two physical
/// rows, so a row may start from a cell of the row two above: hence the
/// best of all rows before, not only the last.) The first letter scores at
/// most 31 (`Sig::skim_letter`). `a_grown_fuzzy_word_scores_within_its_bound`
/// checks this against skim, one matcher reused as a pass does.
const GROWN_LETTER: i64 = 24;

/// How many letters (or characters) the lone `~` word `q` adds at its end
/// to `p`, when it does: the same kind of word, `p`'s letters first.
fn fuzzy_grown(p: &Word, q: &Word) -> Option<usize> {
    let d = match (&p.latin, &q.latin) {
        (Some(a), Some(b)) => b.starts_with(a).then(|| b.len() - a.len()),
        (None, None) => q
            .text
            .starts_with(p.text.as_str())
            .then(|| q.text.chars().count() - p.text.chars().count()),
        _ => None,
    }?;
    (d > 0).then_some(d)
}

/// Whether a query is one `~` word.
fn lone_fuzzy(terms: &[Term]) -> bool {
    terms.len() == 1 && terms[0].field == Field::Fuzzy
}

/// Passes kept: a word typed and deleted again.
const RECENT_PASSES: usize = 12;

/// Below this many records to rank, a page is not worth it
/// (`SearchIndex::search_projects_page`): a whole pass is as quick.
const PAGE_FROM: usize = 4 * par::CHUNK;

impl Clone for Recent {
    fn clone(&self) -> Self {
        Recent::default()
    }
}

/// Where a pass starts (`Recent::start`).
enum Start {
    /// The same query: its hits.
    Same(Vec<Hit>),
    /// Only these records (in index order) can match, and, when `grown`
    /// names a term, those of the chains and areas matching that term.
    /// `begun_ok`: the records kept for the last word of the new query
    /// (`Pass::begun`) are all there are among them.
    Among {
        records: Vec<u32>,
        grown: Option<usize>,
        begun_ok: bool,
        /// For a lone `~` word grown by `d` letters from a pass with peaks:
        /// each record's peak there (as `records`), and `d`.
        peaks: Option<(Vec<i64>, usize)>,
    },
    All,
}

/// The records of each chain and area, by position, for one list.
#[derive(Debug, Clone, Default)]
struct Members {
    chain: Vec<Vec<u32>>,
    area: Vec<Vec<u32>>,
}

impl Members {
    fn of(records: &[RecordKeys], chains: usize, areas: usize) -> Members {
        let mut m = Members {
            chain: vec![Vec::new(); chains],
            area: vec![Vec::new(); areas],
        };
        for (i, r) in records.iter().enumerate() {
            if let Some(list) = r.chain.and_then(|c| m.chain.get_mut(c)) {
                list.push(i as u32);
            }
            if let Some(list) = r.area.and_then(|a| m.area.get_mut(a)) {
                list.push(i as u32);
            }
        }
        m
    }
}

/// Whether every record matching term `q` (word `qw`) matches term `p`
/// (word `pw`): the same term, or a `~` word holding `p`'s in order.
fn implies(p: &Term, pw: &Word, q: &Term, qw: &Word) -> bool {
    p.field == q.field && (p.word == q.word || p.field == Field::Fuzzy && pw.within(qw))
}

/// Whether bare word `qw` begins with bare word `pw` (Latin letters).
fn begins(p: &Term, pw: &Word, q: &Term, qw: &Word) -> bool {
    p.field == Field::Any
        && q.field == Field::Any
        && matches!((&pw.latin, &qw.latin), (Some(a), Some(b)) if b.starts_with(a))
}

/// The term whose records a pass keeps (`Pass::begun`): the last, when
/// it is a bare Latin word.
fn tracked(terms: &[Term], words: &[Word]) -> Option<usize> {
    let last = terms.len().checked_sub(1)?;
    (terms[last].field == Field::Any && words[last].latin.is_some()).then_some(last)
}

impl Recent {
    /// Whether a query's pass may be kept (see the type's comment).
    fn keeps(terms: &[Term]) -> bool {
        !terms.is_empty() && terms.iter().all(|t| t.field != Field::Status)
    }

    /// Where the pass of `terms` starts: the fewest records a recent pass
    /// leaves possible (see the type's comment).
    fn start(&self, targets: bool, terms: &[Term], words: &[Word]) -> Start {
        let Ok(passes) = self.0.lock() else {
            return Start::All;
        };
        let track = tracked(terms, words);
        // The smallest start found: (records, the pass, the term grown
        // when they are its `begun`, whether `begun` stays complete).
        let mut best: Option<(usize, &Pass, Option<usize>, bool)> = None;
        for p in passes.iter().filter(|p| p.targets == targets) {
            let n = p.terms.len();
            if n > terms.len() {
                continue;
            }
            if p.terms == terms {
                return Start::Same(
                    p.hits
                        .iter()
                        .map(|&(index, score)| Hit {
                            index: index as usize,
                            score,
                            hl_zh: Vec::new(),
                            hl_en: Vec::new(),
                        })
                        .collect(),
                );
            }
            let mut offer = |len: usize, grown: Option<usize>, ok: bool| {
                if best.is_none_or(|b| len < b.0) {
                    best = Some((len, p, grown, ok));
                }
            };
            let implied = |i: usize| implies(&p.terms[i], &p.words[i], &terms[i], &words[i]);
            if (0..n).all(implied) {
                // Every term of p holds for every match: p's hits. Records
                // of a last word that p lacked are among them.
                offer(p.hits.len(), None, track.is_some_and(|t| t >= n));
            }
            let last = n - 1;
            if let Some(begun) = &p.begun {
                if (0..last).all(implied)
                    && begins(&p.terms[last], &p.words[last], &terms[last], &words[last])
                {
                    offer(
                        begun.len(),
                        Some(last),
                        track.is_some_and(|t| t == last || t >= n),
                    );
                }
            }
        }
        let Some((_, p, grown, begun_ok)) = best else {
            return Start::All;
        };
        let mut peaks = None;
        let records = match (grown, &p.begun, &p.peaks) {
            (Some(_), Some(begun), _) => begun.clone(),
            (None, _, Some(pk)) => {
                // In index order already; a lone `~` word grown from this
                // one keeps a bound of every word it begins with.
                if let Some(d) = (lone_fuzzy(&p.terms) && lone_fuzzy(terms))
                    .then(|| fuzzy_grown(&p.words[0], &words[0]))
                    .flatten()
                {
                    peaks = Some((pk.iter().map(|x| x.1).collect(), d));
                }
                pk.iter().map(|x| x.0).collect()
            }
            _ => {
                let mut c: Vec<u32> = p.hits.iter().map(|h| h.0).collect();
                c.sort_unstable();
                c
            }
        };
        Start::Among {
            records,
            grown,
            begun_ok,
            peaks,
        }
    }

    /// For a lone `~` word: the nearest kept pass of a word it grows
    /// (`fuzzy_grown`) that has peaks, as (record, peak) in index order,
    /// and the letters added; none when the same query is kept.
    fn grown_from(
        &self,
        targets: bool,
        terms: &[Term],
        words: &[Word],
    ) -> Option<(Vec<(u32, i64)>, usize)> {
        if !lone_fuzzy(terms) {
            return None;
        }
        let passes = self.0.lock().ok()?;
        let mine = passes.iter().filter(|p| p.targets == targets);
        if mine.clone().any(|p| p.terms == terms) {
            return None;
        }
        mine.filter(|p| lone_fuzzy(&p.terms))
            .filter_map(|p| Some((p.peaks.as_ref()?, fuzzy_grown(&p.words[0], &words[0])?)))
            .min_by_key(|(pk, d)| (*d, pk.len()))
            .map(|(pk, d)| (pk.clone(), d))
    }

    fn store(
        &self,
        targets: bool,
        terms: &[Term],
        words: &[Word],
        hits: &[Hit],
        begun: Option<Vec<u32>>,
        peaks: Option<Vec<(u32, i64)>>,
    ) {
        if let Ok(mut passes) = self.0.lock() {
            if passes.len() == RECENT_PASSES {
                passes.pop_front();
            }
            passes.push_back(Pass {
                targets,
                terms: terms.to_vec(),
                words: words.to_vec(),
                hits: hits.iter().map(|h| (h.index as u32, h.score)).collect(),
                begun,
                peaks,
            });
        }
    }
}

impl SearchIndex {
    pub fn build(t: &Tracker) -> Self {
        Self::build_until(t, true, &mut || false).unwrap_or_default()
    }

    /// `build`, asking `stop` between chunks of records whether it is still
    /// wanted (`None` when it said stop); `with_targets: false` leaves the
    /// goals out.
    pub fn build_until(
        t: &Tracker,
        with_targets: bool,
        stop: &mut dyn FnMut() -> bool,
    ) -> Option<Self> {
        let ids = GroupIds::of(t);
        let project_keys = |p: &Project| ids.project_keys(p);
        let target_keys = |x: &Target| ids.target_keys(x);
        let projects = par::map_until(&t.projects, project_keys, stop)?;
        let targets = if with_targets {
            par::map_until(&t.targets, target_keys, stop)?
        } else {
            Vec::new()
        };
        let (chains, areas) = (t.chains.len(), t.areas.len());
        Some(SearchIndex {
            project_members: Members::of(&projects, chains, areas),
            target_members: Members::of(&targets, chains, areas),
            projects,
            targets,
            ..SearchIndex::groups(t)
        })
    }

    /// The chains, areas and labels only, without any record's keys: for
    /// a caller that resolves a chain or area name, or searches once
    /// (`search_projects_once`).
    pub fn groups(t: &Tracker) -> Self {
        SearchIndex {
            chains: t
                .chains
                .iter()
                .map(|c| Group::new(&c.id, &c.name_zh, &c.name_en, &c.aliases))
                .collect(),
            areas: t
                .areas
                .iter()
                .map(|a| Group::new(&a.id, &a.name_zh, &a.name_en, &a.aliases))
                .collect(),
            projects: Vec::new(),
            targets: Vec::new(),
            statuses: Status::ALL
                .iter()
                .map(|s| Labels::new(s.id(), s.label_zh(), s.label_en()))
                .collect(),
            states: ProgressState::ALL
                .iter()
                .map(|s| Labels::new(s.id(), s.label_zh(), s.label_en()))
                .collect(),
            project_members: Members::default(),
            target_members: Members::default(),
            recent: Recent::default(),
        }
    }

    /// Projects matching `q`, best first, for a caller that searches once
    /// (the command line): no index is kept, and a record's keys are built
    /// only when the letters of its names leave a match possible.
    pub fn search_projects_once(t: &Tracker, q: &Query) -> Vec<Hit> {
        if q.is_empty() {
            return every(t.projects.len());
        }
        let ix = SearchIndex::groups(t);
        let ids = GroupIds::of(t);
        let ctx = Context::new(&ix, q);
        let need = Need::of(&ctx.words);
        let status: Vec<Vec<Option<i32>>> = ctx.labels(&ix.statuses);
        let status_of = |i: usize, ti: usize| {
            let s = t.projects.get(i)?.status;
            let pos = Status::ALL.iter().position(|x| *x == s)?;
            status[ti][pos]
        };
        let score = |i: usize| -> Option<Hit> {
            let p = t.projects.get(i)?;
            let (chain, area) = ids.of_project(p);
            let mut sig = Sig::default();
            for text in [&p.name_zh, &p.name_en, &p.id]
                .into_iter()
                .chain(&p.aliases)
            {
                sig.add_text(text, need);
            }
            if ctx.hopeless(&sig, chain, area) {
                return None;
            }
            ctx.hit(&ids.project_keys(p), i, &status_of)
        };
        let mut hits = score_all(t.projects.len(), &score, &mut || false).unwrap_or_default();
        hits.sort_unstable_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
        hits
    }

    /// Goals matching `q` (`states[i]` is goal `i`'s state), best first,
    /// for a caller that searches once: as `search_projects_once`.
    pub fn search_targets_once(t: &Tracker, q: &Query, states: &[ProgressState]) -> Vec<Hit> {
        if q.is_empty() {
            return every(t.targets.len());
        }
        let ix = SearchIndex::groups(t);
        let ids = GroupIds::of(t);
        let ctx = Context::new(&ix, q);
        let need = Need::of(&ctx.words);
        let scores = ctx.labels(&ix.states);
        let state_of = |i: usize, ti: usize| {
            let s = states.get(i).copied().unwrap_or(ProgressState::NoData);
            let pos = ProgressState::ALL.iter().position(|x| *x == s)?;
            scores[ti][pos]
        };
        let score = |i: usize| -> Option<Hit> {
            let x = t.targets.get(i)?;
            let chain = ids.chain.get(x.chain.as_str()).copied();
            let area = x.area.as_deref().and_then(|a| ids.area.get(a).copied());
            let mut sig = Sig::default();
            for text in [&x.metric_zh, &x.metric_en, &x.id] {
                sig.add_text(text, need);
            }
            if ctx.hopeless(&sig, chain, area) {
                return None;
            }
            ctx.hit(&ids.target_keys(x), i, &state_of)
        };
        let mut hits = score_all(t.targets.len(), &score, &mut || false).unwrap_or_default();
        hits.sort_unstable_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
        hits
    }

    /// Forgets the recent passes (`Recent`): the next search of any query
    /// is a whole pass, as on an index that has seen no query (for
    /// measuring one).
    pub fn forget_passes(&self) {
        if let Ok(mut passes) = self.recent.0.lock() {
            passes.clear();
        }
    }

    /// Whether a full index (`build`) has keys for exactly the records of
    /// `t`: after records came or went it must be built again.
    pub fn covers(&self, t: &Tracker) -> bool {
        self.projects.len() == t.projects.len() && self.targets.len() == t.targets.len()
    }

    /// Chains (by index) matching `q` as a free query, best first; all when empty.
    pub fn filter_chains(&self, q: &str) -> Vec<usize> {
        filter_groups(&self.chains, q)
    }

    pub fn filter_areas(&self, q: &str) -> Vec<usize> {
        filter_groups(&self.areas, q)
    }

    /// Projects matching `q`, best first (in file order for an empty
    /// query), with highlights.
    pub fn filter_projects(&self, t: &Tracker, q: &Query) -> Vec<Hit> {
        let mut hits = self.search_projects(t, q);
        self.highlight_projects(q, &mut hits);
        hits
    }

    /// Projects matching `q`, scored but without highlights. A pass starts
    /// from the recent ones where that is sound (`Recent`).
    pub fn search_projects(&self, t: &Tracker, q: &Query) -> Vec<Hit> {
        self.search_projects_until(t, q, &mut || false)
            .unwrap_or_default()
    }

    /// `search_projects`, asking `stop` between chunks of records whether
    /// the pass is still wanted: `None` when it said stop.
    pub fn search_projects_until(
        &self,
        t: &Tracker,
        q: &Query,
        stop: &mut dyn FnMut() -> bool,
    ) -> Option<Vec<Hit>> {
        if q.is_empty() {
            return Some(every(t.projects.len()));
        }
        let ctx = Context::new(self, q);
        let status: Vec<Vec<Option<i32>>> = ctx.labels(&self.statuses);
        let status_of = |i: usize, ti: usize| {
            let s = t.projects.get(i)?.status;
            let pos = Status::ALL.iter().position(|x| *x == s)?;
            status[ti][pos]
        };
        let members = &self.project_members;
        self.narrowed(false, q, &self.projects, members, &ctx, status_of, stop)
    }

    /// `search_projects_until` for a screen that shows the first `rows`
    /// hits and their count: for a lone `~` word typed one letter further
    /// (at 100,000 projects, `~re` or `~renh` hold tens of thousands of
    /// records, and skim on each is a whole pass), the hits come with only
    /// their first `rows` ranked (`ranked_page`); `true` when all are
    /// ranked, exactly as `search_projects_until` gives them. Otherwise
    /// `search_projects_until`.
    pub fn search_projects_page(
        &self,
        t: &Tracker,
        q: &Query,
        rows: usize,
        stop: &mut dyn FnMut() -> bool,
    ) -> Option<(Vec<Hit>, bool)> {
        if let Some(from) = self.worth_a_page(false, q, rows) {
            let ctx = Context::new(self, q);
            let no_status = |_: usize, _: usize| None;
            return self.ranked_page(false, q, &self.projects, &ctx, no_status, from, rows, stop);
        }
        Some((self.search_projects_until(t, q, stop)?, true))
    }

    /// `search_targets_until` as `search_projects_page`.
    pub fn search_targets_page(
        &self,
        q: &Query,
        states: &[ProgressState],
        rows: usize,
        stop: &mut dyn FnMut() -> bool,
    ) -> Option<(Vec<Hit>, bool)> {
        if let Some(from) = self.worth_a_page(true, q, rows) {
            let ctx = Context::new(self, q);
            let no_status = |_: usize, _: usize| None;
            return self.ranked_page(true, q, &self.targets, &ctx, no_status, from, rows, stop);
        }
        Some((self.search_targets_until(q, states, stop)?, true))
    }

    /// The kept pass a page of `rows` starts from (`Recent::grown_from`),
    /// when the records it leaves are many: a few thousand are ranked
    /// whole in less time than a frame.
    fn worth_a_page(
        &self,
        targets: bool,
        q: &Query,
        rows: usize,
    ) -> Option<(Vec<(u32, i64)>, usize)> {
        if rows == 0 || !lone_fuzzy(&q.terms) {
            return None;
        }
        let words = [Word::new(&q.terms[0].word)];
        let from = self.recent.grown_from(targets, &q.terms, &words)?;
        (from.0.len() >= PAGE_FROM).then_some(from)
    }

    /// `rank`, through `Recent`: the hits of the same query again, or
    /// only the records a recent pass leaves possible; the pass is kept.
    #[allow(clippy::too_many_arguments)]
    fn narrowed(
        &self,
        targets: bool,
        q: &Query,
        records: &[RecordKeys],
        members: &Members,
        ctx: &Context,
        status: impl Fn(usize, usize) -> Option<i32> + Sync,
        stop: &mut dyn FnMut() -> bool,
    ) -> Option<Vec<Hit>> {
        let mut before: Option<(Vec<i64>, usize)> = None;
        let (among, begun_ok) = match self.recent.start(targets, &q.terms, &ctx.words) {
            Start::Same(hits) => return Some(hits),
            Start::All => (None, true),
            Start::Among {
                mut records,
                grown,
                begun_ok,
                peaks,
            } => {
                before = peaks;
                // A grown bare word also counts its chains' and areas' names.
                if let Some(ti) = grown.filter(|&ti| ctx.any_group[ti]) {
                    let of = |scores: &[Option<i32>], lists: &[Vec<u32>]| {
                        (scores.iter().zip(lists))
                            .filter(|(s, _)| s.is_some())
                            .flat_map(|(_, l)| l.iter().copied())
                            .collect::<Vec<u32>>()
                    };
                    records.extend(of(&ctx.chain[ti], &members.chain));
                    records.extend(of(&ctx.area[ti], &members.area));
                    records.sort_unstable();
                    records.dedup();
                }
                (Some(records), begun_ok)
            }
        };
        let track = tracked(&q.terms, &ctx.words).filter(|_| begun_ok);
        // Peaks (`Pass::peaks`): a lone `~` word of one letter starts them,
        // a word grown from one with peaks carries them on.
        let first_letter = lone_fuzzy(&q.terms) && ctx.words[0].len == 1;
        let carry = |k: usize| -> Option<i64> {
            let (pk, d) = before.as_ref()?;
            Some(pk.get(k)? + GROWN_LETTER * (*d as i64 - 1))
        };
        let found = |i: usize, before: Option<i64>, out: &mut Vec<Found>| {
            let Some(r) = records.get(i) else {
                return;
            };
            let (hit, begun) = ctx.hit_tracking(r, i, &status, track);
            if hit.is_some() || begun {
                let score = hit.map(|h| h.score);
                out.push(Found {
                    index: i as u32,
                    score,
                    begun,
                    peak: score.map(|s| before.map_or(s, |b| b.max(s))),
                });
            }
        };
        let all = match &among {
            None => {
                let each = |range: std::ops::Range<usize>, out: &mut Vec<Found>| {
                    range.for_each(|i| found(i, None, out))
                };
                par::map_chunks(records.len(), &each, stop)?
            }
            Some(list) => {
                let each = |range: std::ops::Range<usize>, out: &mut Vec<Found>| {
                    for k in range {
                        found(list[k] as usize, carry(k), out)
                    }
                };
                par::map_chunks(list.len(), &each, stop)?
            }
        };
        let mut hits: Vec<Hit> = all
            .iter()
            .filter_map(|f| {
                Some(Hit {
                    index: f.index as usize,
                    score: f.score?,
                    hl_zh: Vec::new(),
                    hl_en: Vec::new(),
                })
            })
            .collect();
        hits.sort_unstable_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
        if Recent::keeps(&q.terms) {
            let begun = track.map(|_| all.iter().filter(|f| f.begun).map(|f| f.index).collect());
            let peaks = (first_letter || before.is_some()).then(|| {
                all.iter()
                    .filter_map(|f| Some((f.index, f.peak?)))
                    .collect()
            });
            self.recent
                .store(targets, &q.terms, &ctx.words, &hits, begun, peaks);
        }
        Some(hits)
    }

    /// For a lone `~` word grown from a kept pass with peaks (`from`: the
    /// records and peaks of `Recent::grown_from`, and the letters added):
    /// every hit, the first `rows` of them exactly as a whole pass ranks
    /// them, the rest in no set order; and whether all are ranked (then
    /// the hits are exactly a whole pass's). `None` when `stop` said stop.
    ///
    /// Which records hold the word is cheap to know (its letters in order
    /// in a name, or a chain's or area's name matching); skim's score is
    /// not. No record scores more than its peak plus `GROWN_LETTER` per
    /// letter added (or its chain's or area's score, known exactly): the
    /// records are scored from the highest bound down, until the bound of
    /// the next is below the score of the `rows`-th best found.
    #[allow(clippy::too_many_arguments)]
    fn ranked_page(
        &self,
        targets: bool,
        q: &Query,
        records: &[RecordKeys],
        ctx: &Context,
        status: impl Fn(usize, usize) -> Option<i32> + Sync,
        (from, d): (Vec<(u32, i64)>, usize),
        rows: usize,
        stop: &mut dyn FnMut() -> bool,
    ) -> Option<(Vec<Hit>, bool)> {
        let w = &ctx.words[0];
        let grow = GROWN_LETTER * d as i64;
        // Every hit, with its bound and its peak before.
        let each = |range: std::ops::Range<usize>, out: &mut Vec<(u32, i64, i64)>| {
            for &(i, peak) in &from[range] {
                let Some(r) = records.get(i as usize) else {
                    continue;
                };
                let own = (r.sig.may_match_fuzzy(w)
                    && [&r.zh, &r.en]
                        .into_iter()
                        .chain(&r.other)
                        .any(|k| k.holds_in_order(w)))
                .then_some(peak + grow);
                let group = ctx.group(0, r.chain, r.area).map(i64::from);
                if let Some(bound) = own.max(group) {
                    out.push((i, bound, peak));
                }
            }
        };
        let mut order = par::map_chunks(from.len(), &each, stop)?;
        let total = order.len();
        // Scored from the highest bound down, a batch at a time.
        let by_bound = |a: &(u32, i64, i64), b: &(u32, i64, i64)| b.1.cmp(&a.1);
        let mut scored: Vec<Hit> = Vec::new();
        // The peak before of each record scored, in the same order.
        let mut before: Vec<i64> = Vec::new();
        let mut start = 0;
        let mut batch = rows.max(1024);
        // The best `rows` scores so far, the lowest on top.
        let mut best = std::collections::BinaryHeap::with_capacity(rows + 1);
        let mut cut = total;
        'batches: while start < total {
            if stop() {
                return None;
            }
            let end = (start + batch).min(total);
            order[start..].select_nth_unstable_by(end - start - 1, by_bound);
            order[start..end].sort_unstable_by(by_bound);
            for (j, &(i, bound, peak)) in order.iter().enumerate().take(end).skip(start) {
                // The `rows`-th best score: no record left can reach it.
                if best.len() == rows && best.peek().is_some_and(|&std::cmp::Reverse(k)| bound < k)
                {
                    cut = j;
                    break 'batches;
                }
                if let Some(h) = records
                    .get(i as usize)
                    .and_then(|r| ctx.hit(r, i as usize, &status))
                {
                    best.push(std::cmp::Reverse(h.score));
                    if best.len() > rows {
                        best.pop();
                    }
                    scored.push(h);
                    before.push(peak);
                }
            }
            start = end;
            batch *= 2;
        }
        let rank = |a: &Hit, b: &Hit| b.score.cmp(&a.score).then(a.index.cmp(&b.index));
        if cut == total {
            // Every hit scored: exactly a whole pass; kept, with its peaks.
            let carry = GROWN_LETTER * (d as i64 - 1);
            let mut peaks: Vec<(u32, i64)> = (scored.iter().zip(&before))
                .map(|(h, b)| (h.index as u32, h.score.max(b + carry)))
                .collect();
            peaks.sort_unstable();
            scored.sort_unstable_by(rank);
            self.recent
                .store(targets, &q.terms, &ctx.words, &scored, None, Some(peaks));
            return Some((scored, true));
        }
        // The first rows are final; the rest follow, scored or not.
        scored.sort_unstable_by(rank);
        let rest = scored.split_off(rows.min(scored.len()));
        scored.extend(rest);
        scored.extend(order[cut..].iter().map(|&(i, bound, _)| Hit {
            index: i as usize,
            score: bound,
            hl_zh: Vec::new(),
            hl_en: Vec::new(),
        }));
        Some((scored, false))
    }

    /// Fills the highlights of `hits` (only the rows about to be shown
    /// need them).
    pub fn highlight_projects(&self, q: &Query, hits: &mut [Hit]) {
        highlight(&self.projects, q, hits);
    }

    /// `states[i]` is the progress state of target `i` today.
    pub fn filter_targets(&self, q: &Query, states: &[ProgressState]) -> Vec<Hit> {
        let mut hits = self.search_targets(q, states);
        self.highlight_targets(q, &mut hits);
        hits
    }

    pub fn search_targets(&self, q: &Query, states: &[ProgressState]) -> Vec<Hit> {
        self.search_targets_until(q, states, &mut || false)
            .unwrap_or_default()
    }

    /// `search_targets` with a `stop` check, as `search_projects_until`.
    pub fn search_targets_until(
        &self,
        q: &Query,
        states: &[ProgressState],
        stop: &mut dyn FnMut() -> bool,
    ) -> Option<Vec<Hit>> {
        if q.is_empty() {
            return Some(every(states.len()));
        }
        let ctx = Context::new(self, q);
        let scores = ctx.labels(&self.states);
        let state_of = |i: usize, ti: usize| {
            let s = states.get(i).copied().unwrap_or(ProgressState::NoData);
            let pos = ProgressState::ALL.iter().position(|x| *x == s)?;
            scores[ti][pos]
        };
        let members = &self.target_members;
        self.narrowed(true, q, &self.targets, members, &ctx, state_of, stop)
    }

    pub fn highlight_targets(&self, q: &Query, hits: &mut [Hit]) {
        highlight(&self.targets, q, hits);
    }

    /// The `chain:`, `area:` and `status:` words of `q` that match no chain,
    /// area, project status or goal state, each with suggestions of its
    /// own kind: by spelling for ids, by characters and pinyin for a word
    /// in Chinese (`chain:金触` -> `chain:现代金融`), at most `SUGGESTIONS`.
    pub fn unknown_values(&self, q: &Query) -> Vec<UnknownValue> {
        q.terms
            .iter()
            .filter_map(|term| {
                let w = Word::new(&term.word);
                // Whether the word names one; the ids and Chinese names of all.
                let (known, values): (bool, Vec<(&str, &str)>) = match term.field {
                    Field::Any | Field::Fuzzy => return None,
                    Field::Chain => (
                        self.chains.iter().any(|g| g.score(&w).is_some()),
                        self.chains
                            .iter()
                            .map(|g| (g.id.as_str(), g.zh.as_str()))
                            .collect(),
                    ),
                    Field::Area => (
                        self.areas.iter().any(|g| g.score(&w).is_some()),
                        self.areas
                            .iter()
                            .map(|g| (g.id.as_str(), g.zh.as_str()))
                            .collect(),
                    ),
                    Field::Status => {
                        let all = self.statuses.iter().chain(&self.states);
                        (
                            all.clone().any(|l| l.score(&w).is_some()),
                            all.map(|l| (l.id, l.zh)).collect(),
                        )
                    }
                };
                if known {
                    return None;
                }
                let zh: Vec<&str> = values.iter().map(|v| v.1).collect();
                let mut suggestions: Vec<String> = similar_chinese(&term.word, &zh)
                    .into_iter()
                    .map(|i| zh[i].to_string())
                    .collect();
                if suggestions.is_empty() {
                    suggestions = closest(&term.word, values.iter().map(|v| v.0))
                        .into_iter()
                        .map(str::to_string)
                        .collect();
                }
                suggestions.dedup();
                suggestions.truncate(SUGGESTIONS);
                Some(UnknownValue {
                    field: term.field,
                    word: term.word.clone(),
                    suggestions,
                })
            })
            .collect()
    }

    /// "`finance` 现代金融, `digital` 数字经济": the chains, areas or
    /// labels a `field:` word may name, for a message.
    pub fn known_values(&self, field: Field) -> Vec<String> {
        let groups = |list: &[Group]| {
            list.iter()
                .map(|g| format!("`{}` {}", g.id, g.zh))
                .collect::<Vec<_>>()
        };
        match field {
            Field::Any | Field::Fuzzy => Vec::new(),
            Field::Chain => groups(&self.chains),
            Field::Area => groups(&self.areas),
            Field::Status => self
                .statuses
                .iter()
                .chain(&self.states)
                .map(|l| format!("`{}` {}", l.id, l.zh))
                .collect(),
        }
    }
}

fn filter_groups(list: &[Group], q: &str) -> Vec<usize> {
    let words: Vec<Word> = q.split_whitespace().map(Word::new).collect();
    let mut scored: Vec<(i32, usize)> = list
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            let mut total = 0;
            for w in &words {
                total += g.score(w)?;
            }
            Some((total, i))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// A query prepared once: its words, and each chain's and area's score
/// for each word (per query, not per record).
struct Context<'q> {
    query: &'q Query,
    words: Vec<Word>,
    chain: Vec<Vec<Option<i32>>>,
    area: Vec<Vec<Option<i32>>>,
    /// For `~` words: fuzzy-matcher's skim matcher (smart case); a chain's
    /// or area's names count half, as for the other words.
    skim: SkimMatcherV2,
    /// Per word: whether any chain or area matched it.
    any_group: Vec<bool>,
}

impl<'q> Context<'q> {
    fn new(ix: &SearchIndex, q: &'q Query) -> Self {
        let words: Vec<Word> = q.terms.iter().map(|t| Word::new(&t.word)).collect();
        let skim = &SkimMatcherV2::default();
        let score = |list: &[Group], term: &Term, w: &Word| -> Vec<Option<i32>> {
            // A `~` word: fzf-style over the chain's and area's names too.
            if term.field == Field::Fuzzy {
                return list
                    .iter()
                    .map(|g| {
                        g.keys
                            .iter()
                            .filter_map(|k| k.fuzzy(skim, w, false))
                            .map(|(s, _)| s.clamp(0, i32::MAX as i64) as i32)
                            .max()
                    })
                    .collect();
            }
            // An exact id (as the pickers write, `chain:finance`) means that
            // one chain or area, not every name that fuzzily contains it.
            if term.field != Field::Any && list.iter().any(|g| g.id == term.word) {
                return list
                    .iter()
                    .map(|g| (g.id == term.word).then_some(1000))
                    .collect();
            }
            // A bare word counts a chain's or area's names by their words,
            // not by initials: `xyz` is not 新与住 of 城市更新与住房.
            let w = if term.field == Field::Any {
                &w.strict()
            } else {
                w
            };
            list.iter().map(|g| g.score(w)).collect()
        };
        let mut ctx = Context {
            query: q,
            chain: q
                .terms
                .iter()
                .zip(&words)
                .map(|(t, w)| score(&ix.chains, t, w))
                .collect(),
            area: q
                .terms
                .iter()
                .zip(&words)
                .map(|(t, w)| score(&ix.areas, t, w))
                .collect(),
            words,
            skim: SkimMatcherV2::default(),
            any_group: Vec::new(),
        };
        ctx.any_group = (0..ctx.words.len())
            .map(|ti| {
                ctx.chain[ti].iter().any(Option::is_some)
                    || ctx.area[ti].iter().any(Option::is_some)
            })
            .collect();
        ctx
    }

    /// Each term's score against each status (or state) label set.
    fn labels(&self, labels: &[Labels]) -> Vec<Vec<Option<i32>>> {
        self.words
            .iter()
            .map(|w| labels.iter().map(|l| l.score(w)).collect())
            .collect()
    }

    /// The score of `r` for term `ti`, if it matches.
    fn term(&self, r: &RecordKeys, ti: usize, status: impl Fn() -> Option<i32>) -> Option<i32> {
        let lookup = |scores: &Vec<Option<i32>>, ix: Option<usize>| ix.and_then(|x| scores[x]);
        match self.query.terms[ti].field {
            Field::Chain => lookup(&self.chain[ti], r.chain),
            Field::Area => lookup(&self.area[ti], r.area),
            Field::Status => status(),
            Field::Fuzzy => {
                let w = &self.words[ti];
                let group = self.group(ti, r.chain, r.area);
                let own = if !r.sig.may_match_fuzzy(w) {
                    None
                } else if let Some(own) = r.sig.skim_letter(w) {
                    own
                } else {
                    [&r.zh, &r.en]
                        .into_iter()
                        .chain(&r.other)
                        .filter_map(|k| k.fuzzy(&self.skim, w, false))
                        .map(|(s, _)| s.clamp(0, i32::MAX as i64) as i32)
                        .max()
                };
                own.max(group)
            }
            Field::Any => {
                let group = self.group(ti, r.chain, r.area);
                let w = &self.words[ti];
                let own = if !r.sig.may_match(w) {
                    None // no key can match: none is read
                } else {
                    [r.zh.score(w), r.en.score(w)]
                        .into_iter()
                        .chain(r.other.iter().map(|k| k.score(w)))
                        .flatten()
                        .max()
                };
                own.max(group)
            }
        }
    }

    /// What a record's chain and area names score for a bare word `ti`:
    /// they count, but half as much as the record's own names.
    fn group(&self, ti: usize, chain: Option<usize>, area: Option<usize>) -> Option<i32> {
        if !self.any_group[ti] {
            return None; // no chain or area matched this word: none to look up
        }
        let lookup = |scores: &Vec<Option<i32>>, ix: Option<usize>| ix.and_then(|x| scores[x]);
        [lookup(&self.chain[ti], chain), lookup(&self.area[ti], area)]
            .into_iter()
            .flatten()
            .max()
            .map(|s| s / 2)
    }

    /// Whether a record whose keys hold `sig` cannot match: a bare word
    /// that neither its own names nor its chain's or area's can match.
    fn hopeless(&self, sig: &Sig, chain: Option<usize>, area: Option<usize>) -> bool {
        (self.query.terms.iter().zip(&self.words))
            .enumerate()
            .any(|(ti, (term, w))| match term.field {
                Field::Any => !sig.may_match(w) && self.group(ti, chain, area).is_none(),
                Field::Fuzzy => !sig.may_match_fuzzy(w) && self.group(ti, chain, area).is_none(),
                _ => false,
            })
    }

    /// `hit`, and whether record `i` is one to keep for a longer word in
    /// place of term `track` (`Pass::begun`): it matches every other term
    /// and its own names could match a word beginning with that one.
    fn hit_tracking(
        &self,
        r: &RecordKeys,
        i: usize,
        status: &(impl Fn(usize, usize) -> Option<i32> + ?Sized),
        track: Option<usize>,
    ) -> (Option<Hit>, bool) {
        let Some(tj) = track else {
            return (self.hit(r, i, status), false);
        };
        let mut total = 0i64;
        for ti in (0..self.words.len()).filter(|&ti| ti != tj) {
            match self.term(r, ti, || status(i, ti)) {
                Some(s) => total += s as i64,
                None => return (None, false),
            }
        }
        let (own, begun) = self.own_begun(r, &self.words[tj]);
        let hit = own.max(self.group(tj, r.chain, r.area)).map(|s| Hit {
            index: i,
            score: total + s as i64,
            hl_zh: Vec::new(),
            hl_en: Vec::new(),
        });
        (hit, begun)
    }

    /// What a bare Latin word scores on a record's own names (as `term`),
    /// and whether one of them could match a word beginning with it
    /// (`NameKeys::could_begin`). A name that matches passes that check,
    /// so only those that pass are scored.
    fn own_begun(&self, r: &RecordKeys, w: &Word) -> (Option<i32>, bool) {
        if !r.sig.may_begin(w) {
            return (None, false); // implies !may_match
        }
        let may = r.sig.may_match(w);
        let mut own = None;
        let mut begun = false;
        for k in [&r.zh, &r.en].into_iter().chain(&r.other) {
            if k.could_begin(w) {
                begun = true;
                if may {
                    own = own.max(k.score(w));
                }
            }
        }
        (own, begun)
    }

    /// Record `i` (keys `r`) as a hit when every term matches.
    fn hit(
        &self,
        r: &RecordKeys,
        i: usize,
        status: &(impl Fn(usize, usize) -> Option<i32> + ?Sized),
    ) -> Option<Hit> {
        let mut total = 0i64;
        for ti in 0..self.words.len() {
            total += self.term(r, ti, || status(i, ti))? as i64;
        }
        Some(Hit {
            index: i,
            score: total,
            hl_zh: Vec::new(),
            hl_en: Vec::new(),
        })
    }
}

/// What a pass found for one record: a hit, or one kept for a longer
/// last word (`Pass::begun`), or both.
struct Found {
    index: u32,
    score: Option<i64>,
    begun: bool,
    /// For `Pass::peaks`: the score, or the peak carried if higher.
    peak: Option<i64>,
}

/// What an empty query finds: every record, in file order (no keys are
/// needed for that, so it works before the index is built).
fn every(n: usize) -> Vec<Hit> {
    (0..n)
        .map(|index| Hit {
            index,
            score: 0,
            hl_zh: Vec::new(),
            hl_en: Vec::new(),
        })
        .collect()
}

/// The hits of `score` over `0..n`, in index order, on all cores for long
/// lists; `None` when `stop` ended the pass.
fn score_all(
    n: usize,
    score: &(dyn Fn(usize) -> Option<Hit> + Sync),
    stop: &mut dyn FnMut() -> bool,
) -> Option<Vec<Hit>> {
    let each = |range: std::ops::Range<usize>, out: &mut Vec<Hit>| {
        out.extend(range.filter_map(score));
    };
    par::map_chunks(n, &each, stop)
}

fn highlight(records: &[RecordKeys], q: &Query, hits: &mut [Hit]) {
    let words: Vec<(Field, Word)> = q
        .terms
        .iter()
        .filter(|t| matches!(t.field, Field::Any | Field::Fuzzy))
        .map(|t| (t.field, Word::new(&t.word)))
        .collect();
    let skim = SkimMatcherV2::default();
    let best = |k: &NameKeys, field: Field, w: &Word| match field {
        Field::Fuzzy => k.fuzzy(&skim, w, true).map(|(_, hl)| hl),
        _ => k.best(w, true).map(|(_, hl)| hl),
    };
    for hit in hits {
        let Some(r) = records.get(hit.index) else {
            continue;
        };
        let (mut zh, mut en) = (Vec::new(), Vec::new());
        for (field, w) in &words {
            if let Some(idx) = best(&r.zh, *field, w) {
                zh.extend(idx);
            }
            if let Some(idx) = best(&r.en, *field, w) {
                en.extend(idx);
            }
        }
        zh.sort_unstable();
        zh.dedup();
        en.sort_unstable();
        en.dedup();
        hit.hl_zh = zh;
        hit.hl_en = en;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_alone_is_the_key_of_the_whole() {
        for name in [
            "人和路旧城改造项目B、C区",
            "Inspur Big-Data Park (phase 2)",
            "绿色建设科技城 Green Building",
            "女子学院 lüe",
            "",
        ] {
            assert_eq!(NameKeys::key_of(name), NameKeys::new(name).key(), "{name}");
        }
    }

    fn hit(text: &str, word: &str) -> Option<Vec<usize>> {
        NameKeys::new(text).matches(word).map(|(_, hl)| hl)
    }

    #[test]
    fn chinese_slips_find_the_names_meant() {
        let names = [
            "人和路旧城改造项目",
            "人和路旧城改造项目A区",
            "邮轮港城",
            "现代金融",
            "数字经济",
        ];
        // A character of the same pinyin (鹿 lu for 路 lu).
        assert_eq!(similar_chinese("人和鹿", &names), [0, 1]);
        // A wrong character, in a chain's name.
        assert_eq!(similar_chinese("金触", &names), [3]);
        assert_eq!(similar_chinese("现代金触", &names), [3]);
        // Nothing alike, and Latin input, suggest nothing.
        assert!(similar_chinese("风马牛", &names).is_empty());
        assert!(similar_chinese("renhelu", &names).is_empty());
        // At most five.
        let many: Vec<String> = (0..9).map(|i| format!("路{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(similar_chinese("鹿", &many).len(), SUGGESTIONS);
    }

    #[test]
    fn parses_prefixes_and_words() {
        let q = Query::parse("chain:数字  area:cruise park status:stalled weird:x");
        let fields: Vec<Field> = q.terms.iter().map(|t| t.field).collect();
        assert_eq!(
            fields,
            [
                Field::Chain,
                Field::Area,
                Field::Any,
                Field::Status,
                Field::Any
            ]
        );
        assert_eq!(q.terms[0].word, "数字");
        assert_eq!(q.terms[4].word, "weird:x");
        assert!(Query::parse("   chain:  ").is_empty());
    }

    #[test]
    fn pinyin_full_initials_and_mixed_match_and_highlight_the_chinese() {
        assert_eq!(hit("人和路旧城改造项目", "renhelu"), Some(vec![0, 1, 2]));
        assert_eq!(hit("人和路旧城改造项目", "rhl"), Some(vec![0, 1, 2]));
        assert_eq!(hit("人和路旧城改造项目", "renhl"), Some(vec![0, 1, 2]));
        assert_eq!(hit("崂山人和路旧城改造项目", "rhl"), Some(vec![2, 3, 4]));
        assert!(hit("邮轮港城", "ylg").is_some());
        assert!(hit("人和路旧城改造项目", "youlun").is_none());
    }

    #[test]
    fn english_word_starts_and_runs_highlight_their_letters() {
        assert_eq!(
            hit("Cruise Port City", "cruise"),
            Some(vec![0, 1, 2, 3, 4, 5])
        );
        assert_eq!(hit("Cruise Port City", "cpc"), Some(vec![0, 7, 12]));
        assert_eq!(
            hit("Big Data Industrial Park", "bigpark"),
            Some(vec![0, 1, 2, 20, 21, 22, 23])
        );
        // A run inside a word, three letters or more.
        assert_eq!(
            hit("Qingdao Bigdata Park", "data"),
            Some(vec![11, 12, 13, 14])
        );
        assert!(hit("Qingdao Bigdata Park", "at").is_none());
    }

    #[test]
    fn chinese_words_match_chinese_text() {
        assert_eq!(hit("浪潮大数据产业园", "数据"), Some(vec![3, 4]));
        assert!(hit("浪潮大数据产业园", "邮轮").is_none());
        // Runs of two or more characters in order.
        assert_eq!(
            hit("人和路旧城改造项目", "人和路改造"),
            Some(vec![0, 1, 2, 5, 6])
        );
        // Single characters strewn over the name are not a match.
        assert!(hit("人和路旧城改造项目", "人城目").is_none());
    }

    #[test]
    fn strewn_letters_are_rejected() {
        // Each is a match for fzf and skim: the letters occur in order.
        assert!(hit("Inspur Big Data Industrial Park", "urban").is_none());
        assert!(hit("Renhe Road Old Town Redevelopment Project", "cruise").is_none());
        // Initials of words that are not consecutive.
        assert!(hit("Belt and Road International High-Level Talent Base", "rhl").is_none());
        assert!(hit("青岛沉信医疗中心项目", "xyz").is_none());
        assert!(hit("Yizhong Tobacco R&D and Manufacturing Centre", "zzz").is_none());
        // Consecutive ones are an acronym.
        assert!(hit("Belt and Road International High-Level Talent Base", "hlt").is_some());
    }

    #[test]
    fn word_starts_and_whole_names_outrank_runs_inside_words() {
        let s = |text: &str, w: &str| NameKeys::new(text).matches(w).map(|(s, _)| s);
        assert!(s("Port City", "port") > s("Airport City", "port"));
        assert!(s("人和路", "rhl") > s("大人和路口", "rhl"));
    }

    #[test]
    fn an_exact_id_prefix_selects_only_that_chain() {
        use crate::domain::model::{Chain, Tracker};
        let chain = |id: &str, zh: &str, en: &str| Chain {
            id: id.into(),
            name_zh: zh.into(),
            name_en: en.into(),
            aliases: vec![],
            featured: true,
            note: None,
            ..Default::default()
        };
        let t = Tracker {
            schema_version: 1,
            sources: vec![],
            chains: vec![
                chain("finance", "现代金融", "Modern finance"),
                chain("shipping-trade", "航运贸易", "Shipping trade and finance"),
            ],
            areas: vec![],
            projects: vec![],
            targets: vec![],
        };
        let ix = SearchIndex::build(&t);
        let q = Query::parse("chain:finance");
        assert_eq!(Context::new(&ix, &q).chain[0], vec![Some(1000), None]);
        let q = Query::parse("chain:financ");
        assert!(Context::new(&ix, &q).chain[0].iter().all(|s| s.is_some()));
        let unknown = ix.unknown_values(&Query::parse("chain:financo status:stalld status:在建 x"));
        assert_eq!(unknown.len(), 2, "{unknown:?}");
        assert_eq!(unknown[0].suggestions, vec!["finance"]);
        assert_eq!(unknown[1].suggestions, vec!["stalled"]);
        assert!(unknown[1].describe().contains("`status:stalled`"));
    }

    /// The inline pre-check may only reject what no key would match: for
    /// every substring, initials string and cross-word mix of real names,
    /// a word that one of the keys matches passes `may_match`.
    #[test]
    fn the_record_pre_check_never_rejects_a_match() {
        let names = [
            (
                "人和路旧城改造",
                "Renhe Road Old Town Renewal",
                "renhe-road-renewal",
            ),
            ("邮轮港城", "Cruise Port City", "cruise-port"),
            (
                "浪潮大数据产业园",
                "Inspur Big Data Industrial Park",
                "inspur-bigdata",
            ),
            (
                "而丰智能产业园",
                "Erfeng Intelligent Industrial Park",
                "erfeng-park",
            ),
            (
                "青岛国际航运中心",
                "Qingdao Int'l Shipping Centre 2",
                "shipping-centre",
            ),
        ];
        let mut tried = 0;
        let mut matched = 0;
        for (zh, en, id) in names {
            let r = RecordKeys::new(zh, en, vec![NameKeys::new(id)], None, None);
            let keys = [&r.zh, &r.en, &r.other[0]];
            let mut words: Vec<String> = Vec::new();
            for k in keys {
                let j = k.joined.as_bytes();
                for a in 0..j.len() {
                    for b in a + 1..=(a + 7).min(j.len()) {
                        words.push(String::from_utf8_lossy(&j[a..b]).into_owned());
                    }
                }
                // Initials, and initials mixed with whole tokens.
                let initials: String = (0..k.tokens()).map(|t| k.token(t)[0] as char).collect();
                for a in 0..initials.len() {
                    words.push(initials[a..].to_string());
                    let whole = String::from_utf8_lossy(k.token(a)).into_owned();
                    words.push(format!(
                        "{whole}{}",
                        &initials[(a + 1).min(initials.len())..]
                    ));
                }
            }
            words.extend(["xyz", "qqq", "zz", "rq", "renheq"].map(String::from));
            for text in words {
                let w = Word::new(&text);
                let hit = keys.iter().any(|k| k.score(&w).is_some());
                tried += 1;
                matched += hit as usize;
                if hit {
                    assert!(
                        r.sig.may_match(&w),
                        "{text:?} matches {en:?} but was rejected"
                    );
                }
                let strict = w.strict();
                if keys.iter().any(|k| k.score(&strict).is_some()) {
                    assert!(
                        r.sig.may_match(&strict),
                        "{text:?} (strict) rejected for {en:?}"
                    );
                }
            }
        }
        assert!(matched > 100 && matched < tried, "{matched} of {tried}");
    }

    /// The command line's one-shot search builds no keys for most records:
    /// its summary of a record's names must be exactly what the keys hold,
    /// and its hits exactly the index's.
    #[test]
    fn the_one_shot_search_finds_what_the_index_finds() {
        for text in [
            "人和路旧城改造 Renhe-Road 2号",
            "Qingdao Int'l Shipping Centre (QISC)",
            "绿色低碳 ü Lü 女 nǚ",
            "",
            "数字经济 Digital 经济2023",
            "ΟΔΟΣ Σίσυφος Straße İstanbul",
        ] {
            let mut sig = Sig::default();
            sig.add_text(text, Need::ALL);
            let r = RecordKeys::new(text, "", Vec::new(), None, None);
            assert_eq!(sig, r.sig, "{text:?}");
        }
        let t = Tracker {
            schema_version: 2,
            sources: Vec::new(),
            chains: vec![],
            areas: vec![],
            projects: [
                "人和路旧城改造",
                "邮轮港城",
                "浪潮大数据产业园",
                "Renhe Lu Hotel",
            ]
            .iter()
            .enumerate()
            .map(|(i, zh)| Project {
                id: format!("p{i}"),
                name_zh: zh.to_string(),
                name_en: format!("Project {i} Road"),
                aliases: vec![format!("alias{i}")],
                chain: "x".into(),
                area: None,
                parent: None,
                status: Status::Planned,
                note: None,
                figures: Vec::new(),
                milestones: Vec::new(),
                history: Vec::new(),
                sources: Vec::new(),
                ..Default::default()
            })
            .collect(),
            targets: Vec::new(),
        };
        let ix = SearchIndex::build(&t);
        for q in [
            "rhl",
            "renhelu",
            "youlun",
            "p2",
            "road",
            "数据",
            "xyz",
            "chain:x rhl",
        ] {
            let q = Query::parse(q);
            assert_eq!(
                SearchIndex::search_projects_once(&t, &q),
                ix.search_projects(&t, &q),
                "{q:?}"
            );
            assert_eq!(SearchIndex::search_targets_once(&t, &q, &[]), Vec::new());
        }
    }

    use proptest::prelude::*;

    /// A name as the trackers hold them: Chinese characters, English words,
    /// digits and punctuation, in any mix.
    fn name() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "人", "和", "路", "旧", "城", "改", "造", "项", "目", "邮", "轮", "港", "大", "数",
            "据", "产", "业", "园", "青", "岛", "女", "绿", "日", "融", "Renhe", "Road", "Port",
            "City", "Data", "big", "R&D", "Int'l", "Re", "ren", "hub", "e", "2", "23", "-", " ",
            "(", ")", "·", "、", "Cruise", "erhe", "lu",
        ]);
        // Up to 14 pieces: past the eighth token, tokens tie on their lead.
        prop::collection::vec(piece, 0..15).prop_map(|v| v.concat())
    }

    /// Query words: letters and digits likely to occur in the names above,
    /// and words taken from a name's own tokens (so that many match).
    fn word() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(b"renhluodcitpa2gbz".to_vec()), 1..7)
            .prop_map(|v| String::from_utf8(v).unwrap_or_default())
    }

    /// Words that match `k` or nearly: runs of its letters, its initials,
    /// a token with the initials after it, a token or its first letter
    /// with a later token after tokens skipped.
    fn words_from(k: &NameKeys) -> Vec<String> {
        let j = k.joined.as_bytes();
        let mut out = Vec::new();
        for a in 0..j.len() {
            for b in a + 1..=(a + 6).min(j.len()) {
                out.push(String::from_utf8_lossy(&j[a..b]).into_owned());
            }
        }
        let initials: String = (0..k.tokens()).map(|t| k.token(t)[0] as char).collect();
        for a in 0..initials.len() {
            out.push(initials[a..].to_string());
            let whole = String::from_utf8_lossy(k.token(a)).into_owned();
            out.push(format!(
                "{whole}{}",
                &initials[(a + 1).min(initials.len())..]
            ));
            for b in a + 2..(a + 6).min(k.tokens()) {
                let later = String::from_utf8_lossy(k.token(b));
                out.push(format!("{}{later}", &whole[..1]));
                out.push(format!("{whole}{later}"));
            }
        }
        out
    }

    /// `chain` and `latin` as they were before their shortcuts: the memo
    /// for every word, and the run inside always looked for.
    fn plain_best(k: &NameKeys, w: &Word, want_path: bool) -> Option<(i32, Vec<usize>)> {
        let q = w.latin.as_deref()?;
        if w.mask & !k.mask != 0 {
            return None;
        }
        let chain = if k.tokens() == 0 || k.starts & letter_bit(q[0]) == 0 {
            None
        } else {
            k.chain_memo(q, w.strict, want_path)
        };
        let found = match (chain, k.inside(q, want_path)) {
            (Some(a), Some(b)) => Some(if b.0 > a.0 { b } else { a }),
            (a, b) => a.or(b),
        }?;
        (found.0 >= FLOOR * w.len as i32).then_some(found)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

        /// The shortcuts of the matcher (one letter without the memo, no
        /// run looked for once the chain scores as much) change no score
        /// and no highlight.
        #[test]
        fn shortcuts_score_and_highlight_as_the_plain_matcher(text in name(), extra in prop::collection::vec(word(), 0..6)) {
            let k = NameKeys::new(&text);
            let mut words = words_from(&k);
            words.extend(extra);
            words.extend((b'a'..=b'z').chain(b'0'..=b'9').map(|c| (c as char).to_string()));
            for text_w in &words {
                for w in [Word::new(text_w), Word::new(text_w).strict()] {
                    prop_assert_eq!(k.best(&w, true), plain_best(&k, &w, true), "{:?} in {:?}", text_w, text);
                    prop_assert_eq!(k.best(&w, false).map(|f| f.0), plain_best(&k, &w, false).map(|f| f.0));
                }
            }
        }

        /// `could_begin` keeps every name that a longer word could match:
        /// whenever a word matches a name, each word it begins with (its
        /// first letters) passes, and so does the record's summary.
        #[test]
        fn could_begin_keeps_every_name_a_longer_word_matches(text in name(), extra in prop::collection::vec(word(), 0..8)) {
            let k = NameKeys::new(&text);
            let r = RecordKeys::new(&text, "", Vec::new(), None, None);
            let mut words = words_from(&k);
            words.extend(extra);
            for full in &words {
                if k.score(&Word::new(full)).is_none() {
                    continue;
                }
                let letters = Word::new(full).latin.unwrap_or_default();
                for end in 1..=letters.len() {
                    let w = Word::new(&String::from_utf8_lossy(&letters[..end]));
                    prop_assert!(k.could_begin(&w), "{:?} begins {:?}, which matches {:?}", w.text, full, text);
                    prop_assert!(r.sig.may_begin(&w), "{:?} (summary) for {:?}", w.text, text);
                }
            }
        }

        /// skim's score of a name for a word one letter longer is at most
        /// `GROWN_LETTER` above the best it gave any word that word begins
        /// with: Latin words over the tokens written apart, words in Chinese
        /// over the text, one matcher reused in between as a pass does.
        #[test]
        fn a_grown_fuzzy_word_scores_within_its_bound(texts in prop::collection::vec(name(), 1..6), latin in prop::collection::vec(word(), 1..4), chars in prop::collection::vec(prop::sample::select(vec!['人', '和', '路', '港', '数', '据', '(', '、', '2']), 2..6)) {
            let skim = SkimMatcherV2::default();
            let mut typed: Vec<String> = latin;
            typed.push(chars.into_iter().collect());
            for text in &texts {
                let k = NameKeys::new(text);
                for full in &typed {
                    let mut peak: Option<i64> = None;
                    let ends: Vec<usize> = full.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
                    for &end in &ends {
                        let w = Word::new(&full[..end]);
                        let Some((s, _)) = k.fuzzy(&skim, &w, false) else {
                            break;
                        };
                        prop_assert!(k.holds_in_order(&w));
                        if let Some(p) = peak {
                            prop_assert!(s <= p + GROWN_LETTER, "{:?} scores {} in {:?}, best before {}", &full[..end], s, text, p);
                        }
                        peak = Some(peak.map_or(s, |p| p.max(s)));
                    }
                }
            }
        }

        /// A `~` word of one letter is scored from the record's summary
        /// exactly as skim scores the best of its names.
        #[test]
        fn a_one_letter_fuzzy_word_scores_as_skim(zh in name(), en in name(), id in name()) {
            let r = RecordKeys::new(&zh, &en, vec![NameKeys::new(&id)], None, None);
            let skim = SkimMatcherV2::default();
            let mut sig = Sig::default();
            for t in [&zh, &en, &id] {
                sig.add_text(t, Need::ALL);
            }
            prop_assert_eq!(sig, r.sig);
            for c in (b'a'..=b'z').chain(b'0'..=b'9') {
                let w = Word::new(&(c as char).to_string());
                let by_skim = [&r.zh, &r.en, &r.other[0]]
                    .into_iter()
                    .filter_map(|k| k.fuzzy(&skim, &w, false))
                    .map(|(s, _)| s.clamp(0, i32::MAX as i64) as i32)
                    .max();
                prop_assert_eq!(r.sig.skim_letter(&w), Some(by_skim), "{:?} in {:?} / {:?} / {:?}", c as char, zh, en, id);
            }
        }
    }
}
