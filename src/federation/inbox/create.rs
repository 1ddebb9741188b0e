//! `Create` of a reply (Note, or Article/Page/anything with content, read as a comment)
//! whose `inReplyTo` is one of our articles or a comment stored under one; and the
//! comment side of `Update` (its author edits it) and `Delete` (its author removes it),
//! which `update.rs` and `delete.rs` call.
//!
//! Content is sanitised here, on receipt (`sanitize_html`), before anything is stored. The
//! post's comment policy decides: `open` shows the reply, `approve` keeps a first-time
//! commenter's reply pending, `closed` refuses it and records a `Reject` to the replier's
//! inbox (as Streams does).

use serde_json::json;

use super::{ensure_same_host, Context, InboxError, Outcome};
use crate::federation::conversation::{author_of, emoji_of, host_of, is_blocked, target, Target};
use crate::federation::read::Note;
use crate::federation::sanitize::{plain_text, sanitize_html};
use crate::store::comments::{CommentState, Inserted, NewComment};
use crate::store::now_rfc3339;
use crate::store::outbox::NewActivity;

/// A checked reply.
pub(super) enum Checked {
    /// Store it (visible or pending).
    Store(Box<NewComment>),
    /// Comments are closed on that post: answer with Reject.
    Closed {
        /// The post's slug (for the log).
        slug: String,
        /// The replier's inbox, if it has one.
        inbox: Option<String>,
        /// The object refused.
        object_id: String,
    },
}

/// The activity's `object` as sent, `None` when absent.
pub(super) fn object<'a>(ctx: &'a Context<'_>) -> Option<&'a serde_json::Value> {
    Some(&ctx.activity.object).filter(|o| !o.is_null())
}

/// Reads the embedded object as a note: `None` when there is none (a bare IRI) or it is
/// not content.
fn embedded_note(ctx: &Context<'_>) -> Result<Option<Note>, InboxError> {
    let Some(object) = object(ctx).filter(|o| o.is_object()) else {
        return Ok(None);
    };
    match Note::from_value(object) {
        Ok(note) => Ok(Some(note)),
        Err(crate::federation::read::ReadError::WrongType(_)) => Ok(None),
        Err(e) => Err(InboxError::Malformed(e.to_string())),
    }
}

/// The note's author must be the activity's actor, and its id on the actor's host.
fn ensure_own(ctx: &Context<'_>, note: &Note) -> Result<(), InboxError> {
    ensure_same_host(ctx.actor(), &note.id)?;
    if let Some(author) = &note.attributed_to {
        if author != ctx.actor() {
            return Err(InboxError::ForeignObject(note.id.clone()));
        }
    }
    Ok(())
}

/// Refuses a blocked actor (the dispatch table checks it first, for every activity).
pub(super) fn ensure_not_blocked(ctx: &Context<'_>) -> Result<(), InboxError> {
    if is_blocked(ctx.app, ctx.actor())? {
        return Err(InboxError::Blocked);
    }
    Ok(())
}

/// Checks, no writes. `None` for a Create that is not a reply in our conversation.
pub(super) fn verify(ctx: &Context<'_>) -> Result<Option<Checked>, InboxError> {
    let Some(note) = embedded_note(ctx)? else {
        return Ok(None);
    };
    let Some(in_reply_to) = note.in_reply_to.clone() else {
        return Ok(None);
    };
    let Some(target) = target(ctx.app, &in_reply_to)? else {
        return Ok(None);
    };
    ensure_own(ctx, &note)?;
    let post = target.post().clone();
    let policy = ctx.app.converter().comment_policy(&post).to_string();
    if policy == "closed" {
        return Ok(Some(Checked::Closed {
            slug: post.slug,
            inbox: ctx
                .signer
                .inbox
                .clone()
                .or_else(|| ctx.signer.shared_inbox.clone()),
            object_id: note.id,
        }));
    }
    let state = if policy == "approve" && !ctx.app.store.is_approved_author(ctx.actor())? {
        CommentState::Pending
    } else {
        CommentState::Visible
    };
    let parent_id = match &target {
        Target::Comment(_, c) => Some(c.id),
        Target::Post(_) => None,
    };
    Ok(Some(Checked::Store(Box::new(NewComment {
        post_id: post.id,
        in_reply_to,
        parent_id,
        author: author_of(ctx.signer),
        author_host: host_of(ctx.actor()).unwrap_or_default(),
        content_html: sanitize_html(&note.content_html),
        spoiler: spoiler(&note),
        emoji: emoji_of(&note),
        url: note
            .url
            .clone()
            .filter(|u| crate::federation::conversation::is_web_url(u)),
        published: note
            .published
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_else(now_rfc3339),
        updated: None,
        state,
        object_id: note.id,
    }))))
}

/// The spoiler as plain text (servers send it as text or as HTML).
fn spoiler(note: &Note) -> Option<String> {
    note.summary
        .as_deref()
        .map(|s| plain_text(s, 500))
        .filter(|s| !s.is_empty())
}

