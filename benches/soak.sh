#!/usr/bin/env bash
# Soak: N consecutive nightly runs over one `gen` set with advancing --as-of dates; a share of
# them is killed at a random point (SIGTERM or SIGKILL, half each) and then run again, as a
# retrying scheduler would. After every run:
#   * the out root holds only complete run folders (after a SIGKILL, the dead run's
#     .RUNID.partial-PID folder may remain until the next run removes it; it is counted, and
#     must be gone after the follow-up run);
#   * the folder the run wrote matches its manifest (every output's sha256, no extra file);
#   * a killed night's follow-up run exits 0 and is byte-identical (all files, manifest without
#     its `run` block) to an uninterrupted run of the same night in a separate reference root.
# At the end every folder in the out root is checked against its manifest again.
#
# usage: benches/soak.sh            (defaults below; override with environment variables)
#   N=100 CANDIDATES=2000 ROLES=300 KILL_SHARE=30 SEED=21 BIN=target/release/skillmatch \
#   WORK=/tmp/skillmatch-soak benches/soak.sh
# Exit status 0 when every check held; the summary line is what docs/RELIABILITY.md records.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-100}
CANDIDATES=${CANDIDATES:-2000}
ROLES=${ROLES:-300}
KILL_SHARE=${KILL_SHARE:-30}
SEED=${SEED:-21}
BIN=${BIN:-target/release/skillmatch}
WORK=${WORK:-/tmp/skillmatch-soak}
START_DATE=${START_DATE:-2026-11-01}

[ -x "$BIN" ] || { echo "soak: $BIN not found (cargo build --release)" >&2; exit 2; }
BIN=$(realpath "$BIN")
rm -rf "$WORK"
mkdir -p "$WORK"
out="$WORK/out"
ref="$WORK/ref"
log="$WORK/soak.log"
: >"$log"

echo "soak: gen $CANDIDATES x $ROLES (seed $SEED) into $WORK/data"
"$BIN" gen --candidates "$CANDIDATES" --roles "$ROLES" --seed "$SEED" --out "$WORK/data" >/dev/null 2>>"$log"

run() { # run OUT_ROOT RUN_ID AS_OF -> exit status
  "$BIN" run --roster "$WORK/data/roster.csv" --badges "$WORK/data/badges" \
    --postings "$WORK/data/postings.jsonl" --as-of "$3" --out "$1" --run-id "$2" --quiet \
    >>"$log" 2>&1
}

# check_folder DIR: outputs match the manifest's sha256 and nothing else is there.
check_folder() {
  python3 - "$1" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
want = {"manifest.json"}
for o in m["outputs"]:
    want.add(o["file"])
    h = hashlib.sha256(open(os.path.join(d, o["file"]), "rb").read()).hexdigest()
    if h != o["sha256"]:
        sys.exit(f"{d}/{o['file']}: sha256 differs from the manifest")
extra = set(os.listdir(d)) ^ want
if extra:
    sys.exit(f"{d}: files not in the manifest or missing: {sorted(extra)}")
PY
}

# same_as A B: every file byte-identical, manifest.json without its run block.
same_as() {
  python3 - "$1" "$2" <<'PY'
import json, os, sys
a, b = sys.argv[1], sys.argv[2]
def files(d):
    out = {}
    for n in sorted(os.listdir(d)):
        data = open(os.path.join(d, n), "rb").read()
        if n == "manifest.json":
            m = json.loads(data); m.pop("run"); data = json.dumps(m, sort_keys=True).encode()
        out[n] = data
    return out
fa, fb = files(a), files(b)
if fa.keys() != fb.keys():
    sys.exit(f"{b}: other files than {a}")
diff = [n for n in fa if fa[n] != fb[n]]
if diff:
    sys.exit(f"{b}: differs from the uninterrupted run in {diff}")
PY
}

# leftovers: hidden entries in the out root (partial folders, lock files).
leftovers() { find "$out" -mindepth 1 -maxdepth 1 -name '.*' | wc -l; }

RANDOM=$SEED
t0=$(date +%s%N)
run "$ref" calibrate "$START_DATE"
duration_ms=$((($(date +%s%N) - t0) / 1000000))
rm -rf "$ref/calibrate"
echo "soak: one run takes about $duration_ms ms; kills land uniformly in [0, that]"

