//! Minimal readers for incoming ActivityStreams JSON (an id given as a string or as an object
//! with `id`, a type given as a string or an array, one-or-many values), until the shared
//! tolerant reader `federation::read` replaces them.

use serde_json::Value;

/// Parses a body as JSON, skipping a UTF-8 byte-order mark.
pub(crate) fn parse_json(bytes: &[u8]) -> Result<Value, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    serde_json::from_slice(bytes).map_err(|e| e.to_string())
}

/// The id a value names: the string itself, or the `id` of an object (`@id` too).
pub(crate) fn id_of(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s.as_str()),
        Value::Object(map) => map
            .get("id")
            .or_else(|| map.get("@id"))
            .and_then(Value::as_str),
        _ => None,
    }
}

/// The first id among one-or-many values (`"actor": ["https://…"]` is seen in the wild).
pub(crate) fn first_id(value: &Value) -> Option<&str> {
    match value {
        Value::Array(items) => items.iter().find_map(id_of),
        other => id_of(other),
    }
}

/// The type of an object: the string, or the first string of an array (`["Person", "…"]`).
pub(crate) fn type_of(value: &Value) -> Option<&str> {
    let t = value.get("type").or_else(|| value.get("@type"))?;
    match t {
        Value::String(s) => Some(s.as_str()),
        Value::Array(items) => items.iter().find_map(Value::as_str),
        _ => None,
    }
}

/// A string property, when it is one.
pub(crate) fn str_of<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// The URL of a link-ish property (`"url": "…"`, `{"href": …}`, `{"url": …}` or an array of
/// those), as `icon` and `url` come.
pub(crate) fn link_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.clone()),
        Value::Object(map) => link_of(map.get("href")).or_else(|| link_of(map.get("url"))),
        Value::Array(items) => items.iter().find_map(|v| link_of(Some(v))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_types_and_links_are_read_in_every_common_shape() {
        assert_eq!(id_of(&json!("https://a/1")), Some("https://a/1"));
        assert_eq!(id_of(&json!({"id": "https://a/1"})), Some("https://a/1"));
        assert_eq!(first_id(&json!(["https://a/1", "x"])), Some("https://a/1"));
        assert_eq!(type_of(&json!({"type": ["Person", "x:Y"]})), Some("Person"));
        assert_eq!(
            link_of(Some(&json!([{"type": "Image", "url": "https://a/i.png"}]))),
            Some("https://a/i.png".into())
        );
        assert!(parse_json(b"\xEF\xBB\xBF{\"a\": 1}").is_ok());
        assert!(parse_json(b"{nope").is_err());
    }
}
