#!/usr/bin/env bash
# Submits one sharded skillmatch run to AWS Batch: a prepare job (indexes and hashes the inputs
# once, into DATA/shards/RUN_ID/prepared.json), an array job of N shard children that depends on
# it and passes that file as --prepared (--array-properties size=N; Batch gives each child
# AWS_BATCH_JOB_ARRAY_INDEX and AWS_BATCH_JOB_ARRAY_SIZE, which skillmatch reads when `run` has
# no --shard), a merge job that depends on the array job (a plain dependency on an array job waits
# for all of its children) and, with --pg-url, an export job that depends on the merge. Prints the
# job ids. Register the job definitions first (see deploy/README.md).
#
#   deploy/aws-batch/submit.sh --job-queue QUEUE [--shards N] [--as-of YYYY-MM-DD] [--run-id ID]
#                              [--config PATH] [--data-root PATH] [--threads T]
#                              [--pg-url URL] [--pg-schema S] [--print DIR]
#
# Paths are inside the container (the EFS volume is mounted at --data-root, default /data).
# The prepare job writes DATA/shards/RUN_ID/prepared.json (creating the run's shard root), the
# shards DATA/shards/RUN_ID/shard-IIII-of-NNNN/, the merge DATA/reports/RUN_ID/.
# --print DIR writes the submit-job requests (JSON for `aws batch submit-job --cli-input-json`)
# into DIR instead of submitting them; deploy/check.sh validates them against the Batch API.
# Exit codes: 0 submitted, 1 aws failed, 2 bad arguments.
set -euo pipefail

shards=4
as_of=$(date -u +%Y-%m-%d)
run_id=$(date -u +%Y%m%dT%H%M%SZ)
queue="" data=/data config="" threads=4 pg_url="" pg_schema=skillmatch print_dir=""
prepare_definition=skillmatch-prepare shard_definition=skillmatch-shard merge_definition=skillmatch-merge
export_definition=skillmatch-export

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
fail() { echo "submit.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in -h|--help) usage ;; esac
  [ $# -ge 2 ] || fail "$1 needs a value"
  case "$1" in
    --job-queue) queue=$2 ;;
    --shards) shards=$2 ;;
    --as-of) as_of=$2 ;;
    --run-id) run_id=$2 ;;
    --config) config=$2 ;;
    --data-root) data=$2 ;;
    --threads) threads=$2 ;;
    --pg-url) pg_url=$2 ;;
    --pg-schema) pg_schema=$2 ;;
    --print) print_dir=$2 ;;
    *) fail "unknown argument: $1" ;;
  esac
  shift 2
done

