#!/usr/bin/env bash
# Creates tests/python/.venv with the readers of requirements.txt (from PyPI).
# tests/parquet_readers.rs uses it (or the interpreter named by $SKILLMATCH_PYTHON).
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.txt
.venv/bin/python -c 'import pandas, pyarrow, duckdb, polars; print("python readers:", "pandas", pandas.__version__, "pyarrow", pyarrow.__version__, "duckdb", duckdb.__version__, "polars", polars.__version__)'
