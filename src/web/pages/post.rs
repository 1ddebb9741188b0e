//! The article page: the post itself, its link-preview metadata (OpenGraph,
//! `fediverse:creator`, the ActivityPub alternate) and the conversation below it.

use maud::{html, Markup, PreEscaped};

use super::{absolute_image, layout, tag_links, time, Site};
use crate::store::posts::Post;

/// What the article page shows besides the post, built by the caller.
pub struct PostExtras {
    /// Replies, likes and boosts from the fediverse, already rendered from sanitised data.
    /// Shown in `<section class="conversation">` after the article, only when non-empty.
    pub conversation: Markup,
}

impl Default for PostExtras {
    fn default() -> Self {
        PostExtras {
            conversation: html! {},
        }
    }
}

/// The text link previews show: the excerpt, or the content warning instead of it, so no
/// reader sees what the author put behind a warning without asking (as the Article's
/// `summary` does, DESIGN §2).
fn description(post: &Post) -> String {
    match &post.cw {
        Some(cw) => format!("Content warning: {cw}"),
        None => post.summary_text.clone(),
    }
}

/// The `<head>` of an article: what Mastodon's link cards and other previews read.
fn head(site: &Site, post: &Post) -> Markup {
    let url = site.urls.post(&post.slug);
    let description = description(post);
    html! {
        link rel="canonical" href=(url);
        link rel="alternate" type="application/activity+json" href=(url);
        meta name="description" content=(description);
        meta name="fediverse:creator" content=(site.author_handle());
        meta name="author" content=(site.config.author_name);
        meta property="og:type" content="article";
        meta property="og:title" content=(post.title);
        meta property="og:description" content=(description);
        meta property="og:url" content=(url);
        meta property="og:site_name" content=(site.config.title);
        meta property="og:locale" content=(site.config.language.replace('-', "_"));
        @if let Some(image) = &post.image {
            meta property="og:image" content=(absolute_image(site, image));
            meta name="twitter:card" content="summary_large_image";
        }
        meta property="article:published_time" content=(post.published);
        meta property="article:modified_time" content=(post.updated.as_deref().unwrap_or(&post.published));
        @for t in &post.tags {
            meta property="article:tag" content=(t.name);
        }
    }
}