[ -n "$queue" ] || fail "--job-queue is required"
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || fail "--shards must be a positive integer: $shards"
[ "$shards" -le 9999 ] || fail "--shards must be at most 9999 (shard folders have 4 digits): $shards"
[[ "$as_of" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || fail "--as-of must be YYYY-MM-DD: $as_of"
[[ "$run_id" =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,100}$ ]] || fail "--run-id may hold letters, digits, _ and - (at most 101): $run_id"
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || fail "--threads must be a positive integer: $threads"
[ -n "$config" ] || config="$data/config/skillmatch.toml"
# Values are written into JSON as they are: refuse quotes, backslashes and control characters.
for value in "$queue" "$data" "$config" "$pg_url" "$pg_schema"; do
  [[ "$value" =~ ^[][A-Za-z0-9\ ./:@%+=_~\&?#-]*$ ]] || fail "unsupported character in: $value"
done

shard_root="$data/shards/$run_id"
prepared="$shard_root/prepared.json"
pad() { printf '%04d' "$1"; }

# The prepare request: the same config as the shards'; it writes the file the shards read.
prepare_request() {
  printf '{\n  "jobName": "skillmatch-prepare-%s",\n  "jobQueue": "%s",\n  "jobDefinition": "%s",\n' \
    "$run_id" "$queue" "$prepare_definition"
  printf '  "parameters": { "config": "%s", "prepared": "%s", "threads": "%s" },\n' \
    "$config" "$prepared" "$threads"
  printf '  "tags": { "skillmatch-run": "%s" }\n}\n' "$run_id"
}

# The shard request, depending on the prepare job $1. N = 1 is no array (Batch arrays have 2 to
# 10,000 children): the child gets --shard 0/1 on its command line instead of the array variables.
shard_request() {
  printf '{\n  "jobName": "skillmatch-shards-%s",\n  "jobQueue": "%s",\n  "jobDefinition": "%s",\n' \
    "$run_id" "$queue" "$shard_definition"
  printf '  "dependsOn": [{ "jobId": "%s" }],\n' "$1"
  if [ "$shards" -gt 1 ]; then
    printf '  "arrayProperties": { "size": %d },\n' "$shards"
  else
    printf '  "containerOverrides": { "command": ["run", "--config", "%s", "--as-of", "%s", "--out", "%s", "--threads", "%s", "--prepared", "%s", "--shard", "0/1"] },\n' \
      "$config" "$as_of" "$shard_root" "$threads" "$prepared"
  fi
  printf '  "parameters": { "config": "%s", "asOf": "%s", "shardRoot": "%s", "threads": "%s", "prepared": "%s" },\n' \
    "$config" "$as_of" "$shard_root" "$threads" "$prepared"
  printf '  "tags": { "skillmatch-run": "%s" }\n}\n' "$run_id"
}

# The merge request: the shard folders are listed on the command line (the image's entry point
# is skillmatch, so no shell expands a pattern), relative to the image's working folder when the
# data root is /data, to stay within the 8 KiB that container overrides may hold.
merge_request() {
  local prefix="$shard_root" i dirs=""
  [ "$data" != /data ] || prefix="shards/$run_id"
  for ((i = 0; i < shards; i++)); do
    dirs+="\"$prefix/shard-$(pad "$i")-of-$(pad "$shards")\", "
  done
  printf '{\n  "jobName": "skillmatch-merge-%s",\n  "jobQueue": "%s",\n  "jobDefinition": "%s",\n' \
    "$run_id" "$queue" "$merge_definition"
  printf '  "dependsOn": [{ "jobId": "%s" }],\n' "$1"
  printf '  "containerOverrides": { "command": ["merge", %s"--out", "%s/reports", "--run-id", "%s"] },\n' \
    "$dirs" "$data" "$run_id"
  printf '  "tags": { "skillmatch-run": "%s" }\n}\n' "$run_id"
}

export_request() {
  printf '{\n  "jobName": "skillmatch-export-%s",\n  "jobQueue": "%s",\n  "jobDefinition": "%s",\n' \
    "$run_id" "$queue" "$export_definition"
  printf '  "dependsOn": [{ "jobId": "%s" }],\n' "$1"
  printf '  "parameters": { "runDir": "%s/reports/%s", "pgUrl": "%s", "schema": "%s" },\n' \
    "$data" "$run_id" "$pg_url" "$pg_schema"
  printf '  "tags": { "skillmatch-run": "%s" }\n}\n' "$run_id"
}

work=${print_dir:-$(mktemp -d)}
mkdir -p "$work"
[ -n "$print_dir" ] || trap 'rm -rf "$work"' EXIT

# Submits request file $1 (or, with --print, only keeps it) and prints the job id.
submit() {
  if [ -n "$print_dir" ]; then
    printf '%s' "$2"
  else
    aws batch submit-job --cli-input-json "file://$1" --query jobId --output text
  fi
}

# Before submitting anything: the merge's command line must fit in a container override.
overrides=$(merge_request "00000000-0000-0000-0000-000000000000" | sed -n '/"containerOverrides"/p')
[ "${#overrides}" -le 8000 ] \
  || fail "$shards shard folders do not fit in a container override (8 KiB): use fewer shards or a shorter run id"

prepare_request > "$work/prepare.json"
prepare_job=$(submit "$work/prepare.json" "PREPARE_JOB_ID")
echo "prepare: job $prepare_job, writing $prepared"

# A failed prepare job fails its dependents: the array job, then the merge and the export.
shard_request "$prepare_job" > "$work/shards.json"
array_job=$(submit "$work/shards.json" "ARRAY_JOB_ID")
echo "shards: job $array_job ($shards children), writing $shard_root"

merge_request "$array_job" > "$work/merge.json"
merge_job=$(submit "$work/merge.json" "MERGE_JOB_ID")
echo "merge: job $merge_job, writing $data/reports/$run_id"

if [ -n "$pg_url" ]; then
  export_request "$merge_job" > "$work/export.json"
  export_job=$(submit "$work/export.json" "EXPORT_JOB_ID")
  echo "export: job $export_job, loading $data/reports/$run_id into $pg_schema"
fi
[ -z "$print_dir" ] || echo "requests written to $print_dir"
