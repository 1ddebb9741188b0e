//! A tolerant reader of incoming ActivityStreams JSON.
//!
//! This module owns turning what other servers send us into a few small typed views
//! ([`Activity`], [`Actor`], [`Note`]). It is pure (no I/O, no clock) and never panics on
//! input. It works over [`serde_json::Value`] rather than strict serde structs because the
//! fediverse sends the same property in many shapes (catalogued in
//! `corpus/SOURCES.md`, "Shapes a parser must tolerate"):
//!
//! - one value or an array of them (`to: "…"` from GoToSocial, `tag: {…}` from Kroeg);
//! - an IRI string, an embedded object with an `id`, or a `Link` with an `href`;
//! - `type` as a string or an array (`["Person", "vcard:individual"]`), sometimes compact
//!   (`as:Public`, `as:Endpoints`);
//! - `content` missing with only `contentMap`, `null` where a string is usual;
//! - timestamps with `+0000` offsets (not RFC 3339) and fractional seconds;
//! - a UTF-8 byte order mark before the JSON.
//!
//! Nothing here decides whether an activity is authorised or trustworthy: the inbox checks
//! signatures and hosts. This module only answers "what does this JSON say".

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::Value;

/// The full IRI of the public collection (`as:Public`).
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The namespace that compact `as:` terms and full-IRI type names expand from.
const AS_NS: &str = "https://www.w3.org/ns/activitystreams#";

/// The deepest nesting of arrays and objects [`parse_json`] accepts.
///
/// serde_json has its own recursion limit of 128 levels (it returns a "recursion limit
/// exceeded" error instead of overflowing the stack), but every recursive walk we or our
/// dependencies do afterwards (dropping the `Value`, `Clone`, `Debug`) is also recursive;
/// no real ActivityPub document is nested more than about ten levels. 64 keeps a wide
/// margin both ways.
pub const MAX_DEPTH: usize = 64;

/// Why an incoming document could not be read as what was asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// The bytes are not JSON (or not UTF-8).
    #[error("not valid JSON: {0}")]
    Json(String),
    /// Arrays and objects nested deeper than [`MAX_DEPTH`].
    #[error("JSON nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// The document (or the embedded value) is not a JSON object.
    #[error("not a JSON object")]
    NotObject,
    /// A property the view cannot do without is absent, `null`, empty or of no usable shape.
    #[error("missing or unusable `{0}`")]
    Missing(&'static str),
    /// The object is of a type this view does not read.
    #[error("unexpected type `{0}`")]
    WrongType(String),
}

// ---------------------------------------------------------------------------------------
// Bytes to Value
// ---------------------------------------------------------------------------------------

/// Parses a request or response body into a [`Value`].
///
/// Strips a leading UTF-8 byte order mark (Letterbook sends one) and rejects documents
/// nested deeper than [`MAX_DEPTH`] before serde_json sees them, so hostile input cannot
/// exhaust the stack anywhere downstream.
pub fn parse_json(bytes: &[u8]) -> Result<Value, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if nesting_depth(bytes) > MAX_DEPTH {
        return Err(ReadError::TooDeep);
    }
    serde_json::from_slice(bytes).map_err(|e| ReadError::Json(e.to_string()))
}

/// The deepest nesting of `[`/`{` in `bytes`, ignoring brackets inside strings. Stops
/// counting (returns early) once past [`MAX_DEPTH`]. Malformed input is left to serde_json.
fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
                if max > MAX_DEPTH {
                    return max;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

// ---------------------------------------------------------------------------------------
// Helpers over Value
// ---------------------------------------------------------------------------------------

/// Every id a property value names: a string IRI, an object's `id` (or a Link's `href`),
/// or an array of either (flattened). Empty strings and objects without an id are skipped.
///
/// Used for `actor`, `object`, `to`, `attributedTo`, … which servers send in all of
/// these shapes.
pub fn ids(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_ids(v, &mut out);
    out
}

fn collect_ids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => push_nonempty(out, s),
        Value::Object(m) => {
            if let Some(s) = m
                .get("id")
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
            {
                push_nonempty(out, s);
            } else if let Some(s) = m.get("href").and_then(Value::as_str) {
                push_nonempty(out, s);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_ids(item, out)),
        _ => {}
    }
}

fn push_nonempty(out: &mut Vec<String>, s: &str) {
    let s = s.trim();
    if !s.is_empty() {
        out.push(s.to_owned());
    }
}

/// The first id a property value names (see [`ids`]); `None` when it names none.
pub fn id(v: &Value) -> Option<String> {
    ids(v).into_iter().next()
}

