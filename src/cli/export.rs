//! `skillmatch export postgres`: a finished run folder loaded into PostgreSQL tables.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{Failure, must_exist, print_line};
use skillmatch::export::postgres::{self, ExportError};

/// Arguments of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    target: Target,
}

#[derive(Debug, Subcommand)]
enum Target {
    /// Load a run folder into PostgreSQL (tables created when missing; the run's rows replaced).
    Postgres(PostgresArgs),
}

/// Arguments of `export postgres`.
#[derive(Debug, Args)]
#[command(after_help = "One transaction per run: loading the same run again replaces its rows. No TLS: use a\n\
local socket or a trusted network. A password absent from the URL is read from PGPASSWORD.\n\n\
Examples:\n  skillmatch export postgres --run reports/20261124T030000Z --url postgresql://etl@db.internal/hr\n  \
skillmatch export postgres --run reports/20261124T030000Z --url 'postgresql://postgres@%2Fvar%2Frun%2Fpostgresql/hr' --schema talent")]
pub struct PostgresArgs {
    /// Run folder (the path `skillmatch run` printed).
    #[arg(long)]
    run: PathBuf,
    /// Connection URL (`postgresql://user@host:port/db`) or key-value string (`host=… dbname=…`).
    #[arg(long)]
    url: String,
    /// Schema for the tables (created when missing).
    #[arg(long, default_value = postgres::DEFAULT_SCHEMA)]
    schema: String,
}

/// Runs `export`.
pub fn run(a: ExportArgs) -> Result<(), Failure> {
    match a.target {
        Target::Postgres(a) => run_postgres(a),
    }
}

fn run_postgres(a: PostgresArgs) -> Result<(), Failure> {
    must_exist("--run", &a.run)?;
    postgres::check_schema_name(&a.schema).map_err(Failure::usage)?;
    let mut client = postgres::connect(&a.url).map_err(|e| match e {
        ExportError::Url { .. } => Failure::usage(e),
        _ => Failure::run(e),
    })?;
    let summary = postgres::load_run(&mut client, &a.run, &a.schema).map_err(|e| match e {
        ExportError::RunFile(_) | ExportError::Column { .. } | ExportError::Version { .. } => Failure::usage(e),
        _ => Failure::run(e),
    })?;
    let rows: Vec<String> = summary.rows.iter().map(|(t, n)| format!("{t} {n}")).collect();
    print_line(format_args!("loaded run {} into schema {}: {}", summary.run_id, summary.schema, rows.join(", ")))
}
