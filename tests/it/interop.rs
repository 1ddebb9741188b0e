//! Interop with an independent ActivityPub implementation: Fedify (TypeScript, npm
//! `@fedify/fedify`), which shares no code with quire, runs as the remote server against a
//! real quire on 127.0.0.1. Every check here is an assertion made by Fedify's own code:
//!
//! - discovery: Fedify looks up `acct:alice@…` and `acct:blog@…` (WebFinger), dereferences
//!   the Person, the Group and an Article and parses them with its vocabulary classes; and
//!   jsonld.js (the JSON-LD processor Fedify uses) expands our documents in safe mode;
//! - our signatures: requests quire signs (draft-cavage and RFC 9421, POST and GET) verify in
//!   Fedify's `verifyRequestDetailed`, and tampered ones do not;
//! - their signatures: a `Follow` Fedify signs and sends verifies in quire's signature code;
//! - following: Fedify follows alice and the blog through quire's inbox (both schemes, each
//!   accepted at the first knock), and, with the delivery worker, receives our `Accept`s and
//!   a new post's `Create(Article)` and `Announce`, verifying our signatures in its inbox.
//!
//! The JavaScript side is `tests/interop/fedify.mjs` (see `tests/interop/README.md`); its
//! packages are pinned in `tests/interop/package-lock.json` and installed by `.ci/run`.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{HeaderMap, HeaderValue, Method};
use quire::federation::read::Actor;
use quire::federation::signature::{self, PublicKey, RequestParts, Scheme};
use serde_json::{json, Value};
use url::Url;

use crate::support::{client, post, wait_for, TestInstance};

/// How long one command to the Fedify process may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(20);

/// The Fedify process: `node tests/interop/fedify.mjs QUIRE_BASE`, driven over stdin/stdout.
struct Fedify {
    child: Child,
    stdin: ChildStdin,
    lines: tokio::sync::mpsc::UnboundedReceiver<String>,
    stderr: Arc<Mutex<String>>,
    /// Its HTTP server, `http://127.0.0.1:PORT`.
    origin: String,
}

impl Fedify {
    /// Starts the process against the quire at `quire_base` and waits until it listens.
    /// Panics, rather than skipping, when the npm packages are not installed.
    async fn start(quire_base: &str) -> Fedify {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop");
        assert!(
            dir.join("node_modules/@fedify/fedify/package.json")
                .is_file(),
            "the interop test needs Fedify's npm packages: run `cd tests/interop && npm ci` \
             (.ci/run does it)"
        );
        let mut child = Command::new("node")
            .arg("fedify.mjs")
            .arg(quire_base)
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run `node` (Node.js 20+ is required): {e}"));
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let stderr_pipe = child.stderr.take().expect("stderr");
        let (tx, lines) = tokio::sync::mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr_pipe).lines().map_while(Result::ok) {
                let mut text = sink.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });
        let mut fedify = Fedify {
            child,
            stdin,
            lines,
            stderr,
            origin: String::new(),
        };
        let ready = fedify.next_line().await;
        fedify.origin = ready["ready"]
            .as_str()
            .unwrap_or_else(|| fedify.fail(&format!("unexpected first line {ready}")))
            .to_string();
        fedify
    }

    /// The next JSON line on stdout.
    async fn next_line(&mut self) -> Value {
        match tokio::time::timeout(COMMAND_TIMEOUT, self.lines.recv()).await {
            Ok(Some(line)) => serde_json::from_str(&line)
                .unwrap_or_else(|e| self.fail(&format!("not JSON ({e}): {line}"))),
            Ok(None) => self.fail("the Fedify process exited"),
            Err(_) => self.fail("the Fedify process did not answer in time"),
        }
    }

    /// Sends a command and returns its answer, whatever `ok` says.
    async fn try_call(&mut self, command: Value) -> Value {
        writeln!(self.stdin, "{command}").expect("write to the Fedify process");
        self.stdin.flush().expect("flush");
        self.next_line().await
    }

    /// Sends a command; panics with Fedify's error and log when it answers `ok: false`.
    async fn call(&mut self, command: Value) -> Value {
        let answer = self.try_call(command.clone()).await;
        if answer["ok"] != true {
            self.fail(&format!(
                "Fedify refused {command}:\n{}",
                answer["error"].as_str().unwrap_or("?")
            ));
        }
        answer
    }

    /// Panics with `message` and everything the process logged.
    fn fail(&self, message: &str) -> ! {
        let log = self.stderr.lock().unwrap().clone();
        panic!("{message}\n--- Fedify's log (stderr) ---\n{log}");
    }

    /// A URL on Fedify's server.
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.origin, path)
    }
}

