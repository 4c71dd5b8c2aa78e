//! `serve --ready-line`, the handshake `load` uses to run the reference server as its child.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_child_server_says_where_it_listens_and_stops_when_its_parent_closes_stdin() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_itsm-conform"))
        .args(["serve", "--bind", "127.0.0.1:0", "--ready-line"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("itsm-conform-ready ").unwrap_or_else(|| panic!("ready line: {line:?}"));
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/citsmart"), "{url}");
    let addr = url.trim_start_matches("http://").split('/').next().unwrap().to_string();
    assert!(std::net::TcpStream::connect(&addr).is_ok(), "listening on {addr}");

    drop(child.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve did not stop within 10 s of its stdin closing");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    assert!(std::net::TcpStream::connect(&addr).is_err(), "nothing listens on {addr} any more");
}
