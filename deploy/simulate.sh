#!/usr/bin/env bash
# Drives `skillmatch run --shard` / the scheduler variables and `skillmatch merge` (issue 17);
# deploy/check.sh lints it (shellcheck) and `deploy/check.sh --bin BIN --simulate` runs it.
#
# Runs each scheduler's sharded flow on this machine as N local processes, with the environment
# each scheduler gives its tasks, then the merge, and checks that every merged run folder is
# byte-identical to a single unsharded run (all files but manifest.json, whose run block differs):
#   kubernetes  JOB_COMPLETION_INDEX + SKILLMATCH_SHARD_COUNT, the merge Job's shell pattern
#   slurm       deploy/slurm/shard.sbatch and merge.sbatch themselves, with SLURM_ARRAY_TASK_ID,
#               SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN/MAX and SLURM_CPUS_PER_TASK set
#   aws-batch   the job definitions' commands with submit.sh's parameters substituted for Ref::,
#               AWS_BATCH_JOB_ARRAY_INDEX + AWS_BATCH_JOB_ARRAY_SIZE, and submit.sh's merge command
# Shards run in reverse index order. Then a merge missing one shard, and one given a shard twice,
# must both exit 2.
#
#   deploy/simulate.sh --bin PATH --config FILE [--shards N] [--as-of YYYY-MM-DD] [--work DIR]
#
# Exit codes: 0 all flows merged to the single run's files, 1 a difference or a failed step,
# 2 bad arguments.
set -euo pipefail

deploy=$(cd "$(dirname "$0")" && pwd)
bin="" config="" shards=3 as_of=2026-11-01 work=""
fail() { echo "simulate.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || fail "$1 needs a value"
  case "$1" in
    --bin) bin=$2 ;;
    --config) config=$2 ;;
    --shards) shards=$2 ;;
    --as-of) as_of=$2 ;;
    --work) work=$2 ;;
    *) fail "unknown argument: $1" ;;
  esac
  shift 2
done
[ -x "$bin" ] || fail "--bin is not an executable: $bin"
[ -f "$config" ] || fail "--config file not found: $config"
[[ "$shards" =~ ^[1-9][0-9]*$ ]] && [ "$shards" -ge 2 ] || fail "--shards must be an integer of at least 2: $shards"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
config=$(cd "$(dirname "$config")" && pwd)/$(basename "$config")
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
run_id=simulated
status=0
problem() { echo "simulate.sh: $*" >&2; status=1; }

echo "== single run (reference)"
"$bin" run --config "$config" --as-of "$as_of" --out "$work/single" --run-id "$run_id" --quiet >/dev/null

# Compares merged run folder $2 of scheduler $1 with the single run, file by file.
same_as_single() {
  local name=$1 merged=$2 f
  [ -d "$merged" ] || { problem "$name: no merged run folder $merged"; return; }
  while IFS= read -r f; do
    [ "$f" = manifest.json ] && continue
    cmp -s "$work/single/$run_id/$f" "$merged/$f" || problem "$name: $f differs from the single run's"
  done < <(cd "$work/single/$run_id" && find . -type f | sed 's#^\./##' | sort)
  while IFS= read -r f; do
    [ -e "$work/single/$run_id/$f" ] || problem "$name: $f is not in the single run"
  done < <(cd "$merged" && find . -type f | sed 's#^\./##' | sort)
  echo "$name: merged run compared with the single run"
}

echo "== kubernetes: Indexed Job"
root="$work/kubernetes/shards/$run_id"
for ((i = shards - 1; i >= 0; i--)); do
  env JOB_COMPLETION_INDEX="$i" SKILLMATCH_SHARD_COUNT="$shards" \
    "$bin" run --config "$config" --as-of "$as_of" --out "$root" --threads 1 --quiet >/dev/null \
    || problem "kubernetes: shard $i failed"
done
# The merge Job's command, with /data at $work/kubernetes.
RUN_ID=$run_id DATA="$work/kubernetes" SKILLMATCH="$bin" sh -c \
  'exec "$SKILLMATCH" merge "$DATA"/shards/"$RUN_ID"/shard-*-of-* --out "$DATA"/reports --run-id "$RUN_ID"' >/dev/null \
  || problem "kubernetes: merge failed"
