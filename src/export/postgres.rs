//! `skillmatch export postgres`: a finished run folder loaded into PostgreSQL tables for
//! dashboards (Metabase, Power BI, Superset).
//!
//! One transaction per run: the tables are created when missing (with a schema version the
//! loader checks), the run's earlier rows are deleted (`runs` cascades to every other table),
//! then the run's row is inserted and every table is filled with binary `COPY … FROM STDIN`.
//! Loading the same run twice leaves one copy; a failure leaves the database as it was.
//!
//! The tables' columns are the run files' columns under the same names ([`TABLES`]); the SQL
//! column list is the database's contract with dashboards, and a test checks it against a real
//! run folder so a renamed output column is caught.

use std::path::Path;
use std::str::FromStr;

use polars::prelude::{DataFrame, DataType};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls, Transaction};

use crate::report::manifest::Manifest;
use crate::report::schema::{self, RunFileError};

/// Version of the table layout; a schema holding another version is refused.
pub const SCHEMA_VERSION: i32 = 1;

/// The schema used when none is given.
pub const DEFAULT_SCHEMA: &str = "skillmatch";

/// `audit.json` in a run folder: `skillmatch audit --format json --out RUN/audit.json`, loaded
/// when present; otherwise the nightly run's own `audit.csv` is loaded, its rows as one document.
pub const AUDIT_FILE: &str = "audit.json";

/// Errors of the PostgreSQL export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A run file is missing or unreadable.
    #[error(transparent)]
    RunFile(#[from] RunFileError),
    /// A run file lacks a column the tables need.
    #[error("{path} has no column {column:?} (a run folder of another skillmatch version?)")]
    Column {
        /// The file.
        path: String,
        /// The column.
        column: String,
    },
    /// A cell that does not parse as its column's type.
    #[error("{path} line {line}: column {column:?}: {value:?} is not {expected}")]
    Cell {
        /// The file.
        path: String,
        /// 1-based line (header is line 1).
        line: usize,
        /// The column.
        column: String,
        /// The cell.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// `--url` does not parse (the URL is shown without its password).
    #[error("--url {url}: {reason}")]
    Url {
        /// The URL, password replaced by `***`.
        url: String,
        /// Why.
        reason: String,
    },
    /// `--schema` is not a plain SQL identifier.
    #[error("--schema {0:?}: give a lower-case SQL name (letters, digits, `_`, not starting with a digit, ≤ 63 bytes)")]
    SchemaName(String),
    /// The server could not be reached or refused the login (the URL without its password).
    #[error("cannot connect to {url}: {source}")]
    Connect {
        /// The URL, password replaced by `***`.
        url: String,
        /// The client's error.
        #[source]
        source: postgres::Error,
    },
    /// The schema holds tables of another layout version.
    #[error(
        "schema {schema} holds skillmatch tables of version {found}; this skillmatch writes version {SCHEMA_VERSION}: use another --schema"
    )]
    Version {
        /// The schema.
        schema: String,
        /// The version found.
        found: i32,
    },
    /// A statement failed; nothing of the run was committed.
    #[error("{what} failed (nothing of this run was committed): {}", db_message(.source))]
    Db {
        /// What was being done.
        what: String,
        /// The client's error.
        #[source]
        source: postgres::Error,
    },
}

/// The server's own message when there is one (`postgres::Error` alone says only `db error`).
fn db_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{}: {}", db.severity(), db.message()),
        None => e.to_string(),
    }
}

/// A column's SQL type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlType {
    /// `text`.
    Text,
    /// `bigint`.
    Int,
    /// `double precision`.
    Float,
    /// `boolean`.
    Bool,
    /// `text[]` (Parquet list columns).
    TextArray,
}

