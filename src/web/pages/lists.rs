//! The list pages: the home page (newest posts, paginated), a tag's page, and the welcome page
//! a new blog shows before its first post.

use maud::{html, Markup};

use super::{layout, pagination, pagination_head, post_list, Site};
use crate::store::posts::{Post, Tag};

/// The example post shown on the welcome page: the front matter keys quire reads.
const EXAMPLE_POST: &str = r#"---
title: "Hello, fediverse"
date: 2024-03-03
tags: [hello, meta]
summary: "My first post, written in Markdown."
---

This is **my first post**. Write it in Markdown: *emphasis*,
[links](https://example.org), lists, code, images beside the file.
"#;

/// The home page (`/`): the newest posts, `page` (1-based) of `total_pages`.
///
/// A blog without any post shows [`empty_blog`] instead, so a fresh install explains itself.
pub fn index(site: &Site, posts: &[Post], page: usize, total_pages: usize) -> Markup {
    if posts.is_empty() && page <= 1 {
        return empty_blog(site);
    }
    let config = site.config;
    let head = html! {
        link rel="canonical" href=(super::page_url(site, "/", page));
        meta name="description" content=(config.description);
        meta property="og:type" content="website";
        meta property="og:title" content=(config.title);
        meta property="og:url" content=(site.urls.absolute("/"));
        meta property="og:site_name" content=(config.title);
        @if !config.description.is_empty() {
            meta property="og:description" content=(config.description);
        }
        (pagination_head("/", page, total_pages))
    };
    let body = html! {
        @if page <= 1 && !config.description.is_empty() {
            p.lead { (config.description) }
        }
        @if posts.is_empty() {
            p.notice { "There are no posts on this page. " a href="/" { "Back to the newest posts." } }
        }
        (post_list(posts))
        (pagination("/", page, total_pages))
    };
    let title = if page > 1 {
        format!("Page {page}")
    } else {
        String::new()
    };
    layout(site, &title, head, body)
}

/// The welcome page of a blog with no posts yet: where posts go, what one looks like, and how
/// quickly it appears. Written for the author, who is the first (and maybe only) visitor.
pub fn empty_blog(site: &Site) -> Markup {
    let config = site.config;
    let dir = config.content_dir.display().to_string();
    let body = html! {
        article.welcome {
            h1 { "No posts yet" }
            p {
                "This is " strong { (config.title) } ", a quire blog. Nothing is published yet: "
                "a post is a Markdown file in the content folder, which is"
            }
            pre { code { (dir) } }
            p { "Save a file such as " code { "hello.md" } " there, for example:" }
            pre.example { code { (EXAMPLE_POST) } }
            p {
                "quire picks it up within a second and publishes it here, in the feed and to "
                "everyone who follows " span.handle { (site.author_handle()) } " or "
                span.handle { (site.blog_handle()) } " on the fediverse. "
                "Only " code { "title" } " is required; a post with " code { "draft: true" }
                " stays unpublished. Images next to a post can be linked by relative path."
            }
            p {
                "Starting from scratch? " code { "quire init" } " writes a commented "
                code { "blog.toml" } " (title, author, handles) and an example post. "
                "Every setting and front matter key is described in the README that comes "
                "with quire."
            }
        }
    };
    layout(
        site,
        "Welcome",
        html! { meta name="robots" content="noindex"; },
        body,
    )
}

/// A tag's page (`/tags/{slug}`): the posts carrying it, newest first, paginated.
pub fn tag(site: &Site, tag: &Tag, posts: &[Post], page: usize, total_pages: usize) -> Markup {
    let path = format!("/tags/{}", tag.slug);
    let head = html! {
        link rel="canonical" href=(super::page_url(site, &path, page));
        meta property="og:type" content="website";
        meta property="og:title" content={ "#" (tag.name) };
        meta property="og:site_name" content=(site.config.title);
        (pagination_head(&path, page, total_pages))
    };
    let count = posts.len();
    let body = html! {
        h1.list-title { "Posts tagged " span.tag-name { "#" (tag.name) } }
        @if count == 0 {
            p.notice { "No posts here. " a href="/" { "Back to the newest posts." } }
        }
        (post_list(posts))
        (pagination(&path, page, total_pages))
    };
    let title = if page > 1 {
        format!("#{} (page {page})", tag.name)
    } else {
        format!("#{}", tag.name)
    };
    layout(site, &title, head, body)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{config, post};
    use super::*;
    use crate::urls::Urls;

    fn with_site<T>(f: impl FnOnce(&Site) -> T) -> T {
        let config = config();
        let urls = Urls::new(&config);
        f(&Site {
            config: &config,
            urls: &urls,
        })
    }

    #[test]
    fn index_lists_posts_with_excerpt_tags_and_pages() {
        let posts = vec![post("one", "First <b>post</b>"), post("two", "Second")];
        let page = with_site(|s| index(s, &posts, 2, 3).into_string());
        assert!(
            page.contains(
                "<a class=\"u-url\" href=\"/posts/one\">First &lt;b&gt;post&lt;/b&gt;</a>"
            ),
            "{page}"
        );
        assert!(page.contains("<p>Hello world.</p>"));
        assert!(page.contains(">3 March 2024</time>"));
        assert!(page.contains("href=\"/tags/rust\""));
        assert!(page.contains("<link rel=\"prev\" href=\"/\">"));
        assert!(page.contains("<link rel=\"next\" href=\"/?page=3\">"));
        assert!(page.contains("Page 2 of 3"));
        assert!(page.contains("<title>Page 2 · Notes &amp; &lt;Things&gt;</title>"));
        assert!(page.contains("href=\"https://blog.example:8443/?page=2\""));
    }

    #[test]
    fn content_warning_hides_the_excerpt_in_lists() {
        let mut p = post("cw", "Heavy");
        p.cw = Some("spiders".into());
        let page = with_site(|s| index(s, &[p], 1, 1).into_string());
        assert!(
            page.contains("<details class=\"cw\"><summary>Content warning: spiders</summary>"),
            "{page}"
        );
    }

    #[test]
    fn a_blog_without_posts_explains_how_to_add_one() {
        let page = with_site(|s| index(s, &[], 1, 0).into_string());
        assert!(page.contains("No posts yet"), "{page}");
        assert!(page.contains("/srv/blog/content"));
        assert!(page.contains("title: &quot;Hello, fediverse&quot;"));
        assert!(page.contains("within a second"));
        assert!(page.contains("quire init"));
        assert!(page.contains("README"));
    }

    #[test]
    fn a_page_past_the_end_says_so_rather_than_welcoming() {
        let page = with_site(|s| index(s, &[], 4, 3).into_string());
        assert!(!page.contains("No posts yet"));
        assert!(page.contains("There are no posts on this page"));
    }

    #[test]
    fn tag_page_names_the_tag_and_paginates_under_its_path() {
        let t = Tag {
            slug: "rust".into(),
            name: "Rust <3".into(),
        };
        let posts = vec![post("one", "First")];
        let page = with_site(|s| tag(s, &t, &posts, 1, 2).into_string());
        assert!(page.contains("#Rust &lt;3"), "{page}");
        assert!(page.contains("<link rel=\"next\" href=\"/tags/rust?page=2\">"));
        assert!(page.contains("href=\"/posts/one\""));
    }
}
