//! Walking the content folder: which files are posts, what changed, which files `/media/` may
//! serve.
//!
//! Owns the folder rules (what is skipped, which extensions are posts), reading post files
//! into [`SourcePost`]s with their front matter parsed and their slugs checked for duplicates,
//! the cheap change [`fingerprint`] the server polls, and the safe [`media_path`] resolver. It
//! only reads the file system: it renders nothing and never writes to the folder or the
//! database (`sync` decides what a scan means for the stored posts).

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::error::ContentError;
use super::frontmatter::{split_front_matter, FrontMatter};
use super::slug::{slug_from_path, slugify};

/// One post file, read and its front matter parsed; the body is not rendered yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcePost {
    /// The file's path relative to the content folder (`posts/hello.md`).
    pub rel_path: PathBuf,
    /// The post's slug: the front matter's `slug` slugified, else derived from the path
    /// ([`slug_from_path`]). Unique within a scan.
    pub slug: String,
    /// The parsed front matter.
    pub front: FrontMatter,
    /// The Markdown after the front matter.
    pub body: String,
    /// The 1-based line of the file the body starts on, for reporting later problems.
    pub body_first_line: usize,
    /// Lower-case hex SHA-256 of the whole file's bytes: the sync's "did it change" test.
    pub hash: String,
}

impl SourcePost {
    /// The folder of the post relative to the content folder (`""` at the root): what
    /// [`render`](super::render::render) resolves relative images against.
    pub fn rel_dir(&self) -> &Path {
        self.rel_path.parent().unwrap_or(Path::new(""))
    }
}

/// The result of reading the content folder: every good post, and a problem per bad file.
///
/// One malformed file never hides the others; `errors` say which file and line to fix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// The posts, drafts included (the sync decides what a draft means), sorted by path.
    pub posts: Vec<SourcePost>,
    /// One error per file that could not be used (unreadable, not UTF-8, bad front matter,
    /// no usable slug, a slug already taken by an earlier file), and per unreadable folder.
    pub errors: Vec<ContentError>,
}

/// Whether `name` (a file or folder in the content folder) is skipped by [`scan`].
///
/// Hidden entries (`.git`, editor swap files) are skipped; so are `_`-prefixed ones
/// (Jekyll's `_drafts`, `_layouts`, `_site`, Hugo's `_index.md` section pages), except
/// Jekyll's `_posts` folder, which holds the posts.
fn skipped_by_scan(name: &str, is_dir: bool) -> bool {
    name.starts_with('.') || (name.starts_with('_') && !(is_dir && name == "_posts"))
}

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// Reads every post in `content_dir`: each `.md`/`.markdown` file, recursively, except what is
/// skipped (hidden entries, `_`-prefixed ones other than `_posts`; symlinked folders are not
/// followed). A missing folder is an empty scan without errors.
///
/// Files are handled in path order, so when two posts claim the same slug (drafts count too)
/// the later path is the one reported (naming both files) and left out. A non-UTF-8 file is
/// reported at line 1, its message naming the line of the first bad byte.
pub fn scan(content_dir: &Path) -> Scan {
    let mut out = Scan::default();
    if !content_dir.is_dir() {
        return out;
    }
    let mut files = Vec::new();
    walk_posts(content_dir, Path::new(""), &mut files, &mut out.errors);
    files.sort();

    let mut taken: HashMap<String, PathBuf> = HashMap::new();
    for rel in files {
        match read_post(content_dir, &rel) {
            Ok(post) => {
                if let Some(first) = taken.get(&post.slug) {
                    out.errors.push(ContentError::new(
                        &rel,
                        1,
                        format!(
                            "slug `{}` is already used by {}; give one of them another `slug`",
                            post.slug,
                            first.display()
                        ),
                    ));
                } else {
                    taken.insert(post.slug.clone(), rel);
                    out.posts.push(post);
                }
            }
            Err(e) => out.errors.push(e),
        }
    }
    out
}

fn walk_posts(root: &Path, rel: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<ContentError>) {
    let entries = match fs::read_dir(root.join(rel)) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(ContentError::new(
                if rel.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    rel
                },
                1,
                format!("cannot read folder: {e}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name_str) = name.to_str() else {
            continue;
        };
        let Ok(mut ty) = entry.file_type() else {
            continue;
        };
        let mut symlink = false;
        if ty.is_symlink() {
            symlink = true;
            match fs::metadata(entry.path()) {
                Ok(m) => ty = m.file_type(),
                Err(_) => continue,
            }
        }
        let child = rel.join(&name);
        if ty.is_dir() {
            if !symlink && !skipped_by_scan(name_str, true) {
                walk_posts(root, &child, files, errors);
            }
        } else if ty.is_file() && !skipped_by_scan(name_str, false) && is_markdown(&child) {
            files.push(child);
        }
    }
}

