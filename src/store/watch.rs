//! Noticing that the file changed on disk: its size and modification time
//! are cheap to read every second; only when they move is the content
//! compared with the text shown, a piece at a time, so a touch without a
//! change, or our own save, is not mistaken for someone else's edit.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: m.len(),
        modified: m.modified().ok(),
    })
}

/// Watches one file by polling.
#[derive(Debug)]
pub struct Watch {
    path: PathBuf,
    stamp: Option<Stamp>,
}

impl Watch {
    pub fn new(path: &Path) -> Watch {
        Watch {
            path: path.to_path_buf(),
            stamp: stamp(path),
        }
    }

    /// Whether the file's content now differs from `known` (the text the
    /// interface shows). Reads the file only when size or time moved.
    pub fn changed(&mut self, known: &str) -> bool {
        let now = stamp(&self.path);
        if now == self.stamp {
            return false;
        }
        self.stamp = now;
        // Compared exactly, never past the known length, regular files
        // only: a file swapped for a FIFO or /dev/zero must not hang or
        // swallow the interface. Gone or unreadable: the reload says why.
        !matches!(super::disk::holds(&self.path, known.as_bytes()), Ok(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_a_change_of_content_only() {
        let dir = tempfile::tempdir().expect("dir");
        let f = dir.path().join("t.yaml");
        std::fs::write(&f, "a: 1\n").expect("write");
        let mut w = Watch::new(&f);
        assert!(!w.changed("a: 1\n"));
        std::fs::write(&f, "a: 22\n").expect("write");
        assert!(w.changed("a: 1\n"), "size moved, content differs");
        assert!(!w.changed("a: 22\n"), "nothing moved since");
        std::fs::write(&f, "a: 33\n").expect("write");
        assert!(!w.changed("a: 33\n"), "our own save is not a change");
    }
}
