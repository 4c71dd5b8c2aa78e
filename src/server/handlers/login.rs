//! `/services/login`, `/services/xml/login` (v1) and `/services/v2/login`.

use serde_json::{json, Value};

use super::kinds::{Outcome, Writer};
use crate::server::domain::devices::Platform;
use crate::server::domain::Code;
use crate::server::faults::FaultKind;
use crate::server::input;
use crate::server::reply::Reply;

/// `platform`, or the table's spelling `platfom` (specs/DECISIONS.md D-PLATFORM).
fn platform(body: &Value) -> Result<Option<String>, Reply> {
    match input::string(body, "platform")? {
        Some(p) => Ok(Some(p)),
        None => input::string(body, "platfom"),
    }
}

fn check_credentials(w: &Writer<'_>, body: &Value, code: Code) -> Result<String, Reply> {
    let fail = |description: &str| Reply::LoginFail { code, description: description.into() };
    let user = input::string(body, "userName").map_err(|_| fail("User Not informed"))?.unwrap_or_default();
    let password = input::string(body, "password").map_err(|_| fail("Unknown Password"))?.unwrap_or_default();
    if user.trim().is_empty() {
        return Err(fail("User Not informed"));
    }
    if password.is_empty() {
        return Err(fail("Unknown Password"));
    }
    // The fault trusts any password, on /services/login only.
    let any_password = w.fault(FaultKind::LoginAnyPassword) && w.path() == "/services/login";
    let world = w.read();
    let user = world.catalog().authenticate(&user, &password, any_password);
    user.map(|u| u.login.clone()).ok_or_else(|| fail("User was not found and / or password is invalid"))
}

/// v1: failures are 412 SESSION; token and platform are not checked (facts §2.29).
pub fn login_v1(w: &Writer<'_>, body: &Value) -> Outcome {
    let login = check_credentials(w, body, Code::Session)?;
    Ok(Reply::Bare(json!({"error": null, "sessionID": w.open_session(&login)})))
}

/// v2: every failure is 412 INPUT; token and platform Android/iOS are required; the device token is
/// associated with the user (facts §2.45).
pub fn login_v2(w: &Writer<'_>, body: &Value) -> Outcome {
    let code = if w.fault(FaultKind::LoginWrongCode) { Code::Session } else { Code::Input };
    let fail = |description: String| Reply::LoginFail { code, description };
    let login = check_credentials(w, body, code)?;
    let token = match input::string(body, "token") {
        Ok(Some(t)) if !t.trim().is_empty() => t,
        _ => return Err(fail("Token must not be null or empty".into())),
    };
    let platform = match platform(body) {
        Ok(Some(p)) if !p.trim().is_empty() => p,
        _ => return Err(fail("Platform must not be null".into())),
    };
    let platform = match platform.to_ascii_lowercase().as_str() {
        "android" => Platform::Android,
        "ios" => Platform::Ios,
        _ => return Err(fail(format!("DevicePlatformType not found for description '{platform}'"))),
    };
    let session_id = w.open_session(&login);
    let mut world = w.write();
    let (range_action, location_interval) = (world.catalog().range_action, world.catalog().location_interval);
    world.associate_device(&login, token, platform, w.base_path().to_string());
    Ok(Reply::Bare(json!({
        "error": null,
        "sessionID": session_id,
        "rangeAction": range_action,
        "locationInterval": location_interval,
    })))
}
