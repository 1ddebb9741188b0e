//! quire placeholder

pub mod content;
