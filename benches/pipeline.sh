#!/usr/bin/env bash
# End-to-end benchmark: generate N candidates x M roles, then run the nightly job on them,
# reporting wall time and peak memory of each step (GNU time). Release build.
#
#   benches/pipeline.sh [CANDIDATES] [ROLES] [THREADS]     (defaults: 20000 2000 all cores)
#
# The numbers in docs/PERFORMANCE.md come from this script.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
m=${2:-2000}
threads=${3:-}
# No THREADS: the run picks (all cores); 0 is not a thread count the CLI accepts.
thread_args=()
if [ -n "$threads" ]; then thread_args=(--threads "$threads"); fi
work=$(mktemp -d "${TMPDIR:-/tmp}/skillmatch-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
bin=target/release/skillmatch
echo "== gen $n candidates x $m roles (machine: $(nproc) cores)"
/usr/bin/time -f "gen: wall %e s, peak RSS %M KiB" "$bin" gen --candidates "$n" --roles "$m" --seed 7 --out "$work/data" >/dev/null
echo "files: $(find "$work/data/badges" -type f | wc -l) badge files, $(du -sh "$work/data" | cut -f1)"
echo "== run --threads ${threads:-(all cores)}"
/usr/bin/time -f "run: wall %e s, peak RSS %M KiB" "$bin" run --roster "$work/data/roster.csv" --badges "$work/data/badges" \
  --postings "$work/data/postings.jsonl" --as-of 2026-11-01 --out "$work/reports" --run-id bench "${thread_args[@]}" \
  2> >(grep -E 'done in|wall' >&2)
python3 - "$work/reports/bench/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print("stage timings (ms):", m["run"]["timings_ms"])
for stage, c in m["run"].get("profile", {}).items():
    print(f"  {stage}: wall {c['wall_ms']} ms, cpu {c['cpu_ms']} ms, peak RSS +{c['peak_rss_growth_kib']} KiB")
print("score:", m["stages"]["score"])
PY
