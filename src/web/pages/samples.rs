//! Sample pages for looking at the design: `cargo test --lib web::pages::samples -- --ignored`
//! writes every page to `$QUIRE_PAGES_DIR` (default `/tmp/pages`) with the stylesheet beside
//! it, ready for a browser or `bench/screenshots.sh`. Not run by default: it writes files.

use std::path::PathBuf;

use super::tests::{config, post};
use super::*;

/// Markdown using everything the stylesheet must handle.
const BODY: &str = r#"Writing on the web should feel like **writing in a notebook**: open a file, put words
in it, save. This post checks how the page reads: paragraphs of a comfortable length, *emphasis*,
`inline code`, ~~strikethrough~~ and [a link](https://example.org).[^1]

## A list, a task list, a quote

- A folder of Markdown files
- One SQLite database
- Nothing else to run

Then the tasks:

- [x] Write the post
- [ ] Read the replies

> The best blog engine is the one you forget is there.

## Code and a table

```rust
fn main() {
    println!("Hello, fediverse!");
}
```

| Server | Shows `content` | Shows `summary` |
| --- | --- | --- |
| Mastodon | no | yes |
| Pleroma | yes | yes |

![A cover](cover.svg)

[^1]: Footnotes land at the end, smaller.
"#;

fn render_markdown(md: &str) -> String {
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.footnotes = true;
    options.extension.tasklist = true;
    options.extension.strikethrough = true;
    comrak::markdown_to_html(md, &options)
}

#[test]
#[ignore = "writes sample pages to /tmp/pages for screenshots"]
fn write_sample_pages() {
    let dir = PathBuf::from(std::env::var("QUIRE_PAGES_DIR").unwrap_or("/tmp/pages".into()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = config();
    config.title = "Alice's notes".into();
    config.author_summary = "Writes about *small software*, the fediverse and walking. \
        Lives by the sea.\n\nPreviously at [example.org](https://example.org)."
        .into();
    config.author_avatar = Some("avatar.svg".into());
    let urls = Urls::new(&config);
    let site = Site {
        config: &config,
        urls: &urls,
    };

    let mut main = post("owning-your-words", "Owning your words on the fediverse");
    main.html = render_markdown(BODY);
    main.updated = Some("2024-03-05T09:00:00Z".into());
    main.image = Some("cover.svg".into());
    let mut cw = post("a-hard-week", "A hard week");
    cw.cw = Some("illness, hospital".into());
    cw.published = "2024-02-20T18:30:00Z".into();
    let mut plain = post(
        "hello",
        "Hello, <world> & everyone in it: a long title that wraps on a phone",
    );
    plain.published = "2024-01-02T08:00:00Z".into();
    plain.summary_html = "<p>The first post of this blog: why it exists, what it will be about, \
        and how to follow it from Mastodon without an account here.</p>"
        .into();
    let list = vec![main.clone(), cw.clone(), plain];
    let rust = Tag {
        slug: "rust".into(),
        name: "Rust".into(),
    };
    let conversation = maud::html! {
        h2 { "2 replies · 5 likes · 1 boost" }
        p { "(the conversation section: filled by the comments issue)" }
    };

    let pages = [
        ("index", index(&site, &list, 1, 3)),
        ("empty", empty_blog(&site)),
        ("post", post_page(&site, &main, maud::html! {})),
        ("post-cw", post_page(&site, &cw, conversation)),
        ("tag", tag(&site, &rust, &list[..2], 2, 2)),
        ("author", author(&site, 3, &list[..2], 42)),
        ("404", not_found(&site)),
        ("410", gone(&site)),
    ];
    let css_link = format!(
        "/static/style.css?v={}",
        crate::web::assets::style_version()
    );
    for (name, page) in pages {
        let html = page
            .into_string()
            .replace(&css_link, "style.css")
            .replace("https://blog.example:8443/media/", "");
        std::fs::write(dir.join(format!("{name}.html")), html).unwrap();
    }
    for asset in ["style.css", "favicon.svg"] {
        let (data, _, _) = crate::web::assets::get(asset).unwrap();
        std::fs::write(dir.join(asset), data).unwrap();
    }
    std::fs::write(
        dir.join("cover.svg"),
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="500"><rect width="1200" height="500" fill="#7aa6c2"/><circle cx="900" cy="170" r="80" fill="#f4d58d"/><path d="M0 380 Q300 300 600 380 T1200 380 V500 H0Z" fill="#2f5d62"/></svg>"##,
    )
    .unwrap();
    std::fs::write(
        dir.join("avatar.svg"),
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><rect width="96" height="96" fill="#c27a9e"/><circle cx="48" cy="38" r="18" fill="#fbe3ef"/><path d="M14 96 Q48 50 82 96Z" fill="#fbe3ef"/></svg>"##,
    )
    .unwrap();
}

fn post_page(site: &Site, p: &Post, conversation: Markup) -> Markup {
    super::post(site, p, &PostExtras { conversation })
}
