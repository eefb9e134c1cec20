//! HTML → plain text for skill extraction, on the HTML5 tokenizer of `html5ever`.
//!
//! The tokenizer does the parsing (every one of HTML5's named character references, numeric
//! references with the spec's replacements, legacy names without `;`, malformed and unclosed
//! markup exactly as a browser tokenizes it). This module only decides what each token does to
//! the text:
//!
//! * `script`, `style`, `noscript`, `template`, `iframe`, `noembed`, `noframes`, `xmp` and
//!   `textarea` content is dropped (the tokenizer is switched to the raw-text state the HTML
//!   tree builder would choose, so a `<p>` inside a script is never read as markup);
//! * comments, doctypes and processing instructions are dropped;
//! * block-level elements and `<br>` become one line break (`\n`);
//! * table cells (`td`, `th`) become a cell break (`\t`) within their row's line; other
//!   word-separating inline elements (`img`, `input`, `button`, `label`, `option`) a space;
//! * other tags vanish without separating words (`Py<b>thon</b>` is `Python`);
//! * runs of whitespace collapse to one space, breaks win over spaces, and the text is trimmed.
//!
//! [`escaped_html_to_text`] reads a field whose HTML is itself entity-escaped (Greenhouse's
//! `content`): references are decoded once to get the markup, which is then read as above.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};

/// Elements whose start and end are line breaks.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "legend",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "title",
    "tr",
    "ul",
];

/// Table cells: a cell break between the cells of one row.
const CELL: &[&str] = &["td", "th"];

/// Elements whose boundaries separate words without breaking the line.
const SPACE: &[&str] = &["img", "input", "button", "label", "option", "select"];

/// Elements whose content is not text, with the tokenizer state their content is read in
/// (`None`: ordinary markup, skipped until the matching end tag).
const DROPPED: &[(&str, Option<RawKind>)] = &[
    ("script", Some(RawKind::ScriptData)),
    ("style", Some(RawKind::Rawtext)),
    ("noscript", Some(RawKind::Rawtext)),
    ("iframe", Some(RawKind::Rawtext)),
    ("noembed", Some(RawKind::Rawtext)),
    ("noframes", Some(RawKind::Rawtext)),
    ("xmp", Some(RawKind::Rawtext)),
    ("textarea", Some(RawKind::Rcdata)),
    ("template", None),
];

/// Strips HTML into plain text (see the module docs).
pub(crate) fn html_to_text(html: &str) -> String {
    if !html.contains(['<', '&', '\0']) {
        // No markup, reference or NUL: the tokenizer would emit the characters as they are.
        let mut out = Output::with_capacity(html.len());
        out.text(html);
        return out.finish();
    }
    let sink = TextSink { state: RefCell::new(State::new(html.len(), Mode::Text)) };
    run(sink, html).sink.state.into_inner().out.finish()
}

/// Reads HTML that is itself entity-escaped (`&lt;p&gt;Python&lt;/p&gt;`): the references are
/// decoded once (any real tags in it are dropped) and the resulting markup is read by
/// [`html_to_text`].
pub(crate) fn escaped_html_to_text(escaped: &str) -> String {
    html_to_text(&unescape(escaped))
}

/// Decodes the character references of `s` as HTML text would, keeping everything else as it is
/// (whitespace included); tags, comments and doctypes are dropped.
pub(crate) fn unescape(s: &str) -> String {
    if !s.contains('&') && !s.contains('<') {
        return s.to_string();
    }
    let sink = TextSink { state: RefCell::new(State::new(s.len(), Mode::Verbatim)) };
    let state = run(sink, s).sink.state.into_inner();
    state.verbatim
}

/// Whether a description with no markup of its own carries entity-escaped markup
/// (`&lt;p&gt;`, `&lt;/li&gt;`, `&lt;br/&gt;`): read with [`escaped_html_to_text`] then.
pub(crate) fn looks_escaped(s: &str) -> bool {
    if s.contains('<') {
        return false;
    }
    s.match_indices("&lt;").any(|(at, _)| {
        let rest = s[at + 4..].trim_start_matches('/');
        let name_len = rest.bytes().take_while(u8::is_ascii_alphanumeric).count();
        name_len > 0
            && rest.as_bytes()[0].is_ascii_alphabetic()
            && rest[name_len..].trim_start_matches([' ', '/']).starts_with("&gt;")
            || rest[..name_len].eq_ignore_ascii_case("br")
    })
}

