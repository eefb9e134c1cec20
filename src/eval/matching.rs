//! `skillmatch eval matching`: how well a run's rankings find each candidate's true role.
//!
//! The truth file is `candidate_id,role_id` or `candidate_id,occupation_uri,role_id` (what
//! `skillmatch gen` writes as `truth.csv`). With occupations, any role of the candidate's true
//! occupation counts as a hit; a role's occupation is learnt from the truth rows themselves (the
//! occupation of every candidate drawn from it), so roles no candidate was drawn from count as
//! misses. Without occupations only the named role counts.
//!
//! Two sides are measured:
//! * **candidate side** (the top-K roles per candidate, `candidate_gaps.csv`; or, for a run folder
//!   without it such as the Python peer's, each candidate's pairs of `shortlists.csv` sorted by
//!   score, ties by role id): recall@1/3/5/10 (share of candidates with a hit within the first k),
//!   MRR (mean of 1 / rank of the first hit, 0 without one) and coverage (a hit anywhere in the
//!   list);
//! * **role side** (the top-K candidates per role, `shortlists.csv`): precision@1/3/5/10 (share
//!   of the role's first k listed candidates whose true role is a hit for it), averaged over roles
//!   with a known occupation and at least k listed candidates.
//!
//! Candidates are also split by their true role: roles that list skills in the posting, and roles
//! whose skills were extracted from text or inferred from the title. Which is which comes from the
//! postings file when given (`skills` present and non-empty), else from the run's
//! `roles.parquet` (a role lists skills when one of its skills has origin `explicit`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use super::EvalError;
use crate::util::round4;

/// Ranks measured (recall@k, precision@k).
pub const KS: [usize; 4] = [1, 3, 5, 10];

/// Ranking quality of one group of candidates (candidate side).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct CandidateSide {
    /// Candidates in the group (with a truth row).
    pub candidates: u64,
    /// recall@1, @3, @5, @10.
    pub recall: BTreeMap<String, f64>,
    /// Mean reciprocal rank of the first hit.
    pub mrr: f64,
    /// Share of candidates with a hit anywhere in their list.
    pub coverage: f64,
}

/// Shortlist quality per role (role side).
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct RoleSide {
    /// Roles with a known occupation and at least one listed candidate.
    pub roles: u64,
    /// precision@1, @3, @5, @10 (over roles listing at least k candidates).
    pub precision: BTreeMap<String, f64>,
}

/// The whole report.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct MatchingReport {
    /// Every candidate of the truth file.
    pub all: CandidateSide,
    /// Candidates whose true role lists skills.
    pub listed_skills: CandidateSide,
    /// Candidates whose true role lists none (skills from text or title).
    pub unlisted_skills: CandidateSide,
    /// The role side.
    pub roles: RoleSide,
    /// Where the candidate-side lists came from (`candidate_gaps.csv` or `shortlists.csv`).
    pub candidate_source: String,
}

/// Per candidate, `(rank, role id)` of its ranked roles.
type Ranked = HashMap<String, Vec<(u64, String)>>;

/// One truth row.
struct Truth {
    role: String,
    occupation: Option<String>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> EvalError + '_ {
    move |source| EvalError::Io { path: path.display().to_string(), source }
}

fn parse(path: &Path, reason: impl std::fmt::Display) -> EvalError {
    EvalError::Parse { path: path.display().to_string(), reason: reason.to_string() }
}

fn reader(path: &Path) -> Result<csv::Reader<std::fs::File>, EvalError> {
    let f = std::fs::File::open(path).map_err(io(path))?;
    Ok(csv::ReaderBuilder::new().flexible(true).from_reader(f))
}

fn column(headers: &csv::StringRecord, path: &Path, name: &str) -> Result<usize, EvalError> {
    headers.iter().position(|h| h.trim() == name).ok_or_else(|| parse(path, format!("no column {name:?}")))
}

