//! `Announce` (a boost) of one of our articles: counted once per actor and listed on the
//! page. Its Undo is handled with the Like's (`like.rs`).

use super::like::{reaction, Checked};
use super::{Context, InboxError, Outcome};
use crate::store::reactions::ReactionKind;

/// Checks, no writes. `None` when the object is not one of our live articles.
pub(super) fn verify(ctx: &Context<'_>) -> Result<Option<Checked>, InboxError> {
    reaction(ctx, ReactionKind::Boost)
}

/// Records the boost; a repeat from the same actor changes nothing.
pub(super) async fn receive(ctx: &Context<'_>, checked: Checked) -> Result<Outcome, InboxError> {
    super::like::receive(ctx, checked).await
}
