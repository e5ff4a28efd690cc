//! Playbooks: `playbooks/*.yaml` → validated `Playbook`s, or every problem
//! with file:line:column. (The loader is being written; the model is fixed.)

mod model;

pub use model::*;
