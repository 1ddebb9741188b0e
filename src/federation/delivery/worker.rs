//! The delivery worker `serve` runs: plans new activities, leases due deliveries, sends them
//! with bounded concurrency, records each outcome, sleeps until the next one is due.
//!
//! Durability rests on the store: a row is leased (`leased_until`) before it is sent and its
//! outcome committed in one transaction after, so a killed process loses nothing (leases
//! expire, and `serve` releases stale ones when it starts) and sends a row twice only if it
//! died between the remote's 2xx and that commit. The worker leases only as many rows as it
//! has free slots, so a leased row is always being sent, well within its lease.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

use super::now_unix;
use super::plan::plan_pending;
use super::policy::{Answer, RetryPolicy, Verdict};
use crate::app::App;
use crate::config::SignaturePreference;
use crate::federation::fetch::{FetchError, PostOutcome};
use crate::federation::signature::Scheme;
use crate::store::deliveries::{AttemptFailure, DeliveryState, LeasedDelivery};

/// How the worker runs.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Deliveries sent at once.
    pub concurrency: usize,
    /// Back-off and giving up.
    pub policy: RetryPolicy,
    /// How long a leased row is held before another worker may take it (longer than one
    /// send with its double-knock can take: the client times out after 20 s).
    pub lease: Duration,
    /// How often the outbox and queue are read when nothing wakes the worker: activities
    /// recorded by another process (`quire import`, `quire queue retry`) cannot notify it.
    pub poll: Duration,
    /// On shutdown, how long sends under way may take to finish.
    pub stop_grace: Duration,
}

impl WorkerSettings {
    /// The settings for `app`: its configured concurrency and the default policy.
    pub fn for_app(app: &App) -> WorkerSettings {
        WorkerSettings {
            concurrency: app.config.delivery_concurrency.max(1),
            policy: RetryPolicy::default(),
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(2),
            stop_grace: Duration::from_secs(10),
        }
    }
}

/// Runs the worker until `stop` turns true (or its sender is dropped). On stop it leases
/// nothing more, lets sends under way finish within [`WorkerSettings::stop_grace`], releases
/// the leases of those that did not, and returns.
pub async fn run(app: Arc<App>, settings: WorkerSettings, mut stop: watch::Receiver<bool>) {
    match app.store.run(|s| s.release_all_leases()).await {
        Ok(0) => {}
        Ok(n) => tracing::info!("{n} deliveries left under way by a previous run are sent again"),
        Err(e) => tracing::error!("delivery queue: releasing old leases failed: {e}"),
    }
    let settings = Arc::new(settings);
    let mut tasks: JoinSet<()> = JoinSet::new();
    // Task id → delivery row, for the rows being sent.
    let mut in_flight: HashMap<tokio::task::Id, i64> = HashMap::new();
    // Plan at start, when woken, and at every poll; not after each finished send.
    let mut plan_now = true;
    let mut last_plan = tokio::time::Instant::now();
    loop {
        if *stop.borrow() {
            break;
        }
        if plan_now || last_plan.elapsed() >= settings.poll {
            plan_now = false;
            last_plan = tokio::time::Instant::now();
            let config = app.clone();
            let now = now_unix();
            if let Err(e) = app
                .store
                .run(move |s| plan_pending(s, &config.config, now))
                .await
            {
                tracing::error!("delivery planning failed: {e}");
            }
        }

        let free = settings.concurrency.saturating_sub(tasks.len());
        let mut filled = false;
        if free > 0 {
            let now = now_unix();
            let until = now + settings.lease.as_secs() as i64;
            match app
                .store
                .run(move |s| s.lease_deliveries(now, until, free))
                .await
            {
                Ok(rows) => {
                    filled = rows.len() == free;
                    for row in rows {
                        let id = row.id;
                        let handle = tasks.spawn(deliver(app.clone(), settings.clone(), row));
                        in_flight.insert(handle.id(), id);
                    }
                }
                Err(e) => tracing::error!("delivery queue: leasing failed: {e}"),
            }
        }

        // Full (or more may be due): wait for a slot. Otherwise sleep until the next row is
        // due, new activities are recorded, or the poll interval passes.
        let wait = if filled {
            settings.poll
        } else {
            match app.store.run(|s| s.next_delivery_due()).await {
                Ok(Some(due)) => {
                    let now_ms = chrono::Utc::now().timestamp_millis();
                    Duration::from_millis((due * 1000 - now_ms).max(20) as u64).min(settings.poll)
                }
                Ok(None) => settings.poll,
                Err(e) => {
                    tracing::error!("delivery queue: reading failed: {e}");
                    settings.poll
                }
            }
        };
        tokio::select! {
            _ = stop.changed() => {}
            _ = app.outbox_notify.notified() => plan_now = true,
            _ = tokio::time::sleep(wait) => {}
            Some(done) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                reap(&app, &mut in_flight, done).await;
                while let Some(done) = tasks.try_join_next_with_id() {
                    reap(&app, &mut in_flight, done).await;
                }
            }
        }
    }

    // Shutting down: let sends under way finish, within a bound.
    let drained = tokio::time::timeout(settings.stop_grace, async {
        while let Some(done) = tasks.join_next_with_id().await {
            reap(&app, &mut in_flight, done).await;
        }
    })
    .await;
    if drained.is_err() {
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
    }
    let unfinished: Vec<i64> = in_flight.into_values().collect();
    if !unfinished.is_empty() {
        let n = unfinished.len();
        match app.store.run(move |s| s.release_leases(&unfinished)).await {
            Ok(_) => tracing::info!("{n} deliveries under way are left in the queue"),
            Err(e) => tracing::error!("delivery queue: releasing leases failed: {e}"),
        }
    }
}

