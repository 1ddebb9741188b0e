//! The one place where quire's records become ActivityStreams JSON: the two actors, each
//! Article, and the activities that announce changes to them.
//!
//! Mastodon, where most readers are, shows an `Article` as `name`, then `summary`, then a link
//! to `url`, never its `content`: so every Article carries a `summary`. A post with a content
//! warning goes out `sensitive` with the warning as its summary, so nobody sees the excerpt
//! unasked.

use serde_json::{json, Value};

use super::vocab::{context, media_type_for, PUBLIC};
use crate::config::Config;
use crate::content::render::escape_html;
use crate::store::actors::{ActorKind, LocalActorKeys};
use crate::store::posts::Post;
use crate::urls::Urls;

/// What conversion needs: the configuration and the URLs derived from it.
#[derive(Clone, Copy)]
pub struct Converter<'a> {
    pub config: &'a Config,
    pub urls: &'a Urls,
}

/// Counts shown in an Article's `replies`, `likes` and `shares` collections.
#[derive(Debug, Clone, Copy, Default)]
pub struct Interactions {
    pub replies: usize,
    pub likes: usize,
    pub shares: usize,
}

impl<'a> Converter<'a> {
    /// A converter for this blog.
    pub fn new(config: &'a Config, urls: &'a Urls) -> Self {
        Converter { config, urls }
    }

    /// The effective comment policy of a post: its front matter, else the blog's.
    pub fn comment_policy<'p>(&'p self, post: &'p Post) -> &'p str {
        post.comments_policy
            .as_deref()
            .unwrap_or(self.config.comment_policy.as_str())
    }

    /// Absolute URL of an image reference: content-relative paths are served under `/media/`.
    pub fn media_url(&self, reference: &str) -> String {
        self.urls.image(reference)
    }

    /// The actor document of the Person (the author) or the Group (the blog).
    pub fn actor(&self, kind: ActorKind, keys: &LocalActorKeys, summary_html: &str) -> Value {
        let c = self.config;
        let (name, display, is_person) = match kind {
            ActorKind::Person => (&c.author_username, &c.author_name, true),
            ActorKind::Group => (&c.blog_handle, &c.blog_name, false),
        };
        let id = self.urls.actor(name);
        let mut actor = json!({
            "@context": context(),
            "id": id,
            "type": kind.as_str(),
            "preferredUsername": name,
            "name": display,
            "summary": summary_html,
            "url": id,
            "inbox": self.urls.inbox(name),
            "outbox": self.urls.outbox(name),
            "followers": self.urls.followers(name),
            "following": self.urls.following(name),
            "endpoints": {"sharedInbox": self.urls.shared_inbox()},
            "published": keys.created_at,
            "manuallyApprovesFollowers": false,
            "discoverable": true,
            "indexable": true,
            "publicKey": {
                "id": self.urls.actor_key(name),
                "owner": id,
                "publicKeyPem": keys.public_key_pem,
            },
        });
        if is_person {
            // Mastodon 4.4+ credits the author on link previews of these domains only.
            actor["attributionDomains"] =
                json!([self.config.base_url.host_str().unwrap_or_default()]);
            if let Some(avatar) = &c.author_avatar {
                let url = self.media_url(avatar);
                let mut icon = json!({"type": "Image", "url": url});
                if let Some(mt) = media_type_for(avatar) {
                    icon["mediaType"] = json!(mt);
                }
                actor["icon"] = icon;
            }
        } else {
            actor["attributedTo"] = json!([self.urls.actor(&c.author_username)]);
        }
        actor
    }