impl SqlType {
    fn ddl(self) -> &'static str {
        match self {
            SqlType::Text => "text",
            SqlType::Int => "bigint",
            SqlType::Float => "double precision",
            SqlType::Bool => "boolean",
            SqlType::TextArray => "text[]",
        }
    }

    fn pg(self) -> Type {
        match self {
            SqlType::Text => Type::TEXT,
            SqlType::Int => Type::INT8,
            SqlType::Float => Type::FLOAT8,
            SqlType::Bool => Type::BOOL,
            SqlType::TextArray => Type::TEXT_ARRAY,
        }
    }
}

/// One table filled from one run file.
#[derive(Debug, Clone, Copy)]
pub struct TableSpec {
    /// Table name.
    pub table: &'static str,
    /// The run file (a [`schema`] constant).
    pub file: &'static str,
    /// Columns after `run_id`, named as in the file.
    pub columns: &'static [(&'static str, SqlType)],
    /// Indexes (column lists after `run_id`) for the dashboard queries.
    pub indexes: &'static [&'static str],
}

use SqlType::{Bool, Float, Int, Text, TextArray};

/// The tables filled from run files. CSV list cells stay `;`-joined text as in the CSV (a label
/// may hold any character); `matches` comes from Parquet, whose lists are `text[]`.
pub const TABLES: [TableSpec; 4] = [
    TableSpec {
        table: "matches",
        file: schema::MATCHES,
        columns: &[
            ("role_id", Text),
            ("candidate_id", Text),
            ("rank", Int),
            ("score", Float),
            ("matched_required", TextArray),
            ("matched_preferred", TextArray),
            ("missing_required", TextArray),
            ("partial_required", TextArray),
            ("role_title", Text),
            ("role_thin", Bool),
            ("candidate_location", Text),
            ("role_location", Text),
        ],
        indexes: &["role_id, rank, candidate_id"],
    },
    TableSpec {
        table: "candidate_gaps",
        file: schema::CANDIDATE_GAPS,
        columns: &[
            ("candidate_id", Text),
            ("rank", Int),
            ("role_id", Text),
            ("role_title", Text),
            ("score", Float),
            ("required_total", Int),
            ("missing_required_count", Int),
            ("missing_required", Text),
            ("partial_required", Text),
            ("next_credentials", Text),
        ],
        indexes: &["candidate_id, rank"],
    },
    TableSpec {
        table: "verification",
        file: schema::VERIFICATION,
        columns: &[
            ("credential_id", Text),
            ("candidate_id", Text),
            ("source", Text),
            ("position", Text),
            ("format", Text),
            ("issuer", Text),
            ("issuer_id", Text),
            ("achievement", Text),
            ("issued_on", Text),
            ("expires", Text),
            ("status", Text),
            ("skills", Int),
            ("skills_mapped", Int),
            ("failed_checks", Text),
            ("checks", Text),
        ],
        indexes: &["status", "candidate_id"],
    },
    TableSpec {
        table: "supply_demand",
        file: schema::SUPPLY_DEMAND,
        columns: &[
            ("skill_uri", Text),
            ("skill_label", Text),
            ("roles_required", Int),
            ("roles_preferred", Int),
            ("candidates_with_evidence", Int),
            ("candidates_verified", Int),
        ],
        indexes: &["skill_uri"],
    },
];

/// One column's values, read from a run file.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// `text`.
    Text(Vec<Option<String>>),
    /// `bigint`.
    Int(Vec<Option<i64>>),
    /// `double precision`.
    Float(Vec<Option<f64>>),
    /// `boolean`.
    Bool(Vec<Option<bool>>),
    /// `text[]`.
    TextArray(Vec<Option<Vec<String>>>),
}

