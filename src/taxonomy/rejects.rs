//! The taxonomy stage's own rejects: rows of custom taxonomy and alias files that were not
//! taken, for the run's rejects file.

use super::Loaded;

/// Which kind of file a [`TaxonomyReject`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaxonomyRejectKind {
    /// A custom taxonomy file's row that was skipped (see
    /// [`CustomProblem::skipped`](super::CustomProblem::skipped)).
    Custom,
    /// An alias file's row whose target names no skill.
    Alias,
}

impl TaxonomyRejectKind {
    /// The reject kind as the rejects file writes it: `taxonomy` or `alias`.
    pub fn as_str(self) -> &'static str {
        match self {
            TaxonomyRejectKind::Custom => "taxonomy",
            TaxonomyRejectKind::Alias => "alias",
        }
    }
}

/// A row of a taxonomy input file that was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxonomyReject {
    /// The kind of file.
    pub kind: TaxonomyRejectKind,
    /// The file, as configured.
    pub path: String,
    /// Line of the row in the file.
    pub line: u64,
    /// Why, in words a person can act on.
    pub reason: String,
}

impl TaxonomyReject {
    /// The position as the rejects file writes it: `line N`.
    pub fn position(&self) -> String {
        format!("line {}", self.line)
    }
}

impl Loaded {
    /// Every row not taken: the skipped rows of the custom taxonomy files, then the alias rows
    /// whose target names no skill; file by file in the configured order, each in line order.
    /// (Rows of custom files added without their parent are taken, so they are not here; see
    /// [`CustomLoad::problems`](super::CustomLoad::problems).)
    pub fn rejects(&self) -> Vec<TaxonomyReject> {
        let custom = self.custom.iter().flat_map(|(path, load)| {
            let path = path.display().to_string();
            load.problems.iter().filter(|p| p.skipped).map(move |p| TaxonomyReject {
                kind: TaxonomyRejectKind::Custom,
                path: path.clone(),
                line: p.line,
                reason: p.reason.clone(),
            })
        });
        let aliases = self.aliases.iter().flat_map(|(path, load)| {
            let path = path.display().to_string();
            load.unresolved.iter().map(move |(line, target)| TaxonomyReject {
                kind: TaxonomyRejectKind::Alias,
                path: path.clone(),
                line: *line,
                reason: format!("alias target {target:?} is neither a taxonomy URI nor a label"),
            })
        });
        custom.chain(aliases).collect()
    }
}