    /// The `Article` for a post (without `@context`; see [`Self::article_document`]).
    pub fn article(&self, post: &Post, counts: Interactions) -> Value {
        let c = self.config;
        let url = self.urls.post(&post.slug);
        let person = self.urls.actor(&c.author_username);
        let group = self.urls.actor(&c.blog_handle);
        let tags: Vec<Value> = post
            .tags
            .iter()
            .map(|t| {
                json!({
                    "type": "Hashtag",
                    "href": self.urls.tag(&t.slug),
                    "name": format!("#{}", t.name.replace(' ', "")),
                })
            })
            .collect();
        let attachments: Vec<Value> = post
            .media
            .iter()
            .map(|m| {
                json!({
                    "type": "Image",
                    "mediaType": media_type_for(m).unwrap_or("application/octet-stream"),
                    "url": self.urls.media(m),
                    "name": "",
                })
            })
            .collect();
        let (summary, sensitive) = match &post.cw {
            Some(cw) => (escape_html(cw), true),
            None => (post.summary_html.clone(), false),
        };
        let policy = self.comment_policy(post);
        let can_reply = match policy {
            "open" => json!({"always": [PUBLIC], "approvalRequired": []}),
            "approve" => json!({"always": [person], "approvalRequired": [PUBLIC]}),
            _ => json!({"always": [person], "approvalRequired": []}),
        };
        let mut article = json!({
            "id": url,
            "type": "Article",
            "url": url,
            "name": post.title,
            "summary": summary,
            "sensitive": sensitive,
            "content": post.html,
            "contentMap": {c.language.clone(): post.html},
            "mediaType": "text/html",
            "source": {"content": post.markdown, "mediaType": "text/markdown"},
            "published": post.published,
            "attributedTo": [person, group],
            "audience": group,
            "to": [PUBLIC],
            "cc": [self.urls.followers(&c.author_username), self.urls.followers(&c.blog_handle)],
            "tag": tags,
            "attachment": attachments,
            "replies": {"id": format!("{url}/replies"), "type": "OrderedCollection", "totalItems": counts.replies, "first": format!("{url}/replies?page=1")},
            "likes": {"id": format!("{url}/likes"), "type": "Collection", "totalItems": counts.likes},
            "shares": {"id": format!("{url}/shares"), "type": "Collection", "totalItems": counts.shares},
            "context": format!("{url}/context"),
            "interactionPolicy": {
                "canReply": can_reply,
                "canLike": {"always": [PUBLIC], "approvalRequired": []},
                "canAnnounce": {"always": [PUBLIC], "approvalRequired": []},
            },
            "commentPolicy": if policy == "closed" { "none" } else { "authenticated" },
        });
        if let Some(updated) = &post.updated {
            article["updated"] = json!(updated);
        }
        if let Some(image) = &post.image {
            let mut img = json!({"type": "Image", "url": self.media_url(image)});
            if let Some(mt) = media_type_for(image) {
                img["mediaType"] = json!(mt);
            }
            article["image"] = img;
        }
        article
    }

    /// The Article as a standalone document, with `@context`.
    pub fn article_document(&self, post: &Post, counts: Interactions) -> Value {
        with_context(self.article(post, counts))
    }

    /// `Create(Article)` from the Person: how followers first receive a post.
    pub fn create(&self, post: &Post) -> Value {
        self.wrap(
            post,
            "Create",
            format!("{}#create", self.urls.post(&post.slug)),
            &post.published,
        )
    }

    /// `Update(Article)` from the Person after an edit; `at` makes the id unique per edit.
    pub fn update(&self, post: &Post, at: &str) -> Value {
        let id = format!("{}#update-{}", self.urls.post(&post.slug), compact_time(at));
        self.wrap(post, "Update", id, at)
    }

    fn wrap(&self, post: &Post, kind: &str, id: String, published: &str) -> Value {
        let c = self.config;
        let article = self.article(post, Interactions::default());
        with_context(json!({
            "id": id,
            "type": kind,
            "actor": self.urls.actor(&c.author_username),
            "published": published,
            "to": [PUBLIC],
            "cc": [self.urls.followers(&c.author_username), self.urls.followers(&c.blog_handle)],
            "object": article,
        }))
    }

    /// `Delete` of a removed post, its object a `Tombstone`.
    pub fn delete(&self, slug: &str, at: &str) -> Value {
        let c = self.config;
        let url = self.urls.post(slug);
        with_context(json!({
            "id": format!("{url}#delete-{}", compact_time(at)),
            "type": "Delete",
            "actor": self.urls.actor(&c.author_username),
            "published": at,
            "to": [PUBLIC],
            "cc": [self.urls.followers(&c.author_username), self.urls.followers(&c.blog_handle)],
            "object": {"id": url, "type": "Tombstone", "formerType": "Article", "deleted": at},
        }))
    }

    /// `Announce(Article)` from the Group: the blog boosts each new post to its followers.
    pub fn announce(&self, post: &Post) -> Value {
        let c = self.config;
        let url = self.urls.post(&post.slug);
        with_context(json!({
            "id": format!("{url}#announce"),
            "type": "Announce",
            "actor": self.urls.actor(&c.blog_handle),
            "published": post.published,
            "to": [PUBLIC],
            "cc": [self.urls.followers(&c.blog_handle), self.urls.actor(&c.author_username)],
            "object": url,
        }))
    }

    /// The `Tombstone` a removed post's URL answers with (status 410).
    pub fn tombstone(&self, post: &Post) -> Value {
        with_context(json!({
            "id": self.urls.post(&post.slug),
            "type": "Tombstone",
            "formerType": "Article",
            "deleted": post.deleted_at,
        }))
    }
}

/// Adds quire's `@context` to a document.
pub fn with_context(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        let mut out = serde_json::Map::with_capacity(map.len() + 1);
        out.insert("@context".into(), context());
        out.append(map);
        return Value::Object(out);
    }
    value
}

/// `2024-03-01T10:00:00Z` → `20240301T100000Z`, for readable unique ids.
fn compact_time(at: &str) -> String {
    at.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}
