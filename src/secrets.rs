//! Secret values (passwords, and session ids learned during a case) and their masking in text a
//! report shows. Masking is by value, not by substring: a string that *is* a secret — a JSON string
//! literal, an XML element's text, a form or query value, whatever its escaping — becomes `***`,
//! so a password `p` masks `{"password":"p"}` without touching `http://`. Only secrets long enough
//! to be distinctive are also masked inside free text, in each encoding they may take there.
//!
//! A leaf module (std and serde_json only): the runner, the reports and the server's banner share it.

/// What a secret becomes.
pub const MASK: &str = "***";

/// Secrets of at least this many characters are also masked inside free text (an error message
/// quoting the password, a body cut mid-string). Shorter strings are ordinary words, field names and
/// URL fragments (`p`, `http`, `null`, `login`), so masking them everywhere would corrupt the report;
/// from six characters on a chance occurrence in report text is rare, and a short secret is still
/// masked wherever it is a value, which is where requests and answers carry it.
pub const DISTINCTIVE_CHARS: usize = 6;

/// The set of secret values; empty values are ignored (they would match everywhere).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    /// Distinct, non-empty, longest first (a secret containing another is masked whole).
    values: Vec<String>,
}

impl Secrets {
    pub fn new<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut secrets = Self::default();
        for v in values {
            secrets.add(v);
        }
        secrets
    }

    /// Adds a secret (a session id met in an answer); empty and known values change nothing.
    pub fn add(&mut self, value: impl Into<String>) {
        let value = value.into();
        if value.is_empty() || self.values.contains(&value) {
            return;
        }
        let at = self.values.iter().position(|v| v.len() < value.len()).unwrap_or(self.values.len());
        self.values.insert(at, value);
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn contains(&self, value: &str) -> bool {
        self.values.iter().any(|v| v == value)
    }

    /// `text` with every secret value masked: JSON string literals, XML text and CDATA, form and
    /// query values whose decoded value is a secret, then distinctive secrets anywhere in raw,
    /// JSON-, XML- or percent-encoded form. Works on truncated and malformed text (a lexical scan).
    pub fn redact(&self, text: &str) -> String {
        if self.values.is_empty() {
            return text.to_string();
        }
        let text = self.json_literals(text);
        let text = self.quoted_json_forms(&text);
        let text = self.xml_texts(&text);
        let text = self.cdata(&text);
        let text = self.form_values(&text);
        self.free_text(&text)
    }

    fn is_secret(&self, value: &str) -> bool {
        self.contains(value)
    }

    /// Every JSON string literal (`"…"`, escapes decoded) that is a secret becomes `"***"`. A literal
    /// left open at the end (a truncated body) is compared too.
    fn json_literals(&self, text: &str) -> String {
        let b = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut i = 0;
        while let Some(offset) = text[i..].find('"') {
            let start = i + offset;
            let mut j = start + 1;
            let mut end = None;
            while j < b.len() {
                match b[j] {
                    b'\\' => j += 2,
                    b'"' => {
                        end = Some(j);
                        break;
                    }
                    _ => j += 1,
                }
            }
            let content = &text[start + 1..end.unwrap_or(b.len())];
            if json_unescape(content).is_some_and(|v| self.is_secret(&v)) {
                out.push_str(&text[copied..start]);
                out.push('"');
                out.push_str(MASK);
                if end.is_some() {
                    out.push('"');
                }
                copied = end.map_or(b.len(), |e| e + 1);
            }
            match end {
                Some(e) => i = e + 1,
                None => break,
            }
        }
        out.push_str(&text[copied..]);
        out
    }

    /// A stray quote in malformed text shifts the pairing of the lexical scan; this finds the
    /// canonical `"escaped"` form of each secret wherever its opening quote is not itself escaped.
    fn quoted_json_forms(&self, text: &str) -> String {
        let mut text = text.to_string();
        for secret in &self.values {
            let quoted = serde_json::to_string(secret).unwrap_or_default();
            text = replace_unescaped(&text, &quoted, &format!("\"{MASK}\""));
        }
        text
    }

    /// `>text</`: element text whose unescaped value (or that value trimmed, as XML readers often
    /// trim) is a secret becomes `***`.
    fn xml_texts(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut i = 0;
        while let Some(offset) = text[i..].find('>') {
            let start = i + offset + 1;
            let Some(len) = text[start..].find('<') else { break };
            let end = start + len;
            if len > 0 && text[end..].starts_with("</") {
                let value = xml_unescape(&text[start..end]);
                if value.is_some_and(|v| self.is_secret(&v) || self.is_secret(v.trim())) {
                    out.push_str(&text[copied..start]);
                    out.push_str(MASK);
                    copied = end;
                }
            }
            i = end;
        }
        out.push_str(&text[copied..]);
        out
    }

    /// `<![CDATA[value]]>` whose value is a secret.
    fn cdata(&self, text: &str) -> String {
        const OPEN: &str = "<![CDATA[";
        const CLOSE: &str = "]]>";
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(pos) = rest.find(OPEN) {
            let start = pos + OPEN.len();
            let Some(len) = rest[start..].find(CLOSE) else { break };
            let value = &rest[start..start + len];
            out.push_str(&rest[..start]);
            out.push_str(if self.is_secret(value) || self.is_secret(value.trim()) { MASK } else { value });
            rest = &rest[start + len..];
        }
        out.push_str(rest);
        out
    }

    /// `key=value` pairs (a query string, a form body, `password=…` in a message): a value whose
    /// percent-decoded form (`+` as space) is a secret becomes `***`.
    fn form_values(&self, text: &str) -> String {
        let b = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut i = 0;
        while let Some(offset) = text[i..].find('=') {
            let eq = i + offset;
            i = eq + 1;
            let key_start = text[..eq]
                .char_indices()
                .rev()
                .find(|(_, c)| !is_form_key_char(*c))
                .map_or(0, |(p, c)| p + c.len_utf8());
            let bounded = key_start == 0
                || matches!(b[key_start - 1], b'?' | b'&' | b';' | b'\'' | b'"')
                || b[key_start - 1].is_ascii_whitespace();
            if key_start == eq || !bounded {
                continue;
            }
            let value_end = text[i..].find(is_form_value_end).map_or(text.len(), |p| i + p);
            let value = &text[i..value_end];
            if !value.is_empty()
                && (self.is_secret(value) || percent_decode(value, true).is_some_and(|v| self.is_secret(&v)))
            {
                out.push_str(&text[copied..i]);
                out.push_str(MASK);
                copied = value_end;
            }
            i = value_end.max(i);
        }
        out.push_str(&text[copied..]);
        out
    }

    /// Distinctive secrets wherever they occur, in each encoding free text may hold them in.
    fn free_text(&self, text: &str) -> String {
        let mut forms: Vec<String> =
            self.values.iter().filter(|s| s.chars().count() >= DISTINCTIVE_CHARS).flat_map(|s| encodings(s)).collect();
        if forms.is_empty() {
            return text.to_string();
        }
        forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        forms.dedup();
        forms.iter().fold(text.to_string(), |acc, form| acc.replace(form.as_str(), MASK))
    }
}

