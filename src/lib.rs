//! turquoise: safe zero-downtime PostgreSQL schema changes.
//!
//! Data flows one way: [`source`] finds migrations in any layout, [`sql`]
//! splits and summarises their statements, [`model`] replays them into a
//! schema catalog and records what each changed, [`graph`] knows what depends
//! on what; [`history`] puts those stages together and [`report`] formats
//! findings. The `turquoise` binary is a thin layer over [`cli`].
//!
//! ```
//! let (catalog, findings) = turquoise::history::replay_sql(
//!     "example.sql",
//!     "CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);
//!      ALTER TABLE users RENAME COLUMN email TO email_address;",
//! );
//! assert!(findings.is_empty());
//! let sql = turquoise::model::render::to_sql(&catalog);
//! assert!(sql.contains("email_address text NOT NULL"));
//! assert!(sql.contains("CREATE SEQUENCE public.users_id_seq"));
//! ```

pub mod classify;
pub mod cli;
pub mod conflict;
pub mod diagnostic;
pub mod graph;
pub mod history;
pub mod lint;
pub mod model;
pub mod pg;
pub mod plan;
pub mod report;
pub mod rules;
pub mod source;
pub mod sql;