impl Drop for Fedify {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A quire with one published post, `/posts/interop`.
async fn instance_with_post() -> TestInstance {
    let t = TestInstance::start().await;
    t.write_post(
        "interop.md",
        &post(
            "Interop, checked",
            "2026-01-02",
            &["fediverse"],
            "First paragraph, *emphasised*.\n\nSecond paragraph.",
        )
        .replace("tags:", "summary: \"Checked by Fedify.\"\ntags:"),
    );
    wait_for(Duration::from_secs(10), || async {
        t.get_json("/posts/interop").await.0 == 200
    })
    .await;
    t
}

#[tokio::test]
async fn fedify_discovers_and_parses_our_actors_and_article() {
    let t = instance_with_post().await;
    let mut fedify = Fedify::start(&t.base).await;
    let article = t.url("/posts/interop");
    // The assertions on ids, inboxes, sharedInbox and keys are made in fedify.mjs; here we
    // check the values Fedify read against what quire meant to say.
    let found = fedify
        .call(json!({"cmd": "discover", "article": article}))
        .await;

    let person = &found["person"];
    assert_eq!(person["type"], "Person");
    assert_eq!(person["id"], t.person());
    assert_eq!(person["preferredUsername"], "alice");
    assert_eq!(person["name"], "Alice Example");
    assert_eq!(person["summary"], "<p>Writes <em>tests</em>.</p>");
    assert_eq!(person["inbox"], t.url("/@alice/inbox"));
    assert_eq!(person["sharedInbox"], t.url("/inbox"));
    assert_eq!(person["keyId"], t.app.person.key_id.as_str());
    assert_eq!(person["keyBits"], 2048);

    let group = &found["group"];
    assert_eq!(group["type"], "Group");
    assert_eq!(group["id"], t.group());
    assert_eq!(group["preferredUsername"], "blog");
    assert_eq!(group["name"], "Test blog");
    assert_eq!(group["inbox"], t.url("/@blog/inbox"));
    assert_eq!(group["keyId"], t.app.group.key_id.as_str());

    let a = &found["article"];
    assert_eq!(a["id"], article);
    assert_eq!(a["name"], "Interop, checked");
    assert_eq!(a["summary"], "<p>Checked by Fedify.</p>");
    assert_eq!(a["url"], article);
    assert_eq!(a["attributedTo"], json!([t.person(), t.group()]));
    assert_eq!(
        a["to"],
        json!(["https://www.w3.org/ns/activitystreams#Public"])
    );
    assert_eq!(
        a["cc"],
        json!([t.url("/@alice/followers"), t.url("/@blog/followers")])
    );
    assert_eq!(a["published"], "2026-01-02T00:00:00Z");
    assert_eq!(a["tags"], json!(["#fediverse"]));
    assert!(
        a["content"]
            .as_str()
            .unwrap()
            .contains("<em>emphasised</em>"),
        "{a}"
    );

    // Every ActivityStreams document a remote server reads, through a JSON-LD processor
    // that refuses undefined terms.
    let urls: Vec<String> = [
        "/@alice",
        "/@blog",
        "/posts/interop",
        "/@alice/outbox",
        "/@alice/outbox?page=1",
        "/@blog/outbox?page=1",
        "/@alice/followers",
        "/@blog/followers",
        "/posts/interop/replies",
    ]
    .iter()
    .map(|p| t.url(p))
    .collect();
    let expanded = fedify.call(json!({"cmd": "expand", "urls": urls})).await;
    assert_eq!(expanded["expanded"], urls.len());
}

/// Signs a request to Fedify's `/verify` with quire's signing code, sends it, and returns
/// Fedify's status and answer. `tamper` may change the request after signing.
async fn send_signed(
    fedify: &Fedify,
    scheme: Scheme,
    method: Method,
    body: Option<&[u8]>,
    key_id: &str,
    key: &signature::PrivateKey,
    tamper: impl FnOnce(&mut HeaderMap, &mut Vec<u8>),
) -> (u16, Value) {
    let url = Url::parse(&fedify.url("/verify")).unwrap();
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/activity+json"),
    );
    signature::sign_request(
        scheme,
        &method,
        &url,
        &mut headers,
        body,
        key_id,
        key,
        chrono::Utc::now(),
    )
    .expect("sign");
    let mut body = body.unwrap_or_default().to_vec();
    tamper(&mut headers, &mut body);
    let mut request = client().request(method.clone(), url).headers(headers);
    if method == Method::POST {
        request = request.body(body);
    }
    let r = request.send().await.expect("send to Fedify");
    let status = r.status().as_u16();
    let answer = r.json().await.unwrap_or(Value::Null);
    (status, answer)
}

