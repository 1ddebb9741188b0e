//! Front matter: the metadata block at the top of a post, in YAML (`---`) or TOML (`+++`).
//!
//! Owns splitting a post's text into front matter and body, and reading the fields quire
//! uses, in the shapes Hugo, Jekyll and Zola write them (see DESIGN.md §1 "Posts"). Unknown
//! keys are ignored, because imported Hugo and Jekyll folders carry many. Every error names
//! the 1-based line of the file (the opening fence is line 1). Pure: no file access, no
//! rendering, no database; it does not decide what a draft means.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::error::ContentError;
use super::slug::tag_slug;

/// The metadata of one post, as written in its front matter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    /// `title`: required, never empty.
    pub title: String,
    /// `date`: when the post was published. Times without an offset are taken as UTC.
    pub date: Option<DateTime<Utc>>,
    /// `updated`, else Hugo's `lastmod`: when the post was last changed.
    pub updated: Option<DateTime<Utc>>,
    /// `slug` as written (not yet slugified: [`slugify`](super::slug::slugify) it).
    pub slug: Option<String>,
    /// `tags` (a list, or one string split at commas) plus Zola's `taxonomies.tags`, display
    /// names, in order, without duplicates (two tags with the same [`tag_slug`] are one).
    pub tags: Vec<String>,
    /// `draft: true`, or Jekyll's `published: false`: the post must not be published.
    pub draft: bool,
    /// `summary`, else `description`: the excerpt shown in lists and federated as `summary`.
    pub summary: Option<String>,
    /// `cw`: a content warning; federated as the summary with `sensitive: true`.
    pub cw: Option<String>,
    /// `image` (else the first of Hugo's `images`): the cover, a relative path or a URL.
    pub image: Option<String>,
    /// `comments`: this post's comment policy, overriding the blog's. Jekyll's
    /// `comments: true`/`false` mean `open`/`closed`.
    pub comments: Option<CommentPolicy>,
}

/// Who may comment on a post (front matter `comments`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommentPolicy {
    /// Replies are shown as they arrive.
    Open,
    /// Replies are kept but shown only once the author approves them.
    Approve,
    /// Replies are not accepted.
    Closed,
}

impl CommentPolicy {
    /// The name as written in front matter and `blog.toml`: `open`, `approve` or `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentPolicy::Open => "open",
            CommentPolicy::Approve => "approve",
            CommentPolicy::Closed => "closed",
        }
    }
}

impl fmt::Display for CommentPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A comment policy name that is not `open`, `approve` or `closed`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown comment policy `{0}`: expected `open`, `approve` or `closed`")]
pub struct UnknownCommentPolicy(pub String);

impl FromStr for CommentPolicy {
    type Err = UnknownCommentPolicy;

    /// Parses `open`, `approve` or `closed` (case-insensitive, surrounding spaces ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "open" => Ok(CommentPolicy::Open),
            "approve" => Ok(CommentPolicy::Approve),
            "closed" => Ok(CommentPolicy::Closed),
            _ => Err(UnknownCommentPolicy(s.to_string())),
        }
    }
}

