//! Federation: how quire talks to the rest of the fediverse.

pub mod signature;
