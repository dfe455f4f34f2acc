use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// A Kubernetes minor version such as `1.31`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubeVersion {
    pub const fn new(major: u32, minor: u32) -> KubeVersion {
        KubeVersion { major, minor }
    }

    /// The next minor version.
    pub fn next(self) -> KubeVersion {
        KubeVersion::new(self.major, self.minor + 1)
    }

    /// Minor versions between `self` and a newer `other` (0 when equal; negative when older).
    pub fn minors_behind(self, other: KubeVersion) -> i64 {
        if self.major != other.major {
            return i64::from(other.major) * 1000 - i64::from(self.major) * 1000;
        }
        i64::from(other.minor) - i64::from(self.minor)
    }
}

impl FromStr for KubeVersion {
    type Err = String;

    /// Accepts `1.31`, `"1.31"`, `1.31.2`, `v1.31`, `1.31.0-20240110` (major and minor are kept).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().trim_matches('"').trim_start_matches('v');
        let mut parts = t.split(['.', '-', '+']);
        let major = parts.next().and_then(|p| p.parse::<u32>().ok());
        let minor = parts.next().and_then(|p| p.parse::<u32>().ok());
        match (major, minor) {
            (Some(major), Some(minor)) => Ok(KubeVersion { major, minor }),
            _ => Err(format!("`{s}` is not a Kubernetes version like 1.31")),
        }
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}
