//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use clap::Parser;

pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A generated file committed to the repository (`relative` to it) equals `fresh`; with
/// `ITSM_BLESS` set it is rewritten first. `test` names the test that blesses it.
pub fn assert_committed_file_fresh(relative: &str, fresh: &str, test: &str) {
    let path = project_root().join(relative);
    if std::env::var_os("ITSM_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == fresh, "{relative} is stale: run `ITSM_BLESS=1 cargo test {test}`");
}

/// Runs the CLI in-process; returns (exit code, stdout, stderr).
pub fn run_cli(args: &[&str]) -> (u8, String, String) {
    let mut argv = vec!["itsm-conform"];
    argv.extend_from_slice(args);
    let cli = itsm_conform::cli::Cli::try_parse_from(argv).expect("arguments parse");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = itsm_conform::cli::run(cli, &mut out, &mut err);
    (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
}

/// Copies the project's specs/ into a fresh temporary directory.
pub fn copy_specs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&project_root().join("specs"), dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A reference server started in-process on 127.0.0.1:0, with a client and the spec registry.
pub struct TestServer {
    pub server: itsm_conform::server::RunningServer,
    pub client: reqwest::Client,
    pub registry: std::sync::Arc<itsm_conform::schema::SchemaRegistry>,
}

/// The embedded spec, compiled once per test binary and shared (its validators are immutable;
/// the branch validators it compiles on demand are cached inside it).
pub fn registry() -> std::sync::Arc<itsm_conform::schema::SchemaRegistry> {
    static REGISTRY: std::sync::OnceLock<std::sync::Arc<itsm_conform::schema::SchemaRegistry>> =
        std::sync::OnceLock::new();
    REGISTRY
        .get_or_init(|| {
            let (registry, _) =
                itsm_conform::schema::load_checked(&itsm_conform::spec::SpecFiles::embedded()).expect("spec loads");
            registry
        })
        .clone()
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(itsm_conform::server::ServerConfig::local()).await
    }

    pub async fn start_with(config: itsm_conform::server::ServerConfig) -> Self {
        let registry = registry();
        let server = itsm_conform::server::start(config, registry.spec().clone()).await.expect("server starts");
        let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().unwrap();
        Self { server, client, registry }
    }

    /// POSTs a JSON body to `path` (a spec path); returns (status, parsed JSON body).
    pub async fn post(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let response = self
            .client
            .post(format!("{}{}", self.server.base_url(), path))
            .header("Accept", "application/json")
            .json(&body)
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: body is not JSON ({e}): {text}"));
        (status, value)
    }

    /// Logs in with v1 `/services/login`; returns the session id.
    pub async fn login(&self, user: &str, password: &str) -> String {
        let (status, body) =
            self.post("/services/login", serde_json::json!({"userName": user, "password": password})).await;
        assert_eq!(status, 200, "login {user}: {body}");
        body["sessionID"].as_str().expect("sessionID").to_string()
    }

    /// Asserts a 200 response validates against the endpoint's response schema (or a failure
    /// against the error schema) and returns it.
    pub fn assert_conforms(&self, path: &str, status: u16, body: &serde_json::Value) {
        let violations = if status == 200 {
            self.registry.check(path, itsm_conform::schema::Side::Response, body)
        } else {
            self.registry.check_error(body)
        };
        assert!(violations.is_empty(), "{path} ({status}) does not conform: {violations:#?}\nbody: {body}");
    }
}
