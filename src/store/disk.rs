//! The tracker file on disk: bounded reads of regular files only, one
//! writers' lock per tracker, and atomic writes through symbolic links.
//!
//! Saving follows one rule: the lock is held from the moment the file is
//! read to decide what to write until the new file has been renamed into
//! place, so two writers (two commands, or a command and the interface)
//! never both pass a "file unchanged" check and lose each other's edit.

use std::fs::{self, File, Metadata};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Files larger than this are refused unless `TRACKER_MAX_BYTES` says otherwise.
/// The bundled tracker is 0.2 MB; the 100,000-project tracker the scale
/// goals were set for is 124 MB and must open as it is; memory stays about
/// three times the file, so 1 GiB stops a wrong file (a disk image, a
/// video) long before it could exhaust a machine.
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;
/// Environment variable overriding the size limit: bytes, or with K, M or G.
pub const MAX_BYTES_ENV: &str = "TRACKER_MAX_BYTES";
/// How long a writer waits for another to finish before giving up.
pub const DEFAULT_LOCK_WAIT: Duration = Duration::from_secs(5);
/// Environment variable overriding the wait, in seconds (decimals allowed).
pub const LOCK_WAIT_ENV: &str = "TRACKER_LOCK_WAIT";

/// The size limit in force: `TRACKER_MAX_BYTES` or the default.
pub fn max_bytes() -> Result<u64, String> {
    match std::env::var(MAX_BYTES_ENV) {
        Ok(v) => parse_size(&v).ok_or_else(|| {
            format!("{MAX_BYTES_ENV}=\"{v}\" is not a size: write bytes, or a number with K, M or G (e.g. 200M)")
        }),
        Err(_) => Ok(DEFAULT_MAX_BYTES),
    }
}

/// "1000", "64K", "200M", "2G" (binary multiples).
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (digits, shift) = match s.char_indices().last()? {
        (i, 'k' | 'K') => (&s[..i], 10),
        (i, 'm' | 'M') => (&s[..i], 20),
        (i, 'g' | 'G') => (&s[..i], 30),
        _ => (s, 0),
    };
    digits.trim().parse::<u64>().ok()?.checked_mul(1 << shift)
}

fn lock_wait() -> Duration {
    std::env::var(LOCK_WAIT_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0 && *s < 3600.0)
        .map_or(DEFAULT_LOCK_WAIT, Duration::from_secs_f64)
}

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    NotFound,
    PermissionDenied,
    /// Not a regular file (after following links): a folder, a FIFO, a device…
    NotRegular(&'static str),
    TooLarge {
        size: u64,
        limit: u64,
    },
    Io(io::Error),
}

impl ReadError {
    fn from_io(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::NotFound => ReadError::NotFound,
            io::ErrorKind::PermissionDenied => ReadError::PermissionDenied,
            _ => ReadError::Io(e),
        }
    }

    /// A short description, for messages about source files.
    pub fn describe(&self) -> String {
        match self {
            ReadError::NotFound => "no such file".into(),
            ReadError::PermissionDenied => "permission denied".into(),
            ReadError::NotRegular(kind) => format!("it is {kind}, not a regular file"),
            ReadError::TooLarge { size, limit } => format!(
                "it is {} and the limit is {} (raise it with {MAX_BYTES_ENV})",
                human(*size),
                human(*limit)
            ),
            ReadError::Io(e) => e.to_string(),
        }
    }
}

pub fn human(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / f64::from(1 << 20))
    } else if bytes >= 1 << 10 {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}

fn kind_of(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Reads a regular file (links followed) of at most `limit` bytes. Never
/// blocks on a FIFO and never reads more than `limit + 1` bytes, whatever
/// the file turns into between the checks and the read.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let (f, len) = open_bounded(path, limit)?;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    f.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::from_io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Opens a regular file (links followed) of at most `limit` bytes for
/// reading, with its length: never blocks on a FIFO, and checks the file
/// opened, not only the name. Callers read at most `limit + 1` bytes.
pub fn open_bounded(path: &Path, limit: u64) -> Result<(File, u64), ReadError> {
    let meta = fs::metadata(path).map_err(ReadError::from_io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(&meta)));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // A FIFO swapped in after the check must not block the open.
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let f = options.open(path).map_err(ReadError::from_io)?;
    let meta = f.metadata().map_err(ReadError::from_io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(&meta)));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    Ok((f, meta.len()))
}

