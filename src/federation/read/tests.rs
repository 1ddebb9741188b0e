//! Tests of the tolerant reader, mostly against the shared corpus of real documents.

use super::*;
use serde_json::json;
use std::path::{Path, PathBuf};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

fn load(rel: &str) -> Value {
    let path = Path::new(CORPUS).join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_json(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// Runs every view on `v` and on whatever it embeds, checking only that nothing panics
/// and that the helpers agree with the views.
fn exercise(v: &Value) {
    let _ = ids(v);
    let _ = types(v);
    let _ = text(v, "content", Some("en"));
    let _ = text(v, "summary", None);
    if let Ok(a) = Activity::from_value(v) {
        assert!(!a.kind.is_empty() && !a.actor.is_empty());
        assert_eq!(a.object_id, id(&a.object));
        if a.object.is_object() {
            exercise(&a.object);
        }
    }
    if let Ok(actor) = Actor::from_value(v) {
        assert!(actor.public_keys.iter().all(|k| !k.pem.is_empty()));
    }
    if let Ok(note) = Note::from_value(v) {
        assert!(!note.id.is_empty());
        assert!(note.attachments.iter().all(|a| !a.url.is_empty()));
    }
    for item in v.as_array().into_iter().flatten() {
        exercise(item);
    }
}

#[test]
fn every_corpus_file_parses_and_reads_without_panicking() {
    let mut files = Vec::new();
    json_files(Path::new(CORPUS), &mut files);
    assert!(files.len() > 500, "corpus not found at {CORPUS}");
    let (mut activities, mut actors, mut notes) = (0, 0, 0);
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let v = parse_json(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        exercise(&v);
        let p = path.to_string_lossy();
        if p.contains("/activity/") && Activity::from_value(&v).is_ok() {
            activities += 1;
        }
        if p.contains("/actor/") && is_actor(&v) {
            Actor::from_value(&v).unwrap_or_else(|e| panic!("{p}: {e}"));
            actors += 1;
        }
        if p.contains("/object/") && Note::from_value(&v).is_ok() {
            notes += 1;
        }
    }
    // Nearly every activity and object in the corpus is readable.
    assert!(activities > 200, "{activities} activities read");
    assert!(actors > 120, "{actors} actors read");
    assert!(notes > 100, "{notes} objects read as notes");
}

#[test]
fn a_bom_before_the_json_is_ignored() {
    let raw =
        std::fs::read(Path::new(CORPUS).join("letterbook/actor/letterbook--actor.json")).unwrap();
    assert!(raw.starts_with(b"\xEF\xBB\xBF"));
    let actor = Actor::from_value(&parse_json(&raw).unwrap()).unwrap();
    assert_eq!(actor.id, "http://localhost:3080/users/user");
    assert_eq!(
        actor.shared_inbox.as_deref(),
        Some("http://localhost:3080/inbox")
    );
    assert_eq!(parse_json(b"\xEF\xBB\xBF{}").unwrap(), json!({}));
}

#[test]
fn json_nested_deeper_than_the_limit_is_rejected_before_parsing() {
    let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    assert!(parse_json(ok.as_bytes()).is_ok());
    let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert_eq!(parse_json(deep.as_bytes()), Err(ReadError::TooDeep));
    // Even unterminated, and a hundred thousand deep: no stack overflow.
    assert_eq!(
        parse_json("{\"a\":".repeat(100_000).as_bytes()),
        Err(ReadError::TooDeep)
    );
    // Brackets inside strings do not count.
    let in_string = format!("{{\"a\":\"{}\"}}", "[{".repeat(1000));
    assert!(parse_json(in_string.as_bytes()).is_ok());
    let escaped_quote = format!("[\"\\\"{}\"]", "[".repeat(100));
    assert!(parse_json(escaped_quote.as_bytes()).is_ok());
}

#[test]
fn garbage_bytes_are_an_error_not_a_panic() {
    assert!(matches!(parse_json(b""), Err(ReadError::Json(_))));
    assert!(matches!(parse_json(b"\xff\xfe{}"), Err(ReadError::Json(_))));
    assert!(matches!(parse_json(b"{\"a\":"), Err(ReadError::Json(_))));
    for v in [json!(null), json!("x"), json!(1), json!([]), json!({})] {
        assert!(Activity::from_value(&v).is_err());
        assert!(Actor::from_value(&v).is_err());
        assert!(Note::from_value(&v).is_err());
    }
    assert_eq!(Activity::from_value(&json!([])), Err(ReadError::NotObject));
    assert_eq!(
        Activity::from_value(&json!({"type": "Follow"})),
        Err(ReadError::Missing("actor"))
    );
}

#[test]
fn ids_come_from_strings_objects_links_and_arrays_of_them() {
    assert_eq!(ids(&json!("https://a/1")), ["https://a/1"]);
    assert_eq!(
        ids(&json!({"id": "https://a/1", "href": "x"})),
        ["https://a/1"]
    );
    assert_eq!(
        ids(&json!({"type": "Link", "href": "https://a/2"})),
        ["https://a/2"]
    );
    assert_eq!(
        ids(&json!(["https://a/1", {"id": "https://a/2"}, null, "", {"id": null}])),
        ["https://a/1", "https://a/2"]
    );
    assert!(ids(&json!(null)).is_empty());
    assert!(ids(&json!(42)).is_empty());
    assert_eq!(
        id(&json!([{"name": "no id"}, "https://a/3"])).as_deref(),
        Some("https://a/3")
    );
}

#[test]
fn types_accept_arrays_and_drop_the_as_prefix() {
    let actor = load("mastodon/actor/mastodon-spec--activitypub-actor-individual.json");
    assert_eq!(types(&actor), ["Person", "vcard:individual"]);
    assert!(has_type(&actor, "Person"));
    let place = load("bonfire/object/bonfire--place.json");
    assert_eq!(types(&place), ["Place", "geojson:Feature"]);
    assert_eq!(types(&json!({"type": "as:Endpoints"})), ["Endpoints"]);
    assert_eq!(
        types(&json!({"type": "https://www.w3.org/ns/activitystreams#Note"})),
        ["Note"]
    );
    assert!(types(&json!({"type": 3})).is_empty());
}

#[test]
fn public_addressing_is_recognised_in_every_spelling() {
    assert!(is_public_address(PUBLIC));
    assert!(is_public_address("as:Public"));
    assert!(is_public_address("Public"));
    assert!(!is_public_address("https://example.com/users/a/followers"));
    // Bonfire addresses with the compact IRI; the view spells it out.
    let place = Note::from_value(&load("bonfire/object/bonfire--place.json")).unwrap();
    assert_eq!(place.to, [PUBLIC]);
    assert!(place.is_public());
}

#[test]
fn text_prefers_content_then_the_asked_language_then_und_then_any() {
    let v = json!({"contentMap": {"de": "Hallo", "en-GB": "Hello", "und": "?"}});
    assert_eq!(text(&v, "content", Some("en-GB")).as_deref(), Some("Hello"));
    assert_eq!(text(&v, "content", Some("en")).as_deref(), Some("Hello"));
    assert_eq!(text(&v, "content", Some("fr")).as_deref(), Some("?"));
    assert_eq!(text(&v, "content", None).as_deref(), Some("?"));
    let v = json!({"content": "plain", "contentMap": {"en": "mapped"}});
    assert_eq!(text(&v, "content", Some("en")).as_deref(), Some("plain"));
    let v = json!({"content": null, "contentMap": {"fr": "Bonjour"}});
    assert_eq!(text(&v, "content", Some("en")).as_deref(), Some("Bonjour"));
    assert_eq!(text(&json!({"content": null}), "content", None), None);
    assert_eq!(text(&json!({"contentMap": "bad"}), "content", None), None);
}

#[test]
fn timestamps_accept_rfc3339_fractions_and_offsets_without_a_colon() {
    let t = |s| parse_timestamp(s).map(|t| t.to_rfc3339());
    assert_eq!(
        t("2023-10-30T12:44:35Z").as_deref(),
        Some("2023-10-30T12:44:35+00:00")
    );
    assert_eq!(
        t("2023-10-30T12:44:35+0000").as_deref(),
        Some("2023-10-30T12:44:35+00:00")
    );
    assert_eq!(
        t("2021-10-20T12:40:37+02:00").as_deref(),
        Some("2021-10-20T10:40:37+00:00")
    );
    assert_eq!(
        t("2021-10-20T12:40:37+0200").as_deref(),
        Some("2021-10-20T10:40:37+00:00")
    );
    assert_eq!(
        t("2018-02-12T14:08:20.123456Z").as_deref(),
        Some("2018-02-12T14:08:20.123456+00:00")
    );
    assert_eq!(
        t("2018-02-12T14:08:20").as_deref(),
        Some("2018-02-12T14:08:20+00:00")
    );
    assert_eq!(t("SCRUBBED_DATE"), None);
    assert_eq!(t(""), None);
    // Pixelfed's Announce.
    let a = Activity::from_value(&load("pixelfed/activity/vernissage--announce.json")).unwrap();
    assert_eq!(
        a.published.map(|t| t.to_rfc3339()).as_deref(),
        Some("2023-10-30T12:44:35+00:00")
    );
}

#[test]
fn gotosocial_bare_string_to_and_cc_become_lists() {
    let note = Note::from_value(&load("gotosocial/object/gts--note-cw-sensitive.json")).unwrap();
    assert_eq!(note.to, [PUBLIC]);
    assert_eq!(
        note.cc,
        ["http://localhost:8080/users/the_mighty_zork/followers"]
    );
    assert_eq!(note.summary.as_deref(), Some("introduction post"));
    assert!(note.sensitive);
    assert!(note.published.is_some());

    let create =
        Activity::from_value(&load("gotosocial/activity/wpap--gotosocial-reply.json")).unwrap();
    assert_eq!(create.kind, "Create");
    assert_eq!(create.to, [PUBLIC]);
    assert!(create.is_public());
    let reply = Note::from_value(&create.object).unwrap();
    assert!(reply.in_reply_to.is_some());
    assert!(reply.content_html.contains("u-url mention"));
}

#[test]
fn a_single_tag_object_is_read_as_a_list_of_one() {
    let note = Note::from_value(&load("gotosocial/object/gts--note-with-mentions.json")).unwrap();
    assert_eq!(note.tags.len(), 1);
    assert_eq!(note.tags[0].kind, TagKind::Mention);
    assert_eq!(
        note.tags[0].name.as_deref(),
        Some("@the_mighty_zork@localhost:8080")
    );
    assert_eq!(
        note.mentions().collect::<Vec<_>>(),
        ["http://localhost:8080/users/the_mighty_zork"]
    );

    // An actor's emoji tag, also one object: the icon URL comes from icon.url.
    let person = load("gotosocial/actor/gts--person-with-emoji.json");
    let tags: Vec<_> = one_or_many(person.get("tag"))
        .into_iter()
        .filter_map(tag_ref)
        .collect();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].kind, TagKind::Emoji);
    assert_eq!(tags[0].name.as_deref(), Some(":rainbow:"));
    assert!(tags[0].icon_url.as_deref().unwrap().ends_with(".png"));
}

