//! The Atom feed (`/feed.xml`, RFC 4287) of the newest posts, for feed readers.
//!
//! Written by hand with one small XML escaper rather than a templating or XML crate: the
//! document has a fixed shape and every value goes through [`escape`].

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset, SecondsFormat};

use super::pages::Site;
use crate::store::posts::Post;

/// `updated` of a feed with no entries: any fixed valid timestamp keeps the document valid.
const EMPTY_FEED_UPDATED: &str = "1970-01-01T00:00:00Z";

/// Escapes text for XML content and attribute values (quotes included), and drops the
/// characters XML 1.0 does not allow at all (control characters other than tab, newline and
/// carriage return), which would make the whole feed unreadable.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Parses an RFC 3339 timestamp from the store.
fn parse(ts: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(ts).ok()
}

/// A timestamp as Atom wants it (RFC 3339); unparsable input is passed through as written.
fn atom_date(ts: &str) -> String {
    parse(ts)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_else(|| ts.to_string())
}

/// When a post last changed: `updated`, else `published`.
fn last_change(post: &Post) -> &str {
    post.updated.as_deref().unwrap_or(&post.published)
}

/// The Atom feed of `posts` (newest first, as the caller chose them): feed metadata from
/// `blog.toml`, one `entry` per post with its excerpt and full HTML.
///
/// A post with a content warning carries the warning as its summary and above its content,
/// as on the web page: feed readers have no folding to hide the body behind.
pub fn atom(site: &Site, posts: &[Post]) -> String {
    let config = site.config;
    let urls = site.urls;
    let home = config.base_url.as_str();
    let updated = posts
        .iter()
        .map(last_change)
        .filter_map(|ts| parse(ts).map(|t| (t, ts)))
        .max_by_key(|(t, _)| *t)
        .map(|(_, ts)| atom_date(ts))
        .unwrap_or_else(|| EMPTY_FEED_UPDATED.to_string());

    let mut xml =
        String::with_capacity(1024 + posts.iter().map(|p| p.html.len() * 5 / 4).sum::<usize>());
    // `write!` into a String cannot fail; the results are ignored for that reason.
    let _ = write!(
        xml,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n\
         <id>{id}</id>\n<title>{title}</title>\n",
        lang = escape(&config.language),
        id = escape(home),
        title = escape(&config.title),
    );
    if !config.description.is_empty() {
        let _ = writeln!(xml, "<subtitle>{}</subtitle>", escape(&config.description));
    }
    let _ = write!(
        xml,
        "<updated>{updated}</updated>\n\
         <link rel=\"self\" type=\"application/atom+xml\" href=\"{feed}\"/>\n\
         <link rel=\"alternate\" type=\"text/html\" href=\"{home}\"/>\n\
         <author><name>{author}</name><uri>{author_uri}</uri></author>\n\
         <generator>quire</generator>\n",
        updated = escape(&updated),
        feed = escape(&urls.feed()),
        home = escape(home),
        author = escape(&config.author_name),
        author_uri = escape(&urls.actor(&config.author_username)),
    );
    for post in posts {
        let url = urls.post(&post.slug);
        let (summary, content) = match &post.cw {
            Some(cw) => {
                let warning = format!("<p><strong>Content warning:</strong> {}</p>", escape(cw));
                let content = format!("{warning}\n{}", post.html);
                (warning, content)
            }
            None => (post.summary_html.clone(), post.html.clone()),
        };
        let _ = write!(
            xml,
            "<entry>\n<id>{url}</id>\n<title>{title}</title>\n\
             <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n\
             <published>{published}</published>\n<updated>{updated}</updated>\n",
            url = escape(&url),
            title = escape(&post.title),
            published = escape(&atom_date(&post.published)),
            updated = escape(&atom_date(last_change(post))),
        );
        for t in &post.tags {
            let _ = writeln!(
                xml,
                "<category term=\"{}\" label=\"{}\" scheme=\"{}\"/>",
                escape(&t.slug),
                escape(&t.name),
                escape(&urls.tag("")),
            );
        }
        let _ = write!(
            xml,
            "<summary type=\"html\">{}</summary>\n<content type=\"html\">{}</content>\n</entry>\n",
            escape(&summary),
            escape(&content),
        );
    }
    xml.push_str("</feed>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::urls::Urls;
    use crate::web::pages::tests::{config, post};

    /// A small well-formedness check: tags balance, attribute values are quoted, and `<` and
    /// `&` appear in text and attributes only as markup or as one of the five entities or a
    /// character reference. Enough to catch any escaping mistake in [`atom`].
    fn assert_well_formed(xml: &str) {
        let body = xml
            .strip_prefix("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")
            .expect("XML declaration first");
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = body;
        let check_text = |text: &str| {
            let mut t = text;
            while let Some(i) = t.find('&') {
                t = &t[i + 1..];
                let end = t.find(';').expect("unterminated entity");
                let name = &t[..end];
                let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                    || (name.starts_with('#')
                        && name[1..].chars().all(|c| c.is_ascii_hexdigit() || c == 'x'));
                assert!(ok, "bad entity &{name};");
            }
        };
        while !rest.is_empty() {
            let lt = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..lt];
            assert!(!text.contains('>'), "raw > in text: {text}");
            check_text(text);
            if lt == rest.len() {
                break;
            }
            rest = &rest[lt + 1..];
            let gt = rest.find('>').expect("unterminated tag");
            let tag = &rest[..gt];
            rest = &rest[gt + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop(), Some(name), "mismatched </{name}>");
                continue;
            }
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric() || c == ':'),
                "bad tag name {name:?}"
            );
            while !attrs.trim().is_empty() {
                let (key, value) = attrs
                    .trim_start()
                    .split_once("=\"")
                    .expect("quoted attribute");
                assert!(
                    key.chars().all(|c| c.is_ascii_alphanumeric() || c == ':'),
                    "bad attribute {key:?}"
                );
                let end = value.find('"').expect("closing quote");
                assert!(!value[..end].contains('<'), "< in attribute");
                check_text(&value[..end]);
                attrs = &value[end + 1..];
            }
            if !self_closing {
                stack.push(name);
            }
        }
        assert!(stack.is_empty(), "unclosed: {stack:?}");
    }

    fn render(posts: &[Post]) -> String {
        let config = config();
        let urls = Urls::new(&config);
        atom(
            &Site {
                config: &config,
                urls: &urls,
            },
            posts,
        )
    }

    #[test]
    fn escaper_covers_markup_quotes_and_forbidden_characters() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;"
        );
    }

    #[test]
    fn feed_with_tricky_titles_is_well_formed_and_complete() {
        let mut a = post("one", "<script>alert('x')</script> & \"quotes\"");
        a.updated = Some("2024-04-01T12:00:00Z".into());
        a.tags[0].name = "R&D <\"x\">".into();
        let mut b = post("two", "Second");
        b.published = "2024-03-10T08:00:00+01:00".into();
        b.cw = Some("spoilers & <more>".into());
        let xml = render(&[a, b]);
        assert_well_formed(&xml);
        assert!(!xml.contains("<script>"));
        assert!(xml.contains("<title>&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;quotes&quot;</title>"));
        for required in [
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en-GB\">",
            "<id>https://blog.example:8443/</id>",
            "<title>Notes &amp; &lt;Things&gt;</title>",
            "<updated>2024-04-01T12:00:00Z</updated>",
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://blog.example:8443/feed.xml\"/>",
            "<link rel=\"alternate\" type=\"text/html\" href=\"https://blog.example:8443/\"/>",
            "<author><name>Alice Example</name>",
            "<id>https://blog.example:8443/posts/one</id>",
            "<link rel=\"alternate\" type=\"text/html\" href=\"https://blog.example:8443/posts/two\"/>",
            "<published>2024-03-03T10:00:00+01:00</published>",
            "<updated>2024-03-10T08:00:00+01:00</updated>",
            "<summary type=\"html\">&lt;p&gt;Hello world.&lt;/p&gt;</summary>",
            "<content type=\"html\">&lt;p&gt;Hello &lt;em&gt;world&lt;/em&gt;.&lt;/p&gt;",
            "<category term=\"rust\" label=\"R&amp;D &lt;&quot;x&quot;&gt;\"",
            "<summary type=\"html\">&lt;p&gt;&lt;strong&gt;Content warning:&lt;/strong&gt; spoilers &amp;amp; &amp;lt;more&amp;gt;&lt;/p&gt;</summary>",
        ] {
            assert!(xml.contains(required), "missing {required}\n{xml}");
        }
        assert_eq!(xml.matches("<entry>").count(), 2);
        assert_eq!(xml.matches("<updated>").count(), 3, "feed + one per entry");
    }

    #[test]
    fn empty_feed_is_still_valid() {
        let xml = render(&[]);
        assert_well_formed(&xml);
        assert!(xml.contains("<updated>1970-01-01T00:00:00Z</updated>"));
        assert!(!xml.contains("<entry>"));
    }

    #[test]
    fn the_checker_catches_bad_escaping() {
        for bad in [
            "<feed><title>a & b</title></feed>",
            "<feed><title>a</feed>",
            "<feed x=\"<\"/>",
        ] {
            let doc = format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{bad}");
            assert!(
                std::panic::catch_unwind(|| assert_well_formed(&doc)).is_err(),
                "{bad}"
            );
        }
    }
}
