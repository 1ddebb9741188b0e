//! The inbox: signed activities from another (real) quire on 127.0.0.1, and every refusal.
//!
//! Instance B plays the remote server: its actors and keys are real and served, so A fetches
//! B's keys over HTTP exactly as it would a Mastodon's. Every refusal asserts the status AND
//! that nothing changed.

use chrono::{TimeDelta, Utc};
use http::HeaderValue;
use quire::app::LocalActor;
use quire::federation::signature::Scheme;
use quire::store::now_rfc3339;
use quire::store::remote_actors::RemoteActor;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::signer::{post_raw, signed_headers, signed_post};
use crate::support::TestInstance;

/// Two instances: `a` receives, `b` sends.
async fn pair() -> (TestInstance, TestInstance) {
    (TestInstance::start().await, TestInstance::start().await)
}

/// POSTs `activity` to `url`, signed by `from` with its own key.
async fn send(url: &str, from: &LocalActor, activity: &Value, scheme: Scheme) -> StatusCode {
    let body = serde_json::to_vec(activity).unwrap();
    signed_post(url, &body, &from.key_id, &from.signer, scheme, |_| {})
        .await
        .status()
}

/// The status and text of an answer.
async fn answer(r: reqwest::Response) -> (StatusCode, String) {
    let status = r.status();
    (status, r.text().await.unwrap_or_default())
}

fn follow(b: &TestInstance, id: &str, object: &str) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": b.url(id),
        "type": "Follow",
        "actor": b.person(),
        "object": object,
    })
}

fn follower_ids(t: &TestInstance, name: &str) -> Vec<String> {
    t.app
        .store
        .followers(name)
        .unwrap()
        .into_iter()
        .map(|f| f.actor_id)
        .collect()
}

fn accepts(t: &TestInstance, name: &str) -> Vec<quire::store::outbox::OutboxActivity> {
    t.app.store.outbox_page(name, "Accept", 0, 100).unwrap()
}

/// Nothing was followed, accepted, cached or remembered.
fn assert_untouched(a: &TestInstance, remote: &str) {
    assert!(follower_ids(a, "alice").is_empty(), "a follower was stored");
    assert!(follower_ids(a, "blog").is_empty(), "a follower was stored");
    assert!(accepts(a, "alice").is_empty(), "an Accept was recorded");
    assert!(accepts(a, "blog").is_empty(), "an Accept was recorded");
    assert!(
        !a.app.store.was_received(remote).unwrap(),
        "the activity id was remembered"
    );
}

#[tokio::test]
async fn a_follow_of_the_person_is_stored_and_answered_with_an_accept_to_the_followers_inbox() {
    let (a, b) = pair().await;
    let activity = follow(&b, "/follows/1", &a.person());
    let status = send(&a.url("/inbox"), &b.app.person, &activity, Scheme::Cavage).await;
    assert_eq!(status, StatusCode::ACCEPTED);

    let followers = a.app.store.followers("alice").unwrap();
    assert_eq!(followers.len(), 1);
    assert_eq!(followers[0].actor_id, b.person());
    assert_eq!(followers[0].inbox, b.url("/@alice/inbox"));
    assert_eq!(
        followers[0].shared_inbox.as_deref(),
        Some(b.url("/inbox").as_str())
    );
    assert_eq!(
        followers[0].follow_id.as_deref(),
        Some(b.url("/follows/1").as_str())
    );
    assert!(follower_ids(&a, "blog").is_empty());

    let accepts = accepts(&a, "alice");
    assert_eq!(accepts.len(), 1);
    assert_eq!(
        accepts[0].target_inbox.as_deref(),
        Some(b.url("/@alice/inbox").as_str())
    );
    let payload: Value = serde_json::from_str(&accepts[0].payload).unwrap();
    assert_eq!(payload["type"], "Accept");
    assert_eq!(payload["actor"], a.person());
    assert_eq!(payload["object"]["id"], b.url("/follows/1"));
    assert_eq!(payload["object"]["actor"], b.person());
    assert_eq!(payload["to"], json!([b.person()]));
    // The follower's actor was cached on the way.
    let cached = a.app.store.remote_actor(&b.person()).unwrap().unwrap();
    assert_eq!(cached.preferred_username.as_deref(), Some("alice"));
}

