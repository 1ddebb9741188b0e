//! `blog.toml`: the raw file as written ([`RawConfig`]) and the validated configuration the
//! rest of quire uses ([`Config`]).
//!
//! This module reads one file and nothing else: no database, no network. Every public URL
//! quire publishes derives from [`Config::base_url`] through [`crate::urls::Urls`], never from
//! request headers, so ids stay stable behind a reverse proxy.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use url::Url;

/// Why a configuration could not be used. Every variant names the file (when there is one)
/// and the key, so the author can fix it without guessing.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Read {
        file: PathBuf,
        source: std::io::Error,
    },
    /// TOML syntax, an unknown key or a wrong type, as reported by the parser (it names the
    /// key and the line).
    #[error("{file}: {message}")]
    Parse { file: PathBuf, message: String },
    /// A value parsed but is not acceptable.
    #[error("{file}: key `{key}`: {expected}")]
    Invalid {
        file: PathBuf,
        key: &'static str,
        expected: String,
    },
}

/// `blog.toml` exactly as written. Unknown keys are refused so a typo never goes unnoticed.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawConfig {
    pub site: RawSite,
    pub author: RawAuthor,
    pub blog: RawBlog,
    pub server: RawServer,
    pub storage: RawStorage,
    pub content: RawContent,
    pub federation: RawFederation,
    pub comments: RawComments,
}

/// `[site]`: the public face of the blog.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSite {
    pub base_url: String,
    pub title: String,
    pub description: String,
    pub language: String,
}

impl Default for RawSite {
    fn default() -> Self {
        RawSite {
            base_url: "http://localhost:8080".into(),
            title: "quire".into(),
            description: String::new(),
            language: "en".into(),
        }
    }
}

/// `[author]`: the Person who writes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawAuthor {
    pub username: String,
    pub name: Option<String>,
    pub summary: String,
    pub avatar: Option<String>,
}

impl Default for RawAuthor {
    fn default() -> Self {
        RawAuthor {
            username: "author".into(),
            name: None,
            summary: String::new(),
            avatar: None,
        }
    }
}

/// `[blog]`: the Group that announces every article.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawBlog {
    pub handle: String,
    pub name: Option<String>,
    pub summary: String,
}

impl Default for RawBlog {
    fn default() -> Self {
        RawBlog {
            handle: "blog".into(),
            name: None,
            summary: String::new(),
        }
    }
}

/// `[server]`: where to listen and whom to trust for the client address.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawServer {
    pub listen: String,
    pub trusted_proxies: Vec<String>,
}

impl Default for RawServer {
    fn default() -> Self {
        RawServer {
            listen: "127.0.0.1:8080".into(),
            trusted_proxies: Vec::new(),
        }
    }
}

/// `[storage]`: the data folder (database and keys).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawStorage {
    pub data_dir: String,
}

impl Default for RawStorage {
    fn default() -> Self {
        RawStorage {
            data_dir: "data".into(),
        }
    }
}

/// `[content]`: the Markdown folder.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawContent {
    pub dir: String,
    pub posts_per_page: usize,
}

impl Default for RawContent {
    fn default() -> Self {
        RawContent {
            dir: "content".into(),
            posts_per_page: 10,
        }
    }
}

/// `[federation]`: how quire talks to other servers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawFederation {
    pub allow_private_networks: bool,
    pub signature: String,
    pub delivery_concurrency: usize,
}

impl Default for RawFederation {
    fn default() -> Self {
        RawFederation {
            allow_private_networks: false,
            signature: "cavage".into(),
            delivery_concurrency: 16,
        }
    }
}

/// `[comments]`: what happens to replies from the fediverse.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawComments {
    pub policy: String,
}

impl Default for RawComments {
    fn default() -> Self {
        RawComments {
            policy: "open".into(),
        }
    }
}

/// Which HTTP signature generation quire uses first when it signs a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignaturePreference {
    /// draft-cavage `Signature` only: what most of the fediverse understands.
    Cavage,
    /// RFC 9421 first, falling back to draft-cavage for a host that refuses it
    /// ("double-knocking"), remembering per host what worked.
    Rfc9421,
}

