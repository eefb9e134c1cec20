//! HTML → plain text for skill extraction.
//!
//! A small tolerant scanner, not a full HTML parser: tags are dropped, `script`/`style`/
//! `noscript`/`template` content is dropped, comments and `<!…>`/`<?…>` declarations are dropped,
//! block-level elements and `<br>` become line breaks, table cells become spaces, character
//! references are decoded. Runs of whitespace collapse to one space; runs of line breaks to one.

/// Elements whose start and end are line breaks.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
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
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "tfoot",
    "thead",
    "title",
    "tr",
    "ul",
];

/// Elements whose boundaries separate words without breaking the line.
const CELL: &[&str] = &["td", "th", "option", "img", "input", "button", "label"];

/// Elements whose content is not text.
const RAW: &[&str] = &["script", "style", "noscript", "template"];

/// Strips HTML into plain text (see the module docs).
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = Output::with_capacity(html.len());
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => match parse_markup(html, i) {
                Some(markup) => {
                    out.markup(markup.effect);
                    i = markup.end;
                }
                None => {
                    out.text('<');
                    i += 1;
                }
            },
            b'&' => {
                let (decoded, len) = decode_entity(&html[i..]);
                match decoded {
                    Some(c) => out.text(c),
                    None => out.text('&'),
                }
                i += len;
            }
            _ => {
                // Copy a run of ordinary text; `<` and `&` are ASCII, so this splits on char
                // boundaries.
                let end = bytes[i..].iter().position(|&b| b == b'<' || b == b'&').map_or(bytes.len(), |p| i + p);
                for c in html[i..end].chars() {
                    out.text(c);
                }
                i = end;
            }
        }
    }
    out.finish()
}

/// What a piece of markup does to the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    None,
    Space,
    Newline,
}

/// A tag, comment or declaration ending at byte `end` (exclusive).
struct Markup {
    effect: Effect,
    end: usize,
}

/// Parses markup starting at `html[start] == '<'`; `None` when it is a literal `<`.
fn parse_markup(html: &str, start: usize) -> Option<Markup> {
    let rest = &html[start..];
    if let Some(comment) = rest.strip_prefix("<!--") {
        let end = comment.find("-->").map_or(html.len(), |p| start + 4 + p + 3);
        return Some(Markup { effect: Effect::None, end });
    }
    let next = *rest.as_bytes().get(1)?;
    if next == b'!' || next == b'?' {
        let end = rest.find('>').map_or(html.len(), |p| start + p + 1);
        return Some(Markup { effect: Effect::None, end });
    }
    let closing = next == b'/';
    let name_start = start + 1 + usize::from(closing);
    let name_len = html.as_bytes()[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
    if name_len == 0 || !html.as_bytes()[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name = &html[name_start..name_start + name_len];
    let tag_end = find_tag_end(html, name_start + name_len);
    let self_closing = html[..tag_end].ends_with("/>");
    if !closing && !self_closing && is_one_of(name, RAW) {
        return Some(Markup { effect: Effect::Space, end: skip_raw_content(html, tag_end, name) });
    }
    Some(Markup { effect: effect_of(name), end: tag_end })
}

/// The byte after the `>` closing a tag whose attributes start at `from` (quotes respected).
fn find_tag_end(html: &str, from: usize) -> usize {
    let mut quote: Option<u8> = None;
    for (i, &b) in html.as_bytes()[from..].iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return from + i + 1,
            _ => {}
        }
    }
    html.len()
}

/// The byte after the end tag `</name …>` (case-insensitive) that closes raw content starting at
/// `from`, or the end of the input.
fn skip_raw_content(html: &str, from: usize, name: &str) -> usize {
    let bytes = html.as_bytes();
    let mut i = from;
    while let Some(p) = bytes[i..].iter().position(|&b| b == b'<') {
        let at = i + p;
        let tail = &bytes[at..];
        if tail.len() >= 2 + name.len()
            && tail[1] == b'/'
            && tail[2..2 + name.len()].eq_ignore_ascii_case(name.as_bytes())
            && !tail.get(2 + name.len()).is_some_and(u8::is_ascii_alphanumeric)
        {
            return find_tag_end(html, at + 2 + name.len());
        }
        i = at + 1;
    }
    html.len()
}

