//! The kinds of input records that ingest counts and rejects (a leaf: imports nothing).

/// What a counted record (or a rejected file) is. The ledger takes this enum; outputs (the
/// manifest's counts, `rejects.jsonl`, the files list) carry its [`RecordKind::as_str`] name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    /// A roster row (`roster`).
    Roster,
    /// A claims CSV row (`claims`).
    Claims,
    /// A credential record or an unreadable badge file (`badge`).
    Badge,
    /// A support document or a CLR wrapper among the badge inputs (`badge_document`).
    BadgeDocument,
    /// A posting or an unreadable posting file (`posting`).
    Posting,
}

impl RecordKind {
    /// Every kind, in the order of [`COUNT_KINDS`].
    pub const ALL: [RecordKind; 5] =
        [RecordKind::Roster, RecordKind::Claims, RecordKind::Badge, RecordKind::BadgeDocument, RecordKind::Posting];

    /// The name written to outputs: `roster`, `claims`, `badge`, `badge_document`, `posting`.
    pub const fn as_str(self) -> &'static str {
        match self {
            RecordKind::Roster => "roster",
            RecordKind::Claims => "claims",
            RecordKind::Badge => "badge",
            RecordKind::BadgeDocument => "badge_document",
            RecordKind::Posting => "posting",
        }
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every count kind `ingest` reports, always present in [`super::IngestOutput::counts`].
pub const COUNT_KINDS: [&str; 5] = [
    RecordKind::ALL[0].as_str(),
    RecordKind::ALL[1].as_str(),
    RecordKind::ALL[2].as_str(),
    RecordKind::ALL[3].as_str(),
    RecordKind::ALL[4].as_str(),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_kinds_list_every_record_kind_by_its_output_name() {
        let names: Vec<&str> = RecordKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, COUNT_KINDS);
        assert_eq!(COUNT_KINDS, ["roster", "claims", "badge", "badge_document", "posting"]);
    }
}
