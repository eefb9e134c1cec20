#!/usr/bin/env bash
# Drives `skillmatch prepare`, `skillmatch run --prepared` with `--shard` / the scheduler
# variables, and `skillmatch merge`; deploy/check.sh lints it (shellcheck) and
# `deploy/check.sh --bin BIN --simulate` runs it.
#
# Runs each scheduler's sharded flow on this machine as local processes: the prepare step once,
# then N shards with the environment each scheduler gives its tasks, each passing the prepare
# step's file as --prepared, then the merge; and checks that every merged run folder is
# byte-identical to a single unsharded run (all files but manifest.json, whose run block differs):
#   kubernetes  the prepare Job's args (the shard root does not exist yet: prepare creates it),
#               then JOB_COMPLETION_INDEX + SKILLMATCH_SHARD_COUNT, the merge Job's shell pattern
#   slurm       deploy/slurm/prepare.sbatch, shard.sbatch and merge.sbatch themselves, with
#               SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN/MAX and
#               SLURM_CPUS_PER_TASK set, and submit.sh's SM_* variables
#   aws-batch   the prepare and shard job definitions' commands with submit.sh's parameters
#               substituted for Ref:: (the prepare job, too, into a data root with no shards
#               folder yet), AWS_BATCH_JOB_ARRAY_INDEX + AWS_BATCH_JOB_ARRAY_SIZE, and submit.sh's
#               merge command
# Shards run in reverse index order. Then:
#   - shard 0 run without --prepared must write the same shard folder as with it (but for the
#     engine's timings in shard_scores.json and the manifest's run block and output hashes);
#   - a merge missing one shard, and one given a shard twice, must both exit 2;
#   - on a copy of the config's badge inputs, prepared once, a shard run with --prepared must
#     exit 2 naming the file: after one candidate's badge file was changed (of the N shards, the
#     one reading that file must exit 2 and the others 0, as a shard checks the files it reads;
#     and --shard 0/1, which reads every file), after one was added, after one was removed, and
#     with a prepared file that names another skillmatch version.
#
#   deploy/simulate.sh --bin PATH --config FILE [--shards N] [--as-of YYYY-MM-DD] [--work DIR]
#
# Exit codes: 0 all flows merged to the single run's files and every refusal held, 1 a
# difference or a failed step, 2 bad arguments.
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
mkdir -p "$work"
work=$(cd "$work" && pwd)
run_id=simulated
status=0
problem() { echo "simulate.sh: $*" >&2; status=1; }
# The prepare step of scheduler $3 printed (last line of file $1) the path of the file it wrote,
# $2, and that file is there.
printed() {
  local said
  said=$(tail -n 1 "$1" 2>/dev/null || true)
  [ "$said" = "$2" ] || problem "$3: prepare printed '$said', expected $2"
  [ -s "$2" ] || problem "$3: prepare wrote no $2"
}

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

echo "== kubernetes: prepare Job, Indexed Job, merge Job"
root="$work/kubernetes/shards/$run_id"
prepared="$root/prepared.json"
mkdir -p "$work/kubernetes"
# The prepare Job's args, with /data at $work/kubernetes: so far only /data exists, and prepare
# itself creates the shard root (no shell runs before it).
[ ! -e "$work/kubernetes/shards" ] || problem "kubernetes: the shards folder exists before the prepare Job"
"$bin" prepare --config "$config" --out "$prepared" --threads 1 --quiet \
  > "$work/kubernetes/prepare.out" || problem "kubernetes: prepare failed"
printed "$work/kubernetes/prepare.out" "$prepared" kubernetes
for ((i = shards - 1; i >= 0; i--)); do
  env JOB_COMPLETION_INDEX="$i" SKILLMATCH_SHARD_COUNT="$shards" \
    "$bin" run --config "$config" --as-of "$as_of" --out "$root" --threads 1 --prepared "$prepared" --quiet >/dev/null \
    || problem "kubernetes: shard $i failed"
