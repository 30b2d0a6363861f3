//! Work over long lists shared out between the machine's cores (at most
//! four threads), in chunks taken from a common counter, for the passes
//! that touch every record: building search keys, scoring a query. Short
//! lists stay on the calling thread. Results keep the list's order.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Items per chunk: the unit of work shared out, and the interval at which
/// a pass may be stopped.
pub const CHUNK: usize = 2048;

/// How many threads a pass over `n` items uses.
fn threads_for(n: usize) -> usize {
    if n < 4 * CHUNK {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |c| c.get())
            .clamp(1, 4)
    }
}

/// `f` applied to every index in `0..n`, each chunk's results (in index
/// order) concatenated in chunk order. The calling thread asks `stop`
/// before each chunk it takes; when told to stop, the other threads stop
/// after their current chunk and the result is `None`.
pub fn map_chunks<R: Send>(
    n: usize,
    f: &(dyn Fn(std::ops::Range<usize>, &mut Vec<R>) + Sync),
    stop: &mut dyn FnMut() -> bool,
) -> Option<Vec<R>> {
    let chunks = n.div_ceil(CHUNK);
    let next = AtomicUsize::new(0);
    let halt = AtomicBool::new(false);
    let work = |out: &mut Vec<(usize, Vec<R>)>, stop: &mut dyn FnMut() -> bool| {
        while !halt.load(Ordering::Relaxed) {
            if stop() {
                halt.store(true, Ordering::Relaxed);
                return;
            }
            let c = next.fetch_add(1, Ordering::Relaxed);
            if c >= chunks {
                return;
            }
            let mut part = Vec::new();
            f(c * CHUNK..((c + 1) * CHUNK).min(n), &mut part);
            out.push((c, part));
        }
    };
    let mut parts: Vec<(usize, Vec<R>)> = Vec::new();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads_for(n))
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    work(&mut out, &mut || false);
                    out
                })
            })
            .collect();
        work(&mut parts, stop);
        for h in helpers {
            match h.join() {
                Ok(more) => parts.extend(more),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    if halt.load(Ordering::Relaxed) {
        return None;
    }
    parts.sort_unstable_by_key(|(c, _)| *c);
    let mut all = Vec::with_capacity(parts.iter().map(|(_, p)| p.len()).sum());
    for (_, p) in parts {
        all.extend(p);
    }
    Some(all)
}

/// `f` of every item, in order, computed on all cores for long lists.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_until(items, f, &mut || false).unwrap_or_default()
}

/// `map`, asking `stop` between chunks whether it is still wanted.
pub fn map_until<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
    stop: &mut dyn FnMut() -> bool,
) -> Option<Vec<R>> {
    let each = |range: std::ops::Range<usize>, out: &mut Vec<R>| {
        out.extend(items[range].iter().map(&f));
    };
    map_chunks(items.len(), &each, stop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_order_of_a_long_list() {
        let items: Vec<usize> = (0..10 * CHUNK + 7).collect();
        let doubled = map(&items, |x| x * 2);
        assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
    }

    #[test]
    fn a_stop_ends_the_pass_with_nothing() {
        let n = 10 * CHUNK;
        let each = |r: std::ops::Range<usize>, out: &mut Vec<usize>| out.extend(r);
        // Told to stop before its first chunk: nothing, whatever the other
        // threads had done by then.
        assert_eq!(map_chunks(n, &each, &mut || true), None);
        let mut asked = 0;
        let all = map_chunks(n, &each, &mut || {
            asked += 1;
            false
        });
        assert_eq!(all, Some((0..n).collect()));
        assert!(asked >= 1);
    }
}
