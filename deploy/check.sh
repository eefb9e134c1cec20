#!/usr/bin/env bash
# Validates the deployment examples as far as this machine allows (no cluster, no Docker daemon):
#   - Dockerfile: hadolint, and its COPY sources present in the build context (.dockerignore);
#   - shell scripts (*.sh, *.sbatch under deploy/): shellcheck;
#   - Kubernetes manifests, as shipped and as run.sh renders them for a night: kubernetes-validate
#     --strict against the API schemas of Kubernetes 1.29 (the oldest with backoffLimitPerIndex)
#     and 1.37;
#   - AWS Batch job definitions and the submit-job requests submit.sh writes (--print): the Batch
#     API model of botocore (unknown or missing fields, types);
#   - Slurm: submit.sh run against a stub sbatch (prepare first, array 0-(N-1) afterok on it,
#     merge afterok on the array, export afterok on the merge);
#   - consistency (check_deploy.py): shard count = completions = SKILLMATCH_SHARD_COUNT, names,
#     volumes, the shards' --prepared = the prepare step's --out with the same config, in every
#     scheduler, the two copies of the config, the Dockerfile's build folder;
#   - with --bin PATH: the shipped config run for real by that skillmatch binary on the demo data
#     (its /data paths pointed at a temporary folder).
# The validators come from PyPI (deploy/requirements.txt) into deploy/.venv, installed when
# missing or when requirements.txt changed. Exits 1 on any finding, 2 on bad arguments.
#
#   deploy/check.sh [--bin PATH] [--simulate]
#
# --simulate also runs deploy/simulate.sh and, as root, deploy/slurm/local-cluster.sh (a real
# one-node Slurm) with --bin; both need a binary with `prepare`, `run --prepared`/`--shard` and
# `merge`.
set -euo pipefail

deploy=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$deploy")
bin="" simulate=false
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) [ $# -ge 2 ] || { echo "check.sh: --bin needs a path" >&2; exit 2; }; bin=$2; shift 2 ;;
    --simulate) simulate=true; shift ;;
    *) echo "check.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -z "$bin" ] || [ -x "$bin" ] || { echo "check.sh: --bin is not an executable: $bin" >&2; exit 2; }
! $simulate || [ -n "$bin" ] || { echo "check.sh: --simulate needs --bin" >&2; exit 2; }

