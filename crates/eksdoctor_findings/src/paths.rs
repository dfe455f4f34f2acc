//! File paths as reports and baselines name them: relative to the root of the git work tree the
//! scan runs in (else the directory it runs in), whatever directory the scan was started from and
//! whether the paths were given relative or absolute.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The git work tree the current directory is in (the nearest directory upward with `.git`),
/// else the current directory. Computed once per process.
pub fn source_root() -> Option<&'static Path> {
    static ROOT: OnceLock<Option<PathBuf>> = OnceLock::new();
    ROOT.get_or_init(|| {
        let cwd = std::env::current_dir().ok()?;
        let mut dir = cwd.as_path();
        loop {
            if dir.join(".git").exists() {
                return Some(dir.to_path_buf());
            }
            match dir.parent() {
                Some(p) => dir = p,
                None => return Some(cwd),
            }
        }
    })
    .as_deref()
}

pub use eksdoctor_inventory::paths::normalize;

/// The absolute, normalized form of a path as given on the command line.
pub fn absolute(file: &str) -> PathBuf {
    let p = Path::new(file);
    if p.is_absolute() {
        normalize(p)
    } else {
        match std::env::current_dir() {
            Ok(cwd) => normalize(&cwd.join(p)),
            Err(_) => normalize(p),
        }
    }
}

/// The path relative to [`source_root`] with `/` separators, when the file is inside it.
pub fn relative_to_root(file: &str) -> Option<String> {
    let root = source_root()?;
    let abs = absolute(file);
    let rel = abs.strip_prefix(root).ok()?;
    Some(rel.to_string_lossy().replace('\\', "/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_file_named_three_ways_is_one_path() {
        let cwd = std::env::current_dir().unwrap();
        let here = relative_to_root("Cargo.toml").unwrap();
        assert_eq!(relative_to_root("./Cargo.toml").unwrap(), here);
        let abs = cwd.join("Cargo.toml");
        assert_eq!(relative_to_root(abs.to_str().unwrap()).unwrap(), here);
        assert!(here.ends_with("Cargo.toml"));
    }
}
