//! ActivityPub (being written).

pub mod read;
pub mod sanitize;
