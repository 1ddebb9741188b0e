//! The error pages a reader can meet: 404 for what never existed, 410 for a removed post.

use maud::{html, Markup};

use super::{layout, Site};

/// The page for a path that does not exist (served with 404).
pub fn not_found(site: &Site) -> Markup {
    let body = html! {
        section.error {
            h1 { "Page not found" }
            p { "There is nothing at this address. It may have been mistyped." }
            p { a href="/" { "Go to the newest posts" } " or " a href="/feed.xml" { "the feed" } "." }
        }
    };
    layout(site, "Not found", noindex(), body)
}

/// The page for a post its author removed (served with 410, as the fediverse got a Delete).
pub fn gone(site: &Site) -> Markup {
    let body = html! {
        section.error {
            h1 { "This post was removed" }
            p { "The author took this post down. It is not coming back." }
            p { a href="/" { "Go to the newest posts" } "." }
        }
    };
    layout(site, "Removed", noindex(), body)
}

/// Keeps search engines from indexing error pages.
fn noindex() -> Markup {
    html! { meta name="robots" content="noindex"; }
}

#[cfg(test)]
mod tests {
    use super::super::tests::config;
    use super::*;
    use crate::urls::Urls;

    #[test]
    fn error_pages_say_what_happened_inside_the_layout() {
        let config = config();
        let urls = Urls::new(&config);
        let site = Site {
            config: &config,
            urls: &urls,
        };
        let page = not_found(&site).into_string();
        assert!(page.contains("<title>Not found · ") && page.contains("Powered by quire"));
        let page = gone(&site).into_string();
        assert!(page.contains("This post was removed"));
    }
}
