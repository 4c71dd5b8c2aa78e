//! Endpoint handlers, one module per group. `handler_for` maps every spec path to its handler.

mod login;
mod mobile_v1;
mod mobile_v2;
mod request;
mod services;
mod services_v2;

use super::context::Handler;

pub fn handler_for(path: &str) -> Option<Handler> {
    login::handler_for(path)
        .or_else(|| mobile_v1::handler_for(path))
        .or_else(|| mobile_v2::handler_for(path))
        .or_else(|| services::handler_for(path))
        .or_else(|| request::handler_for(path))
        .or_else(|| services_v2::handler_for(path))
}
