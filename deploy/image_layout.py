"""Lays out the files of ../Dockerfile's stages without Docker (used by deploy/image-layout.sh).

Usage: image_layout.py REPO ROOT STAGE
Reads REPO/Dockerfile and REPO/.dockerignore and copies what the COPY lines of STAGE take from
the build context (those filtered by .dockerignore) to ROOT/<destination> (destinations relative
to the stage's WORKDIR are resolved). COPY --from lines are listed on stdout as
"from SOURCE DEST" for the caller. Prints the stage's WORKDIR last, as "workdir PATH".
Supports the subset of Dockerfile syntax the file uses (FROM ... AS, WORKDIR, COPY, ARG, RUN).
"""

import fnmatch
import pathlib
import shutil
import sys


def ignore_rules(repo):
    rules = []
    for line in (repo / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        rules.append((negate, line.lstrip("!").rstrip("/")))
    return rules


def included(rel, rules):
    """Docker's rule: the last matching pattern wins; a pattern matching a parent folder matches."""
    keep = True
    parts = rel.split("/")
    for negate, pattern in rules:
        if any(fnmatch.fnmatchcase("/".join(parts[: i + 1]), pattern) for i in range(len(parts))):
            keep = negate
    return keep


def logical_lines(text):
    line = ""
    for raw in text.splitlines():
        if raw.strip().startswith("#") and not line:
            continue
        if raw.endswith("\\"):
            line += raw[:-1] + " "
            continue
        line += raw
        if line.strip():
            yield line.strip()
        line = ""


def main():
    repo, root, stage = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
    rules = ignore_rules(repo)
    current, workdir, stage_workdir = None, "/", None
    for line in logical_lines((repo / "Dockerfile").read_text(encoding="utf-8")):
        words = line.split()
        op = words[0].upper()
        if op == "FROM":
            current = words[3] if len(words) >= 4 and words[2].upper() == "AS" else None
            workdir = "/"
        if current != stage:
            continue
        if op == "WORKDIR":
            workdir = str(pathlib.PurePosixPath(workdir) / words[1])
        stage_workdir = workdir
        if op != "COPY":
            continue
        args = [w for w in words[1:] if not w.startswith("--")]
        source_stage = next((w.split("=", 1)[1] for w in words[1:] if w.startswith("--from=")), None)
        *sources, dest = args
        dest_path = pathlib.PurePosixPath(workdir) / dest
        if source_stage:
            for s in sources:
                print(f"from {s} {dest_path}")
            continue
        for s in sources:
            src = repo / s
            if not src.exists():
                sys.exit(f"image_layout.py: COPY source {s} is not in the repository")
            files = [src] if src.is_file() else sorted(p for p in src.rglob("*") if p.is_file())
            copied = 0
            for f in files:
                rel = f.relative_to(repo).as_posix()
                if not included(rel, rules):
                    continue
                inner = f.relative_to(src) if src.is_dir() else pathlib.Path(f.name if dest.endswith("/") else "")
                target = root / str(dest_path).lstrip("/") / inner
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, target)
                copied += 1
            if copied == 0:
                sys.exit(f"image_layout.py: COPY {s}: .dockerignore leaves nothing of it in the context")
    if stage_workdir is None:
        sys.exit(f"image_layout.py: no stage {stage} in the Dockerfile")
    print(f"workdir {stage_workdir}")


if __name__ == "__main__":
    main()
