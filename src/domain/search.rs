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
//! (`NameKeys::fuzzy`), over the same names; passes of such words narrow
//! as a word grows (`Narrow`).
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
//! that a newer keystroke has made stale).

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
        let pattern = std::str::from_utf8(q).ok()?;
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
        for ch in text.chars() {
            if ch.is_ascii_alphanumeric() {
                joined.push(ch.to_ascii_lowercase());
            } else if let Some(py) = ch.to_pinyin() {
                joined.extend(py.plain().chars().map(|c| if c == 'ü' { 'v' } else { c }));
            }
        }
        joined
    }

    /// Public form of the match for one word, as the picker and tests use it.
    pub fn matches(&self, word: &str) -> Option<(i64, Vec<usize>)> {
        self.best(&Word::new(word), true)
            .map(|(s, hl)| (s as i64, hl))
    }

    fn latin(&self, q: &[u8], strict: bool, want_path: bool) -> Option<(i32, Vec<usize>)> {
        let chain = self.chain(q, strict, want_path);
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
        let at = self.joined.find(std::str::from_utf8(q).ok()?)?;
        let score = PER_CHAR * q.len() as i32 - INSIDE;
        let mut hl = Vec::new();
        if want_path {
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
        }
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

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
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
    /// The hits of recent queries made only of `~` words (see `Narrow`).
    narrow: Narrow,
}

/// Recent passes of queries made only of `~` words, with their hits.
///
/// skim scores each name by dynamic programming, several times the cost of
/// the token engine (`benches/tracker.rs`, `filter_projects_*/~…`). But a
/// text holding `renh` in order also holds `ren`: a `~` word typed one
/// letter further can only keep hits of the word before. So a pass scores
/// only the hits of a recent query whose words are subsequences of its own
/// (typing), or takes a recent query's hits as they are (deleting back to
/// it). Only `~` words are cached: they read nothing but the keys and the
/// chains' and areas' names, which a `SearchIndex` never changes (it is
/// built anew when records change; a method that changed them in place
/// would have to clear this).
#[derive(Debug, Default)]
struct Narrow(std::sync::Mutex<std::collections::VecDeque<Pass>>);

#[derive(Debug)]
struct Pass {
    targets: bool,
    words: Vec<Word>,
    /// (record, score), best first.
    hits: Vec<(u32, i64)>,
}

/// Passes kept: a word typed and deleted again.
const NARROW_PASSES: usize = 12;

impl Clone for Narrow {
    fn clone(&self) -> Self {
        Narrow::default()
    }
}

impl Narrow {
    /// The query's `~` words, when it has only those.
    fn words(q: &Query) -> Option<Vec<Word>> {
        q.terms
            .iter()
            .all(|t| t.field == Field::Fuzzy)
            .then(|| q.terms.iter().map(|t| Word::new(&t.word)).collect())
    }

    /// The hits of the same words, or the fewest hits of words each a
    /// subsequence of these: `Ok(hits)` or `Err(candidates)`.
    fn lookup(&self, targets: bool, words: &[Word]) -> Result<Vec<Hit>, Option<Vec<usize>>> {
        let Ok(passes) = self.0.lock() else {
            return Err(None);
        };
        let same = |p: &&Pass| p.targets == targets && p.words.len() == words.len();
        if let Some(p) = passes
            .iter()
            .filter(same)
            .find(|p| p.words.iter().zip(words).all(|(a, b)| a.text == b.text))
        {
            return Ok(p
                .hits
                .iter()
                .map(|&(index, score)| Hit {
                    index: index as usize,
                    score,
                    hl_zh: Vec::new(),
                    hl_en: Vec::new(),
                })
                .collect());
        }
        let within = passes
            .iter()
            .filter(same)
            .filter(|p| p.words.iter().zip(words).all(|(a, b)| a.within(b)))
            .min_by_key(|p| p.hits.len());
        Err(within.map(|p| {
            let mut c: Vec<usize> = p.hits.iter().map(|h| h.0 as usize).collect();
            c.sort_unstable();
            c
        }))
    }

    fn store(&self, targets: bool, words: Vec<Word>, hits: &[Hit]) {
        if let Ok(mut passes) = self.0.lock() {
            if passes.len() == NARROW_PASSES {
                passes.pop_front();
            }
            passes.push_back(Pass {
                targets,
                words,
                hits: hits.iter().map(|h| (h.index as u32, h.score)).collect(),
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
        Some(SearchIndex {
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
            narrow: Narrow::default(),
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

    /// Projects matching `q`, scored but without highlights.
    ///
    /// (The hits of a shorter query are no safe start for a longer one:
    /// `abc` may match a run inside a word that `ab`, too short for a run,
    /// does not; the letter mask is the check that does hold.)
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
        self.narrowed(false, q, &self.projects, &ctx, status_of, stop)
    }

    /// `rank`, for a query of `~` words only through `Narrow`: the hits of
    /// the same words again, or only the candidates a recent pass left.
    fn narrowed(
        &self,
        targets: bool,
        q: &Query,
        records: &[RecordKeys],
        ctx: &Context,
        status: impl Fn(usize, usize) -> Option<i32> + Sync,
        stop: &mut dyn FnMut() -> bool,
    ) -> Option<Vec<Hit>> {
        let Some(words) = Narrow::words(q) else {
            return rank(records, ctx, status, stop);
        };
        let hits = match self.narrow.lookup(targets, &words) {
            Ok(hits) => return Some(hits),
            Err(None) => rank(records, ctx, status, stop)?,
            Err(Some(candidates)) => {
                let score = |k: usize| {
                    let i = *candidates.get(k)?;
                    ctx.hit(records.get(i)?, i, &status)
                };
                let mut hits = score_all(candidates.len(), &score, stop)?;
                hits.sort_unstable_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
                hits
            }
        };
        self.narrow.store(targets, words, &hits);
        Some(hits)
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
        self.narrowed(true, q, &self.targets, &ctx, state_of, stop)
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

fn rank(
    records: &[RecordKeys],
    ctx: &Context,
    status: impl Fn(usize, usize) -> Option<i32> + Sync,
    stop: &mut dyn FnMut() -> bool,
) -> Option<Vec<Hit>> {
    let score = |i: usize| ctx.hit(records.get(i)?, i, &status);
    let mut hits = score_all(records.len(), &score, stop)?;
    if !ctx.query.is_empty() {
        // (score, index) is unique: an unstable sort gives the one order.
        hits.sort_unstable_by(|a, b| b.score.cmp(&a.score).then(a.index.cmp(&b.index)));
    }
    Some(hits)
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
}
