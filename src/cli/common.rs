//! What several subcommands share: the output formats (each subcommand accepts the ones it can
//! write), the config-file-then-flags merge and the semantic layer's flags.

use std::path::{Path, PathBuf};

use clap::Args;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use skillmatch::config::Config;
use skillmatch::semantic::skills::{SemanticSkills, TextMode};
use skillmatch::semantic::{Encoder, install};
use skillmatch::taxonomy::Taxonomy;

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

/// The input flags `run` and `prepare` share: a config file and the inputs that replace its
/// `[inputs]` entries. Flattened into each command's arguments (`#[command(flatten)]`); the help
/// texts are `run`'s, and `prepare` restates those its `--help` words differently.
#[derive(Debug, Args)]
pub(crate) struct InputArgs {
    /// TOML config file.
    #[arg(long)]
    pub(crate) config: Option<PathBuf>,
    /// Roster CSV (`candidate_id,emails,location`).
    #[arg(long)]
    roster: Option<PathBuf>,
    /// Badge file or folder (repeatable).
    #[arg(long)]
    badges: Vec<PathBuf>,
    /// Claims CSV (`candidate_id,path`).
    #[arg(long)]
    claims: Option<PathBuf>,
    /// Postings file (JSONL or CSV) or folder (repeatable).
    #[arg(long)]
    postings: Vec<PathBuf>,
}

impl InputArgs {
    /// Whether any input flag (`--roster`, `--badges`, `--claims`, `--postings`) was given;
    /// `--config` is not one.
    pub(crate) fn has_inputs(&self) -> bool {
        self.roster.is_some() || !self.badges.is_empty() || !self.postings.is_empty() || self.claims.is_some()
    }

    /// Replaces `config`'s `[inputs]` entries by the input flags given, in the order `--roster`,
    /// `--badges`, `--claims`, `--postings`; each path must exist (else a usage failure naming
    /// the flag). `--config` is not applied here: the caller loads the config from it first.
    pub(crate) fn apply(self, config: &mut Config) -> Result<(), Failure> {
        override_path(&mut config.inputs.roster, "--roster", self.roster)?;
        override_paths(&mut config.inputs.badges, "--badges", self.badges)?;
        override_path(&mut config.inputs.claims, "--claims", self.claims)?;
        override_paths(&mut config.inputs.postings, "--postings", self.postings)
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

/// Flags of the semantic layer (issue 18) shared by `extract`, `eval extraction` and `eval titles`.
#[derive(Debug, Args)]
pub(crate) struct SemanticFlags {
    /// Also match by meaning with the installed sentence encoder: `encoder` (full model per
    /// sentence) or `static` (the distilled token table). Default: dictionary only.
    #[arg(long, value_parser = ["encoder", "static"])]
    semantic: Option<String>,
    /// Cosine threshold of a semantic match [default: 0.60 for sentences, 0.5 for titles].
    #[arg(long)]
    semantic_threshold: Option<f32>,
    /// Cosine threshold of a skill string mapped by meaning (Nesta lookups) [default: 0.75].
    #[arg(long)]
    semantic_name_threshold: Option<f32>,
    /// Skills kept per sentence by meaning (best first).
    #[arg(long, default_value_t = 1)]
    semantic_per_sentence: usize,
    /// Also embed the taxonomy's alternative labels (about seven times the one-off embedding
    /// work; cached after the first run).
    #[arg(long)]
    semantic_alt_labels: bool,
    /// Model folder [default: $SKILLMATCH_MODEL_DIR, else the user cache].
    #[arg(long)]
    model_dir: Option<PathBuf>,
}

impl SemanticFlags {
    pub(crate) fn encoder(&self) -> Result<Option<(Encoder, TextMode)>, Failure> {
        let Some(mode) = &self.semantic else { return Ok(None) };
        if let Some(t) = self.semantic_threshold
            && !(t.is_finite() && (-1.0..=1.0).contains(&t))
        {
            return Err(Failure::usage(anyhow::anyhow!("--semantic-threshold {t}: expected a cosine in [-1, 1]")));
        }
        let mode = if mode == "static" { TextMode::Static } else { TextMode::Encoder };
        let dir = self.model_dir.clone().unwrap_or_else(install::default_model_dir);
        let enc = Encoder::load(&dir).map_err(Failure::usage)?;
        Ok(Some((enc, mode)))
    }

    /// Whether alternative labels are embedded too.
    pub(crate) fn alt_labels(&self) -> bool {
        self.semantic_alt_labels
    }

    /// The semantic skill matcher the flags ask for (`None` without --semantic).
    pub(crate) fn skills(&self, t: &Taxonomy) -> Result<Option<SemanticSkills>, Failure> {
        let Some((enc, mode)) = self.encoder()? else { return Ok(None) };
        let mut sem = SemanticSkills::build(t, enc, mode, self.semantic_alt_labels).map_err(Failure::run)?;
        sem.per_sentence = self.semantic_per_sentence.max(1);
        if let Some(th) = self.semantic_threshold {
            sem.threshold = th;
        }
        if let Some(th) = self.semantic_name_threshold {
            sem.name_threshold = th;
        }
        Ok(Some(sem))
    }
}
