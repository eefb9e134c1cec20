#!/usr/bin/env bash
# Submits one sharded skillmatch run to Slurm: a prepare job (indexes and hashes the inputs once,
# into SHARD_ROOT/prepared.json), a job array of N shard tasks that waits for it
# (--dependency=afterok:<prepare job id>) and passes that file as --prepared, a merge job that
# waits for all of them (--dependency=afterok:<array job id>) and, with --pg-url, an export job
# that waits for the merge. Prints the job ids. See deploy/README.md.
#
#   deploy/slurm/submit.sh --config FILE --out DIR [--shards N] [--as-of YYYY-MM-DD]
#                          [--run-id ID] [--shard-root DIR] [--bin PATH] [--pg-url URL]
#                          [--pg-password-file FILE] [--pg-schema S] [--sbatch-arg ARG]...
#
# --out is the output root of merged runs (the run lands in OUT/RUN_ID); --shard-root defaults
# to shards/RUN_ID beside OUT (OUT=/shared/hr/reports: /shared/hr/shards/RUN_ID). Every path
# must be on a file system all nodes see. Partition, account and QOS come from sbatch's own
# environment (SBATCH_PARTITION, SBATCH_ACCOUNT, SBATCH_QOS) or from --sbatch-arg, which passes
# one option to every sbatch call and overrides the scripts' #SBATCH lines
# (--sbatch-arg=--mem=4G). Edit a script's #SBATCH lines for resources of one step only.
# Exit codes: 0 submitted, 1 sbatch failed, 2 bad arguments.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
shards=4
as_of=$(date -u +%Y-%m-%d)
run_id=$(date -u +%Y%m%dT%H%M%SZ)
config="" out="" shard_root="" bin=skillmatch pg_url="" pg_password_file="" pg_schema=skillmatch
sbatch_args=()

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
fail() { echo "submit.sh: $*" >&2; exit 2; }
# Absolute path of $1 (which may not exist yet): --export values must not depend on the cwd.
absolute() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }

while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage ;;
    --sbatch-arg=*) sbatch_args+=("${1#--sbatch-arg=}"); shift; continue ;;
  esac
  [ $# -ge 2 ] || fail "$1 needs a value"
  case "$1" in
    --config) config=$(absolute "$2") ;;
    --out) out=$(absolute "$2") ;;
    --shards) shards=$2 ;;
    --as-of) as_of=$2 ;;
    --run-id) run_id=$2 ;;
    --shard-root) shard_root=$(absolute "$2") ;;
    --bin) bin=$2 ;;
    --pg-url) pg_url=$2 ;;
    --pg-password-file) pg_password_file=$(absolute "$2") ;;
    --pg-schema) pg_schema=$2 ;;
    --sbatch-arg) sbatch_args+=("$2") ;;
    *) fail "unknown argument: $1" ;;
  esac
  shift 2
done

[ -n "$config" ] || fail "--config is required"
[ -f "$config" ] || fail "--config file not found: $config"
[ -n "$out" ] || fail "--out is required"
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || fail "--shards must be a positive integer: $shards"
[ "$shards" -le 9999 ] || fail "--shards must be at most 9999 (shard folders have 4 digits): $shards"
[[ "$as_of" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || fail "--as-of must be YYYY-MM-DD: $as_of"
[[ "$run_id" =~ ^[A-Za-z0-9][A-Za-z0-9_-]*$ ]] || fail "--run-id may hold letters, digits, _ and -: $run_id"
[ -n "$shard_root" ] || shard_root="$(dirname "$out")/shards/$run_id"
# sbatch --export separates variables with commas.
for value in "$config" "$out" "$shard_root" "$bin" "$pg_url" "$pg_password_file" "$pg_schema"; do
  case "$value" in *,*) fail "a comma cannot be passed through sbatch --export: $value" ;; esac
done
[ ! -e "$shard_root" ] || fail "shard root exists already (a run id is used once): $shard_root"
mkdir -p "$out" "$shard_root/logs"

common="ALL,SM_BIN=$bin,SM_SHARD_ROOT=$shard_root,SM_OUT=$out,SM_RUN_ID=$run_id"
prepared="$shard_root/prepared.json"
# --parsable prints "jobid" or "jobid;cluster".
prepare_job=$(sbatch "${sbatch_args[@]}" --parsable \
  --output="$shard_root/logs/prepare.out" \
  --export="$common,SM_CONFIG=$config,SM_PREPARED=$prepared" \
  "$here/prepare.sbatch")
prepare_job=${prepare_job%%;*}
echo "prepare: job $prepare_job, writing $prepared"

# The same config as the prepare job's; if the prepare job fails, the array can never start and
# --kill-on-invalid-dep cancels it (and so the merge and the export) instead of leaving it pending.
array_job=$(sbatch "${sbatch_args[@]}" --parsable --array="0-$((shards - 1))" \
  --dependency="afterok:$prepare_job" --kill-on-invalid-dep=yes \
  --output="$shard_root/logs/shard-%a.out" \
  --export="$common,SM_CONFIG=$config,SM_AS_OF=$as_of,SM_PREPARED=$prepared" \
  "$here/shard.sbatch")
array_job=${array_job%%;*}
echo "shards: job array $array_job (0-$((shards - 1))), writing $shard_root"

# afterok on an array job waits for every task; if one fails, the merge can never start and
# --kill-on-invalid-dep cancels it instead of leaving it pending.
merge_job=$(sbatch "${sbatch_args[@]}" --parsable --dependency="afterok:$array_job" --kill-on-invalid-dep=yes \
  --output="$shard_root/logs/merge.out" \
  --export="$common" \
  "$here/merge.sbatch")
merge_job=${merge_job%%;*}
echo "merge: job $merge_job, writing $out/$run_id"

if [ -n "$pg_url" ]; then
  export_job=$(sbatch "${sbatch_args[@]}" --parsable --dependency="afterok:$merge_job" --kill-on-invalid-dep=yes \
    --output="$shard_root/logs/export.out" \
    --export="$common,SM_PG_URL=$pg_url,SM_PG_PASSWORD_FILE=$pg_password_file,SM_PG_SCHEMA=$pg_schema" \
    "$here/export.sbatch")
  echo "export: job ${export_job%%;*}, loading $out/$run_id into $pg_schema"
fi