done
# The merge Job's command, with /data at $work/kubernetes.
RUN_ID=$run_id DATA="$work/kubernetes" SKILLMATCH="$bin" sh -c \
  'exec "$SKILLMATCH" merge "$DATA"/shards/"$RUN_ID"/shard-*-of-* --out "$DATA"/reports --run-id "$RUN_ID"' >/dev/null \
  || problem "kubernetes: merge failed"
same_as_single kubernetes "$work/kubernetes/reports/$run_id"

echo "== slurm: prepare job, job array, merge job"
root="$work/slurm/shards/$run_id"
prepared="$root/prepared.json"
# submit.sh creates the shard root (for the logs) before it submits anything.
mkdir -p "$root/logs"
env SLURM_CPUS_PER_TASK=2 SM_BIN="$bin" SM_CONFIG="$config" SM_PREPARED="$prepared" SM_SHARD_ROOT="$root" \
  SM_OUT="$work/slurm/reports" SM_RUN_ID="$run_id" \
  "$deploy/slurm/prepare.sbatch" > "$root/logs/prepare.out" || problem "slurm: prepare failed"
printed "$root/logs/prepare.out" "$prepared" slurm
for ((i = shards - 1; i >= 0; i--)); do
  env SLURM_ARRAY_TASK_ID="$i" SLURM_ARRAY_TASK_COUNT="$shards" SLURM_ARRAY_TASK_MIN=0 \
    SLURM_ARRAY_TASK_MAX=$((shards - 1)) SLURM_CPUS_PER_TASK=2 \
    SM_BIN="$bin" SM_CONFIG="$config" SM_AS_OF="$as_of" SM_SHARD_ROOT="$root" SM_PREPARED="$prepared" \
    "$deploy/slurm/shard.sbatch" > "$root/logs/shard-$i.out" 2>&1 || problem "slurm: shard $i failed"
done
env SM_BIN="$bin" SM_SHARD_ROOT="$root" SM_OUT="$work/slurm/reports" SM_RUN_ID="$run_id" \
  "$deploy/slurm/merge.sbatch" >/dev/null || problem "slurm: merge failed"
same_as_single slurm "$work/slurm/reports/$run_id"

echo "== aws-batch: prepare job, array job, merge job"
"$deploy/aws-batch/submit.sh" --job-queue local --shards "$shards" --as-of "$as_of" --run-id "$run_id" \
  --data-root "$work/aws-batch" --config "$config" --threads 1 --print "$work/aws-requests" >/dev/null
# One command per line, NUL-separated words: the prepare and shard job definitions' commands with
# their requests' parameters for Ref::, the merge request's command; last, the file the prepare
# command writes (its --out).
python3 - "$deploy/aws-batch" "$work/aws-requests" > "$work/aws-commands" <<'PY'
import json, sys

def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)

def command(step, request):
    definition = load(f"{sys.argv[1]}/job-definition-{step}.json")
    params = {**definition.get("parameters", {}), **request.get("parameters", {})}
    return [params[w[5:]] if w.startswith("Ref::") else w for w in definition["containerProperties"]["command"]]

prepare = load(sys.argv[2] + "/prepare.json")
shard = load(sys.argv[2] + "/shards.json")
merge = load(sys.argv[2] + "/merge.json")
prepare_cmd = command("prepare", prepare)
out = prepare_cmd[prepare_cmd.index("--out") + 1]
for words in (prepare_cmd, command("shard", shard), merge["containerOverrides"]["command"], [out]):
    sys.stdout.write("\0".join(words) + "\n")
PY
mapfile -t -d $'\0' prepare_cmd < <(sed -n 1p "$work/aws-commands" | tr -d '\n')
mapfile -t -d $'\0' run_cmd < <(sed -n 2p "$work/aws-commands" | tr -d '\n')
mapfile -t -d $'\0' merge_cmd < <(sed -n 3p "$work/aws-commands" | tr -d '\n')
prepared=$(sed -n 4p "$work/aws-commands")
# The EFS volume as set up once (deploy/README.md): the data root (the containers' working
# folder, /data) with no shards folder; the prepare job creates the shard root.
mkdir -p "$work/aws-batch"
[ ! -e "$work/aws-batch/shards" ] || problem "aws-batch: the shards folder exists before the prepare job"
[ "$prepared" = "$work/aws-batch/shards/$run_id/prepared.json" ] \
  || problem "aws-batch: the prepare job writes $prepared, expected the shard root's prepared.json"
