//! Surface-form folding shared by the taxonomy index, the normalizer and the extractor.
//!
//! Folding is done in two passes:
//! 1. every source character (a starter plus its combining marks for non-ASCII text) is put
//!    through Unicode NFKC and lower-cased into a buffer of [`Unit`]s that remember the source
//!    byte span they came from;
//! 2. the units are classified into word characters (kept), significant symbols (kept when they
//!    are glued to a token, see [`fold`](fn@super::fold)) and separators (collapsed to one space).
//!
//! The extractor uses [`fold_mapped`] to keep, for every output byte, the source byte span it came
//! from; [`fold`](fn@super::fold) is the same routine without the map.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{canonical_combining_class, is_combining_mark};

/// Longest run of word characters on each side of a `/` or `&` that is kept as one token
/// (`ci/cd`, `tcp/ip`, `r&d`, `pl/i`); longer runs are split (`html/css` → `html css`).
const SHORT_RUN: usize = 3;

/// One folded character with the byte span of the source text it came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unit {
    ch: char,
    start: u32,
    end: u32,
}

/// The byte span of the source text that produced one byte of folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SrcSpan {
    /// First source byte.
    pub(crate) start: u32,
    /// One past the last source byte.
    pub(crate) end: u32,
}

/// Reusable buffers for [`fold_mapped`].
#[derive(Debug, Default)]
pub(crate) struct FoldBuf {
    units: Vec<Unit>,
    /// The folded text.
    pub(crate) text: String,
    /// One entry per byte of `text`.
    pub(crate) map: Vec<SrcSpan>,
}

/// Whether `c` belongs to a word: letters, digits and combining marks.
pub(crate) fn is_word(c: char) -> bool {
    c.is_alphanumeric() || (!c.is_ascii() && is_combining_mark(c))
}

/// Folds `s` into `out` (cleared first). See [`fold`](fn@super::fold).
pub(crate) fn fold_into(s: &str, units: &mut Vec<Unit>, out: &mut String) {
    out.clear();
    normalize_units(s, units);
    emit(units, out, None);
}

/// Folds `s` into `buf.text`, recording in `buf.map` the source span of every folded byte.
///
/// When `pad` is true the folded text is surrounded by one space on each side (mapped to empty
/// spans at the start and end of `s`), so that every token is delimited by spaces.
pub(crate) fn fold_mapped(s: &str, buf: &mut FoldBuf, pad: bool) {
    buf.text.clear();
    buf.map.clear();
    normalize_units(s, &mut buf.units);
    if pad {
        buf.text.push(' ');
        buf.map.push(SrcSpan { start: 0, end: 0 });
    }
    emit(&buf.units, &mut buf.text, Some(&mut buf.map));
    if pad {
        let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
        buf.text.push(' ');
        buf.map.push(SrcSpan { start: len, end: len });
    }
}

/// Pass 1: NFKC and lower-casing, one [`Unit`] per resulting character.
fn normalize_units(s: &str, units: &mut Vec<Unit>) {
    units.clear();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII fast path, unless a combining mark follows that NFKC may compose with `b`.
        if b.is_ascii() && bytes.get(i + 1).is_none_or(|n| n.is_ascii()) {
            let start = i as u32;
            units.push(Unit { ch: char::from(b.to_ascii_lowercase()), start, end: start + 1 });
            i += 1;
            continue;
        }
        let end = cluster_end(s, i);
        push_cluster(&s[i..end], i as u32, end as u32, units);
        i = end;
    }
}

/// End (byte) of the cluster starting at `start`: one character plus any following
/// non-starters (combining marks), which NFKC may compose with it.
fn cluster_end(s: &str, start: usize) -> usize {
    let mut chars = s[start..].char_indices();
    let mut end = match chars.next() {
        Some((_, c)) => start + c.len_utf8(),
        None => return start,
    };
    for (off, c) in chars {
        if canonical_combining_class(c) == 0 {
            break;
        }
        end = start + off + c.len_utf8();
    }
    end
}

/// NFKC-normalizes and lower-cases one cluster, pushing units that all map to `[start, end)`.
fn push_cluster(cluster: &str, start: u32, end: u32, units: &mut Vec<Unit>) {
    for n in cluster.nfkc() {
        for ch in n.to_lowercase() {
            units.push(Unit { ch, start, end });
        }
    }
}

/// What to do with one unit in pass 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Keep,
    Separator,
}

/// Pass 2: keeps word characters and significant symbols, collapses everything else into single
/// spaces, trims both ends.
fn emit(units: &[Unit], out: &mut String, mut map: Option<&mut Vec<SrcSpan>>) {
    let base = out.len();
    let mut pending: Option<SrcSpan> = None;
    let mut i = 0;
    while i < units.len() {
        let (class, next) = classify(units, i);
        match class {
            Class::Separator => {
                if pending.is_none() && out.len() > base {
                    pending = Some(span(&units[i]));
                }
            }
            Class::Keep => {
                if let Some(sp) = pending.take() {
                    push_char(out, map.as_deref_mut(), ' ', sp);
                }
                for u in &units[i..next] {
                    push_char(out, map.as_deref_mut(), u.ch, span(u));
                }
            }
        }
        i = next;
    }
}

fn span(u: &Unit) -> SrcSpan {
    SrcSpan { start: u.start, end: u.end }
}

fn push_char(out: &mut String, map: Option<&mut Vec<SrcSpan>>, ch: char, sp: SrcSpan) {
    out.push(ch);
    if let Some(map) = map {
        for _ in 0..ch.len_utf8() {
            map.push(sp);
        }
    }
}

