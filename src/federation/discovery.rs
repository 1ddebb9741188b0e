//! How other servers find the blog: WebFinger (RFC 7033), host-meta (RFC 6415) and NodeInfo.
//!
//! Pure functions from configuration and counts to documents; the web layer serves them.

use serde_json::{json, Value};

use crate::config::Config;
use crate::urls::Urls;

/// Why a WebFinger query got no answer.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebfingerError {
    /// No `resource`, or one that is not an `acct:` URI or an http(s) URL (400).
    #[error("malformed resource: {0}")]
    Malformed(String),
    /// Well-formed, but not one of our two actors (404).
    #[error("no such account here")]
    NotFound,
}

/// Which local actor a WebFinger `resource` names: `acct:name@host` (host compared without
/// case; a leading `@` tolerated) or the actor's URL.
pub fn resolve_resource<'c>(
    config: &'c Config,
    urls: &Urls,
    resource: &str,
) -> Result<&'c str, WebfingerError> {
    let resource = resource.trim();
    let names = [&config.author_username, &config.blog_handle];
    if let Some(acct) = resource.strip_prefix("acct:") {
        let acct = acct.strip_prefix('@').unwrap_or(acct);
        let (user, host) = acct
            .rsplit_once('@')
            .ok_or_else(|| WebfingerError::Malformed(resource.to_string()))?;
        if user.is_empty() || host.is_empty() {
            return Err(WebfingerError::Malformed(resource.to_string()));
        }
        if !host.eq_ignore_ascii_case(&config.authority) {
            return Err(WebfingerError::NotFound);
        }
        return names
            .into_iter()
            .find(|n| n.eq_ignore_ascii_case(user))
            .map(String::as_str)
            .ok_or(WebfingerError::NotFound);
    }
    if resource.starts_with("https://") || resource.starts_with("http://") {
        let resource = resource.trim_end_matches('/');
        return names
            .into_iter()
            .find(|n| urls.actor(n) == resource)
            .map(String::as_str)
            .ok_or(WebfingerError::NotFound);
    }
    Err(WebfingerError::Malformed(resource.to_string()))
}

/// The JRD for a local actor.
pub fn webfinger(config: &Config, urls: &Urls, name: &str) -> Value {
    let actor = urls.actor(name);
    json!({
        "subject": format!("acct:{name}@{}", config.authority),
        "aliases": [actor],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": actor},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": actor},
        ]
    })
}

/// host-meta, pointing old clients at WebFinger.
pub fn host_meta(urls: &Urls) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n  \
         <Link rel=\"lrdd\" template=\"{}/.well-known/webfinger?resource={{uri}}\"/>\n\
         </XRD>\n",
        urls.base()
    )
}

/// `/.well-known/nodeinfo`: where the NodeInfo documents are.
pub fn nodeinfo_index(urls: &Urls) -> Value {
    json!({
        "links": [
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": urls.absolute("/nodeinfo/2.0")},
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": urls.absolute("/nodeinfo/2.1")},
        ]
    })
}

/// A NodeInfo document, version `"2.0"` or `"2.1"`: one user, the local post count.
pub fn nodeinfo(config: &Config, version: &str, local_posts: usize) -> Value {
    let mut software = json!({"name": "quire", "version": env!("CARGO_PKG_VERSION")});
    if version == "2.1" {
        software["homepage"] = json!(config.base_url.as_str());
    }
    json!({
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0"]},
        "openRegistrations": false,
        "usage": {
            "users": {"total": 1, "activeMonth": 1, "activeHalfyear": 1},
            "localPosts": local_posts,
        },
        "metadata": {"nodeName": config.title, "nodeDescription": config.description},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (Config, Urls) {
        let c = Config::from_str(
            "[site]\nbase_url = \"https://Blog.Example:8443\"\n[author]\nusername = \"alice\"\n",
            None,
            std::path::Path::new("/tmp"),
        )
        .unwrap();
        let u = Urls::new(&c);
        (c, u)
    }

    #[test]
    fn acct_and_url_resources_resolve_to_the_actor() {
        let (c, u) = setup();
        assert_eq!(
            resolve_resource(&c, &u, "acct:alice@blog.example:8443"),
            Ok("alice")
        );
        assert_eq!(
            resolve_resource(&c, &u, "acct:BLOG@Blog.Example:8443"),
            Ok("blog")
        );
        assert_eq!(
            resolve_resource(&c, &u, "https://blog.example:8443/@alice"),
            Ok("alice")
        );
    }

    #[test]
    fn unknown_and_malformed_resources_are_told_apart() {
        let (c, u) = setup();
        assert_eq!(
            resolve_resource(&c, &u, "acct:bob@blog.example:8443"),
            Err(WebfingerError::NotFound)
        );
        assert_eq!(
            resolve_resource(&c, &u, "acct:alice@elsewhere.org"),
            Err(WebfingerError::NotFound)
        );
        assert!(matches!(
            resolve_resource(&c, &u, "alice"),
            Err(WebfingerError::Malformed(_))
        ));
        assert!(matches!(
            resolve_resource(&c, &u, "acct:alice"),
            Err(WebfingerError::Malformed(_))
        ));
    }
}
