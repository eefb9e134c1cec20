#!/usr/bin/env bash
# Runs submit.sh on a real, throwaway one-node Slurm cluster on this machine: installs Debian's
# slurmctld, slurmd, slurm-client and munge when missing (needs root), starts munged, slurmctld
# and slurmd from a temporary folder (loopback, ports 16817/16818), then checks four submissions:
#   1. the prepare job, every task, the merge and the export finish COMPLETED, every task ran with
#      --prepared naming the prepare job's file, and OUT/RUN_ID exists;
#   2. with shard 1 failing, the merge and the export are cancelled (DependencyNeverSatisfied)
#      and no merged run folder appears;
#   3. shard.sbatch submitted as --array=1-3 fails in every task, naming the array;
#   4. with the prepare job failing, the array, the merge and the export are cancelled
#      (DependencyNeverSatisfied) and no shard folder appears.
# The daemons are stopped at the end, however it ends.
#
#   deploy/slurm/local-cluster.sh --bin PATH --config FILE [--shards N] [--timeout SECONDS]
#
# --bin must be a skillmatch with `prepare`, `run --prepared`/SLURM_ARRAY_TASK_* and `merge` for
# the first check to pass; the export step runs against a PostgreSQL URL no server answers, so it
# is replaced by a wrapper that only checks its arguments and the password (this tests Slurm's
# wiring, not the export; tests/export_postgres.rs tests the export).
# Exit codes: 0 all checks passed, 1 a check failed, 2 bad arguments or no cluster.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bin="" config="" shards=3 timeout=900
fail() { echo "local-cluster.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || fail "$1 needs a value"
  case "$1" in
    --bin) bin=$2 ;;
    --config) config=$2 ;;
    --shards) shards=$2 ;;
    --timeout) timeout=$2 ;;
    *) fail "unknown argument: $1" ;;
  esac
  shift 2
done
[ -x "$bin" ] || fail "--bin is not an executable: $bin"
[ -f "$config" ] || fail "--config file not found: $config"
[[ "$shards" =~ ^[1-9][0-9]*$ ]] && [ "$shards" -ge 2 ] || fail "--shards must be at least 2: $shards"
[ "$(id -u)" -eq 0 ] || fail "needs root (the daemons run as root in a temporary folder)"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null \
  || ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

t=$(mktemp -d)
# shellcheck disable=SC2329 # called by the EXIT trap
stop() {
  local pid
  for f in slurmd slurmctld munged; do
    pid=$(cat "$t/$f.pid" 2>/dev/null || true)
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
  done
  sleep 1
  rm -rf "$t"
}
trap stop EXIT
mkdir -p "$t/state" "$t/spool" "$t/log"
host=$(hostname -s)
cpus=$(nproc)
[ -s /etc/munge/munge.key ] || { dd if=/dev/urandom of="$t/munge.key" bs=1024 count=1 2>/dev/null; }
key=/etc/munge/munge.key
[ -s "$key" ] || key="$t/munge.key"
cat > "$t/slurm.conf" <<CONF
ClusterName=skillmatch-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$t/munge.sock
CredType=cred/munge
StateSaveLocation=$t/state
SlurmdSpoolDir=$t/spool
SlurmctldPidFile=$t/slurmctld.pid
SlurmdPidFile=$t/slurmd.pid
SlurmctldPort=16817
SlurmdPort=16818
SlurmctldLogFile=$t/log/slurmctld.log
SlurmdLogFile=$t/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
NodeName=$host CPUs=$cpus RealMemory=4000 State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$t/slurm.conf"
munged --force --socket="$t/munge.sock" --pid-file="$t/munged.pid" --log-file="$t/log/munged.log" \
  --seed-file="$t/munge.seed" --key-file="$key"
slurmctld -f "$SLURM_CONF"
sleep 2
slurmd -f "$SLURM_CONF"
for _ in $(seq 30); do
  sinfo -h -o '%t' 2>/dev/null | grep -q idle && break
  sleep 1
done
sinfo -h -o '%t' | grep -q idle || { tail -n 20 "$t"/log/*.log >&2; fail "the local node did not come up"; }
echo "local Slurm cluster up ($(sinfo -h -o '%P %D %t'))"

# The export step against no server: checks its arguments and the password, then succeeds. Every
# call is recorded in $CALLS_LOG (sbatch --export=ALL passes it on).
cat > "$t/export-check" <<'WRAP'
#!/usr/bin/env bash
echo "$*" >> "$CALLS_LOG"
if [ "$1" = export ]; then
  [ "$2" = postgres ] && [ -d "$4" ] && [ "${PGPASSWORD:-}" = from-file ] || { echo "export-check: bad export call: $*" >&2; exit 1; }
  echo "export-check: would load $4"
  exit 0
fi
exec "$REAL_SKILLMATCH" "$@"
WRAP
# A binary whose shard 1 fails.
cat > "$t/shard1-fails" <<'WRAP'
#!/usr/bin/env bash
[ "${SLURM_ARRAY_TASK_ID:-}" != 1 ] || { echo "shard 1 fails on purpose" >&2; exit 1; }
exec "$REAL_SKILLMATCH" "$@"
WRAP
# A binary whose prepare step fails.
cat > "$t/prepare-fails" <<'WRAP'
#!/usr/bin/env bash
[ "${1:-}" != prepare ] || { echo "prepare fails on purpose" >&2; exit 1; }
exec "$REAL_SKILLMATCH" "$@"
WRAP
chmod +x "$t/export-check" "$t/shard1-fails" "$t/prepare-fails"
export REAL_SKILLMATCH="$bin" CALLS_LOG="$t/calls.txt"
echo from-file > "$t/password"
chmod 600 "$t/password"

# Waits until the queue is empty, then sets $jobs to "JobName State Reason" for every job whose
# output file is under DIR, and prints it. Exits 1 on the timeout or when no job is listed.
#   list_jobs DIR
list_jobs() {
  local deadline=$((SECONDS + timeout))
  while [ -n "$(squeue -h 2>/dev/null)" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "local-cluster.sh: jobs still queued after $timeout s" >&2; squeue >&2; exit 1; }
    sleep 2
  done
  jobs=$(scontrol show job -o | grep -F "StdOut=$1/" \
    | sed -E 's/.*JobName=([^ ]*).* JobState=([^ ]*) Reason=([^ ]*).*/\1 \2 \3/' | sort)
  echo "$jobs"
}

