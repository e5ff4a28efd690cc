//! medic: agentless self-healing for small and medium infrastructure.
//!
//! The pipeline is the architecture; each stage is a module:
//! `config` → `collect` → `store` → `analyze` → `record`, glued together by
//! `ops` (one function per command). Only `collect`, `store` and `record`
//! touch the outside world; `analyze` is pure.

pub mod act;
pub mod analyze;
pub mod cli;
pub mod collect;
pub mod config;
pub mod decide;
pub mod diagnose;
pub mod ops;
pub mod record;
pub mod redact;
pub mod store;