fn read_truth(path: &Path) -> Result<BTreeMap<String, Truth>, EvalError> {
    let mut r = reader(path)?;
    let h = r.headers().map_err(|e| parse(path, e))?.clone();
    let cand = column(&h, path, "candidate_id")?;
    let role = column(&h, path, "role_id")?;
    let occ = h.iter().position(|x| x.trim() == "occupation_uri");
    let mut out = BTreeMap::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| parse(path, format!("line {}: {e}", i + 2)))?;
        let (Some(c), Some(ro)) = (rec.get(cand), rec.get(role)) else {
            return Err(parse(path, format!("line {}: missing candidate_id or role_id", i + 2)));
        };
        let occupation = occ.and_then(|o| rec.get(o)).map(str::to_string).filter(|s| !s.is_empty());
        out.insert(c.to_string(), Truth { role: ro.to_string(), occupation });
    }
    if out.is_empty() {
        return Err(parse(path, "no truth rows"));
    }
    Ok(out)
}

/// `(key, rank, other, score)` rows of a ranked CSV.
fn read_ranked(path: &Path, key: &str, other: &str) -> Result<Vec<(String, u64, String, f64)>, EvalError> {
    let mut r = reader(path)?;
    let h = r.headers().map_err(|e| parse(path, e))?.clone();
    let (k, o) = (column(&h, path, key)?, column(&h, path, other)?);
    let rank = h.iter().position(|x| x == "rank");
    let score = h.iter().position(|x| x == "score");
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| parse(path, format!("line {}: {e}", i + 2)))?;
        let get = |c: usize| rec.get(c).unwrap_or("").to_string();
        let rk = rank.and_then(|c| rec.get(c)).and_then(|v| v.parse().ok()).unwrap_or(0);
        let sc = score.and_then(|c| rec.get(c)).and_then(|v| v.parse().ok()).unwrap_or(0.0);
        out.push((get(k), rk, get(o), sc));
    }
    Ok(out)
}

/// Roles that list skills, from a JobPosting JSONL file.
fn listed_from_postings(path: &Path) -> Result<HashSet<String>, EvalError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let mut out = HashSet::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| parse(path, format!("line {}: {e}", i + 1)))?;
        let id = v
            .get("identifier")
            .and_then(|x| x.as_str().map(str::to_string).or_else(|| x.get("value")?.as_str().map(str::to_string)));
        let listed = v.get("skills").is_some_and(|s| match s {
            serde_json::Value::Array(a) => !a.is_empty(),
            serde_json::Value::String(s) => !s.trim().is_empty(),
            serde_json::Value::Null => false,
            _ => true,
        });
        if let (Some(id), true) = (id, listed) {
            out.insert(id);
        }
    }
    Ok(out)
}

/// Roles that list skills, from the run's `roles.parquet` (an `explicit` skill).
fn listed_from_run(run: &Path) -> Result<HashSet<String>, EvalError> {
    use polars::prelude::{ParquetReader, SerReader};
    let path = run.join("roles.parquet");
    let f = std::fs::File::open(&path).map_err(io(&path))?;
    let df = ParquetReader::new(f).finish().map_err(|e| parse(&path, e))?;
    let ids = df.column("role_id").and_then(|c| c.str().cloned()).map_err(|e| parse(&path, e))?;
    let origin = df.column("origin").and_then(|c| c.str().cloned()).map_err(|e| parse(&path, e))?;
    Ok(ids
        .iter()
        .zip(origin.iter())
        .filter(|(_, o)| *o == Some("explicit"))
        .filter_map(|(id, _)| id.map(str::to_string))
        .collect())
}

#[derive(Default)]
struct Acc {
    n: u64,
    hits: [u64; KS.len()],
    rr: f64,
    covered: u64,
}

impl Acc {
    fn add(&mut self, first_hit: Option<usize>) {
        self.n += 1;
        if let Some(r) = first_hit {
            self.covered += 1;
            self.rr += 1.0 / r as f64;
            for (i, k) in KS.iter().enumerate() {
                if r <= *k {
                    self.hits[i] += 1;
                }
            }
        }
    }

    fn finish(&self) -> CandidateSide {
        let share = |x: f64| if self.n == 0 { 0.0 } else { round4(x / self.n as f64) };
        CandidateSide {
            candidates: self.n,
            recall: KS.iter().zip(self.hits).map(|(k, h)| (format!("@{k}"), share(h as f64))).collect(),
            mrr: share(self.rr),
            coverage: share(self.covered as f64),
        }
    }
}

