//! File paths as reports and baselines name them: relative to the root of the git work tree the
//! scan runs in (else the directory it runs in), whatever directory the scan was started from and
//! whether the paths were given relative or absolute. A [`Workspace`] is data: the caller (the
//! binary) finds the current directory and the work tree root; nothing here reads the filesystem.

use std::path::{Path, PathBuf};

pub use eksdoctor_inventory::paths::normalize;

/// Where a scan runs: its current directory and the root of the work tree it is in.
#[derive(Debug, Clone, Default)]
pub struct Workspace {
    /// The current directory (relative paths are relative to it).
    pub cwd: PathBuf,
    /// The git work tree root (the nearest directory upward with `.git`), else the current
    /// directory; `None` when not even that is known.
    pub root: Option<PathBuf>,
}

impl Workspace {
    /// A workspace whose current directory and root are `dir`.
    pub fn at(dir: &Path) -> Workspace {
        Workspace {
            cwd: dir.to_path_buf(),
            root: Some(dir.to_path_buf()),
        }
    }

    /// The absolute, normalized form of a path as given on the command line.
    pub fn absolute(&self, file: &str) -> PathBuf {
        let p = Path::new(file);
        if p.is_absolute() {
            normalize(p)
        } else {
            normalize(&self.cwd.join(p))
        }
    }

    /// The path relative to the root with `/` separators, when the file is inside it.
    pub fn relative_to_root(&self, file: &str) -> Option<String> {
        self.from_root(file).filter(|r| !r.starts_with("../"))
    }

    /// The path from the root with `/` separators, `../` where the file is outside it (`None`
    /// only when they share no ancestor, or the root is not known).
    pub fn from_root(&self, file: &str) -> Option<String> {
        let root = normalize(self.root.as_deref()?);
        let abs = self.absolute(file);
        let common = root
            .components()
            .zip(abs.components())
            .take_while(|(a, b)| a == b)
            .count();
        if common == 0 {
            return None;
        }
        let up = root.components().count() - common;
        let mut parts: Vec<String> = vec!["..".to_string(); up];
        parts.extend(
            abs.components()
                .skip(common)
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
        );
        Some(parts.join("/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_file_named_three_ways_is_one_path() {
        let ws = Workspace {
            cwd: PathBuf::from("/repo/infra"),
            root: Some(PathBuf::from("/repo")),
        };
        let here = ws.relative_to_root("main.tf").unwrap();
        assert_eq!(here, "infra/main.tf");
        assert_eq!(ws.relative_to_root("./main.tf").unwrap(), here);
        assert_eq!(ws.relative_to_root("../infra/main.tf").unwrap(), here);
        assert_eq!(ws.relative_to_root("/repo/infra/main.tf").unwrap(), here);
        assert_eq!(ws.relative_to_root("/elsewhere/x.tf"), None);
        assert_eq!(
            ws.from_root("/elsewhere/x.tf").unwrap(),
            "../elsewhere/x.tf"
        );
        assert_eq!(
            ws.from_root("../../elsewhere/x.tf").unwrap(),
            "../elsewhere/x.tf"
        );
        assert_eq!(ws.from_root("main.tf").unwrap(), here);
    }
}
