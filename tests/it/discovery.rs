//! What a fediverse server sees: WebFinger, NodeInfo, the actors, the articles, the outbox.

use crate::support::{client, post, TestInstance};

#[tokio::test]
async fn webfinger_finds_both_actors_by_acct_and_by_url() {
    let t = TestInstance::start().await;
    let host = t.base.trim_start_matches("http://").to_string();
    for (resource, actor) in [
        (format!("acct:alice@{host}"), t.person()),
        (format!("acct:blog@{host}"), t.group()),
        (t.person(), t.person()),
        (t.group(), t.group()),
    ] {
        let r = client()
            .get(t.url("/.well-known/webfinger"))
            .query(&[("resource", &resource)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{resource}");
        assert_eq!(r.headers()["access-control-allow-origin"], "*");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/jrd+json"));
        let jrd: serde_json::Value = r.json().await.unwrap();
        let self_link = jrd["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "self")
            .unwrap();
        assert_eq!(self_link["type"], "application/activity+json");
        assert_eq!(self_link["href"], actor.as_str());
        assert!(jrd["subject"].as_str().unwrap().starts_with("acct:"));
    }
}

#[tokio::test]
async fn webfinger_refuses_unknown_with_404_and_malformed_with_400() {
    let t = TestInstance::start().await;
    let host = t.base.trim_start_matches("http://").to_string();
    let get = |q: Option<String>| {
        let mut req = client().get(t.url("/.well-known/webfinger"));
        if let Some(q) = q {
            req = req.query(&[("resource", q)]);
        }
        req.send()
    };
    assert_eq!(
        get(Some(format!("acct:bob@{host}")))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        get(Some("acct:alice@other.example".into()))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(get(Some("alice".into())).await.unwrap().status(), 400);
    assert_eq!(get(None).await.unwrap().status(), 400);
}

#[tokio::test]
async fn host_meta_and_nodeinfo_describe_one_user_and_counts_posts() {
    let t = TestInstance::start().await;
    t.write_post("a.md", &post("A", "2024-01-01", &[], "one"));
    t.write_post("b.md", &post("B", "2024-01-02", &[], "two"));
    t.app.sync_content().unwrap();
    let hm = t
        .get_html("/.well-known/host-meta")
        .await
        .text()
        .await
        .unwrap();
    assert!(hm.contains("/.well-known/webfinger?resource={uri}"));
    let idx: serde_json::Value = client()
        .get(t.url("/.well-known/nodeinfo"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let links = idx["links"].as_array().unwrap();
    assert_eq!(links.len(), 2);
    for version in ["2.0", "2.1"] {
        let r = client()
            .get(t.url(&format!("/nodeinfo/{version}")))
            .send()
            .await
            .unwrap();
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains(&format!("schema/{version}")));
        let ni: serde_json::Value = r.json().await.unwrap();
        assert_eq!(ni["version"], version);
        assert_eq!(ni["software"]["name"], "quire");
        assert_eq!(ni["protocols"][0], "activitypub");
        assert_eq!(ni["usage"]["users"]["total"], 1);
        assert_eq!(ni["usage"]["localPosts"], 2);
        assert_eq!(ni["openRegistrations"], false);
    }
}

#[tokio::test]
async fn the_person_and_the_group_are_followable_actors() {
    let t = TestInstance::start().await;
    let host = t
        .base
        .trim_start_matches("http://")
        .split(':')
        .next()
        .unwrap()
        .to_string();
    for (path, kind) in [("/@alice", "Person"), ("/@blog", "Group")] {
        let (status, a) = t.get_json(path).await;
        assert_eq!(status, 200);
        assert_eq!(a["type"], kind);
        assert_eq!(a["id"], t.url(path));
        for key in [
            "inbox",
            "outbox",
            "followers",
            "following",
            "preferredUsername",
            "name",
            "url",
            "published",
        ] {
            assert!(a[key].is_string(), "{path} {key}");
        }
        assert_eq!(a["endpoints"]["sharedInbox"], t.url("/inbox"));
        assert_eq!(a["publicKey"]["id"], format!("{}#main-key", t.url(path)));
        assert_eq!(a["publicKey"]["owner"], t.url(path));
        assert!(a["publicKey"]["publicKeyPem"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----"));
        assert_eq!(a["manuallyApprovesFollowers"], false);
        assert_eq!(a["discoverable"], true);
    }
    let (_, person) = t.get_json("/@alice").await;
    assert_eq!(person["attributionDomains"][0], host.as_str());
    assert!(person["summary"]
        .as_str()
        .unwrap()
        .contains("<em>tests</em>"));
    // Browsers: the author page, and the blog redirects home.
    let author = t.get_html("/@alice").await;
    assert_eq!(author.status(), 200);
    assert!(author.text().await.unwrap().contains("Alice Example"));
    let blog = t.get_html("/@blog").await;
    assert!(blog.status().is_redirection());
}

#[tokio::test]
async fn articles_answer_activitystreams_to_both_media_types() {
    let t = TestInstance::start().await;
    t.write_post(
        "hello.md",
        "---\ntitle: Hello\ndate: 2024-03-01T10:00:00Z\ntags: [Rust]\ncomments: approve\n---\n\nThe first paragraph.\n\n![pic](pic.png)\n\nMore text.\n",
    );
    t.write_post(
        "warned.md",
        "---\ntitle: Careful\ncw: spoilers for the film\n---\n\nThe butler did it.\n",
    );
    t.app.sync_content().unwrap();
    for accept in [
        "application/activity+json",
        "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
    ] {
        let r = client()
            .get(t.url("/posts/hello"))
            .header("Accept", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/activity+json"));
        let a: serde_json::Value = r.json().await.unwrap();
        assert_eq!(a["type"], "Article");
        assert_eq!(a["id"], t.url("/posts/hello"));
        assert_eq!(a["url"], t.url("/posts/hello"));
        assert_eq!(a["name"], "Hello");
        assert_eq!(a["summary"], "<p>The first paragraph.</p>");
        assert!(a["content"].as_str().unwrap().contains("More text."));
        assert!(a["contentMap"]["en"].is_string());
        assert_eq!(a["source"]["mediaType"], "text/markdown");
        assert_eq!(a["published"], "2024-03-01T10:00:00Z");
        assert_eq!(a["attributedTo"][0], t.person());
        assert_eq!(a["attributedTo"][1], t.group());
        assert_eq!(a["audience"], t.group());
        assert_eq!(a["to"][0], "https://www.w3.org/ns/activitystreams#Public");
        assert_eq!(a["cc"][0], t.url("/@alice/followers"));
        assert_eq!(a["tag"][0]["type"], "Hashtag");
        assert_eq!(a["tag"][0]["name"], "#Rust");
        assert_eq!(a["attachment"][0]["url"], t.url("/media/pic.png"));
        assert_eq!(a["attachment"][0]["mediaType"], "image/png");
        for c in ["replies", "likes", "shares"] {
            assert_eq!(a[c]["totalItems"], 0, "{c}");
        }
        assert_eq!(a["context"], t.url("/posts/hello/context"));
        assert_eq!(
            a["interactionPolicy"]["canReply"]["approvalRequired"][0],
            "https://www.w3.org/ns/activitystreams#Public"
        );
        assert!(a["commentPolicy"].is_string());
    }
    let (_, warned) = t.get_json("/posts/warned").await;
    assert_eq!(warned["sensitive"], true);
    assert_eq!(warned["summary"], "spoilers for the film");
    // The collections it names answer.
    for c in ["replies", "likes", "shares", "context"] {
        let (status, coll) = t.get_json(&format!("/posts/hello/{c}")).await;
        assert_eq!(status, 200, "{c}");
        // The context holds the whole thread, the article included (FEP-7888).
        let expected = if c == "context" { 1 } else { 0 };
        assert_eq!(coll["totalItems"], expected, "{c}");
    }
}

#[tokio::test]
async fn outbox_is_a_paged_collection_of_creates_and_followers_are_counted() {
    let t = TestInstance::start().await;
    for i in 0..25 {
        t.write_post(
            &format!("p{i}.md"),
            &post(&format!("P{i}"), &format!("2024-01-{:02}", i + 1), &[], "x"),
        );
    }
    t.app.sync_content().unwrap();
    let (status, outbox) = t.get_json("/@alice/outbox").await;
    assert_eq!(status, 200);
    assert_eq!(outbox["type"], "OrderedCollection");
    assert_eq!(outbox["totalItems"], 25);
    let first = outbox["first"].as_str().unwrap().to_string();
    let (_, page1) = t.get_json(first.trim_start_matches(&t.base)).await;
    assert_eq!(page1["type"], "OrderedCollectionPage");
    let items = page1["orderedItems"].as_array().unwrap();
    assert_eq!(items.len(), 20);
    assert_eq!(items[0]["type"], "Create");
    assert_eq!(items[0]["actor"], t.person());
    assert_eq!(items[0]["object"]["name"], "P24");
    let next = page1["next"].as_str().unwrap().to_string();
    let (_, page2) = t.get_json(next.trim_start_matches(&t.base)).await;
    assert_eq!(page2["orderedItems"].as_array().unwrap().len(), 5);
    let (_, group_outbox) = t.get_json("/@blog/outbox?page=1").await;
    assert_eq!(group_outbox["orderedItems"][0]["type"], "Announce");
    for (path, n) in [
        ("/@alice/followers", 0),
        ("/@blog/followers", 0),
        ("/@alice/following", 0),
    ] {
        let (status, c) = t.get_json(path).await;
        assert_eq!(status, 200);
        assert_eq!(c["type"], "OrderedCollection");
        assert_eq!(c["totalItems"], n);
    }
}
