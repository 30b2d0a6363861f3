//! Team use with git as the engine: the merge driver (`merge-file`), the
//! one-command set-up (`git-setup`), `sync` (commit, pull with the driver,
//! push) and `resolve` for what a merge could not settle.

use super::edit::edit_file_then;
use super::{load, load_to_read, Failure, Outcome, Stamp};
use crate::domain::changes::describe;
use crate::domain::edit::Edit;
use crate::domain::labels::count;
use crate::domain::merge::{self, Choice, Merger};
use crate::domain::Tracker;
use crate::git::{folder_of, Repo};
use crate::store;
use std::path::Path;

/// The name the driver is registered under in git's configuration.
pub const DRIVER: &str = "shibei-tracker";

/// `merge-file BASE OURS THEIRS [--path P]`: git's `%O %A %B` (and `%P`).
/// The merged tracker is written over OURS in the tracker's own form
/// (ours' byte-order mark and line ends kept). Exit 0 when merged, 1 when
/// a conflict new to this merge is left in the file (listed in the
/// records, the file still a valid tracker), 2 when a side cannot be read
/// (OURS is left as it was).
pub fn merge_file(base: &Path, ours: &Path, theirs: &Path, path: Option<&Path>) -> Outcome {
    let read = |p: &Path, text: &str| -> Result<Tracker, Failure> {
        store::read_for_merge(text, p).map_err(|problems| Failure {
            message: format!(
                "cannot merge: {} cannot be read as a tracker (the file keeps our side):\n{}",
                p.display(),
                problems
                    .iter()
                    .take(10)
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            code: 2,
        })
    };
    let text_of = |p: &Path| {
        store::read_text(p).map_err(|e| Failure {
            message: e.to_string(),
            code: 2,
        })
    };
    let (base_text, ours_text, theirs_text) = (text_of(base)?, text_of(ours)?, text_of(theirs)?);
    // Who made each side, as git knows it (best effort: the names are
    // only shown beside a conflict).
    let who = path.and_then(|p| {
        let repo = Repo::at(Path::new(".")).ok()?;
        let rel = p.to_string_lossy().into_owned();
        // While `git merge` runs the driver, MERGE_HEAD is not written
        // yet; a pull has just fetched theirs into FETCH_HEAD.
        let theirs_rev = [
            "MERGE_HEAD",
            "FETCH_HEAD",
            "REBASE_HEAD",
            "CHERRY_PICK_HEAD",
        ]
        .into_iter()
        .find(|r| repo.ask(&["rev-parse", "-q", "--verify", r]).is_some());
        Some((
            repo.author("HEAD", &rel),
            theirs_rev.and_then(|r| repo.author(r, &rel)),
        ))
    });
    let (ours_by, theirs_by) = who.unwrap_or((None, None));
    let mut m = Merger::new(ours_by, theirs_by);
    // Files in the writer's form (as git holds them): record by record,
    // reading only what differs; any other: read whole, the same result.
    let fast = store::textmerge::merge(&base_text, &ours_text, &theirs_text, &mut m);
    let (merged, before, left) = match fast {
        Some(f) => (f.text, f.before, f.left),
        None => {
            let (b, o, t) = (
                read(base, &base_text)?,
                read(ours, &ours_text)?,
                read(theirs, &theirs_text)?,
            );
            let before = merge::conflicts(&o).len() + merge::conflicts(&t).len();
            let merged = merge::merge(&b, &o, &t, &mut m).map_err(|e| Failure {
                message: format!("cannot merge: {e}"),
                code: 2,
            })?;
            let left = merge::conflicts(&merged)
                .into_iter()
                .map(|f| (f.id, f.conflict.field))
                .collect();
            (store::emit(&merged), before, left)
        }
    };
    let text = store::dress_like(&ours_text, &merged);
    store::disk::replace_file(ours, text.as_bytes()).map_err(|e| Failure {
        message: format!(
            "cannot write the merged tracker to {}: {}",
            ours.display(),
            store::SaveError::from(e).describe(ours)
        ),
        code: 2,
    })?;
    // Conflicts both sides already had are not this merge's doing.
    let new = left.len().saturating_sub(before.min(left.len()));
    if new == 0 {
        return Ok(String::new());
    }
    Err(Failure {
        message: format!(
            "{}: {} left for you to settle (the file keeps our value and lists theirs): {}\nresolve with `shibei-tracker resolve`, or in the interface's Conflicts view (C)",
            path.unwrap_or(ours).display(),
            count(left.len(), "conflict"),
            left.iter()
                .map(|(id, field)| format!("{id} {field}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        code: 1,
    })
}

/// `git-setup`: registers the merge driver for this tracker in the
/// repository (`.gitattributes`, git config) and keeps the lock and the
/// tracker's temporary files out of git (`.gitignore`). Run again, it
/// changes nothing.
pub fn git_setup(file: &Path) -> Outcome {
    let repo = Repo::at(folder_of(file)).map_err(Failure::usage)?;
    let rel = repo.relative(file).map_err(Failure::usage)?;
    let mut did = Vec::new();
    // The driver, with the path of this very program.
    let exe = std::env::current_exe()
        .and_then(std::fs::canonicalize)
        .map_err(|e| Failure::usage(format!("cannot tell where this program is: {e}")))?;
    let driver = format!(
        "{} merge-file %O %A %B --path %P",
        shell_word(&exe.to_string_lossy())
    );
    let key = format!("merge.{DRIVER}.driver");
    if repo.ask(&["config", "--local", "--get", &key]).as_deref() != Some(driver.as_str()) {
        repo.run(&["config", "--local", &key, &driver])
            .map_err(|e| Failure::usage(format!("git config failed: {}", e.out.trim())))?;
        repo.run(&[
            "config",
            "--local",
            &format!("merge.{DRIVER}.name"),
            "shibei-tracker: merge the tracker by record and field",
        ])
        .map_err(|e| Failure::usage(format!("git config failed: {}", e.out.trim())))?;
        did.push(format!(
            "registered the merge driver in .git/config ({key} = {driver})"
        ));
    }
    let attr = format!("{} merge={DRIVER}", gitattributes_path(&rel));
    if add_line(&repo.top.join(".gitattributes"), &attr)? {
        did.push(format!("added `{attr}` to .gitattributes"));
    }
    // The lock, the temporary files, and a cache kept inside the tree.
    let dir_rel = rel.rsplit_once('/').map_or("", |(d, _)| d);
    let in_dir = |name: &str| {
        if dir_rel.is_empty() {
            format!("/{name}")
        } else {
            format!("/{dir_rel}/{name}")
        }
    };
    let name = file.file_name().map_or_else(
        || "tracker.yaml".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut ignore = vec![
        in_dir(&format!(".{name}.lock")),
        in_dir(&format!("{}*", store::disk::temp_prefix(&name))),
    ];
    if let Some(cache) = store::cache::cache_dir() {
        if let Ok(rel) = repo.relative(&cache) {
            ignore.push(format!("/{rel}/"));
        }
    }
    for line in ignore {
        if add_line(&repo.top.join(".gitignore"), &line)? {
            did.push(format!("added `{line}` to .gitignore"));
        }
    }
    let head = format!(
        "{}: the repository at {} merges {rel} by record and field",
        file.display(),
        repo.top.display()
    );
    Ok(if did.is_empty() {
        format!("{head}; already set up, nothing changed\n")
    } else {
        format!(
            "{head}:\n{}\ncommit .gitattributes and .gitignore so every clone has them; each clone runs `shibei-tracker git-setup` once (the driver lives in its own .git/config)\n",
            did.iter().map(|d| format!("  {d}")).collect::<Vec<_>>().join("\n")
        )
    })
}

/// A path as a .gitattributes pattern: anchored, quoted when it holds a
/// space or a quote.
fn gitattributes_path(rel: &str) -> String {
    let p = format!("/{rel}");
    if p.contains([' ', '"', '\t']) {
        format!("\"{}\"", p.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        p
    }
}

/// Adds `line` to the text file `path` (made if missing) unless it is
/// there; whether it was added.
fn add_line(path: &Path, line: &str) -> Result<bool, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(Failure::usage(format!(
                "cannot read {}: {e}",
                path.display()
            )))
        }
    };
    if text.lines().any(|l| l.trim() == line) {
        return Ok(false);
    }
    let mut new = text;
    if !new.is_empty() && !new.ends_with('\n') {
        new.push('\n');
    }
    new.push_str(line);
    new.push('\n');
    std::fs::write(path, new)
        .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))?;
    Ok(true)
}

/// `resolve`: every conflict a merge left, or (`id`, `field`, a choice)
/// settles one as an ordinary saved, undoable change.
pub fn resolve(file: &Path, at: Stamp, which: Option<(&str, &str, Choice)>) -> Outcome {
    let Some((id, field, choice)) = which else {
        let loaded = load_to_read(file)?;
        return Ok(list_conflicts(&loaded.tracker));
    };
    let (id, field) = (id.to_string(), field.to_string());
    edit_file_then(
        file,
        at,
        |_| {
            Ok(Edit::Resolve {
                id: id.clone(),
                field: field.clone(),
                choice,
            })
        },
        |t, _| {
            let left = merge::conflicts(t).len();
            Ok(if left == 0 {
                "no conflict is left: the file reads as one that never conflicted\n".into()
            } else {
                format!(
                    "{} left (`shibei-tracker resolve` lists them)\n",
                    count(left, "conflict")
                )
            })
        },
    )
}

/// The conflicts, one block each.
pub fn list_conflicts(t: &Tracker) -> String {
    let all = merge::conflicts(t);
    if all.is_empty() {
        return "no conflicts\n".into();
    }
    let mut out = format!("{} from a merge:\n", count(all.len(), "conflict"));
    for f in &all {
        let c = &f.conflict;
        out.push_str(&format!(
            "  {} {}\n    ours:   {}\n    theirs: {}\n    base:   {}\n    settle: shibei-tracker resolve {} {} --ours | --theirs | --value V\n",
            f.id,
            c.field,
            merge::side_text(&c.ours, &c.ours_by),
            merge::side_text(&c.theirs, &c.theirs_by),
            c.base.as_deref().map_or("(none)".into(), |v| format!("\"{v}\"")),
            f.id,
            shell_word(&c.field)
        ));
    }
    out
}

/// `s` as one word of a POSIX shell command line (git runs the driver
/// through `sh`; a `settle:` line is copied into one): bare when safe,
/// else quoted. Only a NUL cannot be quoted, and no path or field holds
/// one.
fn shell_word(s: &str) -> std::borrow::Cow<'_, str> {
    shlex::try_quote(s).unwrap_or_else(|_| s.replace('\0', "").into())
}

