//! What several subcommands share: the output formats (each subcommand accepts the ones it can
//! write) and the config-file-then-flags merge.

use std::path::{Path, PathBuf};

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use skillmatch::config::Config;

use super::{Failure, must_exist};

/// An output format of a subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// An aligned table for people.
    Table,
    /// Readable text.
    Text,
    /// One JSON document.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header.
    Csv,
    /// One self-contained HTML page.
    Html,
}

impl Format {
    const ALL: [Format; 6] = [Format::Table, Format::Text, Format::Json, Format::Jsonl, Format::Csv, Format::Html];

    /// The flag value (`table`, `text`, `json`, `jsonl`, `csv`, `html`).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Text => "text",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Html => "html",
        }
    }

    fn help(self) -> &'static str {
        match self {
            Format::Table => "An aligned table for people",
            Format::Text => "Readable text",
            Format::Json => "One JSON document",
            Format::Jsonl => "One JSON object per line",
            Format::Csv => "CSV with a header",
            Format::Html => "One self-contained HTML page (no scripts, nothing loaded from outside)",
        }
    }
}

/// A `--format` parser that accepts exactly `allowed` (listed, with their help, in `--help`).
pub(crate) fn formats(allowed: &'static [Format]) -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(allowed.iter().map(|f| PossibleValue::new(f.name()).help(f.help())))
        // The parser only lets through the names of `allowed`, each of which is a format.
        .map(|name| Format::ALL.into_iter().find(|f| f.name() == name).unwrap_or(Format::Table))
}

/// The configuration a subcommand starts from: `--config FILE` when given (it must exist and
/// parse), else the defaults with the bundled ESCO.
pub(crate) fn config_or_default(config: Option<&Path>) -> Result<Config, Failure> {
    match config {
        Some(p) => {
            must_exist("--config", p)?;
            Config::load(p).map_err(Failure::usage)
        }
        None => {
            let mut c = Config::default();
            c.taxonomy.esco_dir = super::bundled("datasets/taxonomy/esco-v1.2.0");
            Ok(c)
        }
    }
}

/// Replaces `slot` by a flag's path when the flag was given; the path must exist.
pub(crate) fn override_path(slot: &mut Option<PathBuf>, flag: &str, value: Option<PathBuf>) -> Result<(), Failure> {
    if let Some(p) = value {
        must_exist(flag, &p)?;
        *slot = Some(p);
    }
    Ok(())
}

/// Replaces `slot` by a flag's paths when the flag was given; each path must exist.
pub(crate) fn override_paths(slot: &mut Vec<PathBuf>, flag: &str, values: Vec<PathBuf>) -> Result<(), Failure> {
    if !values.is_empty() {
        values.iter().try_for_each(|p| must_exist(flag, p))?;
        *slot = values;
    }
    Ok(())
}

/// Sends the library's warnings (`tracing::warn!`: a previous run that cannot be diffed, a
/// stray trust file, a custom taxonomy row without its parent) to stderr as
/// `skillmatch: warning: …`, control characters from data escaped. Without it they would be
/// dropped: the library only emits events, the binary decides where they go.
pub(crate) fn install_warnings() {
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::WARN)
        .event_format(Warnings)
        .try_init();
}

/// The one-line format of a warning.
struct Warnings;

impl<S, N> tracing_subscriber::fmt::FormatEvent<S, N> for Warnings
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        mut writer: tracing_subscriber::fmt::format::Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        let mut text = String::new();
        ctx.field_format().format_fields(tracing_subscriber::fmt::format::Writer::new(&mut text), event)?;
        let level = if *event.metadata().level() == tracing::Level::ERROR { "error" } else { "warning" };
        writeln!(writer, "skillmatch: {level}: {}", skillmatch::util::terminal_safe(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[arg(long, value_parser = formats(&[Format::Jsonl, Format::Table]), default_value = "jsonl")]
        format: Format,
    }

    #[test]
    fn a_format_flag_accepts_only_the_formats_its_subcommand_writes() {
        assert_eq!(Cli::try_parse_from(["x"]).expect("default").format, Format::Jsonl);
        assert_eq!(Cli::try_parse_from(["x", "--format", "table"]).expect("table").format, Format::Table);
        let e = Cli::try_parse_from(["x", "--format", "csv"]).err().expect("csv is refused");
        let text = e.to_string();
        assert!(text.contains("csv") && text.contains("jsonl") && text.contains("table"), "{text}");
    }

    #[test]
    fn every_format_name_parses_back_to_itself() {
        for f in Format::ALL {
            let all: &'static [Format] = &Format::ALL;
            let parsed = formats(all).parse_ref(&clap::Command::new("x"), None, std::ffi::OsStr::new(f.name()));
            assert_eq!(parsed.expect("parses"), f);
        }
    }
}
