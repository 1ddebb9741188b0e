//! Delivery to followers: planning, signing, retries, giving up, double-knocking, durability
//! across `kill -9`, graceful stop, and the `quire queue` / `quire followers` commands.
//!
//! Remote servers are [`Sink`]s: small HTTP servers on 127.0.0.1 that record every request
//! and answer what the test scripts.

use std::collections::VecDeque;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use quire::federation::delivery::now_unix;
use quire::federation::signature::{self, PublicKey, RequestParts};
use quire::store::deliveries::{DeliveryRow, DeliveryState};
use quire::store::Store;

use crate::support::{post, wait_for, Options, TestInstance};

const BIN: &str = env!("CARGO_BIN_EXE_quire");

/// One request a sink received.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Received {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_default()
    }
    fn kind(&self) -> String {
        self.json()["type"].as_str().unwrap_or_default().to_string()
    }
    fn is_rfc9421(&self) -> bool {
        self.headers.contains_key("signature-input")
    }
}

/// What a sink answers.
#[derive(Debug, Clone, Copy)]
enum Reply {
    Status(u16),
    /// Never answer (the connection stays open until the client goes away).
    Hold,
}

type Script = Box<dyn FnMut(&Received) -> Reply + Send>;

struct SinkState {
    received: Mutex<Vec<Received>>,
    script: Mutex<Script>,
}

/// A remote server's inboxes: records requests, answers by script.
struct Sink {
    base: String,
    host: String,
    state: Arc<SinkState>,
}

impl Sink {
    /// A sink answering every request with 202.
    async fn start() -> Sink {
        Self::scripted(|_| Reply::Status(202)).await
    }

    /// A sink answering the given statuses in turn, then 202.
    async fn answering(statuses: &[u16]) -> Sink {
        let mut queue: VecDeque<u16> = statuses.iter().copied().collect();
        Self::scripted(move |_| Reply::Status(queue.pop_front().unwrap_or(202))).await
    }

