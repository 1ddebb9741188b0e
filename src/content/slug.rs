//! Slugs: the URL-safe names of posts (`/posts/{slug}`) and tags (`/tags/{tag}`).
//!
//! Owns the rules that turn file names, front-matter `slug`s and tag names into URL path
//! segments. The slug is a post's identity forever (its ActivityPub id derives from it), so
//! these rules must stay stable: changing them renames every post. Touches no files.

use std::path::Path;

/// Turns any text into a slug: lower case, letters and digits kept, every other run of
/// characters turned into one `-`, no `-` at either end.
///
/// Unicode letters and digits are kept (lower-cased), so `Ünïcödé Grüße` becomes
/// `ünïcödé-grüße` and a Japanese or Russian title still gives a readable, unique slug rather
/// than an empty one. Apostrophes are dropped rather than split on, so `Don't panic` becomes
/// `dont-panic`. The result may be empty when `s` has no letter or digit at all.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_dash = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else if matches!(c, '\'' | '\u{2019}') {
            // Dropped: "don't" -> "dont", as Hugo and Jekyll do.
        } else {
            pending_dash = true;
        }
    }
    out
}

/// The URL form of a tag (`/tags/{tag_slug}`): the same rules as [`slugify`].
///
/// The display name is kept separately by the caller; two tags with the same `tag_slug`
/// (`Rust` and `rust`) are the same tag.
pub fn tag_slug(tag: &str) -> String {
    slugify(tag)
}

/// The slug a post gets from its path when its front matter names none.
///
/// The file stem, with Jekyll's `YYYY-MM-DD-` date prefix removed
/// (`_posts/2024-01-02-hello-world.md` → `hello-world`); for a Hugo page bundle
/// (`posts/my-post/index.md`, also `_index.md`) the folder's name instead. The result is
/// passed through [`slugify`], so it may be empty (the caller reports that).
pub fn slug_from_path(rel_path: &Path) -> String {
    let stem = rel_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = if stem == "index" || stem == "_index" {
        rel_path
            .parent()
            .and_then(|p| p.file_name())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or(stem)
    } else {
        stem
    };
    slugify(strip_date_prefix(&name))
}

/// Removes a leading `YYYY-MM-DD-` (Jekyll's post file names), if there is one.
fn strip_date_prefix(name: &str) -> &str {
    let b = name.as_bytes();
    let is_prefix = b.len() > 11
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && b[10] == b'-';
    if is_prefix {
        &name[11..]
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_lowercases_and_joins_words_with_single_dashes() {
        assert_eq!(slugify("  Hello, World!  "), "hello-world");
        assert_eq!(slugify("Rust 1.85 -- what's new?"), "rust-1-85-whats-new");
        assert_eq!(slugify("a___b"), "a-b");
    }

    #[test]
    fn slugify_keeps_unicode_letters_lower_cased() {
        assert_eq!(slugify("Ünïcödé Grüße"), "ünïcödé-grüße");
        assert_eq!(slugify("Привет, мир"), "привет-мир");
        assert_eq!(slugify("日本語のタイトル"), "日本語のタイトル");
    }

    #[test]
    fn slugify_of_punctuation_only_is_empty() {
        assert_eq!(slugify("!!! ---"), "");
    }

    #[test]
    fn jekyll_date_prefix_is_removed_from_the_file_name() {
        assert_eq!(
            slug_from_path(Path::new("_posts/2024-01-02-hello-world.md")),
            "hello-world"
        );
        assert_eq!(slug_from_path(Path::new("2024-01-02.md")), "2024-01-02");
    }

    #[test]
    fn hugo_page_bundle_takes_the_folder_name() {
        assert_eq!(
            slug_from_path(Path::new("posts/My Post/index.md")),
            "my-post"
        );
        assert_eq!(slug_from_path(Path::new("posts/plain.markdown")), "plain");
    }

    #[test]
    fn tags_slug_like_posts() {
        assert_eq!(tag_slug("Rust Lang"), "rust-lang");
        assert_eq!(tag_slug("  Open Source! "), "open-source");
    }
}
