//! Running quire for years: systemd readiness, behind nginx, backups and restores, doctor.
//!
//! Real binaries on 127.0.0.1 where the process boundary matters (systemd notifications,
//! `quire backup` beside a running server, nginx in front); in-process instances elsewhere.

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use quire::federation::signature::Scheme;
use quire::ops::doctor::{self, Level};
use quire::store::RawConnection;

use crate::support::signer::signed_post;
use crate::support::{client, post, wait_for, write_file, Options, TestInstance};

const BIN: &str = env!("CARGO_BIN_EXE_quire");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process stopped when the test ends, however it ends: SIGTERM first (nginx's
/// master then stops its workers; a SIGKILLed master would orphan them), SIGKILL after 10 s.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(self.0.id().to_string())
                .status();
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(10) {
                if let Ok(Some(_)) = self.0.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn blog_toml(base: &str, listen: u16, extra: &str) -> String {
    format!(
        "[site]\nbase_url = \"{base}\"\ntitle = \"Ops blog\"\n\n[author]\nusername = \"alice\"\n\n[server]\nlisten = \"127.0.0.1:{listen}\"\n{extra}\n\n[federation]\nallow_private_networks = true\n"
    )
}

#[test]
fn systemd_hears_ready_once_the_blog_answers_and_stopping_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    write_file(
        &dir.path().join("blog.toml"),
        &blog_toml(&format!("http://127.0.0.1:{port}"), port, ""),
    );
    write_file(
        &dir.path().join("content/hello.md"),
        &post("Hello", "2026-01-01", &[], "Hi."),
    );
    let socket_path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let stderr = std::fs::File::create(dir.path().join("stderr.log")).unwrap();
    let mut child = Reaped(
        Command::new(BIN)
            .args(["serve", "-c"])
            .arg(dir.path().join("blog.toml"))
            .env("NOTIFY_SOCKET", &socket_path)
            // As under systemd: journald collects stderr and adds its own timestamps.
            .env("JOURNAL_STREAM", "8:12345")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap(),
    );
    let mut buf = [0u8; 512];
    let n = socket.recv(&mut buf).expect("READY=1 within 30 s");
    let message = String::from_utf8_lossy(&buf[..n]).to_string();
    assert!(message.lines().any(|l| l == "READY=1"), "got {message:?}");
    // Ready means ready: the port answers at once, with the synced post.
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("listening");
    std::io::Write::write_all(
        &mut stream,
        b"GET /posts/hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    signal(child.0.id(), "TERM");
    let n = socket.recv(&mut buf).expect("STOPPING=1");
    assert!(String::from_utf8_lossy(&buf[..n])
        .lines()
        .any(|l| l == "STOPPING=1"));
    let status = wait_exit(&mut child.0);
    assert!(status.success(), "exit 0 after SIGTERM, got {status}");
    let log = std::fs::read_to_string(dir.path().join("stderr.log")).unwrap();
    // journald-friendly: the priority first (journald files the line under it), no
    // timestamps of our own, no colours.
    assert!(
        log.lines()
            .any(|l| l.starts_with("<6>") && l.ends_with("stopped")),
        "{log}"
    );
    for line in log.lines() {
        assert!(
            line.starts_with('<') && line.as_bytes().get(2) == Some(&b'>'),
            "a syslog priority prefix: {line:?}"
        );
        assert!(
            !line.starts_with("20") && !line.contains('\u{1b}'),
            "journald adds the time itself: {line:?}"
        );
    }
}

/// Every table of a database: name → rows, each row rendered as text, in rowid order.
fn dump(path: &Path) -> BTreeMap<String, Vec<String>> {
    let conn = RawConnection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = BTreeMap::new();
    for table in tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY 1"))
            .unwrap();
        let columns = stmt.column_count();
        let rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut row = Vec::new();
                for i in 0..columns {
                    row.push(format!("{:?}", r.get_ref(i)?));
                }
                Ok(row.join(" | "))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        out.insert(table, rows);
    }
    out
}

fn run(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_restores_into_a_fresh_folder_unchanged() {
    let a = TestInstance::start().await;
    a.write_post("one.md", &post("One", "2026-01-01", &["x"], "First."));
    a.write_post("two.md", &post("Two", "2026-01-02", &[], "Second."));
    wait_for(Duration::from_secs(10), || async {
        a.get_html("/posts/two").await.status() == 200
    })
    .await;
    for i in 0..3 {
        a.app
            .store
            .add_follower(
                if i == 0 { "blog" } else { "alice" },
                &format!("https://remote.example/users/{i}"),
                &format!("https://remote.example/users/{i}/inbox"),
                Some("https://remote.example/inbox"),
                Some(&format!("https://remote.example/follows/{i}")),
            )
            .unwrap();
    }
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("blog.db");
    let config = a.dir.path().join("blog.toml");

    // Backup from another process while the server runs and someone keeps following.
    let store = a.app.store.clone();
    let writer = tokio::task::spawn_blocking(move || {
        for i in 10..60 {
            store
                .add_follower(
                    "alice",
                    &format!("https://busy.example/users/{i}"),
                    "https://busy.example/inbox",
                    None,
                    None,
                )
                .unwrap();
        }
    });
    let (c, f) = (config.clone(), file.clone());
    let out = tokio::task::spawn_blocking(move || {
        run(&[os("backup"), f.as_os_str(), os("-c"), c.as_os_str()])
    })
    .await
    .unwrap();
    writer.await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 posts"));
    // Consistent: some prefix of the busy follower inserts, never half of one.
    let copied = dump(&file);
    assert!(copied["followers"].len() >= 3 && copied["followers"].len() <= 53);
    // Never silently overwritten.
    let again = run(&[os("backup"), file.as_os_str(), os("-c"), config.as_os_str()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let forced = run(&[
        os("backup"),
        file.as_os_str(),
        os("--force"),
        os("-c"),
        config.as_os_str(),
    ]);
    assert!(forced.status.success());
    let expected = dump(&file);
    assert_eq!(expected["followers"].len(), 53);
    let served_key = |doc: &serde_json::Value| doc["publicKey"]["publicKeyPem"].clone();
    let (_, a_person) = a.get_json("/@alice").await;
    let (_, a_group) = a.get_json("/@blog").await;
    let a_followers = a.app.store.followers("alice").unwrap();

    // A new machine: the content folder and the backup; the database comes from the backup.
    let b_dir = tempfile::tempdir().unwrap();
    copy_dir(&a.content(), &b_dir.path().join("content"));
    let b_config = b_dir.path().join("blog.toml");
    write_file(&b_config, &blog_toml("http://127.0.0.1:1", free_port(), ""));
    let out = run(&[
        os("restore"),
        file.as_os_str(),
        os("-c"),
        b_config.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored_db = b_dir.path().join("data/quire.db");
    assert_eq!(dump(&restored_db), expected, "every table, row for row");
    // A second restore does not replace it without --force, and with it moves it aside.
    let out = run(&[
        os("restore"),
        file.as_os_str(),
        os("-c"),
        b_config.as_os_str(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    let out = run(&[
        os("restore"),
        file.as_os_str(),
        os("--force"),
        os("-c"),
        b_config.as_os_str(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read_dir(b_dir.path().join("data"))
        .unwrap()
        .any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("quire.db.replaced-")));

    // Restore refuses while a server answers on the configured address.
    let busy_config = b_dir.path().join("busy.toml");
    write_file(
        &busy_config,
        &blog_toml(
            "http://127.0.0.1:1",
            a.addr.port(),
            "[storage]\ndata_dir = \"other\"",
        ),
    );
    let out = run(&[
        os("restore"),
        file.as_os_str(),
        os("--force"),
        os("-c"),
        busy_config.as_os_str(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("running"));
    // ...and refuses what is not a quire database.
    let junk = backups.path().join("junk.db");
    std::fs::write(&junk, vec![7u8; 8192]).unwrap();
    let out = run(&[
        os("restore"),
        junk.as_os_str(),
        os("-c"),
        b_config.as_os_str(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a quire database"));

    drop(a);
    let b = TestInstance::start_in(b_dir, Options::default()).await;
    let (_, b_person) = b.get_json("/@alice").await;
    let (_, b_group) = b.get_json("/@blog").await;
    assert_eq!(served_key(&b_person), served_key(&a_person));
    assert_eq!(served_key(&b_group), served_key(&a_group));
    assert!(served_key(&b_person).is_string());
    assert_eq!(b.app.store.followers("alice").unwrap(), a_followers);
    assert_eq!(b.get_html("/posts/one").await.status(), 200);
    assert_eq!(b.get_html("/posts/two").await.status(), 200);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_passes_a_healthy_blog_and_explains_what_is_wrong() {
    let a = TestInstance::start().await;
    a.write_post("hello.md", &post("Hello", "2026-01-01", &[], "Hi."));
    a.write_post("broken.md", "---\ntitle: [unclosed\n---\nbody\n");
    wait_for(Duration::from_secs(10), || async {
        a.get_html("/posts/hello").await.status() == 200
    })
    .await;
    let config = a.app.config.clone();
    let report = doctor::check(&config).await;
    let text = report.to_string();
    assert!(!report.failed(), "{text}");
    assert!(
        text.contains("is plain http"),
        "http on 127.0.0.1 warns: {text}"
    );
    assert!(
        text.contains("broken.md:"),
        "front-matter errors listed: {text}"
    );
    assert!(text.contains("with the key in this database"), "{text}");
    assert!(text.contains("/posts/hello is served"), "{text}");
    assert!(text.contains("clock agrees"), "{text}");

    // The real command, as an operator runs it: exit 0.
    let file = a.dir.path().join("blog.toml");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .arg("doctor")
            .arg("-c")
            .arg(&file)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Another key in the database than the one served (another data folder, a restore
    // without restart): a failure that says what to do.
    let db: PathBuf = a.dir.path().join("data/quire.db");
    let conn = RawConnection::open(&db).unwrap();
    conn.execute(
        "UPDATE local_actors SET public_key_pem = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' WHERE name = 'alice'",
        [],
    )
    .unwrap();
    drop(conn);
    let report = doctor::check(&config).await;
    assert!(report.failed());
    let fail = report.at(Level::Fail).next().unwrap();
    assert!(fail.what.contains("differs"), "{report}");
    assert!(fail.fix.as_deref().unwrap().contains("restart"), "{report}");

    // The server down: unreachable, with where to look.
    drop(a.stop().await);
    let report = doctor::check(&config).await;
    assert!(report.failed());
    let text = report.to_string();
    assert!(text.contains("not reachable"), "{text}");
    assert!(text.contains("systemctl status quire"), "{text}");
}

/// nginx from the system (Debian's `nginx`/`nginx-light`), if installed.
fn nginx_binary() -> Option<PathBuf> {
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(["/usr/sbin".into(), "/usr/local/sbin".into()]);
    candidates
        .map(|d: PathBuf| d.join("nginx"))
        .find(|p| p.is_file())
}

fn wait_port(port: u16) {
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "port {port} never answered"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_nginx_ids_come_from_base_url_and_logs_name_the_real_client() {
    let Some(nginx) = nginx_binary() else {
        eprintln!("SKIPPED: no nginx binary on PATH or in /usr/sbin (apt-get install -y nginx); .ci/run installs it");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // nginx's workers drop to `nobody` when the test runs as root.
    std::fs::set_permissions(
        dir.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let (nport, qport) = (free_port(), free_port());
    let base = format!("http://127.0.0.1:{nport}");
    write_file(
        &dir.path().join("blog.toml"),
        &blog_toml(&base, qport, "trusted_proxies = [\"127.0.0.1\"]"),
    );
    write_file(
        &dir.path().join("content/hello.md"),
        &post("Hello", "2026-01-01", &[], "Through a proxy."),
    );
    let log_path = dir.path().join("quire.log");
    let _quire = Reaped(
        Command::new(BIN)
            .args(["serve", "-c"])
            .arg(dir.path().join("blog.toml"))
            .env("RUST_LOG", "info,quire::web::access_log=debug")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log_path).unwrap())
            .spawn()
            .unwrap(),
    );
    let prefix = dir.path().join("nginx");
    std::fs::create_dir_all(prefix.join("logs")).unwrap();
    let p = prefix.display();
    // As deploy/nginx.conf, minus TLS. Host: $http_host keeps the port of this test's
    // non-default port (deploy/nginx.conf serves 443, where $host is the same thing).
    let conf = format!(
        "worker_processes 1;
pid {p}/nginx.pid;
error_log {p}/logs/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log {p}/logs/access.log;
    client_body_temp_path {p}/body;
    proxy_temp_path {p}/proxy;
    fastcgi_temp_path {p}/fastcgi;
    uwsgi_temp_path {p}/uwsgi;
    scgi_temp_path {p}/scgi;
    server {{
        listen 127.0.0.1:{nport};
        client_max_body_size 2m;
        client_body_buffer_size 128k;
        location / {{
            proxy_pass http://127.0.0.1:{qport};
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_buffering off;
        }}
    }}
}}
"
    );
    let conf_path = prefix.join("nginx.conf");
    std::fs::write(&conf_path, conf).unwrap();
    let _nginx = Reaped(
        Command::new(&nginx)
            .arg("-p")
            .arg(&prefix)
            .arg("-c")
            .arg(&conf_path)
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    tokio::task::spawn_blocking(move || {
        wait_port(qport);
        wait_port(nport);
    })
    .await
    .unwrap();
    let http = client();
    let get = |path: &str, accept: &'static str| {
        http.get(format!("{base}{path}"))
            .header("Accept", accept)
            .header("X-Forwarded-For", "203.0.113.7")
            .send()
    };
    // quire syncs before it answers; nginx may answer 502 for a moment before that.
    let mut webfinger = serde_json::Value::Null;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        let r = get(
            &format!("/.well-known/webfinger?resource=acct:alice@127.0.0.1:{nport}"),
            "application/jrd+json",
        )
        .await
        .unwrap();
        if r.status() == 200 {
            webfinger = r.json().await.unwrap();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let self_link = webfinger["links"]
        .as_array()
        .expect("WebFinger through nginx")
        .iter()
        .find(|l| l["rel"] == "self")
        .unwrap()["href"]
        .clone();
    assert_eq!(self_link, format!("{base}/@alice"));
    let actor: serde_json::Value = get("/@alice", "application/activity+json")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(actor["id"], format!("{base}/@alice"));
    assert_eq!(actor["inbox"], format!("{base}/@alice/inbox"));
    assert_eq!(actor["publicKey"]["id"], format!("{base}/@alice#main-key"));
    let article = get("/posts/hello", "application/activity+json")
        .await
        .unwrap();
    assert_eq!(article.status(), 200);
    let article: serde_json::Value = article.json().await.unwrap();
    assert_eq!(article["id"], format!("{base}/posts/hello"));

    // The log names the client nginx reported (the forged-looking first hop is the last
    // untrusted one here: nginx at 127.0.0.1 is trusted, and appended 127.0.0.1 itself).
    let log = log_path.clone();
    wait_for(Duration::from_secs(10), move || {
        let log = log.clone();
        async move {
            std::fs::read_to_string(&log)
                .unwrap_or_default()
                .contains("client=203.0.113.7")
        }
    })
    .await;
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert!(text.contains("path=/posts/hello status=200"), "{text}");

    // A signed Follow through nginx, from another server (a second quire plays it: its
    // actors and keys are served, so the blog fetches the key as it would a Mastodon's).
    // Both signature schemes: nginx must pass Host, the path and the body untouched.
    let remote = TestInstance::start().await;
    for (from, object, scheme, id) in [
        (
            &remote.app.person,
            format!("{base}/@alice"),
            Scheme::Cavage,
            "/follows/1",
        ),
        (
            &remote.app.group,
            format!("{base}/@blog"),
            Scheme::Rfc9421,
            "/follows/2",
        ),
    ] {
        let follow = serde_json::json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": remote.url(id),
            "type": "Follow",
            "actor": remote.url(&format!("/@{}", from.name)),
            "object": object,
        });
        let body = serde_json::to_vec(&follow).unwrap();
        let response = signed_post(
            &format!("{base}/inbox"),
            &body,
            &from.key_id,
            &from.signer,
            scheme,
            |_| {},
        )
        .await;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert_eq!(status, 202, "{scheme:?} Follow through nginx: {text}");
    }
    for name in ["alice", "blog"] {
        let followers: serde_json::Value =
            get(&format!("/@{name}/followers"), "application/activity+json")
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        assert_eq!(followers["totalItems"], 1, "{name}: {followers}");
    }

    // doctor through the proxy, as a remote server would see the blog.
    let config = dir.path().join("blog.toml");
    let out = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .arg("doctor")
            .arg("-c")
            .arg(&config)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_shipped_nginx_site_passes_nginx_t() {
    let Some(nginx) = nginx_binary() else {
        eprintln!("SKIPPED: no nginx binary (apt-get install -y nginx)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    // A throwaway self-signed certificate where certbot would put the real one.
    let cert = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=blog.example.org", "-keyout"])
        .arg(dir.path().join("key.pem"))
        .arg("-out")
        .arg(dir.path().join("cert.pem"))
        .stderr(Stdio::null())
        .status();
    if !cert.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED: no openssl command to make a test certificate");
        return;
    }
    let shipped =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx.conf"))
            .unwrap();
    // Only what a test cannot have changes: certificate and log paths, privileged ports.
    let site = shipped
        .replace(
            "/etc/letsencrypt/live/blog.example.org/fullchain.pem",
            &format!("{d}/cert.pem"),
        )
        .replace(
            "/etc/letsencrypt/live/blog.example.org/privkey.pem",
            &format!("{d}/key.pem"),
        )
        .replace("/var/log/nginx/", &format!("{d}/"))
        .replace("listen 80;", &format!("listen 127.0.0.1:{};", free_port()))
        .replace("listen [::]:80;", "")
        .replace(
            "listen 443 ssl http2;",
            &format!("listen 127.0.0.1:{} ssl http2;", free_port()),
        )
        .replace("listen [::]:443 ssl http2;", "");
    assert!(!site.contains("/etc/letsencrypt"), "paths replaced");
    std::fs::write(dir.path().join("site.conf"), site).unwrap();
    std::fs::write(
        dir.path().join("nginx.conf"),
        format!("pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{}}\nhttp {{\n    include {d}/site.conf;\n}}\n"),
    )
    .unwrap();
    let out = Command::new(&nginx)
        .arg("-t")
        .arg("-p")
        .arg(dir.path())
        .arg("-c")
        .arg(dir.path().join("nginx.conf"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "nginx -t: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_shipped_systemd_unit_verifies() {
    let Ok(probe) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("SKIPPED: no systemd-analyze");
        return;
    };
    assert!(probe.status.success());
    let dir = tempfile::tempdir().unwrap();
    let unit =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/quire.service"))
            .unwrap()
            .replace("/usr/local/bin/quire", BIN);
    let path = dir.path().join("quire.service");
    std::fs::write(&path, unit).unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "systemd-analyze verify: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
