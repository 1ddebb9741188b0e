//! `Like` (and Misskey/Pleroma `EmojiReact`, or a Like carrying `_misskey_reaction` or
//! `content`) of one of our articles: counted once per actor and listed on the page; and
//! the reaction side of `Undo` (of a Like or an Announce), which `undo.rs` calls.

use std::sync::atomic::Ordering;

use serde_json::Value;

use super::create::object;
use super::{Context, InboxError, Outcome};
use crate::federation::conversation::{host_of, our_post, our_post_id};
use crate::federation::read::text;
use crate::federation::read::{id as id_of, types};
use crate::store::reactions::{Added, NewReaction, ReactionKind};

/// A checked reaction, ready to record.
pub(super) struct Checked(pub(super) NewReaction);

/// Checks, no writes. `None` when the object is not one of our live articles.
pub(super) fn verify(ctx: &Context<'_>) -> Result<Option<Checked>, InboxError> {
    reaction(ctx, ReactionKind::Like)
}

/// Shared by Like and Announce: the object must be our article.
pub(super) fn reaction(
    ctx: &Context<'_>,
    kind: ReactionKind,
) -> Result<Option<Checked>, InboxError> {
    let Some(object_id) = ctx.activity.object_id.as_deref() else {
        return Err(InboxError::Malformed(format!(
            "{} without object",
            ctx.activity.kind
        )));
    };
    let Some(post_id) = our_post_id(ctx.app, object_id)? else {
        return Ok(None);
    };
    let emoji = match kind {
        ReactionKind::Like => text(ctx.raw, "_misskey_reaction", None)
            .or_else(|| text(ctx.raw, "content", None))
            .map(|e| e.chars().take(64).collect::<String>())
            .filter(|e| !e.trim().is_empty()),
        ReactionKind::Boost => None,
    };
    Ok(Some(Checked(NewReaction {
        post_id,
        kind,
        actor: ctx.author.clone(),
        actor_host: host_of(ctx.actor()).unwrap_or_default(),
        activity_id: ctx.activity_id().map(str::to_string),
        emoji,
    })))
}

/// Records the reaction, with its activity id when the pipeline left it to us (one
/// transaction for both); a repeat from the same actor changes nothing.
pub(super) async fn receive(ctx: &Context<'_>, checked: Checked) -> Result<Outcome, InboxError> {
    let added = ctx
        .app
        .reactions
        .add_claimed(checked.0, ctx.unclaimed.cloned())
        .await?;
    ctx.claimed.store(true, Ordering::Release);
    match added {
        Added::New => {
            ctx.app.cache.invalidate();
            Ok(Outcome::Applied)
        }
        Added::Repeat => Ok(Outcome::Ignored),
        Added::Duplicate => Ok(Outcome::Duplicate),
    }
}

/// An Undo of a reaction, checked.
pub(super) enum CheckedUndo {
    /// The reaction recorded from this activity id.
    ById(String),
    /// This actor's reaction of a kind on a post (embedded object without a known id).
    OnPost(i64, ReactionKind),
}

/// `Undo` of a Like, EmojiReact or Announce: `None` for anything else. Only the actor's
/// own reactions can be removed: an embedded object must name the same actor, and lookups
/// are by (actor, id).
pub(super) fn verify_undo(ctx: &Context<'_>) -> Result<Option<CheckedUndo>, InboxError> {
    let Some(object) = object(ctx) else {
        return Ok(None);
    };
    let object_id = id_of(object);
    let Value::Object(_) = object else {
        // A bare id: whatever reaction of this actor it names (a follow is undone elsewhere).
        return Ok(object_id.map(CheckedUndo::ById));
    };
    let kind = match types(object).first().map(String::as_str) {
        Some("Like" | "EmojiReact") => ReactionKind::Like,
        Some("Announce") => ReactionKind::Boost,
        _ => return Ok(None),
    };
    if let Some(inner) = object.get("actor").and_then(id_of) {
        if inner != ctx.actor() {
            return Err(InboxError::ForeignObject(object_id.unwrap_or(inner)));
        }
    }
    if let Some(id) = object_id {
        return Ok(Some(CheckedUndo::ById(id)));
    }
    let Some(post) = object
        .get("object")
        .and_then(id_of)
        .map(|p| our_post(ctx.app, &p))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    Ok(Some(CheckedUndo::OnPost(post.id, kind)))
}

/// Removes the reaction.
pub(super) async fn receive_undo(
    ctx: &Context<'_>,
    checked: CheckedUndo,
) -> Result<Outcome, InboxError> {
    let actor = ctx.actor().to_string();
    let removed = ctx
        .app
        .store
        .run(move |s| match checked {
            CheckedUndo::ById(id) => s.remove_reaction_by_activity(&actor, &id),
            CheckedUndo::OnPost(post, kind) => s.remove_reaction(post, &actor, kind),
        })
        .await?;
    if removed {
        ctx.app.cache.invalidate();
        Ok(Outcome::Applied)
    } else {
        Ok(Outcome::Ignored)
    }
}
