-- The conversation under each article: comments (replies from the fediverse), reactions
-- (likes and boosts), and the author's moderation (approved commenters, blocks, reports).

CREATE TABLE comments (
    id             INTEGER PRIMARY KEY,
    object_id      TEXT NOT NULL UNIQUE,        -- the remote Note's id
    post_id        INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    in_reply_to    TEXT NOT NULL,               -- the article's or a comment's id
    parent_id      INTEGER REFERENCES comments (id) ON DELETE CASCADE, -- NULL: a reply to the article
    author_id      TEXT NOT NULL,
    author_host    TEXT NOT NULL,
    author_name    TEXT,
    author_handle  TEXT,                        -- @user@host
    author_avatar  TEXT,
    author_url     TEXT,
    content_html   TEXT NOT NULL,               -- sanitised on receipt
    spoiler        TEXT,                        -- plain text (summary / spoilerText)
    emoji          TEXT NOT NULL DEFAULT '[]',  -- JSON [[":name:", "https://…"], …]
    url            TEXT,
    published      TEXT NOT NULL,
    updated        TEXT,                        -- set when the author edited it
    state          TEXT NOT NULL DEFAULT 'visible'
                   CHECK (state IN ('visible', 'pending', 'hidden')),
    received_at    TEXT NOT NULL
);
CREATE INDEX comments_by_post ON comments (post_id, published);
CREATE INDEX comments_by_author ON comments (author_id);

CREATE TABLE reactions (
    post_id        INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    actor_id       TEXT NOT NULL,
    actor_host     TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('like', 'boost')),
    activity_id    TEXT,                        -- the Like/Announce, for Undo
    emoji          TEXT,                        -- a Misskey reaction, when given
    actor_name     TEXT,
    actor_handle   TEXT,
    actor_avatar   TEXT,
    actor_url      TEXT,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (post_id, actor_id, kind)       -- the same actor counts once
);
CREATE INDEX reactions_by_activity ON reactions (activity_id);
CREATE INDEX reactions_by_actor ON reactions (actor_id);

-- Commenters whose replies skip the queue under the "approve" policy.
CREATE TABLE approved_authors (
    actor_id     TEXT PRIMARY KEY,
    approved_at  TEXT NOT NULL
);

CREATE TABLE blocks (
    target      TEXT PRIMARY KEY,               -- an actor id, or a bare host
    kind        TEXT NOT NULL CHECK (kind IN ('actor', 'domain')),
    created_at  TEXT NOT NULL
);

CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    activity_id  TEXT UNIQUE,
    actor_id     TEXT NOT NULL,
    content      TEXT NOT NULL,                 -- plain text
    objects      TEXT NOT NULL,                 -- JSON array of the reported ids
    received_at  TEXT NOT NULL
);
