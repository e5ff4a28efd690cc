//! Opens the database and brings its schema up to date: migration N runs when
//! `PRAGMA user_version` is below N, each in its own transaction.

use rusqlite::Connection;

use super::StoreError;

/// Migration 1 is `schema.sql`; later ones live in `migrations/`. Append new
/// ones, never edit applied ones.
const MIGRATIONS: &[&str] = &[
    include_str!("../../schema.sql"),
    include_str!("migrations/002_actions.sql"),
    include_str!("migrations/003_files.sql"),
    include_str!("migrations/004_diagnosis.sql"),
    include_str!("migrations/005_retention.sql"),
    include_str!("migrations/006_correlation.sql"),
];

pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

pub fn schema_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}
