#!/usr/bin/env bash
# Scan-time benchmark on the synthetic EKS monorepo of ../shared/tools/gen-perf-corpus.py.
# Prints the median wall time of each scan over RUNS runs, and its ratio to a baseline measured in
# the same run: reading every byte of the corpus (`cat`), the floor any scanner pays.
#
#   bench/run.sh [--small] [RUNS]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
small=""
if [ "${1:-}" = "--small" ]; then small="--small"; shift; fi
runs="${1:-5}"
corpus="${TMPDIR:-/tmp}/eksdoctor-bench-corpus${small:+-small}"
gen="$here/../shared/tools/gen-perf-corpus.py"
[ -d "$corpus" ] || python3 "$gen" "$corpus" $small --force >/dev/null
(cd "$here" && cargo build --release --locked -q -p eksdoctor)
bin="$here/target/release/eksdoctor"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
time_of() { # command... → seconds
  local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
  echo "$e - $s" | bc -l
}
bench() { # label command...
  local label="$1"; shift; local t
  t=$(for _ in $(seq "$runs"); do time_of "$@"; done | median)
  printf '%-44s %8.3f s %8.1fx\n' "$label" "$t" "$(echo "$t / $base" | bc -l)"
}

files=$(find "$corpus" -type f | wc -l)
bytes=$(du -sb "$corpus" | cut -f1)
echo "corpus: $corpus ($files files, $((bytes / 1024 / 1024)) MiB), $runs runs, $(nproc) cores"
base=$(for _ in $(seq "$runs"); do time_of sh -c "find '$corpus' -type f -print0 | xargs -0 cat"; done | median)
printf '%-44s %8.3f s %8.1fx\n' "baseline: read every file (cat)" "$base" 1
bench "scan all (json)" "$bin" scan "$corpus" --format json --as-of 2026-11-22
bench "scan Terraform only" "$bin" scan "$corpus/infra" --format json --as-of 2026-11-22
bench "scan manifests and eksctl only" "$bin" scan "$corpus/k8s" "$corpus/clusters" --format json --as-of 2026-11-22