/// Stores the comment, or records the Reject.
pub(super) async fn receive(ctx: &Context<'_>, checked: Checked) -> Result<Outcome, InboxError> {
    match checked {
        Checked::Store(comment) => {
            let pending = comment.state == CommentState::Pending;
            let inserted = ctx
                .app
                .store
                .run(move |s| s.insert_comment(&comment))
                .await?;
            match inserted {
                Inserted::New(id) => {
                    ctx.app.cache.invalidate();
                    tracing::info!(
                        actor = ctx.actor(),
                        comment = id,
                        pending,
                        "comment received"
                    );
                    Ok(Outcome::Applied)
                }
                Inserted::Exists(_) => Ok(Outcome::Ignored),
            }
        }
        Checked::Closed {
            slug,
            inbox,
            object_id,
        } => {
            if let Some(inbox) = inbox {
                let app = ctx.app;
                let person = app.urls.actor(&app.person.name);
                let rejected = ctx
                    .activity_id()
                    .map(str::to_string)
                    .unwrap_or_else(|| object_id.clone());
                let key = format!("reject-{}", short_hash(&rejected));
                let id = app.urls.activity(&key);
                let payload = crate::federation::convert::with_context(json!({
                    "id": id,
                    "type": "Reject",
                    "actor": person,
                    "object": rejected,
                    "to": [ctx.actor()],
                }));
                let activity = NewActivity {
                    activity_id: id,
                    actor: app.person.name.clone(),
                    kind: "Reject".into(),
                    object_id: Some(object_id),
                    payload: payload.to_string(),
                    target_inbox: Some(inbox),
                };
                app.store.run(move |s| s.record_activity(&activity)).await?;
                app.outbox_notify.notify_one();
            }
            Err(InboxError::Closed(slug))
        }
    }
}

/// A short stable hash for activity ids.
fn short_hash(s: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, s.as_bytes());
    digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A checked edit of a comment by its author.
pub(super) struct CheckedEdit {
    object_id: String,
    content_html: String,
    spoiler: Option<String>,
    emoji: Vec<(String, String)>,
    updated: String,
}

/// `Update` of a note: `None` unless it is a comment we store. Only the comment's own
/// author, on the same host, may edit it.
pub(super) fn verify_edit(ctx: &Context<'_>) -> Result<Option<CheckedEdit>, InboxError> {
    let Some(note) = embedded_note(ctx)? else {
        return Ok(None);
    };
    let Some(comment) = ctx.app.store.comment_by_object(&note.id)? else {
        return Ok(None);
    };
    if comment.author.id != ctx.actor() {
        return Err(InboxError::ForeignObject(note.id));
    }
    ensure_own(ctx, &note)?;
    Ok(Some(CheckedEdit {
        content_html: sanitize_html(&note.content_html),
        spoiler: spoiler(&note),
        emoji: emoji_of(&note),
        updated: note
            .updated
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_else(now_rfc3339),
        object_id: note.id,
    }))
}

/// Replaces the comment's content and marks it edited.
pub(super) async fn receive_edit(ctx: &Context<'_>, e: CheckedEdit) -> Result<Outcome, InboxError> {
    let changed = ctx
        .app
        .store
        .run(move |s| {
            s.update_comment(
                &e.object_id,
                &e.content_html,
                e.spoiler.as_deref(),
                &e.emoji,
                &e.updated,
            )
        })
        .await?;
    if changed {
        ctx.app.cache.invalidate();
        tracing::info!(actor = ctx.actor(), "comment edited");
        Ok(Outcome::Applied)
    } else {
        Ok(Outcome::Ignored)
    }
}

/// A checked removal of a comment by its author.
pub(super) struct CheckedRemoval(String);

/// `Delete` of a note (id or Tombstone): `None` unless it is a comment we store. Only the
/// comment's own author may remove it.
pub(super) fn verify_removal(
    ctx: &Context<'_>,
    object_id: &str,
) -> Result<Option<CheckedRemoval>, InboxError> {
    let Some(comment) = ctx.app.store.comment_by_object(object_id)? else {
        return Ok(None);
    };
    if comment.author.id != ctx.actor() {
        return Err(InboxError::ForeignObject(object_id.to_string()));
    }
    ensure_same_host(ctx.actor(), object_id)?;
    Ok(Some(CheckedRemoval(object_id.to_string())))
}

/// Removes the comment (and the replies under it).
pub(super) async fn receive_removal(
    ctx: &Context<'_>,
    r: CheckedRemoval,
) -> Result<Outcome, InboxError> {
    let removed = ctx
        .app
        .store
        .run(move |s| s.delete_comment_by_object(&r.0))
        .await?;
    if removed {
        ctx.app.cache.invalidate();
        tracing::info!(actor = ctx.actor(), "comment deleted by its author");
        Ok(Outcome::Applied)
    } else {
        Ok(Outcome::Ignored)
    }
}

/// Removes everything an actor left (a Delete of the actor itself): comments, likes,
/// boosts, follows.
pub(super) async fn forget_actor(ctx: &Context<'_>) -> Result<(), InboxError> {
    let actor = ctx.actor().to_string();
    let removed = ctx.app.store.run(move |s| s.forget_actor(&actor)).await?;
    if removed.comments + removed.reactions > 0 {
        ctx.app.cache.invalidate();
    }
    tracing::info!(
        actor = ctx.actor(),
        comments = removed.comments,
        reactions = removed.reactions,
        "removed what a deleted actor left"
    );
    Ok(())
}
