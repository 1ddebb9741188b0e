//! ActivityPub (being written).
