//! Parsing HCL text, bounded. hcl-edit keeps an object literal's entries in a vector-backed map
//! whose insertion compares the new key with every key before it, so parsing an object of n
//! entries takes O(n²) (80,000 entries: about 40 s). Real configurations stay far below
//! [`MAX_OBJECT_ENTRIES`]; a file with a larger object literal is refused before parsing, after
//! one linear pass over its text.

use hcl_edit::structure::Body;

/// The most entries one object literal (`{ … }`) may have.
pub const MAX_OBJECT_ENTRIES: usize = 10_000;

/// Why a text was not parsed: the line, and the message.
pub type ParseError = (u32, String);

/// `text` as an HCL body, or the line and message of the error.
pub fn parse_body(text: &str) -> Result<Body, ParseError> {
    if let Some((line, n)) = widest_object(text) {
        return Err((
            line,
            format!("an object with more than {MAX_OBJECT_ENTRIES} entries ({n} or more): not parsed (the scan's limit)"),
        ));
    }
    hcl_edit::parser::parse_body(text).map_err(|e| {
        (
            e.location().line() as u32,
            format!("invalid HCL: {}", e.message()),
        )
    })
}

/// The first brace-delimited group with more than [`MAX_OBJECT_ENTRIES`] entries, as the line
/// it opens on and a lower bound of its entries. Entries are counted as the `=` and `:` directly
/// inside the group (outside strings, templates, heredocs and comments): an overestimate for
/// conditionals and `for` expressions, which only makes the bound safe.
fn widest_object(text: &str) -> Option<(u32, usize)> {
    let b = text.as_bytes();
    // Open groups: the line each opened on, and its entries so far.
    let mut groups: Vec<(u32, usize)> = Vec::new();
    // Inside a quoted string or a template: the depth of `${`/`%{` in it (0: in the text).
    let mut in_string: Vec<usize> = Vec::new();
    let mut line = 1u32;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            line += 1;
        }
        if let Some(depth) = in_string.last_mut() {
            match c {
                b'\\' => i += 1,
                b'"' if *depth == 0 => {
                    in_string.pop();
                }
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') && *depth == 0 => {
                    *depth = 1;
                    i += 1;
                }
                b'{' if *depth > 0 => *depth += 1,
                b'}' if *depth > 0 => *depth -= 1,
                b'"' if *depth > 0 => in_string.push(0),
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'"' => in_string.push(0),
            // Comments and heredocs: go on at the newline that ends them (it is counted then).
            b'#' => {
                i = find(b, i, b"\n").unwrap_or(b.len());
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = find(b, i, b"\n").unwrap_or(b.len());
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = find(b, i + 2, b"*/").map_or(b.len(), |e| e + 2);
                line += count_lines(&b[i..end]);
                i = end;
                continue;
            }
            b'<' if b.get(i + 1) == Some(&b'<') => {
                let (end, lines) = skip_heredoc(b, i);
                line += lines;
                i = end;
                continue;
            }
            b'{' => groups.push((line, 0)),
            b'}' => {
                groups.pop();
            }
            b'=' | b':' => {
                let next = b.get(i + 1).copied();
                let prev = i.checked_sub(1).map(|p| b[p]);
                let operator = matches!(next, Some(b'=' | b'>'))
                    || matches!(prev, Some(b'=' | b'!' | b'<' | b'>'));
                if !operator {
                    if let Some(g) = groups.last_mut() {
                        g.1 += 1;
                        if g.1 > MAX_OBJECT_ENTRIES {
                            return Some(*g);
                        }
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn count_lines(b: &[u8]) -> u32 {
    b.iter().filter(|&&c| c == b'\n').count() as u32
}

/// Past a heredoc starting at `i` (`<<EOF` or `<<-EOF`), with the lines it spans; a `<<` that
/// starts no heredoc is passed over.
fn skip_heredoc(b: &[u8], i: usize) -> (usize, u32) {
    let mut j = i + 2;
    if b.get(j) == Some(&b'-') {
        j += 1;
    }
    let start = j;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
        j += 1;
    }
    if j == start {
        return (i + 2, 0);
    }
    let marker = &b[start..j];
    // The heredoc ends at a line that is the marker alone (after optional indentation).
    let mut lines = 0;
    let mut pos = j;
    while let Some(nl) = find(b, pos, b"\n") {
        lines += 1;
        let line_start = nl + 1;
        let end = find(b, line_start, b"\n").unwrap_or(b.len());
        let content = &b[line_start..end];
        let trimmed: &[u8] = {
            let k = content
                .iter()
                .position(|c| !c.is_ascii_whitespace())
                .unwrap_or(content.len());
            &content[k..]
        };
        if trimmed.strip_suffix(b"\r").unwrap_or(trimmed) == marker {
            return (end, lines);
        }
        pos = line_start;
    }
    (b.len(), lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(n: usize) -> String {
        let mut s = String::from("locals {\n  m = {\n");
        for i in 0..n {
            s.push_str(&format!("    k{i} = \"v = x: y\" # a = b\n"));
        }
        s.push_str("  }\n}\n");
        s
    }

    #[test]
    fn objects_within_the_limit_parse() {
        assert!(parse_body(&object(MAX_OBJECT_ENTRIES)).is_ok());
        let text = "locals {\n  a = <<EOT\nx = 1\nEOT\n  b = { for k, v in var.m : k => v if v == 1 }\n  c = \"${var.x == 1 ? \"a\" : \"b\"}\"\n}\n";
        assert!(parse_body(text).is_ok());
        assert_eq!(widest_object(text), None);
    }

    #[test]
    fn a_larger_object_is_refused_at_its_line() {
        let (line, message) = parse_body(&object(200_000)).unwrap_err();
        assert_eq!(line, 2);
        assert!(
            message.starts_with("an object with more than 10000 entries"),
            "{message}"
        );
    }

    #[test]
    fn lines_are_counted_past_comments_and_heredocs() {
        let text = "# c\n/* a\nb */\nlocals {\n  h = <<EOT\nx\nEOT\n  m = {\n";
        let mut t = text.to_string();
        for i in 0..=MAX_OBJECT_ENTRIES {
            t.push_str(&format!("k{i} = 1\n"));
        }
        assert_eq!(widest_object(&t).map(|w| w.0), Some(8));
    }

    #[test]
    fn heredocs_and_comments_do_not_count() {
        let mut text = String::from("locals {\n  a = <<-EOT\n");
        for i in 0..20_000 {
            text.push_str(&format!("    k{i} = v\n"));
        }
        text.push_str("  EOT\n  /*\n");
        for i in 0..20_000 {
            text.push_str(&format!("k{i} = v\n"));
        }
        text.push_str("*/\n}\n");
        assert_eq!(widest_object(&text), None);
    }
}