/// Evaluates the run folder `run` against `truth`; `postings` (optional) tells which roles list
/// skills.
///
/// # Errors
/// [`EvalError`] when a file is missing or lacks a needed column.
pub fn evaluate_matching(run: &Path, truth: &Path, postings: Option<&Path>) -> Result<MatchingReport, EvalError> {
    let truth = read_truth(truth)?;
    // Role → occupation, learnt from the truth rows.
    let role_occ: HashMap<&str, &str> =
        truth.values().filter_map(|t| t.occupation.as_deref().map(|o| (t.role.as_str(), o))).collect();
    let hit = |cand: &str, role: &str| -> bool {
        match truth.get(cand) {
            Some(t) => match &t.occupation {
                Some(o) => t.role == role || role_occ.get(role) == Some(&o.as_str()),
                None => t.role == role,
            },
            None => false,
        }
    };
    let listed = match postings {
        Some(p) => listed_from_postings(p)?,
        None => listed_from_run(run)?,
    };

    // Candidate side.
    let gaps = run.join("candidate_gaps.csv");
    let shortlists = run.join("shortlists.csv");
    let (mut per_cand, source): (Ranked, &str) = if gaps.exists() {
        let mut m: HashMap<String, Vec<(u64, String)>> = HashMap::new();
        for (c, rank, role, _) in read_ranked(&gaps, "candidate_id", "role_id")? {
            m.entry(c).or_default().push((rank, role));
        }
        (m, "candidate_gaps.csv")
    } else {
        let mut pairs: HashMap<String, Vec<(f64, String)>> = HashMap::new();
        for (role, _, c, score) in read_ranked(&shortlists, "role_id", "candidate_id")? {
            pairs.entry(c).or_default().push((score, role));
        }
        let m = pairs
            .into_iter()
            .map(|(c, mut v)| {
                v.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
                v.dedup_by(|a, b| a.1 == b.1);
                (c, v.into_iter().enumerate().map(|(i, (_, r))| (i as u64 + 1, r)).collect())
            })
            .collect();
        (m, "shortlists.csv")
    };
    let (mut all, mut with, mut without) = (Acc::default(), Acc::default(), Acc::default());
    for (cand, t) in &truth {
        let list = per_cand.remove(cand).unwrap_or_default();
        let mut list = list;
        list.sort();
        let first = list.iter().enumerate().find(|(_, (_, r))| hit(cand, r)).map(|(i, _)| i + 1);
        all.add(first);
        if listed.contains(&t.role) { with.add(first) } else { without.add(first) }
    }

    // Role side.
    let mut per_role: BTreeMap<String, Vec<(u64, String)>> = BTreeMap::new();
    for (role, rank, c, _) in read_ranked(&shortlists, "role_id", "candidate_id")? {
        per_role.entry(role).or_default().push((rank, c));
    }
    let mut prec_sum = [0.0f64; KS.len()];
    let mut prec_n = [0u64; KS.len()];
    let mut roles = 0;
    for (role, mut list) in per_role {
        if !role_occ.contains_key(role.as_str()) || list.is_empty() {
            continue;
        }
        roles += 1;
        list.sort();
        for (i, k) in KS.iter().enumerate() {
            if list.len() >= *k {
                let good = list[..*k].iter().filter(|(_, c)| hit(c, &role)).count();
                prec_sum[i] += good as f64 / *k as f64;
                prec_n[i] += 1;
            }
        }
    }
    let precision = KS
        .iter()
        .enumerate()
        .map(|(i, k)| (format!("@{k}"), if prec_n[i] == 0 { 0.0 } else { round4(prec_sum[i] / prec_n[i] as f64) }))
        .collect();
    Ok(MatchingReport {
        all: all.finish(),
        listed_skills: with.finish(),
        unlisted_skills: without.finish(),
        roles: RoleSide { roles, precision },
        candidate_source: source.to_string(),
    })
}