impl Values {
    fn len(&self) -> usize {
        match self {
            Values::Text(v) => v.len(),
            Values::Int(v) => v.len(),
            Values::Float(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::TextArray(v) => v.len(),
        }
    }

    fn at(&self, i: usize) -> &(dyn ToSql + Sync) {
        match self {
            Values::Text(v) => &v[i],
            Values::Int(v) => &v[i],
            Values::Float(v) => &v[i],
            Values::Bool(v) => &v[i],
            Values::TextArray(v) => &v[i],
        }
    }
}

/// A run folder's table as read: one [`Values`] per spec column.
pub type Columns = Vec<Values>;

/// Reads a table's columns from its run file (Parquet or CSV, by the file's extension).
///
/// # Errors
/// The file is missing or unreadable, lacks a column, or holds a cell of the wrong type.
pub fn read_table(dir: &Path, spec: &TableSpec) -> Result<Columns, ExportError> {
    let path = dir.join(spec.file);
    if spec.file.ends_with(".parquet") {
        let df = schema::read_parquet(&path)?;
        spec.columns.iter().map(|&(name, ty)| parquet_column(&df, &path, name, ty)).collect()
    } else {
        read_csv(&path, spec)
    }
}

fn parquet_column(df: &DataFrame, path: &Path, name: &str, ty: SqlType) -> Result<Values, ExportError> {
    let missing = || ExportError::Column { path: path.display().to_string(), column: name.to_string() };
    let read = |e: polars::error::PolarsError| {
        ExportError::from(RunFileError::Read { path: path.display().to_string(), reason: format!("{name}: {e}") })
    };
    let col = df.column(name).map_err(|_| missing())?;
    Ok(match ty {
        Text => {
            let c = col.cast(&DataType::String).map_err(read)?;
            Values::Text(c.str().map_err(read)?.iter().map(|s| s.map(str::to_string)).collect())
        }
        Int => Values::Int(col.cast(&DataType::Int64).map_err(read)?.i64().map_err(read)?.iter().collect()),
        Float => Values::Float(col.cast(&DataType::Float64).map_err(read)?.f64().map_err(read)?.iter().collect()),
        Bool => Values::Bool(col.bool().map_err(read)?.iter().collect()),
        TextArray => {
            let l = col.list().map_err(read)?;
            let lists = (0..l.len())
                .map(|i| {
                    let Some(s) = l.get_as_series(i) else { return Ok(None) };
                    let s = s.str().map_err(read)?;
                    Ok(Some(s.iter().flatten().map(str::to_string).collect()))
                })
                .collect::<Result<_, ExportError>>()?;
            Values::TextArray(lists)
        }
    })
}

fn read_csv(path: &Path, spec: &TableSpec) -> Result<Columns, ExportError> {
    let p = path.display().to_string();
    let mut r = schema::RunCsv::open(path)?;
    let idx: Vec<usize> = spec
        .columns
        .iter()
        .map(|&(name, _)| {
            r.column(name).ok_or_else(|| ExportError::Column { path: p.clone(), column: name.to_string() })
        })
        .collect::<Result<_, _>>()?;
    let mut cols: Columns = spec
        .columns
        .iter()
        .map(|&(_, ty)| match ty {
            Text => Values::Text(Vec::new()),
            Int => Values::Int(Vec::new()),
            Float => Values::Float(Vec::new()),
            Bool => Values::Bool(Vec::new()),
            TextArray => Values::TextArray(Vec::new()),
        })
        .collect();
    for (n, rec) in r.records().enumerate() {
        let rec = rec?;
        for (k, col) in cols.iter_mut().enumerate() {
            let raw = crate::util::csv_unsafe(rec.get(idx[k]).unwrap_or(""));
            let bad = |expected| ExportError::Cell {
                path: p.clone(),
                line: n + 2,
                column: spec.columns[k].0.to_string(),
                value: raw.to_string(),
                expected,
            };
            match col {
                Values::Text(v) => v.push((!raw.is_empty()).then(|| raw.to_string())),
                Values::Int(v) => v.push(parse_cell(raw, || bad("a whole number"))?),
                Values::Float(v) => v.push(parse_cell(raw, || bad("a number"))?),
                Values::Bool(v) => v.push(parse_cell(raw, || bad("true or false"))?),
                Values::TextArray(v) => v.push((!raw.is_empty()).then(|| raw.split(';').map(str::to_string).collect())),
            }
        }
    }
    Ok(cols)
}

/// An empty cell is NULL; anything else must parse.
fn parse_cell<T: FromStr>(raw: &str, bad: impl Fn() -> ExportError) -> Result<Option<T>, ExportError> {
    if raw.is_empty() { Ok(None) } else { raw.parse().map(Some).map_err(|_| bad()) }
}

/// The URL with its password replaced by `***`, in URL (`postgresql://user:pw@host/db`) and
/// key-value (`host=… password=pw`) form, so that no message or log shows it.
pub fn redact_url(url: &str) -> String {
    if let Some(scheme_end) = url.find("://") {
        let rest = &url[scheme_end + 3..];
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@')
            && let Some(colon) = rest[..at].find(':')
        {
            return format!("{}{}:***{}", &url[..scheme_end + 3], &rest[..colon], &rest[at..]);
        }
        return url.to_string();
    }
    url.split(' ')
        .map(|part| match part.split_once('=') {
            Some((k, _)) if k.trim() == "password" => format!("{k}=***"),
            _ => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks `--schema`: a plain lower-case identifier, so it needs no quoting rules of its own.
///
/// # Errors
/// [`ExportError::SchemaName`].
pub fn check_schema_name(name: &str) -> Result<(), ExportError> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit();
    if ok { Ok(()) } else { Err(ExportError::SchemaName(name.to_string())) }
}

/// Connects to `url` without TLS (a local socket or a trusted network); a password absent from
/// the URL is taken from `PGPASSWORD`, as libpq does.
///
/// # Errors
/// [`ExportError::Url`] or [`ExportError::Connect`], naming the URL without its password.
pub fn connect(url: &str) -> Result<Client, ExportError> {
    let shown = redact_url(url);
    let mut config =
        postgres::Config::from_str(url).map_err(|e| ExportError::Url { url: shown.clone(), reason: e.to_string() })?;
    if config.get_password().is_none()
        && let Ok(pw) = std::env::var("PGPASSWORD")
    {
        config.password(pw);
    }
    config.connect(NoTls).map_err(|source| ExportError::Connect { url: shown, source })
}

/// What [`load_run`] loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadSummary {
    /// The run id.
    pub run_id: String,
    /// The schema.
    pub schema: String,
    /// Rows per table, in load order (`runs` first).
    pub rows: Vec<(String, u64)>,
}

fn db(what: impl Into<String>) -> impl FnOnce(postgres::Error) -> ExportError {
    let what = what.into();
    move |source| ExportError::Db { what, source }
}

/// The DDL of every table and index, `IF NOT EXISTS`.
pub fn ddl(schema: &str) -> String {
    let mut sql = format!(
        "CREATE SCHEMA IF NOT EXISTS {schema};\n\
         CREATE TABLE IF NOT EXISTS {schema}.schema_version (version integer NOT NULL);\n\
         CREATE TABLE IF NOT EXISTS {schema}.runs (\n  run_id text PRIMARY KEY,\n  as_of date NOT NULL,\n  \
         tool_version text NOT NULL,\n  config_sha256 text NOT NULL,\n  started_at timestamptz,\n  \
         finished_at timestamptz,\n  threads bigint,\n  previous_run text,\n  candidates bigint,\n  roles bigint,\n  \
         pairs_scored bigint,\n  shortlist_rows bigint,\n  credentials jsonb NOT NULL,\n  ingest jsonb NOT NULL,\n  \
         manifest jsonb NOT NULL,\n  loaded_at timestamptz NOT NULL DEFAULT now()\n);\n\
         CREATE INDEX IF NOT EXISTS runs_finished_at ON {schema}.runs (finished_at DESC);\n"
    );
    let fk = format!("run_id text NOT NULL REFERENCES {schema}.runs (run_id) ON DELETE CASCADE");
    for t in &TABLES {
        let cols: Vec<String> = t.columns.iter().map(|(n, ty)| format!("  {n} {}", ty.ddl())).collect();
        sql.push_str(&format!(
            "CREATE TABLE IF NOT EXISTS {schema}.{} (\n  {fk},\n{}\n);\n",
            t.table,
            cols.join(",\n")
        ));
        for (i, ix) in t.indexes.iter().enumerate() {
            sql.push_str(&format!(
                "CREATE INDEX IF NOT EXISTS {t}_ix{i} ON {schema}.{t} (run_id, {ix});\n",
                t = t.table
            ));
        }
    }
    for doc in ["diffs", "audits"] {
        sql.push_str(&format!(
            "CREATE TABLE IF NOT EXISTS {schema}.{doc} (\n  run_id text PRIMARY KEY REFERENCES {schema}.runs (run_id) \
             ON DELETE CASCADE,\n  document jsonb NOT NULL\n);\n"
        ));
    }
    sql
}

/// Creates the tables when missing and checks (or records) the layout version.
fn prepare(tx: &mut Transaction<'_>, schema: &str) -> Result<(), ExportError> {
    // Two loaders creating the same schema at once would race on the catalog: serialise them.
    tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&format!("skillmatch:{schema}")])
        .map_err(db("locking the schema"))?;
    tx.batch_execute(&ddl(schema)).map_err(db(format!("creating the tables in schema {schema}")))?;
    let found: Option<i32> = tx
        .query_opt(&format!("SELECT max(version) FROM {schema}.schema_version"), &[])
        .map_err(db("reading the schema version"))?
        .and_then(|r| r.get(0));
    match found {
        Some(v) if v != SCHEMA_VERSION => Err(ExportError::Version { schema: schema.to_string(), found: v }),
        Some(_) => Ok(()),
        None => tx
            .execute(&format!("INSERT INTO {schema}.schema_version VALUES ($1)"), &[&SCHEMA_VERSION])
            .map(|_| ())
            .map_err(db("recording the schema version")),
    }
}