/// Elements that never have content (their start tag opens nothing).
const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

/// The deepest element nesting of a document as its tags say (start tags of non-void elements
/// open, end tags close; raw-text content is not read as markup), in one linear tokenizer pass.
/// HTML tree building costs time quadratic in this depth, so callers bound it before parsing.
pub(crate) fn nesting_depth(html: &str) -> usize {
    let tokenizer = Tokenizer::new(DepthSink::default(), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink.max.get()
}

#[derive(Default)]
struct DepthSink {
    depth: std::cell::Cell<usize>,
    max: std::cell::Cell<usize>,
}

impl TokenSink for DepthSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(tag) = token {
            let name: &str = &tag.name;
            match tag.kind {
                TagKind::StartTag if !tag.self_closing && !VOID.contains(&name) => {
                    let d = self.depth.get() + 1;
                    self.depth.set(d);
                    self.max.set(self.max.get().max(d));
                    if let Some(&(_, Some(kind))) = DROPPED.iter().find(|(n, _)| *n == name) {
                        return TokenSinkResult::RawData(kind);
                    }
                }
                TagKind::EndTag => self.depth.set(self.depth.get().saturating_sub(1)),
                TagKind::StartTag => {}
            }
        }
        TokenSinkResult::Continue
    }
}

fn run(sink: TextSink, input: &str) -> Tokenizer<TextSink> {
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(input));
    // The sink never asks to stop for a script, so one feed consumes the whole queue.
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer
}

/// What the sink builds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Collapsed text with breaks ([`html_to_text`]).
    Text,
    /// Character data exactly as decoded ([`unescape`]).
    Verbatim,
}

struct State {
    mode: Mode,
    out: Output,
    verbatim: String,
    /// The dropped element being skipped and how deeply it is nested in itself.
    skipping: Option<(&'static str, usize)>,
}

impl State {
    fn new(capacity: usize, mode: Mode) -> State {
        let (a, b) = if mode == Mode::Text { (capacity, 0) } else { (0, capacity) };
        State { mode, out: Output::with_capacity(a), verbatim: String::with_capacity(b), skipping: None }
    }
}

struct TextSink {
    state: RefCell<State>,
}

impl TokenSink for TextSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut st = self.state.borrow_mut();
        match token {
            Token::CharacterTokens(text) => {
                if st.skipping.is_none() {
                    match st.mode {
                        Mode::Text => st.out.text(&text),
                        Mode::Verbatim => st.verbatim.push_str(&text),
                    }
                }
            }
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                if let Some((skipped, depth)) = st.skipping {
                    if name == skipped {
                        match (tag.kind, depth) {
                            (TagKind::EndTag, 0) => st.skipping = None,
                            (TagKind::EndTag, d) => st.skipping = Some((skipped, d - 1)),
                            (TagKind::StartTag, d) if !tag.self_closing => st.skipping = Some((skipped, d + 1)),
                            _ => {}
                        }
                    }
                    return TokenSinkResult::Continue;
                }
                if let Some(&(dropped, raw)) = DROPPED.iter().find(|(n, _)| *n == name) {
                    if tag.kind == TagKind::StartTag && !tag.self_closing {
                        st.skipping = Some((dropped, 0));
                        st.out.effect(Effect::Space);
                        if let Some(kind) = raw {
                            return TokenSinkResult::RawData(kind);
                        }
                    }
                    return TokenSinkResult::Continue;
                }
                if name == "plaintext" && tag.kind == TagKind::StartTag {
                    st.out.effect(Effect::Newline);
                    return TokenSinkResult::Plaintext;
                }
                if st.mode == Mode::Text {
                    st.out.effect(effect_of(name, tag.kind));
                }
            }
            Token::NullCharacterToken => {}
            Token::CommentToken(_) | Token::DoctypeToken(_) | Token::EOFToken | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

/// What a piece of markup does to the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    None,
    Space,
    Cell,
    Newline,
}

fn effect_of(name: &str, kind: TagKind) -> Effect {
    if BLOCK.contains(&name) {
        Effect::Newline
    } else if CELL.contains(&name) {
        // A row's first cell starts on the row's line; the break goes between cells.
        if kind == TagKind::StartTag { Effect::Cell } else { Effect::None }
    } else if SPACE.contains(&name) {
        Effect::Space
    } else {
        Effect::None
    }
}