fn read_post(root: &Path, rel: &Path) -> Result<SourcePost, ContentError> {
    let bytes = fs::read(root.join(rel))
        .map_err(|e| ContentError::new(rel, 1, format!("cannot read: {e}")))?;
    let hash = sha256_hex(&bytes);
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let bad_line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        ContentError::new(
            rel,
            1,
            format!("not UTF-8 text (first bad byte on line {bad_line}); save the file as UTF-8"),
        )
    })?;
    let (front, body, body_first_line) = split_front_matter(rel, text)?;
    let slug = match &front.slug {
        Some(s) => slugify(s),
        None => slug_from_path(rel),
    };
    if slug.is_empty() {
        return Err(ContentError::new(
            rel,
            1,
            "cannot make a URL slug from this post's name; set `slug` in its front matter",
        ));
    }
    Ok(SourcePost {
        rel_path: rel.to_path_buf(),
        slug,
        front,
        body: body.to_string(),
        body_first_line,
        hash,
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut hex = String::with_capacity(64);
    for b in digest.as_ref() {
        hex.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        hex.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
    }
    hex
}

/// A cheap hash of the content folder's state: the relative path, size and modification time
/// of every file under it (images too), hidden entries skipped. No file is read.
///
/// Polled every second by the server: when the number changes, something was added, removed,
/// renamed, or written, and a sync is due. It is only comparable within one run of the
/// program. A missing folder has a fixed fingerprint. Costs one `stat` per file (about
/// 10 ms for 10,000 files on a warm cache).
pub fn fingerprint(content_dir: &Path) -> u64 {
    let mut sum: u64 = 0;
    let mut count: u64 = 0;
    fingerprint_dir(content_dir, Path::new(""), &mut sum, &mut count);
    let mut h = DefaultHasher::new();
    (sum, count).hash(&mut h);
    h.finish()
}

fn fingerprint_dir(root: &Path, rel: &Path, sum: &mut u64, count: &mut u64) {
    let Ok(entries) = fs::read_dir(root.join(rel)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.as_encoded_bytes().first() == Some(&b'.') {
            continue;
        }
        let Ok(ty) = entry.file_type() else {
            continue;
        };
        let child = rel.join(&name);
        if ty.is_dir() {
            fingerprint_dir(root, &child, sum, count);
            continue;
        }
        let meta = if ty.is_symlink() {
            fs::metadata(entry.path())
        } else {
            entry.metadata()
        };
        let Ok(meta) = meta else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        // Order-independent combination: read_dir order is unspecified.
        let mut h = DefaultHasher::new();
        (child.as_os_str(), meta.len(), mtime).hash(&mut h);
        *sum = sum.wrapping_add(h.finish());
        *count += 1;
    }
}

/// Resolves the part of a `/media/` URL after `/media/` (already percent-decoded) to a file in
/// the content folder, or `None` when it must not be served.
///
/// Refused: empty paths, absolute paths, backslashes and NUL, any `.`, `..` or empty segment,
/// hidden segments (`.git/...`), Markdown files (post sources, drafts included), anything that
/// is not a regular file, and anything whose real path (symlinks resolved) is outside the
/// content folder.
pub fn media_path(content_dir: &Path, rel: &str) -> Option<PathBuf> {
    if rel.is_empty() || rel.contains(['\\', '\0']) || rel.starts_with('/') {
        return None;
    }
    if rel
        .split('/')
        .any(|seg| seg.is_empty() || seg.starts_with('.'))
    {
        return None;
    }
    let rel_path = Path::new(rel);
    if !rel_path
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        || is_markdown(rel_path)
    {
        return None;
    }
    let root = content_dir.canonicalize().ok()?;
    let full = root.join(rel_path).canonicalize().ok()?;
    if !full.starts_with(&root) || !full.is_file() {
        return None;
    }
    Some(full)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn post(title: &str) -> String {
        format!("---\ntitle: {title}\n---\nBody of {title}.\n")
    }

    #[test]
    fn scan_with_one_broken_file_returns_the_others_and_reports_it_with_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a.md", &post("A"));
        write(root, "posts/b.markdown", &post("B"));
        write(
            root,
            "_posts/2024-01-02-hello-world.md",
            "---\ntitle: Hello\ndate: 2024-01-02 10:00:00 +0000\n---\nHi\n",
        );
        write(root, "posts/bundle/index.md", &post("Bundle"));
        write(
            root,
            "posts/broken.md",
            "---\ntitle: Broken\ndate: [\n---\nbody\n",
        );
        write(root, "notes.txt", "not a post");
        write(root, "_drafts/draft.md", &post("Skipped"));
        write(root, ".hidden/x.md", &post("Hidden"));
        write(root, "posts/_index.md", "---\ntitle: Section\n---\n");
        let s = scan(root);
        let slugs: Vec<_> = s.posts.iter().map(|p| p.slug.as_str()).collect();
        assert_eq!(slugs, vec!["hello-world", "a", "b", "bundle"]);
        assert_eq!(s.errors.len(), 1, "{:?}", s.errors);
        let e = &s.errors[0];
        assert_eq!(e.file, Path::new("posts/broken.md"));
        assert_eq!(e.line, 4, "{e}");
        let bundle = &s.posts[3];
        assert_eq!(bundle.rel_dir(), Path::new("posts/bundle"));
        assert_eq!(bundle.body, "Body of Bundle.\n");
        assert_eq!(bundle.body_first_line, 4);
        assert_eq!(bundle.hash.len(), 64);
        assert_eq!(bundle.hash, sha256_hex(post("Bundle").as_bytes()));
    }

    #[test]
    fn sha256_is_lower_case_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn duplicate_slugs_report_the_second_file_naming_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a/hello.md", &post("One"));
        write(root, "b/2024-05-06-hello.md", &post("Two"));
        write(root, "c.md", "---\ntitle: Three\nslug: Hello!\n---\n");
        let s = scan(root);
        assert_eq!(s.posts.len(), 1);
        assert_eq!(s.posts[0].rel_path, Path::new("a/hello.md"));
        assert_eq!(s.errors.len(), 2);
        for (e, file) in s.errors.iter().zip(["b/2024-05-06-hello.md", "c.md"]) {
            assert_eq!(e.file, Path::new(file));
            assert!(e.message.contains("a/hello.md"), "{e}");
        }
    }

    #[test]
    fn non_utf8_file_is_an_error_and_a_missing_folder_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("bad.md"), b"---\ntitle: \xff\n---\n").unwrap();
        let s = scan(dir.path());
        assert_eq!(s.errors.len(), 1);
        assert_eq!(s.errors[0].line, 1);
        assert!(s.errors[0].to_string().starts_with("bad.md:1: not UTF-8"));
        assert!(s.errors[0].message.contains("line 2"), "{}", s.errors[0]);
        assert_eq!(scan(&dir.path().join("nope")), Scan::default());
    }

    #[test]
    fn drafts_are_returned_for_the_sync_to_decide() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "d.md", "---\ntitle: D\ndraft: true\n---\n");
        let s = scan(dir.path());
        assert!(s.posts[0].front.draft);
    }

    #[test]
    fn fingerprint_changes_when_a_file_is_touched_added_or_removed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a.md", &post("A"));
        write(root, "img/pic.png", "png");
        let f0 = fingerprint(root);
        assert_eq!(fingerprint(root), f0, "stable without changes");

        let later = SystemTime::now() + Duration::from_secs(5);
        fs::File::options()
            .write(true)
            .open(root.join("img/pic.png"))
            .unwrap()
            .set_modified(later)
            .unwrap();
        let f1 = fingerprint(root);
        assert_ne!(f1, f0, "touched");

        write(root, "b.md", &post("B"));
        let f2 = fingerprint(root);
        assert_ne!(f2, f1, "added");

        fs::remove_file(root.join("b.md")).unwrap();
        assert_eq!(fingerprint(root), f1, "removed");

        write(root, ".a.md.swp", "editor noise");
        assert_eq!(fingerprint(root), f1, "hidden files are ignored");
    }

    #[test]
    fn media_path_serves_files_inside_the_folder_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("content");
        write(&root, "posts/trip/img/a.png", "png");
        write(&root, "posts/trip/index.md", &post("Trip"));
        write(&root, ".git/config", "secret");
        write(dir.path(), "outside.png", "png");
        assert_eq!(
            media_path(&root, "posts/trip/img/a.png"),
            Some(root.canonicalize().unwrap().join("posts/trip/img/a.png"))
        );
        for bad in [
            "",
            "/etc/passwd",
            "../outside.png",
            "posts/../../outside.png",
            "posts/./trip/img/a.png",
            "posts//trip/img/a.png",
            "posts\\trip\\img\\a.png",
            ".git/config",
            "posts/trip/index.md",
            "posts/trip",
            "posts/trip/img/missing.png",
        ] {
            assert_eq!(media_path(&root, bad), None, "{bad:?}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("outside.png"), root.join("link.png"))
                .unwrap();
            assert_eq!(
                media_path(&root, "link.png"),
                None,
                "symlink out of the folder"
            );
        }
    }
}
