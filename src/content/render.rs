//! Markdown to HTML: the article body, its image references and its summary excerpt.
//!
//! Owns the one fixed Markdown dialect quire renders (GitHub-flavoured: tables, footnotes,
//! strikethrough, autolinks, task lists, heading ids; raw HTML passes through, because the
//! author's own HTML is trusted), the rewriting of relative image paths to `/media/...`, and
//! the summary rule of DESIGN.md §2 "Articles". Pure: it reads no file (it does not check that
//! an image exists), and it does not sanitise: incoming remote HTML is someone else's job.

use std::path::{Component, Path};

use comrak::nodes::{AstNode, NodeValue};
use comrak::{format_html, parse_document, Arena, Options};

/// About how many characters the summary excerpt is cut to (at a word boundary).
pub const SUMMARY_CHARS: usize = 500;

/// Words read per minute, for [`Rendered::reading_minutes`].
const WORDS_PER_MINUTE: usize = 200;

/// A post body rendered: everything the pages, the feed and federation need from it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// The article's HTML, relative images rewritten to `/media/...`.
    pub html: String,
    /// The excerpt as short HTML in one `<p>`: the front-matter summary rendered as inline
    /// Markdown, else the first paragraph as plain text cut near [`SUMMARY_CHARS`] at a word.
    /// Federated as the Article's `summary` (Mastodon shows it instead of the content).
    pub summary_html: String,
    /// The same excerpt as plain text, for OpenGraph `description` and the Atom summary.
    pub summary_text: String,
    /// Content-root-relative paths of the images the post references (in order, without
    /// duplicates): the files `/media/` serves and federation attaches.
    pub media: Vec<String>,
    /// The first image's URL as written into the HTML (`/media/...` or an absolute URL), a
    /// fallback cover for link previews when the front matter names no `image`.
    pub first_image: Option<String>,
    /// Words in the body (code included; each CJK character counts as a word).
    pub word_count: usize,
}

impl Rendered {
    /// Reading time in whole minutes at 200 words a minute, at least 1 for any text.
    pub fn reading_minutes(&self) -> usize {
        self.word_count.div_ceil(WORDS_PER_MINUTE)
    }
}

/// What a post's image reference points at, once resolved against the post's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageRef {
    /// An absolute URL (`https://...`, `data:...`), a site path (`/img/a.png`), a fragment or
    /// empty: left as written.
    Untouched,
    /// A file in the content folder, as a content-root-relative path with `/` separators
    /// (percent-decoded, `./` and `../` resolved): served as `/media/{path}`.
    Media(String),
    /// A relative path that climbs out of the content folder with `../`: never served.
    OutsideRoot,
}

/// Resolves an image URL written in a post whose folder is `post_rel_dir` (relative to the
/// content root). Used for body images and, by the caller, for the front-matter `image`.
pub fn resolve_image(url: &str, post_rel_dir: &Path) -> ImageRef {
    let url = url.trim();
    if url.is_empty() || url.starts_with('/') || url.starts_with('#') || has_scheme(url) {
        return ImageRef::Untouched;
    }
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let path = percent_decode(path);
    let mut parts: Vec<String> = Vec::new();
    for c in post_rel_dir.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::ParentDir => {
                if parts.pop().is_none() {
                    return ImageRef::OutsideRoot;
                }
            }
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return ImageRef::OutsideRoot;
                }
            }
            s => parts.push(s.to_string()),
        }
    }
    if parts.is_empty() || path.ends_with('/') {
        return ImageRef::Untouched;
    }
    ImageRef::Media(parts.join("/"))
}

/// Renders a post body.
///
/// `post_rel_dir` is the folder of the post relative to the content root (`""` for a post at
/// the root): relative image paths are resolved against it and rewritten to
/// `/media/{content-root-relative path}`; one that would climb out of the content folder is
/// replaced by its alt text. `summary_override` is the front matter's `summary` or
/// `description`, if any. The summary is non-empty whenever the body has any text.
pub fn render(markdown: &str, post_rel_dir: &Path, summary_override: Option<&str>) -> Rendered {
    let options = options();
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &options);

    let mut media = Vec::new();
    let first_image = rewrite_images(root, post_rel_dir, &mut media);

    let (summary_html, summary_text) = match summary_override.map(str::trim) {
        Some(s) if !s.is_empty() => render_inline(s, post_rel_dir, &options),
        _ => {
            let text = cut_at_word(&excerpt_text(root), SUMMARY_CHARS);
            (paragraph_of(&text), text)
        }
    };

    Rendered {
        html: to_html(root, &options),
        summary_html,
        summary_text,
        media,
        first_image,
        word_count: count_words(root),
    }
}

