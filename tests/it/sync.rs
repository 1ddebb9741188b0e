//! The content folder is the source of truth: changes while serving become pages and
//! activities.

use std::time::Duration;

use crate::support::{post, wait_for, TestInstance};

fn kinds(t: &TestInstance) -> Vec<(String, String)> {
    t.app
        .store
        .all_activities()
        .unwrap()
        .into_iter()
        .map(|a| (a.kind, a.object_id.unwrap_or_default()))
        .collect()
}

#[tokio::test]
async fn saving_editing_and_removing_a_file_publishes_updates_and_deletes() {
    let t = TestInstance::start().await;
    let url = t.url("/posts/live");
    t.write_post("live.md", &post("Live", "2024-01-01", &[], "first version"));
    wait_for(Duration::from_secs(10), || async {
        t.get_html("/posts/live").await.status() == 200
    })
    .await;
    assert_eq!(
        kinds(&t),
        vec![
            ("Create".into(), url.clone()),
            ("Announce".into(), url.clone())
        ]
    );

    t.write_post(
        "live.md",
        &post("Live", "2024-01-01", &[], "second version"),
    );
    wait_for(Duration::from_secs(10), || async {
        t.get_html("/posts/live")
            .await
            .text()
            .await
            .unwrap()
            .contains("second version")
    })
    .await;
    let (_, article) = t.get_json("/posts/live").await;
    assert!(article["updated"].is_string(), "an edit sets updated");
    assert_eq!(
        kinds(&t).last().unwrap(),
        &("Update".to_string(), url.clone())
    );

    std::fs::remove_file(t.content().join("live.md")).unwrap();
    wait_for(Duration::from_secs(10), || async {
        t.get_html("/posts/live").await.status() == 410
    })
    .await;
    let (status, tomb) = t.get_json("/posts/live").await;
    assert_eq!(status, 410);
    assert_eq!(tomb["type"], "Tombstone");
    assert_eq!(
        kinds(&t).last().unwrap(),
        &("Delete".to_string(), url.clone())
    );
    let delete = t.app.store.all_activities().unwrap().pop().unwrap();
    let delete: serde_json::Value = serde_json::from_str(&delete.payload).unwrap();
    assert_eq!(delete["object"]["type"], "Tombstone");
}

#[tokio::test]
async fn syncing_an_unchanged_folder_changes_nothing() {
    let t = TestInstance::start().await;
    t.write_post("a.md", &post("A", "2024-01-01", &[], "x"));
    let first = t.app.sync_content().unwrap();
    assert_eq!(first.created, vec!["a".to_string()]);
    let second = t.app.sync_content().unwrap();
    assert!(!second.changed());
    assert_eq!(second.unchanged, 1);
    assert_eq!(t.app.store.all_activities().unwrap().len(), 2);
}

#[tokio::test]
async fn a_malformed_post_is_skipped_and_keeps_its_earlier_version() {
    let t = TestInstance::start().await;
    t.write_post("good.md", &post("Good", "2024-01-01", &[], "fine"));
    t.write_post("typo.md", &post("Typo", "2024-01-02", &[], "fine too"));
    t.app.sync_content().unwrap();
    t.write_post("typo.md", "---\ntitle: [unclosed\n---\nbody\n");
    t.write_post(
        "new.md",
        "---\ntitle: \"ok\"\ndate: not-a-date\n---\nbody\n",
    );
    let report = t.app.sync_content().unwrap();
    assert!(report.deleted.is_empty(), "a typo never unpublishes a post");
    let errors: Vec<String> = report.errors.iter().map(|e| e.to_string()).collect();
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("typo.md:") && e.contains("YAML")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.starts_with("new.md:3")),
        "{errors:?}"
    );
    assert_eq!(t.get_html("/posts/typo").await.status(), 200);
    assert_eq!(t.get_html("/posts/good").await.status(), 200);
}

#[tokio::test]
async fn drafts_are_not_published() {
    let t = TestInstance::start().await;
    t.write_post("d.md", "---\ntitle: Secret\ndraft: true\n---\nnot yet\n");
    t.write_post("toml.md", "+++\ntitle = \"Zola post\"\ndate = 2024-02-02\n[taxonomies]\ntags = [\"zola\"]\n+++\nhello\n");
    t.write_post(
        "_posts/2024-01-02-jekyll-post.md",
        "---\ntitle: Jekyll\ndate: 2024-01-02 10:00:00 +0200\n---\nhi\n",
    );
    t.app.sync_content().unwrap();
    assert_eq!(t.get_html("/posts/d").await.status(), 404);
    assert_eq!(t.get_html("/posts/toml").await.status(), 200);
    assert_eq!(t.get_html("/tags/zola").await.status(), 200);
    let (_, jekyll) = t.get_json("/posts/jekyll-post").await;
    assert_eq!(jekyll["published"], "2024-01-02T08:00:00Z");
}
