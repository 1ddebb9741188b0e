//! The inbox pipeline: what quire does with an activity POSTed to `/inbox` or `/@name/inbox`,
//! from raw request parts to changes in the store. Pure of axum: `web::inbox` hands in the
//! method, the public target URL, the headers and the body, and maps the answer to a status.
//!
//! Steps, in order; each refusal is an [`InboxError`] and changes nothing:
//! 1. size (at most [`MAX_INBOX_BODY`]);
//! 2. parse the signature (draft-cavage or RFC 9421);
//! 3. resolve its `keyId` to an actor (cached, see `federation::actors`);
//! 4. verify: signature, digest of the body, freshness; a cached key that fails is re-fetched
//!    once and tried again (keys rotate);
//! 5. parse the JSON;
//! 6. the signer (the key's owner) must be the activity's `actor`, and the activity id must
//!    live on the actor's host;
//! 7. dedupe by activity id (`received_activities`; an activity without id is applied but not
//!    remembered);
//! 8. [`dispatch`] by type: one file per type, each with `verify` (checks, no writes) then
//!    `receive` (writes).
//!
//! One exception to step 3: Mastodon signs an account's `Delete` with the deleted account's
//! key, which can then no longer be fetched (410). A self-`Delete` from an actor quire never
//! cached is answered 202 unverified and changes nothing; a cached actor's is verified with
//! the cached key.
//!
//! Files: one per activity type (`follow.rs`, `undo.rs`, `update.rs`, `delete.rs`). JSON is
//! read with `federation::read`. Never writes SQL itself (calls `store`), never touches axum.

mod delete;
mod follow;
// The conversation (issue #5): replies, reactions, reports.
mod announce;
mod create;
mod flag;
mod like;
mod undo;
mod update;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::Utc;
use http::{HeaderMap, Method};
use serde_json::Value;
use url::Url;

use super::actors::{self, same_host, ActorError, Signer};
use super::read::{parse_json, Activity};
use super::signature::{self, ParsedSignature, RequestParts, SignatureError};
use crate::app::App;
use crate::store::comments::Author;
use crate::store::reactions::ReceivedId;
use crate::store::remote_actors::RemoteActor;
use crate::store::StoreError;

/// The largest body an inbox reads: 1 MiB (DESIGN §2 "In"). Larger gets 413.
pub const MAX_INBOX_BODY: usize = 1024 * 1024;

/// Why an inbox refused a request. `web::inbox` maps each to a status in one place.
#[derive(Debug, thiserror::Error)]
pub enum InboxError {
    /// The body is larger than [`MAX_INBOX_BODY`].
    #[error("body larger than {MAX_INBOX_BODY} bytes")]
    TooLarge,
    /// No signature header at all.
    #[error("request is not signed")]
    Unsigned,
    /// The signature is malformed, uses an unknown algorithm, covers too little, or does not
    /// verify with the key of the actor named by `keyId`.
    #[error("bad signature: {0}")]
    BadSignature(String),
    /// The body does not hash to its `Digest` / `Content-Digest`.
    #[error("body does not match its digest")]
    DigestMismatch,
    /// `Date` / `created` is more than an hour away, or `expires` has passed.
    #[error("signature is too old or too new")]
    Stale,
    /// The key named by `keyId` could not be fetched or is not published by its actor.
    #[error("signing key unavailable: {0}")]
    KeyUnavailable(String),
    /// The signer is not the activity's `actor`.
    #[error("signer {signer} is not the activity's actor {actor}")]
    ActorMismatch {
        /// The key's owner.
        signer: String,
        /// The `actor` the activity claims.
        actor: String,
    },
    /// The activity creates or changes an object that does not belong to its actor (another
    /// host, or another actor's activity).
    #[error("object {0} does not belong to the actor")]
    ForeignObject(String),
    /// The body is not an activity quire can read.
    #[error("malformed activity: {0}")]
    Malformed(String),
    /// The actor or its host is blocked (moderation, not yet wired).
    #[error("blocked")]
    Blocked,
    /// Replies to that article are closed (a `Reject` was recorded for the replier).
    #[error("comments are closed on {0}")]
    Closed(String),
    /// A failure on our side (database); the sender should retry.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for InboxError {
    fn from(e: StoreError) -> Self {
        InboxError::Internal(e.to_string())
    }
}

/// A request to an inbox, as the client addressed it.
#[derive(Debug, Clone, Copy)]
pub struct InboxRequest<'a> {
    /// Always POST in practice; verified as signed.
    pub method: &'a Method,
    /// `base_url` + the request's path and query, never built from the `Host` header (behind
    /// a reverse proxy only `base_url` is the public address the client signed).
    pub target: &'a Url,
    /// The request headers.
    pub headers: &'a HeaderMap,
    /// The raw body.
    pub body: &'a [u8],
    /// The local actor whose personal inbox was addressed; `None` for the shared inbox.
    pub inbox_owner: Option<&'a str>,
}

