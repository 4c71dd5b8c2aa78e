//! The requirement catalogue, walked: every requirement's level follows the fairness rule of the
//! sources it cites (a MUST cites the table or a SEEN fact, a SHOULD at least an INFERRED one, and
//! every cited fact section and decision exists), and every MUST that is not about the reference
//! alone is cited by a check some case can make. The copy of the facts in specs/source/ is the one
//! beside the project.

mod common;

use std::collections::BTreeSet;

use itsm_conform::spec::{CheckKind, Level};

fn facts() -> String {
    std::fs::read_to_string(common::project_root().join("specs/source/citsmart-api-facts.md")).unwrap()
}

/// `§2.10` → the text of that section of the facts (up to the next heading), if it exists.
fn fact_section(facts: &str, section: &str) -> Option<String> {
    let number = section.trim_start_matches('§');
    let heading = |line: &str| {
        let l = line.trim_start_matches('#').trim();
        l.starts_with(&format!("{number} ")) || l.starts_with(&format!("{number}. "))
    };
    let mut lines = facts.lines().skip_while(|l| !(l.starts_with('#') && heading(l)));
    let first = lines.next()?;
    let body: Vec<&str> = lines.take_while(|l| !l.starts_with("## ") && !l.starts_with("### ")).collect();
    Some(format!("{first}\n{}", body.join("\n")))
}

/// Every `§N` or `§N.M` a source text cites, including ranges written `§2.48-2.49`.
fn cited_sections(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in source.match_indices('§') {
        let rest = &source[i + '§'.len_utf8()..];
        let number: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        let number = number.trim_end_matches('.').to_string();
        if !number.is_empty() {
            out.push(number);
        }
    }
    out
}

#[test]
fn the_facts_copy_is_the_one_beside_the_project() {
    let shared = common::project_root().join("../shared/facts/citsmart-api-facts.md");
    // CI and every developer have ../shared beside the project; a copy checked out alone has not.
    if let Ok(original) = std::fs::read_to_string(shared) {
        assert!(original == facts(), "specs/source/citsmart-api-facts.md differs from ../shared/facts: copy it again");
    }
}

#[test]
fn every_level_follows_the_sources_it_cites() {
    let registry = common::registry();
    let spec = registry.spec();
    let facts = facts();
    let decisions = std::fs::read_to_string(common::project_root().join("specs/DECISIONS.md")).unwrap();
    let mut problems = Vec::new();
    for entry in spec.requirements.values() {
        let r = &entry.requirement;
        let source = &r.source;
        let table = source.split([';', ',', ' ']).any(|w| w == "table" || w.starts_with("table"));
        let seen = source.contains("SEEN");
        let inferred = source.contains("INFERRED");
        for section in cited_sections(source) {
            match fact_section(&facts, &section) {
                None => problems.push(format!("{}: cites facts §{section}, which does not exist", r.id)),
                Some(text) if seen && !text.contains("SEEN") && !source.contains("AG") && !source.contains("RC") => {
                    problems
                        .push(format!("{}: cites facts §{section} as SEEN, but that section tags nothing SEEN", r.id));
                }
                Some(_) => {}
            }
        }
        for decision in source.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).filter(|w| w.starts_with("D-"))
        {
            if !decisions.contains(&format!("## {decision}")) && !decisions.contains(&format!("{decision}:")) {
                problems.push(format!("{}: cites decision {decision}, which specs/DECISIONS.md lacks", r.id));
            }
        }
        match r.level {
            Level::Must if !(table || seen) => {
                problems.push(format!("{}: a MUST needs the table or a SEEN fact: {source}", r.id))
            }
            Level::Should if !(table || seen || inferred) => {
                problems.push(format!("{}: a SHOULD needs at least an INFERRED fact: {source}", r.id))
            }
            _ => {}
        }
        if r.level == Level::Must && r.check == CheckKind::Reference {
            problems.push(format!("{}: a MUST about the reference server alone certifies nothing: make it MAY", r.id));
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn every_must_is_cited_by_a_check_some_case_can_make() {
    let registry = common::registry();
    let spec = registry.spec();
    let suites = itsm_conform::suite::load_dir(&common::project_root().join("suites"), spec).unwrap();
    let generated: Vec<itsm_conform::suite::CaseDef> =
        itsm_conform::run::generate::generate(spec).into_iter().flat_map(|s| s.cases).collect();
    let checkable = itsm_conform::check::scope::checkable(spec, &suites, &generated);
    let musts: BTreeSet<&str> = spec
        .requirements
        .values()
        .map(|e| &e.requirement)
        .filter(|r| r.level == Level::Must)
        .map(|r| r.id.as_str())
        .collect();
    let unchecked: Vec<&&str> = musts.iter().filter(|id| !checkable.contains(**id)).collect();
    println!("{} MUST requirements, every one cited by a check a case can make", musts.len());
    assert!(unchecked.is_empty(), "MUST requirements no case can check: {unchecked:?}");
}