/// The types of an object: its `type` as a string or an array of strings, with the
/// `as:` prefix (or the full ActivityStreams namespace) removed, so `as:Public`-style
/// compact names compare equal to plain ones. Other prefixes (`vcard:individual`) are kept.
pub fn types(v: &Value) -> Vec<String> {
    let raw: Vec<&str> = match v.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    raw.into_iter()
        .map(|t| {
            let t = t.trim();
            t.strip_prefix("as:")
                .or_else(|| t.strip_prefix(AS_NS))
                .unwrap_or(t)
                .to_owned()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Whether `v` has type `kind` among its [`types`] (compared exactly, after `as:` removal).
pub fn has_type(v: &Value, kind: &str) -> bool {
    types(v).iter().any(|t| t == kind)
}

/// A natural-language property (`content`, `summary`, `name`) of an object.
///
/// Prefers the plain property when it is a non-empty string; otherwise reads the
/// `{key}Map` language map: the `lang` entry (exact, then by primary subtag, ignoring
/// case), else `und`, else the first string entry. `None` when neither gives a string.
pub fn text(v: &Value, key: &str, lang: Option<&str>) -> Option<String> {
    match v.get(key) {
        Some(Value::String(s)) if !s.is_empty() => return Some(s.clone()),
        // No server in the corpus sends an array here, but the vocabulary allows it.
        Some(Value::Array(items)) => {
            if let Some(s) = items
                .iter()
                .filter_map(Value::as_str)
                .find(|s| !s.is_empty())
            {
                return Some(s.to_owned());
            }
        }
        _ => {}
    }
    let map = v.get(format!("{key}Map"))?.as_object()?;
    let entry = |pred: &dyn Fn(&str) -> bool| {
        map.iter()
            .filter(|(k, _)| pred(k))
            .find_map(|(_, v)| v.as_str().filter(|s| !s.is_empty()))
            .map(str::to_owned)
    };
    if let Some(lang) = lang.map(str::trim).filter(|l| !l.is_empty()) {
        let primary = lang.split(['-', '_']).next().unwrap_or(lang);
        if let Some(s) = entry(&|k| k.eq_ignore_ascii_case(lang)) {
            return Some(s);
        }
        if let Some(s) = entry(&|k| {
            k.split(['-', '_'])
                .next()
                .is_some_and(|p| p.eq_ignore_ascii_case(primary))
        }) {
            return Some(s);
        }
    }
    entry(&|k| k == "und").or_else(|| entry(&|_| true))
}

/// Whether an address is the public collection, in any spelling servers use:
/// the full IRI, the compact `as:Public`, or bare `Public` (all three are the same IRI
/// after JSON-LD expansion).
pub fn is_public_address(s: &str) -> bool {
    matches!(s.trim(), PUBLIC | "as:Public" | "Public")
}

/// Parses a timestamp as servers send it: RFC 3339 (with or without fractional seconds),
/// an offset without a colon (`+0000`, Pixelfed), or no offset at all (taken as UTC).
/// `None` for anything else.
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc());
        }
    }
    None
}

/// A non-empty trimmed string property.
fn string(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A timestamp property (see [`parse_timestamp`]).
fn timestamp(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    v.get(key).and_then(Value::as_str).and_then(parse_timestamp)
}

/// An addressing property (`to`, `cc`) as ids, with `as:Public` and `Public` spelled out
/// as [`PUBLIC`] so callers compare against one constant.
fn addresses(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .map(ids)
        .unwrap_or_default()
        .into_iter()
        .map(|a| {
            if is_public_address(&a) {
                PUBLIC.to_owned()
            } else {
                a
            }
        })
        .collect()
}

/// A property that may be one value or an array, as a list of its items.
fn one_or_many(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    }
}

/// The media type of a Link or Image (`mediaType`, or Prismo's `mimeType`).
fn media_type(v: &Value) -> Option<String> {
    string(v, "mediaType").or_else(|| string(v, "mimeType"))
}

/// A `url` property as one address for people: a string, a Link's `href`, or, from an
/// array, the first `text/html` link (else the first usable entry).
pub fn link_href(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Object(_) => string(v, "href").or_else(|| v.get("url").and_then(link_href)),
        Value::Array(items) => {
            let html = items.iter().find_map(|item| match item {
                Value::Object(_) => media_type(item)
                    .filter(|m| m.starts_with("text/html"))
                    .and_then(|_| link_href(item)),
                _ => None,
            });
            html.or_else(|| items.iter().find_map(link_href))
        }
        _ => None,
    }
}