/// Splits a post's text into its front matter and its Markdown body.
///
/// `file` is only used to name the file in errors. Returns the front matter, the body (the
/// text after the closing fence) and the 1-based line of the file the body starts on, so
/// later stages can report lines too. A leading byte-order mark is ignored.
///
/// Errors (all naming `file` and a line): no front matter (line 1), an unclosed fence (line
/// 1), invalid YAML or TOML (the line the parser points at), a field of the wrong type or a
/// bad date (that field's line), a missing or empty title (the line of the opening fence, or
/// of the empty `title`).
pub fn split_front_matter<'t>(
    file: &Path,
    text: &'t str,
) -> Result<(FrontMatter, &'t str, usize), ContentError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let err = |line: usize, msg: String| ContentError::new(file, line, msg);

    let mut lines = LineIter { text, pos: 0 };
    let Some((_, first)) = lines.next() else {
        return Err(err(1, NO_FRONT_MATTER.into()));
    };
    let format = match first.trim_end() {
        "---" => Format::Yaml,
        "+++" => Format::Toml,
        _ => return Err(err(1, NO_FRONT_MATTER.into())),
    };
    let fm_start = lines.pos;
    let mut line_no = 1;
    let mut close = None;
    for (start, line) in lines.by_ref() {
        line_no += 1;
        let line = line.trim_end();
        let closes = match format {
            Format::Yaml => line == "---" || line == "...",
            Format::Toml => line == "+++",
        };
        if closes {
            close = Some(start);
            break;
        }
    }
    let Some(fm_end) = close else {
        return Err(err(
            1,
            format!(
                "front matter opened here is never closed with `{}`",
                format.fence()
            ),
        ));
    };
    let fm_text = &text[fm_start..fm_end];
    let body = &text[lines.pos..];
    let body_first_line = line_no + 1;

    let map = match format {
        Format::Yaml => parse_yaml(fm_text).map_err(|(line, msg)| err(line, msg))?,
        Format::Toml => parse_toml(fm_text).map_err(|(line, msg)| err(line, msg))?,
    };
    let front = Fields {
        map: &map,
        fm_text,
        format,
    }
    .front_matter()
    .map_err(|(line, msg)| err(line, msg))?;
    Ok((front, body, body_first_line))
}

const NO_FRONT_MATTER: &str =
    "no front matter: a post starts with `---` (YAML) or `+++` (TOML) on its first line, then `title`";

/// Parses the date and time shapes Hugo, Jekyll, Zola and TOML write, as UTC.
///
/// Accepted: `2024-03-01`, RFC 3339 (`2024-03-01T10:00:00Z`, `...+02:00`, fractions, a space
/// instead of `T`), Jekyll's `2024-03-01 10:00:00 +0200`, and times without an offset
/// (`2024-03-01 10:00`, `2024-03-01T10:00:00`), which are taken as UTC; a trailing ` UTC` or
/// ` GMT` is understood. A date alone means midnight UTC.
pub fn parse_date(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S%.f %z",
        "%Y-%m-%d %H:%M %z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, fmt) {
            return Some(d.with_timezone(&Utc));
        }
    }
    let naive = s
        .strip_suffix(" UTC")
        .or_else(|| s.strip_suffix(" GMT"))
        .or_else(|| s.strip_suffix('Z'))
        .unwrap_or(s)
        .trim_end();
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(naive, fmt) {
            return Some(d.and_utc());
        }
    }
    NaiveDate::parse_from_str(naive, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Yaml,
    Toml,
}

impl Format {
    fn fence(self) -> &'static str {
        match self {
            Format::Yaml => "---",
            Format::Toml => "+++",
        }
    }
}

/// Lines of a text with the byte offset each starts at (line endings stripped).
struct LineIter<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Iterator for LineIter<'t> {
    type Item = (usize, &'t str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let rest = &self.text[start..];
        let (line, advance) = match rest.find('\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += advance;
        Some((start, line.strip_suffix('\r').unwrap_or(line)))
    }
}

/// A front-matter value, the same for YAML and TOML.
#[derive(Debug)]
enum Val {
    Null,
    Bool(bool),
    /// A number, kept as written so `title: 2024` still reads as a title.
    Num(String),
    Str(String),
    /// A TOML date or datetime, in its RFC 3339 form.
    Date(String),
    List(Vec<Val>),
    Map(Vec<(String, Val)>),
}

impl Val {
    fn get(&self, key: &str) -> Option<&Val> {
        match self {
            Val::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Val::Null => "nothing",
            Val::Bool(_) => "a boolean",
            Val::Num(_) => "a number",
            Val::Str(_) => "a string",
            Val::Date(_) => "a date",
            Val::List(_) => "a list",
            Val::Map(_) => "a table",
        }
    }
}

