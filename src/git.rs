//! The user's own `git`, run as a command (as lazygit does): their
//! credentials, hooks and configuration apply, and no git implementation
//! is bundled. Who a person is, for the `by` of what they enter.

use std::path::Path;
use std::process::Command;

/// Who is entering data: `given` (`--by`), else the git user name of the
/// repository holding `file` (`git config user.name`), else the login name.
pub fn who(file: &Path, given: Option<&str>) -> Option<String> {
    let clean = |s: &str| {
        let s = s.trim();
        (!s.is_empty() && !s.chars().any(char::is_control)).then(|| s.to_string())
    };
    if let Some(g) = given {
        return clean(g);
    }
    let folder = folder_of(file);
    let from_git = Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(["config", "user.name"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| clean(&s));
    from_git.or_else(|| {
        ["USER", "LOGNAME"]
            .iter()
            .find_map(|k| std::env::var(k).ok().and_then(|v| clean(&v)))
    })
}

/// The folder a tracker file is in ("." for a bare file name).
pub fn folder_of(file: &Path) -> &Path {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A git work tree, driven through the user's `git` command.
pub struct Repo {
    /// The work tree's top folder.
    pub top: std::path::PathBuf,
}

/// What a git command said when it failed.
#[derive(Debug)]
pub struct GitError {
    pub code: Option<i32>,
    pub out: String,
}

impl GitError {
    /// The remote could not be reached (no network, a wrong address, no
    /// access), as git words it.
    pub fn unreachable(&self) -> bool {
        let o = self.out.to_lowercase();
        [
            "could not read from remote",
            "unable to access",
            "could not resolve host",
            "connection refused",
            "connection timed out",
            "does not appear to be a git repository",
            "no such file or directory",
            "network is unreachable",
        ]
        .iter()
        .any(|w| o.contains(w))
    }
}

impl Repo {
    /// The repository holding `folder`, or why there is none.
    pub fn at(folder: &Path) -> Result<Repo, String> {
        let o = Command::new("git")
            .arg("-C")
            .arg(folder)
            .args(["rev-parse", "--show-toplevel"])
            .output()
            .map_err(|e| format!("cannot run git ({e}): install git, then try again"))?;
        if !o.status.success() {
            return Err(format!(
                "{} is not in a git repository: clone the team's repository (`git clone URL`) or make one (`git init`), then try again",
                folder.display()
            ));
        }
        let top = String::from_utf8_lossy(&o.stdout).trim().to_string();
        Ok(Repo { top: top.into() })
    }

    /// Runs `git ARGS` in the work tree; its output, or what it said.
    pub fn run(&self, args: &[&str]) -> Result<String, GitError> {
        let o = Command::new("git")
            .arg("-C")
            .arg(&self.top)
            .args(args)
            // Never stop to ask (a password, an editor): say so instead.
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_EDITOR", "true")
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| GitError {
                code: None,
                out: format!("cannot run git: {e}"),
            })?;
        let out = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        if o.status.success() {
            Ok(String::from_utf8_lossy(&o.stdout).into_owned())
        } else {
            Err(GitError {
                code: o.status.code(),
                out,
            })
        }
    }

    /// `git ARGS` that may fail: its output, or `None`.
    pub fn ask(&self, args: &[&str]) -> Option<String> {
        self.run(args).ok().map(|s| s.trim().to_string())
    }

    /// `file`'s path inside the work tree, with `/` separators.
    pub fn relative(&self, file: &Path) -> Result<String, String> {
        let abs = std::fs::canonicalize(file)
            .map_err(|e| format!("cannot find {}: {e}", file.display()))?;
        let top = std::fs::canonicalize(&self.top).unwrap_or_else(|_| self.top.clone());
        let rel = abs.strip_prefix(&top).map_err(|_| {
            format!(
                "{} is not inside the repository at {}",
                file.display(),
                top.display()
            )
        })?;
        Ok(rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"))
    }

    /// The author of the newest commit at `rev` touching `rel`.
    pub fn author(&self, rev: &str, rel: &str) -> Option<String> {
        self.ask(&["log", "-1", "--format=%an", rev, "--", rel])
            .filter(|s| !s.is_empty())
    }
}