/// `sync`: commits the tracker and new reports with a message naming the
/// records changed, pulls with the merge driver, pushes, and says what
/// came in and from whom.
pub fn sync(file: &Path, at: Stamp) -> Outcome {
    let mut say = |_: &str| {};
    sync_with(file, at, &mut say)
}

/// `sync`, telling `progress` each step as it starts (the interface shows
/// them in its status line).
pub fn sync_with(file: &Path, at: Stamp, progress: &mut dyn FnMut(&str)) -> Outcome {
    let repo = Repo::at(folder_of(file)).map_err(Failure::usage)?;
    let rel = repo.relative(file).map_err(Failure::usage)?;
    let mut out = String::new();
    // Set up if this clone is not (idempotent).
    let key = format!("merge.{DRIVER}.driver");
    if repo.ask(&["config", "--get", &key]).is_none() {
        out.push_str(&git_setup(file)?);
    }
    let remote = repo.ask(&["remote"]).unwrap_or_default();
    let Some(remote) = remote.lines().next().map(str::to_string) else {
        return Err(Failure::usage(format!(
            "{}: no remote is set, so there is nobody to sync with — add the team's repository with `git remote add origin URL` (a bare repository on a shared drive: `git init --bare /shared/tracker.git`), then sync again",
            repo.top.display()
        )));
    };
    // 1. Commit what changed here.
    progress("committing");
    let seeds = {
        let d = store::seeds_dir(file);
        repo.relative(&d).ok()
    };
    let mut paths = vec![rel.clone()];
    paths.extend(seeds.clone());
    let mut add = vec!["add", "--"];
    add.extend(paths.iter().map(String::as_str));
    repo.run(&add)
        .map_err(|e| Failure::usage(format!("git add failed: {}", e.out.trim())))?;
    let staged = repo
        .run(&["diff", "--cached", "--quiet", "--", &rel])
        .is_err()
        || seeds
            .as_deref()
            .is_some_and(|s| repo.run(&["diff", "--cached", "--quiet", "--", s]).is_err());
    if staged {
        let head_text = repo.ask(&["show", &format!("HEAD:{rel}")]);
        let now = load(file)?.tracker;
        let lines = match head_text.and_then(|t| store::read_for_merge(&t, file).ok()) {
            Some(old) => describe(&old, &now),
            None => vec![format!("add tracker {rel}")],
        };
        let mut lines = lines;
        if lines.is_empty() {
            lines.push("add reports".into());
        }
        let subject = subject_of(&lines);
        let body = lines.join("\n");
        let author = at.by.map(|b| format!("--author={b} <{b}@shibei-tracker>"));
        let mut commit = vec!["commit", "-q", "-m", &subject, "-m", &body];
        // Who typed it, when git does not know them.
        if repo.ask(&["config", "user.name"]).is_none() {
            if let Some(a) = author.as_deref() {
                commit.push(a);
            }
        }
        repo.run(&commit).map_err(|e| {
            Failure::usage(format!(
                "git commit failed: {}{}",
                e.out.trim(),
                if e.out.contains("tell me who you are") {
                    " — set your name once: git config --global user.name \"Your Name\""
                } else {
                    ""
                }
            ))
        })?;
        out.push_str(&format!("committed: {subject}\n"));
    } else {
        out.push_str("nothing new here to commit\n");
    }
    // 2. Pull, with the driver.
    progress("pulling");
    let before = repo.ask(&["rev-parse", "HEAD"]);
    let branch = repo
        .ask(&["rev-parse", "--abbrev-ref", "HEAD"])
        .unwrap_or_else(|| "main".into());
    let upstream = repo
        .ask(&["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}"])
        .is_some();
    let remote_has = repo
        .ask(&["ls-remote", "--heads", &remote, &branch])
        .map(|s| !s.is_empty());
    let pulled = match remote_has {
        None => {
            // ls-remote failed: the remote cannot be reached.
            return Err(unreachable(&remote, &out));
        }
        Some(false) => Ok(false),
        Some(true) => pull(&repo, &remote, &branch, upstream, &rel),
    };
    let conflicted = match pulled {
        Ok(c) => c,
        Err(e) => return Err(Failure::usage(format!("{out}{e}"))),
    };
    // 3. What came in.
    let after = repo.ask(&["rev-parse", "HEAD"]);
    if before != after {
        if let Some(b) = &before {
            let others = repo
                .ask(&[
                    "log",
                    "--no-merges",
                    "--format=%an",
                    &format!("{b}..HEAD"),
                    "--",
                    &rel,
                ])
                .unwrap_or_default();
            let mut names: Vec<&str> = others.lines().filter(|l| !l.is_empty()).collect();
            names.sort_unstable();
            names.dedup();
            let old = repo
                .ask(&["show", &format!("{b}:{rel}")])
                .and_then(|t| store::read_for_merge(&t, file).ok());
            let now = load(file)?.tracker;
            if let Some(old) = old {
                let came = describe(&old, &now);
                if !came.is_empty() {
                    out.push_str(&format!(
                        "came in{}:\n{}\n",
                        if names.is_empty() {
                            String::new()
                        } else {
                            format!(" from {}", names.join(", "))
                        },
                        came.iter()
                            .map(|l| format!("  {l}"))
                            .collect::<Vec<_>>()
                            .join("\n")
                    ));
                }
            }
        }
    } else {
        out.push_str("nothing came in\n");
    }
    // 4. Push.
    progress("pushing");
    push(&repo, &remote, &branch, &rel, &mut out)?;
    let left = merge::conflicts(&load(file)?.tracker);
    if conflicted || !left.is_empty() {
        out.push_str(&format!(
            "{}: the file keeps your values and lists theirs; settle them in the interface's Conflicts view (C) or with `shibei-tracker resolve`, then sync again\n",
            count(left.len(), "conflict")
        ));
    }
    Ok(out)
}

