-- Federation: remote actors (cache), received activity ids (idempotency), the delivery
-- queue, and what quire knows about each remote host.

-- Activities addressed to one actor (Accept, Reject) name its inbox; others fan out to
-- followers.
ALTER TABLE outbox ADD COLUMN target_inbox TEXT;

CREATE TABLE remote_actors (
    id                  TEXT PRIMARY KEY,
    kind                TEXT NOT NULL,
    host                TEXT NOT NULL,
    inbox               TEXT,
    shared_inbox        TEXT,
    key_id              TEXT,
    public_key_pem      TEXT,
    preferred_username  TEXT,
    name                TEXT,
    url                 TEXT,
    icon_url            TEXT,
    document            TEXT NOT NULL,          -- the fetched JSON
    fetched_at          TEXT NOT NULL
);
CREATE INDEX remote_actors_by_key ON remote_actors (key_id);

CREATE TABLE received_activities (
    id           TEXT PRIMARY KEY,              -- the activity id: seen once, applied once
    actor        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    received_at  TEXT NOT NULL
);

CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY,
    outbox_id        INTEGER NOT NULL REFERENCES outbox (id),
    inbox            TEXT NOT NULL,
    host             TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'done', 'failed', 'gone')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,          -- unix seconds
    leased_until     INTEGER,                   -- set while a worker is sending it
    last_status      INTEGER,
    last_error       TEXT,
    updated_at       TEXT NOT NULL,
    UNIQUE (outbox_id, inbox)
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);

CREATE TABLE remote_hosts (
    host              TEXT PRIMARY KEY,
    signature         TEXT,                     -- 'rfc9421' or 'cavage': what it accepted last
    first_failure_at  INTEGER,                  -- start of the current run of failures
    last_success_at   INTEGER
);
