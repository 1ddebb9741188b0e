//! `Delete` of an actor by itself (the account is gone): it stops following every local actor
//! and leaves the cache. Deletes of notes come with comments (issue #5).

use super::{Context, InboxError, Outcome};

/// A checked self-delete.
pub(super) struct Checked;

/// Checks, no writes. `None` for a Delete of anything but the actor itself.
pub(super) fn verify(ctx: &Context<'_>) -> Result<Option<Checked>, InboxError> {
    match ctx.activity.object_id.as_deref() {
        Some(id) if id == ctx.actor() => Ok(Some(Checked)),
        Some(_) => Ok(None),
        None => Err(InboxError::Malformed(
            "Delete of an object without id".into(),
        )),
    }
}

/// Removes the actor as a follower everywhere and drops it from the cache.
pub(super) async fn receive(ctx: &Context<'_>, _checked: Checked) -> Result<Outcome, InboxError> {
    let actor = ctx.actor().to_string();
    let removed = ctx
        .app
        .store
        .run(move |s| {
            let n = s.remove_follower_everywhere(&actor)?;
            s.delete_remote_actor(&actor)?;
            Ok(n)
        })
        .await;
    ctx.app.signers.forget_actor(ctx.actor());
    let removed = removed?;
    tracing::info!(
        actor = ctx.actor(),
        followers_removed = removed,
        "actor deleted itself"
    );
    Ok(Outcome::Applied)
}
