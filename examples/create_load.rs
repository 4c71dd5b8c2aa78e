//! Create throughput of the reference server as its requests grow (scripts/bench-server-create.sh):
//! CONNECTIONS closed-loop clients POST `/services/request/create` with fresh numberOrigins until
//! TOTAL requests exist, and the time at which each thousandth create completed gives the rate
//! around any count, in the same run.
//!
//! Usage: `cargo run --release --example create_load -- BASE_URL TOTAL CONNECTIONS`
//! Prints `rate at N: R/s` for the windows the script compares (around 1,000 and 100,000 creates)
//! and every 10,000th.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;
use serde_json::{json, Value};

/// Creates on each side of a count that make its window.
const HALF_WINDOW: u64 = 1000;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base, total, connections] = args.as_slice() else {
        eprintln!("usage: create_load BASE_URL TOTAL CONNECTIONS");
        std::process::exit(2);
    };
    let total: u64 = total.parse()?;
    let connections: usize = connections.parse()?;
    let client = reqwest::Client::builder().pool_max_idle_per_host(connections).build()?;
    let login: Value = client
        .post(format!("{base}/services/login"))
        .json(&json!({"userName": "tecnico", "password": "tecnico-demo"}))
        .send()
        .await?
        .json()
        .await?;
    let session = login["sessionID"].as_str().ok_or("login failed")?.to_string();
    let next = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    // Seconds since start at which the n-th thousand completed.
    let marks = Arc::new(Mutex::new(vec![f64::NAN; usize::try_from(total / 1000 + 1)?]));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..connections {
        let (client, base, session) = (client.clone(), base.clone(), session.clone());
        let (next, done, marks) = (next.clone(), done.clone(), marks.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total {
                    return Ok::<(), String>(());
                }
                let body = json!({"sessionID": session, "sourceRequest": {
                    "numberOrigin": format!("BENCH-{n}"), "type": "I",
                    "description": format!("Bench request {n}"), "userID": "solicitante"}});
                let response = client
                    .post(format!("{base}/services/request/create"))
                    .json(&body)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !response.status().is_success() {
                    return Err(format!("create {n}: {}", response.status()));
                }
                let _ = response.bytes().await;
                let count = done.fetch_add(1, Ordering::Relaxed) + 1;
                if count % 1000 == 0 {
                    marks.lock()[usize::try_from(count / 1000).unwrap_or(0)] = started.elapsed().as_secs_f64();
                }
            }
        }));
    }
    for worker in workers {
        worker.await??;
    }
    let marks = marks.lock();
    let rate_at = |count: u64| -> Option<f64> {
        let from = *marks.get(usize::try_from((count - HALF_WINDOW) / 1000).ok()?)?;
        let to = *marks.get(usize::try_from((count + HALF_WINDOW) / 1000).ok()?)?;
        let from = if count == HALF_WINDOW { 0.0 } else { from };
        (to > from).then(|| (2 * HALF_WINDOW) as f64 / (to - from))
    };
    println!("created {total} in {:.1} s", started.elapsed().as_secs_f64());
    let mut points: Vec<u64> = vec![HALF_WINDOW, 100_000];
    points.extend((1..).map(|k| k * 10_000).take_while(|c| c + HALF_WINDOW <= total));
    points.sort_unstable();
    points.dedup();
    for count in points {
        if let Some(rate) = rate_at(count) {
            println!("rate at {count}: {rate:.0}/s");
        }
    }
    Ok(())
}
