//! The database: kept across restarts, migrated in place.

use crate::support::{post, Options, TestInstance};

#[tokio::test]
async fn restarting_keeps_posts_and_keys() {
    let t = TestInstance::start().await;
    t.write_post("a.md", &post("A", "2024-01-01", &[], "x"));
    t.app.sync_content().unwrap();
    let (_, before) = t.get_json("/@alice").await;
    let dir = t.stop().await;
    let t = TestInstance::start_in(dir, Options::default()).await;
    let (_, after) = t.get_json("/@alice").await;
    assert_eq!(
        before["publicKey"]["publicKeyPem"],
        after["publicKey"]["publicKeyPem"]
    );
    assert_eq!(t.get_html("/posts/a").await.status(), 200);
    // No activity is recorded twice for an unchanged post.
    assert_eq!(t.app.store.all_activities().unwrap().len(), 2);
}

#[test]
fn an_older_schema_is_migrated_not_recreated() {
    use quire::store::migrate::{migrate_to, MIGRATIONS};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quire.db");
    {
        let mut conn = rusqlite_free_open(&path);
        migrate_to(&mut conn, 1).unwrap();
        conn.execute(
            "INSERT INTO local_actors (name, kind, private_key, public_key_pem, created_at) VALUES ('old', 'Person', x'00', 'pem', '2020-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
    }
    let store = quire::store::Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap() as usize, MIGRATIONS.len());
    assert_eq!(
        store.actor_keys("old").unwrap().unwrap().public_key_pem,
        "pem"
    );
}

fn rusqlite_free_open(path: &std::path::Path) -> quire::store::RawConnection {
    quire::store::RawConnection::open(path).unwrap()
}