#[tokio::test]
async fn a_follow_of_the_group_signed_with_rfc_9421_to_its_personal_inbox_is_accepted() {
    let (a, b) = pair().await;
    let activity = follow(&b, "/follows/2", &a.group());
    let status = send(
        &a.url("/@blog/inbox"),
        &b.app.person,
        &activity,
        Scheme::Rfc9421,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(follower_ids(&a, "blog"), vec![b.person()]);
    assert!(follower_ids(&a, "alice").is_empty());
    let accepts = accepts(&a, "blog");
    assert_eq!(accepts.len(), 1);
    assert_eq!(
        accepts[0].target_inbox.as_deref(),
        Some(b.url("/@alice/inbox").as_str())
    );
}

#[tokio::test]
async fn both_signature_schemes_are_accepted_on_both_inboxes() {
    let (a, b) = pair().await;
    for (n, (scheme, path)) in [
        (Scheme::Cavage, "/inbox"),
        (Scheme::Rfc9421, "/inbox"),
        (Scheme::Cavage, "/@alice/inbox"),
        (Scheme::Rfc9421, "/@alice/inbox"),
    ]
    .into_iter()
    .enumerate()
    {
        let activity = json!({
            "id": b.url(&format!("/activities/{n}")),
            "type": "Like",
            "actor": b.person(),
            "object": a.url("/posts/none"),
        });
        let status = send(&a.url(path), &b.app.person, &activity, scheme).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{scheme:?} {path}");
    }
}

#[tokio::test]
async fn undoing_an_embedded_follow_removes_the_follower() {
    let (a, b) = pair().await;
    let f = follow(&b, "/follows/3", &a.person());
    assert_eq!(
        send(&a.url("/inbox"), &b.app.person, &f, Scheme::Cavage).await,
        StatusCode::ACCEPTED
    );
    assert_eq!(follower_ids(&a, "alice"), vec![b.person()]);
    let undo = json!({
        "id": b.url("/follows/3/undo"),
        "type": "Undo",
        "actor": b.person(),
        "object": f,
    });
    assert_eq!(
        send(&a.url("/inbox"), &b.app.person, &undo, Scheme::Cavage).await,
        StatusCode::ACCEPTED
    );
    assert!(follower_ids(&a, "alice").is_empty());
}

#[tokio::test]
async fn undoing_a_follow_by_its_id_removes_the_follower() {
    let (a, b) = pair().await;
    let f = follow(&b, "/follows/4", &a.group());
    assert_eq!(
        send(&a.url("/inbox"), &b.app.person, &f, Scheme::Rfc9421).await,
        StatusCode::ACCEPTED
    );
    let undo = json!({
        "id": b.url("/follows/4/undo"),
        "type": "Undo",
        "actor": b.person(),
        "object": b.url("/follows/4"),
    });
    assert_eq!(
        send(&a.url("/inbox"), &b.app.person, &undo, Scheme::Rfc9421).await,
        StatusCode::ACCEPTED
    );
    assert!(follower_ids(&a, "blog").is_empty());
}

#[tokio::test]
async fn an_undo_of_another_actors_follow_is_refused_and_changes_nothing() {
    let (a, b) = pair().await;
    let f = follow(&b, "/follows/5", &a.person());
    assert_eq!(
        send(&a.url("/inbox"), &b.app.person, &f, Scheme::Cavage).await,
        StatusCode::ACCEPTED
    );
    // B's Group tries to undo B's Person's follow.
    let undo = json!({
        "id": b.url("/follows/5/undo"),
        "type": "Undo",
        "actor": b.group(),
        "object": f,
    });
    let status = send(&a.url("/inbox"), &b.app.group, &undo, Scheme::Cavage).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(follower_ids(&a, "alice"), vec![b.person()]);
}

#[tokio::test]
async fn a_repeated_activity_id_changes_nothing() {
    let (a, b) = pair().await;
    let f = follow(&b, "/follows/6", &a.person());
    assert_eq!(
        send(&a.url("/inbox"), &b.app.person, &f, Scheme::Cavage).await,
        StatusCode::ACCEPTED
    );
    let undo = json!({"id": b.url("/undo/6"), "type": "Undo", "actor": b.person(), "object": f});
    assert_eq!(
        send(&a.url("/inbox"), &b.app.person, &undo, Scheme::Cavage).await,
        StatusCode::ACCEPTED
    );
    assert!(follower_ids(&a, "alice").is_empty());
    // The same Follow again (a redelivery): answered 202, applied no more.
    assert_eq!(
        send(&a.url("/inbox"), &b.app.person, &f, Scheme::Rfc9421).await,
        StatusCode::ACCEPTED
    );
    assert!(follower_ids(&a, "alice").is_empty());
    assert_eq!(accepts(&a, "alice").len(), 1);
}

#[tokio::test]
async fn an_unsigned_post_is_refused_and_changes_nothing() {
    let (a, b) = pair().await;
    let f = follow(&b, "/follows/7", &a.person());
    let r = post_raw(
        &a.url("/inbox"),
        Default::default(),
        serde_json::to_vec(&f).unwrap(),
    )
    .await;
    assert_eq!(
        answer(r).await,
        (StatusCode::UNAUTHORIZED, "request is not signed\n".into())
    );
    assert_untouched(&a, &b.url("/follows/7"));
}

#[tokio::test]
async fn a_signature_by_another_key_than_the_key_id_names_is_refused_and_changes_nothing() {
    let (a, b) = pair().await;
    let f = follow(&b, "/follows/8", &a.person());
    let body = serde_json::to_vec(&f).unwrap();
    // keyId says B's Person, the key is B's Group's.
    let r = signed_post(
        &a.url("/inbox"),
        &body,
        &b.app.person.key_id,
        &b.app.group.signer,
        Scheme::Cavage,
        |_| {},
    )
    .await;
    assert_eq!(
        answer(r).await,
        (
            StatusCode::UNAUTHORIZED,
            "signature does not verify\n".into()
        )
    );
    assert_untouched(&a, &b.url("/follows/8"));
}

#[tokio::test]
async fn an_activity_whose_actor_is_not_the_signer_is_refused_and_changes_nothing() {
    let (a, b) = pair().await;
    let mut f = follow(&b, "/follows/9", &a.person());
    f["actor"] = json!(b.group());
    let body = serde_json::to_vec(&f).unwrap();
    let p = &b.app.person;
    let r = signed_post(
        &a.url("/inbox"),
        &body,
        &p.key_id,
        &p.signer,
        Scheme::Rfc9421,
        |_| {},
    )
    .await;
    let expected = "signer is not the activity's actor\n";
    assert_eq!(answer(r).await, (StatusCode::UNAUTHORIZED, expected.into()));
    assert_untouched(&a, &b.url("/follows/9"));
}

#[tokio::test]
async fn a_body_altered_after_signing_is_refused_and_changes_nothing() {
    let (a, b) = pair().await;
    for scheme in [Scheme::Cavage, Scheme::Rfc9421] {
        let signed = serde_json::to_vec(
            &json!({"id": b.url("/x"), "type": "Like", "actor": b.person(), "object": a.url("/")}),
        )
        .unwrap();
        let sent = serde_json::to_vec(&follow(&b, "/follows/10", &a.person())).unwrap();
        let headers = signed_headers(
            &a.url("/inbox"),
            &signed,
            &b.app.person.key_id,
            &b.app.person.signer,
            scheme,
            Utc::now(),
        );
        let r = post_raw(&a.url("/inbox"), headers, sent).await;
        assert_eq!(
            answer(r).await,
            (
                StatusCode::UNAUTHORIZED,
                "body does not match its digest\n".into()
            ),
            "{scheme:?}"
        );
        assert_untouched(&a, &b.url("/follows/10"));
    }
}

#[tokio::test]
async fn a_signature_two_hours_old_is_refused_and_changes_nothing() {
    let (a, b) = pair().await;
    for scheme in [Scheme::Cavage, Scheme::Rfc9421] {
        let body = serde_json::to_vec(&follow(&b, "/follows/11", &a.person())).unwrap();
        let then = Utc::now() - TimeDelta::hours(2);
        let headers = signed_headers(
            &a.url("/inbox"),
            &body,
            &b.app.person.key_id,
            &b.app.person.signer,
            scheme,
            then,
        );
        let r = post_raw(&a.url("/inbox"), headers, body).await;
        assert_eq!(
            answer(r).await,
            (
                StatusCode::UNAUTHORIZED,
                "signature is too old or too new\n".into()
            ),
            "{scheme:?}"
        );
        assert_untouched(&a, &b.url("/follows/11"));
    }
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_refused_as_too_large_and_changes_nothing() {
    let (a, b) = pair().await;
    let mut f = follow(&b, "/follows/12", &a.person());
    f["padding"] = json!("x".repeat(1024 * 1024));
    let body = serde_json::to_vec(&f).unwrap();
    let r = signed_post(
        &a.url("/inbox"),
        &body,
        &b.app.person.key_id,
        &b.app.person.signer,
        Scheme::Cavage,
        |_| {},
    )
    .await;
    assert_eq!(
        answer(r).await,
        (StatusCode::PAYLOAD_TOO_LARGE, "body too large\n".into())
    );
    assert_untouched(&a, &b.url("/follows/12"));
}

#[tokio::test]
async fn the_inbox_of_an_unknown_local_actor_is_not_found() {
    let (a, b) = pair().await;
    let f = follow(&b, "/follows/13", &a.person());
    for path in ["/@nobody/inbox", "/nobody/inbox"] {
        let status = send(&a.url(path), &b.app.person, &f, Scheme::Cavage).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_untouched(&a, &b.url("/follows/13"));
}

#[tokio::test]
async fn a_signed_body_that_is_not_json_is_refused_as_malformed() {
    let (a, b) = pair().await;
    let r = signed_post(
        &a.url("/inbox"),
        b"{\"type\": \"Follow\",",
        &b.app.person.key_id,
        &b.app.person.signer,
        Scheme::Cavage,
        |_| {},
    )
    .await;
    assert_eq!(
        answer(r).await,
        (StatusCode::BAD_REQUEST, "malformed activity\n".into())
    );
    assert_untouched(&a, "-");
}

#[tokio::test]
async fn a_key_that_cannot_be_fetched_is_refused_and_changes_nothing() {
    let (a, b) = pair().await;
    let mut f = follow(&b, "/follows/14", &a.person());
    f["actor"] = json!(b.url("/@nobody"));
    let body = serde_json::to_vec(&f).unwrap();
    let r = signed_post(
        &a.url("/inbox"),
        &body,
        &b.url("/@nobody#main-key"),
        &b.app.person.signer,
        Scheme::Cavage,
        |_| {},
    )
    .await;
    assert_eq!(
        answer(r).await,
        (StatusCode::UNAUTHORIZED, "signing key unavailable\n".into())
    );
    assert_untouched(&a, &b.url("/follows/14"));
}

#[tokio::test]
async fn a_host_header_changed_after_signing_is_refused() {
    let (a, b) = pair().await;
    let body = serde_json::to_vec(&follow(&b, "/follows/15", &a.person())).unwrap();
    let r = signed_post(
        &a.url("/inbox"),
        &body,
        &b.app.person.key_id,
        &b.app.person.signer,
        Scheme::Cavage,
        |h| {
            h.insert(
                http::header::HOST,
                HeaderValue::from_static("elsewhere.example"),
            );
        },
    )
    .await;
    assert_eq!(
        answer(r).await,
        (
            StatusCode::UNAUTHORIZED,
            "signature does not verify\n".into()
        )
    );
    assert_untouched(&a, &b.url("/follows/15"));
}

#[tokio::test]
async fn an_activity_id_on_another_host_is_refused_as_foreign() {
    let (a, b) = pair().await;
    let mut f = follow(&b, "/follows/16", &a.person());
    f["id"] = json!("http://elsewhere.example/follows/16");
    let status = send(&a.url("/inbox"), &b.app.person, &f, Scheme::Cavage).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_untouched(&a, "http://elsewhere.example/follows/16");
}

#[tokio::test]
async fn an_update_of_the_actor_by_itself_refreshes_the_cache() {
    let (a, b) = pair().await;
    let f = follow(&b, "/follows/17", &a.person());
    assert_eq!(
        send(&a.url("/inbox"), &b.app.person, &f, Scheme::Cavage).await,
        StatusCode::ACCEPTED
    );
    let (_, mut actor) = b.get_json("/@alice").await;
    actor["name"] = json!("Alice Renamed");
    let update =
        json!({"id": b.url("/updates/1"), "type": "Update", "actor": b.person(), "object": actor});
    assert_eq!(
        send(&a.url("/inbox"), &b.app.person, &update, Scheme::Rfc9421).await,
        StatusCode::ACCEPTED
    );
    let cached = a.app.store.remote_actor(&b.person()).unwrap().unwrap();
    assert_eq!(cached.name.as_deref(), Some("Alice Renamed"));
    assert_eq!(cached.key_id.as_deref(), Some(b.app.person.key_id.as_str()));
}

#[tokio::test]
async fn an_update_of_another_actor_is_refused_and_changes_nothing() {
    let (a, b) = pair().await;
    let f = follow(&b, "/follows/18", &a.person());
    assert_eq!(
        send(&a.url("/inbox"), &b.app.person, &f, Scheme::Cavage).await,
        StatusCode::ACCEPTED
    );
    let (_, mut group) = b.get_json("/@blog").await;
    group["name"] = json!("Hijacked");
    // B's Person updates B's Group.
    let update =
        json!({"id": b.url("/updates/2"), "type": "Update", "actor": b.person(), "object": group});
    assert_eq!(
        send(&a.url("/inbox"), &b.app.person, &update, Scheme::Cavage).await,
        StatusCode::FORBIDDEN
    );
    assert!(a.app.store.remote_actor(&b.group()).unwrap().is_none());
}

#[tokio::test]
async fn a_delete_of_the_actor_by_itself_removes_it_as_follower_everywhere() {
    let (a, b) = pair().await;
    for (n, object) in [a.person(), a.group()].into_iter().enumerate() {
        let f = follow(&b, &format!("/follows/19-{n}"), &object);
        assert_eq!(
            send(&a.url("/inbox"), &b.app.person, &f, Scheme::Cavage).await,
            StatusCode::ACCEPTED
        );
    }
    assert_eq!(
        follower_ids(&a, "alice").len() + follower_ids(&a, "blog").len(),
        2
    );
    let delete = json!({"id": b.url("/@alice#delete"), "type": "Delete", "actor": b.person(), "object": b.person()});
    assert_eq!(
        send(&a.url("/inbox"), &b.app.person, &delete, Scheme::Cavage).await,
        StatusCode::ACCEPTED
    );
    assert!(follower_ids(&a, "alice").is_empty());
    assert!(follower_ids(&a, "blog").is_empty());
    assert!(a.app.store.remote_actor(&b.person()).unwrap().is_none());
}

#[tokio::test]
async fn a_self_delete_of_an_unknown_actor_whose_key_is_gone_is_accepted_and_changes_nothing() {
    let (a, b) = pair().await;
    let ghost = b.url("/@ghost");
    let delete = json!({"id": format!("{ghost}#delete"), "type": "Delete", "actor": ghost, "object": {"id": ghost, "type": "Tombstone"}});
    let body = serde_json::to_vec(&delete).unwrap();
    let r = signed_post(
        &a.url("/inbox"),
        &body,
        &format!("{ghost}#main-key"),
        &b.app.person.signer,
        Scheme::Cavage,
        |_| {},
    )
    .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    assert_untouched(&a, &format!("{ghost}#delete"));
    // Anything else from a key that cannot be fetched is refused.
    let mut other = delete.clone();
    other["object"] = json!(b.url("/notes/1"));
    let body = serde_json::to_vec(&other).unwrap();
    let r = signed_post(
        &a.url("/inbox"),
        &body,
        &format!("{ghost}#main-key"),
        &b.app.person.signer,
        Scheme::Cavage,
        |_| {},
    )
    .await;
    assert_eq!(
        answer(r).await,
        (StatusCode::UNAUTHORIZED, "signing key unavailable\n".into())
    );
}

#[tokio::test]
async fn an_unhandled_activity_type_is_accepted_and_ignored() {
    let (a, b) = pair().await;
    let activity = json!({"id": b.url("/moves/1"), "type": "Move", "actor": b.person(), "object": b.person(), "target": b.group()});
    assert_eq!(
        send(&a.url("/inbox"), &b.app.person, &activity, Scheme::Cavage).await,
        StatusCode::ACCEPTED
    );
    assert!(follower_ids(&a, "alice").is_empty());
    assert!(accepts(&a, "alice").is_empty());
}

/// A cached copy of B's Person, as quire stores it, with the given key and fetch time.
fn cached_actor(b: &TestInstance, id: &str, pem: &str, fetched_at: &str) -> RemoteActor {
    RemoteActor {
        id: id.to_string(),
        kind: "Person".into(),
        host: b.addr.to_string(),
        inbox: Some(format!("{id}/inbox")),
        shared_inbox: Some(b.url("/inbox")),
        key_id: Some(format!("{id}#main-key")),
        public_key_pem: Some(pem.to_string()),
        preferred_username: None,
        name: None,
        url: None,
        icon_url: None,
        document: "{}".into(),
        fetched_at: fetched_at.to_string(),
    }
}

#[tokio::test]
async fn a_cached_key_that_no_longer_verifies_is_fetched_again_once() {
    let (a, b) = pair().await;
    // A believes B's Person has B's Group's key (as if B had rotated its key since).
    let old = cached_actor(
        &b,
        &b.person(),
        &b.app.group.keys.public_key_pem,
        &now_rfc3339(),
    );
    a.app.store.upsert_remote_actor(&old).unwrap();
    let f = follow(&b, "/follows/20", &a.person());
    assert_eq!(
        send(&a.url("/inbox"), &b.app.person, &f, Scheme::Cavage).await,
        StatusCode::ACCEPTED
    );
    assert_eq!(follower_ids(&a, "alice"), vec![b.person()]);
    let cached = a.app.store.remote_actor(&b.person()).unwrap().unwrap();
    let pem = cached.public_key_pem.unwrap_or_default();
    assert_eq!(pem.trim(), b.app.person.keys.public_key_pem.trim());
}

#[tokio::test]
async fn a_self_delete_whose_key_is_gone_is_verified_with_the_cached_key() {
    let (a, b) = pair().await;
    // A knows a ghost on B (cached two days ago, with B's Person's key) that follows it; B no
    // longer serves the ghost, so its key cannot be fetched.
    let ghost = b.url("/@ghost");
    let old = (Utc::now() - TimeDelta::days(2)).to_rfc3339();
    let cached = cached_actor(&b, &ghost, &b.app.person.keys.public_key_pem, &old);
    a.app.store.upsert_remote_actor(&cached).unwrap();
    a.app
        .store
        .add_follower("alice", &ghost, &format!("{ghost}/inbox"), None, None)
        .unwrap();
    let key_id = format!("{ghost}#main-key");
    let delete =
        json!({"id": format!("{ghost}#delete"), "type": "Delete", "actor": ghost, "object": ghost});
    let body = serde_json::to_vec(&delete).unwrap();
    // Signed by another key than the cached one: refused, the follower stays.
    let r = signed_post(
        &a.url("/inbox"),
        &body,
        &key_id,
        &b.app.group.signer,
        Scheme::Cavage,
        |_| {},
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(follower_ids(&a, "alice"), vec![ghost.clone()]);
    // Signed by the cached key: applied.
    let r = signed_post(
        &a.url("/inbox"),
        &body,
        &key_id,
        &b.app.person.signer,
        Scheme::Cavage,
        |_| {},
    )
    .await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    assert!(follower_ids(&a, "alice").is_empty());
    assert!(a.app.store.remote_actor(&ghost).unwrap().is_none());
}

#[tokio::test]
async fn a_request_signed_with_a_local_key_is_refused() {
    let (a, b) = pair().await;
    let mut f = follow(&b, "/follows/21", &a.person());
    f["actor"] = json!(a.group());
    f["id"] = json!(a.url("/follows/21"));
    let status = send(&a.url("/inbox"), &a.app.group, &f, Scheme::Cavage).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_untouched(&a, &a.url("/follows/21"));
}