/// Accumulates text with whitespace collapsing.
struct Output {
    text: String,
    /// The strongest break owed before the next visible character.
    owed: Effect,
}

impl Output {
    fn with_capacity(n: usize) -> Output {
        Output { text: String::with_capacity(n), owed: Effect::None }
    }

    fn text(&mut self, s: &str) {
        for c in s.chars() {
            if c.is_whitespace() {
                self.effect(Effect::Space);
                continue;
            }
            if !self.text.is_empty() {
                match self.owed {
                    Effect::Newline => self.text.push('\n'),
                    Effect::Cell => self.text.push('\t'),
                    Effect::Space => self.text.push(' '),
                    Effect::None => {}
                }
            }
            self.owed = Effect::None;
            self.text.push(c);
        }
    }

    fn effect(&mut self, effect: Effect) {
        let rank = |e: Effect| match e {
            Effect::None => 0,
            Effect::Space => 1,
            Effect::Cell => 2,
            Effect::Newline => 3,
        };
        if rank(effect) > rank(self.owed) {
            self.owed = effect;
        }
    }

    fn finish(self) -> String {
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_tags_and_breaks_blocks() {
        let html = "<div><h2>Requirements</h2><ul><li>Python</li><li>SQL &amp; <b>C#</b></li></ul>\
                    <p>Nice<br>to have: <a href=\"x?a=1&b=2\" title='a > b'>Node.js</a></p></div>";
        assert_eq!(html_to_text(html), "Requirements\nPython\nSQL & C#\nNice\nto have: Node.js");
    }

    #[test]
    fn drops_script_style_and_comments() {
        let html = "a<script type=\"x\">var s = '<p>java</p>'; if (a < b) {}</SCRIPT>b\
                    <style>p { color: red }</style>c<!-- python -->d<!DOCTYPE html>e\
                    <template><p>rust</p><template>go</template>kotlin</template>f";
        assert_eq!(html_to_text(html), "a b cde f");
    }

    #[test]
    fn decodes_every_named_reference() {
        let html = "r&eacute;sum&eacute; &rsaquo; &Eacute;cole &copy &notit; &#x80; &#0; &bogus; &amp";
        assert_eq!(html_to_text(html), "résumé › École © ¬it; € \u{fffd} &bogus; &");
    }

    #[test]
    fn cells_rows_and_inline_tags() {
        assert_eq!(html_to_text("Py<b>thon</b>"), "Python");
        assert_eq!(
            html_to_text("<table><tr><th>Skill</th><th>Level</th></tr><tr><td>Java</td><td>SQL</td></tr></table>"),
            "Skill\tLevel\nJava\tSQL"
        );
    }

    #[test]
    fn literal_angle_brackets_and_unclosed_markup() {
        assert_eq!(html_to_text("a < b and 3<4"), "a < b and 3<4");
        assert_eq!(html_to_text("  plain\n\n text  "), "plain text");
        assert_eq!(html_to_text("<p>unterminated <b"), "unterminated");
        assert_eq!(html_to_text("<script>never closed <p>x"), "");
        assert_eq!(html_to_text(""), "");
    }

    #[test]
    fn nesting_depth_counts_open_elements() {
        assert_eq!(nesting_depth("<div><p>a<br><img src=x></p><p>b</p></div>"), 2);
        assert_eq!(nesting_depth(&"<div>".repeat(500)), 500);
        assert_eq!(nesting_depth("<script><div><div></script>"), 1, "script content is not markup");
        assert_eq!(nesting_depth("plain"), 0);
    }

    #[test]
    fn escaped_markup_is_decoded_then_read() {
        let escaped =
            "&lt;h3&gt;What you&amp;#39;ll need&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;R&amp;amp;D&lt;/li&gt;&lt;/ul&gt;";
        assert_eq!(escaped_html_to_text(escaped), "What you'll need\nR&D");
        assert!(looks_escaped(escaped));
        assert!(looks_escaped("line&lt;br&gt;break"));
        assert!(!looks_escaped("<p>&lt;div&gt; elements</p>"), "real markup is read as it is");
        assert!(!looks_escaped("x &lt; y and y &gt; z"));
        assert_eq!(unescape("a&nbsp;&lt;b&gt;\n c"), "a\u{a0}<b>\n c");
    }
}
