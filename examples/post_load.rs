//! A small closed-loop HTTP load client, the fallback of scripts/bench-server.sh when `wrk` is not
//! installed: N connections each POST the same body back to back for D seconds; prints the
//! throughput as wrk does (`Requests/sec: …`) so the script parses either.
//!
//! Usage: `cargo run --release --example post_load -- URL BODY_FILE CONNECTIONS SECONDS`

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, file, connections, seconds] = args.as_slice() else {
        eprintln!("usage: post_load URL BODY_FILE CONNECTIONS SECONDS");
        std::process::exit(2);
    };
    let body = bytes::Bytes::from(std::fs::read(file)?);
    let connections: usize = connections.parse()?;
    let duration = Duration::from_secs_f64(seconds.parse()?);
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = Vec::new();
    for _ in 0..connections {
        // One client per worker: one keep-alive connection each, as wrk's -c.
        let client = reqwest::Client::builder().pool_max_idle_per_host(1).build()?;
        let (url, body, ok, failed) = (url.clone(), body.clone(), ok.clone(), failed.clone());
        workers.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let sent = client.post(&url).header("Content-Type", "application/json").body(body.clone()).send().await;
                match sent {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for worker in workers {
        worker.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let ok = ok.load(Ordering::Relaxed);
    let failed = failed.load(Ordering::Relaxed);
    println!("{ok} requests in {elapsed:.2}s");
    if failed > 0 {
        println!("Non-2xx or 3xx responses: {failed}");
    }
    println!("Requests/sec: {:.2}", ok as f64 / elapsed);
    Ok(())
}