/// The one Markdown dialect quire renders (see the module doc).
fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.footnotes = true;
    o.extension.strikethrough = true;
    o.extension.autolink = true;
    o.extension.tasklist = true;
    o.extension.header_ids = Some(String::new());
    o.render.unsafe_ = true;
    o
}

fn to_html<'a>(node: &'a AstNode<'a>, options: &Options) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = format_html(node, options, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Rewrites every image under `root`; returns the first image's final URL.
fn rewrite_images<'a>(
    root: &'a AstNode<'a>,
    post_rel_dir: &Path,
    media: &mut Vec<String>,
) -> Option<String> {
    let images: Vec<&AstNode> = root
        .descendants()
        .filter(|n| matches!(n.data.borrow().value, NodeValue::Image(_)))
        .collect();
    let mut first = None;
    for node in images {
        let url = match &node.data.borrow().value {
            NodeValue::Image(link) => link.url.clone(),
            _ => continue,
        };
        match resolve_image(&url, post_rel_dir) {
            ImageRef::Untouched => {
                if first.is_none() && !url.trim().is_empty() {
                    first = Some(url);
                }
            }
            ImageRef::Media(path) => {
                let new_url = format!("/media/{path}");
                if let NodeValue::Image(link) = &mut node.data.borrow_mut().value {
                    link.url.clone_from(&new_url);
                }
                first.get_or_insert(new_url);
                if !media.contains(&path) {
                    media.push(path);
                }
            }
            ImageRef::OutsideRoot => {
                // Keep the alt text, drop the image.
                while let Some(child) = node.first_child() {
                    child.detach();
                    node.insert_before(child);
                }
                node.detach();
            }
        }
    }
    first
}

/// Renders a front-matter summary as inline Markdown in exactly one `<p>`; returns the HTML
/// and its plain text.
fn render_inline(summary: &str, post_rel_dir: &Path, options: &Options) -> (String, String) {
    // One line, so it parses as one block; take that block's inlines as the paragraph.
    let one_line = summary.split_whitespace().collect::<Vec<_>>().join(" ");
    let arena = Arena::new();
    let root = parse_document(&arena, &one_line, options);
    rewrite_images(root, post_rel_dir, &mut Vec::new());
    let block = root.descendants().find(|n| {
        matches!(
            n.data.borrow().value,
            NodeValue::Paragraph | NodeValue::Heading(_)
        )
    });
    let Some(block) = block else {
        // Nothing inline (a code block, a thematic break): show it as text.
        let text = block_text(root);
        let text = if text.is_empty() { one_line } else { text };
        return (paragraph_of(&text), text);
    };
    block.detach();
    block.data.borrow_mut().value = NodeValue::Paragraph;
    let html = to_html(block, options).trim_end().to_string();
    let text = inline_text(block);
    (html, text)
}

/// The text the excerpt is taken from: the first paragraph directly in the body with text,
/// else the first paragraph anywhere (in a quote, a list), else the first block with text.
fn excerpt_text<'a>(root: &'a AstNode<'a>) -> String {
    let is_paragraph = |n: &'a AstNode<'a>| matches!(n.data.borrow().value, NodeValue::Paragraph);
    root.children()
        .filter(|n| is_paragraph(n))
        .map(inline_text)
        .find(|t| !t.is_empty())
        .or_else(|| {
            content_blocks(root)
                .into_iter()
                .filter(|n| is_paragraph(n))
                .map(inline_text)
                .find(|t| !t.is_empty())
        })
        .or_else(|| {
            root.children()
                .filter(|n| !is_footnote(n))
                .map(block_text)
                .find(|t| !t.is_empty())
        })
        .unwrap_or_default()
}

fn is_footnote<'a>(n: &'a AstNode<'a>) -> bool {
    matches!(n.data.borrow().value, NodeValue::FootnoteDefinition(_))
}

/// Every node in document order, footnote definitions left out.
fn content_blocks<'a>(root: &'a AstNode<'a>) -> Vec<&'a AstNode<'a>> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if is_footnote(n) {
            continue;
        }
        out.push(n);
        let children: Vec<_> = n.children().collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

/// The plain text of inline content: text and code spans, breaks as spaces; images,
/// footnote references and raw HTML left out. Whitespace is collapsed.
fn inline_text<'a>(node: &'a AstNode<'a>) -> String {
    let mut raw = String::new();
    collect_text(node, false, &mut raw);
    collapse_whitespace(&raw)
}

/// The plain text of any block, code blocks and raw HTML blocks (tags stripped) included.
fn block_text<'a>(node: &'a AstNode<'a>) -> String {
    let mut raw = String::new();
    collect_text(node, true, &mut raw);
    collapse_whitespace(&raw)
}

