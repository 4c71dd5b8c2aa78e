//! Where each unit is: the data set's coordinates, moved by `/services/v2/coordinates`.

use std::collections::BTreeMap;

use super::refusal::Refusal;
use crate::server::data::Unit;

#[derive(Debug, Default)]
pub struct UnitPositions {
    positions: BTreeMap<i64, (f64, f64)>,
    revision: u64,
}

impl UnitPositions {
    pub fn of(units: &[Unit]) -> UnitPositions {
        UnitPositions { positions: units.iter().map(|u| (u.id, (u.latitude, u.longitude))).collect(), revision: 0 }
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn get(&self, unit: i64) -> Option<(f64, f64)> {
        self.positions.get(&unit).copied()
    }

    pub(super) fn move_to(&mut self, unit: i64, latitude: f64, longitude: f64) -> Result<(), Refusal> {
        let position =
            self.positions.get_mut(&unit).ok_or_else(|| Refusal::input(format!("Unit not found for ID {unit}")))?;
        *position = (latitude, longitude);
        self.revision += 1;
        Ok(())
    }
}
