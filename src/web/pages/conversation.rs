//! The conversation under an article: who liked and boosted it, and the comments, threaded.
//!
//! Every comment body was sanitised on receipt (`federation::sanitize`), so it is the only
//! remote text emitted with `PreEscaped`; names, handles, spoilers and URLs are escaped by
//! maud. Custom emoji (`:name:`) become `<img>` elements built here from the stored Emoji
//! tags, with escaped attributes, and only in text (never inside a tag).

use std::collections::HashMap;

use maud::{html, Markup, PreEscaped};

use super::time;
use crate::federation::sanitize::escape;
use crate::store::comments::{Author, Comment};
use crate::store::reactions::Reaction;

/// What the section shows.
pub struct Conversation<'a> {
    /// Visible comments, oldest first.
    pub comments: &'a [Comment],
    /// Likes (and emoji reactions).
    pub likes: &'a [Reaction],
    /// Boosts.
    pub boosts: &'a [Reaction],
}

/// The section's markup; empty when nobody has reacted yet.
pub fn conversation(c: &Conversation) -> Markup {
    if c.comments.is_empty() && c.likes.is_empty() && c.boosts.is_empty() {
        return html! {};
    }
    let mut children: HashMap<Option<i64>, Vec<&Comment>> = HashMap::new();
    let ids: std::collections::HashSet<i64> = c.comments.iter().map(|x| x.id).collect();
    for comment in c.comments {
        // A reply whose parent is not shown (pending, hidden) is shown at the top level.
        let parent = comment.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(comment);
    }
    html! {
        h2 { "Conversation" }
        @if !c.likes.is_empty() {
            div.likes {
                p { (count(c.likes.len(), "like", "likes")) }
                (people(c.likes))
            }
        }
        @if !c.boosts.is_empty() {
            div.boosts {
                p { (count(c.boosts.len(), "boost", "boosts")) }
                (people(c.boosts))
            }
        }
        @if !c.comments.is_empty() {
            h3 { (count(c.comments.len(), "comment", "comments")) }
            (thread(&children, None, 0))
        }
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn people(list: &[Reaction]) -> Markup {
    html! {
        ul.people {
            @for r in list {
                li {
                    (author_link(&r.actor))
                    @if let Some(e) = &r.emoji {
                        " " span.reaction { (e) }
                    }
                }
            }
        }
    }
}

fn author_link(a: &Author) -> Markup {
    let name = a
        .name
        .as_deref()
        .or(a.handle.as_deref())
        .unwrap_or(a.id.as_str());
    html! {
        a.p-author.h-card href=(a.url.as_deref().unwrap_or(&a.id)) rel="nofollow noopener noreferrer ugc" {
            @if let Some(avatar) = &a.avatar {
                img.avatar.u-photo src=(avatar) alt="" width="32" height="32" loading="lazy";
                " "
            }
            span.p-name { (name) }
        }
        @if let Some(h) = &a.handle {
            " " span.handle { (h) }
        }
    }
}

/// Comments are nested at most this deep on the page; deeper replies show at this level.
const MAX_DEPTH: usize = 8;

fn thread(
    children: &HashMap<Option<i64>, Vec<&Comment>>,
    parent: Option<i64>,
    depth: usize,
) -> Markup {
    let Some(list) = children.get(&parent) else {
        return html! {};
    };
    html! {
        ol.comments {
            @for c in list {
                li.comment.h-cite id={ "comment-" (c.id) } {
                    (comment(c))
                    @if depth < MAX_DEPTH {
                        (thread(children, Some(c.id), depth + 1))
                    }
                }
            }
        }
        @if depth >= MAX_DEPTH {
            @for c in list {
                (thread(children, Some(c.id), depth))
            }
        }
    }
}

fn comment(c: &Comment) -> Markup {
    let body = html! {
        div.e-content { (PreEscaped(with_emoji(&c.content_html, &c.emoji))) }
    };
    html! {
        header.meta {
            (author_link(&c.author))
            " · "
            a.u-url href=(c.url.as_deref().unwrap_or(&c.object_id)) rel="nofollow noopener noreferrer ugc" {
                (time(&c.published, "dt-published"))
            }
            @if let Some(u) = &c.updated {
                " · " span.edited title=(u) { "edited" }
            }
        }
        @if let Some(spoiler) = &c.spoiler {
            details.cw {
                summary { (spoiler) }
                (body)
            }
        } @else {
            (body)
        }
    }
}

/// Replaces `:code:` in the text of sanitised HTML with the emoji's image. Text only: the
/// scanner skips tags (quote-aware), so no image lands inside an attribute.
pub fn with_emoji(html: &str, emoji: &[(String, String)]) -> String {
    if emoji.is_empty() || !html.contains(':') {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len());
    let mut text = String::new();
    let mut chars = html.chars().peekable();
    let flush = |text: &mut String, out: &mut String| {
        let mut t = std::mem::take(text);
        for (code, url) in emoji {
            if t.contains(code.as_str()) {
                let img = format!(
                    "<img class=\"emoji\" src=\"{}\" alt=\"{}\" title=\"{}\" width=\"20\" height=\"20\">",
                    escape(url),
                    escape(code),
                    escape(code)
                );
                t = t.replace(code.as_str(), &img);
            }
        }
        out.push_str(&t);
    };
    while let Some(ch) = chars.next() {
        if ch != '<' {
            text.push(ch);
            continue;
        }
        flush(&mut text, &mut out);
        out.push(ch);
        let mut quote: Option<char> = None;
        for t in chars.by_ref() {
            out.push(t);
            match quote {
                Some(q) if t == q => quote = None,
                Some(_) => {}
                None if t == '"' || t == '\'' => quote = Some(t),
                None if t == '>' => break,
                None => {}
            }
        }
    }
    flush(&mut text, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_replace_text_only_with_escaped_attributes() {
        let emoji = vec![(
            ":blob:".to_string(),
            "https://e.example/b.png?a=1&b=\"2\"".to_string(),
        )];
        let html = "<p><a href=\"https://x.example/:blob:\">:blob:</a> hi :blob:</p>";
        let out = with_emoji(html, &emoji);
        assert!(out.starts_with("<p><a href=\"https://x.example/:blob:\"><img class=\"emoji\""));
        assert_eq!(out.matches("<img").count(), 2, "{out}");
        assert!(out.contains("src=\"https://e.example/b.png?a=1&amp;b=&quot;2&quot;\""));
        assert!(!out.contains("\"2\""));
    }

    #[test]
    fn nothing_to_show_is_empty() {
        let c = Conversation {
            comments: &[],
            likes: &[],
            boosts: &[],
        };
        assert!(conversation(&c).0.is_empty());
    }
}
