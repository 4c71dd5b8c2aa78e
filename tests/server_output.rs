//! Snapshots of the reference server's human-facing output: the banner and `--list-faults`.

mod common;

use common::{run_cli, TestServer};
use itsm_conform::server::{self, Fault, FaultSet, ServerConfig};

#[tokio::test]
async fn the_banner_names_address_data_users_and_faults() {
    let mut config = ServerConfig::local();
    config.faults = FaultSet::new(vec!["slow:50ms".parse::<Fault>().unwrap(), "html-500".parse().unwrap()]);
    let t = TestServer::start_with(config).await;
    let banner = server::banner(&t.server, "itsm-conform reference data (built-in)", true);
    assert!(banner.contains(&t.server.base_url()), "{banner}");
    insta::assert_snapshot!("banner", itsm_conform::redact::ports(&banner));
    let other = server::banner(&t.server, "other", false);
    assert!(!other.contains("tecnico-demo"), "passwords of a --data file are not printed:\n{other}");
}

#[test]
fn list_faults_output() {
    let (code, out, _) = run_cli(&["serve", "--list-faults"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("list_faults", out);
}
