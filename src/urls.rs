//! Every public URL quire publishes, derived from `site.base_url` and nothing else.
//!
//! Ids must never come from request headers (`Host`, `X-Forwarded-*`): behind a reverse proxy
//! they would change, and an ActivityPub id must be stable forever.

use crate::config::Config;

/// Builds the URLs of the blog from its base URL.
#[derive(Debug, Clone)]
pub struct Urls {
    /// `base_url` without a trailing slash, e.g. `https://blog.example.org`.
    base: String,
}

impl Urls {
    /// URLs for this configuration.
    pub fn new(config: &Config) -> Urls {
        Urls {
            base: config.base_url.as_str().trim_end_matches('/').to_string(),
        }
    }

    /// The base URL without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// An absolute URL for a path that starts with `/`.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The actor id (and profile URL) of a local actor: `B/@name`.
    pub fn actor(&self, name: &str) -> String {
        format!("{}/@{}", self.base, name)
    }

    /// The id of a local actor's public key.
    pub fn actor_key(&self, name: &str) -> String {
        format!("{}/@{}#main-key", self.base, name)
    }

    /// A local actor's personal inbox.
    pub fn inbox(&self, name: &str) -> String {
        format!("{}/@{}/inbox", self.base, name)
    }

    /// A local actor's outbox.
    pub fn outbox(&self, name: &str) -> String {
        format!("{}/@{}/outbox", self.base, name)
    }

    /// A local actor's followers collection.
    pub fn followers(&self, name: &str) -> String {
        format!("{}/@{}/followers", self.base, name)
    }

    /// A local actor's following collection.
    pub fn following(&self, name: &str) -> String {
        format!("{}/@{}/following", self.base, name)
    }

    /// The shared inbox of the whole server.
    pub fn shared_inbox(&self) -> String {
        format!("{}/inbox", self.base)
    }

    /// An article's id and URL: `B/posts/{slug}`, forever.
    pub fn post(&self, slug: &str) -> String {
        format!("{}/posts/{}", self.base, slug)
    }

    /// A tag page.
    pub fn tag(&self, tag_slug: &str) -> String {
        format!("{}/tags/{}", self.base, tag_slug)
    }

    /// A file from the content folder.
    pub fn media(&self, rel_path: &str) -> String {
        format!("{}/media/{}", self.base, rel_path.trim_start_matches('/'))
    }

    /// An image reference from front matter or `blog.toml` as an absolute URL: URLs stay as
    /// they are, content-relative paths are served under `/media/`.
    pub fn image(&self, reference: &str) -> String {
        if reference.starts_with("https://") || reference.starts_with("http://") {
            reference.to_string()
        } else {
            self.media(reference)
        }
    }

    /// The id of an activity quire sends; `key` is unique per activity.
    pub fn activity(&self, key: &str) -> String {
        format!("{}/activities/{}", self.base, key)
    }

    /// The Atom feed.
    pub fn feed(&self) -> String {
        format!("{}/feed.xml", self.base)
    }
}