/// Whether the regular file at `path` holds exactly `expected`, read in
/// pieces and compared as it goes (no second copy of a big file), with the
/// same care as `read_bounded`: no FIFO, nothing past the expected length.
pub fn holds(path: &Path, expected: &[u8]) -> Result<bool, ReadError> {
    let (f, len) = match open_bounded(path, expected.len() as u64) {
        Ok(opened) => opened,
        Err(ReadError::TooLarge { .. }) => return Ok(false),
        Err(e) => return Err(e),
    };
    if len != expected.len() as u64 {
        return Ok(false);
    }
    let mut f = f.take(expected.len() as u64 + 1);
    let mut buf = vec![0u8; 1 << 16];
    let mut at = 0;
    loop {
        let n = match f.read(&mut buf) {
            Ok(0) => return Ok(at == expected.len()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::from_io(e)),
        };
        if expected.get(at..at + n) != Some(&buf[..n]) {
            return Ok(false);
        }
        at += n;
    }
}

/// Resolves `path` through any symbolic links to the file that really holds
/// the data: saving replaces that file and leaves the links in place.
pub fn real_path(path: &Path) -> io::Result<PathBuf> {
    fs::canonicalize(path)
}

/// Where a file in `dir` named `name` keeps its lock: `.NAME.lock` beside it.
pub fn lock_path(real: &Path) -> PathBuf {
    let (dir, name) = dir_and_name(real);
    dir.join(format!(".{name}.lock"))
}

fn dir_and_name(real: &Path) -> (PathBuf, String) {
    let dir = match real.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = real.file_name().map_or_else(
        || "tracker.yaml".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    (dir, name)
}

/// Why a save could not get going or finish.
#[derive(Debug)]
pub enum WriteError {
    /// Another writer held the lock for longer than the wait.
    Locked {
        holder: String,
        waited: Duration,
    },
    /// The real user may not replace the file.
    ReadOnly,
    Io(String),
}

/// The writers' lock on one tracker file, held until dropped. Everything
/// that writes the file (the commands and the interface) takes it first.
///
/// It is an advisory `flock` on a sidecar `.NAME.lock` file, through std's
/// `File::try_lock`: the operating system drops it when the process dies,
/// kill -9 included, so a crash never leaves the tracker locked. The
/// sidecar is never deleted (deleting a lock file races with its users).
#[derive(Debug)]
pub struct WriteLock {
    real: PathBuf,
    _file: File,
}

impl WriteLock {
    /// Takes the lock for the file `path` points at, waiting a few seconds
    /// for another writer to finish; says who holds it when that fails.
    pub fn acquire(path: &Path) -> Result<WriteLock, WriteError> {
        let real =
            real_path(path).map_err(|e| WriteError::Io(format!("cannot find the file: {e}")))?;
        check_writable(&real)?;
        let lock = lock_path(&real);
        let file = open_lock_file(&lock, &real)?;
        let wait = lock_wait();
        let start = Instant::now();
        let mut pause = Duration::from_millis(2);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(fs::TryLockError::WouldBlock) => {
                    if start.elapsed() >= wait {
                        let mut holder = String::new();
                        let _ =
                            File::open(&lock).and_then(|f| f.take(500).read_to_string(&mut holder));
                        return Err(WriteError::Locked {
                            holder: holder.trim().to_string(),
                            waited: start.elapsed(),
                        });
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(10));
                }
                Err(fs::TryLockError::Error(e)) => {
                    return Err(WriteError::Io(format!(
                        "cannot lock {}: {e}",
                        lock.display()
                    )))
                }
            }
        }
        // Say who holds it, for a writer that has to give up waiting.
        let mut f = &file;
        let _ = f.set_len(0).and_then(|()| {
            let args: Vec<String> = std::env::args().collect();
            writeln!(
                f,
                "pid {} ({}), since {}",
                std::process::id(),
                args.join(" "),
                chrono::Utc::now().format("%H:%M:%S UTC")
            )
        });
        Ok(WriteLock { real, _file: file })
    }

    /// The file the data really lives in (symbolic links resolved).
    pub fn real(&self) -> &Path {
        &self.real
    }

    /// Replaces the file's contents atomically with `bytes`: a temporary file
    /// beside it, created exclusively with the file's mode (and, where
    /// permitted, owner and group) before its first byte, flushed, then
    /// renamed over it. Leftovers of writers killed mid-save are removed
    /// first: holding the lock, nobody else can be writing one.
    pub fn replace(&self, bytes: &[u8]) -> Result<(), WriteError> {
        replace_file(&self.real, bytes)
    }
}

