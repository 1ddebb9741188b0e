//! `Undo`: only of a `Follow` so far (Like and Announce come with comments, issue #5). Only the
//! activity's own actor may undo it: an embedded object must name the same actor, and an
//! object given by id must be one of that actor's own follows.

use super::{ensure_same_host, Context, InboxError, Outcome};
use crate::federation::read;

/// What an Undo undoes, once checked.
pub(super) enum Checked {
    /// Stop following the local actor with this id (embedded Follow).
    FollowOf(String),
    /// Stop the follow whose Follow activity had this id (object given by id only).
    FollowId(String),
}

/// Checks, no writes. `None` for an Undo of something quire does not keep.
pub(super) fn verify(ctx: &Context<'_>) -> Result<Option<Checked>, InboxError> {
    let Some(object_id) = ctx.activity.object_id.as_deref() else {
        return Err(InboxError::Malformed("Undo without object".into()));
    };
    ensure_same_host(ctx.actor(), object_id)?;
    let object = &ctx.activity.object;
    if !object.is_object() {
        return Ok(Some(Checked::FollowId(object_id.to_string())));
    }
    if let Some(inner_actor) = object.get("actor").and_then(read::id) {
        if inner_actor != ctx.actor() {
            // Only the Follow's own actor may undo it.
            return Err(InboxError::ForeignObject(object_id.to_string()));
        }
    }
    if !read::has_type(object, "Follow") {
        return Ok(None);
    }
    Ok(Some(match object.get("object").and_then(read::id) {
        Some(followed) => Checked::FollowOf(followed),
        None => Checked::FollowId(object_id.to_string()),
    }))
}

/// Removes the follower.
pub(super) async fn receive(ctx: &Context<'_>, checked: Checked) -> Result<Outcome, InboxError> {
    let app = ctx.app;
    let actor = ctx.actor().to_string();
    let locals = [app.person.name.clone(), app.group.name.clone()];
    let removed = match checked {
        Checked::FollowOf(followed) => {
            let Some(name) = locals.into_iter().find(|n| app.urls.actor(n) == followed) else {
                return Ok(Outcome::Ignored);
            };
            app.store
                .run(move |s| s.remove_follower(&name, &actor))
                .await?
        }
        Checked::FollowId(follow_id) => {
            app.store
                .run(move |s| {
                    let mut removed = false;
                    for name in &locals {
                        let matches = s.followers(name)?.into_iter().any(|f| {
                            f.actor_id == actor && f.follow_id.as_deref() == Some(&follow_id)
                        });
                        if matches {
                            removed |= s.remove_follower(name, &actor)?;
                        }
                    }
                    Ok(removed)
                })
                .await?
        }
    };
    if removed {
        tracing::info!(follower = ctx.actor(), "follower left");
        Ok(Outcome::Applied)
    } else {
        Ok(Outcome::Ignored)
    }
}