shard_prepared=""
for ((k = 0; k + 1 < ${#run_cmd[@]}; k++)); do
  [ "${run_cmd[$k]}" != --prepared ] || shard_prepared=${run_cmd[$((k + 1))]}
done
[ "$shard_prepared" = "$prepared" ] \
  || problem "aws-batch: the shards pass --prepared '$shard_prepared', not the prepare job's $prepared"
(cd "$work/aws-batch" && "$bin" "${prepare_cmd[@]}" --quiet > "$work/aws-batch/prepare.out") || problem "aws-batch: prepare failed"
printed "$work/aws-batch/prepare.out" "$prepared" aws-batch
for ((i = shards - 1; i >= 0; i--)); do
  (cd "$work/aws-batch" && env AWS_BATCH_JOB_ARRAY_INDEX="$i" AWS_BATCH_JOB_ARRAY_SIZE="$shards" "$bin" "${run_cmd[@]}" --quiet >/dev/null) \
    || problem "aws-batch: shard $i failed"
done
(cd "$work/aws-batch" && "$bin" "${merge_cmd[@]}" >/dev/null) || problem "aws-batch: merge failed"
same_as_single aws-batch "$work/aws-batch/reports/$run_id"

echo "== a shard without --prepared writes the same shard folder as with it"
first="$work/kubernetes/shards/$run_id/shard-0000-of-$(printf '%04d' "$shards")"
"$bin" run --config "$config" --as-of "$as_of" --out "$work/unprepared" --threads 1 --shard "0/$shards" --quiet >/dev/null \
  || problem "shard 0 without --prepared failed"
# Every file byte for byte, but for what differs between any two runs: the engine's timings
# (`engine.*_ms` in shard_scores.json), the manifest's `run` block and its `outputs` hashes (of
# shard_scores.json, timings included).
python3 - "$first" "$work/unprepared/$(basename "$first")" <<'PY' || problem "shard 0 differs with and without --prepared"
import json, pathlib, sys

def comparable(folder):
    folder = pathlib.Path(folder)
    files = {str(f.relative_to(folder)): f.read_bytes() for f in sorted(folder.rglob("*")) if f.is_file()}
    for name in ("manifest.json", "shard_scores.json"):
        if name in files:
            doc = json.loads(files[name])
            if name == "manifest.json":
                doc.pop("run", None)
                doc.pop("outputs", None)
            elif isinstance(doc.get("engine"), dict):
                doc["engine"] = {k: v for k, v in doc["engine"].items() if not k.endswith("_ms")}
            files[name] = doc
    return files

with_prepared, without = comparable(sys.argv[1]), comparable(sys.argv[2])
differ = sorted(n for n in set(with_prepared) | set(without) if with_prepared.get(n) != without.get(n))
for name in differ:
    print(f"simulate.sh: shard 0: {name} differs with and without --prepared", file=sys.stderr)
if not with_prepared:
    print(f"simulate.sh: no shard folder {sys.argv[1]}", file=sys.stderr)
sys.exit(1 if differ or not with_prepared else 0)
PY
echo "shard 0 compared with and without --prepared"

echo "== a missing or duplicated shard is refused (exit 2)"
rest=()
for ((i = 1; i < shards; i++)); do rest+=("$work/kubernetes/shards/$run_id/shard-$(printf '%04d' "$i")-of-$(printf '%04d' "$shards")"); done
code=0; "$bin" merge "${rest[@]}" --out "$work/refused" --run-id missing >/dev/null 2>&1 || code=$?
[ "$code" -eq 2 ] || problem "merge without shard 0 exited $code, expected 2"
code=0; "$bin" merge "$first" "$first" "${rest[@]}" --out "$work/refused" --run-id duplicated >/dev/null 2>&1 || code=$?
[ "$code" -eq 2 ] || problem "merge with shard 0 twice exited $code, expected 2"

echo "== a prepared file that no longer fits the badge inputs is refused (exit 2)"
# On a copy of the config's badge inputs: the flows above and the caller's inputs stay untouched.
changed="$work/changed"
mkdir -p "$changed"
mapfile -t badges < <(python3 - "$config" <<'PY'
import os, sys, tomllib

with open(sys.argv[1], "rb") as f:
    badges = tomllib.load(f).get("inputs", {}).get("badges", [])
for b in [badges] if isinstance(badges, str) else badges:
    print(os.path.join(os.path.dirname(sys.argv[1]), b))
PY
)
copies=()
for ((k = 0; k < ${#badges[@]}; k++)); do
  cp -r "${badges[$k]}" "$changed/badges-$k"
  copies+=(--badges "$changed/badges-$k")
done
# The file to change: a candidate's badge file (not one of the shared files in a top folder
# starting with `_`, such as the demo's _issuers/, which every shard reads), else any.
# (sed reads to the end: head would leave sort writing into a closed pipe, fatal with pipefail)
victim=""
if [ "${#badges[@]}" -gt 0 ]; then
  victim=$(find "$changed/badges-0" -path "$changed/badges-0/_*" -prune -o -type f -name '*.json' -print | sort | sed -n 1p)
  [ -n "$victim" ] || victim=$(find "$changed/badges-0" -type f -name '*.json' | sort | sed -n 1p)
fi
# Runs shards $3... (`--shard` values) with the copied inputs and the prepared file, each into a
# new output root: at least one must exit 2 with a message naming $2, every other one exit 0 (a
# shard checks the files it reads; the others are the prepared file's word until the merge).
runs=0
refused() {
  local what=$1 name=$2 shard code named=0
  shift 2
  for shard in "$@"; do
    runs=$((runs + 1)) code=0
    "$bin" run --config "$config" "${copies[@]}" --as-of "$as_of" --out "$changed/out-$runs" --threads 1 --quiet \
      --prepared "$changed/prepared.json" --shard "$shard" >/dev/null 2>"$changed/stderr" || code=$?
    if [ "$code" -eq 2 ] && grep -qF -- "$name" "$changed/stderr"; then
      named=$((named + 1))
      echo "$what: shard $shard exited 2: $(head -n 1 "$changed/stderr")"
    elif [ "$code" -ne 0 ]; then
      problem "$what: shard $shard exited $code, expected 2 naming $name or 0: $(cat "$changed/stderr")"
    fi
  done
  [ "$named" -gt 0 ] || problem "$what: no shard of $* exited 2 naming $name"
}
all=()
for ((i = 0; i < shards; i++)); do all+=("$i/$shards"); done
if [ -z "$victim" ]; then
  problem "no badge file (*.json) in the config's first badges input: ${badges[*]}"
elif "$bin" prepare --config "$config" "${copies[@]}" --out "$changed/prepared.json" --threads 1 --quiet >/dev/null; then
  added="${victim%.json}-added.json"
  cp "$victim" "$changed/victim.orig"
  printf '\n' >> "$victim"
  refused "a badge file changed" "$(basename "$victim")" "${all[@]}"
  refused "a badge file changed" "$(basename "$victim")" 0/1
  cp "$changed/victim.orig" "$victim"
  cp "$victim" "$added"
  refused "a badge file added" "$(basename "$added")" "0/$shards"
  rm "$added" "$victim"
  refused "a badge file removed" "$(basename "$victim")" "$((shards - 1))/$shards"
  cp "$changed/victim.orig" "$victim"
  # The same file as written by another version.
  python3 - "$changed/prepared.json" <<'PY'
import json, sys

with open(sys.argv[1], encoding="utf-8") as f:
    prepared = json.load(f)
prepared["version"] = "0.0.0-other"
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump(prepared, f)
PY
  refused "a prepared file of another version" "$changed/prepared.json" "0/$shards"
else
  problem "prepare on the copied badge inputs failed"
fi

[ "$status" -eq 0 ] && echo "simulate.sh: every flow merged to the single run's files, and every refusal held"
exit "$status"