/// "set-status a 在建 → 已建成; add project b" in a subject line of at most
/// 72 characters, with how many more.
fn subject_of(lines: &[String]) -> String {
    let mut s = String::new();
    for (i, l) in lines.iter().enumerate() {
        let more = lines.len() - i;
        let piece = if s.is_empty() {
            l.clone()
        } else {
            format!("; {l}")
        };
        if crate::text::width(&s) + crate::text::width(&piece) > 72 && !s.is_empty() {
            s.push_str(&format!(" (+{more} more)"));
            return s;
        }
        s.push_str(&piece);
    }
    s
}

fn unreachable(remote: &str, done: &str) -> Failure {
    Failure::usage(format!(
        "{done}the remote \"{remote}\" cannot be reached (no network, or no access): your commit is kept here; sync again when it can be reached"
    ))
}

/// Pulls `branch` from `remote` with the driver; whether a conflict was
/// left in the tracker (committed: the file is valid, the conflicts are in
/// it). Other files in conflict stop the sync with their names.
fn pull(
    repo: &Repo,
    remote: &str,
    branch: &str,
    upstream: bool,
    rel: &str,
) -> Result<bool, String> {
    let mut args = vec!["pull", "--no-rebase", "--no-edit", "-q"];
    if !upstream {
        args.extend([remote, branch]);
    }
    match repo.run(&args) {
        Ok(_) => Ok(false),
        Err(e) if e.unreachable() => Err(format!(
            "the remote \"{remote}\" cannot be reached (no network, or no access): your commit is kept here; sync again when it can be reached\n({})",
            e.out.trim()
        )),
        Err(e) => {
            let unmerged = repo
                .ask(&["diff", "--name-only", "--diff-filter=U"])
                .unwrap_or_default();
            let files: Vec<&str> = unmerged.lines().filter(|l| !l.is_empty()).collect();
            if files.is_empty() {
                return Err(format!("git pull failed: {}", e.out.trim()));
            }
            if files.iter().any(|f| *f != rel) {
                return Err(format!(
                    "git pull left files in conflict that are not the tracker: {} — settle them with git (edit, `git add`, `git commit`), then sync again",
                    files.join(", ")
                ));
            }
            // The driver wrote a valid tracker with the conflicts in it.
            repo.run(&["add", "--", rel])
                .and_then(|_| repo.run(&["commit", "-q", "--no-edit"]))
                .map_err(|e| format!("cannot commit the merge: {}", e.out.trim()))?;
            Ok(true)
        }
    }
}