/// The validated configuration. Paths are absolute (resolved against the config file's folder).
#[derive(Debug, Clone)]
pub struct Config {
    /// The file this came from; `None` when running on the built-in defaults.
    pub file: Option<PathBuf>,
    /// Public URL of the blog, without a trailing slash in its path.
    pub base_url: Url,
    /// `host[:port]` of `base_url` (port only when not the scheme's default).
    pub authority: String,
    pub title: String,
    pub description: String,
    pub language: String,
    pub author_username: String,
    pub author_name: String,
    /// Markdown.
    pub author_summary: String,
    /// A file in the content folder or an absolute URL.
    pub author_avatar: Option<String>,
    pub blog_handle: String,
    pub blog_name: String,
    /// Markdown.
    pub blog_summary: String,
    pub listen: SocketAddr,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    pub data_dir: PathBuf,
    pub content_dir: PathBuf,
    pub posts_per_page: usize,
    pub allow_private_networks: bool,
    pub signature: SignaturePreference,
    pub delivery_concurrency: usize,
    /// `open`, `approve` or `closed`.
    pub comment_policy: String,
}

impl Config {
    /// Loads and validates `path`, or the built-in defaults when `path` is `None`.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        match path {
            None => {
                let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
                Self::from_raw(RawConfig::default(), None, &cwd)
            }
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    file: path.to_owned(),
                    source,
                })?;
                let base = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from("."));
                let base = std::fs::canonicalize(&base).unwrap_or(base);
                Self::from_str(&text, Some(path), &base)
            }
        }
    }

    /// Parses and validates TOML text; relative paths resolve against `base_dir`.
    pub fn from_str(
        text: &str,
        file: Option<&Path>,
        base_dir: &Path,
    ) -> Result<Config, ConfigError> {
        let display = file
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("blog.toml"));
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            file: display.clone(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let mut config = Self::from_raw(raw, file, base_dir)?;
        config.file = file.map(Path::to_path_buf);
        Ok(config)
    }

    fn from_raw(
        raw: RawConfig,
        file: Option<&Path>,
        base_dir: &Path,
    ) -> Result<Config, ConfigError> {
        let display = file
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("(built-in defaults)"));
        let invalid = |key: &'static str, expected: String| ConfigError::Invalid {
            file: display.clone(),
            key,
            expected,
        };

        let mut base_url = Url::parse(raw.site.base_url.trim()).map_err(|e| {
            invalid(
                "site.base_url",
                format!("an absolute http(s) URL such as \"https://blog.example.org\" ({e})"),
            )
        })?;
        if !matches!(base_url.scheme(), "http" | "https")
            || base_url.host_str().is_none()
            || base_url.query().is_some()
            || base_url.fragment().is_some()
            || !base_url.username().is_empty()
        {
            return Err(invalid(
                "site.base_url",
                "an http(s) URL with a host and no query, fragment or user, such as \"https://blog.example.org\"".into(),
            ));
        }
        if base_url.path() != "/" {
            return Err(invalid(
                "site.base_url",
                "a URL without a path: quire must be served at the root of its host (WebFinger and NodeInfo live there)".into(),
            ));
        }
        base_url.set_path("");
        let host = base_url.host_str().unwrap_or_default().to_string();
        let authority = match base_url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        };

        let username = valid_name(&raw.author.username)
            .ok_or_else(|| invalid("author.username", name_rule()))?;
        let handle =
            valid_name(&raw.blog.handle).ok_or_else(|| invalid("blog.handle", name_rule()))?;
        if username.eq_ignore_ascii_case(&handle) {
            return Err(invalid(
                "blog.handle",
                format!("a name different from author.username (both are \"{username}\"): the author and the blog are two actors"),
            ));
        }

        let listen: SocketAddr = raw.server.listen.parse().map_err(|_| {
            invalid(
                "server.listen",
                format!(
                    "an address and port such as \"127.0.0.1:8080\", not \"{}\"",
                    raw.server.listen
                ),
            )
        })?;
        let mut trusted_proxies = Vec::new();
        for p in &raw.server.trusted_proxies {
            trusted_proxies.push(p.parse().map_err(|_| {
                invalid(
                    "server.trusted_proxies",
                    format!("IP addresses, not \"{p}\""),
                )
            })?);
        }
        let signature = match raw.federation.signature.as_str() {
            "cavage" | "draft-cavage" => SignaturePreference::Cavage,
            "rfc9421" => SignaturePreference::Rfc9421,
            other => {
                return Err(invalid(
                    "federation.signature",
                    format!("\"cavage\" or \"rfc9421\", not \"{other}\""),
                ))
            }
        };
        if !matches!(raw.comments.policy.as_str(), "open" | "approve" | "closed") {
            return Err(invalid(
                "comments.policy",
                format!(
                    "\"open\", \"approve\" or \"closed\", not \"{}\"",
                    raw.comments.policy
                ),
            ));
        }
        if raw.content.posts_per_page == 0 || raw.content.posts_per_page > 100 {
            return Err(invalid(
                "content.posts_per_page",
                "a number from 1 to 100".into(),
            ));
        }
        if raw.federation.delivery_concurrency == 0 || raw.federation.delivery_concurrency > 256 {
            return Err(invalid(
                "federation.delivery_concurrency",
                "a number from 1 to 256".into(),
            ));
        }
        let title = raw.site.title;
        Ok(Config {
            file: None,
            authority,
            base_url,
            description: raw.site.description,
            language: raw.site.language,
            author_name: raw.author.name.unwrap_or_else(|| username.clone()),
            author_summary: raw.author.summary,
            author_avatar: raw.author.avatar.filter(|a| !a.trim().is_empty()),
            author_username: username,
            blog_name: raw.blog.name.unwrap_or_else(|| title.clone()),
            blog_summary: raw.blog.summary,
            blog_handle: handle,
            title,
            listen,
            trusted_proxies,
            data_dir: base_dir.join(raw.storage.data_dir),
            content_dir: base_dir.join(raw.content.dir),
            posts_per_page: raw.content.posts_per_page,
            allow_private_networks: raw.federation.allow_private_networks,
            signature,
            delivery_concurrency: raw.federation.delivery_concurrency,
            comment_policy: raw.comments.policy,
        })
    }
}