/// What became of an accepted activity (all are answered 202).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Verified and applied.
    Applied,
    /// Its id was seen before: nothing changed.
    Duplicate,
    /// Verified, but of a type (or about an object) quire does not handle: nothing changed.
    Ignored,
    /// A self-`Delete` of an actor quire never knew, whose key is gone: not verifiable, and
    /// nothing to change.
    Unverifiable,
}

/// An accepted activity, for the log.
#[derive(Debug, Clone)]
pub struct Accepted {
    /// The activity's actor.
    pub actor: String,
    /// The activity id, when it has one.
    pub activity_id: Option<String>,
    /// The activity type.
    pub kind: String,
    /// What was done with it.
    pub outcome: Outcome,
}

/// A refused request: the reason, and what was known of it by then (for the log).
#[derive(Debug)]
pub struct Refusal {
    /// Why.
    pub reason: InboxError,
    /// The signature's `keyId`, once parsed.
    pub key_id: Option<String>,
    /// The activity's `actor`, once parsed.
    pub actor: Option<String>,
    /// The activity id, once parsed.
    pub activity_id: Option<String>,
}

/// What a type's `verify` and `receive` see: a verified activity from a verified signer.
pub struct Context<'a> {
    /// Configuration, store, local actors, client.
    pub app: &'a App,
    /// The actor whose key signed the request; equal to the activity's `actor`.
    pub signer: &'a RemoteActor,
    /// The activity as read (id, type, actor, object, addressing).
    pub activity: &'a Activity,
    /// The activity JSON as received.
    pub raw: &'a Value,
    /// The personal inbox addressed, if not the shared one.
    pub inbox_owner: Option<&'a str>,
    /// How the signer is shown (computed once per cached signer).
    pub author: &'a Author,
    /// The activity id still to record, for the types whose write records it in the same
    /// transaction (a reaction, through `ReactionWriter::add_claimed`); `None` once claimed
    /// by the pipeline, or when the activity has no id.
    pub unclaimed: Option<&'a ReceivedId>,
    /// Set by the handler that recorded [`Context::unclaimed`] along with its effect.
    pub claimed: &'a AtomicBool,
}

impl Context<'_> {
    /// The actor's id (= the signer's).
    pub fn actor(&self) -> &str {
        &self.signer.id
    }

    /// The activity id, when it has one.
    pub fn activity_id(&self) -> Option<&str> {
        self.activity.id.as_deref()
    }
}

/// Refuses an object id that does not live on the actor's host: an actor may create or change
/// only what its own server hosts (DESIGN §2 "In"). Use it on every object id an activity
/// creates or changes.
pub fn ensure_same_host(actor_id: &str, object_id: &str) -> Result<(), InboxError> {
    if same_host(actor_id, object_id) {
        Ok(())
    } else {
        Err(InboxError::ForeignObject(object_id.to_string()))
    }
}

/// The dispatch table: one arm per handled type, each `verify` (checks, no writes) then
/// `receive` (writes). Extend it here; anything not listed is accepted and ignored.
pub async fn dispatch(ctx: &Context<'_>) -> Result<Outcome, InboxError> {
    // Blocked actors and domains (`quire block`) are refused whatever they send.
    create::ensure_not_blocked(ctx)?;
    match ctx.activity.kind.as_str() {
        "Follow" => match follow::verify(ctx)? {
            Some(checked) => follow::receive(ctx, checked).await,
            None => Ok(Outcome::Ignored),
        },
        "Undo" => {
            // A reaction's Undo (conversation), else a Follow's.
            if let Some(checked) = like::verify_undo(ctx)? {
                let outcome = like::receive_undo(ctx, checked).await?;
                if outcome == Outcome::Applied || ctx.activity.object_is_embedded() {
                    return Ok(outcome);
                }
            }
            match undo::verify(ctx)? {
                Some(checked) => undo::receive(ctx, checked).await,
                None => Ok(Outcome::Ignored),
            }
        }
        "Update" => match update::verify(ctx)? {
            Some(checked) => update::receive(ctx, checked).await,
            // Not an actor: perhaps a comment, edited by its author.
            None => match create::verify_edit(ctx)? {
                Some(checked) => create::receive_edit(ctx, checked).await,
                None => Ok(Outcome::Ignored),
            },
        },
        "Delete" => match delete::verify(ctx)? {
            Some(checked) => {
                // The actor is gone: so is all it left under our articles.
                create::forget_actor(ctx).await?;
                delete::receive(ctx, checked).await
            }
            None => {
                let object_id = ctx.activity.object_id.clone().unwrap_or_default();
                match create::verify_removal(ctx, &object_id)? {
                    Some(checked) => create::receive_removal(ctx, checked).await,
                    None => Ok(Outcome::Ignored),
                }
            }
        },
        "Create" => match create::verify(ctx)? {
            Some(checked) => create::receive(ctx, checked).await,
            None => Ok(Outcome::Ignored),
        },
        "Like" | "EmojiReact" => match like::verify(ctx)? {
            Some(checked) => like::receive(ctx, checked).await,
            None => Ok(Outcome::Ignored),
        },
        "Announce" => match announce::verify(ctx)? {
            Some(checked) => announce::receive(ctx, checked).await,
            None => Ok(Outcome::Ignored),
        },
        "Flag" => match flag::verify(ctx)? {
            Some(checked) => flag::receive(ctx, checked).await,
            None => Ok(Outcome::Ignored),
        },
        _ => Ok(Outcome::Ignored),
    }
}

