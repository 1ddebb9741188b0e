//! Tests of the sanitiser: an XSS payload corpus, Mastodon's own markup, corpus documents.

use super::*;
use serde_json::Value;

const PAYLOADS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/xss/payloads.txt"
));
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

/// The payloads, with `\t`, `\n`, `\r`, `\0` expanded (see the file's header).
fn payloads() -> Vec<String> {
    PAYLOADS
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("# "))
        .map(|l| {
            l.replace("\\t", "\t")
                .replace("\\n", "\n")
                .replace("\\r", "\r")
                .replace("\\0", "\0")
        })
        .collect()
}

/// Decodes the character references that can appear in serialised attribute values.
fn decode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|&e| e < 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "nbsp" => Some(' '),
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                _ if name.starts_with("#x") => u32::from_str_radix(&name[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

const ALLOWED_TAGS: &[&str] = &[
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
];
const ALLOWED_ATTRS: &[&str] = &[
    "href", "class", "rel", "target", "start", "reversed", "value",
];

/// Checks sanitised output structurally: every tag (a raw `<` in serialised HTML always
/// opens one, text has `&lt;`) is allowed, every attribute is allowed, no link is
/// scriptable, and none of the dangerous element names or attributes appear anywhere.
fn assert_safe(input: &str, out: &str) {
    let lower = out.to_lowercase();
    for bad in [
        "<script",
        "<iframe",
        "<svg",
        "<math",
        "<style",
        "<img",
        "<object",
        "<embed",
        "<form",
        "<base",
        "<meta",
        "<link",
        "<input",
        "<button",
        "<textarea",
        "<select",
        "<video",
        "<audio",
        "<source",
        "<details",
        "<template",
        "<noscript",
        "<xmp",
        "<frame",
        "<body",
        "<title",
        "<applet",
        "<isindex",
        "<picture",
        "<table",
        "<marquee",
        "<h1",
        "<div",
        "<!--",
        "<![cdata",
    ] {
        assert!(!lower.contains(bad), "{bad} in {out:?} from {input:?}");
    }
    let mut rest = lower.as_str();
    while let Some(start) = rest.find('<') {
        let end = rest[start..]
            .find('>')
            .unwrap_or_else(|| panic!("unclosed tag in {out:?} from {input:?}"));
        let tag = &rest[start + 1..start + end];
        rest = &rest[start + end + 1..];
        let tag = tag.strip_prefix('/').unwrap_or(tag);
        let name = tag.split([' ', '/']).next().unwrap_or("");
        assert!(
            ALLOWED_TAGS.contains(&name),
            "<{name}> in {out:?} from {input:?}"
        );
        // Attributes are serialised as name="value" with `"` escaped inside values.
        let mut attrs = tag[name.len()..].trim();
        while !attrs.is_empty() {
            let eq = attrs.find('=').unwrap_or(attrs.len());
            let attr = attrs[..eq].trim();
            assert!(
                ALLOWED_ATTRS.contains(&attr),
                "attribute {attr:?} in {out:?} from {input:?}"
            );
            assert!(!attr.starts_with("on") && attr != "style");
            let after = &attrs[eq..];
            let value_start = after.find('"').map(|q| q + 1).unwrap_or(after.len());
            let value_len = after[value_start..].find('"').unwrap_or(0);
            let value = decode(&after[value_start..value_start + value_len]);
            if attr == "href" {
                let squeezed: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect();
                for scheme in ["javascript:", "vbscript:", "data:", "livescript:"] {
                    assert!(
                        !squeezed.starts_with(scheme),
                        "href {value:?} from {input:?}"
                    );
                }
            }
            assert!(
                !value.contains('<') && !value.contains('"'),
                "{value:?} from {input:?}"
            );
            attrs = after
                .get(value_start + value_len + 1..)
                .unwrap_or("")
                .trim();
        }
    }
}

#[test]
fn every_xss_payload_comes_out_harmless() {
    let payloads = payloads();
    assert!(payloads.len() >= 60, "only {} payloads", payloads.len());
    for p in &payloads {
        let out = sanitize_html(p);
        assert_safe(p, &out);
        // Sanitising is stable: a second pass changes nothing that matters.
        assert_safe(&out, &sanitize_html(&out));
        // Wrapped in allowed markup, the payload is still defused.
        let wrapped = format!("<p><a href=\"https://ok.example/\">{p}</a></p>");
        assert_safe(&wrapped, &sanitize_html(&wrapped));
    }
}

#[test]
fn the_safety_check_itself_catches_unsafe_markup() {
    for bad in [
        "<img src=x>",
        r#"<a href="javascript:alert(1)">x</a>"#,
        r#"<a href="&#106;avascript:alert(1)">x</a>"#,
        r#"<a href=" data:text/html,x">x</a>"#,
        r#"<p onclick="x">x</p>"#,
        r#"<p style="x">x</p>"#,
        "<div>x</div>",
        "<!-- x -->",
    ] {
        let caught = std::panic::catch_unwind(|| assert_safe("test", bad));
        assert!(caught.is_err(), "{bad} passed the check");
    }
    assert_safe(
        "test",
        r#"<p><a href="https://x.example/" rel="nofollow">x</a></p>"#,
    );
}

#[test]
fn mastodon_mentions_hashtags_and_paragraphs_survive_with_rel_added() {
    let html = concat!(
        r#"<p><span class="h-card" translate="no"><a href="https://b.example/@bob" class="u-url mention">"#,
        r#"@<span>bob</span></a></span> hi<br>see "#,
        r#"<a href="https://b.example/tags/rust" class="mention hashtag" rel="tag">#<span>rust</span></a></p>"#,
    );
    assert_eq!(
        sanitize_html(html),
        concat!(
            r#"<p><span class="h-card"><a href="https://b.example/@bob" class="u-url mention" "#,
            r#"target="_blank" rel="nofollow noopener noreferrer ugc">@<span>bob</span></a></span> hi<br>see "#,
            r#"<a href="https://b.example/tags/rust" class="mention hashtag" target="_blank" "#,
            r#"rel="nofollow noopener noreferrer ugc">#<span>rust</span></a></p>"#,
        )
    );
}

#[test]
fn mastodon_link_display_classes_are_kept_and_others_dropped() {
    let html = r#"<a href="https://x.example/a/very/long"><span class="invisible">https://</span><span class="ellipsis">x.example/a/</span><span class="invisible secret">very/long</span></a><span class="big red">x</span>"#;
    let out = sanitize_html(html);
    assert!(
        out.contains(r#"<span class="invisible">https://</span>"#),
        "{out}"
    );
    assert!(out.contains(r#"<span class="ellipsis">"#), "{out}");
    assert!(
        out.contains(r#"<span class="invisible">very/long</span>"#),
        "{out}"
    );
    assert!(out.ends_with("<span>x</span>"), "{out}");
}

#[test]
fn formatting_and_lists_are_kept() {
    let html = r#"<p><em>a</em> <strong>b</strong> <b>c</b> <i>d</i> <u>e</u> <del>f</del> <s>g</s> <code>h</code></p><pre><code>fn main() {}</code></pre><blockquote><p>q</p></blockquote><ol start="3" reversed><li value="5">x</li></ol><ul><li>y</li></ul>"#;
    assert_eq!(
        sanitize_html(html),
        r#"<p><em>a</em> <strong>b</strong> <b>c</b> <i>d</i> <u>e</u> <del>f</del> <s>g</s> <code>h</code></p><pre><code>fn main() {}</code></pre><blockquote><p>q</p></blockquote><ol start="3" reversed=""><li value="5">x</li></ol><ul><li>y</li></ul>"#
    );
}

#[test]
fn headings_become_bold_paragraphs_like_mastodon() {
    assert_eq!(
        sanitize_html("<h1 id=x>Title</h1><h6>small</h6>"),
        "<p><strong>Title</strong></p><p><strong>small</strong></p>"
    );
}

#[test]
fn links_with_unsupported_schemes_lose_the_href_but_keep_the_text() {
    for href in [
        "javascript:alert(1)",
        "/relative",
        "ftp://x.example/",
        "data:,x",
    ] {
        let out = sanitize_html(&format!(r#"<a href="{href}">text</a>"#));
        assert!(!out.contains("href"), "{href}: {out}");
        assert!(out.contains(">text</a>"), "{href}: {out}");
    }
    for href in [
        "https://x.example/",
        "http://x.example/",
        "gemini://x.example/",
        "mailto:a@x.example",
        "magnet:?xt=urn:btih:abc",
        "ipfs://bafy",
        "xmpp:a@x.example",
    ] {
        let out = sanitize_html(&format!(r#"<a href="{href}">text</a>"#));
        assert!(out.contains(&format!(r#"href="{href}""#)), "{href}: {out}");
    }
}

#[test]
fn images_are_removed_entirely() {
    assert_eq!(
        sanitize_html(r#"<p>hi <img src="https://x.example/e.png" alt=":blob:"></p>"#),
        "<p>hi </p>"
    );
}

#[test]
fn script_content_is_dropped_not_shown_as_text() {
    assert_eq!(
        sanitize_html("<p>a<script>alert(1)</script>b</p>"),
        "<p>ab</p>"
    );
    assert_eq!(sanitize_html("<style>p{}</style>x"), "x");
    assert_eq!(sanitize_html("1 < 2 & 3 > 2"), "1 &lt; 2 &amp; 3 &gt; 2");
}

/// Every string anywhere in a JSON document.
fn strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        Value::Object(m) => m.values().for_each(|i| strings(i, out)),
        _ => {}
    }
}

#[test]
fn corpus_documents_with_scripts_in_their_html_come_out_clean() {
    for rel in [
        "pleroma/activity/akkoma--create-chat-message.json",
        "adversarial/actor/gts--gts-person-script-in-fields.json",
    ] {
        let bytes = std::fs::read(format!("{CORPUS}/{rel}")).unwrap();
        let v = crate::federation::read::parse_json(&bytes).unwrap();
        let mut all = Vec::new();
        strings(&v, &mut all);
        assert!(
            all.iter().any(|s| s.contains("<script")),
            "{rel} has no script"
        );
        for s in all {
            let out = sanitize_html(s);
            assert_safe(s, &out);
            assert!(!plain_text(s, 1000).contains("alert"), "{rel}: {s}");
        }
    }
}

#[test]
fn plain_text_strips_tags_decodes_entities_and_collapses_space() {
    assert_eq!(
        plain_text(
            "<p>Hello &amp; <b>welcome</b></p><p>to   &lt;quire&gt;</p><script>x()</script>",
            100
        ),
        "Hello & welcome to <quire>"
    );
    assert_eq!(plain_text("a<br>b", 100), "a b");
    assert_eq!(plain_text("", 10), "");
    assert_eq!(plain_text("<p>&nbsp;</p>", 10), "");
}

#[test]
fn plain_text_cuts_at_a_char_boundary_with_an_ellipsis() {
    assert_eq!(plain_text("héllo wörld", 7), "héllo…");
    assert_eq!(plain_text("日本語のテキスト", 4), "日本語…");
    assert_eq!(plain_text("short", 5), "short");
    assert_eq!(plain_text("short", 0), "");
    assert!(plain_text(&"👍".repeat(100), 10).chars().count() <= 10);
}

#[test]
fn escape_makes_text_safe_in_text_and_attributes() {
    assert_eq!(
        escape(r#"<a href="x" title='y'>&</a>"#),
        "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
    );
    assert_eq!(escape("plain"), "plain");
}
