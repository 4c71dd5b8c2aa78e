//! `/services/login`, `/services/xml/login` (v1) and `/services/v2/login`.

use serde_json::{json, Value};

use crate::server::context::{Ctx, Handler};
use crate::server::faults::FaultKind;
use crate::server::input;
use crate::server::reply::Reply;
use crate::server::world::Device;

pub fn handler_for(path: &str) -> Option<Handler> {
    match path {
        "/services/login" | "/services/xml/login" => Some(login_v1),
        "/services/v2/login" => Some(login_v2),
        _ => None,
    }
}

/// `platform`, or the table's spelling `platfom` (specs/DECISIONS.md D-PLATFORM).
fn platform(body: &Value) -> Result<Option<String>, Reply> {
    match input::string(body, "platform")? {
        Some(p) => Ok(Some(p)),
        None => input::string(body, "platfom"),
    }
}

fn check_credentials(ctx: &Ctx<'_>, body: &Value, code: &str) -> Result<String, Reply> {
    let fail = |description: &str| Reply::LoginFail { code: code.into(), description: description.into() };
    let user = input::string(body, "userName").map_err(|_| fail("User Not informed"))?.unwrap_or_default();
    let password = input::string(body, "password").map_err(|_| fail("Unknown Password"))?.unwrap_or_default();
    if user.trim().is_empty() {
        return Err(fail("User Not informed"));
    }
    if password.is_empty() {
        return Err(fail("Unknown Password"));
    }
    // The fault trusts any password, on /services/login only.
    let any_password = ctx.fault(FaultKind::LoginAnyPassword) && ctx.path == "/services/login";
    let world = ctx.state.world.lock();
    match world.user(&user) {
        Some(u) if u.password == password || any_password => Ok(u.login.clone()),
        _ => Err(fail("User was not found and / or password is invalid")),
    }
}

/// v1: failures are 412 SESSION; token and platform are not checked (facts §2.29).
fn login_v1(ctx: &Ctx<'_>, body: &Value) -> Reply {
    match check_credentials(ctx, body, "SESSION") {
        Ok(login) => Reply::Bare(json!({"error": null, "sessionID": ctx.state.open_session(&login)})),
        Err(reply) => reply,
    }
}

/// v2: every failure is 412 INPUT; token and platform Android/iOS are required; the device token is
/// associated with the user (facts §2.45).
fn login_v2(ctx: &Ctx<'_>, body: &Value) -> Reply {
    let code = if ctx.fault(FaultKind::LoginWrongCode) { "SESSION" } else { "INPUT" };
    let fail = |description: String| Reply::LoginFail { code: code.into(), description };
    let login = match check_credentials(ctx, body, code) {
        Ok(login) => login,
        Err(reply) => return reply,
    };
    let token = match input::string(body, "token") {
        Ok(Some(t)) if !t.trim().is_empty() => t,
        _ => return fail("Token must not be null or empty".into()),
    };
    let platform = match platform(body) {
        Ok(Some(p)) if !p.trim().is_empty() => p,
        _ => return fail("Platform must not be null".into()),
    };
    let normalized = match platform.to_ascii_lowercase().as_str() {
        "android" => "Android",
        "ios" => "iOS",
        _ => return fail(format!("DevicePlatformType not found for description '{platform}'")),
    };
    let session_id = ctx.state.open_session(&login);
    let mut world = ctx.state.world.lock();
    let (range_action, location_interval) = (world.data.range_action, world.data.location_interval);
    world.devices.retain(|d| !(d.login == login && d.token == token));
    world.devices.push(Device {
        login,
        token,
        platform: normalized.to_string(),
        connection: ctx.state.base_path.clone(),
        active: true,
    });
    Reply::Bare(json!({
        "error": null,
        "sessionID": session_id,
        "rangeAction": range_action,
        "locationInterval": location_interval,
    }))
}
