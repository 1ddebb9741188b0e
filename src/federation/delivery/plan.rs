//! The planner: turns each unplanned outbox activity into its deliveries, once.
//!
//! The audience is fixed at planning time (a follower who arrives later does not get old
//! posts): an activity with a `target_inbox` (Accept, Reject) goes there only; any other goes
//! to the followers of its sender, and an activity of the Person also to the Group's
//! followers (its articles are addressed to both collections). Each distinct shared inbox
//! gets one delivery (a follower's own inbox where it has none); nothing goes to our own host.

use std::collections::HashSet;

use url::Url;

use crate::config::Config;
use crate::store::deliveries::NewDelivery;
use crate::store::followers::Follower;
use crate::store::outbox::OutboxActivity;
use crate::store::{Store, StoreResult};

/// How many activities one planning pass reads at a time.
const BATCH: usize = 32;

/// The authority (`host[:port]`, lower case, port only when not the scheme's default) of an
/// http(s) inbox URL; `None` for anything else.
pub fn inbox_host(inbox: &str) -> Option<String> {
    let url = Url::parse(inbox).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// The deliveries of `activity` given the followers of its audience, in follower order:
/// `target_inbox` when set; otherwise one per distinct shared inbox (else personal inbox) of
/// `followers`, skipping URLs that are not http(s) and inboxes on `own_authority`.
pub fn audience(
    activity: &OutboxActivity,
    followers: &[Follower],
    own_authority: &str,
) -> Vec<NewDelivery> {
    let inboxes: Vec<&str> = match &activity.target_inbox {
        Some(inbox) => vec![inbox.as_str()],
        None => followers
            .iter()
            .map(|f| f.shared_inbox.as_deref().unwrap_or(&f.inbox))
            .collect(),
    };
    let own = own_authority.to_ascii_lowercase();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for inbox in inboxes {
        let Some(host) = inbox_host(inbox) else {
            tracing::warn!(inbox, activity = %activity.activity_id, "not an http(s) inbox: skipped");
            continue;
        };
        if host == own || !seen.insert(inbox) {
            continue;
        }
        out.push(NewDelivery {
            inbox: inbox.to_string(),
            host,
        });
    }
    out
}

/// Plans every unplanned activity in the store, each in its own transaction with its
/// deliveries (due at `now`). Returns how many deliveries were queued. Blocking: call it
/// through [`Store::run`].
pub fn plan_pending(store: &Store, config: &Config, now: i64) -> StoreResult<usize> {
    let mut queued = 0;
    loop {
        let activities = store.unplanned_activities(BATCH)?;
        if activities.is_empty() {
            return Ok(queued);
        }
        for activity in &activities {
            let followers = if activity.target_inbox.is_some() {
                Vec::new()
            } else if activity.actor == config.author_username {
                let mut all = store.followers(&config.author_username)?;
                all.extend(store.followers(&config.blog_handle)?);
                all
            } else if activity.actor == config.blog_handle {
                store.followers(&config.blog_handle)?
            } else {
                tracing::warn!(actor = %activity.actor, activity = %activity.activity_id, "activity of an unknown local actor: not delivered");
                Vec::new()
            };
            let deliveries = audience(activity, &followers, &config.authority);
            if store.plan_deliveries(activity.id, &deliveries, now)? {
                tracing::debug!(activity = %activity.activity_id, kind = %activity.kind, deliveries = deliveries.len(), "planned");
                queued += deliveries.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(target: Option<&str>) -> OutboxActivity {
        OutboxActivity {
            id: 1,
            activity_id: "https://b.example/a/1".into(),
            actor: "alice".into(),
            kind: "Create".into(),
            object_id: None,
            payload: "{}".into(),
            created_at: String::new(),
            target_inbox: target.map(str::to_string),
        }
    }

    fn follower(id: &str, inbox: &str, shared: Option<&str>) -> Follower {
        Follower {
            local_actor: "alice".into(),
            actor_id: id.into(),
            inbox: inbox.into(),
            shared_inbox: shared.map(str::to_string),
            follow_id: None,
            created_at: String::new(),
        }
    }

    #[test]
    fn one_delivery_per_shared_inbox_personal_inbox_otherwise_never_home() {
        let followers = [
            follower(
                "https://m.example/u/a",
                "https://m.example/u/a/inbox",
                Some("https://m.example/inbox"),
            ),
            follower(
                "https://m.example/u/b",
                "https://m.example/u/b/inbox",
                Some("https://m.example/inbox"),
            ),
            follower("https://p.example/c", "https://p.example/c/inbox", None),
            follower("https://b.example/@x", "https://b.example/inbox", None),
            follower("https://q.example/d", "ftp://q.example/d", None),
        ];
        let got = audience(&activity(None), &followers, "B.example");
        let inboxes: Vec<_> = got.iter().map(|d| d.inbox.as_str()).collect();
        assert_eq!(
            inboxes,
            ["https://m.example/inbox", "https://p.example/c/inbox"]
        );
        assert_eq!(got[0].host, "m.example");
    }

    #[test]
    fn a_targeted_activity_goes_to_its_inbox_only() {
        let followers = [follower(
            "https://m.example/u/a",
            "https://m.example/u/a/inbox",
            None,
        )];
        let got = audience(
            &activity(Some("https://z.example:8443/inbox")),
            &followers,
            "b.example",
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].host, "z.example:8443");
    }
}
