//! The conversation (issue #5): replies, likes, boosts, edits and deletions sent by another
//! real quire (the remote actor, signing with its own key) through the real inbox, and what
//! the article page, its collections and the moderation commands show afterwards.

use serde_json::{json, Value};

use crate::support::signer::signed_post;
use crate::support::{post, wait_for, Options, TestInstance};
use quire::federation::signature::Scheme;

/// Signs `activity` as `from`'s author (draft-cavage) and POSTs it to `to`'s shared inbox.
pub async fn send(from: &TestInstance, to: &TestInstance, activity: &Value) -> (u16, String) {
    send_raw(from, to, activity.to_string().as_bytes()).await
}

/// [`send`] with a body as bytes (the inbox branch's raw signer, draft-cavage).
pub async fn send_raw(from: &TestInstance, to: &TestInstance, body: &[u8]) -> (u16, String) {
    let me = &from.app.person;
    let r = signed_post(
        &to.url("/inbox"),
        body,
        &me.key_id,
        &me.signer,
        Scheme::Cavage,
        |_| {},
    )
    .await;
    let status = r.status().as_u16();
    (status, r.text().await.unwrap_or_default())
}

/// The article page's HTML.
pub async fn page(t: &TestInstance, slug: &str) -> String {
    t.get_html(&format!("/posts/{slug}"))
        .await
        .text()
        .await
        .expect("page")
}

/// A blog with one post, `hello`, and a remote instance to talk to it.
async fn pair(extra_toml: &str) -> (TestInstance, TestInstance) {
    let blog = TestInstance::start_with(Options {
        extra_toml: extra_toml.to_string(),
        ..Options::default()
    })
    .await;
    blog.write_post("hello.md", &post("Hello", "2026-01-01", &[], "First post."));
    blog.app.sync_content().expect("sync");
    let remote = TestInstance::start().await;
    (blog, remote)
}

fn note(remote: &TestInstance, n: &str, in_reply_to: &str, content: &str) -> Value {
    json!({
        "id": remote.url(&format!("/notes/{n}")),
        "type": "Note",
        "attributedTo": remote.person(),
        "inReplyTo": in_reply_to,
        "content": content,
        "published": "2026-01-02T10:00:00Z",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [],
    })
}

fn create(remote: &TestInstance, n: &str, object: Value) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": remote.url(&format!("/notes/{n}/activity")),
        "type": "Create",
        "actor": remote.person(),
        "object": object,
    })
}

