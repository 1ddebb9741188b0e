//! The author's page (`/@username` in a browser): who writes here, how to follow them from the
//! fediverse, and their recent posts.

use maud::{html, Markup, PreEscaped};

use super::{absolute_image, layout, post_list, Site};
use crate::store::posts::Post;

/// The author summary from `blog.toml` (Markdown) as HTML. comrak's default options replace raw
/// HTML with a comment and drop dangerous link schemes, so the result is safe to embed.
fn summary_html(markdown: &str) -> String {
    comrak::markdown_to_html(markdown, &comrak::Options::default())
}

/// "1 post", "2 posts".
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// About the author: avatar, name, handle, summary, counts, how to follow (both handles, as
/// text to copy: no JavaScript), and `recent` posts.
pub fn author(site: &Site, post_count: usize, recent: &[Post], follower_count: usize) -> Markup {
    let config = site.config;
    let actor = site.urls.actor(&config.author_username);
    let avatar = config
        .author_avatar
        .as_deref()
        .map(|a| absolute_image(site, a));
    let summary = summary_html(&config.author_summary);
    let head = html! {
        link rel="canonical" href=(actor);
        link rel="alternate" type="application/activity+json" href=(actor);
        meta property="og:type" content="profile";
        meta property="og:title" content=(config.author_name);
        meta property="og:url" content=(actor);
        meta property="og:site_name" content=(config.title);
        meta property="profile:username" content=(config.author_username);
        @if let Some(a) = &avatar {
            meta property="og:image" content=(a);
        }
    };
    let body = html! {
        section.profile.h-card {
            @if let Some(a) = &avatar {
                img.avatar.u-photo src=(a) alt="" width="96" height="96";
            }
            div {
                h1.p-name { (config.author_name) }
                p.handle-line { a.u-url rel="me" href=(actor) { span.handle { (site.author_handle()) } } }
                p.counts {
                    (plural(post_count, "post", "posts")) " · "
                    (plural(follower_count, "follower", "followers"))
                }
            }
        }
        @if !summary.trim().is_empty() {
            div.p-note.summary { (PreEscaped(summary)) }
        }
        section.follow {
            h2 { "Follow from the fediverse" }
            p {
                "Search for one of these handles in Mastodon (or any fediverse app) and follow it. "
                "New posts then arrive in your timeline."
            }
            dl {
                dt { code.copy { (site.author_handle()) } }
                dd { "follows " (config.author_name) ", the author." }
                dt { code.copy { (site.blog_handle()) } }
                dd { "follows " (config.blog_name) ", the blog, which shares every post." }
            }
            p { "Prefer a feed reader? Subscribe to " a href="/feed.xml" { "the Atom feed" } "." }
        }
        @if !recent.is_empty() {
            section.recent {
                h2 { "Recent posts" }
                (post_list(recent))
            }
        }
    };
    layout(site, &config.author_name, head, body)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{config, post};
    use super::*;
    use crate::urls::Urls;

    #[test]
    fn author_page_shows_handles_summary_and_recent_posts() {
        let config = config();
        let urls = Urls::new(&config);
        let site = Site {
            config: &config,
            urls: &urls,
        };
        let page = author(&site, 12, &[post("one", "First")], 1).into_string();
        assert!(
            page.contains("<h1 class=\"p-name\">Alice Example</h1>"),
            "{page}"
        );
        assert!(page.contains("src=\"https://blog.example:8443/media/avatar.png\""));
        assert!(page.contains("<code class=\"copy\">@alice@blog.example:8443</code>"));
        assert!(page.contains("<code class=\"copy\">@notes@blog.example:8443</code>"));
        assert!(page.contains("Writes <em>about</em> things."));
        assert!(
            !page.contains("<script>"),
            "raw HTML in the summary must not pass"
        );
        assert!(page.contains("12 posts · 1 follower"));
        assert!(page.contains("href=\"/posts/one\""));
        assert!(page.contains(
            "<link rel=\"alternate\" type=\"application/activity+json\" href=\"https://blog.example:8443/@alice\">"
        ));
    }
}