fn collect_text<'a>(node: &'a AstNode<'a>, blocks: bool, out: &mut String) {
    match &node.data.borrow().value {
        NodeValue::Text(t) => out.push_str(t),
        NodeValue::Code(c) => out.push_str(&c.literal),
        NodeValue::SoftBreak | NodeValue::LineBreak => out.push(' '),
        NodeValue::Image(_)
        | NodeValue::FootnoteReference(_)
        | NodeValue::FootnoteDefinition(_)
        | NodeValue::HtmlInline(_) => return,
        NodeValue::CodeBlock(c) => {
            if blocks {
                out.push_str(&c.literal);
                out.push(' ');
            }
            return;
        }
        NodeValue::HtmlBlock(h) => {
            if blocks {
                out.push_str(&strip_tags(&h.literal));
                out.push(' ');
            }
            return;
        }
        _ => {}
    }
    for child in node.children() {
        collect_text(child, blocks, out);
    }
    if node.data.borrow().value.block() {
        out.push(' ');
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cuts `text` to at most about `max` characters, at a word boundary, adding `…` when cut.
/// Text without spaces near the limit (CJK) is cut at `max` characters.
fn cut_at_word(text: &str, max: usize) -> String {
    let Some((end, _)) = text.char_indices().nth(max) else {
        return text.to_string();
    };
    let cut = if text[end..].starts_with(char::is_whitespace) {
        end
    } else {
        match text[..end].rfind(char::is_whitespace) {
            Some(i) if text[..i].chars().count() >= max / 2 => i,
            _ => end,
        }
    };
    let kept = text[..cut]
        .trim_end()
        .trim_end_matches([',', ';', ':', '-', '–', '—', '(', '['])
        .trim_end();
    format!("{kept}…")
}

fn paragraph_of(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!("<p>{}</p>", escape_html(text))
    }
}

/// Escapes text for HTML element content and attribute values (double- or single-quoted).
/// The one HTML escaper of the crate: the sanitiser and the ActivityStreams converter use it.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn count_words<'a>(root: &'a AstNode<'a>) -> usize {
    let mut words = 0;
    for node in root.descendants() {
        match &node.data.borrow().value {
            NodeValue::Text(t) => words += words_in(t),
            NodeValue::Code(c) => words += words_in(&c.literal),
            NodeValue::CodeBlock(c) => words += words_in(&c.literal),
            _ => {}
        }
    }
    words
}

/// Whitespace-separated words; a CJK ideograph or kana counts as a word of its own.
fn words_in(s: &str) -> usize {
    s.split_whitespace()
        .map(|w| {
            let cjk = w
                .chars()
                .filter(
                    |c| matches!(*c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF),
                )
                .count();
            if cjk > 0 {
                cjk
            } else {
                1
            }
        })
        .sum()
}