/// Classifies the unit at `i`; returns the class and the index of the next unit to look at
/// (a run of `+` is classified as a whole).
fn classify(units: &[Unit], i: usize) -> (Class, usize) {
    let c = units[i].ch;
    if is_word(c) {
        return (Class::Keep, i + 1);
    }
    match c {
        '+' => {
            let mut j = i;
            while j < units.len() && units[j].ch == '+' {
                j += 1;
            }
            (keep_if(after_word(units, i) && !word_at(units, j)), j)
        }
        '#' => (keep_if(after_word(units, i) && !word_at(units, i + 1)), i + 1),
        '.' => (keep_if(keep_dot(units, i)), i + 1),
        '/' | '&' => (keep_if(keep_connector(units, i)), i + 1),
        _ => (Class::Separator, i + 1),
    }
}

fn keep_if(keep: bool) -> Class {
    if keep { Class::Keep } else { Class::Separator }
}

/// Whether the unit at `i` exists and is a word character.
fn word_at(units: &[Unit], i: usize) -> bool {
    units.get(i).is_some_and(|u| is_word(u.ch))
}

/// Whether the unit just before `i` is a word character.
fn after_word(units: &[Unit], i: usize) -> bool {
    i > 0 && word_at(units, i - 1)
}

/// A `.` is kept inside a token (`node.js`, `asp.net`, `4.0`) and at the start of one (`.net`),
/// never at the end (`Java.` → `java`) nor after another dot (`...`).
fn keep_dot(units: &[Unit], i: usize) -> bool {
    if !word_at(units, i + 1) {
        return false;
    }
    i == 0 || after_word(units, i) || units[i - 1].ch != '.'
}

/// A `/` or `&` is kept between two short, clean word runs (`ci/cd`, `tcp/ip`, `r&d`).
fn keep_connector(units: &[Unit], i: usize) -> bool {
    let mut a = i;
    while a > 0 && is_word(units[a - 1].ch) {
        a -= 1;
    }
    let left = i - a;
    let mut b = i + 1;
    while b < units.len() && is_word(units[b].ch) {
        b += 1;
    }
    let right = b - (i + 1);
    (1..=SHORT_RUN).contains(&left)
        && (1..=SHORT_RUN).contains(&right)
        && clean_before(units, a)
        && clean_after(units, b)
}

/// The character before a run starting at `a` does not glue the run to a bigger token.
fn clean_before(units: &[Unit], a: usize) -> bool {
    a == 0 || !matches!(units[a - 1].ch, '#' | '+' | '.')
}

/// The character at `b`, just after a run, does not glue the run to a bigger token.
fn clean_after(units: &[Unit], b: usize) -> bool {
    match units.get(b).map(|u| u.ch) {
        None => true,
        Some('#' | '+') => false,
        Some('.') => !word_at(units, b + 1),
        Some(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> String {
        let mut units = Vec::new();
        let mut out = String::new();
        fold_into(s, &mut units, &mut out);
        out
    }

    #[test]
    fn symbols_survive() {
        assert_eq!(f("C#"), "c#");
        assert_eq!(f("F#"), "f#");
        assert_eq!(f("C++"), "c++");
        assert_eq!(f(".NET"), ".net");
        assert_eq!(f("Node.js"), "node.js");
        assert_eq!(f("ASP.NET"), "asp.net");
        assert_eq!(f("CI/CD"), "ci/cd");
        assert_eq!(f("TCP/IP"), "tcp/ip");
        assert_eq!(f("R&D"), "r&d");
    }

    #[test]
    fn symbols_in_context() {
        assert_eq!(f("Experience with C#, C++ and .NET."), "experience with c# c++ and .net");
        assert_eq!(f("C#/.NET developer"), "c# .net developer");
        assert_eq!(f("HTML/CSS"), "html css");
        assert_eq!(f("Java."), "java");
        assert_eq!(f("I.C.U...MVS"), "i.c.u mvs");
        assert_eq!(f("agriculture 4.0"), "agriculture 4.0");
        assert_eq!(f("E+I engineering"), "e i engineering");
        assert_eq!(f("#hashtag"), "hashtag");
        assert_eq!(f("Visual Studio .NET"), "visual studio .net");
    }

    #[test]
    fn punctuation_and_whitespace() {
        assert_eq!(f("data-analysis"), "data analysis");
        assert_eq!(f("  Project\t\nManagement  "), "project management");
        assert_eq!(f("driver's licence"), "driver s licence");
        assert_eq!(f("Python (computer programming)"), "python computer programming");
        assert_eq!(f("--- !!! ---"), "");
        assert_eq!(f(""), "");
    }

    #[test]
    fn unicode() {
        // NFKC: ligature, full-width letters, no-break space, superscript.
        assert_eq!(f("ﬁnance"), "finance");
        assert_eq!(f("ＳＱＬ"), "sql");
        assert_eq!(f("health\u{a0}care"), "health care");
        assert_eq!(f("PM²"), "pm2");
        // Decomposed and composed forms fold alike.
        assert_eq!(f("Cafe\u{301}"), f("Café"));
        assert_eq!(f("Café"), "café");
        assert_eq!(f("Ärzte‐Kammer"), "ärzte kammer");
    }

    #[test]
    fn mapped_spans_point_back_to_source() {
        let s = "Éx: C#, ﬁnance";
        let mut buf = FoldBuf::default();
        fold_mapped(s, &mut buf, true);
        assert_eq!(buf.text, " éx c# finance ");
        assert_eq!(buf.map.len(), buf.text.len());
        let c = buf.text.find("c#").unwrap_or(usize::MAX);
        let sp = buf.map[c];
        assert_eq!(&s[sp.start as usize..buf.map[c + 1].end as usize], "C#");
        let fi = buf.text.find("finance").unwrap_or(usize::MAX);
        assert_eq!(&s[buf.map[fi].start as usize..], "ﬁnance");
    }
}
