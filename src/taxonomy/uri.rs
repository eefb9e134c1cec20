//! URI lookup forms: the variations of a concept URI that name the same concept.

/// Where ESCO publishes skill URIs; a bare concept UUID is looked up under this prefix.
pub(crate) const ESCO_SKILL_PREFIX: &str = "http://data.europa.eu/esco/skill/";

/// Whether `s` looks like a UUID (`8-4-4-4-12` hex digits).
pub(crate) fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// The lookup form of a URI: lower case, no trailing slash, `https://` as `http://`, a bare UUID
/// under [`ESCO_SKILL_PREFIX`].
pub(crate) fn canonical_uri(uri: &str) -> String {
    let lower = uri.trim_end_matches('/').to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("https://") {
        format!("http://{rest}")
    } else if is_uuid(&lower) {
        format!("{ESCO_SKILL_PREFIX}{lower}")
    } else {
        lower
    }
}

/// The id `uri` has in `by_uri`: as written (trimmed), else in its [`canonical_uri`] form.
pub(crate) fn lookup<T: Copy>(by_uri: &std::collections::HashMap<String, T>, uri: &str) -> Option<T> {
    let uri = uri.trim();
    if let Some(&id) = by_uri.get(uri) {
        return Some(id);
    }
    by_uri.get(&canonical_uri(uri)).copied()
}

/// The index of the group with this URI in `groups` (sorted by URI), accepting the variations of
/// [`lookup`].
pub(crate) fn find_group(groups: &[super::SkillGroup], uri: &str) -> Option<u32> {
    let uri = uri.trim();
    let find = |u: &str| groups.binary_search_by(|g| g.uri.as_str().cmp(u)).ok().map(|i| i as u32);
    find(uri).or_else(|| find(&canonical_uri(uri)))
}