/// The article page (`/posts/{slug}`): title, dates, tags, the body (folded behind its
/// content warning if it has one), how to reply from the fediverse, then the conversation.
pub fn post(site: &Site, post: &Post, extra: &PostExtras) -> Markup {
    let url = site.urls.post(&post.slug);
    let body = html! {
        @if let Some(image) = &post.image {
            img.cover src=(absolute_image(site, image)) alt="";
        }
        div.e-content { (PreEscaped(&post.html)) }
    };
    let page = html! {
        article.post.h-entry {
            header {
                h1.p-name { (post.title) }
                p.meta {
                    a.u-url href=(url) { (time(&post.published, "dt-published")) }
                    @if let Some(u) = &post.updated {
                        " · updated " (time(u, "dt-updated"))
                    }
                    " · by "
                    a.p-author.h-card href={ "/@" (site.config.author_username) } { (site.config.author_name) }
                }
                (tag_links(&post.tags))
            }
            @if let Some(cw) = &post.cw {
                details.cw {
                    summary { "Content warning: " (cw) }
                    (body)
                }
            } @else {
                (body)
            }
        }
        aside.reply-hint {
            h2 { "Reply from the fediverse" }
            p {
                "To reply, like or boost, paste this address into the search box of Mastodon "
                "(or any fediverse app) and open the post there:"
            }
            p { code.copy { (url) } }
        }
        @if !extra.conversation.0.is_empty() {
            section.conversation {
                (extra.conversation)
            }
        }
    };
    layout(site, &post.title, head(site, post), page)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{config, post as fake_post};
    use super::*;
    use crate::urls::Urls;

    fn render(p: &Post, extra: &PostExtras) -> String {
        let config = config();
        let urls = Urls::new(&config);
        let site = Site {
            config: &config,
            urls: &urls,
        };
        post(&site, p, extra).into_string()
    }

    #[test]
    fn head_carries_opengraph_creator_and_alternates() {
        let mut p = fake_post("hello", "Hello");
        p.image = Some("img/cover.png".into());
        p.updated = Some("2024-03-05T09:00:00Z".into());
        let page = render(&p, &PostExtras::default());
        let url = "https://blog.example:8443/posts/hello";
        for expected in [
            "<meta property=\"og:type\" content=\"article\">".to_string(),
            "<meta property=\"og:title\" content=\"Hello\">".into(),
            "<meta property=\"og:description\" content=\"Hello world.\">".into(),
            format!("<meta property=\"og:url\" content=\"{url}\">"),
            "<meta property=\"og:site_name\" content=\"Notes &amp; &lt;Things&gt;\">".into(),
            "<meta property=\"og:image\" content=\"https://blog.example:8443/media/img/cover.png\">"
                .into(),
            "<meta property=\"article:published_time\" content=\"2024-03-03T10:00:00+01:00\">"
                .into(),
            "<meta property=\"article:modified_time\" content=\"2024-03-05T09:00:00Z\">".into(),
            "<meta property=\"article:tag\" content=\"Rust\">".into(),
            "<meta property=\"article:tag\" content=\"web\">".into(),
            "<meta name=\"fediverse:creator\" content=\"@alice@blog.example:8443\">".into(),
            format!("<link rel=\"alternate\" type=\"application/activity+json\" href=\"{url}\">"),
            format!("<link rel=\"canonical\" href=\"{url}\">"),
            "<meta name=\"description\" content=\"Hello world.\">".into(),
        ] {
            assert!(page.contains(&expected), "missing {expected}\n{page}");
        }
    }

    #[test]
    fn body_shows_dates_tags_html_and_reply_hint() {
        let mut p = fake_post("hello", "Hello");
        p.updated = Some("2024-03-05T09:00:00Z".into());
        let page = render(&p, &PostExtras::default());
        assert!(page.contains("<time class=\"dt-published\" datetime=\"2024-03-03T10:00:00+01:00\">3 March 2024</time>"), "{page}");
        assert!(page.contains("datetime=\"2024-03-05T09:00:00Z\">5 March 2024</time>"));
        assert!(page.contains("href=\"/tags/rust\""));
        assert!(page.contains("<p>Hello <em>world</em>.</p>"));
        assert!(page.contains("Reply from the fediverse"));
        assert!(page.contains("<code class=\"copy\">https://blog.example:8443/posts/hello</code>"));
        assert!(!page.contains("og:image"));
        assert!(!page.contains("conversation"));
    }

    #[test]
    fn a_title_with_markup_is_escaped_everywhere() {
        let p = fake_post("x", "<script>alert(\"x\")</script> & co");
        let page = render(&p, &PostExtras::default());
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"));
    }

    #[test]
    fn content_warning_folds_the_body_and_hides_the_excerpt_from_previews() {
        let mut p = fake_post("cw", "Heavy");
        p.cw = Some("spiders".into());
        let page = render(&p, &PostExtras::default());
        assert!(
            page.contains("<details class=\"cw\"><summary>Content warning: spiders</summary>"),
            "{page}"
        );
        assert!(page
            .contains("<meta property=\"og:description\" content=\"Content warning: spiders\">"));
        assert!(!page.contains("content=\"Hello world.\""));
    }

    #[test]
    fn conversation_is_shown_only_when_given() {
        let p = fake_post("hello", "Hello");
        let extra = PostExtras {
            conversation: html! { p { "3 replies" } },
        };
        let page = render(&p, &extra);
        assert!(page.contains("<section class=\"conversation\"><p>3 replies</p></section>"));
    }
}
