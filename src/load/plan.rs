//! Flags → a LoadPlan, validated once (bad input is exit 2 before anything is sent).

use std::path::PathBuf;
use std::time::Duration;

use super::scenario::{self, LoadScenario};
use super::threshold::{self, Threshold};
use crate::spec::Spec;

/// Thresholds used when none is given: what the embedded reference meets with margin on a shared
/// 2-core machine, so a default run gates on something real without being flaky.
pub const DEFAULT_THRESHOLDS: [&str; 2] = ["error-rate<1%", "p95<500ms"];
/// A run is always bounded: this run time when neither --run-time nor --iterations is given.
pub const DEFAULT_RUN_TIME: Duration = Duration::from_secs(15);
/// The default mix: mostly field technicians, as in the mobile app's use.
pub const DEFAULT_MIX: [(&str, usize); 4] = [("technician", 4), ("approver", 1), ("requester", 1), ("coordinator", 1)];

#[derive(Debug, Clone)]
pub struct LoadPlan {
    pub scenarios: Vec<(LoadScenario, usize)>,
    pub users: usize,
    /// Users started per second.
    pub increase_rate: f64,
    /// Stop after this long (None with --iterations).
    pub run_time: Option<Duration>,
    /// Loop iterations per user.
    pub iterations: Option<usize>,
    pub think_time: Duration,
    pub thresholds: Vec<Threshold>,
    pub abort_on_fail: bool,
    pub validate_sample: f64,
    pub baseline: Option<PathBuf>,
    pub out: PathBuf,
}

impl LoadPlan {
    /// The flags that shaped the load, for the record of its report (`--users 10`,
    /// `--scenario technician:4` …).
    pub fn selection(&self) -> Vec<String> {
        let mut out = vec![format!("--users {}", self.users)];
        out.extend(self.scenarios.iter().map(|(s, weight)| format!("--scenario {}:{weight}", s.name)));
        out.extend(self.run_time.map(|d| format!("--run-time {d:?}")));
        out.extend(self.iterations.map(|n| format!("--iterations {n}")));
        out.push(format!("--validate-sample {}", self.validate_sample));
        out
    }
}

/// A `--scenario NAME:WEIGHT` whose weight is not a positive whole number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MixError {
    /// Digits that do not make a number of this machine (too many).
    #[error("`{weight}` is not a weight (1, 2, 3 …)")]
    NotAWeight { weight: String },
    #[error("the weight of `{name}` must be at least 1")]
    ZeroWeight { name: String },
}

/// `NAME` or `NAME:WEIGHT` (a path may contain `:` only as a Windows drive, which we do not split).
pub fn parse_mix(text: &str) -> Result<(String, usize), MixError> {
    match text.rsplit_once(':') {
        Some((name, weight)) if !name.is_empty() && weight.chars().all(|c| c.is_ascii_digit()) => {
            let w: usize = weight.parse().map_err(|_| MixError::NotAWeight { weight: weight.to_string() })?;
            if w == 0 {
                return Err(MixError::ZeroWeight { name: name.to_string() });
            }
            Ok((name.to_string(), w))
        }
        _ => Ok((text.to_string(), 1)),
    }
}

/// Raw flag values, as clap hands them over.
#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    pub scenarios: Vec<(String, usize)>,
    pub users: usize,
    pub increase_rate: Option<f64>,
    pub run_time: Option<Duration>,
    pub iterations: Option<usize>,
    pub think_time: Duration,
    pub thresholds: Vec<String>,
    pub abort_on_fail: bool,
    pub validate_sample: f64,
    pub baseline: Option<PathBuf>,
    pub out: PathBuf,
}

/// Why a plan cannot run (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A threshold that does not parse, or gates a request no scenario sends.
    #[error("{0}")]
    Threshold(threshold::ThresholdError),
    /// A scenario that cannot be read or is not a load scenario, with `file:line:col`.
    #[error("{0}")]
    Scenario(crate::diag::Diagnostics),
    #[error("--users must be at least 1")]
    NoUsers,
    #[error("--validate-sample {0} is not a fraction between 0 and 1")]
    ValidateSample(f64),
    #[error("--iterations must be at least 1")]
    NoIterations,
    #[error("--increase-rate must be more than 0")]
    IncreaseRate,
}