#[tokio::test]
async fn fedify_verifies_our_signatures_and_refuses_tampered_ones() {
    let t = instance_with_post().await;
    let fedify = Fedify::start(&t.base).await;
    let alice = &t.app.person;
    let body = serde_json::to_vec(&json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": t.url("/activities/interop-test"),
        "type": "Create",
        "actor": t.person(),
        "object": t.url("/posts/interop"),
    }))
    .unwrap();

    for scheme in [Scheme::Cavage, Scheme::Rfc9421] {
        // Signed POSTs, as delivery sends them, from both actors.
        for actor in [&t.app.person, &t.app.group] {
            let (status, answer) = send_signed(
                &fedify,
                scheme,
                Method::POST,
                Some(&body),
                &actor.key_id,
                &actor.signer,
                |_, _| {},
            )
            .await;
            assert_eq!(status, 202, "{scheme:?} POST by {}: {answer}", actor.key_id);
            assert_eq!(answer["keyId"], actor.key_id.as_str());
        }
        // A signed GET (no body), as quire fetches from servers in secure mode.
        let (status, answer) = send_signed(
            &fedify,
            scheme,
            Method::GET,
            None,
            &alice.key_id,
            &alice.signer,
            |_, _| {},
        )
        .await;
        assert_eq!(status, 202, "{scheme:?} GET: {answer}");

        // Tampered: the body changed after signing (the digest no longer matches).
        let (status, answer) = send_signed(
            &fedify,
            scheme,
            Method::POST,
            Some(&body),
            &alice.key_id,
            &alice.signer,
            |_, body| body.extend_from_slice(b" "),
        )
        .await;
        assert_eq!(status, 401, "{scheme:?} tampered body accepted: {answer}");
        assert_eq!(
            answer["reason"]["type"], "invalidSignature",
            "{scheme:?}: {answer}"
        );
        // Tampered: a digest recomputed for the new body, so only the signature can tell.
        let (status, answer) = send_signed(
            &fedify,
            scheme,
            Method::POST,
            Some(&body),
            &alice.key_id,
            &alice.signer,
            |headers, body| {
                body.extend_from_slice(b" ");
                headers.insert("digest", signature::digest_header(body).parse().unwrap());
                headers.insert(
                    "content-digest",
                    signature::content_digest_header(body).parse().unwrap(),
                );
            },
        )
        .await;
        assert_eq!(
            status, 401,
            "{scheme:?} re-digested body accepted: {answer}"
        );
        assert_eq!(
            answer["reason"]["type"], "invalidSignature",
            "{scheme:?}: {answer}"
        );
        // Signed with the blog's key but claiming alice's key id.
        let (status, answer) = send_signed(
            &fedify,
            scheme,
            Method::POST,
            Some(&body),
            &alice.key_id,
            &t.app.group.signer,
            |_, _| {},
        )
        .await;
        assert_eq!(status, 401, "{scheme:?} wrong key accepted: {answer}");
        assert_eq!(
            answer["reason"]["type"], "invalidSignature",
            "{scheme:?}: {answer}"
        );
    }

    // The endpoint is no rubber stamp: an unsigned request is refused too.
    let r = client()
        .post(fedify.url("/verify"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let answer: Value = r.json().await.unwrap();
    assert_eq!(answer["reason"]["type"], "noSignature", "{answer}");

    // quire's own delivery client (SafeClient::post_activity), end to end.
    for scheme in [Scheme::Cavage, Scheme::Rfc9421] {
        let outcome = t
            .app
            .client
            .post_activity(&fedify.url("/verify"), &body, scheme, alice.signer())
            .await
            .expect("POST to Fedify");
        assert_eq!(outcome.status, 202, "{scheme:?}: {}", outcome.body_excerpt);
    }
    // And its signed GET (SafeClient::get_json).
    let answer = t
        .app
        .client
        .get_json(&fedify.url("/verify"), Some(alice.signer()))
        .await
        .expect("signed GET verified by Fedify");
    assert_eq!(answer["verified"], true);
}

/// A request an inbox received, with what quire's signature code made of it.
#[derive(Debug, Clone)]
struct Received {
    scheme: Option<Scheme>,
    key_id: Option<String>,
    verdict: Result<(), String>,
    body: Vec<u8>,
}

/// Verifies a request as an inbox would, with quire's code only: parse the signature, fetch
/// the signer's actor with quire's client, read its key, verify signature, digest and date.
async fn verify_with_quire(
    t: &TestInstance,
    url: &Url,
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
) -> Received {
    let mut received = Received {
        scheme: None,
        key_id: None,
        verdict: Ok(()),
        body: body.to_vec(),
    };
    let parts = RequestParts {
        method,
        target_uri: url,
        headers,
    };
    let outcome = async {
        let parsed = signature::parse(&parts).map_err(|e| e.to_string())?;
        received.scheme = Some(parsed.scheme());
        received.key_id = Some(parsed.key_id().to_string());
        let actor_url = parsed.key_id().split('#').next().unwrap().to_string();
        let document = t
            .app
            .client
            .get_json(&actor_url, Some(t.app.person.signer()))
            .await
            .map_err(|e| e.to_string())?;
        let actor = Actor::from_value(&document).map_err(|e| e.to_string())?;
        let key = actor
            .key(parsed.key_id())
            .ok_or_else(|| format!("{} does not publish {}", actor.id, parsed.key_id()))?;
        let key = PublicKey::from_pem(&key.pem).map_err(|e| e.to_string())?;
        parsed
            .verify(&parts, &key, chrono::Utc::now(), Some(body))
            .map_err(|e| e.to_string())
    }
    .await;
    received.verdict = outcome;
    received
}

#[tokio::test]
async fn fedify_signatures_verify_in_our_code() {
    let t = Arc::new(instance_with_post().await);
    // An inbox on 127.0.0.1 that verifies with quire's signature module: 202 or 401.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let inbox = format!("http://{}/inbox", listener.local_addr().unwrap());
    let log: Arc<Mutex<Vec<Received>>> = Arc::default();
    let app = {
        let (t, log, inbox) = (t.clone(), log.clone(), inbox.clone());
        axum::Router::new().route(
            "/inbox",
            axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
                let (t, log, inbox) = (t.clone(), log.clone(), inbox.clone());
                async move {
                    let url = Url::parse(&inbox).unwrap();
                    let r = verify_with_quire(&t, &url, &Method::POST, &headers, &body).await;
                    let status = if r.verdict.is_ok() { 202 } else { 401 };
                    log.lock().unwrap().push(r);
                    axum::http::StatusCode::from_u16(status).unwrap()
                }
            }),
        )
    };
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let mut fedify = Fedify::start(&t.base).await;
    for (spec, scheme) in [
        ("rfc9421", Scheme::Rfc9421),
        ("draft-cavage-http-signatures-12", Scheme::Cavage),
    ] {
        log.lock().unwrap().clear();
        let sent = fedify
            .call(json!({"cmd": "follow", "spec": spec, "actor": t.person(), "inbox": inbox}))
            .await;
        let log = log.lock().unwrap().clone();
        // One request: had quire refused the first knock, Fedify would have retried.
        assert_eq!(log.len(), 1, "{spec}: {log:#?}");
        let r = &log[0];
        assert_eq!(r.scheme, Some(scheme), "{spec}");
        assert_eq!(
            r.verdict,
            Ok(()),
            "{spec}: quire refused Fedify's signature"
        );
        assert_eq!(
            r.key_id
                .as_deref()
                .map(|k| k.starts_with(sent["actor"].as_str().unwrap())),
            Some(true),
            "{r:?}"
        );
        let follow: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(follow["type"], "Follow");
        assert_eq!(follow["id"], sent["id"]);
        assert_eq!(follow["object"], t.person());
    }
    server.abort();
}

