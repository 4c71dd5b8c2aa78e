//! Source locations, and finding where a JSON pointer's value starts in a JSON text, so that a
//! semantic error (found after parsing into a `serde_json::Value`) still names `file:line:col`.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    /// 1-based; 0 when unknown.
    pub line: usize,
    /// 1-based, in characters; 0 when unknown.
    pub col: usize,
}

impl Location {
    pub fn file(file: impl Into<String>) -> Self {
        Self { file: file.into(), line: 0, col: 0 }
    }

    pub fn at(file: impl Into<String>, line: usize, col: usize) -> Self {
        Self { file: file.into(), line, col }
    }

    /// The location of the value at `pointer` in `text`, or of the file when it cannot be found.
    pub fn of_pointer(file: impl Into<String>, text: &str, pointer: &str) -> Self {
        let file = file.into();
        match locate_pointer(text, pointer) {
            Some((line, col)) => Self { file, line, col },
            None => Self::file(file),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}", self.file)
        } else {
            write!(f, "{}:{}:{}", self.file, self.line, self.col)
        }
    }
}

/// Line and column (1-based) where the value at `pointer` starts; the deepest existing ancestor's
/// value when the pointer goes further than the document.
pub fn locate_pointer(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    if pointer.is_empty() {
        return Some(line_col(text, pos));
    }
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        match bytes.get(pos)? {
            b'{' => match find_member(bytes, pos, &segment) {
                Some(p) => pos = p,
                None => break,
            },
            b'[' => {
                let index: usize = segment.parse().ok()?;
                match find_element(bytes, pos, index) {
                    Some(p) => pos = p,
                    None => break,
                }
            }
            _ => break,
        }
    }
    Some(line_col(text, pos))
}

fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let before = &text[..pos.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn skip_ws(b: &[u8], mut pos: usize) -> usize {
    while pos < b.len() && b[pos].is_ascii_whitespace() {
        pos += 1;
    }
    pos
}

/// Returns (decoded string, position after the closing quote).
fn read_string(b: &[u8], pos: usize) -> Option<(String, usize)> {
    if b.get(pos) != Some(&b'"') {
        return None;
    }
    let mut i = pos + 1;
    let start = i;
    let mut escaped = false;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                escaped = true;
                i += 2;
            }
            b'"' => {
                let raw = std::str::from_utf8(&b[start..i]).ok()?;
                let value =
                    if escaped { serde_json::from_str::<String>(&format!("\"{raw}\"")).ok()? } else { raw.to_string() };
                return Some((value, i + 1));
            }
            _ => i += 1,
        }
    }
    None
}

fn skip_value(b: &[u8], pos: usize) -> Option<usize> {
    match b.get(pos)? {
        b'"' => read_string(b, pos).map(|(_, p)| p),
        open @ (b'{' | b'[') => {
            let close = if *open == b'{' { b'}' } else { b']' };
            let mut i = skip_ws(b, pos + 1);
            if b.get(i) == Some(&close) {
                return Some(i + 1);
            }
            loop {
                if *open == b'{' {
                    let (_, p) = read_string(b, i)?;
                    i = skip_ws(b, p);
                    if b.get(i) != Some(&b':') {
                        return None;
                    }
                    i = skip_ws(b, i + 1);
                }
                i = skip_ws(b, skip_value(b, i)?);
                match b.get(i)? {
                    b',' => i = skip_ws(b, i + 1),
                    c if *c == close => return Some(i + 1),
                    _ => return None,
                }
            }
        }
        _ => {
            let mut i = pos;
            while i < b.len() && !matches!(b[i], b',' | b'}' | b']') && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            Some(i)
        }
    }
}

fn find_member(b: &[u8], pos: usize, key: &str) -> Option<usize> {
    let mut i = skip_ws(b, pos + 1);
    if b.get(i) == Some(&b'}') {
        return None;
    }
    loop {
        let (name, p) = read_string(b, i)?;
        let colon = skip_ws(b, p);
        if b.get(colon) != Some(&b':') {
            return None;
        }
        let value = skip_ws(b, colon + 1);
        if name == key {
            return Some(value);
        }
        i = skip_ws(b, skip_value(b, value)?);
        match b.get(i)? {
            b',' => i = skip_ws(b, i + 1),
            _ => return None,
        }
    }
}

fn find_element(b: &[u8], pos: usize, index: usize) -> Option<usize> {
    let mut i = skip_ws(b, pos + 1);
    if b.get(i) == Some(&b']') {
        return None;
    }
    let mut n = 0;
    loop {
        if n == index {
            return Some(i);
        }
        i = skip_ws(b, skip_value(b, i)?);
        match b.get(i)? {
            b',' => i = skip_ws(b, i + 1),
            _ => return None,
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "{\n  \"a\": {\"b/c\": [1, {\"d\": \"x\\\"y\"}, 3]},\n  \"e\": true\n}";

    #[test]
    fn finds_nested_members_and_elements() {
        assert_eq!(locate_pointer(DOC, ""), Some((1, 1)));
        assert_eq!(locate_pointer(DOC, "/a"), Some((2, 8)));
        assert_eq!(locate_pointer(DOC, "/a/b~1c/1/d"), Some((2, 26)));
        assert_eq!(locate_pointer(DOC, "/a/b~1c/2"), Some((2, 35)));
        assert_eq!(locate_pointer(DOC, "/e"), Some((3, 8)));
    }

    #[test]
    fn stops_at_the_deepest_existing_ancestor() {
        assert_eq!(locate_pointer(DOC, "/a/missing"), Some((2, 8)));
        assert_eq!(locate_pointer(DOC, "/a/b~1c/9"), Some((2, 16)));
    }
}
