//! What the API records but no endpoint reads back: reported positions, check-in denials and the
//! coordinators' submissions. Each is a bounded history (the newest entries), so a load run that
//! reports positions for hours holds the same memory as one that ran a minute. The journal is not
//! part of the world's revision: recording here never invalidates a cached answer.

use super::opaque::OpaqueJson;
use super::request_date::RequestDate;
use super::ring::Ring;

/// Entries kept of each history.
pub const JOURNAL_KEPT: usize = 1024;

#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    pub login: String,
    pub latitude: f64,
    pub longitude: f64,
    pub time: RequestDate,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Denial {
    pub login: String,
    pub task_id: i64,
    pub number: i64,
    pub reason_id: i64,
    pub latitude: f64,
    pub longitude: f64,
    pub date: RequestDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmissionKind {
    /// `atribuicoesEquipesSolicitacoes`
    TeamAssignments,
    /// `atualizaInformacoesSolicitacoes`
    RequestUpdates,
}

/// A coordinator's `result`, any JSON (D-TYPES-8X): stored, not interpreted.
#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub login: String,
    pub kind: SubmissionKind,
    pub at_ms: i64,
    pub result: OpaqueJson,
}

#[derive(Debug)]
pub struct Journal {
    positions: Ring<Position>,
    denials: Ring<Denial>,
    submissions: Ring<Submission>,
}

impl Default for Journal {
    fn default() -> Self {
        Journal {
            positions: Ring::new(JOURNAL_KEPT),
            denials: Ring::new(JOURNAL_KEPT),
            submissions: Ring::new(JOURNAL_KEPT),
        }
    }
}

impl Journal {
    pub fn positions(&self) -> &Ring<Position> {
        &self.positions
    }

    pub fn denials(&self) -> &Ring<Denial> {
        &self.denials
    }

    pub fn submissions(&self) -> &Ring<Submission> {
        &self.submissions
    }

    pub(super) fn record_position(&mut self, position: Position) {
        self.positions.push(position);
    }

    pub(super) fn record_denial(&mut self, denial: Denial) {
        self.denials.push(denial);
    }

    pub(super) fn record_submission(&mut self, submission: Submission) {
        self.submissions.push(submission);
    }
}
