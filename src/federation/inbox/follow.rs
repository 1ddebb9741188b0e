//! `Follow` of one of quire's actors: the follower is stored (with its inbox and shared
//! inbox) and an `Accept` addressed to its inbox is recorded for delivery. quire's actors
//! approve every follower (`manuallyApprovesFollowers: false`).

use ring::digest::{digest, SHA256};
use serde_json::json;

use super::{Context, InboxError, Outcome};
use crate::app::LocalActor;
use crate::federation::vocab::AS_CONTEXT;
use crate::store::outbox::NewActivity;

/// A checked Follow: whom it follows, and where the Accept goes.
pub(super) struct Checked<'a> {
    local: &'a LocalActor,
    inbox: String,
}

/// Checks, no writes. `None` when the Follow is not of a local actor (ignored).
pub(super) fn verify<'a>(ctx: &Context<'a>) -> Result<Option<Checked<'a>>, InboxError> {
    let Some(object) = ctx.activity.object_id.as_deref() else {
        return Err(InboxError::Malformed("Follow without object".into()));
    };
    let app = ctx.app;
    let Some(local) = [&app.person, &app.group]
        .into_iter()
        .find(|a| app.urls.actor(&a.name) == object)
    else {
        return Ok(None);
    };
    let inbox = ctx
        .signer
        .inbox
        .clone()
        .ok_or_else(|| InboxError::Malformed("the follower publishes no inbox".into()))?;
    Ok(Some(Checked { local, inbox }))
}

/// Stores the follower, records the Accept and wakes the delivery worker.
pub(super) async fn receive(
    ctx: &Context<'_>,
    checked: Checked<'_>,
) -> Result<Outcome, InboxError> {
    let app = ctx.app;
    let local = checked.local;
    let local_id = app.urls.actor(&local.name);
    let follower = ctx.actor().to_string();
    let mut follow = json!({
        "type": "Follow",
        "actor": follower,
        "object": local_id,
    });
    if let Some(id) = ctx.activity_id() {
        follow["id"] = json!(id);
    }
    // The Accept's id is derived from what it accepts, so a Follow answered twice (the same
    // activity re-sent) records one Accept.
    let seed = ctx.activity_id().map_or_else(
        || format!("{follower} {}", chrono::Utc::now().to_rfc3339()),
        str::to_string,
    );
    let hash = digest(&SHA256, seed.as_bytes());
    let hex: String = hash.as_ref()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let accept_id = format!("{local_id}#accepts/follows/{hex}");
    let accept = json!({
        "@context": AS_CONTEXT,
        "id": accept_id,
        "type": "Accept",
        "actor": local_id,
        "object": follow,
        "to": [follower],
    });
    let record = NewActivity {
        activity_id: accept_id,
        actor: local.name.clone(),
        kind: "Accept".into(),
        object_id: ctx.activity_id().map(str::to_string),
        payload: accept.to_string(),
        target_inbox: Some(checked.inbox.clone()),
    };
    let name = local.name.clone();
    let shared = ctx.signer.shared_inbox.clone();
    let follow_id = ctx.activity_id().map(str::to_string);
    let inbox = checked.inbox;
    app.store
        .run(move |s| {
            s.add_follower(
                &name,
                &follower,
                &inbox,
                shared.as_deref(),
                follow_id.as_deref(),
            )?;
            s.record_activity(&record)
        })
        .await?;
    app.outbox_notify.notify_one();
    tracing::info!(follower = ctx.actor(), local = %local.name, "new follower");
    Ok(Outcome::Applied)
}
