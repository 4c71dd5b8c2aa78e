//! An occurrence as `/services/request/*` and `/services/occurrence/*` answer it (facts §2.33).

use serde_json::{json, Value};

use crate::server::domain::occurrences::Occurrence;
use crate::time::iso;

pub fn occurrence(o: &Occurrence) -> Value {
    let task = o.task.as_ref().map(|task| {
        let state = format!("{:?}", task.state);
        json!({
            "number": task.task_id.to_string(),
            "name": task.name,
            "startDateTime": iso(task.start_ms),
            "endDateTime": null,
            "status": {"code": state, "name": state},
            "userId": task.user_id,
        })
    });
    json!({
        "number": o.number.to_string(),
        "numberOrigin": o.number_origin,
        "description": o.description,
        "date": o.date,
        "hour": o.hour,
        "origin": "OUTROS",
        "category": o.category,
        "userID": o.user,
        "elapsedTime": null,
        "reason": o.reason,
        "task": task,
        "requestNumber": o.request_number.to_string(),
        "requestNumberOrigin": o.request_number_origin,
        "request": null,
    })
}
