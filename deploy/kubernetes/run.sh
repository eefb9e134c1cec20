#!/usr/bin/env bash
# Runs one sharded skillmatch job on Kubernetes: the prepare Job (one pod: indexes and hashes the
# inputs once, into /data/shards/RUN_ID/prepared.json), the shard Job (Indexed, N pods, each with
# --prepared), then the merge Job, then (with --export) the PostgreSQL export Job, each started
# only when the one before it has completed. Usable by hand, from cron or from a CronJob whose
# service account may create and read Jobs. See deploy/README.md.
#
#   deploy/kubernetes/run.sh [--shards N] [--as-of YYYY-MM-DD] [--run-id ID] [--image IMAGE]
#                            [--namespace NS] [--timeout SECONDS] [--export] [--render DIR]
#
# --render DIR writes the night's manifests into DIR and stops (no kubectl): review them, or
# apply them with your own tooling (deploy/check.sh validates a rendering).
# Exit codes: 0 done, 1 a Job failed or timed out, 2 bad arguments.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
shards=4
as_of=$(date -u +%Y-%m-%d)
run_id=$(date -u +%Y%m%dT%H%M%SZ)
image=registry.example.com/skillmatch:0.1.0
namespace=""
timeout=43200
export_run=false
render_dir=""

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
fail() { echo "run.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case "$1" in
    --shards) [ $# -ge 2 ] || usage; shards=$2; shift 2 ;;
    --as-of) [ $# -ge 2 ] || usage; as_of=$2; shift 2 ;;
    --run-id) [ $# -ge 2 ] || usage; run_id=$2; shift 2 ;;
    --image) [ $# -ge 2 ] || usage; image=$2; shift 2 ;;
    --namespace) [ $# -ge 2 ] || usage; namespace=$2; shift 2 ;;
    --timeout) [ $# -ge 2 ] || usage; timeout=$2; shift 2 ;;
    --export) export_run=true; shift ;;
    --render) [ $# -ge 2 ] || usage; render_dir=$2; shift 2 ;;
    -h|--help) usage ;;
    *) fail "unknown argument: $1" ;;
  esac
done

[[ "$shards" =~ ^[1-9][0-9]*$ ]] || fail "--shards must be a positive integer: $shards"
[ "$shards" -le 9999 ] || fail "--shards must be at most 9999 (shard folders have 4 digits): $shards"
[[ "$as_of" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || fail "--as-of must be YYYY-MM-DD: $as_of"
[[ "$run_id" =~ ^[A-Za-z0-9][A-Za-z0-9_-]*$ ]] || fail "--run-id may hold letters, digits, _ and -: $run_id"
[[ "$timeout" =~ ^[1-9][0-9]*$ ]] || fail "--timeout must be a positive number of seconds: $timeout"
[[ "$image" =~ ^[A-Za-z0-9./:@_-]+$ ]] || fail "--image has characters an image reference cannot have: $image"
# Job names are DNS labels: lower case, at most 63 characters ("skillmatch-prepare-" + suffix).
suffix=$(printf '%s' "$run_id" | tr 'A-Z_' 'a-z-')
[ "${#suffix}" -le 44 ] || fail "--run-id is too long for a Job name (at most 44 characters): $run_id"

# Rewrites the values marked `# run.sh: KEY` in one manifest.
render() {
  sed -E \
    -e "s/-example( # run\.sh: NAME)\$/-${suffix}\1/" \
    -e "s/\"example\"( # run\.sh: RUN_ID)\$/\"${run_id}\"\1/" \
    -e "s/\"2026-11-01\"( # run\.sh: AS_OF)\$/\"${as_of}\"\1/" \
    -e "s/: 4( # run\.sh: SHARDS)\$/: ${shards}\1/" \
    -e "s/: \"4\"( # run\.sh: SHARDS)\$/: \"${shards}\"\1/" \
    -e "s|registry\.example\.com/skillmatch:0\.1\.0( # run\.sh: IMAGE)\$|${image}\1|" \
    "$here/$1"
}

if [ -n "$render_dir" ]; then
  mkdir -p "$render_dir"
  for f in configmap.yaml pvc.yaml job-prepare.yaml job-shards.yaml job-merge.yaml job-export.yaml; do
    render "$f" > "$render_dir/$f"
  done
  echo "$render_dir"
  exit 0
fi

kube=(kubectl)
[ -z "$namespace" ] || kube+=(--namespace "$namespace")

# Waits until Job $1 has the condition Complete (0) or Failed (1), at most $timeout seconds.
# (`kubectl wait --for=condition=complete` alone would wait out the timeout on a failed Job.)
wait_job() {
  local job=$1 deadline=$((SECONDS + timeout)) state
  while [ "$SECONDS" -lt "$deadline" ]; do
    state=$("${kube[@]}" get job "$job" \
      -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}')
    case " $state " in
      *" Failed "*) echo "run.sh: job/$job failed; see: kubectl logs -l job-name=$job" >&2; return 1 ;;
      *" Complete "*) echo "job/$job complete"; return 0 ;;
    esac
    sleep 15
  done
  echo "run.sh: job/$job did not finish within $timeout s" >&2
  return 1
}

echo "skillmatch run $run_id: $shards shards, as of $as_of, image $image"
render configmap.yaml | "${kube[@]}" apply -f -
render pvc.yaml | "${kube[@]}" apply -f -
# The prepare Job writes /data/shards/$run_id/prepared.json, which every shard pod reads.
render job-prepare.yaml | "${kube[@]}" create -f -
wait_job "skillmatch-prepare-$suffix"
render job-shards.yaml | "${kube[@]}" create -f -
wait_job "skillmatch-shards-$suffix"
render job-merge.yaml | "${kube[@]}" create -f -
wait_job "skillmatch-merge-$suffix"
echo "merged run folder: /data/reports/$run_id (on PersistentVolumeClaim skillmatch-data)"
if [ "$export_run" = true ]; then
  render job-export.yaml | "${kube[@]}" create -f -
  wait_job "skillmatch-export-$suffix"
fi
