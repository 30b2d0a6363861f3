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