pub fn build(input: PlanInput, spec: &Spec) -> Result<LoadPlan, PlanError> {
    if input.users == 0 {
        return Err(PlanError::NoUsers);
    }
    if !(0.0..=1.0).contains(&input.validate_sample) {
        return Err(PlanError::ValidateSample(input.validate_sample));
    }
    if input.iterations == Some(0) {
        return Err(PlanError::NoIterations);
    }
    let mix: Vec<(String, usize)> = if input.scenarios.is_empty() {
        DEFAULT_MIX.iter().map(|(n, w)| (n.to_string(), *w)).collect()
    } else {
        input.scenarios
    };
    let mut scenarios = Vec::new();
    for (name, weight) in mix {
        scenarios.push((scenario::load(&name, spec).map_err(PlanError::Scenario)?, weight));
    }
    let texts: Vec<String> = if input.thresholds.is_empty() {
        DEFAULT_THRESHOLDS.iter().map(|t| t.to_string()).collect()
    } else {
        input.thresholds
    };
    let mut thresholds = Vec::new();
    for text in &texts {
        let t = threshold::parse(text).map_err(PlanError::Threshold)?;
        if let Some(name) = &t.request {
            // A gate on a request no scenario sends would measure nothing: say so now.
            if !scenarios.iter().any(|(s, _)| s.request_names().any(|n| n == name)) {
                let mut known: Vec<&str> = scenarios.iter().flat_map(|(s, _)| s.request_names()).collect();
                known.sort_unstable();
                known.dedup();
                return Err(PlanError::Threshold(threshold::ThresholdError {
                    expression: text.clone(),
                    column: 1,
                    message: format!("no scenario sends a request named `{name}` (names: {})", known.join(", ")),
                }));
            }
        }
        thresholds.push(t);
    }
    // Default: every user within about a second, so a short run measures the steady state.
    let increase_rate = input.increase_rate.unwrap_or(input.users as f64);
    if increase_rate <= 0.0 {
        return Err(PlanError::IncreaseRate);
    }
    let run_time = match (input.run_time, input.iterations) {
        (Some(d), _) => Some(d),
        (None, Some(_)) => None,
        (None, None) => Some(DEFAULT_RUN_TIME),
    };
    Ok(LoadPlan {
        scenarios,
        users: input.users,
        increase_rate,
        run_time,
        iterations: input.iterations,
        think_time: input.think_time,
        thresholds,
        abort_on_fail: input.abort_on_fail,
        validate_sample: input.validate_sample,
        baseline: input.baseline,
        out: input.out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> std::sync::Arc<crate::spec::Spec> {
        crate::schema::load_checked(&crate::spec::SpecFiles::embedded()).unwrap().0.spec().clone()
    }

    #[test]
    fn mix_weights_parse() {
        assert_eq!(parse_mix("technician:3").unwrap(), ("technician".into(), 3));
        assert_eq!(parse_mix("approver").unwrap(), ("approver".into(), 1));
        assert_eq!(parse_mix("approver:0"), Err(MixError::ZeroWeight { name: "approver".into() }));
        let huge = parse_mix("a:99999999999999999999999").unwrap_err();
        assert_eq!(huge.to_string(), "`99999999999999999999999` is not a weight (1, 2, 3 …)");
    }

    #[test]
    fn defaults_are_bounded_and_gated() {
        let input = PlanInput { users: 2, validate_sample: 1.0, ..Default::default() };
        let plan = build(input, &spec()).unwrap();
        assert_eq!(plan.run_time, Some(DEFAULT_RUN_TIME));
        assert_eq!(plan.thresholds.len(), DEFAULT_THRESHOLDS.len());
        assert_eq!(plan.scenarios.len(), 4);
        let input = PlanInput { users: 2, validate_sample: 1.0, iterations: Some(3), ..Default::default() };
        assert_eq!(build(input, &spec()).unwrap().run_time, None);
    }

    #[test]
    fn unknown_request_names_in_thresholds_are_rejected() {
        let input = PlanInput {
            users: 1,
            validate_sample: 1.0,
            scenarios: vec![("technician".into(), 1)],
            thresholds: vec!["getNewst:p95<1s".into()],
            ..Default::default()
        };
        let Err(PlanError::Threshold(e)) = build(input, &spec()) else { panic!("accepted") };
        assert!(e.message.contains("getNewest"), "{e}");
    }

    #[test]
    fn bad_flags_name_themselves() {
        let spec = spec();
        let cases = [
            (PlanInput { users: 0, validate_sample: 1.0, ..Default::default() }, "--users must be at least 1"),
            (
                PlanInput { users: 1, validate_sample: 2.0, ..Default::default() },
                "--validate-sample 2 is not a fraction between 0 and 1",
            ),
            (
                PlanInput { users: 1, validate_sample: 1.0, iterations: Some(0), ..Default::default() },
                "--iterations must be at least 1",
            ),
            (
                PlanInput { users: 1, validate_sample: 1.0, increase_rate: Some(0.0), ..Default::default() },
                "--increase-rate must be more than 0",
            ),
        ];
        for (input, message) in cases {
            assert_eq!(build(input, &spec).unwrap_err().to_string(), message);
        }
    }
}
