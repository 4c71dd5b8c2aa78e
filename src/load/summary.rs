//! Goose's metrics → our load summary: per request name the count, rate and percentiles; errors by
//! requirement id and by status (from our own counters, since Goose keeps error *messages*); every
//! threshold with its measured value and verdict. Written as `load-summary.json` (versioned), read
//! back as a previous summary (`--baseline`); rendered by `report::load`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use goose::metrics::{GooseMetrics, GooseRequestMetricTimingData};

use super::threshold::{Metric, Threshold};
pub use crate::model::load::{LoadSummary, RequestStats, ScenarioMix, ThresholdVerdict, FORMAT_VERSION};

pub const FILE_NAME: &str = "load-summary.json";

/// Our counters of the run, kept beside Goose's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counters {
    pub by_requirement: BTreeMap<String, u64>,
    pub by_status: BTreeMap<String, u64>,
    pub relogins: u64,
    pub tolerated: u64,
    pub ended_early: u64,
    pub validated: u64,
    pub validated_distinct: u64,
    /// SHOULD requirements broken under load, by id: warnings, not failed requests.
    pub warnings: BTreeMap<String, u64>,
}

/// A histogram-backed view used for live `--abort-on-fail` checks and tests.
pub fn stats_from_timing(name: &str, data: &GooseRequestMetricTimingData, failures: u64, secs: f64) -> RequestStats {
    let count = data.counter as u64;
    let ms = |p: f32| if count == 0 { 0.0 } else { data.percentile_us(p) as f64 / 1000.0 };
    RequestStats {
        name: name.to_string(),
        count,
        failures,
        error_rate_pct: if count == 0 { 0.0 } else { failures as f64 * 100.0 / count as f64 },
        rps: if secs > 0.0 { count as f64 / secs } else { 0.0 },
        avg_ms: if count == 0 { 0.0 } else { data.total_time_us as f64 / count as f64 / 1000.0 },
        p50_ms: ms(0.50),
        p90_ms: ms(0.90),
        p95_ms: ms(0.95),
        p99_ms: ms(0.99),
        max_ms: data.maximum_time_us as f64 / 1000.0,
    }
}

/// Adds `other`'s times to `into` (Goose's own merge is crate-private).
fn merge_timing(into: &mut GooseRequestMetricTimingData, other: &GooseRequestMetricTimingData) {
    for (bucket, count) in other.times_us.iter() {
        let now = into.times_us.get(bucket).copied().unwrap_or(0);
        into.times_us.insert(*bucket, now + count);
    }
    if other.counter > 0 {
        into.minimum_time_us =
            if into.counter == 0 { other.minimum_time_us } else { into.minimum_time_us.min(other.minimum_time_us) };
    }
    into.maximum_time_us = into.maximum_time_us.max(other.maximum_time_us);
    into.total_time_us += other.total_time_us;
    into.counter += other.counter;
}

/// Per request name and overall stats from Goose's metrics (names sorted; `all` separate).
pub fn request_stats(metrics: &GooseMetrics, secs: f64) -> (RequestStats, Vec<RequestStats>) {
    let mut by_name: BTreeMap<String, (GooseRequestMetricTimingData, u64)> = BTreeMap::new();
    let mut all = GooseRequestMetricTimingData::default();
    let mut all_failures = 0;
    for agg in metrics.requests.values() {
        let entry = by_name.entry(agg.path.clone()).or_default();
        merge_timing(&mut entry.0, &agg.raw_data);
        entry.1 += agg.fail_count as u64;
        merge_timing(&mut all, &agg.raw_data);
        all_failures += agg.fail_count as u64;
    }
    let requests = by_name.iter().map(|(name, (data, fails))| stats_from_timing(name, data, *fails, secs)).collect();
    (stats_from_timing("all", &all, all_failures, secs), requests)
}

/// The value a threshold measures, from the overall or one request's stats.
pub fn measure(threshold: &Threshold, total: &RequestStats, requests: &[RequestStats]) -> Option<f64> {
    let stats = match &threshold.request {
        Some(name) => requests.iter().find(|r| &r.name == name)?,
        None => total,
    };
    if stats.count == 0 {
        return None;
    }
    Some(match threshold.metric {
        Metric::Percentile(p) => percentile_of(stats, p),
        Metric::Max => stats.max_ms,
        Metric::Avg => stats.avg_ms,
        Metric::ErrorRate => stats.error_rate_pct,
        Metric::Rps => stats.rps,
    })
}

/// The summary keeps p50/p90/p95/p99; other percentiles take the nearest kept one at or above
/// (conservative for `<` gates).
fn percentile_of(stats: &RequestStats, p: f64) -> f64 {
    match p {
        p if p <= 50.0 => stats.p50_ms,
        p if p <= 90.0 => stats.p90_ms,
        p if p <= 95.0 => stats.p95_ms,
        p if p <= 99.0 => stats.p99_ms,
        _ => stats.max_ms,
    }
}

pub fn judge_all(thresholds: &[Threshold], total: &RequestStats, requests: &[RequestStats]) -> Vec<ThresholdVerdict> {
    thresholds.iter().map(|t| t.judge(measure(t, total, requests))).collect()
}

/// Why a `--baseline` file cannot be compared with (exit 2, before the run).
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read `{}`: {cause}", .path.display())]
    Unreadable { path: PathBuf, cause: std::io::Error },
    #[error("`{}` is not a load summary: {cause}", .path.display())]
    NotASummary { path: PathBuf, cause: serde_json::Error },
    /// A summary of another format version.
    #[error("`{}` has load summary format {found}, this tool reads {FORMAT_VERSION}", .path.display())]
    Version { path: PathBuf, found: u32 },
}

/// Reads a previous `load-summary.json`.
pub fn read_baseline(path: &Path) -> Result<LoadSummary, BaselineError> {
    let text =
        std::fs::read_to_string(path).map_err(|cause| BaselineError::Unreadable { path: path.to_path_buf(), cause })?;
    let summary: LoadSummary =
        serde_json::from_str(&text).map_err(|cause| BaselineError::NotASummary { path: path.to_path_buf(), cause })?;
    if summary.format_version != FORMAT_VERSION {
        return Err(BaselineError::Version { path: path.to_path_buf(), found: summary.format_version });
    }
    Ok(summary)
}