fn is_one_of(name: &str, names: &[&str]) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(name))
}

fn effect_of(name: &str) -> Effect {
    if is_one_of(name, BLOCK) {
        Effect::Newline
    } else if is_one_of(name, CELL) {
        Effect::Space
    } else {
        Effect::None
    }
}

/// Decodes a character reference at the start of `s` (`s` starts with `&`): the character (if
/// recognized) and the number of bytes consumed (1 when not recognized).
fn decode_entity(s: &str) -> (Option<char>, usize) {
    let body_len = s.as_bytes()[1..].iter().take(32).take_while(|b| b.is_ascii_alphanumeric() || **b == b'#').count();
    if s.as_bytes().get(1 + body_len) != Some(&b';') {
        return (None, 1);
    }
    let body = &s[1..1 + body_len];
    let decoded = match body.strip_prefix('#') {
        Some(num) => decode_numeric(num),
        None => named_entity(body),
    };
    match decoded {
        Some(c) => (Some(c), body_len + 2),
        None => (None, 1),
    }
}

/// `#123;` / `#x7B;` (without the `#`); invalid code points become U+FFFD.
fn decode_numeric(num: &str) -> Option<char> {
    let value = match num.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => num.parse::<u32>().ok()?,
    };
    Some(match value {
        0 => '\u{fffd}',
        v => char::from_u32(v).unwrap_or('\u{fffd}'),
    })
}

fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "bull" => '•',
        "middot" => '·',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "times" => '×',
        "shy" => '\u{ad}',
        _ => return None,
    })
}

/// Accumulates text with whitespace collapsing.
struct Output {
    text: String,
    /// A space is owed before the next visible character.
    space: bool,
    /// A line break is owed before the next visible character.
    newline: bool,
}

impl Output {
    fn with_capacity(n: usize) -> Output {
        Output { text: String::with_capacity(n), space: false, newline: false }
    }

    fn text(&mut self, c: char) {
        if c.is_whitespace() {
            self.space = true;
            return;
        }
        if !self.text.is_empty() {
            if self.newline {
                self.text.push('\n');
            } else if self.space {
                self.text.push(' ');
            }
        }
        self.space = false;
        self.newline = false;
        self.text.push(c);
    }

    fn markup(&mut self, effect: Effect) {
        match effect {
            Effect::None => {}
            Effect::Space => self.space = true,
            Effect::Newline => self.newline = true,
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
                    <style>p { color: red }</style>c<!-- python -->d<!DOCTYPE html>e";
        assert_eq!(html_to_text(html), "a b cde");
    }

    #[test]
    fn decodes_entities() {
        let html = "&lt;b&gt; &quot;x&quot; &#39;y&#39; a&nbsp;b &#x43;&#35; &#8211; &bogus; & &amp";
        assert_eq!(html_to_text(html), "<b> \"x\" 'y' a b C# – &bogus; & &amp");
    }

    #[test]
    fn inline_tags_do_not_split_words_but_cells_do() {
        assert_eq!(html_to_text("Py<b>thon</b>"), "Python");
        assert_eq!(html_to_text("<tr><td>Java</td><td>SQL</td></tr>"), "Java SQL");
    }

    #[test]
    fn literal_angle_brackets_and_plain_text() {
        assert_eq!(html_to_text("a < b and 3<4"), "a < b and 3<4");
        assert_eq!(html_to_text("  plain\n\n text  "), "plain text");
        assert_eq!(html_to_text("<p>unterminated <b"), "unterminated");
        assert_eq!(html_to_text(""), "");
    }
}