same_as_single kubernetes "$work/kubernetes/reports/$run_id"

echo "== slurm: job array"
for ((i = shards - 1; i >= 0; i--)); do
  env SLURM_ARRAY_TASK_ID="$i" SLURM_ARRAY_TASK_COUNT="$shards" SLURM_ARRAY_TASK_MIN=0 \
    SLURM_ARRAY_TASK_MAX=$((shards - 1)) SLURM_CPUS_PER_TASK=2 \
    SM_BIN="$bin" SM_CONFIG="$config" SM_AS_OF="$as_of" SM_SHARD_ROOT="$work/slurm/shards/$run_id" \
    "$deploy/slurm/shard.sbatch" >/dev/null || problem "slurm: shard $i failed"
done
env SM_BIN="$bin" SM_SHARD_ROOT="$work/slurm/shards/$run_id" SM_OUT="$work/slurm/reports" SM_RUN_ID="$run_id" \
  "$deploy/slurm/merge.sbatch" >/dev/null || problem "slurm: merge failed"
same_as_single slurm "$work/slurm/reports/$run_id"

echo "== aws-batch: array job"
"$deploy/aws-batch/submit.sh" --job-queue local --shards "$shards" --as-of "$as_of" --run-id "$run_id" \
  --data-root "$work/aws-batch" --config "$config" --threads 1 --print "$work/aws-requests" >/dev/null
# One command per line, NUL-separated words: the shard job definition's command with the
# request's parameters for Ref::, then the merge request's command.
python3 - "$deploy/aws-batch/job-definition-shard.json" "$work/aws-requests" > "$work/aws-commands" <<'PY'
import json, sys
definition = json.load(open(sys.argv[1]))
shard = json.load(open(sys.argv[2] + "/shards.json"))
merge = json.load(open(sys.argv[2] + "/merge.json"))
params = {**definition.get("parameters", {}), **shard.get("parameters", {})}
run = [params[w[5:]] if w.startswith("Ref::") else w for w in definition["containerProperties"]["command"]]
for command in (run, merge["containerOverrides"]["command"]):
    sys.stdout.write("\0".join(command) + "\n")
PY
mapfile -t -d $'\0' run_cmd < <(sed -n 1p "$work/aws-commands" | tr -d '\n')
mapfile -t -d $'\0' merge_cmd < <(sed -n 2p "$work/aws-commands" | tr -d '\n')
for ((i = shards - 1; i >= 0; i--)); do
  env AWS_BATCH_JOB_ARRAY_INDEX="$i" AWS_BATCH_JOB_ARRAY_SIZE="$shards" "$bin" "${run_cmd[@]}" --quiet >/dev/null \
    || problem "aws-batch: shard $i failed"
done
(cd "$work/aws-batch" && "$bin" "${merge_cmd[@]}" >/dev/null) || problem "aws-batch: merge failed"
same_as_single aws-batch "$work/aws-batch/reports/$run_id"

echo "== a missing or duplicated shard is refused (exit 2)"
first="$work/kubernetes/shards/$run_id/shard-0000-of-$(printf '%04d' "$shards")"
rest=()
for ((i = 1; i < shards; i++)); do rest+=("$work/kubernetes/shards/$run_id/shard-$(printf '%04d' "$i")-of-$(printf '%04d' "$shards")"); done
code=0; "$bin" merge "${rest[@]}" --out "$work/refused" --run-id missing >/dev/null 2>&1 || code=$?
[ "$code" -eq 2 ] || problem "merge without shard 0 exited $code, expected 2"
code=0; "$bin" merge "$first" "$first" "${rest[@]}" --out "$work/refused" --run-id duplicated >/dev/null 2>&1 || code=$?
[ "$code" -eq 2 ] || problem "merge with shard 0 twice exited $code, expected 2"

[ "$status" -eq 0 ] && echo "simulate.sh: every flow merged to the single run's files"
exit "$status"
