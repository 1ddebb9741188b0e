//! `Flag`: a report from another server (usually its instance actor) about content or
//! people here. Stored, listed by `quire reports`; nothing is removed automatically.

use super::{Context, InboxError, Outcome};
use crate::federation::read::{ids, text};
use crate::federation::sanitize::plain_text;

/// A checked report.
pub(super) struct Checked {
    content: String,
    objects: Vec<String>,
}

/// Checks, no writes: the report must name something.
pub(super) fn verify(ctx: &Context<'_>) -> Result<Option<Checked>, InboxError> {
    let objects: Vec<String> = super::create::object(ctx).map(ids).unwrap_or_default();
    if objects.is_empty() && ctx.activity.object_id.is_none() {
        return Err(InboxError::Malformed("Flag without object".into()));
    }
    let content = text(ctx.raw, "content", None)
        .map(|c| plain_text(&c, 2000))
        .unwrap_or_default();
    Ok(Some(Checked {
        content,
        objects: objects.into_iter().take(100).collect(),
    }))
}

/// Stores the report.
pub(super) async fn receive(ctx: &Context<'_>, checked: Checked) -> Result<Outcome, InboxError> {
    let actor = ctx.actor().to_string();
    let id = ctx.activity_id().map(str::to_string);
    ctx.app
        .store
        .run(move |s| s.add_report(id.as_deref(), &actor, &checked.content, &checked.objects))
        .await?;
    tracing::warn!(
        reporter = ctx.actor(),
        "report received (see `quire reports`)"
    );
    Ok(Outcome::Applied)
}