killed_term=0 killed_kill=0 finished_first=0 corrupt=0 failed=0 followup_failed=0 mismatch=0
partial_after_followup=0 max_leftovers=0
soak_start=$(date +%s)
for i in $(seq 1 "$N"); do
  as_of=$(date -u -d "$START_DATE + $i days" +%F)
  id="night-$i"
  if ((RANDOM % 100 < KILL_SHARE)); then
    if ((RANDOM % 2)); then sig=TERM; else sig=KILL; fi
    delay_ms=$((RANDOM * 32768 + RANDOM))
    delay_ms=$((delay_ms % (duration_ms + 1)))
    "$BIN" run --roster "$WORK/data/roster.csv" --badges "$WORK/data/badges" \
      --postings "$WORK/data/postings.jsonl" --as-of "$as_of" --out "$out" --run-id "$id" --quiet \
      >>"$log" 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    kill -s "$sig" "$pid" 2>/dev/null || true
    rc=0
    { wait "$pid"; } 2>/dev/null || rc=$?
    echo "night $i ($as_of): $sig after $delay_ms ms -> exit $rc" >>"$log"
    if [ "$rc" = 0 ]; then
      finished_first=$((finished_first + 1))
    elif [ "$sig" = TERM ]; then
      killed_term=$((killed_term + 1))
      [ "$rc" = 143 ] || { echo "night $i: SIGTERM gave exit $rc, not 143" | tee -a "$log"; failed=$((failed + 1)); }
    else
      killed_kill=$((killed_kill + 1))
    fi
    l=$(leftovers)
    ((l > max_leftovers)) && max_leftovers=$l
    if [ "$sig" = TERM ] && [ "$l" != 0 ]; then
      echo "night $i: SIGTERM left $l hidden entries" | tee -a "$log"
      failed=$((failed + 1))
    fi
    if [ "$rc" != 0 ]; then
      # The follow-up run: same night, same id.
      if ! run "$out" "$id" "$as_of"; then
        echo "night $i: the follow-up run failed" | tee -a "$log"
        followup_failed=$((followup_failed + 1))
        continue
      fi
      [ "$(leftovers)" = 0 ] || partial_after_followup=$((partial_after_followup + 1))
    fi
    run "$ref" "$id" "$as_of"
    same_as "$ref/$id" "$out/$id" >>"$log" 2>&1 || { echo "night $i: differs from the uninterrupted run" | tee -a "$log"; mismatch=$((mismatch + 1)); }
    rm -rf "${ref:?}/$id"
  else
    run "$out" "$id" "$as_of" || { echo "night $i: run failed" | tee -a "$log"; failed=$((failed + 1)); continue; }
  fi
  check_folder "$out/$id" >>"$log" 2>&1 || { echo "night $i: corrupt run folder" | tee -a "$log"; corrupt=$((corrupt + 1)); }
  for d in "$out"/*/; do [ -f "$d/manifest.json" ] || { echo "$d has no manifest" | tee -a "$log"; corrupt=$((corrupt + 1)); }; done
  if ((i % 10 == 0)); then echo "soak: $i of $N nights"; fi
done
# Every complete folder, once more.
for d in "$out"/*/; do check_folder "$d" >>"$log" 2>&1 || { echo "$d: corrupt" | tee -a "$log"; corrupt=$((corrupt + 1)); }; done
folders=$(find "$out" -mindepth 1 -maxdepth 1 -type d -not -name '.*' | wc -l)
left=$(leftovers)
secs=$(($(date +%s) - soak_start))
echo "soak: N=$N nights at ${CANDIDATES}x${ROLES}, kill share ${KILL_SHARE}% (seed $SEED): killed $((killed_term + killed_kill)) (SIGTERM $killed_term, SIGKILL $killed_kill), finished before the signal $finished_first; complete folders $folders, corrupt $corrupt, hidden entries left $left, leftovers after a follow-up $partial_after_followup, failed runs $failed, failed follow-ups $followup_failed, differing from uninterrupted $mismatch; ${secs} s"
[ $((corrupt + left + partial_after_followup + failed + followup_failed + mismatch)) = 0 ]