/// What Fedify's inbox accepted so far (it verified each signature first).
async fn received(fedify: &mut Fedify) -> Vec<Value> {
    let answer = fedify.call(json!({"cmd": "received"})).await;
    answer["received"].as_array().cloned().unwrap_or_default()
}

/// Fedify follows alice (RFC 9421 first) and the blog (draft-cavage first) through quire's
/// inbox, each found by WebFinger; asserts that quire accepted each Follow at the first knock
/// (202, no retry with the other scheme) and stored the follower. Returns the Follow ids.
async fn fedify_follows_both(t: &TestInstance, fedify: &mut Fedify) -> Vec<(&'static str, String)> {
    let host = t.base.trim_start_matches("http://").to_string();
    let mut follows = Vec::new();
    for (name, spec) in [
        ("alice", "rfc9421"),
        ("blog", "draft-cavage-http-signatures-12"),
    ] {
        // Fails unless quire answers 2xx (after a retry with the other signature scheme).
        let sent = fedify
            .call(json!({"cmd": "follow", "spec": spec, "actor": format!("acct:{name}@{host}")}))
            .await;
        // Accepted at the first knock, with the scheme Fedify chose.
        assert_eq!(
            sent["knocks"],
            json!([{"url": t.url(&format!("/@{name}/inbox")), "scheme": spec, "status": 202}]),
            "{name} ({spec})"
        );
        let bob = sent["actor"].as_str().unwrap().to_string();
        let followers = t.app.store.followers(name).unwrap();
        assert!(
            followers.iter().any(|f| f.actor_id == bob
                && f.inbox == fedify.url("/users/bob/inbox")
                && f.follow_id.as_deref() == sent["id"].as_str()),
            "{name} ({spec}): Fedify's Follow was not stored: {followers:?}"
        );
        follows.push((name, sent["id"].as_str().unwrap().to_string()));
    }
    follows
}

