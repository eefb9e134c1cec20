//! The surface-form index: every folded preferred and alternative label → the skill it names.
//!
//! [`FormTable`] collects the labels while skills are still being added (base taxonomy, then
//! custom taxonomies) and answers label lookups on the way; [`FormTable::into_index`] turns it
//! into the sorted [`FormIndex`] once, which the fuzzy and variant indexes are built from.

use std::collections::HashMap;

use super::fold::fold_into;
use super::{Skill, SkillId};

/// One distinct folded label.
#[derive(Debug, Clone)]
pub(crate) struct Form {
    /// The folded text.
    pub(crate) text: Box<str>,
    /// The skill chosen for it: a skill whose preferred label it is if any, then the lowest id.
    pub(crate) skill: SkillId,
    /// Whether `text` is the chosen skill's preferred label.
    pub(crate) preferred: bool,
    /// Whether more than one skill has this label.
    pub(crate) ambiguous: bool,
}

/// The skill chosen for one folded label while labels are being added.
#[derive(Debug, Clone, Copy)]
struct Entry {
    skill: SkillId,
    preferred: bool,
    ambiguous: bool,
}

/// Folded labels → chosen skill, filled skill by skill in id order.
///
/// The choice is the one [`FormIndex`] documents (a skill whose preferred label it is, then the
/// lowest id): since skills arrive in increasing id order with the preferred label first, a later
/// label takes a form only when it is a preferred label and the form's current skill has it as an
/// alternative label.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormTable {
    by_text: HashMap<Box<str>, Entry>,
}

impl FormTable {
    /// Adds the preferred and alternative labels of `skills`, whose ids start at `first` (and
    /// are above every id added before).
    pub(crate) fn add(&mut self, skills: &[Skill], first: SkillId) {
        let mut units = Vec::new();
        let mut folded = String::new();
        for (id, skill) in (first..).zip(skills) {
            let labels = std::iter::once((&skill.label, true)).chain(skill.alt_labels.iter().map(|a| (a, false)));
            for (label, preferred) in labels {
                folded.clear();
                fold_into(label, &mut units, &mut folded);
                if folded.is_empty() {
                    continue;
                }
                match self.by_text.get_mut(folded.as_str()) {
                    Some(e) => {
                        e.ambiguous |= e.skill != id;
                        if preferred && !e.preferred {
                            e.skill = id;
                            e.preferred = true;
                        }
                    }
                    None => {
                        self.by_text.insert(folded.as_str().into(), Entry { skill: id, preferred, ambiguous: false });
                    }
                }
            }
        }
    }

    /// The skill chosen for the folded label `folded`, if any.
    pub(crate) fn get(&self, folded: &str) -> Option<SkillId> {
        self.by_text.get(folded).map(|e| e.skill)
    }

    /// The sorted index of every form added.
    pub(crate) fn into_index(self) -> FormIndex {
        let mut forms: Vec<Form> = self
            .by_text
            .into_iter()
            .map(|(text, e)| Form { text, skill: e.skill, preferred: e.preferred, ambiguous: e.ambiguous })
            .collect();
        forms.sort_unstable_by(|a, b| a.text.cmp(&b.text));
        let by_text = forms.iter().zip(0..).map(|(f, i)| (f.text.clone(), i)).collect();
        FormIndex { forms, by_text }
    }
}

/// All distinct folded labels, sorted by text, with a hash lookup.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormIndex {
    pub(crate) forms: Vec<Form>,
    by_text: HashMap<Box<str>, u32>,
}

impl FormIndex {
    /// Folds every preferred and alternative label of `skills` (empty folds are dropped), all at
    /// once: the reference [`FormTable`]'s step-by-step filling must agree with.
    #[cfg(test)]
    pub(crate) fn build(skills: &[Skill]) -> FormIndex {
        let mut table = FormTable::default();
        table.add(skills, 0);
        table.into_index()
    }

    /// The form whose folded text is exactly `folded`.
    pub(crate) fn get(&self, folded: &str) -> Option<&Form> {
        self.by_text.get(folded).map(|&i| &self.forms[i as usize])
    }
}
