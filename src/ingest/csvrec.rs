//! A small, strict CSV record reader that isolates broken records.
//!
//! The `csv` crate is lenient with quotes: one unterminated quote swallows every following
//! row into one field. Rosters and claims need "a bad row is rejected, the rest are read", so
//! this reader works on raw bytes, reports each record with its 1-based starting line, and
//! turns quoting errors and invalid UTF-8 into a per-record error instead of a lost file.
//!
//! * In `single_line` mode a record never spans lines: an open quote at the end of a line is
//!   an error for that line only (rosters, claims).
//! * Otherwise quoted fields may contain line breaks (RFC 4180: roster locations, posting
//!   descriptions). A quote that is never closed before the end of the file is taken as a broken
//!   quote on the line where its record starts: that line is rejected and reading resumes on the
//!   next line, so one stray quote loses one row, not the rest of the file.
//!
//! Quoting follows RFC 4180: a field that starts with `"` is quoted, `""` inside is a quote;
//! after the closing quote only `,` or the end of the line may follow. A `"` inside an
//! unquoted field is an error. Blank lines are skipped. Field values are trimmed.

/// One record: its starting line and either its fields or why it could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawRecord {
    /// 1-based line where the record starts.
    pub line: usize,
    /// The trimmed fields, or the reason the record is broken.
    pub fields: Result<Vec<String>, String>,
}

impl RawRecord {
    /// The record's position for rejects: `line N`.
    pub(crate) fn position(&self) -> String {
        format!("line {}", self.line)
    }

