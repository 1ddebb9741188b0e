//! quire's integration tests: one binary, real servers on 127.0.0.1.

mod support;

mod blog;
mod cli;
mod conversation;
mod corpus;
mod delivery;
mod discovery;
mod federation;
mod inbox;
mod interop;
mod invariants;
mod ops;
mod storage;
mod sync;