#[test]
fn kroeg_array_less_emoji_and_embedded_actor_are_read() {
    let v = load("kroeg/activity/akkoma--kroeg-array-less-emoji.json");
    let a = Activity::from_value(&v).unwrap();
    assert_eq!(a.actor, "https://puckipedia.com/");
    let actor = Actor::from_value(&v["actor"]).unwrap();
    // Kroeg's `endpoints` is an IRI, not an object: no shared inbox, no panic.
    assert_eq!(actor.shared_inbox, None);
    assert_eq!(actor.public_keys[0].id, "https://puckipedia.com/#key");
    let note = Note::from_value(&a.object).unwrap();
    assert!(note
        .tags
        .iter()
        .any(|t| t.kind == TagKind::Emoji && t.icon_url.is_some()));
    assert_eq!(
        note.attributed_to.as_deref(),
        Some("https://puckipedia.com/")
    );
}

#[test]
fn content_map_without_content_gives_the_content() {
    let a = Activity::from_value(&load(
        "mastodon/activity/akkoma--mastodon-post-activity-contentmap.json",
    ))
    .unwrap();
    let note = Note::from_value(&a.object).unwrap();
    assert!(note.content_html.contains("<span class=\"h-card\">"));
    assert_eq!(note.summary.as_deref(), Some("cw"));
    let v = load("mastodon/activity/bonfire--mastodon--mastodon-post-activity-contentmaps.json");
    let note = Note::from_value(&Activity::from_value(&v).unwrap().object).unwrap();
    assert!(!note.content_html.is_empty());
    assert!(v["object"].get("content").is_none());
}