/// The raw, JSON-escaped, XML-escaped and percent-encoded forms of `secret` (several styles each).
fn encodings(secret: &str) -> Vec<String> {
    let mut forms = vec![secret.to_string()];
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json[1..json.len() - 1].to_string();
    forms.push(json.replace('/', "\\/"));
    forms.push(ascii_json(&json, false));
    forms.push(ascii_json(&json, true));
    forms.push(json);
    for style in XML_STYLES {
        forms.push(xml_escape(secret, style));
    }
    forms.push(percent_encode(secret, false, false));
    forms.push(percent_encode(secret, true, false));
    forms.push(percent_encode(secret, false, true));
    forms
}

/// `"` and `'` as each common writer spells them (`&` `<` `>` always as named entities).
const XML_STYLES: [(&str, &str); 5] =
    [("\"", "'"), ("&quot;", "&apos;"), ("&quot;", "&#39;"), ("&#34;", "&#39;"), ("&quot;", "&#x27;")];

fn xml_escape(s: &str, (quot, apos): (&str, &str)) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str(quot),
            '\'' => out.push_str(apos),
            c => out.push(c),
        }
    }
    out
}

/// JSON escaping that also writes every non-ASCII character as `\uXXXX` (as some writers do).
fn ascii_json(escaped: &str, upper: bool) -> String {
    let mut out = String::with_capacity(escaped.len());
    for c in escaped.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&if upper { format!("\\u{unit:04X}") } else { format!("\\u{unit:04x}") });
            }
        }
    }
    out
}

