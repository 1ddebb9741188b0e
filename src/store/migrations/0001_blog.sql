-- The blog: local actors with their keys, posts, tags, the activities the content sync
-- records for delivery, and followers (counted by the collections).

CREATE TABLE local_actors (
    name            TEXT PRIMARY KEY,          -- preferredUsername
    kind            TEXT NOT NULL CHECK (kind IN ('Person', 'Group')),
    private_key     BLOB NOT NULL,             -- PKCS#8 DER; never leaves the database
    public_key_pem  TEXT NOT NULL,             -- SPKI PEM, as published
    created_at      TEXT NOT NULL
);

CREATE TABLE posts (
    id               INTEGER PRIMARY KEY,
    slug             TEXT NOT NULL UNIQUE,     -- the identity: B/posts/{slug} forever
    source_path      TEXT NOT NULL,            -- relative to the content folder
    content_hash     TEXT NOT NULL,            -- SHA-256 of the file: detects edits
    title            TEXT NOT NULL,
    markdown         TEXT NOT NULL,
    html             TEXT NOT NULL,
    summary_html     TEXT NOT NULL,
    summary_text     TEXT NOT NULL,
    cw               TEXT,
    image            TEXT,
    media            TEXT NOT NULL DEFAULT '[]', -- JSON array of content-relative paths
    comments_policy  TEXT,
    published        TEXT NOT NULL,            -- RFC 3339, UTC
    updated          TEXT,                     -- set when the post was edited
    deleted_at       TEXT                      -- a tombstone: the URL answers 410
);
CREATE INDEX posts_by_published ON posts (published DESC);

CREATE TABLE post_tags (
    post_id  INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    slug     TEXT NOT NULL,
    name     TEXT NOT NULL,
    PRIMARY KEY (post_id, slug)
);
CREATE INDEX post_tags_by_slug ON post_tags (slug);

-- Activities quire sends, recorded when they happen; delivery plans from here.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    activity_id  TEXT NOT NULL UNIQUE,
    actor        TEXT NOT NULL,                -- local actor name
    kind         TEXT NOT NULL,                -- Create, Update, Delete, Announce, Accept ...
    object_id    TEXT,
    payload      TEXT NOT NULL,                -- the activity, JSON
    created_at   TEXT NOT NULL,
    planned      INTEGER NOT NULL DEFAULT 0    -- 1 once deliveries were queued for it
);
CREATE INDEX outbox_unplanned ON outbox (planned) WHERE planned = 0;

CREATE TABLE followers (
    local_actor   TEXT NOT NULL,               -- local actor name
    actor_id      TEXT NOT NULL,               -- the remote follower
    inbox         TEXT NOT NULL,
    shared_inbox  TEXT,
    follow_id     TEXT,                        -- the Follow activity's id
    created_at    TEXT NOT NULL,
    PRIMARY KEY (local_actor, actor_id)
);
