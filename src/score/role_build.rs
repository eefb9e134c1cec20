//! Roles to score, built from what the normalize stage resolved
//! ([`RoleRequirements`](crate::normalize::RoleRequirements)).

use crate::normalize::RoleRequirements;

use super::Role;

impl From<RoleRequirements> for Role {
    /// Sorts and deduplicates the skills (see [`Role::new`]); importance and prior are set by
    /// the scoring policy.
    fn from(r: RoleRequirements) -> Role {
        Role::new(r.id, r.title, r.employer, r.location, r.skills)
    }
}
