"""Reads Parquet files with the default arguments of pandas, pyarrow, DuckDB and polars and checks
each column's logical type.

usage: check_parquet.py EXPECTED_JSON FILE...
EXPECTED_JSON maps a file name to its columns in order, [[column, kind], ...], kind one of str,
int, float, bool, list (of text).
Prints one line per file read; exits 1 with every problem listed when a reader fails or a type
differs. Run by tests/parquet_readers.rs.
"""

import json
import os
import sys

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq


def arrow_kind(t):
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "str"
    if pa.types.is_int64(t):
        return "int"
    if pa.types.is_float64(t):
        return "float"
    if pa.types.is_boolean(t):
        return "bool"
    if (pa.types.is_list(t) or pa.types.is_large_list(t)) and arrow_kind(t.value_type) == "str":
        return "list"
    return f"unexpected arrow type {t}"


def duckdb_kind(t):
    return {"VARCHAR": "str", "BIGINT": "int", "DOUBLE": "float", "BOOLEAN": "bool", "VARCHAR[]": "list"}.get(t, f"unexpected duckdb type {t}")


def polars_kind(t):
    if t == pl.String:
        return "str"
    if t == pl.Int64:
        return "int"
    if t == pl.Float64:
        return "float"
    if t == pl.Boolean:
        return "bool"
    if isinstance(t, pl.List) and t.inner == pl.String:
        return "list"
    return f"unexpected polars type {t}"


def pandas_kind(s):
    if pd.api.types.is_integer_dtype(s.dtype) and s.dtype == "int64":
        return "int"
    if pd.api.types.is_float_dtype(s.dtype) and s.dtype == "float64":
        return "float"
    if pd.api.types.is_bool_dtype(s.dtype):
        return "bool"
    if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
        values = [v for v in s if v is not None and not (isinstance(v, float) and pd.isna(v))]
        if all(isinstance(v, str) for v in values):
            return "str"
        # Lists arrive as numpy arrays of str.
        if all(hasattr(v, "__len__") and all(isinstance(x, str) for x in v) for v in values):
            return "list"
    return f"unexpected pandas dtype {s.dtype}"


def check(path, expected):
    problems = []
    name = os.path.basename(path)
    readers = {
        "pyarrow": lambda: {f.name: arrow_kind(f.type) for f in pq.read_table(path).schema},
        "pandas": lambda: {c: pandas_kind(s) for c, s in pd.read_parquet(path).items()},
        "duckdb": lambda: {
            r[0]: duckdb_kind(r[1])
            for r in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
        },
        "polars": lambda: {c: polars_kind(t) for c, t in pl.read_parquet(path).schema.items()},
    }
    for reader, read in readers.items():
        try:
            got = read()
        except Exception as e:  # the point of the check: any failure to open is reported
            problems.append(f"{name}: {reader} cannot read it: {type(e).__name__}: {e}")
            continue
        if list(got) != list(expected):
            problems.append(f"{name}: {reader} columns {list(got)} != expected {list(expected)}")
            continue
        for col, kind in expected.items():
            if got[col] != kind:
                problems.append(f"{name}: {reader}: column {col} is {got[col]}, expected {kind}")
    rows = len(pd.read_parquet(path)) if not problems else "?"
    print(f"{name}: {len(expected)} columns, {rows} rows, read by {', '.join(readers)}")
    return problems


def main():
    expected = json.loads(sys.argv[1])
    problems = []
    for path in sys.argv[2:]:
        name = os.path.basename(path)
        if name not in expected:
            problems.append(f"{name}: no expected schema (add it to tests/parquet_readers.rs)")
            continue
        problems += check(path, dict(expected[name]))
    for p in problems:
        print(p, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