type FieldError = (usize, String);

fn parse_yaml(fm_text: &str) -> Result<Val, FieldError> {
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(fm_text).map_err(|e| {
        // The YAML text starts on line 2 of the file.
        let line = e.location().map_or(1, |l| l.line() + 1);
        (
            line,
            format!("invalid YAML front matter: {}", strip_yaml_location(&e)),
        )
    })?;
    Ok(from_yaml(value))
}

/// serde_yaml_ng's message without its " at line N column M": we report the file's line.
fn strip_yaml_location(e: &serde_yaml_ng::Error) -> String {
    let msg = e.to_string();
    match msg.find(" at line ") {
        Some(i) => {
            let rest = &msg[i + " at line ".len()..];
            // Drop "N column M" and keep anything after it (libyaml adds context).
            let after = rest
                .split_once(" column ")
                .map(|(_, r)| r.trim_start_matches(|c: char| c.is_ascii_digit()))
                .unwrap_or("");
            format!("{}{}", &msg[..i], after)
        }
        None => msg,
    }
}

fn from_yaml(v: serde_yaml_ng::Value) -> Val {
    use serde_yaml_ng::Value as Y;
    match v {
        Y::Null => Val::Null,
        Y::Bool(b) => Val::Bool(b),
        Y::Number(n) => Val::Num(n.to_string()),
        Y::String(s) => Val::Str(s),
        Y::Sequence(items) => Val::List(items.into_iter().map(from_yaml).collect()),
        Y::Mapping(m) => Val::Map(
            m.into_iter()
                .filter_map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        Y::Number(n) => n.to_string(),
                        Y::Bool(b) => b.to_string(),
                        _ => return None,
                    };
                    Some((key, from_yaml(v)))
                })
                .collect(),
        ),
        Y::Tagged(t) => from_yaml(t.value),
    }
}

fn parse_toml(fm_text: &str) -> Result<Val, FieldError> {
    let table: toml::Table = toml::from_str(fm_text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start.min(fm_text.len()));
        // The TOML text starts on line 2 of the file.
        let line = 2 + fm_text.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        (
            line,
            format!("invalid TOML front matter: {}", e.message().trim_end()),
        )
    })?;
    Ok(from_toml(toml::Value::Table(table)))
}

fn from_toml(v: toml::Value) -> Val {
    use toml::Value as T;
    match v {
        T::String(s) => Val::Str(s),
        T::Integer(i) => Val::Num(i.to_string()),
        T::Float(f) => Val::Num(f.to_string()),
        T::Boolean(b) => Val::Bool(b),
        T::Datetime(d) => Val::Date(d.to_string()),
        T::Array(items) => Val::List(items.into_iter().map(from_toml).collect()),
        T::Table(t) => Val::Map(t.into_iter().map(|(k, v)| (k, from_toml(v))).collect()),
    }
}

/// Reads quire's fields out of a parsed front matter, finding their lines for errors.
struct Fields<'a> {
    map: &'a Val,
    fm_text: &'a str,
    format: Format,
}