fn push(
    repo: &Repo,
    remote: &str,
    branch: &str,
    rel: &str,
    out: &mut String,
) -> Result<(), Failure> {
    for attempt in 0..2 {
        match repo.run(&["push", "-q", "-u", remote, &format!("HEAD:{branch}")]) {
            Ok(_) => {
                out.push_str(&format!("pushed to {remote}/{branch}\n"));
                return Ok(());
            }
            Err(e) if e.unreachable() => return Err(unreachable(remote, out)),
            // Someone pushed meanwhile: take theirs in and try once more.
            Err(e)
                if attempt == 0
                    && (e.out.contains("rejected") || e.out.contains("fetch first")) =>
            {
                pull(repo, remote, branch, true, rel)
                    .map_err(|m| Failure::usage(format!("{out}{m}")))?;
            }
            Err(e) => {
                return Err(Failure::usage(format!(
                    "{out}git push failed: {}\nyour commit is kept here; sync again",
                    e.out.trim()
                )))
            }
        }
    }
    Err(Failure::usage(format!(
        "{out}the remote kept moving while we pushed: sync again"
    )))
}

#[cfg(all(test, unix))]
mod tests {
    use super::shell_word;

    /// What `sh` makes of a quoted word is the word: paths with spaces,
    /// quotes and CJK, and field names, as the driver line and `settle:`
    /// lines carry them.
    #[test]
    fn a_quoted_word_reads_back_through_sh() {
        for w in [
            "/opt/shibei tracker/bin/shibei-tracker",
            "/home/o'neil/shibei-tracker",
            "/数据/跟踪器/shibei-tracker",
            "milestones[0].due",
            "$HOME `x` \"y\" \\z",
            "name_en",
        ] {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("printf %s {}", shell_word(w)))
                .output()
                .expect("sh runs");
            assert_eq!(String::from_utf8_lossy(&out.stdout), w);
        }
        assert_eq!(shell_word("name_en"), "name_en", "a safe word stays bare");
    }
}
