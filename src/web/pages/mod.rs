//! The HTML pages of the blog, rendered with maud: the shared layout and the helpers every page
//! uses (dates, tags, post lists, pagination).
//!
//! Every page is a pure function: data in, [`Markup`] out. No SQL, no I/O, no HTTP types: the
//! handlers in `web/mod.rs` load what a page needs and pick the status code. maud escapes
//! everything; `PreEscaped` is used only for HTML that is already safe: a post's rendered body
//! (the author's own), its `summary_html` (escaped when it was made), the author summary
//! rendered here by comrak with raw HTML disabled, and the `conversation` markup the caller
//! builds from sanitised comments.

mod author;
pub mod conversation;
mod errors;
mod lists;
mod post;
#[cfg(test)]
mod samples;

pub use author::author;
pub use errors::{gone, not_found};
pub use lists::{empty_blog, index, tag};
pub use post::{post, PostExtras};

use chrono::DateTime;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::config::Config;
use crate::store::posts::{Post, Tag};
use crate::urls::Urls;

/// What every page needs about the blog: its configuration (titles, handles, language) and
/// the URL builder (so absolute URLs in `<head>` derive from `base_url` only).
#[derive(Clone, Copy)]
pub struct Site<'a> {
    /// The validated `blog.toml`.
    pub config: &'a Config,
    /// URLs derived from `config.base_url`.
    pub urls: &'a Urls,
}

impl Site<'_> {
    /// `@username@authority`: the author's fediverse handle.
    pub fn author_handle(&self) -> String {
        format!("@{}@{}", self.config.author_username, self.config.authority)
    }

    /// `@handle@authority`: the blog's (Group's) fediverse handle.
    pub fn blog_handle(&self) -> String {
        format!("@{}@{}", self.config.blog_handle, self.config.authority)
    }

    /// The path of the author's page, `/@username`.
    fn author_path(&self) -> String {
        format!("/@{}", self.config.author_username)
    }
}

/// The frame of every page: `<head>` (charset, viewport, title, stylesheet, feed link plus
/// `head_extras`), the header with the blog title and navigation, `body` in `<main>`, and the
/// footer with both fediverse handles.
///
/// `title` is the page's own title; the blog title is appended unless they are the same.
/// Public so pages added later (the conversation, moderation) share the same frame.
pub fn layout(site: &Site, title: &str, head_extras: Markup, body: Markup) -> Markup {
    let config = site.config;
    let full_title = if title.is_empty() || title == config.title {
        config.title.clone()
    } else {
        format!("{title} · {}", config.title)
    };
    html! {
        (DOCTYPE)
        html lang=(config.language) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (full_title) }
                link rel="stylesheet" href={ "/static/style.css?v=" (crate::web::assets::style_version()) };
                link rel="icon" href="/static/favicon.svg" type="image/svg+xml";
                link rel="alternate" type="application/atom+xml" title=(config.title) href=(site.urls.feed());
                meta name="generator" content="quire";
                (head_extras)
            }
            body {
                header.site {
                    a.site-title href="/" { (config.title) }
                    nav aria-label="Site" {
                        a href="/" { "Home" }
                        a href=(site.author_path()) { "About the author" }
                        a href="/feed.xml" { "Feed" }
                    }
                }
                main { (body) }
                footer.site {
                    p {
                        "Follow " (config.author_name) " at "
                        span.handle { (site.author_handle()) }
                        " or the blog at "
                        span.handle { (site.blog_handle()) }
                        " from Mastodon or any fediverse app."
                    }
                    p.powered { "Powered by quire." }
                }
            }
        }
    }
}