/// Fedify follows us: quire verifies Fedify's signatures (both schemes), answers 202 and
/// stores the followers.
#[tokio::test]
async fn fedify_follows_us_through_our_inbox() {
    let t = instance_with_post().await;
    let mut fedify = Fedify::start(&t.base).await;
    let follows = fedify_follows_both(&t, &mut fedify).await;
    assert_eq!(follows.len(), 2);
}

/// After Fedify follows us, quire's delivery worker sends each follow an `Accept`, and a new
/// post as alice's `Create(Article)` and the blog's `Announce`; Fedify's inbox verifies
/// quire's signatures with its own code before accepting each.
#[tokio::test]
async fn fedify_receives_our_accept_and_posts() {
    let t = instance_with_post().await;
    let mut fedify = Fedify::start(&t.base).await;
    let follows = fedify_follows_both(&t, &mut fedify).await;

    // quire's Accepts, verified by Fedify's inbox.
    let accepted = |got: &[Value]| {
        follows.iter().all(|(name, _)| {
            got.iter()
                .any(|a| a["type"] == "Accept" && a["actor"] == t.url(&format!("/@{name}")))
        })
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let mut got = received(&mut fedify).await;
    while !accepted(&got) {
        if std::time::Instant::now() > deadline {
            fedify.fail(&format!(
                "no Accept from both actors; Fedify received {got:#?}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        got = received(&mut fedify).await;
    }
    for accept in got.iter().filter(|a| a["type"] == "Accept") {
        assert!(
            follows
                .iter()
                .any(|(_, id)| accept["objectId"] == id.as_str()),
            "Accept of an unknown Follow: {accept}"
        );
    }

    // A new post reaches the follower as alice's Create(Article) and the blog's Announce.
    t.write_post(
        "fresh.md",
        &post("Fresh news", "2026-02-01", &[], "Delivered to Fedify."),
    );
    let article = t.url("/posts/fresh");
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        got = received(&mut fedify).await;
        let find = |kind: &str| {
            got.iter()
                .find(|a| a["type"] == kind && a["objectId"] == article.as_str())
                .cloned()
        };
        if let (Some(create), Some(announce)) = (find("Create"), find("Announce")) {
            for (activity, actor) in [(&create, t.person()), (&announce, t.group())] {
                assert_eq!(activity["actor"], actor.as_str(), "{activity}");
                assert_eq!(activity["objectType"], "Article", "{activity}");
                assert_eq!(activity["objectName"], "Fresh news", "{activity}");
            }
            break;
        }
        if std::time::Instant::now() > deadline {
            fedify.fail(&format!(
                "no Create and Announce of {article}; Fedify received {got:#?}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