impl Fields<'_> {
    fn front_matter(&self) -> Result<FrontMatter, FieldError> {
        match self.map {
            Val::Map(_) => {}
            Val::Null => return Err((1, "front matter has no `title`".into())),
            other => {
                return Err((
                    1,
                    format!(
                        "front matter must be a table of `key: value` fields, not {}",
                        other.kind()
                    ),
                ))
            }
        }
        let title = match self.string("title")? {
            Some(t) if !t.trim().is_empty() => t.trim().to_string(),
            Some(_) => return Err((self.line_of("title"), "`title` is empty".into())),
            None => return Err((1, "front matter has no `title`".into())),
        };
        let updated = match self.date("updated")? {
            Some(d) => Some(d),
            None => self.date("lastmod")?,
        };
        let summary = match self.string("summary")? {
            Some(s) => Some(s),
            None => self.string("description")?,
        };
        let image = match self.string("image")? {
            Some(s) => Some(s),
            None => match self.map.get("images") {
                Some(Val::List(items)) => items.iter().find_map(|v| match v {
                    Val::Str(s) => Some(s.clone()),
                    _ => None,
                }),
                _ => None,
            },
        };
        let draft = self.boolean("draft")?.unwrap_or(false)
            || self
                .boolean("published")?
                .is_some_and(|published| !published);
        Ok(FrontMatter {
            title,
            date: self.date("date")?,
            updated,
            slug: self.string("slug")?.filter(|s| !s.trim().is_empty()),
            tags: self.tags()?,
            draft,
            summary: summary.filter(|s| !s.trim().is_empty()),
            cw: self.string("cw")?.filter(|s| !s.trim().is_empty()),
            image: image.filter(|s| !s.trim().is_empty()),
            comments: self.comments()?,
        })
    }

    /// The 1-based file line where top-level `key` is written, else the opening fence's.
    fn line_of(&self, key: &str) -> usize {
        self.find_line(key, false).unwrap_or(1)
    }

    /// Finds `key:` (YAML) or `key =` (TOML), optionally quoted, at the start of a line of
    /// the front matter; `nested` also accepts indented keys (Zola's `[taxonomies]` table).
    fn find_line(&self, key: &str, nested: bool) -> Option<usize> {
        let sep = match self.format {
            Format::Yaml => ':',
            Format::Toml => '=',
        };
        LineIter {
            text: self.fm_text,
            pos: 0,
        }
        .enumerate()
        .find(|(_, (_, line))| {
            if !nested && line.starts_with(char::is_whitespace) {
                return false;
            }
            let l = line.trim_start();
            let l = l
                .strip_prefix(['"', '\''])
                .and_then(|l| l.strip_prefix(key))
                .and_then(|l| l.strip_prefix(['"', '\'']))
                .or_else(|| l.strip_prefix(key));
            l.is_some_and(|rest| rest.trim_start().starts_with(sep))
        })
        .map(|(i, _)| i + 2)
    }

    fn wrong_type(&self, key: &str, expected: &str, got: &Val) -> FieldError {
        (
            self.line_of(key),
            format!("`{key}` must be {expected}, not {}", got.kind()),
        )
    }

    /// A scalar as text; absent or null is `None`.
    fn string(&self, key: &str) -> Result<Option<String>, FieldError> {
        match self.map.get(key) {
            None | Some(Val::Null) => Ok(None),
            Some(Val::Str(s) | Val::Num(s) | Val::Date(s)) => Ok(Some(s.clone())),
            Some(Val::Bool(b)) => Ok(Some(b.to_string())),
            Some(other) => Err(self.wrong_type(key, "a string", other)),
        }
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>, FieldError> {
        match self.map.get(key) {
            None | Some(Val::Null) => Ok(None),
            Some(Val::Bool(b)) => Ok(Some(*b)),
            Some(Val::Str(s)) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" => Ok(Some(true)),
                "false" | "no" => Ok(Some(false)),
                _ => Err((
                    self.line_of(key),
                    format!("`{key}` must be true or false, not `{s}`"),
                )),
            },
            Some(other) => Err(self.wrong_type(key, "true or false", other)),
        }
    }

    fn date(&self, key: &str) -> Result<Option<DateTime<Utc>>, FieldError> {
        match self.map.get(key) {
            None | Some(Val::Null) => Ok(None),
            Some(Val::Str(s) | Val::Date(s)) if s.trim().is_empty() => Ok(None),
            Some(Val::Str(s) | Val::Date(s)) => parse_date(s).map(Some).ok_or_else(|| {
                (
                    self.line_of(key),
                    format!(
                        "`{key}`: cannot read `{s}` as a date; write e.g. `2024-03-01` or `2024-03-01T10:00:00+02:00`"
                    ),
                )
            }),
            Some(other) => Err(self.wrong_type(key, "a date", other)),
        }
    }

    fn tags(&self) -> Result<Vec<String>, FieldError> {
        let mut names = Vec::new();
        if let Some(v) = self.map.get("tags") {
            let line = self.line_of("tags");
            collect_tags(v, line, &mut names)?;
        }
        if let Some(v) = self.map.get("taxonomies").and_then(|t| t.get("tags")) {
            let line = self.find_line("tags", true).unwrap_or(1);
            collect_tags(v, line, &mut names)?;
        }
        let mut seen = std::collections::HashSet::new();
        names.retain(|name| {
            let slug = tag_slug(name);
            !slug.is_empty() && seen.insert(slug)
        });
        Ok(names)
    }

    fn comments(&self) -> Result<Option<CommentPolicy>, FieldError> {
        match self.map.get("comments") {
            None | Some(Val::Null) => Ok(None),
            Some(Val::Bool(true)) => Ok(Some(CommentPolicy::Open)),
            Some(Val::Bool(false)) => Ok(Some(CommentPolicy::Closed)),
            Some(Val::Str(s)) => s
                .parse()
                .map(Some)
                .map_err(|e: UnknownCommentPolicy| (self.line_of("comments"), e.to_string())),
            Some(other) => Err(self.wrong_type("comments", "`open`, `approve` or `closed`", other)),
        }
    }
}

