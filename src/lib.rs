//! turquoise: safe zero-downtime PostgreSQL schema changes.
//!
//! Data flows one way: [`source`] finds migrations in any layout, [`sql`]
//! splits and summarises their statements, [`model`] replays them into a
//! schema catalog and records what each changed, [`graph`] knows what depends
//! on what; [`history`] puts those stages together and [`report`] formats
//! findings. The `turquoise` binary is a thin layer over [`cli`].

pub mod cli;
pub mod diagnostic;
pub mod graph;
pub mod history;
pub mod model;
pub mod pg;
pub mod report;
pub mod source;
pub mod sql;
