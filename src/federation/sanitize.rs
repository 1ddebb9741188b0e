//! Remote HTML made safe to show, and remote text made safe to print.
//!
//! This module owns every transformation of HTML that other servers send us (reply
//! `content`, actor `summary`, …) before it reaches a page: [`sanitize_html`] keeps what
//! Mastodon's sanitiser keeps (`lib/sanitize_ext/sanitize_config.rb`, summarised in
//! `seeds/004_*.txt`) and nothing else; [`plain_text`] flattens HTML for previews and logs;
//! [`escape`] makes plain text safe inside HTML.
//!
//! The policy, in short:
//!
//! - Elements kept: `p br a span em strong b i u del s pre code blockquote ul ol li`.
//!   Headings `h1`–`h6` become `<p><strong>…</strong></p>`, as Mastodon does, so a reply
//!   cannot shout over the article it answers. Everything else is unwrapped (its text kept)
//!   except elements whose content is not text for people (`script`, `style`, `iframe`,
//!   `svg`, `math`, `template`, …), which go with their content.
//! - Attributes kept: `href` on `a`; `class` on `a` and `span`, only the microformats
//!   (`h-*`, `p-*`, `u-*`, `dt-*`, `e-*`) and semantic (`mention`, `hashtag`, `ellipsis`,
//!   `invisible`) classes; `start`/`reversed` on `ol`, `value` on `li` (integers only).
//!   No `style`, no `on*`, no `id`, no `src`.
//! - Links: absolute URLs with the schemes Mastodon allows (http, https, dat, dweb, ipfs,
//!   ipns, ssb, gopher, xmpp, magnet, gemini, mailto); anything else (`javascript:`,
//!   `data:`, relative URLs, which mean nothing on our site) loses its `href` and stays as
//!   text. Every `a` gets `rel="nofollow noopener noreferrer ugc"` and `target="_blank"`.
//! - No images: custom emoji are drawn by us from the object's `tag`, never from remote
//!   markup.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

/// The elements [`sanitize_html`] keeps (headings are kept here and renamed afterwards).
const TAGS: &[&str] = &[
    "p",
    "br",
    "a",
    "span",
    "em",
    "strong",
    "b",
    "i",
    "u",
    "del",
    "s",
    "pre",
    "code",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
];

/// Elements removed together with everything inside them.
const DROP_WITH_CONTENT: &[&str] = &[
    "script",
    "style",
    "template",
    "iframe",
    "frame",
    "frameset",
    "noframes",
    "noscript",
    "noembed",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "textarea",
    "select",
    "title",
    "xmp",
    "plaintext",
    "head",
];

/// Link schemes Mastodon keeps (plus mailto).
const SCHEMES: &[&str] = &[
    "http", "https", "dat", "dweb", "ipfs", "ipns", "ssb", "gopher", "xmpp", "magnet", "gemini",
    "mailto",
];

/// Class prefixes (microformats) kept on `a` and `span`.
const CLASS_PREFIXES: &[&str] = &["h-", "p-", "u-", "dt-", "e-"];

/// Whole classes kept on `a` and `span`.
const CLASSES: &[&str] = &["mention", "hashtag", "ellipsis", "invisible"];

/// The `rel` every link gets: no SEO credit for remote links, no `window.opener`, no
/// Referer, and marked as user-generated content.
pub const LINK_REL: &str = "nofollow noopener noreferrer ugc";

/// The ammonia cleaner for [`sanitize_html`], built once.
static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROP_WITH_CONTENT.iter().copied().collect())
        .add_tag_attributes("a", &["href", "class"])
        .add_tag_attributes("span", &["class"])
        .add_tag_attributes("ol", &["start", "reversed"])
        .add_tag_attributes("li", &["value"])
        .url_schemes(SCHEMES.iter().copied().collect())
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some(LINK_REL))
        .set_tag_attribute_value("a", "target", "_blank")
        .strip_comments(true)
        .attribute_filter(filter_attribute);
    b
});

/// The ammonia cleaner for [`plain_text`]: keeps only block-level tags (without
/// attributes) so their boundaries can become spaces.
static FLATTENER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.tags(
        [
            "p",
            "br",
            "div",
            "li",
            "ul",
            "ol",
            "blockquote",
            "pre",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "td",
            "th",
            "dd",
            "dt",
            "hr",
            "table",
            "section",
            "article",
        ]
        .into_iter()
        .collect::<HashSet<_>>(),
    )
    .clean_content_tags(DROP_WITH_CONTENT.iter().copied().collect())
    .link_rel(None)
    .strip_comments(true);
    b
});

