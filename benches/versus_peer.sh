#!/usr/bin/env bash
# skillmatch and the Python peer (../shared/peer) side by side, in one run, on the same `gen`
# data: wall time and peak RSS of each (GNU time), their ratios, and the ranking quality of each
# against the data's truth file (`skillmatch eval matching`). Release build.
#
#   benches/versus_peer.sh [CANDIDATES] [ROLES] [SEED] [LAYOUT]   (defaults: 2000 300 7001 folders)
#
# LAYOUT is `folders` or `bundles` (gen --layout). PEER overrides the peer's folder
# (default ../shared/peer). Seeds 1002 and 1003 are the tuning seeds; report fresh ones.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
m=${2:-300}
seed=${3:-7001}
layout=${4:-folders}
peer=${PEER:-../shared/peer}
[ -x "$peer/run.sh" ] || { echo "no Python peer at $peer (set PEER)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/skillmatch-vs-peer.XXXXXX")
trap 'rm -rf "$work"' EXIT
# SKILLMATCH_BIN: an already built binary (skips the build).
if [ -z "${SKILLMATCH_BIN:-}" ]; then cargo build --release --quiet; fi
bin=${SKILLMATCH_BIN:-target/release/skillmatch}
echo "== gen $n candidates x $m roles, seed $seed, layout $layout ($(nproc) cores)"
"$bin" gen --candidates "$n" --roles "$m" --seed "$seed" --layout "$layout" --out "$work/data" >/dev/null
echo "data: $(du -sh "$work/data" | cut -f1)"

# Each tool's wall seconds and peak RSS (KiB) from GNU time's -f output.
measure() { # name, command...
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" >"$work/$name.log" 2>&1 ||
    { echo "$name failed:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
}
echo "== skillmatch run"
measure skillmatch "$bin" run --config "$work/data/run.toml" --out "$work/sm" --run-id bench --top-k 10 --quiet
echo "== Python peer (its virtual environment is set up first, outside the measurement)"
"$peer/run.sh" "$work/data" "$work/peer-warmup" --as-of 2026-11-01 --top-k 1 >/dev/null 2>&1 || true
measure peer "$peer/run.sh" "$work/data" "$work/peer" --as-of 2026-11-01 --top-k 10

for tool in skillmatch peer; do
  dir="$work/sm/bench"
  [ "$tool" = peer ] && dir="$work/peer"
  "$bin" eval matching --run "$dir" --truth "$work/data/truth.csv" --postings "$work/data/postings.jsonl" \
    --format json >"$work/$tool.eval.json"
done
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
t = {k: open(f"{w}/{k}.time").read().split() for k in ("skillmatch", "peer")}
e = {k: json.load(open(f"{w}/{k}.eval.json")) for k in ("skillmatch", "peer")}
print(f"{'':40}{'skillmatch':>12}{'peer':>12}{'ratio':>10}")
ws, wp = float(t['skillmatch'][0]), float(t['peer'][0])
rs, rp = int(t['skillmatch'][1]) / 1024, int(t['peer'][1]) / 1024
print(f"{'wall (s)':40}{ws:12.1f}{wp:12.1f}{wp / ws:9.2f}x faster")
print(f"{'peak RSS (MiB)':40}{rs:12.0f}{rp:12.0f}{rs / rp:9.2f} of the peer's")
for part, label in (("all", "all candidates"), ("unlisted_skills", "true posting lists no skills")):
    a, b = e["skillmatch"].get(part, {}), e["peer"].get(part, {})
    for k in ("@1", "@5"):
        if k in a.get("recall", {}) and k in b.get("recall", {}):
            print(f"{'R' + k + ' (' + label + ')':40}{a['recall'][k]:12.4f}{b['recall'][k]:12.4f}")
PY
