//! Requirement coverage as every format words it: the coverage lines PASS rests on, the MUST
//! requirements left unchecked (each with why), and those the run did not set out to check,
//! grouped by why. Worded once here so the formats cannot disagree.

use super::labels;
use crate::model::{Coverage, LevelCoverage, RequirementVerdict, RunReport, Unchecked};
use crate::spec::Level;

/// Whether the report has requirement coverage to show: a load run gates on thresholds and
/// certifies none (its coverage is all zeros, which would read as "nothing verified").
pub fn shown(report: &RunReport) -> bool {
    report.load.is_none()
}

/// `MUST requirements verified 3/4, failed 0, not checked 1; 2 not applicable, 5 out of scope`:
/// M counts the applicable requirements in scope; the tail only when non-zero.
pub fn level_line(level: Level, c: &LevelCoverage) -> String {
    let mut line = format!(
        "{level} requirements verified {}/{}, failed {}, not checked {}",
        c.verified,
        c.in_scope(),
        c.failed,
        c.not_checked
    );
    let tail: Vec<String> = [(c.not_applicable, "not applicable"), (c.out_of_scope, "out of scope")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    if !tail.is_empty() {
        line.push_str("; ");
        line.push_str(&tail.join(", "));
    }
    line
}

/// The MUST line, then the SHOULD line.
pub fn lines(report: &RunReport) -> [String; 2] {
    let c = &report.requirement_coverage;
    [level_line(Level::Must, &c.must), level_line(Level::Should, &c.should)]
}

/// How many unchecked MUST requirements the terminal and Markdown list (then `… and N more`); the
/// HTML and JUnit reports list every one.
pub const LISTED_UNCHECKED: usize = 10;

/// The in-scope MUST requirements no check reached: what keeps a run from PASS.
pub fn unchecked_musts(report: &RunReport) -> Vec<&RequirementVerdict> {
    report.requirements.iter().filter(|r| r.level == Level::Must && r.coverage == Coverage::NotChecked).collect()
}

/// `MV-ITEM-001: the target lacked the data — technician/newest-first step 2: the list was empty`.
pub fn unchecked_line(r: &RequirementVerdict) -> String {
    let why = r.why.map_or("not checked", labels::why);
    match &r.detail {
        Some(detail) => format!("{}: {why} — {detail}", r.id),
        None => format!("{}: {why}", r.id),
    }
}

/// Requirements the run did not set out to check, or that did not apply, grouped by why.
pub struct Unscoped<'a> {
    /// Serializes as the `Unchecked` kind (`slow_tier`): a stable anchor and CSS hook.
    pub why: Unchecked,
    /// `left out by the selection`.
    pub title: &'static str,
    /// What brings them into scope, when something can.
    pub hint: &'static str,
    pub requirements: Vec<&'a RequirementVerdict>,
}

/// The groups in a fixed order (selection, slow tier, vendor input, accounts, not applicable), empty ones
/// left out. MUST and SHOULD only, the levels the coverage lines count.
pub fn unscoped(report: &RunReport) -> Vec<Unscoped<'_>> {
    let groups: [(Unchecked, &str, &str); 5] = [
        (Unchecked::Selection, "left out by the selection", "Widen --suite, --group, --endpoint, --tag or --level"),
        (Unchecked::SlowTier, "in the slow tier", "Run with --include slow"),
        (
            Unchecked::VendorInput,
            "needing vendor input",
            "Give --data-query NAME (or data_query: in the credentials file)",
        ),
        (
            Unchecked::FewAccounts,
            "that need two accounts per role",
            "List a second account for the role in the credentials file",
        ),
        (
            Unchecked::NotApplicable,
            "not applicable",
            "The target answered in another form the spec allows, where they do not apply",
        ),
    ];
    groups
        .into_iter()
        .map(|(why, title, hint)| Unscoped {
            why,
            title,
            hint,
            requirements: report
                .requirements
                .iter()
                .filter(|r| matches!(r.level, Level::Must | Level::Should))
                .filter(|r| matches!(r.coverage, Coverage::OutOfScope | Coverage::NotApplicable))
                .filter(|r| group_of(r) == why)
                .collect(),
        })
        .filter(|g| !g.requirements.is_empty())
        .collect()
}

/// The group of an out-of-scope or not-applicable requirement: its why, or the selection when the
/// model gives none for one out of scope.
fn group_of(r: &RequirementVerdict) -> Unchecked {
    match (r.coverage, r.why) {
        (Coverage::NotApplicable, _) => Unchecked::NotApplicable,
        (_, Some(why @ (Unchecked::SlowTier | Unchecked::VendorInput | Unchecked::FewAccounts))) => why,
        _ => Unchecked::Selection,
    }
}

/// `not in scope or not applicable: 4 left out by the selection, 1 in the slow tier (--include
/// slow)`; None when there are none. The counts of [`unscoped`], for the formats that have no room
/// for its tables.
pub fn unscoped_counts(report: &RunReport) -> Option<String> {
    let parts: Vec<String> = unscoped(report)
        .iter()
        .map(|g| {
            // What brings them into scope, where a flag or a file can: worth saying beside the count.
            let flag = match g.why {
                Unchecked::SlowTier => " (--include slow)",
                Unchecked::VendorInput => " (--data-query NAME)",
                Unchecked::FewAccounts => " (a second account per role in --credentials)",
                _ => "",
            };
            format!("{} {}{flag}", g.requirements.len(), g.title)
        })
        .collect();
    (!parts.is_empty()).then(|| format!("not in scope or not applicable: {}", parts.join(", ")))
}