/// Forgets a finished task; a task that panicked gets its row's lease released at once.
async fn reap(
    app: &App,
    in_flight: &mut HashMap<tokio::task::Id, i64>,
    done: Result<(tokio::task::Id, ()), tokio::task::JoinError>,
) {
    match done {
        Ok((task, ())) => {
            in_flight.remove(&task);
        }
        Err(e) => {
            if let Some(row) = in_flight.remove(&e.id()) {
                tracing::error!(row, "a delivery task failed: {e}");
                let _ = app.store.run(move |s| s.release_leases(&[row])).await;
            }
        }
    }
}

fn scheme_name(scheme: Scheme) -> &'static str {
    match scheme {
        Scheme::Cavage => "cavage",
        Scheme::Rfc9421 => "rfc9421",
    }
}

/// Sends one leased delivery and records the outcome.
async fn deliver(app: Arc<App>, settings: Arc<WorkerSettings>, row: LeasedDelivery) {
    let policy = &settings.policy;
    let Some(actor) = app.local_actor(&row.actor) else {
        let reason = format!("no local actor named {:?} to sign it", row.actor);
        tracing::warn!(host = %row.host, inbox = %row.inbox, "delivery failed: {reason}");
        let id = row.id;
        let _ = app
            .store
            .run(move |s| s.give_up_delivery(id, &reason))
            .await;
        return;
    };
    if policy.host_is_dead(row.host_failing_since, now_unix()) {
        let days = policy.dead_host_after.as_secs() / 86_400;
        let reason = format!("{} has failed without a break for {days}+ days", row.host);
        tracing::warn!(host = %row.host, inbox = %row.inbox, "delivery failed, not sent: {reason}");
        let id = row.id;
        let _ = app
            .store
            .run(move |s| s.give_up_delivery(id, &reason))
            .await;
        return;
    }

    let preference = app.config.signature;
    let mut scheme = match (preference, row.host_signature.as_deref()) {
        (SignaturePreference::Rfc9421, Some("cavage")) | (SignaturePreference::Cavage, _) => {
            Scheme::Cavage
        }
        (SignaturePreference::Rfc9421, _) => Scheme::Rfc9421,
    };
    let body = row.payload.as_bytes();
    let mut result = app
        .client
        .post_activity(&row.inbox, body, scheme, actor.signer())
        .await;
    if scheme == Scheme::Rfc9421 && matches!(&result, Ok(o) if matches!(o.status, 400 | 401 | 403))
    {
        // Double-knocking: the server may not understand RFC 9421 yet.
        tracing::debug!(host = %row.host, "RFC 9421 signature refused; knocking again with draft-cavage");
        scheme = Scheme::Cavage;
        result = app
            .client
            .post_activity(&row.inbox, body, scheme, actor.signer())
            .await;
    }
    record(&app, policy, &row, preference, scheme, result).await;
}

/// Writes the outcome of an attempt and logs it.
async fn record(
    app: &App,
    policy: &RetryPolicy,
    row: &LeasedDelivery,
    preference: SignaturePreference,
    scheme: Scheme,
    result: Result<PostOutcome, FetchError>,
) {
    let attempts = row.attempts + 1;
    let (answer, status, error) = match &result {
        Ok(o) => {
            let excerpt = o.body_excerpt.trim();
            let error = if excerpt.is_empty() {
                format!("HTTP {}", o.status)
            } else {
                format!("HTTP {}: {}", o.status, excerpt.replace(['\n', '\r'], " "))
            };
            (Answer::Status(o.status), Some(o.status), error)
        }
        Err(e @ (FetchError::Forbidden(..) | FetchError::Signing(_))) => {
            (Answer::Refused(""), None, e.to_string())
        }
        Err(e) => (Answer::Transport(""), None, e.to_string()),
    };
    let id = row.id;
    let host = row.host.clone();
    let now = now_unix();
    let verdict = policy.judge(attempts, answer);
    let written = match verdict {
        Verdict::Delivered => {
            tracing::debug!(host = %row.host, inbox = %row.inbox, status, "delivered");
            let remembered =
                (preference == SignaturePreference::Rfc9421).then(|| scheme_name(scheme));
            let status = status.unwrap_or(200);
            app.store
                .run(move |s| s.mark_delivered(id, &host, status, remembered, now))
                .await
        }
        verdict => {
            let (state, next_at, next) = match verdict {
                Verdict::Retry(after) => (
                    DeliveryState::Pending,
                    now + after.as_secs().max(1) as i64,
                    format!("next attempt in {}", human(after)),
                ),
                Verdict::Gone => (DeliveryState::Gone, now, "gone: not retried".to_string()),
                _ => (
                    DeliveryState::Failed,
                    now,
                    format!("given up after {attempts} attempts"),
                ),
            };
            tracing::warn!(host = %row.host, inbox = %row.inbox, attempt = attempts, "delivery failed: {error}; {next}");
            let failure = AttemptFailure {
                state,
                next_attempt_at: next_at,
                status,
                error,
                host_down: matches!(answer, Answer::Transport(_))
                    || status.is_some_and(|s| s >= 500),
            };
            app.store
                .run(move |s| s.mark_attempt_failed(id, &host, &failure, now))
                .await
        }
    };
    if let Err(e) = written {
        // The lease expires and the row is sent again: at worst a duplicate, never a loss.
        tracing::error!(inbox = %row.inbox, "recording a delivery outcome failed: {e}");
    }
}

/// A duration for people: "45s", "2m", "1h 30m".
fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=89 => format!("{s}s"),
        90..=5399 => format!("{}m", (s + 30) / 60),
        _ => format!("{}h {}m", s / 3600, (s % 3600) / 60),
    }
}
