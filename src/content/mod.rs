//! The Markdown folder (being written).
