//! Conformance: every activity captured in `../shared/corpus/*/activity/` (read at test
//! time, never copied here), rewritten so a test actor (another real quire) sends it, its
//! ids on that actor's host and its replies and reactions aimed at a real article, signed
//! (draft-cavage) and POSTed to the real shared inbox. Each is applied, or refused with a
//! 4xx and a reason, never a 5xx or a partial write; replies, reactions, edits and
//! deletions show up as they should.

use std::path::PathBuf;

use serde_json::{json, Value};

use crate::conversation::{page, send_raw};
use crate::support::{post, TestInstance};
use quire::federation::read::{id, types};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

fn activity_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(dirs) = std::fs::read_dir(CORPUS) else {
        return files;
    };
    for dir in dirs.flatten() {
        let Ok(entries) = std::fs::read_dir(dir.path().join("activity")) else {
            continue;
        };
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "json") {
                files.push(e.path());
            }
        }
    }
    files.sort();
    files
}

/// Replaces every string equal to `from` (or starting with `from` followed by `/`, `#` or
/// `?`) with the same under `to`.
fn rehost(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::String(s) => {
            if s == from {
                *s = to.to_string();
            } else if let Some(rest) = s.strip_prefix(from) {
                if rest.starts_with(['/', '#', '?']) {
                    *s = format!("{to}{rest}");
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rehost(i, from, to)),
        Value::Object(m) => m.values_mut().for_each(|i| rehost(i, from, to)),
        _ => {}
    }
}

fn origin(u: &str) -> Option<String> {
    let url = url::Url::parse(u).ok()?;
    Some(url.origin().ascii_serialization()).filter(|o| o != "null")
}

/// Aims replies and reactions at the article.
fn aim(v: &mut Value, article: &str) {
    let kinds = types(v);
    let kind = kinds.first().map(String::as_str).unwrap_or_default();
    if matches!(kind, "Like" | "EmojiReact" | "Announce" | "Dislike") {
        if let Some(o) = v.get_mut("object") {
            *o = json!(article);
        }
    }
    if let Some(Value::Object(o)) = v.get_mut("object") {
        if o.get("inReplyTo").is_some_and(|r| !r.is_null()) {
            o.insert("inReplyTo".into(), json!(article));
        }
        let mut inner = Value::Object(o.clone());
        if matches!(
            types(&inner).first().map(String::as_str),
            Some("Like" | "EmojiReact" | "Announce")
        ) {
            inner["object"] = json!(article);
            *o = inner.as_object().cloned().unwrap_or_default();
        }
    }
}

/// What the blog holds, to tell a partial write from none.
fn snapshot(t: &TestInstance, post_id: i64) -> (usize, usize, usize, usize) {
    use quire::store::reactions::ReactionKind;
    let s = &t.app.store;
    (
        s.recent_comments(100_000).unwrap().len(),
        s.count_reactions(post_id, ReactionKind::Like).unwrap()
            + s.count_reactions(post_id, ReactionKind::Boost).unwrap(),
        s.reports(100_000).unwrap().len(),
        s.follower_count("alice").unwrap() + s.follower_count("blog").unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_corpus_activity_is_applied_or_refused_cleanly() {
    let files = activity_files();
    assert!(files.len() >= 200, "corpus not found at {CORPUS}");
    let blog = TestInstance::start().await;
    blog.write_post("hello.md", &post("Hello", "2026-01-01", &[], "First post."));
    blog.app.sync_content().expect("sync");
    let post_id = blog.app.store.post_by_slug("hello").unwrap().unwrap().id;
    let remote = TestInstance::start().await;
    let article = blog.url("/posts/hello");
    let me = remote.person();
    let (_, actor_doc) = remote.get_json("/@alice").await;
    let (mut applied, mut refused, mut comments, mut reactions, mut edits) = (0, 0, 0, 0, 0);

    for (i, path) in files.iter().enumerate() {
        let name = path
            .strip_prefix(CORPUS)
            .unwrap_or(path)
            .display()
            .to_string();
        let text = std::fs::read(path).expect("read corpus file");
        let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&text);
        let Ok(mut v) = serde_json::from_slice::<Value>(text) else {
            continue;
        };
        if !v.is_object() {
            continue;
        }
        // Whoever sent it, our test actor sends it now: the original actor's id becomes
        // ours, and its host our host (so the objects it made are ours too).
        if let Some(original) = v.get("actor").and_then(id) {
            rehost(&mut v, &original, &me);
            if let (Some(from), Some(to)) = (origin(&original), origin(&me)) {
                rehost(&mut v, &from, &to);
            }
        }
        v["actor"] = json!(me);
        if let Some(aid) = v.get("id").and_then(Value::as_str) {
            // Unique per file, on our host.
            let path = url::Url::parse(aid)
                .map(|u| u.path().to_string())
                .unwrap_or_default();
            v["id"] = json!(format!("{}{}#corpus-{i}", remote.base, path));
        }
        aim(&mut v, &article);
        if v["object"].get("id").and_then(Value::as_str) == Some(me.as_str())
            && quire::federation::read::is_actor(&v["object"])
        {
            // An actor's Update of itself: its real document (the corpus one would publish
            // another key, and the next request could not be verified).
            v["object"] = actor_doc.clone();
        }
        let kind = types(&v).first().cloned().unwrap_or_default();
        let object_id = v.get("object").and_then(id);

        let before = snapshot(&blog, post_id);
        let (status, body) = send_raw(&remote, &blog, v.to_string().as_bytes()).await;
        assert!(status < 500, "{name}: {status} {body}");
        if status >= 400 {
            refused += 1;
            eprintln!("refused {name}: {status} {body}");
            assert_eq!(
                before,
                snapshot(&blog, post_id),
                "{name}: partial write on refusal"
            );
            assert!(!body.is_empty(), "{name}: refused without a reason");
            continue;
        }
        assert_eq!(status, 202, "{name}: {body}");
        applied += 1;
        let is_reply = v["object"]
            .get("inReplyTo")
            .is_some_and(|r| r == &json!(article));
        match kind.as_str() {
            "Create" if is_reply => {
                if let Some(oid) = &object_id {
                    let stored = blog.app.store.comment_by_object(oid).unwrap();
                    if quire::federation::read::Note::from_value(&v["object"]).is_ok()
                        && oid.starts_with(&remote.base)
                    {
                        assert!(stored.is_some(), "{name}: reply not stored");
                        comments += 1;
                    }
                }
            }
            "Like" | "EmojiReact" | "Announce" => {
                let now = snapshot(&blog, post_id);
                assert!(now.1 >= 1, "{name}: reaction not counted");
                reactions += 1;
            }
            "Update" => {
                if let Some(c) = object_id
                    .as_deref()
                    .and_then(|oid| blog.app.store.comment_by_object(oid).unwrap())
                {
                    assert!(c.updated.is_some(), "{name}: edit not marked");
                    edits += 1;
                }
            }
            "Delete" => {
                if let Some(oid) = &object_id {
                    assert!(
                        blog.app.store.comment_by_object(oid).unwrap().is_none(),
                        "{name}: deleted comment still stored"
                    );
                }
            }
            _ => {}
        }
    }
    // What the page shows agrees with the store.
    let html = page(&blog, "hello").await;
    let visible = blog.app.store.visible_comments(post_id).unwrap().len();
    if visible > 0 {
        assert!(
            html.contains("class=\"comments\""),
            "comments missing from the page"
        );
    }
    assert!(!html.to_ascii_lowercase().contains("<script"));
    eprintln!(
        "corpus: {} files, {applied} accepted, {refused} refused; {comments} replies stored, {reactions} reactions counted, {edits} edits, {visible} comments on the page",
        files.len()
    );
    assert!(
        comments >= 10 && reactions >= 10,
        "too little of the corpus was applied"
    );
}
