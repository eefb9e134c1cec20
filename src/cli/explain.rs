//! `skillmatch explain`: why a candidate scored what they did for a role, skill by skill.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::common::{Format, formats};
use super::{Failure, must_exist, terminal_safe as t};
use skillmatch::ingest::Requirement;
use skillmatch::query::{PairExplanation, QueryError, RunFolder};
use skillmatch::score::{CreditRoute, SkillOrigin};

/// Arguments of `explain`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  skillmatch explain --run reports/20261124T030000Z --role role-00012 --candidate cand-000042"
)]
pub struct ExplainArgs {
    /// Run folder (the path `skillmatch run` printed).
    #[arg(long)]
    run: PathBuf,
    /// Role (posting) id.
    #[arg(long)]
    role: String,
    /// Candidate id.
    #[arg(long)]
    candidate: String,
    /// Output format.
    #[arg(long, value_parser = formats(&[Format::Text, Format::Json]), default_value = "text")]
    format: Format,
}

fn text(w: &mut impl Write, e: &PairExplanation) -> std::io::Result<()> {
    writeln!(w, "candidate {} for role {}: score {:.4}", t(&e.candidate_id), t(&e.role_id), e.score)?;
    if e.fit_weight > 0.0 {
        writeln!(
            w,
            "score = {:.2} x requirement {:.4} + {:.2} x fit {:.4}",
            1.0 - e.fit_weight,
            e.requirement,
            e.fit_weight,
            e.fit
        )?;
        writeln!(w, "requirement = sum of factor x credit over the role's skills (role prior {:.4})", e.role_prior)?;
        writeln!(w, "fit = share of the candidate's evidence (rare skills weigh more) that these skills use")?;
    } else {
        writeln!(w, "score = sum of factor x credit over the role's skills (role prior {:.4})", e.role_prior)?;
    }
    if e.role_thin {
        writeln!(w, "note: thin role: it lists too few skills to rank with confidence; add skills to the posting")?;
    }
    for (req, name) in [(Requirement::Required, "required"), (Requirement::Preferred, "preferred")] {
        let lines: Vec<_> = e.skills.iter().filter(|s| s.requirement == req).collect();
        if lines.is_empty() {
            continue;
        }
        writeln!(w, "\n{name} skills ({}):", lines.len())?;
        for s in lines {
            let from_text = match (s.origin, &s.found_by) {
                (SkillOrigin::Extracted, Some(f)) => format!(
                    " [found in posting text by meaning: method {}, confidence {:.4}, \"{}\"]",
                    t(&f.method),
                    f.confidence,
                    t(&f.evidence)
                ),
                (SkillOrigin::Inferred, Some(f)) => format!(
                    " [inferred from the job title's occupation \"{}\", matched with meaning: method {}, score {:.4}]",
                    t(f.occupation.as_deref().unwrap_or("?")),
                    t(&f.method),
                    f.confidence
                ),
                (SkillOrigin::Extracted, None) => " [found in posting text]".to_string(),
                (SkillOrigin::Inferred, None) => " [inferred from the job title's occupation]".to_string(),
                (SkillOrigin::Explicit, _) => String::new(),
            };
            let why = match s.via {
                CreditRoute::Group => format!("same skill group \"{}\"", t(s.group_label.as_deref().unwrap_or("?"))),
                CreditRoute::Narrower => "a more specific skill".to_string(),
                CreditRoute::Broader => "a more general skill".to_string(),
                CreditRoute::Related => "a related skill".to_string(),
                CreditRoute::Exact | CreditRoute::None => String::new(),
            };
            match s.via {
                CreditRoute::Exact => writeln!(
                    w,
                    "  [x] {} (credit {:.2} x factor {:.4} = {:.4}){from_text}",
                    t(&s.skill_label),
                    s.credit,
                    s.factor,
                    s.contribution
                )?,
                CreditRoute::Group | CreditRoute::Narrower | CreditRoute::Broader | CreditRoute::Related => writeln!(
                    w,
                    "  [~] {} (credit {:.2} x factor {:.4} = {:.4}) via {} — {why}{from_text}",
                    t(&s.skill_label),
                    s.credit,
                    s.factor,
                    s.contribution,
                    t(s.held_skill_label.as_deref().unwrap_or("?")),
                )?,
                CreditRoute::None => {
                    writeln!(w, "  [ ] {} — missing (factor {:.4}){from_text}", t(&s.skill_label), s.factor)?
                }
            }
            for c in &s.evidence {
                let expires = if c.expires.is_empty() { String::new() } else { format!(", expires {}", t(&c.expires)) };
                writeln!(
                    w,
                    "        {} — \"{}\" by {}, issued {}{expires}, {}",
                    t(&c.status),
                    t(&c.achievement),
                    t(&c.issuer),
                    t(&c.issued_on),
                    t(&c.credential_id)
                )?;
            }
        }
    }
    Ok(())
}

/// Runs `explain`.
pub fn run(a: ExplainArgs) -> Result<(), Failure> {
    must_exist("--run", &a.run)?;
    let folder = RunFolder::open(&a.run).map_err(Failure::usage)?;
    let e = folder.explain_pair(&a.role, &a.candidate).map_err(|e| match e {
        QueryError::NotFound(_) => Failure::usage(e),
        _ => Failure::run(e),
    })?;
    let mut w = std::io::BufWriter::new(std::io::stdout().lock());
    let res = match a.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut w, &e).map_err(std::io::Error::other).and_then(|_| writeln!(w))
        }
        _ => text(&mut w, &e),
    };
    res.and_then(|_| w.flush()).map_err(Failure::run)
}
