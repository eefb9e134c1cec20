//! `duplicate_postings.csv`: every copy of an opening merged into a role's posting
//! (`role_id, kept_reader, kept_path, kept_position, merged_reader, merged_id, merged_path,
//! merged_position, rule`), one row per merge, by role id.

use std::path::Path;

use super::table::{Col, Table};
use super::{OutputFile, ReportError, ReportInput};

/// Writes the file (a header only when nothing was merged).
pub fn write(dir: &Path, input: &ReportInput<'_>) -> Result<OutputFile, ReportError> {
    let d = &input.normalized.duplicates;
    // Paths relative to the posting input holding them: the same bytes from any folder.
    let roots = super::verification::roots(input.posting_inputs);
    let shown = |p: &str| super::verification::shown_source(p, &roots);
    let col = |name: &'static str, f: &dyn Fn(&crate::ingest::DuplicatePosting) -> String| {
        Col::str(name, d.iter().map(f).collect())
    };
    let t = Table::new(vec![
        col("role_id", &|x| x.role_id.clone()),
        col("kept_reader", &|x| x.kept_reader.to_string()),
        col("kept_path", &|x| shown(&x.kept_path)),
        col("kept_position", &|x| x.kept_position.clone()),
        col("merged_reader", &|x| x.merged_reader.to_string()),
        col("merged_id", &|x| x.merged_id.clone()),
        col("merged_path", &|x| shown(&x.merged_path)),
        col("merged_position", &|x| x.merged_position.clone()),
        col("rule", &|x| x.rule.to_string()),
    ]);
    super::csv(dir, super::schema::DUPLICATE_POSTINGS, &t, input.csv_bom)
}
