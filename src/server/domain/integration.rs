//! Commands of the integration endpoints: DE-PARA mappings, unit coordinates, device associations,
//! the error log and the coordinators' submissions.

use super::devices::{Device, Platform};
use super::errors::ErrorRecord;
use super::journal::Submission;
use super::mappings::{Mapping, MappingFilter};
use super::refusal::Refusal;
use super::world::World;

impl World {
    /// Records (object, fromKey) → toKey; a later synchronize of the same source key replaces it.
    pub fn synchronize(&mut self, mapping: Mapping) {
        self.mappings.put(mapping);
    }

    /// Removes the mappings matching the keys; none matching is INPUT.
    pub fn delete_mappings(&mut self, filter: &MappingFilter) -> Result<(), Refusal> {
        if self.mappings.remove_matching(filter) == 0 {
            return Err(Refusal::input("DE-PARA não encontrado para o objeto e as chaves informados"));
        }
        Ok(())
    }

    /// Moves a unit (facts §2.41).
    pub fn move_unit(&mut self, unit: i64, latitude: f64, longitude: f64) -> Result<(), Refusal> {
        self.units.move_to(unit, latitude, longitude)
    }

    /// The v2 login's association of the user, the device token and the connection.
    pub fn associate_device(&mut self, login: &str, token: String, platform: Platform, connection: String) {
        self.devices.associate(login, Device { token, platform, connection, active: true });
    }

    /// Deactivates the association a v2 login made (facts §2.43).
    pub fn disassociate_device(&mut self, login: &str, token: &str, connection: &str) -> Result<(), Refusal> {
        self.devices.disassociate(login, token, connection)
    }

    /// Records a failed operation for `/services/error/getList`.
    pub fn log_error(&mut self, record: ErrorRecord) {
        self.errors.push(record);
    }

    /// Records a coordinator's submission (kept in the journal's bounded history).
    pub fn record_submission(&mut self, submission: Submission) {
        self.journal.record_submission(submission);
    }
}
