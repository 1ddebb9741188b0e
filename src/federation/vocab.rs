//! ActivityStreams constants quire uses when it writes JSON: contexts, the Public address,
//! media types. Reading remote JSON (one-or-many, id-or-object) lives beside the inbox.

/// The public audience; `as:Public` and `Public` mean the same when read.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The ActivityStreams context.
pub const AS_CONTEXT: &str = "https://www.w3.org/ns/activitystreams";

/// The security vocabulary (publicKey).
pub const SECURITY_CONTEXT: &str = "https://w3id.org/security/v1";

/// The media type quire answers ActivityStreams with.
pub const ACTIVITY_JSON: &str = "application/activity+json; charset=utf-8";

/// Is `value` an address meaning "everyone"?
pub fn is_public(value: &str) -> bool {
    matches!(value, PUBLIC | "as:Public" | "Public")
}

/// The extension terms quire uses, so JSON-LD processors (Mastodon's LD signatures, Misskey)
/// read them as intended.
pub fn context() -> serde_json::Value {
    serde_json::json!([
        AS_CONTEXT,
        SECURITY_CONTEXT,
        {
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "sensitive": "as:sensitive",
            "Hashtag": "as:Hashtag",
            "toot": "http://joinmastodon.org/ns#",
            "discoverable": "toot:discoverable",
            "indexable": "toot:indexable",
            "attributionDomains": {"@id": "toot:attributionDomains", "@type": "@id"},
            "gts": "https://gotosocial.org/ns#",
            "interactionPolicy": {"@id": "gts:interactionPolicy", "@type": "@id"},
            "canReply": {"@id": "gts:canReply", "@type": "@id"},
            "canLike": {"@id": "gts:canLike", "@type": "@id"},
            "canAnnounce": {"@id": "gts:canAnnounce", "@type": "@id"},
            "always": {"@id": "gts:always", "@type": "@id"},
            "approvalRequired": {"@id": "gts:approvalRequired", "@type": "@id"},
            "streams": "https://streams.social/ns#",
            "commentPolicy": "streams:commentPolicy"
        }
    ])
}

/// A media type for a file name, from its extension (attachments, `/media/`).
pub fn media_type_for(path: &str) -> Option<&'static str> {
    let ext = path.rsplit('.').next()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "svg" => "image/svg+xml",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "pdf" => "application/pdf",
        _ => return None,
    })
}