/// `WriteLock::replace` for a file nobody else writes (git's temporary
/// copy that a merge driver writes its result to): atomic, no lock file.
pub fn replace_file(real: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    {
        let meta = fs::metadata(real)
            .map_err(|e| WriteError::Io(format!("cannot read the file's permissions: {e}")))?;
        let (dir, name) = dir_and_name(real);
        remove_stale_temps(&dir, &name);
        let (tmp, file) = create_temp(&dir, &name, &meta).map_err(|e| {
            WriteError::Io(if e.kind() == io::ErrorKind::PermissionDenied {
                format!("permission denied creating a file in {}", dir.display())
            } else {
                format!("cannot create a temporary file in {}: {e}", dir.display())
            })
        })?;
        // From here on, the temporary file is ours and removed on any error.
        let written = (|| -> io::Result<()> {
            let mut f = file;
            f.write_all(bytes)?;
            f.sync_all()?;
            drop(f);
            fs::rename(&tmp, real)?;
            // Make the rename itself durable.
            if let Ok(d) = File::open(&dir) {
                let _ = d.sync_all();
            }
            Ok(())
        })();
        written.map_err(|e| {
            let _ = fs::remove_file(&tmp);
            WriteError::Io(e.to_string())
        })
    }
}

fn open_lock_file(lock: &Path, real: &Path) -> Result<File, WriteError> {
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        // Whoever may write the tracker may take its lock; nobody else
        // learns anything from it but a process id and a command line.
        let mode = fs::metadata(real).map_or(0o644, |m| m.permissions().mode() & 0o666);
        options.mode(mode | 0o600);
        options.custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    }
    let _ = real;
    match options.open(lock) {
        Ok(f) => Ok(f),
        // A lock file made by another user, readable to us: a read-only
        // descriptor locks as well (flock needs no write access).
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => File::open(lock).map_err(|_| {
            WriteError::Io(format!("cannot open the lock file {}: {e}", lock.display()))
        }),
        Err(e) => Err(WriteError::Io(format!(
            "cannot create the lock file {}: {e}",
            lock.display()
        ))),
    }
}

/// Whether the file may be replaced: its mode must give someone write
/// access (a file marked read-only stays so, even for root), and the real
/// user must be allowed to write it, as `access(2)` decides, not merely
/// to write its folder (renaming over a file needs only the latter, which
/// would let anyone with a writable folder take the file over).
pub fn check_writable(real: &Path) -> Result<(), WriteError> {
    let meta =
        fs::metadata(real).map_err(|e| WriteError::Io(format!("cannot read the file: {e}")))?;
    may_replace(meta.permissions().readonly(), user_may_write(real))
}

#[cfg(unix)]
fn user_may_write(real: &Path) -> io::Result<()> {
    rustix::fs::access(real, rustix::fs::Access::WRITE_OK).map_err(io::Error::from)
}

#[cfg(not(unix))]
fn user_may_write(_real: &Path) -> io::Result<()> {
    Ok(())
}

/// The decision itself, apart from the system calls (unit-tested).
pub fn may_replace(mode_read_only: bool, access: io::Result<()>) -> Result<(), WriteError> {
    if mode_read_only {
        return Err(WriteError::ReadOnly);
    }
    match access {
        Ok(()) => Ok(()),
        Err(e)
            if e.kind() == io::ErrorKind::PermissionDenied
                || e.kind() == io::ErrorKind::ReadOnlyFilesystem =>
        {
            Err(WriteError::ReadOnly)
        }
        Err(e) => Err(WriteError::Io(format!(
            "cannot check write permission: {e}"
        ))),
    }
}

