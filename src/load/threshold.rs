//! Thresholds that gate a load run: `p95<300ms`, `p99<1s`, `error-rate<1%`, `rps>500`, or the same
//! for one request name (`getNewest:p95<200ms`). Goose has no declarative gate, so the grammar and
//! its evaluation live here; a parse error names the column so a CI log points at the typo.

use std::fmt;

/// What a threshold measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Metric {
    /// A response-time percentile, 0 < p < 100, in milliseconds.
    Percentile(f64),
    /// The slowest response, in milliseconds.
    Max,
    /// The mean response time, in milliseconds.
    Avg,
    /// Failed requests as a percent of all requests.
    ErrorRate,
    /// Requests per second over the run.
    Rps,
}

impl Metric {
    fn is_time(self) -> bool {
        matches!(self, Metric::Percentile(_) | Metric::Max | Metric::Avg)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Op {
    pub fn holds(self, measured: f64, limit: f64) -> bool {
        match self {
            Op::Less => measured < limit,
            Op::LessOrEqual => measured <= limit,
            Op::Greater => measured > limit,
            Op::GreaterOrEqual => measured >= limit,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Op::Less => "<",
            Op::LessOrEqual => "<=",
            Op::Greater => ">",
            Op::GreaterOrEqual => ">=",
        })
    }
}

/// One parsed threshold. Time limits are normalized to milliseconds, error rates to percent.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    /// The expression as given, for tables and reports.
    pub source: String,
    /// A request name (`getNewest`), or every request.
    pub request: Option<String>,
    pub metric: Metric,
    pub op: Op,
    pub limit: f64,
}

/// A threshold expression that does not parse: the column (1-based, in characters) and why,
/// rendered with a caret under that column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("threshold `{expression}`, column {column}: {message}\n  {expression}\n  {}^", " ".repeat(.column.saturating_sub(1)))]
pub struct ThresholdError {
    pub expression: String,
    pub column: usize,
    pub message: String,
}

const METRICS_HINT: &str = "p50, p90, p95, p99 (any pN), max, avg, error-rate, rps";

/// A cursor over the expression's characters, so errors can name a column.
struct Cursor<'a> {
    chars: Vec<char>,
    at: usize,
    source: &'a str,
}

impl Cursor<'_> {
    fn error(&self, column_index: usize, message: impl Into<String>) -> ThresholdError {
        ThresholdError { expression: self.source.to_string(), column: column_index + 1, message: message.into() }
    }

    fn skip_spaces(&mut self) {
        while self.chars.get(self.at).is_some_and(|c| c.is_whitespace()) {
            self.at += 1;
        }
    }

    fn take_while(&mut self, f: impl Fn(char) -> bool) -> String {
        let start = self.at;
        while self.chars.get(self.at).is_some_and(|c| f(*c)) {
            self.at += 1;
        }
        self.chars[start..self.at].iter().collect()
    }
}

impl std::str::FromStr for Threshold {
    type Err = ThresholdError;

    fn from_str(text: &str) -> Result<Self, ThresholdError> {
        parse(text)
    }
}

pub fn parse(text: &str) -> Result<Threshold, ThresholdError> {
    let mut c = Cursor { chars: text.chars().collect(), at: 0, source: text };
    c.skip_spaces();
    if c.at == c.chars.len() {
        return Err(c.error(0, format!("empty threshold; e.g. `p95<300ms` (metrics: {METRICS_HINT})")));
    }
    // `name:` prefix: a request name of the scenarios (no operators in it).
    let request = match c.chars.iter().position(|ch| *ch == ':') {
        Some(colon) => {
            let name: String = c.chars[c.at..colon].iter().collect::<String>().trim().to_string();
            if name.is_empty() {
                return Err(c.error(colon, "empty request name before `:`"));
            }
            if let Some(bad) = c.chars[..colon].iter().position(|ch| "<>=".contains(*ch)) {
                return Err(c.error(bad, "an operator before the `name:` prefix"));
            }
            c.at = colon + 1;
            Some(name)
        }
        None => None,
    };
    c.skip_spaces();
    let metric_at = c.at;
    let word = c.take_while(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '.');
    let metric = match word.as_str() {
        "max" => Metric::Max,
        "avg" | "mean" => Metric::Avg,
        "error-rate" | "errors" => Metric::ErrorRate,
        "rps" => Metric::Rps,
        "" => return Err(c.error(metric_at, format!("expected a metric ({METRICS_HINT})"))),
        w if w.starts_with('p') && w.len() > 1 => match w[1..].parse::<f64>() {
            Ok(p) if p > 0.0 && p < 100.0 => Metric::Percentile(p),
            Ok(_) => return Err(c.error(metric_at, "a percentile is between 0 and 100 (exclusive)")),
            Err(_) => return Err(c.error(metric_at, format!("unknown metric `{w}` ({METRICS_HINT})"))),
        },
        w => return Err(c.error(metric_at, format!("unknown metric `{w}` ({METRICS_HINT})"))),
    };
    c.skip_spaces();
    let op_at = c.at;
    let op = match (c.chars.get(c.at), c.chars.get(c.at + 1)) {
        (Some('<'), Some('=')) => Op::LessOrEqual,
        (Some('>'), Some('=')) => Op::GreaterOrEqual,
        (Some('<'), _) => Op::Less,
        (Some('>'), _) => Op::Greater,
        _ => return Err(c.error(op_at, "expected an operator: <, <=, > or >=")),
    };
    c.at += if matches!(op, Op::LessOrEqual | Op::GreaterOrEqual) { 2 } else { 1 };
    c.skip_spaces();
    let number_at = c.at;
    let number = c.take_while(|ch| ch.is_ascii_digit() || ch == '.');
    let value: f64 = number.parse().map_err(|_| c.error(number_at, "expected a number"))?;
    c.skip_spaces();
    let unit_at = c.at;
    let unit = c.take_while(|ch| !ch.is_whitespace());
    c.skip_spaces();
    if c.at < c.chars.len() {
        return Err(c.error(c.at, "unexpected text after the threshold"));
    }
    let limit = if metric.is_time() {
        match unit.as_str() {
            "us" | "µs" => value / 1000.0,
            "ms" => value,
            "s" => value * 1000.0,
            "m" => value * 60_000.0,
            "" => return Err(c.error(unit_at, "a time needs a unit: us, ms, s or m")),
            _ => return Err(c.error(unit_at, format!("unknown time unit `{unit}` (us, ms, s, m)"))),
        }
    } else if metric == Metric::ErrorRate {
        match unit.as_str() {
            "%" => value,
            "" => return Err(c.error(unit_at, "an error rate is a percent: `error-rate<1%`")),
            _ => return Err(c.error(unit_at, format!("unknown unit `{unit}` for error-rate (use %)"))),
        }
    } else {
        match unit.as_str() {
            "" | "/s" => value,
            _ => return Err(c.error(unit_at, format!("unknown unit `{unit}` for rps (none, or /s)"))),
        }
    };
    Ok(Threshold { source: text.trim().to_string(), request, metric, op, limit })
}