#[test]
fn mbin_null_content_gives_empty_html_and_placeholders_pass_through() {
    let a = Activity::from_value(&load(
        "mbin/activity/mbin--CreateTest__testCreateEntry.json",
    ))
    .unwrap();
    assert_eq!(a.id.as_deref(), Some("SCRUBBED_ID"));
    assert_eq!(a.published, None);
    let page = Note::from_value(&a.object).unwrap();
    assert_eq!(page.kind, "Page");
    assert_eq!(page.content_html, "");
    assert_eq!(page.in_reply_to, None);
    assert_eq!(page.tags[0].kind, TagKind::Hashtag);
}

#[test]
fn plume_attributed_to_arrays_and_null_spoiler_text_are_read() {
    let article = Note::from_value(&load(
        "plume/object/akkoma--baptiste.gelex.xyz-article.json",
    ))
    .unwrap();
    assert_eq!(article.kind, "Article");
    assert_eq!(
        article.attributed_to.as_deref(),
        Some("https://baptiste.gelez.xyz/@/BaptisteGelez")
    );
    assert_eq!(article.summary, None);
    let page = Note::from_value(&load("plume/object/lemmy--page.json")).unwrap();
    assert_eq!(
        page.attributed_to.as_deref(),
        Some("https://fediverse.blog/@/KitaitiMakoto/")
    );
    // Plume's spoiler field.
    let v = json!({"id": "https://p/1", "type": "Article", "summary": "", "spoilerText": "cw"});
    assert_eq!(Note::from_value(&v).unwrap().summary.as_deref(), Some("cw"));
}

