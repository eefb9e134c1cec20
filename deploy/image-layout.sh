#!/usr/bin/env bash
# Reproduces the container image's file layout without Docker (no daemon on the development and
# CI machines) and runs the binary in it. In a temporary root R:
#   1. the builder stage's COPY lines are laid out from the build context (.dockerignore applied)
#      at R/opt/skillmatch, and built there with `cargo build --locked --bin skillmatch`, so the
#      binary's build folder (where bundled() looks) is R/opt/skillmatch, as /opt/skillmatch is in
#      the image;
#   2. R/opt/skillmatch is emptied and the runtime stage's COPY lines are laid out into R (the
#      binary at R/usr/local/bin);
#   3. from R/data (the image's WORKDIR) the binary runs the bundled demo job, maps an ESCO label,
#      and runs the shipped nightly config (its /data and /opt/skillmatch paths under R) on the
#      demo inputs. Each must succeed.
# What it cannot check: the base images, the user, the cache mounts, the release profile.
#
#   deploy/image-layout.sh [--target-dir DIR] [--keep]
#
# --target-dir: cargo's target folder for the build (default: a new one, i.e. a full debug build
# of every dependency). Never the repository's own target folder: cargo would take the two
# checkouts' artifacts for one another. --keep leaves R in place and prints it.
set -euo pipefail

deploy=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$deploy")
target="" keep=false
while [ $# -gt 0 ]; do
  case "$1" in
    --target-dir) [ $# -ge 2 ] || { echo "image-layout.sh: --target-dir needs a value" >&2; exit 2; }; target=$2; shift 2 ;;
    --keep) keep=true; shift ;;
    *) echo "image-layout.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
root=$(mktemp -d)
$keep || trap 'rm -rf "$root"' EXIT
[ -n "$target" ] || target="$root/.cargo-target"
target=$(mkdir -p "$target" && cd "$target" && pwd)
case "$target" in
  "$repo"/target|"$repo"/target/*|"${CARGO_TARGET_DIR:-/nonexistent}") echo "image-layout.sh: use a target folder of its own, not $target" >&2; exit 2 ;;
esac

echo "== builder stage: layout and cargo build (target $target)"
workdir=$(python3 "$deploy/image_layout.py" "$repo" "$root" builder | sed -n 's/^workdir //p')
(cd "$root$workdir" && CARGO_TARGET_DIR="$target" cargo build --locked --bin skillmatch --quiet)
built="$target/debug/skillmatch"
grep -qaF "$root$workdir" "$built" || { echo "image-layout.sh: the binary does not name its build folder $root$workdir" >&2; exit 1; }

echo "== runtime stage: layout"
rm -rf "${root:?}$workdir"
layout=$(python3 "$deploy/image_layout.py" "$repo" "$root" runtime)
while read -r kind source dest; do
  [ "$kind" = from ] || continue
  [ "$source" = /out/skillmatch ] || { echo "image-layout.sh: unexpected COPY --from source $source" >&2; exit 1; }
  install -D -m 0755 "$built" "$root$dest"
done <<< "$layout"
runtime_workdir=$(sed -n 's/^workdir //p' <<< "$layout")
mkdir -p "$root$runtime_workdir"
bin="$root/usr/local/bin/skillmatch"
find "$root" -path "$target" -prune -o -type f -print | sed "s#^$root##" | grep -v '^/opt/skillmatch/datasets/' | sort
echo "(and $(find "$root/opt/skillmatch/datasets" -type f | wc -l) files under /opt/skillmatch/datasets)"

echo "== runs from $runtime_workdir"
cd "$root$runtime_workdir"
run_dir=$("$bin" run --out "$root/data/demo-out" --quiet | tail -n 1)
[ -s "$run_dir/report.html" ] || { echo "image-layout.sh: the bundled demo job wrote no report" >&2; exit 1; }
echo "bundled demo job: $run_dir"
"$bin" normalize "manage budgets" --format jsonl | grep -q '"method":"exact"' \
  || { echo "image-layout.sh: the bundled ESCO was not found" >&2; exit 1; }
echo "bundled ESCO: normalize maps \"manage budgets\""
mkdir -p "$root/data/inputs/postings" "$root/data/config"
cp -r "$repo/datasets/demo/roster.csv" "$repo/datasets/demo/badges" "$root/data/inputs/"
cp "$repo/datasets/demo/postings.jsonl" "$root/data/inputs/postings/"
sed -e "s#\"/data/#\"$root/data/#g" -e "s#\"/opt/skillmatch/#\"$root/opt/skillmatch/#g" \
  "$deploy/aws-batch/skillmatch.toml" > "$root/data/config/skillmatch.toml"
run_dir=$("$bin" run --config "$root/data/config/skillmatch.toml" --as-of 2026-11-01 --out "$root/data/reports" --quiet | tail -n 1)
[ -s "$run_dir/manifest.json" ] || { echo "image-layout.sh: the nightly config wrote no report" >&2; exit 1; }
echo "nightly config: $run_dir"
$keep && echo "kept: $root"
echo "image-layout.sh: the image's layout runs"