/// An `icon`/`image` property as one image URL: a string, an Image object's `url` (itself
/// a string, Link or array) or `href`, or the first usable entry of an array.
pub fn image_url(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Object(_) => v
            .get("url")
            .and_then(link_href)
            .or_else(|| string(v, "href")),
        Value::Array(items) => items.iter().find_map(image_url),
        _ => None,
    }
}

fn require_object(v: &Value) -> Result<(), ReadError> {
    if v.is_object() {
        Ok(())
    } else {
        Err(ReadError::NotObject)
    }
}

// ---------------------------------------------------------------------------------------
// Activity
// ---------------------------------------------------------------------------------------

/// An incoming activity, reduced to what the inbox dispatches on.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    /// The activity's id; `None` when absent (GoToSocial `Delete`s, FEP examples).
    pub id: Option<String>,
    /// The first of its types (`Create`, `Follow`, `EmojiReact`, …), `as:` removed.
    pub kind: String,
    /// The first id of `actor` (an IRI, an embedded actor, or an array of either).
    pub actor: String,
    /// `object` as sent: an IRI string, an embedded object, an array, or `Null` if absent.
    pub object: Value,
    /// The first id of `object`, whichever shape it has.
    pub object_id: Option<String>,
    /// The first id of `target` (Add/Remove collections, Move destinations).
    pub target: Option<String>,
    /// `to` as ids, public addressing spelled as [`PUBLIC`].
    pub to: Vec<String>,
    /// `cc` as ids, public addressing spelled as [`PUBLIC`].
    pub cc: Vec<String>,
    /// `published`, if present and readable.
    pub published: Option<DateTime<Utc>>,
}

impl Activity {
    /// Reads an activity; fails when `v` is not an object or has no type or no actor
    /// (every activity the inbox handles needs both).
    pub fn from_value(v: &Value) -> Result<Self, ReadError> {
        require_object(v)?;
        let kind = types(v)
            .into_iter()
            .next()
            .ok_or(ReadError::Missing("type"))?;
        let actor = v
            .get("actor")
            .and_then(id)
            .ok_or(ReadError::Missing("actor"))?;
        let object = v.get("object").cloned().unwrap_or(Value::Null);
        Ok(Activity {
            id: string(v, "id"),
            kind,
            actor,
            object_id: id(&object),
            object,
            target: v.get("target").and_then(id),
            to: addresses(v, "to"),
            cc: addresses(v, "cc"),
            published: timestamp(v, "published"),
        })
    }

    /// Whether `to` or `cc` holds the public collection.
    pub fn is_public(&self) -> bool {
        self.to.iter().chain(&self.cc).any(|a| is_public_address(a))
    }

    /// Whether `object` is embedded (an object) rather than a bare IRI.
    pub fn object_is_embedded(&self) -> bool {
        self.object.is_object()
    }
}

// ---------------------------------------------------------------------------------------
// Actor
// ---------------------------------------------------------------------------------------

/// The types [`is_actor`] recognises as actors.
pub const ACTOR_TYPES: &[&str] = &["Person", "Service", "Application", "Group", "Organization"];

/// Whether `v` is an object of one of the [`ACTOR_TYPES`].
pub fn is_actor(v: &Value) -> bool {
    types(v).iter().any(|t| ACTOR_TYPES.contains(&t.as_str()))
}

/// One public key an actor publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKeyInfo {
    /// The key id as sent (usually `{actor}#main-key`, but `/main-key`, `#key` and even
    /// non-URL strings occur); signatures name keys by it.
    pub id: String,
    /// The key's `owner` (first id), when given.
    pub owner: Option<String>,
    /// `publicKeyPem`: SPKI PEM (`BEGIN PUBLIC KEY`), not yet validated.
    pub pem: String,
}

/// A remote actor, reduced to what we need to deliver to it, verify it and show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    /// The actor's id.
    pub id: String,
    /// The first of its types (`Person`, `Service`, `Group`, …).
    pub kind: String,
    /// Its personal inbox (`null` on some actors that cannot receive).
    pub inbox: Option<String>,
    /// `endpoints.sharedInbox`, or a top-level `sharedInbox`.
    pub shared_inbox: Option<String>,
    /// `preferredUsername`, the WebFinger user part.
    pub preferred_username: Option<String>,
    /// Display name (`name`, or `nameMap`); remote text, not HTML-safe.
    pub name: Option<String>,
    /// Bio (`summary`, or `summaryMap`): remote HTML, sanitise before showing.
    pub summary: Option<String>,
    /// The profile page for people (see [`link_href`]).
    pub url: Option<String>,
    /// Avatar URL (see [`image_url`]).
    pub icon_url: Option<String>,
    /// Every key under `publicKey` (object or array) that carries a PEM. Keys given only
    /// as an IRI are left out: they have to be fetched.
    pub public_keys: Vec<PublicKeyInfo>,
    /// The followers collection.
    pub followers: Option<String>,
    /// `attributionDomains` (Mastodon 4.4+), string or array.
    pub attribution_domains: Vec<String>,
}

