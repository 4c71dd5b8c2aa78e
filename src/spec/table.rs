//! The endpoint table (`specs/source/endpoint-table.md`) parsed as data, so tests can account for
//! every row and every name it lists.

use crate::diag::{Diagnostic, DiagnosticKind, Location};

/// The name the table gives a collection: `Coleção de (a, b)` is a key `Coleção de` plus `a`, `b`.
pub const COLLECTION: &str = "Coleção de";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub path: String,
    /// 1-based line in the table file.
    pub line: usize,
    pub parameters: Vec<String>,
    pub returns: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointTable {
    pub rows: Vec<TableRow>,
}

impl EndpointTable {
    pub fn parse(file: &str, text: &str) -> Result<Self, Diagnostic> {
        let mut rows = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if !trimmed.starts_with("| /") {
                continue;
            }
            let cells: Vec<&str> = trimmed.trim_matches('|').split('|').map(str::trim).collect();
            if cells.len() < 3 {
                return Err(Diagnostic::new(
                    DiagnosticKind::Syntax,
                    Location::at(file, index + 1, 1),
                    format!("table row has {} cells, expected URL, parameters, returns", cells.len()),
                ));
            }
            rows.push(TableRow {
                path: cells[0].to_string(),
                line: index + 1,
                parameters: names(cells[1]),
                returns: names(cells[2]),
            });
        }
        if rows.is_empty() {
            return Err(Diagnostic::new(
                DiagnosticKind::Missing,
                Location::file(file),
                "no endpoint rows (`| /path | … |`) found",
            ));
        }
        Ok(Self { rows })
    }

    pub fn row(&self, path: &str) -> Option<&TableRow> {
        self.rows.iter().find(|r| r.path == path)
    }
}

/// Splits one cell into the keys a spec's `table` mapping must have (see specs/README.md).
fn names(cell: &str) -> Vec<String> {
    if is_numbered(cell) {
        return numbered_names(cell);
    }
    let (rest, inner) = match (cell.find(COLLECTION), cell.find(')')) {
        (Some(start), Some(end)) if end > start => {
            let open = cell[start..].find('(').map(|i| start + i + 1).unwrap_or(end);
            let rest = format!("{}{}{}", &cell[..start], COLLECTION, &cell[end + 1..]);
            (rest, Some(&cell[open..end]))
        }
        _ => (cell.to_string(), None),
    };
    let mut out: Vec<String> = Vec::new();
    for name in rest.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let mut key = name.to_string();
        let mut n = 2;
        while out.contains(&key) {
            key = format!("{name}#{n}");
            n += 1;
        }
        out.push(key);
    }
    if let Some(inner) = inner {
        out.extend(inner.split(',').map(str::trim).filter(|n| !n.is_empty()).map(String::from));
    }
    out
}

fn is_numbered(cell: &str) -> bool {
    cell.starts_with("1.")
}

/// `1. sessionID2. messageID4. sourceRequest:4.1 numberOrigin4.5 contact:4.5.1 name` →
/// `sessionID`, `messageID`, `sourceRequest`, `sourceRequest.numberOrigin`, `sourceRequest.contact`,
/// `sourceRequest.contact.name`.
fn numbered_names(cell: &str) -> Vec<String> {
    let bytes = cell.as_bytes();
    let mut out = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // A number like `4.5.1` or `2.`, then spaces, then a name.
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let depth = cell[start..i].trim_end_matches('.').matches('.').count();
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        if i == name_start {
            continue;
        }
        stack.truncate(depth);
        stack.push(cell[name_start..i].to_string());
        out.push(stack.join("."));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_plain_and_collection_cells() {
        assert_eq!(names("sessionID, messageID, taskId"), ["sessionID", "messageID", "taskId"]);
        assert_eq!(
            names("amount, Coleção de (number, taskId), dateTime"),
            ["amount", "Coleção de", "dateTime", "number", "taskId"]
        );
        assert_eq!(names("a, dateTime, dateTime, b"), ["a", "dateTime", "dateTime#2", "b"]);
        assert_eq!(names("Request,dateTime"), ["Request", "dateTime"]);
    }

    #[test]
    fn numbered_cells_become_dotted_paths() {
        let cell = "1. sessionID2. messageID3. synchronize4. sourceRequest:4.1 numberOrigin4.5 contact:4.5.1 name4.6 contractID:4.7 service:4.7.3 category:4.7.3.1 code4.8 urgency";
        assert_eq!(
            names(cell),
            [
                "sessionID",
                "messageID",
                "synchronize",
                "sourceRequest",
                "sourceRequest.numberOrigin",
                "sourceRequest.contact",
                "sourceRequest.contact.name",
                "sourceRequest.contractID",
                "sourceRequest.service",
                "sourceRequest.service.category",
                "sourceRequest.service.category.code",
                "sourceRequest.urgency",
            ]
        );
    }
}
