//! Two quire instances federating with each other over 127.0.0.1: B's author follows A's
//! Person and Group through A's inbox with signed requests; A publishes, edits and deletes a
//! post; B receives each activity exactly once, verified by B's own inbox.

use std::time::Duration;

use quire::federation::signature::Scheme;
use quire::store::deliveries::DeliveryState;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::signer::signed_post;
use crate::support::{post, wait_for, TestInstance};

/// Every delivery A has made is done (nothing pending, nothing failed).
fn settled(a: &TestInstance) -> bool {
    a.app.store.unplanned_activities(1).unwrap().is_empty()
        && a.app
            .store
            .all_deliveries()
            .unwrap()
            .iter()
            .all(|r| r.state == DeliveryState::Done)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_instance_receives_every_publish_edit_and_delete_exactly_once() {
    let a = TestInstance::start().await;
    let b = TestInstance::start().await;

    // B's author follows A's author (draft-cavage) and A's blog (RFC 9421).
    for (n, (object, scheme)) in [(a.person(), Scheme::Cavage), (a.group(), Scheme::Rfc9421)]
        .into_iter()
        .enumerate()
    {
        let follow = json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": b.url(&format!("/follows/{n}")),
            "type": "Follow",
            "actor": b.person(),
            "object": object,
        });
        let body = serde_json::to_vec(&follow).unwrap();
        let r = signed_post(
            &a.url("/inbox"),
            &body,
            &b.app.person.key_id,
            &b.app.person.signer,
            scheme,
            |_| {},
        )
        .await;
        assert_eq!(r.status(), StatusCode::ACCEPTED);
    }
    assert_eq!(a.app.store.follower_count("alice").unwrap(), 1);
    assert_eq!(a.app.store.follower_count("blog").unwrap(), 1);
    wait_for(Duration::from_secs(15), || async { settled(&a) }).await;

    // Publish, then edit, then delete, each reaching B before the next.
    a.write_post(
        "news.md",
        &post("News", "2024-06-01", &["federation"], "first version"),
    );
    wait_for(Duration::from_secs(15), || async {
        a.get_html("/posts/news").await.status() == 200
    })
    .await;
    wait_for(Duration::from_secs(15), || async { settled(&a) }).await;
    a.write_post(
        "news.md",
        &post("News", "2024-06-01", &["federation"], "second version"),
    );
    wait_for(Duration::from_secs(15), || async {
        a.get_html("/posts/news")
            .await
            .text()
            .await
            .unwrap()
            .contains("second version")
    })
    .await;
    wait_for(Duration::from_secs(15), || async { settled(&a) }).await;
    std::fs::remove_file(a.content().join("news.md")).unwrap();
    wait_for(Duration::from_secs(15), || async {
        a.get_html("/posts/news").await.status() == 410
    })
    .await;
    wait_for(Duration::from_secs(15), || async { settled(&a) }).await;

    let deliveries = a.app.store.all_deliveries().unwrap();
    let mut kinds: Vec<&str> = deliveries.iter().map(|d| d.kind.as_str()).collect();
    kinds.sort();
    assert_eq!(
        kinds,
        vec!["Accept", "Accept", "Announce", "Create", "Delete", "Update"]
    );
    for d in &deliveries {
        // Sent once, answered 2xx by B's verifying inbox, on the first attempt.
        assert_eq!(d.attempts, 1, "{d:?}");
        assert!(matches!(d.last_status, Some(200..=299)), "{d:?}");
        if d.kind != "Accept" {
            assert_eq!(
                d.inbox,
                b.url("/inbox"),
                "one delivery to B's shared inbox: {d:?}"
            );
        }
        // And B recorded it as received (its inbox verified and applied it once).
        assert!(b.app.store.was_received(&d.activity_id).unwrap(), "{d:?}");
    }
    // Person and Group followers share B's shared inbox: the Create went there once.
    assert_eq!(deliveries.iter().filter(|d| d.kind == "Create").count(), 1);
}