/// The prefix of this tracker's temporary files: `.NAME.shibei-tmp.`,
/// followed by the writer's process id and a counter.
pub fn temp_prefix(name: &str) -> String {
    format!(".{name}.shibei-tmp.")
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

fn create_temp(dir: &Path, name: &str, meta: &Metadata) -> io::Result<(PathBuf, File)> {
    let prefix = temp_prefix(name);
    let mut last = io::Error::other("no temporary name was free");
    for _ in 0..16 {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tmp = dir.join(format!("{prefix}{}.{n}.{nanos:08x}", std::process::id()));
        match open_new(&tmp, meta) {
            Ok(f) => return Ok((tmp, f)),
            // Someone else's file with that name: leave it, pick another.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = e,
            Err(e) => return Err(e),
        }
    }
    Err(last)
}

#[cfg(unix)]
fn open_new(tmp: &Path, meta: &Metadata) -> io::Result<File> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
    let mode = meta.permissions().mode() & 0o7777;
    // Created with at most the final mode (the umask can only take bits
    // away), so it is never readable by more people than the tracker is.
    let f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode & 0o777)
        .open(tmp)?;
    let set_up = (|| -> io::Result<()> {
        // Keep the owner and group where permitted (root, or a group the
        // user belongs to); otherwise the file becomes the user's own.
        match std::os::unix::fs::fchown(&f, Some(meta.uid()), Some(meta.gid())) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                let _ = std::os::unix::fs::fchown(&f, None, Some(meta.gid()));
            }
            Err(e) => return Err(e),
        }
        // After chown, which may clear set-id bits: the exact mode.
        f.set_permissions(fs::Permissions::from_mode(mode))
    })();
    match set_up {
        Ok(()) => Ok(f),
        Err(e) => {
            drop(f);
            let _ = fs::remove_file(tmp);
            Err(e)
        }
    }
}

#[cfg(not(unix))]
fn open_new(tmp: &Path, meta: &Metadata) -> io::Result<File> {
    let f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(tmp)?;
    f.set_permissions(meta.permissions())?;
    Ok(f)
}

/// Removes temporary files a killed writer of this tracker left behind.
/// Called with the lock held, so none of them is being written. Only files
/// with this tracker's prefix, regular, and owned by the current user are
/// touched: never a file some other program made.
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = temp_prefix(name);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        let Some(rest) = n.strip_prefix(&prefix) else {
            continue;
        };
        // pid.counter.nanos, as `create_temp` names them.
        let parts: Vec<&str> = rest.split('.').collect();
        let ours = parts.len() == 3
            && parts[0].parse::<u32>().is_ok()
            && parts[1].parse::<u64>().is_ok()
            && u32::from_str_radix(parts[2], 16).is_ok();
        let Ok(meta) = fs::symlink_metadata(e.path()) else {
            continue;
        };
        if ours && meta.is_file() && owned_by_me(&meta) {
            let _ = fs::remove_file(e.path());
        }
    }
}

#[cfg(unix)]
fn owned_by_me(meta: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid();
    me.is_root() || meta.uid() == me.as_raw()
}

#[cfg(not(unix))]
fn owned_by_me(_meta: &Metadata) -> bool {
    true
}

/// A folder only the current user can change (the cache folder), held
/// open: every file in it is reached through the open folder, never
/// through a link, and checked on the open handle, so nobody else can swap
/// a name in it between a check and a use.
#[cfg(unix)]
#[derive(Debug)]
pub struct PrivateDir {
    fd: rustix::fd::OwnedFd,
}

