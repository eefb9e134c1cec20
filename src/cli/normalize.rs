//! `skillmatch normalize`: map skill strings to the taxonomy and print one result per input.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::Failure;
use super::common::{Format, formats};
use skillmatch::semantic::skills::{DEFAULT_NAME_THRESHOLD, SemanticSkills, TextMode};
use skillmatch::semantic::{Encoder, install};
use skillmatch::taxonomy::{MatchMethod, Taxonomy};

/// Arguments of `normalize`.
#[derive(Debug, Args)]
#[command(
    after_help = "The taxonomy field is esco-v1.2.0, onet-v29.2 for an O*NET technology, or <name>-v<version> of a\n\
--custom taxonomy (name: the file stem; version: a -v… suffix of the stem, else 12 hex digits of its sha256).\n\n\
Examples:\n  skillmatch normalize Postgres \"data-analysis\" \"MS Excel\" C# --format table\n  \
skillmatch normalize \"Microsoft Excel\" --custom acme-skills.csv"
)]
pub struct NormalizeArgs {
    /// Skill strings (a taxonomy URI or a bare ESCO UUID is looked up as a URI first).
    #[arg(required = true)]
    texts: Vec<String>,
    #[command(flatten)]
    taxonomy: super::taxonomy::TaxonomyFlags,
    /// Alias CSV files (`alias,uri` or `alias,label`), the organisation's own synonyms.
    #[arg(long = "aliases")]
    aliases: Vec<PathBuf>,
    /// Do not map O*NET technology names (by default a name such as "Tableau" that is no
    /// taxonomy label maps to its O*NET 29.2 technology).
    #[arg(long)]
    no_onet: bool,
    /// Map strings the dictionary cannot map by meaning, with the installed sentence encoder
    /// (`skillmatch models install`); method `semantic`, confidence = cosine similarity.
    #[arg(long)]
    semantic: bool,
    /// Least cosine similarity of a semantic mapping.
    #[arg(long, default_value_t = DEFAULT_NAME_THRESHOLD)]
    semantic_threshold: f32,
    /// Model folder [default: $SKILLMATCH_MODEL_DIR, else the user cache].
    #[arg(long)]
    model_dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_parser = formats(&[Format::Jsonl, Format::Table]), default_value = "jsonl")]
    format: Format,
}

/// One output row.
#[derive(Debug, Serialize)]
struct Row<'a> {
    input: &'a str,
    uri: Option<&'a str>,
    label: Option<&'a str>,
    taxonomy: String,
    method: &'static str,
    confidence: f32,
}

/// Maps one input.
fn row<'a>(t: &'a Taxonomy, sem: Option<(&SemanticSkills, f32)>, input: &'a str) -> Row<'a> {
    let mut m = t.normalize_text(input);
    if let (MatchMethod::Unmapped, Some((sem, threshold))) = (m.method, sem) {
        m = sem.map_name(input, threshold);
    }
    let skill = m.skill.map(|s| t.skill(s));
    Row {
        input,
        uri: skill.map(|s| s.uri.as_str()),
        label: skill.map(|s| s.label.as_str()),
        taxonomy: {
            let (name, version) = m.skill.map_or((t.name(), t.version()), |s| t.source_of(s));
            format!("{name}-v{version}")
        },
        method: m.method.as_str(),
        confidence: (m.confidence * 1000.0).round() / 1000.0,
    }
}

/// Runs `normalize`.
pub fn run(a: NormalizeArgs) -> Result<(), Failure> {
    let t = super::taxonomy::load(&a.taxonomy, &a.aliases, !a.no_onet)?;
    if !(a.semantic_threshold.is_finite() && (-1.0..=1.0).contains(&a.semantic_threshold)) {
        return Err(Failure::usage(anyhow::anyhow!(
            "--semantic-threshold {}: expected a cosine in [-1, 1]",
            a.semantic_threshold
        )));
    }
    let sem = if a.semantic {
        let dir = a.model_dir.clone().unwrap_or_else(install::default_model_dir);
        let enc = Encoder::load(&dir).map_err(Failure::usage)?;
        Some(SemanticSkills::build(&t, enc, TextMode::Encoder, false).map_err(Failure::run)?)
    } else {
        None
    };
    let rows: Vec<Row> = a.texts.iter().map(|s| row(&t, sem.as_ref().map(|x| (x, a.semantic_threshold)), s)).collect();
    let mut out = std::io::stdout().lock();
    let write = |out: &mut std::io::StdoutLock, s: String| writeln!(out, "{s}").map_err(Failure::run);
    match a.format {
        Format::Jsonl => {
            for r in &rows {
                write(&mut out, serde_json::to_string(r).map_err(Failure::run)?)?;
            }
        }
        _ => {
            let w = rows.iter().map(|r| r.input.chars().count()).max().unwrap_or(5).max(5);
            write(&mut out, format!("{:<w$}  {:<9} {:>5}  {}", "input", "method", "conf", "label / uri"))?;
            for r in &rows {
                let target = match (r.label, r.uri) {
                    (Some(l), Some(u)) => format!("{l}  <{u}>"),
                    _ => "-".to_string(),
                };
                write(&mut out, format!("{:<w$}  {:<9} {:>5.3}  {target}", r.input, r.method, r.confidence))?;
            }
        }
    }
    Ok(())
}