#[test]
fn peertube_attributed_to_prefers_the_person_and_url_the_html_link() {
    let video = Note::from_value(&load("peertube/object/lemmy--video.json")).unwrap();
    assert_eq!(
        video.attributed_to.as_deref(),
        Some("https://tilvids.com/accounts/thelinuxexperiment")
    );
    assert!(video.url.as_deref().unwrap().contains("/videos/watch/"));
    // The Group coming first does not change who the author is.
    let v = json!({"id": "https://x/1", "type": "Video", "attributedTo": [
        {"type": "Group", "id": "https://x/c"}, {"type": "Person", "id": "https://x/p"}]});
    assert_eq!(
        Note::from_value(&v).unwrap().attributed_to.as_deref(),
        Some("https://x/p")
    );
    let mixed = Note::from_value(&load(
        "synthetic/object/gts--gts-peertube-video-mixed-url.json",
    ))
    .unwrap();
    assert_eq!(
        mixed.url.as_deref(),
        Some("https://example.org/w/jifTXYpdLJSU269svW8Jdb")
    );
}

#[test]
fn public_key_as_an_array_gives_every_key() {
    let bob = Actor::from_value(&load(
        "signatures/fedify--remote.domain-users-bob.actor.json",
    ))
    .unwrap();
    assert_eq!(bob.public_keys.len(), 1);
    assert_eq!(
        bob.public_keys[0].id,
        "https://remote.domain/users/bob#main-key"
    );
    assert_eq!(
        bob.public_keys[0].owner.as_deref(),
        Some("https://remote.domain/users/bob")
    );
    assert!(bob.public_keys[0]
        .pem
        .starts_with("-----BEGIN PUBLIC KEY-----"));
    assert!(bob
        .key("https://remote.domain/users/bob#main-key")
        .is_some());
    // A key id that is not a URL is still a key id.
    let bridgy = Actor::from_value(&load("bridgy-fed/actor/rebased--bridgy--actor.json")).unwrap();
    assert!(bridgy
        .public_keys
        .iter()
        .any(|k| k.id == "jk.nipponalba.scot"));
}

