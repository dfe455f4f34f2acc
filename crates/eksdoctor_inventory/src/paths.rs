//! Lexical path normalisation shared by the sources (module directories) and the reports.

use std::path::{Component, Path, PathBuf};

/// `a/./b/../c` → `a/c` without touching the file system. A `..` that climbs above the start of
/// a relative path is kept (`infra/../../x` → `../x`); above the root of an absolute one it is
/// dropped, as the file system does. A path that comes to nothing is `.`.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir) | Some(Component::Prefix(_)) => {}
                Some(Component::ParentDir) | Some(Component::CurDir) | None => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(p: &str) -> String {
        normalize(Path::new(p)).to_string_lossy().into_owned()
    }

    #[test]
    fn relative_and_absolute_paths() {
        assert_eq!(n("infra/../modules/net"), "modules/net");
        assert_eq!(n("./infra/../modules/net"), "modules/net");
        assert_eq!(n("a/./b/../c"), "a/c");
        assert_eq!(n("a/.."), ".");
        assert_eq!(n("."), ".");
        assert_eq!(n("./main.tf"), "main.tf");
        assert_eq!(n("../x"), "../x");
        assert_eq!(n("../../x"), "../../x");
        assert_eq!(n("infra/../../x"), "../x");
        assert_eq!(n("/tmp/lay/infra/../modules"), "/tmp/lay/modules");
        assert_eq!(n("/../x"), "/x");
    }
}
