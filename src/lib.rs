//! quire placeholder
