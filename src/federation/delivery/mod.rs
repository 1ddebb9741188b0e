//! Delivery: recorded outbox activities → one queued delivery per distinct inbox → signed
//! POSTs, retried with back-off for days (DESIGN §2 "Out").
//!
//! - `plan.rs`: the planner. Who receives an activity (its target inbox, else the sender's
//!   followers, one delivery per shared inbox), fixed when it is planned.
//! - `policy.rs`: the retry policy: back-off, when to give up, what each answer means.
//! - `worker.rs`: the worker `serve` runs: lease due rows, sign at send time with the
//!   sending actor's key, double-knock RFC 9421 → draft-cavage, record the outcome, stop
//!   gracefully.
//!
//! Everything durable lives in the `deliveries` and `remote_hosts` tables (`store::deliveries`);
//! this module holds no queue in memory beyond the rows it is sending, and writes no SQL.

mod plan;
mod policy;
mod worker;

pub use plan::{audience, inbox_host, plan_pending};
pub use policy::{Answer, RetryPolicy, Verdict};
pub use worker::{run, WorkerSettings};

/// The current time in unix seconds, the queue's clock.
pub fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}
