//! `rejects.jsonl`: one JSON object per unreadable file or record (`kind`, `path`, `position`, `reason`).

use std::io::Write;
use std::path::Path;

use super::{OutputFile, ReportError};
use crate::ingest::Reject;

/// Writes the rejects file (empty when nothing was rejected).
pub fn write(dir: &Path, rejects: &[Reject]) -> Result<OutputFile, ReportError> {
    let name = super::schema::REJECTS;
    let mut buf = Vec::new();
    for r in rejects {
        serde_json::to_writer(&mut buf, r).map_err(|source| ReportError::Json { path: name.into(), source })?;
        buf.push(b'\n');
    }
    let io = |source| ReportError::Io { path: name.into(), source };
    let mut f = std::fs::File::create(dir.join(name)).map_err(io)?;
    f.write_all(&buf).map_err(io)?;
    super::output_file(dir, name, rejects.len())
}