#[test]
fn actor_shapes_null_inbox_bare_icon_icon_arrays_and_link_urls() {
    let foo = Actor::from_value(&load(
        "mastodon/actor/mastodon-spec--activitypub-actor-noinbox.json",
    ))
    .unwrap();
    assert_eq!(foo.inbox, None);
    assert_eq!(foo.name, None);
    assert_eq!(
        foo.icon_url.as_deref(),
        Some("https://quitter.no/avatar/7477-300-20160211190340.png")
    );
    let bridgy = Actor::from_value(&load(
        "bridgy-fed/actor/vernissage--bsky.brid.gy-service.json",
    ))
    .unwrap();
    assert_eq!(
        bridgy.icon_url.as_deref(),
        Some("https://fed.brid.gy/static/bridgy_logo_square.jpg")
    );
    assert_eq!(
        bridgy.shared_inbox.as_deref(),
        Some("https://bsky.brid.gy/ap/sharedInbox")
    );
    assert!(bridgy.url.is_some());
    let group = Actor::from_value(&load("peertube/actor/lemmy--group.json")).unwrap();
    assert_eq!(group.kind, "Group");
    assert!(group.icon_url.is_some());
    let hubzilla = Actor::from_value(&load(
        "hubzilla/actor/akkoma--kaniini_at_hubzilla.example.org.json",
    ))
    .unwrap();
    assert!(hubzilla.url.is_some());
    // Top-level sharedInbox and attributionDomains as a string.
    let v = json!({"id": "https://a/u", "type": "Person", "sharedInbox": "https://a/inbox",
        "attributionDomains": "a.example"});
    let actor = Actor::from_value(&v).unwrap();
    assert_eq!(actor.shared_inbox.as_deref(), Some("https://a/inbox"));
    assert_eq!(actor.attribution_domains, ["a.example"]);
}

#[test]
fn embedded_actor_objects_in_follows_give_their_ids() {
    for rel in [
        "hubzilla/activity/akkoma--hubzilla-follow-activity.json",
        "osada/activity/akkoma--osada-follow-activity.json",
    ] {
        let a = Activity::from_value(&load(rel)).unwrap();
        assert_eq!(a.kind, "Follow", "{rel}");
        assert!(a.actor.starts_with("http"), "{rel}");
        assert!(a.object_id.is_some(), "{rel}");
    }
}

#[test]
fn actor_as_an_array_gives_its_first_id() {
    let a = Activity::from_value(&load("prismo/activity/akkoma--prismo-url-map.json")).unwrap();
    assert_eq!(a.actor, "https://prismo.news/@mxb");
    let article = Note::from_value(&a.object).unwrap();
    assert_eq!(article.url.as_deref(), Some("https://prismo.news/posts/83"));
    assert_eq!(
        article.attributed_to.as_deref(),
        Some("https://prismo.news/@mxb")
    );
    assert_eq!(article.tags.len(), 3, "Prismo's `tags` is read too");
    let d = Activity::from_value(&load(
        "synthetic/activity/vernissage--delete-actor-mixed-array-ldsig.json",
    ))
    .unwrap();
    assert_eq!(d.actor, "http://sallyA.example.org");
}

#[test]
fn create_and_undo_with_a_bare_iri_object_keep_the_iri() {
    let c =
        Activity::from_value(&load("gotosocial/activity/gts--create-note-iri-only.json")).unwrap();
    assert_eq!(c.kind, "Create");
    assert!(!c.object_is_embedded());
    assert_eq!(
        c.object_id.as_deref(),
        Some("http://localhost:8080/users/the_mighty_zork/statuses/01F8MHAMCHF6Y650WCRSCP4WMY")
    );
    assert!(Note::from_value(&c.object).is_err());
    let u = Activity::from_value(&load(
        "mastodon/activity/akkoma--mastodon-undo-like-compact-object.json",
    ))
    .unwrap();
    assert_eq!(u.kind, "Undo");
    assert_eq!(
        u.object_id.as_deref(),
        Some("http://mastodon.example.org/users/admin#likes/2")
    );
}