    /// The fields of a record that must have exactly `width` columns, or why it cannot be used.
    pub(crate) fn into_row(self, width: usize) -> Result<Vec<String>, String> {
        match self.fields {
            Ok(f) if f.len() == width => Ok(f),
            Ok(f) => Err(format!("expected {width} columns, found {}", f.len())),
            Err(e) => Err(e),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    FieldStart,
    Unquoted,
    Quoted,
    AfterQuote,
}

/// One byte of a record other than a line break: the next state (the byte added to the
/// current field, or the field pushed to `fields`), or the error that ends the record.
fn step(state: State, b: u8, fields: &mut Vec<Vec<u8>>, cur: &mut Vec<u8>) -> Result<State, String> {
    let next = match (state, b) {
        (State::FieldStart, b'"') => State::Quoted,
        (State::FieldStart | State::Unquoted | State::AfterQuote, b',') => {
            fields.push(std::mem::take(cur));
            State::FieldStart
        }
        (State::FieldStart | State::Unquoted, _) if b != b'"' => {
            cur.push(b);
            State::Unquoted
        }
        (State::Unquoted, _) => return Err(format!("stray quote inside unquoted field {}", fields.len() + 1)),
        (State::Quoted, b'"') => State::AfterQuote,
        (State::Quoted, _) => {
            cur.push(b);
            State::Quoted
        }
        (State::AfterQuote, b'"') => {
            cur.push(b'"');
            State::Quoted
        }
        (State::AfterQuote, b'\r' | b' ' | b'\t') => State::AfterQuote,
        _ => return Err(format!("unexpected text after closing quote in field {}", fields.len() + 1)),
    };
    Ok(next)
}

/// Splits `bytes` (a whole file) into records. A leading UTF-8 BOM is skipped.
pub(crate) fn records(bytes: &[u8], single_line: bool) -> Vec<RawRecord> {
    let (body, skip) = super::files::strip_bom(bytes);
    let mut out = Vec::new();
    let mut i = 0usize;
    let mut line = 1usize;
    while i < body.len() {
        let start = i;
        let start_line = line;
        let mut fields: Vec<Vec<u8>> = Vec::new();
        let mut cur: Vec<u8> = Vec::new();
        let mut state = State::FieldStart;
        let mut error: Option<String> = None;
        let mut ended_on_newline = false;
        // End of the record's first line, when a quoted field ran past it.
        let mut first_break: Option<usize> = None;
        // Scan one record.
        loop {
            let Some(&b) = body.get(i) else {
                if state == State::Quoted {
                    error = Some("unterminated quoted field (broken quote)".into());
                    if let Some(p) = first_break {
                        // Resume on the line after the one the record started on.
                        i = p + 1;
                        line = start_line + 1;
                        ended_on_newline = true;
                    }
                }
                break;
            };
            i += 1;
            if b == b'\n' {
                line += 1;
                if state == State::Quoted && !single_line {
                    first_break.get_or_insert(i - 1);
                    cur.push(b);
                    continue;
                }
                if state == State::Quoted {
                    error = Some("unterminated quoted field (broken quote)".into());
                }
                ended_on_newline = true;
                break;
            }
            match step(state, b, &mut fields, &mut cur) {
                Ok(next) => state = next,
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        if error.is_some() && !ended_on_newline {
            // Resynchronise at the next line break.
            while let Some(&b) = body.get(i) {
                i += 1;
                if b == b'\n' {
                    line += 1;
                    break;
                }
            }
        }
        let end = i.min(body.len());
        let span = &body[start..end];
        if error.is_none() && span.iter().all(|b| b.is_ascii_whitespace()) {
            continue; // blank line
        }
        fields.push(cur);
        let result = match error {
            Some(e) => Err(e),
            None => match super::files::utf8(span) {
                Err(at) => Err(format!("invalid UTF-8 at byte {}", skip + start + at)),
                Ok(_) => Ok(fields.into_iter().map(|f| String::from_utf8_lossy(&f).trim().to_string()).collect()),
            },
        };
        out.push(RawRecord { line: start_line, fields: result });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(r: &RawRecord) -> Vec<&str> {
        r.fields.as_ref().map(|f| f.iter().map(String::as_str).collect()).unwrap_or_default()
    }

    #[test]
    fn quoting_and_isolation() {
        let input = b"a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",z\n\nbad,\"open,c\nnext,row,ok\nq\"uote,b,c\n\"a\"x,b,c\n";
        let recs = records(input, true);
        assert_eq!(recs.len(), 6, "{recs:?}");
        assert_eq!(ok(&recs[0]), ["a", "b", "c"]);
        assert_eq!(ok(&recs[1]), ["x, y", "say \"hi\"", "z"]);
        assert_eq!(recs[2].line, 4);
        assert!(recs[2].fields.as_ref().is_err_and(|e| e.contains("unterminated")));
        assert_eq!(recs[3].line, 5);
        assert_eq!(ok(&recs[3]), ["next", "row", "ok"]);
        assert!(recs[4].fields.as_ref().is_err_and(|e| e.contains("stray quote")));
        assert!(recs[5].fields.as_ref().is_err_and(|e| e.contains("after closing quote")));
    }

    #[test]
    fn multiline_fields_and_invalid_utf8() {
        let input = b"id,text\n1,\"two\nlines\"\n2,b\xFFd\n3,fine";
        let recs = records(input, false);
        assert_eq!(recs.len(), 4);
        assert_eq!(ok(&recs[1]), ["1", "two\nlines"]);
        assert_eq!(recs[2].line, 4);
        assert_eq!(recs[2].fields, Err("invalid UTF-8 at byte 25".to_string()));
        assert_eq!(recs[3].line, 5);
        assert_eq!(ok(&recs[3]), ["3", "fine"]);
    }

    #[test]
    fn an_unclosed_quote_in_multiline_mode_loses_only_its_own_line() {
        // An unclosed quote at the very end of the file is a broken quote on its own line.
        let recs = records(b"id,loc\n1,\"Paris\n2,Rome\n3,Oslo\n", false);
        assert_eq!(recs.len(), 4, "{recs:?}");
        assert_eq!(recs[1].line, 2);
        assert!(recs[1].fields.as_ref().is_err_and(|e| e.contains("broken quote")));
        assert_eq!((recs[2].line, ok(&recs[2])), (3, vec!["2", "Rome"]));
        assert_eq!((recs[3].line, ok(&recs[3])), (4, vec!["3", "Oslo"]));
    }

    #[test]
    fn bom_is_skipped() {
        let recs = records(b"\xEF\xBB\xBFa,b\n", true);
        assert_eq!(ok(&recs[0]), ["a", "b"]);
    }
}
