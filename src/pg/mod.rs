//! A real PostgreSQL: servers, scratch databases, catalog introspection,
//! `verify` and lock tracing.
//!
//! This is the only module that talks to a server. It never writes to a
//! database it did not create itself, and never prints a password.

pub mod error;
pub mod introspect;
pub mod plan;
pub mod server;
pub mod trace;
pub mod verify;

pub use error::PgError;
pub use server::{ScratchDb, Server};