/// Tags from a list of scalars, or from one string split at commas.
fn collect_tags(v: &Val, line: usize, out: &mut Vec<String>) -> Result<(), FieldError> {
    match v {
        Val::Null => {}
        Val::Str(s) => out.extend(
            s.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from),
        ),
        Val::Num(s) => out.push(s.clone()),
        Val::List(items) => {
            for item in items {
                match item {
                    Val::Str(s) | Val::Num(s) => {
                        let t = s.trim();
                        if !t.is_empty() {
                            out.push(t.to_string());
                        }
                    }
                    Val::Null => {}
                    other => {
                        return Err((
                            line,
                            format!("`tags` must be a list of names, not of {}", other.kind()),
                        ))
                    }
                }
            }
        }
        other => {
            return Err((
                line,
                format!("`tags` must be a list of names, not {}", other.kind()),
            ))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn split(text: &str) -> Result<(FrontMatter, &str, usize), ContentError> {
        split_front_matter(Path::new("posts/hello.md"), text)
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    #[test]
    fn yaml_front_matter_gives_every_field_and_the_body() {
        let text = "---\ntitle: Hello\ndate: 2024-03-01\nupdated: 2024-03-02T10:00:00Z\nslug: hi-there\ntags: [Rust, Web]\ndraft: true\nsummary: Short *one*.\ncw: spiders\nimage: cover.jpg\ncomments: approve\n---\nBody text.\n";
        let (fm, body, line) = split(text).unwrap();
        assert_eq!(fm.title, "Hello");
        assert_eq!(fm.date, Some(utc(2024, 3, 1, 0, 0, 0)));
        assert_eq!(fm.updated, Some(utc(2024, 3, 2, 10, 0, 0)));
        assert_eq!(fm.slug.as_deref(), Some("hi-there"));
        assert_eq!(fm.tags, vec!["Rust", "Web"]);
        assert!(fm.draft);
        assert_eq!(fm.summary.as_deref(), Some("Short *one*."));
        assert_eq!(fm.cw.as_deref(), Some("spiders"));
        assert_eq!(fm.image.as_deref(), Some("cover.jpg"));
        assert_eq!(fm.comments, Some(CommentPolicy::Approve));
        assert_eq!(body, "Body text.\n");
        assert_eq!(line, 13);
    }

    #[test]
    fn toml_front_matter_reads_native_datetimes_and_dates() {
        let text = "+++\ntitle = \"Hello\"\ndate = 2024-03-01T10:00:00+02:00\nlastmod = 2024-03-05\ntags = \"one, two\"\n+++\r\nBody\n";
        let (fm, body, line) = split(text).unwrap();
        assert_eq!(fm.title, "Hello");
        assert_eq!(fm.date, Some(utc(2024, 3, 1, 8, 0, 0)));
        assert_eq!(fm.updated, Some(utc(2024, 3, 5, 0, 0, 0)));
        assert_eq!(fm.tags, vec!["one", "two"]);
        assert!(!fm.draft);
        assert_eq!(body, "Body\n");
        assert_eq!(line, 7);
    }

    #[test]
    fn a_real_hugo_post_with_unknown_keys_is_read() {
        let text = r#"---
title: "Building a static site with Hugo"
date: 2023-11-04T09:12:44+01:00
lastmod: 2023-11-06T18:00:00+01:00
draft: false
description: "How I moved my blog to Hugo."
tags: ["hugo", "web", "Hugo"]
categories: ["meta"]
author: "Alice"
toc: true
weight: 10
images:
  - posts/hugo/cover.png
cover:
  image: "cover.png"
  alt: "A cover"
---

Since last year...
"#;
        let (fm, body, line) = split(text).unwrap();
        assert_eq!(fm.title, "Building a static site with Hugo");
        assert_eq!(fm.date, Some(utc(2023, 11, 4, 8, 12, 44)));
        assert_eq!(fm.updated, Some(utc(2023, 11, 6, 17, 0, 0)));
        assert_eq!(fm.summary.as_deref(), Some("How I moved my blog to Hugo."));
        assert_eq!(
            fm.tags,
            vec!["hugo", "web"],
            "duplicates by slug are dropped"
        );
        assert_eq!(fm.image.as_deref(), Some("posts/hugo/cover.png"));
        assert!(!fm.draft);
        assert_eq!(body, "\nSince last year...\n");
        assert_eq!(line, 18);
    }

    #[test]
    fn a_jekyll_post_with_its_date_format_is_read() {
        let text = "---\nlayout: post\ntitle:  \"Welcome to Jekyll!\"\ndate:   2024-01-02 15:32:14 +0200\ncategories: jekyll update\ntags: ruby\ncomments: false\npublished: false\n---\nHello\n";
        let (fm, _, _) = split(text).unwrap();
        assert_eq!(fm.title, "Welcome to Jekyll!");
        assert_eq!(fm.date, Some(utc(2024, 1, 2, 13, 32, 14)));
        assert_eq!(fm.tags, vec!["ruby"]);
        assert_eq!(fm.comments, Some(CommentPolicy::Closed));
        assert!(fm.draft, "published: false is a draft");
    }

    #[test]
    fn a_zola_post_with_taxonomies_tags_is_read() {
        let text = "+++\ntitle = \"Zola post\"\ndate = 2024-02-03\nupdated = 2024-02-04T05:06:07Z\ndescription = \"About Zola\"\n\n[taxonomies]\ntags = [\"rust\", \"ssg\"]\ncategories = [\"x\"]\n\n[extra]\nmath = true\n+++\nBody\n";
        let (fm, _, _) = split(text).unwrap();
        assert_eq!(fm.title, "Zola post");
        assert_eq!(fm.date, Some(utc(2024, 2, 3, 0, 0, 0)));
        assert_eq!(fm.updated, Some(utc(2024, 2, 4, 5, 6, 7)));
        assert_eq!(fm.summary.as_deref(), Some("About Zola"));
        assert_eq!(fm.tags, vec!["rust", "ssg"]);
    }

    #[test]
    fn date_shapes_all_parse() {
        let ten = utc(2024, 3, 1, 10, 0, 0);
        assert_eq!(parse_date("2024-03-01"), Some(utc(2024, 3, 1, 0, 0, 0)));
        assert_eq!(parse_date("2024-03-01T10:00:00Z"), Some(ten));
        assert_eq!(parse_date("2024-03-01T12:00:00+02:00"), Some(ten));
        assert_eq!(parse_date("2024-03-01 12:00:00 +0200"), Some(ten));
        assert_eq!(parse_date("2024-03-01 12:00 +0200"), Some(ten));
        assert_eq!(parse_date("2024-03-01 10:00"), Some(ten));
        assert_eq!(parse_date("2024-03-01T10:00"), Some(ten));
        assert_eq!(parse_date("2024-03-01 10:00:00"), Some(ten));
        assert_eq!(parse_date("2024-03-01 10:00:00 UTC"), Some(ten));
        assert_eq!(
            parse_date("2024-03-01T10:00:00.250Z").map(|d| d.timestamp()),
            Some(ten.timestamp())
        );
        assert_eq!(parse_date("March 1st"), None);
        assert_eq!(parse_date("2024-13-01"), None);
    }

    #[test]
    fn bad_yaml_reports_the_line_in_the_file() {
        // The third line of the block is line 4 of the file.
        let text = "---\ntitle: Hi\ndate: 2024-01-01\ntitle2: : : x\n---\nbody\n";
        let e = split(text).unwrap_err();
        assert_eq!(e.file, Path::new("posts/hello.md"));
        assert_eq!(e.line, 4, "{e}");
        assert!(
            e.to_string()
                .starts_with("posts/hello.md:4: invalid YAML front matter: "),
            "{e}"
        );
        assert!(!e.message.contains("at line"), "{e}");
    }

    #[test]
    fn bad_toml_reports_the_line_in_the_file() {
        let text = "+++\ntitle = \"Hi\"\ndate = 2024-01-01\ntags = [\"a\",\n+++\nbody\n";
        let e = split(text).unwrap_err();
        assert!(e.message.starts_with("invalid TOML front matter"), "{e}");
        assert_eq!(e.line, 4, "the unclosed list opens on line 4: {e}");
        let text = "+++\ntitle = \"Hi\"\nthis is not toml\n+++\n";
        let e = split(text).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn missing_title_reports_the_opening_fence() {
        let e = split("\n\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("no front matter"), "{e}");
        let e = split("---\ndate: 2024-01-01\n---\nbody").unwrap_err();
        assert_eq!(e.line, 1);
        assert_eq!(
            e.to_string(),
            "posts/hello.md:1: front matter has no `title`"
        );
        let e = split("---\n---\nbody").unwrap_err();
        assert_eq!(e.line, 1);
        let e = split("+++\ntitle = \"\"\n+++\n").unwrap_err();
        assert_eq!(e.line, 2, "an empty title names its own line");
    }

    #[test]
    fn unclosed_front_matter_is_an_error_at_line_one() {
        let e = split("---\ntitle: Hi\nbody\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("never closed"), "{e}");
    }

    #[test]
    fn bad_date_names_its_line() {
        let e = split("---\ntitle: Hi\ntags: [a]\ndate: last tuesday\n---\n").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("last tuesday"), "{e}");
        let e = split("+++\ntitle = \"Hi\"\nlastmod = \"soon\"\n+++\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn wrong_types_and_unknown_policies_name_their_line() {
        let e = split("---\ntitle: Hi\ndraft: maybe\n---\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let e = split("---\ntitle: Hi\n\ncomments: sometimes\n---\n").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("sometimes"), "{e}");
        let e = split("---\ntitle: [a, b]\n---\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn comment_policy_round_trips_through_its_name() {
        for p in [
            CommentPolicy::Open,
            CommentPolicy::Approve,
            CommentPolicy::Closed,
        ] {
            assert_eq!(p.as_str().parse::<CommentPolicy>(), Ok(p));
        }
        assert!("maybe".parse::<CommentPolicy>().is_err());
    }

    #[test]
    fn byte_order_mark_and_crlf_are_accepted() {
        let (fm, body, line) = split("\u{feff}---\r\ntitle: Hi\r\n---\r\nBody\r\n").unwrap();
        assert_eq!(fm.title, "Hi");
        assert_eq!(body, "Body\r\n");
        assert_eq!(line, 4);
    }
}
