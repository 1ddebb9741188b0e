//! What a browser sees: pages, feed, caching.

use crate::support::{client, post, TestInstance};

#[tokio::test]
async fn an_empty_blog_explains_how_to_add_a_post() {
    let t = TestInstance::start().await;
    let r = t.get_html("/").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let body = r.text().await.unwrap();
    assert!(body.contains("content"), "names the content folder");
    assert!(body.contains("title:"), "shows front matter to copy");
}

#[tokio::test]
async fn home_lists_posts_newest_first_with_pagination() {
    let t = TestInstance::start_with(crate::support::Options {
        extra_toml: "[content]\nposts_per_page = 2\n".into(),
        ..Default::default()
    })
    .await;
    for (i, day) in ["01", "02", "03"].iter().enumerate() {
        t.write_post(
            &format!("p{i}.md"),
            &post(
                &format!("Post number {i}"),
                &format!("2024-05-{day}"),
                &[],
                "Body text.",
            ),
        );
    }
    t.app.sync_content().unwrap();
    let page1 = t.get_html("/").await.text().await.unwrap();
    let a = page1.find("Post number 2").expect("newest on page 1");
    let b = page1.find("Post number 1").expect("second on page 1");
    assert!(a < b);
    assert!(!page1.contains("Post number 0"));
    assert!(page1.contains("?page=2"));
    let page2 = t.get_html("/?page=2").await.text().await.unwrap();
    assert!(page2.contains("Post number 0"));
    assert_eq!(t.get_html("/?page=3").await.status(), 404);
    assert_eq!(t.get_html("/?page=abc").await.status(), 400);
}

#[tokio::test]
async fn article_page_carries_opengraph_creator_and_alternate_link() {
    let t = TestInstance::start().await;
    t.write_post(
        "hello.md",
        "---\ntitle: \"Hello <world>\"\ndate: 2024-03-01\ntags: [Rust, fediverse]\nimage: cover.png\n---\n\nFirst paragraph is the excerpt.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ text[^1] and https://example.org\n\n- [x] done\n\n## A heading\n\n<div class=\"raw\">raw html</div>\n\n[^1]: a footnote\n",
    );
    t.app.sync_content().unwrap();
    let r = t.get_html("/posts/hello").await;
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("default-src 'none'") && !csp.contains("script-src"));
    let html = r.text().await.unwrap();
    assert!(html.contains("Hello &lt;world&gt;"), "title escaped");
    assert!(html.contains(r#"<meta name="fediverse:creator" content="@alice@127.0.0.1:"#));
    assert!(html.contains(r#"property="og:title""#));
    assert!(html.contains(r#"property="og:description" content="First paragraph is the excerpt."#));
    assert!(
        html.contains(&format!(r#"content="{}""#, t.url("/media/cover.png"))),
        "og:image absolute"
    );
    assert!(html.contains(r#"type="application/activity+json""#));
    assert!(html.contains("<table>") && html.contains("<del>old</del>"));
    assert!(html.contains("footnote") && html.contains("type=\"checkbox\""));
    assert!(html.contains("id=\"a-heading\""), "heading anchors");
    assert!(
        html.contains(r#"<div class="raw">raw html</div>"#),
        "the author's raw HTML is kept"
    );
    assert!(html.contains(r#"href="https://example.org""#), "autolink");
    assert!(html.contains("/tags/rust"));
    // And the tag page lists it.
    let tag = t.get_html("/tags/rust").await;
    assert_eq!(tag.status(), 200);
    assert!(tag.text().await.unwrap().contains("Hello &lt;world&gt;"));
    assert_eq!(t.get_html("/tags/nope").await.status(), 404);
}

#[tokio::test]
async fn unknown_pages_get_the_404_page() {
    let t = TestInstance::start().await;
    for path in ["/nope", "/posts/nope", "/@nobody", "/a/b/c"] {
        let r = t.get_html(path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert!(
            r.text().await.unwrap().contains("<html"),
            "{path}: a page, not bare text"
        );
    }
}

#[tokio::test]
async fn etag_answers_304_and_changes_with_content() {
    let t = TestInstance::start().await;
    t.write_post("a.md", &post("A", "2024-01-01", &[], "one"));
    t.app.sync_content().unwrap();
    let r = t.get_html("/posts/a").await;
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    let r2 = client()
        .get(t.url("/posts/a"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r2.status(), 304);
    t.write_post("a.md", &post("A", "2024-01-01", &[], "two"));
    t.app.sync_content().unwrap();
    let r3 = client()
        .get(t.url("/posts/a"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r3.status(), 200);
    assert!(r3.text().await.unwrap().contains("two"));
}

#[tokio::test]
async fn atom_feed_is_valid_rfc_4287() {
    let t = TestInstance::start().await;
    t.write_post(
        "a.md",
        &post("Fish & <chips>", "2024-01-01", &["food"], "Tasty & hot."),
    );
    t.write_post("b.md", &post("Second", "2024-01-02", &[], "More."));
    t.app.sync_content().unwrap();
    let r = t.get_html("/feed.xml").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/atom+xml"));
    let xml = r.text().await.unwrap();
    // An independent XML parser checks well-formedness and the elements RFC 4287 requires.
    let script = r#"
import sys, xml.etree.ElementTree as ET
ns = {'a': 'http://www.w3.org/2005/Atom'}
root = ET.fromstring(sys.stdin.read())
assert root.tag == '{http://www.w3.org/2005/Atom}feed', root.tag
for req in ['a:id', 'a:title', 'a:updated']:
    assert root.find(req, ns) is not None, req
assert root.find('a:author/a:name', ns) is not None or all(e.find('a:author', ns) is not None for e in root.findall('a:entry', ns))
assert any(l.get('rel') == 'self' for l in root.findall('a:link', ns))
entries = root.findall('a:entry', ns)
assert len(entries) == 2, len(entries)
for e in entries:
    for req in ['a:id', 'a:title', 'a:updated']:
        assert e.find(req, ns) is not None, req
    assert e.find('a:link', ns) is not None
assert entries[1].find('a:title', ns).text == 'Fish & <chips>', entries[1].find('a:title', ns).text
print('ok')
"#;
    let out = run_python(script, &xml);
    assert_eq!(out.trim(), "ok");
}

#[tokio::test]
async fn images_next_to_posts_are_served_under_media_and_sources_are_not() {
    let t = TestInstance::start().await;
    t.write_post(
        "trip/index.md",
        &post("Trip", "2024-01-01", &[], "![a boat](boat.png)"),
    );
    std::fs::write(t.content().join("trip/boat.png"), b"\x89PNG\r\n\x1a\nfake").unwrap();
    t.app.sync_content().unwrap();
    let html = t.get_html("/posts/trip").await.text().await.unwrap();
    assert!(html.contains("/media/trip/boat.png"), "{html}");
    let img = t.get_html("/media/trip/boat.png").await;
    assert_eq!(img.status(), 200);
    assert_eq!(img.headers()["content-type"], "image/png");
    assert_eq!(t.get_html("/media/trip/index.md").await.status(), 404);
    assert_eq!(t.get_html("/media/../blog.toml").await.status(), 404);
    assert_eq!(t.get_html("/media/%2e%2e/blog.toml").await.status(), 404);
}

/// Runs a Python script with `input` on stdin; fails the test if Python is missing.
pub fn run_python(script: &str, input: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is needed for this check (CI installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python check failed: {}\ninput:\n{input}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