venv="$deploy/.venv"
stamp="$venv/requirements.sha256"
want=$(sha256sum "$deploy/requirements.txt" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "installing the validators (deploy/requirements.txt) into deploy/.venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -r "$deploy/requirements.txt"
  echo "$want" > "$stamp"
fi
tools="$venv/bin"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
step() { echo "-- $*"; }
finding() { echo "deploy check: $*" >&2; failed=1; }

step "hadolint $("$tools/hadolint" --version | awk '{print $NF}'): Dockerfile"
"$tools/hadolint" --no-color "$repo/Dockerfile" || finding "hadolint: Dockerfile"
step "Dockerfile COPY sources present in the build context (.dockerignore applied)"
for stage in builder runtime; do
  "$tools/python" "$deploy/image_layout.py" "$repo" "$work/layout-$stage" "$stage" >/dev/null \
    || finding "the $stage stage copies what the build context lacks"
done
[ -f "$work/layout-builder/opt/skillmatch/Cargo.lock" ] && [ -d "$work/layout-runtime/opt/skillmatch/datasets/taxonomy/esco-v1.2.0" ] \
  || finding "the image lacks Cargo.lock (builder) or the bundled ESCO (runtime)"
"$tools/python" -m py_compile "$deploy/check_deploy.py" "$deploy/image_layout.py" || finding "python syntax"

scripts=()
while IFS= read -r -d '' f; do scripts+=("$f"); done \
  < <(find "$deploy" -path "$venv" -prune -o -type f \( -name '*.sh' -o -name '*.sbatch' \) -print0 | sort -z)
step "shellcheck $("$tools/shellcheck" --version | sed -n 's/^version: //p'): ${#scripts[@]} scripts"
(cd "$deploy" && "$tools/shellcheck" -x "${scripts[@]}") || finding "shellcheck"
for f in "${scripts[@]}"; do [ -x "$f" ] || finding "not executable: ${f#"$repo"/}"; done

step "kubernetes/run.sh --render (7 shards)"
"$deploy/kubernetes/run.sh" --shards 7 --as-of 2026-11-24 --run-id 20261124T030000Z \
  --image registry.internal/hr/skillmatch:0.1.0 --render "$work/k8s" >/dev/null || finding "run.sh --render"
if grep -n '# run\.sh:' "$work"/k8s/*.yaml | grep -E 'example|2026-11-01|: "?4"? #|registry\.example\.com'; then
  finding "run.sh --render left a template value (above)"
fi
"$deploy/kubernetes/run.sh" --shards 0 --render "$work/bad" 2>/dev/null && finding "run.sh accepted --shards 0"
# Job names are DNS labels of at most 63 characters: "skillmatch-prepare-" + 44.
"$deploy/kubernetes/run.sh" --run-id "$(printf 'a%.0s' {1..44})" --render "$work/long" >/dev/null \
  || finding "run.sh refused a run id of 44 characters"
grep -hoE 'name: skillmatch-[a-z]+-a{44}' "$work"/long/job-*.yaml | awk 'length($2) > 63 { bad = 1 } END { exit !bad }' \
  && finding "run.sh --run-id of 44 characters makes a Job name over 63 characters"
"$deploy/kubernetes/run.sh" --run-id "$(printf 'a%.0s' {1..45})" --render "$work/bad" 2>/dev/null \
  && finding "run.sh accepted a run id of 45 characters (Job name skillmatch-prepare-ID over 63)"

for version in 1.29.0 1.37.0; do
  step "kubernetes-validate --strict -k $version: kubernetes/*.yaml and their rendering"
  "$tools/kubernetes-validate" --strict --quiet -k "$version" "$deploy"/kubernetes/*.yaml "$work"/k8s/*.yaml \
    || finding "kubernetes-validate against $version"
done

step "aws-batch/submit.sh --print (prepare, 3 shards, merge, export; prepare, 1 shard, merge)"
"$deploy/aws-batch/submit.sh" --job-queue hr-nightly --shards 3 --as-of 2026-11-24 --run-id 20261124T030000Z \
  --pg-url postgresql://etl@db.internal:5432/hr --print "$work/aws3" >/dev/null || finding "aws-batch/submit.sh --print (3)"
"$deploy/aws-batch/submit.sh" --job-queue hr-nightly --shards 1 --as-of 2026-11-24 --run-id 20261124T030000Z \
  --print "$work/aws1" >/dev/null || finding "aws-batch/submit.sh --print (1)"

step "slurm/submit.sh against a stub sbatch (prepare, 3 shards, merge, export)"
mkdir -p "$work/stub"
cat > "$work/stub/sbatch" <<'STUB'
#!/usr/bin/env bash
# Records the command line and answers like `sbatch --parsable` on a multi-cluster setup.
echo "sbatch $*" >> "$SBATCH_STUB_LOG"
echo "$((1000 + $(wc -l < "$SBATCH_STUB_LOG")));cluster1"
STUB
chmod +x "$work/stub/sbatch"
: > "$work/slurm-calls.txt"
PATH="$work/stub:$PATH" SBATCH_STUB_LOG="$work/slurm-calls.txt" "$deploy/slurm/submit.sh" \
  --config "$deploy/aws-batch/skillmatch.toml" --out "$work/slurm/reports" --shards 3 --as-of 2026-11-24 \
  --run-id 20261124T030000Z --pg-url postgresql://etl@db.internal:5432/hr >/dev/null || finding "slurm/submit.sh"

step "consistency (check_deploy.py) and Batch API model (botocore)"
"$tools/python" "$deploy/check_deploy.py" "$deploy" "$work" || finding "check_deploy.py"

if [ -n "$bin" ]; then
  step "the shipped config, run by $bin on the demo data"
  data="$work/data"
  mkdir -p "$data/inputs/postings"
  cp -r "$repo/datasets/demo/roster.csv" "$repo/datasets/demo/badges" "$data/inputs/"
  cp "$repo/datasets/demo/postings.jsonl" "$data/inputs/postings/"
  sed -e "s#\"/data/#\"$data/#g" -e "s#\"/opt/skillmatch/datasets/#\"$repo/datasets/#g" \
    "$deploy/aws-batch/skillmatch.toml" > "$work/skillmatch.toml"
  if "$bin" run --config "$work/skillmatch.toml" --as-of 2026-11-01 --out "$data/reports" --quiet > "$work/run.out"; then
    run_dir=$(tail -n 1 "$work/run.out")
    [ -s "$run_dir/manifest.json" ] && [ -s "$run_dir/shortlists.csv" ] || finding "the config's run wrote no report in $run_dir"
  else
    finding "skillmatch run with the shipped config failed"
  fi
  if $simulate; then
    step "simulate.sh: each scheduler's sharded flow as local processes"
    "$deploy/simulate.sh" --bin "$bin" --config "$work/skillmatch.toml" || finding "simulate.sh"
    if [ "$(id -u)" -eq 0 ]; then
      step "slurm/local-cluster.sh: submit.sh on a one-node Slurm cluster"
      "$deploy/slurm/local-cluster.sh" --bin "$bin" --config "$work/skillmatch.toml" || finding "slurm/local-cluster.sh"
    else
      echo "(slurm/local-cluster.sh skipped: needs root)"
    fi
  fi
fi

if [ "$failed" -ne 0 ]; then
  echo "deploy examples: findings above" >&2
  exit 1
fi
echo "deploy examples: all checks passed"
