//! Reactions to an article: likes (Misskey emoji reactions included) and boosts.
//!
//! One row per (post, actor, kind): a repeated Like from the same actor counts once.

use rusqlite::params;

use super::comments::Author;
use super::received::insert_received;
use super::{now_rfc3339, Store, StoreError, StoreResult};

/// A like or a boost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReactionKind {
    /// Like, EmojiReact.
    Like,
    /// Announce.
    Boost,
}

impl ReactionKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReactionKind::Like => "like",
            ReactionKind::Boost => "boost",
        }
    }
}

/// A reaction to record.
#[derive(Debug, Clone)]
pub struct NewReaction {
    /// The post reacted to.
    pub post_id: i64,
    /// Like or boost.
    pub kind: ReactionKind,
    /// Who.
    pub actor: Author,
    /// The actor's host.
    pub actor_host: String,
    /// The Like/Announce id (Undo names it).
    pub activity_id: Option<String>,
    /// A Misskey reaction (`⭐`, `:blobcat:`), when given.
    pub emoji: Option<String>,
}

/// An activity id to record in the same transaction as the reaction it carries (see
/// [`Store::claim_received`]): the id and its effect are committed together or not at all.
#[derive(Debug, Clone)]
pub struct ReceivedId {
    /// The activity id.
    pub id: String,
    /// Its actor.
    pub actor: String,
    /// Its type.
    pub kind: String,
}

/// What became of a reaction given to [`ReactionWriter::add_claimed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// Recorded (with its activity id, when it had one).
    New,
    /// The actor's reaction of that kind was already there: only the activity id was
    /// recorded.
    Repeat,
    /// The activity id was recorded before: nothing changed.
    Duplicate,
}

/// A stored reaction, as the page lists it.
#[derive(Debug, Clone)]
pub struct Reaction {
    /// Who.
    pub actor: Author,
    /// A Misskey reaction, when given.
    pub emoji: Option<String>,
    /// When it arrived (RFC 3339).
    pub created_at: String,
}

/// Inserts a reaction inside an open connection or transaction; returns whether it is new.
pub(crate) fn insert_reaction(
    conn: &rusqlite::Connection,
    r: &NewReaction,
) -> rusqlite::Result<bool> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO reactions (post_id, actor_id, actor_host, kind, activity_id, emoji,
            actor_name, actor_handle, actor_avatar, actor_url, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (post_id, actor_id, kind) DO NOTHING",
    )?;
    let n = stmt.execute(params![
        r.post_id,
        r.actor.id,
        r.actor_host,
        r.kind.as_str(),
        r.activity_id,
        r.emoji,
        r.actor.name,
        r.actor.handle,
        r.actor.avatar,
        r.actor.url,
        now_rfc3339()
    ])?;
    Ok(n > 0)
}

impl Store {
    /// Records a reaction; the same actor's repeat changes nothing. Returns whether it is new.
    pub fn add_reaction(&self, r: &NewReaction) -> StoreResult<bool> {
        Ok(insert_reaction(&self.conn(), r)?)
    }

