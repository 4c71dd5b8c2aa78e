//! Bare Goose, the floor of scripts/bench-load.sh: N users POST the same body to one URL back to
//! back for D seconds with no checks at all; prints the throughput as wrk does (`Requests/sec: …`).
//! `shared` as a fifth argument gives every user one shared client without a cookie store (the
//! client `itsm-conform load` uses) instead of Goose's default client per user.
//!
//! Usage: `cargo run --release --example bare_goose -- URL BODY_FILE USERS SECONDS [shared]`

use std::sync::Arc;

use goose::client::GooseClientBuilder;
use goose::config::GooseConfiguration;
use goose::goose::{GooseMethod, GooseRequest, GooseUser, Scenario, Transaction};
use goose::GooseAttack;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (url, file, users, seconds, shared) = match args.as_slice() {
        [u, f, n, s] => (u.clone(), f.clone(), n.parse::<usize>()?, s.parse::<u64>()?, false),
        [u, f, n, s, m] if m == "shared" => (u.clone(), f.clone(), n.parse::<usize>()?, s.parse::<u64>()?, true),
        _ => {
            eprintln!("usage: bare_goose URL BODY_FILE USERS SECONDS [shared]");
            std::process::exit(2);
        }
    };
    let body: Arc<str> = std::fs::read_to_string(file)?.into();
    let mut config = GooseConfiguration::default();
    config.host = Some(itsm_conform::load::origin(&url));
    config.users = Some(users);
    config.increase_rate = Some("100000".into());
    config.run_time = Some(seconds.to_string());
    config.no_print_metrics = true;
    config.quiet = 1;
    config.no_reset_metrics = true;
    config.no_telnet = true;
    let post: goose::goose::TransactionFunction = {
        let url = url.clone();
        Arc::new(move |user: &mut GooseUser| {
            let (url, body) = (url.clone(), body.clone());
            Box::pin(async move {
                let builder = user
                    .get_request_builder(&GooseMethod::Post, &url)?
                    .header("Content-Type", "application/json")
                    .body(body.to_string());
                let request = GooseRequest::builder().name("post").set_request_builder(builder).build();
                let mut response = user.request(request).await?;
                if let Ok(r) = response.response {
                    let _ = r.bytes().await;
                }
                response.request.success = true;
                Ok(())
            })
        })
    };
    let mut attack = GooseAttack::initialize_with_config(config)?;
    if shared {
        attack = attack.set_client_builder_without_cookies(GooseClientBuilder::new().without_cookies().gzip(false))?;
    }
    let started = std::time::Instant::now();
    let metrics =
        attack.register_scenario(Scenario::new("bare").register_transaction(Transaction::new(post))).execute().await?;
    let secs = started.elapsed().as_secs_f64();
    let count: usize = metrics.requests.values().map(|r| r.success_count + r.fail_count).sum();
    println!("Requests/sec: {:.2}", count as f64 / secs);
    Ok(())
}
