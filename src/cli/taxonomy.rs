//! Taxonomy loading shared by `normalize`, `extract` and `eval`.

use std::path::{Path, PathBuf};

use super::common::{Format, formats};
use super::{Failure, bundled, must_exist, print_line, print_text};
use skillmatch::taxonomy::onet::{Crosswalk, Onet};
use skillmatch::taxonomy::{LoadSpec, Taxonomy};

/// The vendored ESCO release used when no `--taxonomy` is given.
pub(crate) const DEFAULT_TAXONOMY: &str = "datasets/taxonomy/esco-v1.2.0";

/// The vendored O*NET release.
pub(crate) const DEFAULT_ONET: &str = "datasets/taxonomy/onet-29.2";

/// The vendored ESCO ↔ O*NET occupation crosswalk.
pub(crate) const DEFAULT_CROSSWALK: &str = "datasets/taxonomy/crosswalk-nesta";

/// Loads the vendored O*NET and the crosswalk, with the crosswalk's codes resolved to O*NET 29.2.
pub(crate) fn load_onet() -> Result<(Onet, Crosswalk), Failure> {
    let onet = Onet::load(&bundled(DEFAULT_ONET)).map_err(Failure::usage)?;
    let mut crosswalk = Crosswalk::load(&bundled(DEFAULT_CROSSWALK)).map_err(Failure::usage)?;
    crosswalk.resolve_codes(&onet);
    Ok((onet, crosswalk))
}

/// Taxonomy flags of `normalize`, `extract` and `eval extraction`.
#[derive(Debug, Default, clap::Args)]
pub(crate) struct TaxonomyFlags {
    /// Taxonomy folder (default: the vendored ESCO v1.2.0).
    #[arg(long)]
    taxonomy: Option<PathBuf>,
    /// A custom taxonomy CSV (`id,label,alt_labels,parent`), the organisation's own skills, added
    /// after ESCO (repeatable; files load in the order given).
    #[arg(long = "custom", value_name = "FILE")]
    custom: Vec<PathBuf>,
    /// Use only the --custom taxonomies: no ESCO and no O*NET technologies.
    #[arg(long, conflicts_with = "taxonomy")]
    no_esco: bool,
}

impl TaxonomyFlags {
    /// ESCO from `dir` (default: the vendored release), nothing else.
    pub(crate) fn esco(dir: Option<PathBuf>) -> TaxonomyFlags {
        TaxonomyFlags { taxonomy: dir, ..TaxonomyFlags::default() }
    }
}

/// Loads the taxonomy of `flags` in the order of [`Taxonomy::load`]: the `--taxonomy` folder
/// (default: the vendored ESCO; none with `--no-esco`), the `--custom` files, the `aliases`
/// files, then the vendored O*NET's technologies when `onet` (never with `--no-esco`). Rows of
/// custom files with a problem are reported on stderr.
pub(crate) fn load(flags: &TaxonomyFlags, aliases: &[PathBuf], onet: bool) -> Result<Taxonomy, Failure> {
    if flags.no_esco && flags.custom.is_empty() {
        return Err(Failure::usage(anyhow::anyhow!(
            "--no-esco needs at least one --custom FILE (a taxonomy CSV `id,label,alt_labels,parent`)"
        )));
    }
    let dir = match &flags.taxonomy {
        Some(d) => {
            must_exist("--taxonomy", d)?;
            d.clone()
        }
        None => bundled(DEFAULT_TAXONOMY),
    };
    flags.custom.iter().try_for_each(|f| must_exist("--custom", f))?;
    aliases.iter().try_for_each(|f| must_exist("--aliases", f))?;
    let onet = match onet && !flags.no_esco {
        true => Some(Onet::load(&bundled(DEFAULT_ONET)).map_err(Failure::usage)?),
        false => None,
    };
    let spec = LoadSpec {
        esco_dir: (!flags.no_esco).then_some(dir.as_path()),
        custom: &flags.custom,
        aliases,
        onet_technologies: onet.as_ref(),
        fuzzy_threshold: None,
    };
    let loaded = Taxonomy::load(&spec).map_err(Failure::usage)?;
    for (path, load) in &loaded.custom {
        for p in &load.problems {
            eprintln!("skillmatch: warning: {} line {}: {}", path.display(), p.line, p.reason);
        }
    }
    Ok(loaded.taxonomy)
}