/// Inserts the run's row from its manifest.
fn insert_run(tx: &mut Transaction<'_>, schema: &str, m: &Manifest) -> Result<(), ExportError> {
    let config = serde_json::to_string(&m.config).unwrap_or_default();
    // Without the per-file input list: one entry per badge file (30 MB at 20k candidates), which
    // no dashboard reads; the run folder keeps it.
    let mut manifest = serde_json::to_value(m).unwrap_or_default();
    if let Some(o) = manifest.as_object_mut() {
        o.remove("inputs");
    }
    let manifest = manifest.to_string();
    let stages = serde_json::to_value(&m.stages).unwrap_or_default();
    let count = |p: &str| stages.pointer(p).and_then(|v| v.as_i64());
    let credentials = stages.pointer("/verify").map(|v| v.to_string()).unwrap_or_else(|| "{}".into());
    let ingest = serde_json::to_string(&m.ingest).unwrap_or_else(|_| "{}".into());
    let sql = format!(
        "INSERT INTO {schema}.runs (run_id, as_of, tool_version, config_sha256, started_at, finished_at, threads, \
         previous_run, candidates, roles, pairs_scored, shortlist_rows, credentials, ingest, manifest) \
         VALUES ($1, $2::text::date, $3, $4, NULLIF($5, '')::timestamptz, NULLIF($6, '')::timestamptz, $7, $8, $9, \
         $10, $11, $12, $13::text::jsonb, $14::text::jsonb, $15::text::jsonb)"
    );
    let threads = m.run.threads as i64;
    tx.execute(
        &sql,
        &[
            &m.run.run_id,
            &m.as_of,
            &m.tool.version,
            &crate::util::sha256_hex(config.as_bytes()),
            &m.run.started_at,
            &m.run.finished_at,
            &threads,
            &m.run.previous_run,
            &count("/score/candidates"),
            &count("/score/roles"),
            &count("/score/pairs_scored"),
            &count("/score/shortlist_rows"),
            &credentials,
            &ingest,
            &manifest,
        ],
    )
    .map(|_| ())
    .map_err(db(format!("inserting run {}", m.run.run_id)))
}