fn activity(remote: &TestInstance, id: &str, kind: &str, object: Value) -> Value {
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": remote.url(&format!("/activities/{id}")),
        "type": kind,
        "actor": remote.person(),
        "object": object,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_reactions_edits_and_deletions_show_on_the_page_and_in_collections() {
    let (blog, remote) = pair("").await;
    let article = blog.url("/posts/hello");

    // A reply with a spoiler and a custom emoji, then a nested reply to it.
    let mut first = note(
        &remote,
        "1",
        &article,
        "<p>Nice post :blobcat: <a href=\"https://x.example/tags/rust\" class=\"mention hashtag\" rel=\"tag\">#rust</a></p>",
    );
    first["summary"] = json!("mild spoilers");
    first["tag"] = json!({"type": "Emoji", "name": ":blobcat:", "icon": {"type": "Image", "url": "https://cdn.example/blobcat.png"}});
    assert_eq!(
        send(&remote, &blog, &create(&remote, "1", first)).await.0,
        202
    );
    let nested = note(
        &remote,
        "2",
        &remote.url("/notes/1"),
        "<p>And a follow-up</p>",
    );
    assert_eq!(
        send(&remote, &blog, &create(&remote, "2", nested)).await.0,
        202
    );

    let html = page(&blog, "hello").await;
    assert!(html.contains("Nice post"), "{html}");
    assert!(html.contains("<details class=\"cw\"><summary>mild spoilers</summary>"));
    assert!(html.contains("<img class=\"emoji\" src=\"https://cdn.example/blobcat.png\""));
    assert!(html.contains("Alice Example"));
    assert!(html.contains("@alice@127.0.0.1"));
    assert!(html.contains("2 comments"));
    // The follow-up is nested inside the first comment's list item.
    let first_at = html.find("Nice post").unwrap();
    let nested_at = html.find("And a follow-up").unwrap();
    let between = &html[first_at..nested_at];
    assert!(
        between.contains("<ol class=\"comments\">") && !between.contains("</li>"),
        "{between}"
    );

    // Likes (twice: counted once), an emoji reaction, a boost.
    let like = activity(&remote, "like-1", "Like", json!(article));
    assert_eq!(send(&remote, &blog, &like).await.0, 202);
    assert_eq!(
        send(
            &remote,
            &blog,
            &activity(&remote, "like-2", "Like", json!(article))
        )
        .await
        .0,
        202
    );
    let boost = activity(&remote, "boost-1", "Announce", json!(article));
    assert_eq!(send(&remote, &blog, &boost).await.0, 202);
    let html = page(&blog, "hello").await;
    assert!(html.contains("1 like"), "{html}");
    assert!(html.contains("1 boost"));

    let (_, doc) = blog.get_json("/posts/hello").await;
    assert_eq!(doc["replies"]["totalItems"], 1);
    assert_eq!(doc["likes"]["totalItems"], 1);
    assert_eq!(doc["shares"]["totalItems"], 1);
    let (_, likes) = blog.get_json("/posts/hello/likes").await;
    assert_eq!(likes["totalItems"], 1);
    assert_eq!(likes["orderedItems"][0], remote.person());
    let (_, replies) = blog.get_json("/posts/hello/replies?page=1").await;
    assert_eq!(replies["orderedItems"], json!([remote.url("/notes/1")]));
    let (_, context) = blog.get_json("/posts/hello/context?page=1").await;
    assert_eq!(context["totalItems"], 3);
    assert_eq!(
        context["orderedItems"],
        json!([article, remote.url("/notes/1"), remote.url("/notes/2")])
    );

    // The author edits the first reply.
    let mut edited = note(&remote, "1", &article, "<p>Rewritten entirely</p>");
    edited["updated"] = json!("2026-01-03T10:00:00Z");
    let update = activity(&remote, "update-1", "Update", edited);
    assert_eq!(send(&remote, &blog, &update).await.0, 202);
    let html = page(&blog, "hello").await;
    assert!(html.contains("Rewritten entirely") && !html.contains("Nice post"));
    assert!(html.contains("edited"));

    // Undo of the like (object embedded), Undo of the boost (object by id).
    assert_eq!(
        send(&remote, &blog, &activity(&remote, "undo-1", "Undo", like))
            .await
            .0,
        202
    );
    let undo_boost = activity(
        &remote,
        "undo-2",
        "Undo",
        json!(remote.url("/activities/boost-1")),
    );
    assert_eq!(send(&remote, &blog, &undo_boost).await.0, 202);
    let html = page(&blog, "hello").await;
    assert!(
        !html.contains("1 like") && !html.contains("1 boost"),
        "{html}"
    );

    // Delete of the follow-up as a Tombstone.
    let tomb = json!({"id": remote.url("/notes/2"), "type": "Tombstone"});
    assert_eq!(
        send(&remote, &blog, &activity(&remote, "del-2", "Delete", tomb))
            .await
            .0,
        202
    );
    let html = page(&blog, "hello").await;
    assert!(!html.contains("And a follow-up") && html.contains("1 comment"));

    // A like again, then the whole actor is deleted: nothing of theirs stays.
    assert_eq!(
        send(
            &remote,
            &blog,
            &activity(&remote, "like-3", "Like", json!(article))
        )
        .await
        .0,
        202
    );
    let bye = activity(&remote, "bye", "Delete", json!(remote.person()));
    assert_eq!(send(&remote, &blog, &bye).await.0, 202);
    let html = page(&blog, "hello").await;
    assert!(
        !html.contains("Rewritten") && !html.contains("class=\"likes\""),
        "{html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_elses_edit_or_delete_and_foreign_objects_are_refused() {
    let (blog, alice) = pair("").await;
    let mallory = TestInstance::start().await;
    let article = blog.url("/posts/hello");
    let reply = note(&alice, "1", &article, "<p>Original words</p>");
    assert_eq!(
        send(&alice, &blog, &create(&alice, "1", reply)).await.0,
        202
    );

    // Mallory edits and deletes Alice's comment.
    let mut forged = note(&alice, "1", &article, "<p>Forged words</p>");
    forged["attributedTo"] = json!(mallory.person());
    let update = activity(&mallory, "u", "Update", forged);
    assert_eq!(send(&mallory, &blog, &update).await.0, 403);
    let delete = activity(&mallory, "d", "Delete", json!(alice.url("/notes/1")));
    assert_eq!(send(&mallory, &blog, &delete).await.0, 403);

    // Mallory signs an activity claiming to be Alice.
    let mut claimed = activity(&alice, "x", "Delete", json!(alice.url("/notes/1")));
    claimed["id"] = json!(mallory.url("/activities/x"));
    let (status, _) = send(&mallory, &blog, &claimed).await;
    assert!(status == 401 || status == 403, "{status}");

    // A reply whose object lives on another host than its actor.
    let foreign = note(&alice, "9", &article, "<p>Not mine</p>");
    let mut create_foreign = create(&mallory, "9", foreign);
    create_foreign["object"]["attributedTo"] = json!(mallory.person());
    assert_eq!(send(&mallory, &blog, &create_foreign).await.0, 403);

    let html = page(&blog, "hello").await;
    assert!(html.contains("Original words"), "{html}");
    assert!(!html.contains("Forged") && !html.contains("Not mine"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xss_payloads_sent_as_replies_reach_the_page_without_script() {
    let (blog, remote) = pair("").await;
    let article = blog.url("/posts/hello");
    let payloads: Vec<String> = include_str!("../fixtures/xss/payloads.txt")
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("# "))
        .map(|l| {
            l.replace("\\t", "\t")
                .replace("\\n", "\n")
                .replace("\\r", "\r")
                .replace("\\0", "\0")
        })
        .collect();
    for (i, p) in payloads.iter().enumerate() {
        let mut n = note(
            &remote,
            &format!("x{i}"),
            &article,
            &format!("<p>payload {i}</p>{p}"),
        );
        n["summary"] = json!(p);
        let (status, body) = send(&remote, &blog, &create(&remote, &format!("x{i}"), n)).await;
        assert_eq!(status, 202, "payload {i}: {body}");
    }
    let r = blog.get_html("/posts/hello").await;
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(!csp.contains("script-src") || !csp.contains("unsafe-inline"));
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("payload {}", payloads.len() - 1)));
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script",
        "javascript:",
        " onerror=",
        " onload=",
        "<iframe",
        "<svg",
        "<object",
        "<embed",
        "<style",
        "<form",
    ] {
        assert!(!lower.contains(bad), "{bad} survived");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approve_policy_holds_first_replies_until_approved() {
    let (blog, remote) = pair("[comments]\npolicy = \"approve\"\n").await;
    let article = blog.url("/posts/hello");
    let first = note(&remote, "1", &article, "<p>Waiting here</p>");
    assert_eq!(
        send(&remote, &blog, &create(&remote, "1", first)).await.0,
        202
    );
    assert!(!page(&blog, "hello").await.contains("Waiting here"));
    let pending = blog.app.store.recent_comments(10).unwrap();
    assert_eq!(pending[0].state.as_str(), "pending");

    // `quire comments approve` runs in another process: the page follows within seconds.
    let config = blog.dir.path().join("blog.toml");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["comments", "approve", &pending[0].id.to_string(), "-c"])
        .arg(&config)
        .output()
        .expect("run quire");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wait_for(std::time::Duration::from_secs(10), || async {
        page(&blog, "hello").await.contains("Waiting here")
    })
    .await;

    // The approved author's next reply shows at once.
    let second = note(&remote, "2", &article, "<p>Straight through</p>");
    assert_eq!(
        send(&remote, &blog, &create(&remote, "2", second)).await.0,
        202
    );
    assert!(page(&blog, "hello").await.contains("Straight through"));

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["comments", "-c"])
        .arg(&config)
        .output()
        .expect("run quire");
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("visible")
            && listed.contains("hello")
            && listed.contains("Straight through"),
        "{listed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_comments_are_rejected_blocks_refuse_and_flags_are_reports() {
    let (blog, remote) = pair("[comments]\npolicy = \"closed\"\n").await;
    let article = blog.url("/posts/hello");
    let reply = note(&remote, "1", &article, "<p>Let me in</p>");
    assert_eq!(
        send(&remote, &blog, &create(&remote, "1", reply)).await.0,
        403
    );
    assert!(!page(&blog, "hello").await.contains("Let me in"));
    let reject = blog
        .app
        .store
        .all_activities()
        .unwrap()
        .into_iter()
        .find(|a| a.kind == "Reject")
        .expect("a Reject was recorded");
    assert_eq!(
        reject.target_inbox.as_deref(),
        Some(remote.url("/@alice/inbox").as_str())
    );

    // A Flag is stored as a report.
    let mut flag = activity(&remote, "flag-1", "Flag", json!([blog.person(), article]));
    flag["content"] = json!("spam, <b>really</b>");
    assert_eq!(send(&remote, &blog, &flag).await.0, 202);
    let reports = blog.app.store.reports(10).unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].content, "spam, really");

    // Likes count until the actor is blocked; then everything they send is refused.
    assert_eq!(
        send(
            &remote,
            &blog,
            &activity(&remote, "l1", "Like", json!(article))
        )
        .await
        .0,
        202
    );
    assert!(page(&blog, "hello").await.contains("1 like"));
    let removed = blog.app.store.block(&remote.person(), false).unwrap();
    blog.app.cache.invalidate();
    assert_eq!(removed.reactions, 1);
    assert_eq!(
        send(
            &remote,
            &blog,
            &activity(&remote, "l2", "Like", json!(article))
        )
        .await
        .0,
        403
    );
    assert!(!page(&blog, "hello").await.contains("class=\"likes\""));
}
