//! The scan's resource limits that a user may need to raise (`[limits]` in `.eksdoctor.toml`):
//! the size of one input file, of one Terraform file, the resource instances of one root module
//! and its evaluation steps. They are set once per process, before the scan, and read
//! wherever the bound applies; each has a ceiling no configuration can pass, so a hostile
//! configuration cannot lift the bound altogether.

use std::sync::atomic::{AtomicU64, Ordering};

/// One set of limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest input file read (YAML, JSON, plans, configuration, standard input), bytes.
    pub file_bytes: u64,
    /// The largest Terraform file read (`.tf`, `.tf.json`, `.tfvars`), bytes.
    pub terraform_file_bytes: u64,
    /// Resource, data source and `dynamic` block instances of one root module.
    pub instances: u64,
    /// Evaluation steps of one root module.
    pub eval_steps: u64,
}

impl Limits {
    /// The defaults (docs/security.md).
    pub const DEFAULT: Limits = Limits {
        file_bytes: 32 * MIB,
        terraform_file_bytes: 8 * MIB,
        instances: 20_000,
        eval_steps: 20_000_000,
    };
    /// The most any configuration may set.
    pub const CEILING: Limits = Limits {
        file_bytes: 1024 * MIB,
        terraform_file_bytes: 128 * MIB,
        instances: 1_000_000,
        eval_steps: 2_000_000_000,
    };
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

const MIB: u64 = 1024 * 1024;

static FILE_BYTES: AtomicU64 = AtomicU64::new(Limits::DEFAULT.file_bytes);
static TERRAFORM_FILE_BYTES: AtomicU64 = AtomicU64::new(Limits::DEFAULT.terraform_file_bytes);
static INSTANCES: AtomicU64 = AtomicU64::new(Limits::DEFAULT.instances);
static EVAL_STEPS: AtomicU64 = AtomicU64::new(Limits::DEFAULT.eval_steps);

/// Set the limits of this process (values past a ceiling are clamped to it, zero to one).
pub fn set(l: Limits) {
    let c = Limits::CEILING;
    FILE_BYTES.store(l.file_bytes.clamp(1, c.file_bytes), Ordering::Relaxed);
    TERRAFORM_FILE_BYTES.store(
        l.terraform_file_bytes.clamp(1, c.terraform_file_bytes),
        Ordering::Relaxed,
    );
    INSTANCES.store(l.instances.clamp(1, c.instances), Ordering::Relaxed);
    EVAL_STEPS.store(l.eval_steps.clamp(1, c.eval_steps), Ordering::Relaxed);
}

/// The limits in force.
pub fn get() -> Limits {
    Limits {
        file_bytes: FILE_BYTES.load(Ordering::Relaxed),
        terraform_file_bytes: TERRAFORM_FILE_BYTES.load(Ordering::Relaxed),
        instances: INSTANCES.load(Ordering::Relaxed),
        eval_steps: EVAL_STEPS.load(Ordering::Relaxed),
    }
}