#[cfg(unix)]
impl PrivateDir {
    /// Opens the folder `path` (created 0700 when missing) if it is owned
    /// by the effective user and neither group nor others may write it.
    /// `Err(Some(why))` names what is wrong with it; `Err(None)`: it could
    /// not be made or opened (no home, a read-only disk).
    pub fn open(path: &Path) -> Result<PrivateDir, Option<String>> {
        use rustix::fs::{FileType, Mode, OFlags};
        use std::os::unix::fs::DirBuilderExt;
        if fs::symlink_metadata(path).is_err() {
            let _ = fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(path);
        }
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|_| None)?;
        let st = rustix::fs::fstat(&fd).map_err(|_| None)?;
        let me = rustix::process::geteuid().as_raw();
        if FileType::from_raw_mode(st.st_mode) != FileType::Directory {
            return Err(None);
        }
        if st.st_uid != me {
            return Err(Some(format!(
                "it belongs to uid {}, not to you (uid {me})",
                st.st_uid
            )));
        }
        if st.st_mode & 0o022 != 0 {
            return Err(Some(format!(
                "others may write in it (mode {:o})",
                st.st_mode & 0o7777
            )));
        }
        Ok(PrivateDir { fd })
    }

    /// Opens `name` in the folder for reading, without following a link,
    /// if the file opened is a regular file of the effective user that
    /// nobody else may write (`secret`: nor read), with its length.
    pub fn open_file(&self, name: &str, secret: bool) -> Option<(File, u64)> {
        use rustix::fs::{FileType, Mode, OFlags};
        let fd = rustix::fs::openat(
            &self.fd,
            name,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .ok()?;
        let st = rustix::fs::fstat(&fd).ok()?;
        let others = if secret { 0o077 } else { 0o022 };
        let ours = FileType::from_raw_mode(st.st_mode) == FileType::RegularFile
            && st.st_uid == rustix::process::geteuid().as_raw()
            && st.st_mode & others == 0;
        ours.then(|| (File::from(fd), u64::try_from(st.st_size).unwrap_or(0)))
    }

    /// Creates `name` in the folder, private (0600), failing if anything
    /// by that name exists (a link included).
    pub fn create(&self, name: &str) -> io::Result<File> {
        use rustix::fs::{Mode, OFlags};
        let fd = rustix::fs::openat(
            &self.fd,
            name,
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        )?;
        Ok(File::from(fd))
    }

    /// Renames `from` to `to` in the folder, replacing `to`.
    pub fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        Ok(rustix::fs::renameat(&self.fd, from, &self.fd, to)?)
    }

    /// Gives the file `from` the second name `to`, failing if `to` exists.
    pub fn link(&self, from: &str, to: &str) -> io::Result<()> {
        Ok(rustix::fs::linkat(
            &self.fd,
            from,
            &self.fd,
            to,
            rustix::fs::AtFlags::empty(),
        )?)
    }

    /// Removes `name` from the folder.
    pub fn remove(&self, name: &str) -> io::Result<()> {
        Ok(rustix::fs::unlinkat(
            &self.fd,
            name,
            rustix::fs::AtFlags::empty(),
        )?)
    }
}

/// Without a way to check who may change a folder, none is trusted.
#[cfg(not(unix))]
#[derive(Debug)]
pub struct PrivateDir;

