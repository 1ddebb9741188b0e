//! quire placeholder

pub mod federation;
