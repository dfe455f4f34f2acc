#!/usr/bin/env bash
# Calculator response times: the median wall time of each calculator command over RUNS runs
# (default 21), in milliseconds, and its ratio to a baseline measured in the same run: starting
# the binary for `eksdoctor --version`, the floor any command pays.
#
#   bench/calc.sh [RUNS]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-21}"
(cd "$here" && cargo build --release --locked -q -p eksdoctor)
bin="$here/target/release/eksdoctor"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ms_of() { # command... → milliseconds
  local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
  echo "($e - $s) / 1000000" | bc -l
}
bench() { # label command...
  local label="$1"; shift; local t
  "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  t=$(for _ in $(seq "$runs"); do ms_of "$@"; done | median)
  printf '%-52s %8.1f ms %6.1fx\n' "$label" "$t" "$(echo "$t / $base" | bc -l)"
}

echo "$runs runs, $(nproc) cores"
base=$(for _ in $(seq "$runs"); do ms_of "$bin" --version; done | median)
printf '%-52s %8.1f ms %6.1fx\n' "baseline: eksdoctor --version" "$base" 1
bench "max-pods --instance-type m5.large" "$bin" max-pods --instance-type m5.large --cni-version 1.19.0
bench "max-pods --all --format json (every type)" "$bin" max-pods --all --cni-version 1.19.0 --format json
bench "versions --format json" "$bin" versions --as-of 2026-11-22 --format json
bench "upgrade --from 1.28 --format markdown" "$bin" upgrade --from 1.28 --as-of 2026-11-22 --format markdown
bench "upgrade --from 1.29 examples/demo (scans it)" "$bin" upgrade --from 1.29 "$here/examples/demo" --as-of 2026-11-22
bench "plan subnets (flags, 3 AZs, 2 node groups)" "$bin" plan subnets --vpc-cidr 10.0.0.0/16 --azs 3 \
  --node-group m5.large:60 --node-group c5.xlarge:30 --cronjobs 4 --fargate-pods 50
bench "plan subnets examples/terraform-eks (scans it)" "$bin" plan subnets "$here/examples/terraform-eks"