pub use crate::model::load::ThresholdVerdict;

impl Threshold {
    /// The verdict on a measured value (`None`: no request to measure, which fails: a gate that
    /// measured nothing must not pass silently).
    pub fn judge(&self, measured: Option<f64>) -> ThresholdVerdict {
        let measured_text = match (measured, &self.request) {
            (None, Some(name)) => format!("no requests named {name}"),
            (None, None) => "no requests".to_string(),
            (Some(v), _) => self.format_value(v),
        };
        ThresholdVerdict {
            threshold: self.source.clone(),
            measured,
            measured_text,
            limit_text: format!("{} {}", self.op, self.format_value(self.limit)),
            passed: measured.is_some_and(|v| self.op.holds(v, self.limit)),
        }
    }

    pub fn format_value(&self, v: f64) -> String {
        match self.metric {
            Metric::ErrorRate => format!("{v:.2} %"),
            Metric::Rps => format!("{v:.1} req/s"),
            _ => format!("{v:.1} ms"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let t = parse("p95<300ms").unwrap();
        assert_eq!((t.metric, t.op, t.limit, t.request.as_deref()), (Metric::Percentile(95.0), Op::Less, 300.0, None));
        assert_eq!(parse("p99<1s").unwrap().limit, 1000.0);
        let e = parse("error-rate<1%").unwrap();
        assert_eq!((e.metric, e.limit), (Metric::ErrorRate, 1.0));
        let r = parse("rps>500").unwrap();
        assert_eq!((r.metric, r.op, r.limit), (Metric::Rps, Op::Greater, 500.0));
        let n = parse("getNewest:p95<200ms").unwrap();
        assert_eq!((n.request.as_deref(), n.limit), (Some("getNewest"), 200.0));
        assert_eq!(parse(" p99.9 <= 2 s ").unwrap().metric, Metric::Percentile(99.9));
        assert_eq!(parse("max>=1500us").unwrap().limit, 1.5);
        assert_eq!(parse("p95<0ms").unwrap().limit, 0.0);
    }

    #[test]
    fn errors_name_the_column() {
        let cases = [
            ("p95<", 5, "expected a number"),
            ("p95 300ms", 5, "expected an operator"),
            ("q95<300ms", 1, "unknown metric `q95`"),
            ("p95<300", 8, "a time needs a unit"),
            ("p95<300parsecs", 8, "unknown time unit"),
            ("error-rate<1", 13, "percent"),
            ("getNewest:p100<1s", 11, "between 0 and 100"),
            (":p95<1s", 1, "empty request name"),
            ("rps>5/s x", 9, "unexpected text"),
            ("rps>5 extra", 7, "unknown unit"),
            ("", 1, "empty threshold"),
        ];
        for (text, column, message) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!(e.column, column, "{text}: {e}");
            assert!(e.message.contains(message), "{text}: {e}");
        }
        let shown = parse("p95<3x0ms").unwrap_err().to_string();
        assert!(shown.contains("column 6") && shown.ends_with("\n       ^"), "{shown}");
    }

    #[test]
    fn judging_compares_and_fails_without_data() {
        let t = parse("p95<300ms").unwrap();
        assert!(t.judge(Some(12.0)).passed);
        assert!(!t.judge(Some(300.0)).passed);
        assert!(!t.judge(None).passed);
        assert_eq!(parse("x:rps>1").unwrap().judge(None).measured_text, "no requests named x");
        assert!(parse("rps>=10").unwrap().judge(Some(10.0)).passed);
        // The limit in the measured value's unit, whatever unit the expression used.
        assert_eq!(parse("getNewest:p99<1s").unwrap().judge(Some(2.0)).limit_text, "< 1000.0 ms");
        assert_eq!(parse("error-rate<=1%").unwrap().judge(None).limit_text, "<= 1.00 %");
    }
}