#[test]
fn delete_shapes_bare_iri_tombstone_and_actor_are_all_read() {
    let bare = Activity::from_value(&load("gotosocial/activity/gts--delete-public.json")).unwrap();
    assert_eq!(bare.id, None, "GoToSocial sends Delete without an id");
    assert_eq!(
        bare.object_id.as_deref(),
        Some("http://localhost:8080/users/admin/statuses/01F8MH75CBF9JFX4ZAD54N0W0R")
    );
    for rel in [
        "lemmy/activity/lemmy--deletion--delete_page.json",
        "pleroma/activity/lemmy--delete.json",
        "mastodon/activity/letterbook--delete-tombstone.json",
        "lemmy/activity/lemmy--deletion--delete_user.json",
        "mastodon/activity/bovine--mastodon_delete_actor_1.json",
    ] {
        let d = Activity::from_value(&load(rel)).unwrap();
        assert_eq!(d.kind, "Delete", "{rel}");
        assert!(d.object_id.is_some(), "{rel}");
    }
    let tomb =
        Activity::from_value(&load("mastodon/activity/akkoma--mastodon-delete.json")).unwrap();
    assert!(has_type(&tomb.object, "Tombstone"));
    assert_eq!(
        Note::from_value(&tomb.object),
        Err(ReadError::WrongType("Tombstone".into()))
    );
    let user =
        Activity::from_value(&load("mastodon/activity/akkoma--mastodon-delete-user.json")).unwrap();
    assert!(has_type(&user.object, "Person"));
    assert_eq!(user.object_id.as_deref(), Some(user.actor.as_str()));
}

#[test]
fn misskey_reactions_are_likes_with_content_and_emoji_tags() {
    let v = load("misskey/activity/akkoma--custom-emoji-reaction.json");
    let like = Activity::from_value(&v).unwrap();
    assert_eq!(like.kind, "Like");
    assert_eq!(text(&v, "content", None).as_deref(), Some(":hanapog:"));
    assert_eq!(v["_misskey_reaction"], ":hanapog:");
    let emoji = tag_ref(&v["tag"][0]).unwrap();
    assert_eq!(emoji.kind, TagKind::Emoji);
    assert!(emoji.icon_url.is_some());

    let old = Activity::from_value(&load("misskey/activity/rebased--misskey-like.json")).unwrap();
    assert_eq!(old.kind, "Like");
    assert!(old.object_id.is_some());

    let react = load("pleroma/activity/akkoma--emoji-reaction.json");
    let a = Activity::from_value(&react).unwrap();
    assert_eq!(a.kind, "EmojiReact");
    assert_eq!(text(&react, "content", None).as_deref(), Some("👌"));
}

#[test]
fn emoji_tags_with_missing_null_or_empty_ids_are_kept_without_an_href() {
    for rel in [
        "synthetic/object/gts--gts-note-emoji-no-id.json",
        "synthetic/object/gts--gts-note-emoji-null-id.json",
        "synthetic/object/gts--gts-note-emoji-empty-id.json",
    ] {
        let note = Note::from_value(&load(rel)).unwrap();
        let emoji = note.tags.iter().find(|t| t.kind == TagKind::Emoji).unwrap();
        assert_eq!(emoji.href, None, "{rel}");
    }
}

#[test]
fn single_attachment_objects_are_read() {
    let note = Note::from_value(&load(
        "owncast/object/akkoma--owncast-note-with-attachment.json",
    ))
    .unwrap();
    assert_eq!(note.attachments.len(), 1);
    assert!(note.attachments[0].url.starts_with("http"));
}

#[test]
fn null_summary_and_null_sensitive_are_none_and_false() {
    let note = Note::from_value(&load("pleroma/object/lemmy--note.json")).unwrap();
    assert!(!note.sensitive);
    let v = json!({"id": "https://a/1", "type": "Note", "summary": null, "sensitive": null,
        "content": "<p>x</p>", "inReplyTo": {"id": "https://b/2", "type": "Note"}});
    let note = Note::from_value(&v).unwrap();
    assert_eq!(note.summary, None);
    assert!(!note.sensitive);
    assert_eq!(note.in_reply_to.as_deref(), Some("https://b/2"));
}
