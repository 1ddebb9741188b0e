//! Turns content changes into the activities quire records for delivery: a new post is a
//! `Create` from the Person and an `Announce` from the Group, an edit an `Update`, a removal
//! a `Delete` with a `Tombstone`.

use serde_json::Value;

use super::convert::Converter;
use crate::content::sync::Change;
use crate::store::outbox::NewActivity;

/// The activities announcing `change`, ready to record.
pub fn activities_for(conv: &Converter<'_>, change: Change<'_>) -> Vec<NewActivity> {
    let person = &conv.config.author_username;
    let group = &conv.config.blog_handle;
    match change {
        Change::Created(post) => vec![
            record(person, "Create", conv.create(post)),
            record(group, "Announce", conv.announce(post)),
        ],
        Change::Updated(post, at) => vec![record(person, "Update", conv.update(post, at))],
        Change::Deleted(slug, at) => vec![record(person, "Delete", conv.delete(slug, at))],
    }
}

fn record(actor: &str, kind: &str, activity: Value) -> NewActivity {
    let object_id = match &activity["object"] {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_string),
        _ => None,
    };
    NewActivity {
        activity_id: activity["id"].as_str().unwrap_or_default().to_string(),
        actor: actor.to_string(),
        kind: kind.to_string(),
        object_id,
        payload: activity.to_string(),
        target_inbox: None,
    }
}