/// Fills one table with binary `COPY` (no text escaping involved).
fn copy_table(
    tx: &mut Transaction<'_>,
    schema: &str,
    run_id: &str,
    spec: &TableSpec,
    cols: &Columns,
) -> Result<u64, ExportError> {
    let names: Vec<&str> = spec.columns.iter().map(|c| c.0).collect();
    let sql = format!("COPY {schema}.{} (run_id, {}) FROM STDIN (FORMAT binary)", spec.table, names.join(", "));
    let what = || format!("loading {} into {schema}.{}", spec.file, spec.table);
    let writer = tx.copy_in(&sql).map_err(db(what()))?;
    let types: Vec<Type> = std::iter::once(Type::TEXT).chain(spec.columns.iter().map(|c| c.1.pg())).collect();
    let mut w = BinaryCopyInWriter::new(writer, &types);
    let rows = cols.first().map(Values::len).unwrap_or(0);
    let mut row: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(cols.len() + 1);
    for i in 0..rows {
        row.clear();
        row.push(&run_id);
        row.extend(cols.iter().map(|c| c.at(i)));
        w.write(&row).map_err(db(what()))?;
    }
    w.finish().map_err(db(what()))
}

/// Stores a JSON document of the run folder (`diff.json`, `audit.json`) as one jsonb row, when
/// the file is there.
fn insert_document(
    tx: &mut Transaction<'_>,
    schema: &str,
    table: &str,
    run_id: &str,
    path: &Path,
) -> Result<u64, ExportError> {
    let Ok(text) = std::fs::read_to_string(path) else { return Ok(0) };
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
        let reason = format!("not JSON: {e}");
        return Err(RunFileError::Read { path: path.display().to_string(), reason }.into());
    }
    tx.execute(
        &format!("INSERT INTO {schema}.{table} (run_id, document) VALUES ($1, $2::text::jsonb)"),
        &[&run_id, &text],
    )
    .map_err(db(format!("loading {} into {schema}.{table}", path.display())))
}