fn name_rule() -> String {
    "1 to 64 characters from a-z, 0-9, '_', '-' and '.' (it becomes @name@host)".into()
}

/// Actor names become `@name@host` and URL path segments: keep them to what every server accepts.
fn valid_name(name: &str) -> Option<String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    ok.then(|| name.to_string())
}

/// The commented `blog.toml` that `quire init` writes: every key, with its default.
pub const EXAMPLE: &str = include_str!("../blog.toml.example");

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, ConfigError> {
        Config::from_str(text, Some(Path::new("/srv/blog.toml")), Path::new("/srv"))
    }

    #[test]
    fn defaults_need_no_file() {
        let c = Config::load(None).unwrap();
        assert_eq!(c.base_url.as_str(), "http://localhost:8080/");
        assert_eq!(c.authority, "localhost:8080");
        assert_eq!(c.author_username, "author");
        assert_eq!(c.blog_handle, "blog");
    }

    #[test]
    fn the_example_file_is_valid_and_complete() {
        let c = load(EXAMPLE).unwrap();
        assert_eq!(c.data_dir, Path::new("/srv/data"));
    }

    #[test]
    fn unknown_key_names_file_and_key() {
        let e = load("[site]\ntitel = \"x\"\n").unwrap_err().to_string();
        assert!(e.contains("/srv/blog.toml") && e.contains("titel"), "{e}");
    }

    #[test]
    fn wrong_type_names_the_key() {
        let e = load("[federation]\nallow_private_networks = \"yes\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("allow_private_networks") && e.contains("bool"),
            "{e}"
        );
    }

    #[test]
    fn invalid_base_url_is_refused() {
        for bad in [
            "blog.example.org",
            "ftp://x.org",
            "https://x.org/blog",
            "https://x.org/?a",
        ] {
            let e = load(&format!("[site]\nbase_url = \"{bad}\"\n"))
                .unwrap_err()
                .to_string();
            assert!(e.contains("site.base_url"), "{bad}: {e}");
        }
    }

    #[test]
    fn author_and_blog_must_differ() {
        let e = load("[author]\nusername = \"same\"\n[blog]\nhandle = \"same\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("blog.handle") && e.contains("author.username"),
            "{e}"
        );
    }

    #[test]
    fn authority_keeps_non_default_port_only() {
        let c = load("[site]\nbase_url = \"https://b.example:8443/\"\n").unwrap();
        assert_eq!(c.authority, "b.example:8443");
        let c = load("[site]\nbase_url = \"https://b.example:443\"\n").unwrap();
        assert_eq!(c.authority, "b.example");
        assert_eq!(c.base_url.as_str(), "https://b.example/");
    }
}
