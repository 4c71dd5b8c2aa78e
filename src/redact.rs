//! Redaction of nondeterminism (ports) in human-facing text, so snapshots are stable; done by the
//! product itself so every output can be rendered deterministically.

/// Replaces the port of every `host:PORT` after `http://` with `[PORT]`.
pub fn ports(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("http://") {
        let (before, after) = rest.split_at(pos + "http://".len());
        out.push_str(before);
        let host_end = after.find(|c: char| c == '/' || c.is_whitespace()).unwrap_or(after.len());
        let host = &after[..host_end];
        match host.rfind(':') {
            Some(colon) if host[colon + 1..].chars().all(|c| c.is_ascii_digit()) && colon + 1 < host.len() => {
                out.push_str(&host[..colon]);
                out.push_str(":[PORT]");
            }
            _ => out.push_str(host),
        }
        rest = &after[host_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn ports_are_replaced_and_other_text_kept() {
        assert_eq!(super::ports("at http://127.0.0.1:43211/citsmart now"), "at http://127.0.0.1:[PORT]/citsmart now");
        assert_eq!(super::ports("http://[::1]:80 and http://host/x"), "http://[::1]:[PORT] and http://host/x");
    }
}
