//! The real binary: first run, init, import, configuration errors, SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_quire");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `quire serve` in `dir` with `args`, waits until it answers on `port`.
fn spawn_serve(dir: &std::path::Path, args: &[&str], port: u16) -> std::process::Child {
    let child = Command::new(BIN)
        .current_dir(dir)
        .arg("serve")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "quire did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

fn sigterm(child: &mut std::process::Child) -> std::process::ExitStatus {
    unsafe_kill(child.id(), "TERM");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "quire did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn unsafe_kill(pid: u32, signal: &str) {
    Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
}

#[tokio::test]
async fn serve_runs_on_built_in_defaults_and_stops_cleanly_on_sigterm() {
    // The defaults listen on 127.0.0.1:8080; skip only if something else holds that port.
    if std::net::TcpListener::bind("127.0.0.1:8080").is_err() {
        eprintln!("port 8080 busy: the defaults cannot be tested here");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn_serve(dir.path(), &[], 8080);
    let body = reqwest::get("http://127.0.0.1:8080/")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("content"), "the empty blog explains itself");
    let status = sigterm(&mut child);
    assert!(status.success(), "exit 0 after SIGTERM, got {status}");
    let mut err = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        err.push_str(&line.unwrap());
        err.push('\n');
    }
    assert!(
        err.contains("built-in defaults"),
        "says it runs on defaults: {err}"
    );
    assert!(dir.path().join("data/quire.db").exists());
}

#[tokio::test]
async fn init_writes_a_config_and_an_example_post_that_serve_publishes() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .arg("init")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let toml = std::fs::read_to_string(dir.path().join("blog.toml")).unwrap();
    assert!(
        toml.contains("base_url") && toml.contains("# "),
        "commented"
    );
    let port = free_port();
    let toml = toml
        .replace(
            "listen = \"127.0.0.1:8080\"",
            &format!("listen = \"127.0.0.1:{port}\""),
        )
        .replace(
            "base_url = \"http://localhost:8080\"",
            &format!("base_url = \"http://127.0.0.1:{port}\""),
        );
    std::fs::write(dir.path().join("blog.toml"), toml).unwrap();
    let mut child = spawn_serve(dir.path(), &["-c", "blog.toml"], port);
    let home = reqwest::get(format!("http://127.0.0.1:{port}/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("Hello, fediverse"), "{home}");
    assert!(sigterm(&mut child).success());
}

#[test]
fn import_reports_a_malformed_post_with_file_and_line_and_imports_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(content.join("good.md"), "---\ntitle: Good\n---\nbody\n").unwrap();
    std::fs::write(
        content.join("bad.md"),
        "---\ntitle: Bad\ntags: [a, b\n---\nbody\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .args(["import", "content"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("published good"), "{stdout}");
    assert!(
        stderr.contains("bad.md:"),
        "names the file and line: {stderr}"
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "non-zero when something was skipped"
    );
    // Idempotent: a second import changes nothing.
    let again = Command::new(BIN)
        .current_dir(dir.path())
        .args(["import", "content"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout)
        .contains("0 published, 0 updated, 0 removed, 1 unchanged"));
}

fn serve_with_config(text: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("blog.toml"), text).unwrap();
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .args(["serve", "-c", "blog.toml"])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bad_config_stops_the_start_naming_file_key_and_expectation() {
    let cases = [
        ("[site]\ntitel = \"x\"\n", "titel"),
        (
            "[federation]\nallow_private_networks = \"yes\"\n",
            "allow_private_networks",
        ),
        ("[site]\nbase_url = \"not a url\"\n", "site.base_url"),
        (
            "[author]\nusername = \"x\"\n[blog]\nhandle = \"x\"\n",
            "blog.handle",
        ),
    ];
    for (text, key) in cases {
        let (ok, stderr) = serve_with_config(text);
        assert!(!ok, "{text} must not start");
        assert!(
            stderr.contains("blog.toml") && stderr.contains(key),
            "{key}: {stderr}"
        );
    }
}