/// Decides the fate of each attribute that passed ammonia's allow-list (and of the `rel`
/// and `target` ammonia adds). Returning `None` drops the attribute.
fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    match (element, attribute) {
        (_, "class") => {
            let kept: Vec<&str> = value
                .split_ascii_whitespace()
                .filter(|c| allowed_class(c))
                .collect();
            (!kept.is_empty()).then(|| Cow::Owned(kept.join(" ")))
        }
        // The scheme has been checked; keep the URL but never a raw angle bracket or
        // quote in it (serialised HTML then holds `<` only in tags, see heading pass).
        ("a", "href") => Some(if value.contains(['<', '>', '"']) {
            Cow::Owned(
                value
                    .replace('<', "%3C")
                    .replace('>', "%3E")
                    .replace('"', "%22"),
            )
        } else {
            Cow::Borrowed(value)
        }),
        ("ol", "start") | ("li", "value") => {
            let v = value.trim();
            v.parse::<i32>().ok().map(|n| Cow::Owned(n.to_string()))
        }
        ("ol", "reversed") => Some(Cow::Borrowed("")),
        ("a", "rel") | ("a", "target") => Some(Cow::Borrowed(value)),
        _ => None,
    }
}

/// Whether a class is one Mastodon keeps: a microformats class or a semantic one.
fn allowed_class(class: &str) -> bool {
    let plain = class
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    plain
        && (CLASSES.contains(&class)
            || CLASS_PREFIXES
                .iter()
                .any(|p| class.len() > p.len() && class.starts_with(p)))
}

/// Makes remote HTML safe to include in our pages, keeping what Mastodon keeps (see the
/// module docs for the exact policy). The output is well-formed HTML.
pub fn sanitize_html(html: &str) -> String {
    let clean = CLEANER.clean(html).to_string();
    headings_to_paragraphs(&clean)
}

/// Renames headings in sanitised output to `<p><strong>`, as Mastodon does. Safe as a
/// string pass because the input comes from ammonia: headings carry no attributes, and
/// text never holds a raw `<` (it is escaped as `&lt;`), nor do kept attribute values.
fn headings_to_paragraphs(html: &str) -> String {
    if !html.contains("<h") {
        return html.to_owned();
    }
    let mut out = html.to_owned();
    for n in 1..=6 {
        out = out
            .replace(&format!("<h{n}>"), "<p><strong>")
            .replace(&format!("</h{n}>"), "</strong></p>");
    }
    out
}

/// Flattens HTML to plain text for previews, notifications and logs: drops all markup
/// (and the content of scripts, styles and the like), turns block boundaries into spaces,
/// decodes entities, collapses whitespace, and cuts to at most `max_chars` characters
/// (the last being `…` when something was cut). The result is *not* HTML-escaped:
/// pass it through [`escape`] before putting it in a page.
pub fn plain_text(html: &str, max_chars: usize) -> String {
    let flat = FLATTENER.clean(html).to_string();
    let mut text = String::with_capacity(flat.len());
    let mut rest = flat.as_str();
    // The flattener's output has `<` only at tags and `&` only at entities.
    while let Some(i) = rest.find(['<', '&']) {
        text.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            text.push(' ');
            rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
        } else {
            let (decoded, len) = decode_entity(rest);
            text.push_str(decoded);
            rest = &rest[len..];
        }
    }
    text.push_str(rest);
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(&collapsed, max_chars)
}

/// Decodes the entity at the start of `s` (html5ever's serialiser only emits these five);
/// returns the text and how many bytes it took. An unknown `&` stays as itself.
fn decode_entity(s: &str) -> (&'static str, usize) {
    for (entity, text) in [
        ("&amp;", "&"),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&nbsp;", " "),
    ] {
        if s.starts_with(entity) {
            return (text, entity.len());
        }
    }
    ("&", 1)
}

/// Cuts `s` to at most `max_chars` characters, ending in `…` when it was longer.
fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_owned();
    }
    if max_chars == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max_chars - 1).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// Escapes plain text for HTML text and (double- or single-quoted) attribute values.
pub use crate::content::render::escape_html as escape;

#[cfg(test)]
mod tests;
