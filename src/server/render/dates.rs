//! The date texts of the mobile answers (facts §2.2, D-IDS) and the SLA flag of a task.

use crate::server::data::{Task, TaskState};

/// `27/08/2013`
pub fn date_ddmmyyyy(ms: i64) -> String {
    let (y, m, d, ..) = crate::time::parts(ms);
    format!("{d:02}/{m:02}/{y:04}")
}

/// `27/08/2013 14:30`: the end of the task's SLA (8 hours after creation plus what is left).
pub fn end_sla(created_ms: i64, sla_minutes: i64) -> String {
    let (y, m, d, h, mi, _) = crate::time::parts(created_ms + sla_minutes.max(0) * 60_000 + 8 * 3_600_000);
    format!("{d:02}/{m:02}/{y:04} {h:02}:{mi:02}")
}

/// 0 on time, 1 under an hour left, 2 late, 3 suspended.
pub fn time_flag(task: &Task) -> i64 {
    match task.state {
        TaskState::Suspended => 3,
        _ if task.sla_minutes < 0 || task.state == TaskState::Late => 2,
        _ if task.sla_minutes < 60 => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::iso;

    #[test]
    fn formats_dates_like_the_real_product() {
        assert_eq!(date_ddmmyyyy(1_377_618_517_000), "27/08/2013");
        assert_eq!(iso(1_377_618_517_123), "2013-08-27T15:48:37.123Z");
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
    }
}
