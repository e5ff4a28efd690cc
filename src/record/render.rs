//! The template environment shared by reports and STATUS.md: templates are
//! compiled into the binary, undefined variables are errors, and `cell`
//! makes any text safe inside a Markdown table cell.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use minijinja::{Environment, UndefinedBehavior};

pub type RenderError = minijinja::Error;

pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .expect("the default syntax with trailing newlines is valid"),
    );
    env.add_filter("cell", cell);
    env.add_template("incident.md", include_str!("templates/incident.md.j2"))
        .expect("the incident template is valid");
    env.add_template("status.md", include_str!("templates/status.md.j2"))
        .expect("the status template is valid");
    env.add_template("approval.md", include_str!("templates/approval.md.j2"))
        .expect("the approval template is valid");
    env
}

/// Escapes what would break a Markdown table: pipes and line breaks.
fn cell(value: String) -> String {
    value
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// `2026-11-27 22:40:00` in UTC: stable, sortable, readable.
pub fn human_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M:%S").to_string()
}

pub fn human_duration(d: SignedDuration) -> String {
    let secs = d.as_secs().max(0) as u64;
    humantime::format_duration(Duration::from_secs(secs)).to_string()
}