#[cfg(not(unix))]
impl PrivateDir {
    pub fn open(_path: &Path) -> Result<PrivateDir, Option<String>> {
        Err(None)
    }
    pub fn open_file(&self, _name: &str, _secret: bool) -> Option<(File, u64)> {
        None
    }
    pub fn create(&self, _name: &str) -> io::Result<File> {
        Err(io::ErrorKind::Unsupported.into())
    }
    pub fn rename(&self, _from: &str, _to: &str) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }
    pub fn link(&self, _from: &str, _to: &str) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }
    pub fn remove(&self, _name: &str) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_suffixes() {
        assert_eq!(parse_size("1000"), Some(1000));
        assert_eq!(parse_size("64K"), Some(64 << 10));
        assert_eq!(parse_size("200m"), Some(200 << 20));
        assert_eq!(parse_size(" 2G "), Some(2 << 30));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size("-1"), None);
        assert_eq!(parse_size("99999999999999999999G"), None);
    }

    #[test]
    fn refuses_a_read_only_mode_or_a_denied_access() {
        assert!(may_replace(false, Ok(())).is_ok());
        assert!(matches!(
            may_replace(true, Ok(())),
            Err(WriteError::ReadOnly)
        ));
        // Folder writable, file not: access(2) says no, and so do we.
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert!(matches!(
            may_replace(false, Err(denied)),
            Err(WriteError::ReadOnly)
        ));
        let rofs = io::Error::from(io::ErrorKind::ReadOnlyFilesystem);
        assert!(matches!(
            may_replace(false, Err(rofs)),
            Err(WriteError::ReadOnly)
        ));
    }

    /// With the most permissive umask, the temporary file still has exactly
    /// the tracker's mode while it is empty, before any byte is written.
    #[cfg(unix)]
    #[test]
    fn the_temporary_file_has_the_final_mode_before_its_first_byte() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.yaml");
        fs::write(&file, "x").unwrap();
        for mode in [0o600, 0o640, 0o664] {
            fs::set_permissions(&file, fs::Permissions::from_mode(mode)).unwrap();
            let meta = fs::metadata(&file).unwrap();
            let old = rustix::process::umask(rustix::fs::Mode::empty());
            let made = create_temp(dir.path(), "t.yaml", &meta);
            rustix::process::umask(old);
            let (tmp, f) = made.unwrap();
            assert_eq!(f.metadata().unwrap().len(), 0);
            let got = fs::metadata(&tmp).unwrap().permissions().mode() & 0o7777;
            assert_eq!(got, mode, "{mode:o}");
            assert!(tmp
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".t.yaml.shibei-tmp."));
            fs::remove_file(&tmp).unwrap();
        }
    }

    /// The cache folder is used only when nobody else could have changed
    /// it, and its files only when nobody else could have written them,
    /// checked on what was opened (a link is never followed).
    #[cfg(unix)]
    #[test]
    fn only_private_folders_and_files_of_ours_are_trusted() {
        use std::os::unix::fs::PermissionsExt;
        let top = tempfile::tempdir().unwrap();
        let dir = top.path().join("cache");
        let d = PrivateDir::open(&dir).expect("made private");
        assert_eq!(
            fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        for (mode, ok) in [(0o777, false), (0o770, false), (0o755, true), (0o700, true)] {
            fs::set_permissions(&dir, fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(PrivateDir::open(&dir).is_ok(), ok, "{mode:o}");
        }
        let f = dir.join("c.bin");
        fs::write(&f, "x").unwrap();
        fs::set_permissions(&f, fs::Permissions::from_mode(0o600)).unwrap();
        assert!(d.open_file("c.bin", true).is_some());
        fs::set_permissions(&f, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(d.open_file("c.bin", false).is_some());
        assert!(d.open_file("c.bin", true).is_none(), "a readable secret");
        fs::set_permissions(&f, fs::Permissions::from_mode(0o666)).unwrap();
        assert!(d.open_file("c.bin", false).is_none(), "world-writable");
        fs::set_permissions(&f, fs::Permissions::from_mode(0o620)).unwrap();
        assert!(d.open_file("c.bin", false).is_none(), "group-writable");
        fs::set_permissions(&f, fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink(&f, dir.join("l.bin")).unwrap();
        assert!(
            d.open_file("l.bin", false).is_none(),
            "a link is not followed"
        );
        assert!(d.create("l.bin").is_err(), "nor created through");
        fs::create_dir(dir.join("sub")).unwrap();
        assert!(d.open_file("sub", false).is_none(), "a folder");
        d.create("t").unwrap();
        assert!(d.link("t", "c.bin").is_err(), "a link never replaces");
        d.rename("t", "c.bin").unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"");
        d.remove("c.bin").unwrap();
        assert!(!f.exists());
    }

    #[test]
    fn reads_refuse_folders_fifos_devices_and_big_files() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_bounded(dir.path(), 100),
            Err(ReadError::NotRegular("a directory"))
        ));
        let big = dir.path().join("big");
        fs::write(&big, vec![b'a'; 101]).unwrap();
        assert!(matches!(
            read_bounded(&big, 100),
            Err(ReadError::TooLarge { size: 101, .. })
        ));
        assert_eq!(read_bounded(&big, 101).unwrap().len(), 101);
        #[cfg(unix)]
        {
            assert!(matches!(
                read_bounded(Path::new("/dev/zero"), 100),
                Err(ReadError::NotRegular("a character device"))
            ));
            let fifo = dir.path().join("fifo");
            rustix::fs::mkfifoat(rustix::fs::CWD, &fifo, rustix::fs::Mode::from(0o600)).unwrap();
            assert!(matches!(
                read_bounded(&fifo, 100),
                Err(ReadError::NotRegular("a named pipe (FIFO)"))
            ));
        }
    }
}
