//! `Undo`: only of a `Follow` so far (Like and Announce come with comments). Only the
//! activity's own actor may undo it: an embedded object must name the same actor, and an
//! object given by id must be one of that actor's own follows.

use serde_json::Value;

use super::json::{id_of, type_of};
use super::{ensure_same_host, Context, InboxError, Outcome};
use crate::federation::actors::actor_id_of;

/// What an Undo undoes, once checked.
pub(super) enum Checked {
    /// Stop following the local actor with this id (embedded Follow).
    FollowOf(String),
    /// Stop the follow whose Follow activity had this id (object given by id only).
    FollowId(String),
}

/// Checks, no writes. `None` for an Undo of something quire does not keep.
pub(super) fn verify(ctx: &Context<'_>) -> Result<Option<Checked>, InboxError> {
    let object = ctx
        .object()
        .ok_or_else(|| InboxError::Malformed("Undo without object".into()))?;
    let object_id = id_of(object);
    if let Some(id) = object_id {
        ensure_same_host(ctx.actor(), id)?;
    }
    if let Value::Object(_) = object {
        if let Some(inner_actor) = actor_id_of(object) {
            if inner_actor != ctx.actor() {
                return Err(InboxError::ForeignObject(
                    object_id.unwrap_or(inner_actor).to_string(),
                ));
            }
        }
        return Ok(match type_of(object) {
            Some("Follow") => match object.get("object").and_then(id_of) {
                Some(followed) => Some(Checked::FollowOf(followed.to_string())),
                None => object_id.map(|id| Checked::FollowId(id.to_string())),
            },
            _ => None,
        });
    }
    Ok(object_id.map(|id| Checked::FollowId(id.to_string())))
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
