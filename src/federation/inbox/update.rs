//! `Update` of an actor by itself (profile, key or inbox changed): the cache is refreshed
//! from the embedded document. Updates of notes come with comments (issue #5).

use super::{Context, InboxError, Outcome};
use crate::federation::actors::{self, actor_from_document, ActorError};
use crate::federation::read;
use crate::store::remote_actors::RemoteActor;

/// A checked actor update, ready to cache.
pub(super) struct Checked(RemoteActor);

/// Checks, no writes. `None` for an Update of something that is not an actor.
pub(super) fn verify(ctx: &Context<'_>) -> Result<Option<Checked>, InboxError> {
    let object = &ctx.activity.object;
    if !object.is_object() || !read::is_actor(object) {
        return Ok(None);
    }
    let id = ctx
        .activity
        .object_id
        .as_deref()
        .ok_or_else(|| InboxError::Malformed("actor without id".into()))?;
    if id != ctx.actor() {
        // An actor may update itself only.
        return Err(InboxError::ForeignObject(id.to_string()));
    }
    // Keep the key that signed this request when the document still publishes it.
    let refreshed = match actor_from_document(object, ctx.actor(), ctx.signer.key_id.as_deref()) {
        Err(ActorError::NoSuchKey { .. }) => actor_from_document(object, ctx.actor(), None),
        other => other,
    }
    .map_err(|e| InboxError::Malformed(e.to_string()))?;
    Ok(Some(Checked(refreshed)))
}

/// Replaces the cached actor.
pub(super) async fn receive(ctx: &Context<'_>, checked: Checked) -> Result<Outcome, InboxError> {
    actors::cache(ctx.app, &checked.0)
        .await
        .map_err(|e| match e {
            ActorError::Store(e) => e.into(),
            other => InboxError::Internal(other.to_string()),
        })?;
    tracing::debug!(actor = ctx.actor(), "actor updated");
    Ok(Outcome::Applied)
}
