//! The BERT tokenizer of `all-MiniLM-L6-v2` (`tokenizer.json`: `BertNormalizer` with lowercasing
//! and accent stripping, `BertPreTokenizer`, `WordPiece` with `##` continuations), in plain Rust.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use super::SemanticError;

/// Longest word WordPiece splits; longer words become `[UNK]` (the model's setting).
const MAX_WORD_CHARS: usize = 100;

/// A WordPiece vocabulary with the special token ids the encoder needs.
#[derive(Debug, Clone)]
pub struct WordPiece {
    vocab: HashMap<String, u32>,
    /// Tokens by id (the inverse of `vocab`).
    tokens: Vec<String>,
    /// `[CLS]`.
    pub cls: u32,
    /// `[SEP]`.
    pub sep: u32,
    /// `[UNK]`.
    pub unk: u32,
}

impl WordPiece {
    /// Reads the vocabulary from a Hugging Face `tokenizer.json` (its `model.vocab` object).
    pub fn from_tokenizer_json(text: &str) -> Result<WordPiece, SemanticError> {
        let doc: serde_json::Value =
            serde_json::from_str(text).map_err(|e| SemanticError::Model(format!("tokenizer.json: {e}")))?;
        let vocab_obj = doc
            .get("model")
            .and_then(|m| m.get("vocab"))
            .and_then(|v| v.as_object())
            .ok_or_else(|| SemanticError::Model("tokenizer.json: no model.vocab object".into()))?;
        let mut vocab = HashMap::with_capacity(vocab_obj.len());
        let mut tokens = vec![String::new(); vocab_obj.len()];
        for (token, id) in vocab_obj {
            let id = id
                .as_u64()
                .and_then(|i| u32::try_from(i).ok())
                .filter(|&i| (i as usize) < tokens.len())
                .ok_or_else(|| SemanticError::Model(format!("tokenizer.json: bad id for token {token:?}")))?;
            tokens[id as usize] = token.clone();
            vocab.insert(token.clone(), id);
        }
        let special = |name: &str| {
            vocab.get(name).copied().ok_or_else(|| SemanticError::Model(format!("tokenizer.json: no {name} token")))
        };
        let (cls, sep, unk) = (special("[CLS]")?, special("[SEP]")?, special("[UNK]")?);
        Ok(WordPiece { vocab, tokens, cls, sep, unk })
    }

    /// Number of tokens in the vocabulary.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True for an empty vocabulary.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The token with this id (empty when out of range).
    pub fn token(&self, id: u32) -> &str {
        self.tokens.get(id as usize).map(String::as_str).unwrap_or("")
    }

    /// WordPiece ids of `text` without `[CLS]`/`[SEP]`, at most `max` of them.
    pub fn encode(&self, text: &str, max: usize) -> Vec<u32> {
        let mut ids = Vec::new();
        for word in pre_tokenize(&normalize(text)) {
            if ids.len() >= max {
                break;
            }
            self.word_pieces(&word, &mut ids);
        }
        ids.truncate(max);
        ids
    }

    /// Word-piece ids of every word with the byte span of the word in `text`, for span evidence.
    pub fn words(&self, text: &str) -> Vec<(std::ops::Range<usize>, Vec<u32>)> {
        let mut out = Vec::new();
        for (span, word) in word_spans(text) {
            let mut ids = Vec::new();
            for piece in pre_tokenize(&normalize(word)) {
                self.word_pieces(&piece, &mut ids);
            }
            if !ids.is_empty() {
                out.push((span, ids));
            }
        }
        out
    }

    fn word_pieces(&self, word: &str, out: &mut Vec<u32>) {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() > MAX_WORD_CHARS {
            out.push(self.unk);
            return;
        }
        let mut pieces = Vec::new();
        let mut start = 0;
        let mut piece = String::new();
        while start < chars.len() {
            let mut end = chars.len();
            let mut found = None;
            while start < end {
                piece.clear();
                if start > 0 {
                    piece.push_str("##");
                }
                piece.extend(&chars[start..end]);
                if let Some(&id) = self.vocab.get(piece.as_str()) {
                    found = Some(id);
                    break;
                }
                end -= 1;
            }
            match found {
                Some(id) => pieces.push(id),
                None => {
                    out.push(self.unk);
                    return;
                }
            }
            start = end;
        }
        out.extend(pieces);
    }
}

