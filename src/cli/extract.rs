//! `skillmatch extract`: find taxonomy skills in free text, JSONL in, JSONL out.

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::common::{Format, formats};
use super::{Failure, must_exist};
use skillmatch::extract::{Extractor, html_to_text};
use skillmatch::taxonomy::Taxonomy;

/// Arguments of `extract`.
#[derive(Debug, Args)]
#[command(after_help = "Input: one JSON object per line, {\"id\": ..., \"text\": ...} (HTML is stripped).\n\
Output: {\"id\", \"skills\": [{\"uri\", \"label\", \"taxonomy\", \"start\", \"end\", \"surface\", \"method\", \"confidence\", \"optional\"}]},\n\
offsets in characters of the plain text; taxonomy is esco-v1.2.0, onet-v29.2 for an O*NET technology,\n\
or <name>-v<version> of a --custom taxonomy.\n\nExample:\n  echo '{\"id\":\"1\",\"text\":\"Python, SQL and Tableau; Kafka is a plus\"}' | skillmatch extract")]
pub struct ExtractArgs {
    /// JSONL file (default: stdin).
    file: Option<PathBuf>,
    #[command(flatten)]
    taxonomy: super::taxonomy::TaxonomyFlags,
    /// Do not find O*NET technology names (by default a name such as "Tableau" that is no
    /// taxonomy label is found as its O*NET 29.2 technology).
    #[arg(long)]
    no_onet: bool,
    #[command(flatten)]
    semantic: super::common::SemanticFlags,
    /// Output format.
    #[arg(long, value_parser = formats(&[Format::Jsonl]), default_value = "jsonl")]
    format: Format,
}

#[derive(Debug, Deserialize)]
struct Input {
    #[serde(default)]
    id: serde_json::Value,
    #[serde(default)]
    text: String,
}

#[derive(Debug, Serialize)]
struct Skill<'a> {
    uri: &'a str,
    label: &'a str,
    taxonomy: String,
    start: usize,
    end: usize,
    surface: String,
    method: &'static str,
    confidence: f32,
    optional: bool,
}

#[derive(Debug, Serialize)]
struct Output<'a> {
    id: serde_json::Value,
    skills: Vec<Skill<'a>>,
}

fn extract_line(t: &Taxonomy, ex: &Extractor, line: &str) -> anyhow::Result<String> {
    let input: Input = serde_json::from_str(line)?;
    let text = html_to_text(&input.text);
    let skills = ex
        .extract(&text)
        .into_iter()
        .map(|m| {
            let s = t.skill(m.skill);
            let (name, version) = t.source_of(m.skill);
            Skill {
                uri: &s.uri,
                label: &s.label,
                taxonomy: format!("{name}-v{version}"),
                start: m.start,
                end: m.end,
                surface: m.surface,
                method: m.method.as_str(),
                confidence: (m.confidence * 1000.0).round() / 1000.0,
                optional: m.optional,
            }
        })
        .collect();
    Ok(serde_json::to_string(&Output { id: input.id, skills })?)
}

/// Runs `extract`: lines are processed in parallel in chunks, output in input order. A line that
/// is not a JSON object is reported on stderr with its line number and skipped.
pub fn run(a: ExtractArgs) -> Result<(), Failure> {
    // JSON Lines is the only output format.
    debug_assert_eq!(a.format, Format::Jsonl);
    let reader: Box<dyn BufRead> = match &a.file {
        Some(f) => {
            must_exist("input", f)?;
            let file = std::fs::File::open(f).with_context(|| format!("cannot open {}", f.display()));
            Box::new(std::io::BufReader::new(file.map_err(Failure::usage)?))
        }
        None => Box::new(std::io::stdin().lock()),
    };
    let t = super::taxonomy::load(&a.taxonomy, &[], !a.no_onet)?;
    let mut ex = Extractor::new(&t);
    if let Some(sem) = a.semantic.skills(&t)? {
        ex = ex.with_semantic(std::sync::Arc::new(sem));
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut lines = reader.lines();
    let mut number = 0usize;
    loop {
        let mut chunk = Vec::with_capacity(4096);
        for line in lines.by_ref().take(4096) {
            chunk.push(line.context("cannot read input").map_err(Failure::run)?);
        }
        if chunk.is_empty() {
            break;
        }
        let results: Vec<Option<anyhow::Result<String>>> =
            chunk.par_iter().map(|l| (!l.trim().is_empty()).then(|| extract_line(&t, &ex, l))).collect();
        for r in results {
            number += 1;
            match r {
                None => {}
                Some(Ok(s)) => writeln!(out, "{s}").map_err(Failure::run)?,
                Some(Err(e)) => eprintln!("skillmatch: line {number}: skipped: {e}"),
            }
        }
    }
    out.flush().map_err(Failure::run)?;
    Ok(())
}