    async fn scripted(script: impl FnMut(&Received) -> Reply + Send + 'static) -> Sink {
        let state = Arc::new(SinkState {
            received: Mutex::new(Vec::new()),
            script: Mutex::new(Box::new(script)),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = axum::Router::new()
            .fallback(receive)
            .with_state(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Sink {
            base: format!("http://{addr}"),
            host: addr.to_string(),
            state,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    fn received(&self) -> Vec<Received> {
        self.state.received.lock().unwrap().clone()
    }

    fn count(&self) -> usize {
        self.state.received.lock().unwrap().len()
    }
}

async fn receive(
    State(state): State<Arc<SinkState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    assert_eq!(method, Method::POST);
    let received = Received {
        path: uri.path().to_string(),
        headers,
        body: body.to_vec(),
    };
    let reply = (state.script.lock().unwrap())(&received);
    state.received.lock().unwrap().push(received);
    match reply {
        Reply::Status(s) => StatusCode::from_u16(s).unwrap().into_response(),
        Reply::Hold => std::future::pending().await,
    }
}

/// Checks a received request's signature with the public key of the local actor it names.
fn assert_signed_by_instance(t: &TestInstance, sink: &Sink, r: &Received) {
    let url = url::Url::parse(&sink.url(&r.path)).unwrap();
    let parts = RequestParts {
        method: &Method::POST,
        target_uri: &url,
        headers: &r.headers,
    };
    let parsed = signature::parse(&parts).expect("a signature");
    let actor = if parsed.key_id() == t.app.person.key_id {
        &t.app.person
    } else {
        assert_eq!(parsed.key_id(), t.app.group.key_id, "an unknown key");
        &t.app.group
    };
    let key = PublicKey::from_pem(&actor.keys.public_key_pem).unwrap();
    parsed
        .verify(&parts, &key, chrono::Utc::now(), Some(&r.body))
        .expect("the signature verifies");
    // Signed by the actor that sends the activity.
    let activity = r.json();
    assert_eq!(
        activity["actor"].as_str().unwrap(),
        t.url(&format!("/@{}", actor.name))
    );
}

fn rows(t: &TestInstance) -> Vec<DeliveryRow> {
    t.app.store.all_deliveries().unwrap()
}

fn all_settled(t: &TestInstance) -> bool {
    t.app.store.unplanned_activities(1).unwrap().is_empty()
        && rows(t).iter().all(|r| r.state != DeliveryState::Pending)
}

/// Makes waiting retries due now and wakes the worker (instead of waiting out the back-off).
fn retry_now(t: &TestInstance) {
    t.app.store.expedite_pending_deliveries(now_unix()).unwrap();
    t.app.outbox_notify.notify_one();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_reaches_each_shared_inbox_once_signed_then_its_update_and_delete() {
    let t = TestInstance::start().await;
    let sink = Sink::start().await;
    let store = &t.app.store;
    let shared = sink.url("/inbox");
    // Two followers of the author on one server share its inbox; one has no shared inbox;
    // the blog has a follower on the same server and one elsewhere.
    store
        .add_follower(
            "alice",
            &sink.url("/u/a"),
            &sink.url("/u/a/inbox"),
            Some(&shared),
            None,
        )
        .unwrap();
    store
        .add_follower(
            "alice",
            &sink.url("/u/b"),
            &sink.url("/u/b/inbox"),
            Some(&shared),
            None,
        )
        .unwrap();
    store
        .add_follower(
            "alice",
            &sink.url("/u/c"),
            &sink.url("/u/c/inbox"),
            None,
            None,
        )
        .unwrap();
    store
        .add_follower(
            "blog",
            &sink.url("/u/a"),
            &sink.url("/u/a/inbox"),
            Some(&shared),
            None,
        )
        .unwrap();
    store
        .add_follower(
            "blog",
            &sink.url("/u/e"),
            &sink.url("/u/e/inbox"),
            None,
            None,
        )
        .unwrap();
    // A follower on our own host is never delivered to.
    store
        .add_follower(
            "blog",
            &t.url("/@alice"),
            &t.url("/@alice/inbox"),
            Some(&t.url("/inbox")),
            None,
        )
        .unwrap();

    t.write_post("hello.md", &post("Hello", "2024-01-01", &[], "first"));
    // The Create (Person) goes to the Person's and the Group's followers: 3 inboxes; the
    // Announce (Group) to the Group's: 2.
    wait_for(Duration::from_secs(10), || async { sink.count() >= 5 }).await;
    wait_for(Duration::from_secs(10), || async { all_settled(&t) }).await;
    let got = sink.received();
    let mut seen: Vec<(String, String)> = got.iter().map(|r| (r.kind(), r.path.clone())).collect();
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("Announce".to_string(), "/inbox".to_string()),
            ("Announce".into(), "/u/e/inbox".into()),
            ("Create".into(), "/inbox".into()),
            ("Create".into(), "/u/c/inbox".into()),
            ("Create".into(), "/u/e/inbox".into()),
        ]
    );
    for r in &got {
        assert_signed_by_instance(&t, &sink, r);
        assert!(!r.is_rfc9421(), "cavage is the default");
    }
    assert!(rows(&t)
        .iter()
        .all(|r| r.state == DeliveryState::Done && r.attempts == 1));
    assert_eq!(
        store
            .remote_host(&sink.host)
            .unwrap()
            .unwrap()
            .first_failure_at,
        None
    );

    // An edit sends Update, a removal Delete, to the same three inboxes.
    t.write_post("hello.md", &post("Hello", "2024-01-01", &[], "second"));
    wait_for(Duration::from_secs(10), || async {
        sink.received()
            .iter()
            .filter(|r| r.kind() == "Update")
            .count()
            >= 3
    })
    .await;
    std::fs::remove_file(t.content().join("hello.md")).unwrap();
    wait_for(Duration::from_secs(10), || async {
        sink.received()
            .iter()
            .filter(|r| r.kind() == "Delete")
            .count()
            >= 3
    })
    .await;
    wait_for(Duration::from_secs(10), || async { all_settled(&t) }).await;
    let got = sink.received();
    for kind in ["Update", "Delete"] {
        let mut paths: Vec<_> = got
            .iter()
            .filter(|r| r.kind() == kind)
            .map(|r| r.path.clone())
            .collect();
        paths.sort();
        assert_eq!(paths, ["/inbox", "/u/c/inbox", "/u/e/inbox"], "{kind}");
    }
    for r in &got {
        assert_signed_by_instance(&t, &sink, r);
    }
    assert_eq!(got.len(), 11);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn activities_recorded_by_another_process_are_delivered_without_a_wake_up() {
    use quire::store::outbox::NewActivity;

    let t = TestInstance::start().await;
    let sink = Sink::start().await;
    let inbox = sink.url("/u/a/inbox");
    // Another handle on the database file, as `quire import` has: it cannot notify `serve`.
    let other = Store::open(t.app.store.path().unwrap()).unwrap();
    other
        .record_activity(&NewActivity {
            activity_id: t.url("/accept/1"),
            actor: "alice".into(),
            kind: "Accept".into(),
            object_id: Some(sink.url("/follow/1")),
            payload: format!("{{\"type\":\"Accept\",\"actor\":\"{}\"}}", t.person()),
            target_inbox: Some(inbox),
        })
        .unwrap();
    wait_for(Duration::from_secs(5), || async { sink.count() == 1 }).await;
    let got = &sink.received()[0];
    assert_eq!(
        (got.kind(), got.path.as_str()),
        ("Accept".to_string(), "/u/a/inbox")
    );
    assert_signed_by_instance(&t, &sink, got);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_is_retried_until_it_gets_through() {
    let t = TestInstance::start().await;
    let sink = Sink::answering(&[500]).await;
    t.app
        .store
        .add_follower(
            "alice",
            &sink.url("/u/a"),
            &sink.url("/u/a/inbox"),
            None,
            None,
        )
        .unwrap();
    t.write_post("p.md", &post("P", "2024-01-01", &[], "x"));
    wait_for(Duration::from_secs(10), || async {
        rows(&t).first().is_some_and(|r| r.attempts == 1)
    })
    .await;
    let row = &rows(&t)[0];
    assert_eq!(row.state, DeliveryState::Pending);
    assert_eq!(row.last_status, Some(500));
    assert!(
        row.next_attempt_at > now_unix() + 15,
        "backs off about 30 s"
    );
    let host = t.app.store.remote_host(&sink.host).unwrap().unwrap();
    assert!(host.first_failure_at.is_some());

    retry_now(&t);
    wait_for(Duration::from_secs(10), || async {
        rows(&t)[0].state == DeliveryState::Done
    })
    .await;
    assert_eq!(sink.count(), 2);
    assert_eq!(rows(&t)[0].attempts, 2);
    let host = t.app.store.remote_host(&sink.host).unwrap().unwrap();
    assert_eq!(
        host.first_failure_at, None,
        "a success ends the run of failures"
    );
    assert!(host.last_success_at.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gone_is_never_retried_and_a_dead_host_is_not_tried() {
    let t = TestInstance::start().await;
    let gone = Sink::scripted(|_| Reply::Status(410)).await;
    let dead = Sink::start().await;
    let store = &t.app.store;
    store
        .add_follower(
            "alice",
            &gone.url("/u/a"),
            &gone.url("/u/a/inbox"),
            None,
            None,
        )
        .unwrap();
    store
        .add_follower(
            "alice",
            &dead.url("/u/b"),
            &dead.url("/u/b/inbox"),
            None,
            None,
        )
        .unwrap();
    // The dead host has failed without a break for four days.
    store
        .set_host_failing_since(&dead.host, Some(now_unix() - 4 * 86_400))
        .unwrap();
    t.write_post("p.md", &post("P", "2024-01-01", &[], "x"));
    wait_for(Duration::from_secs(10), || async {
        rows(&t).len() == 2 && all_settled(&t)
    })
    .await;
    let gone_rows = store.deliveries_in(&[DeliveryState::Gone]).unwrap();
    assert_eq!(gone_rows.len(), 1);
    assert_eq!(gone_rows[0].last_status, Some(410));

    retry_now(&t);
    // A later post to the same inbox proves the worker ran again.
    t.write_post("q.md", &post("Q", "2024-01-02", &[], "y"));
    wait_for(Duration::from_secs(10), || async {
        rows(&t).len() == 4 && all_settled(&t)
    })
    .await;
    let got = gone.received();
    assert_eq!(got.len(), 2, "the 410'd Create was not sent again");
    assert_ne!(got[0].json()["id"], got[1].json()["id"]);
    assert_eq!(
        store.deliveries_in(&[DeliveryState::Gone]).unwrap().len(),
        2
    );

    assert_eq!(dead.count(), 0);
    let failed = store.deliveries_in(&[DeliveryState::Failed]).unwrap();
    assert_eq!(failed.len(), 2);
    assert!(failed
        .iter()
        .all(|r| r.host == dead.host && r.attempts == 0));
    assert!(
        failed[0]
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("days"),
        "{failed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn double_knocking_falls_back_to_cavage_and_remembers_what_each_host_took() {
    let t = TestInstance::start_with(Options {
        // Lands in the [federation] table the test config ends with.
        extra_toml: "signature = \"rfc9421\"\n".into(),
        ..Options::default()
    })
    .await;
    let old = Sink::scripted(|r| Reply::Status(if r.is_rfc9421() { 401 } else { 202 })).await;
    let new = Sink::start().await;
    let store = &t.app.store;
    store
        .add_follower(
            "alice",
            &old.url("/u/a"),
            &old.url("/u/a/inbox"),
            None,
            None,
        )
        .unwrap();
    store
        .add_follower(
            "alice",
            &new.url("/u/b"),
            &new.url("/u/b/inbox"),
            None,
            None,
        )
        .unwrap();

    t.write_post("p.md", &post("P", "2024-01-01", &[], "x"));
    wait_for(Duration::from_secs(10), || async {
        all_settled(&t) && old.count() == 2
    })
    .await;
    let got = old.received();
    assert!(
        got[0].is_rfc9421() && !got[1].is_rfc9421(),
        "RFC 9421 first, then cavage"
    );
    assert_signed_by_instance(&t, &old, &got[0]);
    assert_signed_by_instance(&t, &old, &got[1]);
    assert_eq!(new.count(), 1);
    assert!(new.received()[0].is_rfc9421());
    assert_signed_by_instance(&t, &new, &new.received()[0]);
    let remembered = |host: &str| store.remote_host(host).unwrap().unwrap().signature;
    assert_eq!(remembered(&old.host).as_deref(), Some("cavage"));
    assert_eq!(remembered(&new.host).as_deref(), Some("rfc9421"));
    assert!(rows(&t).iter().all(|r| r.state == DeliveryState::Done));

    // Next time each host gets what it took, at the first knock.
    t.write_post("q.md", &post("Q", "2024-01-02", &[], "y"));
    wait_for(Duration::from_secs(10), || async {
        all_settled(&t) && old.count() == 3 && new.count() == 2
    })
    .await;
    assert!(!old.received()[2].is_rfc9421());
    assert!(new.received()[1].is_rfc9421());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graceful_stop_releases_the_lease_of_a_send_under_way() {
    let t = TestInstance::start().await;
    let sink = Sink::scripted(|_| Reply::Hold).await;
    t.app
        .store
        .add_follower(
            "alice",
            &sink.url("/u/a"),
            &sink.url("/u/a/inbox"),
            None,
            None,
        )
        .unwrap();
    t.write_post("p.md", &post("P", "2024-01-01", &[], "x"));
    wait_for(Duration::from_secs(10), || async { sink.count() == 1 }).await;
    assert!(rows(&t)[0].leased_until.is_some());
    let app = t.app.clone();
    let started = std::time::Instant::now();
    let _dir = t.stop().await;
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    let row = &app.store.all_deliveries().unwrap()[0];
    assert_eq!(row.state, DeliveryState::Pending);
    assert_eq!(row.leased_until, None, "the next start sends it at once");
    assert_eq!(row.attempts, 0);
}

/// A blog.toml for the real binary, listening on `port`, with its data and content folders.
fn write_binary_config(dir: &std::path::Path, port: u16) -> std::path::PathBuf {
    let config = dir.join("blog.toml");
    std::fs::create_dir_all(dir.join("content")).unwrap();
    std::fs::write(
        &config,
        format!(
            "[site]\nbase_url = \"http://127.0.0.1:{port}\"\n[author]\nusername = \"alice\"\n[server]\nlisten = \"127.0.0.1:{port}\"\n[federation]\nallow_private_networks = true\n"
        ),
    )
    .unwrap();
    config
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn spawn_serve(config: &std::path::Path, port: u16) -> std::process::Child {
    let child = Command::new(BIN)
        .args(["serve", "-c"])
        .arg(config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(Duration::from_secs(30), || async {
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
    })
    .await;
    child
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_cut_by_kill_9_is_sent_after_restart_and_queued_once() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = write_binary_config(dir.path(), port);
    // The first request is held open (the process dies during it); the next is accepted.
    let mut first = true;
    let sink = Sink::scripted(move |_| {
        if std::mem::take(&mut first) {
            Reply::Hold
        } else {
            Reply::Status(202)
        }
    })
    .await;
    let db = dir.path().join("data/quire.db");
    Store::open(&db)
        .unwrap()
        .add_follower(
            "alice",
            &sink.url("/u/a"),
            &sink.url("/u/a/inbox"),
            Some(&sink.url("/inbox")),
            None,
        )
        .unwrap();

    let mut child = spawn_serve(&config, port).await;
    crate::support::write_file(
        &dir.path().join("content/p.md"),
        &post("P", "2024-01-01", &[], "x"),
    );
    wait_for(Duration::from_secs(15), || async { sink.count() == 1 }).await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let mut child = spawn_serve(&config, port).await;
    let store = Store::open(&db).unwrap();
    wait_for(Duration::from_secs(15), || async {
        store
            .all_deliveries()
            .unwrap()
            .iter()
            .all(|r| r.state == DeliveryState::Done)
    })
    .await;
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let _ = child.wait();

    let got = sink.received();
    assert_eq!(got.len(), 2, "held once, then delivered once");
    assert_eq!(got[0].body, got[1].body);
    assert_eq!(got[1].kind(), "Create");
    assert_eq!(got[1].path, "/inbox");
    let rows = store.all_deliveries().unwrap();
    assert_eq!(rows.len(), 1, "one delivery row: {rows:?}");
    assert_eq!(rows[0].attempts, 1);
}

fn quire(args: &[&str], config: &std::path::Path) -> String {
    let out = Command::new(BIN)
        .args(args)
        .arg("-c")
        .arg(config)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn queue_shows_pending_and_failed_and_retry_resets_the_failed() {
    use quire::store::deliveries::{AttemptFailure, NewDelivery};
    use quire::store::outbox::NewActivity;

    let dir = tempfile::tempdir().unwrap();
    let config = write_binary_config(dir.path(), free_port());
    let store = Store::open(&dir.path().join("data/quire.db")).unwrap();
    store
        .add_follower(
            "alice",
            "https://m.example/u/bob",
            "https://m.example/u/bob/inbox",
            Some("https://m.example/inbox"),
            None,
        )
        .unwrap();
    store
        .add_follower(
            "blog",
            "https://p.example/carol",
            "https://p.example/carol/inbox",
            None,
            None,
        )
        .unwrap();
    store
        .record_activity(&NewActivity {
            activity_id: "http://blog.test/a/1".into(),
            actor: "alice".into(),
            kind: "Create".into(),
            object_id: Some("http://blog.test/posts/hello".into()),
            payload: "{}".into(),
            target_inbox: None,
        })
        .unwrap();
    let outbox_id = store.unplanned_activities(1).unwrap()[0].id;
    let now = now_unix();
    let to = |inbox: &str, host: &str| NewDelivery {
        inbox: inbox.into(),
        host: host.into(),
    };
    store
        .plan_deliveries(
            outbox_id,
            &[
                to("https://m.example/inbox", "m.example"),
                to("https://p.example/carol/inbox", "p.example"),
            ],
            now,
        )
        .unwrap();
    let leased = store.lease_deliveries(now, now + 60, 10).unwrap();
    let fail = |state, error: &str| AttemptFailure {
        state,
        next_attempt_at: now + 600,
        status: Some(503),
        error: error.into(),
        host_down: true,
    };
    store
        .mark_attempt_failed(
            leased[0].id,
            "m.example",
            &fail(DeliveryState::Pending, "HTTP 503: busy"),
            now,
        )
        .unwrap();
    store
        .mark_attempt_failed(
            leased[1].id,
            "p.example",
            &fail(DeliveryState::Failed, "HTTP 503: down"),
            now,
        )
        .unwrap();

    let followers = quire(&["followers"], &config);
    assert!(followers.contains("@alice@127.0.0.1"), "{followers}");
    assert!(
        followers.contains("https://m.example/u/bob  inbox https://m.example/inbox"),
        "{followers}"
    );
    assert!(followers.contains("@blog@127.0.0.1"), "{followers}");
    assert!(followers.contains("https://p.example/carol"), "{followers}");

    let shown = quire(&["queue"], &config);
    assert!(
        shown.contains("1 pending, 1 failed, 0 gone, 0 done"),
        "{shown}"
    );
    assert!(shown.contains("m.example: 1 deliveries"), "{shown}");
    assert!(
        shown.contains("Create http://blog.test/posts/hello → https://m.example/inbox"),
        "{shown}"
    );
    assert!(shown.contains("next attempt in 10m"), "{shown}");
    assert!(shown.contains("last error: HTTP 503: busy"), "{shown}");
    assert!(shown.contains("last error: HTTP 503: down"), "{shown}");
    assert!(shown.contains("quire queue retry"), "{shown}");

    let retried = quire(&["queue", "retry"], &config);
    assert_eq!(retried.trim(), "1 failed delivery will be retried now");
    let shown = quire(&["queue"], &config);
    assert!(shown.contains("2 pending, 0 failed"), "{shown}");
    assert!(shown.contains("due now"), "{shown}");
    assert_eq!(
        quire(&["queue", "retry"], &config).trim(),
        "no failed deliveries to retry"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_quire_that_follows_gets_the_accept_and_the_post_and_its_inbox_verifies_them() {
    use quire::federation::signature::Scheme;

    let a = TestInstance::start().await;
    let b = TestInstance::start().await;
    let follow = serde_json::json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": b.url("/follows/1"),
        "type": "Follow",
        "actor": b.person(),
        "object": a.person(),
    });
    let body = serde_json::to_vec(&follow).unwrap();
    let status = crate::support::signer::signed_post(
        &a.url("/inbox"),
        &body,
        &b.app.person.key_id,
        &b.app.person.signer,
        Scheme::Cavage,
        |_| {},
    )
    .await
    .status();
    assert_eq!(status, 202);
    // The Accept goes to the follower's own inbox, and b's inbox takes it (verified: 2xx).
    wait_for(Duration::from_secs(10), || async {
        rows(&a)
            .iter()
            .any(|r| r.kind == "Accept" && r.state == DeliveryState::Done)
    })
    .await;
    a.write_post("p.md", &post("P", "2024-01-01", &[], "x"));
    wait_for(Duration::from_secs(10), || async {
        rows(&a)
            .iter()
            .any(|r| r.kind == "Create" && r.state == DeliveryState::Done)
    })
    .await;
    let rows = rows(&a);
    let create = rows.iter().find(|r| r.kind == "Create").unwrap();
    assert_eq!(create.inbox, b.url("/inbox"), "the shared inbox");
    assert!(matches!(create.last_status, Some(200..=299)), "{create:?}");
    let accept = rows.iter().find(|r| r.kind == "Accept").unwrap();
    assert_eq!(accept.inbox, b.url("/@alice/inbox"));
}
