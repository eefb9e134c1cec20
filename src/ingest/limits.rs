//! Bounds on what one credential may carry, so a hostile file (a 10 MB achievement name, a
//! million tags) cannot blow up the later stages (fuzzy matching is quadratic in string length).
//! Anything cut is reported as a problem, so the credential is `malformed`, never silently
//! shortened.

use super::problem::{Problem, ProblemKind};
use super::types::{Credential, Recipient};

/// Longest text field kept, in bytes (ids, names, skill labels, recipient identities).
pub const MAX_FIELD_BYTES: usize = 4096;

/// Most skills kept on one credential.
pub const MAX_SKILLS: usize = 1000;

/// Shortens `s` to at most `max` characters for messages.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Cuts `s` to [`MAX_FIELD_BYTES`] (on a character boundary) and records a problem.
fn clip(field: &str, s: &mut String, problems: &mut Vec<Problem>) {
    if s.len() <= MAX_FIELD_BYTES {
        return;
    }
    problems.push(Problem::new(
        field,
        ProblemKind::TooLong,
        format!("{} bytes long, above the {MAX_FIELD_BYTES}-byte limit (cut): {:?}", s.len(), truncate(s, 40)),
    ));
    let mut end = MAX_FIELD_BYTES;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
}

fn clip_opt(field: &str, s: &mut Option<String>, problems: &mut Vec<Problem>) {
    if let Some(s) = s {
        clip(field, s, problems);
    }
}

/// [`clip_opt`] for shared text: copied only when it is cut.
fn clip_shared(field: &str, s: &mut Option<std::sync::Arc<str>>, problems: &mut Vec<Problem>) {
    if let Some(shared) = s.as_mut().filter(|t| t.len() > MAX_FIELD_BYTES) {
        let mut text = shared.to_string();
        clip(field, &mut text, problems);
        *shared = text.into();
    }
}

/// Applies the limits to a credential, adding a problem for everything cut.
pub(crate) fn enforce(c: &mut Credential) {
    let mut problems = Vec::new();
    clip("credential id", &mut c.credential_id, &mut problems);
    clip_shared("issuer id", &mut c.issuer_id, &mut problems);
    clip_shared("issuer name", &mut c.issuer_name, &mut problems);
    clip_shared("achievement id", &mut c.achievement_id, &mut problems);
    clip_shared("achievement name", &mut c.achievement, &mut problems);
    clip_opt("platform state", &mut c.platform_state, &mut problems);
    clip_opt("revocation reason", &mut c.revoked_reason, &mut problems);
    match &mut c.recipient {
        Recipient::Plain { kind, identity } => {
            clip("recipient type", kind, &mut problems);
            clip("recipient identity", identity, &mut problems);
        }
        Recipient::Hashed { kind, salt, .. } => {
            clip("recipient type", kind, &mut problems);
            clip_opt("recipient salt", salt, &mut problems);
        }
        Recipient::Absent => {}
    }
    if c.skills.len() > MAX_SKILLS {
        c.skills.truncate(MAX_SKILLS);
        problems.push(Problem::new("skills", ProblemKind::TooMany, MAX_SKILLS.to_string()));
    }
    for skill in &mut c.skills {
        clip_shared("skill name", &mut skill.name, &mut problems);
        clip_shared("skill uri", &mut skill.uri, &mut problems);
    }
    c.problems.extend(problems);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{BadgeFormat, RawSkill, SourceRef};

    #[test]
    fn long_fields_and_many_skills_are_cut_with_problems() {
        let mut c = super::super::credential::blank(
            SourceRef { path: "p".into(), position: "whole file".into() },
            BadgeFormat::Ob2,
        );
        c.achievement = Some("é".repeat(MAX_FIELD_BYTES).into()); // 2 bytes per char
        for i in 0..=MAX_SKILLS + 5 {
            super::super::json::push_skill(&mut c.skills, RawSkill { name: Some(format!("s{i}").into()), uri: None });
        }
        assert_eq!(c.skills.len(), MAX_SKILLS + 1, "one sentinel beyond the limit");
        enforce(&mut c);
        assert_eq!(c.achievement.as_deref().map(str::len), Some(MAX_FIELD_BYTES));
        assert_eq!(c.skills.len(), MAX_SKILLS);
        assert_eq!(c.problems.len(), 2, "{:?}", c.problems);
        assert!(c.problems[0].to_string().starts_with("achievement name is 8192 bytes long"));
    }
}