/// An RFC 3339 timestamp shown to people: "3 March 2024", in the offset it was written with.
/// Anything unparsable is shown as it is rather than hidden.
pub(crate) fn human_date(rfc3339: &str) -> String {
    match DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => t.format("%-d %B %Y").to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

/// A `<time>` element: machine-readable `datetime`, human-readable text.
pub(crate) fn time(rfc3339: &str, class: &str) -> Markup {
    html! { time class=(class) datetime=(rfc3339) { (human_date(rfc3339)) } }
}

/// An image reference from front matter or `blog.toml` as an absolute URL: URLs stay as they
/// are, content-relative paths are served under `/media/`.
pub(crate) fn absolute_image(site: &Site, image: &str) -> String {
    site.urls.image(image)
}

/// The tags of a post as links to their pages (`rel=tag`, microformats `p-category`).
pub(crate) fn tag_links(tags: &[Tag]) -> Markup {
    html! {
        @if !tags.is_empty() {
            ul.tags aria-label="Tags" {
                @for t in tags {
                    li { a.p-category rel="tag" href={ "/tags/" (t.slug) } { "#" (t.name) } }
                }
            }
        }
    }
}

/// One entry of a post list (home, tag, author): title link, date, tags and the excerpt.
/// A post with a content warning shows its excerpt folded behind the warning.
fn entry(p: &Post) -> Markup {
    html! {
        article.entry.h-entry {
            h2.p-name { a.u-url href={ "/posts/" (p.slug) } { (p.title) } }
            p.meta {
                (time(&p.published, "dt-published"))
                @if let Some(u) = &p.updated {
                    " · updated " (time(u, "dt-updated"))
                }
            }
            @if let Some(cw) = &p.cw {
                details.cw {
                    summary { "Content warning: " (cw) }
                    div.p-summary { (PreEscaped(&p.summary_html)) }
                }
            } @else {
                div.p-summary { (PreEscaped(&p.summary_html)) }
            }
            (tag_links(&p.tags))
        }
    }
}

/// A list of posts, newest first as given.
pub(crate) fn post_list(posts: &[Post]) -> Markup {
    html! {
        div.entries.h-feed {
            @for p in posts { (entry(p)) }
        }
    }
}

/// The `href` of page `n` of a list whose first page lives at `path`: the first page is the
/// bare path (one URL per page), the others `?page=N`.
fn page_href(path: &str, n: usize) -> String {
    if n <= 1 {
        path.to_string()
    } else {
        format!("{path}?page={n}")
    }
}

/// The absolute URL of page `n` of a list at `path`, for `<link rel=canonical>`.
fn page_url(site: &Site, path: &str, n: usize) -> String {
    site.urls.absolute(&page_href(path, n))
}

/// `<link rel=prev/next>` for the `<head>` of a paginated list.
pub(crate) fn pagination_head(path: &str, page: usize, total_pages: usize) -> Markup {
    html! {
        @if page > 1 {
            link rel="prev" href=(page_href(path, page - 1));
        }
        @if page < total_pages {
            link rel="next" href=(page_href(path, page + 1));
        }
    }
}

/// Newer/older links and "Page X of Y" below a list; nothing when there is a single page.
pub(crate) fn pagination(path: &str, page: usize, total_pages: usize) -> Markup {
    html! {
        @if total_pages > 1 {
            nav.pagination aria-label="Pages" {
                @if page > 1 {
                    a.prev rel="prev" href=(page_href(path, page - 1)) { "← Newer" }
                } @else {
                    span.prev {}
                }
                span.position { "Page " (page) " of " (total_pages) }
                @if page < total_pages {
                    a.next rel="next" href=(page_href(path, page + 1)) { "Older →" }
                } @else {
                    span.next {}
                }
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::path::Path;

    /// A configuration as an author would write it, with a port so handles show it.
    pub(crate) fn config() -> Config {
        Config::from_str(
            r#"
            [site]
            base_url = "https://blog.example:8443"
            title = "Notes & <Things>"
            description = "Words about words."
            language = "en-GB"
            [author]
            username = "alice"
            name = "Alice Example"
            summary = "Writes *about* things. <script>alert(1)</script>"
            avatar = "avatar.png"
            [blog]
            handle = "notes"
            "#,
            Some(Path::new("/srv/blog/blog.toml")),
            Path::new("/srv/blog"),
        )
        .unwrap()
    }

    /// A post with a slug, a title and tags; everything else plausible.
    pub(crate) fn post(slug: &str, title: &str) -> Post {
        Post {
            id: 1,
            slug: slug.into(),
            source_path: format!("{slug}.md"),
            content_hash: "00".into(),
            title: title.into(),
            markdown: "Hello *world*.".into(),
            html: "<p>Hello <em>world</em>.</p>\n<pre><code>fn main() {}\n</code></pre>".into(),
            summary_html: "<p>Hello world.</p>".into(),
            summary_text: "Hello world.".into(),
            cw: None,
            image: None,
            media: Vec::new(),
            comments_policy: None,
            published: "2024-03-03T10:00:00+01:00".into(),
            updated: None,
            deleted_at: None,
            tags: vec![
                Tag {
                    slug: "rust".into(),
                    name: "Rust".into(),
                },
                Tag {
                    slug: "web".into(),
                    name: "web".into(),
                },
            ],
        }
    }

    #[test]
    fn dates_are_human_readable_and_bad_ones_shown_as_written() {
        assert_eq!(human_date("2024-03-03T10:00:00+01:00"), "3 March 2024");
        assert_eq!(human_date("yesterday"), "yesterday");
    }

    #[test]
    fn layout_has_the_essentials_and_escapes_the_title() {
        let config = config();
        let urls = Urls::new(&config);
        let site = Site {
            config: &config,
            urls: &urls,
        };
        let page = layout(&site, "", html! {}, html! { p { "body" } }).into_string();
        assert!(
            page.starts_with("<!DOCTYPE html><html lang=\"en-GB\">"),
            "{page}"
        );
        assert!(page.contains("<meta charset=\"utf-8\">"));
        assert!(page.contains("name=\"viewport\""));
        assert!(page.contains("<title>Notes &amp; &lt;Things&gt;</title>"));
        assert!(page.contains(&format!(
            "href=\"/static/style.css?v={}\"",
            crate::web::assets::style_version()
        )));
        assert!(page.contains(
            "rel=\"alternate\" type=\"application/atom+xml\" title=\"Notes &amp; &lt;Things&gt;\" href=\"https://blog.example:8443/feed.xml\""
        ));
        assert!(page.contains("href=\"/@alice\""));
        assert!(page.contains("@alice@blog.example:8443"));
        assert!(page.contains("@notes@blog.example:8443"));
        assert!(page.contains("Powered by quire"));
    }

    #[test]
    fn pagination_links_pages_and_omits_a_single_page() {
        let nav = pagination("/", 2, 3).into_string();
        assert!(nav.contains("rel=\"prev\" href=\"/\""), "{nav}");
        assert!(nav.contains("rel=\"next\" href=\"/?page=3\""), "{nav}");
        assert!(nav.contains("Page 2 of 3"));
        assert!(pagination("/", 1, 1).into_string().is_empty());
        let head = pagination_head("/tags/rust", 3, 3).into_string();
        assert_eq!(head, "<link rel=\"prev\" href=\"/tags/rust?page=2\">");
    }
}