/// Every byte outside the URL-unreserved set as `%XX`; `form` writes a space as `+`.
fn percent_encode(s: &str, lower: bool, form: bool) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for &byte in s.as_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(char::from(byte)),
            b' ' if form => out.push('+'),
            _ if lower => out.push_str(&format!("%{byte:02x}")),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn percent_decode(s: &str, plus_is_space: bool) -> Option<String> {
    let b = s.as_bytes();
    let mut bytes = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                bytes.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' if plus_is_space => {
                bytes.push(b' ');
                i += 1;
            }
            c => {
                bytes.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(bytes).ok()
}

fn is_form_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '%' | '+' | '[' | ']')
}

fn is_form_value_end(c: char) -> bool {
    c.is_whitespace() || matches!(c, '&' | '#' | ';' | '\'' | '"' | '<' | '>')
}

/// The value of a JSON string literal's content, or `None` when an escape is invalid.
fn json_unescape(s: &str) -> Option<String> {
    if !s.contains('\\') {
        return Some(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '/' => out.push('/'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'u' => {
                let high = hex4(&mut chars)?;
                let code = if (0xD800..0xDC00).contains(&high) {
                    // A surrogate pair: `\uD83D\uDE00`.
                    if chars.next()? != '\\' || chars.next()? != 'u' {
                        return None;
                    }
                    let low = hex4(&mut chars)?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return None;
                    }
                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    high
                };
                out.push(char::from_u32(code)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

fn hex4(chars: &mut std::str::Chars<'_>) -> Option<u32> {
    let digits: String = chars.by_ref().take(4).collect();
    if digits.len() != 4 {
        return None;
    }
    u32::from_str_radix(&digits, 16).ok()
}

/// The value of XML text (predefined and numeric entities decoded), or `None` on an unknown entity.
fn xml_unescape(s: &str) -> Option<String> {
    if !s.contains('&') {
        return Some(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let semi = rest[amp..].find(';')? + amp;
        let entity = &rest[amp + 1..semi];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()?
                } else {
                    entity.strip_prefix('#')?.parse().ok()?
                };
                char::from_u32(code)?
            }
        };
        out.push(c);
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Replaces `needle` (which starts with `"`) where that quote is not escaped (an even number of
/// backslashes before it).
fn replace_unescaped(text: &str, needle: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(offset) = text[from..].find(needle) {
        let at = from + offset;
        let backslashes = text[..at].bytes().rev().take_while(|&c| c == b'\\').count();
        if backslashes % 2 == 0 {
            out.push_str(&text[copied..at]);
            out.push_str(with);
            copied = at + needle.len();
            from = copied;
        } else {
            from = at + 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(secret: &str) -> Secrets {
        Secrets::new([secret])
    }

    #[test]
    fn a_one_letter_secret_is_masked_as_a_value_and_nowhere_else() {
        let s = one("p");
        assert_eq!(s.redact(r#"{"password":"p"}"#), r#"{"password":"***"}"#);
        assert_eq!(
            s.redact(r#"{"userName":"pp","password":"p","x":"up"}"#),
            r#"{"userName":"pp","password":"***","x":"up"}"#
        );
        let untouched =
            r#"POST http://127.0.0.1:8080/citsmart/services/login {"password":"ppp","type":"p2p"} expected "pq""#;
        assert_eq!(s.redact(untouched), untouched);
        assert_eq!(s.redact("password"), "password");
        assert_eq!(s.redact("<Login><Password>p</Password></Login>"), "<Login><Password>***</Password></Login>");
        assert_eq!(s.redact("<p>paragraph</p>"), "<p>paragraph</p>");
        assert_eq!(s.redact("userName=ana&password=p"), "userName=ana&password=***");
        assert_eq!(s.redact("http://h/x?password=p&q=pp"), "http://h/x?password=***&q=pp");
        assert_eq!(s.redact("a == p"), "a == p");
    }

    #[test]
    fn json_literals_are_compared_decoded() {
        let s = Secrets::new([r#"a"b\c'd"#, "ç€😀", "x/y"]);
        assert_eq!(s.redact(r#"{"password":"a\"b\\c'd"}"#), r#"{"password":"***"}"#);
        assert_eq!(s.redact(r#"{"k":"\u00e7\u20ac\ud83d\ude00"}"#), r#"{"k":"***"}"#);
        assert_eq!(s.redact(r#"{"k":"ç€😀"}"#), r#"{"k":"***"}"#);
        assert_eq!(s.redact(r#"{"k":"x\/y"}"#), r#"{"k":"***"}"#);
        // A truncated body: the literal left open at the end is still a value.
        assert_eq!(s.redact(r#"{"password":"a\"b\\c'd"#), r#"{"password":"***"#);
        // Malformed: a stray quote shifts the pairing, the escaped form is still found.
        assert_eq!(s.redact(r#"oops" {"password":"a\"b\\c'd"}"#), r#"oops" {"password":"***"}"#);
        // Part of a longer value is not the secret (too short to be masked in free text).
        assert_eq!(s.redact(r#"{"k":"x/yz"}"#), r#"{"k":"x/yz"}"#);
    }

    #[test]
    fn xml_text_and_cdata_are_compared_unescaped() {
        let s = Secrets::new([r#"<&>"'"#, "ç"]);
        assert_eq!(s.redact("<P>&lt;&amp;&gt;&quot;&apos;</P>"), "<P>***</P>");
        assert_eq!(s.redact("<P>&#60;&#x26;&gt;\"'</P>"), "<P>***</P>");
        assert_eq!(s.redact("<P>\n  &#231;\n</P>"), "<P>***</P>");
        assert_eq!(s.redact("<P><![CDATA[ç]]></P>"), "<P><![CDATA[***]]></P>");
        assert_eq!(s.redact("<P>çç</P><Q>a ç</Q>"), "<P>çç</P><Q>a ç</Q>");
    }

    #[test]
    fn form_values_are_compared_percent_decoded() {
        let s = Secrets::new(["a b&c'd<ç", "q"]);
        assert_eq!(s.redact("user=x&password=a+b%26c%27d%3C%C3%A7"), "user=x&password=***");
        assert_eq!(s.redact("/login?password=a%20b%26c%27d%3c%c3%a7#top"), "/login?password=***#top");
        assert_eq!(s.redact("rejected password=q for ana"), "rejected password=*** for ana");
        assert_eq!(s.redact("x=qq&y=%71"), "x=qq&y=***");
    }

    #[test]
    fn distinctive_secrets_are_masked_in_free_text_in_every_encoding() {
        let secret = r#"se"cr\et'ç<&>/x"#;
        let s = one(secret);
        let json = serde_json::to_string(secret).unwrap();
        let json = &json[1..json.len() - 1];
        for form in [
            secret.to_string(),
            json.to_string(),
            json.replace('/', "\\/"),
            r#"se\"cr\\et'\u00e7<&>/x"#.to_string(),
            "se&quot;cr\\et&#39;ç&lt;&amp;&gt;/x".to_string(),
            "se&quot;cr\\et&#x27;ç&lt;&amp;&gt;/x".to_string(),
            "se%22cr%5Cet%27%C3%A7%3C%26%3E%2Fx".to_string(),
            "se%22cr%5cet%27%c3%a7%3c%26%3e%2fx".to_string(),
        ] {
            assert_eq!(
                s.redact(&format!("error: bad password {form} (ana)")),
                "error: bad password *** (ana)",
                "{form}"
            );
        }
    }

    #[test]
    fn longer_secrets_are_masked_whole_and_empty_ones_ignored() {
        let s = Secrets::new(["tecnico-demo", "demo", ""]);
        assert_eq!(
            s.redact(r#"{"userName":"tecnico","password":"tecnico-demo","x":"demo","y":"demos"}"#),
            r#"{"userName":"tecnico","password":"***","x":"***","y":"demos"}"#
        );
        assert_eq!(s.redact("login tecnico-demo failed"), "login *** failed");
        assert_eq!(Secrets::new([""; 1]).redact("anything"), "anything");
        assert!(Secrets::new(Vec::<String>::new()).is_empty());
    }

    #[test]
    fn session_ids_added_later_are_masked_too() {
        let mut s = one("pw");
        s.add("3f2c9a7e-1b4d-4c8e-9f00-0123456789ab");
        s.add("pw");
        assert!(s.contains("pw"));
        assert_eq!(
            s.redact(
                r#"{"sessionID":"3f2c9a7e-1b4d-4c8e-9f00-0123456789ab"} and 3f2c9a7e-1b4d-4c8e-9f00-0123456789ab"#
            ),
            r#"{"sessionID":"***"} and ***"#
        );
    }
}
