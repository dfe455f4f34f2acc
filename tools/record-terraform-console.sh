#!/usr/bin/env bash
# Records what `terraform console` (no providers needed) prints for each expression in
# crates/eksdoctor_terraform/tests/data/console-exprs.txt, as JSON, into console-expected.jsonl.
# The evaluator's tests compare against the recorded file, so they need no terraform binary.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
data="$here/crates/eksdoctor_terraform/tests/data"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
: > "$data/console-expected.jsonl"
terraform version -json | python3 -c 'import json,sys; print("# terraform", json.load(sys.stdin)["terraform_version"])' > "$data/console-version.txt"
while IFS= read -r expr; do
  [ -z "$expr" ] && continue
  # An expression Terraform rejects is recorded as an error (the evaluator must reject it too).
  out="$(printf 'jsonencode(%s)\n' "$expr" | terraform console 2>/dev/null | tail -n 1)" || out=""
  python3 - "$expr" "$out" >> "$data/console-expected.jsonl" <<'PY'
import json, sys
expr, out = sys.argv[1], sys.argv[2]
# terraform console prints the jsonencode() result as an HCL string literal.
s = json.loads(out) if out.startswith('"') else None
rec = {"expr": expr, "json": json.loads(s) if s is not None else None, "raw": out}
if s is None:
    rec["error"] = True
print(json.dumps(rec))
PY
done < "$data/console-exprs.txt"
