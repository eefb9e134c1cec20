//! `skillmatch normalize`: map skill strings to the taxonomy and print one result per input.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::Failure;
use super::common::{Format, formats};
use skillmatch::taxonomy::Taxonomy;

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
fn row<'a>(t: &'a Taxonomy, input: &'a str) -> Row<'a> {
    let m = t.normalize_text(input);
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
    let rows: Vec<Row> = a.texts.iter().map(|s| row(&t, s)).collect();
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
