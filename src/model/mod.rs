//! The schema model: a catalog of schema objects, and the replay that applies
//! statement summaries to it and records what each changed.
//!
//! The model reads only the [`crate::sql::ir`] summary, never parser types.
//! It does no I/O; rendering the catalog back to SQL is [`render`].

pub mod catalog;
pub mod change;
pub mod diff;
pub mod json;
pub mod names;
pub mod render;
pub mod replay;

pub use catalog::Catalog;
pub use change::{Action, Change, ObjectRef, State};
pub use replay::{Effect, Replay};
