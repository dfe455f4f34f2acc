#!/usr/bin/env bash
# pre-commit entry point (see .pre-commit-hooks.yaml). pre-commit runs it from its clone of this
# repository: build eksdoctor there once (cargo keeps the build, later runs are instant), then scan
# the user's repository, which is the working directory. Arguments are `scan` arguments.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$repo/target/release/eksdoctor"
if ! cargo build --quiet --release --locked --manifest-path "$repo/Cargo.toml" -p eksdoctor; then
  echo "eksdoctor pre-commit hook: building eksdoctor failed (it needs a Rust toolchain, 1.85 or newer)" >&2
  exit 2
fi
exec "$bin" scan "$@"
