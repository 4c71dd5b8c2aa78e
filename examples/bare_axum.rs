//! The benchmark baseline (scripts/bench-server.sh): a bare axum server that answers
//! `POST /citsmart/mobile/v2/notification/getNewest` with fixed bytes — a getNewest response
//! captured from the reference server — so the only difference to `itsm-conform serve` is the work
//! the reference server does per request.
//!
//! Usage: `cargo run --release --example bare_axum -- PORT RESPONSE_FILE`

use axum::body::Bytes;
use axum::http::header;
use axum::routing::post;
use axum::Router;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(port), Some(file)) = (args.next(), args.next()) else {
        eprintln!("usage: bare_axum PORT RESPONSE_FILE");
        std::process::exit(2);
    };
    let port: u16 = port.parse()?;
    let body = Bytes::from(std::fs::read(&file)?);
    // The request body is read, as the reference server reads it; the answer is the same bytes.
    let app = Router::new().route(
        "/citsmart/mobile/v2/notification/getNewest",
        post(move |_request: Bytes| {
            let body = body.clone();
            async move { ([(header::CONTENT_TYPE, "application/json;charset=UTF-8")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("bare_axum listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
