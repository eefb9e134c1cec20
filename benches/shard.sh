#!/usr/bin/env bash
# Sharded flow as a scheduler runs it, with the release binary: generate CANDIDATES x ROLES, run
# the single job, then for each scheduler (Slurm job array, AWS Batch array job, Kubernetes
# Indexed Job) run `skillmatch prepare` once and SHARDS separate `skillmatch run --prepared`
# processes with that scheduler's environment variables (last index first), `merge` them, and
# compare the merged folder with the single run byte for byte (manifest: all but its `run` block
# and the engine's work counters). Prints the total shard work (prepare included) against the
# single run. Exit 1 on any difference.
#
#   benches/shard.sh [CANDIDATES] [ROLES] [SHARDS] [THREADS] [SCHEDULERS]
#   (defaults: 20000 2000 4 2 "slurm aws-batch kubernetes")
#
# SHARD_PREPARE=0 runs the shards without the prepare step (each then indexes every badge file).
#
# docs/PERFORMANCE.md "Sharded runs" quotes this script's output; .ci/run runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
m=${2:-2000}
shards=${3:-4}
threads=${4:-2}
schedulers=${5:-slurm aws-batch kubernetes}
work=$(mktemp -d "${TMPDIR:-/tmp}/skillmatch-shard.XXXXXX")
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
bin=$PWD/target/release/skillmatch
if [ -n "${CARGO_TARGET_DIR:-}" ]; then bin=$CARGO_TARGET_DIR/release/skillmatch; fi
# Never inherit a scheduler's variables from the machine running this script.
unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_COUNT AWS_BATCH_JOB_ARRAY_INDEX AWS_BATCH_JOB_ARRAY_SIZE \
  JOB_COMPLETION_INDEX SKILLMATCH_SHARD_COUNT

echo "== gen $n candidates x $m roles (machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
"$bin" gen --candidates "$n" --roles "$m" --seed 7 --out "$work/data" >/dev/null
job=(--roster "$work/data/roster.csv" --badges "$work/data/badges" --postings "$work/data/postings.jsonl"
  --as-of 2026-11-01 --threads "$threads" --quiet)

# Runs a command under GNU time, appending "wall cpu" (seconds) to the file $1.
timed() {
  local log=$1
  shift
  /usr/bin/time -f "%e %U %S" -o "$work/time.txt" "$@" >/dev/null
  awk '{printf "%s %.2f\n", $1, $2 + $3}' "$work/time.txt" >>"$log"
}
sum() { awk '{w += $1; c += $2} END {printf "%.2f %.2f\n", w, c}' "$1"; }

echo "== single run --threads $threads"
timed "$work/single.t" "$bin" run "${job[@]}" --out "$work/single" --run-id single
read -r single_wall single_cpu < <(sum "$work/single.t")
echo "single run: wall ${single_wall} s, cpu ${single_cpu} s"
# Stage timings (ms) from a folder's manifest.
stages() {
  python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); print(" ", sys.argv[2], m["run"]["timings_ms"])' "$1/manifest.json" "$2"
}
stages "$work/single/single" "single run stages (ms):"

status=0
for sched in $schedulers; do
  out="$work/$sched"
  : >"$work/$sched.shards.t"
  prepared=()
  if [ "${SHARD_PREPARE:-1}" != 0 ]; then
    mkdir -p "$out"
    : >"$work/$sched.prepare.t"
    timed "$work/$sched.prepare.t" "$bin" prepare "${job[@]:0:6}" --threads "$threads" --quiet --out "$out/prepared.json"
    cat "$work/$sched.prepare.t" >>"$work/$sched.shards.t"
    read -r prep_wall prep_cpu < <(sum "$work/$sched.prepare.t")
    echo "$sched: prepare: wall ${prep_wall} s, cpu ${prep_cpu} s (counted in the shards' total)"
    prepared=(--prepared "$out/prepared.json")
  fi
  for ((i = shards - 1; i >= 0; i--)); do
    case $sched in
      slurm) env=(SLURM_ARRAY_TASK_ID="$i" SLURM_ARRAY_TASK_COUNT="$shards") ;;
      aws-batch) env=(AWS_BATCH_JOB_ARRAY_INDEX="$i" AWS_BATCH_JOB_ARRAY_SIZE="$shards") ;;
      kubernetes) env=(JOB_COMPLETION_INDEX="$i" SKILLMATCH_SHARD_COUNT="$shards") ;;
    esac
    timed "$work/$sched.shards.t" env "${env[@]}" "$bin" run "${job[@]}" "${prepared[@]}" --out "$out"
  done
  : >"$work/$sched.merge.t"
  timed "$work/$sched.merge.t" "$bin" merge "$out"/shard-*-of-* --out "$out" --run-id merged --threads "$threads" --quiet
  read -r shard_wall shard_cpu < <(sum "$work/$sched.shards.t")
  read -r merge_wall merge_cpu < <(sum "$work/$sched.merge.t")
  same=yes
  for f in "$work/single/single"/*; do
    name=$(basename "$f")
    [ "$name" = manifest.json ] && continue
    cmp -s "$f" "$out/merged/$name" || { echo "DIFFERENT: $sched $name"; same=no; }
  done
  [ "$(ls "$work/single/single")" = "$(ls "$out/merged")" ] || { echo "DIFFERENT: $sched file list"; same=no; }
  python3 - "$work/single/single/manifest.json" "$out/merged/manifest.json" <<'PY' || same=no
import json, sys
work = ["candidate_blocks", "candidate_blocks_opened", "candidate_pairs_scored", "pairs_scored",
        "postings_visited", "role_blocks", "role_blocks_opened", "role_pairs_scored"]
def load(path):
    m = json.load(open(path))
    del m["run"]
    for k in work:
        del m["stages"]["score"][k]
    return m
if load(sys.argv[1]) != load(sys.argv[2]):
    print("DIFFERENT: manifest.json outside the run block and the work counters")
    sys.exit(1)
PY
  [ $same = yes ] || status=1
  label=shards
  [ "${SHARD_PREPARE:-1}" != 0 ] && label="prepare + shards"
  awk -v s="$sched" -v n="$shards" -v label="$label" -v sw="$shard_wall" -v sc="$shard_cpu" -v mw="$merge_wall" -v mc="$merge_cpu" \
    -v w="$single_wall" -v c="$single_cpu" -v same="$same" 'BEGIN {
      printf "%s, %d shards: identical to the single run: %s\n", s, n, same
      printf "  %s: wall %.2f s total (%.2fx the single run), cpu %.2f s (%.2fx)\n", label, sw, sw / w, sc, sc / c
      printf "  merge:  wall %.2f s, cpu %.2f s; shards + merge: wall %.2f s (%.2fx), cpu %.2f s (%.2fx)\n", mw, mc, sw + mw, (sw + mw) / w, sc + mc, (sc + mc) / c
    }'
  stages "$out/shard-0000-of-$(printf %04d "$shards")" "shard 0 stages (ms):"
  stages "$out/merged" "merge stages (ms):"
  sort -n "$work/$sched.shards.t" | tail -n 1 | awk '{printf "  longest shard (or prepare): wall %s s, cpu %s s\n", $1, $2}'
done
[ $status -eq 0 ] && echo "sharded flow: every merged folder identical to the single run" || echo "sharded flow: DIFFERENCES"
exit $status