/// `scheme:` at the start, as in `https:`, `mailto:`, `data:`.
fn has_scheme(url: &str) -> bool {
    let Some((scheme, _)) = url.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Decodes `%XX` escapes (invalid ones are kept as written; invalid UTF-8 is replaced).
fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' {
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            ) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(md: &str) -> Rendered {
        render(md, Path::new("posts/trip"), None)
    }

    #[test]
    fn gfm_extensions_are_all_on() {
        let out = r("# Hello World\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1] ~~gone~~ see https://example.org\n\n- [x] done\n- [ ] todo\n\n[^1]: The note.\n");
        let h = &out.html;
        assert!(h.contains("<table>") && h.contains("<td>1</td>"), "{h}");
        assert!(h.contains("<del>gone</del>"), "{h}");
        assert!(
            h.contains(r#"<a href="https://example.org">https://example.org</a>"#),
            "{h}"
        );
        assert!(
            h.contains(r#"type="checkbox""#) && h.contains("checked"),
            "{h}"
        );
        assert!(h.contains("footnote") && h.contains("The note."), "{h}");
        assert!(h.contains(r#"id="hello-world""#), "{h}");
    }

    #[test]
    fn raw_html_passes_through() {
        let out = r("<div class=\"note\">Hi <b>there</b></div>\n\nA <span style=\"color:red\">red</span> word.\n");
        assert!(
            out.html
                .contains("<div class=\"note\">Hi <b>there</b></div>"),
            "{}",
            out.html
        );
        assert!(
            out.html.contains("<span style=\"color:red\">red</span>"),
            "{}",
            out.html
        );
    }

    #[test]
    fn relative_images_are_rewritten_to_media_and_collected() {
        let out = r("![a](img/a.png) ![b](./b.jpg) ![c](../shared/c.gif) ![d](https://x.org/d.png) ![e](/static/e.png) ![a again](img/a.png) ![sp](my%20photo.png?v=2)\n");
        assert_eq!(
            out.media,
            vec![
                "posts/trip/img/a.png",
                "posts/trip/b.jpg",
                "posts/shared/c.gif",
                "posts/trip/my photo.png"
            ]
        );
        assert!(
            out.html.contains(r#"src="/media/posts/trip/img/a.png""#),
            "{}",
            out.html
        );
        assert!(
            out.html.contains(r#"src="/media/posts/shared/c.gif""#),
            "{}",
            out.html
        );
        assert!(
            out.html.contains(r#"src="https://x.org/d.png""#),
            "{}",
            out.html
        );
        assert!(out.html.contains(r#"src="/static/e.png""#), "{}", out.html);
        assert!(
            out.html
                .contains(r#"src="/media/posts/trip/my%20photo.png""#),
            "{}",
            out.html
        );
        assert_eq!(
            out.first_image.as_deref(),
            Some("/media/posts/trip/img/a.png")
        );
    }

    #[test]
    fn images_escaping_the_content_root_are_dropped_to_their_alt_text() {
        let out = r("Look: ![secret file](../../../etc/passwd) and ![ok](../../root.png)\n");
        assert_eq!(out.media, vec!["root.png"]);
        assert!(!out.html.contains("passwd"), "{}", out.html);
        assert!(out.html.contains("Look: secret file and"), "{}", out.html);
        assert_eq!(
            resolve_image("../x.png", Path::new("")),
            ImageRef::OutsideRoot
        );
        assert_eq!(
            resolve_image("a/../../../x.png", Path::new("p")),
            ImageRef::OutsideRoot
        );
        assert_eq!(
            resolve_image("data:image/png;base64,xx", Path::new("p")),
            ImageRef::Untouched
        );
        assert_eq!(
            resolve_image("//cdn.org/x.png", Path::new("p")),
            ImageRef::Untouched
        );
    }

    #[test]
    fn summary_is_the_first_paragraph_as_escaped_text() {
        let out = r("# Title\n\n![cover](c.png)\n\nFirst *para* with `code` & <b>html</b> and [a link](https://x.org).\n\nSecond.\n");
        assert_eq!(out.summary_text, "First para with code & html and a link.");
        assert_eq!(
            out.summary_html,
            "<p>First para with code &amp; html and a link.</p>"
        );
    }

    #[test]
    fn summary_is_cut_at_a_word_near_500_characters() {
        let para = "lorem ipsum dolor sit amet, ".repeat(40); // 1120 characters
        let out = r(&format!("{para}\n\nNext paragraph.\n"));
        let n = out.summary_text.chars().count();
        assert!(n <= SUMMARY_CHARS + 1 && n > SUMMARY_CHARS - 20, "{n}");
        assert!(out.summary_text.ends_with('…'));
        let before = out.summary_text.trim_end_matches('…');
        assert!(para.starts_with(before));
        let next = para[before.len()..].chars().next().unwrap();
        assert!(next == ' ' || next == ',', "cut inside a word: {before:?}");
        assert!(!before.ends_with(','), "trailing comma kept: {before:?}");
    }

    #[test]
    fn short_first_paragraph_is_not_cut() {
        assert_eq!(r("Just this.\n").summary_text, "Just this.");
    }

    #[test]
    fn summary_falls_back_to_the_first_text_of_any_block() {
        assert_eq!(r("## Only a heading\n").summary_text, "Only a heading");
        assert_eq!(r("> quoted words\n").summary_text, "quoted words");
        assert_eq!(r("```\nlet x = 1;\n```\n").summary_text, "let x = 1;");
        assert_eq!(r("<div>raw <b>only</b></div>\n").summary_text, "raw only");
        assert_eq!(r("").summary_html, "");
    }

    #[test]
    fn summary_override_is_rendered_as_inline_markdown_in_one_paragraph() {
        let out = render(
            "Body para.\n",
            Path::new(""),
            Some("A *short* intro\n\nwith [link](https://x.org) & more."),
        );
        assert_eq!(
            out.summary_html,
            r#"<p>A <em>short</em> intro with <a href="https://x.org">link</a> &amp; more.</p>"#
        );
        assert_eq!(out.summary_text, "A short intro with link & more.");
        let out = render("Body.\n", Path::new(""), Some("# Heading-like"));
        assert_eq!(out.summary_html, "<p>Heading-like</p>");
        let out = render("Body.\n", Path::new(""), Some("- a list item"));
        assert_eq!(out.summary_html, "<p>a list item</p>");
    }

    #[test]
    fn words_are_counted_for_reading_time() {
        let out = r(&"word ".repeat(450));
        assert_eq!(out.word_count, 450);
        assert_eq!(out.reading_minutes(), 3);
        assert_eq!(r("日本語").word_count, 3);
    }

    #[test]
    fn percent_decoding_keeps_invalid_escapes() {
        assert_eq!(percent_decode("a%20b%zz%4"), "a b%zz%4");
    }
}
