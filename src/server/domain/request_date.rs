//! A date as a mobile client sent it: epoch milliseconds or a date text (D-DATES-IN), kept as sent.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestDate {
    Millis(i64),
    Text(String),
}
