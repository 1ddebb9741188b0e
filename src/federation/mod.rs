//! ActivityPub: the vocabulary quire writes, the conversion of its records into it,
//! discovery documents and collections. May use `http` types; never axum or maud, never SQL.

pub mod actors;
pub mod collections;
pub mod conversation;
pub mod convert;
pub mod delivery;
pub mod discovery;
pub mod fetch;
pub mod inbox;
pub mod outbox;
pub mod read;
pub mod sanitize;
pub mod signature;
pub mod vocab;