/// Runs the whole pipeline on one request (see the module documentation).
pub async fn receive(app: &App, req: InboxRequest<'_>) -> Result<Accepted, Refusal> {
    let mut known = Known::default();
    match pipeline(app, req, &mut known).await {
        Ok(accepted) => Ok(accepted),
        Err(reason) => Err(Refusal {
            reason,
            key_id: known.key_id,
            actor: known.actor,
            activity_id: known.activity_id,
        }),
    }
}

/// What the pipeline learnt before it refused, for the log.
#[derive(Default)]
struct Known {
    key_id: Option<String>,
    actor: Option<String>,
    activity_id: Option<String>,
}

async fn pipeline(
    app: &App,
    req: InboxRequest<'_>,
    known: &mut Known,
) -> Result<Accepted, InboxError> {
    if req.body.len() > MAX_INBOX_BODY {
        return Err(InboxError::TooLarge);
    }
    let parts = RequestParts {
        method: req.method,
        target_uri: req.target,
        headers: req.headers,
    };
    let sig = signature::parse(&parts).map_err(from_signature)?;
    let key_id = sig.key_id().to_string();
    known.key_id = Some(key_id.clone());
    if same_host(&key_id, app.urls.base()) {
        // quire's own actors never post to its inboxes; a local key here is a forgery.
        return Err(InboxError::BadSignature("signed with a local key".into()));
    }

    let signer = match actors::resolve_signer(app, &key_id, false).await {
        Ok((signer, fetched_now)) => match verify(&sig, &parts, &signer, req.body) {
            Ok(()) => signer,
            // Keys rotate: a cached key that does not verify (or cannot be used) is fetched
            // again, once, and tried again. Digest and time failures are not the key's fault.
            Err(SignatureError::Invalid | SignatureError::Key(_)) if !fetched_now => {
                let (fresh, _) = actors::resolve_signer(app, &key_id, true)
                    .await
                    .map_err(key_unavailable)?;
                verify(&sig, &parts, &fresh, req.body).map_err(from_signature)?;
                fresh
            }
            Err(e) => return Err(from_signature(e)),
        },
        Err(ActorError::Store(e)) => return Err(e.into()),
        Err(e) => {
            return gone_actor_delete(app, &sig, req, &key_id, e, known).await;
        }
    };
    apply(app, req, signer, known).await
}

/// Steps 5 to 8, once the signature holds.
async fn apply(
    app: &App,
    req: InboxRequest<'_>,
    signer: Arc<Signer>,
    known: &mut Known,
) -> Result<Accepted, InboxError> {
    let signer_actor: &RemoteActor = &signer.actor;
    let (raw, activity) = parse_activity(req.body)?;
    known.actor = Some(activity.actor.clone());
    known.activity_id = activity.id.clone();
    if activity.actor != signer_actor.id {
        return Err(InboxError::ActorMismatch {
            signer: signer_actor.id.clone(),
            actor: activity.actor.clone(),
        });
    }
    let accepted = |outcome| Accepted {
        actor: activity.actor.clone(),
        activity_id: activity.id.clone(),
        kind: activity.kind.clone(),
        outcome,
    };
    // Reactions record their id in the transaction that records them (one group commit for
    // both); every other type claims it here, before it is applied.
    let deferred = matches!(activity.kind.as_str(), "Like" | "EmojiReact" | "Announce");
    let mut unclaimed = None;
    if let Some(id) = &activity.id {
        // Also keeps anyone from claiming another server's activity ids in the dedupe table.
        // (`activity.actor` is the signer's id, whose host is known already.)
        if signer.authority.is_none() || actors::authority(id) != signer.authority {
            return Err(InboxError::ForeignObject(id.clone()));
        }
        let claim = ReceivedId {
            id: id.clone(),
            actor: activity.actor.clone(),
            kind: activity.kind.clone(),
        };
        if deferred {
            unclaimed = Some(claim);
        } else {
            let first = app
                .store
                .run(move |s| s.claim_received(&claim.id, &claim.actor, &claim.kind))
                .await?;
            if !first {
                return Ok(accepted(Outcome::Duplicate));
            }
        }
    }
    let claimed = AtomicBool::new(false);
    let ctx = Context {
        app,
        signer: signer_actor,
        activity: &activity,
        raw: &raw,
        inbox_owner: req.inbox_owner,
        author: &signer.author,
        unclaimed: unclaimed.as_ref(),
        claimed: &claimed,
    };
    let result = dispatch(&ctx).await;
    if let Some(claim) = unclaimed {
        // Not recorded with an effect: a refusal records nothing (as a released claim); an
        // activity that changed nothing is remembered on its own.
        if result.is_err() || claimed.load(Ordering::Acquire) {
            return Ok(accepted(result?));
        }
        let first = app
            .store
            .run(move |s| s.claim_received(&claim.id, &claim.actor, &claim.kind))
            .await?;
        return Ok(accepted(if first { result? } else { Outcome::Duplicate }));
    }
    if let (Err(_), Some(id)) = (&result, &activity.id) {
        // Not applied: let a retry be applied rather than ignored.
        let id = id.clone();
        if let Err(e) = app.store.run(move |s| s.release_received(&id)).await {
            tracing::warn!("could not release a received activity id: {e}");
        }
    }
    Ok(accepted(result?))
}

