//! The author's and the blog's `summary` from blog.toml: Markdown rendered with comrak's safe
//! defaults (raw HTML escaped), for the actor documents and the author page.

/// Renders a profile summary written in Markdown to HTML.
pub fn profile_html(markdown: &str) -> String {
    if markdown.trim().is_empty() {
        return String::new();
    }
    let mut options = comrak::Options::default();
    options.extension.autolink = true;
    comrak::markdown_to_html(markdown, &options)
        .trim_end()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::profile_html;

    #[test]
    fn raw_html_in_a_profile_is_escaped() {
        let html = profile_html("Hi <script>alert(1)</script> *there*");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("<em>there</em>"));
    }
}
