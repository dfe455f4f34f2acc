//! Reading input files safely (see the README): regular files only, opened without blocking,
//! bounded while reading, and, for paths that the input itself names, only inside the scanned
//! trees.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

pub mod limits;

pub use limits::Limits;

/// The largest input file read (and the most read from standard input) by default.
pub const MAX_FILE_BYTES: u64 = Limits::DEFAULT.file_bytes;

/// The largest input file read now (`[limits] file_mib`).
pub fn max_file_bytes() -> u64 {
    limits::get().file_bytes
}

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// A FIFO, a device, a socket or a directory.
    NotRegular(&'static str),
    /// Larger than the limit (in bytes).
    TooLarge(u64),
    /// Not UTF-8 text: the line of the first invalid byte.
    NotUtf8(u32),
    /// The operating system's error.
    Io(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotRegular(kind) => write!(f, "not a regular file ({kind}): not read"),
            ReadError::TooLarge(limit) => {
                write!(
                    f,
                    "larger than {}: not read (the scan's limit, `[limits]` in .eksdoctor.toml)",
                    human_size(*limit)
                )
            }
            ReadError::NotUtf8(line) => write!(f, "not UTF-8 text (line {line}): not read"),
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

impl std::error::Error for ReadError {}

fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / 1024 / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

fn io(e: std::io::Error) -> ReadError {
    ReadError::Io(e.to_string())
}

/// What kind of non-regular file `t` is, if it is not a regular file.
fn irregular(t: std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    if t.is_dir() {
        return Some("a directory");
    }
    (!t.is_file()).then_some("not a file")
}

/// True when `path` (following symbolic links) is a regular file.
pub fn is_regular_file(path: &Path) -> bool {
    regular(path).is_ok()
}

/// `Ok` when `path` (following symbolic links) is a regular file; else what it is.
pub fn regular(path: &Path) -> Result<(), ReadError> {
    let meta = std::fs::metadata(path).map_err(io)?;
    match irregular(meta.file_type()) {
        Some(kind) => Err(ReadError::NotRegular(kind)),
        None => Ok(()),
    }
}

fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    o.open(path)
}

/// The bytes of the regular file `path`, at most `limit` of them. The file type is checked
/// before opening and again on the opened file (a FIFO swapped in between is still refused), the
/// file is opened without blocking, and reading stops after `limit` bytes whatever the file
/// claims its size is.
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(io)?;
    if let Some(kind) = irregular(meta.file_type()) {
        return Err(ReadError::NotRegular(kind));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge(limit));
    }
    let file = open_nonblocking(path).map_err(io)?;
    if let Some(kind) = irregular(file.metadata().map_err(io)?.file_type()) {
        return Err(ReadError::NotRegular(kind));
    }
    let mut buf = Vec::with_capacity(meta.len().min(limit) as usize + 1);
    file.take(limit + 1).read_to_end(&mut buf).map_err(io)?;
    if buf.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(buf)
}

/// Bytes as UTF-8 text, or the line of the first invalid byte.
pub fn text(bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..valid]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        ReadError::NotUtf8(line as u32)
    })
}

/// The regular file `path` as UTF-8 text, at most [`max_file_bytes`] bytes.
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    text(read(path, max_file_bytes())?)
}

/// Standard input as UTF-8 text, at most `limit` bytes.
pub fn read_stdin(limit: u64) -> Result<String, ReadError> {
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(io)?;
    if buf.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    text(buf)
}

/// The root of the git work tree that holds `path` (the nearest directory above it with a
/// `.git`), if any.
pub fn git_root(path: &Path) -> Option<PathBuf> {
    let start = std::path::absolute(path).ok()?;
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        if d.join(".git").exists() {
            return Some(d.to_path_buf());
        }
        dir = d.parent();
    }
    None
}

/// Directories no input may make eksdoctor read, whatever the roots.
const SYSTEM: &[&str] = &["/proc", "/dev", "/sys"];

/// True for a resolved path in a system directory (or the file system's root itself).
pub fn is_system(canon: &Path) -> bool {
    canon == Path::new("/") || SYSTEM.iter().any(|s| canon.starts_with(s))
}

/// The trees that paths named by the input (Terraform's `file()`, `templatefile()`,
/// `fileset()`, local module sources, symbolic links in a root module) may point into: the
/// scanned paths, the git work trees holding them, and directories the user allows.
#[derive(Debug, Clone, Default)]
pub struct Confinement {
    roots: Vec<PathBuf>,
}

impl Confinement {
    /// Confinement to `roots` (each resolved; a file stands for its directory; one that does not
    /// exist is left out).
    pub fn new(roots: impl IntoIterator<Item = PathBuf>) -> Confinement {
        let mut out: Vec<PathBuf> = Vec::new();
        for r in roots {
            let Ok(c) = r.canonicalize() else { continue };
            let c = if c.is_dir() {
                c
            } else {
                c.parent().map(Path::to_path_buf).unwrap_or(c)
            };
            if !out.contains(&c) {
                out.push(c);
            }
        }
        Confinement { roots: out }
    }

    /// The scanned `paths`, the git work trees that hold them, and `allowed` directories.
    pub fn for_scan(paths: &[PathBuf], allowed: &[PathBuf]) -> Confinement {
        let mut roots: Vec<PathBuf> = paths.to_vec();
        roots.extend(paths.iter().filter_map(|p| git_root(p)));
        roots.extend(allowed.iter().cloned());
        Confinement::new(roots)
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// `path` resolved (symbolic links followed), when it lies inside one of the roots and not
    /// in a system directory; else why it may not be read.
    pub fn check(&self, path: &Path) -> Result<PathBuf, String> {
        self.check_within(path, None)
    }

    /// Like [`Confinement::check`], with one more root: the directory of the module whose code
    /// names the path (Terraform reads a local module wherever its source points, and
    /// `path.module` is its directory).
    pub fn check_within(&self, path: &Path, module_dir: Option<&Path>) -> Result<PathBuf, String> {
        let canon = path
            .canonicalize()
            .map_err(|e| format!("cannot be resolved: {e}"))?;
        if is_system(&canon) {
            return Err("is a system path (/proc, /dev, /sys): never read".into());
        }
        let in_module = module_dir
            .and_then(|d| d.canonicalize().ok())
            .is_some_and(|d| !is_system(&d) && canon.starts_with(d));
        if in_module || self.roots.iter().any(|r| canon.starts_with(r)) {
            Ok(canon)
        } else {
            Err("is outside the scanned tree: not read (scan a directory that holds it, or allow it with --allow-read DIR)".into())
        }
    }

    /// True when `path` may be read (see [`Confinement::check`]).
    pub fn allows(&self, path: &Path) -> bool {
        self.check(path).is_ok()
    }
}

#[cfg(test)]
mod tests;
