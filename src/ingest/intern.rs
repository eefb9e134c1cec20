//! One copy of each text that many credentials repeat: issuer ids and names, badge class ids
//! and names, skill names and URIs. A large run holds hundreds of thousands of credentials of a
//! few thousand badge classes and skills; sharing their text is a few hundred bytes less per
//! credential, held until the reports.

use std::sync::Arc;

use super::types::Credential;

/// The texts seen so far, each once.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    seen: crate::util::Interner<str>,
}

impl Interner {
    /// Points `text` at the copy seen first, or keeps it as that copy.
    fn share(&mut self, text: &mut Option<Arc<str>>) {
        if let Some(t) = text {
            self.seen.share(t);
        }
    }

    /// Shares a credential's issuer, badge class and skill texts with the credentials before it.
    pub(crate) fn credential(&mut self, c: &mut Credential) {
        self.share(&mut c.issuer_id);
        self.share(&mut c.issuer_name);
        self.share(&mut c.achievement_id);
        self.share(&mut c.achievement);
        for s in &mut c.skills {
            self.share(&mut s.name);
            self.share(&mut s.uri);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{BadgeFormat, RawSkill, SourceRef};

    fn cred(issuer: &str, badge: &str) -> Credential {
        let source = SourceRef { path: "a.json".into(), position: "(whole file)".into() };
        let mut c = crate::ingest::credential::blank(source, BadgeFormat::Ob2);
        c.issuer_id = Some(issuer.into());
        c.achievement = Some(badge.into());
        c.skills = vec![RawSkill { name: Some(badge.into()), uri: Some(format!("urn:{badge}").into()) }];
        c
    }

    #[test]
    fn credentials_with_equal_texts_share_one_copy_and_keep_their_values() {
        let mut interner = Interner::default();
        let mut creds =
            [cred("https://a.example", "SQL"), cred("https://a.example", "Excel"), cred("https://b.example", "SQL")];
        for c in &mut creds {
            interner.credential(c);
        }
        let (a, b, c) = (&creds[0], &creds[1], &creds[2]);
        let same = |x: &Option<Arc<str>>, y: &Option<Arc<str>>| Arc::ptr_eq(x.as_ref().unwrap(), y.as_ref().unwrap());
        assert!(same(&a.issuer_id, &b.issuer_id));
        assert!(same(&a.achievement, &c.achievement));
        assert!(!same(&a.issuer_id, &c.issuer_id));
        assert!(same(&a.skills[0].name, &c.skills[0].name) && same(&a.skills[0].uri, &c.skills[0].uri));
        assert!(same(&a.achievement, &a.skills[0].name), "one copy whichever field holds it");
        assert_eq!(b.skills[0].uri.as_deref(), Some("urn:Excel"));
        assert_eq!(b.achievement.as_deref(), Some("Excel"));
        assert_eq!(c.issuer_id.as_deref(), Some("https://b.example"));
        assert_eq!(a.issuer_name, None);
    }
}