/// The key could not be had. Only a self-`Delete` gets further: verified with the cached key
/// when quire knows the actor, else accepted unverified with no effect.
async fn gone_actor_delete(
    app: &App,
    sig: &ParsedSignature,
    req: InboxRequest<'_>,
    key_id: &str,
    error: ActorError,
    known: &mut Known,
) -> Result<Accepted, InboxError> {
    let unavailable = key_unavailable(error);
    if matches!(unavailable, InboxError::Internal(_)) {
        return Err(unavailable);
    }
    let Ok((_, activity)) = parse_activity(req.body) else {
        return Err(unavailable);
    };
    let actor = activity.actor.as_str();
    let is_self_delete = activity.kind == "Delete" && activity.object_id.as_deref() == Some(actor);
    // The key must be the actor's own (Mastodon: `{actor}#main-key`).
    if !is_self_delete || !same_host(actor, key_id) {
        return Err(unavailable);
    }
    let wanted = key_id.to_string();
    let cached = app
        .store
        .run(move |s| s.remote_actor_by_key(&wanted))
        .await?;
    match cached {
        Some(signer) => {
            let parts = RequestParts {
                method: req.method,
                target_uri: req.target,
                headers: req.headers,
            };
            let signer = Arc::new(Signer::new(signer));
            verify(sig, &parts, &signer, req.body).map_err(from_signature)?;
            apply(app, req, signer, known).await
        }
        None => {
            let wanted = actor.to_string();
            if app
                .store
                .run(move |s| s.remote_actor(&wanted))
                .await?
                .is_some()
            {
                // Known actor, but not this key: nothing proves the request is theirs.
                return Err(unavailable);
            }
            Ok(Accepted {
                actor: actor.to_string(),
                activity_id: activity.id.clone(),
                kind: "Delete".into(),
                outcome: Outcome::Unverifiable,
            })
        }
    }
}

/// The body as JSON and as an [`Activity`] (an object with a type and an actor).
fn parse_activity(body: &[u8]) -> Result<(Value, Activity), InboxError> {
    let raw = parse_json(body).map_err(|e| InboxError::Malformed(e.to_string()))?;
    let activity = Activity::from_value(&raw).map_err(|e| InboxError::Malformed(e.to_string()))?;
    Ok((raw, activity))
}

/// Verifies signature, digest and freshness (enforced) with the signer's published key. A
/// missing or unusable key is [`SignatureError::Key`].
fn verify(
    sig: &ParsedSignature,
    parts: &RequestParts<'_>,
    signer: &Signer,
    body: &[u8],
) -> Result<(), SignatureError> {
    let key = signer
        .key
        .as_ref()
        .map_err(|reason| SignatureError::Key(reason.clone()))?;
    sig.verify(parts, key, Utc::now(), Some(body))
}

fn from_signature(e: SignatureError) -> InboxError {
    match e {
        SignatureError::Missing => InboxError::Unsigned,
        SignatureError::DigestMismatch => InboxError::DigestMismatch,
        SignatureError::Stale => InboxError::Stale,
        SignatureError::Key(reason) => InboxError::KeyUnavailable(reason),
        other => InboxError::BadSignature(other.to_string()),
    }
}

fn key_unavailable(e: ActorError) -> InboxError {
    match e {
        ActorError::Store(e) => e.into(),
        other => InboxError::KeyUnavailable(other.to_string()),
    }
}
