#!/usr/bin/env bash
# Graceful-stop latency: how long `run` takes from SIGTERM to exit (temporary folder removed),
# with the signal sent DELAY seconds after each stage's start line.
#
# usage: DATA=/tmp/big benches/stop_latency.sh   (a folder written by `skillmatch gen`)
#   BIN=target/release/skillmatch STAGES="ingest verify normalize score report" DELAY=1
# Prints one line per stage: the stage, the exit code, the milliseconds from signal to exit, and
# whether the out root was left empty.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${BIN:-target/release/skillmatch}")
DATA=${DATA:?DATA=<folder written by skillmatch gen>}
STAGES=${STAGES:-ingest verify normalize score report}
DELAY=${DELAY:-1}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

for stage in $STAGES; do
  out="$WORK/out-$stage"
  err="$WORK/err-$stage"
  "$BIN" run --roster "$DATA/roster.csv" --badges "$DATA/badges" --postings "$DATA/postings.jsonl" \
    --as-of 2026-11-01 --out "$out" --run-id stop >/dev/null 2>"$err" &
  pid=$!
  until grep -q "skillmatch: $stage:" "$err" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  sleep "$DELAY"
  t0=$(date +%s%N)
  kill -TERM "$pid" 2>/dev/null || true
  rc=0
  wait "$pid" || rc=$?
  ms=$((($(date +%s%N) - t0) / 1000000))
  left=$(find "$out" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
  said=$(grep -o 'interrupted by SIG[A-Z]* during [a-z]*' "$err" || echo "finished: $(tail -n 1 "$err")")
  echo "stage $stage (+${DELAY} s): exit $rc after $ms ms; entries left in the out root: $left; $said"
done