/// Arguments of `taxonomy`.
#[derive(Debug, clap::Args)]
pub struct TaxonomyArgs {
    #[command(subcommand)]
    what: TaxonomyCommand,
}

#[derive(Debug, clap::Subcommand)]
enum TaxonomyCommand {
    /// Skills added, removed and relabelled between two ESCO folders, and the matches of a run
    /// they affect.
    Diff(DiffArgs),
}

/// Arguments of `taxonomy diff`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Skills are compared by URI (skills_en.csv or skills_en.csv.gz of each folder).\n\
With --run, every match in the run's matches.parquet whose role has a removed or relabelled skill\n\
(from roles.parquet) is listed with that skill.\n\nExample:\n  \
skillmatch taxonomy diff datasets/taxonomy/esco-v1.2.0 /data/esco-v1.2.1 --run reports/2026-11-01")]
struct DiffArgs {
    /// The old ESCO folder.
    old_dir: PathBuf,
    /// The new ESCO folder.
    new_dir: PathBuf,
    /// A run folder (written by `skillmatch run`) whose matches to check.
    #[arg(long)]
    run: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_parser = formats(&[Format::Table, Format::Json]), default_value = "table")]
    format: Format,
}

/// A match of a run touched by a changed skill of its role.
#[derive(Debug, serde::Serialize)]
struct AffectedMatch {
    role_id: String,
    candidate_id: String,
    rank: Option<u64>,
    skill_uri: String,
    requirement: String,
    change: &'static str,
    old_label: Option<String>,
    new_label: Option<String>,
}

/// Runs `taxonomy`.
pub fn run(a: TaxonomyArgs) -> Result<(), Failure> {
    let TaxonomyCommand::Diff(a) = a.what;
    must_exist("OLD_DIR", &a.old_dir)?;
    must_exist("NEW_DIR", &a.new_dir)?;
    let diff = skillmatch::taxonomy::diff::diff_esco_dirs(&a.old_dir, &a.new_dir).map_err(Failure::usage)?;
    let affected = match &a.run {
        Some(run) => {
            must_exist("--run", run)?;
            Some(affected_matches(run, &diff)?)
        }
        None => None,
    };
    match a.format {
        Format::Json => {
            let value = serde_json::json!({
                "old_dir": a.old_dir.display().to_string(),
                "new_dir": a.new_dir.display().to_string(),
                "old_skills": diff.old_skills,
                "new_skills": diff.new_skills,
                "changes": diff.changes,
                "affected_matches": affected,
            });
            print_line(serde_json::to_string_pretty(&value).map_err(Failure::run)?)?;
        }
        _ => print_text(diff_table(&diff, affected.as_deref()))?,
    }
    Ok(())
}

fn diff_table(diff: &skillmatch::taxonomy::diff::TaxonomyDiff, affected: Option<&[AffectedMatch]>) -> String {
    use skillmatch::taxonomy::diff::SkillChangeKind as K;
    let count = |k| diff.of_kind(k).count();
    let mut out = format!(
        "skills: {} old, {} new; {} added, {} removed, {} relabelled\n",
        diff.old_skills,
        diff.new_skills,
        count(K::Added),
        count(K::Removed),
        count(K::Relabelled)
    );
    for c in &diff.changes {
        let label = match (&c.old_label, &c.new_label) {
            (Some(o), Some(n)) => format!("{o:?} -> {n:?}"),
            (Some(o), None) => format!("{o:?}"),
            (None, Some(n)) => format!("{n:?}"),
            (None, None) => String::new(),
        };
        out.push_str(&format!("{:<10}  {}  {}\n", c.change.as_str(), c.uri, label));
    }
    if let Some(rows) = affected {
        out.push_str(&format!("\naffected matches: {}\n", rows.len()));
        for m in rows {
            let label = m.old_label.as_deref().unwrap_or("");
            out.push_str(&format!(
                "{}  {}  rank {}  {} {} skill {:?} ({})\n",
                m.role_id,
                m.candidate_id,
                m.rank.map_or("-".to_string(), |r| r.to_string()),
                m.change,
                m.requirement,
                label,
                m.skill_uri
            ));
        }
    }
    out
}

