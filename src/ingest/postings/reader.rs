//! Which reader took a posting file: a leaf, so that the manifest's `PostingFile` can name it
//! without importing the readers.

/// Which reader took a posting file (serialised as [`Reader::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reader {
    /// An HTML careers page (JSON-LD and microdata `JobPosting`s).
    CareerPage,
    /// Greenhouse Job Board API export.
    Greenhouse,
    /// Lever postings API export.
    Lever,
    /// Ashby job board API export.
    Ashby,
    /// SmartRecruiters posting details.
    #[serde(rename = "smartrecruiters")]
    SmartRecruiters,
    /// Workday career-site job details.
    Workday,
    /// schema.org `JobPosting` JSON document.
    SchemaOrgJson,
    /// schema.org `JobPosting` JSON Lines.
    SchemaOrgJsonl,
    /// A postings CSV read through the column mapping.
    Csv,
}

impl Reader {
    /// The name used in the manifest, rejects and `roles.parquet`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reader::CareerPage => "career_page",
            Reader::Greenhouse => "greenhouse",
            Reader::Lever => "lever",
            Reader::Ashby => "ashby",
            Reader::SmartRecruiters => "smartrecruiters",
            Reader::Workday => "workday",
            Reader::SchemaOrgJson => "schema_org_json",
            Reader::SchemaOrgJsonl => "schema_org_jsonl",
            Reader::Csv => "csv",
        }
    }
}