/// The report as an aligned table.
pub fn format_matching_table(r: &MatchingReport) -> String {
    let mut s = format!(
        "{:<34} {:>10} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9}\n",
        "candidates (true role ...)", "candidates", "R@1", "R@3", "R@5", "R@10", "MRR", "coverage"
    );
    for (name, c) in
        [("all", &r.all), ("... lists skills", &r.listed_skills), ("... lists none (text / title)", &r.unlisted_skills)]
    {
        let g = |k: &str| c.recall.get(k).copied().unwrap_or(0.0);
        s.push_str(&format!(
            "{name:<34} {:>10} {:>8.4} {:>8.4} {:>8.4} {:>8.4} {:>8.4} {:>9.4}\n",
            c.candidates,
            g("@1"),
            g("@3"),
            g("@5"),
            g("@10"),
            c.mrr,
            c.coverage
        ));
    }
    let p = |k: &str| r.roles.precision.get(k).copied().unwrap_or(0.0);
    s.push_str(&format!(
        "\nroles: {} with a known occupation; shortlist precision @1 {:.4}  @3 {:.4}  @5 {:.4}  @10 {:.4}\n",
        r.roles.roles,
        p("@1"),
        p("@3"),
        p("@5"),
        p("@10")
    ));
    s.push_str(&format!("candidate lists from {}\n", r.candidate_source));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, body).expect("write");
        p
    }

    #[test]
    fn any_role_of_the_true_occupation_is_a_hit_and_ranks_are_counted_from_one() {
        let d = tempfile::tempdir().expect("tmp");
        let truth = write(
            d.path(),
            "truth.csv",
            "candidate_id,occupation_uri,role_id\nc1,occ:a,r1\nc2,occ:a,r2\nc3,occ:b,r3\n",
        );
        write(
            d.path(),
            "candidate_gaps.csv",
            "candidate_id,rank,role_id,score\nc1,1,r2,0.9\nc1,2,r1,0.8\nc2,1,r3,0.9\nc2,2,r9,0.5\nc2,3,r1,0.4\nc3,1,r1,0.5\n",
        );
        write(d.path(), "shortlists.csv", "role_id,candidate_id,rank,score\nr1,c1,1,0.8\nr1,c3,2,0.5\nr3,c3,1,0.5\n");
        let postings = write(
            d.path(),
            "postings.jsonl",
            "{\"identifier\":\"r1\",\"skills\":[\"x\"]}\n{\"identifier\":\"r2\",\"skills\":[]}\n{\"identifier\":\"r3\"}\n",
        );
        let r = evaluate_matching(d.path(), &truth, Some(&postings)).expect("eval");
        // c1: r2 shares occupation a → hit at 1; c2: first hit r1 at 3; c3: r1 is occ a → miss.
        assert_eq!(r.all.candidates, 3);
        assert_eq!(r.all.recall["@1"], round4(1.0 / 3.0));
        assert_eq!(r.all.recall["@3"], round4(2.0 / 3.0));
        assert_eq!(r.all.mrr, round4((1.0 + 1.0 / 3.0) / 3.0));
        assert_eq!(r.all.coverage, round4(2.0 / 3.0));
        assert_eq!(r.listed_skills.candidates, 1);
        assert_eq!(r.unlisted_skills.candidates, 2);
        // r1 lists c1 (hit) then c3 (miss); r3 lists c3 (hit).
        assert_eq!(r.roles.roles, 2);
        assert_eq!(r.roles.precision["@1"], 1.0);
    }

    #[test]
    fn without_candidate_gaps_the_candidate_side_is_ranked_from_shortlist_scores() {
        let d = tempfile::tempdir().expect("tmp");
        let truth = write(d.path(), "truth.csv", "candidate_id,role_id\nc1,r2\n");
        write(d.path(), "shortlists.csv", "role_id,candidate_id,rank,score\nr1,c1,1,0.9\nr2,c1,1,0.7\nr3,c1,1,0.8\n");
        let postings = write(d.path(), "p.jsonl", "{\"identifier\":\"r2\",\"skills\":[\"x\"]}\n");
        let r = evaluate_matching(d.path(), &truth, Some(&postings)).expect("eval");
        assert_eq!(r.candidate_source, "shortlists.csv");
        assert_eq!(r.all.recall["@1"], 0.0);
        assert_eq!(r.all.recall["@3"], 1.0);
        assert_eq!(r.all.mrr, round4(1.0 / 3.0));
    }
}