fn read_parquet(path: &Path) -> Result<polars::prelude::DataFrame, Failure> {
    use polars::prelude::{ParquetReader, SerReader};
    let f = std::fs::File::open(path)
        .map_err(|e| Failure::usage(anyhow::anyhow!("cannot read {}: {e}", path.display())))?;
    ParquetReader::new(f).finish().map_err(|e| Failure::usage(anyhow::anyhow!("cannot read {}: {e}", path.display())))
}

/// A string column as owned values (missing cells empty).
fn strings(df: &polars::prelude::DataFrame, name: &str, path: &Path) -> Result<Vec<String>, Failure> {
    let col = df
        .column(name)
        .and_then(|c| c.str().cloned())
        .map_err(|e| Failure::usage(anyhow::anyhow!("{}: column `{name}`: {e}", path.display())))?;
    Ok(col.iter().map(|v| v.unwrap_or("").to_string()).collect())
}

/// Every (match, changed role skill) of the run: `roles.parquet` gives each role's skill URIs,
/// `matches.parquet` the reported (role, candidate, rank) pairs.
fn affected_matches(
    run: &Path,
    diff: &skillmatch::taxonomy::diff::TaxonomyDiff,
) -> Result<Vec<AffectedMatch>, Failure> {
    let roles_path = run.join("roles.parquet");
    let roles = read_parquet(&roles_path)?;
    let (role_ids, uris, reqs) = (
        strings(&roles, "role_id", &roles_path)?,
        strings(&roles, "skill_uri", &roles_path)?,
        strings(&roles, "requirement", &roles_path)?,
    );
    let mut touched: std::collections::HashMap<&str, Vec<(&str, &str)>> = std::collections::HashMap::new();
    for ((role, uri), req) in role_ids.iter().zip(&uris).zip(&reqs) {
        if diff.affected(uri).is_some() {
            touched.entry(role.as_str()).or_default().push((uri.as_str(), req.as_str()));
        }
    }
    let mut out = Vec::new();
    if touched.is_empty() {
        return Ok(out);
    }
    let matches_path = run.join("matches.parquet");
    let matches = read_parquet(&matches_path)?;
    let (m_roles, m_cands) =
        (strings(&matches, "role_id", &matches_path)?, strings(&matches, "candidate_id", &matches_path)?);
    let ranks: Vec<Option<u64>> = matches
        .column("rank")
        .ok()
        .and_then(|c| c.cast(&polars::prelude::DataType::UInt64).ok())
        .and_then(|c| c.u64().ok().map(|c| c.iter().collect()))
        .unwrap_or_else(|| vec![None; m_roles.len()]);
    for (i, (role, cand)) in m_roles.iter().zip(&m_cands).enumerate() {
        for &(uri, req) in touched.get(role.as_str()).into_iter().flatten() {
            let Some(c) = diff.affected(uri) else { continue };
            out.push(AffectedMatch {
                role_id: role.clone(),
                candidate_id: cand.clone(),
                rank: ranks.get(i).copied().flatten(),
                skill_uri: uri.to_string(),
                requirement: req.to_string(),
                change: c.change.as_str(),
                old_label: c.old_label.clone(),
                new_label: c.new_label.clone(),
            });
        }
    }
    out.sort_by(|a, b| {
        (&a.role_id, a.rank, &a.candidate_id, &a.skill_uri).cmp(&(&b.role_id, b.rank, &b.candidate_id, &b.skill_uri))
    });
    Ok(out)
}