impl Actor {
    /// Reads an actor; fails when `v` is not an object or has no id or type. It does not
    /// insist on an actor type (see [`is_actor`]): the caller decides what it accepts.
    pub fn from_value(v: &Value) -> Result<Self, ReadError> {
        require_object(v)?;
        let id = string(v, "id").ok_or(ReadError::Missing("id"))?;
        let kind = types(v)
            .into_iter()
            .next()
            .ok_or(ReadError::Missing("type"))?;
        let shared_inbox = v
            .get("endpoints")
            .and_then(|e| e.get("sharedInbox"))
            .and_then(self::id)
            .or_else(|| v.get("sharedInbox").and_then(self::id));
        let public_keys = one_or_many(v.get("publicKey"))
            .into_iter()
            .filter_map(|k| {
                Some(PublicKeyInfo {
                    id: string(k, "id")?,
                    owner: k.get("owner").and_then(self::id),
                    pem: string(k, "publicKeyPem")?,
                })
            })
            .collect();
        Ok(Actor {
            inbox: v.get("inbox").and_then(self::id),
            shared_inbox,
            preferred_username: string(v, "preferredUsername"),
            name: text(v, "name", None),
            summary: text(v, "summary", None),
            url: v.get("url").and_then(link_href),
            icon_url: v.get("icon").and_then(image_url),
            public_keys,
            followers: v.get("followers").and_then(self::id),
            attribution_domains: one_or_many(v.get("attributionDomains"))
                .into_iter()
                .filter_map(|d| d.as_str().map(str::trim).filter(|d| !d.is_empty()))
                .map(str::to_owned)
                .collect(),
            id,
            kind,
        })
    }

    /// The key with this id, if the actor publishes it.
    pub fn key(&self, key_id: &str) -> Option<&PublicKeyInfo> {
        self.public_keys.iter().find(|k| k.id == key_id)
    }
}

// ---------------------------------------------------------------------------------------
// Note (and every other content-bearing object)
// ---------------------------------------------------------------------------------------

/// What a `tag` entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagKind {
    /// A `Mention` of an actor (`href` is the actor).
    Mention,
    /// A `Hashtag` (`name` is `#tag`, `href` the tag page).
    Hashtag,
    /// A custom `Emoji` (`name` is `:code:`, `icon_url` the image).
    Emoji,
    /// Anything else, with its type (empty when the entry had none).
    Other(String),
}

/// One entry of an object's `tag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRef {
    /// What the tag is.
    pub kind: TagKind,
    /// `name` (`@user@host`, `#tag`, `:emoji:`), as sent.
    pub name: Option<String>,
    /// `href` (or, failing that, `id`).
    pub href: Option<String>,
    /// For emoji: the image (`icon.url`).
    pub icon_url: Option<String>,
}

/// One entry of an object's `attachment`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRef {
    /// Where the media is (`url` in any shape, or `href`).
    pub url: String,
    /// `mediaType`, when given.
    pub media_type: Option<String>,
    /// `name`: the alt text, by Mastodon's convention.
    pub name: Option<String>,
}

/// A content-bearing object: a reply to one of our articles is read as this, whatever its
/// type (Note, Article, Page, Question, ChatMessage, BookWyrm's Comment, …).
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// The object's id.
    pub id: String,
    /// The first of its types.
    pub kind: String,
    /// The author: the first id of `attributedTo`; from an array, the `Person`-typed
    /// entry if any (PeerTube and Plume list the channel/blog too).
    pub attributed_to: Option<String>,
    /// The id of the object this replies to.
    pub in_reply_to: Option<String>,
    /// `content` or `contentMap` (see [`text`]); remote HTML, sanitise before showing.
    /// Empty when the object has none (Mbin link posts send `content: null`).
    pub content_html: String,
    /// The content warning: `summary` (or `summaryMap`, or Plume's `spoilerText`);
    /// `None` when absent, null or blank.
    pub summary: Option<String>,
    /// `sensitive` (`null` counts as false).
    pub sensitive: bool,
    /// `published`.
    pub published: Option<DateTime<Utc>>,
    /// `updated`.
    pub updated: Option<DateTime<Utc>>,
    /// The page for people (see [`link_href`]).
    pub url: Option<String>,
    /// `to`, public addressing spelled as [`PUBLIC`].
    pub to: Vec<String>,
    /// `cc`, public addressing spelled as [`PUBLIC`].
    pub cc: Vec<String>,
    /// `tag` entries (one object or an array).
    pub tags: Vec<TagRef>,
    /// `attachment` entries that have a URL (one object or an array).
    pub attachments: Vec<AttachmentRef>,
}