/// `audit.csv` of a run folder as a JSON array of row objects (cells as written, the CSV's
/// formula guard undone); `None` when the run has no audit.
fn audit_csv_document(path: &Path) -> Result<Option<String>, ExportError> {
    if !path.exists() {
        return Ok(None);
    }
    let mut reader = schema::RunCsv::open(path)?;
    let header = reader.headers().to_vec();
    let mut docs = Vec::new();
    for record in reader.records() {
        let record = record?;
        let row: serde_json::Map<String, serde_json::Value> = header
            .iter()
            .zip(record.iter())
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(crate::util::csv_unsafe(v).to_string())))
            .collect();
        docs.push(serde_json::Value::Object(row));
    }
    Ok(Some(serde_json::Value::Array(docs).to_string()))
}

/// Loads the run folder `dir` into `schema` over `client`, in one transaction: tables created
/// when missing, the run's earlier rows replaced. Every file is read before the transaction
/// starts, so a bad run folder touches nothing.
///
/// # Errors
/// A run file that is missing or unreadable, a schema of another layout version, or a failed
/// statement (then nothing was committed).
pub fn load_run(client: &mut Client, dir: &Path, schema: &str) -> Result<LoadSummary, ExportError> {
    check_schema_name(schema)?;
    let manifest = schema::read_manifest(dir)?;
    if manifest.run.run_id.is_empty() {
        let reason = "the manifest has no run.run_id".to_string();
        return Err(RunFileError::Read { path: dir.join(schema::MANIFEST).display().to_string(), reason }.into());
    }
    let tables: Vec<Columns> = TABLES.iter().map(|t| read_table(dir, t)).collect::<Result<_, _>>()?;
    let run_id = manifest.run.run_id.as_str();
    let mut tx = client.transaction().map_err(db("starting a transaction"))?;
    prepare(&mut tx, schema)?;
    tx.execute(&format!("DELETE FROM {schema}.runs WHERE run_id = $1"), &[&run_id])
        .map_err(db(format!("removing the earlier load of run {run_id}")))?;
    insert_run(&mut tx, schema, &manifest)?;
    let mut rows = vec![("runs".to_string(), 1)];
    for (spec, cols) in TABLES.iter().zip(&tables) {
        rows.push((spec.table.to_string(), copy_table(&mut tx, schema, run_id, spec, cols)?));
    }
    for (table, file) in [("diffs", schema::DIFF), ("audits", AUDIT_FILE)] {
        rows.push((table.to_string(), insert_document(&mut tx, schema, table, run_id, &dir.join(file))?));
    }
    if !dir.join(AUDIT_FILE).exists() {
        // The nightly run's own audit (`[report] audit_demographics`): its CSV rows as one
        // document, an array of objects keyed by the CSV's header.
        if let Some(doc) = audit_csv_document(&dir.join(schema::AUDIT))? {
            let n = tx
                .execute(
                    &format!("INSERT INTO {schema}.audits (run_id, document) VALUES ($1, $2::text::jsonb)"),
                    &[&run_id, &doc],
                )
                .map_err(db(format!("loading {} into {schema}.audits", schema::AUDIT)))?;
            rows.iter_mut().filter(|(t, _)| t == "audits").for_each(|(_, c)| *c += n);
        }
    }
    tx.commit().map_err(db(format!("committing run {run_id}")))?;
    Ok(LoadSummary { run_id: run_id.to_string(), schema: schema.to_string(), rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_in_both_url_forms() {
        assert_eq!(redact_url("postgresql://ann:s3cr@t@db.example:5432/hr"), "postgresql://ann:***@db.example:5432/hr");
        assert_eq!(redact_url("postgres://ann@%2Ftmp%2Fs:5/hr"), "postgres://ann@%2Ftmp%2Fs:5/hr");
        assert_eq!(
            redact_url("host=/tmp user=ann password=s3cr dbname=hr"),
            "host=/tmp user=ann password=*** dbname=hr"
        );
        assert!(!redact_url("postgresql://u:pw@h/db?sslmode=disable").contains("pw@"));
    }

    #[test]
    fn schema_names_are_plain_identifiers() {
        assert!(check_schema_name("skillmatch").is_ok());
        assert!(check_schema_name("hr_2026").is_ok());
        for bad in ["", "1abc", "HR", "a;drop", "a b", "\"x\"", &"a".repeat(64)] {
            assert!(check_schema_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn csv_cells_parse_to_their_types_and_empty_cells_are_null() {
        let dir = tempfile::tempdir().expect("tempdir");
        let spec = TableSpec {
            table: "t",
            file: "t.csv",
            columns: &[("a", Text), ("n", Int), ("x", Float), ("l", TextArray)],
            indexes: &[],
        };
        std::fs::write(dir.path().join("t.csv"), "\u{feff}x,n,a,l\n1.5,2,'=SUM(A1),p;q\n,,,\n").expect("write");
        let cols = read_table(dir.path(), &spec).expect("reads");
        assert_eq!(cols[0], Values::Text(vec![Some("=SUM(A1)".into()), None]), "neutralised formula restored");
        assert_eq!(cols[1], Values::Int(vec![Some(2), None]));
        assert_eq!(cols[2], Values::Float(vec![Some(1.5), None]));
        assert_eq!(cols[3], Values::TextArray(vec![Some(vec!["p".into(), "q".into()]), None]));
        std::fs::write(dir.path().join("t.csv"), "x,n,a,l\n1.5,two,a,\n").expect("write");
        let e = read_table(dir.path(), &spec).expect_err("bad int");
        assert!(e.to_string().contains("line 2") && e.to_string().contains("\"n\""), "{e}");
        std::fs::write(dir.path().join("t.csv"), "x,a,l\n").expect("write");
        let e = read_table(dir.path(), &spec).expect_err("missing column");
        assert!(matches!(e, ExportError::Column { ref column, .. } if column == "n"), "{e}");
    }
}