# Runs submit.sh for run ID (out under $t/ID) with BIN as the binary, then list_jobs "$t/ID".
#   submit ID BIN
submit() {
  "$here/submit.sh" --config "$config" --out "$t/$1/reports" --shards "$shards" --run-id "$1" --bin "$2" \
    --pg-url postgresql://etl@db.invalid/hr --pg-password-file "$t/password" "${small[@]}"
  list_jobs "$t/$1"
}

status=0
problem() { echo "local-cluster.sh: $*" >&2; status=1; }
small=(--sbatch-arg=--cpus-per-task=1 --sbatch-arg=--mem=1000M)

# Checks the jobs listed last: at least one (with COUNT, exactly COUNT) is skillmatch-NAME in
# STATE (which may go on with the Reason), else reports MESSAGE.
#   expect NAME 'STATE [REASON]' MESSAGE [COUNT]
expect() {
  local n
  n=$(grep -c "^skillmatch-$1 $2" <<< "$jobs" || true)
  if [ $# -ge 4 ]; then [ "$n" -eq "$4" ]; else [ "$n" -gt 0 ]; fi || problem "$3"
}

echo "== 1. prepare, $shards shards, merge, export"
submit ok "$t/export-check"
expect prepare COMPLETED "1: the prepare job did not complete"
[ -s "$t/ok/shards/ok/prepared.json" ] || problem "1: no prepared file $t/ok/shards/ok/prepared.json"
expect shard COMPLETED "1: not every shard task completed" "$shards"
[ "$(grep -c "^run .* --prepared $t/ok/shards/ok/prepared.json\$" "$t/calls.txt")" -eq "$shards" ] \
  || problem "1: not every shard task ran with --prepared $t/ok/shards/ok/prepared.json"
expect merge COMPLETED "1: the merge did not complete"
expect export COMPLETED "1: the export step did not complete"
[ -d "$t/ok/reports/ok" ] || problem "1: no merged run folder $t/ok/reports/ok"
[ "$status" -eq 0 ] || tail -n 5 "$t"/ok/shards/ok/logs/*.out >&2 || true

echo "== 2. shard 1 fails: merge and export are cancelled"
submit bad "$t/shard1-fails"
expect prepare COMPLETED "2: the prepare job did not complete"
expect shard FAILED "2: shard 1 did not fail"
expect merge 'CANCELLED DependencyNeverSatisfied' "2: the merge was not cancelled"
expect export 'CANCELLED DependencyNeverSatisfied' "2: the export was not cancelled"
[ ! -e "$t/bad/reports/bad" ] || problem "2: a merged run folder appeared"

echo "== 3. an array that is not 0-(N-1) is refused"
mkdir -p "$t/range"
SM_BIN="$bin" SM_CONFIG="$config" SM_AS_OF=2026-11-01 SM_SHARD_ROOT="$t/range/shards" \
  sbatch --parsable --array=1-3 --cpus-per-task=1 --mem=100M --output="$t/range/shard-%a.out" \
  "$here/shard.sbatch" >/dev/null
list_jobs "$t/range"
expect shard FAILED "3: the tasks of --array=1-3 did not fail" 3
grep -q 'the array must be 0-2, not 1-3' "$t/range/shard-1.out" || problem "3: no message naming the array"
[ ! -e "$t/range/shards" ] || problem "3: a shard ran"

echo "== 4. the prepare job fails: the shards, merge and export are cancelled"
submit prep "$t/prepare-fails"
expect prepare FAILED "4: the prepare job did not fail"
expect shard 'CANCELLED DependencyNeverSatisfied' "4: the shard array was not cancelled"
expect shard COMPLETED "4: a shard task ran" 0
expect merge 'CANCELLED DependencyNeverSatisfied' "4: the merge was not cancelled"
expect export 'CANCELLED DependencyNeverSatisfied' "4: the export was not cancelled"
[ -z "$(find "$t/prep/shards/prep" -name 'shard-*-of-*' -type d)" ] || problem "4: a shard folder appeared"
[ ! -e "$t/prep/reports/prep" ] || problem "4: a merged run folder appeared"

[ "$status" -ne 0 ] || echo "local-cluster.sh: all four checks passed"
exit "$status"