/// Types that are never content, rejected by [`Note::from_value`].
const NOT_CONTENT: &[&str] = &["Tombstone", "Collection", "OrderedCollection", "Link"];

impl Note {
    /// Reads a content-bearing object. Fails when `v` is not an object, has no id or no
    /// type, or is a Tombstone, a collection or a Link. Content may be empty.
    pub fn from_value(v: &Value) -> Result<Self, ReadError> {
        require_object(v)?;
        let id = string(v, "id").ok_or(ReadError::Missing("id"))?;
        let all_types = types(v);
        let kind = all_types
            .first()
            .cloned()
            .ok_or(ReadError::Missing("type"))?;
        if let Some(t) = all_types.iter().find(|t| NOT_CONTENT.contains(&t.as_str())) {
            return Err(ReadError::WrongType(t.clone()));
        }
        let summary = text(v, "summary", None)
            .or_else(|| string(v, "spoilerText"))
            .filter(|s| !s.trim().is_empty());
        // Prismo sends `tags`; everyone else `tag`.
        let tag_value = v.get("tag").or_else(|| v.get("tags"));
        Ok(Note {
            attributed_to: v.get("attributedTo").and_then(author),
            in_reply_to: v.get("inReplyTo").and_then(self::id),
            content_html: text(v, "content", None).unwrap_or_default(),
            summary,
            sensitive: v.get("sensitive").and_then(Value::as_bool).unwrap_or(false),
            published: timestamp(v, "published"),
            updated: timestamp(v, "updated"),
            url: v.get("url").and_then(link_href),
            to: addresses(v, "to"),
            cc: addresses(v, "cc"),
            tags: one_or_many(tag_value)
                .into_iter()
                .filter_map(tag_ref)
                .collect(),
            attachments: one_or_many(v.get("attachment"))
                .into_iter()
                .filter_map(attachment_ref)
                .collect(),
            id,
            kind,
        })
    }

    /// Whether `to` or `cc` holds the public collection.
    pub fn is_public(&self) -> bool {
        self.to.iter().chain(&self.cc).any(|a| is_public_address(a))
    }

    /// The `Mention` tags' targets.
    pub fn mentions(&self) -> impl Iterator<Item = &str> {
        self.tags
            .iter()
            .filter(|t| t.kind == TagKind::Mention)
            .filter_map(|t| t.href.as_deref())
    }
}

/// `attributedTo` as one author: from an array, the first `Person`, else the first id.
fn author(v: &Value) -> Option<String> {
    if let Value::Array(items) = v {
        if let Some(person) = items.iter().find(|i| has_type(i, "Person")).and_then(id) {
            return Some(person);
        }
    }
    id(v)
}

fn tag_ref(v: &Value) -> Option<TagRef> {
    match v {
        // A bare IRI: all we know is where it points.
        Value::String(s) => Some(TagRef {
            kind: TagKind::Other(String::new()),
            name: None,
            href: Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
            icon_url: None,
        }),
        Value::Object(_) => {
            let kind = match types(v).into_iter().next() {
                Some(t) if t == "Mention" => TagKind::Mention,
                Some(t) if t == "Hashtag" => TagKind::Hashtag,
                Some(t) if t == "Emoji" => TagKind::Emoji,
                Some(t) => TagKind::Other(t),
                None => TagKind::Other(String::new()),
            };
            Some(TagRef {
                name: string(v, "name"),
                href: string(v, "href").or_else(|| string(v, "id")),
                icon_url: v.get("icon").and_then(image_url),
                kind,
            })
        }
        _ => None,
    }
}

fn attachment_ref(v: &Value) -> Option<AttachmentRef> {
    let url = match v {
        Value::String(_) => link_href(v),
        Value::Object(_) => v
            .get("url")
            .and_then(link_href)
            .or_else(|| string(v, "href")),
        _ => None,
    }?;
    Some(AttachmentRef {
        url,
        media_type: media_type(v),
        name: string(v, "name"),
    })
}

#[cfg(test)]
mod tests;