/// Whitespace-separated words of `text` with their byte spans.
fn word_spans(text: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s..i, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s..text.len(), &text[s..]));
    }
    out
}

/// `BertNormalizer`: control characters dropped, whitespace unified, CJK characters spaced,
/// accents stripped (NFD without combining marks) and lowercased.
pub(crate) fn normalize(text: &str) -> String {
    let mut cleaned = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\0' || c == '\u{fffd}' {
            continue;
        }
        if c.is_whitespace() {
            cleaned.push(' ');
        } else if c.is_control() {
            continue;
        } else if is_cjk(c) {
            cleaned.push(' ');
            cleaned.push(c);
            cleaned.push(' ');
        } else {
            cleaned.push(c);
        }
    }
    let stripped: String = cleaned.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).collect();
    stripped.to_lowercase()
}

/// `BertPreTokenizer`: split on whitespace and make every punctuation character a word.
pub(crate) fn pre_tokenize(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_whitespace() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        } else if is_punctuation(c) {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            words.push(c.to_string());
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// BERT's punctuation: ASCII symbols and Unicode punctuation. Without Unicode category tables
/// in std, the non-ASCII part covers the Latin-1 punctuation, General Punctuation and CJK
/// punctuation blocks, where nearly all punctuation in job adverts lies.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c, '\u{a1}' | '\u{a7}' | '\u{ab}' | '\u{b6}' | '\u{b7}' | '\u{bb}' | '\u{bf}')
        || ('\u{2010}'..='\u{2027}').contains(&c)
        || ('\u{2030}'..='\u{205e}').contains(&c)
        || ('\u{3001}'..='\u{3003}').contains(&c)
        || ('\u{3008}'..='\u{3011}').contains(&c)
        || ('\u{ff01}'..='\u{ff0f}').contains(&c)
}

/// The CJK Unified Ideograph blocks BERT spaces out.
fn is_cjk(c: char) -> bool {
    let u = c as u32;
    (0x4E00..=0x9FFF).contains(&u)
        || (0x3400..=0x4DBF).contains(&u)
        || (0x20000..=0x2A6DF).contains(&u)
        || (0x2A700..=0x2B73F).contains(&u)
        || (0x2B740..=0x2B81F).contains(&u)
        || (0x2B820..=0x2CEAF).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0x2F800..=0x2FA1F).contains(&u)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> WordPiece {
        let json = r###"{"model":{"vocab":{"[PAD]":0,"[UNK]":1,"[CLS]":2,"[SEP]":3,"data":4,"##base":5,"cafe":6,",":7,"sql":8,"##s":9}}}"###;
        WordPiece::from_tokenizer_json(json).unwrap()
    }

    #[test]
    fn greedy_longest_match_with_continuations() {
        let wp = tiny();
        assert_eq!(wp.encode("Databases, SQL", 16), vec![4, 5, 9, 7, 8]);
        // accents stripped, lowercased
        assert_eq!(wp.encode("Café", 16), vec![6]);
        // a word with no full split is one [UNK]
        assert_eq!(wp.encode("dataxyz", 16), vec![1]);
        assert_eq!(wp.encode("data data data", 2), vec![4, 4]);
    }

    #[test]
    fn word_spans_are_byte_ranges() {
        let wp = tiny();
        let words = wp.words("  data  sql,");
        assert_eq!(words[0].0, 2..6);
        assert_eq!(words[1].0, 8..12);
        assert_eq!(words[1].1, vec![8, 7]);
    }

    #[test]
    fn bad_vocab_is_an_error() {
        assert!(WordPiece::from_tokenizer_json("{}").is_err());
        assert!(WordPiece::from_tokenizer_json(r#"{"model":{"vocab":{"a":7}}}"#).is_err());
    }
}