    /// Records many reactions in one transaction (one durable commit for all of them);
    /// returns, for each, whether it was new.
    pub fn add_reactions(&self, rs: &[NewReaction]) -> StoreResult<Vec<bool>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut out = Vec::with_capacity(rs.len());
        for r in rs {
            out.push(insert_reaction(&tx, r)?);
        }
        tx.commit()?;
        Ok(out)
    }

    /// Records many reactions in one transaction, each with the activity id that carries it
    /// (when it has one): a reaction whose id was recorded before changes nothing
    /// ([`Added::Duplicate`]). One durable commit for all of them.
    pub fn add_reactions_claimed(
        &self,
        items: &[(NewReaction, Option<ReceivedId>)],
    ) -> StoreResult<Vec<Added>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let mut out = Vec::with_capacity(items.len());
        for (reaction, claim) in items {
            if let Some(c) = claim {
                if !insert_received(&tx, &c.id, &c.actor, &c.kind)? {
                    out.push(Added::Duplicate);
                    continue;
                }
            }
            out.push(if insert_reaction(&tx, reaction)? {
                Added::New
            } else {
                Added::Repeat
            });
        }
        tx.commit()?;
        Ok(out)
    }

    /// Removes the reaction recorded by activity `activity_id` from `actor_id` (Undo).
    /// Returns whether one was removed.
    pub fn remove_reaction_by_activity(
        &self,
        actor_id: &str,
        activity_id: &str,
    ) -> StoreResult<bool> {
        let n = self.conn().execute(
            "DELETE FROM reactions WHERE actor_id = ?1 AND activity_id = ?2",
            params![actor_id, activity_id],
        )?;
        Ok(n > 0)
    }

    /// Removes `actor_id`'s reaction of `kind` on a post (Undo whose object is the embedded
    /// Like without a usable id). Returns whether one was removed.
    pub fn remove_reaction(
        &self,
        post_id: i64,
        actor_id: &str,
        kind: ReactionKind,
    ) -> StoreResult<bool> {
        let n = self.conn().execute(
            "DELETE FROM reactions WHERE post_id = ?1 AND actor_id = ?2 AND kind = ?3",
            params![post_id, actor_id, kind.as_str()],
        )?;
        Ok(n > 0)
    }

    /// Reactions of one kind on a post, oldest first.
    pub fn reactions(&self, post_id: i64, kind: ReactionKind) -> StoreResult<Vec<Reaction>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT actor_id, actor_name, actor_handle, actor_avatar, actor_url, emoji, created_at
             FROM reactions WHERE post_id = ?1 AND kind = ?2 ORDER BY created_at, actor_id",
        )?;
        let rows = stmt
            .query_map(params![post_id, kind.as_str()], |r| {
                Ok(Reaction {
                    actor: Author {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        handle: r.get(2)?,
                        avatar: r.get(3)?,
                        url: r.get(4)?,
                    },
                    emoji: r.get(5)?,
                    created_at: r.get(6)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Number of reactions of one kind on a post.
    pub fn count_reactions(&self, post_id: i64, kind: ReactionKind) -> StoreResult<usize> {
        let n: i64 = self.conn().query_row(
            "SELECT count(*) FROM reactions WHERE post_id = ?1 AND kind = ?2",
            params![post_id, kind.as_str()],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }

    /// Removes every reaction of an actor; returns how many.
    pub fn delete_reactions_of(&self, actor_id: &str) -> StoreResult<usize> {
        Ok(self
            .conn()
            .execute("DELETE FROM reactions WHERE actor_id = ?1", [actor_id])?)
    }

    /// Removes every reaction from actors on `host`; returns how many.
    pub fn delete_reactions_of_host(&self, host: &str) -> StoreResult<usize> {
        Ok(self
            .conn()
            .execute("DELETE FROM reactions WHERE actor_host = ?1", [host])?)
    }
}

/// A reply channel for one queued reaction.
type Reply = tokio::sync::oneshot::Sender<StoreResult<Added>>;

/// One queued reaction, with the activity id to record with it.
type Item = (NewReaction, Option<ReceivedId>, Reply);

/// Group commit for reactions: a writer thread takes every reaction queued while the previous
/// commit ran and writes them in one transaction, then answers each caller. Under load one
/// durable commit then covers many requests (SQLite commits, not inserts, are what cost);
/// each caller still hears back only after its row is committed. The activity id travels
/// with the reaction and is claimed in the same transaction (see
/// [`Store::add_reactions_claimed`]).
pub struct ReactionWriter {
    queue: tokio::sync::mpsc::UnboundedSender<Item>,
}

/// The most reactions one transaction takes.
const MAX_BATCH: usize = 1024;

impl ReactionWriter {
    /// Starts the writer thread over `store`; it stops when the writer is dropped.
    pub fn spawn(store: Store) -> ReactionWriter {
        let (queue, mut rx) = tokio::sync::mpsc::unbounded_channel::<Item>();
        let spawned = std::thread::Builder::new()
            .name("reaction-writer".into())
            .spawn(move || {
                while let Some(first) = rx.blocking_recv() {
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(item) => batch.push(item),
                            Err(_) => break,
                        }
                    }
                    let (rows, replies): (Vec<_>, Vec<Reply>) = batch
                        .into_iter()
                        .map(|(reaction, claim, reply)| ((reaction, claim), reply))
                        .unzip();
                    match store.add_reactions_claimed(&rows) {
                        Ok(results) => {
                            for (reply, new) in replies.into_iter().zip(results) {
                                let _ = reply.send(Ok(new));
                            }
                        }
                        Err(e) => {
                            let message = e.to_string();
                            for reply in replies {
                                let _ = reply.send(Err(StoreError::Corrupt(message.clone())));
                            }
                        }
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::error!("cannot start the reaction writer: {e}");
        }
        ReactionWriter { queue }
    }

    /// Records a reaction (see [`Store::add_reaction`]); resolves once it is committed.
    pub async fn add(&self, reaction: NewReaction) -> StoreResult<bool> {
        Ok(self.add_claimed(reaction, None).await? == Added::New)
    }

    /// Records a reaction and, in the same transaction, the activity id that carries it;
    /// resolves once both are committed. A crash never leaves one without the other.
    pub async fn add_claimed(
        &self,
        reaction: NewReaction,
        claim: Option<ReceivedId>,
    ) -> StoreResult<Added> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.queue
            .send((reaction, claim, tx))
            .map_err(|_| StoreError::Corrupt("the reaction writer stopped".into()))?;
        rx.await
            .map_err(|_| StoreError::Corrupt("the reaction writer stopped".into()))?
    }
}
