//! The surface-form index: every folded preferred and alternative label → the skill it names.

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

/// All distinct folded labels, sorted by text, with a hash lookup.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormIndex {
    pub(crate) forms: Vec<Form>,
    by_text: HashMap<Box<str>, u32>,
}

impl FormIndex {
    /// Folds every preferred and alternative label of `skills` (empty folds are dropped).
    pub(crate) fn build(skills: &[Skill]) -> FormIndex {
        let mut all: Vec<(String, bool, SkillId)> = Vec::with_capacity(skills.len() * 8);
        let mut units = Vec::new();
        for (id, skill) in (0..).zip(skills) {
            let labels = std::iter::once((&skill.label, true)).chain(skill.alt_labels.iter().map(|a| (a, false)));
            for (label, preferred) in labels {
                let mut folded = String::with_capacity(label.len());
                fold_into(label, &mut units, &mut folded);
                if !folded.is_empty() {
                    all.push((folded, preferred, id));
                }
            }
        }
        // Per text: preferred labels first, then the lowest id.
        all.sort_unstable_by(|a, b| (&a.0, !a.1, a.2).cmp(&(&b.0, !b.1, b.2)));
        let mut forms: Vec<Form> = Vec::new();
        let mut by_text = HashMap::with_capacity(all.len());
        for (text, preferred, skill) in all {
            if let Some(last) = forms.last_mut()
                && *last.text == *text
            {
                last.ambiguous |= last.skill != skill;
                continue;
            }
            let text: Box<str> = text.into();
            by_text.insert(text.clone(), forms.len() as u32);
            forms.push(Form { text, skill, preferred, ambiguous: false });
        }
        FormIndex { forms, by_text }
    }

    /// The form whose folded text is exactly `folded`.
    pub(crate) fn get(&self, folded: &str) -> Option<&Form> {
        self.by_text.get(folded).map(|&i| &self.forms[i as usize])
    }
}
