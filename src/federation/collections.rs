//! Paged `OrderedCollection`s: outboxes, followers, following, and the per-article
//! collections. Page numbers are 1-based; `?page=N` selects a page.

use serde_json::{json, Value};

use super::convert::with_context;

/// How many items one collection page holds.
pub const PAGE_SIZE: usize = 20;

/// The collection itself: its size and where its pages start. With no items there is no
/// page to point to, and `first` is omitted.
pub fn collection(id: &str, total: usize) -> Value {
    let mut c = json!({"id": id, "type": "OrderedCollection", "totalItems": total});
    if total > 0 {
        c["first"] = json!(format!("{id}?page=1"));
        c["last"] = json!(format!("{id}?page={}", total.div_ceil(PAGE_SIZE)));
    } else {
        c["orderedItems"] = json!([]);
    }
    with_context(c)
}

/// One page of a collection.
pub fn page(id: &str, page: usize, total: usize, items: Vec<Value>) -> Value {
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let mut p = json!({
        "id": format!("{id}?page={page}"),
        "type": "OrderedCollectionPage",
        "partOf": id,
        "totalItems": total,
        "orderedItems": items,
    });
    if page < pages {
        p["next"] = json!(format!("{id}?page={}", page + 1));
    }
    if page > 1 {
        p["prev"] = json!(format!("{id}?page={}", page - 1));
    }
    with_context(p)
}

/// A collection whose items quire does not list (followers, for their privacy): only the
/// count, as Mastodon shows when a user hides their network.
pub fn counted_only(id: &str, total: usize) -> Value {
    with_context(json!({"id": id, "type": "OrderedCollection", "totalItems": total}))
}
