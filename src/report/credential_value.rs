//! `credential_value.csv`: per badge class with enough holders, what it moves in the ranking
//! (computed by [`crate::score::value`]; this writer only formats). Columns:
//! `badge_class_id, badge_class_name, issuer, skills, holders, verified_holders,
//! holders_rescored, mean_roles_lost, ci_low, ci_high, share_holders_losing_any,
//! mean_roles_lost_verified, mean_roles_lost_unverified, nonholders_sampled,
//! mean_roles_gained, gained_ci_low, gained_ci_high, share_nonholders_gaining_any,
//! mean_roles_gained_unverified`. Rows in the order computed (roles lost, then roles gained,
//! descending, then class id). Header only when `[score] credential_value` is off.

use std::path::Path;

use super::table::{Col, Table};
use super::{OutputFile, ReportError, ReportInput};
use crate::util::round4;

/// Writes the file.
pub fn write(dir: &Path, input: &ReportInput<'_>) -> Result<OutputFile, ReportError> {
    let rows = input.credential_value;
    let class = |i: u32| &input.catalog.classes[i as usize];
    let f = |g: fn(&crate::score::CredentialValue) -> f64| rows.iter().map(|r| round4(g(r))).collect();
    let opt = |g: fn(&crate::score::CredentialValue) -> Option<f64>| {
        rows.iter().map(|r| g(r).map(|x| format!("{:?}", round4(x)))).collect()
    };
    let table = Table::new(vec![
        Col::str("badge_class_id", rows.iter().map(|r| class(r.class).key.as_str()).collect()),
        Col::str("badge_class_name", rows.iter().map(|r| class(r.class).name.as_str()).collect()),
        Col::str("issuer", rows.iter().map(|r| class(r.class).issuer.as_str()).collect()),
        Col::list(
            "skills",
            rows.iter()
                .map(|r| class(r.class).skills.iter().map(|&s| input.taxonomy.skill(s).label.as_str()).collect())
                .collect(),
        ),
        Col::u64("holders", rows.iter().map(|r| r.holders).collect()),
        Col::u64("verified_holders", rows.iter().map(|r| r.verified_holders).collect()),
        Col::u64("holders_rescored", rows.iter().map(|r| r.holders_rescored).collect()),
        Col::f64("mean_roles_lost", f(|r| r.mean_roles_lost)),
        Col::f64("ci_low", f(|r| r.lost_ci.0)),
        Col::f64("ci_high", f(|r| r.lost_ci.1)),
        Col::f64("share_holders_losing_any", f(|r| r.share_holders_losing_any)),
        Col::opt("mean_roles_lost_verified", opt(|r| r.mean_roles_lost_verified)),
        Col::opt("mean_roles_lost_unverified", opt(|r| r.mean_roles_lost_unverified)),
        Col::u64("nonholders_sampled", rows.iter().map(|r| r.nonholders_sampled).collect()),
        Col::f64("mean_roles_gained", f(|r| r.mean_roles_gained_verified)),
        Col::f64("gained_ci_low", f(|r| r.gained_ci.0)),
        Col::f64("gained_ci_high", f(|r| r.gained_ci.1)),
        Col::f64("share_nonholders_gaining_any", f(|r| r.share_nonholders_gaining_any)),
        Col::f64("mean_roles_gained_unverified", f(|r| r.mean_roles_gained_unverified)),
    ]);
    super::csv(dir, super::schema::CREDENTIAL_VALUE, &table, input.csv_bom)
}
